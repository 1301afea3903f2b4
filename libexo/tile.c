/*
 * tile.c - the display, from the libOS's side: bind tiles, draw, free;
 * and, for administration clients, a snapshot of the whole display and
 * the recent history of revocations and calls.
 *
 * A bound tile arrives as a capability and a descriptor that maps exactly
 * that tile's pixels.  libexo maps it at once, read-write: from then on
 * drawing is plain stores, and exod is not involved again until the tile
 * is freed.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libexo-int.h"

int
exo_display_info(struct exo *e, struct exo_display_info *out)
{
	struct exo_display_info	info;
	size_t			len;
	int			error;

	error = exo_request(e, EXO_MSG_DISPLAY_INFO, NULL, 0, &info,
	    sizeof info, &len, NULL, 0, NULL);
	if (error != 0)
		return (error);
	if (len != sizeof info || (info.side != 32 && info.side != 64) ||
	    info.tile_bytes != info.side * info.side * 4 ||
	    info.cols == 0 || info.rows == 0 ||
	    info.cols * info.rows > EXO_TILES_MAX)
		return (-EXO_EPROTO);
	e->display = info;
	if (out != NULL)
		*out = info;
	return (0);
}

/* Unmap and close tiles t[0..n) locally. */
static void
exo_tile_drop(struct exo_tile *t, unsigned n)
{
	unsigned	i;

	for (i = 0; i < n; i++)
		(void)exo_tile_forget(&t[i]);
}

static int
exo_tile_req(struct exo *e, const struct exo_tile_alloc *req, unsigned n,
    struct exo_tile *t)
{
	struct exo_cap	caps[EXO_BATCH_MAX];
	int		fds[EXO_BATCH_MAX];
	unsigned	i;
	int		error;

	if (e != NULL && e->display.side == 0 &&
	    (error = exo_display_info(e, NULL)) != 0)
		return (error);
	error = exo_caps_bind(e, EXO_MSG_TILE_ALLOC, req, sizeof *req, caps,
	    fds, n);
	if (error != 0)
		return (error);
	for (i = 0; i < n; i++) {
		t[i].cap = caps[i];
		t[i].fd = fds[i];
		t[i].side = e->display.side;
		t[i].x = (uint32_t)(caps[i].id % e->display.cols) * t[i].side;
		t[i].y = (uint32_t)(caps[i].id / e->display.cols) * t[i].side;
		t[i].px = NULL;
	}
	for (i = 0; i < n; i++) {
		t[i].px = mmap(NULL, e->display.tile_bytes, PROT_READ |
		    PROT_WRITE, MAP_SHARED, t[i].fd, 0);
		if (t[i].px == MAP_FAILED) {
			t[i].px = NULL;
			(void)exo_tile_free(e, t, n);
			exo_tile_drop(t, n);
			return (-EXO_ESYS);
		}
	}
	return (0);
}

/* Bind n free tiles, wherever they are. */
int
exo_tile_alloc(struct exo *e, unsigned n, struct exo_tile *t)
{
	struct exo_tile_alloc	req;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (t == NULL || n == 0 || n > EXO_BATCH_MAX)
		return (-EXO_EINVAL);
	memset(&req, 0, sizeof req);
	req.count = n;
	return (exo_tile_req(e, &req, n, t));
}

/* Bind the w x h tiles whose top left one is column x, row y. */
int
exo_tile_alloc_rect(struct exo *e, unsigned x, unsigned y, unsigned w,
    unsigned h, struct exo_tile *t)
{
	struct exo_tile_alloc	req;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (t == NULL || w == 0 || h == 0 || w > EXO_BATCH_MAX ||
	    h > EXO_BATCH_MAX / w)
		return (-EXO_EINVAL);
	memset(&req, 0, sizeof req);
	req.flags = EXO_TILE_RECT;
	req.x = x;
	req.y = y;
	req.w = w;
	req.h = h;
	return (exo_tile_req(e, &req, w * h, t));
}

