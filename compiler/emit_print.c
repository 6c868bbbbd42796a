/*
 * emit_print.c — the printer of the generated C: it owns indentation,
 * captured bodies (a kernel's body is printed first, its locals after, so
 * only the locals it uses are declared), #line directives and the source
 * comments above each statement.
 *
 * `#line` back into the C file needs the line number of the C file itself,
 * which a captured body cannot know; back_to_c() prints a marker that
 * emit_c() replaces once the whole file is written.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"

Printer PR;
Network *NET;
Layout *LAY;
Schedule *SCHED;

static void vline(const char *fmt, va_list ap)
{
	for (int k = 0; k < PR.indent; k++)
		fputc('\t', PR.f);
	vfprintf(PR.f, fmt, ap);
	fputc('\n', PR.f);
}

void ln(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vline(fmt, ap);
	va_end(ap);
}

void blank(void)
{
	fputc('\n', PR.f);
}

void open_block(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = arena_vprintf(fmt, ap);
	va_end(ap);
	ln("%s%s{", s, *s ? " " : "");
	PR.indent++;
}

void close_block(void)
{
	PR.indent--;
	ln("}");
}

void else_block(void)
{
	PR.indent--;
	ln("} else {");
	PR.indent++;
}

/* ---------------------------------------------------------------- capture */

typedef struct Capture {
	FILE *saved;
	char *buf;
	size_t len;
	FILE *f;
} Capture;

static Capture stack[16];
static int depth;

void capture_begin(void)
{
	if (depth == (int)(sizeof stack / sizeof *stack))
		die("printer: captures nested too deep");
	Capture *c = &stack[depth++];
	c->saved = PR.f;
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	if (!c->f)
		die("out of memory");
	PR.f = c->f;
}

char *capture_end(void)
{
	Capture *c = &stack[--depth];
	fclose(c->f);
	PR.f = c->saved;
	char *r = arena_strndup(c->buf, c->len);
	free(c->buf);
	return r;
}

void put_text(const char *text)
{
	fputs(text, PR.f);
}

const char *to_text(void (*print)(FILE *, const void *), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		die("out of memory");
	print(f, arg);
	fclose(f);
	char *r = arena_strndup(buf, len);
	free(buf);
	return r;
}

/* ----------------------------------------------------------------- locals */

struct Locals {
	Vec *names, *texts;
};

Locals *locals_new(void)
{
	Locals *l = arena_alloc(sizeof *l);
	l->names = vec_new();
	l->texts = vec_new();
	return l;
}

void local(Locals *l, const char *name, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vec_push(l->texts, arena_vprintf(fmt, ap));
	va_end(ap);
	vec_push(l->names, (void *)name);
}

bool mentions(const char *text, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = strstr(text, name); p; p = strstr(p + 1, name)) {
		/* a member (sim->dt, pp->n) is not a mention of the local */
		bool before = p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '.' ||
					   (p[-1] == '>' && p - 1 > text && p[-2] == '-'));
		bool after = isalnum((unsigned char)p[n]) || p[n] == '_';
		if (!before && !after)
			return true;
	}
	return false;
}

/* A declaration is kept when the body mentions its name, or a kept later
 * declaration does (declarations only read earlier ones). */
void put_with_locals(Locals *l, const char *body)
{
	int n = l->names->n;
	bool *kept = arena_alloc(sizeof(bool) * (size_t)(n + 1));
	for (int k = n - 1; k >= 0; k--) {
		const char *name = l->names->items[k];
		kept[k] = mentions(body, name);
		for (int j = k + 1; j < n && !kept[k]; j++)
			kept[k] = kept[j] && mentions(l->texts->items[j], name);
	}
	for (int k = 0; k < n; k++)
		if (kept[k])
			ln("%s", (const char *)l->texts->items[k]);
	put_text(body);
}

void block_with(const char *head, Locals *l, BodyFn body, const void *arg)
{
	PR.indent++;
	capture_begin();
	body(arg);
	char *text = capture_end();
	PR.indent--;
	open_block("%s", head);
	put_with_locals(l, text);
	close_block();
}

