#!/bin/bash
#
# cxx.t - the installed headers from C++: a small C++ libOS includes
# <exo/exo.h> (and <exo.h> through libexo.pc's flags), is compiled by a
# C++ compiler with warnings as errors, links against the installed
# libexo, and binds, maps, writes and frees a frame on a private exod.

. "${EXO_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}/t/inst.sh"

cxx=${CXX:-g++}
if ! command -v "$cxx" >/dev/null 2>&1; then
	echo "1..0 # SKIP no C++ compiler ($cxx)"
	exit 0
fi
inst_install
cxx="$cxx $inst_san"
echo "1..6"

cat >"$inst_tmp/libos.cc" <<'CEOF'
// A libOS in C++: one frame, owned by an object that gives it back.
#include <cstdio>
#include <cstring>
#include <sys/mman.h>
#include <exo/exo.h>
#include <exo/exo_proto.h>

static_assert(sizeof(struct exo_cap) == 40, "exo_cap as exo_proto.h says");

class frame {
public:
	explicit frame(struct exo *e) : e_(e), ok_(false) {
		std::memset(&f_, 0, sizeof(f_));
		ok_ = exo_frame_alloc(e_, &f_) == 0 &&
		    exo_frame_map(&f_, PROT_READ | PROT_WRITE) != NULL;
	}
	~frame() { if (ok_) exo_frame_free(e_, &f_); }
	bool ok() const { return ok_; }
	char *bytes() const { return static_cast<char *>(f_.va); }
private:
	struct exo	*e_;
	struct exo_frame f_;
	bool		 ok_;
};

int
main(int argc, char **argv)
{
	struct exo *e = NULL;
	int error;

	if (argc != 2)
		return 1;
	if ((error = exo_connect(argv[1], "cxx", &e)) != 0) {
		std::fprintf(stderr, "exo_connect: %s\n", exo_strerror(error));
		return 1;
	}
	{
		frame f(e);
		if (!f.ok())
			return 1;
		std::strcpy(f.bytes(), "hello from C++");
		std::printf("%s %u\n", f.bytes(), exo_libos_id(e) != 0);
	}
	exo_disconnect(e);
	return 0;
}
CEOF
cat >"$inst_tmp/plain.cc" <<'CEOF'
#include <exo.h>
int main() { return exo_strerror(-EXO_EINVAL) != 0 ? 0 : 1; }
CEOF

$cxx -std=c++11 -Wall -Wextra -Werror -o "$inst_tmp/libos" \
    "$inst_tmp/libos.cc" -I"$inst_includedir" -L"$inst_libdir" \
    -Wl,-rpath,"$inst_libdir" -lexo >"$inst_tmp/cxx.log" 2>&1
ok $? "$cxx -std=c++11 -Wall -Wextra -Werror builds a libOS with <exo/exo.h>"
sed 's/^/# /' "$inst_tmp/cxx.log"

# C++98 has no static_assert of its own: only the headers are tried.
printf '#include <exo/exo.h>\nint main() { return 0; }\n' >"$inst_tmp/98.cc"
$cxx -std=c++98 -Wall -Wextra -Werror -fsyntax-only "$inst_tmp/98.cc" \
    -I"$inst_includedir" >"$inst_tmp/98.log" 2>&1
ok $? "the headers also compile as C++98"
sed 's/^/# /' "$inst_tmp/98.log"

if command -v pkg-config >/dev/null 2>&1; then
	pc="pkg-config --define-variable=prefix=$INST"
	export PKG_CONFIG_PATH=$inst_libdir/pkgconfig
	$cxx -Wall -Wextra -Werror -o "$inst_tmp/plain" "$inst_tmp/plain.cc" \
	    $($pc --cflags libexo) $($pc --libs libexo) \
	    -Wl,-rpath,"$inst_libdir" >"$inst_tmp/pc.log" 2>&1 &&
	    "$inst_tmp/plain"
	ok $? "<exo.h> with pkg-config --cflags --libs libexo"
	sed 's/^/# /' "$inst_tmp/pc.log"
else
	echo "ok $((n + 1)) # SKIP pkg-config not installed"
	n=$((n + 1))
fi

nm -C "$inst_tmp/libos" 2>/dev/null | grep -q ' U exo_frame_alloc$'
ok $? "the C++ program calls exo_frame_alloc with C linkage"

inst_exod -m 256K
ok $? "a private exod listens"
out=$("$inst_tmp/libos" "$inst_tmp/exod.sock" 2>&1)
[ "$out" = "hello from C++ 1" ]
ok $? "the C++ libOS binds, writes and frees a frame (seen: $out)"
[ $failed -eq 0 ]
