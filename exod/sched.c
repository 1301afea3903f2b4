/*
 * sched.c - the CPU: a linear vector of time slots.
 *
 * Time is cut into quanta of sched_conf.quantum_ns; quantum k belongs to
 * slot k mod nslots, and each slot is bound to at most one libOS by a
 * capability.  A timerfd with absolute expiries, watched by the event loop
 * (libevent), fires a little before every quantum boundary, and the loop
 * spins the rest of the way: a timer wake-up is tens of microseconds late
 * on a busy host, more than the spin costs (bench/exobench-cpu measures
 * the host's timers: timer_create's signal, timerfd, clock_nanosleep,
 * with and without SCHED_FIFO).  exod's loop runs at SCHED_FIFO when the
 * host permits it (sched_realtime), so that a busy host does not delay
 * the boundary by a whole time slice of its own.  In each quantum exactly one libOS holds the CPU: exod
 * continues it (SIGCONT) and keeps every other libOS that holds slots
 * stopped (SIGSTOP), always through pidfds.  A libOS with no slots is not
 * scheduled and runs freely, so that it can start up.
 *
 * At the end of its quantum the holder gets a TIMER upcall and
 * sched_conf.bound_ns to save its context and acknowledge.  exod stops it
 * at the acknowledgement or at the bound, whichever comes first, and only
 * then continues the next holder.  A libOS stopped at the bound is charged
 * the time it kept the CPU past its quantum: that much is cut from the
 * start of its next quantum's share (the penalty), so a libOS that never
 * acknowledges gets no more of the CPU than its slots give it.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "exod.h"

struct sched_config sched_conf = {
	.nslots = 16,
	.quantum_ns = 10 * 1000000ULL,
	.bound_ns = 1000000ULL,
	.tlb_entries = 64,
};

static struct {
	uint32_t	 owner[EXO_SLOTS_MAX];	/* libOS id; 0 = unowned */
	uint64_t	 gen[EXO_SLOTS_MAX];	/* moves on at every release */
	uint64_t	 t0;		/* CLOCK_MONOTONIC of tick 0 */
	uint64_t	 tick;		/* the quantum now */
	uint64_t	 epoch;		/* passes over the vector completed */
	int		 slot_done;	/* the slot's owner had its turn */
	uint32_t	 rr_last;	/* round-robin cursor: a libOS id */
	struct peer	*running;	/* RUNNING or SAVING; NULL when idle */
	int		 tfd;		/* timerfd: boundary - spin; -1 if none */
	uint64_t	 spin_ns;	/* spun before each boundary */
	struct event	*ev_alarm;	/* tfd readable */
	struct event	*ev_bound;	/* pending while running is SAVING */
	struct event	*ev_early;	/* a penalised quantum ends early */
	int		 down;		/* exod is stopping: schedule nothing */
	struct event_base *base;	/* for the per-libOS wait timers */
} sched = { .tfd = -1 };

#define SCHED_SPIN_NS	50000ULL	/* spun before a boundary, at most */

static void	sched_start_slot(void);

uint64_t
sched_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

/* Who holds the CPU (running or saving); NULL when nobody does. */
struct peer *
sched_running(void)
{
	return (sched.running);
}

void
sched_signal(struct peer *p, int sig)
{
	if (p->pidfd != -1)
		(void)syscall(SYS_pidfd_send_signal, p->pidfd, sig, NULL, 0);
}

static void
sched_timeout(struct event *ev, uint64_t ns)
{
	struct timeval	tv;

	tv.tv_sec = (time_t)(ns / 1000000000ULL);
	tv.tv_usec = (suseconds_t)((ns % 1000000000ULL) / 1000);
	event_add(ev, &tv);
}

