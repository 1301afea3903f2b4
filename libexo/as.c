/*
 * as.c - the address space: a region reserved in the libOS, and the
 * registry of the frames this connection holds.
 *
 * The region is reserved PROT_NONE.  A page of it becomes accessible only
 * through the TLB (tlb.c), which maps the frame's descriptor at the page
 * (MAP_SHARED|MAP_FIXED) with the entry's rights.  When the entry goes,
 * the page goes back to PROT_NONE but the host mapping of the frame is
 * kept (pages[]), so that loading the same translation again is one
 * mprotect and not a new mapping: the host page table plays the part of
 * a cache behind the TLB, never the part of a TLB.  When a frame is
 * unbound every page still mapping it is replaced by anonymous PROT_NONE
 * memory, so nothing of an old binding stays mapped.
 *
 * The registry maps a frame number to the descriptor that maps it, for
 * the frames bound through this connection (frame.c keeps it): that is
 * how an install finds what to map from a capability alone.  The
 * descriptors are the caller's, in its struct exo_frame; the registry
 * only borrows them.
 */
#include "config.h"

#include <sys/mman.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem.h"

static void	as_switch_out(struct exo *);
static void	as_switch_in(struct exo *);

/* The memory layer's state, made on first use; NULL if it cannot be. */
struct exo_mem *
exo_mem_get(struct exo *e)
{
	struct exo_mem	*m;
	uint32_t	 i;

	if (e->mem != NULL)
		return (e->mem);
	if (e->chan_fd == -1 || e->expose == NULL)
		return (NULL);		/* control connections have none */
	if ((m = calloc(1, sizeof *m)) == NULL)
		return (NULL);
	m->e = e;
	m->nframes = e->hello.frames_total;
	if (m->nframes > e->expose->frames_total)
		m->nframes = e->expose->frames_total;
	if ((m->frames = calloc(m->nframes ? m->nframes : 1,
	    sizeof *m->frames)) == NULL) {
		free(m);
		return (NULL);
	}
	for (i = 0; i < m->nframes; i++)
		m->frames[i].fd = -1;
	if (exo_mem_tlb_init(m) != 0) {
		free(m->frames);
		free(m);
		return (NULL);
	}
	m->switches = e->expose->switches;
	e->mem = m;
	return (m);
}

/* Map frame (at gen) at region page pg with prot; 0 or -EXO_ESYS. */
int
exo_mem_map_page(struct exo_mem *m, size_t pg, uint32_t frame, uint64_t gen,
    int prot)
{
	struct mem_page	*p = &m->pages[pg];
	unsigned char	*va = m->base + pg * EXO_FRAME_SIZE;

	if (p->frame == frame + 1 && p->gen == gen)
		return (mprotect(va, EXO_FRAME_SIZE, prot) == -1 ?
		    -EXO_ESYS : 0);
	if (mmap(va, EXO_FRAME_SIZE, prot, MAP_SHARED | MAP_FIXED,
	    m->frames[frame].fd, (off_t)m->frames[frame].off * EXO_FRAME_SIZE)
	    == MAP_FAILED)
		return (-EXO_ESYS);
	if (p->frame != 0)
		m->frames[p->frame - 1].nmaps--;
	else
		m->kept++;
	p->frame = frame + 1;
	p->gen = gen;
	m->frames[frame].nmaps++;
	if (m->lo == m->hi) {
		m->lo = pg;
		m->hi = pg + 1;
	} else if (pg < m->lo)
		m->lo = pg;
	else if (pg >= m->hi)
		m->hi = pg + 1;
	return (0);
}

/* Page pg back to anonymous PROT_NONE memory: no frame mapped there. */
void
exo_mem_unmap_page(struct exo_mem *m, size_t pg)
{
	struct mem_page	*p = &m->pages[pg];
	unsigned char	*va = m->base + pg * EXO_FRAME_SIZE;

	if (p->frame == 0)
		return;
	if (mmap(va, EXO_FRAME_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
	    MAP_FIXED | MAP_NORESERVE, -1, 0) == MAP_FAILED) {
		/* Out of host mappings: at least nothing gets through. */
		(void)mprotect(va, EXO_FRAME_SIZE, PROT_NONE);
		return;
	}
	m->frames[p->frame - 1].nmaps--;
	m->kept--;
	p->frame = 0;
	p->gen = 0;
}

/* A frame was bound through e (frame.c): remember its descriptor. */
void
exo_mem_frame_bound(struct exo *e, const struct exo_cap *c, int fd)
{
	exo_mem_frame_bound_at(e, c, fd, 0);
}

/* The same for a frame at page index off of fd (an extent, extent.c). */
void
exo_mem_frame_bound_at(struct exo *e, const struct exo_cap *c, int fd,
    uint32_t off)
{
	struct exo_mem	*m;

	if ((m = exo_mem_get(e)) == NULL || c->id >= m->nframes)
		return;
	if (m->frames[c->id].fd != -1 || m->frames[c->id].nmaps > 0)
		exo_mem_frame_gone(e, c->id);	/* a binding we missed */
	m->frames[c->id].fd = fd;
	m->frames[c->id].off = off;
	m->frames[c->id].gen = c->gen;
	m->frames[c->id].rights = c->rights;
}

/*
 * Frame id is no longer bound to e (freed, or taken back by exod): its
 * translations leave the TLB, its mappings leave the region, and its
 * descriptor leaves the registry (the caller closes it).
 */
