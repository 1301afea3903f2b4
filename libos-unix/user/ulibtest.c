// ulibtest: the user library does what xv6's does.  An xv6-style
// program: xv6's headers, xv6's idioms.  Prints "ulibtest: ok" and
// exits 0, or prints each failed check and exits 1.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/param.h"
#include "user/user.h"

int failures;

void check(int, char*);

void
check(int cond, char *what)
{
  if(!cond){
    printf("ulibtest: FAILED: %s\n", what);
    failures++;
  }
}

// printf into a pipe and read it back.
void
fmt(char *want, char *f, uint64 a, uint64 b)
{
  int p[2], n;
  char buf[128];

  if(pipe(p) < 0){
    check(0, "pipe");
    return;
  }
  fprintf(p[1], f, a, b);
  close(p[1]);
  n = read(p[0], buf, sizeof(buf) - 1);
  close(p[0]);
  if(n < 0)
    n = 0;
  buf[n] = 0;
  if(strcmp(buf, want) != 0){
    printf("ulibtest: printf(\"%s\") gave [%s], not [%s]\n", f, buf, want);
    failures++;
  }
}

void
strings(void)
{
  char buf[64], *s;

  check(strlen("") == 0, "strlen empty");
  check(strlen("hello") == 5, "strlen");
  check(strcmp("abc", "abc") == 0, "strcmp equal");
  check(strcmp("abc", "abd") < 0, "strcmp less");
  check(strcmp("b", "abc") > 0, "strcmp greater");
  check(strcmp("ab", "abc") < 0, "strcmp prefix");
  check(strcmp("\x80", "a") > 0, "strcmp unsigned");
  s = strcpy(buf, "copy");
  check(s == buf && strcmp(buf, "copy") == 0, "strcpy");
  s = "hello";
  check(strchr(s, 'l') == s + 2, "strchr");
  check(strchr("hello", 'z') == 0, "strchr missing");
  memset(buf, 'a', 10);
  buf[10] = 0;
  check(strlen(buf) == 10 && buf[9] == 'a', "memset");
  strcpy(buf, "0123456789");
  memmove(buf + 2, buf, 5);
  check(strcmp(buf, "0101234789") == 0, "memmove forward overlap");
  strcpy(buf, "0123456789");
  memmove(buf, buf + 2, 5);
  check(strcmp(buf, "2345656789") == 0, "memmove backward overlap");
  memcpy(buf, "xyz", 3);
  check(buf[0] == 'x' && buf[2] == 'z' && buf[3] == '5', "memcpy");
  check(memcmp("abc", "abd", 2) == 0, "memcmp prefix");
  check(memcmp("abc", "abd", 3) < 0, "memcmp less");
  check(atoi("1234") == 1234, "atoi");
  check(atoi("42abc") == 42, "atoi stops at a non-digit");
  check(atoi("") == 0, "atoi empty");
}

void
heap(void)
{
  char *p[64];
  int i, j, ok;

  for(i = 0; i < 64; i++){
    p[i] = malloc(i * 37 + 1);
    if(p[i] == 0){
      check(0, "malloc");
      return;
    }
    check(((uint64)p[i] & 15) == 0, "malloc alignment");
    memset(p[i], i, i * 37 + 1);
  }
  for(i = 0; i < 64; i += 2)
    free(p[i]);
  for(i = 0; i < 64; i += 2)
    p[i] = malloc(i * 37 + 1);
  for(i = 0; i < 64; i += 2)
    memset(p[i], i, i * 37 + 1);
  ok = 1;
  for(i = 0; i < 64; i++)
    for(j = 0; j < i * 37 + 1; j++)
      if(p[i][j] != (char)i)
        ok = 0;
  check(ok, "malloc blocks keep their contents");
  for(i = 0; i < 64; i++)
    free(p[i]);
  p[0] = malloc(100000);
  check(p[0] != 0, "a big malloc");
  free(p[0]);
  free(0);
}

void
lines(void)
{
  int p[2], fd;
  char buf[32];

  if(pipe(p) < 0){
    check(0, "pipe");
    return;
  }
  write(p[1], "one\ntwo\nthree", 13);
  close(p[1]);
  fd = dup(0);
  close(0);
  dup(p[0]);
  close(p[0]);
  gets(buf, sizeof(buf));
  check(strcmp(buf, "one\n") == 0, "gets a line");
  gets(buf, 3);
  check(strcmp(buf, "tw") == 0, "gets stops at max - 1");
  gets(buf, sizeof(buf));
  check(strcmp(buf, "o\n") == 0, "gets the rest of the line");
  gets(buf, sizeof(buf));
  check(strcmp(buf, "three") == 0, "gets a last line without a newline");
  gets(buf, sizeof(buf));
  check(buf[0] == 0, "gets at end of file");
  close(0);
  dup(fd);
  close(fd);
}

int
main(int argc, char *argv[])
{
  struct stat st;

  strings();
  heap();
  lines();
  fmt("42 -7\n", "%d %d\n", 42, -7);
  fmt("ff 0\n", "%x %x\n", 255, 0);
  fmt("4294967295\n", "%u\n", 0xffffffff, 0);
  fmt("-9223372036854775808\n", "%ld\n", 0x8000000000000000UL, 0);
  fmt("ffffffffffffffff\n", "%lx\n", ~0UL, 0);
  fmt("0x200000010000\n", "%p\n", 0x200000010000UL, 0);
  fmt("c=A 100%\n", "c=%c 100%%\n", 'A', 0);
  fmt("[%q]\n", "[%q]\n", 0, 0);
  check(stat(argv[0], &st) == 0 ? st.type == T_FILE && st.size > 0 : 1,
    "stat of the program itself");
  check(stat("/no/such/file", &st) < 0, "stat of a missing file fails");
  check(MAXPATH >= 128 && NOFILE >= 16, "param.h");
  if(failures){
    printf("ulibtest: %d failed\n", failures);
    exit(1);
  }
  printf("ulibtest: ok\n");
  exit(0);
}
