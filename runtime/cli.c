/*
 * cli.c — the built simulator's command line (LANGUAGE.md §5):
 *
 *   BIN [--duration T] [--seed N] [--out DIR] [--set NAME=VALUE ...]
 *       [--input NAME=FILE ...] [--threads N] [--progress | --quiet]
 *       [--checkpoint FILE] [--restore FILE] [--allow-nonfinite]
 *
 * One table lists the options; `--opt value` and `--opt=value` are both
 * accepted.  --duration takes a time ("2s", "500 ms"); a bare number is
 * read as seconds.  Exit status: 2 for a bad command line (including an
 * unknown name or a wrong dimension in --set, checked against the model's
 * tables before anything runs), 1 for a run-time error in the model's data
 * or in writing the outputs, 128 + signal when SIGINT/SIGTERM stopped the
 * run (the outputs are still finished), else 0.  --input NAME=FILE is
 * checked here (a global, a .npy of shape [K] or [2, K]: input.c), so a bad
 * file is a bad command line (exit status 2).
 *
 * --checkpoint FILE saves the whole state when the run ends, also when a
 * signal ended it (at the completed step).  --restore FILE loads one after
 * setup (connectivity is rebuilt from the same seed and --set values, then
 * checked against the file) and applies --set again; --duration (or the
 * network's run) is then the time simulated after the restored step, and
 * monitors write new files whose samples carry the continued times.
 *
 * A state that becomes NaN or infinite stops the run with status 1 (the
 * files keep the steps before; no checkpoint is saved from a broken
 * state) unless --allow-nonfinite.  A write error names the file and the
 * reason (status 1); meta.json then says "complete": false.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct {
	const snn_model *m;
	snn_options opt;
	const char **set;       /* [argc] */
	const char **input;     /* [argc] */
	const char *checkpoint;
	int help, version;
} Cli;

typedef int OptFn(Cli *c, const char *arg, char *err, size_t errlen);

static int parse_int(const char *s, long long lo, long long hi, long long *out)
{
	char *end;
	errno = 0;
	long long x = strtoll(s, &end, 10);
	if (errno || end == s || *end || x < lo || x > hi)
		return -1;
	*out = x;
	return 0;
}

/* A time, checked as a double before it becomes a step count: finite, not
 * negative, at most SNN_MAX_STEPS steps of the model's dt. */
static int opt_duration(Cli *c, const char *arg, char *err, size_t errlen)
{
	static const snn_dim second = { .e = { [SNN_S] = 1 } };
	double v;
	snn_dim d;
	int64_t steps;
	if (snn_parse_quantity(arg, &v, &d) != 0 || (!snn_dim_eq(d, second) && !snn_dim_is_one(d))) {
		snprintf(err, errlen, "--duration: expected a time such as 2s or 500ms, got '%s'", arg);
		return -1;
	}
	if (!isfinite(v)) {
		snprintf(err, errlen, "--duration: '%s' is not a finite time", arg);
		return -1;
	}
	if (v < 0) {
		snprintf(err, errlen, "--duration: '%s' is negative", arg);
		return -1;
	}
	if (snn_steps_of(v, c->m->dt, SNN_MAX_STEPS, &steps) != 0) {
		snprintf(err, errlen, "--duration: '%s' is %g steps of dt = %g s; a run takes at most "
			 "2^53 steps", arg, floor(v / c->m->dt + 0.5), c->m->dt);
		return -1;
	}
	c->opt.duration = v;
	return 0;
}

static int opt_seed(Cli *c, const char *arg, char *err, size_t errlen)
{
	long long x;
	if (parse_int(arg, 0, INT64_MAX, &x) != 0) {
		snprintf(err, errlen, "--seed: expected a non-negative integer, got '%s'", arg);
		return -1;
	}
	c->opt.seed = x;
	return 0;
}

static int opt_out(Cli *c, const char *arg, char *err, size_t errlen)
{
	if (!*arg) {
		snprintf(err, errlen, "--out: empty directory name");
		return -1;
	}
	c->opt.out_dir = arg;
	return 0;
}

static int opt_set(Cli *c, const char *arg, char *err, size_t errlen)
{
	int var;
	double value;
	if (snn_set_parse(c->m, arg, &var, &value, err, errlen) != 0)
		return -1;
	c->set[c->opt.nset++] = arg;
	return 0;
}

static int opt_input(Cli *c, const char *arg, char *err, size_t errlen)
{
	if (snn_input_check(c->m, arg, err, errlen) != 0)
		return -1;
	c->input[c->opt.ninput++] = arg;
	return 0;
}

