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
 * data (a job's consecutive blocks, and the consecutive blocks of jobs
 * that follow one another, up to RING_RUN_JOBS of them, in one preadv or
 * pwritev, neighbouring frames of an extent in one iovec: a sequential
 * stream pays a system call per run, not per entry), writes each
 * completion as soon as its job is done, and rings the
 * ring's completion eventfd once per batch, unless the libOS said it is
 * looking itself (cq_spinning).  It is the only writer of the completion
 * ring, so an entry refused by the loop goes through it too, as a job
 * without I/O.
 *
 * The fast path.  A doorbell and a wake-up of the loop per refill cost
 * more than the I/O of a 64 KiB entry, so while the worker is awake it
 * takes entries itself, says so in each ring's sq_polling (the libOS then
 * rings no doorbell), and sleeps only after RING_SPIN_NS with nothing to
 * do.  It takes an entry only if every capability in it is, byte for
 * byte, one the loop checked fully for this ring before (a small cache
 * per ring), of the libOS's own (never a granted one), whose resource has
 * not been unbound or moved since (an epoch per frame and block that
 * ring_frame_gone and ring_block_gone move on, under the lock, before
 * they wait for the pins).  Anything else (a new capability, a torn or
 * malformed entry, an index out of range) is left at the head for the
 * loop, which the worker notes once, and which takes on with the full
 * check.  Both take under the lock, in index order, so completions stay
 * in the order taken.
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
	int32_t		 status;	/* refused: the error to post, no I/O;
					   else the I/O's, once moved */
	uint32_t	 op;
	unsigned	 n;		/* pairs; 0 for a refused entry */
	uint32_t	 block[EXO_DISK_RING_PAIRS];
	uint32_t	 frame[EXO_DISK_RING_PAIRS];
	void		*va[EXO_DISK_RING_PAIRS]; /* exod's mapping of frame[] */
};

#define RING_VB		4096	/* block capabilities a ring remembers */
#define RING_VF		256	/* frame capabilities a ring remembers */

/* A capability the loop checked fully for one ring (the fast path). */
struct ring_vcap {
	struct exo_cap	 cap;		/* byte for byte as checked */
	uint32_t	 epoch;		/* its resource's epoch then */
	int		 valid;		/* else the slot is empty */
	void		*va;		/* a frame's: exod's mapping of it */
};

struct ring {
	LIST_ENTRY(ring) entry;		/* on ring.rings, under lock */
	struct peer	*p;		/* its libOS; the ring is p->disk_ring */
	uint32_t	 entries;	/* a power of 2 */
	uint32_t	 nframes;
	uint32_t	 fid[EXO_DISK_RING_FRAMES(EXO_DISK_RING_MAX)];
	unsigned char	*va[EXO_DISK_RING_FRAMES(EXO_DISK_RING_MAX)];
	struct exo_disk_ring_hdr *hdr;	/* va[0] */
	struct exo_disk_cqe *cq;	/* in va[0] */
	uint32_t	 sq_head;	/* under lock: entries taken; the truth */
	uint32_t	 cq_tail;	/* worker: completions written */
	atomic_uint	 inflight;	/* taken, completion not yet written */
	unsigned	 refs;		/* under lock: batches that hold it */
	int		 bell;		/* exod's end of the doorbell */
	int		 done;		/* the completion interrupt */
	struct event	*ev_bell;
	int		 dying;		/* under lock: takes nothing more */
	int		 stalled;	/* loop: counted in ring.stalled */
	int		 owed;		/* under lock: the head entry waits for
					   the loop's full check; noted once */
	uint32_t	 bad_tail;	/* under lock: the tail the loop last
					   found out of range (hdr->error) */
	struct ring_job	*jobs;		/* entries of them, by seq % entries */
	struct ring_vcap *vb, *vf;	/* under lock: checked capabilities,
					   by id % RING_VB, % RING_VF */
};

