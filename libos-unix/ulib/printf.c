/*
 * printf.c - formatted output: printf(3) and fprintf(3).
 *
 * The conversions are xv6's (%d %u %x %p %s %c %%, with an l or ll before
 * d, u or x for a 64-bit value).  Output is gathered in a buffer and
 * written with as few write(2)s as possible, so that a line printed by one
 * process reaches a pipe or the console in one piece.
 */
#include "kernel/types.h"
#include "user/user.h"

#define PRINTF_BUF	256

struct printf_out {
	int	fd;			/* where the buffer goes */
	int	len;			/* bytes used in buf, < PRINTF_BUF */
	char	buf[PRINTF_BUF];
};

static void
printf_flush(struct printf_out *o)
{
	if (o->len > 0)
		write(o->fd, o->buf, o->len);
	o->len = 0;
}

static void
printf_putc(struct printf_out *o, char c)
{
	o->buf[o->len++] = c;
	if (o->len == PRINTF_BUF)
		printf_flush(o);
}

static void
printf_puts(struct printf_out *o, const char *s)
{
	if (s == 0)
		s = "(null)";
	while (*s != '\0')
		printf_putc(o, *s++);
}

/* An unsigned number in base 10 or 16, with a minus sign if neg. */
static void
printf_num(struct printf_out *o, uint64 v, int base, int neg)
{
	static const char	digits[] = "0123456789abcdef";
	char			tmp[24];
	int			i = 0;

	do {
		tmp[i++] = digits[v % base];
		v /= base;
	} while (v != 0);
	if (neg)
		printf_putc(o, '-');
	while (i > 0)
		printf_putc(o, tmp[--i]);
}

/* A signed value: the magnitude of the most negative one still fits. */
static void
printf_signed(struct printf_out *o, long v)
{
	if (v < 0)
		printf_num(o, -(uint64)v, 10, 1);
	else
		printf_num(o, (uint64)v, 10, 0);
}

static void
printf_fmt(struct printf_out *o, const char *fmt, __builtin_va_list ap)
{
	int	lng;

	for (; *fmt != '\0'; fmt++) {
		if (*fmt != '%') {
			printf_putc(o, *fmt);
			continue;
		}
		lng = 0;
		while (fmt[1] == 'l') {
			lng++;
			fmt++;
		}
		switch (*++fmt) {
		case 'd':
			if (lng)
				printf_signed(o, __builtin_va_arg(ap, long));
			else
				printf_signed(o, __builtin_va_arg(ap, int));
			break;
		case 'u':
		case 'x':
			printf_num(o, lng ? __builtin_va_arg(ap, uint64) :
			    __builtin_va_arg(ap, uint), *fmt == 'u' ? 10 : 16,
			    0);
			break;
		case 'p':
			printf_puts(o, "0x");
			printf_num(o, (uint64)__builtin_va_arg(ap, void *),
			    16, 0);
			break;
		case 's':
			printf_puts(o, __builtin_va_arg(ap, const char *));
			break;
		case 'c':
			printf_putc(o, (char)__builtin_va_arg(ap, int));
			break;
		case '%':
			printf_putc(o, '%');
			break;
		case '\0':
			/* A lone % at the end: print it, stop. */
			printf_putc(o, '%');
			return;
		default:
			/* Unknown: show it as written, as xv6 does. */
			printf_putc(o, '%');
			printf_putc(o, *fmt);
			break;
		}
	}
}

void
fprintf(int fd, const char *fmt, ...)
{
	struct printf_out	o;
	__builtin_va_list	ap;

	o.fd = fd;
	o.len = 0;
	__builtin_va_start(ap, fmt);
	printf_fmt(&o, fmt, ap);
	__builtin_va_end(ap);
	printf_flush(&o);
}

void
printf(const char *fmt, ...)
{
	struct printf_out	o;
	__builtin_va_list	ap;

	o.fd = 1;
	o.len = 0;
	__builtin_va_start(ap, fmt);
	printf_fmt(&o, fmt, ap);
	__builtin_va_end(ap);
	printf_flush(&o);
}
