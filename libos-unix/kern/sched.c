/*
 * sched.c - which process runs: round robin inside the slots libos-unix
 * holds, its own clock, and idling.
 *
 * The scheduler is a loop on the libOS's own (host) stack.  It picks the
 * next RUNNABLE process after the last one, flushes the emulated TLB if
 * that process is not the one whose pages it holds and loads the
 * process's working set into it (vm_tlb_switch), and switches to the
 * process's kernel stack; the process comes back here when it sleeps,
 * yields or exits.  A tick of SCHED_TICK_MS (SIGALRM, trap.c) takes a
 * process in user mode into the libOS, which yields it if anybody else
 * can run; a process in the libOS yields on its way out instead.
 *
 * Ticks are libos-unix's own (sleep, uptime) and are counted from the
 * clock, so a tick lost while exod had stopped the libOS is not lost.
 *
 * When nothing can run the libOS gives its CPU back: exo_wait(3) until
 * exod has something for it, or, while a process waits for the console or
 * for a tick, a poll of the console (no slots) or exo_yield(3) (slots),
 * which give up the CPU until the next tick or the next turn.  If exod is
 * gone every wait fails at once; nothing can wake a sleeper again, so the
 * libOS ends (sched_lost) rather than spin.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "defs.h"
#include "proc.h"
#include "vm.h"
#include "fsboot.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SCHED_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SCHED_ASAN 1
#endif
#ifdef SCHED_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

#define SCHED_TICK_MS	10

struct proc		*proc_cur;
volatile int		 sched_need_resched;
int			 sched_tickchan;	/* sleep(2) sleeps on it */

static struct {
	uint64_t	 ctx;		/* the scheduler's saved rsp */
	uint8_t		 fpu[512] __attribute__((aligned(16)));
	uint8_t		 clean[512] __attribute__((aligned(16)));
	uint64_t	 boot_ns;
	uint64_t	 last_tick;
	struct proc	*tlb_owner;	/* whose pages the TLB may hold */
	int		 last;		/* slot that ran last */
	unsigned	 nslots;	/* slots bound from exod */
	struct exo_cap	 slots[EXO_SLOTS_MAX];
	const void	*stack_bottom;	/* the host stack, for ASan */
	size_t		 stack_size;
} sched;

static uint64_t
sched_now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

uint64_t
sched_ticks(void)
{
	return ((sched_now_ns() - sched.boot_ns) /
	    (SCHED_TICK_MS * 1000000ULL));
}

unsigned
sched_slots(void)
{
	return (sched.nslots);
}

/* A clean x87/SSE image (what a new program starts with). */
void
sched_fpu_clean(void *dst)
{
	memcpy(dst, sched.clean, sizeof sched.clean);
}

/*
 * The fair share of exod's slot vector: an equal part for every libOS
 * connected now, libos-unix included, and for one more that may come, so
 * that a libOS started after us still finds slots (libos-rt beside a
 * Unix started first).  Never more than the free slots; at least one
 * while any is free.  0 when exod will not say (the time nobody owns).
 */
unsigned
sched_fair_share(void)
{
	struct exo_slots	sv;
	struct exo_status	st;
	unsigned		i, nfree = 0, share, npeers;

	if (exo_slots(unix_exo, &sv) != 0)
		return (0);
	for (i = 0; i < sv.vec.nslots; i++)
		if (sv.owner[i] == 0)
			nfree++;
	npeers = 1;		/* ourselves, if STATUS is refused */
	if (exo_status(unix_exo, &st) == 0) {
		if (st.totals.npeers > npeers)
			npeers = st.totals.npeers;
		exo_status_free(&st);
	}
	share = sv.vec.nslots / (npeers + 1);
	exo_slots_free(&sv);
	if (share == 0)
		share = 1;
	return (share < nfree ? share : nfree);
}

/*
 * Claim nslots slots (fewer if fewer are free; SCHED_FAIR: the fair
 * share) and start the clock.
 */
int
sched_init(unsigned nslots)
{
	struct itimerval	it;
	unsigned		n = 0;

	/* The clean image: fninit state, default MXCSR, zero registers. */
	__asm__ volatile("fninit; fxsave64 %0" : "=m"(sched.clean));
	memset(sched.clean + 160, 0, 256);	/* xmm0-15 */
	memset(sched.clean + 32, 0, 128);	/* st0-7 */
	sched.clean[24] = 0x80;			/* MXCSR 0x1f80 */
	sched.clean[25] = 0x1f;
	sched.clean[26] = sched.clean[27] = 0;
	sched.boot_ns = sched_now_ns();
	sched.last = -1;
	if (nslots == SCHED_FAIR)
		nslots = sched_fair_share();
	while (nslots > 0 && exo_slot_claim(unix_exo, nslots, sched.slots,
	    &n) != 0)
		nslots--;	/* fewer free than asked: take what there is */
	sched.nslots = nslots > 0 ? n : 0;
	memset(&it, 0, sizeof it);
	it.it_interval.tv_usec = SCHED_TICK_MS * 1000;
	it.it_value = it.it_interval;
	return (setitimer(ITIMER_REAL, &it, NULL));
}

