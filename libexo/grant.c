/*
 * grant.c - capabilities that only shrink, and sharing: derive a key with
 * fewer rights, grant one to another libOS, revoke the grant, and open a
 * frame (one's own or a granted one) as a descriptor with the key's rights.
 */
#include "config.h"

#include <sys/mman.h>

#include <string.h>
#include <unistd.h>

#include "libexo-int.h"

int
exo_cap_derive(struct exo *e, const struct exo_cap *cap, unsigned rights,
    unsigned flags, struct exo_cap *out)
{
	struct exo_cap_derive	req;
	struct exo_cap		rep;
	size_t			len;
	int			error;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (cap == NULL || out == NULL)
		return (-EXO_EINVAL);
	memset(&req, 0, sizeof req);
	req.cap = *cap;
	req.rights = rights;
	req.flags = flags;
	error = exo_request(e, EXO_MSG_CAP_DERIVE, &req, sizeof req, &rep,
	    sizeof rep, &len, NULL, 0, NULL);
	if (error != 0)
		return (error);
	if (len != sizeof rep)
		return (-EXO_EPROTO);
	*out = rep;
	return (0);
}

int
exo_cap_grant(struct exo *e, const struct exo_cap *cap, uint32_t grantee,
    unsigned rights, unsigned flags, struct exo_cap *out)
{
	struct exo_cap_grant	req;
	struct exo_cap		rep;
	size_t			len;
	int			error;

	if (exo_control(e))
		return (-EXO_EPERM);
	if (cap == NULL || out == NULL)
		return (-EXO_EINVAL);
	memset(&req, 0, sizeof req);
	req.cap = *cap;
	req.grantee = grantee;
	req.rights = rights;
	req.flags = flags;
	error = exo_request(e, EXO_MSG_CAP_GRANT, &req, sizeof req, &rep,
	    sizeof rep, &len, NULL, 0, NULL);
	if (error != 0)
		return (error);
	if (len != sizeof rep)
		return (-EXO_EPROTO);
	*out = rep;
	return (0);
}

/*
 * The owner's frame f moved to fresh memory: the new key and descriptor
 * replace the old, and a mapping f had is made again at its address.
 */
static int
grant_frame_moved(struct exo *e, struct exo_frame *f,
    const struct exo_cap *cap, int fd)
{
	void	*va = f->va;

	exo_mem_frame_gone(e, f->cap.id);	/* out of TLB, region */
	if (f->fd != -1)
		close(f->fd);
	f->cap = *cap;
	f->fd = fd;
	exo_mem_frame_bound(e, &f->cap, f->fd);
	if (va == NULL)
		return (0);
	/* In one step, so f->va never points at nothing. */
	if (mmap(va, EXO_FRAME_SIZE, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED) {
		munmap(va, EXO_FRAME_SIZE);
		f->va = NULL;
		return (-EXO_ESYS);
	}
	return (0);
}

int
exo_grant_revoke(struct exo *e, const struct exo_cap *granted,
    struct exo_frame *f)
{
	struct exo_grant_revoke	req;
	struct exo_cap		rep;
	size_t			len;
	unsigned		nfds;
	int			fd = -1, error;

	if (exo_control(e))
		return (-EXO_EPERM);
	if (granted == NULL || (granted->type == EXO_RES_FRAME &&
	    f != NULL && f->cap.id != granted->id))
		return (-EXO_EINVAL);
	req.cap = *granted;
	error = exo_request(e, EXO_MSG_GRANT_REVOKE, &req, sizeof req, &rep,
	    sizeof rep, &len, &fd, 1, &nfds);
	if (error != 0)
		return (error);
	if (nfds == 0 && len == 0)
		return (0);	/* a block's grant */
	if (nfds != 1 || len != sizeof rep || rep.id != granted->id) {
		if (nfds == 1)
			close(fd);
		return (-EXO_EPROTO);
	}
	if (f == NULL) {
		/* Nobody to hand the new memory to: the frame's registry
		 * still moves on. */
		exo_mem_frame_gone(e, rep.id);
		exo_mem_frame_bound(e, &rep, fd);
		return (0);
	}
	return (grant_frame_moved(e, f, &rep, fd));
}

int
exo_frame_open(struct exo *e, const struct exo_cap *cap, struct exo_frame *out)
{
	struct exo_frame_open	req;
	size_t			len;
	unsigned		nfds;
	int			fd = -1, error;

	if (exo_control(e))
		return (-EXO_EPERM);
	if (cap == NULL || out == NULL)
		return (-EXO_EINVAL);
	req.cap = *cap;
	error = exo_request(e, EXO_MSG_FRAME_OPEN, &req, sizeof req, NULL, 0,
	    &len, &fd, 1, &nfds);
	if (error != 0)
		return (error);
	if (nfds != 1 || len != 0) {
		if (nfds == 1)
			close(fd);
		return (-EXO_EPROTO);
	}
	out->cap = *cap;
	out->fd = fd;
	out->va = NULL;
	return (0);
}
