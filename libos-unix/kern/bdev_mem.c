/*
 * bdev_mem.c - a disk in memory: the image is an array of blocks, and
 * buffers are plain memory.  The fuzzer mounts fuzzed images on it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "kernel/fs.h"
#include "bdev.h"

static int
bdev_mem_alloc(struct bdev *d, struct bdev_mem *m, unsigned n)
{
	unsigned	i;

	for (i = 0; i < n; i++) {
		m[i].gone = 0;
		if ((m[i].va = calloc(1, BSIZE)) == NULL) {
			while (i-- > 0) {
				free(m[i].va);
				m[i].va = NULL;
			}
			return (-1);
		}
	}
	d->mem_held += n;
	return (0);
}

static void
bdev_mem_free(struct bdev *d, struct bdev_mem *m, unsigned n)
{
	unsigned	i;

	for (i = 0; i < n; i++) {
		free(m[i].va);
		m[i].va = NULL;
	}
	d->mem_held -= n;
}

static int
bdev_mem_io(struct bdev *d, int op, const uint32_t *lbn,
    struct bdev_mem *const *mem, unsigned n)
{
	unsigned char	*img = d->priv;
	unsigned	 i;

	for (i = 0; i < n; i++) {
		if (op == BDEV_READ)
			memcpy(mem[i]->va, img + (size_t)lbn[i] * BSIZE, BSIZE);
		else
			memcpy(img + (size_t)lbn[i] * BSIZE, mem[i]->va, BSIZE);
	}
	return (0);
}

static int
bdev_mem_flush(struct bdev *d)
{
	(void)d;
	return (0);
}

static void
bdev_mem_close(struct bdev *d)
{
	free(d);
}

/* Plain memory is never taken. */
static int
bdev_mem_held(struct bdev *d, const struct bdev_mem *m)
{
	(void)d;
	(void)m;
	return (1);
}

static void
bdev_mem_forget(struct bdev *d, struct bdev_mem *m)
{
	(void)d;
	free(m->va);
	m->va = NULL;
}

static int
bdev_mem_protect(struct bdev *d, struct bdev_mem *m)
{
	(void)d;
	(void)m;
	return (0);
}

static const struct bdev_ops bdev_mem_ops = {
	bdev_mem_alloc, bdev_mem_free, bdev_mem_io, bdev_mem_flush,
	bdev_mem_close, bdev_mem_held, bdev_mem_forget, bdev_mem_protect
};

struct bdev *
bdev_mem_open(void *img, uint32_t size)
{
	struct bdev	*d;

	if ((d = calloc(1, sizeof *d)) == NULL)
		return (NULL);
	d->ops = &bdev_mem_ops;
	d->size = size;
	d->priv = img;
	return (d);
}
