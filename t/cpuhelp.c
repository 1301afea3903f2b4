/*
 * cpuhelp.c - what the CPU tests share (see cpuhelp.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cpuhelp.h"
#include "harness.h"
#include "jsonq.h"
#include "tap.h"

#define CH_CHILDREN	64
#define CH_ARGS		40

static pid_t	ch_children[CH_CHILDREN];
static int	ch_hooked;
static pid_t	ch_owner;

uint64_t
ch_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

void
ch_sleep_ms(long ms)
{
	struct timespec	ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

void
ch_sleep_until(uint64_t t)
{
	struct timespec	ts;

	ts.tv_sec = (time_t)(t / 1000000000ULL);
	ts.tv_nsec = (long)(t % 1000000000ULL);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	    EINTR)
		;
}

/* At exit: no child outlives the test (they may be stopped by exod). */
static void
ch_cleanup(void)
{
	int	i;

	if (getpid() != ch_owner)
		return;
	for (i = 0; i < CH_CHILDREN; i++) {
		if (ch_children[i] <= 0)
			continue;
		kill(ch_children[i], SIGKILL);
		waitpid(ch_children[i], NULL, 0);
		ch_children[i] = 0;
	}
}

static void
ch_track(pid_t pid)
{
	int	i;

	for (i = 0; i < CH_CHILDREN; i++)
		if (ch_children[i] <= 0) {
			ch_children[i] = pid;
			return;
		}
	bail("more than %d children", CH_CHILDREN);
}

static void
ch_untrack(pid_t pid)
{
	int	i;

	for (i = 0; i < CH_CHILDREN; i++)
		if (ch_children[i] == pid)
			ch_children[i] = 0;
}

pid_t
ch_fork(void)
{
	pid_t	pid, parent = getpid();

	if (!ch_hooked) {
		ch_hooked = 1;
		ch_owner = getpid();
		tap_atexit(ch_cleanup);
	}
	fflush(NULL);
	if ((pid = fork()) == -1)
		sysbail("fork");
	if (pid == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 ||
		    getppid() != parent)
			_exit(127);
		return (0);
	}
	ch_track(pid);
	return (pid);
}

int
ch_reap(pid_t pid, int ms)
{
	uint64_t	deadline = ch_now() + (uint64_t)ms * CH_MS;
	int		status;
	pid_t		r;

	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid) {
			ch_untrack(pid);
			return (status);
		}
		if (r == -1 && errno != EINTR) {
			ch_untrack(pid);
			return (-1);
		}
		if (ch_now() >= deadline)
			break;
		ch_sleep_ms(5);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	ch_untrack(pid);
	return (-1);
}

/* Start the test program prog (relative to the build tree). */
void
lc_spawnv(struct lc *c, const char *prog, const char *sock, va_list ap)
{
	const char	*argv[CH_ARGS + 4], *arg;
	char		 path[PATH_MAX];
	int		 n = 0, out[2], in[2];

	memset(c, 0, sizeof *c);
	c->pid = -1;
	snprintf(path, sizeof path, "%s", th_path(prog));
	argv[n++] = path;
	argv[n++] = "-S";
	argv[n++] = sock;
	while ((arg = va_arg(ap, const char *)) != NULL) {
		if (n >= CH_ARGS + 3)
			bail("lc_spawn: too many arguments");
		argv[n++] = arg;
	}
	argv[n] = NULL;
	if (pipe2(out, O_CLOEXEC) == -1 || pipe2(in, O_CLOEXEC) == -1)
		sysbail("pipe");
	if ((c->pid = ch_fork()) == 0) {
		if (dup2(out[1], 1) == -1 || dup2(in[0], 0) == -1)
			_exit(127);
		execv(path, (char *const *)argv);
		dprintf(2, "exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(out[1]);
	close(in[0]);
	c->out = out[0];
	c->in = in[1];
}

void
lc_spawn(struct lc *c, const char *sock, ...)
{
	va_list	ap;

	va_start(ap, sock);
	lc_spawnv(c, "t/libos-cpu", sock, ap);
	va_end(ap);
}

int
lc_line(struct lc *c, char *line, size_t max, int ms)
{
	uint64_t	 deadline = ch_now() + (uint64_t)ms * CH_MS, now;
	struct pollfd	 pfd;
	char		*nl;
	size_t		 k;
	ssize_t		 n;

	for (;;) {
		if ((nl = memchr(c->buf, '\n', c->len)) != NULL ||
		    (c->eof && c->len > 0)) {
			k = nl != NULL ? (size_t)(nl - c->buf) : c->len;
			snprintf(line, max, "%.*s", (int)k, c->buf);
			if (nl != NULL)
				k++;
			memmove(c->buf, c->buf + k, c->len - k);
			c->len -= k;
			return (1);
		}
		if (c->eof)
			return (0);
		if (c->len == sizeof c->buf) {	/* a line that long: cut it */
			c->buf[c->len - 1] = '\n';
			continue;
		}
		now = ch_now();
		if (now >= deadline)
			return (-1);
		pfd.fd = c->out;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)((deadline - now) / CH_MS) + 1) <= 0)
			continue;
		n = read(c->out, c->buf + c->len, sizeof c->buf - c->len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			c->eof = 1;
		else
			c->len += (size_t)n;
	}
}

