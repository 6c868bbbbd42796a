/*
 * parse.c — from a path to a Program: read, scan and parse each file, then
 * expand its imports.
 *
 * `import "x.snn"` is resolved relative to the directory of the importing
 * file and replaced, in place, by the neuron and synapse declarations of x
 * (its own imports already expanded); TD_IMPORT declarations are not kept in
 * the returned Program.  Each file is read once per parse, identified by its
 * realpath: importing it again adds nothing; importing a file that is still
 * being parsed (a cycle) is an error at the import, and so is importing a
 * file that holds a network.  Only regular files of at most SNNC_MAX_FILE
 * bytes are read (read_file): not /dev/zero, not a FIFO.  A leading UTF-8
 * byte order mark is skipped.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "snnc.h"
#include "parser.h"

/* Files by realpath: the value is ACTIVE while the file is being parsed
 * (on the import stack), DONE after. */
typedef struct {
	Map *files;
} Session;

static char ACTIVE[] = "active", DONE[] = "done";

static bool is(const Session *s, const char *key, const char *state)
{
	return map_get(s->files, key) == state;
}

/* The identity of a file: its realpath, or the path itself if it has none
 * (text parsed from memory). */
static const char *file_key(const char *path)
{
	char buf[PATH_MAX];
	return realpath(path, buf) ? arena_strdup(buf) : arena_strdup(path);
}

/* `rel` relative to the directory of `from`. */
static const char *relative_to(const char *from, const char *rel)
{
	if (rel[0] == '/')
		return rel;
	const char *slash = strrchr(from, '/');
	if (!slash)
		return rel;
	return arena_printf("%.*s/%s", (int)(slash - from), from, rel);
}

/* Scan and parse one file's text; NULL after a syntax error. */
static Program *parse_text(const SrcFile *f)
{
	Program *p = arena_alloc(sizeof(Program));
	p->decls = vec_new();
	yyscan_t scanner = lex_open(f);
	ast_check_depth(true);
	int rc = snn_yyparse(scanner, p);
	ast_check_depth(false);
	lex_close(scanner);
	return rc == 0 ? p : NULL;
}

static Program *parse_source(Session *s, const char *path, const char *text, size_t len);

/* The declarations an import brings in, appended to out. */
static void expand_import(Session *s, const TopDecl *imp, Vec *out)
{
	const char *path = relative_to(imp->loc.file->path, imp->name);
	const char *key = file_key(path);
	if (is(s, key, ACTIVE)) {
		error_at(imp->loc, "import cycle: \"%s\" is already being imported", imp->name);
		return;
	}
	if (is(s, key, DONE))
		return;
	size_t len;
	char *text = read_file(path, &len);
	if (!text) {
		error_at(imp->loc, "cannot import \"%s\": %s", imp->name, read_file_error());
		return;
	}
	Program *p = parse_source(s, path, text, len);
	if (!p)
		return;
	VEC_EACH(TopDecl *, d, p->decls) {
		if (d->kind == TD_NETWORK) {
			error_at(imp->loc, "imported file \"%s\" contains a network", imp->name);
			note_at(d->loc, "network %s is here", d->name);
			continue;
		}
		vec_push(out, d);
	}
}

static Program *parse_source(Session *s, const char *path, const char *text, size_t len)
{
	/* A UTF-8 byte order mark (editors on Windows write one) is not part
	 * of the text: skipped, so columns count from after it. */
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
		text += 3;
		len -= 3;
	}
	SrcFile *f = arena_alloc(sizeof(SrcFile));
	f->path = arena_strdup(path);
	f->text = text;
	f->len = len;
	const char *key = file_key(path);
	Program *p = parse_text(f);
	if (!p)
		return NULL;
	map_put(s->files, key, ACTIVE);
	Vec *decls = vec_new();
	VEC_EACH(TopDecl *, d, p->decls) {
		if (d->kind == TD_IMPORT)
			expand_import(s, d, decls);
		else
			vec_push(decls, d);
	}
	map_put(s->files, key, DONE);
	p->decls = decls;
	return p;
}

static Program *parse_top(const char *path, const char *text, size_t len)
{
	Session s = { map_new() };
	int before = error_count();
	Program *p = parse_source(&s, path, text, len);
	return error_count() == before ? p : NULL;
}

Program *parse_file(const char *path)
{
	size_t len;
	char *text = read_file(path, &len);
	if (!text) {
		error_file(path, "cannot read file: %s", read_file_error());
		return NULL;
	}
	return parse_top(path, text, len);
}

Program *parse_string(const char *path, const char *text)
{
	return parse_top(path, arena_strdup(text), strlen(text));
}
