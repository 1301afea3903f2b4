/*
 * ring.c - the disk ring: DISK reads and writes without a request each.
 *
 * A libOS binds frames of its own as a submission and completion ring
 * (exo-protocol(7) DISK RING); the binding is checked once.  After that it
 * writes entries and rings a doorbell (an eventfd this loop watches) only
 * when the ring goes from empty to non-empty.  The ring is the libOS's
 * memory and untrusted: exod copies each entry out before it looks at it,
 * and checks the copy's capabilities as DISK_IO does (grant_check_use: a
 * block or frame of its own, or one granted to it, with the rights).  An
 * entry that fails becomes a completion with the error; the others are
 * done.
 *
 * The I/O runs on a worker thread, so a slow disk never stalls the loop.
 * The worker takes every job queued when it looks (a batch), moves the
 * data, writes each completion as soon as its job is done, and rings the
 * ring's completion eventfd once per batch.  It is the only writer of the
 * completion ring, so an entry refused by the loop goes through it too,
 * as a job without I/O.
 *
 * exod unmaps a frame when it is unbound, and wipes a block when it is
 * bound again: the worker must not touch either after that.  Every job
 * pins its frames and blocks (counts the loop raises and the worker
 * lowers); unbinding one that is pinned waits for the worker to finish
 * with it.  A ring's frames are pinned for as long as the ring is bound;
 * unbinding one of them ends the ring first.
 */
#include "config.h"

#include <sys/eventfd.h>
#include <sys/queue.h>
#include <sys/uio.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "exod.h"

struct ring_job {
	struct ring_job	*next;		/* in the queue or a batch */
	struct ring	*r;
	uint64_t	 tag;
	uint32_t	 seq;
	int32_t		 status;	/* 0, or the error to post, no I/O */
	uint32_t	 op;
	unsigned	 n;		/* pairs; 0 for a refused entry */
	uint32_t	 block[EXO_DISK_RING_PAIRS];
	uint32_t	 frame[EXO_DISK_RING_PAIRS];
	void		*va[EXO_DISK_RING_PAIRS]; /* exod's mapping of frame[] */
};

struct ring {
	LIST_ENTRY(ring) entry;		/* on ring.rings */
	struct peer	*p;		/* its libOS; the ring is p->disk_ring */
	uint32_t	 entries;	/* a power of 2 */
	uint32_t	 nframes;
	uint32_t	 fid[EXO_DISK_RING_FRAMES(EXO_DISK_RING_MAX)];
	unsigned char	*va[EXO_DISK_RING_FRAMES(EXO_DISK_RING_MAX)];
	struct exo_disk_ring_hdr *hdr;	/* va[0] */
	struct exo_disk_cqe *cq;	/* in va[0] */
	uint32_t	 sq_head;	/* loop: entries taken; the truth */
	uint32_t	 cq_tail;	/* worker: completions written */
	atomic_uint	 inflight;	/* taken, completion not yet written */
	unsigned	 refs;		/* under lock: batches that hold it */
	int		 bell;		/* exod's end of the doorbell */
	int		 done;		/* the completion interrupt */
	struct event	*ev_bell;
	int		 dying;		/* loop: takes nothing more */
	int		 stalled;	/* loop: counted in ring.stalled */
	struct ring_job	*jobs;		/* entries of them, by seq % entries */
};

static struct {
	LIST_HEAD(, ring) rings;	/* bound, in the loop */
	struct event_base *base;
	atomic_ushort	*fpin;		/* jobs holding frame i */
	atomic_ushort	*bpin;		/* jobs holding block i */
	uint32_t	 nf, nb;
	pthread_t	 thread;
	int		 thread_on;
	pthread_mutex_t	 lock;
	pthread_cond_t	 work;		/* a job was queued, or quit */
	pthread_cond_t	 idle;		/* a job or a batch ended */
	struct ring_job	*head, **tailp;	/* under lock: the queue */
	int		 quit;		/* under lock */
	int		 note;		/* worker -> loop: a batch ended */
	struct event	*ev_note;
	atomic_ulong	 failed;	/* writes failed, not yet counted */
	atomic_uint	 stalled;	/* rings that stopped taking for want of
					   room in their completion ring */
} ring = { .note = -1 };

