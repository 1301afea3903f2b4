/*
 * share.t - capabilities that only shrink, and sharing on the owner's
 * terms (exo(7) SHARING).
 *
 * Attenuation cannot be undone (every bit and every byte value of a
 * derived key), each right is enforced by each request that needs it, a
 * granted frame reaches its grantee with exactly the granted rights (a
 * read-only one cannot be made writable by any path), grants follow
 * their tree when revoked, freed, or when a party is killed with -9, and
 * a third libOS can use neither the grant nor the original.
 */
#define _GNU_SOURCE 1
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diskhelp.h"
#include "exo.h"
#include "harness.h"
#include "proc.h"
#include "tap.h"

#define CAPBYTES	((int)sizeof(struct exo_cap))

static struct th_exod	d;

/* CAP_DERIVE, CAP_GRANT, GRANT_REVOKE, FRAME_OPEN with any payload. */
static int
raw(struct exo *e, uint16_t type, const void *req, size_t len, void *rep,
    size_t replen, int *fd)
{
	size_t		rlen;
	unsigned	nfds = 0;
	int		fds[4], rc;

	rc = exo_request(e, type, req, len, rep, replen, &rlen, fds, 4, &nfds);
	if (fd != NULL)
		*fd = nfds > 0 ? fds[0] : -1;
	else
		while (nfds > 0)
			close(fds[--nfds]);
	return rc;
}

static int
grant(struct exo *e, const struct exo_cap *c, uint32_t to, unsigned rights,
    unsigned flags, struct exo_cap *out)
{
	return exo_cap_grant(e, c, to, rights, flags, out);
}

/* Does a store to va kill a child with SIGSEGV (the parent survives)? */
static int
store_faults(volatile unsigned char *va)
{
	pid_t	pid;
	int	st;

	fflush(NULL);
	if ((pid = fork()) == -1)
		sysbail("fork");
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		va[0] = 0x5a;
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid)
		return 0;
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV;
}

static void
test_derive(void)
{
	struct exo		*a, *b, *ctl;
	struct exo_frame	 f;
	struct exo_cap		 ro, c, back, slot[1];
	struct exo_cap_derive	 rq;
	unsigned		 n;
	int			 i, v, badcap, accepted, widened, shown = 0;

	a = th_connect(&d, "derive-a");
	b = th_connect(&d, "derive-b");
	if (exo_frame_alloc(a, &f) != 0)
		bail("frame_alloc");
	is_int(0, exo_cap_derive(a, &f.cap, EXO_RIGHT_READ, 0, &ro),
	    "derive: read-only from read-write");
	is_int(EXO_RIGHT_READ, ro.rights, "derived key carries READ only");
	ok(ro.id == f.cap.id && ro.gen == f.cap.gen && ro.owner == f.cap.owner &&
	    ro.flags == 0, "derived key names the same binding");
	ok(memcmp(ro.mac, f.cap.mac, sizeof ro.mac) != 0,
	    "derived key has its own seal");
	is_int(0, exo_cap_check(a, &ro, EXO_RIGHT_READ), "it checks READ");
	is_int(-EXO_ERIGHTS, exo_cap_check(a, &ro, EXO_RIGHT_WRITE),
	    "it does not check WRITE: ERIGHTS");
	is_int(-EXO_ERIGHTS, exo_cap_derive(a, &ro, EXO_RIGHTS_ALL, 0, &back),
	    "deriving READ|WRITE back from it: ERIGHTS");
	is_int(-EXO_ERIGHTS, exo_cap_derive(a, &ro, EXO_RIGHT_WRITE, 0, &back),
	    "deriving WRITE from it: ERIGHTS");
	is_int(-EXO_EINVAL, exo_cap_derive(a, &f.cap, 0, 0, &back),
	    "deriving no rights: EINVAL");
	is_int(-EXO_EINVAL, exo_cap_derive(a, &f.cap, 0x80, 0, &back),
	    "deriving an unknown right: EINVAL");
	is_int(-EXO_EINVAL, exo_cap_derive(a, &f.cap, EXO_RIGHT_READ, 0x10,
	    &back), "unknown derive flags: EINVAL");
	is_int(-EXO_ENOTOWNER, exo_cap_derive(b, &f.cap, EXO_RIGHT_READ, 0,
	    &back), "another libOS cannot derive from my key: ENOTOWNER");
	if (exo_slot_claim(a, 1, slot, &n) == 0 && n == 1) {
		is_int(-EXO_EINVAL, exo_cap_derive(a, &slot[0], EXO_RIGHT_READ,
		    0, &back), "a slot's key cannot be derived: EINVAL");
		exo_slot_release(a, slot, 1);
	} else
		skip("no slot to claim");
	memset(&rq, 0, sizeof rq);
	rq.cap = f.cap;
	rq.rights = EXO_RIGHT_READ;
	is_int(-EXO_EPROTO, raw(a, EXO_MSG_CAP_DERIVE, &rq, sizeof rq - 1, &c,
	    sizeof c, NULL), "a short CAP_DERIVE: EPROTO");
	if (exo_connect_control(d.sock, &ctl) != 0)
		bail("control");
	is_int(-EXO_EPERM, raw(ctl, EXO_MSG_CAP_DERIVE, &rq, sizeof rq, &c,
	    sizeof c, NULL), "a control connection cannot derive: EPERM");
	exo_disconnect(ctl);

	/* Every bit of the derived key, flipped. */
	badcap = widened = 0;
	for (i = 0; i < 8 * CAPBYTES; i++) {
		c = ro;
		((unsigned char *)&c)[i / 8] ^= (unsigned char)(1u << (i % 8));
		if (exo_cap_check(a, &c, 0) == -EXO_EBADCAP)
			badcap++;
		if (exo_cap_check(a, &c, EXO_RIGHT_WRITE) == 0 ||
		    exo_cap_derive(a, &c, EXO_RIGHTS_ALL, 0, &back) == 0)
			widened++;
	}
	is_int(8 * CAPBYTES, badcap, "all 320 bit flips of it: EBADCAP");
	is_int(0, widened, "no bit flip gives WRITE back");

	/* Every value of every byte. */
	accepted = widened = 0;
	for (i = 0; i < CAPBYTES; i++)
		for (v = 0; v < 256; v++) {
			c = ro;
			if (((unsigned char *)&c)[i] == v)
				continue;
			((unsigned char *)&c)[i] = (unsigned char)v;
			if (exo_cap_check(a, &c, 0) != -EXO_EBADCAP) {
				accepted++;
				if (shown++ < 4)
					diag("byte %d = %#x accepted", i, v);
			}
			if (exo_cap_check(a, &c, EXO_RIGHT_WRITE) == 0)
				widened++;
		}
	is_int(0, accepted, "all 40 x 255 byte values of it: EBADCAP");
	is_int(0, widened, "no byte value gives WRITE back");
	/* Replayed after the binding ends. */
	c = ro;
	if (exo_frame_free(a, &f) != 0)
		bail("frame_free");
	is_int(-EXO_ESTALE, exo_cap_check(a, &c, EXO_RIGHT_READ),
	    "derived key replayed after the frame was freed: ESTALE");
	is_int(-EXO_ESTALE, exo_cap_derive(a, &c, EXO_RIGHT_READ, 0, &back),
	    "and deriving from it: ESTALE");
	exo_disconnect(b);
	exo_disconnect(a);
}

