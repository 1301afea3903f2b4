/*
 * cpu-kill.t - a libOS killed in the middle of its slot frees its slots
 * and the vector goes on; a conflicting claim fails and takes nothing.
 *
 * exod -n 4 -q 20 -b 2.  A survivor (t/libos-cpu) spins in slot 3.  Three
 * times over, a doomed libOS claims slots 0 and 1, and is killed with
 * SIGKILL while SLOTS says it holds the CPU in one of them (not in the
 * save window after them, which SLOTS also shows): its slots show
 * unowned in exoctl slots --json, and over the next second the vector's
 * tick moves on at one per quantum and the survivor holds the CPU for a
 * quarter of the time (its one slot of four; exod's count of the time it
 * held the CPU, within 0.15 .. 0.40 to leave room for a host that is slow
 * to let exod switch).  Then, with slots 0, 1 (another libOS) and 3 bound,
 * a claimer asks for slots 1 and 2, for slot 3, and for two slots by
 * count: each fails with EXO_ECONFLICT, the claimer holds no slot and the
 * vector is unchanged; slot 2 alone it then gets.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "cpuhelp.h"
#include "harness.h"
#include "tap.h"

#define CYCLES		3
#define MEASURE_MS	1000

static struct th_exod	d;

/* The vector's owners, from exoctl slots --json: how many, or -1. */
static int
owners(uint32_t *o, unsigned max)
{
	static char	json[65536];

	if (ch_exoctl_json(d.sock, "slots", json, sizeof json) != 0)
		return (-1);
	return (ch_json_owners(json, o, max));
}

static int
wait_unowned(unsigned a, unsigned b, uint32_t *o)
{
	int	i, n = -1;

	for (i = 0; i < 250; i++) {
		n = owners(o, 4);
		if (n == 4 && o[a] == 0 && o[b] == 0)
			return (1);
		ch_sleep_ms(20);
	}
	return (0);
}

/*
 * The claimer: its id, then three claims that conflict, their results,
 * then, told to go on, slot 2 and its result, all to res.
 */
static pid_t
claimer(int res, int go)
{
	struct exo_cap	 caps[4];
	struct exo	*e;
	unsigned	 pos[2], n;
	uint32_t	 id;
	int		 rc[4];
	char		 c;
	pid_t		 pid;

	if ((pid = ch_fork()) != 0)
		return (pid);
	if (exo_connect(d.sock, "claimer", &e) != 0)
		_exit(90);
	id = exo_libos_id(e);
	if (write(res, &id, sizeof id) != sizeof id)
		_exit(91);
	pos[0] = 1;
	pos[1] = 2;
	rc[0] = exo_slot_claim_at(e, pos, 2, caps);
	pos[0] = 3;
	rc[1] = exo_slot_claim_at(e, pos, 1, caps);
	rc[2] = exo_slot_claim(e, 2, caps, &n);
	if (write(res, rc, 3 * sizeof rc[0]) != 3 * sizeof rc[0] ||
	    read(go, &c, 1) != 1)
		_exit(92);
	pos[0] = 2;
	rc[3] = exo_slot_claim_at(e, pos, 1, caps);
	if (write(res, &rc[3], sizeof rc[3]) != sizeof rc[3])
		_exit(93);
	for (;;)
		pause();
}

