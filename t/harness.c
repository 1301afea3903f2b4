/*
 * harness.c - start a private exod for one test and clean up after it
 * (see harness.h).
 *
 * Each th_exod_start() makes a directory with mkdtemp(3) under $TMPDIR
 * (or /tmp), runs "exod -f -S dir/sock ..." with its stdout and stderr in
 * dir/exod.log, and waits until the socket accepts a connection.  The
 * harness keeps its own record of every exod it started (the caller's
 * struct th_exod may live on main()'s stack, which is gone by the time
 * exit handlers run), and at exit - normal exit, bail(), or SIGINT,
 * SIGTERM, SIGHUP - stops each one (SIGTERM, SIGKILL after 5 s), reaps
 * it and removes its directory.
 *
 * An exod still running at normal exit must stop cleanly when asked: if
 * it does not exit 0 on SIGTERM (a crash, a hang, a sanitizer report)
 * that is recorded as one more failed test.  When any test failed, the
 * tail of each exod.log is shown as diagnostics.  Set EXO_TEST_KEEP in
 * the environment to keep the directories for a look afterwards.
 *
 * Only the process that started an exod ever stops it: forked children of
 * a test inherit the exit and signal handlers, which do nothing there.
 * Should the test die where no handler can run (SIGKILL, a crash), exod
 * gets SIGTERM from the kernel (PR_SET_PDEATHSIG); only the directory is
 * left behind then.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exo.h"
#include "harness.h"
#include "tap.h"

#define TH_SLOTS	32	/* exods one test may start */
#define TH_ARGS_MAX	32	/* extra arguments to exod */
#define TH_START_MS	10000	/* exod must answer within this */
#define TH_STOP_MS	5000	/* SIGTERM, then SIGKILL after this */
#define TH_LOG_TAIL	8192	/* bytes of exod.log shown on failure */

/* What the harness remembers of each exod it started. */
struct th_slot {
	int	used;		/* slot holds a directory to remove */
	pid_t	pid;		/* exod, or -1 once reaped */
	int	status;		/* waitpid status, once reaped */
	int	dumped;		/* exod.log already shown */
	char	dir[256];
	char	log[300];
};

static struct th_slot	 th_slots[TH_SLOTS];
static pid_t		 th_owner;	/* the process that started them */
static int		 th_hooked;	/* exit hook and signals installed */

static void	th_cleanup(void);
static void	th_signal(int);
static void	th_install(void);
static void	th_dump_log(struct th_slot *);
static int	th_reap(struct th_slot *, int);
static int	th_rmtree_at(int, const char *, int);
static void	th_rmtree(const char *);
static struct th_slot *th_slot_of(pid_t);

void
th_sleep_ms(long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

long
th_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000L;
}

const char *
th_path(const char *prog)
{
	static char path[PATH_MAX];
	char exe[PATH_MAX], *slash;
	const char *top;
	ssize_t n;
	size_t len;

	top = getenv("EXO_BUILDDIR");
	if (top != NULL && *top != '\0') {
		if ((size_t)snprintf(path, sizeof path, "%s/%s", top, prog) >=
		    sizeof path)
			bail("th_path: $EXO_BUILDDIR/%s is too long", prog);
		return path;
	}

	/* No $EXO_BUILDDIR: the test lives in <builddir>/t/. */
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n == -1)
		sysbail("readlink /proc/self/exe");
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) != NULL)
		*slash = '\0';
	/* Run through a libtool wrapper: the real binary is in t/.libs/. */
	len = strlen(exe);
	if (len >= 6 && strcmp(exe + len - 6, "/.libs") == 0)
		exe[len - 6] = '\0';
	if ((size_t)snprintf(path, sizeof path, "%s/../%s", exe, prog) >=
	    sizeof path)
		bail("th_path: %s/../%s is too long", exe, prog);
	return path;
}

static struct th_slot *
th_slot_of(pid_t pid)
{
	int i;

	if (pid <= 0)
		return NULL;
	for (i = 0; i < TH_SLOTS; i++)
		if (th_slots[i].used && th_slots[i].pid == pid)
			return &th_slots[i];
	return NULL;
}

/*
 * Wait for a slot's exod for up to ms milliseconds (0: just look).
 * Returns 1 once it has been reaped (status recorded), 0 if it still runs.
 */
