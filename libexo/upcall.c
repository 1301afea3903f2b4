/*
 * upcall.c - upcalls from exod: the upcall channel and its doorbell.
 *
 * exod writes upcalls on the channel and, when this libOS must notice at
 * once, rings the doorbell (signal EXO_SIG_UPCALL).  The doorbell handler
 * drains the channel and runs the entry points of the processor
 * environment.  While a request to exod is outstanding the handler only
 * notes that upcalls wait; exo_request runs them when the reply is in, so
 * an entry point may itself call into libexo.
 */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libexo-int.h"

struct exo	*exo_self;

static int
exo_chan_send(struct exo *e, uint16_t type, uint32_t id, const void *payload,
    size_t len)
{
	unsigned char	buf[sizeof(struct exo_hdr) +
			    sizeof(struct exo_call_reply) + EXO_CALL_MAX];
	struct exo_hdr	h;

	if (e->chan_fd == -1)
		return (-EXO_ESTATE);
	if (len > sizeof buf - sizeof h)
		return (-EXO_EINVAL);
	h.version = EXO_PROTO_VERSION;
	h.type = type;
	h.id = id;
	h.len = (uint32_t)len;
	h.status = 0;
	memcpy(buf, &h, sizeof h);
	if (len > 0)
		memcpy(buf + sizeof h, payload, len);
	if (send(e->chan_fd, buf, sizeof h + len, MSG_NOSIGNAL) == -1)
		return (errno == EPIPE ? -EXO_ECONN : -EXO_ESYS);
	return (0);
}

/* Acknowledge the end of quantum tick: exod may stop us now. */
int
exo_ack(struct exo *e, uint64_t tick)
{
	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (e == NULL)
		return (-EXO_EINVAL);
	return (exo_chan_send(e, EXO_UPCALL_TIMER | EXO_MSG_REPLY, 0, &tick,
	    sizeof tick));
}

static void
exo_upcall_timer(struct exo *e, const struct exo_upcall_timer *t)
{
	struct exo_intr	in;
	int		keep = 0;

	if (e->switch_out != NULL)
		e->switch_out(e);
	if (e->pe_interrupt != NULL) {
		memset(&in, 0, sizeof in);
		in.kind = EXO_INTR_TIMER;
		in.tick = t->tick;
		in.deadline_ns = t->deadline_ns;
		keep = e->pe_interrupt(e, &in, e->pe_interrupt_arg);
	}
	if (keep == 0)		/* non-zero: the libOS acknowledges itself */
		(void)exo_ack(e, t->tick);
}

static void
exo_upcall_event(struct exo *e, const struct exo_upcall_event *ev)
{
	struct exo_intr	in;

	if (e->pe_interrupt == NULL)
		return;
	memset(&in, 0, sizeof in);
	in.kind = EXO_INTR_EVENT;
	in.from = ev->from;
	in.dropped = ev->dropped;
	in.value = ev->value;
	(void)e->pe_interrupt(e, &in, e->pe_interrupt_arg);
}

static void
exo_upcall_call(struct exo *e, uint32_t id, const unsigned char *p,
    size_t len)
{
	struct {
		struct exo_call_reply	hdr;
		unsigned char		data[EXO_CALL_MAX];
	}			r;
	struct exo_upcall_call	c;
	size_t			rlen = 0;

	memcpy(&c, p, sizeof c);
	if (c.len > EXO_CALL_MAX || len != sizeof c + c.len)
		return;
	r.hdr.status = -EXO_ENOENTRY;
	if (e->pe_protected != NULL)
		r.hdr.status = e->pe_protected(e, c.caller, p + sizeof c, c.len,
		    r.data, &rlen, e->pe_protected_arg);
	if (r.hdr.status > 0 || rlen > EXO_CALL_MAX)
		r.hdr.status = -EXO_EINVAL;
	if (r.hdr.status != 0 || rlen > EXO_CALL_MAX)
		rlen = 0;
	r.hdr.len = (uint32_t)rlen;
	(void)exo_chan_send(e, EXO_UPCALL_CALL | EXO_MSG_REPLY, id, &r,
	    sizeof r.hdr + rlen);
}

static void
exo_upcall_disk(struct exo *e, const struct exo_upcall_disk *d)
{
	struct exo_intr	in;

	if (e->pe_interrupt == NULL)
		return;
	memset(&in, 0, sizeof in);
	in.kind = EXO_INTR_DISK;
	in.value = d->tag;
	in.op = d->op;
	in.count = d->count;
	in.status = d->status;
	in.dropped = d->dropped;
	(void)e->pe_interrupt(e, &in, e->pe_interrupt_arg);
}

