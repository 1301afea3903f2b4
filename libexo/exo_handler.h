/*
 * exo_handler.h - the entry point of a native packet handler, the
 * downloaded code that exod runs for a trusted user (exod -T) on every
 * packet that user's filter accepts, inside exod, whether or not the
 * user's libOS is running.  See exo_net_handler(3): a handler runs with
 * all of exod's privileges and can do anything exod can.
 */
#ifndef EXO_HANDLER_H
#define EXO_HANDLER_H

#include <stdint.h>

#include <exo_proto.h>

#define EXO_HANDLER_SYMBOL	"exo_net_handler"

/* What the handler is given: a copy of the packet, read only. */
struct exo_handler_pkt {
	const uint8_t	*data;
	uint32_t	 len;
	uint32_t	 libos;		/* the filter's libOS */
	uint64_t	 filter;	/* the filter's id */
};

/* Where it may put one frame for exod to send (len 0: none). */
struct exo_handler_out {
	uint8_t		 data[EXO_NET_FRAME_MAX];
	uint32_t	 len;
};

#define EXO_HANDLER_DELIVER	0	/* also put the packet in the ring */
#define EXO_HANDLER_CONSUMED	1	/* the handler took care of it */

typedef int	exo_net_handler_fn(const struct exo_handler_pkt *,
		    struct exo_handler_out *);

#endif /* EXO_HANDLER_H */
