/*
 * task.c - task specifications, the built-in workloads, and the frames
 * the workloads touch.
 *
 * A task is written
 *	name:period=T,budget=C[,deadline=D][,work=KIND[:k=v...]][,k=v...]
 * with times as a number and a unit (ns, us, ms, s; no unit: ms).  The
 * workloads:
 *	spin[:cost=T]		burns T of CPU time (default 3/4 of C: the
 *				rest is for libos-rt's own bookkeeping)
 *	touch[:pages=N][:passes=P]  writes every word of its N frames, P times
 *	control[:steps=N]	samples a plant and integrates a PI controller
 *				over one period in N Euler steps
 * Their parameters may also be given as keys of the task.  White space
 * means nothing.  A file holds one task per line; '#' starts a comment.
 *
 * Every frame a workload touches is bound when libos-rt starts, put in
 * exod's protected minimum, mapped in libexo's address space, loaded into
 * the TLB, touched once, and named as a guaranteed mapping, so that
 * neither a revocation, nor a first touch, nor a context switch can cost
 * a job anything in steady state.
 */
#include "config.h"

#include <sys/mman.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rt.h"

static volatile uint64_t rt_spin_acc;	/* keeps the spin from being elided */

uint64_t
rt_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

/* CPU time of this thread: it stands still while exod keeps us stopped. */
uint64_t
rt_cpu_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

/* "20ms", "1.5ms", "500us", "2s", "20" (ms): nanoseconds; *ok 0 if bad. */
uint64_t
rt_parse_time(const char *s, int *ok)
{
	double	 v, mult = 1e6;
	char	*end;

	*ok = 0;
	if (s == NULL || !(isdigit((unsigned char)*s) || *s == '.'))
		return (0);
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || !(v >= 0))
		return (0);
	if (strcmp(end, "ns") == 0)
		mult = 1;
	else if (strcmp(end, "us") == 0)
		mult = 1e3;
	else if (strcmp(end, "ms") == 0 || *end == '\0')
		mult = 1e6;
	else if (strcmp(end, "s") == 0)
		mult = 1e9;
	else
		return (0);
	if (v * mult > 3600e9)
		return (0);
	*ok = 1;
	return ((uint64_t)(v * mult + 0.5));
}

void
rt_fmt_time(char *buf, size_t len, uint64_t ns)
{
	if (ns == 0)
		snprintf(buf, len, "0 ms");
	else if (ns >= 1000000ULL && ns % 1000000ULL == 0)
		snprintf(buf, len, "%llu ms", (unsigned long long)(ns / 1000000));
	else if (ns >= 1000000ULL)
		snprintf(buf, len, "%.3f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.1f us", ns / 1e3);
}

const char *
rt_work_name(enum rt_work w)
{
	switch (w) {
	case RT_WORK_SPIN:
		return ("spin");
	case RT_WORK_TOUCH:
		return ("touch");
	case RT_WORK_CONTROL:
		return ("control");
	}
	return ("?");
}

static int
rt_parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	unsigned long	 v;
	char		*end;

	if (!isdigit((unsigned char)*s))
		return (-1);
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return (-1);
	*out = (unsigned)v;
	return (0);
}

