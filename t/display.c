/*
 * display.t - the frame buffer: tiles bound by capability, drawn through
 * their mappings, composed into screenshots; nobody reaches another's
 * tile; a tile taken back never shows its old mapping again and reaches
 * its next owner wiped; a killed libOS's tiles come back.
 *
 * exod runs with -F 200x100/32: 7 x 4 tiles, of which the right column
 * and the bottom row reach past the display (only part of them shows),
 * and -R 100: revocations time out quickly.
 */
#define _GNU_SOURCE 1
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <png.h>

#include "exo.h"
#include "harness.h"
#include "tap.h"

#define W		200
#define H		100
#define SIDE		32
#define COLS		7
#define ROWS		4
#define NTILES		(COLS * ROWS)
#define NEUTRAL		0x404040	/* exoctl's unbound grey (exoctl.1) */

static struct th_exod	 exod;
static struct exo	*ctl;

/* The known pattern: a function of the pixel and who drew it. */
static uint32_t
pattern(uint32_t x, uint32_t y, uint32_t who)
{
	return ((((x * 7 + y * 13) & 0xff) << 16) | ((who * 37 & 0xff) << 8) |
	    ((x ^ y) & 0xff));
}

static void
draw(struct exo_tile *t, uint32_t who)
{
	uint32_t	x, y;

	for (y = 0; y < SIDE; y++)
		for (x = 0; x < SIDE; x++)
			t->px[y * SIDE + x] = pattern(t->x + x, t->y + y, who);
}

/* Who drew each tile (0: nobody, it must be black in a snapshot), and
 * the tiles painted one colour instead of the pattern (0: none). */
static uint32_t	drawn[NTILES];
static uint32_t	solid[NTILES];

/* Does the snapshot show exactly what drawn[] says, every pixel? */
static int
snap_matches(const char *what)
{
	struct exo_display	d;
	uint32_t		x, y, t, want, bad = 0;
	int			error;

	if ((error = exo_display_snap(ctl, &d)) != 0) {
		diag("%s: snapshot: %s", what, exo_strerror(error));
		return (0);
	}
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++) {
			t = (y / SIDE) * COLS + x / SIDE;
			want = solid[t] ? solid[t] : drawn[t] ?
			    pattern(x, y, drawn[t]) : 0;
			if (d.px[y * W + x] != want && bad++ == 0)
				diag("%s: pixel %u,%u is %06x, not %06x", what,
				    x, y, d.px[y * W + x], want);
		}
	exo_display_free(&d);
	return (bad == 0);
}

static uint32_t
snap_owner(uint32_t tile)
{
	struct exo_display	d;
	uint32_t		o;

	if (exo_display_snap(ctl, &d) != 0)
		return (UINT32_MAX);
	o = d.owner[tile];
	exo_display_free(&d);
	return (o);
}

static uint32_t
tiles_free(void)
{
	struct exo_display_info	info;

	if (exo_display_info(ctl, &info) != 0)
		return (UINT32_MAX);
	return (info.tiles_free);
}

/* Read a PNG with libpng into rgb[] (W * H, 0xRRGGBB); 0 or -1. */
static int
png_load(const char *path, uint32_t *rgb)
{
	png_image	img;
	unsigned char	*buf;
	size_t		 i;

	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, path))
		return (-1);
	if (img.width != W || img.height != H) {
		diag("%s is %ux%u", path, img.width, img.height);
		png_image_free(&img);
		return (-1);
	}
	img.format = PNG_FORMAT_RGB;
	if ((buf = malloc(PNG_IMAGE_SIZE(img))) == NULL)
		sysbail("malloc");
	if (!png_image_finish_read(&img, NULL, buf, 0, NULL)) {
		free(buf);
		return (-1);
	}
	for (i = 0; i < (size_t)W * H; i++)
		rgb[i] = (uint32_t)buf[3 * i] << 16 |
		    (uint32_t)buf[3 * i + 1] << 8 | buf[3 * i + 2];
	free(buf);
	return (0);
}

static int
screenshot(const char *path, int owners)
{
	char	cmd[1024];

	snprintf(cmd, sizeof cmd, "'%s' -S '%s' screenshot '%s'%s",
	    th_path("exod/exoctl"), exod.sock, path, owners ? " --owners" : "");
	return (system(cmd));
}

static int
fd_size_is(int fd, off_t size)
{
	struct stat	st;

	return (fstat(fd, &st) == 0 && st.st_size == size);
}

