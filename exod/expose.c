/*
 * expose.c - exposed kernel data, as in XOK.
 *
 * For each libOS exod keeps a struct exo_expose in a memfd: exod maps it
 * writable, then seals it (F_SEAL_FUTURE_WRITE and the size), so the
 * descriptor the libOS receives can only ever be mapped read-only.  libexo
 * reads its bindings, generations and software TLB there at memory speed,
 * without a round trip: the expensive step was making the binding.
 *
 * Beside it each libOS gets a statistics page that its libexo writes
 * (TLB counters).  exod maps it too, but only copies numbers out of it for
 * display; nothing exod decides depends on it.
 */
#include "config.h"

#include <sys/mman.h>

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "exod.h"

static size_t
expose_round(size_t n)
{
	return ((n + EXO_FRAME_SIZE - 1) & ~(size_t)(EXO_FRAME_SIZE - 1));
}

/* A sealed-size memfd of len bytes mapped writable at *va; fd or -1. */
static int
expose_memfd(const char *name, size_t len, unsigned seals, void **va)
{
	int	fd;

	fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd == -1)
		return (-1);
	if (ftruncate(fd, (off_t)len) == -1)
		goto bad;
	*va = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (*va == MAP_FAILED)
		goto bad;
	if (fcntl(fd, F_ADD_SEALS, seals | F_SEAL_SHRINK | F_SEAL_GROW |
	    F_SEAL_SEAL) == -1) {
		munmap(*va, len);
		goto bad;
	}
	return (fd);
bad:
	close(fd);
	return (-1);
}

/*
 * Make p's exposed state and statistics page; the descriptors for the
 * libOS go to *expose_fd and *stats_fd (the caller sends and closes them).
 */
int
expose_new(struct peer *p, int *expose_fd, int *stats_fd)
{
	struct exo_expose	*x;
	void			*va;
	size_t			 len;

	len = expose_round(sizeof *x + frame_total() * sizeof(uint64_t));
	*expose_fd = expose_memfd("exo-expose", len, F_SEAL_FUTURE_WRITE, &va);
	if (*expose_fd == -1)
		return (-1);
	x = va;
	p->expose = x;
	p->expose_size = len;
	x->magic = EXO_EXPOSE_MAGIC;
	x->libos = p->libos;
	x->frames_total = frame_total();
	x->flags = sched_conf.no_stlb ? EXO_EXPOSE_NO_STLB : 0;
	x->nslots = sched_conf.nslots;
	x->quantum_us = (uint32_t)(sched_conf.quantum_ns / 1000);
	x->t0_ns = sched_t0();
	*stats_fd = expose_memfd("exo-stats", EXO_FRAME_SIZE, 0, &va);
	if (*stats_fd == -1) {
		close(*expose_fd);
		expose_free(p);
		return (-1);
	}
	p->stats = va;
	return (0);
}

void
expose_free(struct peer *p)
{
	if (p->expose != NULL)
		munmap(p->expose, p->expose_size);
	if (p->stats != NULL)
		munmap(p->stats, EXO_FRAME_SIZE);
	p->expose = NULL;
	p->stats = NULL;
}

/*
 * Publish that frame id is bound to p at gen (0: no longer bound).  A
 * binding that ends takes the guaranteed mappings naming it along.
 */
void
expose_frame(struct peer *p, uint32_t id, uint64_t gen)
{
	if (p->expose == NULL || id >= p->expose->frames_total)
		return;
	if (p->expose->frame_gen[id] != gen)
		expose_stlb_drop(p, id);
	p->expose->frame_gen[id] = gen;
}

/*
 * Replace p's software TLB with n checked entries (req_stlb.c).  libexo
 * may read while exod writes: the count goes to 0 first and to n last,
 * and libexo checks every entry it uses against frame_gen[] anyway.
 */
void
expose_stlb_set(struct peer *p, const struct exo_stlb_entry *ents,
    unsigned n)
{
	struct exo_expose	*x = p->expose;

	if (x == NULL || n > EXO_STLB_MAX)
		return;
	__atomic_store_n(&x->stlb_count, 0, __ATOMIC_RELEASE);
	if (n > 0)
		memcpy(x->stlb, ents, n * sizeof ents[0]);
	memset(x->stlb + n, 0, (EXO_STLB_MAX - n) * sizeof ents[0]);
	__atomic_store_n(&x->stlb_count, n, __ATOMIC_RELEASE);
}

/* Frame id is no longer p's: no guaranteed mapping may name it. */
void
expose_stlb_drop(struct peer *p, uint32_t id)
{
	struct exo_stlb_entry	 keep[EXO_STLB_MAX];
	struct exo_expose	*x = p->expose;
	unsigned		 i, n = 0, count;

	if (x == NULL)
		return;
	count = x->stlb_count < EXO_STLB_MAX ? x->stlb_count : EXO_STLB_MAX;
	for (i = 0; i < count; i++)
		if (x->stlb[i].frame != id)
			keep[n++] = x->stlb[i];
	if (n != count)
		expose_stlb_set(p, keep, n);
}
