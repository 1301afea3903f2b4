/*
 * libos-disk.c - a small libOS for the revocation and disk tests.
 *
 *	libos-disk -S socket [-n name] [-f frames] [-b blocks] [-m mode]
 *	    [-a] [-P n] [-t ms] [-v] [-W] [-V]
 *
 * It binds -f frames (default 8) and fills frame i with a pattern made of
 * its name and i, and binds -b blocks (default = frames).
 *	-a      seed autosave: frame i to block i
 *	-P n    put the first n frames in the protected minimum
 *	-m mode what to do with a repossession vector:
 *	        polite  write each revoked frame to its block, then free it
 *	        free    free each revoked frame at once, writing nothing
 *	                (a seeded autosave is then exod's to do)
 *	        ignore  nothing: be aborted at the deadline
 *	        exit    _exit(0) at once (dies mid-revocation)
 *	-W      write every frame to its block and flush before waiting
 *	-V      verify instead: list the blocks this uid/name owns, read each
 *	        into a fresh frame and check the pattern ("verified=N bad=N")
 *	-t ms   how long to serve upcalls (default 2000); 0: until standard
 *	        input reaches end of file (the test closes it)
 *	-v      before "ready", one line per frame: "frame i=I id=F block=B"
 *	        (frame and block numbers; block=-1 when it has none)
 *
 * Output lines: "ready libos=ID", "revoke n=N", "repossessed n=N saved=N",
 * "disk tag=T status=S", "flushed", and at the end "frames_ok=N lost=N".
 */
#include <sys/mman.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exo.h"

#define MAXF	EXO_BATCH_MAX

static struct exo_frame	 frames[MAXF];
static struct exo_cap	 blocks[MAXF];
static unsigned		 nframes = 8, nblocks;
static int		 lost[MAXF];
static const char	*name = "disk";
static const char	*mode = "polite";
static volatile unsigned long disk_done;

static void
pattern(unsigned i, unsigned char *buf)
{
	unsigned	k;

	for (k = 0; k < EXO_FRAME_SIZE; k++)
		buf[k] = (unsigned char)(name[k % strlen(name)] + i * 7 + k / 512);
}

static int
index_of(uint64_t frame_id)
{
	unsigned	i;

	for (i = 0; i < nframes; i++)
		if (frames[i].cap.id == frame_id && !lost[i])
			return ((int)i);
	return (-1);
}

static void
on_revoke(struct exo *e, const struct exo_intr *in)
{
	unsigned	i;
	int		k;

	printf("revoke n=%u\n", in->count);
	fflush(stdout);
	if (strcmp(mode, "exit") == 0)
		_exit(0);
	if (strcmp(mode, "polite") != 0 && strcmp(mode, "free") != 0)
		return;
	for (i = 0; i < in->count; i++) {
		if (in->vec[i].cap.type != EXO_RES_FRAME ||
		    (k = index_of(in->vec[i].cap.id)) < 0)
			continue;
		if ((unsigned)k < nblocks && strcmp(mode, "polite") == 0)
			(void)exo_disk_write(e, 100 + k, &blocks[k],
			    &frames[k].cap, 1);
		if (exo_frame_free(e, &frames[k]) == 0)
			lost[k] = 1;	/* given back: no longer ours */
	}
	if (in->count > 0 && in->vec[0].cap.type == EXO_RES_BLOCK)
		(void)exo_block_free(e, &in->vec[0].cap, 1);
}

static int
on_intr(struct exo *e, const struct exo_intr *in, void *arg)
{
	unsigned	i, saved = 0;
	int		k;

	switch (in->kind) {
	case EXO_INTR_REVOKE:
		on_revoke(e, in);
		break;
	case EXO_INTR_REPOSSESSED:
		for (i = 0; i < in->count; i++) {
			if (in->vec[i].autosave != EXO_NO_BLOCK)
				saved++;
			if (in->vec[i].cap.type == EXO_RES_FRAME &&
			    (k = index_of(in->vec[i].cap.id)) >= 0) {
				lost[k] = 1;
				exo_frame_forget(&frames[k]);
			}
		}
		printf("repossessed n=%u saved=%u\n", in->count, saved);
		break;
	case EXO_INTR_DISK:
		disk_done++;
		printf("disk tag=%llu status=%d\n",
		    (unsigned long long)in->value, in->status);
		break;
	}
	fflush(stdout);
	return (0);
}

static uint64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