static void	ring_bell_cb(evutil_socket_t, short, void *);

/* Move one job's data: 0 or -EXO_EIO.  Contiguous blocks in one call. */
static int
ring_move(struct ring_job *j)
{
	struct iovec	iov[EXO_DISK_RING_PAIRS];
	unsigned	i, first, k;
	ssize_t		r;
	off_t		off;
	int		fd = disk_fd(), status = 0;

	for (first = 0; first < j->n; first = i) {
		for (i = first, k = 0; i < j->n && (i == first ||
		    j->block[i] == j->block[i - 1] + 1); i++, k++) {
			iov[k].iov_base = j->va[i];
			iov[k].iov_len = EXO_BLOCK_SIZE;
		}
		off = (off_t)j->block[first] * EXO_BLOCK_SIZE;
		if (j->op == EXO_DISK_WRITE) {
			if (disk_pwritev_all(iov, (int)k, off) == -1) {
				atomic_fetch_add(&ring.failed, 1);
				status = -EXO_EIO;
			}
			continue;
		}
		do
			r = preadv(fd, iov, (int)k, off);
		while (r == -1 && errno == EINTR);
		if (r != (ssize_t)k * EXO_BLOCK_SIZE)
			status = -EXO_EIO;
	}
	return (status);
}

/* Write j's completion; the libOS may read it at once. */
static void
ring_post(struct ring *r, const struct ring_job *j, int status)
{
	struct exo_disk_cqe	c;

	c.tag = j->tag;
	c.seq = j->seq;
	c.status = status;
	memcpy(&r->cq[r->cq_tail % r->entries], &c, sizeof c);
	r->cq_tail++;
	__atomic_store_n(&r->hdr->cq_tail, r->cq_tail, __ATOMIC_RELEASE);
}

static void
ring_unpin(const struct ring_job *j)
{
	unsigned	i;

	for (i = 0; i < j->n; i++) {
		atomic_fetch_sub(&ring.fpin[j->frame[i]], 1);
		atomic_fetch_sub(&ring.bpin[j->block[i]], 1);
	}
}

#define RING_SPIN_NS	20000	/* the worker looks this long before sleeping */
#define RING_TOUCHED	64	/* rings a batch rings the bell of at its end */

/* The worker is done with jobs of r: it may go (ring_end waits). */
static void
ring_release(struct ring *r, unsigned n)
{
	pthread_mutex_lock(&ring.lock);
	r->refs -= n;
	pthread_cond_broadcast(&ring.idle);
	pthread_mutex_unlock(&ring.lock);
}

/*
 * One batch: the jobs queued when the worker looked.  Each job holds a
 * reference to its ring (taken when it was queued) until the ring's
 * completion interrupt has been rung, once, at the end of the batch.
 */
static void
ring_batch(struct ring_job *j)
{
	struct ring	*touched[RING_TOUCHED], *r;
	unsigned	 held[RING_TOUCHED];
	struct ring_job	*next;
	unsigned	 nt = 0, i;
	uint64_t	 one = 1;

	for (; j != NULL; j = next) {
		next = j->next;
		r = j->r;
		ring_post(r, j, j->n > 0 ? ring_move(j) : j->status);
		ring_unpin(j);
		/* The last touch of the job: its slot may be taken again. */
		atomic_fetch_sub(&r->inflight, 1);
		for (i = 0; i < nt && touched[i] != r; i++)
			;
		if (i < nt)
			held[i]++;
		else if (nt < RING_TOUCHED) {
			touched[nt] = r;
			held[nt++] = 1;
		} else {
			(void)write(r->done, &one, sizeof one);
			ring_release(r, 1);
		}
	}
	for (i = 0; i < nt; i++) {
		(void)write(touched[i]->done, &one, sizeof one);
		ring_release(touched[i], held[i]);
	}
	/* The loop needs waking only for a failure or a ring out of room. */
	if (atomic_load(&ring.failed) > 0 || atomic_load(&ring.stalled) > 0)
		(void)write(ring.note, &one, sizeof one);
}

