/*
 * swtch.S - switch from one kernel stack to another.
 *
 *	void swtch(uint64_t *old, uint64_t new, void *oldfpu, void *newfpu)
 *
 * Saves the callee-saved registers on the current stack and its stack
 * pointer in *old, then takes new as the stack pointer and pops what an
 * earlier swtch pushed there (or what proc.c laid out for a process that
 * never ran).  The x87/SSE state goes with the stack, so that no process
 * sees registers another process (or the scheduler) left behind.
 */
	.text
	.globl	swtch
	.type	swtch, @function
swtch:
	fxsave64 (%rdx)
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	fxrstor64 (%rcx)
	ret
	.size	swtch, . - swtch

	.section .note.GNU-stack, "", @progbits
