/*
 * exo_proto.h - the exod wire protocol, version 1.
 *
 * Every message is one SOCK_SEQPACKET datagram: a 16-byte header followed
 * by exactly hdr.len bytes of payload.  All integers are little-endian
 * (the host order of the machines exo runs on).  Every structure here is
 * laid out without padding; the sizes are checked at compile time below.
 * man/exo-protocol.7 documents this file byte for byte.
 */
#ifndef EXO_PROTO_H
#define EXO_PROTO_H

#include <stdint.h>

#define EXO_PROTO_VERSION	1
#define EXO_MSG_MAX		32768	/* largest datagram, header included */
#define EXO_FRAME_SIZE		4096	/* bytes in a page frame */
#define EXO_BATCH_MAX		253	/* frames in one request (SCM_MAX_FD) */
#define EXO_NAME_MAX		32	/* libOS name, NUL included */

/* Message header.  Requests carry status 0; replies echo type|REPLY, id. */
struct exo_hdr {
	uint16_t	version;	/* EXO_PROTO_VERSION */
	uint16_t	type;		/* enum exo_msg_type, maybe |EXO_MSG_REPLY */
	uint32_t	id;		/* chosen by the client, echoed in the reply */
	uint32_t	len;		/* payload bytes after the header, exact */
	int32_t		status;		/* reply: 0 or -EXO_E*; request: 0 */
};

#define EXO_MSG_REPLY		0x8000	/* set in the type of every reply */
#define EXO_MSG_UPCALL		0x4000	/* reserved for exod-initiated messages */

enum exo_msg_type {
	EXO_MSG_HELLO = 1,
	EXO_MSG_NULL = 2,
	EXO_MSG_CAP_CHECK = 3,
	EXO_MSG_FRAME_ALLOC = 4,
	EXO_MSG_FRAME_FREE = 5,
	EXO_MSG_STATUS = 6,
	EXO_MSG_SLOT_CLAIM = 7,
	EXO_MSG_SLOT_RELEASE = 8,
	EXO_MSG_ENTRY_SET = 9,
	EXO_MSG_EVENT_SEND = 10,
	EXO_MSG_CALL = 11,
	EXO_MSG_YIELD = 12,
	EXO_MSG_SLOTS = 13,
	EXO_MSG_STLB_SET = 14,
	EXO_MSG_BLOCK_ALLOC = 15,
	EXO_MSG_BLOCK_FREE = 16,
	EXO_MSG_BLOCK_LIST = 17,
	EXO_MSG_DISK_IO = 18,
	EXO_MSG_DISK_FLUSH = 19,
	EXO_MSG_DISK_INFO = 20,
	EXO_MSG_REVOKE = 21,
	EXO_MSG_AUTOSAVE = 22,
	EXO_MSG_PROTECT = 23,
	/* the network (exo(7) NETWORK): 32-39 */
	EXO_MSG_NET_FILTER_ADD = 32,
	EXO_MSG_NET_FILTER_DEL = 33,
	EXO_MSG_NET_FILTER_LIST = 34,
	EXO_MSG_NET_RING = 35,
	EXO_MSG_NET_SEND = 36,
	EXO_MSG_NET_HANDLER = 37,
	EXO_MSG_NET_INFO = 38,
	EXO_MSG_NET_CAPTURE = 39,
	/* the display (exod -F): 40-47 */
	EXO_MSG_TILE_ALLOC = 40,
	EXO_MSG_TILE_FREE = 41,
	EXO_MSG_DISPLAY_INFO = 42,
	EXO_MSG_DISPLAY_SNAP = 43,
	EXO_MSG_HISTORY = 44,
	/* attenuation and grants (exo(7) SHARING): 48-51 */
	EXO_MSG_CAP_DERIVE = 48,
	EXO_MSG_CAP_GRANT = 49,
	EXO_MSG_GRANT_REVOKE = 50,
	EXO_MSG_FRAME_OPEN = 51,
	/* the disk ring (exo(7) FAST PATHS): 52-53; 54-55 reserved */
	EXO_MSG_DISK_RING_BIND = 52,
	EXO_MSG_DISK_RING_UNBIND = 53,
	/* bound call channels (exo(7) FAST PATHS): 56-58 */
	EXO_MSG_CHAN_BIND = 56,
	EXO_MSG_CHAN_ACCEPT = 57,
	EXO_MSG_CHAN_CLOSE = 58,
	/* frames bound as extents (exo(7) FAST PATHS): 59 */
	EXO_MSG_EXTENT = 59,
};

/*
 * Upcalls travel on the upcall channel, a second SOCK_SEQPACKET connection
 * exod hands each libOS with the HELLO reply.  exod -> libOS messages have
 * these types (status 0, id = exod's upcall sequence number); the libOS
 * answers some of them with the same type | EXO_MSG_REPLY.  When the libOS
 * is running, exod rings its doorbell: signal EXO_SIG_UPCALL.
 */
enum exo_upcall_type {
	EXO_UPCALL_TIMER = EXO_MSG_UPCALL | 1,	/* end of quantum; ack it */
	EXO_UPCALL_EVENT = EXO_MSG_UPCALL | 2,	/* an event for this libOS */
	EXO_UPCALL_CALL = EXO_MSG_UPCALL | 3,	/* a protected call; answer it */
	EXO_UPCALL_DISK = EXO_MSG_UPCALL | 4,	/* a disk request completed */
	EXO_UPCALL_REVOKE = EXO_MSG_UPCALL | 5,	/* give these back by the deadline */
	EXO_UPCALL_REPOSSESSED = EXO_MSG_UPCALL | 6, /* these were taken */
	EXO_UPCALL_NET = EXO_MSG_UPCALL | 9,	/* packets are in the rx ring */
	EXO_UPCALL_CHAN = EXO_MSG_UPCALL | 13,	/* a caller bound a channel */
	EXO_UPCALL_WAIT = EXO_MSG_UPCALL | 0x40, /* libOS -> exod: waiting */
};

#define EXO_SIG_UPCALL		40	/* doorbell: SIGRTMIN+6 under glibc */