/* Take the CPU from p now (it acknowledged, hit the bound, or yielded). */
static void
sched_stop(struct peer *p)
{
	uint64_t	now = sched_now();

	callchan_lend(p, 0);
	if (p->cpu.slots > 0 || p->cpu.call_donated)
		sched_signal(p, SIGSTOP);
	if (p->cpu.state == SCHED_RUNNING || p->cpu.state == SCHED_SAVING) {
		p->cpu.cpu_ns += now - p->cpu.run_start_ns;
		p->cpu.quanta++;
	}
	p->cpu.state = p->cpu.slots > 0 || p->cpu.call_donated ?
	    SCHED_STOPPED : SCHED_FREE;
	if (sched.running == p) {
		sched.running = NULL;
		event_del(sched.ev_bound);
		event_del(sched.ev_early);
	}
}

/* Give p the CPU for what is left of this quantum. */
static void
sched_run(struct peer *p)
{
	uint64_t	now = sched_now(), end, left;

	end = sched.t0 + (sched.tick + 1) * sched_conf.quantum_ns;
	left = end > now ? end - now : 0;
	if (p->cpu.penalty_due_ns > 0 && !p->cpu.call_donated) {
		if (p->cpu.penalty_due_ns >= left) {
			/* The whole remainder goes to pay the penalty. */
			p->cpu.penalty_due_ns -= left;
			p->cpu.penalty_ns += left;
			p->cpu.paid_tick = sched.tick;
			sched.slot_done = 1;
			return;
		}
		left -= p->cpu.penalty_due_ns;
		p->cpu.penalty_ns += p->cpu.penalty_due_ns;
		p->cpu.penalty_due_ns = 0;
		sched_timeout(sched.ev_early, left);
	}
	sched.running = p;
	p->cpu.state = SCHED_RUNNING;
	p->cpu.run_start_ns = now;
	if (p->expose != NULL) {
		p->expose->switches++;
		p->expose->tick = sched.tick;
	}
	event_flush(p);		/* queued events first, in order */
	if (p->cpu.yield_pending) {
		p->cpu.yield_pending = 0;
		peer_reply(p, &p->cpu.yield_hdr, 0, NULL, 0, NULL, 0);
	}
	sched_signal(p, SIGCONT);
	callchan_lend(p, 1);
}

/*
 * Who would use p's turn now?  p itself, or, while p is blocked in a
 * protected call, its callee (the turn is donated); NULL if nobody can.
 */
static struct peer *
sched_runnable(struct peer *p)
{
	if (p == NULL || p->cpu.slots == 0)
		return (NULL);
	if (p->cpu.call_target != NULL) {
		p = p->cpu.call_target;
		return (p->cpu.state == SCHED_STOPPED ? p : NULL);
	}
	if (sched_waiting(p) && p->cpu.ev_count == 0)
		return (NULL);
	return (p);
}

/* The next scheduled, runnable libOS after the cursor, for unowned time. */
static struct peer *
sched_rr_pick(void)
{
	struct peer	*p, *first = NULL, *after = NULL;

	TAILQ_FOREACH(p, &peers, entry) {
		/* A libOS that just yielded, or just paid a penalty, does
		 * not get that time back. */
		if (p->cpu.call_target != NULL || p->cpu.yield_pending ||
		    p->cpu.paid_tick == sched.tick || sched_runnable(p) == NULL)
			continue;
		if (first == NULL)
			first = p;
		if (after == NULL && p->libos > sched.rr_last)
			after = p;
	}
	p = after != NULL ? after : first;
	if (p != NULL)
		sched.rr_last = p->libos;
	return (p);
}

/* Somebody just gave up the CPU: who gets the rest of this quantum? */
static void
sched_start_slot(void)
{
	struct peer	*p = NULL, *owner;
	unsigned	 slot = (unsigned)(sched.tick % sched_conf.nslots);

	if (sched.running != NULL || sched.down)
		return;
	if (!sched.slot_done && sched.owner[slot] != 0) {
		sched.slot_done = 1;
		owner = peer_find(sched.owner[slot]);
		if ((p = sched_runnable(owner)) != NULL && p != owner)
			p->cpu.call_donated = 1;
	}
	if (p == NULL && sched_conf.roundrobin)
		p = sched_rr_pick();
	if (p != NULL)
		sched_run(p);
}

