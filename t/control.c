/*
 * control.t - the one rule for a control connection (exoctl's kind,
 * which holds nothing) calling what only a libOS may call: EXO_EPERM,
 * from every libexo function, before any other check of its arguments
 * (so a NULL, a zero count or a wild address makes no difference), and
 * from exod for every request exo-protocol(7) marks "libOS" (the table is
 * read from the page itself, so a request added to it is covered).  A
 * libOS making the request only a control peer may make gets EXO_EPERM
 * too, and neither connection is dropped for trying.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exo.h"
#include "harness.h"
#include "tap.h"

static struct th_exod	 d;
static struct exo	*c;	/* the control connection */

static int
nop_exc(struct exo *e, const struct exo_trap *t, void *arg)
{
	return (0);
}

static int
nop_intr(struct exo *e, const struct exo_intr *in, void *arg)
{
	return (0);
}

static int
nop_entry(struct exo *e, uint32_t from, const void *req, size_t len,
    void *rep, size_t *replen, void *arg)
{
	return (0);
}

#define PERM(call, what) \
	is_int(-EXO_EPERM, (call), "control: %s: EXO_EPERM", (what))

/* Every libOS-only function of libexo, with sound arguments and bad. */
static void
test_library(void)
{
	struct exo_cap		 cap, caps[2];
	struct exo_frame	 f[2];
	struct exo_tile		 t[2];
	struct exo_stlb_req	 sr;
	unsigned		 pos[1] = { 0 }, got;
	uint32_t		 more;
	void			*base;
	char			 buf[16];
	size_t			 len;

	memset(&cap, 0, sizeof cap);
	memset(caps, 0, sizeof caps);
	memset(f, 0, sizeof f);
	memset(t, 0, sizeof t);
	memset(&sr, 0, sizeof sr);
	f[0].fd = f[1].fd = t[0].fd = t[1].fd = -1;

	PERM(exo_frame_alloc(c, &f[0]), "exo_frame_alloc");
	PERM(exo_frame_alloc_batch(c, f, 2), "exo_frame_alloc_batch");
	PERM(exo_frame_alloc_batch(c, NULL, 0), "exo_frame_alloc_batch "
	    "(NULL, 0)");
	PERM(exo_frame_free(c, &f[0]), "exo_frame_free");
	PERM(exo_frame_free_batch(c, NULL, 0), "exo_frame_free_batch (NULL, 0)");
	PERM(exo_slot_claim(c, 1, caps, &got), "exo_slot_claim");
	PERM(exo_slot_claim(c, 0, NULL, NULL), "exo_slot_claim (0)");
	PERM(exo_slot_claim_at(c, pos, 1, caps), "exo_slot_claim_at");
	PERM(exo_slot_release(c, NULL, 0), "exo_slot_release (NULL, 0)");
	PERM(exo_yield(c), "exo_yield");
	PERM(exo_wait(c), "exo_wait");
	PERM(exo_poll(c), "exo_poll");
	PERM(exo_ack(c, 1), "exo_ack");
	PERM(exo_pe_exception(c, nop_exc, NULL), "exo_pe_exception");
	PERM(exo_pe_interrupt(c, nop_intr, NULL), "exo_pe_interrupt");
	PERM(exo_pe_protected(c, nop_entry, NULL), "exo_pe_protected");
	PERM(exo_pe_addressing(c, nop_exc, NULL), "exo_pe_addressing");
	PERM(exo_event_send(c, 1, 7), "exo_event_send");
	PERM(exo_call(c, 1, "x", 1, buf, sizeof buf, &len), "exo_call");
	PERM(exo_call(c, 0, NULL, (size_t)-1, NULL, 0, NULL),
	    "exo_call (wild lengths)");
	PERM(exo_block_alloc(c, caps, 1), "exo_block_alloc");
	PERM(exo_block_free(c, NULL, 0), "exo_block_free (NULL, 0)");
	PERM(exo_block_list(c, 0, caps, 2, &got, &more), "exo_block_list");
	PERM(exo_disk_read(c, 1, &cap, &cap, 1), "exo_disk_read");
	PERM(exo_disk_write(c, 1, NULL, NULL, 0), "exo_disk_write (NULL, 0)");
	PERM(exo_disk_flush(c), "exo_disk_flush");
	PERM(exo_autosave(c, &cap, &cap), "exo_autosave");
	PERM(exo_autosave_clear(c, NULL), "exo_autosave_clear (NULL)");
	PERM(exo_frame_protect(c, caps, 1, 1), "exo_frame_protect");
	PERM(exo_as_create(c, 1 << 20, &base), "exo_as_create");
	PERM(exo_as_create(c, 0, NULL), "exo_as_create (0, NULL)");
	PERM(exo_as_destroy(c), "exo_as_destroy");
	PERM(exo_tlb_install(c, (void *)0x1000, &cap, EXO_RIGHT_READ),
	    "exo_tlb_install");
	PERM(exo_tlb_probe(c, NULL), "exo_tlb_probe (NULL)");
	PERM(exo_tlb_wire(c, (void *)0x1000), "exo_tlb_wire");
	PERM(exo_tlb_unwire(c, (void *)0x1000), "exo_tlb_unwire");
	PERM(exo_tlb_protect(c, (void *)0x1000, 1, EXO_RIGHT_READ),
	    "exo_tlb_protect");
	PERM(exo_tlb_unprotect(c, (void *)0x1000, 1, EXO_RIGHT_READ),
	    "exo_tlb_unprotect");
	PERM(exo_tlb_dirty(c, (void *)0x1000), "exo_tlb_dirty");
	PERM(exo_tlb_flush(c), "exo_tlb_flush");
	PERM(exo_stlb_set(c, &sr, 1), "exo_stlb_set");
	PERM(exo_stlb_set(c, NULL, 0), "exo_stlb_set (NULL, 0)");
	PERM(exo_tile_alloc(c, 1, t), "exo_tile_alloc");
	PERM(exo_tile_alloc_rect(c, 0, 0, 1, 1, t), "exo_tile_alloc_rect");
	PERM(exo_tile_free(c, NULL, 0), "exo_tile_free (NULL, 0)");
	is_int(0, exo_null(c), "the control connection still answers");
}

