/*
 * fsboot.c - the file system inside the running libOS: finding it at
 * boot (or making one on the first boot of a name), the --mkfs and
 * --fsck modes, the file system's share of the interrupt entry, and the
 * count of processes inside the file system, which decides when a
 * revocation may touch the buffer cache.
 *
 * The file system code is not reentrant: the cache's and the log's
 * tables are changed step by step.  A revocation arrives in the doorbell
 * handler, at any instruction, so it is served at once only while no
 * process is inside the file system (fsboot_active == 0); otherwise its
 * vector is kept and served by the last process to leave
 * (fsboot_leave), which is soon: a process inside the file system waits
 * only for its own disk transfers and for other holders of a buffer or
 * an inode, never for the console or a pipe.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exo.h"
#include "kernel/fs.h"
#include "defs.h"
#include "proc.h"
#include "file.h"
#include "bdev.h"
#include "fsys.h"
#include "fsboot.h"

_Static_assert(FSBOOT_NBUF_MIN >= FS_NBUF_MIN, "FS_NBUF_MIN");

#define FSBOOT_PENDING	(2 * EXO_BATCH_MAX)	/* deferred entries */
#define FSBOOT_TWIN_WAIT	100	/* tries, 50 ms apart, for a twin to go */

static struct {
	struct bdev		*dev;		/* the mounted disk, or NULL */
	int			 active;	/* processes inside the FS */
	int			 draining;	/* serving deferred entries */
	/* Deferred revocations and repossessions, in arrival order. */
	struct exo_revoke_entry	 vec[FSBOOT_PENDING];
	int			 kind[FSBOOT_PENDING];
	volatile unsigned	 npending;
	uint64_t		 overflow;	/* entries that did not fit */
} fsboot;

/*
 * Sleep on chan unless *cond is already set.  A waker in signal context
 * (a disk completion) sets *cond before it wakes chan; checking *cond
 * after the state is SLEEPING closes the window in which it would find
 * nobody asleep and the sleeper would never wake.
 */
void
proc_sleep_unless(void *chan, const volatile int *cond)
{
	struct proc	*p = proc_cur;

	if (p == NULL)
		unix_panic("proc_sleep_unless outside a process");
	p->chan = chan;
	p->state = PROC_S_SLEEPING;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (*cond) {
		p->state = PROC_S_RUNNING;
		p->chan = NULL;
		return;
	}
	sched_switch_out(p);
	p->chan = NULL;
}

static void
fsboot_serve(int kind, const struct exo_revoke_entry *vec, unsigned n)
{
	if (kind == EXO_INTR_REVOKE)
		(void)fs_revoke(vec, n);
	else
		fs_repossessed(vec, n);
}

/* Is kept entry i's frame repossessed by a later kept entry? */
static int
fsboot_taken_later(unsigned i)
{
	unsigned	j;

	for (j = i + 1; j < fsboot.npending; j++)
		if (fsboot.kind[j] == EXO_INTR_REPOSSESSED &&
		    fsboot.vec[j].cap.id == fsboot.vec[i].cap.id &&
		    fsboot.vec[j].cap.gen == fsboot.vec[i].cap.gen)
			return (1);
	return (0);
}

/* Serve what was deferred; only with no process inside the FS. */
static void
fsboot_drain(void)
{
	struct exo_revoke_entry	e;
	unsigned		i;
	int			k;

	if (fsboot.draining)
		return;
	fsboot.draining = 1;
	for (i = 0; i < fsboot.npending; i++) {
		e = fsboot.vec[i];
		k = fsboot.kind[i];
		/* Taken at the deadline meanwhile: only the repossession. */
		if (k == EXO_INTR_REVOKE && fsboot_taken_later(i))
			continue;
		fsboot_serve(k, &e, 1);
	}
	fsboot.npending = 0;
	fsboot.draining = 0;
}

void
fsboot_enter(void)
{
	fsboot.active++;
}

void
fsboot_leave(void)
{
	if (fsboot.active <= 0)
		unix_panic("fsboot_leave: not inside the file system");
	if (--fsboot.active == 0 && fsboot.npending > 0) {
		fsboot.active++;	/* the drain itself is inside */
		fsboot_drain();
		fsboot.active--;
	}
}

/* Keep an entry for later; blocks are not the cache's. */
static void
fsboot_defer(const struct exo_intr *in)
{
	unsigned	i;

	for (i = 0; i < in->count; i++) {
		if (in->vec[i].cap.type != EXO_RES_FRAME)
			continue;
		if (fsboot.npending == FSBOOT_PENDING) {
			fsboot.overflow++;
			continue;
		}
		fsboot.vec[fsboot.npending] = in->vec[i];
		fsboot.kind[fsboot.npending] = in->kind;
		fsboot.npending++;
	}
}

