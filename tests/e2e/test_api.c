/*
 * test_api.c — the simulator as a library: examples/api/closed_loop.c
 * drives examples/api/plant.snn through snn_create / snn_find_var / snn_get
 * / snn_set / snn_step / snn_finish / snn_destroy.  Its trace must be the
 * closed loop's discrete map, computed here, and the monitor it kept must
 * hold the same values.
 */
#include <check.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e_util.h"
#include "snn_rt.h"

START_TEST(test_closed_loop)
{
	char dir[E2E_PATH], root[E2E_PATH], snnc_copy[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	const char *s = e2e_snnc();
	/* the runtime sits beside the compiler: BIN/../include/snnc, BIN/../lib/snnc */
	snprintf(snnc_copy, sizeof snnc_copy, "%s", s);
	snprintf(root, sizeof root, "%s", dirname(dirname(snnc_copy)));
	const char *src = getenv("SNNC_ROOT");
	char plant[E2E_PATH], loop[E2E_PATH];
	e2e_fmt(plant, sizeof plant, "%s/examples/api/plant.snn", src && *src ? src : ".");
	e2e_fmt(loop, sizeof loop, "%s/examples/api/closed_loop.c", src && *src ? src : ".");
	ck_assert_int_eq(e2e_run(dir, "'%s' build '%s' --emit-c gen -o sim", s, plant), 0);
	const char *extra = getenv("SNNC_CFLAGS");
	ck_assert_int_eq(e2e_run(dir, "cc -std=c11 -O2 -I'%s/include/snnc' gen/model.c '%s' "
				 "'%s/lib/snnc/libsnnrt.a' -lm %s -o loop", root, loop, root,
				 extra ? extra : ""), 0);
	ck_assert_int_eq(e2e_run(dir, "./loop 30 out > trace.txt"), 0);

	char path[E2E_PATH];
	e2e_fmt(path, sizeof path, "%s/trace.txt", dir);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	/* v <- v + dt/tau (-v + u), u = K (1 - v); tau set to 5 ms by the program */
	const double dt = 1e-3, tau = 5e-3, K = 2;
	double v = 0, got[30];
	for (int n = 0; n < 30; n++) {
		int k;
		ck_assert_int_eq(fscanf(f, "%d %lf", &k, &got[n]), 2);
		ck_assert_int_eq(k, n);
		v = v + dt / tau * (-v + K * (1 - v));
		ck_assert_msg(fabs(got[n] - v) <= 1e-12 * fabs(v), "step %d: %.17g, want %.17g",
			      n, got[n], v);
	}
	fclose(f);
	ck_assert(fabs(v - K / (1 + K)) < 1e-3);       /* it settled */
	snn_npy_array rec;
	e2e_load(dir, "out", "P.v.npy", &rec);
	ck_assert_int_eq(rec.shape[0], 30);
	for (int n = 0; n < 30; n++)
		ck_assert(rec.data[n] == got[n]);
	snn_npy_free(&rec);
	e2e_cleanup(dir);
}
END_TEST

Suite *suite_api(void)
{
	Suite *s = suite_create("api");
	TCase *tc = tcase_create("api");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_closed_loop);
	suite_add_tcase(s, tc);
	return s;
}
