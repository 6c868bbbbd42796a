/*
 * diag.c — diagnostics.
 *
 * Errors in the user's model go through error_at() (or error_file() where no
 * place applies) and are counted; the driver stops after a stage that
 * reported any.  The format is fixed by LANGUAGE.md §5:
 *
 *   FILE:LINE:COL: error: MESSAGE
 *   the source line, as written
 *         ^
 *
 * Columns count UTF-8 code points from 1; the caret line copies the tabs of
 * the source line so the caret lands under the column in any tab width.
 * Broken invariants of the compiler go through die(): it calls the fatal
 * handler, by default "snnc: internal error: MSG" and exit status 3.  A
 * process that compiles many models (the fuzzer) installs its own handler
 * and calls diag_reset() between compilations.
 */
#include <stdlib.h>
#include <string.h>

#include "snnc.h"

static FILE *out;
static int nerrors;

static struct Seen *seen;
static bool suppressing;
static DiagFatal fatal;

void diag_set_stream(FILE *f)
{
	out = f;
	seen = NULL;     /* a new run (tests): forget what was reported */
}

static FILE *stream(void)
{
	return out ? out : stderr;
}

int error_count(void)
{
	return nerrors;
}

/* Forget the errors counted and the places reported (which live in the
 * arena: call this before arena_reset()). */
void diag_reset(void)
{
	nerrors = 0;
	seen = NULL;
	suppressing = false;
}

/* Start of line `line` (1-based) of text, or NULL past the end. */
static const char *line_start(const SrcFile *f, int line)
{
	const char *p = f->text, *end = f->text + f->len;
	for (int l = 1; l < line; l++) {
		p = memchr(p, '\n', (size_t)(end - p));
		if (!p)
			return NULL;
		p++;
	}
	return p;
}

/* The source line and the caret line under column loc.first_column. */
static void show_source(FILE *o, Loc loc)
{
	if (!loc.file || !loc.file->text || loc.first_line < 1)
		return;
	const char *p = line_start(loc.file, loc.first_line);
	const char *end = loc.file->text + loc.file->len;
	if (!p)
		return;
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	if (!eol)
		eol = end;
	size_t n = (size_t)(eol - p);
	if (n && p[n - 1] == '\r')
		n--;
	fprintf(o, "%.*s\n", (int)n, p);
	int col = 1;
	for (const char *q = p; q < p + n && col < loc.first_column; q++) {
		if (((unsigned char)*q & 0xC0) == 0x80)
			continue;          /* UTF-8 continuation byte: same column */
		fputc(*q == '\t' ? '\t' : ' ', o);
		col++;
	}
	for (; col < loc.first_column; col++)
		fputc(' ', o);
	fputs("^\n", o);
}

static void report_text(Loc loc, const char *kind, const char *msg)
{
	FILE *o = stream();
	if (loc.file)
		fprintf(o, "%s:%d:%d: %s: ", loc.file->path, loc.first_line, loc.first_column, kind);
	else
		fprintf(o, "%s: ", kind);
	fputs(msg, o);
	fputc('\n', o);
	show_source(o, loc);
	fflush(o);
}

static void report(Loc loc, const char *kind, const char *fmt, va_list ap)
{
	FILE *o = stream();
	if (loc.file)
		fprintf(o, "%s:%d:%d: %s: ", loc.file->path, loc.first_line, loc.first_column, kind);
	else
		fprintf(o, "%s: ", kind);
	vfprintf(o, fmt, ap);
	fputc('\n', o);
	show_source(o, loc);
	fflush(o);
}

/* An error reported twice at one place (a synapse's statement checked for
 * its template and for each connection) is shown once, with its notes. */
typedef struct Seen {
	const SrcFile *file;
	int line, col;
	char *msg;
	struct Seen *next;
} Seen;

static bool seen_before(Loc loc, const char *msg)
{
	for (Seen *s = seen; s; s = s->next)
		if (s->file == loc.file && s->line == loc.first_line && s->col == loc.first_column &&
		    !strcmp(s->msg, msg))
			return true;
	Seen *s = arena_alloc(sizeof *s);
	*s = (Seen){ loc.file, loc.first_line, loc.first_column, arena_strdup(msg), seen };
	seen = s;
	return false;
}

void error_at(Loc loc, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	nerrors++;
	suppressing = loc.file && seen_before(loc, msg);
	if (!suppressing)
		report_text(loc, "error", msg);
}

void note_at(Loc loc, const char *fmt, ...)
{
	if (suppressing)
		return;
	va_list ap;
	va_start(ap, fmt);
	report(loc, "note", fmt, ap);
	va_end(ap);
}

void error_file(const char *path, const char *fmt, ...)
{
	FILE *o = stream();
	va_list ap;
	va_start(ap, fmt);
	fprintf(o, "%s: error: ", path);
	vfprintf(o, fmt, ap);
	fputc('\n', o);
	fflush(o);
	va_end(ap);
	nerrors++;
}

/* The driver's answer to an internal error. */
static _Noreturn void fatal_exit(const char *msg)
{
	fflush(stdout);
	fprintf(stderr, "snnc: internal error: %s\n", msg);
	exit(3);
}

void diag_set_fatal(DiagFatal handler)
{
	fatal = handler;
}

_Noreturn void die(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (fatal)
		fatal(msg);
	fatal_exit(msg);
}