/*
 * The interrupt entry's share (trap.c): disk completions wake their
 * waiters; revocations are only kept, never served here.  The upcall
 * runs in the signal handler, on its own small stack, at any
 * instruction, also of user code, and serving means asking exod (a
 * frame freed, a frame bound), which is for kernel context: the
 * scheduler serves them at its next pass (fsboot_poll), at the latest
 * the next tick, or the last process to leave the file system does.
 * An entry that does not fit is lost to the polite path only: its frame
 * is taken at the deadline, and a transfer finds that out (bdev.c).
 */
void
fsboot_intr(const struct exo_intr *in)
{
	switch (in->kind) {
	case EXO_INTR_DISK:
		bdev_exo_intr(in);
		break;
	case EXO_INTR_REVOKE:
	case EXO_INTR_REPOSSESSED:
		fsboot_defer(in);
		sched_need_resched = 1;
		break;
	}
}

/* Kernel context, outside the file system: serve what was kept. */
void
fsboot_poll(void)
{
	if (fsboot.npending == 0 || fsboot.active != 0 || fsboot.draining)
		return;
	fsboot.active++;
	fsboot_drain();
	fsboot.active--;
}

/* The tools' interrupt handler: no kernel, no processes.  It runs only
 * inside exo_wait(3) or a request of theirs, on the ordinary stack, so
 * it may serve a revocation at once when the file system is idle. */
static int
fsboot_tool_intr(struct exo *e, const struct exo_intr *in, void *arg)
{
	(void)e;
	(void)arg;
	if (in->kind == EXO_INTR_DISK) {
		bdev_exo_intr(in);
		return (0);
	}
	if (in->kind != EXO_INTR_REVOKE && in->kind != EXO_INTR_REPOSSESSED)
		return (0);
	if (fsboot.active == 0 && !fsboot.draining) {
		fsboot.active++;
		fsboot_drain();
		fsboot_serve(in->kind, in->vec, in->count);
		fsboot.active--;
	} else
		fsboot_defer(in);
	return (0);
}

/*
 * A size of the file system or of the cache: bytes, with an optional
 * suffix k, m or g (powers of 1024), to whole blocks rounded up.  The
 * number of blocks, or 0 if s is not a size.
 */
uint64_t
fsboot_parse_size(const char *s)
{
	unsigned long long	 v;
	char			*end;
	unsigned		 shift = 0;

	if (*s < '0' || *s > '9')
		return (0);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return (0);
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	default:
		return (0);
	}
	if (*end != '\0' && end[1] != '\0')
		return (0);
	if (v == 0 || v > (UINT64_MAX >> shift) - BSIZE)
		return (0);
	v <<= shift;
	return ((v + BSIZE - 1) / BSIZE);
}

/* Another libOS of our user id and name, connected now: its pid, 0 if
 * there is none, -1 if exod does not say. */
static long
fsboot_twin(struct exo *e, const char *name)
{
	struct exo_status	st;
	uint32_t		i;
	long			pid = 0;

	if (exo_status(e, &st) != 0)
		return (-1);
	for (i = 0; i < st.totals.npeers && pid == 0; i++)
		if (st.peers[i].pid != (int32_t)getpid() &&
		    st.peers[i].uid == (uint32_t)getuid() &&
		    strncmp(st.peers[i].name, name, EXO_NAME_MAX) == 0)
			pid = st.peers[i].pid;
	exo_status_free(&st);
	return (pid);
}

/*
 * The blocks of a name go to the first of its libOSes to connect
 * (exo_block_list(3)): while another one is connected, even one that was
 * just killed and that exod has not yet reaped, this one would see no
 * file system and make a second.  Wait a while for it to go; 0 once
 * there is none, -1 (with a message) if it stays.
 */
static int
fsboot_alone(struct exo *e, const char *name)
{
	struct timespec	ts = { 0, 50 * 1000 * 1000 };
	long		pid = 0;
	int		i;

	for (i = 0; i < FSBOOT_TWIN_WAIT; i++) {
		if ((pid = fsboot_twin(e, name)) <= 0)
			return (0);
		(void)nanosleep(&ts, NULL);
	}
	unix_log("another libOS named %s (pid %ld) holds this name's file "
	    "system; give each libos-unix a name of its own (-n)", name, pid);
	return (-1);
}

