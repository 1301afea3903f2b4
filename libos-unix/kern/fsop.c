/*
 * fsop.c - the file system calls, each a transaction of the log (or,
 * for a write larger than a transaction holds, several): what sysfile.c
 * calls for open, read, write, link, unlink, mkdir, mknod, symlink,
 * chdir and stat.  Paths start at cwd (the caller's working directory)
 * unless absolute.  Every error is -1 or NULL, and leaves the file
 * system as it was.
 */
#include "config.h"

#include <string.h>

#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "kernel/param.h"
#include "kernel/stat.h"
#include "fsys.h"
#include "log.h"

/* The file system's names for the user interface's numbers. */
_Static_assert(FS_T_DIR == T_DIR && FS_T_FILE == T_FILE &&
    FS_T_DEVICE == T_DEVICE && FS_T_SYMLINK == T_SYMLINK, "T_*");
_Static_assert(FS_O_RDONLY == O_RDONLY && FS_O_WRONLY == O_WRONLY &&
    FS_O_RDWR == O_RDWR && FS_O_CREATE == O_CREATE &&
    FS_O_TRUNC == O_TRUNC && FS_O_NOFOLLOW == O_NOFOLLOW, "O_*");
_Static_assert(FS_PATH_MAX == MAXPATH, "MAXPATH");

/* Make path (type T_*) and return it locked, inside the caller's
 * transaction.  An existing file is returned for T_FILE when it is a
 * file or a device, as open(O_CREATE) wants. */
struct inode *
fsop_create(struct inode *cwd, const char *path, short type, short major,
    short minor)
{
	char		 name[DIRSIZ + 1];
	struct inode	*dp, *ip;

	if ((dp = path_parent(cwd, path, name)) == NULL)
		return (NULL);
	if (fs_ilock(dp) != 0) {
		fs_iput(dp);
		return (NULL);
	}
	if ((ip = dir_lookup(dp, name, NULL)) != NULL) {
		fs_iunlockput(dp);
		if (fs_ilock(ip) != 0) {
			fs_iput(ip);
			return (NULL);
		}
		if (type == FS_T_FILE && (ip->type == FS_T_FILE ||
		    ip->type == FS_T_DEVICE))
			return (ip);
		fs_iunlockput(ip);
		return (NULL);
	}
	if ((ip = fs_ialloc(type)) == NULL) {
		fs_iunlockput(dp);
		return (NULL);
	}
	if (fs_ilock(ip) != 0) {
		fs_iput(ip);
		fs_iunlockput(dp);
		return (NULL);
	}
	ip->major = major;
	ip->minor = minor;
	ip->nlink = 1;
	fs_iupdate(ip);
	if (type == FS_T_DIR && (dir_link(ip, ".", ip->inum) != 0 ||
	    dir_link(ip, "..", dp->inum) != 0))
		goto undo;
	if (dir_link(dp, name, ip->inum) != 0)
		goto undo;
	if (type == FS_T_DIR) {
		dp->nlink++;	/* the new directory's .. */
		fs_iupdate(dp);
	}
	fs_iunlockput(dp);
	return (ip);
undo:
	/* Nothing names it: the last reference frees it, blocks and all. */
	ip->nlink = 0;
	fs_iupdate(ip);
	fs_iunlockput(ip);
	fs_iunlockput(dp);
	return (NULL);
}

/* open(2): the inode path names, referenced and unlocked, ready for a
 * file of the kernel's table; NULL on any error. */
struct inode *
fsop_open(struct inode *cwd, const char *path, int omode)
{
	struct inode	*ip;
	int		 acc = omode & 3, writing;

	if (acc == 3)
		return (NULL);
	writing = acc != FS_O_RDONLY;
	if (log_begin_op() != 0)
		return (NULL);
	ip = path_namei(cwd, path, !(omode & FS_O_NOFOLLOW));
	if (ip == NULL && (omode & FS_O_CREATE)) {
		if ((ip = fsop_create(cwd, path, FS_T_FILE, 0, 0)) == NULL)
			goto fail;
	} else if (ip == NULL || fs_ilock(ip) != 0) {
		fs_iput(ip);
		goto fail;
	}
	if ((ip->type == FS_T_DIR && writing) ||
	    (ip->type == FS_T_SYMLINK && !(omode & FS_O_NOFOLLOW))) {
		fs_iunlockput(ip);
		goto fail;
	}
	if ((omode & FS_O_TRUNC) && ip->type == FS_T_FILE && writing)
		fs_itrunc(ip);
	fs_iunlock(ip);
	if (log_end_op() != 0) {
		ip->ref--;	/* not committed: the call fails */
		return (NULL);
	}
	return (ip);
fail:
	log_end_op();
	return (NULL);
}