/* Error codes.  On the wire and from libexo they appear negated. */
enum exo_err {
	EXO_OK = 0,
	EXO_EPROTO = 1,		/* malformed message */
	EXO_EVERSION = 2,	/* protocol version not spoken */
	EXO_ENOSYS = 3,		/* unknown message type */
	EXO_EINVAL = 4,		/* invalid argument in a well-formed message */
	EXO_EBADCAP = 5,	/* capability forged or altered: MAC fails */
	EXO_ENOTOWNER = 6,	/* capability minted for another libOS */
	EXO_ESTALE = 7,		/* capability's generation no longer current */
	EXO_ERIGHTS = 8,	/* capability lacks the rights asked for */
	EXO_ENOMEM = 9,		/* not enough free frames */
	EXO_ESTATE = 10,	/* request not valid in this connection state */
	EXO_EPERM = 11,		/* peer not permitted this request */
	EXO_EBUSY = 12,		/* exod serves its maximum number of peers */
	EXO_ECONN = 13,		/* client side: no connection to exod */
	EXO_ESYS = 14,		/* client side: a host call failed, see errno */
	EXO_ENOLIBOS = 15,	/* no such libOS */
	EXO_ENOENTRY = 16,	/* target has no such entry point registered */
	EXO_EDIED = 17,		/* target libOS died during the call */
	EXO_EOVERFLOW = 18,	/* target's event queue full: event dropped */
	EXO_ECONFLICT = 19,	/* slot already bound to another libOS */
	EXO_EBUSYTARGET = 20,	/* target is serving another call */
	EXO_EIO = 21,		/* the disk image could not be read or written */
	EXO_ELIMIT = 22,	/* over the protected minimum */
	EXO_ETIMEDOUT = 23,	/* the callee did not answer in time */
	EXO_EREVOKING = 24,	/* the resource is being revoked already */
	EXO_ENFILE = 25,	/* exod is out of descriptors */
	/* the network: 30-33 */
	EXO_EBPF = 30,		/* filter refused by exod's BPF verifier */
	EXO_EOVERLAP = 31,	/* filter claims another libOS's traffic */
	EXO_ESPOOF = 32,	/* frame's source is not one the libOS claimed */
	EXO_ENONET = 33,	/* exod has no network interface (-N) */
	/* the display: 34-36 */
	EXO_ENODISPLAY = 34,	/* exod has no display (no -F) */
	EXO_ETILEBUSY = 35,	/* a tile asked for is bound already */
	EXO_ENOTILES = 36,	/* fewer tiles free than asked for */
	/* sharing: 37-38 */
	EXO_EGRANTED = 37,	/* a granted capability where only the
				   owner's own will do */
	EXO_EGRANTS = 38,	/* too many grants made or held */
	/* the disk ring: 39-40 */
	EXO_ERING = 39,		/* ring's tail behind exod's head or past the end */
	EXO_ETORN = 40,		/* ring entry's seq is not its index: torn */
	/* bound channels and extents: 41-42 */
	EXO_ECLOSED = 41,	/* the call channel was closed */
	EXO_ETOOMANY = 42,	/* over a per-libOS count: channels, extents */
	EXO_ERR_MAX = 42
};

/* Resource types named by a capability. */
enum exo_res {
	EXO_RES_FRAME = 1,
	EXO_RES_SLOT = 2,
	EXO_RES_BLOCK = 3,
	EXO_RES_FILTER = 4,	/* an installed packet filter */
	EXO_RES_TILE = 5,	/* a tile of the display */
	EXO_RES_CHAN = 7,	/* one end of a bound call channel */
};

/* Rights a capability grants. */
#define EXO_RIGHT_READ		0x01
#define EXO_RIGHT_WRITE		0x02
#define EXO_RIGHTS_ALL		0x03

/* Capability flags (exo(7) SHARING); exod sets them, the MAC covers them. */
#define EXO_CAP_GRANTED		0x0001	/* held by grant: owner is the
					   grantee, gen the grant's number */
#define EXO_CAP_REGRANT		0x0002	/* its holder may grant it on */

#define EXO_CAP_MACLEN		16
#define EXO_CAP_SEALED		24	/* bytes covered by the MAC */

/*
 * A capability: the key to one binding.  mac is a keyed BLAKE2b-128 of the
 * first EXO_CAP_SEALED bytes under a key exod makes at start, so a peer can
 * read a capability but never make or change one.
 */
struct exo_cap {
	uint8_t		type;		/* enum exo_res */
	uint8_t		rights;		/* EXO_RIGHT_* */
	uint16_t	flags;		/* EXO_CAP_* */
	uint32_t	owner;		/* libOS id the binding belongs to */
	uint64_t	id;		/* resource number (frame number) */
	uint64_t	gen;		/* generation of the binding */
	uint8_t		mac[EXO_CAP_MACLEN];
};

/* HELLO: the first request on every connection. */
#define EXO_HELLO_CONTROL	0x01	/* administration client, not a libOS */

struct exo_hello {
	uint32_t	flags;		/* EXO_HELLO_* */
	uint32_t	reserved;	/* 0 */
	char		name[EXO_NAME_MAX]; /* printable, NUL-terminated */
};

/*
 * A libOS's HELLO reply carries three descriptors (SCM_RIGHTS): [0] its
 * end of the upcall channel; [1] its exposed state (struct exo_expose), a
 * memfd it can map read-only and never write; [2] its statistics page
 * (struct exo_stats), which its libexo writes and exod only displays.  A
 * control peer gets none.
 */
struct exo_hello_reply {
	uint32_t	libos;		/* this connection's libOS id */
	uint32_t	frame_size;	/* EXO_FRAME_SIZE */
	uint32_t	frames_total;	/* physical memory in frames */
	uint32_t	batch_max;	/* EXO_BATCH_MAX */
	uint32_t	nslots;		/* slots in the vector (-n) */
	uint32_t	quantum_us;	/* length of a slot (-q) */
	uint32_t	bound_us;	/* context save bound (-b) */
	uint32_t	tlb_entries;	/* emulated TLB size (-t) */
	uint32_t	expose_size;	/* bytes of the exposed state memfd */
	uint32_t	reserved;	/* 0 */
};

/* CAP_CHECK: is this capability valid for me with these rights? */
struct exo_cap_check {
	struct exo_cap	cap;
	uint32_t	rights;		/* rights the check requires */
	uint32_t	reserved;	/* 0 */
};

/*
 * CAP_DERIVE: the same key with fewer rights.  Reply: struct exo_cap.
 * Frames and blocks only; a granted capability derives granted ones.
 */
#define EXO_DERIVE_NOREGRANT	0x01	/* drop EXO_CAP_REGRANT too */

struct exo_cap_derive {
	struct exo_cap	cap;
	uint32_t	rights;		/* EXO_RIGHT_*, a non-empty subset */
	uint32_t	flags;		/* EXO_DERIVE_* */
};

/*
 * CAP_GRANT: let libOS grantee use cap's resource with rights.  Reply:
 * struct exo_cap, the grantee's key (flags EXO_CAP_GRANTED).
 */
#define EXO_GRANT_REGRANT	0x01	/* the grantee may grant it on */
#define EXO_GRANTS_MAX		256	/* grants of one libOS's resources;
					   grants one libOS holds */

struct exo_cap_grant {
	struct exo_cap	cap;
	uint32_t	grantee;	/* libOS id */
	uint32_t	rights;		/* EXO_RIGHT_*, a non-empty subset */
	uint32_t	flags;		/* EXO_GRANT_* */
	uint32_t	reserved;	/* 0 */
};

/*
 * GRANT_REVOKE: end a grant (and every grant made from it).  Reply, for
 * a frame: struct exo_cap, the owner's new key, and one descriptor, the
 * frame's new memory; for a block: empty.
 */
struct exo_grant_revoke {
	struct exo_cap	cap;		/* the grantee's key, as GRANT gave it */
};

/*
 * FRAME_OPEN: a descriptor of a frame, opened with cap's rights (read-only
 * without EXO_RIGHT_WRITE).  Reply: empty, and one descriptor.
 */
struct exo_frame_open {
	struct exo_cap	cap;
};

