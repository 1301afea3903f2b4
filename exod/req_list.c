/*
 * req_list.c - the shape every *_LIST request shares (BLOCK_LIST,
 * NET_FILTER_LIST): a start index in, one page of the libOS's
 * capabilities and the total it holds out (exo-protocol(7)).
 */
#include "config.h"

#include <string.h>

#include "exod.h"

/* Answer a list request from list(), which pages what p holds. */
void
req_list_reply(struct peer *p, const struct exo_hdr *h, const void *payload,
    req_list_fn list)
{
	unsigned char			buf[sizeof(struct exo_block_list_reply) +
					    EXO_BATCH_MAX * sizeof(struct exo_cap)];
	struct exo_block_list_reply	rep;
	struct exo_block_list		req;
	struct exo_cap			caps[EXO_BATCH_MAX];

	memcpy(&req, payload, sizeof req);
	if (req.reserved != 0) {
		peer_reply(p, h, -EXO_EINVAL, NULL, 0, NULL, 0);
		return;
	}
	rep.count = list(p, req.start, caps, EXO_BATCH_MAX, &rep.total);
	memcpy(buf, &rep, sizeof rep);
	memcpy(buf + sizeof rep, caps, rep.count * sizeof caps[0]);
	peer_reply(p, h, 0, buf, sizeof rep + rep.count * sizeof caps[0],
	    NULL, 0);
}
