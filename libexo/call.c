/*
 * call.c - events and protected control transfer between libOSes.
 */
#include "config.h"

#include <string.h>

#include "libexo-int.h"

int
exo_event_send(struct exo *e, uint32_t target, uint64_t value)
{
	struct exo_event_send	req;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	memset(&req, 0, sizeof req);
	req.target = target;
	req.value = value;
	return (exo_request(e, EXO_MSG_EVENT_SEND, &req, sizeof req, NULL, 0,
	    NULL, NULL, 0, NULL));
}

/*
 * Call target's protected entry with len bytes of req; its answer goes to
 * reply (at most max bytes, *replylen set).  Returns the callee's status,
 * 0 or negative, or exod's -EXO_E* when the call could not be made.
 */
int
exo_call(struct exo *e, uint32_t target, const void *req, size_t len,
    void *reply, size_t max, size_t *replylen)
{
	struct {
		struct exo_call		hdr;
		unsigned char		data[EXO_CALL_MAX];
	}			msg;
	struct {
		struct exo_call_reply	hdr;
		unsigned char		data[EXO_CALL_MAX];
	}			rep;
	size_t			rlen;
	int			error;

	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (len > EXO_CALL_MAX || (len > 0 && req == NULL))
		return (-EXO_EINVAL);
	if (replylen != NULL)
		*replylen = 0;
	msg.hdr.target = target;
	msg.hdr.len = (uint32_t)len;
	if (len > 0)
		memcpy(msg.data, req, len);
	error = exo_request(e, EXO_MSG_CALL, &msg, sizeof msg.hdr + len, &rep,
	    sizeof rep, &rlen, NULL, 0, NULL);
	if (error != 0)
		return (error);
	if (rlen < sizeof rep.hdr || rlen != sizeof rep.hdr + rep.hdr.len)
		return (-EXO_EPROTO);
	if (rep.hdr.len > max)
		return (-EXO_EINVAL);
	if (rep.hdr.len > 0)
		memcpy(reply, rep.data, rep.hdr.len);
	if (replylen != NULL)
		*replylen = rep.hdr.len;
	return (rep.hdr.status);
}
