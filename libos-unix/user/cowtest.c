/*
 * cowtest - copy-on-write fork keeps parent and child apart.
 *
 *	cowtest [MiB]
 *
 * Grows the heap by MiB (default 8), writes a pattern of the parent's to
 * every page and forks.  The child checks it sees the parent's pattern,
 * writes its own over every page and checks that; the parent, after the
 * child has exited, checks it still sees its own.  Then both write while
 * the other is alive: three children write concurrently, each its own
 * pattern, and each and the parent check theirs.  Prints "cowtest: ok"
 * and exits 0, or names the first wrong page and exits 1.
 */
#include "kernel/types.h"
#include "user/user.h"

#define COW_PAGE	4096
#define COW_KIDS	3

static char	*cow_heap;
static int	 cow_pages;

static void
cow_fill(int tag)
{
	int	i;

	for (i = 0; i < cow_pages; i++)
		*(int *)(cow_heap + i * COW_PAGE) = tag * 100000 + i;
}

/* The first page that does not hold tag's pattern, or -1. */
static int
cow_check(int tag)
{
	int	i;

	for (i = 0; i < cow_pages; i++)
		if (*(int *)(cow_heap + i * COW_PAGE) != tag * 100000 + i)
			return i;
	return -1;
}

static void
cow_fail(const char *who, int page)
{
	fprintf(2, "cowtest: %s: page %d is wrong\n", who, page);
	exit(1);
}

int
main(int argc, char *argv[])
{
	int	mib = 8, pid, k, status, bad = 0, fds[2];
	char	c;

	if (argc == 2)
		mib = atoi(argv[1]);
	if (argc > 2 || mib < 1 || mib > 512) {
		fprintf(2, "usage: cowtest [MiB]\n");
		exit(2);
	}
	cow_pages = mib * (1024 * 1024 / COW_PAGE);
	if ((cow_heap = sbrk(cow_pages * COW_PAGE)) == (char *)-1) {
		fprintf(2, "cowtest: sbrk of %d MiB failed\n", mib);
		exit(1);
	}
	cow_fill(1);

	/* One child writes everything; the parent must not see it. */
	if ((pid = fork()) < 0) {
		fprintf(2, "cowtest: fork failed\n");
		exit(1);
	}
	if (pid == 0) {
		if ((k = cow_check(1)) >= 0)
			cow_fail("child before writing", k);
		cow_fill(2);
		if ((k = cow_check(2)) >= 0)
			cow_fail("child after writing", k);
		exit(0);
	}
	if (wait(&status) != pid || status != 0) {
		fprintf(2, "cowtest: the first child failed\n");
		exit(1);
	}
	if ((k = cow_check(1)) >= 0)
		cow_fail("parent after the child wrote", k);

	/* Children writing while the parent and each other are alive. */
	if (pipe(fds) < 0) {
		fprintf(2, "cowtest: pipe failed\n");
		exit(1);
	}
	for (k = 0; k < COW_KIDS; k++) {
		if ((pid = fork()) < 0) {
			fprintf(2, "cowtest: fork failed\n");
			exit(1);
		}
		if (pid == 0) {
			close(fds[1]);
			cow_fill(10 + k);
			/* Hold on until all have written. */
			read(fds[0], &c, 1);
			if ((status = cow_check(10 + k)) >= 0)
				cow_fail("a concurrent child", status);
			exit(0);
		}
	}
	cow_fill(3);
	close(fds[0]);
	close(fds[1]);		/* EOF: the children go on */
	for (k = 0; k < COW_KIDS; k++) {
		if (wait(&status) < 0 || status != 0)
			bad = 1;
	}
	if (bad) {
		fprintf(2, "cowtest: a concurrent child failed\n");
		exit(1);
	}
	if ((k = cow_check(3)) >= 0)
		cow_fail("parent after concurrent children", k);
	printf("cowtest: ok\n");
	exit(0);
}
