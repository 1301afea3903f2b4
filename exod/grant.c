/*
 * grant.c - sharing: capabilities granted to another libOS.
 *
 * A grant lets one named libOS (the grantee) use a frame or a block that
 * stays bound to its owner, with at most the rights the grant says.  exod
 * records every grant here; the grantee's key is an ordinary capability
 * sealed for the grantee (owner = grantee, so nobody else can present it)
 * with EXO_CAP_GRANTED set and, in place of the binding's generation, the
 * grant's number, which is never reused.  A key is good while its grant
 * is recorded: a grant ends when the owner revokes it (or, for a block,
 * its grantor does), when the grant it was made from ends, and when the
 * resource's binding ends (freed, revoked, aborted, its owner gone).  So
 * the grants of a resource form a tree under the owner's binding, and
 * cutting a branch cuts everything below it.
 *
 * A grant does not end when its grantee or grantor leaves: a process
 * that closed its connection may still map the frame, and only a move to
 * fresh memory (frame_reback, on the owner's revocation) or the end of
 * the binding cuts a mapping.  The record stays, inert (libOS ids are
 * never reused, so nobody can present its key again), counted against
 * its owner's grants until the owner revokes it or the binding ends: a
 * libOS's resources have at most EXO_GRANTS_MAX grants, however made.
 *
 * The rights of a grant are a subset of the key it was made from, and
 * only keys with EXO_CAP_REGRANT (or the owner's own) make grants.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "exod.h"

#ifndef LIST_FOREACH_SAFE
#define LIST_FOREACH_SAFE(var, head, field, tvar)			\
	for ((var) = LIST_FIRST(head);					\
	    (var) != NULL && ((tvar) = LIST_NEXT(var, field), 1);	\
	    (var) = (tvar))
#endif

#define GRANT_BUCKETS	1024	/* of each hash; a power of 2 */

struct grant {
	LIST_ENTRY(grant) entry;	/* in its number's bucket */
	LIST_ENTRY(grant) res_entry;	/* in its resource's bucket, where
					   the whole tree it is in lives */
	uint64_t	 id;		/* > 0, never reused: the keys' gen */
	uint64_t	 parent;	/* the grant it was made from; 0: made
					   from the owner's binding */
	uint64_t	 res;		/* frame or block number */
	uint32_t	 owner;		/* libOS the resource is bound to */
	uint32_t	 grantor;	/* who made it: owner or a grantee */
	uint32_t	 grantee;	/* who may present it */
	uint8_t		 type;		/* EXO_RES_FRAME or EXO_RES_BLOCK */
	uint8_t		 rights;	/* never more than its parent's */
	uint16_t	 flags;		/* EXO_CAP_REGRANT or 0 */
};
LIST_HEAD(grant_bucket, grant);

static struct grant_bucket	grant_hash[GRANT_BUCKETS];	/* by id */
static struct grant_bucket	grant_res_hash[GRANT_BUCKETS];	/* by res */
static uint64_t			grant_next = 1;	/* next grant number */
static unsigned			grant_count;	/* grants recorded */

static struct grant_bucket *
grant_bucket(uint64_t id)
{
	return (&grant_hash[(id * 0x9e3779b97f4a7c15ULL) >> 54]);
}

static struct grant_bucket *
grant_res_bucket(unsigned type, uint64_t res)
{
	return (&grant_res_hash[((res ^ ((uint64_t)type << 56)) *
	    0x9e3779b97f4a7c15ULL) >> 54]);
}

static struct grant *
grant_find(uint64_t id)
{
	struct grant	*g;

	LIST_FOREACH(g, grant_bucket(id), entry)
		if (g->id == id)
			return (g);
	return (NULL);
}

static void
grant_count_peer(uint32_t libos, int out, int delta)
{
	struct peer	*q;

	if ((q = peer_find(libos)) == NULL)
		return;
	if (out)
		q->grants_out += delta;
	else
		q->grants_in += delta;
}

static void
grant_free(struct grant *g)
{
	grant_count_peer(g->owner, 1, -1);
	grant_count_peer(g->grantee, 0, -1);
	LIST_REMOVE(g, entry);
	LIST_REMOVE(g, res_entry);
	free(g);
	grant_count--;
}

/*
 * End, in resource bucket rb, the grants match() picks and then every
 * grant whose parent has ended, down to the leaves: a grant's tree is
 * all in its resource's bucket.  How many ended.
 */
