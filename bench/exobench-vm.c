/*
 * exobench-vm - the Appel-Li virtual memory benchmarks in three columns,
 * and what the STLB saves at a context switch.
 *
 * The Appel-Li primitives (Appel and Li, ASPLOS 1991), as the exokernel
 * paper reported them, each measured three ways in one run, in
 * interleaved batches, as medians of the batches:
 *
 *	monolithic	the host kernel directly: mprotect(2), and a
 *			SIGSEGV handler that changes the mapping
 *	microkernel	an external pager process, as Mach's: every fault and
 *			every protection change is a request over a
 *			SOCK_SEQPACKET socketpair to the pager, which keeps
 *			the page table and decides; the mapping is changed
 *			(mprotect) only once its reply is in
 *	exokernel	exod and this process as a libOS: a region, frames,
 *			a page table of capabilities, an addressing handler,
 *			and libexo's software-loaded TLB
 *
 *	trap		touch a protected page; the handler unprotects it
 *	prot1		protect one page (read-write to read-only)
 *	prot100		protect 100 pages in one call
 *	unprot100	unprotect 100 pages in one call
 *	dirty		is this page dirty?  (monolithic: the soft-dirty bit
 *			of /proc/self/pagemap)
 *	appel1		touch a random protected page; the handler protects
 *			another page and unprotects the faulting one
 *	appel2		protect 100 pages, touch each in random order; the
 *			handler unprotects the faulting page (per page)
 *
 * Then, for working sets of 8 to 256 pages, a child libOS that holds one
 * slot of two (so that it is switched out and in every quantum) touches
 * its working set three times right after each switch-in; the first lap
 * against the third is what the switch cost it: TLB misses, and time
 * (the libOS's SIGCONT handler, where libexo reloads the TLB, included).
 * Beyond 64 pages the laps miss on capacity too, switch or not.  Its
 * first min(pages, 64) pages are guaranteed (STLB_SET).  This runs once
 * on an exod with the STLB and once on one with --no-stlb.
 *
 * Targets are reported, not asserted: the exit status is 0 whether or not
 * they are met, and 1 only when something failed.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "benchlib.h"
#include "json.h"

#define PAGE		EXO_FRAME_SIZE
#define NPAGES		128	/* region of each column */
#define N100		100	/* the "100" of prot100, unprot100, appel2 */
#define NTRAP		32	/* pages per trap batch: fits any TLB */
#define APPEL1_N	64	/* traps per appel1 batch */
#define WS_MAX		256
#define STLB_QUANTUM	"5"	/* ms */

struct plan {
	int	batches;	/* Appel-Li: interleaved batches */
	int	reps;		/* repetitions of each benchmark per batch */
	int	samples;	/* STLB: switches sampled per working set */
};

static const struct plan plan_full = { .batches = 21, .reps = 20,
	.samples = 41 };
static const struct plan plan_quick = { .batches = 5, .reps = 5,
	.samples = 11 };

static pid_t		pager_pid = -1;

/* --- random numbers ------------------------------------------------- */

static uint64_t	rng_state = 0x2545f4914f6cdd1dULL;

static uint32_t
rnd(uint32_t n)
{
	uint64_t	x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return ((uint32_t)(x % n));
}

/* --- the three columns ---------------------------------------------- */

#define R_NONE		0
#define R_RO		EXO_RIGHT_READ
#define R_RW		EXO_RIGHTS_ALL

struct col {
	const char	 *name;
	unsigned char	 *base;
	void		(*enter)(void);		/* its trap handler in place */
	void		(*resolve)(size_t, unsigned);	/* the faulting page */
	void		(*prot)(size_t, size_t, unsigned);
	void		(*unprot)(size_t, size_t, unsigned);
	int		(*dirty)(size_t);
};

enum { C_MONO, C_MICRO, C_EXO, NCOLS };
static struct col	 cols[NCOLS];
/* Shared with the trap handlers: volatile, so no access moves past a trap. */
static struct col *volatile cur;	/* the column whose trap this is */

/* The policy of the benchmark running: what a fault on pg does. */
static void		(*volatile policy)(struct col *, size_t);

/* appel1: which page the handler protects at trap k (-1: none). */
static int		 appel1_prot[APPEL1_N];
static int		 appel1_page[APPEL1_N];
static volatile int	 appel1_k;

static void
policy_unprot(struct col *c, size_t pg)
{
	c->resolve(pg, R_RW);
}

static void
policy_appel1(struct col *c, size_t pg)
{
	int	q = appel1_prot[appel1_k++];

	c->resolve(pg, R_RW);
	if (q >= 0)
		c->prot((size_t)q, 1, R_NONE);
}

static int
host_prot(unsigned rights)
{
	return ((rights & EXO_RIGHT_WRITE) ? PROT_READ | PROT_WRITE :
	    (rights & EXO_RIGHT_READ) ? PROT_READ : PROT_NONE);
}

/* monolithic and microkernel: the host's SIGSEGV, straight to the policy */
static void
host_trap(int sig, siginfo_t *si, void *uc)
{
	uintptr_t	a = (uintptr_t)si->si_addr;
	struct col	*c = cur;

	if (c == NULL || a < (uintptr_t)c->base ||
	    a >= (uintptr_t)c->base + NPAGES * PAGE) {
		signal(SIGSEGV, SIG_DFL);
		return;
	}
	policy(c, (a - (uintptr_t)c->base) / PAGE);
}

