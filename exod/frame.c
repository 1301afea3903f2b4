/*
 * frame.c - physical memory: the frame store.
 *
 * Each frame, while bound, is backed by its own memfd of EXO_FRAME_SIZE
 * bytes, fresh from the pool (pool.c).  A duplicate of the descriptor goes
 * to the owner (SCM_RIGHTS), and others, read-only where the key says so,
 * to the owner and its grantees on FRAME_OPEN (grant.c); none that
 * reaches another frame ever leaves exod.  exod keeps its own descriptor, and maps the frame only
 * when it must touch it (disk DMA, autosave).  Unbinding closes exod's
 * descriptor and mapping, and the next binding takes a fresh memfd: the
 * new owner starts from zeros by construction, and a mapping the old owner
 * kept can never observe what the frame holds next.  The abort protocol
 * breaks a binding the same way.
 *
 * The memfd's size is sealed, so a libOS cannot shrink it under exod's
 * mapping and make exod fault when it touches the frame.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <linux/fs.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exod.h"

#define FRAME_NONE	UINT32_MAX

struct frame {
	uint32_t	 owner;	/* libOS id bound to; 0 when free */
	uint32_t	 next;	/* free list link; FRAME_NONE at the end */
	uint64_t	 gen;	/* moves on at every unbinding; caps of older
				   generations are stale */
	int		 fd;	/* exod's descriptor of the backing memfd;
				   -1 exactly when the frame is free */
	void		*va;	/* exod's mapping of it, made on first use;
				   NULL when free or not yet needed */
	struct revocation *rev;	/* the revocation taking it back, or NULL */
	uint64_t	 autosave; /* block to write it to if revoked, or
				   EXO_NO_BLOCK; reset at every unbinding */
	int		 protect; /* in its owner's protected minimum */
	int		 ro_sealed; /* the memfd cannot be opened for writing
				   again (frame_open_fd); reset with fd */
	struct extent	*ext;	/* the extent it is bound in (extent.c), its
				   fd then FRAME_IN_EXTENT; else NULL */
	uint32_t	 ext_idx; /* its index in ext */
};

#define FRAME_IN_EXTENT	(-2)	/* fd of a frame backed by its extent */

static struct frame	*frames;	/* frames_n entries */
static uint32_t		 frames_n;
static uint32_t		 frames_nfree;	/* length of the free list */
static uint32_t		 frames_head;	/* free list: last freed first */

int
frame_init(uint32_t n)
{
	uint32_t	i;

	if ((frames = calloc(n, sizeof *frames)) == NULL)
		return (-1);
	frames_n = n;
	for (i = 0; i < n; i++) {
		frames[i].fd = -1;
		frames[i].gen = 1;
		frames[i].autosave = EXO_NO_BLOCK;
		frames[i].next = (i + 1 < n) ? i + 1 : FRAME_NONE;
	}
	frames_head = 0;
	frames_nfree = n;
	return (0);
}

void
frame_fini(void)
{
	uint32_t	i;

	for (i = 0; i < frames_n; i++) {
		if (frames[i].ext != NULL)
			continue;	/* the extent's, gone with its peer */
		if (frames[i].va != NULL)
			munmap(frames[i].va, EXO_FRAME_SIZE);
		if (frames[i].fd != -1)
			close(frames[i].fd);
	}
	free(frames);
	frames = NULL;
	frames_n = frames_nfree = 0;
}

uint32_t
frame_total(void)
{
	return (frames_n);
}

uint32_t
frame_free_count(void)
{
	return (frames_nfree);
}

void *
frame_va(uint32_t id)
{
	struct frame	*f;

	if (id >= frames_n || (f = &frames[id])->fd == -1)
		return (NULL);
	if (f->ext != NULL)
		return (extent_va(f->ext, f->ext_idx));
	if (f->va == NULL) {
		f->va = mmap(NULL, EXO_FRAME_SIZE, PROT_READ | PROT_WRITE,
		    MAP_SHARED, f->fd, 0);
		if (f->va == MAP_FAILED) {
			log_warn("mapping frame %u", id);
			f->va = NULL;
		}
	}
	return (f->va);
}

