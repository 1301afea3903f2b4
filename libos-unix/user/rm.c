/*
 * rm - remove names (files, links, empty directories).
 */
#include "kernel/types.h"
#include "user/user.h"

int
main(int argc, char *argv[])
{
	int	i, status = 0;

	if (argc < 2) {
		fprintf(2, "usage: rm file ...\n");
		exit(2);
	}
	for (i = 1; i < argc; i++) {
		if (unlink(argv[i]) < 0) {
			fprintf(2, "rm: %s failed to delete\n", argv[i]);
			status = 1;
		}
	}
	exit(status);
}
