/*
 * net_udp.c - UDP: checking what arrives (lengths; the checksum when the
 * sender gave one) and handing it to the socket bound to its port;
 * sending with a checksum always.
 */
#include "config.h"

#include <string.h>

#include "exo.h"
#include "defs.h"
#include "net.h"

/* The checksum over the pseudo-header and the datagram, not folded. */
static uint32_t
udp_sum(uint32_t src, uint32_t dst, const uint8_t *u, size_t len)
{
	uint8_t	ph[12];

	net_put32(ph, src);
	net_put32(ph + 4, dst);
	ph[8] = 0;
	ph[9] = NET_PROTO_UDP;
	net_put16(ph + 10, (uint16_t)len);
	return (ip_sum(u, len, ip_sum(ph, sizeof ph, 0)));
}

void
udp_input(uint32_t src, uint32_t dst, const uint8_t *p, size_t len)
{
	size_t	ul;

	if (len < NET_UDP_HDR || (ul = net_get16(p + 4)) < NET_UDP_HDR ||
	    ul > len || (net_get16(p + 6) != 0 &&
	    ip_fold(udp_sum(src, dst, p, ul)) != 0)) {
		net_if.st.bad++;
		return;
	}
	net_if.st.rx_udp++;
	sock_deliver(SOCK_UDP, net_get16(p + 2), src, net_get16(p),
	    p + NET_UDP_HDR, ul - NET_UDP_HDR);
}

/* A datagram from our port sport to dst:dport: 0 or -1. */
int
udp_output(uint32_t dst, uint16_t sport, uint16_t dport, const void *data,
    size_t len)
{
	uint8_t		u[NET_MTU];
	uint16_t	sum;

	if (len > NET_DGRAM_MAX || dport == 0)
		return (-1);
	net_put16(u, sport);
	net_put16(u + 2, dport);
	net_put16(u + 4, (uint16_t)(NET_UDP_HDR + len));
	net_put16(u + 6, 0);
	memcpy(u + NET_UDP_HDR, data, len);
	sum = ip_fold(udp_sum(net_if.addr, dst, u, NET_UDP_HDR + len));
	net_put16(u + 6, sum == 0 ? 0xffff : sum);
	return (ip_output(dst, NET_PROTO_UDP, u, NET_UDP_HDR + len));
}
