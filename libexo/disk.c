/*
 * disk.c - disk blocks from the libOS's side: bind them, move data
 * between them and frames (exod does the DMA), make it durable.
 */
#include "config.h"

#include <string.h>

#include "libexo-int.h"

int
exo_block_alloc(struct exo *e, struct exo_cap *caps, unsigned n)
{
	unsigned char		buf[sizeof(struct exo_frame_alloc_reply) +
				    EXO_BATCH_MAX * sizeof(struct exo_cap)];
	struct exo_frame_alloc_reply rep;
	struct exo_block_alloc	req;
	size_t			len;
	int			error;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (caps == NULL || n == 0 || n > EXO_BATCH_MAX)
		return (-EXO_EINVAL);
	req.count = n;
	req.flags = 0;
	error = exo_request(e, EXO_MSG_BLOCK_ALLOC, &req, sizeof req, buf,
	    sizeof buf, &len, NULL, 0, NULL);
	if (error != 0)
		return (error);
	memcpy(&rep, buf, sizeof rep);
	if (len != sizeof rep + n * sizeof caps[0] || rep.count != n)
		return (-EXO_EPROTO);
	memcpy(caps, buf + sizeof rep, n * sizeof caps[0]);
	return (0);
}

int
exo_block_free(struct exo *e, const struct exo_cap *caps, unsigned n)
{
	unsigned char		buf[sizeof(struct exo_frame_free) +
				    EXO_BATCH_MAX * sizeof(struct exo_cap)];
	struct exo_frame_free	req;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (caps == NULL || n == 0 || n > EXO_BATCH_MAX)
		return (-EXO_EINVAL);
	req.count = n;
	req.reserved = 0;
	memcpy(buf, &req, sizeof req);
	memcpy(buf + sizeof req, caps, n * sizeof caps[0]);
	return (exo_request(e, EXO_MSG_BLOCK_FREE, buf, sizeof req +
	    n * sizeof caps[0], NULL, 0, NULL, NULL, 0, NULL));
}

/* Capabilities for the blocks this libOS owns, from the start-th on. */
int
exo_block_list(struct exo *e, uint32_t start, struct exo_cap *caps,
    unsigned max, unsigned *n, uint32_t *total)
{
	unsigned char			buf[sizeof(struct exo_block_list_reply) +
					    EXO_BATCH_MAX * sizeof(struct exo_cap)];
	struct exo_block_list_reply	rep;
	struct exo_block_list		req;
	size_t				len;
	int				error;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (caps == NULL || n == NULL)
		return (-EXO_EINVAL);
	req.start = start;
	req.reserved = 0;
	error = exo_request(e, EXO_MSG_BLOCK_LIST, &req, sizeof req, buf,
	    sizeof buf, &len, NULL, 0, NULL);
	if (error != 0)
		return (error);
	memcpy(&rep, buf, sizeof rep);
	if (rep.count > EXO_BATCH_MAX ||
	    len != sizeof rep + rep.count * sizeof caps[0])
		return (-EXO_EPROTO);
	*n = rep.count < max ? rep.count : max;
	memcpy(caps, buf + sizeof rep, *n * sizeof caps[0]);
	if (total != NULL)
		*total = rep.total;
	return (0);
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
