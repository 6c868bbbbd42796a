/*
 * test_plasticity.c — pre/post state (traces), on post and the once-per-spike
 * rule of LANGUAGE.md §3, end to end.
 *
 * References are computed here from the contract alone: spike generators
 * fix every pre and post spike time, so each synapse sees a known pair of
 * events; a trace under `exact` decays by e^{-dt/tau} per step (the closed
 * form A exp(-Δt/tau) holds to rounding), under `euler` by (1 - dt/tau) per
 * step (the discrete map, computed step by step here).  Samples are stamped
 * (n+1)·dt, so the sample of a spike stamped T is row round(T/dt) - 1.
 */
#include <check.h>
#include <libgen.h>
#include <math.h>
#include <string.h>

#include "e2e_util.h"

#define DT 1e-4
#define MS 1e-3

/* Row of the sample stamped at time t (seconds). */
static long row_of(double t)
{
	return (long)floor(t / DT + 0.5) - 1;
}

/* --------------------------------------------------------- pair STDP */

/* Song-Miller-Abbott additive STDP between one pre spike and NPOST post
 * neurons, each spiking once at its own offset from the pre spike's
 * arrival.  %s: method; %s: delay argument; %s: post times; %s: indices. */
static const char *pair_model =
	"synapse STDP {\n"
	"	param taup = 16.8 ms, taum = 33.7 ms, Ap = 0.01, Am = -0.0105, wmax = 1\n"
	"	state w = 0.5\n"
	"	pre state apre = 0\n"
	"	post state apost = 0\n"
	"	taup dapre/dt = -apre\n"
	"	taum dapost/dt = -apost\n"
	"	on pre {\n"
	"		apre += Ap\n"
	"		w = clip(w + apost, 0, wmax)\n"
	"	}\n"
	"	on post {\n"
	"		apost += Am\n"
	"		w = clip(w + apre, 0, wmax)\n"
	"	}\n"
	"	method %s\n"
	"}\n"
	"network Pair {\n"
	"	dt = 0.1 ms\n"
	"	pop Pre = spikes(1, times = [30 ms])\n"
	"	pop Post = spikes(%d, times = [%s], index = [%s])\n"
	"	connect Pre -> Post : STDP(%s) as syn\n"
	"	record syn.w\n"
	"	run 80 ms\n"
	"}\n";

/* Post-minus-arrival offsets, in steps of dt: both signs, and 0 (same step:
 * on pre runs first, so the post spike sees the new apre: a potentiation). */
static const int offsets[] = { -200, -50, -7, -1, 0, 1, 7, 50, 200 };
#define NPOST ((int)(sizeof offsets / sizeof offsets[0]))

/* The decay of a trace over k steps under the scheme. */
static double decay(bool exact, double tau, int k)
{
	return exact ? exp(-k * DT / tau) : pow(1 - DT / tau, k);
}

static void run_pair(bool exact, int delay_steps)
{
	const double taup = 16.8 * MS, taum = 33.7 * MS, Ap = 0.01, Am = -0.0105;
	const int pre_step = 300;                       /* stamp 30 ms */
	const int arrival = pre_step + delay_steps;     /* stamp of the arrival */
	char times[1024] = "", index[256] = "", delay[64] = "", model[4096], dir[E2E_PATH];
	/* post neuron k spikes at the arrival + offsets[k] (listed out of order) */
	for (int k = NPOST - 1; k >= 0; k--) {
		size_t n = strlen(times), m = strlen(index);
		snprintf(times + n, sizeof times - n, "%s%.1f ms", n ? ", " : "", (arrival + offsets[k]) * 0.1);
		snprintf(index + m, sizeof index - m, "%s%d", m ? ", " : "", k);
	}
	if (delay_steps)
		snprintf(delay, sizeof delay, "delay = %.1f ms", delay_steps * 0.1);
	snprintf(model, sizeof model, pair_model, exact ? "exact" : "euler", NPOST, times, index, delay);
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "pair", model);
	e2e_sim(dir, "pair", "out", NULL);
	snn_npy_array w, t;
	e2e_load(dir, "out", "syn.w.npy", &w);
	e2e_load(dir, "out", "syn.w.t.npy", &t);
	ck_assert_int_eq(t.count, 800);
	ck_assert_int_eq(w.count, 800 * NPOST);
	/* all_to_all from one pre neuron: synapse k goes to post neuron k */
	for (int k = 0; k < NPOST; k++) {
		int d = offsets[k];
		double dw = d >= 0 ? Ap * decay(exact, taup, d) : Am * decay(exact, taum, -d);
		int later = d >= 0 ? arrival + d : arrival;    /* step stamps, in dt */
		long r = row_of(later * DT);
		ck_assert(t.data[r] == (later) * DT || fabs(t.data[r] - later * DT) < 1e-15);
		double before = w.data[(r - 1) * NPOST + k], at = w.data[r * NPOST + k];
		double last = w.data[(t.count - 1) * NPOST + k];
		ck_assert_msg(before == 0.5, "offset %d (delay %d): w changed before the later event: %.17g",
			      d, delay_steps, before);
		ck_assert_msg(fabs((at - 0.5) - dw) <= 1e-9 * fabs(dw),
			      "offset %d (delay %d, %s): dw = %.17g, expected %.17g", d, delay_steps,
			      exact ? "exact" : "euler", at - 0.5, dw);
		ck_assert_msg(at == last, "offset %d: w changed again after the pair", d);
	}
	snn_npy_free(&w), snn_npy_free(&t);
	e2e_cleanup(dir);
}

