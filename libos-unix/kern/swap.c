/*
 * swap.c - the swap area: where pages go when libos-unix holds fewer
 * frames than its processes use.
 *
 * The area is made of scratch blocks bound from exod
 * (exo_block_alloc_scratch(3)), a batch at a time as it fills: they
 * belong to the libOS's connection, so however the libOS ends (exit, a
 * crash, SIGKILL) exod frees every one, and nothing of a process's memory
 * outlives it on disk.  Each block is one slot of one page.
 *
 * A slot is named by page-table entries of swapped-out pages (ref counts
 * them: a fork shares a swapped page as it shares a resident one) and may
 * be linked to the one frame that holds the same bytes (frame): a page
 * read back keeps its slot as a clean copy, so evicting it again costs no
 * write, until the first store to it breaks the link (vm.c installs a
 * linked page read-only to see that store).  A slot is free when no entry
 * names it and no frame is linked to it.
 *
 * A reserve of blocks outside the slot table is kept for revocations
 * (revoke.c): the interrupt entry, which may run in the middle of the
 * kernel, takes blocks from it with nothing but an index, seeds each
 * revoked frame's autosave to one (exo_autosave(3)), and the block
 * becomes the page's slot once the kernel serves the revocation
 * (swap_adopt).  The reserve is refilled at those safe points.
 *
 * The transfers are synchronous requests to exod, which moves the data
 * before it answers (exo_disk_read(3)); their completion interrupts carry
 * tag 0, which no request of the file system's ever has.  While a page
 * moves the libOS does nothing else: paging is a slow path here.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "defs.h"
#include "swap.h"

#define SWAP_GROW	64	/* blocks bound at a time */

struct swap_slot {
	struct exo_cap	cap;	/* the block, bound for the connection */
	uint32_t	ref;	/* page-table entries that name this slot */
	uint32_t	frame;	/* frame with the same bytes, or SWAP_NONE */
	uint32_t	next;	/* free list link, while free */
};

struct swap_stats	swap_st;

static struct {
	struct exo		*e;
	struct swap_slot	*slot;	/* nslot of them */
	uint32_t		 nslot;
	uint32_t		 nfree;
	uint32_t		 free;	/* head of the free list */
	/* The reserve: blocks [0, nres) are ready; the interrupt entry
	 * takes from the top, the kernel refills with the upcall blocked. */
	struct exo_cap		 res[SWAP_RESERVE];
	volatile unsigned	 nres;
} sw;

int
swap_init(struct exo *e)
{
	sw.e = e;
	sw.free = SWAP_NONE;
	return (0);
}

/* Bind up to SWAP_GROW more blocks: 0, or -1 if exod has none. */
static int
swap_grow(void)
{
	struct exo_cap		 caps[SWAP_GROW];
	struct swap_slot	*ns;
	unsigned		 n = SWAP_GROW, i;

	while (n > 0 && exo_block_alloc_scratch(sw.e, caps, n) != 0)
		n /= 2;
	if (n == 0)
		return (-1);
	if ((ns = realloc(sw.slot, (sw.nslot + n) * sizeof *ns)) == NULL) {
		(void)exo_block_free(sw.e, caps, n);
		return (-1);
	}
	sw.slot = ns;
	/* In reverse, so the free list hands them out in block order. */
	for (i = n; i-- > 0;) {
		ns[sw.nslot + i].cap = caps[i];
		ns[sw.nslot + i].ref = 0;
		ns[sw.nslot + i].frame = SWAP_NONE;
		ns[sw.nslot + i].next = sw.free;
		sw.free = sw.nslot + i;
	}
	sw.nslot += n;
	sw.nfree += n;
	return (0);
}

/* A free slot, named by no entry yet; SWAP_NONE when the area is full
 * and exod has no block to grow it. */
uint32_t
swap_alloc(void)
{
	uint32_t	s;

	if (sw.free == SWAP_NONE && swap_grow() != 0)
		return (SWAP_NONE);
	s = sw.free;
	sw.free = sw.slot[s].next;
	sw.nfree--;
	sw.slot[s].ref = 0;
	sw.slot[s].frame = SWAP_NONE;
	return (s);
}