static struct sigaction	sa_host, sa_exo;

static void
host_enter(void)
{
	sigaction(SIGSEGV, &sa_host, NULL);
}

/* monolithic */
static void
mono_resolve(size_t pg, unsigned rights)
{
	if (mprotect(cols[C_MONO].base + pg * PAGE, PAGE, host_prot(rights)))
		bl_die("mprotect: %s", strerror(errno));
}

static void
mono_prot(size_t pg, size_t n, unsigned rights)
{
	if (mprotect(cols[C_MONO].base + pg * PAGE, n * PAGE,
	    host_prot(rights)))
		bl_die("mprotect: %s", strerror(errno));
}

static int	pagemap_fd = -1;

static int
mono_dirty(size_t pg)
{
	uint64_t	v;
	uintptr_t	va = (uintptr_t)(cols[C_MONO].base + pg * PAGE);

	if (pread(pagemap_fd, &v, sizeof v, (off_t)(va / PAGE * 8)) !=
	    sizeof v)
		return (-1);
	return ((int)((v >> 55) & 1));	/* soft-dirty */
}

/* microkernel: the pager */
struct pager_msg {
	uint32_t	op;
	uint32_t	pg;
	uint32_t	n;
	uint32_t	rights;
};
enum { P_FAULT = 1, P_PROT, P_UNPROT, P_DIRTY };

static int	pager_fd = -1;

static void
pager_serve(int fd)
{
	unsigned char	rights[NPAGES], dirty[NPAGES];
	struct pager_msg m;
	int32_t		reply;
	uint32_t	i;

	memset(rights, R_RW, sizeof rights);
	memset(dirty, 0, sizeof dirty);
	for (;;) {
		if (recv(fd, &m, sizeof m, 0) != sizeof m)
			_exit(0);
		reply = 0;
		if (m.pg >= NPAGES || m.n > NPAGES - m.pg)
			reply = -1;
		else if (m.op == P_DIRTY)
			reply = dirty[m.pg];
		else {
			for (i = m.pg; i < m.pg + (m.op == P_FAULT ? 1 : m.n);
			    i++) {
				rights[i] = (unsigned char)m.rights;
				if (m.rights & EXO_RIGHT_WRITE)
					dirty[i] = 1;
				else
					dirty[i] = 0;
			}
		}
		if (send(fd, &reply, sizeof reply, MSG_NOSIGNAL) !=
		    sizeof reply)
			_exit(1);
	}
}

static void
pager_start(void)
{
	int	sv[2];
	pid_t	pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		bl_die("socketpair: %s", strerror(errno));
	if ((pid = fork()) == -1)
		bl_die("fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(sv[0]);
		pager_serve(sv[1]);
	}
	close(sv[1]);
	pager_fd = sv[0];
	pager_pid = pid;
	bl_track(pid);
}

static int32_t
pager_call(uint32_t op, size_t pg, size_t n, unsigned rights)
{
	struct pager_msg	m;
	int32_t			reply;

	m.op = op;
	m.pg = (uint32_t)pg;
	m.n = (uint32_t)n;
	m.rights = rights;
	if (send(pager_fd, &m, sizeof m, MSG_NOSIGNAL) != sizeof m ||
	    recv(pager_fd, &reply, sizeof reply, 0) != sizeof reply)
		bl_die("pager: %s", strerror(errno));
	return (reply);
}

static void
micro_resolve(size_t pg, unsigned rights)
{
	(void)pager_call(P_FAULT, pg, 1, rights);
	if (mprotect(cols[C_MICRO].base + pg * PAGE, PAGE, host_prot(rights)))
		bl_die("mprotect: %s", strerror(errno));
}

static void
micro_prot(size_t pg, size_t n, unsigned rights)
{
	(void)pager_call(P_PROT, pg, n, rights);
	if (mprotect(cols[C_MICRO].base + pg * PAGE, n * PAGE,
	    host_prot(rights)))
		bl_die("mprotect: %s", strerror(errno));
}

static void
micro_unprot(size_t pg, size_t n, unsigned rights)
{
	(void)pager_call(P_UNPROT, pg, n, rights);
	if (mprotect(cols[C_MICRO].base + pg * PAGE, n * PAGE,
	    host_prot(rights)))
		bl_die("mprotect: %s", strerror(errno));
}

static int
micro_dirty(size_t pg)
{
	return (pager_call(P_DIRTY, pg, 1, 0));
}

/* exokernel: this process as a libOS with its own page table */
static struct exo	*ex;
static struct exo_frame	 ex_frames[NPAGES];
static unsigned char	 ex_pt[NPAGES];		/* rights the libOS allows */

static int
exo_fault(struct exo *e, const struct exo_trap *t, void *arg)
{
	uintptr_t	a = (uintptr_t)t->addr;

	if (a < (uintptr_t)cols[C_EXO].base ||
	    a >= (uintptr_t)cols[C_EXO].base + NPAGES * PAGE)
		return (-1);
	policy(&cols[C_EXO], (a - (uintptr_t)cols[C_EXO].base) / PAGE);
	return (0);
}

