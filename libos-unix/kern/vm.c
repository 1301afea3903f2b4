/*
 * vm.c - page tables of libos-unix's own, copy-on-write, and the way the
 * libOS reaches user memory.
 *
 * Every process has a two-level table over the region (VM_NDIR leaves of
 * VM_LEAF entries, made as they are needed).  The emulated TLB holds the
 * translations of the running process only: it is flushed whenever
 * another process's pages could be reached through it (sched.c, exec,
 * exit), and refilled on demand by vm_fill from the table of the process
 * that faulted, so no process can reach a page that is not in its table.
 *
 * A flush would cost the next process a trap (SIGSEGV, libexo's trap
 * path, vm_fill, sigreturn) for every page it touches again, which made
 * a pipe round trip some thirty traps.  So each table keeps its working
 * set, the last VM_WS_MAX pages vm_fill loaded for it, and a switch
 * (vm_tlb_switch) flushes and loads those pages at once, from the
 * table as it is now: the process starts with the TLB it left, minus
 * what went away meanwhile, and traps only for pages new to it.
 *
 * Heap and stack pages are made on first touch, zero-filled (vm_lazy);
 * text and data are loaded by exec; the pages of a file's mapping are
 * read from the file on first touch (mmap.c).
 *
 * fork copies the table, not the memory: every writable page becomes
 * PTE_COW in both tables and its frame gains a reference; the first write
 * to it faults and vm_fill copies the page (or, if this table holds the
 * last reference, makes it writable again).  A page of a MAP_SHARED
 * mapping (PTE_SHM) is the exception: both tables map the one frame, as
 * it is, so that each sees the other's stores.
 *
 * A page may be swapped out (pageout.c chooses, swap.c keeps the area):
 * its entry then has PTE_S and names a swap slot instead of a frame, and
 * the next touch (vm_fill, or vm_kaddr for the kernel) reads it back.  A
 * page read back keeps its slot as a clean copy; such a page is loaded
 * into the TLB read-only, even if it may be written, so that its first
 * store traps here and breaks the link (its copy in swap is stale from
 * then on).  Every load of a page into the TLB sets PTE_A, the accessed
 * bit the clock clears.
 *
 * The libOS itself never loads or stores through the region: copyin and
 * copyout walk the table and use each frame's kernel mapping (frame.c),
 * so a bad pointer from a program is an error return, not a fault.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "kernel/fcntl.h"
#include "kernel/syscall.h"
#include "defs.h"
#include "file.h"
#include "swap.h"
#include "vm.h"

static int64_t	vm_gate = -1;	/* the gate's frame, shared by all */
uint64_t	*vm_busy;	/* see vm.h */

#define VM_PAGE(va)	((va) & ~(UNIX_PAGE_SIZE - 1))
#define VM_ROUNDUP(va)	(((va) + UNIX_PAGE_SIZE - 1) & ~(UNIX_PAGE_SIZE - 1))

/* The gate page: pop %r11; movabs $unix_gate_entry, %r10; jmp *%r10,
 * and the stub a sigsegv handler returns to. */
int
vm_gate_init(void)
{
	unsigned char	*p;
	uint64_t	 target = (uint64_t)(uintptr_t)unix_gate_entry;
	uint32_t	 sigret;
	int32_t		 rel;

	if ((vm_gate = frame_alloc(1)) < 0)
		return (-1);
	/* Every process needs it at every system call: never revoked. */
	if (exo_frame_protect(unix_exo, frame_cap((uint32_t)vm_gate), 1, 1)
	    != 0)
		unix_log("the gate's frame could not be protected");
	p = frame_kva((uint32_t)vm_gate);
	memset(p, 0xcc, UNIX_PAGE_SIZE);	/* int3: anywhere else traps */
	p[0] = 0x41; p[1] = 0x5b;
	p[2] = 0x49; p[3] = 0xba;
	memcpy(p + 4, &target, sizeof target);
	p[12] = 0x41; p[13] = 0xff; p[14] = 0xe2;
	/* At VM_GATE_SIGRET: movl $SYS_sigreturn, %eax; call UNIX_GATE_VA */
	p[VM_GATE_SIGRET] = 0xb8;
	sigret = SYS_sigreturn;
	memcpy(p + VM_GATE_SIGRET + 1, &sigret, sizeof sigret);
	p[VM_GATE_SIGRET + 5] = 0xe8;
	rel = -(int32_t)(VM_GATE_SIGRET + 10);
	memcpy(p + VM_GATE_SIGRET + 6, &rel, sizeof rel);
	return (0);
}

