/*
 * test_spikelearn.c — the spikelearn examples (examples/spikelearn_*.snn),
 * end to end: each example's models, under a network of the test's own
 * that fixes the spike trains, against the rule replayed here in a few
 * lines of C on the recorded spikes (semantics notes §2 of the seeds).
 *
 * spikelearn works in steps; the examples use dt = 1 ms for one step, so
 * the sample stamped (n+1) ms is step n.  Post neurons whose spikes must be
 * chosen are puppets: a generator kicks them in step n-1, they spike in
 * step n.
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "e2e_util.h"

enum { MODEL = 1 << 17 };

/* The models of examples/NAME, without its network, into buf. */
static void sl_models(const char *name, char *buf, size_t n)
{
	char dir[E2E_PATH];
	const char *root = getenv("SNNC_ROOT");
	e2e_fmt(dir, sizeof dir, "%s/examples", root && *root ? root : ".");
	ck_assert_msg(e2e_read(dir, name, buf, n) > 0, "cannot read %s/%s", dir, name);
	char *net = strstr(buf, "\nnetwork ");
	ck_assert_msg(net != NULL, "%s has no network", name);
	net[1] = '\0';
}

/* Appends printf output to buf (of size MODEL). */
static void cat(char *buf, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(buf + n, MODEL - n, fmt, ap);
	va_end(ap);
	ck_assert_msg(k >= 0 && (size_t)k < MODEL - n, "model text too long");
}

/* A deterministic 0/1 draw with probability p for (seed, k, i). */
static int bit(unsigned seed, int k, int i, double p)
{
	unsigned long long x = seed * 0x9E3779B97F4A7C15ull ^ (unsigned long long)k * 0xBF58476D1CE4E5B9ull ^
			       (unsigned long long)i * 0x94D049BB133111EBull;
	x ^= x >> 31, x *= 0xD6E8FEB86659FD39ull, x ^= x >> 29;
	return (double)(x >> 11) / 9007199254740992.0 < p;
}

/* Appends `spikes(n, times = [...], index = [...])` for s[k*n + i], the
 * spike of row k in the step k + shift (rows before step 0 are dropped). */
static void cat_spikes(char *buf, const int *s, int K, int n, int shift)
{
	cat(buf, "spikes(%d, times = [", n);
	const char *sep = "";
	for (int k = 0; k < K; k++)
		for (int i = 0; i < n; i++)
			if (s[k * n + i] && k + shift >= 0)
				cat(buf, "%s%d.0 ms", sep, k + shift + 1), sep = ", ";
	cat(buf, "], index = [");
	sep = "";
	for (int k = 0; k < K; k++)
		for (int i = 0; i < n; i++)
			if (s[k * n + i] && k + shift >= 0)
				cat(buf, "%s%d", sep, i), sep = ", ";
	cat(buf, "])");
}

static const char *puppet =
	"neuron Puppet {\n"
	"	input x, drive\n"
	"	spike when drive > 0.5\n"
	"}\n"
	"synapse Kick { on pre { post.drive += 1 } }\n";

/* The recorded spikes of POP as a [K][n] 0/1 array (step = stamp/1 ms - 1). */
static int *load_spikes(const char *dir, const char *out, const char *pop, int K, int n)
{
	char name[128];
	snn_npy_array t, i;
	e2e_fmt(name, sizeof name, "%s.spikes.t.npy", pop);
	e2e_load(dir, out, name, &t);
	e2e_fmt(name, sizeof name, "%s.spikes.i.npy", pop);
	e2e_load(dir, out, name, &i);
	int *s = calloc((size_t)K * n, sizeof *s);
	ck_assert(s != NULL);
	for (int64_t q = 0; q < t.count; q++) {
		long k = lround(t.data[q] * 1e3) - 1;
		ck_assert(k >= 0 && k < K && i.data[q] >= 0 && i.data[q] < n);
		s[k * n + (int)i.data[q]] = 1;
	}
	snn_npy_free(&t), snn_npy_free(&i);
	return s;
}

static void load(const char *dir, const char *out, const char *stem, snn_npy_array *a)
{
	char name[128];
	e2e_fmt(name, sizeof name, "%s.npy", stem);
	e2e_load(dir, out, name, a);
}

