/*
 * harness.h - start a private exod for one test and clean up after it.
 *
 * Every test gets its own temporary directory (removed at exit, also on
 * bail or on a fatal signal), its own socket in it, and its own exod.
 * Binaries are found through $EXO_BUILDDIR (set by make check) or, when a
 * test is run by prove from the build tree, next to the test itself.
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <sys/types.h>

#include "exo.h"

struct th_exod {
	pid_t	pid;		/* exod's pid, or -1 when not running */
	char	dir[256];	/* private temp directory */
	char	sock[300];	/* socket path inside dir */
};

/* Path of a built program: th_path("exod/exod"). Static buffer. */
const char	*th_path(const char *);

/* Start exod -f -S <dir>/sock plus extra args (NULL-terminated); wait until
 * it answers.  Bails on failure.  Stopped and cleaned up at exit. */
void		 th_exod_start(struct th_exod *, ...);
/* Start exod again, after it stopped or died (reaped: th_exod_stop or
 * th_exod_alive), in the same directory on the same socket, with these
 * extra args (NULL-terminated); wait until it answers.  Bails on failure. */
void		 th_exod_restart(struct th_exod *, ...);
/* SIGTERM, wait; returns exit status as from waitpid (or -1). */
int		 th_exod_stop(struct th_exod *);
/* Is the exod still alive (no zombie)? */
int		 th_exod_alive(struct th_exod *);

/* Connect as a libOS named name; bails on failure. */
struct exo	*th_connect(struct th_exod *, const char *);
/* A raw SOCK_SEQPACKET connection with no HELLO sent; bails on failure. */
int		 th_raw_connect(struct th_exod *);
/* Send one raw datagram; recv one reply (timeout ms) into buf.  Returns
 * bytes received, 0 on EOF, -1 on timeout/error. */
int		 th_raw_send(int, const void *, size_t);
int		 th_raw_recv(int, void *, size_t, int);
/* Send a HELLO on a raw connection and check the reply; returns libOS id. */
unsigned	 th_raw_hello(int, const char *);

/* Number of open descriptors of a process (/proc/pid/fd). */
int		 th_count_fds(pid_t);
/* exod's descriptor count once it has not changed for 500 ms (it drops
 * peers asynchronously), or after timeout ms. */
int		 th_fds_settled(struct th_exod *, int);
/* Poll until exod's descriptor count is want or timeout ms pass; the
 * last count seen. */
int		 th_wait_fds(struct th_exod *, int, int);
/* A process's resident set (VmRSS) in KiB, or -1. */
long		 th_vmrss_kb(pid_t);
/* CLOCK_MONOTONIC in ms, and a sleep of ms. */
long		 th_now_ms(void);
void		 th_sleep_ms(long);
/* Free frames as exod reports them (STATUS via a control connection). */
long		 th_frames_free(struct th_exod *);
/* Poll until th_frames_free() == want or timeout ms; returns last value. */
long		 th_wait_frames_free(struct th_exod *, long, int);

#endif /* HARNESS_H */
