/*
 * exobench-cpu - what exo's CPU costs: the protected call next to a raw
 * pipe round trip, and how the slot vector keeps time.
 *
 *	protected call		exo_call() into a libOS waiting in exo_wait,
 *				vs two processes ping-ponging 16 bytes over
 *				a pair of pipes, batches interleaved
 *	bound call		exo_callchan_call() over a bound channel into
 *				a libOS serving it (exo_callchan_serve), vs
 *				two processes spinning on a shared page;
 *				the protected call above is its old path
 *	upcall dispatch		from the quantum boundary to the holder's
 *				end-of-quantum handler running
 *	epoch switch		from the quantum boundary to the next libOS
 *				running (its SIGCONT handler)
 *	quantum accuracy	how far each quantum a libOS actually ran is
 *				from -q, mean and p99, as a fraction of -q,
 *				next to the floor a bare program reaches
 *	timer floors		a bare program waking at every boundary of a
 *				10 ms grid by timer_create's signal, a
 *				timerfd, clock_nanosleep(TIMER_ABSTIME), and
 *				clock_nanosleep to 50 us early then spinning,
 *				each at the normal policy and at SCHED_FIFO
 *				when the host permits: p99 of how far each
 *				interval is from 10 ms, as a fraction
 *
 * Two t/libos-cpu processes share a vector of 4 slots of 10 ms, two slots
 * each, alternating, for 3 s.  Targets are reported, never asserted.
 *
 *	exobench-cpu [--json] [--quick]
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#include <errno.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "benchlib.h"

#define Q_MS		10
#define SAMPLES_MAX	100000

static double	 xs[SAMPLES_MAX];

/* Raw round trips over two pipes, n of them; ns each. */
static double
pipe_rtt(int n)
{
	int	a[2], b[2], i;
	char	buf[16] = { 0 };
	pid_t	pid;
	uint64_t t;

	if (pipe(a) == -1 || pipe(b) == -1 || (pid = fork()) == -1)
		bl_die("pipe: %s", strerror(errno));
	if (pid == 0) {
		for (i = 0; i < n; i++)
			if (read(a[0], buf, sizeof buf) != sizeof buf ||
			    write(b[1], buf, sizeof buf) != sizeof buf)
				_exit(1);
		_exit(0);
	}
	t = bl_now();
	for (i = 0; i < n; i++)
		if (write(a[1], buf, sizeof buf) != sizeof buf ||
		    read(b[0], buf, sizeof buf) != sizeof buf)
			bl_die("pipe round trip failed");
	t = bl_now() - t;
	waitpid(pid, NULL, 0);
	close(a[0]); close(a[1]); close(b[0]); close(b[1]);
	return ((double)t / n);
}

static double
call_rtt(struct exo *e, uint32_t server, int n)
{
	char		reply[64];
	size_t		len;
	uint64_t	t;
	int		i, error;

	t = bl_now();
	for (i = 0; i < n; i++)
		if ((error = exo_call(e, server, "ping", 4, reply,
		    sizeof reply, &len)) != 0)
			bl_die("exo_call: %s", exo_strerror(error));
	return ((double)(bl_now() - t) / n);
}

/* A line of a child's stdout that starts with prefix; NULL at EOF. */
static char *
read_line(FILE *f, const char *prefix, char *buf, size_t len)
{
	while (fgets(buf, (int)len, f) != NULL)
		if (strncmp(buf, prefix, strlen(prefix)) == 0)
			return (buf);
	return (NULL);
}

/* The server's libOS id, once it has registered its protected entry. */
static unsigned
find_server(const char *name)
{
	struct exo_status	 st;
	struct exo		*c;
	uint64_t		 deadline = bl_now() + 10000000000ULL;
	unsigned		 id = 0, i;

	if (exo_connect_control(bl_sock(), &c) != 0)
		bl_die("no control connection");
	while (id == 0 && bl_now() < deadline) {
		if (exo_status(c, &st) == 0) {
			for (i = 0; i < st.totals.npeers; i++)
				if (strcmp(st.peers[i].name, name) == 0 &&
				    (st.peers[i].entries & EXO_ENTRY_PROTECTED))
					id = st.peers[i].libos;
			exo_status_free(&st);
		}
		if (id == 0)
			usleep(10000);
	}
	exo_disconnect(c);
	if (id == 0)
		bl_die("the call server did not start");
	return (id);
}

