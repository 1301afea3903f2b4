/*
 * unix-net-peer - the other end of exod's udp: backend, for the tests
 * of libos-unix's network stack: a host at 10.0.2.2 that answers ARP for
 * itself and sends what the test asks for to the libOS at ADDR.
 *
 *	unix-net-peer -p PORT -e EXODPORT ADDR hostile
 *	    the catalogue of malformed and hostile frames (truncated,
 *	    wrong lengths, bad checksums, fragments, ARP spoofing ADDR
 *	    itself, garbage), then one good echo request; exit 0 if its
 *	    reply came
 *	unix-net-peer -w FILE ADDR hostile
 *	    the same catalogue written as a pcap file, for exod -N pcap:
 *	unix-net-peer -p PORT -e EXODPORT [-i us] ADDR flood N [udp PORT]
 *	    N echo requests (or N UDP datagrams to PORT) as fast as the
 *	    socket takes them (-i: one each us microseconds), answering ARP
 *	    meanwhile; prints "sent N replies M"
 *	unix-net-peer -p PORT -e EXODPORT ADDR ping
 *	    one echo request; exit 0 if its reply came within 3 s
 *
 * Only the loopback interface is used.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pkt.h"

#define PEER_ADDR	0x0a000202	/* 10.0.2.2 */

static const uint8_t	peer_mac[6] = { 0x02, 0x00, 0x0a, 0x00, 0x02, 0x02 };
static uint8_t		dst_mac[6];
static uint32_t		dst_addr;
static int		sock = -1;
static pcap_dumper_t	*dump;
static unsigned		nsent, nreplies;

static void
usage(void)
{
	fprintf(stderr, "usage: unix-net-peer -p port -e exodport [-i us] | "
	    "-w file addr\n\thostile|ping|flood n [udp port]\n");
	exit(2);
}

static uint64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

static void
emit(const uint8_t *f, size_t len)
{
	struct pcap_pkthdr	h;

	if (dump != NULL) {
		memset(&h, 0, sizeof h);
		h.ts.tv_usec = (suseconds_t)(nsent % 1000000);
		h.caplen = h.len = (bpf_u_int32)len;
		pcap_dump((u_char *)dump, &h, f);
	} else {
		while (send(sock, f, len, 0) == -1 && errno == ENOBUFS)
			usleep(100);
	}
	nsent++;
}

/* Read what came for a while: answer ARP, count echo replies. */
static void
drain(int ms)
{
	struct pollfd	pfd = { .fd = sock, .events = POLLIN };
	struct pkt_info	pi;
	uint8_t		f[PKT_MAX], r[PKT_MAX];
	ssize_t		n;
	size_t		rl;

	while (poll(&pfd, 1, ms) > 0) {
		if ((n = recv(sock, f, sizeof f, 0)) <= 0)
			continue;
		if (pkt_parse(f, (size_t)n, &pi) != 0)
			continue;
		if (pi.et == PKT_ETH_ARP && pi.arp_op == 1 &&
		    pi.arp_tpa == PEER_ADDR) {
			rl = pkt_arp(r, 2, peer_mac, PEER_ADDR, pi.arp_sha,
			    pi.arp_spa);
			(void)send(sock, r, rl, 0);
		} else if (pi.et == PKT_ETH_IP && pi.proto == 1 &&
		    pi.icmp_type == 0 && pi.src == dst_addr)
			nreplies++;
		else if (pi.et == PKT_ETH_IP && pi.proto == 17 &&
		    pi.src == dst_addr)
			nreplies++;
		if (ms > 0)
			ms = 1;
	}
}

static size_t
echo(uint8_t *f, uint16_t seq)
{
	static const char	data[] = "unix-net-peer echo data 0123456789";

	return (pkt_icmp(f, dst_mac, peer_mac, PEER_ADDR, dst_addr, 8, 0x77,
	    seq, data, sizeof data));
}

