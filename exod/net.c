/*
 * net.c - the network interface exod owns, and what it binds of it.
 *
 * exod holds the device (tap, udp or a capture file); no libOS ever
 * holds its descriptor.  A libOS binds traffic by installing filters
 * (verified BPF, see bpf_verify.c) and gives exod a receive ring in
 * frames of its own.  Each arriving frame is demultiplexed (demux.c) and
 * written by exod straight into the ring of the libOS that claimed it,
 * whether that libOS runs or not; the receive interrupt follows, queued
 * for a descheduled libOS's next slot.  Sending is a request whose
 * source addresses exod checks against what the libOS claimed.  The
 * ownership rules are in exo(7) NETWORK.
 */
#include "config.h"

#include <sys/socket.h>

#include <dlfcn.h>
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "exod.h"
#include "exo_handler.h"
#include "net.h"

#define NET_TRUSTED_MAX		16	/* users named by -T */
#define NET_FILTERS_MAX		512	/* filters per libOS */
#define NET_REPLAY_GAP_NS	10000000ULL /* longest pause in a replay */

struct net_filter {
	struct demux_filter	 df;	/* df.owner points back here */
	TAILQ_ENTRY(net_filter)	 pentry; /* on its libOS's list */
	struct peer		*peer;
	uint64_t		 packets; /* written into the ring */
	uint64_t		 drops;	/* accepted, but the ring was full */
	uint64_t		 handled; /* run by the native handler */
	void			*dl;	/* the handler's object, or NULL */
	exo_net_handler_fn	*handler;
};
TAILQ_HEAD(net_filter_list, net_filter);

/* A peer's part of the network; NULL until it uses it. */
struct net_peer {
	struct net_filter_list	 filters; /* in install order */
	unsigned		 nfilters;
	struct exo_cap		 ring[EXO_NET_RING_MAX]; /* frames, in order */
	unsigned		 ring_frames; /* 0: no ring */
	unsigned		 ring_next; /* slot exod writes next */
	uint32_t		 ring_seq; /* packets written to the ring */
	uint64_t		 ring_drops;
	/* control peers: capture */
	int			 capturing;
	uint32_t		 capture_left; /* UINT32_MAX: until it leaves */
	struct exo_hdr		 capture_hdr;
};

static struct {
	const struct nic_ops	*ops;	/* NULL: no device (or pcap) */
	int			 fd;
	int			 replay; /* pcap: replaying a file */
	int			 replay_started;
	struct event		*ev;
	struct event_base	*base;
	char			 backend[8];
	char			 device[56];
	struct demux		 dm;
	uint64_t		 next_id;
	uint64_t		 rx, tx, rx_unclaimed, tx_refused;
	uint64_t		 ring_drops, captured;
	uid_t			 trusted[NET_TRUSTED_MAX];
	unsigned		 ntrusted;
	uint64_t		 replay_last_ns; /* file time of the last frame */
	uint8_t			 replay_buf[EXO_NET_FRAME_MAX]; /* the next */
	size_t			 replay_len; /* 0: no frame waits in it */
	int			 ready;	/* demux templates compiled */
	unsigned		 capturers;
} net = { .fd = -1 };

static void	net_read_cb(int, short, void *);
static void	net_replay_cb(int, short, void *);

/* -T: user names or uids; 0, or -1 naming the one it cannot find. */
int
net_set_trusted(const char *list, char *bad, size_t badlen)
{
	struct passwd	*pw;
	char		 buf[512], *s, *tok, *end;
	unsigned long	 v;

	if (strlen(list) >= sizeof buf)
		return (-1);
	memcpy(buf, list, strlen(list) + 1);
	for (s = buf; (tok = strsep(&s, ",")) != NULL;) {
		if (*tok == '\0')
			continue;
		if (net.ntrusted == NET_TRUSTED_MAX)
			goto bad;
		if ((pw = getpwnam(tok)) != NULL) {
			net.trusted[net.ntrusted++] = pw->pw_uid;
			continue;
		}
		errno = 0;
		v = strtoul(tok, &end, 10);
		if (*tok < '0' || *tok > '9' || *end != '\0' || errno != 0 ||
		    v > 0x7fffffffUL)
			goto bad;
		net.trusted[net.ntrusted++] = (uid_t)v;
	}
	return (0);
bad:
	snprintf(bad, badlen, "%s", tok);
	return (-1);
}

