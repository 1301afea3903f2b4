/*
 * unixfs-revoke.t - the buffer cache under exod's revocation, at the
 * moments a workload cannot aim at: a frame revoked while it holds a
 * dirty block of the transaction in progress (pinned by the log), on
 * the polite path and on the abort path, told of the repossession or
 * never told.  The test plays the kernel (t/unixfs-help.c): it opens a
 * transaction, writes a file's blocks into it, revokes their frames by
 * number through a control connection, then commits, remounts on a
 * fresh cache and checks the file byte for byte.  The abort path is a
 * handler deaf to the revocation (uf_deaf): exod's deadline passes and
 * it takes the frames by force.  Also: the bounce frame and the log's
 * header frame are in exod's protected minimum and cannot be revoked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exo.h"
#include "fsys.h"
#include "harness.h"
#include "tap.h"
#include "unixfs-help.h"

#define NAME	"unixfs-revoke"
#define FSIZE	(40 * BSIZE)	/* 40 blocks: in one transaction */

static struct th_exod	 d;
static struct exo	*e, *ctl;

static void
remount(void)
{
	uf_unmount();
	exo_disconnect(e);
	if ((e = uf_connect(d.sock, NAME)) == NULL)
		bail("reconnect");
	if (uf_mount(e, 256) != 0)
		bail("mount again");
}

/*
 * Open a transaction that rewrites /a with seed's bytes, revoke the
 * frames of nrev of its blocks (deaf: the handler's deaf bits while it
 * lasts), and commit.  The revocations' outcome is summed into *r.
 * 0 if the commit succeeded.
 */
static int
rewrite(uint64_t seed, int nrev, int deaf, struct exo_revoke_reply *r)
{
	struct exo_revoke_reply	 one;
	struct inode		*ip;
	struct buf		*b;
	unsigned char		*buf;
	uint64_t		 id;
	uint32_t		 bno;
	int			 i, rc;

	memset(r, 0, sizeof *r);
	if ((buf = malloc(FSIZE)) == NULL)
		bail("malloc");
	uf_fill(buf, FSIZE, seed, 0);
	if (log_begin_op() != 0)
		bail("begin_op");
	if ((ip = path_namei(NULL, "/a", 0)) == NULL || fs_ilock(ip) != 0)
		bail("/a");
	if (fs_writei(ip, buf, 0, FSIZE) != FSIZE)
		bail("writei");
	uf_deaf = deaf;
	for (i = 0; i < nrev; i++) {
		bno = fs_bmap(ip, (uint32_t)i, 0);
		if ((b = bio_peek(bno)) == NULL || b->pin == 0)
			bail("block %d of /a is not pinned", i);
		id = b->mem.frame.cap.id;
		if (exo_revoke(ctl, exo_libos_id(e), EXO_REVOKE_FRAME, id,
		    &one) != 0)
			bail("revoke frame %llu", (unsigned long long)id);
		r->revoked += one.revoked;
		r->released += one.released;
		r->aborted += one.aborted;
	}
	uf_deaf = 0;
	fs_iunlock(ip);
	fs_iput(ip);
	rc = log_end_op();
	free(buf);
	return (rc);
}

