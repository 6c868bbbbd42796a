/*
 * test_paths.c — paths the generated C spells in string literals: a model
 * file and a from_file name holding `??=` and `??/` (trigraphs under
 * -std=c11, `#` and `\`) must reach the simulator unchanged (issue 6).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "e2e_util.h"

START_TEST(test_trigraph_paths)
{
	char dir[E2E_PATH], path[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	e2e_fmt(path, sizeof path, "%s/d?\?", dir);
	ck_assert_int_eq(mkdir(path, 0777), 0);
	/* two rows of three rates: 1000 Hz makes every element spike each step */
	static const double rates[6] = { 1e4, 1e4, 1e4, 0, 0, 0 };
	e2e_fmt(path, sizeof path, "%s/d?\?/a?\?=b.npy", dir);
	ck_assert_int_eq(snn_npy_save(path, SNN_T_F64, 2, (const int64_t[]){ 2, 3 }, rates), 0);
	e2e_write(dir, "m?\?=x.snn",
		  "network N {\n"
		  "  pop G = from_file(\"d?\?/a?\?=b.npy\", present = 1 ms)\n"
		  "  record G.spikes\n"
		  "  run 2 ms\n"
		  "}\n");
	int st = e2e_run(dir, "'%s' build 'm?\?=x.snn' -o sim --emit-c c > log 2>&1", e2e_snnc());
	ck_assert_msg(st == 0, "build: exit status %d", st);
	st = e2e_run(dir, "./sim --quiet --out o > log 2>&1");
	ck_assert_msg(st == 0, "run: exit status %d", st);
	snn_npy_array a;
	e2e_load(dir, "o", "G.spikes.i.npy", &a);
	/* rate 1e4 Hz, dt 0.1 ms: p = 1 per step for the 10 steps of row 0 */
	ck_assert_int_eq(a.count, 30);
	snn_npy_free(&a);
	/* meta.json names the model file as given */
	char text[8192];
	ck_assert(e2e_read(dir, "o/meta.json", text, sizeof text) > 0);
	ck_assert_msg(strstr(text, "m?\?=x.snn"), "meta.json: %s", text);
	e2e_cleanup(dir);
}
END_TEST

Suite *suite_paths(void)
{
	Suite *s = suite_create("paths");
	TCase *tc = tcase_create("trigraphs");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_trigraph_paths);
	suite_add_tcase(s, tc);
	return s;
}