/*
 * Under lock, with nothing queued: look again for a while before
 * sleeping.  The next entry is often a few microseconds away (the libOS
 * answers a completion with a submission), and a wake-up costs more.
 */
static void
ring_worker_spin(void)
{
	struct timespec	t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		pthread_mutex_unlock(&ring.lock);
		sched_yield();
		pthread_mutex_lock(&ring.lock);
		if (ring.head != NULL || ring.quit)
			return;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000000L + t.tv_nsec -
	    t0.tv_nsec < RING_SPIN_NS);
}

static void *
ring_worker(void *arg)
{
	struct ring_job	*batch;

	pthread_mutex_lock(&ring.lock);
	for (;;) {
		if (ring.head == NULL && !ring.quit)
			ring_worker_spin();
		while (ring.head == NULL && !ring.quit)
			pthread_cond_wait(&ring.work, &ring.lock);
		if (ring.quit)
			break;
		batch = ring.head;
		ring.head = NULL;
		ring.tailp = &ring.head;
		pthread_mutex_unlock(&ring.lock);
		ring_batch(batch);
		pthread_mutex_lock(&ring.lock);
	}
	pthread_mutex_unlock(&ring.lock);
	return (NULL);
}

/* --- the loop's side ------------------------------------------------ */

/* Check one entry (a copy) and fill its job; 0 or the entry's error. */
static int
ring_check(struct ring *r, const struct exo_disk_sqe *e, uint32_t seq,
    struct ring_job *j)
{
	unsigned	 brights, frights, i;
	uint32_t	 f;
	int		 error;

	if (e->seq != seq)
		return (-EXO_ETORN);
	if ((e->op != EXO_DISK_READ && e->op != EXO_DISK_WRITE) ||
	    e->count == 0 || e->count > EXO_DISK_RING_PAIRS)
		return (-EXO_EINVAL);
	/* The rights DISK_IO asks for: disk_io() in disk.c. */
	brights = e->op == EXO_DISK_WRITE ? EXO_RIGHT_WRITE : EXO_RIGHT_READ;
	frights = e->op == EXO_DISK_READ ? EXO_RIGHT_WRITE : EXO_RIGHT_READ;
	for (i = 0; i < e->count; i++) {
		/* Either may be granted (grant.c), with those rights. */
		if ((error = grant_check_use(r->p, &e->pairs[i].block,
		    EXO_RES_BLOCK, brights)) != 0 ||
		    (error = grant_check_use(r->p, &e->pairs[i].frame,
		    EXO_RES_FRAME, frights)) != 0)
			return (error);
		f = (uint32_t)e->pairs[i].frame.id;
		if ((j->va[i] = frame_va(f)) == NULL)
			return (-EXO_EIO);
		j->frame[i] = f;
		j->block[i] = (uint32_t)e->pairs[i].block.id;
	}
	j->op = e->op;
	j->n = e->count;
	return (0);
}

