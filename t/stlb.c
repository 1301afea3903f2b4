/*
 * stlb.t - context switches, the STLB of guaranteed mappings, and the
 * libOS stopped by force.
 *
 * Two exods run with -n 4 -q 5 -b 1: one as usual, one with --no-stlb.
 * A child libOS claims 1 slot of the 4, so that it is switched out and in
 * every 20 ms; it names 8 pages as guaranteed (STLB_SET) and touches them
 * over and over.  It reports its counters through a pipe; the parent
 * judges, so all TAP output comes from one process.
 *
 *	STLB on		after the first touch, no miss at all across many
 *			switches, and the first touches were STLB hits that
 *			never reached the libOS's handler
 *	--no-stlb	every switch costs a miss on every guaranteed page
 *	forced		a libOS that never acknowledges (its interrupt
 *			entry returns non-zero) and one that never even
 *			hears the end of its quantum (doorbell blocked) are
 *			stopped at the bound; when they resume, the
 *			guaranteed pages are in the TLB, the others are not,
 *			and the data is intact
 *
 * The parent, a libOS with no slots, then sends hostile STLB_SETs and
 * checks that they change nothing, that freeing a frame takes its
 * guaranteed mapping away, and that the exposed state cannot be made
 * writable.
 */
#define _GNU_SOURCE 1
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exo.h"
#include "harness.h"
#include "tap.h"

#define NPAGES		16
#define WS		8	/* guaranteed pages */
#define ROUNDS		10	/* switches to watch */
#define FORCED_WS	4	/* guaranteed pages in the forced test */
#define FORCED_ALL	12	/* pages the forced test touches */
#define TIMEOUT_NS	10000000000ULL

static struct th_exod	exod_on, exod_off;

/* exod writes it behind our back: read it every time. */
#define SWITCHES(x)	(*(const volatile uint64_t *)&(x)->switches)

enum mode { M_SWITCH, M_NOACK, M_DEAF };

/* What a child libOS reports. */
struct report {
	int		error;		/* 0, or where it went wrong */
	char		what[64];
	uint64_t	switches;	/* switch-ins watched */
	uint64_t	forced;
	uint64_t	misses;		/* after the warm-up */
	uint64_t	post_laps;	/* whole laps right after a switch-in */
	uint64_t	post_misses;	/* ... and their misses */
	uint64_t	steady_misses;	/* misses of the laps after those */
	uint64_t	handler;	/* addressing handler calls, all told */
	uint64_t	handler_warm;	/* ... during the warm-up */
	struct exo_stats st;		/* at the end */
	unsigned	rounds_ok;	/* forced: resumes with a right TLB */
	unsigned	rounds;
	int		data_ok;
};

static struct exo		*L;
static unsigned char		*base;
static struct exo_frame		 f[NPAGES];
static volatile unsigned long	 handler_calls, timers;
static int			 noack;

static uint64_t
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int
on_fault(struct exo *e, const struct exo_trap *t, void *arg)
{
	size_t	pg = ((uintptr_t)t->addr - (uintptr_t)base) / EXO_FRAME_SIZE;

	handler_calls++;
	if (pg >= NPAGES)
		return -1;
	return exo_tlb_install(e, base + pg * EXO_FRAME_SIZE, &f[pg].cap,
	    EXO_RIGHTS_ALL) == 0 ? 0 : -1;
}

static int
on_intr(struct exo *e, const struct exo_intr *in, void *arg)
{
	if (in->kind == EXO_INTR_TIMER) {
		timers++;
		return noack;
	}
	return 0;
}

static void
touch_all(size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		(void)*(volatile unsigned char *)(base + i * EXO_FRAME_SIZE);
}

#define FAIL(r, ...) do {						\
	(r)->error = __LINE__;						\
	snprintf((r)->what, sizeof (r)->what, __VA_ARGS__);		\
	return;								\
} while (0)

