/*
 * edf.c - earliest deadline first, inside the slots exod binds to us.
 *
 * One loop does everything, and it only ever runs while libos-rt holds
 * the CPU: outside its slots exod keeps the whole process stopped.  At
 * the top of every turn it reads CLOCK_MONOTONIC and releases every job
 * whose period boundary has passed (a job released while we were stopped
 * is seen when we run again: that delay is its release jitter), then runs
 * one chunk of the pending job with the earliest absolute deadline.
 * Between chunks a newly released job with an earlier deadline takes
 * over: preemption at chunk granularity (RT_CHUNK_NS).  When nothing is
 * pending it sleeps until the next release, keeping its slot: giving the
 * slot back (exo_yield, exo_wait) would leave a job released later in the
 * same slot waiting for the next one, which the analysis does not allow
 * for, and spinning would only make the host's scheduler think less of
 * us.
 *
 * A job's response time is completion - release; it misses its deadline
 * when it completes after release + deadline, or never completes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rt.h"

#define RT_STOPPED_NS	200000ULL	/* a pause this long: we were stopped */

volatile int	 rt_interrupted;

static int
rt_cmp(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}

/* The p-quantile (0..1) of n samples; sorts them.  0 when n is 0. */
uint64_t
rt_pct(uint64_t *v, uint64_t n, double p)
{
	uint64_t	i;

	if (n == 0)
		return (0);
	qsort(v, n, sizeof *v, rt_cmp);
	i = (uint64_t)(p * (double)n);
	if (i > 0 && (double)i == p * (double)n)
		i--;		/* nearest rank */
	return (v[i < n ? i : n - 1]);
}

/* Room for every sample of the run, allocated and touched before it. */
int
rt_edf_prepare(struct rt_set *set, struct rt_run *run)
{
	struct rt_task	*t;
	unsigned	 i;

	for (i = 0; i < set->n; i++) {
		t = &set->t[i];
		t->cap = (run->end - run->start) / t->period + 2 + RT_BACKLOG;
		t->resp = calloc(t->cap, sizeof *t->resp);
		t->jit = calloc(t->cap, sizeof *t->jit);
		if (t->resp == NULL || t->jit == NULL)
			return (-1);
		memset(t->resp, 0, t->cap * sizeof *t->resp);
		memset(t->jit, 0, t->cap * sizeof *t->jit);
		t->next_release = (run->start + t->period - 1) / t->period *
		    t->period;
	}
	return (0);
}

static void
rt_release(struct rt_task *t, uint64_t now)
{
	struct rt_job	*j;

	t->releases++;
	if (t->njit < t->cap)
		t->jit[t->njit++] = now - t->next_release;
	if (t->qlen == RT_BACKLOG) {
		/* No room: the job is lost, and that is a miss. */
		t->dropped++;
		t->misses++;
		t->sec_misses++;
		t->draw_misses++;
	} else {
		j = &t->q[(t->qhead + t->qlen++) % RT_BACKLOG];
		memset(j, 0, sizeof *j);
		j->release = t->next_release;
		j->deadline = t->next_release + t->deadline;
		j->seen = now;
	}
	t->next_release += t->period;
}

static void
rt_complete(struct rt_task *t, struct rt_job *j, uint64_t now)
{
	uint64_t	resp = now - j->release;

	t->completions++;
	if (t->nresp < t->cap)
		t->resp[t->nresp++] = resp;
	if (resp > t->sec_resp_max)
		t->sec_resp_max = resp;
	if (resp > t->draw_resp_max)
		t->draw_resp_max = resp;
	if (now > j->deadline) {
		t->misses++;
		t->sec_misses++;
		t->draw_misses++;
	}
	if (j->exec_ns > t->budget)
		t->overruns++;
	if (j->exec_ns > t->exec_max)
		t->exec_max = j->exec_ns;
	t->qhead = (t->qhead + 1) % RT_BACKLOG;
	t->qlen--;
}

