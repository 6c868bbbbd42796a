/*
 * test_connect.c — connectivity: exact structures for the deterministic
 * kinds, statistics of `p` (count, gap law, seeds), fan_in's distinctness,
 * weights and masks read from .npy files.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snn_rt.h"
#include "unit_out.h"

/* A simulation made by snn_create from an empty model (only dt and seed). */
static snn_model model;

static snn_sim *make_sim(uint64_t seed)
{
	char err[256];
	model = (snn_model){ .source = "test.snn", .network = "test", .dt = 1e-4,
			     .duration = 0, .seed = seed, .method = "euler", .state_size = 8 };
	snn_options opt = { .duration = -1, .seed = -1, .out_dir = unit_out_dir(), .quiet = 1 };
	snn_sim *sim = snn_create(&model, &opt, err, sizeof err);
	ck_assert_msg(sim != NULL, "%s", err);
	return sim;
}

static snn_conn_spec spec(int kind, int32_t pre_n, int32_t post_n)
{
	return (snn_conn_spec){ .kind = kind, .pre_n = pre_n, .pre0 = 0, .pre1 = pre_n,
				.post_n = post_n, .post0 = 0, .post1 = post_n,
				.stream = SNN_STREAM_CONNECT + 3 };
}

/* CSR invariants: rows monotone and complete, pre[] matches, posts
 * strictly ascending inside a row and within the post slice. */
static void check_csr(const snn_conn_spec *s, const snn_csr *c)
{
	ck_assert_int_eq(c->row[0], 0);
	ck_assert_int_eq(c->row[s->pre_n], c->nsyn);
	for (int32_t i = 0; i < s->pre_n; i++) {
		ck_assert_int_le(c->row[i], c->row[i + 1]);
		if (i < s->pre0 || i >= s->pre1)
			ck_assert_int_eq(c->row[i], c->row[i + 1]);
		for (int64_t k = c->row[i]; k < c->row[i + 1]; k++) {
			ck_assert_int_eq(c->pre[k], i);
			ck_assert_int_ge(c->post[k], s->post0);
			ck_assert_int_lt(c->post[k], s->post1);
			if (k > c->row[i])
				ck_assert_int_lt(c->post[k - 1], c->post[k]);
		}
	}
}

static snn_csr build(snn_sim *sim, const snn_conn_spec *s)
{
	snn_csr c;
	char err[256];
	ck_assert_msg(snn_connect(sim, s, &c, err, sizeof err) == 0, "%s", err);
	check_csr(s, &c);
	return c;
}

static void build_fails(snn_sim *sim, const snn_conn_spec *s, const char *word)
{
	snn_csr c;
	char err[256] = "";
	ck_assert_int_eq(snn_connect(sim, s, &c, err, sizeof err), -1);
	ck_assert_msg(strstr(err, word) != NULL, "message '%s' lacks '%s'", err, word);
}

START_TEST(all_to_all)
{
	snn_sim *sim = make_sim(1);
	snn_conn_spec s = spec(SNN_CONN_ALL, 3, 4);
	snn_csr c = build(sim, &s);
	ck_assert_int_eq(c.nsyn, 12);
	for (int i = 0; i <= 3; i++)
		ck_assert_int_eq(c.row[i], 4 * i);
	for (int k = 0; k < 12; k++)
		ck_assert_int_eq(c.post[k], k % 4);
	ck_assert_ptr_null(c.value);
	snn_destroy(sim);
}
END_TEST

START_TEST(slices)
{
	snn_sim *sim = make_sim(1);
	snn_conn_spec s = spec(SNN_CONN_ALL, 4, 6);
	s.pre0 = 1, s.pre1 = 3, s.post0 = 2, s.post1 = 5;
	snn_csr c = build(sim, &s);
	int64_t rows[] = { 0, 0, 3, 6, 6 };
	int32_t posts[] = { 2, 3, 4, 2, 3, 4 };
	ck_assert_int_eq(c.nsyn, 6);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(c.row[i], rows[i]);
	for (int k = 0; k < 6; k++) {
		ck_assert_int_eq(c.post[k], posts[k]);
		ck_assert_int_eq(c.pre[k], 1 + k / 3);
	}
	snn_destroy(sim);
}
END_TEST

