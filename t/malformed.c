/*
 * malformed.t - exod against peers that break the protocol or misbehave.
 *
 * Every bad datagram must get exactly the reply exo-protocol(7) names
 * (type, id and status), must never close the connection and must never
 * disturb another peer.  Then the peers that do not read their replies,
 * that disconnect mid-stream, that come and go by the hundred, and the
 * 1,025th libOS (exod serves 1,024, exod(8)): its HELLO is refused with
 * EBUSY and its connection closed, while a control connection still gets
 * in; exod stays responsive and its descriptors and memory come back to
 * where they were.
 */
#define _GNU_SOURCE 1
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exo.h"
#include "harness.h"
#include "tap.h"

#define NFRAMES		256
#define TIMEOUT		10000	/* ms: only a guard against a hung exod */
#define NSPAM		2000
#define MAXPEERS	1024	/* libOSes exod serves at once */

static struct th_exod	exod;
static unsigned char	rbuf[EXO_MSG_MAX + 4096];

/*
 * Descriptors a successful HELLO reply carries (a libOS's upcall channel,
 * its exposed state) belong to the connection: exod may take their
 * closing for the libOS going away, so they are kept until the
 * connection itself is closed with xclose().
 */
#define KEPT_MAX	2048
static struct {
	int	sock;
	int	fd;
}			kept[KEPT_MAX];
static int		nkept;

/* Send header + payload as one datagram, with descriptors if nfds > 0. */
static int
xsend(int s, uint16_t version, uint16_t type, uint32_t id, uint32_t len,
    int32_t status, const void *pay, size_t paylen, const int *fds, int nfds)
{
	static unsigned char	 buf[EXO_MSG_MAX + 4096];
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(8 * sizeof(int))];
	} cbuf;
	struct exo_hdr		 h;
	struct msghdr		 msg;
	struct cmsghdr		*cmsg;
	struct iovec		 iov;
	ssize_t			 n;

	if (paylen > sizeof buf - sizeof h || nfds > 8)
		bail("xsend: too big");
	h.version = version;
	h.type = type;
	h.id = id;
	h.len = len;
	h.status = status;
	memcpy(buf, &h, sizeof h);
	if (paylen > 0)
		memcpy(buf + sizeof h, pay, paylen);
	iov.iov_base = buf;
	iov.iov_len = sizeof h + paylen;
	memset(&msg, 0, sizeof msg);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (nfds > 0) {
		memset(&cbuf, 0, sizeof cbuf);
		msg.msg_control = cbuf.buf;
		msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(cmsg), fds, nfds * sizeof(int));
	}
	n = sendmsg(s, &msg, MSG_NOSIGNAL);
	return n == (ssize_t)(sizeof h + paylen) ? 0 : -1;
}

/* Close a raw connection and the descriptors its HELLO brought. */
static void
xclose(int s)
{
	int	i, j;

	close(s);
	for (i = j = 0; i < nkept; i++) {
		if (kept[i].sock == s)
			close(kept[i].fd);
		else
			kept[j++] = kept[i];
	}
	nkept = j;
}

/* A raw datagram of exactly these bytes. */
static int
xsend_bytes(int s, const void *p, size_t n)
{
	return th_raw_send(s, p, n) == (int)n ? 0 : -1;
}

/*
 * Receive one datagram into rbuf; count the descriptors that came with
 * it and close them, but for those of a successful HELLO reply, which
 * are kept with the connection.  Returns bytes, 0 at EOF, -1 on timeout
 * or error.
 */
static int
xrecv(int s, int *nfds, int timeout)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(EXO_BATCH_MAX * sizeof(int))];
	} cbuf;
	struct pollfd	 pfd = { s, POLLIN, 0 };
	struct exo_hdr	 h;
	struct msghdr	 msg;
	struct cmsghdr	*cmsg;
	struct iovec	 iov;
	ssize_t		 n;
	int		 i, k, keep, *fds;

	*nfds = 0;
	if (poll(&pfd, 1, timeout) <= 0)
		return -1;
	iov.iov_base = rbuf;
	iov.iov_len = sizeof rbuf;
	memset(&msg, 0, sizeof msg);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof cbuf.buf;
	n = recvmsg(s, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n == -1)
		return -1;
	if ((size_t)n >= sizeof h)
		memcpy(&h, rbuf, sizeof h);
	else
		memset(&h, 0, sizeof h);
	keep = h.type == (EXO_MSG_HELLO | EXO_MSG_REPLY) && h.status == 0;
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL;
	    cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		fds = (int *)CMSG_DATA(cmsg);
		k = (int)((cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (i = 0; i < k; i++) {
			if (keep && nkept < KEPT_MAX) {
				kept[nkept].sock = s;
				kept[nkept++].fd = fds[i];
			} else
				close(fds[i]);
		}
		*nfds += k;
	}
	return (int)n;
}

