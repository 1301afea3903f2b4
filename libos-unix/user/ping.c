/*
 * ping - send ICMP echo requests and report the replies:
 *	ping [-c count] [-i ms] [-s size] [-W ms] host
 *
 * One request each interval (-i, default 1000 ms; 0: the next as soon as
 * the last reply came), each carrying its send time and a pattern; a
 * reply counts only if it carries them back unchanged.  Prints a line
 * per reply with its round-trip time, then the transmitted, received
 * and lost counts and the minimum, average and maximum times.  Exit 0
 * if any reply came, 1 if none did, 2 on a usage error.
 */
#include "kernel/types.h"
#include "kernel/net.h"
#include "user/user.h"

static void __attribute__((noreturn))
usage(void)
{
	fprintf(2, "usage: ping [-c count] [-i ms] [-s size] [-W ms] host\n");
	exit(2);
}

/* "N.NNN" milliseconds from microseconds. */
static void
ms(uint64 us)
{
	uint	frac = (uint)(us % 1000);

	printf("%u.%c%c%c", (uint)(us / 1000), '0' + frac / 100,
	    '0' + frac / 10 % 10, '0' + frac % 10);
}

static int
num(const char *s)
{
	if (*s < '0' || *s > '9')
		usage();
	return (atoi(s));
}

int
main(int argc, char *argv[])
{
	static uchar	out[NET_DGRAM_MAX], in[NET_DGRAM_MAX];
	uint64		t0, t, rtt, min = ~0UL, max = 0, sum = 0, now;
	uint		dst, from;
	char		a[16];
	int		count = 0, interval = 1000, size = 56, wait = 1000;
	int		i, j, fd, seq, n, sent = 0, got = 0;

	for (i = 1; i < argc - 1; i += 2) {
		if (strcmp(argv[i], "-c") == 0)
			count = num(argv[i + 1]);
		else if (strcmp(argv[i], "-i") == 0)
			interval = num(argv[i + 1]);
		else if (strcmp(argv[i], "-s") == 0)
			size = num(argv[i + 1]);
		else if (strcmp(argv[i], "-W") == 0)
			wait = num(argv[i + 1]);
		else
			usage();
	}
	if (i != argc - 1 || ipaddr(argv[i], &dst) != 0 || size < 8 ||
	    size > NET_DGRAM_MAX || wait < 1)
		usage();
	if ((fd = socket(SOCK_ICMP, 0)) < 0) {
		fprintf(2, "ping: no network (libos-unix -a)\n");
		exit(1);
	}
	printf("PING %s: %d data bytes\n", ipstr(dst, a), size);
	for (seq = 1; count == 0 || seq <= count; seq++) {
		t0 = uptimeus();
		memcpy(out, &t0, 8);
		for (j = 8; j < size; j++)
			out[j] = (uchar)(j + seq);
		if (sendto(fd, out, size, dst, seq) != size) {
			fprintf(2, "ping: %s: cannot send\n", a);
			exit(1);
		}
		sent++;
		/* Replies until ours, or until it is too late for it. */
		for (;;) {
			now = uptimeus();
			if (now - t0 >= (uint64)wait * 1000)
				break;
			sotimeout(fd, (int)((uint64)wait - (now - t0) / 1000));
			n = recvfrom(fd, in, sizeof in, &from, &j);
			if (n < 0)
				break;
			if (from != dst || j != seq || n != size ||
			    memcmp(in, out, size) != 0)
				continue;
			t = uptimeus();
			memcpy(&t0, in, 8);
			rtt = t - t0;
			printf("%d bytes from %s: icmp_seq=%d time=", n + 8,
			    a, seq);
			ms(rtt);
			printf(" ms\n");
			got++;
			sum += rtt;
			if (rtt < min)
				min = rtt;
			if (rtt > max)
				max = rtt;
			break;
		}
		if (count != 0 && seq == count)
			break;
		now = uptimeus();
		if (interval > 0 && now - t0 < (uint64)interval * 1000)
			sleep((int)(((uint64)interval * 1000 - (now - t0)) /
			    10000));
	}
	printf("--- %s ping statistics ---\n", a);
	printf("%d packets transmitted, %d received, %d%% packet loss\n",
	    sent, got, sent > 0 ? (sent - got) * 100 / sent : 0);
	if (got > 0) {
		printf("rtt min/avg/max = ");
		ms(min);
		printf("/");
		ms(sum / (uint64)got);
		printf("/");
		ms(max);
		printf(" ms\n");
	}
	exit(got > 0 ? 0 : 1);
}
