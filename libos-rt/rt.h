/*
 * rt.h - libos-rt, a real-time library operating system on exod.
 *
 * libos-rt runs periodic tasks on the time slots and page frames exod
 * binds to it, with its own policy: it claims just the slots its tasks
 * need, spread evenly over the vector (feasible.c decides how many and
 * whether the set is schedulable in them), schedules its tasks earliest
 * deadline first inside those slots (edf.c), and binds the frames its
 * workloads touch at start, in the protected minimum (task.c).  main.c
 * reads the options and reports.
 *
 * All times are CLOCK_MONOTONIC nanoseconds unless a name says otherwise.
 */
#ifndef RT_H
#define RT_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "exo.h"

#define RT_TASKS_MAX	32	/* tasks in one set */
#define RT_NAME_MAX	24	/* task name, NUL included */
#define RT_BACKLOG	64	/* released, unfinished jobs per task */
#define RT_CHUNK_NS	20000ULL /* EDF preempts between chunks of work */
#define RT_PAGES_MAX	1024	/* pages one touch task may have */

enum rt_work {
	RT_WORK_SPIN = 1,	/* a busy computation of a given cost */
	RT_WORK_TOUCH,		/* writes every word of its pages */
	RT_WORK_CONTROL,	/* samples a plant and integrates a controller */
};

/* One job: a release of a task. */
struct rt_job {
	uint64_t	release;	/* nominal release: a period boundary */
	uint64_t	deadline;	/* release + the task's deadline */
	uint64_t	seen;		/* when the scheduler noticed it */
	uint64_t	exec_ns;	/* CPU time it has had */
	uint64_t	progress;	/* work done: ns, words or steps */
};

/* The control workload's state: lives in one of the task's frames. */
struct rt_plant {
	double		x, v;		/* the plant: position, velocity */
	double		integral;	/* the controller's integrator */
	double		err2;		/* sum of squared errors, per job */
	uint64_t	jobs;
};

struct rt_task {
	char		 name[RT_NAME_MAX];
	uint64_t	 period;
	uint64_t	 deadline;	/* relative; default the period */
	uint64_t	 budget;	/* the CPU time the analysis allows a job */
	enum rt_work	 work;
	uint64_t	 cost;		/* spin: CPU time a job burns */
	unsigned	 pages;		/* touch: working set in frames */
	unsigned	 passes;	/* touch: passes over it per job */
	unsigned	 steps;		/* control: integration steps per job */
	uint64_t	 calibrated;	/* measured CPU time of one job, 0 if not */

	/* memory: frames bound at start, and where the region maps them */
	struct exo_frame *frames;
	unsigned	 nframes;
	unsigned char	*mem;		/* its first page in the region */

	/* the run (edf.c) */
	uint64_t	 next_release;
	struct rt_job	 q[RT_BACKLOG];	/* pending jobs, oldest first */
	unsigned	 qhead, qlen;

	/* what happened */
	uint64_t	 releases, completions, misses, overruns, dropped;
	uint64_t	*resp;		/* response times of completed jobs */
	uint64_t	*jit;		/* release jitter of every release */
	uint64_t	 nresp, njit, cap;
	uint64_t	 exec_max;	/* largest CPU time of one job */
	uint64_t	 sec_resp_max;	/* this second's largest response */
	uint64_t	 sec_misses;
	uint64_t	 draw_resp_max;	/* since the last picture (--display) */
	uint64_t	 draw_misses;
};

struct rt_set {
	struct rt_task	 t[RT_TASKS_MAX];
	unsigned	 n;
};

/* The memory the tasks touch: one region of guaranteed pages. */
struct rt_mem {
	unsigned char	*base;		/* the region (exo_as_create) */
	unsigned	 npages;	/* pages of it the tasks use */
	unsigned	 guaranteed;	/* of those, named in the STLB */
	unsigned	 tlb;		/* entries in the emulated TLB */
	unsigned	 protected_;	/* frames in the protected minimum */
};

