/*
 * exobench-unixnet - libos-unix's network stack beside Linux's:
 *
 *	UDP round trip		64 bytes there and back, one at a time
 *	ICMP echo		56 bytes of data, one at a time
 *	UDP throughput		1400-byte datagrams echoed, 8 in flight
 *
 * each over two paths: libos-unix <-> libos-unix on two exods linked by
 * the udp: backend (frames in UDP datagrams on the loopback interface),
 * and, in a network namespace of the bench's own where a TAP device can
 * be made, Linux <-> libos-unix over exod -N tap:.  The baseline of
 * every figure is Linux <-> Linux doing the same on the loopback
 * interface in the same run: the primitive the udp: path is built on.
 * exobench-net measures where the time goes inside exod (demultiplexing,
 * delivery into the ring); libos-unix(7) NETWORK says what the libOS
 * adds.  Targets are reported, never asserted.
 *
 * Where the time goes: on the udp: path a round trip crosses four
 * stacks' worth of work (each libOS's exo_net_send request to its exod,
 * each exod's demultiplexing, ring write and receive upcall, and the
 * host's loopback UDP between the exods twice), against the baseline's
 * two host sends; over TAP one libOS and one exod, plus the TAP device.
 *
 *	exobench-unixnet [--json] [--quick]
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchlib.h"

#define UN_WINDOW	8
#define UN_BIG		1400

static char	un_out[4096];

/* The value after name in libos-unix netbench's output. */
static double
un_get(const char *name)
{
	char	*p = un_out, key[64];
	long	 v;

	while (p != NULL && *p != '\0') {
		if (sscanf(p, "%63s %ld", key, &v) == 2 &&
		    strcmp(key, name) == 0)
			return ((double)v);
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	bl_die("netbench printed no %s:\n%s", name, un_out);
}

/* libos-unix on exod sock with address addr running cmd; background if
 * bg (its pid), else to its end with its output in un_out. */
static pid_t
un_libos(const char *sock, const char *addr, const char *cmd, int bg)
{
	char	 progs[1024], a[32];
	char	*argv[] = { "libos-unix", "-S", NULL, "-s", "0", "-a", NULL,
		    "-c", NULL, NULL, NULL };
	size_t	 off = 0;
	ssize_t	 got;
	int	 fd, st;
	pid_t	 pid;

	snprintf(progs, sizeof progs, "%s", bl_path("libos-unix/user"));
	snprintf(a, sizeof a, "%s/24", addr);
	argv[2] = (char *)sock;
	argv[6] = a;
	argv[8] = (char *)cmd;
	argv[9] = progs;
	pid = bl_spawn("libos-unix/libos-unix", argv, &fd);
	if (bg) {
		close(fd);
		usleep(500000);		/* its filters are in */
		return (pid);
	}
	while (off + 1 < sizeof un_out && (got = read(fd, un_out + off,
	    sizeof un_out - 1 - off)) != 0) {
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		off += (size_t)got;
	}
	un_out[off] = '\0';
	close(fd);
	waitpid(pid, &st, 0);
	bl_untrack(pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		bl_die("libos-unix -c '%s' failed:\n%s", cmd, un_out);
	return (0);
}

static void
un_stop(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	bl_untrack(pid);
}

/* A Linux UDP echo server on addr (a child); its port into *port. */
static pid_t
host_echo(const char *addr, unsigned *port)
{
	struct sockaddr_in	sin, from;
	socklen_t		fl, sl = sizeof sin;
	char			buf[2048];
	ssize_t			n;
	int			fd;
	pid_t			pid;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, addr, &sin.sin_addr);
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl) == -1)
		bl_die("echo server on %s: %s", addr, strerror(errno));
	*port = ntohs(sin.sin_port);
	if ((pid = fork()) == -1)
		bl_die("fork: %s", strerror(errno));
	if (pid == 0) {
		for (;;) {
			fl = sizeof from;
			n = recvfrom(fd, buf, sizeof buf, 0,
			    (struct sockaddr *)&from, &fl);
			if (n > 0)
				(void)sendto(fd, buf, (size_t)n, 0,
				    (struct sockaddr *)&from, fl);
		}
	}
	close(fd);
	bl_track(pid);
	return (pid);
}

/* A connected socket of type (UDP, or an ICMP ping socket) to addr. */
static int
host_sock(const char *addr, unsigned port, int icmp)
{
	struct sockaddr_in	sin;
	struct timeval		tv = { 0, 500000 };
	int			fd;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, addr, &sin.sin_addr);
	if ((fd = socket(AF_INET, SOCK_DGRAM, icmp ? IPPROTO_ICMP :
	    0)) == -1)
		return (-1);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == -1) {
		close(fd);
		return (-1);
	}
	return (fd);
}