/* One key=value of a task (or of its work). */
static int
rt_task_key(struct rt_task *t, char *kv, int *have, char *err, size_t errlen)
{
	char		*val, *sub, *next;
	uint64_t	 ns;
	int		 ok;

	if ((val = strchr(kv, '=')) == NULL) {
		snprintf(err, errlen, "'%s' is not key=value", kv);
		return (-1);
	}
	*val++ = '\0';
	if (strcmp(kv, "work") == 0) {
		if ((sub = strchr(val, ':')) != NULL)
			*sub++ = '\0';
		if (strcmp(val, "spin") == 0)
			t->work = RT_WORK_SPIN;
		else if (strcmp(val, "touch") == 0)
			t->work = RT_WORK_TOUCH;
		else if (strcmp(val, "control") == 0)
			t->work = RT_WORK_CONTROL;
		else {
			snprintf(err, errlen, "work=%s: not spin, touch or "
			    "control", val);
			return (-1);
		}
		for (; sub != NULL; sub = next) {
			if ((next = strchr(sub, ':')) != NULL)
				*next++ = '\0';
			if (rt_task_key(t, sub, have, err, errlen) != 0)
				return (-1);
		}
		return (0);
	}
	if (strcmp(kv, "period") == 0 || strcmp(kv, "deadline") == 0 ||
	    strcmp(kv, "budget") == 0 || strcmp(kv, "cost") == 0) {
		ns = rt_parse_time(val, &ok);
		if (!ok || ns == 0) {
			snprintf(err, errlen, "%s=%s: not a time (like 20ms, "
			    "500us)", kv, val);
			return (-1);
		}
		if (kv[0] == 'p') {
			t->period = ns;
			*have |= 1;
		} else if (kv[0] == 'd') {
			t->deadline = ns;
			*have |= 2;
		} else if (kv[0] == 'b') {
			t->budget = ns;
			*have |= 4;
		} else
			t->cost = ns;
		return (0);
	}
	if (strcmp(kv, "pages") == 0) {
		if (rt_parse_uint(val, 1, RT_PAGES_MAX, &t->pages) == 0)
			return (0);
		snprintf(err, errlen, "pages=%s: not a number from 1 to %d",
		    val, RT_PAGES_MAX);
		return (-1);
	}
	if (strcmp(kv, "passes") == 0) {
		if (rt_parse_uint(val, 1, 1000, &t->passes) == 0)
			return (0);
		snprintf(err, errlen, "passes=%s: not a number from 1 to 1000",
		    val);
		return (-1);
	}
	if (strcmp(kv, "steps") == 0) {
		if (rt_parse_uint(val, 1, 10000000, &t->steps) == 0)
			return (0);
		snprintf(err, errlen, "steps=%s: not a number from 1 to "
		    "10000000", val);
		return (-1);
	}
	snprintf(err, errlen, "unknown key '%s' (period, deadline, budget, "
	    "work, cost, pages, passes, steps)", kv);
	return (-1);
}

/* Parse one task specification into the set; on error a message in err. */
int
rt_task_parse(struct rt_set *set, const char *spec, char *err, size_t errlen)
{
	struct rt_task	*t;
	char		 buf[512], *colon, *kv, *next;
	size_t		 i, j;
	int		 have = 0;

	if (set->n >= RT_TASKS_MAX) {
		snprintf(err, errlen, "more than %d tasks", RT_TASKS_MAX);
		return (-1);
	}
	if (strlen(spec) >= sizeof buf) {
		snprintf(err, errlen, "task specification too long");
		return (-1);
	}
	/* White space is allowed anywhere, and means nothing. */
	for (i = 0, j = 0; spec[i] != '\0'; i++)
		if (!isspace((unsigned char)spec[i]))
			buf[j++] = spec[i];
	buf[j] = '\0';
	if ((colon = strchr(buf, ':')) == NULL) {
		snprintf(err, errlen, "'%s': no name: (write name:period=...)",
		    spec);
		return (-1);
	}
	*colon = '\0';
	if (buf[0] == '\0' || strlen(buf) >= RT_NAME_MAX) {
		snprintf(err, errlen, "'%s': a name of 1 to %d characters "
		    "comes first", spec, RT_NAME_MAX - 1);
		return (-1);
	}
	for (i = 0; buf[i] != '\0'; i++)
		if (!isalnum((unsigned char)buf[i]) && buf[i] != '_' &&
		    buf[i] != '-') {
			snprintf(err, errlen, "'%s': a name is letters, digits, "
			    "'-' and '_'", buf);
			return (-1);
		}
	for (i = 0; i < set->n; i++)
		if (strcmp(set->t[i].name, buf) == 0) {
			snprintf(err, errlen, "two tasks named '%s'", buf);
			return (-1);
		}
	t = &set->t[set->n];
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", buf);
	t->work = RT_WORK_SPIN;
	for (kv = colon + 1; kv != NULL && *kv != '\0'; kv = next) {
		if ((next = strchr(kv, ',')) != NULL)
			*next++ = '\0';
		if (rt_task_key(t, kv, &have, err, errlen) != 0)
			return (-1);
	}
	if (!(have & 1)) {
		snprintf(err, errlen, "task %s: no period", t->name);
		return (-1);
	}
	if (!(have & 4)) {
		snprintf(err, errlen, "task %s: no budget", t->name);
		return (-1);
	}
	if (!(have & 2))
		t->deadline = t->period;
	if (t->period < 1000000ULL || t->period > 60000000000ULL) {
		snprintf(err, errlen, "task %s: period from 1 ms to 60 s",
		    t->name);
		return (-1);
	}
	if (t->deadline > 16 * t->period) {
		snprintf(err, errlen, "task %s: deadline more than 16 periods",
		    t->name);
		return (-1);
	}
	if (t->work == RT_WORK_SPIN && t->cost == 0)
		t->cost = t->budget / 4 * 3;
	if (t->work == RT_WORK_TOUCH && t->pages == 0)
		t->pages = 16;
	if (t->passes == 0)
		t->passes = 1;
	if (t->steps == 0)
		t->steps = 2000;
	set->n++;
	return (0);
}

