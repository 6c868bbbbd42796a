/*
 * test_spikes.c — snn_compact against a plain loop, on random flag arrays
 * of every length around the block sizes, dense and sparse, with flag
 * values other than 1.
 */
#include <check.h>
#include <stdlib.h>

#include "snn_rt.h"

static void check_against_naive(const uint8_t *flags, int32_t n)
{
	int32_t *got = malloc(sizeof(int32_t) * (size_t)(n + 1));
	int32_t ng = snn_compact(flags, n, got), nw = 0;
	for (int32_t i = 0; i < n; i++)
		if (flags[i]) {
			ck_assert_int_lt(nw, ng);
			ck_assert_int_eq(got[nw], i);
			nw++;
		}
	ck_assert_int_eq(ng, nw);
	free(got);
}

START_TEST(test_compact_random)
{
	srand(12345);
	uint8_t flags[300];
	for (int32_t n = 0; n <= 300; n++)
		for (int density = 0; density < 4; density++) {
			int mod = (int[]){ 1000000, 97, 7, 2 }[density];
			for (int32_t i = 0; i < n; i++)
				flags[i] = rand() % mod == 0 ? (uint8_t)(1 + rand() % 255) : 0;
			check_against_naive(flags, n);
		}
}
END_TEST

START_TEST(test_compact_all_and_none)
{
	uint8_t flags[200];
	for (int v = 0; v < 2; v++) {
		for (int i = 0; i < 200; i++)
			flags[i] = (uint8_t)v;
		int32_t out[200];
		ck_assert_int_eq(snn_compact(flags, 200, out), v ? 200 : 0);
		if (v)
			ck_assert_int_eq(out[199], 199);
	}
}
END_TEST

/* Moving the base on keeps every neuron's refractory status for every
 * later step, and saturates entries long in the past. */
START_TEST(test_ref_rebase)
{
	int64_t base = 0, step = SNN_REF_EPOCH + 5;
	int32_t r = (int32_t)(step - base);
	int32_t until[4] = { INT32_MIN, snn_ref_until(r, 0), snn_ref_until(r, 3),
			     snn_ref_until(r - 100, 50) };
	ck_assert_int_eq(until[2], r + 3);
	ck_assert_int_eq(snn_ref_until(INT32_MAX - 1, 10), INT32_MAX);
	snn_ref_rebase(SNN_REF_EPOCH - 1, until, 4, &base);   /* not yet due */
	ck_assert_int_eq(base, 0);
	snn_ref_rebase(step, until, 4, &base);
	ck_assert_int_eq(base, SNN_REF_EPOCH);
	ck_assert_int_eq(until[0], INT32_MIN);
	for (int64_t n = step; n < step + 6; n++) {
		int32_t rel = (int32_t)(n - base);
		ck_assert_int_eq(rel <= until[1], n <= step);
		ck_assert_int_eq(rel <= until[2], n <= step + 3);
		ck_assert_int_eq(rel <= until[3], 0);
	}
}
END_TEST

Suite *suite_spikes(void)
{
	Suite *s = suite_create("spikes");
	TCase *tc = tcase_create("compact");
	tcase_add_test(tc, test_compact_random);
	tcase_add_test(tc, test_compact_all_and_none);
	tcase_add_test(tc, test_ref_rebase);
	suite_add_tcase(s, tc);
	return s;
}
