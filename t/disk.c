/*
 * disk.t - the disk: block capabilities, DMA and its completion
 * interrupt, durability across a killed exod, and hostile requests.
 *
 *  1. Block I/O with another libOS's block or frame capability is refused
 *     (ENOTOWNER), with a forged or altered one too (EBADCAP), and so are
 *     malformed DISK_IO, BLOCK_FREE, REVOKE, AUTOSAVE and PROTECT
 *     requests, each with its own error and nothing changed; every other
 *     libOS keeps being served.
 *  2. A disk completion for a libOS that is descheduled waits for its next
 *     slot.  The libOS (slot 0 of 4) sends YIELD and DISK_IO in one
 *     sendmmsg: exod stops it at the YIELD, then does the I/O, so the
 *     completion finds it stopped and is queued.  The interrupt handler
 *     records the quantum it runs in (exposed tick, switch count, clock).
 *     Meanwhile the test sees the interrupt queued in STATUS while the
 *     libOS is not running.
 *  3. kill -9 of exod after an acknowledged flush, then a restart on the
 *     same socket and image: the data is intact, the libOS that comes
 *     back under the same name and uid gets its blocks (new capabilities;
 *     the old ones no longer verify), and another name cannot reach them.
 */
#define _GNU_SOURCE 1
#include <sys/mman.h>
#include <sys/socket.h>
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

#define TIMEOUT		10000

struct kmsg {
	int64_t		v[16];
	struct exo_cap	caps[8];
};

static int
all_bytes(const void *p, int c, size_t n)
{
	const unsigned char	*s = p;
	size_t			 i;

	for (i = 0; i < n; i++)
		if (s[i] != (unsigned char)c)
			return 0;
	return 1;
}

/* DISK_IO as bytes: count as said, npairs as sent. */
static int
raw_disk_io(struct exo *e, uint32_t op, uint32_t count,
    const struct exo_disk_pair *pairs, unsigned npairs)
{
	static unsigned char	buf[sizeof(struct exo_disk_io) +
				    80 * sizeof(struct exo_disk_pair)];
	struct exo_disk_io	req;

	memset(&req, 0, sizeof req);
	req.op = op;
	req.count = count;
	req.tag = 77;
	memcpy(buf, &req, sizeof req);
	if (npairs > 0)
		memcpy(buf + sizeof req, pairs, npairs * sizeof pairs[0]);
	return exo_request(e, EXO_MSG_DISK_IO, buf, sizeof req +
	    npairs * sizeof pairs[0], NULL, 0, NULL, NULL, 0, NULL);
}

/* A fixed header and n capabilities (BLOCK_FREE, PROTECT). */
static int
raw_caps(struct exo *e, uint16_t type, uint32_t count, uint32_t flags,
    const struct exo_cap *caps, unsigned n)
{
	unsigned char	buf[8 + 8 * sizeof(struct exo_cap)];
	uint32_t	hdr[2] = { count, flags };

	memcpy(buf, hdr, sizeof hdr);
	if (n > 0)
		memcpy(buf + sizeof hdr, caps, n * sizeof caps[0]);
	return exo_request(e, type, buf, sizeof hdr + n * sizeof caps[0],
	    NULL, 0, NULL, NULL, 0, NULL);
}

static int
raw_autosave(struct exo *e, uint32_t count, uint32_t flags,
    const struct exo_autosave_pair *pairs, unsigned n)
{
	unsigned char	buf[8 + 4 * sizeof(struct exo_autosave_pair)];
	uint32_t	hdr[2] = { count, flags };

	memcpy(buf, hdr, sizeof hdr);
	if (n > 0)
		memcpy(buf + sizeof hdr, pairs, n * sizeof pairs[0]);
	return exo_request(e, EXO_MSG_AUTOSAVE, buf, sizeof hdr +
	    n * sizeof pairs[0], NULL, 0, NULL, NULL, 0, NULL);
}

static struct exo_disk_pair
pair(const struct exo_cap *block, const struct exo_cap *frame)
{
	struct exo_disk_pair	p;

	p.block = *block;
	p.frame = *frame;
	return p;
}

/* ---- 1. capabilities and hostile requests ------------------------------ */

