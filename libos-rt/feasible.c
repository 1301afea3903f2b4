/*
 * feasible.c - the analysis: how many slots the task set needs, and
 * whether it is schedulable, earliest deadline first, in the slots it
 * holds.
 *
 * The supply.  exod runs the vector of nslots slots of length Q over and
 * over (a cycle of P = nslots * Q), and keeps libos-rt stopped outside its
 * slots.  Over one cycle libos-rt's slots form runs of consecutive slots.
 * At the start of a run the libOS before it may keep the CPU for up to the
 * save bound B before exod stops it (a hostile one always does), and the
 * wake-up that follows (SIGCONT) takes a moment that the analysis allows
 * for, A (-a); so a run of r slots starting at slot s supplies the time
 * [s Q + B + A, (s + r) Q).  A run that follows one of our own slots has
 * no switch and loses nothing.  The supply bound function sbf(t) is the
 * least CPU time these windows give in any interval of length t; its
 * worst case starts at the end of a window.
 *
 * The demand.  A task i (period T, relative deadline D, budget C) needs
 * at most dbf_i(t) = max(0, floor((t - D) / T) + 1) C of CPU time in any
 * interval of length t, counting only jobs that must also finish in it.
 * EDF meets every deadline on that supply when, for every t,
 *	dbf(t) + c <= sbf(t)
 * where c is the chunk: libos-rt switches tasks only between chunks of
 * work, so a job may wait for one chunk of another (a blocking term).
 * dbf steps only at deadlines t = D + k T, so those are the points to
 * check, up to the horizon beyond which the linear bounds
 *	dbf(t) <= U t + sum C max(0, T - D) / T,  sbf(t) >= alpha (t - delta)
 * (U the utilization, alpha the long-run share the slots supply, delta the
 * largest lag of sbf behind alpha t) settle it.
 *
 * Release jitter: a job released just after libos-rt was stopped is seen
 * when it runs again, after the longest gap G between its slots, the save
 * bound B of the libOS before it, the wake-up A and the rest of a chunk:
 * the predicted worst-case release jitter is G + B + A + c.  When every
 * slot is ours exod never switches us out, and only A + c remain (A also
 * covers waking from our own sleep when idle).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "rt.h"

#define RT_CHECK_MAX	4000000	/* deadlines checked, at most */

struct rt_supply {
	uint64_t	P;		/* the cycle */
	uint64_t	S;		/* supply in one cycle */
	unsigned	n;		/* windows */
	uint64_t	a[EXO_SLOTS_MAX], b[EXO_SLOTS_MAX]; /* [a, b), a < P */
	uint64_t	gap;		/* longest gap between our slots */
	int		all;		/* every slot is ours: no switch ever */
};

double
rt_util(const struct rt_set *set)
{
	double		u = 0;
	unsigned	i;

	for (i = 0; i < set->n; i++)
		u += (double)set->t[i].budget / (double)set->t[i].period;
	return (u);
}

/* The windows our slots give in one cycle. */
static void
rt_supply_make(const struct rt_vector *v, struct rt_supply *s)
{
	unsigned	i, k, start, len, first_free = v->nslots, prev_end = 0;
	unsigned	first_start = 0, nruns = 0;
	uint64_t	loss = v->bound + v->allowance, a, b, g;

	memset(s, 0, sizeof *s);
	s->P = (uint64_t)v->nslots * v->quantum;
	for (i = 0; i < v->nslots; i++)
		if (!v->owned[i]) {
			first_free = i;
			break;
		}
	if (first_free == v->nslots) {
		s->all = 1;
		s->n = 1;
		s->a[0] = 0;
		s->b[0] = s->P;
		s->S = s->P;
		return;
	}
	/* Scan one cycle from the slot after a free one: runs in order. */
	for (k = 1; k <= v->nslots; k++) {
		i = (first_free + k) % v->nslots;
		if (!v->owned[i] || v->owned[(i + v->nslots - 1) % v->nslots])
			continue;
		start = first_free + k;		/* unwrapped position */
		for (len = 0; len < v->nslots &&
		    v->owned[(start + len) % v->nslots]; len++)
			;
		if (nruns == 0)
			first_start = start;
		else {
			g = (uint64_t)(start - prev_end) * v->quantum;
			if (g > s->gap)
				s->gap = g;
		}
		prev_end = start + len;
		nruns++;
		a = (uint64_t)start * v->quantum + loss;
		b = (uint64_t)(start + len) * v->quantum;
		if (b <= a)
			continue;	/* the switch eats the whole run */
		while (a >= s->P) {
			a -= s->P;
			b -= s->P;
		}
		s->a[s->n] = a;
		s->b[s->n] = b;
		s->S += b - a;
		s->n++;
	}
	if (nruns > 0) {
		/* From the last run round to the first one. */
		g = (uint64_t)(first_start + v->nslots - prev_end) * v->quantum;
		if (g > s->gap)
			s->gap = g;
	}
}

