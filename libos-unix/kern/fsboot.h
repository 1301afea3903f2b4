/*
 * fsboot.h - the file system inside the running libOS (fsboot.c):
 * mounting at boot, the --mkfs and --fsck modes, the interrupt share,
 * and the bracket every entry into the file system code goes through.
 */
#ifndef KERN_FSBOOT_H
#define KERN_FSBOOT_H

#include <stdint.h>

#include "exo.h"

/* The size of a file system made without -z: 8 MiB (one exod disk of
 * the default 64 MiB holds eight names' file systems). */
#define FSBOOT_DEFAULT_BLOCKS	2048
#define FSBOOT_MIN_BLOCKS	512	/* -z: 2 MiB, room for log and more */
#define FSBOOT_NBUF_MIN		192	/* -b: the log's buffers and 64 */

/* Every piece of code that touches the file system's tables runs
 * between these two (revocations wait for the last to leave). */
void		 fsboot_enter(void);
void		 fsboot_leave(void);
void		 fsboot_intr(const struct exo_intr *);
void		 fsboot_poll(void);

uint64_t	 fsboot_parse_size(const char *);
int		 fsboot_boot(struct exo *, const char *, unsigned,
		    const char *);
int		 fsboot_format(struct exo *, uint64_t, unsigned, const char *,
		    char **, int);
void		 fsboot_shutdown(void);
int		 fsboot_mkfs(const char *, const char *, uint64_t, unsigned,
		    const char *, char **, int);
int		 fsboot_fsck(const char *, const char *, unsigned);

#endif
