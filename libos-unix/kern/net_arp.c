/*
 * net_arp.c - ARP: answering for our address, the cache, and resolving
 * the next hop of an outgoing packet.
 *
 * The cache has ARP_ENTRIES entries.  An entry is learnt only from a
 * request for our address or a reply to us, and never for our own
 * address (another host claiming it is counted as a conflict and
 * ignored: ARP spoofing of our address changes nothing), nor for a group
 * or zero hardware address.  A valid entry lives ARP_TTL_MS after its
 * last confirmation.  A packet for an unresolved next hop waits in its
 * entry, one per entry (a newer one replaces it, the older is counted as
 * lost), while a request goes out; a pending entry asks again at most
 * every ARP_RETRY_MS and gives up after ARP_GIVEUP_MS.  An IPv4 packet
 * from a neighbour we are asking about answers the question (gleaning,
 * as lwIP may): under a flood that fills the ring the ARP reply may be
 * lost, but the traffic itself still names the peer.  Gleaning never
 * makes an entry nor changes a valid one, so forged sources cannot
 * churn the cache.  When the cache
 * is full the oldest entry goes.  So memory is bounded whatever arrives.
 */
#include "config.h"

#include <string.h>

#include "exo.h"
#include "defs.h"
#include "net.h"

#define ARP_ENTRIES	32
#define ARP_TTL_MS	60000
#define ARP_RETRY_MS	1000
#define ARP_GIVEUP_MS	3000
#define ARP_LEN		28	/* Ethernet/IPv4 ARP payload */

struct arp_ent {
	uint32_t	 addr;		/* 0: free */
	uint8_t		 mac[6];	/* VALID: the answer */
	int		 state;		/* ARP_PENDING or ARP_VALID */
	uint64_t	 stamp_ms;	/* VALID: confirmed; PENDING: asked */
	uint64_t	 first_ms;	/* PENDING: first asked */
	size_t		 hold_len;	/* 0: no packet waits */
	uint8_t		 hold[EXO_NET_FRAME_MAX]; /* a frame, eth room first */
};

static struct arp_ent	arp_tab[ARP_ENTRIES];

static struct arp_ent *
arp_find(uint32_t a)
{
	struct arp_ent	*e;
	uint64_t	 now = net_now_ms();

	for (e = arp_tab; e < arp_tab + ARP_ENTRIES; e++) {
		if (e->addr == 0)
			continue;
		if ((e->state == ARP_VALID && now - e->stamp_ms > ARP_TTL_MS) ||
		    (e->state == ARP_PENDING && now - e->first_ms >
		    ARP_GIVEUP_MS)) {
			if (e->hold_len != 0)
				net_if.st.arp_drops++;
			e->addr = 0;
			e->hold_len = 0;
			continue;
		}
		if (e->addr == a)
			return (e);
	}
	return (NULL);
}

/* A fresh entry for a: a free one, else the oldest. */
static struct arp_ent *
arp_new(uint32_t a)
{
	struct arp_ent	*e, *old = arp_tab;

	for (e = arp_tab; e < arp_tab + ARP_ENTRIES; e++) {
		if (e->addr == 0) {
			old = e;
			break;
		}
		if (e->stamp_ms < old->stamp_ms)
			old = e;
	}
	if (old->addr != 0 && old->hold_len != 0)
		net_if.st.arp_drops++;
	memset(old, 0, offsetof(struct arp_ent, hold));
	old->addr = a;
	return (old);
}

static int
arp_send(uint16_t op, const uint8_t *tha, uint32_t tpa, const uint8_t *dst)
{
	uint8_t	f[64], *p = f + NET_ETH_HDR;

	net_put16(p, 1);		/* Ethernet */
	net_put16(p + 2, NET_ETH_IP);
	p[4] = 6;
	p[5] = 4;
	net_put16(p + 6, op);
	memcpy(p + 8, net_if.mac, 6);
	net_put32(p + 14, net_if.addr);
	memcpy(p + 18, tha, 6);
	net_put32(p + 24, tpa);
	return (net_eth_send(dst, NET_ETH_ARP, f, NET_ETH_HDR + ARP_LEN));
}