static struct {
	LIST_HEAD(, ring) rings;	/* bound, in the loop */
	struct event_base *base;
	atomic_ushort	*fpin;		/* jobs holding frame i */
	atomic_ushort	*bpin;		/* jobs holding block i */
	uint32_t	*fepoch;	/* under lock: frame i unbound or moved */
	uint32_t	*bepoch;	/* under lock: block i unbound */
	uint32_t	 nf, nb;
	pthread_t	 thread;
	int		 thread_on;
	pthread_mutex_t	 lock;
	pthread_cond_t	 work;		/* a job was queued, or quit */
	pthread_cond_t	 idle;		/* a job or a batch ended */
	struct ring_job	*head, **tailp;	/* under lock: the queue */
	int		 quit;		/* under lock */
	int		 awake;		/* under lock: the worker takes entries
					   itself; every sq_polling says so */
	int		 note;		/* worker -> loop: a batch ended */
	struct event	*ev_note;
	atomic_ulong	 failed;	/* writes failed, not yet counted */
	atomic_ulong	 nread, nwrite;	/* blocks taken, not yet counted */
	atomic_uint	 stalled;	/* rings that stopped taking for want of
					   room in their completion ring */
} ring = { .note = -1 };

static void	ring_bell_cb(evutil_socket_t, short, void *);

/*
 * Add len bytes at va to iov (*k entries so far): onto the last entry if
 * they follow it in exod's memory (frames of one extent), else as a new
 * one.
 */
static void
ring_iov_add(struct iovec *iov, int *k, void *va, size_t len)
{
	if (*k > 0 && (unsigned char *)iov[*k - 1].iov_base +
	    iov[*k - 1].iov_len == (unsigned char *)va) {
		iov[*k - 1].iov_len += len;
		return;
	}
	iov[*k].iov_base = va;
	iov[*k].iov_len = len;
	(*k)++;
}

/* Read or write iov (k entries, len bytes in all) at off: 0 or -1. */
static int
ring_io(uint32_t op, struct iovec *iov, int k, size_t len, off_t off)
{
	ssize_t	r;

	if (op == EXO_DISK_WRITE)
		return (disk_pwritev_all(iov, k, off));
	do
		r = preadv(disk_fd(), iov, k, off);
	while (r == -1 && errno == EINTR);
	return (r == (ssize_t)len ? 0 : -1);
}

/* Move one job's data: 0 or -EXO_EIO.  Contiguous blocks in one call. */
static int
ring_move(struct ring_job *j)
{
	struct iovec	iov[EXO_DISK_RING_PAIRS];
	unsigned	i, first;
	int		k, status = 0;

	for (first = 0; first < j->n; first = i) {
		k = 0;
		for (i = first; i < j->n && (i == first ||
		    j->block[i] == j->block[i - 1] + 1); i++)
			ring_iov_add(iov, &k, j->va[i], EXO_BLOCK_SIZE);
		if (ring_io(j->op, iov, k, (size_t)(i - first) *
		    EXO_BLOCK_SIZE, (off_t)j->block[first] *
		    EXO_BLOCK_SIZE) == -1) {
			if (j->op == EXO_DISK_WRITE)
				atomic_fetch_add(&ring.failed, 1);
			status = -EXO_EIO;
		}
	}
	return (status);
}

#define RING_RUN_IOV	1024	/* IOV_MAX: pairs of a run, at most */
#define RING_RUN_JOBS	8	/* entries of a run, at most */

/* Are j's blocks one run, b, b + 1, ...? */
static int
ring_contiguous(const struct ring_job *j)
{
	unsigned	i;

	for (i = 1; i < j->n; i++)
		if (j->block[i] != j->block[0] + i)
			return (0);
	return (1);
}

/*
 * Move j and the jobs after it whose blocks go on where the one before
 * ended, with the same op, in one preadv or pwritev (a run: a sequential
 * stream pays one system call per RING_RUN_JOBS entries, not one each).
 * Each job's status is set; the first job not moved is returned.  If the
 * run fails, each of its jobs is moved again alone, so that only those
 * that fail get the error.
 */
