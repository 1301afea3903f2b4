/*
 * unixfs-help.h - what the file system tests share: a libOS connection
 * whose disk interrupts reach the file system, mkfs and mount on exod's
 * disk, and file contents that can be checked byte for byte.
 */
#ifndef UNIXFS_HELP_H
#define UNIXFS_HELP_H

#include <stddef.h>
#include <stdint.h>

#include "exo.h"
#include "harness.h"

/* Connect as name with an interrupt handler for the disk; NULL on
 * failure (no bail: a crash test's child uses it too). */
struct exo	*uf_connect(const char *, const char *);
/* Upcalls the handler does not pass on (a libOS too slow to answer, or
 * one that never hears it lost a frame): UF_DEAF_* bits. */
extern volatile int	uf_deaf;
#define UF_DEAF_REVOKE		0x01
#define UF_DEAF_REPOSSESSED	0x02
/* mkfs on nblocks fresh blocks; then mount (nbuf buffers, 0 default).
 * 0, or -1 with the reason shown. */
int		 uf_mkfs(struct exo *, uint32_t, uint32_t);
int		 uf_mount(struct exo *, unsigned);
void		 uf_unmount(void);
/* The contents of byte off of a file made from seed. */
void		 uf_fill(unsigned char *, size_t, uint64_t, uint32_t);
int		 uf_check(const unsigned char *, size_t, uint64_t, uint32_t);
/* Whole files, through fsop: 0 or -1. */
int		 uf_put(const char *, uint64_t, uint32_t);
int		 uf_verify(const char *, uint64_t, uint32_t);
/* fsck on what is mounted: problems (shown as diagnostics). */
long		 uf_fsck(void);

#endif
