/*
 * test_synapticflow.c — the synapticflow examples (examples/synapticflow_*.snn,
 * seed 003; what the library computes: the seed notes §1), end to end.
 *
 * Each test runs an example (or a small network on the example's models,
 * examples/synapticflow_models.snn), loads the spikes it recorded and
 * replays the page's rule on them here, in a few lines of C written from
 * synapticflow's own order of operations (the rule after both populations
 * stepped; w += dw, then w *= 1 - wd, then the hard clamp), not from the
 * .snn's (which decays first and adds the change decayed).  Weights agree
 * to 1e-9, traces and potentials to 1e-9 too; spikes exactly.  Row n of a
 * record is step n (samples stamped (n+1)·dt).
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "e2e_util.h"

#define DT 1e-4
#define MS 1e-3
#define TOL 1e-9

static const char *src_root(void)
{
	const char *r = getenv("SNNC_ROOT");
	return r && *r ? r : ".";
}

/* A fresh directory holding the models and the named examples. */
static void setup(char *dir, size_t len, const char *const *examples)
{
	e2e_tmpdir(dir, len);
	ck_assert_int_eq(e2e_run(dir, "cp '%s/examples/synapticflow_models.snn' .", src_root()), 0);
	for (; examples && *examples; examples++)
		ck_assert_int_eq(e2e_run(dir, "cp '%s/examples/%s' .", src_root(), *examples), 0);
}

/* Build dir/FILE.snn (already there) into dir/FILE. */
static void build_file(const char *dir, const char *file)
{
	int st = e2e_run(dir, "'%s' build %s.snn -o %s", e2e_snnc(), file, file);
	ck_assert_msg(st == 0, "snnc build %s/%s.snn: exit status %d", dir, file, st);
}

static void load(const char *dir, const char *out, const char *stem, snn_npy_array *a)
{
	char name[128];
	e2e_fmt(name, sizeof name, "%s.npy", stem);
	e2e_load(dir, out, name, a);
}

/* The spikes of POP as a [steps][n] 0/1 matrix (calloc'ed). */
static unsigned char *spike_matrix(const char *dir, const char *out, const char *pop, int n, long steps)
{
	char stem[64];
	snn_npy_array t, i;
	e2e_fmt(stem, sizeof stem, "%s.spikes.t", pop);
	load(dir, out, stem, &t);
	e2e_fmt(stem, sizeof stem, "%s.spikes.i", pop);
	load(dir, out, stem, &i);
	ck_assert_int_eq(t.count, i.count);
	unsigned char *s = calloc((size_t)(steps * n), 1);
	ck_assert(s != NULL);
	for (int64_t k = 0; k < t.count; k++) {
		long step = lround(t.data[k] / DT) - 1;
		int j = (int)i.data[k];
		ck_assert(step >= 0 && step < steps && j >= 0 && j < n);
		s[step * n + j] = 1;
	}
	snn_npy_free(&t), snn_npy_free(&i);
	return s;
}

static long count_spikes(const unsigned char *s, long len)
{
	long c = 0;
	for (long k = 0; k < len; k++)
		c += s[k];
	return c;
}

/* ------------------------------------------------------------ traces */

/* A population's spike trace after a step (neural_populations.py:185-190):
 * decay, then the step's spike: nearest sets 1, additive adds the scale. */
static void trace_step(double *x, const unsigned char *s, int n, double tau, bool additive, double scale)
{
	for (int j = 0; j < n; j++) {
		x[j] *= exp(-DT / tau);
		if (s[j])
			x[j] = additive ? x[j] + scale : 1;
	}
}

/* -------------------------------------------------------------- STDP */

typedef struct {
	double lr_ltd, lr_ltp, wd, wmin, wmax, tau;
	bool soft, additive;
} stdp_par;

/* synapticflow's STDP.update, the two terms added (learning_rules.py:
 * 170-191 with dw accumulated), then the base update.  pre/post: the
 * synapses' neurons; w: initial weights in, one row per step out
 * ([steps][nsyn]); xpre, xpost: the traces per step. */