START_TEST(test_pair_exact)
{
	run_pair(true, 0);
}
END_TEST

START_TEST(test_pair_exact_delay)
{
	run_pair(true, 25);
}
END_TEST

START_TEST(test_pair_euler)
{
	run_pair(false, 0);
}
END_TEST

/* ------------------------------------------------- once per spike */

/* x moves once per pre spike however many synapses the neuron has; the
 * per-synapse statements around the update read the old and the new
 * value.  Likewise y per post spike.  An `if` whose only assignment is to
 * x is per neuron too. */
static const char *once_model =
	"synapse Count {\n"
	"	state w = 0, before = -1, after = -1, pb = -1, pa = -1, lag = -1, plag = -1\n"
	"	pre state x = 0\n"
	"	post state y = 0\n"
	"	on pre {\n"
	"		before = x\n"
	"		x += 1\n"
	"		if x > 1 {\n"
	"			x += 10\n"
	"		}\n"
	"		after = x\n"
	"		w += 1\n"
	"		lag = post.spiked + min((t - post.t_last) / ms, 99)\n"
	"	}\n"
	"	on post {\n"
	"		plag = pre.spiked + min((t - pre.t_last) / ms, 99)\n"
	"		pb = y\n"
	"		y += 1\n"
	"		pa = y\n"
	"	}\n"
	"}\n"
	"network Once {\n"
	"	dt = 0.1 ms\n"
	"	pop A = spikes(3, times = [1 ms, 3 ms], index = [1, 1])\n"
	"	pop B = spikes(5, times = [2 ms, 2 ms, 4 ms], index = [0, 4, 4])\n"
	"	connect A -> B : Count() as syn\n"
	"	connect A[0:1] -> B : Count() as sl\n"
	"	record sl.x\n"
	"	record syn.lag\n"
	"	record syn.plag\n"
	"	record syn.x\n"
	"	record syn.y\n"
	"	record syn.before\n"
	"	record syn.after\n"
	"	record syn.pb\n"
	"	record syn.pa\n"
	"	record syn.w\n"
	"	run 5 ms\n"
	"}\n";

static double at(const snn_npy_array *a, long row, int col, int ncol)
{
	return a->data[row * ncol + col];
}

