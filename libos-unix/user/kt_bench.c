/*
 * kt_bench - the Unix operations exobench-unix measures, timed inside a
 * libos-unix process with the CPU's cycle counter (rdtsc needs no
 * system call), one line "NAME CYCLES-PER-OP" each.
 *
 *	kt_bench [rounds]	all of them
 *	kt_bench -x		exit at once (the program fork+exec runs)
 */
#include "kernel/types.h"
#include "user/user.h"

#define PAGE	4096

static uint64
kt_tsc(void)
{
	uint32	lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64)hi << 32 | lo);
}

static void
kt_print(const char *name, uint64 cycles, int n)
{
	printf("%s %d\n", name, (int)(cycles / (uint64)n));
}

static void
kt_forks(const char *name, int n, int execit)
{
	char	*argv[] = { "kt_bench", "-x", 0 };
	uint64	 t0;
	int	 i, st;

	t0 = kt_tsc();
	for (i = 0; i < n; i++) {
		if (fork() == 0) {
			if (execit)
				exec("kt_bench", argv);
			exit(0);
		}
		wait(&st);
	}
	kt_print(name, kt_tsc() - t0, n);
}

static void
kt_pipes(int n)
{
	static char	 buf[65536];
	int		 a[2], b[2], i, pid, got, total;
	char		 c = 'x';
	uint64		 t0;

	pipe(a);
	pipe(b);
	if ((pid = fork()) == 0) {
		for (i = 0; i < n; i++) {
			read(a[0], &c, 1);
			write(b[1], &c, 1);
		}
		exit(0);
	}
	t0 = kt_tsc();
	for (i = 0; i < n; i++) {
		write(a[1], &c, 1);
		read(b[0], &c, 1);
	}
	kt_print("pipe_rtt", kt_tsc() - t0, n);
	wait(0);
	/* 16 MiB through a pipe in 64 KiB writes: cycles per MiB. */
	if ((pid = fork()) == 0) {
		for (i = 0; i < 256; i++)
			write(a[1], buf, sizeof buf);
		exit(0);
	}
	t0 = kt_tsc();
	for (total = 0; total < 256 * 65536; total += got)
		if ((got = read(a[0], buf, sizeof buf)) <= 0)
			break;
	kt_print("pipe_mib", kt_tsc() - t0, 16);
	wait(0);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}

int
main(int argc, char *argv[])
{
	char	*heap;
	uint64	 t0;
	int	 i, n = 20000, pages, st;

	if (argc > 1 && strcmp(argv[1], "-x") == 0)
		exit(0);
	if (argc > 1)
		n = atoi(argv[1]);
	t0 = kt_tsc();
	for (i = 0; i < n; i++)
		getpid();
	kt_print("getpid", kt_tsc() - t0, n);
	t0 = kt_tsc();
	for (i = 0; i < n; i++)
		nop();
	kt_print("nop", kt_tsc() - t0, n);
	kt_forks("fork_exit_wait", n / 100, 0);
	kt_forks("fork_exec_wait", n / 200, 1);
	kt_pipes(n / 4);
	/* A zero-fill fault: the first touch of each page of 4 MiB of
	 * heap (sbrk is lazy).  Then a COW fault: the child writes every
	 * page once. */
	pages = 1024;
	heap = sbrk(pages * PAGE);
	t0 = kt_tsc();
	for (i = 0; i < pages; i++)
		heap[i * PAGE] = 1;
	kt_print("zero_fault", kt_tsc() - t0, pages);
	if (fork() == 0) {
		t0 = kt_tsc();
		for (i = 0; i < pages; i++)
			heap[i * PAGE] = 2;
		kt_print("cow_fault", kt_tsc() - t0, pages);
		exit(0);
	}
	wait(&st);
	/* fork of a 16 MiB process. */
	sbrk(12 * 1024 * 1024);
	heap = sbrk(0) - 16 * 1024 * 1024;
	for (i = 0; i < 4096; i++)
		heap[i * PAGE] = 3;
	kt_forks("fork16_exit_wait", n / 400 > 0 ? n / 400 : 1, 0);
	exit(0);
}
