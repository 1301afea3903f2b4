/*
 * exobench-net - the cost of demultiplexing a packet in exod with 1, 16,
 * 64 and 256 installed filters (UDP and TCP ports on one address),
 * merged and run one after another, beside libpcap's own filter
 * (pcap_offline_filter) run over the same packets one filter after
 * another: the raw primitive, measured in the same run.
 *
 * Targets (issue 12): 256 merged at most 2x the cost of 1 merged;
 * merged at least 10x faster than the 256 run one by one.
 */
#include "config.h"

#include <sys/types.h>

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exo.h"
#include "net.h"
#include "../t/pkt.h"

#define NPKTS	256
#define ROUNDS	200

static uint8_t	pkts[NPKTS][PKT_MAX];
static size_t	plen[NPKTS];

static uint64_t
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

static int
count_cb(struct demux_filter *f, void *arg)
{
	(*(unsigned long *)arg)++;
	return (0);
}

/* ns per packet for demux d over the packets. */
static double
run_demux(struct demux *d, unsigned long *hits)
{
	uint64_t	t0 = now_ns();
	unsigned	r, i;

	for (r = 0; r < ROUNDS; r++)
		for (i = 0; i < NPKTS; i++)
			demux_run(d, pkts[i], plen[i], count_cb, hits);
	return ((double)(now_ns() - t0) / (ROUNDS * NPKTS));
}

static double
run_pcap(struct bpf_program *bp, unsigned nf, unsigned long *hits)
{
	struct pcap_pkthdr	h;
	uint64_t		t0 = now_ns();
	unsigned		r, i, k;

	memset(&h, 0, sizeof h);
	for (r = 0; r < ROUNDS; r++)
		for (i = 0; i < NPKTS; i++) {
			h.caplen = h.len = (bpf_u_int32)plen[i];
			for (k = 0; k < nf; k++)
				if (pcap_offline_filter(&bp[k], &h, pkts[i]))
					(*hits)++;
		}
	return ((double)(now_ns() - t0) / (ROUNDS * NPKTS));
}

int
main(int argc, char **argv)
{
	static const unsigned	 sizes[] = { 1, 16, 64, 256 };
	static struct demux	 dm, du;
	static struct demux_filter fm[256], fu[256];
	static struct bpf_program bp[256];
	static const uint8_t	 m1[6] = { 2, 0, 0, 0, 0, 1 };
	struct exo_bpf_insn	*prog;
	char			 expr[128];
	pcap_t			*pc = pcap_open_dead(DLT_EN10MB, 65535);
	double			 merged[4], unmerged[4], lib[4];
	unsigned long		 hm = 0, hu = 0, hp = 0;
	unsigned		 s, k, i, n;

	if (argc > 1 && (strcmp(argv[1], "-V") == 0 ||
	    strcmp(argv[1], "--version") == 0)) {
		printf("exobench-net %s\n", PACKAGE_VERSION);
		return (0);
	}
	if (argc > 1) {
		fprintf(strcmp(argv[1], "-h") == 0 ||
		    strcmp(argv[1], "--help") == 0 ? stdout : stderr,
		    "usage: exobench-net [-hV]\n");
		return (strcmp(argv[1], "-h") == 0 ||
		    strcmp(argv[1], "--help") == 0 ? 0 : 2);
	}
	if (demux_templates_init() != 0)
		return (1);
	for (i = 0; i < NPKTS; i++) {
		if (i % 2)
			plen[i] = pkt_udp(pkts[i], m1, m1, pkt_addr("10.0.0.1"),
			    pkt_addr("10.0.0.2"), 9999, (uint16_t)(1000 + i % 300),
			    "bench", 5);
		else
			plen[i] = pkt_tcp(pkts[i], m1, m1, pkt_addr("10.0.0.1"),
			    pkt_addr("10.0.0.2"), 9999, (uint16_t)(1000 + i % 300));
	}
	printf("%-8s %12s %12s %12s\n", "filters", "merged_ns", "unmerged_ns",
	    "libpcap_ns");
	for (s = 0; s < 4; s++) {
		demux_init(&dm, 1);
		demux_init(&du, 0);
		for (k = 0; k < sizes[s]; k++) {
			snprintf(expr, sizeof expr, "ip dst host 10.0.0.2 and "
			    "%s dst port %u", k % 2 ? "udp" : "tcp", 1000 + k);
			if (exo_net_compile(expr, &prog, &n) != 0 ||
			    pcap_compile(pc, &bp[k], expr, 1,
			    PCAP_NETMASK_UNKNOWN) != 0)
				return (1);
			memset(&fm[k], 0, sizeof fm[k]);
			fm[k].insns = prog;
			fm[k].ninsns = (uint16_t)n;
			demux_classify(prog, n, &fm[k].nclass, &fm[k].addr,
			    &fm[k].port);
			fu[k] = fm[k];
			demux_add(&dm, &fm[k]);
			demux_add(&du, &fu[k]);
		}
		merged[s] = run_demux(&dm, &hm);
		unmerged[s] = run_demux(&du, &hu);
		lib[s] = run_pcap(bp, sizes[s], &hp);
		printf("%-8u %12.1f %12.1f %12.1f\n", sizes[s], merged[s],
		    unmerged[s], lib[s]);
		for (k = 0; k < sizes[s]; k++) {
			free(fm[k].insns);
			pcap_freecode(&bp[k]);
		}
	}
	printf("256 merged / 1 merged: %.2f (target <= 2)\n",
	    merged[3] / merged[0]);
	printf("256 one by one (exod) / 256 merged: %.1f (target >= 10)\n",
	    unmerged[3] / merged[3]);
	printf("256 one by one (libpcap) / 256 merged: %.1f\n",
	    lib[3] / merged[3]);
	if (hm != hu || hu != hp)
		printf("decisions differ: %lu %lu %lu\n", hm, hu, hp);
	demux_templates_fini();
	pcap_close(pc);
	return (hm == hu && hu == hp ? 0 : 1);
}
