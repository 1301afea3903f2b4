/*
 * exobench - what exo costs, as ratios to the raw Unix primitives under it.
 *
 * exobench starts its own exod on a private socket, measures, and stops it.
 * Every figure is taken in the same run as its baseline, in interleaved
 * batches, and reported as the median of the batches; where exo and the
 * baseline alternate batch by batch (round trip, copy) the ratio is the
 * median of the batch-by-batch ratios, so drift and bursts of noise from
 * the rest of the machine hit both sides alike.  Absolute times on a
 * shared machine mean little, ratios measured side by side mean more.
 *
 *	null round trip		exo_null() vs two processes ping-ponging 16
 *				bytes over socketpair(AF_UNIX, SOCK_SEQPACKET)
 *	cap seal / verify	cap_seal() and cap_verify() of libexod, in
 *				process, against the raw round trip they ride on
 *	bind			exo_frame_alloc (single and batches of 253),
 *				alone and with the free, against a local
 *				memfd_create+ftruncate(+close) of 4 KiB
 *	bind extent		exo_extent_alloc of 4096 frames (+free), per
 *				frame, against the same; the batch of 253 is
 *				the old path beside it
 *	copy			1 MiB in and out of 256 bound frames vs a
 *				malloc'd 1 MiB, page by page in both cases
 *
 * Targets are reported, not asserted: the exit status is 0 whether or not
 * they are met, and 1 only when something failed.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "exod.h"
#include "benchlib.h"
#include "json.h"
#include "trend.h"

#define MIB			(1024UL * 1024UL)
#define MEM_WANT		(32ULL * MIB)	/* -m given to exod */
#define MAPS_SPARE		4096	/* as exod keeps (exod.c) */
#define COPY_FRAMES		256	/* 1 MiB */
#define MSG_SIZE		16	/* raw round trip payload */

/* Iteration counts; --quick divides them. */
struct plan {
	int	rtt_batches, rtt_iters;
	int	cap_batches, cap_iters;
	int	bind1_batches, bind1_iters;
	int	bindn_batches, bindn_iters;
	int	raw_batches;
	int	copy_samples, copy_reps;
	int	share_batches, share_iters;
};

static const struct plan plan_full = {
	.rtt_batches = 21, .rtt_iters = 3000,
	.cap_batches = 15, .cap_iters = 100000,
	.bind1_batches = 15, .bind1_iters = 300,
	.bindn_batches = 15, .bindn_iters = 10,
	.raw_batches = 15,
	.copy_samples = 301, .copy_reps = 4,
	.share_batches = 15, .share_iters = 200,
};

static const struct plan plan_quick = {
	.rtt_batches = 5, .rtt_iters = 200,
	.cap_batches = 3, .cap_iters = 10000,
	.bind1_batches = 3, .bind1_iters = 30,
	.bindn_batches = 3, .bindn_iters = 2,
	.raw_batches = 3,
	.copy_samples = 31, .copy_reps = 2,
	.share_batches = 3, .share_iters = 50,
};

enum target_kind {
	T_NONE,		/* reported only */
	T_RATIO_MAX,	/* ratio <= target */
	T_EXO_MAX,	/* exo value <= target, in the figure's unit */
	T_RATE_MIN,	/* rate >= target, in rate_unit */
};

struct fig {
	const char	*key;		/* JSON name */
	const char	*label;		/* table name */
	double		 exo;		/* measured through exo */
	const char	*unit;
	double		 base;		/* the raw primitive, same run */
	const char	*base_unit;
	const char	*base_what;
	double		 ratio;		/* exo / base, or the median of the
					   per-batch ratios when set */
	double		 rate;		/* derived throughput, or 0 */
	const char	*rate_unit;
	enum target_kind tkind;
	double		 target;
	int		 met;
};

#define FIGS_MAX	32
static struct fig	figs[FIGS_MAX];
static int		nfigs;

static pid_t		echo_pid = -1;	/* raw round trip partner */

/* Keep the compiler from dropping or moving memory work across this. */
static inline void
barrier(void)
{
	__asm__ __volatile__("" ::: "memory");
}

static struct fig *
fig_add(const char *key, const char *label)
{
	struct fig	*f;

	if (nfigs == FIGS_MAX)
		bl_die("too many figures");
	f = &figs[nfigs++];
	memset(f, 0, sizeof *f);
	f->key = key;
	f->label = label;
	f->tkind = T_NONE;
	return (f);
}

static void
fig_judge(struct fig *f)
{
	if (f->ratio == 0)
		f->ratio = f->base > 0 ? f->exo / f->base : 0;
	switch (f->tkind) {
	case T_NONE:
		f->met = -1;
		break;
	case T_RATIO_MAX:
		f->met = f->ratio <= f->target;
		break;
	case T_EXO_MAX:
		f->met = f->exo <= f->target;
		break;
	case T_RATE_MIN:
		f->met = f->rate >= f->target;
		break;
	}
}

/* --- exod ---------------------------------------------------------- */

/* 256 MiB, or as much as exod may bind under vm.max_map_count. */
static unsigned long long
exod_mem(void)
{
	unsigned long long	 maps = 65530, frames;
	FILE			*f;

	if ((f = fopen("/proc/sys/vm/max_map_count", "r")) != NULL) {
		if (fscanf(f, "%llu", &maps) != 1)
			maps = 65530;
		fclose(f);
	}
	frames = maps > 2 * MAPS_SPARE ? maps - MAPS_SPARE : MAPS_SPARE;
	if (frames * EXO_FRAME_SIZE >= MEM_WANT)
		return (MEM_WANT);
	return ((frames * EXO_FRAME_SIZE) / MIB * MIB);
}

/* --- raw round trip ------------------------------------------------ */

static int	echo_fd = -1;	/* our end of the socketpair */

