/*
 * stat.c - stat(3): fstat(2) by name.
 */
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "user/user.h"

/* Returns 0, or -1 if the file cannot be opened or fstat fails. */
int
stat(const char *path, struct stat *st)
{
	int	fd, r;

	if ((fd = open(path, O_RDONLY)) < 0)
		return -1;
	r = fstat(fd, st);
	close(fd);
	return r;
}
