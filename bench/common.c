// SPDX-License-Identifier: GPL-2.0
/*
 * cnbench: failing, timing, CPU accounting, statistics and output.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <math.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cnbench.h"

void bench_fail(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fflush(stdout);
	dprintf(STDOUT_FILENO, "cnbench: FAIL: %s\n", buf);
	_exit(1);
}

void bench_check(int ret, const char *what)
{
	if (ret)
		bench_fail("%s: %s", what, strerror(ret < 0 ? -ret : ret));
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * perf record --control fifo:CTL,ACK -D -1 in the guest: with
 * CNBENCH_PERF_CTL=CTL,ACK in the environment, a benchmark switches the
 * sampling on and off around what it wants profiled.
 */
void perf_ctl(bool on)
{
	static int ctl = -1, ack = -1;
	const char *env = getenv("CNBENCH_PERF_CTL");
	char path[256], *comma, buf[8];

	if (!env)
		return;
	if (ctl < 0) {
		snprintf(path, sizeof(path), "%s", env);
		comma = strchr(path, ',');
		if (!comma)
			return;
		*comma = 0;
		ctl = open(path, O_WRONLY | O_CLOEXEC);
		ack = open(comma + 1, O_RDONLY | O_CLOEXEC);
		if (ctl < 0 || ack < 0)
			bench_fail("perf control fifos: %s", strerror(errno));
	}
	if (write(ctl, on ? "enable\n" : "disable\n", on ? 7 : 8) < 0 ||
	    read(ack, buf, sizeof(buf)) <= 0)
		bench_fail("perf control: %s", strerror(errno));
}

double thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

