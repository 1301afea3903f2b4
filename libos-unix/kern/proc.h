/*
 * proc.h - a process of libos-unix: its registers, its kernel stack, its
 * address space, its files.
 *
 * All processes live in the one host process of the libOS and run one at
 * a time on its single thread.  A process is either in user mode (its
 * registers are the CPU's, its code runs in the region) or in the libOS
 * on its own kernel stack (its user registers are in its trapframe).  The
 * scheduler runs on the host process's own stack and switches kernel
 * stacks with swtch(); nothing here is touched from a signal handler but
 * the fields marked so.
 *
 * The interface the file system (part 2) builds on: proc_current(),
 * proc_sleep() and proc_wakeup().
 */
#ifndef KERN_PROC_H
#define KERN_PROC_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/types.h"
#include "kernel/param.h"
#include "trapframe.h"

struct file;
struct vm;

/* A process's user registers, laid out as trapframe.h says. */
struct trapframe {
	uint8_t		fpu[512];	/* fxsave image; valid if fpvalid */
	uint64_t	rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t	r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t	rip;
	uint64_t	rflags;
	uint32_t	mxcsr;
	uint32_t	fpvalid; /* 1: restore fpu and every register on
				   the way out (a trap, exec); 0: a system
				   call, whose way out restores only what
				   a C callee keeps (trapasm.S) */
	uint64_t	pad;
} __attribute__((aligned(16)));

enum proc_state {
	PROC_S_UNUSED = 0,
	PROC_S_USED,		/* being made or torn down */
	PROC_S_SLEEPING,	/* on chan */
	PROC_S_RUNNABLE,
	PROC_S_RUNNING,		/* the one running now */
	PROC_S_ZOMBIE		/* exited, its parent has not waited */
};

/* Why a process entered the libOS other than by the gate (trap.c). */
enum proc_trap {
	PROC_T_NONE = 0,
	PROC_T_PREEMPT,		/* the tick: give the CPU up */
	PROC_T_FAULT,		/* a page fault the signal path left to us */
	PROC_T_SYSCALL,		/* a raw host system call (SIGSYS) */
	PROC_T_EXCEPTION,	/* any other fault: the process dies */
	PROC_T_PROT		/* a protection fault (mprotect): to the
				   process's sigsegv handler, if any */
};

struct proc {
	uint8_t		 kfpu[512];	/* the FPU of its kernel thread
					   (swtch.S); first: 16-aligned */
	enum proc_state	 state;
	int		 pid;		/* > 0 while the slot is used */
	struct proc	*parent;	/* NULL only for init */
	void		*chan;		/* SLEEPING: what it waits for */
	int		 killed;	/* dies at its next entry or exit */
	int		 xstate;	/* ZOMBIE: exit status for wait */
	struct vm	*vm;		/* user memory; NULL once freed */
	unsigned char	*kstack;	/* KSTACK_SIZE bytes, malloc'd */
	uint64_t	 ctx;		/* saved kernel rsp while switched out */
	struct trapframe *tf;		/* user registers while in the libOS */
	struct file	*ofile[NOFILE];
	char		 cwd[MAXPATH];	/* part 1: always a directory path */
	char		 name[16];	/* last element of what it exec'd */
	/* set by the signal path (trap.c) before it enters trap_kernel */
	enum proc_trap	 trap;
	uintptr_t	 trap_addr;	/* FAULT, EXCEPTION: the address */
	int		 trap_write;	/* FAULT: 1 for a write */
	int		 trap_signo;	/* EXCEPTION, SYSCALL: what came */
	uint64_t	 trap_nr;	/* SYSCALL: the host call's number */
	/* sigsegv(2) and sigreturn(2): kept by the kernel, never in user
	 * memory, so that the program cannot forge the context resumed */
	uint64_t	 sig_handler;	/* its protection-fault handler, or 0 */
	int		 sig_active;	/* in the handler: sig_tf is valid */
	struct trapframe sig_tf;	/* the context the fault interrupted */
} __attribute__((aligned(16)));

/*
 * A kernel stack holds libexo's requests (EXO_MSG_MAX of buffer each),
 * and the upcalls libexo runs at the end of one, which may make requests
 * of their own (revoke.c): 128 KiB overflowed.
 */
#define KSTACK_SIZE	(256 * 1024)

struct proc	*proc_current(void);
void		 proc_sleep(void *);
void		 proc_wakeup(void *);

void		 proc_init(void);
struct proc	*proc_first(const char *, char **);
int		 proc_fork(void);
void		 proc_exit(int);
int		 proc_wait(uint64_t);
int		 proc_kill(int);
void		 proc_yield(void);
void		 proc_forkret(void);
uint64_t	 proc_kstack_top(const struct proc *);
int		 proc_killed(struct proc *);
struct proc	*proc_slot(int);
int		 proc_count(void);
int		 proc_init_exited(int *);

/* The one process in the CPU (sched.c sets it); NULL in the scheduler. */
extern struct proc *proc_cur;

#endif
