/*
 * oom.t - physical memory runs out cleanly, and exod refuses -m values
 * it cannot honour.
 */
#define _GNU_SOURCE 1
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exo.h"
#include "harness.h"
#include "tap.h"

#define NFRAMES		16	/* -m 64K */

static struct th_exod	exod;

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000L;
}

static void
test_enomem(void)
{
	struct exo_frame	 f[NFRAMES + 1], g[NFRAMES + 1];
	struct exo_frame_alloc	 req;
	struct exo		*x;
	unsigned		 i, nfds, bad;
	size_t			 rlen;
	int			 fds[4], rc;
	char			 rep[64];

	x = th_connect(&exod, "oom");
	is_int(NFRAMES, exo_frames_total(x), "-m 64K gives 16 frames");
	is_int(NFRAMES, th_frames_free(&exod), "all 16 free");

	memset(g, 0x55, sizeof g);
	is_int(-EXO_ENOMEM, exo_frame_alloc_batch(x, g, NFRAMES + 1),
	    "batch of 17: ENOMEM");
	is_int(NFRAMES, th_frames_free(&exod), "... and still 16 free");
	req.count = NFRAMES + 1;
	req.flags = 0;
	nfds = 99;
	rc = exo_request(x, EXO_MSG_FRAME_ALLOC, &req, sizeof req, rep,
	    sizeof rep, &rlen, fds, 4, &nfds);
	ok(rc == -EXO_ENOMEM && rlen == 0 && nfds == 0,
	    "raw FRAME_ALLOC of 17: ENOMEM, empty reply, no descriptors"
	    " (rc %d len %zu nfds %u)", rc, rlen, nfds);

	bad = 0;
	for (i = 0; i < NFRAMES; i++)
		if (exo_frame_alloc(x, &f[i]) != 0)
			bad++;
	is_int(0, bad, "16 single frames bind");
	is_int(0, th_frames_free(&exod), "none free");
	is_int(-EXO_ENOMEM, exo_frame_alloc(x, &f[NFRAMES]), "the 17th: ENOMEM");
	is_int(-EXO_ENOMEM, exo_frame_alloc_batch(x, g, 1),
	    "a batch of 1: ENOMEM");

	is_int(0, exo_frame_free(x, &f[0]), "free one");
	is_int(1, th_frames_free(&exod), "one free");
	is_int(0, exo_frame_alloc(x, &f[0]), "bind one again");
	is_int(0, th_frames_free(&exod), "none free");

	/* Not enough for the batch: nothing at all is bound. */
	rc = exo_frame_free_batch(x, f, 3);
	ok(rc >= 0, "free three (rc %d)", rc);
	is_int(-EXO_ENOMEM, exo_frame_alloc_batch(x, g, 4),
	    "a batch of 4 with 3 free: ENOMEM");
	is_int(3, th_frames_free(&exod), "... and all 3 still free");
	rc = exo_frame_alloc_batch(x, f, 3);
	ok(rc >= 0, "a batch of 3 binds (rc %d)", rc);
	is_int(0, th_frames_free(&exod), "none free");

	rc = exo_frame_free_batch(x, f, NFRAMES);
	ok(rc >= 0, "free all 16 (rc %d)", rc);
	is_int(NFRAMES, th_frames_free(&exod), "all 16 free");
	rc = exo_frame_alloc_batch(x, f, NFRAMES);
	ok(rc >= 0, "a batch of exactly 16 binds (rc %d)", rc);
	exo_disconnect(x);
	is_int(NFRAMES, th_wait_frames_free(&exod, NFRAMES, 10000),
	    "disconnecting returns them");
}

/*
 * Run exod -f -S dir/name -m size; it must exit with status want (2 for
 * a size that is no size, a usage error; 1 for one the host cannot give)
 * with a message on stderr, leaving no socket.  A guard of 10 s catches an exod that
 * wrongly starts serving.
 */
static void
refuse(const char *size, int n, int want)
{
	char	sock[400], err[400];
	struct stat st;
	long	deadline;
	pid_t	pid, r;
	int	status = -1, fd;

	snprintf(sock, sizeof sock, "%s/bad%d", exod.dir, n);
	snprintf(err, sizeof err, "%s/bad%d.err", exod.dir, n);
	fflush(stdout);
	if ((pid = fork()) == -1)
		sysbail("fork");
	if (pid == 0) {
		fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd == -1 || dup2(fd, 2) == -1)
			_exit(126);
		execl(th_path("exod/exod"), "exod", "-f", "-S", sock, "-m",
		    size, (char *)NULL);
		_exit(127);
	}
	deadline = now_ms() + 10000;
	while ((r = waitpid(pid, &status, WNOHANG)) == 0 &&
	    now_ms() < deadline) {
		struct timespec ts = { 0, 10000000L };

		nanosleep(&ts, NULL);
	}
	if (r == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		diag("exod -m %s was still running after 10 s", size);
	}
	ok(r == pid && WIFEXITED(status) && WEXITSTATUS(status) == want,
	    "exod -m '%s' exits %d (wait status %#x)", size, want, status);
	ok(stat(err, &st) == 0 && st.st_size > 0 && stat(sock, &st) == -1,
	    "... with a message on stderr and no socket left");
}

/* exod must accept these sizes (suffixes in either case). */
static void
accept_size(const char *size, unsigned want)
{
	struct th_exod	 e;
	struct exo	*x;

	th_exod_start(&e, "-m", size, (char *)NULL);
	x = th_connect(&e, "size");
	is_int(want, exo_frames_total(x), "-m %s gives %u frames", size, want);
	exo_disconnect(x);
	is_int(0, th_exod_stop(&e), "exod -m %s stops cleanly", size);
}

int
main(void)
{
	static const char	*bad[] = {
		"0", "1000", "12Q", "4095", "6K", "", "-4K", "4KK",
		"K", "64K ", "64KB", "18446744073709551616",
		"17179869184G",
	};
	char			 toobig[64];
	FILE			*f;
	long			 maxmap = 0;
	unsigned		 i;

	plan(24 + 2 * (int)(sizeof bad / sizeof bad[0]) + 2 + 9);
	th_exod_start(&exod, "-m", "64K", (char *)NULL);
	test_enomem();

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		refuse(bad[i], (int)i, 2);
	refuse("99999G", (int)i, 1);	/* a size, but not one this host has */

	/* One frame more than vm.max_map_count allows (frames <= max - 4096). */
	if ((f = fopen("/proc/sys/vm/max_map_count", "r")) != NULL) {
		if (fscanf(f, "%ld", &maxmap) != 1)
			maxmap = 0;
		fclose(f);
	}
	if (maxmap > 4096) {
		snprintf(toobig, sizeof toobig, "%ldK", (maxmap - 4096 + 1) * 4);
		refuse(toobig, 100, 1);
	} else {
		skip("cannot read vm.max_map_count");
		skip("cannot read vm.max_map_count");
	}

	accept_size("4K", 1);
	accept_size("8k", 2);
	accept_size("1m", 256);
	accept_size("4096", 1);

	ok(th_exod_alive(&exod), "the first exod still running");
	return 0;
}