START_TEST(test_once_per_spike)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "once", once_model);
	e2e_sim(dir, "once", "out", NULL);
	snn_npy_array x, y, before, after, pb, pa, w;
	e2e_load(dir, "out", "syn.x.npy", &x);
	e2e_load(dir, "out", "syn.y.npy", &y);
	e2e_load(dir, "out", "syn.before.npy", &before);
	e2e_load(dir, "out", "syn.after.npy", &after);
	e2e_load(dir, "out", "syn.pb.npy", &pb);
	e2e_load(dir, "out", "syn.pa.npy", &pa);
	e2e_load(dir, "out", "syn.w.npy", &w);
	/* one column per neuron of the pre (3) / post (5) population */
	ck_assert_int_eq(x.count, 50 * 3);
	ck_assert_int_eq(y.count, 50 * 5);
	ck_assert_int_eq(w.count, 50 * 15);
	long r1 = row_of(1 * MS), r3 = row_of(3 * MS), end = 49;
	/* pre neuron 1 has 5 synapses: x += 1 ran once, not 5 times */
	ck_assert(at(&x, r1 - 1, 1, 3) == 0 && at(&x, r1, 1, 3) == 1);
	ck_assert(at(&x, r3 - 1, 1, 3) == 1 && at(&x, r3, 1, 3) == 12);   /* 1 + 1, then the if: + 10 */
	ck_assert(at(&x, end, 0, 3) == 0 && at(&x, end, 2, 3) == 0);
	/* synapses of pre 1 are 5..9 (CSR: pre-major, post ascending) */
	for (int s = 5; s < 10; s++) {
		ck_assert_msg(at(&before, r1, s, 15) == 0 && at(&after, r1, s, 15) == 1,
			      "synapse %d, first spike: before %g after %g", s, at(&before, r1, s, 15),
			      at(&after, r1, s, 15));
		ck_assert(at(&before, r3, s, 15) == 1 && at(&after, r3, s, 15) == 12);
		ck_assert(at(&w, end, s, 15) == 2);
	}
	ck_assert(at(&before, end, 0, 15) == -1 && at(&w, end, 14, 15) == 0);
	/* post 0 spiked once, post 4 twice (2 ms, 4 ms); 3 synapses each */
	long r2 = row_of(2 * MS), r4 = row_of(4 * MS);
	ck_assert(at(&y, r2 - 1, 0, 5) == 0 && at(&y, r2, 0, 5) == 1 && at(&y, end, 0, 5) == 1);
	ck_assert(at(&y, r2, 4, 5) == 1 && at(&y, r4, 4, 5) == 2 && at(&y, end, 2, 5) == 0);
	for (int pre = 0; pre < 3; pre++) {
		int s0 = pre * 5 + 0, s4 = pre * 5 + 4;
		ck_assert(at(&pb, r2, s0, 15) == 0 && at(&pa, r2, s0, 15) == 1);
		ck_assert(at(&pb, r4, s4, 15) == 1 && at(&pa, r4, s4, 15) == 2);
		ck_assert(at(&pb, end, pre * 5 + 2, 15) == -1);
	}
	/* rules read the other neuron's t_last and spiked: at 3 ms the post
	 * neurons 0 and 4 spiked last at 2 ms; at 4 ms pre 1 spiked last at 3 ms */
	snn_npy_array lag, plag, slx;
	e2e_load(dir, "out", "syn.lag.npy", &lag);
	e2e_load(dir, "out", "syn.plag.npy", &plag);
	ck_assert(at(&lag, r1, 5, 15) == 99 && at(&lag, r3, 5, 15) == 1 && at(&lag, r3, 9, 15) == 1);
	ck_assert(at(&lag, r3, 6, 15) == 99);
	ck_assert(at(&plag, r2, 0, 15) == 99 && at(&plag, r2, 5, 15) == 1 && at(&plag, r4, 9, 15) == 1);
	ck_assert(at(&plag, r4, 14, 15) == 99);
	/* a connection from the slice A[0:1]: pre 1's spikes are not its own */
	e2e_load(dir, "out", "sl.x.npy", &slx);
	ck_assert_int_eq(slx.count, 50 * 3);
	for (int n = 0; n < 3; n++)
		ck_assert_msg(at(&slx, end, n, 3) == 0, "sl.x[%d] moved", n);
	snn_npy_free(&lag), snn_npy_free(&plag), snn_npy_free(&slx);
	snn_npy_free(&x), snn_npy_free(&y), snn_npy_free(&before), snn_npy_free(&after);
	snn_npy_free(&pb), snn_npy_free(&pa), snn_npy_free(&w);
	e2e_cleanup(dir);
}
END_TEST

/* ------------------------------------------------- recorded traces */

/* Poisson pre spikes onto neurons; apre (initial value from i and a
 * param, rk4 on a linear ODE: one step multiplies by the Taylor
 * polynomial of degree 4) is compared with the map computed here from
 * the recorded pre spikes; apost with the post spikes, under its own
 * scheme. */