int
exo_tile_free(struct exo *e, struct exo_tile *t, unsigned n)
{
	int	error;

	if ((error = exo_caps_batch(e, t, n)) != 0)
		return (error);
	error = exo_caps_release(e, EXO_MSG_TILE_FREE, &t[0].cap, sizeof t[0],
	    n);
	if (error != 0)
		return (error);
	exo_tile_drop(t, n);
	return (0);
}

/* A tile exod took (or one given back): drop the mapping and descriptor. */
int
exo_tile_forget(struct exo_tile *t)
{
	if (t == NULL)
		return (-EXO_EINVAL);
	if (t->px != NULL)
		munmap(t->px, (size_t)t->side * t->side * 4);
	if (t->fd != -1)
		close(t->fd);
	t->px = NULL;
	t->fd = -1;
	return (0);
}

/* Control connections: the display as it is now. */
int
exo_display_snap(struct exo *e, struct exo_display *d)
{
	struct {
		struct exo_display_snap	hdr;
		uint32_t		owner[EXO_TILES_MAX];
	}		 rep;
	struct stat	 st;
	size_t		 len, ntiles, size;
	unsigned	 nfds;
	int		 fd, error;
	void		*px;

	if (d == NULL)
		return (-EXO_EINVAL);
	memset(d, 0, sizeof *d);
	error = exo_request(e, EXO_MSG_DISPLAY_SNAP, NULL, 0, &rep, sizeof rep,
	    &len, &fd, 1, &nfds);
	if (error != 0)
		return (error);
	if (nfds != 1)
		return (-EXO_EPROTO);
	ntiles = (size_t)rep.hdr.info.cols * rep.hdr.info.rows;
	size = (size_t)rep.hdr.info.width * rep.hdr.info.height * 4;
	if (len < sizeof rep.hdr || ntiles > EXO_TILES_MAX ||
	    len != sizeof rep.hdr + ntiles * sizeof rep.owner[0] ||
	    rep.hdr.info.width > EXO_DISPLAY_MAX ||
	    rep.hdr.info.height > EXO_DISPLAY_MAX || size == 0 ||
	    fstat(fd, &st) == -1 || (size_t)st.st_size < size) {
		close(fd);
		return (-EXO_EPROTO);
	}
	px = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (px == MAP_FAILED)
		return (-EXO_ESYS);
	if ((d->owner = calloc(ntiles, sizeof *d->owner)) == NULL) {
		munmap(px, size);
		return (-EXO_ESYS);
	}
	memcpy(d->owner, rep.owner, ntiles * sizeof *d->owner);
	d->snap = rep.hdr;
	d->px = px;
	return (0);
}

void
exo_display_free(struct exo_display *d)
{
	if (d == NULL)
		return;
	if (d->px != NULL)
		munmap((void *)d->px, (size_t)d->snap.info.width *
		    d->snap.info.height * 4);
	free(d->owner);
	d->px = NULL;
	d->owner = NULL;
}

/* The records of revocations, aborts and calls newer than after. */
int
exo_history(struct exo *e, uint64_t after, struct exo_history *out)
{
	struct {
		struct exo_history_reply	hdr;
		struct exo_history_entry	ent[EXO_HISTORY_MAX];
	}			rep;
	struct exo_history_req	req;
	size_t			len;
	int			error;

	if (out == NULL)
		return (-EXO_EINVAL);
	memset(out, 0, sizeof *out);
	req.after = after;
	error = exo_request(e, EXO_MSG_HISTORY, &req, sizeof req, &rep,
	    sizeof rep, &len, NULL, 0, NULL);
	if (error != 0)
		return (error);
	if (len < sizeof rep.hdr || rep.hdr.count > EXO_HISTORY_MAX ||
	    len != sizeof rep.hdr + rep.hdr.count * sizeof rep.ent[0])
		return (-EXO_EPROTO);
	out->hdr = rep.hdr;
	memcpy(out->ent, rep.ent, rep.hdr.count * sizeof rep.ent[0]);
	return (0);
}