int
main(void)
{
	struct exo_status_peer	 sp0, sp1;
	struct exo_slots	 v;
	struct lc		 surv, doomed;
	uint32_t		 o[4], cid;
	uint64_t		 t1, t2, tick1 = 0, tick2 = 0, deadline;
	double			 share, ticks;
	int			 cycle, caught, cur, r, i, res[2], go[2], rc[4];
	int			 slots_of_claimer;
	pid_t			 cl;

	plan(1 + CYCLES * 6 + 7 + 2);
	th_exod_start(&d, "-n", "4", "-q", "20", "-b", "2", (char *)NULL);
	lc_spawn(&surv, d.sock, "-n", "survivor", "-a", "3", "-d", "600000",
	    (char *)NULL);
	ok(lc_claimed(&surv, 10000), "the survivor holds slot 3");

	for (cycle = 1; cycle <= CYCLES; cycle++) {
		lc_spawn(&doomed, d.sock, "-n", "doomed", "-a", "0,1", "-d",
		    "600000", (char *)NULL);
		ok(lc_claimed(&doomed, 10000) && ch_owns(&doomed.vec, 0) &&
		    ch_owns(&doomed.vec, 1), "cycle %d: a libOS claims slots 0 "
		    "and 1", cycle);
		/* Catch it holding the CPU, then kill it. */
		caught = 0;
		cur = -1;
		deadline = ch_now() + 10000 * CH_MS;
		while (!caught && ch_now() < deadline) {
			if (ch_slots(d.sock, &v) != 0)
				continue;
			/* In slot 2 it may still be saving after slot 1
			 * (within -b): that is not its slot. */
			if (v.vec.running == doomed.libos &&
			    v.vec.current <= 1) {
				cur = (int)v.vec.current;
				kill(doomed.pid, SIGKILL);
				caught = 1;
			}
			exo_slots_free(&v);
		}
		ok(caught && (cur == 0 || cur == 1), "cycle %d: killed while "
		    "it held the CPU in its slot %d", cycle, cur);
		lc_kill(&doomed);
		r = wait_unowned(0, 1, o);
		ok(r, "cycle %d: exoctl slots shows slots 0 and 1 unowned "
		    "(owners %u %u %u %u)", cycle, o[0], o[1], o[2], o[3]);
		ok(o[3] == surv.libos, "cycle %d: slot 3 still the survivor's",
		    cycle);

		/* The vector goes on: the survivor gets its quarter. */
		memset(&sp0, 0, sizeof sp0);
		memset(&sp1, 0, sizeof sp1);
		if (ch_slots(d.sock, &v) == 0) {
			tick1 = v.vec.tick;
			exo_slots_free(&v);
		}
		t1 = ch_now();
		ch_status_of(d.sock, surv.libos, &sp0);
		ch_sleep_ms(MEASURE_MS);
		ch_status_of(d.sock, surv.libos, &sp1);
		t2 = ch_now();
		if (ch_slots(d.sock, &v) == 0) {
			tick2 = v.vec.tick;
			exo_slots_free(&v);
		}
		ticks = (double)(tick2 - tick1) / ((t2 - t1) / 20e6);
		share = (double)(sp1.cpu_ns - sp0.cpu_ns) / (double)(t2 - t1);
		ok(ticks > 0.9 && ticks < 1.1, "cycle %d: the vector goes on: "
		    "%llu quanta in %.0f ms (%.2f of one per quantum)", cycle,
		    (unsigned long long)(tick2 - tick1), (t2 - t1) / 1e6,
		    ticks);
		ok(share >= 0.15 && share <= 0.40, "cycle %d: the survivor "
		    "held the CPU %.3f of the time (%llu quanta), want 0.25",
		    cycle, share, (unsigned long long)(sp1.quanta -
		    sp0.quanta));
	}

	/* A conflicting claim takes nothing. */
	lc_spawn(&doomed, d.sock, "-n", "holder", "-a", "0,1", "-d", "600000",
	    (char *)NULL);
	if (!lc_claimed(&doomed, 10000))
		bail("the holder did not claim slots 0 and 1");
	if (pipe(res) == -1 || pipe(go) == -1)
		sysbail("pipe");
	cl = claimer(res[1], go[0]);
	if (read(res[0], &cid, sizeof cid) != sizeof cid ||
	    read(res[0], rc, 3 * sizeof rc[0]) != 3 * sizeof rc[0])
		bail("the claimer died");
	is_int(-EXO_ECONFLICT, rc[0], "claiming slots 1 (bound) and 2 (free) "
	    "by position: EXO_ECONFLICT");
	is_int(-EXO_ECONFLICT, rc[1], "claiming slot 3 (bound): "
	    "EXO_ECONFLICT");
	is_int(-EXO_ECONFLICT, rc[2], "claiming 2 slots by count with 1 "
	    "free: EXO_ECONFLICT");
	slots_of_claimer = ch_status_of(d.sock, cid, &sp0) == 1 ?
	    (int)sp0.slots : -1;
	is_int(0, slots_of_claimer, "the claimer holds no slot");
	i = owners(o, 4);
	ok(i == 4 && o[0] == doomed.libos && o[1] == doomed.libos &&
	    o[2] == 0 && o[3] == surv.libos, "the vector is unchanged "
	    "(owners %u %u %u %u)", o[0], o[1], o[2], o[3]);
	if (write(go[1], "g", 1) != 1 ||
	    read(res[0], &rc[3], sizeof rc[3]) != sizeof rc[3])
		bail("the claimer died");
	is_int(0, rc[3], "slot 2 alone it gets");
	i = owners(o, 4);
	ok(i == 4 && o[2] == cid, "exoctl slots shows slot 2 bound to it");

	kill(cl, SIGKILL);
	ch_reap(cl, 5000);
	lc_kill(&doomed);
	lc_kill(&surv);
	ok(th_exod_alive(&d), "exod alive");
	is_int(0, th_exod_stop(&d), "exod stops cleanly");
	return (0);
}