int
main(void)
{
	struct exo_revoke_reply	 r;
	struct bio_stats	 s0, s1;
	int			 rc;

	plan_lazy();
	th_exod_start(&d, "-D", "48M", "-m", "64M", "-R", "20", (char *)NULL);
	if ((e = uf_connect(d.sock, NAME)) == NULL)
		bail("connect");
	if (exo_connect_control(d.sock, &ctl) != 0)
		bail("control");
	ok(uf_mkfs(e, 4000, 0) == 0 && uf_mount(e, 256) == 0,
	    "mkfs and mount with 256 buffers");
	ok(uf_put("/a", 1, FSIZE) == 0, "a file of 40 blocks");

	/* The polite path: the dirty block moves to a clean frame. */
	bio_stats(&s0);
	rc = rewrite(2, 8, 0, &r);
	bio_stats(&s1);
	ok(rc == 0 && r.released == 8 && r.aborted == 0,
	    "8 frames of pinned blocks given back in time (%u given back, "
	    "%u taken), the commit succeeds", r.released, r.aborted);
	is_int((int)(s1.revoke_moved - s0.revoke_moved), 8,
	    "each one's block moved to another frame first");
	remount();
	ok(uf_verify("/a", 2, FSIZE) == 0, "after a remount, /a is whole");

	/* The abort path, told: the REPOSSESSED upcall marks them gone. */
	bio_stats(&s0);
	rc = rewrite(3, 8, UF_DEAF_REVOKE, &r);
	bio_stats(&s1);
	ok(r.aborted == 8 && r.released == 0,
	    "a libOS deaf to the revocation: exod takes the 8 frames by "
	    "force (%u taken)", r.aborted);
	is_int((int)(s1.kept - s0.kept), 8,
	    "the cache keeps each pinned block's memory, which outlives "
	    "the frame");
	ok(rc == 0 && !log_broken(), "the transaction still commits");
	ok(s1.bounced - s0.bounced >= 16, "their blocks went to the log and "
	    "home through the bounce frame (%llu)",
	    (unsigned long long)(s1.bounced - s0.bounced));
	remount();
	ok(uf_verify("/a", 3, FSIZE) == 0,
	    "after a remount, /a holds what the aborted frames held");
	is_int((int)uf_fsck(), 0, "fsck is clean");

	/* The abort path, never told: the transfer finds the frames stale. */
	bio_stats(&s0);
	rc = rewrite(4, 8, UF_DEAF_REVOKE | UF_DEAF_REPOSSESSED, &r);
	bio_stats(&s1);
	ok(r.aborted == 8, "8 more taken by force, and the cache not told");
	ok(rc == 0 && !log_broken(), "the transaction still commits");
	ok(s1.gone - s0.gone >= 8, "the commit's transfer found the %llu "
	    "frames taken and moved their blocks through the bounce frame",
	    (unsigned long long)(s1.gone - s0.gone));
	remount();
	ok(uf_verify("/a", 4, FSIZE) == 0,
	    "after a remount, /a holds what they held");
	is_int((int)uf_fsck(), 0, "fsck is clean");

	/* The frames the abort path stands on cannot be revoked. */
	bio_stats(&s1);
	ok(s1.protected, "the bounce frame is in exod's protected minimum");
	rc = exo_revoke(ctl, exo_libos_id(e), EXO_REVOKE_FRAME,
	    bio_dev()->bounce.frame.cap.id, &r);
	is_int(rc, -EXO_EPERM, "revoking the bounce frame is refused");

	/* Most of the cache at once, on the abort path, mid-transaction. */
	rc = rewrite(5, 0, 0, &r);
	ok(rc == 0, "a transaction with no revocation");
	{
		struct exo_revoke_reply	 big;
		struct inode		*ip = NULL;
		unsigned char		*buf = malloc(FSIZE);

		if (buf == NULL)
			bail("malloc");
		uf_fill(buf, FSIZE, 6, 0);
		if (log_begin_op() != 0 ||
		    (ip = path_namei(NULL, "/a", 0)) == NULL ||
		    fs_ilock(ip) != 0 || fs_writei(ip, buf, 0, FSIZE) != FSIZE)
			bail("transaction");
		uf_deaf = UF_DEAF_REVOKE;
		rc = exo_revoke(ctl, exo_libos_id(e), EXO_REVOKE_FRAMES, 200,
		    &big);
		uf_deaf = 0;
		fs_iunlock(ip);
		fs_iput(ip);
		ok(rc == 0 && big.aborted >= 150, "200 frames revoked at once, "
		    "taken by force (%u)", big.aborted);
		ok(log_end_op() == 0 && !log_broken(),
		    "the transaction under way commits");
		free(buf);
	}
	remount();
	ok(uf_verify("/a", 6, FSIZE) == 0, "after a remount, /a is whole");
	is_int((int)uf_fsck(), 0, "fsck is clean");
	uf_unmount();
	exo_disconnect(ctl);
	exo_disconnect(e);
	return (0);
}
