/*
 * wild.t - a wild memory access kills only the libOS that made it.
 *
 * A child libOS binds frames, claims slots, makes an address space with
 * an addressing handler and uses it; then it touches an address that is
 * no page of its region (or, in the second round, a page of its region
 * that its own handler will not map).  libexo hands the trap to nobody,
 * the host's default action kills the child with SIGSEGV, and exod must
 * take back its frames and slots while a bystander libOS goes on as if
 * nothing happened.
 */
#define _GNU_SOURCE 1
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "harness.h"
#include "tap.h"

#define NFRAMES		256	/* -m 1M */
#define NCHILD		100
#define NPAGES		32

static struct th_exod	 exod;
static unsigned char	*base;
static struct exo_frame	 f[NCHILD];
static volatile uintptr_t wild_addr = 64;	/* nobody's page */

static int
on_fault(struct exo *e, const struct exo_trap *t, void *arg)
{
	size_t	pg = ((uintptr_t)t->addr - (uintptr_t)base) / EXO_FRAME_SIZE;

	if (pg >= NPAGES / 2)		/* the upper half: not mapped */
		return -1;
	return exo_tlb_install(e, base + pg * EXO_FRAME_SIZE, &f[pg].cap,
	    EXO_RIGHTS_ALL) == 0 ? 0 : -1;
}

/* The doomed libOS; how says where it goes wrong.  Never returns. */
static void
child(struct exo *inherited, int ready, int go, int how)
{
	struct exo_cap	 slots[2];
	struct exo	*e;
	unsigned	 got, i;
	void		*va;
	struct rlimit	 nocore = { 0, 0 };
	char		 c;

	alarm(20);
	setrlimit(RLIMIT_CORE, &nocore);
	exo_disconnect(inherited);	/* the parent's: ours is made here */
	if (exo_connect(exod.sock, "wild", &e) != 0 ||
	    exo_frame_alloc_batch(e, f, NCHILD) != 0 ||
	    exo_as_create(e, NPAGES * EXO_FRAME_SIZE, &va) != 0 ||
	    exo_pe_addressing(e, on_fault, NULL) != 0 ||
	    exo_slot_claim(e, 2, slots, &got) != 0)
		_exit(3);
	base = va;
	for (i = 0; i < NPAGES / 2; i++)
		base[i * EXO_FRAME_SIZE] = (unsigned char)i;
	if (write(ready, "r", 1) != 1 || read(go, &c, 1) != 1)
		_exit(4);
	if (how == 0)
		*(volatile int *)wild_addr = 1;	/* no region's page */
	else
		base[(NPAGES - 1) * EXO_FRAME_SIZE] = 1;	/* refused */
	_exit(0);
}

static int
slots_owned(struct exo *ctl)
{
	struct exo_slots	s;
	unsigned		i;
	int			n = 0;

	if (exo_slots(ctl, &s) != 0)
		return -1;
	for (i = 0; i < s.vec.nslots; i++)
		if (s.owner[i] != 0)
			n++;
	exo_slots_free(&s);
	return n;
}

static void
round_(struct exo *bystander, struct exo_frame *bf, int how)
{
	struct exo	*ctl;
	int		 ready[2], go[2], status;
	pid_t		 pid;
	char		 c;
	const char	*what = how ? "a page its handler refuses" :
			    "an address outside its region";

	if (pipe(ready) == -1 || pipe(go) == -1)
		sysbail("pipe");
	fflush(NULL);
	if ((pid = fork()) == -1)
		sysbail("fork");
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		child(bystander, ready[1], go[0], how);
	}
	close(ready[1]);
	close(go[0]);
	if (read(ready[0], &c, 1) != 1)
		bail("the child libOS did not get ready");
	if (exo_connect_control(exod.sock, &ctl) != 0)
		bail("control connection");
	is_int(NFRAMES - NCHILD - 1, th_frames_free(&exod), "%s: the libOS "
	    "holds %d frames", what, NCHILD);
	is_int(2, slots_owned(ctl), "and 2 slots");
	if (write(go[1], "g", 1) != 1)
		sysbail("write");
	waitpid(pid, &status, 0);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "touching %s "
	    "killed it with SIGSEGV (status 0x%x)", what, status);
	is_int(NFRAMES - 1, th_wait_frames_free(&exod, NFRAMES - 1, 10000),
	    "exod took its frames back");
	is_int(0, slots_owned(ctl), "and its slots");
	ok(th_exod_alive(&exod), "exod lives");
	ok(exo_null(bystander) == 0, "the bystander is still served");
	ok(((unsigned char *)bf->va)[100] == 0x77, "and its frame holds what "
	    "it wrote");
	exo_disconnect(ctl);
	close(ready[0]);
	close(go[1]);
}

int
main(void)
{
	struct exo		*by;
	struct exo_frame	 bf;

	plan_lazy();
	th_exod_start(&exod, "-n", "4", "-q", "5", "-m", "1M", NULL);
	by = th_connect(&exod, "bystander");
	if (exo_frame_alloc(by, &bf) != 0 ||
	    exo_frame_map(&bf, PROT_READ | PROT_WRITE) == NULL)
		bail("bystander frame");
	((unsigned char *)bf.va)[100] = 0x77;
	round_(by, &bf, 0);
	round_(by, &bf, 1);
	exo_disconnect(by);
	return 0;
}
