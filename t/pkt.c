/*
 * pkt.c - frames built and read by hand (see pkt.h).
 */
#include <arpa/inet.h>
#include <string.h>

#include "pkt.h"

const uint8_t pkt_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t
get16(const uint8_t *p)
{
	return ((uint16_t)(p[0] << 8 | p[1]));
}

static uint32_t
get32(const uint8_t *p)
{
	return ((uint32_t)get16(p) << 16 | get16(p + 2));
}

uint32_t
pkt_addr(const char *s)
{
	struct in_addr	in;

	if (inet_pton(AF_INET, s, &in) != 1)
		return (0);
	return (ntohl(in.s_addr));
}

uint16_t
pkt_cksum(const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	uint32_t	 sum = 0;
	size_t		 i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)~sum);
}

size_t
pkt_eth(uint8_t *b, const uint8_t *dmac, const uint8_t *smac, uint16_t et)
{
	memcpy(b, dmac, 6);
	memcpy(b + 6, smac, 6);
	put16(b + 12, et);
	return (14);
}

/* frag: the flags and offset word (0: a whole datagram). */
size_t
pkt_ipv4(uint8_t *b, const uint8_t *dmac, const uint8_t *smac, uint32_t src,
    uint32_t dst, uint8_t proto, uint16_t frag, const void *l4, size_t len)
{
	uint8_t	*ip = b + pkt_eth(b, dmac, smac, PKT_ETH_IP);

	if (len > PKT_MAX - 34)
		len = PKT_MAX - 34;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + len));
	put16(ip + 4, 0x1234);
	put16(ip + 6, frag);
	ip[8] = 64;
	ip[9] = proto;
	put32(ip + 12, src);
	put32(ip + 16, dst);
	put16(ip + 10, pkt_cksum(ip, 20));
	memcpy(ip + 20, l4, len);
	return (34 + len);
}

size_t
pkt_udp(uint8_t *b, const uint8_t *dmac, const uint8_t *smac, uint32_t src,
    uint32_t dst, uint16_t sport, uint16_t dport, const void *data,
    size_t len)
{
	uint8_t	u[PKT_MAX];

	if (len > PKT_MAX - 42)
		len = PKT_MAX - 42;
	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, (uint16_t)(8 + len));
	put16(u + 6, 0);	/* no checksum: allowed over IPv4 */
	memcpy(u + 8, data, len);
	return (pkt_ipv4(b, dmac, smac, src, dst, 17, 0, u, 8 + len));
}

size_t
pkt_tcp(uint8_t *b, const uint8_t *dmac, const uint8_t *smac, uint32_t src,
    uint32_t dst, uint16_t sport, uint16_t dport)
{
	uint8_t	t[20];

	memset(t, 0, sizeof t);
	put16(t, sport);
	put16(t + 2, dport);
	t[12] = 5 << 4;
	t[13] = 0x02;	/* SYN */
	return (pkt_ipv4(b, dmac, smac, src, dst, 6, 0, t, sizeof t));
}

size_t
pkt_icmp(uint8_t *b, const uint8_t *dmac, const uint8_t *smac, uint32_t src,
    uint32_t dst, uint8_t type, uint16_t id, uint16_t seq, const void *data,
    size_t len)
{
	uint8_t	c[PKT_MAX];

	if (len > PKT_MAX - 42)
		len = PKT_MAX - 42;
	c[0] = type;
	c[1] = 0;
	put16(c + 2, 0);
	put16(c + 4, id);
	put16(c + 6, seq);
	memcpy(c + 8, data, len);
	put16(c + 2, pkt_cksum(c, 8 + len));
	return (pkt_ipv4(b, dmac, smac, src, dst, 1, 0, c, 8 + len));
}

size_t
pkt_arp(uint8_t *b, uint16_t op, const uint8_t *sha, uint32_t spa,
    const uint8_t *tha, uint32_t tpa)
{
	static const uint8_t	zero[6];
	uint8_t			*a;

	a = b + pkt_eth(b, op == 1 ? pkt_bcast : tha, sha, PKT_ETH_ARP);
	put16(a, 1);
	put16(a + 2, PKT_ETH_IP);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, sha, 6);
	put32(a + 14, spa);
	memcpy(a + 18, op == 1 ? zero : tha, 6);
	put32(a + 24, tpa);
	return (42);
}

int
pkt_parse(const uint8_t *p, size_t len, struct pkt_info *pi)
{
	const uint8_t	*ip, *l4;
	size_t		 hl, off = 14;

	memset(pi, 0, sizeof *pi);
	if (len < 14)
		return (-1);
	memcpy(pi->dmac, p, 6);
	memcpy(pi->smac, p + 6, 6);
	pi->et = get16(p + 12);
	if (pi->et == PKT_ETH_VLAN && len >= 18) {
		pi->et = get16(p + 16);
		off = 18;
	}
	if (pi->et == PKT_ETH_ARP) {
		if (len < off + 28)
			return (-1);
		pi->arp_op = get16(p + off + 6);
		memcpy(pi->arp_sha, p + off + 8, 6);
		pi->arp_spa = get32(p + off + 14);
		pi->arp_tpa = get32(p + off + 24);
		return (0);
	}
	if (pi->et != PKT_ETH_IP || len < off + 20)
		return (0);
	ip = p + off;
	hl = (size_t)(ip[0] & 0xf) * 4;
	if (hl < 20 || len < off + hl)
		return (-1);
	pi->proto = ip[9];
	pi->ttl = ip[8];
	pi->src = get32(ip + 12);
	pi->dst = get32(ip + 16);
	pi->frag = (get16(ip + 6) & 0x3fff) != 0;
	l4 = ip + hl;
	len -= off + hl;
	if (pi->frag)
		return (0);
	if ((pi->proto == 17 || pi->proto == 6) && len >= 4) {
		pi->sport = get16(l4);
		pi->dport = get16(l4 + 2);
		if (pi->proto == 17 && len >= 8) {
			pi->data = l4 + 8;
			pi->datalen = len - 8;
		}
	} else if (pi->proto == 1 && len >= 8) {
		pi->icmp_type = l4[0];
		pi->icmp_id = get16(l4 + 4);
		pi->icmp_seq = get16(l4 + 6);
		pi->data = l4 + 8;
		pi->datalen = len - 8;
	}
	return (0);
}
