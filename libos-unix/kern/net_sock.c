/*
 * net_sock.c - sockets: the endpoints processes hold, each with a queue
 * of datagrams that arrived for it.
 *
 * NSOCK sockets for the whole libOS, each with a queue of SOCK_QLEN
 * datagrams of at most NET_DGRAM_MAX bytes, all static: a flood fills a
 * queue, the rest is dropped and counted (qdrops), and memory stays
 * what it was.  A UDP socket is bound to a local port (given, or the
 * next free one from SOCK_EPHEMERAL); an ICMP socket to an echo
 * identifier.  A connected socket takes only what its peer sends.
 *
 * A process that receives on an empty queue sleeps on the socket; the
 * stack wakes it when a datagram is queued, and sock_tick wakes it when
 * its timeout has passed.  A killed process stops waiting.
 */
#include "config.h"

#include <string.h>

#include "exo.h"
#include "defs.h"
#include "proc.h"
#include "net.h"

#define NSOCK		16
#define SOCK_QLEN	32
#define SOCK_EPHEMERAL	49152

struct sock_dgram {
	uint32_t	addr;		/* the sender */
	uint16_t	port;		/* UDP: its port; ICMP: the sequence */
	uint16_t	len;
	uint8_t		data[NET_DGRAM_MAX];
};

struct sock {
	int		 type;		/* 0: free; SOCK_UDP or SOCK_ICMP */
	uint16_t	 lport;		/* UDP port or echo identifier */
	uint32_t	 raddr;		/* connected: the peer; else 0 */
	uint16_t	 rport;		/* connected UDP: its port */
	int		 timeout_ms;	/* receive waits at most so; 0: ever */
	int		 waiting;	/* processes asleep in sock_recv */
	uint64_t	 deadline_ms;	/* the earliest waiter's end */
	unsigned	 head, count;	/* q[head] is the oldest of count */
	struct sock_dgram q[SOCK_QLEN];
};

static struct sock	sock_tab[NSOCK];
static uint16_t		sock_next_port = SOCK_EPHEMERAL;
static uint16_t		sock_next_id = 1;

static struct sock *
sock_find(int type, uint16_t lport)
{
	struct sock	*s;

	for (s = sock_tab; s < sock_tab + NSOCK; s++)
		if (s->type == type && s->lport == lport)
			return (s);
	return (NULL);
}

/* A port (or identifier) nobody of type uses; 0 if all are. */
static uint16_t
sock_pick(int type)
{
	uint16_t	*next = type == SOCK_UDP ? &sock_next_port :
			    &sock_next_id;
	unsigned	 i;

	for (i = 0; i < 65536; i++) {
		uint16_t	c = (*next)++;

		if (*next == 0)
			*next = type == SOCK_UDP ? SOCK_EPHEMERAL : 1;
		if (c != 0 && sock_find(type, c) == NULL)
			return (c);
	}
	return (0);
}

/* A socket of type bound to lport (0: any free one); NULL if not. */
struct sock *
sock_alloc(int type, int lport)
{
	struct sock	*s;

	if (!net_if.up || (type != SOCK_UDP && type != SOCK_ICMP) ||
	    lport < 0 || lport > 65535)
		return (NULL);
	if (lport == 0 && (lport = sock_pick(type)) == 0)
		return (NULL);
	if (sock_find(type, (uint16_t)lport) != NULL)
		return (NULL);		/* in use */
	for (s = sock_tab; s < sock_tab + NSOCK; s++)
		if (s->type == 0) {
			memset(s, 0, offsetof(struct sock, q));
			s->type = type;
			s->lport = (uint16_t)lport;
			return (s);
		}
	return (NULL);
}

/* The last file went: no more deliveries, wake nobody (nobody waits). */
void
sock_free(struct sock *s)
{
	s->type = 0;
	s->count = 0;
}

int
sock_connect(struct sock *s, uint32_t addr, int port)
{
	if (addr == 0 || port < 0 || port > 65535 ||
	    (s->type == SOCK_UDP && port == 0))
		return (-1);
	s->raddr = addr;
	s->rport = (uint16_t)port;
	return (0);
}

