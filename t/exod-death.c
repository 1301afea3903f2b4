/*
 * exod-death.t - when exod dies by SIGKILL, no libOS stays frozen: every
 * one it had stopped is continued, learns that its exokernel is gone
 * (EXO_ECONN from the call it was in), and exits.
 *
 * exod -n 8 -q 20 runs seven libOSes, each holding one slot, each in a
 * different call when exod dies:
 *	wait	exo_wait, with nothing coming: stopped, passed over
 *	until	exo_wait_until an hour ahead: stopped likewise
 *	yield	exo_yield in a loop: blocked in a request, stopped between
 *	null	exo_null in a loop, running only in its slots
 *	spin	spins, calling exo_null every 2 ms
 *	callee	exo_wait, with a protected entry that answers only once
 *		exo_null fails
 *	call	exo_call into "callee": blocked in a call
 * Each child exits with the negated error its call returned, so 13 is
 * EXO_ECONN.  At least the two waiters are stopped when exod is killed
 * (checked through /proc); after the SIGKILL every child must exit, with
 * 13, and none may be left stopped.  The watcher exod forked must be gone
 * too.  Before the watcher existed, the stopped ones stayed stopped for
 * ever, and this test's watchdog caught them.
 *
 * Then the watcher's own death: killed while exod runs, exod starts
 * another and hands it every libOS again, so a waiter stopped after that
 * is still continued when exod is killed next.
 */
#include <sys/wait.h>

#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "cpuhelp.h"
#include "harness.h"
#include "tap.h"

#define WATCHDOG_MS	20000
#define NKIND		7

static const char *const kinds[NKIND] = {
	"wait", "until", "yield", "null", "spin", "callee", "call"
};

static struct th_exod	d;

/* The callee's entry: it answers only once exod is gone. */
static int
never_answer(struct exo *e, uint32_t from, const void *req, size_t len,
    void *rep, size_t *replen, void *arg)
{
	while (exo_null(e) == 0)
		usleep(1000);
	return (-1);
}

/* The child: connect, claim a slot, and do what kind says until it fails. */
static void __attribute__((noreturn))
child(const char *kind, int ready, uint32_t callee)
{
	struct exo	*e;
	struct exo_cap	 cap;
	unsigned	 got;
	char		 buf[16];
	size_t		 alen;
	int		 error = 0;
	uint64_t	 t;

	if (exo_connect(d.sock, kind, &e) != 0)
		_exit(100);
	if (strcmp(kind, "callee") == 0)
		(void)exo_pe_protected(e, never_answer, NULL);
	if (exo_slot_claim(e, 1, &cap, &got) != 0 || got != 1)
		_exit(101);
	/* Tell the test our id, then go. */
	t = exo_libos_id(e);
	if (write(ready, &t, sizeof t) != (ssize_t)sizeof t)
		_exit(102);
	close(ready);
	while (error >= 0) {
		if (strcmp(kind, "wait") == 0 || strcmp(kind, "callee") == 0)
			error = exo_wait(e);
		else if (strcmp(kind, "until") == 0)
			error = exo_wait_until(e, ch_now() + 3600ULL * 1000 *
			    CH_MS);
		else if (strcmp(kind, "yield") == 0)
			error = exo_yield(e);
		else if (strcmp(kind, "null") == 0)
			error = exo_null(e);
		else if (strcmp(kind, "spin") == 0) {
			for (t = ch_now(); ch_now() < t + 2 * CH_MS;)
				;
			error = exo_null(e);
		} else
			error = exo_call(e, callee, "x", 1, buf, sizeof buf,
			    &alen);
		if (strcmp(kind, "call") == 0 && error >= 0)
			error = -100;	/* the callee cannot have answered */
	}
	_exit(-error < 100 ? -error : 99);
}

/* Start one child of kind; its libOS id comes back on a pipe. */
static pid_t
start(const char *kind, uint32_t callee, uint32_t *id)
{
	struct pollfd	pfd;
	uint64_t	v = 0;
	int		p[2];
	pid_t		pid;

	if (pipe(p) == -1)
		sysbail("pipe");
	if ((pid = ch_fork()) == 0) {
		close(p[0]);
		child(kind, p[1], callee);
	}
	close(p[1]);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 10000) != 1 || read(p[0], &v, sizeof v) !=
	    (ssize_t)sizeof v)
		v = 0;
	close(p[0]);
	*id = (uint32_t)v;
	return (pid);
}

/* A process's parent and name, from /proc/pid/stat: 0, or -1 if gone. */
static int
proc_stat(pid_t pid, pid_t *ppid, char *comm, size_t len)
{
	char	path[64], buf[512], *a, *b;
	FILE	*f;
	size_t	n;
	long	pp;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((a = strchr(buf, '(')) == NULL || (b = strrchr(buf, ')')) == NULL ||
	    sscanf(b + 1, " %*c %ld", &pp) != 1)
		return (-1);
	*b = '\0';
	snprintf(comm, len, "%s", a + 1);
	*ppid = (pid_t)pp;
	return (0);
}

