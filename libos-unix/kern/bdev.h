/*
 * bdev.h - the disk layer of libos-unix's file system: logical blocks
 * 0 .. size-1 of the file system, moved between the disk and buffer
 * memory.  Two backends: exod's disk (bdev_exo.c: blocks bound by
 * capability, DMA into frames, the completion interrupt) and memory
 * (bdev_mem.c: an image in an array, for the fuzzer and for tools).
 *
 * Everything above this layer (bio.c, log.c, fs.c) sees only logical
 * block numbers and buffer memory; which exod block holds logical block
 * i is the map of kernel/fs.h's block 0, which this layer reads at open
 * and writes at create.
 */
#ifndef BDEV_H
#define BDEV_H

#include <stddef.h>
#include <stdint.h>

#include "exo.h"

/*
 * The memory of one cache buffer: a frame on exod, plain memory else.
 * A frame exod took by force (the abort protocol) is gone: its mapping
 * stays valid memory with the frame's last contents (exo_revoke(3)), so
 * va still holds the block, but its capability is stale and no transfer
 * may name it; bdev_io moves a gone buffer through the bounce frame.
 */
struct bdev_mem {
	void			*va;	/* BSIZE bytes; NULL when not held */
	struct exo_frame	 frame;	/* exod backend: the frame mapped at va */
	int			 gone;	/* taken by force; va kept until forgotten */
};

struct bdev;

struct bdev_ops {
	/* n buffers of memory, all or none: 0 or -1 */
	int	(*mem_alloc)(struct bdev *, struct bdev_mem *, unsigned);
	void	(*mem_free)(struct bdev *, struct bdev_mem *, unsigned);
	/* move n blocks (lbn[i] <-> mem[i]); returns once done: 0 or -1 */
	int	(*io)(struct bdev *, int, const uint32_t *,
		    struct bdev_mem *const *, unsigned);
	/* everything written so far is durable: 0 or -1 */
	int	(*flush)(struct bdev *);
	void	(*close)(struct bdev *);
	/* is the memory still bound to us: 1, 0 (taken), -1 (cannot say) */
	int	(*held)(struct bdev *, const struct bdev_mem *);
	/* drop gone memory locally: va becomes NULL */
	void	(*forget)(struct bdev *, struct bdev_mem *);
	/* never to be revoked (exod's protected minimum): 0 or -1 */
	int	(*protect)(struct bdev *, struct bdev_mem *);
};

#define BDEV_READ	1
#define BDEV_WRITE	2
#define BDEV_IO_MAX	64	/* blocks in one io call: EXO_DISK_IO_MAX */

struct bdev {
	const struct bdev_ops	*ops;
	uint32_t		 size;		/* logical blocks */
	uint64_t		 reads;		/* blocks read */
	uint64_t		 writes;	/* blocks written */
	uint64_t		 requests;	/* io calls */
	uint64_t		 flushes;
	uint64_t		 gone;		/* memory found taken by force */
	uint64_t		 bounced;	/* blocks moved through bounce */
	uint32_t		 mem_held;	/* buffers of memory held now */
	/* The bounce frame, in the protected minimum if exod let us (then
	 * never revoked), or NULL va (bound again when wanted). */
	struct bdev_mem		 bounce;
	int			 bounce_protected;
	void			*priv;		/* the backend's */
};

int	 bdev_read(struct bdev *, const uint32_t *, struct bdev_mem *const *,
	    unsigned);
int	 bdev_write(struct bdev *, const uint32_t *, struct bdev_mem *const *,
	    unsigned);
int	 bdev_flush(struct bdev *);
void	 bdev_close(struct bdev *);
/* The bounce frame (bound and protected now, best effort), and its end. */
void	 bdev_bounce_init(struct bdev *);
void	 bdev_bounce_fini(struct bdev *);
/* Memory taken by force: mark it gone (it stays readable until
 * bdev_mem_release).  Idempotent. */
void	 bdev_mem_gone(struct bdev *, struct bdev_mem *);
/* Let memory go: freed if bound, forgotten if gone. */
void	 bdev_mem_release(struct bdev *, struct bdev_mem *);
/* Does m hold the frame cap names (any generation)? */
int	 bdev_mem_is(const struct bdev_mem *, const struct exo_cap *);
/* A revocation or repossession entry for the bounce frame: dealt with. */
int	 bdev_bounce_revoke(struct bdev *, const struct exo_cap *, int);

/* exod's disk (bdev_exo.c).  open finds the file system the libOS owns
 * (after a restart too: BLOCK_LIST and the map); create frees the blocks
 * of any old one, binds nblocks fresh ones and writes the map.  0 or -1
 * with a message in err. */
int	 bdev_exo_open(struct exo *, struct bdev **, char *, size_t);
int	 bdev_exo_create(struct exo *, uint32_t, struct bdev **, char *,
	    size_t);
/* Blocks the libOS owns now, the map's or not; -1 on error. */
long	 bdev_exo_owned(struct exo *);
/* The interrupt entry's share: a disk completion for a request of ours.
 * Safe in the interrupt handler: it records and calls proc_wakeup. */
void	 bdev_exo_intr(const struct exo_intr *);
/* The exod block behind logical block lbn, for tests: -1 if none. */
int64_t	 bdev_exo_physical(struct bdev *, uint32_t);
const struct exo_cap *bdev_exo_cap(struct bdev *, uint32_t);

/* Memory (bdev_mem.c): an image of size blocks at img (not copied, not
 * freed); writes go to it. */
struct bdev	*bdev_mem_open(void *, uint32_t);

/* FNV-1a, 32 and 64 bits: the checksums of the layout. */
uint32_t	 bdev_fnv32(const void *, size_t, uint32_t);
uint64_t	 bdev_fnv64(const void *, size_t, uint64_t);
#define BDEV_FNV32_INIT	0x811c9dc5U
#define BDEV_FNV64_INIT	0xcbf29ce484222325ULL

/* Process hooks, provided by the kernel (proc.c) or, in tests and
 * tools, by a stub: no process means wait in place. */
struct proc;
struct proc	*proc_current(void);
void		 proc_sleep(void *);
void		 proc_wakeup(void *);
/* Sleep on chan unless *cond is set: a waker in signal context sets
 * *cond, then wakes chan. */
void		 proc_sleep_unless(void *, const volatile int *);

#endif
