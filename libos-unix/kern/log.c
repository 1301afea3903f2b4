/*
 * log.c - the write-ahead log (log.h).
 *
 * Operations of a group share one transaction (group commit): a new one
 * begins at once unless a commit is under way or the log might not hold
 * its blocks, and then it sleeps until the commit is done.  The one that
 * ends the group commits it, on behalf of all.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/fs.h"
#include "bdev.h"
#include "bio.h"
#include "log.h"

static struct {
	uint32_t	 start;		/* the header's block */
	uint32_t	 size;		/* data blocks after it */
	uint32_t	 home_lo;	/* blocks a header may name: */
	uint32_t	 home_hi;	/*   [home_lo, home_hi) */
	int		 outstanding;	/* operations in the open group */
	int		 committing;	/* a commit is under way */
	int		 broken;	/* an I/O failed: no more commits */
	uint32_t	 n;		/* blocks in the open group */
	uint32_t	*block;		/* their homes, size entries */
	uint64_t	 seq;
	struct bdev_mem	 hmem;		/* the header's frame */
	struct log_stats st;
	int		 chan;
} lg;

static uint64_t
log_cksum(const struct logheader *h, unsigned char *const *data)
{
	uint64_t	c = BDEV_FNV64_INIT;
	uint32_t	i;

	c = bdev_fnv64(&h->seq, sizeof h->seq, c);
	c = bdev_fnv64(&h->n, sizeof h->n, c);
	c = bdev_fnv64(h->block, h->n * sizeof h->block[0], c);
	for (i = 0; i < h->n; i++)
		c = bdev_fnv64(data[i], BSIZE, c);
	return (c);
}

/* Write n buffers to the blocks dst[], BDEV_IO_MAX at a time. */
static int
log_write_blocks(const uint32_t *dst, struct buf **b, uint32_t n)
{
	struct bdev_mem	*m[BDEV_IO_MAX];
	uint32_t	 i, k, j;

	for (i = 0; i < n; i += k) {
		k = n - i > BDEV_IO_MAX ? BDEV_IO_MAX : n - i;
		for (j = 0; j < k; j++)
			m[j] = &b[i + j]->mem;
		if (bdev_write(bio_dev(), dst + i, m, k) != 0)
			return (-1);
	}
	return (0);
}

/* Logical block of the header of area k, and of its i-th data block. */
static uint32_t
log_hdr(int k)
{
	return (lg.start + (uint32_t)k * (lg.size + 1));
}

static uint32_t
log_slot(int k, uint32_t i)
{
	return (log_hdr(k) + 1 + i);
}

/*
 * Area k's header into h; 1 if it is a commit whose checksum holds, and
 * then, with install, its blocks written home.
 */
static int
log_area(int k, struct logheader *h, int install, char *err, size_t errlen)
{
	struct bdev_mem	 *m = &lg.hmem;
	unsigned char	**data = NULL;
	struct buf	**tmp = NULL;
	uint32_t	  hb = log_hdr(k), i;
	int		  rc = 0;

	if (bdev_read(bio_dev(), &hb, &m, 1) != 0) {
		snprintf(err, errlen, "cannot read the log header");
		return (-1);
	}
	memcpy(h, lg.hmem.va, sizeof *h);
	if (h->magic != FSLOGMAGIC || h->n == 0 || h->n > lg.size)
		return (0);
	for (i = 0; i < h->n; i++)
		if (h->block[i] < lg.home_lo || h->block[i] >= lg.home_hi)
			return (0);	/* not a header we wrote: ignore */
	if ((data = calloc(h->n, sizeof *data)) == NULL ||
	    (tmp = calloc(h->n, sizeof *tmp)) == NULL) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
		goto out;
	}
	for (i = 0; i < h->n; i++) {
		if ((tmp[i] = bio_read(log_slot(k, i))) == NULL) {
			snprintf(err, errlen, "cannot read log block %u", i);
			rc = -1;
			goto out;
		}
		data[i] = tmp[i]->data;
	}
	if (log_cksum(h, data) != h->cksum)
		goto out;
	rc = 1;
	if (install) {
		if (log_write_blocks(h->block, tmp, h->n) != 0 ||
		    bdev_flush(bio_dev()) != 0) {
			snprintf(err, errlen, "cannot replay the log");
			rc = -1;
		} else
			lg.st.replayed += h->n;
	}