/* Largest |a - b| over n doubles. */
static double maxdiff(const double *a, const double *b, int64_t n)
{
	double d = 0;
	for (int64_t q = 0; q < n; q++)
		d = fmax(d, fabs(a[q] - b[q]));
	return d;
}

/* ------------------------------------------------------- STDPSynapse */

enum { S_NE = 5, S_NO = 3, S_K = 200 };

struct stdp {
	double tre0, tre1, tro0, tro1, Ap, An, Wlim, Wlo, tracelim;
};

/* spikelearn's STDP rule (notes §2.3, §2.5), step by step on the spikes
 * xe[K][NE], xo[K][NO]: traces first (capped), then W[post][pre], clamped;
 * W, te, to after each step into the [K][...] arrays. */
static void replay_stdp(const struct stdp *p, const int *xe, const int *xo, double *W, double *te,
			double *to)
{
	double w[S_NO][S_NE], e[S_NE] = { 0 }, o[S_NO] = { 0 };
	for (int j = 0; j < S_NO; j++)
		for (int i = 0; i < S_NE; i++)
			w[j][i] = 0.1 + 0.03 * i + 0.05 * j;   /* the network's initial w */
	for (int k = 0; k < S_K; k++) {
		for (int i = 0; i < S_NE; i++)
			e[i] = fmin(p->tre0 * xe[k * S_NE + i] + p->tre1 * e[i], p->tracelim);
		for (int j = 0; j < S_NO; j++)
			o[j] = fmin(p->tro0 * xo[k * S_NO + j] + p->tro1 * o[j], p->tracelim);
		for (int j = 0; j < S_NO; j++)
			for (int i = 0; i < S_NE; i++) {
				double x = w[j][i] + p->Ap * xo[k * S_NO + j] * e[i] -
					   p->An * o[j] * xe[k * S_NE + i];
				w[j][i] = fmax(fmin(x, p->Wlim), p->Wlo);
				W[(k * S_NO + j) * S_NE + i] = w[j][i];
			}
		memcpy(te + k * S_NE, e, sizeof e);
		memcpy(to + k * S_NO, o, sizeof o);
	}
}

/* Builds examples/spikelearn_stdp.snn's synapse between a generator of
 * S_NE and S_NO puppets, runs it with the parameters p, and compares W, te
 * and to with the replay to 1e-9.  Returns the largest replayed trace and
 * fills wmin/wmax with the replay's extremes (so that the caller can check
 * the limit under test acted). */
