/*
 * tlb.t - the software-loaded TLB of one libOS, with no context switch.
 *
 * exod runs with -t 16: a TLB of 16 entries.  This process is the libOS
 * (it holds no slots, so it is never switched).  Its region has NPAGES
 * pages, page i backed by frame f[i]; the addressing handler installs
 * the translation from that page table.
 *
 *	capacity	cycling over 32 pages misses at least 32 - 16 times
 *			on every lap, and the counters agree; cycling over
 *			8 misses on the first lap only
 *	wiring		wired pages survive any amount of replacement
 *	refusals	another libOS's capability, a freed frame's, forged
 *			ones, bad addresses and rights: refused, nothing
 *			installed
 *	Appel-Li	a read-only install traps on the first write, the
 *			handler upgrades it and the write goes on; the dirty
 *			bit follows; protect and unprotect ranges
 *	repossessed	a frame exod takes by force (-R 50: the libOS never
 *			gives it back) leaves the TLB
 *	exoctl		exoctl tlb and status show the counters libexo keeps
 */
#define _GNU_SOURCE 1
#include <sys/mman.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "harness.h"
#include "jsonq.h"
#include "tap.h"

#define TLB		16
#define NPAGES		64
#define BIG		32	/* pages cycled over: twice the TLB */
#define SMALL		8	/* pages cycled over: half the TLB */
#define LAPS		6

static struct th_exod		 exod;
static struct exo		*A;
static unsigned char		*base;
static struct exo_frame		 f[NPAGES];

/* The libOS's page table and what its handler saw. */
static unsigned			 pt_rights[NPAGES];	/* 0: no mapping */
static int			 upgrade_writes; /* RO written: make RW */
static volatile unsigned long	 faults, write_faults, faults_on[NPAGES];

static int
on_fault(struct exo *e, const struct exo_trap *t, void *arg)
{
	uintptr_t	a = (uintptr_t)t->addr;
	size_t		pg;
	unsigned	rights;

	if (a < (uintptr_t)base || a >= (uintptr_t)base + NPAGES *
	    EXO_FRAME_SIZE)
		return -1;
	pg = (a - (uintptr_t)base) / EXO_FRAME_SIZE;
	faults++;
	faults_on[pg]++;
	if ((rights = pt_rights[pg]) == 0)
		return -1;
	if (t->write == 1 && exo_tlb_probe(e, base + pg * EXO_FRAME_SIZE) ==
	    EXO_RIGHT_READ) {
		write_faults++;
		if (!upgrade_writes)
			return -1;
		rights = EXO_RIGHTS_ALL;
	}
	return exo_tlb_install(e, base + pg * EXO_FRAME_SIZE, &f[pg].cap,
	    rights) == 0 ? 0 : -1;
}

static unsigned char
touch(size_t pg)
{
	return *(volatile unsigned char *)(base + pg * EXO_FRAME_SIZE + 7);
}

static void
poke(size_t pg, unsigned char c)
{
	*(volatile unsigned char *)(base + pg * EXO_FRAME_SIZE + 9) = c;
}

static struct exo_stats
stats(void)
{
	return *exo_stats(A);
}

/* Lap over pages [0, n): the misses it took. */
static unsigned long
lap(size_t n)
{
	uint64_t	m0 = exo_stats(A)->tlb_misses;
	size_t		i;

	for (i = 0; i < n; i++)
		(void)touch(i);
	return (unsigned long)(exo_stats(A)->tlb_misses - m0);
}

