/*
 * exo.h - libexo, the library a library operating system links against
 * to reach exod.  Every function returns 0 (or a count) on success and a
 * negated EXO_E* code on failure; nothing is printed.  The error contract
 * of each function is in its section 3 manual page.
 */
#ifndef EXO_H
#define EXO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "exo_proto.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * libexo is built with -fvisibility=hidden: what is declared between
 * this push and its pop is exactly what the library exports, and
 * nothing else is (t/abi.t checks it against the installed library).
 */
#pragma GCC visibility push(default)

struct exo;			/* a connection to exod; opaque */

/* A page frame bound to this libOS. */
struct exo_frame {
	struct exo_cap	cap;	/* the binding's key, as minted by exod */
	int		fd;	/* maps exactly this frame; -1 once freed */
	void		*va;	/* where it is mapped; NULL when unmapped */
};

/* A tile of the display bound to this libOS. */
struct exo_tile {
	struct exo_cap	cap;	/* the binding's key, as minted by exod */
	int		fd;	/* maps exactly this tile; -1 once freed */
	uint32_t	*px;	/* its side * side pixels, mapped read-write,
				   row after row; NULL once freed */
	uint32_t	x, y;	/* its top left pixel on the display */
	uint32_t	side;	/* pixels across and down */
};

/* Connection. */
int		 exo_socket_path(char *, size_t, const char *);
int		 exo_connect(const char *, const char *, struct exo **);
int		 exo_connect_control(const char *, struct exo **);
void		 exo_disconnect(struct exo *);
uint32_t	 exo_libos_id(const struct exo *);
uint32_t	 exo_frames_total(const struct exo *);
int		 exo_fd(const struct exo *);
int		 exo_null(struct exo *);

/* Frames. */
int		 exo_frame_alloc(struct exo *, struct exo_frame *);
int		 exo_frame_alloc_batch(struct exo *, struct exo_frame *, unsigned);
int		 exo_frame_free(struct exo *, struct exo_frame *);
int		 exo_frame_free_batch(struct exo *, struct exo_frame *, unsigned);
void		*exo_frame_map(struct exo_frame *, int);
int		 exo_frame_unmap(struct exo_frame *);

/* Time slots (the CPU). */
int		 exo_slot_claim(struct exo *, unsigned, struct exo_cap *,
		    unsigned *);
int		 exo_slot_claim_at(struct exo *, const unsigned *, unsigned,
		    struct exo_cap *);
int		 exo_slot_release(struct exo *, const struct exo_cap *,
		    unsigned);
int		 exo_yield(struct exo *);
int		 exo_wait(struct exo *);
int		 exo_wait_until(struct exo *, uint64_t);
int		 exo_poll(struct exo *);

/* The processor environment: entry points for exceptions, interrupts,
 * protected calls and page faults.  Handlers run in signal context. */
struct exo_trap {
	int		 signo;	/* SIGSEGV, SIGBUS, SIGFPE or SIGILL */
	int		 code;	/* si_code */
	void		*addr;	/* faulting address */
	int		 write;	/* 1 write, 0 read, -1 not known */
	void		*uctx;	/* the interrupted ucontext_t */
};

#define EXO_INTR_TIMER	1	/* end of quantum: save, then return 0 */
#define EXO_INTR_EVENT	2	/* an event from another libOS */
#define EXO_INTR_DISK	3	/* a disk request completed */
#define EXO_INTR_REVOKE	4	/* give vec[] back before deadline_ns */
#define EXO_INTR_REPOSSESSED 5	/* vec[] was taken (the abort protocol) */
#define EXO_INTR_NET	6	/* count packets are in the receive ring */

struct exo_intr {
	int		 kind;		/* EXO_INTR_* */
	uint64_t	 tick;		/* TIMER: the quantum that ended */
	uint64_t	 deadline_ns;	/* TIMER, REVOKE: CLOCK_MONOTONIC */
	uint32_t	 from;		/* EVENT: sender's libOS id */
	uint32_t	 dropped;	/* EVENT, DISK, NET: interrupts lost
					   before */
	uint64_t	 value;		/* EVENT; DISK: the request's tag;
					   NET: packets lost to a full ring */
	uint32_t	 op;		/* DISK: EXO_DISK_READ or _WRITE */
	uint32_t	 count;		/* DISK: blocks; REVOKE, REPOSSESSED:
					   entries in vec; NET: packets */
	int32_t		 status;	/* DISK: 0 or -EXO_EIO */
	const struct exo_revoke_entry *vec; /* REVOKE, REPOSSESSED */
};

typedef int	(*exo_exception_fn)(struct exo *, const struct exo_trap *,
		    void *);
typedef int	(*exo_interrupt_fn)(struct exo *, const struct exo_intr *,
		    void *);
typedef int	(*exo_entry_fn)(struct exo *, uint32_t, const void *, size_t,
		    void *, size_t *, void *);
typedef int	(*exo_addressing_fn)(struct exo *, const struct exo_trap *,
		    void *);

