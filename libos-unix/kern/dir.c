/*
 * dir.c - directories: files of struct dirent (kernel/fs.h), scanned a
 * block at a time in the buffer cache, so a directory of ten thousand
 * entries costs a pass over forty cached blocks, not ten thousand reads.
 */
#include "config.h"

#include <string.h>

#include "kernel/fs.h"
#include "bdev.h"
#include "bio.h"
#include "fsys.h"
#include "log.h"

#define DPB	(BSIZE / sizeof(struct dirent))

int
dir_namecmp(const char *s, const char *t)
{
	return (strncmp(s, t, DIRSIZ));
}

/*
 * Call fn on each entry of locked directory dp, until it returns
 * nonzero: that value, or 0 at the end, -1 on an I/O error.  *off is
 * the byte offset of the entry fn stopped at.
 */
static int
dir_scan(struct inode *dp, int (*fn)(struct dirent *, void *), void *arg,
    uint32_t *off, struct buf **held)
{
	struct dirent	*de;
	struct buf	*b;
	uint32_t	 bn, nblk, bno, i, limit;
	int		 r;

	nblk = (uint32_t)(((uint64_t)dp->size + BSIZE - 1) / BSIZE);
	for (bn = 0; bn < nblk; bn++) {
		/* No directory has a hole: the rest is damage, and a wild
		 * size would otherwise mean a million empty blocks. */
		if ((bno = fs_bmap(dp, bn, 0)) == 0) {
			fs_damaged();
			return (0);
		}
		if ((b = bio_read(bno)) == NULL)
			return (-1);
		de = (struct dirent *)b->data;
		limit = dp->size - bn * BSIZE;
		limit = limit >= BSIZE ? DPB : limit / sizeof *de;
		for (i = 0; i < limit; i++) {
			if ((r = fn(&de[i], arg)) != 0) {
				*off = bn * BSIZE + i * sizeof *de;
				if (held != NULL)
					*held = b;
				else
					bio_release(b);
				return (r);
			}
		}
		bio_release(b);
	}
	return (0);
}

static int
dir_match(struct dirent *de, void *name)
{
	return (de->inum != 0 && dir_namecmp(de->name, name) == 0);
}

/* The inode named name in locked dp (not locked), and its entry's
 * offset in *poff; NULL if there is none. */
struct inode *
dir_lookup(struct inode *dp, const char *name, uint32_t *poff)
{
	struct buf	*b;
	uint32_t	 off, inum;

	if (dp->type != FS_T_DIR)
		return (NULL);
	if (dir_scan(dp, dir_match, (void *)name, &off, &b) != 1)
		return (NULL);
	inum = ((struct dirent *)(b->data + off % BSIZE))->inum;
	bio_release(b);
	if (poff != NULL)
		*poff = off;
	return (fs_iget(inum));
}

static int
dir_free(struct dirent *de, void *arg)
{
	(void)arg;
	return (de->inum == 0);
}

/* Add name -> inum to locked dp, inside the caller's transaction: 0, or
 * -1 if the name is there already or the disk is full. */
int
dir_link(struct inode *dp, const char *name, uint32_t inum)
{
	struct dirent	 de;
	struct inode	*ip;
	struct buf	*b;
	uint32_t	 off;
	int		 r;

	if (name[0] == '\0' || inum == 0 || inum > 0xffff)
		return (-1);
	if ((ip = dir_lookup(dp, name, NULL)) != NULL) {
		fs_iput(ip);
		return (-1);
	}
	memset(&de, 0, sizeof de);
	memcpy(de.name, name, strnlen(name, DIRSIZ));
	de.inum = (unsigned short)inum;
	r = dir_scan(dp, dir_free, NULL, &off, &b);
	if (r < 0)
		return (-1);
	if (r == 1) {
		memcpy(b->data + off % BSIZE, &de, sizeof de);
		log_write(b);
		bio_release(b);
		return (0);
	}
	off = dp->size - dp->size % sizeof de;
	if (fs_writei(dp, &de, off, sizeof de) != sizeof de)
		return (-1);
	return (0);
}

static int
dir_used(struct dirent *de, void *arg)
{
	(void)arg;
	return (de->inum != 0 && dir_namecmp(de->name, ".") != 0 &&
	    dir_namecmp(de->name, "..") != 0);
}

/* Has locked directory dp no entries but . and ..? */
int
dir_isempty(struct inode *dp)
{
	uint32_t	off;

	return (dir_scan(dp, dir_used, NULL, &off, NULL) == 0);
}
