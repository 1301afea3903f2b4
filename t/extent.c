/*
 * extent.t - frames bound as extents.
 *
 *  1. One libOS binds 1 GiB (262,144 frames) as one extent and touches
 *     every page: one descriptor and a mapping or two more for it, in it
 *     and in exod, not one per frame; every frame its own capability.
 *  2. Inside an extent a frame is still a frame: the TLB maps it into the
 *     region and reaches the same bytes; freed alone, its page reads zero
 *     and its capability is stale; it cannot be opened as a descriptor of
 *     its own (the extent's would reach them all), and a grant of it,
 *     revoked, moves it out of the extent with its contents.
 *  3. One frame of an extent is revoked from a libOS that ignores the
 *     revocation, and aborted: its page in the old owner's extent reads
 *     zero and leaves the TLB; the frame's next owner (the same frame
 *     number) sees zeros and then only its own writes, and the old
 *     owner's stale mapping sees none of them, nor do its writes reach
 *     the new owner; the rest of the extent is untouched.
 *  4. exod binds 4 GiB in extents to four libOSes at once; killed with
 *     SIGKILL, everything comes back: frames, descriptors, mappings.
 *  5. The errors of EXTENT, and hostile requests: another libOS's
 *     extent, a forged or borrowed capability of a frame in one, stale and
 *     impossible handles.
 *
 * exod -m 4200M -R 300: large, but a frame costs the host nothing until
 * it is touched.
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "harness.h"
#include "tap.h"

#define GIB_FRAMES	262144U
#define TIMEOUT		20000
/* exod's allocator (a sanitizer's above all) may keep a few mappings of
 * its own after a free: a bound, far below one per frame. */
#define MAPS_SLACK	16

static struct th_exod	d;
static struct exo	*s;		/* the test's own libOS */

