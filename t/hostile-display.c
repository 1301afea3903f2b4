/*
 * hostile-display.c - the hostile neighbour's attack on the display
 * (libos-hostile -T): it binds one tile of its own, then tries to reach
 * every other tile by every request it can make, and to reach beyond its
 * own tile through its own descriptor; then it paints its tile magenta.
 *
 * Every attempt that does not reach another libOS's tile is counted as
 * refused; one that does, as a breach.  Tiles that turn out to be free
 * may be bound, as anyone may bind them: they are given back at once and
 * count as neither.
 */
#include <sys/mman.h>

#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "hostile.h"

#define HOSTILE_COLOUR	0xff00ff

static sigjmp_buf		 hd_jmp;
static volatile sig_atomic_t	 hd_faulted;

static void
hd_on_bus(int sig)
{
	hd_faulted = 1;
	siglongjmp(hd_jmp, 1);
}

static void
hd_count(struct hostile_display *h, int refused)
{
	h->tried++;
	if (refused)
		h->refused++;
	else
		h->breached++;
}

/* Stores past the end of its own tile, through a mapping made too long. */
static int
hd_past_the_end(const struct exo_tile *t, size_t bytes)
{
	struct sigaction	 sa, old_bus, old_segv;
	volatile uint32_t	*p;
	int			 refused = 1;

	p = mmap(NULL, 2 * bytes, PROT_READ | PROT_WRITE, MAP_SHARED, t->fd,
	    0);
	if (p == MAP_FAILED)
		return (1);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = hd_on_bus;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old_bus);
	sigaction(SIGSEGV, &sa, &old_segv);
	hd_faulted = 0;
	if (sigsetjmp(hd_jmp, 1) == 0) {
		p[bytes / 4] = HOSTILE_COLOUR;	/* the first pixel beyond */
		refused = 0;
	}
	sigaction(SIGBUS, &old_bus, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	munmap((void *)p, 2 * bytes);
	return (refused && hd_faulted);
}

int
hostile_display(struct exo *e, struct hostile_display *h)
{
	struct exo_display_info	info;
	struct exo_display	d;
	struct exo_tile		t, other;
	struct exo_cap		forged;
	uint32_t		i, n;
	int			error;

	memset(h, 0, sizeof *h);
	if ((error = exo_display_info(e, &info)) != 0)
		return (error);
	if ((error = exo_tile_alloc(e, 1, &t)) != 0)
		return (error);
	h->tile = (uint32_t)t.cap.id;
	n = info.cols * info.rows;
	for (i = 0; i < n; i++) {
		if (i == h->tile)
			continue;
		/* Bind it by position: free ones are anyone's. */
		error = exo_tile_alloc_rect(e, i % info.cols, i / info.cols, 1,
		    1, &other);
		if (error == 0)
			(void)exo_tile_free(e, &other, 1);
		else
			hd_count(h, error == -EXO_ETILEBUSY);
		/* Free it, and check it, with a capability made up for it. */
		forged = t.cap;
		forged.id = i;
		other = t;
		other.cap = forged;
		other.fd = -1;
		other.px = NULL;
		hd_count(h, exo_tile_free(e, &other, 1) == -EXO_EBADCAP);
		hd_count(h, exo_cap_check(e, &forged, EXO_RIGHT_WRITE) ==
		    -EXO_EBADCAP);
	}
	/* Its own capability, made out to another libOS, and replayed. */
	forged = t.cap;
	forged.owner ^= 1;
	hd_count(h, exo_cap_check(e, &forged, 0) == -EXO_EBADCAP);
	/* Through its own descriptor: grow it, or store past its end. */
	hd_count(h, ftruncate(t.fd, (off_t)info.tile_bytes * 2) == -1);
	hd_count(h, hd_past_the_end(&t, info.tile_bytes));
	/* The composed display is for control clients. */
	error = exo_display_snap(e, &d);
	if (error == 0)
		exo_display_free(&d);
	hd_count(h, error == -EXO_EPERM);
	for (i = 0; i < info.tile_bytes / 4; i++)
		t.px[i] = HOSTILE_COLOUR;
	return (0);
}