static void
bench_call(int quick)
{
	double		 exo[31], raw[31], ratio[31];
	struct bfig	*f;
	struct exo	*e;
	char		*argv[12];
	unsigned	 server;
	int		 out, i, batches = quick ? 5 : 21, n = quick ? 200 : 2000;
	FILE		*fp;

	argv[0] = "libos-cpu";
	argv[1] = "-S";
	argv[2] = (char *)bl_sock();
	argv[3] = "-n";
	argv[4] = "server";
	argv[5] = "-e";
	argv[6] = "-w";
	argv[7] = "-d";
	argv[8] = "600000";
	argv[9] = NULL;
	bl_spawn("t/libos-cpu", argv, &out);
	if ((fp = fdopen(out, "r")) == NULL)
		bl_die("fdopen: %s", strerror(errno));
	server = find_server("server");
	if ((i = exo_connect(bl_sock(), "caller", &e)) != 0)
		bl_die("exo_connect: %s", exo_strerror(i));
	(void)call_rtt(e, server, n / 4);	/* warm */
	for (i = 0; i < batches; i++) {
		raw[i] = pipe_rtt(n);
		exo[i] = call_rtt(e, server, n);
		ratio[i] = exo[i] / raw[i];
	}
	exo_disconnect(e);
	f = bl_fig("call_rtt", "protected call round trip", "us");
	f->exo = bl_median(exo, (size_t)batches) / 1000;
	f->base = bl_median(raw, (size_t)batches) / 1000;
	f->what = "pipe ping-pong, 16 bytes, two processes";
	f->target = "ratio <= 2.5";
	f->met = bl_median(ratio, (size_t)batches) <= 2.5;
	fclose(fp);
}

/* Raw round trips between two processes spinning on a shared page. */
static double
spin_rtt(int n)
{
	volatile uint32_t	*w;
	uint64_t		 t;
	uint32_t		 i;
	pid_t			 pid;

	w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	    -1, 0);
	if (w == MAP_FAILED || (pid = fork()) == -1)
		bl_die("spin: %s", strerror(errno));
	if (pid == 0) {
		__atomic_store_n(&w[32], 1, __ATOMIC_RELEASE);
		for (i = 1; i <= (uint32_t)n; i++) {
			while (__atomic_load_n(&w[0], __ATOMIC_ACQUIRE) != i)
				;
			__atomic_store_n(&w[16], i, __ATOMIC_RELEASE);
		}
		_exit(0);
	}
	while (__atomic_load_n(&w[32], __ATOMIC_ACQUIRE) == 0)
		;			/* the child runs: time from here */
	t = bl_now();
	for (i = 1; i <= (uint32_t)n; i++) {
		__atomic_store_n(&w[0], i, __ATOMIC_RELEASE);
		while (__atomic_load_n(&w[16], __ATOMIC_ACQUIRE) != i)
			;
	}
	t = bl_now() - t;
	waitpid(pid, NULL, 0);
	munmap((void *)w, 4096);
	return ((double)t / n);
}

static double
bound_rtt(struct exo_callchan *ch, int n)
{
	char		reply[64];
	size_t		len;
	uint64_t	t;
	int		i, error;

	t = bl_now();
	for (i = 0; i < n; i++)
		if ((error = exo_callchan_call(ch, "ping", 4, reply,
		    sizeof reply, &len)) != 0)
			bl_die("exo_callchan_call: %s", exo_strerror(error));
	return ((double)(bl_now() - t) / n);
}

/*
 * The bound call: exo_callchan_call into a libOS serving its channel,
 * next to two processes spinning on a shared page, batches interleaved;
 * the unbound call (call_rtt) is the old path beside it.
 */
