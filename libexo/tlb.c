/*
 * tlb.c - the emulated software-loaded TLB, its trap path, and the
 * Appel-Li primitives on it.
 *
 * The TLB has hello.tlb_entries entries (exod -t).  An entry translates
 * one page of the region to one frame, with rights; a page is accessible
 * exactly while it has an entry.  Any other access to the region traps
 * (SIGSEGV): exo_mem_trap counts it, looks in the STLB on a miss (stlb.c),
 * and otherwise calls the libOS's addressing entry, whose handler loads
 * a translation with exo_tlb_install and returns; the access then runs
 * again.  A full TLB makes room by random replacement among the entries
 * that are not wired.
 *
 * An install checks its capability against the exposed state (owner,
 * frame, generation, rights) at memory speed: no round trip to exod.  It
 * cannot check the MAC (libexo has no key) and needs not: a capability
 * that passes names a frame bound to this libOS now, whose descriptor is
 * in the registry, so the most a doctored one can do is map the libOS's
 * own frame.
 *
 * Context switches.  At the end of a quantum (switch_out) the guaranteed
 * entries are counted as saved; at the next switch-in (SIGCONT, before
 * the libOS runs again) the whole TLB is flushed and the STLB preloaded.
 * The host sees only the difference: a guaranteed entry still loaded
 * stays as it is (it is counted as flushed and preloaded all the same),
 * every other entry loses its page, and the missing guaranteed ones are
 * loaded, neighbours sharing one mprotect.
 * The flush of the outgoing libOS is done at switch-in, not at
 * switch-out: a stopped libOS cannot tell the difference, and between its
 * acknowledgement and exod's SIGSTOP it still runs for some microseconds
 * on time exod gave it, where a flushed TLB would cost misses that no
 * hardware would take.  A libOS stopped by force, which may never have
 * run switch_out, is flushed all the same.
 */
#include "config.h"

#include <sys/mman.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mem.h"

int
exo_mem_prot(unsigned rights)
{
	int	prot = PROT_NONE;

	if (rights & EXO_RIGHT_READ)
		prot |= PROT_READ;
	if (rights & EXO_RIGHT_WRITE)
		prot |= PROT_WRITE;
	if ((rights & EXO_TLB_EXEC) && (rights & EXO_RIGHT_READ))
		prot |= PROT_EXEC;
	return (prot);
}

void
exo_mem_run_flush(struct mem_run *r)
{
	if (r->len > 0 && mprotect(r->va, r->len, r->prot) == -1)
		r->error = -EXO_ESYS;
	r->len = 0;
}

/* Page va gets prot: with the run if it extends it, else start anew. */
void
exo_mem_run_add(struct mem_run *r, unsigned char *va, int prot)
{
	if (r->len > 0 && r->va + r->len == va && r->prot == prot) {
		r->len += EXO_FRAME_SIZE;
		return;
	}
	exo_mem_run_flush(r);
	r->va = va;
	r->len = EXO_FRAME_SIZE;
	r->prot = prot;
}

void
exo_mem_enter(struct exo_mem *m)
{
	m->busy++;
}

/* End a change; run what the switch hooks deferred while it went on. */
void
exo_mem_leave(struct exo_mem *m)
{
	sigset_t	set, old;
	int		d;

	if (--m->busy != 0 || m->deferred == 0)
		return;
	sigemptyset(&set);
	sigaddset(&set, SIGCONT);
	sigaddset(&set, EXO_SIG_UPCALL);
	sigprocmask(SIG_BLOCK, &set, &old);
	m->busy = 1;
	while ((d = m->deferred) != 0) {
		m->deferred = 0;
		if (d & MEM_DEFER_OUT)
			exo_mem_switch_out(m);
		if (d & MEM_DEFER_IN)
			exo_mem_switch_in(m);
	}
	m->busy = 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
}

