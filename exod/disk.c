/*
 * disk.c - the disk: a block image file that exod owns.
 *
 * Blocks of EXO_BLOCK_SIZE are bound by capability like frames, but they
 * belong to a libOS by its uid and name, not its connection: ownership is
 * kept in a table beside the image (one record per block) and survives
 * the libOS's death and exod's restart.  A libOS that connects with the
 * same uid and name gets its blocks back, with fresh capabilities; nobody
 * else can claim them.
 *
 * exod moves data between bound blocks and bound frames itself (the DMA of
 * the emulation) and raises a completion interrupt.  Writes go to the page
 * cache from the event loop; a flush (fdatasync of the image and the
 * table) runs on a worker thread, so a slow disk never stalls the loop,
 * and is answered only once the data is durable.
 *
 * A write that fails (a full file system, a file size limit, an I/O
 * error) is logged with its errno, at most DISK_ERR_LINES times a
 * second, and counted:
 * like fdatasync(2) on Linux (errseq), the next flush of every libOS
 * connected when it failed reports EXO_EIO, never success.  A record of
 * the owners table that could not be written is kept dirty and written
 * again before every flush; while one is, every flush fails.  Memory is
 * the truth and the table follows it: see owners.c for why a record torn
 * on the way is safe.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "exod.h"

#define DISK_FLUSH_MAX	256	/* flush requests waiting at once */
#define DISK_FLUSH_PEER	4	/* of those, from one libOS */
#define DISK_ERR_LINES	8	/* failed writes logged in a second */

struct block {
	uint32_t	 owner;		/* libOS id bound now; 0 if none */
	uint64_t	 gen;		/* moves on at every unbinding */
	struct disk_owner rec;		/* the truth; the table follows it */
	int		 dirty;		/* rec's last write to the table failed */
	int		 scratch;	/* bound to its connection alone: freed
					   when that ends, and the table keeps
					   it free all along */
};

struct disk_flush_wait {
	uint32_t	 libos;		/* who asked; looked up again at the end */
	struct exo_hdr	 hdr;
};

static struct {
	int		 fd;		/* the image */
	uint32_t	 n;		/* blocks */
	uint32_t	 nfree;
	struct block	*b;
	uint32_t	 ndirty;	/* blocks with dirty set */
	uint64_t	 err_seq;	/* failed writes so far (errseq) */
	uint64_t	 round_seq;	/* err_seq when the round under way began */
	int		 round_dirty;	/* records still dirty when it began */
	time_t		 err_logged;	/* second of the last error logged */
	unsigned	 err_lines;	/* lines logged in that second */
	unsigned	 err_unlogged;	/* errors not logged since */
	struct exo_disk_info info;	/* counters for DISK_INFO */
	/* the flush worker */
	pthread_t	 thread;
	int		 thread_on;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	int		 go;		/* under lock: a round is asked for */
	int		 quit;		/* under lock */
	int		 result;	/* under lock: 0 or -EXO_EIO */
	int		 note[2];	/* worker -> loop: a round is over */
	struct event	*ev_note;
	int		 busy;		/* a round is running (loop side) */
	struct disk_flush_wait in_round[DISK_FLUSH_MAX];
	unsigned	 n_in_round;
	struct disk_flush_wait waiting[DISK_FLUSH_MAX];
	unsigned	 n_waiting;
} disk = { .fd = -1, .note = { -1, -1 } };

uint32_t
disk_blocks(void)
{
	return (disk.n);
}

/* The image, for the ring's worker (ring.c): pread/pwrite only. */
int
disk_fd(void)
{
	return (disk.fd);
}

/* The ring took n blocks to move (DISK_INFO counts them as DISK_IO's). */
void
disk_count_ring(uint32_t op, unsigned n)
{
	if (op == EXO_DISK_WRITE)
		disk.info.writes += n;
	else
		disk.info.reads += n;
}

/*
 * A write failed: count it for the next flushes (errseq) and log it, with
 * errno, unless DISK_ERR_LINES were this second; the next line logged
 * says how many were not.
 */
