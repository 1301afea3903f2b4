/*
 * main.c - libos-rt: options, the start-up (memory, analysis, the claim),
 * the run, and the reports.
 *
 *	libos-rt [-q] [--json] [--force] [-S socket] [-d seconds] [-a us]
 *	    [-m slots] [-f file] [taskspec ...]
 *
 * Exit status: 0 every deadline was met; 1 a deadline was missed; 2 the
 * task set was refused (not schedulable in the slots it could obtain, or
 * its memory cannot be guaranteed); 3 a usage or system error.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "rt.h"

#define RT_EXIT_OK	0
#define RT_EXIT_MISS	1
#define RT_EXIT_USAGE	2	/* as every exo program's usage error */
#define RT_EXIT_ERROR	3
#define RT_EXIT_REFUSED	4

#define RT_HOST_SLICE_NS 100000ULL	/* asked of the host's scheduler */

enum { OPT_JSON = 256, OPT_FORCE, OPT_DISPLAY };

static const struct option rt_longopts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "display", no_argument, NULL, OPT_DISPLAY },
	{ NULL, 0, NULL, 0 }
};

/* Counters exod shows for us (exoctl status), at two instants. */
struct rt_counters {
	int		ok;
	uint64_t	traps, tlb_misses, stlb_preloads, quanta, overruns;
	uint64_t	revocations, aborts;
	uint32_t	frames, slots;
};

static struct {
	struct exo		*e;
	struct rt_set		 set;
	struct rt_vector	 vec;
	struct rt_mem		 mem;
	struct rt_verdict	 verdict;
	struct exo_cap		 caps[EXO_SLOTS_MAX];
	unsigned		 nclaimed;
	unsigned		 nfree;		/* free slots when we looked */
	unsigned		 need_util;	/* slots the utilization alone needs */
	unsigned		 need;		/* slots the analysis needs */
	unsigned		 spare;		/* -m: claimed on top of those */
	int			 json, quiet, force, feasible;
	int			 display;	/* --display: draw the tasks */
	double			 seconds;
	FILE			*out;		/* human lines */
	struct rt_counters	 c0, c1;	/* at steady state, at the end */
	pid_t			 exod_pid;	/* from the socket's credentials */
	uint64_t		 wait0[2], wait1[2]; /* host run-queue waits */
	volatile unsigned long	 timer_upcalls, revokes, repossessed;
} rt;

/* -h: the usage on stdout, exit 0; a usage error: on stderr, exit 2. */
static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: libos-rt [-hqV] [--display] [--json] [--force] [-S socket] "
	    "[-d seconds]\n                [-a us] [-m slots] [-f file] "
	    "name:period=T,budget=T[,deadline=T][,work=W] ...\n"
	    "  work: spin[:cost=T] | touch[:pages=N][:passes=N] | "
	    "control[:steps=N]\n");
	exit(status ? RT_EXIT_USAGE : RT_EXIT_OK);
}

static void
rt_on_signal(int sig)
{
	rt_interrupted = 1;
}

/* The processor environment's interrupt entry: runs in signal context. */
static int
rt_on_interrupt(struct exo *e, const struct exo_intr *in, void *arg)
{
	switch (in->kind) {
	case EXO_INTR_TIMER:
		rt.timer_upcalls++;
		return (0);	/* libexo acknowledges at once: nothing to save */
	case EXO_INTR_REVOKE:
		/* Our frames are all in the protected minimum; our tiles
		 * are given back at the next picture. */
		rt.revokes++;
		rt_display_revoked(in);
		return (0);
	case EXO_INTR_REPOSSESSED:
		rt.repossessed++;
		rt_display_revoked(in);
		return (0);
	}
	return (0);
}

static void
rt_counters(struct rt_counters *c)
{
	struct exo_status	st;
	unsigned		i;

	memset(c, 0, sizeof *c);
	if (exo_status(rt.e, &st) != 0)
		return;
	for (i = 0; i < st.totals.npeers; i++) {
		if (st.peers[i].libos != exo_libos_id(rt.e))
			continue;
		c->ok = 1;
		c->traps = st.peers[i].traps;
		c->tlb_misses = st.peers[i].tlb_misses;
		c->stlb_preloads = st.peers[i].stlb_preloads;
		c->quanta = st.peers[i].quanta;
		c->overruns = st.peers[i].overruns;
		c->revocations = st.peers[i].revocations;
		c->aborts = st.peers[i].aborts;
		c->frames = st.peers[i].frames;
		c->slots = st.peers[i].slots;
	}
	exo_status_free(&st);
}

