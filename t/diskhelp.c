/*
 * diskhelp.c - what the revocation and disk tests share (diskhelp.h).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <sys/wait.h>

#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "diskhelp.h"
#include "harness.h"
#include "proc.h"
#include "tap.h"

#define DH_ARGS_MAX	32
#define DH_READY_MS	10000	/* a libOS must be ready within this */
#define DH_EXIT_MS	10000	/* and gone this long after its input closes */

static char	dh_disk_path[PATH_MAX], dh_ctl_path[PATH_MAX];

const char *
dh_libos_disk(void)
{
	if (dh_disk_path[0] == '\0')
		snprintf(dh_disk_path, sizeof dh_disk_path, "%s",
		    th_path("t/libos-disk"));
	return dh_disk_path;
}

const char *
dh_exoctl(void)
{
	if (dh_ctl_path[0] == '\0')
		snprintf(dh_ctl_path, sizeof dh_ctl_path, "%s",
		    th_path("exod/exoctl"));
	return dh_ctl_path;
}

/* As pattern() in t/libos-disk.c. */
void
dh_pattern(const char *name, unsigned i, unsigned char *buf)
{
	size_t		len = strlen(name);
	unsigned	k;

	for (k = 0; k < EXO_FRAME_SIZE; k++)
		buf[k] = (unsigned char)(name[k % len] + i * 7 + k / 512);
}

int
dh_image_read(const struct th_exod *d, uint64_t id, void *buf)
{
	char	path[512];
	ssize_t	n;
	int	fd;

	snprintf(path, sizeof path, "%s.disk", d->sock);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = pread(fd, buf, EXO_BLOCK_SIZE, (off_t)(id * EXO_BLOCK_SIZE));
	close(fd);
	return n == EXO_BLOCK_SIZE ? 0 : -1;
}

int
dh_image_is(const struct th_exod *d, uint64_t id, const char *name,
    unsigned i)
{
	unsigned char	got[EXO_BLOCK_SIZE], want[EXO_BLOCK_SIZE];

	if (dh_image_read(d, id, got) != 0)
		return 0;
	dh_pattern(name, i, want);
	return memcmp(got, want, sizeof got) == 0;
}

int
dh_image_zero(const struct th_exod *d, uint64_t id)
{
	unsigned char	got[EXO_BLOCK_SIZE];
	size_t		k;

	if (dh_image_read(d, id, got) != 0)
		return 0;
	for (k = 0; k < sizeof got; k++)
		if (got[k] != 0)
			return 0;
	return 1;
}

uint32_t
dh_libos(struct tp_proc *p, const struct th_exod *d, const char *name,
    unsigned nframes, uint64_t *fid, int64_t *bid, ...)
{
	const char	*argv[DH_ARGS_MAX + 10], *arg, *line;
	va_list		 ap;
	unsigned	 i;
	int		 n = 0;

	argv[n++] = dh_libos_disk();
	argv[n++] = "-S";
	argv[n++] = d->sock;
	argv[n++] = "-n";
	argv[n++] = name;
	argv[n++] = "-t";
	argv[n++] = "0";
	argv[n++] = "-v";
	va_start(ap, bid);
	while ((arg = va_arg(ap, const char *)) != NULL) {
		if (n >= DH_ARGS_MAX + 8)
			bail("dh_libos: too many arguments");
		argv[n++] = arg;
	}
	va_end(ap);
	argv[n] = NULL;
	tp_start(p, argv);
	for (i = 0; i < nframes; i++) {
		if ((line = tp_expect(p, "frame ", DH_READY_MS)) == NULL ||
		    tp_field(line, "i", -1) != (long long)i)
			goto bad;
		if (fid != NULL)
			fid[i] = (uint64_t)tp_field(line, "id", -1);
		if (bid != NULL)
			bid[i] = tp_field(line, "block", -1);
	}
	if ((line = tp_expect(p, "ready", DH_READY_MS)) == NULL)
		goto bad;
	return (uint32_t)tp_field(line, "libos", 0);
bad:
	tp_diag(p, name);
	return 0;
}

