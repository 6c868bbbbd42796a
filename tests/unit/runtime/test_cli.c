/*
 * test_cli.c — the simulator's command line (cli.c): snn_main runs in a
 * forked child with stdout and stderr sent to files; each case checks the
 * exit status and the exact text (or a line) it printed.  Checkpoints of
 * the hand-written model hold the runtime's part of the state only (its
 * buffer table is empty): the clock, t_last, spike lists and counts.
 */
#include <check.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "simmodel.h"

typedef struct {
	int status;
	char out[8192], err[8192];
} Result;

static void slurp(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");
	size_t k = f ? fread(buf, 1, n - 1, f) : 0;
	buf[k] = '\0';
	if (f)
		fclose(f);
	unlink(path);
}

/* snn_main(argv) in a child; NULL ends the arguments.  raise_at as in the model. */
static Result run_main(int raise_at, ...)
{
	static Result r;
	char *argv[32] = { "snn" };
	int argc = 1;
	va_list ap;
	va_start(ap, raise_at);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	char out[] = "/tmp/snn_cli_out_XXXXXX", err[] = "/tmp/snn_cli_err_XXXXXX";
	int fo = mkstemp(out), fe = mkstemp(err);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fo, 1);
		dup2(fe, 2);
		tm_raise_at = raise_at;
		int rc = snn_main(argc, argv, &tm_model);
		fflush(NULL);
		_exit(rc);
	}
	int st;
	waitpid(pid, &st, 0);
	close(fo);
	close(fe);
	r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	slurp(out, r.out, sizeof r.out);
	slurp(err, r.err, sizeof r.err);
	return r;
}

static const char *hint = "Try 'snn --help' for more information.\n";

static void check_usage_error(Result r, const char *msg)
{
	char want[512];
	snprintf(want, sizeof want, "snn: error: %s\n%s", msg, hint);
	ck_assert_int_eq(r.status, 2);
	ck_assert_str_eq(r.err, want);
}

START_TEST(test_bad_options)
{
	check_usage_error(run_main(-1, "--bogus", NULL), "unknown option '--bogus'");
	check_usage_error(run_main(-1, "--bogus=3", NULL), "unknown option '--bogus'");
	check_usage_error(run_main(-1, "-x", NULL), "unknown option '-x'");
	check_usage_error(run_main(-1, "stray", NULL), "unexpected argument 'stray'");
	check_usage_error(run_main(-1, "--duration", NULL), "option '--duration' needs a value (T)");
	check_usage_error(run_main(-1, "--quiet=1", NULL), "option '--quiet' takes no value");
	check_usage_error(run_main(-1, "--duration", "5 Hz", NULL),
			  "--duration: expected a time such as 2s or 500ms, got '5 Hz'");
	check_usage_error(run_main(-1, "--duration=-1s", NULL), "--duration: '-1s' is negative");
	/* checked as a double before it becomes a step count */
	check_usage_error(run_main(-1, "--duration", "1e999s", NULL),
			  "--duration: '1e999s' is not a finite time");
	check_usage_error(run_main(-1, "--duration", "1e15s", NULL),
			  "--duration: '1e15s' is 1e+18 steps of dt = 0.001 s; a run takes at most "
			  "2^53 steps");
	check_usage_error(run_main(-1, "--duration", "nan", NULL),
			  "--duration: expected a time such as 2s or 500ms, got 'nan'");
	check_usage_error(run_main(-1, "--seed", "-3", NULL),
			  "--seed: expected a non-negative integer, got '-3'");
	check_usage_error(run_main(-1, "--seed=1x", NULL),
			  "--seed: expected a non-negative integer, got '1x'");
	check_usage_error(run_main(-1, "--threads", "0", NULL),
			  "--threads: expected a positive integer, got '0'");
	check_usage_error(run_main(-1, "--progress", "--quiet", NULL),
			  "--progress and --quiet exclude each other");
	check_usage_error(run_main(-1, "--checkpoint", "", NULL), "--checkpoint: empty file name");
	check_usage_error(run_main(-1, "--restore=", NULL), "--restore: empty file name");
}
END_TEST

