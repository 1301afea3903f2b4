/*
 * demux.c - merged demultiplexing (DPF's idea, for classic BPF).
 *
 * Most filters are a chain of comparisons on a few fields: EtherType,
 * IP protocol, destination address, destination port.  demux recognises
 * such a filter by its *shape*: exod compiles each known template (an
 * expression with an address or a port left open) with libpcap, notes
 * which instructions carry the open constants, and a submitted program
 * of the same shape is then recompiled from the constants it carries
 * and compared instruction for instruction.  Only a program identical
 * to the template's own compilation is merged, so a merged filter means
 * exactly what its class says.  Merged filters live in one hash table
 * on (class, address, port): a packet's fields are read once and each
 * class present costs one lookup, however many filters there are.
 * Everything else runs one after another in the interpreter.
 */
#include "config.h"

#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

#define DEMUX_A1	0x0a010203U	/* 10.1.2.3: template placeholders */
#define DEMUX_A2	0x0a040506U
#define DEMUX_P1	1234
#define DEMUX_P2	4321

#define SLOT_FIXED	0
#define SLOT_ADDR	1
#define SLOT_PORT	2

struct demux_tmpl {
	uint32_t		 nclass;
	struct exo_bpf_insn	*skel;	/* compiled with A1, P1; NULL: unusable */
	size_t			 n;
	uint8_t			*slot;	/* per instruction: SLOT_* */
};

static struct demux_tmpl demux_tmpls[EXO_NET_CLASSES];
static pcap_t		*demux_pcap;	/* a dead Ethernet handle */

static const char *const demux_names[EXO_NET_CLASSES] = {
	[EXO_NET_UNMERGED] = "unmerged",
	[EXO_NET_ARP] = "arp",
	[EXO_NET_HOST] = "host",
	[EXO_NET_HOST_UDP] = "host-udp",
	[EXO_NET_HOST_TCP] = "host-tcp",
	[EXO_NET_UDP] = "udp",
	[EXO_NET_TCP] = "tcp",
	[EXO_NET_UDP4] = "udp4",
	[EXO_NET_TCP4] = "tcp4",
};

const char *
demux_class_name(uint32_t class)
{
	return (class < EXO_NET_CLASSES ? demux_names[class] : "?");
}

static int
demux_has_addr(uint32_t class)
{
	return (class == EXO_NET_HOST || class == EXO_NET_HOST_UDP ||
	    class == EXO_NET_HOST_TCP);
}

static int
demux_has_port(uint32_t class)
{
	return (class >= EXO_NET_HOST_UDP && class != EXO_NET_HOST &&
	    class < EXO_NET_CLASSES);
}

/* The protocol a class's port belongs to (17, 6), or 0. */
static unsigned
demux_proto(uint32_t class)
{
	switch (class) {
	case EXO_NET_HOST_UDP: case EXO_NET_UDP: case EXO_NET_UDP4:
		return (17);
	case EXO_NET_HOST_TCP: case EXO_NET_TCP: case EXO_NET_TCP4:
		return (6);
	}
	return (0);
}

/* The template's text with its constants filled in. */
static void
demux_text(uint32_t class, uint32_t addr, uint16_t port, char *buf,
    size_t len)
{
	struct in_addr	in;
	char		a[INET_ADDRSTRLEN];

	in.s_addr = htonl(addr);
	inet_ntop(AF_INET, &in, a, sizeof a);
	switch (class) {
	case EXO_NET_ARP:
		snprintf(buf, len, "arp");
		break;
	case EXO_NET_HOST:
		snprintf(buf, len, "ip dst host %s", a);
		break;
	case EXO_NET_HOST_UDP:
	case EXO_NET_HOST_TCP:
		snprintf(buf, len, "ip dst host %s and %s dst port %u", a,
		    class == EXO_NET_HOST_UDP ? "udp" : "tcp", port);
		break;
	case EXO_NET_UDP:
	case EXO_NET_TCP:
		snprintf(buf, len, "%s dst port %u", class == EXO_NET_UDP ?
		    "udp" : "tcp", port);
		break;
	default:
		snprintf(buf, len, "ip and %s dst port %u",
		    class == EXO_NET_UDP4 ? "udp" : "tcp", port);
	}
}

