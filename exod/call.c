/*
 * call.c - protected control transfer: one libOS calls into another's
 * protected entry and gets its answer.
 *
 * The caller is blocked in its CALL request; if it holds the CPU, its
 * slice is donated: exod stops it and runs the callee in its place until
 * the callee answers.  A callee serves one call at a time.  If the callee
 * dies first, the caller gets EXO_EDIED; if the caller dies first, the
 * answer is dropped.
 */
#include "config.h"

#include <string.h>

#include "exod.h"

uint64_t	call_deadline_ns = 1000 * 1000000ULL;	/* -c */

/* End a's call to b: the links go. */
static void
call_unlink(struct peer *a, struct peer *b)
{
	a->cpu.call_target = NULL;
	a->cpu.call_deadline = 0;
	if (b != NULL)
		b->cpu.call_caller = NULL;
}

/*
 * At every quantum boundary: a caller whose callee has not answered by
 * the deadline goes on without it.  Checking here, rather than with a
 * timer per call, keeps a call to two crossings of exod and nothing more;
 * the deadline is kept to within a quantum.
 */
void
call_sweep(uint64_t now)
{
	struct peer	*a, *next, *b;

	TAILQ_FOREACH_SAFE(a, &peers, entry, next) {
		if ((b = a->cpu.call_target) == NULL ||
		    now < a->cpu.call_deadline)
			continue;
		call_unlink(a, b);
		history_add(EXO_HIST_RETURN, a->libos, b->libos, 0, 0,
		    -EXO_ETIMEDOUT);
		peer_reply(a, &a->cpu.call_hdr, -EXO_ETIMEDOUT, NULL, 0, NULL,
		    0);
		sched_undonate(a, b);
	}
}

void
call_start(struct peer *a, const struct exo_hdr *h, uint32_t target,
    const void *data, uint32_t len)
{
	unsigned char		 buf[sizeof(struct exo_upcall_call) + EXO_CALL_MAX];
	struct exo_upcall_call	 u;
	struct peer		*b;
	uint32_t		 id;
	int			 status;

	b = peer_find(target);
	if (a->cpu.call_target != NULL)
		status = -EXO_ESTATE;	/* one call at a time */
	else if (b == NULL || (b->flags & PEER_CONTROL))
		status = -EXO_ENOLIBOS;
	else if (b == a)
		status = -EXO_EINVAL;
	else if (!(b->cpu.entries & EXO_ENTRY_PROTECTED))
		status = -EXO_ENOENTRY;
	else if (b->cpu.call_caller != NULL || b->cpu.call_target != NULL)
		status = -EXO_EBUSYTARGET;
	else
		status = 0;
	if (status != 0) {
		peer_reply(a, h, status, NULL, 0, NULL, 0);
		return;
	}
	memset(&u, 0, sizeof u);
	u.caller = a->libos;
	u.callid = chan_next_id(b);	/* the id the upcall will carry */
	u.len = len;
	memcpy(buf, &u, sizeof u);
	memcpy(buf + sizeof u, data, len);
	/* A callee that can run now is rung; one that waits is woken by
	 * the message itself; a stopped one finds both at its next turn. */
	id = chan_upcall(b, EXO_UPCALL_CALL, buf, sizeof u + len,
	    !sched_waiting(b));
	if (id == 0) {
		peer_reply(a, h, -EXO_EBUSYTARGET, NULL, 0, NULL, 0);
		return;
	}
	a->cpu.call_target = b;
	a->cpu.call_hdr = *h;
	a->cpu.call_id = id;
	b->cpu.call_caller = a;
	a->cpu.call_deadline = sched_now() + call_deadline_ns;
	history_add(EXO_HIST_CALL, a->libos, b->libos, 0, len, 0);
	sched_donate(a, b);
}

/* The callee's answer, from its channel. */
void
call_answer(struct peer *b, const struct exo_hdr *h, const void *payload,
    size_t len)
{
	struct exo_call_reply	 r;
	struct peer		*a = b->cpu.call_caller;

	if (len < sizeof r)
		return;
	memcpy(&r, payload, sizeof r);
	if (r.len > EXO_CALL_MAX || len != sizeof r + r.len || r.status > 0)
		return;			/* malformed: the call stays open */
	if (a == NULL || h->id != a->cpu.call_id)
		return;			/* stale, or the caller is gone */
	call_unlink(a, b);
	history_add(EXO_HIST_RETURN, a->libos, b->libos, 0, r.len, r.status);
	peer_reply(a, &a->cpu.call_hdr, 0, payload, len, NULL, 0);
	sched_undonate(a, b);
}

/* p is leaving: end any call it is part of. */
void
call_peer_gone(struct peer *p)
{
	struct peer	*a = p->cpu.call_caller, *b = p->cpu.call_target;

	if (a != NULL) {		/* p was serving a's call */
		call_unlink(a, p);
		history_add(EXO_HIST_RETURN, a->libos, p->libos, 0, 0,
		    -EXO_EDIED);
		peer_reply(a, &a->cpu.call_hdr, -EXO_EDIED, NULL, 0, NULL, 0);
		sched_undonate(a, p);
	}
	if (b != NULL) {		/* p was calling b */
		call_unlink(p, b);
		history_add(EXO_HIST_RETURN, p->libos, b->libos, 0, 0,
		    -EXO_EDIED);
		sched_undonate(NULL, b);
	}
}
