/*
 * vmstat - libos-unix's memory: pages resident, swapped and shared,
 * faults, page-ins and page-outs, from vmstat(2) (kernel/vmstat.h).
 *
 *	vmstat [pid ...]
 *
 * The first line is the whole libOS's, with its -M limit, the frames it
 * holds and the swap blocks it has bound; then one line for each pid
 * named, or for every process when none is.
 */
#include "kernel/types.h"
#include "kernel/procinfo.h"
#include "kernel/vmstat.h"
#include "user/user.h"

static int
vmstat_proc(int pid, const char *name)
{
	struct vmstat	vs;

	if (vmstat(pid, &vs) != 0) {
		fprintf(2, "vmstat: %d: no such process\n", pid);
		return (1);
	}
	printf("%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", pid, (int)vs.resident,
	    (int)vs.swapped, (int)vs.shared, (int)vs.faults,
	    (int)vs.pageins, (int)vs.pageouts, name);
	return (0);
}

int
main(int argc, char *argv[])
{
	struct vmstat	vs;
	struct procinfo	pi;
	int		i, r, bad = 0;

	if (argc > 1 && argv[1][0] == '-') {
		fprintf(2, "usage: vmstat [pid ...]\n");
		exit(2);
	}
	if (vmstat(0, &vs) != 0) {
		fprintf(2, "vmstat: vmstat failed\n");
		exit(1);
	}
	printf("all: resident=%d swapped=%d shared=%d faults=%d pageins=%d "
	    "pageouts=%d reclaims=%d limit=%d held=%d peak=%d slots=%d "
	    "used=%d revoked=%d lost=%d oom=%d pinned=%d\n", (int)vs.resident,
	    (int)vs.swapped,
	    (int)vs.shared, (int)vs.faults, (int)vs.pageins,
	    (int)vs.pageouts, (int)vs.reclaims, (int)vs.limit, (int)vs.held,
	    (int)vs.peak,
	    (int)vs.slots, (int)vs.slots_used, (int)vs.revoked, (int)vs.lost,
	    (int)vs.oom, (int)vs.pinned);
	printf("PID\tRES\tSWAP\tSHR\tFAULTS\tPGIN\tPGOUT\tNAME\n");
	if (argc > 1) {
		for (i = 1; i < argc; i++)
			bad |= vmstat_proc(atoi(argv[i]), "");
		exit(bad);
	}
	for (i = 0; (r = procinfo(i, &pi)) >= 0; i++)
		if (r == 1 && pi.state != PROC_ZOMBIE)
			(void)vmstat_proc(pi.pid, pi.name);
	exit(0);
}
