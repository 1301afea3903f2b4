/*
 * revoke.c - revocation from the libOS's side: seeding autosave, the
 * protected minimum, forgetting frames that were taken, and the
 * administrator's REVOKE.
 */
#include "config.h"

#include <sys/mman.h>

#include <string.h>
#include <unistd.h>

#include "libexo-int.h"

static int
exo_autosave_req(struct exo *e, const struct exo_cap *frame,
    const struct exo_cap *block, uint32_t flags)
{
	unsigned char			buf[sizeof(struct exo_autosave) +
					    sizeof(struct exo_autosave_pair)];
	struct exo_autosave		req;
	struct exo_autosave_pair	pair;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (frame == NULL || (block == NULL && flags == 0))
		return (-EXO_EINVAL);
	req.count = 1;
	req.flags = flags;
	memset(&pair, 0, sizeof pair);
	pair.frame = *frame;
	if (block != NULL)
		pair.block = *block;
	memcpy(buf, &req, sizeof req);
	memcpy(buf + sizeof req, &pair, sizeof pair);
	return (exo_request(e, EXO_MSG_AUTOSAVE, buf, sizeof buf, NULL, 0,
	    NULL, NULL, 0, NULL));
}

/* When exod revokes frame, it first writes it to block. */
int
exo_autosave(struct exo *e, const struct exo_cap *frame,
    const struct exo_cap *block)
{
	return (exo_autosave_req(e, frame, block, 0));
}

int
exo_autosave_clear(struct exo *e, const struct exo_cap *frame)
{
	return (exo_autosave_req(e, frame, NULL, EXO_AUTOSAVE_CLEAR));
}

/*
 * Seed n frames at once, in one round trip: what a revocation's
 * interrupt handler does with a whole repossession vector, whose deadline
 * leaves no time for a request per frame.  All or none.
 */
int
exo_autosave_batch(struct exo *e, const struct exo_autosave_pair *pairs,
    unsigned n)
{
	unsigned char		buf[sizeof(struct exo_autosave) +
				    EXO_BATCH_MAX *
				    sizeof(struct exo_autosave_pair)];
	struct exo_autosave	req;

	if (exo_control(e))
		return (-EXO_EPERM);
	if (pairs == NULL || n == 0 || n > EXO_BATCH_MAX)
		return (-EXO_EINVAL);
	req.count = n;
	req.flags = 0;
	memcpy(buf, &req, sizeof req);
	memcpy(buf + sizeof req, pairs, n * sizeof pairs[0]);
	return (exo_request(e, EXO_MSG_AUTOSAVE, buf, sizeof req +
	    n * sizeof pairs[0], NULL, 0, NULL, NULL, 0, NULL));
}

/* Put n frames in (on) or out of (!on) the protected minimum. */
int
exo_frame_protect(struct exo *e, const struct exo_cap *caps, unsigned n,
    int on)
{
	unsigned char		buf[sizeof(struct exo_protect) +
				    EXO_BATCH_MAX * sizeof(struct exo_cap)];
	struct exo_protect	req;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (caps == NULL || n == 0 || n > EXO_BATCH_MAX)
		return (-EXO_EINVAL);
	req.count = n;
	req.flags = on ? 0 : EXO_PROTECT_CLEAR;
	memcpy(buf, &req, sizeof req);
	memcpy(buf + sizeof req, caps, n * sizeof caps[0]);
	return (exo_request(e, EXO_MSG_PROTECT, buf, sizeof req +
	    n * sizeof caps[0], NULL, 0, NULL, NULL, 0, NULL));
}

/* A frame exod took: drop the stale mapping and descriptor locally. */
int
exo_frame_forget(struct exo_frame *f)
{
	if (f == NULL)
		return (-EXO_EINVAL);
	if (f->va != NULL)
		munmap(f->va, EXO_FRAME_SIZE);
	if (f->fd != -1)
		close(f->fd);
	f->va = NULL;
	f->fd = -1;
	return (0);
}

/* Control connections: revoke, and wait until it is over. */
int
exo_revoke(struct exo *e, uint32_t target, uint32_t kind, uint64_t arg,
    struct exo_revoke_reply *out)
{
	struct exo_revoke	req;
	struct exo_revoke_reply	rep;
	size_t			len;
	int			error;

	memset(&req, 0, sizeof req);
	req.target = target;
	req.kind = kind;
	req.arg = arg;
	error = exo_request(e, EXO_MSG_REVOKE, &req, sizeof req, &rep,
	    sizeof rep, &len, NULL, 0, NULL);
	if (error != 0)
		return (error);
	if (len != sizeof rep)
		return (-EXO_EPROTO);
	if (out != NULL)
		*out = rep;
	return (0);
}
