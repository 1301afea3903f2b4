/*
 * fuzz_dispatch.c - libFuzzer harness for exod's protected entry.
 *
 * The real exod code (libexod) runs in this process: a peer is made on
 * one end of a socketpair with peer_new() (no event base, so no events),
 * and each fuzzed datagram goes straight to dispatch_message(); replies
 * are read from the other end.  The scheduler, revocation and protected
 * calls get a private event base that never runs, with a quantum of an
 * hour: slots can be claimed and released, but no quantum ends and no
 * deadline passes, and since the peers have no pidfd nobody is ever
 * stopped.  The disk is a small image in a temporary directory (removed at
 * exit); what is bound on it outlives an input, as it outlives a libOS.
 * Beside crashes and sanitizer reports, a small model of exo-protocol(7)
 * predicts the status of every request of the frame layer (types 1 to 6)
 * and the harness aborts when exod disagrees or breaks an invariant.
 * Once a revocation has begun in an input (an allocation short of frames
 * may start one), frames can change hands without a FRAME_FREE: from then
 * on the model only checks what holds whatever happens:
 *
 *	- every request gets exactly one reply, with its id and type|REPLY,
 *	  in order (only requests the model does not predict, such as CALL
 *	  and YIELD, may be answered later, or never when a peer leaves);
 *	  an error reply carries no payload (but EXO_EBPF's where and why)
 *	  and no descriptor;
 *	- a FRAME_ALLOC reply has count sealed capabilities and count
 *	  descriptors, each a 4096-byte, all-zero object that reaches exactly
 *	  the frame its capability names (checked through exod's own mapping),
 *	  at a generation newer than any the frame had before;
 *	- a capability is accepted only from its owner, at its generation;
 *	- each libOS's exposed state names exactly its bound frames, at
 *	  their generations;
 *	- at the end of every input the peers are freed and every frame and
 *	  slot is free again, exod's mappings gone, no descriptor left open.
 *
 * Input: byte 0 is a set of FZ_* flags; then records of a control byte
 * (FZ_R_*), a 16-bit little-endian length and that many bytes, each one
 * datagram.  With FZ_SUBST, what a fuzzer cannot guess is filled in:
 * a capability slot of CAP_CHECK, FRAME_FREE, SLOT_RELEASE, BLOCK_FREE,
 * DISK_IO, TILE_FREE, CAP_DERIVE, CAP_GRANT, GRANT_REVOKE, FRAME_OPEN,
 * DISK_RING_BIND, CHAN_ACCEPT or CHAN_CLOSE whose flags field is 0xcafe
 * is replaced by a capability exod minted earlier in this input (frame,
 * slot, block, tile, derived or granted key, channel end, extent frame):
 * the slot's id picks which, and its rights byte, when not 0, is XORed
 * into byte gen % 40 of it, to forge; the target of EVENT_SEND, CALL,
 * REVOKE, CHAN_BIND or CAP_GRANT (its grantee), when 0xffffffff or
 * 0xfffffffe, becomes the libOS id of peer A or B.  A granted key is
 * modelled as far as the page says without the grants' state: refused by
 * FRAME_FREE (EXO_EGRANTED), not predicted by CAP_CHECK.  After an
 * extent, a disk ring or a call channel request the model stands down
 * for the input, as after a revocation.  Request ids, which
 * exod only echoes, are replaced by a sequence number, so that each reply
 * names its request.  t/fuzz/mkcorpus.sh writes seeds in this format.
 *
 * FUZZ_DISPATCH_TRACE=1 in the environment prints every reply and whether
 * the model predicted its status: the way to see what a seed exercises.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <event2/event.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exod.h"

#define FZ_FRAMES	64	/* frame_init() */
#define FZ_PEERS	2
#define FZ_POOL		128	/* minted capabilities kept per input */
#define FZ_ANY		INT_MIN	/* status the model does not predict */
#define FZ_MARK		0xcafe	/* capability slot to substitute */
#define FZ_TARGET_A	0xffffffffU	/* EVENT_SEND/CALL target: peer A */
#define FZ_TARGET_B	0xfffffffeU	/* ... peer B */
#define FZ_QUANTUM_NS	(3600ULL * 1000000000ULL)	/* no quantum ends */
#define FZ_DISK_BLOCKS	1024

/* Byte 0 of an input. */
#define FZ_HELLO	0x01	/* a valid HELLO from peer A first */
#define FZ_CONTROL	0x02	/* ... as a control peer */
#define FZ_PEER_B	0x04	/* a second peer, B, with a valid HELLO */
#define FZ_FIXHDR	0x08	/* set version 1, len and status 0 */
#define FZ_LAZY		0x10	/* read replies only at the end */
#define FZ_SUBST	0x20	/* substitute marked capability slots */
#define FZ_FREEALL	0x40	/* at the end, free every frame held */
#define FZ_B_CONTROL	0x80	/* B is a control peer */

/* Control byte of a record. */
#define FZ_R_PEER_B	0x01	/* to peer B (A when there is no B) */
#define FZ_R_FD		0x02	/* attach a descriptor (SCM_RIGHTS) */
#define FZ_R_TRUNC	0x04	/* as if recvmsg said MSG_TRUNC/CTRUNC */

/* A reply exod owes, and what the model expects of it. */
struct fz_exp {
	struct fz_exp	*next;
	uint16_t	 type;		/* reply type */
	uint32_t	 id;
	int		 status;	/* or FZ_ANY */
	uint16_t	 req;		/* request type, when predicted */
	uint32_t	 count;		/* FRAME_ALLOC: frames */
	uint32_t	 st_free;	/* STATUS: frames free */
	uint32_t	 st_npeers;
	int		 st_peer[FZ_PEERS];	/* model peer of each record */
	uint32_t	 st_frames[FZ_PEERS];
};

struct fz_peer {
	struct peer	*p;		/* NULL when absent */
	int		 fd;		/* our end of the socketpair */
	int		 hello;		/* model: HELLO accepted */
	int		 control;
	char		 name[EXO_NAME_MAX];
	uint32_t	 frames;	/* model: frames bound now */
	int		 chan;		/* our end of its upcall channel, or -1 */
	struct fz_exp	*head;		/* replies owed, in order */
	struct fz_exp	**tail;
};

