/*
 * revoke.c - taking resources back: the repossession vector, the abort
 * protocol and seeded autosave.
 *
 * Tiles of the display are revoked like blocks, one at a time.
 *
 * exod tells a libOS what it is taking (a REVOKE upcall carrying the
 * repossession vector and a deadline) and the libOS gives the resources
 * back in time, after saving what it wants to keep.  At the deadline exod
 * takes whatever is left by force (the abort protocol): each frame gets a
 * fresh backing object at its next binding and its generation moves on, so
 * neither the old mapping nor the old capability reaches the frame again;
 * then the libOS gets a REPOSSESSED upcall listing what was taken.  A
 * frame seeded for autosave is written to its block before it goes, on
 * every path.  Frames in the protected minimum are never revoked.
 *
 * exod revokes on `exoctl revoke`, and when physical memory runs short
 * for an allocation it decides to honour: one by a libOS that would stay
 * within its fair share (frames / libOSes).  Frames come from the libOSes
 * furthest over their share, and the allocation waits until they are back.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "exod.h"

struct revocation {
	TAILQ_ENTRY(revocation)	 entry;
	struct peer		*target;	/* NULL once it is gone */
	uint8_t			 type;		/* EXO_RES_FRAME or _BLOCK */
	unsigned		 count;
	unsigned		 outstanding;	/* entries not yet back */
	struct exo_revoke_entry	 ent[EXO_BATCH_MAX];
	uint8_t			 back[EXO_BATCH_MAX]; /* entry is back */
	struct event		*ev_deadline;
	struct exo_revoke_reply	 result;
	uint32_t		 waiter;	/* control peer to answer, or 0 */
	struct exo_hdr		 waiter_hdr;
};
TAILQ_HEAD(revocation_list, revocation);

/* An allocation waiting for revoked frames. */
struct revoke_alloc {
	TAILQ_ENTRY(revoke_alloc) entry;
	uint32_t		 libos;
	struct exo_hdr		 hdr;
	unsigned		 count;
};
TAILQ_HEAD(revoke_alloc_list, revoke_alloc);

uint64_t	revoke_deadline_ns = 50 * 1000000ULL;	/* -R */
unsigned	revoke_protected_max = 8;		/* -P */

static struct event_base	*revoke_base;
static struct revocation_list	 revocations =
				    TAILQ_HEAD_INITIALIZER(revocations);
static struct revoke_alloc_list	 revoke_allocs =
				    TAILQ_HEAD_INITIALIZER(revoke_allocs);
static unsigned			 revoke_inflight;	/* frames not yet back */

static void	revoke_deadline_cb(evutil_socket_t, short, void *);
static void	revoke_retry_allocs(void);

void
revoke_init(struct event_base *base)
{
	revoke_base = base;
}

/* Write a revoked frame to its seeded block; the block it went to. */
uint64_t
revoke_autosave(struct peer *p, uint32_t frame)
{
	uint64_t	block = frame_autosave(frame);

	if (block == EXO_NO_BLOCK || !disk_owns(p, block))
		return (EXO_NO_BLOCK);
	if (disk_move(EXO_DISK_WRITE, (uint32_t)block, frame_va(frame)) != 0) {
		log_warn("autosave of frame %u to block %llu", frame,
		    (unsigned long long)block);
		return (EXO_NO_BLOCK);
	}
	disk_count_autosave();
	return (block);
}

static void
revoke_free(struct revocation *r)
{
	TAILQ_REMOVE(&revocations, r, entry);
	if (r->ev_deadline != NULL)
		event_free(r->ev_deadline);
	free(r);
}

/* Every entry is back: answer whoever waits, and retry allocations. */
static void
revoke_finish(struct revocation *r)
{
	struct peer	*w;

	event_del(r->ev_deadline);
	if (r->waiter != 0 && (w = peer_find(r->waiter)) != NULL)
		peer_reply(w, &r->waiter_hdr, 0, &r->result, sizeof r->result,
		    NULL, 0);
	revoke_free(r);
	revoke_retry_allocs();
}

