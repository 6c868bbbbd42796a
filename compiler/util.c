/*
 * util.c — memory, vectors, files and the built-in function table.
 *
 * The compiler is a short-lived process, so everything comes from one arena
 * of large zeroed chunks that is never freed piecemeal (chibicc, QBE's pools).
 * Big requests get a chunk of their own.  Out of memory is an internal error.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "snnc.h"

enum { CHUNK = 1 << 20, ALIGN = 16 };

static char *chunk;       /* current chunk */
static size_t used, cap;  /* bytes used / available in it */

static void *fresh(size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if (!p)
		die("out of memory (%zu bytes)", n);
	return p;
}

void *arena_alloc(size_t n)
{
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (n > CHUNK / 4)
		return fresh(n);
	if (!chunk || used + n > cap) {
		/* each chunk starts with a pointer to the previous one, so every
		 * chunk stays reachable (never freed, and no leak to report) */
		char *prev = chunk;
		chunk = fresh(CHUNK);
		*(char **)chunk = prev;
		used = ALIGN;
		cap = CHUNK;
	}
	void *p = chunk + used;
	used += n;
	return p;
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
