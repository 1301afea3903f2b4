/*
 * defs.h - what the files of libos-unix's kernel offer each other.
 * Each group is one file; its comment there says what it keeps.
 */
#ifndef KERN_DEFS_H
#define KERN_DEFS_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "exo.h"

struct proc;
struct vm;
struct file;
struct ustat;

/* main.c: the libOS's connection and options */
extern struct exo	*unix_exo;
extern const char	*unix_progdir;	/* what a new file system gets */
extern int		 unix_verbose;
void		 unix_panic(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
void		 unix_log(const char *, ...)
		    __attribute__((format(printf, 1, 2)));

/* trapasm.S and swtch.S */
extern volatile unsigned char unix_sud_sel;
extern struct trapframe *unix_cur_tf;
extern uint64_t	 unix_cur_kstack;
extern uint64_t	 unix_resume_rsp, unix_resume_rip;
extern uint32_t	 unix_mxcsr_kernel;
void		 unix_gate_entry(void);
void		 unix_trap_entry(void);
void		 unix_trapret(void);
extern char	 unix_trapret_end[];
void		 unix_forkret(void);
void		 unix_sigreturn(void);
extern char	 unix_sigreturn_end[];
void		 swtch(uint64_t *, uint64_t, void *, void *);

/* trap.c: signals, faults, the way into the libOS from user mode */
int		 trap_init(void);
void		 trap_kernel(void);
void		 trap_user_return(struct proc *);
int64_t		 trap_sigreturn(struct proc *);
int		 trap_in_region(uintptr_t);
void		 trap_block(void);
void		 trap_unblock(void);

/* sched.c: choosing who runs, ticks, idling */
extern volatile int sched_need_resched;
#define SCHED_FAIR	UINT_MAX	/* sched_init: the fair share */
int		 sched_init(unsigned);
unsigned	 sched_fair_share(void);
int		 sched_run(void);
void		 sched_switch_out(struct proc *);
uint64_t	 sched_ticks(void);
void		 sched_tick_signal(void);
int		 sched_others_runnable(struct proc *);
void		 sched_preempt(struct proc *);
extern int	 sched_tickchan;
unsigned	 sched_slots(void);
void		 sched_fpu_clean(void *);
struct vm	*sched_tlb_vm(void);

/* frame.c: page frames from exod, reference-counted and recycled */
int		 frame_init(struct exo *);
int64_t		 frame_alloc(int);
int64_t		 frame_alloc_pooled(void);
void		 frame_ref(uint32_t);
void		 frame_unref(uint32_t);
uint32_t	 frame_refs(uint32_t);
void		*frame_kva(uint32_t);
const struct exo_cap *frame_cap(uint32_t);
void		 frame_trim(unsigned);
unsigned	 frame_bound(void);
unsigned	 frame_used(void);
void		 frame_set_limit(unsigned);
unsigned	 frame_limit(void);
unsigned	 frame_peak(void);
uint32_t	 frame_slot(uint32_t);
void		 frame_set_slot(uint32_t, uint32_t);
void		 frame_census(unsigned *, unsigned *);
int		 frame_owns(const struct exo_cap *);
int		 frame_release(uint32_t, int);
void		 frame_mark_revoking(uint32_t);

/* pageout.c: the replacement policy (a clock over the page tables) */
unsigned	 pageout_evict(void);
void		 pageout_frames(const uint32_t *, uint32_t *, unsigned);

/* revoke.c: exod's revocations, answered by paging out */
void		 revoke_intr(const struct exo_intr *);
void		 revoke_serve(void);
void		 revoke_refused(uint32_t);
extern volatile unsigned revoke_npending;

/* syscall.c: dispatch and the arguments of a call */
void		 syscall_entry(void);
int		 argint(int, int *);
int		 argaddr(int, uint64_t *);
int		 argstr(int, char *, size_t);

/* sysproc.c and sysfile.c: one function per call */
int64_t		 sys_fork(void);
int64_t		 sys_exit(void);
int64_t		 sys_wait(void);
int64_t		 sys_kill(void);
int64_t		 sys_getpid(void);
int64_t		 sys_sbrk(void);
int64_t		 sys_sleep(void);
int64_t		 sys_uptime(void);
int64_t		 sys_procinfo(void);
int64_t		 sys_nop(void);
int64_t		 sys_vmstat(void);
int64_t		 sys_pipe(void);
int64_t		 sys_read(void);
int64_t		 sys_write(void);
int64_t		 sys_close(void);
int64_t		 sys_dup(void);
int64_t		 sys_exec(void);
int64_t		 sys_open(void);
int64_t		 sys_fstat(void);
int64_t		 sys_chdir(void);
int64_t		 sys_mknod(void);
int64_t		 sys_unlink(void);
int64_t		 sys_link(void);
int64_t		 sys_mkdir(void);
int64_t		 sys_symlink(void);

/* sysmmap.c: mappings and paging hints (mmap.c does the work) */
int64_t		 sys_mmap(void);
int64_t		 sys_munmap(void);
int64_t		 sys_madvise(void);
int64_t		 sys_mprotect(void);
int64_t		 sys_sigsegv(void);
int64_t		 sys_sigreturn(void);

/* sysnet.c: sockets and the network (net.h is the stack) */
int64_t		 sys_socket(void);
int64_t		 sys_connect(void);
int64_t		 sys_sendto(void);
int64_t		 sys_recvfrom(void);
int64_t		 sys_sotimeout(void);
int64_t		 sys_netinfo(void);
int64_t		 sys_arpinfo(void);
int64_t		 sys_uptimeus(void);
int		 net_init(const char *, const char *);
void		 net_poll(void);
void		 net_intr(const struct exo_intr *);
int		 net_sleepers(void);

/* exec.c */
int		 exec_run(struct proc *, const char *, char **);

/* console.c */
int		 console_init(void);
int		 console_read(void *, int);
int		 console_write(int, const void *, int);
void		 console_poll(void);
int		 console_waiting(void);

/* fsfile.c: names, open files and programs of the file system */
int		 fsfile_path(struct proc *, const char *, char *, size_t);
struct file	*fsfile_open(struct proc *, const char *, int);
int		 fsfile_chdir(struct proc *, const char *);
int		 fsfile_load(struct proc *, const char *, unsigned char **,
		    size_t *);

#endif