/* Take entry seq: copy it out of the ring first, then check the copy. */
static struct ring_job *
ring_take_one(struct ring *r, uint32_t seq)
{
	struct exo_disk_sqe	 e;
	struct ring_job		*j = &r->jobs[seq % r->entries];
	uint32_t		 slot = seq % r->entries;
	unsigned		 i;

	memcpy(&e, r->va[1 + slot / EXO_DISK_RING_SQ_PER_FRAME] +
	    (slot % EXO_DISK_RING_SQ_PER_FRAME) * sizeof e, sizeof e);
	memset(j, 0, offsetof(struct ring_job, block));
	j->r = r;
	j->seq = seq;
	j->tag = e.tag;
	if ((j->status = ring_check(r, &e, seq, j)) != 0) {
		j->n = 0;
		return (j);
	}
	for (i = 0; i < j->n; i++) {
		atomic_fetch_add(&ring.fpin[j->frame[i]], 1);
		atomic_fetch_add(&ring.bpin[j->block[i]], 1);
	}
	disk_count_ring(j->op, j->n);
	return (j);
}

/*
 * Take what the libOS has written, as far as the completion ring has room
 * for its answers.  The head is published, then the tail read again: a
 * libOS that wrote an entry meanwhile and saw the old head did not ring.
 */
static int
ring_room(struct ring *r, uint32_t cq_head)
{
	return (atomic_load(&r->inflight) < r->entries &&
	    r->sq_head - cq_head < r->entries);
}

static void
ring_set_stalled(struct ring *r, int on)
{
	if (r->stalled != on)
		atomic_fetch_add(&ring.stalled, on ? 1 : -1);
	r->stalled = on;
}

static void
ring_take(struct ring *r)
{
	struct ring_job	*first = NULL, **last = &first, *j;
	uint32_t	 tail, cq_head, n = 0;

	if (r->dying)
		return;
	for (;;) {
		tail = __atomic_load_n(&r->hdr->sq_tail, __ATOMIC_ACQUIRE);
		if (tail - r->sq_head > r->entries) {
			/* Behind the head, or past the end: take nothing. */
			if (r->hdr->error != EXO_ERING)
				r->hdr->errors++;
			r->hdr->error = EXO_ERING;
			break;
		}
		r->hdr->error = 0;
		cq_head = __atomic_load_n(&r->hdr->cq_head, __ATOMIC_ACQUIRE);
		while (r->sq_head != tail && ring_room(r, cq_head)) {
			j = ring_take_one(r, r->sq_head);
			atomic_fetch_add(&r->inflight, 1);
			*last = j;
			last = &j->next;
			r->sq_head++;
			n++;
		}
		__atomic_store_n(&r->hdr->sq_head, r->sq_head,
		    __ATOMIC_RELEASE);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (r->sq_head == tail) {
			ring_set_stalled(r, 0);
			if (__atomic_load_n(&r->hdr->sq_tail,
			    __ATOMIC_ACQUIRE) == tail)
				break;
			continue;
		}
		/*
		 * No room.  Said before looking again, so that a worker that
		 * frees room after the look sees it and wakes the loop.
		 */
		ring_set_stalled(r, 1);
		if (!ring_room(r, cq_head))
			break;
	}
	if (n == 0)
		return;
	*last = NULL;
	pthread_mutex_lock(&ring.lock);
	r->refs += n;	/* each job's, until its batch ends */
	*ring.tailp = first;
	ring.tailp = last;
	pthread_cond_signal(&ring.work);
	pthread_mutex_unlock(&ring.lock);
}

static void
ring_bell_cb(evutil_socket_t fd, short events, void *arg)
{
	uint64_t	v;

	(void)read(fd, &v, sizeof v);
	ring_take(arg);
}

/* A batch ended: count failed writes; rings that had no room go on. */
static void
ring_note_cb(evutil_socket_t fd, short events, void *arg)
{
	struct ring	*r;
	uint64_t	 v;

	(void)read(fd, &v, sizeof v);
	disk_ring_failed((unsigned)atomic_exchange(&ring.failed, 0));
	LIST_FOREACH(r, &ring.rings, entry)
		ring_take(r);
}

/* Failed writes the worker saw that the loop has not counted yet. */
unsigned
ring_failed_take(void)
{
	return ((unsigned)atomic_exchange(&ring.failed, 0));
}

