/*
 * unixfs-crash.t - crash consistency of libos-unix's file system.
 *
 * A forked libOS mounts the file system on exod's disk and runs a
 * metadata-heavy workload (create and write, link, unlink, mkdir, rename
 * by link + unlink), telling the test over a socket before it starts
 * each operation and after the operation returned, committed.  At a
 * random moment the test kills it with SIGKILL, and in every third
 * round kills exod first (and restarts it on the same image).  Then the
 * test mounts the file system itself (mount replays the log) and checks:
 *
 *	- fsck finds nothing wrong;
 *	- every file whose operation completed is there with exactly the
 *	  bytes it was given, and every name whose unlink completed is gone;
 *	- the files made before the first round are intact.
 *
 * Only the names of the one operation that was under way when the kill
 * came are left unchecked (fsck still covers them).
 */
#define _GNU_SOURCE 1
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "fsys.h"
#include "harness.h"
#include "proc.h"
#include "tap.h"
#include "unixfs-help.h"

#define NAME		"unixfs-crash"
#define ROUNDS		24
#define NKEEP		8
#define MODEL_MAX	4096

enum { R_BEGIN = 1, R_DONE, R_FAIL };
enum { OP_CREATE = 1, OP_LINK, OP_UNLINK, OP_MKDIR, OP_RENAME };

struct rec {
	int		kind;		/* R_* */
	int		op;		/* OP_* */
	char		a[32], b[32];	/* the names it touches */
	uint64_t	seed;
	uint32_t	size;
};

struct ent {
	char		path[32];
	uint64_t	seed;
	uint32_t	size;
	int		dir;
	int		live;		/* committed as existing */
	int		gone;		/* committed as removed */
	int		unsure;		/* its operation was cut short */
};

static struct ent	model[MODEL_MAX];
static int		nmodel;
static const char	*sockpath;

static struct ent *
model_get(const char *path)
{
	int	i;

	for (i = 0; i < nmodel; i++)
		if (strcmp(model[i].path, path) == 0)
			return (&model[i]);
	if (nmodel == MODEL_MAX)
		bail("model full");
	memset(&model[nmodel], 0, sizeof model[0]);
	snprintf(model[nmodel].path, sizeof model[0].path, "%s", path);
	return (&model[nmodel++]);
}

/* ---- the child: the workload ------------------------------------------ */

struct wfile {
	char		path[32];
	uint64_t	seed;
	uint32_t	size;
};

static int
say(int fd, int kind, int op, const char *a, const char *b, uint64_t seed,
    uint32_t size)
{
	struct rec	r;

	memset(&r, 0, sizeof r);
	r.kind = kind;
	r.op = op;
	snprintf(r.a, sizeof r.a, "%s", a);
	snprintf(r.b, sizeof r.b, "%s", b != NULL ? b : "");
	r.seed = seed;
	r.size = size;
	return (tp_send(fd, &r, sizeof r));
}

