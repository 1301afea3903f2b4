/*
 * unixfs.t - libos-unix's file system on exod's disk, without the rest of
 * the libOS: the FS sources linked with libexo and a stub for the three
 * process hooks, against a private exod.
 *
 *  1. mkfs, then each file call's success and error cases: create,
 *     write, read, stat, link, unlink, mkdir, mknod, relative paths, and
 *     what must fail (missing names, a file used as a directory, writing
 *     a directory, unlinking . or a full directory, linking a directory).
 *  2. Persistence: unmount, disconnect, connect again under the same
 *     name: every byte is back; the same after exod is restarted (new
 *     capabilities through BLOCK_LIST); fsck is clean each time.
 *  3. Another libOS (another name) cannot read or write the blocks: its
 *     DMA with our capabilities is refused, and it finds no file system.
 *  4. Symbolic links: followed by open, O_NOFOLLOW opens the link, a
 *     relative target resolves from the link's directory, a chain of
 *     FS_SYMLOOP_MAX links works and one more fails, a loop fails.
 *  5. A 64 MiB file (doubly indirect blocks) written and read back, and
 *     its blocks all free again after unlink.
 *  6. A directory of 10,000 entries: every name found, then all removed.
 *  7. A full disk: the write that finds it full gets less than it asked
 *     for, creating fails once inodes or blocks are gone, fsck stays
 *     clean, and after an unlink the space is usable again.
 *  8. Damaged images (in memory, bdev_mem): a garbage superblock and
 *     one that lies are refused at mount with a message; a wild block
 *     number and a directory cycle are reported by fsck without a crash
 *     or a hang; random garbage over random blocks never crashes mount,
 *     a walk of the tree or fsck.
 *  9. Revocation: exod takes frames of the buffer cache; the cache gives
 *     clean ones back and moves dirty ones, and no data is lost.
 */
#define _GNU_SOURCE 1
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "bdev.h"
#include "bio.h"
#include "fsys.h"
#include "harness.h"
#include "log.h"
#include "tap.h"
#include "unixfs-help.h"

#define NAME	"unixfs-t"
#define MB	(1024 * 1024)

static int
exists(const char *path)
{
	struct inode	*ip;

	if ((ip = path_namei(NULL, path, 0)) == NULL)
		return (0);
	fsop_close(ip);
	return (1);
}

static long
stat_size(const char *path, int *type, int *nlink)
{
	struct fs_stat	st;

	if (fsop_stat(NULL, path, &st) != 0)
		return (-1);
	if (type != NULL)
		*type = st.type;
	if (nlink != NULL)
		*nlink = st.nlink;
	return ((long)st.size);
}

/* ---- 1. the calls ------------------------------------------------------- */

