/*
 * cpu-hostile.t - hostile libOSes on the CPU's surfaces.
 *
 * Slot capabilities: a libOS holding 4 slots of 8 releases forged and
 * altered capabilities (EXO_EBADCAP), another libOS's (EXO_ENOTOWNER),
 * stale ones after a release (EXO_ESTALE), mixed and doubled lists and a
 * frame's capability (all or nothing); malformed SLOT_CLAIMs (bad flags,
 * count 0, count > nslots, positions >= nslots, a count with BYPOS, wrong
 * sizes) get EXO_EINVAL or EXO_EPROTO.  After every one its slots, and the
 * other libOS's, are what they were.
 *
 * The upcall channel (exod -n 2 -q 20 -b 2): a libOS speaking the protocol
 * raw (it got its channel from its own HELLO) holds slot 0 and, for two
 * seconds, writes garbage on its channel while it runs: random and short
 * datagrams, bad versions and lengths, acknowledgements with wrong ticks
 * or sizes, forged call answers, descriptors, oversized datagrams; it
 * never reads its channel and never acknowledges.  exod keeps serving
 * (a NULL round trip answers throughout), never counts a forged
 * acknowledgement (every quantum of the garbage writer ends in an
 * overrun), the garbage writer holds the CPU no longer than the libOS in
 * the other slot and measures no more CPU time (within 15%; it may get
 * less: it pays for its overruns; the CPU times are compared only when
 * the host gave both at least 3/4 of that time on a CPU), and exod keeps
 * no descriptor it was sent.  A libOS that sends an empty
 * datagram (which reads as end-of-file) may be dropped; the others go on.
 *
 * A libOS that never reads its channel: events pile up in the channel,
 * then in exod's queue up to its bound of 64, then overflow; the senders
 * are told, the drops counted, exod stays responsive.  Once the libOS has
 * read its channel, new events must be accepted again; after it says WAIT
 * the queued ones arrive, in order, and the first after the gap carries
 * the number dropped.
 */
#define _GNU_SOURCE 1
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exo.h"
#include "cpuhelp.h"
#include "harness.h"
#include "tap.h"

static struct th_exod	d;

/* --- slot capabilities ------------------------------------------------ */

enum {
	K_MAC, K_ID, K_GEN, K_OWNER, K_RIGHTS, K_TYPE, K_FLAGS, K_ZERO,
	K_OTHERS, K_MIXED, K_DOUBLE, K_FRAME,
	K_RELEASE, K_AGAIN, K_RECLAIM, K_OLD, K_NEW,
	K_R_COUNT0, K_R_SHORT, K_R_HUGE, K_R_RESERVED,
	K_C_FLAG2, K_C_FLAGHI, K_C_COUNT0, K_C_OVER, K_C_HUGE, K_C_POSCOUNT,
	K_C_EMPTY, K_C_BIT8, K_C_BIT255, K_C_MIXED, K_C_SHORT, K_C_LONG,
	K_N
};

