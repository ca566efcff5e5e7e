/*
 * iro_error.h - the one error enum shared by the IRO Sync client library,
 * the server and every internal module.
 *
 * Every function that can fail returns 0 (IRO_OK) or one of these negative
 * values.  Numbers are never reused: a retired code keeps its slot.
 */
#ifndef IRO_ERROR_H
#define IRO_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

enum iro_error {
	IRO_OK = 0,
	IRO_ENOMEM = -1,         /* out of memory */
	IRO_EINVAL = -2,         /* invalid argument or input */
	IRO_EAUTH = -3,          /* passphrase, password or device refused */
	IRO_EUNREACHABLE = -4,   /* server could not be reached */
	IRO_EIO = -5,            /* file or database error */
	IRO_ECORRUPT = -6,       /* stored data corrupt or tampered with */
	IRO_ENOTFOUND = -7,      /* no such record, user, device or file */
	IRO_EEXIST = -8,         /* already exists */
	IRO_EPROTO = -9,         /* malformed or unexpected message */
	IRO_ETOOBIG = -10,       /* over a hard limit */
	IRO_ESKEW = -11,         /* clock too far ahead of the server's */
	IRO_ESERVER = -12,       /* the server reported an internal error */
	IRO_ENOTENROLLED = -13,  /* no replica here: enrol first */
	IRO_EFORBIDDEN = -14,    /* not allowed for this user or role */
	IRO_ECONFLICT = -15,     /* a change id was reused with other content */
	IRO_EVERSION = -16,      /* unsupported protocol or file version */
	IRO_EINTERNAL = -17,     /* a bug: an invariant did not hold */
	IRO_EBUSY = -18,         /* database locked by another process */
	IRO_ESTATE = -19,        /* not allowed in the record's current state */
	IRO_EREVOKED = -20,      /* device revoked: the replica was erased */
	IRO_ELOCKED = -21        /* device locked: no sync within the lease */
};

/*
 * iro_strerror - a short lowercase description of an error code.
 * Returns a static string; never NULL (unknown codes get "unknown error").
 * Thread-safe.
 */
const char *iro_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif
