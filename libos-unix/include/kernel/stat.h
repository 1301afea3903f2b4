/*
 * kernel/stat.h - what fstat(2) and stat(3) report about a file.
 *
 * The layout is xv6's, byte for byte: a program built for xv6 reads the
 * same fields at the same offsets.
 */
#ifndef KERNEL_STAT_H
#define KERNEL_STAT_H

#define T_DIR		1	/* a directory */
#define T_FILE		2	/* a regular file */
#define T_DEVICE	3	/* a device: the console */
#define T_SYMLINK	4	/* a symbolic link (the 6.1810 lab's) */

struct stat {
	int	dev;		/* the file system's device number */
	uint	ino;		/* inode number, unique within dev */
	short	type;		/* T_DIR, T_FILE, T_DEVICE or T_SYMLINK */
	short	nlink;		/* directory entries naming the inode */
	uint64	size;		/* size in bytes */
};

#endif
