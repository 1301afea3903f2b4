/*
 * cpu-event.t - events for a libOS that is not running wait for its next
 * slot and arrive then, in order; a full queue is reported, never silent.
 *
 * exod -n 4 -q 40 -b 2.  The target (t/libos-cpu -w -s) holds slot 1 and
 * waits for events, printing each with the time it arrived, and each time
 * exod switched it in (the SIGCONT that continued it); waiting, it is
 * stopped and its slot skipped until something is queued for it.  The
 * test itself is the sender, a libOS with no slots (so it runs freely)
 * speaking the protocol raw, so that a burst of events goes out at once
 * and the replies are read after.  It sends while the target's window is
 * at least 40 ms away, so the target is surely descheduled, and then:
 *
 *	10 events arrive in order (values strictly increasing), none before
 *	the target's next window, all inside its windows (within TOL after
 *	the end: a libOS saving may still read its channel); exod switched it
 *	in inside that window and the first came within TOL of that: the
 *	events were there when it was switched in; and it was the next
 *	window;
 *	70 events: the first 64 are queued, the other 6 get EXO_EOVERFLOW;
 *	STATUS and exoctl status --json count 6 dropped; the 64 arrive in
 *	order at the next window; the next event queued carries dropped=6.
 *
 * While the target waits with nothing queued, its slots are skipped: it
 * runs no quantum.  TOL is 3 ms plus the bound.  The target is continued at the start of
 * its window, but on a loaded machine the host may take milliseconds to
 * give it a CPU: how long after the window's start it was switched in is
 * shown, not judged.  If the host starves it for its whole window, exod
 * stops it at the bound and it gets the events at the start of the
 * window after; that is accepted only when STATUS shows that overrun.
 * A libOS with no slots that waits gets an event at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "cpuhelp.h"
#include "harness.h"
#include "tap.h"

#define QUANTUM_MS	40
#define BOUND_MS	2
#define TOL_NS		((3 + BOUND_MS) * CH_MS)
#define QUIET_NS	(40 * CH_MS)	/* send this long before the window */

static struct th_exod	d;
static uint64_t		conts[4096];	/* the target's switch-ins */
static int		nconts;

struct ev {
	unsigned long long	from, value, dropped, t;
};

/* Sleep to a point at least QUIET_NS before the target's next window. */
static uint64_t
quiet_point(const struct ch_vec *v)
{
	uint64_t	w;

	w = ch_next_window(v, ch_now() + CH_MS);
	if (w - ch_now() < QUIET_NS + 5 * CH_MS)
		w = ch_next_window(v, w + CH_MS);
	ch_sleep_until(w - QUIET_NS);
	return (w);
}

/*
 * Read n event lines from the target, and the switch-in lines it prints
 * once it has handled them (with -s).
 */
static int
read_events(struct lc *t, struct ev *evs, int n)
{
	unsigned long long	c;
	char			line[512];
	int			k = 0;

	/* Once all are in, what it prints before it waits again. */
	while (lc_line(t, line, sizeof line, k < n ? 10000 : 300) == 1) {
		if (k < n && sscanf(line, "event from=%llu value=%llu "
		    "dropped=%llu t_ns=%llu", &evs[k].from, &evs[k].value,
		    &evs[k].dropped, &evs[k].t) == 4)
			k++;
		else if (sscanf(line, "switched-in t_ns=%llu", &c) == 1) {
			if (nconts < (int)(sizeof conts / sizeof conts[0]))
				conts[nconts++] = c;
		} else
			diag("target: %s", line);
	}
	return (k);
}

/*
 * Send n events (values first..) to target on the raw connection, all at
 * once, then read the replies: their statuses go to st[].  Returns when
 * the last was sent.
 */
static uint64_t
burst(int fd, uint32_t target, uint64_t first, int n, int *st)
{
	struct exo_event_send	req;
	struct exo_hdr		h;
	uint64_t		sent;
	int			i;

	for (i = 0; i < n; i++) {
		memset(&req, 0, sizeof req);
		req.target = target;
		req.value = first + (uint64_t)i;
		if (ch_raw_request(fd, EXO_MSG_EVENT_SEND, 1000 + (uint32_t)i,
		    &req, sizeof req) != 0)
			sysbail("send EVENT_SEND");
	}
	sent = ch_now();
	for (i = 0; i < n; i++)
		st[i] = 1;
	for (i = 0; i < n; i++) {
		if (ch_raw_reply(fd, &h, NULL, 0, 10000) != 0)
			bail("no reply to EVENT_SEND");
		if (h.type != (EXO_MSG_EVENT_SEND | EXO_MSG_REPLY) ||
		    h.id < 1000 || h.id >= 1000 + (uint32_t)n)
			bail("a reply of type %#x id %u", h.type, h.id);
		st[h.id - 1000] = h.status;
	}
	return (sent);
}

static uint64_t
overruns(uint32_t libos)
{
	struct exo_status_peer	sp;

	return (ch_status_of(d.sock, libos, &sp) == 1 ? sp.overruns : 0);
}