static void
disk_write_failed(const char *fmt, ...)
{
	struct timespec	 ts;
	va_list		 ap;
	char		 what[256];
	int		 saved = errno;

	disk.err_seq++;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (ts.tv_sec != disk.err_logged) {
		disk.err_logged = ts.tv_sec;
		disk.err_lines = 0;
	}
	if (disk.err_lines >= DISK_ERR_LINES) {
		disk.err_unlogged++;
		return;
	}
	disk.err_lines++;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	errno = saved;
	if (disk.err_unlogged > 0)
		log_warn("%s (and %u more failed writes not logged)",
		    what, disk.err_unlogged);
	else
		log_warn("%s", what);
	disk.err_unlogged = 0;
	errno = saved;
}

/* n writes through the ring failed: the next flushes report EXO_EIO. */
void
disk_ring_failed(unsigned n)
{
	if (n == 0)
		return;
	errno = EIO;
	disk_write_failed("disk image, %u ring writes", n);
	disk.err_seq += n - 1;
}

/* Write block id's owner record; -1 leaves it dirty, to be written again. */
static int
disk_owner_write(uint32_t id)
{
	struct block		*b = &disk.b[id];
	struct disk_owner	 none;

	/* A scratch block is nobody's after a restart: its record says free. */
	memset(&none, 0, sizeof none);
	if (owners_write(id, b->scratch ? &none : &b->rec) == -1) {
		disk_write_failed("owners table, block %u", id);
		if (!b->dirty)
			disk.ndirty++;
		b->dirty = 1;
		return (-1);
	}
	if (b->dirty)
		disk.ndirty--;
	b->dirty = 0;
	return (0);
}

/* Before a flush: write again every record that failed. */
static void
disk_owner_retry(void)
{
	uint32_t	i;

	for (i = 0; i < disk.n && disk.ndirty > 0; i++)
		if (disk.b[i].dirty)
			(void)disk_owner_write(i);
}

/*
 * Write all of iov (k entries) at off to the image, carrying on after a
 * short write so that errno says why it stopped: 0 or -1.
 */
