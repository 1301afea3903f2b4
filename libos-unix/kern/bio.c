/*
 * bio.c - the buffer cache (bio.h).
 *
 * One host thread runs every process as a coroutine, so there are no
 * spinlocks: a buffer's lock is its busy flag, and whoever finds it set
 * sleeps on the buffer (proc_sleep) until the holder releases it.  With
 * no process (mount, mkfs, fsck) nothing else can hold a buffer, so a
 * busy buffer then is a bug in the caller and is refused.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/fs.h"
#include "bdev.h"
#include "bio.h"

#define BIO_HASH	257

static struct {
	struct bdev	*dev;
	struct buf	*buf;		/* nbuf buffers */
	unsigned	 nbuf;
	unsigned	 hand;		/* CLOCK's hand */
	struct buf	*hash[BIO_HASH];
	struct bio_stats st;
} bio;

static unsigned
bio_hash(uint32_t bno)
{
	return (bno % BIO_HASH);
}

static void
bio_unhash(struct buf *b)
{
	struct buf	**pp;

	for (pp = &bio.hash[bio_hash(b->blockno)]; *pp != NULL;
	    pp = &(*pp)->hnext) {
		if (*pp == b) {
			*pp = b->hnext;
			break;
		}
	}
	b->hnext = NULL;
	b->hashed = 0;
	b->valid = 0;
}

static struct buf *
bio_lookup(uint32_t bno)
{
	struct buf	*b;

	for (b = bio.hash[bio_hash(bno)]; b != NULL; b = b->hnext)
		if (b->blockno == bno)
			return (b);
	return (NULL);
}

int
bio_init(struct bdev *d, unsigned nbuf)
{
	struct bdev_mem	*m;
	unsigned	 i;

	memset(&bio, 0, sizeof bio);
	if (nbuf < 16)
		nbuf = 16;
	if ((bio.buf = calloc(nbuf, sizeof *bio.buf)) == NULL ||
	    (m = calloc(nbuf, sizeof *m)) == NULL) {
		free(bio.buf);
		bio.buf = NULL;
		return (-1);
	}
	if (d->ops->mem_alloc(d, m, nbuf) != 0) {
		free(m);
		free(bio.buf);
		bio.buf = NULL;
		return (-1);
	}
	for (i = 0; i < nbuf; i++) {
		bio.buf[i].mem = m[i];
		bio.buf[i].data = m[i].va;
	}
	free(m);
	bio.dev = d;
	bio.nbuf = nbuf;
	bio.st.nbuf = nbuf;
	bdev_bounce_init(d);
	return (0);
}

void
bio_shutdown(void)
{
	unsigned	i;

	if (bio.buf == NULL)
		return;
	for (i = 0; i < bio.nbuf; i++)
		bdev_mem_release(bio.dev, &bio.buf[i].mem);
	bdev_bounce_fini(bio.dev);
	free(bio.buf);
	memset(&bio, 0, sizeof bio);
}

struct bdev *
bio_dev(void)
{
	return (bio.dev);
}

/* Memory for a buffer whose frame was given back. */
static int
bio_mem(struct buf *b)
{
	if (b->mem.va != NULL)
		return (0);
	if (bio.dev->ops->mem_alloc(bio.dev, &b->mem, 1) != 0)
		return (-1);
	b->data = b->mem.va;
	return (0);
}

/* CLOCK: a buffer nobody holds or pins, for block bno; NULL if all are
 * in use.  Buffers without a frame come last. */
static struct buf *
bio_victim(void)
{
	struct buf	*b, *bare = NULL;
	unsigned	 i;

	for (i = 0; i < 2 * bio.nbuf; i++) {
		b = &bio.buf[bio.hand];
		bio.hand = (bio.hand + 1) % bio.nbuf;
		if (b->refcnt != 0 || b->pin != 0 || b->mem.gone)
			continue;
		if (b->mem.va == NULL) {
			if (bare == NULL)
				bare = b;
			continue;
		}
		if (b->used) {
			b->used = 0;
			continue;
		}
		return (b);
	}
	if (bare != NULL && bio_mem(bare) == 0)
		return (bare);
	return (NULL);
}

static int
bio_lock(struct buf *b)
{
	while (b->busy) {
		if (proc_current() == NULL)
			return (-1);
		proc_sleep(b);
	}
	b->busy = 1;
	return (0);
}