static const struct {
	const char	*what;
	int		 rc;		/* expected */
	int		 slots;		/* the hostile's slots after it */
} cases[K_N] = {
	[K_MAC] = { "a slot capability with its MAC altered", -EXO_EBADCAP, 4 },
	[K_ID] = { "one with its position changed", -EXO_EBADCAP, 4 },
	[K_GEN] = { "one with its generation moved on", -EXO_EBADCAP, 4 },
	[K_OWNER] = { "one made out to the other libOS", -EXO_EBADCAP, 4 },
	[K_RIGHTS] = { "one with its rights changed", -EXO_EBADCAP, 4 },
	[K_TYPE] = { "one retyped as a frame", -EXO_EBADCAP, 4 },
	[K_FLAGS] = { "one with flags set", -EXO_EBADCAP, 4 },
	[K_ZERO] = { "an all-zero capability", -EXO_EBADCAP, 4 },
	[K_OTHERS] = { "the other libOS's slot capability", -EXO_ENOTOWNER,
	    4 },
	[K_MIXED] = { "a valid one with a forged one: all or none",
	    -EXO_EBADCAP, 4 },
	[K_DOUBLE] = { "the same valid one twice", -EXO_EINVAL, 4 },
	[K_FRAME] = { "its own frame capability", -EXO_EINVAL, 4 },
	[K_RELEASE] = { "releasing a slot for real", 0, 3 },
	[K_AGAIN] = { "releasing it again: stale", -EXO_ESTALE, 3 },
	[K_RECLAIM] = { "claiming the same slot again", 0, 4 },
	[K_OLD] = { "the old capability for it: stale", -EXO_ESTALE, 4 },
	[K_NEW] = { "the new one checks (released and claimed back)", 0, 4 },
	[K_R_COUNT0] = { "SLOT_RELEASE count 0", -EXO_EINVAL, 4 },
	[K_R_SHORT] = { "SLOT_RELEASE count 2 with 1 capability",
	    -EXO_EPROTO, 4 },
	[K_R_HUGE] = { "SLOT_RELEASE count 300", -EXO_EINVAL, 4 },
	[K_R_RESERVED] = { "SLOT_RELEASE reserved set", -EXO_EINVAL, 4 },
	[K_C_FLAG2] = { "SLOT_CLAIM flags 0x2", -EXO_EINVAL, 4 },
	[K_C_FLAGHI] = { "SLOT_CLAIM flags 0x80000000", -EXO_EINVAL, 4 },
	[K_C_COUNT0] = { "SLOT_CLAIM count 0", -EXO_EINVAL, 4 },
	[K_C_OVER] = { "SLOT_CLAIM count 9 of 8", -EXO_EINVAL, 4 },
	[K_C_HUGE] = { "SLOT_CLAIM count 0xffffffff", -EXO_EINVAL, 4 },
	[K_C_POSCOUNT] = { "SLOT_CLAIM by position with a count",
	    -EXO_EINVAL, 4 },
	[K_C_EMPTY] = { "SLOT_CLAIM by position, no position", -EXO_EINVAL,
	    4 },
	[K_C_BIT8] = { "SLOT_CLAIM position 8 of 8", -EXO_EINVAL, 4 },
	[K_C_BIT255] = { "SLOT_CLAIM position 255", -EXO_EINVAL, 4 },
	[K_C_MIXED] = { "SLOT_CLAIM a free position and position 200",
	    -EXO_EINVAL, 4 },
	[K_C_SHORT] = { "SLOT_CLAIM of 39 bytes", -EXO_EPROTO, 4 },
	[K_C_LONG] = { "SLOT_CLAIM of 41 bytes", -EXO_EPROTO, 4 },
};

struct result {
	int	rc;
	int	slots;		/* the hostile's, after */
	int	others;		/* the other libOS's, after */
};

static int
slots_of(struct exo *e, uint32_t libos)
{
	struct exo_status	st;
	unsigned		i;
	int			n = -1;

	if (exo_status(e, &st) != 0)
		return (-1);
	for (i = 0; i < st.totals.npeers; i++)
		if (st.peers[i].libos == libos)
			n = (int)st.peers[i].slots;
	exo_status_free(&st);
	return (n);
}

static int
release_raw(struct exo *e, const struct exo_cap *caps, unsigned n,
    uint32_t count, uint32_t reserved)
{
	struct {
		struct exo_slot_release	hdr;
		struct exo_cap		caps[4];
	}	req;

	memset(&req, 0, sizeof req);
	req.hdr.count = count;
	req.hdr.reserved = reserved;
	memcpy(req.caps, caps, n * sizeof caps[0]);
	return (exo_request(e, EXO_MSG_SLOT_RELEASE, &req, sizeof req.hdr +
	    n * sizeof caps[0], NULL, 0, NULL, NULL, 0, NULL));
}

static int
claim_raw(struct exo *e, uint32_t count, uint32_t flags, int bit1, int bit2,
    size_t len)
{
	unsigned char		buf[sizeof(struct exo_slot_claim) + 8];
	struct exo_slot_claim	req;
	struct {
		struct exo_slot_claim_reply	hdr;
		struct exo_cap			caps[EXO_SLOTS_MAX];
	}			rep;
	size_t			rlen;
	int			rc;

	memset(&req, 0, sizeof req);
	req.count = count;
	req.flags = flags;
	if (bit1 >= 0)
		req.mask[bit1 / 64] |= 1ULL << (bit1 % 64);
	if (bit2 >= 0)
		req.mask[bit2 / 64] |= 1ULL << (bit2 % 64);
	memset(buf, 0, sizeof buf);
	memcpy(buf, &req, sizeof req);
	rc = exo_request(e, EXO_MSG_SLOT_CLAIM, buf, len, &rep, sizeof rep,
	    &rlen, NULL, 0, NULL);
	if (rc == 0 && rep.hdr.count > 0)	/* it took some: give back */
		exo_slot_release(e, rep.caps, rep.hdr.count);
	return (rc == 0 ? 99 : rc);	/* 99: it should not have worked */
}

