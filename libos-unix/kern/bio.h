/*
 * bio.h - the buffer cache: disk blocks held in frames bound from exod.
 *
 * A buffer holds one block of the file system in one frame.  A holder
 * gets it locked (bio_read, bio_get) and gives it back (bio_release);
 * other processes that want the same block sleep until then.  The log
 * pins the buffers of the open transaction, so that they stay in memory,
 * dirty, until they are installed at their homes.
 *
 * The replacement policy is CLOCK (second chance): a hand sweeps the
 * buffers; one used since the hand last passed gets another turn, the
 * first unused, unpinned one is recycled.  The size is set at bio_init.
 *
 * Under revocation (bio_revoke) the cache gives its frames back: a clean
 * buffer's at once; a dirty one's contents move to the frame of a clean
 * buffer first; a buffer someone holds gives its frame back at its
 * release.  A frame taken by force (bio_repossessed, or found stale by a
 * transfer) loses nothing: its mapping keeps the block; a free clean
 * buffer lets it go and is read again when wanted, a held or dirty one
 * keeps it, and reaches the disk through the bounce frame, until it is
 * released and installed.
 */
#ifndef BIO_H
#define BIO_H

#include <stdint.h>

#include "bdev.h"

struct buf {
	uint32_t	 blockno;	/* logical block held, if valid */
	int		 valid;		/* data is the block's contents */
	int		 busy;		/* locked by a holder: sleep on buf */
	int		 refcnt;	/* holders, locked or waiting */
	int		 pin;		/* the log's pins: dirty until 0 */
	int		 used;		/* CLOCK: used since the hand passed */
	int		 revoked;	/* give the frame back when free */
	unsigned char	*data;		/* mem.va: BSIZE bytes */
	struct bdev_mem	 mem;		/* the frame, NULL va: none held */
	int		 hashed;	/* on the hash chain of blockno */
	struct buf	*hnext;		/* hash chain, valid or loading */
};

struct bio_stats {
	uint64_t	hits, misses, evictions, prefetched;
	uint64_t	revoked, revoke_moved, repossessed;
	uint64_t	kept;		/* repossessed while held or dirty */
	uint64_t	gone;		/* frames found taken (bdev.c) */
	uint64_t	bounced;	/* blocks moved through the bounce */
	uint32_t	nbuf, held;
	int		protected;	/* the bounce frame is protected */
};

int		 bio_init(struct bdev *, unsigned);
void		 bio_shutdown(void);
struct bdev	*bio_dev(void);
struct buf	*bio_read(uint32_t);
struct buf	*bio_get(uint32_t);	/* no read: the caller fills it */
int		 bio_write(struct buf *);	/* straight home, no log */
void		 bio_release(struct buf *);
void		 bio_pin(struct buf *);
void		 bio_unpin(struct buf *);
struct buf	*bio_peek(uint32_t);	/* cached and valid, not locked */
void		 bio_prefetch(const uint32_t *, unsigned);
int		 bio_invalidate(void);	/* drop every clean, free buffer */
void		 bio_stats(struct bio_stats *);
/* Revocation: the frames of vec that are ours.  0 or the number given
 * back now; the rest go back as their holders release them. */
int		 bio_revoke(const struct exo_revoke_entry *, unsigned);
void		 bio_repossessed(const struct exo_revoke_entry *, unsigned);
/* Frame ids of the buffers, as ranges "a-b c ...", for -v. */
void		 bio_frames(char *, size_t);

#endif