static void
echo_start(void)
{
	char	buf[MSG_SIZE];
	int	sv[2];
	pid_t	pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		bl_die("socketpair: %s", strerror(errno));
	if ((pid = fork()) == -1)
		bl_die("fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(sv[0]);
		for (;;) {
			if (recv(sv[1], buf, sizeof buf, 0) <= 0)
				_exit(0);
			if (send(sv[1], buf, sizeof buf, MSG_NOSIGNAL) == -1)
				_exit(1);
		}
	}
	close(sv[1]);
	echo_fd = sv[0];
	echo_pid = pid;
	bl_track(pid);
}

static void
echo_stop(void)
{
	int	status;

	close(echo_fd);		/* EOF: the partner exits */
	echo_fd = -1;
	waitpid(echo_pid, &status, 0);
	bl_untrack(echo_pid);
	echo_pid = -1;
}

/* Mean round trip over n iterations, ns. */
static double
raw_rtt_batch(int n)
{
	char		buf[MSG_SIZE];
	uint64_t	t0;
	int		i;

	memset(buf, 'x', sizeof buf);
	t0 = bl_now();
	for (i = 0; i < n; i++) {
		if (send(echo_fd, buf, sizeof buf, MSG_NOSIGNAL) != sizeof buf)
			bl_die("raw send: %s", strerror(errno));
		if (recv(echo_fd, buf, sizeof buf, 0) != sizeof buf)
			bl_die("raw recv: %s", errno ? strerror(errno) :
			    "short datagram");
	}
	return ((double)(bl_now() - t0) / n);
}

static double
null_rtt_batch(struct exo *e, int n)
{
	uint64_t	t0;
	int		i, error;

	t0 = bl_now();
	for (i = 0; i < n; i++)
		if ((error = exo_null(e)) != 0)
			bl_die_exo("exo_null", error);
	return ((double)(bl_now() - t0) / n);
}

static double	raw_rtt_ns;	/* the baseline several figures use */

static void
bench_rtt(struct exo *e, const struct plan *pl)
{
	double		*raw = bl_samples(pl->rtt_batches);
	double		*exo = bl_samples(pl->rtt_batches);
	double		*ratio = bl_samples(pl->rtt_batches);
	struct fig	*f;
	int		 b;

	echo_start();
	/* Warm both paths up, then alternate so drift hits both alike. */
	raw_rtt_batch(pl->rtt_iters / 4 + 1);
	null_rtt_batch(e, pl->rtt_iters / 4 + 1);
	for (b = 0; b < pl->rtt_batches; b++) {
		if (b % 2) {
			raw[b] = raw_rtt_batch(pl->rtt_iters);
			exo[b] = null_rtt_batch(e, pl->rtt_iters);
		} else {
			exo[b] = null_rtt_batch(e, pl->rtt_iters);
			raw[b] = raw_rtt_batch(pl->rtt_iters);
		}
		ratio[b] = exo[b] / raw[b];
	}
	echo_stop();
	raw_rtt_ns = bl_mid(raw, (size_t)pl->rtt_batches);

	f = fig_add("null_rtt", "null round trip");
	f->exo = bl_mid(exo, (size_t)pl->rtt_batches) / 1000;
	f->unit = "us";
	f->base = raw_rtt_ns / 1000;
	f->base_unit = "us";
	f->base_what = "socketpair SEQPACKET 16 B ping-pong";
	f->ratio = bl_mid(ratio, (size_t)pl->rtt_batches);
	f->tkind = T_RATIO_MAX;
	f->target = 1.25;
	fig_judge(f);
	free(raw);
	free(exo);
	free(ratio);
}

/* --- capabilities -------------------------------------------------- */

static void
bench_cap(const struct plan *pl)
{
	double		*seal = bl_samples(pl->cap_batches);
	double		*verify = bl_samples(pl->cap_batches);
	struct exo_cap	*caps;
	struct fig	*f;
	uint64_t	 t0;
	int		 b, i, bad = 0;

	if (cap_init() == -1)
		bl_die("cap_init failed (libsodium)");
	/* Distinct capabilities, as exod seals for distinct frames. */
	if ((caps = calloc(1024, sizeof *caps)) == NULL)
		bl_die("out of memory");
	for (i = 0; i < 1024; i++) {
		caps[i].type = EXO_RES_FRAME;
		caps[i].rights = EXO_RIGHTS_ALL;
		caps[i].owner = 1;
		caps[i].id = (uint64_t)i;
		caps[i].gen = 1;
	}
	for (b = 0; b < pl->cap_batches; b++) {
		t0 = bl_now();
		for (i = 0; i < pl->cap_iters; i++)
			cap_seal(&caps[i & 1023]);
		barrier();
		seal[b] = (double)(bl_now() - t0) / pl->cap_iters;
		t0 = bl_now();
		for (i = 0; i < pl->cap_iters; i++)
			bad |= cap_verify(&caps[i & 1023]);
		barrier();
		verify[b] = (double)(bl_now() - t0) / pl->cap_iters;
	}
	if (bad != 0)
		bl_die("cap_verify refused a capability cap_seal made");
	caps[0].gen++;
	if (cap_verify(&caps[0]) == 0)
		bl_die("cap_verify accepted an altered capability");
	cap_fini();
	free(caps);

	f = fig_add("cap_seal", "cap seal");
	f->exo = bl_mid(seal, (size_t)pl->cap_batches);
	f->unit = "ns";
	f->base = raw_rtt_ns;
	f->base_unit = "ns";
	f->base_what = "raw round trip it rides on";
	fig_judge(f);

	f = fig_add("cap_verify", "cap verify");
	f->exo = bl_mid(verify, (size_t)pl->cap_batches);
	f->unit = "ns";
	f->base = raw_rtt_ns;
	f->base_unit = "ns";
	f->base_what = "raw round trip it rides on";
	f->tkind = T_EXO_MAX;
	f->target = 1000;
	fig_judge(f);
	free(seal);
	free(verify);
}

/* --- binding frames ------------------------------------------------ */

