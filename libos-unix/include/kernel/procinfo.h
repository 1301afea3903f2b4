/*
 * kernel/procinfo.h - what procinfo(2) tells about one process: the
 * contract between ps(1) and the libOS (kern/syscall.c).
 *
 *	int procinfo(int slot, struct procinfo *pi);
 *
 * slot is an index into the process table, 0 to NPROC - 1.  The call
 * returns 1 and fills *pi if the slot holds a process, 0 if the slot is
 * free (*pi untouched), and -1 if slot is out of range or pi is not
 * writable user memory.  ps walks slot = 0, 1, ... until -1.
 */
#ifndef KERNEL_PROCINFO_H
#define KERNEL_PROCINFO_H

#define PROCINFO_NAME	16

/* Values of procinfo.state. */
#define PROC_UNUSED	0	/* (never reported) */
#define PROC_USED	1	/* being created or torn down */
#define PROC_SLEEPING	2	/* blocked: wait, sleep, pipe, console */
#define PROC_RUNNABLE	3	/* ready to run */
#define PROC_RUNNING	4	/* the one running now */
#define PROC_ZOMBIE	5	/* exited, not yet waited for */

struct procinfo {
	int	pid;			/* > 0 */
	int	ppid;			/* parent's pid; 0 for init */
	int	state;			/* a PROC_* value above */
	int	killed;			/* 1 if kill(2)ed, not yet dead */
	uint64	size;			/* bytes of user memory (sbrk end) */
	char	name[PROCINFO_NAME];	/* last path element exec'd, null-
					   terminated */
};

#endif