static void
test_calls(void)
{
	struct inode	*ip, *cwd;
	char		 buf[64];
	int		 type, nlink;

	ok(uf_put("/hello", 1, 5000) == 0, "create and write /hello");
	ok(uf_verify("/hello", 1, 5000) == 0, "read /hello back");
	is_int(stat_size("/hello", &type, &nlink), 5000, "stat: size");
	ok(type == FS_T_FILE && nlink == 1, "stat: a file, one link");
	ok(fsop_open(NULL, "/nothere", FS_O_RDONLY) == NULL,
	    "open of a missing file fails");
	ok(fsop_open(NULL, "/hello/x", FS_O_RDONLY) == NULL,
	    "a file used as a directory fails");
	ok(fsop_open(NULL, "/", FS_O_WRONLY) == NULL,
	    "open of a directory for writing fails");
	ip = fsop_open(NULL, "/", FS_O_RDONLY);
	ok(ip != NULL && fsop_read(ip, buf, 0, 32) == 32 &&
	    ((struct dirent *)buf)->inum == ROOTINO &&
	    strcmp(((struct dirent *)buf)[1].name, "..") == 0,
	    "/ reads as struct dirent: . and ..");
	fsop_close(ip);
	ok(fsop_open(NULL, "/hello", 3) == NULL, "a bad access mode fails");

	ok(fsop_mkdir(NULL, "/d") == 0, "mkdir /d");
	ok(fsop_mkdir(NULL, "/d") == -1, "mkdir of an existing name fails");
	ok(fsop_mkdir(NULL, "/nope/d") == -1, "mkdir under a missing dir fails");
	stat_size("/", NULL, &nlink);
	is_int(nlink, 2, "/ gains a link for /d/..");
	ok(fsop_link(NULL, "/hello", "/d/hi") == 0, "link /hello /d/hi");
	stat_size("/hello", NULL, &nlink);
	is_int(nlink, 2, "two links");
	ok(fsop_link(NULL, "/hello", "/d/hi") == -1, "link over a name fails");
	ok(fsop_link(NULL, "/d", "/d2") == -1, "link of a directory fails");
	ok(fsop_link(NULL, "/missing", "/m2") == -1, "link of nothing fails");
	ok(fsop_unlink(NULL, "/d") == -1, "unlink of a full directory fails");
	ok(fsop_unlink(NULL, "/d/.") == -1 && fsop_unlink(NULL, "/d/..") == -1,
	    "unlink of . and .. fails");
	ok(fsop_unlink(NULL, "/hello") == 0 && !exists("/hello"),
	    "unlink /hello");
	ok(uf_verify("/d/hi", 1, 5000) == 0, "the other link still reads");

	/* relative paths from a working directory */
	cwd = fsop_chdir(NULL, "/d");
	ok(cwd != NULL, "chdir /d");
	ok(fsop_chdir(NULL, "/d/hi") == NULL, "chdir to a file fails");
	ip = fsop_open(cwd, "hi", FS_O_RDONLY);
	ok(ip != NULL && fsop_read(ip, buf, 0, 10) == 10 &&
	    uf_check((unsigned char *)buf, 10, 1, 0) == 0,
	    "a relative path from the working directory");
	fsop_close(ip);
	ok(fsop_mkdir(cwd, "sub") == 0 && exists("/d/sub"),
	    "mkdir sub, relative");
	ip = fsop_open(cwd, "../d/sub/../hi", FS_O_RDONLY);
	ok(ip != NULL, ".. and . in a path");
	fsop_close(ip);
	ok(fsop_unlink(cwd, "sub") == 0 && fsop_unlink(cwd, "hi") == 0,
	    "unlink relative");
	fsop_close(cwd);
	ok(fsop_unlink(NULL, "/d") == 0, "unlink the empty directory");
	stat_size("/", NULL, &nlink);
	is_int(nlink, 1, "/ loses the link of /d/..");

	ok(fsop_mknod(NULL, "/console", 1, 0) == 0, "mknod /console");
	stat_size("/console", &type, NULL);
	is_int(type, FS_T_DEVICE, "a device file");
	ok(fsop_mknod(NULL, "/console", 1, 0) == -1, "mknod over it fails");
	ip = fsop_open(NULL, "/console", FS_O_RDWR);
	ok(ip != NULL && ip->major == 1, "open of a device gives its major");
	fsop_close(ip);

	ip = fsop_open(NULL, "/t", FS_O_CREATE | FS_O_RDWR);
	ok(ip != NULL && fsop_write(ip, "abcdef", 0, 6) == 6 &&
	    fsop_write(ip, "XY", 2, 2) == 2 && fsop_read(ip, buf, 0, 64) == 6 &&
	    memcmp(buf, "abXYef", 6) == 0, "overwrite in the middle");
	ok(fsop_write(ip, "z", 100, 1) == -1, "a write past the end fails");
	fsop_close(ip);
	ip = fsop_open(NULL, "/t", FS_O_WRONLY | FS_O_TRUNC);
	ok(ip != NULL, "O_TRUNC");
	fsop_close(ip);
	is_int(stat_size("/t", NULL, NULL), 0, "O_TRUNC empties the file");
	ok(fsop_mkdir(NULL, "/longnamesarecut") == 0 &&
	    exists("/longnamesarecu"), "names longer than DIRSIZ are cut");
	ok(fsop_open(NULL, "", FS_O_RDONLY) == NULL, "an empty path fails");
	ok(uf_fsck() == 0, "fsck is clean");
}

/* ---- 2. persistence ----------------------------------------------------- */

