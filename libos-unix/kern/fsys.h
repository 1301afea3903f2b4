/*
 * fsys.h - libos-unix's file system as the rest of the libOS uses it:
 * inodes (fs.c), directories (dir.c), path names and symbolic links
 * (path.c), whole operations as transactions (fsop.c), and the tools
 * (mkfs.c, fsck.c).  The layout on disk is kernel/fs.h; the buffer cache
 * bio.h, the log log.h, the disk bdev.h.
 *
 * Errors: functions returning a pointer give NULL, those returning int
 * give -1, as xv6's system calls do; none of them ever crashes on what
 * it reads from the disk, which it checks.
 */
#ifndef FSYS_H
#define FSYS_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/fs.h"
#include "bdev.h"
#include "log.h"

/* Inode types: kernel/stat.h's T_*. */
#define FS_T_DIR	1
#define FS_T_FILE	2
#define FS_T_DEVICE	3
#define FS_T_SYMLINK	4

/* open(2) flags: kernel/fcntl.h's O_*. */
#define FS_O_RDONLY	0x000
#define FS_O_WRONLY	0x001
#define FS_O_RDWR	0x002
#define FS_O_NOFOLLOW	0x800
#define FS_O_CREATE	0x200
#define FS_O_TRUNC	0x400

#define FS_PATH_MAX	128	/* xv6's MAXPATH: a symbolic link's target */
#define FS_SYMLOOP_MAX	10	/* links followed in one lookup */
#define FS_NINODE	128	/* inodes in memory at once */
#define FS_NBUF_DEFAULT	512	/* buffers in the cache: 2 MiB */
#define FS_NBUF_MIN	(LOGAREA + 64)	/* the log's and some more */
/* Bytes of one transaction of a write: the rest of LOG_MAXOPBLOCKS goes to
 * the inode, the indirect blocks and the bitmap. */
#define FS_WRITE_MAX	((LOG_MAXOPBLOCKS - 8) * BSIZE)

/* An inode in memory.  ref counts the pointers to it; the fields after
 * busy are valid (read from disk) only while valid is set, and only the
 * holder of the lock (busy) reads or changes them. */
struct inode {
	uint32_t	inum;
	int		ref;		/* pointers to this entry */
	int		busy;		/* locked: sleep on the inode */
	int		valid;		/* the copy of the dinode is loaded */
	short		type;
	short		major;
	short		minor;
	short		nlink;
	uint32_t	size;
	uint32_t	addrs[NDIRECT + 2];
};

/* What fstat(2) reports: xv6's struct stat's fields. */
struct fs_stat {
	int		dev;
	uint32_t	ino;
	short		type;
	short		nlink;
	uint64_t	size;
};

struct fs_mount_opts {
	unsigned	nbuf;		/* buffers in the cache; 0: default */
};

/* fs.c: the superblock, inodes, blocks */
int		 fs_mount(struct bdev *, const struct fs_mount_opts *, char *,
		    size_t);
void		 fs_unmount(void);
int		 fs_revoke(const struct exo_revoke_entry *, unsigned);
void		 fs_repossessed(const struct exo_revoke_entry *, unsigned);
int		 fs_mounted(void);
const struct superblock *fs_sb(void);
int		 fs_sb_check(const struct superblock *, uint32_t, char *,
		    size_t);
struct inode	*fs_ialloc(short);
struct inode	*fs_iget(uint32_t);
struct inode	*fs_idup(struct inode *);
int		 fs_ilock(struct inode *);
void		 fs_iunlock(struct inode *);
void		 fs_iput(struct inode *);
void		 fs_iunlockput(struct inode *);
void		 fs_iupdate(struct inode *);
void		 fs_itrunc(struct inode *);
int		 fs_readi(struct inode *, void *, uint32_t, uint32_t);
int		 fs_writei(struct inode *, const void *, uint32_t, uint32_t);
void		 fs_stati(struct inode *, struct fs_stat *);
uint32_t	 fs_bmap(struct inode *, uint32_t, int);
uint64_t	 fs_corruptions(void);
void		 fs_damaged(void);
uint32_t	 fs_free_blocks(void);

/* dir.c */
struct inode	*dir_lookup(struct inode *, const char *, uint32_t *);
int		 dir_link(struct inode *, const char *, uint32_t);
int		 dir_isempty(struct inode *);
int		 dir_namecmp(const char *, const char *);

/* path.c: cwd is the starting point of a relative path (NULL: /) */
struct inode	*path_namei(struct inode *, const char *, int);
struct inode	*path_parent(struct inode *, const char *, char *);

/* fsop.c: whole system calls, each its own transaction(s) */
struct inode	*fsop_open(struct inode *, const char *, int);
int		 fsop_read(struct inode *, void *, uint32_t, uint32_t);
int		 fsop_write(struct inode *, const void *, uint32_t, uint32_t);
int		 fsop_mkdir(struct inode *, const char *);
int		 fsop_mknod(struct inode *, const char *, short, short);
int		 fsop_link(struct inode *, const char *, const char *);
int		 fsop_unlink(struct inode *, const char *);
int		 fsop_unlink_tx(struct inode *, const char *);
int		 fsop_symlink(struct inode *, const char *, const char *);
int		 fsop_stat(struct inode *, const char *, struct fs_stat *);
struct inode	*fsop_chdir(struct inode *, const char *);
struct inode	*fsop_create(struct inode *, const char *, short, short,
		    short);
void		 fsop_close(struct inode *);

/* mkfs.c: format d (ninodes 0: a default from its size) */
int		 mkfs_format(struct bdev *, uint32_t, char *, size_t);
/* install.c: copy a host directory's files into directory path (only
 * its executable ones if the int is set) */
int		 install_tree(const char *, const char *, int, char *, size_t);

/* fsck.c: check the mounted file system; problems found (0: clean), each
 * reported through the callback. */
typedef void	(*fsck_report_fn)(void *, const char *);
long		 fsck_check(fsck_report_fn, void *);

#endif
