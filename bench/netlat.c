/*
 * netlat.c - exobench-net's delivery latencies: how long a packet takes
 * from the wire to the code that handles it, on an exod with the udp:
 * backend (this program is the other station on the wire), each beside
 * the raw primitive under it, in interleaved batches of one run:
 *
 *	running		to the interrupt handler of a libOS that holds no
 *			slot and waits in exo_wait, one way; against a UDP
 *			datagram to a process blocked in poll(2)
 *	descheduled	to the interrupt handler of a libOS that holds one
 *			slot of four, the packet sent while it is stopped:
 *			from the start of its next slot to its handler;
 *			against a timer that expires, then SIGCONT of a
 *			stopped process, to its recv(2) of a datagram
 *			queued while it was stopped (the same path, raw).
 *			Also: how many of those packets were in the ring
 *			before the slot began (exod writes at once)
 *	native		a native handler (t/net-handler.so, exod -T)
 *			answering inside exod, the round trip; against a
 *			UDP echo process's round trip
 *
 * Every time is CLOCK_MONOTONIC, which exod, the libOSes and this program
 * share.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exo.h"
#include "benchlib.h"
#include "netlat.h"
#include "../t/pkt.h"

#define LAT_WAIT_MS	3000	/* longest wait for one packet */
#define LAT_SLOTS	4	/* exod -n: the descheduled libOS has one */
#define LAT_QUANTUM_MS	10	/* exod -q */
#define LAT_PORT	9	/* the libOSes' UDP port */
#define LAT_ECHO_PORT	7	/* the native handler's */

/* What a libOS child says once, when it is ready. */
struct lat_ready {
	uint64_t	t0_ns;		/* exod's tick 0 */
	uint64_t	q_ns;		/* the quantum */
	uint32_t	nslots;		/* slots in the vector */
	uint32_t	pos;		/* its slot, or UINT32_MAX for none */
};

/* What a libOS child says for each packet. */
struct lat_rec {
	uint64_t	t_intr;		/* its interrupt handler ran */
	uint64_t	stamp;		/* exod wrote it into the ring */
};

/* The run's plan: batches interleave the exo and raw sides. */
struct lat_plan {
	int	batches;
	int	iters;		/* one-way and round trips per batch */
	int	desched;	/* descheduled samples per batch */
};

/* One libOS or raw child: its pid and its report pipe. */
struct lat_child {
	pid_t			pid;
	int			rfd;
	struct lat_ready	ready;
};

static const uint8_t	lat_mac_host[6] = { 0x02, 0xbe, 0, 0, 0, 1 };
static const uint8_t	lat_mac_exo[6] = { 0x02, 0xbe, 0, 0, 0, 2 };
static volatile uint64_t lat_intr_ns;	/* set by the child's handler */

static void
lat_sleep_until(uint64_t t)
{
	struct timespec	ts;

	ts.tv_sec = (time_t)(t / 1000000000ULL);
	ts.tv_nsec = (long)(t % 1000000000ULL);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	    EINTR)
		;
}

/* A UDP socket on 127.0.0.1 (port 0: any), its port in *port. */
static int
lat_socket(uint16_t *port)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			fd;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		bl_die("socket: %s", strerror(errno));
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		bl_die("bind: %s", strerror(errno));
	*port = ntohs(sin.sin_port);
	return (fd);
}

static void
lat_connect(int fd, uint16_t port)
{
	struct sockaddr_in	sin;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == -1)
		bl_die("connect: %s", strerror(errno));
}

/* Exactly len bytes from fd within LAT_WAIT_MS: 0, or -1. */
static int
lat_read(int fd, void *buf, size_t len)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	char		*p = buf;
	ssize_t		 n;

	while (len > 0) {
		if (poll(&pfd, 1, LAT_WAIT_MS) != 1)
			return (-1);
		if ((n = read(fd, p, len)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			return (-1);
		}
		p += n;
		len -= (size_t)n;
	}
	return (0);
}

/* One datagram from fd within LAT_WAIT_MS: its length, or -1. */
static ssize_t
lat_recv(int fd, void *buf, size_t len)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };

	if (poll(&pfd, 1, LAT_WAIT_MS) != 1)
		return (-1);
	return (recv(fd, buf, len, MSG_DONTWAIT));
}

