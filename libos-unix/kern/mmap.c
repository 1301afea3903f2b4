/*
 * mmap.c - mappings of files into a process, and the application's
 * paging hints (madvise).
 *
 * A mapping is a range of the process's addresses that shows a file's
 * bytes (struct vm_map, in the process's struct vm).  mmap only finds a
 * place for it, below the stack and above the break, the highest gap
 * that fits, and takes a reference to the open file, so that closing the
 * descriptor or unlinking the file leaves the mapping working.  Its pages
 * come on first touch (vm_fill and vm_kaddr call mmap_fill): a frame,
 * filled from the file, zero past its end.
 *
 * MAP_PRIVATE pages are then the process's own: a store changes only its
 * copy, fork shares them copy-on-write like any page, and they go to swap
 * like any page.  MAP_SHARED pages carry PTE_SHM: fork gives the child
 * the same frame (so parent and child see each other's stores), and they
 * are loaded into the TLB read-only until their first store, which sets
 * PTE_D (vm_fill): the page is dirty, and munmap, exit and exec write it
 * back to the file, up to the file's size (a mapping never makes a file
 * longer).  A page that several processes map shared leaves memory from
 * every sharer's table at once, whether the clock or exod's revocation
 * takes it (pageout.c), and when one sharer reads it back from swap,
 * every other sharer's entry is made to name the same frame again
 * (mmap_share), so that no sharer is ever left with a stale copy.  Two
 * processes that map one file each on their own have their own pages:
 * there is no cache of file pages shared between unrelated mappings.
 *
 * madvise takes the application's word on its pages, the exokernel's
 * point: MADV_PIN keeps a range resident against the clock (at most half
 * of what -M lets libos-unix hold, or MMAP_PIN_MAX without -M, for every
 * process together), MADV_DONTNEED says a range is dead (its pages are
 * dropped without being written to swap; the next touch finds zeroes, or
 * the file's bytes in a mapping), MADV_WILLNEED faults a range in now,
 * MADV_NORMAL takes the pins back.  exod's revocation is not a hint: a
 * pinned page that exod takes is paged out as any other, and stays pinned
 * when it comes back.
 *
 * Kernel context only: mmap_fill and the write-back read and write the
 * file system, and sleep.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "kernel/fcntl.h"
#include "defs.h"
#include "file.h"
#include "fsboot.h"
#include "fsys.h"
#include "proc.h"
#include "swap.h"
#include "vm.h"

#define MMAP_PIN_MAX	8192	/* pages pinned in all, without -M */

#define MMAP_PAGE(va)	((va) & ~(UNIX_PAGE_SIZE - 1))

unsigned	mmap_pinned;	/* see vm.h */

/* The mapping va lies in, or NULL. */
struct vm_map *
mmap_find(struct vm *vm, uintptr_t va)
{
	struct vm_map	*m;

	for (m = vm->map; m < vm->map + VM_NMAP; m++)
		if (m->len != 0 && va >= m->va && va - m->va < m->len)
			return (m);
	return (NULL);
}

/* The lowest address of any mapping: the heap grows up to it, no more. */
uint64_t
mmap_low(const struct vm *vm)
{
	uint64_t	low = UNIX_STACK_LOW;
	int		i;

	for (i = 0; i < VM_NMAP; i++)
		if (vm->map[i].len != 0 && vm->map[i].va < low)
			low = vm->map[i].va;
	return (low);
}

/*
 * Where len bytes may go: the highest gap below the stack's guard page
 * that holds them and stays a guard page above the break.  0: none.
 */
static uint64_t
mmap_place(const struct vm *vm, uint64_t len)
{
	uint64_t	end = UNIX_STACK_LOW - UNIX_PAGE_SIZE, next, floor;
	int		i, moved;

	floor = ((vm->sz + UNIX_PAGE_SIZE - 1) & ~(UNIX_PAGE_SIZE - 1)) +
	    UNIX_PAGE_SIZE;
	do {
		if (end < floor || end - floor < len)
			return (0);
		moved = 0;
		for (i = 0; i < VM_NMAP; i++) {
			next = vm->map[i].va;
			if (vm->map[i].len != 0 && next < end &&
			    next + vm->map[i].len > end - len) {
				end = next;	/* overlaps: try below it */
				moved = 1;
			}
		}
	} while (moved);
	return (end - len);
}

/*
 * Map len bytes (a multiple of the page) of file f from off on: the
 * address, or 0 when there is no room (no slot, no gap).  The caller
 * has checked the arguments against the file (sys_mmap).
 */
uint64_t
mmap_map(struct vm *vm, uint64_t len, int prot, int flags, struct file *f,
    uint64_t off)
{
	struct vm_map	*m;
	uint64_t	 va;

	for (m = vm->map; m < vm->map + VM_NMAP && m->len != 0; m++)
		;
	if (m == vm->map + VM_NMAP || (va = mmap_place(vm, len)) == 0)
		return (0);
	m->va = va;
	m->len = len;
	m->off = off;
	m->prot = prot;
	m->flags = flags;
	m->file = file_dup(f);
	return (va);
}

