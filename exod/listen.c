/*
 * listen.c - the listening socket: where libOSes knock.
 *
 * A socket path that answers belongs to a live exod and is never taken
 * over; one that refuses connections is stale and is replaced.
 *
 * When accept(2) fails for want of descriptors (EMFILE, ENFILE), the
 * connection stays in the backlog and the socket stays readable: retrying
 * at once would spin.  When a connection really waits (accept(2) fails
 * at the limit even when none does), exod first sheds an idle connection
 * that has not said HELLO, if it has one (its descriptors go to the
 * newcomer); if not,
 * it stops accepting for a while, 50 ms doubling up to 1 s, and tries
 * again, logging at most once every 10 s; it recovers by itself when
 * descriptors free up, and says so.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <libgen.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "exod.h"

#define LISTEN_BATCH		16	/* accepts per wake-up */
#define LISTEN_PAUSE_MIN_NS	(50 * 1000000ULL)
#define LISTEN_PAUSE_MAX_NS	(1000 * 1000000ULL)
#define LISTEN_LOG_NS		(10 * 1000000000ULL)

static char	*listen_path;	/* bound path, unlinked by listen_close */
static int	 listen_fd = -1;

static struct {
	struct event_base	*base;
	struct event		*ev_accept;	/* deleted while paused */
	struct event		*ev_resume;	/* pending while paused */
	uint64_t		 pause_ns;	/* next pause; 0: accepting */
	uint64_t		 since_ns;	/* first failure of this run */
	uint64_t		 failures;	/* accepts refused since */
	struct log_limit	 log;
} lst;

/* Is something listening on path?  1 yes, 0 no (stale or absent). */
static int
listen_alive(const struct sockaddr_un *sun)
{
	int	fd, alive;

	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) == -1)
		fatal("socket");
	alive = connect(fd, (const struct sockaddr *)sun, sizeof *sun) == 0 ||
	    (errno != ECONNREFUSED && errno != ENOENT);
	close(fd);
	return (alive);
}

/*
 * Make the directory of the default socket: 0700, ours, or refuse.  A
 * path given with -S or $EXOD_SOCKET is the user's to arrange.
 */
static void
listen_mkdir(const char *path)
{
	struct stat	 sb;
	char		*copy, *dir;

	if ((copy = strdup(path)) == NULL)
		fatal("strdup");
	dir = dirname(copy);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		fatal("mkdir %s", dir);
	if (lstat(dir, &sb) == -1)
		fatal("%s", dir);
	if (!S_ISDIR(sb.st_mode) || sb.st_uid != getuid() ||
	    (sb.st_mode & 077) != 0)
		fatalx("%s must be a directory owned by uid %ld with mode 0700",
		    dir, (long)getuid());
	free(copy);
}

/* Bind and listen on path; returns the descriptor or exits. */
int
listen_open(const char *path, int is_default)
{
	struct sockaddr_un	sun;
	struct stat		sb;
	mode_t			mask;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path)
		fatalx("socket path too long: %s", path);
	memcpy(sun.sun_path, path, strlen(path));
	if (is_default)
		listen_mkdir(path);
	if (lstat(path, &sb) == 0) {
		if (!S_ISSOCK(sb.st_mode))
			fatalx("%s exists and is not a socket", path);
		if (listen_alive(&sun))
			fatalx("another exod is listening on %s", path);
		if (unlink(path) == -1)
			fatal("unlink stale socket %s", path);
		log_info("replaced stale socket %s", path);
	}
	listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (listen_fd == -1)
		fatal("socket");
	mask = umask(0117);	/* the socket: rw for owner and group */
	if (bind(listen_fd, (struct sockaddr *)&sun, sizeof sun) == -1)
		fatal("bind %s", path);
	umask(mask);
	/* Room for every connection exod may hold, as far as the host allows. */
	if (listen(listen_fd, EXOD_CONN_MAX) == -1)
		fatal("listen %s", path);
	if ((listen_path = strdup(path)) == NULL)
		fatal("strdup");
	return (listen_fd);
}

