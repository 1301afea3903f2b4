/*
 * trap.c - how user code enters libos-unix other than by the gate:
 * signals, faults, the tick, a raw host system call.
 *
 * Mode.  A process is in user mode exactly while the selector of Linux's
 * syscall user dispatch (unix_sud_sel) is BLOCK: trapasm.S sets it at the
 * last instruction before user code and clears it at the first one of
 * the gate's entry.  Every signal handler of the process is wrapped by
 * trap_signal, which notes the selector it found (the mode of the
 * interrupted code), sets ALLOW so that the handler may make host calls,
 * and puts the selector back on its way out.  All handlers run on the
 * alternate signal stack, since a user stack is region memory that may
 * not be mapped at all, and return through unix_sigreturn, the one host
 * system call that dispatch lets through with the selector on BLOCK.
 *
 * Faults on the region while in user mode go to libexo (whose trap path
 * fields them) and from there to trap_addressing, which fills the TLB
 * from the process's page table (vm_fill) right in the handler: the
 * kernel's data is quiescent while user code runs, so the handler may
 * use it.  Whatever needs the libOS proper -- giving up the CPU at a
 * tick, a fault that needs a frame from exod, a process that must die --
 * is done by *entering* the libOS: the handler copies the interrupted
 * registers into the process's trapframe and changes the context it
 * returns to into unix_trap_entry on the process's kernel stack, so that
 * the work runs in ordinary context (trap_kernel), where it may block.
 *
 * A signal that interrupts the libOS itself only leaves a note
 * (sched_need_resched); the process yields on its way out.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/syscall.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "kernel/memlayout.h"
#include "defs.h"
#include "fsboot.h"
#include "proc.h"
#include "vm.h"

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH	59
#define PR_SYS_DISPATCH_ON		1
#endif
#ifndef SA_RESTORER
#define SA_RESTORER	0x04000000
#endif

#define TRAP_PF_FETCH	0x10	/* page-fault error code: instruction fetch */
#define TRAP_TAKEN_TRIES 1000	/* ms to wait for a repossession's upcall */

volatile unsigned char	 unix_sud_sel = SUD_ALLOW;
struct trapframe	*unix_cur_tf;
uint64_t		 unix_cur_kstack;
uint64_t		 unix_resume_rsp, unix_resume_rip;
uint32_t		 unix_mxcsr_kernel = 0x1f80;

/* The kernel's struct sigaction (rt_sigaction(2)). */
struct trap_ksigaction {
	void		(*handler)(int, siginfo_t *, void *);
	unsigned long	  flags;
	void		(*restorer)(void);
	uint64_t	  mask;
};

static struct trap_ksigaction	trap_chain[65];	/* libexo's, to call */
static volatile unsigned char	trap_mode = SUD_ALLOW; /* of the interrupted */
static volatile int		trap_entered;	/* the context was changed */

int
trap_in_region(uintptr_t a)
{
	return (a >= UNIX_REGION_BASE && a < UNIX_STACK_TOP);
}

/* Was the interrupted code a process in user mode? */
static int
trap_user(const ucontext_t *uc)
{
	uintptr_t	rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];

	if (trap_mode != SUD_BLOCK || proc_cur == NULL)
		return (0);
	/* The last instructions of the way out: user rsp, libOS rip. */
	return (rip < (uintptr_t)unix_trapret ||
	    rip >= (uintptr_t)unix_trapret_end);
}