static void
test_capacity(void)
{
	struct exo_stats	s0, s1;
	unsigned long		m, min = ~0UL, total = 0;
	int			i, every = 1;

	exo_tlb_flush(A);
	(void)lap(BIG);
	s0 = stats();
	for (i = 0; i < LAPS; i++) {
		m = lap(BIG);
		total += m;
		if (m < BIG - TLB)
			every = 0;
		if (m < min)
			min = m;
	}
	s1 = stats();
	ok(every, "%d pages over a %d-entry TLB: every lap misses >= %d "
	    "times (fewest %lu)", BIG, TLB, BIG - TLB, min);
	is_int((long long)(s1.tlb_misses - s0.tlb_misses), (long long)total,
	    "tlb_misses counts them all");
	is_int((long long)(s1.traps - s0.traps), (long long)total,
	    "every miss is a trap, and nothing else trapped");
	is_int((long long)(s1.tlb_installs - s0.tlb_installs),
	    (long long)total, "every miss installed one translation");
	is_int((long long)(s1.tlb_evictions - s0.tlb_evictions),
	    (long long)total, "the TLB is full: every install evicted one");

	exo_tlb_flush(A);
	m = lap(SMALL);
	is_int(SMALL, (long long)m, "%d pages: the first lap misses on each",
	    SMALL);
	s0 = stats();
	for (i = 0, total = 0; i < LAPS; i++)
		total += lap(SMALL);
	s1 = stats();
	is_int(0, (long long)total, "%d pages fit: %d more laps, no miss",
	    SMALL, LAPS);
	is_int(0, (long long)(s1.traps - s0.traps), "and no trap at all");
}

static void
test_data(void)
{
	unsigned char	*direct;
	int		 same = 1;
	size_t		 i;

	for (i = 0; i < BIG; i++)
		poke(i, (unsigned char)(0xa0 + i));
	for (i = 0; i < BIG; i++) {
		direct = exo_frame_map(&f[i], PROT_READ);
		if (direct == NULL || direct[9] != (unsigned char)(0xa0 + i))
			same = 0;
		exo_frame_unmap(&f[i]);
	}
	ok(same, "through evictions, each page reaches its own frame");
}

static void
test_wired(void)
{
	unsigned long	before[4];
	int		i, k, present = 1, nomiss = 1, rc;

	for (k = 0; k < 4; k++)
		is_int(0, exo_tlb_wire(A, base + k * EXO_FRAME_SIZE),
		    "wire page %d", k);
	for (k = 4; k < 8; k++)
		(void)exo_tlb_wire(A, base + k * EXO_FRAME_SIZE);
	rc = exo_tlb_wire(A, base + 8 * EXO_FRAME_SIZE);
	is_int(-EXO_ENOMEM, rc, "a 9th wired page is refused (at most %d, "
	    "half the TLB)", TLB / 2);
	for (k = 4; k < 8; k++)
		(void)exo_tlb_unwire(A, base + k * EXO_FRAME_SIZE);
	is_int(-EXO_EINVAL, exo_tlb_unwire(A, base + 40 * EXO_FRAME_SIZE),
	    "unwiring a page that is not wired: EINVAL");
	for (k = 0; k < 4; k++)
		(void)touch((size_t)k);
	for (k = 0; k < 4; k++)
		before[k] = faults_on[k];
	for (i = 0; i < 20; i++) {
		(void)lap(NPAGES);
		for (k = 0; k < 4; k++)
			if (exo_tlb_probe(A, base + k * EXO_FRAME_SIZE) == 0)
				present = 0;
	}
	for (k = 0; k < 4; k++)
		if (faults_on[k] != before[k])
			nomiss = 0;
	ok(present, "20 laps over %d pages: the wired pages stayed in the "
	    "TLB", NPAGES);
	ok(nomiss, "and never missed");
	for (k = 0; k < 4; k++)
		(void)exo_tlb_unwire(A, base + k * EXO_FRAME_SIZE);
}

