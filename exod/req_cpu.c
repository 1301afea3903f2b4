/*
 * req_cpu.c - the processor environment's requests: ENTRY_SET,
 * EVENT_SEND, CALL and YIELD.
 */
#include "config.h"

#include <string.h>

#include "exod.h"

static void
entry_set_handle(struct peer *p, const struct exo_hdr *h, const void *payload)
{
	struct exo_entry_set	req;
	int			status = 0;

	memcpy(&req, payload, sizeof req);
	if ((req.entries & ~(uint32_t)EXO_ENTRY_ALL) != 0 || req.reserved != 0)
		status = -EXO_EINVAL;
	else
		p->cpu.entries = req.entries;
	peer_reply(p, h, status, NULL, 0, NULL, 0);
}

const struct exod_req req_entry_set = {
	.type = EXO_MSG_ENTRY_SET,
	.name = "entry-set",
	.minlen = sizeof(struct exo_entry_set),
	.flags = REQ_LIBOS,
	.handle = entry_set_handle,
};

static void
event_send_handle(struct peer *p, const struct exo_hdr *h, const void *payload)
{
	struct exo_event_send	 req;
	struct peer		*t;
	int			 status;

	memcpy(&req, payload, sizeof req);
	t = peer_find(req.target);
	if (req.reserved != 0)
		status = -EXO_EINVAL;
	else if (t == NULL || (t->flags & PEER_CONTROL))
		status = -EXO_ENOLIBOS;
	else
		status = event_post(t, p->libos, req.value);
	peer_reply(p, h, status, NULL, 0, NULL, 0);
}

const struct exod_req req_event_send = {
	.type = EXO_MSG_EVENT_SEND,
	.name = "event-send",
	.minlen = sizeof(struct exo_event_send),
	.flags = REQ_LIBOS,
	.handle = event_send_handle,
};

static void
call_handle(struct peer *p, const struct exo_hdr *h, const void *payload)
{
	struct exo_call	req;

	memcpy(&req, payload, sizeof req);
	if (req.len > EXO_CALL_MAX) {
		peer_reply(p, h, -EXO_EINVAL, NULL, 0, NULL, 0);
		return;
	}
	if (h->len != sizeof req + req.len) {
		peer_reply(p, h, -EXO_EPROTO, NULL, 0, NULL, 0);
		return;
	}
	call_start(p, h, req.target, (const unsigned char *)payload +
	    sizeof req, req.len);
}

const struct exod_req req_call = {
	.type = EXO_MSG_CALL,
	.name = "call",
	.minlen = sizeof(struct exo_call),
	.maxlen = sizeof(struct exo_call) + EXO_CALL_MAX,
	.flags = REQ_LIBOS | REQ_VARLEN,
	.handle = call_handle,
};

static void
yield_handle(struct peer *p, const struct exo_hdr *h, const void *payload)
{
	sched_relinquish(p, h);
}

const struct exod_req req_yield = {
	.type = EXO_MSG_YIELD,
	.name = "yield",
	.minlen = 0,
	.flags = REQ_LIBOS,
	.handle = yield_handle,
};
