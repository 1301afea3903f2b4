/*
 * fdlimit.t - exod at its descriptor limit: no spin, no log flood, a
 * bounded wait and a clear error for clients, recovery by itself.
 *
 * exod -m 1M -H 60000 runs; a libOS L is connected; then the test lowers
 * exod's RLIMIT_NOFILE (prlimit(2)) to just above the highest descriptor
 * it has open, and:
 *
 *	the table fills exactly: a connection that takes exod's last
 *	descriptors stays (accept(2) fails at the limit even with nobody
 *	waiting, and exod once shed the connection it had just taken);
 *	an idle connection opened before the limit is shed to let a control
 *	client in, which then gets STATUS;
 *	ten clients connect with EXO_CONNECT_TIMEOUT=1500: each exo_connect
 *	returns, with EXO_ETIMEDOUT or EXO_ENFILE (or success while a free
 *	slot lasted), none hangs; meanwhile exod uses well under half a CPU
 *	(before the fix it spun at 100% and logged 300,000 lines a second):
 *	its log has at most a few lines about accept;
 *	L's frame allocation fails with EXO_ENFILE, not EXO_ENOMEM;
 *	with the limit restored, exod accepts again by itself: a libOS
 *	connects, and L binds a frame.
 */
#define _GNU_SOURCE 1
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <dirent.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "cpuhelp.h"
#include "harness.h"
#include "tap.h"

#define NCLIENTS	10
#define WATCHDOG_MS	30000

static struct th_exod	d;

/* The highest descriptor number open in pid. */
static int
max_fd(pid_t pid)
{
	char		 path[64];
	struct dirent	*de;
	DIR		*dir;
	int		 m = -1, n;

	snprintf(path, sizeof path, "/proc/%ld/fd", (long)pid);
	if ((dir = opendir(path)) == NULL)
		return (-1);
	while ((de = readdir(dir)) != NULL)
		if ((n = atoi(de->d_name)) > m)
			m = n;
	closedir(dir);
	return (m);
}

/* Has exod closed (or refused) fd?  It sends nothing before HELLO else. */
static int
closed_by_exod(int fd)
{
	struct pollfd	pfd = { .fd = fd, .events = POLLIN };

	return (poll(&pfd, 1, 0) == 1);
}

/* utime + stime of pid, in clock ticks. */
static long
cpu_ticks(pid_t pid)
{
	char	path[64], buf[1024], *p;
	FILE	*f;
	long	ut, st;
	size_t	n;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL || sscanf(p + 2,
	    "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %ld %ld", &ut, &st) !=
	    2)
		return (-1);
	return (ut + st);
}

/* Lines of exod's log that contain word. */
static int
log_lines(const char *word)
{
	char	path[400], line[1024];
	FILE	*f;
	int	n = 0;

	snprintf(path, sizeof path, "%s/exod.log", d.dir);
	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	while (fgets(line, sizeof line, f) != NULL)
		n += strstr(line, word) != NULL;
	fclose(f);
	return (n);
}

/* exod's soft limit; the hard one stays (raising it back may need
 * CAP_SYS_RESOURCE). */
static void
set_limit(rlim_t n)
{
	struct rlimit	rl;

	if (prlimit(d.pid, RLIMIT_NOFILE, NULL, &rl) == -1)
		sysbail("prlimit");
	rl.rlim_cur = n;

	if (prlimit(d.pid, RLIMIT_NOFILE, &rl, NULL) == -1)
		sysbail("prlimit exod");
}