static void
test_bind(struct exo *a, struct exo *b, struct exo_tile *ta,
    struct exo_tile *tb)
{
	struct exo_display_info	info;
	static const uint32_t	want[6] = { 8, 9, 10, 15, 16, 17 };
	unsigned		i, zero = 1, ids = 1, pos = 1, sizes = 1;

	is_int(0, exo_display_info(a, &info), "DISPLAY_INFO answers a libOS");
	ok(info.width == W && info.height == H && info.side == SIDE &&
	    info.cols == COLS && info.rows == ROWS && info.tiles_free == NTILES &&
	    info.tile_bytes == SIDE * SIDE * 4 &&
	    info.format == EXO_PIXEL_XRGB8888,
	    "geometry: 200x100 in 7x4 tiles of 32, all free");

	is_int(0, exo_tile_alloc_rect(a, 1, 1, 3, 2, ta),
	    "a binds the 3x2 rectangle at column 1, row 1");
	for (i = 0; i < 6; i++) {
		ids &= ta[i].cap.id == want[i] && ta[i].cap.type == EXO_RES_TILE &&
		    ta[i].cap.owner == exo_libos_id(a);
		pos &= ta[i].x == want[i] % COLS * SIDE &&
		    ta[i].y == want[i] / COLS * SIDE;
		sizes &= fd_size_is(ta[i].fd, SIDE * SIDE * 4);
		for (unsigned k = 0; k < SIDE * SIDE; k++)
			zero &= ta[i].px[k] == 0;
	}
	ok(ids, "its tiles are 8 9 10 15 16 17, row by row, a's");
	ok(pos, "each knows its place on the display");
	ok(sizes, "each descriptor is exactly one tile (4096 bytes)");
	ok(zero, "fresh tiles are zeroed");

	is_int(0, exo_tile_alloc(b, 2, tb), "b binds two tiles, any");
	ok(tb[0].cap.id == 0 && tb[1].cap.id == 1, "it gets free ones (0, 1)");
	is_int(0, exo_tile_alloc_rect(b, 6, 3, 1, 1, &tb[2]),
	    "b binds the bottom right tile, which shows only 8x4 pixels");
	is_int(27, tb[2].cap.id, "that is tile 27");
	is_int(NTILES - 9, tiles_free(), "exod counts 9 tiles bound");
}

static void
test_draw(struct exo *a, struct exo *b, struct exo_tile *ta,
    struct exo_tile *tb)
{
	char		 path[400], path2[400];
	uint32_t	*rgb, *rgb2, x, y, t, want, bad = 0, o;
	unsigned	 i;

	rgb = calloc(W * H, sizeof *rgb);
	rgb2 = calloc(W * H, sizeof *rgb2);
	if (rgb == NULL || rgb2 == NULL)
		sysbail("calloc");
	for (i = 0; i < 6; i++) {
		draw(&ta[i], exo_libos_id(a));
		drawn[ta[i].cap.id] = exo_libos_id(a);
	}
	for (i = 0; i < 3; i++) {
		draw(&tb[i], exo_libos_id(b));
		drawn[tb[i].cap.id] = exo_libos_id(b);
	}
	ok(snap_matches("drawn"), "the snapshot shows every pixel as drawn, "
	    "unbound tiles black");
	ok(snap_owner(8) == exo_libos_id(a) && snap_owner(27) ==
	    exo_libos_id(b) && snap_owner(2) == 0, "it names each tile's owner");

	snprintf(path, sizeof path, "%s/shot.png", exod.dir);
	is_int(0, screenshot(path, 0), "exoctl screenshot writes a PNG");
	ok(png_load(path, rgb) == 0, "libpng decodes it, 200x100");
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++) {
			t = (y / SIDE) * COLS + x / SIDE;
			want = drawn[t] ? pattern(x, y, drawn[t]) : NEUTRAL;
			if (rgb[y * W + x] != want && bad++ == 0)
				diag("png pixel %u,%u is %06x, not %06x", x, y,
				    rgb[y * W + x], want);
		}
	ok(bad == 0, "every pixel of the PNG is the pattern or, unbound, grey");

	snprintf(path2, sizeof path2, "%s/owners.png", exod.dir);
	is_int(0, screenshot(path2, 1), "exoctl screenshot --owners");
	ok(png_load(path2, rgb2) == 0, "it decodes");
	o = rgb2[32 * W + 32];
	ok(o != rgb[32 * W + 32] && rgb2[33 * W + 33] == o &&
	    rgb2[32 * W + 100] == o && rgb2[95 * W + 33] == o &&
	    rgb2[50 * W + 32] == o, "a's region is outlined in one colour");
	ok(rgb2[40 * W + 63] == rgb[40 * W + 63] &&
	    rgb2[40 * W + 64] == rgb[40 * W + 64],
	    "no outline between two tiles of the same owner");
	ok(rgb2[50 * W + 50] == rgb[50 * W + 50] &&
	    rgb2[10 * W + 150] == NEUTRAL, "inside and unbound stay as they "
	    "were");
	ok(rgb2[0] != rgb[0] && rgb2[0] != o, "b's outline has b's own colour");
	free(rgb);
	free(rgb2);
}

