/*
 * exobench-fs - what libos-unix's file system costs, beside the host
 * doing the same on its own file system (the monolithic column).
 *
 *	create+write+unlink	open(O_CREATE), write 4 KiB, close, unlink:
 *				libos-unix's FS on exod's disk, every call
 *				committed durably; the host: the same with
 *				fsync before close
 *	sequential write	16 MiB in 64 KiB writes, then durable (the FS
 *				commits each write; the host fsyncs at the end)
 *	sequential read		16 MiB in 64 KiB reads of that file, through
 *				the FS's buffer cache; the host from its page
 *				cache
 *	the log			transactions per second and blocks written
 *				per transaction during the create loop
 *
 * The FS runs in this process with no kernel (no processes: every disk
 * wait is exo_wait).  The microkernel column of create+write+unlink is a
 * file server process (userver.c) doing the host's calls on the
 * client's behalf, one request each: open, write of 4 KiB carried in
 * the message, fsync, close, unlink.  Targets are reported, never asserted.
 *
 *	exobench-fs [--json] [--quick]
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "benchlib.h"
#include "userver.h"
#include "bdev.h"
#include "fsys.h"
#include "log.h"

#define SEQ_MB		16
#define CHUNK		(64 * 1024)

struct proc *
proc_current(void)
{
	return (NULL);
}

void
proc_sleep(void *chan)
{
	(void)chan;
	abort();
}

void
proc_wakeup(void *chan)
{
	(void)chan;
}

void
proc_sleep_unless(void *chan, const volatile int *cond)
{
	(void)chan;
	(void)cond;
	abort();	/* no process: every wait is done in place */
}

static int
fs_intr(struct exo *e, const struct exo_intr *in, void *arg)
{
	(void)e;
	(void)arg;
	if (in->kind == EXO_INTR_DISK)
		bdev_exo_intr(in);
	return (0);
}

static unsigned char	buf[CHUNK];

/* ns per create+write+close+unlink, n times. */
static double
fs_create(int n)
{
	struct inode	*ip;
	uint64_t	 t0 = bl_now();
	int		 i;

	for (i = 0; i < n; i++) {
		if ((ip = fsop_open(NULL, "/c", FS_O_CREATE | FS_O_WRONLY)) ==
		    NULL || fsop_write(ip, buf, 0, 4096) != 4096)
			bl_die("fs create");
		fsop_close(ip);
		if (fsop_unlink(NULL, "/c") != 0)
			bl_die("fs unlink");
	}
	return ((double)(bl_now() - t0) / n);
}

static double
host_create(int n, const char *path)
{
	uint64_t	t0 = bl_now();
	int		i, fd;

	for (i = 0; i < n; i++) {
		if ((fd = open(path, O_CREAT | O_WRONLY, 0644)) == -1 ||
		    write(fd, buf, 4096) != 4096 || fsync(fd) != 0)
			bl_die("host create");
		close(fd);
		if (unlink(path) != 0)
			bl_die("host unlink");
	}
	return ((double)(bl_now() - t0) / n);
}

/* The file server's requests: an op, a handle, and the op's bytes. */
enum { FSRV_OPEN, FSRV_WRITE, FSRV_FSYNC, FSRV_CLOSE, FSRV_UNLINK };

struct fsrv_req {
	uint8_t		 op;		/* FSRV_* */
	int32_t		 fd;		/* the handle OPEN answered */
	unsigned char	 data[4096];	/* a path (NUL-ended) or the data */
};