START_TEST(test_set_and_input_errors)
{
	check_usage_error(run_main(-1, "--set", "P.x=1", NULL), "unknown name 'P.x'");
	check_usage_error(run_main(-1, "--set", "P.v=1mV", NULL), "'P.v' is not a param");
	check_usage_error(run_main(-1, "--set=P.tau=1V", NULL),
			  "--set P.tau: dimensions differ: expected second, got volt");
	check_usage_error(run_main(-1, "--set", "P.tau", NULL), "--set 'P.tau': expected NAME=VALUE");
	check_usage_error(run_main(-1, "--input", "zz=x.npy", NULL), "--input: no global named 'zz'");
	check_usage_error(run_main(-1, "--input", "P.tau=x.npy", NULL), "--input: no global named 'P.tau'");
	check_usage_error(run_main(-1, "--input", "gain=x.npy", NULL), "--input gain: x.npy: cannot open file");
	check_usage_error(run_main(-1, "--input", "gain", NULL), "--input: expected NAME=FILE, got 'gain'");
}
END_TEST

/* An error in the model's data during setup: status 1, no usage hint. */
START_TEST(test_setup_error)
{
	char dir[64];
	Result r = run_main(-1, "--out", tm_tmpdir(dir, sizeof dir), "--set", "gain=99", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.err, "snn: error: missing weights file 'w.npy'\n");
}
END_TEST

START_TEST(test_help_version)
{
	Result r = run_main(-1, "--help", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert(strncmp(r.out, "usage: snn [options]\n", 21) == 0);
	static const char *const opts[] = { "--duration T", "--seed N", "--out DIR", "--set NAME=VALUE",
		"--input NAME=FILE", "--threads N", "--progress", "--quiet", "--checkpoint FILE",
		"--restore FILE", "--version" };
	for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++)
		ck_assert_msg(strstr(r.out, opts[k]) != NULL, "%s", opts[k]);
	ck_assert_str_eq(r.err, "");
	r = run_main(-1, "-h", NULL);
	ck_assert_int_eq(r.status, 0);
	r = run_main(-1, "--version", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "snnc " SNN_VERSION ", network Net of tests/test \"model\".snn\n");
}
END_TEST

/* --duration 5ms: 5 steps, 5 spikes of P over 4 neurons and 5 ms = 250 Hz. */
START_TEST(test_run_summary)
{
	char dir[64];
	Result r = run_main(-1, "--duration", "5ms", "--out", tm_tmpdir(dir, sizeof dir),
			    "--seed=7", "--threads", "4", "--set", "P.tau=1 ms", NULL);
	ck_assert_int_eq(r.status, 0);
	const char *want = "P: 5 spikes, 250.00 Hz mean rate\n"
			   "Q: 0 spikes, 0.00 Hz mean rate\n"
			   "simulated 0.005 s in ";
	ck_assert_msg(strncmp(r.err, want, strlen(want)) == 0, "%s", r.err);
	snn_npy_array t = tm_load(dir, "P.spikes.t.npy"), v = tm_load(dir, "P.v.npy");
	ck_assert_int_eq(t.count, 5);
	ck_assert_int_eq(v.shape[0], 1);
	ck_assert(v.data[0] == 0.001 + 3 + 0.25);   /* --set reached the model */
	snn_npy_free(&t);
	snn_npy_free(&v);

	char path[128], meta[4096];
	snprintf(path, sizeof path, "%s/meta.json", dir);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	meta[fread(meta, 1, sizeof meta - 1, f)] = '\0';
	fclose(f);
	ck_assert(strstr(meta, "\"seed\": 7,") != NULL);
	ck_assert(strstr(meta, "\"steps\": 5,") != NULL);

	r = run_main(-1, "--duration=0.002", "--out", dir, "--quiet", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.err, "");
	t = tm_load(dir, "P.spikes.t.npy");
	ck_assert_int_eq(t.count, 2);      /* a bare number is seconds */
	snn_npy_free(&t);
}
END_TEST

/* SIGTERM inside step 2: outputs finished with 3 steps, status 128 + 15. */
START_TEST(test_interrupted_status)
{
	char dir[64];
	Result r = run_main(2, "--out", tm_tmpdir(dir, sizeof dir), "--quiet", NULL);
	ck_assert_int_eq(r.status, 128 + SIGTERM);
	snn_npy_array t = tm_load(dir, "P.spikes.t.npy"), u = tm_load(dir, "P.u.t.npy");
	ck_assert_int_eq(t.count, 3);
	ck_assert_int_eq(u.count, 3);
	snn_npy_free(&t);
	snn_npy_free(&u);
}
END_TEST