/* Is [va, va + len) user memory of the region (page 0 excluded)? */
int
vm_user_range(uintptr_t va, size_t len)
{
	if (va < UNIX_REGION_BASE + UNIX_PAGE_SIZE || va >= UNIX_STACK_TOP)
		return (0);
	return (len <= UNIX_STACK_TOP - va);
}

uint64_t *
vm_pte(struct vm *vm, uintptr_t va, int create)
{
	uint64_t	 i;
	uint64_t	**leaf;

	if (va < UNIX_REGION_BASE || va >= UNIX_STACK_TOP)
		return (NULL);
	i = (va - UNIX_REGION_BASE) / UNIX_PAGE_SIZE;
	leaf = &vm->dir[i / VM_LEAF];
	if (*leaf == NULL) {
		if (!create || (*leaf = calloc(VM_LEAF, sizeof **leaf)) == NULL)
			return (NULL);
	}
	return (&(*leaf)[i % VM_LEAF]);
}

struct vm *
vm_new(void)
{
	struct vm	*vm;
	uint64_t	*pte;

	if ((vm = calloc(1, sizeof *vm)) == NULL)
		return (NULL);
	if ((pte = vm_pte(vm, UNIX_GATE_VA, 1)) == NULL) {
		free(vm);
		return (NULL);
	}
	*pte = PTE_MAKE(vm_gate, PTE_V | PTE_X | PTE_GATE);
	vm->npages = 1;
	return (vm);
}

/* Give back every page; the table goes too. */
void
vm_free(struct vm *vm)
{
	size_t	d, i;

	if (vm == NULL)
		return;
	for (i = 0; i < VM_NMAP; i++)
		if (vm->map[i].len != 0)
			file_close(vm->map[i].file);	/* no write-back */
	for (d = 0; d < VM_NDIR; d++) {
		if (vm->dir[d] == NULL)
			continue;
		for (i = 0; i < VM_LEAF; i++) {
			if (!(vm->dir[d][i] & PTE_V) ||
			    (vm->dir[d][i] & PTE_GATE))
				continue;
			if (vm->dir[d][i] & PTE_P)
				mmap_pinned--;
			/* A swapped page of the dead costs no write. */
			if (vm->dir[d][i] & PTE_S)
				swap_unref(PTE_SLOT(vm->dir[d][i]));
			else
				frame_unref(PTE_FRAME(vm->dir[d][i]));
		}
		free(vm->dir[d]);
	}
	free(vm);
}

/* A fresh zeroed page at va with flags; 0, or -1 (taken, or no frame). */
int
vm_map_zero(struct vm *vm, uintptr_t va, uint64_t flags)
{
	uint64_t	*pte;
	int64_t		 f;

	if ((pte = vm_pte(vm, va, 1)) == NULL || (*pte & PTE_V))
		return (-1);
	if ((f = frame_alloc(1)) < 0)
		return (-1);
	*pte = PTE_MAKE(f, PTE_V | flags | (*pte & PTE_PROT));
	vm->npages++;
	return (0);
}