/* Supply in [0, x), 0 <= x <= P. */
static uint64_t
rt_supply_f0(const struct rt_supply *s, uint64_t x)
{
	uint64_t	sum = 0, lo, hi;
	unsigned	i;

	for (i = 0; i < s->n; i++) {
		lo = s->a[i];
		hi = s->b[i] < s->P ? s->b[i] : s->P;
		if (x > lo)
			sum += (x < hi ? x : hi) - lo;
		if (s->b[i] > s->P) {	/* the wrapped part: [0, b - P) */
			hi = s->b[i] - s->P;
			sum += x < hi ? x : hi;
		}
	}
	return (sum);
}

static uint64_t
rt_supply_f(const struct rt_supply *s, uint64_t x)
{
	return ((x / s->P) * s->S + rt_supply_f0(s, x % s->P));
}

/* The least supply in any interval of length t. */
static uint64_t
rt_sbf(const struct rt_supply *s, uint64_t t)
{
	uint64_t	best = UINT64_MAX, v, g;
	unsigned	i;

	if (s->all)
		return (t);
	if (s->n == 0)
		return (0);
	for (i = 0; i < s->n; i++) {
		g = s->b[i] % s->P;	/* a gap starts here */
		v = rt_supply_f(s, g + t) - rt_supply_f(s, g);
		if (v < best)
			best = v;
	}
	return (best);
}

static uint64_t
rt_dbf(const struct rt_set *set, uint64_t t, unsigned *who)
{
	const struct rt_task	*k;
	uint64_t		 sum = 0, latest = 0;
	unsigned		 i;

	for (i = 0; i < set->n; i++) {
		k = &set->t[i];
		if (t < k->deadline)
			continue;
		sum += ((t - k->deadline) / k->period + 1) * k->budget;
		/* The task whose deadline this is, for the message. */
		if ((t - k->deadline) % k->period == 0 && k->deadline >= latest) {
			latest = k->deadline;
			*who = i;
		}
	}
	return (sum);
}

/* The largest lag of sbf(t) behind alpha t, over one cycle. */
static double
rt_delta(const struct rt_supply *s, double alpha)
{
	uint64_t	g, c, t;
	double		d = 0, x;
	unsigned	i, j, side;

	if (s->all)
		return (0);
	for (i = 0; i < s->n; i++) {
		g = s->b[i] % s->P;
		for (j = 0; j < s->n; j++)
			for (side = 0; side < 2; side++) {
				c = (side ? s->b[j] : s->a[j]) % s->P;
				t = (c + s->P - g) % s->P;
				x = (double)t - (double)rt_sbf(s, t) / alpha;
				if (x > d)
					d = x;
			}
	}
	x = (double)s->P - (double)rt_sbf(s, s->P) / alpha;
	return (x > d ? x : d);
}

/*
 * Is set schedulable by EDF in the slots v->owned?  Fills the verdict;
 * its why says what fails.
 */
int
rt_analyse(const struct rt_set *set, const struct rt_vector *v,
    struct rt_verdict *r)
{
	struct rt_supply	 s;
	const struct rt_task	*k;
	double			 K = 0, delta, horizon;
	uint64_t		 t, dmax = 0, d, sup, points = 0;
	const struct rt_task	*w;
	unsigned		 i, who = 0;
	char			 a[32], b[32], c[32], g[32], wd[32], wb[32];
	char			 bd[32], al[32], wt[32];

