/*
 * kernel/fcntl.h - the flags of open(2).
 *
 * O_RDONLY, O_WRONLY and O_RDWR are an access mode, not bits: exactly
 * one of them.  The values are xv6's; O_NOFOLLOW is the symbolic-link
 * lab's (open the link itself, not its target).
 */
#ifndef KERNEL_FCNTL_H
#define KERNEL_FCNTL_H

#define O_RDONLY	0x000
#define O_WRONLY	0x001
#define O_RDWR		0x002
#define O_CREATE	0x200
#define O_TRUNC		0x400
#define O_NOFOLLOW	0x800	/* libos-unix: do not follow a symlink */

#endif
