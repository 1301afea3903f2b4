/*
 * error.c - exo_strerror: words for the EXO_E* codes.
 */
#include "config.h"

#include "exo.h"

static const char *const exo_errstr[EXO_ERR_MAX + 1] = {
	[EXO_OK] = "success",
	[EXO_EPROTO] = "malformed message",
	[EXO_EVERSION] = "protocol version mismatch",
	[EXO_ENOSYS] = "unknown request type",
	[EXO_EINVAL] = "invalid argument",
	[EXO_EBADCAP] = "capability forged or altered",
	[EXO_ENOTOWNER] = "capability belongs to another libOS",
	[EXO_ESTALE] = "capability is stale",
	[EXO_ERIGHTS] = "capability lacks the rights",
	[EXO_ENOMEM] = "out of physical memory or disk blocks",
	[EXO_ESTATE] = "request not valid now",
	[EXO_EPERM] = "not permitted",
	[EXO_EBUSY] = "exod is busy: too many peers or requests",
	[EXO_ECONN] = "no connection to exod",
	[EXO_ESYS] = "system call failed",
	[EXO_ENOLIBOS] = "no such libOS",
	[EXO_ENOENTRY] = "no such entry point",
	[EXO_EDIED] = "target libOS died during the call",
	[EXO_EOVERFLOW] = "event queue full: event dropped",
	[EXO_ECONFLICT] = "slot bound to another libOS",
	[EXO_EBUSYTARGET] = "target is busy with another call",
	[EXO_EIO] = "disk input/output error",
	[EXO_ELIMIT] = "over the protected minimum",
	[EXO_ETIMEDOUT] = "no answer in time",
	[EXO_EREVOKING] = "being revoked already",
	[EXO_ENFILE] = "exod is out of descriptors",
	[EXO_ENODISPLAY] = "exod has no display (exod -F)",
	[EXO_ETILEBUSY] = "tile bound already",
	[EXO_ENOTILES] = "not enough free tiles",
	[EXO_EGRANTED] = "only the owner's capability will do",
	[EXO_EGRANTS] = "too many grants",
	[EXO_EBPF] = "packet filter refused by the verifier",
	[EXO_EOVERLAP] = "packet filter overlaps another libOS's traffic",
	[EXO_ESPOOF] = "frame's source address not claimed by this libOS",
	[EXO_ENONET] = "exod has no network interface",
	[EXO_ERING] = "disk ring index out of range",
	[EXO_ETORN] = "disk ring entry torn",
	[EXO_ECLOSED] = "call channel closed",
	[EXO_ETOOMANY] = "too many bound already",
};

const char *
exo_strerror(int error)
{
	if (error < 0)
		error = -error;
	if (error > EXO_ERR_MAX || exo_errstr[error] == NULL)
		return ("unknown error");
	return (exo_errstr[error]);
}
