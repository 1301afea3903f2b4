/*
 * exo-demo.c - two small library OSes on one exod, for ./quickstart demo.
 *
 * libOS "alpha" binds frames and fills them.  libOS "beta" binds its own,
 * is handed alpha's capabilities, and tries every way the protocol offers
 * to reach alpha's frames with them.  Then alpha frees a frame, beta binds
 * one, and shows that a reused frame arrives wiped.
 *
 *	exo-demo [-S socket] [-x exoctl]
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"

#define DEMO_FRAMES	16

static const char	*demo_sock;

static void __attribute__((noreturn))
die(const char *who, const char *what, int error)
{
	fprintf(stderr, "exo-demo: %s: %s: %s\n", who, what,
	    exo_strerror(error));
	exit(1);
}

static void
xwrite(int fd, const void *buf, size_t len)
{
	if (write(fd, buf, len) != (ssize_t)len) {
		perror("exo-demo: pipe");
		exit(1);
	}
}

static void
xread(int fd, void *buf, size_t len)
{
	if (read(fd, buf, len) != (ssize_t)len) {
		perror("exo-demo: pipe");
		exit(1);
	}
}

/* Bind, map and fill n frames with the libOS's name. */
static void
demo_fill(struct exo *e, const char *name, struct exo_frame *f, unsigned n)
{
	unsigned	 i;
	char		*p;
	int		 error;

	if ((error = exo_frame_alloc_batch(e, f, n)) != 0)
		die(name, "frame_alloc_batch", error);
	for (i = 0; i < n; i++) {
		if ((p = exo_frame_map(&f[i], PROT_READ | PROT_WRITE)) == NULL)
			die(name, "frame_map", -EXO_ESYS);
		snprintf(p, EXO_FRAME_SIZE, "%s frame %u", name, i);
	}
}

/* Does every frame still hold name's words? */
static int
demo_intact(const char *name, struct exo_frame *f, unsigned n)
{
	char		want[64];
	unsigned	i;

	for (i = 0; i < n; i++) {
		snprintf(want, sizeof want, "%s frame %u", name, i);
		if (strcmp(f[i].va, want) != 0)
			return (0);
	}
	return (1);
}

static int
demo_zero(const unsigned char *p)
{
	size_t	i;

	for (i = 0; i < EXO_FRAME_SIZE; i++)
		if (p[i] != 0)
			return (0);
	return (1);
}

static void
demo_alpha(int to_parent, int from_parent)
{
	struct exo_frame	f[DEMO_FRAMES];
	struct exo		*e;
	char			 go;
	int			 error;

	if ((error = exo_connect(demo_sock, "alpha", &e)) != 0)
		die("alpha", "connect", error);
	demo_fill(e, "alpha", f, DEMO_FRAMES);
	printf("alpha: libOS %u bound %d frames (first is frame %llu) and "
	    "wrote into them\n", exo_libos_id(e), DEMO_FRAMES,
	    (unsigned long long)f[0].cap.id);
	fflush(stdout);
	xwrite(to_parent, f, sizeof f);		/* its capabilities */
	xread(from_parent, &go, 1);		/* beta has done its worst */
	printf("alpha: after beta's attempts, all %d frames hold alpha's "
	    "data: %s\n", DEMO_FRAMES, demo_intact("alpha", f, DEMO_FRAMES) ?
	    "yes" : "NO");
	if ((error = exo_frame_free(e, &f[DEMO_FRAMES - 1])) != 0)
		die("alpha", "frame_free", error);
	printf("alpha: freed frame %llu\n",
	    (unsigned long long)f[DEMO_FRAMES - 1].cap.id);
	fflush(stdout);
	xwrite(to_parent, "f", 1);
	xread(from_parent, &go, 1);
	exo_disconnect(e);
	exit(demo_intact("alpha", f, DEMO_FRAMES - 1) ? 0 : 1);
}

static void
demo_try(const char *what, int got, int want, int *bad)
{
	printf("beta:  %-44s -> %s\n", what, exo_strerror(got));
	if (got != want)
		*bad = 1;
}

