/*
 * fuzz_fsimage.c - libFuzzer harness for libos-unix's file system: mount
 * a damaged image, walk it, change it, check it.
 *
 * The disk is in memory (bdev_mem.c).  At start the harness formats an
 * image of FZ_BLOCKS blocks and fills it (directories, files of every
 * size class up to doubly indirect blocks, a symbolic link, a device),
 * then clears the log so that mount replays nothing over the damage.
 * Each input is a list of patches to a fresh copy of that image:
 *
 *	u16 block (little-endian, modulo FZ_BLOCKS), u16 offset (modulo
 *	BSIZE), u8 length, then length bytes written there
 *
 * so that a small input can hit any field of the superblock, the log
 * headers, the inodes, the bitmap, the indirect blocks and directories.
 * Then: mount (which may refuse, with a message), a walk of every name
 * from / reading each file whole, a few operations that write (create,
 * write, mkdir, link, symlink, unlink), fsck, unmount.  Beside crashes
 * and sanitizer reports, the harness aborts if an image that fsck found
 * clean before the changes fails to mount again after them, or is not
 * clean after them: the file system must not damage itself.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/fs.h"
#include "bdev.h"
#include "fsys.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FZ_BLOCKS	600
#define FZ_NBUF		0	/* the default: the mount's minimum */

static unsigned char	*fz_base, *fz_img;
static struct bdev	*fz_dev;

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

static void
fz_put(const char *path, uint32_t size, unsigned char c)
{
	static unsigned char	 buf[64 * 1024];
	struct inode		*ip;
	uint32_t		 off, n;

	memset(buf, c, sizeof buf);
	if ((ip = fsop_open(NULL, path, FS_O_CREATE | FS_O_WRONLY)) == NULL)
		return;
	for (off = 0; off < size; off += n) {
		n = size - off > sizeof buf ? sizeof buf : size - off;
		if (fsop_write(ip, buf, off, n) != (int)n)
			break;
	}
	fsop_close(ip);
}

static void
fz_init(void)
{
	struct fs_mount_opts	o = { FZ_NBUF };
	const struct superblock	*sb;
	char			 err[256];

	fz_base = calloc(FZ_BLOCKS, BSIZE);
	fz_img = malloc((size_t)FZ_BLOCKS * BSIZE);
	fz_dev = bdev_mem_open(fz_base, FZ_BLOCKS);
	if (fz_base == NULL || fz_img == NULL || fz_dev == NULL ||
	    mkfs_format(fz_dev, 64, err, sizeof err) != 0 ||
	    fs_mount(fz_dev, &o, err, sizeof err) != 0)
		abort();
	fsop_mkdir(NULL, "/d");
	fsop_mkdir(NULL, "/d/e");
	fz_put("/small", 100, 'a');
	fz_put("/d/direct", 11 * BSIZE, 'b');
	fz_put("/d/e/indirect", 40 * BSIZE, 'c');
	fsop_symlink(NULL, "/d/e", "/link");
	fsop_mknod(NULL, "/console", 1, 0);
	fsop_link(NULL, "/small", "/d/hard");
	sb = fs_sb();
	fs_unmount();
	/* Nothing for mount to replay over the damage. */
	sb = (const struct superblock *)(fz_base + BSIZE);
	memset(fz_base + (size_t)sb->logstart * BSIZE, 0,
	    (size_t)sb->nlog * BSIZE);
	fz_dev->priv = fz_img;
}

static void
fz_walk(struct inode *dir, int depth)
{
	static unsigned char	 buf[8192];
	struct dirent		 de;
	struct inode		*ip;
	char			 name[DIRSIZ + 1];
	uint32_t		 off, o;

	if (depth > 6)
		return;
	for (off = 0; off < 256 * sizeof de; off += sizeof de) {
		if (fsop_read(dir, &de, off, sizeof de) != sizeof de)
			break;
		if (de.inum == 0 || de.name[0] == '.')
			continue;
		memcpy(name, de.name, DIRSIZ);
		name[DIRSIZ] = '\0';
		if ((ip = fsop_open(dir, name, FS_O_RDONLY)) == NULL)
			continue;
		if (ip->type == FS_T_DIR)
			fz_walk(ip, depth + 1);
		else
			for (o = 0; o < 64 * BSIZE; o += sizeof buf)
				if (fsop_read(ip, buf, o, sizeof buf) <= 0)
					break;
		fsop_close(ip);
	}
}

static void
fz_change(void)
{
	struct inode	*ip;

	fz_put("/new", 3 * BSIZE + 5, 'n');
	fz_put("/d/e/indirect", 2 * BSIZE, 'x');
	fsop_mkdir(NULL, "/d/new");
	fsop_link(NULL, "/new", "/d/new/l");
	fsop_symlink(NULL, "../new", "/d/s");
	if ((ip = fsop_open(NULL, "/d/s", FS_O_RDWR)) != NULL)
		fsop_close(ip);
	fsop_unlink(NULL, "/small");
	fsop_unlink(NULL, "/d/direct");
	fsop_unlink(NULL, "/d/e");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fs_mount_opts	 o = { FZ_NBUF };
	struct inode		*root;
	char			 err[256];
	size_t			 i = 0;
	uint32_t		 blk, off, len;
	long			 before;

	if (fz_base == NULL)
		fz_init();
	memcpy(fz_img, fz_base, (size_t)FZ_BLOCKS * BSIZE);
	while (i + 5 <= size) {
		blk = (data[i] | (uint32_t)data[i + 1] << 8) % FZ_BLOCKS;
		off = (data[i + 2] | (uint32_t)data[i + 3] << 8) % BSIZE;
		len = data[i + 4];
		i += 5;
		if (len > size - i)
			len = (uint32_t)(size - i);
		if (len > BSIZE - off)
			len = BSIZE - off;
		memcpy(fz_img + (size_t)blk * BSIZE + off, data + i, len);
		i += len;
	}
	if (fs_mount(fz_dev, &o, err, sizeof err) != 0)
		return (0);
	if ((root = fs_iget(ROOTINO)) != NULL) {
		fz_walk(root, 0);
		fsop_close(root);
	}
	before = fsck_check(NULL, NULL);
	fz_change();
	if (before == 0 && fs_corruptions() == 0 && fsck_check(NULL, NULL) != 0)
		abort();	/* a clean image, damaged by the FS itself */
	fs_unmount();
	if (before == 0 && fs_mount(fz_dev, &o, err, sizeof err) != 0)
		abort();
	fs_unmount();
	return (0);
}