static int
workload(int fd, void *arg)
{
	struct wfile	 f[256];
	struct exo	*e;
	char		 p[32], q[32];
	unsigned	 round = (unsigned)(uintptr_t)arg, n = 0, i, k, op;
	int		 rc;
	uint64_t	 seed;

	srandom(round * 7919 + 1);
	if ((e = uf_connect(sockpath, NAME)) == NULL || uf_mount(e, 0) != 0)
		return (3);
	for (k = 0; ; k++) {
		op = (unsigned)random() % 10;
		if (n < 4 || op < 4 || (op >= 8 && n >= 250 - 2)) {
			if (n >= 250)
				op = OP_UNLINK;
			else
				op = OP_CREATE;
		} else if (op < 6)
			op = OP_UNLINK;
		else if (op < 7)
			op = OP_LINK;
		else if (op < 8)
			op = OP_RENAME;
		else
			op = OP_MKDIR;
		i = n > 0 ? (unsigned)random() % n : 0;
		switch (op) {
		case OP_CREATE:
			snprintf(p, sizeof p, "/r%u_%u", round, k);
			seed = ((uint64_t)round << 32) | k;
			f[n].size = (uint32_t)random() % (48 * 1024);
			say(fd, R_BEGIN, op, p, NULL, seed, f[n].size);
			rc = uf_put(p, seed, f[n].size);
			snprintf(f[n].path, sizeof f[n].path, "%s", p);
			f[n].seed = seed;
			if (rc == 0)
				n++;
			break;
		case OP_LINK:
			snprintf(q, sizeof q, "/r%u_l%u", round, k);
			say(fd, R_BEGIN, op, f[i].path, q, f[i].seed,
			    f[i].size);
			rc = fsop_link(NULL, f[i].path, q);
			if (rc == 0) {
				f[n] = f[i];
				snprintf(f[n].path, sizeof f[n].path, "%s", q);
				n++;
			}
			break;
		case OP_UNLINK:
			say(fd, R_BEGIN, op, f[i].path, NULL, 0, 0);
			rc = fsop_unlink(NULL, f[i].path);
			if (rc == 0) {
				strcpy(p, f[i].path);
				f[i] = f[--n];
			}
			break;
		case OP_RENAME:
			snprintf(q, sizeof q, "/r%u_m%u", round, k);
			say(fd, R_BEGIN, op, f[i].path, q, f[i].seed,
			    f[i].size);
			rc = fsop_link(NULL, f[i].path, q);
			if (rc == 0)
				rc = fsop_unlink(NULL, f[i].path);
			if (rc == 0)
				snprintf(f[i].path, sizeof f[i].path, "%s", q);
			break;
		default:
			snprintf(p, sizeof p, "/r%u_d%u", round, k);
			snprintf(q, sizeof q, "/r%u_d%u/x", round, k);
			seed = ((uint64_t)round << 32) | (k + 1000000);
			say(fd, R_BEGIN, OP_MKDIR, p, q, seed, 5000);
			rc = fsop_mkdir(NULL, p);
			if (rc == 0)
				rc = uf_put(q, seed, 5000);
			break;
		}
		if (say(fd, rc == 0 ? R_DONE : R_FAIL, (int)op, "", NULL, 0,
		    0) != 0 || rc != 0)
			return (rc == 0 ? 0 : 4);
	}
}

/* ---- the test: the model, the kill, the check -------------------------- */

/* Apply one record: a BEGIN marks its names unsure until its DONE. */
static void
apply(const struct rec *r, struct rec *open)
{
	struct ent	*a, *b;

	if (r->kind == R_BEGIN) {
		*open = *r;
		model_get(r->a)->unsure = 1;
		if (r->b[0] != '\0')
			model_get(r->b)->unsure = 1;
		return;
	}
	if (open->kind != R_BEGIN)
		return;
	a = model_get(open->a);
	b = open->b[0] != '\0' ? model_get(open->b) : NULL;
	if (r->kind == R_DONE) {
		switch (open->op) {
		case OP_CREATE:
			a->seed = open->seed;
			a->size = open->size;
			a->live = 1;
			a->gone = 0;
			break;
		case OP_LINK:
			b->seed = open->seed;
			b->size = open->size;
			b->live = 1;
			b->gone = 0;
			break;
		case OP_UNLINK:
			a->live = 0;
			a->gone = 1;
			break;
		case OP_RENAME:
			b->seed = open->seed;
			b->size = open->size;
			b->live = 1;
			b->gone = 0;
			a->live = 0;
			a->gone = 1;
			break;
		case OP_MKDIR:
			a->dir = 1;
			a->live = 1;
			b->seed = open->seed;
			b->size = open->size;
			b->live = 1;
			break;
		}
		a->unsure = 0;
		if (b != NULL)
			b->unsure = 0;
	}
	/* R_FAIL: the child stops; its names stay unsure */
	if (r->kind == R_DONE)
		open->kind = 0;
}

/* Read records until the deadline, then whatever is left. */
static int
collect(int fd, long deadline, struct rec *open, int drain)
{
	struct rec	r;
	int		n = 0, ms;

	for (;;) {
		ms = drain ? 200 : (int)(deadline - th_now_ms());
		if (ms <= 0)
			break;
		if (tp_recv(fd, &r, sizeof r, ms) != (int)sizeof r)
			break;
		apply(&r, open);
		n += r.kind == R_DONE;
	}
	return (n);
}

