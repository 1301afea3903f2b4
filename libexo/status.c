/*
 * status.c - STATUS, for administration clients such as exoctl.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "libexo-int.h"

/* One page of STATUS from libOS id start on: appended to st.  Records. */
static int
exo_status_page(struct exo *e, uint32_t start, struct exo_status *st,
    size_t *cap, uint32_t *last)
{
	unsigned char		 buf[EXO_MSG_MAX];
	struct exo_status_req	 req;
	struct exo_status_reply	 tot;
	struct exo_status_peer	*np;
	size_t			 len, rec, i, n;
	int			 error;

	memset(&req, 0, sizeof req);
	req.start = start;
	error = exo_request(e, EXO_MSG_STATUS, &req, sizeof req, buf,
	    sizeof buf, &len, NULL, 0, NULL);
	if (error != 0)
		return (error);
	if (len < sizeof tot)
		return (-EXO_EPROTO);
	memcpy(&tot, buf, sizeof tot);
	rec = tot.recsize;
	if (rec < sizeof *st->peers ||
	    tot.npeers > (len - sizeof tot) / rec ||
	    len != sizeof tot + tot.npeers * rec)
		return (-EXO_EPROTO);
	n = st->totals.npeers;
	if (n + tot.npeers + 1 > *cap) {
		*cap = (n + tot.npeers + 1) * 2;
		if ((np = realloc(st->peers, *cap * sizeof *np)) == NULL)
			return (-EXO_ESYS);
		st->peers = np;
	}
	/* Records may grow in later versions: take the fields we know. */
	for (i = 0; i < tot.npeers; i++) {
		memcpy(&st->peers[n + i], buf + sizeof tot + i * rec,
		    sizeof *st->peers);
		st->peers[n + i].name[EXO_NAME_MAX - 1] = '\0';
		if (st->peers[n + i].libos < start)
			return (-EXO_EPROTO);	/* pages must move on */
		start = st->peers[n + i].libos + 1;
	}
	memset(&st->peers[n + tot.npeers], 0, sizeof *st->peers);
	st->totals.frames_total = tot.frames_total;
	st->totals.frames_free = tot.frames_free;
	st->totals.recsize = sizeof *st->peers;
	st->totals.npeers = (uint32_t)(n + tot.npeers);
	*last = start;
	return (tot.npeers < EXO_STATUS_PAGE(rec) || start == 0 ? 0 : 1);
}

/* Every page: exod pages its reply, since 1,024 records exceed a message. */
int
exo_status(struct exo *e, struct exo_status *st)
{
	size_t		cap = 0;
	uint32_t	start = 0;
	int		error;

	if (st == NULL)
		return (-EXO_EINVAL);
	memset(st, 0, sizeof *st);
	while ((error = exo_status_page(e, start, st, &cap, &start)) == 1)
		;
	if (error == 0 && st->peers == NULL &&
	    (st->peers = calloc(1, sizeof *st->peers)) == NULL)
		error = -EXO_ESYS;
	if (error != 0) {
		free(st->peers);
		memset(st, 0, sizeof *st);
	}
	return (error);
}

void
exo_status_free(struct exo_status *st)
{
	if (st == NULL)
		return;
	free(st->peers);
	st->peers = NULL;
}
