/*
 * net.t - exod's network interface over the udp: backend, with the test
 * as the other station on the wire (a UDP socket on loopback):
 *
 *  1. a filter in tcpdump syntax installs (merged) and the ring receives
 *     exactly its packets, written by exod with their filter and stamp;
 *  2. every malformed or unsafe BPF program is refused with EXO_EBPF and
 *     the reason (backward jump, jump past the end, out-of-range load,
 *     scratch index, division by zero, shift, no return, too long,
 *     empty, bad opcode) and exod goes on serving;
 *  3. ownership: a second libOS cannot install a filter that steals the
 *     first's port or address, nor an unmergeable one (not trusted), nor
 *     receive the first's unicast; an ARP broadcast reaches both;
 *  4. sending: a claimed source goes out on the wire, a spoofed address,
 *     port or group MAC is refused with EXO_ESPOOF;
 *  5. a full ring drops and counts, and takes packets again once read;
 *  6. a packet for a descheduled libOS (slot 1 of 4) is in its ring
 *     before its next slot, and its interrupt comes in that slot;
 *  7. kill -9 of a libOS removes its filters: the claim is free again;
 *  8. exoctl capture writes a pcap file with exactly the frames received
 *     and sent, exoctl net --json shows the filters;
 *  9. native handlers: refused (EXO_EPERM) for an untrusted user, with
 *     a line in exod's log naming the libOS, the uid and the rule; run
 *     for a trusted one (exod -T, a list of a uid and a name), answering
 *     inside exod, also while its libOS is descheduled, and its answers
 *     are source-checked as the libOS's own; -T with an unknown user
 *     fails exod's start;
 * 10. a trusted user's filter of no merged class: it gets unicast that
 *     no merged filter claims, never another's, and a multicast frame
 *     goes to it and to the merged owner alike;
 * 11. the filter list: pages of capabilities and the total, the removed
 *     one gone, refused on a control connection;
 * 12. kill -9 of a libOS also ends its ring: the ring's frames are free
 *     again; exoctl net's table shows the device and the filters;
 * 13. forged filter capabilities (an altered MAC, an altered id, a
 *     frame's capability) are refused by remove and by the handler
 *     request, and the filter stays; exod owns the device: no libOS
 *     holds the descriptor of its UDP socket.
 */
#include <sys/wait.h>

#include <fcntl.h>
#include <pcap/pcap.h>
#include <pwd.h>
#include <signal.h>
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
#define QUANTUM_MS	40

static struct th_exod	d;
static int		wire;
static uint16_t		wire_port, exod_port;
static const uint8_t	mac_host[6] = { 0x02, 0xaa, 0, 0, 0, 1 };
static const uint8_t	mac_a[6] = { 0x02, 0, 10, 0, 0, 2 };

static uint32_t A2, A3, HOST;
static char	spec[64];

static size_t
udp_to(uint8_t *f, uint32_t dst, uint16_t dport, const char *text)
{
	return (pkt_udp(f, mac_a, mac_host, HOST, dst, 40000, dport, text,
	    strlen(text)));
}

/* Wait until exod has received n frames in all. */
static void
settle(uint64_t n)
{
	if (nh_wait_rx(d.sock, n, TIMEOUT) < n)
		diag("exod saw fewer frames than injected");
}

static uint64_t	rx_total;

static void
inject(const void *f, size_t len)
{
	nh_inject(wire, f, len);
	rx_total++;
}

static int
ring_count(struct exo_net_ring *r, char texts[][32], unsigned max)
{
	struct exo_net_slot	s;
	struct pkt_info		pi;
	uint8_t			buf[EXO_NET_SLOT_DATA];
	int			n, k = 0;

	while ((n = exo_net_recv(r, buf, sizeof buf, &s)) > 0) {
		if (texts != NULL && (unsigned)k < max) {
			pkt_parse(buf, (size_t)n, &pi);
			snprintf(texts[k], 32, "%.*s", (int)(pi.datalen < 31 ?
			    pi.datalen : 31), pi.data != NULL ?
			    (const char *)pi.data : "");
		}
		k++;
	}
	return (k);
}

static void
test_receive(struct exo *a, struct exo_net_ring *ra)
{
	struct exo_cap	cap;
	uint32_t	class;
	uint8_t		f[PKT_MAX];
	char		texts[8][32];
	int		n;

	is_int(exo_net_filter(a, "ip dst host 10.0.0.2 and udp dst port 7000",
	    &cap, &class), 0, "a filter in tcpdump syntax installs");
	is_int(class, EXO_NET_HOST_UDP, "and is merged as host+udp");
	is_int(cap.type, EXO_RES_FILTER, "its capability is of type filter");
	inject(f, udp_to(f, A2, 7000, "one"));
	inject(f, udp_to(f, A2, 7001, "other-port"));
	inject(f, udp_to(f, A3, 7000, "other-host"));
	inject(f, pkt_tcp(f, mac_a, mac_host, HOST, A2, 40000, 7000));
	inject(f, udp_to(f, A2, 7000, "two"));
	settle(rx_total);
	n = ring_count(ra, texts, 8);
	is_int(n, 2, "the ring holds exactly the filter's packets");
	ok(n == 2 && strcmp(texts[0], "one") == 0 &&
	    strcmp(texts[1], "two") == 0, "in arrival order");
}

