/*
 * spin - use the CPU and never block: spin [count]
 *
 * Without an argument it spins until killed; with one it counts to that
 * many million and exits, printing "spin: done".  A spinning process must
 * not stop the others (libos-unix preempts it).
 */
#include "kernel/types.h"
#include "user/user.h"

int
main(int argc, char *argv[])
{
	volatile uint64	i;
	uint64		n;

	if (argc > 2) {
		fprintf(2, "usage: spin [millions]\n");
		exit(2);
	}
	if (argc == 1)
		for (;;)
			;
	n = (uint64)atoi(argv[1]) * 1000000;
	for (i = 0; i < n; i++)
		;
	printf("spin: done\n");
	exit(0);
}
