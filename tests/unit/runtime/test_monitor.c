/*
 * test_monitor.c — phase 6 and the outputs (monitor.c, meta.c): the exact
 * contents of every file the test model records, sample times with
 * every = 3 dt, slices of spikes, connection columns with CONN.pre/post,
 * empty runs, files cut at the same step after an interrupt, meta.json.
 */
#include <check.h>
#include <math.h>
#include <signal.h>
#include <string.h>

#include "simmodel.h"

/* Run the test model (duration < 0: its own) into a fresh dir, finished. */
static const char *run_into(char *dir, size_t n, double duration, int raise_at)
{
	char err[256];
	snn_options o = { .duration = duration, .seed = -1, .out_dir = tm_tmpdir(dir, n) };
	snn_sim *sim = snn_create(&tm_model, &o, err, sizeof err);
	ck_assert_msg(sim != NULL, "%s", err);
	tm_raise_at = raise_at;
	snn_run(sim);
	tm_raise_at = -1;
	ck_assert_int_eq(snn_finish(sim), 0);
	snn_destroy(sim);
	return dir;
}

static void check_shape(const snn_npy_array *a, int ndim, int64_t d0, int64_t d1)
{
	ck_assert_int_eq(a->ndim, ndim);
	ck_assert_int_eq(a->shape[0], d0);
	if (ndim > 1)
		ck_assert_int_eq(a->shape[1], d1);
}

/* The descr in the file's header: "<f8" or "<i4". */
static void check_dtype(const char *dir, const char *name, const char *descr)
{
	char path[512], head[129] = "", want[32];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	size_t n = fread(head, 1, 128, f);
	head[n] = '\0';
	fclose(f);
	snprintf(want, sizeof want, "'descr': '%s'", descr);
	ck_assert_msg(strstr(head + 10, want) != NULL, "%s: %s", name, head + 10);
}

/* Sample times of a monitor sampling at steps n with (n+1) % every == 0. */
static void check_times(const char *dir, const char *name, int64_t every, int64_t samples)
{
	snn_npy_array t = tm_load(dir, name);
	check_shape(&t, 1, samples, 0);
	for (int64_t k = 0; k < samples; k++)
		ck_assert(t.data[k] == tm_stamp((k + 1) * every - 1));
	snn_npy_free(&t);
}

START_TEST(test_spikes)
{
	char dir[64];
	run_into(dir, sizeof dir, -1, -1);
	snn_npy_array t = tm_load(dir, "P.spikes.t.npy"), i = tm_load(dir, "P.spikes.i.npy");
	check_shape(&t, 1, 12, 0);
	check_shape(&i, 1, 12, 0);
	for (int n = 0; n < 12; n++) {
		ck_assert(t.data[n] == tm_stamp(n));
		ck_assert(i.data[n] == n % 4);
	}
	snn_npy_free(&t);
	snn_npy_free(&i);
	check_dtype(dir, "P.spikes.t.npy", "<f8");
	check_dtype(dir, "P.spikes.i.npy", "<i4");

	/* slice E = P[1:3]: neurons 1 and 2, numbered from 0 */
	static const int steps[] = { 1, 2, 5, 6, 9, 10 };
	t = tm_load(dir, "E.spikes.t.npy");
	i = tm_load(dir, "E.spikes.i.npy");
	check_shape(&t, 1, 6, 0);
	check_shape(&i, 1, 6, 0);
	for (int k = 0; k < 6; k++) {
		ck_assert(t.data[k] == tm_stamp(steps[k]));
		ck_assert(i.data[k] == steps[k] % 4 - 1);
	}
	snn_npy_free(&t);
	snn_npy_free(&i);
}
END_TEST

/* P.v[1:3] every 3 dt: samples at steps 2, 5, 8, 11, first at 3 dt. */
START_TEST(test_var_every)
{
	char dir[64];
	run_into(dir, sizeof dir, -1, -1);
	snn_npy_array v = tm_load(dir, "P.v.npy");
	check_shape(&v, 2, 4, 2);
	for (int k = 0; k < 4; k++)
		for (int c = 0; c < 2; c++)
			ck_assert(v.data[2 * k + c] == 0.02 + (double)(3 * k + 3) + 0.25 * (1 + c));
	snn_npy_free(&v);
	check_times(dir, "P.v.t.npy", 3, 4);
	snn_npy_array t = tm_load(dir, "P.v.t.npy");
	ck_assert(t.data[0] == 3e-3);
	snn_npy_free(&t);
	check_dtype(dir, "P.v.npy", "<f8");
}
END_TEST

