/*
 * prottest - mprotect, sigsegv and sigreturn, checked.
 *
 *	prottest [case ...]
 *
 * Runs the named cases (all of them without arguments), each printing
 * "prottest: CASE ok", or what went wrong and exit 1.  A case that
 * expects a process to die forks it and checks its exit status (-1:
 * libos-unix killed it); libos-unix names each such process on its
 * standard error ("segmentation fault at ...: killed"), which the test
 * counts.  "prottest execchild" is what the exec case runs.
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"

#define PAGE	4096
#define NPG	8

static const char	*pt_case = "?";

/* What the handler saw and does. */
static volatile int	 pt_traps;
static char *volatile	 pt_addr;		/* the last fault's address */
static char *volatile	 pt_base;		/* the pages it may open */
static volatile int	 pt_npages;
static volatile int	 pt_open = PROT_READ | PROT_WRITE; /* it gives */
static volatile int	 pt_return;		/* 1: return, not sigreturn */
static volatile int	 pt_nested;		/* 1: touch a protected page */
static volatile int	 pt_other = -1;		/* page it protects (appel1) */

static void
pt_fail(const char *why)
{
	printf("prottest: %s: %s\n", pt_case, why);
	exit(1);
}

static void
pt_handler(void *addr)
{
	char	*a = addr, *pg;
	int	 o = pt_open;

	pt_traps++;
	pt_addr = a;
	if (pt_nested)
		(void)*(volatile char *)pt_base;	/* protected: dies */
	if (a < pt_base || a >= pt_base + pt_npages * PAGE) {
		printf("prottest: %s: a fault at %p, outside the pages\n",
		    pt_case, a);
		exit(2);
	}
	pg = pt_base + (a - pt_base) / PAGE * PAGE;
	if (o == PROT_READ)	/* once: the next trap opens it all */
		pt_open = PROT_READ | PROT_WRITE;
	if (mprotect(pg, PAGE, o) != 0)
		exit(3);
	if (pt_other >= 0 && mprotect(pt_base + pt_other * PAGE, PAGE,
	    PROT_NONE) != 0)
		exit(4);
	if (pt_return)
		return;		/* to the gate's stub: sigreturn too */
	sigreturn();
	exit(5);		/* sigreturn does not come back */
}

/* NPG fresh pages of heap, page-aligned, each touched; the handler's. */
static char *
pt_pages(int n)
{
	char	*p = sbrk(0), *q;
	int	 i;

	if (((uint64)p & (PAGE - 1)) != 0 &&
	    sbrk(PAGE - (int)((uint64)p & (PAGE - 1))) == (char *)-1)
		pt_fail("sbrk");
	if ((q = sbrk(n * PAGE)) == (char *)-1)
		pt_fail("sbrk");
	for (i = 0; i < n; i++)
		q[i * PAGE] = (char)i;
	pt_base = q;
	pt_npages = n;
	pt_traps = 0;
	pt_open = PROT_READ | PROT_WRITE;
	pt_return = 0;
	pt_nested = 0;
	pt_other = -1;
	return (q);
}

/* Fork fn's process; its exit status. */
static int
pt_child(void (*fn)(void))
{
	int	pid, st = 0;

	if ((pid = fork()) < 0)
		pt_fail("fork");
	if (pid == 0) {
		fn();
		exit(0);
	}
	if (wait(&st) != pid)
		pt_fail("wait");
	return (st);
}

/* The handler gets the faulting address; the access is made again. */
static void
pt_addr_case(void)
{
	volatile char	*p = pt_pages(NPG);
	int		 i, off[] = { 0, 1, 100, 2047, 4095 };

	if (sigsegv(pt_handler) != 0)
		pt_fail("sigsegv refused a handler");
	for (i = 0; i < 5; i++) {
		if (mprotect((char *)p, NPG * PAGE, PROT_NONE) != 0)
			pt_fail("mprotect PROT_NONE");
		p[i * PAGE + off[i]] = (char)(0x40 + i);	/* a store */
		if (pt_traps != 2 * i + 1 ||
		    pt_addr != p + i * PAGE + off[i])
			pt_fail("the handler did not see the store's address");
		if (p[(i + 1) * PAGE + off[i]] != (off[i] == 0 ?
		    (char)(i + 1) : 0) ||
		    pt_traps != 2 * i + 2 ||
		    pt_addr != p + (i + 1) * PAGE + off[i])
			pt_fail("the handler did not see the load's address");
		if (p[i * PAGE + off[i]] != (char)(0x40 + i))
			pt_fail("the store made again did not land");
	}
	(void)mprotect((char *)p, NPG * PAGE, PROT_READ | PROT_WRITE);
	sigsegv(0);
}

