/*
 * libos-cpu.c - a small libOS for the CPU tests and exobench: it claims
 * slots and burns the CPU, and says what it got.
 *
 *	libos-cpu -S socket [-n name] [-c count | -a pos,pos,...] [-d ms]
 *	    [-x] [-r file] [-w] [-e] [-P]
 *
 *	-c count  claim count slots, spread by exod
 *	-a list   claim exactly these slot positions
 *	-d ms     run for this long (wall clock), default 1000
 *	-x        hostile: never acknowledge the end-of-quantum upcall
 *	-r file   record each stretch of time it ran: "start end" in ns
 *	-w        wait for events instead of spinning; print each one
 *	-e        register a protected entry that answers "pong:" + request
 *	-P        print "ready" on stdout once set up, then start on stdin
 *	-C id     call libOS id's protected entry with "ping", print the answer
 *	-E id:n   send libOS id n events (values 1..n), print each status
 *
 * It prints one line at exit:
 *	libos=ID cpu_ns=N runs=N timer_upcalls=N
 */
#include <errno.h>
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
	if (in->kind == EXO_INTR_TIMER) {
		timer_upcalls++;
		return (opt_noack);	/* non-zero: no acknowledgement */
	}
	if (in->kind == EXO_INTR_EVENT) {
		events_seen++;
		printf("event from=%u value=%llu dropped=%u\n", in->from,
		    (unsigned long long)in->value, in->dropped);
		fflush(stdout);
	}
	return (0);
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
		if (t - last > GAP_NS && nruns < RUNS_MAX) {
			runs_end[nruns - 1] = last;
			runs_start[nruns++] = t;
		}
		last = t;
	}
	runs_end[nruns - 1] = last;
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
	unsigned	 pos[EXO_SLOTS_MAX], npos = 0, count = 0, got = 0, i;
	const char	*sock = NULL, *name = "cpu", *record = NULL;
	struct exo	*e;
	uint64_t	 ms = 1000, cpu0, until;
	int		 ch, error, opt_wait = 0, opt_entry = 0, opt_pause = 0;
	uint32_t	 call_target = 0, event_target = 0;
	unsigned long	 event_count = 0, k;
	char		*end, answer[EXO_CALL_MAX + 1];
	size_t		 alen;
	FILE		*f;
	char		 c;

	while ((ch = getopt(argc, argv, "a:C:c:d:E:en:Pr:S:wx")) != -1) {
		switch (ch) {
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
		case 'w':
			opt_wait = 1;
			break;
		case 'x':
			opt_noack = 1;
			break;
		default:
			fprintf(stderr, "usage: libos-cpu -S socket [-n name] "
			    "[-c count | -a list] [-d ms] [-x] [-r file] [-w] "
			    "[-e] [-P]\n");
			return (2);
		}
	}
	if ((error = exo_connect(sock, name, &e)) != 0) {
		fprintf(stderr, "libos-cpu: connect: %s\n", exo_strerror(error));
		return (1);
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
	if (opt_wait) {
		while (now_ns(CLOCK_MONOTONIC) < until)
			if ((error = exo_wait(e)) < 0)
				break;
	} else
		spin(until);
	printf("libos=%u cpu_ns=%llu runs=%u timer_upcalls=%lu events=%lu\n",
	    exo_libos_id(e),
	    (unsigned long long)(now_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu0),
	    nruns, timer_upcalls, events_seen);
	fflush(stdout);
	if (record != NULL && (f = fopen(record, "w")) != NULL) {
		for (i = 0; i < nruns; i++)
			fprintf(f, "%llu %llu\n",
			    (unsigned long long)runs_start[i],
			    (unsigned long long)runs_end[i]);
		fclose(f);
	}
	exo_disconnect(e);
	return (0);
}
