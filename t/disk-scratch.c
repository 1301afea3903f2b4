/*
 * disk-scratch.t - scratch blocks (exo_block_alloc_scratch(3)): blocks
 * that belong to a connection, as frames do, for data such as swap.
 *
 *  1. Beside ordinary blocks: BLOCK_LIST counts and lists only the
 *     ordinary ones; DISK_INFO counts both as used; a scratch block takes
 *     I/O like any other; an unknown flag is refused (EINVAL), binding
 *     nothing.
 *  2. A libOS killed with SIGKILL while it holds scratch blocks: every one
 *     is free again, its ordinary blocks stay its name's, and the next
 *     libOS of the name lists only those.
 *  3. A clean disconnect frees them too.
 *  4. exod killed with SIGKILL while scratch blocks are bound, and
 *     restarted on the same image: they are free, the ordinary ones are
 *     still owned.
 *  5. exo_autosave_batch(3), which seeds a scratch block for a frame:
 *     its argument checks, a batch with a stale block seeds nothing and
 *     says so, a good one is accepted.
 */
#define _GNU_SOURCE 1
#include <sys/mman.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "diskhelp.h"
#include "harness.h"
#include "proc.h"
#include "tap.h"

#define TIMEOUT		10000
#define NKEEP		4
#define NSCRATCH	24

/* Used blocks of d's disk, as DISK_INFO says; -1 on error. */
static long
used_blocks(const struct th_exod *d)
{
	struct exo_disk_info	di;

	if (dh_disk_info(d, &di) != 0)
		return -1;
	return (long)di.blocks_total - (long)di.blocks_free;
}

/* Poll until d has want used blocks (exod drops a dead peer soon). */
static long
wait_used(const struct th_exod *d, long want)
{
	long	deadline = tp_now_ms() + TIMEOUT, n;

	while ((n = used_blocks(d)) != want && tp_now_ms() < deadline)
		tp_sleep_ms(20);
	return n;
}

/* The kid: NSCRATCH scratch blocks, says how it went, waits to die. */
static int
kid_holder(int fd, void *sock)
{
	struct exo	*e;
	struct exo_cap	 caps[NSCRATCH];
	int64_t		 r;
	char		 c;

	r = exo_connect(sock, "holder", &e);
	if (r == 0)
		r = exo_block_alloc_scratch(e, caps, NSCRATCH);
	(void)tp_send(fd, &r, sizeof r);
	(void)tp_recv(fd, &c, 1, 60000);
	return 0;
}

/* Round trip of one page through scratch block cap; 1 if it came back. */
static int
io_roundtrip(struct exo *e, const struct exo_cap *cap)
{
	struct exo_frame	f;
	unsigned char		*p;
	int			 ok_ = 0;

	if (exo_frame_alloc(e, &f) != 0 ||
	    (p = exo_frame_map(&f, PROT_READ | PROT_WRITE)) == NULL)
		return 0;
	memset(p, 0x5a, EXO_FRAME_SIZE);
	if (exo_disk_write(e, 1, cap, &f.cap, 1) == 0) {
		memset(p, 0, EXO_FRAME_SIZE);
		if (exo_disk_read(e, 2, cap, &f.cap, 1) == 0)
			ok_ = p[0] == 0x5a && p[EXO_FRAME_SIZE - 1] == 0x5a;
	}
	(void)exo_frame_free(e, &f);
	return ok_;
}