int
net_trusted(uid_t uid)
{
	unsigned	i;

	for (i = 0; i < net.ntrusted; i++)
		if (net.trusted[i] == uid)
			return (1);
	return (0);
}

/*
 * -N BACKEND:ARG: open the device now, so that a bad one fails exod's
 * start.  0, or -1 with a message in err.
 */
int
net_configure(const char *spec, char *err, size_t errlen)
{
	const char	*colon = strchr(spec, ':');
	size_t		 blen;

	if (colon == NULL || colon[1] == '\0' ||
	    (blen = (size_t)(colon - spec)) >= sizeof net.backend ||
	    strlen(colon + 1) >= sizeof net.device) {
		snprintf(err, errlen, "not tap:NAME, udp:PORT:PEER or "
		    "pcap:FILE");
		return (-1);
	}
	memcpy(net.backend, spec, blen);
	net.backend[blen] = '\0';
	memcpy(net.device, colon + 1, strlen(colon + 1) + 1);
	if (strcmp(net.backend, "pcap") == 0) {
		if (nic_pcap_open(net.device) == -1) {
			snprintf(err, errlen, "cannot read the capture file");
			return (-1);
		}
		net.replay = 1;
		return (0);
	}
	if (strcmp(net.backend, "tap") == 0)
		net.ops = &nic_tap;
	else if (strcmp(net.backend, "udp") == 0)
		net.ops = &nic_udp;
	else {
		snprintf(err, errlen, "unknown backend %s", net.backend);
		return (-1);
	}
	if ((net.fd = net.ops->open(net.device)) == -1) {
		snprintf(err, errlen, "%s", strerror(errno));
		net.ops = NULL;
		return (-1);
	}
	return (0);
}

int
net_present(void)
{
	return (net.ops != NULL || net.replay);
}

/* After the event base exists: read the device as frames arrive. */
int
net_start(struct event_base *base)
{
	net.base = base;
	demux_init(&net.dm, 1);
	if (!net_present())
		return (0);
	net.ready = demux_templates_init() == 0;
	if (!net.ready)
		log_warnx("net: no filter template compiled: nothing merges");
	if (net.ops != NULL) {
		net.ev = event_new(base, net.fd, EV_READ | EV_PERSIST,
		    net_read_cb, NULL);
		if (net.ev == NULL || event_add(net.ev, NULL) == -1)
			return (-1);
	} else if ((net.ev = evtimer_new(base, net_replay_cb, NULL)) == NULL)
		return (-1);
	log_info("net: %s:%s", net.backend, net.device);
	return (0);
}

void
net_fini(void)
{
	if (net.ev != NULL)
		event_free(net.ev);
	net.ev = NULL;
	if (net.ops != NULL)
		net.ops->close(net.fd);
	net.ops = NULL;
	net.fd = -1;
	nic_pcap_close();
	demux_templates_fini();
}

static struct net_peer *
net_peer_get(struct peer *p)
{
	if (p->net == NULL && (p->net = calloc(1, sizeof *p->net)) != NULL)
		TAILQ_INIT(&p->net->filters);
	return (p->net);
}

/* --- capture -------------------------------------------------------- */

