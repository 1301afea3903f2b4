/*
 * event.c - interrupts for libOSes, and their queues.
 *
 * Events from other libOSes and disk completions are interrupts: one for
 * a libOS that cannot take it now (it is stopped outside its slots) waits
 * in a ring of EXOD_EVENTS_MAX and is delivered, in order, at the start of
 * its next turn.  A full ring drops the new interrupt: the sender is told
 * (EXO_EOVERFLOW), the drop is counted, and the next interrupt queued
 * after it says how many were lost.  Nothing is dropped silently.
 */
#include "config.h"

#include <string.h>

#include "exod.h"

_Static_assert(sizeof(struct exo_upcall_event) <= PEER_EVENT_DATA &&
    sizeof(struct exo_upcall_disk) <= PEER_EVENT_DATA &&
    sizeof(struct exo_upcall_net) <= PEER_EVENT_DATA,
    "every queued interrupt fits a ring entry");

/* Queue an interrupt for p, and deliver it if p can take it now. */
int
event_post_upcall(struct peer *p, uint16_t type, const void *data,
    size_t len)
{
	struct sched_peer	*c = &p->cpu;
	struct peer_event	*e;

	/* A full ring may only wait for a channel that has room again. */
	if (c->ev_count == EXOD_EVENTS_MAX && sched_deliverable(p))
		event_flush(p);
	if (c->ev_count == EXOD_EVENTS_MAX) {
		c->events_dropped++;
		c->ev_dropped_unseen++;
		return (-EXO_EOVERFLOW);
	}
	e = &c->ev[(c->ev_head + c->ev_count) % EXOD_EVENTS_MAX];
	e->type = type;
	e->len = (uint16_t)len;
	e->dropped = c->ev_dropped_unseen;
	c->ev_dropped_unseen = 0;
	memcpy(e->data, data, len);
	c->ev_count++;
	if (sched_deliverable(p))
		event_flush(p);
	return (0);
}

/* An event from libOS from. */
int
event_post(struct peer *p, uint32_t from, uint64_t value)
{
	struct exo_upcall_event	u;

	memset(&u, 0, sizeof u);
	u.from = from;
	u.value = value;
	return (event_post_upcall(p, EXO_UPCALL_EVENT, &u, sizeof u));
}

/*
 * Write p's queued interrupts to its channel, oldest first, as far as the
 * channel takes them; what does not fit stays queued.  A waiting libOS is
 * blocked reading its channel and needs no doorbell.
 */
void
event_flush(struct peer *p)
{
	struct sched_peer	*c = &p->cpu;
	struct exo_upcall_event	 u;
	struct exo_upcall_disk	 d;
	struct exo_upcall_net	 nu;
	struct peer_event	*e;
	unsigned		 sent = 0;
	uint32_t		 id;
	int			 was_waiting = sched_waiting(p);

	while (c->ev_count > 0) {
		e = &c->ev[c->ev_head];
		if (e->type == EXO_UPCALL_EVENT) {
			memcpy(&u, e->data, sizeof u);
			u.dropped = e->dropped;
			id = chan_upcall(p, e->type, &u, sizeof u, 0);
		} else if (e->type == EXO_UPCALL_NET) {
			memcpy(&nu, e->data, sizeof nu);
			nu.dropped = e->dropped;
			id = chan_upcall(p, e->type, &nu, sizeof nu, 0);
		} else {
			memcpy(&d, e->data, sizeof d);
			d.dropped = e->dropped;
			id = chan_upcall(p, e->type, &d, sizeof d, 0);
		}
		if (id == 0)
			break;
		c->ev_head = (c->ev_head + 1) % EXOD_EVENTS_MAX;
		c->ev_count--;
		c->events++;
		sent++;
	}
	if (sent > 0 && !was_waiting)
		chan_doorbell(p);
}
