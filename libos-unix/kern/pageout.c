/*
 * pageout.c - which pages leave memory, and how: libos-unix's own
 * replacement policy, a clock over the page tables of every process.
 *
 * The hand walks the resident entries of each process's table in turn
 * (process slot, then address).  An entry with PTE_A set was loaded into
 * the TLB since the hand last passed: the hand clears the bit and, if
 * the page belongs to the running process, takes its translation out of
 * the TLB (and every process's page out of its working set), so that the
 * next touch traps and sets the bit again -- the emulated TLB has no
 * accessed bit of its own, so protection traps stand in for it.  An
 * entry without PTE_A is a victim.
 *
 * A victim's frame is written to a fresh swap slot unless it is linked
 * to one already (a clean copy: no write), in one request for the whole
 * batch; then each victim's entry is made to name the slot and its frame
 * loses a reference.  A frame that several processes share (after fork)
 * is free only once the hand has passed every entry that maps it; the
 * first of them pays the write and the others find the clean copy.  A
 * page of a MAP_SHARED mapping is the exception: all its sharers leave
 * together (pageout_sharers), since they must go on seeing one page.
 *
 * pageout_frames serves exod's revocations (revoke.c): there the frames
 * are chosen by exod, not by the hand, and every entry that maps one is
 * paged out at once.
 *
 * Kernel context only: it writes to the disk through exod.  The entry the
 * kernel is in the middle of changing (vm_busy) is never a victim, nor a
 * page the clock keeps (pageout_kept: pinned by the application).
 */
#include "config.h"

#include <string.h>

#include "defs.h"
#include "proc.h"
#include "swap.h"
#include "vm.h"

#define PAGEOUT_BATCH	32	/* frames freed by one eviction */
#define PAGEOUT_WRAPS	3	/* passes of the hand, at most, per call */

struct pageout_victim {
	struct vm	*vm;
	uintptr_t	 va;
	uint64_t	*pte;
};

static struct {
	int		 proc;	/* the hand: a process slot */
	size_t		 page;	/* and a page of its table */
} hand;

static uintptr_t
pageout_va(size_t page)
{
	return (UNIX_REGION_BASE + page * UNIX_PAGE_SIZE);
}

/* The table the TLB holds pages of now, or NULL: the scheduler leaves
 * the last process's pages in it until another one runs. */
static struct vm *
pageout_tlb_vm(void)
{
	return (sched_tlb_vm());
}

/* va of vm may not be reached through the TLB until it traps again. */
static void
pageout_untlb(struct vm *vm, uintptr_t va)
{
	if (vm == pageout_tlb_vm())
		(void)exo_tlb_protect(unix_exo, (void *)va, 1, 0);
	vm_ws_drop(vm, va);
}

/* The resident entry pte (va of vm) names slot s now: 1 if that freed
 * its frame. */
static unsigned
pageout_entry(struct vm *vm, uintptr_t va, uint64_t *pte, uint32_t s)
{
	uint32_t	f = PTE_FRAME(*pte);
	unsigned	freed = frame_refs(f) == 1;

	pageout_untlb(vm, va);
	*pte = PTE_MAKE(s, (*pte & PTE_KEEP) | PTE_V | PTE_S);
	swap_ref(s);
	vm->pageouts++;
	frame_unref(f);		/* the link goes with the last one */
	return (freed);
}

/*
 * The entry of process p's table that maps shared frame f at va (a fork
 * keeps the address), or NULL.
 */
static uint64_t *
pageout_sharer(struct proc *p, uintptr_t va, uint32_t f)
{
	uint64_t	*pte;

	if (p->state == PROC_S_UNUSED || p->vm == NULL ||
	    (pte = vm_pte(p->vm, va, 0)) == NULL || !PTE_RESIDENT(*pte) ||
	    !(*pte & PTE_SHM) || PTE_FRAME(*pte) != f)
		return (NULL);
	return (pte);
}

/*
 * May the clock take the MAP_SHARED page f at va?  Every sharer leaves
 * with it, so none may be the entry the kernel is changing.
 */
static int
pageout_sharers_free(uintptr_t va, uint32_t f)
{
	struct proc	*p;
	int		 i;

	for (i = 0; (p = proc_slot(i)) != NULL; i++)
		if (pageout_sharer(p, va, f) == vm_busy && vm_busy != NULL)
			return (0);
	return (1);
}

