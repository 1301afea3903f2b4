/*
 * kt_cksum - a checksum workload through the file system, for the
 * revocation tests (t/unix-fs-revoke.t): round after round, write files
 * of pseudo-random bytes, then read every one back and check it.
 *
 *	kt_cksum rounds files kbytes
 *	kt_cksum -v round files kbytes
 *
 * Round r writes ck0 .. ck(files-1), each of kbytes KiB, the bytes of
 * file f drawn from a generator seeded by (r, f), 32 KiB per write(2);
 * then reads them all back and compares them with the generator's.  It
 * prints "kt_cksum: start" before the first round and "kt_cksum: ok N
 * rounds" after the last, or names the first difference and exits 1.
 * The files stay; -v checks that they hold round round's bytes (after a
 * restart: what was written reached the disk).
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"

#define KC_CHUNK	(32 * 1024)

static unsigned char	kc_buf[KC_CHUNK];
static unsigned char	kc_want[KC_CHUNK];

/* xorshift32: the bytes of one file, chunk after chunk. */
static uint
kc_next(uint *s)
{
	uint	x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return (x);
}

static void
kc_fill(unsigned char *p, int n, uint *s)
{
	int	i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(kc_next(s) >> 11);
}

static uint
kc_seed(int round, int f)
{
	return (2654435761U * (uint)(round + 1) ^ (uint)(f + 1) * 40503U) | 1;
}

static void
kc_name(char *out, int f)
{
	strcpy(out, "ck");
	out[2] = (char)('0' + f / 10);
	out[3] = (char)('0' + f % 10);
	out[4] = '\0';
}

static int
kc_write(int round, int f, int kbytes)
{
	char	name[8];
	uint	s = kc_seed(round, f);
	int	fd, left, n;

	kc_name(name, f);
	if ((fd = open(name, O_CREATE | O_WRONLY | O_TRUNC)) < 0) {
		fprintf(2, "kt_cksum: round %d: cannot make %s\n", round,
		    name);
		return (-1);
	}
	for (left = kbytes * 1024; left > 0; left -= n) {
		n = left < KC_CHUNK ? left : KC_CHUNK;
		kc_fill(kc_buf, n, &s);
		if (write(fd, kc_buf, n) != n) {
			fprintf(2, "kt_cksum: round %d: write %s failed\n",
			    round, name);
			close(fd);
			return (-1);
		}
	}
	close(fd);
	return (0);
}

static int
kc_check(int round, int f, int kbytes)
{
	char	name[8];
	uint	s = kc_seed(round, f);
	int	fd, left, n, got, off = 0, i;

	kc_name(name, f);
	if ((fd = open(name, O_RDONLY)) < 0) {
		fprintf(2, "kt_cksum: round %d: %s is missing\n", round, name);
		return (-1);
	}
	for (left = kbytes * 1024; left > 0; left -= n, off += n) {
		n = left < KC_CHUNK ? left : KC_CHUNK;
		kc_fill(kc_want, n, &s);
		if ((got = read(fd, kc_buf, n)) != n) {
			fprintf(2, "kt_cksum: round %d: %s: %d bytes at %d, "
			    "not %d\n", round, name, got, off, n);
			close(fd);
			return (-1);
		}
		if (memcmp(kc_buf, kc_want, n) != 0) {
			for (i = 0; kc_buf[i] == kc_want[i]; i++)
				;
			fprintf(2, "kt_cksum: round %d: %s: byte %d differs\n",
			    round, name, off + i);
			close(fd);
			return (-1);
		}
	}
	got = read(fd, kc_buf, 1);
	close(fd);
	if (got != 0) {
		fprintf(2, "kt_cksum: round %d: %s is too long\n", round, name);
		return (-1);
	}
	return (0);
}

int
main(int argc, char *argv[])
{
	int	verify, rounds, files, kbytes, r, f;

	verify = argc == 5 && strcmp(argv[1], "-v") == 0;
	if (argc != 4 + verify) {
		fprintf(2, "usage: kt_cksum rounds files kbytes\n"
		    "       kt_cksum -v round files kbytes\n");
		exit(2);
	}
	rounds = atoi(argv[1 + verify]);
	files = atoi(argv[2 + verify]);
	kbytes = atoi(argv[3 + verify]);
	if (files < 1 || files > 99 || kbytes < 1 || rounds < 0) {
		fprintf(2, "kt_cksum: 1 to 99 files of 1 KiB or more\n");
		exit(2);
	}
	if (verify) {
		for (f = 0; f < files; f++)
			if (kc_check(rounds, f, kbytes) != 0)
				exit(1);
		printf("kt_cksum: round %d intact\n", rounds);
		exit(0);
	}
	printf("kt_cksum: start\n");
	for (r = 0; r < rounds; r++) {
		for (f = 0; f < files; f++)
			if (kc_write(r, f, kbytes) != 0)
				exit(1);
		for (f = 0; f < files; f++)
			if (kc_check(r, f, kbytes) != 0)
				exit(1);
	}
	printf("kt_cksum: ok %d rounds\n", rounds);
	exit(0);
}