/* FRAME_ALLOC: bind count fresh, zeroed frames. */
struct exo_frame_alloc {
	uint32_t	count;		/* 1 .. EXO_BATCH_MAX */
	uint32_t	flags;		/* reserved, 0 */
};

/* Reply: count capabilities, and count descriptors in SCM_RIGHTS, in order. */
struct exo_frame_alloc_reply {
	uint32_t	count;
	uint32_t	reserved;
	/* followed by struct exo_cap caps[] */
};

/* FRAME_FREE: unbind count frames, all or none. */
struct exo_frame_free {
	uint32_t	count;		/* 1 .. EXO_BATCH_MAX */
	uint32_t	reserved;	/* 0 */
	/* followed by struct exo_cap caps[] */
};

/* SLOT_CLAIM: bind slots, by count spread evenly or by position. */
#define EXO_SLOTS_MAX		256	/* largest vector (-n) */
#define EXO_SLOT_BYPOS		0x01	/* take exactly the slots in mask */

struct exo_slot_claim {
	uint32_t	count;		/* slots wanted, without BYPOS */
	uint32_t	flags;		/* EXO_SLOT_* */
	uint64_t	mask[EXO_SLOTS_MAX / 64]; /* with BYPOS: slot i is bit i */
};

/* Reply: count slot capabilities (id = slot position), in position order. */
struct exo_slot_claim_reply {
	uint32_t	count;
	uint32_t	reserved;
	/* followed by struct exo_cap caps[] */
};

/* SLOT_RELEASE: as exo_frame_free, with slot capabilities. */
struct exo_slot_release {
	uint32_t	count;		/* 1 .. EXO_SLOTS_MAX */
	uint32_t	reserved;
	/* followed by struct exo_cap caps[] */
};

/* ENTRY_SET: which entry points of the PE this libOS has registered. */
#define EXO_ENTRY_EXCEPTION	0x01
#define EXO_ENTRY_INTERRUPT	0x02
#define EXO_ENTRY_PROTECTED	0x04
#define EXO_ENTRY_ADDRESSING	0x08
#define EXO_ENTRY_ALL		0x0f

struct exo_entry_set {
	uint32_t	entries;	/* EXO_ENTRY_* */
	uint32_t	reserved;
};

/* EVENT_SEND: an event for another libOS (or oneself). */
struct exo_event_send {
	uint32_t	target;		/* libOS id */
	uint32_t	reserved;
	uint64_t	value;
};

/* EXO_UPCALL_EVENT payload. */
struct exo_upcall_event {
	uint32_t	from;		/* sender's libOS id */
	uint32_t	dropped;	/* events dropped since the last delivered */
	uint64_t	value;
};

/*
 * EXO_UPCALL_WAIT payload (libOS -> exod): empty, a wait without end, or
 * this, a wait that ends at deadline_ns whether or not an upcall came.
 */
struct exo_wait {
	uint64_t	deadline_ns;	/* CLOCK_MONOTONIC; 0: no deadline */
};

/* EXO_UPCALL_TIMER payload; the ack (TIMER|REPLY) echoes tick. */
struct exo_upcall_timer {
	uint64_t	tick;		/* quantum number that ended */
	uint64_t	deadline_ns;	/* CLOCK_MONOTONIC: ack before this */
};

/* CALL: a protected control transfer into target's protected entry. */
#define EXO_CALL_MAX		1024	/* bytes of request or reply data */

struct exo_call {
	uint32_t	target;		/* libOS id */
	uint32_t	len;		/* data bytes that follow */
	/* followed by uint8_t data[] */
};

/*
 * CALL reply payload, and the callee's answer (EXO_UPCALL_CALL|REPLY on
 * its channel, header id = the CALL upcall's id).  status is the callee's
 * own: 0 or a negative number of its choosing.
 */
struct exo_call_reply {
	int32_t		status;
	uint32_t	len;		/* data bytes that follow */
	/* followed by uint8_t data[] */
};

/* EXO_UPCALL_CALL payload. */
struct exo_upcall_call {
	uint32_t	caller;		/* libOS id */
	uint32_t	callid;		/* = the upcall's header id; the answer's
					   header id echoes it */
	uint32_t	len;
	uint32_t	reserved;
	/* followed by uint8_t data[] */
};

/*
 * Bound call channels.  CHAN_BIND (the caller) binds a channel to target's
 * protected entry: exod checks both sides, makes the channel's shared
 * page and hands it to the caller; the callee is told with an
 * EXO_UPCALL_CHAN and takes its end with CHAN_ACCEPT.  Calls then travel
 * through the page (struct exo_chan_page) without exod.
 */
#define EXO_CHAN_MAX		16	/* channels one libOS binds as caller */
#define EXO_CHAN_PAGE		4096	/* bytes of the shared page */

struct exo_chan_bind {
	uint32_t	target;		/* the callee's libOS id */
	uint32_t	flags;		/* reserved, 0 */
};

/*
 * CHAN_BIND and CHAN_ACCEPT reply; one descriptor, the shared page, and
 * for CHAN_BIND a second: the caller's own page (struct exo_chan_own),
 * shared with exod alone.
 */
struct exo_chan_reply {
	struct exo_cap	cap;		/* this side's end (EXO_RES_CHAN) */
	uint64_t	deadline_ns;	/* a call's deadline, from its start */
	uint32_t	peer;		/* the other side's libOS id */
	uint32_t	size;		/* EXO_CHAN_PAGE */
};

/* CHAN_ACCEPT and CHAN_CLOSE request. */
struct exo_chan_req {
	struct exo_cap	cap;
};

/* EXO_UPCALL_CHAN payload: the callee's end, to accept. */
struct exo_upcall_chan {
	uint32_t	caller;		/* libOS id */
	uint32_t	reserved;
	struct exo_cap	cap;		/* owner = the callee */
};

/*
 * The shared page.  Both parties write it; neither trusts it.  call and
 * answer are futex words: the number of calls made and answered, modulo
 * 2^31; exod ors EXO_CHAN_CLOSED into both when the channel closes and
 * writes why into closed_status first.  A side that sleeps on a word
 * sets its sleeps flag first, so the other wakes it only then.
 */
#define EXO_CHAN_MAGIC		0x4e414843	/* "CHAN" */
#define EXO_CHAN_CLOSED		0x80000000u
#define EXO_CHAN_SEQ		0x7fffffffu

struct exo_chan_page {
	/* the caller's line */
	uint32_t	magic;		/* exod: EXO_CHAN_MAGIC */
	uint32_t	caller;		/* exod: libOS ids */
	uint32_t	callee;
	int32_t		closed_status;	/* exod: -EXO_EDIED or -EXO_ECLOSED */
	uint32_t	call;		/* caller: calls made | CLOSED */
	uint32_t	callee_sleeps;	/* callee: 1 while asleep on call */
	uint32_t	req_len;	/* caller: bytes in req */
	uint32_t	reserved0[9];
	/* the callee's line */
	uint32_t	answer;		/* callee: calls answered | CLOSED */
	uint32_t	caller_sleeps;	/* caller: 1 while asleep on answer */
	uint32_t	rep_len;	/* callee: bytes in rep */
	int32_t		rep_status;	/* callee: 0 or its negative status */
	uint32_t	reserved1[12];
	uint8_t		req[EXO_CALL_MAX];
	uint8_t		rep[EXO_CALL_MAX];
};

