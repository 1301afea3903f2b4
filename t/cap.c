/*
 * cap.t - capabilities cannot be forged, altered, borrowed or replayed.
 *
 * exod runs with -m 16K: 4 frames, so that a frame freed and bound again
 * is necessarily the same frame number (the replay test needs that).
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exo.h"
#include "harness.h"
#include "tap.h"

#define NFRAMES		4
#define CAPBITS		(8 * (int)sizeof(struct exo_cap))

static struct th_exod	exod;

/* FRAME_FREE of n caps through the raw interface (no libexo bookkeeping). */
static int
raw_free(struct exo *x, const struct exo_cap *caps, unsigned n)
{
	unsigned char		buf[sizeof(struct exo_frame_free) +
				    NFRAMES * 2 * sizeof(struct exo_cap)];
	struct exo_frame_free	hdr;
	size_t			rlen;
	unsigned		nfds;
	char			rep[16];

	if (n > NFRAMES * 2)
		bail("raw_free: too many caps");
	hdr.count = n;
	hdr.reserved = 0;
	memcpy(buf, &hdr, sizeof hdr);
	memcpy(buf + sizeof hdr, caps, n * sizeof *caps);
	return exo_request(x, EXO_MSG_FRAME_FREE, buf,
	    sizeof hdr + n * sizeof *caps, rep, sizeof rep, &rlen, NULL, 0,
	    &nfds);
}

/* CAP_CHECK with an arbitrary reserved field. */
static int
raw_check(struct exo *x, const struct exo_cap *cap, uint32_t rights,
    uint32_t reserved)
{
	struct exo_cap_check	req;
	size_t			rlen;
	unsigned		nfds;
	char			rep[16];

	req.cap = *cap;
	req.rights = rights;
	req.reserved = reserved;
	return exo_request(x, EXO_MSG_CAP_CHECK, &req, sizeof req, rep,
	    sizeof rep, &rlen, NULL, 0, &nfds);
}

static struct exo_cap
flip(const struct exo_cap *cap, int bit)
{
	struct exo_cap	c = *cap;
	unsigned char	*p = (unsigned char *)&c;

	p[bit / 8] ^= (unsigned char)(1u << (bit % 8));
	return c;
}

static void
test_flips(struct exo *a, struct exo_frame *f)
{
	struct exo_cap	c;
	int		bit, rc, rejected, badcap, sealed, sealed_badcap;
	int		freed_badcap, shown;

	rejected = badcap = sealed = sealed_badcap = shown = 0;
	for (bit = 0; bit < CAPBITS; bit++) {
		c = flip(&f->cap, bit);
		rc = exo_cap_check(a, &c, 0);
		if (rc != 0)
			rejected++;
		if (rc == -EXO_EBADCAP)
			badcap++;
		/* The sealed part and the mac: the whole capability. */
		if (bit < 8 * (EXO_CAP_SEALED + EXO_CAP_MACLEN)) {
			sealed++;
			if (rc == -EXO_EBADCAP)
				sealed_badcap++;
		}
		if (rc != -EXO_EBADCAP && shown++ < 8)
			diag("bit %d (byte %d) flipped: %d %s", bit, bit / 8, rc,
			    exo_strerror(rc));
	}
	is_int(320, CAPBITS, "a capability is 320 bits");
	is_int(CAPBITS, rejected, "all 320 single-bit flips rejected by CAP_CHECK");
	is_int(sealed, sealed_badcap,
	    "every flip in the sealed part or the mac gives EBADCAP");
	is_int(CAPBITS, badcap, "all 320 flips give EBADCAP");

	/* The same flips asking for READ|WRITE. */
	rejected = 0;
	for (bit = 0; bit < CAPBITS; bit++) {
		c = flip(&f->cap, bit);
		if (exo_cap_check(a, &c, EXO_RIGHTS_ALL) == -EXO_EBADCAP)
			rejected++;
	}
	is_int(CAPBITS, rejected, "all 320 flips give EBADCAP asking READ|WRITE");

	/* And presented to FRAME_FREE. */
	freed_badcap = 0;
	for (bit = 0; bit < CAPBITS; bit++) {
		c = flip(&f->cap, bit);
		if (raw_free(a, &c, 1) == -EXO_EBADCAP)
			freed_badcap++;
	}
	is_int(CAPBITS, freed_badcap, "all 320 flips refused by FRAME_FREE: EBADCAP");
	is_int(NFRAMES - 1, th_frames_free(&exod), "no flip freed the frame");
	is_int(0, exo_cap_check(a, &f->cap, 0), "the unflipped cap still checks");
	is_int(0, exo_cap_check(a, &f->cap, EXO_RIGHTS_ALL),
	    "the unflipped cap still checks READ|WRITE");

	/* A capability made up from nothing, naming a real frame. */
	memset(&c, 0, sizeof c);
	c.type = EXO_RES_FRAME;
	c.rights = EXO_RIGHTS_ALL;
	c.owner = exo_libos_id(a);
	c.id = f->cap.id;
	c.gen = f->cap.gen;
	is_int(-EXO_EBADCAP, exo_cap_check(a, &c, 0),
	    "a made-up cap with a zero mac: EBADCAP");
	memset(c.mac, 0xff, sizeof c.mac);
	is_int(-EXO_EBADCAP, exo_cap_check(a, &c, 0),
	    "a made-up cap with an all-ones mac: EBADCAP");
}

