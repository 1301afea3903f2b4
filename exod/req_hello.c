/*
 * req_hello.c - HELLO: a peer says which libOS it is, once, first.
 */
#include "config.h"

#include <string.h>

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

static void
hello_handle(struct peer *p, const struct exo_hdr *h, const void *payload)
{
	struct exo_hello	 req;
	struct exo_hello_reply	 rep;

	memcpy(&req, payload, sizeof req);
	if ((req.flags & ~(uint32_t)EXO_HELLO_CONTROL) != 0 ||
	    req.reserved != 0 || !hello_name_ok(req.name)) {
		peer_reply(p, h, -EXO_EINVAL, NULL, 0, NULL, 0);
		return;
	}
	memcpy(p->name, req.name, sizeof p->name);
	p->flags |= PEER_HELLO;
	if (req.flags & EXO_HELLO_CONTROL)
		p->flags |= PEER_CONTROL;
	rep.libos = p->libos;
	rep.frame_size = EXO_FRAME_SIZE;
	rep.frames_total = frame_total();
	rep.batch_max = EXO_BATCH_MAX;
	log_debug("libOS %u is %s%s (pid %ld uid %ld)", p->libos, p->name,
	    (p->flags & PEER_CONTROL) ? " [control]" : "", (long)p->pid,
	    (long)p->uid);
	peer_reply(p, h, 0, &rep, sizeof rep, NULL, 0);
}

const struct exod_req req_hello = {
	.type = EXO_MSG_HELLO,
	.name = "hello",
	.minlen = sizeof(struct exo_hello),
	.flags = REQ_FIRST,
	.handle = hello_handle,
};