/*
 * Shared page f at va goes to slot s from every table but vm's (whose
 * entry the caller pages out): they must all leave at once, or a store
 * through one left behind would leave the others naming a stale copy.
 * The frames freed.
 */
static unsigned
pageout_sharers(struct vm *vm, uintptr_t va, uint32_t f, uint32_t s)
{
	struct proc	*p;
	uint64_t	*pte;
	unsigned	 freed = 0;
	int		 i;

	for (i = 0; (p = proc_slot(i)) != NULL; i++)
		if (p->vm != vm && (pte = pageout_sharer(p, va, f)) != NULL)
			freed += pageout_entry(p->vm, va, pte, s);
	return (freed);
}

/*
 * Write the victims' frames that have no clean copy to fresh slots, then
 * make every victim's entry name its slot.  Returns the frames freed; the
 * victims from the first one whose frame found no slot on are left
 * resident, and *full is set.
 */
static unsigned
pageout_victims(struct pageout_victim *v, unsigned n, int *full)
{
	uint32_t	wf[SWAP_IO_MAX], ws[SWAP_IO_MAX], f, s;
	unsigned	i, nw = 0, freed = 0;

	for (i = 0; i < n && nw < SWAP_IO_MAX; i++) {
		f = PTE_FRAME(*v[i].pte);
		if (frame_slot(f) != SWAP_NONE)
			continue;		/* clean, or in this batch */
		if ((s = swap_alloc()) == SWAP_NONE) {
			*full = 1;
			break;
		}
		swap_link(f, s);
		wf[nw] = f;
		ws[nw++] = s;
	}
	n = i;
	if (nw > 0 && swap_write(wf, ws, nw) != 0) {
		unix_log("swap: a write to exod's disk failed");
		for (i = 0; i < nw; i++)
			swap_unlink_frame(wf[i]);
		*full = 1;
		return (0);
	}
	swap_st.reclaims += n - nw;
	for (i = 0; i < n; i++) {
		if (!PTE_RESIDENT(*v[i].pte))
			continue;	/* a sharer, gone with another victim */
		f = PTE_FRAME(*v[i].pte);
		s = frame_slot(f);
		if (*v[i].pte & PTE_SHM)
			freed += pageout_sharers(v[i].vm, v[i].va, f, s);
		freed += pageout_entry(v[i].vm, v[i].va, v[i].pte, s);
	}
	return (freed);
}

/*
 * Does the clock pass this resident page by (va's)?  A pinned one (the
 * application's hint), and a MAP_SHARED page one of whose sharers the
 * kernel is changing: its sharers all leave at once (pageout_sharers).
 */
static int
pageout_kept(uintptr_t va, uint64_t pte)
{
	return ((pte & PTE_P) || ((pte & PTE_SHM) &&
	    frame_refs(PTE_FRAME(pte)) > 1 &&
	    !pageout_sharers_free(va, PTE_FRAME(pte))));
}

/* Is pte among the n victims already (the hand came round again)? */
static int
pageout_chosen(const struct pageout_victim *v, unsigned n, const uint64_t *pte)
{
	unsigned	i;

	for (i = 0; i < n; i++)
		if (v[i].pte == pte)
			return (1);
	return (0);
}

/* Move the hand one page on; 1 when it wrapped to the first process. */
static int
pageout_advance(void)
{
	if (++hand.page < VM_NPAGES)
		return (0);
	hand.page = 0;
	if (++hand.proc < NPROC)
		return (0);
	hand.proc = 0;
	return (1);
}

/*
 * Free up to PAGEOUT_BATCH frames by evicting pages the hand finds
 * unused.  Returns the frames it freed: 0 when nothing could go (every
 * page busy, or the swap area full and exod out of blocks).
 */
