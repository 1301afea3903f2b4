/*
 * frame.c - the page frames behind every process's memory.
 *
 * Frames come from exod in batches (one round trip for FRAME_BATCH of
 * them) and stay bound to the libOS while it uses them; a frame whose
 * last page goes away is not given back at once but kept on a free list,
 * for the next fork or sbrk, until the libOS is idle (frame_trim).  Each
 * frame is indexed by exod's own frame number (cap.id), which is unique
 * while the frame is bound, and is mapped into the libOS, outside the
 * region, the first time the libOS needs its bytes: that kernel mapping
 * is how the libOS reads and writes user memory (exec, copyin and
 * copyout, copy-on-write), so the libOS never touches the region itself.
 * A frame fresh from exod is all zeroes (exo_frame_alloc(3)), so a
 * zero-filled page needs neither the mapping nor a memset: the minor
 * fault on a fresh frame costs the host one mmap and one page fault less.
 *
 * libos-unix -M caps the frames it holds for user pages (in use or on the
 * free list).  At the cap, or when exod has no frame to give, frame_alloc
 * asks the replacement policy (pageout.c) to evict pages to swap, which
 * puts their frames on the free list; the signal path never does (it
 * cannot wait for the disk) and enters the libOS instead.
 *
 * Everything here runs with the kernel quiescent: either in kernel
 * context, or in the signal path when it interrupted user code.
 */
#include "config.h"

#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>

#include "defs.h"
#include "swap.h"

#define FRAME_BATCH	64
#define FRAME_NONE	UINT32_MAX

struct kframe {
	struct exo_frame f;	/* fd != -1 while bound */
	uint32_t	 ref;	/* pages that map it; 0 while on the free list */
	uint32_t	 next;	/* free list link */
	uint32_t	 slot;	/* swap slot with the same bytes, or SWAP_NONE;
				   none while on the free list */
	volatile int	 revoking; /* exod asked it back (revoke.c): never
				   handed out again */
	int		 fresh;	/* as exod bound it, never handed out: all
				   zero bytes (exo_frame_alloc(3)) */
};

static struct {
	struct exo	*e;
	struct kframe	*tab;	/* ntab entries, by exod's frame number */
	uint32_t	 ntab;
	uint32_t	 free;	/* head of the free list */
	unsigned	 nfree;	/* on the free list or the held list */
	uint32_t	 held;	/* free but being revoked: not handed out */
	unsigned	 nbound; /* bound to us: in use or on the free list */
	unsigned	 limit;	/* -M: nbound stays at most this; 0: none */
	unsigned	 peak;	/* the most nbound has been */
} fr;

int
frame_init(struct exo *e)
{
	uint32_t	i;

	fr.e = e;
	fr.ntab = exo_frames_total(e);
	if (fr.ntab == 0)
		return (-1);
	if ((fr.tab = calloc(fr.ntab, sizeof *fr.tab)) == NULL)
		return (-1);
	for (i = 0; i < fr.ntab; i++) {
		fr.tab[i].f.fd = -1;
		fr.tab[i].slot = SWAP_NONE;
	}
	fr.free = FRAME_NONE;
	fr.held = FRAME_NONE;
	return (0);
}

/* Take up to n frames from exod onto the free list; how many came. */
static unsigned
frame_refill(unsigned n)
{
	struct exo_frame	 batch[FRAME_BATCH];
	struct kframe		*k;
	unsigned		 i, got = 0;

	if (n > FRAME_BATCH)
		n = FRAME_BATCH;
	if (fr.limit != 0 && n > fr.limit - fr.nbound)
		n = fr.limit - fr.nbound;	/* -M: hold no more */
	while (n > 0 && exo_frame_alloc_batch(fr.e, batch, n) != 0)
		n /= 2;		/* exod is short: take what it has */
	for (i = 0; i < n; i++) {
		if (batch[i].cap.id >= fr.ntab) {
			(void)exo_frame_free(fr.e, &batch[i]);
			continue;
		}
		/* Not mapped into the libOS yet: a frame that only ever
		 * becomes a zero-filled user page never needs to be. */
		k = &fr.tab[batch[i].cap.id];
		k->f = batch[i];
		k->fresh = 1;
		k->ref = 0;
		k->next = fr.free;
		fr.free = (uint32_t)batch[i].cap.id;
		fr.nfree++;
		fr.nbound++;
		got++;
	}
	if (fr.nbound > fr.peak)
		fr.peak = fr.nbound;
	return (got);
}

static int64_t
frame_pop(int zero)
{
	struct kframe	*k;
	uint32_t	 id;

	/* A frame exod asks back waits aside for revoke.c to give it. */
	while ((id = fr.free) != FRAME_NONE && fr.tab[id].revoking) {
		fr.free = fr.tab[id].next;
		fr.tab[id].next = fr.held;
		fr.held = id;
	}
	if (id == FRAME_NONE)
		return (-1);
	k = &fr.tab[id];
	fr.free = k->next;
	fr.nfree--;
	k->ref = 1;
	if (zero && !k->fresh)
		memset(frame_kva(id), 0, EXO_FRAME_SIZE);
	k->fresh = 0;
	return (id);
}

/*
 * A frame with one reference, zeroed if zero (a recycled frame holds
 * another process's data); -1 if there is none: exod has none left or
 * the libOS is at -M, and nothing could be paged out.  Kernel context
 * only: it may ask exod and write to swap.
 */