static const char *trace_model =
	"neuron LIF {\n"
	"	param tau = 10 ms\n"
	"	input I\n"
	"	state v = 0\n"
	"	tau dv/dt = -v + I\n"
	"	spike when v > 0.1\n"
	"	reset { v = 0 }\n"
	"	method euler\n"
	"}\n"
	"synapse Tr {\n"
	"	param tp = 5 ms, tm = 7 ms, a0 = 0.25\n"
	"	state w = 40\n"
	"	pre state apre = a0 * i\n"
	"	post state apost = 0\n"
	"	tp dapre/dt = -apre\n"
	"	tm dapost/dt = -apost\n"
	"	on pre {\n"
	"		post.I += w\n"
	"		apre += 1\n"
	"	}\n"
	"	on post { apost += 0.5 }\n"
	"	method rk4\n"
	"}\n"
	"network Traces {\n"
	"	dt = 0.1 ms\n"
	"	seed = 3\n"
	"	pop In = poisson(6, rate = 300 Hz)\n"
	"	pop P = LIF(4)\n"
	"	connect In -> P : Tr(p = 0.5) as syn\n"
	"	record In.spikes\n"
	"	record P.spikes\n"
	"	record syn.apre\n"
	"	record syn.apost[1:3]\n"
	"	run 30 ms\n"
	"}\n";

/* rk4 on x' = -x/tau over one step */
static double rk4_factor(double tau)
{
	double h = -DT / tau;
	return 1 + h + h * h / 2 + h * h * h / 6 + h * h * h * h / 24;
}

/* Column col of rec [steps, ncol] against the map x <- f x, x += add at each
 * spike of neuron `neuron` (times ts, indices is). */
static int check_trace(const snn_npy_array *rec, int ncol, int col, int neuron, double x0, double f,
		       double add, const snn_npy_array *ts, const snn_npy_array *is)
{
	double x = x0;
	int64_t k = 0;
	int nspikes = 0;
	for (long r = 0; r < 300; r++) {
		x *= f;
		for (; k < ts->count && row_of(ts->data[k]) <= r; k++)
			if (row_of(ts->data[k]) == r && (int)is->data[k] == neuron) {
				x += add;
				nspikes++;
			}
		double got = rec->data[r * ncol + col];
		ck_assert_msg(fabs(got - x) <= 1e-12 * (1 + fabs(x)), "neuron %d, step %ld: %.17g, expected %.17g",
			      neuron, r, got, x);
	}
	return nspikes;
}

START_TEST(test_recorded_traces)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "tr", trace_model);
	e2e_sim(dir, "tr", "out", NULL);
	snn_npy_array apre, apost, it, ii, pt, pi;
	e2e_load(dir, "out", "syn.apre.npy", &apre);
	e2e_load(dir, "out", "syn.apost.npy", &apost);
	e2e_load(dir, "out", "In.spikes.t.npy", &it);
	e2e_load(dir, "out", "In.spikes.i.npy", &ii);
	e2e_load(dir, "out", "P.spikes.t.npy", &pt);
	e2e_load(dir, "out", "P.spikes.i.npy", &pi);
	ck_assert_int_eq(apre.ndim, 2);
	ck_assert_int_eq(apre.shape[1], 6);
	ck_assert_int_eq(apost.shape[1], 2);
	int pre_spikes = 0, post_spikes = 0;
	for (int n = 0; n < 6; n++)
		pre_spikes += check_trace(&apre, 6, n, n, 0.25 * n, rk4_factor(5 * MS), 1, &it, &ii);
	for (int n = 1; n < 3; n++)
		post_spikes += check_trace(&apost, 2, n - 1, n, 0, rk4_factor(7 * MS), 0.5, &pt, &pi);
	ck_assert_msg(pre_spikes > 20 && post_spikes > 2, "too few spikes: %d pre, %d post",
		      pre_spikes, post_spikes);
	/* a trace has no per-synapse columns: no syn.pre.npy / syn.post.npy */
	ck_assert_int_ne(e2e_run(dir, "test -e out/syn.pre.npy"), 0);
	snn_npy_free(&apre), snn_npy_free(&apost), snn_npy_free(&it), snn_npy_free(&ii);
	snn_npy_free(&pt), snn_npy_free(&pi);
	e2e_cleanup(dir);
}
END_TEST