static int
lat_on_intr(struct exo *x, const struct exo_intr *in, void *arg)
{
	if (in->kind == EXO_INTR_NET && lat_intr_ns == 0)
		lat_intr_ns = bl_now();
	return (0);
}

/*
 * The libOS child: a ring, a filter for addr udp/LAT_PORT, slot pos if
 * pos >= 0; then, for every packet, when its interrupt handler ran and
 * when exod wrote the packet.  Never returns.
 */
static void __attribute__((noreturn))
lat_libos(const char *addr, int pos, int wfd)
{
	struct exo_net_ring	 ring;
	struct exo_net_slot	 s;
	struct exo_cap		 cap, slotcap;
	struct lat_ready	 ready;
	struct lat_rec		 rec;
	const struct exo_expose	*x;
	struct exo		*e;
	sigset_t		 mask;
	unsigned		 at;
	char			 expr[96];
	uint8_t			 buf[EXO_NET_SLOT_DATA];

	if (exo_connect(bl_sock(), pos >= 0 ? "bench-desched" :
	    "bench-running", &e) != 0 ||
	    exo_pe_interrupt(e, lat_on_intr, NULL) != 0)
		_exit(1);
	/* Upcalls run inside exo_wait only; one that comes while the loop
	 * reads the ring ends the next wait at once. */
	sigemptyset(&mask);
	sigaddset(&mask, EXO_SIG_UPCALL);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	snprintf(expr, sizeof expr, "ip dst host %s and udp dst port %u",
	    addr, LAT_PORT);
	if (exo_net_ring_create(e, &ring, 2) < 0 ||
	    exo_net_filter(e, expr, &cap, NULL) != 0)
		_exit(1);
	memset(&ready, 0, sizeof ready);
	ready.pos = UINT32_MAX;
	if (pos >= 0) {
		at = (unsigned)pos;
		if (exo_slot_claim_at(e, &at, 1, &slotcap) != 0)
			_exit(1);
		ready.pos = at;
	}
	x = exo_expose(e);
	ready.t0_ns = x->t0_ns;
	ready.q_ns = (uint64_t)x->quantum_us * 1000;
	ready.nslots = x->nslots;
	if (write(wfd, &ready, sizeof ready) != sizeof ready)
		_exit(1);
	for (;;) {
		while (exo_net_recv(&ring, buf, sizeof buf, &s) > 0) {
			rec.t_intr = lat_intr_ns;
			rec.stamp = s.stamp_ns;
			lat_intr_ns = 0;
			if (write(wfd, &rec, sizeof rec) != sizeof rec)
				_exit(1);
		}
		if (exo_wait(e) < 0)
			_exit(1);
	}
}

/*
 * The raw child: for every datagram on fd, when recv returned (to wfd),
 * then the datagram back to its sender.  Never returns.
 */
static void __attribute__((noreturn))
lat_raw(int fd, int wfd)
{
	struct sockaddr_storage	 from;
	struct pollfd		 pfd = { fd, POLLIN, 0 };
	socklen_t		 fl;
	uint8_t			 buf[PKT_MAX];
	uint64_t		 t;
	ssize_t			 n;

	for (;;) {
		if (poll(&pfd, 1, -1) != 1)
			continue;
		fl = sizeof from;
		n = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT,
		    (struct sockaddr *)&from, &fl);
		if (n <= 0)
			continue;
		t = bl_now();
		if (write(wfd, &t, sizeof t) != sizeof t)
			_exit(1);
		(void)sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from,
		    fl);
	}
}

/* Fork a child that reports on a pipe: 0 and *wfd in the child, its pid
 * and *rfd in this process.  The child dies with this process. */
static pid_t
lat_fork(int *rfd, int *wfd)
{
	int	p[2];
	pid_t	pid;

	if (pipe(p) == -1 || (pid = fork()) == -1)
		bl_die("fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(p[0]);
		*wfd = p[1];
		return (0);
	}
	close(p[1]);
	*rfd = p[0];
	bl_track(pid);
	return (pid);
}

