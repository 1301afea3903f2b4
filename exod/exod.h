/*
 * exod.h - the exokernel's internal interfaces.
 *
 * exod owns the emulated hardware and does one thing with it: it binds
 * pieces of it to library operating systems, securely, and takes them
 * back.  Each file implements one concept; its functions carry its prefix.
 *
 *	exod.c		main: options, start-up, shutdown
 *	listen.c	the listening socket (listen_*)
 *	log.c		logging to stderr or syslog (log_*, fatal*)
 *	peer.c		a connected libOS: credentials, framing, queues (peer_*)
 *	dispatch.c	the table of requests and the checks on every message
 *	cap.c		sealing and verifying capabilities (cap_*)
 *	frame.c		physical memory: the frame store (frame_*)
 *	grant.c		sharing: capabilities granted to others (grant_*)
 *	tile.c		the display: tiles of the frame buffer (tile_*)
 *	history.c	recent revocations and calls, for live views
 *	watch.c		the watcher: libOSes go free when exod dies (watch_*)
 *	disk.c		the disk image and its blocks (disk_*)
 *	owners.c	the table of the blocks' owners (owners_*)
 *	ring.c		the disk ring: DISK I/O without a request (ring_*)
 *	req_*.c		one request family each
 *	callchan.c	bound call channels: calls without exod (callchan_*)
 *	extent.c	frames bound as extents: one memfd for many (extent_*)
 *	net.c		the network interface (net.h: its parts)
 */
#ifndef EXOD_H
#define EXOD_H

#include <sys/types.h>
#include <sys/queue.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "exo_proto.h"

struct event_base;
struct event;
struct revocation;
struct net_peer;
struct iovec;

#ifndef TAILQ_FOREACH_SAFE
#define TAILQ_FOREACH_SAFE(var, head, field, tvar)			\
	for ((var) = TAILQ_FIRST(head);					\
	    (var) != NULL && ((tvar) = TAILQ_NEXT(var, field), 1);	\
	    (var) = (tvar))
#endif

/*
 * Who may connect (peer.c).  No limit can be filled by connections that
 * never say HELLO: those wait at most peer_hello_ns, and a uid's waiting
 * connections only ever displace its own or those of the uid that has
 * the most.  exod's own uid and root ("privileged") have reserves.
 */
#define EXOD_PEERS_MAX		1024	/* libOS connections at once */
#define EXOD_PEERS_UID		512	/* of them, of one unprivileged uid */
#define EXOD_CONTROL_MAX	32	/* control connections at once */
#define EXOD_CONTROL_RESERVE	16	/* of them, for privileged uids only */
#define EXOD_PENDING_UID	16	/* one uid's connections before HELLO */
#define EXOD_PENDING_MAX	64	/* unprivileged uids' ones, in all */
/* Every connection at once: privileged ones wait beyond PENDING_MAX. */
#define EXOD_CONN_MAX		(EXOD_PEERS_MAX + EXOD_CONTROL_MAX + \
				    EXOD_PENDING_MAX + 2 * EXOD_PENDING_UID)
#define EXOD_CONN_FDS		3	/* socket, pidfd, upcall channel */
#define EXOD_OUTQ_HIGH		16	/* queued replies that pause reading */

/* --- log.c ---------------------------------------------------------- */
void	log_init(int, int);		/* foreground, verbosity */
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

/* At most one message per interval; the rest are counted (log_limit). */
struct log_limit {
	uint64_t	last_ns;	/* CLOCK_MONOTONIC of the last logged */
	uint64_t	suppressed;	/* not logged since */
};
uint64_t log_limit(struct log_limit *, uint64_t);

/* --- cap.c ---------------------------------------------------------- */
int	cap_init(void);
void	cap_fini(void);
void	cap_seal(struct exo_cap *);
int	cap_verify(const struct exo_cap *);

/* --- peer.c --------------------------------------------------------- */

/* One reply waiting for the peer's socket to drain. */
struct peer_msg {
	TAILQ_ENTRY(peer_msg)	 entry;
	size_t			 len;	/* bytes in buf */
	int			*fds;	/* owned; closed when sent or dropped */
	unsigned		 nfds;
	unsigned char		 buf[];
};
TAILQ_HEAD(peer_msgq, peer_msg);

