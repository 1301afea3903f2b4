// primes: the concurrent prime sieve, one process per prime, joined
// by pipes (6.1810's util lab).  Written the way an xv6 program is
// written, against xv6's headers only: it shows such a program builds
// and runs on libos-unix unchanged.  primes [n]: the primes up to n
// (default 35), one "prime p" line each.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "user/user.h"

void sieve(int) __attribute__((noreturn));

// Read numbers from in; the first is a prime: print it, pass on the
// numbers it does not divide to a new process, and wait for it.
void
sieve(int in)
{
  int p, n, fd[2], pid;

  if(read(in, &p, sizeof(p)) != sizeof(p))
    exit(0);
  printf("prime %d\n", p);
  if(pipe(fd) < 0){
    fprintf(2, "primes: pipe failed\n");
    exit(1);
  }
  pid = fork();
  if(pid < 0){
    fprintf(2, "primes: fork failed\n");
    exit(1);
  }
  if(pid == 0){
    close(fd[1]);
    close(in);
    sieve(fd[0]);
  }
  close(fd[0]);
  while(read(in, &n, sizeof(n)) == sizeof(n)){
    if(n % p != 0)
      write(fd[1], &n, sizeof(n));
  }
  close(fd[1]);
  close(in);
  wait(0);
  exit(0);
}

int
main(int argc, char *argv[])
{
  int fd[2], i, max = 35, pid;

  if(argc > 1)
    max = atoi(argv[1]);
  if(pipe(fd) < 0){
    fprintf(2, "primes: pipe failed\n");
    exit(1);
  }
  pid = fork();
  if(pid < 0){
    fprintf(2, "primes: fork failed\n");
    exit(1);
  }
  if(pid == 0){
    close(fd[1]);
    sieve(fd[0]);
  }
  close(fd[0]);
  for(i = 2; i <= max; i++)
    write(fd[1], &i, sizeof(i));
  close(fd[1]);
  wait(0);
  exit(0);
}
