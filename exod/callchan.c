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
 * that exod keeps stopped are lent to it (callchan_lend), and run only
 * while a call to them is open: a watch timer looks every CALLCHAN_WATCH_US
 * and continues a lent callee when one is, stops it when none is, and the
 * caller's leaving the CPU stops them all.  Whether a call is open exod
 * reads from the caller's own page (struct exo_chan_own), which only the
 * caller and exod map, so a callee cannot make one look open: calling is
 * the call the caller is blocked in, and the call is open until the
 * answer word says calling.  A callee that spins outside calls gets at
 * most a watch period after each call of the caller's time; a caller
 * that leaves calling set gives away only its own time.
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

#include <event2/event.h>

#include "exod.h"

#define CALLCHAN_MAX	1024		/* channels at once, all libOSes */
#define CALLCHAN_WATCH_US 100		/* between looks at lent callees */

struct callchan {
	struct peer		*a;	/* the caller; NULL: the slot is free */
	struct peer		*b;	/* the callee; set whenever a is */
	struct exo_chan_page	*page;	/* exod's mapping, while bound */
	struct exo_chan_own	*own;	/* the caller's own page, mapped */
	int			 fd;	/* the memfd until b accepts, then -1 */
	uint64_t		 gen;	/* moves on at every close */
};

static struct callchan	callchan[CALLCHAN_MAX];
static struct event	*callchan_ev_watch;	/* pending while lent */

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

/* b is lent no more: stopped again unless it got a turn of its own. */
static void
callchan_unlend(struct peer *b)
{
	b->cpu.chan_lent = 0;
	if (b->cpu.chan_run && b->cpu.state == SCHED_STOPPED)
		sched_signal(b, SIGSTOP);
	b->cpu.chan_run = 0;
}

/*
 * Is a blocked in a call to b now?  Read from a's own pages, which b
 * cannot write, and b's answer word, which can only end the call early.
 */
static int
callchan_open(const struct peer *a, const struct peer *b)
{
	const struct callchan	*ch;
	uint32_t		 i, c, ans;

	for (i = 0; i < CALLCHAN_MAX; i++) {
		ch = &callchan[i];
		if (ch->a != a || ch->b != b)
			continue;
		c = __atomic_load_n(&ch->own->calling, __ATOMIC_ACQUIRE) &
		    EXO_CHAN_SEQ;
		ans = __atomic_load_n(&ch->page->answer, __ATOMIC_ACQUIRE);
		if (c != 0 && !(ans & EXO_CHAN_CLOSED) &&
		    (ans & EXO_CHAN_SEQ) != c)
			return (1);
	}
	return (0);
}

/*
 * Look at the callees lent to a, the running caller: each runs while a
 * call to it is open and is stopped when none is.  Returns how many are
 * lent, so the watch goes on while any is.
 */
static unsigned
callchan_watch(struct peer *a)
{
	struct peer	*b;
	uint32_t	 i;
	unsigned	 lent = 0;
	int		 open;

	if (a == NULL || a->cpu.chan_calls == 0)
		return (0);
	for (i = 0; i < CALLCHAN_MAX; i++) {
		if (callchan[i].a != a || (b = callchan[i].b) == NULL ||
		    !b->cpu.chan_lent)
			continue;
		lent++;
		open = callchan_open(a, b);
		if (open && !b->cpu.chan_run) {
			b->cpu.chan_run = 1;
			sched_signal(b, SIGCONT);
		} else if (!open && b->cpu.chan_run) {
			b->cpu.chan_run = 0;
			sched_signal(b, SIGSTOP);
		}
	}
	return (lent);
}

static void
callchan_watch_cb(evutil_socket_t fd, short events, void *arg)
{
	struct timeval	tv = { 0, CALLCHAN_WATCH_US };

	if (callchan_watch(sched_running()) > 0)
		evtimer_add(callchan_ev_watch, &tv);
}

int
callchan_init(struct event_base *base)
{
	callchan_ev_watch = evtimer_new(base, callchan_watch_cb, NULL);
	return (callchan_ev_watch == NULL ? -1 : 0);
}

void
callchan_fini(void)
{
	if (callchan_ev_watch != NULL)
		event_free(callchan_ev_watch);
	callchan_ev_watch = NULL;
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
	munmap(ch->own, EXO_CHAN_PAGE);
	if (ch->fd != -1)
		close(ch->fd);
	a = ch->a;
	b = ch->b;
	a->cpu.chan_calls--;
	ch->a = ch->b = NULL;
	ch->page = NULL;
	ch->own = NULL;
	ch->fd = -1;
	ch->gen++;
	/* A callee lent to a through this channel alone is lent no more. */
	if (b->cpu.chan_lent && !callchan_lends(a, b))
		callchan_unlend(b);
}

/* CHAN_BIND: a binds a channel to target's protected entry. */
/* A fresh shared page: its memfd, and exod's mapping in *va. */
static int
callchan_page(void **va)
{
	int	mfd;

	if ((mfd = memfd_create("exo-chan", MFD_CLOEXEC)) == -1)
		return (errno == EMFILE || errno == ENFILE ? -EXO_ENFILE :
		    -EXO_ENOMEM);
	if (ftruncate(mfd, EXO_CHAN_PAGE) == -1 || (*va = mmap(NULL,
	    EXO_CHAN_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0)) ==
	    MAP_FAILED) {
		close(mfd);
		return (-EXO_ENOMEM);
	}
	return (mfd);
}

int
callchan_bind(struct peer *a, uint32_t target, struct exo_chan_reply *r,
    int *fd, int *ownfd)
{
	struct exo_upcall_chan	 u;
	struct exo_chan_page	*pg;
	struct exo_chan_own	*own;
	struct callchan		*ch;
	struct peer		*b = peer_find(target);
	uint32_t		 id;
	int			 mfd;
	void			*va;

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
	if ((*ownfd = callchan_page(&va)) < 0)
		return (*ownfd);
	own = va;
	if ((mfd = callchan_page(&va)) < 0) {
		munmap(own, EXO_CHAN_PAGE);
		close(*ownfd);
		return (mfd);
	}
	pg = va;
	if ((*fd = dup(mfd)) == -1) {
		munmap(pg, EXO_CHAN_PAGE);
		munmap(own, EXO_CHAN_PAGE);
		close(mfd);
		close(*ownfd);
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
	ch->own = own;
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
 * a takes (on) or leaves the CPU: its stopped callees are lent to it, to
 * run while a call to them is open (callchan_watch), and stop with it.
 * A callee exod keeps stopped is one holding slots, outside them.
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
			b->cpu.chan_run = 0;
		} else if (!on && b->cpu.chan_lent)
			callchan_unlend(b);
	}
	if (on && callchan_ev_watch != NULL)
		callchan_watch_cb(-1, 0, NULL);
}