static void
test_hostile(void)
{
	struct th_exod		 d;
	struct exo		*a, *b, *ctl;
	struct exo_frame	 fa[8], fb[2], fx, fy;
	struct exo_cap		 ba[4], bb[2], forged, dup[2], pc[8];
	struct exo_disk_pair	 pp[65];
	struct exo_autosave_pair ap;
	struct exo_revoke_reply	 r;
	struct exo_disk_info	 i0, i1;
	unsigned		 k, n;
	int			 rc;

	th_exod_start(&d, "-m", "256K", "-D", "1M", "-P", "4", "-R", "200",
	    (char *)NULL);
	a = th_connect(&d, "hostile-a");
	b = th_connect(&d, "hostile-b");
	if (exo_frame_alloc_batch(a, fa, 8) != 0 ||
	    exo_frame_alloc_batch(b, fb, 2) != 0 ||
	    exo_block_alloc(a, ba, 4) != 0 || exo_block_alloc(b, bb, 2) != 0)
		bail("binding frames and blocks");
	for (k = 0; k < 8; k++)
		if (exo_frame_map(&fa[k], PROT_READ | PROT_WRITE) == NULL)
			bail("map");
	for (k = 0; k < 2; k++)
		if (exo_frame_map(&fb[k], PROT_READ | PROT_WRITE) == NULL)
			bail("map");
	memset(fa[0].va, 0x5a, EXO_FRAME_SIZE);
	memset(fb[0].va, 0x6b, EXO_FRAME_SIZE);
	is_int(0, exo_disk_write(a, 1, &ba[0], &fa[0].cap, 1),
	    "hostile: A writes its frame to its block");
	ok(dh_image_read(&d, ba[0].id, fa[1].va) == 0 &&
	    all_bytes(fa[1].va, 0x5a, EXO_FRAME_SIZE),
	    "hostile: ... and the image holds it");

	/* Another libOS's capabilities. */
	is_int(-EXO_ENOTOWNER, exo_disk_write(b, 2, &ba[0], &fb[0].cap, 1),
	    "hostile: B writing to A's block: ENOTOWNER");
	is_int(-EXO_ENOTOWNER, exo_disk_read(b, 3, &ba[0], &fb[0].cap, 1),
	    "hostile: B reading A's block: ENOTOWNER");
	is_int(-EXO_ENOTOWNER, exo_disk_read(b, 4, &bb[0], &fa[0].cap, 1),
	    "hostile: B reading its block into A's frame: ENOTOWNER");
	is_int(-EXO_ENOTOWNER, exo_block_free(b, &ba[0], 1),
	    "hostile: B freeing A's block: ENOTOWNER");
	ok(dh_image_read(&d, ba[0].id, fa[1].va) == 0 &&
	    all_bytes(fa[1].va, 0x5a, EXO_FRAME_SIZE),
	    "hostile: A's block is untouched");

	/* Forged and altered. */
	forged = ba[0];
	forged.mac[3] ^= 0x40;
	is_int(-EXO_EBADCAP, exo_disk_read(a, 5, &forged, &fa[1].cap, 1),
	    "hostile: a block capability with a bit of its MAC flipped: "
	    "EBADCAP");
	forged = bb[0];
	forged.owner = exo_libos_id(a);
	is_int(-EXO_EBADCAP, exo_disk_read(a, 6, &forged, &fa[1].cap, 1),
	    "hostile: B's block capability relabelled as A's: EBADCAP");
	forged = ba[0];
	forged.id = bb[0].id;
	is_int(-EXO_EBADCAP, exo_disk_read(a, 7, &forged, &fa[1].cap, 1),
	    "hostile: A's capability renumbered to B's block: EBADCAP");
	is_int(-EXO_EBADCAP, exo_block_free(a, &forged, 1),
	    "hostile: ... nor can it free it: EBADCAP");
	forged = ba[0];
	forged.rights = EXO_RIGHT_READ;
	is_int(-EXO_EBADCAP, exo_disk_write(a, 8, &forged, &fa[0].cap, 1),
	    "hostile: rights changed in the open: EBADCAP");
	forged = fa[0].cap;
	forged.gen++;
	is_int(-EXO_EBADCAP, exo_disk_write(a, 9, &ba[0], &forged, 1),
	    "hostile: a frame capability with its generation moved: EBADCAP");

	/* Malformed DISK_IO. */
	pp[0] = pair(&ba[1], &fa[1].cap);
	is_int(-EXO_EINVAL, raw_disk_io(a, EXO_DISK_WRITE, 0, pp, 0),
	    "hostile: DISK_IO count 0: EINVAL");
	is_int(-EXO_EINVAL, raw_disk_io(a, EXO_DISK_WRITE, 65, pp, 1),
	    "hostile: DISK_IO count 65: EINVAL");
	for (k = 0; k < 65; k++)
		pp[k] = pair(&ba[1], &fa[1].cap);
	is_int(-EXO_EPROTO, raw_disk_io(a, EXO_DISK_WRITE, 65, pp, 65),
	    "hostile: DISK_IO with 65 pairs, over the largest message: EPROTO");
	is_int(-EXO_EINVAL, raw_disk_io(a, 0, 1, pp, 1),
	    "hostile: DISK_IO op 0: EINVAL");
	is_int(-EXO_EINVAL, raw_disk_io(a, 3, 1, pp, 1),
	    "hostile: DISK_IO op 3: EINVAL");
	is_int(-EXO_EPROTO, raw_disk_io(a, EXO_DISK_WRITE, 2, pp, 1),
	    "hostile: DISK_IO count 2 with 1 pair: EPROTO");
	is_int(-EXO_EPROTO, raw_disk_io(a, EXO_DISK_WRITE, 1, pp, 2),
	    "hostile: DISK_IO count 1 with 2 pairs: EPROTO");
	pp[0] = pair(&fa[1].cap, &fa[2].cap);
	is_int(-EXO_EINVAL, raw_disk_io(a, EXO_DISK_READ, 1, pp, 1),
	    "hostile: DISK_IO with a frame capability as the block: EINVAL");
	pp[0] = pair(&ba[1], &ba[2]);
	is_int(-EXO_EINVAL, raw_disk_io(a, EXO_DISK_READ, 1, pp, 1),
	    "hostile: DISK_IO with a block capability as the frame: EINVAL");
	pp[0] = pair(&ba[1], &fa[1].cap);
	pp[1] = pair(&ba[2], &fb[0].cap);
	memset(fa[1].va, 0x11, EXO_FRAME_SIZE);
	is_int(-EXO_ENOTOWNER, raw_disk_io(a, EXO_DISK_WRITE, 2, pp, 2),
	    "hostile: DISK_IO with one bad pair of two: ENOTOWNER");
	ok(dh_image_zero(&d, ba[1].id), "hostile: ... and not even the good "
	    "pair was written");
	is_int(0, dh_disk_info(&d, &i0), "hostile: DISK_INFO from a control "
	    "connection");

	/* BLOCK_FREE. */
	dup[0] = ba[3];
	dup[1] = ba[3];
	is_int(-EXO_EINVAL, exo_block_free(a, dup, 2),
	    "hostile: BLOCK_FREE naming one block twice: EINVAL");
	is_int(0, exo_block_free(a, &ba[3], 1), "hostile: ... which was still "
	    "A's to free");
	is_int(-EXO_ESTALE, exo_block_free(a, &ba[3], 1),
	    "hostile: BLOCK_FREE of it again: ESTALE");
	is_int(-EXO_ESTALE, exo_disk_write(a, 10, &ba[3], &fa[0].cap, 1),
	    "hostile: DISK_IO with the freed block: ESTALE");
	is_int(-EXO_EPROTO, raw_caps(a, EXO_MSG_BLOCK_FREE, 2, 0, ba, 1),
	    "hostile: BLOCK_FREE count 2 with 1 capability: EPROTO");
	is_int(-EXO_EINVAL, raw_caps(a, EXO_MSG_BLOCK_FREE, 0, 0, ba, 0),
	    "hostile: BLOCK_FREE count 0: EINVAL");
	is_int(0, dh_disk_info(&d, &i1), "hostile: DISK_INFO again");
	is_int(i0.blocks_free + 1, i1.blocks_free, "hostile: exactly one "
	    "block was freed");
	if (exo_connect_control(d.sock, &ctl) != 0)
		bail("control connection");
	is_int(-EXO_EPERM, exo_block_alloc(ctl, dup, 1),
	    "hostile: BLOCK_ALLOC from a control connection: EPERM");
	is_int(-EXO_EPERM, exo_disk_write(ctl, 1, &ba[0], &fa[0].cap, 1),
	    "hostile: DISK_IO from a control connection: EPERM");

	/* REVOKE. */
	is_int(-EXO_EPERM, exo_revoke(a, exo_libos_id(b), EXO_REVOKE_FRAMES, 1,
	    &r), "hostile: REVOKE from a libOS: EPERM");
	is_int(-EXO_ENOLIBOS, exo_revoke(ctl, 99999, EXO_REVOKE_FRAMES, 1, &r),
	    "hostile: REVOKE of a missing libOS: ENOLIBOS");
	is_int(-EXO_EINVAL, exo_revoke(ctl, exo_libos_id(a), 9, 1, &r),
	    "hostile: REVOKE kind 9: EINVAL");
	is_int(-EXO_EINVAL, exo_revoke(ctl, exo_libos_id(a), EXO_REVOKE_FRAMES,
	    0, &r), "hostile: REVOKE of 0 frames: EINVAL");
	is_int(-EXO_EINVAL, exo_revoke(ctl, exo_libos_id(a), EXO_REVOKE_FRAMES,
	    254, &r), "hostile: REVOKE of 254 frames: EINVAL");
	is_int(-EXO_EINVAL, exo_revoke(ctl, exo_libos_id(a), EXO_REVOKE_FRAME,
	    fb[0].cap.id, &r), "hostile: REVOKE of a frame A does not hold: "
	    "EINVAL");
	is_int(-EXO_EINVAL, exo_revoke(ctl, exo_libos_id(a), EXO_REVOKE_FRAME,
	    UINT64_MAX, &r), "hostile: REVOKE of frame 2^64-1: EINVAL");
	is_int(-EXO_EINVAL, exo_revoke(ctl, exo_libos_id(a), EXO_REVOKE_BLOCK,
	    bb[0].id, &r), "hostile: REVOKE of a block A does not hold: "
	    "EINVAL");
	is_int(-EXO_EINVAL, exo_revoke(ctl, exo_libos_id(a), EXO_REVOKE_BLOCK,
	    1u << 30, &r), "hostile: REVOKE of a block past the disk: EINVAL");

	/* AUTOSAVE. */
	is_int(-EXO_ENOTOWNER, exo_autosave(a, &fa[2].cap, &bb[0]),
	    "hostile: AUTOSAVE of A's frame to B's block: ENOTOWNER");
	is_int(-EXO_ENOTOWNER, exo_autosave(b, &fa[2].cap, &bb[0]),
	    "hostile: AUTOSAVE of A's frame by B: ENOTOWNER");
	is_int(-EXO_EINVAL, exo_autosave(a, &fa[2].cap, &fa[3].cap),
	    "hostile: AUTOSAVE to a frame capability as the block: EINVAL");
	is_int(-EXO_ESTALE, exo_autosave(a, &fa[2].cap, &ba[3]),
	    "hostile: AUTOSAVE to a freed block: ESTALE");
	ap.frame = fa[2].cap;
	ap.block = ba[2];
	is_int(-EXO_EINVAL, raw_autosave(a, 0, 0, &ap, 0),
	    "hostile: AUTOSAVE count 0: EINVAL");
	is_int(-EXO_EINVAL, raw_autosave(a, 1, 0x80, &ap, 1),
	    "hostile: AUTOSAVE with unknown flags: EINVAL");
	is_int(-EXO_EPROTO, raw_autosave(a, 2, 0, &ap, 1),
	    "hostile: AUTOSAVE count 2 with 1 pair: EPROTO");
	is_int(-EXO_EPERM, exo_autosave(ctl, &fa[2].cap, &ba[2]),
	    "hostile: AUTOSAVE from a control connection: EPERM");
	/* None of these seeded anything: a revocation saves nothing. */
	memset(fa[2].va, 0x77, EXO_FRAME_SIZE);
	rc = exo_revoke(ctl, exo_libos_id(a), EXO_REVOKE_FRAME, fa[2].cap.id,
	    &r);
	ok(rc == 0 && r.aborted == 1 && r.autosaved == 0, "hostile: revoking "
	    "that frame autosaves nothing (rc %d, %u autosaved)", rc,
	    r.autosaved);
	ok(dh_image_zero(&d, bb[0].id) && dh_image_zero(&d, ba[2].id),
	    "hostile: B's block and A's other block are still zeros");
	/* A seed outlives its block: the block's next owner is safe. */
	is_int(0, exo_autosave(a, &fa[0].cap, &ba[1]), "hostile: A seeds its "
	    "frame 0 (0x5a) to its block 1");
	is_int(0, exo_block_free(a, &ba[1], 1), "hostile: then frees block 1");
	is_int(0, exo_block_alloc(b, &forged, 1), "hostile: B binds a block");
	if (forged.id != ba[1].id)
		diag("B got block %llu, not %llu", (unsigned long long)forged.id,
		    (unsigned long long)ba[1].id);
	rc = exo_revoke(ctl, exo_libos_id(a), EXO_REVOKE_FRAME, fa[0].cap.id,
	    &r);
	ok(rc == 0 && r.aborted == 1 && r.autosaved == 0, "hostile: revoking "
	    "A's seeded frame autosaves nothing (rc %d, %u autosaved)", rc,
	    r.autosaved);
	ok(forged.id == ba[1].id && dh_image_zero(&d, forged.id),
	    "hostile: the block, now B's, is still zeros");
	/* A seed dies with its frame's binding: the next owner's data
	 * never goes to the old owner's block. */
	if (exo_frame_alloc(a, &fx) != 0)
		bail("frame");
	is_int(0, exo_autosave(a, &fx.cap, &ba[2]), "hostile: A seeds a "
	    "fresh frame to its block 2");
	is_int(0, exo_frame_free(a, &fx), "hostile: then frees the frame");
	if (exo_frame_alloc(b, &fy) != 0 ||
	    exo_frame_map(&fy, PROT_READ | PROT_WRITE) == NULL)
		bail("frame");
	if (fy.cap.id != fx.cap.id)
		diag("B got frame %llu, not %llu", (unsigned long long)fy.cap.id,
		    (unsigned long long)fx.cap.id);
	memset(fy.va, 0x99, EXO_FRAME_SIZE);
	rc = exo_revoke(ctl, exo_libos_id(b), EXO_REVOKE_FRAME, fy.cap.id, &r);
	ok(fy.cap.id == fx.cap.id && rc == 0 && r.aborted == 1 &&
	    r.autosaved == 0, "hostile: B, bound the same frame, is aborted: "
	    "nothing autosaved (rc %d, %u autosaved)", rc, r.autosaved);
	ok(dh_image_zero(&d, ba[2].id), "hostile: A's block 2 did not get "
	    "B's data");
	(void)exo_frame_forget(&fy);

	/* PROTECT over the limit (-P 4): all or none. */
	for (k = 0; k < 8; k++)
		pc[k] = fa[k].cap;
	is_int(0, exo_frame_protect(a, &pc[3], 3, 1),
	    "hostile: A protects 3 frames (limit 4)");
	is_int(-EXO_ELIMIT, exo_frame_protect(a, &pc[6], 2, 1),
	    "hostile: protecting 2 more: ELIMIT");
	rc = exo_revoke(ctl, exo_libos_id(a), EXO_REVOKE_FRAME, fa[6].cap.id,
	    &r);
	ok(rc == 0 && r.revoked == 1, "hostile: ... and nothing changed: the "
	    "first of the 2 is still revocable (rc %d)", rc);
	for (k = 3, n = 0; k < 6; k++)
		n += exo_revoke(ctl, exo_libos_id(a), EXO_REVOKE_FRAME,
		    fa[k].cap.id, &r) == -EXO_EPERM;
	is_int(3, n, "hostile: the 3 protected ones are not: EPERM");
	is_int(-EXO_ESTALE, exo_frame_protect(a, &fa[6].cap, 1, 1),
	    "hostile: PROTECT of a frame taken: ESTALE");
	is_int(0, exo_frame_protect(a, &fa[7].cap, 1, 1),
	    "hostile: the 4th fits");
	is_int(-EXO_ELIMIT, exo_frame_protect(a, &fa[1].cap, 1, 1),
	    "hostile: a 5th: ELIMIT");
	is_int(0, exo_frame_protect(a, &fa[4].cap, 1, 1),
	    "hostile: protecting a protected frame again takes nothing more");
	is_int(-EXO_ELIMIT, exo_frame_protect(a, &fa[1].cap, 1, 1),
	    "hostile: ... so a 5th is still over: ELIMIT");
	is_int(-EXO_ENOTOWNER, exo_frame_protect(b, &fa[0].cap, 1, 1),
	    "hostile: B protecting A's frame: ENOTOWNER");
	is_int(-EXO_EINVAL, raw_caps(a, EXO_MSG_PROTECT, 0, 0, NULL, 0),
	    "hostile: PROTECT count 0: EINVAL");
	is_int(-EXO_EINVAL, raw_caps(a, EXO_MSG_PROTECT, 1, 0x10, &fa[1].cap,
	    1), "hostile: PROTECT with unknown flags: EINVAL");
	is_int(-EXO_EPROTO, raw_caps(a, EXO_MSG_PROTECT, 3, 0, &fa[1].cap, 1),
	    "hostile: PROTECT count 3 with 1 capability: EPROTO");
	is_int(0, exo_frame_protect(a, &fa[4].cap, 1, 0),
	    "hostile: A takes one out of its protected minimum");
	is_int(0, exo_frame_protect(a, &fa[1].cap, 1, 1),
	    "hostile: ... and another fits now");

	/* Everyone still served. */
	is_int(0, exo_null(a), "hostile: A still served");
	is_int(0, exo_null(b), "hostile: B still served");
	is_int(0, exo_disk_read(b, 11, &bb[0], &fb[1].cap, 1),
	    "hostile: B still does disk I/O");
	exo_disconnect(ctl);
	exo_disconnect(b);
	exo_disconnect(a);
	is_int(64, th_wait_frames_free(&d, 64, TIMEOUT),
	    "hostile: all 64 frames free again");
	ok(th_exod_stop(&d) == 0, "hostile: exod stops cleanly");
}

