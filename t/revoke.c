/*
 * revoke.t - taking frames back: the repossession vector, the abort
 * protocol, seeded autosave, the protected minimum, memory pressure.
 *
 *  1. A libOS that honours a revocation in time (t/libos-disk -m polite)
 *     writes the revoked frames to its blocks and frees them; the blocks
 *     hold every byte, in the image file and read back through exod.
 *  2. A libOS that ignores one is aborted at the deadline: its revoked
 *     capability is refused (ESTALE), the frame's next owner (same frame
 *     number: exod runs with 16 frames and reuses the last freed first)
 *     sees zeros and then only its own writes, and the old owner's stale
 *     mapping sees none of them, nor do its writes reach the new owner.
 *  3. Seeded autosave lands byte-exact on disk on the polite path (the
 *     libOS frees the frames itself, writing nothing) and on the abort
 *     path (it ignores the revocation).
 *  4. Frames in the protected minimum are never taken: not by exoctl
 *     revoke (EPERM), not by memory pressure from other libOSes, and a
 *     libOS cannot protect more than exod -P allows (ELIMIT).
 *  5. Memory pressure: with 64 frames, A holds 40 and B 20; C asking 20
 *     (within its fair share of 21) has A revoked and completes once A
 *     gives the frames back (or is aborted); C asking beyond its share
 *     gets ENOMEM at once and takes nothing.
 *
 * Nothing here passes or fails on how fast anything is: deadlines are
 * long where a libOS must meet them, and short only where it must miss
 * them.  Asynchronous state is polled for with generous timeouts.
 */
#define _GNU_SOURCE 1
#include <sys/mman.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "diskhelp.h"
#include "harness.h"
#include "proc.h"
#include "tap.h"

#define TIMEOUT		10000	/* ms: guard on anything asynchronous */
#define LONG_R		"20000"	/* ms: a deadline a polite libOS meets */
#define SHORT_R		"200"	/* ms: one an ignoring libOS misses */

static struct th_exod	exod_polite;	/* -m 256K -R LONG_R */
static struct th_exod	exod_abort;	/* -m 64K -R SHORT_R */

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

static size_t
count_bytes(const void *p, int c, size_t n)
{
	const unsigned char	*s = p;
	size_t			 i, k = 0;

	for (i = 0; i < n; i++)
		if (s[i] == (unsigned char)c)
			k++;
	return k;
}

/* The reply to a REVOKE, in a line of diagnostics. */
static void
diag_reply(const char *what, const struct exo_revoke_reply *r)
{
	diag("%s: revoked %u, released %u, aborted %u, autosaved %u", what,
	    r->revoked, r->released, r->aborted, r->autosaved);
}

/* ---- 1. the polite path ------------------------------------------------ */

