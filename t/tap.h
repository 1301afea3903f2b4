/*
 * tap.h - a very small Test Anything Protocol producer for exo's tests.
 * Output goes to stdout; diagnostics to stdout prefixed with "# ".
 */
#ifndef TAP_H
#define TAP_H

#include <stdarg.h>

void	plan(int);			/* "1..n"; call once, first */
void	plan_lazy(void);		/* print "1..n" at exit instead */
void	skip_all(const char *, ...);	/* "1..0 # SKIP why", exit 0 */
int	ok(int, const char *, ...);	/* returns its condition */
int	is_int(long long, long long, const char *, ...);
int	is_string(const char *, const char *, const char *, ...);
void	skip(const char *, ...);	/* one "ok n # skip" */
void	diag(const char *, ...);
void	bail(const char *, ...);	/* "Bail out!", cleanup, exit 255 */
void	sysbail(const char *, ...);	/* bail with strerror(errno) */
int	tap_failures(void);
void	tap_atexit(void (*)(void));	/* run at exit and on bail */

#endif /* TAP_H */