static int opt_threads(Cli *c, const char *arg, char *err, size_t errlen)
{
	long long x;
	if (parse_int(arg, 1, 1 << 20, &x) != 0) {
		snprintf(err, errlen, "--threads: expected a positive integer, got '%s'", arg);
		return -1;
	}
	c->opt.threads = (int)x;  /* accepted; the runtime is single-threaded for now */
	return 0;
}

static int opt_progress(Cli *c, const char *arg, char *err, size_t errlen)
{
	c->opt.progress = 1;
	return 0;
}

static int opt_quiet(Cli *c, const char *arg, char *err, size_t errlen)
{
	c->opt.quiet = 1;
	return 0;
}

static int opt_checkpoint(Cli *c, const char *arg, char *err, size_t errlen)
{
	if (!*arg) {
		snprintf(err, errlen, "--checkpoint: empty file name");
		return -1;
	}
	c->checkpoint = arg;
	return 0;
}

static int opt_restore(Cli *c, const char *arg, char *err, size_t errlen)
{
	if (!*arg) {
		snprintf(err, errlen, "--restore: empty file name");
		return -1;
	}
	c->opt.restore = arg;
	return 0;
}

static int opt_allow_nonfinite(Cli *c, const char *arg, char *err, size_t errlen)
{
	c->opt.allow_nonfinite = 1;
	return 0;
}

static int opt_help(Cli *c, const char *arg, char *err, size_t errlen)
{
	c->help = 1;
	return 0;
}

static int opt_version(Cli *c, const char *arg, char *err, size_t errlen)
{
	c->version = 1;
	return 0;
}

static const struct {
	const char *name;
	const char *arg;        /* NULL: a flag */
	OptFn *fn;
	const char *help;
} options[] = {
	{ "--duration", "T", opt_duration, "simulated time, e.g. 2s or 500ms (default: the network's run)" },
	{ "--seed", "N", opt_seed, "random seed (default: the network's)" },
	{ "--out", "DIR", opt_out, "output directory (default: out)" },
	{ "--set", "NAME=VALUE", opt_set, "set a param or global before setup, e.g. P.taum=10ms (repeatable)" },
	{ "--input", "NAME=FILE", opt_input, "drive a global from a .npy file: one value per step, or [2, K] times and values (repeatable)" },
	{ "--threads", "N", opt_threads, "threads to use (accepted; runs single-threaded for now)" },
	{ "--progress", NULL, opt_progress, "show progress on stderr" },
	{ "--quiet", NULL, opt_quiet, "no summary on stderr" },
	{ "--checkpoint", "FILE", opt_checkpoint, "save the whole state in FILE when the run ends (also on SIGINT/SIGTERM)" },
	{ "--restore", "FILE", opt_restore, "continue from a checkpoint of this model and seed:\n"
	  "                           --duration counts from it, outputs are new files with\n"
	  "                           the continued times, --set applies after the restore" },
	{ "--allow-nonfinite", NULL, opt_allow_nonfinite, "go on when a state becomes NaN or infinite\n"
	  "                           (default: stop with status 1 at the first such step)" },
	{ "--help", NULL, opt_help, "show this help" },
	{ "-h", NULL, opt_help, NULL },
	{ "--version", NULL, opt_version, "show the version" },
};
enum { NOPTIONS = sizeof options / sizeof options[0] };

static void usage(FILE *f, const char *prog)
{
	fprintf(f, "usage: %s [options]\n\noptions:\n", prog);
	for (int k = 0; k < NOPTIONS; k++) {
		if (!options[k].help)
			continue;
		char left[64];
		snprintf(left, sizeof left, "%s%s%s", options[k].name, options[k].arg ? " " : "",
			 options[k].arg ? options[k].arg : "");
		fprintf(f, "  %-24s %s\n", left, options[k].help);
	}
	fprintf(f, "  %-24s %s\n", "-h", "the same as --help");
}

static int find_option(const char *name, size_t len)
{
	for (int k = 0; k < NOPTIONS; k++)
		if (strlen(options[k].name) == len && memcmp(options[k].name, name, len) == 0)
			return k;
	return -1;
}

