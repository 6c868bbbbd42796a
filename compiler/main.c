/*
 * main.c — the snnc driver.  Reads like the pipeline:
 *
 *   parse_file -> resolve -> check_dims -> lower -> emit_c -> build_binary
 *
 * with one exit after each stage that reported errors (status 1).  Command
 * lines of LANGUAGE.md §5:
 *
 *   snnc build MODEL.snn [-o BIN] [--emit-c DIR] [-O0..-O3] [--cc CC] [--threads] [--mpi]
 *              [--no-lazy-traces]
 *   snnc check MODEL.snn
 *   snnc run MODEL.snn [build options] [-- SIMULATOR ARGS]
 *
 * (`snnc run -o BIN` builds the simulator at BIN, as build does, and runs
 * it; without -o it comes from the cache.)
 * plus --dump=ast|layout|schedule|c (print a stage's result) and --version.  Bad command
 * lines exit 2, internal errors 3.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snnc.h"

const char *runtime_dir(const char *what);
const char *default_cc(void);

typedef struct Args {
	const char *cmd, *model, *out, *emit_dir, *cc, *dump;
	int opt;
	bool no_lazy;        /* --no-lazy-traces */
	int nsim;
	char **sim;          /* after -- */
} Args;

static _Noreturn void usage_error(const char *fmt, const char *arg)
{
	cmd_error(fmt, arg);
	fprintf(stderr, "usage: snnc build|check|run MODEL.snn [options]   (snnc --help)\n");
	exit(2);
}

static void usage(FILE *f)
{
	fputs("usage: snnc build MODEL.snn [-o BIN] [--emit-c DIR] [-O0..-O3] [--cc CC]\n"
	      "       snnc check MODEL.snn\n"
	      "       snnc run MODEL.snn [build options] [-- SIMULATOR ARGS]\n"
	      "         (run -o BIN: build the simulator at BIN, then run it)\n"
	      "options: --dump=ast|layout|schedule|c  print a stage's result; --version\n"
	      "         --no-lazy-traces  decay every trace every step (no lazy decay at events)\n", f);
}

static Args parse_args(int argc, char **argv)
{
	Args a = { .opt = 3 };
	if (argc < 2)
		usage_error("%s", "missing command");
	a.cmd = argv[1];
	if (!strcmp(a.cmd, "--version")) {
		printf("snnc %s\n", SNNC_VERSION);
		exit(0);
	}
	if (!strcmp(a.cmd, "--help") || !strcmp(a.cmd, "-h")) {
		usage(stdout);
		exit(0);
	}
	if (strcmp(a.cmd, "build") && strcmp(a.cmd, "check") && strcmp(a.cmd, "run"))
		usage_error("unknown command '%s'", a.cmd);
	for (int i = 2; i < argc; i++) {
		const char *s = argv[i];
		if (!strcmp(s, "--")) {
			if (strcmp(a.cmd, "run"))
				usage_error("'--' is only for snnc run%s", "");
			a.sim = argv + i + 1;
			a.nsim = argc - i - 1;
			break;
		}
		if (!strcmp(s, "-o") || !strcmp(s, "--emit-c") || !strcmp(s, "--cc")) {
			if (i + 1 >= argc)
				usage_error("%s needs a value", s);
			const char *v = argv[++i];
			if (s[1] == 'o')
				a.out = v;
			else if (!strcmp(s, "--cc"))
				a.cc = v;
			else
				a.emit_dir = v;
		} else if (!strncmp(s, "--emit-c=", 9)) {
			a.emit_dir = s + 9;
		} else if (!strncmp(s, "--cc=", 5)) {
			a.cc = s + 5;
		} else if (!strncmp(s, "--dump=", 7)) {
			a.dump = s + 7;
			if (strcmp(a.dump, "ast") && strcmp(a.dump, "layout") && strcmp(a.dump, "schedule") &&
			    strcmp(a.dump, "c"))
				usage_error("unknown stage '%s' for --dump (ast, layout, schedule or c)", a.dump);
		} else if (s[0] == '-' && s[1] == 'O' && s[2] >= '0' && s[2] <= '3' && !s[3]) {
			a.opt = s[2] - '0';
		} else if (!strcmp(s, "--no-lazy-traces")) {
			a.no_lazy = true;   /* every trace clock-driven (tests, benchmarks) */
		} else if (!strcmp(s, "--threads")) {
			/* accepted: the simulator runs single-threaded for now */
		} else if (!strcmp(s, "--mpi")) {
			usage_error("%s is not supported yet", s);
		} else if (s[0] == '-' && s[1]) {
			usage_error("unknown option '%s'", s);
		} else if (!a.model) {
			a.model = s;
		} else {
			usage_error("unexpected argument '%s'", s);
		}
	}
	if (!a.model)
		usage_error("%s", "missing MODEL.snn");
	if (!strcmp(a.cmd, "check") && (a.out || a.emit_dir))
		usage_error("%s", "snnc check takes no output options");
	return a;
}

