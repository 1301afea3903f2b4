/*
 * listen.c - the listening socket: where libOSes knock.
 *
 * A socket path that answers belongs to a live exod and is never taken
 * over; one that refuses connections is stale and is replaced.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exod.h"

static char	*listen_path;	/* bound path, unlinked by listen_close */
static int	 listen_fd = -1;

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
	if (listen(listen_fd, 64) == -1)
		fatal("listen %s", path);
	if ((listen_path = strdup(path)) == NULL)
		fatal("strdup");
	return (listen_fd);
}

void
listen_close(void)
{
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
