/*
 * exoctl.c - exod's administration client.
 *
 * Each command is a const struct exoctl_cmd; main finds it by name.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exo.h"
#include "exoctl.h"
#include "json.h"

struct exoctl_cmd {
	const char	*name;
	const char	*usage;
	/* the arguments, checked before exoctl connects: 0 or -1 */
	int		(*check)(int, char **);
	int		(*exec)(struct exo *, int, char **);
};

static const struct option exoctl_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* -h: the usage on stdout, exit 0; a usage error: on stderr, exit 2. */
static void __attribute__((noreturn))
exoctl_usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: exoctl [-hV] [-S socket] command [--json]\n"
	    "commands: status, slots, tlb, disk,\n"
	    "          revoke libos frames n | frame id | block id | tile id\n"
	    "          screenshot file.png [--owners]\n"
	    "          web [-l address:port]\n"
	    "          top [-d seconds]\n"
	    "          net [--json], capture file [-c count]\n");
	exit(status ? 2 : 0);
}

static void __attribute__((noreturn))
usage(void)
{
	exoctl_usage(1);
}

/* The one optional argument every command takes: --json. */
static int
exoctl_json_flag(int argc, char **argv)
{
	return (argc == 2 && strcmp(argv[1], "--json") == 0);
}

static int
exoctl_check_json(int argc, char **argv)
{
	if (argc == 1 || (argc == 2 && strcmp(argv[1], "--json") == 0))
		return (0);
	return (-1);
}

/* A whole number, digits only, at most max; -1 if it is not one. */
static int
exoctl_number(const char *s, unsigned long long max, unsigned long long *v)
{
	char	*end;

	if (*s < '0' || *s > '9')
		return (-1);
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (*end != '\0' || errno != 0 || *v > max)
		return (-1);
	return (0);
}

/* revoke LIBOS frames N | frame ID | block ID | tile ID */
static int
exoctl_check_revoke(int argc, char **argv)
{
	static const char *const kinds[] = { "frames", "frame", "block",
	    "tile" };
	unsigned long long	 v;
	size_t			 i;

	if (argc != 4 || exoctl_number(argv[1], UINT32_MAX, &v) == -1 ||
	    v == 0 || exoctl_number(argv[3], UINT64_MAX, &v) == -1)
		return (-1);
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(argv[2], kinds[i]) == 0)
			return (0);
	return (-1);
}

/* screenshot FILE [--owners], in either order */
static int
exoctl_check_screenshot(int argc, char **argv)
{
	int	i, paths = 0;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--owners") != 0 && argv[i][0] != '-')
			paths++;
		else if (strcmp(argv[i], "--owners") != 0)
			return (-1);
	return (paths == 1 && argc <= 3 ? 0 : -1);
}

/* web [-l ADDRESS:PORT] */
static int
exoctl_check_web(int argc, char **argv)
{
	return (argc == 1 || (argc == 3 && strcmp(argv[1], "-l") == 0) ?
	    0 : -1);
}

/* top [-d SECONDS]: the interval's range is top's to check */
static int
exoctl_check_top(int argc, char **argv)
{
	return (argc == 1 || (argc == 3 && strcmp(argv[1], "-d") == 0) ?
	    0 : -1);
}

/* The text is written; 0, or 1 (with a message) if it could not be. */
static int
exoctl_json_end(struct json *j)
{
	if (json_finish(j) != 0) {
		fprintf(stderr, "exoctl: cannot write the JSON output\n");
		return (1);
	}
	return (0);
}

static int
exoctl_status_json(const struct exo_status *st)
{
	struct json	j;

	json_start(&j, stdout);
	view_json_status(&j, st);
	return (exoctl_json_end(&j));
}

static void
exoctl_status_table(const struct exo_status *st)
{
	uint32_t	i;

	printf("%5s %6s %5s %7s %5s %6s %7s %6s %7s %4s  %s\n", "LIBOS", "PID",
	    "UID", "FRAMES", "SLOTS", "BLOCKS", "REVOKED", "ABORTS", "GRANTED",
	    "HELD", "NAME");
	for (i = 0; i < st->totals.npeers; i++)
		printf("%5u %6d %5u %7u %5u %6u %7llu %6llu %7u %4u  %s\n",
		    st->peers[i].libos, st->peers[i].pid, st->peers[i].uid,
		    st->peers[i].frames, st->peers[i].slots, st->peers[i].blocks,
		    (unsigned long long)st->peers[i].revocations,
		    (unsigned long long)st->peers[i].aborts,
		    st->peers[i].grants_out, st->peers[i].grants_in,
		    st->peers[i].name);
	printf("frames: %u bound, %u free, %u total (%d bytes each)\n",
	    st->totals.frames_total - st->totals.frames_free,
	    st->totals.frames_free, st->totals.frames_total, EXO_FRAME_SIZE);
}

