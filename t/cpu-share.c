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
 * that instant.  Only the ratio of the two is asserted: what a libOS gets
 * in absolute terms depends on the load on the machine.
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
	struct th_exod	 d;
	struct lc	 a, b;
	uint64_t	 t1, t2, cpu_a = 0, cpu_b = 0, v, delay0;
	char		 win[64], na[16], nb[16];
	double		 ratio;
	unsigned	 i;
	int		 ok_a, ok_b, disjoint = 1;

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
	lc_spawn(&a, d.sock, "-n", "share-a", "-c", na, "-d", "10", "-t", win,
	    (char *)NULL);
	lc_spawn(&b, d.sock, "-n", "share-b", "-c", nb, "-d", "10", "-t", win,
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
	ratio = cpu_b > 0 ? (double)cpu_a / (double)cpu_b : 0;
	ok(ratio >= want * (1 - TOLERANCE) && ratio <= want * (1 + TOLERANCE),
	    "%s: CPU time %.1f ms : %.1f ms = %.3f, want %.1f within %.0f%%",
	    what, cpu_a / 1e6, cpu_b / 1e6, ratio, want, TOLERANCE * 100);
	ok(th_exod_alive(&d), "%s: exod alive", what);
	is_int(0, th_exod_stop(&d), "%s: exod stops cleanly", what);
}

int
main(void)
{
	plan(3 * 7);
	share("1:1", "2", "20", 0, 1, 1, 1.0);
	share("3:1", "4", "20", 0, 3, 1, 3.0);
	/* -r: slots 0 and 2 idle, so they go to a and b in turn. */
	share("1:1 of 4 slots, -r", "4", "20", 1, 1, 1, 1.0);
	return (0);
}