/*
 * The requests of exo-protocol(7)'s table: each marked "libOS" is EPERM
 * from the control peer, the one marked "control" is EPERM from a libOS,
 * each marked "any" is not EPERM from either (whatever else its empty
 * payload earns).
 */
static void
test_protocol(struct exo *l)
{
	char		 path[PATH_MAX], line[512], name[64], from[16];
	const char	*src = getenv("EXO_SRCDIR");
	FILE		*f;
	unsigned	 type, nlibos = 0, ncontrol = 0, nany = 0;
	int		 st, good = 1;

	snprintf(path, sizeof path, "%s/man/exo-protocol.7",
	    src != NULL && *src != '\0' ? src : th_path(".."));
	if ((f = fopen(path, "r")) == NULL) {
		skip("%s: not readable", path);
		skip("%s: not readable", path);
		skip("%s: not readable", path);
		return;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, ".It %u Ta Dv %63s Ta", &type, name) != 2 ||
		    sscanf(strrchr(line, 'T'), "Ta %15s", from) != 1 ||
		    type == EXO_MSG_HELLO)
			continue;
		if (strcmp(from, "libOS") == 0) {
			nlibos++;
			st = exo_request(c, (uint16_t)type, NULL, 0, NULL, 0,
			    NULL, NULL, 0, NULL);
			if (st != -EXO_EPERM) {
				diag("%s from the control peer: %d", name, st);
				good = 0;
			}
		} else if (strcmp(from, "control") == 0) {
			ncontrol++;
			st = exo_request(l, (uint16_t)type, NULL, 0, NULL, 0,
			    NULL, NULL, 0, NULL);
			if (st != -EXO_EPERM) {
				diag("%s from a libOS: %d", name, st);
				good = 0;
			}
		} else if (strcmp(from, "any") == 0) {
			nany++;
			st = exo_request(c, (uint16_t)type, NULL, 0, NULL, 0,
			    NULL, NULL, 0, NULL);
			if (st == -EXO_EPERM) {
				diag("%s from the control peer: EPERM", name);
				good = 0;
			}
		}
	}
	fclose(f);
	ok(nlibos >= 15 && ncontrol >= 1 && nany >= 4, "exo-protocol(7) "
	    "lists %u libOS, %u control and %u any requests", nlibos, ncontrol,
	    nany);
	ok(good, "each is refused with EXO_EPERM where the table says, and "
	    "only there");
	ok(exo_null(c) == 0 && exo_null(l) == 0, "both connections still "
	    "answer");
}

int
main(void)
{
	struct exo	*l;
	int		 error;

	plan_lazy();
	th_exod_start(&d, "-m", "256K", (char *)NULL);
	if ((error = exo_connect_control(d.sock, &c)) != 0)
		bail("exo_connect_control: %s", exo_strerror(error));
	l = th_connect(&d, "control-t");
	test_library();
	test_protocol(l);
	exo_disconnect(l);
	exo_disconnect(c);
	return (tap_failures() ? 1 : 0);
}