unsigned
pageout_evict(void)
{
	struct pageout_victim	 v[PAGEOUT_BATCH];
	struct proc		*p;
	struct vm		*vm;
	uint64_t		*leaf, *pte;
	unsigned		 n, wraps = 0, freed = 0;
	int			 full = 0;

	/* Shared frames may take more than one batch to free one. */
	while (freed == 0 && wraps < PAGEOUT_WRAPS) {
		n = 0;
		while (n < PAGEOUT_BATCH && wraps < PAGEOUT_WRAPS) {
			p = proc_slot(hand.proc);
			if ((vm = p->vm) == NULL ||
			    p->state == PROC_S_UNUSED) {
				hand.page = VM_NPAGES - 1;	/* next process */
				wraps += pageout_advance();
				continue;
			}
			if ((leaf = vm->dir[hand.page / VM_LEAF]) == NULL) {
				hand.page |= VM_LEAF - 1;	/* next leaf */
				wraps += pageout_advance();
				continue;
			}
			pte = &leaf[hand.page % VM_LEAF];
			if (PTE_RESIDENT(*pte) && pte != vm_busy &&
			    !pageout_kept(pageout_va(hand.page), *pte)) {
				if (*pte & PTE_A) {
					*pte &= ~(uint64_t)PTE_A;
					pageout_untlb(vm,
					    pageout_va(hand.page));
				} else if (!pageout_chosen(v, n, pte)) {
					v[n].vm = vm;
					v[n].va = pageout_va(hand.page);
					v[n++].pte = pte;
				}
			}
			wraps += pageout_advance();
		}
		if (n == 0)
			break;
		freed = pageout_victims(v, n, &full);
		if (full)
			break;		/* the area is full: no use going on */
	}
	if (freed == 0)
		swap_st.oom++;
	return (freed);
}

/* The index of frame f in ids[0..n), or -1. */
static int
pageout_find(const uint32_t *ids, unsigned n, uint32_t f)
{
	unsigned	i;

	for (i = 0; i < n; i++)
		if (ids[i] == f)
			return ((int)i);
	return (-1);
}

/*
 * The slot frame f's pages go to, when the caller named none: its clean
 * copy, or a fresh slot written now; SWAP_LOST if neither can be had
 * (the area is full, or exod took the frame before it was written).
 */
static uint32_t
pageout_slot_for(uint32_t f)
{
	uint32_t	s;

	if ((s = frame_slot(f)) != SWAP_NONE)
		return (s);
	if ((s = swap_alloc()) == SWAP_NONE)
		return (SWAP_LOST);
	if (swap_write(&f, &s, 1) != 0) {
		swap_settle(s);
		return (SWAP_LOST);
	}
	return (s);
}

/*
 * Page out every page that maps one of the frames ids[0..n): each goes
 * to slots[i] (a block exod writes the frame to when it is given back:
 * seeded autosave), or, where slots[i] is SWAP_NONE, to its clean copy
 * or a slot written now; slots[i] says afterwards where they went.  A
 * page with nowhere to go (SWAP_LOST) is lost: its process is killed.
 * The frames are left unreferenced, for the caller to give back.
 * revoke.c, at a safe point between processes' kernel work.
 */
void
pageout_frames(const uint32_t *ids, uint32_t *slots, unsigned n)
{
	struct proc	*p;
	struct vm	*vm;
	uint64_t	*pte;
	uintptr_t	 va;
	size_t		 d, i;
	uint32_t	 f;
	int		 k, pi;

	for (pi = 0; (p = proc_slot(pi)) != NULL; pi++) {
		if (p->state == PROC_S_UNUSED || (vm = p->vm) == NULL)
			continue;
		for (d = 0; d < VM_NDIR; d++) {
			if (vm->dir[d] == NULL)
				continue;
			for (i = 0; i < VM_LEAF; i++) {
				pte = &vm->dir[d][i];
				if (!PTE_RESIDENT(*pte) || (k = pageout_find(ids,
				    n, f = PTE_FRAME(*pte))) < 0)
					continue;
				va = pageout_va(d * VM_LEAF + i);
				if (slots[k] == SWAP_NONE)
					slots[k] = pageout_slot_for(f);
				pageout_untlb(vm, va);
				if (slots[k] == SWAP_LOST) {
					(void)proc_kill(p->pid);
					unix_log("pid %d (%s): the page at %#lx "
					    "was taken by exod before it could "
					    "be saved: killed", p->pid, p->name,
					    (unsigned long)va);
					if (*pte & PTE_P)
						mmap_pinned--;
					*pte = 0;
					vm->npages--;
				} else {
					*pte = PTE_MAKE(slots[k], (*pte &
					    PTE_KEEP) | PTE_V | PTE_S);
					swap_ref(slots[k]);
					vm->pageouts++;
				}
				frame_unref(f);
			}
		}
	}
}
