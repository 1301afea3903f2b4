/*
 * req_frame.c - FRAME_ALLOC and FRAME_FREE: binding physical memory.
 */
#include "config.h"

#include <string.h>

#include "exod.h"

/* Bind n frames to p and answer h: the caps, and the descriptors. */
void
frame_alloc_reply(struct peer *p, const struct exo_hdr *h, unsigned n)
{
	struct exo_cap	caps[EXO_BATCH_MAX];
	int		fds[EXO_BATCH_MAX];
	int		status;

	if ((status = frame_bind(p, n, caps, fds)) != 0) {
		peer_reply(p, h, status, NULL, 0, NULL, 0);
		return;
	}
	/* The descriptors are exod's to close once sent (peer_send). */
	dispatch_reply_caps(p, h, caps, n, fds, n);
}

static void
frame_alloc_handle(struct peer *p, const struct exo_hdr *h,
    const void *payload)
{
	struct exo_frame_alloc	req;

	memcpy(&req, payload, sizeof req);
	if (req.count == 0 || req.count > EXO_BATCH_MAX || req.flags != 0) {
		peer_reply(p, h, -EXO_EINVAL, NULL, 0, NULL, 0);
		return;
	}
	/*
	 * Free frames promised to waiting allocations are not there to
	 * take.  Short of frames: revoke for it, if it is to be honoured.
	 */
	if (req.count <= revoke_spare())
		frame_alloc_reply(p, h, req.count);
	else if (revoke_for_alloc(p, h, req.count) != 0)
		peer_reply(p, h, -EXO_ENOMEM, NULL, 0, NULL, 0);
	/* else: answered when the frames are back */
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
	struct exo_cap	caps[EXO_BATCH_MAX];
	uint32_t	n;
	int		status;

	status = dispatch_caps(h, payload, EXO_BATCH_MAX, 0, caps, &n, NULL);
	if (status == 0)
		status = frame_release(p, caps, n);
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