int
exo_mem_tlb_init(struct exo_mem *m)
{
	struct timespec	ts;
	uint32_t	n = m->e->hello.tlb_entries, i;

	if (n == 0)
		n = 64;
	if (n > 65536)
		n = 65536;
	m->ntlb = n;
	for (m->nbucket = 1; m->nbucket < 2 * n; m->nbucket <<= 1)
		;
	m->tlb = calloc(n, sizeof *m->tlb);
	m->bucket = calloc(m->nbucket, sizeof *m->bucket);
	m->freelist = calloc(n, sizeof *m->freelist);
	if (m->tlb == NULL || m->bucket == NULL || m->freelist == NULL) {
		exo_mem_tlb_fini(m);
		return (-1);
	}
	for (i = 0; i < m->nbucket; i++)
		m->bucket[i] = MEM_NONE;
	for (i = 0; i < n; i++) {
		m->tlb[i].frame = MEM_NONE;
		m->tlb[i].next = MEM_NONE;
		m->freelist[i] = n - 1 - i;	/* entry 0 is used first */
	}
	m->nfree = n;
	m->nvalid = 0;
	m->wired_max = n / 2 < EXO_TLB_WIRED_MAX ? n / 2 : EXO_TLB_WIRED_MAX;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	m->rng = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^
	    ((uint64_t)getpid() << 40) ^ 0x9e3779b97f4a7c15ULL;
	return (0);
}

void
exo_mem_tlb_fini(struct exo_mem *m)
{
	free(m->tlb);
	free(m->bucket);
	free(m->freelist);
	m->tlb = NULL;
	m->bucket = NULL;
	m->freelist = NULL;
	m->ntlb = m->nfree = m->nvalid = 0;
}

/* The entry translating page number vpn, or MEM_NONE. */
uint32_t
exo_mem_tlb_find(const struct exo_mem *m, uintptr_t vpn)
{
	uint32_t	i = m->bucket[vpn & (m->nbucket - 1)];

	while (i != MEM_NONE && m->tlb[i].vpn != vpn)
		i = m->tlb[i].next;
	return (i);
}

static int
tlb_wired(const struct exo_mem *m, uintptr_t vpn)
{
	uint32_t	k;

	for (k = 0; k < m->nwired; k++)
		if (m->wired[k] == vpn)
			return (1);
	return (0);
}

/* Entry i leaves the TLB; its page's protection is the caller's. */
static void
tlb_unlink(struct exo_mem *m, uint32_t i)
{
	struct mem_tlbe	*t = &m->tlb[i];
	uint32_t	*pp = &m->bucket[t->vpn & (m->nbucket - 1)];

	while (*pp != i)
		pp = &m->tlb[*pp].next;
	*pp = t->next;
	t->frame = MEM_NONE;
	t->next = MEM_NONE;
	t->rights = 0;
	m->freelist[m->nfree++] = i;
	m->nvalid--;
}

/* Entry i leaves the TLB and its page becomes inaccessible. */
void
exo_mem_tlb_drop(struct exo_mem *m, uint32_t i)
{
	size_t	pg = m->tlb[i].vpn - m->vpn0;

	tlb_unlink(m, i);
	if (m->kept > MEM_KEEP_MAX)
		exo_mem_unmap_page(m, pg); /* keep the host's mappings bounded */
	else
		(void)mprotect(m->base + pg * EXO_FRAME_SIZE, EXO_FRAME_SIZE,
		    PROT_NONE);
}

/* Random replacement among the entries that are not wired. */
static uint32_t
tlb_victim(struct exo_mem *m)
{
	uint64_t	x = m->rng;
	uint32_t	i, k;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	m->rng = x;
	i = (uint32_t)(x % m->ntlb);
	for (k = 0; k < m->ntlb; k++, i = (i + 1) % m->ntlb)
		if (m->tlb[i].frame != MEM_NONE &&
		    (m->nwired == 0 || !tlb_wired(m, m->tlb[i].vpn)))
			return (i);
	return (MEM_NONE);
}

/*
 * Load the translation of region page pg to frame (gen) with rights;
 * max is what the capability allows.  Replaces the page's entry if it has
 * one, else takes a free entry or evicts one.  With run, a page whose
 * host mapping is that frame already gets its protection through the run
 * (the caller flushes it), so that loads of neighbouring pages cost one
 * mprotect between them.  0 or -EXO_E*.
 */
