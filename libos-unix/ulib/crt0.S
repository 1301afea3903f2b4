/*
 * crt0.S - where every libos-unix program starts.
 *
 * libos-unix enters at the ELF entry point with rdi = argc, rsi = argv
 * and rsp 16-byte aligned (kernel/memlayout.h), which is already main's
 * calling convention: call it, and hand what it returns to exit, so that
 * a program whose main returns ends as if it had called exit.
 */
	.text
	.globl	_start
	.type	_start, @function
_start:
	xorl	%ebp, %ebp		/* the outermost frame, for debuggers */
	call	main
	movl	%eax, %edi
	call	exit
	ud2				/* exit does not return */
	.size	_start, . - _start

	.section .note.GNU-stack, "", @progbits
