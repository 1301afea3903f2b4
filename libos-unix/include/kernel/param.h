/*
 * kernel/param.h - the fixed sizes of libos-unix's tables.
 *
 * The names are xv6's, so that a program that sizes a buffer by MAXPATH
 * or an argument vector by MAXARG compiles unchanged; the libOS's tables
 * (kern/) use the same constants, so a user program and the libOS agree.
 */
#ifndef KERNEL_PARAM_H
#define KERNEL_PARAM_H

#define NPROC		64	/* processes at once */
#define NCPU		1	/* libos-unix runs its processes on one CPU */
#define NOFILE		16	/* open files per process */
#define NFILE		100	/* open files in the whole system */
#define NINODE		50	/* in-memory inodes */
#define NDEV		10	/* major device numbers */
#define ROOTDEV		1	/* device number of the root file system */
#define MAXARG		32	/* exec arguments */
#define MAXOPBLOCKS	10	/* blocks one file-system operation writes */
#define LOGSIZE		(MAXOPBLOCKS * 3)	/* blocks of the on-disk log */
#define NBUF		(MAXOPBLOCKS * 3)	/* buffer-cache size */
#define FSSIZE		2000	/* file-system size in blocks */
#define MAXPATH		128	/* bytes in a path name, with its null */
#define USERSTACK	1	/* (xv6) user stack pages; libos-unix: 256 */

#endif