/* A task file: one specification per line; blank lines and # comments. */
int
rt_task_file(struct rt_set *set, const char *path, char *err, size_t errlen)
{
	FILE	*f;
	char	 line[512], *s, *e, *hash, sub[400];
	int	 lineno = 0;

	if (strcmp(path, "-") == 0)
		f = stdin;
	else if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	while (fgets(line, sizeof line, f) != NULL) {
		lineno++;
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		for (s = line; isspace((unsigned char)*s); s++)
			;
		for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]);
		    e--)
			;
		*e = '\0';
		if (*s == '\0')
			continue;
		if (rt_task_parse(set, s, sub, sizeof sub) != 0) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, sub);
			if (f != stdin)
				fclose(f);
			return (-1);
		}
	}
	if (f != stdin)
		fclose(f);
	return (0);
}

/* Frames the task's workload touches. */
unsigned
rt_task_frames(const struct rt_task *t)
{
	switch (t->work) {
	case RT_WORK_TOUCH:
		return (t->pages);
	case RT_WORK_CONTROL:
		return (1);
	default:
		return (0);
	}
}

/* --- the workloads --------------------------------------------------- */

static int
rt_spin(const struct rt_task *t, struct rt_job *j, uint64_t chunk)
{
	uint64_t	c0 = rt_cpu_now(), c, acc = rt_spin_acc;
	unsigned	i;

	do {
		for (i = 0; i < 256; i++)
			acc = acc * 6364136223846793005ULL +
			    1442695040888963407ULL;
		c = rt_cpu_now();
	} while (c - c0 < chunk && j->progress + (c - c0) < t->cost);
	rt_spin_acc = acc;
	j->progress += c - c0;
	return (j->progress >= t->cost);
}

static int
rt_touch(const struct rt_task *t, struct rt_job *j, uint64_t chunk)
{
	uint64_t	 t0 = rt_now(), total = (uint64_t)t->pages * t->passes;
	uint64_t	*w, salt = j->release;
	unsigned	 k;

	while (j->progress < total) {
		w = (uint64_t *)(t->mem + (j->progress % t->pages) *
		    EXO_FRAME_SIZE);
		for (k = 0; k < EXO_FRAME_SIZE / sizeof *w; k++)
			w[k] += k ^ salt;
		j->progress++;
		if (rt_now() - t0 >= chunk)
			break;
	}
	return (j->progress >= total);
}

/*
 * The control loop: at its release a job samples the plant (a mass on a
 * spring with a damper) against a setpoint that flips every 500 ms, and
 * integrates plant and PI controller across one period.
 */
static int
rt_control(const struct rt_task *t, struct rt_job *j, uint64_t chunk)
{
	struct rt_plant	*p = (struct rt_plant *)t->mem;
	double		 dt = (double)t->period / 1e9 / t->steps, r, e, u, a;
	uint64_t	 t0 = rt_now();
	unsigned	 k;

	r = (j->release / 500000000ULL) % 2 ? 1.0 : -1.0;
	while (j->progress < t->steps) {
		for (k = 0; k < 64 && j->progress < t->steps; k++) {
			e = r - p->x;
			p->integral += e * dt;
			u = 40.0 * e + 20.0 * p->integral - 4.0 * p->v;
			a = u - 0.5 * p->v - 10.0 * p->x;
			p->v += a * dt;
			p->x += p->v * dt;
			p->err2 += e * e;
			j->progress++;
		}
		if (rt_now() - t0 >= chunk)
			break;
	}
	if (j->progress >= t->steps)
		p->jobs++;
	return (j->progress >= t->steps);
}

