/*
 * req_hello.c - HELLO: a peer says which libOS it is, once, first.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "exod.h"

/* 1..EXO_NAME_MAX-1 printable, non-blank ASCII characters, NUL-ended. */
static int
hello_name_ok(const char *name)
{
	size_t	i;

	for (i = 0; i < EXO_NAME_MAX; i++) {
		if (name[i] == '\0')
			return (i > 0);
		if (name[i] < 0x21 || name[i] > 0x7e)
			return (0);
	}
	return (0);
}

/* A libOS's upcall channel, exposed state and statistics page. */
static int
hello_libos(struct peer *p, int *fds)
{
	int	saved;

	if (chan_new(p, &fds[0]) == -1)
		return (-1);
	if (expose_new(p, &fds[1], &fds[2]) == -1) {
		saved = errno;	/* the cause, for the reply */
		close(fds[0]);
		chan_free(p);
		errno = saved;
		return (-1);
	}
	return (0);
}

static void
hello_handle(struct peer *p, const struct exo_hdr *h, const void *payload)
{
	struct exo_hello	 req;
	struct exo_hello_reply	 rep;
	int			 fds[3], error;

	memcpy(&req, payload, sizeof req);
	if ((req.flags & ~(uint32_t)EXO_HELLO_CONTROL) != 0 ||
	    req.reserved != 0 || !hello_name_ok(req.name)) {
		peer_reply(p, h, -EXO_EINVAL, NULL, 0, NULL, 0);
		return;
	}
	if ((error = peer_hello_admit(p, req.flags & EXO_HELLO_CONTROL)) != 0) {
		/* Full: the refusal, then the end of the connection. */
		peer_reply(p, h, error, NULL, 0, NULL, 0);
		p->flags |= PEER_BROKEN;
		return;
	}
	if (!(req.flags & EXO_HELLO_CONTROL) && hello_libos(p, fds) == -1) {
		error = errno == EMFILE || errno == ENFILE ? -EXO_ENFILE :
		    -EXO_ENOMEM;
		peer_reply(p, h, error, NULL, 0, NULL, 0);
		return;
	}
	peer_hello_done(p);
	/* Zero-padded: nothing the peer put after the NUL is kept. */
	memset(p->name, 0, sizeof p->name);
	memcpy(p->name, req.name, strlen(req.name));
	p->flags |= PEER_HELLO;
	if (req.flags & EXO_HELLO_CONTROL)
		p->flags |= PEER_CONTROL;
	else {
		disk_attach(p);		/* its blocks, by uid and name */
		watch_add(p);		/* continued should exod die */
	}
	memset(&rep, 0, sizeof rep);
	rep.libos = p->libos;
	rep.frame_size = EXO_FRAME_SIZE;
	rep.frames_total = frame_total();
	rep.batch_max = EXO_BATCH_MAX;
	rep.nslots = sched_conf.nslots;
	rep.quantum_us = (uint32_t)(sched_conf.quantum_ns / 1000);
	rep.bound_us = (uint32_t)(sched_conf.bound_ns / 1000);
	rep.tlb_entries = sched_conf.tlb_entries;
	rep.expose_size = (uint32_t)p->expose_size;
	log_debug("libOS %u is %s%s (pid %ld uid %ld)", p->libos, p->name,
	    (p->flags & PEER_CONTROL) ? " [control]" : "", (long)p->pid,
	    (long)p->uid);
	peer_reply(p, h, 0, &rep, sizeof rep, fds,
	    (p->flags & PEER_CONTROL) ? 0 : 3);
}

const struct exod_req req_hello = {
	.type = EXO_MSG_HELLO,
	.name = "hello",
	.minlen = sizeof(struct exo_hello),
	.flags = REQ_FIRST,
	.handle = hello_handle,
};
