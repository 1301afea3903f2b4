/*
 * history.c - what happened lately: revocations, aborts and protected
 * calls, in a ring of the last EXO_HISTORY_MAX, for live views (HISTORY).
 *
 * Recording is one store of a small record: cheap enough to sit on the
 * protected-call path.  Nothing here is ever acted on.
 */
#include "config.h"

#include <string.h>

#include "exod.h"

static struct exo_history_entry	history[EXO_HISTORY_MAX];
static uint64_t			history_seq;	/* of the newest record */

void
history_add(uint32_t kind, uint32_t from, uint32_t to, uint32_t res,
    uint32_t count, int32_t status)
{
	struct exo_history_entry	*h;

	h = &history[history_seq % EXO_HISTORY_MAX];
	h->seq = ++history_seq;
	h->time_ns = sched_now();
	h->kind = kind;
	h->from = from;
	h->to = to;
	h->res = res;
	h->count = count;
	h->status = status;
}

/* The records newer than after, oldest first; their number. */
static unsigned
history_since(uint64_t after, struct exo_history_entry *out)
{
	uint64_t	first, s;
	unsigned	n = 0;

	first = history_seq > EXO_HISTORY_MAX ? history_seq -
	    EXO_HISTORY_MAX + 1 : 1;
	if (after + 1 > first)
		first = after + 1;
	for (s = first; s <= history_seq; s++)
		out[n++] = history[(s - 1) % EXO_HISTORY_MAX];
	return (n);
}

static void
history_handle(struct peer *p, const struct exo_hdr *h, const void *payload)
{
	struct {
		struct exo_history_reply	hdr;
		struct exo_history_entry	ent[EXO_HISTORY_MAX];
	}			rep;
	struct exo_history_req	req;

	memcpy(&req, payload, sizeof req);
	memset(&rep.hdr, 0, sizeof rep.hdr);
	rep.hdr.count = history_since(req.after, rep.ent);
	rep.hdr.last = history_seq;
	peer_reply(p, h, 0, &rep, sizeof rep.hdr + rep.hdr.count *
	    sizeof rep.ent[0], NULL, 0);
}

const struct exod_req req_history = {
	.type = EXO_MSG_HISTORY,
	.name = "history",
	.minlen = sizeof(struct exo_history_req),
	.handle = history_handle,
};
