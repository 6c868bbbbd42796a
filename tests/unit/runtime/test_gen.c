/*
 * test_gen.c — spike generators: Poisson statistics (rate, ISI CV,
 * per-step probability), its exact spike trains against a direct
 * evaluation of the gap law, determinism; explicit spike times; from_file
 * row schedule and rates.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snn_rt.h"
#include "unit_out.h"

/* A simulation with up to 4 neuron-like populations made by snn_create. */
static snn_model model;
static snn_pop_desc pops[4];

static snn_sim *make_sim(double dt, uint64_t seed, int npops, const int32_t *n)
{
	char err[256];
	for (int k = 0; k < npops; k++)
		pops[k] = (snn_pop_desc){ "G", "generator", SNN_POP_NEURON, n[k] };
	model = (snn_model){ .source = "test.snn", .network = "test", .dt = dt, .duration = 0,
			     .seed = seed, .method = "euler", .state_size = 8,
			     .npops = npops, .pops = pops };
	snn_options opt = { .duration = -1, .seed = -1, .out_dir = unit_out_dir(), .quiet = 1 };
	snn_sim *sim = snn_create(&model, &opt, err, sizeof err);
	ck_assert_msg(sim != NULL, "%s", err);
	ck_assert_int_eq(sim->pops[npops - 1].n, n[npops - 1]);
	return sim;
}

/* Runs step n; checks ordering and that spiked / t_last agree with spk. */
static void step(snn_sim *sim, snn_gen *g, int pop, int64_t n)
{
	sim->step = n;
	sim->t = (double)(n + 1) * sim->dt;
	snn_gen_step(sim, g);
	snn_pop *p = &sim->pops[pop];
	int64_t marked = 0;
	for (int32_t i = 0; i < p->n; i++)
		marked += p->spiked[i];
	ck_assert_int_eq(marked, p->nspk);
	for (int32_t k = 0; k < p->nspk; k++) {
		ck_assert(k == 0 || p->spk[k - 1] < p->spk[k]);
		ck_assert(p->spiked[p->spk[k]] == 1);
		ck_assert(p->t_last[p->spk[k]] == sim->t);
	}
}

START_TEST(poisson_rate_and_cv)
{
	enum { N = 1000, STEPS = 10000 };     /* 1 s at dt = 0.1 ms */
	int32_t n = N;
	snn_sim *sim = make_sim(1e-4, 3, 1, &n);
	double rate = 15;
	snn_gen *g = snn_gen_poisson(sim, 0, &rate);
	static int64_t last[N];
	for (int i = 0; i < N; i++)
		last[i] = -1;
	double count = 0, s = 0, s2 = 0, nisi = 0;
	for (int64_t t = 0; t < STEPS; t++) {
		step(sim, g, 0, t);
		snn_pop *p = &sim->pops[0];
		count += p->nspk;
		for (int k = 0; k < p->nspk; k++) {
			int32_t i = p->spk[k];
			if (last[i] >= 0) {
				double isi = (double)(t - last[i]);
				s += isi;
				s2 += isi * isi;
				nisi++;
			}
			last[i] = t;
		}
	}
	double p = rate * 1e-4, trials = (double)N * STEPS;
	ck_assert_msg(fabs(count - trials * p) < 5 * sqrt(trials * p * (1 - p)), "%g spikes", count);
	/* ISIs seen inside a 1 s window are biased short, the CV barely */
	double mean = s / nisi, sd = sqrt(s2 / nisi - mean * mean);
	ck_assert_msg(fabs(sd / mean - 1) < 0.05, "ISI CV %g", sd / mean);
	snn_destroy(sim);
}
END_TEST

/* rate*dt = 0.5: half the (element, step) pairs spike, independently of
 * the previous step. */
START_TEST(poisson_high_rate)
{
	enum { N = 100, STEPS = 2000 };
	int32_t n = N;
	snn_sim *sim = make_sim(1e-4, 5, 1, &n);
	double rate = 5000;
	snn_gen *g = snn_gen_poisson(sim, 0, &rate);
	static uint8_t prev[N];
	double hits = 0, pairs = 0, both = 0;
	for (int64_t t = 0; t < STEPS; t++) {
		step(sim, g, 0, t);
		snn_pop *p = &sim->pops[0];
		hits += p->nspk;
		for (int i = 0; i < N; i++) {
			if (t > 0 && prev[i]) {
				pairs++;
				both += p->spiked[i];
			}
			prev[i] = p->spiked[i];
		}
	}
	double trials = (double)N * STEPS;
	ck_assert_msg(fabs(hits / trials - 0.5) < 5 * sqrt(0.25 / trials), "fraction %g", hits / trials);
	ck_assert_msg(fabs(both / pairs - 0.5) < 5 * sqrt(0.25 / pairs), "P(spike | spike) %g",
		      both / pairs);
	snn_destroy(sim);
}
END_TEST

