/*
 * benchlib.c - a private exod for a benchmark run, clocks, statistics and
 * the figure table.  Everything started here is stopped at exit, and on
 * SIGINT or SIGTERM.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exo.h"
#include "benchlib.h"
#include "json.h"

#define BL_FIGS		32
#define BL_CHILDREN	16

static struct {
	const char	*prog;
	char		 self[PATH_MAX];	/* directory of the program */
	char		 exodpath[PATH_MAX];	/* the exod run, once known */
	char		 dir[128];	/* mkdtemp; short: the sockets are in it */
	char		 sock[BL_EXODS][160];
	char		 log[BL_EXODS][160];
	pid_t		 main;		/* cleanup is its alone, not a child's */
	volatile pid_t	 exod[BL_EXODS];	/* -1 when not running */
	volatile pid_t	 child[BL_CHILDREN];
	struct bfig	 figs[BL_FIGS];
	int		 nfigs;
} bl = { .exod = { -1, -1 } };

/* Kill what runs, remove what was made; in the main process only. */
static void
bl_cleanup(void)
{
	struct dirent	*de;
	DIR		*d;
	char		 p[400];
	int		 i;

	if (bl.main == 0 || getpid() != bl.main)
		return;
	for (i = 0; i < BL_CHILDREN; i++)
		if (bl.child[i] > 0) {
			kill(bl.child[i], SIGKILL);
			waitpid(bl.child[i], NULL, 0);
			bl.child[i] = 0;
		}
	bl_exod_stop();
	if (bl.dir[0] != '\0') {
		/* Everything in it is ours: sockets, logs, images, records. */
		if ((d = opendir(bl.dir)) != NULL) {
			while ((de = readdir(d)) != NULL) {
				if (strcmp(de->d_name, ".") == 0 ||
				    strcmp(de->d_name, "..") == 0)
					continue;
				snprintf(p, sizeof p, "%s/%s", bl.dir,
				    de->d_name);
				unlink(p);
			}
			closedir(d);
		}
		rmdir(bl.dir);
		bl.dir[0] = '\0';
	}
}

static void
bl_signal(int sig)
{
	bl_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

void
bl_die(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "%s: ", bl.prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* An exo call failed: its error, and errno when it is a system error. */
void
bl_die_exo(const char *what, int error)
{
	if (error == -EXO_ESYS)
		bl_die("%s: %s: %s", what, exo_strerror(error),
		    strerror(errno));
	bl_die("%s: %s", what, exo_strerror(error));
}

/* Where the program lives; the built tree's other programs are near. */
void
bl_init(const char *prog, int argc, char **argv)
{
	static const int	 sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction	 sa;
	const char		*tmp;
	ssize_t			 n;
	char			*slash;
	size_t			 i;

	bl.prog = prog;
	bl.main = getpid();
	if ((n = readlink("/proc/self/exe", bl.self, sizeof bl.self - 1)) > 0) {
		bl.self[n] = '\0';
		if ((slash = strrchr(bl.self, '/')) != NULL)
			*slash = '\0';
		if ((slash = strrchr(bl.self, '/')) != NULL &&
		    strcmp(slash, "/.libs") == 0)
			*slash = '\0';
	}
	/* A short directory: a socket's path must fit in sun_path. */
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0' ||
	    strlen(tmp) > 64)
		tmp = "/tmp";
	snprintf(bl.dir, sizeof bl.dir, "%s/%.32s.XXXXXX", tmp, prog);
	if (mkdtemp(bl.dir) == NULL) {
		bl.dir[0] = '\0';
		bl_die("mkdtemp: %s", strerror(errno));
	}
	for (i = 0; i < BL_EXODS; i++) {
		if (i == 0) {
			snprintf(bl.sock[i], sizeof bl.sock[i], "%s/sock",
			    bl.dir);
			snprintf(bl.log[i], sizeof bl.log[i], "%s/exod.log",
			    bl.dir);
		} else {
			snprintf(bl.sock[i], sizeof bl.sock[i], "%s/sock%zu",
			    bl.dir, i);
			snprintf(bl.log[i], sizeof bl.log[i], "%s/exod%zu.log",
			    bl.dir, i);
		}
	}
	atexit(bl_cleanup);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = bl_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	(void)argc;
	(void)argv;
}

/* -V and --version, as every exo program answers them: exits 0. */
void
bl_version(const char *prog)
{
	printf("%s %s\n", prog, PACKAGE_VERSION);
	exit(0);
}

/*
 * --json and --quick, the options every part takes, and -h, --help, -V,
 * --version; anything else is a usage error: usage on stderr, exit 2.
 */
void
bl_options(const char *prog, int argc, char **argv, int *json, int *quick)
{
	int	i, help;

	*json = *quick = 0;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			*json = 1;
		else if (strcmp(argv[i], "--quick") == 0)
			*quick = 1;
		else if (strcmp(argv[i], "-V") == 0 ||
		    strcmp(argv[i], "--version") == 0)
			bl_version(prog);
		else {
			help = strcmp(argv[i], "-h") == 0 ||
			    strcmp(argv[i], "--help") == 0;
			fprintf(help ? stdout : stderr,
			    "usage: %s [-hV] [--json] [--quick]\n", prog);
			exit(help ? 0 : 2);
		}
	}
}

