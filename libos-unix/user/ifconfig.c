/*
 * ifconfig - the libOS's network interface and its stack's counters:
 *	ifconfig
 * Exit 1 when libos-unix runs without an address (-a).
 */
#include "kernel/types.h"
#include "kernel/net.h"
#include "user/user.h"

static const char hex[] = "0123456789abcdef";

int
main(int argc, char *argv[])
{
	struct netinfo	ni;
	char		a[16], m[16], g[16];
	int		i;

	if (argc != 1) {
		fprintf(2, "usage: ifconfig\n");
		exit(2);
	}
	if (netinfo(&ni) < 0 || ni.addr == 0) {
		fprintf(2, "ifconfig: no network (libos-unix -a)\n");
		exit(1);
	}
	printf("exo0: inet %s netmask %s", ipstr(ni.addr, a),
	    ipstr(ni.mask, m));
	if (ni.gateway != 0)
		printf(" gateway %s", ipstr(ni.gateway, g));
	printf("\n      ether ");
	for (i = 0; i < 6; i++)
		printf("%c%c%s", hex[ni.mac[i] >> 4], hex[ni.mac[i] & 15],
		    i < 5 ? ":" : "\n");
	printf("      rx %lu tx %lu tx_fail %lu ring_drops %lu\n", ni.rx,
	    ni.tx, ni.tx_fail, ni.ring_drops);
	printf("      arp %lu ip %lu icmp %lu udp %lu echo_replies %lu\n",
	    ni.rx_arp, ni.rx_ip, ni.rx_icmp, ni.rx_udp, ni.echo_replies);
	printf("      bad %lu frags %lu noport %lu qdrops %lu "
	    "arp_conflicts %lu arp_drops %lu\n", ni.bad, ni.frags, ni.noport,
	    ni.qdrops, ni.arp_conflicts, ni.arp_drops);
	exit(0);
}