static void
lat_start_libos(struct lat_child *c, const char *addr, int pos)
{
	int	wfd = -1;

	if ((c->pid = lat_fork(&c->rfd, &wfd)) == 0)
		lat_libos(addr, pos, wfd);
	if (lat_read(c->rfd, &c->ready, sizeof c->ready) == -1)
		bl_die("a libOS child did not start (%s)", addr);
}

static void
lat_stop(struct lat_child *c)
{
	kill(c->pid, SIGKILL);
	waitpid(c->pid, NULL, 0);
	bl_untrack(c->pid);
	close(c->rfd);
}

/* A UDP frame for addr's port, as the host on the wire sends it. */
static size_t
lat_frame(uint8_t *f, const char *addr, uint16_t port)
{
	static const char	text[] = "exobench-net";

	return (pkt_udp(f, lat_mac_exo, lat_mac_host, pkt_addr("10.7.0.1"),
	    pkt_addr(addr), 40000, port, text, sizeof text - 1));
}

/* The median of the batch, in microseconds. */
static double
lat_us(double *xs, int n)
{
	return (bl_median(xs, (size_t)n) / 1000.0);
}

/* What the runs hold: per batch, the exo and raw medians. */
struct lat_run {
	int	 wire, raw;		/* the wire to exod, the raw socket */
	int	 native;		/* the native handler loaded */
	struct lat_child run, des, rc;	/* rc: the raw child */
	double	*xs;			/* one batch's samples */
	double	*m[6];			/* per batch: run, raw1, nat, rawrt,
					   des, cont */
	int	 in_ring, at_slot, ndes;
};

/* One-way, running libOS: send, its handler ran. */
static double
lat_batch_running(struct lat_run *r, const struct lat_plan *pl)
{
	struct lat_rec	rec;
	uint8_t		f[PKT_MAX];
	size_t		n = lat_frame(f, "10.7.0.2", LAT_PORT);
	uint64_t	t0;
	int		i;

	for (i = 0; i < pl->iters; i++) {
		t0 = bl_now();
		if (send(r->wire, f, n, 0) != (ssize_t)n ||
		    lat_read(r->run.rfd, &rec, sizeof rec) == -1)
			bl_die("no delivery to the running libOS");
		r->xs[i] = (double)(rec.t_intr - t0);
	}
	return (lat_us(r->xs, pl->iters));
}

/*
 * Raw, through the echo process: one way (until its recv returned, as it
 * says on its pipe) or, with rt, the round trip (until its echo is back).
 */
static double
lat_batch_raw(struct lat_run *r, const struct lat_plan *pl, size_t n,
    int rt)
{
	uint8_t		f[PKT_MAX], g[PKT_MAX];
	uint64_t	t0, t1, t;
	int		i;

	memset(f, 0, n);
	for (i = 0; i < pl->iters; i++) {
		t0 = bl_now();
		if (send(r->raw, f, n, 0) != (ssize_t)n ||
		    lat_recv(r->raw, g, sizeof g) < 0)
			bl_die("the raw echo did not answer");
		t1 = bl_now();
		if (lat_read(r->rc.rfd, &t, sizeof t) == -1)
			bl_die("the raw echo did not report");
		r->xs[i] = (double)((rt ? t1 : t) - t0);
	}
	return (lat_us(r->xs, pl->iters));
}

/* Round trip through the native handler inside exod. */
static double
lat_batch_native(struct lat_run *r, const struct lat_plan *pl)
{
	uint8_t		f[PKT_MAX], g[PKT_MAX];
	size_t		n = lat_frame(f, "10.7.0.8", LAT_ECHO_PORT);
	uint64_t	t0;
	int		i;

	for (i = 0; i < pl->iters; i++) {
		t0 = bl_now();
		if (send(r->wire, f, n, 0) != (ssize_t)n ||
		    lat_recv(r->wire, g, sizeof g) < 0)
			bl_die("the native handler did not answer");
		r->xs[i] = (double)(bl_now() - t0);
	}
	return (lat_us(r->xs, pl->iters));
}