/* Each right, on each request that needs it. */
static void
test_rights(void)
{
	struct exo		*a;
	struct exo_frame	 f[2], ro_f;
	struct exo_cap		 ro, wo, bl[2], bro, bwo;
	struct exo_stlb_req	 sr;
	void			*base, *va;
	unsigned char		*p;

	a = th_connect(&d, "rights");
	if (exo_frame_alloc_batch(a, f, 2) != 0 ||
	    exo_block_alloc(a, bl, 2) != 0)
		bail("alloc");
	if (exo_cap_derive(a, &f[0].cap, EXO_RIGHT_READ, 0, &ro) != 0 ||
	    exo_cap_derive(a, &f[0].cap, EXO_RIGHT_WRITE, 0, &wo) != 0 ||
	    exo_cap_derive(a, &bl[0], EXO_RIGHT_READ, 0, &bro) != 0 ||
	    exo_cap_derive(a, &bl[0], EXO_RIGHT_WRITE, 0, &bwo) != 0)
		bail("derive");
	/* DMA: a disk read writes the frame, a disk write reads it. */
	is_int(-EXO_ERIGHTS, exo_disk_read(a, 1, &bl[0], &ro, 1),
	    "disk read into a read-only frame key: ERIGHTS");
	is_int(0, exo_disk_write(a, 2, &bl[0], &ro, 1),
	    "disk write from a read-only frame key: allowed");
	is_int(-EXO_ERIGHTS, exo_disk_write(a, 3, &bl[0], &wo, 1),
	    "disk write from a write-only frame key: ERIGHTS");
	is_int(0, exo_disk_read(a, 4, &bl[0], &wo, 1),
	    "disk read into a write-only frame key: allowed");
	is_int(-EXO_ERIGHTS, exo_disk_write(a, 5, &bro, &f[0].cap, 1),
	    "disk write to a read-only block key: ERIGHTS");
	is_int(0, exo_disk_read(a, 6, &bro, &f[0].cap, 1),
	    "disk read from a read-only block key: allowed");
	is_int(-EXO_ERIGHTS, exo_disk_read(a, 7, &bwo, &f[0].cap, 1),
	    "disk read from a write-only block key: ERIGHTS");
	is_int(0, exo_disk_write(a, 8, &bwo, &f[0].cap, 1),
	    "disk write to a write-only block key: allowed");
	/* The software TLB (exod) and the TLB (libexo). */
	if (exo_as_create(a, 16 * EXO_FRAME_SIZE, &base) != 0)
		bail("as_create");
	memset(&sr, 0, sizeof sr);
	sr.va = (uintptr_t)base;
	sr.rights = EXO_RIGHTS_ALL;
	sr.cap = ro;
	is_int(-EXO_ERIGHTS, exo_stlb_set(a, &sr, 1),
	    "guaranteed mapping writable through a read-only key: ERIGHTS");
	sr.rights = EXO_RIGHT_READ;
	is_int(0, exo_stlb_set(a, &sr, 1),
	    "guaranteed mapping read-only through it: allowed");
	exo_stlb_set(a, NULL, 0);
	va = base;
	is_int(-EXO_ERIGHTS, exo_tlb_install(a, va, &ro, EXO_RIGHTS_ALL),
	    "TLB install writable through a read-only key: ERIGHTS");
	is_int(-EXO_ERIGHTS, exo_tlb_install(a, va, &ro, EXO_RIGHT_WRITE),
	    "TLB install write-only through it: ERIGHTS");
	exo_as_destroy(a);
	/* A read-only key opens a read-only descriptor. */
	is_int(0, exo_frame_open(a, &ro, &ro_f), "FRAME_OPEN with READ only");
	p = mmap(NULL, EXO_FRAME_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
	    ro_f.fd, 0);
	ok(p == MAP_FAILED && errno == EACCES,
	    "its descriptor refuses a writable shared mapping (EACCES)");
	ok(exo_frame_map(&ro_f, PROT_READ) != NULL, "but maps read-only");
	is_int(-EXO_ERIGHTS, exo_frame_open(a, &wo, &ro_f),
	    "FRAME_OPEN of a write-only key: ERIGHTS (a mapping reads)");
	exo_frame_forget(&ro_f);
	exo_frame_free_batch(a, f, 2);
	exo_block_free(a, bl, 2);
	exo_disconnect(a);
}