/* The host kernel's own 4 KiB shareable page: create (and drop) n, ns each. */
static void
raw_memfd_batch(int n, double *create, double *both)
{
	int		fds[EXO_BATCH_MAX];
	uint64_t	t0, t1, t2;
	int		i;

	t0 = bl_now();
	for (i = 0; i < n; i++) {
		fds[i] = memfd_create("exobench", MFD_CLOEXEC);
		if (fds[i] == -1 || ftruncate(fds[i], EXO_FRAME_SIZE) == -1)
			bl_die("memfd_create: %s", strerror(errno));
	}
	t1 = bl_now();
	for (i = 0; i < n; i++)
		close(fds[i]);
	t2 = bl_now();
	*create = (double)(t1 - t0) / n;
	*both = (double)(t2 - t0) / n;
}

static void
bench_bind(struct exo *e, const struct plan *pl)
{
	struct exo_frame	 fr[EXO_BATCH_MAX];
	double			*s_alloc = bl_samples(pl->bind1_batches);
	double			*s_both = bl_samples(pl->bind1_batches);
	double			*b_alloc = bl_samples(pl->bindn_batches);
	double			*b_both = bl_samples(pl->bindn_batches);
	double			*r_create = bl_samples(pl->raw_batches);
	double			*r_both = bl_samples(pl->raw_batches);
	double			 raw_create, raw_both;
	uint64_t		 t0, t1, t2, ta, tt;
	struct fig		*f;
	int			 b, i, error;

	/* Warm-up. */
	for (i = 0; i < 8; i++) {
		if ((error = exo_frame_alloc(e, &fr[0])) != 0)
			bl_die_exo("exo_frame_alloc", error);
		if ((error = exo_frame_free(e, &fr[0])) != 0)
			bl_die_exo("exo_frame_free", error);
	}
	for (b = 0; b < pl->raw_batches; b++)
		raw_memfd_batch(EXO_BATCH_MAX, &r_create[b], &r_both[b]);

	for (b = 0; b < pl->bind1_batches; b++) {
		ta = tt = 0;
		for (i = 0; i < pl->bind1_iters; i++) {
			t0 = bl_now();
			if ((error = exo_frame_alloc(e, &fr[0])) != 0)
				bl_die_exo("exo_frame_alloc", error);
			t1 = bl_now();
			if ((error = exo_frame_free(e, &fr[0])) != 0)
				bl_die_exo("exo_frame_free", error);
			t2 = bl_now();
			ta += t1 - t0;
			tt += t2 - t0;
		}
		s_alloc[b] = (double)ta / pl->bind1_iters;
		s_both[b] = (double)tt / pl->bind1_iters;
	}

	for (b = 0; b < pl->bindn_batches; b++) {
		ta = tt = 0;
		for (i = 0; i < pl->bindn_iters; i++) {
			t0 = bl_now();
			error = exo_frame_alloc_batch(e, fr, EXO_BATCH_MAX);
			if (error != 0)
				bl_die_exo("exo_frame_alloc_batch", error);
			t1 = bl_now();
			error = exo_frame_free_batch(e, fr, EXO_BATCH_MAX);
			if (error != 0)
				bl_die_exo("exo_frame_free_batch", error);
			t2 = bl_now();
			ta += t1 - t0;
			tt += t2 - t0;
		}
		b_alloc[b] = (double)ta / pl->bindn_iters / EXO_BATCH_MAX;
		b_both[b] = (double)tt / pl->bindn_iters / EXO_BATCH_MAX;
	}
	raw_create = bl_mid(r_create, (size_t)pl->raw_batches);
	raw_both = bl_mid(r_both, (size_t)pl->raw_batches);

	f = fig_add("bind_single", "bind, single");
	f->exo = bl_mid(s_alloc, (size_t)pl->bind1_batches) / 1000;
	f->base = raw_create / 1000;
	f->base_what = "memfd_create+ftruncate 4 KiB";

	f = fig_add("bind_free_single", "bind+free, single");
	f->exo = bl_mid(s_both, (size_t)pl->bind1_batches) / 1000;
	f->base = raw_both / 1000;
	f->base_what = "memfd_create+ftruncate+close";

	f = fig_add("bind_batch", "bind, batch of 253");
	f->exo = bl_mid(b_alloc, (size_t)pl->bindn_batches) / 1000;
	f->base = raw_create / 1000;
	f->base_what = "memfd_create+ftruncate 4 KiB";
	f->tkind = T_RATE_MIN;
	f->target = 100000;

	f = fig_add("bind_free_batch", "bind+free, batch of 253");
	f->exo = bl_mid(b_both, (size_t)pl->bindn_batches) / 1000;
	f->base = raw_both / 1000;
	f->base_what = "memfd_create+ftruncate+close";

	for (i = nfigs - 4; i < nfigs; i++) {
		figs[i].unit = "us/frame";
		figs[i].base_unit = "us/frame";
		figs[i].rate = figs[i].exo > 0 ? 1e6 / figs[i].exo : 0;
		figs[i].rate_unit = "frames/s";
		fig_judge(&figs[i]);
	}
	free(s_alloc);
	free(s_both);
	free(b_alloc);
	free(b_both);
	free(r_create);
	free(r_both);
}

/*
 * Extents: 4096 frames (16 MiB) bound as one extent and freed, per
 * frame, beside the raw memfd a single frame costs; the batch of 253
 * above is the old path.
 */
#define EXTENT_BENCH	4096

