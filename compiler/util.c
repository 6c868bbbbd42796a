/*
 * util.c — memory, vectors, files and the built-in function table.
 *
 * The compiler is a short-lived process, so everything comes from one arena
 * of large zeroed chunks that is never freed piecemeal (chibicc, QBE's pools).
 * Big requests get a chunk of their own.  Out of memory is an internal error.
 * Every chunk is on one list so that arena_reset() can free them all: a
 * process that compiles many models (the fuzzer) stays bounded.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "snnc.h"

enum { CHUNK = 1 << 20, ALIGN = 16 };

/* Each block starts with this header, padded to ALIGN. */
typedef struct Block {
	struct Block *next;
	char pad[ALIGN - sizeof(struct Block *)];
} Block;
_Static_assert(sizeof(Block) == ALIGN, "block header keeps the alignment");

static Block *blocks;     /* every block, newest first */
static char *chunk;       /* current chunk */
static size_t used, cap;  /* bytes used / available in it */

static void *fresh(size_t n)
{
	Block *b = calloc(1, sizeof(Block) + n);
	if (!b)
		die("out of memory (%zu bytes)", n);
	b->next = blocks;
	blocks = b;
	return b + 1;
}

void *arena_alloc(size_t n)
{
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (n > CHUNK / 4)
		return fresh(n);
	if (!chunk || used + n > cap) {
		chunk = fresh(CHUNK);
		used = 0;
		cap = CHUNK;
	}
	void *p = chunk + used;
	used += n;
	return p;
}

void arena_reset(void)
{
	while (blocks) {
		Block *next = blocks->next;
		free(blocks);
		blocks = next;
	}
	chunk = NULL;
	used = cap = 0;
}

char *arena_strndup(const char *s, size_t n)
{
	char *p = arena_alloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(const char *s)
{
	return arena_strndup(s, strlen(s));
}

char *arena_printf(const char *fmt, ...)
{
	va_list ap, aq;
	va_start(ap, fmt);
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("arena_printf: bad format \"%s\"", fmt);
	char *p = arena_alloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, aq);
	va_end(aq);
	return p;
}

Vec *vec_new(void)
{
	return arena_alloc(sizeof(Vec));
}

void vec_push(Vec *v, void *item)
{
	if (v->n == v->cap) {
		int cap = v->cap ? 2 * v->cap : 8;
		void **items = arena_alloc(sizeof(void *) * (size_t)cap);
		if (v->n)
			memcpy(items, v->items, sizeof(void *) * (size_t)v->n);
		v->items = items;
		v->cap = cap;
	}
	v->items[v->n++] = item;
}

/* The whole file, NUL-terminated (NUL bytes inside are kept; *len counts
 * them).  NULL with errno set if it cannot be opened or read. */
char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t n = 0, cap = 4096;
	char *buf = malloc(cap);
	size_t got;
	errno = 0;
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
	}
	int err = ferror(f) ? (errno ? errno : EIO) : 0;
	fclose(f);
	if (!buf)
		die("out of memory reading %s", path);
	if (err) {
		free(buf);
		errno = err;
		return NULL;
	}
	char *text = arena_alloc(n + 1);
	memcpy(text, buf, n);
	free(buf);
	if (len)
		*len = n;
	return text;
}

/* ---- built-in functions: one row each in builtins.def */
const FnInfo fn_table[FN_COUNT] = {
	[FN_NONE] = { "", 0, 0, DR_PURE, "" },
#define X(id, name, lo, hi, rule, c) [id] = { name, lo, hi, rule, c },
#include "builtins.def"
#undef X
};

FnId fn_lookup(const char *name)
{
	for (int i = 1; i < FN_COUNT; i++)
		if (strcmp(fn_table[i].name, name) == 0)
			return (FnId)i;
	return FN_NONE;
}
