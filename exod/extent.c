/*
 * extent.c - frames bound as extents: many frames behind one backing
 * object, one descriptor and one mapping.
 *
 * A frame bound one by one costs its owner a descriptor and a host
 * mapping, and a libOS meets vm.max_map_count and its descriptor limit
 * long before 1 GiB.  An extent is one memfd of count frames: the owner
 * gets one descriptor for it and maps it once; each frame in it is still
 * its own capability, checked, freed, revoked and aborted alone
 * (frame.c), at offset index * EXO_FRAME_SIZE.
 *
 * The invariant that makes this safe: a frame that leaves an extent
 * never comes back to it.  Its page is punched out of the memfd at once
 * (fallocate PUNCH_HOLE), so what it held is gone, and the offset is
 * never given to any frame again; the frame's number goes back to the
 * free list and its next binding gets a fresh backing object, one frame's
 * memfd or a new extent.  A mapping the old owner keeps of the extent
 * therefore reaches only that punched offset, which no other binding
 * ever uses: it can never observe what the frame's next owner writes,
 * and nothing it writes there reaches anyone.  The extent's memfd goes
 * once its last frame has left it.
 */
#include "config.h"

#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exod.h"

#define EXTENT_SLOTS	4096		/* extents at once, all libOSes */
#define EXTENT_GONE	UINT32_MAX	/* index no longer holds a frame */

struct extent {
	uint32_t	 owner;	/* libOS id; 0 when the slot is free */
	uint32_t	 gen;	/* moves on when the extent goes */
	int		 fd;	/* exod's descriptor of the memfd; -1 if free */
	unsigned char	*va;	/* exod's mapping, made on first use */
	uint32_t	 n;	/* frames it was bound with */
	uint32_t	 live;	/* of them, still in it; 0 frees the slot */
	uint32_t	*frame;	/* index -> frame number, or EXTENT_GONE */
};

static struct extent	extents[EXTENT_SLOTS];

static uint64_t
extent_handle(const struct extent *x)
{
	return ((uint64_t)x->gen << 32 | (uint64_t)(x - extents));
}

static void
extent_release(struct extent *x)
{
	if (x->va != NULL)
		munmap(x->va, (size_t)x->n * EXO_FRAME_SIZE);
	close(x->fd);
	free(x->frame);
	x->va = NULL;
	x->fd = -1;
	x->frame = NULL;
	x->owner = 0;
	x->n = x->live = 0;
	x->gen++;
}

static unsigned
extent_count(const struct peer *p)
{
	unsigned	i, n = 0;

	for (i = 0; i < EXTENT_SLOTS; i++)
		n += extents[i].owner == p->libos;
	return (n);
}

/* Is handle one of p's extents?  It in *xp. */
static int
extent_find(const struct peer *p, uint64_t handle, struct extent **xp)
{
	struct extent	*x;

	if ((handle & 0xffffffffULL) >= EXTENT_SLOTS)
		return (-EXO_EINVAL);
	x = &extents[handle & 0xffffffffULL];
	if (x->owner == 0 || x->gen != (uint32_t)(handle >> 32))
		return (-EXO_ESTALE);
	if (x->owner != p->libos)
		return (-EXO_ENOTOWNER);
	*xp = x;
	return (0);
}

/* The reply's head, and the capabilities of indexes start.. that fit. */
static void
extent_page(const struct peer *p, const struct extent *x, uint32_t start,
    struct exo_extent_reply *r, struct exo_cap *caps)
{
	uint32_t	i;

	memset(r, 0, sizeof *r);
	r->extent = extent_handle(x);
	r->count = x->n;
	r->live = x->live;
	r->start = start;
	for (i = 0; start + i < x->n && i < EXO_EXTENT_PAGE; i++) {
		if (x->frame[start + i] == EXTENT_GONE)
			memset(&caps[i], 0, sizeof caps[i]);
		else
			frame_cap(p, x->frame[start + i], &caps[i]);
	}
	r->ncaps = i;
}

/*
 * ALLOC: bind count free frames to p as one extent.  Fills the reply's
 * first page and *fd, the owner's descriptor (the reply sends it).
 */
