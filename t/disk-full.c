/*
 * disk-full.t - the disk when the host refuses writes: no torn owner
 * record, and no flush that says success after a write was lost.
 *
 *  1. A file size limit (RLIMIT_FSIZE, any user) on a restarted exod,
 *     placed so that the image is writable only below it and the owners
 *     table tears in the middle of one record:
 *      - a write below the limit completes, one above fails with EIO in
 *        its completion, and exod logs the real errno (EFBIG);
 *      - the next flush of every libOS connected at the failure reports
 *        EXO_EIO, once; a libOS connected after it flushes cleanly;
 *      - through the disk ring, four entries of four consecutive blocks
 *        each, which exod's worker may move in one call, get the error
 *        only for the two that reach past the limit;
 *      - an allocation whose owner record cannot be written fails with
 *        EIO and binds nothing, and while that record is not written
 *        every flush reports EIO;
 *      - after a restart without the limit the torn record is found and
 *        its block is free (DISK_INFO torn), the owner gets back exactly
 *        its blocks, every other block can be allocated, and the data a
 *        flush acknowledged is on the image.
 *  2. A table in the layout of earlier versions (40-byte records) is
 *     converted at start-up: its owners keep their blocks, and a record
 *     torn in it (used, with no name) is nobody's.
 *  3. A full tmpfs (root only, in a private mount namespace; skipped
 *     otherwise): writing to the image fails with EIO and the next flush
 *     says so; allocations still succeed, because the owners table was
 *     allocated in full, and their ownership survives a restart on the
 *     full file system; once space is back, writes and flushes succeed.
 */
#define _GNU_SOURCE 1
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "diskhelp.h"
#include "harness.h"
#include "proc.h"
#include "tap.h"

#define TIMEOUT		10000
#define NBLOCKS		2048		/* -D 8M */
#define OWNERS_REC	64		/* exod(8): the owners table */
#define TORN_BLOCK	1000		/* its record straddles the limit */
#define LIMIT		(OWNERS_REC + OWNERS_REC * TORN_BLOCK + 20)

/* The last disk completion seen by on_intr, by tag. */
struct done {
	uint64_t	tag;
	int32_t		status;
	int		seen;
};

static int
on_intr(struct exo *e, const struct exo_intr *in, void *arg)
{
	struct done	*d = arg;

	(void)e;
	if (in->kind == EXO_INTR_DISK && in->value == d->tag) {
		d->status = in->status;
		d->seen = 1;
	}
	return 0;
}

struct lib {
	struct exo		*x;
	struct done		 done;
	struct exo_frame	 f;
};

/* Connect; the process's first libOS (the writer) gets the interrupts. */
static void
lib_open(struct lib *l, struct th_exod *d, const char *name, int writer)
{
	memset(l, 0, sizeof *l);
	l->x = th_connect(d, name);
	if (writer && exo_pe_interrupt(l->x, on_intr, &l->done) != 0)
		bail("exo_pe_interrupt");
	if (exo_frame_alloc(l->x, &l->f) != 0 ||
	    exo_frame_map(&l->f, PROT_READ | PROT_WRITE) == NULL)
		bail("a frame for %s", name);
}

/* Write l's frame to block b; the completion's status (1: none came). */
static int
lib_write(struct lib *l, const struct exo_cap *b, uint64_t tag)
{
	long	deadline = th_now_ms() + TIMEOUT;
	int	rc;

	l->done.tag = tag;
	l->done.seen = 0;
	if ((rc = exo_disk_write(l->x, tag, b, &l->f.cap, 1)) != 0)
		return rc;
	while (!l->done.seen && th_now_ms() < deadline) {
		if (exo_poll(l->x) < 0)
			return 1;
		if (!l->done.seen)
			th_sleep_ms(2);
	}
	return l->done.seen ? l->done.status : 1;
}

/* Allocate n blocks into b, in batches; 0, or the first error. */
static int
blocks_alloc(struct exo *x, struct exo_cap *b, unsigned n)
{
	unsigned	i, k;
	int		rc;

	for (i = 0; i < n; i += k) {
		k = n - i > EXO_BATCH_MAX ? EXO_BATCH_MAX : n - i;
		if ((rc = exo_block_alloc(x, b + i, k)) != 0)
			return rc;
	}
	return 0;
}

