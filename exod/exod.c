/*
 * exod.c - the exokernel daemon: start-up, the event loop, shutdown.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "exo.h"
#include "exod.h"

#define EXOD_MEM_DEFAULT	(64ULL << 20)
#define EXOD_MAPS_SPARE		4096	/* mappings kept for libraries etc. */
#define EXOD_OPT_NO_STLB	256
#define EXOD_DISK_DEFAULT	(64ULL << 20)
#define EXOD_NICE		(-10)	/* exod's priority, where permitted */
#define EXOD_DISPLAY_W		640	/* -F without a size */
#define EXOD_DISPLAY_H		480
#define EXOD_TILE_DEFAULT	32

static const struct option exod_longopts[] = {
	{ "debuggable", no_argument, NULL, 'g' },
	{ "help", no_argument, NULL, 'h' },
	{ "no-stlb", no_argument, NULL, EXOD_OPT_NO_STLB },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* -h: the usage on stdout, exit 0; a usage error: on stderr, exit 2. */
static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: exod [-fghrVv] [--no-stlb] [-b ms] [-c ms] [-D size] "
	    "[-d image]\n            [-F [WIDTHxHEIGHT[/TILE]]] [-H ms] "
	    "[-m size] [-N backend:arg]\n            [-n slots] [-P frames] "
	    "[-p pidfile] [-q ms] [-R ms] [-S socket]\n            "
	    "[-T user[,user...]] [-t entries]\n");
	exit(status ? 2 : 0);
}

/* A whole number in [lo, hi], or exit with a message naming the option. */
static unsigned long
exod_parse_num(int opt, const char *s, unsigned long lo, unsigned long hi)
{
	unsigned long	 v;
	char		*end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v < lo ||
	    v > hi) {
		fprintf(stderr, "exod: -%c %s: not a whole number from %lu "
		    "to %lu\n", opt, s, lo, hi);
		usage(1);
	}
	return (v);
}

/* Milliseconds, fractions allowed ("0.5"), in (0, hi]: nanoseconds. */
static uint64_t
exod_parse_ms(int opt, const char *s, double hi)
{
	double	 v;
	char	*end;

	errno = 0;
	v = strtod(s, &end);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || !(v > 0) ||
	    v > hi || v * 1e6 < 1000) {
		fprintf(stderr, "exod: -%c %s: not a time in milliseconds "
		    "from 0.001 to %g\n", opt, s, hi);
		usage(1);
	}
	return ((uint64_t)(v * 1e6 + 0.5));
}

/* "64M", "16k", "4096": bytes, or 0 when malformed. */
static unsigned long long
exod_parse_size(const char *s)
{
	unsigned long long	 v;
	char			*end;
	unsigned		 shift = 0;

	if (*s < '0' || *s > '9')
		return (0);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return (0);
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	default:
		return (0);
	}
	if (*end != '\0' && end[1] != '\0')
		return (0);
	if (v > (ULLONG_MAX >> shift))
		return (0);
	return (v << shift);
}

/*
 * -F's geometry, "WIDTHxHEIGHT[/TILE]" (NULL: the default display), into
 * w, h, side; exits with a message when it is not one exod can have.
 */
static void
exod_parse_display(const char *s, uint32_t *w, uint32_t *h, uint32_t *side)
{
	unsigned long	 v[3] = { EXOD_DISPLAY_W, EXOD_DISPLAY_H,
			    EXOD_TILE_DEFAULT };
	const char	*p = s;
	char		*end;
	int		 i;

	for (i = 0; s != NULL && i < 3; i++) {
		if (*p < '0' || *p > '9')
			goto bad;
		errno = 0;
		v[i] = strtoul(p, &end, 10);
		if (errno != 0)
			goto bad;
		p = end;
		if (*p == '\0' && i >= 1)
			break;
		if (*p != (i == 0 ? 'x' : '/') || i == 2)
			goto bad;
		p++;
	}
	if (v[0] == 0 || v[1] == 0 || v[0] > EXO_DISPLAY_MAX ||
	    v[1] > EXO_DISPLAY_MAX || (v[2] != 32 && v[2] != 64) ||
	    ((v[0] + v[2] - 1) / v[2]) * ((v[1] + v[2] - 1) / v[2]) >
	    EXO_TILES_MAX)
		goto bad;
	*w = (uint32_t)v[0];
	*h = (uint32_t)v[1];
	*side = (uint32_t)v[2];
	return;
bad:
	fprintf(stderr, "exod: -F %s: not WIDTHxHEIGHT[/TILE] with sides of "
	    "1 to %d pixels, tiles of 32 or 64, at most %d tiles\n", s,
	    EXO_DISPLAY_MAX, EXO_TILES_MAX);
	usage(1);
}

