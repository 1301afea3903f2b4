/*
 * mmaptest - mmap, munmap and madvise, checked byte for byte.
 *
 *	mmaptest [case ...]
 *
 * Runs the named cases (all of them without arguments) in a directory of
 * its own making, each printing "mmaptest: CASE ok", or what went wrong
 * and exit 1.  The file most cases map is one and a half pages of 'A';
 * its mappings are two or three pages, so the bytes past its end must
 * read as zero.  A case that expects a process to die forks it and
 * checks its exit status (-1: libos-unix killed it).
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/stat.h"
#include "user/user.h"

#define PAGE	4096
#define FSIZE	(PAGE + PAGE / 2)
#define FAILED	((char *)-1)

static const char	*mt_case = "?";
static char		 buf_skip[PAGE];

static void
mt_fail(const char *why)
{
	printf("mmaptest: %s: %s\n", mt_case, why);
	exit(1);
}

/* A file of n bytes of c, made afresh. */
static void
mt_file(const char *name, int n, char c)
{
	char	buf[512];
	int	fd, k;

	unlink(name);
	if ((fd = open(name, O_CREATE | O_WRONLY)) < 0)
		mt_fail("cannot create the file");
	memset(buf, c, sizeof buf);
	for (; n > 0; n -= k) {
		k = n < (int)sizeof buf ? n : (int)sizeof buf;
		if (write(fd, buf, k) != k)
			mt_fail("cannot write the file");
	}
	close(fd);
}

/* p shows the file of FSIZE bytes of c, then zeroes up to len. */
static void
mt_shows(const char *p, int len, char c)
{
	int	i;

	for (i = 0; i < len; i++)
		if (p[i] != (i < FSIZE ? c : 0)) {
			printf("mmaptest: %s: byte %d is %d\n", mt_case, i,
			    p[i]);
			mt_fail("the mapping shows the wrong bytes");
		}
}

/* The first n bytes of file name are all c, and it has size bytes. */
static void
mt_file_is(const char *name, int n, char c, int size)
{
	struct stat	st;
	char		buf[512];
	int		fd, i, k, got;

	if ((fd = open(name, O_RDONLY)) < 0 || fstat(fd, &st) < 0)
		mt_fail("cannot open the file again");
	if ((int)st.size != size) {
		printf("mmaptest: %s: size %d, not %d\n", mt_case,
		    (int)st.size, size);
		mt_fail("the file's size changed");
	}
	for (i = 0; i < n; i += got) {
		k = n - i < (int)sizeof buf ? n - i : (int)sizeof buf;
		if ((got = read(fd, buf, k)) != k)
			mt_fail("the file is short");
		while (--k >= 0)
			if (buf[k] != c)
				mt_fail("the file does not hold the bytes");
	}
	close(fd);
}

static char *
mt_map(int len, int prot, int flags, const char *name, int omode)
{
	char	*p;
	int	 fd;

	if ((fd = open(name, omode)) < 0)
		mt_fail("cannot open the file");
	p = mmap(0, len, prot, flags, fd, 0);
	close(fd);		/* the mapping keeps the file */
	if (p == FAILED)
		mt_fail("mmap failed");
	return (p);
}

/* Does a child doing touch(p) die?  1 if it was killed. */
static int
mt_dies(void (*touch)(char *), char *p)
{
	int	pid, st = 0;

	if ((pid = fork()) < 0)
		mt_fail("fork");
	if (pid == 0) {
		touch(p);
		exit(0);
	}
	wait(&st);
	return (st == -1);
}

static void
mt_read(char *p)
{
	volatile char	c = *p;

	(void)c;
}

static void
mt_write(char *p)
{
	*p = 'x';
}

static void
c_private(void)
{
	char	*p;
	int	 i;

	mt_file("f", FSIZE, 'A');
	p = mt_map(2 * PAGE, PROT_READ, MAP_PRIVATE, "f", O_RDONLY);
	mt_shows(p, 2 * PAGE, 'A');
	if (munmap(p, 2 * PAGE) != 0)
		mt_fail("munmap");
	p = mt_map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, "f",
	    O_RDONLY);
	mt_shows(p, 2 * PAGE, 'A');
	for (i = 0; i < 2 * PAGE; i++)
		p[i] = 'Z';
	if (munmap(p, 2 * PAGE) != 0)
		mt_fail("munmap");
	mt_file_is("f", FSIZE, 'A', FSIZE);
}

