/*
 * test_synapse_tick.c — a synapse's `on tick` (LANGUAGE.md §3-§4): clock-
 * driven rules, the once-per-neuron rule, graded transmission, modulators,
 * learned delays and refractoriness, end to end.
 *
 * References come from the contract alone: a rule's trajectory recomputed
 * here step by step from the recorded pre/post values it read (a synapse's
 * on tick runs in phase 2, after integration and the neurons' on tick, and
 * monitors record in phase 6 of the same step, so row n of a record is what
 * step n's rule saw unless the rule itself changed it), matrix-vector
 * products from the weights file the test wrote, discrete maps for counters.
 * Samples are stamped (n+1)·dt, so row n is step n.
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "e2e_util.h"

#define DT 1e-4
#define MS 1e-3

static void load_out(const char *dir, const char *stem, snn_npy_array *a)
{
	char name[128];
	e2e_fmt(name, sizeof name, "%s.npy", stem);
	e2e_load(dir, "o", name, a);
}

/* |a - b| small relative to their size */
static bool close_to(double a, double b, double tol)
{
	return fabs(a - b) <= tol * (1 + fabs(b));
}

/* ------------------------------------------------- a clock-driven rule */

/* w moves toward pre.v * post.u * y every step (a rate-based Hebbian rule
 * with decay): 3 pre and 2 post neurons whose states decay at their own
 * rates, a post trace with its own ODE. */
static const char *rule_model =
	"neuron Pre {\n"
	"	state v = 1 + i\n"
	"	dv/dt = -v / (5 ms)\n"
	"}\n"
	"neuron Post {\n"
	"	state u = 2 - 0.5 * i\n"
	"	du/dt = -u / (7 ms)\n"
	"}\n"
	"synapse Rate {\n"
	"	param eta = 0.05\n"
	"	state w = 0.1 * (i + 1)\n"
	"	post state y = 1\n"
	"	dy/dt = -y / (3 ms)\n"
	"	on tick { w += eta * (pre.v * post.u * y - w) }\n"
	"}\n"
	"network R {\n"
	"	dt = 0.1 ms\n"
	"	pop A = Pre(3)\n"
	"	pop B = Post(2)\n"
	"	connect A -> B : Rate(all_to_all) as syn\n"
	"	record A.v\n"
	"	record B.u\n"
	"	record syn.y\n"
	"	record syn.w\n"
	"	run 3 ms\n"
	"}\n";

START_TEST(test_clock_rule)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "r", rule_model);
	e2e_sim(dir, "r", "o", NULL);
	snn_npy_array v, u, y, w, pre, post;
	load_out(dir, "A.v", &v);
	load_out(dir, "B.u", &u);
	load_out(dir, "syn.y", &y);
	load_out(dir, "syn.w", &w);
	load_out(dir, "syn.pre", &pre);
	load_out(dir, "syn.post", &post);
	const int S = 30, NS = 6;
	ck_assert_int_eq(w.count, S * NS);
	ck_assert_int_eq(pre.count, NS);
	for (int s = 0; s < NS; s++) {
		int a = (int)pre.data[s], b = (int)post.data[s];
		double ws = 0.1 * (s + 1);
		for (int n = 0; n < S; n++) {
			ws += 0.05 * (v.data[n * 3 + a] * u.data[n * 2 + b] * y.data[n * 2 + b] - ws);
			ck_assert_msg(close_to(w.data[n * NS + s], ws, 1e-12), "synapse %d (%d->%d), step %d: "
				      "w %.17g, want %.17g", s, a, b, n, w.data[n * NS + s], ws);
		}
	}
	/* the rule did something: every weight moved away from its start */
	for (int s = 0; s < NS; s++)
		ck_assert(fabs(w.data[(S - 1) * NS + s] - 0.1 * (s + 1)) > 1e-3);
	snn_npy_free(&v), snn_npy_free(&u), snn_npy_free(&y), snn_npy_free(&w);
	snn_npy_free(&pre), snn_npy_free(&post);
	e2e_cleanup(dir);
}
END_TEST

/* --------------------------------------------- the once-per-neuron rule */

