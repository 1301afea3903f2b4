/*
 * unix-host - run a libos-unix program on the host, for tests of the
 * user side that do not need the libOS (t/unix-user.t).
 *
 *	unix-host progdir program [arg ...]
 *
 * This is not libos-unix: no exo region, no emulated TLB, no protection
 * beyond the host's.  It maps the program's segments at their addresses
 * in this process, puts argc/argv on a stack at the top of the region as
 * libos-unix does, and answers the gate (kernel/memlayout.h) with the
 * host's own system calls: fork is the host's fork, exec runs unix-host
 * again on the new program (so descriptors pass on as in xv6), a program
 * that faults dies by the host's signal (wait reports -1, as for a
 * killed process).  fork is limited to NPROC unreaped children in the
 * whole tree, so that forktest finds a limit; the count is kept in a
 * shared memory file that exec passes on ($UNIX_HOST_FD).
 */
#define _GNU_SOURCE 1
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kernel/memlayout.h"
#include "kernel/param.h"
#include "kernel/syscall.h"

/* The user's view of the types (kernel/types.h, kernel/stat.h, fcntl.h). */
struct uh_stat {
	int		dev;
	unsigned	ino;
	short		type;
	short		nlink;
	uint64_t	size;
};
#define UH_T_DIR	1
#define UH_T_FILE	2
#define UH_T_DEVICE	3
#define UH_O_CREATE	0x200
#define UH_O_TRUNC	0x400
#define UH_TICK_NS	10000000L	/* 10 ms */

static const char	*uh_self;	/* /proc/self/exe, to exec again */
static const char	*uh_dir;	/* the program directory */
static uintptr_t	 uh_brk;	/* the program's break */
static int		*uh_nproc;	/* unreaped processes in the tree */

long	uh_syscall(long, long, long, long, long, long, long);
void	uh_gate(void);

/*
 * The gate's target.  A stub jumped to the gate with the call's number
 * in eax and its caller's return address on the stack: pass the number
 * as the seventh argument (on the stack) and return to that caller.
 */
__asm__(
	".text\n"
	".globl uh_gate\n"
	"uh_gate:\n"
	"	pushq %rax\n"
	"	call uh_syscall\n"
	"	addq $8, %rsp\n"
	"	ret\n");

static void
uh_die(const char *what)
{
	fprintf(stderr, "unix-host: %s: %s\n", what, strerror(errno));
	_exit(127);
}

/* A program's path in the host: a name in the program directory. */
static int
uh_find(const char *name, char *path, size_t size)
{
	while (*name == '/')
		name++;
	if (*name == '\0' || strstr(name, "..") != NULL)
		return -1;
	snprintf(path, size, "%s/%s", uh_dir, name);
	return access(path, R_OK);
}

static int
uh_map(uintptr_t lo, uintptr_t hi)
{
	lo &= ~(UNIX_PAGE_SIZE - 1);
	hi = (hi + UNIX_PAGE_SIZE - 1) & ~(UNIX_PAGE_SIZE - 1);
	if (hi <= lo)
		return 0;
	return mmap((void *)lo, hi - lo, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) ==
	    (void *)lo ? 0 : -1;
}

/* Load the ELF at path; its entry point, or 0. */
static uintptr_t
uh_load(const char *path)
{
	Elf64_Ehdr	eh;
	Elf64_Phdr	ph;
	int		fd, i, prot;
	uintptr_t	end = UNIX_USER_MIN;

	if ((fd = open(path, O_RDONLY)) < 0 ||
	    pread(fd, &eh, sizeof eh, 0) != sizeof eh ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_type != ET_EXEC || eh.e_machine != EM_X86_64)
		return 0;
	for (i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof ph, eh.e_phoff + i * sizeof ph) !=
		    sizeof ph)
			return 0;
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_vaddr < UNIX_USER_MIN || ph.p_memsz >
		    UNIX_STACK_LOW - ph.p_vaddr || ph.p_filesz > ph.p_memsz)
			return 0;
		if (uh_map(ph.p_vaddr, ph.p_vaddr + ph.p_memsz) < 0 ||
		    pread(fd, (void *)ph.p_vaddr, ph.p_filesz, ph.p_offset) !=
		    (ssize_t)ph.p_filesz)
			return 0;
		prot = ((ph.p_flags & PF_R) ? PROT_READ : 0) |
		    ((ph.p_flags & PF_W) ? PROT_WRITE : 0) |
		    ((ph.p_flags & PF_X) ? PROT_EXEC : 0);
		mprotect((void *)(ph.p_vaddr & ~(UNIX_PAGE_SIZE - 1)),
		    ph.p_vaddr + ph.p_memsz - (ph.p_vaddr &
		    ~(UNIX_PAGE_SIZE - 1)), prot);
		if (ph.p_vaddr + ph.p_memsz > end)
			end = ph.p_vaddr + ph.p_memsz;
	}
	close(fd);
	uh_brk = (end + UNIX_PAGE_SIZE - 1) & ~(UNIX_PAGE_SIZE - 1);
	return eh.e_entry;
}

