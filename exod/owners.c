/*
 * owners.c - the table of the disk blocks' owners, beside the image.
 *
 * One record per block says which uid and name own it, so that ownership
 * survives the libOS and exod.  The table must come through a full file
 * system, a host I/O error, or exod killed in the middle of a write,
 * without ever naming an owner nobody wrote:
 *
 *	- every record is OWNERS_REC (64) bytes at a multiple of 64, so it
 *	  never straddles a page or a sector, and it names its own block;
 *	- it ends with a CRC-32C of the rest, and a record that does not
 *	  check is torn: some write of it did not complete;
 *	- the file is allocated in full when it is opened, so that a full
 *	  file system has no reason to refuse a record later.
 *
 * A torn record is reclaimed as free.  That is always right, because of
 * what exod writes: a block becomes used only by an allocation, which is
 * answered after its record is written whole and undone (written free)
 * when that fails; every other write makes a block free.  So a write that
 * tore was either of an allocation that was never answered, or of a block
 * that was being freed.  disk.c retries a record that failed and makes
 * the next flush report the failure.
 *
 * The layout (all numbers little-endian, as the host has them):
 *
 *	header, 64 bytes at 0: "EXOOWNRS", version 2, record size 64,
 *	    the number of blocks, zeros, CRC-32C of bytes 0..59 at 60
 *	record of block i, 64 bytes at 64 + 64 i: magic OWNERS_MAGIC,
 *	    used (0 or 1), uid, i, generation (64 bits), name (32 bytes,
 *	    NUL-terminated), zeros, CRC-32C of bytes 0..59 at 60
 *
 * A record of all zeros is a block never owned.  A table in the layout of
 * earlier versions (40-byte records: used, uid, name) is converted when it
 * is opened.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exod.h"

#define OWNERS_REC		64
#define OWNERS_MAGIC		0x4f52584fU	/* "OXRO" */
#define OWNERS_VERSION		2
#define OWNERS_TORN_LOGGED	16	/* torn records named one by one */

static const char owners_hmagic[8] = "EXOOWNRS";

struct owners_hdr {
	char		magic[8];	/* owners_hmagic */
	uint32_t	version;	/* OWNERS_VERSION */
	uint32_t	recsize;	/* OWNERS_REC */
	uint64_t	blocks;		/* records that follow */
	unsigned char	zero[36];
	uint32_t	crc;		/* CRC-32C of the bytes before it */
};

struct owners_rec {
	uint32_t	magic;		/* OWNERS_MAGIC; 0 in a block never owned */
	uint32_t	used;		/* 0 or 1 */
	uint32_t	uid;
	uint32_t	block;		/* which record this is */
	uint64_t	gen;		/* writes of this record so far */
	char		name[EXO_NAME_MAX];
	uint32_t	zero;
	uint32_t	crc;		/* CRC-32C of the bytes before it */
};

/* The earlier layout: no check, 40 bytes, straddling pages. */
struct owners_rec1 {
	uint32_t	used;
	uint32_t	uid;
	char		name[EXO_NAME_MAX];
};

_Static_assert(sizeof(struct owners_hdr) == OWNERS_REC, "owners header");
_Static_assert(sizeof(struct owners_rec) == OWNERS_REC, "owners record");
_Static_assert(sizeof(struct owners_rec1) == 40, "old owners record");

static struct {
	int		 fd;
	uint32_t	 n;
	uint64_t	*gen;		/* generation of each record on disk */
	char		 path[PATH_MAX];
} owners = { .fd = -1 };

/* CRC-32C (Castagnoli), bit by bit: 60 bytes at a time is cheap. */
uint32_t
owners_crc32c(const void *buf, size_t len)
{
	const unsigned char	*p = buf;
	uint32_t		 crc = 0xffffffffU;
	int			 k;

	while (len-- > 0) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78U & (0U - (crc & 1)));
	}
	return (crc ^ 0xffffffffU);
}

static off_t
owners_offset(uint32_t id)
{
	return ((off_t)OWNERS_REC + (off_t)id * OWNERS_REC);
}

static off_t
owners_size(uint32_t n)
{
	return (owners_offset(n));
}

/*
 * Write len bytes at off, all of them or fail: a short write is carried
 * on so that the error that stopped it (ENOSPC, EFBIG, EIO) is in errno.
 */