static void
c_shared(void)
{
	char	*p;
	int	 i, fd;

	mt_file("f", FSIZE, 'A');
	if ((fd = open("f", O_RDONLY)) < 0)
		mt_fail("open");
	if (mmap(0, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) !=
	    FAILED)
		mt_fail("a shared writable mapping of a read-only descriptor");
	close(fd);
	p = mt_map(3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, "f", O_RDWR);
	mt_shows(p, 2 * PAGE, 'A');
	for (i = 0; i < 2 * PAGE; i++)
		p[i] = 'Z';
	if (munmap(p, 2 * PAGE) != 0)
		mt_fail("munmap of the first two pages");
	mt_file_is("f", FSIZE, 'Z', FSIZE);
	if (munmap(p + 2 * PAGE, PAGE) != 0)
		mt_fail("munmap of the untouched third page");
	if (munmap(p, 3 * PAGE) != 0)
		mt_fail("munmap of a range no longer mapped");
}

static void
c_twofiles(void)
{
	char	*p1, *p2;
	int	 fd;

	unlink("m1");
	unlink("m2");
	if ((fd = open("m1", O_CREATE | O_RDWR)) < 0 ||
	    write(fd, "12345", 5) != 5)
		mt_fail("m1");
	if ((p1 = mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, 0)) == FAILED)
		mt_fail("mmap m1");
	close(fd);
	unlink("m1");
	if ((fd = open("m2", O_CREATE | O_RDWR)) < 0 ||
	    write(fd, "67890", 5) != 5)
		mt_fail("m2");
	if ((p2 = mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, 0)) == FAILED)
		mt_fail("mmap m2");
	close(fd);
	unlink("m2");
	if (memcmp(p1, "12345", 5) != 0 || memcmp(p2, "67890", 5) != 0)
		mt_fail("the unlinked files' bytes");
	munmap(p1, PAGE);
	if (memcmp(p2, "67890", 5) != 0)
		mt_fail("the other mapping after munmap");
	munmap(p2, PAGE);
}

static void
c_fork(void)
{
	char	*s, *v;
	int	 pid, st = 0;

	mt_file("f", FSIZE, 'A');
	s = mt_map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, "f", O_RDWR);
	v = mt_map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, "f",
	    O_RDONLY);
	s[0] = 'P';		/* before the fork: the child sees it */
	v[0] = 'p';
	if ((pid = fork()) == 0) {
		if (s[0] != 'P' || v[0] != 'p' || s[PAGE] != 'A')
			exit(2);
		s[1] = 'C';	/* the parent sees this */
		s[PAGE + 1] = 'C';	/* neither has this page yet: it reaches
				   the parent through the file, at exit */
		v[1] = 'c';	/* and not this */
		munmap(s, PAGE);
		exit(0);
	}
	wait(&st);
	if (st != 0)
		mt_fail("the child did not see the mappings");
	if (s[1] != 'C' || s[PAGE + 1] != 'C')
		mt_fail("a store of the child to a shared mapping");
	if (v[1] != 'A')
		mt_fail("a store of the child to a private mapping");
	munmap(s, 2 * PAGE);
	munmap(v, 2 * PAGE);
	if ((pid = open("f", O_RDONLY)) < 0)
		mt_fail("open");
	{
		char	b[2];

		if (read(pid, b, 2) != 2 || b[0] != 'P' || b[1] != 'C')
			mt_fail("the shared stores did not reach the file");
	}
	close(pid);
}

/* A child maps shared, stores, and exits without munmap. */
static void
c_exit(void)
{
	char	*p;
	int	 st = 0;

	mt_file("f", FSIZE, 'A');
	if (fork() == 0) {
		p = mt_map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, "f",
		    O_RDWR);
		memset(p, 'E', FSIZE);
		exit(0);
	}
	wait(&st);
	mt_file_is("f", FSIZE, 'E', FSIZE);
}

/* The kernel's stores (read(2)) into a shared mapping reach the file. */
static void
c_kernel(void)
{
	char	*p;
	int	 fd;

	mt_file("f", FSIZE, 'A');
	mt_file("g", FSIZE, 'G');
	p = mt_map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, "f", O_RDWR);
	if ((fd = open("g", O_RDONLY)) < 0 || read(fd, p, FSIZE) != FSIZE)
		mt_fail("read into the mapping");
	close(fd);
	munmap(p, 2 * PAGE);
	mt_file_is("f", FSIZE, 'G', FSIZE);
}