void
fsop_close(struct inode *ip)
{
	if (ip == NULL)
		return;
	if (log_begin_op() != 0) {
		ip->ref--;	/* no transaction: cannot free it now */
		return;
	}
	fs_iput(ip);
	log_end_op();
}

int
fsop_read(struct inode *ip, void *dst, uint32_t off, uint32_t n)
{
	int	r;

	if (fs_ilock(ip) != 0)
		return (-1);
	r = ip->type != FS_T_DEVICE ? fs_readi(ip, dst, off, n) : -1;
	fs_iunlock(ip);
	return (r);
}

/* Write n bytes at off in transactions of FS_WRITE_MAX: the count
 * written, which is less than n only when the disk filled up (then 0
 * bytes means -1). */
int
fsop_write(struct inode *ip, const void *src, uint32_t off, uint32_t n)
{
	const unsigned char	*s = src;
	uint32_t		 tot = 0, m;
	int			 r;

	while (tot < n) {
		m = n - tot > FS_WRITE_MAX ? FS_WRITE_MAX : n - tot;
		if (log_begin_op() != 0)
			break;
		if (fs_ilock(ip) != 0) {
			log_end_op();
			break;
		}
		r = ip->type == FS_T_FILE || ip->type == FS_T_DIR ?
		    fs_writei(ip, s + tot, off + tot, m) : -1;
		fs_iunlock(ip);
		if (log_end_op() != 0)
			r = -1;
		if (r <= 0)
			break;
		tot += (uint32_t)r;
		if ((uint32_t)r < m)
			break;
	}
	return (tot > 0 ? (int)tot : (n == 0 ? 0 : -1));
}

static int
fsop_make(struct inode *cwd, const char *path, short type, short major,
    short minor)
{
	struct inode	*ip;

	if (log_begin_op() != 0)
		return (-1);
	ip = fsop_create(cwd, path, type, major, minor);
	if (ip != NULL && ip->type != type) {
		fs_iunlockput(ip);	/* mknod over an existing file */
		ip = NULL;
	}
	if (ip != NULL)
		fs_iunlockput(ip);
	if (log_end_op() != 0)
		return (-1);
	return (ip == NULL ? -1 : 0);
}

int
fsop_mkdir(struct inode *cwd, const char *path)
{
	return (fsop_make(cwd, path, FS_T_DIR, 0, 0));
}

int
fsop_mknod(struct inode *cwd, const char *path, short major, short minor)
{
	struct inode	*ip;

	/* mknod never reuses what is there */
	if ((ip = path_namei(cwd, path, 0)) != NULL) {
		if (log_begin_op() == 0) {
			fs_iput(ip);
			log_end_op();
		}
		return (-1);
	}
	return (fsop_make(cwd, path, FS_T_DEVICE, major, minor));
}

int
fsop_link(struct inode *cwd, const char *old, const char *new)
{
	char		 name[DIRSIZ + 1];
	struct inode	*ip, *dp = NULL;

	if (log_begin_op() != 0)
		return (-1);
	if ((ip = path_namei(cwd, old, 0)) == NULL)
		goto fail;
	if (fs_ilock(ip) != 0) {
		fs_iput(ip);
		goto fail;
	}
	if (ip->type == FS_T_DIR) {
		fs_iunlockput(ip);
		goto fail;
	}
	ip->nlink++;
	fs_iupdate(ip);
	fs_iunlock(ip);
	if ((dp = path_parent(cwd, new, name)) == NULL)
		goto bad;
	if (fs_ilock(dp) != 0) {
		fs_iput(dp);
		goto bad;
	}
	if (dir_link(dp, name, ip->inum) != 0) {
		fs_iunlockput(dp);
		goto bad;
	}
	fs_iunlockput(dp);
	fs_iput(ip);
	return (log_end_op());
bad:
	if (fs_ilock(ip) == 0) {
		ip->nlink--;
		fs_iupdate(ip);
		fs_iunlock(ip);
	}
	fs_iput(ip);
fail:
	log_end_op();
	return (-1);
}

