/*
 * fsfile.c - the file system as the system calls see it: path names
 * relative to a process's working directory, open files of inodes
 * (FD_INODE) and of device inodes (the console, the display), the
 * working directory itself, and whole programs for exec.
 *
 * A process's working directory is kept as the absolute path of the
 * directory (p->cwd), made at chdir by walking ".." up to the root, so it
 * holds no symbolic link and no "..": a relative name is the two joined,
 * looked up from /.  Every entry into the file system's code is
 * bracketed by fsboot_enter/fsboot_leave (fsboot.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fs.h"
#include "defs.h"
#include "proc.h"
#include "vm.h"
#include "file.h"
#include "fsys.h"
#include "fsboot.h"

/* Bytes through the kernel at once: a write of that much is one
 * transaction of the log (fsop_write's largest). */
#define FSFILE_CHUNK	FS_WRITE_MAX
#define FSFILE_MAXLOAD	(64UL << 20)	/* the largest program exec reads */

static int	fsfile_read(struct file *, uint64_t, int);
static int	fsfile_write(struct file *, uint64_t, int);
static int	fsfile_stat(struct file *, struct ustat *);
static void	fsfile_close(struct file *);

static const struct file_ops fsfile_ops = {
	fsfile_read, fsfile_write, fsfile_stat, fsfile_close
};

/*
 * The name path stands for from p's working directory, as an absolute
 * path in out (len bytes): 0, or -1 when it does not fit.
 */
int
fsfile_path(struct proc *p, const char *path, char *out, size_t len)
{
	int	n;

	if (path[0] == '\0')
		return (-1);
	if (path[0] == '/' || p == NULL)
		n = snprintf(out, len, "%s", path);
	else
		n = snprintf(out, len, "%s/%s", strcmp(p->cwd, "/") == 0 ?
		    "" : p->cwd, path);
	return (n < 0 || (size_t)n >= len ? -1 : 0);
}

/* An open file for a device inode: the driver's own kind of file. */
static struct file *
fsfile_device(short major)
{
	switch (major) {
	case CONSOLE_MAJOR:
		return (console_file(1));
	case DISPLAY_MAJOR:
		return (display_file());
	}
	return (NULL);
}

/* open(2) of path with the open flags omode: the file, or NULL. */
struct file *
fsfile_open(struct proc *p, const char *path, int omode)
{
	char		 full[2 * MAXPATH];
	struct inode	*ip;
	struct file	*f;
	short		 type, major;
	int		 acc = omode & 3;

	if (acc == 3 || fsfile_path(p, path, full, sizeof full) != 0)
		return (NULL);
	fsboot_enter();
	ip = fsop_open(NULL, full, omode);
	if (ip == NULL) {
		fsboot_leave();
		return (NULL);
	}
	if (fs_ilock(ip) != 0) {
		fsop_close(ip);
		fsboot_leave();
		return (NULL);
	}
	type = ip->type;
	major = ip->major;
	fs_iunlock(ip);
	if (type == FS_T_DEVICE) {
		fsop_close(ip);
		fsboot_leave();
		if ((f = fsfile_device(major)) == NULL)
			return (NULL);
		f->readable = acc != FS_O_WRONLY;
		f->writable = acc != FS_O_RDONLY;
		return (f);
	}
	if ((f = file_alloc()) == NULL) {
		fsop_close(ip);
		fsboot_leave();
		return (NULL);
	}
	fsboot_leave();
	f->type = FD_INODE;
	f->ops = &fsfile_ops;
	f->ip = ip;
	f->off = 0;
	f->readable = acc != FS_O_WRONLY;
	f->writable = acc != FS_O_RDONLY;
	return (f);
}

static int
fsfile_read(struct file *f, uint64_t uva, int n)
{
	struct proc	*p = proc_current();
	unsigned char	*buf;
	int		 done = 0, chunk, got;

	if (n == 0)
		return (0);
	if (!vm_user_range(uva, (size_t)n))
		return (-1);
	chunk = n > FSFILE_CHUNK ? FSFILE_CHUNK : n;
	if ((buf = malloc((size_t)chunk)) == NULL)
		return (-1);
	while (done < n) {
		chunk = n - done > FSFILE_CHUNK ? FSFILE_CHUNK : n - done;
		if (f->off >= UINT32_MAX)
			break;
		fsboot_enter();
		got = fsop_read(f->ip, buf, (uint32_t)f->off,
		    (uint32_t)chunk);
		fsboot_leave();
		if (got < 0) {
			if (done == 0)
				done = -1;
			break;
		}
		if (got == 0)
			break;
		if (vm_copyout(p->vm, uva + (uint64_t)done, buf,
		    (size_t)got) != 0) {
			if (done == 0)
				done = -1;
			break;
		}
		f->off += (uint64_t)got;
		done += got;
		if (got < chunk)
			break;
	}
	free(buf);
	return (done);
}

static int
fsfile_write(struct file *f, uint64_t uva, int n)
{
	struct proc	*p = proc_current();
	unsigned char	*buf;
	int		 done = 0, chunk, put;

	if (n == 0)
		return (0);
	if (!vm_user_range(uva, (size_t)n))
		return (-1);
	chunk = n > FSFILE_CHUNK ? FSFILE_CHUNK : n;
	if ((buf = malloc((size_t)chunk)) == NULL)
		return (-1);
	while (done < n) {
		chunk = n - done > FSFILE_CHUNK ? FSFILE_CHUNK : n - done;
		if (f->off + (uint64_t)chunk > UINT32_MAX ||
		    vm_copyin(p->vm, buf, uva + (uint64_t)done,
		    (size_t)chunk) != 0)
			break;
		fsboot_enter();
		put = fsop_write(f->ip, buf, (uint32_t)f->off,
		    (uint32_t)chunk);
		fsboot_leave();
		if (put <= 0)
			break;
		f->off += (uint64_t)put;
		done += put;
		if (put < chunk)
			break;		/* the disk is full */
	}
	free(buf);
	return (done > 0 ? done : -1);
}