/* Does d's exod.log contain s? */
static int
log_has_now(const struct th_exod *d, const char *s)
{
	static char	buf[1 << 20];
	char		path[512];
	ssize_t		n;
	int		fd;

	snprintf(path, sizeof path, "%s/exod.log", d->dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0)
		return 0;
	buf[n] = '\0';
	return strstr(buf, s) != NULL;
}

/*
 * Does it come to contain s?  The socket answers before exod reads its
 * disk, so what it logs then may come a little after.
 */
static int
log_has(const struct th_exod *d, const char *s)
{
	long	deadline = th_now_ms() + TIMEOUT;

	while (!log_has_now(d, s)) {
		if (th_now_ms() >= deadline)
			return 0;
		th_sleep_ms(10);
	}
	return 1;
}

static void
fill(struct lib *l, const char *name)
{
	size_t	k;

	for (k = 0; k < EXO_FRAME_SIZE; k++)
		((unsigned char *)l->f.va)[k] = (unsigned char)(name[k %
		    strlen(name)] + k / 64);
}

static struct exo_cap	ba[NBLOCKS], bc[NBLOCKS];

/*
 * Four ring writes of 4 consecutive blocks from block 6 (blocks 6-21;
 * block 5 keeps what the flush above acknowledged):
 * the limit falls in block 15, so the first two entries fit and the last
 * two do not, whether the worker moves them one by one or as one run.
 */
static void
ring_fsize(struct lib *l)
{
	struct exo_frame	 fr[16];
	struct exo_cap		 fc[16];
	struct exo_disk_ring	 r;
	struct exo_disk_cqe	 c[8];
	int32_t			 st[4] = { 1, 1, 1, 1 };
	unsigned		 i, got = 0;
	int			 n;

	if (exo_frame_alloc_batch(l->x, fr, 16) != 0)
		bail("16 frames");
	for (i = 0; i < 16; i++) {
		if (exo_frame_map(&fr[i], PROT_READ | PROT_WRITE) == NULL)
			sysbail("map");
		memset(fr[i].va, 0x40 + (int)i, EXO_FRAME_SIZE);
		fc[i] = fr[i].cap;
	}
	if ((n = exo_disk_ring_create(l->x, &r, 8, 0)) != 0)
		bail("ring: %s", exo_strerror(n));
	for (i = 0; i < 4; i++)
		if ((n = exo_disk_ring_submit(&r, EXO_DISK_WRITE, i,
		    &ba[6 + 4 * i], &fc[4 * i], 4)) != 0)
			bail("submit: %s", exo_strerror(n));
	while (got < 4) {
		if ((n = exo_disk_ring_wait(&r, c, 8)) <= 0)
			bail("exo_disk_ring_wait: %d", n);
		for (i = 0; i < (unsigned)n; i++, got++)
			if (c[i].tag < 4)
				st[c[i].tag] = c[i].status;
	}
	ok(st[0] == 0 && st[1] == 0 && st[2] == -EXO_EIO &&
	    st[3] == -EXO_EIO, "fsize: four ring writes of consecutive "
	    "blocks: the two below the limit done, the two past it EIO "
	    "(%d %d %d %d)", st[0], st[1], st[2], st[3]);
	is_int(0, exo_disk_ring_destroy(&r), "fsize: the ring unbinds");
	(void)exo_frame_free_batch(l->x, fr, 16);
}

