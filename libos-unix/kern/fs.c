/*
 * fs.c - the superblock, inodes and the blocks of files (fsys.h).
 *
 * Every block number read from the disk is checked against the layout
 * before it is used: a wild one counts as a corruption and reads as a
 * hole, so a damaged image can give wrong data but never crash the
 * libOS.  Every change goes through the log (log_write), inside the
 * caller's transaction.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "kernel/fs.h"
#include "bdev.h"
#include "bio.h"
#include "fsys.h"
#include "log.h"

#define FS_READAHEAD	63	/* blocks read ahead of a sequential read */

static struct {
	struct superblock	sb;
	int			mounted;
	uint32_t		bhint;		/* where balloc looks first */
	uint32_t		next_ra;	/* block a sequential read hits */
	uint64_t		corrupt;	/* wild numbers met */
	struct inode		itab[FS_NINODE];
} fs;

static uint32_t
fs_sb_sum(const struct superblock *sb)
{
	return (bdev_fnv32(sb, offsetof(struct superblock, cksum),
	    BDEV_FNV32_INIT));
}

/* Does the superblock describe a layout that fits a disk of size? */
int
fs_sb_check(const struct superblock *sb, uint32_t size, char *err,
    size_t errlen)
{
	uint32_t	iblocks, bblocks;

	if (sb->magic != FSMAGIC) {
		snprintf(err, errlen, "not a libos-unix file system (bad "
		    "magic number)");
		return (-1);
	}
	if (sb->version != FSVERSION || sb->cksum != fs_sb_sum(sb)) {
		snprintf(err, errlen, "the superblock is damaged (version "
		    "or checksum)");
		return (-1);
	}
	iblocks = sb->ninodes / IPB + 1;
	bblocks = sb->size / BPB + 1;
	if (sb->size > size || sb->size < 8 || sb->ninodes < 2 ||
	    sb->ninodes > 65536 || sb->nlog < 2 || sb->nlog > LOGMAX + 1 ||
	    sb->logstart != 2 || sb->inodestart != sb->logstart + sb->nlog ||
	    sb->bmapstart != sb->inodestart + iblocks ||
	    sb->datastart != sb->bmapstart + bblocks ||
	    sb->datastart >= sb->size ||
	    sb->nblocks != sb->size - sb->datastart) {
		snprintf(err, errlen, "the superblock lies: its layout does "
		    "not fit (size %u of %u blocks, %u inodes, log %u)",
		    sb->size, size, sb->ninodes, sb->nlog);
		return (-1);
	}
	return (0);
}

const struct superblock *
fs_sb(void)
{
	return (&fs.sb);
}

int
fs_mounted(void)
{
	return (fs.mounted);
}

uint64_t
fs_corruptions(void)
{
	return (fs.corrupt);
}

/* Damage found outside this file (a hole in a directory). */
void
fs_damaged(void)
{
	fs.corrupt++;
}

/* A block number from the disk that may name a data block. */
static int
fs_addr_ok(uint32_t a)
{
	if (a >= fs.sb.datastart && a < fs.sb.size)
		return (1);
	fs.corrupt++;
	return (0);
}

/* Free the inodes no directory names: files unlinked while open when
 * the libOS stopped. */
static void
fs_reclaim_orphans(void)
{
	struct dinode	*dip;
	struct inode	*ip;
	struct buf	*b;
	uint32_t	 inum;
	int		 orphan;

	for (inum = 1; inum < fs.sb.ninodes; inum++) {
		if ((b = bio_read(IBLOCK(inum, fs.sb))) == NULL)
			return;
		dip = (struct dinode *)b->data + inum % IPB;
		orphan = dip->type != 0 && dip->nlink == 0 &&
		    inum != ROOTINO;
		bio_release(b);
		if (!orphan || log_begin_op() != 0)
			continue;
		if ((ip = fs_iget(inum)) != NULL) {
			if (fs_ilock(ip) == 0)
				fs_iunlock(ip);
			fs_iput(ip);
		}
		log_end_op();
	}
}

