/*
 * req_status.c - STATUS: what exod has bound to whom, for exoctl.
 *
 * exod serves up to EXOD_PEERS_MAX libOSes, more records than one message
 * holds, so the reply is a page: the libOSes from a given id on, in id
 * order (the order of the peer list, since ids only grow).  A libOS that
 * lives through a walk over the pages is listed exactly once.
 */
#include "config.h"

#include <string.h>

#include "exod.h"

#define STATUS_PAGE	EXO_STATUS_PAGE(sizeof(struct exo_status_peer))

_Static_assert(sizeof(struct exo_status_reply) + STATUS_PAGE *
    sizeof(struct exo_status_peer) <= EXO_MSG_MAX - sizeof(struct exo_hdr),
    "a page of STATUS fits in one message");
_Static_assert(sizeof(struct exo_hdr) == 16 &&
    sizeof(struct exo_status_reply) == 16, "EXO_STATUS_PAGE's arithmetic");

static void
status_cpu(struct exo_status_peer *sp, const struct peer *q)
{
	const struct sched_peer	*c = &q->cpu;

	sp->slots = c->slots;
	sp->state = (c->waiting ? EXO_PEER_WAITING : 0) |
	    (c->call_target != NULL ? EXO_PEER_INCALL : 0) |
	    (c->state == SCHED_RUNNING || c->state == SCHED_SAVING ?
	    EXO_PEER_RUNNING : 0);
	sp->entries = c->entries;
	sp->events_queued = c->ev_count;
	sp->quanta = c->quanta;
	sp->cpu_ns = c->cpu_ns;
	if (c->state == SCHED_RUNNING || c->state == SCHED_SAVING)
		sp->cpu_ns += sched_now() - c->run_start_ns;
	sp->overruns = c->overruns;
	sp->penalty_ns = c->penalty_ns;
	sp->events = c->events;
	sp->events_dropped = c->events_dropped;
}

/* The libOS's own counters: copied for display, never acted on. */
static void
status_memory(struct exo_status_peer *sp, const struct peer *q)
{
	struct exo_stats	st;

	if (q->stats == NULL)
		return;
	memcpy(&st, q->stats, sizeof st);
	sp->traps = st.traps;
	sp->tlb_misses = st.tlb_misses;
	sp->tlb_installs = st.tlb_installs;
	sp->tlb_evictions = st.tlb_evictions;
	sp->stlb_saves = st.stlb_saves;
	sp->stlb_preloads = st.stlb_preloads;
	sp->stlb_hits = st.stlb_hits;
}

static void
status_handle(struct peer *p, const struct exo_hdr *h, const void *payload)
{
	struct {
		struct exo_status_reply	hdr;
		struct exo_status_peer	peer[STATUS_PAGE];
	}			 rep;
	struct exo_status_req	 req;
	struct exo_status_peer	*sp;
	struct peer		*q;
	uint32_t		 n = 0;

	memset(&req, 0, sizeof req);
	if (h->len == sizeof req)
		memcpy(&req, payload, sizeof req);
	else if (h->len != 0) {
		peer_reply(p, h, -EXO_EPROTO, NULL, 0, NULL, 0);
		return;
	}
	if (req.reserved != 0) {
		peer_reply(p, h, -EXO_EINVAL, NULL, 0, NULL, 0);
		return;
	}
	memset(&rep, 0, sizeof rep);
	TAILQ_FOREACH(q, &peers, entry) {
		if (!(q->flags & PEER_HELLO) || (q->flags & PEER_CONTROL) ||
		    q->libos < req.start)
			continue;
		if (n == STATUS_PAGE)
			break;
		sp = &rep.peer[n++];
		sp->libos = q->libos;
		sp->pid = q->pid;
		sp->uid = q->uid;
		sp->frames = q->frames;
		memcpy(sp->name, q->name, sizeof sp->name);
		status_cpu(sp, q);
		status_memory(sp, q);
		sp->revocations = q->revocations;
		sp->aborts = q->aborts;
		sp->blocks = q->blocks;
		sp->tiles = q->tiles;
		sp->grants_out = q->grants_out;
		sp->grants_in = q->grants_in;
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
	.maxlen = sizeof(struct exo_status_req),
	.flags = REQ_VARLEN,
	.handle = status_handle,
};