static void
test_fsize(void)
{
	struct th_exod		 d;
	struct exo_disk_info	 info;
	struct rlimit		 old, lim;
	struct lib		 a, b, c;
	unsigned char		 want[EXO_BLOCK_SIZE], got[EXO_BLOCK_SIZE];
	char			 msg[128];
	unsigned		 n;
	uint32_t		 total;
	int			 rc;

	/* Made whole first: exod cannot make its files under the limit. */
	th_exod_start(&d, "-m", "1M", "-D", "8M", (char *)NULL);
	if ((rc = th_exod_stop(&d)) != 0)
		bail("exod did not stop (status %#x)", rc);
	if (getrlimit(RLIMIT_FSIZE, &old) == -1)
		sysbail("getrlimit");
	if (old.rlim_max != RLIM_INFINITY && old.rlim_max < LIMIT)
		bail("RLIMIT_FSIZE hard limit too low");
	lim = old;
	lim.rlim_cur = LIMIT;
	/* An exod that does not ignore SIGXFSZ must fail, not die. */
	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &lim) == -1)
		sysbail("setrlimit");
	th_exod_restart(&d, "-m", "1M", "-D", "8M", (char *)NULL);
	if (setrlimit(RLIMIT_FSIZE, &old) == -1)
		sysbail("setrlimit");

	lib_open(&a, &d, "full-a", 1);
	lib_open(&b, &d, "full-b", 0);
	if (blocks_alloc(a.x, ba, 30) != 0)
		bail("30 blocks");
	fill(&a, "full-a");
	is_int(0, lib_write(&a, &ba[5], 1), "fsize: a write below the "
	    "limit completes");
	is_int(0, exo_disk_flush(a.x), "fsize: ... and the flush succeeds");
	memcpy(want, a.f.va, sizeof want);
	memset(a.f.va, 0x77, EXO_FRAME_SIZE);
	is_int(-EXO_EIO, lib_write(&a, &ba[20], 2), "fsize: a write above "
	    "the limit completes with EIO");
	snprintf(msg, sizeof msg, "blocks 20-20: %s", strerror(EFBIG));
	ok(log_has(&d, msg), "fsize: exod logs it with its errno (\"%s\")",
	    msg);
	lib_open(&c, &d, "full-c", 0);
	is_int(-EXO_EIO, exo_disk_flush(a.x), "fsize: the writer's next "
	    "flush reports EIO");
	is_int(0, exo_disk_flush(a.x), "fsize: ... once: the one after "
	    "succeeds");
	is_int(-EXO_EIO, exo_disk_flush(b.x), "fsize: another libOS "
	    "connected at the failure: its next flush reports EIO too");
	is_int(0, exo_disk_flush(c.x), "fsize: one connected after it: "
	    "its flush succeeds");
	ring_fsize(&a);
	is_int(-EXO_EIO, exo_disk_flush(a.x), "fsize: the ring's failed "
	    "writes: the next flush reports EIO");
	(void)exo_disk_flush(b.x);
	(void)exo_disk_flush(c.x);

	/* Up to block TORN_BLOCK - 1, then the record that tears. */
	is_int(0, blocks_alloc(a.x, ba + 30, TORN_BLOCK - 30),
	    "fsize: %u blocks with their records below the limit", TORN_BLOCK);
	ok(ba[TORN_BLOCK - 1].id == TORN_BLOCK - 1, "fsize: ... the "
	    "lowest-numbered ones (last %llu)",
	    (unsigned long long)ba[TORN_BLOCK - 1].id);
	is_int(-EXO_EIO, exo_block_alloc(a.x, ba + TORN_BLOCK, 10),
	    "fsize: an allocation whose record cannot be written: EIO");
	rc = exo_disk_info(a.x, &info);
	ok(rc == 0 && info.blocks_free == NBLOCKS - TORN_BLOCK,
	    "fsize: ... and it binds nothing (%u free)", info.blocks_free);
	snprintf(msg, sizeof msg, "block %u: %s", TORN_BLOCK,
	    strerror(EFBIG));
	ok(log_has(&d, msg), "fsize: exod logs the record's errno "
	    "(\"%s\")", msg);
	is_int(-EXO_EIO, exo_disk_flush(a.x), "fsize: while a record is "
	    "not written, a flush reports EIO");
	is_int(-EXO_EIO, exo_disk_flush(c.x), "fsize: ... every flush, of "
	    "any libOS");
	exo_disconnect(a.x);
	exo_disconnect(b.x);
	exo_disconnect(c.x);
	is_int(0, th_exod_stop(&d), "fsize: exod stops cleanly");

	th_exod_restart(&d, "-m", "1M", "-D", "8M", (char *)NULL);
	snprintf(msg, sizeof msg, "record of block %u is torn", TORN_BLOCK);
	ok(log_has(&d, msg), "fsize: after a restart exod reports the torn "
	    "record");
	lib_open(&a, &d, "full-a", 1);
	rc = exo_disk_info(a.x, &info);
	ok(rc == 0 && info.torn == 1 &&
	    info.blocks_free == NBLOCKS - TORN_BLOCK, "fsize: DISK_INFO: 1 "
	    "torn, %u free (%u torn, %u free)", NBLOCKS - TORN_BLOCK,
	    info.torn, info.blocks_free);
	rc = exo_block_list(a.x, 0, ba, NBLOCKS, &n, &total);
	ok(rc == 0 && total == TORN_BLOCK, "fsize: the owner gets back "
	    "exactly its %u blocks (%u)", TORN_BLOCK, total);
	ok(dh_image_read(&d, 5, got) == 0 && memcmp(got, want,
	    sizeof got) == 0, "fsize: the acknowledged block holds its data");
	lib_open(&c, &d, "full-c", 0);
	is_int(0, blocks_alloc(c.x, bc, NBLOCKS - TORN_BLOCK),
	    "fsize: every other block, the torn one's included, can be "
	    "allocated");
	is_int(0, exo_disk_flush(c.x), "fsize: and flushed");
	exo_disconnect(a.x);
	exo_disconnect(c.x);
	is_int(0, th_exod_stop(&d), "fsize: exod stops cleanly");
}

