/*
 * exobench-trend.c - exobench --trend: every operation the exokernel
 * paper and the lecture compare, done three ways in one run, in one
 * table.
 *
 *	monolithic	the host kernel does it (Ultrix's place in the paper)
 *	microkernel	a server process does it for us over IPC on the host
 *			(Mach's external pager, its servers)
 *	exokernel	exod and a libOS do it (Aegis and ExOS)
 *
 * Nothing is measured twice: the figures come from the other parts of
 * exobench (exobench --foundation, exobench-cpu, -vm, -unix, -fs, -disk,
 * -net), each run once per trial, here read out of their JSON.  A row whose part does not measure some
 * column yet says why; it picks the figure up the day the part prints it
 * under the name the row looks for.  Each column is the median of the
 * trials, each ratio the median of the per-trial ratios, both with their
 * range, so a reader sees how much the machine moved them.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchlib.h"
#include "json.h"
#include "jsonget.h"
#include "trend.h"

/*
 * By default 5 trials of the parts' quick runs: about 40 s on an idle
 * 2-core machine and under 5 minutes even at a load average of 20,
 * where 3 full trials took 10 (172 s at a load of 8).  --full runs the
 * parts' full plans.
 */
#define TREND_TRIALS	5
#define TREND_TRIALS_MAX 50
#define TREND_OUT_MAX	(1 << 20)	/* a part's output, at most */

/* The parts the table reads, each run once per trial. */
enum { P_FOUND, P_CPU, P_VM, P_UNIX, P_FS, P_DISK, P_NET, P_COUNT };

static const struct tpart {
	const char	*key;		/* saved file name, JSON member */
	const char	*prog;		/* beside exobench */
} tparts[P_COUNT] = {
	[P_FOUND] = { "foundation", "exobench" },
	[P_CPU] = { "cpu", "exobench-cpu" },
	[P_VM] = { "memory", "exobench-vm" },
	[P_UNIX] = { "unix", "exobench-unix" },
	[P_FS] = { "fs", "exobench-fs" },
	[P_DISK] = { "disk", "exobench-disk" },
	[P_NET] = { "net", "exobench-net" },
};

/* How a part's figure becomes the row's. */
enum tconv {
	C_SAME,			/* as printed */
	C_PER64K,		/* MiB/s to us per 64 KiB request */
};

/* Where one column of a row comes from. */
struct tcol {
	int		 part;		/* P_*, or -1: not measured, see why */
	const char	*path;		/* alternatives separated by '|' */
	const char	*what;		/* what the column measures */
};

/* A row: what it is, where its columns come from, what the paper said. */
struct trow {
	const char	*key, *label, *unit;
	enum tconv	 conv;
	struct tcol	 col[TREND_COLS];
	const char	*missing;	/* why, when a part lacks the path */
	double		 paper_me[2], paper_em[2];	/* 0: not quoted */
	int		 goal_me;
};

/*
 * The paper's figures quoted here are the ranges of its abstract (Engler,
 * Kaashoek and O'Toole, "Exokernel: an operating system architecture for
 * application-level resource management", SOSP 1995), the only ones we
 * quote from memory with confidence: primitive kernel operations such as
 * exception handling and protected control transfer 10 to 100 times
 * faster than Ultrix; application-level virtual memory and IPC 5 to 40
 * times faster than Ultrix's kernel primitives; at least 5 times faster
 * than the best implementations in the literature on exception dispatch
 * and IPC.  The per-operation figures of its tables (Aegis and ExOS
 * against Ultrix on a DECstation) are not quoted.
 */
#define PRIM	{ 0.01, 0.1 }	/* exo / mono, primitive operations */
#define APPL	{ 0.025, 0.2 }	/* exo / mono, application-level VM, IPC */
#define LIT	{ 5, 0 }	/* micro / exo, at least 5 */
#define NONE	{ 0, 0 }

#define NOT(why)	{ -1, NULL, why }
#define VM(op)								\
	{ { P_VM, "appel_li." op ".monolithic",				\
	    "mprotect(2) and a SIGSEGV handler, in one process" },	\
	  { P_VM, "appel_li." op ".microkernel",			\
	    "an external pager process, over SOCK_SEQPACKET" },		\
	  { P_VM, "appel_li." op ".exokernel",				\
	    "exod, libexo's software TLB and addressing handler" } }

