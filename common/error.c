/*
 * error.c - iro_strerror.
 */
#include "iro_error.h"

const char *
iro_strerror(int err)
{
	switch (err) {
	case IRO_OK: return "success";
	case IRO_ENOMEM: return "out of memory";
	case IRO_EINVAL: return "invalid input";
	case IRO_EAUTH: return "authentication failed";
	case IRO_EUNREACHABLE: return "server unreachable";
	case IRO_EIO: return "file or database error";
	case IRO_ECORRUPT: return "data corrupt or tampered with";
	case IRO_ENOTFOUND: return "not found";
	case IRO_EEXIST: return "already exists";
	case IRO_EPROTO: return "malformed message";
	case IRO_ETOOBIG: return "over a limit";
	case IRO_ESKEW: return "clock too far ahead";
	case IRO_ESERVER: return "server error";
	case IRO_ENOTENROLLED: return "not enrolled";
	case IRO_EFORBIDDEN: return "not allowed";
	case IRO_ECONFLICT: return "change id reused";
	case IRO_EVERSION: return "unsupported version";
	case IRO_EINTERNAL: return "internal error";
	case IRO_EBUSY: return "database busy";
	case IRO_ESTATE: return "not allowed in the current state";
	case IRO_EREVOKED: return "device revoked";
	case IRO_ELOCKED: return "device locked: sync needed";
	}
	return "unknown error";
}