/* The owners record of earlier versions. */
struct rec1 {
	uint32_t	used;
	uint32_t	uid;
	char		name[EXO_NAME_MAX];
};

static void
test_convert(void)
{
	struct th_exod		 d;
	struct exo_disk_info	 info;
	struct exo_cap		 b[8];
	struct rec1		 r[256];
	struct lib		 a;
	char			 path[600];
	unsigned		 i, n;
	uint32_t		 total;
	int			 fd, rc;

	/* Made by a first start, then replaced by an old-style table. */
	th_exod_start(&d, "-m", "1M", "-D", "1M", (char *)NULL);
	if ((rc = th_exod_stop(&d)) != 0)
		bail("exod did not stop (status %#x)", rc);
	memset(r, 0, sizeof r);
	for (i = 10; i < 13; i++) {
		r[i].used = 1;
		r[i].uid = (uint32_t)getuid();
		snprintf(r[i].name, sizeof r[i].name, "conv-a");
	}
	r[40].used = 1;		/* torn: a name never written */
	snprintf(path, sizeof path, "%s.disk.owners", d.sock);
	if ((fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)) == -1 ||
	    write(fd, r, sizeof r) != (ssize_t)sizeof r || close(fd) == -1)
		sysbail("write %s", path);
	th_exod_restart(&d, "-m", "1M", (char *)NULL);
	ok(log_has(&d, "converted to version"), "convert: exod converts a "
	    "table of the earlier layout");
	lib_open(&a, &d, "conv-a", 0);
	rc = exo_block_list(a.x, 0, b, 8, &n, &total);
	ok(rc == 0 && total == 3 && b[0].id == 10 && b[2].id == 12,
	    "convert: its owner gets back its 3 blocks, 10 to 12");
	rc = exo_disk_info(a.x, &info);
	ok(rc == 0 && info.blocks_free == 253, "convert: the record without "
	    "a name is nobody's: 253 free (%u)", info.blocks_free);
	exo_disconnect(a.x);
	is_int(0, th_exod_stop(&d), "convert: exod stops cleanly");
	th_exod_restart(&d, "-m", "1M", (char *)NULL);
	lib_open(&a, &d, "conv-a", 0);
	rc = exo_block_list(a.x, 0, b, 8, &n, &total);
	ok(rc == 0 && total == 3, "convert: ... and still has them after "
	    "another restart, from the converted table (%u)", total);
	exo_disconnect(a.x);
	is_int(0, th_exod_stop(&d), "convert: exod stops cleanly again");
}