/* A read-only frame shared with B; C, a third libOS, gets nowhere. */
static void
test_share_ro(void)
{
	struct exo		*a, *b, *c;
	struct exo_frame	 f, g, tmp;
	struct exo_cap		 gb, gc, x, bf[1];
	struct exo_stlb_req	 sr;
	struct exo_status_peer	 sa, sb;
	void			*bbase;
	volatile unsigned char	*pa, *pb, *old;
	char			 path[64];
	int			 fd;

	/* B first: the process's libOS, which may make an address space. */
	b = th_connect(&d, "grantee");
	a = th_connect(&d, "owner");
	c = th_connect(&d, "third");
	if (exo_frame_alloc(a, &f) != 0 ||
	    (pa = exo_frame_map(&f, PROT_READ | PROT_WRITE)) == NULL)
		bail("frame");
	is_int(0, grant(a, &f.cap, exo_libos_id(b), EXO_RIGHT_READ, 0, &gb),
	    "owner grants its frame read-only to B");
	ok(gb.owner == exo_libos_id(b) && (gb.flags & EXO_CAP_GRANTED) &&
	    gb.rights == EXO_RIGHT_READ && gb.id == f.cap.id,
	    "the key is sealed for B, granted, READ only");
	ok(dh_peer(&d, exo_libos_id(a), &sa) == 0 &&
	    dh_peer(&d, exo_libos_id(b), &sb) == 0 && sa.grants_out == 1 &&
	    sb.grants_in == 1, "STATUS: A made 1 grant, B holds 1");
	is_int(0, exo_frame_open(b, &gb, &g), "B opens the granted frame");
	pb = exo_frame_map(&g, PROT_READ);
	ok(pb != NULL, "B maps it read-only");
	pa[0] = 0x11;
	pa[4095] = 0x22;
	ok(pb != NULL && pb[0] == 0x11 && pb[4095] == 0x22,
	    "B reads the owner's writes");
	ok(pb != NULL && store_faults(pb), "B's store faults (SIGSEGV)");
	ok(mmap(NULL, EXO_FRAME_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
	    g.fd, 0) == MAP_FAILED, "B cannot map it writable");
	ok(pb != NULL && mprotect((void *)pb, EXO_FRAME_SIZE,
	    PROT_READ | PROT_WRITE) == -1, "B cannot mprotect it writable");
	ok(write(g.fd, "x", 1) == -1, "B cannot write(2) it");
	snprintf(path, sizeof path, "/proc/self/fd/%d", g.fd);
	fd = open(path, O_RDWR);
	ok(fd == -1, "B cannot reopen it read-write via /proc/self/fd "
	    "(errno %d)", fd == -1 ? errno : 0);
	if (fd != -1)
		close(fd);
	ok(fchmod(g.fd, 0666) == -1 || (fd = open(path, O_RDWR)) == -1,
	    "nor after trying fchmod");
	memset(&x, 0, sizeof x);
	is_int(-EXO_EBADCAP, exo_frame_open(b, &x, &tmp), "a zero key: EBADCAP");
	is_int(-EXO_ERIGHTS, exo_cap_check(b, &gb, EXO_RIGHT_WRITE),
	    "B's key does not check WRITE: ERIGHTS");
	is_int(-EXO_ERIGHTS, exo_cap_derive(b, &gb, EXO_RIGHTS_ALL, 0, &x),
	    "B cannot derive WRITE from it: ERIGHTS");
	/* B may not use it as the owner's. */
	is_int(-EXO_EGRANTED, exo_frame_free(b, &(struct exo_frame){ gb, -1,
	    NULL }), "B cannot free it: EGRANTED");
	is_int(-EXO_EGRANTED, exo_frame_protect(b, &gb, 1, 1),
	    "B cannot put it in its protected minimum: EGRANTED");
	if (exo_as_create(b, 4 * EXO_FRAME_SIZE, &bbase) == 0) {
		is_int(-EXO_EGRANTED, exo_tlb_install(b, bbase, &gb,
		    EXO_RIGHT_READ), "B cannot put it in its TLB: EGRANTED");
		memset(&sr, 0, sizeof sr);
		sr.va = (uintptr_t)bbase;
		sr.rights = EXO_RIGHT_READ;
		sr.cap = gb;
		is_int(-EXO_EGRANTED, exo_stlb_set(b, &sr, 1),
		    "nor make it a guaranteed mapping: EGRANTED");
		exo_as_destroy(b);
	} else
		bail("as_create");
	if (exo_block_alloc(b, bf, 1) == 0) {
		is_int(-EXO_EGRANTED, exo_autosave(b, &gb, &bf[0]),
		    "B cannot seed an autosave for it: EGRANTED");
		is_int(-EXO_ERIGHTS, exo_disk_read(b, 1, &bf[0], &gb, 1),
		    "B cannot DMA into it: ERIGHTS");
		is_int(0, exo_disk_write(b, 2, &bf[0], &gb, 1),
		    "B can DMA out of it (a read)");
		exo_block_free(b, bf, 1);
	} else {
		skip("no block");
		skip("no block");
		skip("no block");
	}
	is_int(-EXO_ERIGHTS, grant(b, &gb, exo_libos_id(c), EXO_RIGHT_READ, 0,
	    &gc), "B cannot grant it on (the grant did not say so): ERIGHTS");
	/* C, the third libOS, can use neither. */
	is_int(-EXO_ENOTOWNER, exo_cap_check(c, &gb, EXO_RIGHT_READ),
	    "C presenting B's grant: ENOTOWNER");
	is_int(-EXO_ENOTOWNER, exo_frame_open(c, &gb, &tmp),
	    "C opening B's grant: ENOTOWNER");
	is_int(-EXO_ENOTOWNER, exo_frame_open(c, &f.cap, &tmp),
	    "C opening the original: ENOTOWNER");
	is_int(-EXO_ENOTOWNER, exo_cap_check(c, &f.cap, EXO_RIGHT_READ),
	    "C presenting the original: ENOTOWNER");
	is_int(-EXO_ENOTOWNER, grant(c, &gb, exo_libos_id(c), EXO_RIGHT_READ,
	    0, &gc), "C granting B's grant to itself: ENOTOWNER");
	x = gb;
	x.owner = exo_libos_id(c);
	is_int(-EXO_EBADCAP, exo_frame_open(c, &x, &tmp),
	    "B's grant re-addressed to C: EBADCAP");
	is_int(-EXO_EINVAL, grant(a, &f.cap, exo_libos_id(a), EXO_RIGHT_READ,
	    0, &gc), "granting to oneself: EINVAL");
	is_int(-EXO_ENOLIBOS, grant(a, &f.cap, 999999, EXO_RIGHT_READ, 0, &gc),
	    "granting to no such libOS: ENOLIBOS");
	is_int(-EXO_ENOTOWNER, exo_grant_revoke(b, &gb, NULL),
	    "the grantee cannot revoke the owner's grant: ENOTOWNER");
	is_int(-EXO_ENOTOWNER, exo_grant_revoke(c, &gb, NULL),
	    "nor can C: ENOTOWNER");

	/* The owner revokes: the frame moves, B's mapping is left behind. */
	old = pa;
	is_int(0, exo_grant_revoke(a, &gb, &f), "the owner revokes the grant");
	ok(f.va == (void *)old && pa[0] == 0x11 && pa[4095] == 0x22,
	    "the owner's mapping stays where it was, contents kept");
	is_int(0, exo_cap_check(a, &f.cap, EXO_RIGHTS_ALL),
	    "the owner's new key checks READ|WRITE");
	is_int(-EXO_ESTALE, exo_cap_check(b, &gb, EXO_RIGHT_READ),
	    "B's key: ESTALE");
	is_int(-EXO_ESTALE, exo_frame_open(b, &gb, &tmp),
	    "B cannot open it again: ESTALE");
	pa[0] = 0x33;
	pa[100] = 0x44;
	ok(pb != NULL && pb[0] == 0x11 && pb[100] == 0,
	    "B's old mapping never sees the owner's later writes");
	ok(dh_peer(&d, exo_libos_id(a), &sa) == 0 &&
	    dh_peer(&d, exo_libos_id(b), &sb) == 0 && sa.grants_out == 0 &&
	    sb.grants_in == 0, "STATUS: no grants left");
	is_int(-EXO_ESTALE, exo_grant_revoke(a, &gb, &f),
	    "revoking it again: ESTALE");
	exo_frame_forget(&g);

	/* Freeing the original ends the grant, and what comes next is new. */
	is_int(0, grant(a, &f.cap, exo_libos_id(b), EXO_RIGHT_READ, 0, &gb),
	    "granted again");
	if (exo_frame_open(b, &gb, &g) != 0 ||
	    (pb = exo_frame_map(&g, PROT_READ)) == NULL)
		bail("open again");
	ok(pb[0] == 0x33, "B sees the frame's contents");
	x = f.cap;
	is_int(0, exo_frame_free(a, &f), "the owner frees the frame");
	is_int(-EXO_ESTALE, exo_cap_check(b, &gb, EXO_RIGHT_READ),
	    "B's key: ESTALE");
	if (exo_frame_alloc(a, &f) != 0 ||
	    (pa = exo_frame_map(&f, PROT_READ | PROT_WRITE)) == NULL)
		bail("frame again");
	pa[0] = 0x77;
	ok(pb[0] == 0x33, "B's old mapping never sees the next binding's "
	    "contents (frame %llu then %llu)", (unsigned long long)x.id,
	    (unsigned long long)f.cap.id);
	exo_frame_forget(&g);
	exo_frame_free(a, &f);
	exo_disconnect(c);
	exo_disconnect(b);
	exo_disconnect(a);
}

