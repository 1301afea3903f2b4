/*
 * user/user.h - the system calls and the user library of libos-unix.
 *
 * The first two groups are xv6's interface, prototype for prototype, so
 * that a program written for xv6 compiles against them unchanged.  Include
 * kernel/types.h first, as in xv6.  The last group is libos-unix's own.
 * libos-unix-ulib(3) documents every function.
 */
#ifndef USER_USER_H
#define USER_USER_H

/* The mmap lab's own names for the arguments of mmap and munmap. */
typedef unsigned long size_t;
typedef long int off_t;

struct stat;
struct procinfo;

/* System calls (ulib/usys.S: each one enters libos-unix through its gate). */
int fork(void);
int exit(int) __attribute__((noreturn));
int wait(int*);
int pipe(int*);
int write(int, const void*, int);
int read(int, void*, int);
int close(int);
int kill(int);
int exec(const char*, char**);
int open(const char*, int);
int mknod(const char*, short, short);
int unlink(const char*);
int fstat(int fd, struct stat*);
int link(const char*, const char*);
int mkdir(const char*);
int chdir(const char*);
int dup(int);
int getpid(void);
char* sbrk(int);
int sleep(int);
int uptime(void);

/* The user library (ulib/). */
int stat(const char*, struct stat*);
char* strcpy(char*, const char*);
void *memmove(void*, const void*, int);
char* strchr(const char*, char c);
int strcmp(const char*, const char*);
void fprintf(int, const char*, ...) __attribute__((format(printf, 2, 3)));
void printf(const char*, ...) __attribute__((format(printf, 1, 2)));
char* gets(char*, int max);
uint strlen(const char*);
void* memset(void*, int, uint);
void* malloc(uint);
void free(void*);
int atoi(const char*);
int memcmp(const void *, const void *, uint);
void *memcpy(void *, const void *, uint);

/*
 * libos-unix's additions (kernel/syscall.h numbers 22 and up).
 */
int symlink(const char*, const char*);		/* part 2: symbolic links */
/* part 3: mappings of files and paging hints (kernel/fcntl.h) */
void *mmap(void *, size_t, int, int, int, off_t);
int munmap(void *, size_t);
int madvise(void *, size_t, int);
/* the program's own protection (PROT_NONE, PROT_READ, PROT_READ|PROT_WRITE)
 * and its protection-fault handler, which ends with sigreturn() */
int mprotect(void *, int, int);
int sigsegv(void (*)(void *));
int sigreturn(void);
int procinfo(int, struct procinfo*);		/* kernel/procinfo.h */
int nop(void);					/* the null system call */
struct vmstat;
int vmstat(int, struct vmstat*);		/* kernel/vmstat.h */

/* part 4: the network (kernel/net.h; addresses and ports in host order) */
struct netinfo;
struct arpent;
int socket(int type, int lport);
int connect(int fd, uint addr, int port);
int sendto(int fd, const void *buf, int n, uint addr, int port);
int recvfrom(int fd, void *buf, int n, uint *addr, int *port);
int sotimeout(int fd, int ms);
int netinfo(struct netinfo*);
int arpinfo(int, struct arpent*);
uint64 uptimeus(void);
int ipaddr(const char*, uint*);			/* "a.b.c.d": 0 or -1 */
char *ipstr(uint, char*);			/* into 16 bytes */

#endif
