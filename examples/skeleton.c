/*
 * skeleton.c - a complete, minimal library operating system for exo.
 *
 * It does, in order, what every libOS does, each with the call that does
 * it and what that call costs:
 *
 *  1. connect to exod                        exo_connect(3)
 *  2. bind page frames                       exo_frame_alloc_batch(3)
 *  3. make an address space and take its
 *     page faults, mapping frames on demand  exo_as_create(3),
 *                                            exo_pe_addressing(3),
 *                                            exo_tlb_install(3)
 *  4. take a slot of the CPU and field the
 *     end-of-quantum upcall                  exo_slot_claim(3),
 *                                            exo_pe_interrupt(3)
 *  5. bind a disk block, write a frame to it,
 *     read it back into another              exo_block_alloc(3),
 *                                            exo_disk_write(3),
 *                                            exo_disk_read(3)
 *  6. give everything back and leave         exo_disconnect(3)
 *
 * Build it with the Makefile beside it (pkg-config finds libexo) and run
 * it while exod runs; it finds exod's socket as exo_socket_path(3) says
 * ($EXOD_SOCKET, else the default), or takes it as its one argument.
 * It prints what it did and exits 0, or says what failed and exits 1.
 *
 * Like the rest of exo it is under the ISC license (LICENSE); copy it
 * and make it yours.
 */
#include <err.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <exo.h>

#define NFRAMES	4			/* frames bound in step 2 */

/*
 * What the handlers share with the program.  They run in signal context
 * (libexo calls them from its SIGSEGV and doorbell handlers), so they
 * only touch this, and the program reads it.
 */
static struct exo_frame		 frames[NFRAMES];
static char			*region;	/* the address space */
static volatile sig_atomic_t	 faults;	/* page faults taken */
static volatile sig_atomic_t	 quanta;	/* end-of-quantum upcalls */
static volatile sig_atomic_t	 disk_done;	/* a disk completion came */
static volatile int		 disk_status;	/* its status, 0 or -EXO_E* */

/* Leave with the library's words for an error. */
static void __attribute__((noreturn))
die(const char *what, int error)
{
	errx(1, "%s: %s", what, exo_strerror(error));
}

/*
 * The addressing-context handler: a load or store to a page of the region
 * that the TLB does not map.  The policy is this libOS's own; here page i
 * of the region is frame i, read-write.  Returning 0 retries the access;
 * anything else lets the fault kill the process.
 */
static int
on_fault(struct exo *e, const struct exo_trap *t, void *arg)
{
	size_t	i = (size_t)((char *)t->addr - region) / EXO_FRAME_SIZE;

	(void)arg;			/* exo_pe_addressing's argument */
	if (i >= NFRAMES)
		return (-1);		/* not ours to map: a real fault */
	faults++;
	return (exo_tlb_install(e, region + i * EXO_FRAME_SIZE,
	    &frames[i].cap, EXO_RIGHT_READ | EXO_RIGHT_WRITE) == 0 ? 0 : -1);
}

/*
 * The interrupt handler.  EXO_INTR_TIMER is the end of this libOS's
 * quantum: it has until deadline_ns to save what it must (nothing, here);
 * returning 0 has libexo acknowledge at once, and exod then stops the
 * process until its next slot.  EXO_INTR_DISK is a completion.
 */
static int
on_interrupt(struct exo *e, const struct exo_intr *in, void *arg)
{
	(void)e;
	(void)arg;
	switch (in->kind) {
	case EXO_INTR_TIMER:
		quanta++;
		break;
	case EXO_INTR_DISK:
		disk_status = in->status;
		disk_done = 1;
		break;
	}
	return (0);
}

/* CLOCK_MONOTONIC in milliseconds. */
static long long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* Step 5: one disk request, waited for until it completes. */
static void
disk_io(struct exo *e, int write, const struct exo_cap *block,
    const struct exo_cap *frame)
{
	int	error;

	disk_done = 0;
	error = write ? exo_disk_write(e, 1, block, frame, 1) :
	    exo_disk_read(e, 2, block, frame, 1);
	if (error != 0)
		die(write ? "exo_disk_write" : "exo_disk_read", error);
	/* exod does the DMA and raises EXO_INTR_DISK; sleep until then. */
	while (!disk_done)
		if ((error = exo_wait(e)) < 0)
			die("exo_wait", error);
	if (disk_status != 0)
		die(write ? "disk write" : "disk read", disk_status);
}

