/*
 * req_net.c - the NET_* requests: filters, the receive ring, sending,
 * native handlers, and the administrator's view and capture.  Each
 * handler checks the payload's inner lengths and reserved words; net.c
 * does the rest.
 */
#include "config.h"

#include <string.h>

#include "exod.h"

/* A refusal that carries a payload (peer_reply drops it on errors). */
static void
req_net_refuse(struct peer *p, const struct exo_hdr *h, int status,
    const void *payload, size_t len)
{
	unsigned char	buf[sizeof(struct exo_hdr) + 64];
	struct exo_hdr	r;

	r.version = EXO_PROTO_VERSION;
	r.type = h->type | EXO_MSG_REPLY;
	r.id = h->id;
	r.len = (uint32_t)len;
	r.status = status;
	memcpy(buf, &r, sizeof r);
	memcpy(buf + sizeof r, payload, len);
	peer_send(p, buf, sizeof r + len, NULL, 0);
}

static void
net_filter_add_handle(struct peer *p, const struct exo_hdr *h,
    const void *payload)
{
	static struct exo_bpf_insn	prog[EXO_NET_INSNS_MAX];
	struct exo_net_filter_add	req;
	struct exo_net_filter_reply	rep;
	struct exo_net_verdict		v;
	int				status;

	memcpy(&req, payload, sizeof req);
	if (req.flags != 0) {
		peer_reply(p, h, -EXO_EINVAL, NULL, 0, NULL, 0);
		return;
	}
	/* An empty or oversized program is the verifier's to refuse. */
	if (h->len != sizeof req + (uint64_t)req.count * sizeof prog[0] &&
	    req.count <= EXO_NET_INSNS_MAX) {
		peer_reply(p, h, -EXO_EPROTO, NULL, 0, NULL, 0);
		return;
	}
	if (req.count > EXO_NET_INSNS_MAX) {
		v.pc = EXO_NET_INSNS_MAX;
		v.reason = EXO_BPF_TOOLONG;
		log_info("libOS %u: filter refused: %u instructions",
		    p->libos, req.count);
		req_net_refuse(p, h, -EXO_EBPF, &v, sizeof v);
		return;
	}
	memcpy(prog, (const unsigned char *)payload + sizeof req,
	    req.count * sizeof prog[0]);
	memset(&v, 0, sizeof v);
	status = net_filter_add(p, prog, req.count, &rep, &v);
	if (status == -EXO_EBPF)
		req_net_refuse(p, h, status, &v, sizeof v);
	else if (status != 0)
		peer_reply(p, h, status, NULL, 0, NULL, 0);
	else
		peer_reply(p, h, 0, &rep, sizeof rep, NULL, 0);
}

const struct exod_req req_net_filter_add = {
	.type = EXO_MSG_NET_FILTER_ADD,
	.name = "net-filter-add",
	.minlen = sizeof(struct exo_net_filter_add),
	/* Room for one instruction too many: "too long" is a verdict. */
	.maxlen = EXO_MSG_MAX - sizeof(struct exo_hdr),
	.flags = REQ_LIBOS | REQ_VARLEN,
	.handle = net_filter_add_handle,
};

static void
net_filter_del_handle(struct peer *p, const struct exo_hdr *h,
    const void *payload)
{
	struct exo_net_filter_del	req;

	memcpy(&req, payload, sizeof req);
	peer_reply(p, h, net_filter_del(p, &req.cap), NULL, 0, NULL, 0);
}

const struct exod_req req_net_filter_del = {
	.type = EXO_MSG_NET_FILTER_DEL,
	.name = "net-filter-del",
	.minlen = sizeof(struct exo_net_filter_del),
	.flags = REQ_LIBOS,
	.handle = net_filter_del_handle,
};

static void
net_filter_list_handle(struct peer *p, const struct exo_hdr *h,
    const void *payload)
{
	req_list_reply(p, h, payload, net_filter_list);
}

const struct exod_req req_net_filter_list = {
	.type = EXO_MSG_NET_FILTER_LIST,
	.name = "net-filter-list",
	.minlen = sizeof(struct exo_block_list),
	.flags = REQ_LIBOS,
	.handle = net_filter_list_handle,
};