static void
test_refused(void)
{
	struct exo		*B;
	struct exo_frame	 fb, gone;
	struct exo_cap		 c;
	unsigned char		*va = base + 50 * EXO_FRAME_SIZE;
	void			*bbase;

	B = th_connect(&exod, "tlb-b");
	if (exo_frame_alloc(B, &fb) != 0 || exo_frame_alloc(A, &gone) != 0)
		bail("frame_alloc");
	exo_tlb_flush(A);
	is_int(-EXO_ENOTOWNER, exo_tlb_install(A, va, &fb.cap,
	    EXO_RIGHT_READ), "another libOS's capability: ENOTOWNER");
	c = fb.cap;
	c.owner = exo_libos_id(A);
	is_int(-EXO_ESTALE, exo_tlb_install(A, va, &c, EXO_RIGHT_READ),
	    "its frame with the owner forged to me: ESTALE (not bound to me)");
	c = f[0].cap;
	c.id = exo_frames_total(A) + 5;
	is_int(-EXO_EINVAL, exo_tlb_install(A, va, &c, EXO_RIGHT_READ),
	    "a forged frame number beyond memory: EINVAL");
	c = f[0].cap;
	c.type = EXO_RES_SLOT;
	is_int(-EXO_EINVAL, exo_tlb_install(A, va, &c, EXO_RIGHT_READ),
	    "a capability that is not a frame's: EINVAL");
	c = f[0].cap;
	c.gen++;
	is_int(-EXO_ESTALE, exo_tlb_install(A, va, &c, EXO_RIGHT_READ),
	    "a forged generation: ESTALE");
	c = f[0].cap;
	c.rights = EXO_RIGHT_READ;
	is_int(-EXO_ERIGHTS, exo_tlb_install(A, va, &c, EXO_RIGHTS_ALL),
	    "more rights than the capability grants: ERIGHTS");
	c = gone.cap;
	if (exo_frame_free(A, &gone) != 0)
		bail("frame_free");
	is_int(-EXO_ESTALE, exo_tlb_install(A, va, &c, EXO_RIGHT_READ),
	    "a freed frame's capability: ESTALE");
	is_int(-EXO_EINVAL, exo_tlb_install(A, base - EXO_FRAME_SIZE, &f[0].cap,
	    EXO_RIGHT_READ), "an address below the region: "
	    "EINVAL");
	is_int(-EXO_EINVAL, exo_tlb_install(A, base + NPAGES * EXO_FRAME_SIZE,
	    &f[0].cap, EXO_RIGHT_READ), "an address past the region: EINVAL");
	is_int(-EXO_EINVAL, exo_tlb_install(A, va, &f[0].cap, 0),
	    "no rights: EINVAL");
	is_int(-EXO_EINVAL, exo_tlb_install(A, va, &f[0].cap, 4),
	    "unknown rights: EINVAL");
	is_int(-EXO_EINVAL, exo_tlb_install(A, va, NULL, EXO_RIGHT_READ),
	    "no capability: EINVAL");
	is_int(0, exo_tlb_probe(A, va), "after all that, nothing is "
	    "installed there");
	is_int(-EXO_ESTATE, exo_tlb_install(B, va, &fb.cap, EXO_RIGHT_READ),
	    "a connection with no address space: ESTATE");
	is_int(-EXO_ESTATE, exo_as_create(B, 4096, &bbase),
	    "only the process's libOS makes an address space: ESTATE");
	is_int(-EXO_ESTATE, exo_as_create(A, 4096, &bbase),
	    "one address space per libOS: ESTATE");

	/* A frame freed while installed leaves the TLB at once. */
	if (exo_frame_alloc(A, &gone) != 0)
		bail("frame_alloc");
	is_int(0, exo_tlb_install(A, va, &gone.cap, EXO_RIGHTS_ALL),
	    "install a fresh frame");
	va[0] = 1;
	c = gone.cap;
	if (exo_frame_free(A, &gone) != 0)
		bail("frame_free");
	is_int(0, exo_tlb_probe(A, va), "freeing it took its translation "
	    "out of the TLB");
	exo_frame_free(B, &fb);
	exo_disconnect(B);
}

static void
test_readonly(void)
{
	struct exo_stats	s0, s1;
	unsigned char		*va = base + 20 * EXO_FRAME_SIZE;
	unsigned long		w0;

	exo_tlb_flush(A);
	pt_rights[20] = EXO_RIGHT_READ;
	upgrade_writes = 1;
	(void)exo_tlb_protect(A, va, 1, EXO_RIGHT_READ);	/* clean */
	s0 = stats();
	w0 = write_faults;
	(void)touch(20);
	is_int(EXO_RIGHT_READ, exo_tlb_probe(A, va), "a read installed the "
	    "page read-only");
	is_int(0, exo_tlb_dirty(A, va), "it is clean");
	poke(20, 0x5c);
	is_int(1, (long long)(write_faults - w0), "the first write trapped "
	    "as a write (write=1) on a read-only page");
	is_int(0x5c, va[9], "the handler upgraded it and the write went on");
	is_int(EXO_RIGHTS_ALL, exo_tlb_probe(A, va), "now read-write");
	is_int(1, exo_tlb_dirty(A, va), "and dirty");
	poke(20, 0x5d);
	is_int(1, (long long)(write_faults - w0), "the second write did not "
	    "trap");
	s1 = stats();
	is_int(2, (long long)(s1.traps - s0.traps), "two traps: the miss and "
	    "the write");
	is_int(1, (long long)(s1.tlb_misses - s0.tlb_misses), "of which one "
	    "miss");
	is_int(0, exo_tlb_protect(A, va, 1, EXO_RIGHT_READ), "protect it "
	    "read-only again");
	is_int(0, exo_tlb_dirty(A, va), "clean again");
	is_int(0x5d, va[9], "reads need no trap");
	poke(20, 0x5e);
	is_int(2, (long long)(write_faults - w0), "the next write traps again");
	is_int(1, exo_tlb_dirty(A, va), "dirty again");
	pt_rights[20] = EXO_RIGHTS_ALL;
	upgrade_writes = 0;
}

