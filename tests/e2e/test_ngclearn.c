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
	for (int run = 0; run < 2; run++) {
		double lmbda = run ? 0.6 : 0.25;
		e2e_sim(dir, "win", run ? "o1" : "o0", run ? "--set syn.lmbda=0.6" : NULL);
		Conn c = load_conn(dir, run ? "o1" : "o0", "syn");
		ck_assert_int_eq(c.nsyn, 6);
		/* the post spike at 20 ms is step 19 */
		for (int k = 0; k < 6; k++) {
			double before = wat(&c, 18, k), after = wat(&c, 19, k);
			double want = k < 3 ? 0.5 + 0.5 * (1 - (1 + lmbda) * 0.5)   /* lag 0, 1, 2: LTP */
					    : 0.5 - 0.5 * (1 + lmbda) * 0.5;        /* lag 3, 4, never: LTD */
			ck_assert(before == 0.5);
			ck_assert_msg(fabs(after - want) <= 1e-15, "lmbda %g, pre %d: w = %.17g, want %.17g",
				      lmbda, k, after, want);
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

Suite *suite_ngclearn(void)
{
	Suite *s = suite_create("ngclearn");
	TCase *tc = tcase_create("ngclearn");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_event_replay);
	tcase_add_test(tc, test_event_window_lmbda);
	suite_add_tcase(s, tc);
	return s;
}
