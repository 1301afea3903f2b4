/*
 * libos-cpu.c - a small libOS for the CPU tests and exobench: it claims
 * slots and burns the CPU, and says what it got.
 *
 *	libos-cpu -S socket [-n name] [-c count | -a pos,pos,...] [-d ms]
 *	    [-x] [-r file] [-g us] [-s file] [-t t1,t2] [-u file] [-w] [-e]
 *	    [-P] [-C id] [-E id:n] [-B]
 *
 *	-c count  claim count slots, spread by exod
 *	-a list   claim exactly these slot positions
 *	-d ms     run for this long (wall clock), default 1000
 *	-x        hostile: never acknowledge the end-of-quantum upcall
 *	-r file   record each stretch of time it ran: "start end" in ns
 *	-g us     a pause longer than this ends a stretch (default 200)
 *	-t t1,t2  also measure the CPU time it gets between these two
 *	          CLOCK_MONOTONIC instants (ns), the same for every libOS
 *	          that is given them: it spins until t2 at least
 *	-s file   record each switch-in (SIGCONT from exod): its time in ns
 *	-u file   record each end-of-quantum (TIMER) upcall: "at rel" in ns,
 *	          at its CLOCK_MONOTONIC time, rel the time since the start of
 *	          the stretch it ends (-1 when no stretch had started)
 *	-w        wait for events instead of spinning (until -d ends, with
 *	          exo_wait_until); print each one, with
 *	          the CLOCK_MONOTONIC time it arrived (and with -s, each
 *	          switch-in: "switched-in t_ns=N")
 *	-e        register a protected entry that answers "pong:" + request
 *	-B        serve bound calls (exo_callchan_serve) until -d ends,
 *	          instead of waiting or spinning
 *	-P        print "ready" on stdout once set up, then start on stdin
 *	-C id     call libOS id's protected entry with "ping", print the answer
 *	-E id:n   send libOS id n events (values 1..n), print each status
 *
 * Once its claim succeeds it prints where its slots are (t0_ns is exod's
 * tick 0, from the exposed state: slot k's window is
 * [t0 + (k + j * nslots) * quantum, ... + quantum) for every j):
 *	claimed libos=ID t0_ns=N quantum_us=N nslots=N slots=P,P,...
 * It prints one line at exit, cpu_ns its own CPU time while it ran (or
 * waited), then exod's figures for it (exoctl slots) when STATUS answers:
 *	libos=ID cpu_ns=N runs=N timer_upcalls=N events=N [win_cpu_ns=N]
 *	    exod_cpu_ns=N quanta=N overruns=N penalty_ns=N
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exo.h"

#define RUNS_MAX	100000
#define GAP_NS		200000ULL	/* a pause longer than this: stopped */

static uint64_t	 runs_start[RUNS_MAX], runs_end[RUNS_MAX];
static unsigned	 nruns;
static uint64_t	 gap_ns = GAP_NS;
static uint64_t	 win_from, win_to, win_cpu0, win_cpu1;
static uint64_t	 upcall_at[RUNS_MAX];
static uint64_t	 cont_at[RUNS_MAX];
static volatile unsigned long nconts;
static struct sigaction cont_old;
static volatile unsigned long timer_upcalls, events_seen;
static int	 opt_noack;

