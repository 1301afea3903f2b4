/*
 * lockout.t - no peer that never says HELLO can deny service.
 *
 * exod -H 300 (the HELLO deadline, 300 ms).  Before the deadline existed,
 * 128 connections that never sent HELLO made exod refuse everyone else,
 * exoctl included.  Here:
 *
 *	300 idle connections of exod's own uid: a control client (STATUS),
 *	exoctl itself and a libOS that binds a frame all still get in, while
 *	the idle connections are held open; every idle one is closed
 *	(deadline or shed) and exod's descriptors come back to their count;
 *	a HELLO sent after the deadline finds the connection closed.
 *
 *	As root, other uids, with -H 5000: uid 65534 opens 200 idle
 *	connections and keeps
 *	them; uid 65533 still connects as a libOS and binds a frame, a
 *	root control client still gets in, and uid 65534 never has more than
 *	16 connections waiting at once (the rest were shed, oldest first).
 *	Then uid 65534 holds the 16 control connections an unprivileged
 *	uid may have, and sends a 17th HELLO with requests pipelined behind
 *	it: it reads the refusal (EXO_EBUSY) and then end of file, not
 *	ECONNRESET, because exod drains what it will never answer before
 *	it closes.
 *	Skipped when not root.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
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

#define NIDLE		300
#define NOTHER		200
#define PENDING_UID	16	/* exod(8): connections of a uid before HELLO */
#define CONTROL_UID	16	/* exod(8): control connections of an unprivileged uid */
#define TIMEOUT_MS	20000

static struct th_exod	d;

/* Wait until fd is closed by exod: 1, or 0 if it is still open at the end. */
static int
closed_by_exod(int fd, long until)
{
	struct pollfd	pfd;
	char		c;
	long		left;

	for (;;) {
		left = until - th_now_ms();
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, left > 0 ? (int)left : 0) != 1)
			return (0);
		if (recv(fd, &c, 1, MSG_DONTWAIT) <= 0)
			return (1);
	}
}

/* How many of fds exod has closed by now. */
static int
count_closed(const int *fds, int n)
{
	int	i, k = 0;

	for (i = 0; i < n; i++)
		k += closed_by_exod(fds[i], th_now_ms());
	return (k);
}

static int
libos_binds(const char *name)
{
	struct exo		*e;
	struct exo_frame	 f;
	int			 rc;

	if ((rc = exo_connect(d.sock, name, &e)) != 0)
		return (rc);
	rc = exo_frame_alloc(e, &f);
	if (rc == 0)
		rc = exo_frame_free(e, &f);
	exo_disconnect(e);
	return (rc);
}

static int
control_status(void)
{
	struct exo		*c;
	struct exo_status	 st;
	int			 rc;

	if ((rc = exo_connect_control(d.sock, &c)) != 0)
		return (rc);
	if ((rc = exo_status(c, &st)) == 0)
		exo_status_free(&st);
	exo_disconnect(c);
	return (rc);
}

static int
exoctl_status(void)
{
	char	cmd[1024];

	snprintf(cmd, sizeof cmd, "%s -S %s status >/dev/null 2>&1",
	    th_path("exod/exoctl"), d.sock);
	return (system(cmd));
}

static void
test_own_uid(void)
{
	static int	idle[NIDLE];
	struct {
		struct exo_hdr		h;
		struct exo_hello	hello;
	}		late;
	int		base, i, n, late_fd;
	long		until;

	base = th_fds_settled(&d, 5000);
	late_fd = th_raw_connect(&d);
	for (i = 0; i < NIDLE; i++)
		idle[i] = th_raw_connect(&d);
	is_int(0, control_status(), "with %d idle connections open, a control "
	    "client gets STATUS", NIDLE);
	is_int(0, exoctl_status(), "... exoctl status works");
	is_int(0, libos_binds("busy-day"), "... and a libOS binds a frame");
	until = th_now_ms() + TIMEOUT_MS;
	n = 0;
	for (i = 0; i < NIDLE; i++)
		n += closed_by_exod(idle[i], until);
	is_int(NIDLE, n, "every idle connection is closed by exod");
	/* The late one was closed at its deadline: its HELLO goes nowhere. */
	memset(&late, 0, sizeof late);
	late.h.version = EXO_PROTO_VERSION;
	late.h.type = EXO_MSG_HELLO;
	late.h.id = 1;
	late.h.len = sizeof late.hello;
	strcpy(late.hello.name, "late");
	ok(closed_by_exod(late_fd, until), "one idle past the deadline is "
	    "closed");
	(void)send(late_fd, &late, sizeof late, MSG_NOSIGNAL);
	ok(th_raw_recv(late_fd, &late, sizeof late, 1000) <= 0,
	    "... and its HELLO after that gets no answer");
	for (i = 0; i < NIDLE; i++)
		close(idle[i]);
	close(late_fd);
	is_int(base, th_wait_fds(&d, base, TIMEOUT_MS),
	    "exod's descriptors back to %d", base);
}