/* ------------------------------------------------------ checkpoint */

static const char *plastic_model =
	"neuron LIF {\n"
	"	param tau = 10 ms\n"
	"	input I\n"
	"	state v = rand() * 0.1\n"
	"	tau dv/dt = -v + I\n"
	"	spike when v > 0.1\n"
	"	reset { v = 0 }\n"
	"	refractory 1 ms\n"
	"}\n"
	"synapse STDP {\n"
	"	param taup = 20 ms, taum = 20 ms, Ap = 0.5, Am = -0.55, wmax = 60\n"
	"	state w = rand() * 30\n"
	"	pre state apre = 0\n"
	"	post state apost = rand()\n"
	"	taup dapre/dt = -apre\n"
	"	taum dapost/dt = -apost\n"
	"	on pre {\n"
	"		post.I += w\n"
	"		apre += Ap\n"
	"		w = clip(w + apost, 0, wmax)\n"
	"	}\n"
	"	on post {\n"
	"		apost += Am\n"
	"		w = clip(w + apre, 0, wmax)\n"
	"	}\n"
	"	method exact\n"
	"}\n"
	"network Plastic {\n"
	"	dt = 0.1 ms\n"
	"	seed = 5\n"
	"	pop In = poisson(40, rate = 100 Hz)\n"
	"	pop P = LIF(8)\n"
	"	connect In -> P : STDP(p = 0.5, delay = 1 ms) as syn\n"
	"	record P.spikes\n"
	"	record syn.w every 0.3 ms\n"
	"	record syn.apre\n"
	"	record syn.apost\n"
	"	run 20 ms\n"
	"}\n";

/* The rows of `full` after t0 equal `part` bit for bit. */
static void same_tail(const char *dir, const char *stem, double t0, bool spikes)
{
	char name[128];
	snn_npy_array tf, vf, tp, vp;
	e2e_fmt(name, sizeof name, spikes ? "%s.spikes.t.npy" : "%s.t.npy", stem);
	e2e_load(dir, "full", name, &tf);
	e2e_load(dir, "b", name, &tp);
	e2e_fmt(name, sizeof name, spikes ? "%s.spikes.i.npy" : "%s.npy", stem);
	e2e_load(dir, "full", name, &vf);
	e2e_load(dir, "b", name, &vp);
	int64_t first = 0;
	while (first < tf.count && tf.data[first] <= t0 + DT / 2)
		first++;
	int64_t rows = tf.count - first, cols = tf.count ? vf.count / tf.count : 0;
	ck_assert_msg(rows == tp.count && rows > 0, "%s: %lld rows after the restore, %lld restored", stem,
		      (long long)rows, (long long)tp.count);
	ck_assert(memcmp(tf.data + first, tp.data, (size_t)rows * sizeof(double)) == 0);
	ck_assert_msg(memcmp(vf.data + first * cols, vp.data, (size_t)(rows * cols) * sizeof(double)) == 0,
		      "%s: values differ after the restore", stem);
	snn_npy_free(&tf), snn_npy_free(&vf), snn_npy_free(&tp), snn_npy_free(&vp);
}

START_TEST(test_checkpoint_plastic)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "pl", plastic_model);
	e2e_sim(dir, "pl", "full", NULL);
	e2e_sim(dir, "pl", "a", "--duration 10ms --checkpoint a.ckpt");
	e2e_sim(dir, "pl", "b", "--duration 10ms --restore a.ckpt");
	same_tail(dir, "P", 10 * MS, true);
	same_tail(dir, "syn.w", 10 * MS, false);
	same_tail(dir, "syn.apre", 10 * MS, false);
	same_tail(dir, "syn.apost", 10 * MS, false);
	/* the weights did move in the second half (else the test shows nothing) */
	snn_npy_array w;
	e2e_load(dir, "b", "syn.w.npy", &w);
	int64_t cols = w.shape[1], rows = w.shape[0], moved = 0;
	for (int64_t s = 0; s < cols; s++)
		moved += w.data[s] != w.data[(rows - 1) * cols + s];
	ck_assert_msg(moved > cols / 4, "only %lld of %lld weights moved", (long long)moved, (long long)cols);
	snn_npy_free(&w);
	e2e_cleanup(dir);
}
END_TEST