/* Entry i of r came back (given, taken or its owner died). */
static void
revoke_back(struct revocation *r, unsigned i)
{
	if (r->back[i])
		return;
	r->back[i] = 1;
	r->outstanding--;
	if (r->type == EXO_RES_FRAME) {
		revoke_inflight--;
		if (r->target != NULL)
			r->target->frames_revoking--;
	}
}

/*
 * Frame id of p is being unbound (freed, reclaimed or aborted) while r
 * revokes it: autosave it first, and count it back.
 */
void
revoke_frame_gone(struct revocation *r, struct peer *p, uint32_t id,
    int by_force)
{
	unsigned	i;

	for (i = 0; i < r->count; i++) {
		if (r->ent[i].cap.id != id || r->back[i])
			continue;
		r->ent[i].autosave = revoke_autosave(p, id);
		if (r->ent[i].autosave != EXO_NO_BLOCK)
			r->result.autosaved++;
		if (by_force)
			r->result.aborted++;
		else
			r->result.released++;
		revoke_back(r, i);
	}
}

/* Resource id of type (a block or a tile) left p while being revoked. */
static void
revoke_res_gone(struct peer *p, uint8_t type, uint32_t id)
{
	struct revocation	*r, *next;
	unsigned		 i;

	TAILQ_FOREACH_SAFE(r, &revocations, entry, next) {
		if (r->target != p || r->type != type)
			continue;
		for (i = 0; i < r->count; i++)
			if (r->ent[i].cap.id == id && !r->back[i]) {
				r->result.released++;
				revoke_back(r, i);
			}
	}
}

void
revoke_block_gone(struct peer *p, uint32_t id)
{
	revoke_res_gone(p, EXO_RES_BLOCK, id);
}

void
revoke_tile_gone(struct peer *p, uint32_t id)
{
	revoke_res_gone(p, EXO_RES_TILE, id);
}

/* After a free or reclaim: revocations with nothing outstanding end. */
void
revoke_settle(void)
{
	struct revocation	*r, *next;

	TAILQ_FOREACH_SAFE(r, &revocations, entry, next)
		if (r->outstanding == 0)
			revoke_finish(r);
	/* Frames given back of a libOS's own accord serve waiters too. */
	revoke_retry_allocs();
}

/* Send the repossession vector; start the deadline. */
static int
revoke_start(struct revocation *r)
{
	unsigned char		 buf[sizeof(struct exo_upcall_revoke) +
				    EXO_BATCH_MAX * sizeof(struct exo_revoke_entry)];
	struct exo_upcall_revoke u;
	struct timeval		 tv;

	r->ev_deadline = evtimer_new(revoke_base, revoke_deadline_cb, r);
	if (r->ev_deadline == NULL)
		return (-1);
	memset(&u, 0, sizeof u);
	u.deadline_ns = sched_now() + revoke_deadline_ns;
	u.count = r->count;
	memcpy(buf, &u, sizeof u);
	memcpy(buf + sizeof u, r->ent, r->count * sizeof r->ent[0]);
	/* Always rung: a stopped libOS finds it at its next turn. */
	(void)chan_upcall(r->target, EXO_UPCALL_REVOKE, buf, sizeof u +
	    r->count * sizeof r->ent[0], 1);
	r->target->revocations++;
	history_add(EXO_HIST_REVOKE, 0, r->target->libos, r->type, r->count, 0);
	tv.tv_sec = (time_t)(revoke_deadline_ns / 1000000000ULL);
	tv.tv_usec = (suseconds_t)(revoke_deadline_ns % 1000000000ULL / 1000);
	event_add(r->ev_deadline, &tv);
	TAILQ_INSERT_TAIL(&revocations, r, entry);
	return (0);
}

static struct revocation *
revoke_new(struct peer *target, uint8_t type)
{
	struct revocation	*r;

	if ((r = calloc(1, sizeof *r)) == NULL)
		return (NULL);
	r->target = target;
	r->type = type;
	return (r);
}