START_TEST(one_to_one)
{
	snn_sim *sim = make_sim(1);
	snn_conn_spec s = spec(SNN_CONN_ONE, 5, 7);
	s.pre1 = 3, s.post0 = 2, s.post1 = 5;
	snn_csr c = build(sim, &s);
	ck_assert_int_eq(c.nsyn, 3);
	int64_t rows[] = { 0, 1, 2, 3, 3, 3 };
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(c.row[i], rows[i]);
	for (int k = 0; k < 3; k++) {
		ck_assert_int_eq(c.pre[k], k);
		ck_assert_int_eq(c.post[k], k + 2);
	}
	s.post1 = 6;
	build_fails(sim, &s, "one_to_one");
	snn_destroy(sim);
}
END_TEST

START_TEST(bad_specs)
{
	snn_sim *sim = make_sim(1);
	snn_conn_spec s = spec(SNN_CONN_P, 5, 7);
	s.p = 1.5;
	build_fails(sim, &s, "p = 1.5");
	s = spec(SNN_CONN_ALL, 5, 7);
	s.pre1 = 6;
	build_fails(sim, &s, "out of range");
	s = spec(SNN_CONN_FAN_IN, 5, 7);
	s.fan_in = 6;
	build_fails(sim, &s, "fan_in = 6");
	snn_destroy(sim);
}
END_TEST

static int64_t count_p(uint64_t seed, double p, int32_t n, int32_t m)
{
	snn_sim *sim = make_sim(seed);
	snn_conn_spec s = spec(SNN_CONN_P, n, m);
	s.p = p;
	int64_t count = build(sim, &s).nsyn;
	snn_destroy(sim);
	return count;
}

START_TEST(p_count)
{
	double p = 0.1, nm = 1000.0 * 1000.0;
	int64_t c = count_p(1, p, 1000, 1000);
	ck_assert_msg(fabs(c - nm * p) < 5 * sqrt(nm * p * (1 - p)), "%lld synapses", (long long)c);
	ck_assert_int_eq(count_p(1, 0, 100, 100), 0);
	ck_assert_int_eq(count_p(1, 1, 100, 100), 10000);
	c = count_p(3, 0.002, 2000, 3000);
	nm = 2000.0 * 3000.0;
	ck_assert_msg(fabs(c - nm * 0.002) < 5 * sqrt(nm * 0.002 * 0.998), "%lld", (long long)c);
}
END_TEST

/* Same seed: the same synapses; another seed: overlap as for independent
 * draws, N*M*p^2 within 5 sigma. */
START_TEST(p_seeds)
{
	enum { NP = 300, NQ = 400 };
	static uint8_t a[NP][NQ];
	snn_sim *s1 = make_sim(11), *s2 = make_sim(11), *s3 = make_sim(12);
	snn_conn_spec s = spec(SNN_CONN_P, NP, NQ);
	s.p = 0.2;
	snn_csr c1 = build(s1, &s), c2 = build(s2, &s), c3 = build(s3, &s);
	ck_assert_int_eq(c1.nsyn, c2.nsyn);
	ck_assert(memcmp(c1.post, c2.post, (size_t)c1.nsyn * sizeof *c1.post) == 0);
	ck_assert(memcmp(c1.row, c2.row, (NP + 1) * sizeof *c1.row) == 0);
	for (int64_t k = 0; k < c1.nsyn; k++)
		a[c1.pre[k]][c1.post[k]] = 1;
	int64_t both = 0;
	for (int64_t k = 0; k < c3.nsyn; k++)
		both += a[c3.pre[k]][c3.post[k]];
	double q = 0.04, nm = (double)NP * NQ;
	ck_assert_msg(fabs(both - nm * q) < 5 * sqrt(nm * q * (1 - q)), "overlap %lld", (long long)both);
	snn_destroy(s1);
	snn_destroy(s2);
	snn_destroy(s3);
}
END_TEST

