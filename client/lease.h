/*
 * lease.h - the device's lease: a replica that has not synced for longer
 * than the council's `lease_days` setting (calendar days; default
 * LEASE_DAYS_DEFAULT) locks its case content until it syncs again.
 */
#ifndef LEASE_H
#define LEASE_H

#include "handle.h"

#define LEASE_DAYS_DEFAULT 30
#define LEASE_DAYS_MIN 1
#define LEASE_DAYS_MAX 365

/*
 * lease_check - whether h may read or write case content now.  Returns 0
 * if the replica never synced (meta last_sync unset) or the server-
 * corrected clock is within lease_days of the last sync; IRO_ELOCKED with
 * "no sync for N days (the council's limit is M): run iro sync" in h's
 * message if not; or the replica's error.  lease_days is the synced
 * `setting` record of that name; absent, deleted or not a whole number
 * LEASE_DAYS_MIN..LEASE_DAYS_MAX, the default applies.
 */
int lease_check(struct iro *h);

#endif
