/*
 * kt_fs - every file system call of libos-unix through the real
 * system-call path, its success and its errors (a test of the libOS:
 * t/unix-fs.t): open with each flag, read, write, close, fstat, stat,
 * link, unlink, mkdir, chdir, mknod, dup and symlink, with relative and
 * absolute names, symbolic links and their loops, bad pointers.
 *
 *	kt_fs
 *
 * Works in a directory of its own, /ktfs, which it removes at the end.
 * Prints "kt_fs: not ok WHAT" for each check that fails and "kt_fs: ok"
 * if none did; exits 0 or 1.
 */
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/param.h"
#include "kernel/fs.h"
#include "kernel/memlayout.h"
#include "user/user.h"

static int	kf_failed;

static void
kf_check(int cond, const char *what)
{
	if (!cond) {
		printf("kt_fs: not ok %s\n", what);
		kf_failed++;
	}
}

/* A file holding s: 0, or -1. */
static int
kf_put(const char *name, const char *s)
{
	int	fd, n = (int)strlen(s);

	if ((fd = open(name, O_CREATE | O_WRONLY | O_TRUNC)) < 0)
		return (-1);
	if (write(fd, s, n) != n) {
		close(fd);
		return (-1);
	}
	return (close(fd));
}

/* Does name hold exactly s? */
static int
kf_holds(const char *name, const char *s)
{
	char	buf[256];
	int	fd, n;

	if ((fd = open(name, O_RDONLY)) < 0)
		return (0);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0)
		return (0);
	buf[n] = '\0';
	return (strcmp(buf, s) == 0);
}

static void
kf_open(void)
{
	struct stat	st;
	char		buf[64];
	int		fd, fd2;

	kf_check(open("a", O_RDONLY) == -1, "open of a missing file");
	fd = open("a", O_CREATE | O_RDWR);
	kf_check(fd >= 0, "open O_CREATE makes a file");
	kf_check(write(fd, "hello", 5) == 5, "write");
	kf_check(fstat(fd, &st) == 0 && st.type == T_FILE && st.size == 5 &&
	    st.nlink == 1 && st.dev == ROOTDEV, "fstat of the new file");
	close(fd);
	fd = open("a", O_RDONLY);
	kf_check(fd >= 0 && read(fd, buf, sizeof buf) == 5 &&
	    memcmp(buf, "hello", 5) == 0, "read back what was written");
	kf_check(read(fd, buf, sizeof buf) == 0, "end of file: 0");
	kf_check(write(fd, "x", 1) == -1, "write to an O_RDONLY file");
	fd2 = dup(fd);
	kf_check(fd2 > fd && fstat(fd2, &st) == 0 && st.size == 5,
	    "dup shares the file");
	close(fd);
	close(fd2);
	fd = open("a", O_WRONLY);
	kf_check(fd >= 0 && read(fd, buf, 1) == -1, "read of an O_WRONLY file");
	kf_check(write(fd, "J", 1) == 1, "write at the start overwrites");
	close(fd);
	kf_check(kf_holds("a", "Jello"), "O_WRONLY without O_TRUNC keeps the rest");
	fd = open("a", O_WRONLY | O_TRUNC);
	kf_check(fd >= 0 && fstat(fd, &st) == 0 && st.size == 0,
	    "O_TRUNC empties the file");
	close(fd);
	kf_check(kf_put("a", "abc") == 0 && kf_holds("/ktfs/a", "abc"),
	    "a relative and an absolute name for one file");
	fd = open("a", O_CREATE | O_RDWR);
	kf_check(fd >= 0 && fstat(fd, &st) == 0 && st.size == 3,
	    "O_CREATE of an existing file opens it");
	close(fd);
	kf_check(open("a", 3) == -1, "open with a bad access mode");
	kf_check(open("a/b", O_CREATE | O_RDWR) == -1,
	    "O_CREATE below a file fails");
	kf_check(open("nodir/b", O_CREATE | O_RDWR) == -1,
	    "O_CREATE in a missing directory fails");
	kf_check(open(".", O_RDWR) == -1 && open(".", O_WRONLY) == -1,
	    "a directory does not open for writing");
	fd = open(".", O_RDONLY);
	kf_check(fd >= 0 && fstat(fd, &st) == 0 && st.type == T_DIR,
	    "a directory opens for reading");
	kf_check(read(fd, buf, sizeof(struct dirent)) ==
	    sizeof(struct dirent), "and reads as dirents");
	close(fd);
	kf_check(open("", O_RDONLY) == -1, "open of the empty name");
}