static void
bench_extent(struct exo *e, const struct plan *pl)
{
	struct exo_extent	*x;
	double			*a = bl_samples(pl->bindn_batches);
	double			*t = bl_samples(pl->bindn_batches);
	double			*r_create = bl_samples(pl->raw_batches);
	double			*r_both = bl_samples(pl->raw_batches);
	uint64_t		 t0, t1, t2;
	struct fig		*f;
	int			 b, error;

	for (b = 0; b < pl->raw_batches; b++)
		raw_memfd_batch(EXO_BATCH_MAX, &r_create[b], &r_both[b]);
	for (b = 0; b < pl->bindn_batches; b++) {
		t0 = bl_now();
		if ((error = exo_extent_alloc(e, EXTENT_BENCH, &x)) != 0)
			bl_die_exo("exo_extent_alloc", error);
		t1 = bl_now();
		if ((error = exo_extent_free(x)) != 0)
			bl_die_exo("exo_extent_free", error);
		t2 = bl_now();
		a[b] = (double)(t1 - t0) / EXTENT_BENCH;
		t[b] = (double)(t2 - t0) / EXTENT_BENCH;
	}
	f = fig_add("bind_extent", "bind, extent 4096");
	f->exo = bl_mid(a, (size_t)pl->bindn_batches) / 1000;
	f->base = bl_mid(r_create, (size_t)pl->raw_batches) / 1000;
	f->base_what = "memfd_create+ftruncate 4 KiB";
	f = fig_add("bind_free_extent", "bind+free, extent 4096");
	f->exo = bl_mid(t, (size_t)pl->bindn_batches) / 1000;
	f->base = bl_mid(r_both, (size_t)pl->raw_batches) / 1000;
	f->base_what = "memfd_create+ftruncate+close";
	for (b = nfigs - 2; b < nfigs; b++) {
		figs[b].unit = "us/frame";
		figs[b].base_unit = "us/frame";
		figs[b].rate = figs[b].exo > 0 ? 1e6 / figs[b].exo : 0;
		figs[b].rate_unit = "frames/s";
		fig_judge(&figs[b]);
	}
	free(a);
	free(t);
	free(r_create);
	free(r_both);
}

/* --- memory copy --------------------------------------------------- */

static unsigned char	*copy_src, *copy_out;

/* 1 MiB in, then 1 MiB out, page by page; reps times; ns per pass. */
static double
copy_sample(unsigned char *const *pages, int reps)
{
	uint64_t	t0;
	int		r, i;

	t0 = bl_now();
	for (r = 0; r < reps; r++) {
		for (i = 0; i < COPY_FRAMES; i++)
			memcpy(pages[i], copy_src + (size_t)i * EXO_FRAME_SIZE,
			    EXO_FRAME_SIZE);
		barrier();
		for (i = 0; i < COPY_FRAMES; i++)
			memcpy(copy_out + (size_t)i * EXO_FRAME_SIZE, pages[i],
			    EXO_FRAME_SIZE);
		barrier();
	}
	return ((double)(bl_now() - t0) / reps);
}

static void *
page_alloc(size_t len)
{
	void	*p;

	if (posix_memalign(&p, EXO_FRAME_SIZE, len) != 0)
		bl_die("out of memory");
	memset(p, 0x5a, len);		/* fault it in now */
	return (p);
}

static int
cmp_ptr(const void *a, const void *b)
{
	uintptr_t	x = (uintptr_t)*(void *const *)a;
	uintptr_t	y = (uintptr_t)*(void *const *)b;

	return ((x > y) - (x < y));
}

static void
bench_copy(struct exo *e, const struct plan *pl)
{
	static struct exo_frame	 fr[COPY_FRAMES];
	static unsigned char	*p_exo[COPY_FRAMES], *p_mal[COPY_FRAMES];
	double			*s_exo = bl_samples(pl->copy_samples);
	double			*s_mal = bl_samples(pl->copy_samples);
	double			*ratio = bl_samples(pl->copy_samples);
	unsigned char		*mal;
	struct fig		*f;
	unsigned		 done, n;
	int			 s, i, error;

	for (done = 0; done < COPY_FRAMES; done += n) {
		n = COPY_FRAMES - done;
		if (n > EXO_BATCH_MAX)
			n = EXO_BATCH_MAX;
		if ((error = exo_frame_alloc_batch(e, fr + done, n)) != 0)
			bl_die_exo("exo_frame_alloc_batch", error);
	}
	for (i = 0; i < COPY_FRAMES; i++) {
		if ((p_exo[i] = exo_frame_map(&fr[i], PROT_READ | PROT_WRITE))
		    == NULL)
			bl_die("exo_frame_map: %s", strerror(errno));
		memset(p_exo[i], 0x5a, EXO_FRAME_SIZE);	/* fault it in */
	}
	/*
	 * Visit the frames in address order, as the malloc'd pages are and
	 * as a libOS that maps frames into its region in order would: the
	 * kernel hands out mappings top down, and walking pages backwards
	 * defeats the prefetcher, which is no property of bound frames.
	 */
	qsort(p_exo, COPY_FRAMES, sizeof p_exo[0], cmp_ptr);
	mal = page_alloc(COPY_FRAMES * EXO_FRAME_SIZE);
	for (i = 0; i < COPY_FRAMES; i++)
		p_mal[i] = mal + (size_t)i * EXO_FRAME_SIZE;
	copy_src = page_alloc(COPY_FRAMES * EXO_FRAME_SIZE);
	copy_out = page_alloc(COPY_FRAMES * EXO_FRAME_SIZE);

	copy_sample(p_exo, pl->copy_reps);	/* warm caches and TLB */
	copy_sample(p_mal, pl->copy_reps);
	for (s = 0; s < pl->copy_samples; s++) {
		if (s % 2) {
			s_exo[s] = copy_sample(p_exo, pl->copy_reps);
			s_mal[s] = copy_sample(p_mal, pl->copy_reps);
		} else {
			s_mal[s] = copy_sample(p_mal, pl->copy_reps);
			s_exo[s] = copy_sample(p_exo, pl->copy_reps);
		}
		ratio[s] = s_exo[s] / s_mal[s];
	}
	if (memcmp(copy_out, copy_src, COPY_FRAMES * EXO_FRAME_SIZE) != 0)
		bl_die("copy through frames lost data");

	for (done = 0; done < COPY_FRAMES; done += n) {
		n = COPY_FRAMES - done;
		if (n > EXO_BATCH_MAX)
			n = EXO_BATCH_MAX;
		if ((error = exo_frame_free_batch(e, fr + done, n)) != 0)
			bl_die_exo("exo_frame_free_batch", error);
	}
	free(mal);
	free(copy_src);
	free(copy_out);

	f = fig_add("copy", "copy 1 MiB in+out");
	f->exo = bl_mid(s_exo, (size_t)pl->copy_samples) / 1000;
	f->unit = "us";
	f->base = bl_mid(s_mal, (size_t)pl->copy_samples) / 1000;
	f->base_unit = "us";
	f->base_what = "same over malloc'd 1 MiB";
	f->ratio = bl_mid(ratio, (size_t)pl->copy_samples);
	/* 2 MiB moved per pass. */
	f->rate = f->exo > 0 ? 2.0 / (f->exo / 1e6) : 0;
	f->rate_unit = "MiB/s";
	f->tkind = T_RATIO_MAX;
	f->target = 1.02;
	fig_judge(f);
	free(s_exo);
	free(s_mal);
	free(ratio);
}