int
exo_mem_tlb_load(struct exo_mem *m, size_t pg, uint32_t frame, uint64_t gen,
    unsigned rights, unsigned max, struct mem_run *run)
{
	struct exo_stats	*st = m->e->stats;
	struct mem_page		*p = &m->pages[pg];
	struct mem_tlbe		*t;
	uintptr_t		 vpn = m->vpn0 + pg;
	uint32_t		 i, v, b;
	int			 error;

	if ((i = exo_mem_tlb_find(m, vpn)) == MEM_NONE && m->nfree == 0) {
		if ((v = tlb_victim(m)) == MEM_NONE)
			return (-EXO_ENOMEM);	/* all wired: cannot be */
		exo_mem_tlb_drop(m, v);
		st->tlb_evictions++;
	}
	if (run != NULL && p->frame == frame + 1 && p->gen == gen)
		exo_mem_run_add(run, m->base + pg * EXO_FRAME_SIZE,
		    exo_mem_prot(rights));
	else if ((error = exo_mem_map_page(m, pg, frame, gen,
	    exo_mem_prot(rights))) != 0)
		return (error);
	if (i == MEM_NONE) {
		i = m->freelist[--m->nfree];
		t = &m->tlb[i];
		t->vpn = vpn;
		b = (uint32_t)(vpn & (m->nbucket - 1));
		t->next = m->bucket[b];
		m->bucket[b] = i;
		m->nvalid++;
	} else
		t = &m->tlb[i];
	t->frame = frame;
	t->gen = gen;
	t->rights = (uint8_t)rights;
	t->max = (uint8_t)max;
	if (rights & EXO_RIGHT_WRITE)
		p->dirty = 1;
	st->tlb_installs++;
	return (0);
}

/* Every entry of frame leaves the TLB (the frame is being unbound). */
void
exo_mem_tlb_drop_frame(struct exo_mem *m, uint32_t frame)
{
	uint32_t	i;

	if (m->base == NULL || m->nvalid == 0)
		return;
	for (i = 0; i < m->ntlb; i++)
		if (m->tlb[i].frame == frame)
			exo_mem_tlb_drop(m, i);
}

/*
 * The entries of pages [pg, pg + n) leave the TLB, with one mprotect from
 * the lowest of them to the highest: the pages in between that have no
 * entry are PROT_NONE already.
 */
static void
tlb_flush_range(struct exo_mem *m, size_t pg, size_t n)
{
	uintptr_t	lo = m->vpn0 + pg, hi = lo + n;
	uintptr_t	vmin = UINTPTR_MAX, vmax = 0;
	uint32_t	i;
	size_t		p;

	if (m->nvalid == 0)
		return;
	if (n <= 2 * (size_t)m->ntlb) {
		for (p = pg; p < pg + n; p++)
			if ((i = exo_mem_tlb_find(m, m->vpn0 + p)) !=
			    MEM_NONE) {
				if (vmin == UINTPTR_MAX)
					vmin = m->vpn0 + p;
				vmax = m->vpn0 + p;
				tlb_unlink(m, i);
			}
	} else
		for (i = 0; i < m->ntlb; i++)
			if (m->tlb[i].frame != MEM_NONE &&
			    m->tlb[i].vpn >= lo && m->tlb[i].vpn < hi) {
				if (m->tlb[i].vpn < vmin)
					vmin = m->tlb[i].vpn;
				if (m->tlb[i].vpn > vmax)
					vmax = m->tlb[i].vpn;
				tlb_unlink(m, i);
			}
	if (vmin != UINTPTR_MAX)
		(void)mprotect(m->base + (vmin - m->vpn0) * EXO_FRAME_SIZE,
		    (vmax - vmin + 1) * EXO_FRAME_SIZE, PROT_NONE);
}

/* Every entry leaves the TLB. */
void
exo_mem_tlb_flush_all(struct exo_mem *m)
{
	tlb_flush_range(m, 0, m->npages);
}