/* Enter the libOS from the interrupted user context uc (see above). */
static void
trap_enter(ucontext_t *uc, enum proc_trap why, int signo)
{
	struct proc		*p = proc_cur;
	struct trapframe	*tf = p->tf;
	greg_t			*g = uc->uc_mcontext.gregs;

	tf->rax = (uint64_t)g[REG_RAX];
	tf->rbx = (uint64_t)g[REG_RBX];
	tf->rcx = (uint64_t)g[REG_RCX];
	tf->rdx = (uint64_t)g[REG_RDX];
	tf->rsi = (uint64_t)g[REG_RSI];
	tf->rdi = (uint64_t)g[REG_RDI];
	tf->rbp = (uint64_t)g[REG_RBP];
	tf->rsp = (uint64_t)g[REG_RSP];
	tf->r8 = (uint64_t)g[REG_R8];
	tf->r9 = (uint64_t)g[REG_R9];
	tf->r10 = (uint64_t)g[REG_R10];
	tf->r11 = (uint64_t)g[REG_R11];
	tf->r12 = (uint64_t)g[REG_R12];
	tf->r13 = (uint64_t)g[REG_R13];
	tf->r14 = (uint64_t)g[REG_R14];
	tf->r15 = (uint64_t)g[REG_R15];
	tf->rip = (uint64_t)g[REG_RIP];
	tf->rflags = (uint64_t)g[REG_EFL];
	p->trap = why;
	p->trap_signo = signo;
	g[REG_RSP] = (greg_t)unix_cur_kstack;
	g[REG_RIP] = (greg_t)(uintptr_t)unix_trap_entry;
	g[REG_EFL] &= ~(greg_t)0x40500;		/* AC, DF, TF */
	trap_entered = 1;
}

/* libexo's addressing entry: a fault on the region. */
static int
trap_addressing(struct exo *e, const struct exo_trap *t, void *arg)
{
	ucontext_t	*uc = t->uctx;
	struct proc	*p = proc_cur;
	int		 access = VM_POOLED, r;

	if (!trap_user(uc))
		return (-1);	/* the libOS touched the region: a bug */
	if (t->write == 1)
		access |= VM_WRITE;
	if (uc->uc_mcontext.gregs[REG_ERR] & TRAP_PF_FETCH)
		access |= VM_EXEC;
	if ((r = vm_fill(p->vm, (uintptr_t)t->addr, access)) == 0)
		return (0);
	p->trap_addr = (uintptr_t)t->addr;
	p->trap_write = access & ~VM_POOLED;
	trap_enter(uc, r == 1 ? PROC_T_FAULT : r == VM_PROT ? PROC_T_PROT :
	    PROC_T_EXCEPTION, SIGSEGV);
	return (0);
}

/* libexo's exception entry: any other fault. */
static int
trap_exception(struct exo *e, const struct exo_trap *t, void *arg)
{
	ucontext_t	*uc = t->uctx;

	if (!trap_user(uc))
		return (-1);
	proc_cur->trap_addr = (uintptr_t)t->addr;
	proc_cur->trap_write = t->write == 1 ? VM_WRITE : 0;
	trap_enter(uc, PROC_T_EXCEPTION, t->signo);
	return (0);
}

/* libexo's interrupt entry: exod's upcalls. */
static int
trap_interrupt(struct exo *e, const struct exo_intr *in, void *arg)
{
	/* Disk completions and revocations: the file system's share
	 * (cache frames), and the memory system's (user frames). */
	fsboot_intr(in);
	revoke_intr(in);
	/* The end of a quantum: everything of ours is saved already (the
	 * interrupted registers are in the signal frame), so acknowledge. */
	net_intr(in);		/* the ring's drop count; net_poll drains */
	return (0);
}