/* What each protection lets through, for the program and the kernel. */
static void
pt_hold(void)
{
	volatile char	*p = pt_pages(NPG);
	int		 fd[2], t;

	if (sigsegv(pt_handler) != 0)
		pt_fail("sigsegv");
	/* PROT_READ: loads go, a store traps. */
	if (mprotect((char *)p, NPG * PAGE, PROT_READ) != 0)
		pt_fail("mprotect PROT_READ");
	t = p[0] + p[PAGE] + p[2 * PAGE];
	if (t != 0 + 1 + 2 || pt_traps != 0)
		pt_fail("a load of a read-only page trapped");
	p[3 * PAGE + 5] = 9;
	if (pt_traps != 1 || pt_addr != p + 3 * PAGE + 5)
		pt_fail("a store to a read-only page did not trap");
	p[3 * PAGE + 6] = 9;			/* opened by the handler */
	if (pt_traps != 1)
		pt_fail("a store to the page opened again trapped");
	/* PROT_NONE: a load traps too. */
	if (mprotect((char *)p + 4 * PAGE, PAGE, PROT_NONE) != 0)
		pt_fail("mprotect PROT_NONE");
	t = p[4 * PAGE];
	if (pt_traps != 2 || t != 4)
		pt_fail("a load of a PROT_NONE page did not trap");
	/* The handler gives back only PROT_READ: the store traps twice. */
	if (mprotect((char *)p + 5 * PAGE, PAGE, PROT_NONE) != 0)
		pt_fail("mprotect PROT_NONE");
	pt_open = PROT_READ;
	p[5 * PAGE] = 1;	/* NONE -> READ, then READ -> READ|WRITE */
	if (pt_traps != 4)
		pt_fail("a store to PROT_NONE opened to PROT_READ");
	pt_open = PROT_READ | PROT_WRITE;
	/* The kernel keeps them too: read(2) into a read-only page, and
	 * write(2) from a PROT_NONE one, are errors, not traps. */
	if (pipe(fd) != 0 || write(fd[1], "xy", 2) != 2)
		pt_fail("pipe");
	(void)mprotect((char *)p + 6 * PAGE, PAGE, PROT_READ);
	(void)mprotect((char *)p + 7 * PAGE, PAGE, PROT_NONE);
	if (read(fd[0], (char *)p + 6 * PAGE, 1) != -1 ||
	    write(fd[1], (char *)p + 7 * PAGE, 1) != -1 || pt_traps != 4)
		pt_fail("the kernel went past a protection");
	close(fd[0]);
	close(fd[1]);
	if (pipe(fd) != 0 || write(fd[1], "xy", 2) != 2 ||
	    read(fd[0], (char *)p + 5 * PAGE, 2) != 2 || p[5 * PAGE] != 'x')
		pt_fail("read(2) into an open page");
	close(fd[0]);
	close(fd[1]);
	(void)mprotect((char *)p, NPG * PAGE, PROT_READ | PROT_WRITE);
	sigsegv(0);
}

/* Registers live across the fault: a loop's state comes through. */
static void
pt_regs(void)
{
	volatile char	*p = pt_pages(NPG);
	uint64		 a = 1, b = 2, c = 3, d = 4, e = 5, f = 6;
	double		 x = 1.5, y = 0.25;
	int		 i;

	sigsegv(pt_handler);
	for (i = 0; i < 64; i++) {
		(void)mprotect((char *)p + (i % NPG) * PAGE, PAGE, PROT_NONE);
		a = a * 3 + b;
		b ^= c << 1;
		c += d * e;
		d = d * 7 + f;
		e += a;
		f ^= b + c;
		x = x * 1.01 + y;
		p[(i % NPG) * PAGE + i] = (char)(a + b + c + d + e + f);
		y += x / 3;
		if (p[(i % NPG) * PAGE + i] != (char)(a + b + c + d + e + f))
			pt_fail("the store made again stored something else");
	}
	if (pt_traps != 64)
		pt_fail("not every access trapped");
	/* The same, computed without traps. */
	{
		uint64	A = 1, B = 2, C = 3, D = 4, E = 5, F = 6;
		double	X = 1.5, Y = 0.25;

		for (i = 0; i < 64; i++) {
			A = A * 3 + B;
			B ^= C << 1;
			C += D * E;
			D = D * 7 + F;
			E += A;
			F ^= B + C;
			X = X * 1.01 + Y;
			Y += X / 3;
		}
		if (A != a || B != b || C != c || D != d || E != e ||
		    F != f || X != x || Y != y)
			pt_fail("a register changed across a fault");
	}
	sigsegv(0);
}

