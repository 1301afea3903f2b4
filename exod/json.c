/*
 * json.c - the JSON writer (json.h).  Every call checks that it is
 * allowed where the writer stands (a value where a value may go, a key
 * only inside an object); one that is not is dropped and remembered, so
 * the text stays well formed and json_finish() reports the mistake.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "json.h"

void
json_start(struct json *j, FILE *f)
{
	memset(j, 0, sizeof *j);
	j->f = f;
}

/* Newline after the value; 0, or -1 after misuse, an unfinished value
 * or a write error. */
int
json_finish(struct json *j)
{
	if (!j->done || j->depth != 0 || j->key)
		j->error = 1;
	fputc('\n', j->f);
	if (fflush(j->f) != 0 || ferror(j->f))
		j->error = 1;
	return (j->error ? -1 : 0);
}

/* May a value be written here?  If so, write the comma it needs. */
static int
json_value_ok(struct json *j)
{
	if (j->done) {
		j->error = 1;
		return (0);
	}
	if (j->depth == 0)
		return (1);
	if (j->open[j->depth - 1] == '{') {
		if (!j->key) {
			j->error = 1;	/* a member needs its key first */
			return (0);
		}
		j->key = 0;
		return (1);
	}
	if (j->used[j->depth - 1])
		fputc(',', j->f);
	j->used[j->depth - 1] = 1;
	return (1);
}

/* A scalar was written: at the top level that is the whole value. */
static void
json_value_end(struct json *j)
{
	if (j->depth == 0)
		j->done = 1;
}

static void
json_open(struct json *j, char c)
{
	if (j->depth == JSON_DEPTH_MAX) {
		j->error = 1;
		return;
	}
	if (!json_value_ok(j))
		return;
	j->open[j->depth] = c;
	j->used[j->depth] = 0;
	j->depth++;
	fputc(c, j->f);
}

static void
json_close(struct json *j, char c)
{
	if (j->depth == 0 || j->open[j->depth - 1] != c || j->key) {
		j->error = 1;
		return;
	}
	j->depth--;
	fputc(c == '{' ? '}' : ']', j->f);
	json_value_end(j);
}

void
json_object_open(struct json *j)
{
	json_open(j, '{');
}

void
json_object_close(struct json *j)
{
	json_close(j, '{');
}

void
json_array_open(struct json *j)
{
	json_open(j, '[');
}

void
json_array_close(struct json *j)
{
	json_close(j, '[');
}

/*
 * The length of the well-formed UTF-8 sequence at s (1 to 4), or 0: an
 * overlong form, a surrogate, a code point past U+10FFFF or a truncated
 * sequence is not one.
 */
static size_t
json_utf8_len(const unsigned char *s)
{
	uint32_t	cp;
	size_t		n, i;

	if (s[0] < 0x80)
		return (1);
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else
		return (0);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);	/* also stops at the NUL */
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return (0);
	return (n);
}

/* s as a JSON string; a byte that is not UTF-8 becomes U+FFFD. */
static void
json_quote(FILE *f, const char *str)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 n;

	fputc('"', f);
	while (*s != '\0') {
		if (*s == '"' || *s == '\\') {
			fputc('\\', f);
			fputc(*s++, f);
		} else if (*s == '\n') {
			fputs("\\n", f);
			s++;
		} else if (*s == '\t') {
			fputs("\\t", f);
			s++;
		} else if (*s < 0x20 || *s == 0x7f) {
			fprintf(f, "\\u%04x", *s++);
		} else if ((n = json_utf8_len(s)) == 0) {
			fputs("\\ufffd", f);
			s++;
		} else {
			fwrite(s, 1, n, f);
			s += n;
		}
	}
	fputc('"', f);
}

void
json_key(struct json *j, const char *k)
{
	if (j->depth == 0 || j->open[j->depth - 1] != '{' || j->key ||
	    k == NULL) {
		j->error = 1;
		return;
	}
	if (j->used[j->depth - 1])
		fputc(',', j->f);
	j->used[j->depth - 1] = 1;
	json_quote(j->f, k);
	fputc(':', j->f);
	j->key = 1;
}

/* A string; NULL is written as null. */
void
json_string(struct json *j, const char *s)
{
	if (!json_value_ok(j))
		return;
	if (s == NULL)
		fputs("null", j->f);
	else
		json_quote(j->f, s);
	json_value_end(j);
}

void
json_uint(struct json *j, uint64_t v)
{
	if (!json_value_ok(j))
		return;
	fprintf(j->f, "%" PRIu64, v);
	json_value_end(j);
}

void
json_int(struct json *j, int64_t v)
{
	if (!json_value_ok(j))
		return;
	fprintf(j->f, "%" PRId64, v);
	json_value_end(j);
}

/* v with prec digits after the point (0 to 17); NaN and the infinities,
 * which JSON has no spelling for, are null. */
void
json_double(struct json *j, double v, int prec)
{
	if (!json_value_ok(j))
		return;
	if (prec < 0 || prec > 17)
		prec = 17;
	if (!isfinite(v))
		fputs("null", j->f);
	else
		fprintf(j->f, "%.*f", prec, v);
	json_value_end(j);
}

void
json_bool(struct json *j, int v)
{
	if (!json_value_ok(j))
		return;
	fputs(v ? "true" : "false", j->f);
	json_value_end(j);
}

void
json_null(struct json *j)
{
	if (!json_value_ok(j))
		return;
	fputs("null", j->f);
	json_value_end(j);
}

/*
 * text, one whole value written by another json.h writer (exobench
 * gathers its parts' output this way), without its trailing newline;
 * an empty text, as a part that printed nothing leaves, is null.
 */
void
json_raw(struct json *j, const char *text)
{
	size_t	n = text != NULL ? strlen(text) : 0;

	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '))
		n--;
	if (!json_value_ok(j))
		return;
	if (n == 0)
		fputs("null", j->f);
	else
		fwrite(text, 1, n, j->f);
	json_value_end(j);
}

void
json_kstring(struct json *j, const char *k, const char *v)
{
	json_key(j, k);
	json_string(j, v);
}

void
json_kuint(struct json *j, const char *k, uint64_t v)
{
	json_key(j, k);
	json_uint(j, v);
}

void
json_kint(struct json *j, const char *k, int64_t v)
{
	json_key(j, k);
	json_int(j, v);
}

void
json_kdouble(struct json *j, const char *k, double v, int prec)
{
	json_key(j, k);
	json_double(j, v, prec);
}

void
json_kbool(struct json *j, const char *k, int v)
{
	json_key(j, k);
	json_bool(j, v);
}

void
json_knull(struct json *j, const char *k)
{
	json_key(j, k);
	json_null(j);
}
