/*
 * disk-ring.t - the disk ring (exo_disk_ring(3), exo-protocol(7) DISK
 * RING): DISK I/O through memory shared with exod.
 *
 *  1. Byte-exact: random writes (random counts, blocks repeated across
 *     entries) then random reads, at depths 1, 4 and 32, from index 0 and
 *     from just before 2^32 (the indices wrap), checked against a model
 *     kept by the test and against the image file itself.
 *  1b. Byte-exact for a sequential stream: entries whose blocks go on
 *     where the one before ended, which exod's worker moves several in
 *     one call, into separate frames and into the frames of an extent
 *     (one iovec for neighbours), with a forged entry in the middle that
 *     fails alone and ends the run around it.
 *  2. Hostile: entries with another libOS's block, a forged capability, a
 *     wrong seq (torn), a bad op or count each fail alone with their own
 *     error, between entries that succeed; rights as DISK_IO has them
 *     (read-only blocks and frames, CAP_DERIVE); a tail past the end and a tail
 *     behind the head (wrapped) are refused in the header (EXO_ERING)
 *     and the ring goes on once the tail is true again; a process that
 *     scribbles over the submission ring while exod reads it gets a
 *     completion for every entry, and exod goes on serving; a data frame
 *     freed with I/O in flight to it; a ring frame freed ends the ring;
 *     a block freed, a frame freed and a grant revoked right after the
 *     ring used them are refused (ESTALE) even while exod's worker takes
 *     entries itself from what the loop checked before.
 *  3. kill -9 of a libOS with I/O in flight: exod's descriptors and free
 *     frames return to what they were, and a new ring works.
 */
#define _GNU_SOURCE 1
#include <sys/mman.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exo.h"
#include "diskhelp.h"
#include "harness.h"
#include "proc.h"
#include "tap.h"

#define NBLOCKS		192		/* the model's blocks */
#define MAXDEPTH	32

static uint64_t	rng_state;

static uint32_t
rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return ((uint32_t)(rng_state >> 16));
}

static void
rnd_fill(void *p, size_t n)
{
	unsigned char	*s = p;
	size_t		 i;
	uint32_t	 w = 0;

	for (i = 0; i < n; i++) {
		if ((i & 3) == 0)
			w = rnd();
		s[i] = (unsigned char)(w >> ((i & 3) * 8));
	}
}

/* The model: what each block should hold now. */
static unsigned char	model[NBLOCKS][EXO_BLOCK_SIZE];

/* Reap one completion (waiting); bails if none comes. */
static struct exo_disk_cqe
reap1(struct exo_disk_ring *r)
{
	struct exo_disk_cqe	c;
	int			n;

	if ((n = exo_disk_ring_wait(r, &c, 1)) != 1)
		bail("exo_disk_ring_wait: %d", n);
	return (c);
}

/* ---- 1. byte-exact -------------------------------------------------- */

struct pending {
	uint32_t	op;
	unsigned	n;
	unsigned	blk[EXO_DISK_RING_PAIRS];
	uint64_t	tag;
};

/* Check completion c against what its entry did; 1 if right. */
static int
exact_done(const struct exo_disk_cqe *c, const struct pending *pe,
    struct exo_frame *fr, unsigned depth)
{
	unsigned	i, slot = (unsigned)(c->tag % depth);

	if (c->status != 0 || c->tag != pe->tag)
		return (0);
	if (pe->op == EXO_DISK_WRITE)
		return (1);
	for (i = 0; i < pe->n; i++)
		if (memcmp(fr[slot * EXO_DISK_RING_PAIRS + i].va,
		    model[pe->blk[i]], EXO_BLOCK_SIZE) != 0)
			return (0);
	return (1);
}

static void
exact_run(struct th_exod *d, struct exo *e, struct exo_cap *blocks,
    struct exo_frame *fr, unsigned depth, uint32_t start)
{
	struct exo_disk_ring	 r;
	struct pending		 pend[MAXDEPTH];
	struct exo_cap		 bc[EXO_DISK_RING_PAIRS], fc[EXO_DISK_RING_PAIRS];
	struct exo_disk_cqe	 c;
	unsigned		 i, k, slot, total = 6 * depth + 7, bad = 0;
	unsigned		 sent = 0, got = 0, phase;
	unsigned char		 img[EXO_BLOCK_SIZE];
	int			 error;

