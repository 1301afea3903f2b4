/*
 * appelbench - the Appel-Li virtual-memory primitives (Appel and Li,
 * ASPLOS 1991) in a libos-unix process, through mprotect(2), sigsegv(2)
 * and sigreturn(2), timed with the CPU's cycle counter.
 *
 *	appelbench [batches [reps]]
 *
 * The operations are exobench-vm's, defined the same way over the same
 * 128 pages of heap, with the same pseudo-random pages and order, so
 * that exobench-unix can set them beside the host's:
 *
 *	trap		touch a protected page; the handler unprotects it
 *			(per trap, 32 pages protected at once beforehand)
 *	prot1		protect one page, read-write to read-only
 *	prot100		protect 100 pages in one call
 *	unprot100	unprotect 100 pages in one call
 *	appel1		touch a random protected page; the handler protects
 *			another page and unprotects the faulting one
 *			(per trap)
 *	appel2		protect 100 pages, touch each in random order; the
 *			handler unprotects the faulting page (per page)
 *
 * Each is run in batches (21 by default) of reps repetitions (20), and
 * one line "appel_NAME CYCLES" gives the median of the batches' cycles
 * per operation.  Exit 1 if a trap went astray.
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"

#define PAGE		4096
#define NPAGES		128	/* the region */
#define N100		100	/* the "100" of prot100, unprot100, appel2 */
#define NTRAP		32	/* pages per trap batch */
#define APPEL1_N	64	/* traps per appel1 batch */
#define MAXBATCH	101

#define R_NONE		PROT_NONE
#define R_RO		PROT_READ
#define R_RW		(PROT_READ | PROT_WRITE)

static char *volatile	 ab_base;
static void		(*volatile ab_policy)(int);
static int		 appel1_prot[APPEL1_N];
static int		 appel1_page[APPEL1_N];
static volatile int	 appel1_k;
static int		 appel2_order[N100];

static uint64
ab_tsc(void)
{
	uint32	lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64)hi << 32 | lo);
}

static void
ab_die(const char *why)
{
	printf("appelbench: %s\n", why);
	exit(1);
}

/* exobench-vm's generator, seeded as it is. */
static uint64	rng_state = 0x2545f4914f6cdd1dULL;

static uint32
rnd(uint32 n)
{
	uint64	x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return ((uint32)(x % n));
}

static void
ab_prot(int pg, int n, int prot)
{
	if (mprotect(ab_base + pg * PAGE, n * PAGE, prot) != 0)
		ab_die("mprotect failed");
}

static void
policy_unprot(int pg)
{
	ab_prot(pg, 1, R_RW);
}

static void
policy_appel1(int pg)
{
	int	q = appel1_prot[appel1_k++];

	ab_prot(pg, 1, R_RW);
	if (q >= 0)
		ab_prot(q, 1, R_NONE);
}

static void
ab_handler(void *addr)
{
	char	*a = addr;

	if (a < ab_base || a >= ab_base + NPAGES * PAGE)
		ab_die("a fault outside the region");
	ab_policy((int)((a - ab_base) / PAGE));
	sigreturn();
}

static void
touch_w(int pg)
{
	*(volatile char *)(ab_base + pg * PAGE + 64) = 2;
}

static void
touch_r(int pg)
{
	(void)*(volatile char *)(ab_base + pg * PAGE + 64);
}

static uint64
b_trap(int reps)
{
	uint64	t, sum = 0;
	int	i, r;

	for (r = 0; r < reps; r++) {
		ab_prot(0, NTRAP, R_NONE);
		t = ab_tsc();
		for (i = 0; i < NTRAP; i++)
			touch_w(i);
		sum += ab_tsc() - t;
	}
	return (sum / (uint64)(reps * NTRAP));
}

static uint64
b_prot1(int reps)
{
	uint64	t, sum = 0;
	int	i, r;

	for (r = 0; r < reps; r++) {
		ab_prot(0, NTRAP, R_RW);
		for (i = 0; i < NTRAP; i++)
			touch_w(i);
		t = ab_tsc();
		for (i = 0; i < NTRAP; i++)
			ab_prot(i, 1, R_RO);
		sum += ab_tsc() - t;
	}
	return (sum / (uint64)(reps * NTRAP));
}

static uint64
b_prot100(int reps)
{
	uint64	t, sum = 0;
	int	i, r;

	for (r = 0; r < reps; r++) {
		ab_prot(0, N100, R_RW);
		for (i = 0; i < N100; i++)
			touch_w(i);
		t = ab_tsc();
		ab_prot(0, N100, R_RO);
		sum += ab_tsc() - t;
	}
	return (sum / (uint64)reps);
}