static void
refuse(struct exo *a, const struct exo_bpf_insn *p, unsigned n,
    uint32_t reason, const char *what)
{
	struct exo_net_verdict	v;
	struct exo_cap		cap;
	int			error;

	memset(&v, 0, sizeof v);
	error = exo_net_filter_bpf(a, p, n, &cap, NULL, &v);
	ok(error == -EXO_EBPF && v.reason == reason,
	    "%s is refused (EXO_EBPF, reason %u at %u)", what, v.reason, v.pc);
	is_int(exo_null(a), 0, "and exod goes on");
}

static void
test_verifier(struct exo *a)
{
	static struct exo_bpf_insn	big[EXO_NET_INSNS_MAX + 1];
	struct exo_bpf_insn		p[4];
	unsigned			i;

#define I(c, t, f_, k_) (struct exo_bpf_insn){ (c), (t), (f_), (k_) }
	p[0] = I(0x28, 0, 0, 12);		/* ldh [12] */
	p[1] = I(0x05, 0, 0, 0xffffffffU);	/* ja -1 */
	p[2] = I(0x06, 0, 0, 0xffff);
	refuse(a, p, 3, EXO_BPF_BACKWARD, "a backward jump");
	p[1] = I(0x15, 5, 0, 0x800);		/* jeq past the end */
	refuse(a, p, 3, EXO_BPF_JUMP, "a jump past the end");
	p[0] = I(0x20, 0, 0, 5000);		/* ld [5000] */
	p[1] = I(0x06, 0, 0, 0xffff);
	refuse(a, p, 2, EXO_BPF_LOAD, "a load out of range");
	p[0] = I(0x60, 0, 0, 16);		/* ld M[16] */
	refuse(a, p, 2, EXO_BPF_MEM, "a scratch index out of range");
	p[0] = I(0x34, 0, 0, 0);		/* div #0 */
	refuse(a, p, 2, EXO_BPF_DIVZERO, "a division by zero");
	p[0] = I(0x94, 0, 0, 0);		/* mod #0 */
	refuse(a, p, 2, EXO_BPF_DIVZERO, "a modulo by zero");
	p[0] = I(0x64, 0, 0, 40);		/* lsh #40 */
	refuse(a, p, 2, EXO_BPF_SHIFT, "a shift by 40");
	p[0] = I(0x06, 0, 0, 0);
	p[1] = I(0x28, 0, 0, 12);		/* falls off the end */
	refuse(a, p, 2, EXO_BPF_NORET, "a program with no final return");
	p[0] = I(0xffff, 0, 0, 0);
	p[1] = I(0x06, 0, 0, 0);
	refuse(a, p, 2, EXO_BPF_OPCODE, "an unknown opcode");
	refuse(a, p, 0, EXO_BPF_EMPTY, "an empty program");
	for (i = 0; i < EXO_NET_INSNS_MAX + 1; i++)
		big[i] = I(0x06, 0, 0, 0);
	refuse(a, big, EXO_NET_INSNS_MAX + 1, EXO_BPF_TOOLONG,
	    "a program of 1025 instructions");
#undef I
}

static void
test_ownership(struct exo *a, struct exo_net_ring *ra)
{
	struct exo_net_ring	 rb;
	struct exo_cap		 cap, arp_a, arp_b;
	struct exo		*b;
	uint32_t		 class;
	uint8_t			 f[PKT_MAX];

	b = th_connect(&d, "net-b");
	ok(exo_net_ring_create(b, &rb, 2) == 4, "a second libOS makes a ring");
	is_int(exo_net_filter(b, "udp dst port 7000", &cap, NULL),
	    -EXO_EOVERLAP, "it cannot claim the first's port");
	is_int(exo_net_filter(b, "ip dst host 10.0.0.2", &cap, NULL),
	    -EXO_EOVERLAP, "nor its address");
	is_int(exo_net_filter(b, "ip dst host 10.0.0.2 and udp dst port 7000",
	    &cap, NULL), -EXO_EOVERLAP, "nor the same host and port");
	is_int(exo_net_filter(b, "udp", &cap, NULL), -EXO_EPERM,
	    "an unmergeable filter from an untrusted user is refused");
	is_int(exo_net_filter(b, "ip dst host 10.0.0.3", &cap, &class), 0,
	    "another address is its own");
	is_int(exo_net_filter(a, "arp", &arp_a, NULL), 0, "A claims arp");
	is_int(exo_net_filter(b, "arp", &arp_b, &class), 0,
	    "and so does B: arp is shared");
	inject(f, udp_to(f, A2, 7000, "for-a"));
	inject(f, pkt_arp(f, 1, mac_host, HOST, NULL, A2));
	settle(rx_total);
	is_int(ring_count(ra, NULL, 0), 2, "A has its unicast and the ARP");
	is_int(ring_count(&rb, NULL, 0), 1,
	    "B has only the ARP broadcast, not A's unicast");
	inject(f, udp_to(f, A3, 9, "for-b"));
	settle(rx_total);
	is_int(ring_count(&rb, NULL, 0), 1, "B receives its own address");
	is_int(ring_count(ra, NULL, 0), 0, "and A does not");
	is_int(exo_net_filter_remove(b, &arp_a), -EXO_ENOTOWNER,
	    "B cannot remove A's filter");
	is_int(exo_net_filter_remove(a, &arp_a), 0, "A removes its own");
	is_int(exo_net_filter_remove(a, &arp_a), -EXO_ESTALE,
	    "and its capability is stale after");
	exo_disconnect(b);
}

