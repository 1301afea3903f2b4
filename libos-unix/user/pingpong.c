// pingpong: a byte back and forth between parent and child over two
// pipes (6.1810's util lab), in xv6's style and with xv6's headers only.
// pingpong [rounds]: prints "<pid>: received ping" and "<pid>: received
// pong" for the first round, then "pingpong: N rounds".

#include "kernel/types.h"
#include "user/user.h"

int
main(int argc, char *argv[])
{
  int p2c[2], c2p[2], i, n = 1, pid;
  char b = 'x';

  if(argc > 1)
    n = atoi(argv[1]);
  if(pipe(p2c) < 0 || pipe(c2p) < 0){
    fprintf(2, "pingpong: pipe failed\n");
    exit(1);
  }
  pid = fork();
  if(pid < 0){
    fprintf(2, "pingpong: fork failed\n");
    exit(1);
  }
  if(pid == 0){
    for(i = 0; i < n; i++){
      if(read(p2c[0], &b, 1) != 1)
        exit(1);
      if(i == 0)
        printf("%d: received ping\n", getpid());
      write(c2p[1], &b, 1);
    }
    exit(0);
  }
  for(i = 0; i < n; i++){
    write(p2c[1], &b, 1);
    if(read(c2p[0], &b, 1) != 1){
      fprintf(2, "pingpong: no pong\n");
      exit(1);
    }
    if(i == 0)
      printf("%d: received pong\n", getpid());
  }
  wait(0);
  printf("pingpong: %d rounds\n", n);
  exit(0);
}