/* -v: which frames of exod's the cache holds, for exoctl revoke. */
static void
fsboot_tell_frames(void)
{
	struct bio_stats	 st;
	char			*buf;
	size_t			 len;

	bio_stats(&st);
	len = 12 * (size_t)st.nbuf + 1;
	if ((buf = malloc(len)) == NULL)
		return;
	bio_frames(buf, len);
	unix_log("cache: %u buffers, the bounce frame %sprotected; "
	    "frames: %s", st.nbuf, st.protected ? "" : "not ", buf);
	free(buf);
}

/* Mount what dev holds, with a cache of nbuf buffers (0: default). */
static int
fsboot_mount_dev(struct bdev *d, unsigned nbuf)
{
	struct fs_mount_opts	o;
	char			err[256];

	memset(&o, 0, sizeof o);
	o.nbuf = nbuf;
	if (fs_mount(d, &o, err, sizeof err) != 0) {
		unix_log("mount: %s", err);
		bdev_close(d);
		return (-1);
	}
	fsboot.dev = d;
	if (unix_verbose)
		fsboot_tell_frames();
	return (0);
}

/* Install dir (a host directory; progs: only its programs) into / of
 * the mounted file system. */
static int
fsboot_install(const char *dir, int progs)
{
	char	err[256];

	if (install_tree(dir, "/", progs, err, sizeof err) != 0) {
		unix_log("install %s: %s", dir, err);
		return (-1);
	}
	return (0);
}

/* The device files every file system has: console and display. */
static int
fsboot_devices(void)
{
	struct fs_stat	st;

	if (fsop_stat(NULL, "/console", &st) != 0 &&
	    fsop_mknod(NULL, "/console", CONSOLE_MAJOR, 0) != 0)
		return (-1);
	if (fsop_stat(NULL, "/display", &st) != 0 &&
	    fsop_mknod(NULL, "/display", DISPLAY_MAJOR, 0) != 0)
		return (-1);
	return (0);
}

/*
 * Format size blocks (0: the default, or what exod's disk has free if
 * that is less), freshly bound, install the program directory and the
 * directories dirs[0 .. ndirs-1], and leave it mounted.
 */
static int
fsboot_format1(struct exo *e, uint64_t size, unsigned nbuf,
    const char *progdir, char **dirs, int ndirs)
{
	struct exo_disk_info	di;
	struct bdev		*d;
	char			 err[256];
	int			 i, error;

	if (size == 0) {
		size = FSBOOT_DEFAULT_BLOCKS;
		if ((error = exo_disk_info(e, &di)) != 0) {
			unix_log("the disk: %s", exo_strerror(error));
			return (-1);
		}
		/* Blocks the name owns now are given back first. */
		if (di.blocks_free + (uint64_t)bdev_exo_owned(e) < size)
			size = di.blocks_free + (uint64_t)bdev_exo_owned(e);
	}
	if (size > UINT32_MAX) {
		unix_log("mkfs: %llu blocks: more than a file system can "
		    "have", (unsigned long long)size);
		return (-1);
	}
	if (bdev_exo_create(e, (uint32_t)size, &d, err, sizeof err) != 0 ||
	    mkfs_format(d, 0, err, sizeof err) != 0) {
		unix_log("mkfs: %s", err);
		if (d != NULL)
			bdev_close(d);
		return (-1);
	}
	if (fsboot_mount_dev(d, nbuf) != 0)
		return (-1);
	if (fsboot_devices() != 0) {
		unix_log("mkfs: cannot make the device files");
		return (-1);
	}
	if (progdir != NULL && fsboot_install(progdir, 1) != 0)
		return (-1);
	for (i = 0; i < ndirs; i++)
		if (fsboot_install(dirs[i], 0) != 0)
			return (-1);
	return (0);
}

int
fsboot_format(struct exo *e, uint64_t size, unsigned nbuf,
    const char *progdir, char **dirs, int ndirs)
{
	int	rc;

	fsboot_enter();
	rc = fsboot_format1(e, size, nbuf, progdir, dirs, ndirs);
	fsboot_leave();
	return (rc);
}

/*
 * Boot: mount the file system this name owns.  A name that owns no disk
 * blocks at all is on its first boot: it gets a file system of the
 * default size with the programs of progdir.  A name that owns blocks
 * but no file system that mounts is refused (fsck or --mkfs).
 */
