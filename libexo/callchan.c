/*
 * callchan.c - protected calls over a bound channel.
 *
 * exod binds the channel once (CHAN_BIND, CHAN_ACCEPT); after that a call
 * is a write into the shared page and a change of the call word, the
 * answer a write and a change of the answer word.  Each side spins a
 * little on the word it waits for, then sleeps on it (a futex), telling
 * the other by its sleeps flag that a wake-up is needed.
 *
 * The page is shared with the other side, so nothing read from it is
 * trusted: a length is read once, checked, and the data copied before
 * use.  exod ors EXO_CHAN_CLOSED into both words when the channel closes,
 * so a word is only ever changed by compare-and-swap, never overwritten.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/syscall.h>

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libexo-int.h"

#define CALLCHAN_BUSY_NS	10000	/* of it, without yielding the CPU */
#define CALLCHAN_SPIN_NS	200000	/* spin this long, then sleep: longer
					   than a futex wake-up takes on a VM,
					   so one sleeper never makes two */

struct exo_callchan {
	struct exo		*e;	/* NULL once e is disconnected */
	struct exo_chan_page	*pg;	/* the shared page, mapped */
	struct exo_chan_own	*own;	/* ours and exod's: the call we wait
					   in, so exod runs the callee then */
	struct exo_cap		 cap;	/* our end */
	uint32_t		 peer;	/* the callee's libOS id */
	uint64_t		 deadline_ns; /* a call's, from its start */
	uint32_t		 seq;	/* calls made, modulo 2^31 */
	int			 busy;	/* a call is open: one at a time */
	struct exo_callchan	*next;	/* on e's list of caller ends */
};

static uint64_t
callchan_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

/* No PAUSE instruction: in a VM it can make the hypervisor take the
 * CPU from the spinner (pause-loop exiting), which costs more than the
 * spin saves. */
static void
callchan_pause(void)
{
	__asm__ __volatile__("" ::: "memory");
}

/*
 * A spinner that shares its CPU with the other side would only keep it
 * from answering: after the first CALLCHAN_BUSY_NS the spin yields.
 */
static void
callchan_yield(uint64_t left)
{
	if (left < CALLCHAN_SPIN_NS - CALLCHAN_BUSY_NS)
		sched_yield();
	else
		callchan_pause();
}

static uint32_t
callchan_load(const uint32_t *w)
{
	return (__atomic_load_n(w, __ATOMIC_ACQUIRE));
}

/* Move word w from old to new unless exod closed it meanwhile. */
static int
callchan_cas(uint32_t *w, uint32_t old, uint32_t new)
{
	return (__atomic_compare_exchange_n(w, &old, new, 0, __ATOMIC_SEQ_CST,
	    __ATOMIC_SEQ_CST));
}

static void
callchan_wake(uint32_t *w)
{
	(void)syscall(SYS_futex, w, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* Why the channel closed, as exod wrote it; only its two values count. */
static int
callchan_closed(const struct exo_chan_page *pg)
{
	int32_t	s = __atomic_load_n(&pg->closed_status, __ATOMIC_ACQUIRE);

	return (s == -EXO_EDIED ? -EXO_EDIED : -EXO_ECLOSED);
}

/* Map the page behind fd; the descriptor is closed either way. */
static void *
callchan_map(int fd)
{
	void	*p;

	p = mmap(NULL, EXO_CHAN_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
	    0);
	close(fd);
	return (p == MAP_FAILED ? NULL : p);
}

int
exo_callchan_bind(struct exo *e, uint32_t target, struct exo_callchan **chp)
{
	struct exo_chan_bind	 req;
	struct exo_chan_reply	 r;
	struct exo_callchan	*ch;
	size_t			 rlen;
	unsigned		 nfds, i;
	int			 fds[2], error;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (e == NULL || chp == NULL)
		return (-EXO_EINVAL);
	*chp = NULL;
	memset(&req, 0, sizeof req);
	req.target = target;
	error = exo_request(e, EXO_MSG_CHAN_BIND, &req, sizeof req, &r,
	    sizeof r, &rlen, fds, 2, &nfds);
	if (error != 0)
		return (error);
	if (rlen != sizeof r || nfds != 2 || r.size != EXO_CHAN_PAGE) {
		for (i = 0; i < nfds; i++)
			close(fds[i]);
		return (-EXO_EPROTO);
	}
	if ((ch = calloc(1, sizeof *ch)) == NULL) {
		close(fds[0]);
		close(fds[1]);
		error = -EXO_ESYS;
		goto unbind;
	}
	ch->pg = callchan_map(fds[0]);
	ch->own = callchan_map(fds[1]);
	if (ch->pg == NULL || ch->own == NULL) {
		if (ch->pg != NULL)
			munmap(ch->pg, EXO_CHAN_PAGE);
		if (ch->own != NULL)
			munmap(ch->own, EXO_CHAN_PAGE);
		free(ch);
		error = -EXO_ESYS;
		goto unbind;
	}
	ch->e = e;
	ch->cap = r.cap;
	ch->peer = r.peer;
	ch->deadline_ns = r.deadline_ns;
	ch->next = e->callchans;
	e->callchans = ch;
	*chp = ch;
	return (0);
unbind:
	(void)exo_request(e, EXO_MSG_CHAN_CLOSE, &r.cap, sizeof r.cap, NULL, 0,
	    NULL, NULL, 0, NULL);
	return (error);
}

/* Wait until the answer word leaves old (or deadline): 0 or -EXO_E*. */
static int
callchan_await(struct exo_chan_page *pg, uint32_t seq, uint64_t deadline)
{
	struct timespec	ts;
	uint64_t	now, spin_end = 0, left;
	uint32_t	a;
	int		i = 0;

	for (;;) {
		a = callchan_load(&pg->answer);
		if (a & EXO_CHAN_CLOSED)
			return (callchan_closed(pg));
		if (a == seq)
			return (0);
		if ((++i & 15) != 0) {
			callchan_pause();
			continue;
		}
		now = callchan_now();
		if (now >= deadline)
			return (-EXO_ETIMEDOUT);
		if (spin_end == 0)
			spin_end = now + CALLCHAN_SPIN_NS;
		if (now < spin_end) {
			callchan_yield(spin_end - now);
			continue;
		}
		/* Asleep: the flag first, then a last look, then the wait. */
		__atomic_store_n(&pg->caller_sleeps, 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&pg->answer, __ATOMIC_SEQ_CST) == a) {
			left = deadline - now;
			ts.tv_sec = (time_t)(left / 1000000000ULL);
			ts.tv_nsec = (long)(left % 1000000000ULL);
			(void)syscall(SYS_futex, &pg->answer, FUTEX_WAIT, a,
			    &ts, NULL, 0);
		}
		__atomic_store_n(&pg->caller_sleeps, 0, __ATOMIC_RELAXED);
	}
}

int
exo_callchan_call(struct exo_callchan *ch, const void *req, size_t len,
    void *reply, size_t max, size_t *replylen)
{
	struct exo_chan_page	*pg;
	uint32_t		 w, seq, rlen;
	int32_t			 status;
	int			 error;

	if (replylen != NULL)
		*replylen = 0;
	if (ch == NULL || len > EXO_CALL_MAX || (len > 0 && req == NULL) ||
	    (max > 0 && reply == NULL))
		return (-EXO_EINVAL);
	if (ch->e == NULL)
		return (-EXO_ECONN);
	if (ch->busy)
		return (-EXO_ESTATE);	/* from a handler inside a call */
	pg = ch->pg;
	w = callchan_load(&pg->call);
	if (w & EXO_CHAN_CLOSED)
		return (callchan_closed(pg));
	ch->busy = 1;
	if (len > 0)
		memcpy(pg->req, req, len);
	__atomic_store_n(&pg->req_len, (uint32_t)len, __ATOMIC_RELAXED);
	seq = (ch->seq + 1) & EXO_CHAN_SEQ;
	if (seq == 0)
		seq = 1;	/* 0 in calling means no call */
	/* Said to exod before the call opens: it runs the callee now. */
	__atomic_store_n(&ch->own->calling, seq, __ATOMIC_SEQ_CST);
	if (!callchan_cas(&pg->call, w, seq)) {
		__atomic_store_n(&ch->own->calling, 0, __ATOMIC_SEQ_CST);
		ch->busy = 0;
		return (callchan_closed(pg));
	}
	ch->seq = seq;
	if (__atomic_load_n(&pg->callee_sleeps, __ATOMIC_SEQ_CST))
		callchan_wake(&pg->call);
	error = callchan_await(pg, seq, callchan_now() + ch->deadline_ns);
	__atomic_store_n(&ch->own->calling, 0, __ATOMIC_SEQ_CST);
	ch->busy = 0;
	if (error != 0)
		return (error);
	/* Read once, check, copy: the callee may still be writing. */
	rlen = __atomic_load_n(&pg->rep_len, __ATOMIC_RELAXED);
	status = __atomic_load_n(&pg->rep_status, __ATOMIC_RELAXED);
	if (rlen > EXO_CALL_MAX || status > 0)
		return (-EXO_EPROTO);
	if (status != 0)
		return (status);
	if (rlen > max)
		return (-EXO_EINVAL);
	if (rlen > 0)
		memcpy(reply, pg->rep, rlen);
	if (replylen != NULL)
		*replylen = rlen;
	return (0);
}

int
exo_callchan_close(struct exo_callchan *ch)
{
	struct exo_callchan	**pp;
	struct exo		 *e;
	int			  error = -EXO_ECONN;

	if (ch == NULL)
		return (-EXO_EINVAL);
	if ((e = ch->e) != NULL) {
		error = exo_request(e, EXO_MSG_CHAN_CLOSE, &ch->cap,
		    sizeof ch->cap, NULL, 0, NULL, NULL, 0, NULL);
		for (pp = &e->callchans; *pp != NULL; pp = &(*pp)->next)
			if (*pp == ch) {
				*pp = ch->next;
				break;
			}
	}
	munmap(ch->pg, EXO_CHAN_PAGE);
	munmap(ch->own, EXO_CHAN_PAGE);
	free(ch);
	return (error);
}

uint32_t
exo_callchan_peer(const struct exo_callchan *ch)
{
	return (ch != NULL ? ch->peer : 0);
}

/* exod's upcall: a caller bound a channel to us; accepted by serve. */
void
exo_callchan_upcall(struct exo *e, const struct exo_upcall_chan *u)
{
	unsigned	i;

	for (i = 0; i < EXO_SERVE_MAX; i++)
		if (!e->serve[i].pending && e->serve[i].pg == NULL) {
			e->serve[i].cap = u->cap;
			e->serve[i].peer = u->caller;
			e->serve[i].pending = 1;
			__atomic_add_fetch(&e->serve_gen, 1, __ATOMIC_SEQ_CST);
			return;
		}
	/* Full: the caller's calls time out; its channel closes with it. */
}

/* Take the ends exod offered; drop the ends that closed. */
static void
callchan_tidy(struct exo *e)
{
	struct exo_chan_reply	 r;
	struct exo_serve	*s;
	size_t			 rlen;
	unsigned		 i, nfds;
	int			 fd, error;

	for (i = 0; i < EXO_SERVE_MAX; i++) {
		s = &e->serve[i];
		if (s->pending) {
			s->pending = 0;
			s->seq = 0;
			error = exo_request(e, EXO_MSG_CHAN_ACCEPT, &s->cap,
			    sizeof s->cap, &r, sizeof r, &rlen, &fd, 1, &nfds);
			if (error != 0 || nfds != 1)
				continue;	/* closed meanwhile, or gone */
			if (rlen != sizeof r)
				close(fd);
			else
				s->pg = callchan_map(fd);
			if (s->pg == NULL)	/* we cannot serve it: say so */
				(void)exo_request(e, EXO_MSG_CHAN_CLOSE,
				    &s->cap, sizeof s->cap, NULL, 0, NULL,
				    NULL, 0, NULL);
		} else if (s->pg != NULL &&
		    (callchan_load(&s->pg->call) & EXO_CHAN_CLOSED)) {
			munmap(s->pg, EXO_CHAN_PAGE);
			s->pg = NULL;
		}
	}
}

/* Run the call open on s, if one is: 1 if it ran, else 0. */
static int
callchan_serve_one(struct exo *e, struct exo_serve *s)
{
	unsigned char		 in[EXO_CALL_MAX], out[EXO_CALL_MAX];
	struct exo_chan_page	*pg = s->pg;
	uint32_t		 w, a, len;
	size_t			 rlen = 0;
	int			 status;

	w = callchan_load(&pg->call);
	if ((w & EXO_CHAN_CLOSED) || w == s->seq)
		return (0);
	len = __atomic_load_n(&pg->req_len, __ATOMIC_RELAXED);
	if (len > EXO_CALL_MAX)
		status = -EXO_EPROTO;	/* a caller that scribbled */
	else if (e->pe_protected == NULL)
		status = -EXO_ENOENTRY;
	else {
		memcpy(in, pg->req, len);
		status = e->pe_protected(e, s->peer, in, len, out, &rlen,
		    e->pe_protected_arg);
	}
	if (status > 0 || rlen > EXO_CALL_MAX)
		status = -EXO_EINVAL;
	if (status != 0)
		rlen = 0;
	if (rlen > 0)
		memcpy(pg->rep, out, rlen);
	pg->rep_len = (uint32_t)rlen;
	pg->rep_status = status;
	s->seq = w;
	a = callchan_load(&pg->answer);
	if (!(a & EXO_CHAN_CLOSED) && callchan_cas(&pg->answer, a, w) &&
	    __atomic_load_n(&pg->caller_sleeps, __ATOMIC_SEQ_CST))
		callchan_wake(&pg->answer);
	return (1);
}

/* Sleep until a call, a new channel, a signal or deadline (0: never). */
static void
callchan_sleep(struct exo *e, uint32_t gen, uint64_t deadline)
{
	struct futex_waitv	 wv[EXO_SERVE_MAX + 1];
	struct timespec		 ts;
	struct exo_serve	*s;
	unsigned		 i, n = 0;

	memset(wv, 0, sizeof wv);
	wv[n].val = gen;
	wv[n].uaddr = (uintptr_t)&e->serve_gen;
	wv[n++].flags = FUTEX_32 | FUTEX_PRIVATE_FLAG;
	for (i = 0; i < EXO_SERVE_MAX; i++) {
		s = &e->serve[i];
		if (s->pg == NULL)
			continue;
		__atomic_store_n(&s->pg->callee_sleeps, 1, __ATOMIC_SEQ_CST);
		wv[n].val = s->seq;
		wv[n].uaddr = (uintptr_t)&s->pg->call;
		wv[n++].flags = FUTEX_32;
	}
	/* A call made before the flag was up changed its word: no sleep. */
	if (deadline == 0)
		deadline = callchan_now() + 3600 * 1000000000ULL;
	ts.tv_sec = (time_t)(deadline / 1000000000ULL);
	ts.tv_nsec = (long)(deadline % 1000000000ULL);
	if (syscall(SYS_futex_waitv, wv, n, 0, &ts, CLOCK_MONOTONIC) == -1 &&
	    errno == ENOSYS) {
		ts.tv_sec = 0;		/* an old kernel: look every ms */
		ts.tv_nsec = 1000000;
		nanosleep(&ts, NULL);
	}
	for (i = 0; i < EXO_SERVE_MAX; i++)
		if ((s = &e->serve[i])->pg != NULL)
			__atomic_store_n(&s->pg->callee_sleeps, 0,
			    __ATOMIC_RELAXED);
}

int
exo_callchan_serve(struct exo *e, uint64_t timeout_ns)
{
	uint64_t	start, now, deadline, spin_end;
	uint32_t	gen;
	unsigned	i;
	int		served, saved = errno;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (e == NULL)
		return (-EXO_EINVAL);
	start = callchan_now();
	deadline = timeout_ns == EXO_FOREVER ? 0 : start + timeout_ns;
	spin_end = start + CALLCHAN_SPIN_NS;
	for (;;) {
		gen = __atomic_load_n(&e->serve_gen, __ATOMIC_SEQ_CST);
		callchan_tidy(e);
		for (served = 0, i = 0; i < EXO_SERVE_MAX; i++)
			if (e->serve[i].pg != NULL)
				served += callchan_serve_one(e, &e->serve[i]);
		if (served > 0)
			break;
		now = callchan_now();
		if (deadline != 0 && now >= deadline)
			break;
		if (now < spin_end) {
			callchan_yield(spin_end - now);
			continue;
		}
		callchan_sleep(e, gen, deadline);
	}
	errno = saved;
	return (served);
}

/* e is going: its ends go with it; caller handles stay, unusable. */
void
exo_callchan_fini(struct exo *e)
{
	struct exo_callchan	*ch;
	unsigned		 i;

	for (ch = e->callchans; ch != NULL; ch = ch->next)
		ch->e = NULL;
	e->callchans = NULL;
	for (i = 0; i < EXO_SERVE_MAX; i++)
		if (e->serve[i].pg != NULL) {
			munmap(e->serve[i].pg, EXO_CHAN_PAGE);
			e->serve[i].pg = NULL;
		}
}
