/*
 * extent.c - frames bound as extents, from the libOS's side.
 *
 * An extent is count frames behind one descriptor, mapped once: frame i
 * at exo_extent_va() + i * EXO_FRAME_SIZE.  Each frame keeps its own
 * capability, which the TLB (exo_tlb_install) and FRAME_FREE take like
 * any other frame's; the memory layer maps it into the region from the
 * extent's descriptor at the frame's offset.
 */
#include "config.h"

#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libexo-int.h"

struct exo_extent {
	struct exo	*e;		/* NULL once e is disconnected */
	struct exo_extent *next;	/* on e's list, to disown */
	uint64_t	 handle;	/* exod's name for it */
	uint32_t	 count;		/* frames it was bound with */
	int		 fd;		/* its descriptor; ours to close */
	unsigned char	*va;		/* the one mapping of it */
	struct exo_cap	*caps;		/* count: index -> its frame's */
};

/* One EXTENT request; the reply head in *r, its caps into caps. */
static int
extent_request(struct exo *e, const struct exo_extent_req *req,
    struct exo_extent_reply *r, struct exo_cap *caps, uint32_t room,
    int *fd)
{
	struct {
		struct exo_extent_reply	r;
		struct exo_cap		caps[EXO_EXTENT_PAGE];
	}		*rep;
	size_t		 rlen;
	unsigned	 nfds = 0;
	int		 error;

	if ((rep = malloc(sizeof *rep)) == NULL)
		return (-EXO_ESYS);
	error = exo_request(e, EXO_MSG_EXTENT, req, sizeof *req, rep,
	    sizeof *rep, &rlen, fd, fd != NULL ? 1 : 0, &nfds);
	if (error == 0 && (rlen < sizeof rep->r || rep->r.ncaps >
	    EXO_EXTENT_PAGE || rep->r.ncaps > room ||
	    rlen != sizeof rep->r + rep->r.ncaps * sizeof rep->caps[0] ||
	    (fd != NULL && nfds != 1)))
		error = -EXO_EPROTO;
	if (error == 0) {
		*r = rep->r;
		if (rep->r.ncaps > 0)	/* FREE passes no room, NULL */
			memcpy(caps, rep->caps, rep->r.ncaps * sizeof caps[0]);
	} else if (fd != NULL && nfds == 1)
		close(*fd);
	free(rep);
	return (error);
}

/* Give the extent back to exod, as it stands, and forget it. */
static int
extent_drop(struct exo_extent *x)
{
	struct exo_extent_req	req;
	struct exo_extent_reply	r;
	struct exo_extent	**pp;
	uint32_t		  i;
	int			  error = -EXO_ECONN;

	if (x->e != NULL) {
		for (i = 0; i < x->count; i++)
			if (x->caps[i].type == EXO_RES_FRAME)
				exo_mem_frame_gone(x->e, x->caps[i].id);
		memset(&req, 0, sizeof req);
		req.op = EXO_EXTENT_FREE;
		req.extent = x->handle;
		error = extent_request(x->e, &req, &r, NULL, 0, NULL);
		for (pp = &x->e->extents; *pp != NULL; pp = &(*pp)->next)
			if (*pp == x) {
				*pp = x->next;
				break;
			}
	}
	if (x->va != NULL)
		munmap(x->va, (size_t)x->count * EXO_FRAME_SIZE);
	close(x->fd);
	free(x->caps);
	free(x);
	return (error);
}

int
exo_extent_alloc(struct exo *e, uint32_t count, struct exo_extent **xp)
{
	struct exo_extent_req	 req;
	struct exo_extent_reply	 r;
	struct exo_extent	*x;
	uint32_t		 i;
	int			 error;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (e == NULL || xp == NULL || count == 0 || count > EXO_EXTENT_MAX)
		return (-EXO_EINVAL);
	*xp = NULL;
	if ((x = calloc(1, sizeof *x)) == NULL ||
	    (x->caps = calloc(count, sizeof *x->caps)) == NULL) {
		free(x);
		return (-EXO_ESYS);
	}
	x->e = e;
	x->count = count;
	memset(&req, 0, sizeof req);
	req.op = EXO_EXTENT_ALLOC;
	req.count = count;
	if ((error = extent_request(e, &req, &r, x->caps, count, &x->fd)) !=
	    0) {
		free(x->caps);
		free(x);
		return (error);
	}
	x->handle = r.extent;
	x->next = e->extents;	/* exo_disconnect disowns what is here */
	e->extents = x;
	if (r.count != count || r.start != 0) {
		error = -EXO_EPROTO;
		goto fail;
	}
	/* The rest of the capabilities, a page at a time. */
	for (i = r.ncaps; i < count; i += r.ncaps) {
		memset(&req, 0, sizeof req);
		req.op = EXO_EXTENT_CAPS;
		req.extent = x->handle;
		req.start = i;
		error = extent_request(e, &req, &r, x->caps + i, count - i,
		    NULL);
		if (error == 0 && (r.start != i || r.ncaps == 0))
			error = -EXO_EPROTO;
		if (error != 0)
			goto fail;
	}
	x->va = mmap(NULL, (size_t)count * EXO_FRAME_SIZE, PROT_READ |
	    PROT_WRITE, MAP_SHARED, x->fd, 0);
	if (x->va == MAP_FAILED) {
		x->va = NULL;
		error = -EXO_ESYS;
		goto fail;
	}
	for (i = 0; i < count; i++)
		exo_mem_frame_bound_at(e, &x->caps[i], x->fd, i);
	*xp = x;
	return (0);
fail:
	(void)extent_drop(x);
	return (error);
}

int
exo_extent_free(struct exo_extent *x)
{
	if (x == NULL)
		return (-EXO_EINVAL);
	return (extent_drop(x));
}

void *
exo_extent_va(const struct exo_extent *x)
{
	return (x != NULL ? x->va : NULL);
}

uint32_t
exo_extent_count(const struct exo_extent *x)
{
	return (x != NULL ? x->count : 0);
}

const struct exo_cap *
exo_extent_cap(const struct exo_extent *x, uint32_t i)
{
	return (x != NULL && i < x->count ? &x->caps[i] : NULL);
}

/* e is going: its extents stay mapped until freed, but ask exod nothing. */
void
exo_extent_fini(struct exo *e)
{
	struct exo_extent	*x;

	for (x = e->extents; x != NULL; x = x->next)
		x->e = NULL;
	e->extents = NULL;
}