int64_t
frame_alloc(int zero)
{
	if (fr.free == FRAME_NONE && frame_refill(FRAME_BATCH) == 0 &&
	    pageout_evict() == 0)
		return (-1);
	return (frame_pop(zero));
}

void
frame_set_limit(unsigned n)
{
	fr.limit = n;
}

unsigned
frame_limit(void)
{
	return (fr.limit);
}

unsigned
frame_peak(void)
{
	return (fr.peak);
}

/* A frame from the free list alone, zeroed, -1 if it is empty: for the
 * signal path, which cannot wait for exod. */
int64_t
frame_alloc_pooled(void)
{
	return (frame_pop(1));
}

void
frame_ref(uint32_t id)
{
	fr.tab[id].ref++;
}

void
frame_unref(uint32_t id)
{
	struct kframe	*k = &fr.tab[id];

	if (k->ref == 0)
		unix_panic("frame %u: unreferenced twice", id);
	if (--k->ref > 0)
		return;
	swap_unlink_frame(id);	/* a clean copy of nothing: the slot goes */
	k->next = fr.free;
	fr.free = id;
	fr.nfree++;
}

uint32_t
frame_refs(uint32_t id)
{
	return (fr.tab[id].ref);
}

/* The frame's kernel mapping, made on first use (frame_refill makes
 * none). */
void *
frame_kva(uint32_t id)
{
	struct kframe	*k = &fr.tab[id];

	if (k->f.va == NULL &&
	    exo_frame_map(&k->f, PROT_READ | PROT_WRITE) == NULL)
		unix_panic("frame %u: cannot map it into the libOS", id);
	return (k->f.va);
}

const struct exo_cap *
frame_cap(uint32_t id)
{
	return (&fr.tab[id].f.cap);
}

uint32_t
frame_slot(uint32_t id)
{
	return (fr.tab[id].slot);
}

void
frame_set_slot(uint32_t id, uint32_t slot)
{
	fr.tab[id].slot = slot;
}

/* Frames in use, and of those the ones more than one page maps. */
void
frame_census(unsigned *used, unsigned *shared)
{
	uint32_t	i;

	*used = fr.nbound - fr.nfree;
	*shared = 0;
	for (i = 0; i < fr.ntab; i++)
		if (fr.tab[i].ref > 1)
			(*shared)++;
}

/* Give exod back every free frame beyond keep. */
void
frame_trim(unsigned keep)
{
	struct exo_frame	 batch[FRAME_BATCH];
	struct kframe		*k;
	unsigned		 n, i;

	/* The held list is revoke.c's to give back. */
	while (fr.nfree > keep && fr.free != FRAME_NONE) {
		n = fr.nfree - keep;
		if (n > FRAME_BATCH)
			n = FRAME_BATCH;
		for (i = 0; i < n && fr.free != FRAME_NONE; i++) {
			k = &fr.tab[fr.free];
			fr.free = k->next;
			batch[i] = k->f;
			k->f.fd = -1;
			k->f.va = NULL;
			k->slot = SWAP_NONE;
			k->revoking = 0;
		}
		n = i;
		fr.nfree -= n;
		fr.nbound -= n;
		if (exo_frame_free_batch(fr.e, batch, n) != 0)
			unix_log("could not give %u frames back to exod", n);
	}
}

unsigned
frame_bound(void)
{
	return (fr.nbound);
}

unsigned
frame_used(void)
{
	return (fr.nbound - fr.nfree);
}

/* Is cap a frame of ours, bound under that generation now?  Safe in the
 * interrupt entry: it only reads. */
int
frame_owns(const struct exo_cap *cap)
{
	return (cap->type == EXO_RES_FRAME && cap->id < fr.ntab &&
	    fr.tab[cap->id].f.fd != -1 &&
	    fr.tab[cap->id].f.cap.gen == cap->gen);
}

/* Frame id is being revoked: hand it out no more (signal context). */
void
frame_mark_revoking(uint32_t id)
{
	fr.tab[id].revoking = 1;
}

/* Take frame id, unused, off the free list or the held list. */
static void
frame_unfree(uint32_t id)
{
	uint32_t	*link = &fr.free;

	while (*link != FRAME_NONE && *link != id)
		link = &fr.tab[*link].next;
	if (*link == FRAME_NONE) {
		link = &fr.held;
		while (*link != FRAME_NONE && *link != id)
			link = &fr.tab[*link].next;
	}
	if (*link == FRAME_NONE)
		unix_panic("frame %u: not on the free list", id);
	*link = fr.tab[id].next;
	fr.nfree--;
}

/*
 * The unused frame id leaves the libOS: given back to exod if forget is
 * 0 (0, or -1 if exod refused it: it was taken meanwhile, and is
 * forgotten all the same), or only forgotten, exod having taken it.
 */
int
frame_release(uint32_t id, int forget)
{
	struct kframe	*k = &fr.tab[id];
	int		 r = 0;

	if (k->ref != 0)
		unix_panic("frame %u: released while mapped", id);
	frame_unfree(id);
	if (forget || exo_frame_free(fr.e, &k->f) != 0) {
		(void)exo_frame_forget(&k->f);
		r = forget ? 0 : -1;
	}
	k->f.fd = -1;
	k->f.va = NULL;
	k->slot = SWAP_NONE;
	k->revoking = 0;
	fr.nbound--;
	return (r);
}