static struct fz_peer	 fz_peers[FZ_PEERS];
static struct {
	int		 owner;		/* model peer, -1 when free */
	struct exo_cap	 cap;
} fz_live[FZ_FRAMES];
static uint64_t		 fz_lastgen[FZ_FRAMES];	/* newest ever minted */
static int		 fz_uncertain;	/* a revocation began: see above */
static uint32_t		 fz_seq;	/* the id of the last request */
static char		 fz_dir[64];	/* the disk image's */
static uint32_t		 fz_free;		/* model: frames free */
static struct exo_cap	 fz_pool[FZ_POOL];
static unsigned		 fz_npool;
static int		 fz_devnull = -1;
static int		 fz_lowfd;		/* lowest free descriptor */
static int		 fz_nfds;		/* descriptors open, or -1 */
static unsigned long	 fz_runs;
static unsigned char	 fz_page[EXO_FRAME_SIZE];
static int		 fz_trace;		/* $FUZZ_DISPATCH_TRACE */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void __attribute__((noreturn, format(printf, 1, 2)))
fz_fail(const char *fmt, ...)
{
	va_list	ap;

	fputs("fuzz_dispatch: invariant broken: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static int
fz_lowest_fd(void)
{
	int	fd;

	if ((fd = fcntl(fz_devnull, F_DUPFD, 0)) == -1)
		fz_fail("F_DUPFD: %s", strerror(errno));
	close(fd);
	return (fd);
}

static struct event_base	*fz_base;	/* never dispatched */

/*
 * A fresh scheduler for every input, so that inputs stay independent.
 * libevent takes SIGALRM for the slot timer: give it back to libFuzzer,
 * which times runs with it.
 */
static void
fz_sched_reset(int first)
{
	struct sigaction	alrm;

	sigaction(SIGALRM, NULL, &alrm);
	if (!first) {
		sched_fini();
		revoke_fini();
	}
	sched_conf.quantum_ns = FZ_QUANTUM_NS;
	if (sched_init(fz_base) == -1)
		fz_fail("sched_init: %s", strerror(errno));
	sigaction(SIGALRM, &alrm, NULL);
}

static void
fz_disk_remove(void)
{
	char	path[128];

	disk_fini();
	snprintf(path, sizeof path, "%s/disk", fz_dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/disk.owners", fz_dir);
	unlink(path);
	rmdir(fz_dir);
}

/* A small disk image of its own, gone at exit. */
static void
fz_disk_init(void)
{
	char	path[128];

	snprintf(fz_dir, sizeof fz_dir, "/tmp/fuzz_dispatch.XXXXXX");
	if (mkdtemp(fz_dir) == NULL)
		fz_fail("mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof path, "%s/disk", fz_dir);
	disk_init(path, FZ_DISK_BLOCKS * (uint64_t)EXO_BLOCK_SIZE);
	atexit(fz_disk_remove);
	if (disk_start(fz_base) == -1)
		fz_fail("disk_start: %s", strerror(errno));
}

/* Descriptors open in the process, from /proc/self/fd. */
static int
fz_count_fds(void)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		fz_fail("/proc/self/fd: %s", strerror(errno));
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return (n - 1);		/* not the directory's own */
}

static void
fz_init(void)
{
	uint32_t	i;

	signal(SIGPIPE, SIG_IGN);
	log_init(1, 0);
	if (cap_init() == -1 || frame_init(FZ_FRAMES) == -1)
		fz_fail("cap_init or frame_init failed");
	/* A display of 7 x 4 tiles, the last column and row cut short. */
	if (tile_init(200, 100, 32) == -1)
		fz_fail("tile_init failed");
	if ((fz_base = event_base_new()) == NULL)
		fz_fail("event_base_new failed");
	revoke_init(fz_base);

	fz_disk_init();
	/* The disk ring's worker runs; the loop that takes its doorbells
	 * and completions does not, so only binding is exercised. */
	if (ring_start(fz_base) == -1)
		fz_fail("ring_start failed");
	fz_sched_reset(1);
	if ((fz_devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		fz_fail("/dev/null: %s", strerror(errno));
	for (i = 0; i < FZ_FRAMES; i++)
		fz_live[i].owner = -1;
	fz_free = FZ_FRAMES;
	fz_trace = getenv("FUZZ_DISPATCH_TRACE") != NULL;
}

/* --- the model ------------------------------------------------------ */

static int
fz_name_ok(const char *name)
{
	size_t	i;

	for (i = 0; i < EXO_NAME_MAX; i++) {
		if (name[i] == '\0')
			return (i > 0);
		if (name[i] < 0x21 || name[i] > 0x7e)
			return (0);
	}
	return (0);
}

/*
 * What frame_check() must answer for peer k; unbind: the request frees
 * or unbinds (a granted key is refused there, right after the owner).
 * Whether a granted key is still good is the grants' business, not
 * modelled: FZ_ANY.
 */
static int
fz_capcheck(int k, const struct exo_cap *c, unsigned rights, int unbind)
{
	if (cap_verify(c) != 0)
		return (-EXO_EBADCAP);
	if (c->owner != fz_peers[k].p->libos)
		return (-EXO_ENOTOWNER);
	if (c->flags & EXO_CAP_GRANTED)
		return (unbind ? -EXO_EGRANTED : FZ_ANY);
	if (c->type != EXO_RES_FRAME || c->id >= FZ_FRAMES)
		return (-EXO_EINVAL);
	if (fz_live[c->id].owner != k || fz_live[c->id].cap.gen != c->gen)
		return (-EXO_ESTALE);
	if ((rights & ~(unsigned)c->rights) != 0)
		return (-EXO_ERIGHTS);
	return (0);
}

static void
fz_unbind(uint64_t id)
{
	fz_live[id].owner = -1;
	fz_free++;
}

/*
 * Predict the reply to datagram m (n bytes) from peer k, and move the
 * model as exod will move.  The order of the checks is exo-protocol(7)'s.
 */
static void
fz_predict(int k, const unsigned char *m, size_t n, int trunc, unsigned nfds,
    struct fz_exp *x)
{
	struct fz_peer		*fp = &fz_peers[k];
	const unsigned char	*pl = m + sizeof(struct exo_hdr);
	struct exo_hdr		 h;
	struct exo_hello	 hello;
	struct exo_cap_check	 cc;
	struct exo_frame_alloc	 fa;
	struct exo_frame_free	 ff;
	struct exo_cap		 caps[EXO_BATCH_MAX];
	size_t			 want;
	uint16_t		 t;
	unsigned		 i, j;
	int			 st;

	memset(x, 0, sizeof *x);
	if (n < sizeof h) {
		x->type = EXO_MSG_REPLY;
		x->status = -EXO_EPROTO;
		return;
	}
	memcpy(&h, m, sizeof h);
	t = h.type & ~EXO_MSG_REPLY;
	x->type = t | EXO_MSG_REPLY;
	x->id = h.id;
	x->req = t;
	if (trunc || h.len != n - sizeof h) {
		/* version is looked at between the two */
		x->status = !trunc && h.version != EXO_PROTO_VERSION ?
		    -EXO_EVERSION : -EXO_EPROTO;
		return;
	}
	if (h.version != EXO_PROTO_VERSION) {
		x->status = -EXO_EVERSION;
		return;
	}
	if (h.status != 0 || (h.type & (EXO_MSG_REPLY | EXO_MSG_UPCALL)) ||
	    nfds > 0) {
		x->status = -EXO_EPROTO;
		return;
	}
	if (t < EXO_MSG_HELLO || t > EXO_MSG_STATUS) {
		/* Types past v1's may be added (exo_proto.h); not modelled. */
		x->status = t >= 64 || t == 0 ? -EXO_ENOSYS : FZ_ANY;
		return;
	}
	if (fp->hello == (t == EXO_MSG_HELLO)) {
		x->status = -EXO_ESTATE;
		return;
	}
	if (fp->control && (t == EXO_MSG_FRAME_ALLOC ||
	    t == EXO_MSG_FRAME_FREE)) {
		x->status = -EXO_EPERM;
		return;
	}
	switch (t) {
	case EXO_MSG_HELLO:
		want = sizeof hello;
		break;
	case EXO_MSG_CAP_CHECK:
		want = sizeof cc;
		break;
	case EXO_MSG_FRAME_ALLOC:
		want = sizeof fa;
		break;
	case EXO_MSG_FRAME_FREE:
		want = h.len >= sizeof ff && h.len <= sizeof ff +
		    EXO_BATCH_MAX * sizeof caps[0] ? h.len : SIZE_MAX;
		break;
	case EXO_MSG_STATUS:		/* empty, or a page's start */
		want = h.len == sizeof(struct exo_status_req) ? h.len : 0;
		break;
	default:			/* NULL */
		want = 0;
		break;
	}
	if (h.len != want) {
		x->status = -EXO_EPROTO;
		return;
	}
	if (t == EXO_MSG_STATUS && h.len != 0) {
		x->status = FZ_ANY;	/* paged STATUS: not modelled */
		return;
	}

	x->status = 0;
	if (t == EXO_MSG_FRAME_ALLOC) {
		memcpy(&fa, pl, sizeof fa);
		x->count = fa.count;
	}
	if (fz_uncertain && t != EXO_MSG_HELLO && t != EXO_MSG_NULL) {
		x->status = FZ_ANY;
		return;
	}
	switch (t) {
	case EXO_MSG_HELLO:
		memcpy(&hello, pl, sizeof hello);
		if ((hello.flags & ~(uint32_t)EXO_HELLO_CONTROL) != 0 ||
		    hello.reserved != 0 || !fz_name_ok(hello.name)) {
			x->status = -EXO_EINVAL;
			break;
		}
		fp->hello = 1;
		fp->control = (hello.flags & EXO_HELLO_CONTROL) != 0;
		/* Kept zero-padded: nothing after the NUL. */
		memset(fp->name, 0, sizeof fp->name);
		memcpy(fp->name, hello.name, strlen(hello.name));
		break;
	case EXO_MSG_CAP_CHECK:
		memcpy(&cc, pl, sizeof cc);
		if ((cc.rights & ~(uint32_t)EXO_RIGHTS_ALL) != 0 ||
		    cc.reserved != 0)
			x->status = -EXO_EINVAL;
		else if (cc.cap.type == EXO_RES_BLOCK ||
		    cc.cap.type == EXO_RES_SLOT ||
		    cc.cap.type == EXO_RES_TILE)
			x->status = FZ_ANY;	/* the disk's, CPU's, display's */
		else
			x->status = fz_capcheck(k, &cc.cap, cc.rights, 0);
		break;
	case EXO_MSG_FRAME_ALLOC:
		memcpy(&fa, pl, sizeof fa);
		if (fa.count == 0 || fa.count > EXO_BATCH_MAX || fa.flags != 0)
			x->status = -EXO_EINVAL;
		else if (fa.count > fz_free) {
			/* ENOMEM, or a revocation to make room, answered
			 * when the frames are back. */
			x->status = FZ_ANY;
			fz_uncertain = 1;
		} else {
			/* Which frames, the reply says. */
			fz_free -= fa.count;
			fp->frames += fa.count;
			x->count = fa.count;
		}
		break;
	case EXO_MSG_FRAME_FREE:
		memcpy(&ff, pl, sizeof ff);
		if (ff.count == 0 || ff.count > EXO_BATCH_MAX ||
		    ff.reserved != 0) {
			x->status = -EXO_EINVAL;
			break;
		}
		if (h.len != sizeof ff + ff.count * sizeof caps[0]) {
			x->status = -EXO_EPROTO;
			break;
		}
		memcpy(caps, pl + sizeof ff, ff.count * sizeof caps[0]);
		for (i = 0; i < ff.count && x->status == 0; i++) {
			if ((st = fz_capcheck(k, &caps[i], 0, 1)) != 0)
				x->status = st;
			for (j = 0; j < i && x->status == 0; j++)
				if (caps[j].id == caps[i].id)
					x->status = -EXO_EINVAL;
		}
		if (x->status != 0)
			break;
		for (i = 0; i < ff.count; i++)
			fz_unbind(caps[i].id);
		fp->frames -= ff.count;
		break;
	case EXO_MSG_STATUS:
		x->st_free = fz_free;
		for (i = 0; i < FZ_PEERS; i++) {
			if (fz_peers[i].p == NULL || !fz_peers[i].hello ||
			    fz_peers[i].control)
				continue;
			x->st_peer[x->st_npeers] = (int)i;
			x->st_frames[x->st_npeers++] = fz_peers[i].frames;
		}
		break;
	}
}

/* --- replies -------------------------------------------------------- */

/* A new key of frame c->id: its generation must be newer than any before. */
static void
fz_newgen(const char *what, const struct exo_cap *c)
{
	if (c->gen <= fz_lastgen[c->id])
		fz_fail("%s: frame %llu: generation %llu, not newer than %llu",
		    what, (unsigned long long)c->id,
		    (unsigned long long)c->gen,
		    (unsigned long long)fz_lastgen[c->id]);
	fz_lastgen[c->id] = c->gen;
}

/* A frame's descriptor, fresh from FRAME_ALLOC: check it, then dirty it. */
static void
fz_check_frame(int fd, const struct exo_cap *c)
{
	struct stat	 sb;
	unsigned char	*va;
	size_t		 i;

	if (fstat(fd, &sb) == -1 || sb.st_size != EXO_FRAME_SIZE)
		fz_fail("frame %llu: descriptor is not a %d-byte object",
		    (unsigned long long)c->id, EXO_FRAME_SIZE);
	if (pread(fd, fz_page, sizeof fz_page, 0) != (ssize_t)sizeof fz_page)
		fz_fail("frame %llu: unreadable", (unsigned long long)c->id);
	for (i = 0; i < sizeof fz_page; i++)
		if (fz_page[i] != 0)
			fz_fail("frame %llu: not wiped (byte %zu)",
			    (unsigned long long)c->id, i);
	/* Dirty it, so that a later owner would see it not wiped. */
	memset(fz_page, 0xa5, sizeof fz_page);
	memcpy(fz_page, c, sizeof *c);
	if (pwrite(fd, fz_page, sizeof fz_page, 0) != (ssize_t)sizeof fz_page)
		fz_fail("frame %llu: unwritable", (unsigned long long)c->id);
	/* It must be the frame exod knows by that number. */
	if ((va = frame_va((uint32_t)c->id)) == NULL ||
	    memcmp(va, fz_page, sizeof fz_page) != 0)
		fz_fail("frame %llu: descriptor reaches another frame",
		    (unsigned long long)c->id);
}

static void
fz_check_alloc(int k, const struct fz_exp *x, const unsigned char *pl,
    size_t len, const int *fds, unsigned nfds)
{
	struct exo_frame_alloc_reply	 r;
	struct exo_cap			 c;
	unsigned			 i;

	if (len != sizeof r + x->count * sizeof c || nfds != x->count)
		fz_fail("FRAME_ALLOC %u: reply of %zu bytes, %u descriptors",
		    x->count, len, nfds);
	memcpy(&r, pl, sizeof r);
	if (r.count != x->count || r.reserved != 0)
		fz_fail("FRAME_ALLOC %u: reply count %u", x->count, r.count);
	for (i = 0; i < x->count; i++) {
		memcpy(&c, pl + sizeof r + i * sizeof c, sizeof c);
		if (cap_verify(&c) != 0 || c.type != EXO_RES_FRAME ||
		    c.rights != EXO_RIGHTS_ALL || c.flags != 0 ||
		    c.owner != fz_peers[k].p->libos || c.id >= FZ_FRAMES)
			fz_fail("FRAME_ALLOC: bad capability for frame %llu",
			    (unsigned long long)c.id);
		if (!fz_uncertain && fz_live[c.id].owner != -1)
			fz_fail("frame %llu bound twice",
			    (unsigned long long)c.id);
		fz_newgen("FRAME_ALLOC", &c);
		fz_check_frame(fds[i], &c);
		if (!fz_uncertain) {
			fz_live[c.id].owner = k;
			fz_live[c.id].cap = c;
		}
		if (fz_npool < FZ_POOL)
			fz_pool[fz_npool++] = c;
	}
}

static void
fz_check_status(const struct fz_exp *x, const unsigned char *pl, size_t len)
{
	struct exo_status_reply	r;
	struct exo_status_peer	sp;
	const struct fz_peer	*fp;
	unsigned		i;

	if (len < sizeof r)
		fz_fail("STATUS: reply of %zu bytes", len);
	memcpy(&r, pl, sizeof r);
	if (r.frames_total != FZ_FRAMES || r.frames_free != x->st_free ||
	    r.npeers != x->st_npeers || r.recsize != sizeof sp ||
	    len != sizeof r + r.npeers * sizeof sp)
		fz_fail("STATUS: total %u free %u (want %u) peers %u (want %u)",
		    r.frames_total, r.frames_free, x->st_free, r.npeers,
		    x->st_npeers);
	for (i = 0; i < r.npeers; i++) {
		memcpy(&sp, pl + sizeof r + i * sizeof sp, sizeof sp);
		fp = &fz_peers[x->st_peer[i]];
		if (sp.libos != fp->p->libos || sp.pid != getpid() ||
		    sp.uid != getuid() || sp.frames != x->st_frames[i] ||
		    memcmp(sp.name, fp->name, sizeof sp.name) != 0)
			fz_fail("STATUS: record %u wrong", i);
	}
}

/* A libOS may map its exposed state, but never to write it. */
static void
fz_check_expose(int fd, size_t len)
{
	void	*va;

	if (len == 0 || len % EXO_FRAME_SIZE != 0)
		fz_fail("exposed state of %zu bytes", len);
	va = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (va != MAP_FAILED)
		fz_fail("exposed state mapped writable by the libOS");
	if ((va = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0)) == MAP_FAILED)
		fz_fail("exposed state: mmap: %s", strerror(errno));
	if (((const struct exo_expose *)va)->magic != EXO_EXPOSE_MAGIC)
		fz_fail("exposed state: bad magic");
	munmap(va, len);
}

/*
 * Slot and block capabilities (SLOT_CLAIM, BLOCK_ALLOC, BLOCK_LIST: a
 * count, a word, the capabilities) join the pool, to be presented (or
 * forged) later.
 */
static void
fz_pool_slots(const unsigned char *pl, size_t len)
{
	struct exo_slot_claim_reply	r;
	struct exo_cap			c;
	unsigned			i;

	if (len < sizeof r)
		return;
	memcpy(&r, pl, sizeof r);
	for (i = 0; i < r.count && sizeof r + (i + 1) * sizeof c <= len; i++) {
		memcpy(&c, pl + sizeof r + i * sizeof c, sizeof c);
		if (fz_npool < FZ_POOL)
			fz_pool[fz_npool++] = c;
	}
}

/*
 * Keys from the other replies: a derived or granted key, a channel's
 * end (each the reply's first 40 bytes), an extent's frames (after its
 * 24-byte head): capabilities from off on, as many as fit.
 */
static void
fz_pool_keys(const unsigned char *pl, size_t len, size_t off)
{
	for (; off + sizeof(struct exo_cap) <= len &&
	    fz_npool < FZ_POOL; off += sizeof(struct exo_cap))
		memcpy(&fz_pool[fz_npool++], pl + off, sizeof(struct exo_cap));
}

/*
 * GRANT_REVOKE of a frame moved it to a fresh object at a new
 * generation: the reply is the owner's new key and one descriptor.  The
 * model follows; a block's revoke replies empty.
 */
static void
fz_regen(int k, const unsigned char *pl, size_t len, unsigned nfds)
{
	struct exo_cap	c;

	if (len == 0 && nfds == 0)
		return;
	if (len != sizeof c || nfds != 1)
		fz_fail("GRANT_REVOKE: reply of %zu bytes, %u descriptors",
		    len, nfds);
	memcpy(&c, pl, sizeof c);
	if (cap_verify(&c) != 0 || c.type != EXO_RES_FRAME ||
	    c.owner != fz_peers[k].p->libos || c.id >= FZ_FRAMES ||
	    (c.flags & EXO_CAP_GRANTED))
		fz_fail("GRANT_REVOKE: bad key for frame %llu",
		    (unsigned long long)c.id);
	fz_newgen("GRANT_REVOKE", &c);
	if (!fz_uncertain) {
		if (fz_live[c.id].owner != k)
			fz_fail("GRANT_REVOKE moved frame %llu, not bound to "
			    "peer %c", (unsigned long long)c.id, 'A' + k);
		fz_live[c.id].cap = c;
	}
	if (fz_npool < FZ_POOL)
		fz_pool[fz_npool++] = c;
}

/* One reply of n bytes from exod to peer k, against what is owed. */
static void
fz_check_reply(int k, const unsigned char *buf, size_t n, const int *fds,
    unsigned nfds)
{
	struct fz_peer		*fp = &fz_peers[k];
	const unsigned char	*pl = buf + sizeof(struct exo_hdr);
	struct fz_exp		*x, **xp;
	struct exo_hello_reply	 hr;
	struct exo_hdr		 h;

	if (n < sizeof h || n > EXO_MSG_MAX)
		fz_fail("reply of %zu bytes", n);
	memcpy(&h, buf, sizeof h);
	/*
	 * Every request has an id of its own (fz_send), so the reply says
	 * which it answers.  Replies come in order, but requests the model
	 * does not predict may be answered later (CALL, YIELD, an allocation
	 * waiting for a revocation): only such may be passed over.
	 */
	for (xp = &fp->head; (x = *xp) != NULL; xp = &x->next) {
		if (x->type == h.type && x->id == h.id)
			break;
		if (x->status != FZ_ANY)
			fz_fail("reply type %#x id %u before the reply to "
			    "type %#x id %u", h.type, h.id, x->type, x->id);
	}
	if (x == NULL)
		fz_fail("reply type %#x id %u that nobody asked for", h.type,
		    h.id);
	if ((*xp = x->next) == NULL)
		fp->tail = xp;
	if (fz_trace)
		fprintf(stderr, "peer %c: reply type %#x id %u status %d (%s) "
		    "len %u fds %u\n", 'A' + k, h.type, h.id, h.status,
		    x->status == FZ_ANY ? "not predicted" : "as predicted",
		    h.len, nfds);
	if (h.version != EXO_PROTO_VERSION || h.len != n - sizeof h ||
	    h.type != x->type || h.id != x->id)
		fz_fail("reply header: version %u type %#x (want %#x) id %u "
		    "(want %u) len %u of %zu", h.version, h.type, x->type,
		    h.id, x->id, h.len, n);
	if (x->status != FZ_ANY && h.status != x->status)
		fz_fail("request type %#x id %u: status %d, want %d",
		    x->req, x->id, h.status, x->status);
	if (h.status != 0) {
		/* EXO_EBPF alone says where and why (exo-protocol(7)). */
		if (h.status > 0 || h.status < -EXO_ERR_MAX || nfds != 0 ||
		    h.len != (h.status == -EXO_EBPF ?
		    sizeof(struct exo_net_verdict) : 0))
			fz_fail("error reply %d with %u bytes, %u descriptors",
			    h.status, h.len, nfds);
	} else if (x->status == FZ_ANY && (x->req < EXO_MSG_HELLO ||
	    x->req > EXO_MSG_STATUS)) {
		if (h.type == (EXO_MSG_SLOT_CLAIM | EXO_MSG_REPLY) ||
		    h.type == (EXO_MSG_BLOCK_ALLOC | EXO_MSG_REPLY) ||
		    h.type == (EXO_MSG_TILE_ALLOC | EXO_MSG_REPLY) ||
		    h.type == (EXO_MSG_BLOCK_LIST | EXO_MSG_REPLY))
			fz_pool_slots(pl, h.len);
		else if (h.type == (EXO_MSG_CAP_DERIVE | EXO_MSG_REPLY) ||
		    h.type == (EXO_MSG_CAP_GRANT | EXO_MSG_REPLY) ||
		    h.type == (EXO_MSG_CHAN_BIND | EXO_MSG_REPLY) ||
		    h.type == (EXO_MSG_CHAN_ACCEPT | EXO_MSG_REPLY))
			fz_pool_keys(pl, h.len, 0);
		else if (h.type == (EXO_MSG_GRANT_REVOKE | EXO_MSG_REPLY))
			fz_regen(k, pl, h.len, nfds);
		else if (h.type == (EXO_MSG_EXTENT | EXO_MSG_REPLY))
			fz_pool_keys(pl, h.len,
			    sizeof(struct exo_extent_reply));
	} else {
		switch (x->req) {
		case EXO_MSG_HELLO:
			/* Later versions may say more and pass descriptors. */
			if (h.len < sizeof hr)
				fz_fail("HELLO reply of %u bytes", h.len);
			memcpy(&hr, pl, sizeof hr);
			if (hr.libos != fp->p->libos ||
			    hr.frame_size != EXO_FRAME_SIZE ||
			    hr.frames_total != FZ_FRAMES ||
			    hr.batch_max != EXO_BATCH_MAX)
				fz_fail("HELLO reply wrong");
			if (fp->control ? nfds != 0 : nfds != 3)
				fz_fail("HELLO reply with %u descriptors",
				    nfds);
			if (nfds == 3)
				fz_check_expose(fds[1], hr.expose_size);
			break;
		case EXO_MSG_FRAME_ALLOC:
			fz_check_alloc(k, x, pl, h.len, fds, nfds);
			break;
		case EXO_MSG_STATUS:
			if (nfds != 0)
				fz_fail("STATUS reply with descriptors");
			if (x->status != FZ_ANY)
				fz_check_status(x, pl, h.len);
			break;
		default:		/* NULL, CAP_CHECK, FRAME_FREE */
			if (h.len != 0 || nfds != 0)
				fz_fail("type %#x: reply of %u bytes, %u "
				    "descriptors", x->req, h.len, nfds);
			break;
		}
	}
	free(x);
}

/* Read and check every reply waiting on peer k's socket. */
static void
fz_drain(int k)
{
	static unsigned char	 buf[EXO_MSG_MAX + 1];
	union {
		struct cmsghdr	hdr;
		unsigned char	buf[CMSG_SPACE(sizeof(int) * EXO_BATCH_MAX)];
	}			 cbuf;
	struct msghdr		 msg;
	struct iovec		 iov;
	struct cmsghdr		*c;
	int			 fds[EXO_BATCH_MAX];
	unsigned		 nfds, i, nc;
	ssize_t			 n;

	for (;;) {
		memset(&msg, 0, sizeof msg);
		iov.iov_base = buf;
		iov.iov_len = sizeof buf;
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cbuf.buf;
		msg.msg_controllen = sizeof cbuf.buf;
		n = recvmsg(fz_peers[k].fd, &msg, MSG_DONTWAIT |
		    MSG_CMSG_CLOEXEC);
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0)
			fz_fail("recvmsg: %s", n == 0 ? "end of file" :
			    strerror(errno));
		nfds = 0;
		for (c = CMSG_FIRSTHDR(&msg); c != NULL;
		    c = CMSG_NXTHDR(&msg, c)) {
			if (c->cmsg_level != SOL_SOCKET ||
			    c->cmsg_type != SCM_RIGHTS)
				continue;
			nc = (unsigned)((c->cmsg_len - CMSG_LEN(0)) /
			    sizeof(int));
			for (i = 0; i < nc && nfds < EXO_BATCH_MAX; i++)
				memcpy(&fds[nfds++], CMSG_DATA(c) +
				    i * sizeof(int), sizeof(int));
		}
		if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
			fz_fail("reply truncated (%zd bytes)", n);
		fz_check_reply(k, buf, (size_t)n, fds, nfds);
		/* Keep the upcall channel open: upcalls to it then succeed. */
		i = 0;
		if (n >= (ssize_t)sizeof(struct exo_hdr) && nfds == 3 &&
		    buf[2] == EXO_MSG_HELLO && buf[3] == EXO_MSG_REPLY >> 8 &&
		    fz_peers[k].chan == -1)
			fz_peers[k].chan = fds[i++];
		for (; i < nfds; i++)
			close(fds[i]);
	}
}

/* --- requests ------------------------------------------------------- */

/* A target libOS id of FZ_TARGET_A or _B becomes that peer's id. */
static void
fz_subst_target(unsigned char *at)
{
	uint32_t	target;
	int		k;

	memcpy(&target, at, sizeof target);
	k = target == FZ_TARGET_A ? 0 : target == FZ_TARGET_B ? 1 : -1;
	if (k >= 0 && fz_peers[k].p != NULL) {
		target = fz_peers[k].p->libos;
		memcpy(at, &target, sizeof target);
	}
}

/* Replace marked capability slots by minted capabilities. */
static void
fz_subst(unsigned char *m, size_t n)
{
	struct exo_hdr	h;
	struct exo_cap	slot;
	size_t		off, first;
	uint16_t	t;
	int		one;

	if (n < sizeof h)
		return;
	memcpy(&h, m, sizeof h);
	t = h.type & ~EXO_MSG_REPLY;
	if ((t == EXO_MSG_EVENT_SEND || t == EXO_MSG_CALL ||
	    t == EXO_MSG_REVOKE || t == EXO_MSG_CHAN_BIND) &&
	    n >= sizeof h + sizeof(uint32_t)) {
		fz_subst_target(m + sizeof h);
		return;
	}
	if (t == EXO_MSG_CAP_GRANT && n >= sizeof h + sizeof slot +
	    sizeof(uint32_t))
		fz_subst_target(m + sizeof h + sizeof slot);
	if (fz_npool == 0)
		return;
	one = t == EXO_MSG_CAP_CHECK || t == EXO_MSG_CAP_DERIVE ||
	    t == EXO_MSG_CAP_GRANT || t == EXO_MSG_GRANT_REVOKE ||
	    t == EXO_MSG_FRAME_OPEN || t == EXO_MSG_CHAN_ACCEPT ||
	    t == EXO_MSG_CHAN_CLOSE;
	if (one)
		first = sizeof h;
	else if (t == EXO_MSG_TILE_FREE)
		first = sizeof h + sizeof(struct exo_frame_free);
	else if (t == EXO_MSG_DISK_RING_BIND)
		first = sizeof h + sizeof(struct exo_disk_ring_bind);
	else if (t == EXO_MSG_FRAME_FREE)
		first = sizeof h + sizeof(struct exo_frame_free);
	else if (t == EXO_MSG_SLOT_RELEASE)
		first = sizeof h + sizeof(struct exo_slot_release);
	else if (t == EXO_MSG_BLOCK_FREE)
		first = sizeof h + sizeof(struct exo_frame_free);
	else if (t == EXO_MSG_DISK_IO)	/* pairs: a block's, a frame's */
		first = sizeof h + sizeof(struct exo_disk_io);
	else
		return;
	for (off = first; off + sizeof slot <= n; off += sizeof slot) {
		memcpy(&slot, m + off, sizeof slot);
		if (slot.flags != FZ_MARK)
			continue;
		memcpy(m + off, &fz_pool[slot.id % fz_npool], sizeof slot);
		if (slot.rights != 0)
			m[off + slot.gen % sizeof slot] ^= slot.rights;
		if (one)
			break;
	}
}

/*
 * Does m bind, pin or share frames where the model cannot follow (an
 * extent's frames, a disk ring's, a call channel's page)?  Then the
 * model stands down for the rest of the input, as after a revocation;
 * the end-of-input checks (every frame free, no descriptor left) stay.
 */
static int
fz_outside_model(const unsigned char *m, size_t n)
{
	struct exo_hdr	h;
	uint16_t	t;

	if (n < sizeof h)
		return (0);
	memcpy(&h, m, sizeof h);
	t = h.type & ~EXO_MSG_REPLY;
	return (t == EXO_MSG_EXTENT || t == EXO_MSG_DISK_RING_BIND ||
	    t == EXO_MSG_DISK_RING_UNBIND || t == EXO_MSG_CHAN_BIND ||
	    t == EXO_MSG_CHAN_ACCEPT || t == EXO_MSG_CHAN_CLOSE);
}

/* One datagram to peer k, through exod's own entry. */
static void
fz_send(int k, int ctl, unsigned char *m, size_t n, int trunc)
{
	struct fz_peer	*fp = &fz_peers[k];
	struct fz_exp	*x;
	int		 fd = -1, j;

	/* Ids are echoed, never read: make each one tell its request. */
	if (n >= sizeof(struct exo_hdr)) {
		if (++fz_seq == 0)
			fz_seq = 1;
		memcpy(m + offsetof(struct exo_hdr, id), &fz_seq, sizeof fz_seq);
	}
	if ((x = malloc(sizeof *x)) == NULL)
		fz_fail("out of memory");
	if ((ctl & FZ_R_FD) && (fd = dup(fz_devnull)) == -1)
		fz_fail("dup: %s", strerror(errno));
	fz_predict(k, m, n, trunc, fd != -1, x);
	x->next = NULL;
	*fp->tail = x;
	fp->tail = &x->next;
	/* dispatch_message closes the descriptor. */
	dispatch_message(fp->p, m, n, fd != -1 ? &fd : NULL, fd != -1, trunc);
	/*
	 * A request may answer another peer too (a CALL's EDIED), and take
	 * frames from one (a revocation): then the model stands down.
	 */
	if (fz_outside_model(m, n))
		fz_uncertain = 1;
	for (j = 0; j < FZ_PEERS; j++) {
		if (fz_peers[j].p == NULL)
			continue;
		if (fz_peers[j].p->flags & PEER_BROKEN)
			fz_fail("peer %c broken: a reply could not be sent or "
			    "queued", 'A' + j);
		if (fz_peers[j].p->revocations != 0 ||
		    fz_peers[j].p->frames_revoking != 0 ||
		    fz_peers[j].p->aborts != 0)
			fz_uncertain = 1;
	}
}

static void
fz_hello(int k, int control, const char *name)
{
	unsigned char		m[sizeof(struct exo_hdr) +
				    sizeof(struct exo_hello)];
	struct exo_hdr		h = { .version = EXO_PROTO_VERSION,
				    .type = EXO_MSG_HELLO, .id = 1,
				    .len = sizeof(struct exo_hello) };
	struct exo_hello	hello;

	memset(&hello, 0, sizeof hello);
	hello.flags = control ? EXO_HELLO_CONTROL : 0;
	strncpy(hello.name, name, sizeof hello.name - 1);
	memcpy(m, &h, sizeof h);
	memcpy(m + sizeof h, &hello, sizeof hello);
	fz_send(k, 0, m, sizeof m, 0);
}

/* Free every frame the model says peer k holds, with a valid FRAME_FREE. */
static void
fz_free_all(int k)
{
	static unsigned char	m[sizeof(struct exo_hdr) +
				    sizeof(struct exo_frame_free) +
				    FZ_FRAMES * sizeof(struct exo_cap)];
	struct exo_frame_free	ff = { 0, 0 };
	struct exo_hdr		h = { .version = EXO_PROTO_VERSION,
				    .type = EXO_MSG_FRAME_FREE, .id = 0xf4ee };
	size_t			off = sizeof h + sizeof ff;
	uint32_t		i;

	for (i = 0; i < FZ_FRAMES; i++) {
		if (fz_live[i].owner != k)
			continue;
		memcpy(m + off, &fz_live[i].cap, sizeof fz_live[i].cap);
		off += sizeof fz_live[i].cap;
		ff.count++;
	}
	if (ff.count == 0)
		return;
	h.len = (uint32_t)(off - sizeof h);
	memcpy(m, &h, sizeof h);
	memcpy(m + sizeof h, &ff, sizeof ff);
	fz_send(k, 0, m, off, 0);
	fz_drain(k);
}

static void
fz_peer_new(int k, int lazy)
{
	struct fz_peer	*fp = &fz_peers[k];
	int		 sv[2], sndbuf = 16384;

	memset(fp, 0, sizeof *fp);
	fp->tail = &fp->head;
	fp->chan = -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0, sv) == -1)
		fz_fail("socketpair: %s", strerror(errno));
	/*
	 * Unread replies fill exod's socket after a few dozen, so that its
	 * queue is exercised; the largest reply still fits.
	 */
	if (lazy && setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf,
	    sizeof sndbuf) == -1)
		fz_fail("SO_SNDBUF: %s", strerror(errno));
	if ((fp->p = peer_new(sv[0], getpid(), getuid(), getgid(), -1)) ==
	    NULL)
		fz_fail("peer_new failed");
	fp->fd = sv[1];
}

