#!/bin/bash
#
# unix-mprotect.t - libos-unix's mprotect, sigsegv and sigreturn, on a
# private exod: prottest's cases (the handler gets the faulting address;
# a store to a read-only page and a load of a PROT_NONE one trap, and the
# kernel keeps the protections too; sigreturn resumes the access with
# every register; a handler that returns; lazy pages and mappings;
# every bad argument -1; no handler, or a fault in the handler: killed
# with a message; fork inherits the handler and the protections, exec
# clears the handler; a store to text is no protection fault), a
# hostile program calling sigreturn outside any handler, protected pages
# through swap, processes beside the killed ones going on, appelbench
# running its course, and every frame back to exod at the end.  Nothing
# here is timed.

src=$(cd "${EXO_SRCDIR:-$(dirname "$0")/..}" && pwd)
. "$src/t/unix-tap.sh"
unix_tap_begin unix-mprotect prottest appelbench

echo "1..26"

start_exod "$d/s1"

# --- every case, with memory to spare ---------------------------------------
# A process that goes on beside the ones killed: it writes its pid-free
# word after all of them.
timeout -k 5 120 "$UNIX" -S "$d/s1" -n pt -c \
    'prottest; echo after; prottest nohandler; echo still here' "$PROGS" \
    >"$d/all.out" 2>"$err"
st=$?
for c in addr hold regs ret appel lazy mmap bad nohandler inhandler fork \
    exec text swap hostile; do
	case $c in
	addr) what="the handler gets the faulting address of each load and store, and the access is made again" ;;
	hold) what="a store to PROT_READ traps, a load does not; a load of PROT_NONE traps; read(2) and write(2) with a protected buffer give -1" ;;
	regs) what="sigreturn resumes with every register, integer and floating-point" ;;
	ret) what="a handler that returns resumes as sigreturn does" ;;
	appel) what="a protection set in the handler holds (appel1's pattern)" ;;
	lazy) what="pages not yet made are protected; sbrk takes their protection away with them" ;;
	mmap) what="a private mapping is protected as the heap is; munmap takes the protection" ;;
	bad) what="an unaligned address, a bad length or prot, a range outside the process, the gate, a bad handler: -1, nothing changed" ;;
	nohandler) what="a protection fault with no handler kills the process" ;;
	inhandler) what="a protection fault inside the handler kills the process" ;;
	fork) what="fork's child has the handler and the protections; the parent's traps are its own" ;;
	exec) what="exec clears the handler: its image's protection fault kills it" ;;
	text) what="a store to the text is no protection fault: the handler is not run, the process killed" ;;
	swap) what="protected pages go to swap and come back protected (memory to spare)" ;;
	hostile) what="sigreturn with no fault to return from gives -1, and one fault is one sigreturn" ;;
	esac
	ok $(grep -qx "prottest: $c ok" "$d/all.out"; echo $?) "$c: $what"
done
is 0 "$st" "prottest exits 0"
is "after still here" "$(grep -x 'after\|still here' "$d/all.out" | tr '\n' ' ' |
    sed 's/ $//')" "the shell and the next processes go on after each kill"
is 5 "$(grep -c '(prottest): segmentation fault at .*: killed$' "$err")" \
    "each process killed is named, with the fault"
is 1 "$(grep -c '(prottest): segmentation fault at .* (read, pc .*) in its sigsegv handler: killed$' "$err")" \
    "the fault inside the handler is said to be there"
ok $(! grep -v '(prottest): segmentation fault at .*: killed$' "$err" |
    grep -q .; echo $?) "and libos-unix says nothing else"

# --- a hostile program: sigreturn with no fault, again and again ------------
out=$(timeout -k 5 60 "$UNIX" -S "$d/s1" -n pt -c \
    'prottest hostile; prottest hostile; echo alive' "$PROGS" 2>"$err")
is "prottest: hostile ok
prottest: hostile ok
alive" "$out" "sigreturn outside a handler, with a handler set, before and after a real fault, gives -1 each time: the caller and the libOS go on"
ok $(! grep -q . "$err"; echo $?) "and nothing is killed"

# --- through swap ------------------------------------------------------------
out=$(timeout -k 5 120 "$UNIX" -S "$d/s1" -n pt -M 1M \
    -c 'prottest swap fork lazy; vmstat' "$PROGS" 2>"$err")
printf '%s\n' "$out" >"$d/swap.out"
is 3 "$(grep -cx 'prottest: \(swap\|fork\|lazy\) ok' "$d/swap.out")" \
    "under -M 1M: protected pages go to swap and come back protected; fork and lazy pages too"
ok $([ "$(vmfield "$d/swap.out" pageouts)" -ge 256 ] &&
    [ "$(vmfield "$d/swap.out" pageins)" -ge 32 ]; echo $?) \
    "the pages went out and came back ($(vmfield "$d/swap.out" pageouts) out, $(vmfield "$d/swap.out" pageins) in)"

# --- appelbench runs its course -----------------------------------------------
out=$(timeout -k 5 120 "$UNIX" -S "$d/s1" -n pt -c 'appelbench 2 2' \
    "$PROGS" 2>"$err")
is 6 "$(printf '%s\n' "$out" | grep -c '^appel_[a-z0-9]* [0-9][0-9]*$')" \
    "appelbench: a figure for each of the six Appel-Li operations, no trap astray"

for i in $(seq 1 250); do
	[ "$(held "$d/s1" pt)" -eq 0 ] && break
	sleep 0.02
done
is 0 "$(held "$d/s1" pt)" "every frame back to exod"
