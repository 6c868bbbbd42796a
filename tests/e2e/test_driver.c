/*
 * test_driver.c — the compiler's command line end to end: exit statuses,
 * --emit-c and --dump=c, imports, user names that are C keywords, and the
 * cache of `snnc run` (a second run does not rebuild; a change to the model
 * or to a file it imports does).
 */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "e2e_util.h"
#include "snn_rt.h"

static const char *LIF =
	"neuron LIF {\n"
	"\tparam tau = 10 ms\n"
	"\tstate v = 1\n"
	"\ttau dv/dt = -v\n"
	"\tmethod exact\n"
	"}\n";

static const char *NET =
	"network Net {\n"
	"\tpop P = LIF(2)\n"
	"\trecord P.v\n"
	"\trun 1 ms\n"
	"}\n";

static char *cat(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 1;
	char *s = malloc(n);
	snprintf(s, n, "%s%s", a, b);
	return s;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	char *s = malloc((size_t)n + 1);
	size_t got = fread(s, 1, (size_t)n, f);
	s[got] = 0;
	fclose(f);
	return s;
}

/* Number of entries in dir/cache (one per cached build). */
static int cache_entries(const char *dir)
{
	char path[E2E_PATH];
	e2e_fmt(path, sizeof path, "%s/cache", dir);
	DIR *d = opendir(path);
	if (!d)
		return 0;
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

START_TEST(test_exit_statuses)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	const char *s = e2e_snnc();
	char *full = cat(LIF, NET);
	e2e_write(dir, "ok.snn", full);
	e2e_write(dir, "lib.snn", LIF);
	e2e_write(dir, "bad.snn", "neuron B {\n\tstate v = 1 mV\n\tdv/dt = -v\n}\n");
	ck_assert_int_eq(e2e_run(dir, "'%s' 2>/dev/null", s), 2);
	ck_assert_int_eq(e2e_run(dir, "'%s' frobnicate ok.snn 2>/dev/null", s), 2);
	ck_assert_int_eq(e2e_run(dir, "'%s' build ok.snn --no-such-flag 2>/dev/null", s), 2);
	ck_assert_int_eq(e2e_run(dir, "'%s' check ok.snn", s), 0);
	ck_assert_int_eq(e2e_run(dir, "'%s' check lib.snn", s), 0);
	ck_assert_int_eq(e2e_run(dir, "'%s' build lib.snn 2> err.txt", s), 1);
	char path[E2E_PATH];
	e2e_fmt(path, sizeof path, "%s/err.txt", dir);
	char *err = slurp(path);
	ck_assert_str_eq(err, "lib.snn: error: no network to build (a file of models alone "
			      "can only be checked)\n");
	free(err);
	ck_assert_int_eq(e2e_run(dir, "'%s' check bad.snn 2> err.txt", s), 1);
	err = slurp(path);
	ck_assert_msg(strncmp(err, "bad.snn:3:2: error: dimensions differ: left side is "
			      "volt/second, right side is volt\n", 72) == 0, "got: %s", err);
	ck_assert_msg(strstr(err, "\tdv/dt = -v\n\t^") != NULL, "no source line and caret: %s", err);
	free(err);
	ck_assert_int_eq(e2e_run(dir, "'%s' build missing.snn 2>/dev/null", s), 1);
	free(full);
	e2e_cleanup(dir);
}
END_TEST