static int
th_reap(struct th_slot *s, int ms)
{
	long deadline = th_now_ms() + ms;
	pid_t r;

	if (s->pid == -1)
		return 1;
	for (;;) {
		r = waitpid(s->pid, &s->status, WNOHANG);
		if (r == s->pid || (r == -1 && errno == ECHILD)) {
			if (r == -1)
				s->status = -1;
			s->pid = -1;
			return 1;
		}
		if (r == -1 && errno != EINTR)
			return 0;
		if (th_now_ms() >= deadline)
			return 0;
		th_sleep_ms(10);
	}
}

/* Show the tail of a slot's exod.log as diagnostics, once. */
static void
th_dump_log(struct th_slot *s)
{
	char buf[TH_LOG_TAIL + 1], *line, *nl;
	struct stat st;
	ssize_t n;
	int fd;

	if (s->dumped || s->log[0] == '\0')
		return;
	s->dumped = 1;
	if ((fd = open(s->log, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	if (fstat(fd, &st) == 0 && st.st_size > TH_LOG_TAIL) {
		lseek(fd, st.st_size - TH_LOG_TAIL, SEEK_SET);
		diag("last %d bytes of %s:", TH_LOG_TAIL, s->log);
	} else
		diag("%s:", s->log);
	n = read(fd, buf, TH_LOG_TAIL);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (line = buf; *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		diag("  %s", line);
		if (nl == NULL)
			break;
	}
}

/*
 * Remove everything below the directory fd refers to, then name itself
 * from dirfd.  Only system calls (getdents64, unlinkat), no malloc, so it
 * can run in a signal handler.
 */
struct th_dirent64 {
	uint64_t	d_ino;
	int64_t		d_off;
	unsigned short	d_reclen;
	unsigned char	d_type;
	char		d_name[];
};

static int
th_rmtree_at(int dirfd, const char *name, int depth)
{
	char buf[4096];
	struct th_dirent64 *de;
	long n, off;
	int fd, removed;

	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (depth > 16 || (errno != EISDIR && errno != EPERM))
		return -1;
	fd = openat(dirfd, name,
	    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return -1;
	/* Until a pass over the directory removes nothing more. */
	do {
		removed = 0;
		lseek(fd, 0, SEEK_SET);
		while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
			for (off = 0; off < n; off += de->d_reclen) {
				de = (struct th_dirent64 *)(buf + off);
				if (strcmp(de->d_name, ".") == 0 ||
				    strcmp(de->d_name, "..") == 0)
					continue;
				if (th_rmtree_at(fd, de->d_name, depth + 1) == 0)
					removed++;
			}
		}
	} while (removed > 0);
	close(fd);
	return unlinkat(dirfd, name, AT_REMOVEDIR);
}

static void
th_rmtree(const char *dir)
{
	th_rmtree_at(AT_FDCWD, dir, 0);
}

/*
 * The exit hook: stop every exod still running, check that it stopped
 * cleanly, show the logs if anything failed, remove the directories.
 */
static void
th_cleanup(void)
{
	struct th_slot *s;
	int i, clean;

	if (getpid() != th_owner)
		return;
	for (i = 0; i < TH_SLOTS; i++) {
		s = &th_slots[i];
		if (!s->used || s->pid == -1)
			continue;
		kill(s->pid, SIGTERM);
		if (!th_reap(s, TH_STOP_MS)) {
			kill(s->pid, SIGKILL);
			th_reap(s, TH_STOP_MS);
		}
		clean = s->status != -1 && WIFEXITED(s->status) &&
		    WEXITSTATUS(s->status) == 0;
		if (!clean) {
			if (s->status != -1 && WIFSIGNALED(s->status))
				ok(0, "exod stops cleanly at exit (signal %d)",
				    WTERMSIG(s->status));
			else
				ok(0, "exod stops cleanly at exit (status %d)",
				    s->status == -1 ? -1 :
				    WEXITSTATUS(s->status));
			th_dump_log(s);
		}
	}
	for (i = 0; i < TH_SLOTS; i++) {
		s = &th_slots[i];
		if (!s->used)
			continue;
		if (tap_failures() > 0)
			th_dump_log(s);
		if (getenv("EXO_TEST_KEEP") != NULL)
			diag("kept %s", s->dir);
		else
			th_rmtree(s->dir);
		s->used = 0;
	}
}

/*
 * SIGINT, SIGTERM, SIGHUP: stop the exods and remove the directories,
 * then die of the same signal.  Async-signal-safe calls only.
 */
static void
th_signal(int sig)
{
	struct th_slot *s;
	int i, n;

	if (getpid() == th_owner) {
		for (i = 0; i < TH_SLOTS; i++) {
			s = &th_slots[i];
			if (!s->used || s->pid <= 0)
				continue;
			kill(s->pid, SIGTERM);
			for (n = 0; n < TH_STOP_MS / 10; n++) {
				if (waitpid(s->pid, NULL, WNOHANG) != 0)
					break;
				th_sleep_ms(10);
			}
			if (n == TH_STOP_MS / 10) {
				kill(s->pid, SIGKILL);
				waitpid(s->pid, NULL, 0);
			}
			s->pid = -1;
		}
		for (i = 0; i < TH_SLOTS; i++)
			if (th_slots[i].used)
				th_rmtree(th_slots[i].dir);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
th_install(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	if (th_hooked)
		return;
	th_hooked = 1;
	th_owner = getpid();
	tap_atexit(th_cleanup);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = th_signal;
	sigfillset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigaction(sigs[i], &sa, NULL) == -1)
			sysbail("sigaction");
}

/*
 * Run exod -f -S d->sock plus the extra arguments in ap, its output
 * appended to the slot's exod.log, and wait until the socket accepts a
 * connection.  Bails on failure.
 */
static void
th_spawn(struct th_slot *s, struct th_exod *d, va_list ap)
{
	const char *argv[TH_ARGS_MAX + 6], *arg;
	struct sockaddr_un sun;
	sigset_t none;
	long deadline;
	int n, fd, logfd, devnull;
	pid_t pid, parent;

	n = 0;
	argv[n++] = th_path("exod/exod");
	argv[n++] = "-f";
	/* As a plain user, tests count exod's descriptors in /proc. */
	if (geteuid() != 0)
		argv[n++] = "-g";
	argv[n++] = "-S";
	argv[n++] = d->sock;
	while ((arg = va_arg(ap, const char *)) != NULL) {
		if (n >= TH_ARGS_MAX + 4)
			bail("th_exod_start: more than %d arguments",
			    TH_ARGS_MAX);
		argv[n++] = arg;
	}
	argv[n] = NULL;

	logfd = open(s->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (logfd == -1)
		sysbail("open %s", s->log);
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull == -1)
		sysbail("open /dev/null");

	fflush(NULL);
	parent = getpid();
	if ((pid = fork()) == -1)
		sysbail("fork");
	if (pid == 0) {
		/*
		 * If the test dies where no handler runs (SIGKILL, a crash),
		 * exod is told with SIGTERM rather than left running.
		 */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 ||
		    getppid() != parent)
			_exit(127);
		/* exod gets default signal handling and a clean mask. */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (dup2(devnull, 0) == -1 || dup2(logfd, 1) == -1 ||
		    dup2(logfd, 2) == -1)
			_exit(127);
		execv(argv[0], (char *const *)argv);
		dprintf(2, "harness: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(logfd);
	close(devnull);
	s->pid = d->pid = pid;
	s->dumped = 0;

	/* Wait until the socket accepts a connection. */
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, d->sock, strlen(d->sock) + 1);	/* fits */
	deadline = th_now_ms() + TH_START_MS;
	for (;;) {
		if (th_reap(s, 0)) {
			d->pid = -1;
			th_dump_log(s);
			if (s->status != -1 && WIFEXITED(s->status))
				bail("exod exited at start (status %d)",
				    WEXITSTATUS(s->status));
			bail("exod died at start (wait status %d)", s->status);
		}
		fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
		if (fd == -1)
			sysbail("socket");
		if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0) {
			close(fd);
			break;
		}
		close(fd);
		if (th_now_ms() >= deadline) {
			th_dump_log(s);
			bail("exod did not answer on %s within %d s", d->sock,
			    TH_START_MS / 1000);
		}
		th_sleep_ms(10);
	}
}

void
th_exod_start(struct th_exod *d, ...)
{
	struct sockaddr_un sun;
	struct th_slot *s = NULL;
	const char *base;
	va_list ap;
	int i;

	th_install();
	for (i = 0; i < TH_SLOTS; i++)
		if (!th_slots[i].used) {
			s = &th_slots[i];
			break;
		}
	if (s == NULL)
		bail("th_exod_start: more than %d exods in one test", TH_SLOTS);
	memset(d, 0, sizeof *d);
	d->pid = -1;

	/* A directory of our own; its socket path must fit sun_path. */
	base = getenv("TMPDIR");
	if (base == NULL || *base != '/' ||
	    strlen(base) + sizeof "/exo-test.XXXXXX/sock" > sizeof sun.sun_path)
		base = "/tmp";
	snprintf(d->dir, sizeof d->dir, "%s/exo-test.XXXXXX", base);
	if (mkdtemp(d->dir) == NULL)
		sysbail("mkdtemp %s", d->dir);
	snprintf(d->sock, sizeof d->sock, "%s/sock", d->dir);
	memset(s, 0, sizeof *s);
	s->used = 1;
	s->pid = -1;
	snprintf(s->dir, sizeof s->dir, "%s", d->dir);
	snprintf(s->log, sizeof s->log, "%s/exod.log", d->dir);

	va_start(ap, d);
	th_spawn(s, d, ap);
	va_end(ap);
}

void
th_exod_restart(struct th_exod *d, ...)
{
	struct th_slot *s = NULL;
	va_list ap;
	int i;

	if (th_exod_alive(d))
		bail("th_exod_restart: exod %ld still runs", (long)d->pid);
	for (i = 0; i < TH_SLOTS; i++)
		if (th_slots[i].used && th_slots[i].pid == -1 &&
		    strcmp(th_slots[i].dir, d->dir) == 0) {
			s = &th_slots[i];
			break;
		}
	if (s == NULL)
		bail("th_exod_restart: %s is no directory of a stopped exod",
		    d->dir);
	va_start(ap, d);
	th_spawn(s, d, ap);
	va_end(ap);
}

int
th_exod_stop(struct th_exod *d)
{
	struct th_slot *s;
	int i, status;

	if ((s = th_slot_of(d->pid)) == NULL) {
		/* Not running (or reaped by th_exod_alive): its status. */
		for (i = 0; i < TH_SLOTS; i++)
			if (th_slots[i].used && th_slots[i].pid == -1 &&
			    strcmp(th_slots[i].dir, d->dir) == 0)
				return th_slots[i].status;
		return -1;
	}
	kill(s->pid, SIGTERM);
	if (!th_reap(s, 2 * TH_STOP_MS)) {
		diag("exod %ld ignored SIGTERM for %d s: SIGKILL",
		    (long)s->pid, 2 * TH_STOP_MS / 1000);
		kill(s->pid, SIGKILL);
		th_reap(s, TH_STOP_MS);
	}
	status = s->status;
	d->pid = -1;
	return status;
}

int
th_exod_alive(struct th_exod *d)
{
	struct th_slot *s;

	if ((s = th_slot_of(d->pid)) == NULL)
		return 0;
	if (th_reap(s, 0)) {
		d->pid = -1;
		return 0;
	}
	return 1;
}

struct exo *
th_connect(struct th_exod *d, const char *name)
{
	struct exo *e = NULL;
	int rc;

	rc = exo_connect(d->sock, name, &e);
	if (rc == -EXO_ESYS)
		sysbail("exo_connect %s as %s", d->sock, name);
	if (rc < 0)
		bail("exo_connect %s as %s: %s", d->sock, name,
		    exo_strerror(rc));
	return e;
}

int
th_raw_connect(struct th_exod *d)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if ((size_t)snprintf(sun.sun_path, sizeof sun.sun_path, "%s",
	    d->sock) >= sizeof sun.sun_path)
		bail("th_raw_connect: socket path too long");
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd == -1)
		sysbail("socket");
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1)
		sysbail("connect %s", d->sock);
	return fd;
}