/* Set up the child libOS: region, frames, STLB for the first ws pages. */
static void
child_setup(const char *sock, unsigned ws, struct report *r)
{
	struct exo_stlb_req	req[WS];
	struct exo_cap		slot;
	unsigned		i, got;
	void			*va;
	int			rc;

	if ((rc = exo_connect(sock, "stlb-child", &L)) != 0)
		FAIL(r, "connect: %s", exo_strerror(rc));
	if ((rc = exo_as_create(L, NPAGES * EXO_FRAME_SIZE, &va)) != 0)
		FAIL(r, "as_create: %s", exo_strerror(rc));
	base = va;
	if ((rc = exo_frame_alloc_batch(L, f, NPAGES)) != 0)
		FAIL(r, "frame_alloc: %s", exo_strerror(rc));
	if ((rc = exo_pe_addressing(L, on_fault, NULL)) != 0 ||
	    (rc = exo_pe_interrupt(L, on_intr, NULL)) != 0)
		FAIL(r, "pe: %s", exo_strerror(rc));
	memset(req, 0, sizeof req);
	for (i = 0; i < ws; i++) {
		req[i].va = (uintptr_t)(base + i * EXO_FRAME_SIZE);
		req[i].rights = EXO_RIGHTS_ALL;
		req[i].cap = f[i].cap;
	}
	if ((rc = exo_stlb_set(L, req, ws)) != 0)
		FAIL(r, "stlb_set: %s", exo_strerror(rc));
	for (i = 0; i < NPAGES; i++)
		memset(base + i * EXO_FRAME_SIZE, (int)(0x30 + i),
		    EXO_FRAME_SIZE);
	if ((rc = exo_slot_claim(L, 1, &slot, &got)) != 0)
		FAIL(r, "slot_claim: %s", exo_strerror(rc));
}

static int
data_intact(void)
{
	size_t	i, j;

	for (i = 0; i < NPAGES; i++)
		for (j = 0; j < EXO_FRAME_SIZE; j += 512)
			if (base[i * EXO_FRAME_SIZE + j] !=
			    (unsigned char)(0x30 + i))
				return 0;
	return 1;
}

/*
 * Switch test: touch the guaranteed pages, lap after lap, through many
 * switches.  A lap during which a switch came proves nothing and is not
 * counted, nor is the lap after it; a whole lap that starts after a
 * switch-in that came between two whole laps is a post-switch lap.  On a
 * loaded host a libOS may be switched in and out again without having run
 * at all, so it is the post-switch laps that are judged, not the switches.
 */
static void
child_switch(const char *sock, struct report *r)
{
	const struct exo_expose	*x;
	uint64_t		 sw0, m0, m1, s, last, deadline;
	int			 skip = 1;	/* a switch may follow the warm-up */

	child_setup(sock, WS, r);
	if (r->error)
		return;
	x = exo_expose(L);
	handler_calls = 0;
	exo_tlb_flush(L);
	touch_all(WS);			/* the warm-up */
	r->handler_warm = handler_calls;
	m0 = exo_stats(L)->tlb_misses;
	sw0 = last = SWITCHES(x);
	deadline = now_ns() + TIMEOUT_NS;
	while (r->post_laps < ROUNDS && now_ns() < deadline) {
		s = SWITCHES(x);
		m1 = exo_stats(L)->tlb_misses;
		touch_all(WS);
		m1 = exo_stats(L)->tlb_misses - m1;
		if (SWITCHES(x) != s) {
			last = SWITCHES(x);	/* switched mid-lap */
			skip = 1;		/* ... and the next lap too */
		} else if (skip)
			skip = 0;
		else if (s != last) {
			r->post_laps++;
			r->post_misses += m1;
			last = s;
		} else
			r->steady_misses += m1;
	}
	r->misses = exo_stats(L)->tlb_misses - m0;
	r->switches = SWITCHES(x) - sw0;
	r->handler = handler_calls;
	r->data_ok = data_intact();
	r->st = *exo_stats(L);
}

/*
 * Forced test: pages [0, FORCED_WS) guaranteed, [FORCED_WS, FORCED_ALL)
 * not.  Each round fills the TLB with all of them, then waits for the
 * end of the quantum without acknowledging it (M_NOACK), or with the
 * doorbell blocked so that it is never even heard (M_DEAF), touching
 * nothing, until exod has stopped it at the bound and switched it in
 * again.  Then the TLB must hold exactly the guaranteed pages.
 */