static void
trap_signal(int sig, siginfo_t *si, void *uctx)
{
	ucontext_t		*uc = uctx;
	struct trap_ksigaction	*c = &trap_chain[sig];
	unsigned char		 sel = unix_sud_sel, mode = trap_mode;
	int			 entered = trap_entered;

	unix_sud_sel = SUD_ALLOW;
	trap_mode = sel;
	trap_entered = 0;
	switch (sig) {
	case SIGALRM:
		if (trap_user(uc))
			trap_enter(uc, PROC_T_PREEMPT, sig);
		else
			sched_need_resched = 1;
		break;
	case SIGSYS:
		if (!trap_user(uc)) {
			static const char m[] = "libos-unix: a host system "
			    "call from the libOS in user mode\n";
			(void)write(2, m, sizeof m - 1);
			_exit(70);
		}
		proc_cur->trap_nr = (uint64_t)si->si_syscall;
		trap_enter(uc, PROC_T_SYSCALL, sig);
		break;
	case SIGTRAP:
		if (trap_user(uc)) {
			proc_cur->trap_addr = (uintptr_t)
			    uc->uc_mcontext.gregs[REG_RIP];
			trap_enter(uc, PROC_T_EXCEPTION, sig);
		}
		break;
	default:
		if (c->handler != (void *)SIG_DFL &&
		    c->handler != (void *)SIG_IGN)
			c->handler(sig, si, uctx);
		break;
	}
	/* Into the libOS: ALLOW; back to where we were: as it was. */
	unix_sud_sel = trap_entered ? SUD_ALLOW : sel;
	trap_mode = mode;
	trap_entered = entered;
}

static int
trap_install(int sig)
{
	struct trap_ksigaction	sa;
	static const int	async[] = { SIGALRM, SIGCONT, EXO_SIG_UPCALL };
	size_t			i;

	memset(&sa, 0, sizeof sa);
	if (syscall(SYS_rt_sigaction, sig, NULL, &trap_chain[sig], 8) == -1)
		return (-1);
	sa.handler = trap_signal;
	sa.flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART | SA_RESTORER;
	sa.restorer = unix_sigreturn;
	for (i = 0; i < sizeof async / sizeof async[0]; i++)
		sa.mask |= 1ULL << (async[i] - 1);
	return (syscall(SYS_rt_sigaction, sig, &sa, NULL, 8) == -1 ? -1 : 0);
}

/* After exo_as_create_at: libexo's handlers are in place to be wrapped. */
int
trap_init(void)
{
	static const int	sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL,
				    SIGTRAP, SIGCONT, EXO_SIG_UPCALL, SIGALRM,
				    SIGSYS };
	size_t			i;

	if (exo_pe_addressing(unix_exo, trap_addressing, NULL) != 0 ||
	    exo_pe_exception(unix_exo, trap_exception, NULL) != 0 ||
	    exo_pe_interrupt(unix_exo, trap_interrupt, NULL) != 0)
		return (-1);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (trap_install(sigs[i]) != 0)
			return (-1);
	if (prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON,
	    (unsigned long)(uintptr_t)unix_sigreturn,
	    (unsigned long)(unix_sigreturn_end - (char *)unix_sigreturn),
	    &unix_sud_sel) == -1)
		return (-1);
	return (0);
}

static const char *
trap_signame(int signo)
{
	switch (signo) {
	case SIGSEGV:
		return ("segmentation fault");
	case SIGBUS:
		return ("bus error");
	case SIGFPE:
		return ("arithmetic exception");
	case SIGILL:
		return ("illegal instruction");
	case SIGTRAP:
		return ("breakpoint");
	}
	return ("trap");
}

/*
 * The fault the signal path could not serve.  A frame exod took at a
 * revocation's deadline traps before its repossession is served: serve
 * what has come, and wait a little for the rest (the upcall follows the
 * taking at once).  0, or -1: the process cannot go on.
 */
static int
trap_fault(struct proc *p)
{
	struct timespec	ts = { 0, 1000000 };
	int		r, tries;

	for (tries = 0; tries < TRAP_TAKEN_TRIES; tries++) {
		revoke_serve();
		if (p->killed)
			return (0);	/* a page of it was lost */
		if ((r = vm_fill(p->vm, p->trap_addr, p->trap_write)) !=
		    VM_TAKEN)
			return (r);
		(void)nanosleep(&ts, NULL);
	}
	return (-1);
}