static int
arp_mac_ok(const uint8_t *m)
{
	static const uint8_t	zero[6];

	return ((m[0] & 1) == 0 && memcmp(m, zero, 6) != 0);
}

/* Learn a -> mac; send the packet that waited for it. */
static void
arp_learn(uint32_t a, const uint8_t *mac, int create)
{
	struct arp_ent	*e;

	if ((e = arp_find(a)) == NULL) {
		if (!create)
			return;
		e = arp_new(a);
	}
	memcpy(e->mac, mac, 6);
	e->state = ARP_VALID;
	e->stamp_ms = net_now_ms();
	if (e->hold_len != 0) {
		(void)net_eth_send(e->mac, NET_ETH_IP, e->hold, e->hold_len);
		e->hold_len = 0;
	}
}

/* A neighbour's link address from its IPv4 packet (see above). */
void
arp_glean(uint32_t a, const uint8_t *mac)
{
	struct arp_ent	*e = arp_find(a);

	if (e == NULL || e->state != ARP_PENDING || !arp_mac_ok(mac))
		return;
	arp_learn(a, mac, 0);
}

/* An ARP packet (after the Ethernet header), len bytes. */
void
arp_input(const uint8_t *p, size_t len)
{
	uint32_t	spa, tpa;
	uint16_t	op;

	if (len < ARP_LEN || net_get16(p) != 1 || net_get16(p + 2) !=
	    NET_ETH_IP || p[4] != 6 || p[5] != 4) {
		net_if.st.bad++;
		return;
	}
	op = net_get16(p + 6);
	spa = net_get32(p + 14);
	tpa = net_get32(p + 24);
	if (tpa != net_if.addr && spa != net_if.addr)
		return;			/* somebody else's conversation */
	net_if.st.rx_arp++;
	if (spa == net_if.addr) {
		/* Our address from another MAC (exod gives us our own
		 * frames never): a conflict or a spoof; trust neither. */
		if (memcmp(p + 8, net_if.mac, 6) != 0)
			net_if.st.arp_conflicts++;
		return;
	}
	if ((op != 1 && op != 2) || spa == 0 || !arp_mac_ok(p + 8)) {
		net_if.st.bad++;
		return;
	}
	arp_learn(spa, p + 8, 1);
	if (op == 1)
		(void)arp_send(2, p + 8, spa, p + 8);
}

/*
 * Send IPv4 frame f (len bytes, Ethernet header room first) to next hop
 * a: at once if a is known, else after an ARP request.  0, or -1 if
 * exod refused the frame.
 */
int
arp_output(uint32_t a, uint8_t *f, size_t len)
{
	static const uint8_t	 zero[6];
	struct arp_ent		*e;
	uint64_t		 now = net_now_ms();

	if ((e = arp_find(a)) != NULL && e->state == ARP_VALID)
		return (net_eth_send(e->mac, NET_ETH_IP, f, len));
	if (e == NULL) {
		e = arp_new(a);
		e->state = ARP_PENDING;
		e->first_ms = now;
	} else if (now - e->stamp_ms < ARP_RETRY_MS)
		goto hold;
	e->stamp_ms = now;
	if (arp_send(1, zero, a, net_bcast) != 0)
		return (-1);
hold:
	if (e->hold_len != 0)
		net_if.st.arp_drops++;
	memcpy(e->hold, f, len);
	e->hold_len = len;
	return (0);
}

/* Entry i of the cache (arpinfo(2)): 1 and *ae, 0 if free, -1 past. */
int
arp_entry(int i, struct arpent *ae)
{
	struct arp_ent	*e;

	if (i < 0 || i >= ARP_ENTRIES)
		return (-1);
	(void)arp_find(0);		/* expire what is old */
	e = &arp_tab[i];
	if (e->addr == 0)
		return (0);
	memset(ae, 0, sizeof *ae);
	ae->addr = e->addr;
	memcpy(ae->mac, e->mac, 6);
	ae->state = (uint8)e->state;
	ae->age_ms = (uint32)(net_now_ms() - e->stamp_ms);
	return (1);
}
