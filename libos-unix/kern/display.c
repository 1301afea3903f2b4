/*
 * display.c - the display as a device of libos-unix: "display" in the
 * program directory, opened like the console.
 *
 * On the first open the libOS binds a rectangle of tiles of exod's display
 * (exo_tile_alloc_rect) for its programs: as many as fit, up to
 * DISP_TILES x DISP_TILES, at the first free place.  It is one canvas for
 * every program and stays bound until the libOS exits.  Reading the
 * device gives its size, "WIDTH HEIGHT\n"; writing it stores 32-bit
 * pixels (0x00RRGGBB), row after row, from where the last write of that
 * open file stopped, wrapping at the end: a program that writes a whole
 * picture each time animates.  The stores go straight into the tiles'
 * mappings; exod is not involved.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "exo.h"
#include "defs.h"
#include "proc.h"
#include "vm.h"
#include "file.h"

#define DISP_TILES	4	/* tiles across and down, at most */
#define DISP_CHUNK	4096	/* bytes copied in from the user at once */

static struct {
	struct exo_tile	 t[DISP_TILES * DISP_TILES];
	unsigned	 tw, th;	/* the rectangle, in tiles; 0: none */
	unsigned	 side;
	int		 tried;		/* binding failed once: no display */
} disp;

static int	display_fread(struct file *, uint64_t, int);
static int	display_fwrite(struct file *, uint64_t, int);
static int	display_stat(struct file *, struct ustat *);

static const struct file_ops display_ops = {
	display_fread, display_fwrite, display_stat, NULL
};

/* Bind the canvas, once; 0, or -1 when there is no display or no room. */
static int
display_bind(void)
{
	struct exo_display_info	info;
	unsigned		x, y;
	int			error;

	if (disp.tw != 0)
		return (0);
	if (disp.tried || exo_display_info(unix_exo, &info) != 0)
		return (disp.tried = 1, -1);
	disp.side = info.side;
	disp.tw = info.cols < DISP_TILES ? info.cols : DISP_TILES;
	disp.th = info.rows < DISP_TILES ? info.rows : DISP_TILES;
	for (y = 0; y + disp.th <= info.rows; y++)
		for (x = 0; x + disp.tw <= info.cols; x++) {
			error = exo_tile_alloc_rect(unix_exo, x, y, disp.tw,
			    disp.th, disp.t);
			if (error == 0)
				return (0);
			if (error != -EXO_ETILEBUSY)
				goto bad;
		}
bad:
	disp.tw = disp.th = 0;
	disp.tried = 1;
	return (-1);
}

/* A new open of the display, or NULL when there is none. */
struct file *
display_file(void)
{
	struct file	*f;

	if (display_bind() != 0 || (f = file_alloc()) == NULL)
		return (NULL);
	f->type = FD_DEVICE;
	f->ops = &display_ops;
	f->major = DISPLAY_MAJOR;
	f->off = 0;
	return (f);
}

static int
display_fread(struct file *f, uint64_t uva, int n)
{
	char	buf[32];
	int	len;

	len = snprintf(buf, sizeof buf, "%u %u\n", disp.tw * disp.side,
	    disp.th * disp.side);
	if (n < len || !vm_user_range(uva, (size_t)len) ||
	    vm_copyout(proc_current()->vm, uva, buf, (size_t)len) != 0)
		return (-1);
	return (len);
}

/* Pixel i of the canvas, row after row, is in which tile, where. */
static void
display_put(uint64_t i, uint32_t c)
{
	unsigned	w = disp.tw * disp.side, x, y, s = disp.side;

	x = (unsigned)(i % w);
	y = (unsigned)(i / w);
	disp.t[(y / s) * disp.tw + x / s].px[(y % s) * s + x % s] = c;
}

static int
display_fwrite(struct file *f, uint64_t uva, int n)
{
	uint32_t	buf[DISP_CHUNK / 4];
	uint64_t	total = (uint64_t)disp.tw * disp.th * disp.side *
			    disp.side;
	int		done = 0, chunk, k;

	n -= n % 4;		/* whole pixels only */
	while (done < n) {
		chunk = n - done > DISP_CHUNK ? DISP_CHUNK : n - done;
		if (vm_copyin(proc_current()->vm, buf, uva + (uint64_t)done,
		    (size_t)chunk) != 0)
			return (done > 0 ? done : -1);
		for (k = 0; k < chunk / 4; k++) {
			display_put(f->off, buf[k]);
			f->off = (f->off + 1) % total;
		}
		done += chunk;
	}
	return (done);
}

static int
display_stat(struct file *f, struct ustat *st)
{
	st->dev = DISPLAY_MAJOR;
	st->type = UT_DEVICE;
	st->nlink = 1;
	st->size = (uint64)disp.tw * disp.th * disp.side * disp.side * 4;
	return (0);
}