static void
child_forced(const char *sock, enum mode mode, struct report *r)
{
	const struct exo_expose	*x;
	sigset_t		 db, old;
	uint64_t		 sw, deadline, t0;
	unsigned		 i, good;
	int			 rc;

	noack = mode == M_NOACK;
	child_setup(sock, FORCED_WS, r);
	if (r->error)
		return;
	x = exo_expose(L);
	sigemptyset(&db);
	sigaddset(&db, EXO_SIG_UPCALL);
	deadline = now_ns() + TIMEOUT_NS;
	for (r->rounds = 0; r->rounds < ROUNDS && now_ns() < deadline;
	    r->rounds++) {
		/* Start just after a switch-in: a whole quantum ahead. */
		sw = SWITCHES(x);
		while (SWITCHES(x) == sw && now_ns() < deadline)
			;
		touch_all(FORCED_ALL);
		t0 = timers;
		if (mode == M_DEAF)
			sigprocmask(SIG_BLOCK, &db, &old);
		else
			while (timers == t0 && now_ns() < deadline)
				;
		sw = SWITCHES(x);
		while (SWITCHES(x) == sw && now_ns() < deadline)
			;
		for (good = 1, i = 0; i < FORCED_ALL; i++) {
			rc = exo_tlb_probe(L, base + i * EXO_FRAME_SIZE);
			if ((i < FORCED_WS) != (rc == EXO_RIGHTS_ALL))
				good = 0;
		}
		if (mode == M_DEAF)
			sigprocmask(SIG_SETMASK, &old, NULL);
		if (good)
			r->rounds_ok++;
	}
	r->forced = x->forced;
	r->switches = SWITCHES(x);
	r->data_ok = data_intact();
	r->st = *exo_stats(L);
}

static void
run_child(const char *sock, enum mode mode, struct report *r)
{
	int	p[2];
	pid_t	pid;

	memset(r, 0, sizeof *r);
	if (pipe(p) == -1)
		sysbail("pipe");
	fflush(NULL);
	if ((pid = fork()) == -1)
		sysbail("fork");
	if (pid == 0) {
		struct report	rep;

		close(p[0]);
		memset(&rep, 0, sizeof rep);
		alarm(30);
		if (mode == M_SWITCH)
			child_switch(sock, &rep);
		else
			child_forced(sock, mode, &rep);
		if (write(p[1], &rep, sizeof rep) != sizeof rep)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], r, sizeof *r) != sizeof *r) {
		r->error = -1;
		snprintf(r->what, sizeof r->what, "child died");
	}
	close(p[0]);
	waitpid(pid, NULL, 0);
	if (r->error)
		diag("child: line %d: %s", r->error, r->what);
}

static void
test_switches(void)
{
	struct report	on, off;

	run_child(exod_on.sock, M_SWITCH, &on);
	ok(on.error == 0, "STLB on: the libOS ran");
	ok(on.post_laps >= ROUNDS, "it was switched out and in %llu times, "
	    "%llu of them between two whole laps",
	    (unsigned long long)on.switches, (unsigned long long)on.post_laps);
	is_int(0, (long long)on.handler_warm, "the first touch of each "
	    "guaranteed page was an STLB hit: the handler never ran");
	ok(on.st.stlb_hits >= WS, "stlb_hits counts them (%llu)",
	    (unsigned long long)on.st.stlb_hits);
	is_int(0, (long long)on.post_misses, "no miss in the first lap after "
	    "a switch-in (%llu laps)", (unsigned long long)on.post_laps);
	is_int(0, (long long)on.misses, "nor anywhere else after the "
	    "warm-up");
	ok(on.st.stlb_preloads >= WS * on.post_laps, "the pages were "
	    "preloaded at every switch-in (%llu preloads)",
	    (unsigned long long)on.st.stlb_preloads);
	ok(on.st.stlb_saves >= WS, "and saved at switch-outs (%llu saves)",
	    (unsigned long long)on.st.stlb_saves);
	ok(on.data_ok, "the data is intact");

	run_child(exod_off.sock, M_SWITCH, &off);
	ok(off.error == 0, "--no-stlb: the libOS ran");
	ok(off.post_laps >= ROUNDS, "it was switched %llu times, %llu of them "
	    "between two whole laps", (unsigned long long)off.switches,
	    (unsigned long long)off.post_laps);
	ok(off.handler_warm >= WS, "every first touch went to the handler "
	    "(%llu calls)", (unsigned long long)off.handler_warm);
	is_int((long long)(WS * off.post_laps), (long long)off.post_misses,
	    "every switch cost a miss on every guaranteed page");
	is_int(0, (long long)off.steady_misses, "and the laps after took "
	    "none");
	ok(off.st.stlb_hits == 0 && off.st.stlb_preloads == 0 &&
	    off.st.stlb_saves == 0, "no STLB hits, preloads or saves");
	ok(off.data_ok, "the data is intact");
}

