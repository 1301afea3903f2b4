/*
 * frame.c - page frames, from the libOS's side: bind, map, free.
 *
 * A bound frame arrives as a capability and a descriptor that maps exactly
 * that frame.  Once mapped, loads and stores go straight to it: exod is not
 * involved again until the frame is freed.
 */
#include "config.h"

#include <sys/mman.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "libexo-int.h"

int
exo_frame_alloc_batch(struct exo *e, struct exo_frame *f, unsigned n)
{
	struct exo_frame_alloc	req;
	struct exo_cap		caps[EXO_BATCH_MAX];
	int			fds[EXO_BATCH_MAX];
	unsigned		i;
	int			error;

	if ((error = exo_caps_batch(e, f, n)) != 0)
		return (error);
	req.count = n;
	req.flags = 0;
	error = exo_caps_bind(e, EXO_MSG_FRAME_ALLOC, &req, sizeof req, caps,
	    fds, n);
	if (error != 0)
		return (error);
	for (i = 0; i < n; i++) {
		f[i].cap = caps[i];
		f[i].fd = fds[i];
		f[i].va = NULL;
		exo_mem_frame_bound(e, &f[i].cap, f[i].fd);
	}
	return (0);
}

int
exo_frame_alloc(struct exo *e, struct exo_frame *f)
{
	return (exo_frame_alloc_batch(e, f, 1));
}

int
exo_frame_free_batch(struct exo *e, struct exo_frame *f, unsigned n)
{
	unsigned	i;
	int		error;

	if ((error = exo_caps_batch(e, f, n)) != 0)
		return (error);
	error = exo_caps_release(e, EXO_MSG_FRAME_FREE, &f[0].cap, sizeof f[0],
	    n);
	if (error != 0)
		return (error);
	for (i = 0; i < n; i++) {
		exo_mem_frame_gone(e, f[i].cap.id);	/* out of TLB, region */
		if (f[i].va != NULL)
			exo_frame_unmap(&f[i]);
		if (f[i].fd != -1)
			close(f[i].fd);
		f[i].fd = -1;
	}
	return (0);
}

int
exo_frame_free(struct exo *e, struct exo_frame *f)
{
	return (exo_frame_free_batch(e, f, 1));
}

void *
exo_frame_map(struct exo_frame *f, int prot)
{
	void	*va;

	if (f == NULL || f->fd == -1) {
		errno = EBADF;
		return (NULL);
	}
	if (f->va != NULL)
		return (f->va);
	va = mmap(NULL, EXO_FRAME_SIZE, prot, MAP_SHARED, f->fd, 0);
	if (va == MAP_FAILED)
		return (NULL);
	f->va = va;
	return (va);
}

int
exo_frame_unmap(struct exo_frame *f)
{
	if (f == NULL || f->va == NULL)
		return (-EXO_EINVAL);
	if (munmap(f->va, EXO_FRAME_SIZE) == -1)
		return (-EXO_ESYS);
	f->va = NULL;
	return (0);
}
