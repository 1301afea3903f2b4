/*
 * net-demux.t - the ground truth: exod's merged demultiplexer, its
 * interpreter, and its verifier against libpcap's own filtering.
 *
 * The test builds a capture (UDP, TCP, ICMP, ARP, IPv6, IP options,
 * first and later fragments, VLAN tags, and every frame cut short at
 * many lengths), writes it with libpcap and reads it back.  A set of
 * filters, most of the merged classes with several constants and many
 * that no class covers, is compiled by libexo, verified by exod's
 * verifier and installed in one merged and one unmerged demultiplexer.
 * For every packet and every filter, "the demultiplexer found it" must
 * equal pcap_offline_filter(), in both; so must the interpreter alone.
 */
#include <sys/types.h>

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "net.h"
#include "pkt.h"
#include "tap.h"

#define PKTS_MAX	4096

static const char *const filters[] = {
	"arp",
	"ip dst host 10.0.0.2",
	"ip dst host 10.0.0.3",
	"ip dst host 10.0.0.2 and udp dst port 53",
	"ip dst host 10.0.0.2 and udp dst port 54",
	"ip dst host 10.0.0.3 and tcp dst port 80",
	"udp dst port 53",
	"tcp dst port 80",
	"ip and udp dst port 54",
	"ip and tcp dst port 81",
	/* no merged class covers these */
	"udp",
	"icmp",
	"vlan",
	"vlan and udp",
	"ip[6:2] & 0x1fff != 0",
	"ether broadcast",
	"udp port 53",
	"less 40",
	"ip6",
	"tcp[tcpflags] & tcp-syn != 0",
	"portrange 50-60",
	"dst host 10.0.0.2",
	"ip and len > 60 and not arp",
};
#define NFILTERS	(sizeof filters / sizeof filters[0])

static uint8_t	 pkt[PKTS_MAX][PKT_MAX];
static size_t	 plen[PKTS_MAX];
static unsigned	 npkts;

static const uint8_t	m1[6] = { 2, 0, 0, 0, 0, 1 }, m2[6] = { 2, 0, 0, 0, 0, 2 };

static void
add(const uint8_t *f, size_t len)
{
	if (npkts < PKTS_MAX) {
		memcpy(pkt[npkts], f, len);
		plen[npkts++] = len;
	}
}

