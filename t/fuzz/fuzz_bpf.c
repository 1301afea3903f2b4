/*
 * fuzz_bpf.c - libFuzzer target for exod's BPF verifier, interpreter and
 * demultiplexer: random programs and packets must never crash, and a
 * verified program must never read outside the packet (the packet is
 * copied into a buffer of exactly its length, so AddressSanitizer sees
 * any read past it).
 *
 * Input: one byte n (instructions, up to 255), n * 8 bytes of program,
 * the rest the packet.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int		 ready;
	static struct demux	 dm;
	struct exo_bpf_insn	*prog;
	struct exo_net_verdict	 v;
	struct demux_filter	 f;
	uint8_t			*pkt;
	size_t			 n, plen;

	if (!ready) {
		(void)demux_templates_init();
		demux_init(&dm, 1);
		ready = 1;
	}
	if (size < 1)
		return (0);
	n = data[0];
	if (size < 1 + n * sizeof *prog)
		return (0);
	prog = malloc(n > 0 ? n * sizeof *prog : 1);
	memcpy(prog, data + 1, n * sizeof *prog);
	plen = size - 1 - n * sizeof *prog;
	pkt = malloc(plen > 0 ? plen : 1);
	memcpy(pkt, data + 1 + n * sizeof *prog, plen);
	if (bpf_verify(prog, n, &v) == 0) {
		(void)bpf_run(prog, n, pkt, plen);
		memset(&f, 0, sizeof f);
		f.insns = prog;
		f.ninsns = (uint16_t)n;
		demux_classify(prog, n, &f.nclass, &f.addr, &f.port);
		demux_add(&dm, &f);
		(void)demux_run(&dm, pkt, plen, NULL, NULL);
		demux_remove(&dm, &f);
	} else if (v.reason == 0 || v.reason > EXO_BPF_NORET)
		abort();	/* a refusal always says why */
	free(pkt);
	free(prog);
	return (0);
}
