/*
 * ls - list directories: one line per entry, its name padded to DIRSIZ,
 * its type (kernel/stat.h's T_*), inode number and size, as xv6's ls.
 * A file named on the command line is listed as itself.
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "kernel/param.h"
#include "kernel/stat.h"
#include "user/user.h"

static void
ls_line(const char *name, const struct stat *st)
{
	char	pad[DIRSIZ + 1];
	int	n = (int)strlen(name);

	if (n >= DIRSIZ) {
		printf("%s %d %d %d\n", name, st->type, st->ino, (int)st->size);
		return;
	}
	memset(pad, ' ', DIRSIZ);
	memmove(pad, name, n);
	pad[DIRSIZ] = '\0';
	printf("%s %d %d %d\n", pad, st->type, st->ino, (int)st->size);
}

/* The last element of path. */
static const char *
ls_base(const char *path)
{
	const char	*p = path + strlen(path);

	while (p > path && p[-1] != '/')
		p--;
	return (*p != '\0' ? p : path);
}

static int
ls(const char *path)
{
	char		 buf[MAXPATH], name[DIRSIZ + 1];
	struct dirent	 de;
	struct stat	 st;
	int		 fd, n;

	if ((fd = open(path, O_RDONLY)) < 0) {
		fprintf(2, "ls: cannot open %s\n", path);
		return (-1);
	}
	if (fstat(fd, &st) < 0) {
		fprintf(2, "ls: cannot stat %s\n", path);
		close(fd);
		return (-1);
	}
	if (st.type != T_DIR) {
		ls_line(ls_base(path), &st);
		close(fd);
		return (0);
	}
	n = (int)strlen(path);
	if (n + 1 + DIRSIZ + 1 > (int)sizeof buf) {
		fprintf(2, "ls: path too long\n");
		close(fd);
		return (-1);
	}
	while (read(fd, &de, sizeof de) == sizeof de) {
		if (de.inum == 0)
			continue;
		memmove(name, de.name, DIRSIZ);
		name[DIRSIZ] = '\0';
		strcpy(buf, path);
		buf[n] = '/';
		strcpy(buf + n + 1, name);
		/* a link is listed as itself, not as its target */
		if (stat(buf, &st) < 0) {
			st.type = T_SYMLINK;
			st.ino = de.inum;
			st.size = 0;
		}
		ls_line(name, &st);
	}
	close(fd);
	return (0);
}

int
main(int argc, char *argv[])
{
	int	i, status = 0;

	if (argc < 2)
		exit(ls(".") == 0 ? 0 : 1);
	for (i = 1; i < argc; i++)
		if (ls(argv[i]) != 0)
			status = 1;
	exit(status);
}