/* End r: take nothing more, wait for the worker to be done with it. */
static void
ring_end(struct ring *r)
{
	unsigned	i;

	r->dying = 1;
	ring_set_stalled(r, 0);
	if (r->ev_bell != NULL)
		event_free(r->ev_bell);
	r->ev_bell = NULL;
	pthread_mutex_lock(&ring.lock);
	while (r->refs > 0 || atomic_load(&r->inflight) > 0)
		pthread_cond_wait(&ring.idle, &ring.lock);
	pthread_mutex_unlock(&ring.lock);
	LIST_REMOVE(r, entry);
	for (i = 0; i < r->nframes; i++)
		atomic_fetch_sub(&ring.fpin[r->fid[i]], 1);
	close(r->bell);
	close(r->done);
	r->p->disk_ring = NULL;
	free(r->jobs);
	free(r);
}

static int
ring_frames_ok(struct peer *p, const struct exo_cap *caps, unsigned n)
{
	unsigned	i, k;
	int		error;

	for (i = 0; i < n; i++) {
		if ((error = frame_check(p, &caps[i], EXO_RIGHT_READ |
		    EXO_RIGHT_WRITE)) != 0)
			return (error);
		for (k = 0; k < i; k++)
			if (caps[k].id == caps[i].id)
				return (-EXO_EINVAL);
		if (frame_va((uint32_t)caps[i].id) == NULL)
			return (-EXO_ENOMEM);
	}
	return (0);
}

/*
 * DISK_RING_BIND: the frames become p's ring.  On success fds[0] is the
 * doorbell and fds[1] the completion interrupt, for the caller to send
 * and close.
 */
int
ring_bind(struct peer *p, const struct exo_disk_ring_bind *b,
    const struct exo_cap *caps, int *fds)
{
	struct ring	*r;
	unsigned	 i;
	int		 error;

	if (b->entries == 0 || b->entries > EXO_DISK_RING_MAX ||
	    (b->entries & (b->entries - 1)) != 0 || b->flags != 0 ||
	    b->count != EXO_DISK_RING_FRAMES(b->entries))
		return (-EXO_EINVAL);
	if (p->disk_ring != NULL || ring.fpin == NULL)
		return (-EXO_ESTATE);
	if ((error = ring_frames_ok(p, caps, b->count)) != 0)
		return (error);
	if ((r = calloc(1, sizeof *r)) == NULL ||
	    (r->jobs = calloc(b->entries, sizeof *r->jobs)) == NULL) {
		free(r);
		return (-EXO_ENOMEM);
	}
	r->p = p;
	r->entries = b->entries;
	r->nframes = b->count;
	r->sq_head = r->cq_tail = b->start;
	r->bell = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	r->done = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	fds[0] = r->bell == -1 ? -1 : dup(r->bell);
	fds[1] = r->done == -1 ? -1 : dup(r->done);
	r->ev_bell = r->bell == -1 ? NULL : event_new(ring.base, r->bell,
	    EV_READ | EV_PERSIST, ring_bell_cb, r);
	if (fds[0] == -1 || fds[1] == -1 || r->ev_bell == NULL ||
	    event_add(r->ev_bell, NULL) == -1) {
		error = errno == EMFILE || errno == ENFILE ? -EXO_ENFILE :
		    -EXO_ENOMEM;
		for (i = 0; i < 2; i++)
			if (fds[i] != -1)
				close(fds[i]);
		if (r->ev_bell != NULL)
			event_free(r->ev_bell);
		if (r->bell != -1)
			close(r->bell);
		if (r->done != -1)
			close(r->done);
		free(r->jobs);
		free(r);
		return (error);
	}
	for (i = 0; i < r->nframes; i++) {
		r->fid[i] = (uint32_t)caps[i].id;
		r->va[i] = frame_va(r->fid[i]);
		atomic_fetch_add(&ring.fpin[r->fid[i]], 1);
	}
	r->hdr = (struct exo_disk_ring_hdr *)r->va[0];
	r->cq = (struct exo_disk_cqe *)(r->va[0] + EXO_DISK_RING_CQ_OFF);
	r->hdr->sq_head = r->hdr->cq_tail = b->start;
	r->hdr->error = r->hdr->errors = 0;
	LIST_INSERT_HEAD(&ring.rings, r, entry);
	p->disk_ring = r;
	return (0);
}