int
main(void)
{
	struct th_exod		 d;
	struct exo		*e, *e2;
	struct exo_cap		 keep[NKEEP], scr[NSCRATCH], list[64];
	struct exo_block_alloc	 raw;
	struct tp_kid		 k;
	unsigned		 n, i, listed_scratch;
	uint32_t		 total;
	long			 base;
	int64_t			 r;
	int			 status;

	plan_lazy();
	tp_watchdog(120);
	th_exod_start(&d, "-D", "1M", (char *)NULL);
	base = used_blocks(&d);
	ok(base >= 0, "DISK_INFO answers (%ld blocks used)", base);

	/* 1. beside ordinary blocks */
	e = th_connect(&d, "holder");
	is_int(0, exo_block_alloc(e, keep, NKEEP), "%d ordinary blocks",
	    NKEEP);
	is_int(0, exo_block_alloc_scratch(e, scr, NSCRATCH), "%d scratch "
	    "blocks", NSCRATCH);
	ok(scr[0].type == EXO_RES_BLOCK && (scr[0].rights & EXO_RIGHT_WRITE),
	    "a scratch capability is a writable block capability");
	is_int(base + NKEEP + NSCRATCH, used_blocks(&d), "DISK_INFO counts "
	    "both as used");
	is_int(0, exo_block_list(e, 0, list, 64, &n, &total), "BLOCK_LIST");
	for (i = 0, listed_scratch = 0; i < n; i++)
		if (list[i].id >= scr[0].id &&
		    list[i].id <= scr[NSCRATCH - 1].id)
			listed_scratch++;
	ok(total == NKEEP && n == NKEEP && listed_scratch == 0, "BLOCK_LIST "
	    "lists only the ordinary ones (total %u, scratch listed %u)",
	    total, listed_scratch);
	ok(io_roundtrip(e, &scr[3]), "a page written to a scratch block reads "
	    "back");
	raw.count = 1;
	raw.flags = 0x2;
	is_int(-EXO_EINVAL, exo_request(e, EXO_MSG_BLOCK_ALLOC, &raw,
	    sizeof raw, NULL, 0, NULL, NULL, 0, NULL), "BLOCK_ALLOC with an "
	    "unknown flag: EINVAL");
	is_int(base + NKEEP + NSCRATCH, used_blocks(&d), "and it bound "
	    "nothing");

	/* 5. exo_autosave_batch */
	{
		struct exo_autosave_pair	pr[2];
		struct exo_frame		f;

		is_int(-EXO_EINVAL, exo_autosave_batch(e, NULL, 1),
		    "exo_autosave_batch with no pairs: EINVAL");
		is_int(-EXO_EINVAL, exo_autosave_batch(e, pr, 0),
		    "with n 0: EINVAL");
		if (exo_frame_alloc(e, &f) != 0)
			bail("no frame");
		pr[0].frame = f.cap;
		pr[0].block = scr[0];
		pr[1].frame = f.cap;
		pr[1].block = scr[1];
		pr[1].block.gen++;
		is_int(-EXO_EBADCAP, exo_autosave_batch(e, pr, 2),
		    "a batch with an altered block capability: EBADCAP");
		is_int(0, exo_autosave_batch(e, pr, 1), "a good batch "
		    "seeds a frame's autosave to a scratch block");
		(void)exo_frame_free(e, &f);
	}

	/* 3. a clean disconnect */
	exo_disconnect(e);
	is_int(base + NKEEP, wait_used(&d, base + NKEEP), "after a clean "
	    "disconnect only the ordinary blocks are used");

	/* 2. SIGKILL */
	tp_kid_start(&k, kid_holder, d.sock);
	r = -1;
	if (tp_recv(k.fd, &r, sizeof r, TIMEOUT) != (int)sizeof r)
		bail("the holder did not start");
	is_int(0, r, "a libOS of the same name takes %d scratch blocks",
	    NSCRATCH);
	ok(used_blocks(&d) == base + 2 * NKEEP + NSCRATCH - NKEEP,
	    "it got its ordinary blocks back as well (%ld used)",
	    used_blocks(&d));
	kill(k.pid, SIGKILL);
	status = tp_kid_wait(&k, TIMEOUT);
	ok(status != -1 && WIFSIGNALED(status), "it is killed with SIGKILL");
	is_int(base + NKEEP, wait_used(&d, base + NKEEP), "every scratch "
	    "block is free again, the ordinary ones still owned");
	e2 = th_connect(&d, "holder");
	is_int(0, exo_block_list(e2, 0, list, 64, &n, &total), "BLOCK_LIST "
	    "for the next libOS of the name");
	is_int(NKEEP, total, "it finds just the ordinary blocks");

	/* 4. exod killed while scratch blocks are bound */
	is_int(0, exo_block_alloc_scratch(e2, scr, NSCRATCH), "scratch blocks "
	    "again");
	kill(d.pid, SIGKILL);
	while (th_exod_alive(&d))
		tp_sleep_ms(10);
	exo_disconnect(e2);
	th_exod_restart(&d, "-D", "1M", (char *)NULL);
	is_int(base + NKEEP, used_blocks(&d), "after exod's SIGKILL and "
	    "restart the scratch blocks are free");
	e2 = th_connect(&d, "holder");
	is_int(0, exo_block_list(e2, 0, list, 64, &n, &total), "BLOCK_LIST "
	    "after the restart");
	is_int(NKEEP, total, "the name owns its ordinary blocks still");
	exo_disconnect(e2);
	return 0;
}