/* The hostile libOS: every case, one result each, to fd. */
static void
hostile_slots(int fd, int others_fd, uint32_t other)
{
	struct exo_cap		 c[4], y[2], f, list[2], nc;
	struct exo_frame	 fr;
	struct exo_slots	 v;
	struct result		 r;
	struct exo		*e;
	unsigned		 n, i, pos;
	int			 k, free_pos = -1;

	if (exo_connect(d.sock, "hostile", &e) != 0)
		_exit(90);
	if (exo_slot_claim(e, 4, c, &n) != 0 || n != 4)
		_exit(91);
	if (read(others_fd, y, sizeof y) != sizeof y)
		_exit(92);
	if (exo_frame_alloc(e, &fr) != 0)
		_exit(93);
	if (exo_slots(e, &v) != 0)
		_exit(94);
	for (i = 0; i < v.vec.nslots; i++)
		if (v.owner[i] == 0 && free_pos == -1)
			free_pos = (int)i;
	exo_slots_free(&v);
	for (k = 0; k < K_N; k++) {
		f = c[0];
		switch (k) {
		case K_MAC:	f.mac[3] ^= 0x40; break;
		case K_ID:	f.id = c[1].id; break;
		case K_GEN:	f.gen++; break;
		case K_OWNER:	f.owner = other; break;
		case K_RIGHTS:	f.rights = EXO_RIGHT_READ; break;
		case K_TYPE:	f.type = EXO_RES_FRAME; break;
		case K_FLAGS:	f.flags = 1; break;
		case K_ZERO:	memset(&f, 0, sizeof f); break;
		case K_OTHERS:	f = y[0]; break;
		case K_FRAME:	f = fr.cap; break;
		}
		switch (k) {
		case K_MIXED:
			list[0] = c[1];
			list[1] = c[2];
			list[1].mac[0] ^= 1;
			r.rc = exo_slot_release(e, list, 2);
			break;
		case K_DOUBLE:
			list[0] = list[1] = c[1];
			r.rc = exo_slot_release(e, list, 2);
			break;
		case K_RELEASE:
		case K_AGAIN:
			r.rc = exo_slot_release(e, &c[0], 1);
			break;
		case K_RECLAIM:
			pos = (unsigned)c[0].id;
			r.rc = exo_slot_claim_at(e, &pos, 1, &nc);
			if (r.rc == 0 && nc.gen == c[0].gen)
				r.rc = 98;	/* the generation must move */
			break;
		case K_OLD:
			r.rc = exo_slot_release(e, &c[0], 1);
			break;
		case K_NEW:
			r.rc = exo_slot_release(e, &nc, 1);
			if (r.rc == 0) {
				pos = (unsigned)nc.id;
				r.rc = exo_slot_claim_at(e, &pos, 1, &nc);
			}
			break;
		case K_R_COUNT0:
			r.rc = release_raw(e, c, 1, 0, 0);
			break;
		case K_R_SHORT:
			r.rc = release_raw(e, &c[1], 1, 2, 0);
			break;
		case K_R_HUGE:
			r.rc = release_raw(e, &c[1], 1, 300, 0);
			break;
		case K_R_RESERVED:
			r.rc = release_raw(e, &c[1], 1, 1, 1);
			break;
		case K_C_FLAG2:
			r.rc = claim_raw(e, 1, 0x2, -1, -1, 40);
			break;
		case K_C_FLAGHI:
			r.rc = claim_raw(e, 1, 0x80000000U, -1, -1, 40);
			break;
		case K_C_COUNT0:
			r.rc = claim_raw(e, 0, 0, -1, -1, 40);
			break;
		case K_C_OVER:
			r.rc = claim_raw(e, 9, 0, -1, -1, 40);
			break;
		case K_C_HUGE:
			r.rc = claim_raw(e, 0xffffffffU, 0, -1, -1, 40);
			break;
		case K_C_POSCOUNT:
			r.rc = claim_raw(e, 1, EXO_SLOT_BYPOS, free_pos, -1,
			    40);
			break;
		case K_C_EMPTY:
			r.rc = claim_raw(e, 0, EXO_SLOT_BYPOS, -1, -1, 40);
			break;
		case K_C_BIT8:
			r.rc = claim_raw(e, 0, EXO_SLOT_BYPOS, 8, -1, 40);
			break;
		case K_C_BIT255:
			r.rc = claim_raw(e, 0, EXO_SLOT_BYPOS, 255, -1, 40);
			break;
		case K_C_MIXED:
			r.rc = claim_raw(e, 0, EXO_SLOT_BYPOS, free_pos, 200,
			    40);
			break;
		case K_C_SHORT:
			r.rc = claim_raw(e, 1, 0, -1, -1, 39);
			break;
		case K_C_LONG:
			r.rc = claim_raw(e, 1, 0, -1, -1, 41);
			break;
		default:
			r.rc = exo_slot_release(e, &f, 1);
			break;
		}
		r.slots = slots_of(e, exo_libos_id(e));
		r.others = slots_of(e, other);
		if (write(fd, &r, sizeof r) != sizeof r)
			_exit(95);
	}
	for (;;)
		pause();
}

