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

Suite *suite_spikes(void)
{
	Suite *s = suite_create("spikes");
	TCase *tc = tcase_create("compact");
	tcase_add_test(tc, test_compact_random);
	tcase_add_test(tc, test_compact_all_and_none);
	suite_add_tcase(s, tc);
	return s;
}
