/*
 * peer.c - a connected peer: who it is, and how messages cross the red line.
 *
 * A peer is known by what the kernel says of it: SO_PEERCRED at accept and
 * a pidfd (SO_PEERPIDFD), so a pid reused after the libOS died can never be
 * taken for it.  Nothing a peer claims about itself is believed.
 *
 * exod never blocks on a peer.  Replies are sent without waiting; those
 * that do not fit wait in a short queue, and while EXOD_OUTQ_HIGH of them
 * wait exod stops reading that peer's requests.  A peer that never reads
 * therefore costs exod a bounded amount of memory and nothing else.
 *
 * Nobody who has not said HELLO can keep anyone out.  A connection must
 * say HELLO within peer_hello_ns or it is closed.  Those waiting for HELLO
 * are counted per uid: a uid that has EXOD_PENDING_UID waiting and opens
 * another loses its own oldest idle one (one with nothing sent); when the
 * unprivileged uids together have EXOD_PENDING_MAX waiting, a new one
 * displaces the oldest idle one of the uid that has the most.  exod's own
 * uid and root count apart from that pool, so the administrator's exoctl
 * always gets in; and among control connections EXOD_CONTROL_RESERVE are
 * theirs alone.  Once it says HELLO a libOS counts against EXOD_PEERS_MAX,
 * and, if it is unprivileged, against EXOD_PEERS_UID for its uid.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "exo.h"
#include "exod.h"

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD	77
#endif

#define PEER_READ_BATCH	8	/* datagrams read per wake-up, for fairness */
#define PEER_FDS_MAX	EXO_BATCH_MAX

struct peer_list	 peers = TAILQ_HEAD_INITIALIZER(peers);
unsigned		 peers_count;

uint64_t		 peer_hello_ns = 2000 * 1000000ULL;	/* -H */

static struct event_base *peer_base;
static uint32_t		 peer_next_libos = 1;
static struct log_limit	 peer_refuse_limit;

static void	peer_read_cb(int, short, void *);
static void	peer_write_cb(int, short, void *);
static void	peer_pid_cb(int, short, void *);
static void	peer_hello_cb(int, short, void *);

static void
peer_close_fds(int *fds, unsigned n)
{
	unsigned	i;

	for (i = 0; i < n; i++)
		if (fds[i] != -1)
			close(fds[i]);
}

/* The peer's pidfd, asked of the kernel for this very connection. */
static int
peer_pidfd(int fd, pid_t pid)
{
	socklen_t	len = sizeof(int);
	int		pidfd;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) == 0 &&
	    len == sizeof(int))
		return (pidfd);
	/*
	 * Kernels before 6.5 have no SO_PEERPIDFD: open by pid.  This leaves
	 * a window in which a peer that died at once could have its pid
	 * reused; exod.8 says so.
	 */
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	return (pidfd);
}

/* Register a new connection; takes fd.  NULL (fd closed) on failure. */
struct peer *
peer_new(int fd, pid_t pid, uid_t uid, gid_t gid, int pidfd)
{
	struct peer	*p;
	struct timeval	 tv;

	if ((p = calloc(1, sizeof *p)) == NULL)
		goto bad;
	p->fd = fd;
	p->pidfd = pidfd;
	p->pid = pid;
	p->uid = uid;
	p->gid = gid;
	p->libos = peer_next_libos++;
	p->chan_fd = -1;
	TAILQ_INIT(&p->outq);
	if (peer_base != NULL) {
		p->ev_read = event_new(peer_base, fd, EV_READ | EV_PERSIST,
		    peer_read_cb, p);
		p->ev_write = event_new(peer_base, fd, EV_WRITE | EV_PERSIST,
		    peer_write_cb, p);
		if (p->ev_read == NULL || p->ev_write == NULL)
			goto bad;
		if (pidfd != -1) {
			p->ev_pid = event_new(peer_base, pidfd, EV_READ,
			    peer_pid_cb, p);
			if (p->ev_pid == NULL || event_add(p->ev_pid, NULL) == -1)
				goto bad;
		}
		if (event_add(p->ev_read, NULL) == -1)
			goto bad;
		p->ev_hello = evtimer_new(peer_base, peer_hello_cb, p);
		if (p->ev_hello == NULL)
			goto bad;
		tv.tv_sec = (time_t)(peer_hello_ns / 1000000000ULL);
		tv.tv_usec = (suseconds_t)(peer_hello_ns % 1000000000ULL / 1000);
		if (evtimer_add(p->ev_hello, &tv) == -1)
			goto bad;
	}
	TAILQ_INSERT_TAIL(&peers, p, entry);
	peers_count++;
	return (p);
bad:
	log_warnx("cannot register peer pid %ld", (long)pid);
	if (p != NULL) {
		if (p->ev_read != NULL)
			event_free(p->ev_read);
		if (p->ev_write != NULL)
			event_free(p->ev_write);
		if (p->ev_pid != NULL)
			event_free(p->ev_pid);
		if (p->ev_hello != NULL)
			event_free(p->ev_hello);
		free(p);
	}
	close(fd);
	if (pidfd != -1)
		close(pidfd);
	return (NULL);
}

