/*
 * net.c - libos-unix's network interface: its address, the filters that
 * bind its traffic, the receive ring, and Ethernet framing.
 *
 * With -a ADDR/LEN the libOS makes a receive ring in frames of its own
 * and installs exactly two filters: "arp" (shared by every libOS: exod
 * gives each ARP frame to all who ask) and "ip dst host ADDR" (its own,
 * refused if another libOS has claimed the address).  exod writes
 * accepted frames into the ring whether the libOS runs or not; the
 * receive interrupt only ends an idle wait.  The scheduler drains the
 * ring in ordinary context (net_poll, from its housekeeping), at most
 * NET_POLL_MAX frames at a time so that a flood cannot starve the
 * processes; what does not fit in the ring exod drops and counts.
 * The frames are copied out of the ring (shared memory, exod's to write)
 * before anything looks at them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exo.h"
#include "defs.h"
#include "net.h"

#define NET_RING_FRAMES	32	/* 64 slots of 2 KiB */
#define NET_POLL_MAX	64	/* frames handled per poll */

struct net_if		net_if;
const uint8_t		net_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static struct exo_net_ring	net_ring;
static struct exo_cap		net_filters[2];
static volatile uint64_t	net_ring_drops;	/* the interrupt's count */

uint16_t
net_get16(const uint8_t *p)
{
	return ((uint16_t)(p[0] << 8 | p[1]));
}

uint32_t
net_get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

void
net_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void
net_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

uint64_t
net_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

/* "A.B.C.D" into *a (host order): 0, or -1 if it is not one. */
int
net_parse_addr(const char *s, uint32_t *a)
{
	unsigned long	 v;
	uint32_t	 r = 0;
	char		*end;
	int		 i;

	for (i = 0; i < 4; i++) {
		if (*s < '0' || *s > '9')
			return (-1);
		v = strtoul(s, &end, 10);
		if (v > 255 || end - s > 3)
			return (-1);
		r = r << 8 | (uint32_t)v;
		s = end;
		if (i < 3 && *s++ != '.')
			return (-1);
	}
	if (*s != '\0')
		return (-1);
	*a = r;
	return (0);
}

/* "ADDR/LEN" (LEN 1..30, default 24) and an optional gateway. */
static int
net_parse(const char *spec, const char *gw)
{
	char		 buf[32], *slash, *end;
	unsigned long	 len = 24;

	if (snprintf(buf, sizeof buf, "%s", spec) >= (int)sizeof buf)
		return (-1);
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash++ = '\0';
		len = strtoul(slash, &end, 10);
		if (*slash < '0' || *slash > '9' || *end != '\0' || len < 1 ||
		    len > 30)
			return (-1);
	}
	if (net_parse_addr(buf, &net_if.addr) != 0 || net_if.addr == 0)
		return (-1);
	net_if.mask = (uint32_t)(0xffffffffULL << (32 - len));
	if (gw != NULL && (net_parse_addr(gw, &net_if.gw) != 0 ||
	    (net_if.gw & net_if.mask) != (net_if.addr & net_if.mask) ||
	    net_if.gw == net_if.addr))
		return (-1);
	return (0);
}

/*
 * Bring the interface up: address, ring, filters.  0, or -1 with a
 * message (a bad -a or -g is the caller's usage error: -2).
 */
int
net_init(const char *spec, const char *gw)
{
	char		expr[64];
	struct in {
		uint8_t	b[4];
	}		a;
	int		error, i;

	if (net_parse(spec, gw) != 0)
		return (-2);
	net_put32(a.b, net_if.addr);
	net_if.mac[0] = 0x02;	/* locally administered, from the address */
	net_if.mac[1] = 0x00;
	memcpy(net_if.mac + 2, a.b, 4);
	if ((error = exo_net_ring_create(unix_exo, &net_ring,
	    NET_RING_FRAMES)) < 0) {
		unix_log("network: the receive ring: %s", exo_strerror(error));
		return (-1);
	}
	snprintf(expr, sizeof expr, "ip dst host %u.%u.%u.%u", a.b[0], a.b[1],
	    a.b[2], a.b[3]);
	if ((error = exo_net_filter(unix_exo, "arp", &net_filters[0],
	    NULL)) != 0 || (error = exo_net_filter(unix_exo, expr,
	    &net_filters[1], NULL)) != 0) {
		unix_log("network: the filter for %s: %s", spec,
		    exo_strerror(error));
		return (-1);
	}
	net_if.st.addr = net_if.addr;
	net_if.st.mask = net_if.mask;
	net_if.st.gateway = net_if.gw;
	for (i = 0; i < 6; i++)
		net_if.st.mac[i] = net_if.mac[i];
	net_if.up = 1;
	return (0);
}

/* The receive interrupt (signal context): note exod's drop count only. */
void
net_intr(const struct exo_intr *in)
{
	if (in->kind == EXO_INTR_NET && in->value > net_ring_drops)
		net_ring_drops = in->value;
}

/* Frames from the ring, each copied out, then checked and handled. */
void
net_poll(void)
{
	static uint8_t		f[EXO_NET_SLOT_DATA];
	struct exo_net_slot	s;
	int			n, k;

	if (!net_if.up)
		return;
	net_if.st.ring_drops = net_ring_drops;
	for (k = 0; k < NET_POLL_MAX; k++) {
		if ((n = exo_net_recv(&net_ring, f, sizeof f, &s)) <= 0)
			break;
		net_if.st.rx++;
		if (n < NET_ETH_HDR) {
			net_if.st.bad++;
			continue;
		}
		switch (net_get16(f + 12)) {
		case NET_ETH_ARP:
			arp_input(f + NET_ETH_HDR, (size_t)n - NET_ETH_HDR);
			break;
		case NET_ETH_IP:
			ip_input(f + 6, f + NET_ETH_HDR,
			    (size_t)n - NET_ETH_HDR);
			break;
		default:
			net_if.st.bad++;
			break;
		}
	}
	sock_tick();
}

/* Is a process waiting for the network (the idle loop must come back)? */
int
net_sleepers(void)
{
	return (net_if.up && sock_waiting());
}

/*
 * Send frame f, len bytes with NET_ETH_HDR of room at its start, to dst:
 * 0, or -1 if exod refused it.
 */
int
net_eth_send(const uint8_t *dst, uint16_t type, uint8_t *f, size_t len)
{
	int	error;

	memcpy(f, dst, 6);
	memcpy(f + 6, net_if.mac, 6);
	net_put16(f + 12, type);
	if (len < 60) {		/* the Ethernet minimum, padded with zeros */
		memset(f + len, 0, 60 - len);
		len = 60;
	}
	if ((error = exo_net_send(unix_exo, f, len)) != 0) {
		net_if.st.tx_fail++;
		if (unix_verbose)
			unix_log("network: send: %s", exo_strerror(error));
		return (-1);
	}
	net_if.st.tx++;
	return (0);
}
