/*
 * args - show how a program was started (a test of exec).
 *
 * Prints "argc N", then "argv[i] [string]" for each argument, then
 * "argv[N] null" if the vector ends in a null pointer as it must, and
 * "stack aligned" if main's frame is 16-byte aligned as the ABI wants.
 */
#include "kernel/types.h"
#include "user/user.h"

int
main(int argc, char *argv[])
{
	int	i;

	printf("argc %d\n", argc);
	for (i = 0; i < argc; i++)
		printf("argv[%d] [%s]\n", i, argv[i]);
	if (argv[argc] == 0)
		printf("argv[%d] null\n", argc);
	/* At a call the stack is 16-byte aligned: so the caller's frame. */
	if (((uint64)__builtin_frame_address(0) & 15) == 0)
		printf("stack aligned\n");
	exit(0);
}
