/*
 * kt_churn - a metadata-heavy workload for the crash tests (t/unix-fs.t):
 * in a directory of its own, make files, write them, link them, rename
 * them by link and unlink, make and remove directories, again and again;
 * and, after a crash, the check of what it left.
 *
 *	kt_churn rounds dir
 *	kt_churn -v round dir
 *
 * The workload is deterministic, so the program keeps a model of what
 * each call must return and what each name must hold.  Round i writes
 * f(i%50) with 1 + i%3000 bytes of 'a' + i%26, links it to g(i%50)
 * (which fails if g(i%50) is there already), unlinks f(i%50), unlinks
 * g(i%50) every third round, and makes or removes d(i%7) by turns.
 *
 * Its record: after every round whose calls all returned as the model
 * says, it writes "r ROUND" on a line of its own to standard output.  A
 * line written means every call of the round had returned, so (one
 * process, no group to wait for) its transactions had committed.  A call
 * that returns what the model does not expect (a libOS that lost exod,
 * say) stops the workload before that round's line, with exit status 1.
 * Prints "kt_churn: N rounds" at the end, if nobody killed it first.
 *
 * With -v, after a crash: replay the model to the last round recorded
 * and check every name of dir against it (byte for byte), except the
 * names of the next round, which was under way; -1 means no round was
 * recorded.  Prints "kt_churn: verified N names" and exits 0, or names
 * each difference and exits 1.  It changes nothing.
 */
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "user/user.h"

#define KC_FILES	50	/* f0..f49, g0..g49 */
#define KC_DIRS		7	/* d0..d6 */
#define KC_MAX		3000	/* bytes of the largest file */

static char	kc_buf[KC_MAX];
static char	kc_got[KC_MAX + 1];

/* The model: what g(k) holds, and whether d(s) is there. */
static struct {
	int	g_len[KC_FILES];	/* 0: absent; else its size */
	char	g_ch[KC_FILES];		/* the byte it is made of */
	int	d[KC_DIRS];		/* 1: the directory is there */
} kc;

static void
kc_name(char *out, const char *dir, const char *what, int i)
{
	char	num[12];
	int	k = 0, j;

	do {
		num[k++] = (char)('0' + i % 10);
		i /= 10;
	} while (i > 0 && k < 10);
	strcpy(out, dir);
	j = (int)strlen(out);
	out[j++] = '/';
	strcpy(out + j, what);
	j += (int)strlen(what);
	while (k > 0)
		out[j++] = num[--k];
	out[j] = '\0';
}

static int
kc_len(int i)
{
	return (1 + i % KC_MAX);
}

/* Round i on the model alone. */
static void
kc_model(int i)
{
	int	k = i % KC_FILES, s = i % KC_DIRS;

	if (kc.g_len[k] == 0) {
		kc.g_len[k] = kc_len(i);
		kc.g_ch[k] = (char)('a' + i % 26);
	}
	if (i % 3 == 0)
		kc.g_len[k] = 0;
	kc.d[s] = i % 2 == 0 ? 1 : 0;
}

static int
kc_expect(int got, int want, int round, const char *what, const char *name)
{
	if (got == want)
		return (0);
	fprintf(2, "kt_churn: round %d: %s %s returned %d, not %d\n", round,
	    what, name, got, want);
	return (-1);
}

/* Round i, each call checked against the model: 0, or -1 at the first
 * call that returned something else. */
static int
kc_round(const char *dir, int i)
{
	char	a[64], b[64], sub[64];
	int	k = i % KC_FILES, s = i % KC_DIRS, fd, n, r, gwas, dwas;

	kc_name(a, dir, "f", k);
	kc_name(b, dir, "g", k);
	kc_name(sub, dir, "d", s);
	gwas = kc.g_len[k] != 0;
	dwas = kc.d[s];
	kc_model(i);
	memset(kc_buf, 'a' + i % 26, sizeof kc_buf);
	if ((fd = open(a, O_CREATE | O_RDWR | O_TRUNC)) < 0)
		return (kc_expect(fd, 0, i, "open", a));
	n = write(fd, kc_buf, kc_len(i));
	close(fd);
	if (kc_expect(n, kc_len(i), i, "write", a) != 0)
		return (-1);
	r = link(a, b);		/* rename a to b */
	if (kc_expect(r, gwas ? -1 : 0, i, "link to", b) != 0 ||
	    kc_expect(unlink(a), 0, i, "unlink", a) != 0)
		return (-1);
	if (i % 3 == 0 && kc_expect(unlink(b), 0, i, "unlink", b) != 0)
		return (-1);
	if (i % 2 == 0)
		r = kc_expect(mkdir(sub), dwas ? -1 : 0, i, "mkdir", sub);
	else
		r = kc_expect(unlink(sub), dwas ? 0 : -1, i, "unlink", sub);
	return (r);
}