	if ((error = exo_disk_ring_create(e, &r, depth, start)) != 0)
		bail("ring of %u: %s", depth, exo_strerror(error));
	for (phase = 0; phase < 2; phase++) {
		uint32_t op = phase == 0 ? EXO_DISK_WRITE : EXO_DISK_READ;

		for (sent = got = 0; got < total; ) {
			if (sent < total && sent - got < depth) {
				struct pending *pe = &pend[sent % depth];

				slot = sent % depth;
				pe->op = op;
				pe->n = 1 + rnd() % EXO_DISK_RING_PAIRS;
				pe->tag = sent;	/* tag % depth: the slot */
				for (i = 0; i < pe->n; i++) {
					struct exo_frame *f = &fr[slot *
					    EXO_DISK_RING_PAIRS + i];

					/* Reads go to distinct blocks, so
					 * each frame has one answer. */
					do {
						pe->blk[i] = rnd() % NBLOCKS;
						for (k = 0; k < i &&
						    pe->blk[k] != pe->blk[i];
						    k++)
							;
					} while (op == EXO_DISK_READ && k < i);
					/* Sometimes a run of neighbours. */
					if (i > 0 && rnd() % 3 == 0 &&
					    pe->blk[i - 1] + 1 < NBLOCKS) {
						for (k = 0; k < i &&
						    pe->blk[k] !=
						    pe->blk[i - 1] + 1; k++)
							;
						if (k == i || op ==
						    EXO_DISK_WRITE)
							pe->blk[i] =
							    pe->blk[i - 1] + 1;
					}
					if (op == EXO_DISK_WRITE) {
						rnd_fill(f->va, EXO_FRAME_SIZE);
						/* In order: the last wins. */
						memcpy(model[pe->blk[i]], f->va,
						    EXO_BLOCK_SIZE);
					} else
						memset(f->va, 0xEE,
						    EXO_FRAME_SIZE);
					bc[i] = blocks[pe->blk[i]];
					fc[i] = f->cap;
				}
				if ((error = exo_disk_ring_submit(&r, op,
				    pe->tag, bc, fc, pe->n)) != 0)
					bail("submit: %s", exo_strerror(error));
				sent++;
				if (rnd() % 2)
					continue;	/* let some pile up */
			}
			c = reap1(&r);
			if (!exact_done(&c, &pend[got % depth], fr, depth))
				bad++;
			got++;
		}
	}
	is_int(0, bad, "depth %u from %#x: %u writes then %u reads, every "
	    "completion in order and every block byte-exact", depth,
	    (unsigned)start, total, total);
	for (i = 0, bad = 0; i < NBLOCKS; i++)
		if (dh_image_read(d, blocks[i].id, img) != 0 ||
		    memcmp(img, model[i], EXO_BLOCK_SIZE) != 0)
			bad++;
	is_int(0, bad, "depth %u: the image file holds the model", depth);
	is_int(0, exo_disk_ring_destroy(&r), "depth %u: unbound", depth);
}

static void
test_exact(void)
{
	static struct exo_frame	 fr[MAXDEPTH * EXO_DISK_RING_PAIRS];
	struct exo_cap		 blocks[NBLOCKS];
	struct exo_disk_info	 di;
	struct th_exod		 d;
	struct exo		*e;
	unsigned		 i;
	uint64_t		 before;

	th_exod_start(&d, "-m", "4M", "-D", "1M", (char *)NULL);
	e = th_connect(&d, "exact");
	for (i = 0; i < MAXDEPTH * EXO_DISK_RING_PAIRS; i += 128)
		if (exo_frame_alloc_batch(e, fr + i, 128) != 0)
			bail("frames");
	for (i = 0; i < MAXDEPTH * EXO_DISK_RING_PAIRS; i++)
		if (exo_frame_map(&fr[i], PROT_READ | PROT_WRITE) == NULL)
			sysbail("map");
	if (exo_block_alloc(e, blocks, NBLOCKS) != 0)
		bail("blocks");
	(void)dh_disk_info(&d, &di);
	before = di.reads + di.writes;
	exact_run(&d, e, blocks, fr, 1, 0);
	exact_run(&d, e, blocks, fr, 4, 0xfffffff0u);
	exact_run(&d, e, blocks, fr, 32, 0xffffffc0u);
	(void)dh_disk_info(&d, &di);
	ok(di.reads + di.writes > before, "DISK_INFO counts ring I/O");
	exo_disconnect(e);
	th_exod_stop(&d);
}

/* ---- 1b. a sequential stream ---------------------------------------- */

#define STREAM_PAIRS	8
#define STREAM_N	40	/* entries each way */
#define STREAM_FORGED	17	/* this entry's frame capability is forged */

/*
 * STREAM_N entries of STREAM_PAIRS consecutive blocks each, entry i at
 * block b0 + i * STREAM_PAIRS, written then read back through a ring of
 * depth entries, piled up so that the worker finds several at once.
 * Entry slot s uses frames fc[s * STREAM_PAIRS ..] at va[..].
 */