/* Compile class with these constants; a malloc'd program, or NULL. */
static struct exo_bpf_insn *
demux_compile(uint32_t class, uint32_t addr, uint16_t port, size_t *n)
{
	struct bpf_program	 bp;
	struct exo_bpf_insn	*out;
	char			 text[128];
	size_t			 i;

	demux_text(class, addr, port, text, sizeof text);
	if (pcap_compile(demux_pcap, &bp, text, 1, PCAP_NETMASK_UNKNOWN) != 0)
		return (NULL);
	if ((out = calloc(bp.bf_len, sizeof *out)) != NULL) {
		for (i = 0; i < bp.bf_len; i++) {
			out[i].code = bp.bf_insns[i].code;
			out[i].jt = bp.bf_insns[i].jt;
			out[i].jf = bp.bf_insns[i].jf;
			out[i].k = bp.bf_insns[i].k;
		}
		*n = bp.bf_len;
	}
	pcap_freecode(&bp);
	return (out);
}

/* Learn one template's shape from two compilations that differ in k. */
static void
demux_learn(struct demux_tmpl *t)
{
	struct exo_bpf_insn	*b;
	size_t			 n1, n2, i;

	t->skel = demux_compile(t->nclass, DEMUX_A1, DEMUX_P1, &n1);
	b = demux_compile(t->nclass, DEMUX_A2, DEMUX_P2, &n2);
	if (t->skel == NULL || b == NULL || n1 != n2 ||
	    (t->slot = calloc(n1, 1)) == NULL)
		goto bad;
	for (i = 0; i < n1; i++) {
		if (t->skel[i].code != b[i].code || t->skel[i].jt != b[i].jt ||
		    t->skel[i].jf != b[i].jf)
			goto bad;
		if (t->skel[i].k == b[i].k)
			continue;
		if (t->skel[i].k == DEMUX_A1 && b[i].k == DEMUX_A2)
			t->slot[i] = SLOT_ADDR;
		else if (t->skel[i].k == DEMUX_P1 && b[i].k == DEMUX_P2)
			t->slot[i] = SLOT_PORT;
		else
			goto bad;
	}
	t->n = n1;
	free(b);
	return;
bad:
	free(t->skel);
	free(t->slot);
	free(b);
	t->skel = NULL;
	t->slot = NULL;
}

/* Compile the templates.  Without them nothing merges; -1 if so. */
int
demux_templates_init(void)
{
	uint32_t	c;
	int		ok = 0;

	if (demux_pcap == NULL &&
	    (demux_pcap = pcap_open_dead(DLT_EN10MB, 65535)) == NULL)
		return (-1);
	for (c = 1; c < EXO_NET_CLASSES; c++) {
		if (demux_tmpls[c].skel != NULL)
			continue;
		demux_tmpls[c].nclass = c;
		demux_learn(&demux_tmpls[c]);
		ok |= demux_tmpls[c].skel != NULL;
	}
	return (ok ? 0 : -1);
}

void
demux_templates_fini(void)
{
	uint32_t	c;

	for (c = 0; c < EXO_NET_CLASSES; c++) {
		free(demux_tmpls[c].skel);
		free(demux_tmpls[c].slot);
		demux_tmpls[c].skel = NULL;
		demux_tmpls[c].slot = NULL;
	}
	if (demux_pcap != NULL)
		pcap_close(demux_pcap);
	demux_pcap = NULL;
}

