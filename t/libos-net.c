/*
 * libos-net - a test libOS on exod's network interface: it installs
 * filters, takes packets from its receive ring, answers ARP and ICMP
 * echo for its address, and sends UDP.  Its structure is the one a
 * libOS network stack has (libos-unix's will grow from it):
 *
 *	1. bind traffic: filters in tcpdump syntax, one per claim; exod
 *	   verifies and merges them, and refuses what another libOS owns;
 *	2. a receive ring in frames of its own: exod writes packets there
 *	   even while this libOS is descheduled, then raises the interrupt;
 *	3. the interrupt only notes that the ring has work; the main loop
 *	   drains the ring (never in signal context) and answers;
 *	4. sending is a request; exod checks the source is one we claimed.
 *
 * usage: libos-net -S sock -a addr [-HPq] [-c count] [-f expr]...
 *	      [-h so] [-M mac] [-n name] [-r frames] [-s slot]
 *	      [-u dst:dport:sport:text]...
 *
 *	-a addr   our IPv4 address (answers ARP and ICMP echo for it)
 *	-M mac    our Ethernet address (default 02:00:<addr>)
 *	-f expr   install a filter (tcpdump syntax); prints
 *	          "filter id=N class=C" or "filter error=E"
 *	-r n      receive ring of n frames (default 2: 4 slots)
 *	-s pos    claim slot pos; prints "claimed ..." as libos-cpu does
 *	-u ...    send a UDP datagram at start (to the broadcast MAC)
 *	-h so     attach a native handler to the first filter
 *	-H        hold: never read the ring (it fills; exod drops and counts)
 *	-c n      exit after n packets
 *	-P        print "ready libos=ID", then wait for a byte on stdin
 *
 * Lines: "intr count=N drops=N tick=N switches=N t_ns=N" for each
 * receive interrupt; "rx seq=N len=N filter=N stamp_ns=N group=G
 * what=arp|icmp|udp|other [src=A sport=N dport=N text=T]" for each packet;
 * "answered arp|icmp"; "sent status=S".
 */
#include <sys/types.h>

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exo.h"
#include "pkt.h"

#define INTR_MAX	256
#define SENDS_MAX	16
#define FILTERS_MAX	16

struct intr_rec {
	uint32_t	count, dropped;
	uint64_t	drops, tick, switches, t_ns;
};

static struct exo	*e;
static struct intr_rec	 intrs[INTR_MAX];
static volatile unsigned nintrs;
static uint32_t		 my_addr;
static uint8_t		 my_mac[6];

static uint64_t
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

/* Interrupts run in signal context: note them, the loop does the work. */
static int
on_interrupt(struct exo *x, const struct exo_intr *in, void *arg)
{
	const struct exo_expose	*xp = exo_expose(x);
	struct intr_rec		*r;

	if (in->kind != EXO_INTR_NET || nintrs >= INTR_MAX)
		return (0);
	r = &intrs[nintrs];
	r->count = in->count;
	r->dropped = in->dropped;
	r->drops = in->value;
	r->tick = xp != NULL ? xp->tick : 0;
	r->switches = xp != NULL ? xp->switches : 0;
	r->t_ns = now_ns();
	nintrs++;
	return (0);
}

static void
usage(void)
{
	fprintf(stderr, "usage: libos-net -S sock -a addr [-HPq] [-c count] "
	    "[-f expr]...\n\t[-h so] [-M mac] [-n name] [-r frames] "
	    "[-s slot] [-u dst:dport:sport:text]...\n");
	exit(2);
}

static void
answer_arp(const struct pkt_info *pi)
{
	uint8_t	f[PKT_MAX];
	size_t	n;
	int	error;

	if (pi->arp_op != 1 || pi->arp_tpa != my_addr)
		return;
	n = pkt_arp(f, 2, my_mac, my_addr, pi->arp_sha, pi->arp_spa);
	error = exo_net_send(e, f, n);
	printf("answered arp status=%d\n", error);
}