static void
stream_run(struct th_exod *d, struct exo *e, const struct exo_cap *blocks,
    const struct exo_cap *fc, unsigned char *const *va, unsigned depth,
    const char *what)
{
	static unsigned char	 want[STREAM_N * STREAM_PAIRS][EXO_BLOCK_SIZE];
	struct exo_disk_ring	 r;
	struct exo_disk_cqe	 c[MAXDEPTH];
	struct exo_cap		 bc[STREAM_PAIRS], f[STREAM_PAIRS];
	unsigned char		 img[EXO_BLOCK_SIZE];
	unsigned		 sent, got, i, k, slot, bad = 0, forged = 0;
	unsigned		 phase;
	int			 n, error;

	if ((error = exo_disk_ring_create(e, &r, depth, 0)) != 0)
		bail("ring of %u: %s", depth, exo_strerror(error));
	for (phase = 0; phase < 2; phase++) {
		uint32_t op = phase == 0 ? EXO_DISK_WRITE : EXO_DISK_READ;

		for (sent = got = 0; got < STREAM_N; ) {
			/* Fill the ring, then take what has come. */
			while (sent < STREAM_N && sent - got < depth) {
				slot = sent % depth;
				for (i = 0; i < STREAM_PAIRS; i++) {
					k = sent * STREAM_PAIRS + i;
					bc[i] = blocks[k];
					f[i] = fc[slot * STREAM_PAIRS + i];
					if (op == EXO_DISK_WRITE) {
						rnd_fill(va[slot *
						    STREAM_PAIRS + i],
						    EXO_BLOCK_SIZE);
						if (sent != STREAM_FORGED)
							memcpy(want[k], va[slot
							    * STREAM_PAIRS + i],
							    EXO_BLOCK_SIZE);
					} else
						memset(va[slot * STREAM_PAIRS +
						    i], 0xEE, EXO_BLOCK_SIZE);
				}
				if (sent == STREAM_FORGED)
					f[STREAM_PAIRS / 2].mac[0] ^= 1;
				if ((error = exo_disk_ring_submit(&r, op, sent,
				    bc, f, STREAM_PAIRS)) != 0)
					bail("submit: %s", exo_strerror(error));
				sent++;
			}
			if ((n = exo_disk_ring_wait(&r, c, MAXDEPTH)) <= 0)
				bail("exo_disk_ring_wait: %d", n);
			for (k = 0; k < (unsigned)n; k++, got++) {
				if (c[k].tag != got) {
					bad++;
					continue;
				}
				if (got == STREAM_FORGED) {
					forged += c[k].status != 0;
					continue;
				}
				if (c[k].status != 0) {
					bad++;
					continue;
				}
				if (op == EXO_DISK_WRITE)
					continue;
				slot = got % depth;
				for (i = 0; i < STREAM_PAIRS; i++)
					if (memcmp(va[slot * STREAM_PAIRS + i],
					    want[got * STREAM_PAIRS + i],
					    EXO_BLOCK_SIZE) != 0)
						bad++;
			}
		}
		/* The forged entry wrote nothing: its blocks keep what the
		 * first pass of this test (or nothing) left; read them as
		 * the image has them. */
		if (phase == 0)
			for (i = 0; i < STREAM_PAIRS; i++)
				if (dh_image_read(d, blocks[STREAM_FORGED *
				    STREAM_PAIRS + i].id,
				    want[STREAM_FORGED * STREAM_PAIRS + i]) != 0)
					bail("image read");
	}
	is_int(0, bad, "stream, %s, depth %u: %u writes then %u reads of %u "
	    "consecutive blocks each, in order and byte-exact", what, depth,
	    STREAM_N, STREAM_N, STREAM_PAIRS);
	is_int(2, forged, "  the forged entry failed alone, both ways");
	for (i = 0, bad = 0; i < STREAM_N * STREAM_PAIRS; i++)
		if (dh_image_read(d, blocks[i].id, img) != 0 ||
		    memcmp(img, want[i], EXO_BLOCK_SIZE) != 0)
			bad++;
	is_int(0, bad, "  the image file holds what was written");
	is_int(0, exo_disk_ring_destroy(&r), "  unbound");
}

static void
test_stream(void)
{
	static struct exo_frame	 fr[MAXDEPTH * STREAM_PAIRS];
	static unsigned char	*va[MAXDEPTH * STREAM_PAIRS];
	static struct exo_cap	 fc[MAXDEPTH * STREAM_PAIRS];
	struct exo_cap		 blocks[STREAM_N * STREAM_PAIRS];
	struct exo_extent	*x;
	struct th_exod		 d;
	struct exo		*e;
	unsigned		 i, runs;

	th_exod_start(&d, "-m", "8M", "-D", "2M", (char *)NULL);
	e = th_connect(&d, "stream");
	for (i = 0; i < STREAM_N * STREAM_PAIRS; i += 160)
		if (exo_block_alloc(e, blocks + i, 160) != 0)
			bail("blocks");
	for (i = 1, runs = 1; i < STREAM_N * STREAM_PAIRS; i++)
		runs += blocks[i].id != blocks[i - 1].id + 1;
	diag("the stream's blocks are %u run(s) of consecutive ids", runs);
	/* Separate frames. */
	for (i = 0; i < MAXDEPTH * STREAM_PAIRS; i += 128)
		if (exo_frame_alloc_batch(e, fr + i, 128) != 0)
			bail("frames");
	for (i = 0; i < MAXDEPTH * STREAM_PAIRS; i++) {
		if ((va[i] = exo_frame_map(&fr[i], PROT_READ | PROT_WRITE)) ==
		    NULL)
			sysbail("map");
		fc[i] = fr[i].cap;
	}
	stream_run(&d, e, blocks, fc, va, 8, "separate frames");
	/* The frames of one extent: neighbours in exod's memory too. */
	if (exo_extent_alloc(e, MAXDEPTH * STREAM_PAIRS, &x) != 0)
		bail("extent");
	for (i = 0; i < MAXDEPTH * STREAM_PAIRS; i++) {
		va[i] = (unsigned char *)exo_extent_va(x) +
		    (size_t)i * EXO_FRAME_SIZE;
		fc[i] = *exo_extent_cap(x, i);
	}
	stream_run(&d, e, blocks, fc, va, 32, "an extent's frames");
	stream_run(&d, e, blocks, fc, va, 1, "an extent's frames");
	(void)exo_extent_free(x);
	exo_disconnect(e);
	th_exod_stop(&d);
}

