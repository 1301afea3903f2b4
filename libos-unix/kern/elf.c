/*
 * elf.c - the checks a program passes before exec maps a byte of it.
 *
 * Everything an executable says is a claim to be checked: the header's
 * class, byte order, type and machine; the program headers' place in the
 * file; each loadable segment's place in the file and in the region (all
 * of it in [UNIX_USER_MIN, UNIX_STACK_LOW)), its sizes (no wrap-around,
 * memsz >= filesz, not absurdly big); that no two segments share a page;
 * that the entry point is in executable memory.  A static program has no
 * interpreter and no dynamic section: either is refused.  This file uses
 * nothing of the libOS, so the fuzzer (t/fuzz/fuzz_elf.c) runs it alone.
 */
#include "config.h"

#include <elf.h>
#include <string.h>

#include "kernel/memlayout.h"
#include "elf.h"

#define ELF_MAXMEM	(256UL << 20)	/* one segment, in memory */

/* Is [off, off + len) inside a buffer of size bytes? */
static int
elf_within(uint64_t off, uint64_t len, size_t size)
{
	return (off <= size && len <= size - off);
}

static int
elf_check_header(const Elf64_Ehdr *eh, size_t len)
{
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_ident[EI_VERSION] != EV_CURRENT ||
	    eh->e_type != ET_EXEC || eh->e_machine != EM_X86_64 ||
	    eh->e_version != EV_CURRENT)
		return (-1);
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 ||
	    eh->e_phnum > 64)
		return (-1);
	if (!elf_within(eh->e_phoff, (uint64_t)eh->e_phnum *
	    sizeof(Elf64_Phdr), len))
		return (-1);
	return (0);
}

static int
elf_check_seg(const Elf64_Phdr *ph, size_t len, struct elf_seg *s)
{
	if (ph->p_filesz > ph->p_memsz || ph->p_memsz > ELF_MAXMEM)
		return (-1);
	if (!elf_within(ph->p_offset, ph->p_filesz, len))
		return (-1);
	if (ph->p_vaddr < UNIX_USER_MIN || ph->p_vaddr >= UNIX_STACK_LOW ||
	    ph->p_memsz > UNIX_STACK_LOW - ph->p_vaddr)
		return (-1);
	s->va = ph->p_vaddr;
	s->memsz = ph->p_memsz;
	s->filesz = ph->p_filesz;
	s->off = ph->p_offset;
	s->write = (ph->p_flags & PF_W) != 0;
	s->exec = (ph->p_flags & PF_X) != 0;
	return (0);
}

/* Sort by address (a handful of segments) and refuse a shared page. */
static int
elf_check_layout(struct elf_image *img)
{
	struct elf_seg	t;
	uint64_t	lastpage, firstpage;
	int		i, j;

	for (i = 1; i < img->nseg; i++)
		for (j = i; j > 0 && img->seg[j].va < img->seg[j - 1].va; j--) {
			t = img->seg[j];
			img->seg[j] = img->seg[j - 1];
			img->seg[j - 1] = t;
		}
	for (i = 1; i < img->nseg; i++) {
		lastpage = (img->seg[i - 1].va + img->seg[i - 1].memsz - 1) /
		    UNIX_PAGE_SIZE;
		firstpage = img->seg[i].va / UNIX_PAGE_SIZE;
		if (firstpage <= lastpage)
			return (-1);
	}
	return (0);
}

/* 0 and *img filled, or -1: buf is not a program libos-unix runs. */
int
elf_parse(const unsigned char *buf, size_t len, struct elf_image *img)
{
	Elf64_Ehdr	eh;
	Elf64_Phdr	ph;
	uint64_t	end;
	int		i, entry_ok = 0;

	memset(img, 0, sizeof *img);
	if (len < sizeof eh)
		return (-1);
	memcpy(&eh, buf, sizeof eh);	/* buf need not be aligned */
	if (elf_check_header(&eh, len) != 0)
		return (-1);
	for (i = 0; i < eh.e_phnum; i++) {
		memcpy(&ph, buf + eh.e_phoff + (uint64_t)i * sizeof ph,
		    sizeof ph);
		if (ph.p_type == PT_INTERP || ph.p_type == PT_DYNAMIC)
			return (-1);
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (img->nseg == ELF_MAXSEG ||
		    elf_check_seg(&ph, len, &img->seg[img->nseg]) != 0)
			return (-1);
		img->nseg++;
	}
	if (img->nseg == 0 || elf_check_layout(img) != 0)
		return (-1);
	for (i = 0; i < img->nseg; i++) {
		end = img->seg[i].va + img->seg[i].memsz;
		if (end > img->end)
			img->end = end;
		if (img->seg[i].exec && eh.e_entry >= img->seg[i].va &&
		    eh.e_entry < end)
			entry_ok = 1;
	}
	if (!entry_ok)
		return (-1);
	img->entry = eh.e_entry;
	return (0);
}
