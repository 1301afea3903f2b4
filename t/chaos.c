/*
 * chaos.t - a random mix of libOSes, killed with SIGKILL at random
 * moments, leaves exod as it found it.
 *
 * Up to CHAOS_LIVE test libOSes run at once, each of a random kind:
 *
 *	hold     t/hold binding 1..64 frames (killed while binding or
 *	         holding)
 *	disk     t/libos-disk with frames and blocks, writing and flushing
 *	         (-W), answering revocations politely, freeing, ignoring them
 *	         or exiting on them (killed during its I/O or a revocation)
 *	cpu      t/libos-cpu holding one or two slots, sometimes hostile (-x:
 *	         never acknowledging the end of its quantum), so it is often
 *	         killed while exod has it stopped
 *	wait     t/libos-cpu -w: holds a slot and waits for events, stopped
 *	callee   t/libos-cpu -e: a protected entry, called by...
 *	caller   t/libos-cpu -C: a protected call into a live callee
 *	events   t/libos-cpu -E: events for a live libOS
 *	hostile  t/libos-hostile: slots, no acknowledgements, frames thrashed
 *	revoke   exoctl revoke of a live libOS's frames
 *
 * Each is killed with SIGKILL at a random moment of its life, or lives it
 * out.  The run ends after EXO_CHAOS_ROUNDS kills (default 40) or
 * EXO_CHAOS_SECONDS seconds (default 25), whichever is first; set both
 * higher for a long run, EXO_CHAOS_SEED to repeat one.  Then every libOS
 * still there is let go, the blocks the dead ones' names still own are
 * freed by connecting as those names, and:
 *
 *	- every frame, slot and block is free;
 *	- exod's descriptors and mappings are back to their baseline (taken
 *	  after a first round of every kind, which warms exod's pools up):
 *	  all of them, and those of its memory objects (memfd) on their own,
 *	  which alone are compared under AddressSanitizer;
 *	- its resident set grew by at most CHAOS_RSS_MB (more under
 *	  AddressSanitizer, whose quarantine keeps freed memory);
 *	- no libOS was left stopped: every one ended within its time
 *	  (one in state T in /proc/PID/stat at the end is a failure);
 *	- exod still answers exoctl.
 */
#define _GNU_SOURCE 1
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
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

#define CHAOS_LIVE	8	/* libOSes at once */
#define CHAOS_KIDS	(CHAOS_LIVE + 4)	/* and exoctl runs */
#define CHAOS_FRAMES	512	/* -m 2M */
#define CHAOS_BLOCKS	1024	/* -D 4M */
#define CHAOS_SLOTS	8	/* -n 8 */
#define CHAOS_NAMES	64	/* disk names in use at once, at most */
#define TIMEOUT		20000

#if defined(__SANITIZE_ADDRESS__)
#define CHAOS_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CHAOS_ASAN	1
#endif
#endif
#ifdef CHAOS_ASAN
#define CHAOS_RSS_MB	384	/* the quarantine is 256M */
#else
#define CHAOS_RSS_MB	48
#endif

enum kind {
	K_HOLD, K_DISK, K_CPU, K_WAIT, K_CALLEE, K_CALLER, K_EVENTS,
	K_HOSTILE, K_REVOKE, K_NKINDS
};
static const char *const kind_name[K_NKINDS] = {
	"hold", "disk", "cpu", "wait", "callee", "caller", "events",
	"hostile", "revoke"
};

struct kid {
	struct tp_proc	*p;		/* NULL: the slot is free */
	enum kind	 kind;
	uint32_t	 libos;		/* once it said so; 0 before */
	long		 kill_at;	/* ms; 0: let it live */
	long		 ends_by;	/* ms: it must have ended by then */
	char		 name[EXO_NAME_MAX];
};

static struct th_exod	exod;
static struct kid	kids[CHAOS_KIDS];
static char		names[CHAOS_NAMES][EXO_NAME_MAX]; /* may own blocks */
static unsigned		nnames, seq;
static unsigned long	kills, spawned[K_NKINDS], lived, cleaned;
static unsigned		left_stopped;

static unsigned
rnd(unsigned n)
{
	return n > 0 ? (unsigned)random() % n : 0;
}

static long
env_long(const char *name, long def)
{
	const char	*s = getenv(name);
	char		*end;
	long		 v;

	if (s == NULL || *s == '\0')
		return def;
	v = strtol(s, &end, 10);
	return *end == '\0' && v > 0 ? v : def;
}

