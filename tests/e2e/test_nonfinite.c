/*
 * test_nonfinite.c — a state that becomes NaN or infinite stops the run
 * (issue 6): the integrate kernel's branch-free flag, tested once per step
 * by model_step, and the runtime's message.
 *
 * dv/dt = v^2 / ms under Euler blows up in finite time; element k starts at
 * v = 1 + k, so the largest element overflows first.  The discrete map
 * v <- v + dt v^2 / ms is computed here to know which step and element go
 * first, and every kept sample is compared with it.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "e2e_util.h"

static const char *model =
	"neuron E {\n"
	"  state v = 1\n"
	"  dv/dt = v * v / ms\n"
	"}\n"
	"network N {\n"
	"  pop P = E(20) { v = 1 + i }\n"
	"  record P.v\n"
	"  run 5 ms\n"
	"}\n";

/* The first step (0-based) after which some element is not finite, its
 * element, and the map's values after each step in ref[step][elem]. */
static int first_bad(double ref[64][20], int *elem)
{
	double v[20];
	for (int k = 0; k < 20; k++)
		v[k] = 1 + k;
	for (int n = 0; n < 64; n++) {
		for (int k = 0; k < 20; k++)
			v[k] = v[k] + 1e-4 * (v[k] * v[k] / 1e-3);
		for (int k = 0; k < 20; k++) {
			ref[n][k] = v[k];
			if (!isfinite(v[k])) {
				*elem = k;
				return n;
			}
		}
	}
	return -1;
}

START_TEST(test_nonfinite_stops)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "blow", model);
	static double ref[64][20];
	int elem = -1, bad = first_bad(ref, &elem);
	ck_assert_int_ge(bad, 1);
	int st = e2e_run(dir, "./blow --out o --quiet 2> err.txt");
	ck_assert_int_eq(st, 1);
	char want[256], got[512];
	e2e_fmt(want, sizeof want, "snn: error: P.v[%d] is not finite at t = %g ms (step %d)\n", elem,
		(bad + 1) * 0.1, bad);
	ck_assert(e2e_read(dir, "err.txt", got, sizeof got) > 0);
	ck_assert_msg(strstr(got, want), "want '%s', got '%s'", want, got);
	/* the files hold every step before the bad one, and those agree with the map */
	snn_npy_array a;
	e2e_load(dir, "o", "P.v.npy", &a);
	ck_assert_int_eq(a.shape[0], bad);
	ck_assert_int_eq(a.shape[1], 20);
	for (int s = 0; s < bad; s++)
		for (int k = 0; k < 20; k++)
			ck_assert_msg(fabs(a.data[s * 20 + k] - ref[s][k]) <= 1e-12 * fabs(ref[s][k]),
				      "sample %d elem %d: %.17g vs %.17g", s, k,
				      a.data[s * 20 + k], ref[s][k]);
	snn_npy_free(&a);
	/* --allow-nonfinite lets it go on to the end */
	e2e_sim(dir, "blow", "o2", "--allow-nonfinite");
	e2e_load(dir, "o2", "P.v.npy", &a);
	ck_assert_int_eq(a.shape[0], 50);
	ck_assert(!isfinite(a.data[49 * 20 + 19]));
	snn_npy_free(&a);
	e2e_cleanup(dir);
}
END_TEST

Suite *suite_nonfinite(void)
{
	Suite *s = suite_create("nonfinite");
	TCase *tc = tcase_create("stop");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_nonfinite_stops);
	suite_add_tcase(s, tc);
	return s;
}