static long
uh_exec(const char *name, char **uargv)
{
	char	 path[1024], magic[SELFMAG];
	char	*argv[MAXARG + 5];
	int	 i, fd;
	ssize_t	 n;

	if (uh_find(name, path, sizeof path) < 0)
		return -1;
	argv[0] = (char *)uh_self;
	argv[1] = (char *)uh_dir;
	argv[2] = "-e";
	argv[3] = path;
	for (i = 0; uargv[i] != NULL; i++) {
		if (i == MAXARG)
			return -1;
		argv[4 + i] = uargv[i];
	}
	argv[4 + i] = NULL;
	/* Only an ELF file: a failed exec must leave the caller going. */
	if ((fd = open(path, O_RDONLY)) < 0)
		return -1;
	n = read(fd, magic, sizeof magic);
	close(fd);
	if (n != sizeof magic || memcmp(magic, ELFMAG, SELFMAG) != 0)
		return -1;
	execv(uh_self, argv);
	return -1;
}

static long
uh_wait(int *status)
{
	int	s;
	pid_t	pid;

	if ((pid = waitpid(-1, &s, 0)) < 0)
		return -1;
	__atomic_fetch_sub(uh_nproc, 1, __ATOMIC_SEQ_CST);
	if (status != NULL)
		*status = WIFEXITED(s) ? (signed char)WEXITSTATUS(s) : -1;
	return pid;
}

static long
uh_fork(void)
{
	pid_t	pid;

	if (__atomic_add_fetch(uh_nproc, 1, __ATOMIC_SEQ_CST) > NPROC) {
		__atomic_fetch_sub(uh_nproc, 1, __ATOMIC_SEQ_CST);
		return -1;
	}
	if ((pid = fork()) < 0)
		__atomic_fetch_sub(uh_nproc, 1, __ATOMIC_SEQ_CST);
	return pid;
}

static long
uh_sbrk(long n)
{
	uintptr_t	old = uh_brk, new = uh_brk + n, mapped;

	if (new < UNIX_USER_MIN || new > UNIX_STACK_LOW)
		return -1;
	/* Pages up to the old break's page end are mapped already. */
	mapped = (old + UNIX_PAGE_SIZE - 1) & ~(UNIX_PAGE_SIZE - 1);
	if (new > mapped && uh_map(mapped, new) < 0)
		return -1;
	uh_brk = new;
	return (long)old;
}

static long
uh_fstat(int fd, struct uh_stat *ust)
{
	struct stat	st;

	if (fstat(fd, &st) < 0)
		return -1;
	ust->dev = (int)st.st_dev;
	ust->ino = (unsigned)st.st_ino;
	ust->type = S_ISDIR(st.st_mode) ? UH_T_DIR : S_ISREG(st.st_mode) ?
	    UH_T_FILE : UH_T_DEVICE;
	ust->nlink = (short)st.st_nlink;
	ust->size = (uint64_t)st.st_size;
	return 0;
}

static long
uh_open(const char *path, int flags)
{
	char	prog[1024];
	int	hflags = flags & 3;

	if (flags & UH_O_CREATE)
		hflags |= O_CREAT;
	if (flags & UH_O_TRUNC)
		hflags |= O_TRUNC;
	/* A program opened by name, as cat, stat and ulibtest do. */
	if (hflags == O_RDONLY && access(path, F_OK) < 0 &&
	    uh_find(path, prog, sizeof prog) == 0)
		path = prog;
	return open(path, hflags, 0644);
}