static void
check_round(int round, long *bad)
{
	struct fs_stat	 st;
	struct inode	*ip;
	char		 p[32];
	long		 problems;
	int		 i, wrong = 0, checked = 0, exists;

	problems = uf_fsck();
	*bad += problems != 0;
	ok(problems == 0, "round %d: fsck is clean after the crash", round);
	for (i = 0; i < nmodel; i++) {
		if (model[i].unsure)
			continue;
		exists = fsop_stat(NULL, model[i].path, &st) == 0;
		if (model[i].gone && exists) {
			diag("%s: unlinked, but there", model[i].path);
			wrong++;
		} else if (model[i].live && model[i].dir &&
		    (!exists || st.type != FS_T_DIR)) {
			diag("%s: a directory missing", model[i].path);
			wrong++;
		} else if (model[i].live && !model[i].dir &&
		    uf_verify(model[i].path, model[i].seed,
		    model[i].size) != 0) {
			diag("%s: missing or not its %u bytes", model[i].path,
			    model[i].size);
			wrong++;
		}
		checked++;
	}
	for (i = 0; i < NKEEP; i++) {
		snprintf(p, sizeof p, "/keep%d", i);
		if (uf_verify(p, 1000 + (uint64_t)i, 20000 * (uint32_t)i) != 0)
			wrong++;
	}
	*bad += wrong != 0;
	ok(wrong == 0, "round %d: %d committed names as they were committed",
	    round, checked);
	/* Make room for the next round: its files go, through the FS. */
	for (i = nmodel - 1; i >= 0; i--) {
		if (model[i].dir)
			continue;
		fsop_unlink(NULL, model[i].path);
	}
	for (i = nmodel - 1; i >= 0; i--)
		if (model[i].dir)
			fsop_unlink(NULL, model[i].path);
	nmodel = 0;
	if ((ip = path_namei(NULL, "/", 0)) != NULL)
		fsop_close(ip);
}

int
main(void)
{
	struct th_exod	 d;
	struct tp_kid	 kid;
	struct exo	*e;
	struct rec	 open, r;
	char		 p[32];
	long		 bad = 0, total = 0;
	int		 round, i, n, killexod, status;

	plan_lazy();
	tp_watchdog(600);
	th_exod_start(&d, "-D", "48M", (char *)NULL);
	sockpath = d.sock;
	if ((e = uf_connect(d.sock, NAME)) == NULL)
		bail("connect");
	ok(uf_mkfs(e, 10000, 0) == 0 && uf_mount(e, 0) == 0, "mkfs, mount");
	for (i = 0, n = 0; i < NKEEP; i++) {
		snprintf(p, sizeof p, "/keep%d", i);
		n += uf_put(p, 1000 + (uint64_t)i, 20000 * (uint32_t)i) == 0;
	}
	is_int(n, NKEEP, "files to keep across every crash");
	uf_unmount();
	exo_disconnect(e);
	srandom(4242);
	for (round = 1; round <= ROUNDS; round++) {
		killexod = round % 3 == 0;
		memset(&open, 0, sizeof open);
		tp_kid_start(&kid, workload, (void *)(uintptr_t)round);
		/* Wait for it to start, then kill it a while later. */
		if (tp_recv(kid.fd, &r, sizeof r, 10000) != (int)sizeof r)
			bail("round %d: the workload did not start", round);
		apply(&r, &open);
		total += collect(kid.fd, th_now_ms() + 30 + random() % 400,
		    &open, 0);
		if (killexod)
			kill(d.pid, SIGKILL);
		kill(kid.pid, SIGKILL);
		total += collect(kid.fd, 0, &open, 1);
		status = tp_kid_wait(&kid, 5000);
		close(kid.fd);
		if (!WIFSIGNALED(status))
			diag("round %d: the workload ended by itself (%d)",
			    round, status);
		if (killexod) {
			long	deadline = th_now_ms() + 10000;

			while (th_exod_alive(&d) && th_now_ms() < deadline)
				th_sleep_ms(10);
			th_exod_restart(&d, "-D", "48M", (char *)NULL);
		}
		if ((e = uf_connect(d.sock, NAME)) == NULL)
			bail("connect after round %d", round);
		if (uf_mount(e, 0) != 0) {
			ok(0, "round %d: mount after the crash", round);
			bad++;
			exo_disconnect(e);
			continue;
		}
		check_round(round, &bad);
		uf_unmount();
		exo_disconnect(e);
	}
	ok(total > ROUNDS * 5, "%ld operations committed over %d rounds",
	    total, ROUNDS);
	is_int(bad, 0, "%d crashes (%d with exod), never inconsistent",
	    ROUNDS, ROUNDS / 3);
	return (0);
}
