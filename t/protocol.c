/*
 * protocol.t - exo-protocol(7) and exod agree where they used to differ.
 *
 * Clients here speak the protocol raw, from the page, as a client in
 * another language would:
 *
 *  1. CALL: the upcall's callid is the id of the upcall's header, and an
 *     answer names its call by that id; an answer with another id is
 *     ignored and the call stays open.
 *  2. A CALL answer that carries descriptors (one, or more than exod's
 *     receive buffer holds) is handled as if it came alone: the caller
 *     gets it, and exod keeps none of the descriptors.
 *  3. PROTECT naming one frame twice is EXO_EINVAL and protects nothing.
 *  4. Upcall ids count the upcalls sent: after the channel filled and
 *     exod held interrupts back, the ids still follow one another.
 *  5. A client refused (EXO_EBUSY) that sent its HELLO first reads the
 *     refusal header, not ECONNRESET.
 */
#define _GNU_SOURCE 1
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "harness.h"
#include "proc.h"
#include "tap.h"

#define TIMEOUT		10000
#define MANY_FDS	40	/* more than exod's channel buffer (16) */
#define NCALLS		4
#define EBUSY_TRIES	40	/* refused connections tried */

static struct th_exod	exod;

/* Send one request header + payload, with fds attached if nfds > 0. */
static int
raw_send(int fd, uint16_t type, uint32_t id, const void *pl, size_t len,
    const int *fds, unsigned nfds)
{
	unsigned char	buf[EXO_MSG_MAX];
	union {
		struct cmsghdr	hdr;
		unsigned char	buf[CMSG_SPACE(sizeof(int) * 64)];
	}		cmsg;
	struct exo_hdr	h;
	struct msghdr	msg;
	struct iovec	iov;
	struct cmsghdr	*c;

	h.version = EXO_PROTO_VERSION;
	h.type = type;
	h.id = id;
	h.len = (uint32_t)len;
	h.status = 0;
	memcpy(buf, &h, sizeof h);
	if (len > 0)
		memcpy(buf + sizeof h, pl, len);
	memset(&msg, 0, sizeof msg);
	iov.iov_base = buf;
	iov.iov_len = sizeof h + len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (nfds > 0) {
		memset(&cmsg, 0, sizeof cmsg);
		msg.msg_control = cmsg.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	return sendmsg(fd, &msg, MSG_NOSIGNAL) == (ssize_t)(sizeof h + len) ?
	    0 : -1;
}

/*
 * Receive one message within ms; its length, 0 at EOF, -1 on timeout or
 * error (errno set).  Descriptors that come are kept in fds (at most 8).
 */
static int
raw_recv(int fd, void *buf, size_t len, int ms, int *fds, unsigned *nfds)
{
	union {
		struct cmsghdr	hdr;
		unsigned char	buf[CMSG_SPACE(sizeof(int) * 8)];
	}		cmsg;
	struct pollfd	pfd = { .fd = fd, .events = POLLIN };
	struct msghdr	msg;
	struct iovec	iov;
	struct cmsghdr	*c;
	ssize_t		n;

	if (nfds != NULL)
		*nfds = 0;
	if (poll(&pfd, 1, ms) != 1) {
		errno = ETIMEDOUT;
		return -1;
	}
	memset(&msg, 0, sizeof msg);
	iov.iov_base = buf;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cmsg.buf;
	msg.msg_controllen = sizeof cmsg.buf;
	if ((n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC)) == -1)
		return -1;
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    fds != NULL && nfds != NULL) {
			*nfds = (unsigned)((c->cmsg_len - CMSG_LEN(0)) /
			    sizeof(int));
			memcpy(fds, CMSG_DATA(c), *nfds * sizeof(int));
		}
	return (int)n;
}

