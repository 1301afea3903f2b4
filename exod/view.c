/*
 * view.c - the live view of exod that exoctl web and exoctl top show:
 * the libOSes and their counters, the slot vector and who runs now, the
 * display, the recent revocations and protected calls.  Everything is
 * fetched with STATUS-class requests, which any control client may make:
 * a view only reads.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exoctl.h"
#include "json.h"

const char *
view_state(uint32_t state)
{
	if (state & EXO_PEER_RUNNING)
		return ("running");
	if (state & EXO_PEER_INCALL)
		return ("calling");
	if (state & EXO_PEER_WAITING)
		return ("waiting");
	return ("ready");
}

/* Fetch a view; 0, or -EXO_E* (nothing to free then). */
int
view_fetch(struct exo *e, struct view *v)
{
	int	error;

	memset(v, 0, sizeof *v);
	if ((error = exo_status(e, &v->st)) != 0)
		return (error);
	if ((error = exo_slots(e, &v->slots)) != 0)
		goto bad;
	error = exo_display_info(e, &v->display);
	if (error != 0 && error != -EXO_ENODISPLAY)
		goto bad;
	v->have_display = error == 0;
	if ((error = exo_history(e, 0, &v->hist)) != 0)
		goto bad;
	return (0);
bad:
	view_free(v);
	return (error);
}

void
view_free(struct view *v)
{
	exo_status_free(&v->st);
	exo_slots_free(&v->slots);
}

/* A libOS's name as JSON: bounded by its field, whatever exod sent. */
void
view_json_name(struct json *j, const struct exo_status_peer *p)
{
	char	name[sizeof p->name + 1];

	memcpy(name, p->name, sizeof p->name);
	name[sizeof p->name] = '\0';
	json_kstring(j, "name", name);
}

/* The per-libOS CPU figures, as JSON members. */
void
view_json_cpu(struct json *j, const struct exo_status_peer *p)
{
	json_kstring(j, "state", view_state(p->state));
	json_kuint(j, "quanta", p->quanta);
	json_kuint(j, "cpu_ns", p->cpu_ns);
	json_kuint(j, "overruns", p->overruns);
	json_kuint(j, "penalty_ns", p->penalty_ns);
	json_kuint(j, "events", p->events);
	json_kuint(j, "events_queued", p->events_queued);
	json_kuint(j, "events_dropped", p->events_dropped);
	json_kuint(j, "entries", p->entries);
}

/* The per-libOS memory counters libexo keeps, as JSON members. */
void
view_json_tlb(struct json *j, const struct exo_status_peer *p)
{
	json_kuint(j, "traps", p->traps);
	json_kuint(j, "misses", p->tlb_misses);
	json_kuint(j, "installs", p->tlb_installs);
	json_kuint(j, "evictions", p->tlb_evictions);
	json_kuint(j, "stlb_saves", p->stlb_saves);
	json_kuint(j, "stlb_preloads", p->stlb_preloads);
	json_kuint(j, "stlb_hits", p->stlb_hits);
}

/* What exoctl status --json prints: one object, and the one writer. */
void
view_json_status(struct json *j, const struct exo_status *st)
{
	const struct exo_status_peer	*p;
	uint32_t			 i;

	json_object_open(j);
	json_kuint(j, "frames_total", st->totals.frames_total);
	json_kuint(j, "frames_free", st->totals.frames_free);
	json_kuint(j, "frame_size", EXO_FRAME_SIZE);
	json_key(j, "libos");
	json_array_open(j);
	for (i = 0; i < st->totals.npeers; i++) {
		p = &st->peers[i];
		json_object_open(j);
		json_kuint(j, "id", p->libos);
		json_kint(j, "pid", p->pid);
		json_kuint(j, "uid", p->uid);
		json_kuint(j, "frames", p->frames);
		json_kuint(j, "slots", p->slots);
		json_kuint(j, "blocks", p->blocks);
		json_kuint(j, "tiles", p->tiles);
		json_kuint(j, "revocations", p->revocations);
		json_kuint(j, "aborts", p->aborts);
		json_kuint(j, "grants_out", p->grants_out);
		json_kuint(j, "grants_in", p->grants_in);
		view_json_name(j, p);
		view_json_cpu(j, p);
		json_key(j, "tlb");
		json_object_open(j);
		view_json_tlb(j, p);
		json_object_close(j);
		json_object_close(j);
	}
	json_array_close(j);
	json_object_close(j);
}