/* A UDP datagram over IPv6, fd00::2 to fd00::1, from sport. */
static size_t
udp6_from(uint8_t *f, uint16_t sport)
{
	size_t	 n = pkt_eth(f, mac_host, mac_a, PKT_ETH_IP6);
	uint8_t	*ip = f + n, *u = ip + 40;

	memset(ip, 0, 40 + 12);
	ip[0] = 0x60;
	ip[5] = 12;			/* payload: UDP header and 4 bytes */
	ip[6] = 17;
	ip[7] = 64;
	ip[8] = ip[24] = 0xfd;
	ip[23] = 2;
	ip[39] = 1;
	u[0] = (uint8_t)(sport >> 8);
	u[1] = (uint8_t)sport;
	u[2] = 40000 >> 8;
	u[3] = 40000 & 0xff;
	u[5] = 12;
	memcpy(u + 8, "six", 4);
	return (n + 40 + 12);
}

static void
test_send(struct exo *a)
{
	struct exo_net_info	info;
	struct exo_cap		port6;
	uint8_t			f[PKT_MAX], g[PKT_MAX];
	uint64_t		refused0;
	size_t			n;
	long			got;

	memset(&info, 0, sizeof info);
	(void)nh_info(d.sock, &info, NULL, 0);
	refused0 = info.tx_refused;

	n = pkt_udp(f, mac_host, mac_a, A2, HOST, 7000, 40000, "hi", 2);
	is_int(exo_net_send(a, f, n), 0, "a frame from a claimed source is sent");
	got = nh_wire_recv(wire, g, sizeof g, TIMEOUT);
	ok(got == (long)n && memcmp(f, g, n) == 0, "and arrives on the wire");
	n = pkt_udp(f, mac_host, mac_a, pkt_addr("10.0.0.9"), HOST, 7000,
	    40000, "x", 1);
	is_int(exo_net_send(a, f, n), -EXO_ESPOOF, "a spoofed address is refused");
	n = pkt_udp(f, mac_host, mac_a, A2, HOST, 7001, 40000, "x", 1);
	is_int(exo_net_send(a, f, n), -EXO_ESPOOF,
	    "so is a port it did not claim");
	n = pkt_udp(f, mac_host, pkt_bcast, A2, HOST, 7000, 40000, "x", 1);
	is_int(exo_net_send(a, f, n), -EXO_ESPOOF,
	    "and a group source MAC");
	is_int(exo_net_send(a, f, 10), -EXO_EINVAL, "a runt is invalid");
	ok(nh_wire_recv(wire, g, sizeof g, 200) == -1,
	    "nothing refused reached the wire");

	n = pkt_arp(f, 2, mac_a, A2, mac_host, HOST);
	is_int(exo_net_send(a, f, n), 0,
	    "an ARP reply from its claimed address is sent");
	got = nh_wire_recv(wire, g, sizeof g, TIMEOUT);
	ok(got == (long)n && memcmp(f, g, n) == 0, "and arrives on the wire");
	n = pkt_arp(f, 2, mac_a, pkt_addr("10.0.0.9"), mac_host, HOST);
	is_int(exo_net_send(a, f, n), -EXO_ESPOOF,
	    "an ARP reply for an address it did not claim is refused");
	n = udp6_from(f, 7100);
	is_int(exo_net_send(a, f, n), -EXO_ESPOOF,
	    "IPv6 from an address claim alone is refused");
	is_int(exo_net_filter(a, "udp dst port 7100", &port6, NULL), 0,
	    "a \"udp dst port\" claim");
	is_int(exo_net_send(a, f, n), 0, "lets IPv6 out from that port");
	got = nh_wire_recv(wire, g, sizeof g, TIMEOUT);
	ok(got == (long)n && memcmp(f, g, n) == 0, "onto the wire");
	n = udp6_from(f, 7101);
	is_int(exo_net_send(a, f, n), -EXO_ESPOOF, "but not from another");
	is_int(exo_net_filter_remove(a, &port6), 0, "the claim is removed");
	memset(&info, 0, sizeof info);
	(void)nh_info(d.sock, &info, NULL, 0);
	is_int((long)(info.tx_refused - refused0), 6,
	    "NET_INFO counts every spoofed frame refused (6)");
	ok(nh_wire_recv(wire, g, sizeof g, 200) == -1,
	    "and none reached the wire");
}