/* Fan-out 3, fan-in 2, over a slice of the pre population: x moves once
 * per pre neuron of the connection per step, y once per post neuron,
 * whatever the number of synapses; per-synapse statements see the values
 * of their place in the text.  An `if` assigning only x counts as a pre
 * statement. */
static const char *count_model =
	"neuron Q {\n"
	"	state v = 0\n"
	"}\n"
	"synapse Count {\n"
	"	pre state x = 0\n"
	"	post state y = 0\n"
	"	state a = 0, b = 0, c = 0\n"
	"	on tick {\n"
	"		a = x + 1000 * y\n"
	"		x += 1\n"
	"		b = x + 1000 * y\n"
	"		y += 2\n"
	"		c = x + 1000 * y\n"
	"		if x > 3 { x += 100 }\n"
	"	}\n"
	"}\n"
	"network C {\n"
	"	dt = 0.1 ms\n"
	"	pop A = Q(4)\n"
	"	let S = A[1:3]\n"
	"	pop B = Q(3)\n"
	"	connect S -> B : Count(all_to_all) as syn\n"
	"	record syn.x\n"
	"	record syn.y\n"
	"	record syn.a\n"
	"	record syn.b\n"
	"	record syn.c\n"
	"	run 1 ms\n"
	"}\n";

START_TEST(test_once_per_neuron)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "c", count_model);
	e2e_sim(dir, "c", "o", NULL);
	snn_npy_array x, y, a, b, c;
	load_out(dir, "syn.x", &x);
	load_out(dir, "syn.y", &y);
	load_out(dir, "syn.a", &a);
	load_out(dir, "syn.b", &b);
	load_out(dir, "syn.c", &c);
	const int S = 10, NS = 6;
	ck_assert_int_eq(x.count, S * 4);         /* a pre state: one column per neuron of A */
	ck_assert_int_eq(y.count, S * 3);
	ck_assert_int_eq(a.count, S * NS);
	double xs = 0, ys = 0;
	for (int n = 0; n < S; n++) {
		double a_want = xs + 1000 * ys;
		xs += 1;
		double b_want = xs + 1000 * ys;
		ys += 2;
		double c_want = xs + 1000 * ys;
		if (xs > 3)
			xs += 100;
		for (int k = 0; k < 4; k++) {
			double want = k == 1 || k == 2 ? xs : 0;   /* outside the slice: never touched */
			ck_assert_msg(x.data[n * 4 + k] == want, "step %d: x[%d] = %g, want %g", n, k,
				      x.data[n * 4 + k], want);
		}
		for (int k = 0; k < 3; k++)
			ck_assert_msg(y.data[n * 3 + k] == ys, "step %d: y[%d] = %g, want %g", n, k,
				      y.data[n * 3 + k], ys);
		for (int s = 0; s < NS; s++) {
			ck_assert_msg(a.data[n * NS + s] == a_want && b.data[n * NS + s] == b_want &&
				      c.data[n * NS + s] == c_want, "step %d, synapse %d: a b c = %g %g %g, "
				      "want %g %g %g", n, s, a.data[n * NS + s], b.data[n * NS + s],
				      c.data[n * NS + s], a_want, b_want, c_want);
		}
	}
	snn_npy_free(&x), snn_npy_free(&y), snn_npy_free(&a), snn_npy_free(&b), snn_npy_free(&c);
	e2e_cleanup(dir);
}
END_TEST

/* ------------------------------------------------ graded transmission */

/* post.I += w * pre.r over a sparse weight matrix: what the synapses add in
 * step n is what the post neuron's on tick reads in step n + 1 (§3 input),
 * so B.seen[n] = sum_i W[i][j] r[n-1][i], and 0 in step 0. */
static const char *graded_model =
	"neuron Src {\n"
	"	state r = 0\n"
	"	on tick { r = sin(t / (0.3 ms) + 1.7 * i) }\n"
	"}\n"
	"neuron Sink {\n"
	"	input I\n"
	"	state seen = 0\n"
	"	on tick { seen = I }\n"
	"}\n"
	"synapse Graded {\n"
	"	state w = 0\n"
	"	on tick { post.I += w * pre.r }\n"
	"}\n"
	"network G {\n"
	"	dt = 0.1 ms\n"
	"	pop A = Src(5)\n"
	"	pop B = Sink(4)\n"
	"	connect A -> B : Graded(weights = \"w.npy\") as syn\n"
	"	record A.r\n"
	"	record B.seen\n"
	"	run 2 ms\n"
	"}\n";