/* Read-write grants, regrants, and the tree. */
static void
test_tree(void)
{
	struct exo		*a, *b, *c;
	struct exo_frame	 f, g, h, tmp;
	struct exo_cap		 gb, gc, gbro, x;
	volatile unsigned char	*pa, *pb, *pc;

	a = th_connect(&d, "tree-a");
	b = th_connect(&d, "tree-b");
	c = th_connect(&d, "tree-c");
	if (exo_frame_alloc(a, &f) != 0 ||
	    (pa = exo_frame_map(&f, PROT_READ | PROT_WRITE)) == NULL)
		bail("frame");
	is_int(0, grant(a, &f.cap, exo_libos_id(b), EXO_RIGHTS_ALL,
	    EXO_GRANT_REGRANT, &gb), "read-write grant to B, regrant allowed");
	ok(gb.flags == (EXO_CAP_GRANTED | EXO_CAP_REGRANT),
	    "B's key says it may grant on");
	if (exo_frame_open(b, &gb, &g) != 0 ||
	    (pb = exo_frame_map(&g, PROT_READ | PROT_WRITE)) == NULL)
		bail("B open");
	pb[7] = 0x99;
	ok(pa[7] == 0x99, "the owner reads B's writes");
	is_int(-EXO_EINVAL, grant(b, &gb, exo_libos_id(c), EXO_RIGHTS_ALL |
	    0x80, 0, &gc), "an unknown right in a grant: EINVAL");
	is_int(0, exo_cap_derive(b, &gb, EXO_RIGHT_READ, EXO_DERIVE_NOREGRANT,
	    &gbro), "B derives read-only, without regrant");
	ok(gbro.flags == EXO_CAP_GRANTED, "the derived key cannot grant");
	is_int(-EXO_ERIGHTS, grant(b, &gbro, exo_libos_id(c), EXO_RIGHT_READ,
	    0, &gc), "granting from it: ERIGHTS");
	is_int(0, grant(b, &gb, exo_libos_id(c), EXO_RIGHTS_ALL, 0, &gc),
	    "B grants read-write on to C");
	is_int(0, exo_cap_check(c, &gc, EXO_RIGHTS_ALL),
	    "C's key checks READ|WRITE");
	is_int(-EXO_EINVAL, grant(b, &gb, exo_libos_id(a), EXO_RIGHT_READ, 0,
	    &x), "B granting to the owner: EINVAL");
	is_int(-EXO_ERIGHTS, grant(c, &gc, exo_libos_id(b), EXO_RIGHT_READ, 0,
	    &x), "C's grant did not say regrant: ERIGHTS");
	if (exo_frame_open(c, &gc, &h) != 0 ||
	    (pc = exo_frame_map(&h, PROT_READ | PROT_WRITE)) == NULL)
		bail("C open");
	pc[8] = 0x42;
	ok(pa[8] == 0x42 && pb[8] == 0x42, "all three share the memory");
	is_int(-EXO_ENOTOWNER, exo_grant_revoke(b, &gc, NULL),
	    "B cannot revoke its frame sub-grant (only the owner moves the "
	    "frame): ENOTOWNER");
	/* Cutting B's branch cuts C's. */
	is_int(0, exo_grant_revoke(a, &gb, &f), "the owner revokes B's grant");
	is_int(-EXO_ESTALE, exo_cap_check(b, &gb, 0), "B's key: ESTALE");
	is_int(-EXO_ESTALE, exo_cap_check(c, &gc, 0),
	    "C's key, granted from B's: ESTALE");
	is_int(-EXO_ESTALE, exo_frame_open(c, &gc, &tmp), "C cannot open it");
	pa[9] = 0x55;
	ok(pb[9] == 0 && pc[9] == 0, "neither old mapping sees the owner's "
	    "later writes");
	pb[10] = 0x66;
	ok(pa[10] == 0, "nor do their writes reach the owner's frame");
	exo_frame_forget(&g);
	exo_frame_forget(&h);
	exo_frame_free(a, &f);
	exo_disconnect(c);
	exo_disconnect(b);
	exo_disconnect(a);
}

