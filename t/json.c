/*
 * json.t - the JSON writer (exod/json.h) that exoctl, libos-rt and
 * exobench share: whatever it is given, what it writes is one valid JSON
 * value that perl's JSON::PP decodes back to what was meant: hostile
 * strings (quotes, backslashes, control characters, bytes that are not
 * UTF-8, overlong forms, surrogates), numbers JSON cannot spell (NaN,
 * infinities), the extremes of the integers, nesting; and a caller's
 * mistakes (a member without a key, a close that does not match, too
 * deep, two values) are refused by json_finish without breaking the text.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "jsonq.h"
#include "tap.h"

static char	*buf;
static size_t	 len;
static FILE	*mem;

static struct json *
begin(struct json *j)
{
	free(buf);
	buf = NULL;
	if ((mem = open_memstream(&buf, &len)) == NULL)
		bail("open_memstream");
	json_start(j, mem);
	return (j);
}

/* json_finish's answer; the text, without its newline, is in buf. */
static int
end(struct json *j)
{
	int	rc = json_finish(j);

	fclose(mem);
	if (len == 0 || buf[len - 1] != '\n')
		rc = 2;		/* json_finish ends the text with a newline */
	else
		buf[--len] = '\0';
	return (rc);
}

/* One string value, written and decoded: is it what perl sees? */
static void
roundtrip(const char *in, const char *perl_expect, const char *what)
{
	struct json	j;
	char		expr[512], seen[16];

	begin(&j);
	json_object_open(&j);
	json_kstring(&j, in, in);	/* as a key and as a value */
	json_object_close(&j);
	ok(end(&j) == 0, "%s: written", what);
	snprintf(expr, sizeof expr, "my ($k) = keys %%$j; "
	    "($k eq %s && $j->{$k} eq %s) ? 'same' : 'differs'", perl_expect,
	    perl_expect);
	if (jq_eval(buf, expr, seen, sizeof seen) != 0)
		snprintf(seen, sizeof seen, "not JSON");
	if (!ok(strcmp(seen, "same") == 0, "%s: JSON::PP decodes it back "
	    "(%s)", what, seen))
		diag("text: %s", buf);
}

static void
test_strings(void)
{
	roundtrip("plain", "'plain'", "ASCII");
	roundtrip("a\"b\\c/d", "'a\"b\\\\c/d'", "quote and backslash");
	roundtrip("\x01\x1f\n\t\r\x7f", "\"\\x01\\x1f\\n\\t\\r\\x7f\"",
	    "control characters and DEL");
	roundtrip("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	    "\"caf\\x{e9} \\x{20ac} \\x{1f600}\"", "UTF-8 of 2, 3, 4 bytes");
	roundtrip("a\xffz", "\"a\\x{fffd}z\"", "a byte that is never UTF-8");
	roundtrip("\xc0\xaf", "\"\\x{fffd}\\x{fffd}\"", "an overlong '/'");
	roundtrip("\xed\xa0\x80", "\"\\x{fffd}\\x{fffd}\\x{fffd}\"",
	    "a UTF-16 surrogate");
	roundtrip("\xf4\x90\x80\x80", "\"\\x{fffd}\\x{fffd}\\x{fffd}\\x{fffd}\"",
	    "past U+10FFFF");
	roundtrip("cut \xe2\x82", "\"cut \\x{fffd}\\x{fffd}\"",
	    "a sequence cut short by the end");
}

static void
test_numbers(void)
{
	struct json	j;
	char		seen[256];

	begin(&j);
	json_array_open(&j);
	json_double(&j, NAN, 3);
	json_double(&j, INFINITY, 3);
	json_double(&j, -INFINITY, 3);
	json_double(&j, 1.5, 2);
	json_double(&j, -0.0, 1);
	json_double(&j, 1e300, 0);
	json_uint(&j, UINT64_MAX);
	json_int(&j, INT64_MIN);
	json_bool(&j, 1);
	json_null(&j);
	json_array_close(&j);
	ok(end(&j) == 0, "numbers: written");
	if (jq_eval(buf, "join ' ', map { defined $_ ? $_ : 'null' } "
	    "@$j[0..3,6..9]", seen, sizeof seen) != 0)
		snprintf(seen, sizeof seen, "not JSON: %s", buf);
	is_string("null null null 1.5 18446744073709551615 "
	    "-9223372036854775808 1 null", seen,
	    "NaN and the infinities are null; the integers' extremes exact");
	ok(jq_num(buf, "$j->[5] > 9.9e299 ? 1 : 0", 0) == 1 &&
	    jq_num(buf, "scalar @$j", 0) == 10,
	    "1e300 is a number; ten elements");
}

static void
test_nesting(void)
{
	struct json	j;
	int		i;

	begin(&j);
	for (i = 0; i < JSON_DEPTH_MAX; i++)
		json_array_open(&j);
	json_object_open(&j);	/* one too deep: dropped */
	for (i = 0; i < JSON_DEPTH_MAX; i++)
		json_array_close(&j);
	ok(end(&j) != 0, "one level too deep: json_finish fails");
	ok(jq_valid(buf), "and the text is still JSON");

	begin(&j);
	json_object_open(&j);
	json_kuint(&j, "a", 1);
	json_key(&j, "o");
	json_object_open(&j);
	json_key(&j, "l");
	json_array_open(&j);
	json_object_open(&j);
	json_object_close(&j);
	json_array_open(&j);
	json_array_close(&j);
	json_string(&j, NULL);
	json_array_close(&j);
	json_object_close(&j);
	json_key(&j, "raw");
	json_raw(&j, "{\"x\":[1,2]}\n");
	json_key(&j, "none");
	json_raw(&j, "");
	json_object_close(&j);
	ok(end(&j) == 0, "nested objects and arrays: written");
	ok(jq_num(buf, "$j->{a} == 1 && ref $j->{o}{l}[0] eq 'HASH' && "
	    "ref $j->{o}{l}[1] eq 'ARRAY' && !defined $j->{o}{l}[2] && "
	    "$j->{raw}{x}[1] == 2 && exists $j->{none} && !defined $j->{none}",
	    0) == 1, "they decode to the same tree; an empty raw value is "
	    "null");
}

static void
test_misuse(void)
{
	struct json	j;

	begin(&j);
	json_object_open(&j);
	json_uint(&j, 7);		/* no key */
	json_object_close(&j);
	ok(end(&j) != 0, "a member without a key: refused");
	ok(jq_valid(buf), "and left out (%s)", buf);

	begin(&j);
	json_array_open(&j);
	json_key(&j, "k");		/* a key in an array */
	json_uint(&j, 1);
	json_object_close(&j);		/* the wrong close */
	json_array_close(&j);
	ok(end(&j) != 0, "a key in an array, a mismatched close: refused");
	ok(jq_valid(buf), "and the text is JSON (%s)", buf);

	begin(&j);
	json_uint(&j, 1);
	json_uint(&j, 2);		/* a second top-level value */
	ok(end(&j) != 0, "two values: refused");
	ok(jq_valid(buf), "and only the first is written (%s)", buf);

	begin(&j);
	json_object_open(&j);
	json_key(&j, "k");
	ok(end(&j) != 0, "an unfinished object: json_finish fails");

	begin(&j);
	ok(end(&j) == -1, "nothing written: json_finish fails");
}

int
main(void)
{
	plan_lazy();
	test_strings();
	test_numbers();
	test_nesting();
	test_misuse();
	free(buf);
	return (tap_failures() ? 1 : 0);
}
