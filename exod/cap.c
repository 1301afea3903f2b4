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

/*
 * Capabilities exod has sealed or verified, by the slot their type and id
 * hash to.  A capability whose 40 bytes equal a cached one carries a MAC
 * that verified under this run's key, so it verifies again; everything
 * else about it (owner, generation, rights) is still checked by its
 * caller against exod's state now.  The comparison is constant-time, as
 * the MAC's is.
 */
#define CAP_CACHE	4096
_Static_assert(CAP_CACHE == 1 << 12, "cap_cache_slot takes 12 bits");

struct cap_cached {
	struct exo_cap	cap;
	int		valid;	/* cap was sealed or verified; else unused */
};
static struct cap_cached	 cap_cache[CAP_CACHE];

static struct cap_cached *
cap_cache_slot(const struct exo_cap *c)
{
	uint64_t	h = (c->id ^ ((uint64_t)c->type << 56) ^
			    ((uint64_t)c->owner << 24)) * 0x9e3779b97f4a7c15ULL;

	return (&cap_cache[h >> 52]);
}

static void
cap_cache_put(const struct exo_cap *c)
{
	struct cap_cached	*slot = cap_cache_slot(c);

	slot->cap = *c;
	slot->valid = 1;
}

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
	sodium_memzero(cap_cache, sizeof cap_cache);
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
	cap_cache_put(c);
}

/* 0 when the MAC is exod's own, else -EXO_EBADCAP. */
int
cap_verify(const struct exo_cap *c)
{
	struct cap_cached	*hit = cap_cache_slot(c);
	unsigned char		 mac[EXO_CAP_MACLEN];

	/* An empty slot must never match: all zeros is no capability. */
	if (hit->valid && sodium_memcmp(&hit->cap, c, sizeof *c) == 0)
		return (0);
	cap_mac(c, mac);
	if (sodium_memcmp(mac, c->mac, EXO_CAP_MACLEN) != 0)
		return (-EXO_EBADCAP);
	cap_cache_put(c);
	return (0);
}
