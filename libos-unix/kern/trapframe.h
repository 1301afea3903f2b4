/*
 * trapframe.h - where a process's user registers are kept while it is in
 * the libOS.  Shared by the C code (struct trapframe in proc.h) and the
 * entry and exit paths in trapasm.S, which address the fields by these
 * offsets; proc.c checks that the two agree.
 */
#ifndef KERN_TRAPFRAME_H
#define KERN_TRAPFRAME_H

#define TF_FPU		0	/* 512 bytes, fxsave image, 16-aligned */
#define TF_RAX		512
#define TF_RBX		520
#define TF_RCX		528
#define TF_RDX		536
#define TF_RSI		544
#define TF_RDI		552
#define TF_RBP		560
#define TF_RSP		568
#define TF_R8		576
#define TF_R9		584
#define TF_R10		592
#define TF_R11		600
#define TF_R12		608
#define TF_R13		616
#define TF_R14		624
#define TF_R15		632
#define TF_RIP		640
#define TF_RFLAGS	648
#define TF_MXCSR	656
#define TF_FPVALID	660	/* 1: the way out restores the FPU and
				   every register; 0: a system call's
				   quick way (trapasm.S), rax only */
#define TF_SIZE		672

/* The syscall-user-dispatch selector values (linux/prctl.h). */
#define SUD_ALLOW	0
#define SUD_BLOCK	1

/* rflags bits a user program may set: CF PF AF ZF SF DF OF, and IF. */
#define TF_RFLAGS_USER	0x0cd5
#define TF_RFLAGS_IF	0x0200

#endif
