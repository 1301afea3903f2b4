/*
 * exobench-disk - what revocation and the disk cost.
 *
 *	revocation round trip	exo_revoke() of one frame from a libOS that
 *				gives it back at once (the polite path)
 *	abort			frames exod takes by force per second, at the
 *				deadline, from a libOS that ignores a vector
 *				of 253
 *	autosave		the extra time per frame when those frames
 *				were seeded for autosave
 *	disk write, read	64 KiB requests through exod (DMA between
 *				bound frames and blocks), pipelined 8 deep,
 *				vs plain pwrite/pread of 64 KiB at the same
 *				offsets of the same image file (the slow
 *				path: a DISK_IO request each)
 *				and, for the microkernel column, the same
 *				through a disk server process (userver.c)
 *				that preads or pwrites them for us, the data
 *				in the request or the reply
 *	ring write, read	the same 64 KiB through the disk ring
 *				(exo_disk_ring(3)) at queue depths 1, 8
 *				and 32, vs the same plain pwrite/pread;
 *				the entries' 16 frames are those of one
 *				extent, 64 KiB of contiguous memory as
 *				the baseline's buffer is
 *
 * Targets are reported, never asserted.
 *
 *	exobench-disk [--json] [--quick]
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "benchlib.h"
#include "userver.h"

#define IO_PAIRS	16		/* 64 KiB per request */
#define IO_REQS		256		/* 16 MiB per pass */
#define IO_DEPTH	8		/* requests in flight */
#define ABORT_N		253

static double	 xs[1024];

/* Start t/libos-disk with args; wait for its "ready" line; its id. */
static unsigned
libos_disk(const char *name, const char *mode, const char *frames,
    const char *blocks, int seed, pid_t *pid)
{
	char		*argv[16], line[256];
	unsigned	 id = 0;
	int		 out, n = 0;
	FILE		*f;

	argv[n++] = "libos-disk";
	argv[n++] = "-S"; argv[n++] = (char *)bl_sock();
	argv[n++] = "-n"; argv[n++] = (char *)name;
	argv[n++] = "-m"; argv[n++] = (char *)mode;
	argv[n++] = "-f"; argv[n++] = (char *)frames;
	argv[n++] = "-b"; argv[n++] = (char *)blocks;
	argv[n++] = "-t"; argv[n++] = "600000";
	if (seed)
		argv[n++] = "-a";
	argv[n] = NULL;
	*pid = bl_spawn("t/libos-disk", argv, &out);
	if ((f = fdopen(out, "r")) == NULL)
		bl_die("fdopen: %s", strerror(errno));
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "ready libos=%u", &id) == 1)
			break;
	if (id == 0)
		bl_die("libos-disk %s did not start", name);
	/* Its later lines are not needed; a full pipe must not stop it. */
	if (fork() == 0) {
		while (fgets(line, sizeof line, f) != NULL)
			;
		_exit(0);
	}
	fclose(f);
	return (id);
}