/*
 * Receive one reply and check it is exactly {version 1, type, id, len,
 * status} with no descriptors; say what differs.  Returns 1 if it is.
 */
static int
expect(int s, uint16_t type, uint32_t id, int32_t status, uint32_t len)
{
	struct exo_hdr	h;
	int		n, nfds, good;

	n = xrecv(s, &nfds, TIMEOUT);
	if (n < 0) {
		diag("no reply: %s", strerror(errno));
		return 0;
	}
	if (n == 0) {
		diag("exod closed the connection");
		return 0;
	}
	if ((size_t)n < sizeof h) {
		diag("reply of %d bytes", n);
		return 0;
	}
	memcpy(&h, rbuf, sizeof h);
	good = h.version == EXO_PROTO_VERSION && h.type == type &&
	    h.id == id && h.status == status && h.len == len &&
	    (size_t)n == sizeof h + len && nfds == 0;
	if (!good)
		diag("reply {version %u type %#x id %u len %u status %d (%s)}"
		    " %d bytes %d fds; wanted {1 %#x %u %u %d (%s)}",
		    h.version, h.type, h.id, h.len, h.status,
		    exo_strerror(h.status), n, nfds, type, id, len, status,
		    exo_strerror(status));
	return good;
}

/* Send a request, expect an error reply (len 0) echoing id. */
static int
bad(int s, uint16_t version, uint16_t type, uint32_t id, uint32_t len,
    int32_t status, const void *pay, size_t paylen, uint16_t rtype,
    int32_t rstatus)
{
	if (xsend(s, version, type, id, len, status, pay, paylen, NULL, 0)) {
		diag("send: %s", strerror(errno));
		return 0;
	}
	return expect(s, rtype, id, rstatus, 0);
}

/* A well-formed request of type with payload; expect reply status. */
#define REQ(s, type, id, pay, n, rstatus)				\
	bad((s), EXO_PROTO_VERSION, (type), (id), (uint32_t)(n), 0,	\
	    (pay), (n), (uint16_t)((type) | EXO_MSG_REPLY), (rstatus))

/* HELLO with the given fields; returns the reply status (or 1 on no reply). */
static int
hello(int s, uint32_t flags, uint32_t reserved, const void *name, size_t nlen)
{
	struct exo_hello	h;
	struct exo_hdr		rh;
	int			n, nfds;

	memset(&h, 0, sizeof h);
	h.flags = flags;
	h.reserved = reserved;
	memcpy(h.name, name, nlen > sizeof h.name ? sizeof h.name : nlen);
	if (xsend(s, EXO_PROTO_VERSION, EXO_MSG_HELLO, 9, sizeof h, 0, &h,
	    sizeof h, NULL, 0))
		return 1;
	n = xrecv(s, &nfds, TIMEOUT);
	if (n < (int)sizeof rh)
		return 1;
	memcpy(&rh, rbuf, sizeof rh);
	if (rh.type != (EXO_MSG_HELLO | EXO_MSG_REPLY) || rh.id != 9)
		return 1;
	if (rh.status == 0 && (rh.len != sizeof(struct exo_hello_reply) ||
	    n != (int)(sizeof rh + rh.len)))
		return 1;
	if (rh.status != 0 && (rh.len != 0 || n != (int)sizeof rh))
		return 1;
	return rh.status;
}

/* A raw connection that has said HELLO as a libOS called name. */
static int
raw_libos(const char *name)
{
	int	s, rc;

	s = th_raw_connect(&exod);
	if ((rc = hello(s, 0, 0, name, strlen(name) + 1)) != 0)
		bail("HELLO as %s: %d %s", name, rc, exo_strerror(rc));
	return s;
}