START_TEST(poisson_extremes)
{
	int32_t n = 50;
	snn_sim *sim = make_sim(1e-4, 5, 1, &n);
	double rate = 20000;        /* rate*dt = 2: p = 1, every step */
	snn_gen *g = snn_gen_poisson(sim, 0, &rate);
	for (int64_t t = 0; t < 20; t++) {
		step(sim, g, 0, t);
		ck_assert_int_eq(sim->pops[0].nspk, 50);
	}
	rate = 0;
	sim->step = 20;
	snn_gen_reset_rate(sim, g);
	for (int64_t t = 20; t < 2000; t++) {
		step(sim, g, 0, t);
		ck_assert_int_eq(sim->pops[0].nspk, 0);
	}
	ck_assert(sim->pops[0].spiked[0] == 0);
	ck_assert(sim->pops[0].t_last[0] == 20 * 1e-4);
	snn_destroy(sim);
}
END_TEST

/* The spike train of element i, straight from the definition: the first
 * spike at g0 - 1 (gap drawn at step -1), then s + g with g drawn at s. */
static int64_t ref_next(uint64_t seed, int pop, int32_t i, int64_t from, double p)
{
	uint64_t s = from < 0 ? SNN_STEP_INIT : (uint64_t)from;
	double u = snn_rand(seed, SNN_STREAM_POISSON + (uint32_t)pop, (uint64_t)i, s, 0);
	return from + 1 + (int64_t)floor(log(1 - u) / log(1 - p));
}

/* Exact agreement with the reference trains, with rate changes at the
 * given steps (reset redraws every element as if a gap started at step-1).
 * Low rates use W = 65536 and the overflow list; population 1 is used so
 * that the stream is SNN_STREAM_POISSON + 1. */
typedef struct { int64_t at; double rate; } Change;

static void check_exact(const Change *ch, int nch, int64_t steps, int32_t n)
{
	int32_t sizes[2] = { 3, n };
	snn_sim *sim = make_sim(1e-4, 77, 2, sizes);
	double rate = ch[0].rate;
	snn_gen *g = snn_gen_poisson(sim, 1, &rate);
	double p = rate * 1e-4, expected = 0;
	int64_t *next = malloc((size_t)n * sizeof *next);
	for (int32_t i = 0; i < n; i++)
		next[i] = ref_next(77, 1, i, -1, p);
	int64_t total = 0;
	for (int64_t t = 0, c = 1; t < steps; t++) {
		if (c < nch && ch[c].at == t) {
			rate = ch[c++].rate;
			p = rate * 1e-4;
			sim->step = t;
			snn_gen_reset_rate(sim, g);
			for (int32_t i = 0; i < n; i++)
				next[i] = ref_next(77, 1, i, t - 1, p);
		}
		expected += n * p;
		step(sim, g, 1, t);
		snn_pop *pp = &sim->pops[1];
		int32_t k = 0;
		for (int32_t i = 0; i < n; i++) {
			if (next[i] != t)
				continue;
			ck_assert_msg(k < pp->nspk && pp->spk[k] == i, "step %lld element %d",
				      (long long)t, i);
			k++;
			next[i] = ref_next(77, 1, i, t, p);
		}
		ck_assert_int_eq(k, pp->nspk);
		total += k;
	}
	ck_assert(fabs(total - expected) < 5 * sqrt(expected));
	free(next);
	snn_destroy(sim);
}

START_TEST(poisson_exact_trains)
{
	const Change low[] = { { 0, 0.5 } };               /* p = 5e-5: overflow */
	check_exact(low, 1, 200000, 300);
	const Change mid[] = { { 0, 300 } };                /* p = 0.03 */
	check_exact(mid, 1, 3000, 200);
	const Change mixed[] = { { 0, 0.5 }, { 70001, 300 }, { 73333, 2 }, { 150000, 0.7 } };
	check_exact(mixed, 4, 300000, 100);
}
END_TEST

static int64_t run_count(uint64_t seed, uint64_t *checksum)
{
	int32_t n = 500;
	snn_sim *sim = make_sim(1e-4, seed, 1, &n);
	double rate = 40;
	snn_gen *g = snn_gen_poisson(sim, 0, &rate);
	int64_t count = 0;
	*checksum = 0;
	for (int64_t t = 0; t < 3000; t++) {
		step(sim, g, 0, t);
		for (int k = 0; k < sim->pops[0].nspk; k++)
			*checksum = *checksum * 31 + (uint64_t)sim->pops[0].spk[k] * 7 + (uint64_t)t;
		count += sim->pops[0].nspk;
	}
	snn_destroy(sim);
	return count;
}