static void
test_forced(void)
{
	struct report	r;

	run_child(exod_on.sock, M_NOACK, &r);
	ok(r.error == 0, "a libOS that never acknowledges ran");
	ok(r.forced >= ROUNDS, "it was stopped at the bound %llu times",
	    (unsigned long long)r.forced);
	is_int(r.rounds, r.rounds_ok, "each time it resumed, its %d "
	    "guaranteed pages were in the TLB and the %d others were not "
	    "(%u of %u rounds)", FORCED_WS, FORCED_ALL - FORCED_WS,
	    r.rounds_ok, r.rounds);
	ok(r.rounds == ROUNDS, "%u rounds", r.rounds);
	ok(r.data_ok, "its data is intact");

	run_child(exod_on.sock, M_DEAF, &r);
	ok(r.error == 0, "a libOS that never hears the end of its quantum "
	    "ran");
	ok(r.forced >= ROUNDS, "it was stopped at the bound %llu times",
	    (unsigned long long)r.forced);
	is_int(r.rounds, r.rounds_ok, "each time it resumed (never having "
	    "run switch_out), the TLB was right (%u of %u rounds)",
	    r.rounds_ok, r.rounds);
	ok(r.rounds == ROUNDS, "%u rounds", r.rounds);
	ok(r.data_ok, "its data is intact");
}

/* STLB_SET over the raw request interface. */
static int
raw_stlb(struct exo *e, uint32_t count, uint32_t reserved,
    const struct exo_stlb_req *ent, unsigned n)
{
	struct {
		struct exo_stlb_set	hdr;
		struct exo_stlb_req	ent[EXO_STLB_MAX + 1];
	}	req;

	memset(&req, 0, sizeof req);
	req.hdr.count = count;
	req.hdr.reserved = reserved;
	memcpy(req.ent, ent, n * sizeof ent[0]);
	return exo_request(e, EXO_MSG_STLB_SET, &req, sizeof req.hdr +
	    n * sizeof req.ent[0], NULL, 0, NULL, NULL, 0, NULL);
}

/* The exposed STLB as it is now. */
static void
snap(struct exo *e, struct exo_stlb_entry *s, uint32_t *n)
{
	const struct exo_expose	*x = exo_expose(e);

	*n = x->stlb_count;
	memcpy(s, x->stlb, sizeof x->stlb);
}

static int
same(struct exo *e, const struct exo_stlb_entry *s, uint32_t n)
{
	const struct exo_expose	*x = exo_expose(e);

	return x->stlb_count == n && memcmp(s, x->stlb, sizeof x->stlb) == 0;
}