static void
demo_beta(int to_parent, int from_parent)
{
	struct exo_frame	 mine[DEMO_FRAMES], theirs[DEMO_FRAMES], reused;
	struct exo_cap		 forged;
	struct exo		*e;
	char			 go;
	int			 bad = 0, error;

	if ((error = exo_connect(demo_sock, "beta", &e)) != 0)
		die("beta", "connect", error);
	xread(from_parent, theirs, sizeof theirs);
	demo_fill(e, "beta", mine, DEMO_FRAMES);
	printf("beta:  libOS %u bound %d frames of its own\n", exo_libos_id(e),
	    DEMO_FRAMES);
	demo_try("check alpha's capability", exo_cap_check(e,
	    &theirs[0].cap, EXO_RIGHT_READ), -EXO_ENOTOWNER, &bad);
	demo_try("free alpha's frame", exo_frame_free(e, &theirs[0]),
	    -EXO_ENOTOWNER, &bad);
	forged = theirs[0].cap;
	forged.owner = exo_libos_id(e);
	demo_try("claim it by rewriting the owner", exo_cap_check(e, &forged,
	    0), -EXO_EBADCAP, &bad);
	forged = mine[0].cap;
	forged.id = theirs[0].cap.id;
	demo_try("relabel its own capability to alpha's frame",
	    exo_cap_check(e, &forged, 0), -EXO_EBADCAP, &bad);
	fflush(stdout);
	xwrite(to_parent, "t", 1);
	xread(from_parent, &go, 1);		/* alpha freed one frame */
	if ((error = exo_frame_alloc(e, &reused)) != 0)
		die("beta", "frame_alloc", error);
	if (exo_frame_map(&reused, PROT_READ | PROT_WRITE) == NULL)
		die("beta", "frame_map", -EXO_ESYS);
	printf("beta:  bound frame %llu%s; it reads as zeros: %s\n",
	    (unsigned long long)reused.cap.id,
	    reused.cap.id == theirs[DEMO_FRAMES - 1].cap.id ?
	    " (alpha's old frame)" : "", demo_zero(reused.va) ? "yes" : "NO");
	if (!demo_zero(reused.va))
		bad = 1;
	fflush(stdout);
	xwrite(to_parent, "r", 1);
	xread(from_parent, &go, 1);
	exo_disconnect(e);
	exit(bad || !demo_intact("beta", mine, DEMO_FRAMES) ? 1 : 0);
}

static pid_t
demo_spawn(void (*fn)(int, int), int *to_child, int *from_child)
{
	int	down[2], up[2];
	pid_t	pid;

	if (pipe(down) == -1 || pipe(up) == -1) {
		perror("exo-demo: pipe");
		exit(1);
	}
	if ((pid = fork()) == -1) {
		perror("exo-demo: fork");
		exit(1);
	}
	if (pid == 0) {
		close(down[1]);
		close(up[0]);
		fn(up[1], down[0]);
	}
	close(down[0]);
	close(up[1]);
	*to_child = down[1];
	*from_child = up[0];
	return (pid);
}

static void
demo_exoctl(const char *exoctl)
{
	char	cmd[1024];

	printf("\n$ exoctl status\n");
	fflush(stdout);
	snprintf(cmd, sizeof cmd, "'%s' -S '%s' status", exoctl, demo_sock);
	if (system(cmd) != 0)
		printf("(exoctl failed)\n");
	printf("\n");
	fflush(stdout);
}

static int
demo_reap(pid_t pid)
{
	int	status;

	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return (0);
	return (WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int
main(int argc, char **argv)
{
	struct exo_frame	 f[DEMO_FRAMES];
	const char		*exoctl = "exoctl";
	pid_t			 a, b;
	int			 a_in, a_out, b_in, b_out, ch, ok;
	char			 c;

	while ((ch = getopt(argc, argv, "S:x:")) != -1) {
		switch (ch) {
		case 'S':
			demo_sock = optarg;
			break;
		case 'x':
			exoctl = optarg;
			break;
		default:
			fprintf(stderr, "usage: exo-demo [-S socket] "
			    "[-x exoctl]\n");
			return (2);
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	a = demo_spawn(demo_alpha, &a_in, &a_out);
	b = demo_spawn(demo_beta, &b_in, &b_out);
	xread(a_out, f, sizeof f);		/* alpha's capabilities */
	xwrite(b_in, f, sizeof f);		/* ... handed to beta */
	xread(b_out, &c, 1);			/* beta has tried */
	demo_exoctl(exoctl);
	xwrite(a_in, "g", 1);
	xread(a_out, &c, 1);			/* alpha freed a frame */
	xwrite(b_in, "g", 1);
	xread(b_out, &c, 1);			/* beta bound one */
	xwrite(a_in, "g", 1);
	xwrite(b_in, "g", 1);
	ok = demo_reap(a) & demo_reap(b);
	printf("\nsummary: two libOSes shared one exod; neither could reach "
	    "the other's frames; a reused frame arrived wiped: %s\n",
	    ok ? "PASS" : "FAIL");
	return (ok ? 0 : 1);
}