/* A frame, its VLAN-tagged twin, and both cut short at many lengths. */
static void
add_all(const uint8_t *f, size_t len)
{
	static const size_t	cuts[] = { 13, 14, 15, 20, 21, 23, 24, 30, 33,
				    34, 35, 36, 37, 38, 40, 42, 55, 57, 58 };
	uint8_t			v[PKT_MAX];
	size_t			i;

	add(f, len);
	for (i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
		if (cuts[i] < len)
			add(f, cuts[i]);
	memcpy(v, f, 12);
	v[12] = 0x81; v[13] = 0x00; v[14] = 0x00; v[15] = 0x05;
	memcpy(v + 16, f + 12, len - 12);
	add(v, len + 4);
}

static size_t
ipv6_udp(uint8_t *f, uint8_t nh, uint16_t sport, uint16_t dport)
{
	memset(f, 0, 62);
	pkt_eth(f, m2, m1, PKT_ETH_IP6);
	f[14] = 0x60;
	f[19] = 8;
	f[20] = nh;
	f[21] = 64;
	f[54] = (uint8_t)(sport >> 8); f[55] = (uint8_t)sport;
	f[56] = (uint8_t)(dport >> 8); f[57] = (uint8_t)dport;
	return (62);
}

static void
build(void)
{
	static const uint16_t	ports[] = { 53, 54, 55, 80, 81 };
	static const char *const addrs[] = { "10.0.0.2", "10.0.0.3",
				    "10.0.0.9" };
	uint8_t			 f[PKT_MAX];
	size_t			 n, i, j;

	for (i = 0; i < 3; i++)
		for (j = 0; j < 5; j++) {
			n = pkt_udp(f, m2, m1, pkt_addr("10.0.0.1"),
			    pkt_addr(addrs[i]), ports[4 - j], ports[j], "x", 1);
			add_all(f, n);
			n = pkt_tcp(f, m2, m1, pkt_addr("10.0.0.1"),
			    pkt_addr(addrs[i]), 4000, ports[j]);
			add_all(f, n);
			/* a later fragment, and a first one with MF */
			n = pkt_udp(f, m2, m1, pkt_addr("10.0.0.1"),
			    pkt_addr(addrs[i]), 1, ports[j], "frag", 4);
			f[20] = 0x00; f[21] = 0x10;
			add_all(f, n);
			f[20] = 0x20; f[21] = 0x00;
			add_all(f, n);
			/* IP options: ihl 6, the ports move */
			n = pkt_udp(f, m2, m1, pkt_addr("10.0.0.1"),
			    pkt_addr(addrs[i]), 7, ports[j], "opt", 3);
			memmove(f + 38, f + 34, n - 34);
			memset(f + 34, 1, 4);
			f[14] = 0x46;
			add_all(f, n + 4);
		}
	n = pkt_icmp(f, m2, m1, pkt_addr("10.0.0.1"), pkt_addr("10.0.0.2"), 8,
	    1, 1, "ping", 4);
	add_all(f, n);
	n = pkt_arp(f, 1, m1, pkt_addr("10.0.0.1"), NULL, pkt_addr("10.0.0.2"));
	add_all(f, n);
	n = pkt_arp(f, 2, m1, pkt_addr("10.0.0.2"), m2, pkt_addr("10.0.0.1"));
	add_all(f, n);
	for (j = 0; j < 5; j++) {
		add_all(f, ipv6_udp(f, 17, 9, ports[j]));
		add_all(f, ipv6_udp(f, 6, 9, ports[j]));
		add_all(f, ipv6_udp(f, 44, 9, ports[j]));
	}
	n = pkt_udp(f, pkt_bcast, m1, pkt_addr("10.0.0.1"),
	    pkt_addr("10.0.0.255"), 68, 67, "dhcp", 4);
	add_all(f, n);
}

static int	 seen[NFILTERS];

static int
mark(struct demux_filter *df, void *arg)
{
	seen[(size_t)df->owner]++;
	return (0);
}

int
main(void)
{
	static struct demux	 dm, du;
	static struct demux_filter df[NFILTERS], du_f[NFILTERS];
	struct bpf_program	 bp[NFILTERS];
	struct exo_bpf_insn	*prog[NFILTERS];
	struct exo_net_verdict	 v;
	struct pcap_pkthdr	 ph, *h;
	const u_char		*data;
	pcap_dumper_t		*dump;
	pcap_t			*pc;
	char			 dir[] = "/tmp/net-demux.XXXXXX", path[64];
	char			 err[PCAP_ERRBUF_SIZE];
	unsigned		 n[NFILTERS], i, k, merged = 0, read = 0;
	unsigned		 bad_m = 0, bad_u = 0, bad_i = 0, verified = 0;
	int			 truth;

	plan_lazy();
	build();
	if (mkdtemp(dir) == NULL)
		sysbail("mkdtemp");
	snprintf(path, sizeof path, "%s/ground.pcap", dir);
	pc = pcap_open_dead(DLT_EN10MB, 65535);
	if ((dump = pcap_dump_open(pc, path)) == NULL)
		bail("pcap_dump_open: %s", pcap_geterr(pc));
	memset(&ph, 0, sizeof ph);
	for (i = 0; i < npkts; i++) {
		ph.ts.tv_usec = (suseconds_t)i;
		ph.caplen = ph.len = (bpf_u_int32)plen[i];
		pcap_dump((u_char *)dump, &ph, pkt[i]);
	}
	pcap_dump_close(dump);
	ok(demux_templates_init() == 0, "exod's templates compile");
	demux_init(&dm, 1);
	demux_init(&du, 0);
	for (i = 0; i < NFILTERS; i++) {
		if (exo_net_compile(filters[i], &prog[i], &n[i]) != 0 ||
		    pcap_compile(pc, &bp[i], filters[i], 1,
		    PCAP_NETMASK_UNKNOWN) != 0)
			bail("cannot compile %s", filters[i]);
		if (bpf_verify(prog[i], n[i], &v) == 0)
			verified++;
		else
			diag("%s refused: %u at %u", filters[i], v.reason, v.pc);
		memset(&df[i], 0, sizeof df[i]);
		df[i].id = i + 1;
		df[i].insns = prog[i];
		df[i].ninsns = (uint16_t)n[i];
		df[i].owner = (void *)(size_t)i;
		demux_classify(prog[i], n[i], &df[i].nclass, &df[i].addr,
		    &df[i].port);
		if (df[i].nclass != EXO_NET_UNMERGED)
			merged++;
		du_f[i] = df[i];
		demux_add(&dm, &df[i]);
		demux_add(&du, &du_f[i]);
	}
	is_int(verified, NFILTERS, "the verifier passes every filter libpcap "
	    "compiles (%u)", (unsigned)NFILTERS);
	is_int(merged, 10, "the 10 filters of merged shapes are merged");
	ok(df[3].nclass == EXO_NET_HOST_UDP && df[3].port == 53 &&
	    df[3].addr == pkt_addr("10.0.0.2"), "with their constants");
	pcap_close(pc);
	if ((pc = pcap_open_offline(path, err)) == NULL)
		bail("%s", err);
	while (pcap_next_ex(pc, &h, &data) == 1) {
		read++;
		memset(seen, 0, sizeof seen);
		demux_run(&dm, data, h->caplen, mark, NULL);
		for (k = 0; k < NFILTERS; k++) {
			truth = pcap_offline_filter(&bp[k], h, data) != 0;
			if ((seen[k] != 0) != truth || seen[k] > 1) {
				if (bad_m++ < 5)
					diag("merged: %s on packet %u (%u bytes)"
					    ": %d, libpcap %d", filters[k], read,
					    h->caplen, seen[k], truth);
			}
			if ((bpf_run(prog[k], n[k], data, h->caplen) != 0) !=
			    truth)
				bad_i++;
		}
		memset(seen, 0, sizeof seen);
		demux_run(&du, data, h->caplen, mark, NULL);
		for (k = 0; k < NFILTERS; k++)
			if ((seen[k] != 0) != (pcap_offline_filter(&bp[k], h,
			    data) != 0))
				bad_u++;
	}
	pcap_close(pc);
	is_int(read, npkts, "the capture holds the %u packets built", npkts);
	is_int(bad_m, 0, "merged demultiplexing agrees with libpcap on every "
	    "packet and filter (%u decisions)", read * (unsigned)NFILTERS);
	is_int(bad_u, 0, "so does running every filter one after another");
	is_int(bad_i, 0, "so does exod's interpreter alone");
	for (i = 0; i < NFILTERS; i++) {
		free(prog[i]);
		pcap_freecode(&bp[i]);
	}
	demux_templates_fini();
	unlink(path);
	rmdir(dir);
	return (0);
}
