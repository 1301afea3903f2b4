/*
 * install.c - copy a tree of the host into the mounted file system:
 * what `libos-unix --mkfs` does with the build's programs and with the
 * directories a user names.  Each file is one open, its writes and a
 * close, through the log like any other.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The host's struct dirent is the one used here; kernel/fs.h's, which
 * has the same name (xv6's contract), is renamed out of the way. */
#define dirent fs_dirent
#include "kernel/fs.h"
#include "fsys.h"
#undef dirent

static int
install_file(const char *host, const char *path, char *err, size_t errlen)
{
	unsigned char	 buf[16 * BSIZE];
	struct inode	*ip;
	uint32_t	 off = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(host, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: cannot open", host);
		return (-1);
	}
	ip = fsop_open(NULL, path, FS_O_CREATE | FS_O_WRONLY | FS_O_TRUNC);
	if (ip == NULL) {
		close(fd);
		snprintf(err, errlen, "%s: cannot create", path);
		return (-1);
	}
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		if (fsop_write(ip, buf, off, (uint32_t)n) != n) {
			snprintf(err, errlen, "%s: write failed (disk full?)",
			    path);
			n = -2;
			break;
		}
		off += (uint32_t)n;
	}
	if (n == -1)
		snprintf(err, errlen, "%s: read error", host);
	fsop_close(ip);
	close(fd);
	return (n < 0 ? -1 : 0);
}

/* Copy what host holds into directory path (made if missing); with
 * progs, only the files the host could execute (a build directory of
 * programs holds their object files too). */
int
install_tree(const char *host, const char *path, int progs, char *err,
    size_t errlen)
{
	char		 h[PATH_MAX], f[FS_PATH_MAX * 2];
	struct dirent	*de;
	struct stat	 st;
	struct inode	*ip;
	DIR		*dir;
	int		 rc = 0;

	if ((ip = path_namei(NULL, path, 1)) == NULL) {
		if (fsop_mkdir(NULL, path) != 0) {
			snprintf(err, errlen, "%s: cannot make it", path);
			return (-1);
		}
	} else
		fsop_close(ip);
	if ((dir = opendir(host)) == NULL) {
		snprintf(err, errlen, "%s: cannot open the directory", host);
		return (-1);
	}
	while (rc == 0 && (de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.' || strlen(de->d_name) > DIRSIZ)
			continue;
		snprintf(h, sizeof h, "%s/%s", host, de->d_name);
		snprintf(f, sizeof f, "%s/%s", strcmp(path, "/") == 0 ? "" :
		    path, de->d_name);
		if (stat(h, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			rc = install_tree(h, f, progs, err, errlen);
		else if (S_ISREG(st.st_mode) &&
		    (!progs || (st.st_mode & S_IXUSR)))
			rc = install_file(h, f, err, errlen);
	}
	closedir(dir);
	return (rc);
}