static void
kf_names(void)
{
	struct stat	st, st2;
	int		fd;

	kf_check(link("a", "b") == 0, "link");
	kf_check(stat("a", &st) == 0 && stat("b", &st2) == 0 &&
	    st.ino == st2.ino && st.nlink == 2, "a link is the same inode");
	kf_check(link("a", "b") == -1, "link onto an existing name fails");
	kf_check(link("nosuch", "c") == -1, "link of a missing name fails");
	kf_check(link(".", "dlink") == -1, "link of a directory fails");
	kf_check(unlink("a") == 0 && kf_holds("b", "abc"),
	    "unlink of one name leaves the other");
	kf_check(stat("b", &st) == 0 && st.nlink == 1, "nlink goes down");
	kf_check(unlink("a") == -1, "unlink of a missing name fails");
	fd = open("b", O_RDONLY);
	kf_check(unlink("b") == 0, "unlink of an open file");
	kf_check(fstat(fd, &st) == 0 && st.nlink == 0 && st.size == 3,
	    "the open file lives on, with no name");
	close(fd);
	kf_check(mkdir("d") == 0, "mkdir");
	kf_check(mkdir("d") == -1, "mkdir of an existing name fails");
	kf_check(mkdir("nodir/d") == -1, "mkdir in a missing directory fails");
	kf_check(stat("d", &st) == 0 && st.type == T_DIR && st.nlink == 1,
	    "a new directory: its name is its one link (. is not counted)");
	kf_check(kf_put("d/f", "in d") == 0, "a file in the new directory");
	kf_check(unlink("d") == -1, "unlink of a directory that is not empty");
	kf_check(chdir("d") == 0 && kf_holds("f", "in d"),
	    "chdir, and a relative name from there");
	kf_check(kf_holds("../d/f", "in d") && kf_holds("/ktfs/d/f", "in d"),
	    ".. and an absolute name");
	kf_check(chdir("..") == 0 && kf_holds("d/f", "in d"), "chdir ..");
	kf_check(chdir("nosuch") == -1 && chdir("d/f") == -1,
	    "chdir to what is not a directory");
	kf_check(kf_holds("d/f", "in d"), "a failed chdir stays where it was");
	kf_check(unlink("d/f") == 0 && unlink("d") == 0,
	    "an empty directory can be removed");
	kf_check(unlink(".") == -1 && unlink("..") == -1,
	    "unlink of . and .. fails");
	kf_check(mknod("cons", 1, 0) == 0, "mknod");
	kf_check(stat("cons", &st) == 0 && st.type == T_DEVICE,
	    "the device file");
	fd = open("cons", O_WRONLY);
	kf_check(fd >= 0 && fstat(fd, &st) == 0 && st.type == T_DEVICE,
	    "a device file opens as the device");
	close(fd);
	kf_check(mknod("cons", 1, 0) == -1, "mknod of an existing name fails");
	kf_check(open("cons", O_CREATE | O_RDWR) >= 0,
	    "O_CREATE of a device opens it");
	close(3);
	kf_check(unlink("cons") == 0, "unlink of a device file");
	kf_check(mknod("nodev", 99, 0) == 0 && open("nodev", O_RDWR) == -1,
	    "a device with no driver does not open");
	unlink("nodev");
}

static void
kf_symlinks(void)
{
	struct stat	st;
	char		buf[MAXPATH];
	int		fd, n;

	kf_check(kf_put("t", "target") == 0, "the target");
	kf_check(symlink("t", "s") == 0, "symlink");
	kf_check(kf_holds("s", "target"), "open follows a symbolic link");
	kf_check(symlink("t", "s") == -1, "symlink onto an existing name");
	fd = open("s", O_RDONLY | O_NOFOLLOW);
	kf_check(fd >= 0 && fstat(fd, &st) == 0 && st.type == T_SYMLINK,
	    "O_NOFOLLOW opens the link itself");
	n = fd >= 0 ? read(fd, buf, sizeof buf) : -1;
	kf_check(n == 1 && buf[0] == 't', "which reads as its target");
	close(fd);
	kf_check(symlink("/ktfs/t", "abs") == 0 && kf_holds("abs", "target"),
	    "an absolute target");
	kf_check(symlink("nothere", "dangling") == 0 &&
	    open("dangling", O_RDONLY) == -1, "a dangling link does not open");
	kf_check(symlink("l2", "l1") == 0 && symlink("l1", "l2") == 0 &&
	    open("l1", O_RDONLY) == -1, "a loop of links fails");
	kf_check(symlink("self", "self") == 0 && open("self", O_RDONLY) == -1,
	    "a link to itself fails");
	kf_check(mkdir("sd") == 0 && symlink("sd", "sdl") == 0 &&
	    kf_put("sdl/x", "through") == 0 && kf_holds("sd/x", "through"),
	    "a link to a directory in the middle of a path");
	kf_check(chdir("sdl") == 0 && kf_holds("x", "through") &&
	    chdir("/ktfs") == 0, "chdir through a link");
	kf_check(symlink("", "empty") == -1, "symlink to the empty name");
	kf_check(unlink("s") == 0 && kf_holds("t", "target"),
	    "unlink of a link leaves its target");
	unlink("abs");
	unlink("dangling");
	unlink("l1");
	unlink("l2");
	unlink("self");
	unlink("sdl");
	unlink("sd/x");
	unlink("sd");
	unlink("t");
}