static void
exo_upcall_net(struct exo *e, const struct exo_upcall_net *u)
{
	struct exo_intr	in;

	if (e->pe_interrupt == NULL)
		return;
	memset(&in, 0, sizeof in);
	in.kind = EXO_INTR_NET;
	in.count = u->count;
	in.dropped = u->dropped;
	in.value = u->ring_drops;
	(void)e->pe_interrupt(e, &in, e->pe_interrupt_arg);
}

/* A repossession vector: being revoked (kind REVOKE) or taken. */
static void
exo_upcall_revoke(struct exo *e, int kind, const unsigned char *p,
    size_t len)
{
	struct exo_revoke_entry		 vec[EXO_BATCH_MAX];
	struct exo_upcall_revoke	 u;
	struct exo_intr			 in;
	uint32_t			 i;

	memcpy(&u, p, sizeof u);
	if (u.count > EXO_BATCH_MAX || len != sizeof u + u.count *
	    sizeof vec[0])
		return;
	memcpy(vec, p + sizeof u, u.count * sizeof vec[0]);
	/* Frames taken leave the TLB and the region (the memory layer). */
	for (i = 0; kind == EXO_INTR_REPOSSESSED && i < u.count; i++)
		if (vec[i].cap.type == EXO_RES_FRAME)
			exo_mem_frame_gone(e, vec[i].cap.id);
	if (e->pe_interrupt == NULL)
		return;
	memset(&in, 0, sizeof in);
	in.kind = kind;
	in.deadline_ns = u.deadline_ns;
	in.count = u.count;
	in.vec = vec;
	(void)e->pe_interrupt(e, &in, e->pe_interrupt_arg);
}

/* Run one upcall from the channel. */
static void
exo_upcall_one(struct exo *e, const unsigned char *buf, size_t n)
{
	struct exo_upcall_timer	t;
	struct exo_upcall_event	ev;
	struct exo_upcall_disk	d;
	struct exo_upcall_net	nu;
	struct exo_upcall_chan	uc;
	struct exo_hdr		h;

	if (n < sizeof h)
		return;
	memcpy(&h, buf, sizeof h);
	if (h.len != n - sizeof h)
		return;
	switch (h.type) {
	case EXO_UPCALL_TIMER:
		if (h.len == sizeof t) {
			memcpy(&t, buf + sizeof h, sizeof t);
			exo_upcall_timer(e, &t);
		}
		break;
	case EXO_UPCALL_EVENT:
		if (h.len == sizeof ev) {
			memcpy(&ev, buf + sizeof h, sizeof ev);
			exo_upcall_event(e, &ev);
		}
		break;
	case EXO_UPCALL_CALL:
		if (h.len >= sizeof(struct exo_upcall_call))
			exo_upcall_call(e, h.id, buf + sizeof h, h.len);
		break;
	case EXO_UPCALL_DISK:
		if (h.len == sizeof d) {
			memcpy(&d, buf + sizeof h, sizeof d);
			exo_upcall_disk(e, &d);
		}
		break;
	case EXO_UPCALL_NET:
		if (h.len == sizeof nu) {
			memcpy(&nu, buf + sizeof h, sizeof nu);
			exo_upcall_net(e, &nu);
		}
		break;
	case EXO_UPCALL_CHAN:
		if (h.len == sizeof uc) {
			memcpy(&uc, buf + sizeof h, sizeof uc);
			exo_callchan_upcall(e, &uc);
		}
		break;
	case EXO_UPCALL_REVOKE:
	case EXO_UPCALL_REPOSSESSED:
		if (h.len >= sizeof(struct exo_upcall_revoke))
			exo_upcall_revoke(e, h.type == EXO_UPCALL_REVOKE ?
			    EXO_INTR_REVOKE : EXO_INTR_REPOSSESSED,
			    buf + sizeof h, h.len);
		break;
	}
}

/*
 * Run the upcalls waiting on the channel; with block, wait for at least
 * one.  Returns how many ran, or -EXO_E*.  Called with EXO_SIG_UPCALL
 * blocked or from its handler, so never twice at once.
 */
int
exo_upcall_drain(struct exo *e, int block)
{
	unsigned char	buf[EXO_MSG_MAX];
	ssize_t		n;
	int		count = 0, saved = errno;

	e->upcall_pending = 0;
	for (;;) {
		n = recv(e->chan_fd, buf, sizeof buf,
		    block && count == 0 ? 0 : MSG_DONTWAIT);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		exo_upcall_one(e, buf, (size_t)n);
		count++;
	}
	if (n == 0 || (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK)) {
		errno = saved;
		return (count > 0 ? count : -EXO_ECONN);
	}
	errno = saved;
	return (count);
}

