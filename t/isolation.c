/*
 * isolation.t - one libOS cannot touch another's frames.
 *
 * libOS A (this process) binds frames and writes a pattern; libOS B runs in
 * a child process (its own pid, its own connection) and is handed A's
 * capabilities through a pipe.  B tries to check and free them as they are
 * and with the owner field rewritten to its own id; the child reports the
 * return codes and the parent judges them, so all TAP output comes from
 * one process.  A control connection must not bind or free frames.
 */
#define _GNU_SOURCE 1
#include <sys/mman.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "harness.h"
#include "tap.h"

#define NFRAMES		256
#define NA		4	/* frames A binds */
#define NB		4	/* frames B binds */

static struct th_exod	exod;

/* What the child reports. */
struct result {
	int		connect_rc;
	uint32_t	libos;
	int32_t		pid;
	int		check[NA];	/* A's caps, CAP_CHECK by B */
	int		check_rw;	/* A's cap 0, CAP_CHECK rights RW */
	int		free1[NA];	/* A's caps, FRAME_FREE one by one */
	int		freeall;	/* all of A's caps in one FRAME_FREE */
	int		forged_check[NA]; /* owner rewritten to B */
	int		forged_free;
	int		forged_freeall;
	int		alloc_rc;
	uint64_t	ids[NB];	/* frame numbers B got */
	int		own_check;	/* B's own caps check */
	int		own_zero;	/* B's frames read zero when bound */
};

static void
pattern(unsigned char *p, unsigned i, int c)
{
	memset(p, c, EXO_FRAME_SIZE);
	memcpy(p, &i, sizeof i);
}

static int
has_pattern(const unsigned char *p, unsigned i, int c)
{
	unsigned	k;
	size_t		j;

	memcpy(&k, p, sizeof k);
	if (k != i)
		return 0;
	for (j = sizeof k; j < EXO_FRAME_SIZE; j++)
		if (p[j] != (unsigned char)c)
			return 0;
	return 1;
}

/* FRAME_FREE of n caps over the raw request interface. */
static int
raw_free(struct exo *x, const struct exo_cap *caps, unsigned n)
{
	unsigned char		buf[sizeof(struct exo_frame_free) +
				    NA * sizeof(struct exo_cap)];
	struct exo_frame_free	hdr;
	size_t			rlen;
	unsigned		nfds;
	char			rep[16];

	hdr.count = n;
	hdr.reserved = 0;
	memcpy(buf, &hdr, sizeof hdr);
	memcpy(buf + sizeof hdr, caps, n * sizeof *caps);
	return exo_request(x, EXO_MSG_FRAME_FREE, buf,
	    sizeof hdr + n * sizeof *caps, rep, sizeof rep, &rlen, NULL, 0,
	    &nfds);
}