static void replay_stdp(const stdp_par *p, const unsigned char *spre, int npre, const unsigned char *spost,
			int npost, long steps, const int *pre, const int *post, int nsyn, double *w,
			double *xpre_rec, double *xpost_rec)
{
	double xpre[64] = { 0 }, xpost[64] = { 0 }, cur[256];
	ck_assert(npre <= 64 && npost <= 64 && nsyn <= 256);
	memcpy(cur, w, sizeof(double) * nsyn);
	for (long n = 0; n < steps; n++) {
		const unsigned char *sp = spre + n * npre, *sq = spost + n * npost;
		trace_step(xpre, sp, npre, p->tau, p->additive, 1);
		trace_step(xpost, sq, npost, p->tau, p->additive, 1);
		for (int k = 0; k < nsyn; k++) {
			int a = pre[k], b = post[k];
			double dw = -p->lr_ltd * sp[a] * xpost[b] + p->lr_ltp * xpre[a] * sq[b];
			if (p->soft)
				cur[k] += dw * (cur[k] - p->wmin) * (p->wmax - cur[k]) / (p->wmax - p->wmin);
			else
				cur[k] += dw;
			cur[k] *= 1 - p->wd;
			if (!p->soft)
				cur[k] = fmin(fmax(cur[k], p->wmin), p->wmax);
			w[n * nsyn + k] = cur[k];
		}
		if (xpre_rec)
			memcpy(xpre_rec + n * npre, xpre, sizeof(double) * npre);
		if (xpost_rec)
			memcpy(xpost_rec + n * npost, xpost, sizeof(double) * npost);
	}
}

/* The largest |a - b| over n values. */
static double max_diff(const double *a, const double *b, long n, long *where)
{
	double d = 0;
	for (long k = 0; k < n; k++)
		if (fabs(a[k] - b[k]) > d || isnan(a[k] - b[k])) {
			d = isnan(a[k] - b[k]) ? INFINITY : fabs(a[k] - b[k]);
			*where = k;
		}
	return d;
}

/* examples/synapticflow_stdp.snn: 4 inputs, 2 outputs, all to all. */
enum { SNPRE = 4, SNPOST = 2, SNSYN = 8 };

typedef struct {
	long steps;
	unsigned char *spre, *spost;
	snn_npy_array w, xpre, xpost, pre, post;
} stdp_run;

static void run_stdp(const char *dir, const char *out, const char *args, stdp_run *r)
{
	e2e_sim(dir, "synapticflow_stdp", out, args);
	load(dir, out, "syn.w", &r->w);
	load(dir, out, "syn.xpre", &r->xpre);
	load(dir, out, "syn.xpost", &r->xpost);
	load(dir, out, "syn.pre", &r->pre);
	load(dir, out, "syn.post", &r->post);
	ck_assert_int_eq(r->pre.count, SNSYN);
	r->steps = r->w.count / SNSYN;
	ck_assert_int_eq(r->xpre.count, r->steps * SNPRE);
	r->spre = spike_matrix(dir, out, "In", SNPRE, r->steps);
	r->spost = spike_matrix(dir, out, "Out", SNPOST, r->steps);
}

static void free_stdp(stdp_run *r)
{
	snn_npy_free(&r->w), snn_npy_free(&r->xpre), snn_npy_free(&r->xpost);
	snn_npy_free(&r->pre), snn_npy_free(&r->post);
	free(r->spre), free(r->spost);
}

/* Replays the run under p and compares weights and traces; returns the
 * replayed weights (malloc'ed) for further checks. */
static double *check_stdp(const stdp_run *r, const stdp_par *p, const char *what)
{
	int pre[SNSYN], post[SNSYN];
	double *w = malloc(sizeof(double) * r->steps * SNSYN);
	double *xa = malloc(sizeof(double) * r->steps * SNPRE), *xb = malloc(sizeof(double) * r->steps * SNPOST);
	ck_assert(w && xa && xb);
	for (int k = 0; k < SNSYN; k++) {
		pre[k] = (int)r->pre.data[k], post[k] = (int)r->post.data[k];
		w[k] = 0.3 + 0.1 * pre[k];          /* the example's initial weights */
	}
	/* both populations spike at all (else the test proves nothing) */
	ck_assert(count_spikes(r->spre, r->steps * SNPRE) > 50 && count_spikes(r->spost, r->steps * SNPOST) > 20);
	replay_stdp(p, r->spre, SNPRE, r->spost, SNPOST, r->steps, pre, post, SNSYN, w, xa, xb);
	long at = 0;
	double d = max_diff(r->w.data, w, r->steps * SNSYN, &at);
	ck_assert_msg(d <= TOL, "%s: w differs by %.3g at step %ld synapse %ld: %.17g, replay %.17g", what, d,
		      at / SNSYN, at % SNSYN, r->w.data[at], w[at]);
	d = max_diff(r->xpre.data, xa, r->steps * SNPRE, &at);
	ck_assert_msg(d <= TOL, "%s: xpre differs by %.3g at step %ld", what, d, at / SNPRE);
	d = max_diff(r->xpost.data, xb, r->steps * SNPOST, &at);
	ck_assert_msg(d <= TOL, "%s: xpost differs by %.3g at step %ld", what, d, at / SNPOST);
	free(xa), free(xb);
	return w;
}