static const struct trow trows[] = {
	{ "null_call", "null system call (getpid)", "cycles", C_SAME,
	  { { P_UNIX, "unix_getpid.base", "the host's getpid(2)" },
	    { P_UNIX, "unix_null_ipc.base",
	      "a request to a server process over SOCK_SEQPACKET" },
	    { P_UNIX, "unix_getpid.exo", "libos-unix's getpid, its gate" } },
	  NULL, NONE, NONE, 1 },
	{ "exception", "exception dispatch", "us", C_SAME,
	  VM("trap"), NULL, LIT, PRIM, 1 },
	{ "pct", "protected control transfer", "us", C_SAME,
	  { { P_CPU, "call_rtt.base",
	      "two processes ping-ponging 16 bytes over pipes" },
	    { P_FOUND, "figures.null_rtt.baseline",
	      "a server process answering over SOCK_SEQPACKET" },
	    { P_CPU, "bound_call_rtt.exo",
	      "exo_callchan_call() over a bound call channel into a libOS "
	      "serving it, exod off the path" } },
	  NULL, NONE, PRIM, 1 },
	{ "ipc_rtt", "IPC round trip", "us", C_SAME,
	  { { P_CPU, "call_rtt.base",
	      "two processes ping-ponging 16 bytes over pipes" },
	    { P_FOUND, "figures.null_rtt.baseline",
	      "a server process answering over SOCK_SEQPACKET" },
	    { P_FOUND, "figures.null_rtt.exo",
	      "exo_null(): a request to exod and its answer" } },
	  NULL, LIT, APPL, 0 },
	{ "trap", "Appel-Li trap", "us", C_SAME, VM("trap"), NULL,
	  NONE, APPL, 0 },
	{ "prot1", "Appel-Li prot1", "us", C_SAME, VM("prot1"), NULL,
	  NONE, APPL, 0 },
	{ "prot100", "Appel-Li prot100", "us", C_SAME, VM("prot100"), NULL,
	  NONE, APPL, 0 },
	{ "unprot100", "Appel-Li unprot100", "us", C_SAME, VM("unprot100"),
	  NULL, NONE, APPL, 0 },
	{ "appel1", "Appel-Li appel1", "us", C_SAME, VM("appel1"), NULL,
	  NONE, APPL, 0 },
	{ "appel2", "Appel-Li appel2", "us", C_SAME, VM("appel2"), NULL,
	  NONE, APPL, 0 },
	{ "page_fault", "page fault, zero-fill", "cycles", C_SAME,
	  { { P_UNIX, "unix_zero_fault.base",
	      "the host's first touch of fresh anonymous memory" },
	    { P_UNIX, "unix_zero_fault_ipc.base",
	      "an external pager process zero-fills the page, the client "
	      "maps it" },
	    { P_UNIX, "unix_zero_fault.exo",
	      "libos-unix's page-fault handler maps a zeroed frame of its "
	      "own" } },
	  NULL, NONE, NONE, 0 },
	{ "cow_fault", "COW fault", "cycles", C_SAME,
	  { { P_UNIX, "unix_cow.base", "the host's first write after fork" },
	    { P_UNIX, "unix_cow_ipc.base",
	      "an external pager process copies the page, the client "
	      "maps it" },
	    { P_UNIX, "unix_cow.exo",
	      "libos-unix's fault handler copies the page" } },
	  NULL, NONE, NONE, 0 },
	{ "fork", "fork+exit+wait", "cycles", C_SAME,
	  { { P_UNIX, "unix_fork.base", "the host's fork, _exit, waitpid" },
	    { P_UNIX, "unix_fork_ipc.base",
	      "a process server forks, exits and waits for the client" },
	    { P_UNIX, "unix_fork.exo", "libos-unix's fork, exit, wait" } },
	  NULL, NONE, NONE, 0 },
	{ "pipe_rtt", "pipe round trip", "cycles", C_SAME,
	  { { P_UNIX, "unix_pipe_rtt.base",
	      "one byte there and back over host pipes" },
	    { P_UNIX, "unix_pipe_rtt_ipc.base",
	      "the same relayed by a server process" },
	    { P_UNIX, "unix_pipe_rtt.exo", "libos-unix's pipes" } },
	  NULL, NONE, APPL, 0 },
	{ "pipe_mib", "pipe throughput", "cycles/MiB", C_SAME,
	  { { P_UNIX, "unix_pipe_mib.base", "the host's pipe, 64 KiB writes" },
	    { P_UNIX, "unix_pipe_mib_ipc.base",
	      "a pipe server process relays the 64 KiB writes" },
	    { P_UNIX, "unix_pipe_mib.exo", "libos-unix's pipe" } },
	  NULL, NONE, NONE, 0 },
	{ "fs_create", "file create+write+unlink", "us", C_SAME,
	  { { P_FS, "fs_create.base",
	      "open, write 4 KiB, fsync, close, unlink on the host" },
	    { P_FS, "fs_create_ipc.base",
	      "a file server process, one request per host call" },
	    { P_FS, "fs_create.exo",
	      "libos-unix's file system on exod's disk, committed" } },
	  NULL, NONE, NONE, 0 },
	{ "demux1", "packet demux, 1 filter", "ns", C_SAME,
	  { { P_NET, "demux_1_merged.base",
	      "libpcap's pcap_offline_filter (the host's BPF machine)" },
	    { P_NET, "demux_1_ipc.base",
	      "a packet-filter server process runs libpcap's filter" },
	    { P_NET, "demux_1_merged.exo", "exod's merged demultiplexer" } },
	  NULL, NONE, NONE, 0 },
	{ "demux256", "packet demux, 256 filters", "ns", C_SAME,
	  { { P_NET, "demux_256_merged.base",
	      "libpcap's pcap_offline_filter, the filters one by one" },
	    { P_NET, "demux_256_ipc.base",
	      "a packet-filter server process runs the 256 one by one" },
	    { P_NET, "demux_256_merged.exo", "exod's merged demultiplexer" } },
	  NULL, NONE, NONE, 0 },
	{ "disk_write", "disk write, 64 KiB", "us", C_PER64K,
	  { { P_DISK, "ring_write_d8.base",
	      "pwrite(2) of the image file from 64 contiguous KiB" },
	    { P_DISK, "disk_write_ipc.base",
	      "a disk server process pwrites the 64 KiB it is sent" },
	    { P_DISK, "ring_write_d8.exo",
	      "the disk ring, 8 deep: exod's worker moves 64 KiB from "
	      "bound frames, no request each" } },
	  NULL, NONE, NONE, 0 },
	{ "disk_read", "disk read, 64 KiB", "us", C_PER64K,
	  { { P_DISK, "ring_read_d8.base",
	      "pread(2) of the image file into 64 contiguous KiB" },
	    { P_DISK, "disk_read_ipc.base",
	      "a disk server process preads 64 KiB into its reply" },
	    { P_DISK, "ring_read_d8.exo",
	      "the disk ring, 8 deep: exod's worker moves 64 KiB into "
	      "bound frames, no request each" } },
	  NULL, NONE, NONE, 0 },
};
#define NROWS	(sizeof trows / sizeof trows[0])

