/*
 * unixfs-help.c - what the file system tests share (unixfs-help.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exo.h"
#include "bdev.h"
#include "bio.h"
#include "fsys.h"
#include "tap.h"
#include "unixfs-help.h"

static struct bdev	*uf_dev;

volatile int	uf_deaf;

static int
uf_intr(struct exo *e, const struct exo_intr *in, void *arg)
{
	(void)e;
	(void)arg;
	/* The test plays the kernel: it calls the file system only when no
	 * FS code is running, so the cache can be told at once. */
	if (in->kind == EXO_INTR_DISK)
		bdev_exo_intr(in);
	else if (in->kind == EXO_INTR_REVOKE && !(uf_deaf & UF_DEAF_REVOKE))
		fs_revoke(in->vec, in->count);
	else if (in->kind == EXO_INTR_REPOSSESSED &&
	    !(uf_deaf & UF_DEAF_REPOSSESSED))
		fs_repossessed(in->vec, in->count);
	return (0);
}

struct exo *
uf_connect(const char *sock, const char *name)
{
	struct exo	*e;

	if (exo_connect(sock, name, &e) != 0)
		return (NULL);
	if (exo_pe_interrupt(e, uf_intr, NULL) != 0) {
		exo_disconnect(e);
		return (NULL);
	}
	return (e);
}

int
uf_mkfs(struct exo *e, uint32_t nblocks, uint32_t ninodes)
{
	struct bdev	*d;
	char		 err[256];

	if (bdev_exo_create(e, nblocks, &d, err, sizeof err) != 0 ||
	    mkfs_format(d, ninodes, err, sizeof err) != 0) {
		diag("mkfs: %s", err);
		return (-1);
	}
	bdev_close(d);
	return (0);
}

int
uf_mount(struct exo *e, unsigned nbuf)
{
	struct fs_mount_opts	o;
	char			err[256];

	memset(&o, 0, sizeof o);
	o.nbuf = nbuf;
	if (bdev_exo_open(e, &uf_dev, err, sizeof err) != 0 ||
	    fs_mount(uf_dev, &o, err, sizeof err) != 0) {
		diag("mount: %s", err);
		bdev_close(uf_dev);
		uf_dev = NULL;
		return (-1);
	}
	return (0);
}

void
uf_unmount(void)
{
	fs_unmount();
	bdev_close(uf_dev);
	uf_dev = NULL;
}

static unsigned char
uf_byte(uint64_t seed, uint64_t off)
{
	uint64_t	x = seed * 0x9e3779b97f4a7c15ULL + off / 8;

	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 32;
	return ((unsigned char)(x >> (8 * (off % 8))));
}

void
uf_fill(unsigned char *p, size_t n, uint64_t seed, uint32_t off)
{
	size_t	i;

	for (i = 0; i < n; i++)
		p[i] = uf_byte(seed, (uint64_t)off + i);
}

int
uf_check(const unsigned char *p, size_t n, uint64_t seed, uint32_t off)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (p[i] != uf_byte(seed, (uint64_t)off + i))
			return (-1);
	return (0);
}

#define UF_CHUNK	(256 * 1024)

int
uf_put(const char *path, uint64_t seed, uint32_t size)
{
	struct inode	*ip;
	unsigned char	*buf;
	uint32_t	 off, n;
	int		 rc = 0;

	if ((buf = malloc(UF_CHUNK)) == NULL)
		return (-1);
	ip = fsop_open(NULL, path, FS_O_CREATE | FS_O_WRONLY | FS_O_TRUNC);
	if (ip == NULL) {
		free(buf);
		return (-1);
	}
	for (off = 0; off < size && rc == 0; off += n) {
		n = size - off > UF_CHUNK ? UF_CHUNK : size - off;
		uf_fill(buf, n, seed, off);
		if (fsop_write(ip, buf, off, n) != (int)n)
			rc = -1;
	}
	fsop_close(ip);
	free(buf);
	return (rc);
}

int
uf_verify(const char *path, uint64_t seed, uint32_t size)
{
	struct fs_stat	 st;
	struct inode	*ip;
	unsigned char	*buf;
	uint32_t	 off, n;
	int		 rc = 0;

	if ((ip = fsop_open(NULL, path, FS_O_RDONLY)) == NULL)
		return (-1);
	if ((buf = malloc(UF_CHUNK)) == NULL || fs_ilock(ip) != 0) {
		free(buf);
		fsop_close(ip);
		return (-1);
	}
	fs_stati(ip, &st);
	fs_iunlock(ip);
	if (st.size != size)
		rc = -1;
	for (off = 0; off < size && rc == 0; off += n) {
		n = size - off > UF_CHUNK ? UF_CHUNK : size - off;
		if (fsop_read(ip, buf, off, n) != (int)n ||
		    uf_check(buf, n, seed, off) != 0)
			rc = -1;
	}
	fsop_close(ip);
	free(buf);
	return (rc);
}

static void
uf_report(void *arg, const char *line)
{
	(void)arg;
	diag("fsck: %s", line);
}

long
uf_fsck(void)
{
	return (fsck_check(uf_report, NULL));
}