static const stdp_par stdp_default = {
	.lr_ltd = 0.02, .lr_ltp = 0.04, .wd = 0, .wmin = 0, .wmax = 1, .tau = 10 * MS,
};

static const char *const stdp_files[] = { "synapticflow_stdp.snn", NULL };

/* The STDP tests share one build of the example (an unchecked fixture:
 * built once, in the parent, before the tests fork). */
static char stdp_dir[E2E_PATH];

static void stdp_build(void)
{
	setup(stdp_dir, sizeof stdp_dir, stdp_files);
	build_file(stdp_dir, "synapticflow_stdp");
}

static void stdp_clean(void)
{
	e2e_cleanup(stdp_dir);
}

/* Hard bound: clamped at w_max (reached and held).  Soft bound: the
 * factor (w - w_min)(w_max - w)/(w_max - w_min), never clamped, never
 * reaching w_max.  The lower bound under the hard rule with LTD stronger. */
START_TEST(test_stdp_bounds)
{
	const char *dir = stdp_dir;
	stdp_run hard, soft, low;
	run_stdp(dir, "hard", "--duration 500ms", &hard);
	run_stdp(dir, "soft", "--duration 500ms --set syn.soft=1", &soft);
	run_stdp(dir, "low", "--duration 500ms --set syn.lr_ltd=0.05", &low);
	stdp_par ps = stdp_default, pl = stdp_default;
	ps.soft = true;
	pl.lr_ltd = 0.05;
	free(check_stdp(&hard, &stdp_default, "hard"));
	free(check_stdp(&soft, &ps, "soft"));
	free(check_stdp(&low, &pl, "hard, low"));
	long at_max = 0, at_min = 0, soft_max = 0;
	double soft_lo = 1, soft_hi = 0, diff = 0;
	for (long k = 0; k < hard.steps * SNSYN; k++) {
		at_max += hard.w.data[k] == 1;
		at_min += low.w.data[k] == 0;
		soft_max += soft.w.data[k] >= 1;
		soft_lo = fmin(soft_lo, soft.w.data[k]), soft_hi = fmax(soft_hi, soft.w.data[k]);
		diff = fmax(diff, fabs(soft.w.data[k] - hard.w.data[k]));
	}
	ck_assert_msg(at_max > 200, "the hard bound held w at w_max in only %ld samples", at_max);
	ck_assert_msg(at_min > 1000, "the hard bound held w at w_min in only %ld samples", at_min);
	ck_assert_msg(soft_max == 0 && soft_lo > 0 && soft_hi < 1, "soft: w in [%g, %g]", soft_lo, soft_hi);
	ck_assert(diff > 0.1);
	free_stdp(&hard), free_stdp(&soft), free_stdp(&low);
}
END_TEST

/* Weight decay: w *= 1 - wd in every step, after the change, under both
 * bounds; it changes the weights (against the run without it). */
START_TEST(test_stdp_decay)
{
	const char *dir = stdp_dir;
	stdp_run none, hard, soft;
	run_stdp(dir, "dnone", "--duration 300ms", &none);
	run_stdp(dir, "dhard", "--duration 300ms --set syn.wd=0.002", &hard);
	run_stdp(dir, "dsoft", "--duration 300ms --set syn.wd=0.002 --set syn.soft=1", &soft);
	stdp_par ph = stdp_default, ps = stdp_default;
	ph.wd = ps.wd = 0.002;
	ps.soft = true;
	free(check_stdp(&hard, &ph, "hard, decay"));
	free(check_stdp(&soft, &ps, "soft, decay"));
	double diff = 0;
	for (long k = 0; k < none.steps * SNSYN; k++)
		diff = fmax(diff, fabs(none.w.data[k] - hard.w.data[k]));
	ck_assert_msg(diff > 0.05, "decay changed w by %g at most", diff);
	/* before the first spike of its pre and post neurons, a synapse only
	 * decays: (0.3 + 0.1 pre)(1 - wd)^(n+1) */
	ck_assert(hard.spre[0] == 0 && hard.spost[0] == 0);
	for (int k = 0; k < SNSYN; k++) {
		double w0 = 0.3 + 0.1 * hard.pre.data[k];
		ck_assert_msg(fabs(hard.w.data[k] - w0 * (1 - 0.002)) <= 1e-15, "step 0, synapse %d: %.17g", k,
			      hard.w.data[k]);
	}
	free_stdp(&none), free_stdp(&hard), free_stdp(&soft);
}
END_TEST

/* Nearest traces are 1 at a spike and never above; additive ones
 * accumulate (above 1 at the fastest input); both against the replay, and
 * the weights they lead to differ. */
