/*
 * test_ngclearn.c — ngclearn's spike-based synapses as .snn examples
 * (examples/ngclearn_*.snn, issue 7), end to end.
 *
 * Two kinds of test.  A replay builds the example itself, runs it, and
 * recomputes in C, step by step, the weight trajectory the library's rule
 * gives from the recorded spikes (../shared/seeds/semantics-ngclearn.md,
 * §3-§5): every sample must agree to 1e-9.  A targeted test imports the
 * example's models (the text before its network) into a small network of
 * its own whose spikes are fixed, and checks one property (a window, a
 * fixed point, a power law, a bound, a decay) against a closed form.
 *
 * The examples step in dt = 1 ms; samples are stamped (n+1)·dt, so the
 * sample of step n is row n.  A post neuron whose spikes must be fixed is
 * a Forced neuron: it spikes one step after its teacher generator, whose
 * spike adds 1 to its input `drive` (read in the next step).
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "e2e_util.h"

#define DT 1e-3
#define TOL 1e-9

/* ------------------------------------------------------------ helpers */

/* Absolute path of examples/NAME. */
static void example_path(char *buf, size_t n, const char *name)
{
	const char *root = getenv("SNNC_ROOT");
	e2e_fmt(buf, n, "%s/examples/%s", root && *root ? root : ".", name);
}

/* Build examples/NAME into dir/BIN. */
static void build_example(const char *dir, const char *name, const char *bin)
{
	char path[E2E_PATH];
	example_path(path, sizeof path, name);
	int st = e2e_run(dir, "'%s' build '%s' -o %s", e2e_snnc(), path, bin);
	ck_assert_msg(st == 0, "snnc build %s: exit status %d", path, st);
}

/* Write the models of examples/NAME (its text before the network) as
 * dir/lib.snn, for a test network to import. */
static void models_of(const char *dir, const char *name)
{
	static char text[1 << 16];
	char path[E2E_PATH];
	example_path(path, sizeof path, "");
	size_t k = e2e_read(path, name, text, sizeof text);
	ck_assert_msg(k > 0 && k < sizeof text - 1, "cannot read examples/%s", name);
	char *net = strstr(text, "\nnetwork ");
	ck_assert_msg(net != NULL, "examples/%s has no network", name);
	net[1] = '\0';
	e2e_write(dir, "lib.snn", text);
}

/* The neuron a targeted test drives: it spikes one step after each spike
 * of its teacher, and has the input `j` the ngclearn synapses write. */
#define FORCED \
	"neuron Forced {\n" \
	"	state v = 0\n" \
	"	input j, drive\n" \
	"	spike when drive > 0.5\n" \
	"}\n" \
	"synapse Teach {\n" \
	"	on pre { post.drive += 1 }\n" \
	"}\n"

/* 0/1 spikes of a population, [steps][n]. */
typedef struct {
	int steps, n;
	unsigned char *s;
} Raster;

static Raster raster(const char *dir, const char *out, const char *pop, int n, int steps)
{
	char name[128];
	snn_npy_array t, i;
	e2e_fmt(name, sizeof name, "%s.spikes.t.npy", pop);
	e2e_load(dir, out, name, &t);
	e2e_fmt(name, sizeof name, "%s.spikes.i.npy", pop);
	e2e_load(dir, out, name, &i);
	Raster r = { steps, n, calloc((size_t)steps * n, 1) };
	ck_assert_ptr_nonnull(r.s);
	for (int64_t k = 0; k < t.count; k++) {
		long step = (long)floor(t.data[k] / DT + 0.5) - 1;
		ck_assert(step >= 0 && step < steps && i.data[k] >= 0 && i.data[k] < n);
		r.s[step * n + (int)i.data[k]] = 1;
	}
	snn_npy_free(&t), snn_npy_free(&i);
	return r;
}

static int spiked(const Raster *r, int step, int k)
{
	return r->s[(size_t)step * r->n + k];
}

/* A recorded connection: its weight samples [steps][nsyn] and each
 * synapse's pre and post index. */
typedef struct {
	snn_npy_array w, pre, post;
	int nsyn, steps;
} Conn;

