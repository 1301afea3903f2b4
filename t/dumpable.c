/*
 * dumpable.c - a libOS of exod's own uid cannot reach exod's descriptors.
 *
 * exod holds every libOS's frames as memfds.  A process of the same uid
 * could open them through /proc/EXOD/fd, or ptrace exod, unless exod is
 * undumpable; exod makes itself so unless started with -g.  The test
 * runs exod as uid 65534 (root can read /proc of anyone, so it must be
 * root to drop to another uid), and a libOS of uid 65534 beside it:
 *
 *	without -g: the libOS is served (a frame bound), and exod's
 *	  /proc/PID/fd cannot be listed nor any of its entries opened;
 *	with -g: the same listing works and the memfds open, which shows
 *	  that the check above could fail.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "harness.h"
#include "tap.h"

#define DU_UID		65534
#define DU_START_MS	10000

static char	du_dir[64];
static pid_t	du_exod = -1;

/* exod's directory holds only files: its sockets and disk images. */
static void
du_rmdir(void)
{
	struct dirent	*de;
	DIR		*dir;

	if (du_dir[0] == '\0' || (dir = opendir(du_dir)) == NULL)
		return;
	while ((de = readdir(dir)) != NULL)
		if (de->d_name[0] != '.')
			(void)unlinkat(dirfd(dir), de->d_name, 0);
	closedir(dir);
	(void)rmdir(du_dir);
	du_dir[0] = '\0';
}

static void
du_cleanup(void)
{
	if (du_exod > 0) {
		kill(du_exod, SIGKILL);
		waitpid(du_exod, NULL, 0);
		du_exod = -1;
	}
	du_rmdir();
}

static void
du_drop(void)
{
	if (setgroups(0, NULL) == -1 || setgid(DU_UID) == -1 ||
	    setuid(DU_UID) == -1)
		_exit(126);
}

/* exod as uid 65534 on du_dir/sock; -1 if it cannot run as that uid. */
static pid_t
du_exod_start(const char *sock, int debuggable)
{
	const char	*exod = th_path("exod/exod");
	struct sockaddr_un sun;
	long		 deadline;
	pid_t		 pid;
	int		 fd, st;

	if ((pid = fork()) == -1)
		sysbail("fork");
	if (pid == 0) {
		du_drop();
		if (debuggable)
			execl(exod, "exod", "-f", "-g", "-m", "4M", "-D", "1M",
			    "-S", sock, (char *)NULL);
		else
			execl(exod, "exod", "-f", "-m", "4M", "-D", "1M",
			    "-S", sock, (char *)NULL);
		_exit(127);
	}
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", sock);
	for (deadline = th_now_ms() + DU_START_MS; th_now_ms() < deadline;
	    th_sleep_ms(20)) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return (-1);
		if ((fd = socket(AF_UNIX, SOCK_SEQPACKET, 0)) == -1)
			sysbail("socket");
		if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0) {
			close(fd);
			return (pid);
		}
		close(fd);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return (-1);
}

/*
 * As uid 65534: bind a frame, then try exod's /proc/PID/fd.  Exit
 * status: bit 0 set if the frame was bound, bit 1 if the directory
 * could be listed, bit 2 if some entry of it could be opened.
 */
static int
du_probe(const char *sock, pid_t exod)
{
	struct exo_frame f;
	struct dirent	*de;
	struct exo	*e;
	char		 path[320];
	DIR		*dir;
	pid_t		 pid;
	int		 st, r = 0, fd;

	if ((pid = fork()) == -1)
		sysbail("fork");
	if (pid == 0) {
		du_drop();
		if (exo_connect(sock, "dumpable", &e) == 0) {
			if (exo_frame_alloc(e, &f) == 0)
				r |= 1;
		}
		snprintf(path, sizeof path, "/proc/%ld/fd", (long)exod);
		if ((dir = opendir(path)) != NULL) {
			r |= 2;
			while ((de = readdir(dir)) != NULL) {
				if (de->d_name[0] == '.')
					continue;
				snprintf(path, sizeof path, "/proc/%ld/fd/%s",
				    (long)exod, de->d_name);
				if ((fd = open(path, O_RDONLY)) != -1) {
					r |= 4;
					close(fd);
				}
			}
			closedir(dir);
		}
		_exit(r);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return (-1);
	return (WEXITSTATUS(st));
}

/* Can uid 65534 execute exod where the build put it? */
static int
du_reachable(const char *exod)
{
	pid_t	pid;
	int	st;

	if ((pid = fork()) == -1)
		sysbail("fork");
	if (pid == 0) {
		du_drop();
		_exit(access(exod, X_OK) == 0 ? 0 : 1);
	}
	return (waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0);
}

static void
du_case(int debuggable)
{
	char	sock[96];
	int	r;

	snprintf(sock, sizeof sock, "%s/sock%d", du_dir, debuggable);
	if ((du_exod = du_exod_start(sock, debuggable)) == -1)
		bail("exod does not start as uid %d", DU_UID);
	r = du_probe(sock, du_exod);
	ok(r >= 0 && (r & 1), "%s: a libOS of exod's uid is served",
	    debuggable ? "-g" : "default");
	if (debuggable) {
		ok(r >= 0 && (r & 2), "-g: exod's /proc/PID/fd can be listed "
		    "by its uid");
		ok(r >= 0 && (r & 4), "-g: and its descriptors opened (the "
		    "hole the default closes)");
	} else {
		ok(r >= 0 && !(r & 2), "default: exod's /proc/PID/fd cannot "
		    "be listed by a libOS of its uid");
		ok(r >= 0 && !(r & 4), "default: nor any of its descriptors "
		    "opened");
	}
	kill(du_exod, SIGTERM);
	waitpid(du_exod, NULL, 0);
	du_exod = -1;
}

int
main(void)
{
	const char	*exod = th_path("exod/exod");

	if (geteuid() != 0)
		skip_all("needs root, to run exod and a libOS as uid %d",
		    DU_UID);
	snprintf(du_dir, sizeof du_dir, "/tmp/exo-dump.XXXXXX");
	if (mkdtemp(du_dir) == NULL)
		sysbail("mkdtemp");
	tap_atexit(du_cleanup);
	if (chmod(du_dir, 0777) == -1)
		sysbail("chmod %s", du_dir);
	if (!du_reachable(exod))
		skip_all("uid %d cannot run %s (the build tree is not "
		    "reachable)", DU_UID, exod);
	plan(6);
	du_case(0);
	du_case(1);
	return (0);
}