/*
 * Check a burst sent before window w: values first.., in order, inside
 * the target's windows, at the start of the next one (or of a later one
 * if the target overran since over0).
 */
static void
check_burst(const char *what, const struct ev *evs, int n, int want,
    unsigned long long first, uint32_t from, const struct lc *t, uint64_t w,
    uint64_t over0)
{
	const struct ch_vec	*v = &t->vec;
	uint64_t		 came = 0, over, sw;
	int			 i, order = 1, inwin = 1, clean = 1, early = 0;

	is_int(want, n, "%s: the target got all %d", what, want);
	for (i = 0; i < n; i++) {
		if (evs[i].value != first + (unsigned long long)i ||
		    (i > 0 && evs[i].value <= evs[i - 1].value))
			order = 0;
		if (evs[i].t < w)
			early = 1;
		if (!ch_in_window(v, evs[i].t, TOL_NS))
			inwin = 0;
		if (evs[i].from != from || evs[i].dropped != 0)
			clean = 0;
	}
	ok(n > 0 && order, "%s: in the order sent, values strictly "
	    "increasing", what);
	ok(n > 0 && clean, "%s: each from the sender, none dropped before it",
	    what);
	ok(n > 0 && !early, "%s: none before the target's next window", what);
	ok(n > 0 && inwin, "%s: all inside the target's own windows (+%.0f "
	    "ms)", what, TOL_NS / 1e6);
	if (n == 0) {
		ok(0, "%s: nothing came", what);
		ok(0, "%s: nothing came", what);
		return;
	}
	came = ch_window_end(v, evs[0].t) - v->q;
	for (i = 0, sw = 0; i < nconts; i++)	/* the last switch-in before */
		if (conts[i] <= evs[0].t && conts[i] > sw)
			sw = conts[i];
	diag("%s: switched in %.2f ms into a window %.0f ms after the next "
	    "one; the first came %.2f ms, the last %.2f ms into it", what,
	    ((int64_t)sw - (int64_t)came) / 1e6,
	    ((int64_t)came - (int64_t)w) / 1e6,
	    ((int64_t)evs[0].t - (int64_t)came) / 1e6,
	    ((int64_t)evs[n - 1].t - (int64_t)came) / 1e6);
	ok(sw >= came && evs[0].t - sw <= TOL_NS, "%s: exod switched it in "
	    "inside that window and the first came within %.0f ms", what,
	    TOL_NS / 1e6);
	over = overruns(t->libos);
	if (came != w && over > over0)
		diag("%s: the target overran (was starved by the host?) in "
		    "the meantime: a later window is accepted", what);
	ok(came == w || (came > w && over > over0), "%s: at the target's "
	    "next window", what);
}