	memset(r, 0, sizeof *r);
	rt_supply_make(v, &s);
	r->util = rt_util(set);
	r->supply = s.P > 0 ? (double)s.S / (double)s.P : 0;
	r->gap = s.gap;
	r->slot_net = v->quantum > v->bound + v->allowance ?
	    v->quantum - v->bound - v->allowance : 0;
	r->jitter_bound = s.all ? v->allowance + v->chunk :
	    s.gap + v->bound + v->allowance + v->chunk;
	for (i = 0; i < set->n; i++) {
		k = &set->t[i];
		if (k->budget > k->deadline) {
			rt_fmt_time(a, sizeof a, k->budget);
			rt_fmt_time(b, sizeof b, k->deadline);
			snprintf(r->why, sizeof r->why, "task %s: its budget %s "
			    "exceeds its deadline %s", k->name, a, b);
			return (0);
		}
		if (k->deadline > dmax)
			dmax = k->deadline;
		if (k->deadline < k->period)
			K += (double)k->budget * (double)(k->period -
			    k->deadline) / (double)k->period;
	}
	if (s.S == 0) {
		rt_fmt_time(a, sizeof a, v->quantum);
		rt_fmt_time(b, sizeof b, v->bound);
		rt_fmt_time(c, sizeof c, v->allowance);
		snprintf(r->why, sizeof r->why, "slot length %s leaves no time "
		    "once the save bound %s and the wake-up allowance %s are "
		    "taken", a, b, c);
		return (0);
	}
	if (r->util >= r->supply) {
		rt_fmt_time(a, sizeof a, v->quantum);
		rt_fmt_time(b, sizeof b, v->bound + v->allowance);
		snprintf(r->why, sizeof r->why, "utilization %.3f is more than "
		    "the %.3f of the CPU its slots can supply (slot length %s, "
		    "of which %s goes to the switch at the start of each run of "
		    "slots)", r->util, r->supply, a, b);
		return (0);
	}
	delta = rt_delta(&s, r->supply);
	horizon = (K + (double)v->chunk + r->supply * delta) /
	    (r->supply - r->util);
	if (horizon < (double)dmax)
		horizon = (double)dmax;
	for (i = 0; i < set->n; i++)
		points += (uint64_t)(horizon / (double)set->t[i].period) + 1;
	if (points > RT_CHECK_MAX || horizon > 1e15) {
		snprintf(r->why, sizeof r->why, "utilization %.3f is too close "
		    "to the %.3f its slots supply to prove the set schedulable",
		    r->util, r->supply);
		return (0);
	}
	r->horizon = (uint64_t)horizon;
	for (i = 0; i < set->n; i++) {
		k = &set->t[i];
		for (t = k->deadline; t <= r->horizon; t += k->period) {
			d = rt_dbf(set, t, &who) + v->chunk;
			sup = rt_sbf(&s, t);
			if (d <= sup)
				continue;
			if (r->fail_t == 0 || t < r->fail_t) {
				r->fail_t = t;
				r->fail_demand = d;
				r->fail_supply = sup;
				w = &set->t[who];
				rt_fmt_time(a, sizeof a, t);
				rt_fmt_time(b, sizeof b, d);
				rt_fmt_time(c, sizeof c, sup);
				rt_fmt_time(g, sizeof g, s.gap);
				rt_fmt_time(wd, sizeof wd, w->deadline);
				rt_fmt_time(wb, sizeof wb, w->budget);
				rt_fmt_time(bd, sizeof bd, v->bound);
				rt_fmt_time(al, sizeof al, v->allowance);
				rt_fmt_time(wt, sizeof wt, s.gap + v->bound +
				    v->allowance);
				snprintf(r->why, sizeof r->why, "task %s (deadline "
				    "%s, budget %s) cannot be guaranteed: in an "
				    "interval of %s the tasks may need %s of CPU "
				    "but the slots guarantee only %s; the longest "
				    "gap between the slots is %s, and with the save "
				    "bound %s and the wake-up allowance %s a job "
				    "may wait %s before it runs", w->name, wd, wb,
				    a, b, c, g, bd, al, wt);
			}
			break;
		}
	}
	r->feasible = r->fail_t == 0;
	return (r->feasible);
}

/*
 * Where exod would put count slots among the free ones (free[i] != 0),
 * spreading them evenly: the same rule as exod's own (sched.c).
 * Returns count, or 0 if there are not enough free slots.
 */
unsigned
rt_spread(const struct rt_vector *v, const unsigned char *free_,
    unsigned count, unsigned char *out)
{
	unsigned	n = v->nslots, i, j, want, pos = 0, nfree = 0;
	unsigned	best = 0, best_off = 0, off, hits;

	memset(out, 0, EXO_SLOTS_MAX);
	for (i = 0; i < n; i++)
		if (free_[i])
			nfree++;
	if (count == 0 || count > nfree)
		return (0);
	for (off = 0; off < n; off++) {
		for (hits = 0, i = 0; i < count; i++)
			if (free_[(off + i * n / count) % n])
				hits++;
		if (hits > best) {
			best = hits;
			best_off = off;
		}
	}
	for (i = 0; i < count; i++) {
		want = (best_off + i * n / count) % n;
		for (j = 0; j < n; j++) {
			pos = (want + j) % n;
			if (free_[pos] && !out[pos])
				break;
		}
		out[pos] = 1;
	}
	return (count);
}

/*
 * The fewest free slots, spread evenly, in which the set is schedulable:
 * *count and the verdict for them.  Returns 0, or -1 when even all the
 * free slots do not do (the verdict then says why, for all of them).
 */
int
rt_slots_needed(const struct rt_set *set, const struct rt_vector *v,
    const unsigned char *free_, unsigned *count, struct rt_verdict *r)
{
	struct rt_vector	try = *v;
	unsigned		k, nfree = 0, i;

	for (i = 0; i < v->nslots; i++)
		if (free_[i])
			nfree++;
	if (nfree == 0) {
		memset(r, 0, sizeof *r);
		r->util = rt_util(set);
		snprintf(r->why, sizeof r->why, "no slot of exod's vector of "
		    "%u is free", v->nslots);
		*count = 0;
		return (-1);
	}
	for (k = 1; k <= nfree; k++) {
		rt_spread(v, free_, k, try.owned);
		if (rt_analyse(set, &try, r)) {
			*count = k;
			return (0);
		}
	}
	*count = nfree;
	return (-1);
}