static void
revoke_add_frame(struct revocation *r, uint32_t id)
{
	struct exo_revoke_entry	*e = &r->ent[r->count++];

	frame_cap(r->target, id, &e->cap);
	e->autosave = frame_autosave(id);
	frame_set_rev(id, r);
	r->outstanding++;
	revoke_inflight++;
	r->target->frames_revoking++;
}

/* Revoke n revocable frames of p (or frame id when n == 0). */
static int
revoke_frames(struct peer *p, unsigned n, int64_t id, uint32_t waiter,
    const struct exo_hdr *wh)
{
	struct revocation	*r;
	uint32_t		 ids[EXO_BATCH_MAX];
	unsigned		 i, got;

	if (id >= 0) {
		if ((uint64_t)id >= frame_total() || frame_owner((uint32_t)id) !=
		    p->libos)
			return (-EXO_EINVAL);
		if (frame_protected((uint32_t)id))
			return (-EXO_EPERM);
		if (frame_rev((uint32_t)id) != NULL)
			return (-EXO_EREVOKING);
		ids[0] = (uint32_t)id;
		got = 1;
	} else if ((got = frame_pick_revocable(p, n, ids)) == 0)
		return (-EXO_ELIMIT);
	if ((r = revoke_new(p, EXO_RES_FRAME)) == NULL)
		return (-EXO_ENOMEM);
	for (i = 0; i < got; i++)
		revoke_add_frame(r, ids[i]);
	r->result.revoked = got;
	r->waiter = waiter;
	if (wh != NULL)
		r->waiter_hdr = *wh;
	if (revoke_start(r) == -1) {
		for (i = 0; i < got; i++)
			frame_set_rev(ids[i], NULL);
		revoke_inflight -= got;
		p->frames_revoking -= got;
		free(r);
		return (-EXO_ENOMEM);
	}
	return (0);
}

/* Is resource id of type (a block or a tile) of p being revoked? */
static int
revoke_busy(const struct peer *p, uint8_t type, uint64_t id)
{
	struct revocation	*r;
	unsigned		 i;

	TAILQ_FOREACH(r, &revocations, entry)
		if (r->target == p && r->type == type)
			for (i = 0; i < r->count; i++)
				if (r->ent[i].cap.id == id && !r->back[i])
					return (1);
	return (0);
}

/* Revoke one block or one tile of p. */
static int
revoke_one(struct peer *p, uint8_t type, uint64_t id, uint32_t waiter,
    const struct exo_hdr *wh)
{
	struct revocation	*r;
	struct exo_revoke_entry	*e;

	if (type == EXO_RES_BLOCK ? id >= disk_blocks() ||
	    !disk_bound_to(p, (uint32_t)id) : !tile_bound_to(p, id))
		return (-EXO_EINVAL);
	if (revoke_busy(p, type, id))
		return (-EXO_EREVOKING);
	if ((r = revoke_new(p, type)) == NULL)
		return (-EXO_ENOMEM);
	e = &r->ent[r->count++];
	if (type == EXO_RES_BLOCK)
		disk_cap(p, (uint32_t)id, &e->cap);
	else
		tile_cap(p, (uint32_t)id, &e->cap);
	e->autosave = EXO_NO_BLOCK;
	r->outstanding = 1;
	r->result.revoked = 1;
	r->waiter = waiter;
	r->waiter_hdr = *wh;
	if (revoke_start(r) == -1) {
		free(r);
		return (-EXO_ENOMEM);
	}
	return (0);
}

/* A block or tile the revocation did not get back: taken now. */
static void
revoke_take(struct revocation *r, struct peer *p, unsigned i)
{
	uint32_t	id = (uint32_t)r->ent[i].cap.id;

	r->result.aborted++;
	revoke_back(r, i);
	if (r->type == EXO_RES_BLOCK)
		disk_unbind(p, id);
	else
		tile_abort(p, id);
}

