/*
 * diskhelp.h - what the revocation and disk tests share: the test libOS
 * t/libos-disk and its patterns, the disk image of a test's exod, and
 * administration (exoctl, REVOKE, STATUS, DISK_INFO) against it.
 */
#ifndef DISKHELP_H
#define DISKHELP_H

#include <stdint.h>

#include "exo.h"
#include "harness.h"
#include "proc.h"

/* Paths of t/libos-disk and exod/exoctl (copied: th_path is static). */
const char	*dh_libos_disk(void);
const char	*dh_exoctl(void);

/* The contents libos-disk named name puts in its frame i. */
void		 dh_pattern(const char *, unsigned, unsigned char *);
/* Block id of d's disk image (the default one, beside the socket), read
 * straight from the file.  0, or -1 on error. */
int		 dh_image_read(const struct th_exod *, uint64_t, void *);
/* Does block id hold exactly dh_pattern(name, i)?  Is it all zeros? */
int		 dh_image_is(const struct th_exod *, uint64_t, const char *,
		    unsigned);
int		 dh_image_zero(const struct th_exod *, uint64_t);

/*
 * Start libos-disk -S d->sock -n name -t 0 -v plus extra arguments
 * (NULL-terminated), then read its frame lines and "ready": fid[i] and
 * bid[i] (-1: no block) for i < nframes.  Returns its libOS id, or 0 when
 * it did not get ready (its output is shown).
 */
uint32_t	 dh_libos(struct tp_proc *, const struct th_exod *, const char *,
		    unsigned, uint64_t *, int64_t *, ...);
/* libos-disk -S d->sock -n name -V: read back and check every block the
 * name owns.  Its exit status, or -1; what it said in *v (-1: not said). */
struct dh_verified {
	long long	verified, bad, owned;
	char		out[4096];
};
int		 dh_verify(const struct th_exod *, const char *,
		    struct dh_verified *);
/* Close its input, wait for it; its exit status (-1: no clean exit). */
int		 dh_libos_end(struct tp_proc *);

/* exoctl -S d->sock args... (NULL-terminated): exit status, -1 if it did
 * not exit; output (stdout and stderr) in out. */
int		 dh_exoctl_run(const struct th_exod *, char *, size_t, ...);
/* REVOKE on a control connection: 0 or -EXO_E*; the reply in *r. */
int		 dh_revoke(const struct th_exod *, uint32_t, uint32_t, uint64_t,
		    struct exo_revoke_reply *);
/* STATUS record of libOS id: 0, or -1 when exod lists no such libOS. */
int		 dh_peer(const struct th_exod *, uint32_t,
		    struct exo_status_peer *);
/* DISK_INFO on a control connection: 0 or -EXO_E*. */
int		 dh_disk_info(const struct th_exod *, struct exo_disk_info *);

/* exod's descriptor count once it has been still for 500 ms. */
int		 dh_fds_settled(const struct th_exod *);
/* Poll exod's descriptor count until it is want (at most ms). */
int		 dh_wait_fds(const struct th_exod *, int, int);

#endif /* DISKHELP_H */
