/*
 * trend-size.c - the lecture's other question: how much code does each
 * structure need for the same service?  Counts non-blank lines of C (.c
 * and .h) in the source tree: exod (the exokernel), libexo (what every
 * libOS links), libos-unix's kernel (processes, memory, files, pipes,
 * all in the application), and a Linux source tree's equivalent parts
 * when one is on the machine ($EXOBENCH_LINUX, else /usr/src/linux).
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trend.h"

#ifndef TREND_SRCDIR
#define TREND_SRCDIR	"."
#endif

/* Linux's parts that do what libos-unix's kernel does (a fair match:
 * the process, memory, file and pipe code, not drivers or other file
 * systems). */
static const char *const linux_parts[] = {
	"kernel/fork.c", "kernel/exit.c", "kernel/signal.c", "kernel/sys.c",
	"mm", "fs/exec.c", "fs/pipe.c", "fs/open.c", "fs/read_write.c",
	"fs/namei.c", "fs/ext2",
};

static int
trend_size_c(const char *name)
{
	size_t	 n = strlen(name);

	return (n > 2 && name[n - 2] == '.' &&
	    (name[n - 1] == 'c' || name[n - 1] == 'h'));
}

static long
trend_size_lines(const char *path)
{
	char	 line[4096];
	FILE	*f;
	long	 n = 0;
	size_t	 i;

	if ((f = fopen(path, "r")) == NULL)
		return (0);
	while (fgets(line, sizeof line, f) != NULL) {
		for (i = 0; line[i] == ' ' || line[i] == '\t'; i++)
			;
		if (line[i] != '\n' && line[i] != '\0')
			n++;
	}
	fclose(f);
	return (n);
}

/* Add path's C files (path a file or a tree) to *files and *lines. */
static void
trend_size_walk(const char *path, long *files, long *lines, int depth)
{
	struct stat	 st;
	struct dirent	*d;
	DIR		*dir;
	char		 sub[PATH_MAX];

	if (depth > 16 || stat(path, &st) == -1)
		return;
	if (S_ISREG(st.st_mode)) {
		if (trend_size_c(path)) {
			(*files)++;
			*lines += trend_size_lines(path);
		}
		return;
	}
	if (!S_ISDIR(st.st_mode) || (dir = opendir(path)) == NULL)
		return;
	while ((d = readdir(dir)) != NULL) {
		/* not ., .., .libs, .deps nor build trees (_b, _san) */
		if (d->d_name[0] == '.' || d->d_name[0] == '_')
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, d->d_name);
		trend_size_walk(sub, files, lines, depth + 1);
	}
	closedir(dir);
}

static void
trend_size_tree(struct trend_size *z, const char *key, const char *label,
    const char *top, const char *rel)
{
	static char	 paths[8][PATH_MAX];
	static int	 next;
	struct stat	 st;
	char		*p = paths[next++ % 8];

	memset(z, 0, sizeof *z);
	z->key = key;
	z->label = label;
	snprintf(p, PATH_MAX, "%s/%s", top, rel);
	if (stat(p, &st) == -1) {
		z->why = "not counted: the source is not on this machine";
		return;
	}
	z->path = p;
	trend_size_walk(p, &z->files, &z->lines, 0);
}

/* The table into z (at most n rows): how many rows. */
size_t
trend_size_count(struct trend_size *z, size_t n)
{
	const char	*src, *lx;
	struct stat	 st;
	size_t		 k = 0, i;

	if ((src = getenv("EXO_SRCDIR")) == NULL || *src == '\0')
		src = TREND_SRCDIR;
	if (n < 5)
		return (0);
	trend_size_tree(&z[k++], "exod", "exokernel: exod", src, "exod");
	trend_size_tree(&z[k++], "libexo", "exokernel: libexo (in every libOS)",
	    src, "libexo");
	trend_size_tree(&z[k++], "libos_unix_kern",
	    "libOS: libos-unix/kern", src, "libos-unix/kern");
	trend_size_tree(&z[k++], "libos_rt", "libOS: libos-rt", src,
	    "libos-rt");
	if ((lx = getenv("EXOBENCH_LINUX")) == NULL || *lx == '\0')
		lx = "/usr/src/linux";
	memset(&z[k], 0, sizeof z[k]);
	z[k].key = "linux_equivalent";
	z[k].label = "monolithic: Linux's process, mm, fs, pipe";
	if (stat(lx, &st) == -1 || !S_ISDIR(st.st_mode))
		z[k].why = "not counted: no Linux source tree here "
		    "(set EXOBENCH_LINUX)";
	else {
		z[k].path = lx;
		for (i = 0; i < sizeof linux_parts / sizeof linux_parts[0];
		    i++) {
			char	 p[PATH_MAX];

			snprintf(p, sizeof p, "%s/%s", lx, linux_parts[i]);
			trend_size_walk(p, &z[k].files, &z[k].lines, 0);
		}
		if (z[k].files == 0) {
			z[k].path = NULL;
			z[k].why = "not counted: no Linux source under "
			    "EXOBENCH_LINUX";
		}
	}
	return (k + 1);
}
