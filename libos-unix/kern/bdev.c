/*
 * bdev.c - the disk layer's front: counts what goes through and passes
 * it to the backend (bdev_exo.c, bdev_mem.c).
 */
#include "config.h"

#include "kernel/fs.h"
#include "bdev.h"

static int
bdev_io(struct bdev *d, int op, const uint32_t *lbn,
    struct bdev_mem *const *mem, unsigned n)
{
	unsigned	i;

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
	return (d->ops->io(d, op, lbn, mem, n));
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
	if (d != NULL)
		d->ops->close(d);
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
