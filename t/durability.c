/*
 * durability.t - kill -9 of exod, right after an acknowledged flush and
 * in the middle of writing, loses no acknowledged byte and no owner.
 *
 * A writer libOS named "dur" owns NBLOCKS blocks and writes them in turn,
 * version after version: write one block, wait for its completion, flush,
 * and tell the test the (block, version) that is now acknowledged.  Each
 * round kills exod with SIGKILL, either as soon as the writer stopped
 * after an acknowledged flush, or at a random moment while it goes on
 * writing; then exod is started again on the same image and the test
 * checks, from the image itself and over the protocol:
 *
 *	- every block holds its last acknowledged version, whole, or, for
 *	  the one block a write was under way for, the version after;
 *	- "dur" gets back exactly its blocks, the same ones every round, and
 *	  the owners table has no torn record.
 *
 * EXO_DURABILITY_ROUNDS (default 8) sets the number of rounds.
 */
#define _GNU_SOURCE 1
#include <sys/mman.h>
#include <sys/wait.h>

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

#define NBLOCKS		16
#define NAME		"dur"
#define TIMEOUT		10000

static struct th_exod	exod;
static volatile int	done;

/* What the writer tells the test. */
struct ack {
	uint32_t	block;		/* index 0..NBLOCKS-1; UINT32_MAX: ids */
	uint32_t	stopped;	/* it stopped after this ack */
	uint64_t	version;
	uint64_t	ids[NBLOCKS];	/* block numbers, in the first message */
};

static void
pattern(unsigned char *buf, uint64_t b, uint64_t v)
{
	size_t	k;

	memcpy(buf, &v, sizeof v);
	memcpy(buf + 8, &b, sizeof b);
	for (k = 16; k < EXO_BLOCK_SIZE; k++)
		buf[k] = (unsigned char)(v * 31 + b * 7 + k);
}

/* The version a block holds, or -1 if it is not a whole pattern. */
static int64_t
version_of(const unsigned char *buf, uint64_t b)
{
	unsigned char	want[EXO_BLOCK_SIZE];
	uint64_t	v, bb;

	memcpy(&v, buf, sizeof v);
	memcpy(&bb, buf + 8, sizeof bb);
	if (v == 0 && bb == 0)
		return 0;			/* never written */
	if (bb != b)
		return -1;
	pattern(want, b, v);
	return memcmp(buf, want, EXO_BLOCK_SIZE) == 0 ? (int64_t)v : -1;
}

static int
on_intr(struct exo *e, const struct exo_intr *in, void *arg)
{
	(void)e;
	(void)arg;
	if (in->kind == EXO_INTR_DISK)
		done = 1;
	return 0;
}

struct writer_arg {
	uint64_t	next[NBLOCKS];	/* version to write next, per block */
	unsigned	stop_after;	/* acks before stopping; 0: never */
};

static int
writer_main(int fd, void *argp)
{
	struct writer_arg	*wa = argp;
	struct exo_cap		 caps[NBLOCKS];
	struct exo_frame	 f;
	struct ack		 a;
	struct exo		*e;
	unsigned		 n, i, acks = 0;
	uint32_t		 total;
	char			 c;

	if (exo_connect(exod.sock, NAME, &e) != 0 ||
	    exo_pe_interrupt(e, on_intr, NULL) != 0)
		return 1;
	if (exo_block_list(e, 0, caps, NBLOCKS, &n, &total) != 0)
		return 2;
	if (n < NBLOCKS && exo_block_alloc(e, caps + n, NBLOCKS - n) != 0)
		return 3;
	if (n < NBLOCKS && exo_disk_flush(e) != 0)
		return 4;
	memset(&a, 0, sizeof a);
	a.block = UINT32_MAX;
	for (i = 0; i < NBLOCKS; i++)
		a.ids[i] = caps[i].id;
	if (tp_send(fd, &a, sizeof a) != 0)
		return 5;
	if (exo_frame_alloc(e, &f) != 0 ||
	    exo_frame_map(&f, PROT_READ | PROT_WRITE) == NULL)
		return 6;
	for (i = 0;; i = (i + 1) % NBLOCKS) {
		pattern(f.va, caps[i].id, wa->next[i]);
		done = 0;
		if (exo_disk_write(e, wa->next[i], &caps[i], &f.cap, 1) != 0)
			return 0;		/* exod is gone */
		while (!done)
			if (exo_wait(e) < 0)
				return 0;
		if (exo_disk_flush(e) != 0)
			return 0;
		memset(&a, 0, sizeof a);
		a.block = i;
		a.version = wa->next[i];
		wa->next[i] += NBLOCKS;
		a.stopped = wa->stop_after != 0 && ++acks == wa->stop_after;
		if (tp_send(fd, &a, sizeof a) != 0)
			return 0;
		if (a.stopped) {
			(void)tp_recv(fd, &c, 1, 60000);
			return 0;
		}
	}
}

