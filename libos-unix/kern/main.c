/*
 * main.c - libos-unix: a Unix with xv6's system calls, as a library
 * operating system on exod.
 *
 *	libos-unix [-S socket] [-n name] [-s slots] [-a addr/len [-g gateway]]
 *	    [-b cache] [-c command] [-M memory] [program-dir]
 *	libos-unix --mkfs [-S socket] [-n name] [-z size] [dir ...]
 *	libos-unix --fsck [-S socket] [-n name]
 *
 * Boot: connect to exod, reserve the region at UNIX_REGION_BASE, make
 * the gate, wrap the signal handlers and turn on syscall user dispatch,
 * claim slots, mount the file system this name owns on exod's disk
 * (fsboot.c; made on the first boot), start the first process (init, or sh -c command), and
 * schedule until it exits; its status is the libOS's exit status.
 * libos-unix(7) is the architecture; libos-unix(1) the manual.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/memlayout.h"
#include "defs.h"
#include "proc.h"
#include "vm.h"
#include "fsboot.h"
#include "swap.h"

#ifndef UNIX_PROGDIR
#define UNIX_PROGDIR	"/usr/local/libexec/exo/user"
#endif

struct exo	*unix_exo;
const char	*unix_progdir;
int		 unix_verbose;

static char	 unix_progbuf[PATH_MAX];

enum { UNIX_RUN, UNIX_MKFS, UNIX_FSCK };

/* Long options without a letter (-M is the memory limit). */
#define UNIX_OPT_MKFS	256
#define UNIX_OPT_FSCK	257

#define UNIX_MEM_MIN	64	/* -M: pages, the least a pager can work in */

/* What the file system options asked for (unix_fsopt). */
static struct {
	int		 mode;		/* UNIX_RUN, UNIX_MKFS, UNIX_FSCK */
	uint64_t	 size;		/* -z: blocks; 0: the default */
	unsigned	 nbuf;		/* -b: buffers; 0: the default */
} unix_fs;

static const struct option unix_longopts[] = {
	{ "fsck", no_argument, NULL, UNIX_OPT_FSCK },
	{ "mkfs", no_argument, NULL, UNIX_OPT_MKFS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: libos-unix [-hVv] [-a addr/len [-g gateway]] [-b cache] "
	    "[-c command]\n                  [-M memory] [-n name] [-S socket] "
	    "[-s slots] [program-dir]\n"
	    "       libos-unix --mkfs [-b cache] [-n name] [-S socket] "
	    "[-z size] [dir ...]\n"
	    "       libos-unix --fsck [-b cache] [-n name] [-S socket]\n");
	exit(status);
}