static void
rt_live(struct rt_set *set, struct rt_run *run, uint64_t now)
{
	struct rt_task	*t;
	unsigned	 i;
	uint64_t	 miss = 0;

	fprintf(run->livef, "libos-rt: %3llu s",
	    (unsigned long long)((now - run->start) / 1000000000ULL));
	for (i = 0; i < set->n; i++) {
		t = &set->t[i];
		fprintf(run->livef, "  %s %llu/%llu resp<=%.2fms%s",
		    t->name, (unsigned long long)t->completions,
		    (unsigned long long)t->releases, t->sec_resp_max / 1e6,
		    t->sec_misses ? " MISS" : "");
		miss += t->misses;
		t->sec_resp_max = 0;
		t->sec_misses = 0;
	}
	fprintf(run->livef, "  misses %llu\n", (unsigned long long)miss);
	fflush(run->livef);
}

/*
 * Nothing to run: sleep, in our own slot, until the next release (or the
 * next live line, or the end).  The slot stays ours; exod is not asked
 * for anything.  A signal (the end-of-quantum upcall, exod's SIGCONT)
 * ends the sleep early, and a release that falls while exod keeps us
 * stopped is seen as soon as we run again.  Returns the instant from
 * which a pause counts as a stop.
 */
static uint64_t
rt_idle(const struct rt_set *set, const struct rt_run *run, uint64_t now,
    uint64_t next_live, uint64_t next_draw)
{
	struct timespec	ts;
	uint64_t	wake = run->end, t;
	unsigned	i;

	for (i = 0; i < set->n; i++)
		if (set->t[i].next_release < wake)
			wake = set->t[i].next_release;
	if (run->live && next_live < wake)
		wake = next_live;
	if (run->draw != NULL && next_draw < wake)
		wake = next_draw;
	if (wake <= now)
		return (now);
	ts.tv_sec = (time_t)(wake / 1000000000ULL);
	ts.tv_nsec = (long)(wake % 1000000000ULL);
	(void)clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	t = rt_now();
	return (t >= wake ? wake : t);
}

void
rt_edf_run(struct rt_set *set, struct rt_run *run)
{
	struct rt_task	*t, *best;
	struct rt_job	*j, *bj = NULL;
	uint64_t	 now, last, next_live, next_draw, cpu0, dmax = 0;
	unsigned	 i;
	int		 steady = run->steady == NULL;

	for (i = 0; i < set->n; i++)
		if (set->t[i].deadline > dmax)
			dmax = set->t[i].deadline;
	last = rt_now();
	next_live = run->start + 1000000000ULL;
	next_draw = last;
	for (;;) {
		now = rt_now();
		if (rt_interrupted && run->end > now)
			run->end = now;
		if (now - last > RT_STOPPED_NS) {
			run->stops++;
			if (now - last > run->stop_max)
				run->stop_max = now - last;
		}
		last = now;
		best = NULL;
		for (i = 0; i < set->n; i++) {
			t = &set->t[i];
			while (t->next_release <= now &&
			    t->next_release < run->end)
				rt_release(t, now);
			if (t->qlen == 0)
				continue;
			j = &t->q[t->qhead];
			if (best == NULL || j->deadline < bj->deadline) {
				best = t;
				bj = j;
			}
		}
		if (!steady) {
			for (i = 0; i < set->n; i++)
				if (set->t[i].completions == 0)
					break;
			if (i == set->n) {
				steady = 1;
				run->steady_at = now;
				run->steady(run->arg);
			}
		}
		if (run->live && now >= next_live) {
			rt_live(set, run, now);
			next_live += 1000000000ULL;
		}
		if (run->draw != NULL && (now >= next_draw ||
		    (run->draw_now != NULL && *run->draw_now))) {
			if (run->draw_now != NULL)
				*run->draw_now = 0;
			run->draw(set);
			next_draw = now + run->draw_ns;
		}
		if (best == NULL) {
			if (now >= run->end)
				break;
			last = rt_idle(set, run, now, next_live, next_draw);
			continue;
		}
		if (now >= run->end + dmax + run->quantum)
			break;		/* what is left will never make it */
		cpu0 = rt_cpu_now();
		if (rt_work_step(best, bj, run->chunk_ns)) {
			bj->exec_ns += rt_cpu_now() - cpu0;
			rt_complete(best, bj, rt_now());
		} else
			bj->exec_ns += rt_cpu_now() - cpu0;
	}
	/* Jobs never completed missed their deadlines. */
	for (i = 0; i < set->n; i++) {
		t = &set->t[i];
		t->misses += t->qlen;
		t->qlen = 0;
	}
}
