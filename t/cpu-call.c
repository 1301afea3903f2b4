/*
 * cpu-call.t - protected control transfer: exo_call runs the target's
 * protected entry and returns its answer; the caller's slice is donated;
 * a call to a libOS that does not exist, has no protected entry, is busy
 * or dies during the call fails cleanly, each with its own error.
 *
 * exod -n 4 -q 40 -b 2.  The echo libOS (t/libos-cpu -e) answers
 * "pong:" + the request.  For the donation, a caller holding slot 0 calls
 * a callee that holds slot 2 and spins: without donation the callee could
 * only answer in its own window, two quanta later; with it, every call
 * (started with at least 25 ms of the caller's window left) completes
 * inside the caller's window.  The dying callees are forked children whose
 * protected entry never returns: one with no slots, one holding slot 2
 * and running on the caller's donated slice, killed with SIGKILL once
 * they are inside the call.
 */
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "cpuhelp.h"
#include "harness.h"
#include "tap.h"

#define NCALLS		20
#define LEFT_NS		(25 * CH_MS)	/* window left when a call starts */

static struct th_exod	 d;
static struct exo	*s;		/* the test's own libOS */
static int		 entered[2];	/* pipe: a callee says it is in */

struct call_rec {
	uint64_t	start, end, wend;
	int		rc;
	int		answered;	/* the reply was "pong:ping" */
};

/* In a forked child: drop the parent's connection, make our own. */
static struct exo *
child_connect(const char *name)
{
	struct exo	*e;

	if (s != NULL)
		exo_disconnect(s);	/* the parent's: not this process's */
	s = NULL;
	if (exo_connect(d.sock, name, &e) != 0)
		_exit(90);
	return (e);
}

static int
pong(struct exo *e, uint32_t target, const char *req)
{
	char	answer[EXO_CALL_MAX + 1];
	size_t	alen = 0;
	int	rc;

	rc = exo_call(e, target, req, strlen(req), answer, sizeof answer - 1,
	    &alen);
	answer[rc == 0 ? alen : 0] = '\0';
	if (rc == 0 && (strncmp(answer, "pong:", 5) != 0 ||
	    strcmp(answer + 5, req) != 0))
		return (1);		/* a wrong answer */
	return (rc);
}

/* A protected entry that never returns: it says it is in, then sleeps. */
static int
stuck_entry(struct exo *e, uint32_t caller, const void *req, size_t len,
    void *reply, size_t *rlen, void *arg)
{
	char	c = 'c';

	if (write(entered[1], &c, 1) != 1)
		_exit(96);
	for (;;)
		pause();
	return (0);
}

/* A callee whose entry never returns; with slot >= 0 it holds that slot. */
static pid_t
stuck_callee(int slot, uint32_t *id)
{
	struct exo	*e;
	unsigned	 pos = (unsigned)slot;
	struct exo_cap	 cap;
	int		 p[2];
	uint32_t	 me;
	pid_t		 pid;

	if (pipe(p) == -1)
		sysbail("pipe");
	if ((pid = ch_fork()) == 0) {
		close(p[0]);
		e = child_connect("stuck");
		if (exo_pe_protected(e, stuck_entry, NULL) != 0)
			_exit(91);
		if (slot >= 0 && exo_slot_claim_at(e, &pos, 1, &cap) != 0)
			_exit(92);
		me = exo_libos_id(e);
		if (write(p[1], &me, sizeof me) != sizeof me)
			_exit(93);
		for (;;)
			if (exo_wait(e) < 0)
				pause();
	}
	close(p[1]);
	if (read(p[0], id, sizeof *id) != sizeof *id)
		bail("the stuck callee did not start");
	close(p[0]);
	return (pid);
}

/*
 * A caller: with slot >= 0 it holds that slot.  It calls target n times
 * (with LEFT_NS of its window left, when it holds a slot), then, if then
 * is not 0, calls then once more; the records go to fd.
 */
static pid_t
caller(int slot, uint32_t target, int n, uint32_t then, int fd)
{
	struct call_rec	 r;
	struct ch_vec	 v;
	struct exo_cap	 cap;
	struct exo	*e;
	unsigned	 pos = (unsigned)slot;
	uint64_t	 now, wend;
	int		 i;
	pid_t		 pid;

	if ((pid = ch_fork()) != 0)
		return (pid);
	e = child_connect("caller");
	if (slot >= 0 && exo_slot_claim_at(e, &pos, 1, &cap) != 0)
		_exit(94);
	ch_vec_of(e, &v);
	for (i = 0; i < n + (then != 0); i++) {
		if (slot >= 0) {
			/* Running means in our window: enough of it left? */
			for (;;) {
				now = ch_now();
				wend = ch_window_end(&v, now);
				if (wend != 0 && wend >= now + LEFT_NS)
					break;
			}
		} else
			wend = 0;
		memset(&r, 0, sizeof r);
		r.wend = wend;
		r.start = ch_now();
		r.rc = pong(e, i < n ? target : then, "ping");
		r.end = ch_now();
		r.answered = r.rc == 0;
		if (write(fd, &r, sizeof r) != sizeof r)
			_exit(95);
	}
	_exit(0);
}

