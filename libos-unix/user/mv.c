/*
 * mv - rename a file: a link under the new name, then an unlink of the
 * old one (two transactions: a crash between them leaves both names).
 */
#include "kernel/types.h"
#include "user/user.h"

int
main(int argc, char *argv[])
{
	if (argc != 3) {
		fprintf(2, "usage: mv from to\n");
		exit(2);
	}
	if (link(argv[1], argv[2]) < 0) {
		fprintf(2, "mv: cannot link %s to %s\n", argv[1], argv[2]);
		exit(1);
	}
	if (unlink(argv[1]) < 0) {
		fprintf(2, "mv: cannot remove %s\n", argv[1]);
		exit(1);
	}
	exit(0);
}
