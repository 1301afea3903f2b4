/*
 * exobench-unix - the Unix column of the trend table: libos-unix's
 * system calls beside the host kernel doing the same (monolithic) and,
 * for the null call and the round trip, a server process over IPC
 * (microkernel).
 *
 *	getpid, null call	the gate (SYS_getpid, SYS_nop) against the
 *				host's getpid(2) and an invalid system call;
 *				IPC: a SOCK_SEQPACKET request to a server
 *	fork+exit+wait		against fork(2), _exit, waitpid
 *	fork+exec+wait		against the same with execve of a static
 *				program that exits at once
 *	fork, 16 MiB		a process with a 16 MiB heap, written
 *	pipe round trip		one byte there and back between two
 *				processes; IPC: the same through a server
 *	pipe throughput		16 MiB in 64 KiB writes
 *	minor fault		the first touch of a page of lazy heap,
 *				against one of anonymous memory; IPC: an
 *				external pager zero-fills the page
 *	COW fault		a child's first write to a shared page
 *	Appel-Li		trap, prot1, prot100, unprot100, appel1 and
 *				appel2 (exobench-vm's definitions) through
 *				libos-unix's mprotect, sigsegv and sigreturn
 *				(appelbench), against the host's mprotect(2)
 *				and a SIGSEGV handler doing the same
 *	swap fault		swapbench in a libos-unix held to -M 4M: a
 *				16 MiB heap read in order, each touch a page
 *				read back from swap, against the host's major
 *				fault: a file on the disk image's file system,
 *				fsync'd and dropped from the page cache with
 *				posix_fadvise(POSIX_FADV_DONTNEED), mmap'd
 *				with MADV_RANDOM (no read-ahead) and touched
 *				page by page; cycles per page read each way
 *	hints			hintbench in a libos-unix held to -M 4M: a
 *				sequential and a random workload of 2x and
 *				4x that, with the application's paging hints
 *				(MADV_PIN, MADV_DONTNEED) against without
 *
 * The microkernel column of fork+exit+wait, pipe throughput, the minor
 * fault and the COW fault is a server process (userver.c) doing the
 * host's primitive on the client's behalf: a process server that forks,
 * exits and waits; a pipe server that holds the pipe's 64 KiB and relays
 * the writer's data to the reader; an external pager that zero-fills, or
 * copies, the page into memory the client maps.
 *
 * libos-unix's side runs as the program kt_bench inside libos-unix,
 * holding every slot, on a private exod; both sides are timed with the cycle counter, so the
 * ratios need no conversion.  Targets are reported, never asserted.
 *
 *	exobench-unix [--json] [--quick]
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchlib.h"
#include "userver.h"

#define PAGE	4096
/*
 * exod's slot vector, all of it libos-unix's: the host side runs with the
 * whole CPU, so the libOS must too, or the figures would time the slots
 * it does not hold (with 2 of 16, a round trip waited out 140 ms of
 * other slots now and then).
 */
#define UNIX_SLOTS	"16"

static uint64_t
tsc(void)
{
	uint32_t	lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32 | lo);
}

/* libos-unix's figures: kt_bench's lines, by name. */
static char	 unix_out[4096];