/* The other libOS: 2 slots, its capabilities to fd, then it waits. */
static void
other_slots(int fd, int idfd)
{
	struct exo_cap	 y[2];
	struct exo	*e;
	uint32_t	 id;
	unsigned	 n;

	if (exo_connect(d.sock, "other", &e) != 0)
		_exit(90);
	id = exo_libos_id(e);
	if (write(idfd, &id, sizeof id) != sizeof id)
		_exit(91);
	if (exo_slot_claim(e, 2, y, &n) != 0 || n != 2)
		_exit(92);
	if (write(fd, y, sizeof y) != sizeof y)
		_exit(93);
	for (;;)
		pause();
}

static void
test_slot_caps(void)
{
	struct result	r;
	uint32_t	other;
	int		yx[2], res[2], idp[2], k, nfree, i;
	pid_t		y, x;
	struct exo_slots v;

	th_exod_start(&d, "-n", "8", "-q", "10", "-b", "2", (char *)NULL);
	if (pipe(yx) == -1 || pipe(res) == -1 || pipe(idp) == -1)
		sysbail("pipe");
	if ((y = ch_fork()) == 0)
		other_slots(yx[1], idp[1]);
	if (read(idp[0], &other, sizeof other) != sizeof other)
		bail("the other libOS did not start");
	if ((x = ch_fork()) == 0)
		hostile_slots(res[1], yx[0], other);
	close(res[1]);
	for (k = 0; k < K_N; k++) {
		memset(&r, 0, sizeof r);
		if (read(res[0], &r, sizeof r) != sizeof r) {
			ok(0, "%s: the hostile libOS died", cases[k].what);
			continue;
		}
		ok(r.rc == cases[k].rc && r.slots == cases[k].slots &&
		    r.others == 2, "%s: %s (%d); it holds %d slots, the other "
		    "2 (%d)", cases[k].what, cases[k].rc == 0 ? "done" :
		    exo_strerror(cases[k].rc), r.rc, r.slots, r.others);
	}
	nfree = -1;
	if (ch_slots(d.sock, &v) == 0) {
		for (i = 0, nfree = 0; i < (int)v.vec.nslots; i++)
			nfree += v.owner[i] == 0;
		exo_slots_free(&v);
	}
	is_int(2, nfree, "the vector: 6 of 8 slots bound, 2 free");
	kill(x, SIGKILL);
	kill(y, SIGKILL);
	ch_reap(x, 5000);
	ch_reap(y, 5000);
	close(res[0]);
	ok(th_exod_alive(&d), "exod alive");
	is_int(0, th_exod_stop(&d), "exod stops cleanly");
}

/* --- the upcall channel --------------------------------------------- */

#define GARBAGE_WINDOW_MS	2000
#define GARBAGE_LEAD_MS		800

struct garbage_report {
	uint64_t	win_cpu_ns;
	unsigned long	sent, refused;
	uint32_t	libos;
	int		claimed;
};

static uint64_t
cpu_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

