/*
 * cpu-save.t - the end of a quantum: a libOS that ignores the save upcall
 * (t/libos-cpu -x, it never acknowledges) is stopped at the bound, the
 * overrun is recorded (overruns and penalty_ns in STATUS and in exoctl
 * slots --json), its next quantum is shorter by it, and it cannot keep
 * the CPU: its share still matches its slots.
 *
 * exod -n 2 -q 30 -b 8: "good" holds slot 0 and acknowledges, "bad"
 * holds slot 1 and does not.  Both record their stretches of running
 * (a pause over 10 ms ends one) and the time of each end-of-quantum
 * upcall, with the time since the stretch began.  Then, on medians:
 *
 *	bad runs on for about the bound after its upcall, good stops at once;
 *	bad's upcall comes at least 4 ms (half the bound) sooner into its
 *	stretch than good's: its quantum was cut by its last overrun;
 *	bad cannot keep the CPU: over the same two seconds exod gave it the
 *	CPU (STATUS cpu_ns) no longer than good, within 20% (without the
 *	penalty it would hold about 38/30 of it), and it measured
 *	no more CPU time than good, within 20% (unless the host gave one of
 *	them less than 3/4 of that time on a CPU: then that check is
 *	skipped, saying so).  It may get less, but not much less (0.75):
 *	on a loaded host exod is late to stop it at the bound as it is late
 *	to stop good at its acknowledgement, and bad pays for that lateness
 *	with its penalty while good does not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exo.h"
#include "cpuhelp.h"
#include "harness.h"
#include "tap.h"

#define QUANTUM_MS	30
#define BOUND_MS	8
#define WINDOW_MS	2000
#define LEAD_MS		800
#define NREC		200000
#define MIN_EFFICIENCY	0.75

static int64_t	rec[NREC], ups[NREC], rel[NREC / 2], after[NREC / 2];

/*
 * Medians of the time from a stretch's start to its upcall and of the
 * time it ran on after the upcall.  0, or -1 when nothing was recorded.
 */
static int
upcall_medians(const char *recf, const char *upf, int64_t *m_rel,
    int64_t *m_after)
{
	long	nr, nu, i, j = 0, nrel = 0, naft = 0;

	nr = ch_read_ints(recf, rec, NREC);
	nu = ch_read_ints(upf, ups, NREC);
	if (nr < 2 || nu < 2)
		return (-1);
	for (i = 0; i + 1 < nu; i += 2) {
		if (ups[i + 1] >= 0)
			rel[nrel++] = ups[i + 1];
		/* The stretch it fell in (or ended just before it). */
		while (j + 2 < nr && rec[j + 2] <= ups[i])
			j += 2;
		if (rec[j] <= ups[i])
			after[naft++] = rec[j + 1] - ups[i];
	}
	if (nrel == 0 || naft == 0)
		return (-1);
	qsort(rel, (size_t)nrel, sizeof rel[0], ch_cmp_i64);
	qsort(after, (size_t)naft, sizeof after[0], ch_cmp_i64);
	*m_rel = rel[nrel / 2];
	*m_after = after[naft / 2];
	return (0);
}