START_TEST(test_traces)
{
	const char *dir = stdp_dir;
	stdp_run nearest, additive;
	run_stdp(dir, "n", "--duration 300ms --set syn.soft=1", &nearest);
	run_stdp(dir, "a", "--duration 300ms --set syn.soft=1 --set syn.additive=1", &additive);
	stdp_par pn = stdp_default, pa = stdp_default;
	pn.soft = pa.soft = true;
	pa.additive = true;
	free(check_stdp(&nearest, &pn, "nearest"));
	free(check_stdp(&additive, &pa, "additive"));
	double nmax = 0, amax = 0, diff = 0;
	long ones = 0;
	for (long k = 0; k < nearest.steps * SNPRE; k++) {
		nmax = fmax(nmax, nearest.xpre.data[k]), amax = fmax(amax, additive.xpre.data[k]);
		ones += nearest.xpre.data[k] == 1;
	}
	for (long k = 0; k < nearest.steps * SNSYN; k++)
		diff = fmax(diff, fabs(nearest.w.data[k] - additive.w.data[k]));
	ck_assert_msg(nmax == 1 && ones == count_spikes(nearest.spre, nearest.steps * SNPRE),
		      "nearest: max %.17g, %ld samples at 1", nmax, ones);
	ck_assert_msg(amax > 1.5, "additive: max %g", amax);
	ck_assert(diff > 0.01);
	free_stdp(&nearest), free_stdp(&additive);
}
END_TEST

/* ------------------------------------------------------------- figure */

/* The page's STDP example, examples/synapticflow_stdp_page.snn: from the
 * page's initial weights [0.4434, 0.8602], after 1000 steps its printed
 * [0.4012, 0.9686].  The page prints 4 decimals (±5e-5) of weights whose
 * initial values it printed to 4 decimals too (±5e-5, shrunk by the decay
 * to ±4.5e-5 after 1000 steps).  Against the replay of what the library
 * computes (the LTP term alone, notes §1.4) to 1e-9 in every step; and
 * with both terms added, the co-active weight would fall instead. */
START_TEST(test_figure_a)
{
	static const char *const files[] = { "synapticflow_stdp_page.snn", NULL };
	char dir[E2E_PATH];
	setup(dir, sizeof dir, files);
	build_file(dir, "synapticflow_stdp_page");
	e2e_sim(dir, "synapticflow_stdp_page", "out", NULL);
	e2e_sim(dir, "synapticflow_stdp_page", "sum", "--set syn.lr_ltd=0.0003");
	snn_npy_array w, ws;
	load(dir, "out", "syn.w", &w);
	load(dir, "sum", "syn.w", &ws);
	ck_assert_int_eq(w.count, 2000);
	unsigned char *s1 = spike_matrix(dir, "out", "n1", 2, 1000), *s2 = spike_matrix(dir, "out", "n2", 1, 1000);
	/* input 1 and the output spike in every step, input 0 never */
	ck_assert_int_eq(count_spikes(s2, 1000), 1000);
	for (long n = 0; n < 1000; n++)
		ck_assert(s1[2 * n] == 0 && s1[2 * n + 1] == 1);
	const int pre[2] = { 0, 1 }, post[2] = { 0, 0 };
	stdp_par p = { .lr_ltd = 0, .lr_ltp = 0.0002, .wd = 0.0001, .wmin = 0, .wmax = 1, .tau = 10 * MS };
	double rw[2000] = { 0.4434, 0.8602 }, rs[2000] = { 0.4434, 0.8602 };
	replay_stdp(&p, s1, 2, s2, 1, 1000, pre, post, 2, rw, NULL, NULL);
	p.lr_ltd = 0.0003;
	replay_stdp(&p, s1, 2, s2, 1, 1000, pre, post, 2, rs, NULL, NULL);
	long at = 0;
	double d = max_diff(w.data, rw, 2000, &at);
	ck_assert_msg(d <= TOL, "w differs from the replay by %.3g at %ld", d, at);
	d = max_diff(ws.data, rs, 2000, &at);
	ck_assert_msg(d <= TOL, "both terms: w differs from the replay by %.3g at %ld", d, at);
	const double tol = 5e-5 + 5e-5 * pow(1 - 0.0001, 1000);
	ck_assert_msg(fabs(w.data[1998] - 0.4012) <= tol && fabs(w.data[1999] - 0.9686) <= tol,
		      "after 1000 steps: [%.6f, %.6f], the page: [0.4012, 0.9686]", w.data[1998], w.data[1999]);
	/* the co-active input's weight grows, the other decays; with both
	 * terms it would fall (to 0.683) */
	ck_assert(w.data[1999] > 0.8602 && w.data[1998] < 0.4434);
	ck_assert_msg(fabs(ws.data[1999] - 0.683) < 1e-3, "both terms: %.6f", ws.data[1999]);
	snn_npy_free(&w), snn_npy_free(&ws);
	free(s1), free(s2);
	e2e_cleanup(dir);
}
END_TEST