/* One option starting at argv[*i]; advances *i past its value. */
static int parse_one(Cli *c, int argc, char **argv, int *i, char *err, size_t errlen)
{
	const char *a = argv[*i], *eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
	size_t len = eq ? (size_t)(eq - a) : strlen(a);
	int k = a[0] == '-' ? find_option(a, len) : -1;
	if (k < 0) {
		snprintf(err, errlen, a[0] == '-' ? "unknown option '%.*s'" : "unexpected argument '%.*s'",
			 (int)len, a);
		return -1;
	}
	if (!options[k].arg && eq) {
		snprintf(err, errlen, "option '%s' takes no value", options[k].name);
		return -1;
	}
	const char *val = eq ? eq + 1 : NULL;
	if (options[k].arg && !val) {
		if (*i + 1 >= argc) {
			snprintf(err, errlen, "option '%s' needs a value (%s)", options[k].name, options[k].arg);
			return -1;
		}
		val = argv[++*i];
	}
	return options[k].fn(c, val, err, errlen);
}

static int parse(Cli *c, int argc, char **argv, char *err, size_t errlen)
{
	for (int i = 1; i < argc; i++)
		if (parse_one(c, argc, argv, &i, err, errlen) != 0)
			return -1;
	if (c->opt.progress && c->opt.quiet) {
		snprintf(err, errlen, "--progress and --quiet exclude each other");
		return -1;
	}
	return 0;
}

/* "P: 18234 spikes, 4.56 Hz mean rate" per population, then the speed. */
static void summary(const snn_sim *sim)
{
	double simulated = (double)sim->step * sim->dt, wall = sim->priv->wall_time;
	for (int k = 0; k < sim->model->npops; k++) {
		const snn_pop *p = &sim->pops[k];
		int64_t n = sim->priv->nspikes[k];
		double rate = p->n > 0 && simulated > 0 ? (double)n / ((double)p->n * simulated) : 0;
		fprintf(stderr, "%s: %" PRId64 " spikes, %.2f Hz mean rate\n", p->name, n, rate);
	}
	fprintf(stderr, "simulated %.3f s in %.3f s wall", simulated, wall);
	if (wall > 0)
		fprintf(stderr, " (%.1fx real time)", simulated / wall);
	fputc('\n', stderr);
	if (sim->priv->signal)
		fprintf(stderr, "interrupted by signal %d after %" PRId64 " of %" PRId64 " steps\n",
			sim->priv->signal, sim->step, sim->nsteps);
}

static int bad_usage(const char *prog, const char *msg)
{
	fprintf(stderr, "snn: error: %s\nTry '%s --help' for more information.\n", msg, prog);
	return 2;
}

static int save_checkpoint(snn_sim *sim, const char *path)
{
	char err[1024];
	if (snn_checkpoint_save(sim, path, err, sizeof err) == 0)
		return 0;
	fprintf(stderr, "snn: error: %s\n", err);
	return 1;
}

static int run(const snn_model *m, const snn_options *opt, const char *checkpoint)
{
	char err[1024];
	snn_sim *sim = snn_create(m, opt, err, sizeof err);
	if (!sim) {
		/* a signal during setup: setup stopped, and the status says why */
		int sig = snn_signal_pending();
		fprintf(stderr, "snn: error: %s\n", err);
		return sig ? 128 + sig : 1;
	}
	int sig = snn_run(sim), rc = 0;
	if (sig < 0) {
		fprintf(stderr, "snn: error: %s\n", snn_error(sim));
		sig = 0;
		rc = 1;         /* and no checkpoint of a broken state */
	} else if (checkpoint) {
		rc = save_checkpoint(sim, checkpoint);
	}
	if (snn_finish(sim) != 0) {
		fprintf(stderr, "snn: error: %s\n", snn_error(sim));
		rc = 1;
	}
	if (!opt->quiet)
		summary(sim);
	snn_destroy(sim);
	return sig ? 128 + sig : rc;
}

int snn_main(int argc, char **argv, const snn_model *m)
{
	const char *prog = argc > 0 && argv[0] ? argv[0] : "snn";
	const char *set[argc + 1], *input[argc + 1];
	Cli c = { .m = m, .set = set, .input = input };
	c.opt.duration = -1;
	c.opt.seed = -1;
	c.opt.threads = 1;
	c.opt.set = set;
	c.opt.input = input;
	char err[1024];
	if (parse(&c, argc, argv, err, sizeof err) != 0)
		return bad_usage(prog, err);
	if (c.help) {
		usage(stdout, prog);
		return 0;
	}
	if (c.version) {
		printf("snnc %s, network %s of %s\n", SNN_VERSION, m->network ? m->network : "?",
		       m->source ? m->source : "?");
		return 0;
	}
	return run(m, &c.opt, c.checkpoint);
}