int
lc_expect(struct lc *c, const char *prefix, char *line, size_t max, int ms)
{
	uint64_t	deadline = ch_now() + (uint64_t)ms * CH_MS;
	char		buf[1024];
	int		r;

	for (;;) {
		r = lc_line(c, buf, sizeof buf, (int)((deadline > ch_now() ?
		    deadline - ch_now() : 0) / CH_MS));
		if (r != 1)
			return (0);
		if (strncmp(buf, prefix, strlen(prefix)) == 0) {
			if (line != NULL)
				snprintf(line, max, "%s", buf);
			return (1);
		}
		diag("child %ld: %s", (long)c->pid, buf);
	}
}

int
ch_field(const char *line, const char *key, uint64_t *v)
{
	const char	*p = line;
	size_t		 k = strlen(key);

	while ((p = strstr(p, key)) != NULL) {
		if ((p == line || p[-1] == ' ') && p[k] == '=') {
			*v = strtoull(p + k + 1, NULL, 10);
			return (1);
		}
		p += k;
	}
	return (0);
}

int
lc_claimed(struct lc *c, int ms)
{
	char		 line[1024], *p, *end;
	uint64_t	 v;
	unsigned long	 pos;

	if (!lc_expect(c, "claimed ", line, sizeof line, ms))
		return (0);
	memset(&c->vec, 0, sizeof c->vec);
	if (ch_field(line, "libos", &v))
		c->libos = (unsigned)v;
	if (ch_field(line, "t0_ns", &v))
		c->vec.t0 = v;
	if (ch_field(line, "quantum_us", &v))
		c->vec.q = v * 1000;
	if (ch_field(line, "nslots", &v))
		c->vec.n = (unsigned)v;
	if ((p = strstr(line, " slots=")) != NULL) {
		for (p += 7; *p >= '0' && *p <= '9'; p = end) {
			pos = strtoul(p, &end, 10);
			if (pos < EXO_SLOTS_MAX)
				c->vec.mask[pos / 64] |= 1ULL << (pos % 64);
			if (*end == ',')
				end++;
		}
	}
	return (c->libos != 0 && c->vec.q != 0 && c->vec.n != 0);
}

int
lc_finish(struct lc *c, int ms)
{
	uint64_t	deadline = ch_now() + (uint64_t)ms * CH_MS;

	c->last[0] = '\0';
	if (!lc_expect(c, "libos=", c->last, sizeof c->last, ms))
		c->last[0] = '\0';
	if (c->pid <= 0)
		return (c->status);
	c->status = ch_reap(c->pid, (int)((deadline > ch_now() ?
	    deadline - ch_now() : 0) / CH_MS) + 1000);
	c->pid = -1;
	close(c->out);
	close(c->in);
	return (c->status);
}

void
lc_start(struct lc *c)
{
	if (write(c->in, "g", 1) != 1)
		diag("libos-cpu %ld: cannot start it", (long)c->pid);
}

void
lc_kill(struct lc *c)
{
	if (c->pid <= 0)
		return;
	kill(c->pid, SIGKILL);
	c->status = ch_reap(c->pid, 5000);
	c->pid = -1;
	close(c->out);
	close(c->in);
}

long
ch_read_ints(const char *path, int64_t *v, long max)
{
	FILE		*f;
	long long	 x;
	long		 n = 0;

	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	while (n < max && fscanf(f, "%lld", &x) == 1)
		v[n++] = x;
	fclose(f);
	return (n);
}