/* The file server: each request one host call; the answer its result. */
static ssize_t
fsrv_serve(void *arg, const unsigned char *msg, size_t len,
    unsigned char *reply)
{
	struct fsrv_req	 q;
	size_t		 hdr = offsetof(struct fsrv_req, data);
	int32_t		 r = -1;

	(void)arg;
	if (len < hdr || len > sizeof q)
		return (-1);
	memset(&q, 0, sizeof q);
	memcpy(&q, msg, len);
	if (q.op != FSRV_WRITE)
		q.data[sizeof q.data - 1] = '\0';	/* a path ends */
	switch (q.op) {
	case FSRV_OPEN:
		r = open((char *)q.data, O_CREAT | O_WRONLY, 0644);
		break;
	case FSRV_WRITE:
		r = (int32_t)write(q.fd, q.data, len - hdr);
		break;
	case FSRV_FSYNC:
		r = fsync(q.fd);
		break;
	case FSRV_CLOSE:
		r = close(q.fd);
		break;
	case FSRV_UNLINK:
		r = unlink((char *)q.data);
		break;
	}
	memcpy(reply, &r, sizeof r);
	return (sizeof r);
}

static int32_t
fsrv_call(struct userver *s, int op, int32_t fd, const void *data,
    size_t len)
{
	struct fsrv_req	 q;
	int32_t		 r;

	if (len > sizeof q.data)
		bl_die("file server: a request of %zu bytes", len);
	memset(&q, 0, offsetof(struct fsrv_req, data));	/* and the padding */
	q.op = (uint8_t)op;
	q.fd = fd;
	if (len > 0)	/* FSYNC and CLOSE carry nothing: data is NULL */
		memcpy(q.data, data, len);
	if (us_call(s, &q, offsetof(struct fsrv_req, data) + len, &r,
	    sizeof r) != sizeof r)
		bl_die("file server: short answer");
	return (r);
}

/* ns per create+write+fsync+close+unlink through the file server. */
static double
micro_create(struct userver *s, int n, const char *path)
{
	uint64_t	t0 = bl_now();
	size_t		plen = strlen(path) + 1;
	int32_t		fd;
	int		i;

	for (i = 0; i < n; i++) {
		if ((fd = fsrv_call(s, FSRV_OPEN, -1, path, plen)) < 0 ||
		    fsrv_call(s, FSRV_WRITE, fd, buf, 4096) != 4096 ||
		    fsrv_call(s, FSRV_FSYNC, fd, NULL, 0) != 0)
			bl_die("file server: create");
		(void)fsrv_call(s, FSRV_CLOSE, fd, NULL, 0);
		if (fsrv_call(s, FSRV_UNLINK, -1, path, plen) != 0)
			bl_die("file server: unlink");
	}
	return ((double)(bl_now() - t0) / n);
}

/* ns for 16 MiB written (w) or read (r). */
static double
fs_seq(int write)
{
	struct inode	*ip;
	uint64_t	 t0;
	uint32_t	 off;

	ip = fsop_open(NULL, "/seq", write ? FS_O_CREATE | FS_O_WRONLY |
	    FS_O_TRUNC : FS_O_RDONLY);
	if (ip == NULL)
		bl_die("fs open /seq");
	t0 = bl_now();
	for (off = 0; off < SEQ_MB << 20; off += CHUNK)
		if ((write ? fsop_write(ip, buf, off, CHUNK) :
		    fsop_read(ip, buf, off, CHUNK)) != CHUNK)
			bl_die("fs seq");
	t0 = bl_now() - t0;
	fsop_close(ip);
	return ((double)t0);
}

static double
host_seq(int wr, const char *path)
{
	uint64_t	t0;
	uint32_t	off;
	int		fd;

	if ((fd = open(path, wr ? O_CREAT | O_WRONLY | O_TRUNC : O_RDONLY,
	    0644)) == -1)
		bl_die("host open");
	t0 = bl_now();
	for (off = 0; off < SEQ_MB << 20; off += CHUNK)
		if ((wr ? write(fd, buf, CHUNK) : read(fd, buf, CHUNK)) !=
		    CHUNK)
			bl_die("host seq");
	if (wr && fsync(fd) != 0)
		bl_die("host fsync");
	t0 = bl_now() - t0;
	close(fd);
	return ((double)t0);
}