/* A built program, by its path from the top of the build tree. */
const char *
bl_path(const char *rel)
{
	static char	 path[PATH_MAX + 64];
	const char	*env = getenv("EXO_BUILDDIR");

	if (env != NULL && *env != '\0')
		snprintf(path, sizeof path, "%s/%s", env, rel);
	else
		snprintf(path, sizeof path, "%s/../%s", bl.self, rel);
	return (path);
}

/* Where the program lives: its directory, less a libtool .libs. */
const char *
bl_self(void)
{
	return (bl.self);
}

const char *
bl_sock(void)
{
	return (bl.sock[0]);
}

/* The socket of exod i (0 .. BL_EXODS - 1). */
const char *
bl_sockn(int i)
{
	return (bl.sock[i]);
}

const char *
bl_dir(void)
{
	return (bl.dir);
}

static int
bl_is_exec(const char *path)
{
	struct stat	sb;

	return (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    access(path, X_OK) == 0);
}

/*
 * The exod to run, as a real path: the one given (--exod), else the built
 * one, $EXO_BUILDDIR/exod/exod or beside this program.
 */
const char *
bl_exod_path(const char *given)
{
	char		 path[PATH_MAX + 32];
	const char	*env;

	if (given == NULL && bl.exodpath[0] != '\0')
		return (bl.exodpath);
	if (given != NULL) {
		if (!bl_is_exec(given))
			bl_die("%s: not an executable file", given);
		snprintf(path, sizeof path, "%s", given);
	} else if ((env = getenv("EXO_BUILDDIR")) == NULL || *env == '\0' ||
	    snprintf(path, sizeof path, "%s/exod/exod", env) >=
	    (int)sizeof path || !bl_is_exec(path)) {
		if (bl.self[0] == '\0')
			bl_die("cannot find exod: /proc/self/exe unread; "
			    "use --exod PATH");
		snprintf(path, sizeof path, "%s/../exod/exod", bl.self);
		if (!bl_is_exec(path))
			bl_die("cannot find exod (tried $EXO_BUILDDIR/exod/exod"
			    " and %s); use --exod PATH", path);
	}
	if (realpath(path, bl.exodpath) == NULL) {
		if (strlen(path) >= sizeof bl.exodpath)
			bl_die("%s: path too long", path);
		memcpy(bl.exodpath, path, strlen(path) + 1);
	}
	return (bl.exodpath);
}

static void
bl_exod_log(int i)
{
	char	 buf[4096];
	ssize_t	 n;
	int	 fd;

	if (bl.dir[0] == '\0' || (fd = open(bl.log[i], O_RDONLY)) == -1)
		return;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		fwrite(buf, 1, (size_t)n, stderr);
	close(fd);
}