/* The quantum of p is over: ask it to save, and start the bound. */
static void
sched_save(struct peer *p)
{
	struct exo_upcall_timer	t;
	uint64_t		now = sched_now();

	event_del(sched.ev_early);
	p->cpu.state = SCHED_SAVING;
	p->cpu.save_start_ns = now;
	p->cpu.save_tick = sched.tick;
	t.tick = sched.tick;
	t.deadline_ns = now + sched_conf.bound_ns;
	(void)chan_upcall(p, EXO_UPCALL_TIMER, &t, sizeof t, 1);
	sched_timeout(sched.ev_bound, sched_conf.bound_ns);
}

/* The acknowledgement of the TIMER upcall for tick. */
void
sched_ack(struct peer *p, uint64_t tick)
{
	if (sched.running != p || p->cpu.state != SCHED_SAVING ||
	    tick != p->cpu.save_tick)
		return;		/* late, early or forged: ignored */
	sched_stop(p);
	sched_start_slot();
}

static void
sched_bound_cb(evutil_socket_t fd, short events, void *arg)
{
	struct peer	*p = sched.running;
	uint64_t	 over;

	if (p == NULL || p->cpu.state != SCHED_SAVING)
		return;
	/* exod may be the late one: an ack in the channel counts first. */
	chan_poll(p);
	if (sched.running != p || p->cpu.state != SCHED_SAVING)
		return;
	over = sched_now() - p->cpu.save_start_ns;
	p->cpu.overruns++;
	p->cpu.penalty_due_ns += over;
	if (p->expose != NULL)
		p->expose->forced++;
	log_debug("libOS %u missed the save bound: stopped, %llu ns due",
	    p->libos, (unsigned long long)p->cpu.penalty_due_ns);
	sched_stop(p);
	sched_start_slot();
}

static void
sched_early_cb(evutil_socket_t fd, short events, void *arg)
{
	if (sched.running != NULL && sched.running->cpu.state == SCHED_RUNNING) {
		sched.running->cpu.paid_tick = sched.tick;
		sched_save(sched.running);
	}
}

/* A quantum boundary, in the event loop. */
static void
sched_tick(void)
{
	struct peer	*p, *next;
	uint64_t	 tick, now = sched_now();
	unsigned	 slot;

	call_sweep(now);
	if (sched.down)
		return;
	p = sched.running;
	tick = (now - sched.t0) / sched_conf.quantum_ns;
	if (tick <= sched.tick)
		return;		/* a late signal for a boundary seen already */
	sched.tick = tick;
	sched.epoch = tick / sched_conf.nslots;
	sched.slot_done = 0;
	slot = (unsigned)(tick % sched_conf.nslots);
	if (p == NULL) {
		sched_start_slot();
		return;
	}
	if (p->cpu.state == SCHED_SAVING)
		return;		/* the next holder starts when it stops */
	next = sched.owner[slot] != 0 ? peer_find(sched.owner[slot]) : NULL;
	if (next == p && !p->cpu.call_donated && p->cpu.penalty_due_ns == 0) {
		/* Its slot follows its slot: no switch, a new quantum. */
		sched.slot_done = 1;
		p->cpu.quanta++;
		if (p->expose != NULL)
			p->expose->tick = tick;
		return;
	}
	sched_save(p);
}

/*
 * The timer fired spin_ns before a boundary (or late, after it): spin to
 * the boundary, then tick.  The spin is bounded by spin_ns plus nothing:
 * a late wake-up finds the boundary passed and does not spin.
 */
