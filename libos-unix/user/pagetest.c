/*
 * pagetest - memory larger than libos-unix holds, checked byte for byte.
 *
 *	pagetest fill MiB seed [passes]
 *	pagetest par n MiB
 *	pagetest fork MiB seed
 *	pagetest full MiB
 *
 * fill grows the heap by MiB, writes every 8-byte word of it with a value
 * made of its page, its place in the page and seed, then reads every word
 * back passes times (default 2): once in order, once visiting the pages
 * in a scrambled order, and so on alternately.  par runs n fills at once,
 * each in its own process with its own seed.  fork fills MiB, forks, and
 * the child checks everything, rewrites every other page with its own
 * seed and checks again, while the parent waits and then checks that its
 * own pattern survived everywhere (copy-on-write over swap).  full fills
 * 1 MiB, then forks a child that touches MiB more until libos-unix kills
 * it for want of memory; the parent checks its own MiB and goes on.
 *
 * Each prints one line, "pagetest: ... ok" on success; a wrong word
 * prints where and exits 1.
 */
#include "kernel/types.h"
#include "user/user.h"

#define PAGE	4096
#define WORDS	(PAGE / 8)

static uint64
pt_value(uint64 page, uint64 word, int seed)
{
	return (page << 32 | (uint64)(seed & 0xffff) << 16 | word) ^
	    0x5a5a000000000000ULL;
}

static void
pt_write(uint64 *heap, long npages, int seed, int every)
{
	long	p, w;

	for (p = 0; p < npages; p += every)
		for (w = 0; w < WORDS; w++)
			heap[p * WORDS + w] = pt_value(p, w, seed);
}

/* Check page p: 0, or 1 after saying which word is wrong. */
static int
pt_check_page(uint64 *heap, long p, int seed)
{
	long	w;

	for (w = 0; w < WORDS; w++)
		if (heap[p * WORDS + w] != pt_value(p, w, seed)) {
			printf("pagetest: page %d word %d wrong (seed %d)\n",
			    (int)p, (int)w, seed);
			return (1);
		}
	return (0);
}

/* Every page, in order or scrambled (a stride prime to npages). */
static int
pt_check(uint64 *heap, long npages, int seed, int scrambled)
{
	long	i, p = 0, stride = 1;

	if (scrambled) {
		stride = 7919;
		while (npages % stride == 0)
			stride += 2;
	}
	for (i = 0; i < npages; i++) {
		if (pt_check_page(heap, p, seed) != 0)
			return (1);
		p = (p + stride) % npages;
	}
	return (0);
}

static uint64 *
pt_grow(int mib, long *npages)
{
	char	*heap;

	*npages = (long)mib * 256;
	heap = sbrk(mib * 1024 * 1024);
	if (heap == (char *)-1) {
		printf("pagetest: sbrk of %d MiB failed\n", mib);
		exit(1);
	}
	return ((uint64 *)heap);
}

static int
pt_fill(int mib, int seed, int passes)
{
	uint64	*heap;
	long	 npages;
	int	 i;

	heap = pt_grow(mib, &npages);
	pt_write(heap, npages, seed, 1);
	for (i = 0; i < passes; i++)
		if (pt_check(heap, npages, seed, i % 2) != 0)
			return (1);
	printf("pagetest: %d MiB seed %d checked %d times ok\n", mib, seed,
	    passes);
	return (0);
}

static int
pt_par(int n, int mib)
{
	int	i, st, bad = 0;

	for (i = 0; i < n; i++) {
		if (fork() == 0)
			exit(pt_fill(mib, 100 + i, 2));
	}
	for (i = 0; i < n; i++)
		if (wait(&st) < 0 || st != 0)
			bad++;
	if (bad != 0) {
		printf("pagetest: %d of %d failed\n", bad, n);
		return (1);
	}
	printf("pagetest: %d processes of %d MiB ok\n", n, mib);
	return (0);
}

static int
pt_fork(int mib, int seed)
{
	uint64	*heap;
	long	 npages, p;
	int	 st;

	heap = pt_grow(mib, &npages);
	pt_write(heap, npages, seed, 1);
	if (fork() == 0) {
		if (pt_check(heap, npages, seed, 0) != 0)
			exit(1);
		pt_write(heap, npages, seed + 1, 2);
		for (p = 0; p < npages; p++)
			if (pt_check_page(heap, p, p % 2 ? seed : seed + 1))
				exit(1);
		exit(0);
	}
	if (wait(&st) < 0 || st != 0) {
		printf("pagetest: the child failed\n");
		return (1);
	}
	if (pt_check(heap, npages, seed, 1) != 0)
		return (1);
	printf("pagetest: fork of %d MiB ok\n", mib);
	return (0);
}

static int
pt_full(int mib)
{
	uint64	*heap;
	long	 npages;
	int	 st = 0, pid;

	heap = pt_grow(1, &npages);
	pt_write(heap, npages, 9, 1);
	if ((pid = fork()) == 0) {
		pt_fill(mib, 10, 1);
		exit(0);
	}
	if (wait(&st) != pid || st == 0) {
		printf("pagetest: the hog was not stopped (%d)\n", st);
		return (1);
	}
	if (pt_check(heap, npages, 9, 1) != 0)
		return (1);
	heap = pt_grow(1, &npages);
	pt_write(heap, npages, 11, 1);
	if (pt_check(heap, npages, 11, 0) != 0)
		return (1);
	printf("pagetest: the hog died (%d), the rest ok\n", st);
	return (0);
}

static void
usage(void)
{
	fprintf(2, "usage: pagetest fill MiB seed [passes] | par n MiB | "
	    "fork MiB seed | full MiB\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	if (argc < 3)
		usage();
	if (strcmp(argv[1], "fill") == 0 && (argc == 4 || argc == 5))
		exit(pt_fill(atoi(argv[2]), atoi(argv[3]),
		    argc == 5 ? atoi(argv[4]) : 2));
	if (strcmp(argv[1], "par") == 0 && argc == 4)
		exit(pt_par(atoi(argv[2]), atoi(argv[3])));
	if (strcmp(argv[1], "fork") == 0 && argc == 4)
		exit(pt_fork(atoi(argv[2]), atoi(argv[3])));
	if (strcmp(argv[1], "full") == 0 && argc == 3)
		exit(pt_full(atoi(argv[2])));
	usage();
	return (0);
}
