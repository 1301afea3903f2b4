/*
 * netlat.h - exobench-net's delivery latencies (netlat.c).
 */
#ifndef NETLAT_H
#define NETLAT_H

/* Start a private exod with a NIC, measure, stop it; figures in bl_fig. */
void	netlat_bench(int);

#endif /* NETLAT_H */
