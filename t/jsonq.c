/*
 * jsonq.c - JSON in the tests, read by JSON::PP (jsonq.h).  One perl per
 * question: slow, but a test asks few, and the parser is not ours.
 */
#include "config.h"

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jsonq.h"

static const char jq_script[] =
    "use JSON::PP;"
    "local $/; my $t = <STDIN>;"
    "my $j = eval { JSON::PP->new->utf8->allow_nonref->decode($t) };"
    "exit 2 if $@;"
    "my $v = eval $ARGV[0];"
    "exit 3 if $@ || !defined $v;"
    "$v = $v ? 1 : 0 if JSON::PP::is_bool($v);"
    "exit 4 if ref $v;"
    "print $v;"
    "exit 0;";

/* Write all of buf to fd; -1 on error (perl gone early: EPIPE). */
static int
jq_write(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		buf += n;
		len -= (size_t)n;
	}
	return (0);
}

int
jq_eval(const char *text, const char *expr, char *out, size_t len)
{
	void	(*old)(int);
	size_t	 off = 0;
	ssize_t	 n;
	pid_t	 pid;
	int	 in[2], res[2], status;

	if (len == 0 || pipe2(in, O_CLOEXEC) == -1)
		return (-1);
	if (pipe2(res, O_CLOEXEC) == -1) {
		close(in[0]);
		close(in[1]);
		return (-1);
	}
	if ((pid = fork()) == -1) {
		close(in[0]);
		close(in[1]);
		close(res[0]);
		close(res[1]);
		return (-1);
	}
	if (pid == 0) {
		if (dup2(in[0], 0) == -1 || dup2(res[1], 1) == -1)
			_exit(127);
		execlp("perl", "perl", "-e", jq_script, expr, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(res[1]);
	old = signal(SIGPIPE, SIG_IGN);
	(void)jq_write(in[1], text, strlen(text));
	close(in[1]);
	signal(SIGPIPE, old);
	while (off + 1 < len && (n = read(res[0], out + off,
	    len - 1 - off)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)n;
	}
	out[off] = '\0';
	close(res[0]);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return (-1);
	return (WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1);
}

long long
jq_num(const char *text, const char *expr, long long def)
{
	char		 buf[64], *end;
	long long	 v;

	if (jq_eval(text, expr, buf, sizeof buf) != 0 || buf[0] == '\0')
		return (def);
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (*end != '\0' || errno != 0)
		return (def);
	return (v);
}

int
jq_valid(const char *text)
{
	char	buf[8];

	return (jq_eval(text, "1", buf, sizeof buf) == 0);
}
