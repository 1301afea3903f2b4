/*
 * net-hostile.t - exod's network requests against a libOS that speaks
 * the protocol by hand and breaks it: every malformed NET_* request gets
 * the status exo-protocol(7) names (inner lengths, reserved words,
 * counts, an unterminated path, a request for control peers only),
 * never closes the connection and never disturbs another libOS; then the
 * peers that die mid-request: a libOS that sends a filter and closes at
 * once leaves no filter behind, and a capture client killed mid-capture
 * costs exod nothing.
 */
#include <sys/socket.h>
#include <sys/wait.h>

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

static struct th_exod	d;
static int		raw;
static uint32_t		next_id = 100;

/* One request on the raw libOS; the reply's status, or 1 on no reply. */
static int
ask(uint16_t type, const void *payload, size_t len, void *rep, size_t max)
{
	struct exo_hdr	h;
	uint32_t	id = next_id++;

	if (ch_raw_request(raw, type, id, payload, len) != 0)
		return (1);
	if (ch_raw_reply(raw, &h, rep, max, TIMEOUT) < 0 || h.id != id ||
	    h.type != (type | EXO_MSG_REPLY))
		return (1);
	return (h.status);
}

static void
test_filter_add(void)
{
	struct {
		struct exo_net_filter_add	hdr;
		struct exo_bpf_insn		insns[2];
	}			req;
	struct exo_net_verdict	v;

	memset(&req, 0, sizeof req);
	req.hdr.count = 1;
	req.insns[0].code = 0x06;	/* ret #0 */
	req.hdr.flags = 1;
	is_int(ask(EXO_MSG_NET_FILTER_ADD, &req, sizeof req.hdr +
	    sizeof req.insns[0], NULL, 0), -EXO_EINVAL,
	    "NET_FILTER_ADD with a reserved flag: EXO_EINVAL");
	req.hdr.flags = 0;
	req.hdr.count = 2;
	is_int(ask(EXO_MSG_NET_FILTER_ADD, &req, sizeof req.hdr +
	    sizeof req.insns[0], NULL, 0), -EXO_EPROTO,
	    "a count of 2 with 1 instruction: EXO_EPROTO");
	is_int(ask(EXO_MSG_NET_FILTER_ADD, &req, 4, NULL, 0), -EXO_EPROTO,
	    "a payload shorter than its header: EXO_EPROTO");
	req.hdr.count = 0;
	memset(&v, 0xff, sizeof v);
	is_int(ask(EXO_MSG_NET_FILTER_ADD, &req, sizeof req.hdr, &v,
	    sizeof v), -EXO_EBPF, "no instructions at all: EXO_EBPF");
	is_int(v.reason, EXO_BPF_EMPTY, "with the verdict \"empty\"");
}

/* On an exod without -N, a good filter: EXO_ENONET. */
static void
test_no_nic(void)
{
	struct exo_cap	 cap;
	struct exo	*e;

	th_exod_start(&d, NULL);
	e = th_connect(&d, "net-none");
	is_int(exo_net_filter(e, "ip dst host 10.0.5.9", &cap, NULL),
	    -EXO_ENONET, "a good filter on an exod without -N: EXO_ENONET");
	exo_disconnect(e);
}