static double run_stdp(const struct stdp *p, unsigned seed, double *wmin, double *wmax)
{
	char dir[E2E_PATH], *m = malloc(MODEL);
	int xe[S_K * S_NE], xo[S_K * S_NO];
	ck_assert(m != NULL);
	for (int k = 0; k < S_K; k++) {
		for (int i = 0; i < S_NE; i++)     /* pre 0 bursts in steps 40-59 */
			xe[k * S_NE + i] = bit(seed, k, i, 0.2) || (i == 0 && k >= 40 && k < 60);
		for (int j = 0; j < S_NO; j++)
			xo[k * S_NO + j] = k > 0 && (bit(seed + 1, k, j, 0.15) || (j == 1 && k >= 45 && k < 60));
	}
	sl_models("spikelearn_stdp.snn", m, MODEL);
	cat(m, "%s", puppet);
	cat(m, "network T {\n\tdt = 1 ms\n\tpop Pre = ");
	cat_spikes(m, xe, S_K, S_NE, 0);
	cat(m, "\n\tpop Gen = ");
	cat_spikes(m, xo, S_K, S_NO, -1);
	cat(m, "\n\tpop Post = Puppet(%d)\n"
	       "\tconnect Gen -> Post : Kick(one_to_one)\n"
	       "\tconnect Pre -> Post : STDPSynapse(w = 0.1 + 0.03 * pre.i + 0.05 * post.i,\n"
	       "\t\ttre0 = %.17g, tre1 = %.17g, tro0 = %.17g, tro1 = %.17g, Ap = %.17g, An = %.17g,\n"
	       "\t\tWlim = %.17g, Wlo = %.17g, tracelim = %.17g) as syn\n"
	       "\trecord Pre.spikes\n\trecord Post.spikes\n"
	       "\trecord syn.w\n\trecord syn.te\n\trecord syn.to\n\trun %d ms\n}\n",
	    S_NO, p->tre0, p->tre1, p->tro0, p->tro1, p->Ap, p->An, p->Wlim, p->Wlo, p->tracelim, S_K);
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "stdp", m);
	e2e_sim(dir, "stdp", "o", NULL);
	/* replay on what the generators and puppets actually did */
	int *se = load_spikes(dir, "o", "Pre", S_K, S_NE), *so = load_spikes(dir, "o", "Post", S_K, S_NO);
	ck_assert(memcmp(se, xe, sizeof xe) == 0 && memcmp(so, xo, sizeof xo) == 0);
	static double W[S_K * S_NO * S_NE], te[S_K * S_NE], to[S_K * S_NO];
	replay_stdp(p, se, so, W, te, to);
	snn_npy_array w, e, o, pre, post;
	load(dir, "o", "syn.w", &w), load(dir, "o", "syn.te", &e), load(dir, "o", "syn.to", &o);
	load(dir, "o", "syn.pre", &pre), load(dir, "o", "syn.post", &post);
	ck_assert_int_eq(w.count, S_K * S_NO * S_NE);
	ck_assert_int_eq(e.count, S_K * S_NE);
	ck_assert_int_eq(o.count, S_K * S_NO);
	*wmin = INFINITY, *wmax = -INFINITY;
	for (int k = 0; k < S_K; k++)
		for (int s = 0; s < S_NO * S_NE; s++) {
			int i = (int)pre.data[s], j = (int)post.data[s];
			double want = W[(k * S_NO + j) * S_NE + i], got = w.data[k * S_NO * S_NE + s];
			ck_assert_msg(fabs(got - want) <= 1e-9, "step %d, synapse %d->%d: w %.17g, replay %.17g",
				      k, i, j, got, want);
			*wmin = fmin(*wmin, want), *wmax = fmax(*wmax, want);
		}
	ck_assert_msg(maxdiff(e.data, te, e.count) <= 1e-9, "te: %g", maxdiff(e.data, te, e.count));
	ck_assert_msg(maxdiff(o.data, to, o.count) <= 1e-9, "to: %g", maxdiff(o.data, to, o.count));
	double top = 0;
	for (int q = 0; q < S_K * S_NE; q++)
		top = fmax(top, te[q]);
	snn_npy_free(&w), snn_npy_free(&e), snn_npy_free(&o), snn_npy_free(&pre), snn_npy_free(&post);
	free(se), free(so), free(m);
	e2e_cleanup(dir);
	return top;
}

/* tracelim caps both traces: the burst of pre 0 drives te to the cap, and
 * the weights follow the capped traces. */
START_TEST(test_trace_cap)
{
	struct stdp p = { 0.6, 0.8, 0.6, 0.8, 0.01, 0.012, 1, -1, 1.7 };
	double lo, hi;
	double top = run_stdp(&p, 11, &lo, &hi);
	ck_assert_msg(top == p.tracelim, "te peaked at %g: the cap %g never acted", top, p.tracelim);
	/* uncapped, the burst would take te to 0.6 / (1 - 0.8) = 3 */
	p.tracelim = 100;
	ck_assert(run_stdp(&p, 11, &lo, &hi) > 2.5);
}
END_TEST

/* Wlim and the lower clamp: large Ap, An push the weights onto both
 * limits, where they stay clamped. */
START_TEST(test_weight_limits)
{
	struct stdp p = { 1, 0.8, 1, 0.8, 0.2, 0.25, 0.3, -0.3, 10 };
	double lo, hi;
	run_stdp(&p, 12, &lo, &hi);
	ck_assert_msg(lo == -0.3 && hi == 0.3, "replayed w in [%g, %g]: the limits never acted", lo, hi);
	/* the clamp of the page's code (GitHub cf19a57): [0, Wlim] */
	p.Wlo = 0;
	run_stdp(&p, 12, &lo, &hi);
	ck_assert(lo == 0 && hi == 0.3);
}
END_TEST

/* ------------------------------------------------ the layer, one-to-one */

enum { L_N = 6, L_K = 300 };

/* spikelearn's SpikingLayer (notes §2.1) fed by x[k][i]: spikes into s,
 * v into v ([K][N]). */