/* Blocks: the grantee does DMA with the granted rights only. */
static void
test_blocks(void)
{
	struct exo		*a, *b, *c;
	struct exo_frame	 fa, fb, fc;
	struct exo_cap		 bl[1], gro, grw, gc;
	unsigned char		*pa = NULL, *pb = NULL;

	a = th_connect(&d, "blk-a");
	b = th_connect(&d, "blk-b");
	c = th_connect(&d, "blk-c");
	if (exo_frame_alloc(a, &fa) != 0 || exo_frame_alloc(b, &fb) != 0 ||
	    exo_frame_alloc(c, &fc) != 0 || exo_block_alloc(a, bl, 1) != 0 ||
	    (pa = exo_frame_map(&fa, PROT_READ | PROT_WRITE)) == NULL ||
	    (pb = exo_frame_map(&fb, PROT_READ | PROT_WRITE)) == NULL)
		bail("alloc");
	memset(pa, 0xab, EXO_FRAME_SIZE);
	if (exo_disk_write(a, 1, &bl[0], &fa.cap, 1) != 0)
		bail("disk write");
	is_int(0, grant(a, &bl[0], exo_libos_id(b), EXO_RIGHT_READ, 0, &gro),
	    "owner grants a block read-only to B");
	is_int(0, exo_disk_read(b, 1, &gro, &fb.cap, 1),
	    "B reads the block into its own frame");
	ok(pb[0] == 0xab && pb[4095] == 0xab, "and sees the owner's data");
	is_int(-EXO_ERIGHTS, exo_disk_write(b, 2, &gro, &fb.cap, 1),
	    "B's write to it: ERIGHTS");
	is_int(-EXO_EGRANTED, exo_block_free(b, &gro, 1),
	    "B cannot free it: EGRANTED");
	is_int(-EXO_ENOTOWNER, exo_disk_read(c, 1, &gro, &fc.cap, 1),
	    "C presenting B's block grant: ENOTOWNER");
	is_int(-EXO_ENOTOWNER, exo_disk_read(c, 1, &bl[0], &fc.cap, 1),
	    "C presenting the original: ENOTOWNER");
	is_int(-EXO_EINVAL, exo_frame_open(b, &gro, &fc),
	    "FRAME_OPEN of a block: EINVAL");
	is_int(0, grant(a, &bl[0], exo_libos_id(b), EXO_RIGHTS_ALL,
	    EXO_GRANT_REGRANT, &grw), "and read-write, regrant allowed");
	memset(pb, 0xcd, EXO_FRAME_SIZE);
	is_int(0, exo_disk_write(b, 3, &grw, &fb.cap, 1), "B writes it");
	memset(pa, 0, EXO_FRAME_SIZE);
	ok(exo_disk_read(a, 2, &bl[0], &fa.cap, 1) == 0 && pa[0] == 0xcd,
	    "the owner reads B's data back");
	is_int(0, grant(b, &grw, exo_libos_id(c), EXO_RIGHT_READ, 0, &gc),
	    "B grants it on to C, read-only");
	is_int(0, exo_disk_read(c, 1, &gc, &fc.cap, 1), "C reads it");
	is_int(0, exo_grant_revoke(b, &gc, NULL),
	    "B revokes its block sub-grant");
	is_int(-EXO_ESTALE, exo_disk_read(c, 2, &gc, &fc.cap, 1),
	    "C's key: ESTALE");
	/* Three levels: cutting the top cuts all below. */
	{
		struct exo	*dd = th_connect(&d, "blk-d");
		struct exo_frame fd_;
		struct exo_cap	 gc2, gd;

		if (exo_frame_alloc(dd, &fd_) != 0)
			bail("frame d");
		is_int(0, grant(b, &grw, exo_libos_id(c), EXO_RIGHT_READ,
		    EXO_GRANT_REGRANT, &gc2), "B grants on to C, regrant");
		is_int(-EXO_ERIGHTS, grant(c, &gc2, exo_libos_id(dd),
		    EXO_RIGHTS_ALL, 0, &gd), "C cannot grant more than READ");
		is_int(0, grant(c, &gc2, exo_libos_id(dd), EXO_RIGHT_READ, 0,
		    &gd), "C grants on to D");
		is_int(0, exo_disk_read(dd, 1, &gd, &fd_.cap, 1), "D reads");
		is_int(-EXO_ENOTOWNER, exo_grant_revoke(dd, &gd, NULL),
		    "D cannot revoke its own grant: ENOTOWNER");
		is_int(0, exo_grant_revoke(a, &grw, NULL),
		    "the owner revokes B's grant");
		is_int(-EXO_ESTALE, exo_disk_read(c, 3, &gc2, &fc.cap, 1),
		    "C's, granted from it: ESTALE");
		is_int(-EXO_ESTALE, exo_disk_read(dd, 2, &gd, &fd_.cap, 1),
		    "D's, granted from C's: ESTALE");
		exo_frame_free(dd, &fd_);
		exo_disconnect(dd);
		is_int(0, grant(a, &bl[0], exo_libos_id(b), EXO_RIGHTS_ALL, 0,
		    &grw), "granted to B again, read-write");
	}
	is_int(0, exo_grant_revoke(a, &gro, NULL), "owner revokes one grant");
	is_int(-EXO_ESTALE, exo_disk_read(b, 4, &gro, &fb.cap, 1),
	    "that key: ESTALE");
	is_int(0, exo_disk_read(b, 5, &grw, &fb.cap, 1),
	    "the other grant of the block still works");
	is_int(0, exo_block_free(a, bl, 1), "the owner frees the block");
	is_int(-EXO_ESTALE, exo_disk_read(b, 6, &grw, &fb.cap, 1),
	    "the remaining grant: ESTALE");
	exo_frame_free(c, &fc);
	exo_frame_free(b, &fb);
	exo_frame_free(a, &fa);
	exo_disconnect(c);
	exo_disconnect(b);
	exo_disconnect(a);
}

/* A libOS in a child: kill -9 of owner and of grantee. */
struct kidmsg {
	uint32_t	libos;
	struct exo_cap	cap;
};

