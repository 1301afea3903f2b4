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

/* A name as a JSON string: names are printable ASCII, escape " and \. */
static void
view_json_string(FILE *f, const char *s)
{
	putc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			putc('\\', f);
		putc(*s, f);
	}
	putc('"', f);
}

static void
view_json_libos(FILE *f, const struct exo_status_peer *p)
{
	fprintf(f, "{\"id\":%u,\"pid\":%d,\"uid\":%u,\"frames\":%u,"
	    "\"slots\":%u,\"blocks\":%u,\"tiles\":%u,\"revocations\":%llu,"
	    "\"aborts\":%llu,\"name\":", p->libos, p->pid, p->uid, p->frames,
	    p->slots, p->blocks, p->tiles, (unsigned long long)p->revocations,
	    (unsigned long long)p->aborts);
	view_json_string(f, p->name);
	fprintf(f, ",\"state\":\"%s\",\"quanta\":%llu,\"cpu_ns\":%llu,"
	    "\"overruns\":%llu,\"penalty_ns\":%llu,\"events\":%llu,"
	    "\"events_queued\":%u,\"events_dropped\":%llu,\"entries\":%u",
	    view_state(p->state), (unsigned long long)p->quanta,
	    (unsigned long long)p->cpu_ns, (unsigned long long)p->overruns,
	    (unsigned long long)p->penalty_ns, (unsigned long long)p->events,
	    p->events_queued, (unsigned long long)p->events_dropped,
	    p->entries);
	fprintf(f, ",\"tlb\":{\"traps\":%llu,\"misses\":%llu,"
	    "\"installs\":%llu,\"evictions\":%llu,\"stlb_saves\":%llu,"
	    "\"stlb_preloads\":%llu,\"stlb_hits\":%llu}}",
	    (unsigned long long)p->traps, (unsigned long long)p->tlb_misses,
	    (unsigned long long)p->tlb_installs,
	    (unsigned long long)p->tlb_evictions,
	    (unsigned long long)p->stlb_saves,
	    (unsigned long long)p->stlb_preloads,
	    (unsigned long long)p->stlb_hits);
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
view_json_history(FILE *f, const struct exo_history *h)
{
	const struct exo_history_entry	*r;
	uint32_t			 i;

	fprintf(f, "\"history\":[");
	for (i = 0; i < h->hdr.count; i++) {
		r = &h->ent[i];
		fprintf(f, "%s{\"seq\":%llu,\"time_ns\":%llu,\"kind\":\"%s\","
		    "\"from\":%u,\"to\":%u,\"res\":\"%s\",\"count\":%u,"
		    "\"status\":%d}", i ? "," : "", (unsigned long long)r->seq,
		    (unsigned long long)r->time_ns, view_hist_kind(r->kind),
		    r->from, r->to, view_res_name(r->res), r->count, r->status);
	}
	fprintf(f, "]");
}

/*
 * The view as one JSON object.  Its "status" member is what `exoctl
 * status --json` prints, so scripts can read either.
 */
void
view_json(FILE *f, const struct view *v)
{
	const struct exo_slots_reply	*s = &v->slots.vec;
	const struct exo_display_info	*d = &v->display;
	uint32_t			 i;

	fprintf(f, "{\"status\":{\"frames_total\":%u,\"frames_free\":%u,"
	    "\"frame_size\":%d,\"libos\":[", v->st.totals.frames_total,
	    v->st.totals.frames_free, EXO_FRAME_SIZE);
	for (i = 0; i < v->st.totals.npeers; i++) {
		if (i > 0)
			putc(',', f);
		view_json_libos(f, &v->st.peers[i]);
	}
	fprintf(f, "]},\"slots\":{\"nslots\":%u,\"quantum_us\":%u,"
	    "\"bound_us\":%u,\"roundrobin\":%s,\"tick\":%llu,\"epoch\":%llu,"
	    "\"current\":%u,\"running\":%u,\"owner\":[", s->nslots,
	    s->quantum_us, s->bound_us, (s->flags & EXO_SLOTS_ROUNDROBIN) ?
	    "true" : "false", (unsigned long long)s->tick,
	    (unsigned long long)s->epoch, s->current, s->running);
	for (i = 0; i < s->nslots; i++)
		fprintf(f, "%s%u", i ? "," : "", v->slots.owner[i]);
	fprintf(f, "]},\"display\":");
	if (v->have_display)
		fprintf(f, "{\"width\":%u,\"height\":%u,\"tile\":%u,"
		    "\"cols\":%u,\"rows\":%u,\"tiles_free\":%u}", d->width,
		    d->height, d->side, d->cols, d->rows, d->tiles_free);
	else
		fprintf(f, "null");
	putc(',', f);
	view_json_history(f, &v->hist);
	fprintf(f, "}\n");
}