#define PEER_HELLO	0x01	/* HELLO accepted; name and flags are set */
#define PEER_CONTROL	0x02	/* administration client: holds nothing */
#define PEER_PAUSED	0x04	/* reading stopped: outq at EXOD_OUTQ_HIGH */
#define PEER_BROKEN	0x08	/* send failed: close once the dispatch returns */
#define PEER_GONE	0x10	/* being freed: nothing may be bound to it */
#define PEER_WATCHED	0x20	/* the watcher holds its pidfd (watch.c) */

#define EXOD_EVENTS_MAX		64	/* queued events per libOS */

/* An interrupt waiting for its libOS: an event or a disk completion. */
#define PEER_EVENT_DATA		24

struct peer_event {
	uint16_t		 type;		/* EXO_UPCALL_EVENT or _DISK */
	uint16_t		 len;		/* bytes of data */
	uint32_t		 dropped;	/* interrupts lost just before it */
	unsigned char		 data[PEER_EVENT_DATA];
};

/* A libOS's life on the CPU (sched.c, event.c, call.c). */
enum sched_state {
	SCHED_FREE,		/* no slots: runs freely, never stopped */
	SCHED_STOPPED,		/* has slots, not in one now: SIGSTOPped */
	SCHED_RUNNING,		/* holds the CPU */
	SCHED_SAVING,		/* quantum over, saving until ack or bound */
};

struct sched_peer {
	uint32_t		 slots;		/* slots bound now */
	enum sched_state	 state;
	int			 waiting;	/* said WAIT; no upcall since */
	uint64_t		 wait_deadline;	/* the wait ends then; 0: never */
	struct event		*ev_wait;	/* fires at wait_deadline; made
						   at the first timed wait */
	int			 yield_pending;	/* YIELD answered when resumed */
	struct exo_hdr		 yield_hdr;
	uint64_t		 run_start_ns;	/* when it last got the CPU */
	uint64_t		 save_start_ns;	/* when its save began */
	uint64_t		 save_tick;	/* tick the TIMER upcall named */
	uint64_t		 penalty_due_ns; /* to deduct from next quanta */
	uint64_t		 paid_tick;	/* quantum it paid a penalty in */
	uint64_t		 quanta;
	uint64_t		 cpu_ns;
	uint64_t		 overruns;
	uint64_t		 penalty_ns;
	uint32_t		 entries;	/* EXO_ENTRY_* registered */
	/* events: a ring of at most EXOD_EVENTS_MAX, in arrival order */
	struct peer_event	 ev[EXOD_EVENTS_MAX];
	unsigned		 ev_head;
	unsigned		 ev_count;
	uint32_t		 ev_dropped_unseen; /* told with the next queued */
	uint64_t		 events;	/* delivered */
	uint64_t		 events_dropped;
	/* protected control transfer */
	struct peer		*call_target;	/* blocked in CALL to it */
	struct exo_hdr		 call_hdr;	/* the CALL request to answer */
	uint32_t		 call_id;	/* upcall id of the call */
	struct peer		*call_caller;	/* serving a call from it */
	int			 call_donated;	/* running on the caller's slice */
	uint64_t		 call_deadline;	/* CLOCK_MONOTONIC; 0 if no call */
	uint32_t		 chan_calls;	/* bound channels it calls over */
	int			 chan_lent;	/* STOPPED, and lent to the
						   running caller of a bound
						   channel: it runs while a
						   call to it is open */
	int			 chan_run;	/* lent and continued now: a
						   call to it is open */
};

