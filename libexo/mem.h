/*
 * mem.h - libexo's memory layer: the address space, the emulated
 * software-loaded TLB and the libOS side of the STLB (as.c, tlb.c,
 * stlb.c).  Private to libexo.
 *
 * libexo is the emulated hardware here.  The host MMU does the
 * translating; the TLB below decides which pages of the region the host
 * lets through: a page is mapped with the rights of its TLB entry while
 * it has one, and PROT_NONE otherwise.
 *
 * Reentrancy.  The state is changed from normal code (the exo_tlb_* and
 * exo_as_* calls), from the trap handler (SIGSEGV, which runs with
 * SIGCONT and the doorbell blocked), from the doorbell handler
 * (switch_out) and from the SIGCONT handler (switch_in).  Every change
 * runs inside exo_mem_enter()/exo_mem_leave(); a hook that finds the
 * state busy records what it would have done in deferred and
 * exo_mem_leave() does it.
 * A libOS is one thread: nothing here is safe across threads.
 */
#ifndef LIBEXO_MEM_H
#define LIBEXO_MEM_H

#include <signal.h>
#include <stdint.h>

#include "libexo-int.h"

#define MEM_AS_MAX	(64ULL << 30)	/* largest region: 64 GiB */
#define MEM_NONE	UINT32_MAX	/* no entry, no frame */
#define MEM_KEEP_MAX	8192		/* frame mappings kept in the region */

/* What libexo knows of each frame this connection has bound. */
struct mem_frame {
	int		 fd;	/* the owner's descriptor; -1 when not bound */
	uint32_t	 off;	/* the frame's page in it: 0, or its index
				   in an extent */
	uint32_t	 nmaps;	/* region pages whose host mapping is it */
	uint64_t	 gen;	/* generation of the binding, 0 when none */
	unsigned	 rights; /* the capability's rights */
};

/* A region page's host mapping: which frame backs it (PROT_NONE or not). */
struct mem_page {
	uint32_t	 frame;	/* frame number + 1; 0: anonymous, PROT_NONE */
	uint32_t	 dirty;	/* writable in the TLB since last cleaned */
	uint64_t	 gen;
};

/* One TLB entry. */
struct mem_tlbe {
	uintptr_t	 vpn;	/* virtual page number (address >> 12) */
	uint32_t	 frame;	/* MEM_NONE when the entry is invalid */
	uint32_t	 next;	/* hash chain */
	uint64_t	 gen;
	uint8_t		 rights; /* EXO_RIGHT_*, never 0 while valid */
	uint8_t		 max;	/* the capability's rights at install */
	uint8_t		 keep;	/* switch-in: guaranteed, stays loaded */
	uint8_t		 pad[5];
};

/* A run of consecutive pages given one protection by one mprotect. */
struct mem_run {
	unsigned char	*va;
	size_t		 len;
	int		 prot;
	int		 error;
};

#define MEM_DEFER_OUT	0x01	/* a switch_out came while busy */
#define MEM_DEFER_IN	0x02	/* a switch_in came while busy */

struct exo_mem {
	struct exo		*e;
	/* the frame registry: frames_total entries */
	struct mem_frame	*frames;
	uint32_t		 nframes;
	/* the address space; base NULL when there is none */
	unsigned char		*base;
	size_t			 size;
	uintptr_t		 vpn0;	/* first page number of the region */
	size_t			 npages;
	struct mem_page		*pages;	/* npages, NORESERVE */
	size_t			 lo, hi; /* pages ever mapping a frame */
	uint32_t		 kept;	/* pages whose mapping is a frame */
	/* the TLB: ntlb entries, hashed by page number */
	struct mem_tlbe		*tlb;
	uint32_t		 ntlb;
	uint32_t		 nvalid;
	uint32_t		*bucket;	/* nbucket heads */
	uint32_t		 nbucket;	/* a power of two */
	uint32_t		*freelist;	/* invalid entries, a stack */
	uint32_t		 nfree;
	uint64_t		 rng;		/* replacement: xorshift64 */
	/* wired pages: never chosen for replacement */
	uintptr_t		 wired[EXO_TLB_WIRED_MAX];
	uint32_t		 nwired;
	uint32_t		 wired_max;
	/* switches */
	uint64_t		 switches;	/* expose->switches last seen */
	int			 out;		/* switch_out since switch_in */
	volatile sig_atomic_t	 busy;
	volatile sig_atomic_t	 deferred;	/* MEM_DEFER_* */
};

/* as.c */
struct exo_mem	*exo_mem_get(struct exo *);
int		 exo_mem_map_page(struct exo_mem *, size_t, uint32_t, uint64_t,
		    int);
void		 exo_mem_unmap_page(struct exo_mem *, size_t);

/* tlb.c */
int		 exo_mem_trap(struct exo *, const struct exo_trap *);
void		 exo_mem_switch_out(struct exo_mem *);
void		 exo_mem_switch_in(struct exo_mem *);
void		 exo_mem_enter(struct exo_mem *);
void		 exo_mem_leave(struct exo_mem *);
int		 exo_mem_tlb_init(struct exo_mem *);
void		 exo_mem_tlb_fini(struct exo_mem *);
uint32_t	 exo_mem_tlb_find(const struct exo_mem *, uintptr_t);
int		 exo_mem_tlb_load(struct exo_mem *, size_t, uint32_t, uint64_t,
		    unsigned, unsigned, struct mem_run *);
void		 exo_mem_tlb_drop(struct exo_mem *, uint32_t);
void		 exo_mem_tlb_flush_all(struct exo_mem *);
void		 exo_mem_tlb_flush_unkept(struct exo_mem *);
void		 exo_mem_tlb_drop_frame(struct exo_mem *, uint32_t);
int		 exo_mem_prot(unsigned);
void		 exo_mem_run_add(struct mem_run *, unsigned char *, int);
void		 exo_mem_run_flush(struct mem_run *);

/* stlb.c */
int		 exo_mem_stlb_on(const struct exo_mem *);
int		 exo_mem_stlb_lookup(struct exo_mem *, size_t);
void		 exo_mem_stlb_reload(struct exo_mem *);
unsigned	 exo_mem_stlb_saves(const struct exo_mem *);

#endif /* LIBEXO_MEM_H */