/* A raw HELLO as a libOS; its id, its upcall channel in *chan. */
static uint32_t
raw_hello(int s, const char *name, int *chan)
{
	struct exo_hello	 hello;
	struct {
		struct exo_hdr		hdr;
		struct exo_hello_reply	reply;
	}			 rep;
	int			 fds[8];
	unsigned		 nfds, i;

	memset(&hello, 0, sizeof hello);
	snprintf(hello.name, sizeof hello.name, "%s", name);
	if (raw_send(s, EXO_MSG_HELLO, 1, &hello, sizeof hello, NULL, 0) != 0 ||
	    raw_recv(s, &rep, sizeof rep, TIMEOUT, fds, &nfds) !=
	    (int)sizeof rep || rep.hdr.status != 0 || nfds < 1)
		return 0;
	*chan = fds[0];
	for (i = 1; i < nfds; i++)
		close(fds[i]);
	return rep.reply.libos;
}

/* A raw request and its status (the reply's payload is not looked at). */
static int
raw_request(int s, uint16_t type, uint32_t id, const void *pl, size_t len)
{
	unsigned char	buf[EXO_MSG_MAX];
	struct exo_hdr	h;
	int		n;

	if (raw_send(s, type, id, pl, len, NULL, 0) != 0)
		return 1;
	n = raw_recv(s, buf, sizeof buf, TIMEOUT, NULL, NULL);
	if (n < (int)sizeof h)
		return 1;
	memcpy(&h, buf, sizeof h);
	return h.id == id ? h.status : 1;
}

/* ---- 1 and 2: the callee -------------------------------------------- */

/* What the callee saw of one call. */
struct seen_call {
	uint32_t	hdr_id;
	uint32_t	callid;
	uint32_t	caller;
};

/*
 * A raw callee: registers its protected entry and answers NCALLS calls,
 * call k (from 0) as follows: 0 plainly; 1 with one descriptor attached;
 * 2 with MANY_FDS attached; 3 first under a wrong id, then rightly.
 * Each answer's data is "answer-k".  It reports its id, then each call.
 */
