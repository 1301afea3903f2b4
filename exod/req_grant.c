/*
 * req_grant.c - CAP_DERIVE, CAP_GRANT, GRANT_REVOKE and FRAME_OPEN:
 * capabilities that only shrink, and sharing on the owner's terms.
 */
#include "config.h"

#include <string.h>

#include "exod.h"

static void
cap_derive_handle(struct peer *p, const struct exo_hdr *h,
    const void *payload)
{
	struct exo_cap_derive	req;
	struct exo_cap		out;
	int			status;

	memcpy(&req, payload, sizeof req);
	status = grant_derive(p, &req.cap, req.rights, req.flags, &out);
	if (status != 0)
		peer_reply(p, h, status, NULL, 0, NULL, 0);
	else
		peer_reply(p, h, 0, &out, sizeof out, NULL, 0);
}

const struct exod_req req_cap_derive = {
	.type = EXO_MSG_CAP_DERIVE,
	.name = "cap-derive",
	.minlen = sizeof(struct exo_cap_derive),
	.flags = REQ_LIBOS,
	.handle = cap_derive_handle,
};

static void
cap_grant_handle(struct peer *p, const struct exo_hdr *h,
    const void *payload)
{
	struct exo_cap_grant	req;
	struct exo_cap		out;
	int			status;

	memcpy(&req, payload, sizeof req);
	if ((status = grant_make(p, &req, &out)) != 0)
		peer_reply(p, h, status, NULL, 0, NULL, 0);
	else
		peer_reply(p, h, 0, &out, sizeof out, NULL, 0);
}

const struct exod_req req_cap_grant = {
	.type = EXO_MSG_CAP_GRANT,
	.name = "cap-grant",
	.minlen = sizeof(struct exo_cap_grant),
	.flags = REQ_LIBOS,
	.handle = cap_grant_handle,
};

static void
grant_revoke_handle(struct peer *p, const struct exo_hdr *h,
    const void *payload)
{
	struct exo_grant_revoke	req;
	struct exo_cap		frame;
	int			fd, status;

	memcpy(&req, payload, sizeof req);
	if ((status = grant_revoke(p, &req.cap, &frame, &fd)) != 0)
		peer_reply(p, h, status, NULL, 0, NULL, 0);
	else if (fd == -1)
		peer_reply(p, h, 0, NULL, 0, NULL, 0);
	else	/* the descriptor is exod's to close once sent */
		peer_reply(p, h, 0, &frame, sizeof frame, &fd, 1);
}

const struct exod_req req_grant_revoke = {
	.type = EXO_MSG_GRANT_REVOKE,
	.name = "grant-revoke",
	.minlen = sizeof(struct exo_grant_revoke),
	.flags = REQ_LIBOS,
	.handle = grant_revoke_handle,
};

static void
frame_open_handle(struct peer *p, const struct exo_hdr *h,
    const void *payload)
{
	struct exo_frame_open	req;
	int			fd, status;

	memcpy(&req, payload, sizeof req);
	if ((status = grant_open(p, &req.cap, &fd)) != 0)
		peer_reply(p, h, status, NULL, 0, NULL, 0);
	else
		peer_reply(p, h, 0, NULL, 0, &fd, 1);
}

const struct exod_req req_frame_open = {
	.type = EXO_MSG_FRAME_OPEN,
	.name = "frame-open",
	.minlen = sizeof(struct exo_frame_open),
	.flags = REQ_LIBOS,
	.handle = frame_open_handle,
};