/* The child's table: the parent's, every writable page shared COW. */
struct vm *
vm_fork(struct vm *parent)
{
	struct vm	*child;
	uint64_t	 pte;
	size_t		 d, i;

	if ((child = vm_new()) == NULL)
		return (NULL);
	child->heap0 = parent->heap0;
	child->sz = parent->sz;
	/* The child runs where the parent ran: the same working set. */
	memcpy(child->ws, parent->ws, sizeof child->ws);
	child->nws = parent->nws;
	child->wsnext = parent->wsnext;
	for (d = 0; d < VM_NDIR; d++) {
		if (parent->dir[d] == NULL)
			continue;
		if (child->dir[d] == NULL &&
		    (child->dir[d] = calloc(VM_LEAF, sizeof(uint64_t))) ==
		    NULL) {
			vm_free(child);
			return (NULL);
		}
		for (i = 0; i < VM_LEAF; i++) {
			pte = parent->dir[d][i];
			if (!(pte & PTE_V)) {	/* a protection may stand */
				child->dir[d][i] = pte & PTE_PROT;
				continue;
			}
			if (pte & PTE_GATE)
				continue;
			if ((pte & (PTE_W | PTE_COW)) && !(pte & PTE_SHM))
				pte = (pte & ~(uint64_t)PTE_W) | PTE_COW;
			parent->dir[d][i] = pte;
			child->dir[d][i] = pte & ~(uint64_t)PTE_P; /* pins
							   are not inherited */
			if (pte & PTE_S)
				swap_ref(PTE_SLOT(pte));
			else
				frame_ref(PTE_FRAME(pte));
			child->npages++;
		}
	}
	mmap_fork(child, parent);
	return (child);
}

/*
 * A write to the COW page behind pte: copy it, or take it back if this
 * table holds the last reference.  0, or -1 without a frame.
 */
static int
vm_cow(uint64_t *pte, int pooled)
{
	uint32_t	old = PTE_FRAME(*pte);
	uint64_t	flags = (*pte & 0xfff & ~(uint64_t)PTE_COW) | PTE_W;
	int64_t		f;

	if (frame_refs(old) == 1) {
		*pte = PTE_MAKE(old, flags);
		return (0);
	}
	vm_busy = pte;		/* an eviction must leave old where it is */
	f = pooled ? frame_alloc_pooled() : frame_alloc(0);
	vm_busy = NULL;
	if (f < 0)
		return (-1);
	memcpy(frame_kva((uint32_t)f), frame_kva(old), UNIX_PAGE_SIZE);
	frame_unref(old);
	*pte = PTE_MAKE(f, flags);
	return (0);
}

static int
vm_in_stack(uintptr_t va)
{
	return (va >= UNIX_STACK_LOW && va < UNIX_STACK_TOP);
}

/*
 * May va's page be made, zero-filled, on first touch?  The stack's MiB,
 * and the heap below the break: sbrk only moves the break (lazy
 * allocation), so a heap page is a frame only once it is touched.
 */
int
vm_lazy(const struct vm *vm, uintptr_t va)
{
	return (vm_in_stack(va) || (va >= vm->heap0 && va < vm->sz));
}

/*
 * The TLB's rights for the resident page behind pte.  A page with a
 * clean copy in swap is not writable there: its first store must trap.
 * Nor is a page of a MAP_SHARED mapping not yet dirty: its first store
 * sets PTE_D, which is what munmap writes back.
 */
static unsigned
vm_rights(uint64_t pte)
{
	unsigned	rights = EXO_RIGHT_READ;

	if (pte & PTE_NA)
		return (0);		/* mprotect(PROT_NONE): not loaded */
	if ((pte & PTE_W) && !(pte & PTE_RO) &&
	    frame_slot(PTE_FRAME(pte)) == SWAP_NONE &&
	    (pte & (PTE_SHM | PTE_D)) != PTE_SHM)
		rights |= EXO_RIGHT_WRITE;
	if (pte & PTE_X)
		rights |= EXO_TLB_EXEC;
	return (rights);
}

/* Page va was loaded into the TLB for vm: remember it for the switch. */
static void
vm_ws_note(struct vm *vm, uintptr_t va)
{
	unsigned	i;

	for (i = 0; i < vm->nws; i++)
		if (vm->ws[i] == va)
			return;
	if (vm->nws < VM_WS_MAX) {
		vm->ws[vm->nws++] = va;
		return;
	}
	vm->ws[vm->wsnext] = va;
	vm->wsnext = (vm->wsnext + 1) % VM_WS_MAX;
}

/* Page va leaves vm's working set (the clock took it, or its A bit). */
void
vm_ws_drop(struct vm *vm, uintptr_t va)
{
	unsigned	i, n = 0;

	for (i = 0; i < vm->nws; i++)
		if (vm->ws[i] != va)
			vm->ws[n++] = vm->ws[i];
	if (n < vm->nws)
		vm->wsnext = 0;
	vm->nws = n;
}

