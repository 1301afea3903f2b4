/*
 * bdev.c - the disk layer's front: counts what goes through and passes
 * it to the backend (bdev_exo.c, bdev_mem.c).
 */
#include "config.h"

#include <string.h>

#include "kernel/fs.h"
#include "bdev.h"

/*
 * The bounce frame: a frame of the libOS's own, kept in exod's protected
 * minimum where it may, through which a buffer whose frame exod took by
 * force still reaches the disk.  Bound at mount, and again when wanted
 * if it was ever revoked (only when it is not protected).
 */
void
bdev_bounce_init(struct bdev *d)
{
	if (d->bounce.va != NULL ||
	    d->ops->mem_alloc(d, &d->bounce, 1) != 0)
		return;
	d->bounce_protected = d->ops->protect(d, &d->bounce) == 0;
}

void
bdev_bounce_fini(struct bdev *d)
{
	bdev_mem_release(d, &d->bounce);
	d->bounce_protected = 0;
}

void
bdev_mem_gone(struct bdev *d, struct bdev_mem *m)
{
	if (m->va == NULL || m->gone)
		return;
	m->gone = 1;
	d->mem_held--;
	d->gone++;
}

void
bdev_mem_release(struct bdev *d, struct bdev_mem *m)
{
	if (m->va == NULL)
		return;
	if (m->gone)
		d->ops->forget(d, m);
	else
		d->ops->mem_free(d, m, 1);
	m->gone = 0;
}

int
bdev_mem_is(const struct bdev_mem *m, const struct exo_cap *cap)
{
	return (m->va != NULL && cap->type == EXO_RES_FRAME &&
	    m->frame.cap.id == cap->id && m->frame.cap.gen == cap->gen);
}

/* An entry for the bounce frame (revoke: 1 for a revocation, 0 for a
 * repossession): it goes at once, and is bound again when wanted.  1 if
 * the entry was the bounce's. */
int
bdev_bounce_revoke(struct bdev *d, const struct exo_cap *cap, int revoke)
{
	if (!bdev_mem_is(&d->bounce, cap))
		return (0);
	if (!revoke)
		bdev_mem_gone(d, &d->bounce);
	bdev_mem_release(d, &d->bounce);
	d->bounce_protected = 0;
	return (1);
}

/* One block between lbn and gone memory m, by way of the bounce frame. */
static int
bdev_bounce_io(struct bdev *d, int op, uint32_t lbn, struct bdev_mem *m)
{
	struct bdev_mem	*b = &d->bounce;
	int		 try;

	for (try = 0; try < 2; try++) {
		if (b->va == NULL)
			bdev_bounce_init(d);
		if (b->va == NULL)
			return (-1);	/* exod has no frame to give */
		if (op == BDEV_WRITE)
			memcpy(b->va, m->va, BSIZE);
		if (d->ops->io(d, op, &lbn, &b, 1) == 0) {
			if (op == BDEV_READ)
				memcpy(m->va, b->va, BSIZE);
			d->bounced++;
			return (0);
		}
		if (d->ops->held(d, b) != 0)
			return (-1);	/* a real error */
		bdev_mem_gone(d, b);	/* it was not protected */
		bdev_mem_release(d, b);
	}
	return (-1);
}

/*
 * Move n blocks in one request, but for memory that is gone, which goes
 * through the bounce frame.  A request that fails because exod took one
 * of its frames by force since (it checks every frame before it moves
 * anything) is made again without it: the repossession upcall may come
 * only later, so each frame of a failed request is asked about.
 */
static int
bdev_io(struct bdev *d, int op, const uint32_t *lbn,
    struct bdev_mem *const *mem, unsigned n)
{
	struct bdev_mem	*dm[BDEV_IO_MAX];
	uint32_t	 dl[BDEV_IO_MAX];
	unsigned	 i, k, taken;

	if (n == 0)
		return (0);
	if (n > BDEV_IO_MAX)
		return (-1);
	for (i = 0; i < n; i++)
		if (lbn[i] >= d->size || mem[i]->va == NULL)
			return (-1);
	d->requests++;
	if (op == BDEV_READ)
		d->reads += n;
	else
		d->writes += n;
	for (;;) {
		for (i = 0, k = 0; i < n; i++) {
			if (mem[i]->gone)
				continue;
			dl[k] = lbn[i];
			dm[k++] = mem[i];
		}
		if (k == 0 || d->ops->io(d, op, dl, dm, k) == 0)
			break;
		for (i = 0, taken = 0; i < k; i++) {
			if (d->ops->held(d, dm[i]) == 0) {
				bdev_mem_gone(d, dm[i]);
				taken++;
			}
		}
		if (taken == 0)
			return (-1);	/* a real error */
	}
	for (i = 0; i < n; i++)
		if (mem[i]->gone && bdev_bounce_io(d, op, lbn[i], mem[i]) != 0)
			return (-1);
	return (0);
}

int
bdev_read(struct bdev *d, const uint32_t *lbn, struct bdev_mem *const *mem,
    unsigned n)
{
	return (bdev_io(d, BDEV_READ, lbn, mem, n));
}

int
bdev_write(struct bdev *d, const uint32_t *lbn, struct bdev_mem *const *mem,
    unsigned n)
{
	return (bdev_io(d, BDEV_WRITE, lbn, mem, n));
}

int
bdev_flush(struct bdev *d)
{
	d->flushes++;
	return (d->ops->flush(d));
}

void
bdev_close(struct bdev *d)
{
	if (d != NULL) {
		bdev_bounce_fini(d);
		d->ops->close(d);
	}
}

uint32_t
bdev_fnv32(const void *p, size_t n, uint32_t h)
{
	const unsigned char	*s = p;

	while (n-- > 0) {
		h ^= *s++;
		h *= 16777619U;
	}
	return (h);
}

uint64_t
bdev_fnv64(const void *p, size_t n, uint64_t h)
{
	const unsigned char	*s = p;

	while (n-- > 0) {
		h ^= *s++;
		h *= 1099511628211ULL;
	}
	return (h);
}