int
main(void)
{
	struct rlimit		 orig;
	struct exo_frame	 f;
	struct exo_status	 st;
	struct exo		*l, *c = NULL, *a;
	pid_t			 pid[NCLIENTS];
	long			 t0, c0, c1, hz = sysconf(_SC_CLK_TCK), wall;
	int			 i, good, rc, idle, accepts, top, holes, nfill;
	int			 filler[64];
	char			 buf[1];

	plan(10);
	th_exod_start(&d, "-m", "1M", "-H", "60000", NULL);
	l = th_connect(&d, "L");
	if (prlimit(d.pid, RLIMIT_NOFILE, NULL, &orig) == -1)
		sysbail("prlimit");
	idle = th_raw_connect(&d);
	(void)th_fds_settled(&d, 3000);
	top = max_fd(d.pid);
	set_limit((rlim_t)top + 1);
	/* Fill the holes below the limit with idle connections (2 each). */
	holes = top + 1 - th_count_fds(d.pid);
	for (nfill = 0; nfill < holes / 2 + 1 && nfill < 64; nfill++)
		filler[nfill] = th_raw_connect(&d);
	th_sleep_ms(300);
	/*
	 * A descriptor exod freed meanwhile (its frame pool settles on its
	 * own thread) leaves a hole: fill until exod holds every one, so the
	 * limit is really reached.
	 */
	while (th_count_fds(d.pid) < top + 1 && nfill < 64) {
		filler[nfill++] = th_raw_connect(&d);
		th_sleep_ms(100);
	}

	th_sleep_ms(200);
	ok(th_count_fds(d.pid) == top + 1 && nfill > 0 &&
	    !closed_by_exod(filler[nfill - 1]), "exod holds every descriptor "
	    "to its limit, and the connection that took the last stays "
	    "(%d of %d, %d fillers)", th_count_fds(d.pid), top + 1, nfill);

	/* The idle connection makes room for a control client. */
	if ((rc = exo_connect_control(d.sock, &c)) != 0)
		c = NULL;
	is_int(0, rc, "a control client gets in at the limit");
	ok(th_raw_recv(idle, buf, sizeof buf, 5000) == 0,
	    "... in place of the idle connection, which exod shed");
	close(idle);
	for (i = 0; i < nfill; i++)
		close(filler[i]);
	if (rc == 0) {
		rc = exo_status(c, &st);
		is_int(0, rc, "... and gets STATUS");
		if (rc == 0)
			exo_status_free(&st);
	} else
		skip("no control client");

	t0 = th_now_ms();
	c0 = cpu_ticks(d.pid);
	for (i = 0; i < NCLIENTS; i++)
		if ((pid[i] = ch_fork()) == 0) {
			struct exo	*e;

			setenv("EXO_CONNECT_TIMEOUT", "1500", 1);
			rc = exo_connect(d.sock, "crowd", &e);
			_exit(-rc);
		}
	good = 0;
	for (i = 0; i < NCLIENTS; i++) {
		rc = ch_reap(pid[i], WATCHDOG_MS);
		rc = rc != -1 && WIFEXITED(rc) ? -WEXITSTATUS(rc) : 1;
		if (rc == 0 || rc == -EXO_ETIMEDOUT || rc == -EXO_ENFILE)
			good++;
		else
			diag("client %d: %d %s", i, rc, rc < 0 ?
			    exo_strerror(rc) : "hung or died");
	}
	c1 = cpu_ticks(d.pid);
	wall = th_now_ms() - t0;
	is_int(NCLIENTS, good, "every exo_connect returned: success, "
	    "EXO_ETIMEDOUT or EXO_ENFILE");
	ok(c0 >= 0 && c1 >= 0 && (c1 - c0) * 1000 / hz < wall / 2,
	    "exod did not spin: %ld ms of CPU in %ld ms", (c1 - c0) * 1000 / hz,
	    wall);
	accepts = log_lines("accept");
	ok(accepts >= 1 && accepts <= 5, "exod said so, rate-limited: %d "
	    "lines about accept", accepts);
	is_int(-EXO_ENFILE, exo_frame_alloc(l, &f), "a frame allocation "
	    "without descriptors: EXO_ENFILE");

	set_limit(orig.rlim_cur);
	rc = exo_connect(d.sock, "after", &a);
	is_int(0, rc, "with descriptors again, exod accepts by itself");
	if (rc == 0)
		exo_disconnect(a);
	if (c != NULL)
		exo_disconnect(c);	/* the control client, held till now */
	c = NULL;
	rc = exo_frame_alloc(l, &f);
	is_int(0, rc, "... and L binds a frame");
	if (rc == 0)
		exo_frame_free(l, &f);
	exo_disconnect(l);
	return (tap_failures() != 0);
}