/*
 * Bring the swapped page behind pte back: share the frame that still
 * holds its bytes, or read its slot into a new frame, which keeps the
 * slot as a clean copy.  Kernel context.  0, or -1 (no frame, or the
 * read failed).
 */
static int
vm_swapin(struct vm *vm, uintptr_t va, uint64_t *pte)
{
	uint32_t	s = PTE_SLOT(*pte), f;
	uint64_t	flags = *pte & PTE_KEEP;
	int64_t		nf;

	if ((f = swap_frame(s)) != SWAP_NONE)
		frame_ref(f);
	else {
		if ((nf = frame_alloc(0)) < 0)
			return (-1);
		f = (uint32_t)nf;
		if (swap_read(s, f) != 0) {
			frame_unref(f);
			return (-1);
		}
		swap_link(f, s);
		vm->pageins++;
	}
	*pte = PTE_MAKE(f, PTE_V | flags);
	swap_unref(s);		/* the link keeps it, as a clean copy */
	if (flags & PTE_SHM)
		mmap_share(va, s, f);	/* every sharer on f again */
	return (0);
}

/*
 * The TLB is to hold vm's pages from now on: flush it and load vm's
 * working set, each page with the rights its entry gives now.  A page
 * that left the table meanwhile leaves the working set too.  Kernel
 * context, or the signal path with the kernel quiescent.
 */
void
vm_tlb_switch(struct vm *vm)
{
	uint64_t	*pte;
	unsigned	 i, n = 0;

	(void)exo_tlb_flush(unix_exo);
	if (vm == NULL)
		return;
	for (i = 0; i < vm->nws; i++) {
		pte = vm_pte(vm, vm->ws[i], 0);
		if (pte == NULL || !(*pte & PTE_V) || (*pte & PTE_S) ||
		    vm_rights(*pte) == 0 || exo_tlb_install(unix_exo, (void *)vm->ws[i],
		    frame_cap(PTE_FRAME(*pte)), vm_rights(*pte)) != 0)
			continue;
		if (!(*pte & PTE_GATE))
			*pte |= PTE_A;
		vm->ws[n++] = vm->ws[i];
	}
	if (n < vm->nws)
		vm->wsnext = 0;
	vm->nws = n;
}

/*
 * Make the access (VM_WRITE, VM_EXEC) to va possible and load its
 * translation into the TLB: the addressing handler's work, for the
 * process whose table vm is, which is the running one.  A stack page,
 * or a heap page below the break, is made on first touch; a COW page is
 * copied; a swapped page is read back.  0 when the access may run again;
 * 1 when it needs a frame or the disk and VM_POOLED forbade either;
 * VM_TAKEN when exod took the page's frame and the libOS has not yet
 * heard (it serves the repossession and tries again); VM_DENIED when
 * the access is not allowed (no page there, or not with these rights),
 * VM_PROT when the program's own protection (mprotect) refuses it, which
 * is checked first, before any page is made or read back; -1 when there is no memory or the page could not be read (either way
 * the process dies).
 */
