/*
 * benchlib.h - what the exobench programs share: a private exod, clocks,
 * statistics, and the figure table every program prints.
 */
#ifndef BENCHLIB_H
#define BENCHLIB_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

/* A figure: exo's value, the raw primitive's in the same run, a target. */
struct bfig {
	const char	*key;		/* JSON name */
	const char	*label;		/* table name */
	double		 exo;
	double		 base;		/* 0 when there is no baseline */
	const char	*unit;
	const char	*what;		/* what the baseline is */
	const char	*target;	/* in words, or NULL */
	int		 met;		/* 1, 0, or -1 when no target */
};

#define BL_EXODS	2	/* exods one program may run at once */

void		 bl_init(const char *, int, char **);
void		 bl_options(const char *, int, char **, int *, int *);
void		 bl_version(const char *) __attribute__((noreturn));
const char	*bl_exod_path(const char *);
void		 bl_exod_launch(int, const char *const *);
void		 bl_exod_wait(int);
void		 bl_exod_start(const char *const *);
void		 bl_exod_finish(int);
void		 bl_exod_stop(void);
const char	*bl_sock(void);
const char	*bl_sockn(int);
const char	*bl_dir(void);
const char	*bl_self(void);
void		 bl_die(const char *, ...) __attribute__((noreturn,
		    format(printf, 1, 2)));
void		 bl_die_exo(const char *, int) __attribute__((noreturn));
uint64_t	 bl_now(void);
double		 bl_median(double *, size_t);
double		 bl_mid(double *, size_t);
double		*bl_samples(int);
double		 bl_pct(double *, size_t, double);
double		 bl_mean(const double *, size_t);
struct bfig	*bl_fig(const char *, const char *, const char *);
void		 bl_print(int);
pid_t		 bl_spawn(const char *, char *const *, int *);
void		 bl_track(pid_t);
void		 bl_untrack(pid_t);
const char	*bl_path(const char *);

#endif /* BENCHLIB_H */
