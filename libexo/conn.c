/*
 * conn.c - the connection to exod and the request/reply transport.
 *
 * One request is outstanding at a time per connection: exo_request sends
 * and waits for the reply that carries the same id.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libexo-int.h"

static void
exo_close_fds(int *fds, unsigned n)
{
	unsigned	i;

	for (i = 0; i < n; i++)
		close(fds[i]);
}

/* Send one request; 0 or -EXO_E*. */
static int
exo_send(struct exo *e, uint16_t type, uint32_t id, const void *req,
    size_t reqlen)
{
	unsigned char	buf[EXO_MSG_MAX];
	struct exo_hdr	h;
	ssize_t		n;

	h.version = EXO_PROTO_VERSION;
	h.type = type;
	h.id = id;
	h.len = (uint32_t)reqlen;
	h.status = 0;
	memcpy(buf, &h, sizeof h);
	if (reqlen > 0)
		memcpy(buf + sizeof h, req, reqlen);
	do
		n = send(e->fd, buf, sizeof h + reqlen, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return (errno == EPIPE || errno == ECONNRESET ? -EXO_ECONN :
		    -EXO_ESYS);
	return (0);
}

/* Receive one datagram with its descriptors; bytes, or -EXO_E*. */
static ssize_t
exo_recv(struct exo *e, void *buf, size_t len, int *fds, unsigned *nfds,
    int *truncated)
{
	union {
		struct cmsghdr	hdr;
		unsigned char	buf[CMSG_SPACE(sizeof(int) * EXO_BATCH_MAX)];
	}		 cmsg;
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*c;
	ssize_t		 n;
	unsigned	 k;

	memset(&msg, 0, sizeof msg);
	iov.iov_base = buf;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cmsg.buf;
	msg.msg_controllen = sizeof cmsg.buf;
	do
		n = recvmsg(e->fd, &msg, MSG_CMSG_CLOEXEC);
	while (n == -1 && errno == EINTR);
	/*
	 * A reset is reported before the data queued ahead of it (the kernel
	 * checks the socket's error first): exod's last message, such as the
	 * EBUSY of a refused connection, may still be there.
	 */
	if (n == -1 && errno == ECONNRESET) {
		msg.msg_controllen = sizeof cmsg.buf;
		n = recvmsg(e->fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
		if (n == -1)
			return (-EXO_ECONN);
	}
	if (n == -1)
		return (-EXO_ESYS);
	if (n == 0)
		return (-EXO_ECONN);
	*nfds = 0;
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		k = (unsigned)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		if (*nfds + k > EXO_BATCH_MAX)
			k = EXO_BATCH_MAX - *nfds;	/* cannot happen */
		memcpy(fds + *nfds, CMSG_DATA(c), k * sizeof(int));
		*nfds += k;
	}
	*truncated = (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0;
	return (n);
}

/* Did exod leave an id-0 error header before closing?  Its status. */
static int
exo_refused(struct exo *e, int *status)
{
	struct exo_hdr	h;

	if (recv(e->fd, &h, sizeof h, MSG_DONTWAIT) != (ssize_t)sizeof h ||
	    h.id != 0 || h.status >= 0)
		return (0);
	*status = h.status;
	return (1);
}

static int
exo_request_once(struct exo *e, uint16_t type, const void *req, size_t reqlen,
    void *reply, size_t replymax, size_t *replylen, int *fds, unsigned maxfds,
    unsigned *nfds)
{
	unsigned char	 buf[EXO_MSG_MAX];
	int		 rfds[EXO_BATCH_MAX];
	struct exo_hdr	 h;
	unsigned	 n_rfds;
	uint32_t	 id;
	ssize_t		 n;
	int		 error, truncated;

	if (e == NULL || e->fd == -1)
		return (-EXO_ECONN);
	if (reqlen > EXO_MSG_MAX - sizeof h || (reqlen > 0 && req == NULL))
		return (-EXO_EINVAL);
	if (replylen != NULL)
		*replylen = 0;
	if (nfds != NULL)
		*nfds = 0;
	id = e->next_id++;
	if (e->next_id == 0)
		e->next_id = 1;
	if ((error = exo_send(e, type, id, req, reqlen)) != 0) {
		/* exod may have refused us (EBUSY) and closed before we sent:
		 * its one message may still be waiting to be read. */
		if (error == -EXO_ECONN && exo_refused(e, &error))
			return (error);
		return (error);
	}
	for (;;) {
		n = exo_recv(e, buf, sizeof buf, rfds, &n_rfds, &truncated);
		if (n < 0)
			return ((int)n);
		if ((size_t)n < sizeof h || truncated) {
			exo_close_fds(rfds, n_rfds);
			return (-EXO_EPROTO);
		}
		memcpy(&h, buf, sizeof h);
		/* exod answers a connection it refuses, or a mangled header,
		 * with id 0. */
		if (h.id == 0 && h.status != 0) {
			exo_close_fds(rfds, n_rfds);
			return (h.status);
		}
		if (h.id == id)
			break;
		exo_close_fds(rfds, n_rfds);	/* not ours: a stray reply */
	}
	if (h.version != EXO_PROTO_VERSION ||
	    h.type != (type | EXO_MSG_REPLY) || h.len != (size_t)n - sizeof h ||
	    h.len > replymax || n_rfds > maxfds) {
		exo_close_fds(rfds, n_rfds);
		return (h.status != 0 ? h.status : -EXO_EPROTO);
	}
	if (h.len > 0)
		memcpy(reply, buf + sizeof h, h.len);
	if (replylen != NULL)
		*replylen = h.len;
	if (n_rfds > 0)
		memcpy(fds, rfds, n_rfds * sizeof(int));
	if (nfds != NULL)
		*nfds = n_rfds;
	else
		exo_close_fds(rfds, n_rfds);
	return (h.status);
}

/*
 * One request and its reply.  Upcalls that ring while it is outstanding
 * wait until it is over (a handler may itself make requests), then run.
 */
int
exo_request(struct exo *e, uint16_t type, const void *req, size_t reqlen,
    void *reply, size_t replymax, size_t *replylen, int *fds, unsigned maxfds,
    unsigned *nfds)
{
	int	error;

	if (e == NULL)
		return (-EXO_ECONN);
	/* From a handler that interrupted a request: its reply would be
	 * taken for a stray, and the interrupted request would never end. */
	if (e->in_request)
		return (-EXO_ESTATE);
	e->in_request = 1;
	error = exo_request_once(e, type, req, reqlen, reply, replymax,
	    replylen, fds, maxfds, nfds);
	e->in_request = 0;
	if (e->upcall_pending)
		(void)exo_poll(e);
	return (error);
}

/* Each bound frame is a descriptor: let this process hold many. */
static void
exo_raise_nofile(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/*
 * A libOS connection's three descriptors from HELLO: the upcall channel,
 * the exposed state (mapped read-only: exod sealed it so), the statistics
 * page.  Takes the descriptors in every case.
 */
static int
exo_attach(struct exo *e, int *fds)
{
	void	*x, *st;

	x = mmap(NULL, e->hello.expose_size, PROT_READ, MAP_SHARED, fds[1], 0);
	st = mmap(NULL, EXO_FRAME_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
	    fds[2], 0);
	close(fds[1]);
	close(fds[2]);
	if (x == MAP_FAILED || st == MAP_FAILED ||
	    ((const struct exo_expose *)x)->magic != EXO_EXPOSE_MAGIC) {
		if (x != MAP_FAILED)
			munmap(x, e->hello.expose_size);
		if (st != MAP_FAILED)
			munmap(st, EXO_FRAME_SIZE);
		close(fds[0]);
		return (-EXO_EPROTO);
	}
	e->chan_fd = fds[0];
	e->expose = x;
	e->expose_size = e->hello.expose_size;
	e->stats = st;
	exo_upcall_init(e);
	return (0);
}

/*
 * How long exo_connect may take, connect and HELLO together: milliseconds
 * from $EXO_CONNECT_TIMEOUT (0: no limit), else EXO_CONNECT_TIMEOUT_MS.
 */
#define EXO_CONNECT_TIMEOUT_MS	10000

static long
exo_connect_timeout(void)
{
	const char	*s = getenv("EXO_CONNECT_TIMEOUT");
	char		*end;
	long		 v;

	if (s == NULL || *s == '\0')
		return (EXO_CONNECT_TIMEOUT_MS);
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0' || errno != 0 || v < 0)
		return (EXO_CONNECT_TIMEOUT_MS);
	return (v);
}

static uint64_t
exo_conn_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

/*
 * Bound the socket's blocking calls by what is left until deadline (ms,
 * CLOCK_MONOTONIC; 0: unbounded).  A blocking connect to a full backlog
 * waits as long as SO_SNDTIMEO allows, then fails with EAGAIN.
 */
static int
exo_conn_bound(int fd, uint64_t deadline)
{
	struct timeval	tv = { 0, 0 };
	uint64_t	now, left;

	if (deadline != 0) {
		now = exo_conn_now_ms();
		left = deadline > now ? deadline - now : 1;
		tv.tv_sec = (time_t)(left / 1000);
		tv.tv_usec = (suseconds_t)(left % 1000 * 1000);
	}
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == -1)
		return (-1);
	return (0);
}

static int
exo_connect_flags(const char *path, const char *name, uint32_t flags,
    struct exo **out)
{
	uint64_t		 deadline = 0;
	long			 timeout;
	struct sockaddr_un	 sun;
	struct exo_hello	 hello;
	struct exo		*e;
	size_t			 len;
	unsigned		 i, nfds = 0;
	int			 fds[3], error;

	if (out == NULL || name == NULL || strlen(name) == 0 ||
	    strlen(name) >= EXO_NAME_MAX)
		return (-EXO_EINVAL);
	*out = NULL;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if ((error = exo_socket_path(sun.sun_path, sizeof sun.sun_path,
	    path)) != 0)
		return (error);
	if ((e = calloc(1, sizeof *e)) == NULL)
		return (-EXO_ESYS);
	e->next_id = 1;
	e->chan_fd = -1;
	e->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (e->fd == -1) {
		free(e);
		return (-EXO_ESYS);
	}
	if ((timeout = exo_connect_timeout()) > 0)
		deadline = exo_conn_now_ms() + (uint64_t)timeout;
	if (exo_conn_bound(e->fd, deadline) == -1) {
		error = -EXO_ESYS;
		goto bad;
	}
	if (connect(e->fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		error = (errno == ENOENT || errno == ECONNREFUSED ||
		    errno == ENOTSOCK) ? -EXO_ECONN : (errno == EAGAIN ||
		    errno == EWOULDBLOCK) ? -EXO_ETIMEDOUT : -EXO_ESYS;
		goto bad;
	}
	/* What is left of the time is HELLO's. */
	if (exo_conn_bound(e->fd, deadline) == -1) {
		error = -EXO_ESYS;
		goto bad;
	}
	memset(&hello, 0, sizeof hello);
	hello.flags = flags;
	memcpy(hello.name, name, strlen(name));
	error = exo_request(e, EXO_MSG_HELLO, &hello, sizeof hello, &e->hello,
	    sizeof e->hello, &len, fds, 3, &nfds);
	if (error == 0 && (len != sizeof e->hello ||
	    nfds != ((flags & EXO_HELLO_CONTROL) ? 0 : 3))) {
		for (i = 0; i < nfds; i++)
			close(fds[i]);
		error = -EXO_EPROTO;
	}
	/* exod did not answer in time: it is out of descriptors or stuck. */
	if (error == -EXO_ESYS && (errno == EAGAIN || errno == EWOULDBLOCK))
		error = -EXO_ETIMEDOUT;
	if (error != 0)
		goto bad;
	/* From here on requests may rightly wait long (YIELD, CALL). */
	if (exo_conn_bound(e->fd, 0) == -1) {
		error = -EXO_ESYS;
		for (i = 0; i < nfds; i++)
			close(fds[i]);
		goto bad;
	}
	if (nfds == 3 && (error = exo_attach(e, fds)) != 0)
		goto bad;
	exo_raise_nofile();
	*out = e;
	return (0);
bad:
	close(e->fd);
	free(e);
	return (error);
}

int
exo_connect(const char *path, const char *name, struct exo **out)
{
	return (exo_connect_flags(path, name, 0, out));
}

int
exo_connect_control(const char *path, struct exo **out)
{
	return (exo_connect_flags(path, "exoctl", EXO_HELLO_CONTROL, out));
}

void
exo_disconnect(struct exo *e)
{
	if (e == NULL)
		return;
	if (exo_self == e)
		exo_self = NULL;	/* upcalls and traps stop here */
	exo_mem_fini(e);	/* the address space, while expose is mapped */
	exo_callchan_fini(e);
	exo_extent_fini(e);
	if (e->fd != -1)
		close(e->fd);
	if (e->chan_fd != -1)
		close(e->chan_fd);
	if (e->expose != NULL)
		munmap((void *)e->expose, e->expose_size);
	if (e->stats != NULL)
		munmap(e->stats, EXO_FRAME_SIZE);
	free(e);
}

int
exo_control(const struct exo *e)
{
	return (e != NULL && e->chan_fd == -1);
}

const struct exo_expose *
exo_expose(const struct exo *e)
{
	return (e != NULL ? e->expose : NULL);
}

uint32_t
exo_libos_id(const struct exo *e)
{
	return (e->hello.libos);
}

uint32_t
exo_frames_total(const struct exo *e)
{
	return (e->hello.frames_total);
}

int
exo_fd(const struct exo *e)
{
	return (e->fd);
}

int
exo_null(struct exo *e)
{
	return (exo_request(e, EXO_MSG_NULL, NULL, 0, NULL, 0, NULL, NULL, 0,
	    NULL));
}