static void
sched_timer_cb(evutil_socket_t fd, short events, void *arg)
{
	uint64_t	v, k, b;

	(void)read(fd, &v, sizeof v);
	k = (sched_now() + sched.spin_ns - sched.t0) / sched_conf.quantum_ns;
	b = sched.t0 + k * sched_conf.quantum_ns;
	while (sched_now() < b)
		;
	sched_tick();
}

static void
sched_ts(struct timespec *ts, uint64_t ns)
{
	ts->tv_sec = (time_t)(ns / 1000000000ULL);
	ts->tv_nsec = (long)(ns % 1000000000ULL);
}

int
sched_init(struct event_base *base)
{
	struct itimerspec	its;

	sched.base = base;
	sched.tfd = -1;
	/* The old slot timer's signal, sent from outside: harmless. */
	(void)signal(SIGALRM, SIG_IGN);
	/* Timers of this thread fire when asked, not up to 50 us after. */
	(void)prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	if ((sched.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK |
	    TFD_CLOEXEC)) == -1)
		return (-1);
	sched.ev_alarm = event_new(base, sched.tfd, EV_READ | EV_PERSIST,
	    sched_timer_cb, NULL);
	sched.ev_bound = evtimer_new(base, sched_bound_cb, NULL);
	sched.ev_early = evtimer_new(base, sched_early_cb, NULL);
	if (sched.ev_alarm == NULL || sched.ev_bound == NULL ||
	    sched.ev_early == NULL || event_add(sched.ev_alarm, NULL) == -1)
		return (-1);
	/* A twentieth of the quantum at most: the loop has other work. */
	sched.spin_ns = SCHED_SPIN_NS;
	if (sched.spin_ns > sched_conf.quantum_ns / 20)
		sched.spin_ns = sched_conf.quantum_ns / 20;
	sched.t0 = sched_now();
	memset(&its, 0, sizeof its);
	sched_ts(&its.it_interval, sched_conf.quantum_ns);
	/* Absolute expiries: boundaries never drift from t0 + k * quantum. */
	sched_ts(&its.it_value, sched.t0 + sched_conf.quantum_ns -
	    sched.spin_ns);
	if (timerfd_settime(sched.tfd, TFD_TIMER_ABSTIME, &its, NULL) == -1)
		return (-1);
	return (0);
}

/*
 * Run the event loop at SCHED_FIFO if the host permits it (root, or
 * CAP_SYS_NICE, or an RLIMIT_RTPRIO): a boundary then waits for no other
 * process's time slice.  Called once every thread of exod is made, so
 * that only the loop is real-time; a child forked later is not.
 */
void
sched_realtime(void)
{
	struct sched_param	sp;

	memset(&sp, 0, sizeof sp);
	sp.sched_priority = 1;
	if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp) == 0)
		log_info("scheduler: the event loop runs at SCHED_FIFO");
	else
		log_debug("scheduler: SCHED_FIFO not permitted (%s); timers "
		    "at the normal policy", strerror(errno));
}

/* exod is stopping: nobody stays stopped behind it. */
void
sched_shutdown(void)
{
	struct peer	*p;

	sched.down = 1;
	if (sched.ev_alarm != NULL)
		event_del(sched.ev_alarm);
	TAILQ_FOREACH(p, &peers, entry)
		if (p->cpu.slots > 0)
			sched_signal(p, SIGCONT);
}

void
sched_fini(void)
{
	if (sched.ev_alarm != NULL)
		event_free(sched.ev_alarm);
	if (sched.tfd != -1)
		close(sched.tfd);
	if (sched.ev_bound != NULL)
		event_free(sched.ev_bound);
	if (sched.ev_early != NULL)
		event_free(sched.ev_early);
	memset(&sched, 0, sizeof sched);
	sched.tfd = -1;
}

/* Publish p's slots in its exposed state. */
void
expose_slots(struct peer *p)
{
	unsigned	i;

	if (p->expose == NULL)
		return;
	for (i = 0; i < EXO_SLOTS_MAX / 64; i++)
		p->expose->slot_mask[i] = 0;
	for (i = 0; i < sched_conf.nslots; i++)
		if (sched.owner[i] == p->libos)
			p->expose->slot_mask[i / 64] |= 1ULL << (i % 64);
}

