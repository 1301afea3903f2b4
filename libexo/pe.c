/*
 * pe.c - the processor environment: the entry points a libOS registers.
 *
 *	exception	faults in its own code: SIGSEGV, SIGBUS, SIGFPE, SIGILL
 *	interrupt	end of quantum (timer) and events
 *	protected	calls from other libOSes (exo_call)
 *	addressing	page faults in its address space (the memory layer)
 *
 * libexo fields the host signals and dispatches them; exod is told which
 * entry points exist (ENTRY_SET) so that, for one, a call to a libOS with
 * no protected entry fails at once.  Traps run on an alternate stack.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include "libexo-int.h"

static const int pe_trap_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL };
static int	 pe_traps_on;
static void	*volatile pe_altstack; /* the alternate stack, kept for life */

/* Tell exod which entry points this libOS has. */
int
exo_pe_sync(struct exo *e)
{
	struct exo_entry_set	req;

	memset(&req, 0, sizeof req);
	if (e->pe_exception != NULL)
		req.entries |= EXO_ENTRY_EXCEPTION;
	if (e->pe_interrupt != NULL)
		req.entries |= EXO_ENTRY_INTERRUPT;
	if (e->pe_protected != NULL)
		req.entries |= EXO_ENTRY_PROTECTED;
	if (e->pe_addressing != NULL)
		req.entries |= EXO_ENTRY_ADDRESSING;
	return (exo_request(e, EXO_MSG_ENTRY_SET, &req, sizeof req, NULL, 0,
	    NULL, NULL, 0, NULL));
}

static int
pe_write_access(int signo, const void *uctx)
{
#if defined(__x86_64__)
	const ucontext_t	*uc = uctx;

	if (signo == SIGSEGV)	/* page-fault error code: bit 1 is write */
		return ((uc->uc_mcontext.gregs[REG_ERR] & 2) != 0);
#endif
	return (-1);
}

/* A trap: the memory layer first, then addressing, then exception. */
static void
pe_trap(int signo, siginfo_t *si, void *uctx)
{
	struct exo	*e = exo_self;
	struct exo_trap	 t;
	int		 saved = errno;

	t.signo = signo;
	t.code = si->si_code;
	t.addr = si->si_addr;
	t.write = pe_write_access(signo, uctx);
	t.uctx = uctx;
	if (e != NULL) {
		if (e->trap_hook != NULL && e->trap_hook(e, &t) == 0)
			goto resume;
		if (e->pe_exception != NULL &&
		    e->pe_exception(e, &t, e->pe_exception_arg) == 0)
			goto resume;
	}
	/*
	 * Unhandled: the host's default action.  A fault comes again when
	 * the instruction is retried; a signal someone sent is raised anew.
	 */
	signal(signo, SIG_DFL);
	if (si->si_code <= 0)
		raise(signo);
resume:
	errno = saved;
}

static int
pe_traps(void)
{
	struct sigaction	 sa;
	stack_t			 ss;
	size_t			 i;

	if (pe_traps_on)
		return (0);
	/*
	 * The interrupt entry may make requests (exo_revoke(3) says it
	 * may): the upcall drain's buffer and a request's, EXO_MSG_MAX each,
	 * on top of the handler's own frames, did not fit in 64 KiB.
	 */
	ss.ss_size = 256 * 1024;
	ss.ss_flags = 0;
	if ((ss.ss_sp = malloc(ss.ss_size)) == NULL)
		return (-EXO_ESYS);
	if (sigaltstack(&ss, NULL) == -1) {
		free(ss.ss_sp);
		return (-EXO_ESYS);
	}
	pe_altstack = ss.ss_sp;		/* for good: the kernel holds it */
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = pe_trap;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, EXO_SIG_UPCALL);
	sigaddset(&sa.sa_mask, SIGCONT);	/* the TLB reload waits */
	for (i = 0; i < sizeof pe_trap_signals / sizeof pe_trap_signals[0];
	    i++)
		if (sigaction(pe_trap_signals[i], &sa, NULL) == -1)
			return (-EXO_ESYS);
	pe_traps_on = 1;
	return (0);
}

/* Traps go to libexo from now on (the memory layer needs them too). */
int
exo_pe_traps(void)
{
	return (pe_traps());
}

/* SIGCONT: exod switched us in; the memory layer reloads its TLB. */
static void
pe_cont(int sig, siginfo_t *si, void *uctx)
{
	struct exo	*e = exo_self;
	int		 saved = errno;

	if (e != NULL && e->switch_in != NULL)
		e->switch_in(e);
	errno = saved;
}

int
exo_pe_init(struct exo *e)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = pe_cont;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, EXO_SIG_UPCALL);
	return (sigaction(SIGCONT, &sa, NULL) == -1 ? -EXO_ESYS : 0);
}

static int
pe_check(struct exo *e)
{
	if (exo_control(e))
		return (-EXO_EPERM);	/* the one rule: libexo(3) */
	if (e == NULL || e->chan_fd == -1)
		return (-EXO_EINVAL);
	if (exo_self != e)
		return (-EXO_ESTATE);	/* only the process's libOS */
	return (0);
}

int
exo_pe_exception(struct exo *e, exo_exception_fn fn, void *arg)
{
	int	error;

	if ((error = pe_check(e)) != 0 || (error = pe_traps()) != 0)
		return (error);
	e->pe_exception = fn;
	e->pe_exception_arg = arg;
	return (exo_pe_sync(e));
}

int
exo_pe_interrupt(struct exo *e, exo_interrupt_fn fn, void *arg)
{
	int	error;

	if ((error = pe_check(e)) != 0)
		return (error);
	e->pe_interrupt = fn;
	e->pe_interrupt_arg = arg;
	return (exo_pe_sync(e));
}

int
exo_pe_protected(struct exo *e, exo_entry_fn fn, void *arg)
{
	int	error;

	if ((error = pe_check(e)) != 0)
		return (error);
	e->pe_protected = fn;
	e->pe_protected_arg = arg;
	return (exo_pe_sync(e));
}

int
exo_pe_addressing(struct exo *e, exo_addressing_fn fn, void *arg)
{
	int	error;

	if ((error = pe_check(e)) != 0 || (error = pe_traps()) != 0)
		return (error);
	e->pe_addressing = fn;
	e->pe_addressing_arg = arg;
	return (exo_pe_sync(e));
}
