/*
 * log.c - logging.  In the foreground exod writes to stderr; as a daemon
 * it writes to syslog.  Errors are logged, never silently dropped.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "exod.h"

static int	log_foreground = 1;	/* stderr, not syslog */
static int	log_verbose;		/* LOG_DEBUG shown when > 0 */

static void log_vwrite(int, const char *, va_list)
    __attribute__((format(printf, 2, 0)));

void
log_init(int foreground, int verbose)
{
	log_foreground = foreground;
	log_verbose = verbose;
	if (!foreground)
		openlog("exod", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static void
log_vwrite(int pri, const char *fmt, va_list ap)
{
	if (pri == LOG_DEBUG && log_verbose == 0)
		return;
	if (log_foreground) {
		fputs("exod: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		fflush(stderr);
	} else
		vsyslog(pri, fmt, ap);
}

/* The message, then ": " and strerror(errno). */
static void
log_verrno(int pri, const char *fmt, va_list ap)
{
	char	buf[512];
	int	saved = errno;

	vsnprintf(buf, sizeof buf, fmt, ap);
	if (log_foreground)
		fprintf(stderr, "exod: %s: %s\n", buf, strerror(saved));
	else
		syslog(pri, "%s: %s", buf, strerror(saved));
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_verrno(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_verrno(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}

/*
 * Rate limiting for what a flood could repeat (refusals, descriptor
 * exhaustion): returns how many messages this one stands for (it and
 * those suppressed before it) when it may be logged now, 0 when not.
 */
uint64_t
log_limit(struct log_limit *l, uint64_t interval_ns)
{
	struct timespec	ts;
	uint64_t	now, n;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	if (l->last_ns != 0 && now - l->last_ns < interval_ns) {
		l->suppressed++;
		return (0);
	}
	n = l->suppressed + 1;
	l->last_ns = now;
	l->suppressed = 0;
	return (n);
}