static uint64_t
listen_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

/* Out of descriptors and nothing to shed: stop accepting for a while. */
static void
listen_pause(int error)
{
	struct timeval	tv;
	uint64_t	n;

	if (lst.failures++ == 0)
		lst.since_ns = listen_now();
	lst.pause_ns = lst.pause_ns == 0 ? LISTEN_PAUSE_MIN_NS :
	    lst.pause_ns * 2 > LISTEN_PAUSE_MAX_NS ? LISTEN_PAUSE_MAX_NS :
	    lst.pause_ns * 2;
	if ((n = log_limit(&lst.log, LISTEN_LOG_NS)) > 0)
		log_warnx("accept: %s: not accepting for %llu ms (%llu failed "
		    "attempts, out of descriptors for %llu ms)",
		    strerror(error), (unsigned long long)(lst.pause_ns /
		    1000000), (unsigned long long)lst.failures,
		    (unsigned long long)((listen_now() - lst.since_ns) /
		    1000000));
	event_del(lst.ev_accept);
	tv.tv_sec = (time_t)(lst.pause_ns / 1000000000ULL);
	tv.tv_usec = (suseconds_t)(lst.pause_ns % 1000000000ULL / 1000);
	evtimer_add(lst.ev_resume, &tv);
}

/* A connection was taken: if accepting had failed, it works again. */
static void
listen_recovered(void)
{
	if (lst.failures == 0)
		return;
	log_info("accepting again after %llu ms out of descriptors (%llu "
	    "failed attempts)", (unsigned long long)((listen_now() -
	    lst.since_ns) / 1000000), (unsigned long long)lst.failures);
	lst.failures = 0;
	lst.pause_ns = 0;
	memset(&lst.log, 0, sizeof lst.log);
}

/*
 * Does a connection wait in the backlog?  accept(2) reserves the new
 * descriptor before it looks at the queue, so it fails with EMFILE at the
 * limit even when nobody waits; only poll(2) tells.
 */
static int
listen_waiting(int fd)
{
	struct pollfd	pfd = { .fd = fd, .events = POLLIN };

	return (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN));
}

static void
listen_accept_cb(evutil_socket_t fd, short events, void *arg)
{
	int	i, r, error;

	for (i = 0; i < LISTEN_BATCH; i++) {
		if ((r = peer_accept(lst.base, fd)) == 0)
			return;
		if (r == 1) {
			listen_recovered();
			continue;
		}
		error = errno;
		/*
		 * Full, and nobody knocks: shed nothing (the one just taken
		 * would go), and wait for the next knock.
		 */
		if (!listen_waiting(fd))
			return;
		/* An idle connection's descriptors go to this one. */
		if (peer_shed_any())
			continue;
		listen_pause(error);
		return;
	}
}

static void
listen_resume_cb(evutil_socket_t fd, short events, void *arg)
{
	event_add(lst.ev_accept, NULL);
}

/* Accept connections from the event loop on.  0 or -1. */
int
listen_start(struct event_base *base)
{
	lst.base = base;
	lst.ev_accept = event_new(base, listen_fd, EV_READ | EV_PERSIST,
	    listen_accept_cb, NULL);
	lst.ev_resume = evtimer_new(base, listen_resume_cb, NULL);
	if (lst.ev_accept == NULL || lst.ev_resume == NULL ||
	    event_add(lst.ev_accept, NULL) == -1)
		return (-1);
	return (0);
}

void
listen_close(void)
{
	if (lst.ev_accept != NULL)
		event_free(lst.ev_accept);
	if (lst.ev_resume != NULL)
		event_free(lst.ev_resume);
	lst.ev_accept = lst.ev_resume = NULL;
	if (listen_fd != -1) {
		close(listen_fd);
		listen_fd = -1;
	}
	if (listen_path != NULL) {
		unlink(listen_path);
		free(listen_path);
		listen_path = NULL;
	}
}
