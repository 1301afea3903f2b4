/*
 * bdev_exo.c - the file system on exod's disk.
 *
 * The file system's blocks are exod blocks bound to this libOS by
 * capability; they belong to its user id and name, so a later run under
 * the same name, also after exod restarts, gets them back and asks for
 * fresh capabilities (exo_block_list(3)).  Block 0 of the file system,
 * the map (kernel/fs.h), says which exod blocks hold it and in which
 * order; it is the first owned block whose map names itself first.
 *
 * exod moves the data between blocks and frames (exo_disk_read(3)) and
 * raises a completion interrupt; the calling process sleeps until it
 * comes (proc_sleep), and with no process, as at mount or in mkfs and
 * fsck, the libOS waits for it (exo_wait(3)).
 */
#include "config.h"

#include <sys/mman.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/fs.h"
#include "bdev.h"

#define BDEV_EXO_PENDING	64	/* requests in flight at once */
#define BDEV_EXO_PROBE		16	/* owned blocks tried for the map */

struct bdev_exo {
	struct exo	*e;
	struct exo_cap	*cap;		/* cap[lbn]: the block's capability */
};

/* One request waiting for its completion interrupt. */
struct bdev_exo_req {
	uint64_t		tag;	/* 0: slot free */
	volatile int		done;	/* the interrupt came */
	volatile int		status;	/* its status: 0 or -EXO_EIO */
};

static struct bdev_exo_req	bdev_exo_req[BDEV_EXO_PENDING];
static uint64_t			bdev_exo_seq;
static int			bdev_exo_slots_chan;

void
bdev_exo_intr(const struct exo_intr *in)
{
	struct bdev_exo_req	*r;
	unsigned		 i;

	if (in->kind != EXO_INTR_DISK)
		return;
	for (i = 0; i < BDEV_EXO_PENDING; i++) {
		r = &bdev_exo_req[i];
		if (r->tag == 0 || r->done)
			continue;
		/* A lost completion is for an older request, whose data
		 * had moved when its call returned (exo_disk_read(3)). */
		if (r->tag == in->value ||
		    (in->dropped != 0 && r->tag < in->value)) {
			r->status = r->tag == in->value ? in->status : 0;
			r->done = 1;
			proc_wakeup(r);
		}
	}
}

static struct bdev_exo_req *
bdev_exo_req_get(void)
{
	unsigned	i;

	for (;;) {
		for (i = 0; i < BDEV_EXO_PENDING; i++) {
			if (bdev_exo_req[i].tag == 0) {
				bdev_exo_req[i].tag = ++bdev_exo_seq;
				bdev_exo_req[i].done = 0;
				bdev_exo_req[i].status = 0;
				return (&bdev_exo_req[i]);
			}
		}
		if (proc_current() == NULL)
			return (NULL);
		proc_sleep(&bdev_exo_slots_chan);
	}
}

static void
bdev_exo_req_put(struct bdev_exo_req *r)
{
	r->tag = 0;
	proc_wakeup(&bdev_exo_slots_chan);
}

/* DMA between exod blocks and frames, and wait for the completion. */
static int
bdev_exo_dma(struct exo *e, int op, const struct exo_cap *blk,
    const struct exo_cap *frm, unsigned n)
{
	struct bdev_exo_req	*r;
	int			 error, status;

	if ((r = bdev_exo_req_get()) == NULL)
		return (-1);
	if (op == BDEV_READ)
		error = exo_disk_read(e, r->tag, blk, frm, n);
	else
		error = exo_disk_write(e, r->tag, blk, frm, n);
	if (error != 0) {
		bdev_exo_req_put(r);
		return (-1);
	}
	while (!r->done) {
		if (proc_current() != NULL)
			proc_sleep_unless(r, &r->done);
		else if (exo_wait(e) < 0)
			break;
	}
	status = r->done ? r->status : -1;
	bdev_exo_req_put(r);
	return (status == 0 ? 0 : -1);
}

static int
bdev_exo_io(struct bdev *d, int op, const uint32_t *lbn,
    struct bdev_mem *const *mem, unsigned n)
{
	struct bdev_exo	*x = d->priv;
	struct exo_cap	 blk[BDEV_IO_MAX], frm[BDEV_IO_MAX];
	unsigned	 i;