/* --------------------------------------------------------------- NoOp */

/* The page's NoOp example leaves its weights alone (weight_decay 0);
 * with a decay, w(n) = w(0)(1 - wd)^(n+1) after step n, whatever the
 * spikes. */
START_TEST(test_noop)
{
	static const char *const files[] = { "synapticflow_noop.snn", NULL };
	char dir[E2E_PATH];
	setup(dir, sizeof dir, files);
	build_file(dir, "synapticflow_noop");
	e2e_sim(dir, "synapticflow_noop", "page", NULL);
	snn_npy_array w;
	load(dir, "page", "syn.w", &w);
	ck_assert_int_eq(w.count, 3000);
	unsigned char *s = spike_matrix(dir, "page", "n1", 3, 1000);
	ck_assert(count_spikes(s, 3000) > 100);
	for (long k = 3; k < 3000; k++)
		ck_assert_msg(w.data[k] == w.data[k % 3], "w[%ld] moved: %.17g", k, w.data[k]);

	e2e_sim(dir, "synapticflow_noop", "d", "--set syn.wd=0.003");
	snn_npy_array wd;
	load(dir, "d", "syn.w", &wd);
	ck_assert_int_eq(wd.count, 3000);
	for (long n = 0; n < 1000; n++)
		for (int k = 0; k < 3; k++) {
			double w0 = w.data[k];           /* the same draws: same seed */
			double want = w0 * pow(1 - 0.003, n + 1), got = wd.data[n * 3 + k];
			ck_assert_msg(fabs(got - want) <= TOL * w0, "step %ld synapse %d: %.17g, want %.17g", n, k, got,
				      want);
		}
	snn_npy_free(&w), snn_npy_free(&wd), free(s);
	e2e_cleanup(dir);
}
END_TEST

/* ---------------------------------------------------------------- LIF */

/* LIFPopulation: explicit Euler, the increment frozen for round(rl/dt)
 * steps after a spike, v >= threshold; replayed from the library's lines
 * (neural_populations.py:709-739) with an exact step counter. */
START_TEST(test_lif)
{
	char dir[E2E_PATH];
	setup(dir, sizeof dir, NULL);
	static const double drive[] = { 0.4, 0.6, 1, 3, 50, 50, 3, 0.8 };
	static const double rl[] = { 0, 0, 0, 0, 0, 1, 2.5, 4 };     /* ms: 0, 10, 25, 40 steps */
	enum { NL = sizeof drive / sizeof *drive, STEPS = 1000 };
	char model[4096] = "import \"synapticflow_models.snn\"\nnetwork L {\n\tdt = 0.1 ms\n";
	for (int k = 0; k < NL; k++) {
		size_t m = strlen(model);
		snprintf(model + m, sizeof model - m, "\tpop P%d = SFLIF(1) { x = %g, rl = %g ms }\n"
			 "\trecord P%d.v\n\trecord P%d.spikes\n", k, drive[k], rl[k], k, k);
	}
	strcat(model, "\trun 100 ms\n}\n");
	e2e_write(dir, "lif.snn", model);
	build_file(dir, "lif");
	e2e_sim(dir, "lif", "out", NULL);
	for (int k = 0; k < NL; k++) {
		char stem[32], pop[8];
		snprintf(stem, sizeof stem, "P%d.v", k);
		snprintf(pop, sizeof pop, "P%d", k);
		snn_npy_array v;
		load(dir, "out", stem, &v);
		ck_assert_int_eq(v.count, STEPS);
		unsigned char *s = spike_matrix(dir, "out", pop, 1, STEPS);
		double u = -62;
		int frozen = 0, nref = (int)lround(rl[k] / 0.1);
		long spikes = 0, isi = -1, last = -1;
		for (long n = 0; n < STEPS; n++) {
			if (frozen > 0)
				frozen--;
			else
				u += (-(u - -62) + 20 * drive[k]) * 0.1 / 10;
			bool sp = u >= -52;
			if (sp) {
				u = -62, frozen = nref, spikes++;
				isi = last >= 0 ? n - last : isi, last = n;
			}
			ck_assert_msg(s[n] == sp, "P%d (x %g, rl %g ms): spike %d at step %ld, replay %d", k, drive[k],
				      rl[k], s[n], n, sp);
			ck_assert_msg(fabs(v.data[n] - u) <= TOL, "P%d: v %.17g at step %ld, replay %.17g", k,
				      v.data[n], n, u);
		}
		if (drive[k] == 50)      /* a spike in every step, or every rl/dt + 1 */
			ck_assert_int_eq(isi, nref + 1);
		if (drive[k] == 0.4)
			ck_assert_int_eq(spikes, 0);
		else
			ck_assert(spikes >= 2);
		snn_npy_free(&v), free(s);
	}
	e2e_cleanup(dir);
}
END_TEST

