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
 * Broken invariants of the compiler go through die() (exit status 3).
 * Control bytes in a path, a message or the echoed line are printed as
 * \xHH (put_clean).
 */
#include <stdlib.h>
#include <string.h>

#include "snnc.h"

static FILE *out;
static int nerrors;

static Map *seen;     /* errors already shown (below) */

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

/* Control bytes (< 0x20, 0x7f) never reach the terminal as they are: a
 * model could otherwise clear the screen or retitle the window of whoever
 * checks it.  They are shown as \xHH (tab kept in the source line). */
static bool is_control(unsigned char c, bool keep_tab)
{
	return (c < 0x20 && !(keep_tab && c == '\t')) || c == 0x7f;
}

static void put_clean(FILE *o, const char *s, size_t n, bool keep_tab)
{
	for (size_t k = 0; k < n; k++) {
		unsigned char c = (unsigned char)s[k];
		if (is_control(c, keep_tab))
			fprintf(o, "\\x%02x", c);
		else
			fputc(c, o);
	}
}

static void put_str(FILE *o, const char *s)
{
	put_clean(o, s, strlen(s), false);
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
	put_clean(o, p, n, true);
	fputc('\n', o);
	int col = 1;
	for (const char *q = p; q < p + n && col < loc.first_column; q++) {
		if (((unsigned char)*q & 0xC0) == 0x80)
			continue;          /* UTF-8 continuation byte: same column */
		/* as wide as put_clean printed it */
		fputs(*q == '\t' ? "\t" : is_control((unsigned char)*q, true) ? "    " : " ", o);
		col++;
	}
	for (; col < loc.first_column; col++)
		fputc(' ', o);
	fputs("^\n", o);
}

static void report_text(Loc loc, const char *kind, const char *msg)
{
	FILE *o = stream();
	if (loc.file) {
		put_str(o, loc.file->path);
		fprintf(o, ":%d:%d: %s: ", loc.first_line, loc.first_column, kind);
	} else {
		fprintf(o, "%s: ", kind);
	}
	put_str(o, msg);
	fputc('\n', o);
	show_source(o, loc);
	fflush(o);
}

static void report(Loc loc, const char *kind, const char *fmt, va_list ap)
{
	char msg[1024];
	vsnprintf(msg, sizeof msg, fmt, ap);
	report_text(loc, kind, msg);
}

/* An error reported twice at one place (a synapse's statement checked for
 * its template and for each connection) is shown once, with its notes. */
static bool suppressing;

/* Keyed by file, line, column and text (a map: many errors stay linear). */
static bool seen_before(Loc loc, const char *msg)
{
	char *key = arena_printf("%p:%d:%d:%s", (const void *)loc.file, loc.first_line,
				 loc.first_column, msg);
	if (!seen)
		seen = map_new();
	if (map_get(seen, key))
		return true;
	map_put(seen, key, key);
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
	char msg[1024];
	vsnprintf(msg, sizeof msg, fmt, ap);
	put_str(o, path);
	fputs(": error: ", o);
	put_str(o, msg);
	fputc('\n', o);
	fflush(o);
	va_end(ap);
	nerrors++;
}

_Noreturn void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fflush(stdout);
	char msg[1024];
	vsnprintf(msg, sizeof msg, fmt, ap);
	fputs("snnc: internal error: ", stderr);
	put_str(stderr, msg);
	fputc('\n', stderr);
	va_end(ap);
	exit(3);
}