/* STATUS for command cmd; on failure the message is printed, -1. */
static int
exoctl_get_status(struct exo *e, const char *cmd, struct exo_status *st)
{
	int	error;

	if ((error = exo_status(e, st)) != 0) {
		fprintf(stderr, "exoctl: %s: %s\n", cmd, exo_strerror(error));
		return (-1);
	}
	return (0);
}

static int
exoctl_status(struct exo *e, int argc, char **argv)
{
	struct exo_status	st;
	int			json = exoctl_json_flag(argc, argv), rc = 0;

	if (exoctl_get_status(e, "status", &st) == -1)
		return (1);
	if (json)
		rc = exoctl_status_json(&st);
	else
		exoctl_status_table(&st);
	exo_status_free(&st);
	return (rc);
}

static void
exoctl_slots_table(const struct exo_slots *s, const struct exo_status *st)
{
	const struct exo_status_peer	*p;
	uint32_t			 i;

	printf("vector: %u slots of %u us, save bound %u us%s\n",
	    s->vec.nslots, s->vec.quantum_us, s->vec.bound_us,
	    (s->vec.flags & EXO_SLOTS_ROUNDROBIN) ? ", unowned slots "
	    "round-robin" : ", unowned slots idle");
	printf("tick %llu, epoch %llu, slot %u now, running: ",
	    (unsigned long long)s->vec.tick, (unsigned long long)s->vec.epoch,
	    s->vec.current);
	if (s->vec.running != 0)
		printf("libOS %u\n", s->vec.running);
	else
		printf("nobody\n");
	printf("SLOT ");
	for (i = 0; i < s->vec.nslots; i++)
		printf("%4u", i);
	printf("\nLIBOS");
	for (i = 0; i < s->vec.nslots; i++)
		if (s->owner[i] != 0)
			printf("%4u", s->owner[i]);
		else
			printf("%4s", "-");
	printf("\n\n%5s %5s %8s %10s %9s %10s %7s %6s %7s  %s\n", "LIBOS",
	    "SLOTS", "STATE", "QUANTA", "CPU_MS", "OVERRUNS", "PEN_MS",
	    "EVENTS", "DROPPED", "NAME");
	for (i = 0; i < st->totals.npeers; i++) {
		p = &st->peers[i];
		printf("%5u %5u %8s %10llu %9.1f %10llu %7.1f %6llu %7llu  %s\n",
		    p->libos, p->slots, view_state(p->state),
		    (unsigned long long)p->quanta, p->cpu_ns / 1e6,
		    (unsigned long long)p->overruns, p->penalty_ns / 1e6,
		    (unsigned long long)p->events,
		    (unsigned long long)p->events_dropped, p->name);
	}
}

static int
exoctl_slots_json(const struct exo_slots *s, const struct exo_status *st)
{
	const struct exo_status_peer	*p;
	struct json			 j;
	uint32_t			 i;

	json_start(&j, stdout);
	json_object_open(&j);
	json_kuint(&j, "nslots", s->vec.nslots);
	json_kuint(&j, "quantum_us", s->vec.quantum_us);
	json_kuint(&j, "bound_us", s->vec.bound_us);
	json_kbool(&j, "roundrobin", s->vec.flags & EXO_SLOTS_ROUNDROBIN);
	json_kuint(&j, "tick", s->vec.tick);
	json_kuint(&j, "epoch", s->vec.epoch);
	json_kuint(&j, "current", s->vec.current);
	json_kuint(&j, "running", s->vec.running);
	json_key(&j, "owner");
	json_array_open(&j);
	for (i = 0; i < s->vec.nslots; i++)
		json_uint(&j, s->owner[i]);
	json_array_close(&j);
	json_key(&j, "libos");
	json_array_open(&j);
	for (i = 0; i < st->totals.npeers; i++) {
		p = &st->peers[i];
		json_object_open(&j);
		json_kuint(&j, "id", p->libos);
		json_kuint(&j, "slots", p->slots);
		view_json_name(&j, p);
		view_json_cpu(&j, p);
		json_object_close(&j);
	}
	json_array_close(&j);
	json_object_close(&j);
	return (exoctl_json_end(&j));
}