/* Sample times of DIR/NAME are the stamps of steps first, first + 1, ... */
static void check_stamps(const char *dir, const char *name, int64_t first, int64_t count)
{
	snn_npy_array t = tm_load(dir, name);
	ck_assert_int_eq(t.count, count);
	for (int64_t k = 0; k < count; k++)
		ck_assert(t.data[k] == tm_stamp(first + k));
	snn_npy_free(&t);
}

/* 5 steps with --checkpoint, then --restore for 3 more: the clock, t_last
 * and the spike counts continue; --set applies after the restore. */
START_TEST(test_checkpoint_restore)
{
	char dir[64], dir2[64], ck[128], want[512];
	snprintf(ck, sizeof ck, "%s/c.ckpt", tm_tmpdir(dir, sizeof dir));
	Result r = run_main(-1, "--duration", "5ms", "--out", dir, "--quiet", "--checkpoint", ck, NULL);
	ck_assert_int_eq(r.status, 0);
	r = run_main(-1, "--duration", "3ms", "--out", tm_tmpdir(dir2, sizeof dir2), "--restore", ck,
		     "--set", "P.tau=1ms", NULL);
	ck_assert_int_eq(r.status, 0);
	const char *summary = "P: 8 spikes, 250.00 Hz mean rate\n"
			      "Q: 0 spikes, 0.00 Hz mean rate\n"
			      "simulated 0.008 s in ";
	ck_assert_msg(strncmp(r.err, summary, strlen(summary)) == 0, "%s", r.err);
	check_stamps(dir2, "P.u.t.npy", 5, 3);
	snn_npy_array v = tm_load(dir2, "P.v.npy"), tl = tm_load(dir2, "P.t_last.npy");
	ck_assert_int_eq(v.shape[0], 1);            /* every 3 steps: step 5 only */
	ck_assert(v.data[0] == 0.001 + 6 + 0.25);   /* --set after the restore */
	ck_assert(tl.data[0] == tm_stamp(4) && tl.data[2] == tm_stamp(2) && tl.data[3] == tm_stamp(3));
	snn_npy_free(&v);
	snn_npy_free(&tl);

	r = run_main(-1, "--out", dir2, "--restore", ck, "--seed", "3", NULL);
	ck_assert_int_eq(r.status, 1);
	snprintf(want, sizeof want, "snn: error: checkpoint '%s': it was written with seed 1, this "
		 "run uses seed 3 (connectivity and random numbers depend on it: use --seed 1)\n", ck);
	ck_assert_str_eq(r.err, want);
}
END_TEST

/* SIGTERM inside step 2: the checkpoint holds 3 steps. */
START_TEST(test_checkpoint_after_signal)
{
	char dir[64], ck[128];
	snprintf(ck, sizeof ck, "%s/c.ckpt", tm_tmpdir(dir, sizeof dir));
	Result r = run_main(2, "--out", dir, "--quiet", "--checkpoint", ck, NULL);
	ck_assert_int_eq(r.status, 128 + SIGTERM);
	r = run_main(-1, "--duration", "2ms", "--out", dir, "--quiet", "--restore", ck, NULL);
	ck_assert_int_eq(r.status, 0);
	check_stamps(dir, "P.u.t.npy", 3, 2);
	check_stamps(dir, "P.spikes.t.npy", 3, 2);
}
END_TEST

START_TEST(test_progress)
{
	char dir[64];
	Result r = run_main(-1, "--out", tm_tmpdir(dir, sizeof dir), "--progress", NULL);
	ck_assert_int_eq(r.status, 0);
	const char *want = "\r  t = 0.012 s / 0.012 s  100%  ETA 0.0 s  ";
	ck_assert_msg(strncmp(r.err, want, strlen(want)) == 0, "%s", r.err);
	ck_assert(strstr(r.err, "x real time\nP: 12 spikes, 250.00 Hz mean rate\n") != NULL);
}
END_TEST

Suite *suite_cli(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("snn_main");
	tcase_add_test(tc, test_bad_options);
	tcase_add_test(tc, test_set_and_input_errors);
	tcase_add_test(tc, test_setup_error);
	tcase_add_test(tc, test_help_version);
	tcase_add_test(tc, test_run_summary);
	tcase_add_test(tc, test_interrupted_status);
	tcase_add_test(tc, test_progress);
	tcase_add_test(tc, test_checkpoint_restore);
	tcase_add_test(tc, test_checkpoint_after_signal);
	suite_add_tcase(s, tc);
	return s;
}