void
unix_log(const char *fmt, ...)
{
	va_list	ap;

	fflush(stdout);
	va_start(ap, fmt);
	fprintf(stderr, "libos-unix: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void
unix_panic(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	fprintf(stderr, "libos-unix: panic: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

static int
unix_isdir(const char *path)
{
	struct stat	sb;

	return (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode));
}

/*
 * The default program directory: the build's libos-unix/user beside the
 * program (run from the build tree, also through libtool's .libs), else
 * the installed one.
 */
static const char *
unix_default_progdir(void)
{
	static const char	*rel[] = { "user", "../user" };
	char			 exe[PATH_MAX], *dir;
	ssize_t			 n;
	size_t			 i;

	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		dir = dirname(exe);
		for (i = 0; i < sizeof rel / sizeof rel[0]; i++) {
			if (snprintf(unix_progbuf, sizeof unix_progbuf,
			    "%s/%s", dir, rel[i]) < (int)sizeof unix_progbuf &&
			    unix_isdir(unix_progbuf))
				return (unix_progbuf);
		}
	}
	return (UNIX_PROGDIR);
}

/* Every frame is a descriptor: let the libOS have as many as it may. */
static void
unix_rlimit(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* A file system option, -b, -z, --mkfs or --fsck: 0, or -1 if ch is
 * none of them.  A bad value is a usage error. */
static int
unix_fsopt(int ch, const char *arg)
{
	uint64_t	n;

	switch (ch) {
	case UNIX_OPT_FSCK:
	case UNIX_OPT_MKFS:
		if (unix_fs.mode != UNIX_RUN)
			usage(2);
		unix_fs.mode = ch == UNIX_OPT_MKFS ? UNIX_MKFS : UNIX_FSCK;
		return (0);
	case 'b':
		n = fsboot_parse_size(arg);
		if (n < FSBOOT_NBUF_MIN || n > 1U << 20) {
			fprintf(stderr, "libos-unix: -b %s: not a cache size "
			    "from %uK to 4G\n", arg, FSBOOT_NBUF_MIN * 4);
			exit(2);
		}
		unix_fs.nbuf = (unsigned)n;
		return (0);
	case 'z':
		n = fsboot_parse_size(arg);
		if (n < FSBOOT_MIN_BLOCKS || n > UINT32_MAX) {
			fprintf(stderr, "libos-unix: -z %s: not a file system "
			    "size from %uK to 16T\n", arg,
			    FSBOOT_MIN_BLOCKS * 4);
			exit(2);
		}
		unix_fs.size = n;
		return (0);
	}
	return (-1);
}

/* --mkfs and --fsck: the tools, which need no processes. */
static int
unix_fstool(const char *sock, const char *name, int argc, char **argv)
{
	if (unix_fs.mode == UNIX_FSCK) {
		if (argc != 0)
			usage(2);
		return (fsboot_fsck(sock, name, unix_fs.nbuf));
	}
	return (fsboot_mkfs(sock, name, unix_fs.size, unix_fs.nbuf,
	    unix_default_progdir(), argv, argc));
}

static int
unix_boot(const char *sock, const char *name, unsigned slots)
{
	void	*base;
	int	 error;

	if ((error = exo_connect(sock, name, &unix_exo)) != 0) {
		unix_log("connect: %s", exo_strerror(error));
		return (-1);
	}
	if ((error = exo_as_create_at(unix_exo, (void *)UNIX_REGION_BASE,
	    UNIX_REGION_SIZE, &base)) != 0) {
		unix_log("the region at %#lx: %s%s%s", UNIX_REGION_BASE,
		    exo_strerror(error), error == -EXO_ESYS ? ": " : "",
		    error == -EXO_ESYS ? strerror(errno) : "");
		return (-1);
	}
	if (frame_init(unix_exo) != 0 || swap_init(unix_exo) != 0 ||
	    vm_gate_init() != 0) {
		unix_log("no frames from exod for the gate");
		return (-1);
	}
	proc_init();
	if (console_init() != 0 || trap_init() != 0) {
		unix_log("signals and syscall user dispatch: %s",
		    strerror(errno));
		return (-1);
	}
	/* Before the slots: exod runs a libOS that holds slots only in
	 * them, and mounting (or a first boot's mkfs) waits on the disk. */
	if (fsboot_boot(unix_exo, name, unix_fs.nbuf, unix_progdir) != 0)
		return (-1);
	/* With a limit, paging is expected: seeds for revocations now. */
	if (frame_limit() != 0)
		swap_reserve_fill();
	if (sched_init(slots) != 0) {
		unix_log("the clock: %s", strerror(errno));
		return (-1);
	}
	return (0);
}

int
main(int argc, char **argv)
{
	const char	*sock = NULL, *name = "libos-unix", *cmd = NULL;
	const char	*addr = NULL, *gw = NULL;
	char		*end;
	char		*init_argv[] = { "init", NULL };
	char		*sh_argv[] = { "sh", "-c", NULL, NULL };
	unsigned long	 slots = SCHED_FAIR;
	uint64_t	 mem = 0;
	int		 ch, status;

	while ((ch = getopt_long(argc, argv, "a:b:c:g:hM:n:S:s:vVz:",
	    unix_longopts,
	    NULL)) != -1) {
		if (unix_fsopt(ch, optarg) == 0)
			continue;
		switch (ch) {
		case 'a':
			addr = optarg;
			break;
		case 'c':
			cmd = optarg;
			break;
		case 'g':
			gw = optarg;
			break;
		case 'M':
			mem = fsboot_parse_size(optarg);
			if (mem < UNIX_MEM_MIN || mem > UINT32_MAX) {
				fprintf(stderr, "libos-unix: -M %s: not a memory "
				    "size from %uK to 16T\n", optarg,
				    UNIX_MEM_MIN * 4);
				exit(2);
			}
			break;
		case 'n':
			name = optarg;
			break;
		case 'S':
			sock = optarg;
			break;
		case 's':
			errno = 0;
			slots = strtoul(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end != '\0' ||
			    errno != 0 || slots > EXO_SLOTS_MAX) {
				fprintf(stderr, "libos-unix: -s %s: not a "
				    "number of slots from 0 to %d\n", optarg,
				    EXO_SLOTS_MAX);
				exit(2);
			}
			break;
		case 'v':
			unix_verbose = 1;
			break;
		case 'V':
			printf("libos-unix %s\n", PACKAGE_VERSION);
			exit(0);
		case 'h':
			usage(0);
		default:
			usage(2);
		}
	}
	argc -= optind;
	argv += optind;
	if (unix_fs.mode != UNIX_RUN) {
		if (cmd != NULL || addr != NULL || mem != 0)
			usage(2);
		setvbuf(stdout, NULL, _IONBF, 0);
		return (unix_fstool(sock, name, argc, argv));
	}
	if (argc > 1 || (gw != NULL && addr == NULL))
		usage(2);
	unix_progdir = argc == 1 ? argv[0] : unix_default_progdir();
	if (!unix_isdir(unix_progdir)) {
		fprintf(stderr, "libos-unix: %s: not a directory of programs\n",
		    unix_progdir);
		exit(1);
	}
	unix_rlimit();
	setvbuf(stdout, NULL, _IONBF, 0);
	frame_set_limit((unsigned)mem);
	if (unix_boot(sock, name, (unsigned)slots) != 0)
		exit(1);
	if (addr != NULL && (ch = net_init(addr, gw)) != 0) {
		if (ch == -2) {
			fprintf(stderr, "libos-unix: -a %s%s%s: not an address "
			    "and prefix length (A.B.C.D/1-30) with a gateway "
			    "on its subnet\n", addr, gw != NULL ? " -g " : "",
			    gw != NULL ? gw : "");
			exit(2);
		}
		exit(1);
	}
	if (cmd != NULL) {
		sh_argv[2] = (char *)cmd;
		if (proc_first("sh", sh_argv) == NULL) {
			unix_log("sh: cannot run it from the file system");
			exit(1);
		}
	} else if (proc_first("init", init_argv) == NULL) {
		unix_log("init: cannot run it from the file system");
		exit(1);
	}
	status = sched_run();
	fsboot_shutdown();
	exo_disconnect(unix_exo);
	return (status & 0xff);
}
