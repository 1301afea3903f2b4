/*
 * netbench - libos-unix's side of exobench's network figures:
 *	netbench host port count
 *
 * Against a UDP echo server at host:port (udpecho) and host's ICMP echo:
 * count UDP round trips of 64 bytes, one at a time; count ICMP echo round
 * trips of 56 bytes; and count datagrams of 1400 bytes with up to
 * NB_WINDOW in flight, echoed.  Prints "udp_rtt_ns N", "icmp_rtt_ns N",
 * "udp_tput_Bps N" (echoed bytes per second) and "udp_lost N".
 */
#include "kernel/types.h"
#include "kernel/net.h"
#include "user/user.h"

#define NB_WINDOW	8
#define NB_BIG		1400

static uchar	buf[NET_DGRAM_MAX], in[NET_DGRAM_MAX];

static uint64
rtt(int fd, int n, int size)
{
	uint64	t0;
	uint	from;
	int	i, port;

	t0 = uptimeus();
	for (i = 0; i < n; i++) {
		buf[0] = (uchar)i;
		if (sendto(fd, buf, size, 0, i) != size ||
		    recvfrom(fd, in, sizeof in, &from, &port) < 0)
			return (0);
	}
	return ((uptimeus() - t0) * 1000 / (uint64)n);
}

int
main(int argc, char *argv[])
{
	uint64	t0, us, bytes = 0;
	uint	dst, from;
	int	u, ic, n, port, i, fly = 0, lost = 0, got, p;

	if (argc != 4 || ipaddr(argv[1], &dst) != 0 ||
	    (port = atoi(argv[2])) < 1 || (n = atoi(argv[3])) < 1) {
		fprintf(2, "usage: netbench host port count\n");
		exit(2);
	}
	if ((u = socket(SOCK_UDP, 0)) < 0 || connect(u, dst, port) < 0 ||
	    (ic = socket(SOCK_ICMP, 0)) < 0 || connect(ic, dst, 0) < 0) {
		fprintf(2, "netbench: no network\n");
		exit(1);
	}
	sotimeout(u, 500);
	sotimeout(ic, 500);
	memset(buf, 'n', sizeof buf);
	rtt(u, n / 10 + 1, 64);		/* ARP, caches, the peer's too */
	printf("udp_rtt_ns %lu\n", rtt(u, n, 64));
	rtt(ic, n / 10 + 1, 56);
	printf("icmp_rtt_ns %lu\n", rtt(ic, n, 56));
	t0 = uptimeus();
	for (i = 0; i < n || fly > 0; ) {
		while (i < n && fly < NB_WINDOW) {
			if (write(u, buf, NB_BIG) != NB_BIG) {
				fprintf(2, "netbench: cannot send\n");
				exit(1);
			}
			i++;
			fly++;
		}
		if ((got = recvfrom(u, in, sizeof in, &from, &p)) < 0) {
			lost += fly;	/* the window timed out: all gone */
			fly = 0;
			continue;
		}
		bytes += (uint64)got;
		fly--;
	}
	us = uptimeus() - t0;
	printf("udp_tput_Bps %lu\n", us > 0 ? bytes * 1000000 / us : 0);
	printf("udp_lost %d\n", lost);
	exit(0);
}
