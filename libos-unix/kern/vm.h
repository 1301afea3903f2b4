/*
 * vm.h - a process's address space: its own page table over the region.
 */
#ifndef KERN_VM_H
#define KERN_VM_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/memlayout.h"

#define VM_NPAGES	(UNIX_REGION_SIZE / UNIX_PAGE_SIZE)
#define VM_LEAF		512		/* entries of one leaf: 2 MiB */
#define VM_NDIR		(VM_NPAGES / VM_LEAF)

/* A page-table entry: exod's frame number << 12 | flags. */
#define PTE_V		0x01	/* the page exists */
#define PTE_W		0x02	/* writable now */
#define PTE_X		0x04	/* may be executed */
#define PTE_COW		0x08	/* writable after a copy: frame shared */
#define PTE_GATE	0x10	/* the gate: one frame for all, not counted */
#define PTE_A		0x20	/* accessed since the clock last passed */
#define PTE_S		0x40	/* swapped out: the number is a swap slot */
#define PTE_SHM		0x80	/* of a MAP_SHARED mapping: fork shares the
				   frame, never copies it (mmap.c) */
#define PTE_D		0x100	/* PTE_SHM and written since mapped: munmap
				   writes it back; until set, the TLB holds
				   the page read-only so that a store traps */
#define PTE_P		0x200	/* pinned by madvise(MADV_PIN): the clock
				   passes it by (exod's revocation does not) */
/*
 * The program's own protection (mprotect(2)): rights taken away from
 * what the page would otherwise allow, never rights added.  An access
 * they refuse is a protection fault, delivered to the process's
 * sigsegv(2) handler.  They may stand on an entry without PTE_V, for a
 * page not made yet (lazy, or of a mapping), and are kept when the page
 * is made, swapped and brought back, and across fork.
 */
#define PTE_RO		0x400	/* mprotect(PROT_READ): no store */
#define PTE_NA		0x800	/* mprotect(PROT_NONE): no access at all */
#define PTE_PROT	(PTE_RO | PTE_NA)
/* What a page keeps when it goes to swap and comes back. */
#define PTE_KEEP	(PTE_W | PTE_X | PTE_COW | PTE_SHM | PTE_D | PTE_P | \
			 PTE_PROT)
#define PTE_FRAME(pte)	((uint32_t)((pte) >> 12))
#define PTE_SLOT(pte)	((uint32_t)((pte) >> 12))
#define PTE_RESIDENT(pte) (((pte) & (PTE_V | PTE_S | PTE_GATE)) == PTE_V)
#define PTE_MAKE(f, fl)	(((uint64_t)(f) << 12) | (fl))

/*
 * A mapping of a file (mmap.c): [va, va + len) shows the file's bytes from
 * off on.  Its pages are made on first touch; the entries of the table
 * say which exist.  len == 0: the slot is free.
 */
#define VM_NMAP		16	/* mappings of one process */
struct vm_map {
	uint64_t	 va;		/* page-aligned, above the break */
	uint64_t	 len;		/* bytes, a multiple of the page */
	uint64_t	 off;		/* the file offset of va, page-aligned */
	int		 prot;		/* PROT_* of kernel/fcntl.h */
	int		 flags;		/* MAP_SHARED or MAP_PRIVATE */
	struct file	*file;		/* referenced while len != 0 */
};

/* Where in the gate page a sigsegv handler returns to: a stub that calls
 * sigreturn(2) (vm_gate_init).  Returning there is the same as calling it. */
#define VM_GATE_SIGRET	0x40

/* Pages preloaded at a switch: half the default TLB of exod (-t 64). */
#define VM_WS_MAX	32

struct vm {
	uint64_t	*dir[VM_NDIR];	/* leaves, NULL where nothing is */
	uintptr_t	 ws[VM_WS_MAX];	/* working set: pages the TLB was
					   filled with lately, each once */
	unsigned	 nws;		/* entries of ws in use */
	unsigned	 wsnext;	/* the one a full ws replaces next */
	uint64_t	 heap0;		/* first heap address (after bss) */
	uint64_t	 sz;		/* the break: end of data and heap */
	size_t		 npages;	/* valid pages, the gate included */
	uint64_t	 faults;	/* page faults served (vm_fill) */
	uint64_t	 pageins;	/* of its pages read back from swap */
	uint64_t	 pageouts;	/* of its pages evicted to swap */
	struct vm_map	 map[VM_NMAP];	/* its mappings, disjoint, each
					   above sz and below the stack */
};

/* What vm_census counts in one table. */
struct vm_census {
	uint64_t	 resident;	/* pages with a frame (gate excluded) */
	uint64_t	 swapped;	/* pages in swap */
	uint64_t	 shared;	/* resident, on a frame others map too */
	uint64_t	 pinned;	/* with PTE_P, resident or not */
};

/* The entry the kernel is changing: the clock passes it by. */
extern uint64_t	*vm_busy;

struct file;

struct vm	*vm_new(void);
void		 vm_free(struct vm *);
uint64_t	*vm_pte(struct vm *, uintptr_t, int);
int		 vm_map_zero(struct vm *, uintptr_t, uint64_t);
struct vm	*vm_fork(struct vm *);
#define VM_WRITE	0x1	/* vm_fill: the access was a write */
#define VM_EXEC		0x2	/* an instruction fetch */
#define VM_POOLED	0x4	/* the signal path: take no frame from exod */
#define VM_TAKEN	2	/* vm_fill: the frame was repossessed */
#define VM_DENIED	3	/* vm_fill: no such page, or not so */
#define VM_PROT		4	/* vm_fill: refused by the program's own
				   protection (PTE_PROT): a protection fault */
int		 vm_fill(struct vm *, uintptr_t, int);
int		 vm_copyout(struct vm *, uintptr_t, const void *, size_t);
int		 vm_copyin(struct vm *, void *, uintptr_t, size_t);
int		 vm_copyinstr(struct vm *, char *, uintptr_t, size_t);
int		 vm_sbrk(struct vm *, int64_t, uint64_t *);
int		 vm_user_range(uintptr_t, size_t);
int		 vm_gate_init(void);
void		 vm_tlb_flush(void);
void		 vm_tlb_switch(struct vm *);
void		 vm_ws_drop(struct vm *, uintptr_t);
void		 vm_count(const struct vm *, struct vm_census *);
void		 vm_drop(struct vm *, uintptr_t);
void		 vm_unmap(struct vm *, uintptr_t);
int		 vm_protect(struct vm *, uintptr_t, size_t, int);
int		 vm_lazy(const struct vm *, uintptr_t);
unsigned char	*vm_kaddr(struct vm *, uintptr_t, int);

/* mmap.c: mappings of files, and the application's paging hints */
extern unsigned	 mmap_pinned;	/* pages with PTE_P, every process's */
struct vm_map	*mmap_find(struct vm *, uintptr_t);
int		 mmap_fill(struct vm *, struct vm_map *, uintptr_t,
		    uint64_t **);
uint64_t	 mmap_map(struct vm *, uint64_t, int, int, struct file *,
		    uint64_t);
int		 mmap_unmap(struct vm *, uint64_t, uint64_t);
void		 mmap_release(struct vm *);
void		 mmap_fork(struct vm *, const struct vm *);
uint64_t	 mmap_low(const struct vm *);
void		 mmap_share(uintptr_t, uint32_t, uint32_t);
int		 mmap_advise(struct vm *, uint64_t, uint64_t, int);

#endif