/* Every entry not marked keep leaves the TLB (stlb.c, at switch-in). */
void
exo_mem_tlb_flush_unkept(struct exo_mem *m)
{
	struct mem_run	run;
	uint32_t	i;
	size_t		p;

	if (m->nvalid == 0)
		return;
	if (m->hi - m->lo > 8 * (size_t)m->ntlb) {
		for (i = 0; i < m->ntlb; i++)
			if (m->tlb[i].frame != MEM_NONE && !m->tlb[i].keep)
				exo_mem_tlb_drop(m, i);
		return;
	}
	memset(&run, 0, sizeof run);
	for (p = m->lo; p < m->hi; p++)
		if ((i = exo_mem_tlb_find(m, m->vpn0 + p)) != MEM_NONE &&
		    !m->tlb[i].keep) {
			tlb_unlink(m, i);
			exo_mem_run_add(&run, m->base + p * EXO_FRAME_SIZE,
			    PROT_NONE);
		}
	exo_mem_run_flush(&run);
}

/* --- the trap path and the switch hooks ----------------------------- */

/*
 * A trap (SIGSEGV, from pe.c, with SIGCONT and the doorbell blocked).
 * 0 when the access may run again, -1 when it is not ours or the libOS
 * would not have it: the exception entry, then the host, decide.
 */
int
exo_mem_trap(struct exo *e, const struct exo_trap *t)
{
	struct exo_mem	*m = e->mem;
	uintptr_t	 a = (uintptr_t)t->addr;
	size_t		 pg;

	if (m == NULL || m->base == NULL || t->signo != SIGSEGV ||
	    a < (uintptr_t)m->base || a - (uintptr_t)m->base >= m->size)
		return (-1);
	pg = (a - (uintptr_t)m->base) / EXO_FRAME_SIZE;
	e->stats->traps++;
	if (exo_mem_tlb_find(m, m->vpn0 + pg) == MEM_NONE) {
		e->stats->tlb_misses++;
		if (exo_mem_stlb_on(m) && exo_mem_stlb_lookup(m, pg) == 0) {
			e->stats->stlb_hits++;
			return (0);
		}
	}
	if (e->pe_addressing == NULL ||
	    e->pe_addressing(e, t, e->pe_addressing_arg) != 0)
		return (-1);
	return (0);
}

void
exo_mem_switch_out(struct exo_mem *m)
{
	if (exo_mem_stlb_on(m))
		m->e->stats->stlb_saves += exo_mem_stlb_saves(m);
	m->out = 1;
}

void
exo_mem_switch_in(struct exo_mem *m)
{
	uint64_t	sw = m->e->expose->switches;

	if (sw == m->switches && !m->out)
		return;		/* a SIGCONT that was no switch */
	m->switches = sw;
	m->out = 0;
	if (exo_mem_stlb_on(m))
		exo_mem_stlb_reload(m);
	else
		exo_mem_tlb_flush_all(m);
}

/* --- the calls ------------------------------------------------------ */

/* The region page of va: 0, or -EXO_E* as the manual says. */
static int
tlb_page(struct exo *e, const void *va, struct exo_mem **mp, size_t *pg)
{
	struct exo_mem	*m;
	uintptr_t	 a = (uintptr_t)va;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (e == NULL)
		return (-EXO_EINVAL);
	if ((m = e->mem) == NULL || m->base == NULL)
		return (-EXO_ESTATE);
	if (a < (uintptr_t)m->base || a - (uintptr_t)m->base >= m->size)
		return (-EXO_EINVAL);
	*mp = m;
	*pg = (a - (uintptr_t)m->base) / EXO_FRAME_SIZE;
	return (0);
}

static int
tlb_range(struct exo *e, const void *va, size_t npages, struct exo_mem **mp,
    size_t *pg)
{
	int	error;

	if ((error = tlb_page(e, va, mp, pg)) != 0)
		return (error);
	if (npages == 0 || npages > (*mp)->npages - *pg)
		return (-EXO_EINVAL);
	return (0);
}

