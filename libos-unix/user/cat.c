/*
 * cat - copy files, or standard input, to standard output.
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"

static char	cat_buf[4096];

/* Copy fd to standard output; 0, or -1 after a message. */
static int
cat_fd(int fd, const char *name)
{
	int	n;

	while ((n = read(fd, cat_buf, sizeof cat_buf)) > 0) {
		if (write(1, cat_buf, n) != n) {
			fprintf(2, "cat: write error\n");
			return -1;
		}
	}
	if (n < 0) {
		fprintf(2, "cat: %s: read error\n", name);
		return -1;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	int	i, fd, status = 0;

	if (argc < 2)
		exit(cat_fd(0, "stdin") == 0 ? 0 : 1);
	for (i = 1; i < argc; i++) {
		if ((fd = open(argv[i], O_RDONLY)) < 0) {
			fprintf(2, "cat: cannot open %s\n", argv[i]);
			status = 1;
			continue;
		}
		if (cat_fd(fd, argv[i]) != 0)
			status = 1;
		close(fd);
	}
	exit(status);
}
