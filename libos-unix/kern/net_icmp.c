/*
 * net_icmp.c - ICMP: echo requests answered, echo replies to the sockets
 * of type SOCK_ICMP (by identifier), echo requests sent for them.
 * Every other type is counted and dropped.  A message with a bad
 * checksum is dropped before anything else looks at it.
 */
#include "config.h"

#include <string.h>

#include "exo.h"
#include "defs.h"
#include "net.h"

#define ICMP_ECHOREPLY	0
#define ICMP_ECHO	8

static int
icmp_send(uint32_t dst, uint8_t type, uint16_t id, uint16_t seq,
    const void *data, size_t len)
{
	uint8_t	m[NET_MTU];

	if (len > NET_MTU - NET_IP_HDR - NET_ICMP_HDR)
		return (-1);
	m[0] = type;
	m[1] = 0;
	net_put16(m + 2, 0);
	net_put16(m + 4, id);
	net_put16(m + 6, seq);
	memcpy(m + NET_ICMP_HDR, data, len);
	net_put16(m + 2, ip_fold(ip_sum(m, NET_ICMP_HDR + len, 0)));
	return (ip_output(dst, NET_PROTO_ICMP, m, NET_ICMP_HDR + len));
}

void
icmp_input(uint32_t src, const uint8_t *p, size_t len)
{
	if (len < NET_ICMP_HDR || ip_fold(ip_sum(p, len, 0)) != 0) {
		net_if.st.bad++;
		return;
	}
	net_if.st.rx_icmp++;
	switch (p[0]) {
	case ICMP_ECHO:
		if (p[1] == 0 && icmp_send(src, ICMP_ECHOREPLY,
		    net_get16(p + 4), net_get16(p + 6), p + NET_ICMP_HDR,
		    len - NET_ICMP_HDR) == 0)
			net_if.st.echo_replies++;
		break;
	case ICMP_ECHOREPLY:
		sock_deliver(SOCK_ICMP, net_get16(p + 4), src,
		    net_get16(p + 6), p + NET_ICMP_HDR, len - NET_ICMP_HDR);
		break;
	}
}

/* An echo request to dst: 0 or -1. */
int
icmp_echo(uint32_t dst, uint16_t id, uint16_t seq, const void *data,
    size_t len)
{
	return (icmp_send(dst, ICMP_ECHO, id, seq, data, len));
}
