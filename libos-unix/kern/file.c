/*
 * file.c - the open-file table and descriptors.
 *
 * NFILE files for the whole libOS, NOFILE descriptors per process, as in
 * xv6.  A file lives while a descriptor (of any process) points to it;
 * its kind's close operation runs when the last one goes.
 */
#include "config.h"

#include <string.h>

#include "defs.h"
#include "proc.h"
#include "vm.h"
#include "file.h"

static struct file	file_tab[NFILE];

struct file *
file_alloc(void)
{
	struct file	*f;

	for (f = file_tab; f < file_tab + NFILE; f++)
		if (f->ref == 0) {
			memset(f, 0, sizeof *f);
			f->ref = 1;
			f->hostfd = -1;
			return (f);
		}
	return (NULL);
}

struct file *
file_dup(struct file *f)
{
	if (f->ref < 1)
		unix_panic("file_dup: a closed file");
	f->ref++;
	return (f);
}

void
file_close(struct file *f)
{
	if (f->ref < 1)
		unix_panic("file_close: a closed file");
	if (--f->ref > 0)
		return;
	if (f->ops != NULL && f->ops->close != NULL)
		f->ops->close(f);
	f->type = FD_NONE;
}

int
file_read(struct file *f, uint64_t uva, int n)
{
	if (!f->readable || n < 0 || f->ops->read == NULL)
		return (-1);
	return (f->ops->read(f, uva, n));
}

int
file_write(struct file *f, uint64_t uva, int n)
{
	if (!f->writable || n < 0 || f->ops->write == NULL)
		return (-1);
	return (f->ops->write(f, uva, n));
}

/* fstat: the file's struct stat, to user address uva. */
int
file_stat(struct file *f, uint64_t uva)
{
	struct ustat	st;
	struct proc	*p = proc_current();

	memset(&st, 0, sizeof st);
	if (f->ops->stat == NULL || f->ops->stat(f, &st) != 0)
		return (-1);
	return (vm_copyout(p->vm, uva, &st, sizeof st));
}

/* The lowest free descriptor of p for f; -1 if all NOFILE are used. */
int
fd_alloc(struct proc *p, struct file *f)
{
	int	fd;

	for (fd = 0; fd < NOFILE; fd++)
		if (p->ofile[fd] == NULL) {
			p->ofile[fd] = f;
			return (fd);
		}
	return (-1);
}

struct file *
fd_get(struct proc *p, int fd)
{
	if (fd < 0 || fd >= NOFILE)
		return (NULL);
	return (p->ofile[fd]);
}
