/*
 * exec.c - replace a process's memory with a program.
 *
 * The program is read whole from the file system (fsfile_load), checked
 * by elf_parse, and copied page by
 * page into a fresh address space through the frames' kernel mappings;
 * the arguments go on a new user stack.  Only when all of that worked
 * does the process give up its old address space: a program that fails
 * any check leaves the caller exactly as it was, with exec returning -1.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/memlayout.h"
#include "defs.h"
#include "proc.h"
#include "vm.h"
#include "elf.h"

#define EXEC_PAGE(va)	((va) & ~(UNIX_PAGE_SIZE - 1))

/* Map segment s of the program in buf into vm. */
static int
exec_segment(struct vm *vm, const unsigned char *buf, const struct elf_seg *s)
{
	uint64_t	 va, end = s->va + s->memsz, flags = 0, *pte;
	uint64_t	 from, to;
	unsigned char	*k;

	if (s->write)
		flags |= PTE_W;
	if (s->exec)
		flags |= PTE_X;
	for (va = EXEC_PAGE(s->va); va < end; va += UNIX_PAGE_SIZE) {
		if (vm_map_zero(vm, va, flags) != 0)
			return (-1);
		pte = vm_pte(vm, va, 0);
		k = frame_kva(PTE_FRAME(*pte));
		/* The file's bytes that land in this page, if any. */
		from = va > s->va ? va : s->va;
		to = va + UNIX_PAGE_SIZE < s->va + s->filesz ?
		    va + UNIX_PAGE_SIZE : s->va + s->filesz;
		if (from < to)
			memcpy(k + (from - va), buf + s->off + (from - s->va),
			    to - from);
	}
	return (0);
}

/* argv (a null-terminated vector of kernel strings) onto vm's stack. */
static int
exec_stack(struct vm *vm, char **argv, uint64_t *spp, int *argcp)
{
	uint64_t	ustack[MAXARG + 1];
	uint64_t	sp = UNIX_STACK_TOP;
	size_t		len;
	int		argc;

	for (argc = 0; argv[argc] != NULL; argc++) {
		if (argc >= MAXARG)
			return (-1);
		len = strlen(argv[argc]) + 1;
		sp = (sp - len) & ~(uint64_t)7;
		if (vm_copyout(vm, sp, argv[argc], len) != 0)
			return (-1);
		ustack[argc] = sp;
	}
	ustack[argc] = 0;
	sp -= (uint64_t)(argc + 1) * sizeof(uint64_t);
	sp &= ~(uint64_t)15;
	if (vm_copyout(vm, sp, ustack, (uint64_t)(argc + 1) *
	    sizeof(uint64_t)) != 0)
		return (-1);
	*spp = sp;
	*argcp = argc;
	return (0);
}

/* Run the program path (from p's directory, or / for a bare name: see
 * fsfile_load) with argv in p; -1 and p untouched. */
int
exec_run(struct proc *p, const char *name, char **argv)
{
	struct elf_image	 img;
	struct trapframe	*tf = p->tf;
	struct vm		*vm = NULL, *old;
	unsigned char		*buf = NULL;
	const char		*last;
	size_t			 len;
	uint64_t		 sp;
	int			 i, argc;

	if (fsfile_load(p, name, &buf, &len) != 0)
		return (-1);
	if (elf_parse(buf, len, &img) != 0)
		goto bad;
	if ((vm = vm_new()) == NULL)
		goto bad;
	for (i = 0; i < img.nseg; i++)
		if (exec_segment(vm, buf, &img.seg[i]) != 0)
			goto bad;
	vm->heap0 = vm->sz = (img.end + UNIX_PAGE_SIZE - 1) &
	    ~(UNIX_PAGE_SIZE - 1);
	if (exec_stack(vm, argv, &sp, &argc) != 0)
		goto bad;
	free(buf);

	/* The point of no return. */
	old = p->vm;
	p->vm = vm;
	p->sig_handler = 0;	/* the handler was the old image's */
	p->sig_active = 0;
	vm_tlb_flush();
	mmap_release(old);	/* shared pages written back: may sleep */
	vm_free(old);
	last = strrchr(name, '/');
	last = last != NULL ? last + 1 : name;
	(void)snprintf(p->name, sizeof p->name, "%s", last);
	memset(tf, 0, sizeof *tf);
	sched_fpu_clean(tf->fpu);
	tf->fpvalid = 1;
	tf->mxcsr = 0x1f80;
	tf->rflags = TF_RFLAGS_IF;
	tf->rip = img.entry;
	tf->rsp = sp;
	tf->rdi = (uint64_t)argc;
	tf->rsi = sp;
	return (argc);
bad:
	vm_free(vm);
	free(buf);
	return (-1);
}
