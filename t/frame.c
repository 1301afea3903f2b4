/*
 * frame.t - page frames: binding, mapping, reading back, freeing, and a
 * frame freed by one libOS reaching the next owner wiped.
 *
 * exod runs with -m 1M: 256 frames, enough for a full batch of 253 and
 * small enough that binding every frame forces the reuse of every frame
 * number (the reuse test proves it by comparing cap.id).
 */
#define _GNU_SOURCE 1
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "harness.h"
#include "tap.h"

#define NFRAMES		256
#define BATCH		EXO_BATCH_MAX

static struct th_exod	exod;

/* Is every byte of p[0..n) equal to c? */
static int
all_bytes(const void *p, int c, size_t n)
{
	const unsigned char	*s = p;
	size_t			 i;

	for (i = 0; i < n; i++)
		if (s[i] != (unsigned char)c)
			return 0;
	return 1;
}

/* Read a frame's contents through its descriptor, not through a mapping. */
static int
frame_pread(int fd, void *buf)
{
	return pread(fd, buf, EXO_FRAME_SIZE, 0) == EXO_FRAME_SIZE;
}

static int
frame_size_ok(int fd)
{
	struct stat	st;

	return fstat(fd, &st) == 0 && st.st_size == EXO_FRAME_SIZE;
}

/* Bind all NFRAMES frames of exod to x: one batch of 253 and one of 3. */
static int
alloc_all(struct exo *x, struct exo_frame *f)
{
	int	r1, r2;

	r1 = exo_frame_alloc_batch(x, f, BATCH);
	if (r1 < 0)
		return r1;
	r2 = exo_frame_alloc_batch(x, f + BATCH, NFRAMES - BATCH);
	if (r2 < 0)
		return r2;
	return 0;
}

static int
free_all(struct exo *x, struct exo_frame *f)
{
	int	r1, r2;

	r1 = exo_frame_free_batch(x, f, BATCH);
	if (r1 < 0)
		return r1;
	r2 = exo_frame_free_batch(x, f + BATCH, NFRAMES - BATCH);
	if (r2 < 0)
		return r2;
	return 0;
}

static void
test_single(struct exo *a)
{
	struct exo_frame	 f, g;
	struct exo_cap		 old;
	unsigned char		 buf[EXO_FRAME_SIZE];
	unsigned char		*p, *q;
	int			 fl;

	is_int(0, exo_frame_alloc(a, &f), "single frame binds");
	ok(f.fd >= 0, "frame has a descriptor");
	ok(f.va == NULL, "frame starts unmapped");
	is_int(EXO_RES_FRAME, f.cap.type, "cap type is FRAME");
	is_int(EXO_RIGHTS_ALL, f.cap.rights, "cap rights are READ|WRITE");
	is_int(0, f.cap.flags, "cap flags are 0");
	is_int(exo_libos_id(a), f.cap.owner, "cap owner is my libOS id");
	ok(f.cap.id < NFRAMES, "cap id %llu is a frame number",
	    (unsigned long long)f.cap.id);
	ok(frame_size_ok(f.fd), "frame descriptor is exactly 4096 bytes");
	fl = fcntl(f.fd, F_GETFL);
	ok(fl != -1 && (fl & O_ACCMODE) == O_RDWR, "frame descriptor is read-write");
	ok(frame_pread(f.fd, buf) && all_bytes(buf, 0, sizeof buf),
	    "fresh frame reads as zeros through its descriptor");

	p = exo_frame_map(&f, PROT_READ | PROT_WRITE);
	ok(p != NULL && (void *)p == f.va, "frame maps, va recorded");
	if (p == NULL)
		bail("exo_frame_map: %s", strerror(errno));
	ok(all_bytes(p, 0, EXO_FRAME_SIZE), "fresh frame reads as zeros mapped");
	memset(p, 0x5a, EXO_FRAME_SIZE);
	p[0] = 0x01;
	p[EXO_FRAME_SIZE - 1] = 0x02;
	ok(frame_pread(f.fd, buf) && memcmp(buf, p, sizeof buf) == 0,
	    "writes through the mapping read back through the descriptor");
	q = exo_frame_map(&f, PROT_READ | PROT_WRITE);
	ok(q == p, "mapping twice returns the same address");

	is_int(0, exo_cap_check(a, &f.cap, 0), "cap checks with rights 0");
	is_int(0, exo_cap_check(a, &f.cap, EXO_RIGHT_READ), "cap checks READ");
	is_int(0, exo_cap_check(a, &f.cap, EXO_RIGHT_WRITE), "cap checks WRITE");
	is_int(0, exo_cap_check(a, &f.cap, EXO_RIGHTS_ALL), "cap checks READ|WRITE");
	is_int(NFRAMES - 1, th_frames_free(&exod), "exod counts one frame bound");

	is_int(0, exo_frame_unmap(&f), "unmap");
	ok(f.va == NULL, "unmap clears va");
	is_int(-EXO_EINVAL, exo_frame_unmap(&f), "unmap twice gives EINVAL");
	p = exo_frame_map(&f, PROT_READ);
	ok(p != NULL && p[0] == 0x01 && p[1] == 0x5a &&
	    p[EXO_FRAME_SIZE - 1] == 0x02, "contents survive unmap and remap");

	memset(&g, 0, sizeof g);
	g.fd = -1;
	errno = 0;
	ok(exo_frame_map(&g, PROT_READ) == NULL && errno == EBADF,
	    "mapping a frame without descriptor fails with EBADF");

	old = f.cap;
	is_int(0, exo_frame_free(a, &f), "single frame frees");
	ok(f.fd == -1 && f.va == NULL, "free closes the descriptor and unmaps");
	is_int(-EXO_ESTALE, exo_cap_check(a, &old, 0),
	    "the freed frame's cap is stale");
	g.cap = old;
	g.fd = -1;
	g.va = NULL;
	is_int(-EXO_ESTALE, exo_frame_free(a, &g), "freeing it again: ESTALE");
	is_int(NFRAMES, th_frames_free(&exod), "all frames free again");
}

