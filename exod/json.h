/*
 * json.h - the one JSON writer of exo's programs (exoctl, libos-rt,
 * exobench).  It writes one value, compactly, to a stdio stream, and
 * the text it writes is valid JSON for every input: strings are escaped
 * (control characters, quotes, backslashes, bytes that are not UTF-8),
 * numbers that JSON cannot spell (NaN, infinities) become null, commas
 * and nesting are kept by the writer, not by its callers.
 *
 *	struct json j;
 *	json_start(&j, stdout);
 *	json_object_open(&j);
 *	json_kuint(&j, "frames", n);
 *	json_key(&j, "libos");
 *	json_array_open(&j);
 *	...
 *	json_array_close(&j);
 *	json_object_close(&j);
 *	if (json_finish(&j) != 0) ...
 */
#ifndef EXO_JSON_H
#define EXO_JSON_H

#include <stdint.h>
#include <stdio.h>

#define JSON_DEPTH_MAX	16	/* objects and arrays open at once */

struct json {
	FILE		*f;		/* where the text goes */
	unsigned	 depth;		/* open objects and arrays, <= MAX */
	char		 open[JSON_DEPTH_MAX];	/* '{' or '[' at each depth */
	unsigned char	 used[JSON_DEPTH_MAX];	/* a member written there */
	int		 key;		/* a key is written, its value is not */
	int		 done;		/* the top-level value is complete */
	int		 error;		/* misuse seen: json_finish fails */
};

void	json_start(struct json *, FILE *);
int	json_finish(struct json *);

void	json_object_open(struct json *);
void	json_object_close(struct json *);
void	json_array_open(struct json *);
void	json_array_close(struct json *);
void	json_key(struct json *, const char *);

void	json_string(struct json *, const char *);
void	json_uint(struct json *, uint64_t);
void	json_int(struct json *, int64_t);
void	json_double(struct json *, double, int);
void	json_bool(struct json *, int);
void	json_null(struct json *);
/* A value another json.h writer wrote (a child program's output). */
void	json_raw(struct json *, const char *);

/* A member of an object: json_key and the value in one call. */
void	json_kstring(struct json *, const char *, const char *);
void	json_kuint(struct json *, const char *, uint64_t);
void	json_kint(struct json *, const char *, int64_t);
void	json_kdouble(struct json *, const char *, double, int);
void	json_kbool(struct json *, const char *, int);
void	json_knull(struct json *, const char *);

#endif /* EXO_JSON_H */