static int
exoctl_slots(struct exo *e, int argc, char **argv)
{
	struct exo_slots	s;
	struct exo_status	st;
	int			json = exoctl_json_flag(argc, argv), error;
	int			rc = 0;

	if ((error = exo_slots(e, &s)) != 0) {
		fprintf(stderr, "exoctl: slots: %s\n", exo_strerror(error));
		return (1);
	}
	if (exoctl_get_status(e, "status", &st) == -1) {
		exo_slots_free(&s);
		return (1);
	}
	if (json)
		rc = exoctl_slots_json(&s, &st);
	else
		exoctl_slots_table(&s, &st);
	exo_slots_free(&s);
	exo_status_free(&st);
	return (rc);
}

static int
exoctl_disk_json(const struct exo_disk_info *d, const struct exo_status *st)
{
	struct json	j;
	uint32_t	i;

	json_start(&j, stdout);
	json_object_open(&j);
	json_kuint(&j, "blocks_total", d->blocks_total);
	json_kuint(&j, "blocks_free", d->blocks_free);
	json_kuint(&j, "block_size", d->block_size);
	json_kuint(&j, "reads", d->reads);
	json_kuint(&j, "writes", d->writes);
	json_kuint(&j, "flushes", d->flushes);
	json_kuint(&j, "autosaves", d->autosaves);
	json_kuint(&j, "torn", d->torn);
	json_key(&j, "libos");
	json_array_open(&j);
	for (i = 0; i < st->totals.npeers; i++) {
		json_object_open(&j);
		json_kuint(&j, "id", st->peers[i].libos);
		json_kuint(&j, "blocks", st->peers[i].blocks);
		json_kuint(&j, "revocations", st->peers[i].revocations);
		json_kuint(&j, "aborts", st->peers[i].aborts);
		view_json_name(&j, &st->peers[i]);
		json_object_close(&j);
	}
	json_array_close(&j);
	json_object_close(&j);
	return (exoctl_json_end(&j));
}

static int
exoctl_disk(struct exo *e, int argc, char **argv)
{
	struct exo_disk_info	d;
	struct exo_status	st;
	uint32_t		i;
	int			json = exoctl_json_flag(argc, argv), error;
	int			rc = 0;

	if ((error = exo_disk_info(e, &d)) != 0) {
		fprintf(stderr, "exoctl: disk: %s\n", exo_strerror(error));
		return (1);
	}
	if (exoctl_get_status(e, "disk", &st) == -1)
		return (1);
	if (json)
		rc = exoctl_disk_json(&d, &st);
	else {
		printf("disk: %u blocks of %u bytes, %u free, %u held by "
		    "owners\n", d.blocks_total, d.block_size, d.blocks_free,
		    d.blocks_total - d.blocks_free);
		/* Said only when there were: the operator should look. */
		if (d.torn > 0)
			printf("owners: %u torn records found at start-up, "
			    "their blocks freed\n", d.torn);
		printf("i/o: %llu blocks read, %llu written, %llu flushes, "
		    "%llu autosaves\n\n", (unsigned long long)d.reads,
		    (unsigned long long)d.writes,
		    (unsigned long long)d.flushes,
		    (unsigned long long)d.autosaves);
		printf("%5s %7s %11s %7s  %s\n", "LIBOS", "BLOCKS",
		    "REVOCATIONS", "ABORTS", "NAME");
		for (i = 0; i < st.totals.npeers; i++)
			printf("%5u %7u %11llu %7llu  %s\n", st.peers[i].libos,
			    st.peers[i].blocks,
			    (unsigned long long)st.peers[i].revocations,
			    (unsigned long long)st.peers[i].aborts,
			    st.peers[i].name);
	}
	exo_status_free(&st);
	return (rc);
}

/* revoke LIBOS frames N | frame ID | block ID */
static int
exoctl_revoke(struct exo *e, int argc, char **argv)
{
	struct exo_revoke_reply	 r;
	unsigned long long	 arg;
	unsigned long		 target;
	uint32_t		 kind;
	char			*end;
	int			 error;

	if (argc != 4)
		usage();
	target = strtoul(argv[1], &end, 10);
	if (*argv[1] < '0' || *argv[1] > '9' || *end != '\0' || target == 0 ||
	    target > UINT32_MAX)
		usage();
	if (strcmp(argv[2], "frames") == 0)
		kind = EXO_REVOKE_FRAMES;
	else if (strcmp(argv[2], "frame") == 0)
		kind = EXO_REVOKE_FRAME;
	else if (strcmp(argv[2], "block") == 0)
		kind = EXO_REVOKE_BLOCK;
	else if (strcmp(argv[2], "tile") == 0)
		kind = EXO_REVOKE_TILE;
	else
		usage();
	arg = strtoull(argv[3], &end, 10);
	if (*argv[3] < '0' || *argv[3] > '9' || *end != '\0')
		usage();
	if ((error = exo_revoke(e, (uint32_t)target, kind, arg, &r)) != 0) {
		fprintf(stderr, "exoctl: revoke: %s\n", exo_strerror(error));
		return (1);
	}
	printf("revoked %u from libOS %lu: %u given back, %u taken by force "
	    "(deadline passed or libOS gone), %u autosaved\n", r.revoked, target, r.released,
	    r.aborted, r.autosaved);
	return (0);
}

