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
 *	req_*.c		one request family each
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

#define EXOD_PEERS_MAX		128	/* connected peers at once */
#define EXOD_OUTQ_HIGH		16	/* queued replies that pause reading */

/* --- log.c ---------------------------------------------------------- */
void	log_init(int, int);		/* foreground, verbosity */
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

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
	struct peer_msgq	 outq;		/* replies in order, at most OUTQ_HIGH+1 */
	unsigned		 outq_len;
	uint32_t		 frames;	/* frames bound to this libOS now */
};
TAILQ_HEAD(peer_list, peer);
extern struct peer_list peers;
extern unsigned peers_count;

void	peer_accept(struct event_base *, int);
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

extern const struct exod_req req_hello;
extern const struct exod_req req_null;
extern const struct exod_req req_cap_check;
extern const struct exod_req req_frame_alloc;
extern const struct exod_req req_frame_free;
extern const struct exod_req req_status;

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

/* --- listen.c ------------------------------------------------------- */
int	listen_open(const char *, int);
void	listen_close(void);

#endif /* EXOD_H */