/* Does prog have t's shape?  Then its constants, consistent. */
static int
demux_match_shape(const struct demux_tmpl *t, const struct exo_bpf_insn *prog,
    size_t n, uint32_t *addr, uint32_t *port)
{
	int	have_a = 0, have_p = 0;
	size_t	i;

	if (t->skel == NULL || n != t->n)
		return (0);
	for (i = 0; i < n; i++) {
		if (prog[i].code != t->skel[i].code ||
		    prog[i].jt != t->skel[i].jt || prog[i].jf != t->skel[i].jf)
			return (0);
		switch (t->slot[i]) {
		case SLOT_FIXED:
			if (prog[i].k != t->skel[i].k)
				return (0);
			break;
		case SLOT_ADDR:
			if (have_a && prog[i].k != *addr)
				return (0);
			*addr = prog[i].k;
			have_a = 1;
			break;
		case SLOT_PORT:
			if ((have_p && prog[i].k != *port) || prog[i].k > 0xffff)
				return (0);
			*port = prog[i].k;
			have_p = 1;
			break;
		}
	}
	return (1);
}

/*
 * The class of a verified program, and its key: EXO_NET_UNMERGED unless
 * it is exactly a template's compilation.  Returns the class.
 */
int
demux_classify(const struct exo_bpf_insn *prog, size_t n, uint32_t *class,
    uint32_t *addr, uint16_t *port)
{
	struct exo_bpf_insn	*again;
	uint32_t		 c, a, pt;
	size_t			 m;
	int			 same;

	*class = EXO_NET_UNMERGED;
	*addr = 0;
	*port = 0;
	for (c = 1; c < EXO_NET_CLASSES; c++) {
		a = pt = 0;
		if (!demux_match_shape(&demux_tmpls[c], prog, n, &a, &pt))
			continue;
		/* Some constants compile differently: be sure. */
		if ((again = demux_compile(c, a, (uint16_t)pt, &m)) == NULL)
			continue;
		same = m == n && memcmp(again, prog, n * sizeof *prog) == 0;
		free(again);
		if (!same)
			continue;
		*class = c;
		*addr = a;
		*port = (uint16_t)pt;
		break;
	}
	return ((int)*class);
}

void
demux_init(struct demux *d, int merge)
{
	unsigned	i;

	memset(d, 0, sizeof *d);
	for (i = 0; i < DEMUX_BUCKETS; i++)
		TAILQ_INIT(&d->bucket[i]);
	TAILQ_INIT(&d->arp);
	TAILQ_INIT(&d->unmerged);
	d->merge = merge;
}

static unsigned
demux_hash(uint32_t class, uint32_t addr, uint16_t port)
{
	uint32_t	h;

	h = addr * 0x9e3779b1U ^ ((uint32_t)port << 8 | class) * 0x85ebca6bU;
	h ^= h >> 15;
	return (h % DEMUX_BUCKETS);
}

void
demux_add(struct demux *d, struct demux_filter *f)
{
	if (!d->merge || f->nclass == EXO_NET_UNMERGED) {
		TAILQ_INSERT_TAIL(&d->unmerged, f, entry);
	} else if (f->nclass == EXO_NET_ARP) {
		TAILQ_INSERT_TAIL(&d->arp, f, entry);
	} else {
		f->bucket = demux_hash(f->nclass, f->addr, f->port);
		TAILQ_INSERT_TAIL(&d->bucket[f->bucket], f, entry);
	}
	d->count[d->merge ? f->nclass : EXO_NET_UNMERGED]++;
}

void
demux_remove(struct demux *d, struct demux_filter *f)
{
	if (!d->merge || f->nclass == EXO_NET_UNMERGED)
		TAILQ_REMOVE(&d->unmerged, f, entry);
	else if (f->nclass == EXO_NET_ARP)
		TAILQ_REMOVE(&d->arp, f, entry);
	else
		TAILQ_REMOVE(&d->bucket[f->bucket], f, entry);
	d->count[d->merge ? f->nclass : EXO_NET_UNMERGED]--;
}

static uint16_t
be16(const uint8_t *p)
{
	return ((uint16_t)(p[0] << 8 | p[1]));
}

static uint32_t
be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

struct demux_walk {
	demux_fn	 fn;
	void		*arg;
	unsigned	 hits;
	int		 stop;
};

static void
demux_call(struct demux_walk *w, struct demux_filter *f)
{
	if (w->stop)
		return;
	w->hits++;
	if (w->fn != NULL && w->fn(f, w->arg) != 0)
		w->stop = 1;
}