static char *const kf_bad[] = {
	(char *)0x1000,
	(char *)(UNIX_REGION_BASE + 0x30000000UL),
	(char *)0x7fff00000000UL,
};

static void
kf_hostile(void)
{
	char	 big[MAXPATH + 10];
	char	*p;
	int	 i, fd;

	for (i = 0; i < 3; i++) {
		p = kf_bad[i];
		kf_check(open(p, O_CREATE | O_RDWR) == -1 && mkdir(p) == -1 &&
		    unlink(p) == -1 && link(p, "x") == -1 &&
		    link("x", p) == -1 && chdir(p) == -1 &&
		    mknod(p, 1, 0) == -1 && symlink(p, "x") == -1 &&
		    symlink("x", p) == -1, "bad name pointers give -1");
		fd = open("w", O_CREATE | O_RDWR);
		kf_check(fd >= 0 && write(fd, p, 100) == -1 &&
		    read(fd, p, 100) <= 0, "bad buffers give -1");
		close(fd);
	}
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	kf_check(open(big, O_CREATE | O_RDWR) == -1 && mkdir(big) == -1,
	    "a name longer than MAXPATH fails");
	memset(big, 'b', DIRSIZ + 5);
	big[DIRSIZ + 5] = '\0';
	fd = open(big, O_CREATE | O_RDWR);
	kf_check(fd >= 0, "a long element is cut to DIRSIZ");
	close(fd);
	big[DIRSIZ] = '\0';
	kf_check(unlink(big) == 0, "and found by its first DIRSIZ bytes");
	kf_check(mknod("neg", -1, 0) == -1 || unlink("neg") == 0,
	    "mknod with a negative major");
	unlink("w");
}

/* A file larger than the direct and the first indirect blocks. */
static void
kf_large(void)
{
	static char	buf[8192];
	struct stat	st;
	int		fd, i, ok = 1, nblk = NDIRECT + BSIZE / 4 + 20;

	fd = open("big", O_CREATE | O_RDWR);
	for (i = 0; i < nblk / 2 && ok; i++) {
		memset(buf, 'A' + i % 26, sizeof buf);
		ok = write(fd, buf, sizeof buf) == sizeof buf;
	}
	close(fd);
	kf_check(ok, "write a doubly indirect file");
	kf_check(stat("big", &st) == 0 && st.size == (uint64)sizeof buf *
	    (uint64)(nblk / 2), "its size");
	fd = open("big", O_RDONLY);
	for (i = 0; i < nblk / 2 && ok; i++)
		ok = read(fd, buf, sizeof buf) == sizeof buf &&
		    buf[0] == 'A' + i % 26 && buf[sizeof buf - 1] == buf[0];
	close(fd);
	kf_check(ok, "and read it back");
	kf_check(unlink("big") == 0, "unlink it");
}

int
main(void)
{
	unlink("/ktfs");
	if (mkdir("/ktfs") != 0 || chdir("/ktfs") != 0) {
		printf("kt_fs: not ok cannot make /ktfs\n");
		exit(1);
	}
	kf_open();
	kf_names();
	kf_symlinks();
	kf_hostile();
	kf_large();
	unlink("/ktfs/a");
	chdir("/");
	kf_check(unlink("/ktfs") == 0, "the work directory is empty at the end");
	if (kf_failed == 0)
		printf("kt_fs: ok\n");
	exit(kf_failed ? 1 : 0);
}