/*
 * During a request only end-of-quantum upcalls run at once (saving and
 * acknowledging needs no request, and a libOS blocked in a long request,
 * a yield or a call, must not overrun for it); the first upcall of any
 * other kind, and all behind it, wait for the request to end.
 */
static void
exo_doorbell_in_request(struct exo *e)
{
	unsigned char	buf[sizeof(struct exo_hdr) +
			    sizeof(struct exo_upcall_timer)];
	struct exo_hdr	h;
	ssize_t		n;

	for (;;) {
		n = recv(e->chan_fd, &h, sizeof h, MSG_PEEK | MSG_DONTWAIT);
		if (n != (ssize_t)sizeof h)
			return;
		if (h.type != EXO_UPCALL_TIMER ||
		    h.len != sizeof(struct exo_upcall_timer)) {
			e->upcall_pending = 1;	/* exo_request runs them */
			return;
		}
		n = recv(e->chan_fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n <= 0)
			return;
		exo_upcall_one(e, buf, (size_t)n);
	}
}

static void
exo_doorbell(int sig, siginfo_t *si, void *uc)
{
	struct exo	*e = exo_self;
	int		 saved = errno;

	if (e == NULL || e->chan_fd == -1)
		return;
	if (e->in_request)
		exo_doorbell_in_request(e);
	else
		(void)exo_upcall_drain(e, 0);
	errno = saved;
}

/* The first libOS connection of the process takes its upcalls. */
void
exo_upcall_init(struct exo *e)
{
	struct sigaction	sa;

	if (exo_self != NULL)
		return;
	exo_self = e;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = exo_doorbell;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(EXO_SIG_UPCALL, &sa, NULL);
	(void)exo_pe_init(e);
}

static int
exo_block(sigset_t *old)
{
	sigset_t	set;

	sigemptyset(&set);
	sigaddset(&set, EXO_SIG_UPCALL);
	return (sigprocmask(SIG_BLOCK, &set, old));
}

static uint64_t
exo_now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

/*
 * Wait for the channel to have something, until deadline (0: forever).
 * 1 when it has, 0 at the deadline, -EXO_E* on failure.  A libOS stopped
 * by exod sleeps through its stop here; once continued after the deadline
 * it finds the deadline passed.
 */
static int
exo_wait_chan(struct exo *e, uint64_t deadline)
{
	struct pollfd	pfd;
	struct timespec	ts;
	uint64_t	now, left;
	int		n;

	for (;;) {
		pfd.fd = e->chan_fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (deadline != 0) {
			if ((now = exo_now_ns()) >= deadline)
				return (0);
			left = deadline - now;
			ts.tv_sec = (time_t)(left / 1000000000ULL);
			ts.tv_nsec = (long)(left % 1000000000ULL);
		}
		n = ppoll(&pfd, 1, deadline != 0 ? &ts : NULL, NULL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return (-EXO_ESYS);
		if (n > 0)
			return (1);
	}
}

/*
 * Sleep until exod has an upcall for us, or until deadline_ns
 * (CLOCK_MONOTONIC; 0: no deadline); run what came.  Count, 0 at the
 * deadline, or an error.
 */
int
exo_wait_until(struct exo *e, uint64_t deadline_ns)
{
	struct exo_wait	w;
	sigset_t	old;
	int		n;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (e == NULL || e->chan_fd == -1)
		return (-EXO_EINVAL);
	exo_block(&old);
	w.deadline_ns = deadline_ns;
	n = exo_chan_send(e, EXO_UPCALL_WAIT, 0, &w, deadline_ns != 0 ?
	    sizeof w : 0);
	while (n == 0 && (n = exo_wait_chan(e, deadline_ns)) == 1) {
		/* Readable: upcalls, or the end of the channel. */
		if ((n = exo_upcall_drain(e, 0)) != 0)
			break;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return (n);
}

/* Sleep until exod has an upcall for us; run what came.  Count or error. */
int
exo_wait(struct exo *e)
{
	return (exo_wait_until(e, 0));
}

/* Run the upcalls already waiting, without sleeping.  Count or error. */
int
exo_poll(struct exo *e)
{
	sigset_t	old;
	int		n;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (e == NULL || e->chan_fd == -1)
		return (-EXO_EINVAL);
	exo_block(&old);
	n = exo_upcall_drain(e, 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return (n);
}
