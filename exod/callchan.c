/*
 * callchan.c - bound call channels: protected calls without exod on the
 * path.
 *
 * Binding is the expensive part and exod does it: CHAN_BIND checks the
 * caller (a libOS with fewer than EXO_CHAN_MAX channels) and the callee
 * (a libOS with a protected entry, not the caller), makes one shared page
 * (a memfd) and gives it to the caller; the callee hears of it with an
 * EXO_UPCALL_CHAN and takes its end with CHAN_ACCEPT.  From then on a call
 * is a write into the page and a futex wake-up, and exod never looks:
 * the page is the two parties' only, and exod reads nothing from it.
 *
 * exod keeps its own mapping of the page for one job: closing.  When a
 * side closes the channel or dies, exod writes why, ors EXO_CHAN_CLOSED
 * into both futex words and wakes both, so a caller blocked in a call to
 * a dead callee fails it with EXO_EDIED at once.
 *
 * Slice donation: while a caller holding slots runs, its bound callees
 * that exod keeps stopped are continued with it (callchan_lend), and are
 * stopped again when it stops; a callee serving bound calls sleeps on the
 * page except while a call is open, so it uses the caller's time only
 * then, and never beyond the caller's quantum.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/syscall.h>

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "exod.h"

#define CALLCHAN_MAX	1024		/* channels at once, all libOSes */

struct callchan {
	struct peer		*a;	/* the caller; NULL: the slot is free */
	struct peer		*b;	/* the callee; set whenever a is */
	struct exo_chan_page	*page;	/* exod's mapping, while bound */
	int			 fd;	/* the memfd until b accepts, then -1 */
	uint64_t		 gen;	/* moves on at every close */
};

static struct callchan	callchan[CALLCHAN_MAX];

static void
callchan_cap(const struct peer *p, uint32_t id, struct exo_cap *c)
{
	memset(c, 0, sizeof *c);
	c->type = EXO_RES_CHAN;
	c->rights = EXO_RIGHTS_ALL;
	c->owner = p->libos;
	c->id = id;
	c->gen = callchan[id].gen;
	cap_seal(c);
}

/* Is c p's end of a bound channel?  Its number in *id. */
static int
callchan_check(const struct peer *p, const struct exo_cap *c, uint32_t *id)
{
	const struct callchan	*ch;
	int			 error;

	if ((error = cap_verify(c)) != 0)
		return (error);
	if (c->owner != p->libos)
		return (-EXO_ENOTOWNER);
	if (c->type != EXO_RES_CHAN || c->id >= CALLCHAN_MAX)
		return (-EXO_EINVAL);
	ch = &callchan[c->id];
	if (ch->a == NULL || ch->gen != c->gen || (ch->a != p && ch->b != p))
		return (-EXO_ESTALE);
	*id = (uint32_t)c->id;
	return (0);
}

