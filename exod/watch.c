/*
 * watch.c - the watcher: a helper process that lets every libOS go when
 * exod dies.
 *
 * exod stops the libOSes it schedules (SIGSTOP).  Should exod itself be
 * killed (SIGKILL, the OOM killer, a crash), nothing it would do at an
 * orderly exit happens, and a stopped libOS would stay stopped for ever.
 * So exod forks, first of all, a small helper that shares nothing with it
 * but one end of a socket pair (the OpenSSH monitor pattern, upside down):
 * as each libOS says HELLO, exod passes the helper a pidfd of its process;
 * as it leaves, exod tells the helper to forget it.  When exod's end of
 * the pair closes, however exod ended, the helper continues (SIGCONT)
 * every libOS it still holds and exits.  Each libOS then finds its
 * connection closed by the kernel, which libexo reports as EXO_ECONN.
 *
 * exod never blocks on the helper: what the pair cannot take at once waits
 * in a queue, sent as the pair drains.  Should the helper die, exod starts
 * another and passes it every libOS again.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "exod.h"

#define WATCH_ADD	1	/* a libOS; its pidfd comes with the message */
#define WATCH_DROP	2	/* forget this libOS */

/* One message on the pair: 8 bytes, and for ADD one descriptor. */
struct watch_rec {
	uint32_t	op;		/* WATCH_* */
	uint32_t	libos;
};

/* A message the pair could not take yet. */
struct watch_msg {
	TAILQ_ENTRY(watch_msg)	 entry;
	struct watch_rec	 rec;
	int			 fd;	/* ADD: a duplicate of the pidfd, owned */
};
TAILQ_HEAD(watch_msgq, watch_msg);

static struct {
	int			 fd;	/* exod's end of the pair; -1 if none */
	pid_t			 pid;	/* the helper */
	int			 foreground; /* the helper may keep stderr */
	struct event_base	*base;
	struct event		*ev_read;	/* the helper's end closed */
	struct event		*ev_write;	/* pending while queue is not empty */
	struct watch_msgq	 queue;		/* in order */
} watch = { .fd = -1, .queue = TAILQ_HEAD_INITIALIZER(watch.queue) };

/* The helper's table: the libOSes to continue if exod dies. */
struct watch_ent {
	uint32_t	libos;
	int		pidfd;
};

static void
watch_cont_all(struct watch_ent *t, size_t n)
{
	size_t	i, done = 0;

	for (i = 0; i < n; i++)
		if (syscall(SYS_pidfd_send_signal, t[i].pidfd, SIGCONT, NULL,
		    0) == 0)
			done++;
	if (n > 0)
		log_warnx("exod is gone: continued %zu of %zu libOSes", done, n);
}

/* Take one message; 1 on success, 0 when exod's end has closed. */
static int
watch_take(int fd, struct watch_ent **t, size_t *n, size_t *cap)
{
	union {
		struct cmsghdr	hdr;
		unsigned char	buf[CMSG_SPACE(sizeof(int))];
	}		 cmsg;
	struct watch_rec rec;
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*c;
	struct watch_ent *nt;
	ssize_t		 len;
	size_t		 i;
	int		 pidfd = -1;

	memset(&msg, 0, sizeof msg);
	iov.iov_base = &rec;
	iov.iov_len = sizeof rec;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cmsg.buf;
	msg.msg_controllen = sizeof cmsg.buf;
	do
		len = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
	while (len == -1 && errno == EINTR);
	if (len <= 0)
		return (0);
	c = CMSG_FIRSTHDR(&msg);
	if (c != NULL && c->cmsg_level == SOL_SOCKET &&
	    c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&pidfd, CMSG_DATA(c), sizeof pidfd);
	if (len != (ssize_t)sizeof rec)
		rec.op = 0;
	if (rec.op == WATCH_ADD && pidfd != -1) {
		if (*n == *cap) {
			*cap = *cap != 0 ? *cap * 2 : 64;
			/* No room to hold it: let everyone go now, rather
			 * than keep one that would stay frozen. */
			if ((nt = realloc(*t, *cap * sizeof **t)) == NULL) {
				watch_cont_all(*t, *n);
				_exit(1);
			}
			*t = nt;
		}
		(*t)[*n].libos = rec.libos;
		(*t)[(*n)++].pidfd = pidfd;
		return (1);
	}
	if (pidfd != -1)
		close(pidfd);
	for (i = 0; rec.op == WATCH_DROP && i < *n; i++) {
		if ((*t)[i].libos != rec.libos)
			continue;
		close((*t)[i].pidfd);
		(*t)[i] = (*t)[--(*n)];
		break;
	}
	return (1);
}

