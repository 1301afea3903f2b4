/*
 * sysmmap.c - the system calls of mappings and paging hints: mmap,
 * munmap, madvise (mmap.c does the work).  Each checks its arguments in
 * full before anything changes, and gives -1 for every error;
 * libos-unix-syscalls(2) lists them.
 */
#include "config.h"

#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "defs.h"
#include "file.h"
#include "proc.h"
#include "vm.h"

#define SYSMMAP_PAGE	UNIX_PAGE_SIZE
#define SYSMMAP_FAILED	((int64_t)-1)	/* MAP_FAILED, (void *)-1 */

/* len rounded up to pages, if [0, len) could be user memory at all. */
static int
sysmmap_len(uint64_t len, uint64_t *out)
{
	if (len == 0 || len > UNIX_REGION_SIZE)
		return (-1);
	*out = (len + SYSMMAP_PAGE - 1) & ~(SYSMMAP_PAGE - 1);
	return (0);
}

/* The open regular file behind fd, readable: 0, or -1. */
static int
sysmmap_file(int fd, struct file **fp)
{
	struct file	*f;
	struct ustat	 st;

	if ((f = fd_get(proc_cur, fd)) == NULL || f->type != FD_INODE ||
	    !f->readable || f->ops->stat == NULL || f->ops->stat(f, &st) != 0 ||
	    st.type != UT_FILE)
		return (-1);
	*fp = f;
	return (0);
}

/* void *mmap(void *addr, size_t len, int prot, int flags, int fd,
 *     off_t off): addr is only a hint, and libos-unix takes none. */
int64_t
sys_mmap(void)
{
	struct file	*f;
	uint64_t	 len, off, va;
	int		 prot, flags, fd;

	(void)argaddr(1, &len);
	(void)argint(2, &prot);
	(void)argint(3, &flags);
	(void)argint(4, &fd);
	(void)argaddr(5, &off);
	if (sysmmap_len(len, &len) != 0 ||
	    (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) != 0 ||
	    (flags != MAP_SHARED && flags != MAP_PRIVATE) ||
	    (off & (SYSMMAP_PAGE - 1)) != 0 || off >= UINT32_MAX ||
	    len > UINT32_MAX - off || sysmmap_file(fd, &f) != 0)
		return (SYSMMAP_FAILED);
	/* Stores that reach the file need a descriptor that may write. */
	if (flags == MAP_SHARED && (prot & PROT_WRITE) && !f->writable)
		return (SYSMMAP_FAILED);
	if ((va = mmap_map(proc_cur->vm, len, prot, flags, f, off)) == 0)
		return (SYSMMAP_FAILED);
	return ((int64_t)va);
}

/* int munmap(void *addr, size_t len) */
int64_t
sys_munmap(void)
{
	uint64_t	va, len;

	(void)argaddr(0, &va);
	(void)argaddr(1, &len);
	if ((va & (SYSMMAP_PAGE - 1)) != 0 || sysmmap_len(len, &len) != 0 ||
	    !vm_user_range(va, len))
		return (-1);
	return (mmap_unmap(proc_cur->vm, va, len));
}

/* int madvise(void *addr, size_t len, int advice) */
int64_t
sys_madvise(void)
{
	uint64_t	va, len;
	int		advice;

	(void)argaddr(0, &va);
	(void)argaddr(1, &len);
	(void)argint(2, &advice);
	if ((va & (SYSMMAP_PAGE - 1)) != 0 || sysmmap_len(len, &len) != 0 ||
	    !vm_user_range(va, len))
		return (-1);
	return (mmap_advise(proc_cur->vm, va, len, advice));
}

/*
 * int mprotect(void *addr, int len, int prot): the program's own
 * protection of [addr, addr + len), len rounded up to whole pages; prot
 * is PROT_NONE, PROT_READ or PROT_READ | PROT_WRITE.  -1 for an addr not
 * page-aligned, a len not above 0, another prot, or a page of the range
 * that is not the process's (vm_protect).
 */
int64_t
sys_mprotect(void)
{
	uint64_t	va, len;
	int		n, prot;

	(void)argaddr(0, &va);
	(void)argint(1, &n);
	(void)argint(2, &prot);
	if ((va & (SYSMMAP_PAGE - 1)) != 0 || n <= 0 ||
	    sysmmap_len((uint64_t)n, &len) != 0 || !vm_user_range(va, len) ||
	    (prot != PROT_NONE && prot != PROT_READ &&
	    prot != (PROT_READ | PROT_WRITE)))
		return (-1);
	return (vm_protect(proc_cur->vm, va, len / SYSMMAP_PAGE, prot));
}
