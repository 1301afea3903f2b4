/*
 * userver.c - a server process for the microkernel column (userver.h).
 *
 * The server is a fork of the benchmark, so it holds whatever the part
 * set up before us_start (an open image, a mapped region): it is a
 * separate process with its own address space all the same, and every
 * request and reply crosses the host kernel twice, which is what a
 * microkernel's service costs.  It serves one request at a time and ends
 * when the client's end closes.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchlib.h"
#include "userver.h"

/* A SOCK_SEQPACKET pair whose buffers hold a whole 64 KiB message. */
void
us_pair(int sv[2])
{
	int	size = 4 * US_MSG_MAX, i;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == -1)
		bl_die("socketpair: %s", strerror(errno));
	for (i = 0; i < 2; i++) {
		(void)setsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &size,
		    sizeof size);
		(void)setsockopt(sv[i], SOL_SOCKET, SO_RCVBUF, &size,
		    sizeof size);
	}
}

static void __attribute__((noreturn))
us_loop(int fd, us_serve_fn fn, void *arg)
{
	unsigned char	*req, *reply;
	ssize_t		 n, r;

	if ((req = malloc(US_MSG_MAX)) == NULL ||
	    (reply = malloc(US_MSG_MAX)) == NULL)
		_exit(1);
	for (;;) {
		if ((n = recv(fd, req, US_MSG_MAX, 0)) == -1 && errno == EINTR)
			continue;
		if (n <= 0 || (r = fn(arg, req, (size_t)n, reply)) < 0)
			break;
		if (send(fd, reply, (size_t)r, 0) != r)
			break;
	}
	_exit(0);
}

/* Fork the server; it runs fn on every request until the client stops. */
void
us_start(struct userver *s, us_serve_fn fn, void *arg)
{
	int	sv[2];

	us_pair(sv);
	if ((s->pid = fork()) == -1)
		bl_die("fork: %s", strerror(errno));
	if (s->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(sv[0]);
		us_loop(sv[1], fn, arg);
	}
	close(sv[1]);
	s->fd = sv[0];
	bl_track(s->pid);
}

/* One request and its reply (at most max bytes); the reply's length. */
size_t
us_call(struct userver *s, const void *req, size_t len, void *reply,
    size_t max)
{
	ssize_t	n;

	if (send(s->fd, req, len, 0) != (ssize_t)len)
		bl_die("server request: %s", strerror(errno));
	while ((n = recv(s->fd, reply, max, 0)) == -1 && errno == EINTR)
		;
	if (n <= 0)
		bl_die("server reply: %s", n == 0 ? "server gone" :
		    strerror(errno));
	return ((size_t)n);
}

/* Close the client's end; the server sees it and ends. */
void
us_stop(struct userver *s)
{
	if (s->fd != -1)
		close(s->fd);
	s->fd = -1;
	if (s->pid > 0) {
		while (waitpid(s->pid, NULL, 0) == -1 && errno == EINTR)
			;
		bl_untrack(s->pid);
	}
	s->pid = 0;
}