static int
callee_main(int fd, void *arg)
{
	struct exo_entry_set	 es = { .entries = EXO_ENTRY_PROTECTED };
	unsigned char		 buf[EXO_MSG_MAX];
	struct exo_upcall_call	 u;
	struct exo_call_reply	 r;
	struct seen_call	 seen;
	struct exo_hdr		 h;
	unsigned char		 ans[sizeof r + 16];
	int			 s, chan, extra[MANY_FDS], k, n, i;
	uint32_t		 id;

	(void)arg;
	signal(EXO_SIG_UPCALL, SIG_IGN);	/* it reads its channel itself */
	s = th_raw_connect(&exod);
	if ((id = raw_hello(s, "callee", &chan)) == 0)
		return 1;
	if (raw_request(s, EXO_MSG_ENTRY_SET, 2, &es, sizeof es) != 0)
		return 2;
	if (tp_send(fd, &id, sizeof id) != 0)
		return 3;
	for (i = 0; i < MANY_FDS; i++)
		if ((extra[i] = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
			return 4;
	for (k = 0; k < NCALLS; ) {
		n = raw_recv(chan, buf, sizeof buf, 30000, NULL, NULL);
		if (n < (int)(sizeof h + sizeof u))
			return 5;
		memcpy(&h, buf, sizeof h);
		if (h.type != EXO_UPCALL_CALL)
			continue;
		memcpy(&u, buf + sizeof h, sizeof u);
		seen.hdr_id = h.id;
		seen.callid = u.callid;
		seen.caller = u.caller;
		r.status = 0;
		r.len = (uint32_t)snprintf((char *)ans + sizeof r, 16,
		    "answer-%d", k);
		memcpy(ans, &r, sizeof r);
		if (k == 3 && raw_send(chan, EXO_UPCALL_CALL | EXO_MSG_REPLY,
		    h.id + 1000, ans, sizeof r + r.len, NULL, 0) != 0)
			return 6;
		if (raw_send(chan, EXO_UPCALL_CALL | EXO_MSG_REPLY, h.id, ans,
		    sizeof r + r.len, extra, k == 1 ? 1 : k == 2 ? MANY_FDS :
		    0) != 0)
			return 7;
		if (tp_send(fd, &seen, sizeof seen) != 0)
			return 8;
		k++;
	}
	(void)tp_recv(fd, buf, 1, 60000);
	close(chan);
	close(s);
	return 0;
}

static void
test_call(void)
{
	static const char *const what[NCALLS] = {
		"a plain answer",
		"an answer carrying one descriptor",
		"an answer carrying 40 descriptors",
		"an answer after one under a wrong id",
	};
	struct seen_call	 seen[NCALLS];
	struct tp_kid		 kid;
	struct exo		*a;
	char			 out[64], want[16];
	size_t			 outlen;
	uint32_t		 callee;
	int			 rc, k, base, status, ordered = 1;

	a = th_connect(&exod, "caller");
	base = th_fds_settled(&exod, TIMEOUT);
	tp_kid_start(&kid, callee_main, NULL);
	if (tp_recv(kid.fd, &callee, sizeof callee, TIMEOUT) !=
	    (int)sizeof callee)
		bail("the callee did not start");
	for (k = 0; k < NCALLS; k++) {
		memset(out, 0, sizeof out);
		rc = exo_call(a, callee, "q", 1, out, sizeof out - 1, &outlen);
		snprintf(want, sizeof want, "answer-%d", k);
		ok(rc == 0 && outlen == strlen(want) && strcmp(out, want) == 0,
		    "call: %s reaches the caller (rc %s, \"%s\")", what[k],
		    exo_strerror(rc), out);
		if (tp_recv(kid.fd, &seen[k], sizeof seen[k], TIMEOUT) !=
		    (int)sizeof seen[k])
			bail("the callee did not report call %d", k);
	}
	for (k = 0; k < NCALLS; k++) {
		if (seen[k].callid != seen[k].hdr_id)
			ordered = 0;
		if (k > 0 && seen[k].hdr_id <= seen[k - 1].hdr_id)
			ordered = 0;
	}
	ok(ordered, "call: each upcall's callid is its header's id (%u=%u "
	    "%u=%u %u=%u %u=%u), and the ids grow", seen[0].callid,
	    seen[0].hdr_id, seen[1].callid, seen[1].hdr_id, seen[2].callid,
	    seen[2].hdr_id, seen[3].callid, seen[3].hdr_id);
	is_int(exo_libos_id(a), seen[0].caller, "call: the upcall names the "
	    "caller");
	(void)tp_send(kid.fd, "q", 1);
	status = tp_kid_wait(&kid, TIMEOUT);
	ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "call: the raw callee exits 0 (status %#x)", status);
	/* The callee's connection and channel went; nothing else stays. */
	is_int(base, th_wait_fds(&exod, base, TIMEOUT), "call: exod keeps "
	    "none of the descriptors that came with the answers");
	exo_disconnect(a);
}

/* ---- 3: PROTECT naming a frame twice ---------------------------------- */

static void
test_protect(void)
{
	struct exo		*a;
	struct exo_frame	 f[2];
	struct exo_cap		 caps[3];

	a = th_connect(&exod, "protector");
	if (exo_frame_alloc_batch(a, f, 2) != 0)
		bail("two frames");
	caps[0] = f[0].cap;
	caps[1] = f[1].cap;
	caps[2] = f[0].cap;
	is_int(-EXO_EINVAL, exo_frame_protect(a, caps, 3, 1), "protect: a "
	    "frame named twice: EINVAL");
	/* -P 2: had the first two been protected, a third would not fit. */
	is_int(0, exo_frame_protect(a, caps, 2, 1), "protect: ... and nothing "
	    "was protected: both fit the minimum of 2 afterwards");
	is_int(-EXO_EINVAL, exo_frame_protect(a, caps, 3, 0), "protect: "
	    "clearing with a frame named twice: EINVAL too");
	exo_disconnect(a);
}

/* ---- 4: upcall ids after the channel filled ---------------------------- */

struct sink_report {
	uint32_t	got;		/* upcalls read this time */
	uint32_t	first, last;	/* their ids */
	uint32_t	gaps;		/* ids that did not follow the one before */
	uint64_t	vfirst, vlast;	/* their event values */
	uint32_t	vgaps;		/* values out of order */
};

/* A raw libOS that reads its channel only when told ("r"). */
static int
sink_main(int fd, void *arg)
{
	unsigned char		 buf[256];
	struct exo_upcall_event	 ev;
	struct sink_report	 rep;
	struct exo_hdr		 h;
	uint32_t		 id, prev = 0;
	uint64_t		 vprev = 0;
	int			 s, chan, n, first = 1;
	char			 c;

	(void)arg;
	signal(EXO_SIG_UPCALL, SIG_IGN);
	s = th_raw_connect(&exod);
	if ((id = raw_hello(s, "sink", &chan)) == 0)
		return 1;
	if (tp_send(fd, &id, sizeof id) != 0)
		return 2;
	while (tp_recv(fd, &c, 1, 60000) == 1 && c == 'r') {
		memset(&rep, 0, sizeof rep);
		while ((n = (int)recv(chan, buf, sizeof buf, MSG_DONTWAIT)) >=
		    (int)(sizeof h + sizeof ev)) {
			memcpy(&h, buf, sizeof h);
			memcpy(&ev, buf + sizeof h, sizeof ev);
			if (rep.got == 0) {
				rep.first = h.id;
				rep.vfirst = ev.value;
			}
			if (!first && h.id != prev + 1)
				rep.gaps++;
			if (!first && ev.value != vprev + 1)
				rep.vgaps++;
			prev = rep.last = h.id;
			vprev = rep.vlast = ev.value;
			first = 0;
			rep.got++;
		}
		if (tp_send(fd, &rep, sizeof rep) != 0)
			return 3;
	}
	close(chan);
	close(s);
	return 0;
}

static void
sink_read(struct tp_kid *k, struct sink_report *r)
{
	if (tp_send(k->fd, "r", 1) != 0 ||
	    tp_recv(k->fd, r, sizeof *r, TIMEOUT) != (int)sizeof *r)
		bail("the sink did not read");
}

static void
test_ids(void)
{
	struct sink_report	 r1, r2;
	struct tp_kid		 kid;
	struct exo		*a;
	uint32_t		 sink;
	uint64_t		 v, sent = 0;
	int			 rc = 0, status;

	a = th_connect(&exod, "sender");
	tp_kid_start(&kid, sink_main, NULL);
	if (tp_recv(kid.fd, &sink, sizeof sink, TIMEOUT) != (int)sizeof sink)
		bail("the sink did not start");
	/* Until the channel is full and the queue of 64 behind it too. */
	for (v = 1; v < 100000; v++) {
		if ((rc = exo_event_send(a, sink, v)) != 0)
			break;
		sent++;
	}
	is_int(-EXO_EOVERFLOW, rc, "ids: events to a libOS that does not "
	    "read fill its channel, then its queue: EOVERFLOW after %llu",
	    (unsigned long long)sent);
	sink_read(&kid, &r1);
	ok(r1.got > 0 && r1.got < sent, "ids: the channel held %u of them, "
	    "the rest wait in the queue", r1.got);
	is_int(0, r1.gaps, "ids: the upcalls read follow one another (%u to "
	    "%u)", r1.first, r1.last);
	/* One more event: exod writes what waited, then it. */
	is_int(0, exo_event_send(a, sink, v), "ids: an event once the "
	    "channel has room is taken");
	sent++;
	sink_read(&kid, &r2);
	is_int(r1.last + 1, r2.first, "ids: the first upcall after the wait "
	    "is the next id (%u after %u): none was spent on the upcalls "
	    "that did not fit", r2.first, r1.last);
	is_int(0, r2.gaps, "ids: ... and so on (%u to %u)", r2.first,
	    r2.last);
	is_int(sent, (long long)r1.got + r2.got, "ids: every event accepted "
	    "was delivered, once");
	ok(r1.vgaps == 0 && r2.vgaps == 0 && r2.vfirst == r1.vlast + 1,
	    "ids: in the order they were sent");
	(void)tp_send(kid.fd, "q", 1);
	status = tp_kid_wait(&kid, TIMEOUT);
	ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "ids: the sink exits 0 (status %#x)", status);
	exo_disconnect(a);
}