/* A raw TILE_ALLOC; its status. */
static int
raw_alloc(struct exo *x, uint32_t flags, uint32_t count, uint32_t tx,
    uint32_t ty, uint32_t w, uint32_t h)
{
	struct exo_tile_alloc	req = { flags, count, tx, ty, w, h };
	unsigned char		rep[16384];
	int			fds[EXO_BATCH_MAX];
	unsigned		nfds = 0, i;
	size_t			len;
	int			error;

	error = exo_request(x, EXO_MSG_TILE_ALLOC, &req, sizeof req, rep,
	    sizeof rep, &len, fds, EXO_BATCH_MAX, &nfds);
	for (i = 0; i < nfds; i++)
		close(fds[i]);
	if (error == 0)
		diag("TILE_ALLOC %x %u %u,%u %ux%u was granted", flags, count,
		    tx, ty, w, h);
	return (error);
}

static void
test_isolation(struct exo *a, struct exo *b, struct exo_tile *ta)
{
	struct exo_tile_alloc	req = { EXO_TILE_RECT, 0, 0, 0, 1, 1 };
	struct exo_display	d;
	struct exo_tile		t;
	struct exo_cap		c;
	unsigned char		small[8];
	uint32_t		before = tiles_free();
	int			fds = th_count_fds(getpid());

	is_int(-EXO_ETILEBUSY, raw_alloc(b, EXO_TILE_RECT, 0, 1, 1, 1, 1),
	    "b cannot bind a's tile");
	is_int(-EXO_ETILEBUSY, raw_alloc(b, EXO_TILE_RECT, 0, 0, 1, 2, 1),
	    "nor a rectangle that takes in one of a's");
	is_int(-EXO_ETILEBUSY, raw_alloc(a, EXO_TILE_RECT, 0, 1, 1, 1, 1),
	    "a cannot bind its own tile twice");
	is_int(before, tiles_free(), "all or none: nothing was bound");
	is_int(fds, th_count_fds(getpid()), "and no descriptor arrived");

	c = ta[0].cap;
	is_int(-EXO_ENOTOWNER, exo_cap_check(b, &c, 0),
	    "a's tile capability is not b's");
	t = ta[0];
	t.fd = -1;
	t.px = NULL;
	is_int(-EXO_ENOTOWNER, exo_tile_free(b, &t, 1),
	    "b cannot free a's tile with a's capability");
	t.cap.owner = exo_libos_id(b);
	is_int(-EXO_EBADCAP, exo_tile_free(b, &t, 1),
	    "nor with one altered to name b");
	t.cap = ta[0].cap;
	t.cap.id = 2;
	is_int(-EXO_EBADCAP, exo_tile_free(a, &t, 1),
	    "a capability altered to another tile is refused");
	is_int(-EXO_EINVAL, exo_frame_protect(a, &ta[0].cap, 1, 1),
	    "a tile capability is no frame capability");
	is_int(-EXO_EPERM, exo_display_snap(b, &d),
	    "a libOS cannot read the composed display");
	is_int(-EXO_EPERM, raw_alloc(ctl, 0, 1, 0, 0, 0, 0),
	    "a control client binds no tiles");

	is_int(-EXO_EPROTO, exo_request(b, EXO_MSG_TILE_ALLOC, &req,
	    sizeof req - 4, small, sizeof small, NULL, NULL, 0, NULL),
	    "a short TILE_ALLOC is malformed");
	is_int(-EXO_EINVAL, raw_alloc(b, 0x80, 1, 0, 0, 0, 0), "unknown flags");
	is_int(-EXO_EINVAL, raw_alloc(b, 0, 0, 0, 0, 0, 0), "count 0");
	is_int(-EXO_EINVAL, raw_alloc(b, 0, 254, 0, 0, 0, 0), "count 254");
	is_int(-EXO_EINVAL, raw_alloc(b, 0, 1, 3, 0, 0, 0),
	    "a position without RECT");
	is_int(-EXO_ENOTILES, raw_alloc(b, 0, 20, 0, 0, 0, 0),
	    "more tiles than are free");
	is_int(-EXO_EINVAL, raw_alloc(b, EXO_TILE_RECT, 0, 6, 0, 2, 1),
	    "a rectangle past the right edge");
	is_int(-EXO_EINVAL, raw_alloc(b, EXO_TILE_RECT, 0, 0, 0, 0x10000,
	    0x10000), "a rectangle whose area overflows");
	is_int(-EXO_EINVAL, raw_alloc(b, EXO_TILE_RECT, 0, 0xffffffff, 0, 2, 1),
	    "a rectangle whose end overflows");
	is_int(-EXO_EINVAL, raw_alloc(b, EXO_TILE_RECT, 1, 2, 0, 1, 1),
	    "RECT with a count");
	t = ta[0];
	is_int(-EXO_EINVAL, exo_tile_free(a, (struct exo_tile[]){ t, t }, 2),
	    "freeing one tile twice in one request");
	is_int(before, tiles_free(), "after all that, nothing moved");
	ok(snap_matches("after the hostile requests"),
	    "and the display is as drawn");
}

