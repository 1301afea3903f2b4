/*
 * tile.c - the display: a frame buffer cut into tiles, each bound like a
 * page frame.
 *
 * There is no one buffer that holds the display.  Each bound tile is
 * backed by its own memfd of side * side pixels, made for that binding:
 * its owner gets a duplicate of the descriptor, which reaches exactly that
 * tile's pixels and nothing else, and draws with plain stores.  exod keeps
 * its own descriptor and a read-only mapping, from which it composes the
 * display when someone looks (tile_snap).  Unbinding, for whatever reason
 * (freed, revoked, aborted, the owner died), closes exod's descriptor and
 * mapping: the old backing object is no longer part of the display, so a
 * mapping the old owner kept never shows on it again, and the next binding
 * starts from a fresh, zeroed object.  The generation moves on, so the old
 * capability is stale.
 *
 * The memfd's size is sealed: an owner cannot shrink it under exod's
 * mapping and make exod fault while composing.
 */
#include "config.h"

#include <sys/mman.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exod.h"

struct tile {
	uint32_t	 owner;	/* libOS id bound to; 0 when free */
	uint64_t	 gen;	/* moves on at every unbinding */
	int		 fd;	/* exod's descriptor of the backing memfd;
				   -1 exactly when the tile is free */
	const uint32_t	*px;	/* exod's read-only mapping of it; NULL
				   exactly when the tile is free */
};

static struct {
	struct exo_display_info	 info;	/* tiles_free kept up to date */
	struct tile		*t;	/* cols * rows; NULL: no display */
	uint32_t		 n;	/* cols * rows */
	uint64_t		 snaps;	/* snapshots taken */
} display;

/* A display of w x h pixels in tiles of side; 0, or -1 if it cannot be. */
int
tile_init(uint32_t w, uint32_t h, uint32_t side)
{
	uint32_t	i;

	if (w == 0 || h == 0 || w > EXO_DISPLAY_MAX || h > EXO_DISPLAY_MAX ||
	    (side != 32 && side != 64))
		return (-1);
	display.info.width = w;
	display.info.height = h;
	display.info.side = side;
	display.info.cols = (w + side - 1) / side;
	display.info.rows = (h + side - 1) / side;
	display.info.format = EXO_PIXEL_XRGB8888;
	display.info.tile_bytes = side * side * 4;
	display.n = display.info.cols * display.info.rows;
	if (display.n > EXO_TILES_MAX)
		return (-1);
	if ((display.t = calloc(display.n, sizeof *display.t)) == NULL)
		return (-1);
	for (i = 0; i < display.n; i++) {
		display.t[i].fd = -1;
		display.t[i].gen = 1;
	}
	display.info.tiles_free = display.n;
	return (0);
}

void
tile_fini(void)
{
	uint32_t	i;

	for (i = 0; i < display.n; i++) {
		if (display.t[i].px != NULL)
			munmap((void *)display.t[i].px, display.info.tile_bytes);
		if (display.t[i].fd != -1)
			close(display.t[i].fd);
	}
	free(display.t);
	memset(&display, 0, sizeof display);
}

/* The display's geometry; -EXO_ENODISPLAY when exod has none. */
int
tile_info(struct exo_display_info *info)
{
	if (display.t == NULL)
		return (-EXO_ENODISPLAY);
	*info = display.info;
	return (0);
}

static void
tile_unbind(struct peer *p, uint32_t id)
{
	struct tile	*t = &display.t[id];

	munmap((void *)t->px, display.info.tile_bytes);
	close(t->fd);
	t->px = NULL;
	t->fd = -1;
	t->owner = 0;
	t->gen++;
	display.info.tiles_free++;
	p->tiles--;
	revoke_tile_gone(p, id);
}

/* A fresh backing object for tile id, with exod's mapping: 0 or -1. */
static int
tile_back(uint32_t id)
{
	struct tile	*t = &display.t[id];
	void		*va;
	int		 fd;

	fd = memfd_create("exo-tile", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd == -1)
		return (-1);
	if (ftruncate(fd, display.info.tile_bytes) == -1 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) ==
	    -1)
		goto bad;
	va = mmap(NULL, display.info.tile_bytes, PROT_READ, MAP_SHARED, fd, 0);
	if (va == MAP_FAILED)
		goto bad;
	t->fd = fd;
	t->px = va;
	return (0);
bad:
	close(fd);
	return (-1);
}

/* The tiles a TILE_ALLOC names, into ids[]; their number, or -EXO_E*. */
static int
tile_choose(const struct exo_tile_alloc *req, uint32_t *ids)
{
	const struct exo_display_info *d = &display.info;
	uint32_t	 x, y, i, n = 0;

	if (req->flags == EXO_TILE_RECT) {
		if (req->count != 0 || req->w == 0 || req->h == 0 ||
		    req->w > d->cols || req->h > d->rows ||
		    req->x > d->cols - req->w || req->y > d->rows - req->h ||
		    req->w * req->h > EXO_BATCH_MAX)
			return (-EXO_EINVAL);
		for (y = req->y; y < req->y + req->h; y++)
			for (x = req->x; x < req->x + req->w; x++) {
				ids[n] = y * d->cols + x;
				if (display.t[ids[n]].owner != 0)
					return (-EXO_ETILEBUSY);
				n++;
			}
		return ((int)n);
	}
	if (req->flags != 0 || req->count == 0 || req->count > EXO_BATCH_MAX ||
	    req->x != 0 || req->y != 0 || req->w != 0 || req->h != 0)
		return (-EXO_EINVAL);
	if (req->count > d->tiles_free)
		return (-EXO_ENOTILES);
	for (i = 0; i < display.n && n < req->count; i++)
		if (display.t[i].owner == 0)
			ids[n++] = i;
	return ((int)n);
}