/* ---- 2. hostile ----------------------------------------------------- */

/* Write an entry as is, past every check of libexo, and ring. */
static void
raw_submit(struct exo_disk_ring *r, const struct exo_disk_sqe *q)
{
	uint32_t	slot = r->sq_tail % r->entries;
	uint64_t	one = 1;

	memcpy((unsigned char *)r->frames[1 + slot /
	    EXO_DISK_RING_SQ_PER_FRAME].va + (slot %
	    EXO_DISK_RING_SQ_PER_FRAME) * sizeof *q, q, sizeof *q);
	r->sq_tail++;
	__atomic_store_n(&r->hdr->sq_tail, r->sq_tail, __ATOMIC_SEQ_CST);
	if (write(r->bell, &one, sizeof one) != sizeof one)
		sysbail("doorbell");
}

static struct exo_disk_sqe
sqe(struct exo_disk_ring *r, uint32_t op, uint64_t tag,
    const struct exo_cap *b, const struct exo_cap *f, unsigned n)
{
	struct exo_disk_sqe	q;
	unsigned		i;

	memset(&q, 0, sizeof q);
	q.seq = r->sq_tail;
	q.op = (uint16_t)op;
	q.count = (uint16_t)n;
	q.tag = tag;
	for (i = 0; i < n && i < EXO_DISK_RING_PAIRS; i++) {
		q.pairs[i].block = b[i];
		q.pairs[i].frame = f[i];
	}
	return (q);
}

/* Wait (at most ms) for the header's error word to be want. */
static int
wait_error(struct exo_disk_ring *r, uint32_t want, int ms)
{
	long	t = th_now_ms();

	while (__atomic_load_n(&r->hdr->error, __ATOMIC_SEQ_CST) != want &&
	    th_now_ms() - t < ms)
		th_sleep_ms(5);
	return (r->hdr->error == want);
}

static void
hostile_entries(struct exo_disk_ring *r, struct exo_cap *ba,
    struct exo_cap *bb, struct exo_frame *fa)
{
	struct exo_disk_sqe	 q;
	struct exo_disk_cqe	 c[16];
	struct exo_cap		 forged, fc[2] = { fa[0].cap, fa[1].cap };
	int32_t			 want[8];
	unsigned		 i, n = 0, got = 0;
	int			 k;

	/* Good, foreign, good, forged, torn, bad op, count 0, count 17. */
	memset(fa[0].va, 0x5a, EXO_FRAME_SIZE);
	q = sqe(r, EXO_DISK_WRITE, 100, ba, fc, 1);
	raw_submit(r, &q); want[n++] = 0;
	q = sqe(r, EXO_DISK_READ, 101, bb, fc, 1);
	raw_submit(r, &q); want[n++] = -EXO_ENOTOWNER;
	q = sqe(r, EXO_DISK_READ, 102, ba, fc + 1, 1);
	raw_submit(r, &q); want[n++] = 0;
	forged = ba[1];
	forged.id ^= 1;
	q = sqe(r, EXO_DISK_READ, 103, &forged, fc, 1);
	raw_submit(r, &q); want[n++] = -EXO_EBADCAP;
	q = sqe(r, EXO_DISK_READ, 104, ba, fc, 1);
	q.seq += 7;
	raw_submit(r, &q); want[n++] = -EXO_ETORN;
	q = sqe(r, 9, 105, ba, fc, 1);
	raw_submit(r, &q); want[n++] = -EXO_EINVAL;
	q = sqe(r, EXO_DISK_READ, 106, ba, fc, 1);
	q.count = 0;
	raw_submit(r, &q); want[n++] = -EXO_EINVAL;
	q = sqe(r, EXO_DISK_READ, 107, ba, fc, 1);
	q.count = 17;
	raw_submit(r, &q); want[n++] = -EXO_EINVAL;
	while (got < n) {
		if ((k = exo_disk_ring_wait(r, c + got, n - got)) <= 0)
			bail("wait: %d", k);
		got += (unsigned)k;
	}
	for (i = 0, k = 0; i < n; i++)
		if (c[i].tag != 100 + i || c[i].status != want[i]) {
			diag("entry %u: tag %llu status %d, want %d", i,
			    (unsigned long long)c[i].tag, c[i].status,
			    want[i]);
			k++;
		}
	is_int(0, k, "foreign block ENOTOWNER, forged EBADCAP, torn ETORN, "
	    "bad op and counts EINVAL: each alone, the good ones done");
	ok(((unsigned char *)fa[1].va)[4095] == 0x5a, "the good read between "
	    "them read what the good write wrote");
}