static void
exo_enter(void)
{
	sigaction(SIGSEGV, &sa_exo, NULL);
}

static void
ex_resolve(size_t pg, unsigned rights)
{
	int	error;

	ex_pt[pg] = (unsigned char)rights;
	if ((error = exo_tlb_install(ex, cols[C_EXO].base + pg * PAGE,
	    &ex_frames[pg].cap, rights)) != 0)
		bl_die_exo("exo_tlb_install", error);
}

static void
ex_prot(size_t pg, size_t n, unsigned rights)
{
	size_t	i;
	int	error;

	for (i = pg; i < pg + n; i++)
		ex_pt[i] = (unsigned char)rights;
	if ((error = exo_tlb_protect(ex, cols[C_EXO].base + pg * PAGE, n,
	    rights)) != 0)
		bl_die_exo("exo_tlb_protect", error);
}

static void
ex_unprot(size_t pg, size_t n, unsigned rights)
{
	size_t	i;
	int	error;

	for (i = pg; i < pg + n; i++)
		ex_pt[i] = (unsigned char)rights;
	if ((error = exo_tlb_unprotect(ex, cols[C_EXO].base + pg * PAGE, n,
	    rights)) != 0)
		bl_die_exo("exo_tlb_unprotect", error);
}

static int
ex_dirty(size_t pg)
{
	return (exo_tlb_dirty(ex, cols[C_EXO].base + pg * PAGE));
}

