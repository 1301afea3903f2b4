/*
 * inet.c - IPv4 addresses between text and numbers, for the network
 * programs: "a.b.c.d" <-> a host-order uint (kernel/net.h's order).
 */
#include "kernel/types.h"
#include "user/user.h"

/* "a.b.c.d" into *a: 0, or -1 if s is not four numbers 0-255. */
int
ipaddr(const char *s, uint *a)
{
	uint	r = 0, v;
	int	i, digits;

	for (i = 0; i < 4; i++) {
		v = 0;
		for (digits = 0; *s >= '0' && *s <= '9'; s++, digits++) {
			v = v * 10 + (uint)(*s - '0');
			if (digits == 3 || v > 255)
				return (-1);
		}
		if (digits == 0)
			return (-1);
		r = r << 8 | v;
		if (i < 3 && *s++ != '.')
			return (-1);
	}
	if (*s != '\0')
		return (-1);
	*a = r;
	return (0);
}

static char *
ipstr_num(char *p, uint v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return (p);
}

/* a as "a.b.c.d" in buf (16 bytes at least); buf. */
char *
ipstr(uint a, char *buf)
{
	char	*p = buf;
	int	 i;

	for (i = 3; i >= 0; i--) {
		p = ipstr_num(p, (a >> (8 * i)) & 0xff);
		if (i > 0)
			*p++ = '.';
	}
	*p = '\0';
	return (buf);
}