static void
test_other(void)
{
	unsigned char		buf[64];
	struct exo_net_send	s;
	struct exo_net_handler	nh;
	struct exo_block_list	bl;
	struct exo_net_info_req	ir;
	struct exo_net_capture	cr;
	struct exo_net_filter_del del;
	struct {
		struct exo_net_ring_req	hdr;
		struct exo_cap		caps[2];
	}			ring;

	memset(&del, 0, sizeof del);
	is_int(ask(EXO_MSG_NET_FILTER_DEL, &del, sizeof del - 1, NULL, 0),
	    -EXO_EPROTO, "NET_FILTER_DEL one byte short: EXO_EPROTO");
	is_int(ask(EXO_MSG_NET_FILTER_DEL, &del, sizeof del, NULL, 0),
	    -EXO_EBADCAP, "NET_FILTER_DEL of a zero capability: EXO_EBADCAP");

	memset(buf, 0, sizeof buf);
	s.len = 20;
	s.flags = 0;
	memcpy(buf, &s, sizeof s);
	is_int(ask(EXO_MSG_NET_SEND, buf, sizeof s + 30, NULL, 0),
	    -EXO_EPROTO, "NET_SEND whose len is not its data's: EXO_EPROTO");
	s.len = 30;
	s.flags = 2;
	memcpy(buf, &s, sizeof s);
	is_int(ask(EXO_MSG_NET_SEND, buf, sizeof s + 30, NULL, 0),
	    -EXO_EINVAL, "NET_SEND with a reserved flag: EXO_EINVAL");

	memset(&nh, 0, sizeof nh);
	memset(nh.path, 'x', sizeof nh.path);
	is_int(ask(EXO_MSG_NET_HANDLER, &nh, sizeof nh, NULL, 0), -EXO_EINVAL,
	    "NET_HANDLER whose path has no NUL: EXO_EINVAL");
	memset(nh.path, 0, sizeof nh.path);
	nh.reserved = 1;
	is_int(ask(EXO_MSG_NET_HANDLER, &nh, sizeof nh, NULL, 0), -EXO_EINVAL,
	    "NET_HANDLER with a reserved word set: EXO_EINVAL");

	memset(&ring, 0, sizeof ring);
	is_int(ask(EXO_MSG_NET_RING, &ring, sizeof ring.hdr, NULL, 0),
	    -EXO_EINVAL, "NET_RING of no frames: EXO_EINVAL");
	ring.hdr.count = 2;
	is_int(ask(EXO_MSG_NET_RING, &ring, sizeof ring.hdr +
	    sizeof ring.caps[0], NULL, 0), -EXO_EPROTO,
	    "NET_RING counting 2 capabilities, carrying 1: EXO_EPROTO");

	memset(&bl, 0, sizeof bl);
	bl.reserved = 7;
	is_int(ask(EXO_MSG_NET_FILTER_LIST, &bl, sizeof bl, NULL, 0),
	    -EXO_EINVAL, "NET_FILTER_LIST with its reserved word set: "
	    "EXO_EINVAL");
	memset(&ir, 0, sizeof ir);
	ir.reserved = 7;
	is_int(ask(EXO_MSG_NET_INFO, &ir, sizeof ir, NULL, 0), -EXO_EINVAL,
	    "NET_INFO with its reserved word set: EXO_EINVAL");
	memset(&cr, 0, sizeof cr);
	is_int(ask(EXO_MSG_NET_CAPTURE, &cr, sizeof cr, NULL, 0), -EXO_EPERM,
	    "NET_CAPTURE from a libOS (control peers only): EXO_EPERM");
	is_int(ask(EXO_MSG_NULL, NULL, 0, NULL, 0), 0,
	    "the connection is still served");
}