/*
 * Make the page of m that va lies in: a frame with the file's bytes, zero
 * past its end; *ptep its entry then.  0, or -1 (no memory, or the file
 * could not be read).
 */
int
mmap_fill(struct vm *vm, struct vm_map *m, uintptr_t va, uint64_t **ptep)
{
	uint64_t	*pte, page = MMAP_PAGE(va), flags = PTE_V;
	uint64_t	 off = m->off + (page - m->va);
	int64_t		 f;
	int		 got;

	if (m->prot == PROT_NONE || off >= UINT32_MAX ||
	    (pte = vm_pte(vm, page, 1)) == NULL)
		return (-1);
	if ((f = frame_alloc(1)) < 0)
		return (-1);
	fsboot_enter();
	got = fsop_read(m->file->ip, frame_kva((uint32_t)f), (uint32_t)off,
	    UNIX_PAGE_SIZE);
	fsboot_leave();
	if (got < 0) {
		frame_unref((uint32_t)f);
		return (-1);
	}
	if (m->prot & PROT_WRITE)
		flags |= PTE_W;
	if (m->prot & PROT_EXEC)
		flags |= PTE_X;
	if (m->flags & MAP_SHARED)
		flags |= PTE_SHM;
	*pte = PTE_MAKE(f, flags | (*pte & PTE_PROT));
	vm->npages++;
	*ptep = pte;
	return (0);
}

/*
 * Write page va of the MAP_SHARED mapping m back to its file if it is
 * dirty, as far as the file reaches.  A failed write is said, not fatal:
 * the process goes on (as after a failed write(2) it did not look at).
 */
static void
mmap_writeback(struct vm *vm, struct vm_map *m, uintptr_t va)
{
	uint64_t	*pte = vm_pte(vm, va, 0), off = m->off + (va - m->va);
	struct fs_stat	 st;
	unsigned char	*k, *buf;
	uint32_t	 n;

	if (pte == NULL || (*pte & (PTE_V | PTE_SHM | PTE_D)) !=
	    (PTE_V | PTE_SHM | PTE_D))
		return;
	if ((buf = malloc(UNIX_PAGE_SIZE)) == NULL ||
	    (k = vm_kaddr(vm, va, 0)) == NULL) {
		free(buf);
		unix_log("mmap: a dirty page at %#lx could not be read back "
		    "to write it", (unsigned long)va);
		return;
	}
	/* The copy first: the frame may go while the file system sleeps. */
	memcpy(buf, k, UNIX_PAGE_SIZE);
	*pte &= ~(uint64_t)PTE_D;
	fsboot_enter();
	if (fs_ilock(m->file->ip) == 0) {
		fs_stati(m->file->ip, &st);
		fs_iunlock(m->file->ip);
		if (off < st.size) {
			n = st.size - off < UNIX_PAGE_SIZE ?
			    (uint32_t)(st.size - off) : UNIX_PAGE_SIZE;
			if (fsop_write(m->file->ip, buf, (uint32_t)off, n) !=
			    (int)n)
				unix_log("mmap: writing a page back to its "
				    "file failed");
		}
	}
	fsboot_leave();
	free(buf);
}

/* [a, b) of mapping m goes: dirty pages written back, then dropped. */
static void
mmap_cut(struct vm *vm, struct vm_map *m, uint64_t a, uint64_t b)
{
	uint64_t	va;

	for (va = a; va < b; va += UNIX_PAGE_SIZE) {
		if (m->flags & MAP_SHARED)
			mmap_writeback(vm, m, va);
		vm_unmap(vm, va);
	}
}

/*
 * Unmap [va, va + len), both page-aligned: every mapping's part in it
 * goes, written back first where it is shared and dirty.  Addresses in
 * the range that no mapping holds are left as they are.  0, or -1 when
 * cutting a hole out of a mapping would need a slot there is not.
 */
int
mmap_unmap(struct vm *vm, uint64_t va, uint64_t len)
{
	struct vm_map	*m, *spare = NULL;
	uint64_t	 end = va + len, a, b, mend;

	for (m = vm->map; m < vm->map + VM_NMAP; m++)
		if (m->len == 0 && spare == NULL)
			spare = m;
	for (m = vm->map; m < vm->map + VM_NMAP; m++)
		if (m->len != 0 && va > m->va && end < m->va + m->len &&
		    spare == NULL)
			return (-1);		/* a hole, and no slot */
	for (m = vm->map; m < vm->map + VM_NMAP; m++) {
		if (m->len == 0 || end <= m->va || va >= m->va + m->len)
			continue;
		mend = m->va + m->len;
		a = va > m->va ? va : m->va;
		b = end < mend ? end : mend;
		mmap_cut(vm, m, a, b);
		if (a == m->va && b == mend) {
			file_close(m->file);
			memset(m, 0, sizeof *m);
		} else if (a == m->va) {
			m->off += b - m->va;
			m->va = b;
			m->len = mend - b;
		} else if (b == mend)
			m->len = a - m->va;
		else {			/* the hole: the upper part moves */
			*spare = *m;
			spare->file = file_dup(m->file);
			spare->off += b - m->va;
			spare->va = b;
			spare->len = mend - b;
			m->len = a - m->va;
		}
	}
	return (0);
}