static int
readn(int fd, void *buf, size_t n)
{
	char	*p = buf;
	ssize_t	 r;

	while (n > 0) {
		r = read(fd, p, n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* The child: libOS B.  Never returns; never prints TAP. */
static void
child_b(int rfd, int wfd)
{
	struct exo_cap		 caps[NA], forged[NA];
	struct exo_frame	 fb[NB];
	struct result		 r;
	struct exo		*b;
	unsigned		 i;
	char			 c;

	memset(&r, 0, sizeof r);
	if (readn(rfd, caps, sizeof caps) == -1)
		_exit(3);
	r.pid = getpid();
	r.connect_rc = exo_connect(exod.sock, "iso-b", &b);
	if (r.connect_rc != 0) {
		(void)!write(wfd, &r, sizeof r);
		_exit(4);
	}
	r.libos = exo_libos_id(b);
	for (i = 0; i < NA; i++)
		r.check[i] = exo_cap_check(b, &caps[i], 0);
	r.check_rw = exo_cap_check(b, &caps[0], EXO_RIGHTS_ALL);
	for (i = 0; i < NA; i++)
		r.free1[i] = raw_free(b, &caps[i], 1);
	r.freeall = raw_free(b, caps, NA);
	for (i = 0; i < NA; i++) {
		forged[i] = caps[i];
		forged[i].owner = r.libos;
		r.forged_check[i] = exo_cap_check(b, &forged[i], 0);
	}
	r.forged_free = raw_free(b, &forged[0], 1);
	r.forged_freeall = raw_free(b, forged, NA);

	/* B's own frames: bind, check zero, scribble over them. */
	r.alloc_rc = exo_frame_alloc_batch(b, fb, NB);
	if (r.alloc_rc >= 0) {
		r.own_zero = 1;
		for (i = 0; i < NB; i++) {
			unsigned char *p = exo_frame_map(&fb[i],
			    PROT_READ | PROT_WRITE);
			size_t j;

			r.ids[i] = fb[i].cap.id;
			if (exo_cap_check(b, &fb[i].cap, EXO_RIGHTS_ALL) != 0)
				r.own_check++;
			if (p == NULL) {
				r.own_zero = 0;
				continue;
			}
			for (j = 0; j < EXO_FRAME_SIZE; j++)
				if (p[j] != 0)
					r.own_zero = 0;
			memset(p, 'b', EXO_FRAME_SIZE);
		}
	}
	if (write(wfd, &r, sizeof r) != (ssize_t)sizeof r)
		_exit(5);
	/* Hold the frames until the parent has looked at its own. */
	(void)!read(rfd, &c, 1);
	exo_disconnect(b);
	_exit(0);
}

static void
test_control(struct exo *a, const struct exo_cap *caps)
{
	struct exo_frame_alloc	 req = { 1, 0 };
	struct exo		*ctl;
	unsigned		 nfds;
	size_t			 rlen;
	int			 fds[4], rc;
	char			 rep[512];

	rc = exo_connect_control(exod.sock, &ctl);
	is_int(0, rc, "control connection");
	if (rc != 0)
		bail("exo_connect_control: %s", exo_strerror(rc));
	is_int(0, exo_null(ctl), "control peer may send NULL");
	nfds = 99;
	rc = exo_request(ctl, EXO_MSG_FRAME_ALLOC, &req, sizeof req, rep,
	    sizeof rep, &rlen, fds, 4, &nfds);
	is_int(-EXO_EPERM, rc, "control peer FRAME_ALLOC: EPERM");
	is_int(0, nfds, "no descriptor reached the control peer");
	is_int(-EXO_EPERM, raw_free(ctl, caps, 1),
	    "control peer FRAME_FREE of A's cap: EPERM");
	is_int(-EXO_EPERM, raw_free(ctl, caps, NA),
	    "control peer FRAME_FREE of all A's caps: EPERM");
	is_int(0, exo_cap_check(a, &caps[0], 0), "A's cap survives the control peer");
	exo_disconnect(ctl);
}

int
main(void)
{
	struct exo_frame	 fa[NA];
	struct exo_cap		 caps[NA], forged;
	struct exo_status	 st;
	struct result		 r;
	struct exo		*a, *c, *ctl;
	unsigned		 i, j, bad, seen_a, seen_b;
	int			 p2c[2], c2p[2], status, rc;
	pid_t			 pid;
	long			 nfree;

	plan(39);
	th_exod_start(&exod, "-m", "1M", (char *)NULL);

	a = th_connect(&exod, "iso-a");
	is_int(1, exo_frame_alloc_batch(a, fa, NA) >= 0, "A binds %d frames", NA);
	for (i = 0; i < NA; i++) {
		unsigned char *p = exo_frame_map(&fa[i], PROT_READ | PROT_WRITE);

		if (p == NULL)
			sysbail("exo_frame_map");
		pattern(p, i, 'A');
		caps[i] = fa[i].cap;
	}

	/* The same process, a second connection: owner is the connection. */
	c = th_connect(&exod, "iso-c");
	is_int(-EXO_ENOTOWNER, exo_cap_check(c, &caps[0], 0),
	    "second connection of the same process: ENOTOWNER");
	is_int(-EXO_ENOTOWNER, raw_free(c, caps, NA),
	    "second connection FRAME_FREE of A's caps: ENOTOWNER");
	forged = caps[0];
	forged.owner = exo_libos_id(c);
	is_int(-EXO_EBADCAP, exo_cap_check(c, &forged, 0),
	    "second connection rewriting the owner: EBADCAP");
	exo_disconnect(c);

	if (pipe(p2c) == -1 || pipe(c2p) == -1)
		sysbail("pipe");
	fflush(stdout);
	pid = fork();
	if (pid == -1)
		sysbail("fork");
	if (pid == 0) {
		close(p2c[1]);
		close(c2p[0]);
		child_b(p2c[0], c2p[1]);
	}
	close(p2c[0]);
	close(c2p[1]);
	if (write(p2c[1], caps, sizeof caps) != (ssize_t)sizeof caps)
		sysbail("write to child");
	if (readn(c2p[0], &r, sizeof r) == -1)
		bail("child B died before reporting");

	is_int(0, r.connect_rc, "B connects from its own process");
	ok(r.pid != getpid(), "B's pid differs from A's");
	ok(r.libos != exo_libos_id(a), "B has a different libOS id");
	bad = 0;
	for (i = 0; i < NA; i++)
		if (r.check[i] != -EXO_ENOTOWNER) {
			diag("B CAP_CHECK of A's cap %u: %d", i, r.check[i]);
			bad++;
		}
	is_int(0, bad, "B presenting A's caps to CAP_CHECK: ENOTOWNER each");
	is_int(-EXO_ENOTOWNER, r.check_rw, "... also when asking READ|WRITE");
	bad = 0;
	for (i = 0; i < NA; i++)
		if (r.free1[i] != -EXO_ENOTOWNER) {
			diag("B FRAME_FREE of A's cap %u: %d", i, r.free1[i]);
			bad++;
		}
	is_int(0, bad, "B presenting A's caps to FRAME_FREE: ENOTOWNER each");
	is_int(-EXO_ENOTOWNER, r.freeall, "B freeing all of A's caps at once:"
	    " ENOTOWNER");
	bad = 0;
	for (i = 0; i < NA; i++)
		if (r.forged_check[i] != -EXO_EBADCAP) {
			diag("B CAP_CHECK of rewritten cap %u: %d", i,
			    r.forged_check[i]);
			bad++;
		}
	is_int(0, bad, "B rewriting the owner to itself: EBADCAP each");
	is_int(-EXO_EBADCAP, r.forged_free, "FRAME_FREE of a rewritten cap: EBADCAP");
	is_int(-EXO_EBADCAP, r.forged_freeall,
	    "FRAME_FREE of all rewritten caps: EBADCAP");
	ok(r.alloc_rc >= 0, "B binds frames of its own (rc %d)", r.alloc_rc);
	is_int(0, r.own_check, "B's own caps check READ|WRITE");
	ok(r.own_zero, "B's frames read as zeros");
	bad = 0;
	for (i = 0; i < NB; i++)
		for (j = 0; j < NA; j++)
			if (r.ids[i] == caps[j].id)
				bad++;
	is_int(0, bad, "B's frame numbers are not A's");

	/* A's frames after all that, with B's written full of 'b'. */
	bad = 0;
	for (i = 0; i < NA; i++) {
		unsigned char buf[EXO_FRAME_SIZE];

		if (!has_pattern(fa[i].va, i, 'A'))
			bad++;
		if (pread(fa[i].fd, buf, sizeof buf, 0) != (ssize_t)sizeof buf ||
		    !has_pattern(buf, i, 'A'))
			bad++;
	}
	is_int(0, bad, "A's frames hold A's pattern, untouched by B");
	bad = 0;
	for (i = 0; i < NA; i++)
		if (exo_cap_check(a, &caps[i], EXO_RIGHTS_ALL) != 0)
			bad++;
	is_int(0, bad, "A's caps still check for A");
	is_int(NFRAMES - NA - NB, th_frames_free(&exod),
	    "exod counts A's and B's frames bound, nothing freed by B");

	/* STATUS sees both libOSes with kernel-given pids. */
	rc = exo_connect_control(exod.sock, &ctl);
	if (rc != 0)
		bail("exo_connect_control: %s", exo_strerror(rc));
	rc = exo_status(ctl, &st);
	is_int(0, rc, "STATUS");
	if (rc == 0) {
		is_int(2, st.totals.npeers, "STATUS lists two libOSes"
		    " (control peers excluded)");
		seen_a = seen_b = 0;
		for (i = 0; i < st.totals.npeers; i++) {
			struct exo_status_peer *sp = &st.peers[i];

			if (sp->libos == exo_libos_id(a) && sp->pid == getpid() &&
			    sp->uid == getuid() && sp->frames == NA &&
			    strcmp(sp->name, "iso-a") == 0)
				seen_a++;
			if (sp->libos == r.libos && sp->pid == pid &&
			    sp->uid == getuid() && sp->frames == NB &&
			    strcmp(sp->name, "iso-b") == 0)
				seen_b++;
		}
		is_int(1, seen_a, "A listed with its pid, uid, frames and name");
		is_int(1, seen_b, "B listed with the child's pid, uid, frames, name");
		exo_status_free(&st);
	} else {
		skip("no STATUS");
		skip("no STATUS");
		skip("no STATUS");
	}
	exo_disconnect(ctl);

	test_control(a, caps);

	/* Let B go; its frames come back, A's stay. */
	if (write(p2c[1], "g", 1) != 1)
		sysbail("write to child");
	if (waitpid(pid, &status, 0) == -1)
		sysbail("waitpid");
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "B exited cleanly"
	    " (status %#x)", status);
	nfree = th_wait_frames_free(&exod, NFRAMES - NA, 10000);
	is_int(NFRAMES - NA, nfree, "B's frames reclaimed, A's still bound");
	bad = 0;
	for (i = 0; i < NA; i++)
		if (!has_pattern(fa[i].va, i, 'A'))
			bad++;
	is_int(0, bad, "A's pattern intact after B left");
	rc = exo_frame_free_batch(a, fa, NA);
	ok(rc >= 0, "A frees its frames (rc %d)", rc);
	is_int(NFRAMES, th_frames_free(&exod), "every frame free");

	/* The other direction: A presenting B's (now stale, foreign) caps. */
	{
		struct exo_cap bc;

		memset(&bc, 0, sizeof bc);
		bc.type = EXO_RES_FRAME;
		bc.rights = EXO_RIGHTS_ALL;
		bc.owner = r.libos;
		bc.id = r.ids[0];
		is_int(-EXO_EBADCAP, exo_cap_check(a, &bc, 0),
		    "a made-up cap naming B's frame: EBADCAP");
	}

	exo_disconnect(a);
	close(p2c[1]);
	close(c2p[0]);
	ok(th_exod_alive(&exod), "exod still running");
	return 0;
}
