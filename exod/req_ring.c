/*
 * req_ring.c - DISK_RING_BIND and DISK_RING_UNBIND: binding the disk
 * ring (ring.c), the fast path beside DISK_IO.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "exod.h"

static void
disk_ring_bind_handle(struct peer *p, const struct exo_hdr *h,
    const void *payload)
{
	struct exo_disk_ring_bind	 req;
	struct exo_cap			 caps[EXO_DISK_RING_FRAMES(
					    EXO_DISK_RING_MAX)];
	int				 fds[2], status;

	memcpy(&req, payload, sizeof req);
	if (req.count == 0 || req.count > EXO_DISK_RING_FRAMES(
	    EXO_DISK_RING_MAX))
		status = -EXO_EINVAL;
	else if (h->len != sizeof req + req.count * sizeof caps[0])
		status = -EXO_EPROTO;
	else {
		memcpy(caps, (const unsigned char *)payload + sizeof req,
		    req.count * sizeof caps[0]);
		status = ring_bind(p, &req, caps, fds);
	}
	if (status != 0) {
		peer_reply(p, h, status, NULL, 0, NULL, 0);
		return;
	}
	/* peer_reply passes the descriptors on and closes them. */
	peer_reply(p, h, 0, NULL, 0, fds, 2);
}

const struct exod_req req_disk_ring_bind = {
	.type = EXO_MSG_DISK_RING_BIND,
	.name = "disk-ring-bind",
	.minlen = sizeof(struct exo_disk_ring_bind),
	.maxlen = sizeof(struct exo_disk_ring_bind) +
	    EXO_DISK_RING_FRAMES(EXO_DISK_RING_MAX) * sizeof(struct exo_cap),
	.flags = REQ_LIBOS | REQ_VARLEN,
	.handle = disk_ring_bind_handle,
};

static void
disk_ring_unbind_handle(struct peer *p, const struct exo_hdr *h,
    const void *payload)
{
	peer_reply(p, h, ring_unbind(p), NULL, 0, NULL, 0);
}

const struct exod_req req_disk_ring_unbind = {
	.type = EXO_MSG_DISK_RING_UNBIND,
	.name = "disk-ring-unbind",
	.minlen = 0,
	.flags = REQ_LIBOS,
	.handle = disk_ring_unbind_handle,
};
