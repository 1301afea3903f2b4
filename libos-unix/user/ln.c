/*
 * ln - make a link: ln old new, or with -s a symbolic link whose
 * contents are old (which need not exist).
 */
#include "kernel/types.h"
#include "user/user.h"

int
main(int argc, char *argv[])
{
	int	sym = 0;

	if (argc == 4 && strcmp(argv[1], "-s") == 0) {
		sym = 1;
		argv++;
		argc--;
	}
	if (argc != 3) {
		fprintf(2, "usage: ln [-s] old new\n");
		exit(2);
	}
	if ((sym ? symlink(argv[1], argv[2]) : link(argv[1], argv[2])) < 0) {
		fprintf(2, "ln: %s %s: failed\n", argv[1], argv[2]);
		exit(1);
	}
	exit(0);
}
