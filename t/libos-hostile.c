/*
 * libos-hostile.c - the hostile neighbour: a libOS that takes slots, burns
 * the CPU in them, never acknowledges the end-of-quantum upcall (so exod
 * must stop it at the save bound, every time), ignores revocations, and
 * thrashes memory: it binds frames, maps them in its address space
 * (exo_as_create) and writes through all of them, over and over; with
 * more frames than its TLB holds, every lap misses on every page.
 * libos-rt's tests and the demo run beside it.
 *
 *	libos-hostile -S socket [-n name] [-c count | -a pos,pos,...]
 *	    [-m frames] [-d ms] [-A]
 *
 *	-c count  claim count slots, spread by exod (default 4)
 *	-a list   claim exactly these slot positions
 *	-m frames bind this many frames and write every cache line of every
 *	          one of them in turn, through the TLB, for as long as it
 *	          runs (default 128: twice the default TLB)
 *	-d ms     run this long, then exit (default: until killed)
 *	-A        acknowledge the end-of-quantum upcall after all (polite)
 *	-T        attack the display first (hostile-display.c): bind a tile,
 *	          try to reach every other tile, then paint its own
 *
 * With -T it first prints "hostile display: tile=ID tried=N refused=N
 * breached=N".  It prints "hostile libos=ID slots=P,P,... frames=N" once
 * set up, and at
 * exit "hostile cpu_ns=N timer_upcalls=N revokes=N sweeps=N".
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exo.h"
#include "hostile.h"

static volatile unsigned long	timer_upcalls, revokes;
static int			polite;
static struct exo_frame		*frames;
static unsigned			 nframes = 128;
static unsigned char		*base;

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
		return (!polite);	/* non-zero: no acknowledgement */
	}
	if (in->kind == EXO_INTR_REVOKE)
		revokes++;		/* and give nothing back */
	return (0);
}

/* A TLB miss: load the page's translation (evicting another, at random). */
static int
on_fault(struct exo *e, const struct exo_trap *t, void *arg)
{
	size_t	i;

	if ((unsigned char *)t->addr < base)
		return (-1);
	i = (size_t)((unsigned char *)t->addr - base) / EXO_FRAME_SIZE;
	if (i >= nframes)
		return (-1);
	return (exo_tlb_install(e, base + i * EXO_FRAME_SIZE, &frames[i].cap,
	    EXO_RIGHTS_ALL));
}

int
main(int argc, char **argv)
{
	struct exo_cap		 caps[EXO_SLOTS_MAX];
	unsigned		 pos[EXO_SLOTS_MAX], npos = 0, count = 4, got = 0;
	unsigned		 i, j, k, done;
	const char		*sock = NULL, *name = "hostile";
	struct exo		*e;
	void			*va;
	uint64_t		 ms = 0, until, cpu0, sweeps = 0;
	volatile uint64_t	*w;
	char			*tok;
	struct hostile_display	 hd;
	int			 ch, error, display = 0;

	while ((ch = getopt(argc, argv, "Aa:c:d:m:n:S:T")) != -1) {
		switch (ch) {
		case 'A':
			polite = 1;
			break;
		case 'a':
			for (tok = strtok(optarg, ","); tok != NULL &&
			    npos < EXO_SLOTS_MAX; tok = strtok(NULL, ","))
				pos[npos++] = (unsigned)strtoul(tok, NULL, 10);
			break;
		case 'c':
			count = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'd':
			ms = strtoull(optarg, NULL, 10);
			break;
		case 'm':
			nframes = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'n':
			name = optarg;
			break;
		case 'S':
			sock = optarg;
			break;
		case 'T':
			display = 1;
			break;
		default:
			fprintf(stderr, "usage: libos-hostile -S socket "
			    "[-n name] [-c count | -a list] [-m frames] "
			    "[-d ms] [-AT]\n");
			return (2);
		}
	}
	if ((error = exo_connect(sock, name, &e)) != 0) {
		fprintf(stderr, "libos-hostile: connect: %s\n",
		    exo_strerror(error));
		return (1);
	}
	if ((error = exo_pe_interrupt(e, on_interrupt, NULL)) != 0) {
		fprintf(stderr, "libos-hostile: pe: %s\n", exo_strerror(error));
		return (1);
	}
	if (display) {
		if ((error = hostile_display(e, &hd)) != 0) {
			fprintf(stderr, "libos-hostile: display: %s\n",
			    exo_strerror(error));
			return (1);
		}
		printf("hostile display: tile=%u tried=%u refused=%u "
		    "breached=%u\n", hd.tile, hd.tried, hd.refused,
		    hd.breached);
		fflush(stdout);
	}
	if (nframes > 0) {
		if ((frames = calloc(nframes, sizeof *frames)) == NULL)
			return (1);
		for (done = 0; done < nframes; done += k) {
			k = nframes - done > EXO_BATCH_MAX ? EXO_BATCH_MAX :
			    nframes - done;
			if ((error = exo_frame_alloc_batch(e, frames + done,
			    k)) != 0) {
				fprintf(stderr, "libos-hostile: frames: %s\n",
				    exo_strerror(error));
				return (1);
			}
		}
		if ((error = exo_as_create(e, (size_t)nframes *
		    EXO_FRAME_SIZE, &va)) != 0 ||
		    (error = exo_pe_addressing(e, on_fault, NULL)) != 0) {
			fprintf(stderr, "libos-hostile: address space: %s\n",
			    exo_strerror(error));
			return (1);
		}
		base = va;
	}
	if (npos > 0)
		error = exo_slot_claim_at(e, pos, npos, caps), got = npos;
	else
		error = exo_slot_claim(e, count, caps, &got);
	if (error != 0) {
		fprintf(stderr, "libos-hostile: claim: %s\n",
		    exo_strerror(error));
		return (3);
	}
	printf("hostile libos=%u slots=", exo_libos_id(e));
	for (i = 0; i < got; i++)
		printf("%s%llu", i ? "," : "", (unsigned long long)caps[i].id);
	printf(" frames=%u\n", nframes);
	fflush(stdout);
	/* Burn, and thrash the TLB and the caches. */
	cpu0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	until = ms > 0 ? now_ns(CLOCK_MONOTONIC) + ms * 1000000ULL : 0;
	for (;;) {
		for (i = 0; i < nframes; i++) {
			w = (volatile uint64_t *)(base + (size_t)i *
			    EXO_FRAME_SIZE);
			for (j = 0; j < EXO_FRAME_SIZE / sizeof *w; j += 8)
				w[j] += j + sweeps;
		}
		sweeps++;
		if (nframes == 0)
			for (j = 0; j < 100000; j++)
				sweeps += j & 1;
		if (until != 0 && now_ns(CLOCK_MONOTONIC) >= until)
			break;
	}
	printf("hostile cpu_ns=%llu timer_upcalls=%lu revokes=%lu sweeps=%llu\n",
	    (unsigned long long)(now_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu0),
	    timer_upcalls, revokes, (unsigned long long)sweeps);
	fflush(stdout);
	exo_disconnect(e);
	return (0);
}