int
fs_mount(struct bdev *d, const struct fs_mount_opts *o, char *err,
    size_t errlen)
{
	struct inode	*root;
	struct buf	*b;
	unsigned	 nbuf;

	if (fs.mounted) {
		snprintf(err, errlen, "a file system is mounted already");
		return (-1);
	}
	memset(&fs, 0, sizeof fs);
	nbuf = o != NULL && o->nbuf != 0 ? o->nbuf : FS_NBUF_DEFAULT;
	/* The open group pins up to a log's worth; the rest is for reads. */
	if (nbuf < FS_NBUF_MIN)
		nbuf = FS_NBUF_MIN;
	if (d->size < 8) {
		snprintf(err, errlen, "the disk is too small (%u blocks)",
		    d->size);
		return (-1);
	}
	if (bio_init(d, nbuf) != 0) {
		snprintf(err, errlen, "cannot bind %u frames for the buffer "
		    "cache", nbuf);
		return (-1);
	}
	if ((b = bio_read(1)) == NULL) {
		snprintf(err, errlen, "cannot read the superblock");
		goto fail;
	}
	memcpy(&fs.sb, b->data, sizeof fs.sb);
	bio_release(b);
	if (fs_sb_check(&fs.sb, d->size, err, errlen) != 0)
		goto fail;
	if (log_init(&fs.sb, err, errlen) != 0)
		goto fail;
	fs.mounted = 1;
	fs.bhint = fs.sb.datastart;
	if ((root = fs_iget(ROOTINO)) == NULL || fs_ilock(root) != 0 ||
	    root->type != FS_T_DIR) {
		snprintf(err, errlen, "the root directory is damaged");
		if (root != NULL) {
			if (root->busy)
				fs_iunlock(root);
			fs_iput(root);
		}
		fs.mounted = 0;
		log_shutdown();
		goto fail;
	}
	fs_iunlockput(root);
	fs_reclaim_orphans();
	return (0);
fail:
	bio_shutdown();
	return (-1);
}

/*
 * The kernel's interrupt entry passes on exod's revocations here, from
 * a point where no file-system code is running (between processes):
 * every frame of the cache and the log that is in vec goes back now or
 * at its holder's release.  Returns the number given back now.
 */
int
fs_revoke(const struct exo_revoke_entry *vec, unsigned n)
{
	if (!fs.mounted)
		return (0);
	log_revoke(vec, n);
	return (bio_revoke(vec, n));
}

void
fs_repossessed(const struct exo_revoke_entry *vec, unsigned n)
{
	if (!fs.mounted)
		return;
	log_repossessed(vec, n);
	bio_repossessed(vec, n);
}

void
fs_unmount(void)
{
	if (!fs.mounted)
		return;
	log_shutdown();
	bio_shutdown();
	fs.mounted = 0;
}

/* ---- blocks ------------------------------------------------------------ */

static void
fs_bzero(uint32_t bno)
{
	struct buf	*b;

	if ((b = bio_get(bno)) == NULL)
		return;
	memset(b->data, 0, BSIZE);
	b->valid = 1;
	log_write(b);
	bio_release(b);
}

/* A free data block, marked used and zeroed; 0 when the disk is full. */
static uint32_t
fs_balloc(void)
{
	struct buf	*b;
	uint32_t	 start, bno, bi, end;
	int		 pass;

	for (pass = 0; pass < 2; pass++) {
		start = pass == 0 ? fs.bhint : fs.sb.datastart;
		end = pass == 0 ? fs.sb.size : fs.bhint;
		for (bno = start; bno < end; bno = (bno / BPB + 1) * BPB) {
			if ((b = bio_read(BBLOCK(bno, fs.sb))) == NULL)
				return (0);
			for (bi = bno % BPB; bi < BPB && bno < end;
			    bi++, bno++) {
				if (b->data[bi / 8] & (1 << (bi % 8)))
					continue;
				b->data[bi / 8] |= (unsigned char)(1 <<
				    (bi % 8));
				log_write(b);
				bio_release(b);
				fs_bzero(bno);
				fs.bhint = bno + 1 < fs.sb.size ? bno + 1 :
				    fs.sb.datastart;
				return (bno);
			}
			bio_release(b);
			bno--;	/* the loop's step rounds up from here */
		}
	}
	return (0);
}

