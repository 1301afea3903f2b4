/*
 * net-pcap.t - exod -N pcap:FILE, a capture file replayed as the
 * arriving traffic:
 *
 *  1. a capture the test writes with libpcap (UDP to two addresses, ARP,
 *     TCP, a runt): once the first filter is installed exod replays it,
 *     the ring holds exactly the filter's packets, in the file's order,
 *     no earlier than the file's spacing; NET_INFO names the backend and
 *     counts every frame, the unclaimed ones and the runt's absence;
 *  2. what a libOS sends on a replay goes nowhere, and is counted;
 *  3. what exoctl capture recorded on one exod (udp:) replays on another
 *     (pcap:) byte for byte;
 *  4. exod refuses to start on a missing file or a capture that is not
 *     Ethernet, naming the file.
 */
#include <sys/wait.h>

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "harness.h"
#include "nethelp.h"
#include "pkt.h"
#include "tap.h"

#define TIMEOUT		10000
#define GAP_US		8000	/* between frames in the test's capture */

static const uint8_t	mac_host[6] = { 0x02, 0xcc, 0, 0, 0, 1 };
static const uint8_t	mac_x[6] = { 0x02, 0xcc, 0, 0, 0, 2 };

/* Write frames to path as an Ethernet capture, GAP_US apart. */
static void
write_capture(const char *path, int linktype, uint8_t (*f)[PKT_MAX],
    const size_t *len, int n)
{
	struct pcap_pkthdr	 h;
	pcap_dumper_t		*dp;
	pcap_t			*pc;
	int			 i;

	if ((pc = pcap_open_dead(linktype, 65535)) == NULL ||
	    (dp = pcap_dump_open(pc, path)) == NULL)
		bail("cannot write %s", path);
	memset(&h, 0, sizeof h);
	for (i = 0; i < n; i++) {
		h.ts.tv_sec = 1000 + (i * GAP_US) / 1000000;
		h.ts.tv_usec = (i * GAP_US) % 1000000;
		h.caplen = h.len = (bpf_u_int32)len[i];
		pcap_dump((u_char *)dp, &h, f[i]);
	}
	pcap_dump_close(dp);
	pcap_close(pc);
}

/* The ring's packets: their payload texts and stamps, how many. */
static int
drain(struct exo_net_ring *r, char texts[][32], uint64_t *stamps, int max)
{
	struct exo_net_slot	s;
	struct pkt_info		pi;
	uint8_t			buf[EXO_NET_SLOT_DATA];
	int			n, k = 0;

	while ((n = exo_net_recv(r, buf, sizeof buf, &s)) > 0) {
		if (k < max) {
			memset(&pi, 0, sizeof pi);
			(void)pkt_parse(buf, (size_t)n, &pi);
			snprintf(texts[k], 32, "%.*s", (int)(pi.datalen < 31 ?
			    pi.datalen : 31), pi.data != NULL ?
			    (const char *)pi.data : "");
			stamps[k] = s.stamp_ns;
		}
		k++;
	}
	return (k);
}

/* Poll NET_INFO until exod has seen n frames: the info. */
static void
wait_rx(const char *sock, uint64_t n, struct exo_net_info *info)
{
	long	end = th_now_ms() + TIMEOUT;

	for (;;) {
		memset(info, 0, sizeof *info);
		if (nh_info(sock, info, NULL, 0) < 0 || info->rx >= n ||
		    th_now_ms() > end)
			return;
		th_sleep_ms(5);
	}
}

static void
test_replay(void)
{
	struct th_exod		 d;
	struct exo_net_ring	 r;
	struct exo_net_info	 info;
	struct exo		*a;
	struct exo_cap		 cap;
	uint8_t			 f[6][PKT_MAX], g[PKT_MAX];
	size_t			 len[6];
	char			 path[400], spec[420], texts[8][32];
	uint64_t		 stamps[8];
	uint32_t		 A = pkt_addr("10.0.3.2"), H = pkt_addr("10.0.3.1");
	int			 n;

	len[0] = pkt_udp(f[0], mac_x, mac_host, H, A, 4000, 9000, "p1", 2);
	len[1] = pkt_udp(f[1], mac_x, mac_host, H, pkt_addr("10.0.3.3"), 4000,
	    9000, "other", 5);
	len[2] = pkt_arp(f[2], 1, mac_host, H, pkt_bcast, A);
	len[3] = pkt_tcp(f[3], mac_x, mac_host, H, A, 4000, 9000);
	len[4] = pkt_udp(f[4], mac_x, mac_host, H, A, 4000, 9000, "p2", 2);
	memcpy(f[5], f[0], 10);			/* a runt: no frame */
	len[5] = 10;
	/* The file lives in exod's private directory, removed at exit
	 * whatever happens: start one for the directory, then the real one
	 * on the file. */
	th_exod_start(&d, NULL);
	snprintf(path, sizeof path, "%s/in.pcap", d.dir);
	th_exod_stop(&d);
	write_capture(path, DLT_EN10MB, f, len, 6);
	snprintf(spec, sizeof spec, "pcap:%s", path);
	th_exod_restart(&d, "-N", spec, NULL);

	a = th_connect(&d, "net-pcap");
	is_int(exo_net_ring_create(a, &r, 4), 8, "a libOS makes a ring");
	th_sleep_ms(100);
	memset(&info, 0, sizeof info);
	(void)nh_info(d.sock, &info, NULL, 0);
	is_int((long)info.rx, 0, "nothing is replayed before a filter exists");
	is_int(strcmp(info.backend, "pcap"), 0, "NET_INFO names the backend "
	    "(%s)", info.backend);
	is_int(exo_net_filter(a, "ip dst host 10.0.3.2 and udp dst port 9000",
	    &cap, NULL), 0, "its filter installs: the replay starts");
	wait_rx(d.sock, 5, &info);
	is_int((long)info.rx, 5, "exod replays every frame but the runt");
	th_sleep_ms(100);
	(void)nh_info(d.sock, &info, NULL, 0);
	is_int((long)info.rx, 5, "and no more");
	is_int((long)info.rx_unclaimed, 3, "3 of them are nobody's");
	n = drain(&r, texts, stamps, 8);
	ok(n == 2 && strcmp(texts[0], "p1") == 0 && strcmp(texts[1], "p2") ==
	    0, "the ring holds exactly the filter's 2, in order (%d)", n);
	/* Four gaps; a replay one gap short (the old off-by-one) is at 3. */
	ok(n == 2 && stamps[1] + 4000000 >= stamps[0] + 4ULL * GAP_US * 1000,
	    "no earlier than the file spaced them (%llu ms apart, file: %d)",
	    n == 2 ? (unsigned long long)(stamps[1] - stamps[0]) / 1000000 :
	    0ULL, 4 * GAP_US / 1000);

	n = (int)pkt_udp(g, mac_host, mac_x, A, H, 9000, 4000, "back", 4);
	is_int(exo_net_send(a, g, (size_t)n), 0,
	    "a claimed frame is sent on a replay");
	(void)nh_info(d.sock, &info, NULL, 0);
	is_int((long)info.tx, 1, "and counted");
	exo_disconnect(a);
	th_exod_stop(&d);
}

