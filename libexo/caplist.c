/*
 * caplist.c - the capability-list requests that frames, blocks, tiles and
 * filters share: a batch bound (the FRAME_ALLOC reply's shape), a batch
 * given back (the FRAME_FREE shape), and a page of the ones held read
 * back (the BLOCK_LIST shape).  exo-protocol(7) has the bytes.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "libexo-int.h"

/*
 * May e send a batch of n from array?  EXO_EPERM on a control connection
 * before anything else (libexo(3)), EXO_EINVAL for a null array, none or
 * more than a batch; else 0.
 */
int
exo_caps_batch(struct exo *e, const void *array, unsigned n)
{
	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (array == NULL || n == 0 || n > EXO_BATCH_MAX)
		return (-EXO_EINVAL);
	return (0);
}

/*
 * Bind a batch: send the request of type and take a reply of exactly n
 * capabilities into caps and, when fds is not NULL, exactly n descriptors
 * (room for a batch) into fds.  0, EXO_EPROTO for any other reply (its
 * descriptors closed), or exod's refusal.
 */
int
exo_caps_bind(struct exo *e, uint16_t type, const void *req, size_t reqlen,
    struct exo_cap *caps, int *fds, unsigned n)
{
	struct {
		struct exo_frame_alloc_reply	hdr;
		struct exo_cap			caps[EXO_BATCH_MAX];
	}		rep;
	size_t		len;
	unsigned	i, nfds = 0;
	int		error;

	error = exo_request(e, type, req, reqlen, &rep, sizeof rep, &len, fds,
	    fds != NULL ? EXO_BATCH_MAX : 0, fds != NULL ? &nfds : NULL);
	if (error != 0)
		return (error);
	if (len != sizeof rep.hdr + n * sizeof rep.caps[0] ||
	    rep.hdr.count != n || (fds != NULL && nfds != n)) {
		for (i = 0; i < nfds; i++)
			close(fds[i]);
		return (-EXO_EPROTO);
	}
	memcpy(caps, rep.caps, n * sizeof caps[0]);
	return (0);
}

/*
 * Give back n capabilities (a checked batch) with a request of type.  The
 * first is at first, each next one stride bytes on: an array of
 * capabilities, or the cap member of an array of frames or tiles.
 */
int
exo_caps_release(struct exo *e, uint16_t type, const struct exo_cap *first,
    size_t stride, unsigned n)
{
	struct {
		struct exo_frame_free	hdr;
		struct exo_cap		caps[EXO_BATCH_MAX];
	}		 req;
	const char	*p = (const char *)first;
	unsigned	 i;

	req.hdr.count = n;
	req.hdr.reserved = 0;
	for (i = 0; i < n; i++)
		memcpy(&req.caps[i], p + i * stride, sizeof req.caps[i]);
	return (exo_request(e, type, &req, sizeof req.hdr +
	    n * sizeof req.caps[0], NULL, 0, NULL, NULL, 0, NULL));
}

/*
 * One page of a list request of type, from the start-th capability on: at
 * most max into caps, how many in *n, how many there are in *total (if
 * not NULL).  0, EXO_EINVAL, EXO_EPROTO for a malformed reply, or exod's
 * refusal.
 */
int
exo_caps_page(struct exo *e, uint16_t type, uint32_t start,
    struct exo_cap *caps, unsigned max, unsigned *n, uint32_t *total)
{
	unsigned char			buf[sizeof(struct exo_block_list_reply) +
					    EXO_BATCH_MAX * sizeof(struct exo_cap)];
	struct exo_block_list_reply	rep;
	struct exo_block_list		req;
	size_t				len;
	int				error;

	if (caps == NULL || n == NULL)
		return (-EXO_EINVAL);
	req.start = start;
	req.reserved = 0;
	error = exo_request(e, type, &req, sizeof req, buf, sizeof buf, &len,
	    NULL, 0, NULL);
	if (error != 0)
		return (error);
	memcpy(&rep, buf, sizeof rep);
	if (rep.count > EXO_BATCH_MAX ||
	    len != sizeof rep + rep.count * sizeof caps[0])
		return (-EXO_EPROTO);
	*n = rep.count < max ? rep.count : max;
	memcpy(caps, buf + sizeof rep, *n * sizeof caps[0]);
	if (total != NULL)
		*total = rep.total;
	return (0);
}
