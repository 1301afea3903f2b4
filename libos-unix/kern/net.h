/*
 * net.h - libos-unix's network stack: what its files (net*.c, sysnet.c)
 * offer each other.  libos-unix(7) NETWORK describes the whole.
 *
 * Everything here runs in ordinary context (a process in the libOS or
 * the scheduler), never in a signal handler: the receive interrupt only
 * ends an idle wait, and the scheduler drains the ring (net_poll).
 * Addresses and ports are in host order; frames in network order.
 */
#ifndef KERN_NET_H
#define KERN_NET_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/types.h"
#include "kernel/net.h"

#define NET_ETH_HDR	14
#define NET_IP_HDR	20
#define NET_UDP_HDR	8
#define NET_ICMP_HDR	8
#define NET_ETH_IP	0x0800
#define NET_ETH_ARP	0x0806
#define NET_PROTO_ICMP	1
#define NET_PROTO_UDP	17
#define NET_MTU		1500
#define NET_TTL		64

struct exo_intr;

/* net.c: the interface, the ring, framing */
struct net_if {
	int		 up;		/* -a was given and the ring is made */
	uint32_t	 addr, mask, gw;
	uint8_t		 mac[6];
	struct netinfo	 st;		/* counters; addr..mac mirror above */
};
extern struct net_if	net_if;
extern const uint8_t	net_bcast[6];

int		 net_parse_addr(const char *, uint32_t *);
int		 net_init(const char *, const char *);
void		 net_poll(void);
void		 net_intr(const struct exo_intr *);
int		 net_sleepers(void);
uint64_t	 net_now_ms(void);
int		 net_eth_send(const uint8_t *, uint16_t, uint8_t *, size_t);
uint16_t	 net_get16(const uint8_t *);
uint32_t	 net_get32(const uint8_t *);
void		 net_put16(uint8_t *, uint16_t);
void		 net_put32(uint8_t *, uint32_t);

/* net_arp.c: the ARP cache; resolving and sending */
void		 arp_input(const uint8_t *, size_t);
int		 arp_output(uint32_t, uint8_t *, size_t);
int		 arp_entry(int, struct arpent *);
void		 arp_glean(uint32_t, const uint8_t *);

/* net_ip.c: IPv4 in and out, the checksum */
uint32_t	 ip_sum(const void *, size_t, uint32_t);
uint16_t	 ip_fold(uint32_t);
void		 ip_input(const uint8_t *, const uint8_t *, size_t);
int		 ip_output(uint32_t, uint8_t, const void *, size_t);

/* net_icmp.c */
void		 icmp_input(uint32_t, const uint8_t *, size_t);
int		 icmp_echo(uint32_t, uint16_t, uint16_t, const void *,
		    size_t);

/* net_udp.c */
void		 udp_input(uint32_t, uint32_t, const uint8_t *, size_t);
int		 udp_output(uint32_t, uint16_t, uint16_t, const void *,
		    size_t);

/* net_sock.c: sockets, their queues, blocking */
struct sock;
struct sock	*sock_alloc(int, int);
void		 sock_free(struct sock *);
int		 sock_connect(struct sock *, uint32_t, int);
void		 sock_deliver(int, uint16_t, uint32_t, uint16_t,
		    const void *, size_t);
int		 sock_recv(struct sock *, void *, int, uint32_t *, int *);
int		 sock_send(struct sock *, const void *, int, uint32_t, int);
int		 sock_timeout(struct sock *, int);
void		 sock_tick(void);
int		 sock_waiting(void);

#endif