static struct ring_job *
ring_run(struct ring_job *j)
{
	struct iovec	 iov[RING_RUN_IOV];
	struct ring_job	*end, *last;
	unsigned	 pairs = 0, jobs = 0, i;
	int		 k = 0;

	if (!ring_contiguous(j)) {
		j->status = ring_move(j);
		return (j->next);
	}
	for (end = j, last = NULL; end != NULL && end->n > 0 &&
	    jobs < RING_RUN_JOBS && pairs + end->n <= RING_RUN_IOV &&
	    (last == NULL || (end->op == last->op && end->block[0] ==
	    last->block[last->n - 1] + 1 && ring_contiguous(end)));
	    last = end, end = end->next) {
		for (i = 0; i < end->n; i++)
			ring_iov_add(iov, &k, end->va[i], EXO_BLOCK_SIZE);
		pairs += end->n;
		jobs++;
	}
	if (ring_io(j->op, iov, k, (size_t)pairs * EXO_BLOCK_SIZE,
	    (off_t)j->block[0] * EXO_BLOCK_SIZE) == 0) {
		for (; j != end; j = j->next)
			j->status = 0;
		return (end);
	}
	for (; j != end; j = j->next)
		j->status = ring_move(j);
	return (end);
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

/*
 * Move a pin count by d (under lock).  Every change is made under the
 * lock, so a load and a store do, without a locked instruction each (64
 * of them for an entry of 16 pairs cost a fifth of its 64 KiB copy); the
 * store releases, so that ring_wait_pin, which may look without the lock,
 * sees the worker's I/O done before it sees the count fall.
 */
static void
ring_pin_move(atomic_ushort *pin, int d)
{
	atomic_store_explicit(pin, (unsigned short)(atomic_load_explicit(pin,
	    memory_order_relaxed) + d), memory_order_release);
}

/* Unpin j's frames and blocks (under lock). */
static void
ring_unpin(const struct ring_job *j)
{
	unsigned	i;

	for (i = 0; i < j->n; i++) {
		ring_pin_move(&ring.fpin[j->frame[i]], -1);
		ring_pin_move(&ring.bpin[j->block[i]], -1);
	}
}

#define RING_SPIN_NS	100000	/* the worker looks this long before sleeping */
#define RING_TOUCHED	64	/* rings a batch rings the bell of at its end */

/*
 * The completion interrupt, unless the libOS says it is looking at
 * cq_tail itself.  cq_tail was stored before the barrier: a libOS that
 * clears the flag, then reads cq_tail, sees the completions, or the flag
 * was clear here and the interrupt comes.
 */
static void
ring_interrupt(struct ring *r)
{
	uint64_t	one = 1;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&r->hdr->cq_spinning, __ATOMIC_RELAXED) == 0)
		(void)write(r->done, &one, sizeof one);
}

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
 * The jobs of a run are moved, their completions written, then, under
 * the lock once for the run, unpinned and let go.
 */
static void
ring_batch(struct ring_job *j)
{
	struct ring	*touched[RING_TOUCHED], *r;
	unsigned	 held[RING_TOUCHED];
	struct ring_job	*next, *end, *k;
	unsigned	 nt = 0, i;
	uint64_t	 one = 1;

	for (; j != NULL; j = end) {
		end = j->n > 0 ? ring_run(j) : j->next;
		for (k = j; k != end; k = k->next)
			ring_post(k->r, k, k->status);
		pthread_mutex_lock(&ring.lock);
		for (k = j; k != end; k = next) {
			next = k->next;
			r = k->r;
			ring_unpin(k);
			/* The last touch of the job: its slot may be taken
			 * again. */
			atomic_fetch_sub(&r->inflight, 1);
			for (i = 0; i < nt && touched[i] != r; i++)
				;
			if (i < nt)
				held[i]++;
			else if (nt < RING_TOUCHED) {
				touched[nt] = r;
				held[nt++] = 1;
			} else {
				ring_interrupt(r);
				r->refs--;	/* ring_release, locked */
			}
		}
		pthread_cond_broadcast(&ring.idle);	/* the pins fell */
		pthread_mutex_unlock(&ring.lock);
	}
	for (i = 0; i < nt; i++) {
		ring_interrupt(touched[i]);
		ring_release(touched[i], held[i]);
	}
	/* The loop needs waking only for a failure or a ring out of room. */
	if (atomic_load(&ring.failed) > 0 || atomic_load(&ring.stalled) > 0)
		(void)write(ring.note, &one, sizeof one);
}

/*
 * Say in every ring's sq_polling whether the worker is taking entries
 * itself (under lock).  Cleared before its last look and its sleep: a
 * libOS that writes an entry after that look sees the flag clear and
 * rings the doorbell.
 */