void
exo_mem_frame_gone(struct exo *e, uint64_t id)
{
	struct exo_mem	*m = e != NULL ? e->mem : NULL;
	size_t		 pg;

	if (m == NULL || id >= m->nframes)
		return;
	exo_mem_enter(m);
	exo_mem_tlb_drop_frame(m, (uint32_t)id);
	if (m->base != NULL)
		for (pg = m->lo; pg < m->hi && m->frames[id].nmaps > 0; pg++)
			if (m->pages[pg].frame == id + 1)
				exo_mem_unmap_page(m, pg);
	m->frames[id].fd = -1;
	m->frames[id].off = 0;
	m->frames[id].gen = 0;
	m->frames[id].rights = 0;
	m->frames[id].nmaps = 0;
	exo_mem_leave(m);
}

/*
 * Reserve the region: at any address the host picks (at == NULL), or at
 * exactly at, never over a mapping that is there already
 * (MAP_FIXED_NOREPLACE; a kernel that only takes it as a hint is caught
 * by comparing what came back).
 */
static int
as_create(struct exo *e, void *at, size_t size, void **base)
{
	struct exo_mem	*m;
	void		*va, *pages;
	size_t		 npages;
	int		 error, flags;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (e == NULL || base == NULL || size == 0 || size > MEM_AS_MAX)
		return (-EXO_EINVAL);
	if ((uintptr_t)at % EXO_FRAME_SIZE != 0 ||
	    (uintptr_t)at > UINTPTR_MAX - size)
		return (-EXO_EINVAL);
	if (e->chan_fd == -1)
		return (-EXO_EINVAL);	/* a control connection */
	if (exo_self != e)
		return (-EXO_ESTATE);	/* only the process's libOS */
	if ((m = exo_mem_get(e)) == NULL)
		return (-EXO_ESYS);
	if (m->base != NULL)
		return (-EXO_ESTATE);	/* one address space */
	if ((error = exo_pe_traps()) != 0)
		return (error);
	npages = (size + EXO_FRAME_SIZE - 1) / EXO_FRAME_SIZE;
	flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
	if (at != NULL)
		flags |= MAP_FIXED_NOREPLACE;
	va = mmap(at, npages * EXO_FRAME_SIZE, PROT_NONE, flags, -1, 0);
	if (va == MAP_FAILED)
		return (-EXO_ESYS);
	if (at != NULL && va != at) {
		munmap(va, npages * EXO_FRAME_SIZE);
		errno = EEXIST;
		return (-EXO_ESYS);
	}
	pages = mmap(NULL, npages * sizeof(struct mem_page), PROT_READ |
	    PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (pages == MAP_FAILED) {
		error = errno;
		munmap(va, npages * EXO_FRAME_SIZE);
		errno = error;
		return (-EXO_ESYS);
	}
	exo_mem_enter(m);
	m->base = va;
	m->size = npages * EXO_FRAME_SIZE;
	m->npages = npages;
	m->vpn0 = (uintptr_t)va / EXO_FRAME_SIZE;
	m->pages = pages;
	m->lo = m->hi = 0;
	m->kept = 0;
	m->nwired = 0;
	m->switches = e->expose->switches;
	m->out = 0;
	e->trap_hook = exo_mem_trap;
	e->switch_out = as_switch_out;
	e->switch_in = as_switch_in;
	exo_mem_leave(m);
	*base = va;
	return (0);
}

int
exo_as_create(struct exo *e, size_t size, void **base)
{
	return (as_create(e, NULL, size, base));
}

int
exo_as_create_at(struct exo *e, void *at, size_t size, void **base)
{
	if (at == NULL)
		return (-EXO_EINVAL);
	return (as_create(e, at, size, base));
}

int
exo_as_destroy(struct exo *e)
{
	struct exo_mem	*m = e != NULL ? e->mem : NULL;
	uint32_t	 i;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (e == NULL)
		return (-EXO_EINVAL);
	if (m == NULL || m->base == NULL)
		return (-EXO_ESTATE);
	exo_mem_enter(m);
	e->trap_hook = NULL;
	e->switch_out = NULL;
	e->switch_in = NULL;
	exo_mem_tlb_flush_all(m);
	munmap(m->base, m->size);
	munmap(m->pages, m->npages * sizeof(struct mem_page));
	for (i = 0; i < m->nframes; i++)
		m->frames[i].nmaps = 0;
	m->base = NULL;
	m->pages = NULL;
	m->size = m->npages = 0;
	m->lo = m->hi = 0;
	m->kept = 0;
	m->nwired = 0;
	exo_mem_leave(m);
	return (0);
}

/* The connection ends (conn.c): everything goes. */
void
exo_mem_fini(struct exo *e)
{
	struct exo_mem	*m = e->mem;

	if (m == NULL)
		return;
	if (m->base != NULL)
		(void)exo_as_destroy(e);
	exo_mem_tlb_fini(m);
	free(m->frames);
	free(m);
	e->mem = NULL;
}

/*
 * The end of a quantum (the TIMER upcall, before the interrupt entry).
 * The guaranteed entries are saved: they are in the STLB already, so
 * saving them is counting them.  The flush itself happens at switch_in,
 * the first instant the libOS could see its TLB again (see tlb.c).
 */
static void
as_switch_out(struct exo *e)
{
	struct exo_mem	*m = e->mem;

	if (m == NULL || m->base == NULL)
		return;
	if (m->busy) {
		m->deferred |= MEM_DEFER_OUT;
		return;
	}
	exo_mem_enter(m);
	exo_mem_switch_out(m);
	exo_mem_leave(m);
}

/* SIGCONT: exod may have switched us in; reload the TLB before resuming. */
static void
as_switch_in(struct exo *e)
{
	struct exo_mem	*m = e->mem;

	if (m == NULL || m->base == NULL)
		return;
	if (m->busy) {
		m->deferred |= MEM_DEFER_IN;
		return;
	}
	exo_mem_enter(m);
	exo_mem_switch_in(m);
	exo_mem_leave(m);
}
