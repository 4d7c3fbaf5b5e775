// SPDX-License-Identifier: GPL-2.0
/*
 * A Windows-style program, examples/notify_port.c (clusapi.h only, L"..."
 * literals, built with -fshort-wchar), run against the module: it opens the
 * cluster, creates a port with two keys, registers one node, and prints the
 * events a producer posts; CloseCluster then ends its port thread through
 * HANDLE_CLOSE, the documented way.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cn_util.h"
#include "kselftest_harness.h"

#define EXAMPLE "/opt/selftests/example_notify_port"

TEST(windows_style_program_runs)
{
	struct cn_event ev[3] = {
		{ .type = CLUSNOTIFY_OBJ_GROUP, .v1 = CN_V1_GROUP_STATE,
		  .v2 = CN_V2_GROUP_STATE, .id = CN_GROUP1_ID,
		  .name = CN_GROUP1, .state = CN_GROUP_ONLINE,
		  .has_state = true },
		{ .type = CLUSNOTIFY_OBJ_RESOURCE, .v1 = CN_V1_RESOURCE_STATE,
		  .v2 = CN_V2_RESOURCE_STATE, .id = CN_RES1_ID,
		  .name = CN_RES1, .state = CN_RESOURCE_ONLINE,
		  .has_state = true },
		{ .type = CLUSNOTIFY_OBJ_NODE, .v1 = CN_V1_NODE_STATE,
		  .v2 = CN_V2_NODE_STATE, .id = CN_NODE1_ID, .name = CN_NODE1,
		  .state = CN_NODE_DOWN, .has_state = true },
	};
	char out[4096] = "", line[512];
	struct cn_env env;
	int pipefd[2], status;
	FILE *f;
	pid_t pid;

	ASSERT_EQ(0, access(EXAMPLE, X_OK));
	ASSERT_EQ(0, cn_env_setup(&env, "WinStyle"));
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		execl(EXAMPLE, EXAMPLE, env.name, "3", (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	f = fdopen(pipefd[0], "r");
	ASSERT_NE(NULL, f);
	/* Post only once the program's port and filters exist. */
	while (fgets(line, sizeof(line), f)) {
		strncat(out, line, sizeof(out) - strlen(out) - 1);
		if (!strcmp(line, "ready\n"))
			break;
	}
	ASSERT_NE(NULL, strstr(out, "ready\n"));
	ASSERT_EQ(0, cn_post(&env.nl, env.cid, ev, 3, NULL));
	while (fgets(line, sizeof(line), f))
		strncat(out, line, sizeof(out) - strlen(out) - 1);
	fclose(f);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	TH_LOG("the program printed:\n%s", out);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_NE(NULL, strstr(out, "Group One is in state"));
	EXPECT_NE(NULL, strstr(out, "event groups 0x00001000: Group One\n"));
	EXPECT_NE(NULL, strstr(out,
			       "event resources 0x00000100: IP Address 10.0.0.1\n"));
	EXPECT_NE(NULL, strstr(out, "event nodes 0x00000001: Node1\n"));
	EXPECT_NE(NULL, strstr(out, "handle closed: "));
	EXPECT_NE(NULL, strstr(out, "3 events\n"));
	cn_env_teardown(&env);
}

TEST_HARNESS_MAIN