static void stop_if_errors(void)
{
	if (error_count())
		exit(1);
}

/* The front half of the pipeline; exits 1 on errors in the model. */
static Unit *compile(const Args *a)
{
	Program *p = parse_file(a->model);
	stop_if_errors();
	if (!p)
		exit(1);
	if (a->dump && !strcmp(a->dump, "ast")) {
		ast_dump(stdout, p);
		exit(0);
	}
	Unit *u = resolve(p, a->model);
	stop_if_errors();
	check_dims(u);
	stop_if_errors();
	u->no_lazy = a->no_lazy;
	lower(u);
	stop_if_errors();
	return u;
}

static void mkdir_p(const char *dir)
{
	char *d = arena_strdup(dir);
	for (char *p = d + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			mkdir(d, 0777);
			*p = '/';
		}
	if (mkdir(d, 0777) && errno != EEXIST) {
		cmd_error("cannot create directory '%s': %s", dir, strerror(errno));
		exit(2);
	}
}

static void write_c(Unit *u, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		cmd_error("cannot write '%s': %s", path, strerror(errno));
		exit(2);
	}
	EmitOptions eo = { .source = u->path, .c_name = "model.c", .line_directives = true };
	emit_c(f, u, &eo);
	if (fclose(f)) {
		cmd_error("cannot write '%s': %s", path, strerror(errno));
		exit(2);
	}
}

static const char *default_binary(const char *model)
{
	const char *base = strrchr(model, '/');
	base = base ? base + 1 : model;
	size_t n = strlen(base);
	if (n > 4 && !strcmp(base + n - 4, ".snn"))
		n -= 4;
	return arena_strndup(base, n);
}

static const char *temp_dir(void)
{
	const char *tmp = getenv("TMPDIR");
	char *t = arena_printf("%s/snnc-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(t)) {
		cmd_error("cannot create a temporary directory: %s", strerror(errno));
		exit(2);
	}
	return t;
}

static int build(Unit *u, const Args *a, const char *out)
{
	if (!u->net) {
		error_file(a->model, "no network to build (a file of models alone can only be checked)");
		return 1;
	}
	int bad = check_output(out);
	if (!bad)
		bad = check_cc(a->cc ? a->cc : default_cc());
	if (bad)
		return bad;
	const char *dir = a->emit_dir;
	const char *tmp = NULL;
	if (dir)
		mkdir_p(dir);
	else
		dir = tmp = temp_dir();
	const char *c_path = arena_printf("%s/model.c", dir);
	write_c(u, c_path);
	BuildOptions bo = { .cc = a->cc, .opt = a->opt, .out = out, .emit_dir = a->emit_dir };
	int st = build_binary(c_path, &bo);
	if (tmp) {
		unlink(c_path);
		rmdir(tmp);
	}
	return st;
}

/* ------------------------------------------------------------------ cache */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t k = 0; k < n; k++)
		h = (h ^ b[k]) * 0x100000001b3ull;
	return h;
}

static uint64_t fnv_str(uint64_t h, const char *s)
{
	return fnv(h, s, strlen(s) + 1);
}

static uint64_t fnv_stat(uint64_t h, const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0) {
		h = fnv(h, &st.st_size, sizeof st.st_size);
		h = fnv(h, &st.st_mtim, sizeof st.st_mtim);
	}
	return h;
}