static void
bench_bound_call(int quick)
{
	double			 exo[31], raw[31], ratio[31];
	struct exo_callchan	*ch;
	struct bfig		*f;
	struct exo		*e;
	char			*argv[12];
	unsigned		 server;
	int			 out, i, batches = quick ? 5 : 21;
	int			 n = quick ? 2000 : 20000;

	argv[0] = "libos-cpu";
	argv[1] = "-S";
	argv[2] = (char *)bl_sock();
	argv[3] = "-n";
	argv[4] = "bserver";
	argv[5] = "-e";
	argv[6] = "-B";
	argv[7] = "-d";
	argv[8] = "600000";
	argv[9] = NULL;
	bl_spawn("t/libos-cpu", argv, &out);
	server = find_server("bserver");
	if ((i = exo_connect(bl_sock(), "bcaller", &e)) != 0)
		bl_die("exo_connect: %s", exo_strerror(i));
	if ((i = exo_callchan_bind(e, server, &ch)) != 0)
		bl_die("exo_callchan_bind: %s", exo_strerror(i));
	(void)bound_rtt(ch, n / 4);	/* warm; the callee accepts */
	for (i = 0; i < batches; i++) {
		raw[i] = spin_rtt(n);
		exo[i] = bound_rtt(ch, n);
		ratio[i] = exo[i] / raw[i];
	}
	exo_callchan_close(ch);
	exo_disconnect(e);
	f = bl_fig("bound_call_rtt", "bound call round trip", "us");
	f->exo = bl_median(exo, (size_t)batches) / 1000;
	f->base = bl_median(raw, (size_t)batches) / 1000;
	f->what = "two processes spinning on a shared page";
	f->target = "ratio <= 5";
	f->met = bl_median(ratio, (size_t)batches) <= 5;
	close(out);
}

struct slotrun {
	uint64_t	t0, q;
	FILE		*out;
	char		 runs[200], ups[200], sws[200];
};

static void
start_cpu(struct slotrun *s, const char *name, const char *slots, int ms)
{
	static char	 dur[16];
	char		*argv[20], line[256], *p;
	int		 out;

	snprintf(s->runs, sizeof s->runs, "%s/%s.runs", bl_dir(), name);
	snprintf(s->ups, sizeof s->ups, "%s/%s.ups", bl_dir(), name);
	snprintf(s->sws, sizeof s->sws, "%s/%s.sws", bl_dir(), name);
	snprintf(dur, sizeof dur, "%d", ms);
	argv[0] = "libos-cpu";
	argv[1] = "-S"; argv[2] = (char *)bl_sock();
	argv[3] = "-n"; argv[4] = (char *)name;
	argv[5] = "-a"; argv[6] = (char *)slots;
	argv[7] = "-d"; argv[8] = dur;
	argv[9] = "-r"; argv[10] = s->runs;
	argv[11] = "-u"; argv[12] = s->ups;
	argv[13] = "-s"; argv[14] = s->sws;
	argv[15] = "-g"; argv[16] = "100";
	argv[17] = NULL;
	bl_spawn("t/libos-cpu", argv, &out);
	if ((s->out = fdopen(out, "r")) == NULL ||
	    read_line(s->out, "claimed ", line, sizeof line) == NULL)
		bl_die("libos-cpu %s did not claim its slots", name);
	if ((p = strstr(line, "t0_ns=")) == NULL)
		bl_die("libos-cpu %s: no t0", name);
	s->t0 = strtoull(p + 6, NULL, 10);
	s->q = Q_MS * 1000000ULL;
}

/* Nanoseconds since the last quantum boundary before t. */
static double
since_boundary(const struct slotrun *s, uint64_t t)
{
	return (t < s->t0 ? 0 : (double)((t - s->t0) % s->q));
}

static size_t
load(const char *path, int cols, void (*take)(const struct slotrun *,
    uint64_t, uint64_t, size_t *), const struct slotrun *s, size_t n)
{
	unsigned long long	 a, b;
	FILE			*f;
	char			 line[128];
	int			 got;

	if ((f = fopen(path, "r")) == NULL)
		return (n);
	while (fgets(line, sizeof line, f) != NULL && n < SAMPLES_MAX) {
		got = sscanf(line, "%llu %llu", &a, &b);
		if (got >= cols)
			take(s, a, cols > 1 ? b : 0, &n);
	}
	fclose(f);
	return (n);
}

/* A latency after the boundary: only those in the quantum's first half. */
static void
take_latency(const struct slotrun *s, uint64_t t, uint64_t unused, size_t *n)
{
	double	d = since_boundary(s, t);

	if (d < (double)s->q / 2)
		xs[(*n)++] = d / 1000;
}

static uint64_t	 sw[SAMPLES_MAX], up[SAMPLES_MAX];
static double	 qs[SAMPLES_MAX];	/* quantum errors, both libOSes */

static void
take_time(const struct slotrun *s, uint64_t t, uint64_t unused, size_t *n)
{
	xs[(*n)++] = (double)t;
}