/* ------------------------------------------------ per-synapse ODEs */

/* An eligibility trace per synapse driven by the pre trace (a joint
 * Euler step: e reads apre's start-of-step value), and a plain decay whose
 * initial value reads the synapse index, against the map computed here. */
static const char *syn_ode_model =
	"synapse E {\n"
	"	param taue = 5 ms, tp = 10 ms\n"
	"	state e = 0, c = 0.1 * i\n"
	"	pre state apre = 0\n"
	"	tp dapre/dt = -apre\n"
	"	taue de/dt = -e + apre\n"
	"	taue dc/dt = -c\n"
	"	on pre { apre += 1; e += 0.5 }\n"
	"	method euler\n"
	"}\n"
	"network Elig {\n"
	"	dt = 0.1 ms\n"
	"	pop A = spikes(2, times = [1 ms, 2 ms], index = [0, 1])\n"
	"	pop B = spikes(3, times = [5 ms])\n"
	"	connect A -> B : E() as syn\n"
	"	record syn.e\n"
	"	record syn.c\n"
	"	run 10 ms\n"
	"}\n";

START_TEST(test_synapse_odes)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "elig", syn_ode_model);
	e2e_sim(dir, "elig", "out", NULL);
	snn_npy_array e, c;
	e2e_load(dir, "out", "syn.e.npy", &e);
	e2e_load(dir, "out", "syn.c.npy", &c);
	ck_assert_int_eq(e.count, 100 * 6);
	const double taue = 5 * MS, tp = 10 * MS;
	for (int s = 0; s < 6; s++) {
		int pre = s / 3;                          /* all_to_all: pre-major */
		long spike = pre == 0 ? row_of(1 * MS) : row_of(2 * MS);
		double ev = 0, a = 0, cv = 0.1 * s;
		for (long r = 0; r < 100; r++) {
			double en = ev + DT / taue * (-ev + a);   /* one joint step */
			a = a + DT / tp * -a;
			cv = cv + DT / taue * -cv;
			ev = en;
			if (r == spike) {
				a += 1;
				ev += 0.5;
			}
			ck_assert_msg(fabs(e.data[r * 6 + s] - ev) <= 1e-13, "synapse %d, step %ld: e %.17g, "
				      "expected %.17g", s, r, e.data[r * 6 + s], ev);
			ck_assert(fabs(c.data[r * 6 + s] - cv) <= 1e-13);
		}
		ck_assert(ev > 0.1);                      /* it moved */
	}
	snn_npy_free(&e), snn_npy_free(&c);
	e2e_cleanup(dir);
}
END_TEST

/* ------------------------------------------------------------- API */

static const char *api_model =
	"synapse T {\n"
	"	param tau = 10 ms\n"
	"	state w = 1\n"
	"	pre state apre = 0.5 * i\n"
	"	post state apost = 0\n"
	"	tau dapre/dt = -apre\n"
	"	on pre { apre += 1 }\n"
	"	on post { apost += 1 }\n"
	"	method exact\n"
	"}\n"
	"network Api {\n"
	"	dt = 0.1 ms\n"
	"	pop A = spikes(3, times = [0.2 ms], index = [2])\n"
	"	pop B = spikes(2, times = [0.1 ms], index = [1])\n"
	"	connect A -> B : T() as syn\n"
	"	run 1 ms\n"
	"}\n";

/* A driver through the library API: counts of the traces' rows, snn_get
 * before and after steps, snn_set of one neuron's trace. */
