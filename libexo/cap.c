/*
 * cap.c - capability helpers for libOSes.  A libOS can read its
 * capabilities but only exod can make or check them.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "libexo-int.h"

int
exo_cap_check(struct exo *e, const struct exo_cap *cap, unsigned rights)
{
	struct exo_cap_check	req;

	if (cap == NULL)
		return (-EXO_EINVAL);
	memset(&req, 0, sizeof req);
	req.cap = *cap;
	req.rights = rights;
	return (exo_request(e, EXO_MSG_CAP_CHECK, &req, sizeof req, NULL, 0,
	    NULL, NULL, 0, NULL));
}

static const char *
exo_cap_type(uint8_t type)
{
	switch (type) {
	case EXO_RES_FRAME:
		return ("frame");
	case EXO_RES_SLOT:
		return ("slot");
	case EXO_RES_BLOCK:
		return ("block");
	default:
		return ("unknown");
	}
}

/* "frame:17 owner 3 gen 5 rw mac 0123abcd..." like snprintf. */
int
exo_cap_format(const struct exo_cap *cap, char *buf, size_t len)
{
	char	mac[2 * EXO_CAP_MACLEN + 1];
	size_t	i;

	if (cap == NULL || (buf == NULL && len > 0))
		return (-EXO_EINVAL);
	for (i = 0; i < EXO_CAP_MACLEN; i++)
		snprintf(mac + 2 * i, 3, "%02x", cap->mac[i]);
	return (snprintf(buf, len, "%s:%llu owner %u gen %llu %s%s mac %s",
	    exo_cap_type(cap->type), (unsigned long long)cap->id, cap->owner,
	    (unsigned long long)cap->gen,
	    (cap->rights & EXO_RIGHT_READ) ? "r" : "-",
	    (cap->rights & EXO_RIGHT_WRITE) ? "w" : "-", mac));
}