static void
fs_bfree(uint32_t bno)
{
	struct buf	*b;
	uint32_t	 bi = bno % BPB;

	if (!fs_addr_ok(bno) || (b = bio_read(BBLOCK(bno, fs.sb))) == NULL)
		return;
	if (b->data[bi / 8] & (1 << (bi % 8))) {
		b->data[bi / 8] &= (unsigned char)~(1 << (bi % 8));
		log_write(b);
		if (bno < fs.bhint)
			fs.bhint = bno;
	} else
		fs.corrupt++;	/* freeing a free block */
	bio_release(b);
}

uint32_t
fs_free_blocks(void)
{
	struct buf	*b;
	uint32_t	 bno, n = 0;

	for (bno = fs.sb.datastart; bno < fs.sb.size; bno++) {
		if ((b = bio_read(BBLOCK(bno, fs.sb))) == NULL)
			return (n);
		if (!(b->data[(bno % BPB) / 8] & (1 << (bno % 8))))
			n++;
		bio_release(b);
	}
	return (n);
}

/* ---- inodes ------------------------------------------------------------ */

struct inode *
fs_iget(uint32_t inum)
{
	struct inode	*ip, *empty = NULL;
	unsigned	 i;

	if (!fs.mounted || inum == 0 || inum >= fs.sb.ninodes)
		return (NULL);
	for (i = 0; i < FS_NINODE; i++) {
		ip = &fs.itab[i];
		if (ip->ref > 0 && ip->inum == inum) {
			ip->ref++;
			return (ip);
		}
		if (empty == NULL && ip->ref == 0)
			empty = ip;
	}
	if (empty == NULL)
		return (NULL);
	memset(empty, 0, sizeof *empty);
	empty->inum = inum;
	empty->ref = 1;
	return (empty);
}

struct inode *
fs_idup(struct inode *ip)
{
	ip->ref++;
	return (ip);
}

/* Lock ip and load it; -1 (not locked) if it cannot be read or its
 * type is not one we know, as for a free inode. */
int
fs_ilock(struct inode *ip)
{
	struct dinode	*dip;
	struct buf	*b;

	if (ip == NULL || ip->ref < 1)
		return (-1);
	while (ip->busy) {
		if (proc_current() == NULL)
			return (-1);
		proc_sleep(ip);
	}
	ip->busy = 1;
	if (ip->valid)
		return (0);
	if ((b = bio_read(IBLOCK(ip->inum, fs.sb))) == NULL)
		goto fail;
	dip = (struct dinode *)b->data + ip->inum % IPB;
	ip->type = dip->type;
	ip->major = dip->major;
	ip->minor = dip->minor;
	ip->nlink = dip->nlink;
	ip->size = dip->size;
	memcpy(ip->addrs, dip->addrs, sizeof ip->addrs);
	bio_release(b);
	if (ip->type < FS_T_DIR || ip->type > FS_T_SYMLINK ||
	    ip->nlink < 0) {
		if (ip->type != 0)
			fs.corrupt++;
		goto fail;
	}
	ip->valid = 1;
	return (0);
fail:
	ip->busy = 0;
	proc_wakeup(ip);
	return (-1);
}

void
fs_iunlock(struct inode *ip)
{
	ip->busy = 0;
	proc_wakeup(ip);
}

void
fs_iupdate(struct inode *ip)
{
	struct dinode	*dip;
	struct buf	*b;

	if ((b = bio_read(IBLOCK(ip->inum, fs.sb))) == NULL)
		return;
	dip = (struct dinode *)b->data + ip->inum % IPB;
	dip->type = ip->type;
	dip->major = ip->major;
	dip->minor = ip->minor;
	dip->nlink = ip->nlink;
	dip->size = ip->size;
	memcpy(dip->addrs, ip->addrs, sizeof ip->addrs);
	log_write(b);
	bio_release(b);
}

struct inode *
fs_ialloc(short type)
{
	struct dinode	*dip;
	struct buf	*b;
	struct inode	*ip;
	uint32_t	 inum;

	for (inum = 1; inum < fs.sb.ninodes; inum++) {
		if ((b = bio_read(IBLOCK(inum, fs.sb))) == NULL)
			return (NULL);
		dip = (struct dinode *)b->data + inum % IPB;
		if (dip->type == 0) {
			if ((ip = fs_iget(inum)) == NULL) {
				bio_release(b);
				return (NULL);
			}
			memset(dip, 0, sizeof *dip);
			dip->type = type;
			log_write(b);
			bio_release(b);
			return (ip);
		}
		bio_release(b);
	}
	return (NULL);
}

