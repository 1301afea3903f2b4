/*
 * req_callchan.c - CHAN_BIND, CHAN_ACCEPT and CHAN_CLOSE: binding the
 * call channels that then carry protected calls without exod.
 */
#include "config.h"

#include <string.h>

#include "exod.h"

static void
chan_bind_handle(struct peer *p, const struct exo_hdr *h, const void *payload)
{
	struct exo_chan_bind	req;
	struct exo_chan_reply	r;
	int			fds[2], status;

	memcpy(&req, payload, sizeof req);
	if (req.flags != 0)
		status = -EXO_EINVAL;
	else
		status = callchan_bind(p, req.target, &r, &fds[0], &fds[1]);
	if (status != 0) {
		peer_reply(p, h, status, NULL, 0, NULL, 0);
		return;
	}
	/* The descriptors are exod's to close once sent (peer_send). */
	peer_reply(p, h, 0, &r, sizeof r, fds, 2);
}

const struct exod_req req_chan_bind = {
	.type = EXO_MSG_CHAN_BIND,
	.name = "chan-bind",
	.minlen = sizeof(struct exo_chan_bind),
	.flags = REQ_LIBOS,
	.handle = chan_bind_handle,
};

static void
chan_accept_handle(struct peer *p, const struct exo_hdr *h,
    const void *payload)
{
	struct exo_chan_req	req;
	struct exo_chan_reply	r;
	int			fd, status;

	memcpy(&req, payload, sizeof req);
	if ((status = callchan_accept(p, &req.cap, &r, &fd)) != 0) {
		peer_reply(p, h, status, NULL, 0, NULL, 0);
		return;
	}
	peer_reply(p, h, 0, &r, sizeof r, &fd, 1);
}

const struct exod_req req_chan_accept = {
	.type = EXO_MSG_CHAN_ACCEPT,
	.name = "chan-accept",
	.minlen = sizeof(struct exo_chan_req),
	.flags = REQ_LIBOS,
	.handle = chan_accept_handle,
};

static void
chan_close_handle(struct peer *p, const struct exo_hdr *h, const void *payload)
{
	struct exo_chan_req	req;

	memcpy(&req, payload, sizeof req);
	peer_reply(p, h, callchan_unbind(p, &req.cap), NULL, 0, NULL, 0);
}

const struct exod_req req_chan_close = {
	.type = EXO_MSG_CHAN_CLOSE,
	.name = "chan-close",
	.minlen = sizeof(struct exo_chan_req),
	.flags = REQ_LIBOS,
	.handle = chan_close_handle,
};
