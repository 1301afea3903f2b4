/*
 * path.c - path names: from / or from the caller's working directory,
 * element by element, following symbolic links.
 *
 * A symbolic link met on the way is replaced by its target, relative to
 * the directory that holds the link; at the end of the path it is
 * followed only when asked (open(2) without O_NOFOLLOW).  At most
 * FS_SYMLOOP_MAX links are followed in one lookup, so a loop of links
 * fails instead of running forever, as 6.1810's symlink lab asks.
 */
#include "config.h"

#include <string.h>

#include "kernel/fs.h"
#include "fsys.h"

/* Copy the next element of path into name; the rest of the path, or
 * NULL when there is none. */
static const char *
path_elem(const char *path, char *name)
{
	const char	*s;
	size_t		 len;

	while (*path == '/')
		path++;
	if (*path == '\0')
		return (NULL);
	s = path;
	while (*path != '/' && *path != '\0')
		path++;
	len = (size_t)(path - s);
	if (len >= DIRSIZ) {
		memcpy(name, s, DIRSIZ);
		name[DIRSIZ] = '\0';
	} else {
		memcpy(name, s, len);
		name[len] = '\0';
	}
	while (*path == '/')
		path++;
	return (path);
}

static struct inode *path_walk(struct inode *, const char *, int, int,
    char *, int *);

/* ip (referenced, not locked) is the entry found in dir: if it is a
 * symbolic link, what it leads to; ip's reference is consumed. */
static struct inode *
path_follow(struct inode *dir, struct inode *ip, int *depth)
{
	char		 target[FS_PATH_MAX + 1], name[DIRSIZ + 1];
	struct inode	*next;
	int		 n;

	for (;;) {
		if (fs_ilock(ip) != 0) {
			fs_iput(ip);
			return (NULL);
		}
		if (ip->type != FS_T_SYMLINK) {
			fs_iunlock(ip);
			return (ip);
		}
		if (++*depth > FS_SYMLOOP_MAX || ip->size == 0 ||
		    ip->size > FS_PATH_MAX ||
		    (n = fs_readi(ip, target, 0, ip->size)) != (int)ip->size) {
			fs_iunlockput(ip);
			return (NULL);
		}
		target[n] = '\0';
		fs_iunlockput(ip);
		if (strlen(target) != (size_t)n)
			return (NULL);
		/* The target's own links are followed, at the end too. */
		if ((next = path_walk(dir, target, 0, 1, name, depth)) == NULL)
			return (NULL);
		ip = next;
		if (fs_ilock(ip) != 0) {
			fs_iput(ip);
			return (NULL);
		}
		n = ip->type == FS_T_SYMLINK;
		fs_iunlock(ip);
		if (!n)
			return (ip);
		/* path_walk followed every link: cannot happen */
		fs_iput(ip);
		return (NULL);
	}
}

static struct inode *
path_walk(struct inode *cwd, const char *path, int parent, int follow,
    char *name, int *depth)
{
	struct inode	*ip, *next;

	if (path == NULL || path[0] == '\0')
		return (NULL);
	if (path[0] == '/' || cwd == NULL)
		ip = fs_iget(ROOTINO);
	else
		ip = fs_idup(cwd);
	if (ip == NULL)
		return (NULL);
	while ((path = path_elem(path, name)) != NULL) {
		if (fs_ilock(ip) != 0) {
			fs_iput(ip);
			return (NULL);
		}
		if (ip->type != FS_T_DIR) {
			fs_iunlockput(ip);
			return (NULL);
		}
		if (parent && *path == '\0') {
			fs_iunlock(ip);
			return (ip);
		}
		if ((next = dir_lookup(ip, name, NULL)) == NULL) {
			fs_iunlockput(ip);
			return (NULL);
		}
		fs_iunlock(ip);
		if (*path != '\0' || follow)
			next = path_follow(ip, next, depth);
		fs_iput(ip);
		if ((ip = next) == NULL)
			return (NULL);
	}
	if (parent) {
		fs_iput(ip);
		return (NULL);
	}
	return (ip);
}

/* The inode path names (referenced, not locked), following a link at
 * the end if follow; NULL if there is none or a loop. */
struct inode *
path_namei(struct inode *cwd, const char *path, int follow)
{
	char	name[DIRSIZ + 1];
	int	depth = 0;

	return (path_walk(cwd, path, 0, follow, name, &depth));
}

/* The directory holding the last element of path, whose name goes to
 * name (DIRSIZ + 1 bytes). */
struct inode *
path_parent(struct inode *cwd, const char *path, char *name)
{
	int	depth = 0;

	return (path_walk(cwd, path, 1, 0, name, &depth));
}
