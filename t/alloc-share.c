/*
 * alloc-share.t - concurrent allocations under the fair-share policy:
 * every request within its fair share is served, however many arrive
 * while memory is short.
 *
 * exod runs with 512 frames; a hog (t/hold, which never answers a
 * revocation and so is aborted at the deadline) holds most of them, and
 * three libOSes connect, so that the fair share is 128.
 *
 *  1. The hog holds 462 and leaves 50 free; the three ask 50 frames each
 *     at the same moment.  One is served from the free frames; the other
 *     two need 100 frames revoked from the hog, and both must get them.
 *     (exod used to count the one revocation in flight as covering every
 *     request that came while it ran, and answered the third ENOMEM.)
 *  2. The hog holds all 512; the three ask 50 each at once: 150 frames
 *     are revoked and all three are served.
 *  3. Order made certain: 30 frames free, A asks 50 and waits for the
 *     20 revoked for it; then B asks 20.  The free frames are A's: B must
 *     not take them, and both are served.
 *  4. A request beyond the fair share still fails at once with ENOMEM
 *     while others wait, and takes nothing promised to them.
 *
 * Afterwards the hog has lost exactly what was needed, and once every
 * libOS leaves all 512 frames are free.
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

#define NFRAMES		512	/* -m 2M */
#define NLIBOS		4	/* hog and three askers: share 128 */
#define SHARE		(NFRAMES / NLIBOS)
#define ASK		50
#define NASK		3
#define TIMEOUT		20000	/* ms: guard on anything asynchronous */

static struct th_exod	exod;

/* What an asking libOS tells the test, over its socketpair. */
struct ask_msg {
	uint32_t	libos;
	int32_t		rc;		/* of exo_frame_alloc_batch */
	uint32_t	mapped;		/* frames it could map and write */
};

struct ask_arg {
	const char	*sock;
	char		 name[EXO_NAME_MAX];
	unsigned	 count;
};

/*
 * An asking libOS: connect and say so; at "g" ask for count frames,
 * touch each, report; at "q" leave (its frames are reclaimed).
 */
static int
ask_main(int fd, void *argp)
{
	struct ask_arg		*a = argp;
	struct exo_frame	 f[EXO_BATCH_MAX];
	struct ask_msg		 m;
	struct exo		*x;
	unsigned char		*p;
	unsigned		 i;
	char			 c;

	memset(&m, 0, sizeof m);
	if (exo_connect(a->sock, a->name, &x) != 0)
		return 1;
	m.libos = exo_libos_id(x);
	if (tp_send(fd, &m, sizeof m) != 0)
		return 2;
	if (tp_recv(fd, &c, 1, 60000) != 1 || c != 'g')
		return 3;
	m.rc = exo_frame_alloc_batch(x, f, a->count);
	if (m.rc == 0)
		for (i = 0; i < a->count; i++)
			if ((p = exo_frame_map(&f[i], PROT_READ |
			    PROT_WRITE)) != NULL) {
				p[0] = 1;
				m.mapped++;
			}
	if (tp_send(fd, &m, sizeof m) != 0)
		return 4;
	(void)tp_recv(fd, &c, 1, 60000);
	exo_disconnect(x);
	return 0;
}

struct asker {
	struct tp_kid	kid;
	struct ask_arg	arg;
	struct ask_msg	msg;
};

static void
ask_start(struct asker *k, const char *name, unsigned count)
{
	memset(k, 0, sizeof *k);
	k->arg.sock = exod.sock;
	snprintf(k->arg.name, sizeof k->arg.name, "%s", name);
	k->arg.count = count;
	tp_kid_start(&k->kid, ask_main, &k->arg);
	if (tp_recv(k->kid.fd, &k->msg, sizeof k->msg, TIMEOUT) !=
	    (int)sizeof k->msg)
		bail("%s did not connect", name);
}

static void
ask_go(struct asker *k)
{
	if (tp_send(k->kid.fd, "g", 1) != 0)
		bail("cannot start %s", k->arg.name);
}

/* Its answer: 0 when it came, -1 when it did not in time. */
static int
ask_result(struct asker *k)
{
	return (tp_recv(k->kid.fd, &k->msg, sizeof k->msg, TIMEOUT) ==
	    (int)sizeof k->msg ? 0 : -1);
}

