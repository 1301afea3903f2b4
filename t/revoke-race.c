/*
 * revoke-race.t - revocations and aborts racing with a libOS that exits
 * or dies leave nothing behind.
 *
 * exod runs with 64 frames, 256 blocks and a deadline of 1.5 s, long
 * enough that a libOS can be killed inside the window.  Each round is run
 * twice with fresh names:
 *
 *  exit    the libOS _exits on the REVOKE upcall (libos-disk -m exit)
 *  kill    it ignores the REVOKE and is killed with SIGKILL inside the
 *          window; its frames were seeded for autosave, and every one of
 *          them must still reach its block
 *  quit    it ignores the REVOKE and exits normally inside the window
 *  block   a block is revoked and the libOS _exits: that block is taken
 *  polite  a block is revoked and given back, then the libOS is killed
 *  victim  memory pressure revokes from a libOS that is then killed: the
 *          waiting allocation completes with its frames
 *  waiter  the libOS whose allocation waits for a revocation is killed:
 *          the revocation still ends, and nobody gets the frames
 *
 * Afterwards exod's descriptors are back to where they were with no
 * libOS, every frame is free, and the disk accounts for every block:
 * blocks a dead libOS's name owns are kept for that name by design, so
 * free + owned == total, with owned exactly what the rounds left.
 */
#define _GNU_SOURCE 1
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
#include "jsonq.h"
#include "proc.h"
#include "tap.h"

#define TIMEOUT		10000
#define ROUNDS		2

static struct th_exod	exod;
static long		kept;		/* blocks the dead names still own */

struct named {
	char	name[EXO_NAME_MAX];
	long	owned;
	int	exact;		/* its blocks hold its frames' patterns */
};
static struct named	names[32];
static unsigned		nnames;

static void
remember(const char *name, long owned, int exact)
{
	if (nnames == sizeof names / sizeof names[0])
		bail("too many names");
	snprintf(names[nnames].name, sizeof names[0].name, "%s", name);
	names[nnames].owned = owned;
	names[nnames].exact = exact;
	nnames++;
	kept += owned;
}

/* exoctl revoke, left running: what it says is read later. */
static void
revoke_async(struct tp_proc *c, uint32_t id, const char *kind,
    const char *arg)
{
	static char	 sid[32];
	const char	*argv[] = { dh_exoctl(), "-S", exod.sock, "revoke", sid,
			    kind, arg, NULL };

	snprintf(sid, sizeof sid, "%u", id);
	tp_start(c, argv);
	tp_close_in(c);
}

/* exoctl's end: exit 0 and a report naming want revoked; the report. */
static const char *
revoke_done(struct tp_proc *c, const char *what, int want)
{
	const char	*line;
	int		 status;

	status = tp_wait(c, 20000);
	line = tp_expect(c, "revoked ", 0);
	ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
	    line != NULL && atoi(line + 8) == want, "%s: exoctl revoke ends, "
	    "%d revoked (%s)", what, want, line != NULL ? line : "no report");
	if (line == NULL)
		tp_diag(c, "exoctl");
	return line;
}

static int
killed(int status)
{
	return status != -1 && WIFSIGNALED(status) &&
	    WTERMSIG(status) == SIGKILL;
}

static void
round_exit(int k)
{
	struct tp_proc	 p;
	char		 name[32], out[1024], sid[32];
	uint32_t	 id;
	int		 rc;

	snprintf(name, sizeof name, "exit%d", k);
	id = dh_libos(&p, &exod, name, 8, NULL, NULL, "-f", "8", "-b", "4",
	    "-m", "exit", (char *)NULL);
	if (!ok(id != 0, "%s: libOS up with 8 frames, 4 blocks", name))
		return;
	snprintf(sid, sizeof sid, "%u", id);
	rc = dh_exoctl_run(&exod, out, sizeof out, "revoke", sid, "frames",
	    "8", (char *)NULL);
	ok(rc == 0 && strstr(out, "revoked 8 ") != NULL, "%s: the revocation "
	    "ends when the libOS dies of it (status %d)", name, rc);
	if (rc != 0)
		diag("exoctl said: %s", out);
	ok(tp_expect(&p, "revoke n=8", TIMEOUT) != NULL, "%s: it had the "
	    "vector", name);
	is_int(0, dh_libos_end(&p), "%s: it exited 0 in its handler", name);
	remember(name, 4, 0);
}