static Conn load_conn(const char *dir, const char *out, const char *name)
{
	char f[128];
	Conn c;
	e2e_fmt(f, sizeof f, "%s.w.npy", name);
	e2e_load(dir, out, f, &c.w);
	e2e_fmt(f, sizeof f, "%s.pre.npy", name);
	e2e_load(dir, out, f, &c.pre);
	e2e_fmt(f, sizeof f, "%s.post.npy", name);
	e2e_load(dir, out, f, &c.post);
	c.nsyn = (int)c.pre.count;
	c.steps = c.nsyn ? (int)(c.w.count / c.nsyn) : 0;
	return c;
}

static void free_conn(Conn *c)
{
	snn_npy_free(&c->w), snn_npy_free(&c->pre), snn_npy_free(&c->post);
}

static double wat(const Conn *c, int step, int s)
{
	return c->w.data[(size_t)step * c->nsyn + s];
}

static double clipd(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

/* ------------------------------------------------------ EventSTDPSynapse */

/* eventSTDPSynapse.py:98-111, :116-118, with the window counted in steps
 * (win_steps = presyn_win_len/dt, at least 1: 0 means the same step). */
typedef struct {
	double eta, lmbda, Ap, Am, w_bound, w_min, resist;
	int win_steps;
} EventP;

/* Replays connection c from its first sample (the output cannot spike in
 * step 0, so that sample is the initial weights) and checks every sample;
 * adds to j[n + 1][post] what step n's pre spikes transmit. */
static void replay_event(const Conn *c, const Raster *pre, const Raster *post, EventP p,
			 double *j)
{
	double *w = malloc(sizeof *w * c->nsyn);
	int *last = malloc(sizeof *last * pre->n);
	ck_assert(w && last);
	for (int k = 0; k < pre->n; k++)
		last[k] = -1;
	for (int s = 0; s < c->nsyn; s++)
		w[s] = wat(c, 0, s);
	for (int n = 0; n < c->steps; n++) {
		for (int k = 0; k < pre->n; k++)
			if (spiked(pre, n, k))
				last[k] = n;
		for (int s = 0; s < c->nsyn; s++) {
			int i = (int)c->pre.data[s], o = (int)c->post.data[s];
			/* on pre reads the weight before this step's update */
			if (spiked(pre, n, i) && n + 1 < c->steps)
				j[(n + 1) * post->n + o] += p.resist * w[s];
			if (!spiked(post, n, o))
				continue;
			bool ltp = last[i] >= 0 && n - last[i] < p.win_steps;
			double dw = ltp ? p.Ap * (p.w_bound - (1 + p.lmbda) * w[s])
					: -p.Am * (1 + p.lmbda) * w[s];
			w[s] = clipd(w[s] + p.eta * dw, p.w_min, p.w_bound);
		}
		for (int s = 0; s < c->nsyn; s++)
			ck_assert_msg(fabs(wat(c, n, s) - w[s]) <= TOL,
				      "step %d synapse %d: w = %.17g, replay %.17g", n, s, wat(c, n, s), w[s]);
	}
	free(w), free(last);
}

/* The example as it is (2 s of it): both connections and the input they
 * transmit, replayed from the recorded spikes. */
START_TEST(test_event_replay)
{
	const int steps = 2000;
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	build_example(dir, "ngclearn_event_stdp.snn", "ev");
	e2e_sim(dir, "ev", "out", "--duration 2s");
	Raster fast = raster(dir, "out", "Fast", 5, steps), slow = raster(dir, "out", "Slow", 5, steps);
	Raster out = raster(dir, "out", "Out", 1, steps);
	ck_assert(!spiked(&out, 0, 0));
	int nout = 0;
	for (int n = 0; n < steps; n++)
		nout += spiked(&out, n, 0);
	ck_assert_msg(nout > 20, "the output spiked %d times: nothing to learn from", nout);
	const EventP p = { 0.01, 0.01, 1, 1, 1, 0.01, 4, 5 };
	double *j = calloc(steps, sizeof *j);
	ck_assert_ptr_nonnull(j);
	const char *names[2] = { "fast", "slow" };
	const Raster *pres[2] = { &fast, &slow };
	for (int c = 0; c < 2; c++) {
		Conn k = load_conn(dir, "out", names[c]);
		ck_assert_int_eq(k.nsyn, 5);
		ck_assert_int_eq(k.steps, steps);
		/* weight_init: the library's default, uniform(0.025, 0.8) */
		for (int s = 0; s < k.nsyn; s++)
			ck_assert(wat(&k, 0, s) >= 0.025 && wat(&k, 0, s) < 0.8);
		replay_event(&k, pres[c], &out, p, j);
		free_conn(&k);
	}
	/* resist_scale: what the output reads is 4 * the weights of the inputs
	 * that spiked in the step before */
	snn_npy_array oj;
	e2e_load(dir, "out", "Out.j.npy", &oj);
	ck_assert_int_eq(oj.count, steps);
	for (int n = 0; n < steps; n++)
		ck_assert_msg(fabs(oj.data[n] - j[n]) <= TOL, "step %d: Out.j = %.17g, replay %.17g", n,
			      oj.data[n], j[n]);
	snn_npy_free(&oj);
	free(j), free(fast.s), free(slow.s), free(out.s);
	e2e_cleanup(dir);
}
END_TEST

/* One post spike at 20 ms; pre k spikes k steps before it (k = 0 .. 4),
 * pre 5 never.  Then (from 41 ms) 100 post spikes, each with pre 0 in the
 * same step.  %s: the pre spike times, %s: their indices, %s: teacher
 * times. */
static const char *event_window_net =
	"import \"lib.snn\"\n" FORCED
	"network Window {\n"
	"	dt = 1 ms\n"
	"	pop Pre = spikes(6, times = [%s], index = [%s])\n"
	"	pop T = spikes(1, times = [%s])\n"
	"	pop Out = Forced(1)\n"
	"	connect T -> Out : Teach(one_to_one)\n"
	"	connect Pre -> Out : EventSTDPSynapse(w = 0.5, eta = 0.5, lmbda = 0.25,\n"
	"		presyn_win_len = 3 ms) as syn\n"
	"	record syn.w\n"
	"	record Out.spikes\n"
	"	run 300 ms\n"
	"}\n";

static void cat(char *buf, size_t n, const char *fmt, double a)
{
	size_t k = strlen(buf);
	if (k)
		snprintf(buf + k, n - k, ", ");
	k = strlen(buf);
	snprintf(buf + k, n - k, fmt, a);
}

/* The window (t - presyn_win_len, t] in steps, the same step included;
 * LTP towards w_bound/(1+lmbda), LTD to the lower clip 0.01. */
START_TEST(test_event_window_lmbda)
{
	char times[4096] = "", index[4096] = "", teach[4096] = "", model[16384], dir[E2E_PATH];
	for (int k = 0; k < 5; k++) {
		cat(times, sizeof times, "%g ms", 20 - k);
		cat(index, sizeof index, "%g", k);
	}
	cat(teach, sizeof teach, "%g ms", 19);
	for (int m = 0; m < 100; m++) {                  /* post at 41, 43, ... 239 ms */
		cat(times, sizeof times, "%g ms", 41 + 2 * m);
		cat(index, sizeof index, "%g", 0);
		cat(teach, sizeof teach, "%g ms", 40 + 2 * m);
	}
	snprintf(model, sizeof model, event_window_net, times, index, teach);
	e2e_tmpdir(dir, sizeof dir);
	models_of(dir, "ngclearn_event_stdp.snn");
	e2e_build(dir, "win", model);
	/* run 1: another lmbda; run 2: presyn_win_len = 0, the same step only */
	const char *sets[3] = { NULL, "--set syn.lmbda=0.6", "--set syn.presyn_win_len=0ms" };
	const char *outs[3] = { "o0", "o1", "o2" };
	for (int run = 0; run < 3; run++) {
		double lmbda = run == 1 ? 0.6 : 0.25;
		int win = run == 2 ? 1 : 3;
		e2e_sim(dir, "win", outs[run], sets[run]);
		Conn c = load_conn(dir, outs[run], "syn");
		ck_assert_int_eq(c.nsyn, 6);
		/* the post spike at 20 ms is step 19 */
		for (int k = 0; k < 6; k++) {
			double before = wat(&c, 18, k), after = wat(&c, 19, k);
			double want = k < win ? 0.5 + 0.5 * (1 - (1 + lmbda) * 0.5)   /* in the window: LTP */
					      : 0.5 - 0.5 * (1 + lmbda) * 0.5;        /* later, never: LTD */
			ck_assert(before == 0.5);
			ck_assert_msg(fabs(after - want) <= 1e-15, "run %d, pre %d: w = %.17g, want %.17g",
				      run, k, after, want);
		}
		/* a pre that fires with every post spike: w_bound / (1 + lmbda);
		 * the others only lose: the lower clip 0.01 exactly */
		double end0 = wat(&c, c.steps - 1, 0);
		ck_assert_msg(fabs(end0 - 1 / (1 + lmbda)) <= 1e-12, "lmbda %g: w0 = %.17g", lmbda, end0);
		for (int k = 1; k < 6; k++)
			ck_assert_msg(wat(&c, c.steps - 1, k) == 0.01, "pre %d: %.17g", k,
				      wat(&c, c.steps - 1, k));
		free_conn(&c);
	}
	e2e_cleanup(dir);
}
END_TEST

/* ------------------------------------- TraceSTDPSynapse, ExpSTDPSynapse */

/* Both rules, as the library computes them per call (traceSTDPSynapse.py
 * :117-130, :140-148; expSTDPSynapse.py:126-133, :141-151), with the page's
 * tau_w decay in both, and ngclearn's VarTrace (additive, exponential).
 * exp_beta < 0 selects the trace rule. */
typedef struct {
	double Ap, Am, eta, mu, x_tar, w_bound, tau_w, resist, tau_tr;
	double exp_beta, w_eps;
} TraceP;

static double trace_rule(const TraceP *p, double w, double xp, double sp, double xq, double sq)
{
	double am = p->Am > 0 ? p->Am : 0;
	if (p->exp_beta < 0) {
		double ps = p->mu > 0 ? pow(p->w_bound - w, p->mu) : 1;
		double ds = p->mu > 0 ? pow(w, p->mu) : 1;
		double dw = p->Ap * ps * (xp - p->x_tar) * sq - am * ds * sp * xq;
		return clipd(w + p->eta * dw - (p->tau_w > 0 ? w / p->tau_w : 0), 0, p->w_bound);
	}
	double b = p->exp_beta;
	double dw = p->Ap * (exp(-b * w) * xp - exp(-b * (p->w_bound - w)) * p->x_tar) * sq
		    - am * exp(-b * w) * sp * xq;
	return clipd(w + p->eta * dw - (p->tau_w > 0 ? w / p->tau_w : 0), p->w_eps,
		     p->w_bound - p->w_eps);
}

/* Replays connection c: its on tick in step n applies the spikes of step
 * n - 1 (phase 2 comes before the thresholds), so sample n is the
 * library's weight after n calls, the first (step 0, no spike yet) a decay
 * only.  Starts from sample 0; the traces, replayed from the spikes, must
 * match the recorded ones (xpre/xpost may be NULL).  Adds to j[n + 1][post]
 * what step n's pre spikes transmit with the weight of sample n. */
static void replay_trace(const Conn *c, const Raster *pre, const Raster *post, TraceP p,
			 const snn_npy_array *xpre, const snn_npy_array *xpost, double *j)
{
	double *w = malloc(sizeof *w * c->nsyn);
	double *xp = calloc(pre->n, sizeof *xp), *xq = calloc(post->n, sizeof *xq);
	ck_assert(w && xp && xq);
	const double d = exp(-DT / p.tau_tr);
	for (int s = 0; s < c->nsyn; s++)
		w[s] = wat(c, 0, s);
	for (int n = 0; n < c->steps; n++) {
		if (n > 0) {
			for (int k = 0; k < pre->n; k++)
				xp[k] = xp[k] * d + spiked(pre, n - 1, k);
			for (int k = 0; k < post->n; k++)
				xq[k] = xq[k] * d + spiked(post, n - 1, k);
			for (int s = 0; s < c->nsyn; s++) {
				int i = (int)c->pre.data[s], o = (int)c->post.data[s];
				w[s] = trace_rule(&p, w[s], xp[i], spiked(pre, n - 1, i), xq[o],
						  spiked(post, n - 1, o));
			}
		}
		for (int s = 0; s < c->nsyn; s++) {
			ck_assert_msg(fabs(wat(c, n, s) - w[s]) <= TOL,
				      "step %d synapse %d: w = %.17g, replay %.17g", n, s, wat(c, n, s), w[s]);
			int i = (int)c->pre.data[s], o = (int)c->post.data[s];
			if (j && spiked(pre, n, i) && n + 1 < c->steps)
				j[(n + 1) * post->n + o] += p.resist * w[s];
		}
		for (int k = 0; xpre && k < pre->n; k++)
			ck_assert_msg(fabs(xpre->data[(size_t)n * pre->n + k] - xp[k]) <= TOL,
				      "step %d: x_pre[%d] = %.17g, replay %.17g", n, k,
				      xpre->data[(size_t)n * pre->n + k], xp[k]);
		for (int k = 0; xpost && k < post->n; k++)
			ck_assert_msg(fabs(xpost->data[(size_t)n * post->n + k] - xq[k]) <= TOL,
				      "step %d: x_post[%d] = %.17g, replay %.17g", n, k,
				      xpost->data[(size_t)n * post->n + k], xq[k]);
	}
	free(w), free(xp), free(xq);
}

/* An example with connections fast (Fast -> Out) and slow (Slow -> Out),
 * 8 inputs each, 2 outputs, traces of fast recorded, replayed whole.
 * Returns the number of synapses of fast. */
static int replay_example(const char *example, TraceP p)
{
	const int steps = 2000;
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	build_example(dir, example, "ex");
	e2e_sim(dir, "ex", "out", "--duration 2s");
	Raster fast = raster(dir, "out", "Fast", 8, steps), slow = raster(dir, "out", "Slow", 8, steps);
	Raster out = raster(dir, "out", "Out", 2, steps);
	int nout = 0;
	for (int n = 0; n < steps; n++)
		nout += spiked(&out, n, 0) + spiked(&out, n, 1);
	ck_assert_msg(nout > 40, "the outputs spiked %d times: nothing to learn from", nout);
	double *j = calloc((size_t)steps * 2, sizeof *j);
	ck_assert_ptr_nonnull(j);
	snn_npy_array xpre, xpost, oj;
	e2e_load(dir, "out", "fast.x_pre.npy", &xpre);
	e2e_load(dir, "out", "fast.x_post.npy", &xpost);
	ck_assert_int_eq(xpre.count, steps * 8);
	ck_assert_int_eq(xpost.count, steps * 2);
	Conn f = load_conn(dir, "out", "fast"), sl = load_conn(dir, "out", "slow");
	ck_assert_int_eq(f.steps, steps);
	ck_assert_int_eq(sl.nsyn, 16);
	replay_trace(&f, &fast, &out, p, &xpre, &xpost, j);
	replay_trace(&sl, &slow, &out, p, NULL, NULL, j);
	e2e_load(dir, "out", "Out.j.npy", &oj);
	ck_assert_int_eq(oj.count, steps * 2);
	for (int n = 0; n < 2 * steps; n++)
		ck_assert_msg(fabs(oj.data[n] - j[n]) <= TOL, "step %d post %d: Out.j = %.17g, replay %.17g",
			      n / 2, n % 2, oj.data[n], j[n]);
	int nsyn = f.nsyn;
	/* the weights moved apart: the rule acted */
	double fmean = 0, smean = 0;
	for (int s = 0; s < f.nsyn; s++)
		fmean += wat(&f, steps - 1, s) / f.nsyn;
	for (int s = 0; s < sl.nsyn; s++)
		smean += wat(&sl, steps - 1, s) / sl.nsyn;
	ck_assert_msg(fmean > smean + 0.2, "fast %g, slow %g", fmean, smean);
	free_conn(&f), free_conn(&sl);
	snn_npy_free(&xpre), snn_npy_free(&xpost), snn_npy_free(&oj);
	free(j), free(fast.s), free(slow.s), free(out.s);
	e2e_cleanup(dir);
	return nsyn;
}

/* The example as it is: mu = 1, pretrace_target = 0.2, tau_w = 10000,
 * resist_scale = 4; fast has the mask of ngclearn_trace_stdp_mask.npy
 * (8x2, zero where (pre + post) % 4 == 0: 4 pairs cut). */
START_TEST(test_trace_replay)
{
	TraceP p = { 0.05, 0.03, 1, 1, 0.2, 1, 10000, 4, 20e-3, -1, 0 };
	ck_assert_int_eq(replay_example("ngclearn_trace_stdp.snn", p), 12);
}
END_TEST

START_TEST(test_exp_replay)
{
	TraceP p = { 0.02, 0.01, 1, 0, 0.2, 1, 0, 3, 20e-3, 2, 0.01 };
	ck_assert_int_eq(replay_example("ngclearn_exp_stdp.snn", p), 16);
}
END_TEST

/* Two pre neurons spike at 10 and 20 ms (steps 9, 19), the output at
 * 15 ms (step 14): LTP at sample 15 with x_pre = d^5, LTD at sample 20
 * with x_post = d^5, d = e^{-dt/tau_tr}; w starts at 0.2 and 0.6.
 * %s: the synapse. */
static const char *pair_net =
	"import \"lib.snn\"\n" FORCED
	"network Pair {\n"
	"	dt = 1 ms\n"
	"	pop Pre = spikes(2, times = [10 ms, 20 ms])\n"
	"	pop Teacher = spikes(1, times = [14 ms])\n"
	"	pop Out = Forced(1)\n"
	"	connect Teacher -> Out : Teach(one_to_one)\n"
	"	connect Pre -> Out : %s(w = 0.2 + 0.4 * pre.i, A_plus = 0.1, A_minus = 0.1,\n"
	"		pretrace_target = 0.1) as syn\n"
	"	record syn.w\n"
	"	run 30 ms\n"
	"}\n";

static Conn run_pair(const char *dir, const char *out, const char *sets)
{
	e2e_sim(dir, "pair", out, sets);
	Conn c = load_conn(dir, out, "syn");
	ck_assert_int_eq(c.nsyn, 2);
	ck_assert_int_eq(c.steps, 30);
	return c;
}

static void build_pair(const char *dir, const char *example, const char *synapse)
{
	char model[4096];
	snprintf(model, sizeof model, pair_net, synapse);
	models_of(dir, example);
	e2e_build(dir, "pair", model);
}

/* mu's power law: the LTP factor (w_bound - w)^mu, the LTD factor w^mu
 * (and no power at all for mu = 0, the library's other branch); then the
 * traces in VarTrace's snapping form. */
START_TEST(test_trace_mu)
{
	const double mus[] = { 0, 1, 2.5 }, d5 = exp(-5 * DT / 20e-3);
	char dir[E2E_PATH], sets[128], out[16];
	e2e_tmpdir(dir, sizeof dir);
	build_pair(dir, "ngclearn_trace_stdp.snn", "TraceSTDPSynapse");
	for (int m = 0; m < 3; m++) {
		snprintf(sets, sizeof sets, "--set syn.mu=%g", mus[m]);
		snprintf(out, sizeof out, "o%d", m);
		Conn c = run_pair(dir, out, sets);
		for (int s = 0; s < 2; s++) {
			double w0 = 0.2 + 0.4 * s;
			double w1 = w0 + 0.1 * pow(1 - w0, mus[m]) * (d5 - 0.1);
			double w2 = w1 - 0.1 * pow(w1, mus[m]) * d5;
			ck_assert(wat(&c, 14, s) == w0);
			ck_assert_msg(fabs(wat(&c, 15, s) - w1) <= 1e-15, "mu %g, w0 %g: LTP gives %.17g, want %.17g",
				      mus[m], w0, wat(&c, 15, s), w1);
			ck_assert(wat(&c, 19, s) == wat(&c, 15, s));
			ck_assert_msg(fabs(wat(&c, 20, s) - w2) <= 1e-15, "mu %g, w0 %g: LTD gives %.17g, want %.17g",
				      mus[m], w0, wat(&c, 20, s), w2);
		}
		free_conn(&c);
	}
	/* VarTrace's other form: a_delta <= 0 snaps a trace to P_scale */
	Conn c = run_pair(dir, "snap", "--set syn.a_delta=0 --set syn.P_scale=0.5");
	for (int s = 0; s < 2; s++) {
		double w0 = 0.2 + 0.4 * s, w1 = w0 + 0.1 * (0.5 * d5 - 0.1), w2 = w1 - 0.1 * 0.5 * d5;
		ck_assert_msg(fabs(wat(&c, 15, s) - w1) <= 1e-15 && fabs(wat(&c, 20, s) - w2) <= 1e-15,
			      "snap, w0 %g: %.17g %.17g, want %.17g %.17g", w0, wat(&c, 15, s), wat(&c, 20, s),
			      w1, w2);
	}
	free_conn(&c);
	e2e_cleanup(dir);
}
END_TEST

/* w_bound clips (the library's clip(W, 0, w_bound)); tau_w decays by
 * w/tau_w per step, spikes or none, from the first step on. */
START_TEST(test_trace_bound_decay)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	build_pair(dir, "ngclearn_trace_stdp.snn", "TraceSTDPSynapse");
	Conn c = run_pair(dir, "b", "--set syn.A_plus=5 --set syn.A_minus=0 --set syn.w_bound=0.7");
	for (int n = 0; n < c.steps; n++)
		for (int s = 0; s < 2; s++)
			ck_assert(wat(&c, n, s) <= 0.7);
	ck_assert(wat(&c, 14, 0) == 0.2 && wat(&c, 15, 0) == 0.7 && wat(&c, 15, 1) == 0.7);
	free_conn(&c);
	c = run_pair(dir, "d", "--set syn.A_plus=0 --set syn.A_minus=0 --set syn.tau_w=50");
	for (int n = 0; n < c.steps; n++)
		for (int s = 0; s < 2; s++) {
			double want = (0.2 + 0.4 * s) * pow(1 - 1.0 / 50, n + 1);
			ck_assert_msg(fabs(wat(&c, n, s) - want) <= 1e-12 * want, "step %d: %.17g, want %.17g", n,
				      wat(&c, n, s), want);
		}
	free_conn(&c);
	e2e_cleanup(dir);
}
END_TEST

