/*
 * string.c - the string and memory functions of the user library.
 *
 * Plain byte loops: programs on libos-unix are small and these must not
 * depend on anything but themselves.  The compiler may emit calls to
 * memcpy, memmove and memset on its own (struct copies), so they must
 * behave as the C standard's do for any size below 4 GiB.
 */
#include "kernel/types.h"
#include "user/user.h"

/*
 * GCC would otherwise turn the loops below into calls to memset and
 * memcpy themselves: an endless recursion.  (clang does not, under
 * -ffreestanding.)
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-tree-loop-distribute-patterns")
#endif

char *
strcpy(char *dst, const char *src)
{
	char	*d = dst;

	while ((*d++ = *src++) != '\0')
		;
	return dst;
}

int
strcmp(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return (uchar)*a - (uchar)*b;
}

uint
strlen(const char *s)
{
	uint	n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

char *
strchr(const char *s, char c)
{
	for (; *s != '\0'; s++) {
		if (*s == c)
			return (char *)s;
	}
	return 0;
}

void *
memset(void *dst, int c, uint n)
{
	uchar	*d = dst;

	while (n-- > 0)
		*d++ = (uchar)c;
	return dst;
}

/* Copies correctly whichever way the two ranges overlap. */
void *
memmove(void *dst, const void *src, int n)
{
	uchar		*d = dst;
	const uchar	*s = src;

	if (n <= 0)
		return dst;
	if (s < d && d < s + n) {
		d += n;
		s += n;
		while (n-- > 0)
			*--d = *--s;
	} else {
		while (n-- > 0)
			*d++ = *s++;
	}
	return dst;
}

void *
memcpy(void *dst, const void *src, uint n)
{
	uchar		*d = dst;
	const uchar	*s = src;

	while (n-- > 0)
		*d++ = *s++;
	return dst;
}

int
memcmp(const void *a, const void *b, uint n)
{
	const uchar	*p = a, *q = b;

	for (; n > 0; n--, p++, q++) {
		if (*p != *q)
			return *p - *q;
	}
	return 0;
}

/* xv6's atoi: leading decimal digits only, no sign, no white space. */
int
atoi(const char *s)
{
	int	n = 0;

	while (*s >= '0' && *s <= '9')
		n = n * 10 + (*s++ - '0');
	return n;
}