/* Lines of /proc/PID/maps: the host mappings a process has. */
static int
count_maps(pid_t pid)
{
	char	 path[64], line[512];
	FILE	*f;
	int	 n = 0;

	snprintf(path, sizeof path, "/proc/%ld/maps", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	while (fgets(line, sizeof line, f) != NULL)
		n++;
	fclose(f);
	return (n);
}

static int
all_bytes(const void *p, int c, size_t n)
{
	const unsigned char	*b = p;
	size_t			 i;

	for (i = 0; i < n; i++)
		if (b[i] != (unsigned char)c)
			return (0);
	return (1);
}

static void
xwrite(int fd, const void *p, size_t n)
{
	if (write(fd, p, n) != (ssize_t)n)
		_exit(80);
}

static int
xread(int fd, void *p, size_t n)
{
	return (read(fd, p, n) == (ssize_t)n);
}

/*
 * Part 3's old owner: binds an extent of 64 frames, fills it with 0xaa,
 * maps index 10 into its region too, says which frame that is, and then
 * answers the parent's questions, one byte each.
 */
static void
old_owner(int in, int out)
{
	struct exo_extent	*x;
	struct exo		*e;
	unsigned char		*va, *base, c, r;
	uint64_t		 id;
	uint32_t		 me;

	exo_disconnect(s);	/* the parent's: not this process's */
	if (exo_connect(d.sock, "old", &e) != 0 ||
	    exo_extent_alloc(e, 64, &x) != 0 ||
	    exo_as_create(e, 16 * EXO_FRAME_SIZE, (void **)&base) != 0)
		_exit(81);
	va = exo_extent_va(x);
	memset(va, 0xaa, 64 * EXO_FRAME_SIZE);
	if (exo_tlb_install(e, base, exo_extent_cap(x, 10), EXO_RIGHTS_ALL) !=
	    0 || base[100] != 0xaa)
		_exit(82);
	me = exo_libos_id(e);
	id = exo_extent_cap(x, 10)->id;
	xwrite(out, &me, sizeof me);
	xwrite(out, &id, sizeof id);
	while (xread(in, &c, 1)) {
		switch (c) {
		case 'z':	/* after the abort: what is where? */
			r = all_bytes(va + 10 * EXO_FRAME_SIZE, 0,
			    EXO_FRAME_SIZE) &&
			    all_bytes(va + 9 * EXO_FRAME_SIZE, 0xaa,
			    EXO_FRAME_SIZE) &&
			    all_bytes(va + 11 * EXO_FRAME_SIZE, 0xaa,
			    53 * EXO_FRAME_SIZE) &&
			    exo_tlb_probe(e, base) == 0 &&
			    exo_cap_check(e, exo_extent_cap(x, 10), 0) ==
			    -EXO_ESTALE &&
			    exo_cap_check(e, exo_extent_cap(x, 11), 0) == 0;
			break;
		case 's':	/* the stale page, after the new owner wrote */
			r = all_bytes(va + 10 * EXO_FRAME_SIZE, 0,
			    EXO_FRAME_SIZE);
			memset(va + 10 * EXO_FRAME_SIZE, 0xcc,
			    EXO_FRAME_SIZE);
			break;
		default:
			_exit(0);
		}
		xwrite(out, &r, 1);
	}
	_exit(0);
}

/* Part 4: a libOS that binds 1 GiB, touches its ends, says so, waits. */
static pid_t
gib_holder(int out)
{
	struct exo_extent	*x;
	struct exo		*e;
	unsigned char		*va, r = 1;
	pid_t			 pid;

	if ((pid = fork()) != 0)
		return (pid);
	exo_disconnect(s);
	if (exo_connect(d.sock, "holder", &e) != 0 ||
	    exo_extent_alloc(e, GIB_FRAMES, &x) != 0)
		r = 0;
	else {
		va = exo_extent_va(x);
		va[0] = 1;
		va[(size_t)GIB_FRAMES * EXO_FRAME_SIZE - 1] = 2;
	}
	xwrite(out, &r, 1);
	for (;;)
		pause();
}

static int
raw_extent(struct exo *e, const struct exo_extent_req *req)
{
	static struct {
		struct exo_extent_reply	r;
		struct exo_cap		caps[EXO_EXTENT_PAGE];
	}	rep;
	size_t	rlen;

	return (exo_request(e, EXO_MSG_EXTENT, req, sizeof *req, &rep,
	    sizeof rep, &rlen, NULL, 0, NULL));
}

int
main(void)
{
	static struct {
		struct exo_extent_reply	r;
		struct exo_cap		caps[EXO_EXTENT_PAGE];
	}			 rep;
	struct exo		*other;
	struct exo_extent	*many[EXO_EXTENTS_MAX + 1];
	struct exo_cap		 g;
	size_t			 rlen;
	unsigned		 nfds = 0;
	int			 xfd;
	struct exo_extent_req	 req;
	struct exo_extent	*x, *y;
	struct exo_frame	 f;
	struct exo		*ctl;
	struct exo_revoke_reply	 rr;
	unsigned char		*va, *base, *seen, c, r;
	const struct exo_cap	*cp;
	uint64_t		*w, id = 0;
	uint32_t		 i, old_id, nfr;
	long			 free0;
	int			 fds0, maps0, myfds0, mymaps0, ok1, in[2], out[2];
	int			 rc, k;
	pid_t			 pid, holders[4];

	plan(50);
	th_exod_start(&d, "-m", "4200M", "-R", "300", (char *)NULL);
	s = th_connect(&d, "tester");
	if (exo_connect_control(d.sock, &ctl) != 0)
		bail("control connection");
	free0 = th_frames_free(&d);
	fds0 = th_fds_settled(&d, 5000);
	maps0 = count_maps(d.pid);
	nfr = exo_frames_total(s);

	/* 1. 1 GiB in one extent, touched. */
	myfds0 = th_count_fds(getpid());
	mymaps0 = count_maps(getpid());
	is_int(0, exo_extent_alloc(s, GIB_FRAMES, &x), "a libOS binds 1 GiB "
	    "(%u frames) as one extent", GIB_FRAMES);
	ok(th_count_fds(getpid()) == myfds0 + 1, "it holds one descriptor "
	    "more, not %u", GIB_FRAMES);
	ok(count_maps(getpid()) <= mymaps0 + 64, "and a few mappings more "
	    "(%d), not %u", count_maps(getpid()) - mymaps0, GIB_FRAMES);
	ok(th_count_fds(d.pid) == fds0 + 1, "exod holds one descriptor more");
	is_int(free0 - GIB_FRAMES, th_frames_free(&d), "exod counts every "
	    "frame bound");
	va = exo_extent_va(x);
	for (i = 0; i < GIB_FRAMES; i++) {
		w = (uint64_t *)(va + (size_t)i * EXO_FRAME_SIZE);
		w[0] = exo_extent_cap(x, i)->id;
		w[511] = ~(uint64_t)i;
	}
	for (i = 0, ok1 = 1; i < GIB_FRAMES && ok1; i++) {
		w = (uint64_t *)(va + (size_t)i * EXO_FRAME_SIZE);
		ok1 = w[0] == exo_extent_cap(x, i)->id && w[511] ==
		    ~(uint64_t)i;
	}
	ok(ok1, "every page of the 1 GiB written and read back");
	if ((seen = calloc(nfr, 1)) == NULL)
		sysbail("calloc");
	for (i = 0, ok1 = 1; i < GIB_FRAMES && ok1; i++) {
		cp = exo_extent_cap(x, i);
		ok1 = cp->type == EXO_RES_FRAME && cp->id < nfr &&
		    !seen[cp->id] && cp->owner == exo_libos_id(s);
		if (ok1)
			seen[cp->id] = 1;
	}
	free(seen);
	ok(ok1, "each frame its own capability, of a frame of its own");
	ok(exo_cap_check(s, exo_extent_cap(x, 0), EXO_RIGHTS_ALL) == 0 &&
	    exo_cap_check(s, exo_extent_cap(x, GIB_FRAMES - 1),
	    EXO_RIGHTS_ALL) == 0, "exod honours the first and the last");

	/* 2. A frame of an extent is a frame: the TLB, FRAME_FREE. */
	if (exo_as_create(s, 64 * EXO_FRAME_SIZE, (void **)&base) != 0)
		bail("exo_as_create");
	is_int(0, exo_tlb_install(s, base + 3 * EXO_FRAME_SIZE,
	    exo_extent_cap(x, 5), EXO_RIGHTS_ALL), "the TLB installs a frame "
	    "inside the extent");
	w = (uint64_t *)(base + 3 * EXO_FRAME_SIZE);
	ok(w[0] == exo_extent_cap(x, 5)->id && w[511] == ~(uint64_t)5,
	    "the region reaches the frame's bytes");
	w[1] = 0x1234;
	ok(((uint64_t *)(va + 5 * EXO_FRAME_SIZE))[1] == 0x1234, "and writes "
	    "through it reach the extent's mapping");
	memset(&f, 0, sizeof f);
	f.cap = *exo_extent_cap(x, 7);
	f.fd = -1;
	is_int(0, exo_frame_free(s, &f), "one frame of the extent is freed "
	    "alone");
	ok(all_bytes(va + 7 * EXO_FRAME_SIZE, 0, EXO_FRAME_SIZE) &&
	    ((uint64_t *)(va + 8 * EXO_FRAME_SIZE))[511] == ~(uint64_t)8,
	    "its page reads zero; its neighbours keep theirs");
	is_int(-EXO_ESTALE, exo_cap_check(s, exo_extent_cap(x, 7), 0), "its "
	    "capability is stale");
	memset(&f, 0, sizeof f);
	is_int(-EXO_EINVAL, exo_frame_open(s, exo_extent_cap(x, 9), &f),
	    "FRAME_OPEN of a frame in an extent: EXO_EINVAL");
	other = th_connect(&d, "other");
	rc = exo_cap_grant(s, exo_extent_cap(x, 9), exo_libos_id(other),
	    EXO_RIGHT_READ, 0, &g);
	is_int(0, rc, "a frame in an extent is granted to another libOS");
	memset(&f, 0, sizeof f);
	f.cap = *exo_extent_cap(x, 9);
	f.fd = -1;
	rc = exo_grant_revoke(s, &g, &f);
	w = rc == 0 ? exo_frame_map(&f, PROT_READ) : NULL;
	ok(rc == 0 && w != NULL && w[511] == ~(uint64_t)9 &&
	    all_bytes(va + 9 * EXO_FRAME_SIZE, 0, EXO_FRAME_SIZE), "its grant "
	    "revoked, it moves out of the extent with its contents; its page "
	    "there reads zero");
	if (rc == 0)
		exo_frame_free(s, &f);
	exo_disconnect(other);
	is_int(0, exo_extent_free(x), "the extent is freed");
	is_int(free0, th_frames_free(&d), "every frame is back");
	rc = th_wait_fds(&d, fds0, 5000);
	ok(rc == fds0 && count_maps(d.pid) <= maps0 + MAPS_SLACK, "exod's "
	    "descriptors and mappings are back where they were (%d fds, %d "
	    "maps, were %d, %d)", rc, count_maps(d.pid), fds0, maps0);
	exo_as_destroy(s);

	/* 3. Revoked and aborted inside an extent. */
	if (pipe(in) == -1 || pipe(out) == -1)
		sysbail("pipe");
	if ((pid = fork()) == 0) {
		close(in[1]);
		close(out[0]);
		old_owner(in[0], out[1]);
	}
	close(in[0]);
	close(out[1]);
	if (!xread(out[0], &old_id, sizeof old_id) ||
	    !xread(out[0], &id, sizeof id))
		bail("the old owner did not start");
	rc = exo_revoke(ctl, old_id, EXO_REVOKE_FRAME, id, &rr);
	ok(rc == 0 && rr.aborted == 1, "frame %llu of its extent, revoked "
	    "and ignored, is aborted", (unsigned long long)id);
	c = 'z';
	ok(write(in[1], &c, 1) == 1 && xread(out[0], &r, 1) && r == 1,
	    "the old owner: its page reads zero, is out of its TLB, its "
	    "capability is stale; the rest of the extent is untouched");
	is_int(0, exo_frame_alloc(s, &f), "the next owner binds a frame");
	is_int((long)id, (long)f.cap.id, "the same frame number");
	va = exo_frame_map(&f, PROT_READ | PROT_WRITE);
	ok(va != NULL && all_bytes(va, 0, EXO_FRAME_SIZE), "it starts from "
	    "zeros");
	if (va != NULL)
		memset(va, 0xbb, EXO_FRAME_SIZE);
	c = 's';
	ok(write(in[1], &c, 1) == 1 && xread(out[0], &r, 1) && r == 1,
	    "the old owner's stale page sees none of the new owner's writes");
	ok(va != NULL && all_bytes(va, 0xbb, EXO_FRAME_SIZE), "and the old "
	    "owner's writes to it reach the new owner not at all");
	exo_frame_free(s, &f);
	close(in[1]);
	close(out[0]);
	waitpid(pid, NULL, 0);
	is_int(free0, th_wait_frames_free(&d, free0, TIMEOUT), "with the old "
	    "owner gone, every frame is back");

	/* 4. 4 GiB at once, then SIGKILL. */
	if (pipe(out) == -1)
		sysbail("pipe");
	for (k = 0; k < 4; k++)
		holders[k] = gib_holder(out[1]);
	for (k = 0, rc = 0; k < 4; k++)
		rc += xread(out[0], &r, 1) && r == 1;
	is_int(4, rc, "four libOSes bind 1 GiB each: exod binds 4 GiB");
	is_int(free0 - 4 * (long)GIB_FRAMES, th_frames_free(&d), "all of it "
	    "counted");
	/* Its pool of fresh memfds refills meanwhile: a bound, not a sum. */
	rc = th_count_fds(d.pid) - fds0;
	ok(rc <= 4 * 8, "exod holds a few descriptors per libOS of 1 GiB "
	    "(%d in all), not one per frame", rc);
	for (k = 0; k < 4; k++)
		kill(holders[k], SIGKILL);
	for (k = 0; k < 4; k++)
		waitpid(holders[k], NULL, 0);
	close(out[0]);
	close(out[1]);
	is_int(free0, th_wait_frames_free(&d, free0, TIMEOUT), "killed, they "
	    "give every frame back");
	rc = th_wait_fds(&d, fds0, TIMEOUT);
	ok(rc == fds0 && count_maps(d.pid) <= maps0 + MAPS_SLACK, "exod's "
	    "descriptors and mappings are back where they were (%d fds, %d "
	    "maps, were %d, %d)", rc, count_maps(d.pid), fds0, maps0);

	/* 5. The errors, and hostile requests. */
	is_int(-EXO_EINVAL, exo_extent_alloc(s, EXO_EXTENT_MAX + 1, &y),
	    "more than EXO_EXTENT_MAX frames: EXO_EINVAL");
	is_int(-EXO_EINVAL, exo_extent_alloc(s, 0, &y), "no frames: "
	    "EXO_EINVAL");
	for (k = 0; k < 8 && (rc = exo_extent_alloc(s, GIB_FRAMES,
	    &many[k])) == 0; k++)
		;
	ok(rc == -EXO_ENOMEM && k == (int)(free0 / GIB_FRAMES), "1 GiB "
	    "extents until memory runs out: %d, then EXO_ENOMEM (%d)", k, rc);
	while (k-- > 0)
		exo_extent_free(many[k]);
	for (k = 0; k < EXO_EXTENTS_MAX + 1 && (rc = exo_extent_alloc(s, 1,
	    &many[k])) == 0; k++)
		;
	ok(rc == -EXO_ETOOMANY && k == EXO_EXTENTS_MAX, "%d extents, then "
	    "EXO_ETOOMANY (%d)", k, rc);
	while (k-- > 0)
		exo_extent_free(many[k]);
	is_int(-EXO_EPERM, exo_extent_alloc(ctl, 1, &y), "from a control "
	    "peer: EXO_EPERM");
	memset(&req, 0, sizeof req);
	req.op = EXO_EXTENT_ALLOC;
	req.count = 8;
	rc = exo_request(s, EXO_MSG_EXTENT, &req, sizeof req, &rep,
	    sizeof rep, &rlen, &xfd, 1, &nfds);
	ok(rc == 0 && nfds == 1 && rep.r.ncaps == 8 && rlen == sizeof rep.r +
	    8 * sizeof rep.caps[0], "a raw ALLOC: the head, 8 capabilities and "
	    "a descriptor");
	if (nfds == 1)
		close(xfd);
	other = th_connect(&d, "other");
	req.op = EXO_EXTENT_CAPS;
	req.count = 0;
	req.extent = rep.r.extent;
	is_int(-EXO_ENOTOWNER, raw_extent(other, &req), "another libOS "
	    "naming it: EXO_ENOTOWNER");
	req.start = 8;
	is_int(-EXO_EINVAL, raw_extent(s, &req), "CAPS past its end: "
	    "EXO_EINVAL");
	req.start = 0;
	req.reserved = 1;
	is_int(-EXO_EINVAL, raw_extent(s, &req), "reserved not 0: "
	    "EXO_EINVAL");
	req.reserved = 0;
	req.op = 9;
	is_int(-EXO_EINVAL, raw_extent(s, &req), "an unknown op: EXO_EINVAL");
	memset(&f, 0, sizeof f);
	f.cap = rep.caps[3];
	f.cap.mac[0] ^= 1;
	f.fd = -1;
	is_int(-EXO_EBADCAP, exo_frame_free(s, &f), "a forged capability of "
	    "a frame in it: EXO_EBADCAP");
	f.cap = rep.caps[3];
	is_int(-EXO_ENOTOWNER, exo_frame_free(other, &f), "its capability "
	    "presented by another libOS: EXO_ENOTOWNER");
	req.op = EXO_EXTENT_FREE;
	is_int(0, raw_extent(s, &req), "FREE");
	is_int(-EXO_ESTALE, raw_extent(s, &req), "FREE again: EXO_ESTALE");
	req.extent = 4096;
	is_int(-EXO_EINVAL, raw_extent(s, &req), "a handle past exod's "
	    "table: EXO_EINVAL");
	is_int(free0, th_frames_free(&d), "every frame is back");
	exo_disconnect(other);
	exo_disconnect(ctl);
	exo_disconnect(s);
	is_int(0, th_exod_stop(&d), "exod stops cleanly");
	return (0);
}