/*
 * Descriptors: each bound frame costs exod one (and, once it is touched, a
 * mapping); beside them exod keeps the pool, EXOD_CONN_FDS for every
 * connection it may hold, and a few of its own.  Raise the soft limit to
 * the hard one, and, where exod may (CAP_SYS_RESOURCE), the hard limit to
 * what frames need.  The pool is what gives: it shrinks to fit, down to
 * EXOD_POOL_MIN.  Returns the pool size, or 0 if frames cannot fit.
 */
#define EXOD_POOL_MAX		1024
#define EXOD_POOL_MIN		64
#define EXOD_FDS_SPARE		64	/* exod's own: log, image, timers */

static unsigned long long
exod_maps_max(void)
{
	FILE			*f;
	unsigned long long	 maps = 65530;

	if ((f = fopen("/proc/sys/vm/max_map_count", "r")) != NULL) {
		if (fscanf(f, "%llu", &maps) != 1)
			maps = 65530;
		fclose(f);
	}
	return (maps > 2 * EXOD_MAPS_SPARE ? maps - EXOD_MAPS_SPARE : 0);
}

/* What frames need beside the pool. */
static unsigned long long
exod_fds_fixed(unsigned long long frames)
{
	return (frames + (unsigned long long)EXOD_CONN_FDS * EXOD_CONN_MAX +
	    EXOD_FDS_SPARE);
}

static unsigned
exod_fd_budget(unsigned long long frames)
{
	struct rlimit		rl;
	unsigned long long	need, room, pool;

	pool = frames < EXOD_POOL_MAX ? frames : EXOD_POOL_MAX;
	need = exod_fds_fixed(frames) + pool;
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return (0);
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
		struct rlimit	up = { need, need };

		if (setrlimit(RLIMIT_NOFILE, &up) == 0)
			rl = up;
	}
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return (0);
	if (frames > exod_maps_max())
		return (0);
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
		return ((unsigned)pool);
	room = rl.rlim_cur > exod_fds_fixed(frames) ? rl.rlim_cur -
	    exod_fds_fixed(frames) : 0;
	if (room < EXOD_POOL_MIN && room < frames)
		return (0);
	return ((unsigned)(room < pool ? room : pool));
}

/* The most frames the limits allow, for the message when -m is too big. */
static unsigned long long
exod_frames_max(void)
{
	struct rlimit		rl;
	unsigned long long	fds = 1024, fixed;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		fds = rl.rlim_cur;
	fixed = exod_fds_fixed(0) + EXOD_POOL_MIN;
	fds = fds > fixed ? fds - fixed : 0;
	return (exod_maps_max() < fds ? exod_maps_max() : fds);
}

/*
 * The exokernel must not be kept from its quantum boundaries by the very
 * libOSes it schedules: where permitted, it runs at a higher priority.
 */
static void
exod_priority(void)
{
	errno = 0;
	if (setpriority(PRIO_PROCESS, 0, EXOD_NICE) == -1)
		log_debug("cannot raise exod's priority: %s", strerror(errno));
}

/* A relative socket path is made absolute: a daemon works from "/". */
static void
exod_absolute(char *path, size_t len)
{
	char	cwd[PATH_MAX], abs[PATH_MAX + 256];

	if (path[0] == '/')
		return;
	if (getcwd(cwd, sizeof cwd) == NULL)
		fatal("getcwd");
	if ((size_t)snprintf(abs, sizeof abs, "%s/%s", cwd, path) >= len) {
		fprintf(stderr, "exod: socket path too long: %s/%s\n", cwd, path);
		exit(1);
	}
	memcpy(path, abs, strlen(abs) + 1);
}

