/*
 * stlb.c - the software TLB of guaranteed mappings, from the libOS's side.
 *
 * A libOS names its guaranteed mappings with exo_stlb_set; exod checks
 * every capability and publishes the entries in the exposed state
 * (expose->stlb[]), dropping any whose frame is unbound later.  libexo
 * reads them there:
 *
 *	at switch-in	the TLB is flushed and the entries preloaded
 *			before the libOS resumes (exo_mem_stlb_reload);
 *	on a miss	an entry for the page is loaded without calling
 *			the libOS's handler: an STLB hit;
 *	at switch-out	the guaranteed entries present are counted saved.
 *
 * Under exod --no-stlb (EXO_EXPOSE_NO_STLB) none of this happens.
 *
 * exod may rewrite the entries while libexo reads them (the libOS's own
 * STLB_SET, or a frame unbound), so every entry is copied once and checked
 * against the exposed generations and the registry before it is used: a
 * torn or stale entry is skipped, never trusted.
 */
#include "config.h"

#include <string.h>

#include "mem.h"

int
exo_mem_stlb_on(const struct exo_mem *m)
{
	const struct exo_expose	*x = m->e->expose;

	return (!(x->flags & EXO_EXPOSE_NO_STLB) && x->stlb_count > 0);
}

static uint32_t
stlb_count(const struct exo_mem *m)
{
	uint32_t	n = __atomic_load_n(&m->e->expose->stlb_count,
			    __ATOMIC_ACQUIRE);

	return (n > EXO_STLB_MAX ? EXO_STLB_MAX : n);
}

/* Can entry s be loaded now?  Its region page goes to *pg. */
static int
stlb_valid(const struct exo_mem *m, const struct exo_stlb_entry *s,
    size_t *pg)
{
	const struct mem_frame	*f;
	uintptr_t		 base = (uintptr_t)m->base;

	if (s->va < base || s->va - base >= m->size ||
	    (s->va & (EXO_FRAME_SIZE - 1)) != 0)
		return (0);
	if (s->frame >= m->nframes || s->gen == 0 ||
	    m->e->expose->frame_gen[s->frame] != s->gen)
		return (0);
	f = &m->frames[s->frame];
	if (f->fd == -1 || f->gen != s->gen || s->rights == 0 ||
	    (s->rights & ~f->rights) != 0)
		return (0);
	*pg = (size_t)(s->va - base) / EXO_FRAME_SIZE;
	return (1);
}

/* A miss on page pg: load it from the STLB if it is there.  0 if loaded. */
int
exo_mem_stlb_lookup(struct exo_mem *m, size_t pg)
{
	struct exo_stlb_entry	 s;
	uint64_t		 va;
	uint32_t		 i, n = stlb_count(m);
	size_t			 p;
	int			 error;

	va = (uintptr_t)(m->base + pg * EXO_FRAME_SIZE);
	for (i = 0; i < n; i++) {
		memcpy(&s, &m->e->expose->stlb[i], sizeof s);
		if (s.va != va)
			continue;
		if (!stlb_valid(m, &s, &p))
			return (-1);
		exo_mem_enter(m);
		error = exo_mem_tlb_load(m, p, (uint32_t)s.frame, s.gen,
		    s.rights, m->frames[s.frame].rights, NULL);
		exo_mem_leave(m);
		return (error == 0 ? 0 : -1);
	}
	return (-1);
}

/*
 * Switch-in: the TLB is flushed and the guaranteed entries preloaded, as
 * many as it holds.  To the libOS that is all there is to it; to the host
 * it is done as a difference (see tlb.c): the guaranteed entries still
 * loaded are kept (and counted as preloads and installs, as if they had
 * been flushed and loaded again), the other entries are dropped, and the
 * missing guaranteed ones are loaded.
 */
