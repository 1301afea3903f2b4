/*
 * syscall.c - the system-call dispatcher and the arguments of a call.
 *
 * The gate (trapasm.S) saves the user registers in the trapframe and
 * calls syscall_entry on the process's kernel stack.  The number is in
 * rax, the arguments in rdi, rsi, rdx, rcx, r8, r9 (the System V order:
 * ulib's stubs are plain C calls); the result goes back in rax, -1 for
 * every error, as in xv6.  An unknown number is an error, not a crash.
 * Every pointer a program passes is checked by the copy that uses it
 * (vm.c), so a bad one gives -1.
 */
#include "config.h"

#include "kernel/syscall.h"
#include "defs.h"
#include "proc.h"
#include "vm.h"

static int64_t (*const syscall_tab[SYS_MAX + 1])(void) = {
	[SYS_fork] = sys_fork,
	[SYS_exit] = sys_exit,
	[SYS_wait] = sys_wait,
	[SYS_pipe] = sys_pipe,
	[SYS_read] = sys_read,
	[SYS_kill] = sys_kill,
	[SYS_exec] = sys_exec,
	[SYS_fstat] = sys_fstat,
	[SYS_chdir] = sys_chdir,
	[SYS_dup] = sys_dup,
	[SYS_getpid] = sys_getpid,
	[SYS_sbrk] = sys_sbrk,
	[SYS_sleep] = sys_sleep,
	[SYS_uptime] = sys_uptime,
	[SYS_open] = sys_open,
	[SYS_write] = sys_write,
	[SYS_mknod] = sys_mknod,
	[SYS_unlink] = sys_unlink,
	[SYS_link] = sys_link,
	[SYS_mkdir] = sys_mkdir,
	[SYS_close] = sys_close,
	[SYS_symlink] = sys_symlink,
	[SYS_mmap] = sys_mmap,
	[SYS_munmap] = sys_munmap,
	[SYS_madvise] = sys_madvise,
	[SYS_procinfo] = sys_procinfo,
	[SYS_nop] = sys_nop,
	[SYS_socket] = sys_socket,
	[SYS_sendto] = sys_sendto,
	[SYS_recvfrom] = sys_recvfrom,
	[SYS_connect] = sys_connect,
	[SYS_sotimeout] = sys_sotimeout,
	[SYS_netinfo] = sys_netinfo,
	[SYS_arpinfo] = sys_arpinfo,
	[SYS_uptimeus] = sys_uptimeus,
	[SYS_vmstat] = sys_vmstat,
	[SYS_mprotect] = sys_mprotect,
	[SYS_sigsegv] = sys_sigsegv,
	[SYS_sigreturn] = sys_sigreturn,
};

void
syscall_entry(void)
{
	struct proc		*p = proc_cur;
	struct trapframe	*tf = p->tf;
	uint64_t		 n = tf->rax;

	if (p->killed)
		proc_exit(-1);
	if (n <= SYS_MAX && syscall_tab[n] != NULL)
		tf->rax = (uint64_t)syscall_tab[n]();
	else
		tf->rax = (uint64_t)-1;
	trap_user_return(p);
}

static uint64_t
syscall_arg(int n)
{
	struct trapframe	*tf = proc_cur->tf;

	switch (n) {
	case 0:
		return (tf->rdi);
	case 1:
		return (tf->rsi);
	case 2:
		return (tf->rdx);
	case 3:
		return (tf->rcx);
	case 4:
		return (tf->r8);
	case 5:
		return (tf->r9);
	}
	return (0);
}

int
argint(int n, int *ip)
{
	*ip = (int)syscall_arg(n);
	return (0);
}

int
argaddr(int n, uint64_t *ap)
{
	*ap = syscall_arg(n);
	return (0);
}

/* The string argument n, at most max bytes with its null: 0 or -1. */
int
argstr(int n, char *buf, size_t max)
{
	return (vm_copyinstr(proc_cur->vm, buf, syscall_arg(n), max));
}