int
ch_status_of(const char *sock, uint32_t libos, struct exo_status_peer *out)
{
	struct exo_status	 st;
	struct exo		*ctl;
	unsigned		 i;
	int			 rc, found = 0;

	if ((rc = exo_connect_control(sock, &ctl)) != 0)
		return (rc);
	rc = exo_status(ctl, &st);
	exo_disconnect(ctl);
	if (rc != 0)
		return (rc);
	for (i = 0; i < st.totals.npeers; i++)
		if (st.peers[i].libos == libos) {
			if (out != NULL)
				*out = st.peers[i];
			found = 1;
		}
	exo_status_free(&st);
	return (found);
}

int
ch_slots(const char *sock, struct exo_slots *s)
{
	struct exo	*ctl;
	int		 rc;

	memset(s, 0, sizeof *s);
	if ((rc = exo_connect_control(sock, &ctl)) != 0)
		return (rc);
	rc = exo_slots(ctl, s);
	exo_disconnect(ctl);
	return (rc);
}

int
ch_exoctl_json(const char *sock, const char *cmd, char *out, size_t max)
{
	char	 prog[PATH_MAX];
	size_t	 len = 0;
	ssize_t	 n;
	int	 p[2], status;
	pid_t	 pid;

	snprintf(prog, sizeof prog, "%s", th_path("exod/exoctl"));
	if (pipe2(p, O_CLOEXEC) == -1)
		sysbail("pipe");
	if ((pid = ch_fork()) == 0) {
		if (dup2(p[1], 1) == -1)
			_exit(127);
		execl(prog, prog, "-S", sock, cmd, "--json", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	out[0] = '\0';
	while (len + 1 < max &&
	    (n = read(p[0], out + len, max - len - 1)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		len += (size_t)n;
	}
	out[len] = '\0';
	close(p[0]);
	status = ch_reap(pid, 10000);
	return (status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

int
ch_json_libos(const char *json, uint32_t id, const char *key, uint64_t *v)
{
	char		 expr[256];
	long long	 n;

	snprintf(expr, sizeof expr, "my ($o) = grep { $_->{id} == %u } "
	    "@{$j->{libos}}; $o->{%s}", id, key);
	if ((n = jq_num(json, expr, -1)) < 0)
		return (0);
	*v = (uint64_t)n;
	return (1);
}

int
ch_json_owners(const char *json, uint32_t *owner, unsigned max)
{
	char		 buf[4096], *p, *end;
	unsigned	 n = 0;

	if (jq_eval(json, "ref $j->{owner} eq 'ARRAY' ? "
	    "join(',', @{$j->{owner}}) . ',' : undef", buf, sizeof buf) != 0)
		return (-1);
	for (p = buf; *p != '\0' && n < max; p = end + 1) {
		owner[n++] = (uint32_t)strtoul(p, &end, 10);
		if (end == p || *end != ',')
			return (-1);
	}
	return ((int)n);
}

/* The state letter in /proc/pid/stat, or 0. */
static char
ch_proc_state(pid_t pid)
{
	char	path[64], buf[512], *p;
	FILE	*f;
	size_t	n;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return (0);
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL || p[1] == '\0')
		return (0);
	return (p[2]);
}

int
ch_wait_stopped(pid_t pid, int stopped, int ms)
{
	uint64_t	deadline = ch_now() + (uint64_t)ms * CH_MS;
	char		s;

	for (;;) {
		s = ch_proc_state(pid);
		if ((s == 'T') == (stopped != 0))
			return (1);
		if (ch_now() >= deadline)
			return (0);
		ch_sleep_ms(1);
	}
}

int
ch_raw_hello(int fd, const char *name, uint32_t *libos, int *fds)
{
	struct {
		struct exo_hdr		hdr;
		struct exo_hello	hello;
	}			 req;
	struct {
		struct exo_hdr		hdr;
		struct exo_hello_reply	reply;
	}			 rep;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(8 * sizeof(int))];
	}			 cbuf;
	struct msghdr		 msg;
	struct cmsghdr		*c;
	struct iovec		 iov;
	struct pollfd		 pfd;
	ssize_t			 n;
	int			 k = 0, i, nf;

	memset(&req, 0, sizeof req);
	req.hdr.version = EXO_PROTO_VERSION;
	req.hdr.type = EXO_MSG_HELLO;
	req.hdr.id = 1;
	req.hdr.len = sizeof req.hello;
	snprintf(req.hello.name, sizeof req.hello.name, "%s", name);
	if (th_raw_send(fd, &req, sizeof req) != (int)sizeof req)
		return (-1);
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 10000) != 1)
		return (-1);
	memset(&msg, 0, sizeof msg);
	iov.iov_base = &rep;
	iov.iov_len = sizeof rep;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof cbuf.buf;
	n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		nf = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (i = 0; i < nf; i++) {
			if (k < 3)
				memcpy(&fds[k++], CMSG_DATA(c) +
				    i * sizeof(int), sizeof(int));
			else
				close(((int *)CMSG_DATA(c))[i]);
		}
	}
	if (n != (ssize_t)sizeof rep || rep.hdr.status != 0 || k != 3) {
		for (i = 0; i < k; i++)
			close(fds[i]);
		return (-1);
	}
	*libos = rep.reply.libos;
	return (0);
}

