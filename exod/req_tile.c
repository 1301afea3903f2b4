/*
 * req_tile.c - TILE_ALLOC, TILE_FREE, DISPLAY_INFO and DISPLAY_SNAP: the
 * display and its tiles.
 */
#include "config.h"

#include <string.h>

#include "exod.h"

_Static_assert(sizeof(struct exo_display_snap) + EXO_TILES_MAX *
    sizeof(uint32_t) <= EXO_MSG_MAX - sizeof(struct exo_hdr),
    "a DISPLAY_SNAP reply for the largest display fits in one message");

static void
tile_alloc_handle(struct peer *p, const struct exo_hdr *h,
    const void *payload)
{
	struct exo_tile_alloc	req;
	struct exo_cap		caps[EXO_BATCH_MAX];
	int			fds[EXO_BATCH_MAX];
	unsigned		n;
	int			status;

	memcpy(&req, payload, sizeof req);
	if ((status = tile_bind(p, &req, caps, fds, &n)) != 0) {
		peer_reply(p, h, status, NULL, 0, NULL, 0);
		return;
	}
	/* The descriptors are exod's to close once sent (peer_send). */
	dispatch_reply_caps(p, h, caps, n, fds, n);
}

const struct exod_req req_tile_alloc = {
	.type = EXO_MSG_TILE_ALLOC,
	.name = "tile-alloc",
	.minlen = sizeof(struct exo_tile_alloc),
	.flags = REQ_LIBOS,
	.handle = tile_alloc_handle,
};

static void
tile_free_handle(struct peer *p, const struct exo_hdr *h,
    const void *payload)
{
	struct exo_cap	caps[EXO_BATCH_MAX];
	uint32_t	n;
	int		status;

	status = dispatch_caps(h, payload, EXO_BATCH_MAX, 0, caps, &n, NULL);
	if (status == 0)
		status = tile_release(p, caps, n);
	peer_reply(p, h, status, NULL, 0, NULL, 0);
}

const struct exod_req req_tile_free = {
	.type = EXO_MSG_TILE_FREE,
	.name = "tile-free",
	.minlen = 8,
	.maxlen = 8 + EXO_BATCH_MAX * sizeof(struct exo_cap),
	.flags = REQ_LIBOS | REQ_VARLEN,
	.handle = tile_free_handle,
};

static void
display_info_handle(struct peer *p, const struct exo_hdr *h,
    const void *payload)
{
	struct exo_display_info	info;
	int			status;

	status = tile_info(&info);
	peer_reply(p, h, status, &info, sizeof info, NULL, 0);
}

const struct exod_req req_display_info = {
	.type = EXO_MSG_DISPLAY_INFO,
	.name = "display-info",
	.minlen = 0,
	.handle = display_info_handle,
};

/*
 * The composed display goes to control peers only, of any uid, as a
 * screen shows itself to whoever is in the room; a libOS sees only the
 * tiles bound to it.
 */
static void
display_snap_handle(struct peer *p, const struct exo_hdr *h,
    const void *payload)
{
	struct {
		struct exo_display_snap	hdr;
		uint32_t		owner[EXO_TILES_MAX];
	}		rep;
	int		fd, status;

	if (!(p->flags & PEER_CONTROL)) {
		peer_reply(p, h, -EXO_EPERM, NULL, 0, NULL, 0);
		return;
	}
	memset(&rep.hdr, 0, sizeof rep.hdr);
	if ((status = tile_snap(&rep.hdr, rep.owner, &fd)) != 0) {
		peer_reply(p, h, status, NULL, 0, NULL, 0);
		return;
	}
	peer_reply(p, h, 0, &rep, sizeof rep.hdr + (size_t)rep.hdr.info.cols *
	    rep.hdr.info.rows * sizeof rep.owner[0], &fd, 1);
}

const struct exod_req req_display_snap = {
	.type = EXO_MSG_DISPLAY_SNAP,
	.name = "display-snap",
	.minlen = 0,
	.handle = display_snap_handle,
};