/* A private mount namespace with a tmpfs of size bytes; its path. */
static const char *
tmpfs_make(char *dir, size_t len, const char *size)
{
	char	opt[64];

	if (geteuid() != 0)
		return "not root";
	if (unshare(CLONE_NEWNS) == -1)
		return "unshare(CLONE_NEWNS) fails";
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
		return "cannot make / private";
	snprintf(dir, len, "/tmp/exo-full.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return "mkdtemp fails";
	snprintf(opt, sizeof opt, "size=%s,mode=0700", size);
	if (mount("exo-full", dir, "tmpfs", 0, opt) == -1) {
		rmdir(dir);
		return "cannot mount a tmpfs";
	}
	return NULL;
}

static char	tmpfs_dir[64];

static void
tmpfs_gone(void)
{
	if (tmpfs_dir[0] != '\0') {
		(void)umount2(tmpfs_dir, MNT_DETACH);
		(void)rmdir(tmpfs_dir);
		tmpfs_dir[0] = '\0';
	}
}

/* Fill the file system at path with a file; bytes written. */
static long long
tmpfs_fill(const char *path)
{
	static const char	buf[65536];
	long long		total = 0;
	ssize_t			n;
	int			fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		sysbail("open %s", path);
	while ((n = write(fd, buf, sizeof buf)) > 0)
		total += n;
	while ((n = write(fd, buf, 1)) > 0)
		total += n;
	close(fd);
	return total;
}

static void
test_tmpfs(void)
{
	struct th_exod		 d;
	struct exo_disk_info	 info;
	struct lib		 a;
	struct exo_cap		 b[32];
	char			 image[128], filler[128], msg[128];
	const char		*why;
	unsigned		 n;
	uint32_t		 total;
	int			 rc;

	if ((why = tmpfs_make(tmpfs_dir, sizeof tmpfs_dir, "4m")) != NULL) {
		tmpfs_dir[0] = '\0';
		skip("tmpfs: %s", why);
		return;
	}
	tap_atexit(tmpfs_gone);
	snprintf(image, sizeof image, "%s/img", tmpfs_dir);
	snprintf(filler, sizeof filler, "%s/filler", tmpfs_dir);
	th_exod_start(&d, "-m", "1M", "-d", image, "-D", "2M", (char *)NULL);
	lib_open(&a, &d, "tmpfs-a", 1);
	if (exo_block_alloc(a.x, b, 16) != 0)
		bail("16 blocks");
	ok(tmpfs_fill(filler) > 0, "tmpfs: the file system is full");
	fill(&a, "tmpfs-a");
	is_int(-EXO_EIO, lib_write(&a, &b[3], 1), "tmpfs: a write to the "
	    "image completes with EIO");
	snprintf(msg, sizeof msg, "blocks %llu-%llu: %s",
	    (unsigned long long)b[3].id, (unsigned long long)b[3].id,
	    strerror(ENOSPC));
	ok(log_has(&d, msg), "tmpfs: exod logs it with its errno (\"%s\")",
	    msg);
	is_int(-EXO_EIO, exo_disk_flush(a.x), "tmpfs: the next flush "
	    "reports EIO");
	is_int(0, exo_block_alloc(a.x, b + 16, 16), "tmpfs: allocating "
	    "blocks still works on the full file system");
	is_int(0, exo_disk_flush(a.x), "tmpfs: ... their records are "
	    "written: the flush succeeds");
	exo_disconnect(a.x);
	is_int(0, th_exod_stop(&d), "tmpfs: exod stops cleanly");
	th_exod_restart(&d, "-m", "1M", "-d", image, (char *)NULL);
	lib_open(&a, &d, "tmpfs-a", 1);
	rc = exo_disk_info(a.x, &info);
	ok(rc == 0 && info.torn == 0 && info.blocks_free == 512 - 32, "tmpfs: after a restart, no torn "
	    "record and 32 blocks owned (%u torn, %u free)", info.torn,
	    info.blocks_free);
	rc = exo_block_list(a.x, 0, b, 32, &n, &total);
	ok(rc == 0 && total == 32,
	    "tmpfs: the owner gets back its 32 blocks (%u)", total);
	if (unlink(filler) == -1)
		sysbail("unlink %s", filler);
	fill(&a, "tmpfs-a");
	is_int(0, lib_write(&a, &b[3], 2), "tmpfs: with space back, a write "
	    "completes");
	is_int(0, exo_disk_flush(a.x), "tmpfs: ... and the flush succeeds");
	exo_disconnect(a.x);
	is_int(0, th_exod_stop(&d), "tmpfs: exod stops cleanly");
	tmpfs_gone();
}

int
main(void)
{
	plan_lazy();
	tp_watchdog(240);
	test_fsize();
	test_convert();
	test_tmpfs();
	return tap_failures() != 0;
}