static void replay_layer(double tau, const double *x, int *s, double *v)
{
	double a = exp(-1 / tau), u[L_N] = { 0 };
	int prev[L_N] = { 0 };
	for (int k = 0; k < L_K; k++)
		for (int i = 0; i < L_N; i++) {
			u[i] = (1 - prev[i]) * (a * u[i] + (1 - a) * x[k * L_N + i]);
			prev[i] = s[k * L_N + i] = u[i] >= 1;
			v[k * L_N + i] = u[i];
		}
}

/* OneToOneSynapse (element i to element i, weight 1 + 0.25 i) and an
 * inhibitory BaseSynapse (all to all, -0.1) onto examples/
 * spikelearn_onetoone.snn's layer: its spikes and v against the layer
 * replayed on the recorded input spikes, which reach it one step later. */
START_TEST(test_one_to_one)
{
	char dir[E2E_PATH], *m = malloc(MODEL);
	int xe[L_K * L_N], xi[L_K * L_N];
	ck_assert(m != NULL);
	for (int k = 0; k < L_K; k++)
		for (int i = 0; i < L_N; i++)
			xe[k * L_N + i] = bit(21, k, i, 0.6), xi[k * L_N + i] = bit(22, k, i, 0.15);
	sl_models("spikelearn_onetoone.snn", m, MODEL);
	cat(m, "network T {\n\tdt = 1 ms\n\tpop In = ");
	cat_spikes(m, xe, L_K, L_N, 0);
	cat(m, "\n\tpop Inh = ");
	cat_spikes(m, xi, L_K, L_N, 0);
	cat(m, "\n\tpop L = SpikingLayer(%d) { tau = 4 }\n"
	       "\tconnect In -> L : StaticSynapse(one_to_one, w = 1 + 0.25 * pre.i)\n"
	       "\tconnect Inh -> L : StaticSynapse(w = 0.1, sign = -1)\n"
	       "\trecord In.spikes\n\trecord Inh.spikes\n\trecord L.spikes\n\trecord L.v\n"
	       "\trun %d ms\n}\n", L_N, L_K);
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "o2o", m);
	e2e_sim(dir, "o2o", "o", NULL);
	int *se = load_spikes(dir, "o", "In", L_K, L_N), *si = load_spikes(dir, "o", "Inh", L_K, L_N);
	int *sl = load_spikes(dir, "o", "L", L_K, L_N);
	static double x[L_K * L_N], v[L_K * L_N], x0[L_K * L_N], v0[L_K * L_N];
	static int s[L_K * L_N], s0[L_K * L_N];
	for (int k = 1; k < L_K; k++) {
		int inh = 0;
		for (int j = 0; j < L_N; j++)
			inh += si[(k - 1) * L_N + j];
		for (int i = 0; i < L_N; i++) {
			x0[k * L_N + i] = (1 + 0.25 * i) * se[(k - 1) * L_N + i];
			x[k * L_N + i] = x0[k * L_N + i] - 0.1 * inh;
		}
	}
	replay_layer(4, x, s, v);
	replay_layer(4, x0, s0, v0);
	snn_npy_array rv;
	load(dir, "o", "L.v", &rv);
	ck_assert_int_eq(rv.count, L_K * L_N);
	int spikes = 0, inhibited = 0;
	for (int q = 0; q < L_K * L_N; q++) {
		ck_assert_msg(sl[q] == s[q], "step %d, neuron %d: spike %d, replay %d", q / L_N, q % L_N, sl[q],
			      s[q]);
		ck_assert_msg(fabs(rv.data[q] - v[q]) <= 1e-12, "step %d, neuron %d: v %.17g, replay %.17g",
			      q / L_N, q % L_N, rv.data[q], v[q]);
		spikes += s[q], inhibited += s[q] != s0[q];
	}
	/* the test shows something: the layer fires, and the inhibition matters */
	ck_assert_msg(spikes > 50 && inhibited > 5, "%d spikes, %d changed by the inhibition", spikes,
		      inhibited);
	snn_npy_free(&rv);
	free(se), free(si), free(sl), free(m);
	e2e_cleanup(dir);
}
END_TEST

Suite *suite_spikelearn(void)
{
	Suite *s = suite_create("spikelearn");
	TCase *tc = tcase_create("spikelearn");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_trace_cap);
	tcase_add_test(tc, test_weight_limits);
	tcase_add_test(tc, test_one_to_one);
	suite_add_tcase(s, tc);
	return s;
}