/*
 * Bind the tiles req names to p, all or none.  Fills caps[] and fds[]
 * (the caller sends and closes the descriptors) and *n.
 */
int
tile_bind(struct peer *p, const struct exo_tile_alloc *req,
    struct exo_cap *caps, int *fds, unsigned *n)
{
	uint32_t	ids[EXO_BATCH_MAX];
	struct tile	*t;
	int		got, i;

	if (display.t == NULL)
		return (-EXO_ENODISPLAY);
	if ((got = tile_choose(req, ids)) < 0)
		return (got);
	for (i = 0; i < got; i++) {
		t = &display.t[ids[i]];
		if (tile_back(ids[i]) == -1)
			goto undo;
		/* Theirs to keep; exod's own stays here. */
		if ((fds[i] = fcntl(t->fd, F_DUPFD_CLOEXEC, 0)) == -1) {
			munmap((void *)t->px, display.info.tile_bytes);
			close(t->fd);
			t->fd = -1;
			t->px = NULL;
			goto undo;
		}
		t->owner = p->libos;
		display.info.tiles_free--;
		p->tiles++;
		tile_cap(p, ids[i], &caps[i]);
	}
	*n = (unsigned)got;
	return (0);
undo:
	log_warn("tile backing for libOS %u", p->libos);
	while (i-- > 0) {
		close(fds[i]);
		tile_unbind(p, ids[i]);
	}
	return (-EXO_ENOMEM);
}

/* Is c a current binding of a tile to p with at least rights? */
int
tile_check(const struct peer *p, const struct exo_cap *c, unsigned rights)
{
	const struct tile	*t;
	int			 error;

	if ((error = cap_verify(c)) != 0)
		return (error);
	if (c->owner != p->libos)
		return (-EXO_ENOTOWNER);
	if (c->type != EXO_RES_TILE || c->id >= display.n)
		return (-EXO_EINVAL);
	t = &display.t[c->id];
	if (t->owner != p->libos || t->gen != c->gen)
		return (-EXO_ESTALE);
	if ((rights & ~(unsigned)c->rights) != 0)
		return (-EXO_ERIGHTS);
	return (0);
}

/* Unbind n tiles of p, all or none: every capability is checked first. */
int
tile_release(struct peer *p, const struct exo_cap *caps, unsigned n)
{
	unsigned	i, j;
	int		error;

	if (display.t == NULL)
		return (-EXO_ENODISPLAY);
	for (i = 0; i < n; i++) {
		if ((error = tile_check(p, &caps[i], 0)) != 0)
			return (error);
		for (j = 0; j < i; j++)
			if (caps[j].id == caps[i].id)
				return (-EXO_EINVAL);
	}
	for (i = 0; i < n; i++)
		tile_unbind(p, (uint32_t)caps[i].id);
	revoke_settle();
	return (0);
}

/* Take back every tile bound to p (it left or died). */
void
tile_reclaim(struct peer *p)
{
	uint32_t	i;

	for (i = 0; i < display.n && p->tiles > 0; i++)
		if (display.t[i].owner == p->libos)
			tile_unbind(p, i);
}

/* The abort protocol for one tile: unbound by force. */
void
tile_abort(struct peer *p, uint32_t id)
{
	if (tile_bound_to(p, id))
		tile_unbind(p, id);
}

int
tile_bound_to(const struct peer *p, uint64_t id)
{
	return (id < display.n && display.t[id].owner == p->libos);
}

/* A current capability for tile id of p. */
void
tile_cap(const struct peer *p, uint32_t id, struct exo_cap *c)
{
	memset(c, 0, sizeof *c);
	c->type = EXO_RES_TILE;
	c->rights = EXO_RIGHTS_ALL;
	c->owner = p->libos;
	c->id = id;
	c->gen = display.t[id].gen;
	cap_seal(c);
}

/* Copy tile id's visible part into the display image at dst. */
static void
tile_compose(uint32_t *dst, uint32_t id)
{
	const struct exo_display_info *d = &display.info;
	const uint32_t	*src = display.t[id].px;
	uint32_t	 x0 = id % d->cols * d->side, y0 = id / d->cols * d->side;
	uint32_t	 w = d->width - x0 < d->side ? d->width - x0 : d->side;
	uint32_t	 h = d->height - y0 < d->side ? d->height - y0 : d->side;
	uint32_t	 y;

	for (y = 0; y < h; y++)
		memcpy(dst + (size_t)(y0 + y) * d->width + x0,
		    src + (size_t)y * d->side, (size_t)w * 4);
}

/*
 * The display as it is now, composed into a fresh memfd (*fd, the
 * caller's to send and close) with the owner of every tile in owner[]
 * (cols * rows).  The owners keep drawing meanwhile: nobody is stopped,
 * so a tile being drawn may be caught between two pictures.
 */
int
tile_snap(struct exo_display_snap *s, uint32_t *owner, int *fd)
{
	size_t		 size;
	uint32_t	*img, i;

	if (display.t == NULL)
		return (-EXO_ENODISPLAY);
	size = (size_t)display.info.width * display.info.height * 4;
	if ((*fd = memfd_create("exo-display", MFD_CLOEXEC)) == -1)
		return (-EXO_ENOMEM);
	if (ftruncate(*fd, (off_t)size) == -1 ||
	    (img = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, *fd,
	    0)) == MAP_FAILED) {
		close(*fd);
		return (-EXO_ENOMEM);
	}
	for (i = 0; i < display.n; i++) {
		owner[i] = display.t[i].owner;
		if (owner[i] != 0)
			tile_compose(img, i);
	}
	munmap(img, size);
	s->info = display.info;
	s->seq = ++display.snaps;
	return (0);
}