static void
demux_lookup(struct demux *d, struct demux_walk *w, uint32_t class,
    uint32_t addr, uint16_t port)
{
	struct demux_filter	*f;

	if (d->count[class] == 0)
		return;
	TAILQ_FOREACH(f, &d->bucket[demux_hash(class, addr, port)], entry)
		if (f->nclass == class && f->addr == addr && f->port == port)
			demux_call(w, f);
}

/*
 * The IPv4 classes.  Each merged class is a conjunction, so it accepts
 * exactly when every byte its program loads is present and every test
 * holds, whatever order the program loads them in.
 */
static void
demux_ipv4(struct demux *d, struct demux_walk *w, const uint8_t *p,
    size_t len)
{
	uint32_t	dst = 0;
	size_t		off;
	unsigned	proto;
	uint16_t	dport;

	if (len >= 34) {
		dst = be32(p + 30);
		demux_lookup(d, w, EXO_NET_HOST, dst, 0);
	}
	if (len < 24)
		return;
	proto = p[23];
	if ((proto != 17 && proto != 6) || (be16(p + 20) & 0x1fff) != 0)
		return;
	off = 14 + (size_t)(p[14] & 0xf) * 4 + 2;
	if (off + 2 > len)
		return;
	dport = be16(p + off);
	demux_lookup(d, w, proto == 17 ? EXO_NET_UDP4 : EXO_NET_TCP4, 0, dport);
	demux_lookup(d, w, proto == 17 ? EXO_NET_UDP : EXO_NET_TCP, 0, dport);
	if (len >= 34)
		demux_lookup(d, w, proto == 17 ? EXO_NET_HOST_UDP :
		    EXO_NET_HOST_TCP, dst, dport);
}

/* The IPv6 half of "udp dst port P" and "tcp dst port P". */
static void
demux_ipv6(struct demux *d, struct demux_walk *w, const uint8_t *p,
    size_t len)
{
	unsigned	nh;

	if (len < 58)
		return;
	nh = p[20];
	if (nh == 17 || nh == 6)
		demux_lookup(d, w, nh == 17 ? EXO_NET_UDP : EXO_NET_TCP, 0,
		    be16(p + 56));
}

/*
 * Find every filter that accepts the packet, calling fn for each (fn
 * may stop the walk).  Returns how many were found.
 */
unsigned
demux_run(struct demux *d, const uint8_t *p, size_t len, demux_fn fn,
    void *arg)
{
	struct demux_walk	 w = { fn, arg, 0, 0 };
	struct demux_filter	*f;
	uint16_t		 et;

	if (d->merge && len >= 14) {
		et = be16(p + 12);
		if (et == 0x0806) {
			TAILQ_FOREACH(f, &d->arp, entry)
				demux_call(&w, f);
		} else if (et == 0x0800)
			demux_ipv4(d, &w, p, len);
		else if (et == 0x86dd)
			demux_ipv6(d, &w, p, len);
	}
	TAILQ_FOREACH(f, &d->unmerged, entry) {
		if (w.stop)
			break;
		if (bpf_run(f->insns, f->ninsns, p, len) != 0)
			demux_call(&w, f);
	}
	return (w.hits);
}

/* The packets a merged class accepts, as up to two terms. */
struct demux_term {
	unsigned	fam;		/* 4 or 6 */
	unsigned	proto;		/* 0: any */
	int		has_addr;
	uint32_t	addr;
	int		port;		/* -1: any */
};

static unsigned
demux_terms(const struct demux_filter *f, struct demux_term *t)
{
	memset(t, 0, 2 * sizeof *t);
	t[0].fam = 4;
	t[0].proto = demux_proto(f->nclass);
	t[0].has_addr = demux_has_addr(f->nclass);
	t[0].addr = f->addr;
	t[0].port = demux_has_port(f->nclass) ? f->port : -1;
	if (f->nclass != EXO_NET_UDP && f->nclass != EXO_NET_TCP)
		return (1);
	t[1] = t[0];
	t[1].fam = 6;
	return (2);
}