long
uh_syscall(long a0, long a1, long a2, long a3, long a4, long a5, long num)
{
	struct timespec	ts;
	long		r;

	(void)a3; (void)a4; (void)a5;
	switch ((int)num) {
	case SYS_fork:		r = uh_fork(); break;
	case SYS_exit:		_exit((int)a0 & 0xff);
	case SYS_wait:		r = uh_wait((int *)a0); break;
	case SYS_pipe:		r = pipe((int *)a0); break;
	case SYS_read:		r = read((int)a0, (void *)a1, (int)a2); break;
	case SYS_write:		r = write((int)a0, (void *)a1, (int)a2); break;
	case SYS_close:		r = close((int)a0); break;
	case SYS_kill:		r = kill((pid_t)a0, SIGKILL); break;
	case SYS_exec:		r = uh_exec((char *)a0, (char **)a1); break;
	case SYS_open:		r = uh_open((char *)a0, (int)a1); break;
	case SYS_fstat:		r = uh_fstat((int)a0, (void *)a1); break;
	case SYS_unlink:	r = unlink((char *)a0); break;
	case SYS_link:		r = link((char *)a0, (char *)a1); break;
	case SYS_symlink:	r = symlink((char *)a0, (char *)a1); break;
	case SYS_mkdir:		r = mkdir((char *)a0, 0755); break;
	case SYS_chdir:		r = chdir((char *)a0); break;
	case SYS_dup:		r = dup((int)a0); break;
	case SYS_getpid:	r = getpid(); break;
	case SYS_sbrk:		r = uh_sbrk((int)a0); break;
	case SYS_nop:		r = 0; break;
	case SYS_sleep:
		ts.tv_sec = a0 * UH_TICK_NS / 1000000000L;
		ts.tv_nsec = a0 * UH_TICK_NS % 1000000000L;
		r = (int)a0 < 0 ? -1 : nanosleep(&ts, NULL);
		break;
	case SYS_uptime:
		clock_gettime(CLOCK_MONOTONIC, &ts);
		r = (ts.tv_sec * 1000000000L + ts.tv_nsec) / UH_TICK_NS;
		break;
	default:		r = -1; break;	/* mknod, procinfo, ... */
	}
	return r < 0 ? -1 : r;
}

/* The gate page: one jump to uh_gate, at UNIX_GATE_VA. */
static void
uh_gate_map(void)
{
	unsigned char	*p = (void *)UNIX_GATE_VA;
	uintptr_t	 target = (uintptr_t)uh_gate;

	if (uh_map(UNIX_GATE_VA, UNIX_GATE_VA + UNIX_PAGE_SIZE) < 0)
		uh_die("gate");
	p[0] = 0x49;			/* movabs $target, %r11 */
	p[1] = 0xbb;
	memcpy(p + 2, &target, 8);
	p[10] = 0x41;			/* jmp *%r11 */
	p[11] = 0xff;
	p[12] = 0xe3;
	mprotect(p, UNIX_PAGE_SIZE, PROT_READ | PROT_EXEC);
}

/* The process counter: made by the first unix-host, inherited after. */
static void
uh_counter(void)
{
	const char	*s = getenv("UNIX_HOST_FD");
	char		 num[16];
	int		 fd;

	if (s != NULL)
		fd = atoi(s);
	else {
		if ((fd = memfd_create("unix-host", 0)) < 0 ||
		    ftruncate(fd, sizeof *uh_nproc) < 0)
			uh_die("memfd");
		snprintf(num, sizeof num, "%d", fd);
		setenv("UNIX_HOST_FD", num, 1);
	}
	uh_nproc = mmap(NULL, sizeof *uh_nproc, PROT_READ | PROT_WRITE,
	    MAP_SHARED, fd, 0);
	if (uh_nproc == MAP_FAILED)
		uh_die("mmap counter");
}

int
main(int argc, char *argv[])
{
	uintptr_t	 entry, sp;
	char		 path[1024], **uargv;
	int		 i, uargc, first;
	size_t		 len;

	if (argc < 3) {
		fprintf(stderr, "usage: unix-host progdir program [arg ...]\n");
		return 2;
	}
	uh_self = "/proc/self/exe";
	uh_dir = argv[1];
	uh_counter();
	first = 2;
	if (strcmp(argv[2], "-e") == 0 && argc > 3) {
		/* From uh_exec: the path, then the program's argv. */
		snprintf(path, sizeof path, "%s", argv[3]);
		first = 4;
	} else if (uh_find(argv[2], path, sizeof path) < 0) {
		fprintf(stderr, "unix-host: %s: not found\n", argv[2]);
		return 127;
	}
	if (uh_map(UNIX_STACK_LOW, UNIX_STACK_TOP) < 0)
		uh_die("stack");
	if ((entry = uh_load(path)) == 0) {
		fprintf(stderr, "unix-host: %s: cannot load\n", path);
		return 127;
	}
	uh_gate_map();

	/* argv's strings, then the pointers, at the top of the stack. */
	uargc = argc - first;
	sp = UNIX_STACK_TOP;
	uargv = (char **)((UNIX_STACK_TOP - 65536) & ~15UL);
	for (i = 0; i < uargc; i++) {
		len = strlen(argv[first + i]) + 1;
		sp -= len;
		memcpy((void *)sp, argv[first + i], len);
		uargv[i] = (char *)sp;
	}
	uargv[uargc] = NULL;
	sp = ((uintptr_t)uargv - 64) & ~15UL;
	__asm__ volatile(
	    "movq %0, %%rsp\n"
	    "xorl %%ebp, %%ebp\n"
	    "jmp *%3\n"
	    :: "r"(sp), "D"((long)uargc), "S"(uargv), "r"(entry)
	    : "memory");
	__builtin_unreachable();
}