/*
 * The caller's own page, shared with exod alone, so the callee cannot
 * write it: while calling is nonzero the caller is blocked in call number
 * calling, and exod lets a callee it keeps stopped run on the caller's
 * time only while that call is open (its answer word is not calling).
 */
struct exo_chan_own {
	uint32_t	calling;	/* caller: the call it waits in, or 0 */
	uint32_t	reserved[15];
};

/*
 * EXTENT: frames bound as an extent, many frames behind one descriptor
 * and one mapping, each frame still its own capability.  Frame i of an
 * extent is at offset i * EXO_FRAME_SIZE of its descriptor.  A frame
 * that leaves the extent (freed, revoked, aborted) never comes back to
 * it: exod punches its page out and binds the frame next with a fresh
 * backing object.
 */
#define EXO_EXTENT_ALLOC	1	/* bind count fresh frames as one */
#define EXO_EXTENT_CAPS		2	/* capabilities from index start on */
#define EXO_EXTENT_FREE		3	/* unbind every frame still in it */
#define EXO_EXTENT_MAX		262144	/* frames in one extent: 1 GiB */
#define EXO_EXTENTS_MAX		64	/* extents one libOS holds at once */

struct exo_extent_req {
	uint32_t	op;		/* EXO_EXTENT_* */
	uint32_t	count;		/* ALLOC: 1 .. EXO_EXTENT_MAX; else 0 */
	uint64_t	extent;		/* CAPS, FREE: the handle; ALLOC: 0 */
	uint32_t	start;		/* CAPS: first index wanted; else 0 */
	uint32_t	reserved;	/* 0 */
};

/* Reply (ALLOC with one descriptor): this, then ncaps capabilities of
 * indexes start on; a frame no longer in the extent has an all-zero one. */
struct exo_extent_reply {
	uint64_t	extent;		/* the handle: generation << 32 | slot */
	uint32_t	count;		/* frames it was bound with */
	uint32_t	live;		/* of them, still in it */
	uint32_t	start;
	uint32_t	ncaps;		/* 0 .. EXO_EXTENT_PAGE */
	/* followed by struct exo_cap caps[ncaps] */
};
#define EXO_EXTENT_PAGE		((EXO_MSG_MAX - 16 - 24) / 40)	/* 818 */

/* SLOTS reply: the vector, then nslots owner ids (0 = unowned). */
struct exo_slots_reply {
	uint32_t	nslots;
	uint32_t	quantum_us;
	uint32_t	bound_us;
	uint32_t	flags;		/* EXO_SLOTS_ROUNDROBIN */
	uint64_t	tick;		/* quanta since exod started its timer */
	uint64_t	epoch;		/* completed passes over the vector */
	uint32_t	current;	/* slot now */
	uint32_t	running;	/* libOS id holding the CPU, 0 if none */
	/* followed by uint32_t owner[] */
};
#define EXO_SLOTS_ROUNDROBIN	0x01	/* unowned slots go round-robin */

/*
 * Exposed kernel data (as in XOK): exod's view of one libOS, published
 * read-only so that libexo can check bindings at memory speed.  exod
 * writes each field with one aligned store; a libOS never can.
 */
#define EXO_EXPOSE_MAGIC	0x584f5845	/* "EXOX" */
#define EXO_STLB_MAX		64	/* guaranteed mappings per libOS */
#define EXO_EXPOSE_NO_STLB	0x01	/* exod --no-stlb: no STLB at all */

struct exo_stlb_entry {
	uint64_t	va;		/* page address in the libOS's region */
	uint64_t	frame;		/* frame number */
	uint64_t	gen;		/* generation of the frame's binding */
	uint32_t	rights;		/* EXO_RIGHT_* to install with */
	uint32_t	reserved;
};

struct exo_expose {
	uint32_t	magic;		/* EXO_EXPOSE_MAGIC */
	uint32_t	libos;
	uint32_t	frames_total;	/* entries in frame_gen[] */
	uint32_t	flags;		/* EXO_EXPOSE_* */
	uint32_t	nslots;
	uint32_t	quantum_us;
	uint64_t	t0_ns;		/* CLOCK_MONOTONIC of tick 0 */
	uint64_t	slot_mask[EXO_SLOTS_MAX / 64]; /* slots bound to me */
	uint64_t	switches;	/* times exod switched me in */
	uint64_t	forced;		/* times I was stopped at the bound */
	uint64_t	tick;		/* quantum of my last switch-in */
	uint32_t	stlb_count;	/* valid entries in stlb[] */
	uint32_t	reserved;
	struct exo_stlb_entry stlb[EXO_STLB_MAX];
	uint64_t	frame_gen[];	/* generation at which frame i is bound
					   to me; 0 when it is not */
};

/* STLB_SET: replace this libOS's guaranteed mappings (count 0 clears). */
struct exo_stlb_req {
	uint64_t	va;		/* page-aligned address in the region */
	uint32_t	rights;		/* within the capability's rights */
	uint32_t	reserved;	/* 0 */
	struct exo_cap	cap;		/* a frame capability of the caller's */
};

struct exo_stlb_set {
	uint32_t	count;		/* 0 .. EXO_STLB_MAX */
	uint32_t	reserved;	/* 0 */
	/* followed by struct exo_stlb_req entries[] */
};

/* BLOCK_ALLOC: bind count fresh, zeroed disk blocks (contiguous if it can). */
#define EXO_BLOCK_SIZE		4096

struct exo_block_alloc {
	uint32_t	count;		/* 1 .. EXO_BATCH_MAX */
	uint32_t	flags;		/* 0 or EXO_BLOCK_SCRATCH */
};
#define EXO_BLOCK_SCRATCH	0x1	/* the connection's alone: freed when
					   it ends, never listed, never in
					   the table of owners (swap) */

/* Reply: as exo_frame_alloc_reply, without descriptors. */

/* BLOCK_FREE: as exo_frame_free, with block capabilities. */

/* BLOCK_LIST: reissue capabilities for the blocks this libOS owns. */
struct exo_block_list {
	uint32_t	start;		/* index into the owned blocks, by number */
	uint32_t	reserved;	/* 0 */
};

struct exo_block_list_reply {
	uint32_t	count;		/* capabilities that follow, <= 253 */
	uint32_t	total;		/* blocks owned in all */
	/* followed by struct exo_cap caps[] */
};

/* DISK_IO: exod moves blocks to or from frames (the emulation's DMA). */
#define EXO_DISK_READ		1	/* block -> frame */
#define EXO_DISK_WRITE		2	/* frame -> block */
#define EXO_DISK_IO_MAX		64	/* block/frame pairs in one request */

struct exo_disk_pair {
	struct exo_cap	block;
	struct exo_cap	frame;
};