static void
test_hostile(void)
{
	struct exo_stlb_entry	 s[EXO_STLB_MAX];
	struct exo_stlb_req	 good[2], bad[EXO_STLB_MAX + 1];
	struct exo_frame	 fa[4], fb;
	struct exo		*A, *B;
	const struct exo_expose	*x;
	unsigned char		*ab;
	uint32_t		 n;
	void			*va;
	int			 i;

	A = th_connect(&exod_on, "stlb-a");
	B = th_connect(&exod_on, "stlb-b");
	if (exo_as_create(A, 64 * EXO_FRAME_SIZE, &va) != 0)
		bail("as_create");
	ab = va;
	if (exo_frame_alloc_batch(A, fa, 4) != 0 || exo_frame_alloc(B, &fb))
		bail("frame_alloc");
	x = exo_expose(A);
	memset(good, 0, sizeof good);
	for (i = 0; i < 2; i++) {
		good[i].va = (uintptr_t)(ab + i * EXO_FRAME_SIZE);
		good[i].rights = EXO_RIGHTS_ALL;
		good[i].cap = fa[i].cap;
	}
	is_int(0, exo_stlb_set(A, good, 2), "STLB_SET of 2 good entries");
	is_int(2, x->stlb_count, "published: stlb_count 2");
	ok(x->stlb[1].va == good[1].va && x->stlb[1].frame == fa[1].cap.id &&
	    x->stlb[1].gen == fa[1].cap.gen && x->stlb[1].rights ==
	    EXO_RIGHTS_ALL, "entry as asked");
	snap(A, s, &n);

	memcpy(bad, good, sizeof good);
	bad[1].cap.mac[3] ^= 1;
	is_int(-EXO_EBADCAP, raw_stlb(A, 2, 0, bad, 2), "a forged "
	    "capability: EBADCAP");
	ok(same(A, s, n), "nothing changed");
	memcpy(bad, good, sizeof good);
	bad[0].cap = fb.cap;
	is_int(-EXO_ENOTOWNER, raw_stlb(A, 2, 0, bad, 2), "another libOS's "
	    "capability: ENOTOWNER");
	ok(same(A, s, n), "nothing changed");
	memcpy(bad, good, sizeof good);
	bad[1].va += 8;
	is_int(-EXO_EINVAL, raw_stlb(A, 2, 0, bad, 2), "an unaligned "
	    "address: EINVAL");
	ok(same(A, s, n), "nothing changed");
	memcpy(bad, good, sizeof good);
	bad[1].rights = 4;
	is_int(-EXO_EINVAL, raw_stlb(A, 2, 0, bad, 2), "unknown rights: "
	    "EINVAL");
	bad[1].rights = 0;
	is_int(-EXO_EINVAL, raw_stlb(A, 2, 0, bad, 2), "no rights: EINVAL");
	ok(same(A, s, n), "nothing changed");
	memcpy(bad, good, sizeof good);
	bad[0].reserved = 1;
	is_int(-EXO_EINVAL, raw_stlb(A, 2, 0, bad, 2), "an entry's reserved "
	    "field set: EINVAL");
	is_int(-EXO_EINVAL, raw_stlb(A, 2, 1, good, 2), "the request's "
	    "reserved field set: EINVAL");
	memcpy(bad, good, sizeof good);
	bad[1].va = bad[0].va;
	is_int(-EXO_EINVAL, raw_stlb(A, 2, 0, bad, 2), "two entries for one "
	    "page: EINVAL");
	ok(same(A, s, n), "nothing changed");
	for (i = 0; i <= EXO_STLB_MAX; i++) {
		bad[i] = good[0];
		bad[i].va = (uintptr_t)(ab + i * EXO_FRAME_SIZE);
	}
	is_int(-EXO_EINVAL, raw_stlb(A, EXO_STLB_MAX + 1, 0, bad,
	    EXO_STLB_MAX), "count %d: EINVAL", EXO_STLB_MAX + 1);
	is_int(-EXO_EPROTO, raw_stlb(A, EXO_STLB_MAX + 1, 0, bad,
	    EXO_STLB_MAX + 1), "%d entries: EPROTO (longer than any "
	    "STLB_SET)", EXO_STLB_MAX + 1);
	is_int(-EXO_EPROTO, raw_stlb(A, 2, 0, good, 1), "count 2 with one "
	    "entry: EPROTO");
	ok(same(A, s, n), "nothing changed");
	is_int(-EXO_EINVAL, exo_stlb_set(A, bad, EXO_STLB_MAX + 1),
	    "exo_stlb_set of %d: EINVAL", EXO_STLB_MAX + 1);
	memcpy(bad, good, sizeof good);
	bad[1].va = (uintptr_t)(ab + 64 * EXO_FRAME_SIZE);
	is_int(-EXO_EINVAL, exo_stlb_set(A, bad, 2), "exo_stlb_set outside "
	    "the region: EINVAL");
	is_int(-EXO_ESTATE, exo_stlb_set(B, good, 1), "exo_stlb_set with no "
	    "address space: ESTATE");
	ok(same(A, s, n), "nothing changed");

	/* A freed frame takes its guaranteed mapping with it. */
	is_int(0, exo_frame_free(A, &fa[0]), "free the first entry's frame");
	ok(x->stlb_count == 1 && x->stlb[0].frame == fa[1].cap.id,
	    "its entry is gone, the other stays");
	bad[0] = good[0];
	is_int(-EXO_ESTALE, raw_stlb(A, 1, 0, bad, 1), "the freed frame's "
	    "capability: ESTALE");
	is_int(0, exo_stlb_set(A, NULL, 0), "count 0 clears the STLB");
	is_int(0, x->stlb_count, "empty");

	/* The exposed state cannot be written. */
	ok(mprotect((void *)x, 4096, PROT_READ | PROT_WRITE) == -1 &&
	    errno == EACCES, "mprotect of the exposed state to writable: "
	    "EACCES");
	exo_frame_free(B, &fb);
	exo_disconnect(B);
	exo_disconnect(A);
}