static int
kid_owner(int fd, void *arg)
{
	struct exo		*e;
	struct exo_frame	 f;
	struct kidmsg		 m;
	unsigned char		*p;

	if (exo_connect(d.sock, "kid-owner", &e) != 0 ||
	    tp_recv(fd, &m, sizeof m, 10000) != (int)sizeof m ||
	    exo_frame_alloc(e, &f) != 0 ||
	    (p = exo_frame_map(&f, PROT_READ | PROT_WRITE)) == NULL)
		return 1;
	p[0] = 0xee;
	if (exo_cap_grant(e, &f.cap, m.libos, EXO_RIGHT_READ, 0, &m.cap) != 0)
		return 2;
	m.libos = exo_libos_id(e);
	tp_send(fd, &m, sizeof m);
	for (;;)
		pause();
}

static int
kid_grantee(int fd, void *arg)
{
	struct exo		*e;
	struct exo_frame	 g;
	struct kidmsg		 m;
	volatile unsigned char	*p;

	if (exo_connect(d.sock, "kid-grantee", &e) != 0)
		return 1;
	m.libos = exo_libos_id(e);
	tp_send(fd, &m, sizeof m);
	if (tp_recv(fd, &m, sizeof m, 10000) != (int)sizeof m ||
	    exo_frame_open(e, &m.cap, &g) != 0 ||
	    (p = exo_frame_map(&g, PROT_READ)) == NULL)
		return 2;
	m.libos = p[0];
	tp_send(fd, &m, sizeof m);
	for (;;)
		pause();
}

static void
test_kill(void)
{
	struct exo		*a, *b;
	struct exo_frame	 f, g;
	struct exo_status_peer	 sa;
	struct tp_kid		 k;
	struct kidmsg		 m;
	struct exo_revoke_reply	 rr;
	struct exo_cap		 x;
	int			 fds0, st;
	long			 free0;

	b = th_connect(&d, "survivor");
	a = th_connect(&d, "survivor-owner");
	free0 = th_frames_free(&d);
	fds0 = th_fds_settled(&d, 5000);

	/* The owner is killed: its grant dies with its frame. */
	tp_kid_start(&k, kid_owner, NULL);
	m.libos = exo_libos_id(b);
	tp_send(k.fd, &m, sizeof m);
	if (tp_recv(k.fd, &m, sizeof m, 10000) != (int)sizeof m)
		bail("kid owner did not grant");
	is_int(0, exo_frame_open(b, &m.cap, &g), "B opens the kid's grant");
	ok(exo_frame_map(&g, PROT_READ) != NULL &&
	    ((unsigned char *)g.va)[0] == 0xee, "and reads the kid's frame");
	kill(k.pid, SIGKILL);
	st = tp_kid_wait(&k, 10000);
	ok(WIFSIGNALED(st), "the owner is killed with -9");
	is_int(free0, th_wait_frames_free(&d, free0, 10000),
	    "its frame is free again");
	is_int(-EXO_ESTALE, exo_cap_check(b, &m.cap, EXO_RIGHT_READ),
	    "B's grant from it: ESTALE");
	is_int(-EXO_ESTALE, exo_frame_open(b, &m.cap, &f),
	    "B cannot open it again");
	exo_frame_forget(&g);
	close(k.fd);

	/* The original is taken by the abort protocol: the grant breaks. */
	tp_kid_start(&k, kid_owner, NULL);
	m.libos = exo_libos_id(b);
	tp_send(k.fd, &m, sizeof m);
	if (tp_recv(k.fd, &m, sizeof m, 10000) != (int)sizeof m)
		bail("kid owner did not grant");
	if (exo_frame_open(b, &m.cap, &g) != 0 ||
	    exo_frame_map(&g, PROT_READ) == NULL)
		bail("open the kid's grant");
	is_int(0, dh_revoke(&d, m.libos, EXO_REVOKE_FRAME, m.cap.id, &rr),
	    "REVOKE of the kid's granted frame");
	ok(rr.revoked == 1 && rr.released + rr.aborted == 1,
	    "it is taken back (released %u, aborted %u)", rr.released,
	    rr.aborted);
	is_int(-EXO_ESTALE, exo_cap_check(b, &m.cap, EXO_RIGHT_READ),
	    "B's grant of it: ESTALE");
	if (exo_frame_alloc(a, &f) != 0)
		bail("frame");
	((unsigned char *)exo_frame_map(&f, PROT_READ | PROT_WRITE))[0] = 0x44;
	ok(((unsigned char *)g.va)[0] == 0xee, "B's old mapping never sees "
	    "what the frame holds next (frame %llu, now %llu)",
	    (unsigned long long)m.cap.id, (unsigned long long)f.cap.id);
	exo_frame_free(a, &f);
	exo_frame_forget(&g);
	kill(k.pid, SIGKILL);
	tp_kid_wait(&k, 10000);
	close(k.fd);

	/* A grantee that asks for a descriptor and dies before the reply. */
	if (exo_frame_alloc(a, &f) != 0)
		bail("frame");
	{
		struct exo_frame_open	op;
		struct exo_hdr		h;
		unsigned char		buf[sizeof h + sizeof op];
		int			raw;
		uint32_t		rid;

		raw = th_raw_connect(&d);
		rid = th_raw_hello(raw, "raw-grantee");
		is_int(0, exo_cap_grant(a, &f.cap, rid, EXO_RIGHT_READ, 0,
		    &op.cap), "granted to a raw connection");
		memset(&h, 0, sizeof h);
		h.version = EXO_PROTO_VERSION;
		h.type = EXO_MSG_FRAME_OPEN;
		h.id = 7;
		h.len = sizeof op;
		memcpy(buf, &h, sizeof h);
		memcpy(buf + sizeof h, &op, sizeof op);
		ok(th_raw_send(raw, buf, sizeof buf) == (int)sizeof buf,
		    "it asks for the descriptor and leaves");
		close(raw);
	}
	is_int(0, exo_frame_free(a, &f), "the owner frees the frame");

	/* The grantee is killed: the owner's grant count falls back. */
	if (exo_frame_alloc(a, &f) != 0)
		bail("frame");
	tp_kid_start(&k, kid_grantee, NULL);
	if (tp_recv(k.fd, &m, sizeof m, 10000) != (int)sizeof m)
		bail("kid grantee");
	((unsigned char *)exo_frame_map(&f, PROT_READ | PROT_WRITE))[0] = 0x3c;
	is_int(0, exo_cap_grant(a, &f.cap, m.libos, EXO_RIGHT_READ, 0, &m.cap),
	    "the owner grants to the kid");
	tp_send(k.fd, &m, sizeof m);
	ok(tp_recv(k.fd, &m, sizeof m, 10000) == (int)sizeof m &&
	    m.libos == 0x3c, "the kid reads the owner's frame");
	ok(dh_peer(&d, exo_libos_id(a), &sa) == 0 && sa.grants_out == 1,
	    "STATUS: 1 grant out");
	kill(k.pid, SIGKILL);
	st = tp_kid_wait(&k, 10000);
	ok(WIFSIGNALED(st), "the grantee is killed with -9");
	close(k.fd);
	tp_sleep_ms(200);
	ok(dh_peer(&d, exo_libos_id(a), &sa) == 0 && sa.grants_out == 1,
	    "STATUS: its grant stays recorded, inert, until the owner acts");
	x = f.cap;
	is_int(0, exo_grant_revoke(a, &m.cap, &f),
	    "the owner revokes the dead grantee's grant (the frame moves)");
	ok(f.cap.gen != x.gen, "the frame's generation moved on");
	ok(dh_peer(&d, exo_libos_id(a), &sa) == 0 && sa.grants_out == 0,
	    "STATUS: no grant left");
	is_int(0, exo_cap_check(a, &f.cap, EXO_RIGHTS_ALL),
	    "the owner's frame is untouched");
	is_int(0, exo_frame_free(a, &f), "and frees");
	is_int(free0, th_frames_free(&d), "every frame is back");
	is_int(fds0, th_wait_fds(&d, fds0, 10000),
	    "exod's descriptors are back where they were");
	exo_disconnect(a);
	exo_disconnect(b);
}