struct peer {
	TAILQ_ENTRY(peer)	 entry;		/* on peers, in connection order */
	int			 fd;		/* SOCK_SEQPACKET, non-blocking */
	int			 pidfd;		/* the peer process, from the kernel */
	pid_t			 pid;		/* SO_PEERCRED at accept; never claimed */
	uid_t			 uid;
	gid_t			 gid;
	uint32_t		 libos;		/* unique for this run, never reused */
	int			 flags;		/* PEER_* */
	char			 name[EXO_NAME_MAX]; /* from HELLO, checked printable */
	struct event		*ev_read;
	struct event		*ev_write;	/* pending only while outq is non-empty */
	struct event		*ev_pid;	/* pidfd readable: the process died */
	struct event		*ev_hello;	/* HELLO deadline; pending until
						   HELLO */
	struct peer_msgq	 outq;		/* replies in order, at most OUTQ_HIGH+1 */
	unsigned		 outq_len;
	uint32_t		 frames;	/* frames bound to this libOS now */
	uint32_t		 protected_frames; /* of those, never revoked */
	uint32_t		 frames_revoking; /* of those, being revoked */
	uint32_t		 blocks;	/* disk blocks bound now */
	uint32_t		 tiles;		/* display tiles bound now */
	uint32_t		 grants_out;	/* live grants of its resources,
						   however made (grant.c) */
	uint32_t		 grants_in;	/* live grants it holds */
	uint64_t		 disk_err_seen;	/* disk write errors told it */
	uint64_t		 revocations;	/* repossession vectors sent */
	uint64_t		 aborts;	/* times resources were taken */
	/* libOS peers only, from HELLO on; -1/NULL for control peers */
	int			 chan_fd;	/* exod's end of the upcall channel */
	struct event		*ev_chan;
	uint32_t		 upcall_seq;	/* id of the last upcall sent */
	struct exo_expose	*expose;	/* exod's writable view */
	size_t			 expose_size;
	struct exo_stats	*stats;		/* written by the libOS: display only */
	struct sched_peer	 cpu;
	struct net_peer		*net;		/* filters, ring, capture; net.c */
	struct ring		*disk_ring;	/* bound disk ring or NULL; ring.c */
};
TAILQ_HEAD(peer_list, peer);
extern struct peer_list peers;
extern unsigned peers_count;

extern uint64_t peer_hello_ns;
int	peer_accept(struct event_base *, int);
int	peer_shed_any(void);
int	peer_hello_admit(const struct peer *, int);
void	peer_hello_done(struct peer *);
void	peer_close(struct peer *, const char *);
void	peer_close_all(void);
int	peer_reply(struct peer *, const struct exo_hdr *, int,
	    const void *, size_t, int *, unsigned);
int	peer_send(struct peer *, const void *, size_t, int *, unsigned);
struct peer *peer_new(int, pid_t, uid_t, gid_t, int);
void	peer_free(struct peer *);

/* --- dispatch.c ----------------------------------------------------- */
#define REQ_FIRST	0x01	/* only as the first request: HELLO */
#define REQ_LIBOS	0x02	/* refused to control peers with EPERM */
#define REQ_VARLEN	0x04	/* minlen..maxlen, handler checks the rest */
#define REQ_CONTROL	0x08	/* control peers of exod's uid (or root) only */

struct exod_req {
	uint16_t	 type;		/* EXO_MSG_* */
	const char	*name;
	size_t		 minlen;	/* payload bytes; exact unless REQ_VARLEN */
	size_t		 maxlen;
	int		 flags;		/* REQ_* */
	void		(*handle)(struct peer *, const struct exo_hdr *,
			    const void *);
};
void	dispatch_message(struct peer *, const void *, size_t, int *, unsigned,
	    int);
int	dispatch_caps(const struct exo_hdr *, const void *, unsigned, uint32_t,
	    struct exo_cap *, uint32_t *, uint32_t *);
void	dispatch_reply_caps(struct peer *, const struct exo_hdr *,
	    const struct exo_cap *, unsigned, int *, unsigned);

/* req_list.c: a page of what a libOS holds, from index start on. */
typedef unsigned (*req_list_fn)(struct peer *, uint32_t, struct exo_cap *,
	    unsigned, uint32_t *);
void	req_list_reply(struct peer *, const struct exo_hdr *, const void *,
	    req_list_fn);

