# unix-cases.sh - what libos-unix's user programs must print, sourced by
# t/unix-user.t (on the host, through t/unix-host) and by the tests that
# run them on libos-unix itself.
#
# The sourcing test defines:
#	ush LINE	run LINE with sh -c, its standard output on stdout,
#			its standard error in $err; returns sh's exit status
#	ush_in		run sh with its commands on standard input
#	unix_files	"yes" if programs can create files (redirection >)
# and the ok, is and skip functions of the TAP scripts.  unix_cases runs
# every case; UNIX_CASES is their number.  On libos-unix a process's
# descriptor 2 may be the console, the same as its standard output, so
# the cases find messages in either, and prompts may be in the output.

# Does $1 (an output) or $err hold a line matching pattern $2?  0 if so.
said() {
	printf '%s\n' "$1" | cat - "$err" | grep -q -- "$2"
}

UNIX_CASES=44

unix_cases() {
	local out st

	# echo, cat, wc: the issue's pipeline, exactly as xv6 prints it.
	out=$(ush 'echo hello | cat | wc'); st=$?
	is "1 1 6 " "$out" "echo hello | cat | wc"
	is 0 "$st" "a pipeline's status is its last command's"
	ush 'echo x | grep zzz' >/dev/null
	is 1 $? "a failing last command fails the pipeline"
	out=$(ush 'sleep 5 | echo x'); st=$?
	is "x 0" "$out $st" "also when it ends before the first"
	is "a b c" "$(ush 'echo a   b    c')" "echo joins its arguments"
	is "" "$(ush 'echo')" "echo with no argument prints a newline"
	is "1 1 2 " "$(ush 'echo x | cat | cat | cat | cat | cat | wc')" \
	    "a pipeline of seven"
	is "2 3 14 " "$(ush '(echo one two; echo three) | wc')" \
	    "wc counts lines, words and bytes"

	# ; & ( )
	is "a
b
c" "$(ush 'echo a; echo b ;echo c')" "; runs commands in order"
	is "2 2 4 " "$(ush '(echo a; echo b) | wc')" "( ) groups a list into a pipe"
	is "1
2
3" "$(ush '(echo 1; (echo 2; echo 3))')" "nested parentheses"
	is "early
late" "$(ush '(sleep 10; echo late) & echo early; sleep 100')" \
	    "& does not wait; the background job ends on its own"
	is "x y" "$(ush "echo 'x' \"y\"")" "quotes"
	is "a|b ; c" "$(ush "echo 'a|b' '; c'")" "quoted symbols are words"

	# Errors of sh.
	out=$(ush 'echo a |'); st=$?
	is 2 "$st" "a syntax error: status 2"
	ok $(said "$out" 'syntax error'; echo $?) "and a message"
	out=$(ush 'nosuchprogram; echo after'); st=$?
	is "after" "$(printf '%s\n' "$out" | tail -n 1)" \
	    "a failed exec does not stop the list"
	ok $(said "$out" '^exec nosuchprogram failed$'; echo $?) \
	    "and says which program"
	ush 'exit 7' >/dev/null; is 7 $? "exit N ends sh with status N"
	is "one
two" "$(printf 'echo one\necho two\n' | ush_in | sed 's/^\(\$ \)*//;/^$/d')" \
	    "sh reads commands from its input"

	# grep: ^ $ . * and exit status.
	local lines='(echo abc; echo xbcx; echo ab; echo b; echo aaac)'
	is "abc
ab" "$(ush "$lines | grep ^ab")" "grep ^"
	is "abc
aaac" "$(ush "$lines | grep c\$")" "grep \$"
	is "abc
aaac" "$(ush "$lines | grep a.c")" "grep ."
	is "xbcx" "$(ush "$lines | grep x.*x")" "grep .*"
	is "aaac" "$(ush "$lines | grep ^aa*c\$")" "grep c*"
	ush "$lines | grep zzz" >/dev/null
	is 1 $? "grep: status 1 if nothing matched"

	# Redirection.
	if [ "$unix_files" = yes ]; then
		is "hi
there" "$(ush 'echo hi > f1; echo there > f2; cat < f1; cat f2')" \
		    "> creates a file, < reads one"
		is "1 1 3 " "$(ush 'echo hi > f1; wc < f1')" "> truncates"
	else
		skip 2 "no writable file system"
	fi

	# The file programs: mkdir, cp, mv, ln, ln -s, rm, ls, stressfs.
	if [ "$unix_files" = yes ]; then
		is "abc" "$(ush 'mkdir d1; echo abc > d1/f; cat d1/f')" \
		    "mkdir, and a file in the new directory"
		ush 'mkdir d1' >/dev/null; is 1 $? "mkdir of an existing name fails"
		is "abc" "$(ush 'cp d1/f d1/g; cat d1/g')" "cp"
		is "abc" "$(ush 'mv d1/g d1/h; cat d1/h; cat d1/g')" \
		    "mv: the new name reads, the old is gone"
		is "abc" "$(ush 'ln d1/h d1/i; rm d1/h; cat d1/i')" \
		    "ln, then rm of the first name"
		is "abc" "$(ush 'ln -s d1/i sl; cat sl')" "ln -s: cat follows it"
		ush 'rm nosuchfile' >/dev/null; is 1 $? "rm of nothing fails"
		ok $(ush 'ls d1/f' | grep -qE '^f +2 [0-9]+ 4$'; echo $?) \
		    "ls of a file: name, type, inode, size"
		is "stressfs ok" "$(ush 'stressfs 3 16')" \
		    "stressfs: three writers at once"
	else
		skip 9 "no writable file system"
	fi
	out=$(ush 'wc < nosuch; echo hello | wc')
	is "1 1 6 " "$(printf '%s\n' "$out" | tail -n 1)" \
	    "< of a missing file fails only its command"

	# The test programs.
	is "prime 2
prime 3
prime 5
prime 7
prime 11
prime 13
prime 17
prime 19
prime 23
prime 29
prime 31" "$(ush 'primes')" "primes: an xv6 lab program, unchanged"
	ok $(ush 'forktest' | grep -qE '^forktest: [0-9]+ forks, all reaped$'
	    echo $?) "forktest: fork fails at a limit, every child reaped"
	is "cowtest: ok" "$(ush 'cowtest 4')" "cowtest: copies stay apart"
	is "isolate: child killed" "$(ush 'isolate read')" \
	    "a child reading a page only its parent has is killed"
	is "ulibtest: ok" "$(ush 'ulibtest')" "the user library"
	is "argc 3
argv[0] [args]
argv[1] [one]
argv[2] [two words]
argv[3] null
stack aligned" "$(ush "args one 'two words'")" "exec passes argv, aligned"
}