/*
 * tlb: each libOS's memory counters, as its libexo keeps them (the
 * emulated TLB lives in the libOS; exod only shows what libexo wrote).
 */
static void
exoctl_tlb_table(const struct exo_status *st, uint32_t entries)
{
	const struct exo_status_peer	*p;
	uint32_t			 i;

	printf("TLB: %u entries per libOS (exod -t), software-loaded\n\n",
	    entries);
	printf("%5s %10s %10s %10s %10s %9s %9s %9s %6s  %s\n", "LIBOS",
	    "TRAPS", "MISSES", "INSTALLS", "EVICTIONS", "STLB_SAVE",
	    "STLB_LOAD", "STLB_HIT", "HIT%", "NAME");
	for (i = 0; i < st->totals.npeers; i++) {
		p = &st->peers[i];
		printf("%5u %10llu %10llu %10llu %10llu %9llu %9llu %9llu ",
		    p->libos, (unsigned long long)p->traps,
		    (unsigned long long)p->tlb_misses,
		    (unsigned long long)p->tlb_installs,
		    (unsigned long long)p->tlb_evictions,
		    (unsigned long long)p->stlb_saves,
		    (unsigned long long)p->stlb_preloads,
		    (unsigned long long)p->stlb_hits);
		if (p->tlb_misses > 0)
			printf("%6.1f", 100.0 * (double)p->stlb_hits /
			    (double)p->tlb_misses);
		else
			printf("%6s", "-");
		printf("  %s\n", p->name);
	}
}

static int
exoctl_tlb_json(const struct exo_status *st, uint32_t entries)
{
	struct json	j;
	uint32_t	i;

	json_start(&j, stdout);
	json_object_open(&j);
	json_kuint(&j, "tlb_entries", entries);
	json_key(&j, "libos");
	json_array_open(&j);
	for (i = 0; i < st->totals.npeers; i++) {
		json_object_open(&j);
		json_kuint(&j, "id", st->peers[i].libos);
		view_json_name(&j, &st->peers[i]);
		view_json_tlb(&j, &st->peers[i]);
		json_object_close(&j);
	}
	json_array_close(&j);
	json_object_close(&j);
	return (exoctl_json_end(&j));
}

static int
exoctl_tlb(struct exo *e, int argc, char **argv)
{
	struct exo_status	st;
	int			json = exoctl_json_flag(argc, argv), rc = 0;

	if (exoctl_get_status(e, "tlb", &st) == -1)
		return (1);
	if (json)
		rc = exoctl_tlb_json(&st, exo_tlb_size(e));
	else
		exoctl_tlb_table(&st, exo_tlb_size(e));
	exo_status_free(&st);
	return (rc);
}

static const struct exoctl_cmd exoctl_cmds[] = {
	{ "status", "status [--json]", exoctl_check_json, exoctl_status },
	{ "slots", "slots [--json]", exoctl_check_json, exoctl_slots },
	{ "tlb", "tlb [--json]", exoctl_check_json, exoctl_tlb },
	{ "disk", "disk [--json]", exoctl_check_json, exoctl_disk },
	{ "revoke", "revoke libos frames n | frame id | block id | tile id",
	    exoctl_check_revoke, exoctl_revoke },
	{ "screenshot", "screenshot file.png [--owners]",
	    exoctl_check_screenshot, exoctl_screenshot },
	{ "web", "web [-l address:port]", exoctl_check_web, exoctl_web },
	{ "top", "top [-d seconds]", exoctl_check_top, exoctl_top },
	{ "net", "net [--json]", exoctl_check_json, exoctl_net },
	{ "capture", "capture file [-c count]", exoctl_check_capture,
	    exoctl_capture },
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

	argv[0] = (char *)"exoctl";	/* getopt's messages name exoctl */
	while ((ch = getopt_long(argc, argv, "+hS:V", exoctl_longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'S':
			sock = optarg;
			break;
		case 'h':
			exoctl_usage(0);
		case 'V':
			printf("exoctl %s\n", PACKAGE_VERSION);
			return (0);
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
	if (cmd->check(argc, argv) == -1) {
		fprintf(stderr, "exoctl: usage: %s\n", cmd->usage);
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
	if (rc == -1)		/* the command's arguments were wrong */
		usage();
	return (rc);
}
