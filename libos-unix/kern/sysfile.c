/*
 * sysfile.c - the system calls about files: descriptors, pipes, exec,
 * and the calls of libos-unix's own file system on exod's disk (fsop.c
 * does each as a transaction of the log; fsfile.c turns names relative
 * to the working directory into absolute ones and inodes into open
 * files).  Every error is -1, as in xv6.
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
#include "fsys.h"
#include "fsboot.h"

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
	char		 path[MAXPATH];
	int		 omode, fd;

	if (argstr(0, path, sizeof path) != 0)
		return (-1);
	(void)argint(1, &omode);
	if (omode & ~(O_RDONLY | O_WRONLY | O_RDWR | O_CREATE | O_TRUNC |
	    O_NOFOLLOW))
		return (-1);
	if ((f = fsfile_open(proc_cur, path, omode)) == NULL)
		return (-1);
	if ((fd = fd_alloc(proc_cur, f)) < 0) {
		file_close(f);
		return (-1);
	}
	return (fd);
}

int64_t
sys_chdir(void)
{
	char	path[MAXPATH];

	if (argstr(0, path, sizeof path) != 0)
		return (-1);
	return (fsfile_chdir(proc_cur, path));
}

int64_t
sys_exec(void)
{
	char		 path[MAXPATH];
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
	r = exec_run(proc_cur, path, argv);
out:
	for (i = 0; i <= MAXARG; i++)
		free(argv[i]);
	return (r);
}

/* Two path arguments, made absolute against the working directory. */
static int
sysfile_paths(int n, char (*full)[2 * MAXPATH])
{
	char	path[MAXPATH];
	int	i;

	for (i = 0; i < n; i++)
		if (argstr(i, path, sizeof path) != 0 ||
		    fsfile_path(proc_cur, path, full[i], sizeof full[i]) != 0)
			return (-1);
	return (0);
}

int64_t
sys_mknod(void)
{
	char	full[1][2 * MAXPATH];
	int	major, minor, rc;

	if (sysfile_paths(1, full) != 0)
		return (-1);
	(void)argint(1, &major);
	(void)argint(2, &minor);
	if (major < 0 || major > 0x7fff || minor < 0 || minor > 0x7fff)
		return (-1);
	fsboot_enter();
	rc = fsop_mknod(NULL, full[0], (short)major, (short)minor);
	fsboot_leave();
	return (rc);
}

int64_t
sys_unlink(void)
{
	char	full[1][2 * MAXPATH];
	int	rc;

	if (sysfile_paths(1, full) != 0)
		return (-1);
	fsboot_enter();
	rc = fsop_unlink(NULL, full[0]);
	fsboot_leave();
	return (rc);
}

int64_t
sys_link(void)
{
	char	full[2][2 * MAXPATH];
	int	rc;

	if (sysfile_paths(2, full) != 0)
		return (-1);
	fsboot_enter();
	rc = fsop_link(NULL, full[0], full[1]);
	fsboot_leave();
	return (rc);
}

int64_t
sys_mkdir(void)
{
	char	full[1][2 * MAXPATH];
	int	rc;

	if (sysfile_paths(1, full) != 0)
		return (-1);
	fsboot_enter();
	rc = fsop_mkdir(NULL, full[0]);
	fsboot_leave();
	return (rc);
}

/* symlink(target, path): the target is stored as given, relative or
 * not; only the new name is made absolute. */
int64_t
sys_symlink(void)
{
	char	target[MAXPATH], full[2][2 * MAXPATH];
	int	rc;

	if (argstr(0, target, sizeof target) != 0 ||
	    sysfile_paths(2, full) != 0)
		return (-1);
	fsboot_enter();
	rc = fsop_symlink(NULL, target, full[1]);
	fsboot_leave();
	return (rc);
}
