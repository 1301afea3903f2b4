/*
 * gets.c - read one line.
 */
#include "kernel/types.h"
#include "user/user.h"

/*
 * Read from standard input into buf until a newline or a carriage return
 * (kept), end of file or max - 1 bytes, and null-terminate.  One byte per
 * read(2), so that nothing past the line is taken from a shared input such
 * as a pipe or the console.  An empty buf means end of file.
 */
char *
gets(char *buf, int max)
{
	int	i = 0;
	char	c;

	while (i + 1 < max) {
		if (read(0, &c, 1) < 1)
			break;
		buf[i++] = c;
		if (c == '\n' || c == '\r')
			break;
	}
	if (max > 0)
		buf[i] = '\0';
	return buf;
}