int		 exo_pe_exception(struct exo *, exo_exception_fn, void *);
int		 exo_pe_interrupt(struct exo *, exo_interrupt_fn, void *);
int		 exo_pe_protected(struct exo *, exo_entry_fn, void *);
int		 exo_pe_addressing(struct exo *, exo_addressing_fn, void *);
int		 exo_ack(struct exo *, uint64_t);

/* Events and protected control transfer. */
int		 exo_event_send(struct exo *, uint32_t, uint64_t);
int		 exo_call(struct exo *, uint32_t, const void *, size_t, void *,
		    size_t, size_t *);

/* Frames bound as extents: one descriptor and one mapping for many. */
struct exo_extent;
int		 exo_extent_alloc(struct exo *, uint32_t, struct exo_extent **);
int		 exo_extent_free(struct exo_extent *);
void		*exo_extent_va(const struct exo_extent *);
uint32_t	 exo_extent_count(const struct exo_extent *);
const struct exo_cap *exo_extent_cap(const struct exo_extent *, uint32_t);

/* Protected calls over a bound channel, without exod on the path. */
struct exo_callchan;
#define EXO_FOREVER	UINT64_MAX	/* exo_callchan_serve: no timeout */
int		 exo_callchan_bind(struct exo *, uint32_t,
		    struct exo_callchan **);
int		 exo_callchan_call(struct exo_callchan *, const void *, size_t,
		    void *, size_t, size_t *);
int		 exo_callchan_close(struct exo_callchan *);
uint32_t	 exo_callchan_peer(const struct exo_callchan *);
int		 exo_callchan_serve(struct exo *, uint64_t);

/* The disk: blocks, DMA between blocks and frames, flush. */
int		 exo_block_alloc(struct exo *, struct exo_cap *, unsigned);
int		 exo_block_alloc_scratch(struct exo *, struct exo_cap *,
		    unsigned);
int		 exo_block_free(struct exo *, const struct exo_cap *, unsigned);
int		 exo_block_list(struct exo *, uint32_t, struct exo_cap *,
		    unsigned, unsigned *, uint32_t *);
int		 exo_disk_read(struct exo *, uint64_t, const struct exo_cap *,
		    const struct exo_cap *, unsigned);
int		 exo_disk_write(struct exo *, uint64_t, const struct exo_cap *,
		    const struct exo_cap *, unsigned);
int		 exo_disk_flush(struct exo *);
int		 exo_disk_info(struct exo *, struct exo_disk_info *);
/* The disk ring: DISK I/O without a request each (exo_disk_ring(3)). */
struct exo_disk_ring {
	struct exo	*e;		/* the connection that bound it */
	struct exo_frame frames[EXO_DISK_RING_FRAMES(EXO_DISK_RING_MAX)];
	unsigned	 nframes;	/* EXO_DISK_RING_FRAMES(entries) */
	uint32_t	 entries;	/* a power of 2 */
	uint32_t	 sq_tail;	/* index of the next entry to write */
	uint32_t	 cq_head;	/* index of the next completion to read */
	int		 bell;		/* doorbell eventfd, to exod */
	int		 done;		/* completion interrupt eventfd */
	struct exo_disk_ring_hdr *hdr;	/* frames[0].va */
};
int		 exo_disk_ring_create(struct exo *, struct exo_disk_ring *,
		    unsigned, uint32_t);
int		 exo_disk_ring_destroy(struct exo_disk_ring *);
int		 exo_disk_ring_submit(struct exo_disk_ring *, uint32_t,
		    uint64_t, const struct exo_cap *, const struct exo_cap *,
		    unsigned);
int		 exo_disk_ring_reap(struct exo_disk_ring *,
		    struct exo_disk_cqe *, unsigned);
int		 exo_disk_ring_wait(struct exo_disk_ring *,
		    struct exo_disk_cqe *, unsigned);

/* Revocation: what a libOS arranges ahead, and the administrator's call. */
int		 exo_autosave(struct exo *, const struct exo_cap *,
		    const struct exo_cap *);
int		 exo_autosave_clear(struct exo *, const struct exo_cap *);
int		 exo_autosave_batch(struct exo *,
		    const struct exo_autosave_pair *, unsigned);
int		 exo_frame_protect(struct exo *, const struct exo_cap *,
		    unsigned, int);
int		 exo_frame_forget(struct exo_frame *);
int		 exo_revoke(struct exo *, uint32_t, uint32_t, uint64_t,
		    struct exo_revoke_reply *);

/* The display: tiles, and (control connections) what it shows. */
struct exo_display {
	struct exo_display_snap	 snap;	/* geometry, snapshot number */
	uint32_t		*owner;	/* cols * rows libOS ids, 0 = unbound */
	const uint32_t		*px;	/* width * height pixels, row by row */
};

struct exo_history {
	struct exo_history_reply hdr;
	struct exo_history_entry ent[EXO_HISTORY_MAX]; /* hdr.count, oldest
					   first */
};

