/*
 * udpcheck - an exchange of datagrams with an echo server, every byte
 * checked:  udpcheck [-s size] [-w ms] host port count
 *
 * Datagram i carries i and a pattern made from i; it is sent, and its
 * echo awaited for -w ms (default 500).  An echo whose bytes differ in
 * any way is counted bad; one that does not come in time is counted
 * lost (a late echo of an earlier datagram is recognised by its number
 * and skipped).  Prints "udpcheck: sent N received N lost N bad N".
 * Exit 0 if nothing was bad, 1 otherwise.
 */
#include "kernel/types.h"
#include "kernel/net.h"
#include "user/user.h"

static void __attribute__((noreturn))
usage(void)
{
	fprintf(2, "usage: udpcheck [-s size] [-w ms] host port count\n");
	exit(2);
}

static void
fill(uchar *b, int size, uint i)
{
	int	j;

	memcpy(b, &i, 4);
	for (j = 4; j < size; j++)
		b[j] = (uchar)(i * 7 + (uint)j * 13);
}

int
main(int argc, char *argv[])
{
	static uchar	out[NET_DGRAM_MAX], in[NET_DGRAM_MAX];
	uint		dst, from, i, num;
	int		a = 1, size = 64, wait = 500, port, count, fd, n, fp;
	int		got = 0, lost = 0, bad = 0;

	for (; a + 1 < argc && argv[a][0] == '-'; a += 2) {
		if (strcmp(argv[a], "-s") == 0)
			size = atoi(argv[a + 1]);
		else if (strcmp(argv[a], "-w") == 0)
			wait = atoi(argv[a + 1]);
		else
			usage();
	}
	if (argc - a != 3 || ipaddr(argv[a], &dst) != 0 || size < 4 ||
	    size > NET_DGRAM_MAX || wait < 1)
		usage();
	port = atoi(argv[a + 1]);
	count = atoi(argv[a + 2]);
	if ((fd = socket(SOCK_UDP, 0)) < 0 || connect(fd, dst, port) < 0) {
		fprintf(2, "udpcheck: no socket\n");
		exit(1);
	}
	sotimeout(fd, wait);
	for (i = 0; i < (uint)count; i++) {
		fill(out, size, i);
		if (write(fd, out, size) != size) {
			fprintf(2, "udpcheck: cannot send %u\n", i);
			exit(1);
		}
		for (;;) {
			if ((n = recvfrom(fd, in, sizeof in, &from, &fp)) < 0) {
				lost++;
				break;
			}
			memcpy(&num, in, 4);
			if (n >= 4 && num < i)
				continue;	/* a late echo */
			if (n != size || memcmp(in, out, size) != 0)
				bad++;
			else
				got++;
			break;
		}
	}
	printf("udpcheck: sent %d received %d lost %d bad %d\n", count, got,
	    lost, bad);
	exit(bad == 0 ? 0 : 1);
}
