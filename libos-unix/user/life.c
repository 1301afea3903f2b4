/*
 * life - Conway's game of life on the display: life [generations]
 *
 * Opens "display" (the libOS's canvas of exod's display tiles), reads its
 * size, seeds a board of 4x4-pixel cells with a glider gun's worth of
 * pseudo-random life, and draws one generation after another, a whole
 * picture per write, one every tick.  Without an argument it runs until
 * killed; with one it stops after that many generations and prints
 * "life: N generations on WxH, M alive".
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"

#define CELL	4		/* pixels across and down a cell */
#define MAXW	256		/* pixels: the largest canvas drawn */
#define ALIVE	0x33ff66
#define DEAD	0x102010

static uchar	board[2][MAXW / CELL][MAXW / CELL];
static uint	pix[MAXW * MAXW];

static int
neighbours(uchar (*b)[MAXW / CELL], int x, int y, int w, int h)
{
	int	dx, dy, n = 0;

	for (dy = -1; dy <= 1; dy++)
		for (dx = -1; dx <= 1; dx++)
			if ((dx || dy) &&
			    b[(y + dy + h) % h][(x + dx + w) % w])
				n++;
	return (n);
}

int
main(int argc, char *argv[])
{
	char	buf[32];
	uint	seed = 12345;
	int	fd, W, H, w, h, x, y, g, gens = -1, cur = 0, n, alive = 0;
	char	*p;

	if (argc > 2) {
		fprintf(2, "usage: life [generations]\n");
		exit(2);
	}
	if (argc == 2)
		gens = atoi(argv[1]);
	if ((fd = open("display", O_RDWR)) < 0) {
		fprintf(2, "life: no display (exod -F)\n");
		exit(1);
	}
	if ((n = read(fd, buf, sizeof buf - 1)) <= 0) {
		fprintf(2, "life: cannot read the display's size\n");
		exit(1);
	}
	buf[n] = 0;
	W = atoi(buf);
	for (p = buf; *p && *p != ' '; p++)
		;
	H = *p ? atoi(p + 1) : 0;
	if (W <= 0 || H <= 0 || W > MAXW || H > MAXW) {
		fprintf(2, "life: display of %dx%d\n", W, H);
		exit(1);
	}
	w = W / CELL;
	h = H / CELL;
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			seed = seed * 1103515245 + 12345;
			board[0][y][x] = (seed >> 16) % 4 == 0;
		}
	for (g = 0; gens < 0 || g < gens; g++) {
		alive = 0;
		for (y = 0; y < H; y++)
			for (x = 0; x < W; x++)
				pix[y * W + x] = x / CELL < w && y / CELL < h &&
				    board[cur][y / CELL][x / CELL] ? ALIVE : DEAD;
		if (write(fd, pix, W * H * 4) != W * H * 4) {
			fprintf(2, "life: write to the display failed\n");
			exit(1);
		}
		for (y = 0; y < h; y++)
			for (x = 0; x < w; x++) {
				n = neighbours(board[cur], x, y, w, h);
				board[!cur][y][x] = n == 3 ||
				    (n == 2 && board[cur][y][x]);
				alive += board[!cur][y][x];
			}
		cur = !cur;
		sleep(1);
	}
	printf("life: %d generations on %dx%d, %d alive\n", g, W, H, alive);
	exit(0);
}