int
extent_alloc(struct peer *p, uint32_t count, struct exo_extent_reply *r,
    struct exo_cap *caps, int *fd)
{
	struct extent	*x;
	uint32_t	 i;
	int		 mfd, error;

	if (count == 0 || count > EXO_EXTENT_MAX)
		return (-EXO_EINVAL);
	if (extent_count(p) >= EXO_EXTENTS_MAX)
		return (-EXO_ETOOMANY);
	if (count > frame_free_count())
		return (-EXO_ENOMEM);
	for (i = 0; i < EXTENT_SLOTS && extents[i].owner != 0; i++)
		;
	if (i == EXTENT_SLOTS)
		return (-EXO_ETOOMANY);
	x = &extents[i];
	if ((mfd = memfd_create("exo-extent", MFD_CLOEXEC |
	    MFD_ALLOW_SEALING)) == -1)
		return (errno == EMFILE || errno == ENFILE ? -EXO_ENFILE :
		    -EXO_ENOMEM);
	/* Sealed in size: the owner cannot shrink it under exod's mapping. */
	if (ftruncate(mfd, (off_t)count * EXO_FRAME_SIZE) == -1 ||
	    fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW |
	    F_SEAL_SEAL) == -1 ||
	    (x->frame = calloc(count, sizeof *x->frame)) == NULL) {
		close(mfd);
		return (-EXO_ENOMEM);
	}
	if ((*fd = fcntl(mfd, F_DUPFD_CLOEXEC, 0)) == -1) {
		error = errno == EMFILE || errno == ENFILE ? -EXO_ENFILE :
		    -EXO_ENOMEM;
		free(x->frame);
		x->frame = NULL;
		close(mfd);
		return (error);
	}
	x->fd = mfd;
	x->owner = p->libos;
	x->n = x->live = count;
	frame_bind_extent(p, x, count, x->frame);
	extent_page(p, x, 0, r, caps);
	return (0);
}

/* CAPS: the capabilities of p's extent from index start on. */
int
extent_caps(struct peer *p, uint64_t handle, uint32_t start,
    struct exo_extent_reply *r, struct exo_cap *caps)
{
	struct extent	*x;
	int		 error;

	if ((error = extent_find(p, handle, &x)) != 0)
		return (error);
	if (start >= x->n)
		return (-EXO_EINVAL);
	extent_page(p, x, start, r, caps);
	return (0);
}

/* FREE: unbind every frame still in p's extent; the extent goes. */
int
extent_free(struct peer *p, uint64_t handle, struct exo_extent_reply *r)
{
	struct extent	*x;
	uint32_t	 i, n;
	int		 error;

	if ((error = extent_find(p, handle, &x)) != 0)
		return (error);
	memset(r, 0, sizeof *r);
	r->extent = handle;
	r->count = n = x->n;
	/* The last frame to go releases the extent: stop there. */
	for (i = 0; i < n && x->owner != 0; i++)
		if (x->frame[i] != EXTENT_GONE)
			frame_free_one(p, x->frame[i]);
	revoke_settle();
	return (0);
}

/* exod's view of frame idx of x, mapping the extent on first use. */
void *
extent_va(struct extent *x, uint32_t idx)
{
	if (x->va == NULL) {
		x->va = mmap(NULL, (size_t)x->n * EXO_FRAME_SIZE, PROT_READ |
		    PROT_WRITE, MAP_SHARED, x->fd, 0);
		if (x->va == MAP_FAILED) {
			log_warn("mapping an extent of %u frames", x->n);
			x->va = NULL;
			return (NULL);
		}
	}
	return (x->va + (size_t)idx * EXO_FRAME_SIZE);
}

/*
 * Frame idx leaves x for good: its page is punched out, so what it held
 * is gone from every mapping of the extent, and the offset is never used
 * again.  The extent goes with its last frame.
 */
void
extent_frame_gone(struct extent *x, uint32_t idx)
{
	if (fallocate(x->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
	    (off_t)idx * EXO_FRAME_SIZE, EXO_FRAME_SIZE) == -1)
		log_warn("punching frame %u out of an extent", idx);
	x->frame[idx] = EXTENT_GONE;
	if (--x->live == 0)
		extent_release(x);
}
