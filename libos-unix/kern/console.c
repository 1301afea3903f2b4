/*
 * console.c - the console: the libOS process's own standard input and
 * output.
 *
 * Output is written to the host's standard output at once.  Input is read
 * from the host's standard input only when a process waits for it, by the
 * scheduler (console_poll), which never blocks on it: a process reading
 * the console sleeps, the others run.  A read returns at most one line,
 * as xv6's console does; at the host's end of file it returns what is
 * left, then 0.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "defs.h"
#include "proc.h"
#include "vm.h"
#include "file.h"

#define CONS_BUF	4096

static struct {
	char	 buf[CONS_BUF];
	size_t	 len;		/* bytes in buf, from buf[0] */
	int	 eof;		/* the host's stdin ended */
	int	 waiting;	/* processes asleep in console_read */
} cons;

static int	console_fread(struct file *, uint64_t, int);
static int	console_fwrite(struct file *, uint64_t, int);
static int	console_stat(struct file *, struct ustat *);

static const struct file_ops console_ops = {
	console_fread, console_fwrite, console_stat, NULL
};

int
console_init(void)
{
	return (0);
}

/*
 * A new file on the console, read and write; its output goes to the
 * host's descriptor out (1, or 2 for the first process's standard error).
 */
struct file *
console_file(int out)
{
	struct file	*f;

	if ((f = file_alloc()) == NULL)
		return (NULL);
	f->type = FD_DEVICE;
	f->ops = &console_ops;
	f->major = CONSOLE_MAJOR;
	f->readable = f->writable = 1;
	f->hostfd = out;
	return (f);
}

int
console_waiting(void)
{
	return (cons.waiting > 0 && !cons.eof);
}

/* Read what the host has for us, without blocking (the scheduler). */
void
console_poll(void)
{
	struct pollfd	pfd;
	ssize_t		n;

	if (cons.eof || cons.len == sizeof cons.buf)
		return;
	pfd.fd = 0;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 0) <= 0)
		return;
	n = read(0, cons.buf + cons.len, sizeof cons.buf - cons.len);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0)
		cons.eof = 1;
	else
		cons.len += (size_t)n;
	proc_wakeup(&cons);
}

/* A line (or what is left at end of file) into dst; count, 0 at EOF. */
int
console_read(void *dst, int n)
{
	struct proc	*p = proc_current();
	char		*nl;
	size_t		 take;

	for (;;) {
		nl = memchr(cons.buf, '\n', cons.len);
		if (nl != NULL || cons.eof || cons.len == sizeof cons.buf)
			break;
		if (proc_killed(p))
			return (-1);
		cons.waiting++;
		proc_sleep(&cons);
		cons.waiting--;
	}
	take = nl != NULL ? (size_t)(nl - cons.buf) + 1 : cons.len;
	if (take > (size_t)n)
		take = (size_t)n;
	memcpy(dst, cons.buf, take);
	memmove(cons.buf, cons.buf + take, cons.len - take);
	cons.len -= take;
	return ((int)take);
}

int
console_write(int fd, const void *src, int n)
{
	const char	*s = src;
	ssize_t		 w;
	int		 done = 0;

	while (done < n) {
		w = write(fd, s + done, (size_t)(n - done));
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return (done > 0 ? done : -1);
		done += (int)w;
	}
	return (done);
}

static int
console_fread(struct file *f, uint64_t uva, int n)
{
	struct proc	*p = proc_current();
	char		 buf[CONS_BUF];
	int		 got;

	if (n == 0)
		return (0);
	if (n > (int)sizeof buf)
		n = (int)sizeof buf;
	if (!vm_user_range(uva, (size_t)n))
		return (-1);
	if ((got = console_read(buf, n)) <= 0)
		return (got);
	if (vm_copyout(p->vm, uva, buf, (size_t)got) != 0)
		return (-1);
	return (got);
}

static int
console_fwrite(struct file *f, uint64_t uva, int n)
{
	struct proc	*p = proc_current();
	char		 buf[CONS_BUF];
	int		 done = 0, chunk;

	while (done < n) {
		chunk = n - done > (int)sizeof buf ? (int)sizeof buf : n - done;
		if (vm_copyin(p->vm, buf, uva + (uint64_t)done,
		    (size_t)chunk) != 0)
			return (done > 0 ? done : -1);
		if (console_write(f->hostfd, buf, chunk) != chunk)
			return (-1);
		done += chunk;
	}
	return (done);
}

static int
console_stat(struct file *f, struct ustat *st)
{
	st->dev = 0;
	st->type = UT_DEVICE;
	st->nlink = 1;
	return (0);
}
