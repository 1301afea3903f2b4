/*
 * fsck.c - check the mounted file system (mount has replayed the log and
 * freed orphans, as it always does): every block used once and only by
 * what the bitmap says, every inode's link count equal to the entries
 * naming it, directories well formed (. and .., names, no cycles), no
 * allocated inode unreachable from /.
 *
 * It reads through the buffer cache and changes nothing; each problem
 * goes to the caller's report function as one line.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/fs.h"
#include "bdev.h"
#include "bio.h"
#include "fsys.h"

#define FSCK_REPORT_MAX	50	/* lines reported; the rest only counted */

struct fsck {
	const struct superblock	*sb;
	struct dinode		*ino;	/* every inode, copied */
	uint32_t		*owner;	/* block -> inode using it, 0: none */
	uint32_t		*refs;	/* inode -> entries naming it */
	uint32_t		*parent;/* directory -> its parent, 0: unseen */
	long			 problems;
	fsck_report_fn		 report;
	void			*arg;
};

static void __attribute__((format(printf, 2, 3)))
fsck_bad(struct fsck *c, const char *fmt, ...)
{
	char	line[256];
	va_list	ap;

	if (c->problems++ >= FSCK_REPORT_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (c->report != NULL)
		c->report(c->arg, line);
}

static int
fsck_load_inodes(struct fsck *c)
{
	struct buf	*b;
	uint32_t	 inum;

	for (inum = 0; inum < c->sb->ninodes; inum++) {
		if ((b = bio_read(IBLOCK(inum, *c->sb))) == NULL) {
			fsck_bad(c, "cannot read inode block %u",
			    (uint32_t)IBLOCK(inum, *c->sb));
			return (-1);
		}
		memcpy(&c->ino[inum], (struct dinode *)b->data + inum % IPB,
		    sizeof c->ino[inum]);
		bio_release(b);
	}
	return (0);
}

/* Block a belongs to inode inum: say so if it cannot. */
static int
fsck_claim(struct fsck *c, uint32_t inum, uint32_t a)
{
	if (a < c->sb->datastart || a >= c->sb->size) {
		fsck_bad(c, "inode %u: block number %u outside the data "
		    "blocks", inum, a);
		return (-1);
	}
	if (c->owner[a] != 0) {
		fsck_bad(c, "block %u used by inode %u and inode %u", a,
		    c->owner[a], inum);
		return (-1);
	}
	c->owner[a] = inum;
	return (0);
}

/* Claim indirect block a and, depth levels below it, what it names. */
static void
fsck_indirect(struct fsck *c, uint32_t inum, uint32_t a, int depth)
{
	uint32_t	*v, i;
	struct buf	*b;

	if (fsck_claim(c, inum, a) != 0)
		return;
	if ((b = bio_read(a)) == NULL) {
		fsck_bad(c, "inode %u: cannot read block %u", inum, a);
		return;
	}
	if ((v = malloc(BSIZE)) == NULL) {
		bio_release(b);
		return;
	}
	memcpy(v, b->data, BSIZE);
	bio_release(b);
	for (i = 0; i < NINDIRECT; i++) {
		if (v[i] == 0)
			continue;
		if (depth > 1)
			fsck_indirect(c, inum, v[i], depth - 1);
		else
			fsck_claim(c, inum, v[i]);
	}
	free(v);
}

static void
fsck_inodes(struct fsck *c)
{
	struct dinode	*d;
	uint32_t	 inum, i;

	for (inum = 1; inum < c->sb->ninodes; inum++) {
		d = &c->ino[inum];
		if (d->type == 0)
			continue;
		if (d->type < FS_T_DIR || d->type > FS_T_SYMLINK) {
			fsck_bad(c, "inode %u: unknown type %d", inum,
			    d->type);
			d->type = 0;	/* not walked further */
			continue;
		}
		if (d->type == FS_T_DIR && d->size % sizeof(struct dirent))
			fsck_bad(c, "directory %u: size %u is not a whole "
			    "number of entries", inum, d->size);
		for (i = 0; i < NDIRECT; i++)
			if (d->addrs[i] != 0)
				fsck_claim(c, inum, d->addrs[i]);
		if (d->addrs[NDIRECT] != 0)
			fsck_indirect(c, inum, d->addrs[NDIRECT], 1);
		if (d->addrs[NDIRECT + 1] != 0)
			fsck_indirect(c, inum, d->addrs[NDIRECT + 1], 2);
	}
}

static void
fsck_bitmap(struct fsck *c)
{
	struct buf	*b;
	uint32_t	 bno;
	int		 set;

	for (bno = 0; bno < c->sb->size; bno++) {
		if ((b = bio_read(BBLOCK(bno, *c->sb))) == NULL) {
			fsck_bad(c, "cannot read bitmap block %u",
			    (uint32_t)BBLOCK(bno, *c->sb));
			return;
		}
		set = (b->data[(bno % BPB) / 8] >> (bno % 8)) & 1;
		bio_release(b);
		if (bno < c->sb->datastart) {
			if (!set)
				fsck_bad(c, "block %u of the layout is marked "
				    "free", bno);
		} else if (set && c->owner[bno] == 0)
			fsck_bad(c, "block %u is marked used but no inode "
			    "has it", bno);
		else if (!set && c->owner[bno] != 0)
			fsck_bad(c, "block %u of inode %u is marked free",
			    bno, c->owner[bno]);
	}
}

/* Directory inum, reached from parent: check its entries, count the
 * links they make, and walk the directories below.  Breadth first with
 * a queue, so a deep or cyclic tree cannot exhaust the stack. */
static void
fsck_tree(struct fsck *c)
{
	struct dirent	 de;
	struct inode	*ip;
	uint32_t	*queue, head = 0, tail = 0, dir, e;
	uint64_t	 off;	/* past 2^32 when the size is near it */
	int		 dot, dotdot;

	if ((queue = calloc(c->sb->ninodes, sizeof *queue)) == NULL)
		return;
	c->parent[ROOTINO] = ROOTINO;
	queue[tail++] = ROOTINO;
	while (head < tail) {
		dir = queue[head++];
		if ((ip = fs_iget(dir)) == NULL || fs_ilock(ip) != 0) {
			fsck_bad(c, "directory %u cannot be read", dir);
			fs_iput(ip);
			continue;
		}
		dot = dotdot = 0;
		for (off = 0; off + sizeof de <= ip->size; off += sizeof de) {
			/* A hole: no directory has one; skip it whole, or a
			 * wild size would mean a billion empty reads. */
			if (off % BSIZE == 0 &&
			    fs_bmap(ip, (uint32_t)(off / BSIZE), 0) == 0) {
				fsck_bad(c, "directory %u: a hole at block %u",
				    dir, (uint32_t)(off / BSIZE));
				off += BSIZE - sizeof de;
				continue;
			}
			if (fs_readi(ip, &de, (uint32_t)off, sizeof de) !=
			    sizeof de) {
				fsck_bad(c, "directory %u: cannot read entry "
				    "at %u", dir, (uint32_t)off);
				break;
			}
			if (de.inum == 0)
				continue;
			e = de.inum;
			if (e >= c->sb->ninodes || c->ino[e].type == 0) {
				fsck_bad(c, "directory %u: entry \"%.*s\" "
				    "names free or wild inode %u", dir,
				    DIRSIZ, de.name, e);
				continue;
			}
			if (de.name[0] == '\0' || memchr(de.name, '/',
			    strnlen(de.name, DIRSIZ)) != NULL)
				fsck_bad(c, "directory %u: a bad name at %u",
				    dir, (uint32_t)off);
			if (dir_namecmp(de.name, ".") == 0) {
				dot++;
				if (e != dir)
					fsck_bad(c, "directory %u: . is %u",
					    dir, e);
				continue;	/* . is not a link */
			}
			c->refs[e]++;
			if (dir_namecmp(de.name, "..") == 0) {
				dotdot++;
				if (e != c->parent[dir])
					fsck_bad(c, "directory %u: .. is %u, "
					    "not its parent %u", dir, e,
					    c->parent[dir]);
				continue;
			}
			if (c->ino[e].type != FS_T_DIR)
				continue;
			if (c->parent[e] != 0) {
				fsck_bad(c, "directory %u is named twice "
				    "(again in %u): a cycle or a hard "
				    "link", e, dir);
				continue;
			}
			c->parent[e] = dir;
			queue[tail++] = e;
		}
		if (dot != 1 || dotdot != 1)
			fsck_bad(c, "directory %u has %d . and %d .. entries",
			    dir, dot, dotdot);
		fs_iunlockput(ip);
	}
	free(queue);
}

static void
fsck_links(struct fsck *c)
{
	uint32_t	inum;

	for (inum = 1; inum < c->sb->ninodes; inum++) {
		if (c->ino[inum].type == 0)
			continue;
		if (c->refs[inum] == 0)
			fsck_bad(c, "inode %u (type %d) is allocated but no "
			    "directory names it", inum, c->ino[inum].type);
		else if ((uint32_t)c->ino[inum].nlink != c->refs[inum])
			fsck_bad(c, "inode %u: link count %d, but %u entries "
			    "name it", inum, c->ino[inum].nlink,
			    c->refs[inum]);
	}
}

long
fsck_check(fsck_report_fn report, void *arg)
{
	struct fsck	c;

	memset(&c, 0, sizeof c);
	c.report = report;
	c.arg = arg;
	if (!fs_mounted()) {
		fsck_bad(&c, "no file system is mounted");
		return (c.problems);
	}
	c.sb = fs_sb();
	c.ino = calloc(c.sb->ninodes, sizeof *c.ino);
	c.owner = calloc(c.sb->size, sizeof *c.owner);
	c.refs = calloc(c.sb->ninodes, sizeof *c.refs);
	c.parent = calloc(c.sb->ninodes, sizeof *c.parent);
	if (c.ino == NULL || c.owner == NULL || c.refs == NULL ||
	    c.parent == NULL)
		fsck_bad(&c, "out of memory");
	else if (fsck_load_inodes(&c) == 0) {
		if (c.ino[ROOTINO].type != FS_T_DIR)
			fsck_bad(&c, "inode %u, the root, is not a directory",
			    ROOTINO);
		fsck_inodes(&c);
		fsck_bitmap(&c);
		if (c.ino[ROOTINO].type == FS_T_DIR)
			fsck_tree(&c);
		fsck_links(&c);
	}
	free(c.ino);
	free(c.owner);
	free(c.refs);
	free(c.parent);
	return (c.problems);
}