int
exo_tlb_install(struct exo *e, const void *va, const struct exo_cap *c,
    unsigned rights)
{
	const struct mem_frame	*f;
	struct exo_mem		*m;
	size_t			 pg;
	unsigned		 max;
	int			 error;

	if ((error = tlb_page(e, va, &m, &pg)) != 0)
		return (error);
	if (c == NULL || (rights & EXO_RIGHTS_ALL) == 0 ||
	    (rights & ~(EXO_RIGHTS_ALL | EXO_TLB_EXEC)) != 0 ||
	    ((rights & EXO_TLB_EXEC) && !(rights & EXO_RIGHT_READ)))
		return (-EXO_EINVAL);
	/* The checks of frame_check in exod, in its order, MAC aside. */
	if (c->owner != e->hello.libos)
		return (-EXO_ENOTOWNER);
	if (c->flags & EXO_CAP_GRANTED)
		return (-EXO_EGRANTED);	/* not in this libOS's registry */
	if (c->type != EXO_RES_FRAME || c->id >= m->nframes)
		return (-EXO_EINVAL);
	f = &m->frames[c->id];
	if (c->gen == 0 || e->expose->frame_gen[c->id] != c->gen ||
	    f->fd == -1 || f->gen != c->gen)
		return (-EXO_ESTALE);
	max = c->rights & f->rights;
	if ((rights & EXO_RIGHTS_ALL & ~max) != 0)
		return (-EXO_ERIGHTS);
	max |= EXO_TLB_EXEC;	/* a property of the mapping, not a right */
	exo_mem_enter(m);
	error = exo_mem_tlb_load(m, pg, (uint32_t)c->id, c->gen, rights, max,
	    NULL);
	exo_mem_leave(m);
	return (error);
}

int
exo_tlb_probe(struct exo *e, const void *va)
{
	struct exo_mem	*m;
	size_t		 pg;
	uint32_t	 i;
	int		 error;

	if ((error = tlb_page(e, va, &m, &pg)) != 0)
		return (error);
	i = exo_mem_tlb_find(m, m->vpn0 + pg);
	return (i == MEM_NONE ? 0 : m->tlb[i].rights);
}

int
exo_tlb_wire(struct exo *e, const void *va)
{
	struct exo_mem	*m;
	uintptr_t	 vpn;
	size_t		 pg;
	int		 error;

	if ((error = tlb_page(e, va, &m, &pg)) != 0)
		return (error);
	vpn = m->vpn0 + pg;
	exo_mem_enter(m);
	if (tlb_wired(m, vpn))
		error = 0;
	else if (m->nwired >= m->wired_max)
		error = -EXO_ENOMEM;
	else
		m->wired[m->nwired++] = vpn;
	exo_mem_leave(m);
	return (error);
}

int
exo_tlb_unwire(struct exo *e, const void *va)
{
	struct exo_mem	*m;
	uintptr_t	 vpn;
	size_t		 pg;
	uint32_t	 k;
	int		 error;

	if ((error = tlb_page(e, va, &m, &pg)) != 0)
		return (error);
	vpn = m->vpn0 + pg;
	exo_mem_enter(m);
	error = -EXO_EINVAL;
	for (k = 0; k < m->nwired; k++)
		if (m->wired[k] == vpn) {
			m->wired[k] = m->wired[--m->nwired];
			error = 0;
			break;
		}
	exo_mem_leave(m);
	return (error);
}

/* Give entry i new rights (0: it leaves the TLB). */
static void
tlb_set(struct exo_mem *m, uint32_t i, unsigned rights, struct mem_run *r)
{
	struct mem_tlbe	*t = &m->tlb[i];
	size_t		 pg = t->vpn - m->vpn0;

	if (rights == t->rights)
		return;
	if (rights == 0)
		tlb_unlink(m, i);
	else
		t->rights = (uint8_t)rights;
	if (rights & EXO_RIGHT_WRITE)
		m->pages[pg].dirty = 1;
	exo_mem_run_add(r, m->base + pg * EXO_FRAME_SIZE, exo_mem_prot(rights));
}

/*
 * The entries translating pages [pg, pg + n), each once: by page when the
 * range is small (in page order, so that runs coalesce), else by entry.
 * fn(m, i, arg) returns non-zero to stop.
 */
static int
tlb_each(struct exo_mem *m, size_t pg, size_t n,
    int (*fn)(struct exo_mem *, uint32_t, void *), void *arg)
{
	uintptr_t	lo = m->vpn0 + pg, hi = lo + n;
	uint32_t	i;
	size_t		p;
	int		error;

	if (n <= 2 * (size_t)m->ntlb) {
		for (p = pg; p < pg + n; p++)
			if ((i = exo_mem_tlb_find(m, m->vpn0 + p)) !=
			    MEM_NONE && (error = fn(m, i, arg)) != 0)
				return (error);
		return (0);
	}
	for (i = 0; i < m->ntlb; i++)
		if (m->tlb[i].frame != MEM_NONE && m->tlb[i].vpn >= lo &&
		    m->tlb[i].vpn < hi && (error = fn(m, i, arg)) != 0)
			return (error);
	return (0);
}

