/*
 * req_status.c - STATUS: what exod has bound to whom, for exoctl.
 */
#include "config.h"

#include <string.h>

#include "exod.h"

_Static_assert(sizeof(struct exo_status_reply) + EXOD_PEERS_MAX *
    sizeof(struct exo_status_peer) <= EXO_MSG_MAX - sizeof(struct exo_hdr),
    "a STATUS reply for every peer fits in one message");

static void
status_handle(struct peer *p, const struct exo_hdr *h, const void *payload)
{
	struct {
		struct exo_status_reply	hdr;
		struct exo_status_peer	peer[EXOD_PEERS_MAX];
	}			 rep;
	struct exo_status_peer	*sp;
	struct peer		*q;
	uint32_t		 n = 0;

	memset(&rep, 0, sizeof rep);
	TAILQ_FOREACH(q, &peers, entry) {
		if (!(q->flags & PEER_HELLO) || (q->flags & PEER_CONTROL))
			continue;
		sp = &rep.peer[n++];
		sp->libos = q->libos;
		sp->pid = q->pid;
		sp->uid = q->uid;
		sp->frames = q->frames;
		memcpy(sp->name, q->name, sizeof sp->name);
	}
	rep.hdr.frames_total = frame_total();
	rep.hdr.frames_free = frame_free_count();
	rep.hdr.npeers = n;
	rep.hdr.recsize = sizeof rep.peer[0];
	peer_reply(p, h, 0, &rep, sizeof rep.hdr + n * sizeof rep.peer[0],
	    NULL, 0);
}

const struct exod_req req_status = {
	.type = EXO_MSG_STATUS,
	.name = "status",
	.minlen = 0,
	.handle = status_handle,
};