/*
 * Can one packet be accepted by both f and g?  1 or 0 when exod can
 * decide it (both merged), -1 when it cannot.  ARP is shared: never.
 */
int
demux_overlap(const struct demux_filter *f, const struct demux_filter *g)
{
	struct demux_term	tf[2], tg[2];
	unsigned		nf, ng, i, j;

	if (f->nclass == EXO_NET_UNMERGED || g->nclass == EXO_NET_UNMERGED)
		return (-1);
	if (f->nclass == EXO_NET_ARP || g->nclass == EXO_NET_ARP)
		return (0);
	nf = demux_terms(f, tf);
	ng = demux_terms(g, tg);
	for (i = 0; i < nf; i++)
		for (j = 0; j < ng; j++) {
			if (tf[i].fam != tg[j].fam)
				continue;
			if (tf[i].proto && tg[j].proto &&
			    tf[i].proto != tg[j].proto)
				continue;
			if (tf[i].has_addr && tg[j].has_addr &&
			    tf[i].addr != tg[j].addr)
				continue;
			if (tf[i].port >= 0 && tg[j].port >= 0 &&
			    tf[i].port != tg[j].port)
				continue;
			return (1);
		}
	return (0);
}

/*
 * May a libOS holding f send this frame?  Yes when an answer to it
 * (source and destination swapped) is traffic f claims: the sender's
 * address, and its port where f names one.  ARP: the sender protocol
 * address is f's address.
 */
int
demux_claims_source(const struct demux_filter *f, const uint8_t *p,
    size_t len)
{
	unsigned	proto = 0;
	int		sport = -1;
	size_t		off;
	uint16_t	et;

	if (len < 14 || f->nclass == EXO_NET_UNMERGED ||
	    f->nclass == EXO_NET_ARP)
		return (0);
	et = be16(p + 12);
	if (et == 0x0806)
		return (len >= 42 && demux_has_addr(f->nclass) &&
		    be32(p + 28) == f->addr);
	if (et == 0x86dd) {
		if (len < 58 || (f->nclass != EXO_NET_UDP &&
		    f->nclass != EXO_NET_TCP))
			return (0);
		return (p[20] == demux_proto(f->nclass) &&
		    be16(p + 54) == f->port);
	}
	if (et != 0x0800 || len < 34)
		return (0);
	if (demux_has_addr(f->nclass) && be32(p + 26) != f->addr)
		return (0);
	if (!demux_has_port(f->nclass))
		return (1);
	proto = p[23];
	off = 14 + (size_t)(p[14] & 0xf) * 4;
	if ((be16(p + 20) & 0x1fff) == 0 && off + 2 <= len)
		sport = be16(p + off);
	return (proto == demux_proto(f->nclass) && sport == f->port);
}

/* The class's fields, for people: "10.0.0.2 udp/53". */
void
demux_key(const struct demux_filter *f, char *buf, size_t len)
{
	struct in_addr	in;
	char		a[INET_ADDRSTRLEN];

	in.s_addr = htonl(f->addr);
	inet_ntop(AF_INET, &in, a, sizeof a);
	switch (f->nclass) {
	case EXO_NET_UNMERGED:
		snprintf(buf, len, "%u instructions", f->ninsns);
		break;
	case EXO_NET_ARP:
		snprintf(buf, len, "arp");
		break;
	case EXO_NET_HOST:
		snprintf(buf, len, "%s", a);
		break;
	case EXO_NET_HOST_UDP:
	case EXO_NET_HOST_TCP:
		snprintf(buf, len, "%s %s/%u", a, f->nclass == EXO_NET_HOST_UDP ?
		    "udp" : "tcp", f->port);
		break;
	case EXO_NET_UDP:
	case EXO_NET_TCP:
		snprintf(buf, len, "%s/%u ip+ip6", f->nclass == EXO_NET_UDP ?
		    "udp" : "tcp", f->port);
		break;
	default:
		snprintf(buf, len, "%s/%u", f->nclass == EXO_NET_UDP4 ?
		    "udp" : "tcp", f->port);
	}
}