/*
 * Close a connection's socket after what exod sent it.  Closing a socket
 * with unread data makes the kernel give the client ECONNRESET before
 * the last replies; so exod stops reading first (what the client sends
 * after that fails with EPIPE and is never queued) and throws away what
 * came before.  Descriptors in what is thrown away are closed by the
 * kernel, as the control buffer is too small to take them.
 */
static void
peer_fd_close(int fd)
{
	unsigned char	junk[64];
	int		i;

	(void)shutdown(fd, SHUT_RD);
	/* Bounded: the queue holds what the socket buffer does, no more. */
	for (i = 0; i < 1024; i++)
		if (recv(fd, junk, sizeof junk, MSG_DONTWAIT | MSG_TRUNC) <= 0)
			break;
	close(fd);
}

/* Refuse a connection: one id-0 header with error (EBUSY, ENFILE). */
static void
peer_refuse_with(int fd, int error)
{
	struct exo_hdr	h = {
		.version = EXO_PROTO_VERSION,
		.type = EXO_MSG_HELLO | EXO_MSG_REPLY,
		.status = error,
	};

	(void)send(fd, &h, sizeof h, MSG_DONTWAIT | MSG_NOSIGNAL);
	peer_fd_close(fd);
}

/* Refuse a connection when exod is full: EBUSY. */
static void
peer_refuse(int fd)
{
	peer_refuse_with(fd, -EXO_EBUSY);
}

static int
peer_privileged(uid_t uid)
{
	return (uid == 0 || uid == geteuid());
}

/* Has p sent nothing (or gone)?  Only such a connection is ever shed. */
static int
peer_idle(const struct peer *p)
{
	char	c;

	return (recv(p->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) <= 0);
}

/* Close the oldest idle connection of uid still waiting for HELLO. */
static int
peer_shed(uid_t uid)
{
	struct peer	*p;

	TAILQ_FOREACH(p, &peers, entry) {
		if ((p->flags & PEER_HELLO) || p->uid != uid || !peer_idle(p))
			continue;
		peer_close(p, "shed: sent nothing, and another came");
		return (1);
	}
	return (0);
}

/*
 * The unprivileged uid with the most connections waiting for HELLO;
 * *n their number (0: none).
 */
static uid_t
peer_busiest(unsigned *n)
{
	uid_t		 uid[EXOD_PENDING_MAX + 1];
	unsigned	 cnt[EXOD_PENDING_MAX + 1], k = 0, i, best = 0;
	struct peer	*p;

	TAILQ_FOREACH(p, &peers, entry) {
		if ((p->flags & PEER_HELLO) || peer_privileged(p->uid))
			continue;
		for (i = 0; i < k && uid[i] != p->uid; i++)
			;
		if (i == k) {
			if (k == EXOD_PENDING_MAX + 1)
				continue;	/* cannot be: counted below */
			uid[k] = p->uid;
			cnt[k++] = 0;
		}
		cnt[i]++;
	}
	*n = 0;
	for (i = 0; i < k; i++)
		if (cnt[i] > *n) {
			*n = cnt[i];
			best = i;
		}
	return (k > 0 ? uid[best] : 0);
}

/*
 * Out of descriptors: shed one idle connection that waits for HELLO, of
 * the busiest unprivileged uid if any, else the oldest of anyone.
 */
int
peer_shed_any(void)
{
	struct peer	*p;
	unsigned	 n;
	uid_t		 uid;

	uid = peer_busiest(&n);
	if (n > 0 && peer_shed(uid))
		return (1);
	TAILQ_FOREACH(p, &peers, entry)
		if (!(p->flags & PEER_HELLO) && peer_idle(p)) {
			peer_close(p, "shed: sent nothing, out of descriptors");
			return (1);
		}
	return (0);
}