START_TEST(test_graded)
{
	enum { NA = 5, NB = 4, S = 20 };
	char dir[E2E_PATH], path[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	double W[NA * NB];
	int nz = 0;
	for (int i = 0; i < NA; i++)
		for (int j = 0; j < NB; j++) {
			/* zeros are no synapse: a sparse pattern with mixed signs */
			W[i * NB + j] = (i + 2 * j) % 3 == 0 ? 0 : 0.25 * (i + 1) - 0.4 * j;
			nz += W[i * NB + j] != 0;
		}
	e2e_fmt(path, sizeof path, "%s/w.npy", dir);
	const int64_t shape[2] = { NA, NB };
	ck_assert_int_eq(snn_npy_save(path, SNN_T_F64, 2, shape, W), 0);
	e2e_build(dir, "g", graded_model);
	e2e_sim(dir, "g", "o", NULL);
	snn_npy_array r, seen;
	load_out(dir, "A.r", &r);
	load_out(dir, "B.seen", &seen);
	ck_assert_int_eq(seen.count, S * NB);
	for (int n = 0; n < S; n++)
		for (int j = 0; j < NB; j++) {
			double want = 0;
			for (int i = 0; n > 0 && i < NA; i++)
				want += W[i * NB + j] * r.data[(n - 1) * NA + i];
			ck_assert_msg(close_to(seen.data[n * NB + j], want, 1e-12), "step %d, post %d: "
				      "%.17g, want %.17g", n, j, seen.data[n * NB + j], want);
		}
	ck_assert(seen.data[5 * NB + 1] != 0);
	ck_assert(nz > 0 && nz < NA * NB);
	snn_npy_free(&r), snn_npy_free(&seen);
	e2e_cleanup(dir);
}
END_TEST

/* ---------------------------------------------------------- modulators */

/* Modulators read in on tick: `g` a global the network's on tick counts up
 * (between phases 4 and 5, so step n's rule reads n), `mp` a population
 * variable with one element per post neuron (M.r = 10 i + step count, set by
 * M's on tick before the synapses'), `q` a pre modulator read by a pre-state
 * statement (once per pre neuron).  Post B is a slice of a larger
 * population, M's elements line up with its neurons. */
static const char *mod_model =
	"neuron Q {\n"
	"	state r = 0\n"
	"	on tick { r = 10 * i + t / (0.1 ms) }\n"
	"}\n"
	"synapse Third {\n"
	"	state a = 0, b = 0\n"
	"	pre state x = 0\n"
	"	modulator mg, mp\n"
	"	pre modulator q\n"
	"	on tick {\n"
	"		a += mg\n"
	"		b = mp\n"
	"		x += q\n"
	"	}\n"
	"}\n"
	"network M {\n"
	"	dt = 0.1 ms\n"
	"	global g = 0\n"
	"	pop A = Q(2)\n"
	"	pop P = Q(5)\n"
	"	let B = P[2:5]\n"
	"	pop Mp = Q(3)\n"
	"	pop Mq = Q(2)\n"
	"	connect A -> B : Third(all_to_all) as syn { mg = g, mp = Mp.r, q = Mq.r }\n"
	"	on tick { g = g + 1 }\n"
	"	record syn.a\n"
	"	record syn.b\n"
	"	record syn.x\n"
	"	run 1 ms\n"
	"}\n";

START_TEST(test_modulators)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "m", mod_model);
	e2e_sim(dir, "m", "o", NULL);
	snn_npy_array a, b, x, pre, post;
	load_out(dir, "syn.a", &a);
	load_out(dir, "syn.b", &b);
	load_out(dir, "syn.x", &x);
	load_out(dir, "syn.pre", &pre);
	load_out(dir, "syn.post", &post);
	const int S = 10, NS = 6;
	ck_assert_int_eq(a.count, S * NS);
	double as = 0, xs[2] = { 0, 0 };
	for (int n = 0; n < S; n++) {
		double steps = n + 1;              /* t / dt in step n */
		as += n;                           /* g after n network ticks */
		for (int k = 0; k < 2; k++)
			xs[k] += 10 * k + steps;
		for (int s = 0; s < NS; s++) {
			int jj = (int)post.data[s] - 2;    /* CONN.post.npy: indices in P; Mp lines up with B */
			double bw = 10 * jj + steps;
			ck_assert_msg(a.data[n * NS + s] == as, "step %d synapse %d: a %g, want %g", n, s,
				      a.data[n * NS + s], as);
			ck_assert_msg(fabs(b.data[n * NS + s] - bw) < 1e-9, "step %d synapse %d (post %d): "
				      "b %g, want %g", n, s, jj, b.data[n * NS + s], bw);
		}
		for (int k = 0; k < 2; k++)
			ck_assert_msg(fabs(x.data[n * 2 + k] - xs[k]) < 1e-9, "step %d: x[%d] %g, want %g",
				      n, k, x.data[n * 2 + k], xs[k]);
	}
	/* each post neuron of the slice is there */
	bool seen[3] = { false, false, false };
	for (int s = 0; s < NS; s++) {
		ck_assert(post.data[s] >= 2 && post.data[s] < 5);
		seen[(int)post.data[s] - 2] = true;
	}
	ck_assert(seen[0] && seen[1] && seen[2]);
	snn_npy_free(&a), snn_npy_free(&b), snn_npy_free(&x), snn_npy_free(&pre), snn_npy_free(&post);
	e2e_cleanup(dir);
}
END_TEST

