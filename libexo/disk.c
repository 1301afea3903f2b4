/*
 * disk.c - disk blocks from the libOS's side: bind them, move data
 * between them and frames (exod does the DMA), make it durable.
 */
#include "config.h"

#include <string.h>

#include "libexo-int.h"

static int
exo_block_bind(struct exo *e, struct exo_cap *caps, unsigned n,
    uint32_t flags)
{
	struct exo_block_alloc	req;
	int			error;

	if ((error = exo_caps_batch(e, caps, n)) != 0)
		return (error);
	req.count = n;
	req.flags = flags;
	return (exo_caps_bind(e, EXO_MSG_BLOCK_ALLOC, &req, sizeof req, caps,
	    NULL, n));
}

int
exo_block_alloc(struct exo *e, struct exo_cap *caps, unsigned n)
{
	return (exo_block_bind(e, caps, n, 0));
}

/* Blocks for the connection alone (swap): exod frees them when it ends. */
int
exo_block_alloc_scratch(struct exo *e, struct exo_cap *caps, unsigned n)
{
	return (exo_block_bind(e, caps, n, EXO_BLOCK_SCRATCH));
}

int
exo_block_free(struct exo *e, const struct exo_cap *caps, unsigned n)
{
	int	error;

	if ((error = exo_caps_batch(e, caps, n)) != 0)
		return (error);
	return (exo_caps_release(e, EXO_MSG_BLOCK_FREE, caps, sizeof caps[0],
	    n));
}

/* Capabilities for the blocks this libOS owns, from the start-th on. */
int
exo_block_list(struct exo *e, uint32_t start, struct exo_cap *caps,
    unsigned max, unsigned *n, uint32_t *total)
{
	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	return (exo_caps_page(e, EXO_MSG_BLOCK_LIST, start, caps, max, n,
	    total));
}

static int
exo_disk_io(struct exo *e, uint32_t op, uint64_t tag,
    const struct exo_cap *blocks, const struct exo_cap *frames, unsigned n)
{
	unsigned char		buf[sizeof(struct exo_disk_io) +
				    EXO_DISK_IO_MAX * sizeof(struct exo_disk_pair)];
	struct exo_disk_io	req;
	struct exo_disk_pair	pair;
	unsigned		i;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (blocks == NULL || frames == NULL || n == 0 || n > EXO_DISK_IO_MAX)
		return (-EXO_EINVAL);
	req.op = op;
	req.count = n;
	req.tag = tag;
	memcpy(buf, &req, sizeof req);
	for (i = 0; i < n; i++) {
		pair.block = blocks[i];
		pair.frame = frames[i];
		memcpy(buf + sizeof req + i * sizeof pair, &pair, sizeof pair);
	}
	return (exo_request(e, EXO_MSG_DISK_IO, buf, sizeof req +
	    n * sizeof pair, NULL, 0, NULL, NULL, 0, NULL));
}

int
exo_disk_read(struct exo *e, uint64_t tag, const struct exo_cap *blocks,
    const struct exo_cap *frames, unsigned n)
{
	return (exo_disk_io(e, EXO_DISK_READ, tag, blocks, frames, n));
}

int
exo_disk_write(struct exo *e, uint64_t tag, const struct exo_cap *blocks,
    const struct exo_cap *frames, unsigned n)
{
	return (exo_disk_io(e, EXO_DISK_WRITE, tag, blocks, frames, n));
}

/* Returns once everything written so far is durable. */
int
exo_disk_flush(struct exo *e)
{
	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	return (exo_request(e, EXO_MSG_DISK_FLUSH, NULL, 0, NULL, 0, NULL,
	    NULL, 0, NULL));
}

int
exo_disk_info(struct exo *e, struct exo_disk_info *info)
{
	size_t	len;
	int	error;

	if (info == NULL)
		return (-EXO_EINVAL);
	error = exo_request(e, EXO_MSG_DISK_INFO, NULL, 0, info, sizeof *info,
	    &len, NULL, 0, NULL);
	if (error == 0 && len != sizeof *info)
		return (-EXO_EPROTO);
	return (error);
}