int
dh_verify(const struct th_exod *d, const char *name, struct dh_verified *v)
{
	const char	*argv[] = { dh_libos_disk(), "-S", d->sock, "-n", name,
			    "-V", NULL };
	const char	*line;
	int		 status;

	memset(v, 0, sizeof *v);
	v->verified = v->bad = v->owned = -1;
	status = tp_run(argv, v->out, sizeof v->out, 20000);
	if ((line = strstr(v->out, "verified=")) != NULL) {
		v->verified = tp_field(line, "verified", -1);
		v->bad = tp_field(line, "bad", -1);
		v->owned = tp_field(line, "owned", -1);
	} else
		diag("libos-disk -n %s -V said: %s", name, v->out);
	if (status == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int
dh_libos_end(struct tp_proc *p)
{
	int	status;

	tp_close_in(p);
	status = tp_wait(p, DH_EXIT_MS);
	if (status == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int
dh_exoctl_run(const struct th_exod *d, char *out, size_t outlen, ...)
{
	const char	*argv[DH_ARGS_MAX + 4], *arg;
	va_list		 ap;
	int		 n = 0, status;

	argv[n++] = dh_exoctl();
	argv[n++] = "-S";
	argv[n++] = d->sock;
	va_start(ap, outlen);
	while ((arg = va_arg(ap, const char *)) != NULL) {
		if (n >= DH_ARGS_MAX + 2)
			bail("dh_exoctl_run: too many arguments");
		argv[n++] = arg;
	}
	va_end(ap);
	argv[n] = NULL;
	status = tp_run(argv, out, outlen, 20000);
	if (status == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int
dh_revoke(const struct th_exod *d, uint32_t target, uint32_t kind,
    uint64_t arg, struct exo_revoke_reply *r)
{
	struct exo	*ctl;
	int		 rc;

	memset(r, 0, sizeof *r);
	if ((rc = exo_connect_control(d->sock, &ctl)) != 0)
		return rc;
	rc = exo_revoke(ctl, target, kind, arg, r);
	exo_disconnect(ctl);
	return rc;
}

int
dh_peer(const struct th_exod *d, uint32_t libos, struct exo_status_peer *out)
{
	struct exo_status	 st;
	struct exo		*ctl;
	unsigned		 i;
	int			 found = -1;

	memset(out, 0, sizeof *out);
	if (exo_connect_control(d->sock, &ctl) != 0)
		return -1;
	if (exo_status(ctl, &st) == 0) {
		for (i = 0; i < st.totals.npeers; i++)
			if (st.peers[i].libos == libos) {
				*out = st.peers[i];
				found = 0;
			}
		exo_status_free(&st);
	}
	exo_disconnect(ctl);
	return found;
}

int
dh_disk_info(const struct th_exod *d, struct exo_disk_info *info)
{
	struct exo	*ctl;
	int		 rc;

	memset(info, 0, sizeof *info);
	if ((rc = exo_connect_control(d->sock, &ctl)) != 0)
		return rc;
	rc = exo_disk_info(ctl, info);
	exo_disconnect(ctl);
	return rc;
}

int
dh_fds_settled(const struct th_exod *d)
{
	long	deadline = tp_now_ms() + 10000, since = tp_now_ms();
	int	n, last = th_count_fds(d->pid);

	while (tp_now_ms() < deadline) {
		tp_sleep_ms(20);
		n = th_count_fds(d->pid);
		if (n != last) {
			last = n;
			since = tp_now_ms();
		} else if (tp_now_ms() - since >= 500)
			break;
	}
	return last;
}

int
dh_wait_fds(const struct th_exod *d, int want, int ms)
{
	long	deadline = tp_now_ms() + ms;
	int	n;

	for (;;) {
		n = th_count_fds(d->pid);
		if (n == want || tp_now_ms() >= deadline)
			return n;
		tp_sleep_ms(20);
	}
}