int
main(void)
{
	static struct ev	 evs[128];
	struct exo_status_peer	 sp;
	struct exo		*s, *ctl;
	struct lc		 t, u;
	char			 json[65536], line[512];
	struct {
		uint32_t	target, reserved;
		uint64_t	value;
	}			 raw;
	uint64_t		 w, sent_end, v, t0, over0;
	uint32_t		 rid;
	int			 i, n, rc, st[70], good, over, in_gap;
	int			 r, fds[3];

	plan(35);
	th_exod_start(&d, "-n", "4", "-q", "40", "-b", "2", (char *)NULL);
	s = th_connect(&d, "sender");		/* and EXO_SIG_UPCALL handled */
	r = th_raw_connect(&d);
	if (ch_raw_hello(r, "raw-sender", &rid, fds) != 0)
		bail("raw HELLO");
	lc_spawn(&t, d.sock, "-n", "target", "-w", "-s", "/dev/null", "-a", "1",
	    "-d", "600000", (char *)NULL);
	ok(lc_claimed(&t, 10000) && ch_owns(&t.vec, 1), "the target holds "
	    "slot 1 of 4 and waits for events");

	/* No such libOS, a control peer, a malformed request. */
	is_int(-EXO_ENOLIBOS, exo_event_send(s, 99999, 1),
	    "an event for a libOS that does not exist: EXO_ENOLIBOS");
	if (exo_connect_control(d.sock, &ctl) != 0)
		bail("control connection");
	is_int(-EXO_ENOLIBOS, exo_event_send(s, exo_libos_id(ctl), 1),
	    "an event for a control peer: EXO_ENOLIBOS");
	exo_disconnect(ctl);
	raw.target = t.libos;
	raw.reserved = 1;
	raw.value = 0;
	is_int(-EXO_EINVAL, exo_request(s, EXO_MSG_EVENT_SEND, &raw, sizeof raw,
	    NULL, 0, NULL, NULL, 0, NULL), "reserved bits set: EXO_EINVAL");

	/* 10 events while it is descheduled. */
	w = quiet_point(&t.vec);
	over0 = overruns(t.libos);
	sent_end = burst(r, t.libos, 1, 10, st);
	for (i = 0, good = 0; i < 10; i++)
		good += st[i] == 0;
	is_int(10, good, "10 events sent while the target is descheduled "
	    "(%.1f ms before its window)", ((int64_t)w - (int64_t)sent_end) /
	    1e6);
	n = read_events(&t, evs, 10);
	check_burst("10 events", evs, n, 10, 1, rid, &t, w, over0);

	/* 70: 64 fit the queue, 6 overflow. */
	for (i = 0; i < 200; i++) {	/* it went back to waiting */
		if (ch_status_of(d.sock, t.libos, &sp) == 1 &&
		    (sp.state & EXO_PEER_WAITING) && sp.events_queued == 0)
			break;
		ch_sleep_ms(10);
	}
	/* Waiting with nothing queued, its slots are skipped. */
	v = sp.quanta;
	ch_sleep_ms(3 * 4 * QUANTUM_MS);
	rc = ch_status_of(d.sock, t.libos, &sp);
	ok(rc == 1 && (sp.state & EXO_PEER_WAITING) && sp.quanta == v,
	    "while it waits, its slots are skipped: no quantum in 3 passes "
	    "over the vector (%llu)", rc == 1 ?
	    (unsigned long long)(sp.quanta - v) : 0ULL);
	w = quiet_point(&t.vec);
	over0 = overruns(t.libos);
	sent_end = burst(r, t.libos, 101, 70, st);
	in_gap = ch_now() + 2 * CH_MS < w;	/* all answered before it */
	rc = ch_status_of(d.sock, t.libos, &sp);
	for (i = 0, good = 0, over = 0; i < 70; i++) {
		if (i < 64 && st[i] == 0)
			good++;
		if (i >= 64 && st[i] == -EXO_EOVERFLOW)
			over++;
	}
	ok(in_gap, "70 events sent and answered before the target's window "
	    "(sent %.1f ms before it)", ((int64_t)w - (int64_t)sent_end) / 1e6);
	is_int(64, good, "the first 64 were queued");
	is_int(6, over, "the other 6 got EXO_EOVERFLOW");
	if (in_gap && ch_now() + CH_MS < w)
		ok(rc == 1 && sp.events_queued == 64, "STATUS: 64 queued "
		    "(%u)", sp.events_queued);
	else
		skip("the window began before STATUS answered");
	ok(rc == 1 && sp.events_dropped == 6, "STATUS: 6 dropped (%llu)",
	    (unsigned long long)sp.events_dropped);
	ok(ch_exoctl_json(d.sock, "status", json, sizeof json) == 0 &&
	    ch_json_libos(json, t.libos, "events_dropped", &v) && v == 6,
	    "exoctl status --json: events_dropped 6");
	n = read_events(&t, evs, 64);
	check_burst("the 64 queued", evs, n, 64, 101, rid, &t, w, over0);

	/* The next event queued tells of the drop. */
	w = quiet_point(&t.vec);
	over0 = overruns(t.libos);
	burst(r, t.libos, 200, 1, st);
	is_int(0, st[0], "one more event is queued");
	n = read_events(&t, evs, 1);
	ok(n == 1 && evs[0].value == 200 && evs[0].dropped == 6,
	    "it arrives saying 6 were dropped before it (value %llu, "
	    "dropped %llu)", n == 1 ? evs[0].value : 0ULL,
	    n == 1 ? evs[0].dropped : 0ULL);
	ok(n == 1 && evs[0].t >= w && (evs[0].t < w + t.vec.q ||
	    overruns(t.libos) > over0), "at the target's next window");
	ok(ch_exoctl_json(d.sock, "slots", json, sizeof json) == 0 &&
	    ch_json_libos(json, t.libos, "events_dropped", &v) && v == 6 &&
	    ch_json_libos(json, t.libos, "events", &v) && v == 75,
	    "exoctl slots --json: 75 events delivered, 6 dropped");

	/* A libOS with no slots is never descheduled: at once. */
	lc_spawn(&u, d.sock, "-n", "free", "-w", "-d", "600000", "-P",
	    (char *)NULL);
	rc = lc_expect(&u, "ready libos=", line, sizeof line, 10000);
	v = 0;
	ok(rc && ch_field(line + 6, "libos", &v) && v > 0,
	    "a libOS with no slots waits for events");
	lc_start(&u);
	for (i = 0; i < 200; i++) {	/* it is waiting */
		if (ch_status_of(d.sock, (uint32_t)v, &sp) == 1 &&
		    (sp.state & EXO_PEER_WAITING))
			break;
		ch_sleep_ms(10);
	}
	t0 = ch_now();
	rc = exo_event_send(s, (uint32_t)v, 7);
	n = read_events(&u, evs, 1);
	ok(rc == 0 && n == 1 && evs[0].value == 7, "an event for it arrives");
	ok(n == 1 && evs[0].t - t0 < (uint64_t)t.vec.q / 2, "at once: "
	    "%.2f ms after it was sent", n == 1 ? (evs[0].t - t0) / 1e6 : 0);

	lc_kill(&t);
	lc_kill(&u);
	exo_disconnect(s);
	for (i = 0; i < 3; i++)
		close(fds[i]);
	close(r);
	ok(th_exod_alive(&d), "exod alive");
	is_int(0, th_exod_stop(&d), "exod stops cleanly");
	return (0);
}