static void
c_offset(void)
{
	char	*p;
	int	 fd, i;

	mt_file("f", 2 * PAGE, 'A');
	if ((fd = open("f", O_RDWR)) < 0)
		mt_fail("open");
	if ((p = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
	    PAGE)) == FAILED)
		mt_fail("mmap at an offset");
	p[0] = 'O';
	munmap(p, PAGE);
	if ((p = mmap(0, 2 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0)) == FAILED)
		mt_fail("mmap");
	for (i = 0; i < 2 * PAGE; i++)
		if (p[i] != (i == PAGE ? 'O' : 'A'))
			mt_fail("a store at an offset landed elsewhere");
	munmap(p, 2 * PAGE);
	close(fd);
}

static void
c_kill(void)
{
	char	*p;

	mt_file("f", FSIZE, 'A');
	p = mt_map(3 * PAGE, PROT_READ, MAP_SHARED, "f", O_RDONLY);
	if (!mt_dies(mt_write, p))
		mt_fail("a store to a read-only mapping");
	if (mt_dies(mt_read, p + PAGE))
		mt_fail("a load from a read-only mapping");
	if (munmap(p + PAGE, PAGE) != 0)
		mt_fail("munmap of a mapping's middle page");
	if (!mt_dies(mt_read, p + PAGE))
		mt_fail("a load from the hole munmap made");
	if (p[0] != 'A' || p[2 * PAGE] != 0)
		mt_fail("the pages around the hole");
	munmap(p, 3 * PAGE);
	if (!mt_dies(mt_read, p))
		mt_fail("a load after munmap");
}

static void
c_bad(void)
{
	char	*p;
	int	 fd;

	mt_file("f", FSIZE, 'A');
	if ((fd = open("f", O_RDWR)) < 0)
		mt_fail("open");
	if (mmap(0, 0, PROT_READ, MAP_PRIVATE, fd, 0) != FAILED)
		mt_fail("a length of 0");
	if (mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, 100) != FAILED)
		mt_fail("an offset not a page's");
	if (mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, -PAGE) != FAILED)
		mt_fail("a negative offset");
	if (mmap(0, PAGE, PROT_READ, 0, fd, 0) != FAILED ||
	    mmap(0, PAGE, PROT_READ, MAP_SHARED | MAP_PRIVATE, fd, 0) !=
	    FAILED)
		mt_fail("flags neither shared nor private");
	if (mmap(0, PAGE, 0x10, MAP_PRIVATE, fd, 0) != FAILED)
		mt_fail("an unknown protection");
	if (mmap(0, PAGE, PROT_READ, MAP_PRIVATE, 99, 0) != FAILED ||
	    mmap(0, PAGE, PROT_READ, MAP_PRIVATE, -1, 0) != FAILED)
		mt_fail("a descriptor not open");
	close(fd);
	if ((fd = open(".", O_RDONLY)) < 0)
		mt_fail("open .");
	if (mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, 0) != FAILED)
		mt_fail("a directory");
	close(fd);
	if ((fd = open("f", O_WRONLY)) < 0)
		mt_fail("open");
	if (mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, 0) != FAILED)
		mt_fail("a descriptor that may not read");
	close(fd);
	if (mmap(0, PAGE, PROT_READ, MAP_PRIVATE, 1, 0) != FAILED)
		mt_fail("the console");
	p = mt_map(PAGE, PROT_READ, MAP_PRIVATE, "f", O_RDONLY);
	if (munmap(p + 1, PAGE) != -1 || munmap(p, 0) != -1)
		mt_fail("munmap of an address not a page's, or of nothing");
	if (munmap((char *)16, PAGE) != -1)
		mt_fail("munmap outside user memory");
	if (madvise(p, PAGE, 77) != -1 || madvise(p + 8, PAGE, MADV_NORMAL) !=
	    -1)
		mt_fail("madvise's unknown advice or unaligned address");
	munmap(p, PAGE);
	/* Sixteen mappings a process; the seventeenth is refused. */
	{
		char	*m[17];
		int	 i, n;

		for (n = 0; n < 17; n++)
			if ((m[n] = mmap(0, PAGE, PROT_READ, MAP_PRIVATE,
			    (fd = open("f", O_RDONLY)), 0)) == FAILED ||
			    close(fd) != 0)
				break;
		if (n != 16)
			mt_fail("the sixteen mappings of a process");
		for (i = 0; i < n; i++)
			munmap(m[i], PAGE);
	}
}

