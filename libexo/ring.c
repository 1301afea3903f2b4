/*
 * ring.c - the disk ring from the libOS's side: bind it once, then queue
 * reads and writes by writing entries into memory shared with exod, and
 * take the completions from it, without a request each.
 *
 * The doorbell is rung only when the ring goes from empty to non-empty:
 * the tail is published, then exod's head read; if exod had taken
 * everything before this entry, it may have stopped looking.  exod
 * publishes its head, then reads the tail again, so one of the two sees
 * the other (exo-protocol(7) DISK RING).
 */
#include "config.h"

#include <sys/mman.h>

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libexo-int.h"

#define RING_SPIN_NS	50000	/* spin this long before sleeping */
#define RING_BUSY_NS	5000	/* of it, without yielding the CPU */

static void
exo_disk_ring_unmap(struct exo_disk_ring *r)
{
	unsigned	i;

	for (i = 0; i < r->nframes; i++)
		if (r->frames[i].va != NULL)
			(void)exo_frame_unmap(&r->frames[i]);
}

int
exo_disk_ring_create(struct exo *e, struct exo_disk_ring *r,
    unsigned entries, uint32_t start)
{
	struct {
		struct exo_disk_ring_bind	hdr;
		struct exo_cap			caps[EXO_DISK_RING_FRAMES(
						    EXO_DISK_RING_MAX)];
	}		req;
	int		fds[2];
	unsigned	i, nfds = 0;
	int		error;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (r == NULL || entries == 0 || entries > EXO_DISK_RING_MAX ||
	    (entries & (entries - 1)) != 0)
		return (-EXO_EINVAL);
	memset(r, 0, sizeof *r);
	r->bell = r->done = -1;
	r->nframes = EXO_DISK_RING_FRAMES(entries);
	if ((error = exo_frame_alloc_batch(e, r->frames, r->nframes)) != 0) {
		r->nframes = 0;
		return (error);
	}
	for (i = 0; i < r->nframes; i++) {
		if (exo_frame_map(&r->frames[i], PROT_READ | PROT_WRITE) ==
		    NULL) {
			error = -EXO_ESYS;
			goto bad;
		}
		req.caps[i] = r->frames[i].cap;
	}
	r->hdr = r->frames[0].va;
	r->hdr->sq_tail = r->hdr->cq_head = start;
	req.hdr.entries = entries;
	req.hdr.start = start;
	req.hdr.count = r->nframes;
	req.hdr.flags = 0;
	error = exo_request(e, EXO_MSG_DISK_RING_BIND, &req, sizeof req.hdr +
	    r->nframes * sizeof req.caps[0], NULL, 0, NULL, fds, 2, &nfds);
	if (error == 0 && nfds != 2)
		error = -EXO_EPROTO;
	if (error != 0) {
		for (i = 0; i < nfds; i++)
			close(fds[i]);
		goto bad;
	}
	r->e = e;
	r->entries = entries;
	r->sq_tail = r->cq_head = start;
	r->bell = fds[0];
	r->done = fds[1];
	return (0);
bad:
	exo_disk_ring_unmap(r);
	(void)exo_frame_free_batch(e, r->frames, r->nframes);
	memset(r, 0, sizeof *r);
	r->bell = r->done = -1;
	return (error);
}

/* exod is done with the ring once it answers; then the frames go. */
int
exo_disk_ring_destroy(struct exo_disk_ring *r)
{
	int	error;

	if (r == NULL || r->e == NULL)
		return (-EXO_EINVAL);
	error = exo_request(r->e, EXO_MSG_DISK_RING_UNBIND, NULL, 0, NULL, 0,
	    NULL, NULL, 0, NULL);
	exo_disk_ring_unmap(r);
	(void)exo_frame_free_batch(r->e, r->frames, r->nframes);
	close(r->bell);
	close(r->done);
	memset(r, 0, sizeof *r);
	r->bell = r->done = -1;
	return (error);
}