START_TEST(poisson_determinism)
{
	uint64_t c1, c2, c3;
	int64_t n1 = run_count(9, &c1), n2 = run_count(9, &c2), n3 = run_count(10, &c3);
	ck_assert_int_eq(n1, n2);
	ck_assert_uint_eq(c1, c2);
	ck_assert_uint_ne(c1, c3);
	ck_assert(n3 > 0);
}
END_TEST

/* Changing the rate mid-run: spikes follow the new rate from that step. */
START_TEST(poisson_reset_rate)
{
	int32_t n = 2000;
	snn_sim *sim = make_sim(1e-4, 1, 1, &n);
	double rate = 0;
	snn_gen *g = snn_gen_poisson(sim, 0, &rate);
	for (int64_t t = 0; t < 100; t++) {
		step(sim, g, 0, t);
		ck_assert_int_eq(sim->pops[0].nspk, 0);
	}
	rate = 50;
	sim->step = 100;
	snn_gen_reset_rate(sim, g);
	double count = 0;
	for (int64_t t = 100; t < 5100; t++) {
		step(sim, g, 0, t);
		count += sim->pops[0].nspk;
	}
	double mean = 2000.0 * 5000 * 50e-4;
	ck_assert_msg(fabs(count - mean) < 5 * sqrt(mean), "%g spikes", count);
	snn_destroy(sim);
}
END_TEST

START_TEST(spikes_times)
{
	int32_t n = 3;
	snn_sim *sim = make_sim(1e-4, 1, 1, &n);
	/* 1 ms -> stamp 10 dt (step 9); 1.04 ms rounds to 10 too (duplicate of
	 * index 2); 2.26 ms -> 23 dt (step 22); given out of order */
	double times[] = { 2.26e-3, 1.04e-3, 1e-3, 1e-3, 1e-3 };
	int32_t index[] = { 1, 2, 2, 0, 2 };
	char err[256];
	snn_gen *g = snn_gen_spikes(sim, 0, times, index, 5, err, sizeof err);
	ck_assert_msg(g != NULL, "%s", err);
	for (int64_t t = 0; t < 40; t++) {
		step(sim, g, 0, t);
		snn_pop *p = &sim->pops[0];
		if (t == 9) {
			ck_assert_int_eq(p->nspk, 2);
			ck_assert_int_eq(p->spk[0], 0);
			ck_assert_int_eq(p->spk[1], 2);
			ck_assert(p->t_last[0] == 10 * 1e-4);
		} else if (t == 22) {
			ck_assert_int_eq(p->nspk, 1);
			ck_assert_int_eq(p->spk[0], 1);
		} else {
			ck_assert_int_eq(p->nspk, 0);
		}
	}
	snn_destroy(sim);
}
END_TEST

START_TEST(spikes_every_element)
{
	int32_t n = 4;
	snn_sim *sim = make_sim(1e-4, 1, 1, &n);
	double times[] = { 0.3e-3, 0.1e-3, 0.3e-3 };
	char err[256];
	snn_gen *g = snn_gen_spikes(sim, 0, times, NULL, 3, err, sizeof err);
	ck_assert_msg(g != NULL, "%s", err);
	for (int64_t t = 0; t < 10; t++) {
		step(sim, g, 0, t);
		ck_assert_int_eq(sim->pops[0].nspk, t == 0 || t == 2 ? 4 : 0);
	}
	snn_destroy(sim);
}
END_TEST

START_TEST(spikes_errors)
{
	int32_t n = 2;
	snn_sim *sim = make_sim(1e-4, 1, 1, &n);
	char err[256] = "";
	double t0[] = { 1e-3, 0.04e-3 };   /* rounds to 0 steps */
	ck_assert_ptr_null(snn_gen_spikes(sim, 0, t0, NULL, 2, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "rounds to"));
	double t1[] = { -1e-3 };
	ck_assert_ptr_null(snn_gen_spikes(sim, 0, t1, NULL, 1, err, sizeof err));
	double t2[] = { 0.05e-3 };        /* 0.5 steps rounds to 1: fine */
	ck_assert_ptr_nonnull(snn_gen_spikes(sim, 0, t2, NULL, 1, err, sizeof err));
	double t3[] = { 1e-3 };
	int32_t bad[] = { 2 };
	ck_assert_ptr_null(snn_gen_spikes(sim, 0, t3, bad, 1, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "index 2"));
	snn_destroy(sim);
}
END_TEST

static char dir[64];

static const char *tmp_path(const char *name)
{
	static char buf[128];
	if (!dir[0]) {
		strcpy(dir, "/tmp/snn_test_gen_XXXXXX");
		ck_assert_ptr_nonnull(mkdtemp(dir));
	}
	snprintf(buf, sizeof buf, "%s/%s", dir, name);
	return buf;
}

