/*
 * hostfs.c - part 1's file system: the host directory of programs,
 * read-only, like a boot ROM.
 *
 * It is flat: "/" is the directory itself and every other name is one of
 * its regular files.  Paths are resolved here, against the process's
 * current directory, without ever letting a name leave the directory
 * ("..", of "/" is "/"; no other directory exists).  Part 2 replaces all
 * of this with libos-unix's own file system on exod's disk, and keeps it
 * only as what mkfs installs from.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "defs.h"
#include "proc.h"
#include "vm.h"
#include "file.h"

#define HOSTFS_DIRSIZ	14		/* xv6's DIRSIZ */
#define HOSTFS_MAXLOAD	(64UL << 20)	/* largest program exec reads */

struct hostfs_dirent {			/* xv6's struct dirent */
	unsigned short	inum;
	char		name[HOSTFS_DIRSIZ];
};

static int	hostfs_read(struct file *, uint64_t, int);
static int	hostfs_stat(struct file *, struct ustat *);
static void	hostfs_close(struct file *);

static const struct file_ops hostfs_ops = {
	hostfs_read, NULL, hostfs_stat, hostfs_close
};

/*
 * The name path (relative to cwd) stands for in the program directory:
 * "" for the directory itself.  0, or -1 if it names nothing there.
 */
int
hostfs_resolve(const char *cwd, const char *path, char *out, size_t len)
{
	char		 buf[2 * MAXPATH];
	char		*comp, *save = NULL;
	const char	*last = "";

	if (path[0] == '\0')
		return (-1);
	if (snprintf(buf, sizeof buf, "%s/%s", path[0] == '/' ? "" : cwd,
	    path) >= (int)sizeof buf)
		return (-1);
	for (comp = strtok_r(buf, "/", &save); comp != NULL;
	    comp = strtok_r(NULL, "/", &save)) {
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			if (last[0] == '\0')
				continue;	/* ".." of "/" */
			last = "";
			continue;
		}
		if (last[0] != '\0')
			return (-1);		/* below a file: nothing */
		last = comp;
	}
	if (strlen(last) >= len || strlen(last) > NAME_MAX)
		return (-1);
	(void)snprintf(out, len, "%s", last);
	return (0);
}

/* The directory's entries, as xv6's dirents. */
static int
hostfs_dir(struct file *f)
{
	struct hostfs_dirent	*d = NULL, *nd;
	struct dirent		*de;
	DIR			*dir;
	size_t			 n = 0, cap = 0;

	if ((dir = opendir(unix_progdir)) == NULL)
		return (-1);
	while ((de = readdir(dir)) != NULL) {
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			if ((nd = reallocarray(d, cap, sizeof *d)) == NULL) {
				free(d);
				closedir(dir);
				return (-1);
			}
			d = nd;
		}
		memset(&d[n], 0, sizeof d[n]);
		d[n].inum = (unsigned short)(n + 1);
		/* DIRSIZ bytes, null-terminated only if shorter. */
		memcpy(d[n].name, de->d_name, strnlen(de->d_name,
		    HOSTFS_DIRSIZ));
		n++;
	}
	closedir(dir);
	f->dir = (unsigned char *)d;
	f->dirlen = n * sizeof *d;
	f->st.type = UT_DIR;
	f->st.size = f->dirlen;
	return (0);
}

/* Open name (from hostfs_resolve) for reading; NULL if it cannot be. */
struct file *
hostfile_open(const char *name, int unused)
{
	struct file	*f;
	struct stat	 sb;
	char		 path[PATH_MAX];

	if ((f = file_alloc()) == NULL)
		return (NULL);
	f->type = FD_INODE;
	f->ops = &hostfs_ops;
	f->readable = 1;
	f->st.dev = ROOTDEV;
	f->st.nlink = 1;
	if (name[0] == '\0') {
		f->st.ino = 1;
		if (hostfs_dir(f) != 0)
			goto fail;
		return (f);
	}
	if (snprintf(path, sizeof path, "%s/%s", unix_progdir, name) >=
	    (int)sizeof path)
		goto fail;
	if ((f->hostfd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		goto fail;
	if (fstat(f->hostfd, &sb) == -1 || !S_ISREG(sb.st_mode))
		goto fail;
	f->st.ino = (uint)sb.st_ino;
	f->st.type = UT_FILE;
	f->st.size = (uint64)sb.st_size;
	return (f);
fail:
	if (f->hostfd != -1)
		close(f->hostfd);
	f->hostfd = -1;
	f->ref = 0;
	return (NULL);
}

static int
hostfs_read(struct file *f, uint64_t uva, int n)
{
	struct proc	*p = proc_current();
	unsigned char	 buf[16384];
	ssize_t		 got;
	int		 done = 0, chunk;

	if (!vm_user_range(uva, (size_t)n))
		return (-1);
	while (done < n) {
		chunk = n - done > (int)sizeof buf ? (int)sizeof buf : n - done;
		if (f->dir != NULL) {
			got = f->off >= f->dirlen ? 0 :
			    (ssize_t)(f->dirlen - f->off);
			if (got > chunk)
				got = chunk;
			memcpy(buf, f->dir + f->off, (size_t)got);
		} else
			got = pread(f->hostfd, buf, (size_t)chunk,
			    (off_t)f->off);
		if (got < 0)
			return (done > 0 ? done : -1);
		if (got == 0)
			break;
		if (vm_copyout(p->vm, uva + (uint64_t)done, buf,
		    (size_t)got) != 0)
			return (done > 0 ? done : -1);
		f->off += (uint64_t)got;
		done += (int)got;
	}
	return (done);
}

static int
hostfs_stat(struct file *f, struct ustat *st)
{
	*st = f->st;
	return (0);
}

static void
hostfs_close(struct file *f)
{
	if (f->hostfd != -1)
		close(f->hostfd);
	f->hostfd = -1;
	free(f->dir);
	f->dir = NULL;
}

/* The whole of program name, for exec: 0, or -1. */
int
hostfs_load(const char *name, unsigned char **bufp, size_t *lenp)
{
	struct stat	 sb;
	char		 path[PATH_MAX];
	unsigned char	*buf;
	size_t		 done = 0;
	ssize_t		 n;
	int		 fd;

	if (name[0] == '\0' || snprintf(path, sizeof path, "%s/%s",
	    unix_progdir, name) >= (int)sizeof path)
		return (-1);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return (-1);
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (uint64_t)sb.st_size > HOSTFS_MAXLOAD ||
	    (buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		close(fd);
		return (-1);
	}
	while (done < (size_t)sb.st_size) {
		n = read(fd, buf + done, (size_t)sb.st_size - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	close(fd);
	*bufp = buf;
	*lenp = done;
	return (0);
}