/* uid 65534: NOTHER idle connections, held; says how many exod closed. */
static pid_t
flood_as(uid_t uid, int report)
{
	static int	fds[NOTHER];
	pid_t		pid;
	int		i, n;
	char		c;

	if ((pid = ch_fork()) != 0)
		return (pid);
	if (setgid(uid) == -1 || setuid(uid) == -1)
		_exit(99);
	for (i = 0; i < NOTHER; i++)
		if ((fds[i] = th_raw_connect(&d)) == -1)
			_exit(98);
	/* All taken by now, none at its deadline: those left are kept. */
	th_sleep_ms(1000);
	n = NOTHER - count_closed(fds, NOTHER);
	c = (char)n;
	(void)write(report, &c, 1);
	pause();
	_exit(0);
}

static int
as_uid(uid_t uid, int (*fn)(const char *), const char *arg)
{
	pid_t	pid;
	int	st;

	if ((pid = ch_fork()) == 0) {
		if (setgid(uid) == -1 || setuid(uid) == -1)
			_exit(99);
		_exit(-fn(arg));
	}
	st = ch_reap(pid, TIMEOUT_MS);
	return (st != -1 && WIFEXITED(st) ? -WEXITSTATUS(st) : -1000);
}

/*
 * A control HELLO (id 1) and NPIPE NULL requests behind it, in one
 * sendmmsg(2), so that they are all queued before exod reads the HELLO.
 * -1 unless the HELLO at least was sent.
 */
#define NPIPE	8
static int
send_pipelined(int fd)
{
	struct {
		struct exo_hdr		h;
		struct exo_hello	hello;
	} req;
	struct exo_hdr	null[NPIPE];
	struct mmsghdr	m[NPIPE + 1];
	struct iovec	iov[NPIPE + 1];
	int		i;

	memset(&req, 0, sizeof req);
	req.h.version = EXO_PROTO_VERSION;
	req.h.type = EXO_MSG_HELLO;
	req.h.id = 1;
	req.h.len = sizeof req.hello;
	req.hello.flags = EXO_HELLO_CONTROL;
	snprintf(req.hello.name, sizeof req.hello.name, "pipelined");
	memset(m, 0, sizeof m);
	iov[0].iov_base = &req;
	iov[0].iov_len = sizeof req;
	memset(null, 0, sizeof null);
	for (i = 0; i < NPIPE; i++) {
		null[i].version = EXO_PROTO_VERSION;
		null[i].type = EXO_MSG_NULL;
		null[i].id = 2 + i;
		iov[i + 1].iov_base = &null[i];
		iov[i + 1].iov_len = sizeof null[i];
	}
	for (i = 0; i <= NPIPE; i++) {
		m[i].msg_hdr.msg_iov = &iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
	}
	return (sendmmsg(fd, m, NPIPE + 1, MSG_NOSIGNAL) == NPIPE + 1 ? 0 :
	    -1);
}

/*
 * As uid 65534: take every control connection it may have, then try one
 * more with requests behind its HELLO, all queued while exod is stopped
 * (the parent stops it between "r" and "g" on the pipes, and continues
 * it at "s"), so that exod finds them unread when it refuses.  Exit
 * status: 0 the refusal then end of file; see the caller for the rest.
 */
