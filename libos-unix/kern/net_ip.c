/*
 * net_ip.c - IPv4: checking what arrives, routing and sending.
 *
 * A packet is taken only if it is version 4 with a header of 20 to 60
 * bytes whose checksum is right, its total length fits the frame (the
 * rest is Ethernet padding), and it is for our address or a broadcast.
 * Fragments are dropped and counted: the stack never sends datagrams
 * that need them, and reassembly would be memory a flood could take.
 * Options are skipped.  The sender's link address is gleaned for ARP
 * (net_arp.c says when it is believed).  What goes out has no options, TTL NET_TTL, DF
 * set, and goes to the next hop: the destination itself on our subnet,
 * else the gateway (none: the send fails).
 */
#include "config.h"

#include <string.h>

#include "exo.h"
#include "defs.h"
#include "net.h"

static uint16_t	ip_id;

/* The one's-complement sum of len bytes, added to sum (not folded). */
uint32_t
ip_sum(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t	*p = buf;

	for (; len > 1; len -= 2, p += 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len == 1)
		sum += (uint32_t)p[0] << 8;
	return (sum);
}

uint16_t
ip_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)~sum);
}

static int
ip_for_us(uint32_t dst)
{
	return (dst == net_if.addr || dst == 0xffffffffU ||
	    dst == (net_if.addr | ~net_if.mask));
}

/* An IPv4 packet from link address smac, len bytes of frame. */
void
ip_input(const uint8_t *smac, const uint8_t *p, size_t len)
{
	size_t		hl, tl;
	uint32_t	src, dst;

	if (len < NET_IP_HDR || (p[0] >> 4) != 4 ||
	    (hl = (size_t)(p[0] & 0xf) * 4) < NET_IP_HDR || hl > len ||
	    (tl = net_get16(p + 2)) < hl || tl > len ||
	    ip_fold(ip_sum(p, hl, 0)) != 0) {
		net_if.st.bad++;
		return;
	}
	src = net_get32(p + 12);
	dst = net_get32(p + 16);
	if (!ip_for_us(dst))
		return;
	net_if.st.rx_ip++;
	if ((src & net_if.mask) == (net_if.addr & net_if.mask))
		arp_glean(src, smac);
	if ((net_get16(p + 6) & 0x3fff) != 0) {	/* MF or an offset */
		net_if.st.frags++;
		return;
	}
	switch (p[9]) {
	case NET_PROTO_ICMP:
		/* never answer a broadcast ping: no amplification */
		if (dst == net_if.addr)
			icmp_input(src, p + hl, tl - hl);
		break;
	case NET_PROTO_UDP:
		udp_input(src, dst, p + hl, tl - hl);
		break;
	default:
		net_if.st.noport++;
		break;
	}
}

/*
 * Send len bytes of protocol proto to dst: 0, or -1 (no route, too long,
 * exod refused it).  A packet waiting for ARP counts as sent.
 */
int
ip_output(uint32_t dst, uint8_t proto, const void *l4, size_t len)
{
	uint8_t		 f[EXO_NET_FRAME_MAX], *p = f + NET_ETH_HDR;
	uint32_t	 hop;

	if (!net_if.up || len > NET_MTU - NET_IP_HDR || dst == 0)
		return (-1);
	p[0] = 0x45;
	p[1] = 0;
	net_put16(p + 2, (uint16_t)(NET_IP_HDR + len));
	net_put16(p + 4, ip_id++);
	net_put16(p + 6, 0x4000);		/* DF */
	p[8] = NET_TTL;
	p[9] = proto;
	net_put16(p + 10, 0);
	net_put32(p + 12, net_if.addr);
	net_put32(p + 16, dst);
	net_put16(p + 10, ip_fold(ip_sum(p, NET_IP_HDR, 0)));
	memcpy(p + NET_IP_HDR, l4, len);
	len += NET_ETH_HDR + NET_IP_HDR;
	if (dst == 0xffffffffU || dst == (net_if.addr | ~net_if.mask))
		return (net_eth_send(net_bcast, NET_ETH_IP, f, len));
	if ((dst & net_if.mask) == (net_if.addr & net_if.mask))
		hop = dst;
	else if ((hop = net_if.gw) == 0)
		return (-1);
	return (arp_output(hop, f, len));
}
