/*
 * bpf_verify.c - classic BPF from a libOS: the verifier, and the
 * interpreter that runs only what the verifier passed.
 *
 * A filter is data from an untrusted peer.  bpf_verify proves, before
 * the filter ever runs, that it cannot loop (every jump goes forward and
 * lands inside the program, and the last instruction returns, so every
 * path ends in a return within n steps), cannot name memory outside the
 * scratch words or a packet offset no frame can have, and cannot divide
 * by a constant zero.  bpf_run still checks each packet load against
 * the packet's length at run time (a load past the end rejects the
 * packet, as in every BPF) and treats division by a zero X the same way:
 * so a verified filter can never read outside the packet.
 */
#include "config.h"

#include <sys/types.h>

#include <pcap/bpf.h>
#include <string.h>

#include "net.h"

static const char *const bpf_reasons[] = {
	[EXO_BPF_EMPTY] = "empty program",
	[EXO_BPF_TOOLONG] = "program too long",
	[EXO_BPF_OPCODE] = "not a classic BPF instruction",
	[EXO_BPF_JUMP] = "jump past the end of the program",
	[EXO_BPF_BACKWARD] = "backward jump",
	[EXO_BPF_LOAD] = "packet offset out of range",
	[EXO_BPF_MEM] = "scratch memory index out of range",
	[EXO_BPF_DIVZERO] = "division by constant zero",
	[EXO_BPF_SHIFT] = "shift by 32 or more",
	[EXO_BPF_NORET] = "does not end in a return",
};

const char *
bpf_reason(uint32_t r)
{
	if (r >= sizeof bpf_reasons / sizeof bpf_reasons[0] ||
	    bpf_reasons[r] == NULL)
		return ("refused");
	return (bpf_reasons[r]);
}

static int
bpf_refuse(struct exo_net_verdict *v, size_t pc, uint32_t reason)
{
	if (v != NULL) {
		v->pc = (uint32_t)pc;
		v->reason = reason;
	}
	return (-EXO_EBPF);
}

/* Bytes a load of this size reads, 0 if the size is not one. */
static unsigned
bpf_size(uint16_t code)
{
	switch (BPF_SIZE(code)) {
	case BPF_W:
		return (4);
	case BPF_H:
		return (2);
	case BPF_B:
		return (1);
	}
	return (0);
}

/* One load or store instruction: 0 or the reason it is refused. */
static uint32_t
bpf_check_ld(const struct exo_bpf_insn *in)
{
	unsigned	sz = bpf_size(in->code);

	switch (BPF_CLASS(in->code)) {
	case BPF_LD:
		switch (BPF_MODE(in->code)) {
		case BPF_IMM:
			return (BPF_SIZE(in->code) == BPF_W ? 0 : EXO_BPF_OPCODE);
		case BPF_LEN:
			return (BPF_SIZE(in->code) == BPF_W ? 0 : EXO_BPF_OPCODE);
		case BPF_MEM:
			if (BPF_SIZE(in->code) != BPF_W)
				return (EXO_BPF_OPCODE);
			return (in->k < BPF_MEMWORDS ? 0 : EXO_BPF_MEM);
		case BPF_ABS:
		case BPF_IND:
			if (sz == 0)
				return (EXO_BPF_OPCODE);
			/* No frame is longer: the load could never succeed. */
			return (in->k <= EXO_NET_FRAME_MAX - sz ? 0 :
			    EXO_BPF_LOAD);
		}
		return (EXO_BPF_OPCODE);
	case BPF_LDX:
		switch (BPF_MODE(in->code)) {
		case BPF_IMM:
		case BPF_LEN:
			return (BPF_SIZE(in->code) == BPF_W ? 0 : EXO_BPF_OPCODE);
		case BPF_MEM:
			if (BPF_SIZE(in->code) != BPF_W)
				return (EXO_BPF_OPCODE);
			return (in->k < BPF_MEMWORDS ? 0 : EXO_BPF_MEM);
		case BPF_MSH:
			if (BPF_SIZE(in->code) != BPF_B)
				return (EXO_BPF_OPCODE);
			return (in->k < EXO_NET_FRAME_MAX ? 0 : EXO_BPF_LOAD);
		}
		return (EXO_BPF_OPCODE);
	case BPF_ST:
	case BPF_STX:
		if (in->code != BPF_CLASS(in->code))
			return (EXO_BPF_OPCODE);
		return (in->k < BPF_MEMWORDS ? 0 : EXO_BPF_MEM);
	}
	return (EXO_BPF_OPCODE);
}