	for (i = 0; i < n; i++) {
		blk[i] = x->cap[lbn[i]];
		frm[i] = mem[i]->frame.cap;
	}
	return (bdev_exo_dma(x->e, op, blk, frm, n));
}

static int
bdev_exo_mem_alloc(struct bdev *d, struct bdev_mem *m, unsigned n)
{
	struct bdev_exo		*x = d->priv;
	struct exo_frame	 f[EXO_BATCH_MAX];
	unsigned		 done = 0, k, i;

	while (done < n) {
		k = n - done > EXO_BATCH_MAX ? EXO_BATCH_MAX : n - done;
		if (exo_frame_alloc_batch(x->e, f, k) != 0)
			goto fail;
		for (i = 0; i < k; i++) {
			m[done + i].gone = 0;
			m[done + i].frame = f[i];
			m[done + i].va = exo_frame_map(&m[done + i].frame,
			    PROT_READ | PROT_WRITE);
			if (m[done + i].va == NULL) {
				d->mem_held += done + i;
				d->ops->mem_free(d, m, done + i);
				exo_frame_free_batch(x->e, &f[i], k - i);
				return (-1);
			}
		}
		done += k;
	}
	d->mem_held += n;
	return (0);
fail:
	d->mem_held += done;
	d->ops->mem_free(d, m, done);
	return (-1);
}

static void
bdev_exo_mem_free(struct bdev *d, struct bdev_mem *m, unsigned n)
{
	struct bdev_exo	*x = d->priv;
	unsigned	 i;
	int		 error;

	for (i = 0; i < n; i++) {
		if (m[i].va == NULL)
			continue;
		/* Refused (exod took it meanwhile): let go of it here. */
		if ((error = exo_frame_free(x->e, &m[i].frame)) != 0) {
			(void)exo_frame_forget(&m[i].frame);
			if (error == -EXO_ESTALE)
				d->gone++;
		}
		m[i].va = NULL;
		d->mem_held--;
	}
}

static int
bdev_exo_held(struct bdev *d, const struct bdev_mem *m)
{
	struct bdev_exo	*x = d->priv;
	int		 error;

	error = exo_cap_check(x->e, &m->frame.cap, EXO_RIGHT_READ |
	    EXO_RIGHT_WRITE);
	if (error == 0)
		return (1);
	return (error == -EXO_ESTALE ? 0 : -1);
}

static void
bdev_exo_forget(struct bdev *d, struct bdev_mem *m)
{
	(void)d;
	(void)exo_frame_forget(&m->frame);
	m->va = NULL;
}

static int
bdev_exo_protect(struct bdev *d, struct bdev_mem *m)
{
	struct bdev_exo	*x = d->priv;

	return (exo_frame_protect(x->e, &m->frame.cap, 1, 1) == 0 ? 0 : -1);
}

static int
bdev_exo_flush(struct bdev *d)
{
	struct bdev_exo	*x = d->priv;

	return (exo_disk_flush(x->e) == 0 ? 0 : -1);
}

static void
bdev_exo_close(struct bdev *d)
{
	struct bdev_exo	*x = d->priv;

	free(x->cap);
	free(x);
	free(d);
}

static const struct bdev_ops bdev_exo_ops = {
	bdev_exo_mem_alloc, bdev_exo_mem_free, bdev_exo_io, bdev_exo_flush,
	bdev_exo_close, bdev_exo_held, bdev_exo_forget, bdev_exo_protect
};

/* Every block the libOS owns, by block number: count, or -1. */
static long
bdev_exo_list(struct exo *e, struct exo_cap **capsp)
{
	struct exo_cap	*caps = NULL, *np;
	uint32_t	 total = 0, got = 0;
	unsigned	 n;

	*capsp = NULL;
	for (;;) {
		if (got == total && got != 0)
			break;
		if ((np = realloc(caps, ((size_t)got + EXO_BATCH_MAX) *
		    sizeof *caps)) == NULL)
			goto fail;
		caps = np;
		if (exo_block_list(e, got, caps + got, EXO_BATCH_MAX, &n,
		    &total) != 0)
			goto fail;
		if (n == 0)
			break;
		got += n;
	}
	*capsp = caps;
	return ((long)got);
fail:
	free(caps);
	return (-1);
}

