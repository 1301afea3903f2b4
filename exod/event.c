/*
 * event.c - events for libOSes, and their queues.
 *
 * An event for a libOS that cannot take it now (it is stopped outside its
 * slots) waits in a ring of EXOD_EVENTS_MAX and is delivered, in order, at
 * the start of its next turn.  A full ring drops the new event: the sender
 * is told (EXO_EOVERFLOW), the drop is counted, and the next event the
 * target receives says how many were lost.  Nothing is dropped silently.
 */
#include "config.h"

#include <string.h>

#include "exod.h"

/* Queue an event for p, and deliver it if p can take it now. */
int
event_post(struct peer *p, uint32_t from, uint64_t value)
{
	struct sched_peer	*c = &p->cpu;
	struct peer_event	*e;

	if (c->ev_count == EXOD_EVENTS_MAX) {
		c->events_dropped++;
		c->ev_dropped_unseen++;
		return (-EXO_EOVERFLOW);
	}
	e = &c->ev[(c->ev_head + c->ev_count) % EXOD_EVENTS_MAX];
	e->from = from;
	e->dropped = c->ev_dropped_unseen;
	c->ev_dropped_unseen = 0;
	e->value = value;
	c->ev_count++;
	if (sched_deliverable(p))
		event_flush(p);
	return (0);
}

/*
 * Write p's queued events to its channel, oldest first, as far as the
 * channel takes them; what does not fit stays queued.  A waiting libOS is
 * blocked reading its channel and needs no doorbell.
 */
void
event_flush(struct peer *p)
{
	struct sched_peer	*c = &p->cpu;
	struct exo_upcall_event	 u;
	struct peer_event	*e;
	unsigned		 sent = 0;

	while (c->ev_count > 0) {
		e = &c->ev[c->ev_head];
		u.from = e->from;
		u.dropped = e->dropped;
		u.value = e->value;
		if (chan_upcall(p, EXO_UPCALL_EVENT, &u, sizeof u, 0) == 0)
			break;
		c->ev_head = (c->ev_head + 1) % EXOD_EVENTS_MAX;
		c->ev_count--;
		c->events++;
		sent++;
	}
	if (sent == 0)
		return;
	if (!c->waiting)
		chan_doorbell(p);
	c->waiting = 0;
}