static uint32_t
bpf_check_alu(const struct exo_bpf_insn *in)
{
	uint16_t	op = BPF_OP(in->code);

	switch (op) {
	case BPF_NEG:
		return (BPF_SRC(in->code) == BPF_K ? 0 : EXO_BPF_OPCODE);
	case BPF_DIV:
	case BPF_MOD:
		if (BPF_SRC(in->code) == BPF_K && in->k == 0)
			return (EXO_BPF_DIVZERO);
		return (0);
	case BPF_LSH:
	case BPF_RSH:
		if (BPF_SRC(in->code) == BPF_K && in->k >= 32)
			return (EXO_BPF_SHIFT);
		return (0);
	case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_OR:
	case BPF_AND: case BPF_XOR:
		return (0);
	}
	return (EXO_BPF_OPCODE);
}

/* A jump at pc of a program of n: 0 or the reason it is refused. */
static uint32_t
bpf_check_jmp(const struct exo_bpf_insn *in, size_t pc, size_t n)
{
	size_t	left = n - pc - 1;	/* instructions after this one */

	switch (BPF_OP(in->code)) {
	case BPF_JA:
		if (BPF_SRC(in->code) != BPF_K)
			return (EXO_BPF_OPCODE);
		/* Offsets are unsigned; one past 2^31 is a negative intent. */
		if (in->k >= 0x80000000U)
			return (EXO_BPF_BACKWARD);
		return (in->k < left ? 0 : EXO_BPF_JUMP);
	case BPF_JEQ:
	case BPF_JGT:
	case BPF_JGE:
	case BPF_JSET:
		return (in->jt < left && in->jf < left ? 0 : EXO_BPF_JUMP);
	}
	return (EXO_BPF_OPCODE);
}

/*
 * Verify n instructions.  0, or -EXO_EBPF with *v saying which
 * instruction and why (v may be NULL).
 */
int
bpf_verify(const struct exo_bpf_insn *prog, size_t n,
    struct exo_net_verdict *v)
{
	const struct exo_bpf_insn	*in;
	size_t				 pc;
	uint32_t			 r;

	if (n == 0)
		return (bpf_refuse(v, 0, EXO_BPF_EMPTY));
	if (n > EXO_NET_INSNS_MAX)
		return (bpf_refuse(v, EXO_NET_INSNS_MAX, EXO_BPF_TOOLONG));
	for (pc = 0; pc < n; pc++) {
		in = &prog[pc];
		if ((in->code & ~0xff) != 0)
			return (bpf_refuse(v, pc, EXO_BPF_OPCODE));
		switch (BPF_CLASS(in->code)) {
		case BPF_LD:
		case BPF_LDX:
		case BPF_ST:
		case BPF_STX:
			r = bpf_check_ld(in);
			break;
		case BPF_ALU:
			r = bpf_check_alu(in);
			break;
		case BPF_JMP:
			r = bpf_check_jmp(in, pc, n);
			break;
		case BPF_RET:
			r = (in->code == (BPF_RET | BPF_K) ||
			    in->code == (BPF_RET | BPF_A)) ? 0 : EXO_BPF_OPCODE;
			break;
		case BPF_MISC:
			r = (in->code == (BPF_MISC | BPF_TAX) ||
			    in->code == (BPF_MISC | BPF_TXA)) ? 0 : EXO_BPF_OPCODE;
			break;
		default:
			r = EXO_BPF_OPCODE;
		}
		if (r != 0)
			return (bpf_refuse(v, pc, r));
	}
	/* Every jump lands before the end: only the last can fall off it. */
	if (BPF_CLASS(prog[n - 1].code) != BPF_RET)
		return (bpf_refuse(v, n - 1, EXO_BPF_NORET));
	return (0);
}