/* Every mapping of vm goes, written back (exit, and exec's old image). */
void
mmap_release(struct vm *vm)
{
	int	i;

	for (i = 0; i < VM_NMAP; i++)
		if (vm->map[i].len != 0)
			(void)mmap_unmap(vm, vm->map[i].va, vm->map[i].len);
}

/* The child of a fork has its parent's mappings, the files referenced. */
void
mmap_fork(struct vm *child, const struct vm *parent)
{
	int	i;

	for (i = 0; i < VM_NMAP; i++) {
		child->map[i] = parent->map[i];
		if (parent->map[i].len != 0)
			child->map[i].file = file_dup(parent->map[i].file);
	}
}

/*
 * Shared page va came back from slot s into frame f: every other process
 * whose entry for va still names s (it shares the page: fork keeps the
 * address) names f now, so that all sharers see the same bytes.
 */
void
mmap_share(uintptr_t va, uint32_t s, uint32_t f)
{
	struct proc	*p;
	uint64_t	*pte;
	int		 i;

	for (i = 0; (p = proc_slot(i)) != NULL; i++) {
		if (p->state == PROC_S_UNUSED || p->vm == NULL ||
		    (pte = vm_pte(p->vm, va, 0)) == NULL)
			continue;
		if ((*pte & (PTE_S | PTE_SHM)) != (PTE_S | PTE_SHM) ||
		    PTE_SLOT(*pte) != s)
			continue;
		*pte = PTE_MAKE(f, PTE_V | (*pte & PTE_KEEP));
		frame_ref(f);
		swap_unref(s);
	}
}

/* How many pages may be pinned, by every process together. */
static unsigned
mmap_pin_max(void)
{
	return (frame_limit() != 0 ? frame_limit() / 2 : MMAP_PIN_MAX);
}

/* Pin (1) or unpin (0) the existing pages of [va, end). */
static void
mmap_pin(struct vm *vm, uint64_t va, uint64_t end, int on)
{
	uint64_t	*pte;

	for (; va < end; va += UNIX_PAGE_SIZE) {
		if ((pte = vm_pte(vm, va, 0)) == NULL || !(*pte & PTE_V) ||
		    (*pte & PTE_GATE) || !(*pte & PTE_P) == !on)
			continue;
		*pte ^= PTE_P;
		if (on)
			mmap_pinned++;
		else
			mmap_pinned--;
	}
}

/*
 * Fault every page of [va, end) in, pinning each at once if pin: 0, or
 * -1 at a page vm has not (a pin then takes back the range's pins).
 */
static int
mmap_willneed(struct vm *vm, uint64_t va, uint64_t end, int pin)
{
	uint64_t	a;

	for (a = va; a < end; a += UNIX_PAGE_SIZE) {
		if (vm_kaddr(vm, a, 0) == NULL) {
			if (pin)
				mmap_pin(vm, va, a, 0);
			return (-1);
		}
		if (pin)
			mmap_pin(vm, a, a + UNIX_PAGE_SIZE, 1);
	}
	return (0);
}

/* MADV_DONTNEED: drop the heap's, the stack's and the mappings' pages. */
static void
mmap_dontneed(struct vm *vm, uint64_t va, uint64_t end)
{
	struct vm_map	*m;

	for (; va < end; va += UNIX_PAGE_SIZE) {
		if ((m = mmap_find(vm, va)) != NULL) {
			if (m->flags & MAP_SHARED)
				mmap_writeback(vm, m, va);
		} else if (!vm_lazy(vm, va))
			continue;	/* text and data stay */
		vm_drop(vm, va);
	}
}

/* Pages of [va, end) that a pin would add. */
static unsigned
mmap_unpinned(struct vm *vm, uint64_t va, uint64_t end)
{
	uint64_t	*pte;
	unsigned	 n = 0;

	for (; va < end; va += UNIX_PAGE_SIZE)
		if ((pte = vm_pte(vm, va, 0)) == NULL || !(*pte & PTE_P))
			n++;
	return (n);
}

/*
 * madvise(2) on [va, va + len), both page-aligned and user memory (the
 * caller checked).  0, or -1: an advice unknown, a page of the range vm
 * has not (WILLNEED, PIN), no memory to fault it in, or more pins than
 * allowed.  A PIN that fails leaves no page of the range pinned.
 */
int
mmap_advise(struct vm *vm, uint64_t va, uint64_t len, int advice)
{
	uint64_t	end = va + len;

	switch (advice) {
	case MADV_NORMAL:
		mmap_pin(vm, va, end, 0);
		return (0);
	case MADV_WILLNEED:
		return (mmap_willneed(vm, va, end, 0));
	case MADV_DONTNEED:
		mmap_dontneed(vm, va, end);
		return (0);
	case MADV_PIN:
		if (mmap_pinned + mmap_unpinned(vm, va, end) > mmap_pin_max())
			return (-1);
		return (mmap_willneed(vm, va, end, 1));
	}
	return (-1);
}
