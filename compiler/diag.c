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
 * Control bytes in a path, a message or the echoed line are printed as
 * \xHH (put_clean).
 */
#include <stdlib.h>
#include <string.h>

#include "snnc.h"

static FILE *out;
static int nerrors;

static Map *seen;     /* errors already shown (below) */
static const SrcFile *last_file;      /* line_start's last answer */
static const char *last_text, *last_p;
static int last_line;
static bool suppressing;
static DiagFatal fatal;

void diag_set_stream(FILE *f)
{
	out = f;
	seen = NULL;     /* a new run (tests): forget what was reported */
	last_file = NULL;
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
	last_file = NULL;
	last_text = last_p = NULL;
}

/* Start of line `line` (1-based) of text, or NULL past the end.  The last
 * answer is kept: errors mostly come in order, so many errors in a big file
 * scan it about once, not once each. */
static const char *line_start(const SrcFile *f, int line)
{
	const char *p = f->text, *end = f->text + f->len;
	int l = 1;
	if (f == last_file && f->text == last_text && last_p && last_line <= line &&
	    last_p <= end) {
		p = last_p;
		l = last_line;
	}
	for (; l < line; l++) {
		p = memchr(p, '\n', (size_t)(end - p));
		if (!p)
			return NULL;
		p++;
	}
	last_file = f;
	last_text = f->text;
	last_p = p;
	last_line = line;
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

/* A diagnostic is composed in memory and written at once: stderr is
 * unbuffered, and one write per byte made many errors slow. */
static FILE *begin(char **buf, size_t *len)
{
	FILE *o = open_memstream(buf, len);
	if (!o)
		die("out of memory");
	return o;
}

static void end(FILE *o, char **buf, size_t *len)
{
	fclose(o);
	fwrite(*buf, 1, *len, stream());
	fflush(stream());
	free(*buf);
}

static void report_text(Loc loc, const char *kind, const char *msg)
{
	char *buf;
	size_t len;
	FILE *o = begin(&buf, &len);
	if (loc.file) {
		put_str(o, loc.file->path);
		fprintf(o, ":%d:%d: %s: ", loc.first_line, loc.first_column, kind);
	} else {
		fprintf(o, "%s: ", kind);
	}
	put_str(o, msg);
	fputc('\n', o);
	show_source(o, loc);
	end(o, &buf, &len);
}

static void report(Loc loc, const char *kind, const char *fmt, va_list ap)
{
	char msg[1024];
	vsnprintf(msg, sizeof msg, fmt, ap);
	report_text(loc, kind, msg);
}

/* An error reported twice at one place (a synapse's statement checked for
 * its template and for each connection) is shown once, with its notes. */

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
	va_list ap;
	va_start(ap, fmt);
	char msg[1024], *buf;
	size_t len;
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	FILE *o = begin(&buf, &len);
	put_str(o, path);
	fputs(": error: ", o);
	put_str(o, msg);
	fputc('\n', o);
	end(o, &buf, &len);
	nerrors++;
}

void cmd_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char msg[2048], *buf;
	size_t len;
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	FILE *o = begin(&buf, &len);
	fputs("snnc: error: ", o);
	put_str(o, msg);
	fputc('\n', o);
	fclose(o);
	fwrite(buf, 1, len, stderr);
	free(buf);
}

/* The driver's answer to an internal error. */
static _Noreturn void fatal_exit(const char *msg)
{
	fflush(stdout);
	fputs("snnc: internal error: ", stderr);
	put_str(stderr, msg);
	fputc('\n', stderr);
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
