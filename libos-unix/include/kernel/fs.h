/*
 * kernel/fs.h - the on-disk layout of libos-unix's file system, the
 * contract between the libOS (kern/fs.c), mkfs, fsck and user programs
 * that read directories (ls).  Names and field order follow xv6, so a
 * program written for xv6 that reads a directory as an array of
 * struct dirent works unchanged.
 *
 * One file-system block is one exod disk block: BSIZE is EXO_BLOCK_SIZE
 * (4096), so a block moves to or from a frame in one DMA and the buffer
 * cache holds one block per frame.
 *
 * The blocks of the file system, in order of their logical number:
 *
 *	0		the map: which exod blocks (by number) hold the file
 *			system, as runs, so that the logical order survives
 *			a restart whatever other blocks the libOS owns
 *	1		the superblock
 *	2 ..		the log: a header block, then nlog - 1 data blocks
 *	inodestart ..	the inodes, IPB per block
 *	bmapstart ..	the free-block bitmap, one bit per block
 *	datastart ..	data blocks, to size - 1
 *
 * The fixed-width types come from the compiler (no header needed), so
 * this file can be included by freestanding user programs and by the
 * libOS alike; they are xv6's uint and ushort.
 */
#ifndef KERNEL_FS_H
#define KERNEL_FS_H

#define BSIZE		4096	/* bytes in a block: EXO_BLOCK_SIZE */
#define ROOTINO		1	/* inode number of / */
#define FSMAGIC		0x65786f46U	/* "Foxe": a libos-unix superblock */
#define FSMAPMAGIC	0x7061466dU	/* "mFap": the map block */
#define FSLOGMAGIC	0x676f4c78U	/* "xLog": a committed log header */

struct superblock {
	__UINT32_TYPE__	magic;		/* FSMAGIC */
	__UINT32_TYPE__	size;		/* blocks in the file system */
	__UINT32_TYPE__	nblocks;	/* data blocks */
	__UINT32_TYPE__	ninodes;	/* inodes */
	__UINT32_TYPE__	nlog;		/* log blocks, header included */
	__UINT32_TYPE__	logstart;	/* first log block */
	__UINT32_TYPE__	inodestart;	/* first inode block */
	__UINT32_TYPE__	bmapstart;	/* first bitmap block */
	/* libos-unix's additions, after xv6's fields */
	__UINT32_TYPE__	datastart;	/* first data block */
	__UINT32_TYPE__	version;	/* FSVERSION */
	__UINT32_TYPE__	cksum;		/* FNV-1a of the fields above */
};
#define FSVERSION	1

/* Block 0: logical block i is exod block ext[k].start + (i - first of k). */
#define FSMAP_MAX	500
struct fsmap {
	__UINT32_TYPE__	magic;		/* FSMAPMAGIC */
	__UINT32_TYPE__	next;		/* runs in ext[], 1 .. FSMAP_MAX */
	__UINT32_TYPE__	size;		/* sum of the runs' lengths */
	__UINT32_TYPE__	cksum;		/* FNV-1a of ext[0 .. next-1] */
	struct {
		__UINT32_TYPE__	start;	/* exod block number */
		__UINT32_TYPE__	len;	/* blocks in the run, > 0 */
	} ext[FSMAP_MAX];
};

#define NDIRECT		11
#define NINDIRECT	(BSIZE / sizeof(__UINT32_TYPE__))
#define NDINDIRECT	(NINDIRECT * NINDIRECT)
#define MAXFILE		(NDIRECT + NINDIRECT + NDINDIRECT)	/* blocks */

/* An inode on disk.  addrs[NDIRECT] is the indirect block,
 * addrs[NDIRECT + 1] the doubly indirect one; 0 means no block. */
struct dinode {
	short		type;		/* T_* of kernel/stat.h; 0: free */
	short		major;		/* T_DEVICE: the device */
	short		minor;
	short		nlink;		/* directory entries naming it */
	__UINT32_TYPE__	size;		/* bytes */
	__UINT32_TYPE__	addrs[NDIRECT + 2];
};

#define IPB		(BSIZE / sizeof(struct dinode))	/* inodes per block */
#define IBLOCK(i, sb)	((i) / IPB + (sb).inodestart)
#define BPB		(BSIZE * 8)			/* bitmap bits per block */
#define BBLOCK(b, sb)	((b) / BPB + (sb).bmapstart)

#define DIRSIZ		14

/* A directory is a file of these; inum 0 marks a free entry.  A name
 * of DIRSIZ bytes has no terminating NUL. */
struct dirent {
	unsigned short	inum;
	char		name[DIRSIZ];
};

/* The log header (logical block logstart). */
#define LOGMAX		((BSIZE - 24) / 4)
struct logheader {
	__UINT32_TYPE__	magic;		/* FSLOGMAGIC when it holds a commit */
	__UINT32_TYPE__	n;		/* blocks in the transaction */
	__UINT64_TYPE__	seq;		/* commits since mkfs */
	__UINT64_TYPE__	cksum;		/* FNV-1a of seq, n, block[] and
					   the n logged blocks' contents */
	__UINT32_TYPE__	block[LOGMAX];	/* home of log data block i */
};

#endif
