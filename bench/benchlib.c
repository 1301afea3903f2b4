/*
 * benchlib.c - a private exod for a benchmark run, clocks, statistics and
 * the figure table.  Everything started here is stopped at exit, and on
 * SIGINT or SIGTERM.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/wait.h>

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

#define BL_FIGS		32
#define BL_CHILDREN	16

static struct {
	const char	*prog;
	char		 self[PATH_MAX];	/* directory of the program */
	char		 dir[128];
	char		 sock[160];
	char		 log[160];
	pid_t		 exod;
	pid_t		 child[BL_CHILDREN];
	struct bfig	 figs[BL_FIGS];
	int		 nfigs;
} bl = { .exod = -1 };

static void
bl_cleanup(void)
{
	int	i;

	for (i = 0; i < BL_CHILDREN; i++)
		if (bl.child[i] > 0) {
			kill(bl.child[i], SIGKILL);
			waitpid(bl.child[i], NULL, 0);
			bl.child[i] = 0;
		}
	bl_exod_stop();
	if (bl.dir[0] != '\0') {
		unlink(bl.log);
		unlink(bl.sock);
		{
			char	p[200];

			snprintf(p, sizeof p, "%s.disk", bl.sock);
			unlink(p);
			snprintf(p, sizeof p, "%s.disk.owners", bl.sock);
			unlink(p);
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

/* Where the program lives; the built tree's other programs are near. */
void
bl_init(const char *prog, int argc, char **argv)
{
	ssize_t	 n;
	char	*slash;

	bl.prog = prog;
	if ((n = readlink("/proc/self/exe", bl.self, sizeof bl.self - 1)) > 0) {
		bl.self[n] = '\0';
		if ((slash = strrchr(bl.self, '/')) != NULL)
			*slash = '\0';
		if ((slash = strrchr(bl.self, '/')) != NULL &&
		    strcmp(slash, "/.libs") == 0)
			*slash = '\0';
	}
	snprintf(bl.dir, sizeof bl.dir, "%s/exobench.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(bl.dir) == NULL) {
		bl.dir[0] = '\0';
		bl_die("mkdtemp: %s", strerror(errno));
	}
	snprintf(bl.sock, sizeof bl.sock, "%s/sock", bl.dir);
	snprintf(bl.log, sizeof bl.log, "%s/exod.log", bl.dir);
	atexit(bl_cleanup);
	signal(SIGINT, bl_signal);
	signal(SIGTERM, bl_signal);
	(void)argc;
	(void)argv;
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

const char *
bl_sock(void)
{
	return (bl.sock);
}

const char *
bl_dir(void)
{
	return (bl.dir);
}

/* Start exod -f -S sock plus args; return once it answers. */
void
bl_exod_start(const char *const *args)
{
	const char	*argv[32];
	struct exo	*e;
	uint64_t	 deadline;
	int		 i, n = 0, fd, error;

	argv[n++] = "exod";
	argv[n++] = "-f";
	argv[n++] = "-S";
	argv[n++] = bl.sock;
	for (i = 0; args != NULL && args[i] != NULL && n < 30; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if ((bl.exod = fork()) == -1)
		bl_die("fork: %s", strerror(errno));
	if (bl.exod == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if ((fd = open(bl.log, O_WRONLY | O_CREAT | O_TRUNC, 0600)) != -1) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execv(bl_path("exod/exod"), (char *const *)argv);
		_exit(127);
	}
	deadline = bl_now() + 10000000000ULL;
	for (;;) {
		if (waitpid(bl.exod, NULL, WNOHANG) == bl.exod) {
			bl.exod = -1;
			bl_die("exod exited at start (see exod -f -S %s)", bl.sock);
		}
		if ((error = exo_connect_control(bl.sock, &e)) == 0) {
			exo_disconnect(e);
			return;
		}
		if (bl_now() > deadline)
			bl_die("exod did not answer: %s", exo_strerror(error));
		usleep(10000);
	}
}

void
bl_exod_stop(void)
{
	if (bl.exod > 0) {
		kill(bl.exod, SIGTERM);
		waitpid(bl.exod, NULL, 0);
	}
	bl.exod = -1;
}

/* Fork and exec a built program with its stdout on a pipe (*out). */
pid_t
bl_spawn(const char *rel, char *const *argv, int *out)
{
	int	p[2], i;
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
	for (i = 0; i < BL_CHILDREN; i++)
		if (bl.child[i] <= 0) {
			bl.child[i] = pid;
			break;
		}
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

static void
bl_json_str(const char *s)
{
	putchar('"');
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

/* The table, or (json) one JSON object keyed by figure. */
void
bl_print(int json)
{
	struct bfig	*f;
	int		 i;

	if (json) {
		printf("{");
		for (i = 0; i < bl.nfigs; i++) {
			f = &bl.figs[i];
			printf("%s\"%s\":{\"exo\":%.6g,\"base\":%.6g,\"ratio\":"
			    "%.6g,\"unit\":", i ? "," : "", f->key, f->exo,
			    f->base, f->base > 0 ? f->exo / f->base : 0);
			bl_json_str(f->unit);
			printf(",\"baseline\":");
			bl_json_str(f->what);
			printf(",\"target\":");
			bl_json_str(f->target);
			printf(",\"met\":%s}", f->met < 0 ? "null" : f->met ?
			    "true" : "false");
		}
		printf("}\n");
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