static void
test_batch(struct exo *a)
{
	static struct exo_frame	 b[BATCH + 1];
	static struct exo_cap	 old[BATCH];
	static unsigned char	 seen[NFRAMES];
	unsigned char		 buf[EXO_FRAME_SIZE];
	struct exo_frame_alloc	 req;
	int			 fds[4];
	unsigned		 i, j, nfds, bad, bad2, bad3;
	size_t			 rlen;
	int			 rc;
	char			 rep[64];

	rc = exo_frame_alloc_batch(a, b, BATCH);
	ok(rc == 0 || rc == BATCH, "batch of %d binds (rc %d)", BATCH, rc);
	if (rc < 0)
		bail("batch alloc failed: %s", exo_strerror(rc));

	bad = bad2 = bad3 = 0;
	memset(seen, 0, sizeof seen);
	for (i = 0; i < BATCH; i++) {
		if (b[i].fd < 0 || !frame_size_ok(b[i].fd) || b[i].va != NULL)
			bad++;
		if (b[i].cap.type != EXO_RES_FRAME ||
		    b[i].cap.rights != EXO_RIGHTS_ALL ||
		    b[i].cap.owner != exo_libos_id(a) ||
		    b[i].cap.id >= NFRAMES || seen[b[i].cap.id]++)
			bad2++;
		if (!frame_pread(b[i].fd, buf) || !all_bytes(buf, 0, sizeof buf))
			bad3++;
		for (j = 0; j < i; j++)
			if (b[j].fd == b[i].fd)
				bad++;
	}
	is_int(0, bad, "batch: 253 distinct descriptors of exactly 4096 bytes");
	is_int(0, bad2, "batch: 253 well-formed caps with distinct frame numbers");
	is_int(0, bad3, "batch: every frame reads as zeros");

	/* Distinct frames: write a different pattern in each, read all back. */
	bad = 0;
	for (i = 0; i < BATCH; i++) {
		unsigned char *p = exo_frame_map(&b[i], PROT_READ | PROT_WRITE);

		if (p == NULL) {
			bad++;
			continue;
		}
		memset(p, (int)(i & 0xff), EXO_FRAME_SIZE);
		memcpy(p, &i, sizeof i);
	}
	is_int(0, bad, "batch: every frame maps");
	bad = 0;
	for (i = 0; i < BATCH; i++) {
		unsigned k;

		if (!frame_pread(b[i].fd, buf)) {
			bad++;
			continue;
		}
		memcpy(&k, buf, sizeof k);
		if (k != i || !all_bytes(buf + sizeof k, (int)(i & 0xff),
		    sizeof buf - sizeof k))
			bad++;
	}
	is_int(0, bad, "batch: each frame holds its own pattern (no aliasing)");
	is_int(NFRAMES - BATCH, th_frames_free(&exod), "exod counts 253 bound");

	is_int(-EXO_EINVAL, exo_frame_alloc_batch(a, &b[BATCH], 0),
	    "batch of 0: EINVAL");
	is_int(-EXO_EINVAL, exo_frame_alloc_batch(a, b, BATCH + 1),
	    "batch of 254: EINVAL");
	/* The same through the wire, past libexo's own checks. */
	req.count = 0;
	req.flags = 0;
	nfds = 99;
	rc = exo_request(a, EXO_MSG_FRAME_ALLOC, &req, sizeof req, rep,
	    sizeof rep, &rlen, fds, 4, &nfds);
	ok(rc == -EXO_EINVAL && nfds == 0, "raw FRAME_ALLOC count 0: EINVAL,"
	    " no descriptors (rc %d nfds %u)", rc, nfds);
	req.count = BATCH + 1;
	nfds = 99;
	rc = exo_request(a, EXO_MSG_FRAME_ALLOC, &req, sizeof req, rep,
	    sizeof rep, &rlen, fds, 4, &nfds);
	ok(rc == -EXO_EINVAL && nfds == 0, "raw FRAME_ALLOC count 254: EINVAL,"
	    " no descriptors (rc %d nfds %u)", rc, nfds);
	is_int(NFRAMES - BATCH, th_frames_free(&exod),
	    "rejected batches bound nothing");

	for (i = 0; i < BATCH; i++)
		old[i] = b[i].cap;
	rc = exo_frame_free_batch(a, b, BATCH);
	ok(rc == 0 || rc == BATCH, "batch of 253 frees (rc %d)", rc);
	bad = 0;
	for (i = 0; i < BATCH; i++)
		if (b[i].fd != -1 || b[i].va != NULL)
			bad++;
	is_int(0, bad, "batch free closed and unmapped every frame");
	bad = 0;
	for (i = 0; i < BATCH; i++)
		if (exo_cap_check(a, &old[i], 0) != -EXO_ESTALE)
			bad++;
	is_int(0, bad, "every freed cap of the batch is stale");
	is_int(NFRAMES, th_frames_free(&exod), "all frames free after batch free");
}