static void
refusal_child(int tell, int hear)
{
	struct exo	*c[CONTROL_UID];
	struct exo_hdr	 h;
	int		 i, fd, n;
	char		 go;

	if (setgid(65534) == -1 || setuid(65534) == -1)
		_exit(4);
	for (i = 0; i < CONTROL_UID; i++)
		if (exo_connect_control(d.sock, &c[i]) != 0)
			_exit(3);
	if (write(tell, "r", 1) != 1 || read(hear, &go, 1) != 1)
		_exit(4);
	fd = th_raw_connect(&d);
	if (fd == -1 || send_pipelined(fd) == -1)
		_exit(4);
	if (write(tell, "s", 1) != 1)
		_exit(4);
	n = th_raw_recv(fd, &h, sizeof h, 5000);
	if (n == -1 && errno == ECONNRESET)
		_exit(1);
	if (n != (int)sizeof h || h.id != 1 || h.status != -EXO_EBUSY)
		_exit(2);
	/* And then the end of the connection, not an error. */
	n = th_raw_recv(fd, &h, sizeof h, 5000);
	if (n == -1 && errno == ECONNRESET)
		_exit(5);
	_exit(n == 0 ? 0 : 6);
}

static int
refusal_read(void)
{
	int	tell[2], hear[2], st;
	pid_t	pid;
	char	c;

	if (pipe(tell) == -1 || pipe(hear) == -1)
		sysbail("pipe");
	if ((pid = ch_fork()) == 0)
		refusal_child(tell[1], hear[0]);
	close(tell[1]);
	close(hear[0]);
	if (read(tell[0], &c, 1) == 1) {
		kill(d.pid, SIGSTOP);
		if (write(hear[1], "g", 1) == 1 && read(tell[0], &c, 1) == 1)
			th_sleep_ms(50);
		kill(d.pid, SIGCONT);
	}
	close(tell[0]);
	close(hear[1]);
	st = ch_reap(pid, TIMEOUT_MS);
	return (st != -1 && WIFEXITED(st) ? -WEXITSTATUS(st) : -1000);
}

static void
test_other_uids(void)
{
	pid_t	flood;
	int	p[2], rc;
	char	c = 0;

	if (geteuid() != 0) {
		skip("not root: no other uids");
		skip("not root: no other uids");
		skip("not root: no other uids");
		skip("not root: no other uids");
		return;
	}
	/* A long deadline, so that only shedding closes the flood. */
	(void)th_exod_stop(&d);
	th_exod_restart(&d, "-H", "5000", "-m", "1M", NULL);
	/* Let the other uids reach the socket. */
	if (chmod(d.dir, 0755) == -1 || chmod(d.sock, 0666) == -1)
		sysbail("chmod");
	if (pipe(p) == -1)
		sysbail("pipe");
	flood = flood_as(65534, p[1]);
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		c = -1;
	ok(c >= 0 && c <= PENDING_UID, "uid 65534 opened %d idle connections, "
	    "exod kept at most %d waiting (%d)", NOTHER, PENDING_UID, c);
	rc = as_uid(65533, libos_binds, "neighbour");
	is_int(0, rc, "uid 65533 still connects as a libOS and binds a frame");
	is_int(0, control_status(), "root's control client still gets in");
	kill(flood, SIGKILL);
	(void)ch_reap(flood, TIMEOUT_MS);
	close(p[0]);
	rc = refusal_read();
	is_int(0, rc, "a refused HELLO with requests behind it reads "
	    "EXO_EBUSY then end of file, not ECONNRESET (%s)", rc == -1 ? "ECONNRESET" :
	    rc == 0 ? "refusal" : rc == -2 ? "another answer" :
	    rc == -3 ? "set-up: control connection refused" :
	    rc == -4 ? "set-up: connect or send failed" :
	    rc == -5 ? "the refusal, then ECONNRESET instead of end of file" :
	    "the refusal, then neither end of file nor ECONNRESET");
}

int
main(void)
{
	plan(12);
	th_exod_start(&d, "-H", "300", "-m", "1M", NULL);
	test_own_uid();
	test_other_uids();
	ok(th_exod_alive(&d), "exod alive");
	return (tap_failures() != 0);
}
