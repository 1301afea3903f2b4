/*
 * net-two.t - two exods over the udp: backend form a network on the
 * loopback interface: a libOS on one sends a UDP datagram to a libOS on
 * the other, which receives it in its ring, with the sender's address
 * and ports as sent.
 */
#include <stdio.h>
#include <string.h>

#include "exo.h"
#include "harness.h"
#include "nethelp.h"
#include "pkt.h"
#include "tap.h"

#define TIMEOUT	10000

int
main(void)
{
	struct th_exod	 x, y;
	struct lc	 rx, tx;
	char		 sx[64], sy[64], line[1024];
	uint16_t	 px, py;

	plan_lazy();
	px = nh_free_port();
	py = nh_free_port();
	snprintf(sx, sizeof sx, "udp:%u:%u", px, py);
	snprintf(sy, sizeof sy, "udp:%u:%u", py, px);
	th_exod_start(&x, "-N", sx, NULL);
	th_exod_start(&y, "-N", sy, NULL);
	nh_spawn(&rx, y.sock, "-a", "10.0.1.2", "-f",
	    "ip dst host 10.0.1.2 and udp dst port 9000", "-c", "1", NULL);
	ok(lc_expect(&rx, "running", line, sizeof line, TIMEOUT),
	    "a libOS on the second exod listens on 10.0.1.2 udp/9000");
	nh_spawn(&tx, x.sock, "-a", "10.0.1.1", "-f", "ip dst host 10.0.1.1",
	    "-u", "10.0.1.2:9000:5555:hello", NULL);
	ok(lc_expect(&tx, "sent status=0", line, sizeof line, TIMEOUT),
	    "a libOS on the first sends to it");
	ok(lc_expect(&rx, "rx ", line, sizeof line, TIMEOUT) &&
	    strstr(line, "src=10.0.1.1 sport=5555 dport=9000 text=hello") !=
	    NULL, "the datagram crossed from one exod to the other: %s", line);
	lc_finish(&rx, TIMEOUT);
	lc_kill(&tx);
	return (0);
}