extern const struct exod_req req_hello;
extern const struct exod_req req_null;
extern const struct exod_req req_cap_check;
extern const struct exod_req req_frame_alloc;
extern const struct exod_req req_frame_free;
extern const struct exod_req req_status;
extern const struct exod_req req_slot_claim;
extern const struct exod_req req_slot_release;
extern const struct exod_req req_slots;
extern const struct exod_req req_entry_set;
extern const struct exod_req req_event_send;
extern const struct exod_req req_call;
extern const struct exod_req req_yield;
extern const struct exod_req req_stlb_set;
extern const struct exod_req req_block_alloc;
extern const struct exod_req req_block_free;
extern const struct exod_req req_block_list;
extern const struct exod_req req_disk_io;
extern const struct exod_req req_disk_flush;
extern const struct exod_req req_disk_info;
extern const struct exod_req req_disk_ring_bind;
extern const struct exod_req req_disk_ring_unbind;
extern const struct exod_req req_revoke;
extern const struct exod_req req_autosave;
extern const struct exod_req req_protect;
extern const struct exod_req req_tile_alloc;
extern const struct exod_req req_tile_free;
extern const struct exod_req req_display_info;
extern const struct exod_req req_display_snap;
extern const struct exod_req req_history;
extern const struct exod_req req_cap_derive;
extern const struct exod_req req_cap_grant;
extern const struct exod_req req_grant_revoke;
extern const struct exod_req req_frame_open;
extern const struct exod_req req_net_filter_add;
extern const struct exod_req req_net_filter_del;
extern const struct exod_req req_net_filter_list;
extern const struct exod_req req_net_ring;
extern const struct exod_req req_net_send;
extern const struct exod_req req_net_handler;
extern const struct exod_req req_net_info;
extern const struct exod_req req_net_capture;
extern const struct exod_req req_chan_bind;
extern const struct exod_req req_chan_accept;
extern const struct exod_req req_chan_close;
extern const struct exod_req req_extent;

/* --- pool.c --------------------------------------------------------- */
int	pool_init(unsigned);
int	pool_make(void);
int	pool_take(void);
void	pool_fini(void);

/* --- frame.c -------------------------------------------------------- */
int	frame_init(uint32_t);
void	frame_fini(void);
uint32_t frame_total(void);
uint32_t frame_free_count(void);
int	frame_bind(struct peer *, unsigned, struct exo_cap *, int *);
int	frame_check(const struct peer *, const struct exo_cap *, unsigned);
int	frame_release(struct peer *, const struct exo_cap *, unsigned);
void	frame_reclaim(struct peer *);
void	*frame_va(uint32_t);
void	frame_abort(struct peer *, uint32_t);
void	frame_cap(const struct peer *, uint32_t, struct exo_cap *);
uint32_t frame_owner(uint32_t);
struct revocation *frame_rev(uint32_t);
void	frame_set_rev(uint32_t, struct revocation *);
uint64_t frame_autosave(uint32_t);
void	frame_set_autosave(uint32_t, uint64_t);
int	frame_protected(uint32_t);
int	frame_protect(struct peer *, uint32_t, int, unsigned);
unsigned frame_revocable_count(const struct peer *, unsigned);
unsigned frame_pick_revocable(const struct peer *, unsigned, uint32_t *);
void	frame_alloc_reply(struct peer *, const struct exo_hdr *, unsigned);
int	frame_open_fd(uint32_t, int, int *);
int	frame_reback(struct peer *, uint32_t, struct exo_cap *, int *);

struct extent;
void	frame_bind_extent(struct peer *, struct extent *, uint32_t,
	    uint32_t *);
void	frame_free_one(struct peer *, uint32_t);

/* --- grant.c -------------------------------------------------------- */
void	grant_res_gone(unsigned, uint64_t);
void	grant_peer_gone(struct peer *);
int	grant_check_use(const struct peer *, const struct exo_cap *, unsigned,
	    unsigned);
int	grant_derive(const struct peer *, const struct exo_cap *, unsigned,
	    unsigned, struct exo_cap *);
int	grant_make(struct peer *, const struct exo_cap_grant *,
	    struct exo_cap *);
int	grant_revoke(struct peer *, const struct exo_cap *, struct exo_cap *,
	    int *);
int	grant_open(const struct peer *, const struct exo_cap *, int *);
void	grant_fini(void);

/* --- extent.c ------------------------------------------------------- */
int	extent_alloc(struct peer *, uint32_t, struct exo_extent_reply *,
	    struct exo_cap *, int *);
int	extent_caps(struct peer *, uint64_t, uint32_t,
	    struct exo_extent_reply *, struct exo_cap *);
int	extent_free(struct peer *, uint64_t, struct exo_extent_reply *);
void	*extent_va(struct extent *, uint32_t);
void	extent_frame_gone(struct extent *, uint32_t);

/* --- tile.c --------------------------------------------------------- */
int	tile_init(uint32_t, uint32_t, uint32_t);
void	tile_fini(void);
int	tile_info(struct exo_display_info *);
int	tile_bind(struct peer *, const struct exo_tile_alloc *,
	    struct exo_cap *, int *, unsigned *);
