/*
 * kernel/vmstat.h - what vmstat(2) tells about libos-unix's memory: the
 * contract between vmstat(1), ps(1) and the libOS (kern/sysproc.c).
 *
 *	int vmstat(int pid, struct vmstat *vs);
 *
 * With pid 0 the numbers are the whole libOS's; with the pid of a live
 * process, that process's (its pages, and the faults, page-ins and
 * page-outs of its pages), and limit, slots and slots_used are 0.  The
 * call returns 0, or -1 if no live process has pid or vs is not
 * writable user memory.  Every count is of 4096-byte pages.
 */
#ifndef KERNEL_VMSTAT_H
#define KERNEL_VMSTAT_H

struct vmstat {
	uint64	resident;	/* pages with a frame (pid 0: frames in use
				   for user memory, the gate's included) */
	uint64	swapped;	/* pages in swap, not resident */
	uint64	shared;		/* resident pages whose frame another page
				   maps too (pid 0: such frames) */
	uint64	faults;		/* page faults served */
	uint64	pageins;	/* pages read back from swap */
	uint64	pageouts;	/* pages evicted to swap (pid 0: written) */
	uint64	reclaims;	/* pid 0: evictions that needed no write */
	uint64	limit;		/* pid 0: -M in pages; 0 if none */
	uint64	held;		/* pid 0: frames held (in use and free) */
	uint64	peak;		/* pid 0: the most frames held since boot */
	uint64	slots;		/* pid 0: swap blocks bound from exod */
	uint64	slots_used;	/* pid 0: of those, holding a page */
	uint64	revoked;	/* pid 0: frames exod revoked, paged out */
	uint64	lost;		/* pid 0: frames exod took by force first */
	uint64	oom;		/* pid 0: evictions that found no room */
	uint64	pinned;		/* pages pinned by madvise(MADV_PIN) */
};

#endif