/* ---- 2. a completion for a descheduled libOS ---------------------------- */

#define SCHED_NSLOTS	4
#define SCHED_ROUNDS	40

static const struct exo_expose	*s_x;
static volatile sig_atomic_t	 s_done;
static volatile uint64_t	 s_tick, s_switches, s_ns, s_tag;
static volatile int32_t		 s_status;

static uint64_t
mono_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int
sched_intr(struct exo *e, const struct exo_intr *in, void *arg)
{
	if (in->kind == EXO_INTR_DISK) {
		s_ns = mono_ns();
		s_tick = s_x->tick;
		s_switches = s_x->switches;
		s_tag = in->value;
		s_status = in->status;
		s_done++;
	}
	return 0;
}

/* Receive one raw reply on the main connection; its id, or 0. */
static uint32_t
raw_reply(int fd, int32_t *status)
{
	unsigned char	buf[256];
	struct exo_hdr	h;
	ssize_t		n;

	*status = -1;
	do
		n = recv(fd, buf, sizeof buf, 0);
	while (n == -1 && errno == EINTR);
	if (n < (ssize_t)sizeof h)
		return 0;
	memcpy(&h, buf, sizeof h);
	*status = h.status;
	return h.id;
}

static int
kid_sched(int fd, void *sock)
{
	struct {
		struct exo_hdr		h;
		struct exo_disk_io	io;
		struct exo_disk_pair	p;
	}			 dio;
	struct exo_hdr		 yh;
	struct mmsghdr		 mm[2];
	struct iovec		 iov[2];
	struct exo_frame	 f;
	struct exo_cap		 b, slot;
	struct exo		*e;
	struct kmsg		 m;
	unsigned		 pos = 0, r;
	uint64_t		 sw, tick0, sw0, q, win;
	uint32_t		 id1, id2;
	int32_t			 st1, st2;
	long			 deadline;
	char			 c;

	memset(&m, 0, sizeof m);
	if (exo_connect(sock, "sched", &e) != 0 ||
	    exo_pe_interrupt(e, sched_intr, NULL) != 0 ||
	    exo_frame_alloc(e, &f) != 0 || exo_block_alloc(e, &b, 1) != 0)
		return 2;
	s_x = exo_expose(e);
	q = (uint64_t)s_x->quantum_us * 1000;
	if (exo_slot_claim_at(e, &pos, 1, &slot) != 0)
		return 3;
	m.v[0] = exo_libos_id(e);
	if (tp_send(fd, &m, sizeof m) != 0)
		return 4;
	memset(&m, 0, sizeof m);
	for (r = 0; r < SCHED_ROUNDS; r++) {
		/* Stop when the test says so, after a few rounds. */
		if (r >= 8 && recv(fd, &c, 1, MSG_DONTWAIT) == 1)
			break;
		/* Start at a fresh switch-in, early in the quantum. */
		sw = s_x->switches;
		deadline = tp_now_ms() + TIMEOUT;
		while (s_x->switches == sw && tp_now_ms() < deadline)
			usleep(200);
		tick0 = s_x->tick;
		sw0 = s_x->switches;
		s_done = 0;

		memset(&yh, 0, sizeof yh);
		yh.version = EXO_PROTO_VERSION;
		yh.type = EXO_MSG_YIELD;
		yh.id = 0x7f000000 + 2 * r;
		memset(&dio, 0, sizeof dio);
		dio.h.version = EXO_PROTO_VERSION;
		dio.h.type = EXO_MSG_DISK_IO;
		dio.h.id = 0x7f000001 + 2 * r;
		dio.h.len = sizeof dio - sizeof dio.h;
		dio.io.op = EXO_DISK_WRITE;
		dio.io.count = 1;
		dio.io.tag = 5000 + r;
		dio.p.block = b;
		dio.p.frame = f.cap;
		memset(mm, 0, sizeof mm);
		iov[0].iov_base = &yh;
		iov[0].iov_len = sizeof yh;
		iov[1].iov_base = &dio;
		iov[1].iov_len = sizeof dio;
		mm[0].msg_hdr.msg_iov = &iov[0];
		mm[0].msg_hdr.msg_iovlen = 1;
		mm[1].msg_hdr.msg_iov = &iov[1];
		mm[1].msg_hdr.msg_iovlen = 1;
		/* One system call: no stop can come between the two. */
		if (sendmmsg(exo_fd(e), mm, 2, 0) != 2)
			return 5;
		id1 = raw_reply(exo_fd(e), &st1);
		id2 = raw_reply(exo_fd(e), &st2);
		deadline = tp_now_ms() + TIMEOUT;
		while (s_done == 0 && tp_now_ms() < deadline) {
			(void)exo_poll(e);
			usleep(200);
		}
		m.v[0]++;				/* rounds */
		if (st1 != 0 || st2 != 0 || s_done != 1 ||
		    s_tag != 5000 + r || s_status != 0) {
			m.v[1]++;			/* broken */
			continue;
		}
		if (id1 != dio.h.id) {
			m.v[2]++;	/* YIELD answered first: not honoured */
			continue;
		}
		m.v[3]++;				/* honoured */
		if (s_tick > tick0 && s_switches > sw0 &&
		    s_tick % SCHED_NSLOTS == 0)
			m.v[4]++;	/* delivered at its next slot */
		else {
			m.v[7] = (int64_t)s_tick;	/* the last miss */
			m.v[8] = (int64_t)tick0;
		}
		win = s_ns > s_x->t0_ns ? (s_ns - s_x->t0_ns) / q : 0;
		if (win >= s_tick)
			m.v[5]++;	/* not before that slot began */
		if (win % SCHED_NSLOTS == 0)
			m.v[6]++;	/* inside one of its own windows */
	}
	(void)id2;
	if (tp_send(fd, &m, sizeof m) != 0)
		return 6;
	(void)tp_recv(fd, &c, 1, 60000);
	exo_disconnect(e);
	return 0;
}

