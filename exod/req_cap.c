/*
 * req_cap.c - CAP_CHECK: would exod accept this capability from me now?
 */
#include "config.h"

#include <string.h>

#include "exod.h"

static void
cap_check_handle(struct peer *p, const struct exo_hdr *h, const void *payload)
{
	struct exo_cap_check	req;
	int			status;

	memcpy(&req, payload, sizeof req);
	if ((req.rights & ~(uint32_t)EXO_RIGHTS_ALL) != 0 || req.reserved != 0)
		status = -EXO_EINVAL;
	else if (req.cap.type == EXO_RES_BLOCK ||
	    (req.cap.flags & EXO_CAP_GRANTED))
		status = grant_check_use(p, &req.cap, req.cap.type,
		    req.rights);
	else if (req.cap.type == EXO_RES_TILE)
		status = tile_check(p, &req.cap, req.rights);
	else if (req.cap.type == EXO_RES_SLOT)
		status = sched_check(p, &req.cap, req.rights);
	else
		status = frame_check(p, &req.cap, req.rights);
	peer_reply(p, h, status, NULL, 0, NULL, 0);
}

const struct exod_req req_cap_check = {
	.type = EXO_MSG_CAP_CHECK,
	.name = "cap-check",
	.minlen = sizeof(struct exo_cap_check),
	.handle = cap_check_handle,
};