/* Drop a reference; the last one to an inode no directory names frees
 * it, inside the caller's transaction. */
void
fs_iput(struct inode *ip)
{
	if (ip == NULL)
		return;
	if (ip->ref == 1 && ip->valid && ip->nlink == 0 && !ip->busy) {
		ip->busy = 1;
		fs_itrunc(ip);
		ip->type = 0;
		fs_iupdate(ip);
		ip->valid = 0;
		fs_iunlock(ip);
	}
	ip->ref--;
}

void
fs_iunlockput(struct inode *ip)
{
	fs_iunlock(ip);
	fs_iput(ip);
}

/* The n-th entry of indirect block ind, allocating if asked; 0: none. */
static uint32_t
fs_indirect(uint32_t ind, uint32_t n, int alloc)
{
	struct buf	*b;
	uint32_t	*a, addr;

	if ((b = bio_read(ind)) == NULL)
		return (0);
	a = (uint32_t *)b->data;
	addr = a[n];
	if (addr != 0 && !fs_addr_ok(addr))
		addr = 0;
	else if (addr == 0 && alloc && (addr = fs_balloc()) != 0) {
		a[n] = addr;
		log_write(b);
	}
	bio_release(b);
	return (addr);
}

/* The slot addrs[i] of ip, allocating if asked; 0: none. */
static uint32_t
fs_slot(struct inode *ip, unsigned i, int alloc)
{
	uint32_t	addr = ip->addrs[i];

	if (addr != 0 && !fs_addr_ok(addr))
		return (0);
	if (addr == 0 && alloc && (addr = fs_balloc()) != 0)
		ip->addrs[i] = addr;
	return (addr);
}

/* The disk block holding block bn of ip; 0 for a hole (or, with alloc,
 * a full disk). */
uint32_t
fs_bmap(struct inode *ip, uint32_t bn, int alloc)
{
	uint32_t	a;

	if (bn < NDIRECT)
		return (fs_slot(ip, bn, alloc));
	bn -= NDIRECT;
	if (bn < NINDIRECT) {
		if ((a = fs_slot(ip, NDIRECT, alloc)) == 0)
			return (0);
		return (fs_indirect(a, bn, alloc));
	}
	bn -= NINDIRECT;
	if (bn >= NDINDIRECT)
		return (0);
	if ((a = fs_slot(ip, NDIRECT + 1, alloc)) == 0 ||
	    (a = fs_indirect(a, bn / NINDIRECT, alloc)) == 0)
		return (0);
	return (fs_indirect(a, bn % NINDIRECT, alloc));
}

/* Free every block of indirect block ind (depth 1: data; 2: indirect
 * blocks), then ind itself. */
static void
fs_free_indirect(uint32_t ind, int depth)
{
	struct buf	*b;
	uint32_t	*a, i, addr;

	if (!fs_addr_ok(ind))
		return;
	if ((b = bio_read(ind)) == NULL)
		return;
	a = (uint32_t *)b->data;
	for (i = 0; i < NINDIRECT; i++) {
		if ((addr = a[i]) == 0)
			continue;
		/* Free runs may sleep: read the entry, then let go. */
		if (depth > 1) {
			bio_release(b);
			fs_free_indirect(addr, depth - 1);
			if ((b = bio_read(ind)) == NULL)
				return;
			a = (uint32_t *)b->data;
		} else
			fs_bfree(addr);
	}
	bio_release(b);
	fs_bfree(ind);
}

void
fs_itrunc(struct inode *ip)
{
	unsigned	i;

	for (i = 0; i < NDIRECT; i++)
		if (ip->addrs[i] != 0)
			fs_bfree(ip->addrs[i]);
	if (ip->addrs[NDIRECT] != 0)
		fs_free_indirect(ip->addrs[NDIRECT], 1);
	if (ip->addrs[NDIRECT + 1] != 0)
		fs_free_indirect(ip->addrs[NDIRECT + 1], 2);
	memset(ip->addrs, 0, sizeof ip->addrs);
	ip->size = 0;
	fs_iupdate(ip);
}

