/*
 * slot.c - time slots: binding the CPU's time, and giving it back.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "libexo-int.h"

static int
slot_claim(struct exo *e, struct exo_slot_claim *req, struct exo_cap *caps,
    unsigned max, unsigned *n)
{
	struct {
		struct exo_slot_claim_reply	hdr;
		struct exo_cap			caps[EXO_SLOTS_MAX];
	}		rep;
	size_t		len;
	int		error;

	error = exo_request(e, EXO_MSG_SLOT_CLAIM, req, sizeof *req, &rep,
	    sizeof rep, &len, NULL, 0, NULL);
	if (error != 0)
		return (error);
	if (len < sizeof rep.hdr || rep.hdr.count > max ||
	    len != sizeof rep.hdr + rep.hdr.count * sizeof rep.caps[0])
		return (-EXO_EPROTO);
	if (caps != NULL)
		memcpy(caps, rep.caps, rep.hdr.count * sizeof rep.caps[0]);
	if (n != NULL)
		*n = rep.hdr.count;
	return (0);
}

/* count slots, spread evenly over the vector by exod. */
int
exo_slot_claim(struct exo *e, unsigned count, struct exo_cap *caps,
    unsigned *n)
{
	struct exo_slot_claim	req;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (count == 0 || count > EXO_SLOTS_MAX)
		return (-EXO_EINVAL);
	memset(&req, 0, sizeof req);
	req.count = count;
	return (slot_claim(e, &req, caps, count, n));
}

/* Exactly the slots at positions[0..n-1]. */
int
exo_slot_claim_at(struct exo *e, const unsigned *positions, unsigned n,
    struct exo_cap *caps)
{
	struct exo_slot_claim	req;
	unsigned		i, got;
	int			error;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (positions == NULL || n == 0 || n > EXO_SLOTS_MAX)
		return (-EXO_EINVAL);
	memset(&req, 0, sizeof req);
	req.flags = EXO_SLOT_BYPOS;
	for (i = 0; i < n; i++) {
		if (positions[i] >= EXO_SLOTS_MAX ||
		    (req.mask[positions[i] / 64] & (1ULL << (positions[i] % 64))))
			return (-EXO_EINVAL);
		req.mask[positions[i] / 64] |= 1ULL << (positions[i] % 64);
	}
	error = slot_claim(e, &req, caps, n, &got);
	if (error == 0 && got != n)
		error = -EXO_EPROTO;
	return (error);
}

int
exo_slot_release(struct exo *e, const struct exo_cap *caps, unsigned n)
{
	struct {
		struct exo_slot_release	hdr;
		struct exo_cap		caps[EXO_SLOTS_MAX];
	}	req;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (caps == NULL || n == 0 || n > EXO_SLOTS_MAX)
		return (-EXO_EINVAL);
	req.hdr.count = n;
	req.hdr.reserved = 0;
	memcpy(req.caps, caps, n * sizeof caps[0]);
	return (exo_request(e, EXO_MSG_SLOT_RELEASE, &req, sizeof req.hdr +
	    n * sizeof caps[0], NULL, 0, NULL, NULL, 0, NULL));
}

/* Give the rest of this quantum back; returns at our next turn. */
int
exo_yield(struct exo *e)
{
	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	return (exo_request(e, EXO_MSG_YIELD, NULL, 0, NULL, 0, NULL, NULL, 0,
	    NULL));
}

int
exo_slots(struct exo *e, struct exo_slots *s)
{
	unsigned char	buf[sizeof(struct exo_slots_reply) +
			    EXO_SLOTS_MAX * sizeof(uint32_t)];
	size_t		len;
	int		error;

	if (s == NULL)
		return (-EXO_EINVAL);
	memset(s, 0, sizeof *s);
	error = exo_request(e, EXO_MSG_SLOTS, NULL, 0, buf, sizeof buf, &len,
	    NULL, 0, NULL);
	if (error != 0)
		return (error);
	if (len < sizeof s->vec)
		return (-EXO_EPROTO);
	memcpy(&s->vec, buf, sizeof s->vec);
	if (s->vec.nslots > EXO_SLOTS_MAX ||
	    len != sizeof s->vec + s->vec.nslots * sizeof(uint32_t))
		return (-EXO_EPROTO);
	if ((s->owner = calloc(s->vec.nslots + 1, sizeof(uint32_t))) == NULL)
		return (-EXO_ESYS);
	memcpy(s->owner, buf + sizeof s->vec, s->vec.nslots * sizeof(uint32_t));
	return (0);
}

void
exo_slots_free(struct exo_slots *s)
{
	if (s == NULL)
		return;
	free(s->owner);
	s->owner = NULL;
}