struct exo_disk_io {
	uint32_t	op;		/* EXO_DISK_READ or EXO_DISK_WRITE */
	uint32_t	count;		/* 1 .. EXO_DISK_IO_MAX */
	uint64_t	tag;		/* the libOS's, echoed in the completion */
	/* followed by struct exo_disk_pair pairs[] */
};

/* EXO_UPCALL_DISK payload: the completion interrupt. */
struct exo_upcall_disk {
	uint64_t	tag;
	uint32_t	op;
	uint32_t	count;
	int32_t		status;		/* 0 or -EXO_EIO */
	uint32_t	dropped;	/* interrupts lost just before this one */
};

/* DISK_INFO reply. */
/*
 * The disk ring (exo-protocol(7) DISK RING): frames of the libOS's own,
 * shared with exod.  Frame 0 holds struct exo_disk_ring_hdr and, from
 * EXO_DISK_RING_CQ_OFF, the completion ring; frames 1.. hold the
 * submission ring, EXO_DISK_RING_SQ_PER_FRAME entries each.  Indices run
 * free (mod 2^32); entry i is in slot i % entries.
 */
#define EXO_DISK_RING_MAX	128	/* entries: a power of 2, 1 .. this */
#define EXO_DISK_RING_PAIRS	16	/* block/frame pairs in one entry */
#define EXO_DISK_RING_SQ_PER_FRAME 3	/* submission entries in a frame */
#define EXO_DISK_RING_CQ_OFF	256	/* completion ring's offset, frame 0 */
#define EXO_DISK_RING_FRAMES(n)	\
	(1 + ((n) + EXO_DISK_RING_SQ_PER_FRAME - 1) / EXO_DISK_RING_SQ_PER_FRAME)

/* Frame 0, offset 0: each index in a cache line of its own. */
struct exo_disk_ring_hdr {
	uint32_t	sq_tail;	/* libOS: entries it has written */
	uint32_t	pad0[15];
	uint32_t	sq_head;	/* exod: entries it has taken */
	uint32_t	error;		/* exod: 0, or EXO_ERING while the tail
					   is not one it can take from */
	uint32_t	errors;		/* exod: times it found EXO_ERING */
	uint32_t	sq_polling;	/* exod: 1 while it looks at sq_tail
					   without waiting for the doorbell */
	uint32_t	pad1[12];
	uint32_t	cq_tail;	/* exod: completions it has written */
	uint32_t	pad2[15];
	uint32_t	cq_head;	/* libOS: completions it has read */
	uint32_t	cq_spinning;	/* libOS: nonzero while it looks at
					   cq_tail itself: no interrupt */
	uint32_t	pad3[14];
};

/* A submission entry: seq is written last, equal to the entry's index. */
struct exo_disk_sqe {
	uint32_t	seq;		/* the index this entry was written for */
	uint16_t	op;		/* EXO_DISK_READ or EXO_DISK_WRITE */
	uint16_t	count;		/* 1 .. EXO_DISK_RING_PAIRS */
	uint64_t	tag;		/* the libOS's, echoed in the completion */
	struct exo_disk_pair pairs[EXO_DISK_RING_PAIRS];
};

/* A completion entry, one for every submission entry taken, in order. */
struct exo_disk_cqe {
	uint64_t	tag;		/* the entry's */
	uint32_t	seq;		/* the entry's index */
	int32_t		status;		/* 0 or -EXO_E* */
};

/*
 * DISK_RING_BIND: frames (EXO_DISK_RING_FRAMES(entries) of them, bound
 * to the caller, read and write) become the caller's disk ring.  The
 * reply carries two eventfds in SCM_RIGHTS: the doorbell (libOS writes)
 * and the completion interrupt (exod writes).
 */
struct exo_disk_ring_bind {
	uint32_t	entries;	/* a power of 2, 1 .. EXO_DISK_RING_MAX */
	uint32_t	start;		/* the first index (sq and cq) */
	uint32_t	count;		/* frames: EXO_DISK_RING_FRAMES(entries) */
	uint32_t	flags;		/* reserved, 0 */
	/* followed by struct exo_cap frames[count] */
};

struct exo_disk_info {
	uint32_t	blocks_total;
	uint32_t	blocks_free;
	uint32_t	block_size;	/* EXO_BLOCK_SIZE */
	uint32_t	torn;		/* owners records torn at start, freed */
	uint64_t	reads;		/* blocks read */
	uint64_t	writes;		/* blocks written (autosaves included) */
	uint64_t	flushes;
	uint64_t	autosaves;
};

/* REVOKE (control peers): take resources back from a libOS. */
#define EXO_REVOKE_FRAMES	1	/* arg revocable frames, exod's choice */
#define EXO_REVOKE_FRAME	2	/* frame number arg */
#define EXO_REVOKE_BLOCK	3	/* block number arg */
#define EXO_REVOKE_TILE		5	/* tile number arg (= EXO_RES_TILE) */

struct exo_revoke {
	uint32_t	target;		/* libOS id */
	uint32_t	kind;		/* EXO_REVOKE_* */
	uint64_t	arg;
};

/* Reply, once the revocation is over (given back or aborted). */
struct exo_revoke_reply {
	uint32_t	revoked;	/* capabilities in the vector */
	uint32_t	released;	/* given back before the deadline */
	uint32_t	aborted;	/* taken at the deadline */
	uint32_t	autosaved;	/* frames exod wrote to their seeded block */
};

/* One entry of a repossession vector. */
#define EXO_NO_BLOCK		UINT64_MAX

struct exo_revoke_entry {
	struct exo_cap	cap;		/* what is being taken */
	uint64_t	autosave;	/* block it is (was) saved to, or NO_BLOCK */
};

/* EXO_UPCALL_REVOKE and EXO_UPCALL_REPOSSESSED payload. */
struct exo_upcall_revoke {
	uint64_t	deadline_ns;	/* REVOKE: CLOCK_MONOTONIC; else 0 */
	uint32_t	count;
	uint32_t	reserved;
	/* followed by struct exo_revoke_entry entries[] */
};

/* AUTOSAVE: when exod revokes frame, it first writes it to block. */
#define EXO_AUTOSAVE_CLEAR	0x01	/* forget the seeds of these frames */

struct exo_autosave_pair {
	struct exo_cap	frame;
	struct exo_cap	block;		/* ignored with EXO_AUTOSAVE_CLEAR */
};

struct exo_autosave {
	uint32_t	count;		/* 1 .. EXO_BATCH_MAX */
	uint32_t	flags;		/* EXO_AUTOSAVE_* */
	/* followed by struct exo_autosave_pair pairs[] */
};

/* PROTECT: frames in the protected minimum are never repossessed. */
#define EXO_PROTECT_CLEAR	0x01	/* take these out of it */

struct exo_protect {
	uint32_t	count;		/* 1 .. EXO_BATCH_MAX */
	uint32_t	flags;		/* EXO_PROTECT_* */
	/* followed by struct exo_cap caps[] */
};

/*
 * The network.  Frames are Ethernet frames of EXO_NET_FRAME_MIN ..
 * EXO_NET_FRAME_MAX bytes.  A filter is classic BPF (struct bpf_insn's
 * layout) that exod verifies before it ever runs it.
 */