/* F32 array, let, builtin, every step. */
START_TEST(test_var_types)
{
	char dir[64];
	run_into(dir, sizeof dir, -1, -1);
	snn_npy_array u = tm_load(dir, "P.u.npy"), e = tm_load(dir, "P.e.npy");
	snn_npy_array tl = tm_load(dir, "P.t_last.npy");
	check_shape(&u, 2, 12, 4);
	check_shape(&e, 2, 12, 4);
	check_shape(&tl, 2, 12, 4);
	for (int n = 0; n < 12; n++)
		for (int i = 0; i < 4; i++) {
			double v = 0.02 + (double)(n + 1) + 0.25 * i;
			ck_assert(u.data[4 * n + i] == n + 0.5 * i);
			ck_assert(e.data[4 * n + i] == 2 * v + 0.02);
			double want = n >= i ? tm_stamp(n - (n - i) % 4) : -INFINITY;
			ck_assert_msg(tl.data[4 * n + i] == want, "n %d i %d", n, i);
		}
	snn_npy_free(&u);
	snn_npy_free(&e);
	snn_npy_free(&tl);
	check_times(dir, "P.u.t.npy", 1, 12);
	check_times(dir, "P.e.t.npy", 1, 12);
}
END_TEST

/* A param and a global: 1-D, one value per sample. */
START_TEST(test_scalars)
{
	char dir[64];
	run_into(dir, sizeof dir, -1, -1);
	snn_npy_array tau = tm_load(dir, "P.tau.npy"), g = tm_load(dir, "gain.npy");
	check_shape(&tau, 1, 6, 0);
	check_shape(&g, 1, 12, 0);
	for (int k = 0; k < 6; k++)
		ck_assert(tau.data[k] == 0.02);
	for (int k = 0; k < 12; k++)
		ck_assert(g.data[k] == 1);
	snn_npy_free(&tau);
	snn_npy_free(&g);
	check_times(dir, "P.tau.t.npy", 2, 6);
	check_times(dir, "gain.t.npy", 1, 12);
}
END_TEST

/* syn.w[1:5] every 2 dt, and its columns' pre and post indices. */
START_TEST(test_connection)
{
	char dir[64];
	run_into(dir, sizeof dir, -1, -1);
	snn_npy_array w = tm_load(dir, "syn.w.npy");
	check_shape(&w, 2, 6, 4);
	for (int k = 0; k < 6; k++)
		for (int c = 0; c < 4; c++)
			ck_assert(w.data[4 * k + c] == (double)(1 + c + 2 * k + 1));
	snn_npy_free(&w);
	check_times(dir, "syn.w.t.npy", 2, 6);

	static const double pre[] = { 0, 1, 3, 3 }, post[] = { 2, 1, 0, 1 };
	snn_npy_array a = tm_load(dir, "syn.pre.npy"), b = tm_load(dir, "syn.post.npy");
	check_shape(&a, 1, 4, 0);
	check_shape(&b, 1, 4, 0);
	for (int k = 0; k < 4; k++) {
		ck_assert(a.data[k] == pre[k]);
		ck_assert(b.data[k] == post[k]);
	}
	snn_npy_free(&a);
	snn_npy_free(&b);
	check_dtype(dir, "syn.pre.npy", "<i4");
}
END_TEST

/* Zero steps: every file exists, with zero samples. */
START_TEST(test_empty_run)
{
	char dir[64];
	run_into(dir, sizeof dir, 0, -1);
	static const struct { const char *name; int ndim; int64_t d0, d1; } files[] = {
		{ "P.spikes.t.npy", 1, 0, 0 }, { "P.spikes.i.npy", 1, 0, 0 },
		{ "E.spikes.t.npy", 1, 0, 0 }, { "P.v.npy", 2, 0, 2 }, { "P.v.t.npy", 1, 0, 0 },
		{ "P.u.npy", 2, 0, 4 }, { "P.tau.npy", 1, 0, 0 }, { "gain.npy", 1, 0, 0 },
		{ "syn.w.npy", 2, 0, 4 }, { "syn.pre.npy", 1, 4, 0 }, { "syn.post.npy", 1, 4, 0 },
	};
	for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
		snn_npy_array a = tm_load(dir, files[k].name);
		check_shape(&a, files[k].ndim, files[k].d0, files[k].d1);
		snn_npy_free(&a);
	}
}
END_TEST