/* May a connection of uid wait for its HELLO?  0 yes, -1 refuse it. */
static int
peer_admit(uid_t uid)
{
	struct peer	*p;
	unsigned	 mine = 0, pool = 0, n;
	uid_t		 busiest;

	TAILQ_FOREACH(p, &peers, entry) {
		if (p->flags & PEER_HELLO)
			continue;
		if (p->uid == uid)
			mine++;
		if (!peer_privileged(p->uid))
			pool++;
	}
	if (mine >= EXOD_PENDING_UID)
		return (peer_shed(uid) ? 0 : -1);
	if (!peer_privileged(uid) && pool >= EXOD_PENDING_MAX) {
		busiest = peer_busiest(&n);
		return (n > 0 && peer_shed(busiest) ? 0 : -1);
	}
	return (peers_count < EXOD_CONN_MAX ? 0 : -1);
}

/*
 * May p's HELLO, as a control peer or as a libOS, be accepted?  0, or
 * -EXO_EBUSY.
 */
int
peer_hello_admit(const struct peer *p, int control)
{
	const struct peer	*q;
	unsigned		 libos = 0, ctl = 0, uid = 0, max;
	int			 priv = peer_privileged(p->uid);

	TAILQ_FOREACH(q, &peers, entry) {
		if (!(q->flags & PEER_HELLO) || q == p)
			continue;
		if (q->flags & PEER_CONTROL)
			ctl++;
		else {
			libos++;
			uid += q->uid == p->uid;
		}
	}
	if (control) {
		max = EXOD_CONTROL_MAX - (priv ? 0 : EXOD_CONTROL_RESERVE);
		if (ctl < max)
			return (0);
	} else if (libos < EXOD_PEERS_MAX && (priv || uid < EXOD_PEERS_UID))
		return (0);
	if ((max = (unsigned)log_limit(&peer_refuse_limit, 1000000000ULL)) > 0)
		log_warnx("refusing pid %ld uid %ld: %u libOSes, %u control "
		    "connections (%u refused in all since the last message)",
		    (long)p->pid, (long)p->uid, libos, ctl, max);
	return (-EXO_EBUSY);
}

/* HELLO accepted: the deadline no longer applies. */
void
peer_hello_done(struct peer *p)
{
	if (p->ev_hello != NULL)
		event_del(p->ev_hello);
}

/*
 * Take one connection from the backlog.  1 when one was taken (admitted
 * or refused), 0 when none waits, -1 when exod is out of descriptors.
 */
int
peer_accept(struct event_base *base, int lfd)
{
	struct ucred	cred;
	socklen_t	len = sizeof cred;
	uint64_t	n;
	int		fd, pidfd;

	peer_base = base;
	fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd == -1) {
		if (errno == EMFILE || errno == ENFILE)
			return (-1);
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			log_warn("accept");
		return (errno == ECONNABORTED ? 1 : 0);
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1 ||
	    len != sizeof cred) {
		log_warn("SO_PEERCRED");
		close(fd);
		return (1);
	}
	if (peer_admit(cred.uid) == -1) {
		if ((n = log_limit(&peer_refuse_limit, 1000000000ULL)) > 0)
			log_warnx("refusing pid %ld uid %ld: %u connections, "
			    "none idle to shed (%llu refused since the last "
			    "message)", (long)cred.pid, (long)cred.uid,
			    peers_count, (unsigned long long)n);
		peer_refuse(fd);
		return (1);
	}
	/*
	 * accept(2) may have taken the last descriptor: an idle connection's
	 * two make room for this one's pidfd, rather than refusing it.
	 */
	if ((pidfd = peer_pidfd(fd, cred.pid)) == -1 &&
	    (errno == EMFILE || errno == ENFILE) && peer_shed_any())
		pidfd = peer_pidfd(fd, cred.pid);
	if (pidfd == -1) {
		if (errno == EMFILE || errno == ENFILE) {
			/* Said without a descriptor: the client knows why. */
			peer_refuse_with(fd, -EXO_ENFILE);
			return (-1);
		}
		log_warn("no pidfd for pid %ld", (long)cred.pid);
		close(fd);
		return (1);
	}
	if (peer_new(fd, cred.pid, cred.uid, cred.gid, pidfd) != NULL)
		log_debug("peer pid %ld uid %ld connected", (long)cred.pid,
		    (long)cred.uid);
	return (1);
}