static const char *api_driver =
	"#include <stdio.h>\n"
	"#include \"snn_rt.h\"\n"
	"extern const snn_model snn_model_main;\n"
	"int main(void)\n"
	"{\n"
	"	snn_options opt = { .duration = -1, .seed = -1, .quiet = 1, .out_dir = \"out\" };\n"
	"	char err[256];\n"
	"	snn_sim *sim = snn_create(&snn_model_main, &opt, err, sizeof err);\n"
	"	if (!sim) { fprintf(stderr, \"%s\\n\", err); return 1; }\n"
	"	int a = snn_find_var(sim, \"syn.apre\"), b = snn_find_var(sim, \"syn.apost\");\n"
	"	int w = snn_find_var(sim, \"syn.w\");\n"
	"	printf(\"%lld %lld %lld\\n\", (long long)snn_var_count(sim, a),\n"
	"	       (long long)snn_var_count(sim, b), (long long)snn_var_count(sim, w));\n"
	"	printf(\"%.17g %.17g %.17g\\n\", snn_get(sim, a, 0), snn_get(sim, a, 1), snn_get(sim, a, 2));\n"
	"	printf(\"%d %d\\n\", snn_set(sim, a, 1, 7.0), snn_set(sim, a, 3, 1.0));\n"
	"	snn_step(sim);\n"
	"	printf(\"%.17g %.17g\\n\", snn_get(sim, a, 1), snn_get(sim, b, 1));\n"
	"	snn_step(sim);\n"
	"	printf(\"%.17g\\n\", snn_get(sim, a, 2));\n"
	"	snn_finish(sim);\n"
	"	snn_destroy(sim);\n"
	"	return 0;\n"
	"}\n";

START_TEST(test_api_traces)
{
	char dir[E2E_PATH], root[E2E_PATH], copy[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	const char *s = e2e_snnc();
	snprintf(copy, sizeof copy, "%s", s);
	snprintf(root, sizeof root, "%s", dirname(dirname(copy)));
	e2e_write(dir, "api.snn", api_model);
	e2e_write(dir, "driver.c", api_driver);
	ck_assert_int_eq(e2e_run(dir, "'%s' build api.snn --emit-c gen -o sim", s), 0);
	const char *extra = getenv("SNNC_CFLAGS");
	ck_assert_int_eq(e2e_run(dir, "cc -std=c11 -O2 -I'%s/include/snnc' gen/model.c driver.c "
				 "'%s/lib/snnc/libsnnrt.a' -lm %s -o driver", root, root,
				 extra ? extra : ""), 0);
	ck_assert_int_eq(e2e_run(dir, "./driver > got.txt"), 0);
	char path[E2E_PATH];
	e2e_fmt(path, sizeof path, "%s/got.txt", dir);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	long long na, nb, nw;
	double a0, a1, a2, b1, a1n, a2n;
	int ok1, bad;
	ck_assert_int_eq(fscanf(f, "%lld %lld %lld", &na, &nb, &nw), 3);
	ck_assert(na == 3 && nb == 2 && nw == 6);      /* pre neurons, post neurons, synapses */
	ck_assert_int_eq(fscanf(f, "%lf %lf %lf", &a0, &a1, &a2), 3);
	ck_assert(a0 == 0 && a1 == 0.5 && a2 == 1);    /* 0.5 * i */
	ck_assert_int_eq(fscanf(f, "%d %d", &ok1, &bad), 2);
	ck_assert(ok1 == 0 && bad == -1);              /* neuron 3 does not exist */
	ck_assert_int_eq(fscanf(f, "%lf %lf", &a1n, &b1), 2);
	double phi = exp(-DT / 10e-3);
	ck_assert_msg(fabs(a1n - 7 * phi) <= 1e-13, "apre[1] = %.17g after one step", a1n);
	ck_assert(b1 == 1);                            /* post 1 spiked in step 0 */
	ck_assert_int_eq(fscanf(f, "%lf", &a2n), 1);
	ck_assert_msg(fabs(a2n - (1 * phi * phi + 1)) <= 1e-13, "apre[2] = %.17g", a2n);
	fclose(f);
	e2e_cleanup(dir);
}
END_TEST

Suite *suite_plasticity(void)
{
	Suite *s = suite_create("plasticity");
	TCase *tc = tcase_create("plasticity");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_pair_exact);
	tcase_add_test(tc, test_pair_exact_delay);
	tcase_add_test(tc, test_pair_euler);
	tcase_add_test(tc, test_once_per_spike);
	tcase_add_test(tc, test_recorded_traces);
	tcase_add_test(tc, test_checkpoint_plastic);
	tcase_add_test(tc, test_api_traces);
	tcase_add_test(tc, test_synapse_odes);
	suite_add_tcase(s, tc);
	return s;
}
