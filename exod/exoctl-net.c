/*
 * exoctl-net.c - exoctl net and exoctl capture: the network interface,
 * its filters and merged classes, and a pcap file of its traffic.
 */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exo.h"
#include "exoctl.h"
#include "json.h"

static const char *const exoctl_net_classes[EXO_NET_CLASSES] = {
	"unmerged", "arp", "host", "host-udp", "host-tcp", "udp", "tcp",
	"udp4", "tcp4"
};

#define EXOCTL_NET_RECS	512

static int
exoctl_net_json(const struct exo_net_info *in,
    const struct exo_net_filter_info *r, unsigned n)
{
	struct json	j;
	unsigned	i;

	json_start(&j, stdout);
	json_object_open(&j);
	json_kstring(&j, "backend", in->backend);
	json_kstring(&j, "device", in->device);
	json_kuint(&j, "rx", in->rx);
	json_kuint(&j, "tx", in->tx);
	json_kuint(&j, "rx_unclaimed", in->rx_unclaimed);
	json_kuint(&j, "tx_refused", in->tx_refused);
	json_kuint(&j, "ring_drops", in->ring_drops);
	json_kuint(&j, "captured", in->captured);
	json_kuint(&j, "filters", in->total);
	json_key(&j, "classes");
	json_object_open(&j);
	for (i = 0; i < EXO_NET_CLASSES; i++)
		json_kuint(&j, exoctl_net_classes[i], in->merged[i]);
	json_object_close(&j);
	json_key(&j, "filter");
	json_array_open(&j);
	for (i = 0; i < n; i++) {
		json_object_open(&j);
		json_kuint(&j, "libos", r[i].libos);
		json_kuint(&j, "id", r[i].id);
		json_kstring(&j, "class", r[i].nclass < EXO_NET_CLASSES ?
		    exoctl_net_classes[r[i].nclass] : "?");
		json_kstring(&j, "key", r[i].key);
		json_kuint(&j, "insns", r[i].ninsns);
		json_kuint(&j, "packets", r[i].packets);
		json_kuint(&j, "drops", r[i].drops);
		json_kuint(&j, "handled", r[i].handled);
		json_kbool(&j, "native", (r[i].flags & EXO_NET_F_HANDLER) != 0);
		json_object_close(&j);
	}
	json_array_close(&j);
	json_object_close(&j);
	if (json_finish(&j) != 0)
		return (-1);
	putchar('\n');
	return (0);
}

static void
exoctl_net_table(const struct exo_net_info *in,
    const struct exo_net_filter_info *r, unsigned n)
{
	unsigned	i;

	printf("device: %s:%s  rx %llu (unclaimed %llu)  tx %llu (refused "
	    "%llu)  ring drops %llu\n", in->backend, in->device,
	    (unsigned long long)in->rx, (unsigned long long)in->rx_unclaimed,
	    (unsigned long long)in->tx, (unsigned long long)in->tx_refused,
	    (unsigned long long)in->ring_drops);
	printf("classes:");
	for (i = 0; i < EXO_NET_CLASSES; i++)
		if (in->merged[i] > 0)
			printf(" %s=%u", exoctl_net_classes[i], in->merged[i]);
	printf("\n%5s %6s %-9s %8s %8s %8s  %s\n", "LIBOS", "FILTER", "CLASS",
	    "PACKETS", "DROPS", "HANDLED", "KEY");
	for (i = 0; i < n; i++)
		printf("%5u %6llu %-9s %8llu %8llu %8llu  %s%s\n", r[i].libos,
		    (unsigned long long)r[i].id, r[i].nclass < EXO_NET_CLASSES ?
		    exoctl_net_classes[r[i].nclass] : "?",
		    (unsigned long long)r[i].packets,
		    (unsigned long long)r[i].drops,
		    (unsigned long long)r[i].handled, r[i].key,
		    (r[i].flags & EXO_NET_F_HANDLER) ? " (native)" : "");
}

