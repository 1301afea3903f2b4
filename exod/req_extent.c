/*
 * req_extent.c - EXTENT: binding frames as extents, listing their
 * capabilities, and freeing them.
 */
#include "config.h"

#include <string.h>

#include "exod.h"

static void
extent_handle(struct peer *p, const struct exo_hdr *h, const void *payload)
{
	struct exo_extent_req	req;
	struct {
		struct exo_extent_reply	r;
		struct exo_cap		caps[EXO_EXTENT_PAGE];
	}			rep;
	int			fd = -1, status;

	memcpy(&req, payload, sizeof req);
	if (req.reserved != 0)
		status = -EXO_EINVAL;
	else if (req.op == EXO_EXTENT_ALLOC)
		status = req.extent != 0 || req.start != 0 ? -EXO_EINVAL :
		    extent_alloc(p, req.count, &rep.r, rep.caps, &fd);
	else if (req.op == EXO_EXTENT_CAPS)
		status = req.count != 0 ? -EXO_EINVAL :
		    extent_caps(p, req.extent, req.start, &rep.r, rep.caps);
	else if (req.op == EXO_EXTENT_FREE)
		status = req.count != 0 || req.start != 0 ? -EXO_EINVAL :
		    extent_free(p, req.extent, &rep.r);
	else
		status = -EXO_EINVAL;
	if (status != 0) {
		peer_reply(p, h, status, NULL, 0, NULL, 0);
		return;
	}
	/* The descriptor, ALLOC's, is exod's to close once sent. */
	peer_reply(p, h, 0, &rep, sizeof rep.r + rep.r.ncaps *
	    sizeof rep.caps[0], fd == -1 ? NULL : &fd, fd == -1 ? 0 : 1);
}

const struct exod_req req_extent = {
	.type = EXO_MSG_EXTENT,
	.name = "extent",
	.minlen = sizeof(struct exo_extent_req),
	.flags = REQ_LIBOS,
	.handle = extent_handle,
};
