/*
 * cap.c - sealing and verifying capabilities.
 *
 * A capability is sealed with a keyed BLAKE2b MAC over its first
 * EXO_CAP_SEALED bytes.  The key is made at start, lives in
 * sodium_malloc()ed memory (locked, guarded, read-only once written) and
 * is wiped by cap_fini().  Verification compares in constant time, so the
 * time a forged capability takes to fail says nothing about the key.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include <sodium.h>

#include "exod.h"

#define CAP_KEYLEN	crypto_generichash_KEYBYTES	/* 32 */

_Static_assert(offsetof(struct exo_cap, mac) == EXO_CAP_SEALED,
    "the MAC covers exactly the fields before it");
_Static_assert(EXO_CAP_MACLEN >= crypto_generichash_BYTES_MIN,
    "MAC length within BLAKE2b's range");

static unsigned char	*cap_key;	/* NULL until cap_init; read-only */

int
cap_init(void)
{
	if (sodium_init() < 0)
		return (-1);
	if ((cap_key = sodium_malloc(CAP_KEYLEN)) == NULL)
		return (-1);
	randombytes_buf(cap_key, CAP_KEYLEN);
	sodium_mprotect_readonly(cap_key);
	return (0);
}

void
cap_fini(void)
{
	if (cap_key != NULL) {
		sodium_free(cap_key);	/* wipes before unmapping */
		cap_key = NULL;
	}
}

static void
cap_mac(const struct exo_cap *c, unsigned char *mac)
{
	crypto_generichash(mac, EXO_CAP_MACLEN, (const unsigned char *)c,
	    EXO_CAP_SEALED, cap_key, CAP_KEYLEN);
}

void
cap_seal(struct exo_cap *c)
{
	cap_mac(c, c->mac);
}

/* 0 when the MAC is exod's own, else -EXO_EBADCAP. */
int
cap_verify(const struct exo_cap *c)
{
	unsigned char	mac[EXO_CAP_MACLEN];

	cap_mac(c, mac);
	if (sodium_memcmp(mac, c->mac, EXO_CAP_MACLEN) != 0)
		return (-EXO_EBADCAP);
	return (0);
}
