/*
 * revoke.c - exod's revocations of user frames, answered by paging out.
 *
 * exod asks frames back with a repossession vector (exo_revoke(3)) and
 * takes what is not given back by its deadline.  The vector reaches the
 * interrupt entry, in signal context, at any instruction, possibly in the
 * middle of the kernel's own work on the page tables, so the entry does
 * only two things there, both safe at any moment:
 *
 *	- for each of its frames in the vector (frame.c's: the buffer
 *	  cache's are the file system's, fsboot.c), it takes a block from
 *	  swap.c's reserve and seeds the frame's autosave to it
 *	  (exo_autosave(3)): from then on, however the frame leaves the
 *	  libOS -- given back, or taken at the deadline -- exod writes it
 *	  to that block first;
 *	- it queues the entry, and asks for a reschedule.
 *
 * At the next safe point (the scheduler's housekeeping, which every
 * process reaches at its next tick or system call) revoke_serve makes
 * every page that maps a queued frame name the block as its swap slot
 * (pageout_frames) and gives the frame back, and exod's autosave writes
 * it on the way: the processes fault their pages back in later, unaware.
 * Only when the reserve is empty does a frame go unseeded; the kernel
 * then writes it to a fresh slot itself.
 *
 * The abort path: a frame whose deadline passes before the kernel serves
 * it is taken.  Its pages survive only if they had a clean copy in swap;
 * the others are lost, and every process that mapped one is killed with a
 * message, never left running with wrong bytes (see revoke_unsaved for
 * why exod's autosave of it is not used).  The gate page is in the
 * protected minimum (vm.c) and never revoked.
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "defs.h"
#include "proc.h"
#include "swap.h"
#include "vm.h"

/* Queued entries: a revocation and its repossession for each of 2,048
 * frames.  One dropped past that is found again by revoke_refused. */
#define REVOKE_PENDING	4096

struct revoke_entry {
	int		 kind;	/* EXO_INTR_REVOKE or EXO_INTR_REPOSSESSED */
	uint32_t	 id;	/* the frame, as frame.c numbers it */
	uint64_t	 gen;	/* the binding exod meant */
	int		 ours;	/* frame.c's when it came */
	int		 seeded; /* REVOKE: block holds the frame's autosave */
	struct exo_cap	 block;
	uint64_t	 autosave; /* REPOSSESSED: the block written, or
				      EXO_NO_BLOCK */
};

/* Written by the interrupt entry; drained with the upcall blocked. */
static struct revoke_entry	revoke_q[REVOKE_PENDING];
volatile unsigned		revoke_npending;
static uint64_t			revoke_overflow;

/*
 * Seed the autosave of the revoked frames queued from first on, in one
 * request if it can (a vector's deadline may leave no time for one per
 * frame), else frame by frame.
 */
static void
revoke_seed(unsigned first)
{
	static struct exo_autosave_pair	 pairs[EXO_BATCH_MAX];
	struct revoke_entry		*r;
	unsigned			 i, n = 0;

	for (i = first; i < revoke_npending && n < EXO_BATCH_MAX; i++) {
		r = &revoke_q[i];
		if (!r->ours)
			continue;
		if (swap_reserve_take(&r->block) != 0)
			break;
		r->seeded = 1;
		pairs[n].frame = *frame_cap(r->id);
		pairs[n++].block = r->block;
	}
	if (n == 0 || exo_autosave_batch(unix_exo, pairs, n) == 0)
		return;
	for (i = first; i < revoke_npending; i++) {
		r = &revoke_q[i];
		if (r->seeded && exo_autosave(unix_exo, frame_cap(r->id),
		    &r->block) != 0)
			r->seeded = 0;	/* gone already; the block is adopted */
	}
}

/* Queue an entry (signal-safe: plain stores); -1 when the queue is full. */
static int
revoke_push(int kind, uint32_t id, uint64_t gen, uint64_t autosave, int ours)
{
	struct revoke_entry	*r;

	if (revoke_npending == REVOKE_PENDING)
		return (-1);
	r = &revoke_q[revoke_npending];
	memset(r, 0, sizeof *r);
	r->kind = kind;
	r->id = id;
	r->gen = gen;
	r->autosave = autosave;
	r->ours = ours;
	if (ours)
		frame_mark_revoking(id);
	revoke_npending++;
	return (0);
}

/*
 * The interrupt entry's share (trap.c): in signal context, or run by
 * libexo at the end of one of the kernel's own requests (exo_request(3)
 * runs the upcalls that came meanwhile), on the kernel stack.  A second
 * vector may arrive while the seeds of the first are being sent: it is
 * queued, unseeded.
 */
void
revoke_intr(const struct exo_intr *in)
{
	static volatile int	 busy;
	unsigned		 first = revoke_npending;
	uint32_t		 i;

	if (in->kind != EXO_INTR_REVOKE && in->kind != EXO_INTR_REPOSSESSED)
		return;
	for (i = 0; i < in->count; i++) {
		/*
		 * A frame not ours may be one a refill is binding right now
		 * (this may run at the end of that very request): queued
		 * too, unseeded; revoke_serve looks again.
		 */
		if (in->vec[i].cap.type != EXO_RES_FRAME)
			continue;
		if (revoke_push(in->kind, (uint32_t)in->vec[i].cap.id,
		    in->vec[i].cap.gen, in->vec[i].autosave,
		    frame_owns(&in->vec[i].cap)) != 0)
			revoke_overflow++;
	}
	if (in->kind == EXO_INTR_REVOKE && !busy) {
		busy = 1;
		revoke_seed(first);
		busy = 0;
	}
	sched_need_resched = 1;
}