static void
test_polite(void)
{
	static const char	*name = "polite";
	struct tp_proc		 p;
	struct dh_verified	 v;
	struct exo_status_peer	 st;
	uint64_t		 fid[8];
	int64_t			 bid[8];
	char			 out[4096], arg[32], want[256];
	const char		*line;
	unsigned		 i, exact;
	uint32_t		 id;
	int			 rc;

	id = dh_libos(&p, &exod_polite, name, 8, fid, bid, "-f", "8",
	    "-m", "polite", (char *)NULL);
	if (!ok(id != 0, "polite: libos-disk bound 8 frames and 8 blocks"))
		bail("the test libOS did not start");
	for (i = 0, exact = 0; i < 8; i++)
		exact += dh_image_zero(&exod_polite, (uint64_t)bid[i]);
	is_int(8, exact, "polite: its 8 blocks start zeroed");

	snprintf(arg, sizeof arg, "%u", id);
	rc = dh_exoctl_run(&exod_polite, out, sizeof out, "revoke", arg,
	    "frames", "8", (char *)NULL);
	is_int(0, rc, "polite: exoctl revoke %u frames 8 succeeds", id);
	snprintf(want, sizeof want, "revoked 8 from libOS %u: 8 given back, "
	    "0 taken by force (deadline passed or libOS gone), 0 autosaved", id);
	if (!ok(strstr(out, want) != NULL, "polite: exoctl reports 8 given "
	    "back, none taken"))
		diag("exoctl said: %s", out);
	ok(tp_expect(&p, "revoke n=8", TIMEOUT) != NULL,
	    "polite: the libOS got the repossession vector of 8 frames");
	rc = dh_peer(&exod_polite, id, &st);
	ok(rc == 0 && st.revocations == 1 &&
	    st.aborts == 0 && st.frames == 0, "polite: STATUS counts 1 "
	    "revocation, 0 aborts, 0 frames left (%llu, %llu, %u)",
	    (unsigned long long)st.revocations,
	    (unsigned long long)st.aborts, st.frames);
	is_int(0, dh_libos_end(&p), "polite: the libOS exits 0");
	line = tp_expect(&p, "frames_ok=", 0);
	ok(line != NULL && tp_field(line, "lost", -1) == 8,
	    "polite: it gave back all 8 (%s)", line ? line : "no summary");

	for (i = 0, exact = 0; i < 8; i++)
		exact += dh_image_is(&exod_polite, (uint64_t)bid[i], name, i);
	is_int(8, exact, "polite: every byte of the 8 frames is in its block "
	    "in the image");

	rc = dh_verify(&exod_polite, name, &v);
	ok(rc == 0 && v.verified == 8 && v.bad == 0 && v.owned == 8,
	    "polite: reconnected under its name, it reads all 8 blocks back "
	    "through exod intact (verified %lld, bad %lld, owned %lld)",
	    v.verified, v.bad, v.owned);
	is_int(64, th_wait_frames_free(&exod_polite, 64, TIMEOUT),
	    "polite: all 64 frames free again");
}

/* ---- 2. the abort protocol and stale mappings -------------------------- */

enum { OP_CHECK = 1, OP_LOOK, OP_QUIT };

struct kmsg {
	int64_t	v[16];
};

static volatile sig_atomic_t	k_revokes, k_repossessed;
static volatile uint64_t	k_rev_id, k_rev_deadline, k_repo_id;
static volatile uint64_t	k_repo_save, k_rev_count, k_repo_count;

static int
kid_intr(struct exo *e, const struct exo_intr *in, void *arg)
{
	if (in->kind == EXO_INTR_REVOKE) {
		k_rev_count = in->count;
		if (in->count > 0)
			k_rev_id = in->vec[0].cap.id;
		k_rev_deadline = in->deadline_ns;
		k_revokes++;
	} else if (in->kind == EXO_INTR_REPOSSESSED) {
		k_repo_count = in->count;
		if (in->count > 0) {
			k_repo_id = in->vec[0].cap.id;
			k_repo_save = in->vec[0].autosave;
		}
		k_repossessed++;
	}
	return 0;
}

static int
kid_cmd(int fd)
{
	struct kmsg	m;

	if (tp_recv(fd, &m, sizeof m, 60000) != (int)sizeof m)
		return -1;
	return (int)m.v[0];
}