int		 exo_display_info(struct exo *, struct exo_display_info *);
int		 exo_tile_alloc(struct exo *, unsigned, struct exo_tile *);
int		 exo_tile_alloc_rect(struct exo *, unsigned, unsigned,
		    unsigned, unsigned, struct exo_tile *);
int		 exo_tile_free(struct exo *, struct exo_tile *, unsigned);
int		 exo_tile_forget(struct exo_tile *);
int		 exo_display_snap(struct exo *, struct exo_display *);
void		 exo_display_free(struct exo_display *);
int		 exo_history(struct exo *, uint64_t, struct exo_history *);
/* The network: filters, the receive ring, sending (exo_net_filter(3)). */
struct exo_net_ring {
	struct exo_frame frames[EXO_NET_RING_MAX]; /* the ring, mapped */
	unsigned	 nframes;
	unsigned	 slots;		/* nframes * EXO_NET_SLOTS_PER_FRAME */
	unsigned	 next;		/* the slot to read next */
};

int		 exo_net_compile(const char *, struct exo_bpf_insn **,
		    unsigned *);
int		 exo_net_filter(struct exo *, const char *, struct exo_cap *,
		    uint32_t *);
int		 exo_net_filter_bpf(struct exo *, const struct exo_bpf_insn *,
		    unsigned, struct exo_cap *, uint32_t *,
		    struct exo_net_verdict *);
int		 exo_net_filter_remove(struct exo *, const struct exo_cap *);
int		 exo_net_filter_list(struct exo *, uint32_t, struct exo_cap *,
		    unsigned, unsigned *, uint32_t *);
int		 exo_net_ring_create(struct exo *, struct exo_net_ring *,
		    unsigned);
int		 exo_net_ring_destroy(struct exo *, struct exo_net_ring *);
int		 exo_net_recv(struct exo_net_ring *, void *, size_t,
		    struct exo_net_slot *);
int		 exo_net_send(struct exo *, const void *, size_t);
int		 exo_net_handler(struct exo *, const struct exo_cap *,
		    const char *);
int		 exo_net_info(struct exo *, uint32_t, struct exo_net_info *,
		    struct exo_net_filter_info *, unsigned, unsigned *);

/* Exposed state: exod's read-only view of this libOS. */
const struct exo_expose *exo_expose(const struct exo *);

/* Memory: the address space, the software-loaded TLB, the STLB. */
#define EXO_TLB_WIRED_MAX	8	/* wired pages, at most half the TLB */
/* exo_tlb_install: the page may also be executed.  Not a right of the
 * capability: any frame a libOS may read it may run code from. */
#define EXO_TLB_EXEC		0x04

int		 exo_as_create(struct exo *, size_t, void **);
int		 exo_as_create_at(struct exo *, void *, size_t, void **);
int		 exo_as_destroy(struct exo *);
int		 exo_tlb_install(struct exo *, const void *,
		    const struct exo_cap *, unsigned);
int		 exo_tlb_probe(struct exo *, const void *);
int		 exo_tlb_wire(struct exo *, const void *);
int		 exo_tlb_unwire(struct exo *, const void *);
int		 exo_tlb_protect(struct exo *, const void *, size_t, unsigned);
int		 exo_tlb_unprotect(struct exo *, const void *, size_t,
		    unsigned);
int		 exo_tlb_dirty(struct exo *, const void *);
int		 exo_tlb_flush(struct exo *);
uint32_t	 exo_tlb_size(const struct exo *);
int		 exo_stlb_set(struct exo *, const struct exo_stlb_req *,
		    unsigned);
const struct exo_stats *exo_stats(const struct exo *);

/* Capabilities. */
int		 exo_cap_check(struct exo *, const struct exo_cap *, unsigned);
int		 exo_cap_format(const struct exo_cap *, char *, size_t);

/* Sharing: keys that only shrink, granted to another libOS. */
int		 exo_cap_derive(struct exo *, const struct exo_cap *, unsigned,
		    unsigned, struct exo_cap *);
int		 exo_cap_grant(struct exo *, const struct exo_cap *, uint32_t,
		    unsigned, unsigned, struct exo_cap *);
int		 exo_grant_revoke(struct exo *, const struct exo_cap *,
		    struct exo_frame *);
int		 exo_frame_open(struct exo *, const struct exo_cap *,
		    struct exo_frame *);

/* Status, for administration clients. */
struct exo_status {
	struct exo_status_reply	 totals;
	struct exo_status_peer	*peers;	/* totals.npeers records */
};
int		 exo_status(struct exo *, struct exo_status *);
void		 exo_status_free(struct exo_status *);

struct exo_slots {
	struct exo_slots_reply	 vec;
	uint32_t		*owner;	/* vec.nslots libOS ids, 0 = unowned */
};
int		 exo_slots(struct exo *, struct exo_slots *);
void		 exo_slots_free(struct exo_slots *);

/* Raw messages, for tools and tests that speak the protocol directly. */
int		 exo_request(struct exo *, uint16_t, const void *, size_t,
		    void *, size_t, size_t *, int *, unsigned, unsigned *);

const char	*exo_strerror(int);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* EXO_H */