int
exo_disk_ring_submit(struct exo_disk_ring *r, uint32_t op, uint64_t tag,
    const struct exo_cap *blocks, const struct exo_cap *frames, unsigned n)
{
	struct exo_disk_sqe	*q;
	uint32_t		 slot, head;
	uint64_t		 one = 1;
	unsigned		 i;

	if (r == NULL || r->e == NULL || blocks == NULL || frames == NULL ||
	    n == 0 || n > EXO_DISK_RING_PAIRS ||
	    (op != EXO_DISK_READ && op != EXO_DISK_WRITE))
		return (-EXO_EINVAL);
	/* Every entry in flight has a completion slot waiting for it. */
	if (r->sq_tail - r->cq_head >= r->entries)
		return (-EXO_EBUSY);
	slot = r->sq_tail % r->entries;
	q = (struct exo_disk_sqe *)((unsigned char *)
	    r->frames[1 + slot / EXO_DISK_RING_SQ_PER_FRAME].va +
	    (slot % EXO_DISK_RING_SQ_PER_FRAME) * sizeof *q);
	q->op = (uint16_t)op;
	q->count = (uint16_t)n;
	q->tag = tag;
	for (i = 0; i < n; i++) {
		q->pairs[i].block = blocks[i];
		q->pairs[i].frame = frames[i];
	}
	__atomic_store_n(&q->seq, r->sq_tail, __ATOMIC_RELEASE);
	r->sq_tail++;
	__atomic_store_n(&r->hdr->sq_tail, r->sq_tail, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&r->hdr->sq_polling, __ATOMIC_RELAXED))
		return (0);	/* exod is looking: it sees the tail */
	head = __atomic_load_n(&r->hdr->sq_head, __ATOMIC_ACQUIRE);
	if (head == r->sq_tail - 1 &&
	    write(r->bell, &one, sizeof one) != sizeof one)
		return (-EXO_ESYS);
	return (0);
}

/* Take up to max completions that are there now; how many. */
int
exo_disk_ring_reap(struct exo_disk_ring *r, struct exo_disk_cqe *out,
    unsigned max)
{
	const struct exo_disk_cqe *cq;
	uint32_t		 tail;
	unsigned		 n = 0;

	if (r == NULL || r->e == NULL || (out == NULL && max > 0))
		return (-EXO_EINVAL);
	cq = (const struct exo_disk_cqe *)((unsigned char *)r->frames[0].va +
	    EXO_DISK_RING_CQ_OFF);
	tail = __atomic_load_n(&r->hdr->cq_tail, __ATOMIC_ACQUIRE);
	/* A tail more than a ring ahead is not exod's: take none. */
	if (tail - r->cq_head > r->entries)
		return (-EXO_EPROTO);
	while (r->cq_head != tail && n < max) {
		memcpy(&out[n++], &cq[r->cq_head % r->entries], sizeof *out);
		r->cq_head++;
	}
	__atomic_store_n(&r->hdr->cq_head, r->cq_head, __ATOMIC_RELEASE);
	return ((int)n);
}

static uint64_t
exo_disk_ring_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec);
}

/*
 * Look for completions for RING_SPIN_NS, with cq_spinning set so that exod
 * rings no interrupt meanwhile; after the first RING_BUSY_NS the spin
 * yields, since exod's worker may need this CPU to make them.  The flag
 * is cleared, then cq_tail read again: a completion posted while exod saw
 * the flag set is found here.
 */
static int
exo_disk_ring_spin(struct exo_disk_ring *r, struct exo_disk_cqe *out,
    unsigned max)
{
	uint64_t	t0, t;
	int		n;

	__atomic_store_n(&r->hdr->cq_spinning, 1, __ATOMIC_SEQ_CST);
	t0 = exo_disk_ring_now();
	while ((n = exo_disk_ring_reap(r, out, max)) == 0) {
		t = exo_disk_ring_now() - t0;
		if (t >= RING_SPIN_NS)
			break;
		if (t >= RING_BUSY_NS)
			sched_yield();
	}
	__atomic_store_n(&r->hdr->cq_spinning, 0, __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (n == 0)
		n = exo_disk_ring_reap(r, out, max);
	return (n);
}

/*
 * Take at least one completion: spin a little (a completion is often a
 * few microseconds away), then sleep on the completion interrupt, which
 * exod rings once per batch after writing the batch's completions.
 */
int
exo_disk_ring_wait(struct exo_disk_ring *r, struct exo_disk_cqe *out,
    unsigned max)
{
	struct pollfd	pfd[2];
	uint64_t	v;
	int		n;

	if (r == NULL || r->e == NULL || out == NULL || max == 0)
		return (-EXO_EINVAL);
	if (r->sq_tail == r->cq_head)
		return (-EXO_ESTATE);	/* nothing would ever come */
	n = exo_disk_ring_spin(r, out, max);
	while (n == 0) {
		pfd[0].fd = r->done;
		pfd[0].events = POLLIN;
		pfd[1].fd = exo_fd(r->e);
		pfd[1].events = 0;	/* exod gone: POLLHUP */
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			return (-EXO_ESYS);
		}
		if (pfd[0].revents & POLLIN)
			(void)read(r->done, &v, sizeof v);
		n = exo_disk_ring_reap(r, out, max);
		if (n == 0 && (pfd[1].revents & (POLLHUP | POLLERR)))
			return (-EXO_ECONN);
	}
	return (n);
}