/* ------------------------------------- three factors, clock-driven */

/* The typical three-factor rule: an eligibility e with its own ODE that
 * reads the modulator, and on tick { w += lr * m * e }.  `syn` binds m to
 * M.r (one element per post neuron, set by M's on tick in phase 2: the ODE
 * in phase 1 of step n reads last step's value, the rule this step's),
 * `glob` to a global the network's on tick counts up (n in step n). */
static const char *elig_model =
	"neuron Q {\n"
	"	state r = 0\n"
	"	on tick { r = 1 + i + t / (1 ms) }\n"
	"}\n"
	"synapse Elig {\n"
	"	param lr = 0.5, tau_e = 2 ms\n"
	"	state w = 0, e = 1\n"
	"	modulator m\n"
	"	de/dt = -e / tau_e + m / (10 ms)\n"
	"	on tick { w += lr * m * e }\n"
	"	method euler\n"
	"}\n"
	"network E {\n"
	"	dt = 0.1 ms\n"
	"	global g = 0\n"
	"	pop A = Q(2)\n"
	"	pop B = Q(3)\n"
	"	pop M = Q(3)\n"
	"	connect A -> B : Elig(all_to_all) as syn { m = M.r }\n"
	"	connect A -> B : Elig(all_to_all) as glob { m = g }\n"
	"	on tick { g = g + 1 }\n"
	"	record M.r\n"
	"	record syn.w\n"
	"	record syn.e\n"
	"	record glob.w\n"
	"	record glob.e\n"
	"	run 2 ms\n"
	"}\n";

