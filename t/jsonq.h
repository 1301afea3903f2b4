/*
 * jsonq.h - the tests read JSON with a real parser: perl's JSON::PP
 * decodes the text (strictly: one UTF-8 JSON value and nothing else)
 * and a perl expression over $j, the decoded value, picks what the test
 * wants, e.g. '$j->{libos}[0]{frames}'.
 */
#ifndef T_JSONQ_H
#define T_JSONQ_H

#include <stddef.h>

/* The expression's value into out, as perl prints it (true 1, false 0).
 * 0; -1 if the text is not JSON, or the value is undefined or a
 * reference, or perl cannot be run. */
int		 jq_eval(const char *, const char *, char *, size_t);
/* The expression's value as an integer, or def if jq_eval fails or the
 * value is not an integer. */
long long	 jq_num(const char *, const char *, long long);
/* Is the text one valid JSON value?  1 or 0. */
int		 jq_valid(const char *);

#endif /* T_JSONQ_H */