/* Old owner: binds 4 frames, fills frame k with 0xA0 + k, ignores REVOKE. */
static int
kid_old(int fd, void *arg)
{
	struct exo_frame	 f[4];
	struct exo		*e;
	struct kmsg		 m;
	const struct exo_expose	*x;
	long			 deadline;
	int			 k, cmd, victim = -1;

	if (exo_connect(arg, "stale-old", &e) != 0 ||
	    exo_pe_interrupt(e, kid_intr, NULL) != 0 ||
	    exo_frame_alloc_batch(e, f, 4) != 0)
		return 2;
	for (k = 0; k < 4; k++) {
		if (exo_frame_map(&f[k], PROT_READ | PROT_WRITE) == NULL)
			return 3;
		memset(f[k].va, 0xA0 + k, EXO_FRAME_SIZE);
	}
	memset(&m, 0, sizeof m);
	m.v[0] = exo_libos_id(e);
	for (k = 0; k < 4; k++)
		m.v[1 + k] = (int64_t)f[k].cap.id;
	if (tp_send(fd, &m, sizeof m) != 0)
		return 4;
	while ((cmd = kid_cmd(fd)) > 0 && cmd != OP_QUIT) {
		memset(&m, 0, sizeof m);
		if (cmd == OP_CHECK) {
			/* The REPOSSESSED upcall rings the doorbell; wait. */
			deadline = tp_now_ms() + TIMEOUT;
			while (k_repossessed == 0 && tp_now_ms() < deadline) {
				(void)exo_poll(e);
				tp_sleep_ms(5);
			}
			for (k = 0; k < 4; k++)
				if (f[k].cap.id == k_rev_id)
					victim = k;
			x = exo_expose(e);
			m.v[0] = k_revokes;
			m.v[1] = (int64_t)k_rev_id;
			m.v[2] = k_rev_deadline != 0;
			m.v[3] = k_repossessed;
			m.v[4] = (int64_t)k_repo_id;
			m.v[5] = k_repo_save == EXO_NO_BLOCK;
			m.v[6] = victim;
			if (victim >= 0) {
				m.v[7] = exo_cap_check(e, &f[victim].cap, 0);
				m.v[8] = exo_cap_check(e, &f[victim].cap,
				    EXO_RIGHT_WRITE);
				m.v[9] = (int64_t)x->frame_gen[f[victim].cap.id];
				m.v[10] = all_bytes(f[victim].va, 0xA0 + victim,
				    EXO_FRAME_SIZE);
			}
			for (k = 0; k < 4; k++)
				if (k != victim && exo_cap_check(e, &f[k].cap,
				    EXO_RIGHTS_ALL) == 0 && all_bytes(f[k].va,
				    0xA0 + k, EXO_FRAME_SIZE))
					m.v[11]++;
			m.v[12] = (int64_t)k_rev_count;
			m.v[13] = (int64_t)k_repo_count;
			if (victim >= 0)
				m.v[14] = exo_frame_free(e, &f[victim]);
		} else if (cmd == OP_LOOK && victim >= 0) {
			/* What the stale mapping shows; then write through it. */
			m.v[0] = (int64_t)count_bytes(f[victim].va,
			    0xA0 + victim, EXO_FRAME_SIZE);
			m.v[1] = (int64_t)count_bytes(f[victim].va, 0xB0,
			    EXO_FRAME_SIZE);
			m.v[2] = (int64_t)count_bytes(f[victim].va, 0,
			    EXO_FRAME_SIZE);
			memset(f[victim].va, 0xEE, EXO_FRAME_SIZE);
			m.v[3] = all_bytes(f[victim].va, 0xEE, EXO_FRAME_SIZE);
		}
		if (tp_send(fd, &m, sizeof m) != 0)
			return 5;
	}
	exo_disconnect(e);
	return 0;
}

/* New owner: binds one frame; what it sees, then what it keeps seeing. */
static int
kid_new(int fd, void *arg)
{
	struct exo_frame	 f, g;
	struct exo_cap		 b;
	struct exo		*e;
	struct kmsg		 m;
	int			 cmd;

	if (exo_connect(arg, "stale-new", &e) != 0 ||
	    exo_frame_alloc(e, &f) != 0 ||
	    exo_frame_map(&f, PROT_READ | PROT_WRITE) == NULL)
		return 2;
	memset(&m, 0, sizeof m);
	m.v[0] = (int64_t)f.cap.id;
	m.v[1] = (int64_t)count_bytes(f.va, 0, EXO_FRAME_SIZE);
	memset(f.va, 0xB0, EXO_FRAME_SIZE);
	if (tp_send(fd, &m, sizeof m) != 0)
		return 4;
	while ((cmd = kid_cmd(fd)) > 0 && cmd != OP_QUIT) {
		memset(&m, 0, sizeof m);
		m.v[0] = (int64_t)count_bytes(f.va, 0xB0, EXO_FRAME_SIZE);
		m.v[1] = (int64_t)count_bytes(f.va, 0xEE, EXO_FRAME_SIZE);
		m.v[2] = (int64_t)count_bytes(f.va, 0xA1, EXO_FRAME_SIZE) +
		    (int64_t)count_bytes(f.va, 0xA2, EXO_FRAME_SIZE);
		/* exod's own view of the frame: DMA it to a block and back. */
		m.v[3] = -1;
		if (exo_block_alloc(e, &b, 1) == 0 &&
		    exo_frame_alloc(e, &g) == 0 &&
		    exo_frame_map(&g, PROT_READ | PROT_WRITE) != NULL &&
		    exo_disk_write(e, 1, &b, &f.cap, 1) == 0 &&
		    exo_disk_read(e, 2, &b, &g.cap, 1) == 0)
			m.v[3] = all_bytes(g.va, 0xB0, EXO_FRAME_SIZE);
		if (tp_send(fd, &m, sizeof m) != 0)
			return 5;
	}
	exo_disconnect(e);
	return 0;
}