/* A libOS that installs a filter and closes without reading the reply. */
static void
test_gone_mid_request(struct th_exod *x)
{
	struct {
		struct exo_hdr			h;
		struct exo_net_filter_add	hdr;
		struct exo_bpf_insn		insns[16];
	}			 req;
	struct exo_net_filter_info recs[8];
	struct exo_net_info	 info;
	struct exo_bpf_insn	*prog;
	struct exo		*e;
	struct exo_cap		 cap;
	unsigned		 n;
	int			 fd, fds[3], k, listed = 1;
	uint32_t		 libos;

	if (exo_net_compile("ip dst host 10.0.5.2", &prog, &n) != 0 ||
	    n > 16)
		bail("cannot compile the filter");
	fd = th_raw_connect(x);
	if (ch_raw_hello(fd, "net-gone", &libos, fds) != 0)
		bail("raw HELLO");
	memset(&req, 0, sizeof req);
	req.h.version = EXO_PROTO_VERSION;
	req.h.type = EXO_MSG_NET_FILTER_ADD;
	req.h.id = 1;
	req.h.len = (uint32_t)(sizeof req.hdr + n * sizeof prog[0]);
	req.hdr.count = n;
	memcpy(req.insns, prog, n * sizeof prog[0]);
	free(prog);
	ok(th_raw_send(fd, &req, sizeof req.h + req.h.len) ==
	    (int)(sizeof req.h + req.h.len), "a libOS sends a filter...");
	close(fd);
	for (k = 0; k < 3; k++)
		close(fds[k]);
	for (k = 0; k < 200 && listed; k++) {
		n = (unsigned)nh_info(x->sock, &info, recs, 8);
		listed = nh_rec(recs, (int)n, libos, -1) != NULL;
		if (listed)
			th_sleep_ms(10);
	}
	ok(!listed, "...and closes at once: no filter of it is left");
	e = th_connect(x, "net-after-gone");
	is_int(exo_net_filter(e, "ip dst host 10.0.5.2", &cap, NULL), 0,
	    "its address is free for the next libOS");
	exo_disconnect(e);
}

/* exoctl capture killed -9 mid-capture: exod counts no more copies. */
static void
test_capture_killed(struct th_exod *x, int wire)
{
	struct exo_net_info	info;
	uint8_t			f[PKT_MAX];
	uint64_t		captured;
	pid_t			pid;
	char			path[400];
	int			i;

	snprintf(path, sizeof path, "%s/killed.pcap", x->dir);
	if ((pid = ch_fork()) == 0) {
		execl(th_path("exod/exoctl"), "exoctl", "-S", x->sock,
		    "capture", path, (char *)NULL);
		_exit(127);
	}
	memset(&info, 0, sizeof info);
	for (i = 0; i < 100; i++) {
		nh_inject(wire, f, pkt_udp(f, pkt_bcast, pkt_bcast, 1, 2, 3, 4,
		    "c", 1));
		th_sleep_ms(20);
		if (nh_info(x->sock, &info, NULL, 0) >= 0 && info.captured > 0)
			break;
	}
	ok(info.captured > 0, "exoctl capture gets copies (%llu)",
	    (unsigned long long)info.captured);
	kill(pid, SIGKILL);
	(void)ch_reap(pid, TIMEOUT);
	th_sleep_ms(100);
	(void)nh_info(x->sock, &info, NULL, 0);
	captured = info.captured;
	for (i = 0; i < 5; i++)
		nh_inject(wire, f, pkt_udp(f, pkt_bcast, pkt_bcast, 1, 2, 3, 4,
		    "d", 1));
	(void)nh_wait_rx(x->sock, info.rx + 5, TIMEOUT);
	(void)nh_info(x->sock, &info, NULL, 0);
	is_int((long)(info.captured - captured), 0,
	    "killed -9, it gets none: exod stopped copying at once");
	ok(th_exod_alive(x), "and exod is alive");
}

int
main(void)
{
	struct th_exod	 x;
	struct exo	*other;
	char		 spec[64];
	uint16_t	 wport, xport;
	int		 fds[3], wire, k;
	uint32_t	 libos;

	plan_lazy();
	signal(EXO_SIG_UPCALL, SIG_IGN);
	wire = nh_wire(&wport);
	xport = nh_free_port();
	nh_wire_to(wire, xport);
	snprintf(spec, sizeof spec, "udp:%u:%u", xport, wport);
	th_exod_start(&x, "-N", spec, NULL);
	other = th_connect(&x, "bystander");
	raw = th_raw_connect(&x);
	if (ch_raw_hello(raw, "net-hostile", &libos, fds) != 0)
		bail("raw HELLO");
	test_filter_add();
	test_other();
	is_int(exo_null(other), 0, "another libOS never noticed");
	exo_disconnect(other);
	close(raw);
	for (k = 0; k < 3; k++)
		close(fds[k]);

	test_gone_mid_request(&x);
	test_capture_killed(&x, wire);
	close(wire);
	test_no_nic();
	return (0);
}
