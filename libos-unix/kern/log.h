/*
 * log.h - the write-ahead log: every system call that changes the file
 * system is a transaction (log_begin_op .. log_end_op); what it changes
 * goes to disk whole or not at all.
 *
 * Between begin and end an operation reads blocks through the buffer
 * cache, changes them in memory and hands each to log_write, which pins
 * it.  When the last operation of a group ends, the group commits:
 *
 *	1. the logged blocks are written to the log's data blocks;
 *	2. the header (their home numbers, a sequence number and a checksum
 *	   over all of it) is written after them;
 *	3. exo_disk_flush(3): the durability point.  A crash before it
 *	   leaves a header whose checksum fails (or the previous one), so
 *	   the group is not replayed; after it, the group survives;
 *	4. the blocks are written to their homes.
 *
 * The log has two areas, each a header and LOGAREA data blocks, used by
 * turns: a group is written to the area the group before the last one
 * used, after the last one's flush, which made that older group's
 * install durable.  So one flush per group suffices.
 *
 * Mount replays the headers found whose checksums hold, the older first
 * (replaying a group that was installed already changes nothing).
 */
#ifndef LOG_H
#define LOG_H

#include <stdint.h>

#include "kernel/fs.h"
#include "bio.h"

#define LOG_MAXOPBLOCKS	64	/* blocks one operation may write */
#define LOGAREA		(2 * LOG_MAXOPBLOCKS)	/* data blocks of an area */
#define LOGDEFAULT	(2 * (LOGAREA + 1))	/* log blocks, headers too */

struct log_stats {
	uint64_t	commits;	/* groups committed */
	uint64_t	ops;		/* operations ended */
	uint64_t	blocks;		/* blocks logged, all groups */
	uint64_t	replayed;	/* blocks replayed at mount */
	uint64_t	seq;		/* sequence number of the last commit */
};

int	 log_init(const struct superblock *, char *, size_t);
void	 log_shutdown(void);
int	 log_begin_op(void);
int	 log_end_op(void);
void	 log_write(struct buf *);
int	 log_broken(void);
void	 log_revoke(const struct exo_revoke_entry *, unsigned);
void	 log_repossessed(const struct exo_revoke_entry *, unsigned);
void	 log_stats(struct log_stats *);

#endif