/* -------------------------------------------------------------- MSTDP */

typedef struct {
	double lr, tc_plus, tc_minus, a_plus, a_minus, wmin, wmax;
	bool soft;
} mstdp_par;

/* The page's MSTDP: p+ and p- after the step's spikes, e of the step,
 * w += lr·r·e (soft: times the factor), hard: clamp.  r[n] is the reward
 * the rule sees in step n. */
static void replay_mstdp(const mstdp_par *p, const unsigned char *spre, int npre, const unsigned char *spost,
			 int npost, long steps, const int *pre, const int *post, int nsyn, const double *r,
			 double *w)
{
	double pp[64] = { 0 }, pm[64] = { 0 }, cur[64];
	ck_assert(npre <= 64 && npost <= 64 && nsyn <= 64);
	memcpy(cur, w, sizeof(double) * nsyn);
	for (long n = 0; n < steps; n++) {
		const unsigned char *sp = spre + n * npre, *sq = spost + n * npost;
		for (int j = 0; j < npre; j++)
			pp[j] = pp[j] * exp(-DT / p->tc_plus) + p->a_plus * sp[j];
		for (int j = 0; j < npost; j++)
			pm[j] = pm[j] * exp(-DT / p->tc_minus) + p->a_minus * sq[j];
		for (int k = 0; k < nsyn; k++) {
			int a = pre[k], b = post[k];
			double e = pp[a] * sq[b] + sp[a] * pm[b], dw = p->lr * r[n] * e;
			if (p->soft)
				cur[k] += dw * (cur[k] - p->wmin) * (p->wmax - cur[k]) / (p->wmax - p->wmin);
			else
				cur[k] = fmin(fmax(cur[k] + dw, p->wmin), p->wmax);
			w[n * nsyn + k] = cur[k];
		}
	}
}

/* Three inputs and two outputs on the example's models, with a reward
 * global the test sets; no transmission (q = 0), so that the spikes do not
 * depend on the weights. */
static const char *mstdp_model =
	"import \"synapticflow_models.snn\"\n"
	"network M {\n"
	"	dt = 0.1 ms\n"
	"	global reward = 1\n"
	"	pop In = SFLIF(3) { x = 0.7 + 0.6 * i, rl = 2 ms }\n"
	"	pop Out = SFLIF(2) { x = 0.9 + 0.5 * i, rl = 1 ms }\n"
	"	connect In -> Out : MSTDP(all_to_all, lr = 0.001, q = 0, wmin = -5, wmax = 5, w = 0.5) as syn { m = reward }\n"
	"	record In.spikes\n"
	"	record Out.spikes\n"
	"	record syn.w\n"
	"	run 200 ms\n"
	"}\n";

enum { MNPRE = 3, MNPOST = 2, MNSYN = 6, MSTEPS = 2000 };

static void check_mstdp(const char *dir, const char *out, const mstdp_par *p, const double *r, const char *what,
			snn_npy_array *w)
{
	snn_npy_array pre, post;
	load(dir, out, "syn.w", w);
	load(dir, out, "syn.pre", &pre);
	load(dir, out, "syn.post", &post);
	ck_assert_int_eq(w->count, MSTEPS * MNSYN);
	unsigned char *sa = spike_matrix(dir, out, "In", MNPRE, MSTEPS), *sb = spike_matrix(dir, out, "Out", MNPOST, MSTEPS);
	ck_assert(count_spikes(sa, MSTEPS * MNPRE) > 50 && count_spikes(sb, MSTEPS * MNPOST) > 20);
	int ip[MNSYN], iq[MNSYN];
	double *rw = malloc(sizeof(double) * MSTEPS * MNSYN);
	ck_assert(rw != NULL);
	for (int k = 0; k < MNSYN; k++)
		ip[k] = (int)pre.data[k], iq[k] = (int)post.data[k], rw[k] = 0.5;
	replay_mstdp(p, sa, MNPRE, sb, MNPOST, MSTEPS, ip, iq, MNSYN, r, rw);
	long at = 0;
	double d = max_diff(w->data, rw, MSTEPS * MNSYN, &at);
	ck_assert_msg(d <= TOL, "%s: w differs by %.3g at step %ld synapse %ld: %.17g, replay %.17g", what, d,
		      at / MNSYN, at % MNSYN, w->data[at], rw[at]);
	snn_npy_free(&pre), snn_npy_free(&post);
	free(sa), free(sb), free(rw);
}