/* The buffer for bno, locked, valid or not; NULL if none is free. */
struct buf *
bio_get(uint32_t bno)
{
	struct buf	*b;

	if (bio.dev == NULL || bno >= bio.dev->size)
		return (NULL);
	if ((b = bio_lookup(bno)) != NULL) {
		b->refcnt++;
		if (bio_lock(b) != 0) {
			b->refcnt--;
			return (NULL);
		}
		if (b->mem.va == NULL && bio_mem(b) != 0) {
			bio_release(b);
			return (NULL);
		}
		b->used = 1;
		return (b);
	}
	if ((b = bio_victim()) == NULL)
		return (NULL);
	if (b->valid)
		bio.st.evictions++;
	if (b->hashed)
		bio_unhash(b);
	b->blockno = bno;
	b->valid = 0;
	b->refcnt = 1;
	b->busy = 1;
	b->used = 1;
	b->hnext = bio.hash[bio_hash(bno)];
	bio.hash[bio_hash(bno)] = b;
	b->hashed = 1;
	return (b);
}

struct buf *
bio_read(uint32_t bno)
{
	struct bdev_mem	*m;
	struct buf	*b;

	if ((b = bio_get(bno)) == NULL)
		return (NULL);
	if (b->valid) {
		bio.st.hits++;
		return (b);
	}
	bio.st.misses++;
	m = &b->mem;
	if (bdev_read(bio.dev, &bno, &m, 1) != 0) {
		bio_release(b);
		return (NULL);
	}
	b->valid = 1;
	return (b);
}

struct buf *
bio_peek(uint32_t bno)
{
	struct buf	*b = bio_lookup(bno);

	return (b != NULL && b->valid && b->mem.va != NULL ? b : NULL);
}

/* Read the blocks of bno[] that are not cached in one request. */
void
bio_prefetch(const uint32_t *bno, unsigned n)
{
	struct buf	*b[BDEV_IO_MAX];
	struct bdev_mem	*m[BDEV_IO_MAX];
	uint32_t	 want[BDEV_IO_MAX];
	unsigned	 i, k = 0;
	int		 ok;

	for (i = 0; i < n && k < BDEV_IO_MAX; i++) {
		if (bno[i] == 0 || bno[i] >= bio.dev->size ||
		    bio_lookup(bno[i]) != NULL)
			continue;
		if ((b[k] = bio_get(bno[i])) == NULL)
			break;
		want[k] = bno[i];
		m[k] = &b[k]->mem;
		k++;
	}
	if (k == 0)
		return;
	ok = bdev_read(bio.dev, want, m, k) == 0;
	for (i = 0; i < k; i++) {
		b[i]->valid = ok;
		b[i]->used = 0;	/* read ahead, not yet used */
		bio_release(b[i]);
	}
	if (ok)
		bio.st.prefetched += k;
}

int
bio_write(struct buf *b)
{
	struct bdev_mem	*m = &b->mem;

	return (bdev_write(bio.dev, &b->blockno, &m, 1));
}

/* Let a buffer's memory go: its frame back to exod, or, if exod took
 * it, the memory that outlived it.  Its block goes with it. */
static void
bio_forget(struct buf *b)
{
	if (b->hashed)
		bio_unhash(b);
	bdev_mem_release(bio.dev, &b->mem);
	b->data = NULL;
	b->revoked = 0;
}

/* Give a buffer's frame back to exod (unless exod took it already). */
static void
bio_drop(struct buf *b)
{
	uint64_t	gone = bio.dev->gone;

	bio_forget(b);
	if (bio.dev->gone == gone)
		bio.st.revoked++;
}

/* A dirty buffer whose frame is wanted back: move its contents into the
 * frame of a clean buffer nobody uses, which gives up its block. */
static int
bio_move(struct buf *b)
{
	struct bdev_mem	 tmp;
	struct buf	*v;
	unsigned	 i;

	if (b->mem.gone) {
		b->revoked = 0;		/* taken already: nothing to give */
		return (0);
	}
	for (i = 0; i < bio.nbuf; i++) {
		v = &bio.buf[i];
		if (v == b || v->refcnt != 0 || v->pin != 0 || v->revoked ||
		    v->mem.va == NULL || v->mem.gone)
			continue;
		memcpy(v->mem.va, b->mem.va, BSIZE);
		tmp = v->mem;
		v->mem = b->mem;
		b->mem = tmp;
		b->data = b->mem.va;
		v->data = v->mem.va;
		bio_drop(v);
		b->revoked = 0;
		bio.st.revoke_moved++;
		return (0);
	}
	return (-1);
}

void
bio_release(struct buf *b)
{
	b->busy = 0;
	b->refcnt--;
	if (b->refcnt == 0 && b->pin == 0 && b->mem.gone)
		bio_forget(b);		/* clean: read again when wanted */
	else if (b->refcnt == 0 && b->revoked) {
		if (b->pin == 0)
			bio_drop(b);
		else
			bio_move(b);
	}
	proc_wakeup(b);
}

void
bio_pin(struct buf *b)
{
	b->pin++;
}

