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
	struct {
		struct exo_frame_alloc_reply	hdr;
		struct exo_cap			caps[EXO_BATCH_MAX];
	}			rep;
	struct exo_frame_alloc	req;
	int			fds[EXO_BATCH_MAX];
	size_t			len;
	unsigned		i, nfds;
	int			error;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (f == NULL || n == 0 || n > EXO_BATCH_MAX)
		return (-EXO_EINVAL);
	req.count = n;
	req.flags = 0;
	error = exo_request(e, EXO_MSG_FRAME_ALLOC, &req, sizeof req, &rep,
	    sizeof rep, &len, fds, EXO_BATCH_MAX, &nfds);
	if (error != 0)
		return (error);
	if (len != sizeof rep.hdr + n * sizeof rep.caps[0] ||
	    rep.hdr.count != n || nfds != n) {
		for (i = 0; i < nfds; i++)
			close(fds[i]);
		return (-EXO_EPROTO);
	}
	for (i = 0; i < n; i++) {
		f[i].cap = rep.caps[i];
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
	struct {
		struct exo_frame_free	hdr;
		struct exo_cap		caps[EXO_BATCH_MAX];
	}		req;
	unsigned	i;
	int		error;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (f == NULL || n == 0 || n > EXO_BATCH_MAX)
		return (-EXO_EINVAL);
	req.hdr.count = n;
	req.hdr.reserved = 0;
	for (i = 0; i < n; i++)
		req.caps[i] = f[i].cap;
	error = exo_request(e, EXO_MSG_FRAME_FREE, &req, sizeof req.hdr +
	    n * sizeof req.caps[0], NULL, 0, NULL, NULL, 0, NULL);
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