/* Free every block the name owns: connect as it, list, free. */
static void
name_clean(const char *name)
{
	struct exo_cap	 caps[EXO_BATCH_MAX];
	struct exo	*e;
	unsigned	 n;
	uint32_t	 total;

	if (exo_connect(exod.sock, name, &e) != 0)
		return;
	while (exo_block_list(e, 0, caps, EXO_BATCH_MAX, &n, &total) == 0 &&
	    n > 0 && exo_block_free(e, caps, n) == 0)
		cleaned += n;
	exo_disconnect(e);
}

static void
name_forget(const char *name)
{
	unsigned	i;

	for (i = 0; i < nnames; i++)
		if (strcmp(names[i], name) == 0) {
			name_clean(name);
			memmove(names[i], names[i + 1], (nnames - i - 1) *
			    sizeof names[0]);
			nnames--;
			return;
		}
}

/* A live libOS id of one of these kinds, or 0. */
static uint32_t
pick_libos(unsigned mask)
{
	uint32_t	ids[CHAOS_KIDS];
	unsigned	i, n = 0;

	for (i = 0; i < CHAOS_KIDS; i++)
		if (kids[i].p != NULL && kids[i].libos != 0 &&
		    (mask & (1U << kids[i].kind)))
			ids[n++] = kids[i].libos;
	return n > 0 ? ids[rnd(n)] : 0;
}

static void
kid_start(struct kid *k, enum kind kind, long now)
{
	const char	*argv[24];
	char		 a1[32], a2[32], a3[32], a4[32];
	uint32_t	 target = 0;
	unsigned	 n = 0;
	long		 life;

	memset(k, 0, sizeof *k);
	k->kind = kind;
	snprintf(k->name, sizeof k->name, "%s-%u", kind_name[kind], seq++);
	if (kind == K_CALLER || kind == K_EVENTS || kind == K_REVOKE) {
		target = pick_libos(kind == K_CALLER ? 1U << K_CALLEE :
		    kind == K_REVOKE ? (1U << K_HOLD | 1U << K_DISK |
		    1U << K_HOSTILE) : (1U << K_WAIT | 1U << K_CALLEE |
		    1U << K_CPU));
		if (target == 0)
			kind = k->kind = K_HOLD;
	}
	switch (kind) {
	case K_HOLD:
		argv[n++] = th_path("t/hold");
		argv[n++] = exod.sock;
		argv[n++] = k->name;
		snprintf(a1, sizeof a1, "%u", 1 + rnd(64));
		argv[n++] = a1;
		life = 0;			/* until its input ends */
		break;
	case K_DISK: {
		static const char *const modes[] = {
			"polite", "free", "ignore", "exit"
		};

		if (nnames == CHAOS_NAMES) {
			k->kind = K_HOLD;
			kid_start(k, K_HOLD, now);
			return;
		}
		snprintf(names[nnames++], sizeof names[0], "%s", k->name);
		argv[n++] = dh_libos_disk();
		argv[n++] = "-S";
		argv[n++] = exod.sock;
		argv[n++] = "-n";
		argv[n++] = k->name;
		snprintf(a1, sizeof a1, "%u", 1 + rnd(16));
		argv[n++] = "-f";
		argv[n++] = a1;
		snprintf(a2, sizeof a2, "%u", 1 + rnd(8));
		argv[n++] = "-b";
		argv[n++] = a2;
		argv[n++] = "-m";
		argv[n++] = modes[rnd(4)];
		if (rnd(2))
			argv[n++] = "-a";
		if (rnd(2)) {
			argv[n++] = "-P";
			argv[n++] = "1";
		}
		argv[n++] = "-W";
		argv[n++] = "-t";
		snprintf(a3, sizeof a3, "%u", 200 + rnd(1200));
		argv[n++] = a3;
		life = atol(a3);
		break;
	}
	case K_HOSTILE:
		argv[n++] = th_path("t/libos-hostile");
		argv[n++] = "-S";
		argv[n++] = exod.sock;
		argv[n++] = "-n";
		argv[n++] = k->name;
		argv[n++] = "-c";
		argv[n++] = rnd(2) ? "1" : "2";
		snprintf(a1, sizeof a1, "%u", 8 + rnd(56));
		argv[n++] = "-m";
		argv[n++] = a1;
		snprintf(a2, sizeof a2, "%u", 200 + rnd(800));
		argv[n++] = "-d";
		argv[n++] = a2;
		life = atol(a2);
		break;
	case K_REVOKE:
		argv[n++] = dh_exoctl();
		argv[n++] = "-S";
		argv[n++] = exod.sock;
		argv[n++] = "revoke";
		snprintf(a1, sizeof a1, "%u", target);
		argv[n++] = a1;
		argv[n++] = "frames";
		snprintf(a2, sizeof a2, "%u", 1 + rnd(32));
		argv[n++] = a2;
		life = 2000;
		break;
	default:			/* the libos-cpu kinds */
		argv[n++] = th_path("t/libos-cpu");
		argv[n++] = "-S";
		argv[n++] = exod.sock;
		argv[n++] = "-n";
		argv[n++] = k->name;
		argv[n++] = "-c";
		argv[n++] = kind == K_CPU && rnd(2) ? "2" : "1";
		snprintf(a1, sizeof a1, "%u", kind == K_CALLEE ? 1500 :
		    200 + rnd(800));
		argv[n++] = "-d";
		argv[n++] = a1;
		life = atol(a1);
		if (kind == K_CPU && rnd(3) == 0)
			argv[n++] = "-x";
		if (kind == K_WAIT)
			argv[n++] = "-w";
		if (kind == K_CALLEE)
			argv[n++] = "-e";
		if (kind == K_CALLER) {
			snprintf(a2, sizeof a2, "%u", target);
			argv[n++] = "-C";
			argv[n++] = a2;
		}
		if (kind == K_EVENTS) {
			snprintf(a4, sizeof a4, "%u:%u", target, 1 + rnd(40));
			argv[n++] = "-E";
			argv[n++] = a4;
		}
		break;
	}
	argv[n] = NULL;
	if ((k->p = malloc(sizeof *k->p)) == NULL)
		bail("malloc");
	tp_start(k->p, argv);
	spawned[k->kind]++;
	/* Half are killed within their life, the others live it out. */
	if (k->kind != K_REVOKE && rnd(4) != 0)
		k->kill_at = now + 1 + rnd(life > 0 ? (unsigned)life : 1500);
	/* A stopped libOS runs at its next slot: generous all the same. */
	k->ends_by = now + (life > 0 ? life : 1500) + 15000;
}