static void
swap_release(uint32_t s)
{
	if (sw.slot[s].ref != 0 || sw.slot[s].frame != SWAP_NONE)
		return;
	sw.slot[s].next = sw.free;
	sw.free = s;
	sw.nfree++;
}

void
swap_ref(uint32_t s)
{
	sw.slot[s].ref++;
}

/* One entry names s no more: free it if nothing else holds it. */
void
swap_unref(uint32_t s)
{
	if (s >= sw.nslot || sw.slot[s].ref == 0)
		unix_panic("swap slot %u: unreferenced twice", s);
	sw.slot[s].ref--;
	swap_release(s);
}

/* The frame that holds slot s's bytes, or SWAP_NONE. */
uint32_t
swap_frame(uint32_t s)
{
	return (sw.slot[s].frame);
}

/* Frame f and slot s hold the same bytes from now on. */
void
swap_link(uint32_t f, uint32_t s)
{
	sw.slot[s].frame = f;
	frame_set_slot(f, s);
}

/* Frame f's bytes differ from its slot's now, or f goes: break the link. */
void
swap_unlink_frame(uint32_t f)
{
	uint32_t	s = frame_slot(f);

	if (s == SWAP_NONE)
		return;
	frame_set_slot(f, SWAP_NONE);
	sw.slot[s].frame = SWAP_NONE;
	swap_release(s);
}

/* Write frames f[i] to slots s[i], i < n <= SWAP_IO_MAX: 0 or -1. */
int
swap_write(const uint32_t *f, const uint32_t *s, unsigned n)
{
	struct exo_cap	blk[SWAP_IO_MAX], frm[SWAP_IO_MAX];
	unsigned	i;

	for (i = 0; i < n; i++) {
		blk[i] = sw.slot[s[i]].cap;
		frm[i] = *frame_cap(f[i]);
	}
	if (exo_disk_write(sw.e, 0, blk, frm, n) != 0)
		return (-1);
	swap_st.pageouts += n;
	return (0);
}

/* Read slot s into frame f: 0 or -1. */
int
swap_read(uint32_t s, uint32_t f)
{
	if (exo_disk_read(sw.e, 0, &sw.slot[s].cap, frame_cap(f), 1) != 0)
		return (-1);
	swap_st.pageins++;
	return (0);
}

uint32_t
swap_slots(void)
{
	return (sw.nslot);
}

uint32_t
swap_used(void)
{
	return (sw.nslot - sw.nfree);
}

/* A slot for block cap (a reserve block that now holds a page), named by
 * no entry yet; SWAP_NONE if the table cannot grow. */
uint32_t
swap_adopt(const struct exo_cap *cap)
{
	struct swap_slot	*ns;
	uint32_t		 s = sw.nslot;

	if ((ns = realloc(sw.slot, (sw.nslot + 1) * sizeof *ns)) == NULL)
		return (SWAP_NONE);
	sw.slot = ns;
	ns[s].cap = *cap;
	ns[s].ref = 0;
	ns[s].frame = SWAP_NONE;
	sw.nslot++;
	return (s);
}

/* Slot s, adopted, may be named by no entry after all: free it then. */
void
swap_settle(uint32_t s)
{
	swap_release(s);
}

/*
 * Bind blocks for the reserve until it is full or exod has none.  Kernel
 * context, with the upcall signal blocked by the caller or at boot.
 */
void
swap_reserve_fill(void)
{
	struct exo_cap	caps[EXO_BATCH_MAX];
	unsigned	n, i;

	while (sw.nres < SWAP_RESERVE) {
		n = SWAP_RESERVE - sw.nres;
		if (n > EXO_BATCH_MAX)
			n = EXO_BATCH_MAX;
		while (n > 0 && exo_block_alloc_scratch(sw.e, caps, n) != 0)
			n /= 2;
		if (n == 0)
			return;
		for (i = 0; i < n; i++)
			sw.res[sw.nres + i] = caps[i];
		sw.nres += n;
	}
}

/* A reserve block for the interrupt entry: 0, or -1 if none is left. */
int
swap_reserve_take(struct exo_cap *cap)
{
	if (sw.nres == 0)
		return (-1);
	*cap = sw.res[--sw.nres];
	return (0);
}

unsigned
swap_reserve_left(void)
{
	return (sw.nres);
}
