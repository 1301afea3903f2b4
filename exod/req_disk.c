/*
 * req_disk.c - BLOCK_ALLOC, BLOCK_FREE, BLOCK_LIST, DISK_IO, DISK_FLUSH
 * and DISK_INFO: binding disk blocks and moving data through them.
 */
#include "config.h"

#include <string.h>

#include "exod.h"

static void
block_alloc_handle(struct peer *p, const struct exo_hdr *h,
    const void *payload)
{
	struct exo_block_alloc	 req;
	struct exo_cap		 caps[EXO_BATCH_MAX];
	int			 status;

	memcpy(&req, payload, sizeof req);
	if (req.count == 0 || req.count > EXO_BATCH_MAX ||
	    (req.flags & ~(uint32_t)EXO_BLOCK_SCRATCH) != 0)
		status = -EXO_EINVAL;
	else
		status = disk_alloc(p, req.count,
		    (req.flags & EXO_BLOCK_SCRATCH) != 0, caps);
	if (status != 0) {
		peer_reply(p, h, status, NULL, 0, NULL, 0);
		return;
	}
	dispatch_reply_caps(p, h, caps, req.count, NULL, 0);
}

const struct exod_req req_block_alloc = {
	.type = EXO_MSG_BLOCK_ALLOC,
	.name = "block-alloc",
	.minlen = sizeof(struct exo_block_alloc),
	.flags = REQ_LIBOS,
	.handle = block_alloc_handle,
};

static void
block_free_handle(struct peer *p, const struct exo_hdr *h,
    const void *payload)
{
	struct exo_cap	caps[EXO_BATCH_MAX];
	uint32_t	n;
	int		status;

	status = dispatch_caps(h, payload, EXO_BATCH_MAX, 0, caps, &n, NULL);
	if (status == 0) {
		status = disk_free(p, caps, n);
		revoke_settle();
	}
	peer_reply(p, h, status, NULL, 0, NULL, 0);
}

const struct exod_req req_block_free = {
	.type = EXO_MSG_BLOCK_FREE,
	.name = "block-free",
	.minlen = sizeof(struct exo_frame_free),
	.maxlen = sizeof(struct exo_frame_free) +
	    EXO_BATCH_MAX * sizeof(struct exo_cap),
	.flags = REQ_LIBOS | REQ_VARLEN,
	.handle = block_free_handle,
};

static void
block_list_handle(struct peer *p, const struct exo_hdr *h,
    const void *payload)
{
	req_list_reply(p, h, payload, disk_list);
}

const struct exod_req req_block_list = {
	.type = EXO_MSG_BLOCK_LIST,
	.name = "block-list",
	.minlen = sizeof(struct exo_block_list),
	.flags = REQ_LIBOS,
	.handle = block_list_handle,
};

static void
disk_io_handle(struct peer *p, const struct exo_hdr *h, const void *payload)
{
	struct exo_disk_io	req;
	struct exo_disk_pair	pairs[EXO_DISK_IO_MAX];
	int			status;

	memcpy(&req, payload, sizeof req);
	if ((req.op != EXO_DISK_READ && req.op != EXO_DISK_WRITE) ||
	    req.count == 0 || req.count > EXO_DISK_IO_MAX)
		status = -EXO_EINVAL;
	else if (h->len != sizeof req + req.count * sizeof pairs[0])
		status = -EXO_EPROTO;
	else {
		memcpy(pairs, (const unsigned char *)payload + sizeof req,
		    req.count * sizeof pairs[0]);
		status = disk_io(p, req.op, req.tag, pairs, req.count);
	}
	peer_reply(p, h, status, NULL, 0, NULL, 0);
}

const struct exod_req req_disk_io = {
	.type = EXO_MSG_DISK_IO,
	.name = "disk-io",
	.minlen = sizeof(struct exo_disk_io),
	.maxlen = sizeof(struct exo_disk_io) +
	    EXO_DISK_IO_MAX * sizeof(struct exo_disk_pair),
	.flags = REQ_LIBOS | REQ_VARLEN,
	.handle = disk_io_handle,
};

static void
disk_flush_handle(struct peer *p, const struct exo_hdr *h,
    const void *payload)
{
	disk_flush(p, h);	/* answered once durable */
}

const struct exod_req req_disk_flush = {
	.type = EXO_MSG_DISK_FLUSH,
	.name = "disk-flush",
	.minlen = 0,
	.flags = REQ_LIBOS,
	.handle = disk_flush_handle,
};

static void
disk_info_handle(struct peer *p, const struct exo_hdr *h, const void *payload)
{
	struct exo_disk_info	info;

	disk_info(&info);
	peer_reply(p, h, 0, &info, sizeof info, NULL, 0);
}

const struct exod_req req_disk_info = {
	.type = EXO_MSG_DISK_INFO,
	.name = "disk-info",
	.minlen = 0,
	.handle = disk_info_handle,
};
