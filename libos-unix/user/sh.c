/*
 * sh - the libos-unix shell.
 *
 *	sh			read commands from standard input, "$ " prompt
 *	sh file			read commands from file, no prompt
 *	sh -c 'command line'	run one line, exit with its status
 *
 * The grammar, loosest binding first:
 *
 *	line	:= [ pipe { ( ";" | "&" ) pipe } [ "&" ] ]
 *	pipe	:= cmd { "|" cmd }
 *	cmd	:= ( word { word } | "(" line ")" ) { redir }
 *		 | redir { redir | word }
 *	redir	:= "<" word | ">" word
 *
 * A word is a run of characters other than blanks and <>|&;() with
 * '...' or "..." quoting any of them.  cd and exit are built in.  A line
 * is parsed into a tree of nodes, then a child process runs the tree:
 * each pipe element and each background command in a process of its own.
 * The exit status of a line is that of its last command.
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/param.h"
#include "user/user.h"

#define SH_LINE		512	/* bytes in one command line */
#define SH_NODES	64	/* nodes of one line's tree */
#define SH_REDIRS	4	/* redirections of one command */

enum sh_type {
	SH_EXEC,		/* argv, redirs */
	SH_SUB,			/* ( left ), redirs */
	SH_PIPE,		/* left | right */
	SH_LIST,		/* left ; right */
	SH_BACK			/* left & */
};

struct sh_redir {
	int		 fd;		/* 0 for <, 1 for > */
	char		*file;
};

struct sh_node {
	enum sh_type	 type;
	struct sh_node	*left;		/* SH_SUB, SH_PIPE, SH_LIST, SH_BACK */
	struct sh_node	*right;		/* SH_PIPE, SH_LIST */
	int		 argc;		/* SH_EXEC: words in argv */
	char		*argv[MAXARG + 1];	/* null-terminated */
	int		 nredir;	/* SH_EXEC, SH_SUB */
	struct sh_redir	 redir[SH_REDIRS];
};

/* One line's parse: the text's cursor, the tree's nodes, the words. */
static struct {
	const char	*p;		/* next character of the line */
	int		 error;		/* a syntax error was reported */
	int		 nnode;		/* nodes used */
	struct sh_node	 node[SH_NODES];
	int		 nword;		/* bytes of word used */
	char		 word[SH_LINE * 2];	/* the words, null-terminated */
} sh_parse;

static const char	sh_blanks[] = " \t\r\n\v";
static const char	sh_symbols[] = "<>|&;()";

static int	sh_run_line(char *);
static struct sh_node *sh_parse_line(void);
static void	sh_run(struct sh_node *) __attribute__((noreturn));

static void
sh_error(const char *what)
{
	if (!sh_parse.error)
		fprintf(2, "sh: syntax error: %s\n", what);
	sh_parse.error = 1;
}

static struct sh_node *
sh_node_new(enum sh_type type)
{
	struct sh_node	*n;

	if (sh_parse.nnode == SH_NODES) {
		sh_error("line too complex");
		return 0;
	}
	n = &sh_parse.node[sh_parse.nnode++];
	memset(n, 0, sizeof *n);
	n->type = type;
	return n;
}

/* Skip blanks; return the next character, 0 at the end. */
static char
sh_peek(void)
{
	while (*sh_parse.p != '\0' && strchr(sh_blanks, *sh_parse.p))
		sh_parse.p++;
	return *sh_parse.p;
}

/* Is c a character that ends a word? */
static int
sh_isbreak(char c)
{
	return c == '\0' || strchr(sh_blanks, c) || strchr(sh_symbols, c);
}

/* The next word, quotes removed, or null (and an error) if there is none. */
static char *
sh_word(void)
{
	char	*w, q;

	if (sh_isbreak(sh_peek())) {
		sh_error("a word is missing");
		return 0;
	}
	w = &sh_parse.word[sh_parse.nword];
	while (!sh_isbreak(*sh_parse.p)) {
		if (*sh_parse.p == '\'' || *sh_parse.p == '"') {
			q = *sh_parse.p++;
			while (*sh_parse.p != q && *sh_parse.p != '\0')
				sh_parse.word[sh_parse.nword++] =
				    *sh_parse.p++;
			if (*sh_parse.p != q) {
				sh_error("unterminated quote");
				return 0;
			}
			sh_parse.p++;
		} else
			sh_parse.word[sh_parse.nword++] = *sh_parse.p++;
	}
	sh_parse.word[sh_parse.nword++] = '\0';
	return w;
}

