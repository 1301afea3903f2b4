/*
 * trend.h - exobench --trend: the three kernel structures side by side
 * (exobench-trend.c), the code-size table (trend-size.c) and the plot
 * (trend-plot.c).
 */
#ifndef TREND_H
#define TREND_H

#include <stddef.h>

/* The three columns of every row. */
enum {
	TREND_MONO,		/* the host kernel does it */
	TREND_MICRO,		/* a server process does it, over IPC */
	TREND_EXO,		/* exod and a libOS do it */
	TREND_COLS
};

/* One column's figure over the trials: found in n of them. */
struct trend_stat {
	int		 n;		/* trials that gave it; 0: see why */
	double		 median, min, max;
	const char	*why;		/* set exactly when n == 0 */
};

/* A row of the table, once computed. */
struct trend_line {
	const char		*key;		/* JSON name */
	const char		*label;		/* table name, no two blanks */
	const char		*unit;
	struct trend_stat	 col[TREND_COLS];
	struct trend_stat	 me;		/* micro / exo, per trial */
	struct trend_stat	 em;		/* exo / mono, per trial */
	double			 paper_me[2];	/* quoted range; 0: none */
	double			 paper_em[2];
	int			 goal_me;	/* micro/exo >= 5 is a goal */
};

/* A row of the code-size table. */
struct trend_size {
	const char	*key;
	const char	*label;
	const char	*path;		/* what was counted, or NULL */
	long		 files, lines;	/* lines: non-blank, of .c and .h */
	const char	*why;		/* set exactly when not counted */
};

#define TREND_GOAL_EM	1.5	/* exokernel / monolithic at most */
#define TREND_GOAL_ME	5.0	/* microkernel / exokernel at least */

int	trend_main(int, char **);
size_t	trend_size_count(struct trend_size *, size_t);
int	trend_plot(const char *, const struct trend_line *, size_t);

#endif /* TREND_H */
