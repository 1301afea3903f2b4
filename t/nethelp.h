/*
 * nethelp.h - what the network tests share: the "wire" (a UDP socket on
 * loopback that is the other end of exod's udp: backend), t/libos-net
 * children, and exod's NET_INFO.
 */
#ifndef NETHELP_H
#define NETHELP_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "exo.h"
#include "cpuhelp.h"

/* A UDP socket bound on 127.0.0.1, its port in *port; bails on failure. */
int	 nh_wire(uint16_t *);
/* A port free on 127.0.0.1 now (bound and released). */
uint16_t nh_free_port(void);
/* Make the wire send to exod's port. */
void	 nh_wire_to(int, uint16_t);
/* One frame onto the wire; bails on failure. */
void	 nh_inject(int, const void *, size_t);
/* One frame from the wire within ms: its length, or -1. */
long	 nh_wire_recv(int, void *, size_t, int);
/* Start t/libos-net -S sock args... (NULL-terminated). */
void	 nh_spawn(struct lc *, const char *, ...);
/* NET_INFO over a control connection: records into recs (max): count,
 * or -EXO_E*. */
int	 nh_info(const char *, struct exo_net_info *,
	    struct exo_net_filter_info *, unsigned);
/* Poll NET_INFO until rx reaches want or ms pass: the last rx seen. */
uint64_t nh_wait_rx(const char *, uint64_t, int);
/* The first record of libOS libos (class class, or any with -1). */
const struct exo_net_filter_info *nh_rec(const struct exo_net_filter_info *,
	    int, uint32_t, int);

/*
 * Start exoctl -S sock capture path -c count+1 and make sure it is
 * capturing before returning its pid: probe frames (nh_probe) go onto
 * the wire, one at a time, until exod has copied one to it.  The file
 * then holds that probe, then the next count frames exod sees.
 */
pid_t	 nh_capture(const char *, const char *, unsigned, int);
/* The probe's length, its bytes in buf (PKT_MAX). */
size_t	 nh_probe(void *);

/* Run exod -f -S dir/sock-refused args... (NULL-terminated), its stderr
 * in dir/err-refused, until it exits: its wait status (-1: it ran on and
 * was killed); *named says whether its stderr holds word. */
int	 nh_exod_refused(const char *, const char *, int *, ...);

#endif /* NETHELP_H */