/* Account for every reply, free the peer, and check nothing is left. */
static void
fz_peer_end(int k)
{
	struct fz_peer	*fp = &fz_peers[k];
	struct fz_exp	*x;
	struct peer_msg	*pm;
	uint32_t	 i;
	uint64_t	 want;

	/* A peer that left before may have ended a call of this one. */
	fz_drain(k);
	/* Replies exod could not send yet are owed all the same. */
	TAILQ_FOREACH(pm, &fp->p->outq, entry) {
		if (fz_trace)
			fprintf(stderr, "peer %c: queued in exod:\n", 'A' + k);
		fz_check_reply(k, pm->buf, pm->len, pm->fds, pm->nfds);
	}
	while ((x = fp->head) != NULL) {
		if (x->status != FZ_ANY)
			fz_fail("request type %#x id %u got no reply", x->req,
			    x->id);
		fp->head = x->next;	/* a CALL or YIELD still open */
		free(x);
	}
	fp->tail = &fp->head;
	if (!fz_uncertain && fp->p->frames != fp->frames)
		fz_fail("libOS holds %u frames, want %u", fp->p->frames,
		    fp->frames);
	/* Exposed kernel data: my frames at their generations, no others. */
	if (!fz_uncertain && fp->p->expose != NULL)
		for (i = 0; i < FZ_FRAMES; i++) {
			want = fz_live[i].owner == k ? fz_live[i].cap.gen : 0;
			if (fp->p->expose->frame_gen[i] != want)
				fz_fail("exposed generation of frame %u is "
				    "%llu, want %llu", i, (unsigned long long)
				    fp->p->expose->frame_gen[i],
				    (unsigned long long)want);
		}
	peer_free(fp->p);		/* frame_reclaim */
	for (i = 0; i < FZ_FRAMES; i++)
		if (fz_live[i].owner == k)
			fz_unbind(i);
	close(fp->fd);
	if (fp->chan != -1)
		close(fp->chan);
	fp->p = NULL;
	fp->fd = fp->chan = -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char	m[65536];
	static unsigned char	slots[sizeof(struct exo_slots_reply) +
				    EXO_SLOTS_MAX * sizeof(uint32_t)];
	static int		inited;
	struct exo_slots_reply	sr;
	struct exo_hdr		h;
	size_t			pos, len, n;
	char			path[64], what[256];
	ssize_t			rl;
	uint32_t		i, owner;
	int			flags, ctl, k, npeers, trunc, slen, fd;

	if (!inited) {
		fz_init();
		inited = 1;
	}
	if (size < 1)
		return (0);
	flags = data[0];
	fz_npool = 0;
	fz_uncertain = 0;
	fz_seq = 0;
	fz_sched_reset(0);
	/*
	 * Between inputs the fuzzer may open descriptors of its own (the
	 * symbolizer's pipes): what this input opens, it must close.
	 */
	fz_lowfd = fz_lowest_fd();
	fz_nfds = ++fz_runs % 256 == 0 ? fz_count_fds() : -1;
	npeers = (flags & FZ_PEER_B) ? 2 : 1;
	for (k = 0; k < npeers; k++)
		fz_peer_new(k, flags & FZ_LAZY);
	if (flags & FZ_HELLO)
		fz_hello(0, flags & FZ_CONTROL, "fuzz-a");
	if (npeers == 2)
		fz_hello(1, flags & FZ_B_CONTROL, "fuzz-b");
	for (k = 0; k < npeers; k++)
		fz_drain(k);

	for (pos = 1; pos + 3 <= size; pos += len) {
		ctl = data[pos];
		len = (size_t)data[pos + 1] | (size_t)data[pos + 2] << 8;
		pos += 3;
		if (len > size - pos)
			len = size - pos;
		k = (ctl & FZ_R_PEER_B) && npeers == 2 ? 1 : 0;
		/* What recvmsg would have given exod. */
		n = len > EXO_MSG_MAX ? EXO_MSG_MAX : len;
		trunc = len > EXO_MSG_MAX || (ctl & FZ_R_TRUNC);
		memcpy(m, data + pos, n);
		if ((flags & FZ_FIXHDR) && n >= sizeof h) {
			memcpy(&h, m, sizeof h);
			h.version = EXO_PROTO_VERSION;
			h.len = (uint32_t)(n - sizeof h);
			h.status = 0;
			memcpy(m, &h, sizeof h);
		}
		if (flags & FZ_SUBST)
			fz_subst(m, n);
		fz_send(k, ctl, m, n, trunc);
		if (!(flags & FZ_LAZY))
			fz_drain(k);
	}

	for (k = 0; k < npeers; k++)
		fz_drain(k);
	if ((flags & FZ_FREEALL) && !fz_uncertain)
		for (k = 0; k < npeers; k++)
			if (TAILQ_EMPTY(&fz_peers[k].p->outq))
				fz_free_all(k);
	for (k = 0; k < npeers; k++)
		fz_peer_end(k);

	/* Every frame free again, exod's mappings of them gone. */
	if (frame_free_count() != frame_total() ||
	    (!fz_uncertain && fz_free != FZ_FRAMES))
		fz_fail("%u of %u frames free after every peer left",
		    frame_free_count(), frame_total());
	/* Every tile free again. */
	{
		struct exo_display_info	di;

		if (tile_info(&di) != 0 || di.tiles_free != di.cols * di.rows)
			fz_fail("%u of %u tiles free after every peer left",
			    di.tiles_free, di.cols * di.rows);
	}
	for (i = 0; i < FZ_FRAMES; i++)
		fz_live[i].owner = -1;
	fz_free = FZ_FRAMES;
	for (i = 0; i < FZ_FRAMES; i++)
		if (frame_va(i) != NULL)
			fz_fail("frame %u still mapped by exod", i);
	if (!TAILQ_EMPTY(&peers) || peers_count != 0)
		fz_fail("peers left on the list");
	/* Every slot free again, nobody on the CPU. */
	if ((slen = sched_slots_reply(slots, sizeof slots)) < 0)
		fz_fail("sched_slots_reply failed");
	memcpy(&sr, slots, sizeof sr);
	if (sr.running != 0)
		fz_fail("libOS %u still on the CPU", sr.running);
	for (i = 0; i < sr.nslots; i++) {
		memcpy(&owner, slots + sizeof sr + i * sizeof owner,
		    sizeof owner);
		if (owner != 0)
			fz_fail("slot %u still bound to libOS %u", i, owner);
	}
	/*
	 * A descriptor of ours left open shows as a hole filled below the
	 * lowest one free at start.  Another thread of the process (the
	 * fuzzer's, the sanitizers') may hold one for a moment: only one that
	 * stays is a leak.
	 */
	for (i = 0; i < 20 && (fd = fz_lowest_fd()) != fz_lowfd; i++)
		usleep(1000);
	if (fd != fz_lowfd) {
		snprintf(path, sizeof path, "/proc/self/fd/%d", fz_lowfd);
		if ((rl = readlink(path, what, sizeof what - 1)) < 0)
			rl = 0;
		what[rl] = '\0';
		fz_fail("descriptor leak: %d (%s) left open, lowest free %d",
		    fz_lowfd, what, fd);
	}
	/* Now and then, every descriptor: a leak above a hole shows too. */
	if (fz_nfds != -1) {
		for (i = 0; i < 20 && (fd = fz_count_fds()) != fz_nfds; i++)
			usleep(1000);
		if (fd != fz_nfds)
			fz_fail("descriptor leak: %d open, %d at start", fd,
			    fz_nfds);
	}
	return (0);
}