static void
answer_icmp(const struct pkt_info *pi)
{
	uint8_t	f[PKT_MAX];
	size_t	n;
	int	error;

	if (pi->icmp_type != 8 || pi->dst != my_addr)
		return;
	n = pkt_icmp(f, pi->smac, my_mac, my_addr, pi->src, 0, pi->icmp_id,
	    pi->icmp_seq, pi->data, pi->datalen);
	error = exo_net_send(e, f, n);
	printf("answered icmp seq=%u status=%d\n", pi->icmp_seq, error);
}

static void
show_packet(const struct exo_net_slot *s, const uint8_t *buf, size_t len)
{
	struct pkt_info	pi;
	struct in_addr	in;
	const char	*what = "other";
	char		text[64];
	size_t		tl;

	(void)pkt_parse(buf, len, &pi);
	if (pi.et == PKT_ETH_ARP)
		what = "arp";
	else if (pi.et == PKT_ETH_IP && pi.proto == 1)
		what = "icmp";
	else if (pi.et == PKT_ETH_IP && pi.proto == 17)
		what = "udp";
	printf("rx seq=%u len=%zu filter=%llu stamp_ns=%llu group=%d what=%s",
	    s->seq, len, (unsigned long long)s->filter,
	    (unsigned long long)s->stamp_ns,
	    (s->flags & EXO_NET_SLOT_GROUP) != 0, what);
	if (pi.et == PKT_ETH_IP && pi.proto == 17 && pi.data != NULL) {
		tl = pi.datalen < sizeof text - 1 ? pi.datalen : sizeof text - 1;
		memcpy(text, pi.data, tl);
		text[tl] = '\0';
		in.s_addr = htonl(pi.src);
		printf(" src=%s sport=%u dport=%u text=%s", inet_ntoa(in),
		    pi.sport, pi.dport, text);
	}
	printf("\n");
	if (pi.et == PKT_ETH_ARP)
		answer_arp(&pi);
	else if (pi.et == PKT_ETH_IP && pi.proto == 1)
		answer_icmp(&pi);
}

/* "dst:dport:sport:text": one datagram from our address. */
static void
send_udp(const char *spec)
{
	char		 buf[256], *dport, *sport, *text;
	uint8_t		 f[PKT_MAX];
	size_t		 n;
	int		 error;

	snprintf(buf, sizeof buf, "%s", spec);
	if ((dport = strchr(buf, ':')) == NULL ||
	    (sport = strchr(dport + 1, ':')) == NULL ||
	    (text = strchr(sport + 1, ':')) == NULL)
		usage();
	*dport++ = *sport++ = *text++ = '\0';
	n = pkt_udp(f, pkt_bcast, my_mac, my_addr, pkt_addr(buf),
	    (uint16_t)atoi(sport), (uint16_t)atoi(dport), text, strlen(text));
	error = exo_net_send(e, f, n);
	printf("sent status=%d %s\n", error, error ? exo_strerror(error) : "");
}

static int
parse_mac(const char *s, uint8_t *mac)
{
	unsigned	v[6];
	int		i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4],
	    &v[5]) != 6)
		return (-1);
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return (0);
}

static void
print_claimed(void)
{
	const struct exo_expose	*x = exo_expose(e);
	unsigned		 i, j;

	printf("claimed libos=%u t0_ns=%llu quantum_us=%u nslots=%u slots=",
	    exo_libos_id(e), (unsigned long long)x->t0_ns, x->quantum_us,
	    x->nslots);
	for (i = 0, j = 0; i < x->nslots && i < EXO_SLOTS_MAX; i++)
		if (x->slot_mask[i / 64] & (1ULL << (i % 64)))
			printf("%s%u", j++ ? "," : "", i);
	printf("\n");
}

