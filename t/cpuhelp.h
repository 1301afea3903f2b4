/*
 * cpuhelp.h - what the CPU tests (t/cpu-*.c) share: running t/libos-cpu
 * and reading what it says, forked libOS children, exod's view of the
 * CPU (STATUS, SLOTS, exoctl --json), and the slot windows.
 *
 * Every child started here is killed and reaped when the test exits (also
 * on bail), and dies with the test (PR_SET_PDEATHSIG) should the test be
 * killed where no handler runs.
 */
#ifndef CPUHELP_H
#define CPUHELP_H

#include <sys/types.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "exo.h"

#define CH_MS		1000000ULL	/* nanoseconds in a millisecond */

/* Where a libOS's slots are: slot k's window is [t0 + k q, t0 + (k+1) q),
 * for every quantum k with k mod n in mask. */
struct ch_vec {
	uint64_t	t0;		/* exod's tick 0, CLOCK_MONOTONIC ns */
	uint64_t	q;		/* quantum, ns */
	unsigned	n;		/* slots in the vector */
	uint64_t	mask[EXO_SLOTS_MAX / 64];
};

/* A test libOS child (t/libos-cpu, t/libos-net), its stdout and stdin
 * on pipes. */
struct lc {
	pid_t		pid;		/* -1 once reaped */
	int		out;		/* its stdout */
	int		in;		/* its stdin (-P: a byte starts it) */
	int		status;		/* wait status once reaped */
	char		buf[16384];	/* read, not yet returned as lines */
	size_t		len;
	int		eof;
	unsigned	libos;		/* from its "claimed" line */
	struct ch_vec	vec;
	char		last[1024];	/* its "libos=" line at exit */
};

uint64_t	 ch_now(void);			/* CLOCK_MONOTONIC, ns */
void		 ch_sleep_ms(long);
void		 ch_sleep_until(uint64_t);	/* CLOCK_MONOTONIC ns */

/* fork(): the child dies with the test and is killed at its exit. */
pid_t		 ch_fork(void);
/* Wait up to ms for pid; its wait status, or -1 (then it is killed). */
int		 ch_reap(pid_t, int);

/* Start t/libos-cpu -S sock args... (NULL-terminated). */
void		 lc_spawn(struct lc *, const char *, ...);
/* Start the test program prog (t/NAME) -S sock with the arguments in ap
 * (NULL-terminated): what lc_spawn and the other helpers share. */
void		 lc_spawnv(struct lc *, const char *, const char *, va_list);
/* One line of its stdout, without the newline: 1, 0 at EOF, -1 timeout. */
int		 lc_line(struct lc *, char *, size_t, int);
/* Lines until one starts with prefix (copied to line): 1, else 0. */
int		 lc_expect(struct lc *, const char *, char *, size_t, int);
/* Its "claimed" line, parsed into libos and vec: 1, else 0. */
int		 lc_claimed(struct lc *, int);
/* Its "libos=" line (into last), then its exit: its wait status or -1. */
int		 lc_finish(struct lc *, int);
void		 lc_start(struct lc *);		/* -P: go */
void		 lc_kill(struct lc *);		/* SIGKILL and reap */

/* "key=N" in a line: 1 and *v, else 0. */
int		 ch_field(const char *, const char *, uint64_t *);
/* All integers in a file, in order: how many (at most max), -1 if none. */
long		 ch_read_ints(const char *, int64_t *, long);

/* exod's record of one libOS: 1 found, 0 not listed, <0 an error. */
int		 ch_status_of(const char *, uint32_t, struct exo_status_peer *);
/* The vector (caller frees with exo_slots_free): 0 or -EXO_E*. */
int		 ch_slots(const char *, struct exo_slots *);
/* exoctl -S sock cmd --json, its stdout into out: its exit status. */
int		 ch_exoctl_json(const char *, const char *, char *, size_t);
/* In exoctl JSON: member key of the libOS object with this id. */
int		 ch_json_libos(const char *, uint32_t, const char *,
		    uint64_t *);
/* In exoctl slots JSON: the owner array; how many, -1 if absent. */
int		 ch_json_owners(const char *, uint32_t *, unsigned);
/* Wait until pid's /proc/pid/stat says stopped (T) or not: 1 reached. */
int		 ch_wait_stopped(pid_t, int, int);

/*
 * A libOS spoken to raw: HELLO on a th_raw_connect() socket, keeping the
 * three descriptors of the reply (upcall channel, exposed state, stats).
 * The process must handle or ignore EXO_SIG_UPCALL.  0, or -1.
 */
int		 ch_raw_hello(int, const char *, uint32_t *, int *);
/* Send one request (header made here); 0 or -1. */
int		 ch_raw_request(int, uint16_t, uint32_t, const void *, size_t);
/* One reply: its payload length, or -1 (timeout ms, malformed). */
int		 ch_raw_reply(int, struct exo_hdr *, void *, size_t, int);

/* The vector view of a libOS from its exposed state. */
void		 ch_vec_of(const struct exo *, struct ch_vec *);
int		 ch_owns(const struct ch_vec *, unsigned);
/* The quantum number of time t. */
uint64_t	 ch_quantum(const struct ch_vec *, uint64_t);
/* Start of the next own window that starts at or after t. */
uint64_t	 ch_next_window(const struct ch_vec *, uint64_t);
/* End of the most recent own window starting at or before t (0: none). */
uint64_t	 ch_window_end(const struct ch_vec *, uint64_t);
/* Is t inside one of the own windows (stretched by slack after its end)? */
int		 ch_in_window(const struct ch_vec *, uint64_t, uint64_t);

/* Time exod has spent waiting for a host CPU (schedstat), ns; 0 unknown. */
uint64_t	 ch_run_delay(pid_t);

int		 ch_cmp_i64(const void *, const void *);

#endif /* CPUHELP_H */
