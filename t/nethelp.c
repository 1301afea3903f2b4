/*
 * nethelp.c - the network tests' shared parts (see nethelp.h).
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "harness.h"
#include "nethelp.h"
#include "pkt.h"
#include "tap.h"

#define NH_EXOD_ARGS	8

int
nh_wire(uint16_t *port)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			fd;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		sysbail("socket");
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		sysbail("bind");
	*port = ntohs(sin.sin_port);
	return (fd);
}

uint16_t
nh_free_port(void)
{
	uint16_t	port;
	int		fd = nh_wire(&port);

	close(fd);
	return (port);
}

void
nh_wire_to(int fd, uint16_t port)
{
	struct sockaddr_in	sin;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == -1)
		sysbail("connect");
}

void
nh_inject(int fd, const void *buf, size_t len)
{
	if (send(fd, buf, len, 0) != (ssize_t)len)
		sysbail("inject");
}

long
nh_wire_recv(int fd, void *buf, size_t len, int ms)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };

	for (;;) {
		if (poll(&pfd, 1, ms) != 1)
			return (-1);
		return ((long)recv(fd, buf, len, MSG_DONTWAIT));
	}
}

void
nh_spawn(struct lc *c, const char *sock, ...)
{
	va_list	ap;

	va_start(ap, sock);
	lc_spawnv(c, "t/libos-net", sock, ap);
	va_end(ap);
}

int
nh_info(const char *sock, struct exo_net_info *info,
    struct exo_net_filter_info *recs, unsigned max)
{
	struct exo	*e;
	unsigned	 n = 0;
	int		 error;

	if ((error = exo_connect_control(sock, &e)) != 0)
		return (error);
	error = exo_net_info(e, 0, info, recs, max, &n);
	exo_disconnect(e);
	return (error != 0 ? error : (int)n);
}

uint64_t
nh_wait_rx(const char *sock, uint64_t want, int ms)
{
	struct exo_net_info	info;
	long			end = th_now_ms() + ms;

	memset(&info, 0, sizeof info);
	for (;;) {
		if (nh_info(sock, &info, NULL, 0) < 0)
			return (0);
		if (info.rx >= want || th_now_ms() > end)
			return (info.rx);
		th_sleep_ms(5);
	}
}

const struct exo_net_filter_info *
nh_rec(const struct exo_net_filter_info *recs, int n, uint32_t libos,
    int class)
{
	int	i;

	for (i = 0; i < n; i++)
		if (recs[i].libos == libos && (class < 0 ||
		    recs[i].nclass == (uint32_t)class))
			return (&recs[i]);
	return (NULL);
}

int
nh_exod_refused(const char *dir, const char *word, int *named, ...)
{
	const char	*argv[NH_EXOD_ARGS + 6], *arg;
	char		 exod[PATH_MAX], sock[PATH_MAX], err[PATH_MAX], buf[512];
	va_list		 ap;
	FILE		*fp;
	pid_t		 pid;
	int		 n = 0, st;

	snprintf(exod, sizeof exod, "%s", th_path("exod/exod"));
	snprintf(sock, sizeof sock, "%s/sock-refused", dir);
	snprintf(err, sizeof err, "%s/err-refused", dir);
	argv[n++] = "exod";
	argv[n++] = "-f";
	argv[n++] = "-S";
	argv[n++] = sock;
	va_start(ap, named);
	while ((arg = va_arg(ap, const char *)) != NULL) {
		if (n >= NH_EXOD_ARGS + 4)
			bail("nh_exod_refused: too many arguments");
		argv[n++] = arg;
	}
	va_end(ap);
	argv[n] = NULL;
	if ((pid = ch_fork()) == 0) {
		if (freopen(err, "w", stderr) == NULL)
			_exit(127);
		execv(exod, (char *const *)argv);
		_exit(127);
	}
	st = ch_reap(pid, 10000);
	*named = 0;
	if ((fp = fopen(err, "r")) != NULL) {
		while (fgets(buf, sizeof buf, fp) != NULL)
			if (strstr(buf, word) != NULL)
				*named = 1;
		fclose(fp);
	}
	unlink(err);
	unlink(sock);
	return (st);
}

size_t
nh_probe(void *buf)
{
	static const uint8_t	m[6] = { 0x02, 0xee, 0, 0, 0, 1 };

	return (pkt_udp(buf, m, m, pkt_addr("10.255.0.1"),
	    pkt_addr("10.255.0.2"), 9, 9, "probe", 5));
}

pid_t
nh_capture(const char *sock, const char *path, unsigned count, int wire)
{
	struct exo_net_info	info;
	uint8_t			f[PKT_MAX];
	char			n[16];
	uint64_t		rx, c0;
	pid_t			pid;
	long			end = th_now_ms() + 10000;

	memset(&info, 0, sizeof info);
	if (nh_info(sock, &info, NULL, 0) < 0)
		bail("NET_INFO");
	c0 = info.captured;
	snprintf(n, sizeof n, "%u", count + 1);
	if ((pid = ch_fork()) == 0) {
		execl(th_path("exod/exoctl"), "exoctl", "-S", sock, "capture",
		    path, "-c", n, (char *)NULL);
		_exit(127);
	}
	/* One probe at a time, the next only once exod has taken the last:
	 * exactly one is copied, the first after the capture began. */
	rx = 0;
	while (th_now_ms() < end) {
		if (nh_info(sock, &info, NULL, 0) < 0)
			break;
		if (info.captured > c0)
			return (pid);
		if (info.rx >= rx) {
			rx = info.rx + 1;
			nh_inject(wire, f, nh_probe(f));
		}
		th_sleep_ms(10);
	}
	bail("exoctl capture never started capturing");
	return (-1);
}
