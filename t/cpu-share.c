/*
 * cpu-share.t - the CPU is shared by the slots: two CPU-bound libOSes
 * (t/libos-cpu) with 1:1 slots get equal CPU within 10%, with 3:1 slots
 * 3:1 within 10%; under -r, unowned slots go round-robin, so two libOSes
 * with one slot each still get equal CPU.
 *
 * Each libOS measures its own CPU time (CLOCK_PROCESS_CPUTIME_ID) over
 * the same two seconds of the clock, given to both (libos-cpu -t): a
 * process's CPU clock stands still while exod keeps it stopped, so the
 * reading it takes when it first runs after an instant is the reading at
 * that instant.  Over the same two seconds the test reads exod's account
 * of the time each held the CPU (STATUS cpu_ns).  Only ratios are
 * asserted: exod's account within 10% of the slots' ratio, and the CPU
 * times within 10% too, unless the host was so loaded that a libOS got
 * less than 3/4 of the time exod gave it on a CPU (then what they measure
 * is mostly the host, which does not load their slots alike, and that
 * check is skipped, saying so).  The quanta are 100 ms: each switch
 * gives the libOS going out the time the host takes to let exod run (a
 * few ms on a busy VM, now and then many more), and with 3:1 slots the
 * one-slot libOS has as many switches as the three-slot one.  Under -r
 * they are 20 ms: which libOS gets an unowned quantum is decided anew at
 * each, and many small decisions even out where a few large ones do not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exo.h"
#include "cpuhelp.h"
#include "harness.h"
#include "tap.h"

#define WINDOW_MS	2000	/* the measured stretch of time */
#define LEAD_MS		800	/* for both to start and claim first */
#define TOLERANCE	0.10
#define MIN_EFFICIENCY	0.75	/* CPU time / time held, for CPU ratios */

static unsigned
popcount(const struct ch_vec *v)
{
	unsigned	i, n = 0;

	for (i = 0; i < v->n; i++)
		n += ch_owns(v, i);
	return (n);
}

static void
share(const char *what, const char *nslots, const char *q, int rr,
    unsigned ca, unsigned cb, double want)
{
	struct exo_status_peer	 a0, a1, b0, b1;
	struct th_exod		 d;
	struct lc		 a, b;
	uint64_t		 t1, t2, cpu_a = 0, cpu_b = 0, v, delay0;
	uint64_t		 held_a, held_b;
	char			 win[64], na[16], nb[16], dur[16];
	double			 ratio, eff_a, eff_b;
	unsigned		 i;
	int			 ok_a, ok_b, disjoint = 1, st;

	if (rr)
		th_exod_start(&d, "-n", nslots, "-q", q, "-r", (char *)NULL);
	else
		th_exod_start(&d, "-n", nslots, "-q", q, (char *)NULL);
	t1 = ch_now() + LEAD_MS * CH_MS;
	t2 = t1 + WINDOW_MS * CH_MS;
	snprintf(win, sizeof win, "%llu,%llu", (unsigned long long)t1,
	    (unsigned long long)t2);
	snprintf(na, sizeof na, "%u", ca);
	snprintf(nb, sizeof nb, "%u", cb);
	/* They spin on a while after the window, for STATUS to see them. */
	snprintf(dur, sizeof dur, "%d", LEAD_MS + WINDOW_MS + 500);
	lc_spawn(&a, d.sock, "-n", "share-a", "-c", na, "-d", dur, "-t", win,
	    (char *)NULL);
	lc_spawn(&b, d.sock, "-n", "share-b", "-c", nb, "-d", dur, "-t", win,
	    (char *)NULL);
	ok_a = lc_claimed(&a, 10000);
	ok_b = lc_claimed(&b, 10000);
	ok(ok_a && ok_b && popcount(&a.vec) == ca && popcount(&b.vec) == cb,
	    "%s: the two libOSes claimed %u and %u slots", what, ca, cb);
	for (i = 0; i < a.vec.n; i++)
		if (ch_owns(&a.vec, i) && ch_owns(&b.vec, i))
			disjoint = 0;
	ok(disjoint, "%s: their slots are disjoint", what);
	ok(ch_now() < t1, "%s: both claimed before the measured window "
	    "begins", what);
	delay0 = ch_run_delay(d.pid);
	memset(&a0, 0, sizeof a0);
	memset(&a1, 0, sizeof a1);
	memset(&b0, 0, sizeof b0);
	memset(&b1, 0, sizeof b1);
	ch_sleep_until(t1);
	st = ch_status_of(d.sock, a.libos, &a0) == 1 &&
	    ch_status_of(d.sock, b.libos, &b0) == 1;
	ch_sleep_until(t2);
	st = st && ch_status_of(d.sock, a.libos, &a1) == 1 &&
	    ch_status_of(d.sock, b.libos, &b1) == 1;
	lc_finish(&a, LEAD_MS + WINDOW_MS + 20000);
	lc_finish(&b, 20000);
	if (ch_field(a.last, "win_cpu_ns", &v))
		cpu_a = v;
	if (ch_field(b.last, "win_cpu_ns", &v))
		cpu_b = v;
	diag("%s: a %s", what, a.last);
	diag("%s: b %s", what, b.last);
	diag("%s: exod waited %.1f ms for a host CPU during the run", what,
	    (ch_run_delay(d.pid) - delay0) / 1e6);
	ok(cpu_a > 0 && cpu_b > 0, "%s: both measured their CPU time over "
	    "the window", what);
	held_a = a1.cpu_ns - a0.cpu_ns;
	held_b = b1.cpu_ns - b0.cpu_ns;
	ratio = st && held_b > 0 ? (double)held_a / (double)held_b : 0;
	ok(ratio >= want * (1 - TOLERANCE) && ratio <= want * (1 + TOLERANCE),
	    "%s: exod gave them the CPU %.1f ms : %.1f ms = %.3f, want %.1f "
	    "within %.0f%%", what, held_a / 1e6, held_b / 1e6, ratio, want,
	    TOLERANCE * 100);
	eff_a = held_a > 0 ? (double)cpu_a / (double)held_a : 0;
	eff_b = held_b > 0 ? (double)cpu_b / (double)held_b : 0;
	ratio = cpu_b > 0 ? (double)cpu_a / (double)cpu_b : 0;
	if (eff_a < MIN_EFFICIENCY || eff_b < MIN_EFFICIENCY)
		skip("%s: the host gave them only %.0f%% and %.0f%% of the "
		    "CPU time exod gave them: too loaded to compare CPU times "
		    "(%.3f)", what, eff_a * 100, eff_b * 100, ratio);
	else
		ok(ratio >= want * (1 - TOLERANCE) &&
		    ratio <= want * (1 + TOLERANCE), "%s: CPU time %.1f ms : "
		    "%.1f ms = %.3f, want %.1f within %.0f%%", what,
		    cpu_a / 1e6, cpu_b / 1e6, ratio, want, TOLERANCE * 100);
	ok(th_exod_alive(&d), "%s: exod alive", what);
	is_int(0, th_exod_stop(&d), "%s: exod stops cleanly", what);
}

int
main(void)
{
	plan(3 * 8);
	share("1:1", "2", "100", 0, 1, 1, 1.0);
	share("3:1", "4", "100", 0, 3, 1, 3.0);
	/* -r: slots 0 and 2 idle, so they go to a and b in turn. */
	share("1:1 of 4 slots, -r", "4", "20", 1, 1, 1, 1.0);
	return (0);
}
