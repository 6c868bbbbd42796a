/*
 * test_rng.c — Philox and the derived uniform and normal draws.
 *
 * Known answers are Random123's kat_vectors for philox4x32_10; statistical
 * checks use 10^6 draws and 5-sigma bounds from the exact moments.
 */
#include <check.h>
#include <math.h>

#include <Random123/philox.h>

#include "snn_rt.h"

#define N 1000000

START_TEST(known_answers)
{
	/* snn_philox packs (0, 0, 0, 0, 0) into a zero key and counter */
	snn_u4 r = snn_philox(0, 0, 0, 0, 0);
	ck_assert_uint_eq(r.v[0], 0x6627e8d5u);
	ck_assert_uint_eq(r.v[1], 0xe169c58du);
	ck_assert_uint_eq(r.v[2], 0xbc57ac4cu);
	ck_assert_uint_eq(r.v[3], 0x9b00dbd8u);

	philox4x32_ctr_t c = { { 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu } };
	philox4x32_key_t k = { { 0xffffffffu, 0xffffffffu } };
	philox4x32_ctr_t o = philox4x32(c, k);
	ck_assert_uint_eq(o.v[0], 0x408f276du);
	ck_assert_uint_eq(o.v[1], 0x41c83b0eu);
	ck_assert_uint_eq(o.v[2], 0xa20bc7c6u);
	ck_assert_uint_eq(o.v[3], 0x6d5451fdu);

	/* the same block through snn_philox: key = (seed lo, stream), ctr all ones */
	r = snn_philox(0x0000ffffffffffffull, 0xffffffffu, 0x0000ffffffffffffull,
		       SNN_STEP_INIT, 0xffffu);
	ck_assert_uint_eq(r.v[0], 0x408f276du);
	ck_assert_uint_eq(r.v[3], 0x6d5451fdu);
}
END_TEST

START_TEST(determinism)
{
	ck_assert(snn_rand(7, 3, 11, 13, 2) == snn_rand(7, 3, 11, 13, 2));
	ck_assert(snn_randn(7, 3, 11, 13, 2) == snn_randn(7, 3, 11, 13, 2));
	double base = snn_rand(7, 3, 11, 13, 2);
	ck_assert(snn_rand(8, 3, 11, 13, 2) != base);
	ck_assert(snn_rand(7, 4, 11, 13, 2) != base);
	ck_assert(snn_rand(7, 3, 12, 13, 2) != base);
	ck_assert(snn_rand(7, 3, 11, 14, 2) != base);
	ck_assert(snn_rand(7, 3, 11, 13, 3) != base);
	/* high halves of seed, elem and step matter too */
	ck_assert(snn_rand(7 + (1ull << 40), 3, 11, 13, 2) != base);
	ck_assert(snn_rand(7, 3, 11 + (1ull << 40), 13, 2) != base);
	ck_assert(snn_rand(7, 3, 11, 13 + (1ull << 40), 2) != base);
	/* step -1 is the 48-bit SNN_STEP_INIT */
	ck_assert(snn_rand(7, 3, 11, (uint64_t)-1, 2) == snn_rand(7, 3, 11, SNN_STEP_INIT, 2));
}
END_TEST

START_TEST(uniform_moments)
{
	double s = 0, s2 = 0, lo = 1, hi = 0;
	for (int i = 0; i < N; i++) {
		double u = snn_rand(1, 5, (uint64_t)i, 0, 0);
		s += u;
		s2 += (u - 0.5) * (u - 0.5);
		lo = u < lo ? u : lo;
		hi = u > hi ? u : hi;
	}
	ck_assert(lo >= 0 && hi < 1);
	ck_assert(lo < 1e-5 && hi > 1 - 1e-5);
	double mean = s / N, var = s2 / N;
	ck_assert_msg(fabs(mean - 0.5) < 5 * sqrt(1.0 / 12 / N), "mean %g", mean);
	/* Var[(u - 1/2)^2] = 1/80 - 1/144 */
	ck_assert_msg(fabs(var - 1.0 / 12) < 5 * sqrt((1.0 / 80 - 1.0 / 144) / N), "var %g", var);
}
END_TEST

START_TEST(normal_moments)
{
	double s = 0, s2 = 0, s4 = 0;
	int below1 = 0;
	for (int i = 0; i < N; i++) {
		double x = snn_randn(2, 9, 17, (uint64_t)i, 1);
		s += x;
		s2 += x * x;
		s4 += x * x * x * x;
		below1 += x < 1;
	}
	ck_assert_msg(fabs(s / N) < 5 / sqrt(N), "mean %g", s / N);
	ck_assert_msg(fabs(s2 / N - 1) < 5 * sqrt(2.0 / N), "var %g", s2 / N);
	ck_assert_msg(fabs(s4 / N - 3) < 5 * sqrt(96.0 / N), "4th moment %g", s4 / N);
	double phi1 = 0.5 * erfc(-1 / sqrt(2));
	ck_assert_msg(fabs((double)below1 / N - phi1) < 5 * sqrt(phi1 * (1 - phi1) / N),
		      "P(x<1) %g", (double)below1 / N);
}
END_TEST

/* Correlation of two sequences of uniforms. */
static double corr(const double *a, const double *b, int n)
{
	double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
	for (int i = 0; i < n; i++) {
		ma += a[i];
		mb += b[i];
	}
	ma /= n;
	mb /= n;
	for (int i = 0; i < n; i++) {
		sab += (a[i] - ma) * (b[i] - mb);
		saa += (a[i] - ma) * (a[i] - ma);
		sbb += (b[i] - mb) * (b[i] - mb);
	}
	return sab / sqrt(saa * sbb);
}

START_TEST(independence)
{
	enum { M = 100000 };
	static double a[M], b[M], c[M], d[M], e[M];
	for (int i = 0; i < M; i++) {
		a[i] = snn_rand(1, 1, (uint64_t)i, 0, 0);
		b[i] = snn_rand(1, 2, (uint64_t)i, 0, 0);      /* next stream */
		c[i] = snn_rand(2, 1, (uint64_t)i, 0, 0);      /* next seed */
		d[i] = snn_rand(1, 1, (uint64_t)i, 1, 0);      /* next step */
		e[i] = snn_rand(1, 1, (uint64_t)i + 1, 0, 0);  /* neighbour element */
	}
	double bound = 5 / sqrt(M);
	ck_assert_msg(fabs(corr(a, b, M)) < bound, "streams %g", corr(a, b, M));
	ck_assert_msg(fabs(corr(a, c, M)) < bound, "seeds %g", corr(a, c, M));
	ck_assert_msg(fabs(corr(a, d, M)) < bound, "steps %g", corr(a, d, M));
	ck_assert_msg(fabs(corr(a, e, M)) < bound, "elements %g", corr(a, e, M));
}
END_TEST

Suite *suite_rng(void)
{
	Suite *s = suite_create("rng");
	TCase *tc = tcase_create("rng");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, known_answers);
	tcase_add_test(tc, determinism);
	tcase_add_test(tc, uniform_moments);
	tcase_add_test(tc, normal_moments);
	tcase_add_test(tc, independence);
	suite_add_tcase(s, tc);
	return s;
}