static void
test_sched(void)
{
	struct th_exod		 d;
	struct tp_kid		 k;
	struct kmsg		 m;
	struct exo_status_peer	 st;
	long			 deadline;
	uint32_t		 id;
	int			 seen = 0, status;

	th_exod_start(&d, "-n", "4", "-q", "20", "-D", "1M", (char *)NULL);
	tp_kid_start(&k, kid_sched, d.sock);
	if (tp_recv(k.fd, &m, sizeof m, TIMEOUT) != (int)sizeof m)
		bail("the scheduled libOS did not start");
	id = (uint32_t)m.v[0];
	/* Catch its completion waiting in its queue while it is stopped. */
	deadline = tp_now_ms() + TIMEOUT;
	while (!seen && tp_now_ms() < deadline) {
		if (dh_peer(&d, id, &st) == 0 && st.events_queued > 0 &&
		    !(st.state & EXO_PEER_RUNNING))
			seen = 1;
		else
			tp_sleep_ms(2);
	}
	ok(seen, "sched: STATUS shows the completion queued for the libOS "
	    "while it does not run");
	(void)tp_send(k.fd, "s", 1);
	if (tp_recv(k.fd, &m, sizeof m, 30000) != (int)sizeof m)
		bail("the scheduled libOS did not report");
	diag("sched: %lld rounds, %lld broken, %lld YIELD not honoured, "
	    "%lld honoured, %lld at the next slot, %lld not before it, "
	    "%lld inside its own window", (long long)m.v[0],
	    (long long)m.v[1], (long long)m.v[2], (long long)m.v[3],
	    (long long)m.v[4], (long long)m.v[5], (long long)m.v[6]);
	ok(m.v[0] > 0 && m.v[1] == 0, "sched: every DISK_IO answered 0, "
	    "every completion came once with its tag and status 0");
	ok(m.v[3] > 0, "sched: in %lld of %lld rounds exod stopped the libOS "
	    "at the YIELD before doing its I/O", (long long)m.v[3],
	    (long long)m.v[0]);
	is_int(m.v[3], m.v[4], "sched: each of those completions was "
	    "delivered at the libOS's next slot (slot 0, a later quantum, "
	    "after a switch-in)");
	if (m.v[3] != m.v[4])
		diag("sched: last miss: delivered in quantum %lld, sent in "
		    "%lld", (long long)m.v[7], (long long)m.v[8]);
	is_int(m.v[3], m.v[5], "sched: ... and its handler ran no earlier "
	    "than that slot's start");
	ok(m.v[6] > 0, "sched: the handler's clock falls in one of the "
	    "libOS's own slot windows (%lld of %lld)", (long long)m.v[6],
	    (long long)m.v[3]);
	(void)tp_send(k.fd, "q", 1);
	status = tp_kid_wait(&k, TIMEOUT);
	ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "sched: the libOS exits 0 (status %#x)", status);
	ok(th_exod_stop(&d) == 0, "sched: exod stops cleanly");
}

