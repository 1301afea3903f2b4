/*
 * tap.c - a very small Test Anything Protocol producer (see tap.h).
 *
 * The shape follows C TAP Harness: plan first (or lazily at exit), one
 * "ok"/"not ok" line per test, diagnostics as "# " lines, "Bail out!" for
 * a test that cannot go on.  Everything goes to stdout, which is flushed
 * after every line because the tests fork: a child must never inherit
 * (and later repeat) buffered output.
 *
 * The state here belongs to the process that first used it (the owner).
 * A forked child may print diagnostics, but its ok() calls are not seen by
 * the owner's count, and neither the end-of-test checks nor the cleanup
 * hooks ever run in a child: a child that calls exit() must not stop the
 * parent's exod or remove its directory.
 *
 * Exit status: when every test passed and the count matches the plan, the
 * status the test itself exited with stands (normally 0).  Otherwise it is
 * the number of failures (at most 254), or 255 if the count is wrong or no
 * plan was ever given; bail() exits 255.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

#define TAP_HOOKS_MAX	16

static pid_t	 tap_owner;		/* the process whose tests these are */
static int	 tap_planned = -1;	/* tests planned; -1 none yet */
static int	 tap_lazy;		/* print the plan at exit */
static int	 tap_skipped_all;	/* "1..0 # SKIP" printed */
static int	 tap_count;		/* tests run so far */
static int	 tap_failed;		/* tests failed so far (bail counts) */
static int	 tap_bailing;		/* bail() is under way */
static int	 tap_hooks_done;	/* the cleanup hooks have run */

static void	(*tap_hooks[TAP_HOOKS_MAX])(void);
static int	 tap_nhooks;

static void	 tap_init(void);
static void	 tap_finish(void);
static void	 tap_run_hooks(void);
static void	 tap_vprint(const char *, const char *, va_list);
static void	 tap_result(int, const char *, va_list);

/* Remember the owner and arrange for tap_finish() at exit, once. */
static void
tap_init(void)
{
	if (tap_owner != 0)
		return;
	tap_owner = getpid();
	if (atexit(tap_finish) != 0) {
		printf("Bail out! cannot register the exit handler\n");
		fflush(stdout);
		_exit(255);
	}
}

/* Run the cleanup hooks, newest first, once, and only in the owner. */
static void
tap_run_hooks(void)
{
	if (tap_hooks_done || getpid() != tap_owner)
		return;
	tap_hooks_done = 1;
	while (tap_nhooks > 0)
		tap_hooks[--tap_nhooks]();
	fflush(stdout);
}

/* The end of the test: cleanup, the lazy plan, the verdict. */
static void
tap_finish(void)
{
	int status = 0;

	if (getpid() != tap_owner || tap_bailing)
		return;
	fflush(stdout);
	tap_run_hooks();
	if (tap_skipped_all)
		return;

	if (tap_planned < 0 && tap_lazy) {
		printf("1..%d\n", tap_count);
		tap_planned = tap_count;
	}
	if (tap_planned < 0) {
		printf("# no plan was given; %d tests ran\n", tap_count);
		status = 255;
	} else if (tap_planned != tap_count) {
		printf("# Looks like you planned %d test%s but ran %d.\n",
		    tap_planned, tap_planned == 1 ? "" : "s", tap_count);
		status = 255;
	}
	if (tap_failed > 0) {
		printf("# Looks like you failed %d test%s of %d.\n",
		    tap_failed, tap_failed == 1 ? "" : "s", tap_count);
		if (status == 0)
			status = tap_failed > 254 ? 254 : tap_failed;
	}
	fflush(NULL);
	if (status != 0)
		_exit(status);
}

