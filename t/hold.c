/*
 * hold - a test helper: a libOS that binds frames and holds them.
 *
 *	t/hold socket name nframes
 *
 * Connects to the exod on socket as a libOS called name, binds nframes
 * frames (0 is allowed), maps each and writes to it, then prints
 * "ready <libos id> <pid>" on stdout and waits until its standard input
 * reaches end of file (or fails), disconnects without freeing the
 * frames, and exits 0: exod reclaims them.  Exit 1 (message on stderr)
 * if anything fails, 2 on a usage error.  Used by t/exoctl.t.
 */
#define _GNU_SOURCE 1
#include <sys/mman.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"

int
main(int argc, char **argv)
{
	struct exo_frame	*f;
	struct exo		*x;
	unsigned long		 n;
	unsigned		 i, k;
	char			*end, buf[256];
	int			 rc;

	if (argc != 4) {
		fprintf(stderr, "usage: hold socket name nframes\n");
		return 2;
	}
	errno = 0;
	n = strtoul(argv[3], &end, 10);
	if (errno != 0 || *argv[3] == '\0' || *end != '\0' || n > 1000000) {
		fprintf(stderr, "hold: bad frame count %s\n", argv[3]);
		return 2;
	}
	if ((rc = exo_connect(argv[1], argv[2], &x)) != 0) {
		fprintf(stderr, "hold: exo_connect %s: %s\n", argv[1],
		    exo_strerror(rc));
		return 1;
	}
	if ((f = calloc(n ? n : 1, sizeof *f)) == NULL) {
		fprintf(stderr, "hold: out of memory\n");
		return 1;
	}
	for (i = 0; i < n; i += k) {
		k = n - i > EXO_BATCH_MAX ? EXO_BATCH_MAX : (unsigned)(n - i);
		if ((rc = exo_frame_alloc_batch(x, f + i, k)) < 0) {
			fprintf(stderr, "hold: exo_frame_alloc_batch: %s\n",
			    exo_strerror(rc));
			return 1;
		}
	}
	for (i = 0; i < n; i++) {
		unsigned char *p = exo_frame_map(&f[i], PROT_READ | PROT_WRITE);

		if (p == NULL) {
			fprintf(stderr, "hold: exo_frame_map: %s\n",
			    strerror(errno));
			return 1;
		}
		memset(p, 'h', EXO_FRAME_SIZE);
	}
	printf("ready %u %ld\n", exo_libos_id(x), (long)getpid());
	fflush(stdout);
	while (read(STDIN_FILENO, buf, sizeof buf) > 0)
		;
	/* Frames stay bound: exod reclaims them when the connection goes. */
	exo_disconnect(x);
	free(f);
	return 0;
}