START_TEST(test_eligibility)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "e", elig_model);
	e2e_sim(dir, "e", "o", NULL);
	snn_npy_array r, w, e, gw, ge, post;
	load_out(dir, "M.r", &r);
	load_out(dir, "syn.w", &w);
	load_out(dir, "syn.e", &e);
	load_out(dir, "glob.w", &gw);
	load_out(dir, "glob.e", &ge);
	load_out(dir, "syn.post", &post);
	const int S = 20, NS = 6, NM = 3;
	const double lr = 0.5, tau = 2 * MS;
	ck_assert_int_eq(w.count, S * NS);
	for (int s = 0; s < NS; s++) {
		int j = (int)post.data[s];
		double es = 1, ws = 0, eg = 1, wg = 0;
		for (int n = 0; n < S; n++) {
			double m_ode = n ? r.data[(n - 1) * NM + j] : 0, m_tick = r.data[n * NM + j];
			es += DT * (-es / tau + m_ode / (10 * MS));
			ws += lr * m_tick * es;
			eg += DT * (-eg / tau + n / (10 * MS));
			wg += lr * n * eg;
			ck_assert_msg(close_to(e.data[n * NS + s], es, 1e-12) &&
				      close_to(w.data[n * NS + s], ws, 1e-12), "syn %d step %d: e %.17g w %.17g, "
				      "want %.17g %.17g", s, n, e.data[n * NS + s], w.data[n * NS + s], es, ws);
			ck_assert_msg(close_to(ge.data[n * NS + s], eg, 1e-12) &&
				      close_to(gw.data[n * NS + s], wg, 1e-12), "glob %d step %d: e %.17g w %.17g, "
				      "want %.17g %.17g", s, n, ge.data[n * NS + s], gw.data[n * NS + s], eg, wg);
		}
	}
	snn_npy_free(&r), snn_npy_free(&w), snn_npy_free(&e), snn_npy_free(&gw), snn_npy_free(&ge);
	snn_npy_free(&post);
	e2e_cleanup(dir);
}
END_TEST

/* ---------------------------------------------- refractoriness, timing */

/* post.v += c from two synapses per post neuron: the threshold (phase 3)
 * sees both additions of the step; while the neuron is refractory its
 * held v drops every write, as from on pre. */
static const char *refr_model =
	"neuron R {\n"
	"	state v = 0\n"
	"	spike when v > 0.95\n"
	"	reset { v = 0 }\n"
	"	refractory 0.3 ms\n"
	"}\n"
	"neuron Q {\n"
	"	state z = 0\n"
	"}\n"
	"synapse Push {\n"
	"	param c = 0.2\n"
	"	on tick { post.v += c }\n"
	"}\n"
	"network F {\n"
	"	dt = 0.1 ms\n"
	"	pop A = Q(2)\n"
	"	pop B = R(1)\n"
	"	connect A -> B : Push(all_to_all)\n"
	"	record B.v\n"
	"	record B.spikes\n"
	"	run 3 ms\n"
	"}\n";

START_TEST(test_refractory_drops)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "f", refr_model);
	e2e_sim(dir, "f", "o", NULL);
	snn_npy_array v, st;
	load_out(dir, "B.v", &v);
	e2e_load(dir, "o", "B.spikes.t.npy", &st);
	const int S = 30;
	ck_assert_int_eq(v.count, S);
	double vs = 0;
	int until = -1, k = 0, held = 0;
	for (int n = 0; n < S; n++) {
		bool refr = n <= until;
		if (!refr)
			vs = vs + 0.2 + 0.2;
		else
			held++;
		if (!refr && vs > 0.95) {
			ck_assert_msg(k < st.count && fabs(st.data[k] - (n + 1) * DT) < 1e-12,
				      "spike %d: want it stamped %g", k, (n + 1) * DT);
			k++;
			vs = 0;
			until = n + 3;
		}
		ck_assert_msg(v.data[n] == vs, "step %d: v %.17g, want %.17g", n, v.data[n], vs);
	}
	ck_assert_int_eq(st.count, k);
	ck_assert(k >= 4 && held >= 9);      /* spikes every 6 steps: 3 charging, 3 held */
	snn_npy_free(&v), snn_npy_free(&st);
	e2e_cleanup(dir);
}
END_TEST

/* pre.spiked, post.spiked and pre.t_last in phase 2 are last step's (set
 * in phase 3): k in step n says who spiked in step n - 1.  Both neurons
 * would otherwise have their threshold fused into the integration sweep. */