/* The heap cannot grow into a mapping, nor a mapping into the heap. */
static void
c_layout(void)
{
	char	*p, *brk;

	mt_file("f", FSIZE, 'A');
	p = mt_map(PAGE, PROT_READ, MAP_PRIVATE, "f", O_RDONLY);
	brk = sbrk(0);
	if (p <= brk)
		mt_fail("the mapping lies below the break");
	if (sbrk((int)(p - brk)) != (char *)-1)
		mt_fail("sbrk grew into the mapping");
	if (sbrk(PAGE) == (char *)-1)
		mt_fail("sbrk of a page");
	sbrk(-PAGE);
	munmap(p, PAGE);
}

static void
c_advise(void)
{
	char	*h, *p;
	int	 i;

	h = sbrk(4 * PAGE);
	memset(h, 'H', 4 * PAGE);
	if (madvise(h, 4 * PAGE, MADV_DONTNEED) != 0)
		mt_fail("MADV_DONTNEED of the heap");
	for (i = 0; i < 4 * PAGE; i++)
		if (h[i] != 0)
			mt_fail("a dead heap page kept its bytes");
	if (madvise(h, 4 * PAGE, MADV_PIN) != 0 ||
	    madvise(h, 4 * PAGE, MADV_WILLNEED) != 0 ||
	    madvise(h, 4 * PAGE, MADV_NORMAL) != 0)
		mt_fail("MADV_PIN, MADV_WILLNEED, MADV_NORMAL of the heap");
	if (madvise(h + 8 * PAGE, PAGE, MADV_WILLNEED) != -1 ||
	    madvise(h + 8 * PAGE, PAGE, MADV_PIN) != -1)
		mt_fail("MADV_WILLNEED or MADV_PIN past the break");
	sbrk(-4 * PAGE);
	mt_file("f", FSIZE, 'A');
	p = mt_map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, "f",
	    O_RDONLY);
	memset(p, 'Z', 2 * PAGE);
	if (madvise(p, 2 * PAGE, MADV_DONTNEED) != 0)
		mt_fail("MADV_DONTNEED of a private mapping");
	mt_shows(p, 2 * PAGE, 'A');
	munmap(p, 2 * PAGE);
	p = mt_map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, "f", O_RDWR);
	memset(p, 'S', FSIZE);
	if (madvise(p, 2 * PAGE, MADV_DONTNEED) != 0)
		mt_fail("MADV_DONTNEED of a shared mapping");
	mt_shows(p, 2 * PAGE, 'S');	/* written back, read again */
	munmap(p, 2 * PAGE);
	/* More pins than libos-unix allows: refused, none made. */
	h = sbrk(0);
	if (sbrk(64 * 1024 * 1024) == (char *)-1)
		mt_fail("sbrk of 64 MiB");
	if (madvise(h, 64 * 1024 * 1024, MADV_PIN) != -1)
		mt_fail("pinning 64 MiB");
	sbrk(-64 * 1024 * 1024);
}

/* The value of word w of page pg of the swap case, for writer who. */
static uint64
mt_word(int pg, int w, int who)
{
	return ((uint64)pg << 32 | (uint64)who << 16 | (uint64)w);
}

/* Check (and with set, write) words 0 and 511 of every page of p. */
static int
mt_pages(uint64 *p, int npages, int every, int first, int who, int set)
{
	int	pg;

	for (pg = first; pg < npages; pg += every) {
		if (set) {
			p[pg * 512] = mt_word(pg, 0, who);
			p[pg * 512 + 511] = mt_word(pg, 511, who);
		} else if (p[pg * 512] != mt_word(pg, 0, who) ||
		    p[pg * 512 + 511] != mt_word(pg, 511, who))
			return (-1);
	}
	return (0);
}

/*
 * A shared mapping of 2 MiB, more than a libos-unix of -M 1M holds:
 * written, shared with a child that rewrites every other page, checked
 * by both while the pages go to swap and come back, and found in the
 * file after munmap; then a private mapping of it, changed, leaving the
 * file as it was.
 */
