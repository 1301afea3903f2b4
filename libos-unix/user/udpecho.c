/*
 * udpecho - a UDP echo server: udpecho [-n count] port
 *
 * Every datagram that comes to port goes back to its sender unchanged.
 * With -n it exits after count datagrams, printing how many it echoed;
 * else it runs until killed.
 */
#include "kernel/types.h"
#include "kernel/net.h"
#include "user/user.h"

static void __attribute__((noreturn))
usage(void)
{
	fprintf(2, "usage: udpecho [-n count] port\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	static char	buf[NET_DGRAM_MAX];
	uint		from;
	int		fd, n, port, fport, count = 0, done = 0, i = 1;

	if (argc == 4 && strcmp(argv[1], "-n") == 0) {
		count = atoi(argv[2]);
		i = 3;
	}
	if (argc != i + 1 || argv[i][0] < '0' || argv[i][0] > '9' ||
	    (port = atoi(argv[i])) < 1 || port > 65535)
		usage();
	if ((fd = socket(SOCK_UDP, port)) < 0) {
		fprintf(2, "udpecho: port %d: in use, or no network\n", port);
		exit(1);
	}
	while (count == 0 || done < count) {
		if ((n = recvfrom(fd, buf, sizeof buf, &from, &fport)) < 0) {
			fprintf(2, "udpecho: receive failed\n");
			exit(1);
		}
		if (sendto(fd, buf, n, from, fport) == n)
			done++;
	}
	printf("udpecho: %d datagrams echoed\n", done);
	exit(0);
}