static uint64_t
now_ns(clockid_t clk)
{
	struct timespec	ts;

	clock_gettime(clk, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

static int
on_interrupt(struct exo *e, const struct exo_intr *in, void *arg)
{
	uint64_t	t = now_ns(CLOCK_MONOTONIC);

	if (in->kind == EXO_INTR_TIMER) {
		if (timer_upcalls < RUNS_MAX)
			upcall_at[timer_upcalls] = t;
		timer_upcalls++;
		return (opt_noack);	/* non-zero: no acknowledgement */
	}
	if (in->kind == EXO_INTR_EVENT) {
		events_seen++;
		printf("event from=%u value=%llu dropped=%u t_ns=%llu\n",
		    in->from, (unsigned long long)in->value, in->dropped,
		    (unsigned long long)t);
		fflush(stdout);
	}
	return (0);
}

/* SIGCONT: exod switched us in.  Note when, then libexo's own handler. */
static void
on_cont(int sig, siginfo_t *si, void *uc)
{
	int	saved = errno;

	if (nconts < RUNS_MAX)
		cont_at[nconts] = now_ns(CLOCK_MONOTONIC);
	nconts++;
	if ((cont_old.sa_flags & SA_SIGINFO) && cont_old.sa_sigaction != NULL)
		cont_old.sa_sigaction(sig, si, uc);
	else if (cont_old.sa_handler != SIG_DFL &&
	    cont_old.sa_handler != SIG_IGN && cont_old.sa_handler != NULL)
		cont_old.sa_handler(sig);
	errno = saved;
}

static int
on_call(struct exo *e, uint32_t caller, const void *req, size_t len,
    void *reply, size_t *rlen, void *arg)
{
	memcpy(reply, "pong:", 5);
	memcpy((char *)reply + 5, req, len > EXO_CALL_MAX - 5 ?
	    EXO_CALL_MAX - 5 : len);
	*rlen = 5 + (len > EXO_CALL_MAX - 5 ? EXO_CALL_MAX - 5 : len);
	return (0);
}

static void
spin(uint64_t until)
{
	uint64_t	t, last = now_ns(CLOCK_MONOTONIC);

	runs_start[0] = last;
	nruns = 1;
	while ((t = now_ns(CLOCK_MONOTONIC)) < until) {
		if (t - last > gap_ns && nruns < RUNS_MAX) {
			runs_end[nruns - 1] = last;
			runs_start[nruns++] = t;
		}
		/*
		 * The CPU clock stands still while exod keeps us stopped, so
		 * its value when we first see a time past win_from is its
		 * value at win_from itself: a window every libOS can share.
		 */
		if (win_from != 0 && win_cpu0 == 0 && t >= win_from)
			win_cpu0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
		if (win_to != 0 && win_cpu1 == 0 && t >= win_to)
			win_cpu1 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
		last = t;
	}
	runs_end[nruns - 1] = last;
	/* Stopped across the end of the window: it has not run since. */
	if (win_to != 0 && win_cpu1 == 0 && t >= win_to)
		win_cpu1 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
}

static unsigned
parse_list(char *s, unsigned *pos)
{
	unsigned	 n = 0;
	char		*tok;

	for (tok = strtok(s, ","); tok != NULL && n < EXO_SLOTS_MAX;
	    tok = strtok(NULL, ","))
		pos[n++] = (unsigned)strtoul(tok, NULL, 10);
	return (n);
}

int
main(int argc, char **argv)
{
	struct exo_cap	 caps[EXO_SLOTS_MAX];
	unsigned	 pos[EXO_SLOTS_MAX], npos = 0, count = 0, got = 0, i, j;
	unsigned long	 nup;
	const char	*sock = NULL, *name = "cpu", *record = NULL;
	const char	*urecord = NULL, *srecord = NULL;
	struct sigaction sa;
	struct exo_status st;
	const struct exo_expose *x;
	struct exo	*e;
	uint64_t	 ms = 1000, cpu0, until;
	int		 ch, error, opt_wait = 0, opt_entry = 0, opt_pause = 0;
	int		 opt_bound = 0;
	uint64_t	 t;
	uint32_t	 call_target = 0, event_target = 0;
	unsigned long	 event_count = 0, k;
	char		*end, answer[EXO_CALL_MAX + 1];
	size_t		 alen;
	FILE		*f;
	char		 c;

	while ((ch = getopt(argc, argv, "a:BC:c:d:E:eg:n:Pr:S:s:t:u:wx")) !=
	    -1) {
		switch (ch) {
		case 'B':
			opt_bound = 1;
			break;
		case 'C':
			call_target = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'E':
			event_target = (uint32_t)strtoul(optarg, &end, 10);
			event_count = *end == ':' ? strtoul(end + 1, NULL, 10) : 1;
			break;
		case 'a':
			npos = parse_list(optarg, pos);
			break;
		case 'c':
			count = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'd':
			ms = strtoull(optarg, NULL, 10);
			break;
		case 'e':
			opt_entry = 1;
			break;
		case 'g':
			gap_ns = strtoull(optarg, NULL, 10) * 1000ULL;
			break;
		case 'n':
			name = optarg;
			break;
		case 'P':
			opt_pause = 1;
			break;
		case 'r':
			record = optarg;
			break;
		case 'S':
			sock = optarg;
			break;
		case 's':
			srecord = optarg;
			break;
		case 't':
			win_from = strtoull(optarg, &end, 10);
			win_to = *end == ',' ? strtoull(end + 1, NULL, 10) : 0;
			if (win_to <= win_from)
				win_from = win_to = 0;
			break;
		case 'u':
			urecord = optarg;
			break;
		case 'w':
			opt_wait = 1;
			break;
		case 'x':
			opt_noack = 1;
			break;
		default:
			fprintf(stderr, "usage: libos-cpu -S socket [-n name] "
			    "[-c count | -a list] [-d ms] [-x] [-r file] "
			    "[-g us] [-s file] [-t t1,t2] [-u file] [-w] [-e] "
			    "[-P] [-C id] [-E id:n] [-B]\n");
			return (2);
		}
	}
	if ((error = exo_connect(sock, name, &e)) != 0) {
		fprintf(stderr, "libos-cpu: connect: %s\n", exo_strerror(error));
		return (1);
	}
	if (srecord != NULL) {
		memset(&sa, 0, sizeof sa);
		sa.sa_sigaction = on_cont;
		sa.sa_flags = SA_SIGINFO | SA_RESTART;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGCONT, &sa, &cont_old);
	}
	if ((error = exo_pe_interrupt(e, on_interrupt, NULL)) != 0 ||
	    (opt_entry && (error = exo_pe_protected(e, on_call, NULL)) != 0)) {
		fprintf(stderr, "libos-cpu: pe: %s\n", exo_strerror(error));
		return (1);
	}
	if (opt_pause) {
		printf("ready libos=%u\n", exo_libos_id(e));
		fflush(stdout);
		if (read(0, &c, 1) != 1)
			return (1);
	}
	if (npos > 0)
		error = exo_slot_claim_at(e, pos, npos, caps);
	else if (count > 0)
		error = exo_slot_claim(e, count, caps, &got);
	if (error != 0) {
		printf("claim error=%d %s\n", error, exo_strerror(error));
		fflush(stdout);
		exo_disconnect(e);
		return (3);
	}
	if ((npos > 0 || count > 0) && (x = exo_expose(e)) != NULL) {
		printf("claimed libos=%u t0_ns=%llu quantum_us=%u nslots=%u "
		    "slots=", exo_libos_id(e), (unsigned long long)x->t0_ns,
		    x->quantum_us, x->nslots);
		for (i = 0, j = 0; i < x->nslots && i < EXO_SLOTS_MAX; i++)
			if (x->slot_mask[i / 64] & (1ULL << (i % 64)))
				printf("%s%u", j++ ? "," : "", i);
		printf("\n");
		fflush(stdout);
	}
	for (k = 1; k <= event_count; k++) {
		error = exo_event_send(e, event_target, k);
		printf("event %lu status=%d %s\n", k, error,
		    exo_strerror(error));
	}
	if (call_target != 0) {
		error = exo_call(e, call_target, "ping", 4, answer,
		    sizeof answer - 1, &alen);
		answer[error == 0 ? alen : 0] = '\0';
		printf("call status=%d %s answer=%s\n", error,
		    exo_strerror(error), answer);
	}
	fflush(stdout);
	cpu0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	until = now_ns(CLOCK_MONOTONIC) + ms * 1000000ULL;
	if (opt_bound) {
		while ((t = now_ns(CLOCK_MONOTONIC)) < until)
			if (exo_callchan_serve(e, until - t) < 0)
				break;
	} else if (opt_wait) {
		k = 0;
		while (now_ns(CLOCK_MONOTONIC) < until) {
			/* The wait ends at -d even when nothing comes. */
			error = exo_wait_until(e, until);
			/* With -s, the switch-ins so far, as they happen. */
			for (; srecord != NULL && k < nconts && k < RUNS_MAX;
			    k++)
				printf("switched-in t_ns=%llu\n",
				    (unsigned long long)cont_at[k]);
			fflush(stdout);
			if (error < 0)
				break;
		}
	} else
		spin(until > win_to ? until : win_to + 1000000ULL);
	cpu0 = now_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
	printf("libos=%u cpu_ns=%llu runs=%u timer_upcalls=%lu events=%lu",
	    exo_libos_id(e), (unsigned long long)cpu0, nruns, timer_upcalls,
	    events_seen);
	if (win_cpu1 != 0)
		printf(" win_cpu_ns=%llu",
		    (unsigned long long)(win_cpu1 - win_cpu0));
	/* And exod's view of us, while we are still connected. */
	if (exo_status(e, &st) == 0) {
		for (i = 0; i < st.totals.npeers; i++) {
			if (st.peers[i].libos != exo_libos_id(e))
				continue;
			printf(" exod_cpu_ns=%llu quanta=%llu overruns=%llu "
			    "penalty_ns=%llu",
			    (unsigned long long)st.peers[i].cpu_ns,
			    (unsigned long long)st.peers[i].quanta,
			    (unsigned long long)st.peers[i].overruns,
			    (unsigned long long)st.peers[i].penalty_ns);
		}
		exo_status_free(&st);
	}
	printf("\n");
	fflush(stdout);
	if (record != NULL && (f = fopen(record, "w")) != NULL) {
		for (i = 0; i < nruns; i++)
			fprintf(f, "%llu %llu\n",
			    (unsigned long long)runs_start[i],
			    (unsigned long long)runs_end[i]);
		fclose(f);
	}
	if (srecord != NULL && (f = fopen(srecord, "w")) != NULL) {
		for (k = 0; k < nconts && k < RUNS_MAX; k++)
			fprintf(f, "%llu\n", (unsigned long long)cont_at[k]);
		fclose(f);
	}
	nup = timer_upcalls < RUNS_MAX ? timer_upcalls : RUNS_MAX;
	if (urecord != NULL && (f = fopen(urecord, "w")) != NULL) {
		/* Each upcall ends the last stretch that began before it. */
		for (k = 0, i = 0; k < nup; k++) {
			while (i + 1 < nruns &&
			    runs_start[i + 1] <= upcall_at[k])
				i++;
			if (nruns > 0 && runs_start[i] <= upcall_at[k])
				fprintf(f, "%llu %lld\n",
				    (unsigned long long)upcall_at[k],
				    (long long)(upcall_at[k] - runs_start[i]));
			else
				fprintf(f, "%llu -1\n",
				    (unsigned long long)upcall_at[k]);
		}
		fclose(f);
	}
	exo_disconnect(e);
	return (0);
}
