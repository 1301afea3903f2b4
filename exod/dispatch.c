/*
 * dispatch.c - the protected entry into exod: every datagram a peer sends
 * is checked here, in the order exo-protocol(7) gives, before any request
 * handler sees it.  Handlers may then trust the header and the payload's
 * size; everything inside the payload they check themselves.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "exod.h"

/* The permitted requests.  Anything not here gets EXO_ENOSYS. */
static const struct exod_req *const dispatch_table[] = {
	&req_hello,
	&req_null,
	&req_cap_check,
	&req_frame_alloc,
	&req_frame_free,
	&req_status,
	&req_slot_claim,
	&req_slot_release,
	&req_entry_set,
	&req_event_send,
	&req_call,
	&req_yield,
	&req_slots,
	&req_block_alloc,
	&req_block_free,
	&req_block_list,
	&req_disk_io,
	&req_disk_flush,
	&req_disk_info,
	&req_revoke,
	&req_autosave,
	&req_protect,
	&req_stlb_set,
	&req_tile_alloc,
	&req_tile_free,
	&req_display_info,
	&req_display_snap,
	&req_history,
	&req_cap_derive,
	&req_cap_grant,
	&req_grant_revoke,
	&req_frame_open,
	&req_net_filter_add,
	&req_net_filter_del,
	&req_net_filter_list,
	&req_disk_ring_bind,
	&req_disk_ring_unbind,
	&req_net_ring,
	&req_net_send,
	&req_net_handler,
	&req_net_info,
	&req_net_capture,
	&req_chan_bind,
	&req_chan_accept,
	&req_chan_close,
	&req_extent,
};

static const struct exod_req *
dispatch_find(uint16_t type)
{
	size_t	i;

	for (i = 0; i < sizeof dispatch_table / sizeof dispatch_table[0]; i++)
		if (dispatch_table[i]->type == type)
			return (dispatch_table[i]);
	return (NULL);
}

/* The status a well-framed request earns before its handler runs. */
static int
dispatch_check(struct peer *p, const struct exo_hdr *h, size_t plen,
    const struct exod_req **out)
{
	const struct exod_req	*r;

	if ((r = dispatch_find(h->type)) == NULL)
		return (-EXO_ENOSYS);
	/* HELLO comes first and once; everything else comes after it. */
	if (((p->flags & PEER_HELLO) != 0) == ((r->flags & REQ_FIRST) != 0))
		return (-EXO_ESTATE);
	if ((r->flags & REQ_LIBOS) && (p->flags & PEER_CONTROL))
		return (-EXO_EPERM);
	/* Administration: a control peer of exod's own uid, or root's. */
	if ((r->flags & REQ_CONTROL) && (!(p->flags & PEER_CONTROL) ||
	    (p->uid != 0 && p->uid != geteuid())))
		return (-EXO_EPERM);
	if (r->flags & REQ_VARLEN) {
		if (plen < r->minlen || plen > r->maxlen)
			return (-EXO_EPROTO);
	} else if (plen != r->minlen)
		return (-EXO_EPROTO);
	*out = r;
	return (0);
}

/*
 * The payload of a request that is a count, a word of flags, then count
 * capabilities (FRAME_FREE, BLOCK_FREE, SLOT_RELEASE, PROTECT): check its
 * shape and copy the capabilities out.  0, or the status to answer:
 * EXO_EINVAL for a count of 0 or over max or a flag outside allowed,
 * EXO_EPROTO when the length is not that of count capabilities.
 */
int
dispatch_caps(const struct exo_hdr *h, const void *payload, unsigned max,
    uint32_t allowed, struct exo_cap *caps, uint32_t *count, uint32_t *flags)
{
	uint32_t	w[2];

	memcpy(w, payload, sizeof w);
	if (w[0] == 0 || w[0] > max || (w[1] & ~allowed) != 0)
		return (-EXO_EINVAL);
	if (h->len != sizeof w + w[0] * sizeof caps[0])
		return (-EXO_EPROTO);
	memcpy(caps, (const unsigned char *)payload + sizeof w,
	    w[0] * sizeof caps[0]);
	*count = w[0];
	if (flags != NULL)
		*flags = w[1];
	return (0);
}

/* A reply that is a count, a zero word, then n capabilities. */
void
dispatch_reply_caps(struct peer *p, const struct exo_hdr *h,
    const struct exo_cap *caps, unsigned n, int *fds, unsigned nfds)
{
	unsigned char	buf[8 + EXO_SLOTS_MAX * sizeof(struct exo_cap)];
	uint32_t	w[2] = { n, 0 };

	memcpy(buf, w, sizeof w);
	memcpy(buf + sizeof w, caps, n * sizeof caps[0]);
	peer_reply(p, h, 0, buf, sizeof w + n * sizeof caps[0], fds, nfds);
}

/*
 * Handle one datagram of n bytes from p.  fds are descriptors that came
 * with it (closed here: no request carries one); truncated says the
 * datagram or its descriptors did not fit.
 */
void
dispatch_message(struct peer *p, const void *buf, size_t n, int *fds,
    unsigned nfds, int truncated)
{
	const struct exod_req	*r = NULL;
	struct exo_hdr		 h;
	unsigned		 i;
	int			 status;

	for (i = 0; i < nfds; i++)
		close(fds[i]);
	if (n < sizeof h) {
		memset(&h, 0, sizeof h);
		peer_reply(p, &h, -EXO_EPROTO, NULL, 0, NULL, 0);
		return;
	}
	memcpy(&h, buf, sizeof h);
	h.type &= ~EXO_MSG_REPLY;	/* the reply sets it again */
	if (truncated)
		status = -EXO_EPROTO;
	else if (h.version != EXO_PROTO_VERSION)
		status = -EXO_EVERSION;
	else if (h.len != n - sizeof h)
		status = -EXO_EPROTO;
	else if (h.status != 0 ||
	    (((const struct exo_hdr *)buf)->type &
	    (EXO_MSG_REPLY | EXO_MSG_UPCALL)) != 0)
		status = -EXO_EPROTO;
	else if (nfds > 0)
		status = -EXO_EPROTO;
	else
		status = dispatch_check(p, &h, h.len, &r);
	if (status != 0) {
		peer_reply(p, &h, status, NULL, 0, NULL, 0);	/* logs it */
		return;
	}
	r->handle(p, &h, (const unsigned char *)buf + sizeof h);
}
