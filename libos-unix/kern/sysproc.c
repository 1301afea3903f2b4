/*
 * sysproc.c - the system calls about processes, memory and time.
 */
#include "config.h"

#include <string.h>

#include "kernel/types.h"
#include "kernel/procinfo.h"
#include "kernel/vmstat.h"
#include "defs.h"
#include "proc.h"
#include "swap.h"
#include "vm.h"

int64_t
sys_fork(void)
{
	return (proc_fork());
}

int64_t
sys_exit(void)
{
	int	n;

	(void)argint(0, &n);
	proc_exit(n);
	return (0);	/* not reached */
}

int64_t
sys_wait(void)
{
	uint64_t	addr;

	(void)argaddr(0, &addr);
	return (proc_wait(addr));
}

int64_t
sys_kill(void)
{
	int	pid;

	(void)argint(0, &pid);
	return (proc_kill(pid));
}

int64_t
sys_getpid(void)
{
	return (proc_cur->pid);
}

int64_t
sys_sbrk(void)
{
	uint64_t	old;
	int		n;

	(void)argint(0, &n);
	if (vm_sbrk(proc_cur->vm, n, &old) != 0)
		return (-1);
	return ((int64_t)old);
}

int64_t
sys_sleep(void)
{
	uint64_t	t0 = sched_ticks();
	int		n;

	(void)argint(0, &n);
	if (n < 0)
		n = 0;
	while (sched_ticks() - t0 < (uint64_t)n) {
		if (proc_killed(proc_cur))
			return (-1);
		proc_sleep(&sched_tickchan);
	}
	return (0);
}

int64_t
sys_uptime(void)
{
	return ((int64_t)sched_ticks());
}

/* procinfo(slot, pi): kernel/procinfo.h is the contract. */
int64_t
sys_procinfo(void)
{
	struct procinfo	 pi;
	struct proc	*p;
	uint64_t	 addr;
	int		 slot;

	(void)argint(0, &slot);
	(void)argaddr(1, &addr);
	if ((p = proc_slot(slot)) == NULL)
		return (-1);
	if (p->state == PROC_S_UNUSED)
		return (0);
	memset(&pi, 0, sizeof pi);
	pi.pid = p->pid;
	pi.ppid = p->parent != NULL ? p->parent->pid : 0;
	switch (p->state) {
	case PROC_S_SLEEPING:
		pi.state = PROC_SLEEPING;
		break;
	case PROC_S_RUNNABLE:
		pi.state = PROC_RUNNABLE;
		break;
	case PROC_S_RUNNING:
		pi.state = PROC_RUNNING;
		break;
	case PROC_S_ZOMBIE:
		pi.state = PROC_ZOMBIE;
		break;
	default:
		pi.state = PROC_USED;
		break;
	}
	pi.killed = p->killed;
	pi.size = p->vm != NULL ? p->vm->sz - UNIX_USER_MIN : 0;
	memcpy(pi.name, p->name, sizeof pi.name < sizeof p->name ?
	    sizeof pi.name : sizeof p->name);
	pi.name[sizeof pi.name - 1] = '\0';
	if (vm_copyout(proc_cur->vm, addr, &pi, sizeof pi) != 0)
		return (-1);
	return (1);
}

int64_t
sys_nop(void)
{
	return (0);
}

/* The live process with pid, or NULL. */
static struct proc *
sysproc_find(int pid)
{
	struct proc	*p;
	int		 i;

	for (i = 0; (p = proc_slot(i)) != NULL; i++)
		if (p->state != PROC_S_UNUSED && p->pid == pid &&
		    p->vm != NULL)
			return (p);
	return (NULL);
}

/* vmstat(pid, vs): kernel/vmstat.h is the contract. */
int64_t
sys_vmstat(void)
{
	struct vmstat		 vs;
	struct vm_census	 c;
	struct proc		*p;
	uint64_t		 addr;
	unsigned		 used, shared;
	int			 pid;

	(void)argint(0, &pid);
	(void)argaddr(1, &addr);
	memset(&vs, 0, sizeof vs);
	if (pid == 0) {
		frame_census(&used, &shared);
		vs.resident = used;
		vs.shared = shared;
		vs.faults = swap_st.faults;
		vs.pageins = swap_st.pageins;
		vs.pageouts = swap_st.pageouts;
		vs.reclaims = swap_st.reclaims;
		vs.limit = frame_limit();
		vs.held = frame_bound();
		vs.peak = frame_peak();
		vs.slots = swap_slots();
		vs.slots_used = swap_used();
		vs.revoked = swap_st.revoked;
		vs.lost = swap_st.lost;
		vs.oom = swap_st.oom;
		vs.pinned = mmap_pinned;
		for (pid = 0; (p = proc_slot(pid)) != NULL; pid++)
			if (p->state != PROC_S_UNUSED && p->vm != NULL) {
				vm_count(p->vm, &c);
				vs.swapped += c.swapped;
			}
	} else {
		if ((p = sysproc_find(pid)) == NULL)
			return (-1);
		vm_count(p->vm, &c);
		vs.resident = c.resident;
		vs.swapped = c.swapped;
		vs.shared = c.shared;
		vs.faults = p->vm->faults;
		vs.pageins = p->vm->pageins;
		vs.pageouts = p->vm->pageouts;
		vs.pinned = c.pinned;
	}
	if (vm_copyout(proc_cur->vm, addr, &vs, sizeof vs) != 0)
		return (-1);
	return (0);
}

/*
 * int sigsegv(void (*handler)(void *addr)): the handler of the process's
 * protection faults from now on; 0 takes it away.  -1 for an address
 * that is not the process's (below its text, or outside the region).
 */
int64_t
sys_sigsegv(void)
{
	uint64_t	h;

	(void)argaddr(0, &h);
	if (h != 0 && (h < UNIX_USER_MIN || !vm_user_range(h, 1)))
		return (-1);
	proc_cur->sig_handler = h;
	return (0);
}

/* int sigreturn(void): from the handler, back to the faulting access. */
int64_t
sys_sigreturn(void)
{
	return (trap_sigreturn(proc_cur));
}