static void
test_rights(struct exo *a, struct exo_frame *f)
{
	is_int(-EXO_EINVAL, exo_cap_check(a, &f->cap, 0x04),
	    "asking rights 0x04 (beyond READ|WRITE): EINVAL");
	is_int(-EXO_EINVAL, exo_cap_check(a, &f->cap, 0x07),
	    "asking rights 0x07: EINVAL");
	is_int(-EXO_EINVAL, exo_cap_check(a, &f->cap, 0x80000000u),
	    "asking rights 0x80000000: EINVAL");
	is_int(-EXO_EINVAL, raw_check(a, &f->cap, 0, 1),
	    "CAP_CHECK with reserved != 0: EINVAL");
	is_int(0, raw_check(a, &f->cap, EXO_RIGHT_READ, 0),
	    "raw CAP_CHECK READ: 0");
	/* rights and reserved are checked before the capability itself. */
	{
		struct exo_cap c = flip(&f->cap, 200);

		is_int(-EXO_EINVAL, raw_check(a, &c, 0x04, 0),
		    "bad rights on a forged cap: EINVAL comes first");
	}
}

static void
test_borrow(struct exo *a, struct exo_frame *f)
{
	struct exo	*b;
	struct exo_cap	 c;

	b = th_connect(&exod, "cap-b");
	is_int(-EXO_ENOTOWNER, exo_cap_check(b, &f->cap, 0),
	    "a borrowed cap (another libOS): ENOTOWNER");
	is_int(-EXO_ENOTOWNER, exo_cap_check(b, &f->cap, EXO_RIGHTS_ALL),
	    "a borrowed cap asking READ|WRITE: ENOTOWNER");
	is_int(-EXO_ENOTOWNER, raw_free(b, &f->cap, 1),
	    "freeing a borrowed cap: ENOTOWNER");
	c = f->cap;
	c.owner = exo_libos_id(b);
	is_int(-EXO_EBADCAP, exo_cap_check(b, &c, 0),
	    "a borrowed cap with the owner rewritten: EBADCAP");
	is_int(-EXO_EBADCAP, raw_free(b, &c, 1),
	    "freeing it: EBADCAP");
	is_int(NFRAMES - 1, th_frames_free(&exod), "B freed nothing");
	is_int(0, exo_cap_check(a, &f->cap, 0), "A's cap still checks for A");
	exo_disconnect(b);
}

/* FRAME_FREE requests that must free nothing at all. */
static void
test_free_all_or_nothing(struct exo *a, struct exo_frame *f)
{
	struct exo_cap	caps[3];
	struct exo	*b;
	struct exo_frame bf;
	long		before;
	unsigned	i, bad;

	before = th_frames_free(&exod);
	is_int(NFRAMES - 3, before, "three frames bound for the free tests");

	caps[0] = f[0].cap;
	caps[1] = flip(&f[1].cap, 100);
	is_int(-EXO_EBADCAP, raw_free(a, caps, 2),
	    "FRAME_FREE of a good cap and a forged one: EBADCAP");
	is_int(before, th_frames_free(&exod), "... and nothing freed");

	caps[0] = f[0].cap;
	caps[1] = f[0].cap;
	is_int(-EXO_EINVAL, raw_free(a, caps, 2),
	    "FRAME_FREE listing the same cap twice: EINVAL");
	is_int(before, th_frames_free(&exod), "... and nothing freed");

	caps[0] = f[0].cap;
	caps[1] = f[1].cap;
	caps[2] = f[0].cap;
	is_int(-EXO_EINVAL, raw_free(a, caps, 3),
	    "FRAME_FREE with a duplicate further down: EINVAL");
	is_int(before, th_frames_free(&exod), "... and nothing freed");

	b = th_connect(&exod, "cap-b2");
	if (exo_frame_alloc(b, &bf) != 0)
		bail("B cannot bind a frame");
	caps[0] = f[0].cap;
	caps[1] = bf.cap;
	is_int(-EXO_ENOTOWNER, raw_free(a, caps, 2),
	    "FRAME_FREE of my cap and another libOS's: ENOTOWNER");
	is_int(before - 1, th_frames_free(&exod), "... and nothing freed");
	is_int(0, exo_cap_check(b, &bf.cap, 0), "B's frame still bound to B");
	exo_disconnect(b);
	if (th_wait_frames_free(&exod, before, 10000) != before)
		bail("B's frame was not reclaimed");

	bad = 0;
	for (i = 0; i < 3; i++)
		if (exo_cap_check(a, &f[i].cap, EXO_RIGHTS_ALL) != 0)
			bad++;
	is_int(0, bad, "all three frames still bound to A");
}

