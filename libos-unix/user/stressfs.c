/*
 * stressfs - several processes at once each write a file of their own,
 * read it back and check it, and remove it: the buffer cache, the log's
 * group commit and the locks on inodes under contention.
 *
 *	stressfs [nproc [kbytes]]	(default 4 processes, 64 KiB each)
 *
 * Prints "stressfs ok" when every child found its bytes.
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"

static char	sf_buf[512];

static int
sf_child(int id, int kb)
{
	char	name[16];
	int	fd, i, j, bad = 0;

	strcpy(name, "stressfs0");
	name[8] = (char)('a' + id % 26);
	if ((fd = open(name, O_CREATE | O_RDWR | O_TRUNC)) < 0)
		return (1);
	for (i = 0; i < kb * 2; i++) {
		memset(sf_buf, 'a' + (id + i) % 26, sizeof sf_buf);
		if (write(fd, sf_buf, sizeof sf_buf) != sizeof sf_buf)
			return (2);
	}
	close(fd);
	if ((fd = open(name, O_RDONLY)) < 0)
		return (3);
	for (i = 0; i < kb * 2; i++) {
		if (read(fd, sf_buf, sizeof sf_buf) != sizeof sf_buf)
			return (4);
		for (j = 0; j < (int)sizeof sf_buf; j++)
			if (sf_buf[j] != 'a' + (id + i) % 26)
				bad = 1;
	}
	close(fd);
	if (unlink(name) < 0)
		return (5);
	return (bad ? 6 : 0);
}

int
main(int argc, char *argv[])
{
	int	n = 4, kb = 64, i, st, bad = 0;

	if (argc > 1)
		n = atoi(argv[1]);
	if (argc > 2)
		kb = atoi(argv[2]);
	if (n < 1 || n > 26 || kb < 1) {
		fprintf(2, "usage: stressfs [nproc [kbytes]]\n");
		exit(2);
	}
	for (i = 0; i < n; i++) {
		int	pid = fork();

		if (pid < 0) {
			fprintf(2, "stressfs: fork failed\n");
			exit(1);
		}
		if (pid == 0)
			exit(sf_child(i, kb));
	}
	for (i = 0; i < n; i++) {
		if (wait(&st) < 0 || st != 0)
			bad++;
	}
	if (bad) {
		printf("stressfs: %d of %d failed\n", bad, n);
		exit(1);
	}
	printf("stressfs ok\n");
	exit(0);
}
