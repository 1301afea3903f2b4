/*
 * libexo-int.h - libexo's private state.
 */
#ifndef LIBEXO_INT_H
#define LIBEXO_INT_H

#include <signal.h>

#include "exo.h"

/* One callee end of a call channel: offered by exod, then accepted. */
#define EXO_SERVE_MAX	64
struct exo_serve {
	struct exo_chan_page	*pg;	/* mapped once accepted; else NULL */
	struct exo_cap		 cap;	/* our end, to accept or close */
	uint32_t		 peer;	/* the caller's libOS id */
	uint32_t		 seq;	/* the last call answered */
	volatile sig_atomic_t	 pending; /* offered, not yet accepted */
};

struct exo {
	int			 fd;	/* SOCK_SEQPACKET to exod, blocking */
	uint32_t		 next_id; /* next request id; never 0 */
	struct exo_hello_reply	 hello;	/* what exod said at HELLO */
	/* libOS connections only; -1/NULL for a control connection */
	int			 chan_fd; /* our end of the upcall channel */
	const struct exo_expose	*expose; /* read-only: exod writes it */
	size_t			 expose_size;
	struct exo_stats	*stats;	/* our counters, shown by exoctl */
	/* the processor environment (pe.c) */
	exo_exception_fn	 pe_exception;
	void			*pe_exception_arg;
	exo_interrupt_fn	 pe_interrupt;
	void			*pe_interrupt_arg;
	exo_entry_fn		 pe_protected;
	void			*pe_protected_arg;
	exo_addressing_fn	 pe_addressing;
	void			*pe_addressing_arg;
	/* set while a request is outstanding: upcalls wait for its end */
	volatile sig_atomic_t	 in_request;
	volatile sig_atomic_t	 upcall_pending;
	/* hooks of the memory layer (tlb.c), NULL until it is in use */
	void			(*switch_out)(struct exo *);
	void			(*switch_in)(struct exo *);
	int			(*trap_hook)(struct exo *, const struct exo_trap *);
	void			*mem;	/* the memory layer's state */
	/* bound call channels (callchan.c) */
	struct exo_callchan	*callchans; /* our caller ends, to disown */
	struct exo_serve	 serve[EXO_SERVE_MAX]; /* our callee ends */
	uint32_t		 serve_gen; /* futex: bumped per offer */
	struct exo_extent	*extents; /* ours (extent.c), to disown */
	/* the display's geometry (tile.c): side 0 until first asked */
	struct exo_display_info	 display;
};

/* The libOS of this process: the first libOS connection it made. */
extern struct exo *exo_self;

/* Is e a control connection (exoctl's kind, which holds nothing)?  A
 * function only a libOS may call returns EXO_EPERM on one, before it
 * checks anything else: the rule libexo(3) states. */
int	exo_control(const struct exo *);

int	exo_upcall_drain(struct exo *, int);
void	exo_callchan_upcall(struct exo *, const struct exo_upcall_chan *);
void	exo_callchan_fini(struct exo *);
void	exo_extent_fini(struct exo *);
void	exo_upcall_init(struct exo *);
int	exo_pe_init(struct exo *);
int	exo_pe_sync(struct exo *);
int	exo_pe_traps(void);

/* Capability lists (caplist.c): a batch bound, a batch given back, a
 * page read back. */
int	exo_caps_batch(struct exo *, const void *, unsigned);
int	exo_caps_bind(struct exo *, uint16_t, const void *, size_t,
	    struct exo_cap *, int *, unsigned);
int	exo_caps_release(struct exo *, uint16_t, const struct exo_cap *,
	    size_t, unsigned);
int	exo_caps_page(struct exo *, uint16_t, uint32_t, struct exo_cap *,
	    unsigned, unsigned *, uint32_t *);

/* The memory layer (as.c): the frame registry follows frame.c. */
void	exo_mem_frame_bound(struct exo *, const struct exo_cap *, int);
void	exo_mem_frame_bound_at(struct exo *, const struct exo_cap *, int,
	    uint32_t);
void	exo_mem_frame_gone(struct exo *, uint64_t);
void	exo_mem_fini(struct exo *);

#endif /* LIBEXO_INT_H */