static void
test_full(struct exo *a, struct exo_net_ring *ra, uint32_t libos)
{
	struct exo_net_filter_info	 recs[64];
	const struct exo_net_filter_info *r;
	struct exo_net_info		 info;
	uint8_t				 f[PKT_MAX];
	int				 i, n;

	for (i = 0; i < 7; i++)
		inject(f, udp_to(f, A2, 7000, "fill"));
	settle(rx_total);
	n = nh_info(d.sock, &info, recs, 64);
	r = nh_rec(recs, n, libos, EXO_NET_HOST_UDP);
	ok(r != NULL && r->drops == 3, "a full ring (4 slots) drops the "
	    "other 3 of 7 and counts them (%llu)",
	    r != NULL ? (unsigned long long)r->drops : 0ULL);
	is_int(ring_count(ra, NULL, 0), 4, "the 4 that fit are there");
	inject(f, udp_to(f, A2, 7000, "after"));
	settle(rx_total);
	is_int(ring_count(ra, NULL, 0), 1, "once read, the ring takes more");
}

/* A libOS in slot 1 of 4 gets a packet sent while it is stopped. */
static void
test_descheduled(void)
{
	struct exo_status_peer	sp;
	struct lc		c;
	char			line[1024];
	uint64_t		w, now, stamp = 0, t_intr = 0, v;
	uint8_t			f[PKT_MAX];
	int			queued = 0, i;

	nh_spawn(&c, d.sock, "-a", "10.0.0.5", "-f", "ip dst host 10.0.0.5",
	    "-s", "1", "-c", "1", NULL);
	if (!lc_claimed(&c, TIMEOUT)) {
		ok(0, "the slot libOS starts");
		lc_kill(&c);
		return;
	}
	(void)lc_expect(&c, "running", line, sizeof line, TIMEOUT);
	/* Just after its window ends: the next is 3 quanta away. */
	now = ch_now();
	w = ch_next_window(&c.vec, now);
	ch_sleep_until(w + c.vec.q + 2 * CH_MS);
	inject(f, udp_to(f, pkt_addr("10.0.0.5"), 1, "late"));
	settle(rx_total);
	for (i = 0; i < 20 && !queued; i++) {
		if (ch_status_of(d.sock, c.libos, &sp) == 1 &&
		    sp.events_queued > 0 && !(sp.state & EXO_PEER_RUNNING))
			queued = 1;
		else
			ch_sleep_ms(1);
	}
	ok(queued, "while it is descheduled its interrupt waits (STATUS)");
	if (lc_expect(&c, "intr ", line, sizeof line, TIMEOUT) &&
	    ch_field(line, "t_ns", &v))
		t_intr = v;
	if (lc_expect(&c, "rx ", line, sizeof line, TIMEOUT) &&
	    ch_field(line, "stamp_ns", &v))
		stamp = v;
	w = ch_next_window(&c.vec, stamp);
	ok(stamp != 0 && stamp < w, "the packet was in its ring before its "
	    "next slot (%lld ms before)", (long long)(w - stamp) / 1000000);
	ok(t_intr >= w && ch_in_window(&c.vec, t_intr, 5 * CH_MS),
	    "its interrupt came in that slot (%lld ms into it)",
	    (long long)(t_intr - w) / 1000000);
	lc_finish(&c, TIMEOUT);
}

static void
test_kill(void)
{
	struct exo_net_filter_info	 recs[64];
	struct exo_net_info		 info;
	struct lc			 c;
	struct exo			*e;
	struct exo_cap			 cap;
	char				 line[256];
	long				 before, after;
	int				 n, had;

	before = th_frames_free(&d);
	nh_spawn(&c, d.sock, "-a", "10.0.0.7", "-f", "ip dst host 10.0.0.7",
	    "-r", "8", NULL);
	ok(lc_expect(&c, "running libos=", line, sizeof line, TIMEOUT),
	    "a libOS with a filter runs");
	sscanf(line, "running libos=%u", &c.libos);
	n = nh_info(d.sock, &info, recs, 64);
	had = nh_rec(recs, n, c.libos, -1) != NULL;
	ok(had, "its filter is listed");
	ok(th_frames_free(&d) <= before - 8, "its ring holds 8 frames");
	lc_kill(&c);
	for (n = 0; n < 100; n++) {
		if (nh_rec(recs, nh_info(d.sock, &info, recs, 64), c.libos,
		    -1) == NULL)
			break;
		th_sleep_ms(10);
	}
	ok(n < 100, "kill -9 removes its filters");
	after = th_wait_frames_free(&d, before, TIMEOUT);
	is_int(after, before, "and its ring: the ring's frames are free again");
	e = th_connect(&d, "net-after");
	is_int(exo_net_filter(e, "ip dst host 10.0.0.7", &cap, NULL), 0,
	    "and its claim is free for another libOS");
	exo_disconnect(e);
}

