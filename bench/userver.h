/*
 * userver.h - the microkernel column's server: a process on the host that
 * does one operation for a client, spoken to by messages over a
 * SOCK_SEQPACKET socket pair, as Mach's servers and external pager were.
 */
#ifndef USERVER_H
#define USERVER_H

#include <sys/types.h>

#include <stddef.h>

#define US_MSG_MAX	(64 * 1024 + 64)	/* a 64 KiB payload and a header */

/*
 * A server's work for one request: req[0..len-1] in, the reply into
 * reply (room for US_MSG_MAX bytes); returns the reply's length, or -1
 * to end the server.
 */
typedef ssize_t	(*us_serve_fn)(void *, const unsigned char *, size_t,
		    unsigned char *);

struct userver {
	int	 fd;		/* the client's end; -1 when stopped */
	pid_t	 pid;		/* the server process; 0 when stopped */
};

void	 us_start(struct userver *, us_serve_fn, void *);
size_t	 us_call(struct userver *, const void *, size_t, void *, size_t);
void	 us_pair(int [2]);
void	 us_stop(struct userver *);

#endif /* USERVER_H */