static void
callchan_wake(uint32_t *word)
{
	(void)syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

/* Does a, running, still lend its time to b through some channel? */
static int
callchan_lends(const struct peer *a, const struct peer *b)
{
	uint32_t	i;

	if (sched_running() != a)
		return (0);
	for (i = 0; i < CALLCHAN_MAX; i++)
		if (callchan[i].a == a && callchan[i].b == b)
			return (1);
	return (0);
}

/* Close channel id: both sides learn why from the page, and wake. */
static void
callchan_close(uint32_t id, int status)
{
	struct callchan		*ch = &callchan[id];
	struct exo_chan_page	*pg = ch->page;
	struct peer		*a, *b;

	pg->closed_status = status;
	__atomic_fetch_or(&pg->call, EXO_CHAN_CLOSED, __ATOMIC_SEQ_CST);
	__atomic_fetch_or(&pg->answer, EXO_CHAN_CLOSED, __ATOMIC_SEQ_CST);
	callchan_wake(&pg->call);
	callchan_wake(&pg->answer);
	munmap(pg, EXO_CHAN_PAGE);
	if (ch->fd != -1)
		close(ch->fd);
	a = ch->a;
	b = ch->b;
	a->cpu.chan_calls--;
	ch->a = ch->b = NULL;
	ch->page = NULL;
	ch->fd = -1;
	ch->gen++;
	/* A callee running on a's time through this channel alone stops. */
	if (b->cpu.chan_lent && !callchan_lends(a, b)) {
		b->cpu.chan_lent = 0;
		if (b->cpu.state == SCHED_STOPPED)
			sched_signal(b, SIGSTOP);
	}
}

/* CHAN_BIND: a binds a channel to target's protected entry. */
int
callchan_bind(struct peer *a, uint32_t target, struct exo_chan_reply *r,
    int *fd)
{
	struct exo_upcall_chan	 u;
	struct exo_chan_page	*pg;
	struct callchan		*ch;
	struct peer		*b = peer_find(target);
	uint32_t		 id;
	int			 mfd;

	if (b == NULL || (b->flags & PEER_CONTROL))
		return (-EXO_ENOLIBOS);
	if (b == a)
		return (-EXO_EINVAL);
	if (!(b->cpu.entries & EXO_ENTRY_PROTECTED))
		return (-EXO_ENOENTRY);
	if (a->cpu.chan_calls >= EXO_CHAN_MAX)
		return (-EXO_ETOOMANY);
	for (id = 0; id < CALLCHAN_MAX && callchan[id].a != NULL; id++)
		;
	if (id == CALLCHAN_MAX)
		return (-EXO_ETOOMANY);
	if ((mfd = memfd_create("exo-chan", MFD_CLOEXEC)) == -1)
		return (errno == EMFILE || errno == ENFILE ? -EXO_ENFILE :
		    -EXO_ENOMEM);
	if (ftruncate(mfd, EXO_CHAN_PAGE) == -1 || (pg = mmap(NULL,
	    EXO_CHAN_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0)) ==
	    MAP_FAILED) {
		close(mfd);
		return (-EXO_ENOMEM);
	}
	if ((*fd = dup(mfd)) == -1) {
		munmap(pg, EXO_CHAN_PAGE);
		close(mfd);
		return (-EXO_ENFILE);
	}
	pg->magic = EXO_CHAN_MAGIC;
	pg->caller = a->libos;
	pg->callee = b->libos;
	ch = &callchan[id];
	ch->a = a;
	ch->b = b;
	a->cpu.chan_calls++;
	ch->page = pg;
	ch->fd = mfd;
	memset(r, 0, sizeof *r);
	callchan_cap(a, id, &r->cap);
	r->deadline_ns = call_deadline_ns;
	r->peer = b->libos;
	r->size = EXO_CHAN_PAGE;
	memset(&u, 0, sizeof u);
	u.caller = a->libos;
	callchan_cap(b, id, &u.cap);
	/* The callee learns of it now, or, stopped, at its next turn. */
	(void)chan_upcall(b, EXO_UPCALL_CHAN, &u, sizeof u, !sched_waiting(b));
	return (0);
}

/* CHAN_ACCEPT: the callee takes its end, once. */
int
callchan_accept(struct peer *b, const struct exo_cap *c,
    struct exo_chan_reply *r, int *fd)
{
	struct callchan	*ch;
	uint32_t	 id;
	int		 error;

	if ((error = callchan_check(b, c, &id)) != 0)
		return (error);
	ch = &callchan[id];
	if (ch->b != b)
		return (-EXO_EPERM);	/* the caller's end: it has the page */
	if (ch->fd == -1)
		return (-EXO_ESTATE);	/* accepted already */
	*fd = ch->fd;			/* the reply sends and closes it */
	ch->fd = -1;
	memset(r, 0, sizeof *r);
	r->cap = *c;
	r->deadline_ns = call_deadline_ns;
	r->peer = ch->a->libos;
	r->size = EXO_CHAN_PAGE;
	return (0);
}

/* CHAN_CLOSE: either side ends the channel. */
int
callchan_unbind(struct peer *p, const struct exo_cap *c)
{
	uint32_t	id;
	int		error;

	if ((error = callchan_check(p, c, &id)) != 0)
		return (error);
	callchan_close(id, -EXO_ECLOSED);
	return (0);
}

/* p is leaving: every channel it is a side of closes; the other side's
 * open call fails with EXO_EDIED. */
void
callchan_peer_gone(struct peer *p)
{
	uint32_t	i;

	for (i = 0; i < CALLCHAN_MAX; i++)
		if (callchan[i].a != NULL && (callchan[i].a == p ||
		    callchan[i].b == p))
			callchan_close(i, -EXO_EDIED);
}

/*
 * a takes (on) or leaves the CPU: its stopped callees run and stop with
 * it.  A callee exod keeps stopped is one holding slots, outside them.
 */
void
callchan_lend(struct peer *a, int on)
{
	struct peer	*b;
	uint32_t	 i;

	if (a->cpu.chan_calls == 0)
		return;		/* the common case: no scan at a switch */
	for (i = 0; i < CALLCHAN_MAX; i++) {
		if (callchan[i].a != a || (b = callchan[i].b) == NULL)
			continue;
		if (on && b->cpu.state == SCHED_STOPPED && !b->cpu.chan_lent) {
			b->cpu.chan_lent = 1;
			sched_signal(b, SIGCONT);
		} else if (!on && b->cpu.chan_lent) {
			/* Stopped again unless it got a turn of its own. */
			b->cpu.chan_lent = 0;
			if (b->cpu.state == SCHED_STOPPED)
				sched_signal(b, SIGSTOP);
		}
	}
}