void
plan(int n)
{
	tap_init();
	if (tap_planned >= 0 || tap_lazy)
		bail("plan() called twice");
	if (n < 1)
		bail("plan(%d): at least one test", n);
	tap_planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

void
plan_lazy(void)
{
	tap_init();
	if (tap_planned >= 0 || tap_lazy)
		bail("plan_lazy() called after a plan");
	tap_lazy = 1;
}

void
skip_all(const char *fmt, ...)
{
	va_list ap;

	tap_init();
	fflush(stdout);
	if (tap_planned >= 0 || tap_count > 0)
		bail("skip_all() after a plan or a test");
	tap_skipped_all = 1;
	tap_planned = 0;
	printf("1..0 # SKIP ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(0);
}

/* Print one result line: "ok N - description" or "not ok N - ...". */
static void
tap_result(int pass, const char *fmt, va_list ap)
{
	tap_init();
	fflush(stdout);
	tap_count++;
	if (!pass)
		tap_failed++;
	printf("%sok %d", pass ? "" : "not ", tap_count);
	if (fmt != NULL && *fmt != '\0') {
		printf(" - ");
		vprintf(fmt, ap);
	}
	printf("\n");
	fflush(stdout);
}

int
ok(int pass, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_result(pass, fmt, ap);
	va_end(ap);
	return pass;
}

int
is_int(long long wanted, long long seen, const char *fmt, ...)
{
	va_list ap;
	int pass = wanted == seen;

	va_start(ap, fmt);
	tap_result(pass, fmt, ap);
	va_end(ap);
	if (!pass)
		diag("wanted: %lld\n  seen: %lld", wanted, seen);
	return pass;
}

int
is_string(const char *wanted, const char *seen, const char *fmt, ...)
{
	va_list ap;
	int pass;

	if (wanted == NULL || seen == NULL)
		pass = wanted == seen;
	else
		pass = strcmp(wanted, seen) == 0;
	va_start(ap, fmt);
	tap_result(pass, fmt, ap);
	va_end(ap);
	if (!pass)
		diag("wanted: %s%s%s\n  seen: %s%s%s",
		    wanted ? "\"" : "", wanted ? wanted : "(null)",
		    wanted ? "\"" : "",
		    seen ? "\"" : "", seen ? seen : "(null)",
		    seen ? "\"" : "");
	return pass;
}

void
skip(const char *fmt, ...)
{
	va_list ap;

	tap_init();
	fflush(stdout);
	tap_count++;
	printf("ok %d # skip", tap_count);
	if (fmt != NULL && *fmt != '\0') {
		printf(" ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	printf("\n");
	fflush(stdout);
}

/*
 * Format a message and print it: the first line after prefix, every
 * further line as a diagnostic, so that no line breaks the TAP stream.
 */
static void
tap_vprint(const char *prefix, const char *fmt, va_list ap)
{
	char buf[4096], *line, *nl;

	vsnprintf(buf, sizeof buf, fmt, ap);
	fflush(stdout);
	for (line = buf;; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl != NULL)
			*nl = '\0';
		printf("%s%s\n", line == buf ? prefix : "# ", line);
		if (nl == NULL || nl[1] == '\0')
			break;
	}
	fflush(stdout);
}

void
diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vprint("# ", fmt, ap);
	va_end(ap);
}

void
bail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	tap_vprint("Bail out! ", fmt, ap);
	va_end(ap);
	if (tap_bailing || getpid() != tap_owner) {
		/* Bail from a hook, or in a forked child: no cleanup here. */
		fflush(NULL);
		_exit(255);
	}
	tap_bailing = 1;
	tap_failed++;
	tap_run_hooks();
	fflush(NULL);
	exit(255);
}

void
sysbail(const char *fmt, ...)
{
	va_list ap;
	char buf[4096];
	int saved = errno;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	bail("%s: %s", buf, strerror(saved));
}

int
tap_failures(void)
{
	return tap_failed;
}

void
tap_atexit(void (*fn)(void))
{
	tap_init();
	if (tap_nhooks >= TAP_HOOKS_MAX)
		bail("tap_atexit: more than %d hooks", TAP_HOOKS_MAX);
	tap_hooks[tap_nhooks++] = fn;
}
