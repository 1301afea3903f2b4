/*
 * pipeline.c - a libOS that pipelines requests exod answers later gets no
 * more than its share: a second allocation while one waits for revoked
 * frames is refused at once and takes nothing, and every flush gets
 * exactly one reply.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "tap.h"

static struct th_exod	d;

static void
send_req(int fd, uint16_t type, uint32_t id, const void *p, uint32_t len)
{
	unsigned char	buf[64];
	struct exo_hdr	h = { EXO_PROTO_VERSION, type, id, len, 0 };

	memcpy(buf, &h, sizeof h);
	if (len > 0)
		memcpy(buf + sizeof h, p, len);
	if (th_raw_send(fd, buf, sizeof h + len) != (int)(sizeof h + len))
		sysbail("send");
}

/* The next reply's header (its payload and descriptors are dropped). */
static int
next_reply(int fd, struct exo_hdr *h, int ms)
{
	unsigned char	buf[EXO_MSG_MAX];
	int		n;

	if ((n = th_raw_recv(fd, buf, sizeof buf, ms)) < (int)sizeof *h)
		return (-1);
	memcpy(h, buf, sizeof *h);
	return (0);
}

/* A libOS that holds n frames and ignores revocations, until killed. */
static pid_t
hog(unsigned n)
{
	char	frames[16], line[256];
	int	p[2];
	pid_t	pid;
	FILE	*f;

	snprintf(frames, sizeof frames, "%u", n);
	if (pipe(p) == -1 || (pid = fork()) == -1)
		sysbail("fork");
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		execl(th_path("t/libos-disk"), "libos-disk", "-S", d.sock,
		    "-n", "hog", "-m", "ignore", "-f", frames, "-b", "0",
		    "-t", "60000", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	if ((f = fdopen(p[0], "r")) == NULL)
		sysbail("fdopen");
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "ready", 5) == 0)
			return (pid);
	bail("the hog did not start");
	return (-1);
}

int
main(void)
{
	struct exo_frame_alloc	 req = { 20, 0 };
	struct exo_hdr		 h;
	int			 fd, i, got, ok_or_busy, rc;
	pid_t			 pid;

	plan(6);
	th_exod_start(&d, "-m", "256K", "-R", "3000", (char *)NULL);
	pid = hog(56);				/* 8 of 64 frames free */
	fd = th_raw_connect(&d);
	(void)th_raw_hello(fd, "piper");	/* fair share: 64 / 2 = 32 */

	/* 20 is within its share: exod revokes 12 from the hog; it waits. */
	send_req(fd, EXO_MSG_FRAME_ALLOC, 1, &req, sizeof req);
	send_req(fd, EXO_MSG_FRAME_ALLOC, 2, &req, sizeof req);
	memset(&h, 0, sizeof h);
	rc = next_reply(fd, &h, 2000);
	ok(rc == 0 && h.id == 2, "the second allocation is answered first, "
	    "at once (id %u)", h.id);
	is_int(-EXO_ENOMEM, h.status, "... with EXO_ENOMEM: one allocation "
	    "per libOS waits");
	is_int(64 - 56, th_frames_free(&d), "... and it took nothing");
	memset(&h, 0, sizeof h);
	rc = next_reply(fd, &h, 10000);
	ok(rc == 0 && h.id == 1 && h.status == 0, "the first is answered "
	    "once the hog's frames are taken (id %u, status %d)", h.id,
	    h.status);

	/* Flushes: pipelined, each gets exactly one reply, 0 or EBUSY. */
	for (i = 0; i < 12; i++)
		send_req(fd, EXO_MSG_DISK_FLUSH, 100 + (uint32_t)i, NULL, 0);
	for (got = 0, ok_or_busy = 1; got < 12; got++) {
		if (next_reply(fd, &h, 10000) == -1)
			break;
		if ((h.status != 0 && h.status != -EXO_EBUSY) ||
		    h.id < 100 || h.id >= 112)
			ok_or_busy = 0;
	}
	is_int(12, got, "12 pipelined flushes get 12 replies");
	ok(ok_or_busy, "each one 0, or EXO_EBUSY past 4 waiting");

	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(fd);
	return (0);
}