static void
test_capture(struct exo *a)
{
	char		 path[400], cmd[1200], err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char	*data;
	pcap_t		*pc;
	pid_t		 pid;
	uint8_t		 f[4][PKT_MAX];
	size_t		 len[4];
	int		 i, status, same = 1;

	snprintf(path, sizeof path, "%s/cap.pcap", d.dir);
	pid = nh_capture(d.sock, path, 4, wire);
	rx_total = nh_wait_rx(d.sock, 0, 0);	/* and its probes */
	for (i = 0; i < 3; i++) {
		len[i] = udp_to(f[i], A2, 7000, i == 0 ? "c0" : i == 1 ? "c1" :
		    "c2");
		inject(f[i], len[i]);
	}
	settle(rx_total);
	len[3] = pkt_udp(f[3], mac_host, mac_a, A2, HOST, 7000, 40000, "tx",
	    2);
	is_int(exo_net_send(a, f[3], len[3]), 0, "the libOS sends a frame");
	(void)nh_wire_recv(wire, f[0], sizeof f[0], TIMEOUT);
	status = ch_reap(pid, TIMEOUT);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "exoctl capture -c 5 exits 0");
	if ((pc = pcap_open_offline(path, err)) == NULL) {
		ok(0, "its file opens with libpcap: %s", err);
		return;
	}
	len[0] = nh_probe(f[0]);
	if (pcap_next_ex(pc, &h, &data) != 1 || h->caplen != len[0] ||
	    memcmp(data, f[0], len[0]) != 0)
		same = 0;
	for (i = 0; i < 3; i++) {
		len[i] = udp_to(f[i], A2, 7000, i == 0 ? "c0" : i == 1 ? "c1" :
		    "c2");
		if (pcap_next_ex(pc, &h, &data) != 1 || h->caplen != len[i] ||
		    memcmp(data, f[i], len[i]) != 0)
			same = 0;
	}
	ok(same, "the pcap file holds the probe and the 3 frames received");
	ok(pcap_next_ex(pc, &h, &data) == 1 && h->caplen == len[3] &&
	    memcmp(data, f[3], len[3]) == 0, "then the frame sent");
	ok(pcap_next_ex(pc, &h, &data) != 1, "and nothing more");
	pcap_close(pc);
	snprintf(cmd, sizeof cmd, "%s -S %s net --json | grep -q "
	    "'\"key\": *\"10.0.0.2 udp/7000\"'", th_path("exod/exoctl"),
	    d.sock);
	ok(system(cmd) == 0, "exoctl net --json lists the filter");
}

/* Does exod's log hold a line with every one of the words?  Waits a
 * while: exod writes the line as it answers. */
static int
log_has(const char *w1, const char *w2, const char *w3)
{
	static char	buf[1 << 16];
	char		path[400], *line, *next;
	ssize_t		n;
	int		fd, tries;

	snprintf(path, sizeof path, "%s/exod.log", d.dir);
	for (tries = 0; tries < 100; tries++) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			return (0);
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		for (line = buf; line != NULL && *line != '\0'; line = next) {
			if ((next = strchr(line, '\n')) != NULL)
				*next++ = '\0';
			if (strstr(line, w1) != NULL && strstr(line, w2) !=
			    NULL && strstr(line, w3) != NULL) {
				diag("exod: %s", line);
				return (1);
			}
		}
		th_sleep_ms(20);
	}
	return (0);
}

static void
test_list(void)
{
	static const char *const exprs[3] = { "ip dst host 10.0.0.20",
	    "ip dst host 10.0.0.21", "ip dst host 10.0.0.22" };
	struct exo_cap	 caps[3], got[4];
	struct exo	*l, *ctl;
	uint32_t	 total = 0;
	unsigned	 n = 0, m = 0, i, j, found = 0;

	l = th_connect(&d, "net-list");
	for (i = 0; i < 3; i++)
		if (exo_net_filter(l, exprs[i], &caps[i], NULL) != 0)
			break;
	is_int(i, 3, "a libOS installs 3 filters");
	is_int(exo_net_filter_list(l, 0, got, 2, &n, &total), 0,
	    "it lists its filters");
	ok(n == 2 && total == 3, "a page of 2, of 3 in all (%u of %u)", n,
	    total);
	is_int(exo_net_filter_list(l, 2, got + 2, 2, &m, NULL), 0,
	    "the next page, from the third");
	is_int(m, 1, "holds the last one");
	for (i = 0; i < 3; i++)
		for (j = 0; j < n + m && j < 3; j++)
			if (got[j].id == caps[i].id && got[j].type ==
			    EXO_RES_FILTER)
				found++;
	is_int(found, 3, "the list is exactly the filters' capabilities");
	is_int(exo_net_filter_remove(l, &caps[1]), 0, "one is removed");
	is_int(exo_net_filter_list(l, 0, got, 4, &n, &total), 0,
	    "the list again");
	ok(n == 2 && total == 2 && got[0].id != caps[1].id &&
	    got[1].id != caps[1].id, "no longer holds it");
	is_int(exo_net_filter_list(l, 0, NULL, 4, &n, NULL), -EXO_EINVAL,
	    "a list into no array is EXO_EINVAL");
	if (exo_connect_control(d.sock, &ctl) == 0) {
		is_int(exo_net_filter_list(ctl, 0, got, 4, &n, NULL),
		    -EXO_EPERM, "a control connection holds no filters "
		    "(EXO_EPERM)");
		exo_disconnect(ctl);
	} else
		ok(0, "a control connection");
	exo_disconnect(l);
}

