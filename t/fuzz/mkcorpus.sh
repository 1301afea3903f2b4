#!/bin/sh
# mkcorpus.sh - write the seed corpus of fuzz_dispatch.
#
# usage: t/fuzz/mkcorpus.sh [dir]	(default: corpus-dispatch/ beside this script)
#
# The input format is fuzz_dispatch.c's: one flags byte, then records of
# a control byte, a 16-bit little-endian length and a datagram.  Every
# number below is written little-endian, as the protocol has it.
set -eu

dir=${1:-$(dirname "$0")/corpus-dispatch}
mkdir -p "$dir"

# Input flags (byte 0).
HELLO=1; CONTROL=2; PEER_B=4; FIXHDR=8; LAZY=16; SUBST=32; FREEALL=64
B_CONTROL=128
# Record control bits.
TO_B=1; WITH_FD=2; TRUNC=4
# Message types.
T_HELLO=1; T_NULL=2; T_CAP_CHECK=3; T_FRAME_ALLOC=4; T_FRAME_FREE=5
T_STATUS=6; T_SLOT_CLAIM=7; T_SLOT_RELEASE=8; T_ENTRY_SET=9
T_EVENT_SEND=10; T_CALL=11; T_YIELD=12; T_SLOTS=13
T_BLOCK_ALLOC=15; T_BLOCK_LIST=17; T_DISK_IO=18
T_DISK_FLUSH=19; T_DISK_INFO=20; T_REVOKE=21
T_TILE_ALLOC=40; T_TILE_FREE=41; T_DISPLAY_INFO=42; T_DISPLAY_SNAP=43
T_HISTORY=44
T_CAP_DERIVE=48; T_CAP_GRANT=49; T_GRANT_REVOKE=50; T_FRAME_OPEN=51
T_RING_BIND=52; T_RING_UNBIND=53; T_CHAN_BIND=56; T_CHAN_ACCEPT=57
T_CHAN_CLOSE=58; T_EXTENT=59
# EVENT_SEND and CALL targets fuzz_dispatch replaces (SUBST) by A's or
# B's libOS id.
PEER_A=4294967295; PEER_B_ID=4294967294

u8()  { printf "\\$(printf '%03o' "$(($1 & 255))")"; }
u16() { u8 "$1"; u8 "$(($1 >> 8))"; }
u32() { u16 "$(($1 & 65535))"; u16 "$(($1 >> 16))"; }
u64() { u32 "$(($1 & 4294967295))"; u32 "$(($1 >> 32))"; }
zeros() { dd if=/dev/zero bs="$1" count=1 2>/dev/null; }

# rec CTL LEN: a record header.
rec() { u8 "$1"; u16 "$2"; }
# hdr TYPE ID LEN [VERSION]: a message header (status 0).
hdr() { u16 "${4:-1}"; u16 "$1"; u32 "$2"; u32 "$3"; u32 0; }