/*
 * Become a daemon.  The parent waits until the child says it is serving
 * (exod_ready) and exits 0, or sees it die during start-up and exits 1:
 * `exod` returns only once the socket answers, with a true exit status.
 * Returns the child's end of the readiness pipe.
 */
static int
exod_daemonize(int verbose)
{
	int	p[2];
	char	c;
	pid_t	pid;

	if (pipe2(p, O_CLOEXEC) == -1)
		fatal("pipe");
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid > 0) {
		close(p[1]);
		_exit(read(p[0], &c, 1) == 1 ? 0 : 1);
	}
	close(p[0]);
	if (setsid() == -1 || chdir("/") == -1)
		fatal("setsid");
	log_init(0, verbose);
	return (p[1]);
}

/* -p: the pid file, written once exod serves, removed when it stops. */
static const char	*exod_pidfile;
static char		 exod_pidpath[PATH_MAX];

/* Keep -p's path, made absolute: the daemon works from "/". */
static int
exod_pidfile_set(const char *arg)
{
	if (snprintf(exod_pidpath, sizeof exod_pidpath, "%s", arg) >=
	    (int)sizeof exod_pidpath || *arg == '\0') {
		fprintf(stderr, "exod: -p %s: not a usable path\n", arg);
		return (-1);
	}
	exod_absolute(exod_pidpath, sizeof exod_pidpath);
	exod_pidfile = exod_pidpath;
	return (0);
}

static void
exod_pidfile_remove(void)
{
	if (exod_pidfile != NULL)
		(void)unlink(exod_pidfile);
}

static void
exod_pidfile_write(void)
{
	FILE	*f;

	if (exod_pidfile == NULL)
		return;
	if ((f = fopen(exod_pidfile, "w")) == NULL ||
	    fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0)
		fatal("pid file %s", exod_pidfile);
	atexit(exod_pidfile_remove);
}

/* libevent's own warnings and errors, in exod's log. */
static void
exod_event_log(int severity, const char *msg)
{
	switch (severity) {
	case EVENT_LOG_DEBUG:
		log_debug("libevent: %s", msg);
		break;
	case EVENT_LOG_MSG:
		log_info("libevent: %s", msg);
		break;
	default:
		log_warnx("libevent: %s", msg);
		break;
	}
}

/* Tell systemd (Type=notify) how exod stands; nothing without it. */
static void
exod_notify(const char *state)
{
#ifdef HAVE_LIBSYSTEMD
	(void)sd_notify(0, state);
#else
	(void)state;
#endif
}

/* Serving now: release the waiting parent and let go of the terminal. */
static void
exod_ready(int fd)
{
	int	null;

	if (write(fd, "k", 1) != 1)
		log_warn("cannot tell the parent exod is ready");
	close(fd);
	if ((null = open("/dev/null", O_RDWR)) != -1) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
}

/*
 * exod holds every libOS's frames, blocks and tiles as descriptors.  A
 * process of exod's uid could otherwise open them all through
 * /proc/PID/fd (or ptrace exod): undumpable, those belong to root.
 * -g keeps exod debuggable, for gdb and for tests run as a plain user.
 */
