/*
 * cp - copy a file: cp from to.  The target is made or truncated.
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"

static char	cp_buf[8192];

int
main(int argc, char *argv[])
{
	int	in, out, n;

	if (argc != 3) {
		fprintf(2, "usage: cp from to\n");
		exit(2);
	}
	if ((in = open(argv[1], O_RDONLY)) < 0) {
		fprintf(2, "cp: cannot open %s\n", argv[1]);
		exit(1);
	}
	if ((out = open(argv[2], O_CREATE | O_WRONLY | O_TRUNC)) < 0) {
		fprintf(2, "cp: cannot create %s\n", argv[2]);
		exit(1);
	}
	while ((n = read(in, cp_buf, sizeof cp_buf)) > 0) {
		if (write(out, cp_buf, n) != n) {
			fprintf(2, "cp: write error on %s\n", argv[2]);
			exit(1);
		}
	}
	if (n < 0) {
		fprintf(2, "cp: read error on %s\n", argv[1]);
		exit(1);
	}
	close(in);
	close(out);
	exit(0);
}
