/*
 * status.c - STATUS, for administration clients such as exoctl.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "libexo-int.h"

int
exo_status(struct exo *e, struct exo_status *st)
{
	unsigned char	 buf[EXO_MSG_MAX];
	size_t		 len, rec, i;
	int		 error;

	if (st == NULL)
		return (-EXO_EINVAL);
	memset(st, 0, sizeof *st);
	error = exo_request(e, EXO_MSG_STATUS, NULL, 0, buf, sizeof buf, &len,
	    NULL, 0, NULL);
	if (error != 0)
		return (error);
	if (len < sizeof st->totals)
		return (-EXO_EPROTO);
	memcpy(&st->totals, buf, sizeof st->totals);
	rec = st->totals.recsize;
	if (rec < sizeof *st->peers ||
	    st->totals.npeers > (len - sizeof st->totals) / rec ||
	    len != sizeof st->totals + st->totals.npeers * rec)
		return (-EXO_EPROTO);
	st->peers = calloc(st->totals.npeers + 1, sizeof *st->peers);
	if (st->peers == NULL)
		return (-EXO_ESYS);
	/* Records may grow in later versions: take the fields we know. */
	for (i = 0; i < st->totals.npeers; i++) {
		memcpy(&st->peers[i], buf + sizeof st->totals + i * rec,
		    sizeof *st->peers);
		st->peers[i].name[EXO_NAME_MAX - 1] = '\0';
	}
	return (0);
}

void
exo_status_free(struct exo_status *st)
{
	if (st == NULL)
		return;
	free(st->peers);
	st->peers = NULL;
}