/* Gaps between consecutive targets are geometric: mean 1/p, P(1) = p,
 * P(2) = (1-p) p. */
START_TEST(p_gaps)
{
	snn_sim *sim = make_sim(5);
	double p = 0.1;
	snn_conn_spec s = spec(SNN_CONN_P, 10, 100000);
	s.p = p;
	snn_csr c = build(sim, &s);
	double sum = 0, n = 0, ones = 0, twos = 0;
	for (int i = 0; i < 10; i++)
		for (int64_t k = c.row[i] + 1; k < c.row[i + 1]; k++) {
			int32_t g = c.post[k] - c.post[k - 1];
			sum += g;
			n++;
			ones += g == 1;
			twos += g == 2;
		}
	double sd = sqrt(1 - p) / p;
	ck_assert_msg(fabs(sum / n - 1 / p) < 5 * sd / sqrt(n), "mean gap %g", sum / n);
	ck_assert_msg(fabs(ones / n - p) < 5 * sqrt(p * (1 - p) / n), "P(1) %g", ones / n);
	double p2 = (1 - p) * p;
	ck_assert_msg(fabs(twos / n - p2) < 5 * sqrt(p2 * (1 - p2) / n), "P(2) %g", twos / n);
	/* first target of each row: post0 + geometric - 1, mean 1/p - 1 */
	double first = 0;
	for (int i = 0; i < 10; i++)
		first += c.post[c.row[i]];
	ck_assert(first / 10 < 1 / p - 1 + 5 * sd / sqrt(10));
	snn_destroy(sim);
}
END_TEST

START_TEST(fan_in)
{
	enum { NPRE = 50, NPOST = 200, K = 10 };
	snn_sim *sim = make_sim(7);
	snn_conn_spec s = spec(SNN_CONN_FAN_IN, NPRE + 10, NPOST + 5);
	s.pre0 = 10, s.post0 = 5;
	s.fan_in = K;
	snn_csr c = build(sim, &s);
	int in[NPOST + 5] = { 0 };
	ck_assert_int_eq(c.nsyn, NPOST * K);
	for (int64_t k = 0; k < c.nsyn; k++)
		in[c.post[k]]++;
	for (int j = 0; j < NPOST + 5; j++)
		ck_assert_int_eq(in[j], j < 5 ? 0 : K);
	/* distinct: check_csr saw strictly ascending posts per pre, so no pair
	 * repeats.  Out-degrees ~ Binomial(NPOST, K/NPRE): mean 40, sd 5.66 */
	double sd = sqrt(NPOST * 0.2 * 0.8);
	for (int i = 10; i < NPRE + 10; i++) {
		int64_t deg = c.row[i + 1] - c.row[i];
		ck_assert_msg(fabs(deg - 40.0) < 6 * sd, "pre %d out-degree %lld", i, (long long)deg);
	}
	/* fan_in = slice size takes every pre */
	s.fan_in = NPRE;
	c = build(sim, &s);
	ck_assert_int_eq(c.nsyn, NPRE * NPOST);
	snn_destroy(sim);
}
END_TEST

static char dir[64];

static const char *tmp_path(const char *name)
{
	static char buf[128];
	if (!dir[0]) {
		strcpy(dir, "/tmp/snn_test_conn_XXXXXX");
		ck_assert_ptr_nonnull(mkdtemp(dir));
	}
	snprintf(buf, sizeof buf, "%s/%s", dir, name);
	return buf;
}