/* Keyed by the model and every file it imports, the snnc version and
 * build, the runtime and the flags. */
static uint64_t cache_key(Unit *u, const Args *a)
{
	uint64_t h = 0xcbf29ce484222325ull;
	h = fnv_str(h, SNNC_VERSION);
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = 0;
		h = fnv_stat(h, self);
	}
	h = fnv_stat(h, arena_printf("%s/libsnnrt.a", runtime_dir("lib")));
	h = fnv_stat(h, arena_printf("%s/snn_rt.h", runtime_dir("include")));
	char abs[PATH_MAX];
	h = fnv_str(h, realpath(a->model, abs) ? abs : a->model);
	h = fnv_str(h, a->cc ? a->cc : default_cc());
	h = fnv(h, &a->opt, sizeof a->opt);
	h = fnv(h, &a->no_lazy, sizeof a->no_lazy);
	const char *extra = getenv("SNNC_CFLAGS");
	h = fnv_str(h, extra ? extra : "");
	Map *seen = map_new();     /* files hashed, by path (one SrcFile each) */
	VEC_EACH(TopDecl *, td, u->prog->decls) {
		const SrcFile *f = td->loc.file;
		if (!f || map_get(seen, f->path))
			continue;
		map_put(seen, f->path, (void *)f);
		h = fnv_str(h, f->path);
		h = fnv(h, f->text, f->len);
	}
	return h;
}

static const char *cache_root(void)
{
	const char *c = getenv("SNNC_CACHE");
	if (c && *c)
		return c;
	const char *x = getenv("XDG_CACHE_HOME");
	if (x && *x)
		return arena_printf("%s/snnc", x);
	const char *home = getenv("HOME");
	return arena_printf("%s/.cache/snnc", home && *home ? home : "/tmp");
}

static int run(Unit *u, const Args *a)
{
	if (!u->net) {
		error_file(a->model, "no network to run (a file of models alone can only be checked)");
		return 1;
	}
	const char *dir = arena_printf("%s/%016llx", cache_root(), (unsigned long long)cache_key(u, a));
	const char *bin = arena_printf("%s/sim", dir);
	if (a->out) {
		/* -o X: the simulator is built at X (as by snnc build), then run */
		int st = build(u, a, a->out);
		if (st)
			return st;
		bin = a->out;
	} else if (access(bin, X_OK) != 0) {
		mkdir_p(dir);
		const char *tmp = arena_printf("%s.%d", bin, (int)getpid());
		int st = build(u, a, tmp);
		if (st)
			return st;
		if (rename(tmp, bin)) {
			cmd_error("cannot write the cache '%s': %s", bin, strerror(errno));
			return 2;
		}
	}
	char **argv = arena_alloc(sizeof(char *) * (size_t)(a->nsim + 2));
	/* the simulator names itself in messages ("Try '... --help'") */
	argv[0] = arena_printf("snnc run %s --", a->model);
	for (int k = 0; k < a->nsim; k++)
		argv[k + 1] = a->sim[k];
	fflush(NULL);
	execv(bin, argv);
	cmd_error("cannot run '%s': %s", bin, strerror(errno));
	return 3;
}

int main(int argc, char **argv)
{
	Args a = parse_args(argc, argv);
	Unit *u = compile(&a);
	if (a.dump && (!strcmp(a.dump, "layout") || !strcmp(a.dump, "schedule"))) {
		if (!u->net) {
			error_file(a.model, "no network: a file of models alone has no %s", a.dump);
			return 1;
		}
		if (!strcmp(a.dump, "layout"))
			layout_dump(stdout, u->layout);
		else
			schedule_dump(stdout, u->sched);
		return 0;
	}
	if (!strcmp(a.cmd, "check"))
		return 0;
	if (a.dump && !strcmp(a.dump, "c")) {
		if (!u->net) {
			error_file(a.model, "no network to emit");
			return 1;
		}
		EmitOptions eo = { .source = u->path, .c_name = "model.c", .line_directives = true };
		emit_c(stdout, u, &eo);
		return 0;
	}
	if (!strcmp(a.cmd, "build"))
		return build(u, &a, a.out ? a.out : default_binary(a.model));
	return run(u, &a);
}