int
vm_fill(struct vm *vm, uintptr_t va, int access)
{
	uint64_t	*pte = vm_pte(vm, va, 0);
	struct vm_map	*m;
	unsigned	 rights;
	int64_t		 f;
	int		 error;

	if (pte != NULL && (*pte & PTE_PROT) &&
	    ((*pte & PTE_NA) || (access & VM_WRITE)))
		return (VM_PROT);
	if (pte != NULL && (*pte & PTE_S)) {
		if (access & VM_POOLED)
			return (1);
		if (vm_swapin(vm, va, pte) != 0)
			return (-1);
	} else if ((pte == NULL || !(*pte & PTE_V)) &&
	    (m = mmap_find(vm, va)) != NULL) {
		if (m->prot == PROT_NONE)
			return (VM_DENIED);
		if (access & VM_POOLED)
			return (1);	/* the file is read in kernel context */
		if (mmap_fill(vm, m, va, &pte) != 0)
			return (-1);
	} else if (pte == NULL || !(*pte & PTE_V)) {
		if (!vm_lazy(vm, va))
			return (VM_DENIED);
		if ((pte = vm_pte(vm, va, 1)) == NULL)
			return ((access & VM_POOLED) ? 1 : -1);
		f = (access & VM_POOLED) ? frame_alloc_pooled() :
		    frame_alloc(1);
		if (f < 0)
			return ((access & VM_POOLED) ? 1 : -1);
		*pte = PTE_MAKE(f, PTE_V | PTE_W | (*pte & PTE_PROT));
		vm->npages++;
	}
	if ((access & VM_EXEC) && !(*pte & PTE_X))
		return (VM_DENIED);
	if ((access & VM_WRITE) && !(*pte & PTE_W)) {
		if (!(*pte & PTE_COW))
			return (VM_DENIED);
		if (vm_cow(pte, access & VM_POOLED) != 0)
			return ((access & VM_POOLED) ? 1 : -1);
	}
	if (access & VM_WRITE) {
		swap_unlink_frame(PTE_FRAME(*pte));	/* its copy goes stale */
		if (*pte & PTE_SHM)
			*pte |= PTE_D;
	}
	if (!(*pte & PTE_GATE))
		*pte |= PTE_A;
	vm->faults++;
	swap_st.faults++;
	rights = vm_rights(*pte);
	if ((error = exo_tlb_install(unix_exo, (void *)VM_PAGE(va),
	    frame_cap(PTE_FRAME(*pte)), rights)) != 0) {
		/* exod took the frame: its repossession is on its way
		 * (revoke.c), and only the libOS proper can serve it --
		 * or was dropped, and the refusal stands for it. */
		if (access & VM_POOLED)
			return (1);
		if (error == -EXO_ESTALE)
			revoke_refused(PTE_FRAME(*pte));
		return (VM_TAKEN);
	}
	vm_ws_note(vm, VM_PAGE(va));
	return (0);
}

/*
 * The kernel mapping of va's byte, the page made writable if write: made,
 * read from its file or from swap first if need be.  NULL if va is no
 * page of vm's, or there is no memory.  Valid until the kernel sleeps.
 * The program's protection does not bind the kernel here (vm_uaddr).
 */
unsigned char *
vm_kaddr(struct vm *vm, uintptr_t va, int write)
{
	uint64_t	*pte = vm_pte(vm, va, 0);
	struct vm_map	*m;

	if ((pte == NULL || !(*pte & PTE_V)) &&
	    (m = mmap_find(vm, va)) != NULL) {
		if (mmap_fill(vm, m, va, &pte) != 0)
			return (NULL);
	} else if (pte == NULL || !(*pte & PTE_V)) {
		if (!vm_lazy(vm, va) ||
		    vm_map_zero(vm, VM_PAGE(va), PTE_W) != 0)
			return (NULL);
		pte = vm_pte(vm, va, 0);
	} else if ((*pte & PTE_S) && vm_swapin(vm, va, pte) != 0)
		return (NULL);
	if ((*pte & PTE_GATE) && write)
		return (NULL);
	if (write && !(*pte & PTE_W)) {
		if (!(*pte & PTE_COW) || vm_cow(pte, 0) != 0)
			return (NULL);
		/* The TLB may still translate va to the old frame. */
		(void)exo_tlb_protect(unix_exo, (void *)VM_PAGE(va), 1, 0);
	}
	if (write) {
		swap_unlink_frame(PTE_FRAME(*pte));
		if (*pte & PTE_SHM)
			*pte |= PTE_D;
	}
	if (!(*pte & PTE_GATE))
		*pte |= PTE_A;
	return ((unsigned char *)frame_kva(PTE_FRAME(*pte)) +
	    (va & (UNIX_PAGE_SIZE - 1)));
}

/*
 * vm_kaddr for a pointer of the program's: NULL also where the program's
 * own protection (mprotect) refuses the access, so that a system call
 * gets -1 where the program's own load or store would have trapped.
 */
static unsigned char *
vm_uaddr(struct vm *vm, uintptr_t va, int write)
{
	uint64_t	*pte = vm_pte(vm, va, 0);

	if (pte != NULL && (*pte & PTE_PROT) && ((*pte & PTE_NA) || write))
		return (NULL);
	return (vm_kaddr(vm, va, write));
}

