/*
 * net.c - the network from the libOS's side: filters in tcpdump syntax
 * (compiled here with libpcap, verified by exod), the receive ring in
 * frames of the libOS's own, sending, native handlers.
 */
#include "config.h"

#include <sys/mman.h>

#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "libexo-int.h"

/* Compile a tcpdump expression for Ethernet; *prog is malloc'd. */
int
exo_net_compile(const char *expr, struct exo_bpf_insn **prog, unsigned *n)
{
	struct bpf_program	 bp;
	struct exo_bpf_insn	*out;
	pcap_t			*pc;
	unsigned		 i;
	int			 error = 0;

	if (expr == NULL || prog == NULL || n == NULL)
		return (-EXO_EINVAL);
	if ((pc = pcap_open_dead(DLT_EN10MB, 65535)) == NULL)
		return (-EXO_ESYS);
	if (pcap_compile(pc, &bp, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		pcap_close(pc);
		return (-EXO_EINVAL);
	}
	if ((out = calloc(bp.bf_len > 0 ? bp.bf_len : 1, sizeof *out)) == NULL)
		error = -EXO_ESYS;
	for (i = 0; out != NULL && i < bp.bf_len; i++) {
		out[i].code = bp.bf_insns[i].code;
		out[i].jt = bp.bf_insns[i].jt;
		out[i].jf = bp.bf_insns[i].jf;
		out[i].k = bp.bf_insns[i].k;
	}
	if (error == 0) {
		*prog = out;
		*n = bp.bf_len;
	}
	pcap_freecode(&bp);
	pcap_close(pc);
	return (error);
}

/* Install a BPF program; v (may be NULL) says why exod refused it. */
int
exo_net_filter_bpf(struct exo *e, const struct exo_bpf_insn *prog,
    unsigned n, struct exo_cap *cap, uint32_t *class,
    struct exo_net_verdict *v)
{
	static unsigned char		buf[EXO_MSG_MAX];
	struct exo_net_filter_add	req;
	struct exo_net_filter_reply	rep;
	size_t				len, max;
	int				error;

	max = (EXO_MSG_MAX - sizeof(struct exo_hdr) - sizeof req) /
	    sizeof *prog;
	if (cap == NULL || (n > 0 && prog == NULL) || n > max)
		return (-EXO_EINVAL);
	req.count = n;
	req.flags = 0;
	memcpy(buf, &req, sizeof req);
	if (n > 0)
		memcpy(buf + sizeof req, prog, n * sizeof *prog);
	error = exo_request(e, EXO_MSG_NET_FILTER_ADD, buf, sizeof req +
	    n * sizeof *prog, &rep, sizeof rep, &len, NULL, 0, NULL);
	if (error == -EXO_EBPF && v != NULL) {
		if (len == sizeof *v)
			memcpy(v, &rep, sizeof *v);
		else
			memset(v, 0, sizeof *v);
	}
	if (error != 0)
		return (error);
	if (len != sizeof rep)
		return (-EXO_EPROTO);
	*cap = rep.cap;
	if (class != NULL)
		*class = rep.nclass;
	return (0);
}

/* Install a filter given in tcpdump syntax. */
int
exo_net_filter(struct exo *e, const char *expr, struct exo_cap *cap,
    uint32_t *class)
{
	struct exo_bpf_insn	*prog;
	unsigned		 n;
	int			 error;

	if ((error = exo_net_compile(expr, &prog, &n)) != 0)
		return (error);
	error = exo_net_filter_bpf(e, prog, n, cap, class, NULL);
	free(prog);
	return (error);
}

int
exo_net_filter_remove(struct exo *e, const struct exo_cap *cap)
{
	struct exo_net_filter_del	req;

	if (cap == NULL)
		return (-EXO_EINVAL);
	req.cap = *cap;
	return (exo_request(e, EXO_MSG_NET_FILTER_DEL, &req, sizeof req, NULL,
	    0, NULL, NULL, 0, NULL));
}

int
exo_net_filter_list(struct exo *e, uint32_t start, struct exo_cap *caps,
    unsigned max, unsigned *n, uint32_t *total)
{
	return (exo_caps_page(e, EXO_MSG_NET_FILTER_LIST, start, caps, max, n,
	    total));
}

/*
 * A receive ring of nframes fresh frames: allocated, mapped, handed to
 * exod.  Returns the number of slots, or -EXO_E* (nothing kept).
 */
int
exo_net_ring_create(struct exo *e, struct exo_net_ring *r, unsigned nframes)
{
	struct {
		struct exo_net_ring_req	hdr;
		struct exo_cap		caps[EXO_NET_RING_MAX];
	}				req;
	struct exo_net_ring_reply	rep;
	unsigned			i;
	int				error;

	if (r == NULL || nframes == 0 || nframes > EXO_NET_RING_MAX)
		return (-EXO_EINVAL);
	memset(r, 0, sizeof *r);
	if ((error = exo_frame_alloc_batch(e, r->frames, nframes)) != 0)
		return (error);
	r->nframes = nframes;
	for (i = 0; i < nframes; i++) {
		if (exo_frame_map(&r->frames[i], PROT_READ | PROT_WRITE) ==
		    NULL) {
			error = -EXO_ESYS;
			goto bad;
		}
		req.caps[i] = r->frames[i].cap;
	}
	req.hdr.count = nframes;
	req.hdr.flags = 0;
	error = exo_request(e, EXO_MSG_NET_RING, &req, sizeof req.hdr +
	    nframes * sizeof req.caps[0], &rep, sizeof rep, NULL, NULL, 0,
	    NULL);
	if (error != 0)
		goto bad;
	r->slots = rep.slots;
	r->next = 0;
	return ((int)r->slots);
bad:
	for (i = 0; i < nframes; i++)
		if (r->frames[i].va != NULL)
			(void)exo_frame_unmap(&r->frames[i]);
	(void)exo_frame_free_batch(e, r->frames, nframes);
	memset(r, 0, sizeof *r);
	return (error);
}

/* Give the ring's frames back (exod stops writing at once). */
int
exo_net_ring_destroy(struct exo *e, struct exo_net_ring *r)
{
	unsigned	i;
	int		error;

	if (r == NULL || r->nframes == 0)
		return (-EXO_EINVAL);
	for (i = 0; i < r->nframes; i++)
		if (r->frames[i].va != NULL)
			(void)exo_frame_unmap(&r->frames[i]);
	error = exo_frame_free_batch(e, r->frames, r->nframes);
	memset(r, 0, sizeof *r);
	return (error);
}

static unsigned char *
exo_net_slot_va(struct exo_net_ring *r, unsigned slot)
{
	return ((unsigned char *)r->frames[slot / EXO_NET_SLOTS_PER_FRAME].va +
	    (slot % EXO_NET_SLOTS_PER_FRAME) * EXO_NET_SLOT_SIZE);
}

/*
 * The next packet in the ring, copied into buf (at most max bytes), its
 * slot header into *meta (may be NULL); the slot goes back to exod.
 * Returns the packet's length, 0 when the ring is empty.
 */
int
exo_net_recv(struct exo_net_ring *r, void *buf, size_t max,
    struct exo_net_slot *meta)
{
	struct exo_net_slot	 s;
	unsigned char		*va;
	size_t			 len;

	if (r == NULL || r->slots == 0 || (buf == NULL && max > 0))
		return (-EXO_EINVAL);
	va = exo_net_slot_va(r, r->next);
	if (__atomic_load_n((uint32_t *)va, __ATOMIC_ACQUIRE) !=
	    EXO_NET_SLOT_FULL)
		return (0);
	memcpy(&s, va, sizeof s);
	len = s.len <= EXO_NET_SLOT_DATA ? s.len : EXO_NET_SLOT_DATA;
	if (max > 0)
		memcpy(buf, va + sizeof s, len < max ? len : max);
	if (meta != NULL)
		*meta = s;
	__atomic_store_n((uint32_t *)va, EXO_NET_SLOT_EMPTY, __ATOMIC_RELEASE);
	r->next = (r->next + 1) % r->slots;
	return ((int)len);
}

/* Put one Ethernet frame on the wire; exod checks its source. */
int
exo_net_send(struct exo *e, const void *frame, size_t len)
{
	unsigned char		buf[sizeof(struct exo_net_send) +
				    EXO_NET_FRAME_MAX];
	struct exo_net_send	req;

	if (frame == NULL || len < EXO_NET_FRAME_MIN ||
	    len > EXO_NET_FRAME_MAX)
		return (-EXO_EINVAL);
	req.len = (uint32_t)len;
	req.flags = 0;
	memcpy(buf, &req, sizeof req);
	memcpy(buf + sizeof req, frame, len);
	return (exo_request(e, EXO_MSG_NET_SEND, buf, sizeof req + len, NULL,
	    0, NULL, NULL, 0, NULL));
}

/* A trusted user's native handler on a filter (exo_net_handler(3)). */
int
exo_net_handler(struct exo *e, const struct exo_cap *filter,
    const char *path)
{
	struct exo_net_handler	req;

	if (filter == NULL || path == NULL || path[0] != '/' ||
	    strlen(path) >= sizeof req.path)
		return (-EXO_EINVAL);
	memset(&req, 0, sizeof req);
	req.filter = *filter;
	memcpy(req.path, path, strlen(path) + 1);
	return (exo_request(e, EXO_MSG_NET_HANDLER, &req, sizeof req, NULL, 0,
	    NULL, NULL, 0, NULL));
}

/* The interface and up to max filter records from start on. */
int
exo_net_info(struct exo *e, uint32_t start, struct exo_net_info *info,
    struct exo_net_filter_info *recs, unsigned max, unsigned *n)
{
	static unsigned char	buf[EXO_MSG_MAX];
	struct exo_net_info_req	req;
	size_t			len;
	unsigned		got;
	int			error;

	if (info == NULL || n == NULL || (max > 0 && recs == NULL))
		return (-EXO_EINVAL);
	req.start = start;
	req.reserved = 0;
	error = exo_request(e, EXO_MSG_NET_INFO, &req, sizeof req, buf,
	    sizeof buf, &len, NULL, 0, NULL);
	if (error != 0)
		return (error);
	if (len < sizeof *info)
		return (-EXO_EPROTO);
	memcpy(info, buf, sizeof *info);
	if (info->recsize != sizeof *recs ||
	    len != sizeof *info + (size_t)info->count * sizeof *recs)
		return (-EXO_EPROTO);
	got = info->count < max ? info->count : max;
	if (got > 0)
		memcpy(recs, buf + sizeof *info, got * sizeof *recs);
	*n = got;
	return (0);
}