void
exo_mem_stlb_reload(struct exo_mem *m)
{
	struct exo_stlb_entry	 s;
	struct exo_stats	*st = m->e->stats;
	struct mem_tlbe		*t;
	struct mem_run		 run;
	uint32_t		 i, j, n = stlb_count(m), kept = 0;
	size_t			 pg;

	memset(&run, 0, sizeof run);
	for (i = 0; i < m->ntlb; i++)
		m->tlb[i].keep = 0;
	for (i = 0; i < n && kept < m->ntlb; i++) {
		memcpy(&s, &m->e->expose->stlb[i], sizeof s);
		if (!stlb_valid(m, &s, &pg) ||
		    (j = exo_mem_tlb_find(m, m->vpn0 + pg)) == MEM_NONE)
			continue;
		t = &m->tlb[j];
		if (t->keep || t->frame != s.frame || t->gen != s.gen)
			continue;
		t->keep = 1;
		kept++;
		if (t->rights != s.rights) {
			t->rights = (uint8_t)s.rights;
			exo_mem_run_add(&run, m->base + pg * EXO_FRAME_SIZE,
			    exo_mem_prot(s.rights));
		}
		t->max = (uint8_t)m->frames[s.frame].rights;
		if (s.rights & EXO_RIGHT_WRITE)
			m->pages[pg].dirty = 1;
		st->tlb_installs++;
		st->stlb_preloads++;
	}
	exo_mem_run_flush(&run);
	exo_mem_tlb_flush_unkept(m);
	for (i = 0; i < n && m->nfree > 0; i++) {
		memcpy(&s, &m->e->expose->stlb[i], sizeof s);
		if (!stlb_valid(m, &s, &pg) ||
		    exo_mem_tlb_find(m, m->vpn0 + pg) != MEM_NONE)
			continue;
		if (exo_mem_tlb_load(m, pg, (uint32_t)s.frame, s.gen, s.rights,
		    m->frames[s.frame].rights, &run) == 0)
			st->stlb_preloads++;
	}
	exo_mem_run_flush(&run);
	for (i = 0; i < m->ntlb; i++)
		m->tlb[i].keep = 0;
}

/* Switch-out: how many guaranteed entries the TLB holds now. */
unsigned
exo_mem_stlb_saves(const struct exo_mem *m)
{
	struct exo_stlb_entry	s;
	uint32_t		i, j, n = stlb_count(m);
	unsigned		saved = 0;
	size_t			pg;

	for (i = 0; i < n; i++) {
		memcpy(&s, &m->e->expose->stlb[i], sizeof s);
		if (!stlb_valid(m, &s, &pg))
			continue;
		j = exo_mem_tlb_find(m, m->vpn0 + pg);
		if (j != MEM_NONE && m->tlb[j].frame == s.frame &&
		    m->tlb[j].gen == s.gen)
			saved++;
	}
	return (saved);
}

int
exo_stlb_set(struct exo *e, const struct exo_stlb_req *r, unsigned n)
{
	struct {
		struct exo_stlb_set	hdr;
		struct exo_stlb_req	ent[EXO_STLB_MAX];
	}		 req;
	struct exo_mem	*m;
	unsigned	 i;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (e == NULL || n > EXO_STLB_MAX || (n > 0 && r == NULL))
		return (-EXO_EINVAL);
	m = e->mem;
	if (n > 0 && (m == NULL || m->base == NULL))
		return (-EXO_ESTATE);
	for (i = 0; i < n; i++)
		if (r[i].va < (uintptr_t)m->base ||
		    r[i].va - (uintptr_t)m->base >= m->size ||
		    (r[i].va & (EXO_FRAME_SIZE - 1)) != 0)
			return (-EXO_EINVAL);
	memset(&req.hdr, 0, sizeof req.hdr);
	req.hdr.count = n;
	if (n > 0)
		memcpy(req.ent, r, n * sizeof r[0]);
	return (exo_request(e, EXO_MSG_STLB_SET, &req, sizeof req.hdr +
	    n * sizeof req.ent[0], NULL, 0, NULL, NULL, 0, NULL));
}