double process_cpu(int pid)
{
	struct timespec ts;
	clockid_t clk;

	if (pid <= 0 || clock_getcpuclockid(pid, &clk) ||
	    clock_gettime(clk, &ts))
		return 0;
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void sleep_us(unsigned int us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void pin_cpu(int cpu)
{
	cpu_set_t set;

	if (cpu < 0 || cpu >= sysconf(_SC_NPROCESSORS_ONLN))
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

void unpin_cpu(void)
{
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	for (i = 0; i < sysconf(_SC_NPROCESSORS_ONLN); i++)
		CPU_SET(i, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/*
 * The first line of /proc/stat: user nice system idle iowait irq softirq
 * steal ..., in USER_HZ ticks summed over every CPU. Busy is all but idle
 * and iowait, so it includes the kernel threads and interrupts an
 * operation causes, not only the benchmark's own processes.
 */
void cpu_times_read(struct cpu_times *t)
{
	unsigned long long v[8] = { 0 };
	double hz = sysconf(_SC_CLK_TCK);
	char buf[512];
	ssize_t n;
	int fd, i;

	fd = open("/proc/stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		bench_fail("open /proc/stat: %s", strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		bench_fail("read /proc/stat");
	buf[n] = 0;
	if (sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
		   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) < 7)
		bench_fail("cannot parse /proc/stat");
	t->total = 0;
	for (i = 0; i < 8; i++)
		t->total += v[i];
	t->busy = (t->total - v[3] - v[4]) / hz;
	t->total /= hz;
}

double cpu_busy_since(const struct cpu_times *t0)
{
	struct cpu_times t1;

	cpu_times_read(&t1);
	return t1.busy - t0->busy;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct stat3 stat3_of(const double *v, int n)
{
	struct stat3 s = { NAN, NAN, NAN };
	double *c;

	if (n <= 0)
		return s;
	c = malloc(n * sizeof(*c));
	if (!c)
		bench_fail("out of memory");
	memcpy(c, v, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp_double);
	s.min = c[0];
	s.max = c[n - 1];
	s.med = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
	free(c);
	return s;
}

struct stat3 stat3_ratio(const double *a, const double *b, int n)
{
	double r[256];
	int i;

	if (n > 256)
		n = 256;
	for (i = 0; i < n; i++)
		r[i] = b[i] ? a[i] / b[i] : NAN;
	return stat3_of(r, n);
}

double percentile(double *v, size_t n, double p)
{
	double rank;
	size_t lo;

	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	rank = p / 100.0 * (n - 1);
	lo = (size_t)rank;
	if (lo + 1 >= n)
		return v[n - 1];
	return v[lo] + (rank - lo) * (v[lo + 1] - v[lo]);
}

void emit_data(const char *bench, const char *series, long x,
	       const char *metric, struct stat3 s)
{
	printf("### data %s %s %ld %s %.6g %.6g %.6g\n", bench, series, x,
	       metric, s.med, s.min, s.max);
	fflush(stdout);
}

void emit_ratio(const char *bench, const char *name, long x,
		const char *metric, struct stat3 s)
{
	printf("### ratio %s %s %ld %s %.4g %.4g %.4g\n", bench, name, x,
	       metric, s.med, s.min, s.max);
	fflush(stdout);
}

void emit_pct(const char *bench, const char *series, long x, double pct,
	      double value)
{
	printf("### pct %s %s %ld %g %.6g\n", bench, series, x, pct, value);
}

void emit_info(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("### info %s ", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

void raise_nofile(long n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		bench_fail("getrlimit: %s", strerror(errno));
	if ((long)rl.rlim_cur >= n)
		return;
	rl.rlim_cur = n;
	if ((long)rl.rlim_max < n)
		rl.rlim_max = n;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		bench_fail("setrlimit(RLIMIT_NOFILE, %ld): %s", n,
			   strerror(errno));
}

int param_write(const char *name, unsigned long val)
{
	char path[256], buf[32];
	int fd, len, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", CN_PARAM_DIR, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%lu", val);
	if (write(fd, buf, len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

static long futex(uint32_t *uaddr, int op, uint32_t val,
		  const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

/*
 * The waker publishes progress and, only when someone sleeps, bumps the
 * futex word and wakes them: no syscall on the fast path. Sequentially
 * consistent atomics order "waiting = 1" before the waiter's re-check, and
 * the count's store before the waker's look at waiting.
 */
void waiter_publish(struct waiter *w, uint64_t count)
{
	__atomic_store_n(&w->count, count, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&w->waiting, __ATOMIC_SEQ_CST)) {
		__atomic_add_fetch(&w->gen, 1, __ATOMIC_SEQ_CST);
		futex(&w->gen, FUTEX_WAKE_PRIVATE, INT_MAX, NULL);
	}
}

void waiter_add(struct waiter *w, uint64_t n)
{
	__atomic_add_fetch(&w->count, n, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&w->waiting, __ATOMIC_SEQ_CST)) {
		__atomic_add_fetch(&w->gen, 1, __ATOMIC_SEQ_CST);
		futex(&w->gen, FUTEX_WAKE_PRIVATE, INT_MAX, NULL);
	}
}

bool waiter_wait(struct waiter *w, uint64_t want, unsigned int timeout_ms)
{
	struct timespec ts = { 0, 100 * 1000000L };
	uint64_t last = __atomic_load_n(&w->count, __ATOMIC_SEQ_CST);
	uint64_t deadline = now_ns() + timeout_ms * 1000000ULL;

	while (__atomic_load_n(&w->count, __ATOMIC_SEQ_CST) < want) {
		uint32_t gen = __atomic_load_n(&w->gen, __ATOMIC_SEQ_CST);
		uint64_t c;

		__atomic_store_n(&w->waiting, 1, __ATOMIC_SEQ_CST);
		c = __atomic_load_n(&w->count, __ATOMIC_SEQ_CST);
		if (c < want)
			futex(&w->gen, FUTEX_WAIT_PRIVATE, gen, &ts);
		__atomic_store_n(&w->waiting, 0, __ATOMIC_SEQ_CST);
		c = __atomic_load_n(&w->count, __ATOMIC_SEQ_CST);
		if (c != last) {
			last = c;
			deadline = now_ns() + timeout_ms * 1000000ULL;
		} else if (now_ns() > deadline) {
			return false;
		}
	}
	return true;
}