/* Rights, as DISK_IO has them: a read-only block cannot be written. */
static void
hostile_rights(struct exo *a, struct exo_disk_ring *r, struct exo_cap *ba,
    struct exo_frame *fa)
{
	struct exo_disk_cqe	c;
	struct exo_cap		ro, rof;
	int			error;

	if ((error = exo_cap_derive(a, &ba[2], EXO_RIGHT_READ, 0, &ro)) != 0 ||
	    (error = exo_cap_derive(a, &fa[2].cap, EXO_RIGHT_READ, 0, &rof)) != 0)
		bail("derive: %s", exo_strerror(error));
	(void)exo_disk_ring_submit(r, EXO_DISK_WRITE, 400, &ro, &fa[2].cap, 1);
	c = reap1(r);
	is_int(-EXO_ERIGHTS, c.status, "a write to a read-only block: "
	    "ERIGHTS");
	(void)exo_disk_ring_submit(r, EXO_DISK_READ, 401, &ro, &fa[2].cap, 1);
	c = reap1(r);
	is_int(0, c.status, "  a read of it: done");
	(void)exo_disk_ring_submit(r, EXO_DISK_READ, 402, &ba[2], &rof, 1);
	c = reap1(r);
	is_int(-EXO_ERIGHTS, c.status, "a read into a read-only frame: "
	    "ERIGHTS");
	(void)exo_disk_ring_submit(r, EXO_DISK_WRITE, 403, &ba[2], &rof, 1);
	c = reap1(r);
	is_int(0, c.status, "  a write from it: done");
}

/*
 * What the worker remembers of the loop's checks (exo-protocol(7) DISK
 * RING, the fast path) never outlives the binding: a block freed, a frame
 * freed, a grant revoked, each used through the ring once before (so
 * remembered) and again right after a good entry (so the worker is
 * awake and taking entries itself), gets ESTALE every time.
 */
static void
hostile_remembered(struct exo *a, struct exo *b, struct exo_disk_ring *r,
    struct exo_cap *ba, struct exo_frame *fa)
{
	struct exo_disk_cqe	c;
	struct exo_frame	f;
	struct exo_cap		blk, bg, g;
	unsigned		round, stale[3] = { 0, 0, 0 }, good = 0;
	int			error;

	for (round = 0; round < 8; round++) {
		if ((error = exo_block_alloc(a, &blk, 1)) != 0 ||
		    (error = exo_frame_alloc(a, &f)) != 0 ||
		    (error = exo_block_alloc(b, &bg, 1)) != 0 ||
		    (error = exo_cap_grant(b, &bg, exo_libos_id(a),
		    EXO_RIGHTS_ALL, 0, &g)) != 0)
			bail("remembered: %s", exo_strerror(error));
		/* Each used once: checked by the loop, remembered. */
		(void)exo_disk_ring_submit(r, EXO_DISK_WRITE, 500, &blk,
		    &fa[0].cap, 1);
		(void)exo_disk_ring_submit(r, EXO_DISK_READ, 501, &ba[0],
		    &f.cap, 1);
		(void)exo_disk_ring_submit(r, EXO_DISK_WRITE, 502, &g,
		    &fa[0].cap, 1);
		good += reap1(r).status == 0;
		good += reap1(r).status == 0;
		good += reap1(r).status == 0;
		if (exo_block_free(a, &blk, 1) != 0 ||
		    exo_frame_free(a, &f) != 0 ||
		    exo_grant_revoke(b, &g, NULL) != 0)
			bail("remembered: unbinding");
		/* A good entry wakes the worker; the stale ones follow. */
		(void)exo_disk_ring_submit(r, EXO_DISK_READ, 503, &ba[0],
		    &fa[0].cap, 1);
		(void)exo_disk_ring_submit(r, EXO_DISK_WRITE, 504, &blk,
		    &fa[0].cap, 1);
		(void)exo_disk_ring_submit(r, EXO_DISK_READ, 505, &ba[0],
		    &f.cap, 1);
		(void)exo_disk_ring_submit(r, EXO_DISK_WRITE, 506, &g,
		    &fa[0].cap, 1);
		good += reap1(r).status == 0;
		c = reap1(r);
		stale[0] += c.tag == 504 && c.status == -EXO_ESTALE;
		c = reap1(r);
		stale[1] += c.tag == 505 && c.status == -EXO_ESTALE;
		c = reap1(r);
		stale[2] += c.tag == 506 && c.status == -EXO_ESTALE;
		(void)exo_block_free(b, &bg, 1);
	}
	is_int(8 * 4, good, "remembered capabilities: every use before the "
	    "unbinding done");
	is_int(8, stale[0], "  a freed block's old key through the ring: "
	    "ESTALE, every time");
	is_int(8, stale[1], "  a freed frame's old key: ESTALE, every time");
	is_int(8, stale[2], "  a revoked grant's key: ESTALE, every time");
}