static void
net_ring_handle(struct peer *p, const struct exo_hdr *h, const void *payload)
{
	struct exo_cap			caps[EXO_NET_RING_MAX];
	struct exo_net_ring_reply	rep;
	uint32_t			n;
	int				status;

	status = dispatch_caps(h, payload, EXO_NET_RING_MAX, 0, caps, &n,
	    NULL);
	if (status == 0 && !net_present())
		status = -EXO_ENONET;
	if (status == 0 && (status = net_ring_set(p, caps, n)) >= 0) {
		memset(&rep, 0, sizeof rep);
		rep.slots = (uint32_t)status;
		peer_reply(p, h, 0, &rep, sizeof rep, NULL, 0);
		return;
	}
	peer_reply(p, h, status, NULL, 0, NULL, 0);
}

const struct exod_req req_net_ring = {
	.type = EXO_MSG_NET_RING,
	.name = "net-ring",
	.minlen = sizeof(struct exo_net_ring_req),
	.maxlen = sizeof(struct exo_net_ring_req) +
	    EXO_NET_RING_MAX * sizeof(struct exo_cap),
	.flags = REQ_LIBOS | REQ_VARLEN,
	.handle = net_ring_handle,
};

static void
net_send_handle(struct peer *p, const struct exo_hdr *h, const void *payload)
{
	struct exo_net_send	req;
	int			status;

	memcpy(&req, payload, sizeof req);
	if (req.flags != 0)
		status = -EXO_EINVAL;
	else if (h->len != sizeof req + (uint64_t)req.len)
		status = -EXO_EPROTO;
	else
		status = net_send(p, (const uint8_t *)payload + sizeof req,
		    req.len);
	peer_reply(p, h, status, NULL, 0, NULL, 0);
}

const struct exod_req req_net_send = {
	.type = EXO_MSG_NET_SEND,
	.name = "net-send",
	.minlen = sizeof(struct exo_net_send),
	.maxlen = sizeof(struct exo_net_send) + EXO_NET_FRAME_MAX,
	.flags = REQ_LIBOS | REQ_VARLEN,
	.handle = net_send_handle,
};

static void
net_handler_handle(struct peer *p, const struct exo_hdr *h,
    const void *payload)
{
	struct exo_net_handler	req;
	int			status;

	memcpy(&req, payload, sizeof req);
	if (req.flags != 0 || req.reserved != 0 ||
	    memchr(req.path, '\0', sizeof req.path) == NULL)
		status = -EXO_EINVAL;
	else
		status = net_handler_set(p, &req.filter, req.path);
	peer_reply(p, h, status, NULL, 0, NULL, 0);
}

const struct exod_req req_net_handler = {
	.type = EXO_MSG_NET_HANDLER,
	.name = "net-handler",
	.minlen = sizeof(struct exo_net_handler),
	.flags = REQ_LIBOS,
	.handle = net_handler_handle,
};

#define NET_INFO_RECS	((EXO_MSG_MAX - sizeof(struct exo_hdr) - \
			    sizeof(struct exo_net_info)) / \
			    sizeof(struct exo_net_filter_info))

static void
net_info_handle(struct peer *p, const struct exo_hdr *h, const void *payload)
{
	static struct {
		struct exo_net_info		info;
		struct exo_net_filter_info	recs[NET_INFO_RECS];
	}				rep;
	struct exo_net_info_req		req;
	unsigned			n;

	memcpy(&req, payload, sizeof req);
	if (req.reserved != 0) {
		peer_reply(p, h, -EXO_EINVAL, NULL, 0, NULL, 0);
		return;
	}
	n = net_info(&rep.info, req.start, rep.recs, NET_INFO_RECS);
	peer_reply(p, h, 0, &rep, sizeof rep.info + n * sizeof rep.recs[0],
	    NULL, 0);
}

const struct exod_req req_net_info = {
	.type = EXO_MSG_NET_INFO,
	.name = "net-info",
	.minlen = sizeof(struct exo_net_info_req),
	.handle = net_info_handle,
};

static void
net_capture_handle(struct peer *p, const struct exo_hdr *h,
    const void *payload)
{
	struct exo_net_capture	req;
	int			status;

	memcpy(&req, payload, sizeof req);
	if (req.flags != 0)
		status = -EXO_EINVAL;
	else
		status = net_capture_start(p, h, req.count);
	peer_reply(p, h, status, NULL, 0, NULL, 0);
}

const struct exod_req req_net_capture = {
	.type = EXO_MSG_NET_CAPTURE,
	.name = "net-capture",
	.minlen = sizeof(struct exo_net_capture),
	.flags = REQ_CONTROL,
	.handle = net_capture_handle,
};
