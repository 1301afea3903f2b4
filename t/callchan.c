/*
 * callchan.t - protected calls over a bound channel: exact for every
 * size; binding's errors; a forged, altered or borrowed channel
 * capability; a caller that scribbles over the shared page; a callee
 * killed inside a call (EXO_EDIED), one that never answers
 * (EXO_ETIMEDOUT), a caller killed inside a call (the callee goes on and
 * serves others); the slice donated while the caller holds the CPU (the
 * callee holds slot 2 of 4, so it runs in slot 0 only on the caller's
 * time; the first call, which waits for the callee to accept, is not
 * counted); a callee in slot 2 that spins outside its calls gets no CPU
 * in the caller's slot 0 beyond the calls (CPU times from /proc, as a
 * proportion of the caller's); with slots, the deadline and a callee's
 * death still fail a call; and exod's descriptors back where they were.
 *
 * exod -n 4 -q 40 -b 2 -c 1500.  The callees are forked children that
 * serve with exo_callchan_serve; their protected entry answers each byte
 * of the request xor 0x5a, so a wrong byte anywhere shows.
 */
#include <sys/mman.h>
#include <sys/syscall.h>
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

enum { ECHO, STUCK, SLOW, SPINNER };

static struct th_exod	 d;
static struct exo	*s;		/* the test's own libOS */
static int		 entered[2];	/* pipe: a callee says it is in */

static int
entry(struct exo *e, uint32_t caller, const void *req, size_t len,
    void *reply, size_t *rlen, void *arg)
{
	const unsigned char	*in = req;
	unsigned char		*out = reply;
	int			 kind = *(int *)arg;
	size_t			 i;
	char			 c = 'c';

	if ((kind == STUCK || kind == SLOW) && write(entered[1], &c, 1) != 1)
		_exit(96);
	if (kind == STUCK)
		for (;;)
			pause();
	if (kind == SLOW)
		ch_sleep_ms(300);
	for (i = 0; i < len; i++)
		out[i] = in[i] ^ 0x5a;
	*rlen = len;
	return (len == 7 ? -77 : 0);	/* and one status of its own */
}

static void
ch_spin_ms(long ms)
{
	uint64_t	end = ch_now() + (uint64_t)ms * CH_MS;

	while (ch_now() < end)
		;
}

/* utime + stime of pid from /proc, in clock ticks; -1 if unreadable. */
static long
cpu_ticks(pid_t pid)
{
	char		 path[64], buf[1024], *p;
	unsigned long	 ut, st;
	FILE		*f;
	size_t		 n;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* After the name: state and 10 more fields, then utime, stime. */
	if ((p = strrchr(buf, ')')) == NULL || sscanf(p + 2,
	    "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut,
	    &st) != 2)
		return (-1);
	return ((long)(ut + st));
}