static void
round_kill(int k)
{
	struct tp_proc	 p, c;
	struct exo_revoke_reply r;
	char		 name[32];
	const char	*line;
	uint64_t	 fid[8];
	int64_t		 bid[8];
	unsigned	 i, exact;
	uint32_t	 id;

	snprintf(name, sizeof name, "kill%d", k);
	id = dh_libos(&p, &exod, name, 8, fid, bid, "-f", "8", "-a",
	    "-m", "ignore", (char *)NULL);
	if (!ok(id != 0, "%s: libOS up with 8 frames seeded for autosave",
	    name))
		return;
	revoke_async(&c, id, "frames", "8");
	ok(tp_expect(&p, "revoke n=8", TIMEOUT) != NULL, "%s: it has the "
	    "vector", name);
	/* While it runs, nothing more of that libOS can be revoked. */
	is_int(-EXO_EREVOKING, dh_revoke(&exod, id, EXO_REVOKE_FRAME, fid[3], &r),
	    "%s: a second REVOKE of a frame being revoked: EREVOKING", name);
	is_int(-EXO_ELIMIT, dh_revoke(&exod, id, EXO_REVOKE_FRAMES, 1, &r),
	    "%s: REVOKE of 1 more frame, none left to take: ELIMIT", name);
	tp_kill(&p, SIGKILL);
	ok(killed(tp_wait(&p, TIMEOUT)), "%s: killed with SIGKILL inside the "
	    "window", name);
	line = revoke_done(&c, name, 8);
	ok(line != NULL && strstr(line, "8 autosaved") != NULL, "%s: exod "
	    "autosaved all 8 as it reclaimed them", name);
	for (i = 0, exact = 0; i < 8; i++)
		exact += dh_image_is(&exod, (uint64_t)bid[i], name, i);
	is_int(8, exact, "%s: every seeded frame reached its block though "
	    "the libOS died", name);
	remember(name, 8, 1);
}

static void
round_quit(int k)
{
	struct tp_proc	 p, c;
	char		 name[32], out[4096], expr[256], seen[64];
	uint32_t	 id;
	int		 rc, good;

	snprintf(name, sizeof name, "quit%d", k);

	id = dh_libos(&p, &exod, name, 8, NULL, NULL, "-f", "8", "-b", "2",
	    "-m", "ignore", (char *)NULL);
	if (!ok(id != 0, "%s: libOS up with 8 frames, 2 blocks", name))
		return;
	revoke_async(&c, id, "frames", "8");
	ok(tp_expect(&p, "revoke n=8", TIMEOUT) != NULL, "%s: it has the "
	    "vector", name);
	rc = dh_exoctl_run(&exod, out, sizeof out, "disk", "--json",
	    (char *)NULL);
	snprintf(expr, sizeof expr, "my ($o) = grep { $_->{id} == %u } "
	    "@{$j->{libos}}; \"$o->{blocks} $o->{revocations} $o->{aborts}\"",
	    id);
	good = rc == 0 && jq_eval(out, expr, seen, sizeof seen) == 0 &&
	    strcmp(seen, "2 1 0") == 0;
	ok(good, "%s: exoctl disk --json lists it with 2 blocks, 1 "
	    "revocation, no abort yet", name);
	if (!good)
		diag("exoctl said: %s", out);
	is_int(0, dh_libos_end(&p), "%s: it exits normally inside the window",
	    name);
	revoke_done(&c, name, 8);
	remember(name, 2, 0);
}