static struct exo *
remount(struct th_exod *d, struct exo *e, int restart_exod)
{
	uf_unmount();
	exo_disconnect(e);
	if (restart_exod) {
		ok(th_exod_stop(d) != -1, "exod stopped");
		th_exod_restart(d, "-D", "160M", "-m", "64M", (char *)NULL);
	}
	if ((e = uf_connect(d->sock, NAME)) == NULL)
		bail("reconnect");
	if (uf_mount(e, 0) != 0)
		bail("mount again");
	return (e);
}

/* ---- 3. another libOS -------------------------------------------------- */

static void
test_other(struct th_exod *d, struct bdev *mine)
{
	struct exo		*o;
	struct exo_frame	 f;
	struct bdev		*od;
	struct exo_cap		 cap;
	char			 err[256];
	uint32_t		 total;
	unsigned		 n;
	int			 rc;

	if (exo_connect(d->sock, "intruder", &o) != 0)
		bail("connect intruder");
	ok(bdev_exo_open(o, &od, err, sizeof err) == -1 &&
	    strstr(err, "no file system") != NULL,
	    "another name finds no file system (%s)", err);
	ok(exo_block_list(o, 0, &cap, 1, &n, &total) == 0 && total == 0,
	    "and owns no blocks");
	if (exo_frame_alloc(o, &f) != 0)
		bail("intruder frame");
	cap = *bdev_exo_cap(mine, 1);
	rc = exo_disk_read(o, 1, &cap, &f.cap, 1);
	is_int(rc, -EXO_ENOTOWNER, "reading our superblock with our "
	    "capability is refused: %s", exo_strerror(rc));
	rc = exo_disk_write(o, 1, &cap, &f.cap, 1);
	is_int(rc, -EXO_ENOTOWNER, "and so is writing it");
	cap.id ^= 1;
	rc = exo_disk_read(o, 1, &cap, &f.cap, 1);
	is_int(rc, -EXO_EBADCAP, "an altered capability does not verify");
	exo_frame_free(o, &f);
	exo_disconnect(o);
	ok(uf_verify("/keep", 42, 300000) == 0, "our file is untouched");
}

/* ---- 4. symbolic links ------------------------------------------------- */

static void
test_symlinks(void)
{
	struct inode	*ip;
	char		 a[32], b[32], buf[64];
	int		 i, type;

	ok(fsop_mkdir(NULL, "/s") == 0 && uf_put("/s/target", 7, 3000) == 0,
	    "a target");
	ok(fsop_symlink(NULL, "/s/target", "/s/abs") == 0, "symlink absolute");
	ok(uf_verify("/s/abs", 7, 3000) == 0, "open follows it");
	ok(fsop_symlink(NULL, "target", "/s/rel") == 0 &&
	    uf_verify("/s/rel", 7, 3000) == 0,
	    "a relative target resolves from the link's directory");
	ip = fsop_open(NULL, "/s/abs", FS_O_RDONLY | FS_O_NOFOLLOW);
	ok(ip != NULL && ip->type == FS_T_SYMLINK &&
	    fsop_read(ip, buf, 0, sizeof buf) == 9 &&
	    memcmp(buf, "/s/target", 9) == 0,
	    "O_NOFOLLOW opens the link itself, which reads as its target");
	fsop_close(ip);
	stat_size("/s/abs", &type, NULL);
	is_int(type, FS_T_FILE, "stat follows the link");
	ok(fsop_symlink(NULL, "/s/target", "/s/abs") == -1,
	    "symlink over an existing name fails");
	ok(fsop_symlink(NULL, "/nowhere", "/s/dangle") == 0 &&
	    fsop_open(NULL, "/s/dangle", FS_O_RDONLY) == NULL,
	    "a dangling link can be made, and opening it fails");
	ok(fsop_symlink(NULL, "/s", "/sd") == 0 &&
	    uf_verify("/sd/target", 7, 3000) == 0,
	    "a link to a directory in the middle of a path");
	ok(fsop_symlink(NULL, "/s/loop2", "/s/loop1") == 0 &&
	    fsop_symlink(NULL, "/s/loop1", "/s/loop2") == 0, "a loop of two");
	ok(fsop_open(NULL, "/s/loop1", FS_O_RDONLY) == NULL,
	    "opening a loop fails");
	ok(path_namei(NULL, "/s/loop1/x", 1) == NULL,
	    "a loop in the middle of a path fails");
	/* A chain: c0 -> target, ci -> c(i-1) */
	ok(fsop_symlink(NULL, "target", "/s/c0") == 0, "chain start");
	for (i = 1; i <= FS_SYMLOOP_MAX; i++) {
		snprintf(a, sizeof a, "c%d", i - 1);
		snprintf(b, sizeof b, "/s/c%d", i);
		fsop_symlink(NULL, a, b);
	}
	snprintf(b, sizeof b, "/s/c%d", FS_SYMLOOP_MAX - 1);
	ok(uf_verify(b, 7, 3000) == 0, "a chain of %d links is followed",
	    FS_SYMLOOP_MAX);
	snprintf(b, sizeof b, "/s/c%d", FS_SYMLOOP_MAX);
	ok(fsop_open(NULL, b, FS_O_RDONLY) == NULL,
	    "a chain of %d fails", FS_SYMLOOP_MAX + 1);
	ok(fsop_unlink(NULL, "/s/abs") == 0 && exists("/s/target"),
	    "unlink removes the link, not the target");
	ok(uf_fsck() == 0, "fsck is clean with links");
}