/* Pick count free slots spread as evenly as the vector allows. */
static int
sched_spread(unsigned count, uint64_t *mask)
{
	unsigned	n = sched_conf.nslots, i, j, want, pos, nfree = 0;
	unsigned	best = 0, best_off = 0, off, hits;

	for (i = 0; i < n; i++)
		if (sched.owner[i] == 0)
			nfree++;
	if (count == 0 || count > nfree)
		return (-EXO_ECONFLICT);
	/* The offset whose ideal positions are most often free. */
	for (off = 0; off < n; off++) {
		for (hits = 0, i = 0; i < count; i++)
			if (sched.owner[(off + i * n / count) % n] == 0)
				hits++;
		if (hits > best) {
			best = hits;
			best_off = off;
		}
	}
	memset(mask, 0, sizeof(uint64_t) * (EXO_SLOTS_MAX / 64));
	for (i = 0; i < count; i++) {
		want = (best_off + i * n / count) % n;
		for (j = 0; j < n; j++) {	/* nearest free after want */
			pos = (want + j) % n;
			if (sched.owner[pos] == 0 &&
			    !(mask[pos / 64] & (1ULL << (pos % 64))))
				break;
		}
		mask[pos / 64] |= 1ULL << (pos % 64);
	}
	return (0);
}

/*
 * Bind slots to p: by count (mask NULL) or exactly those in mask.  All or
 * none.  Fills caps (in position order) and *n.
 */
int
sched_claim(struct peer *p, unsigned count, const uint64_t *want,
    struct exo_cap *caps, unsigned *n)
{
	uint64_t	mask[EXO_SLOTS_MAX / 64];
	unsigned	i, k = 0;
	int		error, was_free = p->cpu.slots == 0;

	if (want == NULL) {
		if ((error = sched_spread(count, mask)) != 0)
			return (error);
	} else {
		memcpy(mask, want, sizeof mask);
		for (i = 0; i < EXO_SLOTS_MAX; i++) {
			if (!(mask[i / 64] & (1ULL << (i % 64))))
				continue;
			if (i >= sched_conf.nslots)
				return (-EXO_EINVAL);
			if (sched.owner[i] != 0)
				return (-EXO_ECONFLICT);
			k++;
		}
		if (k == 0)
			return (-EXO_EINVAL);
		k = 0;
	}
	for (i = 0; i < sched_conf.nslots; i++) {
		if (!(mask[i / 64] & (1ULL << (i % 64))))
			continue;
		sched.owner[i] = p->libos;
		memset(&caps[k], 0, sizeof caps[k]);
		caps[k].type = EXO_RES_SLOT;
		caps[k].rights = EXO_RIGHTS_ALL;
		caps[k].owner = p->libos;
		caps[k].id = i;
		caps[k].gen = sched.gen[i];
		cap_seal(&caps[k]);
		k++;
	}
	*n = k;
	p->cpu.slots += k;
	expose_slots(p);
	if (was_free && sched.running != p) {
		/* From now on it runs only in its slots. */
		p->cpu.state = SCHED_STOPPED;
		sched_signal(p, SIGSTOP);
		sched_start_slot();
	}
	return (0);
}

/* Is c a current slot capability of p, with rights? */
int
sched_check(const struct peer *p, const struct exo_cap *c, unsigned rights)
{
	int	error;

	if ((error = cap_verify(c)) != 0)
		return (error);
	if (c->owner != p->libos)
		return (-EXO_ENOTOWNER);
	if (c->type != EXO_RES_SLOT || c->id >= sched_conf.nslots)
		return (-EXO_EINVAL);
	if (sched.owner[c->id] != p->libos || sched.gen[c->id] != c->gen)
		return (-EXO_ESTALE);
	if ((rights & ~(unsigned)c->rights) != 0)
		return (-EXO_ERIGHTS);
	return (0);
}