/* exoctl capture on a udp: exod, the file replayed on a pcap: one. */
static void
test_capture_replay(void)
{
	struct th_exod		 x, y;
	struct exo_net_ring	 r;
	struct exo_net_info	 info;
	struct exo		*a;
	struct exo_cap		 cap;
	struct exo_net_slot	 s;
	uint8_t			 f[3][PKT_MAX], buf[EXO_NET_SLOT_DATA];
	size_t			 len[3];
	char			 spec[64], path[400], pspec[420];
	uint16_t		 wport, xport;
	pid_t			 pid;
	int			 wire, i, n, st, same = 1;

	wire = nh_wire(&wport);
	xport = nh_free_port();
	nh_wire_to(wire, xport);
	snprintf(spec, sizeof spec, "udp:%u:%u", xport, wport);
	th_exod_start(&x, "-N", spec, NULL);
	snprintf(path, sizeof path, "%s/cap.pcap", x.dir);
	pid = nh_capture(x.sock, path, 3, wire);
	for (i = 0; i < 3; i++) {
		len[i] = pkt_udp(f[i], mac_x, mac_host, pkt_addr("10.0.4.1"),
		    pkt_addr("10.0.4.2"), 4000, 9000, i == 0 ? "c0" : i == 1 ?
		    "c1" : "c2", 2);
		nh_inject(wire, f[i], len[i]);
	}
	st = ch_reap(pid, TIMEOUT);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "exoctl capture records a probe and 3 frames on a udp: exod");

	snprintf(pspec, sizeof pspec, "pcap:%s", path);
	th_exod_start(&y, "-N", pspec, NULL);
	a = th_connect(&y, "net-replay");
	ok(exo_net_ring_create(a, &r, 2) == 4 && exo_net_filter(a,
	    "ip dst host 10.0.4.2", &cap, NULL) == 0,
	    "on a pcap: exod of that file, a libOS claims their address");
	wait_rx(y.sock, 4, &info);
	for (i = 0; i < 3; i++) {
		n = exo_net_recv(&r, buf, sizeof buf, &s);
		if (n != (int)len[i] || memcmp(buf, f[i], len[i]) != 0)
			same = 0;
	}
	ok(same && exo_net_recv(&r, buf, sizeof buf, &s) == 0,
	    "and receives the 3 frames byte for byte, in order (the probe "
	    "is nobody's)");
	exo_disconnect(a);
	th_exod_stop(&y);
	th_exod_stop(&x);
	close(wire);
}

/* exod -N spec must refuse to start, naming the file in its message. */
static void
refused_start(const char *dir, const char *spec, const char *file,
    const char *what)
{
	int	st, named;

	st = nh_exod_refused(dir, file, &named, "-N", spec, NULL);
	ok(WIFEXITED(st) && WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 127,
	    "exod -N pcap: of %s does not start (status %d)", what,
	    WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	ok(named, "and says which file");
}

static void
test_refused(void)
{
	struct th_exod	d;
	uint8_t		f[1][PKT_MAX];
	size_t		len[1];
	char		path[400], spec[420];

	th_exod_start(&d, NULL);	/* for its private directory */
	refused_start(d.dir, "pcap:/nonexistent/net-pcap.pcap",
	    "/nonexistent/net-pcap.pcap", "a missing file");
	snprintf(path, sizeof path, "%s/raw.pcap", d.dir);
	len[0] = pkt_udp(f[0], mac_x, mac_host, 1, 2, 3, 4, "x", 1) - 14;
	memmove(f[0], f[0] + 14, len[0]);
	write_capture(path, DLT_RAW, f, len, 1);
	snprintf(spec, sizeof spec, "pcap:%s", path);
	refused_start(d.dir, spec, path, "a capture of raw IP, not Ethernet");
	th_exod_stop(&d);
}

int
main(void)
{
	plan_lazy();
	test_replay();
	test_capture_replay();
	test_refused();
	return (0);
}
