/*
 * test_sim.c — the simulation core (sim.c): the pool, snn_create with its
 * options, the clock, variable access by name, --set with units and its
 * exact error messages, and interruption by a signal.
 */
#include <check.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "simmodel.h"

static snn_sim *create(const char *dir, double duration, int nset, const char *const *set)
{
	char err[256] = "";
	snn_options o = { .duration = duration, .seed = -1, .out_dir = dir, .quiet = 1,
			  .nset = nset, .set = set };
	snn_sim *sim = snn_create(&tm_model, &o, err, sizeof err);
	ck_assert_msg(sim != NULL, "snn_create: %s", err);
	return sim;
}

START_TEST(test_alloc_aligned_zeroed)
{
	char dir[64];
	snn_sim *sim = create(tm_tmpdir(dir, sizeof dir), -1, 0, NULL);
	for (size_t n = 1; n < 300; n += 37) {
		unsigned char *p = snn_alloc(sim, n);
		ck_assert_uint_eq((uintptr_t)p % 64, 0);
		for (size_t k = 0; k < n; k++)
			ck_assert_uint_eq(p[k], 0);
		memset(p, 0xff, n);
	}
	double *a = snn_alloc_array(sim, 1000, sizeof *a);
	ck_assert_uint_eq((uintptr_t)a % 64, 0);
	ck_assert(a[999] == 0);
	snn_destroy(sim);
}
END_TEST

START_TEST(test_create_clock_and_pops)
{
	char dir[64];
	snn_sim *sim = create(tm_tmpdir(dir, sizeof dir), -1, 0, NULL);
	ck_assert_int_eq(sim->nsteps, 12);
	ck_assert(sim->dt == 1e-3);
	ck_assert_uint_eq(sim->seed, 1);
	ck_assert_str_eq(sim->pops[1].name, "Q");
	ck_assert_int_eq(sim->pops[1].n, 3);
	ck_assert_str_eq(sim->conns[0].name, "syn");
	for (int i = 0; i < 3; i++) {
		ck_assert(isinf(sim->pops[1].t_last[i]) && sim->pops[1].t_last[i] < 0);
		ck_assert_uint_eq(sim->pops[1].spiked[i], 0);
	}
	ck_assert(TS(sim)->v[3] == 0.02);     /* setup saw the defaults */
	ck_assert_int_eq(TS(sim)->nupdates, 0);
	snn_destroy(sim);

	/* overrides: round(0.0051 / 1e-3) = 5; seed */
	char err[256];
	snn_options o = { .duration = 0.0051, .seed = 42, .out_dir = dir };
	sim = snn_create(&tm_model, &o, err, sizeof err);
	ck_assert_ptr_nonnull(sim);
	ck_assert_int_eq(sim->nsteps, 5);
	ck_assert_uint_eq(sim->seed, 42);
	snn_destroy(sim);
}
END_TEST

START_TEST(test_step_stamps_and_counts)
{
	char dir[64];
	snn_sim *sim = create(tm_tmpdir(dir, sizeof dir), -1, 0, NULL);
	for (int n = 0; n < 7; n++) {
		snn_step(sim);
		ck_assert(sim->t == (double)(n + 1) * 1e-3);
		ck_assert_int_eq(sim->step, n + 1);
	}
	ck_assert_int_eq(sim->priv->nspikes[0], 7);
	ck_assert_int_eq(sim->priv->nspikes[1], 0);
	ck_assert_int_eq(snn_run(sim), 0);
	ck_assert_int_eq(sim->step, 12);
	ck_assert_int_eq(sim->priv->nspikes[0], 12);
	snn_destroy(sim);
}
END_TEST