/* A copy of a frame for every capturing control client. */
static void
net_capture(const uint8_t *pkt, size_t len, uint32_t flags)
{
	unsigned char		 buf[sizeof(struct exo_net_captured) +
				    EXO_NET_FRAME_MAX];
	struct exo_net_captured	 c;
	struct timespec		 ts;
	struct peer		*q;
	struct net_peer		*n;

	if (net.capturers == 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	c.time_ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	c.len = (uint32_t)len;
	c.flags = flags;
	memcpy(buf, &c, sizeof c);
	memcpy(buf + sizeof c, pkt, len);
	TAILQ_FOREACH(q, &peers, entry) {
		if ((n = q->net) == NULL || !n->capturing ||
		    (q->flags & (PEER_BROKEN | PEER_GONE)))
			continue;
		/* A client that does not keep up loses frames, not exod. */
		if (q->outq_len >= EXOD_OUTQ_HIGH)
			continue;
		peer_reply(q, &n->capture_hdr, 0, buf, sizeof c + len, NULL, 0);
		net.captured++;
		if (n->capture_left != UINT32_MAX && --n->capture_left == 0) {
			n->capturing = 0;
			net.capturers--;
		}
	}
}

/* NET_CAPTURE from a control peer: answered at once, then frames. */
int
net_capture_start(struct peer *p, const struct exo_hdr *h, uint32_t count)
{
	struct net_peer	*n;

	if (!net_present())
		return (-EXO_ENONET);
	if ((n = net_peer_get(p)) == NULL)
		return (-EXO_ENOMEM);
	if (n->capturing)
		return (-EXO_ESTATE);
	n->capturing = 1;
	n->capture_left = count == 0 ? UINT32_MAX : count;
	n->capture_hdr = *h;
	net.capturers++;
	return (0);
}

/* --- the receive ring ---------------------------------------------- */

/* The receive interrupt; one queued interrupt counts every packet. */
static void
net_interrupt(struct peer *p)
{
	struct sched_peer	*c = &p->cpu;
	struct exo_upcall_net	 u;
	struct peer_event	*e;
	unsigned		 i;

	for (i = 0; i < c->ev_count; i++) {
		e = &c->ev[(c->ev_head + i) % EXOD_EVENTS_MAX];
		if (e->type != EXO_UPCALL_NET)
			continue;
		memcpy(&u, e->data, sizeof u);
		u.count++;
		u.ring_drops = p->net->ring_drops;
		memcpy(e->data, &u, sizeof u);
		return;
	}
	memset(&u, 0, sizeof u);
	u.count = 1;
	u.ring_drops = p->net->ring_drops;
	(void)event_post_upcall(p, EXO_UPCALL_NET, &u, sizeof u);
}

/* Write one packet into p's ring: 0, or -1 when it is dropped. */
static int
net_ring_put(struct peer *p, struct net_filter *f, const uint8_t *pkt,
    size_t len, int group)
{
	struct net_peer		*n = p->net;
	struct exo_net_slot	 s;
	unsigned char		*va;
	unsigned		 fi, off;
	uint32_t		 state;

	if (n->ring_frames == 0)
		goto drop;
	fi = n->ring_next / EXO_NET_SLOTS_PER_FRAME;
	off = (n->ring_next % EXO_NET_SLOTS_PER_FRAME) * EXO_NET_SLOT_SIZE;
	/* A frame freed or revoked since ends the ring: exod never writes
	 * into memory that is not bound to the libOS now. */
	if (frame_check(p, &n->ring[fi], EXO_RIGHT_WRITE) != 0 ||
	    (va = frame_va((uint32_t)n->ring[fi].id)) == NULL) {
		log_debug("libOS %u: receive ring gone", p->libos);
		n->ring_frames = 0;
		goto drop;
	}
	va += off;
	/* The libOS writes this word too: one load, and nothing trusted. */
	state = __atomic_load_n((uint32_t *)va, __ATOMIC_ACQUIRE);
	if (state != EXO_NET_SLOT_EMPTY)
		goto drop;
	memcpy(va + sizeof s, pkt, len);
	memset(&s, 0, sizeof s);
	s.len = (uint32_t)len;
	s.filter = f->df.id;
	s.stamp_ns = sched_now();
	s.flags = group ? EXO_NET_SLOT_GROUP : 0;
	s.seq = n->ring_seq++;
	memcpy(va + sizeof s.state, (unsigned char *)&s + sizeof s.state,
	    sizeof s - sizeof s.state);
	__atomic_store_n((uint32_t *)va, EXO_NET_SLOT_FULL, __ATOMIC_RELEASE);
	n->ring_next = (n->ring_next + 1) %
	    (n->ring_frames * EXO_NET_SLOTS_PER_FRAME);
	f->packets++;
	net_interrupt(p);
	return (0);
drop:
	f->drops++;
	n->ring_drops++;
	net.ring_drops++;
	return (-1);
}

/* NET_RING: count frames of p's become its receive ring. */
int
net_ring_set(struct peer *p, const struct exo_cap *caps, unsigned count)
{
	struct net_peer	*n;
	unsigned	 i, j, k;
	unsigned char	*va;
	int		 error;

	if (count == 0 || count > EXO_NET_RING_MAX)
		return (-EXO_EINVAL);
	for (i = 0; i < count; i++) {
		if ((error = frame_check(p, &caps[i], EXO_RIGHTS_ALL)) != 0)
			return (error);
		for (j = 0; j < i; j++)
			if (caps[j].id == caps[i].id)
				return (-EXO_EINVAL);
	}
	if ((n = net_peer_get(p)) == NULL)
		return (-EXO_ENOMEM);
	for (i = 0; i < count; i++) {
		if ((va = frame_va((uint32_t)caps[i].id)) == NULL)
			return (-EXO_ENOMEM);
		for (k = 0; k < EXO_NET_SLOTS_PER_FRAME; k++)
			__atomic_store_n((uint32_t *)(va + k *
			    EXO_NET_SLOT_SIZE), EXO_NET_SLOT_EMPTY,
			    __ATOMIC_RELEASE);
	}
	memcpy(n->ring, caps, count * sizeof caps[0]);
	n->ring_frames = count;
	n->ring_next = 0;
	return ((int)(count * EXO_NET_SLOTS_PER_FRAME));
}

/* --- arrival -------------------------------------------------------- */

struct net_arrival {
	const uint8_t	*pkt;
	size_t		 len;
	int		 group;		/* broadcast or multicast */
	uint32_t	 unicast_to;	/* the libOS a unicast frame went to */
	uint32_t	 seen[EXOD_PEERS_MAX]; /* libOSes given a copy */
	unsigned	 nseen;
};

static int	net_transmit(struct peer *, const uint8_t *, size_t);

/* A trusted handler first; then, unless it consumed it, the ring. */
static void
net_deliver(struct net_filter *f, const uint8_t *pkt, size_t len, int group)
{
	static struct exo_handler_out	out;
	struct exo_handler_pkt		in;
	int				r;

	if (f->handler != NULL) {
		in.data = pkt;
		in.len = (uint32_t)len;
		in.libos = f->peer->libos;
		in.filter = f->df.id;
		out.len = 0;
		r = f->handler(&in, &out);
		f->handled++;
		if (out.len > 0 && out.len <= sizeof out.data)
			(void)net_transmit(f->peer, out.data, out.len);
		if (r == EXO_HANDLER_CONSUMED)
			return;
	}
	(void)net_ring_put(f->peer, f, pkt, len, group);
}

/*
 * Called for each accepting filter, merged ones first.  A unicast frame
 * goes to one libOS, the first whose filter takes it; ARP and group
 * frames to every libOS that accepts them, once each.
 */
static int
net_accept_cb(struct demux_filter *df, void *arg)
{
	struct net_arrival	*a = arg;
	struct net_filter	*f = df->owner;
	uint32_t		 id = f->peer->libos;
	unsigned		 i;

	if (!a->group && df->nclass != EXO_NET_ARP) {
		if (a->unicast_to != 0)
			return (0);
		a->unicast_to = id;
	}
	for (i = 0; i < a->nseen; i++)
		if (a->seen[i] == id)
			return (0);
	if (a->nseen < EXOD_PEERS_MAX)
		a->seen[a->nseen++] = id;
	net_deliver(f, a->pkt, a->len, a->group);
	return (0);
}

/* One frame from the wire. */
void
net_input(const uint8_t *pkt, size_t len)
{
	struct net_arrival	a;

	net.rx++;
	net_capture(pkt, len, 0);
	memset(&a, 0, sizeof a);
	a.pkt = pkt;
	a.len = len;
	a.group = len >= 6 && (pkt[0] & 0x01);
	demux_run(&net.dm, pkt, len, net_accept_cb, &a);
	if (a.nseen == 0)
		net.rx_unclaimed++;
}

static void
net_read_cb(int fd, short events, void *arg)
{
	static uint8_t	buf[65536];
	long		n;
	int		i;

	for (i = 0; i < 64; i++) {
		if ((n = net.ops->recv(fd, buf, sizeof buf)) < 0)
			return;
		/* A runt or a giant is not an Ethernet frame: the wire drops
		 * it, and so does exod. */
		if (n < EXO_NET_FRAME_MIN || n > EXO_NET_FRAME_MAX)
			continue;
		net_input(buf, (size_t)n);
	}
}

/*
 * pcap: the frame read last time arrives now; then read the next and wait
 * as long as the file did between the two (at most 10 ms).  The frame is
 * kept because libpcap's buffer lasts only until its next read.
 */
static void
net_replay_cb(int fd, short events, void *arg)
{
	const uint8_t	*d;
	size_t		 len;
	uint64_t	 t, gap;
	struct timeval	 tv;

	if (net.replay_len > 0)
		net_input(net.replay_buf, net.replay_len);
	net.replay_len = 0;
	if (!nic_pcap_next(&d, &len, &t)) {
		log_info("net: replay of %s done", net.device);
		return;
	}
	/* A runt or a giant is no frame: it keeps its time, and is lost. */
	if (len >= EXO_NET_FRAME_MIN && len <= EXO_NET_FRAME_MAX) {
		memcpy(net.replay_buf, d, len);
		net.replay_len = len;
	}
	gap = net.replay_last_ns != 0 && t > net.replay_last_ns ?
	    t - net.replay_last_ns : 0;
	net.replay_last_ns = t;
	if (gap > NET_REPLAY_GAP_NS)
		gap = NET_REPLAY_GAP_NS;
	tv.tv_sec = 0;
	tv.tv_usec = (suseconds_t)(gap / 1000);
	evtimer_add(net.ev, &tv);
}

/* --- sending -------------------------------------------------------- */

/* Is the frame's source one of p's claims (exo(7) NETWORK)? */
static int
net_source_ok(struct peer *p, const uint8_t *pkt, size_t len)
{
	struct net_filter	*f;

	if (pkt[6] & 0x01)	/* a group address is no station's source */
		return (0);
	if (p->net != NULL)
		TAILQ_FOREACH(f, &p->net->filters, pentry)
			if (demux_claims_source(&f->df, pkt, len))
				return (1);
	return (0);
}

static int
net_transmit(struct peer *p, const uint8_t *pkt, size_t len)
{
	if (len < EXO_NET_FRAME_MIN || len > EXO_NET_FRAME_MAX)
		return (-EXO_EINVAL);
	if (!net_source_ok(p, pkt, len)) {
		net.tx_refused++;
		log_debug("libOS %u: frame with an unclaimed source refused",
		    p->libos);
		return (-EXO_ESPOOF);
	}
	net.tx++;
	net_capture(pkt, len, EXO_NET_CAP_TX);
	if (net.ops != NULL && net.ops->send(net.fd, pkt, len) == -1) {
		log_warn("net: send");
		return (-EXO_ESYS);
	}
	return (0);
}

/* NET_SEND. */
int
net_send(struct peer *p, const uint8_t *pkt, size_t len)
{
	if (!net_present())
		return (-EXO_ENONET);
	return (net_transmit(p, pkt, len));
}

/* --- filters -------------------------------------------------------- */

static void
net_filter_cap(const struct net_filter *f, struct exo_cap *c)
{
	memset(c, 0, sizeof *c);
	c->type = EXO_RES_FILTER;
	c->rights = EXO_RIGHTS_ALL;
	c->owner = f->peer->libos;
	c->id = f->df.id;
	c->gen = f->df.id;
	cap_seal(c);
}

/* The claim of another libOS that f would overlap, or NULL. */
static struct net_filter *
net_overlapping(const struct peer *p, const struct net_filter *f)
{
	struct peer		*q;
	struct net_filter	*g;

	TAILQ_FOREACH(q, &peers, entry) {
		if (q == p || q->net == NULL)
			continue;
		TAILQ_FOREACH(g, &q->net->filters, pentry)
			if (g->df.nclass != EXO_NET_UNMERGED &&
			    demux_overlap(&f->df, &g->df) == 1)
				return (g);
	}
	return (NULL);
}

/*
 * NET_FILTER_ADD: verify, classify, check ownership, install.  0 with
 * the capability and class, or -EXO_E* (with *v for EXO_EBPF).
 */
int
net_filter_add(struct peer *p, const struct exo_bpf_insn *prog, size_t n,
    struct exo_net_filter_reply *rep, struct exo_net_verdict *v)
{
	struct net_peer		*np;
	struct net_filter	*f, *g;
	char			 key[64];
	int			 error;

	if (!net_present())
		return (-EXO_ENONET);
	if ((error = bpf_verify(prog, n, v)) != 0) {
		log_info("libOS %u: filter refused: instruction %u: %s",
		    p->libos, v->pc, bpf_reason(v->reason));
		return (error);
	}
	if ((np = net_peer_get(p)) == NULL)
		return (-EXO_ENOMEM);
	if (np->nfilters >= NET_FILTERS_MAX)
		return (-EXO_ELIMIT);
	if ((f = calloc(1, sizeof *f)) == NULL ||
	    (f->df.insns = calloc(n, sizeof *prog)) == NULL) {
		free(f);
		return (-EXO_ENOMEM);
	}
	memcpy(f->df.insns, prog, n * sizeof *prog);
	f->df.ninsns = (uint16_t)n;
	f->df.libos = p->libos;
	f->df.owner = f;
	f->peer = p;
	if (net.ready)
		demux_classify(prog, n, &f->df.nclass, &f->df.addr,
		    &f->df.port);
	if (f->df.nclass == EXO_NET_UNMERGED && !net_trusted(p->uid)) {
		log_info("libOS %u (uid %u): filter of no merged class from an "
		    "untrusted user refused", p->libos, (unsigned)p->uid);
		error = -EXO_EPERM;
		goto bad;
	}
	if ((g = net_overlapping(p, f)) != NULL) {
		demux_key(&f->df, key, sizeof key);
		log_info("libOS %u: filter %s overlaps libOS %u's: refused",
		    p->libos, key, g->peer->libos);
		error = -EXO_EOVERLAP;
		goto bad;
	}
	f->df.id = ++net.next_id;
	TAILQ_INSERT_TAIL(&np->filters, f, pentry);
	np->nfilters++;
	demux_add(&net.dm, &f->df);
	memset(rep, 0, sizeof *rep);
	net_filter_cap(f, &rep->cap);
	rep->nclass = f->df.nclass;
	if (net.replay && !net.replay_started) {
		net.replay_started = 1;
		net_replay_cb(-1, 0, NULL);
	}
	return (0);
bad:
	free(f->df.insns);
	free(f);
	return (error);
}

/* p's filter named by c, or NULL with *error. */
static struct net_filter *
net_filter_find(struct peer *p, const struct exo_cap *c, int *error)
{
	struct net_filter	*f;

	if ((*error = cap_verify(c)) != 0)
		return (NULL);
	*error = -EXO_ENOTOWNER;
	if (c->owner != p->libos)
		return (NULL);
	*error = -EXO_EINVAL;
	if (c->type != EXO_RES_FILTER)
		return (NULL);
	*error = -EXO_ESTALE;
	if (p->net == NULL)
		return (NULL);
	TAILQ_FOREACH(f, &p->net->filters, pentry)
		if (f->df.id == c->id && c->gen == c->id) {
			*error = 0;
			return (f);
		}
	return (NULL);
}

static void
net_filter_free(struct peer *p, struct net_filter *f)
{
	demux_remove(&net.dm, &f->df);
	TAILQ_REMOVE(&p->net->filters, f, pentry);
	p->net->nfilters--;
	if (f->dl != NULL)
		dlclose(f->dl);
	free(f->df.insns);
	free(f);
}

int
net_filter_del(struct peer *p, const struct exo_cap *c)
{
	struct net_filter	*f;
	int			 error;

	if ((f = net_filter_find(p, c, &error)) == NULL)
		return (error);
	net_filter_free(p, f);
	return (0);
}

/* Capabilities for p's filters from the start-th on. */
unsigned
net_filter_list(struct peer *p, uint32_t start, struct exo_cap *caps,
    unsigned max, uint32_t *total)
{
	struct net_filter	*f;
	unsigned		 i = 0, n = 0;

	*total = p->net != NULL ? p->net->nfilters : 0;
	if (p->net == NULL)
		return (0);
	TAILQ_FOREACH(f, &p->net->filters, pentry) {
		if (i++ < start)
			continue;
		if (n == max)
			break;
		net_filter_cap(f, &caps[n++]);
	}
	return (n);
}

/* NET_HANDLER: native code, for the users -T names and no one else. */
int
net_handler_set(struct peer *p, const struct exo_cap *c, const char *path)
{
	struct net_filter	*f;
	void			*dl, *sym;
	int			 error;

	if ((f = net_filter_find(p, c, &error)) == NULL)
		return (error);
	if (!net_trusted(p->uid)) {
		log_warnx("libOS %u (uid %u, pid %ld): native handler %s "
		    "refused: not a trusted user (-T)", p->libos,
		    (unsigned)p->uid, (long)p->pid, path);
		return (-EXO_EPERM);
	}
	if (path[0] != '/')
		return (-EXO_EINVAL);
	if ((dl = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		log_warnx("libOS %u: native handler: %s", p->libos, dlerror());
		return (-EXO_EINVAL);
	}
	if ((sym = dlsym(dl, EXO_HANDLER_SYMBOL)) == NULL) {
		log_warnx("libOS %u: %s has no %s", p->libos, path,
		    EXO_HANDLER_SYMBOL);
		dlclose(dl);
		return (-EXO_EINVAL);
	}
	if (f->dl != NULL)
		dlclose(f->dl);
	f->dl = dl;
	memcpy(&f->handler, &sym, sizeof f->handler);
	log_info("libOS %u (uid %u): native handler %s on filter %llu",
	    p->libos, (unsigned)p->uid, path, (unsigned long long)f->df.id);
	return (0);
}

/* A libOS leaves: its filters, its ring and its captures go with it. */
void
net_peer_gone(struct peer *p)
{
	struct net_filter	*f;

	if (p->net == NULL)
		return;
	while ((f = TAILQ_FIRST(&p->net->filters)) != NULL)
		net_filter_free(p, f);
	if (p->net->capturing)
		net.capturers--;
	free(p->net);
	p->net = NULL;
}

/* --- NET_INFO ------------------------------------------------------- */

static void
net_info_filter(const struct net_filter *f, struct exo_net_filter_info *r)
{
	memset(r, 0, sizeof *r);
	r->libos = f->peer->libos;
	r->nclass = f->df.nclass;
	r->id = f->df.id;
	r->packets = f->packets;
	r->drops = f->drops;
	r->handled = f->handled;
	r->ninsns = f->df.ninsns;
	r->flags = f->handler != NULL ? EXO_NET_F_HANDLER : 0;
	demux_key(&f->df, r->key, sizeof r->key);
}

/* The interface and up to max filter records from start on: count. */
unsigned
net_info(struct exo_net_info *info, uint32_t start,
    struct exo_net_filter_info *recs, unsigned max)
{
	struct peer		*q;
	struct net_filter	*f;
	unsigned		 i = 0, n = 0, c;

	memset(info, 0, sizeof *info);
	snprintf(info->backend, sizeof info->backend, "%s",
	    net_present() ? net.backend : "none");
	snprintf(info->device, sizeof info->device, "%s", net.device);
	info->rx = net.rx;
	info->tx = net.tx;
	info->rx_unclaimed = net.rx_unclaimed;
	info->tx_refused = net.tx_refused;
	info->ring_drops = net.ring_drops;
	info->captured = net.captured;
	for (c = 0; c < EXO_NET_CLASSES; c++) {
		info->merged[c] = net.dm.count[c];
		info->total += net.dm.count[c];
	}
	TAILQ_FOREACH(q, &peers, entry) {
		if (q->net == NULL)
			continue;
		TAILQ_FOREACH(f, &q->net->filters, pentry) {
			if (i++ < start || n == max)
				continue;
			net_info_filter(f, &recs[n++]);
		}
	}
	info->count = n;
	info->recsize = sizeof *recs;
	return (n);
}