static unsigned
grant_end_bucket(struct grant_bucket *rb,
    int (*match)(const struct grant *, uint64_t, uint64_t), uint64_t a,
    uint64_t b)
{
	struct grant	*g, *tg;
	unsigned	 n = 0, k;

	LIST_FOREACH_SAFE(g, rb, res_entry, tg)
		if (match(g, a, b)) {
			grant_free(g);
			n++;
		}
	for (k = n; k > 0; n += k) {
		k = 0;
		LIST_FOREACH_SAFE(g, rb, res_entry, tg)
			if (g->parent != 0 && grant_find(g->parent) == NULL) {
				grant_free(g);
				k++;
			}
	}
	return (n);
}

static int
grant_match_res(const struct grant *g, uint64_t type, uint64_t res)
{
	return (g->type == type && g->res == res);
}

static int
grant_match_owner(const struct grant *g, uint64_t libos, uint64_t unused)
{
	return (g->owner == libos);
}

static int
grant_match_id(const struct grant *g, uint64_t id, uint64_t unused)
{
	return (g->id == id);
}

/* The binding of resource type/res ended: so did every grant of it. */
void
grant_res_gone(unsigned type, uint64_t res)
{
	if (grant_count > 0)
		(void)grant_end_bucket(grant_res_bucket(type, res),
		    grant_match_res, type, res);
}

/* p left: the grants of what was bound to it end (see the top). */
void
grant_peer_gone(struct peer *p)
{
	unsigned	i;

	for (i = 0; i < GRANT_BUCKETS && grant_count > 0; i++)
		(void)grant_end_bucket(&grant_res_hash[i], grant_match_owner,
		    p->libos, 0);
}

/*
 * May p use c with rights (DMA, CAP_CHECK, FRAME_OPEN)?  The owner's own
 * capability, or a key granted to p whose grant is still recorded.  The
 * order of the checks is part of the protocol (exo-protocol(7)).
 */
int
grant_check_use(const struct peer *p, const struct exo_cap *c, unsigned type,
    unsigned rights)
{
	const struct grant	*g;
	int			 error;

	if (!(c->flags & EXO_CAP_GRANTED))
		return (type == EXO_RES_BLOCK ? disk_check(p, c, rights) :
		    frame_check(p, c, rights));
	if ((error = cap_verify(c)) != 0)
		return (error);
	if (c->owner != p->libos)
		return (-EXO_ENOTOWNER);
	if (c->type != type)
		return (-EXO_EINVAL);
	if ((g = grant_find(c->gen)) == NULL || g->type != c->type ||
	    g->res != c->id || g->grantee != p->libos ||
	    (g->type == EXO_RES_FRAME &&
	    frame_owner((uint32_t)g->res) != g->owner))
		return (-EXO_ESTALE);
	if ((rights & ~(unsigned)c->rights) != 0)
		return (-EXO_ERIGHTS);
	return (0);
}

/* CAP_DERIVE: c with rights only, and without REGRANT if asked. */
int
grant_derive(const struct peer *p, const struct exo_cap *c, unsigned rights,
    unsigned flags, struct exo_cap *out)
{
	int	error;

	if (rights == 0 || (rights & ~(unsigned)EXO_RIGHTS_ALL) != 0 ||
	    (flags & ~(unsigned)EXO_DERIVE_NOREGRANT) != 0)
		return (-EXO_EINVAL);
	if ((error = cap_verify(c)) != 0)
		return (error);
	if (c->type != EXO_RES_FRAME && c->type != EXO_RES_BLOCK)
		return (-EXO_EINVAL);
	if ((error = grant_check_use(p, c, c->type, rights)) != 0)
		return (error);
	*out = *c;
	out->rights = (uint8_t)rights;
	if (flags & EXO_DERIVE_NOREGRANT)
		out->flags &= ~EXO_CAP_REGRANT;
	cap_seal(out);
	return (0);
}

/* CAP_GRANT: record a grant of c's resource to libOS grantee. */
int
grant_make(struct peer *p, const struct exo_cap_grant *req,
    struct exo_cap *out)
{
	const struct exo_cap	*c = &req->cap;
	const struct grant	*parent = NULL;
	struct grant		*g;
	struct peer		*q, *o;
	uint32_t		 owner;
	int			 error;

