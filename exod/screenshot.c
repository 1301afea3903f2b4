/*
 * screenshot.c - exoctl screenshot: the display as a PNG (libpng).
 *
 * exod composes the bound tiles into a snapshot (DISPLAY_SNAP) without
 * stopping anyone; here the unbound tiles are painted a neutral grey,
 * owners' regions are optionally outlined in a colour per libOS, and the
 * picture is encoded.  exoctl web serves the same rendering.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "exoctl.h"

#define SHOT_OUTLINE	2	/* pixels of an owner's outline */

/* Eight colours that stay apart on the grey; libOS ids take turns. */
uint32_t
shot_owner_colour(uint32_t libos)
{
	static const uint32_t	palette[] = {
		0xff5555, 0x55ff55, 0x5599ff, 0xffdd33,
		0xff55ff, 0x33eeee, 0xff9933, 0xffffff,
	};

	return (palette[libos % (sizeof palette / sizeof palette[0])]);
}

static uint32_t
shot_owner_at(const struct exo_display *d, long col, long row)
{
	const struct exo_display_info	*i = &d->snap.info;

	if (col < 0 || row < 0 || col >= (long)i->cols || row >= (long)i->rows)
		return (0);
	return (d->owner[row * i->cols + col]);
}

/*
 * The colour of pixel (x, y): its tile's pixel, grey when nobody holds the
 * tile, or, with outlines, the owner's colour along the edges its region
 * shares with another owner or with the display's border.
 */
static uint32_t
shot_pixel(const struct exo_display *d, int outline, uint32_t x, uint32_t y)
{
	const struct exo_display_info	*i = &d->snap.info;
	uint32_t	 col = x / i->side, row = y / i->side, own;
	uint32_t	 x0 = col * i->side, y0 = row * i->side;
	uint32_t	 x1, y1;		/* last visible pixel of the tile */

	own = d->owner[row * i->cols + col];
	if (own == 0)
		return (SHOT_NEUTRAL);
	x1 = (x0 + i->side < i->width ? x0 + i->side : i->width) - 1;
	y1 = (y0 + i->side < i->height ? y0 + i->side : i->height) - 1;
	if (outline &&
	    ((x < x0 + SHOT_OUTLINE &&
	    shot_owner_at(d, (long)col - 1, row) != own) ||
	    (y < y0 + SHOT_OUTLINE &&
	    shot_owner_at(d, col, (long)row - 1) != own) ||
	    (x + SHOT_OUTLINE > x1 && shot_owner_at(d, col + 1, row) != own) ||
	    (y + SHOT_OUTLINE > y1 && shot_owner_at(d, col, row + 1) != own)))
		return (shot_owner_colour(own));
	return (d->px[(size_t)y * i->width + x] & 0xffffff);
}

static void
shot_write_cb(png_structp png, png_bytep data, png_size_t len)
{
	struct shot_png	*out = png_get_io_ptr(png);
	unsigned char	*p;
	size_t		 cap;

	if (out->len + len > out->cap) {
		cap = out->cap ? out->cap : 65536;
		while (cap < out->len + len)
			cap *= 2;
		if ((p = realloc(out->buf, cap)) == NULL)
			png_error(png, "out of memory");
		out->buf = p;
		out->cap = cap;
	}
	memcpy(out->buf + out->len, data, len);
	out->len += len;
}

static void
shot_flush_cb(png_structp png)
{
}

/* Encode d as an 8-bit RGB PNG into out; 0, or -1 (out is empty). */
int
shot_render(const struct exo_display *d, int outline, struct shot_png *out)
{
	const struct exo_display_info	*i = &d->snap.info;
	png_structp		 png;
	png_infop		 info = NULL;
	unsigned char		*volatile row = NULL;
	uint32_t		 x, y, c;

	memset(out, 0, sizeof *out);
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	if (png == NULL || (info = png_create_info_struct(png)) == NULL ||
	    (row = malloc((size_t)i->width * 3)) == NULL)
		goto bad;
	if (setjmp(png_jmpbuf(png)))
		goto bad;
	png_set_write_fn(png, out, shot_write_cb, shot_flush_cb);
	/* A display changes all the time: encode fast, not small. */
	png_set_compression_level(png, 1);
	png_set_IHDR(png, info, i->width, i->height, 8, PNG_COLOR_TYPE_RGB,
	    PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
	    PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (y = 0; y < i->height; y++) {
		for (x = 0; x < i->width; x++) {
			c = shot_pixel(d, outline, x, y);
			row[3 * x] = (unsigned char)(c >> 16);
			row[3 * x + 1] = (unsigned char)(c >> 8);
			row[3 * x + 2] = (unsigned char)c;
		}
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	free(row);
	return (0);
bad:
	png_destroy_write_struct(&png, &info);
	free(row);
	shot_png_free(out);
	return (-1);
}

void
shot_png_free(struct shot_png *p)
{
	free(p->buf);
	memset(p, 0, sizeof *p);
}

/* Write len bytes to path, whole or not at all (a temporary, renamed). */
static int
shot_save(const char *path, const void *buf, size_t len)
{
	char	 tmp[4096];
	FILE	*f;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	if ((f = fopen(tmp, "wb")) == NULL)
		return (-1);
	if (fwrite(buf, 1, len, f) != len || fclose(f) == EOF) {
		remove(tmp);
		return (-1);
	}
	if (rename(tmp, path) == -1) {
		remove(tmp);
		return (-1);
	}
	return (0);
}

/* screenshot FILE.png [--owners] */
int
exoctl_screenshot(struct exo *e, int argc, char **argv)
{
	struct exo_display	d;
	struct shot_png		png;
	const char		*path = NULL;
	int			owners = 0, i, error;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--owners") == 0)
			owners = 1;
		else if (path == NULL && argv[i][0] != '-')
			path = argv[i];
		else
			return (-1);	/* usage */
	}
	if (path == NULL)
		return (-1);
	if ((error = exo_display_snap(e, &d)) != 0) {
		fprintf(stderr, "exoctl: screenshot: %s\n", exo_strerror(error));
		return (1);
	}
	error = shot_render(&d, owners, &png);
	exo_display_free(&d);
	if (error != 0) {
		fprintf(stderr, "exoctl: screenshot: cannot encode the PNG\n");
		return (1);
	}
	if (shot_save(path, png.buf, png.len) == -1) {
		fprintf(stderr, "exoctl: screenshot: %s: %s\n", path,
		    strerror(errno));
		shot_png_free(&png);
		return (1);
	}
	shot_png_free(&png);
	return (0);
}