static const char *const colname[TREND_COLS] = {
	"monolithic", "microkernel", "exokernel"
};

/* One run of the whole table. */
struct trun {
	int		 trials;
	int		 quick;
	char		*out[TREND_TRIALS_MAX][P_COUNT]; /* NULL: part failed */
	char		*err[P_COUNT];	/* a failed part's last words */
};

static void __attribute__((noreturn))
trend_usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: exobench --trend [-hV] [--json] [--quick | --full] "
	    "[--trials N]\n"
	    "                        [--plot FILE.png] "
	    "[--save DIR | --load DIR]\n");
	exit(status ? 2 : 0);
}

/* The whole of fd, NUL-terminated, in a fresh buffer. */
static char *
trend_slurp(int fd)
{
	char	*buf;
	size_t	 off = 0;
	ssize_t	 n;

	if ((buf = malloc(TREND_OUT_MAX)) == NULL)
		bl_die("malloc: %s", strerror(errno));
	while (off + 1 < TREND_OUT_MAX &&
	    (n = read(fd, buf + off, TREND_OUT_MAX - 1 - off)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)n;
	}
	buf[off] = '\0';
	return (buf);
}

/* The last line of a failed part's standard error, kept as its reason. */
static char *
trend_last_words(const char *path)
{
	char	 line[256], last[256] = "";
	FILE	*f;

	if ((f = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof line, f) != NULL)
			if (line[0] != '\n')
				snprintf(last, sizeof last, "%s", line);
		fclose(f);
	}
	last[strcspn(last, "\n")] = '\0';
	return (strdup(last[0] != '\0' ? last : "no message"));
}