START_TEST(test_emit_c_and_dump)
{
	char dir[E2E_PATH], path[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	char *full = cat(LIF, NET);
	e2e_write(dir, "m.snn", full);
	ck_assert_int_eq(e2e_run(dir, "'%s' build m.snn --emit-c gen -o sim", e2e_snnc()), 0);
	ck_assert_int_eq(e2e_run(dir, "'%s' build m.snn --dump=c > dumped.c", e2e_snnc()), 0);
	e2e_fmt(path, sizeof path, "%s/gen/model.c", dir);
	char *c = slurp(path);
	e2e_fmt(path, sizeof path, "%s/dumped.c", dir);
	char *d = slurp(path);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(c, d);
	ck_assert_ptr_nonnull(strstr(c, "static int pop_P_integrate(snn_sim *sim)"));
	ck_assert_ptr_nonnull(strstr(c, "#line 4 \"m.snn\""));
	ck_assert_ptr_nonnull(strstr(c, "/* tau dv/dt = -v */"));
	/* the binary built alongside runs and decays exactly */
	e2e_sim(dir, "sim", "out", NULL);
	snn_npy_array v;
	e2e_load(dir, "out", "P.v.npy", &v);
	ck_assert_int_eq(v.shape[0], 10);
	ck_assert(fabs(v.data[2 * 9] - exp(-1e-3 / 10e-3)) < 1e-12);
	snn_npy_free(&v);
	free(c);
	free(d);
	free(full);
	e2e_cleanup(dir);
}
END_TEST

START_TEST(test_import)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	ck_assert_int_eq(e2e_run(dir, "mkdir -p models sub"), 0);
	e2e_write(dir, "models/lif.snn", LIF);
	char *main_ = cat("import \"../models/lif.snn\"\n", NET);
	e2e_write(dir, "sub/main.snn", main_);
	/* imports are relative to the importing file, wherever snnc runs */
	ck_assert_int_eq(e2e_run(dir, "'%s' build sub/main.snn -o sim", e2e_snnc()), 0);
	e2e_sim(dir, "sim", "out", NULL);
	snn_npy_array v;
	e2e_load(dir, "out", "P.v.npy", &v);
	ck_assert(fabs(v.data[0] - exp(-0.1e-3 / 10e-3)) < 1e-12);
	snn_npy_free(&v);
	free(main_);
	e2e_cleanup(dir);
}
END_TEST

/* Names reserved in C are legal .snn names and must not break the C. */
START_TEST(test_c_keyword_names)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "kw",
		  "neuron int {\n"
		  "\tparam exp = 2, double = 3, main = 0.5\n"
		  "\tstate restrict = exp * double, n = 0\n"
		  "\tlet step = restrict * main\n"
		  "\ton tick { n += step }\n"
		  "}\n"
		  "synapse static { param sizeof = 1\n\ton pre { post.n += sizeof } }\n"
		  "network while {\n"
		  "\tpop m = int(3)\n"
		  "\tpop sim = spikes(3, times = [0.2 ms])\n"
		  "\tconnect sim -> m : static(one_to_one) as for\n"
		  "\trecord m.n\n"
		  "\trecord m.step\n"
		  "\trun 0.5 ms\n"
		  "}\n");
	e2e_sim(dir, "kw", "out", NULL);
	snn_npy_array n, st;
	e2e_load(dir, "out", "m.n.npy", &n);
	e2e_load(dir, "out", "m.step.npy", &st);
	/* n grows by 3 per step; the spike stamped 0.2 ms adds 1 in step 1 */
	double want[5] = { 3, 7, 10, 13, 16 };
	for (int k = 0; k < 5; k++) {
		ck_assert_double_eq_tol(n.data[3 * k], want[k], 1e-12);
		ck_assert_double_eq_tol(st.data[3 * k], 3.0, 1e-12);
	}
	snn_npy_free(&n);
	snn_npy_free(&st);
	e2e_cleanup(dir);
}
END_TEST

/* A param whose default reads other params follows them when they are set
 * (--set, a connect override), unless it is set itself; a synapse's too,
 * and through a let.  Recorded b and s.k against values worked out here. */
static double last_of(const char *dir, const char *out, const char *file)
{
	snn_npy_array a;
	e2e_load(dir, out, file, &a);
	double x = a.data[a.count - 1];
	snn_npy_free(&a);
	return x;
}

