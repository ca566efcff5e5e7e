/*
 * passphrase.c - the passphrase rule and changing the passphrase:
 * iro_passphrase_check and iro_passphrase_change.  The rule is
 * documented in irosync.h.
 */
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "handle.h"

static int
refuse(char *why, size_t whylen, const char *msg)
{
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "%s", msg);
	return IRO_EINVAL;
}

/*
 * Decode the code point at p (n bytes left) into *cp; returns its length
 * in bytes, or 0 for an invalid sequence (overlong, surrogate, beyond
 * U+10FFFF, truncated).
 */
static size_t
utf8_next(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t v, min;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0) {
		len = 2, v = p[0] & 0x1f, min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3, v = p[0] & 0x0f, min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4, v = p[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (p[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

int
iro_passphrase_check(const char *pass, size_t len, char *why,
    size_t whylen)
{
	const unsigned char *p = (const unsigned char *)pass;
	uint32_t seen[IRO_PASSPHRASE_DISTINCT], cp = 0;
	size_t i = 0, step, chars = 0, distinct = 0, j;
	int digits_only = 1;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (pass == NULL)
		return refuse(why, whylen, "no passphrase given");
	while (i < len) {
		if ((step = utf8_next(p + i, len - i, &cp)) == 0)
			return refuse(why, whylen, "the passphrase is not valid "
			    "UTF-8 text");
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			return refuse(why, whylen, "the passphrase contains a "
			    "control character");
		i += step;
		chars++;
		if (cp < '0' || cp > '9')
			digits_only = 0;
		for (j = 0; j < distinct && seen[j] != cp; j++)
			;
		if (j == distinct && distinct < IRO_PASSPHRASE_DISTINCT)
			seen[distinct++] = cp;
	}
	if (chars < IRO_PASSPHRASE_MIN)
		return refuse(why, whylen, "the passphrase must be at least 12 "
		    "characters long");
	if (digits_only)
		return refuse(why, whylen, "the passphrase must not be only "
		    "digits");
	if (distinct < IRO_PASSPHRASE_DISTINCT)
		return refuse(why, whylen, "the passphrase must have at least "
		    "5 different characters, not one or a few repeated");
	return 0;
}

int
iro_passphrase_change(struct iro *h, const char *new_pass, size_t len)
{
	struct crypto_kdf_params kdf;
	char why[IRO_ERRBUF_SIZE];
	int rc;

	if (h == NULL)
		return IRO_EINVAL;
	h->errmsg[0] = '\0';
	if ((rc = iro_passphrase_check(new_pass, len, why, sizeof why)) != 0)
		return handle_fail(h, rc, "%s", why);
	crypto_kdf_default(&kdf);
	if ((rc = replica_rekey(h->replica, new_pass, len, &kdf)) != 0)
		return handle_fail_replica(h, rc, "change the passphrase");
	return 0;
}
