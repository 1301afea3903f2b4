/*
 * kernel/syscall.h - the system-call numbers of libos-unix.
 *
 * Numbers 1-21 are xv6's, so that a program built for xv6 finds the same
 * call behind the same number; the rest are libos-unix's own additions.
 * This file is the contract between the user runtime (ulib/usys) and the
 * libOS's dispatcher (kern/syscall.c): change a number in both or neither.
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#define SYS_fork	 1
#define SYS_exit	 2
#define SYS_wait	 3
#define SYS_pipe	 4
#define SYS_read	 5
#define SYS_kill	 6
#define SYS_exec	 7
#define SYS_fstat	 8
#define SYS_chdir	 9
#define SYS_dup		10
#define SYS_getpid	11
#define SYS_sbrk	12
#define SYS_sleep	13
#define SYS_uptime	14
#define SYS_open	15
#define SYS_write	16
#define SYS_mknod	17
#define SYS_unlink	18
#define SYS_link	19
#define SYS_mkdir	20
#define SYS_close	21
/* libos-unix's additions (6.1810 labs and beyond) */
#define SYS_symlink	22	/* part 2: symbolic links */
#define SYS_mmap	23	/* part 3 */
#define SYS_munmap	24	/* part 3 */
#define SYS_madvise	25	/* part 3: paging hints */
#define SYS_socket	26	/* part 4: UDP sockets */
#define SYS_sendto	27	/* part 4 */
#define SYS_recvfrom	28	/* part 4 */
#define SYS_procinfo	29	/* ps: one process's state, see kern/syscall.c */
#define SYS_nop		30	/* does nothing, returns 0: the null system call */
#define SYS_connect	31	/* part 4: a socket's peer */
#define SYS_sotimeout	32	/* part 4: how long a receive waits */
#define SYS_netinfo	33	/* part 4: the interface and its counters */
#define SYS_arpinfo	34	/* part 4: one entry of the ARP cache */
#define SYS_uptimeus	35	/* part 4: microseconds since boot (ping) */
#define SYS_vmstat	36	/* part 3: the memory system's counters */
#define SYS_mprotect	37	/* part 3: the program's own protection */
#define SYS_sigsegv	38	/* part 3: its protection-fault handler */
#define SYS_sigreturn	39	/* part 3: back from that handler */
#define SYS_MAX		39

#endif
