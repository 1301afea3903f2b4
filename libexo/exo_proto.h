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
#define EXO_MSG_MAX		16384	/* largest datagram, header included */
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
};

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
	EXO_ERR_MAX = 14
};

/* Resource types named by a capability. */
enum exo_res {
	EXO_RES_FRAME = 1,
};

/* Rights a capability grants. */
#define EXO_RIGHT_READ		0x01
#define EXO_RIGHT_WRITE		0x02
#define EXO_RIGHTS_ALL		0x03

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
	uint16_t	flags;		/* reserved, 0 */
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

struct exo_hello_reply {
	uint32_t	libos;		/* this connection's libOS id */
	uint32_t	frame_size;	/* EXO_FRAME_SIZE */
	uint32_t	frames_total;	/* physical memory in frames */
	uint32_t	batch_max;	/* EXO_BATCH_MAX */
};

/* CAP_CHECK: is this capability valid for me with these rights? */
struct exo_cap_check {
	struct exo_cap	cap;
	uint32_t	rights;		/* rights the check requires */
	uint32_t	reserved;	/* 0 */
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
	struct exo_cap	caps[];
};

/* FRAME_FREE: unbind count frames, all or none. */
struct exo_frame_free {
	uint32_t	count;		/* 1 .. EXO_BATCH_MAX */
	uint32_t	reserved;	/* 0 */
	struct exo_cap	caps[];
};

/* STATUS reply: totals, then npeers records of recsize bytes each. */
struct exo_status_reply {
	uint32_t	frames_total;
	uint32_t	frames_free;
	uint32_t	npeers;
	uint32_t	recsize;	/* sizeof(struct exo_status_peer) or more */
};

struct exo_status_peer {
	uint32_t	libos;
	int32_t		pid;
	uint32_t	uid;
	uint32_t	frames;		/* frames bound now */
	char		name[EXO_NAME_MAX];
};

#define EXO_STATIC_SIZE(t, n) _Static_assert(sizeof(t) == (n), #t " size")
EXO_STATIC_SIZE(struct exo_hdr, 16);
EXO_STATIC_SIZE(struct exo_cap, 40);
EXO_STATIC_SIZE(struct exo_hello, 40);
EXO_STATIC_SIZE(struct exo_hello_reply, 16);
EXO_STATIC_SIZE(struct exo_cap_check, 48);
EXO_STATIC_SIZE(struct exo_frame_alloc, 8);
EXO_STATIC_SIZE(struct exo_frame_alloc_reply, 8);
EXO_STATIC_SIZE(struct exo_frame_free, 8);
EXO_STATIC_SIZE(struct exo_status_reply, 16);
EXO_STATIC_SIZE(struct exo_status_peer, 48);

#endif /* EXO_PROTO_H */