/* Run part p once: its output, or NULL when it failed. */
static char *
trend_run_part(int p, int quick, char **err)
{
	char		 path[PATH_MAX + 32], errpath[PATH_MAX + 32];
	char		*argv[5], *out;
	int		 k = 0, fd[2], status, efd;
	pid_t		 pid;

	snprintf(path, sizeof path, "%s/%s", bl_self(), tparts[p].prog);
	snprintf(errpath, sizeof errpath, "%s/%s.err", bl_dir(),
	    tparts[p].key);
	argv[k++] = (char *)tparts[p].prog;
	argv[k++] = "--json";
	if (quick)
		argv[k++] = "--quick";
	if (p == P_FOUND)
		argv[k++] = "--foundation";
	argv[k] = NULL;
	if (pipe(fd) == -1)
		bl_die("pipe: %s", strerror(errno));
	if ((efd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		bl_die("%s: %s", errpath, strerror(errno));
	fflush(stdout);
	if ((pid = fork()) == -1)
		bl_die("fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(fd[1], STDOUT_FILENO);
		dup2(efd, STDERR_FILENO);
		close(fd[0]);
		close(fd[1]);
		close(efd);
		execv(path, argv);
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(fd[1]);
	close(efd);
	bl_track(pid);
	out = trend_slurp(fd[0]);
	close(fd[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	bl_untrack(pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		free(out);
		free(*err);
		*err = trend_last_words(errpath);
		fprintf(stderr, "exobench: %s failed: %s\n", tparts[p].prog,
		    *err);
		return (NULL);
	}
	return (out);
}

/* Measure: every part, once per trial, the parts in turn. */
static void
trend_measure(struct trun *r)
{
	int	 t, p;

	for (t = 0; t < r->trials; t++) {
		fprintf(stderr, "exobench: trend trial %d of %d\n", t + 1,
		    r->trials);
		for (p = 0; p < P_COUNT; p++)
			r->out[t][p] = trend_run_part(p, r->quick, &r->err[p]);
	}
}

/* --save: each part's output of each trial as DIR/PART.T, and DIR/run. */
static void
trend_save(const struct trun *r, const char *dir)
{
	char	 path[PATH_MAX];
	FILE	*f;
	int	 t, p;

	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		bl_die("%s: %s", dir, strerror(errno));
	snprintf(path, sizeof path, "%s/run", dir);
	if ((f = fopen(path, "w")) == NULL)
		bl_die("%s: %s", path, strerror(errno));
	fprintf(f, "trials %d\nquick %d\n", r->trials, r->quick);
	for (p = 0; p < P_COUNT; p++)
		if (r->err[p] != NULL)
			fprintf(f, "failed %s %s\n", tparts[p].key, r->err[p]);
	fclose(f);
	for (t = 0; t < r->trials; t++)
		for (p = 0; p < P_COUNT; p++) {
			if (r->out[t][p] == NULL)
				continue;
			snprintf(path, sizeof path, "%s/%s.%d", dir,
			    tparts[p].key, t);
			if ((f = fopen(path, "w")) == NULL)
				bl_die("%s: %s", path, strerror(errno));
			fputs(r->out[t][p], f);
			if (fclose(f) != 0)
				bl_die("%s: %s", path, strerror(errno));
		}
}

/* --load: what --save wrote, instead of measuring again. */
static void
trend_load(struct trun *r, const char *dir)
{
	char	 path[PATH_MAX], line[512], key[64];
	FILE	*f;
	int	 t, p, fd, n;

	snprintf(path, sizeof path, "%s/run", dir);
	if ((f = fopen(path, "r")) == NULL)
		bl_die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "trials %d", &r->trials) == 1 ||
		    sscanf(line, "quick %d", &r->quick) == 1)
			continue;
		if (sscanf(line, "failed %63s %n", key, &n) != 1)
			continue;
		for (p = 0; p < P_COUNT; p++)
			if (strcmp(key, tparts[p].key) == 0)
				r->err[p] = strdup(line + n);
	}
	fclose(f);
	if (r->trials < 1 || r->trials > TREND_TRIALS_MAX)
		bl_die("%s: no trial count", path);
	for (t = 0; t < r->trials; t++)
		for (p = 0; p < P_COUNT; p++) {
			snprintf(path, sizeof path, "%s/%s.%d", dir,
			    tparts[p].key, t);
			if ((fd = open(path, O_RDONLY)) == -1)
				continue;
			r->out[t][p] = trend_slurp(fd);
			close(fd);
		}
}

/* The row's figure for column c in trial t, or -1 when there is none. */
static int
trend_value(const struct trun *r, const struct trow *w, int c, int t,
    double *v)
{
	const struct tcol	*col = &w->col[c];
	const char		*text, *alt, *bar;
	char			 path[128];
	int			 found = -1;

	if (col->part < 0 || (text = r->out[t][col->part]) == NULL)
		return (-1);
	for (alt = col->path; found != 0 && alt != NULL;
	    alt = bar != NULL ? bar + 1 : NULL) {
		bar = strchr(alt, '|');
		snprintf(path, sizeof path, "%.*s",
		    (int)(bar != NULL ? bar - alt : (ptrdiff_t)strlen(alt)),
		    alt);
		found = jg_number(text, path, v);
	}
	if (found != 0 || !isfinite(*v) || *v <= 0)
		return (-1);
	if (w->conv == C_PER64K)
		*v = 1e6 / 16 / *v;
	return (0);
}

static int
trend_cmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return ((x > y) - (x < y));
}

/* The median and range of v[0..n-1] into s (n may be 0). */
static void
trend_stat(struct trend_stat *s, double *v, int n, const char *why)
{
	memset(s, 0, sizeof *s);
	if ((s->n = n) == 0) {
		s->why = why;
		return;
	}
	qsort(v, (size_t)n, sizeof v[0], trend_cmp);
	s->min = v[0];
	s->max = v[n - 1];
	s->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Why column c of row w has no figure. */
static const char *
trend_why(const struct trun *r, const struct trow *w, int c)
{
	static char	 buf[NROWS][TREND_COLS][320];
	const struct tcol *col = &w->col[c];
	char		*b = buf[w - trows][c];

	if (col->part < 0)
		return (col->what);
	if (r->err[col->part] != NULL) {
		snprintf(b, sizeof buf[0][0], "not measured: %s failed (%s)",
		    tparts[col->part].prog, r->err[col->part]);
		return (b);
	}
	if (w->missing != NULL)
		return (w->missing);
	snprintf(b, sizeof buf[0][0], "not measured: %s gives no %s",
	    tparts[col->part].prog, col->path);
	return (b);
}

/* Compute row i over every trial. */
static void
trend_line(const struct trun *r, size_t i, struct trend_line *l)
{
	const struct trow	*w = &trows[i];
	double			 v[TREND_COLS][TREND_TRIALS_MAX];
	double			 me[TREND_TRIALS_MAX], em[TREND_TRIALS_MAX];
	double			 x[TREND_COLS];
	int			 n[TREND_COLS] = { 0 }, ok[TREND_COLS];
	int			 t, c, nme = 0, nem = 0;

	memset(l, 0, sizeof *l);
	l->key = w->key;
	l->label = w->label;
	l->unit = w->unit;
	memcpy(l->paper_me, w->paper_me, sizeof l->paper_me);
	memcpy(l->paper_em, w->paper_em, sizeof l->paper_em);
	l->goal_me = w->goal_me;
	for (t = 0; t < r->trials; t++) {
		for (c = 0; c < TREND_COLS; c++)
			if ((ok[c] = trend_value(r, w, c, t, &x[c]) == 0))
				v[c][n[c]++] = x[c];
		if (ok[TREND_MICRO] && ok[TREND_EXO])
			me[nme++] = x[TREND_MICRO] / x[TREND_EXO];
		if (ok[TREND_EXO] && ok[TREND_MONO])
			em[nem++] = x[TREND_EXO] / x[TREND_MONO];
	}
	for (c = 0; c < TREND_COLS; c++)
		trend_stat(&l->col[c], v[c], n[c], trend_why(r, w, c));
	trend_stat(&l->me, me, nme, "a column is not measured");
	trend_stat(&l->em, em, nem, "a column is not measured");
}

/* A figure in 4 significant digits or so; the test formats alike. */
static const char *
trend_fmt(char *buf, size_t len, double v)
{
	if (v >= 100)
		snprintf(buf, len, "%.0f", v);
	else if (v >= 10)
		snprintf(buf, len, "%.1f", v);
	else if (v >= 1)
		snprintf(buf, len, "%.2f", v);
	else
		snprintf(buf, len, "%.3g", v);
	return (buf);
}

/* A ratio and its spread: "3.10(12%)", the range's half over the median. */
static const char *
trend_fmt_ratio(char *buf, size_t len, const struct trend_stat *s)
{
	char	 v[32];

	if (s->n == 0)
		return ("n/m");
	snprintf(buf, len, "%s(%.0f%%)", trend_fmt(v, sizeof v, s->median),
	    (s->max - s->min) / 2 / s->median * 100);
	return (buf);
}

static const char *
trend_fmt_paper(char *buf, size_t len, const double *p)
{
	if (p[0] == 0)
		return ("-");
	if (p[1] == 0)
		snprintf(buf, len, ">=%g", p[0]);
	else
		snprintf(buf, len, "%g-%g", p[0], p[1]);
	return (buf);
}

/* Is the row's goal met: 1, 0, or -1 (no figure to judge). */
static int
trend_met_em(const struct trend_line *l)
{
	return (l->em.n == 0 ? -1 : l->em.median <= TREND_GOAL_EM);
}

static int
trend_met_me(const struct trend_line *l)
{
	return (!l->goal_me || l->me.n == 0 ? -1 :
	    l->me.median >= TREND_GOAL_ME);
}

static void
trend_machine(char *buf, size_t len)
{
	struct utsname	 u;
	char		 line[256], *model = NULL;
	FILE		*f;

	if ((f = fopen("/proc/cpuinfo", "r")) != NULL) {
		while (model == NULL && fgets(line, sizeof line, f) != NULL)
			if (strncmp(line, "model name", 10) == 0 &&
			    (model = strchr(line, ':')) != NULL) {
				model += 2;
				model[strcspn(model, "\n")] = '\0';
			}
		fclose(f);
	}
	if (uname(&u) == -1)
		memset(&u, 0, sizeof u);
	snprintf(buf, len, "%s %s %s, %ld cpus, %s", u.sysname, u.release,
	    u.machine, sysconf(_SC_NPROCESSORS_ONLN),
	    model != NULL ? model : "cpu unknown");
}

static void
trend_print_table(const struct trun *r, const struct trend_line *l,
    const struct trend_size *z, size_t nz)
{
	char	 m[3][32], a[32], b[32], pa[32], pb[32], mach[512];
	size_t	 i;
	int	 c, g1, g2;

	trend_machine(mach, sizeof mach);
	printf("exobench --trend: %d trial%s%s on %s\n", r->trials,
	    r->trials == 1 ? "" : "s",
	    r->quick ? " of the quick parts" : " of the full parts", mach);
	printf("columns: medians over the trials; ratios: median of the "
	    "per-trial ratios (half their range, in %%);\n"
	    "paper: Engler, Kaashoek, O'Toole, SOSP 1995, the abstract's "
	    "ranges (Aegis/ExOS vs Ultrix); - not quoted\n\n");
	printf("%-27s %-10s %9s %9s %9s %12s %12s %7s %10s %s\n",
	    "operation", "unit", "mono", "micro", "exo", "micro/exo",
	    "exo/mono", "p:m/e", "p:e/m", "goal");
	for (i = 0; i < NROWS; i++) {
		for (c = 0; c < TREND_COLS; c++) {
			if (l[i].col[c].n == 0)
				snprintf(m[c], sizeof m[c], "n/m");
			else
				trend_fmt(m[c], sizeof m[c],
				    l[i].col[c].median);
		}
		g1 = trend_met_em(&l[i]);
		g2 = trend_met_me(&l[i]);
		printf("%-27s %-10s %9s %9s %9s %12s %12s %7s %10s %s\n",
		    l[i].label, l[i].unit, m[0], m[1], m[2],
		    trend_fmt_ratio(a, sizeof a, &l[i].me),
		    trend_fmt_ratio(b, sizeof b, &l[i].em),
		    trend_fmt_paper(pa, sizeof pa, l[i].paper_me),
		    trend_fmt_paper(pb, sizeof pb, l[i].paper_em),
		    g1 < 0 && g2 < 0 ? "-" : g1 == 0 || g2 == 0 ? "NO" :
		    "yes");
	}
	printf("\ngoals: exo/mono <= %.1f on every row; micro/exo >= %.0f "
	    "on the null call, exception dispatch, protected control "
	    "transfer\n", TREND_GOAL_EM, TREND_GOAL_ME);
	for (c = 0; c < P_COUNT; c++)
		if (r->err[c] != NULL)
			printf("\nfailed: %s (in at least one trial; its rows "
			    "use the trials it finished): %s\n",
			    tparts[c].prog, r->err[c]);
	printf("\nnot measured (n/m):\n");
	for (i = 0; i < NROWS; i++)
		for (c = 0; c < TREND_COLS; c++)
			if (l[i].col[c].n == 0)
				printf("  %s, %s: %s\n", l[i].label,
				    colname[c], l[i].col[c].why);
	printf("\ncode size: non-blank lines of C (.c and .h)\n");
	printf("%-44s %7s %8s\n", "system", "files", "lines");
	for (i = 0; i < nz; i++) {
		if (z[i].why != NULL)
			printf("%-44s %7s %8s  %s\n", z[i].label, "-", "-",
			    z[i].why);
		else
			printf("%-44s %7ld %8ld\n", z[i].label, z[i].files,
			    z[i].lines);
	}
}

static void
trend_json_stat(struct json *j, const char *key, const struct trend_stat *s)
{
	json_key(j, key);
	json_object_open(j);
	if (s->n == 0)
		json_kstring(j, "why", s->why);
	else {
		json_kdouble(j, "median", s->median, 6);
		json_kdouble(j, "min", s->min, 6);
		json_kdouble(j, "max", s->max, 6);
		json_kint(j, "trials", s->n);
	}
	json_object_close(j);
}

static void
trend_json_paper(struct json *j, const char *key, const double *p)
{
	if (p[0] == 0) {
		json_knull(j, key);
		return;
	}
	json_key(j, key);
	json_object_open(j);
	json_kdouble(j, "min", p[0], 4);
	if (p[1] == 0)
		json_knull(j, "max");
	else
		json_kdouble(j, "max", p[1], 4);
	json_object_close(j);
}

static void
trend_json_met(struct json *j, const char *key, int met)
{
	if (met < 0)
		json_knull(j, key);
	else
		json_kbool(j, key, met);
}

static int
trend_print_json(const struct trun *r, const struct trend_line *l,
    const struct trend_size *z, size_t nz)
{
	struct json	 j;
	char		 mach[512];
	size_t		 i;
	int		 c;

	trend_machine(mach, sizeof mach);
	json_start(&j, stdout);
	json_object_open(&j);
	json_kint(&j, "trials", r->trials);
	json_kbool(&j, "quick", r->quick);
	json_kstring(&j, "machine", mach);
	json_kstring(&j, "paper", "Engler, Kaashoek, O'Toole, Exokernel: an "
	    "operating system architecture for application-level resource "
	    "management, SOSP 1995; the abstract's ranges, Aegis and ExOS "
	    "against Ultrix; per-operation table figures not quoted");
	json_key(&j, "failed");
	json_object_open(&j);
	for (c = 0; c < P_COUNT; c++)
		if (r->err[c] != NULL)
			json_kstring(&j, tparts[c].prog, r->err[c]);
	json_object_close(&j);
	json_kdouble(&j, "goal_exo_over_mono_max", TREND_GOAL_EM, 2);
	json_kdouble(&j, "goal_micro_over_exo_min", TREND_GOAL_ME, 2);
	json_key(&j, "rows");
	json_array_open(&j);
	for (i = 0; i < NROWS; i++) {
		json_object_open(&j);
		json_kstring(&j, "key", l[i].key);
		json_kstring(&j, "label", l[i].label);
		json_kstring(&j, "unit", l[i].unit);
		for (c = 0; c < TREND_COLS; c++)
			trend_json_stat(&j, colname[c], &l[i].col[c]);
		trend_json_stat(&j, "micro_over_exo", &l[i].me);
		trend_json_stat(&j, "exo_over_mono", &l[i].em);
		trend_json_paper(&j, "paper_micro_over_exo", l[i].paper_me);
		trend_json_paper(&j, "paper_exo_over_mono", l[i].paper_em);
		trend_json_met(&j, "met_exo_over_mono", trend_met_em(&l[i]));
		trend_json_met(&j, "met_micro_over_exo", trend_met_me(&l[i]));
		json_key(&j, "what");
		json_object_open(&j);
		for (c = 0; c < TREND_COLS; c++)
			if (trows[i].col[c].part >= 0)
				json_kstring(&j, colname[c],
				    trows[i].col[c].what);
		json_object_close(&j);
		json_object_close(&j);
	}
	json_array_close(&j);
	json_key(&j, "size");
	json_array_open(&j);
	for (i = 0; i < nz; i++) {
		json_object_open(&j);
		json_kstring(&j, "key", z[i].key);
		json_kstring(&j, "label", z[i].label);
		if (z[i].why != NULL)
			json_kstring(&j, "why", z[i].why);
		else {
			json_kstring(&j, "path", z[i].path);
			json_kint(&j, "files", z[i].files);
			json_kint(&j, "lines", z[i].lines);
		}
		json_object_close(&j);
	}
	json_array_close(&j);
	json_object_close(&j);
	if (json_finish(&j) != 0) {
		fprintf(stderr, "exobench: cannot write the JSON output\n");
		return (1);
	}
	return (0);
}

int
trend_main(int argc, char **argv)
{
	static struct trun	 r;
	struct trend_line	 l[NROWS];
	struct trend_size	 z[8];
	const char		*plot = NULL, *save = NULL, *load = NULL;
	char			*end;
	size_t			 i, nz;
	int			 json = 0, k, status;

	r.trials = TREND_TRIALS;
	r.quick = 1;
	for (k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--trend") == 0)
			continue;
		else if (strcmp(argv[k], "--json") == 0)
			json = 1;
		else if (strcmp(argv[k], "--quick") == 0)
			r.quick = 1;
		else if (strcmp(argv[k], "--full") == 0)
			r.quick = 0;
		else if (strcmp(argv[k], "--trials") == 0 && k + 1 < argc) {
			r.trials = (int)strtol(argv[++k], &end, 10);
			if (*end != '\0' || r.trials < 1 ||
			    r.trials > TREND_TRIALS_MAX)
				trend_usage(1);
		} else if (strcmp(argv[k], "--plot") == 0 && k + 1 < argc)
			plot = argv[++k];
		else if (strcmp(argv[k], "--save") == 0 && k + 1 < argc)
			save = argv[++k];
		else if (strcmp(argv[k], "--load") == 0 && k + 1 < argc)
			load = argv[++k];
		else if (strcmp(argv[k], "-h") == 0 ||
		    strcmp(argv[k], "--help") == 0)
			trend_usage(0);
		else if (strcmp(argv[k], "-V") == 0 ||
		    strcmp(argv[k], "--version") == 0)
			bl_version("exobench");
		else
			trend_usage(1);
	}
	if (save != NULL && load != NULL)
		trend_usage(1);
	bl_init("exobench", argc, argv);
	if (load != NULL)
		trend_load(&r, load);
	else
		trend_measure(&r);
	if (save != NULL)
		trend_save(&r, save);
	for (i = 0; i < NROWS; i++)
		trend_line(&r, i, &l[i]);
	nz = trend_size_count(z, sizeof z / sizeof z[0]);
	status = json ? trend_print_json(&r, l, z, nz) :
	    (trend_print_table(&r, l, z, nz), 0);
	if (plot != NULL && trend_plot(plot, l, NROWS) != 0)
		status = 1;
	for (k = 0; k < P_COUNT; k++)
		if (r.err[k] != NULL)
			status = 1;	/* its rows say so; the run failed */
	return (status);
}