/* The sign of the reward flips the sign of every change (and scales it);
 * each run against the replay, and a reward changing in every step
 * (--input) reaches the rule in its own step. */
START_TEST(test_mstdp_sign)
{
	char dir[E2E_PATH];
	setup(dir, sizeof dir, NULL);
	e2e_build(dir, "m", mstdp_model);
	e2e_sim(dir, "m", "p", "--set reward=1");
	e2e_sim(dir, "m", "n", "--set reward=-1");
	e2e_sim(dir, "m", "h", "--set reward=0.5");
	double *r = malloc(sizeof(double) * MSTEPS);
	ck_assert(r != NULL);
	mstdp_par p = { .lr = 0.001, .tc_plus = 20 * MS, .tc_minus = 20 * MS, .a_plus = 1, .a_minus = -1,
			.wmin = -5, .wmax = 5 };
	snn_npy_array wp, wn, wh, wv;
	for (long n = 0; n < MSTEPS; n++)
		r[n] = 1;
	check_mstdp(dir, "p", &p, r, "reward 1", &wp);
	for (long n = 0; n < MSTEPS; n++)
		r[n] = -1;
	check_mstdp(dir, "n", &p, r, "reward -1", &wn);
	for (long n = 0; n < MSTEPS; n++)
		r[n] = 0.5;
	check_mstdp(dir, "h", &p, r, "reward 0.5", &wh);
	long up = 0, down = 0;
	for (long k = 0; k < MSTEPS * MNSYN; k++) {
		double dp = wp.data[k] - 0.5, dn = wn.data[k] - 0.5, dh = wh.data[k] - 0.5;
		ck_assert_msg(fabs(dp + dn) <= 1e-12 && fabs(dh - dp / 2) <= 1e-12, "sample %ld: %g, %g, %g", k, dp,
			      dn, dh);
		up += dp > 0, down += dp < 0;
	}
	/* both signs occur under one reward (LTP and LTD), so the flip is not
	 * a trivial one */
	ck_assert_msg(up > 100 && down > 100, "%ld samples up, %ld down", up, down);
	/* a reward per step from a file: value n is the reward of step n */
	const int64_t K = MSTEPS;
	for (long n = 0; n < MSTEPS; n++)
		r[n] = (n * 7919 % 13) / 6.0 - 1;
	char path[E2E_PATH];
	e2e_fmt(path, sizeof path, "%s/r.npy", dir);
	ck_assert_int_eq(snn_npy_save(path, SNN_T_F64, 1, &K, r), 0);
	e2e_sim(dir, "m", "v", "--input reward=r.npy");
	check_mstdp(dir, "v", &p, r, "reward per step", &wv);
	/* the soft bound, on [0, 1] */
	e2e_sim(dir, "m", "s", "--set syn.soft=1 --set syn.wmin=0 --set syn.wmax=1 --set syn.lr=0.003");
	p.soft = true, p.wmin = 0, p.wmax = 1, p.lr = 0.003;
	for (long n = 0; n < MSTEPS; n++)
		r[n] = 1;
	snn_npy_array ws;
	check_mstdp(dir, "s", &p, r, "soft", &ws);
	snn_npy_free(&wp), snn_npy_free(&wn), snn_npy_free(&wh), snn_npy_free(&wv), snn_npy_free(&ws);
	free(r);
	e2e_cleanup(dir);
}
END_TEST

/* The page's reward task, examples/synapticflow_mstdp_page.snn: in every
 * step but the first exactly one input spikes (the pattern); the reward
 * of the network's on tick is +100 when the output's answer matches the
 * pattern that reached it (the one of the step before), else -100; the
 * rule sees it one step later (a global written after the events); the
 * weights follow the replay, stay in [0, 10], and the output falls silent. */