/* Start exod i, exod -f -S its socket plus args; bl_exod_wait waits. */
void
bl_exod_launch(int i, const char *const *args)
{
	const char	*argv[32], *exod = bl_exod_path(NULL);
	int		 k, n = 0, fd;
	pid_t		 pid;

	argv[n++] = exod;
	argv[n++] = "-f";
	/* As a plain user, exobench reads exod's costs in /proc. */
	if (geteuid() != 0)
		argv[n++] = "-g";
	argv[n++] = "-S";
	argv[n++] = bl.sock[i];
	for (k = 0; args != NULL && args[k] != NULL && n < 30; k++)
		argv[n++] = args[k];
	argv[n] = NULL;
	if ((pid = fork()) == -1)
		bl_die("fork: %s", strerror(errno));
	if (pid == 0) {
		/* exod dies with us, and is not hit by the terminal's ^C. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		setpgid(0, 0);
		if ((fd = open(bl.log[i], O_WRONLY | O_CREAT | O_TRUNC,
		    0600)) != -1) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			if (fd > STDERR_FILENO)
				close(fd);
		}
		if ((fd = open("/dev/null", O_RDONLY)) != -1) {
			dup2(fd, STDIN_FILENO);
			if (fd > STDERR_FILENO)
				close(fd);
		}
		execv(exod, (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", exod, strerror(errno));
		_exit(127);
	}
	bl.exod[i] = pid;
}

/* Until exod i answers a control connection (10 s). */
void
bl_exod_wait(int i)
{
	struct exo	*c;
	uint64_t	 deadline = bl_now() + 10000000000ULL;
	int		 error, status;

	for (;;) {
		if (waitpid(bl.exod[i], &status, WNOHANG) == bl.exod[i]) {
			bl.exod[i] = -1;
			bl_exod_log(i);
			bl_die("exod exited at start (status %d)",
			    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		}
		if ((error = exo_connect_control(bl.sock[i], &c)) == 0) {
			exo_disconnect(c);
			return;
		}
		if (error != -EXO_ECONN)
			bl_die_exo("exo_connect_control", error);
		if (bl_now() > deadline) {
			bl_exod_log(i);
			bl_die("exod did not answer on %s", bl.sock[i]);
		}
		usleep(10000);
	}
}

/* Start exod (0) -f -S sock plus args; return once it answers. */
void
bl_exod_start(const char *const *args)
{
	bl_exod_launch(0, args);
	bl_exod_wait(0);
}

/* Stop every exod, asking no questions. */
void
bl_exod_stop(void)
{
	int	i;

	for (i = 0; i < BL_EXODS; i++) {
		if (bl.exod[i] > 0) {
			kill(bl.exod[i], SIGTERM);
			waitpid(bl.exod[i], NULL, 0);
		}
		bl.exod[i] = -1;
	}
}

/* Stop exod i: SIGTERM and a clean exit within 5 s, else an error. */
void
bl_exod_finish(int i)
{
	uint64_t	deadline = bl_now() + 5000000000ULL;
	pid_t		pid = bl.exod[i];
	int		status;

	kill(pid, SIGTERM);
	while (waitpid(pid, &status, WNOHANG) != pid) {
		if (bl_now() > deadline)
			bl_die("exod did not stop on SIGTERM");
		usleep(5000);
	}
	bl.exod[i] = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		bl_exod_log(i);
		bl_die("exod stopped abnormally (status 0x%x)", status);
	}
}

/* A child of ours to kill on the way out, until bl_untrack. */
void
bl_track(pid_t pid)
{
	int	i;

	for (i = 0; i < BL_CHILDREN; i++)
		if (bl.child[i] <= 0) {
			bl.child[i] = pid;
			return;
		}
}

void
bl_untrack(pid_t pid)
{
	int	i;

	for (i = 0; i < BL_CHILDREN; i++)
		if (bl.child[i] == pid)
			bl.child[i] = 0;
}

/* Fork and exec a built program with its stdout on a pipe (*out). */
pid_t
bl_spawn(const char *rel, char *const *argv, int *out)
{
	int	p[2];
	pid_t	pid;

	if (pipe(p) == -1 || (pid = fork()) == -1)
		bl_die("spawn: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		close(p[1]);
		execv(bl_path(rel), argv);
		_exit(127);
	}
	close(p[1]);
	*out = p[0];
	bl_track(pid);
	return (pid);
}

uint64_t
bl_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

static int
bl_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

/* The p-th fraction (0..1) of v, which is sorted in place. */
double
bl_pct(double *v, size_t n, double p)
{
	size_t	i;

	if (n == 0)
		return (0);
	qsort(v, n, sizeof *v, bl_cmp);
	i = (size_t)(p * (double)(n - 1) + 0.5);
	return (v[i < n ? i : n - 1]);
}

double
bl_median(double *v, size_t n)
{
	return (bl_pct(v, n, 0.5));
}

/* The median proper: the mean of the middle two of an even n; sorts v. */
double
bl_mid(double *v, size_t n)
{
	if (n == 0)
		return (0);
	qsort(v, n, sizeof *v, bl_cmp);
	if (n % 2)
		return (v[n / 2]);
	return ((v[n / 2 - 1] + v[n / 2]) / 2);
}

/* n samples, zeroed (at least one). */
double *
bl_samples(int n)
{
	double	*v;

	if ((v = calloc((size_t)(n > 0 ? n : 1), sizeof *v)) == NULL)
		bl_die("out of memory");
	return (v);
}

double
bl_mean(const double *v, size_t n)
{
	double	s = 0;
	size_t	i;

	for (i = 0; i < n; i++)
		s += v[i];
	return (n > 0 ? s / (double)n : 0);
}

struct bfig *
bl_fig(const char *key, const char *label, const char *unit)
{
	struct bfig	*f;

	if (bl.nfigs == BL_FIGS)
		bl_die("too many figures");
	f = &bl.figs[bl.nfigs++];
	memset(f, 0, sizeof *f);
	f->key = key;
	f->label = label;
	f->unit = unit;
	f->met = -1;
	return (f);
}

/* One JSON object keyed by figure; a figure without a baseline has a
 * ratio of null. */
static void
bl_print_json(void)
{
	struct bfig	*f;
	struct json	 j;
	int		 i;

	json_start(&j, stdout);
	json_object_open(&j);
	for (i = 0; i < bl.nfigs; i++) {
		f = &bl.figs[i];
		json_key(&j, f->key);
		json_object_open(&j);
		json_kdouble(&j, "exo", f->exo, 6);
		json_kdouble(&j, "base", f->base, 6);
		if (f->base > 0)
			json_kdouble(&j, "ratio", f->exo / f->base, 6);
		else
			json_knull(&j, "ratio");
		json_kstring(&j, "unit", f->unit);
		json_kstring(&j, "baseline", f->what);
		json_kstring(&j, "target", f->target);
		if (f->met < 0)
			json_knull(&j, "met");
		else
			json_kbool(&j, "met", f->met);
		json_object_close(&j);
	}
	json_object_close(&j);
	if (json_finish(&j) != 0)
		bl_die("cannot write the JSON output");
}

/* The table, or (json) one JSON object keyed by figure. */
void
bl_print(int json)
{
	struct bfig	*f;
	int		 i;

	if (json) {
		bl_print_json();
		return;
	}
	printf("%-34s %12s %12s %7s  %-28s %s\n", "FIGURE", "EXO", "BASELINE",
	    "RATIO", "TARGET", "MET");
	for (i = 0; i < bl.nfigs; i++) {
		char	e[32], b[32], r[16];

		f = &bl.figs[i];
		snprintf(e, sizeof e, "%.4g %s", f->exo, f->unit);
		if (f->base > 0) {
			snprintf(b, sizeof b, "%.4g %s", f->base, f->unit);
			snprintf(r, sizeof r, "%.3f", f->exo / f->base);
		} else {
			snprintf(b, sizeof b, "-");
			snprintf(r, sizeof r, "-");
		}
		printf("%-34s %12s %12s %7s  %-28s %s\n", f->label, e, b, r,
		    f->target != NULL ? f->target : "-", f->met < 0 ? "-" :
		    f->met ? "met" : "NOT met");
	}
	for (i = 0; i < bl.nfigs; i++)
		if (bl.figs[i].what != NULL)
			printf("  %-32s baseline: %s\n", bl.figs[i].label,
			    bl.figs[i].what);
}