static int
read_rec(int fd, struct call_rec *r, int ms)
{
	uint64_t	deadline = ch_now() + (uint64_t)ms * CH_MS;
	size_t		got = 0;
	ssize_t		n;

	while (got < sizeof *r && ch_now() < deadline) {
		n = read(fd, (char *)r + got, sizeof *r - got);
		if (n <= 0)
			return (0);
		got += (size_t)n;
	}
	return (got == sizeof *r);
}

static int
wait_entered(int ms)
{
	struct timeval	tv;
	fd_set		rd;
	char		c;

	FD_ZERO(&rd);
	FD_SET(entered[0], &rd);
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	return (select(entered[0] + 1, &rd, NULL, NULL, &tv) == 1 &&
	    read(entered[0], &c, 1) == 1);
}

static int
owner_of(unsigned slot)
{
	struct exo_slots	v;
	int			o = -1;

	if (ch_slots(d.sock, &v) == 0) {
		if (slot < v.vec.nslots)
			o = (int)v.owner[slot];
		exo_slots_free(&v);
	}
	return (o);
}

int
main(void)
{
	static struct call_rec	 recs[NCALLS + 1];
	struct exo_status_peer	 sp;
	struct exo		*ctl;
	struct lc		 echo, plain, cl, dc;
	struct {
		struct exo_call	hdr;
		char		data[EXO_CALL_MAX + 8];
	}			 raw;
	char			 line[512], big[1001], answer[EXO_CALL_MAX + 1];
	char			 idbuf[32];
	uint64_t		 v = 0, lat[NCALLS];
	uint32_t		 echo_id, plain_id, k_id;
	size_t			 alen;
	int			 p[2], i, n, inwin, okans, rc, status;
	pid_t			 k, c;

	plan(27);
	th_exod_start(&d, "-n", "4", "-q", "40", "-b", "2", (char *)NULL);
	if (pipe(entered) == -1)
		sysbail("pipe");
	s = th_connect(&d, "tester");

	/* It works. */
	lc_spawn(&echo, d.sock, "-n", "echo", "-e", "-w", "-d", "600000", "-P",
	    (char *)NULL);
	if (!lc_expect(&echo, "ready ", line, sizeof line, 10000) ||
	    !ch_field(line + 6, "libos", &v))
		bail("the echo libOS did not start");
	echo_id = (uint32_t)v;
	lc_start(&echo);
	is_int(0, pong(s, echo_id, "ping"), "a protected call answers "
	    "\"pong:ping\"");
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	is_int(0, pong(s, echo_id, big), "a 1000-byte request gets its "
	    "1005-byte answer");
	snprintf(idbuf, sizeof idbuf, "%u", echo_id);
	lc_spawn(&cl, d.sock, "-n", "caller", "-C", idbuf, "-d", "0",
	    (char *)NULL);
	rc = lc_expect(&cl, "call ", line, sizeof line, 10000);
	ok(rc && strncmp(line, "call status=0 ", 14) == 0 &&
	    strstr(line, " answer=pong:ping") != NULL, "libos-cpu -C gets it "
	    "too: %s", rc ? line : "(nothing)");
	lc_finish(&cl, 10000);

	/* The errors. */
	is_int(-EXO_ENOLIBOS, pong(s, 99999, "ping"), "a call to a libOS that "
	    "does not exist: EXO_ENOLIBOS");
	if (exo_connect_control(d.sock, &ctl) != 0)
		bail("control connection");
	is_int(-EXO_ENOLIBOS, pong(s, exo_libos_id(ctl), "ping"), "a call to "
	    "a control peer: EXO_ENOLIBOS");
	exo_disconnect(ctl);
	lc_spawn(&plain, d.sock, "-n", "plain", "-w", "-d", "600000", "-P",
	    (char *)NULL);
	if (!lc_expect(&plain, "ready ", line, sizeof line, 10000) ||
	    !ch_field(line + 6, "libos", &v))
		bail("the plain libOS did not start");
	plain_id = (uint32_t)v;
	lc_start(&plain);
	is_int(-EXO_ENOENTRY, pong(s, plain_id, "ping"), "a call to a libOS "
	    "without a protected entry: EXO_ENOENTRY");
	is_int(-EXO_EINVAL, pong(s, exo_libos_id(s), "ping"), "a call to "
	    "oneself: EXO_EINVAL");
	is_int(-EXO_EINVAL, exo_call(s, echo_id, big, EXO_CALL_MAX + 1, answer,
	    sizeof answer, &alen), "a request over EXO_CALL_MAX: EXO_EINVAL");
	memset(&raw, 0, sizeof raw);
	raw.hdr.target = echo_id;
	raw.hdr.len = EXO_CALL_MAX + 1;
	is_int(-EXO_EINVAL, exo_request(s, EXO_MSG_CALL, &raw, sizeof raw.hdr +
	    EXO_CALL_MAX, NULL, 0, NULL, NULL, 0, NULL), "raw: a length over "
	    "EXO_CALL_MAX: EXO_EINVAL");
	raw.hdr.len = 10;
	is_int(-EXO_EPROTO, exo_request(s, EXO_MSG_CALL, &raw, sizeof raw.hdr +
	    4, NULL, 0, NULL, NULL, 0, NULL), "raw: a length that does not "
	    "match the message: EXO_EPROTO");
	is_int(0, pong(s, echo_id, "ping"), "the echo libOS still answers");

	/* The callee dies during the call; a busy callee. */
	k = stuck_callee(-1, &k_id);
	if (pipe(p) == -1)
		sysbail("pipe");
	c = caller(-1, k_id, 1, echo_id, p[1]);
	close(p[1]);
	ok(wait_entered(10000), "a callee is inside a call that never returns");
	is_int(-EXO_EBUSYTARGET, pong(s, k_id, "ping"), "another call to it "
	    "meanwhile: EXO_EBUSYTARGET");
	kill(k, SIGKILL);
	ch_reap(k, 5000);
	rc = read_rec(p[0], &recs[0], 10000);
	ok(rc && recs[0].rc == -EXO_EDIED, "killed, it fails the call with "
	    "EXO_EDIED (%d)", rc ? recs[0].rc : 1);
	ok(read_rec(p[0], &recs[1], 10000) && recs[1].rc == 0,
	    "and the caller's next call, elsewhere, works");
	status = ch_reap(c, 10000);
	ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "the caller exits normally");
	close(p[0]);

	/* The slice is donated. */
	lc_spawn(&dc, d.sock, "-n", "callee", "-e", "-a", "2", "-d", "600000",
	    (char *)NULL);
	if (!lc_claimed(&dc, 10000))
		bail("the spinning callee did not claim slot 2");
	if (pipe(p) == -1)
		sysbail("pipe");
	c = caller(0, dc.libos, NCALLS, 0, p[1]);
	close(p[1]);
	for (i = 0, n = 0, inwin = 0, okans = 0; i < NCALLS; i++) {
		if (!read_rec(p[0], &recs[i], 20000))
			break;
		n++;
		okans += recs[i].answered;
		inwin += recs[i].end < recs[i].wend;
		lat[i] = recs[i].end - recs[i].start;
	}
	close(p[0]);
	ch_reap(c, 10000);
	is_int(NCALLS, okans, "a caller in slot 0 called the spinning callee "
	    "in slot 2 %d times: all answered", NCALLS);
	if (n > 0) {
		qsort(lat, (size_t)n, sizeof lat[0], ch_cmp_i64);
		diag("call round trips: median %.3f ms, worst %.3f ms", lat[n /
		    2] / 1e6, lat[n - 1] / 1e6);
	}
	is_int(NCALLS, inwin, "every call completed inside the caller's own "
	    "window: the callee ran on the caller's slice");
	ok(ch_status_of(d.sock, dc.libos, &sp) == 1 && !(sp.state &
	    EXO_PEER_INCALL), "the callee is back to its own slots");

	/* A callee holding slots dies while running on the donated slice. */
	lc_kill(&dc);
	for (i = 0; i < 500 && owner_of(2) != 0; i++)
		ch_sleep_ms(10);
	k = stuck_callee(2, &k_id);
	if (pipe(p) == -1)
		sysbail("pipe");
	c = caller(0, k_id, 1, echo_id, p[1]);
	close(p[1]);
	ok(wait_entered(10000), "a callee holding slot 2 is inside a call "
	    "from a caller holding slot 0");
	kill(k, SIGKILL);
	ch_reap(k, 5000);
	rc = read_rec(p[0], &recs[0], 10000);
	ok(rc && recs[0].rc == -EXO_EDIED, "killed, it fails the call with "
	    "EXO_EDIED (%d)", rc ? recs[0].rc : 1);
	ok(read_rec(p[0], &recs[1], 10000) && recs[1].rc == 0,
	    "the caller goes on in its slot and calls again");
	status = ch_reap(c, 10000);
	ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "the caller exits normally");
	close(p[0]);
	for (i = 0; i < 500 && owner_of(2) != 0; i++)
		ch_sleep_ms(10);
	is_int(0, owner_of(2), "the dead callee's slot is free");
	is_int(0, pong(s, echo_id, "ping"), "the echo libOS still answers");

	lc_kill(&echo);
	lc_kill(&plain);
	exo_disconnect(s);
	ok(th_exod_alive(&d), "exod alive");
	is_int(0, th_exod_stop(&d), "exod stops cleanly");
	return (0);
}