/* A load of sz bytes at off, big-endian; 0 and *ok = 0 past the end. */
static uint32_t
bpf_load(const uint8_t *p, size_t len, uint64_t off, unsigned sz, int *ok)
{
	if (off + sz > len) {
		*ok = 0;
		return (0);
	}
	switch (sz) {
	case 4:
		return ((uint32_t)p[off] << 24 | (uint32_t)p[off + 1] << 16 |
		    (uint32_t)p[off + 2] << 8 | p[off + 3]);
	case 2:
		return ((uint32_t)p[off] << 8 | p[off + 1]);
	}
	return (p[off]);
}

static uint32_t
bpf_alu(uint16_t op, uint32_t a, uint32_t b, int *ok)
{
	switch (op) {
	case BPF_ADD: return (a + b);
	case BPF_SUB: return (a - b);
	case BPF_MUL: return (a * b);
	case BPF_DIV:
		if (b == 0)
			*ok = 0;
		return (b != 0 ? a / b : 0);
	case BPF_MOD:
		if (b == 0)
			*ok = 0;
		return (b != 0 ? a % b : 0);
	case BPF_OR: return (a | b);
	case BPF_AND: return (a & b);
	case BPF_XOR: return (a ^ b);
	case BPF_LSH: return (b < 32 ? a << b : 0);
	case BPF_RSH: return (b < 32 ? a >> b : 0);
	case BPF_NEG: return (-a);
	}
	return (a);
}

/*
 * Run a verified program on a packet of len bytes: what it returns (0:
 * reject), with libpcap's meaning of every instruction.  Verification
 * is what bounds the loop: pc only grows.
 */
uint32_t
bpf_run(const struct exo_bpf_insn *prog, size_t n, const uint8_t *p,
    size_t len)
{
	const struct exo_bpf_insn	*in;
	uint32_t			 a = 0, x = 0, mem[BPF_MEMWORDS], b;
	size_t				 pc;
	int				 ok = 1, taken;

	memset(mem, 0, sizeof mem);
	for (pc = 0; pc < n; pc++) {
		in = &prog[pc];
		switch (BPF_CLASS(in->code)) {
		case BPF_LD:
			switch (BPF_MODE(in->code)) {
			case BPF_ABS:
				a = bpf_load(p, len, in->k, bpf_size(in->code),
				    &ok);
				break;
			case BPF_IND:
				a = bpf_load(p, len, (uint64_t)x + in->k,
				    bpf_size(in->code), &ok);
				break;
			case BPF_LEN: a = (uint32_t)len; break;
			case BPF_IMM: a = in->k; break;
			case BPF_MEM: a = mem[in->k % BPF_MEMWORDS]; break;
			}
			break;
		case BPF_LDX:
			switch (BPF_MODE(in->code)) {
			case BPF_MSH:
				x = (bpf_load(p, len, in->k, 1, &ok) & 0xf) << 2;
				break;
			case BPF_LEN: x = (uint32_t)len; break;
			case BPF_IMM: x = in->k; break;
			case BPF_MEM: x = mem[in->k % BPF_MEMWORDS]; break;
			}
			break;
		case BPF_ST:
			mem[in->k % BPF_MEMWORDS] = a;
			break;
		case BPF_STX:
			mem[in->k % BPF_MEMWORDS] = x;
			break;
		case BPF_ALU:
			a = bpf_alu(BPF_OP(in->code), a,
			    BPF_SRC(in->code) == BPF_X ? x : in->k, &ok);
			break;
		case BPF_JMP:
			if (BPF_OP(in->code) == BPF_JA) {
				pc += in->k;
				break;
			}
			b = BPF_SRC(in->code) == BPF_X ? x : in->k;
			switch (BPF_OP(in->code)) {
			case BPF_JEQ: taken = a == b; break;
			case BPF_JGT: taken = a > b; break;
			case BPF_JGE: taken = a >= b; break;
			default: taken = (a & b) != 0; break;
			}
			pc += taken ? in->jt : in->jf;
			break;
		case BPF_RET:
			return (BPF_RVAL(in->code) == BPF_A ? a : in->k);
		case BPF_MISC:
			if (BPF_MISCOP(in->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		}
		if (!ok)
			return (0);
	}
	return (0);	/* unreachable for a verified program */
}
