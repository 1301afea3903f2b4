/*
 * kt_churn - a metadata-heavy workload for the crash test (t/unix-fs.t):
 * in a directory of its own, make files, write them, link them, rename
 * them by link and unlink, make and remove directories, again and again.
 *
 *	kt_churn rounds dir
 *
 * Prints "kt_churn: N rounds" at the end, if nobody killed it first.
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"

static char	kc_buf[3000];

static void
kc_name(char *out, const char *dir, const char *what, int i)
{
	char	num[12];
	int	k = 0, j;

	do {
		num[k++] = (char)('0' + i % 10);
		i /= 10;
	} while (i > 0 && k < 10);
	strcpy(out, dir);
	j = (int)strlen(out);
	out[j++] = '/';
	strcpy(out + j, what);
	j += (int)strlen(what);
	while (k > 0)
		out[j++] = num[--k];
	out[j] = '\0';
}

int
main(int argc, char *argv[])
{
	char	a[64], b[64], sub[64];
	int	rounds, i, fd;

	if (argc != 3 || strlen(argv[2]) > 20) {
		fprintf(2, "usage: kt_churn rounds dir\n");
		exit(2);
	}
	rounds = atoi(argv[1]);
	mkdir(argv[2]);
	for (i = 0; i < rounds; i++) {
		kc_name(a, argv[2], "f", i % 50);
		kc_name(b, argv[2], "g", i % 50);
		kc_name(sub, argv[2], "d", i % 7);
		memset(kc_buf, 'a' + i % 26, sizeof kc_buf);
		if ((fd = open(a, O_CREATE | O_RDWR | O_TRUNC)) >= 0) {
			write(fd, kc_buf, 1 + i % (int)sizeof kc_buf);
			close(fd);
		}
		link(a, b);		/* rename a to b */
		unlink(a);
		if (i % 3 == 0)
			unlink(b);
		if (i % 2 == 0)
			mkdir(sub);
		else
			unlink(sub);
	}
	printf("kt_churn: %d rounds\n", rounds);
	exit(0);
}