static void
fix_ipsum(uint8_t *f)
{
	size_t	hl = (size_t)(f[14] & 0xf) * 4;

	f[24] = f[25] = 0;
	hl = pkt_cksum(f + 14, hl);
	f[24] = (uint8_t)(hl >> 8);
	f[25] = (uint8_t)hl;
}

/* Every kind of bad frame the stack must survive and count. */
static void
hostile(void)
{
	uint8_t		 f[PKT_MAX], g[PKT_MAX];
	static const uint8_t evil[6] = { 0x02, 0x66, 0x66, 0x66, 0x66, 0x66 };
	size_t		 n, i, j;
	uint32_t	 x = 12345;

	/* Ethernet: a bare header, an unknown EtherType */
	n = pkt_eth(f, dst_mac, peer_mac, PKT_ETH_IP);
	emit(f, n);
	n = pkt_eth(f, dst_mac, peer_mac, 0x88b5);
	memset(f + n, 0xab, 50);
	emit(f, n + 50);
	/* ARP: truncated, wrong hardware type, spoofing ADDR itself */
	n = pkt_arp(f, 1, peer_mac, PEER_ADDR, pkt_bcast, dst_addr);
	emit(f, 14 + 20);
	f[15] = 6;
	emit(f, n);
	n = pkt_arp(f, 1, evil, dst_addr, pkt_bcast, dst_addr);
	emit(f, n);
	n = pkt_arp(f, 2, evil, dst_addr, dst_mac, dst_addr);
	emit(f, n);
	n = pkt_arp(f, 2, pkt_bcast, PEER_ADDR + 1, dst_mac, dst_addr);
	emit(f, n);
	/* IPv4 headers: version, IHL, total length both ways, checksum */
	n = echo(f, 1);
	memcpy(g, f, n);
	g[14] = 0x65;
	emit(g, n);
	memcpy(g, f, n);
	g[14] = 0x44;
	fix_ipsum(g);
	emit(g, n);
	memcpy(g, f, n);
	g[14] = 0x4f;
	emit(g, 14 + 40);
	memcpy(g, f, n);
	g[16] = 0x05;		/* total length 1280+: past the frame */
	fix_ipsum(g);
	emit(g, n);
	memcpy(g, f, n);
	g[16] = 0;
	g[17] = 12;		/* under the header */
	fix_ipsum(g);
	emit(g, n);
	memcpy(g, f, n);
	g[24] ^= 0x55;		/* header checksum */
	emit(g, n);
	/* fragments: more-fragments, an offset */
	memcpy(g, f, n);
	g[20] = 0x20;
	fix_ipsum(g);
	emit(g, n);
	memcpy(g, f, n);
	g[20] = 0x00;
	g[21] = 0x10;
	fix_ipsum(g);
	emit(g, n);
	/* ICMP: bad checksum, truncated */
	memcpy(g, f, n);
	g[36] ^= 0x11;
	emit(g, n);
	memcpy(g, f, n);
	g[16] = 0;
	g[17] = 24;
	fix_ipsum(g);
	emit(g, 14 + 24);
	/* UDP: bad checksum, length past the packet, length under 8 */
	n = pkt_udp(f, dst_mac, peer_mac, PEER_ADDR, dst_addr, 5000, 7,
	    "hostile", 7);
	memcpy(g, f, n);
	g[40] = 0x12;		/* a checksum, and a wrong one */
	g[41] = 0x34;
	emit(g, n);
	memcpy(g, f, n);
	g[38] = 0x04;
	emit(g, n);
	memcpy(g, f, n);
	g[38] = 0;
	g[39] = 3;
	emit(g, n);
	/* an echo request with data past the MTU's answer */
	memset(g, 0x5a, sizeof g);
	n = pkt_icmp(f, dst_mac, peer_mac, PEER_ADDR, dst_addr, 8, 0x78, 1,
	    g, PKT_MAX - 42);
	emit(f, n);
	/* garbage: random bytes behind an IPv4 or ARP EtherType */
	for (i = 0; i < 300; i++) {
		n = pkt_eth(f, dst_mac, peer_mac, i % 3 == 0 ? PKT_ETH_ARP :
		    PKT_ETH_IP);
		for (j = 0; j < 60 + i % 200; j++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			f[n + j] = (uint8_t)x;
		}
		if (i % 2 == 0 && f[12] == 0x08 && f[13] == 0)
			f[14] = 0x45;	/* past the version check */
		emit(f, n + j);
	}
}

