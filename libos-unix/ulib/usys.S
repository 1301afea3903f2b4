/*
 * usys.S - the system-call stubs.
 *
 * Each stub is called as an ordinary C function, so its arguments are
 * already where the gate wants them (rdi, rsi, rdx, rcx, r8, r9).  It puts
 * the call's number in eax and jumps, not calls, to the gate: libos-unix
 * returns straight to the stub's caller with the result in rax.  r11 is
 * free to use, being a scratch register in the System V ABI.
 */
#include "kernel/syscall.h"
#include "kernel/memlayout.h"

#define USYS(name)					\
	.globl	name;					\
	.type	name, @function;			\
name:							\
	movl	$SYS_##name, %eax;			\
	movabsq	$UNIX_GATE_VA, %r11;			\
	jmp	*%r11;					\
	.size	name, . - name

	.text
USYS(fork)
USYS(exit)
USYS(wait)
USYS(pipe)
USYS(read)
USYS(kill)
USYS(exec)
USYS(fstat)
USYS(chdir)
USYS(dup)
USYS(getpid)
USYS(sbrk)
USYS(sleep)
USYS(uptime)
USYS(open)
USYS(write)
USYS(mknod)
USYS(unlink)
USYS(link)
USYS(mkdir)
USYS(close)
USYS(symlink)
USYS(mmap)
USYS(munmap)
USYS(madvise)
USYS(procinfo)
USYS(nop)
USYS(socket)
USYS(connect)
USYS(sendto)
USYS(recvfrom)
USYS(sotimeout)
USYS(netinfo)
USYS(arpinfo)
USYS(uptimeus)
USYS(vmstat)
USYS(mprotect)
USYS(sigsegv)
USYS(sigreturn)

	.section .note.GNU-stack, "", @progbits
