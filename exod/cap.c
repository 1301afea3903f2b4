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

/*
 * The key, and BLAKE2b's state after absorbing it: each MAC starts from a
 * copy of that state instead of compressing the key block again, which
 * halves the cost of sealing and verifying.  Both live in sodium_malloc()
 * memory, read-only once made.
 */
struct cap_secret {
	unsigned char			key[CAP_KEYLEN];
	crypto_generichash_state	keyed;
};
static struct cap_secret	*cap_secret;	/* NULL until cap_init */

int
cap_init(void)
{
	if (sodium_init() < 0)
		return (-1);
	if ((cap_secret = sodium_malloc(sizeof *cap_secret)) == NULL)
		return (-1);
	randombytes_buf(cap_secret->key, CAP_KEYLEN);
	if (crypto_generichash_init(&cap_secret->keyed, cap_secret->key,
	    CAP_KEYLEN, EXO_CAP_MACLEN) != 0)
		return (-1);
	sodium_mprotect_readonly(cap_secret);
	return (0);
}

void
cap_fini(void)
{
	if (cap_secret != NULL) {
		sodium_free(cap_secret);	/* wipes before unmapping */
		cap_secret = NULL;
	}
}

static void
cap_mac(const struct exo_cap *c, unsigned char *mac)
{
	crypto_generichash_state	st = cap_secret->keyed;

	crypto_generichash_update(&st, (const unsigned char *)c,
	    EXO_CAP_SEALED);
	crypto_generichash_final(&st, mac, EXO_CAP_MACLEN);
	sodium_memzero(&st, sizeof st);
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