static double
unix_get(const char *name)
{
	char	*p = unix_out, key[64];
	long	 v;

	while (p != NULL && *p != '\0') {
		if (sscanf(p, "%63s %ld", key, &v) == 2 &&
		    strcmp(key, name) == 0)
			return ((double)v);
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	bl_die("kt_bench printed no %s:\n%s", name, unix_out);
}

/* Run libos-unix -c cmd (with -M limit if not NULL); its output in
 * unix_out. */
static void
unix_run_cmd(const char *cmd, const char *limit)
{
	char	 progs[1024];
	char	*argv[] = { "libos-unix", "-S", NULL, "-s", UNIX_SLOTS, "-c",
		    NULL, NULL, NULL, NULL, NULL };
	size_t	 off = 0;
	ssize_t	 got;
	int	 fd, st, a = 6;
	pid_t	 pid;

	snprintf(progs, sizeof progs, "%s", bl_path("libos-unix/user"));
	argv[2] = (char *)bl_sock();
	argv[a++] = (char *)cmd;
	if (limit != NULL) {
		argv[a++] = "-M";
		argv[a++] = (char *)limit;
	}
	argv[a] = progs;
	pid = bl_spawn("libos-unix/libos-unix", argv, &fd);
	while (off + 1 < sizeof unix_out && (got = read(fd, unix_out + off,
	    sizeof unix_out - 1 - off)) != 0) {
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		off += (size_t)got;
	}
	unix_out[off] = '\0';
	close(fd);
	waitpid(pid, &st, 0);
	bl_untrack(pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		bl_die("libos-unix -c '%s' failed:\n%s", cmd, unix_out);
}

static void
unix_run(int n)
{
	char	cmd[64];

	snprintf(cmd, sizeof cmd, "kt_bench %d", n);
	unix_run_cmd(cmd, NULL);
}

/*
 * The paging hints: hintbench's cycles per page of one workload at one
 * overcommit, with hints (*hinted) and without (*plain), in one
 * libos-unix held to HINT_LIMIT.
 */
#define HINT_LIMIT	"4M"
#define HINT_LIMIT_MIB	4

static void
unix_hints(const char *mode, int over, int rounds, double *plain,
    double *hinted)
{
	char	 cmd[160], want[64], *p;
	int	 h, c;

	snprintf(cmd, sizeof cmd, "hintbench %s %d %d 0; "
	    "hintbench %s %d %d 1", mode, over * HINT_LIMIT_MIB, rounds,
	    mode, over * HINT_LIMIT_MIB, rounds);
	unix_run_cmd(cmd, HINT_LIMIT);
	for (h = 0; h < 2; h++) {
		snprintf(want, sizeof want, "hintbench %s %d hint=%d cycles=",
		    mode, over * HINT_LIMIT_MIB, h);
		if ((p = strstr(unix_out, want)) == NULL ||
		    sscanf(p + strlen(want), "%d", &c) != 1)
			bl_die("hintbench printed no '%s':\n%s", want,
			    unix_out);
		*(h ? hinted : plain) = c;
	}
}

static double
host_getpid(int n)
{
	uint64_t	t0 = tsc();
	int		i;

	for (i = 0; i < n; i++)
		(void)syscall(SYS_getpid);
	return ((double)(tsc() - t0) / n);
}

static double
host_null(int n)
{
	uint64_t	t0 = tsc();
	int		i;

	for (i = 0; i < n; i++)
		(void)syscall(100000);	/* ENOSYS: the kernel's null call */
	return ((double)(tsc() - t0) / n);
}

static double
host_forks(int n, int execit, size_t heap)
{
	char		*argv[] = { "true", NULL }, *mem = NULL;
	uint64_t	 t0;
	size_t		 i;
	int		 k, st;
	pid_t		 pid;

	if (heap > 0) {
		if ((mem = malloc(heap)) == NULL)
			bl_die("malloc");
		for (i = 0; i < heap; i += PAGE)
			mem[i] = 1;
	}
	t0 = tsc();
	for (k = 0; k < n; k++) {
		if ((pid = fork()) == 0) {
			if (execit)
				execv("/bin/true", argv);
			_exit(0);
		}
		waitpid(pid, &st, 0);
	}
	free(mem);
	return ((double)(tsc() - t0) / n);
}

/* Round trips of one byte between this process and a child over a and
 * b (pipes, or one socket pair for the server). */
static double
host_pingpong(int n, int sock)
{
	int		 a[2], b[2], i;
	char		 c = 'x';
	uint64_t	 t0;
	pid_t		 pid;

	if (sock) {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, a) == -1)
			bl_die("socketpair");
		b[0] = a[0];
		b[1] = a[1];
	} else if (pipe(a) == -1 || pipe(b) == -1)
		bl_die("pipe");
	if ((pid = fork()) == 0) {
		/* The peer, or the server: answer every request. */
		for (i = 0; i < n; i++)
			if (read(sock ? a[1] : a[0], &c, 1) != 1 ||
			    write(b[1], &c, 1) != 1)
				break;
		_exit(0);
	}
	t0 = tsc();
	for (i = 0; i < n; i++) {
		if (write(sock ? a[0] : a[1], &c, 1) != 1 ||
		    read(b[0], &c, 1) != 1)
			bl_die("ping-pong");
	}
	t0 = tsc() - t0;
	waitpid(pid, NULL, 0);
	close(a[0]);
	close(a[1]);
	if (!sock) {
		close(b[0]);
		close(b[1]);
	}
	return ((double)t0 / n);
}

static double
host_throughput(void)
{
	static char	 buf[65536];
	int		 p[2], i;
	ssize_t		 got;
	size_t		 total;
	uint64_t	 t0;
	pid_t		 pid;

	if (pipe(p) == -1)
		bl_die("pipe");
	if ((pid = fork()) == 0) {
		close(p[0]);
		for (i = 0; i < 256; i++)
			if (write(p[1], buf, sizeof buf) != (ssize_t)sizeof buf)
				break;
		_exit(0);
	}
	close(p[1]);
	t0 = tsc();
	for (total = 0; total < 256 * sizeof buf; total += (size_t)got)
		if ((got = read(p[0], buf, sizeof buf)) <= 0)
			break;
	t0 = tsc() - t0;
	close(p[0]);
	waitpid(pid, NULL, 0);
	return ((double)t0 / 16);
}