/* A fault the process may not make: it dies, saying where. */
static void
trap_kernel_exception(struct proc *p)
{
	unix_log("pid %d (%s): %s at %#lx (%s, pc %#lx)%s: killed",
	    p->pid, p->name, trap_signame(p->trap_signo),
	    (unsigned long)p->trap_addr,
	    (p->trap_write & VM_WRITE) ? "write" :
	    (p->trap_write & VM_EXEC) ? "execute" : "read",
	    (unsigned long)p->tf->rip,
	    p->sig_active ? " in its sigsegv handler" : "");
	p->killed = 1;
}

/*
 * A protection fault (the program's own mprotect refused the access):
 * run the process's handler, as a C call handler(addr) on its own stack
 * below the red zone, returning to the gate's sigreturn stub; the context
 * it interrupted stays here, in the kernel, for sigreturn(2).  Without a
 * handler, in the handler already, or with a stack the return address
 * cannot be pushed on, the process dies as of any bad access.
 */
static void
trap_deliver(struct proc *p)
{
	struct trapframe	*tf = p->tf;
	uint64_t		 sp, ret = UNIX_GATE_VA + VM_GATE_SIGRET;

	p->trap_signo = SIGSEGV;
	if (p->sig_handler == 0 || p->sig_active) {
		trap_kernel_exception(p);
		return;
	}
	sp = ((tf->rsp - 128) & ~(uint64_t)15) - sizeof ret;
	if (vm_copyout(p->vm, (uintptr_t)sp, &ret, sizeof ret) != 0) {
		unix_log("pid %d (%s): no stack for its sigsegv handler at "
		    "%#lx: killed", p->pid, p->name, (unsigned long)sp);
		p->killed = 1;
		return;
	}
	p->sig_tf = *tf;		/* fpvalid: all of it comes back */
	p->sig_active = 1;
	tf->rsp = sp;
	tf->rip = p->sig_handler;
	tf->rdi = p->trap_addr;
	tf->rflags &= ~(uint64_t)0x40500;	/* AC, DF, TF: a C call */
}

/*
 * sigreturn(2): back to the context of the protection fault, the access
 * made again.  -1 (nothing changes) if the process is in no handler.
 */
int64_t
trap_sigreturn(struct proc *p)
{
	if (!p->sig_active)
		return (-1);
	*p->tf = p->sig_tf;
	p->tf->fpvalid = 1;		/* every register, not a C return */
	p->sig_active = 0;
	return ((int64_t)p->tf->rax);	/* syscall_entry puts it back */
}

/* In the libOS, on the process's kernel stack: what the signal path left. */
void
trap_kernel(void)
{
	struct proc	*p = proc_cur;
	int		 r;

	switch (p->trap) {
	case PROC_T_PREEMPT:
		sched_need_resched = 1;
		break;
	case PROC_T_PROT:
		trap_deliver(p);
		break;
	case PROC_T_FAULT:
		if ((r = trap_fault(p)) == VM_PROT)
			trap_deliver(p);
		else if (r == VM_DENIED) {
			p->trap = PROC_T_EXCEPTION;
			p->trap_signo = SIGSEGV;
			trap_kernel_exception(p);
		} else if (r != 0) {
			unix_log("pid %d (%s): out of memory at %#lx: killed",
			    p->pid, p->name, (unsigned long)p->trap_addr);
			p->killed = 1;
		}
		break;
	case PROC_T_SYSCALL:
		unix_log("pid %d (%s): host system call %lu at %#lx: killed",
		    p->pid, p->name, (unsigned long)p->trap_nr,
		    (unsigned long)p->tf->rip);
		p->killed = 1;
		break;
	case PROC_T_EXCEPTION:
		trap_kernel_exception(p);
		break;
	case PROC_T_NONE:
		break;
	}
	p->trap = PROC_T_NONE;
	trap_user_return(p);
}

/* The last stop before user mode: die if killed, yield if asked to. */
void
trap_user_return(struct proc *p)
{
	for (;;) {
		if (p->killed)
			proc_exit(-1);
		if (!sched_need_resched)
			return;
		sched_need_resched = 0;
		sched_preempt(p);
	}
}