static void
kid_say(struct tp_kid *k, int op, struct kmsg *reply)
{
	struct kmsg	m;

	memset(&m, 0, sizeof m);
	m.v[0] = op;
	memset(reply, 0, sizeof *reply);
	if (tp_send(k->fd, &m, sizeof m) != 0 ||
	    tp_recv(k->fd, reply, sizeof *reply, TIMEOUT) != (int)sizeof *reply)
		bail("a child libOS did not answer");
}

static void
test_abort(void)
{
	struct tp_kid		 a, b;
	struct kmsg		 m, ra, rb;
	struct exo_revoke_reply	 r;
	struct exo_status_peer	 st;
	uint32_t		 aid;
	uint64_t		 victim;
	int			 rc, status;

	tp_kid_start(&a, kid_old, exod_abort.sock);
	if (tp_recv(a.fd, &m, sizeof m, TIMEOUT) != (int)sizeof m)
		bail("the old owner did not start");
	aid = (uint32_t)m.v[0];
	victim = (uint64_t)m.v[2];	/* its frame 1, full of 0xA1 */
	is_int(16 - 4, th_frames_free(&exod_abort),
	    "abort: the old owner bound 4 of 16 frames");

	rc = dh_revoke(&exod_abort, aid, EXO_REVOKE_FRAME, victim, &r);
	is_int(0, rc, "abort: REVOKE of frame %llu is answered once it is over",
	    (unsigned long long)victim);
	if (!ok(r.revoked == 1 && r.released == 0 && r.aborted == 1 &&
	    r.autosaved == 0, "abort: 1 revoked, 0 given back, 1 taken at the "
	    "deadline"))
		diag_reply("reply", &r);
	is_int(16 - 3, th_frames_free(&exod_abort),
	    "abort: the frame is free again");

	kid_say(&a, OP_CHECK, &ra);
	is_int(1, ra.v[0], "abort: the old owner got one REVOKE upcall");
	ok(ra.v[1] == (int64_t)victim && ra.v[12] == 1 && ra.v[2] == 1,
	    "abort: its vector names that frame alone, with a deadline");
	is_int(1, ra.v[3], "abort: then one REPOSSESSED upcall");
	ok(ra.v[4] == (int64_t)victim && ra.v[13] == 1 && ra.v[5] == 1,
	    "abort: naming the frame, not autosaved");
	is_int(1, ra.v[6], "abort: the frame was its frame 1");
	is_int(-EXO_ESTALE, ra.v[7], "abort: its capability is refused: "
	    "ESTALE");
	is_int(-EXO_ESTALE, ra.v[8], "abort: also for writing: ESTALE");
	is_int(-EXO_ESTALE, ra.v[14], "abort: FRAME_FREE with it: ESTALE");
	is_int(0, ra.v[9], "abort: the exposed generation of the frame is 0");
	ok(ra.v[10] == 1, "abort: its stale mapping still shows its own old "
	    "data");
	is_int(3, ra.v[11], "abort: its 3 other frames are still bound and "
	    "intact");

	tp_kid_start(&b, kid_new, exod_abort.sock);
	if (tp_recv(b.fd, &m, sizeof m, TIMEOUT) != (int)sizeof m)
		bail("the new owner did not start");
	is_int((long long)victim, m.v[0], "abort: the next libOS is bound the "
	    "same frame number");
	is_int(EXO_FRAME_SIZE, m.v[1], "abort: it sees %d zero bytes, none of "
	    "the old owner's", EXO_FRAME_SIZE);

	kid_say(&a, OP_LOOK, &ra);
	is_int(EXO_FRAME_SIZE, ra.v[0], "abort: after the new owner wrote, the "
	    "stale mapping still shows only the old data");
	is_int(0, ra.v[1], "abort: not one byte of the new owner's writes");
	ok(ra.v[3] == 1, "abort: the old owner writes 0xEE all over its stale "
	    "mapping");
	kid_say(&b, OP_LOOK, &rb);
	is_int(EXO_FRAME_SIZE, rb.v[0], "abort: the new owner sees only its "
	    "own writes");
	is_int(0, rb.v[1] + rb.v[2], "abort: none of the old owner's, before "
	    "or after the abort");
	is_int(1, rb.v[3], "abort: exod's own view of the frame (DMA to a "
	    "block and back) is the new owner's");

	ok(dh_peer(&exod_abort, aid, &st) == 0 && st.revocations == 1 &&
	    st.aborts == 1, "abort: STATUS counts 1 revocation and 1 abort "
	    "for the old owner");
	memset(&m, 0, sizeof m);
	m.v[0] = OP_QUIT;
	(void)tp_send(a.fd, &m, sizeof m);
	(void)tp_send(b.fd, &m, sizeof m);
	status = tp_kid_wait(&a, TIMEOUT);
	ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "abort: the old owner exits 0");
	status = tp_kid_wait(&b, TIMEOUT);
	ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "abort: the new owner exits 0");
	is_int(16, th_wait_frames_free(&exod_abort, 16, TIMEOUT),
	    "abort: all 16 frames free again");
}

