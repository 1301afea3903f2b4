/*
 * net.h - the network's internal interfaces, shared by the files that
 * make it up and by the tests and exobench that drive them directly.
 *
 *	bpf_verify.c	the verifier and the interpreter (bpf_*)
 *	demux.c		merged demultiplexing (demux_*)
 *	nic_tap.c, nic_udp.c, nic_pcap.c   the backends (nic_*)
 *	net.c		rings, delivery, ownership, capture (net_*)
 *	req_net.c	the NET_* requests
 */
#ifndef EXOD_NET_H
#define EXOD_NET_H

#include <sys/queue.h>
#include <stddef.h>
#include <stdint.h>

#include "exo_proto.h"

/* --- bpf_verify.c --------------------------------------------------- */
int	 bpf_verify(const struct exo_bpf_insn *, size_t,
	    struct exo_net_verdict *);
uint32_t bpf_run(const struct exo_bpf_insn *, size_t, const uint8_t *,
	    size_t);
const char *bpf_reason(uint32_t);

/* --- demux.c -------------------------------------------------------- */

/*
 * One installed filter, as the demultiplexer sees it.  A merged filter
 * is known by its class and key (the class's fields); the others carry
 * their program.
 */
struct demux_filter {
	TAILQ_ENTRY(demux_filter) entry;	/* unmerged list, or its bucket */
	uint64_t	 id;		/* unique for this run */
	uint32_t	 libos;		/* owner */
	uint32_t	 nclass;		/* enum exo_net_class */
	uint32_t	 addr;		/* HOST*: the address, host order */
	uint16_t	 port;		/* *UDP*, *TCP*: the port */
	uint16_t	 ninsns;
	struct exo_bpf_insn *insns;	/* owned; verified */
	void		*owner;		/* the caller's (net.c: its filter) */
	unsigned	 bucket;	/* merged: index in the hash table */
};
TAILQ_HEAD(demux_list, demux_filter);

#define DEMUX_BUCKETS	1024	/* hash table of merged filters */

struct demux {
	struct demux_list	 bucket[DEMUX_BUCKETS]; /* by class and key */
	struct demux_list	 arp;		/* EXO_NET_ARP filters */
	struct demux_list	 unmerged;	/* run one after another */
	unsigned		 count[EXO_NET_CLASSES]; /* filters per class */
	int			 merge;		/* 0: run every filter (bench) */
};

/* Called for every filter that accepts a packet; non-zero stops. */
typedef int	(*demux_fn)(struct demux_filter *, void *);

int	 demux_templates_init(void);
void	 demux_templates_fini(void);
void	 demux_init(struct demux *, int);
int	 demux_classify(const struct exo_bpf_insn *, size_t, uint32_t *,
	    uint32_t *, uint16_t *);
void	 demux_add(struct demux *, struct demux_filter *);
void	 demux_remove(struct demux *, struct demux_filter *);
unsigned demux_run(struct demux *, const uint8_t *, size_t, demux_fn,
	    void *);
int	 demux_overlap(const struct demux_filter *,
	    const struct demux_filter *);
int	 demux_claims_source(const struct demux_filter *, const uint8_t *,
	    size_t);
void	 demux_key(const struct demux_filter *, char *, size_t);
const char *demux_class_name(uint32_t);

/* --- the backends --------------------------------------------------- */
struct nic_ops {
	const char	*name;
	int		(*open)(const char *);		/* the fd to poll */
	int		(*send)(int, const void *, size_t);
	long		(*recv)(int, void *, size_t);	/* -1 nothing now */
	void		(*close)(int);
};
extern const struct nic_ops nic_tap;
extern const struct nic_ops nic_udp;

/* The capture-file backend replays its frames on a timer instead. */
int	 nic_pcap_open(const char *);
int	 nic_pcap_next(const uint8_t **, size_t *, uint64_t *);
void	 nic_pcap_close(void);

#endif /* EXOD_NET_H */
