/*
 * jit_leak - a leak whose stack nothing is known of: code copied into an
 * anonymous executable mapping (as a JIT makes it) ends the frame-pointer
 * chain and calls malloc(48), which is never freed. The only frame is in
 * no module, so it has no name, file or module. x86-64 only: elsewhere,
 * or where the kernel refuses writable executable memory, exit 3.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(void)
{
#if defined(__x86_64__)
	/* The code, then malloc's address at code + 13. */
	uint8_t code[] = "\x53"		  /* push %rbx */
			 "\x48\x89\xeb"	  /* mov %rbp,%rbx */
			 "\x31\xed"	  /* xor %ebp,%ebp: no caller */
			 "\xbf\x30\0\0\0" /* mov $48,%edi */
			 "\x48\xb8\0\0\0\0\0\0\0\0" /* movabs $malloc,%rax */
			 "\xff\xd0"		    /* call *%rax */
			 "\x48\x89\xdd"		    /* mov %rbx,%rbp */
			 "\x5b"			    /* pop %rbx */
			 "\xc3";		    /* ret */
	void *(*m)(size_t) = malloc;
	void *(*f)(void);
	uint8_t *p;

	memcpy(code + 13, &m, sizeof(m));
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 3;
	memcpy(p, code, sizeof(code));
	f = (void *(*)(void))(uintptr_t)p;
	return f() ? 0 : 1; /* LEAK:jit */
#else
	return 3;
#endif
}
