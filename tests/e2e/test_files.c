/*
 * test_files.c — connectivity from files, end to end: `weights = "w.npy"`
 * makes one synapse per nonzero entry with its value as the initial `w`;
 * `mask = "m.npy"` keeps only the pairs where the mask is nonzero; both are
 * relative to the .snn file, wherever the simulator runs.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>

#include "e2e_util.h"
#include "snn_rt.h"

static const char *MODEL =
	"neuron N { state v = 0 }\n"
	"synapse W {\n"
	"\tstate w\n"
	"\ton pre { post.v += w }\n"
	"}\n"
	"network Files {\n"
	"\tpop A = spikes(3, times = [0.1 ms])\n"
	"\tpop B = N(4)\n"
	"\tconnect A -> B : W(weights = \"data/w.npy\") as fromw\n"
	"\tconnect A -> B : W(all_to_all, mask = \"data/m.npy\", w = 10) as masked\n"
	"\trecord fromw.w\n"
	"\trecord masked.w\n"
	"\trecord B.v\n"
	"\trun 0.2 ms\n"
	"}\n";

START_TEST(test_weights_and_mask)
{
	char dir[E2E_PATH], path[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	ck_assert_int_eq(e2e_run(dir, "mkdir -p data run"), 0);
	/* 3 pre x 4 post; zeros are no synapse */
	const double w[12] = { 0, 1.5, 0, 0,
			       2, 0, 0, 3,
			       0, 0, 0.25, 0 };
	const double mk[12] = { 1, 0, 0, 0,
				0, 0, 1, 0,
				0, 1, 0, 1 };
	int64_t shape[2] = { 3, 4 };
	e2e_fmt(path, sizeof path, "%s/data/w.npy", dir);
	ck_assert_int_eq(snn_npy_save(path, SNN_T_F64, 2, shape, w), 0);
	e2e_fmt(path, sizeof path, "%s/data/m.npy", dir);
	ck_assert_int_eq(snn_npy_save(path, SNN_T_F64, 2, shape, mk), 0);
	e2e_write(dir, "files.snn", MODEL);
	ck_assert_int_eq(e2e_run(dir, "'%s' build files.snn -o files", e2e_snnc()), 0);
	/* run from another directory: the data paths are the model's */
	ck_assert_int_eq(e2e_run(dir, "cd run && ../files --out ../out --quiet"), 0);

	snn_npy_array ww, pre, post, mw, v;
	e2e_load(dir, "out", "fromw.w.npy", &ww);
	e2e_load(dir, "out", "fromw.pre.npy", &pre);
	e2e_load(dir, "out", "fromw.post.npy", &post);
	ck_assert_int_eq(ww.shape[1], 4);          /* four nonzero entries */
	int k = 0;
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 4; j++)
			if (w[4 * i + j] != 0) {
				ck_assert_int_eq((int)pre.data[k], i);
				ck_assert_int_eq((int)post.data[k], j);
				ck_assert(ww.data[k] == w[4 * i + j]);
				k++;
			}
	e2e_load(dir, "out", "masked.w.npy", &mw);
	ck_assert_int_eq(mw.shape[1], 4);          /* four mask ones */
	/* every pre spikes at 0.1 ms (step 0): each post gets the column sums */
	e2e_load(dir, "out", "B.v.npy", &v);
	for (int j = 0; j < 4; j++) {
		double want = 0;
		for (int i = 0; i < 3; i++)
			want += w[4 * i + j] + 10 * mk[4 * i + j];
		ck_assert_msg(fabs(v.data[j] - want) < 1e-12, "post %d: %g, want %g", j, v.data[j], want);
	}
	snn_npy_free(&ww);
	snn_npy_free(&pre);
	snn_npy_free(&post);
	snn_npy_free(&mw);
	snn_npy_free(&v);
	e2e_cleanup(dir);
}
END_TEST

Suite *suite_files(void)
{
	Suite *s = suite_create("files");
	TCase *tc = tcase_create("files");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_weights_and_mask);
	suite_add_tcase(s, tc);
	return s;
}
