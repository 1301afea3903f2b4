/*
 * top.c - exoctl top: the live view of exod in a terminal.
 *
 * The screen is redrawn every interval (-d seconds) from a fresh view
 * (view.c); q quits.  The terminal is put in non-canonical mode without
 * echo while it runs and restored however it ends.
 */
#include "config.h"

#include <sys/ioctl.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "exoctl.h"

#define TOP_HISTORY	8	/* recent records shown */

static struct termios	top_saved;
static int		top_raw;	/* top_saved is to be put back */
static volatile sig_atomic_t top_quit;

static void
top_restore(void)
{
	if (top_raw) {
		(void)tcsetattr(STDIN_FILENO, TCSANOW, &top_saved);
		top_raw = 0;
	}
}

static void
top_on_signal(int sig)
{
	top_quit = 1;
}

/* Keys without Enter and without echo; nothing to do if not a terminal. */
static void
top_keys(void)
{
	struct termios	t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &top_saved) == -1)
		return;
	t = top_saved;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0) {
		top_raw = 1;
		atexit(top_restore);
	}
}

static unsigned
top_rows(void)
{
	struct winsize	ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
		return (ws.ws_row);
	return (24);
}

static void
top_history(const struct exo_history *h, unsigned room)
{
	const struct exo_history_entry	*r;
	uint32_t			 i, first;

	first = h->hdr.count > room ? h->hdr.count - room : 0;
	for (i = h->hdr.count; i-- > first;) {
		r = &h->ent[i];
		printf("  #%-6llu ", (unsigned long long)r->seq);
		switch (r->kind) {
		case EXO_HIST_CALL:
			printf("libOS %u calls libOS %u (%u bytes)", r->from,
			    r->to, r->count);
			break;
		case EXO_HIST_RETURN:
			printf("libOS %u answers libOS %u: %s", r->to, r->from,
			    r->status == 0 ? "ok" : exo_strerror(r->status));
			break;
		case EXO_HIST_REVOKE:
		case EXO_HIST_ABORT:
			printf("exod %s %u %s%s of libOS %u",
			    r->kind == EXO_HIST_REVOKE ? "revokes" : "takes",
			    r->count, view_res_name(r->res),
			    r->count == 1 ? "" : "s", r->to);
			break;
		}
		printf("\033[K\n");
	}
}

static void
top_draw(const struct view *v)
{
	const struct exo_slots_reply	*s = &v->slots.vec;
	const struct exo_status_peer	*p;
	unsigned			 rows = top_rows(), used, i;

	printf("\033[H");
	printf("exod: %u libOSes, frames %u free of %u, tick %llu, epoch "
	    "%llu\033[K\n", v->st.totals.npeers, v->st.totals.frames_free,
	    v->st.totals.frames_total, (unsigned long long)s->tick,
	    (unsigned long long)s->epoch);
	if (v->have_display)
		printf("display: %ux%u, %u tiles of %u pixels, %u free"
		    "\033[K\n", v->display.width, v->display.height,
		    v->display.cols * v->display.rows, v->display.side,
		    v->display.tiles_free);
	else
		printf("display: none (exod -F)\033[K\n");
	printf("slot %u now, running: ", s->current);
	if (s->running != 0)
		printf("libOS %u\033[K\n", s->running);
	else
		printf("nobody\033[K\n");
	printf("slots:");
	for (i = 0; i < s->nslots && i < 64; i++) {
		if (i == s->current)
			printf("\033[7m");
		if (v->slots.owner[i] != 0)
			printf("%3u", v->slots.owner[i]);
		else
			printf("%3s", ".");
		if (i == s->current)
			printf("\033[0m");
	}
	printf("\033[K\n\033[K\n");
	printf("%5s %-14s %7s %6s %5s %6s %5s %8s %9s %9s %5s %6s\033[K\n",
	    "LIBOS", "NAME", "STATE", "FRAMES", "SLOTS", "BLOCKS", "TILES",
	    "QUANTA", "TLB_MISS", "STLB_HIT", "REVOK", "ABORTS");
	used = 6;
	for (i = 0; i < v->st.totals.npeers && used + 3 < rows; i++, used++) {
		p = &v->st.peers[i];
		printf("%5u %-14.14s %7s %6u %5u %6u %5u %8llu %9llu %9llu "
		    "%5llu %6llu\033[K\n", p->libos, p->name,
		    view_state(p->state), p->frames, p->slots, p->blocks,
		    p->tiles, (unsigned long long)p->quanta,
		    (unsigned long long)p->tlb_misses,
		    (unsigned long long)p->stlb_hits,
		    (unsigned long long)p->revocations,
		    (unsigned long long)p->aborts);
	}
	printf("\033[K\nrecent revocations and protected calls:\033[K\n");
	used += 2;
	top_history(&v->hist, rows > used + 2 ? (rows - used - 2 <
	    TOP_HISTORY ? rows - used - 2 : TOP_HISTORY) : 0);
	printf("\033[K\n(q quits)\033[J");
	fflush(stdout);
}

/* Seconds, fractions allowed, from 0.05 to 3600: milliseconds, or -1. */
static int
top_interval(const char *s)
{
	double	 v;
	char	*end;

	errno = 0;
	v = strtod(s, &end);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v < 0.05 ||
	    v > 3600)
		return (-1);
	return ((int)(v * 1000 + 0.5));
}

/* top [-d seconds] */
int
exoctl_top(struct exo *e, int argc, char **argv)
{
	struct pollfd	pfd;
	struct view	v;
	char		c;
	int		ms = 1000, error, n;

	if (argc == 3 && strcmp(argv[1], "-d") == 0) {
		if ((ms = top_interval(argv[2])) == -1) {
			fprintf(stderr, "exoctl: top: -d %s: not a number of "
			    "seconds from 0.05 to 3600\n", argv[2]);
			return (1);
		}
	} else if (argc != 1)
		return (-1);
	signal(SIGINT, top_on_signal);
	signal(SIGTERM, top_on_signal);
	signal(SIGHUP, top_on_signal);
	top_keys();
	printf("\033[H\033[2J");
	pfd.fd = STDIN_FILENO;
	pfd.events = POLLIN;
	while (!top_quit) {
		if ((error = view_fetch(e, &v)) != 0) {
			top_restore();
			fprintf(stderr, "\nexoctl: top: %s\n",
			    exo_strerror(error));
			return (1);
		}
		top_draw(&v);
		view_free(&v);
		n = poll(&pfd, pfd.fd == -1 ? 0 : 1, ms);
		if (n == 1 && (pfd.revents & (POLLIN | POLLHUP))) {
			if (read(STDIN_FILENO, &c, 1) != 1)
				pfd.fd = -1;	/* no more keys: run on */
			else if (c == 'q' || c == 'Q')
				break;
		}
		if (n == 0 || pfd.fd == -1)
			continue;
	}
	top_restore();
	printf("\n");
	return (0);
}