/* Close every descriptor from lowfd up. */
static void
watch_closefrom(int lowfd)
{
	long	max, fd;

#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)lowfd, ~0U, 0) == 0)
		return;
#endif
	if ((max = sysconf(_SC_OPEN_MAX)) < 0)
		max = 65536;
	for (fd = lowfd; fd < max; fd++)
		(void)close((int)fd);
}

/* The helper: everything it has is fd; it never returns. */
static void __attribute__((noreturn))
watch_main(int fd)
{
	struct watch_ent	*t = NULL;
	size_t			 n = 0, cap = 0;
	int			 null, keep_err = watch.foreground;

	(void)prctl(PR_SET_NAME, "exod-watch", 0, 0, 0);
	signal(SIGINT, SIG_IGN);	/* a ^C is for exod, which will close */
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	/* Nothing of exod's: no socket, image, frame or key stays open. */
	if (dup2(fd, 3) == -1)
		_exit(1);
	fd = 3;
	watch_closefrom(4);
	if ((null = open("/dev/null", O_RDWR)) != -1) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		if (!keep_err)
			dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO && null != fd)
			close(null);
	}
	while (watch_take(fd, &t, &n, &cap))
		;
	watch_cont_all(t, n);
	_exit(0);
}

/* Fork the helper; exod keeps its end of the pair.  0 or -1. */
static int
watch_fork(void)
{
	int	sv[2];
	pid_t	pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return (-1);
	if ((pid = fork()) == -1) {
		close(sv[0]);
		close(sv[1]);
		return (-1);
	}
	if (pid == 0) {
		close(sv[0]);
		watch_main(sv[1]);
	}
	close(sv[1]);
	if (fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK) == -1) {
		close(sv[0]);
		return (-1);
	}
	watch.fd = sv[0];
	watch.pid = pid;
	return (0);
}

/*
 * Start the helper, before exod opens anything a libOS must not outlive
 * exod with (its key, its pool), so that a fork does not copy them.
 */
void
watch_start(int foreground)
{
	watch.foreground = foreground;
	if (watch_fork() == -1)
		fatal("cannot start the watcher");
}

static int
watch_sendmsg(const struct watch_rec *rec, int fd)
{
	union {
		struct cmsghdr	hdr;
		unsigned char	buf[CMSG_SPACE(sizeof(int))];
	}		 cmsg;
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*c;

	memset(&msg, 0, sizeof msg);
	iov.iov_base = (void *)rec;
	iov.iov_len = sizeof *rec;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (fd != -1) {
		memset(&cmsg, 0, sizeof cmsg);
		msg.msg_control = cmsg.buf;
		msg.msg_controllen = sizeof cmsg.buf;
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof fd);
	}
	return ((int)sendmsg(watch.fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL));
}

/* Send what waits, in order, as far as the pair takes it. */
static void
watch_drain(void)
{
	struct watch_msg	*m;

	while ((m = TAILQ_FIRST(&watch.queue)) != NULL) {
		if (watch_sendmsg(&m->rec, m->fd) == -1)
			break;
		TAILQ_REMOVE(&watch.queue, m, entry);
		if (m->fd != -1)
			close(m->fd);
		free(m);
	}
	if (watch.ev_write == NULL)
		return;
	if (TAILQ_EMPTY(&watch.queue))
		event_del(watch.ev_write);
	else
		event_add(watch.ev_write, NULL);
}

/* Queue one message behind those waiting; fd is duplicated. */
static void
watch_queue(const struct watch_rec *rec, int fd)
{
	struct watch_msg	*m;

	if ((m = calloc(1, sizeof *m)) == NULL) {
		log_warn("watcher: libOS %u", rec->libos);
		return;
	}
	m->rec = *rec;
	m->fd = -1;
	if (fd != -1 && (m->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) == -1) {
		log_warn("watcher: libOS %u", rec->libos);
		free(m);
		return;
	}
	TAILQ_INSERT_TAIL(&watch.queue, m, entry);
	watch_drain();
}