#define EXO_NET_FRAME_MIN	14	/* an Ethernet header */
#define EXO_NET_FRAME_MAX	1600	/* 1518, VLAN tags, and room */
#define EXO_NET_INSNS_MAX	1024	/* instructions in one filter */
#define EXO_NET_RING_MAX	64	/* frames in a receive ring */
#define EXO_NET_SLOT_SIZE	2048	/* bytes of one ring slot */
#define EXO_NET_SLOTS_PER_FRAME	(EXO_FRAME_SIZE / EXO_NET_SLOT_SIZE)
#define EXO_NET_PATH_MAX	256	/* native handler path, NUL included */

struct exo_bpf_insn {
	uint16_t	code;
	uint8_t		jt;
	uint8_t		jf;
	uint32_t	k;
};

/* NET_FILTER_ADD: count instructions follow. */
struct exo_net_filter_add {
	uint32_t	count;		/* 1 .. EXO_NET_INSNS_MAX */
	uint32_t	flags;		/* reserved, 0 */
	/* followed by struct exo_bpf_insn insns[] */
};

/* Merged classes (exo(7) DEMULTIPLEXING); 0: run on its own. */
enum exo_net_class {
	EXO_NET_UNMERGED = 0,
	EXO_NET_ARP = 1,		/* "arp": shared by every libOS */
	EXO_NET_HOST = 2,		/* "ip dst host A" */
	EXO_NET_HOST_UDP = 3,		/* "ip dst host A and udp dst port P" */
	EXO_NET_HOST_TCP = 4,		/* "ip dst host A and tcp dst port P" */
	EXO_NET_UDP = 5,		/* "udp dst port P" (IPv4 and IPv6) */
	EXO_NET_TCP = 6,		/* "tcp dst port P" (IPv4 and IPv6) */
	EXO_NET_UDP4 = 7,		/* "ip and udp dst port P" */
	EXO_NET_TCP4 = 8,		/* "ip and tcp dst port P" */
	EXO_NET_CLASSES = 9
};

/* Reply: the filter's capability (type EXO_RES_FILTER, id = filter). */
struct exo_net_filter_reply {
	struct exo_cap	cap;
	uint32_t	nclass;		/* enum exo_net_class */
	uint32_t	reserved;
};

/* Reply payload of a refusal with EXO_EBPF: where and why. */
enum exo_bpf_reason {
	EXO_BPF_EMPTY = 1,		/* no instructions */
	EXO_BPF_TOOLONG = 2,		/* over EXO_NET_INSNS_MAX */
	EXO_BPF_OPCODE = 3,		/* not a classic BPF instruction */
	EXO_BPF_JUMP = 4,		/* jump target past the end */
	EXO_BPF_BACKWARD = 5,		/* jump offset negative: a loop */
	EXO_BPF_LOAD = 6,		/* packet offset past any frame */
	EXO_BPF_MEM = 7,		/* scratch memory index >= 16 */
	EXO_BPF_DIVZERO = 8,		/* division or modulo by constant 0 */
	EXO_BPF_SHIFT = 9,		/* shift by a constant >= 32 */
	EXO_BPF_NORET = 10,		/* last instruction is not a return */
};

struct exo_net_verdict {
	uint32_t	pc;		/* the instruction refused */
	uint32_t	reason;		/* enum exo_bpf_reason */
};

/* NET_FILTER_DEL: remove one filter. */
struct exo_net_filter_del {
	struct exo_cap	cap;
};

/* NET_FILTER_LIST: as BLOCK_LIST, with filter capabilities. */

/*
 * NET_RING: the receive ring, count frames of the libOS's own, each cut
 * into EXO_NET_SLOTS_PER_FRAME slots; replaces the ring before it.
 */
struct exo_net_ring_req {
	uint32_t	count;		/* 1 .. EXO_NET_RING_MAX */
	uint32_t	flags;		/* reserved, 0 */
	/* followed by struct exo_cap caps[] */
};

struct exo_net_ring_reply {
	uint32_t	slots;		/* slots in the ring */
	uint32_t	reserved;
};

/*
 * One ring slot.  exod writes a slot only when its state is EMPTY, and
 * sets FULL last (a release store); the libOS sets EMPTY when done.
 */
#define EXO_NET_SLOT_EMPTY	0
#define EXO_NET_SLOT_FULL	1
#define EXO_NET_SLOT_GROUP	0x01	/* broadcast or multicast frame */

struct exo_net_slot {
	uint32_t	state;		/* EXO_NET_SLOT_* */
	uint32_t	len;		/* bytes in data */
	uint64_t	filter;		/* id of the filter that took it */
	uint64_t	stamp_ns;	/* CLOCK_MONOTONIC at arrival */
	uint32_t	flags;		/* EXO_NET_SLOT_GROUP */
	uint32_t	seq;		/* packets written to this ring before */
	/* followed by data, up to EXO_NET_SLOT_SIZE - 32 bytes */
};
#define EXO_NET_SLOT_DATA	(EXO_NET_SLOT_SIZE - 32)

/* EXO_UPCALL_NET payload: the receive interrupt. */
struct exo_upcall_net {
	uint32_t	count;		/* packets written since the last one */
	uint32_t	dropped;	/* interrupts lost just before this one */
	uint64_t	ring_drops;	/* packets lost to a full ring, in all */
};

/* NET_SEND: put one frame on the wire. */
struct exo_net_send {
	uint32_t	len;		/* EXO_NET_FRAME_MIN .. _MAX */
	uint32_t	flags;		/* reserved, 0 */
	/* followed by uint8_t data[len] */
};

/* NET_HANDLER: run native code on the packets filter accepts. */
struct exo_net_handler {
	struct exo_cap	filter;
	uint32_t	flags;		/* reserved, 0 */
	uint32_t	reserved;
	char		path[EXO_NET_PATH_MAX]; /* absolute, NUL-terminated */
};

/* NET_INFO: the interface, then filter records from start on. */
struct exo_net_info_req {
	uint32_t	start;
	uint32_t	reserved;
};

struct exo_net_info {
	char		backend[8];	/* "tap", "udp", "pcap", "none" */
	char		device[56];	/* the -N argument after the colon */
	uint64_t	rx;		/* frames received */
	uint64_t	tx;		/* frames sent */
	uint64_t	rx_unclaimed;	/* received, accepted by no filter */
	uint64_t	tx_refused;	/* sends refused (ESPOOF and others) */
	uint64_t	ring_drops;	/* packets lost to full rings */
	uint64_t	captured;	/* frames copied to capture clients */
	uint32_t	merged[EXO_NET_CLASSES]; /* filters per class */
	uint32_t	total;		/* filters installed */
	uint32_t	count;		/* records that follow */
	uint32_t	recsize;	/* sizeof(struct exo_net_filter_info) */
};

#define EXO_NET_F_HANDLER	0x01	/* a native handler is attached */

