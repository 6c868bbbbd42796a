/*
 * fuzz_frontend.c — libFuzzer harness of the whole front end:
 *
 *   parse_string -> resolve -> check_dims -> lower -> emit_c (to /dev/null)
 *
 * stopping after a stage that reported errors, as the driver does.  Built
 * with ASan and UBSan by `make fuzz` (see tests/fuzz/run.sh).  One process
 * runs millions of inputs, so between inputs the harness clears the
 * compiler's global state: diag_reset() (error count, places reported) and
 * arena_reset() (all compiler memory).  An internal error (die()) aborts,
 * so libFuzzer reports it as a crash with its stack: anything the compiler
 * is given must get an answer, never an internal error.
 *
 * The model's path is in a directory that does not exist, so a relative
 * `import` (or weights/from_file path) can never reach a real file; inputs
 * that hold the two bytes `"/` (a string that may be an absolute path:
 * import "/dev/zero" or a FIFO) are skipped, so the fuzzer does not read
 * the machine's files.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snnc.h"

/* Inputs above this size only slow the search down. */
enum { MAX_INPUT = 1 << 16 };

static const char *MODEL_PATH = "/nonexistent-snnc-fuzz/fuzz.snn";
static FILE *sink;

static void fatal_abort(const char *msg)
{
	fprintf(stderr, "snnc: internal error: %s\n", msg);
	abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	sink = fopen("/dev/null", "w");
	if (!sink)
		abort();
	diag_set_stream(getenv("FUZZ_SHOW_DIAG") ? stderr : sink);
	diag_set_fatal(fatal_abort);
	return 0;
}

/* The front end of compiler/main.c, without its exits. */
static void compile(const char *text)
{
	Program *p = parse_string(MODEL_PATH, text);
	if (!p || error_count())
		return;
	Unit *u = resolve(p, MODEL_PATH);
	if (error_count())
		return;
	check_dims(u);
	if (error_count())
		return;
	lower(u);
	if (error_count() || !u->net)
		return;
	EmitOptions eo = { .source = u->path, .c_name = "model.c", .line_directives = true };
	emit_c(sink, u, &eo);
	fflush(sink);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT || memmem(data, size, "\"/", 2))
		return 0;
	char *text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';       /* parse_string reads up to the first NUL */
	compile(text);
	free(text);
	diag_reset();
	arena_reset();
	return 0;
}