/* ---- 3. seeded autosave, both paths ------------------------------------ */

static void
test_autosave(void)
{
	struct tp_proc		 p;
	struct dh_verified	 v;
	struct exo_revoke_reply	 r;
	struct exo_disk_info	 d0, d1;
	uint64_t		 fid[6];
	int64_t			 bid[6];
	const char		*line;
	unsigned		 i, exact;
	uint32_t		 id;
	int			 rc;

	/* Polite: the libOS frees the frames itself and writes nothing. */
	id = dh_libos(&p, &exod_polite, "seed-p", 6, fid, bid, "-f", "6", "-a",
	    "-m", "free", (char *)NULL);
	if (!ok(id != 0, "autosave: seed-p bound 6 frames, seeded 6 blocks"))
		bail("the test libOS did not start");
	(void)dh_disk_info(&exod_polite, &d0);
	rc = dh_revoke(&exod_polite, id, EXO_REVOKE_FRAME, fid[2], &r);
	if (!ok(rc == 0 && r.revoked == 1 && r.released == 1 &&
	    r.aborted == 0 && r.autosaved == 1, "autosave, polite: frame 2 given back, "
	    "autosaved (rc %d)", rc))
		diag_reply("reply", &r);
	ok(dh_image_is(&exod_polite, (uint64_t)bid[2], "seed-p", 2),
	    "autosave, polite: block 2 holds frame 2 byte for byte");
	for (i = 0, exact = 0; i < 6; i++)
		exact += i != 2 && dh_image_zero(&exod_polite, (uint64_t)bid[i]);
	is_int(5, exact, "autosave, polite: the blocks of frames not revoked "
	    "are untouched");
	rc = dh_revoke(&exod_polite, id, EXO_REVOKE_FRAMES, 253, &r);
	if (!ok(rc == 0 && r.revoked == 5 && r.released == 5 &&
	    r.aborted == 0 && r.autosaved == 5, "autosave, polite: the other 5 too (rc %d)", rc))
		diag_reply("reply", &r);
	for (i = 0, exact = 0; i < 6; i++)
		exact += dh_image_is(&exod_polite, (uint64_t)bid[i], "seed-p", i);
	is_int(6, exact, "autosave, polite: all 6 blocks exact in the image");
	(void)dh_disk_info(&exod_polite, &d1);
	is_int(6, (long long)(d1.autosaves - d0.autosaves),
	    "autosave, polite: DISK_INFO counts 6 autosaves");
	ok(tp_expect(&p, "revoke n=5", TIMEOUT) != NULL,
	    "autosave, polite: the libOS saw the vectors");
	is_int(0, dh_libos_end(&p), "autosave, polite: the libOS exits 0");
	line = tp_expect(&p, "frames_ok=", 0);
	ok(line != NULL && tp_field(line, "lost", -1) == 6,
	    "autosave, polite: it freed all 6 itself (%s)", line ? line : "-");

	/* Abort: the libOS ignores the revocation. */
	id = dh_libos(&p, &exod_abort, "seed-a", 6, fid, bid, "-f", "6", "-a",
	    "-m", "ignore", (char *)NULL);
	if (!ok(id != 0, "autosave: seed-a bound 6 frames, seeded 6 blocks"))
		bail("the test libOS did not start");
	rc = dh_revoke(&exod_abort, id, EXO_REVOKE_FRAMES, 6, &r);
	if (!ok(rc == 0 && r.revoked == 6 && r.released == 0 &&
	    r.aborted == 6 && r.autosaved == 6, "autosave, abort: 6 taken at the deadline, 6 "
	    "autosaved (rc %d)", rc))
		diag_reply("reply", &r);
	line = tp_expect(&p, "repossessed ", TIMEOUT);
	ok(line != NULL && tp_field(line, "n", -1) == 6 &&
	    tp_field(line, "saved", -1) == 6, "autosave, abort: the "
	    "repossession vector lists 6 frames, each with its block (%s)",
	    line ? line : "none");
	for (i = 0, exact = 0; i < 6; i++)
		exact += dh_image_is(&exod_abort, (uint64_t)bid[i], "seed-a", i);
	is_int(6, exact, "autosave, abort: all 6 blocks exact in the image");
	is_int(0, dh_libos_end(&p), "autosave, abort: the libOS exits 0");
	line = tp_expect(&p, "frames_ok=", 0);
	ok(line != NULL && tp_field(line, "lost", -1) == 6,
	    "autosave, abort: it knows it lost all 6 (%s)", line ? line : "-");
	rc = dh_verify(&exod_abort, "seed-a", &v);
	ok(rc == 0 && v.verified == 6 && v.bad == 0, "autosave, abort: read "
	    "back through exod after reconnecting: all 6 intact (verified "
	    "%lld, bad %lld)", v.verified, v.bad);
	is_int(16, th_wait_frames_free(&exod_abort, 16, TIMEOUT),
	    "autosave: all 16 frames free again");
}