/*
 * exod's watcher: the live process named exod-watch whose parent is
 * exod, or exod's child (exod may run under a libtool wrapper).
 */
static pid_t
watcher_of(pid_t pid)
{
	struct dirent	*de;
	DIR		*dir;
	char		 comm[64], pcomm[64];
	pid_t		 q, pp, ppp, found = -1;

	if ((dir = opendir("/proc")) == NULL)
		return (-1);
	while (found == -1 && (de = readdir(dir)) != NULL) {
		if ((q = (pid_t)atol(de->d_name)) <= 0 ||
		    proc_stat(q, &pp, comm, sizeof comm) == -1 ||
		    strcmp(comm, "exod-watch") != 0)
			continue;
		if (pp == pid || (proc_stat(pp, &ppp, pcomm, sizeof pcomm) ==
		    0 && ppp == pid))
			found = q;
	}
	closedir(dir);
	return (found);
}

/* Wait until the killed exod is reaped: 1, or 0 if it still runs. */
static int
exod_reaped(int ms)
{
	long	end = th_now_ms() + ms;

	while (th_exod_alive(&d))
		if (th_now_ms() >= end)
			return (0);
		else
			th_sleep_ms(10);
	return (1);
}

/* Gone, or a zombie nobody reaped yet. */
static int
wait_gone(pid_t pid, int ms)
{
	char	path[64], buf[256], *s;
	FILE	*f;
	size_t	n;
	long	end = th_now_ms() + ms;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	do {
		if ((f = fopen(path, "r")) == NULL)
			return (1);
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[n] = '\0';
		if ((s = strrchr(buf, ')')) != NULL && s[1] == ' ' &&
		    s[2] == 'Z')
			return (1);
		th_sleep_ms(10);
	} while (th_now_ms() < end);
	return (0);
}

static void
test_kill(void)
{
	pid_t		pid[NKIND], watcher;
	uint32_t	id[NKIND];
	int		i, st, stopped, good, left;

	th_exod_start(&d, "-n", "8", "-q", "20", NULL);
	/* The socket answers (its backlog) before the watcher is named. */
	for (i = 0; i < 500 && (watcher = watcher_of(d.pid)) == -1; i++)
		th_sleep_ms(10);
	ok(watcher > 0, "exod has a watcher (pid %ld)", (long)watcher);
	for (i = 0; i < NKIND; i++) {
		pid[i] = start(kinds[i], i > 0 ? id[i - 1] : 0, &id[i]);
		if (id[i] == 0)
			bail("%s did not start", kinds[i]);
	}
	th_sleep_ms(100);	/* the others in their calls */
	stopped = ch_wait_stopped(pid[0], 1, 5000) &&
	    ch_wait_stopped(pid[1], 1, 5000);
	ok(stopped, "both waiters are stopped by exod");
	kill(d.pid, SIGKILL);
	good = 0;
	for (i = 0; i < NKIND; i++) {
		st = ch_reap(pid[i], WATCHDOG_MS);
		if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == EXO_ECONN)
			good++;
		else
			diag("%s: wait status %#x (exit %d)", kinds[i], st,
			    st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	}
	is_int(NKIND, good, "after exod's SIGKILL all %d libOSes continue "
	    "and end with EXO_ECONN", NKIND);
	ok(watcher > 0 && wait_gone(watcher, WATCHDOG_MS),
	    "the watcher is gone too");
	left = exod_reaped(WATCHDOG_MS);
	ok(left, "exod is dead");
}

static void
test_watcher_dies(void)
{
	pid_t		pid, watcher, second;
	uint32_t	id;
	int		st;

	th_exod_restart(&d, "-n", "8", "-q", "20", NULL);
	for (st = 0; st < 500 && (watcher = watcher_of(d.pid)) == -1; st++)
		th_sleep_ms(10);
	pid = start("wait", 0, &id);
	ok(ch_wait_stopped(pid, 1, 5000), "a waiter is stopped");
	kill(watcher, SIGKILL);
	second = -1;
	for (st = 0; st < 500 && ((second = watcher_of(d.pid)) == watcher ||
	    second == -1); st++)
		th_sleep_ms(10);
	ok(second > 0 && second != watcher, "exod started another watcher "
	    "when the first was killed (%ld)", (long)second);
	th_sleep_ms(100);	/* it has been told of the waiter */
	kill(d.pid, SIGKILL);
	st = ch_reap(pid, WATCHDOG_MS);
	ok(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == EXO_ECONN,
	    "the second watcher continued the waiter (wait status %#x)", st);
	(void)exod_reaped(WATCHDOG_MS);
	/* One that stops cleanly, as the harness checks at exit. */
	th_exod_restart(&d, NULL);
	exo_disconnect(th_connect(&d, "last"));	/* it is serving now */
}

int
main(void)
{
	plan(8);
	test_kill();
	test_watcher_dies();
	return (tap_failures() != 0);
}