static void
revoke_mask(int how)
{
	sigset_t	set;

	sigemptyset(&set);
	sigaddset(&set, EXO_SIG_UPCALL);
	(void)sigprocmask(how, &set, NULL);
}

/*
 * exod refused frame id, ours under its current generation, as stale
 * (vm.c, loading a translation): it was taken, and its repossession is
 * one the queue had no room for.  Queue it as if it had come, so that
 * revoke_serve settles its pages as it would have.  Kernel context.
 */
void
revoke_refused(uint32_t id)
{
	revoke_mask(SIG_BLOCK);
	(void)revoke_push(EXO_INTR_REPOSSESSED, id, frame_cap(id)->gen,
	    EXO_NO_BLOCK, 1);	/* full: the next refusal tries again */
	revoke_mask(SIG_UNBLOCK);
}

/* Is frame id still the binding r names? */
static int
revoke_current(const struct revoke_entry *r)
{
	struct exo_cap	c;

	memset(&c, 0, sizeof c);
	c.type = EXO_RES_FRAME;
	c.id = r->id;
	c.gen = r->gen;
	return (frame_owns(&c));
}

static int
revoke_find(const uint32_t *ids, unsigned n, uint32_t id)
{
	unsigned	i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return ((int)i);
	return (-1);
}

/*
 * Frame f was taken at the deadline, before the kernel could serve its
 * revocation.  Its autosave, if exod wrote one, is not trusted: it is
 * the frame as it was at the deadline, and between the deadline and now
 * the frame may have been written through a translation still loaded or
 * handed out again from the free list.  Its pages can be read back only
 * from a clean copy it had in swap (which no store can have made stale:
 * the first store breaks the link); otherwise they are lost (SWAP_LOST)
 * and their processes die.  A slot adopted for its seed is freed.
 */
static void
revoke_unsaved(uint32_t *slot, uint32_t f)
{
	if (*slot != SWAP_NONE && *slot != SWAP_LOST)
		swap_settle(*slot);
	*slot = frame_slot(f) != SWAP_NONE ? frame_slot(f) : SWAP_LOST;
}

/*
 * Serve the queued entries: page out, give back, forget.  Kernel
 * context, at a safe point: no process is in the middle of changing a
 * page table.
 */
void
revoke_serve(void)
{
	static struct revoke_entry	q[REVOKE_PENDING];
	static uint32_t			ids[REVOKE_PENDING];
	static uint32_t			slots[REVOKE_PENDING];
	static int			gone[REVOKE_PENDING];
	unsigned			n, i, m = 0;
	int				k;

	if (revoke_npending == 0)
		return;
	revoke_mask(SIG_BLOCK);
	n = revoke_npending;
	memcpy(q, revoke_q, n * sizeof q[0]);
	revoke_npending = 0;
	revoke_mask(SIG_UNBLOCK);

	for (i = 0; i < n; i++) {
		if (!revoke_current(&q[i])) {
			/* A frame forgotten already: its seed goes unused. */
			if (q[i].block.type == EXO_RES_BLOCK)
				swap_settle(swap_adopt(&q[i].block));
			continue;
		}
		if ((k = revoke_find(ids, m, q[i].id)) >= 0) {
			if (q[i].block.type == EXO_RES_BLOCK)
				swap_settle(swap_adopt(&q[i].block));
			/* Its repossession, after the revocation. */
			if (q[i].kind == EXO_INTR_REPOSSESSED) {
				gone[k] = 1;
				revoke_unsaved(&slots[k], ids[k]);
			}
			continue;
		}
		ids[m] = q[i].id;
		gone[m] = q[i].kind == EXO_INTR_REPOSSESSED;
		slots[m] = q[i].seeded ? swap_adopt(&q[i].block) : SWAP_NONE;
		if (!q[i].seeded && q[i].block.type == EXO_RES_BLOCK)
			swap_settle(swap_adopt(&q[i].block));	/* unused */
		if (gone[m])
			revoke_unsaved(&slots[m], ids[m]);
		m++;
	}
	pageout_frames(ids, slots, m);
	for (i = 0; i < m; i++) {
		if (frame_refs(ids[i]) != 0) {
			unix_log("revoke: frame %u is still mapped", ids[i]);
			continue;
		}
		if (frame_release(ids[i], gone[i]) == 0 && !gone[i])
			swap_st.revoked++;
		else
			swap_st.lost++;
		if (slots[i] != SWAP_NONE && slots[i] != SWAP_LOST)
			swap_settle(slots[i]);
	}
	revoke_mask(SIG_BLOCK);
	swap_reserve_fill();
	revoke_mask(SIG_UNBLOCK);
}