int
main(int argc, char **argv)
{
	const char		*sock = NULL, *name = "libos-net", *handler = NULL;
	const char		*filters[FILTERS_MAX], *sends[SENDS_MAX];
	struct exo_net_ring	 ring;
	struct exo_net_slot	 s;
	struct exo_cap		 caps[FILTERS_MAX], slotcap;
	uint8_t			 buf[EXO_NET_SLOT_DATA];
	unsigned		 nfilters = 0, nsends = 0, seen = 0, i, shown = 0;
	unsigned		 frames = 2, pos = 0;
	unsigned long		 count = 0, got = 0;
	uint32_t		 class;
	int			 ch, error, hold = 0, pause = 0, slot = -1, n;
	char			 c;
	sigset_t		 mask;

	while ((ch = getopt(argc, argv, "a:c:f:Hh:M:n:Pr:S:s:u:")) != -1) {
		switch (ch) {
		case 'a':
			my_addr = pkt_addr(optarg);
			break;
		case 'c':
			count = strtoul(optarg, NULL, 10);
			break;
		case 'f':
			if (nfilters == FILTERS_MAX)
				usage();
			filters[nfilters++] = optarg;
			break;
		case 'H':
			hold = 1;
			break;
		case 'h':
			handler = optarg;
			break;
		case 'M':
			if (parse_mac(optarg, my_mac) == -1)
				usage();
			break;
		case 'n':
			name = optarg;
			break;
		case 'P':
			pause = 1;
			break;
		case 'r':
			frames = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'S':
			sock = optarg;
			break;
		case 's':
			slot = atoi(optarg);
			break;
		case 'u':
			if (nsends == SENDS_MAX)
				usage();
			sends[nsends++] = optarg;
			break;
		default:
			usage();
		}
	}
	if (sock == NULL || my_addr == 0 || optind != argc)
		usage();
	if (my_mac[0] == 0 && my_mac[1] == 0) {
		my_mac[0] = 0x02;
		for (i = 0; i < 4; i++)
			my_mac[2 + i] = (uint8_t)(my_addr >> (24 - 8 * i));
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((error = exo_connect(sock, name, &e)) != 0) {
		fprintf(stderr, "libos-net: connect: %s\n", exo_strerror(error));
		return (1);
	}
	if ((error = exo_pe_interrupt(e, on_interrupt, NULL)) != 0)
		return (1);
	/* Upcalls run only inside exo_wait: one that came while the loop
	 * drained the ring must still end the next wait at once. */
	sigemptyset(&mask);
	sigaddset(&mask, EXO_SIG_UPCALL);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	/* The ring first: nothing a filter accepts is lost for want of it. */
	if ((n = exo_net_ring_create(e, &ring, frames)) < 0) {
		printf("ring error=%d %s\n", n, exo_strerror(n));
		return (1);
	}
	for (i = 0; i < nfilters; i++) {
		error = exo_net_filter(e, filters[i], &caps[i], &class);
		if (error == 0)
			printf("filter id=%llu class=%u\n",
			    (unsigned long long)caps[i].id, class);
		else
			printf("filter error=%d %s\n", error,
			    exo_strerror(error));
	}
	if (handler != NULL) {
		error = nfilters > 0 ? exo_net_handler(e, &caps[0], handler) :
		    -EXO_EINVAL;
		printf("handler status=%d %s\n", error, exo_strerror(error));
	}
	if (pause) {
		printf("ready libos=%u\n", exo_libos_id(e));
		if (read(0, &c, 1) != 1)
			return (1);
	}
	if (slot >= 0) {
		pos = (unsigned)slot;
		if ((error = exo_slot_claim_at(e, &pos, 1, &slotcap)) != 0) {
			printf("claim error=%d\n", error);
			return (3);
		}
		print_claimed();
	}
	for (i = 0; i < nsends; i++)
		send_udp(sends[i]);
	printf("running libos=%u\n", exo_libos_id(e));
	for (;;) {
		while (shown < nintrs) {
			printf("intr count=%u dropped=%u drops=%llu tick=%llu "
			    "switches=%llu t_ns=%llu\n", intrs[shown].count,
			    intrs[shown].dropped,
			    (unsigned long long)intrs[shown].drops,
			    (unsigned long long)intrs[shown].tick,
			    (unsigned long long)intrs[shown].switches,
			    (unsigned long long)intrs[shown].t_ns);
			shown++;
		}
		while (!hold && (n = exo_net_recv(&ring, buf, sizeof buf,
		    &s)) > 0) {
			show_packet(&s, buf, (size_t)n);
			got++;
			if (count > 0 && got >= count) {
				printf("done packets=%lu\n", got);
				exo_disconnect(e);
				return (0);
			}
		}
		if (exo_wait(e) < 0)
			break;
		seen++;
	}
	exo_disconnect(e);
	return (0);
}