static const char *
view_hist_kind(uint32_t kind)
{
	switch (kind) {
	case EXO_HIST_REVOKE:
		return ("revoke");
	case EXO_HIST_ABORT:
		return ("abort");
	case EXO_HIST_CALL:
		return ("call");
	case EXO_HIST_RETURN:
		return ("return");
	}
	return ("unknown");
}

const char *
view_res_name(uint32_t res)
{
	switch (res) {
	case EXO_RES_FRAME:
		return ("frame");
	case EXO_RES_SLOT:
		return ("slot");
	case EXO_RES_BLOCK:
		return ("block");
	case EXO_RES_TILE:
		return ("tile");
	}
	return ("");
}

static void
view_json_history(struct json *j, const struct exo_history *h)
{
	const struct exo_history_entry	*r;
	uint32_t			 i;

	json_key(j, "history");
	json_array_open(j);
	for (i = 0; i < h->hdr.count; i++) {
		r = &h->ent[i];
		json_object_open(j);
		json_kuint(j, "seq", r->seq);
		json_kuint(j, "time_ns", r->time_ns);
		json_kstring(j, "kind", view_hist_kind(r->kind));
		json_kuint(j, "from", r->from);
		json_kuint(j, "to", r->to);
		json_kstring(j, "res", view_res_name(r->res));
		json_kuint(j, "count", r->count);
		json_kint(j, "status", r->status);
		json_object_close(j);
	}
	json_array_close(j);
}

/*
 * The view as one JSON object.  Its "status" member is what `exoctl
 * status --json` prints, written by the same function.  0, or -1 if the
 * text could not be written.
 */
int
view_json(FILE *f, const struct view *v)
{
	const struct exo_slots_reply	*s = &v->slots.vec;
	const struct exo_display_info	*d = &v->display;
	struct json			 j;
	uint32_t			 i;

	json_start(&j, f);
	json_object_open(&j);
	json_key(&j, "status");
	view_json_status(&j, &v->st);
	json_key(&j, "slots");
	json_object_open(&j);
	json_kuint(&j, "nslots", s->nslots);
	json_kuint(&j, "quantum_us", s->quantum_us);
	json_kuint(&j, "bound_us", s->bound_us);
	json_kbool(&j, "roundrobin", (s->flags & EXO_SLOTS_ROUNDROBIN) != 0);
	json_kuint(&j, "tick", s->tick);
	json_kuint(&j, "epoch", s->epoch);
	json_kuint(&j, "current", s->current);
	json_kuint(&j, "running", s->running);
	json_key(&j, "owner");
	json_array_open(&j);
	for (i = 0; i < s->nslots; i++)
		json_uint(&j, v->slots.owner[i]);
	json_array_close(&j);
	json_object_close(&j);
	json_key(&j, "display");
	if (v->have_display) {
		json_object_open(&j);
		json_kuint(&j, "width", d->width);
		json_kuint(&j, "height", d->height);
		json_kuint(&j, "tile", d->side);
		json_kuint(&j, "cols", d->cols);
		json_kuint(&j, "rows", d->rows);
		json_kuint(&j, "tiles_free", d->tiles_free);
		json_object_close(&j);
	} else
		json_null(&j);
	view_json_history(&j, &v->hist);
	json_object_close(&j);
	return (json_finish(&j) == 0 ? 0 : -1);
}
