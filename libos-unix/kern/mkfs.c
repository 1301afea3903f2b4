/*
 * mkfs.c - format a file system on a disk (bdev.h): the superblock, an
 * empty log, free inodes, the bitmap and a root directory holding . and
 * .. (both itself).  It writes the blocks directly, not through the log:
 * nothing is mounted yet, and a crash half way leaves no superblock that
 * checks, so a half-made file system is never mounted.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "kernel/fs.h"
#include "bdev.h"
#include "fsys.h"
#include "log.h"

#define MKFS_MIN	(LOGDEFAULT + 16)	/* the smallest disk */

static int
mkfs_put(struct bdev *d, struct bdev_mem *m, uint32_t bno)
{
	return (bdev_write(d, &bno, &m, 1));
}

/* Zero blocks [first, first + n), BDEV_IO_MAX to a request. */
static int
mkfs_zero(struct bdev *d, struct bdev_mem *z, uint32_t first, uint32_t n)
{
	struct bdev_mem	*m[BDEV_IO_MAX];
	uint32_t	 lbn[BDEV_IO_MAX], i, k, j;

	memset(z->va, 0, BSIZE);
	for (i = 0; i < n; i += k) {
		k = n - i > BDEV_IO_MAX ? BDEV_IO_MAX : n - i;
		for (j = 0; j < k; j++) {
			lbn[j] = first + i + j;
			m[j] = z;
		}
		if (bdev_write(d, lbn, m, k) != 0)
			return (-1);
	}
	return (0);
}

int
mkfs_format(struct bdev *d, uint32_t ninodes, char *err, size_t errlen)
{
	struct superblock	 sb;
	struct dinode		*dip;
	struct dirent		*de;
	struct bdev_mem		 m;
	uint32_t		 iblocks, bblocks, b;
	unsigned char		*p;
	int			 rc = -1;

	if (d->size < MKFS_MIN) {
		snprintf(err, errlen, "a file system needs at least %u "
		    "blocks, not %u", MKFS_MIN, d->size);
		return (-1);
	}
	if (ninodes == 0)
		ninodes = d->size / 2;
	if (ninodes < 16)
		ninodes = 16;
	if (ninodes > 65536)
		ninodes = 65536;	/* a dirent's inum is 16 bits */
	memset(&sb, 0, sizeof sb);
	iblocks = ninodes / IPB + 1;
	bblocks = d->size / BPB + 1;
	sb.magic = FSMAGIC;
	sb.version = FSVERSION;
	sb.size = d->size;
	sb.ninodes = ninodes;
	sb.nlog = LOGDEFAULT;
	sb.logstart = 2;
	sb.inodestart = sb.logstart + sb.nlog;
	sb.bmapstart = sb.inodestart + iblocks;
	sb.datastart = sb.bmapstart + bblocks;
	if (sb.datastart + 1 >= d->size) {
		snprintf(err, errlen, "%u inodes leave no room for data in "
		    "%u blocks", ninodes, d->size);
		return (-1);
	}
	sb.nblocks = sb.size - sb.datastart;
	sb.cksum = bdev_fnv32(&sb, offsetof(struct superblock, cksum),
	    BDEV_FNV32_INIT);
	if (d->ops->mem_alloc(d, &m, 1) != 0) {
		snprintf(err, errlen, "out of memory");
		return (-1);
	}
	p = m.va;
	/* The log header, the inodes and the bitmap start as zeros. */
	if (mkfs_zero(d, &m, sb.logstart, sb.datastart + 1 - sb.logstart))
		goto io;
	/* The bitmap: everything up to the root's block is used. */
	for (b = 0; b <= sb.datastart; b += BPB) {
		uint32_t	bit, last;

		memset(p, 0, BSIZE);
		last = sb.datastart - b < BPB ? sb.datastart - b : BPB - 1;
		for (bit = 0; bit <= last; bit++)
			p[bit / 8] |= (unsigned char)(1 << (bit % 8));
		if (mkfs_put(d, &m, BBLOCK(b, sb)) != 0)
			goto io;
	}
	/* The root directory: inode ROOTINO, its entries in datastart. */
	memset(p, 0, BSIZE);
	de = (struct dirent *)p;
	de[0].inum = ROOTINO;
	de[0].name[0] = '.';
	de[1].inum = ROOTINO;
	memcpy(de[1].name, "..", 2);
	if (mkfs_put(d, &m, sb.datastart) != 0)
		goto io;
	memset(p, 0, BSIZE);
	dip = (struct dinode *)p + ROOTINO % IPB;
	dip->type = FS_T_DIR;
	dip->nlink = 1;		/* its own .. */
	dip->size = 2 * sizeof(struct dirent);
	dip->addrs[0] = sb.datastart;
	if (mkfs_put(d, &m, IBLOCK(ROOTINO, sb)) != 0)
		goto io;
	/* Last, the superblock: until it is written nothing mounts. */
	if (bdev_flush(d) != 0)
		goto io;
	memset(p, 0, BSIZE);
	memcpy(p, &sb, sizeof sb);
	if (mkfs_put(d, &m, 1) != 0 || bdev_flush(d) != 0)
		goto io;
	rc = 0;
	goto out;
io:
	snprintf(err, errlen, "cannot write the new file system");
out:
	d->ops->mem_free(d, &m, 1);
	return (rc);
}