static int
ask_end(struct asker *k)
{
	int	status;

	(void)tp_send(k->kid.fd, "q", 1);
	status = tp_kid_wait(&k->kid, TIMEOUT);
	return (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* Start the hog holding n frames; its libOS id. */
static uint32_t
hog_start(struct tp_proc *hog, const char *name, unsigned n)
{
	char		 count[16];
	const char	*argv[5];
	const char	*line;
	unsigned	 id;

	snprintf(count, sizeof count, "%u", n);
	argv[0] = th_path("t/hold");
	argv[1] = exod.sock;
	argv[2] = name;
	argv[3] = count;
	argv[4] = NULL;
	tp_start(hog, argv);
	line = tp_expect(hog, "ready ", TIMEOUT);
	if (line == NULL || sscanf(line, "ready %u", &id) != 1) {
		tp_diag(hog, name);
		bail("the hog did not get ready");
	}
	return (id);
}

static uint32_t
hog_frames(uint32_t id)
{
	struct exo_status_peer	st;

	return (dh_peer(&exod, id, &st) == 0 ? st.frames : UINT32_MAX);
}

static void
hog_end(struct tp_proc *hog)
{
	tp_close_in(hog);
	(void)tp_wait(hog, TIMEOUT);
}

/* Rounds 1 and 2: NASK ask at once with hog holding held frames. */
static void
test_concurrent(const char *tag, unsigned held)
{
	struct asker	 k[NASK];
	struct tp_proc	 hog;
	char		 name[EXO_NAME_MAX];
	unsigned	 i, served, mapped, answered, nfree;
	uint32_t	 hog_id, left;

	hog_id = hog_start(&hog, tag, held);
	nfree = NFRAMES - held;
	for (i = 0; i < NASK; i++) {
		snprintf(name, sizeof name, "%s-%u", tag, i);
		ask_start(&k[i], name, ASK);
	}
	for (i = 0; i < NASK; i++)
		ask_go(&k[i]);
	served = mapped = answered = 0;
	for (i = 0; i < NASK; i++) {
		if (ask_result(&k[i]) != 0)
			continue;
		answered++;
		if (k[i].msg.rc == 0)
			served++;
		else
			diag("%s: %s got %s", tag, k[i].arg.name,
			    exo_strerror(k[i].msg.rc));
		mapped += k[i].msg.mapped;
	}
	is_int(NASK, answered, "%s: each of %u concurrent requests is "
	    "answered", tag, NASK);
	is_int(NASK, served, "%s: each of %u concurrent requests of %u "
	    "(within a fair share of %u) is served", tag, NASK, ASK, SHARE);
	is_int(NASK * ASK, mapped, "%s: every frame bound can be mapped",
	    tag);
	left = hog_frames(hog_id);
	is_int(held - (NASK * ASK - nfree), left, "%s: the hog lost exactly "
	    "the %u frames the free ones did not cover", tag,
	    NASK * ASK - nfree);
	is_int(0, th_frames_free(&exod), "%s: no frame is left free", tag);
	for (i = 0; i < NASK; i++)
		ok(ask_end(&k[i]), "%s: %s leaves cleanly", tag,
		    k[i].arg.name);
	hog_end(&hog);
	is_int(NFRAMES, th_wait_frames_free(&exod, NFRAMES, TIMEOUT),
	    "%s: all %u frames are free again", tag, NFRAMES);
}

/* Wait until the hog has been sent a revocation (n in all). */
static int
hog_revoked(uint32_t id, uint64_t n)
{
	struct exo_status_peer	st;
	long			deadline = tp_now_ms() + TIMEOUT;

	while (tp_now_ms() < deadline) {
		if (dh_peer(&exod, id, &st) == 0 && st.revocations >= n)
			return (1);
		tp_sleep_ms(5);
	}
	return (0);
}

/* Rounds 3 and 4: the order made certain. */
static void
test_promised(void)
{
	struct asker		 a, b, c, over;
	struct tp_proc		 hog;
	uint32_t		 hog_id;

	hog_id = hog_start(&hog, "p-hog", NFRAMES - 30);
	ask_start(&a, "p-a", ASK);
	ask_start(&b, "p-b", 20);
	ask_start(&c, "p-c", 0 + 1);	/* only there for the share */
	ask_go(&a);
	ok(hog_revoked(hog_id, 1), "promised: A's request of %u with 30 "
	    "free has the hog revoked", ASK);
	is_int(30, th_frames_free(&exod), "promised: the 30 free frames are "
	    "still free while A waits");
	ask_go(&b);
	ok(hog_revoked(hog_id, 2), "promised: B's request of 20 does not "
	    "take A's free frames but has the hog revoked again");

	ask_start(&over, "p-over", SHARE);
	/* Five libOSes: share 102; 128 is beyond it. */
	ask_go(&over);
	if (ask_result(&over) == 0)
		is_int(-EXO_ENOMEM, over.msg.rc, "promised: a request beyond "
		    "the fair share fails at once with ENOMEM while others "
		    "wait");
	else
		ok(0, "promised: the request beyond the share is answered");
	ok(ask_end(&over), "promised: it leaves cleanly");

	if (ask_result(&a) == 0)
		is_int(0, a.msg.rc, "promised: A is served");
	else
		ok(0, "promised: A is answered");
	if (ask_result(&b) == 0)
		is_int(0, b.msg.rc, "promised: B is served");
	else
		ok(0, "promised: B is answered");
	is_int(NFRAMES - 30 - (ASK + 20 - 30), hog_frames(hog_id),
	    "promised: the hog lost exactly the %u frames not covered by "
	    "the free ones", ASK + 20 - 30);
	ok(ask_end(&a) && ask_end(&b), "promised: A and B leave cleanly");
	ask_go(&c);
	(void)ask_result(&c);
	ok(ask_end(&c), "promised: C leaves cleanly");
	hog_end(&hog);
	is_int(NFRAMES, th_wait_frames_free(&exod, NFRAMES, TIMEOUT),
	    "promised: all %u frames are free again", NFRAMES);
}

int
main(void)
{
	plan_lazy();
	tp_watchdog(240);
	/* The hog never answers: it is aborted at the deadline, long enough
	 * that round 3 can look at what happens while A waits. */
	th_exod_start(&exod, "-m", "2M", "-R", "3000", (char *)NULL);
	is_int(NFRAMES, th_frames_free(&exod), "exod has %u frames", NFRAMES);
	test_concurrent("free50", NFRAMES - ASK);
	test_concurrent("full", NFRAMES);
	test_promised();
	ok(th_exod_stop(&exod) == 0, "exod stops cleanly");
	return (tap_failures() != 0);
}