/*
 * Descheduled: just after its slot ends, send; from the start of its
 * next slot to its handler.  A sample whose send came too late (the
 * host held this program past the next slot's start) is taken again.
 */
static double
lat_batch_desched(struct lat_run *r, const struct lat_plan *pl)
{
	const struct lat_ready	*v = &r->des.ready;
	struct lat_rec		 rec;
	uint8_t			 f[PKT_MAX];
	size_t			 n = lat_frame(f, "10.7.0.3", LAT_PORT);
	uint64_t		 now, k, w, next, ts;
	int			 i = 0, tries = 0;

	while (i < pl->desched && tries++ < 4 * pl->desched) {
		now = bl_now();
		k = (now - v->t0_ns) / v->q_ns + 1;
		k += (v->pos + v->nslots - k % v->nslots) % v->nslots;
		w = v->t0_ns + k * v->q_ns;	/* its next slot */
		next = w + v->nslots * v->q_ns;	/* the one after */
		lat_sleep_until(w + v->q_ns + v->q_ns / 4);
		ts = bl_now();
		if (send(r->wire, f, n, 0) != (ssize_t)n ||
		    lat_read(r->des.rfd, &rec, sizeof rec) == -1)
			bl_die("no delivery to the descheduled libOS");
		if (ts >= next || rec.t_intr < next)
			continue;	/* not sent while it was descheduled */
		r->ndes++;
		r->in_ring += rec.stamp != 0 && rec.stamp < next;
		r->at_slot += rec.t_intr < next + v->q_ns;
		r->xs[i++] = (double)(rec.t_intr - next);
	}
	if (i == 0)
		bl_die("no descheduled sample: the host is too busy");
	return (lat_us(r->xs, i));
}

/*
 * The raw path exod takes at a slot's start: a timer expires, a stopped
 * process is continued, and finds the datagram queued for it while it
 * was stopped.  From the timer's expiry time to its recv.
 */
static double
lat_batch_cont(struct lat_run *r, const struct lat_plan *pl, size_t n)
{
	uint8_t		f[PKT_MAX], g[PKT_MAX];
	uint64_t	t0, t;
	int		i, st;

	memset(f, 0, n);
	for (i = 0; i < pl->desched; i++) {
		kill(r->rc.pid, SIGSTOP);
		if (waitpid(r->rc.pid, &st, WUNTRACED) != r->rc.pid ||
		    !WIFSTOPPED(st))
			bl_die("the raw receiver did not stop");
		if (send(r->raw, f, n, 0) != (ssize_t)n)
			bl_die("send: %s", strerror(errno));
		t0 = bl_now() + 2000000;
		lat_sleep_until(t0);
		kill(r->rc.pid, SIGCONT);
		if (lat_read(r->rc.rfd, &t, sizeof t) == -1 ||
		    lat_recv(r->raw, g, sizeof g) < 0)
			bl_die("the raw receiver did not continue");
		r->xs[i] = (double)(t - t0);
	}
	return (lat_us(r->xs, pl->desched));
}

/* The native handler on 10.7.0.8 udp/7, from this process (a libOS). */
static int
lat_native(struct exo **ep)
{
	char		 so[PATH_MAX];
	struct exo_cap	 cap;
	int		 error;

	if (realpath(bl_path("t/.libs/net-handler.so"), so) == NULL) {
		fprintf(stderr, "exobench-net: no t/.libs/net-handler.so "
		    "(built without shared libraries?): no native handler "
		    "figure\n");
		return (0);
	}
	if ((error = exo_connect(bl_sock(), "bench-native", ep)) != 0)
		bl_die_exo("exo_connect", error);
	if ((error = exo_net_filter(*ep, "ip dst host 10.7.0.8 and udp dst "
	    "port 7", &cap, NULL)) != 0)
		bl_die_exo("exo_net_filter", error);
	if ((error = exo_net_handler(*ep, &cap, so)) != 0)
		bl_die_exo("exo_net_handler", error);
	return (1);
}

static void
lat_fig(const char *key, const char *label, double *exo, double *base,
    int n, const char *what)
{
	struct bfig	*f = bl_fig(key, label, "us");

	f->exo = bl_median(exo, (size_t)n);
	f->base = bl_median(base, (size_t)n);
	f->what = what;
}