/* Its libOS id, once it printed it. */
static void
kid_learn(struct kid *k)
{
	const char	*line;
	unsigned	 id;

	if (k->libos != 0 || k->kind == K_REVOKE)
		return;
	if (k->kind == K_HOLD) {
		if ((line = tp_expect(k->p, "ready ", 0)) != NULL &&
		    sscanf(line, "ready %u", &id) == 1)
			k->libos = id;
	} else if (k->kind == K_DISK) {
		if ((line = tp_expect(k->p, "ready libos=", 0)) != NULL &&
		    sscanf(line, "ready libos=%u", &id) == 1)
			k->libos = id;
	} else if (k->kind == K_HOSTILE) {
		if ((line = tp_expect(k->p, "hostile libos=", 0)) != NULL &&
		    sscanf(line, "hostile libos=%u", &id) == 1)
			k->libos = id;
	} else if ((line = tp_expect(k->p, "claimed libos=", 0)) != NULL &&
	    sscanf(line, "claimed libos=%u", &id) == 1)
		k->libos = id;
}

/* Process state from /proc/pid/stat: 'T' when stopped, 0 if gone. */
static char
proc_state(pid_t pid)
{
	char	path[64], buf[512], *p;
	ssize_t	n;
	int	fd;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL || p[1] == '\0')
		return 0;
	return p[2];
}

static void
kid_done(struct kid *k)
{
	if (k->kind == K_DISK)
		name_forget(k->name);
	free(k->p);
	k->p = NULL;
}