START_TEST(test_find_var)
{
	char dir[64];
	snn_sim *sim = create(tm_tmpdir(dir, sizeof dir), -1, 0, NULL);
	static const struct { const char *name; int var; } cases[] = {
		{ "P.v", TV_V }, { "P.e", TV_E }, { "P.tau", TV_TAU }, { "gain", TV_GAIN },
		{ "syn.w", TV_W }, { "P.t_last", TV_TLAST },
		{ "Q.v", -1 }, { "P.gain", -1 }, { "tau", -1 }, { "v", -1 }, { "syn.v", -1 },
		{ "Pv.v", -1 }, { ".v", -1 }, { "P.", -1 }, { "", -1 }, { "P.v.x", -1 },
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
		ck_assert_msg(snn_find_var(sim, cases[k].name) == cases[k].var, "%s", cases[k].name);
	ck_assert_int_eq(snn_var_count(sim, TV_V), 4);
	ck_assert_int_eq(snn_var_count(sim, TV_W), 6);
	ck_assert_int_eq(snn_var_count(sim, TV_TAU), 1);
	ck_assert_int_eq(snn_var_count(sim, TV_GAIN), 1);
	snn_destroy(sim);
}
END_TEST

START_TEST(test_get_set)
{
	char dir[64];
	snn_sim *sim = create(tm_tmpdir(dir, sizeof dir), -1, 0, NULL);
	snn_step(sim);
	snn_step(sim);      /* n = 1: v = 0.02 + 2 + 0.25 i, u = 1 + 0.5 i, w = s + 1 */
	ck_assert(snn_get(sim, TV_V, 3) == 0.02 + 2 + 0.75);
	ck_assert(snn_get(sim, TV_U, 3) == 2.5);
	ck_assert(snn_get(sim, TV_E, 1) == 2 * (0.02 + 2.25) + 0.02);
	ck_assert(snn_get(sim, TV_W, 5) == 6);
	ck_assert(snn_get(sim, TV_TAU, 0) == 0.02);
	ck_assert(snn_get(sim, TV_TLAST, 1) == 2e-3);
	ck_assert(isinf(snn_get(sim, TV_TLAST, 2)));

	ck_assert_int_eq(snn_set(sim, TV_U, 2, 7.25), 0);
	ck_assert(TS(sim)->u[2] == 7.25f);
	ck_assert_int_eq(snn_set(sim, TV_E, 0, 1), -1);    /* a let is never assigned */
	ck_assert_int_eq(snn_set(sim, TV_V, 4, 1), -1);    /* out of range */
	ck_assert_int_eq(snn_set(sim, TV_TAU, 0, 0.5), 0); /* a param: update runs */
	ck_assert(TS(sim)->tau == 0.5 && TS(sim)->tau2 == 1.0);
	ck_assert_int_eq(TS(sim)->nupdates, 1);
	snn_destroy(sim);
}
END_TEST

START_TEST(test_set_text)
{
	char dir[64], err[256];
	snn_sim *sim = create(tm_tmpdir(dir, sizeof dir), -1, 0, NULL);
	static const struct { const char *assign, *msg; } bad[] = {
		{ "P.x=1", "unknown name 'P.x'" },
		{ "P.v=1 mV", "'P.v' is not a param" },
		{ "syn.w=1", "'syn.w' is not a param" },
		{ "P.tau=1V", "--set P.tau: dimensions differ: expected second, got volt" },
		{ "P.tau=3", "--set P.tau: dimensions differ: expected second, got a dimensionless number" },
		{ "gain=5 Hz", "--set gain: dimensions differ: expected a dimensionless number, got hertz" },
		{ "P.tau=10 xx", "--set P.tau: malformed value '10 xx'" },
		{ "P.tau", "--set 'P.tau': expected NAME=VALUE" },
		{ "=3", "--set '=3': expected NAME=VALUE" },
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		ck_assert_int_eq(snn_set_text(sim, bad[k].assign, err, sizeof err), -1);
		ck_assert_str_eq(err, bad[k].msg);
	}
	ck_assert_int_eq(TS(sim)->nupdates, 0);
	ck_assert_int_eq(snn_set_text(sim, "P.tau=10ms", err, sizeof err), 0);
	ck_assert_double_eq_tol(TS(sim)->tau, 0.01, 1e-18);
	ck_assert_int_eq(snn_set_text(sim, "gain=-2.5", err, sizeof err), 0);
	ck_assert(TS(sim)->gain == -2.5);
	ck_assert_int_eq(TS(sim)->nupdates, 2);
	snn_destroy(sim);
}
END_TEST

/* --set is applied after defaults and before setup (which reads it). */
START_TEST(test_create_with_set)
{
	char dir[64], err[256];
	const char *set[] = { "P.tau=5 ms", "gain=3" };
	snn_sim *sim = create(tm_tmpdir(dir, sizeof dir), -1, 2, set);
	ck_assert_double_eq_tol(TS(sim)->v[0], 0.005, 1e-18);
	ck_assert(TS(sim)->gain == 3);
	ck_assert_int_eq(TS(sim)->nupdates, 0);
	snn_destroy(sim);

	const char *bad[] = { "P.tau=5 mV" };
	snn_options o = { .duration = -1, .seed = -1, .out_dir = dir, .nset = 1, .set = bad };
	ck_assert_ptr_null(snn_create(&tm_model, &o, err, sizeof err));
	ck_assert_str_eq(err, "--set P.tau: dimensions differ: expected second, got volt");

	const char *fail[] = { "gain=99" };
	o.set = fail;
	ck_assert_ptr_null(snn_create(&tm_model, &o, err, sizeof err));
	ck_assert_str_eq(err, "missing weights file 'w.npy'");
}
END_TEST

START_TEST(test_out_dir_created)
{
	char dir[64], sub[128], err[256];
	snprintf(sub, sizeof sub, "%s/a/b/c", tm_tmpdir(dir, sizeof dir));
	snn_options o = { .duration = -1, .seed = -1, .out_dir = sub };
	snn_sim *sim = snn_create(&tm_model, &o, err, sizeof err);
	ck_assert_ptr_nonnull(sim);
	snn_destroy(sim);
	snn_npy_array a = tm_load(sub, "P.spikes.t.npy");
	ck_assert_int_eq(a.count, 0);
	snn_npy_free(&a);

	/* a file in the way of the directory */
	snprintf(sub, sizeof sub, "%s/a/b/c/P.npy.x/d", dir);
	char blocker[160];
	snprintf(blocker, sizeof blocker, "%s/a/b/c/P.npy.x", dir);
	FILE *f = fopen(blocker, "w");
	fclose(f);
	o.out_dir = sub;
	ck_assert_ptr_null(snn_create(&tm_model, &o, err, sizeof err));
	ck_assert_msg(strstr(err, "cannot create the output directory") == err, "%s", err);
}
END_TEST

/* SIGTERM raised inside step 5: the step completes (the handler only sets a
 * flag), the clock stops after it, so 6 steps are done. */
START_TEST(test_interrupt)
{
	char dir[64];
	struct sigaction before, cur;
	sigaction(SIGTERM, NULL, &before);
	snn_sim *sim = create(tm_tmpdir(dir, sizeof dir), -1, 0, NULL);
	tm_raise_at = 5;
	ck_assert_int_eq(snn_run(sim), SIGTERM);
	tm_raise_at = -1;
	ck_assert_int_eq(sim->step, 6);
	ck_assert_int_eq(sim->priv->signal, SIGTERM);
	/* a second run goes on to the end */
	ck_assert_int_eq(snn_run(sim), 0);
	ck_assert_int_eq(sim->step, 12);
	/* the handlers stay from snn_create to snn_destroy, then the old one is back */
	sigaction(SIGTERM, NULL, &cur);
	ck_assert_ptr_ne((void *)cur.sa_handler, (void *)before.sa_handler);
	snn_destroy(sim);
	sigaction(SIGTERM, NULL, &cur);
	ck_assert_ptr_eq((void *)cur.sa_handler, (void *)before.sa_handler);
}
END_TEST

Suite *suite_sim(void)
{
	Suite *s = suite_create("sim");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_alloc_aligned_zeroed);
	tcase_add_test(tc, test_create_clock_and_pops);
	tcase_add_test(tc, test_step_stamps_and_counts);
	tcase_add_test(tc, test_find_var);
	tcase_add_test(tc, test_get_set);
	tcase_add_test(tc, test_set_text);
	tcase_add_test(tc, test_create_with_set);
	tcase_add_test(tc, test_out_dir_created);
	tcase_add_test(tc, test_interrupt);
	suite_add_tcase(s, tc);
	return s;
}
