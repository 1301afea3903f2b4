/*
 * hintbench - what the application's paging hints are worth: a workload
 * larger than libos-unix's -M, run without hints and with them.
 *
 *	hintbench seq|rand MiB rounds hint
 *
 * The data is MiB of heap, one counter in every page.  Each round first
 * fills a scratch area of a quarter of that and sums it back (its bytes
 * are dead once summed), then visits every page of the data once --
 * in order (seq), or in a scrambled order (rand) -- adding one to its
 * counter.  With hint 1, the program says what it knows: MADV_PIN on as
 * much of the data's start as libos-unix lets it pin (half of -M), and
 * MADV_DONTNEED on the scratch area when a round is done with it, so
 * that its dead pages are neither written to swap nor read back.
 *
 * At the end every counter is checked (rounds, and the page's number
 * beside it), and one line is printed:
 *
 *	hintbench MODE MiB hint=H cycles=C pageins=I pageouts=O ok
 *
 * C is CPU cycles per page visited (data and scratch), I and O the
 * libOS's page-ins and page-outs during the rounds.
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/vmstat.h"
#include "user/user.h"

#define PAGE	4096
#define WORDS	(PAGE / 8)

static uint64
hb_tsc(void)
{
	uint32	lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64)hi << 32 | lo);
}

static void
hb_die(const char *why)
{
	printf("hintbench: %s\n", why);
	exit(1);
}

/* The i-th page of a round's order over n (a prime stride for rand). */
static long
hb_order(int rand, long i, long n)
{
	return (rand ? (i * 7919) % n : i);
}

/* Pin as much of [p, p + n pages) as libos-unix allows: the pages. */
static long
hb_pin(char *p, long n)
{
	struct vmstat	vs;
	long		k;

	if (vmstat(0, &vs) != 0)
		hb_die("vmstat failed");
	k = vs.limit != 0 ? (long)vs.limit / 2 - (long)vs.pinned : n / 4;
	if (k > n)
		k = n;
	for (; k > 0; k -= 16)
		if (madvise(p, (size_t)k * PAGE, MADV_PIN) == 0)
			return (k);
	return (0);
}

int
main(int argc, char *argv[])
{
	struct vmstat	 v0, v1;
	uint64		*data, *scr, sum, t0, t;
	long		 n, ns, i, p, visits = 0;
	int		 rand, rounds, hint, r, mib;

	if (argc != 5 || (strcmp(argv[1], "seq") != 0 &&
	    strcmp(argv[1], "rand") != 0)) {
		fprintf(2, "usage: hintbench seq|rand MiB rounds hint\n");
		exit(2);
	}
	rand = strcmp(argv[1], "rand") == 0;
	mib = atoi(argv[2]);
	rounds = atoi(argv[3]);
	hint = atoi(argv[4]);
	n = (long)mib * 256;
	ns = n / 4;
	if (n < 16 || rounds < 1)
		hb_die("MiB of at least 1, rounds of at least 1");
	if ((data = (uint64 *)sbrk(mib << 20)) == (uint64 *)-1 ||
	    (scr = (uint64 *)sbrk((int)(ns * PAGE))) == (uint64 *)-1)
		hb_die("sbrk failed");
	for (p = 0; p < n; p++) {
		data[p * WORDS] = (uint64)p;
		data[p * WORDS + 1] = 0;
	}
	if (hint)
		hb_pin((char *)data, n);
	if (vmstat(0, &v0) != 0)
		hb_die("vmstat failed");
	t0 = hb_tsc();
	for (r = 0; r < rounds; r++) {
		for (p = 0; p < ns; p++)
			scr[p * WORDS] = (uint64)(p + r);
		for (sum = 0, p = 0; p < ns; p++)
			sum += scr[p * WORDS];
		if (sum != (uint64)(ns * (ns - 1) / 2 + ns * r))
			hb_die("the scratch area lost a byte");
		if (hint && madvise(scr, (size_t)ns * PAGE, MADV_DONTNEED) != 0)
			hb_die("MADV_DONTNEED failed");
		for (i = 0; i < n; i++)
			data[hb_order(rand, i, n) * WORDS + 1]++;
		visits += n + 2 * ns;
	}
	t = hb_tsc() - t0;
	if (vmstat(0, &v1) != 0)
		hb_die("vmstat failed");
	for (p = 0; p < n; p++)
		if (data[p * WORDS] != (uint64)p ||
		    data[p * WORDS + 1] != (uint64)rounds)
			hb_die("a counter is wrong");
	printf("hintbench %s %d hint=%d cycles=%d pageins=%d pageouts=%d ok\n",
	    argv[1], mib, hint, (int)(t / (uint64)visits),
	    (int)(v1.pageins - v0.pageins), (int)(v1.pageouts - v0.pageouts));
	exit(0);
}