/* A HELLO by hand, to hold the exposed state's descriptor itself. */
static void
test_expose_fd(void)
{
	unsigned char		 buf[256];
	struct exo_hello	 hello;
	struct exo_hdr		 h;
	struct msghdr		 msg;
	struct iovec		 iov;
	union {
		struct cmsghdr	hdr;
		unsigned char	buf[CMSG_SPACE(3 * sizeof(int))];
	}			 cm;
	struct cmsghdr		*c;
	int			 fds[3], fd, nfds = 0;
	void			*p;
	ssize_t			 n;

	fd = th_raw_connect(&exod_on);
	memset(&h, 0, sizeof h);
	h.version = EXO_PROTO_VERSION;
	h.type = EXO_MSG_HELLO;
	h.id = 1;
	h.len = sizeof hello;
	memset(&hello, 0, sizeof hello);
	strcpy(hello.name, "stlb-raw");
	memcpy(buf, &h, sizeof h);
	memcpy(buf + sizeof h, &hello, sizeof hello);
	if (th_raw_send(fd, buf, sizeof h + sizeof hello) == -1)
		sysbail("send");
	memset(&msg, 0, sizeof msg);
	iov.iov_base = buf;
	iov.iov_len = sizeof buf;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cm.buf;
	msg.msg_controllen = sizeof cm.buf;
	n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			nfds = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			memcpy(fds, CMSG_DATA(c), sizeof fds);
		}
	if (n < (ssize_t)sizeof h || nfds != 3)
		bail("raw HELLO: %zd bytes, %d descriptors", n, nfds);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fds[1], 0);
	ok(p == MAP_FAILED && errno == EPERM, "mmap of the exposed state "
	    "PROT_WRITE, MAP_SHARED: EPERM");
	if (p != MAP_FAILED)
		munmap(p, 4096);
	ok(write(fds[1], "x", 1) == -1 && errno == EPERM, "write(2) to it: "
	    "EPERM");
	ok(ftruncate(fds[1], 0) == -1, "ftruncate of it fails");
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fds[1], 0);
	ok(p != MAP_FAILED, "a read-only mapping is allowed");
	ok(p != MAP_FAILED && mprotect(p, 4096, PROT_READ | PROT_WRITE) ==
	    -1 && errno == EACCES, "and cannot be made writable: EACCES");
	if (p != MAP_FAILED)
		munmap(p, 4096);
	close(fds[0]);
	close(fds[1]);
	close(fds[2]);
	close(fd);
}

int
main(void)
{
	plan_lazy();
	th_exod_start(&exod_on, "-n", "4", "-q", "5", "-b", "1", NULL);
	th_exod_start(&exod_off, "-n", "4", "-q", "5", "-b", "1",
	    "--no-stlb", NULL);
	test_switches();
	test_forced();
	test_hostile();
	test_expose_fd();
	return 0;
}
