/*
 * malloc.c - malloc(3) and free(3) on sbrk(2).
 *
 * A first-fit allocator over one circular list of free blocks kept in
 * address order, so that free can merge a block with both neighbours.
 * Every block starts with a header and is a whole number of 16-byte
 * units, so every pointer returned is 16-byte aligned.  Memory is never
 * given back to the libOS: the heap only grows, as in xv6.
 */
#include "kernel/types.h"
#include "user/user.h"

#define MALLOC_UNIT	16
#define MALLOC_GROW	4096	/* fewest units asked of sbrk at once */

union malloc_hdr {
	struct {
		union malloc_hdr	*next;	/* next free block, by address;
						   the list is circular */
		uint64			 units;	/* size, header included */
	} h;
	char	align[MALLOC_UNIT];
};

static union malloc_hdr	 malloc_base;	/* a zero-size block: the list's
					   anchor, always on it */
static union malloc_hdr	*malloc_free;	/* where the last search ended;
					   null until the first call */

void
free(void *p)
{
	union malloc_hdr	*b, *f;

	if (p == 0)
		return;
	b = (union malloc_hdr *)p - 1;
	/* Find f, the free block just before b in the circle. */
	for (f = malloc_free; !(b > f && b < f->h.next); f = f->h.next) {
		if (f >= f->h.next && (b > f || b < f->h.next))
			break;		/* b is past the highest or below the
					   lowest free block */
	}
	if (b + b->h.units == f->h.next) {
		b->h.units += f->h.next->h.units;
		b->h.next = f->h.next->h.next;
	} else
		b->h.next = f->h.next;
	if (f + f->h.units == b) {
		f->h.units += b->h.units;
		f->h.next = b->h.next;
	} else
		f->h.next = b;
	malloc_free = f;
}

/* Ask the libOS for at least units more units; put them on the list. */
static union malloc_hdr *
malloc_grow(uint64 units)
{
	union malloc_hdr	*b;
	char			*p;

	if (units < MALLOC_GROW)
		units = MALLOC_GROW;
	if (units * MALLOC_UNIT > 0x7fffffffUL)
		return 0;
	p = sbrk((int)(units * MALLOC_UNIT));
	if (p == (char *)-1)
		return 0;
	b = (union malloc_hdr *)p;
	b->h.units = units;
	free(b + 1);
	return malloc_free;
}

void *
malloc(uint nbytes)
{
	union malloc_hdr	*prev, *b;
	uint64			 units;

	units = ((uint64)nbytes + MALLOC_UNIT - 1) / MALLOC_UNIT + 1;
	if ((prev = malloc_free) == 0) {
		malloc_base.h.next = malloc_free = prev = &malloc_base;
		malloc_base.h.units = 0;
	}
	for (b = prev->h.next;; prev = b, b = b->h.next) {
		if (b->h.units >= units) {
			if (b->h.units == units)
				prev->h.next = b->h.next;
			else {
				/* Hand out the tail; the head stays free. */
				b->h.units -= units;
				b += b->h.units;
				b->h.units = units;
			}
			malloc_free = prev;
			return b + 1;
		}
		if (b == malloc_free && (b = malloc_grow(units)) == 0)
			return 0;
	}
}
