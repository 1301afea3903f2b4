/*
 * fuzz_unixnet - libFuzzer target for libos-unix's network stack
 * (libos-unix/kern/net*.c): whatever frames arrive in its receive ring,
 * the stack never crashes, never reads or writes outside a frame, keeps
 * its memory, and everything it sends is a well-formed frame from its
 * own addresses (a frame exod's source check would pass).
 *
 * Input: frames, each a 2-byte big-endian length and that many bytes
 * (the last one cut short where the input ends).  Each frame is what
 * exo_net_recv(3) hands the stack, here a stub; after each one a UDP
 * socket sends a datagram to a neighbour (the ARP path) and takes what
 * its queue holds without waiting.  exod and the processes are stubs.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exo.h"
#include "../../libos-unix/kern/defs.h"
#include "../../libos-unix/kern/proc.h"
#include "../../libos-unix/kern/net.h"	/* not exod's */

struct exo	*unix_exo;
int		 unix_verbose;

static const uint8_t	*fz_frame;
static size_t		 fz_len;
static int		 fz_have;
static struct proc	 fz_proc;

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

void
unix_log(const char *fmt, ...)
{
	(void)fmt;
}

const char *
exo_strerror(int error)
{
	return ("stub");
}

int
exo_net_ring_create(struct exo *e, struct exo_net_ring *r, unsigned n)
{
	memset(r, 0, sizeof *r);
	r->slots = 64;
	return (64);
}

int
exo_net_filter(struct exo *e, const char *expr, struct exo_cap *cap,
    uint32_t *class)
{
	memset(cap, 0, sizeof *cap);
	return (0);
}

/* The ring: the one frame of the input now, copied as libexo does. */
int
exo_net_recv(struct exo_net_ring *r, void *buf, size_t max,
    struct exo_net_slot *meta)
{
	size_t	len = fz_len < max ? fz_len : max;

	if (!fz_have)
		return (0);
	fz_have = 0;
	memcpy(buf, fz_frame, len);
	memset(meta, 0, sizeof *meta);
	meta->len = (uint32_t)len;
	return ((int)len);
}

static uint16_t
fz_sum(const uint8_t *p, size_t n)
{
	return (ip_fold(ip_sum(p, n, 0)));
}

/* What exod would check, and more: the stack sends only sane frames. */
int
exo_net_send(struct exo *e, const void *frame, size_t len)
{
	const uint8_t	*f = frame;
	size_t		 hl, tl;

	if (len < 60 || len > EXO_NET_FRAME_MAX ||
	    memcmp(f + 6, net_if.mac, 6) != 0)
		abort();
	switch (net_get16(f + 12)) {
	case NET_ETH_ARP:
		if (net_get32(f + 14 + 14) != net_if.addr)
			abort();
		break;
	case NET_ETH_IP:
		hl = (size_t)(f[14] & 0xf) * 4;
		tl = net_get16(f + 16);
		if (f[14] != 0x45 || tl < hl || 14 + tl > len ||
		    fz_sum(f + 14, hl) != 0 ||
		    net_get32(f + 14 + 12) != net_if.addr)
			abort();
		if (f[14 + 9] == NET_PROTO_ICMP &&
		    fz_sum(f + 14 + hl, tl - hl) != 0)
			abort();
		break;
	default:
		abort();
	}
	return (0);
}

struct proc *
proc_current(void)
{
	return (&fz_proc);
}

/* Never waits: a receive on an empty queue gives up (killed). */
int
proc_killed(struct proc *p)
{
	return (1);
}

void
proc_sleep(void *chan)
{
	abort();	/* unreachable: proc_killed says stop first */
}

void
proc_wakeup(void *chan)
{
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sock	*udp, *icmp;
	uint8_t			 buf[NET_DGRAM_MAX];
	uint32_t		 a;
	size_t			 off = 0, len;
	int			 port;

	if (!net_if.up) {
		if (net_init("10.0.2.15/24", "10.0.2.1") != 0)
			abort();
		udp = sock_alloc(SOCK_UDP, 7);
		icmp = sock_alloc(SOCK_ICMP, 0x77);
		if (udp == NULL || icmp == NULL)
			abort();
	}
	while (off + 2 <= size) {
		len = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (len > size - off)
			len = size - off;
		fz_frame = data + off;
		fz_len = len;
		fz_have = 1;
		off += len;
		net_poll();
		(void)sock_send(udp, "x", 1, 0x0a000202, 9);
		(void)sock_send(icmp, "y", 1, 0x0a000203, 1);
		while (sock_recv(udp, buf, sizeof buf, &a, &port) >= 0)
			;
		while (sock_recv(icmp, buf, sizeof buf, &a, &port) >= 0)
			;
	}
	return (0);
}
