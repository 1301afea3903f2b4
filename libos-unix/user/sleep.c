/*
 * sleep - do nothing for a number of ticks: sleep ticks
 *
 * A tick is libos-unix's clock unit (uptime(2)); sleep(2) blocks the
 * process without using the CPU.
 */
#include "kernel/types.h"
#include "user/user.h"

int
main(int argc, char *argv[])
{
	if (argc != 2 || argv[1][0] < '0' || argv[1][0] > '9') {
		fprintf(2, "usage: sleep ticks\n");
		exit(2);
	}
	if (sleep(atoi(argv[1])) < 0) {
		fprintf(2, "sleep: interrupted\n");
		exit(1);
	}
	exit(0);
}