/* A handler that returns (to the gate's stub) resumes all the same. */
static void
pt_ret(void)
{
	volatile char	*p = pt_pages(NPG);

	sigsegv(pt_handler);
	pt_return = 1;
	(void)mprotect((char *)p, PAGE, PROT_NONE);
	p[10] = 77;
	if (pt_traps != 1 || p[10] != 77)
		pt_fail("a handler that returned did not resume the access");
	sigsegv(0);
}

/* appel1: the handler protects another page as it opens this one. */
static void
pt_appel(void)
{
	volatile char	*p = pt_pages(NPG);
	int		 i, sum = 0;

	sigsegv(pt_handler);
	(void)mprotect((char *)p, NPG * PAGE, PROT_NONE);
	for (i = 0; i < 32; i++) {
		pt_other = (i + 1) % NPG;
		sum += p[(i % NPG) * PAGE];
	}
	/* Page i is closed again by the trap of page i - 1: each traps. */
	if (pt_traps != 32 || sum != 4 * (0 + 1 + 2 + 3 + 4 + 5 + 6 + 7))
		pt_fail("a protection set in the handler did not hold");
	pt_other = -1;
	sigsegv(0);
}

/* A page never touched yet: protected all the same, made when allowed. */
static void
pt_lazy(void)
{
	volatile char	*p;

	pt_pages(1);
	if ((p = sbrk(64 * PAGE)) == (char *)-1)
		pt_fail("sbrk");
	pt_base = (char *)p;
	pt_npages = 64;
	sigsegv(pt_handler);
	if (mprotect((char *)p, 64 * PAGE, PROT_READ) != 0)
		pt_fail("mprotect of lazy pages");
	if (p[20 * PAGE] != 0 || pt_traps != 0)
		pt_fail("a load of a lazy read-only page");
	p[21 * PAGE] = 1;
	if (pt_traps != 1 || p[21 * PAGE] != 1)
		pt_fail("a store to a lazy read-only page did not trap");
	if (mprotect((char *)p, 64 * PAGE, PROT_NONE) != 0)
		pt_fail("mprotect PROT_NONE of lazy pages");
	p[40 * PAGE] = 2;
	if (pt_traps != 2 || p[40 * PAGE] != 2)
		pt_fail("a store to a lazy PROT_NONE page did not trap");
	/* sbrk takes the pages, their protection too. */
	if (sbrk(-64 * PAGE) == (char *)-1 || sbrk(64 * PAGE) != p)
		pt_fail("sbrk back and forth");
	p[30 * PAGE] = 3;
	if (pt_traps != 2 || p[30 * PAGE] != 3 || p[21 * PAGE] != 0)
		pt_fail("a protection outlived its pages' sbrk");
	sigsegv(0);
}

/* Pages to swap and back (run under -M 1M): the protection stays. */
static void
pt_swap(void)
{
	volatile char	*p, *big;
	int		 i, n = 512;		/* 2 MiB */

	pt_pages(1);
	if ((big = sbrk(n * PAGE)) == (char *)-1)
		pt_fail("sbrk");
	for (i = 0; i < n; i++)
		big[i * PAGE] = (char)i;
	p = big;
	pt_base = (char *)big;
	pt_npages = 32;
	sigsegv(pt_handler);
	if (mprotect((char *)p, 32 * PAGE, PROT_READ) != 0)
		pt_fail("mprotect");
	for (i = 32; i < n; i++)		/* the rest, again: evictions */
		big[i * PAGE + 1] = 1;
	for (i = 0; i < 32; i++)
		p[i * PAGE + 2] = 1;
	if (pt_traps != 32)
		pt_fail("a protection went with its page to swap");
	for (i = 0; i < n; i++)
		if (big[i * PAGE] != (char)i)
			pt_fail("a page came back from swap wrong");
	sigsegv(0);
}