struct exo_net_filter_info {
	uint32_t	libos;
	uint32_t	nclass;		/* enum exo_net_class */
	uint64_t	id;
	uint64_t	packets;	/* delivered into the ring */
	uint64_t	drops;		/* accepted, lost to a full ring */
	uint64_t	handled;	/* run by its native handler */
	uint32_t	ninsns;
	uint32_t	flags;		/* EXO_NET_F_* */
	char		key[40];	/* the class's fields, printable */
};

/*
 * NET_CAPTURE (control peers): a copy of every frame exod receives or
 * sends.  The reply (empty) says capture started; then each frame comes
 * as a message of type NET_CAPTURE|REPLY with the request's id, until
 * count frames (0: until the client leaves).
 */
struct exo_net_capture {
	uint32_t	count;
	uint32_t	flags;		/* reserved, 0 */
};

#define EXO_NET_CAP_TX		0x01	/* sent, not received */

struct exo_net_captured {
	uint64_t	time_ns;	/* CLOCK_REALTIME */
	uint32_t	len;		/* bytes that follow */
	uint32_t	flags;		/* EXO_NET_CAP_* */
	/* followed by uint8_t data[len] */
};

/* Counters libexo keeps for its libOS; exod shows them, trusting nothing. */
struct exo_stats {
	uint64_t	traps;
	uint64_t	tlb_misses;
	uint64_t	tlb_installs;
	uint64_t	tlb_evictions;
	uint64_t	stlb_saves;
	uint64_t	stlb_preloads;
	uint64_t	stlb_hits;
	uint64_t	reserved[9];
};

/*
 * STATUS request: empty (from the first libOS), or this.  The reply lists
 * the libOSes with an id of at least start, in id order, as many as fit
 * in one message: a reply with fewer than EXO_STATUS_PAGE(recsize)
 * records is the last; ask again from the last id + 1 for more.
 */
struct exo_status_req {
	uint32_t	start;		/* first libOS id wanted */
	uint32_t	reserved;	/* 0 */
};
#define EXO_STATUS_PAGE(recsize) \
	((EXO_MSG_MAX - 16 - 16) / (recsize))	/* records in a full reply */

/* STATUS reply: totals, then npeers records of recsize bytes each. */
struct exo_status_reply {
	uint32_t	frames_total;
	uint32_t	frames_free;
	uint32_t	npeers;
	uint32_t	recsize;	/* sizeof(struct exo_status_peer) or more */
};

#define EXO_PEER_WAITING	0x01	/* in exo_wait */
#define EXO_PEER_INCALL		0x02	/* blocked in a protected call */
#define EXO_PEER_RUNNING	0x04	/* holds the CPU now */

struct exo_status_peer {
	uint32_t	libos;
	int32_t		pid;
	uint32_t	uid;
	uint32_t	frames;		/* frames bound now */
	char		name[EXO_NAME_MAX];
	/* the CPU */
	uint32_t	slots;		/* slots bound now */
	uint32_t	state;		/* EXO_PEER_* */
	uint32_t	entries;	/* EXO_ENTRY_* registered */
	uint32_t	events_queued;	/* waiting for its next slot */
	uint64_t	quanta;		/* quanta it has run */
	uint64_t	cpu_ns;		/* time it held the CPU */
	uint64_t	overruns;	/* saves that missed the bound */
	uint64_t	penalty_ns;	/* total deducted from its quanta */
	uint64_t	events;		/* events delivered */
	uint64_t	events_dropped;	/* events lost to a full queue */
	/* memory, as counted by its libexo (informational) */
	uint64_t	traps;
	uint64_t	tlb_misses;
	uint64_t	tlb_installs;
	uint64_t	tlb_evictions;
	uint64_t	stlb_saves;
	uint64_t	stlb_preloads;
	uint64_t	stlb_hits;
	/* revocation and the disk */
	uint64_t	revocations;
	uint64_t	aborts;
	uint32_t	blocks;
	uint32_t	tiles;		/* display tiles bound now */
	/* sharing */
	uint32_t	grants_out;	/* live grants of what is bound to it */
	uint32_t	grants_in;	/* live grants it holds */
};

/*
 * The display (exod -F WIDTHxHEIGHT[/TILE]): width x height pixels of 32
 * bits, 0x00RRGGBB in a uint32_t (the top byte is ignored), cut into
 * square tiles of side pixels, numbered row by row from the top left:
 * tile i is column i % cols, row i / cols.  Edge tiles that reach past
 * the display are whole tiles of which only the part inside is shown.
 * A tile's memory is side rows of side pixels, row after row.
 */
#define EXO_TILES_MAX		4096	/* tiles in one display */
#define EXO_DISPLAY_MAX		2048	/* pixels across or down, at most */
#define EXO_PIXEL_XRGB8888	1	/* the one pixel format */

/* DISPLAY_INFO reply (and the head of DISPLAY_SNAP's). */
struct exo_display_info {
	uint32_t	width;		/* pixels across */
	uint32_t	height;		/* pixels down */
	uint32_t	side;		/* pixels across and down a tile */
	uint32_t	cols;		/* tiles across: ceil(width / side) */
	uint32_t	rows;		/* tiles down: ceil(height / side) */
	uint32_t	tiles_free;	/* tiles bound to nobody now */
	uint32_t	format;		/* EXO_PIXEL_XRGB8888 */
	uint32_t	tile_bytes;	/* side * side * 4 */
};

/* TILE_ALLOC: bind fresh, zeroed tiles: count of any, or a rectangle. */
#define EXO_TILE_RECT		0x01	/* exactly the tiles x,y .. x+w,y+h */

struct exo_tile_alloc {
	uint32_t	flags;		/* EXO_TILE_* */
	uint32_t	count;		/* without RECT: 1 .. EXO_BATCH_MAX;
					   with RECT: 0 */
	uint32_t	x, y;		/* RECT: top left tile (column, row) */
	uint32_t	w, h;		/* RECT: tiles across, down; w * h <=
					   EXO_BATCH_MAX; else 0 */
};

/* Reply: as exo_frame_alloc_reply: count tile capabilities (id = tile
 * number; a rectangle row by row), count descriptors in SCM_RIGHTS. */

/* TILE_FREE: as exo_frame_free, with tile capabilities. */

/*
 * DISPLAY_SNAP reply (control peers): the info, then cols * rows owner
 * ids (0 = unbound); one descriptor: a memfd of width * height * 4 bytes,
 * the display composed now, row after row (unbound tiles are 0).
 */
struct exo_display_snap {
	struct exo_display_info	info;
	uint64_t	seq;		/* snapshots taken since exod started */
	/* followed by uint32_t owner[cols * rows] */
};

/* HISTORY: recent revocations, aborts and protected calls. */
#define EXO_HISTORY_MAX		64	/* records exod keeps, and sends */

#define EXO_HIST_REVOKE		1	/* a repossession vector went out */
#define EXO_HIST_ABORT		2	/* resources taken at the deadline */
#define EXO_HIST_CALL		3	/* a protected call began */
#define EXO_HIST_RETURN		4	/* it ended: answered, timed out,
					   or a party died */

struct exo_history_req {
	uint64_t	after;		/* send records with seq > after */
};

