/*
 * chan.c - the upcall channel: exod's way into a running libOS.
 *
 * Each libOS gets, with its HELLO reply, one end of a SOCK_SEQPACKET pair.
 * exod writes upcalls there (end of quantum, events, protected calls) and
 * rings the doorbell, signal EXO_SIG_UPCALL through the pidfd, when the
 * libOS must notice now.  The libOS answers on the same channel: timer
 * acknowledgements, protected-call replies, and WAIT.  Every answer is
 * checked as strictly as a request; anything else is dropped.  A libOS
 * that closes its end takes no more upcalls but keeps its connection.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "exod.h"

#define CHAN_READ_BATCH	8

static struct event_base *chan_base;

static void	chan_read_cb(int, short, void *);

/* Make p's channel; the libOS's end goes to *theirs (caller sends it). */
int
chan_new(struct peer *p, int *theirs)
{
	int	sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return (-1);
	if (fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK) == -1)
		goto bad;
	p->chan_fd = sv[0];
	*theirs = sv[1];
	if (chan_base != NULL) {
		p->ev_chan = event_new(chan_base, sv[0], EV_READ | EV_PERSIST,
		    chan_read_cb, p);
		if (p->ev_chan == NULL || event_add(p->ev_chan, NULL) == -1)
			goto bad;
	}
	return (0);
bad:
	if (p->ev_chan != NULL)
		event_free(p->ev_chan);
	p->ev_chan = NULL;
	p->chan_fd = -1;
	close(sv[0]);
	close(sv[1]);
	return (-1);
}

void
chan_set_base(struct event_base *base)
{
	chan_base = base;
}

void
chan_free(struct peer *p)
{
	if (p->ev_chan != NULL)
		event_free(p->ev_chan);
	p->ev_chan = NULL;
	if (p->chan_fd != -1)
		close(p->chan_fd);
	p->chan_fd = -1;
}

/* The doorbell: a signal the libOS's libexo fields at once. */
void
chan_doorbell(struct peer *p)
{
	if (p->pidfd != -1)
		(void)syscall(SYS_pidfd_send_signal, p->pidfd, EXO_SIG_UPCALL,
		    NULL, 0);
}

/* The id the next upcall to p will carry. */
uint32_t
chan_next_id(const struct peer *p)
{
	return (p->upcall_seq + 1 != 0 ? p->upcall_seq + 1 : 1);
}

/*
 * Write one upcall, never waiting.  Returns its id, chan_next_id() as it
 * was, or 0 when the channel is full or gone (the libOS has not been
 * reading); then the id stays for the next upcall.
 */
uint32_t
chan_upcall(struct peer *p, uint16_t type, const void *payload, size_t len,
    int ring)
{
	unsigned char	buf[EXO_MSG_MAX];
	struct exo_hdr	h;

	if (p->chan_fd == -1 || len > sizeof buf - sizeof h)
		return (0);
	h.version = EXO_PROTO_VERSION;
	h.type = type;
	h.id = chan_next_id(p);
	h.len = (uint32_t)len;
	h.status = 0;
	memcpy(buf, &h, sizeof h);
	if (len > 0)
		memcpy(buf + sizeof h, payload, len);
	if (send(p->chan_fd, buf, sizeof h + len, MSG_DONTWAIT |
	    MSG_NOSIGNAL) == -1)
		return (0);
	/* Only an upcall sent takes an id: the libOS sees them in a row. */
	p->upcall_seq = h.id;
	/* A waiting libOS is blocked reading the channel: this wakes it. */
	if (ring && !sched_waiting(p))
		chan_doorbell(p);
	p->cpu.waiting = 0;
	return (h.id);
}

/* One answer from the libOS, checked like any request. */
static void
chan_answer(struct peer *p, const unsigned char *buf, size_t n)
{
	struct exo_hdr	h;
	struct exo_wait	w;
	uint64_t	tick;

	if (n < sizeof h)
		return;
	memcpy(&h, buf, sizeof h);
	if (h.version != EXO_PROTO_VERSION || h.len != n - sizeof h)
		goto bad;
	switch (h.type) {
	case EXO_UPCALL_TIMER | EXO_MSG_REPLY:
		if (h.len != sizeof tick)
			goto bad;
		memcpy(&tick, buf + sizeof h, sizeof tick);
		sched_ack(p, tick);
		return;
	case EXO_UPCALL_CALL | EXO_MSG_REPLY:
		call_answer(p, &h, buf + sizeof h, h.len);
		return;
	case EXO_UPCALL_WAIT:
		/* Empty: a wait without end; or one that ends at a deadline. */
		if (h.len != 0 && h.len != sizeof w)
			goto bad;
		memset(&w, 0, sizeof w);
		if (h.len == sizeof w)
			memcpy(&w, buf + sizeof h, sizeof w);
		sched_wait(p, w.deadline_ns);
		return;
	}
bad:
	log_debug("libOS %u: bad channel message type %#x len %u", p->libos,
	    h.type, h.len);
}

/*
 * Read what p has answered but exod has not yet looked at: an
 * acknowledgement may be waiting while exod itself ran late.
 */
void
chan_poll(struct peer *p)
{
	if (p->chan_fd != -1)
		chan_read_cb(p->chan_fd, EV_READ, p);
}

static void
chan_read_cb(int fd, short events, void *arg)
{
	struct peer	*p = arg;
	unsigned char	 buf[sizeof(struct exo_hdr) + sizeof(struct exo_call_reply)
			    + EXO_CALL_MAX];
	union {
		struct cmsghdr	hdr;
		unsigned char	buf[CMSG_SPACE(sizeof(int) * 16)];
	}		 cmsg;
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*c;
	ssize_t		 n;
	int		 i, k, one;

	for (i = 0; i < CHAN_READ_BATCH; i++) {
		memset(&msg, 0, sizeof msg);
		iov.iov_base = buf;
		iov.iov_len = sizeof buf;
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cmsg.buf;
		msg.msg_controllen = sizeof cmsg.buf;
		n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			/* The libOS wants no upcalls: it keeps its requests. */
			log_debug("libOS %u closed its upcall channel", p->libos);
			chan_free(p);
			return;
		}
		/* No answer carries a descriptor: close any that came. */
		for (c = CMSG_FIRSTHDR(&msg); c != NULL;
		    c = CMSG_NXTHDR(&msg, c)) {
			if (c->cmsg_level != SOL_SOCKET ||
			    c->cmsg_type != SCM_RIGHTS)
				continue;
			for (k = 0; k < (int)((c->cmsg_len - CMSG_LEN(0)) /
			    sizeof(int)); k++) {
				memcpy(&one, CMSG_DATA(c) + k * sizeof(int),
				    sizeof one);
				close(one);
			}
		}
		/*
		 * Descriptors that did not fit (MSG_CTRUNC) were closed by
		 * the kernel: the message counts as if it came alone.  One
		 * too long for any answer is malformed and dropped.
		 */
		if (msg.msg_flags & MSG_TRUNC)
			continue;
		chan_answer(p, buf, (size_t)n);
		/* An answer may have closed the peer (never today), or the
		 * scheduler may have stopped it: both are fine to go on. */
	}
}