/*
 * Time a process has waited for a host CPU (its run-queue delay, from
 * /proc/PID/schedstat), in ns; 0 when the host does not say.  It tells a
 * miss caused by the host's load from one caused by the exokernel.
 */
static uint64_t
rt_host_wait(pid_t pid)
{
	char			path[64];
	unsigned long long	run, wait;
	FILE			*f;
	int			n;

	if (pid <= 0)
		return (0);
	snprintf(path, sizeof path, "/proc/%ld/schedstat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return (0);
	n = fscanf(f, "%llu %llu", &run, &wait);
	fclose(f);
	return (n == 2 ? wait : 0);
}

static void
rt_host_waits(uint64_t *w)
{
	w[0] = rt_host_wait(getpid());
	w[1] = rt_host_wait(rt.exod_pid);
}

/*
 * Ask the host's scheduler for a short time slice (Linux 6.12 and later,
 * EEVDF: sched_attr.sched_runtime of a SCHED_OTHER task; no privilege
 * needed).  A task with a short slice is picked sooner when it wakes,
 * which is what libos-rt does at every one of its slots; over time it
 * gets no larger share of the CPU.  Where the host does not know the
 * request nothing changes.
 */
struct rt_sched_attr {
	uint32_t	size;
	uint32_t	sched_policy;
	uint64_t	sched_flags;
	int32_t		sched_nice;
	uint32_t	sched_priority;
	uint64_t	sched_runtime;
	uint64_t	sched_deadline;
	uint64_t	sched_period;
};

static void
rt_host_slice(uint64_t ns)
{
#ifdef SYS_sched_setattr
	struct rt_sched_attr	a;

	memset(&a, 0, sizeof a);
	a.size = sizeof a;
	a.sched_policy = 0;		/* SCHED_OTHER */
	a.sched_nice = (int32_t)getpriority(PRIO_PROCESS, 0);
	a.sched_runtime = ns;
	(void)syscall(SYS_sched_setattr, 0, &a, 0);
#else
	(void)ns;
#endif
}

static void
rt_steady(void *arg)
{
	rt_counters(&rt.c0);
}

static void
rt_slot_list(char *buf, size_t len, const unsigned char *owned, unsigned n)
{
	unsigned	i;
	size_t		off = 0;

	buf[0] = '\0';
	for (i = 0; i < n && off + 8 < len; i++)
		if (owned[i])
			off += (size_t)snprintf(buf + off, len - off, "%s%u",
			    off ? "," : "", i);
	if (off == 0)
		snprintf(buf, len, "none");
}

/* The refusal, in words (and in JSON). */
static void
rt_refuse(const char *why)
{
	struct json	j;
	char		q[32], b[32], a[32];

	rt_fmt_time(q, sizeof q, rt.vec.quantum);
	rt_fmt_time(b, sizeof b, rt.vec.bound);
	rt_fmt_time(a, sizeof a, rt.vec.allowance);
	fprintf(stderr, "libos-rt: task set refused: %s\n", why);
	fprintf(stderr, "libos-rt: utilization %.3f; slot length %s (%u "
	    "free of %u), save bound %s, wake-up allowance %s\n",
	    rt.verdict.util, q, rt.nfree, rt.vec.nslots, b, a);
	fprintf(stderr, "libos-rt: (--force runs it anyway)\n");
	if (rt.json) {
		json_start(&j, stdout);
		json_object_open(&j);
		json_kbool(&j, "refused", 1);
		json_kstring(&j, "reason", why);
		json_kdouble(&j, "utilization", rt.verdict.util, 4);
		json_kuint(&j, "nslots", rt.vec.nslots);
		json_kuint(&j, "quantum_us", rt.vec.quantum / 1000);
		json_kuint(&j, "bound_us", rt.vec.bound / 1000);
		json_object_close(&j);
		(void)json_finish(&j);
	}
}

/* The vector as exod has it now; free[i] when slot i is nobody's. */
static int
rt_read_vector(unsigned char *free_)
{
	struct exo_slots	sl;
	unsigned		i;
	int			error;

	if ((error = exo_slots(rt.e, &sl)) != 0) {
		fprintf(stderr, "libos-rt: slots: %s\n", exo_strerror(error));
		return (-1);
	}
	rt.vec.nslots = sl.vec.nslots;
	rt.vec.quantum = (uint64_t)sl.vec.quantum_us * 1000;
	rt.vec.bound = (uint64_t)sl.vec.bound_us * 1000;
	memset(free_, 0, EXO_SLOTS_MAX);
	for (i = 0; i < sl.vec.nslots; i++)
		free_[i] = sl.owner[i] == 0;
	exo_slots_free(&sl);
	return (0);
}

/*
 * Claim the slots the set needs, spread evenly by exod, and check the
 * analysis on the slots actually obtained; one more slot if they do not
 * do.  Returns 0, RT_EXIT_REFUSED (after saying why) or RT_EXIT_ERROR.
 */
static int
rt_claim(void)
{
	unsigned char		 free_[EXO_SLOTS_MAX];
	struct rt_vector	 v;
	unsigned		 k, i, nfree, got, tries, floor_k = 0;
	int			 error;
	double			 per, need;

	for (tries = 0; tries < 2 * EXO_SLOTS_MAX; tries++) {
		if (rt_read_vector(free_) != 0)
			return (RT_EXIT_ERROR);
		for (nfree = 0, i = 0; i < rt.vec.nslots; i++)
			nfree += free_[i];
		rt.nfree = nfree;
		if (rt.vec.allowance == 0)
			rt.vec.allowance = rt.vec.quantum / 20 > 200000 ?
			    rt.vec.quantum / 20 : 200000;
		per = rt.vec.quantum > rt.vec.bound + rt.vec.allowance ?
		    (double)(rt.vec.quantum - rt.vec.bound - rt.vec.allowance) :
		    0;
		need = per > 0 ? rt_util(&rt.set) * rt.vec.nslots *
		    (double)rt.vec.quantum / per : rt.vec.nslots;
		rt.need_util = need < rt.vec.nslots ? (unsigned)need :
		    rt.vec.nslots;
		if (rt.need_util < need && rt.need_util < rt.vec.nslots)
			rt.need_util++;		/* rounded up */
		if (rt.need_util == 0)
			rt.need_util = 1;
		if (rt_slots_needed(&rt.set, &rt.vec, free_, &k,
		    &rt.verdict) != 0) {
			if (!rt.force) {
				rt_refuse(rt.verdict.why);
				return (RT_EXIT_REFUSED);
			}
			fprintf(stderr, "libos-rt: not schedulable (%s); "
			    "running anyway (--force)\n", rt.verdict.why);
			k = rt.need_util < nfree ? rt.need_util : nfree;
			if (k == 0) {
				fprintf(stderr, "libos-rt: no free slot\n");
				return (RT_EXIT_ERROR);
			}
		}
		rt.need = k;
		if (k + rt.spare <= nfree)
			k += rt.spare;
		else
			k = nfree;
		if (k < floor_k)
			k = floor_k;
		if (k > nfree) {
			rt_refuse(rt.verdict.why);
			return (RT_EXIT_REFUSED);
		}
		error = exo_slot_claim(rt.e, k, rt.caps, &got);
		if (error == -EXO_ECONFLICT)
			continue;	/* somebody was faster: look again */
		if (error != 0) {
			fprintf(stderr, "libos-rt: claiming %u slots: %s\n", k,
			    exo_strerror(error));
			return (RT_EXIT_ERROR);
		}
		rt.nclaimed = got;
		v = rt.vec;
		memset(v.owned, 0, sizeof v.owned);
		for (i = 0; i < got; i++)
			v.owned[rt.caps[i].id] = 1;
		rt.feasible = rt_analyse(&rt.set, &v, &rt.verdict);
		if (rt.feasible || rt.force) {
			rt.vec = v;
			return (0);
		}
		/* exod put them elsewhere than predicted: one more. */
		(void)exo_slot_release(rt.e, rt.caps, got);
		rt.nclaimed = 0;
		floor_k = k + 1;
		if (k >= nfree) {
			rt_refuse(rt.verdict.why);
			return (RT_EXIT_REFUSED);
		}
	}
	fprintf(stderr, "libos-rt: the vector keeps changing under the claim\n");
	return (RT_EXIT_ERROR);
}

static void
rt_print_analysis(FILE *f)
{
	char	q[32], b[32], a[32], c[32], g[32], j[32];
	char	slots[4 * EXO_SLOTS_MAX];

	rt_fmt_time(q, sizeof q, rt.vec.quantum);
	rt_fmt_time(b, sizeof b, rt.vec.bound);
	rt_fmt_time(a, sizeof a, rt.vec.allowance);
	rt_fmt_time(g, sizeof g, rt.verdict.gap);
	rt_fmt_time(j, sizeof j, rt.verdict.jitter_bound);
	rt_slot_list(slots, sizeof slots, rt.vec.owned, rt.vec.nslots);
	fprintf(f, "libos-rt: libos %u: %u tasks, utilization %.3f; slots of "
	    "%s, save bound %s, wake-up allowance %s\n", exo_libos_id(rt.e),
	    rt.set.n, rt.verdict.util, q, b, a);
	fprintf(f, "libos-rt: claimed %u of %u slots (%s; the analysis needs "
	    "%u%s): they supply %.3f of the CPU; the set is %s\n",
	    rt.nclaimed, rt.vec.nslots, slots, rt.need, rt.spare > 0 ?
	    ", the rest are spare (-m)" : "", rt.verdict.supply,
	    rt.feasible ? "schedulable by EDF" : "NOT schedulable (forced)");
	rt_fmt_time(c, sizeof c, rt.vec.chunk);
	if (rt.nclaimed == rt.vec.nslots)
		fprintf(f, "libos-rt: predicted worst-case release jitter %s "
		    "(%.2f quanta): every slot is ours, so no gap: allowance "
		    "%s + chunk %s\n", j, (double)rt.verdict.jitter_bound /
		    (double)rt.vec.quantum, a, c);
	else
		fprintf(f, "libos-rt: predicted worst-case release jitter %s "
		    "(%.2f quanta): longest gap %s + save bound %s + allowance "
		    "%s + chunk %s\n", j, (double)rt.verdict.jitter_bound /
		    (double)rt.vec.quantum, g, b, a, c);
	fflush(f);
}

struct rt_summary {
	uint64_t	resp_min, resp_p99, resp_max, jit_p99, jit_max;
	double		resp_mean;
};

static void
rt_summarise(struct rt_task *t, struct rt_summary *s)
{
	uint64_t	i;
	double		sum = 0;

	memset(s, 0, sizeof *s);
	for (i = 0; i < t->nresp; i++)
		sum += (double)t->resp[i];
	s->resp_mean = t->nresp ? sum / (double)t->nresp : 0;
	s->resp_p99 = rt_pct(t->resp, t->nresp, 0.99);
	s->resp_min = t->nresp ? t->resp[0] : 0;
	s->resp_max = t->nresp ? t->resp[t->nresp - 1] : 0;
	s->jit_p99 = rt_pct(t->jit, t->njit, 0.99);
	s->jit_max = t->njit ? t->jit[t->njit - 1] : 0;
}

static uint64_t
rt_total_misses(void)
{
	uint64_t	m = 0;
	unsigned	i;

	for (i = 0; i < rt.set.n; i++)
		m += rt.set.t[i].misses;
	return (m);
}

static void
rt_report_text(FILE *f, const struct rt_run *run,
    const struct exo_expose *x)
{
	struct rt_summary	 s;
	struct rt_task		*t;
	uint64_t		 jp99 = 0, jmax = 0, allj = 0;
	double			 q = (double)rt.vec.quantum;
	unsigned		 i;
	char			 p[32], d[32], c[32], jb[32];

	fprintf(f, "\n%-10s %9s %9s %9s %-8s %6s %6s %6s  %-31s %s\n",
	    "task", "period", "deadline", "budget", "work", "rel", "done",
	    "miss", "response ms min/mean/p99/max", "jitter p99/max us "
	    "(quanta)");
	for (i = 0; i < rt.set.n; i++) {
		t = &rt.set.t[i];
		rt_summarise(t, &s);
		rt_fmt_time(p, sizeof p, t->period);
		rt_fmt_time(d, sizeof d, t->deadline);
		rt_fmt_time(c, sizeof c, t->budget);
		fprintf(f, "%-10s %9s %9s %9s %-8s %6llu %6llu %6llu  "
		    "%6.3f/%6.3f/%6.3f/%6.3f  %llu/%llu (%.2f/%.2f)\n",
		    t->name, p, d, c, rt_work_name(t->work),
		    (unsigned long long)t->releases,
		    (unsigned long long)t->completions,
		    (unsigned long long)t->misses, s.resp_min / 1e6,
		    s.resp_mean / 1e6, s.resp_p99 / 1e6, s.resp_max / 1e6,
		    (unsigned long long)(s.jit_p99 / 1000),
		    (unsigned long long)(s.jit_max / 1000), s.jit_p99 / q,
		    s.jit_max / q);
		if (s.jit_max > jmax)
			jmax = s.jit_max;
		if (s.jit_p99 > jp99)
			jp99 = s.jit_p99;
		allj += t->njit;
		if (t->overruns > 0 || t->dropped > 0)
			fprintf(f, "%-10s %llu jobs over budget (largest %.3f "
			    "ms), %llu dropped\n", "", (unsigned long long)
			    t->overruns, t->exec_max / 1e6,
			    (unsigned long long)t->dropped);
	}
	rt_fmt_time(jb, sizeof jb, rt.verdict.jitter_bound);
	fprintf(f, "\nrelease jitter: predicted bound %s (%.2f quanta); "
	    "measured p99 %.3f ms (%.2f), max %.3f ms (%.2f): %s\n", jb,
	    rt.verdict.jitter_bound / q, jp99 / 1e6, jp99 / q, jmax / 1e6,
	    jmax / q, jmax <= rt.verdict.jitter_bound ? "within the bound" :
	    "OVER the bound");
	if (rt.mem.npages > 0)
		fprintf(f, "memory: %u frames, %u in the protected minimum, "
		    "%u guaranteed mappings (TLB of %u entries)\n",
		    rt.mem.npages, rt.mem.protected_, rt.mem.guaranteed,
		    rt.mem.tlb);
	if (rt.c0.ok && rt.c1.ok)
		fprintf(f, "steady state (exod's counters): %llu traps, %llu "
		    "TLB misses, %llu STLB preloads\n",
		    (unsigned long long)(rt.c1.traps - rt.c0.traps),
		    (unsigned long long)(rt.c1.tlb_misses - rt.c0.tlb_misses),
		    (unsigned long long)(rt.c1.stlb_preloads -
		    rt.c0.stlb_preloads));
	fprintf(f, "exod: switched in %llu times, stopped at the save bound "
	    "%llu times; %llu end-of-quantum upcalls, %llu revocations; "
	    "longest stop seen %.3f ms (longest gap %.3f ms)\n",
	    x != NULL ? (unsigned long long)x->switches : 0ULL,
	    x != NULL ? (unsigned long long)x->forced : 0ULL,
	    (unsigned long long)rt.timer_upcalls,
	    (unsigned long long)rt.revokes, run->stop_max / 1e6,
	    rt.verdict.gap / 1e6);
	fprintf(f, "host: waiting for a CPU during the run, libos-rt %.1f ms, "
	    "exod %.1f ms\n", (rt.wait1[0] - rt.wait0[0]) / 1e6,
	    (rt.wait1[1] - rt.wait0[1]) / 1e6);
	fprintf(f, "deadline misses: %llu\n",
	    (unsigned long long)rt_total_misses());
	(void)allj;
}

/* The members of one task's report. */
static void
rt_json_task(struct json *j, const struct rt_task *t,
    const struct rt_summary *s, double q)
{
	json_object_open(j);
	json_kstring(j, "name", t->name);
	json_kstring(j, "work", rt_work_name(t->work));
	json_kuint(j, "period_us", t->period / 1000);
	json_kuint(j, "deadline_us", t->deadline / 1000);
	json_kuint(j, "budget_us", t->budget / 1000);
	json_kdouble(j, "calibrated_us", t->calibrated / 1e3, 1);
	json_kuint(j, "releases", t->releases);
	json_kuint(j, "completions", t->completions);
	json_kuint(j, "misses", t->misses);
	json_kuint(j, "overruns", t->overruns);
	json_kuint(j, "dropped", t->dropped);
	json_kdouble(j, "exec_max_us", t->exec_max / 1e3, 1);
	json_key(j, "response_us");
	json_object_open(j);
	json_kdouble(j, "min", s->resp_min / 1e3, 1);
	json_kdouble(j, "mean", s->resp_mean / 1e3, 1);
	json_kdouble(j, "p99", s->resp_p99 / 1e3, 1);
	json_kdouble(j, "max", s->resp_max / 1e3, 1);
	json_object_close(j);
	json_key(j, "jitter_us");
	json_object_open(j);
	json_kdouble(j, "p99", s->jit_p99 / 1e3, 1);
	json_kdouble(j, "max", s->jit_max / 1e3, 1);
	json_object_close(j);
	json_key(j, "jitter_quanta");
	json_object_open(j);
	json_kdouble(j, "p99", s->jit_p99 / q, 4);
	json_kdouble(j, "max", s->jit_max / q, 4);
	json_object_close(j);
	json_object_close(j);
}

static void
rt_report_json(FILE *f, const struct rt_run *run,
    const struct exo_expose *x)
{
	struct rt_summary	 s;
	struct rt_task		*t;
	struct json		 j;
	uint64_t		 jp99 = 0, jmax = 0;
	double			 q = (double)rt.vec.quantum;
	unsigned		 i;
	int			 steady;

	json_start(&j, f);
	json_object_open(&j);
	json_kuint(&j, "libos", exo_libos_id(rt.e));
	json_kbool(&j, "feasible", rt.feasible);
	json_kbool(&j, "forced", rt.force);
	if (!rt.feasible)
		json_kstring(&j, "reason", rt.verdict.why);
	json_kuint(&j, "nslots", rt.vec.nslots);
	json_kuint(&j, "quantum_us", rt.vec.quantum / 1000);
	json_kuint(&j, "bound_us", rt.vec.bound / 1000);
	json_kuint(&j, "allowance_us", rt.vec.allowance / 1000);
	json_kuint(&j, "chunk_us", run->chunk_ns / 1000);
	json_key(&j, "slots");
	json_array_open(&j);
	for (i = 0; i < rt.vec.nslots; i++)
		if (rt.vec.owned[i])
			json_uint(&j, i);
	json_array_close(&j);
	json_kdouble(&j, "utilization", rt.verdict.util, 4);
	json_kdouble(&j, "supply", rt.verdict.supply, 4);
	json_kuint(&j, "slots_by_utilization", rt.need_util);
	json_kuint(&j, "slots_needed", rt.need);
	json_kuint(&j, "slots_spare", rt.spare);
	json_kuint(&j, "longest_gap_us", rt.verdict.gap / 1000);
	json_kdouble(&j, "duration_s", rt.seconds, 3);
	json_key(&j, "tasks");
	json_array_open(&j);
	for (i = 0; i < rt.set.n; i++) {
		t = &rt.set.t[i];
		rt_summarise(t, &s);
		if (s.jit_max > jmax)
			jmax = s.jit_max;
		if (s.jit_p99 > jp99)
			jp99 = s.jit_p99;
		rt_json_task(&j, t, &s, q);
	}
	json_array_close(&j);
	json_key(&j, "jitter");
	json_object_open(&j);
	json_kdouble(&j, "predicted_us", rt.verdict.jitter_bound / 1e3, 1);
	json_kdouble(&j, "predicted_quanta", rt.verdict.jitter_bound / q, 4);
	json_kdouble(&j, "p99_us", jp99 / 1e3, 1);
	json_kdouble(&j, "p99_quanta", jp99 / q, 4);
	json_kdouble(&j, "max_us", jmax / 1e3, 1);
	json_kdouble(&j, "max_quanta", jmax / q, 4);
	json_kbool(&j, "within_bound", jmax <= rt.verdict.jitter_bound);
	json_object_close(&j);
	steady = rt.c0.ok && rt.c1.ok;
	json_key(&j, "memory");
	json_object_open(&j);
	json_kuint(&j, "frames", rt.mem.npages);
	json_kuint(&j, "protected", rt.mem.protected_);
	json_kuint(&j, "guaranteed", rt.mem.guaranteed);
	json_kuint(&j, "tlb_entries", rt.mem.tlb);
	json_object_close(&j);
	json_key(&j, "steady_state");
	json_object_open(&j);
	json_kbool(&j, "measured", steady);
	json_kuint(&j, "traps", steady ? rt.c1.traps - rt.c0.traps : 0);
	json_kuint(&j, "tlb_misses", steady ?
	    rt.c1.tlb_misses - rt.c0.tlb_misses : 0);
	json_kuint(&j, "stlb_preloads", steady ?
	    rt.c1.stlb_preloads - rt.c0.stlb_preloads : 0);
	json_kbool(&j, "memory_layer", 1);
	json_object_close(&j);
	json_key(&j, "exod");
	json_object_open(&j);
	json_kuint(&j, "switches", x != NULL ? x->switches : 0);
	json_kuint(&j, "forced", x != NULL ? x->forced : 0);
	json_kuint(&j, "quanta", rt.c1.quanta);
	json_kuint(&j, "overruns", rt.c1.overruns);
	json_kuint(&j, "timer_upcalls", rt.timer_upcalls);
	json_kuint(&j, "revocations", rt.c1.revocations);
	json_object_close(&j);
	json_key(&j, "host_wait_ms");
	json_object_open(&j);
	json_kdouble(&j, "libos_rt", (rt.wait1[0] - rt.wait0[0]) / 1e6, 3);
	json_kdouble(&j, "exod", (rt.wait1[1] - rt.wait0[1]) / 1e6, 3);
	json_object_close(&j);
	json_kuint(&j, "total_misses", rt_total_misses());
	json_object_close(&j);
	if (json_finish(&j) != 0)
		fprintf(stderr, "libos-rt: cannot write the JSON report\n");
}

int
main(int argc, char **argv)
{
	struct rt_run		 run;
	struct sigaction	 sa;
	struct exo_expose	 xs, *x = NULL;
	const struct exo_expose	*xp;
	const char		*sock = NULL;
	char			 err[512], b[32], c[32], *end;
	unsigned		 i;
	uint64_t		 cycle;
	int			 ch, error, status, ok;
	unsigned long		 us;
	struct ucred		 cred;
	socklen_t		 cred_len;

	rt.seconds = 10;
	rt.vec.chunk = RT_CHUNK_NS;
	argv[0] = (char *)"libos-rt";	/* getopt's messages name libos-rt */
	while ((ch = getopt_long(argc, argv, "a:d:f:hm:qS:V", rt_longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'a':
			errno = 0;
			us = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || us > 1000000) {
				fprintf(stderr, "libos-rt: -a %s: not a number "
				    "of microseconds up to 1000000\n", optarg);
				usage(1);
			}
			rt.vec.allowance = (uint64_t)us * 1000;
			if (rt.vec.allowance == 0)
				rt.vec.allowance = 1;
			break;
		case 'd':
			errno = 0;
			rt.seconds = strtod(optarg, &end);
			if (errno != 0 || *end != '\0' || !(rt.seconds > 0) ||
			    rt.seconds > 86400) {
				fprintf(stderr, "libos-rt: -d %s: not a number "
				    "of seconds\n", optarg);
				usage(1);
			}
			break;
		case 'f':
			if (rt_task_file(&rt.set, optarg, err, sizeof err)
			    != 0) {
				fprintf(stderr, "libos-rt: %s\n", err);
				return (RT_EXIT_ERROR);
			}
			break;
		case 'm':
			errno = 0;
			us = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || us > EXO_SLOTS_MAX) {
				fprintf(stderr, "libos-rt: -m %s: not a number "
				    "of slots\n", optarg);
				usage(1);
			}
			rt.spare = (unsigned)us;
			break;
		case 'q':
			rt.quiet = 1;
			break;
		case 'S':
			sock = optarg;
			break;
		case OPT_JSON:
			rt.json = 1;
			break;
		case OPT_FORCE:
			rt.force = 1;
			break;
		case OPT_DISPLAY:
			rt.display = 1;
			break;
		case 'h':
			usage(0);
		case 'V':
			printf("libos-rt %s\n", PACKAGE_VERSION);
			return (RT_EXIT_OK);
		default:
			usage(1);
		}
	}
	for (; optind < argc; optind++)
		if (rt_task_parse(&rt.set, argv[optind], err, sizeof err) != 0) {
			fprintf(stderr, "libos-rt: %s\n", err);
			usage(1);
		}
	if (rt.set.n == 0)
		usage(1);
	rt.out = rt.json ? stderr : stdout;

	if ((error = exo_connect(sock, "libos-rt", &rt.e)) != 0) {
		fprintf(stderr, "libos-rt: connect: %s\n", exo_strerror(error));
		return (RT_EXIT_ERROR);
	}
	if ((error = exo_pe_interrupt(rt.e, rt_on_interrupt, NULL)) != 0) {
		fprintf(stderr, "libos-rt: interrupt entry: %s\n",
		    exo_strerror(error));
		return (RT_EXIT_ERROR);
	}
	cred_len = sizeof cred;
	if (getsockopt(exo_fd(rt.e), SOL_SOCKET, SO_PEERCRED, &cred,
	    &cred_len) == 0)
		rt.exod_pid = cred.pid;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = rt_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* Memory first: bound, touched and protected before anything runs. */
	error = rt_mem_bind(rt.e, &rt.set, rt.force, &rt.mem, err,
	    sizeof err);
	if (error == -2) {
		rt_refuse(err);
		status = RT_EXIT_REFUSED;
		goto out;
	}
	if (error == 1)
		fprintf(stderr, "libos-rt: %s (--force: running anyway)\n",
		    err);
	else if (error != 0) {
		fprintf(stderr, "libos-rt: %s\n", err);
		status = RT_EXIT_ERROR;
		goto out;
	}
	/* What one job of each task really costs, measured here. */
	for (i = 0; i < rt.set.n; i++) {
		rt_work_calibrate(&rt.set.t[i]);
		if (rt.set.t[i].calibrated <= rt.set.t[i].budget)
			continue;
		rt_fmt_time(b, sizeof b, rt.set.t[i].calibrated);
		rt_fmt_time(c, sizeof c, rt.set.t[i].budget);
		snprintf(err, sizeof err, "task %s: one job of its work takes "
		    "%s of CPU, more than its budget %s", rt.set.t[i].name, b,
		    c);
		if (!rt.force) {
			rt.verdict.util = rt_util(&rt.set);
			rt_refuse(err);
			status = RT_EXIT_REFUSED;
			goto out;
		}
		fprintf(stderr, "libos-rt: %s (--force: running anyway)\n",
		    err);
	}

	memset(&run, 0, sizeof run);
	if ((status = rt_claim()) != 0)
		goto out;
	rt_print_analysis(rt.out);
	if (rt.display) {
		if (rt_display_open(rt.e, &rt.set) != 0) {
			status = RT_EXIT_ERROR;
			goto out;
		}
		run.draw = rt_display_draw;
		run.draw_ns = RT_DRAW_NS;
		run.draw_now = &rt_display_urgent;
	}

	/* Releases start on period boundaries after one cycle of warm-up. */
	cycle = (uint64_t)rt.vec.nslots * rt.vec.quantum;
	run.start = rt_now() + cycle;
	run.end = run.start + (uint64_t)(rt.seconds * 1e9);
	run.quantum = rt.vec.quantum;
	run.chunk_ns = rt.vec.chunk;
	run.live = !rt.quiet;
	run.livef = rt.out;
	run.steady = rt_steady;
	if (rt_edf_prepare(&rt.set, &run) != 0) {
		fprintf(stderr, "libos-rt: out of memory\n");
		status = RT_EXIT_ERROR;
		goto out;
	}
	/* Wake from an idle sleep when asked, not up to 50 us later. */
	(void)prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	rt_host_slice(RT_HOST_SLICE_NS);
	rt_host_waits(rt.wait0);
	rt_edf_run(&rt.set, &run);
	rt_host_waits(rt.wait1);
	rt_counters(&rt.c1);
	if ((xp = exo_expose(rt.e)) != NULL) {
		xs = *xp;
		x = &xs;
	}
	/* Give the slots back, then report in our own time. */
	if (rt.nclaimed > 0 &&
	    (error = exo_slot_release(rt.e, rt.caps, rt.nclaimed)) != 0)
		fprintf(stderr, "libos-rt: releasing slots: %s\n",
		    exo_strerror(error));
	rt.nclaimed = 0;
	if (rt.display) {
		fprintf(rt.out, "libos-rt: drew %llu pictures of the tasks\n",
		    (unsigned long long)rt_display_pictures());
		rt_display_close();
	}
	if (!rt.quiet || !rt.json)
		rt_report_text(rt.out, &run, x);
	if (rt.json)
		rt_report_json(stdout, &run, x);
	ok = rt_total_misses() == 0;
	status = ok ? RT_EXIT_OK : RT_EXIT_MISS;
out:
	if (rt.nclaimed > 0)
		(void)exo_slot_release(rt.e, rt.caps, rt.nclaimed);
	rt_mem_release(rt.e, &rt.set);
	exo_disconnect(rt.e);
	for (i = 0; i < rt.set.n; i++) {
		free(rt.set.t[i].resp);
		free(rt.set.t[i].jit);
	}
	return (status);
}