/* A callee of kind; with slot >= 0 it holds that slot. */
static pid_t
callee(int kind, int slot, uint32_t *id)
{
	static int	 k;
	struct exo	*e;
	struct exo_cap	 cap;
	unsigned	 pos = (unsigned)slot;
	uint32_t	 me;
	int		 p[2];
	pid_t		 pid;

	if (pipe(p) == -1)
		sysbail("pipe");
	if ((pid = ch_fork()) == 0) {
		close(p[0]);
		exo_disconnect(s);	/* the parent's: not this process's */
		k = kind;
		if (exo_connect(d.sock, "callee", &e) != 0 ||
		    exo_pe_protected(e, entry, &k) != 0)
			_exit(90);
		if (slot >= 0 && exo_slot_claim_at(e, &pos, 1, &cap) != 0)
			_exit(92);
		me = exo_libos_id(e);
		if (write(p[1], &me, sizeof me) != sizeof me)
			_exit(93);
		for (;;) {
			if (exo_callchan_serve(e, kind == SPINNER ? 0 :
			    EXO_FOREVER) < 0)
				_exit(94);
			if (kind == SPINNER)	/* busy outside calls */
				ch_spin_ms(1);
		}
	}
	close(p[1]);
	if (read(p[0], id, sizeof *id) != sizeof *id)
		bail("a callee did not start");
	close(p[0]);
	return (pid);
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

/* One call of len random bytes: 1 if the answer is exact. */
static int
exact(struct exo_callchan *ch, size_t len)
{
	unsigned char	req[EXO_CALL_MAX], rep[EXO_CALL_MAX];
	size_t		i, rlen = 12345;
	int		rc;

	memset(req, 0, sizeof req);
	for (i = 0; i < len; i++)
		req[i] = (unsigned char)random();
	rc = exo_callchan_call(ch, req, len, rep, sizeof rep, &rlen);
	if (len == 7)
		return (rc == -77 && rlen == 0);
	if (rc != 0 || rlen != len)
		return (0);
	for (i = 0; i < len; i++)
		if (rep[i] != (req[i] ^ 0x5a))
			return (0);
	return (1);
}

/* A raw CHAN_BIND: the reply, and the page's descriptor. */
static int
raw_bind(struct exo *e, uint32_t target, struct exo_chan_reply *r, int *fd)
{
	struct exo_chan_bind	req;
	size_t			rlen;
	unsigned		nfds, i;
	int			rc, fds[2];

	memset(&req, 0, sizeof req);
	req.target = target;
	rc = exo_request(e, EXO_MSG_CHAN_BIND, &req, sizeof req, r, sizeof *r,
	    &rlen, fds, 2, &nfds);
	if (rc == 0 && (rlen != sizeof *r || nfds != 2)) {
		for (i = 0; i < nfds; i++)
			close(fds[i]);
		return (-EXO_EPROTO);
	}
	if (rc == 0) {
		*fd = fds[0];		/* the shared page */
		close(fds[1]);		/* the caller's own page */
	}
	return (rc);
}

static int
raw_cap(struct exo *e, uint16_t type, const struct exo_cap *c)
{
	return (exo_request(e, type, c, sizeof *c, NULL, 0, NULL, NULL, 0,
	    NULL));
}

/*
 * A caller in slot 0 calls a callee in slot 2 n times, each with
 * LEFT_NS of its window left; how many answers came inside its window.
 */
static int
donated(uint32_t target, int n, int *answered)
{
	struct exo_callchan	*ch;
	struct ch_vec		 v;
	struct exo_cap		 cap;
	struct exo		*e;
	unsigned		 pos = 0;
	uint64_t		 now, wend;
	int			 p[2], i, in = 0, okc = 0, res[2];
	pid_t			 pid;

	if (pipe(p) == -1)
		sysbail("pipe");
	if ((pid = ch_fork()) == 0) {
		close(p[0]);
		exo_disconnect(s);
		if (exo_connect(d.sock, "caller", &e) != 0 ||
		    exo_slot_claim_at(e, &pos, 1, &cap) != 0 ||
		    exo_callchan_bind(e, target, &ch) != 0)
			_exit(90);
		ch_vec_of(e, &v);
		/* The first call also waits for the callee to accept. */
		(void)exact(ch, 1);
		for (i = 0; i < n; i++) {
			for (;;) {
				now = ch_now();
				wend = ch_window_end(&v, now);
				if (wend != 0 && wend >= now + LEFT_NS)
					break;
			}
			okc += exact(ch, 64);
			in += ch_now() < wend;
		}
		res[0] = okc;
		res[1] = in;
		if (write(p[1], res, sizeof res) != sizeof res)
			_exit(91);
		_exit(0);
	}
	close(p[1]);
	res[0] = res[1] = -1;
	if (read(p[0], res, sizeof res) != sizeof res)
		res[0] = res[1] = -1;
	close(p[0]);
	ch_reap(pid, 10000);
	*answered = res[0];
	return (res[1]);
}

/* Slot 0, once the caller before has let it go (exod sees it leave). */
static int
claim0(struct exo *e, struct exo_cap *cap)
{
	unsigned	pos;
	int		i, rc = -1;

	for (i = 0; i < 200; i++) {
		pos = 0;
		if ((rc = exo_slot_claim_at(e, &pos, 1, cap)) != -EXO_ECONFLICT)
			break;
		ch_sleep_ms(10);
	}
	return (rc);
}

/*
 * A caller in slot 0 bound to target in slot 2 makes one call: its
 * status and how long it took (ms) through *ms.
 */
static int
slotted_call(uint32_t target, long *ms)
{
	struct exo_callchan	*ch;
	struct exo_cap		 cap;
	struct exo		*e;
	unsigned char		 buf[64];
	uint64_t		 t0;
	size_t			 rlen;
	long			 res[2];
	int			 p[2];
	pid_t			 pid;

	if (pipe(p) == -1)
		sysbail("pipe");
	if ((pid = ch_fork()) == 0) {
		close(p[0]);
		exo_disconnect(s);
		if (exo_connect(d.sock, "caller", &e) != 0 ||
		    claim0(e, &cap) != 0 ||
		    exo_callchan_bind(e, target, &ch) != 0)
			_exit(90);
		t0 = ch_now();
		res[0] = exo_callchan_call(ch, "ping", 4, buf, sizeof buf,
		    &rlen);
		res[1] = (long)((ch_now() - t0) / CH_MS);
		if (write(p[1], res, sizeof res) != sizeof res)
			_exit(91);
		_exit(0);
	}
	close(p[1]);
	res[0] = 1;
	res[1] = -1;
	if (read(p[0], res, sizeof res) != sizeof res)
		res[0] = 1;
	close(p[0]);
	ch_reap(pid, 10000);
	*ms = res[1];
	return ((int)res[0]);
}

/*
 * A caller in slot 0 bound to a callee in slot 2 that spins outside its
 * calls.  The caller spins through its own slots for ms, calling every
 * 5 ms; the test reads both processes' CPU time from /proc over that
 * time.  Each holds one slot of four, so each gets about a quarter of
 * it; a callee that also ran through the caller's slots would get twice
 * the caller's.  Returns the calls answered exactly, and the ticks.
 */
static int
spun(uint32_t target, pid_t callee_pid, long ms, long *callee_t,
    long *caller_t, int *calls)
{
	struct exo_callchan	*ch;
	struct exo_cap		 cap;
	struct exo		*e;
	uint64_t		 end, next;
	long			 c0, a0;
	int			 go[2], p[2], okc = 0, n = 0;
	char			 c = 'g';
	pid_t			 pid;

	if (pipe(p) == -1 || pipe(go) == -1)
		sysbail("pipe");
	if ((pid = ch_fork()) == 0) {
		close(p[0]);
		close(go[0]);
		exo_disconnect(s);
		if (exo_connect(d.sock, "caller", &e) != 0 ||
		    claim0(e, &cap) != 0 ||
		    exo_callchan_bind(e, target, &ch) != 0)
			_exit(90);
		(void)exact(ch, 1);	/* waits for the callee to accept */
		if (write(go[1], &c, 1) != 1)
			_exit(91);
		end = ch_now() + (uint64_t)ms * CH_MS;
		for (next = ch_now(); ch_now() < end; ) {
			if (ch_now() >= next) {
				okc += exact(ch, 64);
				n++;
				next = ch_now() + 5 * CH_MS;
			}
		}
		okc = okc == n ? n : -n;
		if (write(p[1], &okc, sizeof okc) != sizeof okc)
			_exit(92);
		_exit(0);
	}
	close(p[1]);
	close(go[1]);
	if (read(go[0], &c, 1) != 1)
		bail("the spinning caller did not start");
	close(go[0]);
	c0 = cpu_ticks(callee_pid);
	a0 = cpu_ticks(pid);
	if (read(p[0], calls, sizeof *calls) != sizeof *calls)
		*calls = 0;
	*callee_t = cpu_ticks(callee_pid) - c0;
	*caller_t = cpu_ticks(pid) - a0;
	close(p[0]);
	ch_reap(pid, 10000);
	return (c0 >= 0 && a0 >= 0);
}

int
main(void)
{
	struct exo_callchan	*ch, *extra[EXO_CHAN_MAX], *more;
	struct exo_chan_reply	 r;
	struct exo_chan_page	*pg;
	struct exo_cap		 bad;
	struct exo		*plain, *ctl;
	unsigned char		 buf[2 * EXO_CALL_MAX];
	uint32_t		 echo_id, k_id, slow_id, seq;
	size_t			 len, rlen;
	uint64_t		 t0;
	int			 fd, i, n, rc, fds0, answered, in;
	pid_t			 echo, k, c, killer;

	plan(42);
	th_exod_start(&d, "-n", "4", "-q", "40", "-b", "2", "-c", "1500",
	    (char *)NULL);
	if (pipe(entered) == -1)
		sysbail("pipe");
	s = th_connect(&d, "tester");
	plain = th_connect(&d, "plain");
	fds0 = th_fds_settled(&d, 5000);
	srandom(16);

	/* Every size, exact. */
	echo = callee(ECHO, -1, &echo_id);
	is_int(0, exo_callchan_bind(s, echo_id, &ch), "a channel binds to a "
	    "libOS with a protected entry");
	ok(exo_callchan_peer(ch) == echo_id, "its peer is the callee");
	for (n = 0, len = 0; len <= EXO_CALL_MAX; len++)
		n += exact(ch, len);
	is_int(EXO_CALL_MAX + 1, n, "calls of every size 0..%d get their "
	    "exact answers", EXO_CALL_MAX);
	ok(exact(ch, 7), "the callee's own status comes back, no data");
	is_int(-EXO_EINVAL, exo_callchan_call(ch, buf, EXO_CALL_MAX + 1, buf,
	    sizeof buf, &rlen), "a request over EXO_CALL_MAX: EXO_EINVAL");
	rc = exo_callchan_call(ch, buf, 100, buf, 10, &rlen);
	is_int(-EXO_EINVAL, rc, "an answer larger than the reply buffer: "
	    "EXO_EINVAL");

	/* Binding's errors. */
	is_int(-EXO_ENOLIBOS, exo_callchan_bind(s, 99999, &extra[0]), "to a "
	    "libOS that does not exist: EXO_ENOLIBOS");
	if (exo_connect_control(d.sock, &ctl) != 0)
		bail("control connection");
	is_int(-EXO_ENOLIBOS, exo_callchan_bind(s, exo_libos_id(ctl),
	    &extra[0]), "to a control peer: EXO_ENOLIBOS");
	is_int(-EXO_EPERM, exo_callchan_bind(ctl, echo_id, &extra[0]), "from "
	    "a control peer: EXO_EPERM");
	exo_disconnect(ctl);
	is_int(-EXO_ENOENTRY, exo_callchan_bind(s, exo_libos_id(plain),
	    &extra[0]), "to a libOS without a protected entry: EXO_ENOENTRY");
	is_int(-EXO_EINVAL, exo_callchan_bind(s, exo_libos_id(s), &extra[0]),
	    "to oneself: EXO_EINVAL");
	for (i = 0, rc = 0; i < EXO_CHAN_MAX - 1 && rc == 0; i++)
		rc = exo_callchan_bind(s, echo_id, &extra[i]);
	is_int(0, rc, "%d channels bind", EXO_CHAN_MAX);
	is_int(-EXO_ETOOMANY, exo_callchan_bind(s, echo_id, &more),
	    "one more: EXO_ETOOMANY");
	for (n = 0; n < i; n++)
		(void)exo_callchan_close(extra[n]);
	ok(exact(ch, 100), "the first still answers after the others closed");

	/* A forged, altered, borrowed or stale channel capability. */
	rc = raw_bind(plain, echo_id, &r, &fd);
	is_int(0, rc, "a raw CHAN_BIND: a capability and the page");
	pg = rc == 0 ? mmap(NULL, EXO_CHAN_PAGE, PROT_READ | PROT_WRITE,
	    MAP_SHARED, fd, 0) : MAP_FAILED;
	if (pg == MAP_FAILED)
		bail("the channel's page does not map");
	close(fd);
	ok(pg->magic == EXO_CHAN_MAGIC && pg->caller == exo_libos_id(plain) &&
	    pg->callee == echo_id && r.cap.type == EXO_RES_CHAN &&
	    r.deadline_ns == 1500 * CH_MS, "the page and the reply say who "
	    "and how long");
	is_int(-EXO_EPERM, raw_cap(plain, EXO_MSG_CHAN_ACCEPT, &r.cap), "the "
	    "caller accepting its own end: EXO_EPERM");
	bad = r.cap;
	bad.mac[3] ^= 1;
	is_int(-EXO_EBADCAP, raw_cap(plain, EXO_MSG_CHAN_CLOSE, &bad), "a "
	    "forged MAC: EXO_EBADCAP");
	bad = r.cap;
	bad.id ^= 1;
	is_int(-EXO_EBADCAP, raw_cap(plain, EXO_MSG_CHAN_ACCEPT, &bad),
	    "another channel's number: EXO_EBADCAP");
	is_int(-EXO_ENOTOWNER, raw_cap(s, EXO_MSG_CHAN_CLOSE, &r.cap),
	    "another libOS's channel: EXO_ENOTOWNER");
	/* The caller scribbles: a length past the data, then a call. */
	t0 = ch_now();
	pg->req_len = 100000;
	seq = (pg->call + 1) & EXO_CHAN_SEQ;
	__atomic_store_n(&pg->call, seq, __ATOMIC_SEQ_CST);
	(void)syscall(SYS_futex, &pg->call, 1 /* FUTEX_WAKE */, 1, NULL,
	    NULL, 0);
	while (ch_now() < t0 + 5000 * CH_MS &&
	    __atomic_load_n(&pg->answer, __ATOMIC_SEQ_CST) != seq)
		ch_sleep_ms(1);
	ok(pg->answer == seq && pg->rep_status == -EXO_EPROTO &&
	    pg->rep_len == 0, "a scribbled length gets EXO_EPROTO from the "
	    "callee (%d)", pg->rep_status);
	ok(exact(ch, 1000), "and the callee goes on serving others");
	is_int(0, raw_cap(plain, EXO_MSG_CHAN_CLOSE, &r.cap), "the caller "
	    "closes its channel");
	ok((pg->call & EXO_CHAN_CLOSED) && (pg->answer & EXO_CHAN_CLOSED) &&
	    pg->closed_status == -EXO_ECLOSED, "exod marked both words "
	    "closed: EXO_ECLOSED");
	is_int(-EXO_ESTALE, raw_cap(plain, EXO_MSG_CHAN_CLOSE, &r.cap),
	    "closing it again: EXO_ESTALE");
	munmap(pg, EXO_CHAN_PAGE);

	/* The callee dies inside the call. */
	k = callee(STUCK, -1, &k_id);
	if (exo_callchan_bind(s, k_id, &extra[0]) != 0)
		bail("bind to the stuck callee");
	if ((killer = ch_fork()) == 0) {
		if (!wait_entered(10000))
			_exit(1);
		ch_sleep_ms(50);
		kill(k, SIGKILL);
		_exit(0);
	}
	rc = exo_callchan_call(extra[0], "ping", 4, buf, sizeof buf, &rlen);
	is_int(-EXO_EDIED, rc, "a callee killed inside the call fails it "
	    "with EXO_EDIED");
	ch_reap(killer, 5000);
	ch_reap(k, 5000);
	is_int(-EXO_EDIED, exo_callchan_call(extra[0], "ping", 4, buf,
	    sizeof buf, &rlen), "and every call after it");
	exo_callchan_close(extra[0]);

	/* The callee never answers: the deadline holds. */
	k = callee(STUCK, -1, &k_id);
	if (exo_callchan_bind(s, k_id, &extra[0]) != 0)
		bail("bind to the stuck callee");
	t0 = ch_now();
	rc = exo_callchan_call(extra[0], "ping", 4, buf, sizeof buf, &rlen);
	is_int(-EXO_ETIMEDOUT, rc, "a callee that never answers: "
	    "EXO_ETIMEDOUT");
	ok(ch_now() - t0 >= 1500 * CH_MS, "not before the deadline");
	(void)wait_entered(1000);
	kill(k, SIGKILL);
	ch_reap(k, 5000);
	exo_callchan_close(extra[0]);

	/* The caller dies inside the call. */
	k = callee(SLOW, -1, &slow_id);
	if ((c = ch_fork()) == 0) {
		exo_disconnect(s);
		if (exo_connect(d.sock, "victim", &s) != 0 ||
		    exo_callchan_bind(s, slow_id, &ch) != 0)
			_exit(90);
		(void)exo_callchan_call(ch, "ping", 4, buf, sizeof buf, &rlen);
		_exit(91);
	}
	ok(wait_entered(10000), "a slow callee is inside a call");
	kill(c, SIGKILL);
	ch_reap(c, 5000);
	ch_sleep_ms(400);	/* it answers into the dead caller's page */
	if (exo_callchan_bind(s, slow_id, &extra[0]) != 0)
		bail("bind to the slow callee");
	rc = exo_callchan_call(extra[0], "abc", 3, buf, sizeof buf, &rlen);
	(void)wait_entered(1000);
	ok(rc == 0 && rlen == 3 && buf[0] == ('a' ^ 0x5a) && buf[2] ==
	    ('c' ^ 0x5a), "with its caller killed, the callee goes on and "
	    "answers the next caller exactly");
	exo_callchan_close(extra[0]);
	kill(k, SIGKILL);
	ch_reap(k, 5000);

	/* The slice is donated. */
	kill(echo, SIGKILL);
	ch_reap(echo, 5000);
	echo = callee(ECHO, 2, &echo_id);
	in = donated(echo_id, NCALLS, &answered);
	is_int(NCALLS, answered, "a caller in slot 0 called a callee in slot "
	    "2 %d times: all answered exactly", NCALLS);
	is_int(NCALLS, in, "every call completed inside the caller's own "
	    "window: the callee ran on the caller's slice");
	kill(echo, SIGKILL);
	ch_reap(echo, 5000);

	/* Lent only inside calls: a callee that spins outside them. */
	echo = callee(SPINNER, 2, &echo_id);
	{
		long	ct, at;
		int	calls;

		ok(spun(echo_id, echo, 3000, &ct, &at, &calls), "the CPU "
		    "times of both can be read");
		ok(calls > 100, "a caller in slot 0 spinning through its "
		    "slots, calling every 5 ms: %d calls, all answered "
		    "exactly", calls);
		diag("over 3 s: callee %ld ticks, caller %ld ticks", ct, at);
		ok(at > 0 && ct > 0 && ct * 2 < at * 3, "a callee in slot 2 "
		    "that spins outside its calls gets no CPU in the caller's "
		    "slots: its CPU time %ld ticks, the caller's %ld (at "
		    "most 1.5 times; twice if it ran through them)", ct, at);
	}
	kill(echo, SIGKILL);
	ch_reap(echo, 5000);

	/* With slots too, the deadline holds and a death fails the call. */
	k = callee(STUCK, 2, &k_id);
	{
		long	ms;

		rc = slotted_call(k_id, &ms);
		is_int(-EXO_ETIMEDOUT, rc, "a callee in slot 2 that never "
		    "answers a caller in slot 0: EXO_ETIMEDOUT");
		ok(ms >= 1500, "  not before the deadline (%ld ms)", ms);
		(void)wait_entered(1000);
		kill(k, SIGKILL);
		ch_reap(k, 5000);
		k = callee(STUCK, 2, &k_id);
		if ((killer = ch_fork()) == 0) {
			if (!wait_entered(10000))
				_exit(1);
			ch_sleep_ms(50);
			kill(k, SIGKILL);
			_exit(0);
		}
		rc = slotted_call(k_id, &ms);
		is_int(-EXO_EDIED, rc, "  such a callee killed inside "
		    "the call: EXO_EDIED (%ld ms)", ms);
		ch_reap(killer, 5000);
		ch_reap(k, 5000);
	}
	exo_callchan_close(ch);

	/* Nothing left behind. */
	ok(th_wait_fds(&d, fds0, 10000) == fds0, "exod's descriptors are "
	    "back where they were (%d)", fds0);
	exo_disconnect(plain);
	exo_disconnect(s);
	ok(th_exod_alive(&d), "exod alive");
	is_int(0, th_exod_stop(&d), "exod stops cleanly");
	return (0);
}