/* SIGTERM inside step 5: 6 completed steps in every file. */
START_TEST(test_interrupt_cuts_files)
{
	char dir[64];
	run_into(dir, sizeof dir, -1, 5);
	static const struct { const char *name; int64_t rows; } files[] = {
		{ "P.spikes.t.npy", 6 }, { "P.spikes.i.npy", 6 },
		{ "E.spikes.t.npy", 3 }, { "E.spikes.i.npy", 3 },
		{ "P.v.npy", 2 }, { "P.v.t.npy", 2 }, { "P.u.npy", 6 }, { "P.u.t.npy", 6 },
		{ "P.e.npy", 6 }, { "P.tau.npy", 3 }, { "P.tau.t.npy", 3 },
		{ "gain.npy", 6 }, { "syn.w.npy", 3 }, { "syn.w.t.npy", 3 },
	};
	for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
		snn_npy_array a = tm_load(dir, files[k].name);
		ck_assert_msg(a.shape[0] == files[k].rows, "%s: %lld rows", files[k].name,
			      (long long)a.shape[0]);
		snn_npy_free(&a);
	}
	check_times(dir, "P.v.t.npy", 3, 2);
}
END_TEST

static char *read_all(const char *dir, const char *name)
{
	static char buf[16384];
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Braces and brackets balance outside strings, and strings end. */
static int json_balanced(const char *s)
{
	int depth = 0, in_str = 0;
	for (; *s; s++) {
		if (in_str) {
			if (*s == '\\' && s[1])
				s++;
			else if (*s == '"')
				in_str = 0;
		} else if (*s == '"') {
			in_str = 1;
		} else if (*s == '{' || *s == '[') {
			depth++;
		} else if ((*s == '}' || *s == ']') && --depth < 0) {
			return 0;
		}
	}
	return depth == 0 && !in_str;
}

START_TEST(test_meta)
{
	char dir[64];
	run_into(dir, sizeof dir, -1, 5);
	const char *j = read_all(dir, "meta.json");
	ck_assert(json_balanced(j));
	ck_assert(j[0] == '{');
	static const char *const want[] = {
		"\"snnc_version\": \"" SNN_VERSION "\"",
		"\"model\": \"tests/test \\\"model\\\".snn\"",
		"\"network\": \"Net\"", "\"dt\": 0.001", "\"duration\": 0.006",
		"\"requested_duration\": 0.012", "\"steps\": 6", "\"seed\": 1",
		"\"method\": \"euler\"", "\"precision\": \"double\"", "\"interrupted\": true",
		"\"wall_time\": ", "\"files\": {",
		"\"P.spikes.t.npy\": {\"holds\": \"spike times of P\", \"dtype\": \"float64\", \"unit\": \"second\"}",
		"\"P.spikes.i.npy\": {\"holds\": ",
		"\"dtype\": \"int32\", \"unit\": \"1\"}",
		"\"P.v.npy\": {\"holds\": \"values of P.v, one row per sample, one column per element\", "
		"\"dtype\": \"float64\", \"unit\": \"volt\"}",
		"\"P.tau.npy\": {\"holds\": \"values of P.tau, one per sample\", \"dtype\": \"float64\", "
		"\"unit\": \"second\"}",
		"\"syn.pre.npy\": {\"holds\": ", "\"syn.post.npy\": {\"holds\": ",
		"\"units\": {", "\"P.v\": \"volt\"", "\"P.tau\": \"second\"", "\"syn.w\": \"1\"",
		"\"gain\": \"1\"",
	};
	for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
		ck_assert_msg(strstr(j, want[k]) != NULL, "missing %s in\n%s", want[k], j);
	/* all 20 files listed: 9 records x 2, plus syn.pre and syn.post */
	int nfiles = 0;
	for (const char *p = j; (p = strstr(p, ".npy\": {\"holds\"")); p++)
		nfiles++;
	ck_assert_int_eq(nfiles, 2 * 9 + 2);
}
END_TEST

Suite *suite_monitor(void)
{
	Suite *s = suite_create("monitor");
	TCase *tc = tcase_create("files");
	tcase_add_test(tc, test_spikes);
	tcase_add_test(tc, test_var_every);
	tcase_add_test(tc, test_var_types);
	tcase_add_test(tc, test_scalars);
	tcase_add_test(tc, test_connection);
	tcase_add_test(tc, test_empty_run);
	tcase_add_test(tc, test_interrupt_cuts_files);
	tcase_add_test(tc, test_meta);
	suite_add_tcase(s, tc);
	return s;
}