const char *pop_type(const Pop *p) { return c_name(CN_POP_TYPE, p->name, NULL); }
const char *pop_field(const Pop *p) { return c_name(CN_POP_FIELD, p->name, NULL); }
const char *conn_type(const Conn *c) { return c_name(CN_CONN_TYPE, c->name, NULL); }
const char *conn_field(const Conn *c) { return c_name(CN_CONN_FIELD, c->name, NULL); }

/* ------------------------------------------------------------- literals */

/* A C string literal.  `?` is escaped so that no trigraph (`??/`, `??=`,
 * enabled by -std=c11) can form from a user's path. */
const char *c_string(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		die("out of memory");
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\' || *s == '?')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 32 || *s == 127)
			fprintf(f, "\\%03o", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
	fclose(f);
	char *r = arena_strdup(buf);
	free(buf);
	return r;
}

/* The shortest text that reads back exactly, as a floating constant. */
void c_number(FILE *f, double v, bool single)
{
	char buf[64];
	if (isinf(v)) {
		fprintf(f, "%sINFINITY", v < 0 ? "-" : "");
		return;
	}
	if (isnan(v)) {
		fputs("NAN", f);
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	fputs(buf, f);
	if (!strpbrk(buf, ".eEn"))
		fputs(".0", f);
	if (single)
		fputc('f', f);
}

/* ------------------------------------------------------ #line, comments */

void src_line(Loc loc)
{
	if (PR.lines && loc.file)
		fprintf(PR.f, "#line %d %s\n", loc.first_line, c_string(loc.file->path));
}

void back_to_c(void)
{
	if (PR.lines)
		fputs("#line @\n", PR.f);
}

/* Start offsets of the lines of one source file, built once: looking up a
 * statement's text costs its length, not the file's. */
typedef struct LineIndex {
	const SrcFile *file;
	size_t *start;
	int n;
} LineIndex;

static LineIndex *indexes;
static int nindexes;

/* The indexes point into one compilation's arena: emit_c starts afresh. */
void printer_reset(void)
{
	free(indexes);
	indexes = NULL;
	nindexes = 0;
}

static const LineIndex *line_index(const SrcFile *file)
{
	for (int k = 0; k < nindexes; k++)
		if (indexes[k].file == file)
			return &indexes[k];
	indexes = realloc(indexes, sizeof *indexes * (size_t)(nindexes + 1));
	if (!indexes)
		die("out of memory");
	LineIndex *x = &indexes[nindexes++];
	x->file = file;
	x->n = 1;
	for (size_t k = 0; k < file->len; k++)
		x->n += file->text[k] == '\n';
	x->start = arena_alloc(sizeof(size_t) * (size_t)(x->n + 1));
	int l = 0;
	x->start[l++] = 0;
	for (size_t k = 0; k < file->len; k++)
		if (file->text[k] == '\n')
			x->start[l++] = k + 1;
	return x;
}

/* The source text of a location on one line; columns count code points. */
static const char *src_text(Loc loc)
{
	if (!loc.file || loc.first_line != loc.last_line || loc.first_line < 1)
		return NULL;
	const LineIndex *x = line_index(loc.file);
	if (loc.first_line > x->n)
		return NULL;
	const char *start = loc.file->text + x->start[loc.first_line - 1];
	int col = 1;
	while (*start && *start != '\n' && col < loc.first_column) {
		start++;
		while ((*start & 0xC0) == 0x80)
			start++;
		col++;
	}
	const char *end = start;
	while (*end && *end != '\n' && col <= loc.last_column) {
		end++;
		while ((*end & 0xC0) == 0x80)
			end++;
		col++;
	}
	char *s = arena_strndup(start, (size_t)(end - start));
	/* nothing in it may end the comment or form a trigraph */
	for (char *q = s; *q; q++) {
		if (q[0] == '*' && q[1] == '/')
			q[1] = '|';
		if (q[0] == '?' && q[1] == '?')
			q[1] = ' ';
		if ((unsigned char)*q < 32 || *q == 127)
			*q = ' ';
	}
	return s;
}

void comment(Loc loc, const char *what)
{
	const char *t = src_text(loc);
	if (t && *t)
		ln("/* %s%s */", what, t);
	else if (*what)
		ln("/* %s */", what);
}