/* Run at most chunk ns of job j's work; 1 once the job is complete. */
int
rt_work_step(struct rt_task *t, struct rt_job *j, uint64_t chunk)
{
	switch (t->work) {
	case RT_WORK_SPIN:
		return (rt_spin(t, j, chunk));
	case RT_WORK_TOUCH:
		return (rt_touch(t, j, chunk));
	case RT_WORK_CONTROL:
		return (rt_control(t, j, chunk));
	}
	return (1);
}

/* Measure what one job costs, running freely: the least of a few. */
void
rt_work_calibrate(struct rt_task *t)
{
	struct rt_job	j;
	uint64_t	c0, best = UINT64_MAX;
	int		i;

	for (i = 0; i < 7; i++) {
		memset(&j, 0, sizeof j);
		j.release = rt_now();
		c0 = rt_cpu_now();
		while (!rt_work_step(t, &j, UINT64_MAX / 2))
			;
		if (rt_cpu_now() - c0 < best)
			best = rt_cpu_now() - c0;
	}
	t->calibrated = best;
	if (t->work == RT_WORK_CONTROL)
		memset(t->mem, 0, sizeof(struct rt_plant));
}

/* --- memory ---------------------------------------------------------- */

/*
 * The tasks' frames are reached only through the address space libexo
 * emulates (exo_as_create): page i of the region is page i of the tasks'
 * working sets, in task order.  Every page is loaded into the TLB at start
 * and named in the STLB, so exod's switch-ins preload them all; a miss
 * should never come, but if one does the addressing entry loads the page
 * again (and the counters say so).
 */
static struct {
	unsigned char	*base;
	unsigned	 npages;
	struct exo_cap	*caps;		/* of page i */
} rt_as;

/* The addressing entry: runs in signal context. */
static int
rt_on_fault(struct exo *e, const struct exo_trap *t, void *arg)
{
	size_t	i;

	if (rt_as.base == NULL || (unsigned char *)t->addr < rt_as.base)
		return (-1);
	i = (size_t)((unsigned char *)t->addr - rt_as.base) / EXO_FRAME_SIZE;
	if (i >= rt_as.npages)
		return (-1);
	return (exo_tlb_install(e, rt_as.base + i * EXO_FRAME_SIZE,
	    &rt_as.caps[i], EXO_RIGHTS_ALL));
}

/*
 * Bind every frame the tasks need, put them all in the protected minimum,
 * map them in a region of guaranteed pages and touch them.  With force a
 * protected minimum or an STLB too small is only a warning.  Returns 0;
 * 1 with err set (that warning); -1 with err set (a system failure); or
 * -2 with err set (the memory the set needs cannot be guaranteed).
 */