/* ---- 3. kill -9 of exod, and a restart ----------------------------------- */

struct keeper_arg {
	const char	*sock;
	int		 phase;
};

/* The keeper: phase 1 writes and flushes 4 blocks; phase 2 comes back. */
static int
kid_keeper(int fd, void *argp)
{
	struct keeper_arg	*arg = argp;
	unsigned char		 want[EXO_FRAME_SIZE];
	struct exo_frame	 f[4];
	struct exo_cap		 b[4], list[EXO_BATCH_MAX];
	struct exo		*e;
	struct kmsg		 m, old;
	unsigned		 i, j, n;
	uint32_t		 total;
	char			 c;

	memset(&m, 0, sizeof m);
	if (exo_connect(arg->sock, "keeper", &e) != 0 ||
	    exo_frame_alloc_batch(e, f, 4) != 0)
		return 2;
	for (i = 0; i < 4; i++)
		if (exo_frame_map(&f[i], PROT_READ | PROT_WRITE) == NULL)
			return 3;
	if (arg->phase == 1) {
		if (exo_block_alloc(e, b, 4) != 0)
			return 4;
		for (i = 0; i < 4; i++) {
			dh_pattern("keeper", i, f[i].va);
			m.v[1] |= exo_disk_write(e, i, &b[i], &f[i].cap, 1);
			m.caps[i] = b[i];
		}
		m.v[0] = exo_disk_flush(e);
		if (tp_send(fd, &m, sizeof m) != 0)
			return 5;
		(void)tp_recv(fd, &c, 1, 60000);
		return 0;	/* exod is gone: nothing to say goodbye to */
	}
	/* Phase 2: the old capabilities come from the test. */
	if (tp_recv(fd, &old, sizeof old, TIMEOUT) != (int)sizeof old)
		return 6;
	m.v[0] = exo_block_free(e, &old.caps[0], 1);
	m.v[1] = exo_disk_read(e, 1, &old.caps[1], &f[0].cap, 1);
	m.v[2] = exo_block_list(e, 0, list, EXO_BATCH_MAX, &n, &total);
	m.v[3] = total;
	for (i = 0; i < n; i++)
		for (j = 0; j < 4; j++) {
			if (list[i].id != old.caps[j].id)
				continue;
			m.v[4]++;			/* the same block */
			m.caps[j] = list[i];
			dh_pattern("keeper", j, want);
			memset(f[j].va, 0, EXO_FRAME_SIZE);
			if (exo_disk_read(e, 10 + j, &list[i], &f[j].cap,
			    1) == 0 && memcmp(f[j].va, want,
			    EXO_FRAME_SIZE) == 0)
				m.v[5]++;		/* intact */
		}
	if (tp_send(fd, &m, sizeof m) != 0)
		return 7;
	/* Then free its last block, and wait to be told to go. */
	if (tp_recv(fd, &c, 1, 60000) != 1)
		return 8;
	memset(&m, 0, sizeof m);
	m.v[0] = exo_block_free(e, &m.caps[3], 1);	/* zeros: forged */
	m.v[1] = exo_block_list(e, 0, list, EXO_BATCH_MAX, &n, &total);
	for (i = 0; i < n; i++)
		if (list[i].id == old.caps[3].id)
			m.v[2] = exo_block_free(e, &list[i], 1) == 0;
	(void)exo_block_list(e, 0, list, EXO_BATCH_MAX, &n, &total);
	m.v[3] = total;
	if (tp_send(fd, &m, sizeof m) != 0)
		return 9;
	(void)tp_recv(fd, &c, 1, 60000);
	exo_disconnect(e);
	return 0;
}

