/*
 * proc.c - child processes for the revocation and disk tests (proc.h).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"
#include "tap.h"

long
tp_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000L);
}

void
tp_sleep_ms(long ms)
{
	struct timespec	ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* In a fresh child: die with the test, and with a clean signal state. */
static void
tp_child_setup(pid_t parent)
{
	sigset_t	none;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != parent)
		_exit(127);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

void
tp_start(struct tp_proc *p, const char *const *argv)
{
	int	in[2], out[2];
	pid_t	parent = getpid();

	memset(p, 0, sizeof *p);
	if (pipe2(in, O_CLOEXEC) == -1 || pipe2(out, O_CLOEXEC) == -1)
		sysbail("pipe");
	fflush(NULL);
	if ((p->pid = fork()) == -1)
		sysbail("fork");
	if (p->pid == 0) {
		tp_child_setup(parent);
		if (dup2(in[0], 0) == -1 || dup2(out[1], 1) == -1 ||
		    dup2(out[1], 2) == -1)
			_exit(127);
		execv(argv[0], (char *const *)argv);
		dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	p->in = in[1];
	p->out = out[0];
	signal(SIGPIPE, SIG_IGN);
}

/* Read what is there (waiting up to ms); 0 at EOF, 1 otherwise. */
static int
tp_fill(struct tp_proc *p, int ms)
{
	struct pollfd	pfd;
	ssize_t		n;
	int		r;

	if (p->out == -1)
		return (0);
	pfd.fd = p->out;
	pfd.events = POLLIN;
	pfd.revents = 0;
	do
		r = poll(&pfd, 1, ms);
	while (r == -1 && errno == EINTR);
	if (r <= 0)
		return (1);
	if (p->len == TP_OUT_MAX) {
		char	junk[4096];

		n = read(p->out, junk, sizeof junk);
	} else
		n = read(p->out, p->buf + p->len, TP_OUT_MAX - p->len);
	if (n <= 0) {
		close(p->out);
		p->out = -1;
		return (0);
	}
	if (p->len < TP_OUT_MAX) {
		p->len += (size_t)n;
		p->buf[p->len] = '\0';
	}
	return (1);
}

int
tp_poll(struct tp_proc *p)
{
	int	r = 1;
	size_t	len;

	/* Until a read brings nothing new, so a chatty child never blocks. */
	do {
		len = p->len;
		r = tp_fill(p, 0);
	} while (r == 1 && p->out != -1 && p->len != len && p->len < TP_OUT_MAX);
	return (r);
}

const char *
tp_expect(struct tp_proc *p, const char *prefix, int ms)
{
	long	deadline = tp_now_ms() + ms;
	size_t	at, plen = strlen(prefix), ll;
	char	*nl;

	for (;;) {
		/* Whole lines from the cursor on. */
		at = p->cursor;
		while (at < p->len &&
		    (nl = memchr(p->buf + at, '\n', p->len - at)) != NULL) {
			ll = (size_t)(nl - (p->buf + at));
			if (ll >= plen && strncmp(p->buf + at, prefix, plen) == 0) {
				if (ll >= sizeof p->line)
					ll = sizeof p->line - 1;
				memcpy(p->line, p->buf + at, ll);
				p->line[ll] = '\0';
				p->cursor = (size_t)(nl - p->buf) + 1;
				return (p->line);
			}
			at = (size_t)(nl - p->buf) + 1;
		}
		if (tp_now_ms() >= deadline || p->out == -1)
			return (NULL);
		(void)tp_fill(p, 20);
	}
}

void
tp_close_in(struct tp_proc *p)
{
	if (p->in != -1) {
		close(p->in);
		p->in = -1;
	}
}

int
tp_wait(struct tp_proc *p, int ms)
{
	long	deadline = tp_now_ms() + ms;
	pid_t	r;

	if (p->pid == -1)
		return (p->status);
	for (;;) {
		if (p->out != -1)
			(void)tp_fill(p, 10);
		else
			tp_sleep_ms(10);
		r = waitpid(p->pid, &p->status, WNOHANG);
		if (r == p->pid)
			break;
		if (tp_now_ms() >= deadline) {
			kill(p->pid, SIGKILL);
			(void)waitpid(p->pid, &p->status, 0);
			p->pid = -1;
			p->status = -1;
			break;
		}
	}
	p->pid = -1;
	while (tp_fill(p, 100) == 1 && p->out != -1)
		;
	tp_close_in(p);
	return (p->status);
}

void
tp_kill(struct tp_proc *p, int sig)
{
	if (p->pid > 0)
		kill(p->pid, sig);
}

void
tp_diag(const struct tp_proc *p, const char *what)
{
	const char	*line = p->buf, *nl;

	diag("%s said:", what);
	while (*line != '\0') {
		nl = strchr(line, '\n');
		diag("  %.*s", nl != NULL ? (int)(nl - line) : (int)strlen(line),
		    line);
		if (nl == NULL)
			break;
		line = nl + 1;
	}
}

int
tp_run(const char *const *argv, char *out, size_t outlen, int ms)
{
	static struct tp_proc	p;
	int			status;

	tp_start(&p, argv);
	tp_close_in(&p);
	status = tp_wait(&p, ms);
	if (out != NULL && outlen > 0)
		snprintf(out, outlen, "%s", p.buf);
	return (status);
}

long long
tp_field(const char *s, const char *key, long long def)
{
	size_t		 klen = strlen(key);
	const char	*at;

	if (s == NULL)
		return (def);
	for (at = s; (at = strstr(at, key)) != NULL; at += klen) {
		if ((at == s || at[-1] == ' ') && at[klen] == '=')
			return (strtoll(at + klen + 1, NULL, 10));
	}
	return (def);
}

void
tp_kid_start(struct tp_kid *k, int (*fn)(int, void *), void *arg)
{
	int	sv[2];
	pid_t	parent = getpid();

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		sysbail("socketpair");
	fflush(NULL);
	if ((k->pid = fork()) == -1)
		sysbail("fork");
	if (k->pid == 0) {
		tp_child_setup(parent);
		close(sv[0]);
		_exit(fn(sv[1], arg));
	}
	close(sv[1]);
	k->fd = sv[0];
}

int
tp_send(int fd, const void *buf, size_t len)
{
	ssize_t	n;

	do
		n = send(fd, buf, len, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	return (n == (ssize_t)len ? 0 : -1);
}

int
tp_recv(int fd, void *buf, size_t len, int ms)
{
	long		deadline = tp_now_ms() + ms;
	struct pollfd	pfd;
	ssize_t		n;
	int		r;

	for (;;) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		r = poll(&pfd, 1, 20);
		if (r == 1)
			break;
		if ((r == -1 && errno != EINTR) || tp_now_ms() >= deadline)
			return (-1);
	}
	do
		n = recv(fd, buf, len, 0);
	while (n == -1 && errno == EINTR);
	return ((int)n);
}

int
tp_kid_wait(struct tp_kid *k, int ms)
{
	long	deadline = tp_now_ms() + ms;
	int	status = -1;
	pid_t	r;

	if (k->pid <= 0)
		return (-1);
	for (;;) {
		r = waitpid(k->pid, &status, WNOHANG);
		if (r == k->pid)
			break;
		if (r == -1 && errno != EINTR) {
			status = -1;
			break;
		}
		if (tp_now_ms() >= deadline) {
			kill(k->pid, SIGKILL);
			(void)waitpid(k->pid, &status, 0);
			status = -1;
			break;
		}
		tp_sleep_ms(10);
	}
	k->pid = -1;
	if (k->fd != -1)
		close(k->fd);
	k->fd = -1;
	return (status);
}

static void
tp_watchdog_fire(int sig)
{
	static const char	msg[] = "Bail out! watchdog: the test hangs\n";

	(void)sig;
	(void)write(STDOUT_FILENO, msg, sizeof msg - 1);
	/* The harness's handler stops the exods and removes their dirs. */
	raise(SIGTERM);
}

void
tp_watchdog(unsigned seconds)
{
	signal(SIGALRM, tp_watchdog_fire);
	alarm(seconds);
}