static void
hostile_indices(struct exo_disk_ring *r, struct exo_cap *ba,
    struct exo_frame *fa)
{
	struct exo_disk_cqe	c;
	uint32_t		errors = r->hdr->errors;
	uint64_t		one = 1;

	__atomic_store_n(&r->hdr->sq_tail, r->sq_tail + r->entries + 3,
	    __ATOMIC_SEQ_CST);
	(void)write(r->bell, &one, sizeof one);
	ok(wait_error(r, EXO_ERING, 3000), "a tail past the end: EXO_ERING "
	    "in the header");
	is_int(r->sq_tail, r->hdr->sq_head, "  and nothing taken");
	__atomic_store_n(&r->hdr->sq_tail, r->sq_tail, __ATOMIC_SEQ_CST);
	is_int(0, exo_disk_ring_submit(r, EXO_DISK_READ, 200, ba, &fa[2].cap,
	    1), "the tail true again: submitted");
	c = reap1(r);
	ok(c.tag == 200 && c.status == 0, "  and done (status %d)", c.status);
	is_int(0, r->hdr->error, "  the header's error is cleared");

	__atomic_store_n(&r->hdr->sq_tail, r->sq_tail - 2, __ATOMIC_SEQ_CST);
	(void)write(r->bell, &one, sizeof one);
	ok(wait_error(r, EXO_ERING, 3000), "a tail behind the head (wrapped "
	    "back): EXO_ERING");
	ok(r->hdr->errors >= errors + 2, "  counted");
	__atomic_store_n(&r->hdr->sq_tail, r->sq_tail, __ATOMIC_SEQ_CST);
	(void)exo_disk_ring_submit(r, EXO_DISK_READ, 201, ba, &fa[2].cap, 1);
	c = reap1(r);
	ok(c.tag == 201 && c.status == 0, "the ring goes on after it");
}

/* The scribbler: flip bytes of the submission frames until killed. */
static void
scribble(struct exo_disk_ring *r)
{
	unsigned char	*p;
	unsigned	 f;

	for (;;) {
		f = 1 + rnd() % (r->nframes - 1);
		p = r->frames[f].va;
		/* The bytes exod reads: header, tag and four pairs. */
		p[(rnd() % EXO_DISK_RING_SQ_PER_FRAME) *
		    sizeof(struct exo_disk_sqe) + rnd() % (16 + 4 * 80)] ^=
		    (unsigned char)(1 + rnd() % 255);
		if (rnd() % 64 == 0)
			usleep(10);
	}
}

static void
hostile_scribble(struct th_exod *d, struct exo *a, struct exo_disk_ring *r,
    struct exo_cap *ba, struct exo_frame *fa)
{
	struct exo_disk_cqe	 c;
	struct exo_cap		 bc[4], fc[4];
	unsigned		 i, sent = 0, got = 0, bad = 0, okd = 0, n;
	long			 t0;
	pid_t			 pid;
	int			 error;

