/*
 * exoctl.c - exod's administration client.
 *
 * Each command is a const struct exoctl_cmd; main finds it by name.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"

struct exoctl_cmd {
	const char	*name;
	const char	*usage;
	int		(*exec)(struct exo *, int, char **);
};

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: exoctl [-S socket] status [--json]\n");
	exit(2);
}

/* A name as a JSON string: names are printable ASCII, escape " and \. */
static void
exoctl_json_string(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

static void
exoctl_status_json(const struct exo_status *st)
{
	uint32_t	i;

	printf("{\"frames_total\":%u,\"frames_free\":%u,\"frame_size\":%d,"
	    "\"libos\":[", st->totals.frames_total, st->totals.frames_free,
	    EXO_FRAME_SIZE);
	for (i = 0; i < st->totals.npeers; i++) {
		printf("%s{\"id\":%u,\"pid\":%d,\"uid\":%u,\"frames\":%u,"
		    "\"name\":", i ? "," : "", st->peers[i].libos,
		    st->peers[i].pid, st->peers[i].uid, st->peers[i].frames);
		exoctl_json_string(st->peers[i].name);
		putchar('}');
	}
	printf("]}\n");
}

static void
exoctl_status_table(const struct exo_status *st)
{
	uint32_t	i;

	printf("%5s %7s %5s %7s  %s\n", "LIBOS", "PID", "UID", "FRAMES",
	    "NAME");
	for (i = 0; i < st->totals.npeers; i++)
		printf("%5u %7d %5u %7u  %s\n", st->peers[i].libos,
		    st->peers[i].pid, st->peers[i].uid, st->peers[i].frames,
		    st->peers[i].name);
	printf("frames: %u bound, %u free, %u total (%d bytes each)\n",
	    st->totals.frames_total - st->totals.frames_free,
	    st->totals.frames_free, st->totals.frames_total, EXO_FRAME_SIZE);
}

static int
exoctl_status(struct exo *e, int argc, char **argv)
{
	struct exo_status	st;
	int			json = 0, error;

	if (argc == 2 && strcmp(argv[1], "--json") == 0)
		json = 1;
	else if (argc != 1)
		usage();
	if ((error = exo_status(e, &st)) != 0) {
		fprintf(stderr, "exoctl: status: %s\n", exo_strerror(error));
		return (1);
	}
	if (json)
		exoctl_status_json(&st);
	else
		exoctl_status_table(&st);
	exo_status_free(&st);
	return (0);
}

static const struct exoctl_cmd exoctl_cmds[] = {
	{ "status", "status [--json]", exoctl_status },
};

int
main(int argc, char **argv)
{
	const struct exoctl_cmd	*cmd = NULL;
	const char		*sock = NULL;
	struct exo		*e;
	char			 path[256];
	size_t			 i;
	int			 ch, error, rc;

	while ((ch = getopt(argc, argv, "+S:h")) != -1) {
		switch (ch) {
		case 'S':
			sock = optarg;
			break;
		case 'h':
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	for (i = 0; i < sizeof exoctl_cmds / sizeof exoctl_cmds[0]; i++)
		if (strcmp(argv[0], exoctl_cmds[i].name) == 0)
			cmd = &exoctl_cmds[i];
	if (cmd == NULL) {
		fprintf(stderr, "exoctl: unknown command: %s\n", argv[0]);
		usage();
	}
	if ((error = exo_socket_path(path, sizeof path, sock)) != 0) {
		fprintf(stderr, "exoctl: socket path: %s\n",
		    exo_strerror(error));
		return (1);
	}
	if ((error = exo_connect_control(path, &e)) != 0) {
		fprintf(stderr, "exoctl: %s: %s\n", path, exo_strerror(error));
		return (1);
	}
	rc = cmd->exec(e, argc, argv);
	exo_disconnect(e);
	return (rc);
}
