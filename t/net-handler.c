/*
 * net-handler.c - a native packet handler for t/net.t: exod runs it, for
 * a trusted user only, on each packet of that user's filter.  It answers
 * a UDP datagram with the same payload, "echo:" in front, from the port
 * it came to, and consumes the packet (the libOS never sees it).  A
 * payload that begins with "spoof" is answered from the next address
 * instead, one its libOS did not claim: exod must refuse to send it.
 */
#include <string.h>

#include "exo_handler.h"

exo_net_handler_fn exo_net_handler;

int
exo_net_handler(const struct exo_handler_pkt *in, struct exo_handler_out *out)
{
	const uint8_t	*p = in->data;
	uint8_t		*o = out->data;
	size_t		 hl, plen;
	uint32_t	 sum = 0;
	size_t		 i;

	if (in->len < 42 || p[12] != 0x08 || p[13] != 0x00 || p[23] != 17)
		return (EXO_HANDLER_DELIVER);
	hl = (size_t)(p[14] & 0xf) * 4;
	if (hl != 20 || in->len + 5 > sizeof out->data)
		return (EXO_HANDLER_DELIVER);
	plen = in->len - 42;
	memcpy(o, p + 6, 6);			/* back to the sender */
	memcpy(o + 6, p, 6);
	memcpy(o + 12, p + 12, 2);
	memcpy(o + 14, p + 14, 12);		/* version .. checksum */
	memcpy(o + 26, p + 30, 4);		/* swap the addresses */
	memcpy(o + 30, p + 26, 4);
	if (plen >= 5 && memcmp(p + 42, "spoof", 5) == 0)
		o[29]++;			/* not the claimed source */
	o[16] = (uint8_t)((20 + 8 + 5 + plen) >> 8);
	o[17] = (uint8_t)(20 + 8 + 5 + plen);
	o[24] = o[25] = 0;
	for (i = 14; i < 34; i += 2)
		sum += (uint32_t)(o[i] << 8 | o[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	o[24] = (uint8_t)(~sum >> 8);
	o[25] = (uint8_t)~sum;
	memcpy(o + 34, p + 36, 2);		/* swap the ports */
	memcpy(o + 36, p + 34, 2);
	o[38] = (uint8_t)((8 + 5 + plen) >> 8);
	o[39] = (uint8_t)(8 + 5 + plen);
	o[40] = o[41] = 0;
	memcpy(o + 42, "echo:", 5);
	memcpy(o + 47, p + 42, plen);
	out->len = (uint32_t)(47 + plen);
	return (EXO_HANDLER_CONSUMED);
}
