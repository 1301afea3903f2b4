/*
 * jsonget.c - find a number in a JSON text by a dotted path of member
 * names ("appel_li.trap.exokernel").  Only what exobench --trend needs:
 * objects are walked, everything else is skipped over without being
 * built; arrays are not indexed.  A malformed text is simply "not found",
 * since the texts come from our own programs and a bad one means the part
 * failed.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "jsonget.h"

#define JG_DEPTH	32	/* nesting we follow before giving up */

static const char	*jg_value(const char *, int);

static const char *
jg_space(const char *p)
{
	while (*p != '\0' && isspace((unsigned char)*p))
		p++;
	return (p);
}

/* Past a string whose opening quote p points at, or NULL. */
static const char *
jg_string(const char *p)
{
	for (p++; *p != '"'; p++) {
		if (*p == '\0')
			return (NULL);
		if (*p == '\\' && *++p == '\0')
			return (NULL);
	}
	return (p + 1);
}

/* Past an object or array whose opening bracket p points at, or NULL. */
static const char *
jg_compound(const char *p, int depth)
{
	char	 close = *p == '{' ? '}' : ']';

	p = jg_space(p + 1);
	if (*p == close)
		return (p + 1);
	for (;;) {
		if (close == '}') {
			if (*p != '"' || (p = jg_string(p)) == NULL)
				return (NULL);
			p = jg_space(p);
			if (*p++ != ':')
				return (NULL);
		}
		if ((p = jg_value(p, depth + 1)) == NULL)
			return (NULL);
		p = jg_space(p);
		if (*p == close)
			return (p + 1);
		if (*p++ != ',')
			return (NULL);
		p = jg_space(p);
	}
}

/* Past any value starting at p (after blanks), or NULL. */
static const char *
jg_value(const char *p, int depth)
{
	p = jg_space(p);
	if (depth > JG_DEPTH)
		return (NULL);
	if (*p == '"')
		return (jg_string(p));
	if (*p == '{' || *p == '[')
		return (jg_compound(p, depth));
	if (*p == '\0' || strchr(",:}]", *p) != NULL)
		return (NULL);
	while (*p != '\0' && strchr(",}] \t\r\n", *p) == NULL)
		p++;
	return (p);
}

/* In the object at p, the value of member name (len bytes), or NULL. */
static const char *
jg_member(const char *p, const char *name, size_t len)
{
	const char	*k, *e;

	p = jg_space(p);
	if (*p != '{')
		return (NULL);
	p = jg_space(p + 1);
	while (*p == '"') {
		k = p + 1;
		if ((e = jg_string(p)) == NULL)
			return (NULL);
		p = jg_space(e);
		if (*p++ != ':')
			return (NULL);
		p = jg_space(p);
		if ((size_t)(e - 1 - k) == len && memcmp(k, name, len) == 0)
			return (p);
		if ((p = jg_value(p, 1)) == NULL)
			return (NULL);
		p = jg_space(p);
		if (*p != ',')
			return (NULL);
		p = jg_space(p + 1);
	}
	return (NULL);
}

/*
 * The number at path in text into *out: 0, or -1 when the text has no
 * such member or it is not a number (null, say, for "not measured").
 */
int
jg_number(const char *text, const char *path, double *out)
{
	const char	*p = text, *dot;
	char		*end;
	size_t		 len;

	if (text == NULL)
		return (-1);
	while (*path != '\0') {
		dot = strchr(path, '.');
		len = dot != NULL ? (size_t)(dot - path) : strlen(path);
		if ((p = jg_member(p, path, len)) == NULL)
			return (-1);
		path += len;
		if (*path == '.')
			path++;
	}
	p = jg_space(p);
	if (*p != '-' && !isdigit((unsigned char)*p))
		return (-1);
	*out = strtod(p, &end);
	return (end == p ? -1 : 0);
}