/* Map tile t's descriptor a second time: what a libOS could keep. */
static uint32_t *
stale_map(const struct exo_tile *t)
{
	uint32_t	*p;

	p = mmap(NULL, SIDE * SIDE * 4, PROT_READ | PROT_WRITE, MAP_SHARED,
	    t->fd, 0);
	if (p == MAP_FAILED)
		sysbail("mmap");
	return (p);
}

static int
all_zero(const struct exo_tile *t)
{
	unsigned	k;

	for (k = 0; k < SIDE * SIDE; k++)
		if (t->px[k] != 0)
			return (0);
	return (1);
}

static void
scribble(uint32_t *p)
{
	unsigned	k;

	for (k = 0; k < SIDE * SIDE; k++)
		p[k] = 0xdeadbe;
}

static void
test_free_rebind(struct exo *a, struct exo *b, struct exo_tile *ta)
{
	struct exo_tile	 t;
	struct exo_cap	 old = ta[5].cap;
	uint32_t	*stale = stale_map(&ta[5]);

	is_int(0, exo_tile_free(a, &ta[5], 1), "a frees tile 17");
	ok(ta[5].fd == -1 && ta[5].px == NULL, "libexo drops its mapping");
	drawn[17] = 0;
	scribble(stale);
	ok(snap_matches("freed"), "a's kept mapping does not reach the display");
	is_int(-EXO_ESTALE, exo_cap_check(a, &old, 0), "its capability is stale");
	is_int(0, exo_tile_alloc_rect(b, 3, 2, 1, 1, &t), "b binds tile 17");
	ok(all_zero(&t), "b finds it wiped");
	draw(&t, exo_libos_id(b));
	drawn[17] = exo_libos_id(b);
	scribble(stale);
	ok(snap_matches("rebound"), "the display shows b's drawing, not a's "
	    "stale stores");
	ok(t.px[0] == pattern(t.x, t.y, exo_libos_id(b)),
	    "and b's tile holds b's pixels");
	munmap(stale, SIDE * SIDE * 4);
}