int
vm_copyout(struct vm *vm, uintptr_t va, const void *src, size_t n)
{
	const unsigned char	*s = src;
	unsigned char		*k;
	size_t			 chunk;

	if (!vm_user_range(va, n))
		return (-1);
	while (n > 0) {
		chunk = UNIX_PAGE_SIZE - (va & (UNIX_PAGE_SIZE - 1));
		if (chunk > n)
			chunk = n;
		if ((k = vm_uaddr(vm, va, 1)) == NULL)
			return (-1);
		memcpy(k, s, chunk);
		s += chunk;
		va += chunk;
		n -= chunk;
	}
	return (0);
}

int
vm_copyin(struct vm *vm, void *dst, uintptr_t va, size_t n)
{
	unsigned char	*d = dst, *k;
	size_t		 chunk;

	if (!vm_user_range(va, n))
		return (-1);
	while (n > 0) {
		chunk = UNIX_PAGE_SIZE - (va & (UNIX_PAGE_SIZE - 1));
		if (chunk > n)
			chunk = n;
		if ((k = vm_uaddr(vm, va, 0)) == NULL)
			return (-1);
		memcpy(d, k, chunk);
		d += chunk;
		va += chunk;
		n -= chunk;
	}
	return (0);
}

/* A string of at most max bytes with its null; -1 if it has none. */
int
vm_copyinstr(struct vm *vm, char *dst, uintptr_t va, size_t max)
{
	unsigned char	*k;
	size_t		 i = 0;

	while (i < max) {
		if (!vm_user_range(va, 1) || (k = vm_uaddr(vm, va, 0)) == NULL)
			return (-1);
		do {
			dst[i] = (char)*k;
			if (*k == '\0')
				return (0);
			i++;
			va++;
			k++;
		} while (i < max && (va & (UNIX_PAGE_SIZE - 1)) != 0);
	}
	return (-1);
}

/*
 * Move the break by n; the old break in *old.  0 or -1.  Growing takes
 * no frame (the pages come on first touch, vm_lazy); shrinking gives
 * back the frames of the pages wholly above the new break.
 */
int
vm_sbrk(struct vm *vm, int64_t n, uint64_t *old)
{
	uint64_t	 sz = vm->sz, nsz, va;

	*old = sz;
	if (n >= 0) {
		/* a guard page below the stack, or the lowest mapping */
		if ((uint64_t)n > mmap_low(vm) - UNIX_PAGE_SIZE - sz)
			return (-1);
		vm->sz = sz + (uint64_t)n;
		return (0);
	}
	if ((uint64_t)-n > sz - vm->heap0)
		return (-1);
	nsz = sz - (uint64_t)-n;
	for (va = VM_ROUNDUP(nsz); va < sz; va += UNIX_PAGE_SIZE)
		vm_unmap(vm, va);
	vm->sz = nsz;
	return (0);
}

/*
 * Page va of vm is no more: its frame or swap slot loses the reference,
 * its pin goes, and the TLB forgets it.  Nothing is written anywhere.
 * Its protection (mprotect) stays, for the page made again on the next
 * touch (MADV_DONTNEED); vm_unmap takes that too.
 */
void
vm_drop(struct vm *vm, uintptr_t va)
{
	uint64_t	*pte = vm_pte(vm, va, 0);

	if (pte == NULL || !(*pte & PTE_V) || (*pte & PTE_GATE))
		return;
	if (*pte & PTE_S)
		swap_unref(PTE_SLOT(*pte));
	else
		frame_unref(PTE_FRAME(*pte));
	if (*pte & PTE_P)
		mmap_pinned--;
	*pte &= PTE_PROT;
	vm->npages--;
	if (vm == sched_tlb_vm())
		(void)exo_tlb_protect(unix_exo, (void *)VM_PAGE(va), 1, 0);
	vm_ws_drop(vm, VM_PAGE(va));
}

/* Page va of vm goes from the address space (sbrk, munmap): its
 * protection too. */
void
vm_unmap(struct vm *vm, uintptr_t va)
{
	uint64_t	*pte;

	vm_drop(vm, va);
	if ((pte = vm_pte(vm, va, 0)) != NULL && !(*pte & PTE_V))
		*pte = 0;
}