/*
 * The quantum a libOS actually got: from its switch-in (SIGCONT) to the
 * end-of-quantum upcall that follows it, less than 1.5 quanta later.  No
 * libOS here has two slots in a row, so each is one quantum.
 */
static size_t
quanta(const struct slotrun *s, size_t n)
{
	size_t	ns, nu, i, j = 0, k = 0;

	ns = load(s->sws, 1, take_time, s, 0);
	for (i = 0; i < ns; i++)
		sw[i] = (uint64_t)xs[i];
	nu = load(s->ups, 1, take_time, s, 0);
	for (i = 0; i < nu; i++)
		up[i] = (uint64_t)xs[i];
	for (i = 0; i < ns && n + k < SAMPLES_MAX; i++) {
		while (j < nu && up[j] <= sw[i])
			j++;
		if (j < nu && up[j] - sw[i] < s->q * 3 / 2)
			qs[n + k++] = fabs((double)(up[j] - sw[i]) -
			    (double)s->q) / (double)s->q;
	}
	return (n + k);
}

/* --- timer floors: what the host's timers allow a bare program ------ */

#define FLOOR_SPIN_NS	50000ULL	/* as exod's scheduler spins */

enum floor_how { FLOOR_SIGNAL, FLOOR_TIMERFD, FLOOR_SLEEP, FLOOR_SPIN };

static void
floor_ts(struct timespec *ts, uint64_t ns)
{
	ts->tv_sec = (time_t)(ns / 1000000000ULL);
	ts->tv_nsec = (long)(ns % 1000000000ULL);
}

/* Wake at n boundaries of a Q_MS grid by how; the intervals' errors. */
static size_t
floor_run(enum floor_how how, int n, double *err)
{
	struct itimerspec	 its;
	struct sigevent		 sev;
	struct timespec		 ts;
	siginfo_t		 si;
	sigset_t		 set, old;
	timer_t			 tm;
	uint64_t		 q = Q_MS * 1000000ULL, t0, b, v, prev = 0, now;
	int			 i, fd = -1;
	size_t			 k = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_BLOCK, &set, &old);
	t0 = bl_now() + q;
	memset(&its, 0, sizeof its);
	floor_ts(&its.it_value, t0);
	floor_ts(&its.it_interval, q);
	if (how == FLOOR_SIGNAL) {
		memset(&sev, 0, sizeof sev);
		sev.sigev_notify = SIGEV_SIGNAL;
		sev.sigev_signo = SIGALRM;
		if (timer_create(CLOCK_MONOTONIC, &sev, &tm) == -1 ||
		    timer_settime(tm, TIMER_ABSTIME, &its, NULL) == -1)
			bl_die("timer_create: %s", strerror(errno));
	} else if (how == FLOOR_TIMERFD) {
		if ((fd = timerfd_create(CLOCK_MONOTONIC, 0)) == -1 ||
		    timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL) == -1)
			bl_die("timerfd: %s", strerror(errno));
	}
	for (i = 0; i < n; i++) {
		b = t0 + (uint64_t)i * q;
		switch (how) {
		case FLOOR_SIGNAL:
			(void)sigwaitinfo(&set, &si);
			break;
		case FLOOR_TIMERFD:
			if (read(fd, &v, sizeof v) != sizeof v)
				bl_die("timerfd read");
			break;
		case FLOOR_SLEEP:
		case FLOOR_SPIN:
			floor_ts(&ts, how == FLOOR_SPIN ? b - FLOOR_SPIN_NS :
			    b);
			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
			    &ts, NULL) == EINTR)
				;
			while (how == FLOOR_SPIN && bl_now() < b)
				;
			break;
		}
		now = bl_now();
		if (i > 0 && now - prev < 3 * q / 2 && now > prev)
			err[k++] = fabs((double)(now - prev) - (double)q) /
			    (double)q;
		prev = now;
	}
	if (how == FLOOR_SIGNAL)
		timer_delete(tm);
	if (fd != -1)
		close(fd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return (k);
}