/* One line of exoctl's output: cmd is "tlb --json" or the like. */
static int
exoctl_line(const char *cmd, char *buf, size_t len)
{
	char	 line[512];
	FILE	*p;

	snprintf(line, sizeof line, "'%s' -S '%s' %s", th_path("exod/exoctl"),
	    exod.sock, cmd);
	fflush(NULL);
	if ((p = popen(line, "r")) == NULL)
		return -1;
	if (fgets(buf, (int)len, p) == NULL)
		buf[0] = '\0';
	return pclose(p);
}

/* exod shows the counters libexo keeps, in exoctl tlb and status. */
static void
test_exoctl(void)
{
	const struct exo_stats	*s = exo_stats(A);
	char			 out[4096], want[256], expr[256], seen[256];

	is_int(0, exoctl_line("tlb --json", out, sizeof out),
	    "exoctl tlb --json exits 0");
	snprintf(want, sizeof want, "16 tlb-a %llu %llu %llu %llu",
	    (unsigned long long)s->traps, (unsigned long long)s->tlb_misses,
	    (unsigned long long)s->tlb_installs,
	    (unsigned long long)s->tlb_evictions);
	snprintf(expr, sizeof expr, "my ($o) = grep { $_->{id} == %u } "
	    "@{$j->{libos}}; \"$j->{tlb_entries} $o->{name} $o->{traps} "
	    "$o->{misses} $o->{installs} $o->{evictions}\"", exo_libos_id(A));
	if (jq_eval(out, expr, seen, sizeof seen) != 0)
		seen[0] = '\0';
	ok(strcmp(seen, want) == 0, "it shows the TLB size and this libOS's "
	    "counters");
	if (strcmp(seen, want) != 0)
		diag("want %s, seen %s in %s", want, seen, out);
	is_int(0, exoctl_line("status --json", out, sizeof out),
	    "exoctl status --json exits 0");
	snprintf(want, sizeof want, "%llu %llu",
	    (unsigned long long)s->traps, (unsigned long long)s->tlb_misses);
	snprintf(expr, sizeof expr, "my ($o) = grep { $_->{id} == %u } "
	    "@{$j->{libos}}; \"$o->{tlb}{traps} $o->{tlb}{misses}\"",
	    exo_libos_id(A));
	if (jq_eval(out, expr, seen, sizeof seen) != 0)
		seen[0] = '\0';
	ok(strcmp(seen, want) == 0, "status --json shows them too");
	is_int(0, exoctl_line("tlb", out, sizeof out), "exoctl tlb exits 0");
	ok(strncmp(out, "TLB: 16 entries", 15) == 0, "its table starts with "
	    "the TLB size");
}

/* A frame exod takes by force leaves the TLB at once. */
static void
test_repossessed(void)
{
	struct exo_revoke_reply	 rep;
	struct exo		*ctl;
	unsigned char		*va = base + 60 * EXO_FRAME_SIZE;
	int			 rc;

	(void)touch(60);
	is_int(EXO_RIGHTS_ALL, exo_tlb_probe(A, va), "page 60 is in the TLB");
	if (exo_connect_control(exod.sock, &ctl) != 0)
		bail("control connection");
	rc = exo_revoke(ctl, exo_libos_id(A), EXO_REVOKE_FRAME, f[60].cap.id,
	    &rep);
	is_int(0, rc, "exod revokes its frame; the libOS does not give it "
	    "back");
	ok(rc == 0 && rep.aborted == 1, "so it is taken at the deadline");
	is_int(0, exo_tlb_probe(A, va), "the taken frame left the TLB");
	is_int(-EXO_ESTALE, exo_tlb_install(A, va, &f[60].cap,
	    EXO_RIGHT_READ), "and its capability installs no more: ESTALE");
	pt_rights[60] = 0;
	exo_frame_forget(&f[60]);
	exo_disconnect(ctl);
}