/* --- sharing: derive, grant, a read through a granted frame ------- */

static double
derive_batch(struct exo *e, const struct exo_cap *c, int n)
{
	struct exo_cap	out;
	uint64_t	t0 = bl_now();
	int		i, error;

	for (i = 0; i < n; i++)
		if ((error = exo_cap_derive(e, c, EXO_RIGHT_READ, 0, &out)) != 0)
			bl_die_exo("exo_cap_derive", error);
	return ((double)(bl_now() - t0) / n);
}

/* n grants of a fresh frame to libOS to (n < EXO_GRANTS_MAX); ns each. */
static double
grant_batch(struct exo *e, uint32_t to, int n)
{
	struct exo_frame	f;
	struct exo_cap		out;
	uint64_t		t0;
	int			i, error;

	if ((error = exo_frame_alloc(e, &f)) != 0)
		bl_die_exo("exo_frame_alloc", error);
	/* Let exod's pool replace the memfd first: not a grant's cost. */
	usleep(20000);
	t0 = bl_now();
	for (i = 0; i < n; i++)
		if ((error = exo_cap_grant(e, &f.cap, to, EXO_RIGHT_READ, 0,
		    &out)) != 0)
			bl_die_exo("exo_cap_grant", error);
	t0 = bl_now() - t0;
	if ((error = exo_frame_free(e, &f)) != 0)	/* ends them all */
		bl_die_exo("exo_frame_free", error);
	return ((double)t0 / n);
}

static volatile uint64_t	read_sink;	/* keeps the reads live */

/* Read 1 MiB, page by page, 8 bytes at a time; ns per pass. */
static double
read_sample(unsigned char *const *pages, int reps, uint64_t *sum)
{
	const volatile uint64_t	*w;
	uint64_t		 t0, acc = 0;
	int			 r, i, k;

	t0 = bl_now();
	for (r = 0; r < reps; r++)
		for (i = 0; i < COPY_FRAMES; i++) {
			w = (const volatile uint64_t *)pages[i];
			for (k = 0; k < EXO_FRAME_SIZE / 8; k++)
				acc += w[k];
		}
	*sum += acc;
	return ((double)(bl_now() - t0) / reps);
}