/* Release everything the peer held and forget it. */
void
peer_free(struct peer *p)
{
	struct peer_msg	*m;

	/*
	 * From here on peer_find() does not see it, so what its leaving sets
	 * in motion (a waiting allocation served as frames come back) cannot
	 * bind anything to it after its frames were taken back.
	 */
	p->flags |= PEER_GONE;
	watch_drop(p);
	call_peer_gone(p);
	callchan_peer_gone(p);
	sched_peer_gone(p);
	revoke_peer_gone(p);
	grant_peer_gone(p);
	ring_peer_gone(p);	/* before its frames and blocks go */
	frame_reclaim(p);
	tile_reclaim(p);
	disk_detach(p);
	net_peer_gone(p);
	revoke_settle();
	chan_free(p);
	expose_free(p);
	while ((m = TAILQ_FIRST(&p->outq)) != NULL) {
		TAILQ_REMOVE(&p->outq, m, entry);
		peer_close_fds(m->fds, m->nfds);
		free(m->fds);
		free(m);
	}
	if (p->ev_read != NULL)
		event_free(p->ev_read);
	if (p->ev_write != NULL)
		event_free(p->ev_write);
	if (p->ev_pid != NULL)
		event_free(p->ev_pid);
	if (p->ev_hello != NULL)
		event_free(p->ev_hello);
	peer_fd_close(p->fd);
	if (p->pidfd != -1)
		close(p->pidfd);
	TAILQ_REMOVE(&peers, p, entry);
	peers_count--;
	free(p);
}

struct peer *
peer_find(uint32_t libos)
{
	struct peer	*p;

	TAILQ_FOREACH(p, &peers, entry)
		if (p->libos == libos && (p->flags & PEER_HELLO) &&
		    !(p->flags & PEER_GONE))
			return (p);
	return (NULL);
}

void
peer_close(struct peer *p, const char *why)
{
	log_debug("libOS %u (%s, pid %ld) closed: %s", p->libos,
	    p->name[0] != '\0' ? p->name : "-", (long)p->pid, why);
	peer_free(p);
}

void
peer_close_all(void)
{
	struct peer	*p;

	while ((p = TAILQ_FIRST(&peers)) != NULL)
		peer_close(p, "exod shutting down");
}

static int
peer_sendmsg(struct peer *p, const void *buf, size_t len, int *fds,
    unsigned nfds)
{
	struct msghdr	 msg;
	struct iovec	 iov;
	union {
		struct cmsghdr	hdr;
		unsigned char	buf[CMSG_SPACE(sizeof(int) * PEER_FDS_MAX)];
	}		 cmsg;
	struct cmsghdr	*c;

	memset(&msg, 0, sizeof msg);
	iov.iov_base = (void *)buf;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (nfds > 0) {
		memset(&cmsg, 0, sizeof cmsg);
		msg.msg_control = cmsg.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	return ((int)sendmsg(p->fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL));
}

/* Stop or restart reading the peer as its queue fills and drains. */
static void
peer_throttle(struct peer *p)
{
	if (p->ev_read == NULL)
		return;
	if (p->outq_len >= EXOD_OUTQ_HIGH && !(p->flags & PEER_PAUSED)) {
		event_del(p->ev_read);
		p->flags |= PEER_PAUSED;
	} else if (p->outq_len < EXOD_OUTQ_HIGH && (p->flags & PEER_PAUSED)) {
		event_add(p->ev_read, NULL);
		p->flags &= ~PEER_PAUSED;
	}
}

/*
 * Send one message, now or when the socket drains.  The descriptors are
 * exod's to close once sent; this takes them in every case.  -1 when the
 * connection is broken (the caller closes the peer once it is safe to).
 */
int
peer_send(struct peer *p, const void *buf, size_t len, int *fds,
    unsigned nfds)
{
	struct peer_msg	*m;

	if (TAILQ_EMPTY(&p->outq)) {
		if (peer_sendmsg(p, buf, len, fds, nfds) >= 0) {
			peer_close_fds(fds, nfds);
			return (0);
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS) {
			peer_close_fds(fds, nfds);
			p->flags |= PEER_BROKEN;
			return (-1);
		}
	}
	if ((m = malloc(sizeof *m + len)) == NULL)
		goto nomem;
	m->fds = NULL;
	if (nfds > 0 && (m->fds = malloc(sizeof(int) * nfds)) == NULL) {
		free(m);
		goto nomem;
	}
	memcpy(m->buf, buf, len);
	m->len = len;
	if (nfds > 0)
		memcpy(m->fds, fds, sizeof(int) * nfds);
	m->nfds = nfds;
	TAILQ_INSERT_TAIL(&p->outq, m, entry);
	if (p->outq_len++ == 0 && p->ev_write != NULL)
		event_add(p->ev_write, NULL);
	peer_throttle(p);
	return (0);
nomem:
	peer_close_fds(fds, nfds);
	p->flags |= PEER_BROKEN;
	return (-1);
}

/* A reply to request h: status, then payload only on success. */
int
peer_reply(struct peer *p, const struct exo_hdr *h, int status,
    const void *payload, size_t len, int *fds, unsigned nfds)
{
	unsigned char	buf[EXO_MSG_MAX];
	struct exo_hdr	r;

	if (status != 0) {
		/* Every refusal, the dispatcher's and the handlers' (-v). */
		log_debug("libOS %u: request type %u id %u refused: %s",
		    p->libos, h->type, h->id, exo_strerror(status));
		len = 0;
	}
	r.version = EXO_PROTO_VERSION;
	r.type = h->type | EXO_MSG_REPLY;
	r.id = h->id;
	r.len = (uint32_t)len;
	r.status = status;
	memcpy(buf, &r, sizeof r);
	if (len > 0)
		memcpy(buf + sizeof r, payload, len);
	return (peer_send(p, buf, sizeof r + len, fds, nfds));
}

static void
peer_write_cb(int fd, short events, void *arg)
{
	struct peer	*p = arg;
	struct peer_msg	*m;

	while ((m = TAILQ_FIRST(&p->outq)) != NULL) {
		if (peer_sendmsg(p, m->buf, m->len, m->fds, m->nfds) == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == ENOBUFS)
				break;
			peer_close(p, "send failed");
			return;
		}
		TAILQ_REMOVE(&p->outq, m, entry);
		p->outq_len--;
		peer_close_fds(m->fds, m->nfds);
		free(m->fds);
		free(m);
	}
	if (TAILQ_EMPTY(&p->outq))
		event_del(p->ev_write);
	peer_throttle(p);
}

