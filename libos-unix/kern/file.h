/*
 * file.h - open files: what a descriptor of a process points at.
 *
 * A struct file is one open of something: a pipe end, an inode of
 * libos-unix's own file system (fsfile.c), or a device (the console,
 * the display).  The kind decides the operations
 * (f->ops); everything above the operations (descriptors, dup, close,
 * inheritance over fork and exec) is the same for every kind.  The file
 * system plugs in by giving an FD_INODE file its own ops and ip.
 */
#ifndef KERN_FILE_H
#define KERN_FILE_H

#include <stdint.h>

#include "kernel/types.h"

/* xv6's struct stat, field for field (kernel/stat.h): the user's view. */
struct ustat {
	int		dev;
	uint		ino;
	short		type;
	short		nlink;
	uint64		size;
};

#define UT_DIR		1
#define UT_FILE		2
#define UT_DEVICE	3

#define CONSOLE_MAJOR	1	/* the console's device number */
#define DISPLAY_MAJOR	2	/* the display's (display.c) */

enum file_type { FD_NONE, FD_PIPE, FD_INODE, FD_DEVICE, FD_SOCK };

struct file;
struct file_ops {
	/* n bytes between the file and user address uva: count or -1 */
	int	(*read)(struct file *, uint64_t, int);
	int	(*write)(struct file *, uint64_t, int);
	int	(*stat)(struct file *, struct ustat *);
	void	(*close)(struct file *);	/* the last reference went */
};

struct file {
	enum file_type		 type;
	const struct file_ops	*ops;
	int			 ref;	/* descriptors that point here */
	char			 readable;
	char			 writable;
	struct pipe		*pipe;	/* FD_PIPE */
	void			*ip;	/* FD_INODE: the inode, referenced */
	int			 hostfd; /* FD_DEVICE: where output goes */
	uint64_t		 off;	/* FD_INODE: the next byte */
	short			 major;	/* FD_DEVICE */
	struct sock		*sock;	/* FD_SOCK: the socket (net_sock.c) */
};

struct proc;

struct file	*file_alloc(void);
struct file	*file_dup(struct file *);
void		 file_close(struct file *);
int		 file_read(struct file *, uint64_t, int);
int		 file_write(struct file *, uint64_t, int);
int		 file_stat(struct file *, uint64_t);
int		 fd_alloc(struct proc *, struct file *);
struct file	*fd_get(struct proc *, int);

int		 pipe_alloc(struct file **, struct file **);
struct file	*console_file(int);
struct file	*display_file(void);

#endif