static void
test_forged(void)
{
	struct exo_net_filter_info recs[16];
	struct exo_net_info	 info;
	struct exo_frame	 fr;
	struct exo_cap		 cap, bad;
	struct exo		*l;
	int			 n;

	l = th_connect(&d, "net-forger");
	is_int(exo_net_filter(l, "ip dst host 10.0.0.30", &cap, NULL), 0,
	    "a libOS installs a filter");
	bad = cap;
	bad.mac[0] ^= 0x01;
	is_int(exo_net_filter_remove(l, &bad), -EXO_EBADCAP,
	    "its capability with one MAC bit flipped: EXO_EBADCAP");
	bad = cap;
	bad.id++;
	bad.gen++;
	is_int(exo_net_filter_remove(l, &bad), -EXO_EBADCAP,
	    "with another filter's id: EXO_EBADCAP");
	bad = cap;
	bad.mac[3] ^= 0x80;
	is_int(exo_net_handler(l, &bad, "/nonexistent.so"), -EXO_EBADCAP,
	    "a native handler on a forged capability: EXO_EBADCAP");
	if (exo_frame_alloc(l, &fr) == 0) {
		is_int(exo_net_filter_remove(l, &fr.cap), -EXO_EINVAL,
		    "a frame's capability is no filter's: EXO_EINVAL");
		(void)exo_frame_free(l, &fr);
	} else
		ok(0, "a frame to try as a filter");
	n = nh_info(d.sock, &info, recs, 16);
	ok(nh_rec(recs, n, exo_libos_id(l), -1) != NULL,
	    "the filter is still installed");
	is_int(exo_net_filter_remove(l, &cap), 0, "and its own capability "
	    "removes it");
	exo_disconnect(l);
}

/* The inode of exod's UDP socket on port (from /proc/net/udp), or 0. */
static unsigned long
udp_inode(uint16_t port)
{
	char		line[512];
	unsigned	lport, st;
	unsigned long	ino, found = 0;
	FILE		*fp;

	if ((fp = fopen("/proc/net/udp", "r")) == NULL)
		return (0);
	while (fgets(line, sizeof line, fp) != NULL)
		if (sscanf(line, " %*u: %*x:%x %*x:%*x %x %*x:%*x %*x:%*x %*x "
		    "%*u %*u %lu", &lport, &st, &ino) == 3 && lport == port)
			found = ino;
	fclose(fp);
	return (found);
}

/* Does process pid hold a descriptor for socket inode ino? */
static int
holds_socket(pid_t pid, unsigned long ino)
{
	char	path[64], link[128], want[64];
	ssize_t	n;
	int	fd, held = 0;

	snprintf(want, sizeof want, "socket:[%lu]", ino);
	for (fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof path, "/proc/%ld/fd/%d", (long)pid, fd);
		if ((n = readlink(path, link, sizeof link - 1)) <= 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, want) == 0)
			held = 1;
	}
	return (held);
}

static void
test_device_owned(struct exo *a)
{
	unsigned long	ino = udp_inode(exod_port);

	if (ino == 0) {
		skip("exod's UDP socket is not in /proc/net/udp");
		skip("exod's UDP socket is not in /proc/net/udp");
		return;
	}
	ok(holds_socket(d.pid, ino), "exod holds its NIC's socket");
	ok(!holds_socket(getpid(), ino),
	    "a libOS with a ring and filters does not (exod owns the device)");
	(void)a;
}

/* exoctl net, the table: the device and a filter with its key. */
static void
test_exoctl_table(void)
{
	char	cmd[1200];

	snprintf(cmd, sizeof cmd, "%s -S %s net | grep -q '^device: udp:'",
	    th_path("exod/exoctl"), d.sock);
	ok(system(cmd) == 0, "exoctl net names the device and its backend");
	snprintf(cmd, sizeof cmd, "%s -S %s net | grep -q "
	    "' 10.0.0.2 udp/7000$'", th_path("exod/exoctl"), d.sock);
	ok(system(cmd) == 0, "and lists the filter with its key");
}