/* ---- 5: EBUSY after HELLO ---------------------------------------------- */

static void
test_ebusy(void)
{
	struct exo_hello	 hello;
	struct rlimit		 rl;
	unsigned char		 buf[256];
	struct exo_hdr		 h;
	int			*held, fds[8], s, n, i, nheld = 0, max;
	int			 refused = 0, reset = 0, rfd, badhdr = 0;
	int			 noend = 0;
	unsigned		 nfds, k;

	/* Enough descriptors to fill exod, whatever its limit. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	max = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 8192 ?
	    (int)rl.rlim_cur - 64 : 8192;
	if ((held = calloc((size_t)max, sizeof *held)) == NULL)
		bail("calloc");
	memset(&hello, 0, sizeof hello);
	/* Once exod is full, try again and again: the race is narrow. */
	for (i = 0; i < max && refused < EBUSY_TRIES && !reset; i++) {
		/*
		 * Every other refused client has its HELLO queued before exod
		 * accepts: exod is stopped while it connects and sends.
		 */
		if (refused % 2 == 1)
			kill(exod.pid, SIGSTOP);
		s = th_raw_connect(&exod);
		snprintf(hello.name, sizeof hello.name, "fill-%d", i);
		/* HELLO at once, before exod can even have accepted. */
		if (raw_send(s, EXO_MSG_HELLO, 1, &hello, sizeof hello, NULL,
		    0) != 0 && errno != EPIPE)
			sysbail("send HELLO");
		if (refused % 2 == 1)
			kill(exod.pid, SIGCONT);
		n = raw_recv(s, buf, sizeof buf, TIMEOUT, fds, &nfds);
		for (k = 0; k < nfds; k++)
			close(fds[k]);
		if (n == -1 && errno == ECONNRESET) {
			reset = 1;
			close(s);
			break;
		}
		if (n < (int)sizeof h)
			bail("connection %d: no reply (%d, %s)", i, n,
			    strerror(errno));
		memcpy(&h, buf, sizeof h);
		if (h.status == 0) {
			held[nheld++] = s;
			continue;
		}
		rfd = s;
		/* Refused at accept (id 0) or at its HELLO (its id, 1). */
		if (h.type != (EXO_MSG_HELLO | EXO_MSG_REPLY) ||
		    (h.id != 0 && h.id != 1) || h.len != 0 ||
		    h.status != -EXO_EBUSY)
			badhdr++;
		n = raw_recv(rfd, buf, sizeof buf, TIMEOUT, NULL, NULL);
		if (n != 0)
			noend++;
		close(rfd);
		refused++;
	}
	if (refused > 0) {
		is_int(0, badhdr, "ebusy: each of %d refused connections reads "
		    "a HELLO reply header of id 0 or 1 and status EBUSY", refused);
		is_int(0, noend, "ebusy: ... then the connection ends");
	}
	ok(!reset, "ebusy: a client that sent its HELLO first reads the "
	    "refusal, not ECONNRESET (%d peers, %d refusals)", nheld, refused);
	if (!refused && !reset)
		skip("ebusy: exod took %d peers without refusing one", nheld);
	for (i = 0; i < nheld; i++)
		close(held[i]);
	free(held);
}

int
main(void)
{
	plan_lazy();
	tp_watchdog(240);
	th_exod_start(&exod, "-P", "2", "-c", "5000", (char *)NULL);
	test_call();
	test_protect();
	test_ids();
	test_ebusy();
	ok(th_exod_stop(&exod) == 0, "exod stops cleanly");
	return tap_failures() != 0;
}
