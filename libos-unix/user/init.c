/*
 * init - the first process: runs sh on the console, again and again.
 *
 * libos-unix starts init with the console as descriptors 0, 1 and 2; if
 * they are not open, init opens "console" itself, as xv6's init does.
 * It reaps every orphan handed to it.  When sh ends at the end of the
 * console's input (exit status 0) there is no one left to serve and init
 * exits with status 0, which ends libos-unix; when sh dies or fails, init
 * starts a new one.
 */
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "user/user.h"

static char	*init_argv[] = { "sh", 0 };

/* Make descriptors 0, 1 and 2 the console, unless they already are open. */
static void
init_console(void)
{
	struct stat	st;

	if (fstat(0, &st) == 0)
		return;
	if (open("console", O_RDWR) < 0) {
		mknod("console", 1, 0);
		if (open("console", O_RDWR) < 0)
			exit(1);	/* nowhere to say it */
	}
	dup(0);
	dup(0);
}

int
main(void)
{
	int	pid, w, status;

	init_console();
	for (;;) {
		if ((pid = fork()) < 0) {
			fprintf(2, "init: fork failed\n");
			exit(1);
		}
		if (pid == 0) {
			exec("sh", init_argv);
			fprintf(2, "init: exec sh failed\n");
			exit(1);
		}
		while ((w = wait(&status)) >= 0 && w != pid)
			;		/* an orphan: reaped */
		if (w == pid && status == 0)
			exit(0);
		fprintf(2, "init: sh ended (status %d), starting another\n",
		    status);
		sleep(10);		/* a sh that cannot start cannot
					   make init spin */
	}
}