static void
fsfile_ustat(const struct fs_stat *s, struct ustat *st)
{
	st->dev = s->dev;
	st->ino = s->ino;
	st->type = s->type;
	st->nlink = s->nlink;
	st->size = s->size;
}

static int
fsfile_stat(struct file *f, struct ustat *st)
{
	struct fs_stat	s;
	int		rc = -1;

	fsboot_enter();
	if (fs_ilock(f->ip) == 0) {
		fs_stati(f->ip, &s);
		fs_iunlock(f->ip);
		fsfile_ustat(&s, st);
		rc = 0;
	}
	fsboot_leave();
	return (rc);
}

static void
fsfile_close(struct file *f)
{
	fsboot_enter();
	fsop_close(f->ip);
	fsboot_leave();
	f->ip = NULL;
}

/* The name of inode inum in directory dp (locked): 0, or -1. */
static int
fsfile_name_in(struct inode *dp, uint32_t inum, char *name)
{
	struct dirent	de;
	uint32_t	off;

	for (off = 0; off + sizeof de <= dp->size; off += sizeof de) {
		if (fs_readi(dp, &de, off, sizeof de) != sizeof de)
			return (-1);
		if (de.inum != inum || dir_namecmp(de.name, ".") == 0 ||
		    dir_namecmp(de.name, "..") == 0)
			continue;
		memcpy(name, de.name, DIRSIZ);
		name[DIRSIZ] = '\0';
		return (0);
	}
	return (-1);
}

/* The absolute path of directory ip (referenced, consumed) into out. */
static int
fsfile_dirpath(struct inode *ip, char *out, size_t len)
{
	char		 name[DIRSIZ + 1], tmp[MAXPATH];
	struct inode	*pp;
	uint32_t	 inum;
	int		 depth, rc = -1;

	out[0] = '\0';
	for (depth = 0; depth < MAXPATH; depth++) {
		if (ip->inum == ROOTINO) {
			if (out[0] == '\0')
				(void)snprintf(out, len, "/");
			fsop_close(ip);
			return (0);
		}
		inum = ip->inum;
		if (fs_ilock(ip) != 0)
			break;
		pp = dir_lookup(ip, "..", NULL);
		fs_iunlock(ip);
		fsop_close(ip);
		if ((ip = pp) == NULL)
			return (-1);
		if (fs_ilock(ip) != 0)
			break;
		rc = fsfile_name_in(ip, inum, name);
		fs_iunlock(ip);
		if (rc != 0 || snprintf(tmp, sizeof tmp, "/%s%s", name,
		    out) >= (int)sizeof tmp || strlen(tmp) >= len) {
			rc = -1;
			break;
		}
		memcpy(out, tmp, strlen(tmp) + 1);
	}
	fsop_close(ip);
	return (-1);
}

/* chdir(2): p's working directory becomes path; 0, or -1. */
int
fsfile_chdir(struct proc *p, const char *path)
{
	char		 full[2 * MAXPATH], abs[MAXPATH];
	struct inode	*ip;
	int		 rc = -1;

	if (fsfile_path(p, path, full, sizeof full) != 0)
		return (-1);
	fsboot_enter();
	if ((ip = fsop_chdir(NULL, full)) != NULL &&
	    fsfile_dirpath(ip, abs, sizeof abs) == 0 &&
	    strlen(abs) < sizeof p->cwd) {
		memcpy(p->cwd, abs, strlen(abs) + 1);
		rc = 0;
	}
	fsboot_leave();
	return (rc);
}

/*
 * The whole of the program path, for exec: a regular file, looked up
 * from p's directory, and, for a bare name that is not there, in /.
 * 0 with *bufp malloc'd, or -1.
 */
int
fsfile_load(struct proc *p, const char *path, unsigned char **bufp,
    size_t *lenp)
{
	char		 full[2 * MAXPATH];
	struct inode	*ip;
	unsigned char	*buf = NULL;
	uint32_t	 size;
	int		 got = -1;

	if (fsfile_path(p, path, full, sizeof full) != 0)
		return (-1);
	fsboot_enter();
	ip = fsop_open(NULL, full, FS_O_RDONLY);
	if (ip == NULL && strchr(path, '/') == NULL &&
	    snprintf(full, sizeof full, "/%s", path) < (int)sizeof full)
		ip = fsop_open(NULL, full, FS_O_RDONLY);
	if (ip == NULL) {
		fsboot_leave();
		return (-1);
	}
	if (fs_ilock(ip) == 0) {
		size = ip->size;
		if (ip->type == FS_T_FILE && size <= FSFILE_MAXLOAD &&
		    (buf = malloc((size_t)size + 1)) != NULL)
			got = fs_readi(ip, buf, 0, size);
		fs_iunlock(ip);
	}
	fsop_close(ip);
	fsboot_leave();
	if (got < 0 || (uint32_t)got != size) {
		free(buf);
		return (-1);
	}
	*bufp = buf;
	*lenp = (size_t)got;
	return (0);
}