static void
ring_set_awake(int on)
{
	struct ring	*r;

	ring.awake = on;
	LIST_FOREACH(r, &ring.rings, entry)
		__atomic_store_n(&r->hdr->sq_polling, (uint32_t)on,
		    __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Copy entry seq out of the ring into *e: the ring is not read again. */
static void
ring_copy(const struct ring *r, uint32_t seq, struct exo_disk_sqe *e)
{
	uint32_t	slot = seq % r->entries;

	memcpy(e, r->va[1 + slot / EXO_DISK_RING_SQ_PER_FRAME] +
	    (slot % EXO_DISK_RING_SQ_PER_FRAME) * sizeof *e, sizeof *e);
}

/* The job of entry seq, fresh. */
static struct ring_job *
ring_job(struct ring *r, uint32_t seq, const struct exo_disk_sqe *e)
{
	struct ring_job	*j = &r->jobs[seq % r->entries];

	memset(j, 0, offsetof(struct ring_job, block));
	j->r = r;
	j->seq = seq;
	j->tag = e->tag;
	return (j);
}

/* Pin j's frames and blocks and count its blocks (under lock). */
static void
ring_pin(const struct ring_job *j)
{
	unsigned	i;

	for (i = 0; i < j->n; i++) {
		ring_pin_move(&ring.fpin[j->frame[i]], 1);
		ring_pin_move(&ring.bpin[j->block[i]], 1);
	}
	atomic_fetch_add(j->op == EXO_DISK_WRITE ? &ring.nwrite : &ring.nread,
	    j->n);
}

/* Is c, byte for byte, one the loop checked for r, still current? */
static const struct ring_vcap *
ring_vcap_find(const struct ring *r, const struct exo_cap *c, unsigned type,
    unsigned rights)
{
	const struct ring_vcap	*v;

	if (c->type != type || (c->flags & EXO_CAP_GRANTED))
		return (NULL);
	if (type == EXO_RES_BLOCK) {
		if (c->id >= ring.nb)
			return (NULL);
		v = &r->vb[c->id % RING_VB];
		if (!v->valid || v->epoch != ring.bepoch[c->id])
			return (NULL);
	} else {
		if (c->id >= ring.nf)
			return (NULL);
		v = &r->vf[c->id % RING_VF];
		if (!v->valid || v->epoch != ring.fepoch[c->id])
			return (NULL);
	}
	if (memcmp(&v->cap, c, sizeof *c) != 0 ||
	    (rights & ~(unsigned)c->rights) != 0)
		return (NULL);
	return (v);
}

/* The loop checked c fully for r: remember it (own capabilities only). */
static void
ring_vcap_put(struct ring *r, const struct exo_cap *c, void *va)
{
	struct ring_vcap	*v;

	if (c->flags & EXO_CAP_GRANTED)
		return;		/* a grant can end without an unbind */
	if (c->type == EXO_RES_BLOCK && c->id < ring.nb) {
		v = &r->vb[c->id % RING_VB];
		v->epoch = ring.bepoch[c->id];
	} else if (c->type == EXO_RES_FRAME && c->id < ring.nf) {
		v = &r->vf[c->id % RING_VF];
		v->epoch = ring.fepoch[c->id];
	} else
		return;
	v->cap = *c;
	v->va = va;
	v->valid = 1;
}

/* The rights an entry's blocks and frames need (disk_io() in disk.c). */
static void
ring_rights(unsigned op, unsigned *brights, unsigned *frights)
{
	*brights = op == EXO_DISK_WRITE ? EXO_RIGHT_WRITE : EXO_RIGHT_READ;
	*frights = op == EXO_DISK_READ ? EXO_RIGHT_WRITE : EXO_RIGHT_READ;
}

/* The worker's check of a copy: 1 if every pair is remembered. */
static int
ring_check_fast(const struct ring *r, const struct exo_disk_sqe *e,
    uint32_t seq, struct ring_job *j)
{
	const struct ring_vcap	*v;
	unsigned		 brights, frights, i;

	if (e->seq != seq || (e->op != EXO_DISK_READ &&
	    e->op != EXO_DISK_WRITE) || e->count == 0 ||
	    e->count > EXO_DISK_RING_PAIRS)
		return (0);
	ring_rights(e->op, &brights, &frights);
	for (i = 0; i < e->count; i++) {
		if (ring_vcap_find(r, &e->pairs[i].block, EXO_RES_BLOCK,
		    brights) == NULL || (v = ring_vcap_find(r,
		    &e->pairs[i].frame, EXO_RES_FRAME, frights)) == NULL)
			return (0);
		j->va[i] = v->va;
		j->frame[i] = (uint32_t)e->pairs[i].frame.id;
		j->block[i] = (uint32_t)e->pairs[i].block.id;
	}
	j->op = e->op;
	j->n = e->count;
	return (1);
}

static int
ring_room(struct ring *r, uint32_t cq_head)
{
	return (atomic_load(&r->inflight) < r->entries &&
	    r->sq_head - cq_head < r->entries);
}

/* Queue the jobs first .. *last for the worker (under lock). */
static void
ring_queue(struct ring *r, struct ring_job *first, struct ring_job **last,
    unsigned n)
{
	*last = NULL;
	r->refs += n;	/* each job's, until its batch ends */
	*ring.tailp = first;
	ring.tailp = last;
}

/* The head entry needs the loop: tell it once (under lock). */
static void
ring_owe(struct ring *r)
{
	uint64_t	one = 1;

	if (r->owed)
		return;
	r->owed = 1;
	(void)write(ring.note, &one, sizeof one);
}

/*
 * The worker takes what it can from r without the loop (under lock):
 * entries whose every capability is remembered, while there is room.
 */
static unsigned
ring_take_fast(struct ring *r)
{
	struct exo_disk_sqe	 e;
	struct ring_job		*first = NULL, **last = &first, *j;
	uint32_t		 tail, cq_head;
	unsigned		 n = 0;

	if (r->dying || r->owed)
		return (0);
	tail = __atomic_load_n(&r->hdr->sq_tail, __ATOMIC_ACQUIRE);
	if (tail == r->sq_head)
		return (0);
	if (tail - r->sq_head > r->entries) {
		/* The loop says EXO_ERING, once for each bad tail. */
		if (tail != r->bad_tail || r->hdr->error != EXO_ERING)
			ring_owe(r);
		return (0);
	}
	cq_head = __atomic_load_n(&r->hdr->cq_head, __ATOMIC_ACQUIRE);
	while (r->sq_head != tail && ring_room(r, cq_head)) {
		ring_copy(r, r->sq_head, &e);
		j = ring_job(r, r->sq_head, &e);
		if (!ring_check_fast(r, &e, r->sq_head, j)) {
			ring_owe(r);
			break;
		}
		ring_pin(j);
		atomic_fetch_add(&r->inflight, 1);
		*last = j;
		last = &j->next;
		r->sq_head++;
		n++;
	}
	if (n == 0)
		return (0);
	__atomic_store_n(&r->hdr->sq_head, r->sq_head, __ATOMIC_RELEASE);
	ring_queue(r, first, last, n);
	return (n);
}

/* Take from every ring what the worker may (under lock). */
static void
ring_look(void)
{
	struct ring	*r;

	LIST_FOREACH(r, &ring.rings, entry)
		(void)ring_take_fast(r);
}

/*
 * Under lock, with nothing queued: look again for a while before
 * sleeping.  The next entry is often a few microseconds away (the libOS
 * answers a completion with a submission), and a wake-up costs more.
 * The spin yields the CPU at every turn, so that the libOS, which may
 * share it, gets to write that entry.  Spinning without yielding first
 * (10 us here, 20 us in libexo's wait; branch ring, fcb6e6d) helped depth
 * 1 on an idle machine but, with the two CPUs shared, cost depth 8 half
 * its throughput (0.47 -> 0.25 of pread/pwrite, 15 runs each): a spinner
 * that does not yield keeps the CPU from the very thread it waits for.
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
		ring_look();
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
	ring_set_awake(1);
	for (;;) {
		ring_look();
		if (ring.head == NULL && !ring.quit)
			ring_worker_spin();
		if (ring.head == NULL && !ring.quit) {
			/* Asleep: the flags down, then a last look. */
			ring_set_awake(0);
			ring_look();
			while (ring.head == NULL && !ring.quit)
				pthread_cond_wait(&ring.work, &ring.lock);
			ring_set_awake(1);
		}
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
	ring_rights(e->op, &brights, &frights);
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
		ring_vcap_put(r, &e->pairs[i].block, NULL);
		ring_vcap_put(r, &e->pairs[i].frame, j->va[i]);
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
	struct ring_job		*j;

	ring_copy(r, seq, &e);
	j = ring_job(r, seq, &e);
	if ((j->status = ring_check(r, &e, seq, j)) != 0) {
		j->n = 0;
		return (j);
	}
	ring_pin(j);
	return (j);
}