static void
test_stale(struct exo *a, struct exo_frame *f)
{
	struct exo_frame	g;
	struct exo_cap		old, caps[2];
	long			before;

	/* All frames bound to A; free one; binding again must reuse it. */
	old = f[0].cap;
	is_int(0, exo_frame_free(a, &f[0]), "free one frame");
	is_int(-EXO_ESTALE, exo_cap_check(a, &old, 0), "its cap is stale");
	is_int(-EXO_ESTALE, exo_cap_check(a, &old, EXO_RIGHTS_ALL),
	    "... also asking READ|WRITE");
	is_int(-EXO_ESTALE, raw_free(a, &old, 1), "freeing it again: ESTALE");
	is_int(1, th_frames_free(&exod), "one frame free");

	is_int(0, exo_frame_alloc(a, &g), "bind again");
	is_int(old.id, g.cap.id, "the same frame number came back");
	is_int(old.owner, g.cap.owner, "to the same libOS");
	ok(g.cap.gen != old.gen, "with a new generation (%llu -> %llu)",
	    (unsigned long long)old.gen, (unsigned long long)g.cap.gen);
	is_int(-EXO_ESTALE, exo_cap_check(a, &old, 0),
	    "replaying the old cap for the re-bound frame: ESTALE");
	is_int(0, exo_cap_check(a, &g.cap, 0), "the new cap checks");
	before = th_frames_free(&exod);
	is_int(0, before, "no frame free");
	is_int(-EXO_ESTALE, raw_free(a, &old, 1),
	    "FRAME_FREE with the replayed cap: ESTALE");
	caps[0] = f[1].cap;
	caps[1] = old;
	is_int(-EXO_ESTALE, raw_free(a, caps, 2),
	    "FRAME_FREE of a good cap and the replayed one: ESTALE");
	is_int(before, th_frames_free(&exod), "... and nothing freed");
	is_int(0, exo_cap_check(a, &g.cap, 0), "the re-bound frame still bound");
	f[0] = g;
}

int
main(void)
{
	struct exo_frame	 f[NFRAMES];
	struct exo		*a;
	char			 buf[256], want[128];
	int			 rc, i;

	plan(59);
	th_exod_start(&exod, "-m", "16K", (char *)NULL);
	a = th_connect(&exod, "cap-a");
	is_int(NFRAMES, exo_frames_total(a), "-m 16K gives 4 frames");
	is_int(0, exo_frame_alloc(a, &f[0]), "bind a frame");
	is_int(0, exo_cap_check(a, &f[0].cap, 0), "its cap checks");

	/* exo_cap_format, as exo_cap_check(3) documents it. */
	rc = exo_cap_format(&f[0].cap, buf, sizeof buf);
	snprintf(want, sizeof want, "frame:%llu owner %u gen %llu rw mac ",
	    (unsigned long long)f[0].cap.id, f[0].cap.owner,
	    (unsigned long long)f[0].cap.gen);
	ok(rc > 0 && (size_t)rc == strlen(buf) &&
	    strncmp(buf, want, strlen(want)) == 0,
	    "exo_cap_format: \"%s\"", buf);
	is_int(-EXO_EINVAL, exo_cap_format(NULL, buf, sizeof buf),
	    "exo_cap_format(NULL): EINVAL");

	test_flips(a, &f[0]);
	test_rights(a, &f[0]);
	test_borrow(a, &f[0]);

	for (i = 1; i < 3; i++)
		if (exo_frame_alloc(a, &f[i]) != 0)
			bail("cannot bind frame %d", i);
	test_free_all_or_nothing(a, f);
	if (exo_frame_alloc(a, &f[3]) != 0)
		bail("cannot bind the last frame");
	test_stale(a, f);

	rc = exo_frame_free_batch(a, f, NFRAMES);
	ok(rc >= 0, "free all four (rc %d)", rc);
	is_int(NFRAMES, th_frames_free(&exod), "all frames free");
	exo_disconnect(a);
	ok(th_exod_alive(&exod), "exod still running");
	return 0;
}