int
ch_raw_request(int fd, uint16_t type, uint32_t id, const void *payload,
    size_t len)
{
	unsigned char	buf[EXO_MSG_MAX];
	struct exo_hdr	h;

	if (len > sizeof buf - sizeof h)
		return (-1);
	h.version = EXO_PROTO_VERSION;
	h.type = type;
	h.id = id;
	h.len = (uint32_t)len;
	h.status = 0;
	memcpy(buf, &h, sizeof h);
	if (len > 0)
		memcpy(buf + sizeof h, payload, len);
	return (th_raw_send(fd, buf, sizeof h + len) == (int)(sizeof h + len) ?
	    0 : -1);
}

int
ch_raw_reply(int fd, struct exo_hdr *h, void *payload, size_t max, int ms)
{
	unsigned char	buf[EXO_MSG_MAX];
	int		n;

	n = th_raw_recv(fd, buf, sizeof buf, ms);
	if (n < (int)sizeof *h)
		return (-1);
	memcpy(h, buf, sizeof *h);
	if (h->len != (size_t)n - sizeof *h)
		return (-1);
	if (payload != NULL)
		memcpy(payload, buf + sizeof *h, h->len < max ? h->len : max);
	return ((int)h->len);
}

void
ch_vec_of(const struct exo *e, struct ch_vec *v)
{
	const struct exo_expose	*x = exo_expose(e);

	memset(v, 0, sizeof *v);
	if (x == NULL)
		return;
	v->t0 = x->t0_ns;
	v->q = (uint64_t)x->quantum_us * 1000;
	v->n = x->nslots;
	memcpy(v->mask, x->slot_mask, sizeof v->mask);
}

int
ch_owns(const struct ch_vec *v, unsigned pos)
{
	return (pos < EXO_SLOTS_MAX &&
	    (v->mask[pos / 64] & (1ULL << (pos % 64))) != 0);
}

uint64_t
ch_quantum(const struct ch_vec *v, uint64_t t)
{
	return (t >= v->t0 ? (t - v->t0) / v->q : 0);
}

uint64_t
ch_next_window(const struct ch_vec *v, uint64_t t)
{
	uint64_t	k, i;

	if (t < v->t0)
		t = v->t0;
	k = (t - v->t0 + v->q - 1) / v->q;
	for (i = 0; i <= v->n; i++, k++)
		if (ch_owns(v, (unsigned)(k % v->n)))
			return (v->t0 + k * v->q);
	return (0);
}

uint64_t
ch_window_end(const struct ch_vec *v, uint64_t t)
{
	uint64_t	k, i;

	if (t < v->t0)
		return (0);
	k = (t - v->t0) / v->q;
	for (i = 0; i <= v->n; i++, k--) {
		if (ch_owns(v, (unsigned)(k % v->n)))
			return (v->t0 + (k + 1) * v->q);
		if (k == 0)
			break;
	}
	return (0);
}

int
ch_in_window(const struct ch_vec *v, uint64_t t, uint64_t slack)
{
	uint64_t	end = ch_window_end(v, t);

	return (end != 0 && t < end + slack);
}

uint64_t
ch_run_delay(pid_t pid)
{
	char			path[64];
	unsigned long long	run, wait;
	FILE			*f;
	int			n;

	snprintf(path, sizeof path, "/proc/%ld/schedstat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return (0);
	n = fscanf(f, "%llu %llu", &run, &wait);
	fclose(f);
	return (n == 2 ? wait : 0);
}

int
ch_cmp_i64(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x < y ? -1 : x > y);
}