static int
owners_pwrite(const void *buf, size_t len, off_t off)
{
	const unsigned char	*p = buf;
	ssize_t			 n;

	while (len > 0) {
		if ((n = pwrite(owners.fd, p, len, off)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		if (n == 0) {
			errno = EIO;
			return (-1);
		}
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return (0);
}

static void
owners_hdr_make(struct owners_hdr *h, uint32_t n)
{
	memset(h, 0, sizeof *h);
	memcpy(h->magic, owners_hmagic, sizeof h->magic);
	h->version = OWNERS_VERSION;
	h->recsize = OWNERS_REC;
	h->blocks = n;
	h->crc = owners_crc32c(h, offsetof(struct owners_hdr, crc));
}

static int
owners_hdr_ok(const struct owners_hdr *h, uint32_t n)
{
	return (memcmp(h->magic, owners_hmagic, sizeof h->magic) == 0 &&
	    h->version == OWNERS_VERSION && h->recsize == OWNERS_REC &&
	    h->blocks == n &&
	    h->crc == owners_crc32c(h, offsetof(struct owners_hdr, crc)));
}

static void
owners_rec_make(struct owners_rec *r, uint32_t id, uint64_t gen,
    const struct disk_owner *o)
{
	memset(r, 0, sizeof *r);
	r->magic = OWNERS_MAGIC;
	r->used = o->used ? 1 : 0;
	r->block = id;
	r->gen = gen;
	if (r->used) {
		r->uid = o->uid;
		memcpy(r->name, o->name, sizeof r->name);
		r->name[sizeof r->name - 1] = '\0';
	}
	r->crc = owners_crc32c(r, offsetof(struct owners_rec, crc));
}

/* Does r check as the record of block id?  Fill o from it. */
static int
owners_rec_ok(const struct owners_rec *r, uint32_t id, struct disk_owner *o)
{
	static const struct owners_rec	zero;

	memset(o, 0, sizeof *o);
	if (memcmp(r, &zero, sizeof zero) == 0)
		return (1);		/* never written: free */
	if (r->magic != OWNERS_MAGIC || r->block != id || r->used > 1 ||
	    r->zero != 0 || memchr(r->name, '\0', sizeof r->name) == NULL ||
	    r->crc != owners_crc32c(r, offsetof(struct owners_rec, crc)))
		return (0);
	if (r->used) {
		o->used = 1;
		o->uid = r->uid;
		memcpy(o->name, r->name, sizeof o->name);
	}
	return (1);
}

/* Allocate the whole table, so a full file system refuses no record. */
static void
owners_reserve(uint32_t n)
{
	if (fallocate(owners.fd, 0, 0, owners_size(n)) == -1 &&
	    errno != EOPNOTSUPP)
		log_warn("owners table %s: cannot allocate its %lld bytes; "
		    "a full file system may refuse records (they are checked)",
		    owners.path, (long long)owners_size(n));
}

/*
 * Convert a table of the earlier layout, or make a new one: write it
 * whole beside, make it durable, and rename it over.
 */
static void
owners_rewrite(uint32_t n, const struct disk_owner *from)
{
	struct owners_hdr	 h;
	struct owners_rec	 r;
	char			 tmp[PATH_MAX + 8];
	uint32_t		 i;
	int			 fd;

	if (snprintf(tmp, sizeof tmp, "%s.new", owners.path) >=
	    (int)sizeof tmp)
		fatalx("owners table path too long");
	fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1)
		fatal("owners table %s", tmp);
	if (owners.fd != -1)
		close(owners.fd);
	owners.fd = fd;
	owners_reserve(n);
	owners_hdr_make(&h, n);
	if (owners_pwrite(&h, sizeof h, 0) == -1)
		fatal("owners table %s", tmp);
	if (ftruncate(fd, owners_size(n)) == -1)
		fatal("owners table %s", tmp);
	for (i = 0; from != NULL && i < n; i++) {
		if (!from[i].used)
			continue;
		owners_rec_make(&r, i, 1, &from[i]);
		if (owners_pwrite(&r, sizeof r, owners_offset(i)) == -1)
			fatal("owners table %s", tmp);
	}
	if (fsync(fd) == -1 || rename(tmp, owners.path) == -1)
		fatal("owners table %s", owners.path);
}

/* Read a table of the earlier layout (n records) into o. */
static void
owners_read1(uint32_t n, struct disk_owner *o)
{
	struct owners_rec1	r;
	uint32_t		i;

	for (i = 0; i < n; i++) {
		memset(&o[i], 0, sizeof o[i]);
		if (pread(owners.fd, &r, sizeof r, (off_t)i * sizeof r) !=
		    sizeof r)
			fatal("owners table %s", owners.path);
		/* It could tear: a record without a name is nobody's. */
		if (r.used != 1 || r.name[0] == '\0' ||
		    memchr(r.name, '\0', sizeof r.name) == NULL)
			continue;
		o[i].used = 1;
		o[i].uid = r.uid;
		memcpy(o[i].name, r.name, sizeof o[i].name);
	}
}

/*
 * Open (or make) the table at path for n blocks and read it into o[n].
 * The number of torn records reclaimed.  Exits with a message on failure:
 * this is start-up.
 */
uint32_t
owners_open(const char *path, uint32_t n, struct disk_owner *o)
{
	struct owners_hdr	 h;
	struct owners_rec	 r;
	struct stat		 sb;
	static const struct disk_owner free_rec;
	uint32_t		 i, torn = 0;

	if (snprintf(owners.path, sizeof owners.path, "%s", path) >=
	    (int)sizeof owners.path)
		fatalx("owners table path too long");
	owners.n = n;
	if ((owners.gen = calloc(n ? n : 1, sizeof *owners.gen)) == NULL)
		fatal("owners table");
	owners.fd = open(path, O_RDWR | O_CLOEXEC);
	if (owners.fd == -1 && errno != ENOENT)
		fatal("owners table %s", path);
	if (owners.fd == -1) {
		owners_rewrite(n, NULL);
		memset(o, 0, (size_t)n * sizeof *o);
		return (0);
	}
	if (fstat(owners.fd, &sb) == -1 || !S_ISREG(sb.st_mode))
		fatalx("owners table %s: not a regular file", path);
	if (sb.st_size == (off_t)n * (off_t)sizeof(struct owners_rec1) &&
	    (pread(owners.fd, &h, sizeof h, 0) != sizeof h ||
	    memcmp(h.magic, owners_hmagic, sizeof h.magic) != 0)) {
		owners_read1(n, o);
		owners_rewrite(n, o);
		log_info("owners table %s: converted to version %d", path,
		    OWNERS_VERSION);
		return (0);
	}
	if (sb.st_size != owners_size(n))
		fatalx("owners table %s: %lld bytes, not the %lld of a table "
		    "of %u blocks", path, (long long)sb.st_size,
		    (long long)owners_size(n), n);
	if (pread(owners.fd, &h, sizeof h, 0) != sizeof h)
		fatal("owners table %s", path);
	if (!owners_hdr_ok(&h, n)) {
		/* Only written when made: the making was cut short. */
		log_warnx("owners table %s: bad header, written again", path);
		owners_hdr_make(&h, n);
		if (owners_pwrite(&h, sizeof h, 0) == -1)
			fatal("owners table %s", path);
	}
	owners_reserve(n);
	for (i = 0; i < n; i++) {
		if (pread(owners.fd, &r, sizeof r, owners_offset(i)) !=
		    sizeof r)
			fatal("owners table %s", path);
		if (owners_rec_ok(&r, i, &o[i])) {
			owners.gen[i] = r.magic == 0 ? 0 : r.gen;
			continue;
		}
		if (torn++ < OWNERS_TORN_LOGGED)
			log_warnx("owners table %s: the record of block %u is "
			    "torn (a write of it did not complete): the block "
			    "is free", path, i);
		owners.gen[i] = r.gen;
		if (owners_write(i, &free_rec) == -1)
			log_warn("owners table %s: block %u stays torn on "
			    "disk", path, i);
	}
	if (torn > OWNERS_TORN_LOGGED)
		log_warnx("owners table %s: %u torn records in all, each "
		    "block free", path, torn);
	return (torn);
}

/* Write block id's record: 0, or -1 with errno set (nothing logged). */
int
owners_write(uint32_t id, const struct disk_owner *o)
{
	struct owners_rec	r;

	owners_rec_make(&r, id, ++owners.gen[id], o);
	return (owners_pwrite(&r, sizeof r, owners_offset(id)));
}

/* Make the table durable (the flush worker). */
int
owners_sync(void)
{
	return (fdatasync(owners.fd));
}

void
owners_close(void)
{
	if (owners.fd != -1) {
		(void)fdatasync(owners.fd);
		close(owners.fd);
	}
	owners.fd = -1;
	free(owners.gen);
	owners.gen = NULL;
	owners.n = 0;
}