/* Each way, normal and SCHED_FIFO; the best p99 (a fraction) in *best. */
static void
bench_floor(int quick, double *best, const char **best_what)
{
	static const char *const names[] = { "timer_create", "timerfd",
	    "nanosleep", "nanosleep+spin" };
	static const char *const keys[] = { "signal", "timerfd", "nanosleep",
	    "spin" };
	struct sched_param	 sp;
	struct bfig		*f;
	char			 key[64], label[96], *kp, *lp;
	double			 p99;
	size_t			 n;
	int			 how, fifo, permitted, nq = quick ? 40 : 150;

	(void)prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	*best = 1e9;
	*best_what = NULL;
	memset(&sp, 0, sizeof sp);
	sp.sched_priority = 1;
	permitted = sched_setscheduler(0, SCHED_FIFO, &sp) == 0;
	sp.sched_priority = 0;
	(void)sched_setscheduler(0, SCHED_OTHER, &sp);
	for (fifo = 0; fifo < 1 + permitted; fifo++) {
		sp.sched_priority = fifo;
		if (sched_setscheduler(0, fifo ? SCHED_FIFO : SCHED_OTHER,
		    &sp) == -1)
			bl_die("sched_setscheduler: %s", strerror(errno));
		for (how = FLOOR_SIGNAL; how <= FLOOR_SPIN; how++) {
			n = floor_run((enum floor_how)how, nq, xs);
			p99 = bl_pct(xs, n, 0.99);
			snprintf(key, sizeof key, "timer_floor_%s%s",
			    keys[how], fifo ? "_fifo" : "");
			snprintf(label, sizeof label, "floor p99: %s%s",
			    names[how], fifo ? ", FIFO" : "");
			if ((kp = strdup(key)) == NULL ||
			    (lp = strdup(label)) == NULL)
				bl_die("strdup");
			f = bl_fig(kp, lp, "%");
			f->exo = p99 * 100;
			if (p99 < *best) {
				*best = p99;
				*best_what = lp + strlen("floor p99: ");
			}
		}
	}
	sp.sched_priority = 0;
	(void)sched_setscheduler(0, SCHED_OTHER, &sp);
	if (!permitted) {
		f = bl_fig("timer_floor_fifo", "timer floor at SCHED_FIFO", "%");
		f->exo = 0;
		f->what = "not permitted on this host";
	}
}

static void
bench_slots(int quick)
{
	static char	 what[160];
	struct slotrun	 a, b;
	struct bfig	*f;
	const char	*floor_what;
	double		 floor;
	char		 line[256];
	size_t		 n;
	int		 ms = quick ? 1000 : 3000;

	start_cpu(&a, "cpu-a", "0,2", ms);
	start_cpu(&b, "cpu-b", "1,3", ms);
	while (read_line(a.out, "libos=", line, sizeof line) != NULL)
		;
	while (read_line(b.out, "libos=", line, sizeof line) != NULL)
		;
	fclose(a.out);
	fclose(b.out);

	n = load(a.ups, 1, take_latency, &a, 0);
	n = load(b.ups, 1, take_latency, &b, n);
	f = bl_fig("upcall_dispatch", "upcall dispatch (boundary->handler)",
	    "us");
	f->exo = bl_median(xs, n);
	f->what = NULL;
	f->target = NULL;

	n = load(a.sws, 1, take_latency, &a, 0);
	n = load(b.sws, 1, take_latency, &b, n);
	f = bl_fig("epoch_switch", "epoch switch (boundary->next runs)",
	    "us");
	f->exo = bl_median(xs, n);
	f = bl_fig("epoch_switch_p99", "epoch switch p99", "us");
	f->exo = bl_pct(xs, n, 0.99);

	n = quanta(&a, 0);
	n = quanta(&b, n);
	f = bl_fig("quantum_error_mean", "quantum error, mean (of -q)", "%");
	f->exo = bl_mean(qs, n) * 100;
	f = bl_fig("quantum_error_p99", "quantum error, p99 (of -q)", "%");
	f->exo = bl_pct(qs, n, 0.99) * 100;
	f->target = "p99 <= 5% (idle machine)";
	f->met = f->exo <= 5;
	bench_floor(quick, &floor, &floor_what);
	f->base = floor * 100;
	snprintf(what, sizeof what, "a bare program's best timer, same run: %s",
	    floor_what);
	f->what = what;
}

int
main(int argc, char **argv)
{
	const char	*args[] = { "-q", "10", "-n", "4", "-b", "1", "-m", "4M",
			    NULL };
	int		 json, quick;

	bl_options("exobench-cpu", argc, argv, &json, &quick);
	bl_init("exobench-cpu", argc, argv);
	bl_exod_start(args);
	bench_call(quick);
	bench_bound_call(quick);
	bench_slots(quick);
	bl_exod_stop();
	bl_print(json);
	return (0);
}