int
main(int argc, char **argv)
{
	const char	*args[] = { "-m", "64M", "-D", "96M", NULL };
	struct log_stats ls0, ls1;
	struct bfig	*f;
	struct exo	*e;
	struct bdev	*d;
	struct userver	 srv;
	char		 err[256], hpath[1024], hseq[1024], mpath[1024];
	double		 fc[16], hc[16], mc[16], fw[16], hw[16], fr[16];
	double		 hr[16];
	double		 tx = 0, blk = 0, t_create = 0;
	int		 json, quick, rounds, n, k, error;

	bl_options("exobench-fs", argc, argv, &json, &quick);
	bl_init("exobench-fs", argc, argv);
	bl_exod_start(args);
	rounds = quick ? 3 : 7;
	n = quick ? 50 : 200;
	if ((error = exo_connect(bl_sock(), "exobench-fs", &e)) != 0)
		bl_die_exo("connect", error);
	if ((error = exo_pe_interrupt(e, fs_intr, NULL)) != 0)
		bl_die_exo("interrupt entry", error);
	if (bdev_exo_create(e, 20000, &d, err, sizeof err) != 0 ||
	    mkfs_format(d, 0, err, sizeof err) != 0)
		bl_die("mkfs: %s", err);
	bdev_close(d);
	if (bdev_exo_open(e, &d, err, sizeof err) != 0 ||
	    fs_mount(d, NULL, err, sizeof err) != 0)
		bl_die("mount: %s", err);
	snprintf(hpath, sizeof hpath, "%s/host-c", bl_dir());
	snprintf(hseq, sizeof hseq, "%s/host-seq", bl_dir());
	snprintf(mpath, sizeof mpath, "%s/micro-c", bl_dir());
	memset(buf, 'x', sizeof buf);
	us_start(&srv, fsrv_serve, NULL);
	for (k = 0; k < rounds; k++) {
		log_stats(&ls0);
		fc[k] = fs_create(n);
		log_stats(&ls1);
		tx += (double)(ls1.commits - ls0.commits);
		blk += (double)(ls1.blocks - ls0.blocks);
		t_create += fc[k] * n;
		hc[k] = host_create(n, hpath);
		mc[k] = micro_create(&srv, n, mpath);
		fw[k] = fs_seq(1);
		hw[k] = host_seq(1, hseq);
		fr[k] = fs_seq(0);
		hr[k] = host_seq(0, hseq);
	}
	f = bl_fig("fs_create", "fs: create+write 4 KiB+close+unlink", "us");
	f->exo = bl_median(fc, (size_t)rounds) / 1e3;
	f->base = bl_median(hc, (size_t)rounds) / 1e3;
	f->what = "the host, with fsync before close";
	f = bl_fig("fs_create_ipc", "fs: create+write+unlink, microkernel",
	    "us");
	f->exo = bl_median(fc, (size_t)rounds) / 1e3;
	f->base = bl_median(mc, (size_t)rounds) / 1e3;
	f->what = "a file server process, a request per host call";
	f = bl_fig("fs_seq_write", "fs: sequential write, 16 MiB", "MiB/s");
	f->exo = SEQ_MB / (bl_median(fw, (size_t)rounds) / 1e9);
	f->base = SEQ_MB / (bl_median(hw, (size_t)rounds) / 1e9);
	f->what = "the host, write(2) then fsync";
	f->target = "ratio >= 0.5";
	f->met = f->exo / f->base >= 0.5;
	f = bl_fig("fs_seq_read", "fs: sequential read, 16 MiB", "MiB/s");
	f->exo = SEQ_MB / (bl_median(fr, (size_t)rounds) / 1e9);
	f->base = SEQ_MB / (bl_median(hr, (size_t)rounds) / 1e9);
	f->what = "the host, read(2) from its page cache";
	f->target = "ratio >= 0.5";
	f->met = f->exo / f->base >= 0.5;
	f = bl_fig("fs_log_tps", "fs log: transactions per second", "tx/s");
	f->exo = tx / (t_create / 1e9);
	f = bl_fig("fs_log_blocks", "fs log: blocks per transaction", "blocks");
	f->exo = tx > 0 ? blk / tx : 0;
	us_stop(&srv);
	fs_unmount();
	bdev_close(d);
	exo_disconnect(e);
	bl_exod_stop();
	bl_print(json);
	return (0);
}