static double
host_cow(void)
{
	int		 p[2], i, pages = 1024;
	char		*mem;
	uint64_t	 t0;
	double		 v = 0;
	pid_t		 pid;

	if ((mem = malloc((size_t)pages * PAGE)) == NULL || pipe(p) == -1)
		bl_die("cow");
	for (i = 0; i < pages; i++)
		mem[(size_t)i * PAGE] = 1;
	if ((pid = fork()) == 0) {
		t0 = tsc();
		for (i = 0; i < pages; i++)
			mem[(size_t)i * PAGE] = 2;
		v = (double)(tsc() - t0) / pages;
		(void)write(p[1], &v, sizeof v);
		_exit(0);
	}
	if (read(p[0], &v, sizeof v) != sizeof v)
		bl_die("cow child");
	waitpid(pid, NULL, 0);
	close(p[0]);
	close(p[1]);
	free(mem);
	return (v);
}

/* The process server: fork a child that exits at once, and wait. */
static ssize_t
micro_serve_fork(void *arg, const unsigned char *req, size_t len,
    unsigned char *reply)
{
	int	st = -1;
	pid_t	pid;

	(void)arg;
	(void)req;
	(void)len;
	if ((pid = fork()) == 0)
		_exit(0);
	if (pid > 0)
		while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
			;
	memcpy(reply, &st, sizeof st);
	return (sizeof st);
}

