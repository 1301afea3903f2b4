/*
 * swap.h - the swap area: disk blocks bound from exod (scratch blocks,
 * which exod frees when the libOS's connection ends), cut into slots of
 * one page each, and the counters of the memory system.
 */
#ifndef KERN_SWAP_H
#define KERN_SWAP_H

#include <stdint.h>

#define SWAP_NONE	UINT32_MAX	/* no slot; no frame */
#define SWAP_IO_MAX	64		/* pages in one write or read */
#define SWAP_RESERVE	EXO_BATCH_MAX	/* blocks kept for seeded autosave:
					   one repossession vector */

/* Counters of the whole libOS (vmstat(2) with pid 0). */
struct swap_stats {
	uint64_t	faults;		/* page faults served by vm_fill */
	uint64_t	pageins;	/* pages read back from swap */
	uint64_t	pageouts;	/* pages written to swap */
	uint64_t	reclaims;	/* evictions that needed no write */
	uint64_t	revoked;	/* frames exod asked back, paged out */
	uint64_t	lost;		/* frames exod took before that */
	uint64_t	oom;		/* allocations refused: swap full */
};

extern struct swap_stats swap_st;

int		 swap_init(struct exo *);
uint32_t	 swap_alloc(void);
void		 swap_ref(uint32_t);
void		 swap_unref(uint32_t);
uint32_t	 swap_frame(uint32_t);
void		 swap_link(uint32_t, uint32_t);
void		 swap_unlink_frame(uint32_t);
int		 swap_write(const uint32_t *, const uint32_t *, unsigned);
int		 swap_read(uint32_t, uint32_t);
uint32_t	 swap_slots(void);
uint32_t	 swap_used(void);
uint32_t	 swap_adopt(const struct exo_cap *);
void		 swap_settle(uint32_t);
#define SWAP_LOST	(UINT32_MAX - 1)	/* pageout_frames: no copy */
void		 swap_reserve_fill(void);
int		 swap_reserve_take(struct exo_cap *);
unsigned	 swap_reserve_left(void);

#endif