static void
bench_share(struct exo *e, const struct plan *pl)
{
	static struct exo_frame	 fr[COPY_FRAMES], gr[COPY_FRAMES];
	static unsigned char	*p_exo[COPY_FRAMES], *p_mal[COPY_FRAMES];
	double			*d = bl_samples(pl->share_batches);
	double			*g = bl_samples(pl->share_batches);
	double			*nd = bl_samples(pl->share_batches);
	double			*dr = bl_samples(pl->share_batches);
	double			*grr = bl_samples(pl->share_batches);
	double			*s_exo = bl_samples(pl->copy_samples);
	double			*s_mal = bl_samples(pl->copy_samples);
	double			*ratio = bl_samples(pl->copy_samples);
	struct exo		*b;
	struct exo_cap		 key;
	struct fig		*f;
	unsigned char		*mal;
	unsigned		 done, n;
	uint64_t		 sum = 0;
	int			 i, s, error;


	if ((error = exo_connect(bl_sock(), "exobench-grantee", &b)) != 0)
		bl_die_exo("exo_connect", error);
	if ((error = exo_frame_alloc(e, &fr[0])) != 0)
		bl_die_exo("exo_frame_alloc", error);
	derive_batch(e, &fr[0].cap, pl->share_iters);	/* warm up */
	/* Each beside a NULL request in the same batch: drift hits all. */
	for (i = 0; i < pl->share_batches; i++) {
		g[i] = grant_batch(e, exo_libos_id(b), pl->share_iters);
		nd[i] = null_rtt_batch(e, pl->share_iters);
		d[i] = derive_batch(e, &fr[0].cap, pl->share_iters);
		dr[i] = d[i] / nd[i];
		grr[i] = g[i] / nd[i];
	}
	exo_frame_free(e, &fr[0]);

	/* 256 frames, granted read-only to b, which maps them all. */
	for (done = 0; done < COPY_FRAMES; done += n) {
		n = COPY_FRAMES - done;
		if (n > EXO_BATCH_MAX)
			n = EXO_BATCH_MAX;
		if ((error = exo_frame_alloc_batch(e, fr + done, n)) != 0)
			bl_die_exo("exo_frame_alloc_batch", error);
	}
	for (i = 0; i < COPY_FRAMES; i++) {
		if (exo_frame_map(&fr[i], PROT_READ | PROT_WRITE) == NULL)
			bl_die("exo_frame_map: %s", strerror(errno));
		memset(fr[i].va, i & 0xff, EXO_FRAME_SIZE);
		if ((error = exo_cap_grant(e, &fr[i].cap, exo_libos_id(b),
		    EXO_RIGHT_READ, 0, &key)) != 0)
			bl_die_exo("exo_cap_grant", error);
		if ((error = exo_frame_open(b, &key, &gr[i])) != 0)
			bl_die_exo("exo_frame_open", error);
		if ((p_exo[i] = exo_frame_map(&gr[i], PROT_READ)) == NULL)
			bl_die("exo_frame_map: %s", strerror(errno));
	}
	qsort(p_exo, COPY_FRAMES, sizeof p_exo[0], cmp_ptr);
	mal = page_alloc(COPY_FRAMES * EXO_FRAME_SIZE);
	for (i = 0; i < COPY_FRAMES; i++)
		p_mal[i] = mal + (size_t)i * EXO_FRAME_SIZE;
	read_sample(p_exo, pl->copy_reps, &sum);	/* warm up */
	read_sample(p_mal, pl->copy_reps, &sum);
	for (s = 0; s < pl->copy_samples; s++) {
		if (s % 2) {
			s_exo[s] = read_sample(p_exo, pl->copy_reps, &sum);
			s_mal[s] = read_sample(p_mal, pl->copy_reps, &sum);
		} else {
			s_mal[s] = read_sample(p_mal, pl->copy_reps, &sum);
			s_exo[s] = read_sample(p_exo, pl->copy_reps, &sum);
		}
		ratio[s] = s_exo[s] / s_mal[s];
	}
	for (i = 0; i < COPY_FRAMES; i++)
		exo_frame_forget(&gr[i]);
	for (done = 0; done < COPY_FRAMES; done += n) {
		n = COPY_FRAMES - done;
		if (n > EXO_BATCH_MAX)
			n = EXO_BATCH_MAX;
		if ((error = exo_frame_free_batch(e, fr + done, n)) != 0)
			bl_die_exo("exo_frame_free_batch", error);
	}
	free(mal);
	exo_disconnect(b);
	read_sink = sum;

	f = fig_add("derive", "derive (read-only)");
	f->exo = bl_mid(d, (size_t)pl->share_batches) / 1000;
	f->unit = "us";
	f->base = bl_mid(nd, (size_t)pl->share_batches) / 1000;
	f->base_unit = "us";
	f->base_what = "a NULL request, in the same batches";
	f->ratio = bl_mid(dr, (size_t)pl->share_batches);
	fig_judge(f);
	f = fig_add("grant", "grant to a libOS");
	f->exo = bl_mid(g, (size_t)pl->share_batches) / 1000;
	f->unit = "us";
	f->base = bl_mid(nd, (size_t)pl->share_batches) / 1000;
	f->base_unit = "us";
	f->base_what = "a NULL request, in the same batches";
	f->ratio = bl_mid(grr, (size_t)pl->share_batches);
	fig_judge(f);
	f = fig_add("shared_read", "read 1 MiB shared");
	f->exo = bl_mid(s_exo, (size_t)pl->copy_samples) / 1000;
	f->unit = "us";
	f->base = bl_mid(s_mal, (size_t)pl->copy_samples) / 1000;
	f->base_unit = "us";
	f->base_what = "same over malloc'd 1 MiB";
	f->ratio = bl_mid(ratio, (size_t)pl->copy_samples);
	f->rate = f->exo > 0 ? 1.0 / (f->exo / 1e6) : 0;
	f->rate_unit = "MiB/s";
	f->tkind = T_RATIO_MAX;
	f->target = 1.02;
	fig_judge(f);
	free(d);
	free(g);
	free(nd);
	free(dr);
	free(grr);
	free(s_exo);
	free(s_mal);
	free(ratio);
}

/* --- what a libOS and a frame cost exod -------------------------- */

/* exod's pid: the kernel's word for the peer of our connection. */
static pid_t
cost_exod_pid(struct exo *e)
{
	struct ucred	cred;
	socklen_t	len = sizeof cred;

	if (getsockopt(exo_fd(e), SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1)
		bl_die("SO_PEERCRED: %s", strerror(errno));
	return (cred.pid);
}

/* Open descriptors and resident KiB (private and shared) of pid. */
static void
cost_sample(pid_t pid, long *fds, long *kib)
{
	char		 path[64], line[256];
	struct dirent	*de;
	DIR		*dir;
	FILE		*f;

	*fds = 0;
	*kib = 0;
	snprintf(path, sizeof path, "/proc/%ld/fd", (long)pid);
	if ((dir = opendir(path)) != NULL) {
		while ((de = readdir(dir)) != NULL)
			*fds += de->d_name[0] != '.';
		closedir(dir);
	}
	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0)
			*kib = atol(line + 6);
	fclose(f);
}

/*
 * exod's descriptors and memory per libOS (n connections that said HELLO
 * and touched nothing) and per bound frame (one libOS binds m): absolute,
 * and as a ratio to the page a frame is, the unit a libOS asks for.
 */
