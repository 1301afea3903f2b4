/*
 * kernel/net.h - the network of libos-unix as its programs see it: the
 * socket types of socket(2) and what netinfo(2) and arpinfo(2) report.
 * The calls themselves are in user/user.h; libos-unix-syscalls(2) says
 * what each does and when it fails.  Addresses and ports are in host
 * byte order everywhere in this interface.
 */
#ifndef KERNEL_NET_H
#define KERNEL_NET_H

/* socket(2) types */
#define SOCK_UDP	1	/* UDP datagrams, bound to a local port */
#define SOCK_ICMP	2	/* ICMP echo: requests out, replies in */

#define NET_DGRAM_MAX	1472	/* payload of one datagram: 1500 - 20 - 8 */

/* The interface and the stack's counters (netinfo(2)). */
struct netinfo {
	uint32	addr;		/* 0: libos-unix runs without -a */
	uint32	mask;
	uint32	gateway;	/* 0: none */
	uint8	mac[6];
	uint16	pad;
	uint64	rx;		/* frames taken from the receive ring */
	uint64	tx;		/* frames exod accepted to send */
	uint64	tx_fail;	/* frames exod refused */
	uint64	rx_arp;		/* ARP frames for us */
	uint64	rx_ip;		/* IPv4 packets for us */
	uint64	rx_icmp;	/* ICMP messages */
	uint64	rx_udp;		/* UDP datagrams */
	uint64	echo_replies;	/* echo requests answered */
	uint64	bad;		/* malformed: lengths, checksums, versions */
	uint64	frags;		/* IPv4 fragments, dropped */
	uint64	noport;		/* UDP to a port nobody bound */
	uint64	qdrops;		/* datagrams lost to a full socket queue */
	uint64	ring_drops;	/* frames exod lost to our full ring */
	uint64	arp_conflicts;	/* ARP from another host with our address */
	uint64	arp_drops;	/* packets lost waiting for an ARP reply */
};

/* arpinfo(2): one entry of the ARP cache. */
#define ARP_PENDING	1	/* asked, no reply yet */
#define ARP_VALID	2

struct arpent {
	uint32	addr;
	uint8	mac[6];
	uint8	state;		/* ARP_* */
	uint8	pad;
	uint32	age_ms;		/* since it was last confirmed */
};

#endif
