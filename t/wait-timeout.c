/*
 * wait-timeout.t - a libOS that waits with a deadline is woken at the
 * deadline even when nothing is queued for it, whether it holds slots
 * (exod stops it while it waits and must let it run again) or not.
 *
 * exod -n 4 -q 20.  t/libos-cpu -c 1 -w -d 600 holds a slot and waits for
 * events that never come: while it waits it is stopped (/proc says T) and
 * exod reports it waiting; it must still exit on its own once -d is over,
 * not before.  (Before timed waits it stayed stopped for ever.)  A libOS
 * with no slots gets 0 from exo_wait_until at its deadline, never before
 * it; an event that is queued wins over the deadline (the count is 1, not
 * 0); a deadline in the past returns 0 at once.  On the channel, raw: a
 * WAIT with a payload of a wrong length is dropped (the libOS is not
 * marked waiting); one with a deadline far ahead marks it waiting; one
 * with a deadline 100 ms ahead stops marking it once that has passed.
 *
 * Times are only compared with the deadlines they must not come before;
 * "in time" means within a generous watchdog.
 */
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "cpuhelp.h"
#include "harness.h"
#include "tap.h"

#define WAIT_MS		600
#define WATCHDOG_MS	30000

static struct th_exod	d;

/* Is libOS id marked waiting in STATUS?  1, 0, or -1 if not listed. */
static int
is_waiting(uint32_t id)
{
	struct exo_status_peer	sp;

	if (ch_status_of(d.sock, id, &sp) != 1)
		return (-1);
	return ((sp.state & EXO_PEER_WAITING) != 0);
}

/* A WAIT on a raw channel with len bytes of payload. */
static int
raw_wait(int chan, const void *payload, size_t len)
{
	return (ch_raw_request(chan, EXO_UPCALL_WAIT, 0, payload, len));
}

static void
test_slot_holder(void)
{
	struct lc	c;
	uint64_t	t0, t1;
	int		st, waiting = -1, stopped;

	t0 = ch_now();
	lc_spawn(&c, d.sock, "-n", "waiter", "-c", "1", "-w", "-d", "600",
	    NULL);
	ok(lc_claimed(&c, 10000), "the waiter claimed a slot");
	/* It waits: exod stops it and passes over its slot. */
	stopped = ch_wait_stopped(c.pid, 1, WAIT_MS / 2);
	if (c.libos != 0)
		waiting = is_waiting(c.libos);
	ok(stopped, "while it waits with nothing queued it is stopped");
	is_int(1, waiting, "exod reports it waiting");
	st = lc_finish(&c, WATCHDOG_MS);
	t1 = ch_now();
	ok(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "it exits on its own once -d is over (wait status %d)", st);
	ok(t1 - t0 >= WAIT_MS * CH_MS, "not before its deadline (%llu ms)",
	    (unsigned long long)((t1 - t0) / CH_MS));
	ok(strstr(c.last, "libos=") == c.last, "and says goodbye: %s",
	    c.last);
}

static void
test_free_libos(void)
{
	struct exo	*e = th_connect(&d, "free");
	uint32_t	 id = exo_libos_id(e);
	uint64_t	 t0, t1;
	pid_t		 pid;
	int		 n, st;

	t0 = ch_now();
	n = exo_wait_until(e, t0 + 200 * CH_MS);
	t1 = ch_now();
	is_int(0, n, "a libOS with no slots: exo_wait_until returns 0 at "
	    "its deadline");
	ok(t1 >= t0 + 200 * CH_MS, "and not before it (%llu ms)",
	    (unsigned long long)((t1 - t0) / CH_MS));
	is_int(0, exo_wait_until(e, ch_now() - CH_MS),
	    "a deadline in the past: 0");
	/* Another libOS sends it an event while it waits. */
	if ((pid = ch_fork()) == 0) {
		struct exo	*s;

		th_sleep_ms(100);
		if (exo_connect(d.sock, "sender", &s) != 0)
			_exit(1);
		_exit(exo_event_send(s, id, 7) == 0 ? 0 : 2);
	}
	n = exo_wait_until(e, ch_now() + WATCHDOG_MS * CH_MS);
	is_int(1, n, "an event that comes wins over the deadline: one upcall "
	    "ran");
	st = ch_reap(pid, WATCHDOG_MS);
	ok(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "the sender sent it (wait status %d)", st);
	exo_disconnect(e);
}

static void
test_raw_channel(void)
{
	struct exo_wait	w;
	uint32_t	id, bad = 0;
	int		fd, fds[3], i, k;

	signal(EXO_SIG_UPCALL, SIG_IGN);
	fd = th_raw_connect(&d);
	if (ch_raw_hello(fd, "raw", &id, fds) != 0)
		bail("raw HELLO failed");
	ok(raw_wait(fds[0], &bad, sizeof bad) == 0,
	    "a WAIT with a 4-byte payload sent");
	th_sleep_ms(200);
	is_int(0, is_waiting(id), "it is dropped: the libOS is not waiting");
	w.deadline_ns = ch_now() + 3600ULL * 1000 * CH_MS;
	ok(raw_wait(fds[0], &w, sizeof w) == 0, "a WAIT an hour long");
	for (i = 0, k = -1; i < 100 && (k = is_waiting(id)) != 1; i++)
		th_sleep_ms(10);
	is_int(1, k, "the libOS is waiting");
	w.deadline_ns = ch_now() + 100 * CH_MS;
	ok(raw_wait(fds[0], &w, sizeof w) == 0, "a WAIT of 100 ms replaces it");
	th_sleep_ms(300);
	is_int(0, is_waiting(id), "after its deadline it no longer waits");
	for (i = 0; i < 3; i++)
		close(fds[i]);
	close(fd);
}

int
main(void)
{
	plan(17);
	th_exod_start(&d, "-n", "4", "-q", "20", NULL);
	test_slot_holder();
	test_free_libos();
	test_raw_channel();
	return (tap_failures() != 0);
}