static void
exod_undumpable(int debuggable)
{
	if (!debuggable && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		log_warn("prctl(PR_SET_DUMPABLE)");
}

static void
exod_signal_cb(evutil_socket_t sig, short events, void *arg)
{
	log_info("signal %d: shutting down", (int)sig);
	event_base_loopbreak(arg);
}

int
main(int argc, char **argv)
{
	struct event_base	*base;
	struct event_config	*cfg;
	struct event		*ev_term, *ev_int;
	unsigned long long	 mem = EXOD_MEM_DEFAULT, frames;
	char			 path[256];
	const char		*opt_sock = NULL, *env, *opt_disk = NULL;
	char			 disk_path[PATH_MAX];
	unsigned long long	 disk_size = EXOD_DISK_DEFAULT;
	int			 ch, foreground = 0, verbose = 0, error;
	int			 ready = -1, display = 0, debuggable = 0;
	unsigned		 pool;
	uint32_t		 disp_w = 0, disp_h = 0, disp_side = 0;
	sigset_t		 stop, old;
	const char		*opt_net = NULL;
	char			 err[128];

	argv[0] = (char *)"exod";	/* getopt's messages name exod */
	while ((ch = getopt_long(argc, argv,
	    "b:c:D:d:fF::gH:hm:N:n:P:p:q:R:rS:T:t:Vv", exod_longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'c':
			call_deadline_ns = exod_parse_ms(ch, optarg, 600000);
			break;
		case 'D':
			if ((disk_size = exod_parse_size(optarg)) == 0 ||
			    disk_size % EXO_BLOCK_SIZE != 0) {
				fprintf(stderr, "exod: -D %s: not a positive "
				    "multiple of %d bytes\n", optarg,
				    EXO_BLOCK_SIZE);
				usage(1);
			}
			break;
		case 'd':
			opt_disk = optarg;
			break;
		case 'F':
			/* "-F 800x600" as well as "-F800x600" and "-F". */
			if (optarg == NULL && optind < argc &&
			    argv[optind][0] >= '0' && argv[optind][0] <= '9')
				optarg = argv[optind++];
			exod_parse_display(optarg, &disp_w, &disp_h, &disp_side);
			display = 1;
			break;
		case 'N':
			opt_net = optarg;
			break;
		case 'T':
			if (net_set_trusted(optarg, err, sizeof err) == -1) {
				fprintf(stderr, "exod: -T: no such user: %s\n",
				    err);
				usage(1);
			}
			break;
		case 'P':
			revoke_protected_max = (unsigned)exod_parse_num(ch,
			    optarg, 0, 65536);
			break;
		case 'R':
			revoke_deadline_ns = exod_parse_ms(ch, optarg, 600000);
			break;
		case 'b':
			sched_conf.bound_ns = exod_parse_ms(ch, optarg, 1000);
			break;
		case 'n':
			sched_conf.nslots = (unsigned)exod_parse_num(ch, optarg,
			    1, EXO_SLOTS_MAX);
			break;
		case 'q':
			sched_conf.quantum_ns = exod_parse_num(ch, optarg, 1,
			    10000) * 1000000ULL;
			break;
		case 'r':
			sched_conf.roundrobin = 1;
			break;
		case 't':
			sched_conf.tlb_entries = (unsigned)exod_parse_num(ch,
			    optarg, 8, 4096);
			break;
		case EXOD_OPT_NO_STLB:
			sched_conf.no_stlb = 1;
			break;
		case 'f':
			foreground = 1;
			break;
		case 'g':
			debuggable = 1;
			break;
		case 'H':
			peer_hello_ns = exod_parse_ms(ch, optarg, 600000);
			break;
		case 'h':
			usage(0);
		case 'm':
			if ((mem = exod_parse_size(optarg)) == 0 ||
			    mem % EXO_FRAME_SIZE != 0) {
				fprintf(stderr, "exod: -m %s: not a positive "
				    "multiple of %d bytes\n", optarg,
				    EXO_FRAME_SIZE);
				usage(1);
			}
			break;
		case 'p':
			if (exod_pidfile_set(optarg) == -1)
				usage(1);
			break;
		case 'S':
			opt_sock = optarg;
			break;
		case 'V':
			printf("exod %s\n", PACKAGE_VERSION);
			exit(0);
		case 'v':
			verbose++;
			break;
		default:
			usage(1);
		}
	}
	if (optind != argc)
		usage(1);
	if (sched_conf.bound_ns >= sched_conf.quantum_ns) {
		fprintf(stderr, "exod: -b must be shorter than -q\n");
		usage(1);
	}
	frames = mem / EXO_FRAME_SIZE;
	/* Past what single frames fit in, memory binds only as extents
	 * (extent.c): one descriptor and one mapping for many frames. */
	if ((pool = exod_fd_budget(frames)) == 0 && frames > EXO_EXTENT_MAX &&
	    exod_frames_max() >= EXOD_POOL_MIN)
		pool = exod_fd_budget(exod_frames_max());
	if (pool == 0) {
		fprintf(stderr, "exod: -m: at most %llu frames (%llu MiB) fit "
		    "in vm.max_map_count and the descriptor limit (ulimit "
		    "-Hn)\n", exod_frames_max(),
		    exod_frames_max() * EXO_FRAME_SIZE >> 20);
		exit(1);
	}
	if ((error = exo_socket_path(path, sizeof path, opt_sock)) != 0) {
		fprintf(stderr, "exod: socket path: %s\n", exo_strerror(error));
		exit(1);
	}

	exod_absolute(path, sizeof path);
	/* The disk image: -d, else beside the socket. */
	if ((size_t)snprintf(disk_path, sizeof disk_path, "%s%s",
	    opt_disk != NULL ? opt_disk : path, opt_disk != NULL ? "" :
	    ".disk") >= sizeof disk_path) {
		fprintf(stderr, "exod: disk image path too long\n");
		exit(1);
	}
	exod_absolute(disk_path, sizeof disk_path);
	log_init(1, verbose);
	exod_undumpable(debuggable);
	signal(SIGPIPE, SIG_IGN);
	/* A file size limit fails the write (EFBIG), it does not kill exod. */
	signal(SIGXFSZ, SIG_IGN);
	/*
	 * The socket answers before the event loop runs: a SIGTERM then
	 * waits for the loop's handler rather than killing exod mid-start.
	 * The threads started meanwhile keep it blocked.
	 */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, &old);
	exod_priority();
	if (frame_init((uint32_t)frames) == -1)
		fatal("frame table");
	if (display && tile_init(disp_w, disp_h, disp_side) == -1)
		fatal("display");
	env = getenv("EXOD_SOCKET");
	(void)listen_open(path, opt_sock == NULL &&
	    (env == NULL || *env == '\0'));
	atexit(listen_close);	/* a start-up failure leaves no socket */
	/* Only once the socket is ours: a refused exod touches no image. */
	disk_init(disk_path, disk_size);
	/* The device too: a bad -N fails the start, not a later request. */
	if (opt_net != NULL && net_configure(opt_net, err, sizeof err) == -1) {
		fprintf(stderr, "exod: -N %s: %s\n", opt_net, err);
		exit(1);
	}
	if (!foreground)
		ready = exod_daemonize(verbose);
	/* First, so that it shares nothing of what exod opens from here on. */
	watch_start(foreground);
	/* After the fork: threads and memory locks do not survive one. */
	if (pool_init(pool) == -1)
		fatal("frame pool");
	if (cap_init() == -1)
		fatalx("cannot make the capability key (libsodium)");

	event_set_log_callback(exod_event_log);
	if ((cfg = event_config_new()) == NULL)
		fatalx("event_config_new");
	/* Quantum ends and save bounds want timers finer than epoll's ms. */
	event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	if (base == NULL)
		fatalx("event_base_new");
	chan_set_base(base);
	if (watch_set_base(base) == -1)
		fatalx("cannot watch the watcher");
	revoke_init(base);
	if (sched_init(base) == -1)
		fatal("cannot start the slot timer");
	if (callchan_init(base) == -1)
		fatal("callchan_init");
	if (ring_start(base) == -1)
		fatal("disk ring worker");
	if (disk_start(base) == -1)
		fatal("cannot start the disk");
	if (net_start(base) == -1)
		fatal("cannot start the network interface");
	ev_term = evsignal_new(base, SIGTERM, exod_signal_cb, base);
	ev_int = evsignal_new(base, SIGINT, exod_signal_cb, base);
	if (listen_start(base) == -1 || ev_term == NULL || ev_int == NULL ||
	    event_add(ev_term, NULL) == -1 || event_add(ev_int, NULL) == -1)
		fatalx("cannot set up the event loop");
	sigprocmask(SIG_SETMASK, &old, NULL);
	log_info("listening on %s: %llu frames of %d bytes", path, frames,
	    EXO_FRAME_SIZE);
	exod_pidfile_write();	/* before the parent returns (Type=forking) */
	exod_notify("READY=1");
	if (ready != -1)
		exod_ready(ready);

	sched_realtime();	/* the loop only: every other thread is made */
	event_base_dispatch(base);

	exod_notify("STOPPING=1");
	sched_shutdown();
	peer_close_all();
	watch_fini();
	revoke_fini();
	sched_fini();
	callchan_fini();
	ring_fini();
	disk_fini();
	net_fini();
	listen_close();
	event_free(ev_term);
	event_free(ev_int);
	/* listen_close has run; atexit's second call finds nothing to do. */
	event_base_free(base);
	grant_fini();
	frame_fini();
	tile_fini();
	pool_fini();
	cap_fini();
	log_info("stopped");
	return (0);
}
