/*
 * replay.c — the fuzz harness without libFuzzer: runs every file named on
 * the command line through LLVMFuzzerTestOneInput (fuzz_frontend.c), each
 * twice and all in one process, as the fuzzer does between inputs.  It is
 * the regression test of the committed corpus and of the fixed crashes
 * (tests/fuzz/corpus, tests/fuzz/crashes): `make check-fuzz-corpus`, under
 * the sanitizers with check-asan.  Running each input twice catches state
 * that outlives diag_reset()/arena_reset() (the first crash found was a
 * static model whose memory the arena had freed).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(2);
	}
	size_t cap = 4096;
	uint8_t *buf = malloc(cap);
	*n = 0;
	size_t got;
	while (buf && (got = fread(buf + *n, 1, cap - *n, f)) > 0)
		if ((*n += got) == cap)
			buf = realloc(buf, cap *= 2);
	fclose(f);
	if (!buf)
		abort();
	return buf;
}

int main(int argc, char **argv)
{
	LLVMFuzzerInitialize(&argc, &argv);
	for (int k = 1; k < argc; k++) {
		size_t n;
		uint8_t *data = slurp(argv[k], &n);
		LLVMFuzzerTestOneInput(data, n);
		LLVMFuzzerTestOneInput(data, n);
		free(data);
	}
	printf("fuzz replay: %d inputs, no internal error, no sanitizer report\n", argc - 1);
	return 0;
}
