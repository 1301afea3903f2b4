/*
 * kernel/types.h - the fixed-width names xv6 programs use.
 *
 * The user side of libos-unix is LP64 (x86-64): int is 32 bits, long and
 * pointers 64.  These are the names, not the host's: a user program sees
 * no libc header.
 */
#ifndef KERNEL_TYPES_H
#define KERNEL_TYPES_H

typedef unsigned int	uint;
typedef unsigned short	ushort;
typedef unsigned char	uchar;

typedef unsigned char	uint8;
typedef unsigned short	uint16;
typedef unsigned int	uint32;
typedef unsigned long	uint64;

typedef uint64		pde_t;

#endif