int
exoctl_net(struct exo *e, int argc, char **argv)
{
	static struct exo_net_filter_info	 recs[EXOCTL_NET_RECS];
	struct exo_net_info			 info;
	unsigned				 n = 0, got;
	int					 json, error;

	json = argc == 2 && strcmp(argv[1], "--json") == 0;
	/* Page through the records: one reply holds a few hundred. */
	do {
		error = exo_net_info(e, n, &info, recs + n, EXOCTL_NET_RECS - n,
		    &got);
		if (error != 0) {
			fprintf(stderr, "exoctl: net: %s\n",
			    exo_strerror(error));
			return (1);
		}
		n += got;
	} while (got > 0 && n < info.total && n < EXOCTL_NET_RECS);
	if (json)
		return (exoctl_net_json(&info, recs, n) == 0 ? 0 : 1);
	exoctl_net_table(&info, recs, n);
	return (0);
}

/* The count of capture FILE -c N (0 without -c), or -1 if malformed. */
static long long
exoctl_capture_count(int argc, char **argv)
{
	unsigned long long	 v;
	char			*end;

	if (argc == 2)
		return (0);
	if (argc != 4 || strcmp(argv[2], "-c") != 0 || argv[3][0] < '0' ||
	    argv[3][0] > '9')
		return (-1);
	errno = 0;
	v = strtoull(argv[3], &end, 10);
	if (*end != '\0' || errno != 0 || v == 0 || v > UINT32_MAX)
		return (-1);
	return ((long long)v);
}

int
exoctl_check_capture(int argc, char **argv)
{
	return (exoctl_capture_count(argc, argv) < 0 ? -1 : 0);
}

/* exoctl capture FILE [-c N]: frames received and sent, as pcap. */
int
exoctl_capture(struct exo *e, int argc, char **argv)
{
	unsigned char		 buf[EXO_MSG_MAX];
	struct exo_net_capture	 req;
	struct exo_net_captured	 c;
	struct pcap_pkthdr	 ph;
	struct exo_hdr		 h;
	pcap_dumper_t		*dump;
	pcap_t			*pc;
	unsigned long		 count, got = 0;
	ssize_t			 n;
	int			 error;

	count = (unsigned long)exoctl_capture_count(argc, argv);
	if ((pc = pcap_open_dead(DLT_EN10MB, 65535)) == NULL ||
	    (dump = pcap_dump_open(pc, argv[1])) == NULL) {
		fprintf(stderr, "exoctl: capture: %s: %s\n", argv[1],
		    pc != NULL ? pcap_geterr(pc) : "libpcap");
		return (1);
	}
	req.count = (uint32_t)count;
	req.flags = 0;
	if ((error = exo_request(e, EXO_MSG_NET_CAPTURE, &req, sizeof req,
	    NULL, 0, NULL, NULL, 0, NULL)) != 0) {
		fprintf(stderr, "exoctl: capture: %s\n", exo_strerror(error));
		pcap_dump_close(dump);
		pcap_close(pc);
		return (1);
	}
	while (count == 0 || got < count) {
		n = recv(exo_fd(e), buf, sizeof buf, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n < (ssize_t)(sizeof h + sizeof c))
			break;
		memcpy(&h, buf, sizeof h);
		memcpy(&c, buf + sizeof h, sizeof c);
		if (h.type != (EXO_MSG_NET_CAPTURE | EXO_MSG_REPLY) ||
		    c.len > EXO_NET_FRAME_MAX ||
		    (size_t)n != sizeof h + sizeof c + c.len)
			continue;
		ph.ts.tv_sec = (time_t)(c.time_ns / 1000000000ULL);
		ph.ts.tv_usec = (suseconds_t)(c.time_ns % 1000000000ULL / 1000);
		ph.caplen = ph.len = c.len;
		pcap_dump((u_char *)dump, &ph, buf + sizeof h + sizeof c);
		pcap_dump_flush(dump);
		got++;
	}
	pcap_dump_close(dump);
	pcap_close(pc);
	return (count == 0 || got == count ? 0 : 1);
}