/* Another name: tries the keeper's old and new capabilities. */
static int
kid_thief(int fd, void *sock)
{
	struct exo_frame	 f;
	struct exo_cap		 list[EXO_BATCH_MAX], forged, mine;
	struct exo		*e;
	struct kmsg		 caps, m;
	unsigned		 n, j;
	uint32_t		 total = 99;

	memset(&m, 0, sizeof m);
	if (exo_connect(sock, "thief", &e) != 0 || exo_frame_alloc(e, &f) != 0)
		return 2;
	/* caps.caps[0..3]: the keeper's old capabilities; [4..7]: new. */
	if (tp_recv(fd, &caps, sizeof caps, TIMEOUT) != (int)sizeof caps)
		return 3;
	m.v[0] = exo_block_list(e, 0, list, EXO_BATCH_MAX, &n, &total);
	m.v[1] = total;
	m.v[2] = exo_block_free(e, &caps.caps[0], 1);
	m.v[3] = exo_disk_read(e, 1, &caps.caps[1], &f.cap, 1);
	forged = caps.caps[2];
	forged.owner = exo_libos_id(e);
	m.v[4] = exo_disk_read(e, 2, &forged, &f.cap, 1);
	m.v[5] = exo_disk_read(e, 3, &caps.caps[5], &f.cap, 1);
	m.v[6] = exo_block_free(e, &caps.caps[6], 1);
	forged = caps.caps[7];
	forged.owner = exo_libos_id(e);
	m.v[7] = exo_block_free(e, &forged, 1);
	m.v[8] = exo_block_alloc(e, &mine, 1);
	for (j = 0; j < 4; j++)
		if (m.v[8] == 0 && mine.id == caps.caps[j].id)
			m.v[9] = 1;		/* given a keeper's block */
	if (tp_send(fd, &m, sizeof m) != 0)
		return 4;
	exo_disconnect(e);
	return 0;
}