/* Collect descriptors that came with a datagram; count them in *n. */
static void
peer_take_fds(struct msghdr *msg, int *fds, unsigned *n)
{
	struct cmsghdr	*c;
	unsigned	 i, k;

	*n = 0;
	for (c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		k = (unsigned)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (i = 0; i < k; i++) {
			int	fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
			if (*n < PEER_FDS_MAX)
				fds[(*n)++] = fd;
			else
				close(fd);
		}
	}
}

/* Read one datagram; 1 when one was handled, 0 when none waits, -1 dead. */
static int
peer_read_one(struct peer *p)
{
	unsigned char	 buf[EXO_MSG_MAX];
	union {
		struct cmsghdr	hdr;
		unsigned char	buf[CMSG_SPACE(sizeof(int) * PEER_FDS_MAX)];
	}		 cmsg;
	int		 fds[PEER_FDS_MAX];
	struct msghdr	 msg;
	struct iovec	 iov;
	unsigned	 nfds;
	ssize_t		 n;

	memset(&msg, 0, sizeof msg);
	iov.iov_base = buf;
	iov.iov_len = sizeof buf;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cmsg.buf;
	msg.msg_controllen = sizeof cmsg.buf;
	n = recvmsg(p->fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return (0);
		return (-1);
	}
	/* An empty datagram cannot be told from end of file: both close. */
	if (n == 0)
		return (-1);
	peer_take_fds(&msg, fds, &nfds);
	dispatch_message(p, buf, (size_t)n, fds, nfds,
	    (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0);
	return (p->flags & PEER_BROKEN ? -1 : 1);
}

static void
peer_read_cb(int fd, short events, void *arg)
{
	struct peer	*p = arg;
	int		 i, r;

	for (i = 0; i < PEER_READ_BATCH; i++) {
		if ((r = peer_read_one(p)) == -1) {
			peer_close(p, "connection closed");
			return;
		}
		if (r == 0 || (p->flags & PEER_PAUSED))
			break;
	}
}

static void
peer_pid_cb(int fd, short events, void *arg)
{
	peer_close(arg, "process exited");
}

static void
peer_hello_cb(int fd, short events, void *arg)
{
	struct peer	*p = arg;

	if (!(p->flags & PEER_HELLO))
		peer_close(p, "no HELLO in time");
}
