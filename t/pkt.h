/*
 * pkt.h - Ethernet, ARP, IPv4, UDP and ICMP frames built and read by
 * hand, for the test libOS (t/libos-net), the network tests and
 * exobench.  Addresses are in host order; frames in network order.
 */
#ifndef PKT_H
#define PKT_H

#include <stddef.h>
#include <stdint.h>

#define PKT_MAX		1600
#define PKT_ETH_IP	0x0800
#define PKT_ETH_ARP	0x0806
#define PKT_ETH_IP6	0x86dd
#define PKT_ETH_VLAN	0x8100

extern const uint8_t pkt_bcast[6];

/* What pkt_parse found; fields not present are 0. */
struct pkt_info {
	uint16_t	 et;		/* EtherType (after one VLAN tag: inner) */
	uint8_t		 dmac[6], smac[6];
	/* ARP */
	uint16_t	 arp_op;
	uint8_t		 arp_sha[6];
	uint32_t	 arp_spa, arp_tpa;
	/* IPv4 */
	uint32_t	 src, dst;
	uint8_t		 proto;
	uint8_t		 ttl;
	int		 frag;		/* offset non-zero or MF */
	uint16_t	 sport, dport;	/* UDP, TCP */
	uint8_t		 icmp_type;
	uint16_t	 icmp_id, icmp_seq;
	const uint8_t	*data;		/* UDP payload or ICMP data */
	size_t		 datalen;
};

uint16_t pkt_cksum(const void *, size_t);
size_t	 pkt_eth(uint8_t *, const uint8_t *, const uint8_t *, uint16_t);
/* An IPv4 packet after an Ethernet header: l4 bytes as given. */
size_t	 pkt_ipv4(uint8_t *, const uint8_t *, const uint8_t *, uint32_t,
	    uint32_t, uint8_t, uint16_t, const void *, size_t);
size_t	 pkt_udp(uint8_t *, const uint8_t *, const uint8_t *, uint32_t,
	    uint32_t, uint16_t, uint16_t, const void *, size_t);
size_t	 pkt_tcp(uint8_t *, const uint8_t *, const uint8_t *, uint32_t,
	    uint32_t, uint16_t, uint16_t);
size_t	 pkt_icmp(uint8_t *, const uint8_t *, const uint8_t *, uint32_t,
	    uint32_t, uint8_t, uint16_t, uint16_t, const void *, size_t);
size_t	 pkt_arp(uint8_t *, uint16_t, const uint8_t *, uint32_t,
	    const uint8_t *, uint32_t);
int	 pkt_parse(const uint8_t *, size_t, struct pkt_info *);
uint32_t pkt_addr(const char *);

#endif /* PKT_H */