/* Redirections and, for a simple command, words, into n. */
static void
sh_parse_args(struct sh_node *n)
{
	char	c;
	char	*w;

	while ((c = sh_peek()) != '\0' && !strchr("|&;()", c)) {
		if (c == '<' || c == '>') {
			sh_parse.p++;
			if ((w = sh_word()) == 0)
				return;
			if (n->nredir == SH_REDIRS) {
				sh_error("too many redirections");
				return;
			}
			n->redir[n->nredir].fd = c == '<' ? 0 : 1;
			n->redir[n->nredir++].file = w;
		} else if (n->type == SH_EXEC) {
			if ((w = sh_word()) == 0)
				return;
			if (n->argc == MAXARG) {
				sh_error("too many arguments");
				return;
			}
			n->argv[n->argc++] = w;
		} else {
			sh_error("a word after )");
			return;
		}
	}
}

static struct sh_node *
sh_parse_cmd(void)
{
	struct sh_node	*n;

	if (sh_peek() == '(') {
		sh_parse.p++;
		if ((n = sh_node_new(SH_SUB)) == 0)
			return 0;
		n->left = sh_parse_line();
		if (sh_parse.error)
			return 0;
		if (n->left == 0) {
			sh_error("empty ( )");
			return 0;
		}
		if (sh_peek() != ')') {
			sh_error("( without )");
			return 0;
		}
		sh_parse.p++;
	} else if ((n = sh_node_new(SH_EXEC)) == 0)
		return 0;
	sh_parse_args(n);
	if (n->type == SH_EXEC && n->argc == 0 && n->nredir == 0)
		sh_error("a command is missing");
	return sh_parse.error ? 0 : n;
}

static struct sh_node *
sh_parse_pipe(void)
{
	struct sh_node	*n, *p;

	if ((n = sh_parse_cmd()) == 0)
		return 0;
	if (sh_peek() != '|')
		return n;
	sh_parse.p++;
	if ((p = sh_node_new(SH_PIPE)) == 0)
		return 0;
	p->left = n;
	if ((p->right = sh_parse_pipe()) == 0)
		return 0;
	return p;
}

/* A line, or a parenthesized list: ends at the end or before a ")". */
static struct sh_node *
sh_parse_line(void)
{
	struct sh_node	*n, *l, *rest;
	char		 c;

	if ((c = sh_peek()) == '\0' || c == ')')
		return 0;
	if ((n = sh_parse_pipe()) == 0)
		return 0;
	if ((c = sh_peek()) == '&') {
		sh_parse.p++;
		if ((l = sh_node_new(SH_BACK)) == 0)
			return 0;
		l->left = n;
		n = l;
	} else if (c == ';')
		sh_parse.p++;
	else if (c != '\0' && c != ')') {
		sh_error("unexpected character");
		return 0;
	}
	rest = sh_parse_line();
	if (sh_parse.error)
		return 0;
	if (rest == 0)
		return n;
	if ((l = sh_node_new(SH_LIST)) == 0)
		return 0;
	l->left = n;
	l->right = rest;
	return l;
}

static int
sh_fork(void)
{
	int	pid;

	if ((pid = fork()) < 0)
		fprintf(2, "sh: fork failed\n");
	return pid;
}

/* Wait for pid, reaping any other child on the way; its exit status. */
static int
sh_wait(int pid)
{
	int	p, status;

	while ((p = wait(&status)) >= 0) {
		if (p == pid)
			return status;
	}
	return -1;
}

/* Open n's redirections over standard input and output; exits on error. */
static void
sh_redirect(struct sh_node *n)
{
	int	i, fd, mode;

	for (i = 0; i < n->nredir; i++) {
		mode = n->redir[i].fd == 0 ? O_RDONLY :
		    O_WRONLY | O_CREATE | O_TRUNC;
		close(n->redir[i].fd);
		if ((fd = open(n->redir[i].file, mode)) < 0) {
			fprintf(2, "sh: cannot open %s\n", n->redir[i].file);
			exit(1);
		}
		if (fd != n->redir[i].fd) {
			/* A lower descriptor was free: move it. */
			close(n->redir[i].fd);
			if (dup(fd) != n->redir[i].fd) {
				fprintf(2, "sh: cannot redirect %d\n",
				    n->redir[i].fd);
				exit(1);
			}
			close(fd);
		}
	}
}