out:
	for (i = 0; tmp != NULL && i < h->n && tmp[i] != NULL; i++)
		bio_release(tmp[i]);
	/* Homes were written behind the cache's back. */
	bio_invalidate();
	free(data);
	free(tmp);
	return (rc);
}

/* Replay the commits whose headers hold, the older first. */
static int
log_replay(char *err, size_t errlen)
{
	struct logheader	*h[2];
	int			 ok[2], j, k, first;

	h[0] = malloc(sizeof *h[0]);
	h[1] = malloc(sizeof *h[1]);
	if (h[0] == NULL || h[1] == NULL) {
		free(h[0]);
		free(h[1]);
		snprintf(err, errlen, "out of memory");
		return (-1);
	}
	for (k = 0; k < 2; k++)
		if ((ok[k] = log_area(k, h[k], 0, err, errlen)) < 0)
			goto fail;
	first = ok[0] && ok[1] ? h[1]->seq < h[0]->seq : !ok[0];
	for (j = 0; j < 2; j++) {
		k = j == 0 ? first : !first;
		if (!ok[k])
			continue;
		if (log_area(k, h[k], 1, err, errlen) < 0)
			goto fail;
		if (h[k]->seq > lg.seq)
			lg.seq = h[k]->seq;
	}
	free(h[0]);
	free(h[1]);
	return (0);
fail:
	free(h[0]);
	free(h[1]);
	return (-1);
}

int
log_init(const struct superblock *sb, char *err, size_t errlen)
{
	memset(&lg, 0, sizeof lg);
	err[0] = '\0';
	lg.start = sb->logstart;
	/* Two areas, used in turn, each a header and size data blocks. */
	lg.size = sb->nlog / 2 - 1;
	if (lg.size > LOGAREA)
		lg.size = LOGAREA;	/* what the cache can pin */
	if (lg.size < LOG_MAXOPBLOCKS) {
		snprintf(err, errlen, "the log is too small (%u blocks)",
		    sb->nlog);
		return (-1);
	}
	lg.home_lo = sb->inodestart;
	lg.home_hi = sb->size;
	if ((lg.block = calloc(lg.size, sizeof *lg.block)) == NULL ||
	    bio_dev()->ops->mem_alloc(bio_dev(), &lg.hmem, 1) != 0) {
		free(lg.block);
		lg.block = NULL;
		snprintf(err, errlen, "out of memory for the log");
		return (-1);
	}
	/* Best effort: unprotected, it is revoked and bound again. */
	(void)bio_dev()->ops->protect(bio_dev(), &lg.hmem);
	if (log_replay(err, errlen) != 0) {
		log_shutdown();
		return (-1);
	}
	lg.st.seq = lg.seq;
	return (0);
}

void
log_shutdown(void)
{
	if (bio_dev() != NULL)
		bdev_mem_release(bio_dev(), &lg.hmem);
	free(lg.block);
	memset(&lg, 0, sizeof lg);
}

int
log_broken(void)
{
	return (lg.broken);
}

int
log_begin_op(void)
{
	for (;;) {
		if (lg.block == NULL || log_broken())
			return (-1);
		if (!lg.committing && lg.n + (uint32_t)(lg.outstanding + 1) *
		    LOG_MAXOPBLOCKS <= lg.size) {
			lg.outstanding++;
			return (0);
		}
		/* Only another process can end what we wait for. */
		if (proc_current() == NULL)
			return (-1);
		proc_sleep(&lg.chan);
	}
}

/* Drop the group's pins; on failure, forget what it changed too. */
static void
log_unpin_all(int failed)
{
	struct buf	*b;
	uint32_t	 i;

	for (i = 0; i < lg.n; i++) {
		if ((b = bio_peek(lg.block[i])) == NULL)
			continue;
		if (failed && b->refcnt == 0)
			b->valid = 0;
		bio_unpin(b);
	}
	if (failed)
		bio_invalidate();
	lg.n = 0;
}

/* exod wants frames back: the header's goes at once, and is bound
 * again at the next commit. */