int
fsboot_boot(struct exo *e, const char *name, unsigned nbuf,
    const char *progdir)
{
	struct bdev	*d;
	char		 err[256];
	long		 owned;
	int		 rc;

	if (fsboot_alone(e, name) != 0)
		return (-1);
	if ((owned = bdev_exo_owned(e)) < 0) {
		unix_log("cannot list the disk blocks of this name");
		return (-1);
	}
	if (owned == 0) {
		if (unix_verbose)
			unix_log("no file system yet: making one");
		return (fsboot_format(e, 0, nbuf, progdir, NULL, 0));
	}
	if (bdev_exo_open(e, &d, err, sizeof err) != 0) {
		unix_log("%s; make a new one with --mkfs", err);
		return (-1);
	}
	fsboot_enter();
	rc = fsboot_mount_dev(d, nbuf);
	fsboot_leave();
	return (rc);
}

/* Everything committed is on disk already; write the rest, let go. */
void
fsboot_shutdown(void)
{
	struct bio_stats	st;

	if (fsboot.dev == NULL)
		return;
	fsboot_enter();
	if (unix_verbose) {
		bio_stats(&st);
		unix_log("cache: %llu frames given back when revoked (%llu "
		    "moved first); %llu taken by force in all (%llu told by "
		    "the repossession, %llu of them kept while in use); %llu "
		    "blocks through the bounce frame",
		    (unsigned long long)st.revoked,
		    (unsigned long long)st.revoke_moved,
		    (unsigned long long)st.gone,
		    (unsigned long long)st.repossessed,
		    (unsigned long long)st.kept,
		    (unsigned long long)st.bounced);
	}
	fs_unmount();
	bdev_close(fsboot.dev);
	fsboot.dev = NULL;
	fsboot_leave();
}

/* The tools connect with only an interrupt handler. */
static struct exo *
fsboot_tool_connect(const char *sock, const char *name)
{
	struct exo	*e;
	int		 error;

	if ((error = exo_connect(sock, name, &e)) != 0) {
		unix_log("connect: %s", exo_strerror(error));
		return (NULL);
	}
	if ((error = exo_pe_interrupt(e, fsboot_tool_intr, NULL)) != 0) {
		unix_log("interrupt entry: %s", exo_strerror(error));
		exo_disconnect(e);
		return (NULL);
	}
	return (e);
}

/* --mkfs: the exit status. */
int
fsboot_mkfs(const char *sock, const char *name, uint64_t size,
    unsigned nbuf, const char *progdir, char **dirs, int ndirs)
{
	struct exo	*e;
	int		 rc;

	if ((e = fsboot_tool_connect(sock, name)) == NULL)
		return (1);
	if (fsboot_alone(e, name) != 0) {
		exo_disconnect(e);
		return (1);
	}
	rc = fsboot_format(e, size, nbuf, progdir, dirs, ndirs);
	if (rc == 0 && (fs_corruptions() != 0 || log_broken())) {
		unix_log("mkfs: the new file system is damaged");
		rc = -1;
	}
	fsboot_shutdown();
	exo_disconnect(e);
	return (rc == 0 ? 0 : 1);
}

static void
fsboot_report(void *arg, const char *msg)
{
	(void)arg;
	printf("libos-unix: fsck: %s\n", msg);
}

/* --fsck: 0 only when the file system mounts and checks clean. */
int
fsboot_fsck(const char *sock, const char *name, unsigned nbuf)
{
	struct exo	*e;
	struct bdev	*d;
	char		 err[256];
	long		 problems;

	if ((e = fsboot_tool_connect(sock, name)) == NULL)
		return (1);
	if (fsboot_alone(e, name) != 0) {
		exo_disconnect(e);
		return (1);
	}
	if (bdev_exo_open(e, &d, err, sizeof err) != 0) {
		printf("libos-unix: fsck: %s\n", err);
		exo_disconnect(e);
		return (1);
	}
	fsboot_enter();
	if (fsboot_mount_dev(d, nbuf) != 0) {
		fsboot_leave();
		printf("libos-unix: fsck: the file system does not mount\n");
		exo_disconnect(e);
		return (1);
	}
	problems = fsck_check(fsboot_report, NULL);
	fsboot_leave();
	if (problems == 0)
		printf("libos-unix: fsck: clean: %u blocks, %u free\n",
		    fs_sb()->size, fs_free_blocks());
	else
		printf("libos-unix: fsck: %ld problem%s\n", problems,
		    problems == 1 ? "" : "s");
	fsboot_shutdown();
	exo_disconnect(e);
	return (problems == 0 ? 0 : 1);
}