/* Granted keys are as unforgeable as the owner's; grants outlive leaving. */
static void
test_hostile_grants(void)
{
	struct exo		*a, *b, *c;
	struct exo_frame	 f, g, h, tmp;
	struct exo_cap		 gb, gc, x, old;
	volatile unsigned char	*pa, *pb, *pc;
	int			 i, v, badcap, widened, accepted;

	a = th_connect(&d, "hg-a");
	b = th_connect(&d, "hg-b");
	c = th_connect(&d, "hg-c");
	if (exo_frame_alloc(a, &f) != 0 ||
	    (pa = exo_frame_map(&f, PROT_READ | PROT_WRITE)) == NULL)
		bail("frame");
	if (grant(a, &f.cap, exo_libos_id(b), EXO_RIGHT_READ, 0, &gb) != 0)
		bail("grant");
	badcap = widened = 0;
	for (i = 0; i < 8 * CAPBYTES; i++) {
		x = gb;
		((unsigned char *)&x)[i / 8] ^= (unsigned char)(1u << (i % 8));
		if (exo_cap_check(b, &x, 0) == -EXO_EBADCAP)
			badcap++;
		if (exo_cap_check(b, &x, EXO_RIGHT_WRITE) == 0 ||
		    exo_frame_open(b, &x, &tmp) == 0 ||
		    grant(b, &x, exo_libos_id(c), EXO_RIGHT_READ, 0, &gc) == 0)
			widened++;
	}
	is_int(8 * CAPBYTES, badcap, "all 320 bit flips of a granted key: "
	    "EBADCAP");
	is_int(0, widened, "none gives WRITE, a descriptor or a regrant");
	accepted = 0;
	for (i = 0; i < CAPBYTES; i++)
		for (v = 0; v < 256; v++) {
			x = gb;
			if (((unsigned char *)&x)[i] == v)
				continue;
			((unsigned char *)&x)[i] = (unsigned char)v;
			if (exo_cap_check(b, &x, 0) != -EXO_EBADCAP)
				accepted++;
		}
	is_int(0, accepted, "all 40 x 255 byte values of it: EBADCAP");
	x = gb;
	x.flags |= EXO_CAP_REGRANT;
	is_int(-EXO_EBADCAP, grant(b, &x, exo_libos_id(c), EXO_RIGHT_READ, 0,
	    &gc), "REGRANT forged into it: EBADCAP");
	x = gb;
	x.flags = 0;
	x.gen = f.cap.gen;
	x.owner = exo_libos_id(b);
	is_int(-EXO_EBADCAP, exo_cap_check(b, &x, 0),
	    "the owner's generation forged into it: EBADCAP");

	/* Replay: a revoked key stays stale after the next grant. */
	old = gb;
	if (exo_grant_revoke(a, &gb, &f) != 0 ||
	    grant(a, &f.cap, exo_libos_id(b), EXO_RIGHT_READ, 0, &gb) != 0)
		bail("regrant");
	ok(gb.gen != old.gen, "the new grant has a new number");
	is_int(-EXO_ESTALE, exo_cap_check(b, &old, EXO_RIGHT_READ),
	    "the old key replayed: ESTALE");
	is_int(0, exo_grant_revoke(a, &gb, &f), "revoked again");

	/* A grantee that disconnects may keep its mapping: the grant stays. */
	pa = f.va;
	if (grant(a, &f.cap, exo_libos_id(b), EXO_RIGHT_READ, 0, &gb) != 0 ||
	    exo_frame_open(b, &gb, &g) != 0 ||
	    (pb = exo_frame_map(&g, PROT_READ)) == NULL)
		bail("grant to B");
	exo_disconnect(b);
	pa[0] = 0x21;
	ok(pb[0] == 0x21, "B disconnected: its mapping still shares the frame");
	is_int(0, exo_grant_revoke(a, &gb, &f),
	    "the owner revokes the departed grantee's grant");
	pa[0] = 0x22;
	ok(pb[0] == 0x21, "after which B's mapping never sees the frame again");
	exo_frame_forget(&g);

	/* An intermediate grantor that leaves: its grant on stays. */
	b = th_connect(&d, "hg-b2");
	if (grant(a, &f.cap, exo_libos_id(b), EXO_RIGHT_READ, EXO_GRANT_REGRANT,
	    &gb) != 0 || grant(b, &gb, exo_libos_id(c), EXO_RIGHT_READ, 0,
	    &gc) != 0 || exo_frame_open(c, &gc, &h) != 0 ||
	    (pc = exo_frame_map(&h, PROT_READ)) == NULL)
		bail("tree");
	exo_disconnect(b);
	is_int(0, exo_cap_check(c, &gc, EXO_RIGHT_READ),
	    "B left: C's key, granted by B, still checks");
	pa[1] = 0x31;
	ok(pc[1] == 0x31, "and C still shares the frame");
	is_int(0, exo_grant_revoke(a, &gb, &f), "the owner revokes B's grant");
	is_int(-EXO_ESTALE, exo_cap_check(c, &gc, 0), "C's key: ESTALE");
	pa[1] = 0x32;
	ok(pc[1] == 0x31, "C's mapping is left behind");
	exo_frame_forget(&h);
	exo_frame_free(a, &f);
	exo_disconnect(c);
	exo_disconnect(a);
}