/*
 * Read the blocks a read of [first, last] wants, and some ahead when it
 * continues the one before, in one request instead of one per block.
 * The request starts at the first block of that window not cached yet
 * and takes BDEV_IO_MAX blocks from there, so a sequential reader makes
 * one request of BDEV_IO_MAX blocks every BDEV_IO_MAX blocks, not one
 * request for each read's few new ones.
 */
static void
fs_readahead(struct inode *ip, uint32_t first, uint32_t last)
{
	uint32_t	bno[BDEV_IO_MAX], bn, b, nblk, end, n = 0;
	int		seq;

	if ((nblk = (uint32_t)(((uint64_t)ip->size + BSIZE - 1) / BSIZE)) == 0)
		return;
	seq = first == fs.next_ra || last > first;
	fs.next_ra = last + 1;
	end = seq ? last + FS_READAHEAD : last;
	if (end >= nblk || end < last)
		end = nblk - 1;
	for (bn = first; bn <= end; bn++)
		if ((b = fs_bmap(ip, bn, 0)) != 0 && bio_peek(b) == NULL)
			break;
	if (bn > end)
		return;		/* all of it is cached */
	if (seq)
		end = bn + BDEV_IO_MAX - 1 < nblk && bn + BDEV_IO_MAX - 1 > bn ?
		    bn + BDEV_IO_MAX - 1 : nblk - 1;
	for (; bn <= end && n < BDEV_IO_MAX; bn++)
		if ((bno[n] = fs_bmap(ip, bn, 0)) != 0)
			n++;
	if (n > 1)
		bio_prefetch(bno, n);
}

/* Read n bytes at off into dst: the count read, or -1. */
int
fs_readi(struct inode *ip, void *dst, uint32_t off, uint32_t n)
{
	unsigned char	*d = dst;
	struct buf	*b;
	uint32_t	 tot, m, bno;

	if (off > ip->size || off + n < off)
		return (0);
	if (off + n > ip->size)
		n = ip->size - off;
	if (n == 0)
		return (0);
	if (ip->type == FS_T_FILE)
		fs_readahead(ip, off / BSIZE, (off + n - 1) / BSIZE);
	for (tot = 0; tot < n; tot += m, off += m, d += m) {
		m = BSIZE - off % BSIZE;
		if (m > n - tot)
			m = n - tot;
		if ((bno = fs_bmap(ip, off / BSIZE, 0)) == 0) {
			memset(d, 0, m);	/* a hole */
			continue;
		}
		if ((b = bio_read(bno)) == NULL)
			return (tot > 0 ? (int)tot : -1);
		memcpy(d, b->data + off % BSIZE, m);
		bio_release(b);
	}
	return ((int)tot);
}

/* Write n bytes at off, inside the caller's transaction: the count
 * written (less than n when the disk is full), or -1. */
int
fs_writei(struct inode *ip, const void *src, uint32_t off, uint32_t n)
{
	const unsigned char	*s = src;
	struct buf		*b;
	uint32_t		 tot, m, bno;

	if (off > ip->size || off + n < off ||
	    (uint64_t)off + n > (uint64_t)MAXFILE * BSIZE ||
	    (uint64_t)off + n > UINT32_MAX)
		return (-1);
	for (tot = 0; tot < n; tot += m, off += m, s += m) {
		m = BSIZE - off % BSIZE;
		if (m > n - tot)
			m = n - tot;
		if ((bno = fs_bmap(ip, off / BSIZE, 1)) == 0)
			break;
		b = m == BSIZE ? bio_get(bno) : bio_read(bno);
		if (b == NULL)
			break;
		memcpy(b->data + off % BSIZE, s, m);
		b->valid = 1;
		log_write(b);
		bio_release(b);
	}
	if (off > ip->size)
		ip->size = off;
	fs_iupdate(ip);
	return ((int)tot);
}

void
fs_stati(struct inode *ip, struct fs_stat *st)
{
	st->dev = 1;
	st->ino = ip->inum;
	st->type = ip->type;
	st->nlink = ip->nlink;
	st->size = ip->size;
}