int
main(void)
{
	struct exo_disk_info	 di;
	struct writer_arg	 wa;
	struct exo_cap		 caps[NBLOCKS];
	struct tp_kid		 kid;
	struct ack		 a;
	unsigned char		 buf[EXO_BLOCK_SIZE];
	uint64_t		 acked[NBLOCKS], ids[NBLOCKS];
	long			 rounds, r, t;
	int64_t			 v;
	unsigned		 i, n, bad, ahead, same, mid;
	uint32_t		 total;
	struct exo		*e;
	int			 status, rc;

	rounds = getenv("EXO_DURABILITY_ROUNDS") != NULL ?
	    atol(getenv("EXO_DURABILITY_ROUNDS")) : 8;
	if (rounds <= 0)
		rounds = 8;
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	plan_lazy();
	tp_watchdog((unsigned)(60 + rounds * 20));
	th_exod_start(&exod, "-m", "1M", "-D", "1M", (char *)NULL);
	memset(acked, 0, sizeof acked);
	memset(ids, 0, sizeof ids);
	for (i = 0; i < NBLOCKS; i++)
		wa.next[i] = i + 1;
	for (r = 0; r < rounds; r++) {
		mid = r % 2;
		wa.stop_after = mid ? 0 : 1 + (unsigned)(random() % 8);
		tp_kid_start(&kid, writer_main, &wa);
		if (tp_recv(kid.fd, &a, sizeof a, TIMEOUT) != (int)sizeof a ||
		    a.block != UINT32_MAX)
			bail("round %ld: the writer did not start", r);
		same = 1;
		for (i = 0; i < NBLOCKS; i++) {
			if (r > 0 && a.ids[i] != ids[i])
				same = 0;
			ids[i] = a.ids[i];
		}
		if (r > 0)
			ok(same, "round %ld: the writer owns the same %d blocks "
			    "after the restart", r, NBLOCKS);
		t = tp_now_ms() + (mid ? 1 + random() % 300 : 60000);
		/* Read acks until it stops, or until the moment to kill. */
		for (;;) {
			rc = tp_recv(kid.fd, &a, sizeof a, mid ? (int)(t -
			    tp_now_ms() > 0 ? t - tp_now_ms() : 0) : TIMEOUT);
			if (rc != (int)sizeof a)
				break;
			acked[a.block] = a.version;
			wa.next[a.block] = a.version + NBLOCKS;
			if (a.stopped)
				break;
			if (mid && tp_now_ms() >= t)
				break;
		}
		kill(exod.pid, SIGKILL);
		while (th_exod_alive(&exod))
			tp_sleep_ms(5);
		/* Acks sent before exod died still count. */
		while (tp_recv(kid.fd, &a, sizeof a, 200) == (int)sizeof a)
			if (a.block < NBLOCKS) {
				acked[a.block] = a.version;
				wa.next[a.block] = a.version + NBLOCKS;
			}
		(void)tp_send(kid.fd, "q", 1);
		status = tp_kid_wait(&kid, TIMEOUT);
		if (status == -1 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			diag("round %ld: writer status %#x", r, status);
		th_exod_restart(&exod, "-m", "1M", (char *)NULL);
		bad = ahead = 0;
		for (i = 0; i < NBLOCKS; i++) {
			if (dh_image_read(&exod, ids[i], buf) != 0) {
				bad++;
				continue;
			}
			v = version_of(buf, ids[i]);
			if (v == (int64_t)acked[i] || (acked[i] == 0 && v == 0))
				continue;
			if (v == (int64_t)(acked[i] == 0 ? i + 1 : acked[i] +
			    NBLOCKS)) {
				ahead++;	/* the write under way */
				/* It was written, and it is what the block
				 * holds from now on; the next one follows. */
				acked[i] = (uint64_t)v;
				wa.next[i] = (uint64_t)v + NBLOCKS;
				continue;
			}
			diag("round %ld: block %u (%llu) holds version %lld, "
			    "acknowledged %llu", r, i,
			    (unsigned long long)ids[i], (long long)v,
			    (unsigned long long)acked[i]);
			bad++;
		}
		is_int(0, bad, "round %ld (%s): every block holds its last "
		    "acknowledged version, whole", r, mid ? "killed mid-write" :
		    "killed after an acknowledged flush");
		ok(ahead <= (mid ? 1U : 0U), "round %ld: %u block holds the "
		    "write that was under way (at most %u)", r, ahead,
		    mid ? 1 : 0);
		if (exo_connect(exod.sock, NAME "-check", &e) != 0)
			bail("connect");
		rc = exo_disk_info(e, &di);
		ok(rc == 0 && di.torn == 0 && di.blocks_free == di.blocks_total -
		    NBLOCKS, "round %ld: owners table: no torn record, %d "
		    "blocks owned (%u torn, %u free)", r, NBLOCKS, di.torn,
		    di.blocks_free);
		exo_disconnect(e);
	}
	if (exo_connect(exod.sock, NAME, &e) != 0)
		bail("connect");
	rc = exo_block_list(e, 0, caps, NBLOCKS, &n, &total);
	ok(rc == 0 && total == NBLOCKS, "the writer's name still owns its %d "
	    "blocks (%u)", NBLOCKS, total);
	exo_disconnect(e);
	ok(th_exod_stop(&exod) == 0, "exod stops cleanly");
	return tap_failures() != 0;
}
