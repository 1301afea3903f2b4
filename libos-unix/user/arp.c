/*
 * arp - the libOS's ARP cache, one entry a line:
 *	arp
 * "ADDRESS at MAC (valid|pending) AGE ms".
 */
#include "kernel/types.h"
#include "kernel/net.h"
#include "user/user.h"

static const char hex[] = "0123456789abcdef";

int
main(int argc, char *argv[])
{
	struct arpent	ae;
	char		a[16];
	int		i, j, r;

	if (argc != 1) {
		fprintf(2, "usage: arp\n");
		exit(2);
	}
	for (i = 0; (r = arpinfo(i, &ae)) >= 0; i++) {
		if (r == 0)
			continue;
		printf("%s at ", ipstr(ae.addr, a));
		for (j = 0; j < 6; j++)
			printf("%c%c%s", hex[ae.mac[j] >> 4],
			    hex[ae.mac[j] & 15], j < 5 ? ":" : "");
		printf(" (%s) %u ms\n", ae.state == ARP_VALID ? "valid" :
		    "pending", ae.age_ms);
	}
	exit(0);
}