	for (i = 0; i < 4; i++) {
		bc[i] = ba[i];
		fc[i] = fa[i].cap;
	}
	if ((pid = fork()) == -1)
		sysbail("fork");
	if (pid == 0)
		scribble(r);	/* the frames are MAP_SHARED: the same ones */
	/* At least 400 entries; on until the scribbling shows (at most
	 * 20000 or 20 s: a loaded host may run the scribbler rarely). */
	n = 400;
	t0 = th_now_ms();
	while (got < n) {
		if (sent < n && (error = exo_disk_ring_submit(r, sent % 2 ?
		    EXO_DISK_READ : EXO_DISK_WRITE, sent, bc, fc, 4)) == 0) {
			sent++;
			if (sent == n && okd == got && n < 20000 &&
			    th_now_ms() - t0 < 20000)
				n += 100;
			continue;
		}
		c = reap1(r);
		got++;
		if (c.status == 0)
			okd++;
		else if (c.status != -EXO_ETORN && c.status != -EXO_EINVAL &&
		    c.status != -EXO_EBADCAP && c.status != -EXO_ENOTOWNER &&
		    c.status != -EXO_ESTALE && c.status != -EXO_ERIGHTS)
			bad++;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	ok(got == n && bad == 0, "scribbled over while exod read it: a "
	    "completion for each of %u entries, each done or refused with a "
	    "capability or entry error (%u done)", n, okd);
	ok(okd < n, "  the scribbling was seen (%u refused)", n - okd);
	is_int(0, exo_null(a), "  exod still serves the libOS");
	ok(th_exod_alive(d), "  exod alive");
	/* The ring itself is sound after it. */
	memset(fa[0].va, 0x33, EXO_FRAME_SIZE);
	(void)exo_disk_ring_submit(r, EXO_DISK_WRITE, 900, ba, &fa[0].cap, 1);
	(void)exo_disk_ring_submit(r, EXO_DISK_READ, 901, ba, &fa[3].cap, 1);
	c = reap1(r);
	c = reap1(r);
	ok(c.tag == 901 && c.status == 0 &&
	    ((unsigned char *)fa[3].va)[100] == 0x33, "  then a write and a "
	    "read are exact again");
}

static void
test_hostile(void)
{
	struct th_exod		 d;
	struct exo		*a, *b;
	struct exo_frame	 fa[8], fb[2], extra;
	struct exo_cap		 ba[4], bb[2];
	struct exo_disk_ring	 r;
	struct exo_disk_cqe	 c;
	unsigned char		 img[EXO_BLOCK_SIZE];
	unsigned		 i, got;
	int			 error, k;

	th_exod_start(&d, "-m", "1M", "-D", "1M", (char *)NULL);
	a = th_connect(&d, "ring-a");
	b = th_connect(&d, "ring-b");
	if (exo_frame_alloc_batch(a, fa, 8) != 0 ||
	    exo_frame_alloc_batch(b, fb, 2) != 0 ||
	    exo_block_alloc(a, ba, 4) != 0 || exo_block_alloc(b, bb, 2) != 0)
		bail("allocation");
	for (i = 0; i < 8; i++)
		if (exo_frame_map(&fa[i], PROT_READ | PROT_WRITE) == NULL)
			sysbail("map");
	if (exo_frame_map(&fb[0], PROT_READ | PROT_WRITE) == NULL)
		sysbail("map");
	memset(fb[0].va, 0xb0, EXO_FRAME_SIZE);
	if (exo_disk_write(b, 1, bb, &fb[0].cap, 1) != 0)
		bail("b's write");
	(void)exo_poll(b);

	/* Binding is checked once, strictly. */
	is_int(-EXO_EINVAL, exo_disk_ring_create(a, &r, 3, 0),
	    "a ring of 3 entries (not a power of 2): EINVAL");
	is_int(-EXO_EINVAL, exo_disk_ring_create(a, &r, 256, 0),
	    "a ring of 256 entries: EINVAL");
	if ((error = exo_disk_ring_create(a, &r, 8, 0)) != 0)
		bail("ring: %s", exo_strerror(error));
	{
		struct exo_disk_ring	r2;

		is_int(-EXO_ESTATE, exo_disk_ring_create(a, &r2, 4, 0),
		    "a second ring: ESTATE");
	}
	{
		/* b binds a's frames as its ring: refused. */
		struct {
			struct exo_disk_ring_bind	h;
			struct exo_cap			c[4];
		} req;

		req.h.entries = 8;
		req.h.start = 0;
		req.h.count = 4;
		req.h.flags = 0;
		for (i = 0; i < 4; i++)
			req.c[i] = fa[4 + i].cap;
		is_int(-EXO_ENOTOWNER, exo_request(b, EXO_MSG_DISK_RING_BIND,
		    &req, sizeof req, NULL, 0, NULL, NULL, 0, NULL),
		    "a ring in another libOS's frames: ENOTOWNER");
		req.c[0] = fb[0].cap;
		req.c[1] = fb[0].cap;
		req.c[2] = fb[1].cap;
		req.c[3] = fb[1].cap;
		is_int(-EXO_EINVAL, exo_request(b, EXO_MSG_DISK_RING_BIND,
		    &req, sizeof req, NULL, 0, NULL, NULL, 0, NULL),
		    "a ring with a frame twice: EINVAL");
		req.c[1] = fb[1].cap;
		is_int(-EXO_EPROTO, exo_request(b, EXO_MSG_DISK_RING_BIND,
		    &req, sizeof req - 40, NULL, 0, NULL, NULL, 0, NULL),
		    "a bind shorter than its count: EPROTO");
		is_int(-EXO_ESTATE, exo_request(b, EXO_MSG_DISK_RING_UNBIND,
		    NULL, 0, NULL, 0, NULL, NULL, 0, NULL),
		    "unbind without a ring: ESTATE");
	}

	hostile_entries(&r, ba, bb, fa);
	hostile_rights(a, &r, ba, fa);
	hostile_indices(&r, ba, fa);
	hostile_scribble(&d, a, &r, ba, fa);
	hostile_remembered(a, b, &r, ba, fa);
	ok(dh_image_read(&d, bb[0].id, img) == 0 && img[0] == 0xb0 &&
	    img[4095] == 0xb0, "b's block untouched through it all");

	/* A data frame freed with reads into it in flight. */
	if (exo_frame_alloc(a, &extra) != 0)
		bail("extra frame");
	for (i = 0; i < 8; i++)
		(void)exo_disk_ring_submit(&r, EXO_DISK_READ, 300 + i, ba,
		    &extra.cap, 1);
	k = exo_frame_free(a, &extra);
	for (got = 0, i = 0; i < 8; i++) {
		c = reap1(&r);
		got += c.status == 0 || c.status == -EXO_ESTALE;
	}
	ok(k == 0 && got == 8, "a frame freed with I/O in flight to it: "
	    "freed, every entry done or ESTALE");
	is_int(0, exo_null(a), "  exod goes on");

	/* A ring frame freed: the ring ends, exod goes on. */
	is_int(0, exo_frame_free(a, &r.frames[1]), "a ring frame freed under "
	    "the ring");
	is_int(-EXO_ESTATE, exo_request(a, EXO_MSG_DISK_RING_UNBIND, NULL, 0,
	    NULL, 0, NULL, NULL, 0, NULL), "  the ring is gone (unbind: "
	    "ESTATE)");
	is_int(0, exo_disk_ring_create(a, &r, 4, 0), "  a new one binds");
	is_int(0, exo_disk_ring_destroy(&r), "  and unbinds");
	exo_disconnect(a);
	exo_disconnect(b);
	th_exod_stop(&d);
}

/* ---- 3. kill -9 with I/O in flight ---------------------------------- */

static int
busy_kid(int fd, void *arg)
{
	static struct exo_frame	 fr[MAXDEPTH * 4];
	const char		*sock = arg;
	struct exo_disk_ring	 r;
	struct exo_disk_cqe	 c[MAXDEPTH];
	struct exo_cap		 bl[64], bc[4], fc[4];
	struct exo		*e;
	unsigned long		 sent = 0, i;
	int			 told = 0, n;

	if (exo_connect(sock, "busy", &e) != 0 ||
	    exo_frame_alloc_batch(e, fr, MAXDEPTH * 4) != 0 ||
	    exo_block_alloc(e, bl, 64) != 0 ||
	    exo_disk_ring_create(e, &r, MAXDEPTH, 0) != 0)
		return (1);
	for (;;) {
		for (i = 0; i < 4; i++) {
			bc[i] = bl[(sent * 4 + i) % 64];
			fc[i] = fr[(sent % MAXDEPTH) * 4 + i].cap;
		}
		if (exo_disk_ring_submit(&r, sent % 3 ? EXO_DISK_WRITE :
		    EXO_DISK_READ, sent, bc, fc, 4) == 0) {
			sent++;
			continue;
		}
		if ((n = exo_disk_ring_wait(&r, c, MAXDEPTH)) < 0)
			return (2);
		if (!told && sent > 100) {
			told = 1;
			(void)tp_send(fd, "go", 2);
		}
	}
}

static void
test_kill(void)
{
	struct th_exod		 d;
	struct tp_kid		 k;
	struct exo		*e;
	struct exo_disk_ring	 r;
	char			 buf[8];
	long			 frames0;
	int			 fds0, status, round;

	th_exod_start(&d, "-m", "2M", "-D", "1M", (char *)NULL);
	fds0 = th_fds_settled(&d, 3000);
	frames0 = th_frames_free(&d);
	for (round = 0; round < 3; round++) {
		tp_kid_start(&k, busy_kid, d.sock);
		ok(tp_recv(k.fd, buf, sizeof buf, 10000) == 2, "round %d: the "
		    "libOS has its ring busy", round);
		th_sleep_ms(20 + round * 30);
		kill(k.pid, SIGKILL);
		status = tp_kid_wait(&k, 10000);
		ok(status != -1 && WIFSIGNALED(status), "  killed with I/O "
		    "in flight");
	}
	is_int(frames0, th_wait_frames_free(&d, frames0, 5000), "every frame "
	    "free again");
	is_int(fds0, th_wait_fds(&d, fds0, 5000), "exod's descriptors back "
	    "to %d", fds0);
	ok(th_exod_alive(&d), "exod alive");
	e = th_connect(&d, "after");
	is_int(0, exo_disk_ring_create(e, &r, 8, 0), "a new ring binds");
	is_int(0, exo_disk_ring_destroy(&r), "  and unbinds");
	exo_disconnect(e);
	th_exod_stop(&d);
}

int
main(void)
{
	rng_state = (uint64_t)time(NULL) * 2654435761u | 1;
	plan_lazy();
	tp_watchdog(240);
	diag("seed %llu", (unsigned long long)rng_state);
	test_exact();
	test_stream();
	test_hostile();
	test_kill();
	return 0;
}