/* Reap it if it ended; then 1. */
static int
kid_reap(struct kid *k, long now)
{
	int	status;
	pid_t	r;

	(void)tp_poll(k->p);
	kid_learn(k);
	r = waitpid(k->p->pid, &status, WNOHANG);
	if (r != k->p->pid) {
		if (now > k->ends_by) {
			if (proc_state(k->p->pid) == 'T') {
				left_stopped++;
				diag("%s (pid %ld) is still stopped %ld ms after "
				    "its end", k->name, (long)k->p->pid,
				    now - k->ends_by + 15000);
			}
			kill(k->p->pid, SIGKILL);
			(void)waitpid(k->p->pid, &status, 0);
			k->p->pid = -1;
			kid_done(k);
			return 1;
		}
		return 0;
	}
	k->p->pid = -1;
	tp_close_in(k->p);
	if (k->p->out != -1)
		close(k->p->out);
	if (!WIFSIGNALED(status))
		lived++;
	kid_done(k);
	return 1;
}

/* A round of every kind, each left to end: exod's pools warm up. */
static void
warm_up(void)
{
	static const enum kind order[] = {
		K_HOLD, K_DISK, K_CPU, K_WAIT, K_CALLEE, K_HOSTILE
	};
	unsigned	i;
	long		now;

	for (i = 0; i < sizeof order / sizeof order[0]; i++)
		kid_start(&kids[i], order[i], tp_now_ms());
	for (i = 0; i < sizeof order / sizeof order[0]; i++)
		kids[i].kill_at = 0;
	tp_sleep_ms(300);
	for (i = 0; i < CHAOS_KIDS; i++)
		if (kids[i].p != NULL && kids[i].kind == K_HOLD)
			tp_close_in(kids[i].p);
	for (;;) {
		now = tp_now_ms();
		for (i = 0; i < CHAOS_KIDS; i++)
			if (kids[i].p != NULL)
				(void)kid_reap(&kids[i], now);
		for (i = 0; i < CHAOS_KIDS && kids[i].p == NULL; i++)
			;
		if (i == CHAOS_KIDS)
			break;
		tp_sleep_ms(20);
	}
}

/*
 * exod's mappings: all of them, or (memfd) only those of its memory
 * objects (frames, exposed state, tiles), which are what a leak would
 * leave; the allocator's own come and go under AddressSanitizer.
 */
