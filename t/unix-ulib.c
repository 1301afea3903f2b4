/*
 * unix-ulib.t - the user programs of libos-unix are executables that its
 * exec can load: static x86-64 ELF, linked for the region.
 *
 * For every program the build lists ($EXO_UNIX_PROGS, from Makefile.am's
 * UNIX_PROGS) in the program directory (libos-unix/user/ of the build):
 * an ET_EXEC for x86-64, little-endian, 64-bit; no interpreter and no
 * dynamic section; every loadable segment page-aligned in memory and in
 * the file (so exec can map it page by page), its file bytes within
 * the file and no more than its memory size, inside [UNIX_USER_MIN,
 * UNIX_STACK_LOW), none overlapping another, none both writable and
 * executable; and the entry point in an executable segment.  The
 * runtime's archive and crt0 are there too.  The xv6-style programs
 * among them were compiled with xv6's own -Wall -Werror: that they exist
 * shows the headers take a program written for xv6.
 */
#include <sys/stat.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "tap.h"

#include "kernel/memlayout.h"

#define MAX_PHDRS	16

struct elf_file {
	unsigned char	*buf;		/* the whole file */
	size_t		 len;
};

static int
elf_read(const char *path, struct elf_file *f)
{
	struct stat	st;
	ssize_t		n;
	int		fd;

	f->buf = NULL;
	if ((fd = open(path, O_RDONLY)) < 0)
		return -1;
	if (fstat(fd, &st) < 0 || st.st_size <= 0 ||
	    (f->buf = malloc(st.st_size)) == NULL) {
		close(fd);
		return -1;
	}
	n = read(fd, f->buf, st.st_size);
	close(fd);
	f->len = n > 0 ? (size_t)n : 0;
	return n == st.st_size ? 0 : -1;
}

/* Check one program; the reason it fails, or NULL. */
static const char *
elf_check(const struct elf_file *f)
{
	Elf64_Ehdr	 eh;
	Elf64_Phdr	 ph[MAX_PHDRS];
	size_t		 i, j, nload = 0;
	int		 entry_ok = 0;

	if (f->len < sizeof eh)
		return "shorter than an ELF header";
	memcpy(&eh, f->buf, sizeof eh);
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
		return "no ELF magic";
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return "not 64-bit little-endian";
	if (eh.e_type != ET_EXEC)
		return "not ET_EXEC";
	if (eh.e_machine != EM_X86_64)
		return "not x86-64";
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 ||
	    eh.e_phnum > MAX_PHDRS ||
	    eh.e_phoff + eh.e_phnum * sizeof(Elf64_Phdr) > f->len)
		return "bad program header table";
	memcpy(ph, f->buf + eh.e_phoff, eh.e_phnum * sizeof(Elf64_Phdr));
	for (i = 0; i < eh.e_phnum; i++) {
		if (ph[i].p_type == PT_INTERP)
			return "has PT_INTERP";
		if (ph[i].p_type == PT_DYNAMIC)
			return "has PT_DYNAMIC";
		if (ph[i].p_type != PT_LOAD)
			continue;
		nload++;
		if (ph[i].p_vaddr % UNIX_PAGE_SIZE != 0 ||
		    ph[i].p_offset % UNIX_PAGE_SIZE != 0)
			return "segment not page-aligned";
		if (ph[i].p_filesz > ph[i].p_memsz ||
		    ph[i].p_offset + ph[i].p_filesz > f->len)
			return "segment's file size wrong";
		if (ph[i].p_vaddr < UNIX_USER_MIN ||
		    ph[i].p_memsz > UNIX_STACK_LOW - ph[i].p_vaddr)
			return "segment outside the region";
		if ((ph[i].p_flags & PF_W) && (ph[i].p_flags & PF_X))
			return "segment writable and executable";
		if ((ph[i].p_flags & PF_X) && eh.e_entry >= ph[i].p_vaddr &&
		    eh.e_entry < ph[i].p_vaddr + ph[i].p_memsz)
			entry_ok = 1;
		for (j = 0; j < i; j++) {
			if (ph[j].p_type == PT_LOAD &&
			    ph[i].p_vaddr < ph[j].p_vaddr + ph[j].p_memsz &&
			    ph[j].p_vaddr < ph[i].p_vaddr + ph[i].p_memsz)
				return "segments overlap";
		}
	}
	if (nload == 0)
		return "no loadable segment";
	if (!entry_ok)
		return "entry point not in an executable segment";
	return NULL;
}

int
main(void)
{
	const char	*progs, *why;
	char		 dir[512], path[600], *list, *name, *save;
	struct elf_file	 f;
	struct stat	 st;
	int		 n = 0;

	plan_lazy();
	if ((progs = getenv("EXO_UNIX_PROGS")) == NULL)
		skip_all("EXO_UNIX_PROGS not set (run from make check)");
	snprintf(dir, sizeof dir, "%s", th_path("libos-unix/user"));
	if ((list = strdup(progs)) == NULL)
		sysbail("strdup");
	for (name = strtok_r(list, " \t", &save); name != NULL;
	    name = strtok_r(NULL, " \t", &save)) {
		snprintf(path, sizeof path, "%s/%s", dir, name);
		if (elf_read(path, &f) < 0) {
			ok(0, "%s: read %s: %s", name, path, strerror(errno));
			free(f.buf);
			continue;
		}
		why = elf_check(&f);
		ok(why == NULL, "%s: a loadable static ELF for the region%s%s",
		    name, why != NULL ? ": " : "", why != NULL ? why : "");
		free(f.buf);
		n++;
	}
	free(list);
	ok(n >= 4, "the build lists programs (%d)", n);
	snprintf(path, sizeof path, "%s/../ulib/libulib.a", dir);
	ok(stat(path, &st) == 0 && st.st_size > 0, "ulib's archive is built");
	snprintf(path, sizeof path, "%s/../ulib/crt0.o", dir);
	ok(stat(path, &st) == 0 && st.st_size > 0, "crt0.o is built");

	/* The checker itself must refuse what exec must refuse. */
	{
		unsigned char	bad[sizeof(Elf64_Ehdr)];

		memset(bad, 0, sizeof bad);
		f.buf = bad;
		f.len = sizeof bad;
		ok(elf_check(&f) != NULL, "the check refuses a zero header");
	}
	return tap_failures() != 0;
}
