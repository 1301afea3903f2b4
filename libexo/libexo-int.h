/*
 * libexo-int.h - libexo's private state.
 */
#ifndef LIBEXO_INT_H
#define LIBEXO_INT_H

#include "exo.h"

struct exo {
	int			fd;	/* SOCK_SEQPACKET to exod, blocking */
	uint32_t		next_id; /* next request id; never 0 */
	struct exo_hello_reply	hello;	/* what exod said at HELLO */
};

#endif /* LIBEXO_INT_H */