/* exp_beta: LTP A_plus (e^{-beta w} x_pre - e^{-beta (w_bound - w)} x_tar),
 * LTD A_minus e^{-beta w} x_post; the clip [0.01, w_bound - 0.01]; the
 * page's tau_w, which the .snn applies. */
START_TEST(test_exp_beta)
{
	const double betas[] = { 0, 2, 5 }, d5 = exp(-5 * DT / 20e-3);
	char dir[E2E_PATH], sets[128], out[16];
	e2e_tmpdir(dir, sizeof dir);
	build_pair(dir, "ngclearn_exp_stdp.snn", "ExpSTDPSynapse");
	for (int m = 0; m < 3; m++) {
		double b = betas[m];
		snprintf(sets, sizeof sets, "--set syn.exp_beta=%g", b);
		snprintf(out, sizeof out, "o%d", m);
		Conn c = run_pair(dir, out, sets);
		for (int s = 0; s < 2; s++) {
			double w0 = 0.2 + 0.4 * s;
			double w1 = w0 + 0.1 * (exp(-b * w0) * d5 - exp(-b * (1 - w0)) * 0.1);
			double w2 = w1 - 0.1 * exp(-b * w1) * d5;
			ck_assert(wat(&c, 14, s) == w0);
			ck_assert_msg(fabs(wat(&c, 15, s) - w1) <= 1e-15, "beta %g, w0 %g: LTP gives %.17g, want %.17g",
				      b, w0, wat(&c, 15, s), w1);
			ck_assert_msg(fabs(wat(&c, 20, s) - w2) <= 1e-15, "beta %g, w0 %g: LTD gives %.17g, want %.17g",
				      b, w0, wat(&c, 20, s), w2);
		}
		free_conn(&c);
	}
	Conn c = run_pair(dir, "hi", "--set syn.A_plus=5");
	ck_assert(wat(&c, 15, 0) == 0.99 && wat(&c, 15, 1) == 0.99);
	free_conn(&c);
	c = run_pair(dir, "lo", "--set syn.A_plus=0 --set syn.A_minus=5");
	ck_assert(wat(&c, 20, 0) == 0.01 && wat(&c, 20, 1) == 0.01);
	free_conn(&c);
	c = run_pair(dir, "d", "--set syn.A_plus=0 --set syn.A_minus=0 --set syn.tau_w=50");
	for (int n = 0; n < c.steps; n++) {
		double want = 0.2 * pow(1 - 1.0 / 50, n + 1);
		ck_assert_msg(fabs(wat(&c, n, 0) - want) <= 1e-12 * want, "step %d: %.17g", n, wat(&c, n, 0));
	}
	free_conn(&c);
	e2e_cleanup(dir);
}
END_TEST

