/*
 * kernel/memlayout.h - where a libos-unix process lives.
 *
 * Every process sees the same range of virtual addresses: the exo region
 * that libos-unix reserves with exo_as_create(3) at a fixed address.  User
 * programs are static ELF executables linked for it (libos-unix/user/user.ld)
 * and the libOS refuses any segment outside [UNIX_USER_MIN, UNIX_STACK_LOW).
 *
 * The base lies above 16 TiB so that it is also free in an AddressSanitizer
 * build (ASan's shadow and its gap cover everything below 0x10007fff8000).
 *
 *	UNIX_REGION_BASE	page 0 of the region: never mapped (guard)
 *	UNIX_GATE_VA		the system-call gate: one read+execute page,
 *				the same frame in every process
 *	UNIX_USER_MIN		first address of text (the linker script's base)
 *	   ... text, data, bss, then the heap (sbrk) growing up ...
 *	UNIX_STACK_LOW		lowest address of the user stack
 *	UNIX_STACK_TOP		one past the highest: the region's end
 *
 * The gate's calling convention (what ulib's stubs do, what the libOS's
 * entry expects):
 *	a stub is called as an ordinary C function (System V AMD64): the
 *	arguments are in rdi, rsi, rdx, rcx, r8, r9; the stub puts the
 *	system-call number in eax and jumps (not calls) to UNIX_GATE_VA, so
 *	the return address on the user stack is the stub's caller's.  The
 *	libOS returns there with the result in rax (sign-extended: -1 is an
 *	error), preserving rbx, rbp, rsp, r12-r15 and clearing DF, as any C
 *	function would.
 *
 * A process starts at its ELF entry with rsp 16-byte aligned, rdi = argc
 * and rsi = argv (an array of argc pointers and a null, on the user stack).
 */
#ifndef KERNEL_MEMLAYOUT_H
#define KERNEL_MEMLAYOUT_H

#define UNIX_PAGE_SIZE		0x1000UL
#define UNIX_REGION_BASE	0x200000000000UL	/* 32 TiB */
#define UNIX_REGION_SIZE	0x40000000UL		/* 1 GiB per process */
#define UNIX_GATE_VA		(UNIX_REGION_BASE + 0x1000UL)
#define UNIX_USER_MIN		(UNIX_REGION_BASE + 0x10000UL)
#define UNIX_STACK_TOP		(UNIX_REGION_BASE + UNIX_REGION_SIZE)
#define UNIX_STACK_SIZE		0x100000UL		/* 1 MiB */
#define UNIX_STACK_LOW		(UNIX_STACK_TOP - UNIX_STACK_SIZE)

#endif