struct tlb_change {
	unsigned	rights;
	struct mem_run	run;
};

static int
tlb_protect_one(struct exo_mem *m, uint32_t i, void *arg)
{
	struct tlb_change	*c = arg;
	unsigned		 r;

	/* Execution is kept as long as some right is. */
	r = m->tlb[i].rights & (c->rights | EXO_TLB_EXEC);
	tlb_set(m, i, (r & EXO_RIGHTS_ALL) ? r : 0, &c->run);
	return (0);
}

static int
tlb_unprotect_check(struct exo_mem *m, uint32_t i, void *arg)
{
	const struct tlb_change	*c = arg;

	return (((m->tlb[i].rights | c->rights) & ~(unsigned)m->tlb[i].max) ?
	    -EXO_ERIGHTS : 0);
}

static int
tlb_unprotect_one(struct exo_mem *m, uint32_t i, void *arg)
{
	struct tlb_change	*c = arg;

	tlb_set(m, i, m->tlb[i].rights | c->rights, &c->run);
	return (0);
}

int
exo_tlb_protect(struct exo *e, const void *va, size_t npages,
    unsigned rights)
{
	struct tlb_change	 c;
	struct exo_mem		*m;
	size_t			 pg, p, end;
	int			 error;

	if ((error = tlb_range(e, va, npages, &m, &pg)) != 0)
		return (error);
	if ((rights & ~EXO_RIGHTS_ALL) != 0)
		return (-EXO_EINVAL);
	memset(&c, 0, sizeof c);
	c.rights = rights;
	exo_mem_enter(m);
	if (rights == 0)
		tlb_flush_range(m, pg, npages);
	else {
		(void)tlb_each(m, pg, npages, tlb_protect_one, &c);
		exo_mem_run_flush(&c.run);
	}
	if (!(rights & EXO_RIGHT_WRITE)) {
		/* Read-only from now on: the pages are clean. */
		end = pg + npages < m->hi ? pg + npages : m->hi;
		for (p = pg > m->lo ? pg : m->lo; p < end; p++)
			if (m->pages[p].dirty)
				m->pages[p].dirty = 0;
	}
	exo_mem_leave(m);
	return (c.run.error);
}

int
exo_tlb_unprotect(struct exo *e, const void *va, size_t npages,
    unsigned rights)
{
	struct tlb_change	 c;
	struct exo_mem		*m;
	size_t			 pg;
	int			 error;

	if ((error = tlb_range(e, va, npages, &m, &pg)) != 0)
		return (error);
	if (rights == 0 || (rights & ~EXO_RIGHTS_ALL) != 0)
		return (-EXO_EINVAL);
	memset(&c, 0, sizeof c);
	c.rights = rights;
	exo_mem_enter(m);
	if ((error = tlb_each(m, pg, npages, tlb_unprotect_check, &c)) == 0) {
		(void)tlb_each(m, pg, npages, tlb_unprotect_one, &c);
		exo_mem_run_flush(&c.run);
		error = c.run.error;
	}
	exo_mem_leave(m);
	return (error);
}

int
exo_tlb_dirty(struct exo *e, const void *va)
{
	struct exo_mem	*m;
	size_t		 pg;
	int		 error;

	if ((error = tlb_page(e, va, &m, &pg)) != 0)
		return (error);
	return (m->pages[pg].dirty ? 1 : 0);
}

int
exo_tlb_flush(struct exo *e)
{
	struct exo_mem	*m;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (e == NULL)
		return (-EXO_EINVAL);
	if ((m = e->mem) == NULL || m->base == NULL)
		return (-EXO_ESTATE);
	exo_mem_enter(m);
	exo_mem_tlb_flush_all(m);
	exo_mem_leave(m);
	return (0);
}

uint32_t
exo_tlb_size(const struct exo *e)
{
	return (e != NULL ? e->hello.tlb_entries : 0);
}

const struct exo_stats *
exo_stats(const struct exo *e)
{
	return (e != NULL ? e->stats : NULL);
}