static void
test_before_hello(int s)
{
	static const char	*badnames[] = {
		"", "a b", "tab\there", "del\x7f", "ctl\x01", "high\x80",
		"new\nline",
	};
	struct exo_frame_alloc	 fa = { 1, 0 };
	struct exo_hello	 h;
	char			 name[EXO_NAME_MAX + 1];
	unsigned char		 one = 0x42;
	int			 devnull, i, n, nbad;

	ok(xsend_bytes(s, &one, 1) == 0 &&
	    expect(s, EXO_MSG_REPLY, 0, -EXO_EPROTO, 0),
	    "1-byte datagram: EPROTO, id 0, type 0x8000");
	{
		unsigned char b15[15];
		struct exo_hdr h15 = { 1, EXO_MSG_NULL, 5, 0, 0 };

		memcpy(b15, &h15, sizeof b15);
		ok(xsend_bytes(s, b15, sizeof b15) == 0 &&
		    expect(s, EXO_MSG_REPLY, 0, -EXO_EPROTO, 0),
		    "15-byte datagram: EPROTO, id 0, type 0x8000");
	}
	ok(bad(s, 2, EXO_MSG_NULL, 11, 0, 0, NULL, 0, 0x8002, -EXO_EVERSION),
	    "version 2 before HELLO: EVERSION (before ESTATE)");
	ok(REQ(s, EXO_MSG_NULL, 12, NULL, 0, -EXO_ESTATE),
	    "NULL before HELLO: ESTATE");
	ok(REQ(s, EXO_MSG_STATUS, 13, NULL, 0, -EXO_ESTATE),
	    "STATUS before HELLO: ESTATE");
	ok(REQ(s, EXO_MSG_FRAME_ALLOC, 14, &fa, sizeof fa, -EXO_ESTATE),
	    "FRAME_ALLOC before HELLO: ESTATE, no descriptors");
	ok(REQ(s, 99, 15, NULL, 0, -EXO_ENOSYS),
	    "unknown type before HELLO: ENOSYS (before ESTATE)");
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ok(xsend(s, 1, EXO_MSG_NULL, 16, 0, 0, NULL, 0, &devnull, 1) == 0 &&
	    expect(s, EXO_MSG_NULL | EXO_MSG_REPLY, 16, -EXO_EPROTO, 0),
	    "descriptor attached before HELLO: EPROTO (before ESTATE)");
	close(devnull);

	nbad = 0;
	for (i = 0; i < (int)(sizeof badnames / sizeof badnames[0]); i++) {
		n = hello(s, 0, 0, badnames[i], strlen(badnames[i]) + 1);
		if (n != -EXO_EINVAL) {
			diag("HELLO name #%d: %d (%s)", i, n, exo_strerror(n));
			nbad++;
		}
	}
	is_int(0, nbad, "HELLO with empty or non-printable names: EINVAL");
	memset(name, 'x', sizeof name);
	is_int(-EXO_EINVAL, hello(s, 0, 0, name, EXO_NAME_MAX),
	    "HELLO with a 32-byte name, no NUL: EINVAL");
	is_int(-EXO_EINVAL, hello(s, 2, 0, "ok", 3), "HELLO flags 2: EINVAL");
	is_int(-EXO_EINVAL, hello(s, 0x80000001u, 0, "ok", 3),
	    "HELLO flags 0x80000001: EINVAL");
	is_int(-EXO_EINVAL, hello(s, 0, 1, "ok", 3), "HELLO reserved 1: EINVAL");

	memset(&h, 0, sizeof h);
	strcpy(h.name, "short");
	ok(REQ(s, EXO_MSG_HELLO, 17, &h, sizeof h - 1, -EXO_EPROTO),
	    "HELLO payload of 39 bytes: EPROTO");
	{
		unsigned char big[sizeof h + 1];

		memset(big, 0, sizeof big);
		memcpy(big, &h, sizeof h);
		ok(REQ(s, EXO_MSG_HELLO, 18, big, sizeof big, -EXO_EPROTO),
		    "HELLO payload of 41 bytes: EPROTO");
	}
	ok(REQ(s, EXO_MSG_HELLO, 19, NULL, 0, -EXO_EPROTO),
	    "HELLO with no payload: EPROTO");

	/* After all that the connection is fine and says HELLO properly. */
	memset(name, 0, sizeof name);
	memset(name, '~', EXO_NAME_MAX - 1);
	name[0] = '!';
	is_int(0, hello(s, 0, 0, name, EXO_NAME_MAX),
	    "then HELLO with a 31-character name (0x21..0x7e) succeeds");
}

