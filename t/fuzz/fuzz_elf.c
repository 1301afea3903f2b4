/*
 * fuzz_elf.c - libFuzzer target for libos-unix's ELF checks (kern/elf.c),
 * the first thing exec does with a program's bytes.
 *
 * Seeded (t/fuzz/corpus-elf/) with the project's own programs.  Beyond
 * "no crash, no out-of-bounds read", every image elf_parse accepts must
 * keep the promises exec relies on; a broken one aborts.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "kernel/memlayout.h"
#include "../../libos-unix/kern/elf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_image	img;
	const struct elf_seg	*s;
	int			i, entry_ok = 0;

	if (elf_parse(data, size, &img) != 0)
		return (0);
	if (img.nseg < 1 || img.nseg > ELF_MAXSEG)
		abort();
	for (i = 0; i < img.nseg; i++) {
		s = &img.seg[i];
		if (s->filesz > s->memsz || s->off > size ||
		    s->filesz > size - s->off)
			abort();	/* exec would read past the file */
		if (s->va < UNIX_USER_MIN || s->va >= UNIX_STACK_LOW ||
		    s->memsz > UNIX_STACK_LOW - s->va)
			abort();	/* or map outside the user range */
		if (i > 0 && s->va / UNIX_PAGE_SIZE <= (img.seg[i - 1].va +
		    img.seg[i - 1].memsz - 1) / UNIX_PAGE_SIZE)
			abort();	/* or map one page twice */
		if (s->exec && img.entry >= s->va &&
		    img.entry < s->va + s->memsz)
			entry_ok = 1;
	}
	if (!entry_ok || img.end > UNIX_STACK_LOW)
		abort();
	return (0);
}
