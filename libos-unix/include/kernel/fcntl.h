/*
 * kernel/fcntl.h - the flags of open(2).
 *
 * O_RDONLY, O_WRONLY and O_RDWR are an access mode, not bits: exactly
 * one of them.  The values are xv6's; O_NOFOLLOW is the symbolic-link
 * lab's (open the link itself, not its target).
 *
 * Then mmap(2)'s protections and kinds of mapping, with the values of
 * the 6.1810 mmap lab, and madvise(2)'s hints: libos-unix-syscalls(2).
 */
#ifndef KERNEL_FCNTL_H
#define KERNEL_FCNTL_H

#define O_RDONLY	0x000
#define O_WRONLY	0x001
#define O_RDWR		0x002
#define O_CREATE	0x200
#define O_TRUNC		0x400
#define O_NOFOLLOW	0x800	/* libos-unix: do not follow a symlink */

#define PROT_NONE	0x0
#define PROT_READ	0x1
#define PROT_WRITE	0x2
#define PROT_EXEC	0x4

#define MAP_SHARED	0x01	/* stores reach the file, and the sharers */
#define MAP_PRIVATE	0x02	/* stores stay the process's own */

#define MADV_NORMAL	0	/* no hint: the range's pins go */
#define MADV_WILLNEED	3	/* fault the range in now */
#define MADV_DONTNEED	4	/* dead: drop it without saving it */
#define MADV_PIN	0x100	/* libos-unix: keep it resident */

#endif
