/*
 * sysfile.c - the system calls about files: descriptors, pipes, exec.
 *
 * Part 1 has no file system of its own: open, fstat and read answer from
 * the host program directory (hostfs.c) and the console; whatever would
 * change a file system (creating, writing, linking, removing, making
 * directories or devices) fails with -1 after its arguments are checked.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "defs.h"
#include "proc.h"
#include "vm.h"
#include "file.h"

#define SYSFILE_MAXARGLEN	4096	/* one exec argument, its null too */

/* The descriptor argument n and its file; -1 if it is not open. */
static int
argfd(int n, int *fdp, struct file **fp)
{
	struct file	*f;
	int		 fd;

	(void)argint(n, &fd);
	if ((f = fd_get(proc_cur, fd)) == NULL)
		return (-1);
	if (fdp != NULL)
		*fdp = fd;
	*fp = f;
	return (0);
}

int64_t
sys_read(void)
{
	struct file	*f;
	uint64_t	 addr;
	int		 n;

	if (argfd(0, NULL, &f) != 0)
		return (-1);
	(void)argaddr(1, &addr);
	(void)argint(2, &n);
	return (file_read(f, addr, n));
}

int64_t
sys_write(void)
{
	struct file	*f;
	uint64_t	 addr;
	int		 n;

	if (argfd(0, NULL, &f) != 0)
		return (-1);
	(void)argaddr(1, &addr);
	(void)argint(2, &n);
	return (file_write(f, addr, n));
}

int64_t
sys_close(void)
{
	struct file	*f;
	int		 fd;

	if (argfd(0, &fd, &f) != 0)
		return (-1);
	proc_cur->ofile[fd] = NULL;
	file_close(f);
	return (0);
}

int64_t
sys_dup(void)
{
	struct file	*f;
	int		 fd;

	if (argfd(0, NULL, &f) != 0)
		return (-1);
	if ((fd = fd_alloc(proc_cur, f)) < 0)
		return (-1);
	file_dup(f);
	return (fd);
}

int64_t
sys_fstat(void)
{
	struct file	*f;
	uint64_t	 addr;

	if (argfd(0, NULL, &f) != 0)
		return (-1);
	(void)argaddr(1, &addr);
	return (file_stat(f, addr));
}

int64_t
sys_pipe(void)
{
	struct proc	*p = proc_cur;
	struct file	*rf, *wf;
	uint64_t	 addr;
	int		 fds[2];

	(void)argaddr(0, &addr);
	if (!vm_user_range(addr, sizeof fds))
		return (-1);
	if (pipe_alloc(&rf, &wf) != 0)
		return (-1);
	fds[0] = fd_alloc(p, rf);
	fds[1] = fds[0] < 0 ? -1 : fd_alloc(p, wf);
	if (fds[1] < 0 || vm_copyout(p->vm, addr, fds, sizeof fds) != 0) {
		if (fds[0] >= 0)
			p->ofile[fds[0]] = NULL;
		if (fds[1] >= 0)
			p->ofile[fds[1]] = NULL;
		file_close(rf);
		file_close(wf);
		return (-1);
	}
	return (0);
}

int64_t
sys_open(void)
{
	struct file	*f;
	char		 path[MAXPATH], name[MAXPATH];
	int		 omode, fd, acc;

	if (argstr(0, path, sizeof path) != 0)
		return (-1);
	(void)argint(1, &omode);
	acc = omode & 3;
	if (acc == 3)
		return (-1);
	if (hostfs_resolve(proc_cur->cwd, path, name, sizeof name) != 0)
		return (-1);
	if (strcmp(name, "console") == 0) {
		if ((f = console_file(1)) == NULL)
			return (-1);
		f->readable = acc != O_WRONLY;
		f->writable = acc != O_RDONLY;
	} else if (strcmp(name, "display") == 0) {
		/* exod's display, as tiles of it (display.c) */
		if ((f = display_file()) == NULL)
			return (-1);
		f->readable = acc != O_WRONLY;
		f->writable = acc != O_RDONLY;
	} else {
		/* Part 1: the program directory is read-only. */
		if (acc != O_RDONLY || (omode & (O_CREATE | O_TRUNC)))
			return (-1);
		if ((f = hostfile_open(name, omode)) == NULL)
			return (-1);
	}
	if ((fd = fd_alloc(proc_cur, f)) < 0) {
		file_close(f);
		return (-1);
	}
	return (fd);
}

int64_t
sys_chdir(void)
{
	char	path[MAXPATH], name[MAXPATH];

	if (argstr(0, path, sizeof path) != 0)
		return (-1);
	if (hostfs_resolve(proc_cur->cwd, path, name, sizeof name) != 0 ||
	    name[0] != '\0')
		return (-1);	/* part 1: "/" is the only directory */
	(void)memcpy(proc_cur->cwd, "/", 2);
	return (0);
}

int64_t
sys_exec(void)
{
	char		 path[MAXPATH], name[MAXPATH];
	char		*argv[MAXARG + 1];
	uint64_t	 uargv, uarg;
	int		 i, r = -1;

	memset(argv, 0, sizeof argv);
	if (argstr(0, path, sizeof path) != 0)
		return (-1);
	(void)argaddr(1, &uargv);
	for (i = 0; ; i++) {
		if (i > MAXARG)
			goto out;
		if (vm_copyin(proc_cur->vm, &uarg, uargv + (uint64_t)i *
		    sizeof uarg, sizeof uarg) != 0)
			goto out;
		if (uarg == 0)
			break;
		if (i == MAXARG ||
		    (argv[i] = malloc(SYSFILE_MAXARGLEN)) == NULL ||
		    vm_copyinstr(proc_cur->vm, argv[i], uarg,
		    SYSFILE_MAXARGLEN) != 0)
			goto out;
	}
	if (hostfs_resolve(proc_cur->cwd, path, name, sizeof name) == 0)
		r = exec_run(proc_cur, name, argv);
out:
	for (i = 0; i <= MAXARG; i++)
		free(argv[i]);
	return (r);
}

/* The calls that change a file system: part 2.  The arguments are
 * checked all the same, so a program sees the same errors for bad ones. */
static int64_t
sysfile_readonly(int nstr)
{
	char	s[MAXPATH];
	int	i;

	for (i = 0; i < nstr; i++)
		if (argstr(i, s, sizeof s) != 0)
			return (-1);
	return (-1);
}

int64_t
sys_mknod(void)
{
	return (sysfile_readonly(1));
}

int64_t
sys_unlink(void)
{
	return (sysfile_readonly(1));
}

int64_t
sys_link(void)
{
	return (sysfile_readonly(2));
}

int64_t
sys_mkdir(void)
{
	return (sysfile_readonly(1));
}

int64_t
sys_symlink(void)
{
	return (sysfile_readonly(2));
}