static void
test_protect(void)
{
	struct exo_cap	c;
	int		k, all;

	exo_tlb_flush(A);
	for (k = 0; k < 8; k++)
		poke((size_t)k, 1);
	is_int(0, exo_tlb_protect(A, base, 8, EXO_RIGHT_READ),
	    "protect 8 pages read-only");
	for (all = 1, k = 0; k < 8; k++)
		all &= exo_tlb_probe(A, base + k * EXO_FRAME_SIZE) ==
		    EXO_RIGHT_READ;
	ok(all, "all 8 read-only");
	is_int(0, exo_tlb_unprotect(A, base, 8, EXO_RIGHT_WRITE),
	    "unprotect them");
	for (all = 1, k = 0; k < 8; k++)
		all &= exo_tlb_probe(A, base + k * EXO_FRAME_SIZE) ==
		    EXO_RIGHTS_ALL;
	ok(all, "all 8 read-write");
	is_int(0, exo_tlb_protect(A, base, 8, 0), "protect them to nothing");
	for (all = 1, k = 0; k < 8; k++)
		all &= exo_tlb_probe(A, base + k * EXO_FRAME_SIZE) == 0;
	ok(all, "all 8 out of the TLB");
	is_int(-EXO_EINVAL, exo_tlb_protect(A, base, NPAGES + 1, 0),
	    "a range past the region: EINVAL");
	is_int(-EXO_EINVAL, exo_tlb_protect(A, base, 0, 0),
	    "an empty range: EINVAL");
	/* Installed read-only under a capability that says read-only. */
	c = f[3].cap;
	c.rights = EXO_RIGHT_READ;
	is_int(0, exo_tlb_install(A, base + 3 * EXO_FRAME_SIZE, &c,
	    EXO_RIGHT_READ), "install read-only, capability read-only");
	is_int(-EXO_ERIGHTS, exo_tlb_unprotect(A, base, 8, EXO_RIGHT_WRITE),
	    "unprotect past the capability's rights: ERIGHTS");
	is_int(EXO_RIGHT_READ, exo_tlb_probe(A, base + 3 * EXO_FRAME_SIZE),
	    "and nothing changed");
	is_int(0, exo_tlb_flush(A), "flush");
	is_int(0, exo_tlb_probe(A, base + 3 * EXO_FRAME_SIZE), "empty");
}

int
main(void)
{
	void	*va;
	size_t	 i;
	int	 rc;

	plan_lazy();
	th_exod_start(&exod, "-t", "16", "-m", "1M", "-R", "50", NULL);
	A = th_connect(&exod, "tlb-a");
	is_int(TLB, exo_tlb_size(A), "exod -t 16: a TLB of 16 entries");
	ok(exo_stats(A) != NULL, "the counters are there");
	is_int(-EXO_EINVAL, exo_as_create(A, 0, &va), "an empty region: "
	    "EINVAL");
	is_int(-EXO_ESTATE, exo_tlb_install(A, &va, &f[0].cap,
	    EXO_RIGHT_READ), "no address space yet: ESTATE");
	rc = exo_as_create(A, NPAGES * EXO_FRAME_SIZE, &va);
	is_int(0, rc, "exo_as_create %d pages", NPAGES);
	if (rc != 0)
		bail("no address space");
	base = va;
	if (exo_frame_alloc_batch(A, f, NPAGES) != 0)
		bail("frame_alloc_batch");
	for (i = 0; i < NPAGES; i++)
		pt_rights[i] = EXO_RIGHTS_ALL;
	is_int(0, exo_pe_addressing(A, on_fault, NULL), "addressing entry");

	test_capacity();
	test_exoctl();
	test_data();
	test_wired();
	test_refused();
	test_readonly();
	test_protect();
	test_repossessed();

	is_int(0, exo_as_destroy(A), "exo_as_destroy");
	is_int(-EXO_ESTATE, exo_tlb_probe(A, base), "no address space now");
	exo_disconnect(A);
	return 0;
}