# hello CTL FLAGS NAME: a HELLO record.
hello() {
	rec "$1" 56; hdr $T_HELLO 1 40
	u32 "$2"; u32 0; printf '%s' "$3"; zeros $((32 - ${#3}))
}
# null CTL ID: a NULL record.
null() { rec "$1" 16; hdr $T_NULL "$2" 0; }
# alloc CTL COUNT: a FRAME_ALLOC record.
alloc() { rec "$1" 24; hdr $T_FRAME_ALLOC 4 8; u32 "$2"; u32 0; }
# status CTL: a STATUS record.
status() { rec "$1" 16; hdr $T_STATUS 6 0; }
# mark INDEX [XORPOS XORVAL]: a capability slot fuzz_dispatch replaces
# (with SUBST) by the INDEXth capability exod minted in this input.
mark() {
	u8 0; u8 "${3:-0}"; u16 51966; u32 0; u64 "$1"; u64 "${2:-0}"
	zeros 16
}
# bogus: a capability exod never sealed.
bogus() {
	u8 1; u8 3; u16 0; u32 1; u64 0; u64 1
	printf 'AAAAAAAAAAAAAAAA'
}
# free CTL N: the record header of a FRAME_FREE of N slots; slots follow.
free_hdr() {
	rec "$1" $((24 + 40 * $2)); hdr $T_FRAME_FREE 5 $((8 + 40 * $2))
	u32 "$2"; u32 0
}
# check CTL RIGHTS: the record header of a CAP_CHECK; one slot follows.
check_hdr() { rec "$1" 64; hdr $T_CAP_CHECK 3 48; }
check_tail() { u32 "$1"; u32 0; }

# claim CTL COUNT FLAGS MASK0: a SLOT_CLAIM record (mask word 0 only).
claim() {
	rec "$1" 56; hdr $T_SLOT_CLAIM 7 40; u32 "$2"; u32 "$3"; u64 "$4"
	zeros 24
}
# release_hdr CTL N: the header of a SLOT_RELEASE of N slots.
release_hdr() {
	rec "$1" $((24 + 40 * $2)); hdr $T_SLOT_RELEASE 8 $((8 + 40 * $2))
	u32 "$2"; u32 0
}
# entries CTL MASK: an ENTRY_SET record.
entries() { rec "$1" 24; hdr $T_ENTRY_SET 9 8; u32 "$2"; u32 0; }
# event CTL TARGET VALUE: an EVENT_SEND record.
event() { rec "$1" 32; hdr $T_EVENT_SEND 10 16; u32 "$2"; u32 0; u64 "$3"; }
# call CTL TARGET DATA: a CALL record.
call() {
	rec "$1" $((24 + ${#3})); hdr $T_CALL 11 $((8 + ${#3}))
	u32 "$2"; u32 ${#3}; printf '%s' "$3"
}
# balloc CTL COUNT: a BLOCK_ALLOC record.
balloc() { rec "$1" 24; hdr $T_BLOCK_ALLOC 15 8; u32 "$2"; u32 0; }
# blist CTL START: a BLOCK_LIST record.
blist() { rec "$1" 24; hdr $T_BLOCK_LIST 17 8; u32 "$2"; u32 0; }
# dio_hdr CTL OP N: the header of a DISK_IO of N pairs; 2N slots follow.
dio_hdr() {
	rec "$1" $((32 + 80 * $3)); hdr $T_DISK_IO 18 $((16 + 80 * $3))
	u32 "$2"; u32 "$3"; u64 77
}
# revoke CTL TARGET KIND ARG: a REVOKE record (control peers only).
revoke() { rec "$1" 32; hdr $T_REVOKE 21 16; u32 "$2"; u32 "$3"; u64 "$4"; }
# empty CTL TYPE: a request with no payload.
empty() { rec "$1" 16; hdr "$2" "$2" 0; }

seed() { cat > "$dir/$1"; }

# A HELLO, by hand; then the peer's first requests.
{ u8 $FIXHDR; hello 0 0 seed; null 0 2; } | seed hello
{ u8 $((HELLO | FIXHDR)); null 0 7; } | seed null
{ u8 $((HELLO | FIXHDR)); alloc 0 1; } | seed frame_alloc_1
{ u8 $((HELLO | FIXHDR | FREEALL)); alloc 0 3; } | seed frame_alloc_3
# Allocate 3, free them with the capabilities exod gave.
{ u8 $((HELLO | FIXHDR | SUBST)); alloc 0 3
  free_hdr 0 3; mark 0; mark 1; mark 2; } | seed frame_free_valid
{ u8 $((HELLO | FIXHDR)); free_hdr 0 1; bogus; } | seed frame_free_bogus
# The same capability twice in one FRAME_FREE: EINVAL.
{ u8 $((HELLO | FIXHDR | SUBST)); alloc 0 2
  free_hdr 0 2; mark 1; mark 1; } | seed frame_free_twice
{ u8 $((HELLO | PEER_B | FIXHDR)); alloc 0 2; status $TO_B; } | seed status
{ u8 $((HELLO | FIXHDR | SUBST)); alloc 0 1
  check_hdr 0; mark 0; check_tail 3; } | seed cap_check
# One bit of the id flipped: the MAC fails.
{ u8 $((HELLO | FIXHDR | SUBST)); alloc 0 1
  check_hdr 0; mark 0 8 1; check_tail 1; } | seed cap_check_forged
# Freed, then checked: stale.
{ u8 $((HELLO | FIXHDR | SUBST)); alloc 0 1; free_hdr 0 1; mark 0
  check_hdr 0; mark 0; check_tail 0; } | seed cap_check_stale
# B presents A's capability: not the owner.
{ u8 $((HELLO | PEER_B | FIXHDR | SUBST)); alloc 0 1
  free_hdr $TO_B 1; mark 0; } | seed cross_owner
# A control peer may not bind frames.
{ u8 $((HELLO | CONTROL | FIXHDR)); alloc 0 1; status 0; } | seed control_alloc
{ u8 $HELLO; rec 0 16; hdr $T_NULL 9 0 2; } | seed bad_version
{ u8 $HELLO; rec 0 8; u32 1; u32 2; } | seed short_header
{ u8 $FIXHDR; null 0 3; } | seed before_hello
{ u8 $((HELLO | FIXHDR)); hello 0 0 again; } | seed hello_twice
{ u8 $((HELLO | FIXHDR)); rec 0 16; hdr $((T_NULL | 32768)) 5 0; } | seed reply_bit
{ u8 $((HELLO | FIXHDR)); rec 0 16; hdr 119 5 0; } | seed unknown_type
{ u8 $((HELLO | FIXHDR)); null $WITH_FD 4; null $TRUNC 5; } | seed fd_trunc
# Replies left unread pile up in the socket and exod's queue.
{ u8 $((HELLO | FIXHDR | LAZY | FREEALL)); i=0
  while [ $i -lt 8 ]; do alloc 0 1; i=$((i + 1)); done
  i=0; while [ $i -lt 40 ]; do null 0 $i; i=$((i + 1)); done
  alloc 0 60; } | seed lazy
# Longer than any datagram exod reads: truncated.
{ u8 $HELLO; rec 0 40000; hdr $T_NULL 1 39984; zeros 39984; } | seed oversized

# The CPU: slots by count, the vector, a yield.
{ u8 $((HELLO | FIXHDR)); claim 0 2 0 0; empty 0 $T_SLOTS
  empty 0 $T_YIELD; } | seed slots
# Slot 0 by position: A holds the CPU; its YIELD waits for a turn that
# comes when it releases the slot.
{ u8 $((HELLO | FIXHDR | SUBST)); claim 0 0 1 1; empty 0 $T_YIELD
  release_hdr 0 1; mark 0; empty 0 $T_SLOTS; } | seed slot_yield_release
# Events to B, and a protected call into B, which never answers.
{ u8 $((HELLO | PEER_B | FIXHDR | SUBST)); event 0 $PEER_B_ID 7
  entries $TO_B 4; call 0 $PEER_B_ID ping; event $TO_B $PEER_A 9; } |
    seed event_call
# B calls A; A leaves first: B's call ends with EDIED.
{ u8 $((HELLO | PEER_B | FIXHDR | SUBST)); entries 0 15
  call $TO_B $PEER_A hello; empty 0 $T_NULL; } | seed call_died
# Short of frames: B's allocation revokes some of A's, over its share,
# and is answered once A gives frames back.
{ u8 $((HELLO | PEER_B | FIXHDR | SUBST)); alloc 0 40; alloc $TO_B 30
  free_hdr 0 8; mark 0; mark 1; mark 2; mark 3; mark 4; mark 5; mark 6
  mark 7; empty $TO_B $T_NULL; } | seed revoke_for_alloc
# The administrator (B, a control peer) revokes frames of A.
{ u8 $((HELLO | PEER_B | B_CONTROL | FIXHDR | SUBST)); alloc 0 4
  revoke $TO_B $PEER_A 1 2; empty 0 $T_NULL; } | seed revoke_control
# The disk: blocks, a write from a frame, a read back, the list, a flush.
# (Pool: frame caps first, then block caps.)
{ u8 $((HELLO | FIXHDR | SUBST)); alloc 0 1; balloc 0 2
  dio_hdr 0 2 1; mark 1; mark 0; dio_hdr 0 1 1; mark 2; mark 0
  blist 0 0; empty 0 $T_DISK_INFO; empty 0 $T_DISK_FLUSH; } | seed disk
# The display: a rectangle of tiles and any free one, one freed by its
# capability, one forged; the geometry, the history; a control peer (B)
# takes a snapshot and revokes a tile of A's.
tile_alloc() {
	rec "$1" 40; hdr $T_TILE_ALLOC 40 24
	u32 "$2"; u32 "$3"; u32 "$4"; u32 "$5"; u32 "$6"; u32 "$7"
}
{ u8 $((HELLO | PEER_B | B_CONTROL | FIXHDR | SUBST))
  tile_alloc 0 1 0 1 1 3 2; tile_alloc 0 0 2 0 0 0 0
  rec 0 64; hdr $T_TILE_FREE 41 48; u32 1; u32 0; mark 0
  rec 0 64; hdr $T_TILE_FREE 41 48; u32 1; u32 0; mark 1 8 1
  empty 0 $T_DISPLAY_INFO
  rec 0 24; hdr $T_HISTORY 44 8; u64 0
  empty $TO_B $T_DISPLAY_SNAP
  revoke $TO_B $PEER_A 5 9; empty 0 $T_NULL; } | seed display
# Rectangles that overflow, overlap, or reach past the edge.
{ u8 $((HELLO | PEER_B | FIXHDR)); tile_alloc 0 1 0 6 0 2 1
  tile_alloc 0 1 0 4294967295 0 2 1; tile_alloc 0 1 0 0 0 65536 65536
  tile_alloc 0 1 0 0 0 2 2; tile_alloc $TO_B 1 0 1 1 1 1
  empty 0 $T_DISPLAY_SNAP; } | seed display_hostile

# Sharing: keys with fewer rights, grants to the other peer, a frame
# opened through its key.  (Pool: minted capabilities, then derived and
# granted keys, in the order the replies came.)
# derive_hdr CTL RIGHTS FLAGS: a CAP_DERIVE; its slot follows, then
# derive_tail.
derive_hdr() { rec "$1" 64; hdr $T_CAP_DERIVE 48 48; }
derive_tail() { u32 "$1"; u32 "$2"; }
# grant_hdr CTL: a CAP_GRANT; its slot follows, then grant_tail.
grant_hdr() { rec "$1" 72; hdr $T_CAP_GRANT 49 56; }
grant_tail() { u32 "$1"; u32 "$2"; u32 "$3"; u32 0; }
# one_cap CTL TYPE: a request whose payload is one capability.
one_cap() { rec "$1" 56; hdr "$2" "$2" 40; }
# A read-only key from a frame's, a right it lacks, a bad rights word;
# the frame freed with the derived key.
{ u8 $((HELLO | FIXHDR | SUBST)); alloc 0 1
  derive_hdr 0; mark 0; derive_tail 1 0
  derive_hdr 0; mark 0; derive_tail 4 0
  check_hdr 0; mark 1; check_tail 2
  check_hdr 0; mark 1; check_tail 1
  one_cap 0 $T_FRAME_OPEN; mark 1
  free_hdr 0 1; mark 1
  derive_hdr 0; mark 1; derive_tail 1 1; } | seed cap_derive
# A grants its frame read-only to B; B opens it, may not free it, checks
# it; A revokes the grant; B's key is stale after.
{ u8 $((HELLO | PEER_B | FIXHDR | SUBST)); alloc 0 1
  grant_hdr 0; mark 0; grant_tail $PEER_B_ID 1 0
  one_cap $TO_B $T_FRAME_OPEN; mark 1
  free_hdr $TO_B 1; mark 1
  check_hdr $TO_B; mark 1; check_tail 1
  grant_hdr $TO_B; mark 1; grant_tail $PEER_A 1 0
  one_cap 0 $T_GRANT_REVOKE; mark 1
  one_cap $TO_B $T_FRAME_OPEN; mark 1
  one_cap 0 $T_FRAME_OPEN; mark 0; } | seed cap_grant
# A forged grant key, a grant to oneself, to nobody, with more rights
# than the key has.
{ u8 $((HELLO | PEER_B | FIXHDR | SUBST)); alloc 0 2
  derive_hdr 0; mark 0; derive_tail 1 0
  grant_hdr 0; mark 2; grant_tail $PEER_B_ID 3 0
  grant_hdr 0; mark 1; grant_tail $PEER_A 1 0
  grant_hdr 0; mark 1; grant_tail 77 1 0
  grant_hdr 0; mark 1; grant_tail $PEER_B_ID 1 0
  one_cap $TO_B $T_FRAME_OPEN; mark 3 9 4
  one_cap $TO_B $T_GRANT_REVOKE; mark 3; } | seed cap_grant_hostile
# Extents: four frames as one, their capabilities, a free by handle;
# a handle that was never made.
extent() {
	rec "$1" 40; hdr $T_EXTENT 59 24
	u32 "$2"; u32 "$3"; u64 "$4"; u32 "$5"; u32 0
}
{ u8 $((HELLO | FIXHDR | SUBST | FREEALL)); extent 0 1 4 0 0
  extent 0 2 0 4294967296 1; extent 0 2 0 77 0
  free_hdr 0 1; mark 1
  extent 0 3 0 4294967296 0; extent 0 3 0 4294967296 0
  extent 0 1 0 0 0; status 0; } | seed extent
# A disk ring of one entry on two frames, bound, bound again, unbound;
# one on a frame given twice.
ring_bind() {
	rec "$1" $((32 + 40 * $4)); hdr $T_RING_BIND 52 $((16 + 40 * $4))
	u32 "$2"; u32 "$3"; u32 "$4"; u32 0
}
{ u8 $((HELLO | FIXHDR | SUBST)); alloc 0 2; balloc 0 1
  ring_bind 0 1 0 2; mark 0; mark 1
  ring_bind 0 1 0 2; mark 0; mark 1
  empty 0 $T_RING_UNBIND
  ring_bind 0 1 4294967295 2; mark 1; mark 1
  ring_bind 0 3 0 2; mark 0; mark 1
  free_hdr 0 1; mark 0; empty 0 $T_RING_UNBIND; } | seed disk_ring
# A call channel from A to B's entry, closed; one to nobody; an end
# accepted by the wrong side.
chan_bind() { rec "$1" 24; hdr $T_CHAN_BIND 56 8; u32 "$2"; u32 0; }
{ u8 $((HELLO | PEER_B | FIXHDR | SUBST)); entries $TO_B 4
  chan_bind 0 $PEER_B_ID; chan_bind 0 99
  one_cap $TO_B $T_CHAN_ACCEPT; mark 0
  one_cap 0 $T_CHAN_ACCEPT; mark 0
  one_cap 0 $T_CHAN_CLOSE; mark 0
  one_cap 0 $T_CHAN_CLOSE; mark 0 8 1; } | seed call_channel