int
main(int argc, char **argv)
{
	struct exo	*e;
	struct exo_cap	 slot, block;
	void		*va;
	unsigned	 nslots;
	long long	 until;
	int		 error;

	if (argc > 2) {
		fprintf(stderr, "usage: skeleton [socket]\n");
		return (2);
	}

	/* 1. Connect.  exod learns who we are from the kernel, not from
	 * us; the name is only what exoctl status shows. */
	if ((error = exo_connect(argc == 2 ? argv[1] : NULL, "skeleton",
	    &e)) != 0)
		die("exo_connect", error);
	printf("connected as libOS %u; exod has %u frames\n",
	    exo_libos_id(e), exo_frames_total(e));

	/* 2. Frames: one round trip binds them all, each with its
	 * capability and a descriptor that maps exactly that frame. */
	if ((error = exo_frame_alloc_batch(e, frames, NFRAMES)) != 0)
		die("exo_frame_alloc_batch", error);

	/* 3. The address space: a region where nothing is mapped until
	 * the TLB says so.  The first touch of each page faults into
	 * on_fault, which installs the translation; later touches run at
	 * memory speed, without exod. */
	if ((error = exo_pe_interrupt(e, on_interrupt, NULL)) != 0)
		die("exo_pe_interrupt", error);
	if ((error = exo_as_create(e, NFRAMES * EXO_FRAME_SIZE, &va)) != 0)
		die("exo_as_create", error);
	region = va;
	if ((error = exo_pe_addressing(e, on_fault, NULL)) != 0)
		die("exo_pe_addressing", error);
	strcpy(region, "hello, exokernel");		/* page 0: faults */
	memset(region + EXO_FRAME_SIZE, 0, 32);		/* page 1: faults */
	strcpy(region, "hello, exokernel");		/* mapped: no fault */
	/* The faults happen inside those stores; without a fence the
	 * compiler may read faults before it makes them. */
	atomic_signal_fence(memory_order_seq_cst);
	printf("address space: %d page faults, each fielded by the libOS\n",
	    (int)faults);

	/* 4. The CPU: one slot of exod's vector.  From now on the process
	 * runs only in that slot; at the end of each of its quanta the
	 * timer upcall comes, and exod stops it until the slot comes
	 * round again.  Spin (a real libOS would schedule its own work)
	 * through a few quanta. */
	if ((error = exo_slot_claim(e, 1, &slot, &nslots)) != 0)
		die("exo_slot_claim", error);
	until = now_ms() + 20000;
	while (quanta < 3 && now_ms() < until)
		continue;
	if (quanta < 3)
		errx(1, "no end-of-quantum upcall in 20 s");
	printf("CPU: %d end-of-quantum upcalls in slot %u\n", (int)quanta,
	    (unsigned)slot.id);
	if ((error = exo_slot_release(e, &slot, 1)) != 0)
		die("exo_slot_release", error);

	/* 5. The disk: bind a block, write frame 0 (what we stored through
	 * the region) to it, and read it back into frame 1 (region page 1).
	 * exod moves the data between block and frames itself. */
	if ((error = exo_block_alloc(e, &block, 1)) != 0)
		die("exo_block_alloc", error);
	disk_io(e, 1, &block, &frames[0].cap);
	if ((error = exo_disk_flush(e)) != 0)	/* durable from here on */
		die("exo_disk_flush", error);
	disk_io(e, 0, &block, &frames[1].cap);
	if (strcmp(region + EXO_FRAME_SIZE, "hello, exokernel") != 0)
		errx(1, "the block read back differs");
	printf("disk: block %u written, flushed and read back: \"%s\"\n",
	    (unsigned)block.id, region + EXO_FRAME_SIZE);

	/* 6. Leave cleanly: give back what we bound (exod would take it
	 * back at disconnection anyway, and wipe it before anyone else
	 * gets it). */
	if ((error = exo_block_free(e, &block, 1)) != 0)
		die("exo_block_free", error);
	if ((error = exo_as_destroy(e)) != 0)
		die("exo_as_destroy", error);
	if ((error = exo_frame_free_batch(e, frames, NFRAMES)) != 0)
		die("exo_frame_free_batch", error);
	exo_disconnect(e);
	printf("done: everything given back\n");
	return (0);
}
