/*
 * grep - print the lines that match a pattern.
 *
 *	grep pattern [file ...]
 *
 * The pattern is a small regular expression, as xv6's grep takes: c
 * matches itself, . any character, c* (or .*) any run of c, ^ at the
 * start anchors to the start of the line and $ at the end to its end.
 * Exit status 0 if a line matched, 1 if none did, 2 on an error.
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"

#define GREP_BUF	1024

static char	grep_buf[GREP_BUF];

static int	grep_here(const char *, const char *);

/* Does c* followed by re match a prefix of text? Longest run first. */
static int
grep_star(char c, const char *re, const char *text)
{
	const char	*t = text;

	while (*t != '\0' && (*t == c || c == '.'))
		t++;
	for (;; t--) {
		if (grep_here(re, t))
			return 1;
		if (t == text)
			return 0;
	}
}

/* Does re match a prefix of text? */
static int
grep_here(const char *re, const char *text)
{
	for (;;) {
		if (re[0] == '\0')
			return 1;
		if (re[1] == '*')
			return grep_star(re[0], re + 2, text);
		if (re[0] == '$' && re[1] == '\0')
			return *text == '\0';
		if (*text == '\0' || (re[0] != '.' && re[0] != *text))
			return 0;
		re++;
		text++;
	}
}

/* Does re match anywhere in text? */
static int
grep_match(const char *re, const char *text)
{
	if (re[0] == '^')
		return grep_here(re + 1, text);
	do {
		if (grep_here(re, text))
			return 1;
	} while (*text++ != '\0');
	return 0;
}

/* Print fd's matching lines; the number printed, -1 on a read error. */
static int
grep_fd(const char *re, int fd)
{
	int	n, len = 0, found = 0;
	char	*line, *nl;

	while ((n = read(fd, grep_buf + len, GREP_BUF - 1 - len)) > 0) {
		len += n;
		grep_buf[len] = '\0';
		line = grep_buf;
		while ((nl = strchr(line, '\n')) != 0) {
			*nl = '\0';
			if (grep_match(re, line)) {
				*nl = '\n';
				write(1, line, nl + 1 - line);
				found++;
			}
			line = nl + 1;
		}
		if (line == grep_buf && len == GREP_BUF - 1) {
			/* A line longer than the buffer: skip what is here. */
			line = grep_buf + len;
		}
		len -= line - grep_buf;
		memmove(grep_buf, line, len);
	}
	if (len > 0) {
		/* A last line without a newline. */
		grep_buf[len] = '\0';
		if (grep_match(re, grep_buf)) {
			write(1, grep_buf, len);
			write(1, "\n", 1);
			found++;
		}
	}
	return n < 0 ? -1 : found;
}

int
main(int argc, char *argv[])
{
	int	i, fd, n, found = 0, error = 0;

	if (argc < 2) {
		fprintf(2, "usage: grep pattern [file ...]\n");
		exit(2);
	}
	if (argc == 2) {
		n = grep_fd(argv[1], 0);
		exit(n < 0 ? 2 : n > 0 ? 0 : 1);
	}
	for (i = 2; i < argc; i++) {
		if ((fd = open(argv[i], O_RDONLY)) < 0) {
			fprintf(2, "grep: cannot open %s\n", argv[i]);
			error = 1;
			continue;
		}
		if ((n = grep_fd(argv[1], fd)) < 0)
			error = 1;
		else
			found += n;
		close(fd);
	}
	exit(error ? 2 : found > 0 ? 0 : 1);
}