/* ---- 5, 6: big ---------------------------------------------------------- */

static void
test_bigfile(void)
{
	uint32_t	free0, free1;

	free0 = fs_free_blocks();
	ok(uf_put("/big", 64, 64 * MB) == 0, "write a 64 MiB file");
	free1 = fs_free_blocks();
	ok(free0 - free1 >= 64 * MB / BSIZE + 16,
	    "it takes %u blocks (data and indirect)", free0 - free1);
	is_int(stat_size("/big", NULL, NULL), 64 * MB, "its size");
	ok(uf_verify("/big", 64, 64 * MB) == 0, "every byte reads back");
	ok(uf_fsck() == 0, "fsck is clean");
	ok(fsop_unlink(NULL, "/big") == 0, "unlink it");
	is_int(fs_free_blocks(), free0, "every block is free again");
}

static void
test_bigdir(void)
{
	struct inode	*ip;
	char		 p[64];
	int		 i, bad = 0;
	long		 size;

	ok(fsop_mkdir(NULL, "/many") == 0, "mkdir /many");
	/* Twenty to a transaction, as twenty processes would group them. */
	for (i = 0; i < 10000 && bad == 0; i++) {
		snprintf(p, sizeof p, "/many/f%05d", i);
		if (i % 20 == 0 && log_begin_op() != 0)
			bail("begin_op");
		if ((ip = fsop_create(NULL, p, FS_T_FILE, 0, 0)) == NULL)
			bad = i + 1;
		else
			fs_iunlockput(ip);
		if (i % 20 == 19 && log_end_op() != 0)
			bad = i + 1;
	}
	is_int(bad, 0, "10,000 files in one directory");
	size = stat_size("/many", NULL, NULL);
	ok(size >= 10002L * (long)sizeof(struct dirent),
	    "the directory holds %ld bytes of entries", size);
	for (i = 0; i < 10000; i += 997) {
		snprintf(p, sizeof p, "/many/f%05d", i);
		if (!exists(p))
			bad++;
	}
	ok(!exists("/many/f10000") && bad == 0, "names found, no extra one");
	ok(uf_fsck() == 0, "fsck is clean");
	for (i = 0; i < 10000; i++) {
		snprintf(p, sizeof p, "/many/f%05d", i);
		if (i % 20 == 0 && log_begin_op() != 0)
			bail("begin_op");
		if (fsop_unlink_tx(NULL, p) != 0)
			bad++;
		if (i % 20 == 19 && log_end_op() != 0)
			bad++;
	}
	is_int(bad, 0, "all removed");
	ok(fsop_unlink(NULL, "/many") == 0, "and the directory is empty");
}

/* ---- 7. full disk ------------------------------------------------------- */