START_TEST(test_derived_params)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "dp",
		  "neuron N {\n"
		  "\tparam a = 2, b = 3 * a\n"
		  "\tlet twice = 2 * a\n"
		  "\tparam c = twice + 1\n"
		  "\tstate v = b, u = 0\n"
		  "\ton tick { u = c }\n"
		  "}\n"
		  "synapse S {\n"
		  "\tparam tau = 4 ms, k = -dt / tau\n"
		  "\tstate w = k\n"
		  "\ton pre { post.u += 0 }\n"
		  "}\n"
		  "network Net {\n"
		  "\tdt = 0.5 ms\n"
		  "\tpop P = N(1)\n"
		  "\tpop G = spikes(1, times = [1 ms])\n"
		  "\tconnect G -> P : S(all_to_all) as s\n"
		  "\trecord P.v\n\trecord P.u\n\trecord s.w\n"
		  "\trun 1 ms\n"
		  "}\n");
	e2e_sim(dir, "dp", "o1", NULL);
	ck_assert_double_eq_tol(last_of(dir, "o1", "P.v.npy"), 6, 1e-12);
	ck_assert_double_eq_tol(last_of(dir, "o1", "P.u.npy"), 5, 1e-12);
	ck_assert_double_eq_tol(last_of(dir, "o1", "s.w.npy"), -0.125, 1e-12);
	e2e_sim(dir, "dp", "o2", "--set P.a=5 --set s.tau=2ms");
	ck_assert_double_eq_tol(last_of(dir, "o2", "P.v.npy"), 15, 1e-12);
	ck_assert_double_eq_tol(last_of(dir, "o2", "P.u.npy"), 11, 1e-12);
	ck_assert_double_eq_tol(last_of(dir, "o2", "s.w.npy"), -0.25, 1e-12);
	/* set itself, it keeps its value whatever a is */
	e2e_sim(dir, "dp", "o3", "--set P.a=5 --set P.b=1 --set P.c=7");
	ck_assert_double_eq_tol(last_of(dir, "o3", "P.v.npy"), 1, 1e-12);
	ck_assert_double_eq_tol(last_of(dir, "o3", "P.u.npy"), 7, 1e-12);
	e2e_cleanup(dir);
}
END_TEST

START_TEST(test_run_cache)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	const char *s = e2e_snnc();
	ck_assert_int_eq(e2e_run(dir, "mkdir -p models"), 0);
	e2e_write(dir, "models/lif.snn", LIF);
	char *main_ = cat("import \"models/lif.snn\"\n", NET);
	e2e_write(dir, "m.snn", main_);
	const char *env = "SNNC_CACHE=cache";
	ck_assert_int_eq(e2e_run(dir, "%s '%s' run m.snn -- --out o1 --quiet", env, s), 0);
	ck_assert_int_eq(cache_entries(dir), 1);
	/* the second run finds the binary: no new entry, same file */
	ck_assert_int_eq(e2e_run(dir, "ls -i cache/*/sim > ino1"), 0);
	ck_assert_int_eq(e2e_run(dir, "%s '%s' run m.snn -- --out o2 --quiet --duration 0.5ms",
				 env, s), 0);
	ck_assert_int_eq(e2e_run(dir, "ls -i cache/*/sim > ino2 && cmp -s ino1 ino2"), 0);
	ck_assert_int_eq(cache_entries(dir), 1);
	snn_npy_array v;
	e2e_load(dir, "o2", "P.v.npy", &v);
	ck_assert_int_eq(v.shape[0], 5);
	snn_npy_free(&v);
	/* a change in an imported file is a new model */
	char *changed = cat(LIF, "# changed\n");
	e2e_write(dir, "models/lif.snn", changed);
	ck_assert_int_eq(e2e_run(dir, "%s '%s' run m.snn -- --out o3 --quiet", env, s), 0);
	ck_assert_int_eq(cache_entries(dir), 2);
	/* the simulator's exit status comes through */
	ck_assert_int_eq(e2e_run(dir, "%s '%s' run m.snn -- --bogus 2>/dev/null", env, s), 2);
	free(changed);
	free(main_);
	e2e_cleanup(dir);
}
END_TEST

Suite *suite_driver(void)
{
	Suite *s = suite_create("driver");
	TCase *tc = tcase_create("driver");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_exit_statuses);
	tcase_add_test(tc, test_emit_c_and_dump);
	tcase_add_test(tc, test_import);
	tcase_add_test(tc, test_c_keyword_names);
	tcase_add_test(tc, test_run_cache);
	tcase_add_test(tc, test_derived_params);
	suite_add_tcase(s, tc);
	return s;
}