/* fork+exit+wait as n requests to the process server. */
static double
micro_forks(int n)
{
	struct userver	 s;
	uint64_t	 t0;
	int		 k, st;

	us_start(&s, micro_serve_fork, NULL);
	t0 = tsc();
	for (k = 0; k < n; k++)
		if (us_call(&s, "f", 1, &st, sizeof st) != sizeof st ||
		    !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bl_die("process server: fork failed");
	t0 = tsc() - t0;
	us_stop(&s);
	return ((double)t0 / n);
}

/*
 * The pipe server: the pipe's 64 KiB (the host pipe's capacity) live in
 * the server.  The writer's request is 'w' and up to 64 KiB, answered
 * once the data is in the pipe; the reader's is 'r', answered with what
 * the pipe holds.  A write to a full pipe, a read of an empty one, waits
 * in the server as it would in the host kernel.  Ends when the reader
 * goes.
 */
static void __attribute__((noreturn))
micro_pipe_server(int wfd, int rfd)
{
	static unsigned char	 slot[65536], in[65536 + 1];
	struct pollfd		 p[2];
	size_t			 held = 0, pending = 0;
	ssize_t			 n;
	int			 rwait = 0, wopen = 1;
	char			 c = 'k';

	for (;;) {
		p[0].fd = wfd;
		p[0].events = wopen && pending == 0 ? POLLIN : 0;
		p[1].fd = rfd;
		p[1].events = POLLIN;
		if (poll(p, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (p[0].revents != 0) {
			if ((n = recv(wfd, in, sizeof in, 0)) <= 1)
				wopen = 0;
			else if (rwait) {
				if (send(rfd, in + 1, (size_t)n - 1, 0) == -1 ||
				    send(wfd, &c, 1, 0) != 1)
					_exit(1);
				rwait = 0;
			} else if (held == 0) {
				memcpy(slot, in + 1, (size_t)n - 1);
				held = (size_t)n - 1;
				if (send(wfd, &c, 1, 0) != 1)
					_exit(1);
			} else
				pending = (size_t)n - 1;
		}
		if (p[1].revents != 0) {
			if (recv(rfd, &c, 1, 0) != 1)
				_exit(0);
			c = 'k';
			if (held == 0) {
				rwait = 1;
				continue;
			}
			if (send(rfd, slot, held, 0) != (ssize_t)held)
				_exit(1);
			held = 0;
			if (pending > 0) {
				memcpy(slot, in + 1, pending);
				held = pending;
				pending = 0;
				if (send(wfd, &c, 1, 0) != 1)
					_exit(1);
			}
		}
	}
}

/* 16 MiB in 64 KiB writes through the pipe server; cycles per MiB. */
static double
micro_throughput(void)
{
	static unsigned char	 buf[65536 + 1];
	int			 w[2], r[2], i;
	size_t			 total, got;
	uint64_t		 t0;
	pid_t			 srv, wr;
	char			 c;

	us_pair(w);
	us_pair(r);
	if ((srv = fork()) == 0) {
		close(w[0]);
		close(r[0]);
		micro_pipe_server(w[1], r[1]);
	}
	bl_track(srv);
	close(w[1]);
	close(r[1]);
	if ((wr = fork()) == 0) {
		close(r[0]);
		buf[0] = 'w';
		for (i = 0; i < 256; i++)
			if (send(w[0], buf, sizeof buf, 0) !=
			    (ssize_t)sizeof buf || recv(w[0], &c, 1, 0) != 1)
				break;
		_exit(0);
	}
	bl_track(wr);
	close(w[0]);
	t0 = tsc();
	for (total = 0; total < 256 * (sizeof buf - 1); total += got) {
		c = 'r';
		if (send(r[0], &c, 1, 0) != 1)
			bl_die("pipe server: %s", strerror(errno));
		if ((got = (size_t)recv(r[0], buf, sizeof buf, 0)) == 0 ||
		    got > sizeof buf)
			bl_die("pipe server: no data");
	}
	t0 = tsc() - t0;
	close(r[0]);
	waitpid(wr, NULL, 0);
	waitpid(srv, NULL, 0);
	bl_untrack(wr);
	bl_untrack(srv);
	return ((double)t0 / 16);
}

/*
 * The external pager's faults, the COW fault and the zero-fill fault.
 * The client's pages are in a shared-memory file mapped in the pager;
 * the client's region maps none of them writable.  Its first write to a
 * page traps to its SIGSEGV handler, which sends the page's number to
 * the pager; the pager fills that page of the file (a copy of the
 * parent's page, or zeros) and answers; the handler maps that page
 * writable in its place and the write is done again.
 */
#define COW_PAGES	1024

static struct {
	char		*region;	/* the client's view, COW_PAGES pages */
	int		 copies;	/* the memfd of the client's pages */
	int		 srv;		/* the pager's socket */
	int		 bad;		/* a fault the pager could not serve */
} pager;

struct cow_maps {
	const char	*parent;	/* the pages as forked */
	char		*copy;		/* the child's own copies */
};

static ssize_t
micro_serve_cow(void *arg, const unsigned char *req, size_t len,
    unsigned char *reply)
{
	const struct cow_maps	*m = arg;
	uint32_t		 i;

	if (len != sizeof i)
		return (-1);
	memcpy(&i, req, sizeof i);
	reply[0] = i < COW_PAGES;
	if (reply[0])
		memcpy(m->copy + (size_t)i * PAGE, m->parent + (size_t)i *
		    PAGE, PAGE);
	return (1);
}

static void
micro_pager_fault(int sig, siginfo_t *si, void *uc)
{
	char		*a = si->si_addr;
	uint32_t	 i;
	char		 ok = 0;

	(void)uc;
	if (a < pager.region || a >= pager.region + COW_PAGES * PAGE)
		goto die;
	i = (uint32_t)((size_t)(a - pager.region) / PAGE);
	if (send(pager.srv, &i, sizeof i, 0) != sizeof i ||
	    recv(pager.srv, &ok, 1, 0) != 1 || !ok ||
	    mmap(pager.region + (size_t)i * PAGE, PAGE, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_FIXED, pager.copies, (off_t)i * PAGE) == MAP_FAILED)
		goto die;
	return;
die:
	pager.bad = 1;
	signal(sig, SIG_DFL);	/* the retried access ends us */
}

static int
micro_memfd(const char *name, char **map)
{
	int	fd;

	if ((fd = memfd_create(name, 0)) == -1 ||
	    ftruncate(fd, (off_t)COW_PAGES * PAGE) == -1 ||
	    (*map = mmap(NULL, (size_t)COW_PAGES * PAGE, PROT_READ |
	    PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED)
		bl_die("memfd: %s", strerror(errno));
	return (fd);
}

/*
 * Store v into the first byte of each page of pager.region with the
 * pager's SIGSEGV handler in place: the cycles all the stores took,
 * their faults included.
 */
static uint64_t
micro_pager_touch(char v)
{
	struct sigaction	 sa, old;
	uint64_t		 t0;
	size_t			 i;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = micro_pager_fault;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &old) == -1)
		bl_die("sigaction: %s", strerror(errno));
	t0 = tsc();
	for (i = 0; i < COW_PAGES; i++)
		pager.region[i * PAGE] = v;
	t0 = tsc() - t0;
	sigaction(SIGSEGV, &old, NULL);
	return (t0);
}

static double
micro_cow(void)
{
	struct cow_maps		 m;
	struct userver		 s;
	char			*parent, *copy;
	volatile char		 sink;
	uint64_t		 t0;
	size_t			 size = (size_t)COW_PAGES * PAGE, i;
	int			 pfd;

	pfd = micro_memfd("exobench-parent", &parent);
	pager.copies = micro_memfd("exobench-copies", &copy);
	for (i = 0; i < COW_PAGES; i++) {
		parent[i * PAGE] = 1;
		parent[i * PAGE + 1] = (char)i;
	}
	m.parent = parent;
	m.copy = copy;
	us_start(&s, micro_serve_cow, &m);
	pager.srv = s.fd;
	pager.bad = 0;
	if ((pager.region = mmap(NULL, size, PROT_READ, MAP_SHARED, pfd, 0)) ==
	    MAP_FAILED)
		bl_die("mmap: %s", strerror(errno));
	for (i = 0; i < COW_PAGES; i++)	/* mapped, as a forked child's are */
		sink = pager.region[i * PAGE];
	(void)sink;
	t0 = micro_pager_touch(2);
	for (i = 0; i < COW_PAGES; i++)
		if (pager.region[i * PAGE] != 2 ||
		    pager.region[i * PAGE + 1] != (char)i ||
		    parent[i * PAGE] != 1)
			bl_die("external pager: page %zu wrong", i);
	us_stop(&s);
	munmap(pager.region, size);
	munmap(parent, size);
	munmap(copy, size);
	close(pfd);
	close(pager.copies);
	return ((double)t0 / COW_PAGES);
}

/* The zero-fill pager: page i of the client's file, zeroed. */
static ssize_t
micro_serve_zero(void *arg, const unsigned char *req, size_t len,
    unsigned char *reply)
{
	char		*pages = arg;
	uint32_t	 i;

	if (len != sizeof i)
		return (-1);
	memcpy(&i, req, sizeof i);
	reply[0] = i < COW_PAGES;
	if (reply[0])
		memset(pages + (size_t)i * PAGE, 0, PAGE);
	return (1);
}

/*
 * The first touch of each page of fresh memory, served by an external
 * pager: the client's region is reserved (PROT_NONE), so every first
 * touch traps to the handler that asks the pager (micro_pager_fault), and
 * the pager zero-fills the page in a fresh shared-memory file, its own
 * first touch of it.  The same work as host_zero's and kt_bench's.
 */
static double
micro_zero(void)
{
	struct userver		 s;
	char			*pages;
	uint64_t		 t0;
	size_t			 size = (size_t)COW_PAGES * PAGE, i, k;

	pager.copies = micro_memfd("exobench-zero", &pages);
	us_start(&s, micro_serve_zero, pages);
	pager.srv = s.fd;
	pager.bad = 0;
	if ((pager.region = mmap(NULL, size, PROT_NONE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0)) == MAP_FAILED)
		bl_die("mmap: %s", strerror(errno));
	t0 = micro_pager_touch(1);
	for (i = 0; i < COW_PAGES; i++)
		for (k = 0; k < PAGE; k += 512)
			if (pager.region[i * PAGE + k] != (k == 0) ||
			    pages[i * PAGE + k] != (k == 0))
				bl_die("zero-fill pager: page %zu wrong", i);
	us_stop(&s);
	munmap(pager.region, size);
	munmap(pages, size);
	close(pager.copies);
	return ((double)t0 / COW_PAGES);
}

/* The first touch of each page of fresh anonymous memory. */
static double
host_zero(void)
{
	int		 i, pages = 1024;
	char		*mem;
	uint64_t	 t0;

	mem = mmap(NULL, (size_t)pages * PAGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		bl_die("mmap");
	t0 = tsc();
	for (i = 0; i < pages; i++)
		mem[(size_t)i * PAGE] = 1;
	t0 = tsc() - t0;
	munmap(mem, (size_t)pages * PAGE);
	return ((double)t0 / pages);
}

/*
 * The Appel-Li primitives on the host, as exobench-vm's monolithic
 * column has them and appelbench does inside libos-unix: the same pages,
 * the same pseudo-random plan, medians of batches of cycles per op.
 */
#define AL_NPAGES	128
#define AL_N100		100
#define AL_NTRAP	32
#define AL_APPEL1_N	64
#define AL_NONE		PROT_NONE
#define AL_RO		PROT_READ
#define AL_RW		(PROT_READ | PROT_WRITE)

static unsigned char	*al_base;
static void		(*volatile al_policy)(size_t);
static int		 al_appel1_prot[AL_APPEL1_N];
static int		 al_appel1_page[AL_APPEL1_N];
static volatile int	 al_appel1_k;
static int		 al_appel2_order[AL_N100];
static uint64_t		 al_rng = 0x2545f4914f6cdd1dULL;

static uint32_t
al_rnd(uint32_t n)
{
	uint64_t	x = al_rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	al_rng = x;
	return ((uint32_t)(x % n));
}

static void
al_prot(size_t pg, size_t n, int prot)
{
	if (mprotect(al_base + pg * PAGE, n * PAGE, prot) != 0)
		bl_die("mprotect: %s", strerror(errno));
}

static void
al_unprot_policy(size_t pg)
{
	al_prot(pg, 1, AL_RW);
}

static void
al_appel1_policy(size_t pg)
{
	int	q = al_appel1_prot[al_appel1_k++];

	al_prot(pg, 1, AL_RW);
	if (q >= 0)
		al_prot((size_t)q, 1, AL_NONE);
}

static void
al_trap(int sig, siginfo_t *si, void *uc)
{
	uintptr_t	a = (uintptr_t)si->si_addr;

	(void)uc;
	if (a < (uintptr_t)al_base ||
	    a >= (uintptr_t)al_base + AL_NPAGES * PAGE) {
		signal(sig, SIG_DFL);
		return;
	}
	al_policy((a - (uintptr_t)al_base) / PAGE);
}

static void
al_touch_w(size_t pg)
{
	*(volatile unsigned char *)(al_base + pg * PAGE + 64) = 2;
}

static void
al_touch_r(size_t pg)
{
	(void)*(volatile unsigned char *)(al_base + pg * PAGE + 64);
}

static double
al_b_trap(int reps)
{
	uint64_t	t, sum = 0;
	size_t		i;
	int		r;

	for (r = 0; r < reps; r++) {
		al_prot(0, AL_NTRAP, AL_NONE);
		t = tsc();
		for (i = 0; i < AL_NTRAP; i++)
			al_touch_w(i);
		sum += tsc() - t;
	}
	return ((double)sum / (reps * AL_NTRAP));
}

static double
al_b_prot1(int reps)
{
	uint64_t	t, sum = 0;
	size_t		i;
	int		r;

	for (r = 0; r < reps; r++) {
		al_prot(0, AL_NTRAP, AL_RW);
		for (i = 0; i < AL_NTRAP; i++)
			al_touch_w(i);
		t = tsc();
		for (i = 0; i < AL_NTRAP; i++)
			al_prot(i, 1, AL_RO);
		sum += tsc() - t;
	}
	return ((double)sum / (reps * AL_NTRAP));
}

static double
al_b_prot100(int reps)
{
	uint64_t	t, sum = 0;
	size_t		i;
	int		r;

	for (r = 0; r < reps; r++) {
		al_prot(0, AL_N100, AL_RW);
		for (i = 0; i < AL_N100; i++)
			al_touch_w(i);
		t = tsc();
		al_prot(0, AL_N100, AL_RO);
		sum += tsc() - t;
	}
	return ((double)sum / reps);
}

static double
al_b_unprot100(int reps)
{
	uint64_t	t, sum = 0;
	size_t		i;
	int		r;

	for (r = 0; r < reps; r++) {
		al_prot(0, AL_N100, AL_RW);
		for (i = 0; i < AL_N100; i++)
			al_touch_r(i);
		al_prot(0, AL_N100, AL_RO);
		t = tsc();
		al_prot(0, AL_N100, AL_RW);
		sum += tsc() - t;
	}
	return ((double)sum / reps);
}

static void
al_appel1_plan(void)
{
	unsigned char	prot[AL_N100];
	int		k, p, q, nun;

	memset(prot, 1, sizeof prot);
	for (k = 0; k < AL_APPEL1_N; k++) {
		do
			p = (int)al_rnd(AL_N100);
		while (!prot[p]);
		prot[p] = 0;
		for (nun = 0, q = 0; q < AL_N100; q++)
			nun += !prot[q] && q != p;
		q = -1;
		if (nun > 0) {
			do
				q = (int)al_rnd(AL_N100);
			while (prot[q] || q == p);
			prot[q] = 1;
		}
		al_appel1_page[k] = p;
		al_appel1_prot[k] = q;
	}
}

static double
al_b_appel1(int reps)
{
	uint64_t	t, sum = 0;
	int		r, k;

	for (r = 0; r < reps; r++) {
		al_prot(0, AL_N100, AL_NONE);
		al_appel1_k = 0;
		al_policy = al_appel1_policy;
		t = tsc();
		for (k = 0; k < AL_APPEL1_N; k++)
			al_touch_w((size_t)al_appel1_page[k]);
		sum += tsc() - t;
		al_policy = al_unprot_policy;
		if (al_appel1_k != AL_APPEL1_N)
			bl_die("appel1: %d traps, not %d", al_appel1_k,
			    AL_APPEL1_N);
	}
	return ((double)sum / (reps * AL_APPEL1_N));
}

static double
al_b_appel2(int reps)
{
	uint64_t	t, sum = 0;
	int		r, k;

	for (r = 0; r < reps; r++) {
		t = tsc();
		al_prot(0, AL_N100, AL_NONE);
		for (k = 0; k < AL_N100; k++)
			al_touch_w((size_t)al_appel2_order[k]);
		sum += tsc() - t;
	}
	return ((double)sum / (reps * AL_N100));
}

static const struct {
	const char	*key, *label, *unix_name, *what;
	double		(*fn)(int);
} al_benches[] = {
	{ "unix_appel_trap", "unix: Appel-Li trap", "appel_trap",
	    "the host's SIGSEGV handler unprotecting the page", al_b_trap },
	{ "unix_appel_prot1", "unix: Appel-Li prot1", "appel_prot1",
	    "the host's mprotect(2) of one page", al_b_prot1 },
	{ "unix_appel_prot100", "unix: Appel-Li prot100", "appel_prot100",
	    "the host's mprotect(2) of 100 pages", al_b_prot100 },
	{ "unix_appel_unprot100", "unix: Appel-Li unprot100",
	    "appel_unprot100", "the host's mprotect(2) of 100 pages back",
	    al_b_unprot100 },
	{ "unix_appel_appel1", "unix: Appel-Li appel1", "appel_appel1",
	    "the host's trap, prot1 and unprot, per trap", al_b_appel1 },
	{ "unix_appel_appel2", "unix: Appel-Li appel2", "appel_appel2",
	    "the host's protN, trap and unprot, per page", al_b_appel2 },
};
#define AL_NBENCH	((int)(sizeof al_benches / sizeof al_benches[0]))

/* The host's medians, in al_benches' order. */
static void
host_appel(int batches, int reps, double *out)
{
	struct sigaction	 sa, old;
	double			*v[AL_NBENCH];
	int			 b, k, i, c;

	al_base = mmap(NULL, AL_NPAGES * PAGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (al_base == MAP_FAILED)
		bl_die("mmap: %s", strerror(errno));
	memset(al_base, 1, AL_NPAGES * PAGE);
	al_policy = al_unprot_policy;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = al_trap;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &old) == -1)
		bl_die("sigaction: %s", strerror(errno));
	al_appel1_plan();
	for (k = 0; k < AL_N100; k++)
		al_appel2_order[k] = k;
	for (k = AL_N100 - 1; k > 0; k--) {
		i = (int)al_rnd((uint32_t)k + 1);
		c = al_appel2_order[k];
		al_appel2_order[k] = al_appel2_order[i];
		al_appel2_order[i] = c;
	}
	for (b = 0; b < AL_NBENCH; b++) {
		v[b] = bl_samples(batches);
		(void)al_benches[b].fn(1);	/* warm up */
	}
	for (k = 0; k < batches; k++)
		for (b = 0; b < AL_NBENCH; b++) {
			al_policy = al_unprot_policy;
			v[b][k] = al_benches[b].fn(reps);
		}
	for (b = 0; b < AL_NBENCH; b++) {
		out[b] = bl_median(v[b], (size_t)batches);
		free(v[b]);
	}
	sigaction(SIGSEGV, &old, NULL);
	munmap(al_base, AL_NPAGES * PAGE);
}

/*
 * The host's major fault: pages of a file on the file system of exod's
 * disk image, not in the page cache (fsync, then POSIX_FADV_DONTNEED,
 * which drops this file's clean pages and no one else's), mapped with
 * MADV_RANDOM so that each fault reads its one page.  Cycles per major
 * fault (getrusage's count), over rounds of the whole file.
 */
#define MAJ_MIB		16

static double
host_major(int rounds)
{
	static char	 buf[65536];
	struct rusage	 r0, r1;
	char		 path[1024];
	volatile char	*m;
	size_t		 size = (size_t)MAJ_MIB << 20, i;
	uint64_t	 t, cycles = 0;
	long		 maj = 0;
	int		 fd, k;

	snprintf(path, sizeof path, "%s/major.dat", bl_dir());
	if ((fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) ==
	    -1)
		bl_die("%s: %s", path, strerror(errno));
	for (i = 0; i < size; i += sizeof buf) {
		memset(buf, (int)(i / PAGE), sizeof buf);
		if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf)
			bl_die("%s: %s", path, strerror(errno));
	}
	for (k = 0; k < rounds; k++) {
		if (fsync(fd) != 0 ||
		    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) != 0)
			bl_die("%s: fsync, fadvise: %s", path, strerror(errno));
		m = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED)
			bl_die("mmap: %s", strerror(errno));
		(void)madvise((void *)m, size, MADV_RANDOM);
		getrusage(RUSAGE_SELF, &r0);
		t = tsc();
		for (i = 0; i < size; i += PAGE)
			(void)m[i];
		cycles += tsc() - t;
		getrusage(RUSAGE_SELF, &r1);
		maj += r1.ru_majflt - r0.ru_majflt;
		munmap((void *)m, size);
	}
	close(fd);
	unlink(path);
	if (maj <= 0)
		bl_die("no major fault on %s: the page cache kept it", path);
	return ((double)cycles / (double)maj);
}

