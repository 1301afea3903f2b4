/*
 * ps - list the processes of libos-unix.
 *
 * One line each: pid, parent's pid, state, user memory in KiB and the
 * name of the program, from procinfo(2) (kernel/procinfo.h).
 */
#include "kernel/types.h"
#include "kernel/procinfo.h"
#include "user/user.h"

static const char *
ps_state(int state)
{
	static const char	*names[] = {
		"unused", "used", "sleep", "runble", "run", "zombie"
	};

	if (state < 0 || state > PROC_ZOMBIE)
		return "???";
	return names[state];
}

int
main(int argc, char *argv[])
{
	struct procinfo	pi;
	int		slot, r;

	if (argc != 1) {
		fprintf(2, "usage: ps\n");
		exit(2);
	}
	printf("PID\tPPID\tSTATE\tKIB\tNAME\n");
	for (slot = 0; (r = procinfo(slot, &pi)) >= 0; slot++) {
		if (r == 0)
			continue;
		pi.name[PROCINFO_NAME - 1] = '\0';
		printf("%d\t%d\t%s%s\t%d\t%s\n", pi.pid, pi.ppid,
		    ps_state(pi.state), pi.killed ? "+k" : "",
		    (int)(pi.size / 1024), pi.name);
	}
	if (slot == 0) {
		fprintf(2, "ps: procinfo failed\n");
		exit(1);
	}
	exit(0);
}