struct exo_history_entry {
	uint64_t	seq;		/* 1, 2, ... since exod started */
	uint64_t	time_ns;	/* CLOCK_MONOTONIC */
	uint32_t	kind;		/* EXO_HIST_* */
	uint32_t	from;		/* CALL, RETURN: the caller; else 0 */
	uint32_t	to;		/* the callee, or the libOS revoked */
	uint32_t	res;		/* REVOKE, ABORT: EXO_RES_*; else 0 */
	uint32_t	count;		/* REVOKE, ABORT: entries; CALL: bytes */
	int32_t		status;		/* RETURN: 0 or -EXO_E*; else 0 */
};

struct exo_history_reply {
	uint32_t	count;		/* records that follow, oldest first */
	uint32_t	reserved;
	uint64_t	last;		/* seq of the newest record exod has */
	/* followed by struct exo_history_entry entries[] */
};

/* The layout checks, spelled for C11 and for C++11 alike (a C++98
 * compiler skips them: the C build of libexo has made them). */
#if defined(__cplusplus) && __cplusplus >= 201103L
#define EXO_STATIC_SIZE(t, n) static_assert(sizeof(t) == (n), #t " size")
#elif defined(__cplusplus)
#define EXO_STATIC_SIZE(t, n) struct exo_static_size_unchecked
#else
#define EXO_STATIC_SIZE(t, n) _Static_assert(sizeof(t) == (n), #t " size")
#endif
EXO_STATIC_SIZE(struct exo_hdr, 16);
EXO_STATIC_SIZE(struct exo_cap, 40);
EXO_STATIC_SIZE(struct exo_hello, 40);
EXO_STATIC_SIZE(struct exo_hello_reply, 40);
EXO_STATIC_SIZE(struct exo_slot_claim, 40);
EXO_STATIC_SIZE(struct exo_entry_set, 8);
EXO_STATIC_SIZE(struct exo_event_send, 16);
EXO_STATIC_SIZE(struct exo_upcall_event, 16);
EXO_STATIC_SIZE(struct exo_upcall_timer, 16);
EXO_STATIC_SIZE(struct exo_wait, 8);
EXO_STATIC_SIZE(struct exo_call, 8);
EXO_STATIC_SIZE(struct exo_call_reply, 8);
EXO_STATIC_SIZE(struct exo_upcall_call, 16);
EXO_STATIC_SIZE(struct exo_chan_bind, 8);
EXO_STATIC_SIZE(struct exo_chan_reply, 56);
EXO_STATIC_SIZE(struct exo_chan_req, 40);
EXO_STATIC_SIZE(struct exo_upcall_chan, 48);
EXO_STATIC_SIZE(struct exo_chan_page, 128 + 2 * EXO_CALL_MAX);
EXO_STATIC_SIZE(struct exo_chan_own, 64);
EXO_STATIC_SIZE(struct exo_extent_req, 24);
EXO_STATIC_SIZE(struct exo_extent_reply, 24);
EXO_STATIC_SIZE(struct exo_slots_reply, 40);
EXO_STATIC_SIZE(struct exo_stlb_entry, 32);
EXO_STATIC_SIZE(struct exo_expose, 96 + 32 * EXO_STLB_MAX);
EXO_STATIC_SIZE(struct exo_stats, 128);
EXO_STATIC_SIZE(struct exo_stlb_req, 56);
EXO_STATIC_SIZE(struct exo_stlb_set, 8);
EXO_STATIC_SIZE(struct exo_block_alloc, 8);
EXO_STATIC_SIZE(struct exo_block_list, 8);
EXO_STATIC_SIZE(struct exo_block_list_reply, 8);
EXO_STATIC_SIZE(struct exo_disk_pair, 80);
EXO_STATIC_SIZE(struct exo_disk_io, 16);
EXO_STATIC_SIZE(struct exo_upcall_disk, 24);
EXO_STATIC_SIZE(struct exo_disk_info, 48);
EXO_STATIC_SIZE(struct exo_disk_ring_hdr, 256);
EXO_STATIC_SIZE(struct exo_disk_sqe, 16 + 80 * EXO_DISK_RING_PAIRS);
EXO_STATIC_SIZE(struct exo_disk_cqe, 16);
EXO_STATIC_SIZE(struct exo_disk_ring_bind, 16);
EXO_STATIC_SIZE(struct exo_revoke, 16);
EXO_STATIC_SIZE(struct exo_revoke_reply, 16);
EXO_STATIC_SIZE(struct exo_revoke_entry, 48);
EXO_STATIC_SIZE(struct exo_upcall_revoke, 16);
EXO_STATIC_SIZE(struct exo_autosave_pair, 80);
EXO_STATIC_SIZE(struct exo_autosave, 8);
EXO_STATIC_SIZE(struct exo_protect, 8);
EXO_STATIC_SIZE(struct exo_cap_check, 48);
EXO_STATIC_SIZE(struct exo_cap_derive, 48);
EXO_STATIC_SIZE(struct exo_cap_grant, 56);
EXO_STATIC_SIZE(struct exo_grant_revoke, 40);
EXO_STATIC_SIZE(struct exo_frame_open, 40);
EXO_STATIC_SIZE(struct exo_frame_alloc, 8);
EXO_STATIC_SIZE(struct exo_frame_alloc_reply, 8);
EXO_STATIC_SIZE(struct exo_frame_free, 8);
EXO_STATIC_SIZE(struct exo_status_req, 8);
EXO_STATIC_SIZE(struct exo_status_reply, 16);
EXO_STATIC_SIZE(struct exo_status_peer, 200);
EXO_STATIC_SIZE(struct exo_display_info, 32);
EXO_STATIC_SIZE(struct exo_tile_alloc, 24);
EXO_STATIC_SIZE(struct exo_display_snap, 40);
EXO_STATIC_SIZE(struct exo_history_req, 8);
EXO_STATIC_SIZE(struct exo_history_entry, 40);
EXO_STATIC_SIZE(struct exo_history_reply, 16);
EXO_STATIC_SIZE(struct exo_bpf_insn, 8);
EXO_STATIC_SIZE(struct exo_net_filter_add, 8);
EXO_STATIC_SIZE(struct exo_net_filter_reply, 48);
EXO_STATIC_SIZE(struct exo_net_verdict, 8);
EXO_STATIC_SIZE(struct exo_net_filter_del, 40);
EXO_STATIC_SIZE(struct exo_net_ring_req, 8);
EXO_STATIC_SIZE(struct exo_net_ring_reply, 8);
EXO_STATIC_SIZE(struct exo_net_slot, 32);
EXO_STATIC_SIZE(struct exo_upcall_net, 16);
EXO_STATIC_SIZE(struct exo_net_send, 8);
EXO_STATIC_SIZE(struct exo_net_handler, 304);
EXO_STATIC_SIZE(struct exo_net_info_req, 8);
EXO_STATIC_SIZE(struct exo_net_info, 160);
EXO_STATIC_SIZE(struct exo_net_filter_info, 88);
EXO_STATIC_SIZE(struct exo_net_capture, 8);
EXO_STATIC_SIZE(struct exo_net_captured, 16);

#endif /* EXO_PROTO_H */