/* swapbench's cycles per page-in, in a libos-unix held to -M 4M. */
static double
unix_swap(int rounds)
{
	char	 cmd[64], *p;
	int	 c;

	snprintf(cmd, sizeof cmd, "swapbench %d %d", 4 * HINT_LIMIT_MIB,
	    rounds);
	unix_run_cmd(cmd, HINT_LIMIT);
	if ((p = strstr(unix_out, "cycles=")) == NULL ||
	    sscanf(p, "cycles=%d", &c) != 1)
		bl_die("swapbench printed no cycles:\n%s", unix_out);
	return (c);
}

static void
fig(const char *key, const char *label, double exo, double base,
    const char *what, const char *target, double want, int lower)
{
	struct bfig	*f = bl_fig(key, label, "cycles");

	f->exo = exo;
	f->base = base;
	f->what = what;
	if (target != NULL) {
		f->target = target;
		f->met = lower ? exo * want <= base : exo <= base * want;
	}
}

/* The six Appel-Li figures: appelbench inside, the host's outside. */
static void
appel_figs(int quick)
{
	double	host[AL_NBENCH];
	char	cmd[64];
	int	b, batches = quick ? 5 : 21, reps = quick ? 5 : 20;

	snprintf(cmd, sizeof cmd, "appelbench %d %d", batches, reps);
	unix_run_cmd(cmd, NULL);
	host_appel(batches, reps, host);
	for (b = 0; b < AL_NBENCH; b++)
		fig(al_benches[b].key, al_benches[b].label,
		    unix_get(al_benches[b].unix_name), host[b],
		    al_benches[b].what, NULL, 0, 0);
}