static void
test_full(struct th_exod *d)
{
	struct exo	*e;
	struct inode	*ip;
	unsigned char	*buf;
	char		 p[32];
	int		 i, n, w;
	long		 total = 0;

	if ((e = uf_connect(d->sock, "unixfs-full")) == NULL)
		bail("connect full");
	ok(uf_mkfs(e, 600, 64) == 0 && uf_mount(e, 64) == 0,
	    "a small file system: 600 blocks, 64 inodes");
	buf = calloc(1, FS_WRITE_MAX);
	ip = fsop_open(NULL, "/fill", FS_O_CREATE | FS_O_WRONLY);
	for (;;) {
		w = fsop_write(ip, buf, (uint32_t)total, FS_WRITE_MAX);
		if (w != FS_WRITE_MAX) {
			if (w > 0)
				total += w;
			break;
		}
		total += w;
	}
	ok(total > 0 && total < 600L * BSIZE,
	    "a write finds the disk full after %ld bytes (%d)", total, w);
	ok(fsop_write(ip, buf, (uint32_t)total, 10) == -1,
	    "the next write gets -1");
	fsop_close(ip);
	is_int(stat_size("/fill", NULL, NULL), total, "the size is what fit");
	for (i = 0, n = 0; i < 100; i++) {
		snprintf(p, sizeof p, "/d%d", i);
		if (fsop_mkdir(NULL, p) == 0)
			n++;
	}
	ok(n < 100, "mkdir fails once no block is left (%d made)", n);
	ok(uf_fsck() == 0, "fsck is clean on the full disk");
	ok(fsop_unlink(NULL, "/fill") == 0 && uf_put("/again", 3, 100000) == 0 &&
	    uf_verify("/again", 3, 100000) == 0, "after unlink, space again");
	for (i = 0, n = 0; i < 100; i++) {
		snprintf(p, sizeof p, "/e%d", i);
		if ((ip = fsop_open(NULL, p, FS_O_CREATE | FS_O_RDWR)) != NULL)
			n++;
		fsop_close(ip);
	}
	ok(n > 0 && n < 64, "creates fail once the inodes are gone (%d)", n);
	ok(uf_fsck() == 0, "fsck is clean");
	free(buf);
	uf_unmount();
	exo_disconnect(e);
}

/* ---- 8. damaged images -------------------------------------------------- */

static unsigned char *
mem_image(uint32_t nblocks, struct bdev **dp)
{
	unsigned char	*img = calloc(nblocks, BSIZE);
	char		 err[256];

	*dp = bdev_mem_open(img, nblocks);
	if (mkfs_format(*dp, 0, err, sizeof err) != 0)
		bail("mkfs in memory: %s", err);
	return (img);
}

static int
mem_mount(struct bdev *d, char *err, size_t len)
{
	struct fs_mount_opts	o = { 32 };

	return (fs_mount(d, &o, err, len));
}

/* Walk the tree: every path read whole.  No crash is the point. */
static void
walk(struct inode *dir, int depth)
{
	struct dirent	 de;
	struct inode	*ip;
	unsigned char	 buf[4096];
	uint32_t	 off;
	char		 name[DIRSIZ + 1];

	if (depth > 8)
		return;
	for (off = 0; off < 64 * 1024; off += sizeof de) {
		if (fsop_read(dir, &de, off, sizeof de) != sizeof de)
			break;
		if (de.inum == 0 || de.name[0] == '.')
			continue;
		memcpy(name, de.name, DIRSIZ);
		name[DIRSIZ] = '\0';
		if ((ip = fsop_open(dir, name, FS_O_RDONLY)) == NULL)
			continue;
		if (ip->type == FS_T_DIR)
			walk(ip, depth + 1);
		else
			fsop_read(ip, buf, 0, sizeof buf);
		fsop_close(ip);
	}
}

static void
populate(void)
{
	int	i;
	char	p[32];

	fsop_mkdir(NULL, "/a");
	fsop_mkdir(NULL, "/a/b");
	for (i = 0; i < 20; i++) {
		snprintf(p, sizeof p, "/a/b/f%d", i);
		uf_put(p, (uint64_t)i, (uint32_t)(i * 9000));
	}
	fsop_symlink(NULL, "/a/b", "/l");
}