long
bdev_exo_owned(struct exo *e)
{
	struct exo_cap	caps[1];
	uint32_t	total;
	unsigned	n;

	if (exo_block_list(e, 0, caps, 1, &n, &total) != 0)
		return (-1);
	return ((long)total);
}

static struct bdev *
bdev_exo_new(struct exo *e, struct exo_cap *cap, uint32_t size)
{
	struct bdev	*d;
	struct bdev_exo	*x;

	if ((d = calloc(1, sizeof *d)) == NULL ||
	    (x = calloc(1, sizeof *x)) == NULL) {
		free(d);
		return (NULL);
	}
	x->e = e;
	x->cap = cap;
	d->ops = &bdev_exo_ops;
	d->size = size;
	d->priv = x;
	return (d);
}

/* Read or write one block through a scratch frame. */
static int
bdev_exo_rw1(struct exo *e, int op, const struct exo_cap *blk, void *buf)
{
	struct exo_frame	f;
	void			*va;
	int			 rc = -1;

	if (exo_frame_alloc(e, &f) != 0)
		return (-1);
	if ((va = exo_frame_map(&f, PROT_READ | PROT_WRITE)) != NULL) {
		if (op == BDEV_WRITE)
			memcpy(va, buf, BSIZE);
		rc = bdev_exo_dma(e, op, blk, &f.cap, 1);
		if (rc == 0 && op == BDEV_READ)
			memcpy(buf, va, BSIZE);
	}
	exo_frame_free(e, &f);
	return (rc);
}

