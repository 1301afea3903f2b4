/*
 * reclaim.t - a libOS may die at any instant; exod takes everything back.
 *
 * A child libOS binds 300 frames, maps and writes them, says it is ready
 * and is killed with SIGKILL: exod's free frames must return to the total
 * and its descriptors to the count before the child came.  A libOS whose
 * socket lives on in a grandchild must be noticed by its death alone
 * (the pidfd), and the grandchild must not inherit its connection.
 * The kill cycle repeats to show nothing drifts.
 */
#define _GNU_SOURCE 1
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exo.h"
#include "harness.h"
#include "tap.h"

#define NFRAMES		512	/* -m 2M */
#define NCHILD		300	/* frames the doomed libOS binds */
#define NGRAND		100
#define CYCLES		4
#define TIMEOUT		10000	/* ms: guard while exod reclaims */

static struct th_exod	exod;

/* Number of libOSes STATUS lists, and whether one has this pid. */
static int
status_peers(pid_t pid, int *found)
{
	struct exo_status	 st;
	struct exo		*ctl;
	unsigned		 i;
	int			 n;

	*found = 0;
	if (exo_connect_control(exod.sock, &ctl) != 0)
		return -1;
	if (exo_status(ctl, &st) != 0) {
		exo_disconnect(ctl);
		return -1;
	}
	n = (int)st.totals.npeers;
	for (i = 0; i < st.totals.npeers; i++)
		if (st.peers[i].pid == pid)
			(*found)++;
	exo_status_free(&st);
	exo_disconnect(ctl);
	return n;
}

/* Poll until STATUS lists n libOSes. */
static int
wait_peers(int want)
{
	long	deadline = th_now_ms() + TIMEOUT;
	int	n, found;

	for (;;) {
		n = status_peers(0, &found);
		if (n == want || th_now_ms() >= deadline)
			return n;
		th_sleep_ms(20);
	}
}

/* Bind n frames (in batches), map them, write them.  0 or -1. */
static int
bind_and_write(struct exo *x, struct exo_frame *f, unsigned n)
{
	unsigned	i, k;
	int		rc;

	for (i = 0; i < n; i += k) {
		k = n - i > EXO_BATCH_MAX ? EXO_BATCH_MAX : n - i;
		if ((rc = exo_frame_alloc_batch(x, f + i, k)) < 0)
			return -1;
	}
	for (i = 0; i < n; i++) {
		unsigned char *p = exo_frame_map(&f[i], PROT_READ | PROT_WRITE);

		if (p == NULL)
			return -1;
		memset(p, 0xc0 | (i & 0x3f), EXO_FRAME_SIZE);
	}
	return 0;
}

/* The doomed libOS: bind, write, report ready, wait to be killed. */
static void
child_libos(int wfd)
{
	static struct exo_frame	 f[NCHILD];
	struct exo		*x;
	char			 c = 'r';

	if (exo_connect(exod.sock, "doomed", &x) != 0)
		_exit(2);
	if (bind_and_write(x, f, NCHILD) != 0)
		c = 'f';
	if (write(wfd, &c, 1) != 1)
		_exit(3);
	for (;;)
		pause();
}

static void
test_kill_cycles(int base_fds, long *rss)
{
	int	cycle, p[2], status, n;
	char	c;
	pid_t	pid;

	for (cycle = 0; cycle < CYCLES; cycle++) {
		if (pipe(p) == -1)
			sysbail("pipe");
		fflush(stdout);
		if ((pid = fork()) == -1)
			sysbail("fork");
		if (pid == 0) {
			close(p[0]);
			child_libos(p[1]);
		}
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			bail("the child libOS died before it was ready");
		close(p[0]);
		ok(c == 'r', "cycle %d: child bound, mapped and wrote %d frames",
		    cycle + 1, NCHILD);
		is_int(NFRAMES - NCHILD, th_frames_free(&exod),
		    "cycle %d: exod counts them bound", cycle + 1);
		if (cycle == 0)
			diag("exod holds %d descriptors with the child alive",
			    th_count_fds(exod.pid));

		kill(pid, SIGKILL);
		if (waitpid(pid, &status, 0) != pid)
			sysbail("waitpid");
		ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		    "cycle %d: child killed with SIGKILL", cycle + 1);
		is_int(NFRAMES, th_wait_frames_free(&exod, NFRAMES, TIMEOUT),
		    "cycle %d: every frame reclaimed", cycle + 1);
		n = th_wait_fds(&exod, base_fds, TIMEOUT);
		is_int(base_fds, n, "cycle %d: exod's descriptors back to %d",
		    cycle + 1, base_fds);
		is_int(0, wait_peers(0), "cycle %d: STATUS lists no libOS",
		    cycle + 1);
		rss[cycle] = th_vmrss_kb(exod.pid);
	}
}