START_TEST(weights)
{
	snn_sim *sim = make_sim(1);
	double w[] = { 0, 0.5, 0, -1, 2, 0 };
	ck_assert_int_eq(snn_npy_save(tmp_path("w.npy"), SNN_T_F64, 2, (int64_t[]){ 2, 3 }, w), 0);
	snn_conn_spec s = spec(SNN_CONN_WEIGHTS, 3, 4);
	s.pre0 = 1, s.post0 = 1;
	s.weights = tmp_path("w.npy");
	snn_csr c = build(sim, &s);
	ck_assert_int_eq(c.nsyn, 3);
	int64_t rows[] = { 0, 0, 1, 3 };
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(c.row[i], rows[i]);
	ck_assert_int_eq(c.post[0], 2);
	ck_assert_int_eq(c.post[1], 1);
	ck_assert_int_eq(c.post[2], 2);
	ck_assert(c.value[0] == 0.5 && c.value[1] == -1 && c.value[2] == 2);
	/* wrong shape: both shapes named */
	s.post0 = 0;
	build_fails(sim, &s, "shape [2, 3] does not match the connection's [pre, post] = [2, 4]");
	s.weights = tmp_path("missing.npy");
	build_fails(sim, &s, "missing.npy");
	snn_destroy(sim);
}
END_TEST

START_TEST(mask)
{
	snn_sim *sim = make_sim(1);
	uint8_t m[] = { 1, 0, 1, 0, 0, 1 };
	ck_assert_int_eq(snn_npy_save(tmp_path("m.npy"), SNN_T_U8, 2, (int64_t[]){ 2, 3 }, m), 0);
	snn_conn_spec s = spec(SNN_CONN_ALL, 2, 3);
	s.mask = tmp_path("m.npy");
	snn_csr c = build(sim, &s);
	ck_assert_int_eq(c.nsyn, 3);
	ck_assert_int_eq(c.row[1], 2);
	ck_assert_int_eq(c.post[0], 0);
	ck_assert_int_eq(c.post[1], 2);
	ck_assert_int_eq(c.post[2], 2);
	s.kind = SNN_CONN_P;
	s.p = 1;
	c = build(sim, &s);
	ck_assert_int_eq(c.nsyn, 3);
	s.pre_n = 3, s.pre1 = 3;
	build_fails(sim, &s, "[3, 3]");
	snn_destroy(sim);
}
END_TEST

/* With p, the mask only removes pairs: (p, mask) = (p) restricted to mask. */
START_TEST(mask_with_p)
{
	enum { NP = 40, NQ = 50 };
	static double m[NP * NQ];
	for (int k = 0; k < NP * NQ; k++)
		m[k] = (k * 7919) % 3 != 0;
	ck_assert_int_eq(snn_npy_save(tmp_path("mp.npy"), SNN_T_F64, 2, (int64_t[]){ NP, NQ }, m), 0);
	snn_sim *sim = make_sim(9);
	snn_conn_spec s = spec(SNN_CONN_P, NP, NQ);
	s.p = 0.3;
	snn_csr all = build(sim, &s);
	s.mask = tmp_path("mp.npy");
	snn_csr some = build(sim, &s);
	int64_t k2 = 0;
	for (int64_t k = 0; k < all.nsyn; k++) {
		if (m[all.pre[k] * NQ + all.post[k]] == 0)
			continue;
		ck_assert_int_lt(k2, some.nsyn);
		ck_assert_int_eq(some.pre[k2], all.pre[k]);
		ck_assert_int_eq(some.post[k2], all.post[k]);
		k2++;
	}
	ck_assert_int_eq(k2, some.nsyn);
	snn_destroy(sim);
}
END_TEST

Suite *suite_connect(void)
{
	Suite *s = suite_create("connect");
	TCase *tc = tcase_create("connect");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, all_to_all);
	tcase_add_test(tc, slices);
	tcase_add_test(tc, one_to_one);
	tcase_add_test(tc, bad_specs);
	tcase_add_test(tc, p_count);
	tcase_add_test(tc, p_seeds);
	tcase_add_test(tc, p_gaps);
	tcase_add_test(tc, fan_in);
	tcase_add_test(tc, weights);
	tcase_add_test(tc, mask);
	tcase_add_test(tc, mask_with_p);
	suite_add_tcase(s, tc);
	return s;
}