/* Read back every block this uid/name owns; check the patterns. */
static int
verify(struct exo *e)
{
	unsigned char	 want[EXO_FRAME_SIZE];
	struct exo_cap	 caps[MAXF];
	struct exo_frame f;
	unsigned	 n, i, good = 0, bad = 0;
	uint32_t	 total;
	unsigned long	 before;
	int		 error;

	if ((error = exo_block_list(e, 0, caps, MAXF, &n, &total)) != 0 ||
	    (error = exo_frame_alloc(e, &f)) != 0 ||
	    exo_frame_map(&f, PROT_READ | PROT_WRITE) == NULL) {
		printf("verify error=%d %s\n", error, exo_strerror(error));
		return (1);
	}
	for (i = 0; i < n; i++) {
		before = disk_done;
		if ((error = exo_disk_read(e, i, &caps[i], &f.cap, 1)) != 0) {
			bad++;
			continue;
		}
		while (disk_done == before)
			if (exo_wait(e) < 0)
				break;
		pattern(i, want);
		if (memcmp(f.va, want, EXO_FRAME_SIZE) == 0)
			good++;
		else
			bad++;
	}
	printf("verified=%u bad=%u owned=%u\n", good, bad, total);
	return (bad != 0 || good == 0);
}

int
main(int argc, char **argv)
{
	unsigned char	 want[EXO_FRAME_SIZE];
	const char	*sock = NULL;
	struct exo	*e;
	unsigned	 i, nprot = 0, ok = 0, nlost = 0;
	uint64_t	 ms = 2000, until;
	int		 ch, error, seed = 0, flush = 0, check = 0, list = 0;
	struct pollfd	 pfd;
	char		 junk[256];

	nblocks = (unsigned)-1;
	while ((ch = getopt(argc, argv, "ab:f:m:n:P:S:t:vVW")) != -1) {
		switch (ch) {
		case 'a': seed = 1; break;
		case 'b': nblocks = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'f': nframes = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'm': mode = optarg; break;
		case 'n': name = optarg; break;
		case 'P': nprot = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'S': sock = optarg; break;
		case 't': ms = strtoull(optarg, NULL, 10); break;
		case 'v': list = 1; break;
		case 'V': check = 1; break;
		case 'W': flush = 1; break;
		default:
			fprintf(stderr, "usage: libos-disk -S socket [-n name] "
			    "[-f frames] [-b blocks] [-m mode] [-a] [-P n] "
			    "[-t ms] [-v] [-W] [-V]\n");
			return (2);
		}
	}
	if (nframes == 0 || nframes > MAXF)
		nframes = 8;
	if (nblocks == (unsigned)-1 || nblocks > nframes)
		nblocks = nframes;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((error = exo_connect(sock, name, &e)) != 0) {
		fprintf(stderr, "libos-disk: connect: %s\n", exo_strerror(error));
		return (1);
	}
	if ((error = exo_pe_interrupt(e, on_intr, NULL)) != 0)
		goto bad;
	if (check) {
		error = verify(e);
		exo_disconnect(e);
		return (error);
	}
	if ((error = exo_frame_alloc_batch(e, frames, nframes)) != 0)
		goto bad;
	for (i = 0; i < nframes; i++) {
		if (exo_frame_map(&frames[i], PROT_READ | PROT_WRITE) == NULL) {
			error = -EXO_ESYS;
			goto bad;
		}
		pattern(i, frames[i].va);
	}
	if (nblocks > 0 && (error = exo_block_alloc(e, blocks, nblocks)) != 0)
		goto bad;
	for (i = 0; seed && i < nblocks; i++)
		if ((error = exo_autosave(e, &frames[i].cap, &blocks[i])) != 0)
			goto bad;
	for (i = 0; i < nprot; i++)
		if ((error = exo_frame_protect(e, &frames[i].cap, 1, 1)) != 0)
			goto bad;
	if (flush) {
		for (i = 0; i < nblocks; i++)
			if ((error = exo_disk_write(e, i, &blocks[i],
			    &frames[i].cap, 1)) != 0)
				goto bad;
		if ((error = exo_disk_flush(e)) != 0)
			goto bad;
		printf("flushed\n");
	}
	for (i = 0; list && i < nframes; i++)
		printf("frame i=%u id=%llu block=%lld\n", i,
		    (unsigned long long)frames[i].cap.id, i < nblocks ?
		    (long long)blocks[i].id : -1LL);
	printf("ready libos=%u frames=%u blocks=%u\n", exo_libos_id(e),
	    nframes, nblocks);
	until = now_ms() + ms;
	/* Upcalls ring the doorbell and run in its handler meanwhile. */
	while (ms == 0 || now_ms() < until) {
		if (exo_poll(e) < 0)
			break;
		if (ms == 0) {
			/* Served until the test closes our standard input. */
			pfd.fd = STDIN_FILENO;
			pfd.events = POLLIN;
			pfd.revents = 0;
			if (poll(&pfd, 1, 1) == 1 && (read(STDIN_FILENO, junk,
			    sizeof junk) <= 0))
				break;
		} else
			usleep(1000);
	}
	for (i = 0; i < nframes; i++) {
		if (lost[i]) {
			nlost++;
			continue;
		}
		pattern(i, want);
		if (memcmp(frames[i].va, want, EXO_FRAME_SIZE) == 0)
			ok++;
	}
	printf("frames_ok=%u lost=%u\n", ok, nlost);
	exo_disconnect(e);
	return (0);
bad:
	printf("error=%d %s\n", error, exo_strerror(error));
	return (1);
}