/* What exod offers: the vector, and which slots are ours or free. */
struct rt_vector {
	unsigned	 nslots;
	uint64_t	 quantum;	/* slot length */
	uint64_t	 bound;		/* context save bound (exod -b) */
	uint64_t	 allowance;	/* per switch-in, for the wake-up */
	uint64_t	 chunk;		/* longest non-preemptive stretch */
	unsigned char	 owned[256];	/* 1: the slot is (would be) ours */
};

/* The analysis of one task set on one set of slots. */
struct rt_verdict {
	int		 feasible;
	double		 util;		/* sum of budget / period */
	double		 supply;	/* long-run share of the CPU the slots give */
	uint64_t	 slot_net;	/* most a lone slot gives: Q - bound - allowance */
	uint64_t	 gap;		/* longest gap between our slots */
	uint64_t	 jitter_bound;	/* gap + save bound + allowance */
	uint64_t	 horizon;	/* demand checked up to this interval */
	uint64_t	 fail_t;	/* an interval where demand > supply */
	uint64_t	 fail_demand, fail_supply;
	char		 why[1024];	/* when not feasible */
};

/* task.c */
int		 rt_task_parse(struct rt_set *, const char *, char *, size_t);
int		 rt_task_file(struct rt_set *, const char *, char *, size_t);
const char	*rt_work_name(enum rt_work);
int		 rt_work_step(struct rt_task *, struct rt_job *, uint64_t);
void		 rt_work_calibrate(struct rt_task *);
unsigned	 rt_task_frames(const struct rt_task *);
int		 rt_mem_bind(struct exo *, struct rt_set *, int, struct rt_mem *,
		    char *, size_t);
void		 rt_mem_release(struct exo *, struct rt_set *);
uint64_t	 rt_parse_time(const char *, int *);
void		 rt_fmt_time(char *, size_t, uint64_t);

/* feasible.c */
double		 rt_util(const struct rt_set *);
int		 rt_analyse(const struct rt_set *, const struct rt_vector *,
		    struct rt_verdict *);
unsigned	 rt_spread(const struct rt_vector *, const unsigned char *,
		    unsigned, unsigned char *);
int		 rt_slots_needed(const struct rt_set *, const struct rt_vector *,
		    const unsigned char *, unsigned *, struct rt_verdict *);

/* display.c: --display */
#define RT_DRAW_NS	100000000ULL	/* a new picture this often */
int		 rt_display_open(struct exo *, const struct rt_set *);
void		 rt_display_revoked(const struct exo_intr *);
extern volatile sig_atomic_t rt_display_urgent;	/* tiles to give back */
void		 rt_display_draw(struct rt_set *);
void		 rt_display_close(void);
uint64_t	 rt_display_pictures(void);

/* edf.c */
struct rt_run {
	uint64_t	 start;		/* first release, at the latest */
	uint64_t	 end;		/* no release at or after this */
	uint64_t	 quantum;
	uint64_t	 chunk_ns;	/* work between two scheduling decisions */
	int		 live;		/* a line per second */
	FILE		*livef;
	uint64_t	 steady_at;	/* when steady state began (first release) */
	void		(*steady)(void *);	/* called once, at steady_at */
	void		*arg;
	void		(*draw)(struct rt_set *); /* --display: a picture */
	uint64_t	 draw_ns;	/* this often; 0: never */
	volatile sig_atomic_t *draw_now; /* set: draw at once */
	uint64_t	 stops;		/* times we saw ourselves stopped */
	uint64_t	 stop_max;	/* the longest of those stops */
};
uint64_t	 rt_now(void);
uint64_t	 rt_cpu_now(void);
int		 rt_edf_prepare(struct rt_set *, struct rt_run *);
void		 rt_edf_run(struct rt_set *, struct rt_run *);
uint64_t	 rt_pct(uint64_t *, uint64_t, double);
extern volatile int rt_interrupted;	/* SIGINT/SIGTERM: stop releasing */

#endif /* RT_H */
