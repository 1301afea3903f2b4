/*
 * req_stlb.c - STLB_SET: a libOS names its guaranteed mappings.
 *
 * The entries replace the libOS's software TLB, all or none.  Every one
 * is checked as a frame capability presented with the rights the mapping
 * asks for (frame_check: MAC, owner, frame, generation, rights), and its
 * address must be page-aligned.  exod does not know the libOS's address
 * space, so it cannot check that the address lies in it: libexo ignores
 * entries outside its region.  Accepted entries are published in the
 * exposed state, where libexo reads them at every switch-in and miss; an
 * entry goes away by itself when its frame is unbound (expose.c).
 */
#include "config.h"

#include <string.h>

#include "exod.h"

static int
stlb_check(struct peer *p, const struct exo_stlb_set *req, const void *ents,
    struct exo_stlb_entry *out)
{
	struct exo_stlb_req	r;
	unsigned		i, j;
	int			error;

	for (i = 0; i < req->count; i++) {
		memcpy(&r, (const unsigned char *)ents + i * sizeof r,
		    sizeof r);
		if (r.reserved != 0 || (r.va & (EXO_FRAME_SIZE - 1)) != 0 ||
		    r.rights == 0 || (r.rights & ~(uint32_t)EXO_RIGHTS_ALL))
			return (-EXO_EINVAL);
		if ((error = frame_check(p, &r.cap, r.rights)) != 0)
			return (error);
		for (j = 0; j < i; j++)
			if (out[j].va == r.va)
				return (-EXO_EINVAL);
		memset(&out[i], 0, sizeof out[i]);
		out[i].va = r.va;
		out[i].frame = r.cap.id;
		out[i].gen = r.cap.gen;
		out[i].rights = r.rights;
	}
	return (0);
}

static void
stlb_set_handle(struct peer *p, const struct exo_hdr *h, const void *payload)
{
	struct exo_stlb_entry	ents[EXO_STLB_MAX];
	struct exo_stlb_set	req;
	int			status;

	memcpy(&req, payload, sizeof req);
	if (req.count > EXO_STLB_MAX || req.reserved != 0)
		status = -EXO_EINVAL;
	else if (h->len != sizeof req + req.count *
	    sizeof(struct exo_stlb_req))
		status = -EXO_EPROTO;
	else if (p->expose == NULL)
		status = -EXO_ESTATE;
	else if ((status = stlb_check(p, &req,
	    (const unsigned char *)payload + sizeof req, ents)) == 0)
		expose_stlb_set(p, ents, req.count);
	peer_reply(p, h, status, NULL, 0, NULL, 0);
}

const struct exod_req req_stlb_set = {
	.type = EXO_MSG_STLB_SET,
	.name = "stlb-set",
	.minlen = sizeof(struct exo_stlb_set),
	.maxlen = sizeof(struct exo_stlb_set) +
	    EXO_STLB_MAX * sizeof(struct exo_stlb_req),
	.flags = REQ_LIBOS | REQ_VARLEN,
	.handle = stlb_set_handle,
};