static const char *timing_model =
	"neuron P {\n"
	"	param rate = 1 kHz\n"
	"	state v = 0\n"
	"	dv/dt = rate\n"
	"	spike when v > 0.25\n"
	"	reset { v = 0 }\n"
	"}\n"
	"synapse Seen {\n"
	"	state k = 0, tl : s = 0 s\n"
	"	on tick {\n"
	"		k = pre.spiked + 2 * post.spiked\n"
	"		tl = pre.t_last > 0 ms ? pre.t_last : -1 ms\n"
	"	}\n"
	"}\n"
	"network S {\n"
	"	dt = 0.1 ms\n"
	"	pop A = P(1)\n"
	"	pop B = P(1) { rate = 0.7 kHz }\n"
	"	connect A -> B : Seen(one_to_one) as syn\n"
	"	record A.spikes\n"
	"	record B.spikes\n"
	"	record syn.k\n"
	"	record syn.tl\n"
	"	run 4 ms\n"
	"}\n";

/* 1 if the spike times t[0..n) hold the stamp of step `step` */
static int spiked_at(const snn_npy_array *t, int step)
{
	for (int64_t k = 0; k < t->count; k++)
		if (fabs(t->data[k] - (step + 1) * DT) < 1e-12)
			return 1;
	return 0;
}

START_TEST(test_spiked_last_step)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "s", timing_model);
	e2e_sim(dir, "s", "o", NULL);
	snn_npy_array a, b, k, tl;
	e2e_load(dir, "o", "A.spikes.t.npy", &a);
	e2e_load(dir, "o", "B.spikes.t.npy", &b);
	load_out(dir, "syn.k", &k);
	load_out(dir, "syn.tl", &tl);
	const int S = 40;
	ck_assert_int_eq(k.count, S);
	ck_assert(a.count >= 5 && b.count >= 3);
	double last = -1e-3;
	for (int n = 0; n < S; n++) {
		int want = n > 0 ? spiked_at(&a, n - 1) + 2 * spiked_at(&b, n - 1) : 0;
		if (n > 0 && spiked_at(&a, n - 1))
			last = n * DT;
		ck_assert_msg(k.data[n] == want, "step %d: k %g, want %d", n, k.data[n], want);
		ck_assert_msg(fabs(tl.data[n] - last) < 1e-12, "step %d: t_last %g, want %g", n,
			      tl.data[n], last);
	}
	snn_npy_free(&a), snn_npy_free(&b), snn_npy_free(&k), snn_npy_free(&tl);
	e2e_cleanup(dir);
}
END_TEST

/* ------------------------------------------------------ learned delays */

/* A learned delay written every step by on tick is clipped to
 * [0, max_delay] where it is written, and the spike of step 4 leaves with
 * the (clipped) delay its synapse has then. */
static const char *delay_model =
	"neuron Q {\n"
	"	state z = 0\n"
	"}\n"
	"synapse LD {\n"
	"	state delay : s = 0 ms, d0 : s = 0 ms, at : s = -1 ms\n"
	"	on tick { delay = d0 + t }\n"
	"	on pre { at = t }\n"
	"}\n"
	"network D {\n"
	"	dt = 0.1 ms\n"
	"	pop A = spikes(1, times = [0.5 ms])\n"
	"	pop B = Q(3)\n"
	"	connect A -> B : LD(all_to_all, max_delay = 2 ms, d0 = (i - 1) * 1.5 ms) as syn\n"
	"	record syn.delay\n"
	"	record syn.at\n"
	"	run 3 ms\n"
	"}\n";

START_TEST(test_delay_clipped)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "d", delay_model);
	e2e_sim(dir, "d", "o", NULL);
	snn_npy_array d, at;
	load_out(dir, "syn.delay", &d);
	load_out(dir, "syn.at", &at);
	const int S = 30, NS = 3;
	ck_assert_int_eq(d.count, S * NS);
	int clipped_lo = 0, clipped_hi = 0;
	for (int n = 0; n < S; n++)
		for (int s = 0; s < NS; s++) {
			double raw = (s - 1) * 1.5 * MS + (n + 1) * DT;
			double want = raw < 0 ? 0 : raw > 2 * MS ? 2 * MS : raw;
			clipped_lo += raw < 0;
			clipped_hi += raw > 2 * MS;
			ck_assert_msg(fabs(d.data[n * NS + s] - want) < 1e-15, "step %d synapse %d: delay "
				      "%.17g, want %.17g", n, s, d.data[n * NS + s], want);
		}
	ck_assert(clipped_lo > 0 && clipped_hi > 0);
	/* the spike stamped 0.5 ms (step 4) leaves with the delay of step 4 */
	for (int s = 0; s < NS; s++) {
		double k = floor(d.data[4 * NS + s] / DT + 0.5);
		double want = (5 + k) * DT;
		ck_assert_msg(fabs(at.data[(S - 1) * NS + s] - want) < 1e-12, "synapse %d arrived at %g, "
			      "want %g", s, at.data[(S - 1) * NS + s], want);
	}
	snn_npy_free(&d), snn_npy_free(&at);
	e2e_cleanup(dir);
}
END_TEST