/* The frame's backing goes: its own memfd, or its page of an extent. */
static void
frame_backing_drop(struct frame *f)
{
	if (f->ext != NULL) {
		extent_frame_gone(f->ext, f->ext_idx);
		f->ext = NULL;
	} else {
		if (f->va != NULL)
			munmap(f->va, EXO_FRAME_SIZE);
		close(f->fd);
	}
	f->va = NULL;
	f->fd = -1;
}

static void
frame_unbind_how(struct peer *p, struct frame *f, int by_force)
{
	uint32_t	id = (uint32_t)(f - frames);

	grant_res_gone(EXO_RES_FRAME, id);	/* their keys die with it */
	ring_frame_gone(id);	/* no ring or ring job touches it after */
	/* A frame being revoked is autosaved before it goes (revoke.c). */
	if (f->rev != NULL)
		revoke_frame_gone(f->rev, p, id, by_force);
	if (f->protect)
		p->protected_frames--;
	f->rev = NULL;
	f->autosave = EXO_NO_BLOCK;
	f->protect = 0;
	expose_frame(p, id, 0);
	frame_backing_drop(f);
	f->ro_sealed = 0;
	f->owner = 0;
	f->gen++;
	f->next = frames_head;
	frames_head = (uint32_t)(f - frames);
	frames_nfree++;
	p->frames--;
}

static void
frame_unbind(struct peer *p, struct frame *f)
{
	frame_unbind_how(p, f, 0);
}

/*
 * Bind n free frames to p, all or none.  Fills caps[] and fds[] (the
 * caller sends and closes the descriptors).  -EXO_ENOMEM when fewer than n
 * frames are free or the host refuses a backing object, -EXO_ENFILE when
 * it refuses for want of descriptors.
 */
int
frame_bind(struct peer *p, unsigned n, struct exo_cap *caps, int *fds)
{
	struct frame	*f;
	unsigned	 i;
	uint32_t	 id;
	int		 error;

	if (n > frames_nfree)
		return (-EXO_ENOMEM);
	for (i = 0; i < n; i++) {
		id = frames_head;
		f = &frames[id];
		if ((f->fd = pool_take()) == -1) {
			log_warn("frame backing for libOS %u", p->libos);
			goto undo;
		}
		/* Theirs to keep; exod's own stays here. */
		if ((fds[i] = fcntl(f->fd, F_DUPFD_CLOEXEC, 0)) == -1) {
			log_warn("frame descriptor for libOS %u", p->libos);
			close(f->fd);
			f->fd = -1;
			goto undo;
		}
		frames_head = f->next;
		frames_nfree--;
		f->owner = p->libos;
		memset(&caps[i], 0, sizeof caps[i]);
		caps[i].type = EXO_RES_FRAME;
		caps[i].rights = EXO_RIGHTS_ALL;
		caps[i].owner = p->libos;
		caps[i].id = id;
		caps[i].gen = f->gen;
		cap_seal(&caps[i]);
		expose_frame(p, id, f->gen);
	}
	p->frames += n;
	return (0);
undo:
	/* Out of descriptors is not out of memory: say which. */
	error = errno == EMFILE || errno == ENFILE ? -EXO_ENFILE : -EXO_ENOMEM;
	p->frames += i;		/* frame_unbind takes each back off */
	while (i-- > 0) {
		close(fds[i]);
		frame_unbind(p, &frames[caps[i].id]);
	}
	return (error);
}

/*
 * Is c a current binding of a frame to p with at least rights?  The order
 * of the checks is part of the protocol (exo-protocol(7)).
 */
int
frame_check(const struct peer *p, const struct exo_cap *c, unsigned rights)
{
	const struct frame	*f;
	int			 error;

	if ((error = cap_verify(c)) != 0)
		return (error);
	if (c->owner != p->libos)
		return (-EXO_ENOTOWNER);
	if (c->flags & EXO_CAP_GRANTED)
		return (-EXO_EGRANTED);	/* grant_check_use takes those */
	if (c->type != EXO_RES_FRAME || c->id >= frames_n)
		return (-EXO_EINVAL);
	f = &frames[c->id];
	if (f->owner != p->libos || f->gen != c->gen)
		return (-EXO_ESTALE);
	if ((rights & ~(unsigned)c->rights) != 0)
		return (-EXO_ERIGHTS);
	return (0);
}