int
sock_timeout(struct sock *s, int ms)
{
	if (ms < 0)
		return (-1);
	s->timeout_ms = ms;
	return (0);
}

/* A datagram for (type, lport) from addr:port, queued or dropped. */
void
sock_deliver(int type, uint16_t lport, uint32_t addr, uint16_t port,
    const void *data, size_t len)
{
	struct sock		*s;
	struct sock_dgram	*d;

	if ((s = sock_find(type, lport)) == NULL ||
	    (s->raddr != 0 && (s->raddr != addr ||
	    (type == SOCK_UDP && s->rport != port)))) {
		net_if.st.noport++;
		return;
	}
	if (s->count == SOCK_QLEN || len > NET_DGRAM_MAX) {
		net_if.st.qdrops++;
		return;
	}
	d = &s->q[(s->head + s->count) % SOCK_QLEN];
	d->addr = addr;
	d->port = port;
	d->len = (uint16_t)len;
	memcpy(d->data, data, len);
	s->count++;
	if (s->waiting)
		proc_wakeup(s);
}

/*
 * The oldest datagram into buf (at most n bytes; the rest of a longer one
 * is lost, as in UDP), its sender into *addr, *port: its length, or -1
 * at the timeout, when killed, or when the socket went.
 */
int
sock_recv(struct sock *s, void *buf, int n, uint32_t *addr, int *port)
{
	struct proc		*p = proc_current();
	struct sock_dgram	*d;
	uint64_t		 end = 0;
	int			 take;

	if (s->timeout_ms > 0)
		end = net_now_ms() + (uint64_t)s->timeout_ms;
	while (s->count == 0) {
		if (proc_killed(p) || s->type == 0 ||
		    (end != 0 && net_now_ms() >= end))
			return (-1);
		if (end != 0 && (s->deadline_ms == 0 || end < s->deadline_ms))
			s->deadline_ms = end;
		s->waiting++;
		proc_sleep(s);
		s->waiting--;
		if (s->waiting == 0)
			s->deadline_ms = 0;
	}
	d = &s->q[s->head];
	take = d->len < n ? d->len : n;
	memcpy(buf, d->data, (size_t)take);
	*addr = d->addr;
	*port = d->port;
	s->head = (s->head + 1) % SOCK_QLEN;
	s->count--;
	return (take);
}

/* n bytes to addr:port (0: the connected peer): n, or -1. */
int
sock_send(struct sock *s, const void *buf, int n, uint32_t addr, int port)
{
	if (addr == 0) {
		addr = s->raddr;	/* ICMP: port is the sequence still */
		if (s->type == SOCK_UDP)
			port = s->rport;
	}
	if (addr == 0 || n < 0 || n > NET_DGRAM_MAX || port < 0 ||
	    port > 65535)
		return (-1);
	if (s->type == SOCK_UDP) {
		if (udp_output(addr, s->lport, (uint16_t)port, buf,
		    (size_t)n) != 0)
			return (-1);
	} else if (icmp_echo(addr, s->lport, (uint16_t)port, buf,
	    (size_t)n) != 0)
		return (-1);
	return (n);
}

/* Wake the receivers whose timeout has passed (the scheduler). */
void
sock_tick(void)
{
	struct sock	*s;
	uint64_t	 now = 0;

	for (s = sock_tab; s < sock_tab + NSOCK; s++) {
		if (s->waiting == 0 || s->deadline_ms == 0)
			continue;
		if (now == 0)
			now = net_now_ms();
		if (now >= s->deadline_ms) {
			s->deadline_ms = 0;
			proc_wakeup(s);
		}
	}
}

/* Does a process wait for a datagram? */
int
sock_waiting(void)
{
	struct sock	*s;

	for (s = sock_tab; s < sock_tab + NSOCK; s++)
		if (s->waiting > 0)
			return (1);
	return (0);
}