/* ---- 4. the protected minimum ------------------------------------------ */

static void
test_protected(void)
{
	struct th_exod		 d;
	struct tp_proc		 p, q;
	struct exo_revoke_reply	 r;
	struct exo_status_peer	 st;
	struct exo_frame	 fc[9], fd[5], fe[4];
	struct exo		*c, *dd, *e;
	uint64_t		 fid[16];
	char			 out[4096], arg[32], fa[32];
	const char		*line;
	unsigned		 i, eperm;
	uint32_t		 id;
	int			 rc;

	/* 16 frames, 8 of each libOS protected, short deadline. */
	th_exod_start(&d, "-m", "64K", "-P", "8", "-R", SHORT_R, "-D", "1M",
	    (char *)NULL);
	id = dh_libos(&p, &d, "prot", 16, fid, NULL, "-f", "16", "-b", "0",
	    "-P", "8", "-m", "ignore", (char *)NULL);
	if (!ok(id != 0, "protected: libos-disk bound all 16 frames, "
	    "protected its first 8"))
		bail("the test libOS did not start");

	snprintf(arg, sizeof arg, "%u", id);
	snprintf(fa, sizeof fa, "%llu", (unsigned long long)fid[0]);
	rc = dh_exoctl_run(&d, out, sizeof out, "revoke", arg, "frame", fa,
	    (char *)NULL);
	if (!ok(rc == 1 && strstr(out, "not permitted") != NULL,
	    "protected: exoctl revoke of a protected frame fails: EPERM "
	    "(status %d)", rc))
		diag("exoctl said: %s", out);
	for (i = 0, eperm = 0; i < 8; i++)
		eperm += dh_revoke(&d, id, EXO_REVOKE_FRAME, fid[i], &r) ==
		    -EXO_EPERM;
	is_int(8, eperm, "protected: REVOKE of each protected frame: EPERM");

	/* Pressure: C's fair share is 8; only the 8 unprotected can go. */
	if (exo_connect(d.sock, "press-c", &c) != 0)
		bail("connect press-c");
	rc = exo_frame_alloc_batch(c, fc, 8);
	is_int(0, rc, "protected: C (share 8) gets 8 frames once the holder "
	    "is revoked");
	line = tp_expect(&p, "repossessed ", TIMEOUT);
	ok(line != NULL && tp_field(line, "n", -1) == 8, "protected: the "
	    "holder lost 8 at the deadline (%s)", line ? line : "none");
	is_int(-EXO_ENOMEM, exo_frame_alloc(c, &fc[8]), "protected: C asking "
	    "beyond its share: ENOMEM");
	if (exo_connect(d.sock, "press-d", &dd) != 0)
		bail("connect press-d");
	/* Share 5: the holder keeps 8, all protected; C is 3 over. */
	is_int(-EXO_ENOMEM, exo_frame_alloc_batch(dd, fd, 5),
	    "protected: D asking 5 (its share) cannot have the protected "
	    "frames: ENOMEM");
	is_int(0, th_frames_free(&d), "protected: ... and took nothing");
	rc = exo_frame_alloc_batch(dd, fd, 3);
	is_int(0, rc, "protected: D asking 3 gets them, from C");
	if (exo_connect(d.sock, "press-e", &e) != 0)
		bail("connect press-e");
	/* Share 4: the holder is 4 over, but none of it may go. */
	is_int(-EXO_ENOMEM, exo_frame_alloc_batch(e, fe, 4),
	    "protected: E asking 4 (its share): ENOMEM");
	is_int(0, exo_frame_alloc(e, &fe[0]), "protected: E asking 1 gets it, "
	    "from C");
	for (i = 0, eperm = 0; i < 8; i++)
		eperm += dh_revoke(&d, id, EXO_REVOKE_FRAME, fid[i], &r) ==
		    -EXO_EPERM;
	is_int(8, eperm, "protected: after all that pressure, each protected "
	    "frame is still the holder's and protected");
	rc = dh_exoctl_run(&d, out, sizeof out, "revoke", arg, "frames",
	    "253", (char *)NULL);
	if (!ok(rc == 1 && strstr(out, "protected minimum") != NULL,
	    "protected: exoctl revoke of its frames, all protected: ELIMIT "
	    "(status %d)", rc))
		diag("exoctl said: %s", out);
	rc = dh_peer(&d, id, &st);
	ok(rc == 0 && st.frames == 8 && st.revocations == 1,
	    "protected: the holder has 8 frames, was revoked once (%u, %llu)",
	    st.frames, (unsigned long long)st.revocations);
	exo_disconnect(e);
	exo_disconnect(dd);
	exo_disconnect(c);
	is_int(0, dh_libos_end(&p), "protected: the holder exits 0");
	line = tp_expect(&p, "frames_ok=", 0);
	ok(line != NULL && tp_field(line, "frames_ok", -1) == 8 &&
	    tp_field(line, "lost", -1) == 8, "protected: its 8 protected frames "
	    "kept every byte (%s)", line ? line : "-");

	/* One frame more than -P allows. */
	id = dh_libos(&q, &d, "greedy", 0, NULL, NULL, "-f", "9", "-b", "0",
	    "-P", "9", (char *)NULL);
	line = tp_expect(&q, "error=", TIMEOUT);
	ok(id == 0 && line != NULL && tp_field(line, "error", 0) ==
	    -EXO_ELIMIT, "protected: protecting a 9th frame with -P 8: ELIMIT "
	    "(%s)", line ? line : "none");
	(void)dh_libos_end(&q);
	is_int(16, th_wait_frames_free(&d, 16, TIMEOUT),
	    "protected: all 16 frames free again");
}