/*
 * A libOS forks a grandchild that keeps the socket open, then dies.  The
 * socket never closes, so only the death of the peer (the pidfd) can tell
 * exod.  The grandchild then tries the inherited connection.
 */
static void
test_grandchild(int base_fds)
{
	static struct exo_frame	 f[NGRAND];
	struct exo		*x;
	int			 up[2], down[2], status, n, found, rc;
	pid_t			 pid, gpid;
	char			 c;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		sysbail("prctl PR_SET_CHILD_SUBREAPER");
	if (pipe(up) == -1 || pipe(down) == -1)
		sysbail("pipe");
	fflush(stdout);
	if ((pid = fork()) == -1)
		sysbail("fork");
	if (pid == 0) {
		close(up[0]);
		close(down[1]);
		if (exo_connect(exod.sock, "parent-libos", &x) != 0)
			_exit(2);
		if (bind_and_write(x, f, NGRAND) != 0)
			_exit(3);
		if ((gpid = fork()) == -1)
			_exit(4);
		if (gpid == 0) {
			/* The grandchild: holds the socket, waits, tries it. */
			if (read(down[0], &c, 1) != 1)
				_exit(5);
			rc = exo_null(x);
			if (write(up[1], &rc, sizeof rc) != (ssize_t)sizeof rc)
				_exit(6);
			_exit(0);
		}
		if (write(up[1], &gpid, sizeof gpid) != (ssize_t)sizeof gpid)
			_exit(7);
		for (;;)
			pause();
	}
	close(up[1]);
	close(down[0]);
	if (read(up[0], &gpid, sizeof gpid) != (ssize_t)sizeof gpid)
		bail("the libOS died before forking its grandchild");
	is_int(NFRAMES - NGRAND, th_frames_free(&exod),
	    "libOS bound %d frames, then forked", NGRAND);
	n = status_peers(pid, &found);
	ok(n == 1 && found == 1, "STATUS lists it by its pid (%d libOS)", n);

	kill(pid, SIGKILL);
	if (waitpid(pid, &status, 0) != pid)
		sysbail("waitpid");
	ok(kill(gpid, 0) == 0, "the grandchild holding the socket lives on");
	is_int(NFRAMES, th_wait_frames_free(&exod, NFRAMES, TIMEOUT),
	    "its frames are reclaimed though the socket is still open");
	is_int(0, wait_peers(0), "STATUS lists no libOS");
	n = th_wait_fds(&exod, base_fds, TIMEOUT);
	is_int(base_fds, n, "exod dropped the connection: descriptors back"
	    " to %d with the grandchild alive", base_fds);

	if (write(down[1], "g", 1) != 1)
		sysbail("write");
	rc = 1;
	if (read(up[0], &rc, sizeof rc) != (ssize_t)sizeof rc)
		diag("the grandchild said nothing");
	is_int(-EXO_ECONN, rc, "the grandchild cannot use the dead libOS's"
	    " connection: ECONN");
	if (waitpid(gpid, &status, 0) != gpid)
		sysbail("waitpid grandchild");
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "the grandchild exited normally (status %#x)", status);
	is_int(NFRAMES, th_frames_free(&exod), "all frames still free");
	close(up[0]);
	close(down[1]);
}

int
main(void)
{
	long	rss[CYCLES];
	int	base_fds;

	plan(4 + 6 * CYCLES + 9);
	th_exod_start(&exod, "-m", "2M", (char *)NULL);
	is_int(NFRAMES, th_frames_free(&exod), "-m 2M: 512 frames free");
	base_fds = th_fds_settled(&exod, TIMEOUT);
	diag("exod holds %d descriptors with no peer", base_fds);
	ok(base_fds > 0, "exod's descriptors can be counted");

	test_kill_cycles(base_fds, rss);
	diag("exod VmRSS after each cycle: %ld %ld %ld %ld kB", rss[0], rss[1],
	    rss[2], rss[3]);
	ok(rss[0] > 0 && rss[CYCLES - 1] - rss[0] < 4 * 1024,
	    "exod's memory does not drift over the cycles (+%ld kB)",
	    rss[CYCLES - 1] - rss[0]);

	test_grandchild(base_fds);

	ok(th_exod_alive(&exod), "exod alive");
	return 0;
}
