/*
 * trend-plot.c - exobench --trend --plot FILE.png: the table as a
 * picture, drawn by gnuplot(1).  One group of bars per operation: the
 * time each system takes relative to the host kernel (so the monolithic
 * bar is 1), on a log scale, with the range the paper gives for ExOS
 * against Ultrix marked on the exokernel bar and the goal (1.5) as a
 * dashed line.  gnuplot rather than libpng: it sets the labels and axes.
 */
#include "config.h"

#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "benchlib.h"
#include "trend.h"

/* One line of data: the group's position, label and its four values. */
static void
trend_plot_row(FILE *f, size_t i, const struct trend_line *l,
    double *lo, double *hi)
{
	double	 v[4];
	int	 k;

	v[0] = l->col[TREND_MONO].n ? 1 : NAN;
	v[1] = l->col[TREND_MICRO].n && l->col[TREND_MONO].n ?
	    l->col[TREND_MICRO].median / l->col[TREND_MONO].median : NAN;
	v[2] = l->em.n ? l->em.median : NAN;
	v[3] = l->paper_em[0] != 0 ? l->paper_em[0] : NAN;
	fprintf(f, "%zu\t%s", i, l->label);
	for (k = 0; k < 4; k++) {
		if (isnan(v[k])) {
			fprintf(f, "\t?");
			continue;
		}
		fprintf(f, "\t%.6g", v[k]);
		*lo = fmin(*lo, v[k]);
		*hi = fmax(*hi, v[k]);
	}
	if (l->paper_em[1] != 0) {
		fprintf(f, "\t%.6g\n", l->paper_em[1]);
		*hi = fmax(*hi, l->paper_em[1]);
	} else
		fprintf(f, "\t?\n");
}

static void
trend_plot_script(FILE *f, const char *png, const char *data, double lo,
    double hi)
{
	fprintf(f,
	    "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) "
	    "{ set terminal pngcairo size 1400,760 font 'sans,10' } "
	    "else { set terminal png size 1400,760 }\n"
	    "set output '%s'\n"
	    "set title \"exobench --trend: time of each operation relative "
	    "to the host kernel (log scale, lower is faster)\"\n"
	    "set logscale y\n"
	    "set yrange [%g:%g]\n"
	    "set ylabel 'time / monolithic'\n"
	    "set datafile separator '\\t'\n"
	    "set datafile missing '?'\n"
	    "set style fill solid 0.85 border -1\n"
	    "set boxwidth 0.9\n"
	    "set xtics rotate by 35 right nomirror\n"
	    "set grid ytics\n"
	    "set key outside top center horizontal\n"
	    "set bmargin 11\n"
	    "set lmargin 16\n"
	    "plot '%s' using ($1*4):3 with boxes lc rgb '#4477aa' "
	    "title 'monolithic (host kernel)', "
	    "'' using ($1*4+1):4:xtic(2) with boxes lc rgb '#ee6677' "
	    "title 'microkernel (server over IPC)', "
	    "'' using ($1*4+2):5 with boxes lc rgb '#228833' "
	    "title 'exokernel (exod + libOS)', "
	    "'' using ($1*4+2):($7 == $7 ? sqrt($6*$7) : $6):6:"
	    "($7 == $7 ? $7 : $6) with yerrorbars "
	    "lc rgb 'black' pt 7 ps 1.2 lw 2 "
	    "title 'paper: ExOS / Ultrix (abstract, range)', "
	    "%g with lines dt 2 lw 2 lc rgb '#555555' "
	    "title 'goal: exokernel <= %g x monolithic'\n",
	    png, lo, hi, data, TREND_GOAL_EM, TREND_GOAL_EM);
}

/* Draw l[0..n-1] into png: 0, or -1 (said on stderr). */
int
trend_plot(const char *png, const struct trend_line *l, size_t n)
{
	char	 data[PATH_MAX], script[PATH_MAX];
	double	 lo = 1, hi = 1;
	FILE	*f;
	size_t	 i;
	pid_t	 pid;
	int	 status;

	snprintf(data, sizeof data, "%s/trend.dat", bl_dir());
	snprintf(script, sizeof script, "%s/trend.gp", bl_dir());
	if ((f = fopen(data, "w")) == NULL) {
		fprintf(stderr, "exobench: %s: %s\n", data, strerror(errno));
		return (-1);
	}
	for (i = 0; i < n; i++)
		trend_plot_row(f, i, &l[i], &lo, &hi);
	fclose(f);
	if ((f = fopen(script, "w")) == NULL) {
		fprintf(stderr, "exobench: %s: %s\n", script, strerror(errno));
		return (-1);
	}
	/* a decade of room each way, and the goal line always in view */
	trend_plot_script(f, png, data, fmin(lo, 1) / 10,
	    fmax(hi, TREND_GOAL_EM) * 10);
	if (fclose(f) != 0)
		return (-1);
	fflush(stdout);
	if ((pid = fork()) == -1)
		return (-1);
	if (pid == 0) {
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execlp("gnuplot", "gnuplot", script, (char *)NULL);
		fprintf(stderr, "exobench: --plot needs gnuplot(1) "
		    "(Debian: gnuplot-nox): %s\n", strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "exobench: gnuplot could not draw %s\n", png);
		return (-1);
	}
	return (0);
}
