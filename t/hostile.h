/*
 * hostile.h - the parts of the hostile neighbour (t/libos-hostile.c)
 * that live in files of their own.
 */
#ifndef HOSTILE_H
#define HOSTILE_H

#include <stdint.h>

struct exo;

/* What the attack on the display (hostile-display.c) achieved. */
struct hostile_display {
	uint32_t	tile;		/* its own tile, painted 0xff00ff */
	unsigned	tried;		/* attempts on what is not its own */
	unsigned	refused;	/* of those, refused */
	unsigned	breached;	/* of those, that got through */
};

int	hostile_display(struct exo *, struct hostile_display *);

#endif /* HOSTILE_H */
