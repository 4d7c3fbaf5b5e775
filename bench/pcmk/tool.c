// SPDX-License-Identifier: GPL-2.0
/*
 * pcmk-tool: the clock and the crm_mon baseline of the Pacemaker latency
 * benchmark (bench/pcmk/guest.sh). Every time it prints is CLOCK_MONOTONIC
 * in seconds, the clock pcmk-consumer and pcmk-cibwatch use, so the three
 * series and the changes' stamps compare directly. A shell has no such
 * clock (/proc/uptime is centiseconds of another clock), hence this.
 *
 *   pcmk-tool now
 *	print the clock
 *   pcmk-tool stamp FILE -- CMD [ARG...]
 *	run CMD and append "ISSUED RETURNED STATUS" to FILE: the moment it
 *	was started and the moment it was reaped
 *   pcmk-tool inotify FILE DIR
 *	follow FILE (crm_mon's output) by inotify; each time it holds a
 *	complete document (up to "</html>") that differs from the last one,
 *	save it as DIR/N.html and print "upd MONO N": the moment crm_mon
 *	finished writing what an administrator would see
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int stamp(const char *file, char **argv)
{
	double t0, t1;
	int status;
	pid_t pid;
	FILE *f;

	t0 = now();
	pid = fork();
	if (pid < 0) {
		perror("pcmk-tool: fork");
		return 1;
	}
	if (!pid) {
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	t1 = now();
	f = fopen(file, "a");
	if (!f) {
		perror(file);
		return 1;
	}
	fprintf(f, "%.9f %.9f %d\n", t0, t1,
		WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	fclose(f);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* The whole file, NUL-terminated; NULL if it cannot be read. */
static char *slurp(const char *path, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *b = malloc(cap);
	ssize_t r;
	int fd;

	if (!b)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(b);
		return NULL;
	}
	while ((r = read(fd, b + n, cap - n - 1)) > 0) {
		n += r;
		if (n + 1 == cap) {
			char *nb = realloc(b, cap * 2);

			if (!nb)
				break;
			b = nb;
			cap *= 2;
		}
	}
	close(fd);
	b[n] = 0;
	*len = n;
	return b;
}

static int follow(const char *file, const char *dir)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	char *dcopy = strdup(file), *fcopy = strdup(file), *base, *last = NULL;
	size_t lastlen = 0;
	unsigned int n = 0;
	int fd;

	if (!dcopy || !fcopy)
		return 1;
	base = basename(fcopy);
	fd = inotify_init1(IN_CLOEXEC);
	/*
	 * The directory, not the file: crm_mon may create the file after we
	 * start, and it rewrites it in place or anew depending on version.
	 */
	if (fd < 0 || inotify_add_watch(fd, dirname(dcopy), IN_MODIFY |
				IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE) < 0) {
		perror("pcmk-tool: inotify");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	fprintf(stderr, "pcmk-tool: following %s\n", file);
	for (;;) {
		ssize_t len = read(fd, buf, sizeof(buf)), off;
		int ours = 0;
		double t;
		size_t cl;
		char *c, path[PATH_MAX];
		FILE *o;

		if (len < 0 && errno == EINTR)
			continue;
		if (len <= 0) {
			perror("pcmk-tool: inotify read");
			return 1;
		}
		/* The moment crm_mon's write reached us, before our own work. */
		t = now();
		for (off = 0; off < len;) {
			struct inotify_event *e = (void *)(buf + off);

			if (e->len && !strcmp(e->name, base))
				ours = 1;
			off += sizeof(*e) + e->len;
		}
		if (!ours)
			continue;
		c = slurp(file, &cl);
		/* A truncation or a part of the document: not yet shown. */
		if (!c || !strstr(c, "</html>") ||
		    (last && cl == lastlen && !memcmp(c, last, cl))) {
			free(c);
			continue;
		}
		free(last);
		last = c;
		lastlen = cl;
		n++;
		snprintf(path, sizeof(path), "%s/%u.html", dir, n);
		o = fopen(path, "w");
		if (o) {
			fwrite(c, 1, cl, o);
			fclose(o);
		}
		printf("upd %.9f %u\n", t, n);
	}
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "now")) {
		printf("%.9f\n", now());
		return 0;
	}
	if (argc >= 5 && !strcmp(argv[1], "stamp") && !strcmp(argv[3], "--"))
		return stamp(argv[2], argv + 4);
	if (argc == 4 && !strcmp(argv[1], "inotify"))
		return follow(argv[2], argv[3]);
	fprintf(stderr, "usage: pcmk-tool now | stamp FILE -- CMD [ARG...] | inotify FILE DIR\n");
	return 2;
}
