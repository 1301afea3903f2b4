/*
 * path.c - where exod's socket is: -S, else $EXOD_SOCKET, else
 * /tmp/exod-UID/default.  exod and its clients resolve it the same way.
 */
#include "config.h"

#include <sys/un.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "exo.h"

int
exo_socket_path(char *buf, size_t len, const char *override)
{
	const char	*env;
	int		 n;

	if (buf == NULL || len == 0)
		return (-EXO_EINVAL);
	if (override == NULL && (env = getenv("EXOD_SOCKET")) != NULL &&
	    *env != '\0')
		override = env;
	if (override != NULL)
		n = snprintf(buf, len, "%s", override);
	else
		n = snprintf(buf, len, "/tmp/exod-%ld/default", (long)getuid());
	if (n <= 0 || (size_t)n >= len ||
	    (size_t)n >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return (-EXO_EINVAL);
	return (0);
}
