/*
 * req_null.c - NULL: the cheapest round trip through exod, for measuring.
 */
#include "config.h"

#include "exod.h"

static void
null_handle(struct peer *p, const struct exo_hdr *h, const void *payload)
{
	peer_reply(p, h, 0, NULL, 0, NULL, 0);
}

const struct exod_req req_null = {
	.type = EXO_MSG_NULL,
	.name = "null",
	.minlen = 0,
	.handle = null_handle,
};