void
log_revoke(const struct exo_revoke_entry *vec, unsigned n)
{
	unsigned	i;

	for (i = 0; i < n; i++)
		if (bdev_mem_is(&lg.hmem, &vec[i].cap) && !lg.hmem.gone)
			bdev_mem_release(bio_dev(), &lg.hmem);
}

/* exod took the header's frame: the header is made afresh at every
 * commit, so its memory goes now unless a commit is using it, which
 * writes it through the bounce frame and lets it go after. */
void
log_repossessed(const struct exo_revoke_entry *vec, unsigned n)
{
	unsigned	i;

	for (i = 0; i < n; i++) {
		if (!bdev_mem_is(&lg.hmem, &vec[i].cap))
			continue;
		bdev_mem_gone(bio_dev(), &lg.hmem);
		if (!lg.committing)
			bdev_mem_release(bio_dev(), &lg.hmem);
	}
}

static int
log_commit(void)
{
	struct logheader *h = lg.hmem.va;
	unsigned char	**data;
	struct buf	**b;
	uint32_t	 *slot, i;
	int		  rc = -1;

	if (lg.n == 0)
		return (0);
	data = calloc(lg.n, sizeof *data);
	b = calloc(lg.n, sizeof *b);
	slot = calloc(lg.n, sizeof *slot);
	if (data == NULL || b == NULL || slot == NULL || log_broken())
		goto out;
	if (lg.hmem.gone)
		bdev_mem_release(bio_dev(), &lg.hmem);
	if (lg.hmem.va == NULL) {
		if (bio_dev()->ops->mem_alloc(bio_dev(), &lg.hmem, 1) != 0)
			goto out;
		(void)bio_dev()->ops->protect(bio_dev(), &lg.hmem);
	}
	h = lg.hmem.va;
	for (i = 0; i < lg.n; i++) {
		/* Pinned, so cached, and valid. */
		if ((b[i] = bio_peek(lg.block[i])) == NULL)
			goto out;
		data[i] = b[i]->data;
		slot[i] = log_slot((int)((lg.seq + 1) % 2), i);
	}
	if (log_write_blocks(slot, b, lg.n) != 0)
		goto out;
	memset(h, 0, BSIZE);
	h->magic = FSLOGMAGIC;
	h->n = lg.n;
	h->seq = lg.seq + 1;
	memcpy(h->block, lg.block, lg.n * sizeof lg.block[0]);
	h->cksum = log_cksum(h, data);
	{
		struct bdev_mem	*m = &lg.hmem;
		uint32_t	 hb = log_hdr((int)((lg.seq + 1) % 2));

		if (bdev_write(bio_dev(), &hb, &m, 1) != 0)
			goto out;
	}
	if (bdev_flush(bio_dev()) != 0)		/* the durability point */
		goto out;
	lg.seq++;
	lg.st.seq = lg.seq;
	lg.st.commits++;
	lg.st.blocks += lg.n;
	/* No flush after the install: the next commit uses the other area,
	 * and its flush makes this install durable before this area is
	 * written again. */
	if (log_write_blocks(lg.block, b, lg.n) != 0) {
		/* Committed, not installed: mount replays it. */
		lg.broken = 1;
		rc = 0;
		goto out;
	}
	rc = 0;
out:
	if (rc != 0)
		lg.broken = 1;
	log_unpin_all(rc != 0);
	free(data);
	free(b);
	free(slot);
	return (rc);
}

int
log_end_op(void)
{
	int	rc = 0;

	if (lg.outstanding <= 0)
		return (-1);
	lg.outstanding--;
	lg.st.ops++;
	if (lg.outstanding == 0) {
		lg.committing = 1;
		rc = log_commit();
		lg.committing = 0;
	}
	proc_wakeup(&lg.chan);
	return (rc);
}

void
log_write(struct buf *b)
{
	uint32_t	i;

	for (i = 0; i < lg.n; i++)
		if (lg.block[i] == b->blockno)
			return;		/* absorbed */
	if (lg.n >= lg.size || lg.outstanding < 1) {
		lg.broken = 1;		/* an operation over its bound */
		return;
	}
	lg.block[lg.n++] = b->blockno;
	bio_pin(b);
}

void
log_stats(struct log_stats *st)
{
	*st = lg.st;
}