void
netlat_bench(int quick)
{
	static const struct lat_plan plan_full = { 15, 30, 3 };
	static const struct lat_plan plan_quick = { 3, 8, 2 };
	const struct lat_plan	*pl = quick ? &plan_quick : &plan_full;
	struct lat_run		 r;
	struct exo		*e = NULL;
	struct bfig		*f;
	char			 spec[64], uid[32], q[16], ns[16];
	const char		*args[] = { "-N", spec, "-T", uid, "-n", ns,
				    "-q", q, NULL };
	uint16_t		 wport, xport, rport, rport2;
	uint8_t			 f0[PKT_MAX];
	size_t			 len = lat_frame(f0, "10.7.0.2", LAT_PORT);
	int			 b, k, rsock, wfd = -1;

	memset(&r, 0, sizeof r);
	r.xs = bl_samples(pl->iters > pl->desched ? pl->iters : pl->desched);
	for (k = 0; k < 6; k++)
		r.m[k] = bl_samples(pl->batches);
	r.wire = lat_socket(&wport);
	close(lat_socket(&xport));	/* a free port for exod */
	lat_connect(r.wire, xport);
	snprintf(spec, sizeof spec, "udp:%u:%u", xport, wport);
	snprintf(uid, sizeof uid, "%u", (unsigned)getuid());
	snprintf(ns, sizeof ns, "%d", LAT_SLOTS);
	snprintf(q, sizeof q, "%d", LAT_QUANTUM_MS);
	bl_exod_start(args);

	/* The children first: none inherits this process's connection. */
	rsock = lat_socket(&rport);
	if ((r.rc.pid = lat_fork(&r.rc.rfd, &wfd)) == 0)
		lat_raw(rsock, wfd);
	close(rsock);
	r.raw = lat_socket(&rport2);
	lat_connect(r.raw, rport);
	lat_start_libos(&r.run, "10.7.0.2", -1);
	lat_start_libos(&r.des, "10.7.0.3", 1);
	r.native = lat_native(&e);

	for (b = 0; b < pl->batches; b++) {
		r.m[0][b] = lat_batch_running(&r, pl);
		r.m[1][b] = lat_batch_raw(&r, pl, len, 0);
		if (r.native) {
			r.m[2][b] = lat_batch_native(&r, pl);
			r.m[3][b] = lat_batch_raw(&r, pl, len, 1);
		}
		r.m[4][b] = lat_batch_desched(&r, pl);
		r.m[5][b] = lat_batch_cont(&r, pl, len);
	}

	lat_fig("deliver_running", "delivery to a running libOS", r.m[0],
	    r.m[1], pl->batches, "a UDP datagram to a process in poll(2), "
	    "one way");
	lat_fig("deliver_descheduled", "delivery at the next slot", r.m[4],
	    r.m[5], pl->batches, "a timer, then SIGCONT of a stopped process, "
	    "to its recv of a queued datagram");
	f = bl_fig("deliver_in_ring", "descheduled: in the ring first", "%");
	f->exo = 100.0 * r.in_ring / r.ndes;
	f->target = "100% (written at once)";
	f->met = r.in_ring == r.ndes;
	f = bl_fig("deliver_at_slot", "descheduled: handler in its slot",
	    "%");
	f->exo = 100.0 * r.at_slot / r.ndes;
	f->target = "100% (at its next slot)";
	f->met = r.at_slot == r.ndes;
	if (r.native)
		lat_fig("deliver_native", "native handler, round trip",
		    r.m[2], r.m[3], pl->batches, "a UDP echo process, round "
		    "trip");

	if (e != NULL)
		exo_disconnect(e);
	lat_stop(&r.run);
	lat_stop(&r.des);
	kill(r.rc.pid, SIGKILL);
	waitpid(r.rc.pid, NULL, 0);
	bl_untrack(r.rc.pid);
	close(r.rc.rfd);
	close(r.raw);
	close(r.wire);
	bl_exod_stop();
	for (k = 0; k < 6; k++)
		free(r.m[k]);
	free(r.xs);
}