int
th_raw_send(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do
		n = send(fd, buf, len, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	return (int)n;
}

/*
 * Receive one datagram.  Descriptors that come with it are closed: the
 * raw interface has nowhere to return them, and a test counting its own
 * descriptors must not see them leak.
 */
int
th_raw_recv(int fd, void *buf, size_t len, int timeout)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(EXO_BATCH_MAX * sizeof(int))];
	} cbuf;
	struct pollfd pfd;
	struct msghdr msg;
	struct cmsghdr *cmsg;
	struct iovec iov;
	ssize_t n;
	size_t i, nfds;
	int r, *fds;

	pfd.fd = fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	do
		r = poll(&pfd, 1, timeout);
	while (r == -1 && errno == EINTR);
	if (r == 0)
		errno = ETIMEDOUT;
	if (r <= 0)
		return -1;

	iov.iov_base = buf;
	iov.iov_len = len;
	memset(&msg, 0, sizeof msg);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof cbuf.buf;
	do
		n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL;
	    cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		fds = (int *)CMSG_DATA(cmsg);
		nfds = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < nfds; i++)
			close(fds[i]);
	}
	return (int)n;
}

unsigned
th_raw_hello(int fd, const char *name)
{
	struct {
		struct exo_hdr		hdr;
		struct exo_hello	hello;
	} req;
	struct {
		struct exo_hdr		hdr;
		struct exo_hello_reply	reply;
	} rep;
	int n;

	memset(&req, 0, sizeof req);
	req.hdr.version = EXO_PROTO_VERSION;
	req.hdr.type = EXO_MSG_HELLO;
	req.hdr.id = 1;
	req.hdr.len = sizeof req.hello;
	req.hdr.status = 0;
	req.hello.flags = 0;
	snprintf(req.hello.name, sizeof req.hello.name, "%s", name);
	if (th_raw_send(fd, &req, sizeof req) != (int)sizeof req)
		sysbail("th_raw_hello: send");

	memset(&rep, 0, sizeof rep);
	n = th_raw_recv(fd, &rep, sizeof rep, 5000);
	if (n == -1)
		sysbail("th_raw_hello: no reply");
	if (n == 0)
		bail("th_raw_hello: exod closed the connection");
	if ((size_t)n < sizeof rep.hdr)
		bail("th_raw_hello: short reply (%d bytes)", n);
	if (rep.hdr.type != (EXO_MSG_HELLO | EXO_MSG_REPLY) ||
	    rep.hdr.id != 1)
		bail("th_raw_hello: reply type %#x id %u", rep.hdr.type,
		    rep.hdr.id);
	if (rep.hdr.status != 0)
		bail("th_raw_hello as %s: %s", name,
		    exo_strerror(rep.hdr.status));
	if ((size_t)n != sizeof rep || rep.hdr.len != sizeof rep.reply)
		bail("th_raw_hello: reply of %d bytes, len %u", n,
		    rep.hdr.len);
	return rep.reply.libos;
}