/* REVOKE from a control peer: answered when the revocation is over. */
void
revoke_request(struct peer *c, const struct exo_hdr *h,
    const struct exo_revoke *req)
{
	struct peer	*p = peer_find(req->target);
	int		 error;

	if (p == NULL || (p->flags & PEER_CONTROL))
		error = -EXO_ENOLIBOS;
	else if (req->kind == EXO_REVOKE_FRAMES)
		error = req->arg == 0 || req->arg > EXO_BATCH_MAX ?
		    -EXO_EINVAL : revoke_frames(p, (unsigned)req->arg, -1,
		    c->libos, h);
	else if (req->kind == EXO_REVOKE_FRAME)
		error = req->arg > INT64_MAX ? -EXO_EINVAL :
		    revoke_frames(p, 0, (int64_t)req->arg, c->libos, h);
	else if (req->kind == EXO_REVOKE_BLOCK)
		error = revoke_one(p, EXO_RES_BLOCK, req->arg, c->libos, h);
	else if (req->kind == EXO_REVOKE_TILE)
		error = revoke_one(p, EXO_RES_TILE, req->arg, c->libos, h);
	else
		error = -EXO_EINVAL;
	if (error != 0)
		peer_reply(c, h, error, NULL, 0, NULL, 0);
}

/* The deadline passed: the abort protocol. */
static void
revoke_deadline_cb(evutil_socket_t fd, short events, void *arg)
{
	unsigned char		 buf[sizeof(struct exo_upcall_revoke) +
				    EXO_BATCH_MAX * sizeof(struct exo_revoke_entry)];
	struct revocation	*r = arg;
	struct exo_upcall_revoke u;
	struct peer		*p = r->target;
	unsigned		 i, n = 0;
	uint32_t		 id;

	memset(&u, 0, sizeof u);
	for (i = 0; i < r->count; i++) {
		if (r->back[i])
			continue;
		id = (uint32_t)r->ent[i].cap.id;
		if (r->type == EXO_RES_FRAME)
			frame_abort(p, id);	/* autosaves, counts it back */
		else
			revoke_take(r, p, i);
		memcpy(buf + sizeof u + n * sizeof r->ent[0], &r->ent[i],
		    sizeof r->ent[0]);
		n++;
	}
	if (n > 0) {
		p->aborts++;
		history_add(EXO_HIST_ABORT, 0, p->libos, r->type, n, 0);
		u.count = n;
		memcpy(buf, &u, sizeof u);
		(void)chan_upcall(p, EXO_UPCALL_REPOSSESSED, buf, sizeof u +
		    n * sizeof r->ent[0], 1);
		log_debug("libOS %u: %u resources taken at the deadline",
		    p->libos, n);
	}
	revoke_finish(r);
}

/* p is leaving: what it was asked for comes back now. */
void
revoke_peer_gone(struct peer *p)
{
	struct revocation	*r, *next;
	unsigned		 i;

	TAILQ_FOREACH_SAFE(r, &revocations, entry, next) {
		if (r->target != p)
			continue;
		for (i = 0; i < r->count; i++) {
			if (r->back[i])
				continue;
			if (r->type == EXO_RES_FRAME)
				frame_abort(p, (uint32_t)r->ent[i].cap.id);
			else
				revoke_take(r, p, i);
		}
		r->target = NULL;
	}
}

/*
 * Frames promised to waiting allocations whose libOS is still here: the
 * free frames and those on their way back are theirs first, so that
 * every honoured request is served, however many wait at once.
 */
static unsigned
revoke_promised(void)
{
	struct revoke_alloc	*a;
	unsigned		 n = 0;

	TAILQ_FOREACH(a, &revoke_allocs, entry)
		if (peer_find(a->libos) != NULL)
			n += a->count;
	return (n);
}

/* Free frames that no waiting allocation is counting on. */
unsigned
revoke_spare(void)
{
	unsigned	 nfree = frame_free_count(), promised = revoke_promised();

	return (nfree > promised ? nfree - promised : 0);
}

/* How far q is over the share, counting what it is giving back already. */
static unsigned
revoke_over(const struct peer *q, unsigned share)
{
	unsigned	keeps = q->frames - q->frames_revoking;

	return (keeps > share ? keeps - share : 0);
}