/* One piece of garbage of kind k on the channel. */
static int
garbage(int chan, unsigned k, int *fds, unsigned seq)
{
	unsigned char		 buf[4096];
	struct exo_hdr		 h;
	struct exo_call_reply	 cr;
	struct msghdr		 msg;
	struct iovec		 iov;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(3 * sizeof(int))];
	}			 cbuf;
	struct cmsghdr		*c;
	uint64_t		 tick;
	size_t			 len, i;
	int			 nfds = 0;

	memset(&h, 0, sizeof h);
	h.version = EXO_PROTO_VERSION;
	h.id = seq;
	len = sizeof h;
	switch (k % 14) {
	case 0:		/* random bytes */
		len = 1 + (size_t)(random() % 200);
		for (i = 0; i < len; i++)
			buf[i] = (unsigned char)random();
		goto send;
	case 1:		/* short */
		len = 1 + (size_t)(random() % 15);
		memset(buf, 0xff, len);
		goto send;
	case 2:		/* another version */
		h.version = (uint16_t)(seq & 1 ? 0 : 2);
		h.type = EXO_UPCALL_TIMER | EXO_MSG_REPLY;
		h.len = 8;
		tick = 0;
		memcpy(buf + sizeof h, &tick, 8);
		len += 8;
		break;
	case 3:		/* the header lies about the length */
		h.type = EXO_UPCALL_TIMER | EXO_MSG_REPLY;
		h.len = 8;
		break;
	case 4:		/* an acknowledgement for a tick that is not now */
		h.type = EXO_UPCALL_TIMER | EXO_MSG_REPLY;
		h.len = 8;
		tick = seq % 3 == 0 ? 0 : seq % 3 == 1 ? UINT64_MAX :
		    ((uint64_t)random() << 32 | (uint64_t)random());
		memcpy(buf + sizeof h, &tick, 8);
		len += 8;
		break;
	case 5:		/* an acknowledgement of the wrong size */
		h.type = EXO_UPCALL_TIMER | EXO_MSG_REPLY;
		h.len = seq & 1 ? 7 : 9;
		memset(buf + sizeof h, 0, h.len);
		len += h.len;
		break;
	case 6:		/* upcall types sent back */
		h.type = seq & 1 ? EXO_UPCALL_TIMER : EXO_UPCALL_EVENT;
		h.len = 16;
		memset(buf + sizeof h, 0, 16);
		len += 16;
		break;
	case 7:		/* an answer to a call nobody made */
		h.type = EXO_UPCALL_CALL | EXO_MSG_REPLY;
		cr.status = 0;
		cr.len = 4;
		memcpy(buf + sizeof h, &cr, sizeof cr);
		memcpy(buf + sizeof h + sizeof cr, "evil", 4);
		h.len = sizeof cr + 4;
		len += h.len;
		break;
	case 8:		/* call answers with lying lengths */
		h.type = EXO_UPCALL_CALL | EXO_MSG_REPLY;
		cr.status = seq & 2 ? 5 : 0;
		cr.len = seq & 1 ? EXO_CALL_MAX + 1 : 100;
		memcpy(buf + sizeof h, &cr, sizeof cr);
		h.len = sizeof cr + 4;
		len += h.len;
		break;
	case 9:		/* WAIT with a payload */
		h.type = EXO_UPCALL_WAIT;
		h.len = 4;
		len += 4;
		break;
	case 10:	/* types that do not exist */
		h.type = (uint16_t)(seq & 1 ? 0xffff : 0);
		break;
	case 11:	/* descriptors */
		h.type = EXO_UPCALL_TIMER | EXO_MSG_REPLY;
		h.len = 8;
		memset(buf + sizeof h, 0, 8);
		len += 8;
		nfds = 1 + (int)(seq % 3);
		break;
	case 12:	/* oversized */
		h.type = EXO_UPCALL_CALL | EXO_MSG_REPLY;
		h.len = sizeof buf - sizeof h;
		memset(buf + sizeof h, 0x5a, h.len);
		len = sizeof buf;
		break;
	case 13:	/* a request type on the channel */
		h.type = EXO_MSG_SLOT_CLAIM;
		h.len = 0;
		break;
	}
	memcpy(buf, &h, sizeof h);
send:
	iov.iov_base = buf;
	iov.iov_len = len;
	memset(&msg, 0, sizeof msg);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (nfds > 0) {
		memset(&cbuf, 0, sizeof cbuf);
		msg.msg_control = cbuf.buf;
		msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
	}
	return (sendmsg(chan, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) == -1 ?
	    -1 : 0);
}

/* The garbage writer: claims slot 0, then writes garbage while it runs. */
static void
garbage_writer(int fd, uint64_t t1, uint64_t t2)
{
	struct garbage_report	rep;
	struct exo_slot_claim	req;
	struct exo_hdr		h;
	uint64_t		now, last = 0, cpu1 = 0, cpu2 = 0;
	unsigned		seq = 0;
	int			s, fds[3], gfds[3], p[2];

	signal(EXO_SIG_UPCALL, SIG_IGN);	/* no libexo here */
	memset(&rep, 0, sizeof rep);
	s = th_raw_connect(&d);
	if (ch_raw_hello(s, "garbage", &rep.libos, fds) != 0)
		_exit(90);
	if (pipe(p) == -1)
		_exit(91);
	if (write(fd, &rep.libos, sizeof rep.libos) != sizeof rep.libos)
		_exit(94);
	gfds[0] = fds[1];	/* its exposed state */
	gfds[1] = p[0];
	gfds[2] = open("/dev/null", O_RDONLY);
	memset(&req, 0, sizeof req);
	req.flags = EXO_SLOT_BYPOS;
	req.mask[0] = 1;
	if (ch_raw_request(s, EXO_MSG_SLOT_CLAIM, 2, &req, sizeof req) != 0 ||
	    ch_raw_reply(s, &h, NULL, 0, 10000) < 0)
		_exit(92);
	rep.claimed = h.status == 0;
	srandom(1);
	while ((now = ch_now()) < t2 + CH_MS) {
		if (cpu1 == 0 && now >= t1)
			cpu1 = cpu_now();
		if (now - last < 100000)	/* one every 100 us */
			continue;
		last = now;
		if (garbage(fds[0], seq, gfds, seq) == 0)
			rep.sent++;
		else
			rep.refused++;
		seq++;
	}
	cpu2 = cpu_now();
	rep.win_cpu_ns = cpu2 - cpu1;
	if (write(fd, &rep, sizeof rep) != sizeof rep)
		_exit(93);
	for (;;)
		pause();
}