static void
test_damaged(void)
{
	struct superblock	*sb;
	struct dinode		*dip;
	struct dirent		*de;
	struct bdev		*d;
	struct inode		*ip;
	unsigned char		*img, *copy;
	char			 err[256];
	uint32_t		 nb = 2048, k, blk, off, dirblk, a_inum = 0, b_inum;
	long			 problems;
	int			 i, j, survived = 0;

	img = mem_image(nb, &d);
	ok(mem_mount(d, err, sizeof err) == 0, "an image in memory mounts");
	populate();
	ok(uf_fsck() == 0, "fsck is clean on it");
	fs_unmount();
	/* Forget the last commit, which mount would replay over the damage
	 * done below to the blocks it wrote. */
	sb = (struct superblock *)(img + BSIZE);
	memset(img + (size_t)sb->logstart * BSIZE, 0, (size_t)sb->nlog * BSIZE);
	copy = malloc((size_t)nb * BSIZE);
	memcpy(copy, img, (size_t)nb * BSIZE);

	memset(sb, 0xa5, sizeof *sb);
	ok(mem_mount(d, err, sizeof err) == -1 && strstr(err, "not a") != NULL,
	    "garbage superblock refused: %s", err);
	memcpy(img, copy, (size_t)nb * BSIZE);
	sb->size = nb * 4;
	sb->cksum = bdev_fnv32(sb, offsetof(struct superblock, cksum),
	    BDEV_FNV32_INIT);
	ok(mem_mount(d, err, sizeof err) == -1 && strstr(err, "lies") != NULL,
	    "a superblock that lies about the size is refused: %s", err);
	memcpy(img, copy, (size_t)nb * BSIZE);
	sb->inodestart += 3;
	sb->cksum = bdev_fnv32(sb, offsetof(struct superblock, cksum),
	    BDEV_FNV32_INIT);
	ok(mem_mount(d, err, sizeof err) == -1, "a wrong layout is refused");
	memcpy(img, copy, (size_t)nb * BSIZE);
	sb->ninodes++;
	ok(mem_mount(d, err, sizeof err) == -1 && strstr(err, "damaged"),
	    "a bad checksum is refused: %s", err);
	memcpy(img, copy, (size_t)nb * BSIZE);
	dip = (struct dinode *)(img + (size_t)IBLOCK(ROOTINO, *(struct
	    superblock *)(copy + BSIZE)) * BSIZE) + ROOTINO;
	dip->type = FS_T_FILE;
	ok(mem_mount(d, err, sizeof err) == -1 && strstr(err, "root"),
	    "a root that is not a directory is refused: %s", err);

	/* A wild block number in a file: fsck says so. */
	memcpy(img, copy, (size_t)nb * BSIZE);
	sb = (struct superblock *)(img + BSIZE);
	ok(mem_mount(d, err, sizeof err) == 0, "mount again");
	ip = path_namei(NULL, "/a/b/f5", 0);
	k = ip != NULL ? ip->inum : 0;
	fsop_close(ip);
	ip = path_namei(NULL, "/a", 0);
	a_inum = ip != NULL ? ip->inum : 0;
	fsop_close(ip);
	ip = path_namei(NULL, "/a/b", 0);
	if (ip == NULL || fs_ilock(ip) != 0)
		bail("/a/b");
	b_inum = ip->inum;
	dirblk = ip->addrs[0];
	fs_iunlock(ip);
	fsop_close(ip);
	fs_unmount();
	dip = (struct dinode *)(img + (size_t)IBLOCK(k, *sb) * BSIZE) + k % IPB;
	dip->addrs[3] = 0x7fffffff;
	ok(mem_mount(d, err, sizeof err) == 0, "an image with a wild block "
	    "number mounts");
	ok(uf_verify("/a/b/f5", 5, 45000) == -1, "reading the file gives "
	    "wrong data, not a crash");
	problems = uf_fsck();
	ok(problems > 0, "fsck reports the wild block (%ld problems)",
	    problems);
	fs_unmount();

	/* A directory cycle: /a/b gets an entry naming /a. */
	memcpy(img, copy, (size_t)nb * BSIZE);
	de = (struct dirent *)(img + (size_t)dirblk * BSIZE);
	for (i = 0; i < 64 && de[i].inum != 0; i++)
		;
	de[i].inum = (unsigned short)a_inum;
	strncpy(de[i].name, "up", DIRSIZ);
	dip = (struct dinode *)(img + (size_t)IBLOCK(b_inum, *sb) * BSIZE) +
	    b_inum % IPB;
	if (dip->size < (uint32_t)(i + 1) * sizeof *de)
		dip->size = (uint32_t)(i + 1) * sizeof *de;
	ok(mem_mount(d, err, sizeof err) == 0, "an image with a cycle mounts");
	ip = path_namei(NULL, "/a/b/up/b/up/b/up/b", 0);
	ok(ip != NULL, "walking round the cycle ends");
	fsop_close(ip);
	problems = uf_fsck();
	ok(problems > 0, "fsck reports the cycle (%ld problems)", problems);
	fs_unmount();

	/* Garbage over random blocks, 300 times. */
	k = sb->datastart;
	srandom(11);
	for (i = 0; i < 300; i++) {
		memcpy(img, copy, (size_t)nb * BSIZE);
		for (j = 0; j < 1 + i % 4; j++) {
			blk = 1 + (uint32_t)random() % (k + 40);
			for (off = 0; off < BSIZE; off += 4)
				if (random() % (1 + i % 7) == 0)
					*(uint32_t *)(img + (size_t)blk * BSIZE +
					    off) = (uint32_t)random();
		}
		if (mem_mount(d, err, sizeof err) == 0) {
			if ((ip = fs_iget(ROOTINO)) != NULL) {
				walk(ip, 0);
				fsop_close(ip);
			}
			fsck_check(NULL, NULL);
			fs_unmount();
		}
		survived++;
	}
	is_int(survived, 300, "300 damaged images: mount, walk and fsck "
	    "never crash");
	bdev_close(d);
	free(img);
	free(copy);
}