static void
test_handler(void)
{
	char		 so[400], uid[300], who[96];
	struct passwd	*pw;
	struct exo	*a;
	struct exo_cap	 cap;
	struct exo_net_filter_info recs[16];
	struct exo_net_info info;
	struct exo_net_ring r;
	uint8_t		 f[PKT_MAX], g[PKT_MAX];
	struct pkt_info	 pi;
	uint64_t	 refused;
	long		 got;
	int		 n;

	snprintf(so, sizeof so, "%s", th_path("t/.libs/net-handler.so"));
	a = th_connect(&d, "net-untrusted");
	is_int(exo_net_filter(a, "ip dst host 10.0.0.8 and udp dst port 7",
	    &cap, NULL), 0, "an untrusted libOS installs a filter");
	is_int(exo_net_handler(a, &cap, so), -EXO_EPERM,
	    "but its native handler is refused (EXO_EPERM)");
	snprintf(who, sizeof who, "libOS %u (uid %u, pid %ld)",
	    exo_libos_id(a), (unsigned)getuid(), (long)getpid());
	ok(log_has(who, so, "refused: not a trusted user (-T)"),
	    "exod logs the refusal: the libOS, its uid, the object, the rule");
	is_int(exo_null(a), 0, "and goes on serving it");
	exo_disconnect(a);

	th_exod_stop(&d);
	/* A list, by uid and by name: another uid, then this user's name. */
	pw = getpwuid(getuid());
	snprintf(uid, sizeof uid, "%u,%s", (unsigned)getuid() + 1,
	    pw != NULL ? pw->pw_name : "root");
	th_exod_restart(&d, "-N", spec, "-T", uid, "-n", "4", "-q", "40",
	    NULL);
	a = th_connect(&d, "net-trusted");
	ok(exo_net_ring_create(a, &r, 1) == 2, "a trusted libOS makes a ring");
	is_int(exo_net_filter(a, "ip dst host 10.0.0.8 and udp dst port 7",
	    &cap, NULL), 0, "and a filter");
	is_int(exo_net_handler(a, &cap, so), 0,
	    "its native handler loads (exod -T)");
	nh_inject(wire, f, pkt_udp(f, mac_a, mac_host, HOST,
	    pkt_addr("10.0.0.8"), 40000, 7, "ping", 4));
	got = nh_wire_recv(wire, g, sizeof g, TIMEOUT);
	ok(got > 0 && pkt_parse(g, (size_t)got, &pi) == 0 && pi.src ==
	    pkt_addr("10.0.0.8") && pi.sport == 7 && pi.datalen == 9 &&
	    memcmp(pi.data, "echo:ping", 9) == 0,
	    "it answers inside exod, from the claimed address and port");
	n = nh_info(d.sock, &info, recs, 16);
	ok(n == 1 && recs[0].handled == 1 && recs[0].packets == 0 &&
	    (recs[0].flags & EXO_NET_F_HANDLER),
	    "NET_INFO counts it handled, not put in the ring");
	is_int(ring_count(&r, NULL, 0), 0, "and the libOS's ring is empty");
	refused = info.tx_refused;
	nh_inject(wire, f, pkt_udp(f, mac_a, mac_host, HOST,
	    pkt_addr("10.0.0.8"), 40000, 7, "spoof", 5));
	ok(nh_wire_recv(wire, g, sizeof g, 300) == -1,
	    "an answer it makes from an unclaimed source never reaches the "
	    "wire");
	n = nh_info(d.sock, &info, recs, 16);
	ok(n == 1 && info.tx_refused == refused + 1 && recs[0].handled == 2,
	    "exod refused it as it would the libOS's own (tx_refused %llu)",
	    (unsigned long long)info.tx_refused);
	exo_disconnect(a);
}

/*
 * The point of a native handler: it answers while its libOS is stopped.
 * A libOS holding slot 1 of 4 attaches one; a datagram sent just after
 * its slot ends is answered long before its next slot begins.
 */
static void
test_handler_descheduled(void)
{
	char		 so[400], line[1024];
	struct lc	 c;
	struct pkt_info	 pi;
	uint8_t		 f[PKT_MAX], g[PKT_MAX];
	uint64_t	 w, t_send, t_reply, next;
	long		 got;

	snprintf(so, sizeof so, "%s", th_path("t/.libs/net-handler.so"));
	nh_spawn(&c, d.sock, "-a", "10.0.0.11", "-f",
	    "ip dst host 10.0.0.11 and udp dst port 7", "-h", so, "-s", "1",
	    NULL);
	ok(lc_expect(&c, "handler status=0", line, sizeof line, TIMEOUT),
	    "a libOS holding one slot of 4 attaches a native handler");
	if (!lc_claimed(&c, TIMEOUT) || !lc_expect(&c, "running", line,
	    sizeof line, TIMEOUT)) {
		ok(0, "it claims its slot and runs");
		lc_kill(&c);
		return;
	}
	w = ch_next_window(&c.vec, ch_now());
	ch_sleep_until(w + c.vec.q + 2 * CH_MS);	/* its slot is over */
	t_send = ch_now();
	nh_inject(wire, f, pkt_udp(f, mac_a, mac_host, HOST,
	    pkt_addr("10.0.0.11"), 40000, 7, "stopped", 7));
	got = nh_wire_recv(wire, g, sizeof g, TIMEOUT);
	t_reply = ch_now();
	next = ch_next_window(&c.vec, t_send);
	ok(got > 0 && pkt_parse(g, (size_t)got, &pi) == 0 && pi.datalen ==
	    12 && memcmp(pi.data, "echo:stopped", 12) == 0,
	    "a datagram sent after its slot is answered by the handler");
	ok(t_reply < next, "while the libOS is descheduled: %lld ms before "
	    "its next slot", (long long)(next - t_reply) / 1000000);
	lc_kill(&c);
}