int	tile_check(const struct peer *, const struct exo_cap *, unsigned);
int	tile_release(struct peer *, const struct exo_cap *, unsigned);
void	tile_reclaim(struct peer *);
void	tile_abort(struct peer *, uint32_t);
int	tile_bound_to(const struct peer *, uint64_t);
void	tile_cap(const struct peer *, uint32_t, struct exo_cap *);
int	tile_snap(struct exo_display_snap *, uint32_t *, int *);

/* --- history.c ------------------------------------------------------ */
void	history_add(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t,
	    int32_t);
/* --- owners.c ------------------------------------------------------- */
/* The owner of one block, as the owners table keeps it. */
struct disk_owner {
	uint32_t	used;		/* 1: owned by uid/name; else all 0 */
	uint32_t	uid;
	char		name[EXO_NAME_MAX];	/* NUL-terminated */
};
uint32_t owners_open(const char *, uint32_t, struct disk_owner *);
int	owners_write(uint32_t, const struct disk_owner *);
int	owners_sync(void);
void	owners_close(void);
uint32_t owners_crc32c(const void *, size_t);

/* --- disk.c --------------------------------------------------------- */
void	disk_init(const char *, uint64_t);
int	disk_start(struct event_base *);
void	disk_fini(void);
uint32_t disk_blocks(void);
void	disk_attach(struct peer *);
void	disk_detach(struct peer *);
int	disk_alloc(struct peer *, unsigned, int, struct exo_cap *);
int	disk_check(const struct peer *, const struct exo_cap *, unsigned);
int	disk_free(struct peer *, const struct exo_cap *, unsigned);
void	disk_unbind(struct peer *, uint32_t);
unsigned disk_list(struct peer *, uint32_t, struct exo_cap *, unsigned,
	    uint32_t *);
int	disk_move(uint32_t, uint32_t, void *);
int	disk_io(struct peer *, uint32_t, uint64_t,
	    const struct exo_disk_pair *, unsigned);
void	disk_flush(struct peer *, const struct exo_hdr *);
void	disk_info(struct exo_disk_info *);
void	disk_count_autosave(void);
int	disk_owns(const struct peer *, uint64_t);
int	disk_fd(void);
int	disk_pwritev_all(struct iovec *, int, off_t);
void	disk_count_ring(uint32_t, unsigned);
void	disk_ring_failed(unsigned);

/* ring.c */
struct ring;
int	ring_start(struct event_base *);
void	ring_fini(void);
int	ring_bind(struct peer *, const struct exo_disk_ring_bind *,
	    const struct exo_cap *, int *);
int	ring_unbind(struct peer *);
void	ring_peer_gone(struct peer *);
void	ring_frame_gone(uint32_t);
void	ring_block_gone(uint32_t);
unsigned ring_failed_take(void);
void	ring_count_fold(void);
int	disk_bound_to(const struct peer *, uint32_t);
void	disk_cap(const struct peer *, uint32_t, struct exo_cap *);

/* --- revoke.c ------------------------------------------------------- */
extern uint64_t revoke_deadline_ns;
extern unsigned revoke_protected_max;
void	revoke_init(struct event_base *);
void	revoke_fini(void);
uint64_t revoke_autosave(struct peer *, uint32_t);
void	revoke_frame_gone(struct revocation *, struct peer *, uint32_t, int);
void	revoke_block_gone(struct peer *, uint32_t);
void	revoke_tile_gone(struct peer *, uint32_t);
void	revoke_settle(void);
void	revoke_request(struct peer *, const struct exo_hdr *,
	    const struct exo_revoke *);
void	revoke_peer_gone(struct peer *);
int	revoke_for_alloc(struct peer *, const struct exo_hdr *, unsigned);
unsigned revoke_spare(void);

/* --- expose.c ------------------------------------------------------ */
int	expose_new(struct peer *, int *, int *);
void	expose_free(struct peer *);
void	expose_frame(struct peer *, uint32_t, uint64_t);
void	expose_stlb_set(struct peer *, const struct exo_stlb_entry *,
	    unsigned);
void	expose_stlb_drop(struct peer *, uint32_t);
void	expose_slots(struct peer *);