static int
maps_count(pid_t pid, int memfd)
{
	static char	buf[1 << 20];
	char		path[64], *line, *nl;
	size_t		len = 0;
	ssize_t		n;
	int		fd, lines = 0;

	snprintf(path, sizeof path, "/proc/%ld/maps", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while (len < sizeof buf - 1 &&
	    (n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	for (line = buf; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		*nl = '\0';
		if (!memfd || strstr(line, "/memfd:") != NULL)
			lines++;
	}
	return lines;
}

static int
maps_wait(pid_t pid, int want, int memfd, int ms)
{
	long	deadline = tp_now_ms() + ms;
	int	n;

	while ((n = maps_count(pid, memfd)) != want && tp_now_ms() < deadline)
		tp_sleep_ms(50);
	return n;
}

int
main(void)
{
	struct exo_disk_info	 di;
	struct exo_slots	 sl;
	struct exo		*c;
	char			 out[4096];
	long			 rounds, seconds, seed, start, now, deadline;
	long			 rss0, rss1;
	int			 fds0, maps0, fds1, maps1, mfd0, mfd1, rc, busy;
	unsigned		 i, owned, k;

	rounds = env_long("EXO_CHAOS_ROUNDS", 40);
	seconds = env_long("EXO_CHAOS_SECONDS", 25);
	seed = env_long("EXO_CHAOS_SEED", (long)time(NULL) ^ getpid());
	srandom((unsigned)seed);
	plan_lazy();
	tp_watchdog((unsigned)seconds + 240);
	diag("chaos: seed %ld (EXO_CHAOS_SEED repeats it), at most %ld kills "
	    "in %ld s", seed, rounds, seconds);
	th_exod_start(&exod, "-m", "2M", "-D", "4M", "-n", "8", "-q", "20",
	    "-b", "2", "-R", "200", "-c", "500", "-P", "4", (char *)NULL);

	warm_up();
	fds0 = th_fds_settled(&exod, TIMEOUT);
	maps0 = maps_count(exod.pid, 0);
	mfd0 = maps_count(exod.pid, 1);
	rss0 = th_vmrss_kb(exod.pid);
	diag("chaos: baseline %d descriptors, %d mappings (%d of memory "
	    "objects), %ld KiB resident", fds0, maps0, mfd0, rss0);

	start = tp_now_ms();
	deadline = start + seconds * 1000;
	while ((long)kills < rounds && (now = tp_now_ms()) < deadline) {
		for (i = 0; i < CHAOS_KIDS; i++) {
			if (kids[i].p == NULL)
				continue;
			if (kid_reap(&kids[i], now))
				continue;
			if (kids[i].kill_at != 0 && now >= kids[i].kill_at) {
				kill(kids[i].p->pid, SIGKILL);
				kids[i].kill_at = 0;
				kills++;
			}
		}
		for (i = 0, busy = 0; i < CHAOS_KIDS; i++)
			busy += kids[i].p != NULL;
		if (busy < CHAOS_LIVE || rnd(8) == 0)
			for (i = 0; i < CHAOS_KIDS; i++)
				if (kids[i].p == NULL) {
					kid_start(&kids[i], (enum kind)
					    rnd(K_NKINDS), now);
					break;
				}
		tp_sleep_ms(5 + rnd(25));
	}
	diag("chaos: %lu kills, %lu lived out, in %ld ms", kills, lived,
	    tp_now_ms() - start);
	for (k = 0; k < K_NKINDS; k++)
		diag("chaos: %-8s %lu started", kind_name[k], spawned[k]);
	ok(kills > 0, "chaos: %lu libOSes were killed with SIGKILL", kills);

	/* Let everyone go and end. */
	for (i = 0; i < CHAOS_KIDS; i++)
		if (kids[i].p != NULL) {
			kids[i].kill_at = 0;
			tp_close_in(kids[i].p);
		}
	for (;;) {
		now = tp_now_ms();
		for (i = 0, busy = 0; i < CHAOS_KIDS; i++)
			if (kids[i].p != NULL && !kid_reap(&kids[i], now))
				busy++;
		if (busy == 0)
			break;
		tp_sleep_ms(20);
	}
	is_int(0, left_stopped, "chaos: no libOS was left stopped");
	while (nnames > 0)
		name_forget(names[0]);
	diag("chaos: %lu blocks the dead names owned were freed", cleaned);

	is_int(CHAOS_FRAMES, th_wait_frames_free(&exod, CHAOS_FRAMES, TIMEOUT),
	    "chaos: every frame is free");
	if (exo_connect_control(exod.sock, &c) != 0)
		bail("control connection");
	owned = 0;
	if ((rc = exo_slots(c, &sl)) == 0) {
		for (i = 0; i < sl.vec.nslots; i++)
			owned += sl.owner[i] != 0;
		exo_slots_free(&sl);
	}
	ok(rc == 0 && owned == 0, "chaos: every slot is free (%u owned)",
	    owned);
	rc = exo_disk_info(c, &di);
	ok(rc == 0 && di.blocks_free == CHAOS_BLOCKS, "chaos: every block is "
	    "free (%u of %u)", di.blocks_free, di.blocks_total);
	exo_disconnect(c);
	fds1 = th_wait_fds(&exod, fds0, TIMEOUT);
	is_int(fds0, fds1, "chaos: exod's descriptors are back to %d", fds0);
	mfd1 = maps_wait(exod.pid, mfd0, 1, TIMEOUT);
	is_int(mfd0, mfd1, "chaos: exod's mappings of memory objects are back "
	    "to %d", mfd0);
#ifdef CHAOS_ASAN
	maps1 = maps_count(exod.pid, 0);
	diag("chaos: %d mappings in all, %d at the start: AddressSanitizer's "
	    "allocator maps as it likes, so they are not compared", maps1,
	    maps0);
#else
	maps1 = maps_wait(exod.pid, maps0, 0, TIMEOUT);
	is_int(maps0, maps1, "chaos: exod's mappings are back to %d", maps0);
#endif
	rss1 = th_vmrss_kb(exod.pid);
	ok(rss1 > 0 && rss1 - rss0 <= CHAOS_RSS_MB * 1024L, "chaos: exod's "
	    "resident set grew by %ld KiB, at most %d MiB (%ld to %ld KiB)",
	    rss1 - rss0, CHAOS_RSS_MB, rss0, rss1);
	rc = dh_exoctl_run(&exod, out, sizeof out, "status", (char *)NULL);
	ok(rc == 0 && strstr(out, "frames") != NULL, "chaos: exod answers "
	    "exoctl status (status %d)", rc);
	ok(th_exod_alive(&exod), "chaos: exod is alive");
	ok(th_exod_stop(&exod) == 0, "chaos: exod stops cleanly");
	return tap_failures() != 0;
}