	if (req->rights == 0 || (req->rights & ~(uint32_t)EXO_RIGHTS_ALL) ||
	    (req->flags & ~(uint32_t)EXO_GRANT_REGRANT) || req->reserved != 0)
		return (-EXO_EINVAL);
	if ((error = cap_verify(c)) != 0)
		return (error);
	if (c->type != EXO_RES_FRAME && c->type != EXO_RES_BLOCK)
		return (-EXO_EINVAL);
	if ((error = grant_check_use(p, c, c->type, req->rights)) != 0)
		return (error);
	owner = p->libos;
	if (c->flags & EXO_CAP_GRANTED) {
		if (!(c->flags & EXO_CAP_REGRANT))
			return (-EXO_ERIGHTS);	/* the grant says no */
		parent = grant_find(c->gen);
		owner = parent->owner;
	}
	q = peer_find(req->grantee);
	if (q == NULL || (q->flags & PEER_CONTROL))
		return (-EXO_ENOLIBOS);
	if (q == p || q->libos == owner)
		return (-EXO_EINVAL);	/* it has the resource already */
	/* The owner's trees, however made, and the grantee's holdings. */
	if ((o = peer_find(owner)) == NULL)
		return (-EXO_ESTALE);	/* not while its binding stands */
	if (o->grants_out >= EXO_GRANTS_MAX || q->grants_in >= EXO_GRANTS_MAX)
		return (-EXO_EGRANTS);
	if ((g = calloc(1, sizeof *g)) == NULL)
		return (-EXO_ENOMEM);
	g->id = grant_next++;
	g->parent = parent != NULL ? parent->id : 0;
	g->res = c->id;
	g->owner = owner;
	g->grantor = p->libos;
	g->grantee = q->libos;
	g->type = c->type;
	g->rights = (uint8_t)req->rights;
	g->flags = (req->flags & EXO_GRANT_REGRANT) ? EXO_CAP_REGRANT : 0;
	LIST_INSERT_HEAD(grant_bucket(g->id), g, entry);
	LIST_INSERT_HEAD(grant_res_bucket(g->type, g->res), g, res_entry);
	grant_count++;
	o->grants_out++;
	q->grants_in++;

	memset(out, 0, sizeof *out);
	out->type = g->type;
	out->rights = g->rights;
	out->flags = EXO_CAP_GRANTED | g->flags;
	out->owner = g->grantee;
	out->id = g->res;
	out->gen = g->id;
	cap_seal(out);
	return (0);
}

/*
 * GRANT_REVOKE: end the grant c is the key of, and the tree below it.
 * A frame's grants are the owner's to end: the frame then moves to fresh
 * memory (frame_reback), and *fd and *frame are the owner's new
 * descriptor and key.  A block grant its grantor may end as well; *fd is
 * -1 then.
 */
int
grant_revoke(struct peer *p, const struct exo_cap *c, struct exo_cap *frame,
    int *fd)
{
	const struct grant	*g;
	int			 error;

	*fd = -1;
	if ((error = cap_verify(c)) != 0)
		return (error);
	if (!(c->flags & EXO_CAP_GRANTED) ||
	    (c->type != EXO_RES_FRAME && c->type != EXO_RES_BLOCK))
		return (-EXO_EINVAL);
	if ((g = grant_find(c->gen)) == NULL || g->res != c->id ||
	    g->type != c->type || g->grantee != c->owner)
		return (-EXO_ESTALE);
	if (g->type == EXO_RES_BLOCK) {
		if (p->libos != g->owner && p->libos != g->grantor)
			return (-EXO_ENOTOWNER);
		(void)grant_end_bucket(grant_res_bucket(g->type, g->res),
		    grant_match_id, g->id, 0);
		return (0);
	}
	if (p->libos != g->owner)
		return (-EXO_ENOTOWNER);
	if (frame_rev((uint32_t)g->res) != NULL)
		return (-EXO_EREVOKING);
	/* Every grant of the frame shares the memory that is moving. */
	if ((error = frame_reback(p, (uint32_t)g->res, frame, fd)) != 0)
		return (error);
	grant_res_gone(EXO_RES_FRAME, c->id);
	return (0);
}

/* FRAME_OPEN: a descriptor of c's frame with c's rights. */
int
grant_open(const struct peer *p, const struct exo_cap *c, int *fd)
{
	int	error;

	if ((error = cap_verify(c)) != 0)
		return (error);
	if (c->type != EXO_RES_FRAME)
		return (-EXO_EINVAL);
	error = grant_check_use(p, c, EXO_RES_FRAME, EXO_RIGHT_READ);
	if (error != 0)
		return (error);
	return (frame_open_fd((uint32_t)c->id,
	    (c->rights & EXO_RIGHT_WRITE) != 0, fd));
}

void
grant_fini(void)
{
	struct grant	*g;
	unsigned	 i;

	for (i = 0; i < GRANT_BUCKETS; i++)
		while ((g = LIST_FIRST(&grant_hash[i])) != NULL) {
			LIST_REMOVE(g, entry);
			LIST_REMOVE(g, res_entry);
			free(g);
		}
	grant_count = 0;
}
