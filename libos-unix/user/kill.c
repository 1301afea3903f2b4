/*
 * kill - end processes: kill pid ...
 *
 * The process ends at its next entry to libos-unix (kill(2)).
 */
#include "kernel/types.h"
#include "user/user.h"

int
main(int argc, char *argv[])
{
	int	i, status = 0;

	if (argc < 2) {
		fprintf(2, "usage: kill pid ...\n");
		exit(2);
	}
	for (i = 1; i < argc; i++) {
		if (kill(atoi(argv[i])) < 0) {
			fprintf(2, "kill: no process %s\n", argv[i]);
			status = 1;
		}
	}
	exit(status);
}