static void
round_block(int k, int polite)
{
	struct tp_proc	 p;
	char		 name[32], out[1024], sid[32], sb[32];
	int64_t		 bid[4];
	uint32_t	 id;
	int		 rc;

	snprintf(name, sizeof name, "%s%d", polite ? "polite" : "block", k);
	id = dh_libos(&p, &exod, name, 4, NULL, bid, "-f", "4", "-b", "4",
	    "-m", polite ? "polite" : "exit", (char *)NULL);
	if (!ok(id != 0, "%s: libOS up with 4 frames, 4 blocks", name))
		return;
	snprintf(sid, sizeof sid, "%u", id);
	snprintf(sb, sizeof sb, "%lld", (long long)bid[0]);
	rc = dh_exoctl_run(&exod, out, sizeof out, "revoke", sid, "block", sb,
	    (char *)NULL);
	ok(rc == 0 && strstr(out, "revoked 1 ") != NULL &&
	    strstr(out, polite ? "1 given back" : "1 taken") != NULL,
	    "%s: block %s revoked, %s (status %d)", name, sb, polite ?
	    "given back" : "taken as the libOS died", rc);
	if (rc != 0)
		diag("exoctl said: %s", out);
	if (polite) {
		tp_kill(&p, SIGKILL);
		ok(killed(tp_wait(&p, TIMEOUT)), "%s: then killed with SIGKILL",
		    name);
	} else
		is_int(0, dh_libos_end(&p), "%s: it exited 0 in its handler",
		    name);
	remember(name, 3, 0);
}

/* A libOS that asks for 20 frames and says what it got. */
static int
kid_asker(int fd, void *sock)
{
	struct exo_frame	 f[20];
	struct exo		*e;
	int			 rc;
	char			 c;

	if (exo_connect(sock, "asker", &e) != 0)
		return 2;
	rc = 1;
	if (tp_send(fd, &rc, sizeof rc) != 0)
		return 3;
	rc = exo_frame_alloc_batch(e, f, 20);
	if (tp_send(fd, &rc, sizeof rc) != 0)
		return 4;
	(void)tp_recv(fd, &c, 1, 60000);
	exo_disconnect(e);
	return 0;
}

static void
round_pressure(int k, int kill_victim)
{
	struct tp_proc	 a, b;
	struct tp_kid	 c;
	char		 name[32];
	const char	*line;
	uint32_t	 ida, idb;
	int		 rc;

	snprintf(name, sizeof name, "%s%d", kill_victim ? "victim" : "waiter",
	    k);
	ida = dh_libos(&a, &exod, name, 0, NULL, NULL, "-f", "40", "-b", "0",
	    "-m", "ignore", (char *)NULL);
	idb = dh_libos(&b, &exod, "modest", 0, NULL, NULL, "-f", "20", "-b",
	    "0", (char *)NULL);
	if (!ok(ida != 0 && idb != 0, "%s: A holds 40 of 64 frames, B 20",
	    name))
		return;
	tp_kid_start(&c, kid_asker, exod.sock);
	if (tp_recv(c.fd, &rc, sizeof rc, TIMEOUT) != (int)sizeof rc)
		bail("the asker did not start");
	line = tp_expect(&a, "revoke n=", TIMEOUT);
	ok(line != NULL && tp_field(line, "n", -1) == 16, "%s: C's request "
	    "for 20 has A revoked (%s)", name, line ? line : "none");
	if (kill_victim) {
		tp_kill(&a, SIGKILL);
		ok(killed(tp_wait(&a, TIMEOUT)), "%s: A killed inside the "
		    "window", name);
		rc = 1;
		(void)tp_recv(c.fd, &rc, sizeof rc, TIMEOUT);
		is_int(0, rc, "%s: C's allocation completes with A's frames",
		    name);
		(void)tp_send(c.fd, "q", 1);
		rc = tp_kid_wait(&c, TIMEOUT);
		ok(rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0,
		    "%s: C exits 0", name);
	} else {
		kill(c.pid, SIGKILL);
		ok(killed(tp_kid_wait(&c, TIMEOUT)), "%s: C killed while its "
		    "allocation waits", name);
		line = tp_expect(&a, "repossessed ", TIMEOUT);
		ok(line != NULL && tp_field(line, "n", -1) == 16, "%s: A is "
		    "still aborted at the deadline (%s)", name,
		    line ? line : "none");
		is_int(20, th_wait_frames_free(&exod, 20, TIMEOUT), "%s: the "
		    "20 frames are free, given to nobody", name);
		is_int(0, dh_libos_end(&a), "%s: A exits 0", name);
	}
	is_int(0, dh_libos_end(&b), "%s: B exits 0", name);
}