/* --- chan.c --------------------------------------------------------- */
int	chan_new(struct peer *, int *);
void	chan_free(struct peer *);
void	chan_set_base(struct event_base *);
uint32_t chan_upcall(struct peer *, uint16_t, const void *, size_t, int);
uint32_t chan_next_id(const struct peer *);
void	chan_poll(struct peer *);
void	chan_doorbell(struct peer *);

/* --- sched.c -------------------------------------------------------- */
struct sched_config {
	unsigned	nslots;		/* -n */
	uint64_t	quantum_ns;	/* -q */
	uint64_t	bound_ns;	/* -b */
	int		roundrobin;	/* -r: unowned slots go round-robin */
	int		no_stlb;	/* --no-stlb */
	unsigned	tlb_entries;	/* -t */
};
extern struct sched_config sched_conf;
uint64_t sched_now(void);
int	sched_init(struct event_base *);
void	sched_shutdown(void);
void	sched_realtime(void);
void	sched_fini(void);
uint64_t sched_t0(void);
int	sched_claim(struct peer *, unsigned, const uint64_t *, struct exo_cap *,
	    unsigned *);
int	sched_release(struct peer *, const struct exo_cap *, unsigned);
int	sched_check(const struct peer *, const struct exo_cap *, unsigned);
void	sched_peer_gone(struct peer *);
void	sched_ack(struct peer *, uint64_t);
void	sched_relinquish(struct peer *, const struct exo_hdr *);
void	sched_wait(struct peer *, uint64_t);
int	sched_waiting(const struct peer *);
int	sched_deliverable(const struct peer *);
void	sched_donate(struct peer *, struct peer *);
void	sched_undonate(struct peer *, struct peer *);
int	sched_slots_reply(void *, size_t);
void	sched_signal(struct peer *, int);
struct peer *sched_running(void);

/* --- event.c -------------------------------------------------------- */
int	event_post(struct peer *, uint32_t, uint64_t);
int	event_post_upcall(struct peer *, uint16_t, const void *, size_t);
void	event_flush(struct peer *);

/* --- call.c --------------------------------------------------------- */
extern uint64_t call_deadline_ns;
void	call_sweep(uint64_t);
void	call_start(struct peer *, const struct exo_hdr *, uint32_t,
	    const void *, uint32_t);
void	call_answer(struct peer *, const struct exo_hdr *, const void *,
	    size_t);
void	call_peer_gone(struct peer *);

/* --- callchan.c ----------------------------------------------------- */
int	callchan_bind(struct peer *, uint32_t, struct exo_chan_reply *, int *,
	    int *);
int	callchan_accept(struct peer *, const struct exo_cap *,
	    struct exo_chan_reply *, int *);
int	callchan_unbind(struct peer *, const struct exo_cap *);
void	callchan_peer_gone(struct peer *);
void	callchan_lend(struct peer *, int);
int	callchan_init(struct event_base *);
void	callchan_fini(void);

struct peer *peer_find(uint32_t);

/* --- watch.c -------------------------------------------------------- */
void	watch_start(int);
int	watch_set_base(struct event_base *);
void	watch_add(struct peer *);
void	watch_drop(struct peer *);
void	watch_fini(void);
/* --- net.c (and net.h) --------------------------------------------- */
int	net_set_trusted(const char *, char *, size_t);
int	net_trusted(uid_t);
int	net_configure(const char *, char *, size_t);
int	net_present(void);
int	net_start(struct event_base *);
void	net_fini(void);
void	net_input(const uint8_t *, size_t);
int	net_capture_start(struct peer *, const struct exo_hdr *, uint32_t);
int	net_ring_set(struct peer *, const struct exo_cap *, unsigned);
int	net_send(struct peer *, const uint8_t *, size_t);
int	net_filter_add(struct peer *, const struct exo_bpf_insn *, size_t,
	    struct exo_net_filter_reply *, struct exo_net_verdict *);
int	net_filter_del(struct peer *, const struct exo_cap *);
unsigned net_filter_list(struct peer *, uint32_t, struct exo_cap *, unsigned,
	    uint32_t *);
int	net_handler_set(struct peer *, const struct exo_cap *, const char *);
void	net_peer_gone(struct peer *);
unsigned net_info(struct exo_net_info *, uint32_t,
	    struct exo_net_filter_info *, unsigned);

/* --- listen.c ------------------------------------------------------- */
int	listen_open(const char *, int);
int	listen_start(struct event_base *);
void	listen_close(void);

#endif /* EXOD_H */
