/*
 * req_frame.c - FRAME_ALLOC and FRAME_FREE: binding physical memory.
 */
#include "config.h"

#include <string.h>

#include "exod.h"

static void
frame_alloc_handle(struct peer *p, const struct exo_hdr *h,
    const void *payload)
{
	struct {
		struct exo_frame_alloc_reply	hdr;
		struct exo_cap			caps[EXO_BATCH_MAX];
	}			rep;
	struct exo_frame_alloc	req;
	int			fds[EXO_BATCH_MAX];
	int			status;

	memcpy(&req, payload, sizeof req);
	if (req.count == 0 || req.count > EXO_BATCH_MAX || req.flags != 0) {
		peer_reply(p, h, -EXO_EINVAL, NULL, 0, NULL, 0);
		return;
	}
	if ((status = frame_bind(p, req.count, rep.caps, fds)) != 0) {
		peer_reply(p, h, status, NULL, 0, NULL, 0);
		return;
	}
	rep.hdr.count = req.count;
	rep.hdr.reserved = 0;
	/* The descriptors are exod's to close once sent (peer_send). */
	peer_reply(p, h, 0, &rep, sizeof rep.hdr + req.count *
	    sizeof rep.caps[0], fds, req.count);
}

const struct exod_req req_frame_alloc = {
	.type = EXO_MSG_FRAME_ALLOC,
	.name = "frame-alloc",
	.minlen = sizeof(struct exo_frame_alloc),
	.flags = REQ_LIBOS,
	.handle = frame_alloc_handle,
};

static void
frame_free_handle(struct peer *p, const struct exo_hdr *h,
    const void *payload)
{
	struct exo_frame_free	req;
	struct exo_cap		caps[EXO_BATCH_MAX];
	int			status;

	memcpy(&req, payload, sizeof req);
	if (req.count == 0 || req.count > EXO_BATCH_MAX || req.reserved != 0)
		status = -EXO_EINVAL;
	else if (h->len != sizeof req + req.count * sizeof caps[0])
		status = -EXO_EPROTO;
	else {
		memcpy(caps, (const unsigned char *)payload + sizeof req,
		    req.count * sizeof caps[0]);
		status = frame_release(p, caps, req.count);
	}
	peer_reply(p, h, status, NULL, 0, NULL, 0);
}

const struct exod_req req_frame_free = {
	.type = EXO_MSG_FRAME_FREE,
	.name = "frame-free",
	.minlen = sizeof(struct exo_frame_free),
	.maxlen = sizeof(struct exo_frame_free) +
	    EXO_BATCH_MAX * sizeof(struct exo_cap),
	.flags = REQ_LIBOS | REQ_VARLEN,
	.handle = frame_free_handle,
};