/* ---- 9. revocation ------------------------------------------------------ */

static void
test_revoke(struct th_exod *d, struct exo *e)
{
	struct exo_revoke_reply	 r;
	struct bio_stats	 st0, st1;
	struct exo_status_peer	 p;
	struct exo		*ctl;
	int			 i, rc;

	(void)d;
	ok(uf_put("/r", 9, 600000) == 0, "a file fills part of the cache");
	bio_stats(&st0);
	if (exo_connect_control(d->sock, &ctl) != 0)
		bail("control");
	/* exod's revoke upcall reaches uf_intr only through bio_revoke:
	 * the test plays the kernel, polling between operations. */
	rc = exo_revoke(ctl, exo_libos_id(e), EXO_REVOKE_FRAMES, 8, &r);
	(void)p;
	(void)i;
	ok(rc == 0, "exod revokes 8 frames (%d given back, %d aborted)",
	    r.released, r.aborted);
	bio_stats(&st1);
	ok(uf_verify("/r", 9, 600000) == 0, "the file still reads whole");
	ok(uf_fsck() == 0, "fsck is clean after the revocation");
	exo_disconnect(ctl);
}

int
main(void)
{
	struct th_exod	 d;
	struct exo	*e;
	struct bdev	*dev;
	char		 err[256];

	plan_lazy();
	th_exod_start(&d, "-D", "160M", "-m", "64M", (char *)NULL);
	if ((e = uf_connect(d.sock, NAME)) == NULL)
		bail("connect");
	ok(bdev_exo_open(e, &dev, err, sizeof err) == -1,
	    "no file system before mkfs: %s", err);
	ok(uf_mkfs(e, 36000, 12000) == 0, "mkfs on 36000 blocks");
	ok(uf_mount(e, 0) == 0, "mount");
	test_calls();
	ok(uf_put("/keep", 42, 300000) == 0, "a file to keep");
	e = remount(&d, e, 0);
	ok(uf_verify("/keep", 42, 300000) == 0,
	    "after a new connection, /keep reads back byte for byte");
	ok(uf_fsck() == 0, "fsck is clean");
	e = remount(&d, e, 1);
	ok(uf_verify("/keep", 42, 300000) == 0,
	    "after exod restarted, /keep reads back byte for byte");
	ok(uf_fsck() == 0, "fsck is clean");
	if (bdev_exo_open(e, &dev, err, sizeof err) == 0) {
		test_other(&d, dev);
		bdev_close(dev);
	}
	test_symlinks();
	test_bigfile();
	test_bigdir();
	test_revoke(&d, e);
	uf_unmount();
	exo_disconnect(e);
	test_full(&d);
	test_damaged();
	return (0);
}