static void *
anon_region(void)
{
	void	*p;

	p = mmap(NULL, NPAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		bl_die("mmap: %s", strerror(errno));
	memset(p, 1, NPAGES * PAGE);	/* fault it all in */
	return (p);
}

static void
cols_init(void)
{
	struct sigaction	sa;
	stack_t			ss;
	void			*va;
	unsigned		done, n;
	int			error;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = host_trap;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sa_host = sa;

	cols[C_MONO] = (struct col){ "monolithic", anon_region(), host_enter,
	    mono_resolve, mono_prot, mono_prot, mono_dirty };
	cols[C_MICRO] = (struct col){ "microkernel", anon_region(),
	    host_enter, micro_resolve, micro_prot, micro_unprot,
	    micro_dirty };

	if ((error = exo_connect(bl_sockn(0), "exobench-vm", &ex)) != 0)
		bl_die_exo("exo_connect", error);
	if ((error = exo_as_create(ex, NPAGES * PAGE, &va)) != 0)
		bl_die_exo("exo_as_create", error);
	for (done = 0; done < NPAGES; done += n) {
		n = NPAGES - done > EXO_BATCH_MAX ? EXO_BATCH_MAX :
		    NPAGES - done;
		if ((error = exo_frame_alloc_batch(ex, ex_frames + done, n)))
			bl_die_exo("exo_frame_alloc_batch", error);
	}
	if ((error = exo_pe_addressing(ex, exo_fault, NULL)) != 0)
		bl_die_exo("exo_pe_addressing", error);
	sigaction(SIGSEGV, NULL, &sa_exo);	/* libexo's trap handler */
	cols[C_EXO] = (struct col){ "exokernel", va, exo_enter, ex_resolve,
	    ex_prot, ex_unprot, ex_dirty };
	policy = policy_unprot;
	cur = &cols[C_EXO];
	exo_enter();
	memset(va, 1, NPAGES * PAGE);		/* every page has a frame */

	/* The host handler's own alternate stack (libexo made one too). */
	if (sigaltstack(NULL, &ss) == 0 && (ss.ss_flags & SS_DISABLE)) {
		ss.ss_size = 64 * 1024;
		ss.ss_flags = 0;
		if ((ss.ss_sp = malloc(ss.ss_size)) != NULL)
			sigaltstack(&ss, NULL);
	}
	pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
}

static void
col_use(int c)
{
	cur = &cols[c];
	cur->enter();
	policy = policy_unprot;
}

static void
touch_w(const struct col *c, size_t pg)
{
	*(volatile unsigned char *)(c->base + pg * PAGE + 64) = 2;
}

static void
touch_r(const struct col *c, size_t pg)
{
	(void)*(volatile unsigned char *)(c->base + pg * PAGE + 64);
}

/* --- the Appel-Li benchmarks: ns per operation, one column, one batch */

static double
b_trap(struct col *c, int reps)
{
	uint64_t	t, sum = 0;
	size_t		i;
	int		r;

	for (r = 0; r < reps; r++) {
		c->prot(0, NTRAP, R_NONE);
		t = bl_now();
		for (i = 0; i < NTRAP; i++)
			touch_w(c, i);
		sum += bl_now() - t;
	}
	return ((double)sum / (reps * NTRAP));
}

static double
b_prot1(struct col *c, int reps)
{
	uint64_t	t, sum = 0;
	size_t		i;
	int		r;

	for (r = 0; r < reps; r++) {
		c->unprot(0, NTRAP, R_RW);
		for (i = 0; i < NTRAP; i++)
			touch_w(c, i);
		t = bl_now();
		for (i = 0; i < NTRAP; i++)
			c->prot(i, 1, R_RO);
		sum += bl_now() - t;
	}
	return ((double)sum / (reps * NTRAP));
}

static double
b_prot100(struct col *c, int reps)
{
	uint64_t	t, sum = 0;
	size_t		i;
	int		r;

	for (r = 0; r < reps; r++) {
		c->unprot(0, N100, R_RW);
		for (i = 0; i < N100; i++)
			touch_w(c, i);
		t = bl_now();
		c->prot(0, N100, R_RO);
		sum += bl_now() - t;
	}
	return ((double)sum / reps);
}

static double
b_unprot100(struct col *c, int reps)
{
	uint64_t	t, sum = 0;
	size_t		i;
	int		r;

	for (r = 0; r < reps; r++) {
		c->unprot(0, N100, R_RW);
		for (i = 0; i < N100; i++)
			touch_r(c, i);
		c->prot(0, N100, R_RO);
		t = bl_now();
		c->unprot(0, N100, R_RW);
		sum += bl_now() - t;
	}
	return ((double)sum / reps);
}

static double
b_dirty(struct col *c, int reps)
{
	uint64_t	t, sum = 0;
	size_t		i;
	int		r, d = 0;

	for (r = 0; r < reps; r++) {
		t = bl_now();
		for (i = 0; i < NTRAP; i++)
			d += c->dirty(i);
		sum += bl_now() - t;
	}
	if (d < 0)
		return (-1);
	return ((double)sum / (reps * NTRAP));
}

/* appel1: the random protected pages, the same for every column. */
static void
appel1_plan(void)
{
	unsigned char	prot[N100];
	int		k, p, q, nun;

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

static double
b_appel1(struct col *c, int reps)
{
	uint64_t	t, sum = 0;
	int		r, k;

	for (r = 0; r < reps; r++) {
		c->prot(0, N100, R_NONE);
		appel1_k = 0;
		policy = policy_appel1;
		t = bl_now();
		for (k = 0; k < APPEL1_N; k++)
			touch_w(c, (size_t)appel1_page[k]);
		sum += bl_now() - t;
		policy = policy_unprot;
		if (appel1_k != APPEL1_N)
			bl_die("appel1 (%s): %d traps, not %d", c->name,
			    appel1_k, APPEL1_N);
	}
	return ((double)sum / (reps * APPEL1_N));
}

static int	appel2_order[N100];

static double
b_appel2(struct col *c, int reps)
{
	uint64_t	t, sum = 0;
	int		r, k;

	for (r = 0; r < reps; r++) {
		t = bl_now();
		c->prot(0, N100, R_NONE);
		for (k = 0; k < N100; k++)
			touch_w(c, (size_t)appel2_order[k]);
		sum += bl_now() - t;
	}
	return ((double)sum / (reps * N100));
}

struct bench {
	const char	*key;
	double		(*fn)(struct col *, int);
	const char	*unit;		/* "us" per op */
	const char	*what;
	double		 v[NCOLS];	/* median us */
	double		 exo_mono;	/* median of batch ratios */
	double		 micro_exo;
	int		 target;	/* 1: exo/mono <= 1.5 */
	int		 target_micro;	/* 1: micro/exo >= 5 */
};

static struct bench benches[] = {
	{ "trap", b_trap, "us", "touch a protected page, handler "
	    "unprotects", { 0 }, 0, 0, 1, 1 },
	{ "prot1", b_prot1, "us", "protect one page", { 0 }, 0, 0, 0, 0 },
	{ "prot100", b_prot100, "us", "protect 100 pages, one call", { 0 },
	    0, 0, 0, 0 },
	{ "unprot100", b_unprot100, "us", "unprotect 100 pages, one call",
	    { 0 }, 0, 0, 0, 0 },
	{ "dirty", b_dirty, "us", "is the page dirty?", { 0 }, 0, 0, 0, 0 },
	{ "appel1", b_appel1, "us", "prot1 + trap + unprot, per trap",
	    { 0 }, 0, 0, 1, 0 },
	{ "appel2", b_appel2, "us", "protN + trap + unprot, per page",
	    { 0 }, 0, 0, 1, 0 },
};
#define NBENCH	((int)(sizeof benches / sizeof benches[0]))

static int	dirty_mono_ok = 1;

static void
appel_li(const struct plan *pl)
{
	double	*v[NBENCH][NCOLS], *rm[NBENCH], *rx[NBENCH];
	int	 b, c, k, i, order[NCOLS];

	appel1_plan();
	for (k = 0; k < N100; k++)
		appel2_order[k] = k;
	for (k = N100 - 1; k > 0; k--) {
		i = (int)rnd((uint32_t)k + 1);
		c = appel2_order[k];
		appel2_order[k] = appel2_order[i];
		appel2_order[i] = c;
	}
	for (b = 0; b < NBENCH; b++) {
		for (c = 0; c < NCOLS; c++)
			v[b][c] = bl_samples(pl->batches);
		rm[b] = bl_samples(pl->batches);
		rx[b] = bl_samples(pl->batches);
	}
	/* Warm every path up once. */
	for (c = 0; c < NCOLS; c++) {
		col_use(c);
		for (b = 0; b < NBENCH; b++)
			(void)benches[b].fn(&cols[c], 1);
	}
	for (k = 0; k < pl->batches; k++) {
		for (c = 0; c < NCOLS; c++)	/* a new order each batch */
			order[c] = (c + k) % NCOLS;
		for (b = 0; b < NBENCH; b++) {
			for (i = 0; i < NCOLS; i++) {
				c = order[i];
				col_use(c);
				v[b][c][k] = benches[b].fn(&cols[c], pl->reps) /
				    1000;
			}
			if (v[b][C_MONO][k] < 0)
				dirty_mono_ok = 0;
			rm[b][k] = v[b][C_MONO][k] > 0 ? v[b][C_EXO][k] /
			    v[b][C_MONO][k] : 0;
			rx[b][k] = v[b][C_EXO][k] > 0 ? v[b][C_MICRO][k] /
			    v[b][C_EXO][k] : 0;
		}
	}
	col_use(C_EXO);
	for (b = 0; b < NBENCH; b++) {
		for (c = 0; c < NCOLS; c++) {
			benches[b].v[c] = bl_mid(v[b][c], (size_t)pl->batches);
			free(v[b][c]);
		}
		benches[b].exo_mono = bl_mid(rm[b], (size_t)pl->batches);
		benches[b].micro_exo = bl_mid(rx[b], (size_t)pl->batches);
		free(rm[b]);
		free(rx[b]);
	}
}

/* --- the STLB across context switches -------------------------------- */

static const unsigned	 ws_list[] = { 8, 16, 32, 64, 128, 256 };
#define NWS	((int)(sizeof ws_list / sizeof ws_list[0]))

struct ws_result {
	unsigned	pages;
	unsigned	guaranteed;
	unsigned	samples;
	double		misses;		/* median misses of the first lap */
	double		warm_misses;	/* ... of the third lap */
	double		lost_us;	/* first - third + switch-in handler */
	double		switchin_us;	/* libexo's SIGCONT handler */
	double		warm_us;	/* a warm lap */
};

struct child_report {
	int			error;
	char			what[96];
	struct ws_result	r[NWS];
};

static struct exo		*cx;
static unsigned char		*cx_base;
static struct exo_frame		 cx_frames[WS_MAX];
static struct sigaction		 cx_cont;	/* libexo's SIGCONT handler */
static volatile uint64_t	 cx_switchin_ns;

static int
cx_fault(struct exo *e, const struct exo_trap *t, void *arg)
{
	size_t	pg = ((uintptr_t)t->addr - (uintptr_t)cx_base) / PAGE;

	if (pg >= WS_MAX)
		return (-1);
	return (exo_tlb_install(e, cx_base + pg * PAGE, &cx_frames[pg].cap,
	    EXO_RIGHTS_ALL) == 0 ? 0 : -1);
}

/* Time libexo's SIGCONT handler: that is where the TLB is reloaded. */
static void
cx_cont_timed(int sig, siginfo_t *si, void *uc)
{
	uint64_t	t = bl_now();

	cx_cont.sa_sigaction(sig, si, uc);
	cx_switchin_ns = bl_now() - t;
}

/* exod writes it behind our back: read it every time. */
static uint64_t
cx_switches(const struct exo_expose *x)
{
	return (*(const volatile uint64_t *)&x->switches);
}

static void
cx_lap(unsigned n)
{
	unsigned	i;

	for (i = 0; i < n; i++)
		(void)*(volatile unsigned char *)(cx_base + i * PAGE);
}

#define CFAIL(r, ...) do {						\
	(r)->error = __LINE__;						\
	snprintf((r)->what, sizeof (r)->what, __VA_ARGS__);		\
	return;								\
} while (0)

static void
child_stlb(const char *sock, int nsamples, struct child_report *rep)
{
	struct exo_stlb_req	 req[EXO_STLB_MAX];
	const struct exo_expose	*x;
	struct sigaction	 sa;
	struct exo_cap		 slot;
	double			*mf, *mw, *lost, *sin, *warm;
	uint64_t		 sw, m0, m1, m2, m3, t0, t1, t2, t3, deadline;
	unsigned		 i, g, got, done, n;
	void			*va;
	int			 w, s, error;

	if ((error = exo_connect(sock, "exobench-vm-ws", &cx)) != 0)
		CFAIL(rep, "exo_connect: %s", exo_strerror(error));
	if ((error = exo_as_create(cx, WS_MAX * PAGE, &va)) != 0)
		CFAIL(rep, "exo_as_create: %s", exo_strerror(error));
	cx_base = va;
	for (done = 0; done < WS_MAX; done += n) {
		n = WS_MAX - done > EXO_BATCH_MAX ? EXO_BATCH_MAX :
		    WS_MAX - done;
		if ((error = exo_frame_alloc_batch(cx, cx_frames + done, n)))
			CFAIL(rep, "frame_alloc: %s", exo_strerror(error));
	}
	if ((error = exo_pe_addressing(cx, cx_fault, NULL)) != 0)
		CFAIL(rep, "pe_addressing: %s", exo_strerror(error));
	sigaction(SIGCONT, NULL, &cx_cont);
	sa = cx_cont;
	sa.sa_sigaction = cx_cont_timed;
	sigaction(SIGCONT, &sa, NULL);
	x = exo_expose(cx);
	mf = bl_samples(nsamples);
	mw = bl_samples(nsamples);
	lost = bl_samples(nsamples);
	sin = bl_samples(nsamples);
	warm = bl_samples(nsamples);
	if ((error = exo_slot_claim(cx, 1, &slot, &got)) != 0)
		CFAIL(rep, "slot_claim: %s", exo_strerror(error));
	for (w = 0; w < NWS; w++) {
		g = ws_list[w] < EXO_STLB_MAX ? ws_list[w] : EXO_STLB_MAX;
		memset(req, 0, sizeof req);
		for (i = 0; i < g; i++) {
			req[i].va = (uintptr_t)(cx_base + i * PAGE);
			req[i].rights = EXO_RIGHTS_ALL;
			req[i].cap = cx_frames[i].cap;
		}
		if ((error = exo_stlb_set(cx, req, g)) != 0)
			CFAIL(rep, "exo_stlb_set: %s", exo_strerror(error));
		cx_lap(ws_list[w]);
		cx_lap(ws_list[w]);
		deadline = bl_now() + 30000000000ULL;
		for (s = 0; s < nsamples && bl_now() < deadline;) {
			/* Wait, touching nothing, for the next switch-in. */
			sw = cx_switches(x);
			while (cx_switches(x) == sw)
				;
			sw = cx_switches(x);
			m0 = exo_stats(cx)->tlb_misses;
			t0 = bl_now();
			cx_lap(ws_list[w]);
			t1 = bl_now();
			m1 = exo_stats(cx)->tlb_misses;
			cx_lap(ws_list[w]);
			t2 = bl_now();
			m2 = exo_stats(cx)->tlb_misses;
			cx_lap(ws_list[w]);
			t3 = bl_now();
			m3 = exo_stats(cx)->tlb_misses;
			if (cx_switches(x) != sw)
				continue;	/* switched mid-way: again */
			(void)m2;
			mf[s] = (double)(m1 - m0);
			mw[s] = (double)(m3 - m2);
			sin[s] = (double)cx_switchin_ns / 1000;
			warm[s] = (double)(t3 - t2) / 1000;
			lost[s] = ((double)(t1 - t0) - (double)(t3 - t2)) /
			    1000 + sin[s];
			s++;
		}
		if (s == 0)
			CFAIL(rep, "no switch in 30 s");
		rep->r[w].pages = ws_list[w];
		rep->r[w].guaranteed = g;
		rep->r[w].samples = (unsigned)s;
		rep->r[w].misses = bl_mid(mf, (size_t)s);
		rep->r[w].warm_misses = bl_mid(mw, (size_t)s);
		rep->r[w].lost_us = bl_mid(lost, (size_t)s);
		rep->r[w].switchin_us = bl_mid(sin, (size_t)s);
		rep->r[w].warm_us = bl_mid(warm, (size_t)s);
	}
	exo_disconnect(cx);
}

static void
stlb_run(int which, int nsamples, struct child_report *rep)
{
	int	p[2], status;
	pid_t	pid;

	memset(rep, 0, sizeof *rep);
	if (pipe(p) == -1)
		bl_die("pipe: %s", strerror(errno));
	fflush(NULL);
	if ((pid = fork()) == -1)
		bl_die("fork: %s", strerror(errno));
	if (pid == 0) {
		struct child_report	r;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(p[0]);
		memset(&r, 0, sizeof r);
		child_stlb(bl_sockn(which), nsamples, &r);
		if (write(p[1], &r, sizeof r) != sizeof r)
			_exit(1);
		_exit(0);
	}
	bl_track(pid);
	close(p[1]);
	if (read(p[0], rep, sizeof *rep) != sizeof *rep) {
		rep->error = -1;
		snprintf(rep->what, sizeof rep->what, "the child libOS died");
	}
	close(p[0]);
	waitpid(pid, &status, 0);
	bl_untrack(pid);
	if (rep->error)
		bl_die("STLB child (%s): line %d: %s", which ? "--no-stlb" :
		    "STLB", rep->error, rep->what);
}

/* --- output ------------------------------------------------------------ */

static struct child_report	ws_on, ws_off;
static double			stlb_reduction;	/* W <= TLB, worst case */
static unsigned			tlb_size;

static void
stlb_judge(void)
{
	double	red, worst = 1;
	int	w;

	for (w = 0; w < NWS; w++) {
		if (ws_list[w] > tlb_size || ws_list[w] > EXO_STLB_MAX)
			continue;
		red = ws_off.r[w].misses > 0 ? 1 - ws_on.r[w].misses /
		    ws_off.r[w].misses : 0;
		if (red < worst)
			worst = red;
	}
	stlb_reduction = worst;
}

static void
fmt_us(char *buf, size_t len, double v)
{
	if (v < 0 && v > -10)
		snprintf(buf, len, "%.2f us", v);
	else if (v < 0)
		snprintf(buf, len, "%.0f us", v);
	else if (v >= 100)
		snprintf(buf, len, "%.0f us", v);
	else if (v >= 10)
		snprintf(buf, len, "%.1f us", v);
	else
		snprintf(buf, len, "%.3f us", v);
}

static void
print_table(const char *exod, int quick)
{
	char	a[32], b[32], c[32], tg[64];
	int	i, w;

	printf("exobench-vm: %s, TLB %u entries, %ld CPUs%s\n", exod,
	    tlb_size, sysconf(_SC_NPROCESSORS_ONLN), quick ? ", --quick" : "");
	printf("Appel-Li, medians of interleaved batches; ratios are "
	    "medians of batch ratios\n\n");
	printf("%-10s %-12s %-12s %-12s %-9s %-9s %-30s %s\n", "BENCH",
	    "MONOLITHIC", "MICROKERNEL", "EXOKERNEL", "EXO/MONO",
	    "MICRO/EXO", "TARGET", "MET");
	for (i = 0; i < NBENCH; i++) {
		const struct bench *bn = &benches[i];
		int met = 1, has = bn->target || bn->target_micro;

		if (bn->key[0] == 'd' && !dirty_mono_ok)
			snprintf(a, sizeof a, "n/a");
		else
			fmt_us(a, sizeof a, bn->v[C_MONO]);
		fmt_us(b, sizeof b, bn->v[C_MICRO]);
		fmt_us(c, sizeof c, bn->v[C_EXO]);
		snprintf(tg, sizeof tg, "%s%s", bn->target ?
		    "exo/mono <= 1.5" : "", bn->target_micro ?
		    ", micro/exo >= 5" : "");
		if (bn->target)
			met &= bn->exo_mono <= 1.5;
		if (bn->target_micro)
			met &= bn->micro_exo >= 5;
		printf("%-10s %-12s %-12s %-12s %-9.2f %-9.2f %-30s %s\n",
		    bn->key, a, b, c, bn->exo_mono, bn->micro_exo,
		    has ? tg : "-", has ? (met ? "met" : "NOT met") : "-");
	}
	printf("\n");
	for (i = 0; i < NBENCH; i++)
		printf("  %-10s %s\n", benches[i].key, benches[i].what);
	printf("\nAfter a context switch (exod -n 2 -q %s, one slot), "
	    "first min(pages, %d) pages guaranteed;\nmedians over %u/%u "
	    "switches (STLB/--no-stlb):\n\n", STLB_QUANTUM, EXO_STLB_MAX,
	    ws_on.r[0].samples, ws_off.r[0].samples);
	printf("%-6s %-10s | %-8s %-8s %-10s %-10s | %-8s %-8s %-10s "
	    "%-10s\n", "PAGES", "GUARANTEED", "MISSES", "STEADY", "LOST",
	    "RELOAD", "MISSES", "STEADY", "LOST", "RELOAD");
	printf("%-17s | %-39s | %s\n", "", "STLB", "--no-stlb");
	for (w = 0; w < NWS; w++) {
		const struct ws_result *on = &ws_on.r[w], *off = &ws_off.r[w];

		fmt_us(a, sizeof a, on->lost_us);
		if (on->pages > tlb_size)
			snprintf(a, sizeof a, "-");
		fmt_us(b, sizeof b, on->switchin_us);
		printf("%-6u %-10u | %-8.0f %-8.0f %-10s %-10s | ", on->pages,
		    on->guaranteed, on->misses, on->warm_misses, a, b);
		fmt_us(a, sizeof a, off->lost_us);
		if (off->pages > tlb_size)
			snprintf(a, sizeof a, "-");
		fmt_us(b, sizeof b, off->switchin_us);
		printf("%-8.0f %-8.0f %-10s %-10s\n", off->misses,
		    off->warm_misses, a, b);
	}
	printf("\n  MISSES  TLB misses in the first lap over the working set "
	    "after a switch-in\n  STEADY  misses in the third lap (capacity "
	    "misses, no switch)\n  LOST    first lap - third lap + "
	    "libexo's SIGCONT handler (flush, preload);\n          not shown "
	    "past the TLB, where random replacement makes every lap differ\n"
	    "  RELOAD  libexo's SIGCONT handler alone\n\n");
	printf("Targets (reported, not asserted):\n");
	for (i = 0; i < NBENCH; i++) {
		const struct bench *bn = &benches[i];

		if (bn->target)
			printf("  %-10s exokernel / monolithic   %7.2f  "
			    "<= 1.5   %s\n", bn->key, bn->exo_mono,
			    bn->exo_mono <= 1.5 ? "met" : "NOT met");
	}
	for (i = 0; i < NBENCH; i++) {
		const struct bench *bn = &benches[i];

		if (bn->target_micro)
			printf("  %-10s microkernel / exokernel  %7.2f  "
			    ">= 5     %s\n", bn->key, bn->micro_exo,
			    bn->micro_exo >= 5 ? "met" : "NOT met");
	}
	printf("  %-10s post-switch misses the STLB removes, working set "
	    "<= TLB: %.1f%%  >= 90%%  %s\n", "STLB", 100 * stlb_reduction,
	    stlb_reduction >= 0.9 ? "met" : "NOT met");
}

static void
json_ws(struct json *j, const char *key, const struct ws_result *r)
{
	json_key(j, key);
	json_object_open(j);
	json_kdouble(j, "misses", r->misses, 1);
	json_kdouble(j, "steady_misses", r->warm_misses, 1);
	json_kdouble(j, "lost_us", r->lost_us, 3);
	json_kdouble(j, "switchin_us", r->switchin_us, 3);
	json_kdouble(j, "steady_lap_us", r->warm_us, 3);
	json_kuint(j, "samples", r->samples);
	json_object_close(j);
}

static void
print_json(const char *exod, int quick)
{
	struct json	j;
	int		i, w;

	json_start(&j, stdout);
	json_object_open(&j);
	json_kstring(&j, "exod", exod);
	json_kuint(&j, "tlb_entries", tlb_size);
	json_kint(&j, "cpus", sysconf(_SC_NPROCESSORS_ONLN));
	json_kbool(&j, "quick", quick);
	json_key(&j, "appel_li");
	json_object_open(&j);
	for (i = 0; i < NBENCH; i++) {
		const struct bench *bn = &benches[i];

		json_key(&j, bn->key);
		json_object_open(&j);
		json_kstring(&j, "unit", "us");
		if (bn->key[0] == 'd' && !dirty_mono_ok)
			json_knull(&j, "monolithic");
		else
			json_kdouble(&j, "monolithic", bn->v[C_MONO], 4);
		json_kdouble(&j, "microkernel", bn->v[C_MICRO], 4);
		json_kdouble(&j, "exokernel", bn->v[C_EXO], 4);
		json_kdouble(&j, "exo_over_mono", bn->exo_mono, 4);
		json_kdouble(&j, "micro_over_exo", bn->micro_exo, 4);
		if (bn->target) {
			json_kdouble(&j, "target_exo_over_mono_max", 1.5, 1);
			json_kbool(&j, "met_exo_over_mono", bn->exo_mono <= 1.5);
		}
		if (bn->target_micro) {
			json_kuint(&j, "target_micro_over_exo_min", 5);
			json_kbool(&j, "met_micro_over_exo",
			    bn->micro_exo >= 5);
		}
		json_object_close(&j);
	}
	json_object_close(&j);
	json_key(&j, "stlb");
	json_array_open(&j);
	for (w = 0; w < NWS; w++) {
		json_object_open(&j);
		json_kuint(&j, "pages", ws_on.r[w].pages);
		json_kuint(&j, "guaranteed", ws_on.r[w].guaranteed);
		json_ws(&j, "stlb", &ws_on.r[w]);
		json_ws(&j, "no_stlb", &ws_off.r[w]);
		json_object_close(&j);
	}
	json_array_close(&j);
	json_kdouble(&j, "stlb_reduction", stlb_reduction, 4);
	json_kdouble(&j, "stlb_reduction_target_min", 0.9, 1);
	json_kbool(&j, "stlb_reduction_met", stlb_reduction >= 0.9);
	json_object_close(&j);
	if (json_finish(&j) != 0) {
		fprintf(stderr, "exobench-vm: cannot write the JSON output\n");
		exit(1);
	}
}

static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: exobench-vm [-hV] [--json] [--quick] [--exod PATH] "
	    "[-t entries]\n");
	exit(status ? 2 : 0);
}