static int
exod_fds_settled(void)
{
	int	n, last = th_count_fds(d.pid), i;

	for (i = 0; i < 100; i++) {
		ch_sleep_ms(30);
		n = th_count_fds(d.pid);
		if (n == last && i >= 5)
			break;
		last = n;
	}
	return (last);
}

static void
test_channel_garbage(void)
{
	struct garbage_report	 rep;
	struct exo_status_peer	 gs, g0, g1, b0, b1;
	struct exo		*t;
	struct lc		 b;
	uint64_t		 t1, t2, v, b_cpu = 0, lat[64], x;
	uint64_t		 held_g, held_b;
	char			 win[64], dur[16];
	double			 ratio, eff_g, eff_b;
	int			 base, p[2], i, n, answered, rc, st;
	pid_t			 g;

	th_exod_start(&d, "-n", "2", "-q", "20", "-b", "2", (char *)NULL);
	base = exod_fds_settled();
	t = th_connect(&d, "prober");
	t1 = ch_now() + GARBAGE_LEAD_MS * CH_MS;
	t2 = t1 + GARBAGE_WINDOW_MS * CH_MS;
	snprintf(win, sizeof win, "%llu,%llu", (unsigned long long)t1,
	    (unsigned long long)t2);
	snprintf(dur, sizeof dur, "%d", GARBAGE_LEAD_MS + GARBAGE_WINDOW_MS +
	    500);
	lc_spawn(&b, d.sock, "-n", "bystander", "-a", "1", "-d", dur, "-t",
	    win, (char *)NULL);
	if (!lc_claimed(&b, 10000))
		bail("the bystander did not claim slot 1");
	if (pipe(p) == -1)
		sysbail("pipe");
	if ((g = ch_fork()) == 0)
		garbage_writer(p[1], t1, t2);
	close(p[1]);
	if (read(p[0], &rep.libos, sizeof rep.libos) != sizeof rep.libos)
		bail("the garbage writer did not start");

	/* exod answers throughout. */
	memset(&g0, 0, sizeof g0);
	memset(&g1, 0, sizeof g1);
	memset(&b0, 0, sizeof b0);
	memset(&b1, 0, sizeof b1);
	ch_sleep_until(t1);
	st = ch_status_of(d.sock, rep.libos, &g0) == 1 &&
	    ch_status_of(d.sock, b.libos, &b0) == 1;
	for (i = 0, answered = 0; i < 40; i++) {
		x = ch_now();
		if (exo_null(t) == 0)
			lat[answered++] = ch_now() - x;
		ch_sleep_ms(GARBAGE_WINDOW_MS / 40 - 2);
	}
	ch_sleep_until(t2);
	st = st && ch_status_of(d.sock, rep.libos, &g1) == 1 &&
	    ch_status_of(d.sock, b.libos, &b1) == 1;
	is_int(40, answered, "under the garbage, every NULL round trip "
	    "answered");
	qsort(lat, (size_t)answered, sizeof lat[0], ch_cmp_i64);
	if (answered > 0)
		diag("NULL round trip under the garbage: median %.3f ms, "
		    "worst %.3f ms", lat[answered / 2] / 1e6,
		    lat[answered - 1] / 1e6);
	n = (int)read(p[0], &rep, sizeof rep);
	ok(n == (int)sizeof rep && rep.claimed, "the garbage writer held "
	    "slot 0 and wrote %lu datagrams (%lu refused: channel full)",
	    n == (int)sizeof rep ? rep.sent : 0,
	    n == (int)sizeof rep ? rep.refused : 0);
	lc_finish(&b, 20000);
	if (ch_field(b.last, "win_cpu_ns", &v))
		b_cpu = v;
	rc = ch_status_of(d.sock, rep.libos, &gs);
	ok(rc == 1 && gs.slots == 1, "it is still connected, still holding "
	    "its slot");
	diag("garbage writer: %llu quanta, %llu overruns",
	    rc == 1 ? (unsigned long long)gs.quanta : 0ULL,
	    rc == 1 ? (unsigned long long)gs.overruns : 0ULL);
	ok(rc == 1 && gs.quanta >= 20 && gs.overruns * 10 >= gs.quanta * 9,
	    "no forged acknowledgement counted: its quanta end in overruns");
	held_g = g1.cpu_ns - g0.cpu_ns;
	held_b = b1.cpu_ns - b0.cpu_ns;
	ratio = st && held_b > 0 ? (double)held_g / (double)held_b : 9;
	ok(ratio <= 1.15, "over the same %d ms exod gave it the CPU %.1f ms, "
	    "the bystander %.1f ms: %.3f, no more than 1 + 15%%",
	    GARBAGE_WINDOW_MS, held_g / 1e6, held_b / 1e6, ratio);
	eff_g = held_g > 0 ? (double)rep.win_cpu_ns / (double)held_g : 0;
	eff_b = held_b > 0 ? (double)b_cpu / (double)held_b : 0;
	ratio = b_cpu > 0 ? (double)rep.win_cpu_ns / (double)b_cpu : 9;
	if (eff_g < 0.75 || eff_b < 0.75)
		skip("the host gave them only %.0f%% and %.0f%% of that time "
		    "on a CPU: too loaded to compare CPU times (%.3f)",
		    eff_g * 100, eff_b * 100, ratio);
	else
		ok(ratio <= 1.15, "it measured %.1f ms of CPU, the bystander "
		    "%.1f ms: %.3f, no more than 1 + 15%%",
		    rep.win_cpu_ns / 1e6, b_cpu / 1e6, ratio);
	ok(exo_null(t) == 0, "exod answers");

	/* Its descriptors: kept none it was sent; all back once it goes. */
	kill(g, SIGKILL);
	ch_reap(g, 5000);
	exo_disconnect(t);
	for (i = 0; i < 200 && th_count_fds(d.pid) != base; i++)
		ch_sleep_ms(25);
	is_int(base, th_count_fds(d.pid), "exod's descriptors back to %d",
	    base);
	ok(th_exod_alive(&d), "exod alive");
	is_int(0, th_exod_stop(&d), "exod stops cleanly");
}