/* exod -T with a user that does not exist does not start, naming it. */
static void
test_trust_unknown(void)
{
	int	st, named;

	st = nh_exod_refused(d.dir, "no-such-user-exo", &named, "-T",
	    "0,no-such-user-exo", NULL);
	ok(WIFEXITED(st) && WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 127,
	    "exod -T naming a user that does not exist does not start");
	ok(named, "and names the user");
}

/* A trusted user's unmerged filter beside a merged owner (exo(7)). */
static void
test_trusted(void)
{
	static const uint8_t	 mac_mcast[6] = { 0x01, 0, 0x5e, 0, 0, 0xfb };
	struct exo_net_ring	 ra, rc;
	struct exo_net_info	 info;
	struct exo_cap		 cap;
	struct exo		*a, *c;
	uint32_t		 class = 0;
	uint8_t			 f[PKT_MAX];
	char			 ta[4][32], tc[4][32];
	uint64_t		 rx;
	int			 na, nc;

	a = th_connect(&d, "net-owner");
	c = th_connect(&d, "net-catchall");
	ok(exo_net_ring_create(a, &ra, 2) == 4 &&
	    exo_net_ring_create(c, &rc, 2) == 4, "two trusted libOSes, rings");
	ok(exo_net_filter(a, "ip dst host 10.0.0.9", &cap, NULL) == 0 &&
	    exo_net_filter(a, "ip dst host 224.0.0.251", &cap, NULL) == 0,
	    "one claims 10.0.0.9 and the group 224.0.0.251");
	is_int(exo_net_filter(c, "udp", &cap, &class), 0,
	    "the other installs \"udp\", of no merged class (trusted)");
	is_int(class, EXO_NET_UNMERGED, "which is not merged");
	memset(&info, 0, sizeof info);
	(void)nh_info(d.sock, &info, NULL, 0);
	rx = info.rx;
	nh_inject(wire, f, udp_to(f, pkt_addr("10.0.0.9"), 53, "owned"));
	nh_inject(wire, f, udp_to(f, pkt_addr("10.0.0.99"), 53, "unowned"));
	nh_inject(wire, f, pkt_udp(f, mac_mcast, mac_host, HOST,
	    pkt_addr("224.0.0.251"), 5353, 5353, "group", 5));
	if (nh_wait_rx(d.sock, rx + 3, TIMEOUT) < rx + 3)
		diag("exod saw fewer frames than injected");
	th_sleep_ms(50);
	na = ring_count(&ra, ta, 4);
	nc = ring_count(&rc, tc, 4);
	ok(na == 2 && strcmp(ta[0], "owned") == 0 &&
	    strcmp(ta[1], "group") == 0, "the owner gets its unicast and the "
	    "multicast (%d)", na);
	ok(nc == 2 && strcmp(tc[0], "unowned") == 0 &&
	    strcmp(tc[1], "group") == 0, "the catch-all gets only what nobody "
	    "claimed, and the multicast (%d)", nc);
	exo_disconnect(c);
	exo_disconnect(a);
}

int
main(void)
{
	struct exo_net_ring	 ra;
	struct exo		*a;

	plan_lazy();
	A2 = pkt_addr("10.0.0.2");
	A3 = pkt_addr("10.0.0.3");
	HOST = pkt_addr("10.0.0.1");
	wire = nh_wire(&wire_port);
	exod_port = nh_free_port();
	nh_wire_to(wire, exod_port);
	snprintf(spec, sizeof spec, "udp:%u:%u", exod_port, wire_port);
	th_exod_start(&d, "-N", spec, "-n", "4", "-q", "40", "-b", "2", NULL);

	a = th_connect(&d, "net-a");
	is_int(exo_net_ring_create(a, &ra, 2), 4, "a ring of 2 frames has 4 slots");
	test_receive(a, &ra);
	test_verifier(a);
	test_ownership(a, &ra);
	test_send(a);
	test_full(a, &ra, exo_libos_id(a));
	test_descheduled();
	test_kill();
	test_capture(a);
	test_exoctl_table();
	test_list();
	test_forged();
	test_device_owned(a);
	exo_disconnect(a);
	test_handler();
	test_handler_descheduled();
	test_trusted();
	test_trust_unknown();
	return (0);
}