/* How many libOSes share physical memory, for the fair share. */
static unsigned
revoke_libos_count(void)
{
	struct peer	*p;
	unsigned	 n = 0;

	TAILQ_FOREACH(p, &peers, entry)
		if ((p->flags & PEER_HELLO) &&
		    !(p->flags & (PEER_CONTROL | PEER_GONE)))
			n++;
	return (n > 0 ? n : 1);
}

/*
 * FRAME_ALLOC could not be met from the spare frames.  Honour it if p
 * would stay within its fair share: revoke from those furthest over theirs
 * what neither the free frames nor those on their way back cover once the
 * requests waiting already are served, and let it wait behind them.
 * Returns 0 when it waits, -EXO_ENOMEM when refused.
 */
int
revoke_for_alloc(struct peer *p, const struct exo_hdr *h, unsigned n)
{
	struct revoke_alloc	*a;
	struct peer		*q, *worst;
	unsigned		 share, need, have, promised, take, over;
	unsigned		 worst_over;

	/* One waiting allocation per libOS: pipelining more takes nothing. */
	TAILQ_FOREACH(a, &revoke_allocs, entry)
		if (a->libos == p->libos)
			return (-EXO_ENOMEM);
	share = frame_total() / revoke_libos_count();
	if (p->frames + n > share)
		return (-EXO_ENOMEM);
	/* What is free or coming back, less what earlier waiters count on. */
	have = frame_free_count() + revoke_inflight;
	promised = revoke_promised();
	have = have > promised ? have - promised : 0;
	need = n > have ? n - have : 0;
	/* Enough revocable frames over others' shares?  Else take nothing. */
	take = 0;
	TAILQ_FOREACH(q, &peers, entry)
		if (q != p && revoke_over(q, share) > 0)
			take += frame_revocable_count(q, revoke_over(q, share));
	if (take < need)
		return (-EXO_ENOMEM);
	while (need > 0) {
		worst = NULL;
		worst_over = 0;
		TAILQ_FOREACH(q, &peers, entry) {
			over = revoke_over(q, share);
			if (q != p && over > worst_over &&
			    frame_revocable_count(q, over) > 0) {
				worst = q;
				worst_over = over;
			}
		}
		if (worst == NULL)
			break;
		take = frame_revocable_count(worst, worst_over);
		if (take > need)
			take = need;
		if (take > EXO_BATCH_MAX)
			take = EXO_BATCH_MAX;
		if (revoke_frames(worst, take, -1, 0, NULL) != 0)
			break;
		need -= take;
	}
	if ((a = calloc(1, sizeof *a)) == NULL)
		return (-EXO_ENOMEM);
	a->libos = p->libos;
	a->hdr = *h;
	a->count = n;
	TAILQ_INSERT_TAIL(&revoke_allocs, a, entry);
	revoke_retry_allocs();
	return (0);
}

/* Serve waiting allocations, in order, as frames come back. */
static void
revoke_retry_allocs(void)
{
	struct revoke_alloc	*a;
	struct peer		*p;

	while ((a = TAILQ_FIRST(&revoke_allocs)) != NULL) {
		p = peer_find(a->libos);
		if (p != NULL && frame_free_count() < a->count &&
		    revoke_inflight > 0)
			return;		/* more is on its way */
		TAILQ_REMOVE(&revoke_allocs, a, entry);
		if (p != NULL)
			frame_alloc_reply(p, &a->hdr, a->count);
		free(a);
	}
}

/* exod is stopping. */
void
revoke_fini(void)
{
	struct revocation	*r;
	struct revoke_alloc	*a;

	while ((r = TAILQ_FIRST(&revocations)) != NULL)
		revoke_free(r);
	while ((a = TAILQ_FIRST(&revoke_allocs)) != NULL) {
		TAILQ_REMOVE(&revoke_allocs, a, entry);
		free(a);
	}
	revoke_inflight = 0;
}
