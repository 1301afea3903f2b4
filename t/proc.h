/*
 * proc.h - child processes for the revocation and disk tests: a program
 * run with a pipe on its standard input and its output read line by line,
 * a command run to completion with its output captured, and a forked
 * libOS that talks to the test over a socketpair.
 *
 * Every child dies with the test (PR_SET_PDEATHSIG), so a test that bails
 * leaves none behind.
 */
#ifndef PROC_H
#define PROC_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#define TP_OUT_MAX	65536	/* bytes of output kept per process */

struct tp_proc {
	pid_t	pid;		/* -1 once reaped */
	int	in;		/* its standard input; -1 once closed */
	int	out;		/* its standard output and error; -1 at EOF */
	int	status;		/* wait status, once reaped */
	size_t	len;		/* bytes of output read so far */
	size_t	cursor;		/* tp_expect looks from here on */
	char	buf[TP_OUT_MAX + 1];
	char	line[1024];	/* the line tp_expect found */
};

/* Start argv[0] (a path) with argv; bails on failure. */
void		 tp_start(struct tp_proc *, const char *const *);
/* Wait up to ms for a line beginning with prefix, after the previous
 * match; the line (without newline), or NULL at EOF or timeout. */
const char	*tp_expect(struct tp_proc *, const char *, int);
/* Read whatever output is there, without waiting; 0 at EOF, else 1. */
int		 tp_poll(struct tp_proc *);
/* Close its standard input. */
void		 tp_close_in(struct tp_proc *);
/* Wait up to ms for it to exit (reading all its output); its wait status,
 * or -1 after a timeout (it is then killed and reaped). */
int		 tp_wait(struct tp_proc *, int);
void		 tp_kill(struct tp_proc *, int);
/* Show its output as diagnostics. */
void		 tp_diag(const struct tp_proc *, const char *);

/* Run argv to completion (at most ms); output in out.  Wait status, or -1. */
int		 tp_run(const char *const *, char *, size_t, int);
/* Value of "key=NUMBER" in s (key preceded by start or space), or def. */
long long	 tp_field(const char *, const char *, long long);

/* A forked libOS (no exec): fn runs in the child with its end of a
 * SOCK_SEQPACKET socketpair and exits with what it returns. */
struct tp_kid {
	pid_t	pid;
	int	fd;
};
void		 tp_kid_start(struct tp_kid *, int (*)(int, void *), void *);
/* One message each way, with a timeout in ms on receiving. */
int		 tp_send(int, const void *, size_t);
int		 tp_recv(int, void *, size_t, int);
/* Wait for it to exit (killed after ms); its wait status, or -1. */
int		 tp_kid_wait(struct tp_kid *, int);

/* After seconds, bail out: a hang fails the test, not make check. */
void		 tp_watchdog(unsigned);

/* Milliseconds on CLOCK_MONOTONIC; sleep ms. */
long		 tp_now_ms(void);
void		 tp_sleep_ms(long);

#endif /* PROC_H */
