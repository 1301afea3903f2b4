/*
 * display.c - libos-rt --display: a live picture of the tasks, drawn into
 * tiles of exod's display that libos-rt binds for itself.
 *
 * One bar per task, redrawn every RT_DRAW_NS: its length is the largest
 * response time since the last picture, against a white mark at the
 * task's deadline (two thirds of the way across); green when every job
 * met its deadline, red when one missed.  Drawing is plain stores into
 * the tiles' mappings: exod is not involved after the binding.
 *
 * A tile exod revokes is given back at the next picture, and no longer
 * drawn; one it took is forgotten.  The interrupt entry only marks them:
 * it runs in signal context, where no request may be made.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

#define RT_BAR_H	10	/* pixels of a bar */
#define RT_BAR_GAP	4	/* pixels between bars, and around them */
#define RT_TILES_W	8	/* tiles across we ask for, at most */
#define RT_BG		0x101830
#define RT_OK		0x33cc55
#define RT_MISS		0xee3333
#define RT_MARK		0xffffff
#define RT_TRACK	0x303850

static struct {
	struct exo	*e;
	struct exo_tile	 t[EXO_BATCH_MAX];
	unsigned	 n, w, h;	/* tiles bound; the rectangle, in tiles */
	unsigned	 side;
	uint32_t	 x0, y0;	/* its top left pixel on the display */
	volatile sig_atomic_t revoked[EXO_BATCH_MAX]; /* give back */
	volatile sig_atomic_t taken[EXO_BATCH_MAX];   /* forget */
	unsigned char	 gone[EXO_BATCH_MAX];	/* not ours any more */
	uint64_t	 pictures;
} rd;

volatile sig_atomic_t	rt_display_urgent;

/*
 * Bind a rectangle of tiles tall enough for one bar per task, at the first
 * place on the display where it is free.  0, or -EXO_E* after a message.
 */
int
rt_display_open(struct exo *e, const struct rt_set *set)
{
	struct exo_display_info	info;
	unsigned		x, y, px_h;
	int			error;

	rd.e = e;
	if ((error = exo_display_info(e, &info)) != 0) {
		fprintf(stderr, "libos-rt: --display: %s\n",
		    exo_strerror(error));
		return (error);
	}
	rd.side = info.side;
	px_h = RT_BAR_GAP + set->n * (RT_BAR_H + RT_BAR_GAP);
	rd.w = info.cols < RT_TILES_W ? info.cols : RT_TILES_W;
	rd.h = (px_h + info.side - 1) / info.side;
	if (rd.h > info.rows || rd.w * rd.h > EXO_BATCH_MAX) {
		fprintf(stderr, "libos-rt: --display: %u tasks do not fit on "
		    "the display\n", set->n);
		return (-EXO_EINVAL);
	}
	for (y = 0; y + rd.h <= info.rows; y++)
		for (x = 0; x + rd.w <= info.cols; x++) {
			error = exo_tile_alloc_rect(e, x, y, rd.w, rd.h, rd.t);
			if (error == -EXO_ETILEBUSY)
				continue;
			if (error != 0)
				goto bad;
			rd.n = rd.w * rd.h;
			rd.x0 = rd.t[0].x;
			rd.y0 = rd.t[0].y;
			return (0);
		}
	error = -EXO_ETILEBUSY;
bad:
	fprintf(stderr, "libos-rt: --display: no room for %ux%u tiles: %s\n",
	    rd.w, rd.h, exo_strerror(error));
	return (error);
}

/* From the interrupt entry: tiles named in a revocation or repossession. */
void
rt_display_revoked(const struct exo_intr *in)
{
	uint32_t	i, k;

	for (i = 0; i < in->count; i++) {
		if (in->vec[i].cap.type != EXO_RES_TILE)
			continue;
		for (k = 0; k < rd.n; k++)
			if (rd.t[k].cap.id == in->vec[i].cap.id) {
				if (in->kind == EXO_INTR_REPOSSESSED)
					rd.taken[k] = 1;
				else
					rd.revoked[k] = 1;
				rt_display_urgent = 1;
			}
	}
}

/* Give back what is being revoked; forget what was taken. */
static void
rt_display_settle(void)
{
	unsigned	k;

	for (k = 0; k < rd.n; k++) {
		if (rd.gone[k])
			continue;
		if (rd.taken[k]) {
			(void)exo_tile_forget(&rd.t[k]);
			rd.gone[k] = 1;
		} else if (rd.revoked[k]) {
			if (exo_tile_free(rd.e, &rd.t[k], 1) != 0)
				(void)exo_tile_forget(&rd.t[k]);
			rd.gone[k] = 1;
		}
	}
}

/* Fill the rectangle x..x+w, y..y+h of our picture (our pixels only). */
static void
rt_display_fill(unsigned x, unsigned y, unsigned w, unsigned h, uint32_t c)
{
	unsigned	px, py, k, s = rd.side;

	for (py = y; py < y + h && py < rd.h * s; py++)
		for (px = x; px < x + w && px < rd.w * s; px++) {
			k = (py / s) * rd.w + px / s;
			if (!rd.gone[k])
				rd.t[k].px[(py % s) * s + px % s] = c;
		}
}

/* A new picture: a bar per task, response time against deadline. */
void
rt_display_draw(struct rt_set *set)
{
	struct rt_task	*t;
	unsigned	 i, width = rd.w * rd.side - 2 * RT_BAR_GAP, mark, len, y;
	double		 frac;

	if (rd.n == 0)
		return;
	rt_display_settle();
	rt_display_fill(0, 0, rd.w * rd.side, rd.h * rd.side, RT_BG);
	mark = width * 2 / 3;
	for (i = 0; i < set->n; i++) {
		t = &set->t[i];
		y = RT_BAR_GAP + i * (RT_BAR_H + RT_BAR_GAP);
		frac = t->deadline > 0 ? (double)t->draw_resp_max /
		    (double)t->deadline : 0;
		len = (unsigned)(frac * mark);
		if (len > width)
			len = width;
		if (len == 0 && t->draw_resp_max > 0)
			len = 1;
		rt_display_fill(RT_BAR_GAP, y, width, RT_BAR_H, RT_TRACK);
		rt_display_fill(RT_BAR_GAP, y, len, RT_BAR_H,
		    t->draw_misses > 0 ? RT_MISS : RT_OK);
		rt_display_fill(RT_BAR_GAP + mark, y - 1, 2, RT_BAR_H + 2,
		    RT_MARK);
		t->draw_resp_max = 0;
		t->draw_misses = 0;
	}
	rd.pictures++;
}

void
rt_display_close(void)
{
	unsigned	k;

	rt_display_settle();
	for (k = 0; k < rd.n; k++)
		if (!rd.gone[k])
			(void)exo_tile_free(rd.e, &rd.t[k], 1);
	rd.n = 0;
}

uint64_t
rt_display_pictures(void)
{
	return (rd.pictures);
}