/* Switch kernel stacks, telling ASan which stack it is on. */
static void
sched_swtch(uint64_t *old, uint64_t new, void *ofpu, void *nfpu,
    const void *bottom, size_t size, int exiting)
{
#ifdef SCHED_ASAN
	void	*fake = NULL;

	__sanitizer_start_switch_fiber(exiting ? NULL : &fake, bottom, size);
#endif
	swtch(old, new, ofpu, nfpu);
#ifdef SCHED_ASAN
	__sanitizer_finish_switch_fiber(fake, NULL, NULL);
#endif
}

/* The running process p gives the CPU to the scheduler. */
void
sched_switch_out(struct proc *p)
{
	sched_swtch(&p->ctx, sched.ctx, p->kfpu, sched.fpu,
	    sched.stack_bottom, sched.stack_size, p->state == PROC_S_ZOMBIE);
}

/* Is any process but p waiting for the CPU?  (Also the signal path.) */
int
sched_others_runnable(struct proc *p)
{
	struct proc	*q;
	int		 i;

	for (i = 0; i < NPROC; i++)
		if ((q = proc_slot(i)) != p && q->state == PROC_S_RUNNABLE)
			return (1);
	return (0);
}

/* Ticks, the console: what may have woken somebody. */
static void
sched_housekeeping(void)
{
	uint64_t	t = sched_ticks();

	revoke_serve();		/* exod's revocations: page out, give back */
	if (t != sched.last_tick) {
		sched.last_tick = t;
		proc_wakeup(&sched_tickchan);
	}
	if (console_waiting())
		console_poll();
	net_poll();
	fsboot_poll();		/* revocations the interrupt kept */
}

static int
sched_tick_sleepers(void)
{
	struct proc	*p;
	int		 i;

	for (i = 0; i < NPROC; i++)
		if ((p = proc_slot(i))->state == PROC_S_SLEEPING &&
		    p->chan == &sched_tickchan)
			return (1);
	return (0);
}

/* A wait for exod failed: if the connection is gone, so is the libOS. */
static void
sched_lost(int error)
{
	if (error != -EXO_ECONN)
		return;
	unix_log("lost its exod: %s", exo_strerror(error));
	exit(1);
}

/* Nothing can run: give the CPU back until something may. */
static void
sched_idle(void)
{
	struct pollfd	pfd;

	frame_trim(0);		/* idle: hold no frame nobody uses */
	if (net_sleepers()) {	/* a packet, or a receive's timeout */
		sched_lost(exo_wait_until(unix_exo, sched_now_ns() +
		    SCHED_TICK_MS * 1000000ULL));
		return;
	}
	if (!console_waiting() && !sched_tick_sleepers()) {
		sched_lost(exo_wait(unix_exo));
		return;
	}
	if (sched.nslots > 0) {
		sched_lost(exo_yield(unix_exo));
		return;
	}
	pfd.fd = 0;
	pfd.events = POLLIN;
	(void)poll(&pfd, console_waiting() ? 1 : 0,
	    sched_tick_sleepers() ? SCHED_TICK_MS : -1);
}

static struct proc *
sched_pick(void)
{
	struct proc	*p;
	int		 i, k;

	for (k = 1; k <= NPROC; k++) {
		i = (sched.last + k) % NPROC;
		if ((p = proc_slot(i))->state == PROC_S_RUNNABLE) {
			sched.last = i;
			return (p);
		}
	}
	return (NULL);
}

/* Run processes until the first one exits; its exit status. */
int
sched_run(void)
{
	struct proc	*p;
	int		 status;

	for (;;) {
		sched_housekeeping();
		if (proc_init_exited(&status))
			return (status);
		if ((p = sched_pick()) == NULL) {
			sched_idle();
			continue;
		}
		if (p != sched.tlb_owner) {
			vm_tlb_switch(p->vm);
			sched.tlb_owner = p;
		}
		proc_cur = p;
		p->state = PROC_S_RUNNING;
		unix_cur_tf = p->tf;
		unix_cur_kstack = proc_kstack_top(p);
		sched_need_resched = 0;
		sched_swtch(&sched.ctx, p->ctx, sched.fpu, p->kfpu,
		    p->kstack, KSTACK_SIZE, 0);
		proc_cur = NULL;
		if (p->state == PROC_S_ZOMBIE && sched.tlb_owner == p)
			sched.tlb_owner = NULL;
	}
}

/* The table whose pages the TLB may hold now (the last one loaded). */
struct vm *
sched_tlb_vm(void)
{
	return (sched.tlb_owner != NULL ? sched.tlb_owner->vm : NULL);
}

/* p was told to give up the CPU: it does if anybody else can use it. */
void
sched_preempt(struct proc *p)
{
	sched_housekeeping();
	if (sched_others_runnable(p))
		proc_yield();
}
