/*
 * nic_pcap.c - the pcap:FILE backend: a capture file replayed as the
 * traffic arriving on the wire (net.c paces it), for tests and
 * benchmarks.  What libOSes send goes nowhere, and is counted.
 */
#include "config.h"

#include <pcap/pcap.h>

#include "exod.h"
#include "net.h"

static pcap_t	*nic_pcap_h;

int
nic_pcap_open(const char *path)
{
	char	err[PCAP_ERRBUF_SIZE];

	if ((nic_pcap_h = pcap_open_offline(path, err)) == NULL) {
		log_warnx("pcap:%s: %s", path, err);
		return (-1);
	}
	if (pcap_datalink(nic_pcap_h) != DLT_EN10MB) {
		log_warnx("pcap:%s: not an Ethernet capture", path);
		pcap_close(nic_pcap_h);
		nic_pcap_h = NULL;
		return (-1);
	}
	return (0);
}

/* The next frame and its capture time in ns; 0 at the end of the file. */
int
nic_pcap_next(const uint8_t **data, size_t *len, uint64_t *t_ns)
{
	struct pcap_pkthdr	*h;
	const u_char		*d;

	if (nic_pcap_h == NULL)
		return (0);
	for (;;) {
		if (pcap_next_ex(nic_pcap_h, &h, &d) != 1)
			return (0);
		if (h->caplen > 0)
			break;
	}
	*data = d;
	*len = h->caplen;
	*t_ns = (uint64_t)h->ts.tv_sec * 1000000000ULL +
	    (uint64_t)h->ts.tv_usec * 1000ULL;
	return (1);
}

void
nic_pcap_close(void)
{
	if (nic_pcap_h != NULL)
		pcap_close(nic_pcap_h);
	nic_pcap_h = NULL;
}
