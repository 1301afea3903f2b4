/*
 * proc.c - processes: making them, fork, exit, wait, kill, sleep and
 * wakeup.
 *
 * The table has NPROC slots.  A slot is UNUSED, or USED while it is made
 * or torn down, then RUNNABLE, RUNNING, SLEEPING, and at the end ZOMBIE
 * until its parent waits; the parent frees the slot and the kernel stack
 * (the zombie cannot: it runs on it until its last swtch).  A process
 * whose parent exits goes to init.  There is one thread and no
 * preemption inside the libOS, so none of this needs a lock: the signal
 * path only reads the table, and only while user code was interrupted.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "defs.h"
#include "proc.h"
#include "vm.h"
#include "file.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PROC_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define PROC_ASAN 1
#endif
#ifdef PROC_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

_Static_assert(offsetof(struct trapframe, rax) == TF_RAX, "TF_RAX");
_Static_assert(offsetof(struct trapframe, rsp) == TF_RSP, "TF_RSP");
_Static_assert(offsetof(struct trapframe, r15) == TF_R15, "TF_R15");
_Static_assert(offsetof(struct trapframe, rip) == TF_RIP, "TF_RIP");
_Static_assert(offsetof(struct trapframe, rflags) == TF_RFLAGS, "TF_RFLAGS");
_Static_assert(offsetof(struct trapframe, mxcsr) == TF_MXCSR, "TF_MXCSR");
_Static_assert(offsetof(struct trapframe, fpvalid) == TF_FPVALID, "FPVALID");
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "TF_SIZE");

static struct proc	 proc_tab[NPROC];
static struct proc	*proc_init_p;	/* the first process */
static int		 proc_next_pid = 1;

struct proc *
proc_current(void)
{
	return (proc_cur);
}

uint64_t
proc_kstack_top(const struct proc *p)
{
	return (((uint64_t)(uintptr_t)(p->kstack + KSTACK_SIZE)) &
	    ~(uint64_t)15);
}

/* A slot with a kernel stack whose first swtch lands in unix_forkret. */
static struct proc *
proc_alloc(void)
{
	struct proc	*p;
	uint64_t	*sp;

	for (p = proc_tab; p < proc_tab + NPROC; p++)
		if (p->state == PROC_S_UNUSED)
			break;
	if (p == proc_tab + NPROC)
		return (NULL);
	memset(p, 0, sizeof *p);
	if ((p->kstack = malloc(KSTACK_SIZE)) == NULL)
		return (NULL);
	if ((p->tf = aligned_alloc(16, sizeof *p->tf)) == NULL) {
		free(p->kstack);
		p->kstack = NULL;
		return (NULL);
	}
	memset(p->tf, 0, sizeof *p->tf);
	sched_fpu_clean(p->kfpu);
	sp = (uint64_t *)(uintptr_t)proc_kstack_top(p);
	*--sp = (uint64_t)(uintptr_t)unix_forkret;
	sp -= 6;				/* rbp rbx r12-r15 */
	memset(sp, 0, 6 * sizeof *sp);
	p->ctx = (uint64_t)(uintptr_t)sp;
	p->pid = proc_next_pid++;
	p->state = PROC_S_USED;
	snprintf(p->cwd, sizeof p->cwd, "/");
	return (p);
}

static void
proc_free(struct proc *p)
{
	free(p->kstack);
	free(p->tf);
	vm_free(p->vm);
	p->kstack = NULL;
	p->tf = NULL;
	p->vm = NULL;
	p->pid = 0;
	p->parent = NULL;
	p->state = PROC_S_UNUSED;
}

void
proc_init(void)
{
	memset(proc_tab, 0, sizeof proc_tab);
}

/* The first process: name run with argv, on the console.  NULL if not. */
struct proc *
proc_first(const char *name, char **argv)
{
	struct proc	*p;
	struct file	*f;
	int		 fd;

	if ((p = proc_alloc()) == NULL)
		return (NULL);
	if ((p->vm = vm_new()) == NULL || exec_run(p, name, argv) < 0)
		goto fail;
	/* 0 and 1 the console, 2 the console writing to the host's 2. */
	for (fd = 0; fd < 3; fd++) {
		if (fd < 2 && fd > 0)
			f = file_dup(p->ofile[0]);
		else if ((f = console_file(fd == 2 ? 2 : 1)) == NULL)
			goto fail;
		p->ofile[fd] = f;
	}
	proc_init_p = p;
	p->state = PROC_S_RUNNABLE;
	return (p);
fail:
	proc_free(p);
	return (NULL);
}

/* Its first time on the CPU: from the scheduler's swtch to user mode. */
void
proc_forkret(void)
{
	struct proc	*p = proc_cur;

#ifdef PROC_ASAN
	__sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
	trap_user_return(p);
}