int
th_count_fds(pid_t pid)
{
	char path[64];
	struct dirent *de;
	DIR *dir;
	int n = 0, self;

	snprintf(path, sizeof path, "/proc/%ld/fd", (long)pid);
	if ((dir = opendir(path)) == NULL)
		return -1;
	/* Counting our own: the directory being read is not one of them. */
	self = pid == getpid() ? dirfd(dir) : -1;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (self != -1 && atoi(de->d_name) == self)
			continue;
		n++;
	}
	closedir(dir);
	return n;
}

long
th_frames_free(struct th_exod *d)
{
	struct exo_status st;
	struct exo *e;
	long n;
	int rc;

	if ((rc = exo_connect_control(d->sock, &e)) < 0)
		return rc;
	rc = exo_status(e, &st);
	exo_disconnect(e);
	if (rc < 0)
		return rc;
	n = st.totals.frames_free;
	exo_status_free(&st);
	return n;
}

long
th_wait_frames_free(struct th_exod *d, long want, int timeout)
{
	long deadline = th_now_ms() + timeout, n;

	for (;;) {
		n = th_frames_free(d);
		if (n == want || th_now_ms() >= deadline)
			return n;
		th_sleep_ms(20);
	}
}

int
th_fds_settled(struct th_exod *e, int timeout)
{
	long	deadline = th_now_ms() + timeout, since = th_now_ms();
	int	n, last = th_count_fds(e->pid);

	while (th_now_ms() < deadline) {
		th_sleep_ms(20);
		n = th_count_fds(e->pid);
		if (n != last) {
			last = n;
			since = th_now_ms();
		} else if (th_now_ms() - since >= 500)
			break;
	}
	return last;
}

int
th_wait_fds(struct th_exod *e, int want, int timeout)
{
	long	deadline = th_now_ms() + timeout;
	int	n;

	for (;;) {
		n = th_count_fds(e->pid);
		if (n == want || th_now_ms() >= deadline)
			return n;
		th_sleep_ms(20);
	}
}

long
th_vmrss_kb(pid_t pid)
{
	char	path[64], line[256];
	FILE	*f;
	long	kb = -1;

	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}