int
disk_pwritev_all(struct iovec *iov, int k, off_t off)
{
	ssize_t	n;

	while (k > 0) {
		if ((n = pwritev(disk.fd, iov, k, off)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		if (n == 0) {
			errno = EIO;
			return (-1);
		}
		off += n;
		while (k > 0 && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			k--;
		}
		if (k > 0) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return (0);
}

static void *
disk_worker(void *arg)
{
	int	r;

	pthread_mutex_lock(&disk.lock);
	for (;;) {
		while (!disk.go && !disk.quit)
			pthread_cond_wait(&disk.cond, &disk.lock);
		if (disk.quit)
			break;
		disk.go = 0;
		pthread_mutex_unlock(&disk.lock);
		r = (fdatasync(disk.fd) == 0 && owners_sync() == 0) ?
		    0 : -EXO_EIO;
		if (r != 0)
			log_warn("flush of the disk image or its owners table");
		pthread_mutex_lock(&disk.lock);
		disk.result = r;
		if (write(disk.note[1], "f", 1) != 1)
			disk.result = -EXO_EIO;
	}
	pthread_mutex_unlock(&disk.lock);
	return (NULL);
}

/* Start a round for everything waiting. */
static void
disk_flush_start(void)
{
	if (disk.busy || disk.n_waiting == 0)
		return;
	memcpy(disk.in_round, disk.waiting, disk.n_waiting *
	    sizeof disk.waiting[0]);
	disk.n_in_round = disk.n_waiting;
	disk.n_waiting = 0;
	disk.busy = 1;
	/* What failed before this round is reported by it. */
	disk_ring_failed(ring_failed_take());
	disk_owner_retry();
	disk.round_seq = disk.err_seq;
	disk.round_dirty = disk.ndirty > 0;
	pthread_mutex_lock(&disk.lock);
	disk.go = 1;
	pthread_cond_signal(&disk.cond);
	pthread_mutex_unlock(&disk.lock);
}

/* A round is over: answer those who asked (if they are still here). */
static void
disk_note_cb(evutil_socket_t fd, short events, void *arg)
{
	struct peer	*p;
	unsigned	 i;
	int		 result;
	char		 c;

	while (read(fd, &c, 1) == 1)
		;
	pthread_mutex_lock(&disk.lock);
	result = disk.result;
	pthread_mutex_unlock(&disk.lock);
	for (i = 0; i < disk.n_in_round; i++) {
		if ((p = peer_find(disk.in_round[i].libos)) == NULL)
			continue;
		/* A write failed since its last flush: not durable. */
		peer_reply(p, &disk.in_round[i].hdr, result != 0 ? result :
		    disk.round_dirty || p->disk_err_seen != disk.round_seq ?
		    -EXO_EIO : 0, NULL, 0, NULL, 0);
	}
	/* Each error is told once to each libOS, as errseq does. */
	for (i = 0; i < disk.n_in_round; i++)
		if ((p = peer_find(disk.in_round[i].libos)) != NULL)
			p->disk_err_seen = disk.round_seq;
	disk.info.flushes++;
	disk.n_in_round = 0;
	disk.busy = 0;
	disk_flush_start();
}

/* FLUSH: answered when everything written so far is durable. */
void
disk_flush(struct peer *p, const struct exo_hdr *h)
{
	unsigned	i, mine = 0;

	/* No libOS can take the queue from the others. */
	for (i = 0; i < disk.n_waiting; i++)
		mine += disk.waiting[i].libos == p->libos;
	for (i = 0; i < disk.n_in_round; i++)
		mine += disk.in_round[i].libos == p->libos;
	if (disk.n_waiting == DISK_FLUSH_MAX || mine >= DISK_FLUSH_PEER) {
		peer_reply(p, h, -EXO_EBUSY, NULL, 0, NULL, 0);
		return;
	}
	disk.waiting[disk.n_waiting].libos = p->libos;
	disk.waiting[disk.n_waiting].hdr = *h;
	disk.n_waiting++;
	disk_flush_start();
}

static int
disk_open_file(const char *path, off_t size, int *created)
{
	struct stat	sb;
	int		fd;

	*created = 0;
	if ((fd = open(path, O_RDWR | O_CLOEXEC)) == -1) {
		if (errno != ENOENT)
			return (-1);
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd == -1)
			return (-1);
		*created = 1;
		if (ftruncate(fd, size) == -1) {
			close(fd);
			return (-1);
		}
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		close(fd);
		errno = EINVAL;
		return (-1);
	}
	return (fd);
}

/*
 * Open (or make, size bytes) the image at path and its owners table at
 * path.owners.  Exits with a message on failure: this is start-up.
 */
void
disk_init(const char *path, uint64_t size)
{
	struct disk_owner *recs;
	struct stat	 sb;
	char		 opath[PATH_MAX];
	uint32_t	 i;
	int		 created;

	if ((disk.fd = disk_open_file(path, (off_t)size, &created)) == -1)
		fatal("disk image %s", path);
	if (fstat(disk.fd, &sb) == -1)
		fatal("%s", path);
	if (sb.st_size == 0 || sb.st_size % EXO_BLOCK_SIZE != 0 ||
	    sb.st_size / EXO_BLOCK_SIZE > UINT32_MAX)
		fatalx("disk image %s: size %lld is not a whole number of "
		    "%d-byte blocks", path, (long long)sb.st_size,
		    EXO_BLOCK_SIZE);
	disk.n = (uint32_t)(sb.st_size / EXO_BLOCK_SIZE);
	if (snprintf(opath, sizeof opath, "%s.owners", path) >=
	    (int)sizeof opath)
		fatalx("disk image path too long");
	if ((disk.b = calloc(disk.n, sizeof *disk.b)) == NULL ||
	    (recs = calloc(disk.n, sizeof *recs)) == NULL)
		fatal("block table");
	disk.info.torn = owners_open(opath, disk.n, recs);
	for (i = 0; i < disk.n; i++) {
		disk.b[i].gen = 1;
		disk.b[i].rec = recs[i];
		if (!recs[i].used)
			disk.nfree++;
	}
	free(recs);
	disk.info.blocks_total = disk.n;
	disk.info.block_size = EXO_BLOCK_SIZE;
	log_info("disk %s: %u blocks, %u free", path, disk.n, disk.nfree);
}

int
disk_start(struct event_base *base)
{
	if (pipe2(disk.note, O_CLOEXEC | O_NONBLOCK) == -1)
		return (-1);
	disk.ev_note = event_new(base, disk.note[0], EV_READ | EV_PERSIST,
	    disk_note_cb, NULL);
	if (disk.ev_note == NULL || event_add(disk.ev_note, NULL) == -1)
		return (-1);
	pthread_mutex_init(&disk.lock, NULL);
	pthread_cond_init(&disk.cond, NULL);
	if (pthread_create(&disk.thread, NULL, disk_worker, NULL) != 0)
		return (-1);
	disk.thread_on = 1;
	return (0);
}

void
disk_fini(void)
{
	if (disk.thread_on) {
		pthread_mutex_lock(&disk.lock);
		disk.quit = 1;
		pthread_cond_signal(&disk.cond);
		pthread_mutex_unlock(&disk.lock);
		pthread_join(disk.thread, NULL);
		disk.thread_on = 0;
	}
	if (disk.fd != -1) {
		(void)fdatasync(disk.fd);
		close(disk.fd);
	}
	owners_close();
	if (disk.ev_note != NULL)
		event_free(disk.ev_note);
	if (disk.note[0] != -1)
		close(disk.note[0]);
	if (disk.note[1] != -1)
		close(disk.note[1]);
	free(disk.b);
	disk.b = NULL;
	disk.n = disk.nfree = disk.ndirty = 0;
	disk.fd = disk.note[0] = disk.note[1] = -1;
}

void
disk_cap(const struct peer *p, uint32_t id, struct exo_cap *c)
{
	memset(c, 0, sizeof *c);
	c->type = EXO_RES_BLOCK;
	c->rights = EXO_RIGHTS_ALL;
	c->owner = p->libos;
	c->id = id;
	c->gen = disk.b[id].gen;
	cap_seal(c);
}

/* Is block id bound to p now? */
int
disk_bound_to(const struct peer *p, uint32_t id)
{
	return (id < disk.n && disk.b[id].owner == p->libos);
}

/* May exod write p's frame to block (seeded autosave)? */
int
disk_owns(const struct peer *p, uint64_t block)
{
	return (block < disk.n && disk.b[block].owner == p->libos);
}

/* p connected: the blocks its uid and name own are bound to it again. */
void
disk_attach(struct peer *p)
{
	uint32_t	i;

	/* Its first flush reports the errors from now on. */
	p->disk_err_seen = disk.err_seq;
	for (i = 0; i < disk.n; i++) {
		if (!disk.b[i].rec.used || disk.b[i].owner != 0 ||
		    disk.b[i].rec.uid != (uint32_t)p->uid ||
		    strcmp(disk.b[i].rec.name, p->name) != 0)
			continue;
		disk.b[i].owner = p->libos;
		p->blocks++;
	}
}

/*
 * p left: its blocks stay its uid's and name's, bound to nobody; its
 * scratch blocks are free again.
 */
void
disk_detach(struct peer *p)
{
	uint32_t	i;

	if (p->blocks == 0)
		return;
	for (i = 0; i < disk.n; i++)
		if (disk.b[i].owner == p->libos && disk.b[i].scratch)
			disk_unbind(p, i);
		else if (disk.b[i].owner == p->libos) {
			grant_res_gone(EXO_RES_BLOCK, i);
			disk.b[i].owner = 0;
			disk.b[i].gen++;
		}
	p->blocks = 0;
}

/* The first run of n free blocks, or n scattered ones; -1 if too few. */
static int
disk_find(unsigned n, uint32_t *ids)
{
	uint32_t	i, run = 0, k = 0;

	if (n > disk.nfree)
		return (-1);
	for (i = 0; i < disk.n; i++) {
		run = disk.b[i].rec.used ? 0 : run + 1;
		if (run == n) {
			for (k = 0; k < n; k++)
				ids[k] = i + 1 - n + k;
			return (0);
		}
	}
	for (i = 0; i < disk.n && k < n; i++)
		if (!disk.b[i].rec.used)
			ids[k++] = i;
	return (0);
}

/*
 * Wipe a block before it is bound: a punched hole reads as zeros; where
 * the file system cannot punch, zeros are written.
 */
static int
disk_wipe(uint32_t id)
{
	static const unsigned char	zero[EXO_BLOCK_SIZE];
	off_t				off = (off_t)id * EXO_BLOCK_SIZE;

	struct iovec			iov;

	if (fallocate(disk.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off,
	    EXO_BLOCK_SIZE) == 0)
		return (0);
	iov.iov_base = (void *)zero;
	iov.iov_len = sizeof zero;
	return (disk_pwritev_all(&iov, 1, off));
}

/*
 * Bind n fresh, zeroed blocks to p, all or none; scratch ones (swap, say)
 * belong to p's connection alone, not to its uid and name.
 */
int
disk_alloc(struct peer *p, unsigned n, int scratch, struct exo_cap *caps)
{
	uint32_t	ids[EXO_BATCH_MAX];
	unsigned	i;

	if (disk_find(n, ids) == -1)
		return (-EXO_ENOMEM);
	for (i = 0; i < n; i++)
		if (disk_wipe(ids[i]) == -1)
			goto bad;
	for (i = 0; i < n; i++) {
		struct block	*b = &disk.b[ids[i]];

		b->owner = p->libos;
		b->scratch = scratch;
		b->rec.used = 1;
		b->rec.uid = (uint32_t)p->uid;
		memcpy(b->rec.name, p->name, sizeof b->rec.name);
		if (disk_owner_write(ids[i]) == -1) {
			/*
			 * Undone, this one too: its record may be torn, and
			 * is rewritten free now or before the next flush.
			 */
			i++;
			while (i-- > 0) {
				memset(&disk.b[ids[i]].rec, 0,
				    sizeof disk.b[ids[i]].rec);
				disk.b[ids[i]].owner = 0;
				(void)disk_owner_write(ids[i]);
			}
			return (-EXO_EIO);
		}
		disk_cap(p, ids[i], &caps[i]);
	}
	disk.nfree -= n;
	p->blocks += n;
	return (0);
bad:
	disk_write_failed("wiping block %u", ids[i]);
	return (-EXO_EIO);
}

/* Is c a current binding of a block to p with rights? */
int
disk_check(const struct peer *p, const struct exo_cap *c, unsigned rights)
{
	int	error;

	if ((error = cap_verify(c)) != 0)
		return (error);
	if (c->owner != p->libos)
		return (-EXO_ENOTOWNER);
	if (c->flags & EXO_CAP_GRANTED)
		return (-EXO_EGRANTED);	/* grant_check_use takes those */
	if (c->type != EXO_RES_BLOCK || c->id >= disk.n)
		return (-EXO_EINVAL);
	if (disk.b[c->id].owner != p->libos || disk.b[c->id].gen != c->gen)
		return (-EXO_ESTALE);
	if ((rights & ~(unsigned)c->rights) != 0)
		return (-EXO_ERIGHTS);
	return (0);
}

/* Unbind block id from its owner for good: the uid and name lose it. */
void
disk_unbind(struct peer *p, uint32_t id)
{
	struct block	*b = &disk.b[id];

	ring_block_gone(id);	/* the ring's worker is done with it */
	revoke_block_gone(p, id);
	grant_res_gone(EXO_RES_BLOCK, id);
	b->owner = 0;
	b->gen++;
	b->scratch = 0;
	memset(&b->rec, 0, sizeof b->rec);
	(void)disk_owner_write(id);
	disk.nfree++;
	p->blocks--;
}

int
disk_free(struct peer *p, const struct exo_cap *caps, unsigned n)
{
	unsigned	i, j;
	int		error;

	for (i = 0; i < n; i++) {
		if ((error = disk_check(p, &caps[i], 0)) != 0)
			return (error);
		for (j = 0; j < i; j++)
			if (caps[j].id == caps[i].id)
				return (-EXO_EINVAL);
	}
	for (i = 0; i < n; i++)
		disk_unbind(p, (uint32_t)caps[i].id);
	return (0);
}

/*
 * Capabilities for p's blocks, from the start-th on; the total owned.
 * Scratch blocks are not listed: nobody gets them back, and a libOS that
 * finds its own blocks at boot must not take them for its data.
 */
unsigned
disk_list(struct peer *p, uint32_t start, struct exo_cap *caps,
    unsigned max, uint32_t *total)
{
	uint32_t	i, seen = 0;
	unsigned	n = 0;

	for (i = 0; i < disk.n; i++) {
		if (disk.b[i].owner != p->libos || disk.b[i].scratch)
			continue;
		if (seen++ >= start && n < max)
			disk_cap(p, i, &caps[n++]);
	}
	*total = seen;
	return (n);
}

/* Move one block; 0 or -EXO_EIO. */
int
disk_move(uint32_t op, uint32_t block, void *va)
{
	off_t	off = (off_t)block * EXO_BLOCK_SIZE;
	ssize_t	n;

	struct iovec	iov;

	if (op == EXO_DISK_WRITE) {
		disk.info.writes++;
		iov.iov_base = va;
		iov.iov_len = EXO_BLOCK_SIZE;
		if (disk_pwritev_all(&iov, 1, off) == 0)
			return (0);
		disk_write_failed("disk image, block %u", block);
		return (-EXO_EIO);
	}
	n = pread(disk.fd, va, EXO_BLOCK_SIZE, off);
	disk.info.reads++;
	if (n == EXO_BLOCK_SIZE)
		return (0);
	if (n >= 0)
		errno = EIO;
	log_warn("disk image, reading block %u", block);
	return (-EXO_EIO);
}

/*
 * DISK_IO: check every pair, then move the data and queue the completion
 * interrupt.  Contiguous blocks go in one vectored call.
 */
int
disk_io(struct peer *p, uint32_t op, uint64_t tag,
    const struct exo_disk_pair *pairs, unsigned n)
{
	struct exo_upcall_disk	done;
	struct iovec		iov[EXO_DISK_IO_MAX];
	unsigned		i, first, k;
	unsigned		frights = op == EXO_DISK_READ ? EXO_RIGHT_WRITE :
				    EXO_RIGHT_READ;
	ssize_t			r;
	off_t			off;
	int			error, status = 0;

	for (i = 0; i < n; i++) {
		/* Either may be granted (grant.c), with those rights. */
		if ((error = grant_check_use(p, &pairs[i].block,
		    EXO_RES_BLOCK, op == EXO_DISK_WRITE ? EXO_RIGHT_WRITE :
		    EXO_RIGHT_READ)) != 0 ||
		    (error = grant_check_use(p, &pairs[i].frame,
		    EXO_RES_FRAME, frights)) != 0)
			return (error);
	}
	for (first = 0; first < n; first = i) {
		for (i = first, k = 0; i < n && (i == first ||
		    pairs[i].block.id == pairs[i - 1].block.id + 1); i++, k++) {
			iov[k].iov_base = frame_va((uint32_t)pairs[i].frame.id);
			iov[k].iov_len = EXO_BLOCK_SIZE;
		}
		off = (off_t)pairs[first].block.id * EXO_BLOCK_SIZE;
		if (op == EXO_DISK_WRITE) {
			disk.info.writes += k;
			if (disk_pwritev_all(iov, (int)k, off) == -1) {
				disk_write_failed("disk image, blocks %llu-%llu",
				    (unsigned long long)pairs[first].block.id,
				    (unsigned long long)pairs[first].block.id +
				    k - 1);
				status = -EXO_EIO;
			}
			continue;
		}
		r = preadv(disk.fd, iov, (int)k, off);
		disk.info.reads += k;
		if (r != (ssize_t)k * EXO_BLOCK_SIZE) {
			if (r >= 0)
				errno = EIO;
			log_warn("disk image, reading blocks %llu-%llu",
			    (unsigned long long)pairs[first].block.id,
			    (unsigned long long)pairs[first].block.id + k - 1);
			status = -EXO_EIO;
		}
	}
	memset(&done, 0, sizeof done);
	done.tag = tag;
	done.op = op;
	done.count = n;
	done.status = status;
	(void)event_post_upcall(p, EXO_UPCALL_DISK, &done, sizeof done);
	return (0);
}

void
disk_info(struct exo_disk_info *out)
{
	ring_count_fold();	/* what the ring's worker took */
	disk.info.blocks_free = disk.nfree;
	*out = disk.info;
}

void
disk_count_autosave(void)
{
	disk.info.autosaves++;
}
