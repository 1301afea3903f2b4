/*
 * call-deadline.c - a protected call whose callee never answers fails
 * with EXO_ETIMEDOUT at the deadline (exod -c), and nothing is left
 * behind: exod serves on, the callee can be called no more than it can
 * answer, and the caller's next call, elsewhere, works.
 */
#include <sys/wait.h>

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "tap.h"

static struct th_exod	d;

/* A protected entry that never returns. */
static int
stuck_entry(struct exo *e, uint32_t caller, const void *req, size_t len,
    void *reply, size_t *rlen, void *arg)
{
	for (;;)
		pause();
	return (0);
}

/* An entry that answers "pong". */
static int
pong_entry(struct exo *e, uint32_t caller, const void *req, size_t len,
    void *reply, size_t *rlen, void *arg)
{
	memcpy(reply, "pong", 4);
	*rlen = 4;
	return (0);
}

/* A callee in a child process; its libOS id comes back through a pipe. */
static pid_t
callee(const char *name, exo_entry_fn fn, uint32_t *id)
{
	struct exo	*e;
	uint32_t	 me;
	int		 p[2];
	pid_t		 pid;

	if (pipe(p) == -1)
		sysbail("pipe");
	if ((pid = fork()) == -1)
		sysbail("fork");
	if (pid == 0) {
		close(p[0]);
		if (exo_connect(d.sock, name, &e) != 0 ||
		    exo_pe_protected(e, fn, NULL) != 0)
			_exit(90);
		me = exo_libos_id(e);
		if (write(p[1], &me, sizeof me) != sizeof me)
			_exit(91);
		for (;;)
			if (exo_wait(e) < 0)
				pause();
	}
	close(p[1]);
	if (read(p[0], id, sizeof *id) != sizeof *id)
		bail("callee %s did not start", name);
	close(p[0]);
	return (pid);
}

int
main(void)
{
	struct exo	*e;
	char		 answer[64];
	size_t		 alen;
	uint32_t	 stuck_id, echo_id;
	pid_t		 stuck, echo;
	int		 rc, i;

	plan(6);
	th_exod_start(&d, "-q", "10", "-c", "200", (char *)NULL);
	stuck = callee("stuck", stuck_entry, &stuck_id);
	echo = callee("echo", pong_entry, &echo_id);
	e = th_connect(&d, "caller");

	rc = exo_call(e, stuck_id, "ping", 4, answer, sizeof answer, &alen);
	is_int(-EXO_ETIMEDOUT, rc, "a callee that never answers: the call "
	    "fails with EXO_ETIMEDOUT at the deadline");
	is_int(0, exo_null(e), "the caller's connection is still served");
	rc = exo_call(e, echo_id, "ping", 4, answer, sizeof answer, &alen);
	ok(rc == 0 && alen == 4 && memcmp(answer, "pong", 4) == 0,
	    "the caller's next call, to another libOS, is answered (rc %d)",
	    rc);
	rc = exo_call(e, stuck_id, "ping", 4, answer, sizeof answer, &alen);
	ok(rc == -EXO_ETIMEDOUT || rc == -EXO_EBUSYTARGET,
	    "the stuck callee, still inside its entry, takes no answerable "
	    "call (rc %d)", rc);
	kill(stuck, SIGKILL);
	waitpid(stuck, NULL, 0);
	/* exod learns of the death through the pidfd: poll for it. */
	for (i = 0; i < 250; i++) {
		rc = exo_call(e, stuck_id, "ping", 4, answer, sizeof answer,
		    &alen);
		if (rc == -EXO_ENOLIBOS)
			break;
		usleep(20000);
	}
	is_int(-EXO_ENOLIBOS, rc, "once it is gone: EXO_ENOLIBOS");
	ok(th_exod_alive(&d), "exod is alive");
	kill(echo, SIGKILL);
	waitpid(echo, NULL, 0);
	exo_disconnect(e);
	return (0);
}
