/*
 * req_slot.c - SLOT_CLAIM, SLOT_RELEASE and SLOTS: binding the CPU's time.
 */
#include "config.h"

#include <string.h>

#include "exod.h"

static void
slot_claim_handle(struct peer *p, const struct exo_hdr *h, const void *payload)
{
	struct exo_cap		caps[EXO_SLOTS_MAX];
	struct exo_slot_claim	req;
	unsigned		n = 0;
	int			status;

	memcpy(&req, payload, sizeof req);
	if (req.flags & ~(uint32_t)EXO_SLOT_BYPOS)
		status = -EXO_EINVAL;
	else if (req.flags & EXO_SLOT_BYPOS)
		status = req.count != 0 ? -EXO_EINVAL :
		    sched_claim(p, 0, req.mask, caps, &n);
	else if (req.count == 0 || req.count > sched_conf.nslots)
		status = -EXO_EINVAL;
	else
		status = sched_claim(p, req.count, NULL, caps, &n);
	if (status != 0) {
		peer_reply(p, h, status, NULL, 0, NULL, 0);
		return;
	}
	dispatch_reply_caps(p, h, caps, n, NULL, 0);
}

const struct exod_req req_slot_claim = {
	.type = EXO_MSG_SLOT_CLAIM,
	.name = "slot-claim",
	.minlen = sizeof(struct exo_slot_claim),
	.flags = REQ_LIBOS,
	.handle = slot_claim_handle,
};

static void
slot_release_handle(struct peer *p, const struct exo_hdr *h,
    const void *payload)
{
	struct exo_cap	caps[EXO_SLOTS_MAX];
	uint32_t	n;
	int		status;

	status = dispatch_caps(h, payload, EXO_SLOTS_MAX, 0, caps, &n, NULL);
	if (status == 0)
		status = sched_release(p, caps, n);
	peer_reply(p, h, status, NULL, 0, NULL, 0);
}

const struct exod_req req_slot_release = {
	.type = EXO_MSG_SLOT_RELEASE,
	.name = "slot-release",
	.minlen = sizeof(struct exo_slot_release),
	.maxlen = sizeof(struct exo_slot_release) +
	    EXO_SLOTS_MAX * sizeof(struct exo_cap),
	.flags = REQ_LIBOS | REQ_VARLEN,
	.handle = slot_release_handle,
};

static void
slots_handle(struct peer *p, const struct exo_hdr *h, const void *payload)
{
	unsigned char	buf[sizeof(struct exo_slots_reply) +
			    EXO_SLOTS_MAX * sizeof(uint32_t)];
	int		len;

	len = sched_slots_reply(buf, sizeof buf);
	peer_reply(p, h, 0, buf, (size_t)len, NULL, 0);
}

const struct exod_req req_slots = {
	.type = EXO_MSG_SLOTS,
	.name = "slots",
	.minlen = 0,
	.handle = slots_handle,
};