static void
watch_send(uint32_t op, uint32_t libos, int fd)
{
	struct watch_rec	rec = { .op = op, .libos = libos };

	if (watch.fd == -1)
		return;
	if (TAILQ_EMPTY(&watch.queue) && watch_sendmsg(&rec, fd) != -1)
		return;
	watch_queue(&rec, fd);
}

/* A libOS is in: the helper continues it should exod die. */
void
watch_add(struct peer *p)
{
	if (p->pidfd == -1 || (p->flags & PEER_WATCHED))
		return;
	p->flags |= PEER_WATCHED;
	watch_send(WATCH_ADD, p->libos, p->pidfd);
}

/* A libOS is leaving: the helper forgets it. */
void
watch_drop(struct peer *p)
{
	struct watch_msg	*m;

	if (!(p->flags & PEER_WATCHED))
		return;
	p->flags &= ~PEER_WATCHED;
	/* Its ADD still waits: both go, and the helper never hears of it. */
	TAILQ_FOREACH(m, &watch.queue, entry) {
		if (m->rec.op == WATCH_ADD && m->rec.libos == p->libos) {
			TAILQ_REMOVE(&watch.queue, m, entry);
			if (m->fd != -1)
				close(m->fd);
			free(m);
			return;
		}
	}
	watch_send(WATCH_DROP, p->libos, -1);
}

static void
watch_clear_queue(void)
{
	struct watch_msg	*m;

	while ((m = TAILQ_FIRST(&watch.queue)) != NULL) {
		TAILQ_REMOVE(&watch.queue, m, entry);
		if (m->fd != -1)
			close(m->fd);
		free(m);
	}
}

static void	watch_read_cb(evutil_socket_t, short, void *);
static void	watch_write_cb(evutil_socket_t, short, void *);

static int
watch_events(void)
{
	watch.ev_read = event_new(watch.base, watch.fd, EV_READ | EV_PERSIST,
	    watch_read_cb, NULL);
	watch.ev_write = event_new(watch.base, watch.fd, EV_WRITE | EV_PERSIST,
	    watch_write_cb, NULL);
	if (watch.ev_read == NULL || watch.ev_write == NULL ||
	    event_add(watch.ev_read, NULL) == -1)
		return (-1);
	return (0);
}

static void
watch_free_events(void)
{
	if (watch.ev_read != NULL)
		event_free(watch.ev_read);
	if (watch.ev_write != NULL)
		event_free(watch.ev_write);
	watch.ev_read = watch.ev_write = NULL;
}

/*
 * The helper never writes: its end became readable because it died.
 * Start another and tell it of every libOS there is.
 */
static void
watch_read_cb(evutil_socket_t fd, short events, void *arg)
{
	struct peer	*p;
	char		 c;

	if (recv(watch.fd, &c, 1, MSG_DONTWAIT) == -1 && errno == EAGAIN)
		return;
	log_warnx("the watcher (pid %ld) died: starting another",
	    (long)watch.pid);
	watch_free_events();
	watch_clear_queue();
	close(watch.fd);
	watch.fd = -1;
	(void)waitpid(watch.pid, NULL, 0);
	if (watch_fork() == -1 || watch_events() == -1) {
		log_warn("cannot restart the watcher: a libOS exod stopped "
		    "stays stopped if exod dies");
		return;
	}
	TAILQ_FOREACH(p, &peers, entry) {
		if (!(p->flags & PEER_WATCHED))
			continue;
		p->flags &= ~PEER_WATCHED;
		watch_add(p);
	}
}

static void
watch_write_cb(evutil_socket_t fd, short events, void *arg)
{
	watch_drain();
}

/* From the event loop on, the helper's death is noticed. */
int
watch_set_base(struct event_base *base)
{
	watch.base = base;
	return (watch_events());
}

/* exod is stopping in order: the helper exits (nothing is left to it). */
void
watch_fini(void)
{
	watch_free_events();
	watch_clear_queue();
	if (watch.fd != -1)
		close(watch.fd);
	watch.fd = -1;
	if (watch.pid > 0)
		(void)waitpid(watch.pid, NULL, 0);
	watch.pid = 0;
}