int
main(void)
{
	struct th_exod		d;
	struct exo_status_peer	sp, g0, g1, b0, b1;
	struct lc		good, bad;
	char			gr[300], gu[300], br[300], bu[300], win[64];
	char			dur[16];
	char			json[65536];
	uint64_t		t1, t2, v, g_cpu = 0, b_cpu = 0, g_over = 0;
	uint64_t		b_over = 0, b_pen = 0, deadline;
	int64_t			g_rel = 0, g_after = 0, b_rel = 0, b_after = 0;
	uint64_t		held_g, held_b;
	double			ratio, eff_g, eff_b;
	int			have_g, have_b, seen, st;

	memset(&sp, 0, sizeof sp);
	plan(14);
	th_exod_start(&d, "-n", "2", "-q", "30", "-b", "8", (char *)NULL);
	snprintf(gr, sizeof gr, "%s/good.rec", d.dir);
	snprintf(gu, sizeof gu, "%s/good.up", d.dir);
	snprintf(br, sizeof br, "%s/bad.rec", d.dir);
	snprintf(bu, sizeof bu, "%s/bad.up", d.dir);
	t1 = ch_now() + LEAD_MS * CH_MS;
	t2 = t1 + WINDOW_MS * CH_MS;
	snprintf(win, sizeof win, "%llu,%llu", (unsigned long long)t1,
	    (unsigned long long)t2);
	/* They spin on a while after the window, for STATUS to see them. */
	snprintf(dur, sizeof dur, "%d", LEAD_MS + WINDOW_MS + 500);
	lc_spawn(&good, d.sock, "-n", "good", "-a", "0", "-d", dur, "-t",
	    win, "-g", "10000", "-r", gr, "-u", gu, (char *)NULL);
	lc_spawn(&bad, d.sock, "-n", "bad", "-x", "-a", "1", "-d", dur, "-t",
	    win, "-g", "10000", "-r", br, "-u", bu, (char *)NULL);
	ok(lc_claimed(&good, 10000) && lc_claimed(&bad, 10000),
	    "good holds slot 0, bad (never acknowledges) slot 1");

	/* While they run: exod's record of the overruns. */
	seen = 0;
	deadline = ch_now() + 10000 * CH_MS;
	while (ch_now() < deadline) {
		if (ch_status_of(d.sock, bad.libos, &sp) == 1 &&
		    sp.overruns >= 3 && sp.penalty_ns > 0) {
			seen = 1;
			break;
		}
		ch_sleep_ms(20);
	}
	ok(seen, "STATUS records bad's overruns (%llu) and penalty "
	    "(%.1f ms)", (unsigned long long)sp.overruns, sp.penalty_ns / 1e6);
	ok(ch_exoctl_json(d.sock, "slots", json, sizeof json) == 0 &&
	    ch_json_libos(json, bad.libos, "overruns", &v) && v > 0 &&
	    ch_json_libos(json, bad.libos, "penalty_ns", &v) && v > 0,
	    "exoctl slots --json shows them too");

	memset(&g0, 0, sizeof g0);
	memset(&g1, 0, sizeof g1);
	memset(&b0, 0, sizeof b0);
	memset(&b1, 0, sizeof b1);
	ch_sleep_until(t1);
	st = ch_status_of(d.sock, good.libos, &g0) == 1 &&
	    ch_status_of(d.sock, bad.libos, &b0) == 1;
	ch_sleep_until(t2);
	st = st && ch_status_of(d.sock, good.libos, &g1) == 1 &&
	    ch_status_of(d.sock, bad.libos, &b1) == 1;
	lc_finish(&good, LEAD_MS + WINDOW_MS + 20000);
	lc_finish(&bad, 20000);
	diag("good: %s", good.last);
	diag("bad: %s", bad.last);
	have_g = ch_field(good.last, "overruns", &g_over);
	have_b = ch_field(bad.last, "overruns", &b_over) &&
	    ch_field(bad.last, "penalty_ns", &b_pen);
	ok(have_g && have_b && b_over > 0 && b_pen > 0, "at its end exod had "
	    "charged bad %llu overruns, %.1f ms", (unsigned long long)b_over,
	    b_pen / 1e6);
	ok(have_g && have_b && g_over * 2 < b_over, "good overran far less "
	    "often (%llu times)", (unsigned long long)g_over);

	/* Stopped at the bound; the next quantum shorter by it. */
	ok(upcall_medians(gr, gu, &g_rel, &g_after) == 0 &&
	    upcall_medians(br, bu, &b_rel, &b_after) == 0,
	    "both recorded their stretches and upcalls");
	diag("median time into a stretch when the upcall came: good %.2f ms, "
	    "bad %.2f ms", g_rel / 1e6, b_rel / 1e6);
	diag("median time run on after the upcall: good %.2f ms, bad %.2f ms",
	    g_after / 1e6, b_after / 1e6);
	ok(g_after <= 3 * (int64_t)CH_MS, "good stops within 3 ms of its "
	    "upcall: it acknowledges");
	ok(b_after >= BOUND_MS / 2 * (int64_t)CH_MS &&
	    b_after <= (BOUND_MS + 3) * (int64_t)CH_MS, "bad runs on %.2f ms "
	    "after its upcall: stopped at the %d ms bound (within -%d/+3 ms)",
	    b_after / 1e6, BOUND_MS, BOUND_MS / 2);
	ok(g_rel - b_rel >= BOUND_MS / 2 * (int64_t)CH_MS, "bad's quantum is "
	    "cut: its upcall comes %.2f ms sooner into its stretch (at least "
	    "%d ms)", (g_rel - b_rel) / 1e6, BOUND_MS / 2);
	ok(g_rel >= (QUANTUM_MS / 2) * (int64_t)CH_MS, "good's comes after "
	    "most of its %d ms quantum", QUANTUM_MS);

	/* And bad still gets no more than its slot. */
	if (ch_field(good.last, "win_cpu_ns", &v))
		g_cpu = v;
	if (ch_field(bad.last, "win_cpu_ns", &v))
		b_cpu = v;
	held_g = g1.cpu_ns - g0.cpu_ns;
	held_b = b1.cpu_ns - b0.cpu_ns;
	ratio = st && held_g > 0 ? (double)held_b / (double)held_g : 0;
	ok(ratio >= 0.75 && ratio <= 1.2, "over the same %d ms exod gave bad "
	    "the CPU %.1f ms, good %.1f ms: %.3f, want 0.75 .. 1.20",
	    WINDOW_MS, held_b / 1e6, held_g / 1e6, ratio);
	eff_g = held_g > 0 ? (double)g_cpu / (double)held_g : 0;
	eff_b = held_b > 0 ? (double)b_cpu / (double)held_b : 0;
	ratio = g_cpu > 0 ? (double)b_cpu / (double)g_cpu : 0;
	if (eff_g < MIN_EFFICIENCY || eff_b < MIN_EFFICIENCY)
		skip("the host gave them only %.0f%% and %.0f%% of that time "
		    "on a CPU: too loaded to compare CPU times (%.3f)",
		    eff_b * 100, eff_g * 100, ratio);
	else
		ok(ratio >= 0.75 && ratio <= 1.2, "and bad measured %.1f ms "
		    "of CPU, good %.1f ms: %.3f, want 0.75 .. 1.20",
		    b_cpu / 1e6, g_cpu / 1e6, ratio);

	ok(th_exod_alive(&d), "exod alive");
	is_int(0, th_exod_stop(&d), "exod stops cleanly");
	return (0);
}
