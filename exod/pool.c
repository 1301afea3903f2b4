/*
 * pool.c - fresh backing objects for frames, made ahead of need.
 *
 * Every binding of a frame gets a backing object nobody has seen: a
 * memfd of EXO_FRAME_SIZE bytes, size-sealed.  Making one costs several
 * system calls (most of a bind), so a worker thread
 * keeps a pool of them ready, as a kernel keeps pre-zeroed pages: the
 * expensive part happens before the request, and a bind only hands one
 * out.  When the pool runs dry a bind makes its own.  Nothing in the pool
 * has ever left exod.
 */
#include "config.h"

#include <sys/mman.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "exod.h"

#define POOL_MAX	1024	/* objects kept ready at most */

static struct {
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;		/* the worker waits on it */
	int			*ring;		/* under lock: descriptors */
	unsigned		 cap, head, count; /* under lock */
	int			 quit;		/* under lock */
	pthread_t		 thread;
	int			 thread_on;
} pool;

/* A fresh, zero-filled, size-sealed backing object; fd or -1. */
int
pool_make(void)
{
	int	fd;

	fd = memfd_create("exo-frame", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd == -1)
		return (-1);
	if (ftruncate(fd, EXO_FRAME_SIZE) == -1 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) ==
	    -1) {
		close(fd);
		return (-1);
	}
	return (fd);
}

static void *
pool_worker(void *arg)
{
	int	fd;

	pthread_mutex_lock(&pool.lock);
	for (;;) {
		while (!pool.quit && pool.count == pool.cap)
			pthread_cond_wait(&pool.cond, &pool.lock);
		if (pool.quit)
			break;
		pthread_mutex_unlock(&pool.lock);
		fd = pool_make();
		pthread_mutex_lock(&pool.lock);
		if (fd == -1) {
			/* Out of descriptors or memory: binds make their own. */
			pthread_cond_wait(&pool.cond, &pool.lock);
			continue;
		}
		if (pool.count == pool.cap) {
			close(fd);
			continue;
		}
		pool.ring[(pool.head + pool.count) % pool.cap] = fd;
		pool.count++;
	}
	pthread_mutex_unlock(&pool.lock);
	return (NULL);
}

/* Fill a pool of up to cap objects now, then keep it full. */
int
pool_init(unsigned cap)
{
	int	fd;

	if (cap > POOL_MAX)
		cap = POOL_MAX;
	if (cap == 0)
		cap = 1;
	if ((pool.ring = calloc(cap, sizeof *pool.ring)) == NULL)
		return (-1);
	pool.cap = cap;
	while (pool.count < pool.cap && (fd = pool_make()) != -1)
		pool.ring[pool.count++] = fd;
	pthread_mutex_init(&pool.lock, NULL);
	pthread_cond_init(&pool.cond, NULL);
	if (pthread_create(&pool.thread, NULL, pool_worker, NULL) != 0)
		return (-1);
	pool.thread_on = 1;
	return (0);
}

/* A fresh backing object for a bind: from the pool, else made now. */
int
pool_take(void)
{
	int	fd;

	if (pool.ring == NULL)
		return (pool_make());
	pthread_mutex_lock(&pool.lock);
	if (pool.count == 0) {
		pthread_cond_signal(&pool.cond);
		pthread_mutex_unlock(&pool.lock);
		return (pool_make());
	}
	fd = pool.ring[pool.head];
	pool.head = (pool.head + 1) % pool.cap;
	pool.count--;
	pthread_cond_signal(&pool.cond);
	pthread_mutex_unlock(&pool.lock);
	return (fd);
}

void
pool_fini(void)
{
	if (pool.thread_on) {
		pthread_mutex_lock(&pool.lock);
		pool.quit = 1;
		pthread_cond_signal(&pool.cond);
		pthread_mutex_unlock(&pool.lock);
		pthread_join(pool.thread, NULL);
		pool.thread_on = 0;
	}
	while (pool.count > 0) {
		close(pool.ring[pool.head]);
		pool.head = (pool.head + 1) % pool.cap;
		pool.count--;
	}
	free(pool.ring);
	pool.ring = NULL;
}