/* An empty datagram on the channel is EOF to exod: what then? */
static void
test_empty_datagram(void)
{
	struct lc	b;
	uint32_t	id;
	int		s, fds[3], i, gone;
	struct exo_status_peer sp0, sp1;

	th_exod_start(&d, "-n", "2", "-q", "10", "-b", "2", (char *)NULL);
	lc_spawn(&b, d.sock, "-n", "bystander", "-a", "1", "-d", "600000",
	    (char *)NULL);
	if (!lc_claimed(&b, 10000))
		bail("the bystander did not claim slot 1");
	s = th_raw_connect(&d);
	if (ch_raw_hello(s, "empty", &id, fds) != 0)
		bail("raw HELLO");
	ok(send(fds[0], "", 0, MSG_DONTWAIT | MSG_NOSIGNAL) == 0,
	    "a libOS sends an empty datagram on its channel");
	for (i = 0, gone = 0; i < 100; i++) {
		if (ch_status_of(d.sock, id, NULL) == 0) {
			gone = 1;
			break;
		}
		ch_sleep_ms(10);
	}
	diag("exod %s the libOS that sent it", gone ? "dropped" : "kept");
	ch_status_of(d.sock, b.libos, &sp0);
	ch_sleep_ms(300);
	ch_status_of(d.sock, b.libos, &sp1);
	ok(sp1.quanta > sp0.quanta, "the other libOS keeps getting its "
	    "quanta (%llu in 300 ms)", (unsigned long long)(sp1.quanta -
	    sp0.quanta));
	for (i = 0; i < 3; i++)
		close(fds[i]);
	close(s);
	lc_kill(&b);
	ok(th_exod_alive(&d), "exod alive");
	is_int(0, th_exod_stop(&d), "exod stops cleanly");
}

/* --- a libOS that never reads its channel --------------------------- */

struct chan_event {
	uint64_t	value;
	uint32_t	dropped;
};

/* Read every event waiting on the channel (in order) into evs. */
static int
drain(int chan, struct chan_event *evs, int max)
{
	unsigned char		 buf[EXO_MSG_MAX];
	struct exo_upcall_event	 u;
	struct exo_hdr		 h;
	ssize_t			 n;
	int			 k = 0;

	while ((n = recv(chan, buf, sizeof buf, MSG_DONTWAIT)) > 0) {
		if ((size_t)n != sizeof h + sizeof u)
			continue;
		memcpy(&h, buf, sizeof h);
		if (h.type != EXO_UPCALL_EVENT)
			continue;
		memcpy(&u, buf + sizeof h, sizeof u);
		if (k < max) {
			evs[k].value = u.value;
			evs[k].dropped = u.dropped;
		}
		k++;
	}
	return (k);
}

static int
in_order(const struct chan_event *evs, int n, uint64_t first)
{
	int	i;

	for (i = 0; i < n; i++)
		if (evs[i].value != first + (uint64_t)i)
			return (0);
	return (1);
}