static void
test_restart(void)
{
	struct th_exod		 d;
	struct tp_proc		 w;
	struct tp_kid		 k, t;
	struct keeper_arg	 ka;
	struct kmsg		 old, m, both;
	struct exo_disk_info	 di;
	struct dh_verified	 v;
	int64_t			 bid[8];
	long			 deadline;
	unsigned		 i, exact;
	uint32_t		 id;
	int			 rc, status, alive;

	th_exod_start(&d, "-m", "256K", "-D", "1M", (char *)NULL);
	ka.sock = d.sock;
	ka.phase = 1;
	tp_kid_start(&k, kid_keeper, &ka);
	if (tp_recv(k.fd, &old, sizeof old, TIMEOUT) != (int)sizeof old)
		bail("the keeper did not start");
	ok(old.v[1] == 0 && old.v[0] == 0, "restart: the keeper wrote 4 "
	    "blocks, and its flush was acknowledged");
	id = dh_libos(&w, &d, "writer", 8, NULL, bid, "-f", "8", "-W",
	    (char *)NULL);
	ok(id != 0 && strstr(w.buf, "flushed\n") != NULL, "restart: "
	    "libos-disk -W wrote and flushed 8 blocks");

	kill(d.pid, SIGKILL);
	deadline = tp_now_ms() + TIMEOUT;
	while ((alive = th_exod_alive(&d)) && tp_now_ms() < deadline)
		tp_sleep_ms(10);
	ok(!alive, "restart: exod killed with SIGKILL");
	(void)tp_send(k.fd, "q", 1);
	status = tp_kid_wait(&k, TIMEOUT);
	ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "restart: the keeper goes away");
	ok(dh_libos_end(&w) != -1, "restart: so does the writer");

	th_exod_restart(&d, "-m", "256K", "-D", "1M", (char *)NULL);
	ok(th_exod_alive(&d), "restart: exod restarted on the same socket "
	    "and image");
	for (i = 0, exact = 0; i < 4; i++)
		exact += dh_image_is(&d, old.caps[i].id, "keeper", i);
	for (i = 0; i < 8; i++)
		exact += dh_image_is(&d, (uint64_t)bid[i], "writer", i);
	is_int(12, exact, "restart: the image holds all 12 flushed blocks, "
	    "byte for byte");
	is_int(0, dh_disk_info(&d, &di), "restart: DISK_INFO answers");
	is_int(12, (long long)di.blocks_total - di.blocks_free,
	    "restart: 12 blocks still owned");

	/* The writer comes back under its name: its blocks, intact. */
	rc = dh_verify(&d, "writer", &v);
	ok(rc == 0 && v.verified == 8 && v.bad == 0 && v.owned == 8,
	    "restart: libos-disk -V under the same name reads all 8 back "
	    "(verified %lld, bad %lld, owned %lld)", v.verified, v.bad,
	    v.owned);
	rc = dh_verify(&d, "thief", &v);
	ok(rc != 0 && v.owned == 0 && v.verified == 0, "restart: under "
	    "another name it owns none (owned %lld)", v.owned);

	/* The keeper comes back: old capabilities no longer verify. */
	ka.phase = 2;
	tp_kid_start(&k, kid_keeper, &ka);
	if (tp_send(k.fd, &old, sizeof old) != 0 ||
	    tp_recv(k.fd, &m, sizeof m, TIMEOUT) != (int)sizeof m)
		bail("the keeper did not come back");
	is_int(-EXO_EBADCAP, m.v[0], "restart: BLOCK_FREE with a capability "
	    "from before the restart: EBADCAP");
	is_int(-EXO_EBADCAP, m.v[1], "restart: DISK_IO with one: EBADCAP");
	ok(m.v[2] == 0 && m.v[3] == 4, "restart: BLOCK_LIST reissues "
	    "capabilities for its 4 blocks (%lld)", (long long)m.v[3]);
	is_int(4, m.v[4], "restart: the same 4 block numbers");
	is_int(4, m.v[5], "restart: all 4 read back intact through exod");

	/* Another libOS tries them all. */
	memset(&both, 0, sizeof both);
	for (i = 0; i < 4; i++) {
		both.caps[i] = old.caps[i];
		both.caps[4 + i] = m.caps[i];
	}
	tp_kid_start(&t, kid_thief, d.sock);
	if (tp_send(t.fd, &both, sizeof both) != 0 ||
	    tp_recv(t.fd, &m, sizeof m, TIMEOUT) != (int)sizeof m)
		bail("the thief did not report");
	ok(m.v[0] == 0 && m.v[1] == 0, "restart: the other name lists no "
	    "blocks");
	is_int(-EXO_EBADCAP, m.v[2], "restart: BLOCK_FREE with the keeper's "
	    "old capability: EBADCAP");
	is_int(-EXO_EBADCAP, m.v[3], "restart: DISK_IO with it: EBADCAP");
	is_int(-EXO_EBADCAP, m.v[4], "restart: relabelled as its own: "
	    "EBADCAP");
	is_int(-EXO_ENOTOWNER, m.v[5], "restart: DISK_IO with the keeper's "
	    "new capability: ENOTOWNER");
	is_int(-EXO_ENOTOWNER, m.v[6], "restart: BLOCK_FREE with it: "
	    "ENOTOWNER");
	is_int(-EXO_EBADCAP, m.v[7], "restart: relabelled as its own: "
	    "EBADCAP");
	ok(m.v[8] == 0 && m.v[9] == 0, "restart: a block it allocates is "
	    "none of the keeper's");
	status = tp_kid_wait(&t, TIMEOUT);
	ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "restart: the other libOS exits 0");

	(void)tp_send(k.fd, "f", 1);
	if (tp_recv(k.fd, &m, sizeof m, TIMEOUT) != (int)sizeof m)
		bail("the keeper did not answer");
	is_int(-EXO_EBADCAP, m.v[0], "restart: a zeroed capability: EBADCAP");
	ok(m.v[2] == 1 && m.v[3] == 3, "restart: the keeper frees one of its "
	    "reissued blocks; it owns 3");
	(void)tp_send(k.fd, "q", 1);
	status = tp_kid_wait(&k, TIMEOUT);
	ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "restart: the keeper exits 0");

	/* A clean stop and start keeps it all too. */
	is_int(0, th_exod_stop(&d), "restart: exod stops cleanly");
	th_exod_restart(&d, "-m", "256K", "-D", "1M", (char *)NULL);
	is_int(0, dh_disk_info(&d, &di), "restart: DISK_INFO after a clean "
	    "restart");
	is_int(12, (long long)di.blocks_total - di.blocks_free,
	    "restart: 12 blocks owned (12, one freed, one the thief's)");
	rc = dh_verify(&d, "writer", &v);
	ok(rc == 0 && v.verified == 8 && v.owned == 8, "restart: the writer's "
	    "8 blocks still intact");
	(void)dh_verify(&d, "keeper", &v);
	is_int(3, v.owned, "restart: the keeper's name owns 3");
	(void)dh_verify(&d, "thief", &v);
	is_int(1, v.owned, "restart: the thief's name owns its 1");
}

int
main(void)
{
	plan_lazy();
	tp_watchdog(240);
	test_hostile();
	test_sched();
	test_restart();
	return 0;
}