static void
kc_num(char *out, int v)
{
	char	tmp[12];
	int	k = 0, j = 0;

	do {
		tmp[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0 && k < 11);
	while (k > 0)
		out[j++] = tmp[--k];
	out[j] = '\0';
}

/* The record: one write, so a crash leaves a line whole or none of it. */
static void
kc_record(int i)
{
	char	line[20];
	int	n;

	line[0] = 'r';
	line[1] = ' ';
	kc_num(line + 2, i);
	n = (int)strlen(line);
	line[n++] = '\n';
	write(1, line, n);
}

/* Does path hold len bytes of ch (len 0: is it absent)? */
static int
kc_check_file(const char *path, int len, char ch)
{
	struct stat	st;
	int		fd, n, j;

	fd = open(path, O_RDONLY);
	if (len == 0) {
		if (fd < 0)
			return (0);
		close(fd);
		fprintf(2, "kt_churn: %s: there, but removed\n", path);
		return (-1);
	}
	if (fd < 0) {
		fprintf(2, "kt_churn: %s: missing (%d bytes of %c)\n", path,
		    len, ch);
		return (-1);
	}
	n = fstat(fd, &st) == 0 ? read(fd, kc_got, sizeof kc_got) : -1;
	close(fd);
	if (n != len || st.type != T_FILE || (int)st.size != len) {
		fprintf(2, "kt_churn: %s: %d bytes, not %d\n", path, n, len);
		return (-1);
	}
	for (j = 0; j < n; j++) {
		if (kc_got[j] != ch) {
			fprintf(2, "kt_churn: %s: byte %d is not %c\n", path,
			    j, ch);
			return (-1);
		}
	}
	return (0);
}

static int
kc_check_dir(const char *path, int there)
{
	struct stat	st;
	int		is = stat(path, &st) == 0 && st.type == T_DIR;

	if (is == there)
		return (0);
	fprintf(2, "kt_churn: %s: %s\n", path, there ? "missing" :
	    "there, but removed");
	return (-1);
}

static int
kc_verify(const char *dir, int last)
{
	struct stat	st;
	char		p[64];
	int		i, k, bad = 0, n = 0, uf, us;

	for (i = 0; i <= last; i++)
		kc_model(i);
	uf = (last + 1) % KC_FILES;	/* the round under way */
	us = (last + 1) % KC_DIRS;
	if (last < 0 && stat(dir, &st) != 0) {
		printf("kt_churn: verified 0 names\n");
		return (0);	/* killed before its mkdir committed */
	}
	for (k = 0; k < KC_FILES; k++) {
		if (k == uf)
			continue;
		kc_name(p, dir, "f", k);
		bad += kc_check_file(p, 0, 0) != 0;
		kc_name(p, dir, "g", k);
		bad += kc_check_file(p, kc.g_len[k], kc.g_ch[k]) != 0;
		n += 2;
	}
	for (k = 0; k < KC_DIRS; k++) {
		if (k == us)
			continue;
		kc_name(p, dir, "d", k);
		bad += kc_check_dir(p, kc.d[k]) != 0;
		n++;
	}
	if (bad != 0) {
		fprintf(2, "kt_churn: %d of %d names wrong after round %d\n",
		    bad, n, last);
		return (1);
	}
	printf("kt_churn: verified %d names\n", n);
	return (0);
}

static void
kc_usage(void)
{
	fprintf(2, "usage: kt_churn rounds dir\n"
	    "       kt_churn -v round dir\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	int	rounds, i;

	if (argc == 4 && strcmp(argv[1], "-v") == 0 &&
	    strlen(argv[3]) <= 20) {
		i = argv[2][0] == '-' ? -atoi(argv[2] + 1) : atoi(argv[2]);
		exit(kc_verify(argv[3], i));
	}
	if (argc != 3 || strlen(argv[2]) > 20)
		kc_usage();
	rounds = atoi(argv[1]);
	if (mkdir(argv[2]) != 0) {
		fprintf(2, "kt_churn: %s: cannot make it (it must be new)\n",
		    argv[2]);
		exit(2);
	}
	for (i = 0; i < rounds; i++) {
		if (kc_round(argv[2], i) != 0)
			exit(1);
		kc_record(i);
	}
	printf("kt_churn: %d rounds\n", rounds);
	exit(0);
}
