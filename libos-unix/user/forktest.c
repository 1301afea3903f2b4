/*
 * forktest - fork until fork fails, then wait for every child.
 *
 * Each child exits at once, so the process table fills with zombies
 * until fork refuses; then wait must return each child once, and -1
 * after the last.  Prints "forktest: N forks, all reaped" and exits 0,
 * or says what went wrong and exits 1.  Past FORKTEST_MAX forks, fork is
 * not limited at all: that is a failure too.
 */
#include "kernel/types.h"
#include "user/user.h"

#define FORKTEST_MAX	1000

int
main(void)
{
	int	n, pid, status;

	for (n = 0; n < FORKTEST_MAX; n++) {
		if ((pid = fork()) < 0)
			break;
		if (pid == 0)
			exit(0);
	}
	if (n == FORKTEST_MAX) {
		fprintf(2, "forktest: %d forks and fork never failed\n", n);
		exit(1);
	}
	if (n == 0) {
		fprintf(2, "forktest: the first fork failed\n");
		exit(1);
	}
	for (pid = 0; pid < n; pid++) {
		if (wait(&status) < 0) {
			fprintf(2, "forktest: wait stopped after %d of %d\n",
			    pid, n);
			exit(1);
		}
		if (status != 0) {
			fprintf(2, "forktest: a child's status was %d\n",
			    status);
			exit(1);
		}
	}
	if (wait(0) != -1) {
		fprintf(2, "forktest: wait found a child too many\n");
		exit(1);
	}
	printf("forktest: %d forks, all reaped\n", n);
	exit(0);
}