/* Unbind n frames of p, all or none: every capability is checked first. */
int
frame_release(struct peer *p, const struct exo_cap *caps, unsigned n)
{
	unsigned	i, j;
	int		error;

	for (i = 0; i < n; i++) {
		if ((error = frame_check(p, &caps[i], 0)) != 0)
			return (error);
		for (j = 0; j < i; j++)
			if (caps[j].id == caps[i].id)
				return (-EXO_EINVAL);
	}
	for (i = 0; i < n; i++)
		frame_unbind(p, &frames[caps[i].id]);
	revoke_settle();
	return (0);
}

/* Take back every frame bound to p (it left or died). */
void
frame_reclaim(struct peer *p)
{
	uint32_t	i;

	if (p->frames == 0)
		return;
	for (i = 0; i < frames_n; i++)
		if (frames[i].owner == p->libos && frames[i].fd != -1)
			frame_unbind(p, &frames[i]);
	revoke_settle();
}

/* The abort protocol for one frame: unbound by force, autosaved first. */
void
frame_abort(struct peer *p, uint32_t id)
{
	if (id < frames_n && frames[id].owner == p->libos &&
	    frames[id].fd != -1)
		frame_unbind_how(p, &frames[id], 1);
}

/* A current capability for frame id of p (to name it in a vector). */
void
frame_cap(const struct peer *p, uint32_t id, struct exo_cap *c)
{
	memset(c, 0, sizeof *c);
	c->type = EXO_RES_FRAME;
	c->rights = EXO_RIGHTS_ALL;
	c->owner = p->libos;
	c->id = id;
	c->gen = frames[id].gen;
	cap_seal(c);
}

uint32_t
frame_owner(uint32_t id)
{
	return (id < frames_n ? frames[id].owner : 0);
}

struct revocation *
frame_rev(uint32_t id)
{
	return (frames[id].rev);
}

void
frame_set_rev(uint32_t id, struct revocation *r)
{
	frames[id].rev = r;
}

uint64_t
frame_autosave(uint32_t id)
{
	return (frames[id].autosave);
}

void
frame_set_autosave(uint32_t id, uint64_t block)
{
	frames[id].autosave = block;
}

int
frame_protected(uint32_t id)
{
	return (frames[id].protect);
}

/* Put frame id of p in or out of its protected minimum. */
int
frame_protect(struct peer *p, uint32_t id, int on, unsigned max)
{
	struct frame	*f = &frames[id];

	if (on && !f->protect) {
		if (p->protected_frames >= max)
			return (-EXO_ELIMIT);
		if (f->rev != NULL)
			return (-EXO_EREVOKING);
		f->protect = 1;
		p->protected_frames++;
	} else if (!on && f->protect) {
		f->protect = 0;
		p->protected_frames--;
	}
	return (0);
}

static int
frame_revocable(const struct peer *p, const struct frame *f)
{
	return (f->owner == p->libos && f->fd != -1 && !f->protect &&
	    f->rev == NULL);
}

/* How many of p's frames could be revoked, counting up to max. */
unsigned
frame_revocable_count(const struct peer *p, unsigned max)
{
	uint32_t	i;
	unsigned	n = 0;

	for (i = 0; i < frames_n && n < max; i++)
		if (frame_revocable(p, &frames[i]))
			n++;
	return (n);
}

/* Choose up to n revocable frames of p, the highest-numbered first. */
unsigned
frame_pick_revocable(const struct peer *p, unsigned n, uint32_t *ids)
{
	uint32_t	i;
	unsigned	k = 0;

	for (i = frames_n; i-- > 0 && k < n;)
		if (frame_revocable(p, &frames[i]))
			ids[k++] = i;
	return (k);
}

/*
 * Seal frame f's memfd against being opened for writing ever again, as a
 * read-only descriptor of it could otherwise be: open(2) of
 * /proc/self/fd/N makes a new open file description with whatever access
 * the inode's permissions allow.  Mode 0400 stops every uid but exod's;
 * the immutable attribute (which needs CAP_LINUX_IMMUTABLE, so exod may
 * not be able to set it) stops exod's uid and root as well.  Neither
 * touches the descriptors open already: the owner's and exod's keep
 * mapping it read-write.
 */