static void
test_never_reads(void)
{
	static struct chan_event evs[100000];
	struct exo_status_peer	 sp;
	struct exo_hdr		 h;
	struct exo		*s;
	uint64_t		 value = 1, x, worst = 0, late;
	uint32_t		 id;
	long			 sent_ok = 0, overflowed = 0, i, told;
	int			 r, fds[3], n, k, rc, all_over, want, teller;

	th_exod_start(&d, "-n", "2", "-q", "10", "-b", "2", (char *)NULL);
	s = th_connect(&d, "sender");	/* and EXO_SIG_UPCALL handled */
	r = th_raw_connect(&d);
	if (ch_raw_hello(r, "deaf", &id, fds) != 0)
		bail("raw HELLO");

	/* Until the first overflow. */
	for (i = 0; i < 200000; i++) {
		rc = exo_event_send(s, id, value++);
		if (rc == 0)
			sent_ok++;
		else
			break;
	}
	is_int(-EXO_EOVERFLOW, rc, "events for a libOS that never reads pile "
	    "up, then overflow (after %ld)", sent_ok);
	overflowed = 1;
	rc = ch_status_of(d.sock, id, &sp);
	is_int(64, rc == 1 ? (long long)sp.events_queued : -1, "exod's queue "
	    "holds its bound of 64, the rest wait in the channel");
	ok(rc == 1 && (long)sp.events == sent_ok - 64, "%ld were written to "
	    "the channel", sent_ok - 64);
	for (i = 0, all_over = 1; i < 1000; i++) {
		x = ch_now();
		if (exo_event_send(s, id, value++) != -EXO_EOVERFLOW)
			all_over = 0;
		else
			overflowed++;
		if (ch_now() - x > worst)
			worst = ch_now() - x;
	}
	ok(all_over, "1000 more: each is refused with EXO_EOVERFLOW, at once "
	    "(the slowest in %.3f ms)", worst / 1e6);
	rc = ch_status_of(d.sock, id, &sp);
	ok(rc == 1 && (long)sp.events_dropped == overflowed, "STATUS counts "
	    "%ld dropped (%lld)", overflowed, rc == 1 ?
	    (long long)sp.events_dropped : -1LL);
	ok(exo_null(s) == 0, "exod stays responsive");

	/* It reads its channel: what was written, in order. */
	n = drain(fds[0], evs, (int)(sizeof evs / sizeof evs[0]));
	ok(n == sent_ok - 64 && in_order(evs, n, 1), "reading its channel it "
	    "finds the %d written, in order", n);
	late = value++;
	rc = exo_event_send(s, id, late);
	ok(rc == 0, "with its channel read, a new event is accepted again "
	    "(%s)", exo_strerror(rc));
	want = 64 + (rc == 0);
	if (rc != 0)
		overflowed++;
	/* It says WAIT: the queued ones come, then the gap is told. */
	memset(&h, 0, sizeof h);
	h.version = EXO_PROTO_VERSION;
	h.type = EXO_UPCALL_WAIT;
	ok(send(fds[0], &h, sizeof h, MSG_NOSIGNAL) == sizeof h, "it says "
	    "WAIT on its channel");
	for (i = 0, n = 0; i < 200 && n < want; i++) {
		ch_sleep_ms(10);
		n += drain(fds[0], evs + n, want - n);
	}
	ok(n == want && in_order(evs, 64, (uint64_t)sent_ok - 64 + 1) &&
	    (want == 64 || evs[64].value == late), "the 64 queued arrive, in "
	    "order, %s(%d)", want > 64 ? "then the new one " : "", n);
	is_int(0, exo_event_send(s, id, 424242), "a new event is accepted");
	for (i = 0, k = 0; i < 200 && k < 1; i++) {
		ch_sleep_ms(10);
		k = drain(fds[0], evs + n, 1);
	}
	n += k;
	/* Exactly one, the first queued after the gap, tells of it. */
	for (i = 0, told = 0, teller = -1; i < n; i++) {
		told += evs[i].dropped;
		if (evs[i].dropped != 0 && teller == -1)
			teller = (int)i;
	}
	ok(k == 1 && evs[n - 1].value == 424242 && told == overflowed &&
	    teller == 64, "the first event queued after the drops, and only "
	    "it, says %ld were dropped (%ld)", overflowed, told);
	rc = ch_status_of(d.sock, id, &sp);
	ok(rc == 1 && (long)sp.events_dropped == overflowed &&
	    sp.events_queued == 0, "STATUS: %ld dropped, none queued",
	    overflowed);

	for (i = 0; i < 3; i++)
		close(fds[i]);
	close(r);
	exo_disconnect(s);
	ok(th_exod_alive(&d), "exod alive");
	is_int(0, th_exod_stop(&d), "exod stops cleanly");
}

int
main(void)
{
	plan(K_N + 3 + 10 + 4 + 15);
	test_slot_caps();
	test_channel_garbage();
	test_empty_datagram();
	test_never_reads();
	return (0);
}