/* ---- 5. memory pressure -------------------------------------------------- */

static void
test_pressure(const char *mode, const char *deadline)
{
	struct th_exod		 d;
	struct tp_proc		 a, b;
	struct exo_status_peer	 sa, sb, sc;
	struct exo_frame	 fc[22];
	struct exo		*c;
	const char		*line;
	uint32_t		 ida, idb;
	int			 rc, polite = strcmp(mode, "polite") == 0;

	th_exod_start(&d, "-m", "256K", "-R", deadline, "-D", "1M",
	    (char *)NULL);
	ida = dh_libos(&a, &d, "hog", 0, NULL, NULL, "-f", "40", "-b", "0",
	    "-m", mode, (char *)NULL);
	idb = dh_libos(&b, &d, "modest", 0, NULL, NULL, "-f", "20", "-b", "0",
	    "-m", mode, (char *)NULL);
	if (!ok(ida != 0 && idb != 0, "pressure (%s): A bound 40 of 64 "
	    "frames, B 20", mode))
		bail("the test libOSes did not start");
	if (exo_connect(d.sock, "asker", &c) != 0)
		bail("connect asker");
	is_int(-EXO_ENOMEM, exo_frame_alloc_batch(c, fc, 22),
	    "pressure (%s): C asking 22 (> share 21, 4 free): ENOMEM at once",
	    mode);
	ok(th_frames_free(&d) == 4 && dh_peer(&d, ida, &sa) == 0 &&
	    sa.revocations == 0 && sa.frames == 40, "pressure (%s): ... took "
	    "nothing and revoked nothing", mode);
	rc = exo_frame_alloc_batch(c, fc, 20);
	is_int(0, rc, "pressure (%s): C asking 20 (share 21) gets them", mode);
	line = tp_expect(&a, "revoke n=", TIMEOUT);
	ok(line != NULL && tp_field(line, "n", -1) == 16, "pressure (%s): A "
	    "got a REVOKE upcall for the 16 missing (%s)", mode,
	    line ? line : "none");
	if (!polite) {
		line = tp_expect(&a, "repossessed ", TIMEOUT);
		ok(line != NULL && tp_field(line, "n", -1) == 16,
		    "pressure (%s): and lost them at the deadline (%s)", mode,
		    line ? line : "none");
	}
	rc = dh_peer(&d, ida, &sa) | dh_peer(&d, idb, &sb) |
	    dh_peer(&d, exo_libos_id(c), &sc);
	ok(rc == 0, "pressure (%s): STATUS "
	    "lists all three", mode);
	ok(sa.frames == 24 && sa.revocations == 1 && sa.aborts ==
	    (polite ? 0 : 1), "pressure (%s): A holds 24, revoked once, "
	    "aborted %d times (%u, %llu, %llu)", mode, polite ? 0 : 1,
	    sa.frames, (unsigned long long)sa.revocations,
	    (unsigned long long)sa.aborts);
	ok(sb.frames == 20 && sb.revocations == 0, "pressure (%s): B, within "
	    "its share, was not touched (%u, %llu)", mode, sb.frames,
	    (unsigned long long)sb.revocations);
	is_int(20, sc.frames, "pressure (%s): C holds 20", mode);
	is_int(-EXO_ENOMEM, exo_frame_alloc_batch(c, fc + 20, 2),
	    "pressure (%s): C asking 2 more (22 > share 21): ENOMEM at once",
	    mode);
	ok(dh_peer(&d, exo_libos_id(c), &sc) == 0 && sc.frames == 20 &&
	    th_frames_free(&d) == 0, "pressure (%s): ... and took nothing",
	    mode);
	ok(dh_peer(&d, ida, &sa) == 0 && sa.revocations == 1,
	    "pressure (%s): the refused request revoked nothing", mode);
	exo_disconnect(c);
	is_int(0, dh_libos_end(&a), "pressure (%s): A exits 0", mode);
	line = tp_expect(&a, "frames_ok=", 0);
	ok(line != NULL && tp_field(line, "frames_ok", -1) == 24 &&
	    tp_field(line, "lost", -1) == 16, "pressure (%s): A's 24 other "
	    "frames are intact (%s)", mode, line ? line : "-");
	is_int(0, dh_libos_end(&b), "pressure (%s): B exits 0", mode);
	is_int(64, th_wait_frames_free(&d, 64, TIMEOUT),
	    "pressure (%s): all 64 frames free again", mode);
	ok(th_exod_stop(&d) == 0, "pressure (%s): exod stops cleanly", mode);
}

int
main(void)
{
	plan_lazy();
	tp_watchdog(240);
	th_exod_start(&exod_polite, "-m", "256K", "-R", LONG_R, "-D", "1M",
	    (char *)NULL);
	th_exod_start(&exod_abort, "-m", "64K", "-R", SHORT_R, "-D", "1M",
	    (char *)NULL);

	test_polite();
	test_abort();
	test_autosave();
	test_protected();
	test_pressure("polite", LONG_R);
	test_pressure("ignore", SHORT_R);

	ok(th_exod_alive(&exod_polite) && th_exod_alive(&exod_abort),
	    "both exods alive at the end");
	return 0;
}