static void
frame_seal_ro(struct frame *f)
{
	int	attr = FS_IMMUTABLE_FL;

	if (f->ro_sealed)
		return;
	if (fchmod(f->fd, S_IRUSR) == -1)
		log_warn("frame %u: fchmod", (unsigned)(f - frames));
	if (ioctl(f->fd, FS_IOC_SETFLAGS, &attr) == -1)
		log_debug("frame %u: not immutable: %s",
		    (unsigned)(f - frames), strerror(errno));
	f->ro_sealed = 1;
}

/*
 * A new descriptor of bound frame id: read-write, or a read-only one that
 * mmap(2) and mprotect(2) refuse to make writable and that cannot be
 * reopened for writing (frame_seal_ro).
 */
int
frame_open_fd(uint32_t id, int writable, int *fd)
{
	struct frame	*f = &frames[id];
	char		 path[64];

	/* A descriptor of an extent reaches all its frames: never one. */
	if (f->ext != NULL)
		return (-EXO_EINVAL);
	if (writable)
		*fd = fcntl(f->fd, F_DUPFD_CLOEXEC, 0);
	else {
		frame_seal_ro(f);
		snprintf(path, sizeof path, "/proc/self/fd/%d", f->fd);
		*fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (*fd != -1)
		return (0);
	log_warn("frame %u: descriptor", id);
	return (errno == EMFILE || errno == ENFILE ? -EXO_ENFILE :
	    -EXO_ENOMEM);
}

/*
 * Move bound frame id of p to fresh memory, its contents copied: every
 * mapping made before keeps the old memory, which nobody writes through
 * exod again, so it never sees what the frame holds next.  The
 * generation moves on; *c and *fd are p's new key and descriptor.
 */
int
frame_reback(struct peer *p, uint32_t id, struct exo_cap *c, int *fd)
{
	struct frame	*f = &frames[id];
	void		*old, *new;
	int		 nfd;

	if ((old = frame_va(id)) == NULL)
		return (-EXO_ENOMEM);
	if ((nfd = pool_take()) == -1)
		return (errno == EMFILE || errno == ENFILE ? -EXO_ENFILE :
		    -EXO_ENOMEM);
	new = mmap(NULL, EXO_FRAME_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
	    nfd, 0);
	if (new == MAP_FAILED || (*fd = fcntl(nfd, F_DUPFD_CLOEXEC, 0)) == -1) {
		log_warn("frame %u: new memory", id);
		if (new != MAP_FAILED)
			munmap(new, EXO_FRAME_SIZE);
		close(nfd);
		return (-EXO_ENOMEM);
	}
	/* No ring job may write the old memory during the copy or after. */
	ring_frame_gone(id);
	memcpy(new, old, EXO_FRAME_SIZE);
	if (f->ext != NULL) {
		/* Out of its extent for good: the page there is punched. */
		extent_frame_gone(f->ext, f->ext_idx);
		f->ext = NULL;
	} else {
		munmap(old, EXO_FRAME_SIZE);
		close(f->fd);
	}
	f->fd = nfd;
	f->va = new;
	f->ro_sealed = 0;
	f->gen++;
	expose_frame(p, id, f->gen);	/* drops its guaranteed mappings */
	frame_cap(p, id, c);
	return (0);
}

/*
 * Bind n free frames to p as extent x, index i the frame ids[i]; the
 * caller has checked that n are free.  Their backing is x's memfd.
 */
void
frame_bind_extent(struct peer *p, struct extent *x, uint32_t n,
    uint32_t *ids)
{
	struct frame	*f;
	uint32_t	 i, id;

	for (i = 0; i < n; i++) {
		id = frames_head;
		f = &frames[id];
		frames_head = f->next;
		frames_nfree--;
		f->fd = FRAME_IN_EXTENT;
		f->ext = x;
		f->ext_idx = i;
		f->owner = p->libos;
		ids[i] = id;
		expose_frame(p, id, f->gen);
	}
	p->frames += n;
}

/* Unbind frame id of p, as FRAME_FREE would (an extent's FREE). */
void
frame_free_one(struct peer *p, uint32_t id)
{
	if (id < frames_n && frames[id].owner == p->libos &&
	    frames[id].fd != -1)
		frame_unbind(p, &frames[id]);
}
