/*
 * util.c — memory, vectors, files and the built-in function table.
 *
 * The compiler is a short-lived process, so everything comes from one arena
 * of large zeroed chunks that is never freed piecemeal (chibicc, QBE's pools).
 * Big requests get a chunk of their own.  Out of memory is an internal error.
 * Every chunk is on one list, so all stay reachable (no leak to report) and
 * arena_reset() can free them all: a process that compiles many models
 * (the fuzzer) stays bounded.
 * Also: string maps (names of a model or a network: lookups in constant
 * time, so no size of model is quadratic) and reading a source file.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

char *arena_vprintf(const char *fmt, va_list ap)
{
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		die("arena_printf: bad format \"%s\"", fmt);
	char *p = arena_alloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(fmt, ap);
	va_end(ap);
	return p;
}

const char *num_str(double v)
{
	if (isnan(v))
		return "NaN";
	if (isinf(v))
		return v > 0 ? "inf" : "-inf";
	return arena_printf("%g", v);
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

/* ---- maps from names: open addressing, FNV-1a, grows at half load */
struct Map {
	const char **keys;
	void **vals;
	size_t n, cap;
};

static size_t hash_str(const char *s)
{
	size_t h = 1469598103934665603u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

Map *map_new(void)
{
	return arena_alloc(sizeof(Map));
}

static size_t map_slot(const Map *m, const char *key)
{
	size_t k = hash_str(key) & (m->cap - 1);
	while (m->keys[k] && strcmp(m->keys[k], key))
		k = (k + 1) & (m->cap - 1);
	return k;
}

void *map_get(const Map *m, const char *key)
{
	if (!m || !m->cap)
		return NULL;
	size_t k = map_slot(m, key);
	return m->keys[k] ? m->vals[k] : NULL;
}

void map_put(Map *m, const char *key, void *val)
{
	if (2 * (m->n + 1) > m->cap) {
		Map old = *m;
		m->cap = old.cap ? 2 * old.cap : 64;
		m->keys = arena_alloc(sizeof(char *) * m->cap);
		m->vals = arena_alloc(sizeof(void *) * m->cap);
		m->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.keys[i])
				map_put(m, old.keys[i], old.vals[i]);
	}
	size_t k = map_slot(m, key);
	if (!m->keys[k]) {
		m->keys[k] = key;
		m->n++;
	}
	m->vals[k] = val;
}

/* ---- files */

static const char *read_why;

const char *read_file_error(void)
{
	return read_why ? read_why : "cannot be read";
}

static char *fail_read(int fd, const char *why, int err)
{
	if (fd >= 0)
		close(fd);
	read_why = why ? why : strerror(err);
	errno = err;
	return NULL;
}

/* The whole file, NUL-terminated (NUL bytes inside are kept; *len counts
 * them).  NULL if it cannot be opened or read, is not a regular file (a
 * directory, a device like /dev/zero, a FIFO: opened non-blocking so that a
 * FIFO without a writer cannot hang us) or is larger than SNNC_MAX_FILE;
 * read_file_error() then says why. */
char *read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return fail_read(-1, NULL, errno);
	struct stat st;
	if (fstat(fd, &st))
		return fail_read(fd, NULL, errno);
	if (S_ISDIR(st.st_mode))
		return fail_read(fd, NULL, EISDIR);
	if (!S_ISREG(st.st_mode))
		return fail_read(fd, "not a regular file (a device, a FIFO or a socket)", EINVAL);
	if (st.st_size > SNNC_MAX_FILE)
		return fail_read(fd, arena_printf("the file is too large (%lld bytes; at most %d MB)",
						  (long long)st.st_size, SNNC_MAX_FILE >> 20), EFBIG);
	/* one byte more than the limit: a file that grew since fstat is refused too */
	size_t cap = (size_t)st.st_size + 1, n = 0;
	char *text = arena_alloc(cap + 1);
	for (;;) {
		ssize_t got = read(fd, text + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return fail_read(fd, NULL, errno);
		if (got == 0)
			break;
		n += (size_t)got;
		if (n == cap) {
			if (cap > SNNC_MAX_FILE)
				return fail_read(fd, arena_printf("the file is too large (at most %d MB)",
								  SNNC_MAX_FILE >> 20), EFBIG);
			char *bigger = arena_alloc(2 * cap + 1);
			memcpy(bigger, text, n);
			text = bigger;
			cap *= 2;
		}
	}
	close(fd);
	text[n] = '\0';
	if (len)
		*len = n;
	return text;
}

/* ---- built-in functions: one row each in builtins.def */
const FnInfo fn_table[FN_COUNT] = {
	[FN_NONE] = { "", 0, 0, DR_PURE, DV_FLAT, EL_PURE, "", "" },
#define X(id, name, lo, hi, rule, dv, el, c, cf) [id] = { name, lo, hi, rule, dv, el, c, cf },
#include "builtins.def"
#undef X
};

double fn_fold(FnId f, const double *x)
{
	switch (f) {
	case FN_EXP: return exp(x[0]);
	case FN_LOG: return log(x[0]);
	case FN_SQRT: return sqrt(x[0]);
	case FN_ABS: return fabs(x[0]);
	case FN_SIGN: return (x[0] > 0) - (x[0] < 0);
	case FN_MIN: return fmin(x[0], x[1]);
	case FN_MAX: return fmax(x[0], x[1]);
	case FN_CLIP: return x[0] < x[1] ? x[1] : x[0] > x[2] ? x[2] : x[0];
	case FN_POW: return pow(x[0], x[1]);
	case FN_SIN: return sin(x[0]);
	case FN_COS: return cos(x[0]);
	case FN_TANH: return tanh(x[0]);
	case FN_SIGMOID: return 1 / (1 + exp(-x[0]));
	case FN_RELU: return x[0] > 0 ? x[0] : 0;
	case FN_HEAVISIDE: return x[0] > 0;
	case FN_FLOOR: return floor(x[0]);
	case FN_RAND: case FN_RANDN: case FN_SUM: case FN_GRAD: case FN_NONE: case FN_COUNT:
		break;
	}
	die("fn_fold: '%s' is not a pure function", fn_table[f].name);
}

/* ---- built-in names: one row each in names.def */
const BuiltinInfo bi_table[BI_COUNT] = {
	[BI_NONE] = { "", BW_ANY, false },
#define X(id, name, where, elem) [id] = { name, where, elem },
#include "names.def"
#undef X
};

Builtin builtin_lookup(const char *name)
{
	for (int b = BI_NONE + 1; b < BI_COUNT; b++)
		if (!strcmp(bi_table[b].name, name))
			return (Builtin)b;
	return BI_NONE;
}

FnId fn_lookup(const char *name)
{
	for (int i = 1; i < FN_COUNT; i++)
		if (strcmp(fn_table[i].name, name) == 0)
			return (FnId)i;
	return FN_NONE;
}
