/*
 * sysnet.c - the network's system calls and the socket as an open file.
 *
 * A socket is a file descriptor (FD_SOCK): read receives one datagram
 * from anybody (or from the connected peer), write sends one to the
 * connected peer, close frees the socket with the last descriptor, and
 * it is inherited over fork and exec like any file.  sendto and recvfrom
 * carry the peer's address.  libos-unix-syscalls(2) is the contract.
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "kernel/types.h"
#include "kernel/net.h"
#include "defs.h"
#include "proc.h"
#include "vm.h"
#include "file.h"
#include "net.h"

static int	sysnet_fread(struct file *, uint64_t, int);
static int	sysnet_fwrite(struct file *, uint64_t, int);
static int	sysnet_stat(struct file *, struct ustat *);
static void	sysnet_close(struct file *);

static const struct file_ops sysnet_ops = {
	sysnet_fread, sysnet_fwrite, sysnet_stat, sysnet_close
};

/* Argument n as a socket of the current process; NULL if it is not. */
static struct sock *
sysnet_argsock(int n)
{
	struct file	*f;
	int		 fd;

	(void)argint(n, &fd);
	if ((f = fd_get(proc_cur, fd)) == NULL || f->type != FD_SOCK)
		return (NULL);
	return (f->sock);
}

/* Receive into user memory uva, n bytes at most; the sender's address. */
static int
sysnet_recv(struct sock *s, uint64_t uva, int n, uint32_t *addr, int *port)
{
	uint8_t	buf[NET_DGRAM_MAX];	/* on this process's kernel stack:
					   the copy out may sleep (paging) */
	int	got;

	if (n < 0)
		return (-1);
	if (n > NET_DGRAM_MAX)
		n = NET_DGRAM_MAX;
	if (!vm_user_range(uva, (size_t)n))
		return (-1);
	if ((got = sock_recv(s, buf, n, addr, port)) < 0)
		return (-1);
	if (vm_copyout(proc_cur->vm, uva, buf, (size_t)got) != 0)
		return (-1);
	return (got);
}

static int
sysnet_send(struct sock *s, uint64_t uva, int n, uint32_t addr, int port)
{
	uint8_t	buf[NET_DGRAM_MAX];

	if (n < 0 || n > NET_DGRAM_MAX ||
	    vm_copyin(proc_cur->vm, buf, uva, (size_t)n) != 0)
		return (-1);
	return (sock_send(s, buf, n, addr, port));
}

static int
sysnet_fread(struct file *f, uint64_t uva, int n)
{
	uint32_t	addr;
	int		port;

	return (sysnet_recv(f->sock, uva, n, &addr, &port));
}

static int
sysnet_fwrite(struct file *f, uint64_t uva, int n)
{
	return (sysnet_send(f->sock, uva, n, 0, 0));
}

static int
sysnet_stat(struct file *f, struct ustat *st)
{
	st->dev = 0;
	st->type = UT_DEVICE;
	st->nlink = 1;
	return (0);
}

static void
sysnet_close(struct file *f)
{
	sock_free(f->sock);
	f->sock = NULL;
}

/* int socket(int type, int lport) */
int64_t
sys_socket(void)
{
	struct sock	*s;
	struct file	*f;
	int		 type, lport, fd;

	(void)argint(0, &type);
	(void)argint(1, &lport);
	if ((s = sock_alloc(type, lport)) == NULL)
		return (-1);
	if ((f = file_alloc()) == NULL) {
		sock_free(s);
		return (-1);
	}
	f->type = FD_SOCK;
	f->ops = &sysnet_ops;
	f->sock = s;
	f->readable = f->writable = 1;
	if ((fd = fd_alloc(proc_cur, f)) < 0) {
		file_close(f);
		return (-1);
	}
	return (fd);
}

/* int connect(int fd, uint addr, int port) */
int64_t
sys_connect(void)
{
	struct sock	*s;
	int		 addr, port;

	if ((s = sysnet_argsock(0)) == NULL)
		return (-1);
	(void)argint(1, &addr);
	(void)argint(2, &port);
	return (sock_connect(s, (uint32_t)addr, port));
}

/* int sendto(int fd, const void *buf, int n, uint addr, int port) */
int64_t
sys_sendto(void)
{
	struct sock	*s;
	uint64_t	 uva;
	int		 n, addr, port;

	if ((s = sysnet_argsock(0)) == NULL)
		return (-1);
	(void)argaddr(1, &uva);
	(void)argint(2, &n);
	(void)argint(3, &addr);
	(void)argint(4, &port);
	return (sysnet_send(s, uva, n, (uint32_t)addr, port));
}

/* int recvfrom(int fd, void *buf, int n, uint *addr, int *port) */
int64_t
sys_recvfrom(void)
{
	struct sock	*s;
	uint64_t	 uva, ua, up;
	uint32_t	 addr;
	int		 n, port, got;

	if ((s = sysnet_argsock(0)) == NULL)
		return (-1);
	(void)argaddr(1, &uva);
	(void)argint(2, &n);
	(void)argaddr(3, &ua);
	(void)argaddr(4, &up);
	if ((ua != 0 && !vm_user_range(ua, sizeof addr)) ||
	    (up != 0 && !vm_user_range(up, sizeof port)))
		return (-1);
	if ((got = sysnet_recv(s, uva, n, &addr, &port)) < 0)
		return (-1);
	if ((ua != 0 && vm_copyout(proc_cur->vm, ua, &addr, sizeof addr)) ||
	    (up != 0 && vm_copyout(proc_cur->vm, up, &port, sizeof port)))
		return (-1);
	return (got);
}

/* int sotimeout(int fd, int ms) */
int64_t
sys_sotimeout(void)
{
	struct sock	*s;
	int		 ms;

	if ((s = sysnet_argsock(0)) == NULL)
		return (-1);
	(void)argint(1, &ms);
	return (sock_timeout(s, ms));
}

/* int netinfo(struct netinfo *) */
int64_t
sys_netinfo(void)
{
	uint64_t	uva;

	(void)argaddr(0, &uva);
	net_poll();		/* counters as of now */
	return (vm_copyout(proc_cur->vm, uva, &net_if.st, sizeof net_if.st));
}

/* int arpinfo(int i, struct arpent *) */
int64_t
sys_arpinfo(void)
{
	struct arpent	ae;
	uint64_t	uva;
	int		i, r;

	(void)argint(0, &i);
	(void)argaddr(1, &uva);
	if ((r = arp_entry(i, &ae)) == 1 &&
	    vm_copyout(proc_cur->vm, uva, &ae, sizeof ae) != 0)
		return (-1);
	return (r);
}

static uint64_t	sysnet_boot_ns;

static uint64_t
sysnet_now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

static void __attribute__((constructor))
sysnet_boot(void)
{
	sysnet_boot_ns = sysnet_now_ns();
}

/* uint64 uptimeus(void): microseconds since the libOS started */
int64_t
sys_uptimeus(void)
{
	return ((int64_t)((sysnet_now_ns() - sysnet_boot_ns) / 1000));
}