/* Unpinned: installed at its home (or its group forgotten). */
void
bio_unpin(struct buf *b)
{
	b->pin--;
	if (b->pin == 0 && b->refcnt == 0 && b->mem.gone)
		bio_forget(b);
	else if (b->pin == 0 && b->refcnt == 0 && b->revoked)
		bio_drop(b);
}

int
bio_invalidate(void)
{
	unsigned	i;
	int		n = 0;

	for (i = 0; i < bio.nbuf; i++) {
		if (bio.buf[i].refcnt == 0 && bio.buf[i].pin == 0 &&
		    bio.buf[i].hashed) {
			bio_unhash(&bio.buf[i]);
			n++;
		}
	}
	return (n);
}

static struct buf *
bio_by_frame(const struct exo_cap *cap)
{
	unsigned	i;

	for (i = 0; i < bio.nbuf; i++)
		if (bdev_mem_is(&bio.buf[i].mem, cap))
			return (&bio.buf[i]);
	return (NULL);
}

int
bio_revoke(const struct exo_revoke_entry *vec, unsigned n)
{
	struct buf	*b;
	unsigned	 i;
	int		 given = 0;

	for (i = 0; i < n; i++) {
		if (bdev_bounce_revoke(bio.dev, &vec[i].cap, 1)) {
			given++;
			continue;
		}
		if ((b = bio_by_frame(&vec[i].cap)) == NULL || b->mem.gone)
			continue;	/* not ours, or taken already */
		b->revoked = 1;
		if (b->refcnt != 0)
			continue;	/* at its release */
		if (b->pin == 0)
			bio_drop(b);
		else if (bio_move(b) != 0)
			continue;	/* at its unpin */
		given++;
	}
	return (given);
}

/*
 * Frames exod took by force.  What a buffer held is still in memory (the
 * mapping outlives the frame, exo_revoke(3)), so nothing is lost: a
 * buffer nobody holds or pins lets its memory go, and its block is read
 * again when wanted; one held or pinned keeps its memory, gone, until
 * it is released and unpinned, and meanwhile reaches the disk through
 * the bounce frame (bdev.c).  A dirty buffer is pinned until its group
 * is installed, so its contents reach both the log and its home.
 */
void
bio_repossessed(const struct exo_revoke_entry *vec, unsigned n)
{
	struct buf	*b;
	unsigned	 i;

	for (i = 0; i < n; i++) {
		if (bdev_bounce_revoke(bio.dev, &vec[i].cap, 0))
			continue;
		if ((b = bio_by_frame(&vec[i].cap)) == NULL || b->mem.gone)
			continue;
		bdev_mem_gone(bio.dev, &b->mem);
		bio.st.repossessed++;
		b->revoked = 0;
		if (b->refcnt == 0 && b->pin == 0)
			bio_forget(b);
		else
			bio.st.kept++;
	}
}

void
bio_stats(struct bio_stats *st)
{
	*st = bio.st;
	st->held = bio.dev != NULL ? bio.dev->mem_held : 0;
	st->gone = bio.dev != NULL ? bio.dev->gone : 0;
	st->bounced = bio.dev != NULL ? bio.dev->bounced : 0;
	st->protected = bio.dev != NULL ? bio.dev->bounce_protected : 0;
}

/* The exod frame numbers of the buffers that hold one, in their order,
 * runs of consecutive numbers (up or down) as "a-b": for libos-unix -v,
 * which tells an administrator which frames exoctl(1) revoke would take
 * from the cache. */
void
bio_frames(char *out, size_t len)
{
	uint64_t	 lo = 0, hi = 0, id;
	size_t		 k = 0;
	unsigned	 i;
	int		 n = 0, dir = 0, w;

	out[0] = '\0';
	for (i = 0; i <= bio.nbuf; i++) {
		if (i < bio.nbuf && (bio.buf[i].mem.va == NULL ||
		    bio.buf[i].mem.gone))
			continue;
		id = i < bio.nbuf ? bio.buf[i].mem.frame.cap.id : 0;
		if (n > 0 && i < bio.nbuf && (n == 1 || dir == 1) &&
		    id == hi + 1) {
			hi = id;
			dir = 1;
			n++;
			continue;
		}
		if (n > 0 && i < bio.nbuf && (n == 1 || dir == -1) &&
		    id + 1 == hi) {
			hi = id;
			dir = -1;
			n++;
			continue;
		}
		if (n > 0) {
			w = n == 1 ? snprintf(out + k, len - k, "%s%llu",
			    k ? " " : "", (unsigned long long)lo) :
			    snprintf(out + k, len - k, "%s%llu-%llu",
			    k ? " " : "", (unsigned long long)lo,
			    (unsigned long long)hi);
			if (w < 0 || (size_t)w >= len - k) {
				out[k] = '\0';
				return;
			}
			k += (size_t)w;
		}
		lo = hi = id;
		n = 1;
		dir = 0;
	}
}