int
proc_fork(void)
{
	struct proc	*p = proc_cur, *np;
	int		 fd;

	if ((np = proc_alloc()) == NULL)
		return (-1);
	if ((np->vm = vm_fork(p->vm)) == NULL) {
		proc_free(np);
		return (-1);
	}
	vm_tlb_switch(p->vm);	/* the parent's pages are read-only now */
	*np->tf = *p->tf;
	np->tf->rax = 0;
	np->tf->fpvalid = 0;
	/* The handler, the protections (vm_fork), and a handler's state. */
	np->sig_handler = p->sig_handler;
	np->sig_active = p->sig_active;
	np->sig_tf = p->sig_tf;
	for (fd = 0; fd < NOFILE; fd++)
		if (p->ofile[fd] != NULL)
			np->ofile[fd] = file_dup(p->ofile[fd]);
	memcpy(np->cwd, p->cwd, sizeof np->cwd);
	memcpy(np->name, p->name, sizeof np->name);
	np->parent = p;
	np->state = PROC_S_RUNNABLE;
	return (np->pid);
}

/* The end of the running process; never returns. */
void
proc_exit(int status)
{
	struct proc	*p = proc_cur, *c;
	int		 fd;

	for (fd = 0; fd < NOFILE; fd++)
		if (p->ofile[fd] != NULL) {
			file_close(p->ofile[fd]);
			p->ofile[fd] = NULL;
		}
	mmap_release(p->vm);	/* shared pages written back: may sleep */
	vm_tlb_flush();
	vm_free(p->vm);
	p->vm = NULL;
	for (c = proc_tab; c < proc_tab + NPROC; c++)
		if (c->state != PROC_S_UNUSED && c->parent == p) {
			c->parent = proc_init_p != p ? proc_init_p : NULL;
			if (c->parent != NULL)
				proc_wakeup(c->parent);
		}
	p->xstate = status;
	p->state = PROC_S_ZOMBIE;
	if (p->parent != NULL)
		proc_wakeup(p->parent);
	sched_switch_out(p);
	unix_panic("pid %d: a zombie ran", p->pid);
}

/* Wait for a child to exit; its status to user address uaddr (if not 0). */
int
proc_wait(uint64_t uaddr)
{
	struct proc	*p = proc_cur, *c;
	int		 kids, pid;

	for (;;) {
		kids = 0;
		for (c = proc_tab; c < proc_tab + NPROC; c++) {
			if (c->state == PROC_S_UNUSED || c->parent != p)
				continue;
			kids = 1;
			if (c->state != PROC_S_ZOMBIE)
				continue;
			if (uaddr != 0 && vm_copyout(p->vm, uaddr, &c->xstate,
			    sizeof c->xstate) != 0)
				return (-1);
			pid = c->pid;
			proc_free(c);
			return (pid);
		}
		if (!kids || proc_killed(p))
			return (-1);
		proc_sleep(p);
	}
}

int
proc_kill(int pid)
{
	struct proc	*p;

	for (p = proc_tab; p < proc_tab + NPROC; p++)
		if (p->pid == pid && p->state != PROC_S_UNUSED &&
		    p->state != PROC_S_ZOMBIE) {
			p->killed = 1;
			if (p->state == PROC_S_SLEEPING)
				p->state = PROC_S_RUNNABLE;
			return (0);
		}
	return (-1);
}

int
proc_killed(struct proc *p)
{
	return (p != NULL && p->killed);
}

/* The running process blocks until proc_wakeup(chan); the others run. */
void
proc_sleep(void *chan)
{
	struct proc	*p = proc_cur;

	if (p == NULL)
		unix_panic("proc_sleep outside a process");
	p->chan = chan;
	p->state = PROC_S_SLEEPING;
	sched_switch_out(p);
	p->chan = NULL;
}

void
proc_wakeup(void *chan)
{
	struct proc	*p;

	for (p = proc_tab; p < proc_tab + NPROC; p++)
		if (p->state == PROC_S_SLEEPING && p->chan == chan)
			p->state = PROC_S_RUNNABLE;
}

void
proc_yield(void)
{
	struct proc	*p = proc_cur;

	p->state = PROC_S_RUNNABLE;
	sched_switch_out(p);
}

struct proc *
proc_slot(int i)
{
	if (i < 0 || i >= NPROC)
		return (NULL);
	return (&proc_tab[i]);
}

int
proc_count(void)
{
	struct proc	*p;
	int		 n = 0;

	for (p = proc_tab; p < proc_tab + NPROC; p++)
		if (p->state != PROC_S_UNUSED)
			n++;
	return (n);
}

/* Has the first process exited?  Its status in *status. */
int
proc_init_exited(int *status)
{
	if (proc_init_p == NULL || proc_init_p->state != PROC_S_ZOMBIE)
		return (0);
	*status = proc_init_p->xstate;
	return (1);
}