static void
sched_unbind(struct peer *p, unsigned slot)
{
	sched.owner[slot] = 0;
	sched.gen[slot]++;
	p->cpu.slots--;
}

/* A libOS with no slots left is no longer scheduled: it runs freely. */
static void
sched_unschedule(struct peer *p)
{
	if (sched.running == p)
		sched_stop(p);
	p->cpu.state = SCHED_FREE;
	p->cpu.penalty_due_ns = 0;
	sched_signal(p, SIGCONT);
	if (p->cpu.yield_pending) {
		p->cpu.yield_pending = 0;
		peer_reply(p, &p->cpu.yield_hdr, 0, NULL, 0, NULL, 0);
	}
	event_flush(p);
	sched_start_slot();
}

int
sched_release(struct peer *p, const struct exo_cap *caps, unsigned n)
{
	unsigned	i, j;
	int		error;

	for (i = 0; i < n; i++) {
		if ((error = sched_check(p, &caps[i], 0)) != 0)
			return (error);
		for (j = 0; j < i; j++)
			if (caps[j].id == caps[i].id)
				return (-EXO_EINVAL);
	}
	for (i = 0; i < n; i++)
		sched_unbind(p, (unsigned)caps[i].id);
	expose_slots(p);
	if (p->cpu.slots == 0)
		sched_unschedule(p);
	return (0);
}

/* p is leaving: its slots go back to the vector and the vector goes on. */
void
sched_peer_gone(struct peer *p)
{
	unsigned	i;

	for (i = 0; i < sched_conf.nslots; i++)
		if (sched.owner[i] == p->libos)
			sched_unbind(p, i);
	if (p->cpu.ev_wait != NULL)
		event_free(p->cpu.ev_wait);
	p->cpu.ev_wait = NULL;
	/* If it lives on (exod dropped it), it must not stay stopped. */
	if (p->cpu.state == SCHED_STOPPED)
		sched_signal(p, SIGCONT);
	if (sched.running == p) {
		sched.running = NULL;
		event_del(sched.ev_bound);
		event_del(sched.ev_early);
		sched_start_slot();
	}
}

/* YIELD: the rest of the slice goes back; the reply waits for a turn. */
void
sched_relinquish(struct peer *p, const struct exo_hdr *h)
{
	if (p->cpu.yield_pending) {
		peer_reply(p, h, -EXO_ESTATE, NULL, 0, NULL, 0);
		return;
	}
	if (sched.running != p || p->cpu.state != SCHED_RUNNING ||
	    p->cpu.slots == 0) {
		peer_reply(p, h, 0, NULL, 0, NULL, 0);
		return;
	}
	p->cpu.yield_pending = 1;
	p->cpu.yield_hdr = *h;
	sched_stop(p);
	sched_start_slot();
}

/*
 * Is p waiting now: it said WAIT, no upcall came since, and the wait's
 * deadline, if it named one, has not passed?
 */
int
sched_waiting(const struct peer *p)
{
	return (p->cpu.waiting && (p->cpu.wait_deadline == 0 ||
	    sched_now() < p->cpu.wait_deadline));
}

/*
 * The deadline of p's wait has come and nothing woke it: it is runnable
 * again.  If the slot now is its own and the CPU idle, it runs at once;
 * otherwise in its next slot (libexo then finds the deadline passed).
 */
static void
sched_wait_cb(evutil_socket_t fd, short events, void *arg)
{
	struct peer	*p = arg;
	unsigned	 slot = (unsigned)(sched.tick % sched_conf.nslots);

	if (!p->cpu.waiting)
		return;
	p->cpu.waiting = 0;
	p->cpu.wait_deadline = 0;
	if (sched.running == NULL && p->cpu.slots > 0 &&
	    sched.owner[slot] == p->libos)
		sched.slot_done = 0;
	sched_start_slot();
}