/* May the program protect page va: is it its own (not the gate)? */
static int
vm_own(struct vm *vm, uintptr_t va)
{
	uint64_t	*pte = vm_pte(vm, va, 0);

	if (pte != NULL && (*pte & PTE_V))
		return (!(*pte & PTE_GATE));
	return (vm_lazy(vm, va) || mmap_find(vm, va) != NULL);
}

/*
 * mprotect(2): the n pages from va (page-aligned, in the region: the
 * caller checked) get the program's protection prot (PROT_NONE,
 * PROT_READ, or PROT_READ | PROT_WRITE), which takes rights away from
 * what each page otherwise allows and never adds any.  Every page must
 * be vm's own: made, or one the next touch would make (heap below the
 * break, stack, a mapping); else -1 and nothing changes.  If vm's pages
 * are in the TLB, the TLB follows at once: what is taken is taken from
 * it, and a resident page given rights back is loaded with them, so that
 * the access the handler is about to resume does not trap again.
 */
int
vm_protect(struct vm *vm, uintptr_t va, size_t n, int prot)
{
	uint64_t	*pte, old, bits;
	uintptr_t	 a, run = 0;
	size_t		 i, nrun = 0;
	int		 tlb = vm == sched_tlb_vm();

	bits = prot == PROT_NONE ? PTE_NA : prot == PROT_READ ? PTE_RO : 0;
	for (i = 0; i < n; i++)
		if (!vm_own(vm, va + i * UNIX_PAGE_SIZE) ||
		    vm_pte(vm, va + i * UNIX_PAGE_SIZE, 1) == NULL)
			return (-1);
	for (i = 0; i < n; i++) {
		a = va + i * UNIX_PAGE_SIZE;
		pte = vm_pte(vm, a, 0);
		old = *pte;
		*pte = (old & ~(uint64_t)PTE_PROT) | bits;
		if (!tlb || (old & PTE_PROT) == bits ||
		    !(old & PTE_PROT) || !PTE_RESIDENT(*pte))
			continue;
		if (old & PTE_NA) {
			/* Out of the TLB: load it with its rights now. */
			if (exo_tlb_install(unix_exo, (void *)a,
			    frame_cap(PTE_FRAME(*pte)), vm_rights(*pte)) == 0) {
				*pte |= PTE_A;
				vm_ws_note(vm, a);
			}
		} else if (bits == 0 && (vm_rights(*pte) & EXO_RIGHT_WRITE)) {
			/* Read-only in the TLB, if there: writable again,
			 * in runs of such pages. */
			if (nrun > 0 && run + nrun * UNIX_PAGE_SIZE != a) {
				(void)exo_tlb_unprotect(unix_exo, (void *)run,
				    nrun, EXO_RIGHT_READ | EXO_RIGHT_WRITE);
				nrun = 0;
			}
			if (nrun++ == 0)
				run = a;
		}
	}
	if (nrun > 0)
		(void)exo_tlb_unprotect(unix_exo, (void *)run, nrun,
		    EXO_RIGHT_READ | EXO_RIGHT_WRITE);
	if (tlb && bits != 0)
		(void)exo_tlb_protect(unix_exo, (void *)va, n,
		    bits == PTE_NA ? 0 : EXO_RIGHT_READ);
	return (0);
}

void
vm_tlb_flush(void)
{
	(void)exo_tlb_flush(unix_exo);
}

/* Count vm's pages: resident, swapped, shared. */
void
vm_count(const struct vm *vm, struct vm_census *c)
{
	uint64_t	pte;
	size_t		d, i;

	memset(c, 0, sizeof *c);
	for (d = 0; d < VM_NDIR; d++) {
		if (vm->dir[d] == NULL)
			continue;
		for (i = 0; i < VM_LEAF; i++) {
			pte = vm->dir[d][i];
			if (pte & PTE_P)
				c->pinned++;
			if (pte & PTE_S)
				c->swapped++;
			else if (PTE_RESIDENT(pte)) {
				c->resident++;
				if (frame_refs(PTE_FRAME(pte)) > 1)
					c->shared++;
			}
		}
	}
}