int
rt_mem_bind(struct exo *e, struct rt_set *set, int force, struct rt_mem *mem,
    char *err, size_t errlen)
{
	struct exo_stlb_req	*req;
	struct exo_cap		 caps[EXO_BATCH_MAX];
	struct rt_task		*t;
	unsigned		 i, k, n, total = 0, done, page;
	int			 error, warn = 0;
	void			*base;

	memset(mem, 0, sizeof *mem);
	for (i = 0; i < set->n; i++) {
		t = &set->t[i];
		if ((n = rt_task_frames(t)) == 0)
			continue;
		if ((t->frames = calloc(n, sizeof *t->frames)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return (-1);
		}
		for (k = 0; k < n; k++)
			t->frames[k].fd = -1;
		for (done = 0; done < n; done += k) {
			k = n - done > EXO_BATCH_MAX ? EXO_BATCH_MAX : n - done;
			error = exo_frame_alloc_batch(e, t->frames + done, k);
			if (error != 0) {
				snprintf(err, errlen, "task %s: binding %u "
				    "frames: %s", t->name, n,
				    exo_strerror(error));
				return (error == -EXO_ENOMEM ? -2 : -1);
			}
			t->nframes = done + k;
		}
		total += n;
	}
	if (total == 0)
		return (0);

	/* The protected minimum: never repossessed. */
	for (i = 0; i < set->n && !warn; i++) {
		t = &set->t[i];
		for (done = 0; done < t->nframes; done += n) {
			n = t->nframes - done > EXO_BATCH_MAX ? EXO_BATCH_MAX :
			    t->nframes - done;
			for (k = 0; k < n; k++)
				caps[k] = t->frames[done + k].cap;
			error = exo_frame_protect(e, caps, n, 1);
			if (error == 0) {
				mem->protected_ += n;
				continue;
			}
			snprintf(err, errlen, "the %u frames the tasks touch do "
			    "not fit in exod's protected minimum (%s; raise "
			    "it with exod -P %u)", total, exo_strerror(error),
			    total);
			if (error != -EXO_ELIMIT)
				return (-1);
			if (!force)
				return (-2);
			warn = 1;
			break;
		}
	}

	/* The region, every page loaded into the TLB and touched. */
	if ((rt_as.caps = calloc(total, sizeof *rt_as.caps)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return (-1);
	}
	if ((error = exo_as_create(e, (size_t)total * EXO_FRAME_SIZE,
	    &base)) != 0 ||
	    (error = exo_pe_addressing(e, rt_on_fault, NULL)) != 0) {
		snprintf(err, errlen, "address space: %s", exo_strerror(error));
		return (-1);
	}
	rt_as.base = mem->base = base;
	rt_as.npages = mem->npages = total;
	mem->tlb = exo_tlb_size(e);
	for (i = 0, page = 0; i < set->n; i++) {
		t = &set->t[i];
		t->mem = rt_as.base + (size_t)page * EXO_FRAME_SIZE;
		for (k = 0; k < t->nframes; k++, page++) {
			rt_as.caps[page] = t->frames[k].cap;
			error = exo_tlb_install(e, rt_as.base +
			    (size_t)page * EXO_FRAME_SIZE, &rt_as.caps[page],
			    EXO_RIGHTS_ALL);
			if (error != 0) {
				snprintf(err, errlen, "task %s: loading a page: "
				    "%s", t->name, exo_strerror(error));
				return (-1);
			}
		}
	}
	memset(rt_as.base, 0, (size_t)total * EXO_FRAME_SIZE);
	(void)mlock(rt_as.base, (size_t)total * EXO_FRAME_SIZE);

	/* Guaranteed mappings: the STLB preloads them at every switch-in. */
	n = total;
	if (n > EXO_STLB_MAX || n > mem->tlb) {
		snprintf(err, errlen, "the %u pages the tasks touch are more "
		    "than the %u guaranteed mappings the %s holds: they would "
		    "miss in the TLB after every switch", total,
		    mem->tlb < EXO_STLB_MAX ? mem->tlb : EXO_STLB_MAX,
		    mem->tlb < EXO_STLB_MAX ? "TLB (exod -t)" : "STLB");
		if (!force)
			return (-2);
		warn = 1;
		n = mem->tlb < EXO_STLB_MAX ? mem->tlb : EXO_STLB_MAX;
	}
	if ((req = calloc(n, sizeof *req)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return (-1);
	}
	for (k = 0; k < n; k++) {
		req[k].va = (uintptr_t)(rt_as.base + (size_t)k *
		    EXO_FRAME_SIZE);
		req[k].rights = EXO_RIGHTS_ALL;
		req[k].cap = rt_as.caps[k];
	}
	error = exo_stlb_set(e, req, n);
	free(req);
	if (error != 0) {
		snprintf(err, errlen, "guaranteed mappings: %s",
		    exo_strerror(error));
		return (-1);
	}
	mem->guaranteed = n;
	return (warn);
}

void
rt_mem_release(struct exo *e, struct rt_set *set)
{
	struct rt_task	*t;
	unsigned	 i, done, n;

	for (i = 0; i < set->n; i++) {
		t = &set->t[i];
		for (done = 0; done < t->nframes; done += n) {
			n = t->nframes - done > EXO_BATCH_MAX ? EXO_BATCH_MAX :
			    t->nframes - done;
			(void)exo_frame_free_batch(e, t->frames + done, n);
		}
		t->nframes = 0;
		free(t->frames);
		t->frames = NULL;
		t->mem = NULL;
	}
	rt_as.base = NULL;
	rt_as.npages = 0;
	free(rt_as.caps);
	rt_as.caps = NULL;
}