static void
bench_cost(struct exo *e, int quick)
{
	struct exo		**conn;
	struct exo_frame	 *fr;
	struct fig		 *f;
	pid_t			  pid = cost_exod_pid(e);
	long			  fd0, kb0, fd1, kb1;
	int			  n = quick ? 64 : 512, m = quick ? 506 : 2024;
	int			  i, error;

	if ((conn = calloc((size_t)n, sizeof *conn)) == NULL ||
	    (fr = calloc((size_t)m, sizeof *fr)) == NULL)
		bl_die("out of memory");
	usleep(200000);		/* the pool settles */
	cost_sample(pid, &fd0, &kb0);
	for (i = 0; i < n; i++)
		if ((error = exo_connect(bl_sock(), "cost", &conn[i])) != 0)
			bl_die_exo("exo_connect", error);
	cost_sample(pid, &fd1, &kb1);
	for (i = 0; i < n; i++)
		exo_disconnect(conn[i]);
	f = fig_add("libos_fds", "exod fds per libOS");
	f->exo = (double)(fd1 - fd0) / n;
	f->unit = "fds";
	f->base = 1;
	f->base_unit = "fd";
	f->base_what = "one descriptor; measured over that many libOSes";
	f->tkind = T_EXO_MAX;
	f->target = EXOD_CONN_FDS;
	fig_judge(f);
	f = fig_add("libos_mem", "exod memory per libOS");
	f->exo = (double)(kb1 - kb0) / n;
	f->unit = "KiB";
	f->base = EXO_FRAME_SIZE / 1024.0;
	f->base_unit = "KiB";
	f->base_what = "a 4 KiB page; exod's VmRSS growth per connected libOS";
	fig_judge(f);
	f = fig_add("peer_limit", "libOSes at once");
	f->exo = EXOD_PEERS_MAX;
	f->unit = "";
	f->base = EXOD_PEERS_MAX;
	f->base_unit = "";
	f->base_what = "exod's limit (EXOD_PEERS_MAX); t/malformed.t fills it";
	f->rate = EXOD_PEERS_MAX;
	f->rate_unit = "libOSes";
	f->tkind = T_RATE_MIN;
	f->target = 1024;
	fig_judge(f);

	usleep(200000);
	cost_sample(pid, &fd0, &kb0);
	for (i = 0; i < m; i += 253)
		if ((error = exo_frame_alloc_batch(e, fr + i, m - i < 253 ?
		    (unsigned)(m - i) : 253)) != 0)
			bl_die_exo("exo_frame_alloc_batch", error);
	cost_sample(pid, &fd1, &kb1);
	for (i = 0; i < m; i += 253)
		(void)exo_frame_free_batch(e, fr + i, m - i < 253 ?
		    (unsigned)(m - i) : 253);
	f = fig_add("frame_fds", "exod fds per frame");
	f->exo = (double)(fd1 - fd0) / m;
	f->unit = "fds";
	f->base = 1;
	f->base_unit = "fd";
	f->base_what = "one descriptor; exod keeps one per bound frame (the "
	    "pool refills behind it)";
	fig_judge(f);
	f = fig_add("frame_mem", "exod memory per frame");
	f->exo = (double)(kb1 - kb0) * 1024 / m;
	f->unit = "B";
	f->base = EXO_FRAME_SIZE;
	f->base_unit = "B";
	f->base_what = "the frame's own 4 KiB, which lives in its memfd, not "
	    "in exod's RSS until exod touches it";
	fig_judge(f);
	free(conn);
	free(fr);
}

/* --- output -------------------------------------------------------- */

static void
fmt_value(char *buf, size_t len, double v, const char *unit)
{
	if (v >= 100)
		snprintf(buf, len, "%.0f %s", v, unit);
	else if (v >= 10)
		snprintf(buf, len, "%.1f %s", v, unit);
	else
		snprintf(buf, len, "%.2f %s", v, unit);
}

static void
fmt_target(char *buf, size_t len, const struct fig *f)
{
	switch (f->tkind) {
	case T_NONE:
		snprintf(buf, len, "-");
		break;
	case T_RATIO_MAX:
		snprintf(buf, len, "ratio <= %.2f", f->target);
		break;
	case T_EXO_MAX:
		snprintf(buf, len, "<= %.0f %s", f->target, f->unit);
		break;
	case T_RATE_MIN:
		snprintf(buf, len, ">= %.0f %s", f->target, f->rate_unit);
		break;
	}
}

static void
print_table(const char *exod, unsigned long long mem, int quick)
{
	char	 v[64], b[64], t[64];
	int	 i;

	printf("exobench: %s, -m %lluM (%llu frames), %ld CPUs%s\n", exod,
	    mem / MIB, mem / EXO_FRAME_SIZE, sysconf(_SC_NPROCESSORS_ONLN),
	    quick ? ", --quick" : "");
	printf("raw round trip (socketpair SEQPACKET, 16 B, blocking): "
	    "%.2f us\n\n", raw_rtt_ns / 1000);
	printf("%-24s %-16s %-16s %-9s %-22s %s\n", "FIGURE", "EXO", "BASELINE",
	    "RATIO", "TARGET", "MET");
	for (i = 0; i < nfigs; i++) {
		const struct fig *f = &figs[i];

		fmt_value(v, sizeof v, f->exo, f->unit);
		fmt_value(b, sizeof b, f->base, f->base_unit);
		fmt_target(t, sizeof t, f);
		printf("%-24s %-16s %-16s %-9.3f %-22s %s\n", f->label, v, b,
		    f->ratio, t, f->met < 0 ? "-" : f->met ? "met" : "NOT met");
	}
	printf("\n");
	for (i = 0; i < nfigs; i++) {
		const struct fig *f = &figs[i];

		printf("  %-24s baseline: %s", f->label, f->base_what);
		if (f->rate > 0)
			printf("; exo %.0f %s", f->rate, f->rate_unit);
		printf("\n");
	}
}

static void
print_json(struct json *j, const char *exod, unsigned long long mem,
    int quick)
{
	static const char *const kinds[] = {
		[T_NONE] = "none", [T_RATIO_MAX] = "ratio_max",
		[T_EXO_MAX] = "value_max", [T_RATE_MIN] = "rate_min",
	};
	int	i;

	json_object_open(j);
	json_kstring(j, "exod", exod);
	json_kuint(j, "memory_bytes", mem);
	json_kuint(j, "frames", mem / EXO_FRAME_SIZE);
	json_kint(j, "cpus", sysconf(_SC_NPROCESSORS_ONLN));
	json_kbool(j, "quick", quick);
	json_kdouble(j, "raw_rtt_us", raw_rtt_ns / 1000, 4);
	json_key(j, "figures");
	json_object_open(j);
	for (i = 0; i < nfigs; i++) {
		const struct fig *f = &figs[i];

		json_key(j, f->key);
		json_object_open(j);
		json_kstring(j, "label", f->label);
		json_kdouble(j, "exo", f->exo, 4);
		json_kstring(j, "unit", f->unit);
		json_kdouble(j, "baseline", f->base, 4);
		json_kstring(j, "baseline_unit", f->base_unit);
		json_kstring(j, "baseline_what", f->base_what);
		json_kdouble(j, "ratio", f->ratio, 4);
		if (f->rate > 0) {
			json_kdouble(j, "rate", f->rate, 1);
			json_kstring(j, "rate_unit", f->rate_unit);
		}
		if (f->tkind == T_NONE) {
			json_knull(j, "target");
			json_knull(j, "met");
		} else {
			json_key(j, "target");
			json_object_open(j);
			json_kstring(j, "kind", kinds[f->tkind]);
			json_kdouble(j, "value", f->target, 4);
			json_object_close(j);
			json_kbool(j, "met", f->met);
		}
		json_object_close(j);
	}
	json_object_close(j);
	json_object_close(j);
}