/* Arm p's wait timer for deadline (CLOCK_MONOTONIC ns); -1 if it cannot. */
static int
sched_wait_timer(struct peer *p, uint64_t deadline)
{
	uint64_t	now = sched_now();

	if (p->cpu.ev_wait == NULL && sched.base != NULL)
		p->cpu.ev_wait = evtimer_new(sched.base, sched_wait_cb, p);
	if (p->cpu.ev_wait == NULL)
		return (-1);
	sched_timeout(p->cpu.ev_wait, deadline > now ? deadline - now : 0);
	return (0);
}

/* WAIT (on the channel): sleep until an upcall comes, or the deadline. */
void
sched_wait(struct peer *p, uint64_t deadline)
{
	if (p->cpu.ev_wait != NULL)
		event_del(p->cpu.ev_wait);
	if (p->cpu.ev_count > 0) {
		event_flush(p);
		return;
	}
	/* A deadline passed already, or one exod cannot time: no wait. */
	if (deadline != 0 && (deadline <= sched_now() ||
	    sched_wait_timer(p, deadline) == -1))
		return;
	p->cpu.waiting = 1;
	p->cpu.wait_deadline = deadline;
	if (sched.running == p && p->cpu.state == SCHED_RUNNING &&
	    !p->cpu.call_donated) {
		sched_stop(p);
		sched_start_slot();
	}
}

/* Could an upcall reach p and be handled now? */
int
sched_deliverable(const struct peer *p)
{
	return (p->cpu.state == SCHED_FREE || p->cpu.state == SCHED_RUNNING ||
	    p->cpu.state == SCHED_SAVING);
}

/*
 * A protected call from a, which holds the CPU, to b: a's slice is
 * donated, so b runs now in a's place until it answers.
 */
void
sched_donate(struct peer *a, struct peer *b)
{
	if (sched.running != a || a->cpu.state != SCHED_RUNNING ||
	    b->cpu.state != SCHED_STOPPED)
		return;
	sched_stop(a);
	b->cpu.call_donated = 1;
	sched_run(b);
}

/* b answered a's call (or died): a gets the CPU back if b had it. */
void
sched_undonate(struct peer *a, struct peer *b)
{
	int	had_cpu = b != NULL && sched.running == b &&
		    b->cpu.call_donated;

	if (b != NULL && b->cpu.call_donated) {
		b->cpu.call_donated = 0;
		if (had_cpu || b->cpu.state == SCHED_STOPPED)
			sched_stop(b);
	}
	if (a == NULL || !had_cpu)
		return;
	if (a->cpu.slots > 0 && a->cpu.state == SCHED_STOPPED)
		sched_run(a);
}

/* The SLOTS reply: the vector and who holds the CPU.  Returns its size. */
int
sched_slots_reply(void *buf, size_t len)
{
	struct exo_slots_reply	r;
	size_t			n = sched_conf.nslots * sizeof sched.owner[0];

	if (len < sizeof r + n)
		return (-1);
	memset(&r, 0, sizeof r);
	r.nslots = sched_conf.nslots;
	r.quantum_us = (uint32_t)(sched_conf.quantum_ns / 1000);
	r.bound_us = (uint32_t)(sched_conf.bound_ns / 1000);
	r.flags = sched_conf.roundrobin ? EXO_SLOTS_ROUNDROBIN : 0;
	r.tick = sched.tick;
	r.epoch = sched.epoch;
	r.current = (uint32_t)(sched.tick % sched_conf.nslots);
	r.running = sched.running != NULL ? sched.running->libos : 0;
	memcpy(buf, &r, sizeof r);
	memcpy((unsigned char *)buf + sizeof r, sched.owner, n);
	return ((int)(sizeof r + n));
}

uint64_t
sched_t0(void)
{
	return (sched.t0);
}