/* A private mapping of a file: protected as the heap is. */
static void
pt_mmap(void)
{
	volatile char	*m;
	char		 buf[PAGE];
	int		 fd;

	pt_pages(1);
	unlink("prottest.f");
	if ((fd = open("prottest.f", O_CREATE | O_RDWR)) < 0)
		pt_fail("open");
	memset(buf, 'M', sizeof buf);
	if (write(fd, buf, PAGE) != PAGE || write(fd, buf, PAGE) != PAGE)
		pt_fail("write");
	if ((m = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd,
	    0)) == (char *)-1)
		pt_fail("mmap");
	close(fd);
	pt_base = (char *)m;
	pt_npages = 2;
	sigsegv(pt_handler);
	if (mprotect((char *)m, 2 * PAGE, PROT_READ) != 0)	/* not yet read */
		pt_fail("mprotect of a mapping");
	if (m[PAGE + 7] != 'M' || pt_traps != 0)
		pt_fail("a load of a read-only mapping");
	m[8] = 'x';
	if (pt_traps != 1 || m[8] != 'x')
		pt_fail("a store to a read-only mapping did not trap");
	/* munmap takes the protection with the pages. */
	munmap((char *)m, 2 * PAGE);
	if (mprotect((char *)m, PAGE, PROT_READ) != -1)
		pt_fail("mprotect of an unmapped range");
	unlink("prottest.f");
	sigsegv(0);
}

static void
pt_touch_none(void)
{
	volatile char	*p = pt_pages(1);

	(void)mprotect((char *)p, PAGE, PROT_NONE);
	(void)p[0];
	exit(7);			/* not reached */
}

/* Without a handler, a protection fault kills; the parent goes on. */
static void
pt_nohandler(void)
{
	if (pt_child(pt_touch_none) != -1)
		pt_fail("a protection fault without a handler did not kill");
}

static void
pt_touch_in_handler(void)
{
	volatile char	*p = pt_pages(2);

	sigsegv(pt_handler);
	(void)mprotect((char *)p, 2 * PAGE, PROT_NONE);
	pt_nested = 1;
	p[PAGE] = 1;			/* the handler touches page 0 */
	exit(7);
}

/* A protection fault inside the handler kills. */
static void
pt_inhandler(void)
{
	if (pt_child(pt_touch_in_handler) != -1)
		pt_fail("a fault in the handler did not kill");
}

static void
pt_fork_child(void)
{
	/* The parent's pages 0-1 are PROT_NONE, page 2 read-only. */
	if (pt_base[PAGE] != 1 || pt_traps != 1)
		exit(10);
	pt_base[2 * PAGE] = 5;
	if (pt_traps != 2 || pt_base[2 * PAGE] != 5)
		exit(11);
	exit(0);
}

/* fork: the child has the handler and the protections. */
static void
pt_fork(void)
{
	volatile char	*p = pt_pages(4);

	sigsegv(pt_handler);
	(void)mprotect((char *)p, 2 * PAGE, PROT_NONE);
	(void)mprotect((char *)p + 2 * PAGE, PAGE, PROT_READ);
	if (pt_child(pt_fork_child) != 0)
		pt_fail("the child of fork lacked the handler or a protection");
	if (pt_traps != 0)
		pt_fail("the child's traps were the parent's");
	p[2 * PAGE] = 6;		/* the parent's protection holds */
	(void)p[0];
	if (pt_traps != 2 || p[2 * PAGE] != 6)
		pt_fail("the parent's protections after fork");
	sigsegv(0);
}

/* exec: the new image starts without a handler (execchild dies). */
static void
pt_exec_child(void)
{
	char	*argv[] = { "prottest", "execchild", 0 };

	sigsegv(pt_handler);
	exec("prottest", argv);
	exit(8);
}

static void
pt_exec(void)
{
	pt_pages(1);
	if (pt_child(pt_exec_child) != -1)
		pt_fail("the handler outlived exec");
}

/* What exec ran: no handler, so its protection fault kills it. */
static void
pt_execchild(void)
{
	volatile char	*p = pt_pages(1);

	if (sigreturn() != -1)
		exit(9);
	(void)mprotect((char *)p, PAGE, PROT_NONE);
	(void)p[0];
	exit(7);			/* the old handler would exit 2 */
}