static void
test_abort(struct exo *a, struct exo *b, struct exo_tile *ta)
{
	struct exo_revoke_reply	 r;
	struct exo_history	 h;
	struct exo_status	 st;
	struct exo_tile		 t;
	struct exo_cap		 old = ta[1].cap;
	unsigned		 i, seen = 0, tiles = 99, aborts = 0;

	memset(&r, 0, sizeof r);
	is_int(0, exo_revoke(ctl, exo_libos_id(a), EXO_REVOKE_TILE, 9, &r),
	    "the administrator revokes tile 9; a ignores it");
	ok(r.revoked == 1 && r.aborted == 1 && r.released == 0,
	    "it is taken at the deadline (%u revoked, %u aborted)", r.revoked,
	    r.aborted);
	drawn[9] = 0;
	scribble(ta[1].px);	/* a's mapping survives in a: it is stale */
	ok(snap_matches("aborted"), "a's stale mapping no longer reaches the "
	    "display");
	is_int(-EXO_ESTALE, exo_cap_check(a, &old, 0), "a's capability is stale");
	is_int(-EXO_EINVAL, exo_revoke(ctl, exo_libos_id(a), EXO_REVOKE_TILE,
	    9, &r), "revoking a tile a no longer holds");
	is_int(0, exo_tile_alloc_rect(b, 2, 1, 1, 1, &t), "b binds tile 9");
	ok(all_zero(&t), "b finds it wiped, not a's scribbles");
	draw(&t, exo_libos_id(b));
	drawn[9] = exo_libos_id(b);
	scribble(ta[1].px);
	ok(snap_matches("after the abort"), "the display shows b's tile");
	(void)exo_tile_forget(&ta[1]);

	if (exo_status(ctl, &st) == 0) {
		for (i = 0; i < st.totals.npeers; i++)
			if (st.peers[i].libos == exo_libos_id(a)) {
				tiles = st.peers[i].tiles;
				aborts = (unsigned)st.peers[i].aborts;
			}
		exo_status_free(&st);
	}
	ok(tiles == 4 && aborts == 1, "STATUS: a holds 4 tiles, one abort");
	is_int(0, exo_history(ctl, 0, &h), "HISTORY answers");
	for (i = 0; i < h.hdr.count; i++)
		if (h.ent[i].res == EXO_RES_TILE && h.ent[i].to ==
		    exo_libos_id(a))
			seen |= h.ent[i].kind == EXO_HIST_REVOKE ? 1 :
			    h.ent[i].kind == EXO_HIST_ABORT ? 2 : 0;
	is_int(3, seen, "it records the revocation and the abort of a's tile");
}

static volatile sig_atomic_t	revoke_seen;
static volatile uint64_t	revoke_id;

static int
on_interrupt(struct exo *e, const struct exo_intr *in, void *arg)
{
	if (in->kind == EXO_INTR_REVOKE && in->count == 1) {
		revoke_id = in->vec[0].cap.id;
		revoke_seen = in->vec[0].cap.type;
	}
	return (0);
}

/* a gives tile 10 back when asked: released, not aborted. */
static void
test_polite(struct exo *a, struct exo_tile *ta)
{
	struct exo_revoke_reply	 r;
	struct exo		*c;
	long			 t0;
	pid_t			 pid;
	int			 st, p[2];

	exo_pe_interrupt(a, on_interrupt, NULL);
	if (pipe(p) == -1 || (pid = fork()) == -1)
		sysbail("fork");
	if (pid == 0) {
		close(p[0]);
		if (exo_connect_control(exod.sock, &c) != 0 ||
		    exo_revoke(c, exo_libos_id(a), EXO_REVOKE_TILE, 10, &r) != 0)
			_exit(9);
		(void)!write(p[1], &r, sizeof r);
		_exit(0);
	}
	close(p[1]);
	t0 = th_now_ms();
	while (!revoke_seen && th_now_ms() - t0 < 5000)
		(void)exo_wait(a);
	ok(revoke_seen == EXO_RES_TILE && revoke_id == 10,
	    "a is told tile 10 is being revoked");
	is_int(0, exo_tile_free(a, &ta[2], 1), "a gives it back");
	memset(&r, 0, sizeof r);
	ok(read(p[0], &r, sizeof r) == sizeof r && r.released == 1 &&
	    r.aborted == 0, "the revocation ends with it released");
	close(p[0]);
	waitpid(pid, &st, 0);
	drawn[10] = 0;
	ok(snap_matches("released"), "tile 10 left the display");
	exo_pe_interrupt(a, NULL, NULL);
}

/* A drawing libOS killed with SIGKILL: its tiles come back. */
static void
test_kill(void)
{
	struct exo_tile	 t[4];
	struct exo	*k;
	uint32_t	 before = tiles_free();
	unsigned	 i;
	long		 t0;
	pid_t		 pid;
	char		 c;
	int		 p[2], st, fds0;

	fds0 = th_fds_settled(&exod, 3000);
	if (pipe(p) == -1 || (pid = fork()) == -1)
		sysbail("fork");
	if (pid == 0) {
		close(p[0]);
		if (exo_connect(exod.sock, "tile-kill", &k) != 0 ||
		    exo_tile_alloc(k, 4, t) != 0)
			_exit(9);
		(void)!write(p[1], "k", 1);
		for (;;)
			for (i = 0; i < 4; i++)
				draw(&t[i], 99);
	}
	close(p[1]);
	ok(read(p[0], &c, 1) == 1, "a libOS binds 4 tiles and draws on");
	close(p[0]);
	is_int(before - 4, tiles_free(), "exod counts them bound");
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	t0 = th_now_ms();
	while (tiles_free() != before && th_now_ms() - t0 < 5000)
		th_sleep_ms(20);
	is_int(before, tiles_free(), "kill -9 gives its tiles back");
	ok(snap_matches("after the kill"), "they left the display");
	is_int(fds0, th_wait_fds(&exod, fds0, 5000),
	    "exod's descriptors are back where they were");
}