/* 3 rows x 2 columns, T = 1 ms = 10 steps: steps 0-9 (stamps 0.1 .. 1.0
 * ms) show row 0, 10-19 row 1, 20-29 row 2, 30 row 0 again. */
START_TEST(from_file_values)
{
	double rows[] = { 1, 2, 3, 4, 5, 6 };
	ck_assert_int_eq(snn_npy_save(tmp_path("v.npy"), SNN_T_F64, 2, (int64_t[]){ 3, 2 }, rows), 0);
	int32_t sizes[2] = { 5, 0 };
	snn_sim *sim = make_sim(1e-4, 1, 2, sizes);
	char err[256];
	snn_gen *g = snn_gen_from_file(sim, 1, tmp_path("v.npy"), 1e-3, SNN_FF_VALUES, err, sizeof err);
	ck_assert_msg(g != NULL, "%s", err);
	ck_assert_int_eq(sim->pops[1].n, 2);
	ck_assert_int_eq(snn_gen_row(g), 0);
	for (int64_t t = 0; t < 65; t++) {
		step(sim, g, 1, t);
		int64_t want = (t / 10) % 3;
		ck_assert_msg(snn_gen_row(g) == want, "step %lld: row %lld", (long long)t,
			      (long long)snn_gen_row(g));
		ck_assert(snn_gen_values(g)[0] == rows[2 * want]);
		ck_assert(snn_gen_values(g)[1] == rows[2 * want + 1]);
		ck_assert_int_eq(sim->pops[1].nspk, 0);
	}
	snn_destroy(sim);
}
END_TEST

START_TEST(from_file_rates)
{
	enum { COLS = 400 };
	static double rows[2 * COLS];
	for (int i = 0; i < COLS; i++) {
		rows[i] = 0;                    /* row 0: silent */
		rows[COLS + i] = i < 200 ? 1e5 : 1000;  /* row 1: p = 1 or 0.1 */
	}
	ck_assert_int_eq(snn_npy_save(tmp_path("r.npy"), SNN_T_F64, 2, (int64_t[]){ 2, COLS }, rows), 0);
	int32_t size = 0;
	snn_sim *sim = make_sim(1e-4, 1, 1, &size);
	char err[256];
	snn_gen *g = snn_gen_from_file(sim, 0, tmp_path("r.npy"), 5e-3, SNN_FF_RATES, err, sizeof err);
	ck_assert_msg(g != NULL, "%s", err);
	ck_assert_int_eq(sim->pops[0].n, COLS);
	double low = 0;
	for (int64_t t = 0; t < 100; t++) {
		step(sim, g, 0, t);
		snn_pop *p = &sim->pops[0];
		if (t < 50) {
			ck_assert_int_eq(p->nspk, 0);
			continue;
		}
		ck_assert_int_ge(p->nspk, 200);
		for (int k = 0; k < 200; k++)
			ck_assert_int_eq(p->spk[k], k);
		low += p->nspk - 200;
	}
	double trials = 200.0 * 50;
	ck_assert_msg(fabs(low / trials - 0.1) < 5 * sqrt(0.09 / trials), "fraction %g", low / trials);
	snn_destroy(sim);
}
END_TEST

START_TEST(from_file_errors)
{
	double d[] = { 1, 2, 3 };
	ck_assert_int_eq(snn_npy_save(tmp_path("one.npy"), SNN_T_F64, 1, (int64_t[]){ 3 }, d), 0);
	int32_t size = 0;
	snn_sim *sim = make_sim(1e-4, 1, 1, &size);
	char err[256] = "";
	ck_assert_ptr_null(snn_gen_from_file(sim, 0, tmp_path("one.npy"), 1e-3, SNN_FF_VALUES,
					     err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "2-D"));
	ck_assert_ptr_null(snn_gen_from_file(sim, 0, tmp_path("none.npy"), 1e-3, SNN_FF_VALUES,
					     err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "none.npy"));
	snn_destroy(sim);
}
END_TEST

Suite *suite_gen(void)
{
	Suite *s = suite_create("gen");
	TCase *tc = tcase_create("gen");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, poisson_rate_and_cv);
	tcase_add_test(tc, poisson_high_rate);
	tcase_add_test(tc, poisson_extremes);
	tcase_add_test(tc, poisson_exact_trains);
	tcase_add_test(tc, poisson_determinism);
	tcase_add_test(tc, poisson_reset_rate);
	tcase_add_test(tc, spikes_times);
	tcase_add_test(tc, spikes_every_element);
	tcase_add_test(tc, spikes_errors);
	tcase_add_test(tc, from_file_values);
	tcase_add_test(tc, from_file_rates);
	tcase_add_test(tc, from_file_errors);
	suite_add_tcase(s, tc);
	return s;
}