/* Run one end of a pipe: fd becomes the pipe's end end. */
static int
sh_pipe_end(struct sh_node *n, int p[2], int fd)
{
	int	pid;

	if ((pid = sh_fork()) != 0)
		return pid;
	close(fd);
	if (dup(p[fd]) != fd) {
		fprintf(2, "sh: cannot set up a pipe\n");
		exit(1);
	}
	close(p[0]);
	close(p[1]);
	sh_run(n);
}

/* Run the tree n in this process, which it ends. */
static void
sh_run(struct sh_node *n)
{
	int	p[2], left, right, pid, status, w, wstatus;

	switch (n->type) {
	case SH_EXEC:
		sh_redirect(n);
		if (n->argc == 0)
			exit(0);
		exec(n->argv[0], n->argv);
		fprintf(2, "exec %s failed\n", n->argv[0]);
		exit(1);
	case SH_SUB:
		sh_redirect(n);
		sh_run(n->left);
	case SH_PIPE:
		if (pipe(p) < 0) {
			fprintf(2, "sh: pipe failed\n");
			exit(1);
		}
		left = sh_pipe_end(n->left, p, 1);
		right = sh_pipe_end(n->right, p, 0);
		close(p[0]);
		close(p[1]);
		/* Either end may exit first: keep the right one's status. */
		status = 1;
		pid = (left > 0) + (right > 0);
		while (pid > 0 && (w = wait(&wstatus)) >= 0) {
			if (w == left || w == right)
				pid--;
			if (w == right)
				status = wstatus;
		}
		exit(status);
	case SH_LIST:
		if ((pid = sh_fork()) == 0)
			sh_run(n->left);
		if (pid > 0)
			sh_wait(pid);
		sh_run(n->right);
	case SH_BACK:
		/* The command's process is orphaned: init reaps it. */
		if ((pid = sh_fork()) == 0)
			sh_run(n->left);
		exit(pid > 0 ? 0 : 1);
	}
	exit(1);
}

/* A built-in command, run in the shell itself; 1 if n was one. */
static int
sh_builtin(struct sh_node *n, int *status)
{
	if (n->type != SH_EXEC || n->argc == 0 || n->nredir != 0)
		return 0;
	if (strcmp(n->argv[0], "cd") == 0) {
		*status = 0;
		if (n->argc != 2) {
			fprintf(2, "usage: cd dir\n");
			*status = 1;
		} else if (chdir(n->argv[1]) < 0) {
			fprintf(2, "cannot cd %s\n", n->argv[1]);
			*status = 1;
		}
		return 1;
	}
	if (strcmp(n->argv[0], "exit") == 0)
		exit(n->argc > 1 ? atoi(n->argv[1]) : 0);
	return 0;
}

/* Parse and run one line; its exit status (0 for an empty line). */
static int
sh_run_line(char *line)
{
	struct sh_node	*n;
	int		 pid, status;

	memset(&sh_parse, 0, sizeof sh_parse);
	sh_parse.p = line;
	n = sh_parse_line();
	if (!sh_parse.error && sh_peek() != '\0')
		sh_error("unbalanced )");
	if (sh_parse.error)
		return 2;
	if (n == 0)
		return 0;
	if (sh_builtin(n, &status))
		return status;
	if ((pid = sh_fork()) < 0)
		return 1;
	if (pid == 0)
		sh_run(n);
	return sh_wait(pid);
}

/*
 * Read a line from fd into buf, one byte at a time so that nothing
 * beyond it is taken from a shared input; its length, 0 at the end.
 */
static int
sh_getline(int fd, char *buf, int size)
{
	int	n = 0;
	char	c;

	while (n + 1 < size && read(fd, &c, 1) == 1) {
		buf[n++] = c;
		if (c == '\n')
			break;
	}
	buf[n] = '\0';
	return n;
}

int
main(int argc, char *argv[])
{
	static char	line[SH_LINE];
	int		fd = 0, prompt, status = 0;

	if (argc == 3 && strcmp(argv[1], "-c") == 0) {
		if (strlen(argv[2]) >= sizeof line) {
			fprintf(2, "sh: command line too long\n");
			exit(2);
		}
		strcpy(line, argv[2]);
		exit(sh_run_line(line));
	}
	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(2, "usage: sh [-c command | file]\n");
		exit(2);
	}
	if (argc == 2 && (fd = open(argv[1], O_RDONLY)) < 0) {
		fprintf(2, "sh: cannot open %s\n", argv[1]);
		exit(1);
	}
	prompt = argc == 1;
	for (;;) {
		if (prompt)
			write(2, "$ ", 2);
		if (sh_getline(fd, line, sizeof line) == 0)
			break;
		status = sh_run_line(line);
	}
	exit(prompt ? 0 : status);
}
