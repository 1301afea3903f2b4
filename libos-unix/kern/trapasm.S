/*
 * trapasm.S - the ways between user mode and the libOS.
 *
 * In:	unix_gate_entry, where the gate page jumps for a system call (the
 *	gate popped the return address into r11 first), and
 *	unix_trap_entry, where the signal path (trap.c) sends a process
 *	that was interrupted or faulted, after it copied the user
 *	registers into the trapframe and pointed rsp at the kernel stack.
 * Out:	unix_trapret, which loads every user register from the trapframe
 *	of the current process and jumps to its rip.
 *
 * The selector of syscall user dispatch (unix_sud_sel) says ALLOW from
 * the first instruction in the libOS to the last one before the jump to
 * user code: only code of the libOS may make host system calls.
 */
#include "trapframe.h"

	.text
	.globl	unix_gate_entry
	.type	unix_gate_entry, @function
unix_gate_entry:
	movb	$SUD_ALLOW, unix_sud_sel(%rip)
	movq	unix_cur_tf(%rip), %r10
	movq	%r11, TF_RIP(%r10)
	movq	%rsp, TF_RSP(%r10)
	movq	%rax, TF_RAX(%r10)
	movq	%rbx, TF_RBX(%r10)
	movq	%rcx, TF_RCX(%r10)
	movq	%rdx, TF_RDX(%r10)
	movq	%rsi, TF_RSI(%r10)
	movq	%rdi, TF_RDI(%r10)
	movq	%rbp, TF_RBP(%r10)
	movq	%r8, TF_R8(%r10)
	movq	%r9, TF_R9(%r10)
	movq	$0, TF_R10(%r10)
	movq	$0, TF_R11(%r10)
	movq	%r12, TF_R12(%r10)
	movq	%r13, TF_R13(%r10)
	movq	%r14, TF_R14(%r10)
	movq	%r15, TF_R15(%r10)
	movq	$TF_RFLAGS_IF, TF_RFLAGS(%r10)
	stmxcsr	TF_MXCSR(%r10)
	movl	$0, TF_FPVALID(%r10)
	movq	unix_cur_kstack(%rip), %rsp
	cld
	ldmxcsr	unix_mxcsr_kernel(%rip)
	call	syscall_entry
	jmp	unix_trapret
	.size	unix_gate_entry, . - unix_gate_entry

	.globl	unix_trap_entry
	.type	unix_trap_entry, @function
unix_trap_entry:
	/* The FPU still holds the user's state: sigreturn put it back. */
	movq	unix_cur_tf(%rip), %rax
	fxsave64 TF_FPU(%rax)
	stmxcsr	TF_MXCSR(%rax)
	movl	$1, TF_FPVALID(%rax)
	fninit
	ldmxcsr	unix_mxcsr_kernel(%rip)
	call	trap_kernel
	jmp	unix_trapret
	.size	unix_trap_entry, . - unix_trap_entry

	/* A process that never ran: its first swtch returns here. */
	.globl	unix_forkret
	.type	unix_forkret, @function
unix_forkret:
	call	proc_forkret
	jmp	unix_trapret
	.size	unix_forkret, . - unix_forkret

	.globl	unix_trapret
	.type	unix_trapret, @function
unix_trapret:
	movq	unix_cur_tf(%rip), %rax
	cmpl	$0, TF_FPVALID(%rax)
	je	unix_callret
	fxrstor64 TF_FPU(%rax)
	movl	$0, TF_FPVALID(%rax)
	ldmxcsr	TF_MXCSR(%rax)
	movq	TF_RSP(%rax), %rcx
	movq	%rcx, unix_resume_rsp(%rip)
	movq	TF_RIP(%rax), %rcx
	movq	%rcx, unix_resume_rip(%rip)
	movq	TF_RFLAGS(%rax), %rcx
	andq	$TF_RFLAGS_USER, %rcx
	orq	$TF_RFLAGS_IF, %rcx
	pushq	%rcx
	movq	TF_RBX(%rax), %rbx
	movq	TF_RCX(%rax), %rcx
	movq	TF_RDX(%rax), %rdx
	movq	TF_RSI(%rax), %rsi
	movq	TF_RDI(%rax), %rdi
	movq	TF_RBP(%rax), %rbp
	movq	TF_R8(%rax), %r8
	movq	TF_R9(%rax), %r9
	movq	TF_R10(%rax), %r10
	movq	TF_R11(%rax), %r11
	movq	TF_R12(%rax), %r12
	movq	TF_R13(%rax), %r13
	movq	TF_R14(%rax), %r14
	movq	TF_R15(%rax), %r15
	popfq
	movq	TF_RAX(%rax), %rax
	movq	unix_resume_rsp(%rip), %rsp
	movb	$SUD_BLOCK, unix_sud_sel(%rip)
	jmp	*unix_resume_rip(%rip)

	/*
	 * The quick way back from a system call (fpvalid 0: the process
	 * last entered through the gate, or is a child of fork, which is a
	 * system call too).  The call was a C call, so only what the
	 * System V ABI has a callee keep comes back: rbx, rbp, r12-r15,
	 * rsp, MXCSR, and the result in rax; the scratch registers are
	 * zeroed, so nothing of the libOS leaks, and rflags, which no
	 * callee keeps, is left alone (no popfq, the slowest instruction
	 * of the way back).  exec, which rewrites more, sets fpvalid.
	 */
unix_callret:
	ldmxcsr	TF_MXCSR(%rax)
	movq	TF_RBX(%rax), %rbx
	movq	TF_RBP(%rax), %rbp
	movq	TF_R12(%rax), %r12
	movq	TF_R13(%rax), %r13
	movq	TF_R14(%rax), %r14
	movq	TF_R15(%rax), %r15
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%esi, %esi
	xorl	%edi, %edi
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	movq	TF_RIP(%rax), %r11
	movq	TF_RSP(%rax), %rsp
	movq	TF_RAX(%rax), %rax
	movb	$SUD_BLOCK, unix_sud_sel(%rip)
	jmp	*%r11
	.globl	unix_trapret_end
unix_trapret_end:
	.size	unix_trapret, . - unix_trapret

	/*
	 * The restorer of every signal handler of the libOS.  The one host
	 * system call syscall user dispatch always lets through: a handler
	 * that interrupted user code returns with the selector on BLOCK.
	 */
	.globl	unix_sigreturn
	.type	unix_sigreturn, @function
unix_sigreturn:
	movq	$15, %rax		/* rt_sigreturn */
	syscall
	hlt
	.globl	unix_sigreturn_end
unix_sigreturn_end:
	.size	unix_sigreturn, . - unix_sigreturn

	.section .note.GNU-stack, "", @progbits
