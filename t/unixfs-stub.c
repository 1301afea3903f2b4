/*
 * unixfs-stub.c - the three process hooks the file system calls
 * (bdev.h), for the tests and tools that run it with no kernel: there
 * is never a current process, so every wait is done in place.
 */
#include <stdlib.h>

#include "bdev.h"

struct proc *
proc_current(void)
{
	return (NULL);
}

void
proc_sleep(void *chan)
{
	(void)chan;
	abort();	/* no process can sleep: the FS never asks then */
}

void
proc_wakeup(void *chan)
{
	(void)chan;
}

void
proc_sleep_unless(void *chan, const volatile int *cond)
{
	(void)chan;
	(void)cond;
	abort();	/* no process: every wait is done in place */
}