static void
test_after_hello(int s)
{
	static unsigned char	 big[EXO_MSG_MAX + 200];
	struct exo_frame_alloc	 fa;
	struct exo_cap_check	 cc;
	unsigned char		 buf[8 + 3 * sizeof(struct exo_cap)];
	struct exo_frame_free	 ff;
	uint32_t		 w4 = 0;
	int			 sndbuf = 1 << 20;

	is_int(-EXO_ESTATE, hello(s, 0, 0, "again", 6), "HELLO twice: ESTATE");

	ok(bad(s, 1, EXO_MSG_NULL, 21, 4, 0, NULL, 0, 0x8002, -EXO_EPROTO),
	    "header only, len 4: EPROTO, id echoed");
	ok(bad(s, 1, EXO_MSG_NULL, 22, 0, 0, &w4, 4, 0x8002, -EXO_EPROTO),
	    "len 0 with 4 payload bytes: EPROTO");
	ok(bad(s, 1, EXO_MSG_NULL, 23, 0xffffffffu, 0, NULL, 0, 0x8002,
	    -EXO_EPROTO), "len 0xffffffff: EPROTO");
	ok(bad(s, 1, EXO_MSG_FRAME_FREE, 24, 48, 0, big, 8, 0x8005,
	    -EXO_EPROTO), "FRAME_FREE claiming 48 bytes, carrying 8: EPROTO");

	setsockopt(s, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
	memset(big, 0, sizeof big);
	ok(bad(s, 1, EXO_MSG_NULL, 25, EXO_MSG_MAX + 100 - 16, 0, big,
	    EXO_MSG_MAX + 100 - 16, 0x8002, -EXO_EPROTO),
	    "oversized datagram (EXO_MSG_MAX+100): EPROTO, id echoed");
	ok(bad(s, 1, EXO_MSG_FRAME_FREE, 26, EXO_MSG_MAX + 1 - 16, 0, big,
	    EXO_MSG_MAX + 1 - 16, 0x8005, -EXO_EPROTO),
	    "datagram of EXO_MSG_MAX+1 bytes: EPROTO");
	ok(bad(s, 1, EXO_MSG_STATUS, 27, EXO_MSG_MAX - 16, 0, big,
	    EXO_MSG_MAX - 16, 0x8006, -EXO_EPROTO),
	    "datagram of exactly EXO_MSG_MAX bytes, STATUS with payload: EPROTO");

	ok(bad(s, 0, EXO_MSG_NULL, 28, 0, 0, NULL, 0, 0x8002, -EXO_EVERSION),
	    "version 0: EVERSION, reply version 1");
	ok(bad(s, 0xffff, EXO_MSG_NULL, 29, 0, 0, NULL, 0, 0x8002,
	    -EXO_EVERSION), "version 0xffff: EVERSION");
	ok(bad(s, 2, 77, 30, 3, 0, NULL, 0, 77 | EXO_MSG_REPLY, -EXO_EVERSION),
	    "version 2 with other faults: EVERSION first");

	ok(REQ(s, 0, 31, NULL, 0, -EXO_ENOSYS), "type 0: ENOSYS");
	ok(REQ(s, 0x1000, 32, NULL, 0, -EXO_ENOSYS), "type 0x1000: ENOSYS");
	ok(REQ(s, 0x3fff, 33, NULL, 0, -EXO_ENOSYS), "type 0x3fff: ENOSYS");

	ok(bad(s, 1, EXO_MSG_NULL | EXO_MSG_REPLY, 34, 0, 0, NULL, 0, 0x8002,
	    -EXO_EPROTO), "type with the REPLY bit: EPROTO");
	ok(bad(s, 1, EXO_MSG_NULL | EXO_MSG_UPCALL, 35, 0, 0, NULL, 0, 0xc002,
	    -EXO_EPROTO), "type with the UPCALL bit: EPROTO");
	ok(bad(s, 1, 0xffff, 36, 0, 0, NULL, 0, 0xffff, -EXO_EPROTO),
	    "type 0xffff: EPROTO");
	ok(bad(s, 1, EXO_MSG_NULL, 37, 0, 1, NULL, 0, 0x8002, -EXO_EPROTO),
	    "status 1 in a request: EPROTO");
	ok(bad(s, 1, EXO_MSG_NULL, 38, 0, -EXO_EPROTO, NULL, 0, 0x8002,
	    -EXO_EPROTO), "status -1 in a request: EPROTO");

	ok(REQ(s, EXO_MSG_NULL, 39, &w4, 1, -EXO_EPROTO),
	    "NULL with a 1-byte payload: EPROTO");
	ok(REQ(s, EXO_MSG_STATUS, 40, &w4, 4, -EXO_EPROTO),
	    "STATUS with a payload: EPROTO");
	memset(&cc, 0, sizeof cc);
	ok(REQ(s, EXO_MSG_CAP_CHECK, 41, &cc, sizeof cc - 1, -EXO_EPROTO),
	    "CAP_CHECK of 47 bytes: EPROTO");
	ok(REQ(s, EXO_MSG_CAP_CHECK, 42, big, sizeof cc + 1, -EXO_EPROTO),
	    "CAP_CHECK of 49 bytes: EPROTO");
	ok(REQ(s, EXO_MSG_CAP_CHECK, 43, NULL, 0, -EXO_EPROTO),
	    "CAP_CHECK with no payload: EPROTO");
	ok(REQ(s, EXO_MSG_CAP_CHECK, 44, &cc, sizeof cc, -EXO_EBADCAP),
	    "CAP_CHECK of an all-zero cap: EBADCAP");

	ok(REQ(s, EXO_MSG_FRAME_ALLOC, 45, &w4, 4, -EXO_EPROTO),
	    "FRAME_ALLOC of 4 bytes: EPROTO");
	ok(REQ(s, EXO_MSG_FRAME_ALLOC, 46, big, 12, -EXO_EPROTO),
	    "FRAME_ALLOC of 12 bytes: EPROTO");
	fa.flags = 0;
	fa.count = 0;
	ok(REQ(s, EXO_MSG_FRAME_ALLOC, 47, &fa, sizeof fa, -EXO_EINVAL),
	    "FRAME_ALLOC count 0: EINVAL");
	fa.count = EXO_BATCH_MAX + 1;
	ok(REQ(s, EXO_MSG_FRAME_ALLOC, 48, &fa, sizeof fa, -EXO_EINVAL),
	    "FRAME_ALLOC count 254: EINVAL");
	fa.count = 0xffffffffu;
	ok(REQ(s, EXO_MSG_FRAME_ALLOC, 49, &fa, sizeof fa, -EXO_EINVAL),
	    "FRAME_ALLOC count 0xffffffff: EINVAL");
	fa.count = 1;
	fa.flags = 1;
	ok(REQ(s, EXO_MSG_FRAME_ALLOC, 50, &fa, sizeof fa, -EXO_EINVAL),
	    "FRAME_ALLOC flags 1: EINVAL");

	memset(buf, 0, sizeof buf);
	ok(REQ(s, EXO_MSG_FRAME_FREE, 51, buf, 4, -EXO_EPROTO),
	    "FRAME_FREE of 4 bytes: EPROTO");
	ok(REQ(s, EXO_MSG_FRAME_FREE, 52, NULL, 0, -EXO_EPROTO),
	    "FRAME_FREE with no payload: EPROTO");
	ff.reserved = 0;
	ff.count = 1;
	memcpy(buf, &ff, sizeof ff);
	ok(REQ(s, EXO_MSG_FRAME_FREE, 53, buf, 8, -EXO_EPROTO),
	    "FRAME_FREE count 1 without the cap: EPROTO");
	ff.count = 2;
	memcpy(buf, &ff, sizeof ff);
	ok(REQ(s, EXO_MSG_FRAME_FREE, 54, buf, 8 + 40, -EXO_EPROTO),
	    "FRAME_FREE count 2 with one cap: EPROTO");
	ff.count = 1;
	memcpy(buf, &ff, sizeof ff);
	ok(REQ(s, EXO_MSG_FRAME_FREE, 55, buf, 8 + 80, -EXO_EPROTO),
	    "FRAME_FREE count 1 with two caps: EPROTO");
	ff.count = 0;
	memcpy(buf, &ff, sizeof ff);
	ok(REQ(s, EXO_MSG_FRAME_FREE, 56, buf, 8, -EXO_EINVAL),
	    "FRAME_FREE count 0: EINVAL");
	ff.count = EXO_BATCH_MAX + 1;
	memcpy(buf, &ff, sizeof ff);
	ok(REQ(s, EXO_MSG_FRAME_FREE, 57, buf, 8, -EXO_EINVAL),
	    "FRAME_FREE count 254: EINVAL");
	ff.count = 0xffffffffu;
	memcpy(buf, &ff, sizeof ff);
	ok(REQ(s, EXO_MSG_FRAME_FREE, 58, buf, 8, -EXO_EINVAL),
	    "FRAME_FREE count 0xffffffff: EINVAL");
	ff.count = 0x06666667u;		/* 8 + 40 * count wraps to 48 */
	memcpy(buf, &ff, sizeof ff);
	ok(REQ(s, EXO_MSG_FRAME_FREE, 59, buf, 48, -EXO_EINVAL),
	    "FRAME_FREE count 0x06666667 (40*count wraps): EINVAL");
	ff.count = 1;
	ff.reserved = 1;
	memcpy(buf, &ff, sizeof ff);
	ok(REQ(s, EXO_MSG_FRAME_FREE, 60, buf, 8 + 40, -EXO_EINVAL),
	    "FRAME_FREE reserved 1: EINVAL");
	ff.reserved = 0;
	memcpy(buf, &ff, sizeof ff);
	ok(REQ(s, EXO_MSG_FRAME_FREE, 61, buf, 8 + 40, -EXO_EBADCAP),
	    "FRAME_FREE of an all-zero cap: EBADCAP");
}

/* Descriptors attached to requests: refused, and closed by exod. */
static void
test_descriptors(int s)
{
	struct exo_frame_alloc	fa = { 1, 0 };
	int			fds[3], base, n, i;

	base = th_fds_settled(&exod, TIMEOUT);
	for (i = 0; i < 3; i++)
		if ((fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
			sysbail("open /dev/null");
	ok(xsend(s, 1, EXO_MSG_NULL, 70, 0, 0, NULL, 0, fds, 1) == 0 &&
	    expect(s, 0x8002, 70, -EXO_EPROTO, 0),
	    "NULL carrying a descriptor: EPROTO");
	n = th_wait_fds(&exod, base, TIMEOUT);
	is_int(base, n, "exod closed the descriptor (%d open)", n);
	ok(xsend(s, 1, EXO_MSG_NULL, 71, 0, 0, NULL, 0, fds, 3) == 0 &&
	    expect(s, 0x8002, 71, -EXO_EPROTO, 0),
	    "NULL carrying three descriptors: EPROTO");
	ok(xsend(s, 1, EXO_MSG_FRAME_ALLOC, 72, sizeof fa, 0, &fa, sizeof fa,
	    fds, 2) == 0 && expect(s, 0x8004, 72, -EXO_EPROTO, 0),
	    "FRAME_ALLOC carrying descriptors: EPROTO, nothing bound");
	ok(xsend(s, 1, 99, 73, 0, 0, NULL, 0, fds, 1) == 0 &&
	    expect(s, 99 | EXO_MSG_REPLY, 73, -EXO_EPROTO, 0),
	    "unknown type carrying a descriptor: EPROTO (before ENOSYS)");
	n = th_wait_fds(&exod, base, TIMEOUT);
	is_int(base, n, "exod closed every descriptor (%d open)", n);
	is_int(NFRAMES, th_frames_free(&exod), "no frame was bound");
	for (i = 0; i < 3; i++)
		close(fds[i]);
}

/* Requests sent back to back are answered one each, in order. */
static void
test_pipeline(int s)
{
	unsigned char	one = 1;
	int		good = 1;

	good &= xsend(s, 1, EXO_MSG_NULL, 100, 0, 0, NULL, 0, NULL, 0) == 0;
	good &= xsend(s, 1, EXO_MSG_STATUS, 101, 1, 0, &one, 1, NULL, 0) == 0;
	good &= xsend(s, 1, 55, 102, 0, 0, NULL, 0, NULL, 0) == 0;
	good &= xsend_bytes(s, &one, 1) == 0;
	good &= xsend(s, 3, EXO_MSG_NULL, 104, 0, 0, NULL, 0, NULL, 0) == 0;
	good &= xsend(s, 1, EXO_MSG_NULL, 105, 0, 0, NULL, 0, NULL, 0) == 0;
	good &= expect(s, 0x8002, 100, 0, 0);
	good &= expect(s, 0x8006, 101, -EXO_EPROTO, 0);
	good &= expect(s, 55 | EXO_MSG_REPLY, 102, -EXO_ENOSYS, 0);
	good &= expect(s, 0x8000, 0, -EXO_EPROTO, 0);
	good &= expect(s, 0x8002, 104, -EXO_EVERSION, 0);
	good &= expect(s, 0x8002, 105, 0, 0);
	ok(good, "six requests back to back: six replies, in order");
	ok(bad(s, 1, EXO_MSG_NULL, 106, 0, 0, NULL, 0, 0x8002, 0),
	    "after the barrage the same connection still answers NULL");
}

/* Send NULLs without reading until exod stops taking them (or n sent). */
static int
spam(int s, int n, uint32_t firstid)
{
	struct exo_hdr	h = { 1, EXO_MSG_NULL, 0, 0, 0 };
	struct pollfd	pfd = { s, POLLOUT, 0 };
	int		i;

	for (i = 0; i < n; i++) {
		h.id = firstid + (uint32_t)i;
		if (send(s, &h, sizeof h, MSG_DONTWAIT | MSG_NOSIGNAL) ==
		    (ssize_t)sizeof h)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			break;
		/* exod is not taking more: that is the flow control. */
		if (poll(&pfd, 1, 500) <= 0)
			break;
		i--;
	}
	return i;
}

static void
test_nonreader(void)
{
	struct exo	*x;
	long		 rss0, rss1;
	int		 s, s2, sent, base, n;

	base = th_fds_settled(&exod, TIMEOUT);
	rss0 = th_vmrss_kb(exod.pid);
	s = raw_libos("never-reads");
	sent = spam(s, NSPAM, 1000);
	diag("the never-reading peer sent %d NULL requests before exod"
	    " stopped reading it", sent);
	ok(sent >= 16, "exod took at least 16 requests (%d)", sent);

	s2 = raw_libos("other");
	ok(bad(s2, 1, EXO_MSG_NULL, 7, 0, 0, NULL, 0, 0x8002, 0),
	    "another peer is served while one never reads");
	x = th_connect(&exod, "other-libos");
	is_int(0, exo_null(x), "exo_null works meanwhile");
	rss1 = th_vmrss_kb(exod.pid);
	diag("exod VmRSS %ld kB -> %ld kB", rss0, rss1);
	ok(rss0 > 0 && rss1 > 0 && rss1 - rss0 < 8 * 1024,
	    "exod's memory did not explode (+%ld kB)", rss1 - rss0);

	xclose(s);
	is_int(0, exo_null(x), "exod fine after the never-reading peer closed");
	exo_disconnect(x);
	xclose(s2);
	n = th_wait_fds(&exod, base, TIMEOUT);
	is_int(base, n, "exod's descriptors back to %d", base);
	ok(th_exod_alive(&exod), "exod alive");
}

/* A slow reader gets every reply, in order, once it reads. */
static void
test_slowreader(void)
{
	struct exo_hdr	h = { 1, EXO_MSG_NULL, 0, 0, 0 }, r;
	struct pollfd	pfd;
	uint32_t	next = 1;
	int		s, sent, got = 0, n, nfds, wrong = 0;

	s = raw_libos("slow-reader");
	sent = spam(s, NSPAM, 1);
	while (got < NSPAM) {
		pfd.fd = s;
		pfd.events = POLLIN | (sent < NSPAM ? POLLOUT : 0);
		pfd.revents = 0;
		if (poll(&pfd, 1, TIMEOUT) <= 0)
			break;
		if ((pfd.revents & POLLOUT) && sent < NSPAM) {
			h.id = (uint32_t)sent + 1;
			if (send(s, &h, sizeof h, MSG_DONTWAIT | MSG_NOSIGNAL) ==
			    (ssize_t)sizeof h)
				sent++;
		}
		if (pfd.revents & (POLLIN | POLLHUP)) {
			n = xrecv(s, &nfds, 0);
			if (n <= 0)
				break;
			memcpy(&r, rbuf, sizeof r);
			if (n != 16 || r.type != 0x8002 || r.id != next ||
			    r.status != 0 || r.len != 0)
				wrong++;
			next++;
			got++;
		}
	}
	is_int(NSPAM, got, "a slow reader gets all %d replies", NSPAM);
	is_int(0, wrong, "... each in order, id echoed, status 0");
	xclose(s);
}

static void
test_disconnects(void)
{
	struct exo_frame_alloc	 fa = { 10, 0 };
	struct exo		*x;
	int			 base, n, i, s, failed;

	base = th_fds_settled(&exod, TIMEOUT);

	/* Send, then close without reading anything. */
	for (i = 0; i < 10; i++) {
		int j;

		s = raw_libos("mid-stream");
		for (j = 0; j < 50; j++)
			xsend(s, 1, EXO_MSG_NULL, (uint32_t)j, 0, 0, NULL, 0,
			    NULL, 0);
		for (j = 0; j < 3; j++)
			xsend(s, 1, EXO_MSG_FRAME_ALLOC, 100 + (uint32_t)j,
			    sizeof fa, 0, &fa, sizeof fa, NULL, 0);
		xclose(s);
	}
	ok(th_exod_alive(&exod), "exod survives peers closing mid-stream");
	is_int(NFRAMES, th_wait_frames_free(&exod, NFRAMES, TIMEOUT),
	    "frames bound to them in flight were reclaimed");
	n = th_wait_fds(&exod, base, TIMEOUT);
	is_int(base, n, "exod's descriptors back to %d", base);

	/* 200 connect/close cycles: raw, and full libOS connections. */
	failed = 0;
	for (i = 0; i < 200; i++) {
		if (i % 2 == 0) {
			s = th_raw_connect(&exod);
			xclose(s);
		} else {
			if (exo_connect(exod.sock, "cycle", &x) != 0) {
				failed++;
				continue;
			}
			exo_disconnect(x);
		}
	}
	is_int(0, failed, "200 connect/close cycles");
	n = th_wait_fds(&exod, base, TIMEOUT);
	is_int(base, n, "exod's descriptors back to %d", base);
	ok(th_exod_alive(&exod), "exod alive");
}

static void
test_full(void)
{
	static int	 conns[MAXPEERS];
	struct exo	*x = NULL;
	long		 deadline;
	int		 base, i, n, s, nfds, rc, failed;

	base = th_fds_settled(&exod, TIMEOUT);
	failed = 0;
	for (i = 0; i < MAXPEERS; i++) {
		conns[i] = th_raw_connect(&exod);
		if (hello(conns[i], 0, 0, "crowd", 6) != 0)
			failed++;
	}
	is_int(0, failed, "%d peers connect", MAXPEERS);

	/* Admitted to say HELLO, then refused: the reply names its HELLO. */
	s = th_raw_connect(&exod);
	is_int(-EXO_EBUSY, hello(s, 0, 0, "one-too-many", 13),
	    "libOS %d: its HELLO gets EBUSY", MAXPEERS + 1);
	n = xrecv(s, &nfds, TIMEOUT);
	is_int(0, n, "... and is closed");
	xclose(s);
	is_int(-EXO_EBUSY, exo_connect(exod.sock, "one-too-many", &x),
	    "exo_connect when exod is full: EBUSY");
	rc = exo_connect_control(exod.sock, &x);
	is_int(0, rc, "a control connection still gets in");
	if (rc == 0) {
		struct exo_status	st;

		rc = exo_status(x, &st);
		is_int(0, rc, "... and STATUS answers");
		is_int(MAXPEERS, rc == 0 ? (long long)st.totals.npeers : -1,
		    "... listing all %d libOSes, page after page", MAXPEERS);
		if (rc == 0)
			exo_status_free(&st);
		exo_disconnect(x);
	} else {
		skip("not connected");
		skip("not connected");
	}
	ok(bad(conns[0], 1, EXO_MSG_NULL, 5, 0, 0, NULL, 0, 0x8002, 0),
	    "the %d peers are still served", MAXPEERS);

	xclose(conns[0]);
	deadline = th_now_ms() + TIMEOUT;
	while ((rc = exo_connect(exod.sock, "room-again", &x)) == -EXO_EBUSY &&
	    th_now_ms() < deadline)
		th_sleep_ms(20);
	is_int(0, rc, "one leaves, another gets in");
	if (rc == 0) {
		is_int(0, exo_null(x), "... and is served");
		exo_disconnect(x);
	} else
		skip("not connected");
	for (i = 1; i < MAXPEERS; i++)
		xclose(conns[i]);
	n = th_wait_fds(&exod, base, TIMEOUT);
	is_int(base, n, "exod's descriptors back to %d", base);
}

int
main(void)
{
	struct exo_frame	 f;
	struct exo		*x;
	int			 s;

	plan(98);
	th_exod_start(&exod, "-m", "1M", (char *)NULL);

	s = th_raw_connect(&exod);
	test_before_hello(s);
	test_after_hello(s);
	test_descriptors(s);
	test_pipeline(s);

	x = th_connect(&exod, "well-behaved");
	is_int(0, exo_frame_alloc(x, &f), "a well-behaved libOS binds a frame");
	is_int(0, exo_frame_free(x, &f), "... and frees it");
	exo_disconnect(x);
	xclose(s);
	ok(th_exod_alive(&exod), "exod alive after the barrage");

	test_nonreader();
	test_slowreader();
	test_disconnects();
	test_full();

	ok(th_exod_alive(&exod), "exod alive at the end");
	return 0;
}
