/*
 * nic_tap.c - the tap:NAME backend: a Linux TAP device, so that the
 * host's own tools (ping, nc, tcpdump) reach the libOSes.  exod holds the
 * device's descriptor; no libOS ever sees it.  Making the device needs
 * CAP_NET_ADMIN (tests make it inside a network namespace of their own).
 */
#include "config.h"

#include <sys/ioctl.h>

#include <linux/if.h>
#include <linux/if_tun.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "net.h"

static int
nic_tap_open(const char *name)
{
	struct ifreq	ifr;
	int		fd;

	if (*name == '\0' || strlen(name) >= sizeof ifr.ifr_name) {
		errno = EINVAL;
		return (-1);
	}
	if ((fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)) == -1)
		return (-1);
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) == -1) {
		close(fd);
		return (-1);
	}
	return (fd);
}

static int
nic_tap_send(int fd, const void *buf, size_t len)
{
	/* A device that is down drops what it is given: so does the wire. */
	if (write(fd, buf, len) == -1 && errno != EIO && errno != EAGAIN)
		return (-1);
	return (0);
}

static long
nic_tap_recv(int fd, void *buf, size_t len)
{
	return ((long)read(fd, buf, len));
}

static void
nic_tap_close(int fd)
{
	close(fd);
}

const struct nic_ops nic_tap = {
	.name = "tap",
	.open = nic_tap_open,
	.send = nic_tap_send,
	.recv = nic_tap_recv,
	.close = nic_tap_close,
};
