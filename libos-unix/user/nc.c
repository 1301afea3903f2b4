/*
 * nc - a UDP client: nc -u [-p lport] [-w ms] host port
 *
 * Each line of standard input goes to host:port as one datagram, and
 * every reply that comes back within -w milliseconds (default 1000) of
 * the last line is printed as it is.  Exit 0 at the end of input, 1 if
 * a datagram could not be sent.
 */
#include "kernel/types.h"
#include "kernel/net.h"
#include "user/user.h"

static void __attribute__((noreturn))
usage(void)
{
	fprintf(2, "usage: nc -u [-p lport] [-w ms] host port\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	static char	line[NET_DGRAM_MAX + 1], buf[NET_DGRAM_MAX];
	uint		dst;
	int		i, fd, n, lport = 0, port, wait = 1000, udp = 0;

	for (i = 1; i < argc - 2; i++) {
		if (strcmp(argv[i], "-u") == 0)
			udp = 1;
		else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc - 2)
			lport = atoi(argv[++i]);
		else if (strcmp(argv[i], "-w") == 0 && i + 1 < argc - 2)
			wait = atoi(argv[++i]);
		else
			usage();
	}
	if (!udp || i != argc - 2 || ipaddr(argv[i], &dst) != 0 ||
	    (port = atoi(argv[i + 1])) < 1 || port > 65535 || wait < 1)
		usage();
	if ((fd = socket(SOCK_UDP, lport)) < 0 || connect(fd, dst, port) < 0) {
		fprintf(2, "nc: no socket (port in use, or no network)\n");
		exit(1);
	}
	sotimeout(fd, wait);
	for (;;) {
		for (n = 0; n < NET_DGRAM_MAX; n++) {
			if (read(0, line + n, 1) != 1)
				break;
			if (line[n] == '\n') {
				n++;
				break;
			}
		}
		if (n == 0)
			break;
		if (write(fd, line, n) != n) {
			fprintf(2, "nc: cannot send\n");
			exit(1);
		}
		while ((n = read(fd, buf, sizeof buf)) > 0)
			write(1, buf, n);
	}
	exit(0);
}