/* unlink inside the caller's transaction. */
int
fsop_unlink_tx(struct inode *cwd, const char *path)
{
	char		 name[DIRSIZ + 1];
	struct dirent	 de;
	struct inode	*dp, *ip;
	uint32_t	 off;

	if ((dp = path_parent(cwd, path, name)) == NULL)
		return (-1);
	if (fs_ilock(dp) != 0) {
		fs_iput(dp);
		return (-1);
	}
	if (dir_namecmp(name, ".") == 0 || dir_namecmp(name, "..") == 0 ||
	    (ip = dir_lookup(dp, name, &off)) == NULL)
		goto faildp;
	if (fs_ilock(ip) != 0) {
		fs_iput(ip);
		goto faildp;
	}
	if (ip->nlink < 1 || (ip->type == FS_T_DIR && !dir_isempty(ip))) {
		fs_iunlockput(ip);
		goto faildp;
	}
	memset(&de, 0, sizeof de);
	if (fs_writei(dp, &de, off, sizeof de) != sizeof de) {
		fs_iunlockput(ip);
		goto faildp;
	}
	if (ip->type == FS_T_DIR) {
		dp->nlink--;	/* its .. is gone */
		fs_iupdate(dp);
	}
	fs_iunlockput(dp);
	ip->nlink--;
	fs_iupdate(ip);
	fs_iunlockput(ip);
	return (0);
faildp:
	fs_iunlockput(dp);
	return (-1);
}

int
fsop_unlink(struct inode *cwd, const char *path)
{
	int	rc;

	if (log_begin_op() != 0)
		return (-1);
	rc = fsop_unlink_tx(cwd, path);
	if (log_end_op() != 0)
		rc = -1;
	return (rc);
}

/* symlink(target, path): path becomes a link whose contents are target,
 * which need not exist. */
int
fsop_symlink(struct inode *cwd, const char *target, const char *path)
{
	struct inode	*ip;
	size_t		 len = strlen(target);
	int		 rc = -1;

	if (len == 0 || len > FS_PATH_MAX || log_begin_op() != 0)
		return (-1);
	if ((ip = fsop_create(cwd, path, FS_T_SYMLINK, 0, 0)) != NULL) {
		if (ip->type == FS_T_SYMLINK &&
		    fs_writei(ip, target, 0, (uint32_t)len) == (int)len)
			rc = 0;
		else if (ip->type == FS_T_SYMLINK) {
			/* disk full: take the half-made link back */
			fs_iunlockput(ip);
			log_end_op();
			fsop_unlink(cwd, path);
			return (-1);
		}
		fs_iunlockput(ip);
	}
	if (log_end_op() != 0)
		return (-1);
	return (rc);
}

int
fsop_stat(struct inode *cwd, const char *path, struct fs_stat *st)
{
	struct inode	*ip;

	if ((ip = path_namei(cwd, path, 1)) == NULL)
		return (-1);
	if (fs_ilock(ip) != 0) {
		fsop_close(ip);
		return (-1);
	}
	fs_stati(ip, st);
	fs_iunlock(ip);
	fsop_close(ip);
	return (0);
}

/* chdir(2): the new working directory, referenced; the caller drops the
 * old one with fsop_close. */
struct inode *
fsop_chdir(struct inode *cwd, const char *path)
{
	struct inode	*ip;

	if ((ip = path_namei(cwd, path, 1)) == NULL)
		return (NULL);
	if (fs_ilock(ip) != 0) {
		fsop_close(ip);
		return (NULL);
	}
	if (ip->type != FS_T_DIR) {
		fs_iunlock(ip);
		fsop_close(ip);
		return (NULL);
	}
	fs_iunlock(ip);
	return (ip);
}