/* Mean ns of n round trips of size bytes on fd (ICMP: echo requests). */
static double
host_rtt(int fd, int n, size_t size, int icmp)
{
	unsigned char	buf[2048], in[2048];
	struct icmphdr	*h = (struct icmphdr *)buf;
	uint64_t	t0;
	int		i;

	memset(buf, 'h', sizeof buf);
	t0 = bl_now();
	for (i = 0; i < n; i++) {
		if (icmp) {
			memset(h, 0, sizeof *h);
			h->type = ICMP_ECHO;
			h->un.echo.sequence = htons((uint16_t)i);
			size = sizeof *h + 56;
		}
		if (send(fd, buf, size, 0) == -1 ||
		    recv(fd, in, sizeof in, 0) <= 0)
			return (0);
	}
	return ((double)(bl_now() - t0) / n);
}

/* Echoed bytes per second, n datagrams of UN_BIG, UN_WINDOW in flight. */
static double
host_tput(int fd, int n)
{
	unsigned char	buf[UN_BIG], in[2048];
	uint64_t	t0, bytes = 0;
	ssize_t		got;
	int		i = 0, fly = 0;

	memset(buf, 't', sizeof buf);
	t0 = bl_now();
	while (i < n || fly > 0) {
		while (i < n && fly < UN_WINDOW) {
			if (send(fd, buf, sizeof buf, 0) == -1)
				return (0);
			i++;
			fly++;
		}
		if ((got = recv(fd, in, sizeof in, 0)) <= 0) {
			fly = 0;
			continue;
		}
		bytes += (uint64_t)got;
		fly--;
	}
	return ((double)bytes * 1e9 / (double)(bl_now() - t0) / 1e6);
}

static void
fig(const char *key, const char *label, const char *unit, double exo,
    double base, const char *what)
{
	struct bfig	*f = bl_fig(key, label, unit);

	f->exo = exo;
	f->base = base;
	f->what = what;
}

/* Linux <-> Linux on the loopback interface: the baselines. */
static void
host_figures(int n, double *rtt, double *icmp, double *tput)
{
	unsigned	port;
	pid_t		pid = host_echo("127.0.0.1", &port);
	int		fd;

	if ((fd = host_sock("127.0.0.1", port, 0)) == -1)
		bl_die("loopback socket: %s", strerror(errno));
	host_rtt(fd, n / 10 + 1, 64, 0);
	*rtt = host_rtt(fd, n, 64, 0);
	*tput = host_tput(fd, n);
	close(fd);
	un_stop(pid);
	*icmp = 0;
	if ((fd = host_sock("127.0.0.1", 0, 1)) != -1) {
		host_rtt(fd, n / 10 + 1, 0, 1);
		*icmp = host_rtt(fd, n, 0, 1);
		close(fd);
	}
}

/* Two ports on the loopback interface, next to each other, free now. */
static unsigned
free_ports(void)
{
	struct sockaddr_in	sin;
	unsigned		p, k;
	int			a, b;

	for (k = 0; k < 100; k++) {
		p = 20000 + (unsigned)(bl_now() / 1000 % 30000);
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		a = socket(AF_INET, SOCK_DGRAM, 0);
		b = socket(AF_INET, SOCK_DGRAM, 0);
		sin.sin_port = htons((uint16_t)p);
		if (bind(a, (struct sockaddr *)&sin, sizeof sin) == 0) {
			sin.sin_port = htons((uint16_t)(p + 1));
			if (bind(b, (struct sockaddr *)&sin, sizeof sin) == 0) {
				close(a);
				close(b);
				return (p);
			}
		}
		close(a);
		close(b);
	}
	bl_die("no free pair of UDP ports");
}

/* Run in a network namespace of our own when one can be made. */
static void
un_namespace(char **argv)
{
	char	self[1024];
	ssize_t	n;
	const char *flag = geteuid() == 0 ? "-n" : "-rn";
	char	cmd[64];

	FILE	*f;

	if (getenv("EXOBENCH_UNIXNET_NS") != NULL) {
		if (system("ip link set lo up >/dev/null 2>&1") != 0)
			unsetenv("EXOBENCH_UNIXNET_NS");
		/* ping sockets for us: the namespace is ours */
		if ((f = fopen("/proc/sys/net/ipv4/ping_group_range",
		    "w")) != NULL) {
			fprintf(f, "0 2147483647\n");
			fclose(f);
		}
		return;
	}
	snprintf(cmd, sizeof cmd, "unshare %s true >/dev/null 2>&1", flag);
	if (system(cmd) != 0 ||
	    (n = readlink("/proc/self/exe", self, sizeof self - 1)) <= 0)
		return;
	self[n] = '\0';
	setenv("EXOBENCH_UNIXNET_NS", "1", 1);
	argv[-1] = (char *)flag;	/* argv[-2], argv[-1] are ours */
	argv[-2] = "unshare";
	argv[0] = self;
	execvp("unshare", argv - 2);
	unsetenv("EXOBENCH_UNIXNET_NS");
}

