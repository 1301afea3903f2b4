/*
 * nic_udp.c - the udp:PORT:PEER backend: each Ethernet frame is one UDP
 * datagram between 127.0.0.1:PORT (exod's) and 127.0.0.1:PEER (another
 * exod, or a test), as QEMU's socket network backend carries them.  Only
 * the loopback interface is ever used.
 */
#include "config.h"

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net.h"

/* A port number from 1 to 65535, or 0. */
static uint16_t
nic_udp_port(const char *s, const char **end)
{
	unsigned long	 v;
	char		*e;

	if (*s < '0' || *s > '9')
		return (0);
	errno = 0;
	v = strtoul(s, &e, 10);
	if (errno != 0 || v == 0 || v > 65535)
		return (0);
	*end = e;
	return ((uint16_t)v);
}

/* "PORT:PEER": a bound, connected, non-blocking socket; -1 if not. */
static int
nic_udp_open(const char *arg)
{
	struct sockaddr_in	 sin;
	const char		*end;
	uint16_t		 port, peer;
	int			 fd;

	if ((port = nic_udp_port(arg, &end)) == 0 || *end != ':' ||
	    (peer = nic_udp_port(end + 1, &end)) == 0 || *end != '\0') {
		errno = EINVAL;
		return (-1);
	}
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return (-1);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1)
		goto bad;
	sin.sin_port = htons(peer);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == -1)
		goto bad;
	return (fd);
bad:
	close(fd);
	return (-1);
}

/* The peer not listening yet is the wire without a station: fine. */
static int
nic_udp_send(int fd, const void *buf, size_t len)
{
	if (send(fd, buf, len, MSG_DONTWAIT) == -1 && errno != ECONNREFUSED)
		return (-1);
	return (0);
}

static long
nic_udp_recv(int fd, void *buf, size_t len)
{
	ssize_t	n;

	do
		n = recv(fd, buf, len, MSG_DONTWAIT | MSG_TRUNC);
	while (n == -1 && errno == ECONNREFUSED);
	return ((long)n);
}

static void
nic_udp_close(int fd)
{
	close(fd);
}

const struct nic_ops nic_udp = {
	.name = "udp",
	.open = nic_udp_open,
	.send = nic_udp_send,
	.recv = nic_udp_recv,
	.close = nic_udp_close,
};
