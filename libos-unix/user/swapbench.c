/*
 * swapbench - what a page fault served from swap costs a libos-unix
 * process: a heap larger than libos-unix's -M, read in order, again and
 * again, so that (the clock keeping the pages of the last lap, which the
 * next lap wants last) every touch finds its page in swap.
 *
 *	swapbench MiB rounds
 *
 * The heap is MiB of pages, each holding its number.  It is written once
 * (the pages go to swap, written) and read once (each comes back and
 * keeps its slot as a clean copy), so that the measured laps read pages
 * back and evict clean ones, no write among them: a major fault of a
 * file page, as the host has it.  Then rounds laps are timed, each page's
 * number checked, and one line printed:
 *
 *	swapbench MiB cycles=C pageins=I pages=P ok
 *
 * C is CPU cycles per page read back from swap (all the laps' cycles
 * over I, the process's page-ins during them; P pages were touched).
 */
#include "kernel/types.h"
#include "kernel/vmstat.h"
#include "user/user.h"

#define PAGE	4096

static uint64
sb_tsc(void)
{
	uint32	lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64)hi << 32 | lo);
}

static void
sb_die(const char *why)
{
	printf("swapbench: %s\n", why);
	exit(1);
}

static uint64
sb_pageins(void)
{
	struct vmstat	vs;

	if (vmstat(getpid(), &vs) != 0)
		sb_die("vmstat");
	return (vs.pageins);
}

int
main(int argc, char *argv[])
{
	volatile uint64	*w;
	uint64		 t, cycles = 0, in0, in;
	char		*p;
	long		 n, i;
	int		 mib, rounds, r;

	if (argc != 3 || (mib = atoi(argv[1])) < 1 || mib > 512 ||
	    (rounds = atoi(argv[2])) < 1)
		sb_die("usage: swapbench MiB rounds");
	n = (long)mib * 256;
	p = sbrk(0);
	if (((uint64)p & (PAGE - 1)) != 0)
		sbrk(PAGE - (int)((uint64)p & (PAGE - 1)));
	if ((p = sbrk((int)(n * PAGE))) == (char *)-1)
		sb_die("sbrk");
	for (i = 0; i < n; i++) {
		w = (volatile uint64 *)(p + i * PAGE);
		*w = (uint64)i;
	}
	for (i = 0; i < n; i++) {
		w = (volatile uint64 *)(p + i * PAGE);
		if (*w != (uint64)i)
			sb_die("a page came back wrong");
	}
	in0 = sb_pageins();
	for (r = 0; r < rounds; r++) {
		t = sb_tsc();
		for (i = 0; i < n; i++) {
			w = (volatile uint64 *)(p + i * PAGE);
			if (*w != (uint64)i)
				sb_die("a page came back wrong");
		}
		cycles += sb_tsc() - t;
	}
	in = sb_pageins() - in0;
	if (in == 0)
		sb_die("no page came from swap: is -M below the heap?");
	printf("swapbench %d cycles=%d pageins=%d pages=%d ok\n", mib,
	    (int)(cycles / in), (int)in, (int)(n * rounds));
	exit(0);
}