static uint64
b_unprot100(int reps)
{
	uint64	t, sum = 0;
	int	i, r;

	for (r = 0; r < reps; r++) {
		ab_prot(0, N100, R_RW);
		for (i = 0; i < N100; i++)
			touch_r(i);
		ab_prot(0, N100, R_RO);
		t = ab_tsc();
		ab_prot(0, N100, R_RW);
		sum += ab_tsc() - t;
	}
	return (sum / (uint64)reps);
}

static void
appel1_plan(void)
{
	char	prot[N100];
	int	k, p, q, nun;

	memset(prot, 1, sizeof prot);
	for (k = 0; k < APPEL1_N; k++) {
		do
			p = (int)rnd(N100);
		while (!prot[p]);
		prot[p] = 0;
		for (nun = 0, q = 0; q < N100; q++)
			nun += !prot[q] && q != p;
		q = -1;
		if (nun > 0) {
			do
				q = (int)rnd(N100);
			while (prot[q] || q == p);
			prot[q] = 1;
		}
		appel1_page[k] = p;
		appel1_prot[k] = q;
	}
}

static uint64
b_appel1(int reps)
{
	uint64	t, sum = 0;
	int	r, k;

	for (r = 0; r < reps; r++) {
		ab_prot(0, N100, R_NONE);
		appel1_k = 0;
		ab_policy = policy_appel1;
		t = ab_tsc();
		for (k = 0; k < APPEL1_N; k++)
			touch_w(appel1_page[k]);
		sum += ab_tsc() - t;
		ab_policy = policy_unprot;
		if (appel1_k != APPEL1_N)
			ab_die("appel1: a trap too many or too few");
	}
	return (sum / (uint64)(reps * APPEL1_N));
}

static uint64
b_appel2(int reps)
{
	uint64	t, sum = 0;
	int	r, k;

	for (r = 0; r < reps; r++) {
		t = ab_tsc();
		ab_prot(0, N100, R_NONE);
		for (k = 0; k < N100; k++)
			touch_w(appel2_order[k]);
		sum += ab_tsc() - t;
	}
	return (sum / (uint64)(reps * N100));
}

static const struct {
	const char	*name;
	uint64		(*fn)(int);
} benches[] = {
	{ "appel_trap", b_trap },
	{ "appel_prot1", b_prot1 },
	{ "appel_prot100", b_prot100 },
	{ "appel_unprot100", b_unprot100 },
	{ "appel_appel1", b_appel1 },
	{ "appel_appel2", b_appel2 },
};
#define NBENCH	((int)(sizeof benches / sizeof benches[0]))

static uint64	v[NBENCH][MAXBATCH];

static uint64
median(uint64 *a, int n)
{
	uint64	x;
	int	i, j;

	for (i = 1; i < n; i++) {
		x = a[i];
		for (j = i; j > 0 && a[j - 1] > x; j--)
			a[j] = a[j - 1];
		a[j] = x;
	}
	return (a[n / 2]);
}

int
main(int argc, char *argv[])
{
	int	batches = argc > 1 ? atoi(argv[1]) : 21;
	int	reps = argc > 2 ? atoi(argv[2]) : 20;
	int	b, k, i, c;
	char	*p;

	if (batches < 1 || batches > MAXBATCH || reps < 1)
		ab_die("usage: appelbench [batches [reps]]");
	p = sbrk(0);
	if (((uint64)p & (PAGE - 1)) != 0)
		sbrk(PAGE - (int)((uint64)p & (PAGE - 1)));
	if ((p = sbrk(NPAGES * PAGE)) == (char *)-1)
		ab_die("sbrk");
	memset(p, 1, NPAGES * PAGE);		/* every page made */
	ab_base = p;
	ab_policy = policy_unprot;
	if (sigsegv(ab_handler) != 0)
		ab_die("sigsegv");
	appel1_plan();
	for (k = 0; k < N100; k++)
		appel2_order[k] = k;
	for (k = N100 - 1; k > 0; k--) {
		i = (int)rnd((uint32)k + 1);
		c = appel2_order[k];
		appel2_order[k] = appel2_order[i];
		appel2_order[i] = c;
	}
	for (b = 0; b < NBENCH; b++)		/* warm every path up */
		(void)benches[b].fn(1);
	for (k = 0; k < batches; k++)
		for (b = 0; b < NBENCH; b++) {
			ab_policy = policy_unprot;
			v[b][k] = benches[b].fn(reps);
		}
	for (b = 0; b < NBENCH; b++)
		printf("%s %d\n", benches[b].name, (int)median(v[b], batches));
	exit(0);
}
