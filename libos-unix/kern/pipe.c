/*
 * pipe.c - pipes: a bounded buffer in the libOS between two files.
 *
 * A reader blocks while the pipe is empty and a writer is left; a writer
 * blocks while it is full and a reader is left.  Reading an empty pipe
 * with no writer gives 0 (end of file); writing to a pipe with no reader
 * gives -1.  Data never leaves the libOS process: a round trip through a
 * pipe is two copies and two switches of libos-unix's own, with no host
 * wake-up in between.
 */
#include "config.h"

#include <stdlib.h>

#include "defs.h"
#include "proc.h"
#include "vm.h"
#include "file.h"

#define PIPE_SIZE	16384

struct pipe {
	unsigned char	data[PIPE_SIZE];
	uint64_t	nread;		/* bytes read, ever */
	uint64_t	nwrite;		/* bytes written: nread..nread+SIZE */
	int		readopen;	/* a read end is open */
	int		writeopen;	/* a write end is open */
};

static int	pipe_read(struct file *, uint64_t, int);
static int	pipe_write(struct file *, uint64_t, int);
static int	pipe_stat(struct file *, struct ustat *);
static void	pipe_close(struct file *);

static const struct file_ops pipe_ops = {
	pipe_read, pipe_write, pipe_stat, pipe_close
};

int
pipe_alloc(struct file **rf, struct file **wf)
{
	struct pipe	*pi;

	*rf = *wf = NULL;
	if ((pi = calloc(1, sizeof *pi)) == NULL)
		return (-1);
	if ((*rf = file_alloc()) == NULL || (*wf = file_alloc()) == NULL) {
		if (*rf != NULL)
			(*rf)->ref = 0;
		free(pi);
		*rf = *wf = NULL;
		return (-1);
	}
	pi->readopen = pi->writeopen = 1;
	(*rf)->type = (*wf)->type = FD_PIPE;
	(*rf)->ops = (*wf)->ops = &pipe_ops;
	(*rf)->pipe = (*wf)->pipe = pi;
	(*rf)->readable = 1;
	(*wf)->writable = 1;
	return (0);
}

static void
pipe_close(struct file *f)
{
	struct pipe	*pi = f->pipe;

	if (f->writable) {
		pi->writeopen = 0;
		proc_wakeup(&pi->nread);
	} else {
		pi->readopen = 0;
		proc_wakeup(&pi->nwrite);
	}
	if (!pi->readopen && !pi->writeopen)
		free(pi);
}

static int
pipe_write(struct file *f, uint64_t uva, int n)
{
	struct pipe	*pi = f->pipe;
	struct proc	*p = proc_current();
	uint64_t	 at, chunk;
	int		 done = 0;

	while (done < n) {
		if (!pi->readopen || proc_killed(p))
			return (-1);
		if (pi->nwrite == pi->nread + PIPE_SIZE) {
			proc_wakeup(&pi->nread);
			proc_sleep(&pi->nwrite);
			continue;
		}
		at = pi->nwrite % PIPE_SIZE;
		chunk = PIPE_SIZE - at;		/* to the buffer's end */
		if (chunk > pi->nread + PIPE_SIZE - pi->nwrite)
			chunk = pi->nread + PIPE_SIZE - pi->nwrite;
		if (chunk > (uint64_t)(n - done))
			chunk = (uint64_t)(n - done);
		if (vm_copyin(p->vm, pi->data + at, uva + (uint64_t)done,
		    chunk) != 0)
			return (done > 0 ? done : -1);
		pi->nwrite += chunk;
		done += (int)chunk;
	}
	proc_wakeup(&pi->nread);
	return (done);
}

static int
pipe_read(struct file *f, uint64_t uva, int n)
{
	struct pipe	*pi = f->pipe;
	struct proc	*p = proc_current();
	uint64_t	 at, chunk;
	int		 done = 0;

	while (pi->nread == pi->nwrite && pi->writeopen) {
		if (proc_killed(p))
			return (-1);
		proc_sleep(&pi->nread);
	}
	while (done < n && pi->nread < pi->nwrite) {
		at = pi->nread % PIPE_SIZE;
		chunk = PIPE_SIZE - at;
		if (chunk > pi->nwrite - pi->nread)
			chunk = pi->nwrite - pi->nread;
		if (chunk > (uint64_t)(n - done))
			chunk = (uint64_t)(n - done);
		if (vm_copyout(p->vm, uva + (uint64_t)done, pi->data + at,
		    chunk) != 0) {
			if (done == 0)
				return (-1);
			break;
		}
		pi->nread += chunk;
		done += (int)chunk;
	}
	proc_wakeup(&pi->nwrite);
	return (done);
}

static int
pipe_stat(struct file *f, struct ustat *st)
{
	st->type = UT_DEVICE;	/* xv6 has no type for a pipe */
	st->nlink = 1;
	st->size = f->pipe->nwrite - f->pipe->nread;
	return (0);
}