static void
stop(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void
bench_revoke(int quick)
{
	struct exo_revoke_reply	 r;
	struct exo		*c;
	struct bfig		*f;
	unsigned		 id;
	pid_t			 pid;
	uint64_t		 t;
	int			 i, n = quick ? 20 : 100, error;

	id = libos_disk("polite", "free", "200", "0", 0, &pid);
	if ((error = exo_connect_control(bl_sock(), &c)) != 0)
		bl_die("control: %s", exo_strerror(error));
	for (i = 0; i < n; i++) {
		t = bl_now();
		if ((error = exo_revoke(c, id, EXO_REVOKE_FRAMES, 1, &r)) != 0)
			bl_die("revoke: %s", exo_strerror(error));
		xs[i] = (double)(bl_now() - t) / 1000;
		if (r.released != 1)
			bl_die("the polite libOS did not give its frame back");
	}
	stop(pid);
	f = bl_fig("revoke_rtt", "revocation round trip (polite)", "us");
	f->exo = bl_median(xs, (size_t)n);

	/* The abort path, without and with autosave. */
	{
		double	plain[8], saved[8];
		int	rounds = quick ? 2 : 5;

		for (i = 0; i < rounds; i++) {
			id = libos_disk("rude", "ignore", "253", "0", 0, &pid);
			t = bl_now();
			if ((error = exo_revoke(c, id, EXO_REVOKE_FRAMES,
			    ABORT_N, &r)) != 0 || r.aborted != ABORT_N)
				bl_die("abort: %s", exo_strerror(error));
			plain[i] = (double)(bl_now() - t);
			stop(pid);
			id = libos_disk("saver", "ignore", "253", "253", 1,
			    &pid);
			t = bl_now();
			if ((error = exo_revoke(c, id, EXO_REVOKE_FRAMES,
			    ABORT_N, &r)) != 0 || r.autosaved != ABORT_N)
				bl_die("autosave abort: %s (%u saved)",
				    exo_strerror(error), r.autosaved);
			saved[i] = (double)(bl_now() - t);
			stop(pid);
		}
		/* -R is 5 ms: what is beyond it is the abort itself. */
		f = bl_fig("abort_rate", "abort: frames taken per second",
		    "frames/s");
		f->exo = ABORT_N / ((bl_median(plain, (size_t)rounds) -
		    5e6) / 1e9);
		f->target = ">= 10000 frames/s";
		f->met = f->exo >= 10000;
		f = bl_fig("autosave_cost", "autosave, extra per frame", "us");
		f->exo = (bl_median(saved, (size_t)rounds) -
		    bl_median(plain, (size_t)rounds)) / ABORT_N / 1000;
	}
	exo_disconnect(c);
}

/* One DISK_IO request of IO_PAIRS pairs, sent without waiting. */
static void
io_send(int fd, uint32_t op, uint32_t id, const struct exo_cap *blocks,
    const struct exo_frame *frames)
{
	unsigned char		buf[sizeof(struct exo_hdr) +
				    sizeof(struct exo_disk_io) +
				    IO_PAIRS * sizeof(struct exo_disk_pair)];
	struct exo_hdr		h;
	struct exo_disk_io	io;
	struct exo_disk_pair	p;
	size_t			off;
	unsigned		i;

	h.version = EXO_PROTO_VERSION;
	h.type = EXO_MSG_DISK_IO;
	h.id = id;
	h.len = sizeof io + IO_PAIRS * sizeof p;
	h.status = 0;
	io.op = op;
	io.count = IO_PAIRS;
	io.tag = id;
	memcpy(buf, &h, sizeof h);
	memcpy(buf + sizeof h, &io, sizeof io);
	off = sizeof h + sizeof io;
	for (i = 0; i < IO_PAIRS; i++, off += sizeof p) {
		p.block = blocks[i];
		p.frame = frames[i].cap;
		memcpy(buf + off, &p, sizeof p);
	}
	if (send(fd, buf, off, 0) != (ssize_t)off)
		bl_die("send: %s", strerror(errno));
}

static void
io_reply(int fd)
{
	struct exo_hdr	h;

	if (recv(fd, &h, sizeof h, 0) != sizeof h || h.status != 0)
		bl_die("DISK_IO failed: %s", exo_strerror(h.status));
}

/* IO_REQS requests pipelined IO_DEPTH deep; ns for the pass. */
static double
io_pass(struct exo *e, uint32_t op, const struct exo_cap *blocks,
    const struct exo_frame *frames)
{
	uint64_t	t = bl_now();
	int		fd = exo_fd(e), sent, got = 0;

	for (sent = 0; sent < IO_REQS; sent++) {
		if (sent - got == IO_DEPTH) {
			io_reply(fd);
			got++;
		}
		io_send(fd, op, 1000 + (uint32_t)sent, blocks + (size_t)sent *
		    IO_PAIRS, frames);
		if ((sent & 15) == 0)
			(void)exo_poll(e);	/* the completions */
	}
	while (got < sent) {
		io_reply(fd);
		got++;
	}
	(void)exo_poll(e);
	return ((double)(bl_now() - t));
}

static double
raw_pass(int fd, uint32_t op, const struct exo_cap *blocks, void *buf)
{
	uint64_t	t = bl_now();
	ssize_t		n;
	int		i;

	for (i = 0; i < IO_REQS; i++) {
		off_t	off = (off_t)blocks[(size_t)i * IO_PAIRS].id *
			    EXO_BLOCK_SIZE;

		n = op == EXO_DISK_WRITE ? pwrite(fd, buf, IO_PAIRS *
		    EXO_BLOCK_SIZE, off) : pread(fd, buf, IO_PAIRS *
		    EXO_BLOCK_SIZE, off);
		if (n != IO_PAIRS * EXO_BLOCK_SIZE)
			bl_die("raw i/o: %s", strerror(errno));
	}
	return ((double)(bl_now() - t));
}

/* The disk server's request: an op, an offset, a write's data. */
struct dsrv_req {
	uint32_t	 op;		/* EXO_DISK_READ or EXO_DISK_WRITE */
	uint32_t	 pad;
	uint64_t	 off;		/* bytes into the image */
	unsigned char	 data[IO_PAIRS * EXO_BLOCK_SIZE];
};

/* The disk server: pwrite the request's data, or pread into the reply. */
static ssize_t
dsrv_serve(void *arg, const unsigned char *msg, size_t len,
    unsigned char *reply)
{
	const struct dsrv_req	*q = (const struct dsrv_req *)msg;
	size_t			 hdr = offsetof(struct dsrv_req, data);
	int			 fd = *(int *)arg;
	int32_t			 r;

	if (len < hdr)
		return (-1);
	if (q->op == EXO_DISK_READ)
		return (pread(fd, reply, sizeof q->data, (off_t)q->off));
	r = (int32_t)pwrite(fd, q->data, len - hdr, (off_t)q->off);
	memcpy(reply, &r, sizeof r);
	return (sizeof r);
}

/* raw_pass's requests through the disk server; ns for the pass. */
static double
micro_pass(struct userver *s, uint32_t op, const struct exo_cap *blocks,
    struct dsrv_req *q)
{
	size_t		 hdr = offsetof(struct dsrv_req, data);
	uint64_t	 t = bl_now();
	int32_t		 r;
	int		 i;

	for (i = 0; i < IO_REQS; i++) {
		q->op = op;
		q->off = blocks[(size_t)i * IO_PAIRS].id * EXO_BLOCK_SIZE;
		if (op == EXO_DISK_WRITE) {
			if (us_call(s, q, sizeof *q, &r, sizeof r) !=
			    sizeof r || r != (int32_t)sizeof q->data)
				bl_die("disk server: write failed");
		} else if (us_call(s, q, hdr, q->data, sizeof q->data) !=
		    sizeof q->data)
			bl_die("disk server: read failed");
	}
	return ((double)(bl_now() - t));
}

/* IO_REQS entries through a ring of depth entries; ns for the pass. */
static double
ring_pass(struct exo_disk_ring *r, uint32_t op, const struct exo_cap *blocks,
    const struct exo_cap *fc, unsigned depth)
{
	struct exo_disk_cqe	 c[32];
	uint64_t		 t = bl_now();
	unsigned		 sent = 0, got = 0, i;
	int			 n;

	while (got < IO_REQS) {
		if (sent < IO_REQS && sent - got < depth) {
			if ((n = exo_disk_ring_submit(r, op, sent, blocks +
			    (size_t)sent * IO_PAIRS, fc, IO_PAIRS)) != 0)
				bl_die("ring submit: %s", exo_strerror(n));
			sent++;
			continue;
		}
		if ((n = exo_disk_ring_wait(r, c, 32)) <= 0)
			bl_die("ring wait: %s", exo_strerror(n));
		for (i = 0; i < (unsigned)n; i++)
			if (c[i].status != 0)
				bl_die("ring i/o: %s",
				    exo_strerror(c[i].status));
		got += (unsigned)n;
	}
	return ((double)(bl_now() - t));
}

/*
 * The ring at depths 1, 8, 32 against plain pread/pwrite, interleaved.
 * The entries' frames are the 16 of one extent: 64 KiB of contiguous
 * memory, as the baseline's buffer is.
 */
static void
bench_ring(struct exo *e, int fd, const struct exo_cap *blocks, void *buf,
    int rounds)
{
	static const unsigned	 depths[] = { 1, 8, 32 };
	struct exo_disk_ring	 r;
	struct exo_extent	*x;
	struct exo_cap		 frames[IO_PAIRS];
	struct bfig		*f;
	double			 ew[16], rw[16], er[16], rr[16];
	char			 name[32], what[64];
	unsigned		 d, i;
	int			 k, error;

	if ((error = exo_extent_alloc(e, IO_PAIRS, &x)) != 0)
		bl_die("extent: %s", exo_strerror(error));
	memset(exo_extent_va(x), 7, IO_PAIRS * EXO_FRAME_SIZE);
	for (i = 0; i < IO_PAIRS; i++)
		frames[i] = *exo_extent_cap(x, i);
	for (d = 0; d < sizeof depths / sizeof depths[0]; d++) {
		if ((error = exo_disk_ring_create(e, &r, depths[d], 0)) != 0)
			bl_die("ring: %s", exo_strerror(error));
		(void)ring_pass(&r, EXO_DISK_WRITE, blocks, frames,
		    depths[d]);	/* warm */
		for (k = 0; k < rounds; k++) {
			rw[k] = raw_pass(fd, EXO_DISK_WRITE, blocks, buf);
			ew[k] = ring_pass(&r, EXO_DISK_WRITE, blocks, frames,
			    depths[d]);
			rr[k] = raw_pass(fd, EXO_DISK_READ, blocks, buf);
			er[k] = ring_pass(&r, EXO_DISK_READ, blocks, frames,
			    depths[d]);
		}
		(void)exo_disk_ring_destroy(&r);
		snprintf(name, sizeof name, "ring_write_d%u", depths[d]);
		snprintf(what, sizeof what, "ring write, 64 KiB, depth %u",
		    depths[d]);
		f = bl_fig(strdup(name), strdup(what), "MiB/s");
		f->exo = 16.0 / (bl_median(ew, (size_t)rounds) / 1e9);
		f->base = 16.0 / (bl_median(rw, (size_t)rounds) / 1e9);
		f->what = "pwrite of 64 KiB, same file, offsets and "
		    "contiguous 64 KiB";
		if (depths[d] == 8) {
			f->target = "ratio >= 0.8";
			f->met = f->exo / f->base >= 0.8;
		}
		snprintf(name, sizeof name, "ring_read_d%u", depths[d]);
		snprintf(what, sizeof what, "ring read, 64 KiB, depth %u",
		    depths[d]);
		f = bl_fig(strdup(name), strdup(what), "MiB/s");
		f->exo = 16.0 / (bl_median(er, (size_t)rounds) / 1e9);
		f->base = 16.0 / (bl_median(rr, (size_t)rounds) / 1e9);
		f->what = "pread of 64 KiB, same file, offsets and "
		    "contiguous 64 KiB";
		if (depths[d] == 8) {
			f->target = "ratio >= 0.8";
			f->met = f->exo / f->base >= 0.8;
		}
	}
	(void)exo_extent_free(x);
}

static void
bench_io(int quick)
{
	static struct exo_cap	 blocks[IO_REQS * IO_PAIRS];
	struct exo_frame	 frames[IO_PAIRS];
	struct exo		*e;
	struct bfig		*f;
	struct userver		 srv;
	struct dsrv_req		*q;
	double			 ew[16], rw[16], er[16], rr[16];
	double			 mw[16], mr[16];
	char			 img[200];
	void			*buf;
	unsigned		 i;
	int			 fd, error, rounds = quick ? 3 : 9, k;

	if ((error = exo_connect(bl_sock(), "disk-bench", &e)) != 0 ||
	    (error = exo_frame_alloc_batch(e, frames, IO_PAIRS)) != 0)
		bl_die("libOS: %s", exo_strerror(error));
	for (i = 0; i < IO_PAIRS; i++)
		if (exo_frame_map(&frames[i], PROT_READ | PROT_WRITE) == NULL)
			bl_die("map: %s", strerror(errno));
		else
			memset(frames[i].va, (int)i + 1, EXO_FRAME_SIZE);
	for (i = 0; i < IO_REQS * IO_PAIRS; i += k) {
		k = IO_REQS * IO_PAIRS - i < 240 ? (int)(IO_REQS * IO_PAIRS -
		    i) : 240;
		if ((error = exo_block_alloc(e, blocks + i, (unsigned)k)) != 0)
			bl_die("blocks: %s", exo_strerror(error));
	}
	snprintf(img, sizeof img, "%s.disk", bl_sock());
	if ((fd = open(img, O_RDWR)) == -1)
		bl_die("%s: %s", img, strerror(errno));
	if ((buf = aligned_alloc(EXO_FRAME_SIZE, IO_PAIRS * EXO_FRAME_SIZE))
	    == NULL)
		bl_die("malloc");
	memset(buf, 7, IO_PAIRS * EXO_FRAME_SIZE);
	if ((q = malloc(sizeof *q)) == NULL)
		bl_die("malloc");
	memset(q, 7, sizeof *q);
	us_start(&srv, dsrv_serve, &fd);
	(void)io_pass(e, EXO_DISK_WRITE, blocks, frames);	/* warm */
	(void)raw_pass(fd, EXO_DISK_WRITE, blocks, buf);
	for (k = 0; k < rounds; k++) {
		rw[k] = raw_pass(fd, EXO_DISK_WRITE, blocks, buf);
		ew[k] = io_pass(e, EXO_DISK_WRITE, blocks, frames);
		mw[k] = micro_pass(&srv, EXO_DISK_WRITE, blocks, q);
		rr[k] = raw_pass(fd, EXO_DISK_READ, blocks, buf);
		er[k] = io_pass(e, EXO_DISK_READ, blocks, frames);
		mr[k] = micro_pass(&srv, EXO_DISK_READ, blocks, q);
	}
	us_stop(&srv);
	free(q);
	f = bl_fig("disk_write", "disk write, 64 KiB requests", "MiB/s");
	f->exo = 16.0 / (bl_median(ew, (size_t)rounds) / 1e9);
	f->base = 16.0 / (bl_median(rw, (size_t)rounds) / 1e9);
	f->what = "pwrite of 64 KiB, same file and offsets";
	f->target = "ratio >= 0.8";
	f->met = f->exo / f->base >= 0.8;
	f = bl_fig("disk_read", "disk read, 64 KiB requests", "MiB/s");
	f->exo = 16.0 / (bl_median(er, (size_t)rounds) / 1e9);
	f->base = 16.0 / (bl_median(rr, (size_t)rounds) / 1e9);
	f->what = "pread of 64 KiB, same file and offsets";
	f->target = "ratio >= 0.8";
	f->met = f->exo / f->base >= 0.8;
	f = bl_fig("disk_write_ipc", "disk write, 64 KiB, microkernel",
	    "MiB/s");
	f->exo = 16.0 / (bl_median(ew, (size_t)rounds) / 1e9);
	f->base = 16.0 / (bl_median(mw, (size_t)rounds) / 1e9);
	f->what = "a disk server process pwrites each request's 64 KiB";
	f = bl_fig("disk_read_ipc", "disk read, 64 KiB, microkernel",
	    "MiB/s");
	f->exo = 16.0 / (bl_median(er, (size_t)rounds) / 1e9);
	f->base = 16.0 / (bl_median(mr, (size_t)rounds) / 1e9);
	f->what = "a disk server process preads 64 KiB into its reply";
	bench_ring(e, fd, blocks, buf, rounds);
	free(buf);
	close(fd);
	exo_disconnect(e);
}

int
main(int argc, char **argv)
{
	const char	*args[] = { "-R", "5", "-m", "8M", "-D", "32M", NULL };
	int		 json, quick;

	bl_options("exobench-disk", argc, argv, &json, &quick);
	bl_init("exobench-disk", argc, argv);
	bl_exod_start(args);
	bench_io(quick);
	bench_revoke(quick);
	bl_exod_stop();
	bl_print(json);
	return (0);
}
