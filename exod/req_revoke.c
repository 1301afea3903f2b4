/*
 * req_revoke.c - REVOKE (administration), AUTOSAVE and PROTECT: taking
 * resources back, and what a libOS arranges ahead of that.
 */
#include "config.h"

#include <string.h>

#include "exod.h"

static void
revoke_handle(struct peer *p, const struct exo_hdr *h, const void *payload)
{
	struct exo_revoke	req;

	memcpy(&req, payload, sizeof req);
	revoke_request(p, h, &req);	/* answered when it is over */
}

const struct exod_req req_revoke = {
	.type = EXO_MSG_REVOKE,
	.name = "revoke",
	.minlen = sizeof(struct exo_revoke),
	.flags = REQ_CONTROL,
	.handle = revoke_handle,
};

/* Seed (or clear) autosave for frames: all checked, then all set. */
static void
autosave_handle(struct peer *p, const struct exo_hdr *h, const void *payload)
{
	struct exo_autosave		req;
	struct exo_autosave_pair	pairs[EXO_BATCH_MAX];
	unsigned			i;
	int				status = 0, clear;

	memcpy(&req, payload, sizeof req);
	clear = (req.flags & EXO_AUTOSAVE_CLEAR) != 0;
	if (req.count == 0 || req.count > EXO_BATCH_MAX ||
	    (req.flags & ~(uint32_t)EXO_AUTOSAVE_CLEAR) != 0)
		status = -EXO_EINVAL;
	else if (h->len != sizeof req + req.count * sizeof pairs[0])
		status = -EXO_EPROTO;
	if (status == 0) {
		memcpy(pairs, (const unsigned char *)payload + sizeof req,
		    req.count * sizeof pairs[0]);
		for (i = 0; i < req.count && status == 0; i++) {
			status = frame_check(p, &pairs[i].frame, 0);
			if (status == 0 && !clear)
				status = disk_check(p, &pairs[i].block,
				    EXO_RIGHT_WRITE);
		}
	}
	if (status == 0)
		for (i = 0; i < req.count; i++)
			frame_set_autosave((uint32_t)pairs[i].frame.id, clear ?
			    EXO_NO_BLOCK : pairs[i].block.id);
	peer_reply(p, h, status, NULL, 0, NULL, 0);
}

const struct exod_req req_autosave = {
	.type = EXO_MSG_AUTOSAVE,
	.name = "autosave",
	.minlen = sizeof(struct exo_autosave),
	.maxlen = sizeof(struct exo_autosave) +
	    EXO_BATCH_MAX * sizeof(struct exo_autosave_pair),
	.flags = REQ_LIBOS | REQ_VARLEN,
	.handle = autosave_handle,
};

/* Put frames in (or take them out of) the protected minimum. */
static void
protect_handle(struct peer *p, const struct exo_hdr *h, const void *payload)
{
	struct exo_cap	caps[EXO_BATCH_MAX];
	uint32_t	n, flags = 0;
	unsigned	i, j, adding = 0;
	int		status, on;

	status = dispatch_caps(h, payload, EXO_BATCH_MAX, EXO_PROTECT_CLEAR,
	    caps, &n, &flags);
	on = !(flags & EXO_PROTECT_CLEAR);
	if (status == 0) {
		for (i = 0; i < n && status == 0; i++) {
			status = frame_check(p, &caps[i], 0);
			for (j = 0; j < i && status == 0; j++)
				if (caps[j].id == caps[i].id)
					status = -EXO_EINVAL;
			if (status == 0 && on &&
			    !frame_protected((uint32_t)caps[i].id)) {
				if (frame_rev((uint32_t)caps[i].id) != NULL)
					status = -EXO_EREVOKING;
				adding++;
			}
		}
		/* All or none: the whole request must fit the minimum. */
		if (status == 0 && on && p->protected_frames + adding >
		    revoke_protected_max)
			status = -EXO_ELIMIT;
	}
	if (status == 0)
		for (i = 0; i < n; i++)
			(void)frame_protect(p, (uint32_t)caps[i].id, on,
			    revoke_protected_max);
	peer_reply(p, h, status, NULL, 0, NULL, 0);
}

const struct exod_req req_protect = {
	.type = EXO_MSG_PROTECT,
	.name = "protect",
	.minlen = sizeof(struct exo_protect),
	.maxlen = sizeof(struct exo_protect) +
	    EXO_BATCH_MAX * sizeof(struct exo_cap),
	.flags = REQ_LIBOS | REQ_VARLEN,
	.handle = protect_handle,
};
