/*
 * elf.h - what libos-unix accepts as a program, parsed and checked.
 */
#ifndef KERN_ELF_H
#define KERN_ELF_H

#include <stddef.h>
#include <stdint.h>

#define ELF_MAXSEG	16

struct elf_seg {
	uint64_t	va;	/* first byte, in the region */
	uint64_t	memsz;	/* bytes in memory, >= filesz */
	uint64_t	filesz;	/* bytes from the file, at off */
	uint64_t	off;
	int		write;	/* PF_W */
	int		exec;	/* PF_X */
};

struct elf_image {
	uint64_t	entry;	/* inside an executable segment */
	uint64_t	end;	/* one past the highest segment byte */
	int		nseg;
	struct elf_seg	seg[ELF_MAXSEG];	/* sorted by va, disjoint */
};

int	elf_parse(const unsigned char *, size_t, struct elf_image *);

#endif