/* ------------------------------------------------- the generated loops */

/* Which row loops say their iterations are independent (SNN_INDEPENDENT:
 * clang's assume_safety): one that writes only its synapse, one that adds
 * to a post input (distinct post neurons per row, a buffer nobody reads
 * this step); not one that writes a post state, which the same loop may
 * read (here as pre.v: the connection is recurrent). */
static const char *loops_model =
	"neuron N {\n"
	"	input I\n"
	"	state v = 0\n"
	"	dv/dt = (-v + I) / (10 ms)\n"
	"}\n"
	"synapse Three {\n"
	"	state w = 0.5\n"
	"	pre state x = 0\n"
	"	post state y = 0\n"
	"	on tick {\n"
	"		w += 0.01 * (x * y - w)\n"
	"		x *= 0.9\n"
	"		post.I += w * pre.v\n"
	"		x *= 0.9\n"
	"		post.v += 0.001 * w * pre.v\n"
	"	}\n"
	"}\n"
	"network L {\n"
	"	dt = 0.1 ms\n"
	"	pop P = N(4)\n"
	"	connect P -> P : Three(all_to_all) as syn\n"
	"	run 1 ms\n"
	"}\n";

START_TEST(test_independent_loops)
{
	char dir[E2E_PATH], c[1 << 16];
	e2e_tmpdir(dir, sizeof dir);
	e2e_write(dir, "l.snn", loops_model);
	ck_assert_int_eq(e2e_run(dir, "'%s' build l.snn -o l --emit-c c", e2e_snnc()), 0);
	ck_assert(e2e_read(dir, "c/model.c", c, sizeof c) > 0);
	const char *k = strstr(c, "static void conn_syn_tick(");
	ck_assert_ptr_nonnull(k);
	/* the three row loops, in textual order, and what precedes each */
	const char *head = "for (int64_t s = row[pre], end = row[pre + 1]; s < end; s++)";
	const char *at = k;
	bool marked[3];
	for (int n = 0; n < 3; n++) {
		const char *l = strstr(at, head);
		ck_assert_msg(l != NULL, "row loop %d not found", n);
		const char *prev = l;              /* the line before the loop */
		while (prev > at && prev[-1] != '\n')
			prev--;
		const char *p0 = prev - 1;
		while (p0 > at && p0[-1] != '\n')
			p0--;
		marked[n] = !strncmp(p0 + strspn(p0, "\t"), "SNN_INDEPENDENT", 15);
		at = l + strlen(head);
	}
	ck_assert_msg(marked[0] && marked[1] && !marked[2], "marks: %d %d %d", marked[0], marked[1],
		      marked[2]);
	ck_assert_ptr_null(strstr(at, head));   /* no fourth row loop */
	/* and it runs */
	e2e_sim(dir, "l", "o", NULL);
	e2e_cleanup(dir);
}
END_TEST

Suite *suite_synapse_tick(void)
{
	Suite *s = suite_create("synapse_tick");
	TCase *tc = tcase_create("synapse_tick");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_clock_rule);
	tcase_add_test(tc, test_once_per_neuron);
	tcase_add_test(tc, test_graded);
	tcase_add_test(tc, test_modulators);
	tcase_add_test(tc, test_eligibility);
	tcase_add_test(tc, test_refractory_drops);
	tcase_add_test(tc, test_spiked_last_step);
	tcase_add_test(tc, test_delay_clipped);
	tcase_add_test(tc, test_independent_loops);
	suite_add_tcase(s, tc);
	return s;
}
