/*
 * exobench-display - what the display costs.
 *
 *	draw a tile		memset of every tile of the display through
 *				the mappings exod handed out, against memset
 *				of as many ordinary, malloc'd buffers of the
 *				same size, in interleaved batches: drawing is
 *				plain stores, exod is not on the path
 *	snapshot		DISPLAY_SNAP of the whole display (exod
 *				composes the tiles into a fresh memfd, the
 *				client maps it), against the raw primitive
 *				underneath: memfd_create, ftruncate, mmap,
 *				and the copy of every tile's rows into it
 *	PNG			encoding that snapshot as exoctl screenshot
 *				does (libpng, fastest compression)
 *
 * Targets are reported, never asserted.
 *
 *	exobench-display [--json] [--quick]
 */
#include "config.h"

#include <sys/mman.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "exoctl.h"
#include "benchlib.h"

#define W	640
#define H	480
#define SIDE	64

static double	xs[256], ys[256];

/* ns per tile to memset n tiles of bytes each, reps times over. */
static double
draw_batch(uint32_t *const *px, unsigned n, size_t bytes, int reps, int c)
{
	uint64_t	t = bl_now();
	unsigned	i;
	int		r;

	for (r = 0; r < reps; r++)
		for (i = 0; i < n; i++)
			memset(px[i], c + r, bytes);
	return ((double)(bl_now() - t) / ((double)reps * n));
}

static void
bench_draw(struct exo *e, int quick)
{
	struct exo_display_info	 info;
	struct exo_tile		*t;
	struct bfig		*f;
	uint32_t		**tile_px, **mem_px;
	unsigned		 i, n;
	int			 b, batches = quick ? 15 : 61, reps = quick ? 20 : 100;
	int			 error;

	if ((error = exo_display_info(e, &info)) != 0)
		bl_die_exo("display info", error);
	n = info.cols * info.rows;
	if ((t = calloc(n, sizeof *t)) == NULL ||
	    (tile_px = calloc(n, sizeof *tile_px)) == NULL ||
	    (mem_px = calloc(n, sizeof *mem_px)) == NULL)
		bl_die("calloc");
	if ((error = exo_tile_alloc(e, n, t)) != 0)
		bl_die_exo("tile alloc", error);
	for (i = 0; i < n; i++) {
		tile_px[i] = t[i].px;
		if ((mem_px[i] = aligned_alloc(4096, info.tile_bytes)) == NULL)
			bl_die("aligned_alloc");
	}
	/* Both touched once before the clock starts. */
	(void)draw_batch(tile_px, n, info.tile_bytes, 1, 1);
	(void)draw_batch(mem_px, n, info.tile_bytes, 1, 1);
	for (b = 0; b < batches; b++) {
		if (b % 2 == 0) {
			xs[b] = draw_batch(tile_px, n, info.tile_bytes, reps, b);
			ys[b] = draw_batch(mem_px, n, info.tile_bytes, reps, b);
		} else {
			ys[b] = draw_batch(mem_px, n, info.tile_bytes, reps, b);
			xs[b] = draw_batch(tile_px, n, info.tile_bytes, reps, b);
		}
	}
	f = bl_fig("draw_tile", "draw a 64x64 tile (memset 16 KiB)", "ns");
	f->exo = bl_median(xs, (size_t)batches);
	f->base = bl_median(ys, (size_t)batches);
	f->what = "memset of a malloc'd 16 KiB, as many buffers";
	f->target = "ratio <= 1.02";
	f->met = f->exo / f->base <= 1.02;
	if ((error = exo_tile_free(e, t, n)) != 0)
		bl_die_exo("tile free", error);
	for (i = 0; i < n; i++)
		free(mem_px[i]);
	free(t);
	free(tile_px);
	free(mem_px);
}

/* What exod does for a snapshot, done here: a fresh memfd, the rows. */
static double
raw_snap(const uint32_t *src)
{
	uint64_t	 t = bl_now();
	size_t		 size = (size_t)W * H * 4;
	uint32_t	*img;
	int		 fd, y;

	if ((fd = memfd_create("bench", MFD_CLOEXEC)) == -1 ||
	    ftruncate(fd, (off_t)size) == -1 ||
	    (img = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
	    0)) == MAP_FAILED)
		bl_die("memfd: %s", strerror(errno));
	for (y = 0; y < H; y++)
		memcpy(img + (size_t)y * W, src + (size_t)y * W, W * 4);
	munmap(img, size);
	img = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (img == MAP_FAILED)
		bl_die("mmap: %s", strerror(errno));
	munmap(img, size);
	return ((double)(bl_now() - t) / 1000);
}

static void
bench_snap(struct exo *drawer, int quick)
{
	struct exo_display	 d;
	struct exo_tile		 t[EXO_BATCH_MAX];
	struct shot_png		 png;
	struct bfig		*f;
	struct exo		*c;
	uint32_t		*src;
	uint64_t		 t0;
	unsigned		 i, k, n;
	int			 b, batches = quick ? 9 : 41, error;

	/* Every tile bound and drawn: the whole display is composed. */
	n = ((W + SIDE - 1) / SIDE) * ((H + SIDE - 1) / SIDE);
	if ((error = exo_tile_alloc(drawer, n, t)) != 0)
		bl_die_exo("tile alloc", error);
	for (i = 0; i < n; i++)
		for (k = 0; k < SIDE * SIDE; k++)
			t[i].px[k] = (i * 2654435761u) ^ (k * 40503u);
	if ((error = exo_connect_control(bl_sock(), &c)) != 0)
		bl_die_exo("control", error);
	if ((src = malloc((size_t)W * H * 4)) == NULL)
		bl_die("malloc");
	memset(src, 0x5a, (size_t)W * H * 4);
	for (b = 0; b < batches; b++) {
		t0 = bl_now();
		if ((error = exo_display_snap(c, &d)) != 0)
			bl_die_exo("snapshot", error);
		xs[b] = (double)(bl_now() - t0) / 1000;
		exo_display_free(&d);
		ys[b] = raw_snap(src);
	}
	f = bl_fig("snapshot", "snapshot of the 640x480 display", "us");
	f->exo = bl_median(xs, (size_t)batches);
	f->base = bl_median(ys, (size_t)batches);
	f->what = "memfd_create+ftruncate+mmap+copy of 1.2 MB";
	if ((error = exo_display_snap(c, &d)) != 0)
		bl_die_exo("snapshot", error);
	for (b = 0; b < (quick ? 3 : 9); b++) {
		t0 = bl_now();
		if (shot_render(&d, 1, &png) != 0)
			bl_die("cannot encode the PNG");
		xs[b] = (double)(bl_now() - t0) / 1000;
		shot_png_free(&png);
	}
	exo_display_free(&d);
	f = bl_fig("png", "PNG of the 640x480 display", "us");
	f->exo = bl_median(xs, (size_t)(quick ? 3 : 9));
	exo_disconnect(c);
	free(src);
	(void)exo_tile_free(drawer, t, n);
}

int
main(int argc, char **argv)
{
	const char	*args[] = { "-F", "640x480/64", NULL };
	struct exo	*e;
	int		 json, quick, error;

	bl_options("exobench-display", argc, argv, &json, &quick);
	bl_init("exobench-display", argc, argv);
	bl_exod_start(args);
	if ((error = exo_connect(bl_sock(), "exobench-display", &e)) != 0)
		bl_die_exo("connect", error);
	bench_draw(e, quick);
	bench_snap(e, quick);
	exo_disconnect(e);
	bl_exod_stop();
	bl_print(json);
	return (0);
}