/* DISK_RING_UNBIND: answered once the worker is done with the ring. */
int
ring_unbind(struct peer *p)
{
	if (p->disk_ring == NULL)
		return (-EXO_ESTATE);
	ring_end(p->disk_ring);
	return (0);
}

void
ring_peer_gone(struct peer *p)
{
	if (p->disk_ring != NULL)
		ring_end(p->disk_ring);
}

/* Wait until no job holds what pin counts. */
static void
ring_wait_pin(atomic_ushort *pin)
{
	if (atomic_load(pin) == 0)
		return;
	pthread_mutex_lock(&ring.lock);
	while (atomic_load(pin) > 0)
		pthread_cond_wait(&ring.idle, &ring.lock);
	pthread_mutex_unlock(&ring.lock);
}

/* Frame id is being unbound: no ring or job may touch it after this. */
void
ring_frame_gone(uint32_t id)
{
	struct ring	*r, *next;
	unsigned	 i;

	if (ring.fpin == NULL || id >= ring.nf)
		return;
	for (r = LIST_FIRST(&ring.rings); r != NULL; r = next) {
		next = LIST_NEXT(r, entry);
		for (i = 0; i < r->nframes; i++)
			if (r->fid[i] == id) {
				ring_end(r);
				break;
			}
	}
	ring_wait_pin(&ring.fpin[id]);
}

/* Block id is being unbound (and may be wiped and bound again). */
void
ring_block_gone(uint32_t id)
{
	if (ring.bpin != NULL && id < ring.nb)
		ring_wait_pin(&ring.bpin[id]);
}

int
ring_start(struct event_base *base)
{
	ring.base = base;
	LIST_INIT(&ring.rings);
	ring.nf = frame_total();
	ring.nb = disk_blocks();
	ring.head = NULL;
	ring.tailp = &ring.head;
	if ((ring.fpin = calloc(ring.nf + 1, sizeof *ring.fpin)) == NULL ||
	    (ring.bpin = calloc(ring.nb + 1, sizeof *ring.bpin)) == NULL)
		return (-1);
	if ((ring.note = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1)
		return (-1);
	ring.ev_note = event_new(base, ring.note, EV_READ | EV_PERSIST,
	    ring_note_cb, NULL);
	if (ring.ev_note == NULL || event_add(ring.ev_note, NULL) == -1)
		return (-1);
	pthread_mutex_init(&ring.lock, NULL);
	pthread_cond_init(&ring.work, NULL);
	pthread_cond_init(&ring.idle, NULL);
	if (pthread_create(&ring.thread, NULL, ring_worker, NULL) != 0)
		return (-1);
	ring.thread_on = 1;
	return (0);
}

void
ring_fini(void)
{
	struct ring	*r;

	while ((r = LIST_FIRST(&ring.rings)) != NULL)
		ring_end(r);
	if (ring.thread_on) {
		pthread_mutex_lock(&ring.lock);
		ring.quit = 1;
		pthread_cond_signal(&ring.work);
		pthread_mutex_unlock(&ring.lock);
		pthread_join(ring.thread, NULL);
		ring.thread_on = 0;
	}
	if (ring.ev_note != NULL)
		event_free(ring.ev_note);
	ring.ev_note = NULL;
	if (ring.note != -1)
		close(ring.note);
	ring.note = -1;
	free(ring.fpin);
	free(ring.bpin);
	ring.fpin = ring.bpin = NULL;
}