int
main(int argc, char **argv)
{
	const struct plan	*pl = &plan_full;
	const char		*exod = NULL, *tlb = "64";
	char			*end;
	int			 i, json = 0, quick = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--quick") == 0)
			quick = 1;
		else if (strcmp(argv[i], "--exod") == 0 && i + 1 < argc)
			exod = argv[++i];
		else if (strncmp(argv[i], "--exod=", 7) == 0)
			exod = argv[i] + 7;
		else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
			tlb = argv[++i];
		else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			usage(0);
		else if (strcmp(argv[i], "-V") == 0 ||
		    strcmp(argv[i], "--version") == 0)
			bl_version("exobench-vm");
		else
			usage(1);
	}
	tlb_size = (unsigned)strtoul(tlb, &end, 10);
	if (*end != '\0' || tlb_size < 8 || tlb_size > 4096)
		bl_die("-t %s: not a TLB size from 8 to 4096", tlb);
	if (quick)
		pl = &plan_quick;
	bl_init("exobench-vm", argc, argv);
	exod = bl_exod_path(exod);
	signal(SIGPIPE, SIG_IGN);

	{
		/* [0] with the STLB, [1] without. */
		const char *const	on[] = { "-m", "16M", "-t", tlb, "-n",
		    "2", "-q", STLB_QUANTUM, NULL };
		const char *const	off[] = { "-m", "16M", "-t", tlb, "-n",
		    "2", "-q", STLB_QUANTUM, "--no-stlb", NULL };

		bl_exod_launch(0, on);
		bl_exod_launch(1, off);
	}
	for (i = 0; i < 2; i++)
		bl_exod_wait(i);

	/* The STLB first: its children must not inherit a libOS. */
	stlb_run(0, pl->samples, &ws_on);
	stlb_run(1, pl->samples, &ws_off);
	stlb_judge();

	pager_start();
	cols_init();
	appel_li(pl);
	exo_disconnect(ex);
	kill(pager_pid, SIGKILL);
	waitpid(pager_pid, NULL, 0);
	bl_untrack(pager_pid);
	pager_pid = -1;

	for (i = 0; i < 2; i++)
		bl_exod_finish(i);
	if (json)
		print_json(exod, quick);
	else
		print_table(exod, quick);
	return (0);
}
