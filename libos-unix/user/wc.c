/*
 * wc - count lines, words and bytes.
 *
 *	wc [file ...]
 *
 * One line per input, "lines words bytes name", as xv6's wc prints it:
 * standard input has an empty name (so the line ends in a blank).  A word
 * is a run of characters other than space, tab, CR, LF and VT.
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"

static char	wc_buf[4096];

/* Count fd and print the counts; 0, or -1 on a read error. */
static int
wc_fd(int fd, const char *name)
{
	int	i, n, lines = 0, words = 0, bytes = 0, inword = 0;

	while ((n = read(fd, wc_buf, sizeof wc_buf)) > 0) {
		bytes += n;
		for (i = 0; i < n; i++) {
			if (wc_buf[i] == '\n')
				lines++;
			if (strchr(" \r\t\n\v", wc_buf[i]))
				inword = 0;
			else if (!inword) {
				words++;
				inword = 1;
			}
		}
	}
	if (n < 0) {
		fprintf(2, "wc: read error\n");
		return -1;
	}
	printf("%d %d %d %s\n", lines, words, bytes, name);
	return 0;
}

int
main(int argc, char *argv[])
{
	int	i, fd, status = 0;

	if (argc < 2)
		exit(wc_fd(0, "") == 0 ? 0 : 1);
	for (i = 1; i < argc; i++) {
		if ((fd = open(argv[i], O_RDONLY)) < 0) {
			fprintf(2, "wc: cannot open %s\n", argv[i]);
			status = 1;
			continue;
		}
		if (wc_fd(fd, argv[i]) < 0)
			status = 1;
		close(fd);
	}
	exit(status);
}
