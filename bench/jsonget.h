/*
 * jsonget.h - read one number out of a JSON text by its path of member
 * names, for exobench --trend, which reads what the other parts print.
 */
#ifndef JSONGET_H
#define JSONGET_H

int	jg_number(const char *, const char *, double *);

#endif /* JSONGET_H */