/*
 * A binds every frame, writes to all, keeps a second mapping and a
 * duplicate descriptor of each, frees them; B binds every frame (so every
 * frame number is reused) and must find zeros; A's leftovers must neither
 * see B's data nor reach B's frames.
 */
static void
test_reuse(struct exo *a)
{
	static struct exo_frame	 fa[NFRAMES], fb[NFRAMES];
	static struct exo_cap	 olda[NFRAMES];
	static uint64_t		 gena[NFRAMES];
	static unsigned char	 ina[NFRAMES], inb[NFRAMES];
	static unsigned char	*stale[NFRAMES];
	static int		 dupfd[NFRAMES];
	unsigned char		 buf[EXO_FRAME_SIZE];
	struct exo		*b;
	unsigned		 i, bad, bad2;

	if (alloc_all(a, fa) < 0)
		bail("A cannot bind all frames");
	is_int(0, th_frames_free(&exod), "A holds every frame");
	bad = 0;
	memset(ina, 0, sizeof ina);
	for (i = 0; i < NFRAMES; i++) {
		unsigned char *p = exo_frame_map(&fa[i], PROT_READ | PROT_WRITE);

		if (p == NULL || fa[i].cap.id >= NFRAMES || ina[fa[i].cap.id]++) {
			bad++;
			continue;
		}
		memset(p, 0xa5, EXO_FRAME_SIZE);
		stale[i] = mmap(NULL, EXO_FRAME_SIZE, PROT_READ | PROT_WRITE,
		    MAP_SHARED, fa[i].fd, 0);
		dupfd[i] = dup(fa[i].fd);
		if (stale[i] == MAP_FAILED || dupfd[i] == -1)
			bad++;
		gena[fa[i].cap.id] = fa[i].cap.gen;
		olda[i] = fa[i].cap;
	}
	is_int(0, bad, "A wrote every frame, kept a mapping and a descriptor");
	is_int(0, free_all(a, fa), "A frees every frame");
	is_int(NFRAMES, th_frames_free(&exod), "every frame free");

	b = th_connect(&exod, "frame-b");
	ok(exo_libos_id(b) != exo_libos_id(a), "B has its own libOS id");
	is_int(0, alloc_all(b, fb), "B binds every frame");
	bad = bad2 = 0;
	memset(inb, 0, sizeof inb);
	for (i = 0; i < NFRAMES; i++) {
		uint64_t id = fb[i].cap.id;

		if (id >= NFRAMES || !ina[id] || inb[id]++)
			bad++;
		else if (fb[i].cap.gen == gena[id])
			bad2++;
	}
	is_int(0, bad, "B got exactly the frame numbers A had (cap.id reused)");
	is_int(0, bad2, "every reused frame has a new generation");
	bad = 0;
	for (i = 0; i < NFRAMES; i++) {
		unsigned char *p = exo_frame_map(&fb[i], PROT_READ | PROT_WRITE);

		if (p == NULL || !all_bytes(p, 0, EXO_FRAME_SIZE) ||
		    !frame_pread(fb[i].fd, buf) || !all_bytes(buf, 0, sizeof buf))
			bad++;
		if (p != NULL)
			memset(p, 0x5b, EXO_FRAME_SIZE);
	}
	is_int(0, bad, "every frame freed by A reads as zeros for B");

	bad = bad2 = 0;
	for (i = 0; i < NFRAMES; i++) {
		if (!all_bytes(stale[i], 0xa5, EXO_FRAME_SIZE))
			bad++;
		memset(stale[i], 0x66, EXO_FRAME_SIZE);
		memset(buf, 0x77, sizeof buf);
		if (pwrite(dupfd[i], buf, sizeof buf, 0) != (ssize_t)sizeof buf)
			bad2++;
	}
	is_int(0, bad, "A's leftover mappings never see B's writes");
	bad = 0;
	for (i = 0; i < NFRAMES; i++)
		if (!all_bytes(fb[i].va, 0x5b, EXO_FRAME_SIZE))
			bad++;
	is_int(0, bad, "writes through A's leftover mappings and descriptors"
	    " never reach B's frames");
	if (bad2)
		diag("%u pwrite()s through old descriptors failed", bad2);

	bad = 0;
	for (i = 0; i < NFRAMES; i++)
		if (exo_cap_check(a, &olda[i], 0) != -EXO_ESTALE)
			bad++;
	is_int(0, bad, "A's old caps are stale now that B holds the frames");
	is_int(-EXO_ENOTOWNER, exo_cap_check(b, &olda[0], 0),
	    "A's old cap presented by B: ENOTOWNER");

	for (i = 0; i < NFRAMES; i++) {
		munmap(stale[i], EXO_FRAME_SIZE);
		close(dupfd[i]);
	}
	is_int(0, free_all(b, fb), "B frees every frame");
	is_int(NFRAMES, th_frames_free(&exod), "every frame free at the end");
	exo_disconnect(b);
}

int
main(void)
{
	struct exo	*a;

	plan(65);
	th_exod_start(&exod, "-m", "1M", (char *)NULL);
	a = th_connect(&exod, "frame-a");
	is_int(NFRAMES, exo_frames_total(a), "-m 1M gives 256 frames");
	ok(exo_libos_id(a) >= 1, "libOS id is at least 1");
	is_int(NFRAMES, th_frames_free(&exod), "all frames free at start");

	test_single(a);
	test_batch(a);
	test_reuse(a);

	exo_disconnect(a);
	ok(th_exod_alive(&exod), "exod still running");
	return 0;
}