/* weight_mask, p_conn, resist_scale as connection arguments: a masked
 * pair has no synapse (weight 0, nothing transmitted), p is the
 * probability that a synapse exists, resist_scale scales what a spike
 * adds to the post neuron's input. */
static const char *mask_net =
	"import \"lib.snn\"\n" FORCED
	"network Mask {\n"
	"	dt = 1 ms\n"
	"	pop Pre = spikes(5, times = [3 ms])\n"
	"	pop Out = Forced(3)\n"
	"	pop Big = spikes(40, times = [3 ms])\n"
	"	pop Out2 = Forced(40)\n"
	"	connect Pre -> Out : TraceSTDPSynapse(mask = \"m.npy\", A_plus = 1, A_minus = 1,\n"
	"		w = 0.1 * (pre.i + 1) + 0.01 * post.i, resist_scale = 2.5) as syn\n"
	"	connect Big -> Out2 : TraceSTDPSynapse(p = 0.5) as sparse\n"
	"	record syn.w\n"
	"	record sparse.w every 10 ms\n"
	"	record Out.j\n"
	"	run 10 ms\n"
	"}\n";

START_TEST(test_mask_p_resist)
{
	const double mk[15] = { 1, 0, 1,
				0, 1, 1,
				1, 1, 0,
				0, 0, 1,
				1, 0, 0 };
	char dir[E2E_PATH], path[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	int64_t shape[2] = { 5, 3 };
	e2e_fmt(path, sizeof path, "%s/m.npy", dir);
	ck_assert_int_eq(snn_npy_save(path, SNN_T_F64, 2, shape, mk), 0);
	models_of(dir, "ngclearn_trace_stdp.snn");
	e2e_build(dir, "mask", mask_net);
	for (int run = 0; run < 2; run++) {
		double resist = run ? 0.5 : 2.5;
		e2e_sim(dir, "mask", run ? "o1" : "o0", run ? "--set syn.resist_scale=0.5" : NULL);
		Conn c = load_conn(dir, run ? "o1" : "o0", "syn");
		/* a synapse exactly where the mask is nonzero, in row order */
		int k = 0;
		for (int i = 0; i < 5; i++)
			for (int o = 0; o < 3; o++)
				if (mk[3 * i + o] != 0) {
					ck_assert_int_eq((int)c.pre.data[k], i);
					ck_assert_int_eq((int)c.post.data[k], o);
					k++;
				}
		ck_assert_int_eq(c.nsyn, k);
		/* every pre spikes at 3 ms (step 2): step 3 reads resist * the
		 * column sums of the unmasked weights */
		snn_npy_array j;
		e2e_load(dir, run ? "o1" : "o0", "Out.j.npy", &j);
		for (int o = 0; o < 3; o++) {
			double want = 0;
			for (int i = 0; i < 5; i++)
				want += mk[3 * i + o] * (0.1 * (i + 1) + 0.01 * o);
			want *= resist;
			ck_assert_msg(fabs(j.data[3 * 3 + o] - want) <= 1e-12, "post %d: j = %.17g, want %.17g", o,
				      j.data[3 * 3 + o], want);
			ck_assert(j.data[2 * 3 + o] == 0 && j.data[4 * 3 + o] == 0);
		}
		snn_npy_free(&j);
		free_conn(&c);
	}
	Conn sp = load_conn(dir, "o0", "sparse");
	ck_assert_msg(sp.nsyn > 640 && sp.nsyn < 960, "p = 0.5 of 1600 pairs gave %d synapses", sp.nsyn);
	free_conn(&sp);
	e2e_cleanup(dir);
}
END_TEST

Suite *suite_ngclearn(void)
{
	Suite *s = suite_create("ngclearn");
	TCase *tc = tcase_create("ngclearn");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_event_replay);
	tcase_add_test(tc, test_event_window_lmbda);
	tcase_add_test(tc, test_trace_replay);
	tcase_add_test(tc, test_exp_replay);
	tcase_add_test(tc, test_trace_mu);
	tcase_add_test(tc, test_trace_bound_decay);
	tcase_add_test(tc, test_exp_beta);
	tcase_add_test(tc, test_mask_p_resist);
	suite_add_tcase(s, tc);
	return s;
}