static void
test_exoctl(void)
{
	struct exo		*a, *b;
	struct exo_frame	 f;
	struct exo_cap		 gb;
	char			 out[16384];

	a = th_connect(&d, "ctl-a");
	b = th_connect(&d, "ctl-b");
	if (exo_frame_alloc(a, &f) != 0 ||
	    exo_cap_grant(a, &f.cap, exo_libos_id(b), EXO_RIGHT_READ, 0,
	    &gb) != 0)
		bail("grant");
	is_int(0, dh_exoctl_run(&d, out, sizeof out, "status", (char *)NULL),
	    "exoctl status");
	ok(strstr(out, "GRANTED") != NULL && strstr(out, "HELD") != NULL,
	    "shows GRANTED and HELD columns");
	is_int(0, dh_exoctl_run(&d, out, sizeof out, "status", "--json",
	    (char *)NULL), "exoctl status --json");
	ok(strstr(out, "\"grants_out\":1") != NULL &&
	    strstr(out, "\"grants_in\":1") != NULL,
	    "shows grants_out 1 and grants_in 1");
	exo_frame_free(a, &f);
	exo_disconnect(b);
	exo_disconnect(a);
}

/* Malformed requests of the four types. */
static void
test_malformed(void)
{
	struct exo		*a, *b;
	struct exo_frame	 f;
	struct exo_cap_grant	 gr;
	struct exo_grant_revoke	 rv;
	struct exo_frame_open	 op;
	struct exo_cap		 out;
	unsigned char		 big[sizeof(struct exo_cap_grant) + 1];
	int			 fd;

	a = th_connect(&d, "mal-a");
	b = th_connect(&d, "mal-b");
	if (exo_frame_alloc(a, &f) != 0)
		bail("frame");
	memset(&gr, 0, sizeof gr);
	gr.cap = f.cap;
	gr.grantee = exo_libos_id(b);
	gr.rights = EXO_RIGHT_READ;
	gr.reserved = 1;
	is_int(-EXO_EINVAL, raw(a, EXO_MSG_CAP_GRANT, &gr, sizeof gr, &out,
	    sizeof out, NULL), "CAP_GRANT with reserved set: EINVAL");
	gr.reserved = 0;
	gr.flags = 0x100;
	is_int(-EXO_EINVAL, raw(a, EXO_MSG_CAP_GRANT, &gr, sizeof gr, &out,
	    sizeof out, NULL), "CAP_GRANT with unknown flags: EINVAL");
	gr.flags = 0;
	gr.rights = 0;
	is_int(-EXO_EINVAL, raw(a, EXO_MSG_CAP_GRANT, &gr, sizeof gr, &out,
	    sizeof out, NULL), "CAP_GRANT of no rights: EINVAL");
	gr.rights = EXO_RIGHT_READ;
	memset(big, 0, sizeof big);
	memcpy(big, &gr, sizeof gr);
	is_int(-EXO_EPROTO, raw(a, EXO_MSG_CAP_GRANT, big, sizeof big, &out,
	    sizeof out, NULL), "CAP_GRANT one byte long: EPROTO");
	is_int(-EXO_EPROTO, raw(a, EXO_MSG_GRANT_REVOKE, &rv, sizeof rv - 8,
	    &out, sizeof out, NULL), "GRANT_REVOKE short: EPROTO");
	rv.cap = f.cap;
	is_int(-EXO_EINVAL, raw(a, EXO_MSG_GRANT_REVOKE, &rv, sizeof rv, &out,
	    sizeof out, NULL), "GRANT_REVOKE of a key that is no grant: EINVAL");
	memset(&op, 0, sizeof op);
	is_int(-EXO_EPROTO, raw(a, EXO_MSG_FRAME_OPEN, &op, 0, NULL, 0, &fd),
	    "FRAME_OPEN empty: EPROTO");
	is_int(-EXO_EBADCAP, raw(a, EXO_MSG_FRAME_OPEN, &op, sizeof op, NULL,
	    0, &fd), "FRAME_OPEN of a zero key: EBADCAP");
	op.cap = f.cap;
	is_int(0, raw(a, EXO_MSG_FRAME_OPEN, &op, sizeof op, NULL, 0, &fd),
	    "FRAME_OPEN of one's own frame: a descriptor");
	ok(fd >= 0, "one descriptor came");
	if (fd >= 0)
		close(fd);
	/* Grant limits: EXO_GRANTS_MAX made by one libOS. */
	{
		struct exo_cap	g;
		int		i, rc = 0;

		for (i = 0; i < EXO_GRANTS_MAX && rc == 0; i++)
			rc = exo_cap_grant(a, &f.cap, exo_libos_id(b),
			    EXO_RIGHT_READ, 0, &g);
		is_int(0, rc, "%d grants made", EXO_GRANTS_MAX);
		is_int(-EXO_EGRANTS, exo_cap_grant(a, &f.cap, exo_libos_id(b),
		    EXO_RIGHT_READ, 0, &g), "one more: EGRANTS");
	}
	is_int(0, exo_frame_free(a, &f), "freeing the frame ends them all");
	{
		struct exo_status_peer	sa;

		ok(dh_peer(&d, exo_libos_id(a), &sa) == 0 &&
		    sa.grants_out == 0, "STATUS: none left");
	}
	exo_disconnect(b);
	exo_disconnect(a);
}

int
main(void)
{
	plan_lazy();
	tp_watchdog(240);
	th_exod_start(&d, "-m", "256K", "-D", "1M", (char *)NULL);
	test_derive();
	test_rights();
	test_share_ro();
	test_tree();
	test_blocks();
	test_kill();
	test_hostile_grants();
	test_exoctl();
	test_malformed();
	return 0;
}