/* Without -F there is no display, and every display request says so. */
static void
test_no_display(void)
{
	struct th_exod		 plain;
	struct exo_display_info	 info;
	struct exo_display	 d;
	struct exo_tile		 t;
	struct exo		*x, *c;

	th_exod_start(&plain, "-m", "1M", NULL);
	x = th_connect(&plain, "no-display");
	if (exo_connect_control(plain.sock, &c) != 0)
		bail("control connection");
	is_int(-EXO_ENODISPLAY, exo_display_info(x, &info),
	    "without -F: DISPLAY_INFO says ENODISPLAY");
	is_int(-EXO_ENODISPLAY, exo_tile_alloc(x, 1, &t), "TILE_ALLOC too");
	is_int(-EXO_ENODISPLAY, exo_display_snap(c, &d), "and DISPLAY_SNAP");
	exo_disconnect(c);
	exo_disconnect(x);
}

/* The hostile neighbour attacks the display while a and b have tiles. */
static void
test_hostile(void)
{
	char		 cmd[1024], line[256];
	unsigned	 tile, tried, refused, breached;
	uint32_t	 before = tiles_free();
	FILE		*p;
	long		 t0;
	int		 got = 0, st;

	snprintf(cmd, sizeof cmd, "'%s' -S '%s' -T -c 1 -m 0 -d 1500",
	    th_path("t/libos-hostile"), exod.sock);
	if ((p = popen(cmd, "r")) == NULL)
		sysbail("popen");
	if (fgets(line, sizeof line, p) != NULL)
		got = sscanf(line, "hostile display: tile=%u tried=%u refused=%u "
		    "breached=%u", &tile, &tried, &refused, &breached);
	ok(got == 4, "libos-hostile -T attacks the display and says how it "
	    "went");
	if (got != 4) {
		diag("it said: %s", line);
		tile = 0;
		tried = refused = breached = 1;
	}
	ok(tried >= 2 * (NTILES - 1) && refused == tried && breached == 0,
	    "every one of its %u attempts on others' tiles was refused", tried);
	if (tile < NTILES) {
		solid[tile] = 0xff00ff;
		ok(snap_matches("beside the hostile neighbour"), "the others' "
		    "tiles are as drawn, and its own is magenta");
	} else
		ok(0, "its tile %u is on the display", tile);
	while (fgets(line, sizeof line, p) != NULL)
		continue;	/* the rest, to its end: pclose closes first */
	st = pclose(p);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "it exits 0 (status %#x)", (unsigned)st);
	t0 = th_now_ms();
	while (tiles_free() != before && th_now_ms() - t0 < 5000)
		th_sleep_ms(20);
	is_int(before, tiles_free(), "and its tile comes back");
	if (tile < NTILES)
		solid[tile] = 0;
	ok(snap_matches("after the hostile neighbour"), "leaving the display "
	    "as a and b drew it");
}

int
main(void)
{
	struct exo_tile	 ta[6], tb[3];
	struct exo	*a, *b;

	plan_lazy();
	th_exod_start(&exod, "-F", "200x100/32", "-R", "100", "-m", "1M",
	    NULL);
	if (exo_connect_control(exod.sock, &ctl) != 0)
		bail("control connection");
	a = th_connect(&exod, "tile-a");
	b = th_connect(&exod, "tile-b");
	test_bind(a, b, ta, tb);
	test_draw(a, b, ta, tb);
	test_isolation(a, b, ta);
	test_free_rebind(a, b, ta);
	test_abort(a, b, ta);
	test_polite(a, ta);
	test_kill();
	test_hostile();
	exo_disconnect(b);
	exo_disconnect(a);
	exo_disconnect(ctl);
	test_no_display();
	return (0);
}