static int
open_sock(unsigned port, unsigned exodport)
{
	struct sockaddr_in	sin;

	if ((sock = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return (-1);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	if (bind(sock, (struct sockaddr *)&sin, sizeof sin) == -1)
		return (-1);
	sin.sin_port = htons((uint16_t)exodport);
	return (connect(sock, (struct sockaddr *)&sin, sizeof sin));
}

/* One good echo request: 0 if its reply came. */
static int
ping(void)
{
	uint8_t		f[PKT_MAX];
	unsigned	before = nreplies, k;

	for (k = 0; k < 3 && nreplies == before; k++) {
		emit(f, echo(f, 9));
		drain(1000);
	}
	return (nreplies > before ? 0 : 1);
}

int
main(int argc, char **argv)
{
	const char	*file = NULL;
	unsigned	 port = 0, exodport = 0, i, n, uport = 0, gap = 0;
	uint8_t		 f[PKT_MAX], data[64];
	pcap_t		*pc;
	uint64_t	 t;
	int		 ch, r = 0;

	while ((ch = getopt(argc, argv, "e:i:p:w:")) != -1) {
		switch (ch) {
		case 'i':
			gap = (unsigned)atoi(optarg);
			break;
		case 'e':
			exodport = (unsigned)atoi(optarg);
			break;
		case 'p':
			port = (unsigned)atoi(optarg);
			break;
		case 'w':
			file = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2 || (file == NULL && (port == 0 || exodport == 0)))
		usage();
	dst_addr = pkt_addr(argv[0]);
	dst_mac[0] = 0x02;
	for (i = 0; i < 4; i++)
		dst_mac[2 + i] = (uint8_t)(dst_addr >> (24 - 8 * i));
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (file != NULL) {
		if (strcmp(argv[1], "hostile") != 0)
			usage();
		pc = pcap_open_dead(DLT_EN10MB, 65535);
		if (pc == NULL || (dump = pcap_dump_open(pc, file)) == NULL) {
			fprintf(stderr, "unix-net-peer: %s: cannot write\n",
			    file);
			return (1);
		}
		hostile();
		emit(f, echo(f, 9));
		pcap_dump_close(dump);
		pcap_close(pc);
		printf("wrote %u frames\n", nsent);
		return (0);
	}
	if (open_sock(port, exodport) == -1) {
		perror("unix-net-peer: socket");
		return (1);
	}
	if (strcmp(argv[1], "hostile") == 0) {
		hostile();
		drain(200);
		r = ping();
		printf("sent %u replies %u\n", nsent, nreplies);
	} else if (strcmp(argv[1], "ping") == 0) {
		r = ping();
	} else if (strcmp(argv[1], "flood") == 0 && argc >= 3) {
		n = (unsigned)atoi(argv[2]);
		if (argc == 5 && strcmp(argv[3], "udp") == 0)
			uport = (unsigned)atoi(argv[4]);
		memset(data, 'f', sizeof data);
		for (i = 0; i < n; i++) {
			if (uport != 0)
				emit(f, pkt_udp(f, dst_mac, peer_mac,
				    PEER_ADDR, dst_addr, 5001, (uint16_t)uport,
				    data, sizeof data));
			else
				emit(f, echo(f, (uint16_t)i));
			if (gap != 0) {
				usleep(gap);
				drain(0);
			} else if (i % 64 == 0)
				drain(0);
		}
		t = now_ms();
		while (now_ms() - t < 1500)
			drain(100);
		printf("sent %u replies %u\n", n, nreplies);
	} else
		usage();
	return (r);
}