static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: exobench [-hV] [--foundation] [--json] [--quick] "
	    "[--exod PATH]\n"
	    "       exobench --trend [--json] [--quick | --full] [--trials N]\n"
	    "                        [--plot FILE.png] [--save DIR | --load DIR]\n");
	exit(status ? 2 : 0);
}

/* The other parts of exobench, each a program beside this one. */
static const struct {
	const char	*key;		/* JSON member */
	const char	*prog;		/* beside exobench */
	const char	*what;
} parts[] = {
	{ "cpu", "exobench-cpu", "the CPU: protected calls, the slot vector" },
	{ "memory", "exobench-vm", "memory: Appel-Li, the TLB and the STLB" },
	{ "disk", "exobench-disk", "revocation and the disk" },
	{ "fs", "exobench-fs", "libos-unix's file system" },
	{ "unix", "exobench-unix", "libos-unix: system calls, fork, pipes" },
	{ "display", "exobench-display", "the display: drawing, snapshots" },
	{ "net", "exobench-net", "the network: demultiplexing, delivery" },
	{ "unixnet", "exobench-unixnet", "libos-unix's network stack" },
};

/* A part's whole standard output, into buf (NUL-terminated, cut at
 * len - 1 bytes). */
static void
read_all(int fd, char *buf, size_t len)
{
	size_t	off = 0;
	ssize_t	n;

	while (off + 1 < len && (n = read(fd, buf + off, len - 1 - off)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)n;
	}
	buf[off] = '\0';
}

/*
 * Run each part with the same flags.  In a table run their tables follow
 * this one; with --json each part's object becomes a member of j's open
 * object, or null if the part failed.
 */
static int
run_parts(struct json *j, int quick)
{
	static char	 out[1 << 20];
	char		 path[PATH_MAX + 32], *argv[4];
	size_t		 i;
	pid_t		 pid;
	int		 status, k, failed = 0, p[2];

	for (i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", bl_self(), parts[i].prog);
		k = 0;
		argv[k++] = (char *)parts[i].prog;
		if (j != NULL)
			argv[k++] = "--json";
		if (quick)
			argv[k++] = "--quick";
		argv[k] = NULL;
		if (j == NULL)
			printf("\n== %s (%s) ==\n", parts[i].what,
			    parts[i].prog);
		fflush(stdout);
		if (j != NULL && pipe(p) == -1)
			bl_die("pipe: %s", strerror(errno));
		if ((pid = fork()) == -1)
			bl_die("fork: %s", strerror(errno));
		if (pid == 0) {
			if (j != NULL) {
				dup2(p[1], STDOUT_FILENO);
				close(p[0]);
				close(p[1]);
			}
			execv(path, argv);
			fprintf(stderr, "%s: %s: %s\n", "exobench", path,
			    strerror(errno));
			_exit(127);
		}
		out[0] = '\0';
		if (j != NULL) {
			close(p[1]);
			read_all(p[0], out, sizeof out);
			close(p[0]);
		}
		if (waitpid(pid, &status, 0) == -1 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			fprintf(stderr, "%s: %s failed\n", "exobench",
			    parts[i].prog);
			failed = 1;
			out[0] = '\0';		/* null, not a part's half */
		}
		if (j != NULL) {
			json_key(j, parts[i].key);
			json_raw(j, out);
		}
	}
	return (failed);
}

int
main(int argc, char **argv)
{
	const struct plan	*pl = &plan_full;
	const char		*exod = NULL;
	char			 memarg[32];
	const char *const	 args[] = { "-m", memarg, NULL };
	unsigned long long	 mem;
	struct exo		*e;
	struct json		 j;
	int			 i, error, json = 0, quick = 0, only = 0;
	int			 failed;

	for (i = 1; i < argc; i++)	/* a program of its own, inside */
		if (strcmp(argv[i], "--trend") == 0)
			return (trend_main(argc, argv));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--foundation") == 0)
			only = 1;
		else if (strcmp(argv[i], "--quick") == 0)
			quick = 1;
		else if (strcmp(argv[i], "--exod") == 0 && i + 1 < argc)
			exod = argv[++i];
		else if (strncmp(argv[i], "--exod=", 7) == 0)
			exod = argv[i] + 7;
		else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			usage(0);
		else if (strcmp(argv[i], "-V") == 0 ||
		    strcmp(argv[i], "--version") == 0)
			bl_version("exobench");
		else
			usage(1);
	}
	if (quick)
		pl = &plan_quick;
	bl_init("exobench", argc, argv);
	exod = bl_exod_path(exod);
	mem = exod_mem();
	signal(SIGPIPE, SIG_IGN);

	snprintf(memarg, sizeof memarg, "%lluK", mem >> 10);
	bl_exod_start(args);
	if ((error = exo_connect(bl_sock(), "exobench", &e)) != 0)
		bl_die_exo("exo_connect", error);

	bench_rtt(e, pl);
	bench_cap(pl);
	bench_bind(e, pl);
	bench_extent(e, pl);
	bench_copy(e, pl);
	bench_share(e, pl);
	bench_cost(e, quick);

	exo_disconnect(e);
	bl_exod_finish(0);

	if (!json) {
		print_table(exod, mem, quick);
		return (!only && run_parts(NULL, quick) != 0);
	}
	json_start(&j, stdout);
	if (!only) {
		json_object_open(&j);
		json_key(&j, "foundation");
	}
	print_json(&j, exod, mem, quick);
	failed = !only && run_parts(&j, quick) != 0;
	if (!only)
		json_object_close(&j);
	if (json_finish(&j) != 0) {
		fprintf(stderr, "exobench: cannot write the JSON output\n");
		return (1);
	}
	return (failed);
}