int
main(void)
{
	struct exo_disk_info	 di;
	struct exo_status	 st;
	struct exo		*ctl;
	struct dh_verified	 v;
	char			 out[4096];
	unsigned		 i;
	int			 k, base, n, rc, owned_ok, exact_ok;

	plan_lazy();
	tp_watchdog(240);
	th_exod_start(&exod, "-m", "256K", "-D", "1M", "-R", "1500",
	    (char *)NULL);
	base = dh_fds_settled(&exod);
	diag("exod holds %d descriptors with no libOS", base);
	ok(base > 0, "exod's descriptors can be counted");

	for (k = 1; k <= ROUNDS; k++) {
		round_exit(k);
		round_kill(k);
		round_quit(k);
		round_block(k, 0);
		round_block(k, 1);
		round_pressure(k, 1);
		round_pressure(k, 0);
		is_int(64, th_wait_frames_free(&exod, 64, TIMEOUT),
		    "round %d: every frame free", k);
		n = dh_wait_fds(&exod, base, TIMEOUT);
		is_int(base, n, "round %d: exod's descriptors back to %d", k,
		    base);
	}

	/* Nobody left, and the disk accounts for every block. */
	if (exo_connect_control(exod.sock, &ctl) != 0 ||
	    exo_status(ctl, &st) != 0)
		bail("STATUS");
	is_int(0, st.totals.npeers, "STATUS lists no libOS");
	exo_status_free(&st);
	exo_disconnect(ctl);
	is_int(0, dh_disk_info(&exod, &di), "DISK_INFO answers");
	is_int(256, di.blocks_total, "256 blocks in all");
	is_int(kept, (long long)di.blocks_total - di.blocks_free,
	    "blocks held == what the dead names still own (%ld)", kept);
	owned_ok = exact_ok = 0;
	for (i = 0; i < nnames; i++) {
		rc = dh_verify(&exod, names[i].name, &v);
		if (v.owned == names[i].owned)
			owned_ok++;
		else
			diag("%s owns %lld blocks, not %ld", names[i].name,
			    v.owned, names[i].owned);
		if (!names[i].exact || (rc == 0 && v.verified == v.owned))
			exact_ok++;
		else
			diag("%s: %lld of %lld verified", names[i].name,
			    v.verified, v.owned);
	}
	is_int(nnames, owned_ok, "each dead name still owns exactly its "
	    "blocks");
	is_int(nnames, exact_ok, "the autosaved ones read back intact through "
	    "exod");
	is_int(0, dh_disk_info(&exod, &di), "DISK_INFO answers");
	is_int(kept, (long long)di.blocks_total - di.blocks_free,
	    "blocks held still %ld after the names came and went", kept);
	rc = dh_exoctl_run(&exod, out, sizeof out, "disk", "--json",
	    (char *)NULL);
	ok(rc == 0 && jq_num(out, "$j->{blocks_total}", -1) == 256 &&
	    jq_num(out, "$j->{blocks_free}", -1) + kept == 256,
	    "exoctl disk --json: blocks_free + owned == blocks_total");
	if (rc != 0)
		diag("exoctl said: %s", out);
	is_int(64, th_frames_free(&exod), "every frame free");
	n = dh_wait_fds(&exod, base, TIMEOUT);
	is_int(base, n, "exod's descriptors back to %d", base);
	ok(th_exod_alive(&exod), "exod alive at the end");
	return 0;
}