START_TEST(test_mstdp_page)
{
	static const char *const files[] = { "synapticflow_mstdp_page.snn", NULL };
	enum { ST = 3000 };
	char dir[E2E_PATH];
	setup(dir, sizeof dir, files);
	build_file(dir, "synapticflow_mstdp_page");
	e2e_sim(dir, "synapticflow_mstdp_page", "out", "--duration 300ms");
	snn_npy_array rew, w;
	load(dir, "out", "reward", &rew);
	load(dir, "out", "syn.w", &w);
	ck_assert_int_eq(rew.count, ST);
	unsigned char *s1 = spike_matrix(dir, "out", "n1", 2, ST), *s2 = spike_matrix(dir, "out", "n2", 1, ST);
	long ones = 0;
	for (long n = 1; n < ST; n++) {
		ck_assert_msg(s1[2 * n] + s1[2 * n + 1] == 1, "step %ld: inputs %d %d", n, s1[2 * n], s1[2 * n + 1]);
		ones += s1[2 * n];
	}
	ck_assert(ones > ST / 3 && ones < 2 * ST / 3);
	double *r = malloc(sizeof(double) * ST), *rw = malloc(sizeof(double) * ST * 2);
	ck_assert(r && rw);
	for (long n = 0; n < ST; n++) {
		int was1 = n > 0 && s1[2 * (n - 1)];
		double want = was1 == s2[n] ? 100 : -100;
		ck_assert_msg(rew.data[n] == want, "step %ld: reward %g, want %g", n, rew.data[n], want);
		r[n] = n > 0 ? rew.data[n - 1] : 0;
	}
	mstdp_par p = { .lr = 0.0003, .tc_plus = 20 * MS, .tc_minus = 20 * MS, .a_plus = 1, .a_minus = -1,
			.wmin = 0, .wmax = 10 };
	const int pre[2] = { 0, 1 }, post[2] = { 0, 0 };
	rw[0] = rw[1] = 5;
	replay_mstdp(&p, s1, 2, s2, 1, ST, pre, post, 2, r, rw);
	/* the example records w every 10 ms: samples at steps 99, 199, ... */
	ck_assert_int_eq(w.count, 2 * ST / 100);
	for (long m = 0; m < ST / 100; m++)
		for (int k = 0; k < 2; k++) {
			double got = w.data[2 * m + k], want = rw[2 * (100 * m + 99) + k];
			ck_assert_msg(fabs(got - want) <= TOL, "sample %ld synapse %d: %.17g, replay %.17g", m, k, got,
				      want);
			ck_assert(got >= 0 && got <= 10);
		}
	long late = count_spikes(s2 + ST / 2, ST / 2), early = count_spikes(s2, ST / 2);
	ck_assert_msg(early > 5 && late == 0, "output spikes: %ld in the first half, %ld in the second", early, late);
	snn_npy_free(&rew), snn_npy_free(&w);
	free(s1), free(s2), free(r), free(rw);
	e2e_cleanup(dir);
}
END_TEST

/* The version that learns, examples/synapticflow_mstdp.snn: both weights
 * start at 0.9; after 20 s input 0's is near w_max and input 1's near 0,
 * and the output still fires (for input 0). */
START_TEST(test_mstdp_learns)
{
	static const char *const files[] = { "synapticflow_mstdp.snn", NULL };
	char dir[E2E_PATH];
	setup(dir, sizeof dir, files);
	build_file(dir, "synapticflow_mstdp");
	e2e_sim(dir, "synapticflow_mstdp", "out", NULL);
	snn_npy_array w0, w1, t;
	load(dir, "out", "syn0.w", &w0);
	load(dir, "out", "syn1.w", &w1);
	load(dir, "out", "Out.spikes.t", &t);
	ck_assert_int_eq(w0.count, 200);
	ck_assert(fabs(w0.data[0] - 0.9) < 0.05 && fabs(w1.data[0] - 0.9) < 0.05);
	ck_assert_msg(w0.data[199] > 0.95 && w1.data[199] < 0.05, "after 20 s: w0 %g, w1 %g", w0.data[199],
		      w1.data[199]);
	long late = 0;
	for (int64_t k = 0; k < t.count; k++)
		late += t.data[k] > 18;
	ck_assert_msg(late > 40, "%ld output spikes in the last 2 s", late);
	snn_npy_free(&w0), snn_npy_free(&w1), snn_npy_free(&t);
	e2e_cleanup(dir);
}
END_TEST

Suite *suite_synapticflow(void)
{
	Suite *s = suite_create("synapticflow");
	TCase *tc = tcase_create("synapticflow");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_lif);
	tcase_add_test(tc, test_figure_a);
	tcase_add_test(tc, test_noop);
	tcase_add_test(tc, test_mstdp_sign);
	tcase_add_test(tc, test_mstdp_page);
	tcase_add_test(tc, test_mstdp_learns);
	suite_add_tcase(s, tc);
	TCase *st = tcase_create("stdp");
	tcase_set_timeout(st, 120);
	tcase_add_unchecked_fixture(st, stdp_build, stdp_clean);
	tcase_add_test(st, test_stdp_bounds);
	tcase_add_test(st, test_stdp_decay);
	tcase_add_test(st, test_traces);
	suite_add_tcase(s, st);
	return s;
}