#define MT_SWAP_PAGES	512
static void
c_swap(void)
{
	uint64	*p, w[2];
	int	 pg, fd, st = -1;

	mt_file("big", MT_SWAP_PAGES * PAGE, 0);
	p = (uint64 *)mt_map(MT_SWAP_PAGES * PAGE, PROT_READ | PROT_WRITE,
	    MAP_SHARED, "big", O_RDWR);
	mt_pages(p, MT_SWAP_PAGES, 1, 0, 1, 1);
	if (fork() == 0) {
		if (mt_pages(p, MT_SWAP_PAGES, 1, 0, 1, 0) != 0)
			exit(2);
		mt_pages(p, MT_SWAP_PAGES, 2, 1, 2, 1);
		exit(mt_pages(p, MT_SWAP_PAGES, 2, 1, 2, 0) != 0 ? 3 : 0);
	}
	wait(&st);
	if (st != 0)
		mt_fail("the child saw a wrong word");
	if (mt_pages(p, MT_SWAP_PAGES, 2, 0, 1, 0) != 0 ||
	    mt_pages(p, MT_SWAP_PAGES, 2, 1, 2, 0) != 0)
		mt_fail("the parent saw a wrong word after the child's stores");
	munmap(p, MT_SWAP_PAGES * PAGE);
	if ((fd = open("big", O_RDONLY)) < 0)
		mt_fail("open");
	for (pg = 0; pg < MT_SWAP_PAGES; pg++) {
		if (read(fd, &w[0], 8) != 8)
			mt_fail("read");
		if (w[0] != mt_word(pg, 0, pg % 2 ? 2 : 1))
			mt_fail("the file lost a store");
		if (read(fd, buf_skip, PAGE - 16) != PAGE - 16 ||
		    read(fd, &w[1], 8) != 8)
			mt_fail("read");
		if (w[1] != mt_word(pg, 511, pg % 2 ? 2 : 1))
			mt_fail("the file lost a store at a page's end");
	}
	close(fd);
	p = (uint64 *)mt_map(MT_SWAP_PAGES * PAGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE, "big", O_RDONLY);
	mt_pages(p, MT_SWAP_PAGES, 1, 0, 3, 1);
	if (mt_pages(p, MT_SWAP_PAGES, 1, 0, 3, 0) != 0)
		mt_fail("a private mapping lost a store");
	munmap(p, MT_SWAP_PAGES * PAGE);
	p = (uint64 *)mt_map(MT_SWAP_PAGES * PAGE, PROT_READ, MAP_PRIVATE,
	    "big", O_RDONLY);
	if (mt_pages(p, MT_SWAP_PAGES, 2, 0, 1, 0) != 0 ||
	    mt_pages(p, MT_SWAP_PAGES, 2, 1, 2, 0) != 0)
		mt_fail("a private mapping's stores reached the file");
	munmap(p, MT_SWAP_PAGES * PAGE);
	unlink("big");
}

static const struct {
	const char	*name;
	void		(*fn)(void);
} mt_cases[] = {
	{ "private", c_private },
	{ "shared", c_shared },
	{ "twofiles", c_twofiles },
	{ "fork", c_fork },
	{ "exit", c_exit },
	{ "kernel", c_kernel },
	{ "offset", c_offset },
	{ "kill", c_kill },
	{ "bad", c_bad },
	{ "layout", c_layout },
	{ "advise", c_advise },
	{ "swap", c_swap },
};
#define MT_NCASES	(int)(sizeof mt_cases / sizeof mt_cases[0])

int
main(int argc, char *argv[])
{
	int	i, j, ran = 0;

	mkdir("mmaptest.d");
	if (chdir("mmaptest.d") != 0) {
		printf("mmaptest: cannot make its directory\n");
		exit(1);
	}
	for (i = 0; i < MT_NCASES; i++) {
		for (j = 1; j < argc; j++)
			if (strcmp(argv[j], mt_cases[i].name) == 0)
				break;
		if (argc > 1 && j == argc)
			continue;
		mt_case = mt_cases[i].name;
		mt_cases[i].fn();
		printf("mmaptest: %s ok\n", mt_case);
		ran++;
	}
	if (ran == 0) {
		printf("mmaptest: no such case\n");
		exit(1);
	}
	exit(0);
}