/*
 * Take what the libOS has written, as far as the completion ring has room
 * for its answers, with the full check (under lock).  The head is
 * published, then the tail read again: a libOS that wrote an entry
 * meanwhile and saw the old head did not ring.
 */
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

	pthread_mutex_lock(&ring.lock);
	r->owed = 0;
	if (r->dying) {
		pthread_mutex_unlock(&ring.lock);
		return;
	}
	for (;;) {
		tail = __atomic_load_n(&r->hdr->sq_tail, __ATOMIC_ACQUIRE);
		if (tail - r->sq_head > r->entries) {
			/* Behind the head, or past the end: take nothing. */
			if (r->hdr->error != EXO_ERING)
				r->hdr->errors++;
			r->hdr->error = EXO_ERING;
			r->bad_tail = tail;
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
	if (n > 0) {
		ring_queue(r, first, last, n);
		pthread_cond_signal(&ring.work);
	}
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

/* Blocks taken that DISK_INFO has not counted yet go into its counts. */
void
ring_count_fold(void)
{
	disk_count_ring(EXO_DISK_READ,
	    (unsigned)atomic_exchange(&ring.nread, 0));
	disk_count_ring(EXO_DISK_WRITE,
	    (unsigned)atomic_exchange(&ring.nwrite, 0));
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

	ring_set_stalled(r, 0);
	if (r->ev_bell != NULL)
		event_free(r->ev_bell);
	r->ev_bell = NULL;
	pthread_mutex_lock(&ring.lock);
	r->dying = 1;
	while (r->refs > 0 || atomic_load(&r->inflight) > 0)
		pthread_cond_wait(&ring.idle, &ring.lock);
	LIST_REMOVE(r, entry);
	for (i = 0; i < r->nframes; i++)
		ring_pin_move(&ring.fpin[r->fid[i]], -1);
	pthread_mutex_unlock(&ring.lock);
	close(r->bell);
	close(r->done);
	r->p->disk_ring = NULL;
	free(r->jobs);
	free(r->vb);
	free(r->vf);
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
	    (r->jobs = calloc(b->entries, sizeof *r->jobs)) == NULL ||
	    (r->vb = calloc(RING_VB, sizeof *r->vb)) == NULL ||
	    (r->vf = calloc(RING_VF, sizeof *r->vf)) == NULL) {
		if (r != NULL) {
			free(r->jobs);
			free(r->vb);
		}
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
		free(r->vb);
		free(r->vf);
		free(r);
		return (error);
	}
	pthread_mutex_lock(&ring.lock);
	for (i = 0; i < r->nframes; i++) {
		r->fid[i] = (uint32_t)caps[i].id;
		r->va[i] = frame_va(r->fid[i]);
		ring_pin_move(&ring.fpin[r->fid[i]], 1);
	}
	pthread_mutex_unlock(&ring.lock);
	r->hdr = (struct exo_disk_ring_hdr *)r->va[0];
	r->cq = (struct exo_disk_cqe *)(r->va[0] + EXO_DISK_RING_CQ_OFF);
	r->hdr->sq_head = r->hdr->cq_tail = b->start;
	r->hdr->error = r->hdr->errors = 0;
	r->bad_tail = b->start;	/* not out of range: the error is 0 */
	pthread_mutex_lock(&ring.lock);
	r->hdr->sq_polling = (uint32_t)ring.awake;
	LIST_INSERT_HEAD(&ring.rings, r, entry);
	pthread_mutex_unlock(&ring.lock);
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
	if (atomic_load_explicit(pin, memory_order_acquire) == 0)
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
	pthread_mutex_lock(&ring.lock);
	ring.fepoch[id]++;	/* the worker trusts no check made before */
	pthread_mutex_unlock(&ring.lock);
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
	if (ring.bpin == NULL || id >= ring.nb)
		return;
	pthread_mutex_lock(&ring.lock);
	ring.bepoch[id]++;	/* the worker trusts no check made before */
	pthread_mutex_unlock(&ring.lock);
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
	    (ring.bpin = calloc(ring.nb + 1, sizeof *ring.bpin)) == NULL ||
	    (ring.fepoch = calloc(ring.nf + 1, sizeof *ring.fepoch)) == NULL ||
	    (ring.bepoch = calloc(ring.nb + 1, sizeof *ring.bepoch)) == NULL)
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
	free(ring.fepoch);
	free(ring.bepoch);
	ring.fpin = ring.bpin = NULL;
	ring.fepoch = ring.bepoch = NULL;
}