/* Sequential and random, at 2x and 4x -M: hinted against plain. */
static void
hint_figs(int quick)
{
	static const struct {
		const char	*key, *label, *mode;
		int		 over;
	} w[] = {
		{ "unix_hint_seq2", "unix: hints, sequential, 2x -M", "seq", 2 },
		{ "unix_hint_seq4", "unix: hints, sequential, 4x -M", "seq", 4 },
		{ "unix_hint_rand2", "unix: hints, random, 2x -M", "rand", 2 },
		{ "unix_hint_rand4", "unix: hints, random, 4x -M", "rand", 4 },
	};
	double	plain, hinted;
	size_t	i;

	for (i = 0; i < sizeof w / sizeof w[0]; i++) {
		unix_hints(w[i].mode, w[i].over, quick ? 1 : 3, &plain,
		    &hinted);
		fig(w[i].key, w[i].label, hinted, plain,
		    "per page, the same workload without the hints",
		    "ratio <= 0.95", 0.95, 0);
	}
}

int
main(int argc, char **argv)
{
	const char	*args[] = { "-m", "64M", "-n", UNIX_SLOTS, NULL };
	int		 json, quick, n;

	bl_options("exobench-unix", argc, argv, &json, &quick);
	bl_init("exobench-unix", argc, argv);
	bl_exod_start(args);
	n = quick ? 4000 : 20000;
	unix_run(n);

	fig("unix_getpid", "unix: getpid", unix_get("getpid"),
	    host_getpid(n), "the host's getpid(2)", "ratio <= 0.1", 10, 1);
	fig("unix_null", "unix: null system call", unix_get("nop"),
	    host_null(n), "the host's null system call (ENOSYS)",
	    "ratio <= 0.1", 10, 1);
	fig("unix_null_ipc", "unix: null call, microkernel column",
	    unix_get("nop"), host_pingpong(n / 4, 1),
	    "a request to a server process over SOCK_SEQPACKET", NULL, 0, 0);
	fig("unix_fork", "unix: fork+exit+wait", unix_get("fork_exit_wait"),
	    host_forks(n / 100, 0, 0), "the host's fork, _exit, waitpid",
	    NULL, 0, 0);
	fig("unix_fork_ipc", "unix: fork+exit+wait, microkernel column",
	    unix_get("fork_exit_wait"), micro_forks(n / 100),
	    "a process server forks, exits and waits for the client", NULL,
	    0, 0);
	fig("unix_fork_exec", "unix: fork+exec+wait",
	    unix_get("fork_exec_wait"), host_forks(n / 200, 1, 0),
	    "the host's fork, execve of true, waitpid", NULL, 0, 0);
	fig("unix_fork16", "unix: fork+exit+wait, 16 MiB",
	    unix_get("fork16_exit_wait"), host_forks(n / 400 > 0 ? n / 400 :
	    1, 0, 16 << 20), "the host's, of a 16 MiB process",
	    "ratio <= 1", 1, 0);
	fig("unix_pipe_rtt", "unix: pipe round trip", unix_get("pipe_rtt"),
	    host_pingpong(n / 4, 0), "the host's, between two processes",
	    "ratio <= 0.2", 5, 1);
	fig("unix_pipe_rtt_ipc", "unix: round trip, microkernel column",
	    unix_get("pipe_rtt"), host_pingpong(n / 4, 1),
	    "through a server process over SOCK_SEQPACKET", NULL, 0, 0);
	fig("unix_pipe_mib", "unix: pipe, 64 KiB writes, per MiB",
	    unix_get("pipe_mib"), host_throughput(), "the host's pipe",
	    NULL, 0, 0);
	fig("unix_pipe_mib_ipc", "unix: pipe per MiB, microkernel column",
	    unix_get("pipe_mib"), micro_throughput(),
	    "a pipe server relays the 64 KiB writes", NULL, 0, 0);
	fig("unix_zero_fault", "unix: minor fault (zero-fill)",
	    unix_get("zero_fault"), host_zero(),
	    "the host's first touch of anonymous memory", "ratio <= 2", 2, 0);
	fig("unix_zero_fault_ipc", "unix: minor fault, microkernel column",
	    unix_get("zero_fault"), micro_zero(),
	    "an external pager zero-fills the page, the client maps it", NULL,
	    0, 0);
	fig("unix_cow", "unix: COW fault", unix_get("cow_fault"), host_cow(),
	    "the host's first write after fork", NULL, 0, 0);
	fig("unix_cow_ipc", "unix: COW fault, microkernel column",
	    unix_get("cow_fault"), micro_cow(),
	    "an external pager copies the page, the client maps it", NULL,
	    0, 0);
	appel_figs(quick);
	fig("unix_swap_fault", "unix: page fault from swap",
	    unix_swap(quick ? 1 : 3), host_major(quick ? 1 : 3),
	    "the host's major fault of a file page, cache dropped by "
	    "posix_fadvise(POSIX_FADV_DONTNEED) after fsync", NULL, 0, 0);
	hint_figs(quick);
	bl_exod_stop();
	bl_print(json);
	return (0);
}