static int
bdev_exo_find(const struct exo_cap *caps, long n, uint64_t id)
{
	long	lo = 0, hi = n - 1, mid;

	while (lo <= hi) {
		mid = (lo + hi) / 2;
		if (caps[mid].id == id)
			return ((int)mid);
		if (caps[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return (-1);
}

/* The map in blk names itself first and only blocks we own: the table
 * of capabilities by logical number, or NULL. */
static struct exo_cap *
bdev_exo_map_caps(const struct fsmap *m, uint64_t self,
    const struct exo_cap *owned, long nowned)
{
	struct exo_cap	*cap;
	uint64_t	 sum = 0;
	uint32_t	 i, j, lbn = 0;
	int		 k;

	if (m->magic != FSMAPMAGIC || m->next == 0 || m->next > FSMAP_MAX ||
	    m->cksum != bdev_fnv32(m->ext, m->next * sizeof m->ext[0],
	    BDEV_FNV32_INIT) || m->ext[0].start != self)
		return (NULL);
	for (i = 0; i < m->next; i++)
		sum += m->ext[i].len;
	if (sum != m->size || sum < 2 || sum > (uint64_t)nowned)
		return (NULL);
	if ((cap = calloc(sum, sizeof *cap)) == NULL)
		return (NULL);
	for (i = 0; i < m->next; i++) {
		for (j = 0; j < m->ext[i].len; j++) {
			k = bdev_exo_find(owned, nowned,
			    (uint64_t)m->ext[i].start + j);
			if (k < 0) {
				free(cap);
				return (NULL);
			}
			cap[lbn++] = owned[k];
		}
	}
	return (cap);
}

int
bdev_exo_open(struct exo *e, struct bdev **dp, char *err, size_t errlen)
{
	struct exo_cap	*owned, *cap = NULL;
	struct fsmap	*m;
	long		 n, i;

	*dp = NULL;
	if ((n = bdev_exo_list(e, &owned)) < 0) {
		snprintf(err, errlen, "cannot list the libOS's disk blocks");
		return (-1);
	}
	if (n == 0) {
		free(owned);
		snprintf(err, errlen, "no file system: this name owns no "
		    "disk blocks (make one with --mkfs)");
		return (-1);
	}
	if ((m = malloc(BSIZE)) == NULL) {
		free(owned);
		snprintf(err, errlen, "out of memory");
		return (-1);
	}
	for (i = 0; i < n && i < BDEV_EXO_PROBE && cap == NULL; i++) {
		if (bdev_exo_rw1(e, BDEV_READ, &owned[i], m) != 0)
			continue;
		cap = bdev_exo_map_caps(m, owned[i].id, owned, n);
	}
	if (cap == NULL) {
		snprintf(err, errlen, "no file system map in the %ld disk "
		    "blocks this name owns", n);
		free(m);
		free(owned);
		return (-1);
	}
	if ((*dp = bdev_exo_new(e, cap, m->size)) == NULL) {
		free(cap);
		snprintf(err, errlen, "out of memory");
	}
	free(m);
	free(owned);
	return (*dp == NULL ? -1 : 0);
}

static int
bdev_exo_cmp(const void *a, const void *b)
{
	const struct exo_cap	*x = a, *y = b;

	return (x->id < y->id ? -1 : x->id > y->id);
}

static int
bdev_exo_free_all(struct exo *e, struct exo_cap *caps, long n)
{
	long	i, k;

	for (i = 0; i < n; i += k) {
		k = n - i > EXO_BATCH_MAX ? EXO_BATCH_MAX : n - i;
		if (exo_block_free(e, caps + i, (unsigned)k) != 0)
			return (-1);
	}
	return (0);
}

int
bdev_exo_create(struct exo *e, uint32_t size, struct bdev **dp, char *err,
    size_t errlen)
{
	struct exo_cap	*owned, *cap;
	struct fsmap	*m;
	uint32_t	 got, k, i;
	long		 n;
	int		 error;

	*dp = NULL;
	if ((n = bdev_exo_list(e, &owned)) < 0 ||
	    bdev_exo_free_all(e, owned, n) != 0) {
		free(owned);
		snprintf(err, errlen, "cannot give back the old blocks");
		return (-1);
	}
	free(owned);
	if ((cap = calloc(size, sizeof *cap)) == NULL ||
	    (m = calloc(1, BSIZE)) == NULL) {
		free(cap);
		snprintf(err, errlen, "out of memory");
		return (-1);
	}
	for (got = 0; got < size; got += k) {
		k = size - got > EXO_BATCH_MAX ? EXO_BATCH_MAX : size - got;
		if ((error = exo_block_alloc(e, cap + got, k)) != 0) {
			snprintf(err, errlen, "cannot bind %u disk blocks "
			    "(%u bound): %s", size, got, exo_strerror(error));
			bdev_exo_free_all(e, cap, got);
			goto fail;
		}
	}
	qsort(cap, size, sizeof *cap, bdev_exo_cmp);
	m->magic = FSMAPMAGIC;
	m->size = size;
	for (i = 0; i < size; i++) {
		if (m->next > 0 && cap[i].id == (uint64_t)m->ext[m->next -
		    1].start + m->ext[m->next - 1].len) {
			m->ext[m->next - 1].len++;
			continue;
		}
		if (m->next == FSMAP_MAX || cap[i].id > UINT32_MAX) {
			snprintf(err, errlen, "the disk is too fragmented: "
			    "more than %d runs", FSMAP_MAX);
			bdev_exo_free_all(e, cap, size);
			goto fail;
		}
		m->ext[m->next].start = (uint32_t)cap[i].id;
		m->ext[m->next++].len = 1;
	}
	m->cksum = bdev_fnv32(m->ext, m->next * sizeof m->ext[0],
	    BDEV_FNV32_INIT);
	if (bdev_exo_rw1(e, BDEV_WRITE, &cap[0], m) != 0 ||
	    exo_disk_flush(e) != 0) {
		snprintf(err, errlen, "cannot write the map block");
		bdev_exo_free_all(e, cap, size);
		goto fail;
	}
	free(m);
	if ((*dp = bdev_exo_new(e, cap, size)) == NULL) {
		free(cap);
		snprintf(err, errlen, "out of memory");
		return (-1);
	}
	return (0);
fail:
	free(m);
	free(cap);
	return (-1);
}

int64_t
bdev_exo_physical(struct bdev *d, uint32_t lbn)
{
	struct bdev_exo	*x = d->priv;

	if (d->ops != &bdev_exo_ops || lbn >= d->size)
		return (-1);
	return ((int64_t)x->cap[lbn].id);
}

const struct exo_cap *
bdev_exo_cap(struct bdev *d, uint32_t lbn)
{
	struct bdev_exo	*x = d->priv;

	if (d->ops != &bdev_exo_ops || lbn >= d->size)
		return (NULL);
	return (&x->cap[lbn]);
}