/* Every bad argument gives -1, and changes nothing. */
static void
pt_bad(void)
{
	char	*p = pt_pages(4);
	char	*top = sbrk(0);

	if (mprotect(p + 1, PAGE, PROT_READ) != -1 ||
	    mprotect(p + 2048, PAGE, PROT_READ) != -1)
		pt_fail("an unaligned address");
	if (mprotect(p, 0, PROT_READ) != -1 ||
	    mprotect(p, -PAGE, PROT_READ) != -1)
		pt_fail("a length not above 0");
	if (mprotect(p, PAGE, PROT_WRITE) != -1 ||
	    mprotect(p, PAGE, PROT_EXEC) != -1 ||
	    mprotect(p, PAGE, PROT_READ | PROT_EXEC) != -1 ||
	    mprotect(p, PAGE, 8) != -1 || mprotect(p, PAGE, -1) != -1)
		pt_fail("a bad prot");
	if (mprotect(top, PAGE, PROT_READ) != -1 ||
	    mprotect(top + 64 * PAGE, PAGE, PROT_READ) != -1)
		pt_fail("a page above the break");
	/* The range begins with the process's pages and runs beyond. */
	if (mprotect(top - PAGE, 2 * PAGE, PROT_NONE) != -1)
		pt_fail("a range that runs past the break");
	if (mprotect((char *)0x200000001000UL, PAGE, PROT_NONE) != -1)
		pt_fail("the gate's page");
	if (mprotect((char *)0x200000000000UL, PAGE, PROT_NONE) != -1 ||
	    mprotect((char *)0x4000UL, PAGE, PROT_NONE) != -1 ||
	    mprotect((char *)0x200040000000UL, PAGE, PROT_NONE) != -1 ||
	    mprotect((char *)0x20003ffff000UL, 2 * PAGE, PROT_NONE) != -1)
		pt_fail("an address outside the process");
	if (sigsegv((void (*)(void *))0x4000UL) != -1 ||
	    sigsegv((void (*)(void *))0x200040000000UL) != -1)
		pt_fail("a handler outside the process");
	/* Nothing changed: no handler, the last page open. */
	top[-PAGE] = 1;
	if (sigreturn() != -1)
		pt_fail("sigreturn outside a handler");
	if (sigreturn() != -1)
		pt_fail("sigreturn outside a handler, twice");
	/* PROT_READ | PROT_WRITE of the text is allowed: it takes no
	 * right away and gives none (pt_text). */
	if (mprotect((char *)((uint64)pt_bad & ~(uint64)(PAGE - 1)), PAGE,
	    PROT_READ | PROT_WRITE) != 0)
		pt_fail("mprotect of the text");
}

static void
pt_write_text(void)
{
	sigsegv(pt_handler);
	pt_base = (char *)((uint64)pt_write_text & ~(uint64)(PAGE - 1));
	pt_npages = 0;		/* the handler, if called, exits 2 */
	*(volatile char *)pt_base = 0;	/* text: no handler for it */
	exit(7);
}

/* mprotect gives back no right the page had not: text stays read-only,
 * and a store to it is no protection fault but a bad access. */
static void
pt_text(void)
{
	if (pt_child(pt_write_text) != -1)
		pt_fail("a store to the text did not kill");
}

/* A program that calls sigreturn with nothing to return from. */
static void
pt_hostile(void)
{
	volatile char	*p = pt_pages(1);
	int		 i;

	for (i = 0; i < 100; i++)
		if (sigreturn() != -1)
			pt_fail("sigreturn with no handler set");
	sigsegv(pt_handler);
	for (i = 0; i < 100; i++)
		if (sigreturn() != -1)
			pt_fail("sigreturn with a handler set, in none");
	(void)mprotect((char *)p, PAGE, PROT_NONE);
	p[1] = 1;
	if (pt_traps != 1 || p[1] != 1)
		pt_fail("a fault after the false sigreturns");
	if (sigreturn() != -1)
		pt_fail("sigreturn a second time for one fault");
	sigsegv(0);
}

static const struct {
	const char	*name;
	void		(*fn)(void);
} pt_cases[] = {
	{ "addr", pt_addr_case },
	{ "hold", pt_hold },
	{ "regs", pt_regs },
	{ "ret", pt_ret },
	{ "appel", pt_appel },
	{ "lazy", pt_lazy },
	{ "mmap", pt_mmap },
	{ "bad", pt_bad },
	{ "nohandler", pt_nohandler },
	{ "inhandler", pt_inhandler },
	{ "fork", pt_fork },
	{ "exec", pt_exec },
	{ "text", pt_text },
	{ "swap", pt_swap },
	{ "hostile", pt_hostile },
};
#define PT_NCASES	((int)(sizeof pt_cases / sizeof pt_cases[0]))

int
main(int argc, char *argv[])
{
	int	i, j, ran = 0;

	if (argc == 2 && strcmp(argv[1], "execchild") == 0)
		pt_execchild();
	for (i = 0; i < PT_NCASES; i++) {
		for (j = 1; j < argc; j++)
			if (strcmp(argv[j], pt_cases[i].name) == 0)
				break;
		if (argc > 1 && j == argc)
			continue;
		pt_case = pt_cases[i].name;
		pt_cases[i].fn();
		printf("prottest: %s ok\n", pt_case);
		ran++;
	}
	if (ran == 0) {
		printf("prottest: no such case\n");
		exit(1);
	}
	exit(0);
}