int
main(int argc, char **argv)
{
	char		 udp0[40], udp1[40], cmd[64], **av;
	const char	*a0[] = { "-N", udp0, NULL }, *a1[] = { "-N", udp1,
			    NULL }, *at[] = { "-N", "tap:exobench0", NULL };
	double		 rtt, icmp, tput;
	unsigned	 p;
	int		 json, quick, n, fd, i;
	pid_t		 srv;

	bl_options("exobench-unixnet", argc, argv, &json, &quick);
	if ((av = calloc((size_t)argc + 3, sizeof *av)) == NULL)
		bl_die("calloc");
	for (i = 0; i < argc; i++)
		av[i + 2] = argv[i];
	un_namespace(av + 2);
	bl_init("exobench-unixnet", argc, argv);
	n = quick ? 1000 : 5000;
	host_figures(n, &rtt, &icmp, &tput);

	/* libos-unix <-> libos-unix over udp: */
	p = free_ports();
	snprintf(udp0, sizeof udp0, "udp:%u:%u", p, p + 1);
	snprintf(udp1, sizeof udp1, "udp:%u:%u", p + 1, p);
	bl_exod_launch(0, a0);
	bl_exod_launch(1, a1);
	bl_exod_wait(0);
	bl_exod_wait(1);
	srv = un_libos(bl_sockn(1), "10.0.2.16", "udpecho 7", 1);
	snprintf(cmd, sizeof cmd, "netbench 10.0.2.16 7 %d", n);
	un_libos(bl_sockn(0), "10.0.2.15", cmd, 0);
	un_stop(srv);
	fig("unixnet_udp_rtt", "unixnet: UDP round trip, udp:", "ns",
	    un_get("udp_rtt_ns"), rtt,
	    "Linux<->Linux UDP on loopback, the udp: path's own");
	fig("unixnet_icmp_rtt", "unixnet: ICMP echo, udp:", "ns",
	    un_get("icmp_rtt_ns"), icmp,
	    "Linux's ping socket to 127.0.0.1 (0: not allowed)");
	fig("unixnet_udp_tput", "unixnet: UDP 1400 B echoed, udp:", "MB/s",
	    un_get("udp_tput_Bps") / 1e6, tput,
	    "Linux<->Linux, 8 in flight, on loopback");
	bl_exod_stop();

	/* Linux <-> libos-unix over TAP, in our namespace */
	if (getenv("EXOBENCH_UNIXNET_NS") != NULL) {
		bl_exod_launch(0, at);
		bl_exod_wait(0);
		if (system("ip link set exobench0 up && ip addr add "
		    "10.9.0.1/24 dev exobench0") != 0)
			bl_die("ip: the TAP device");
		srv = un_libos(bl_sock(), "10.9.0.2", "udpecho 7", 1);
		if ((fd = host_sock("10.9.0.2", 7, 0)) == -1)
			bl_die("socket to libos-unix: %s", strerror(errno));
		host_rtt(fd, n / 10 + 1, 64, 0);
		fig("unixnet_tap_udp_rtt", "unixnet: UDP round trip, TAP",
		    "ns", host_rtt(fd, n, 64, 0), rtt,
		    "Linux<->Linux UDP on loopback");
		fig("unixnet_tap_udp_tput", "unixnet: UDP 1400 B echoed, TAP",
		    "MB/s", host_tput(fd, n), tput,
		    "Linux<->Linux, 8 in flight, on loopback");
		close(fd);
		if ((fd = host_sock("10.9.0.2", 0, 1)) != -1) {
			host_rtt(fd, n / 10 + 1, 0, 1);
			fig("unixnet_tap_icmp_rtt", "unixnet: Linux ping, TAP",
			    "ns", host_rtt(fd, n, 0, 1), icmp,
			    "Linux's ping socket to 127.0.0.1");
			close(fd);
		}
		un_stop(srv);
		bl_exod_stop();
	}
	bl_print(json);
	return (0);
}
