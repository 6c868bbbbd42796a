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

/* --------------------------------------------------- the plastic rules */

enum { R_K = 200, R_MAX = 8 };

/* Which synapse of which example, and what its modulator is bound to. */
enum kind {
	EVENTS,         /* STDPSynapseEvents: pre spike of step k is xe[k] */
	STDP,           /* STDPSynapse (on tick) */
	MOD_POST,       /* ModSTDPSynapse, m = a relay of NO elements */
	MOD_GLOBAL,     /* ModSTDPSynapse, m = a global driven by --input */
	TERNARY,        /* TernarySynapse, q = a relay of NE elements */
	MSE,            /* MSESynapse, m = a relay of NO elements (the target) */
};

struct rule {
	enum kind kind;
	int ne, no;
	double tre0, tre1, tro0, tro1, trm0, trm1, Ap, An, lr, Wlim, Wlo, tracelim;
};

static const char *const rule_example[] = {
	"spikelearn_stdp.snn", "spikelearn_stdp.snn", "spikelearn_modstdp.snn",
	"spikelearn_modstdp.snn", "spikelearn_ternary.snn", "spikelearn_mse.snn",
};
static const char *const rule_class[] = {
	"STDPSynapseEvents", "STDPSynapse", "ModSTDPSynapse", "ModSTDPSynapse", "TernarySynapse",
	"MSESynapse",
};

/* Elements of the modulatory input xm (1 for a global). */
static int nmod(const struct rule *r)
{
	return r->kind == TERNARY ? r->ne : r->kind == MOD_GLOBAL ? 1 : r->kind == EVENTS || r->kind == STDP ? 0
											       : r->no;
}

/* What a run recorded and its replay, per step k: W[k][post][pre] and the
 * traces. */
struct traj {
	double W[R_K][R_MAX][R_MAX], te[R_K][R_MAX], to[R_K][R_MAX], tm[R_K][R_MAX];
};

/* The rules of notes §2.3-§2.7, step by step on xe[K][ne], xo[K][no],
 * xm[K][nm]: the traces first (capped), then W[post][pre], clamped.  perm
 * reads the modulator of element (e + perm) % nm instead of e: nonzero
 * only to show that a wrong element would be seen. */
static void replay_rule(const struct rule *r, const double *xe, const double *xo, const double *xm,
			int perm, struct traj *out)
{
	int ne = r->ne, no = r->no, nm = nmod(r);
	double w[R_MAX][R_MAX], e[R_MAX] = { 0 }, o[R_MAX] = { 0 }, m[R_MAX] = { 0 };
	for (int j = 0; j < no; j++)
		for (int i = 0; i < ne; i++)
			w[j][i] = 0.1 + 0.03 * i + 0.05 * j;   /* the network's initial w */
	for (int k = 0; k < R_K; k++) {
		const double *pe = xe + k * ne, *po = xo + k * no, *pm = xm + k * nm;
		for (int i = 0; i < ne; i++)
			e[i] = fmin(r->tre0 * pe[i] + r->tre1 * e[i], r->tracelim);
		for (int j = 0; j < no; j++)
			o[j] = fmin(r->tro0 * po[j] + r->tro1 * o[j], r->tracelim);
		for (int q = 0; q < nm; q++)
			m[q] = fmin(r->trm0 * pm[(q + perm) % nm] + r->trm1 * m[q], r->tracelim);
		for (int j = 0; j < no; j++)
			for (int i = 0; i < ne; i++) {
				double d = r->Ap * po[j] * e[i] - r->An * o[j] * pe[i];
				if (r->kind == MOD_POST)
					d *= m[j];
				else if (r->kind == MOD_GLOBAL)
					d *= m[0];
				else if (r->kind == TERNARY)
					d *= m[i];
				else if (r->kind == MSE)
					d = r->lr * (pm[(j + perm) % nm] - o[j]) * e[i];
				w[j][i] = fmax(fmin(w[j][i] + d, r->Wlim), r->Wlo);
				out->W[k][j][i] = w[j][i];
			}
		for (int i = 0; i < ne; i++)
			out->te[k][i] = e[i];
		for (int j = 0; j < no; j++)
			out->to[k][j] = o[j];
		for (int q = 0; q < nm; q++)
			out->tm[k][q] = m[q];
	}
}

/* The [K][n] 0/1 array a spikes() generator emitted, as the library's
 * input: row k is the spike of step k - lag (0 before step 0). */
static void as_input(const int *s, int n, int lag, double *x)
{
	for (int k = 0; k < R_K; k++)
		for (int i = 0; i < n; i++)
			x[k * n + i] = k - lag >= 0 ? s[(k - lag) * n + i] : 0;
}

static const char *puppet =
	"# a post layer whose output s of step k is the generator's spike of step k-1\n"
	"neuron Puppet {\n"
	"	input x, drive\n"
	"	state s = 0\n"
	"	on tick { s = drive > 0.5 ? 1 : 0 }\n"
	"	spike when s > 0.5\n"
	"}\n"
	"synapse Kick { on pre { post.drive += 1 } }\n";

/* The arguments of the rule's class in connect. */
static void cat_args(char *m, const struct rule *r)
{
	cat(m, "w = 0.1 + 0.03 * pre.i + 0.05 * post.i, tre0 = %.17g, tre1 = %.17g, tro0 = %.17g, "
	       "tro1 = %.17g, Wlim = %.17g, Wlo = %.17g, tracelim = %.17g",
	    r->tre0, r->tre1, r->tro0, r->tro1, r->Wlim, r->Wlo, r->tracelim);
	if (r->kind != MSE)
		cat(m, ", Ap = %.17g, An = %.17g", r->Ap, r->An);
	if (nmod(r))
		cat(m, ", trm0 = %.17g, trm1 = %.17g", r->trm0, r->trm1);
	if (r->kind == MSE)
		cat(m, ", lr = %.17g", r->lr);
}

/* Runs rule r of its example between generators of spike trains drawn with
 * seed (pre neurons 0 and, when it exists, post neuron 1 burst in steps
 * 40-59) and puppet post neurons, replays the rule on the recorded spikes
 * (and the modulator's values) into *want, and asserts that W and the
 * traces agree to 1e-9.  A second replay on the same spikes, of rule ar
 * (r when NULL) reading modulator elements shifted by perm, goes into *alt
 * for the caller to show what a missing cap or a wrong element would
 * change. */
static void run_rule(const struct rule *r, unsigned seed, struct traj *want, const struct rule *ar, int perm,
		     struct traj *alt)
{
	int ne = r->ne, no = r->no, nm = nmod(r);
	char dir[E2E_PATH], *m = malloc(MODEL);
	static int xe[R_K * R_MAX], xo[R_K * R_MAX], xm[R_K * R_MAX];
	static double g[R_K], de[R_K * R_MAX], dpo[R_K * R_MAX], dm[R_K * R_MAX];
	ck_assert(m != NULL && ne <= R_MAX && no <= R_MAX);
	for (int k = 0; k < R_K; k++) {
		for (int i = 0; i < ne; i++)
			xe[k * ne + i] = bit(seed, k, i, 0.2) || (i == 0 && k >= 40 && k < 60);
		for (int j = 0; j < no; j++)
			xo[k * no + j] = bit(seed + 1, k, j, 0.15) || (j == 1 && k >= 45 && k < 60);
		for (int q = 0; q < nm; q++)            /* each element its own rate */
			xm[k * nm + q] = bit(seed + 2, k, q, 0.1 + 0.6 * q / nm);
		g[k] = k ? sin(0.05 * k) + 0.3 * cos(0.31 * k + seed) : 0;
	}
	int lag = r->kind == EVENTS ? 0 : 1;    /* what the synapse receives in step k */
	sl_models(rule_example[r->kind], m, MODEL);
	cat(m, "%s", puppet);
	cat(m, "network T {\n\tdt = 1 ms\n\tglobal g = 0\n\tpop Pre = ");
	cat_spikes(m, xe, R_K, ne, 0);
	cat(m, "\n\tpop Gen = ");
	cat_spikes(m, xo, R_K, no, 0);
	cat(m, "\n\tpop Post = Puppet(%d)\n\tconnect Gen -> Post : Kick(one_to_one)\n", no);
	if (nm && r->kind != MOD_GLOBAL) {
		cat(m, "\tpop Mod = ");
		cat_spikes(m, xm, R_K, nm, 0);
		cat(m, "\n\tpop ModIn = Relay(%d)\n\tconnect Mod -> ModIn : Relay1(one_to_one)\n", nm);
	}
	cat(m, "\tconnect Pre -> Post : %s(", rule_class[r->kind]);
	cat_args(m, r);
	cat(m, ") as syn%s\n", r->kind == MOD_GLOBAL ? " { m = g }" : r->kind == TERNARY ? " { q = ModIn.x }"
				: nm ? " { m = ModIn.x }" : "");
	cat(m, "\trecord Pre.spikes\n\trecord Post.spikes\n%s\trecord syn.w\n\trecord syn.te\n"
	       "\trecord syn.to\n%s\trun %d ms\n}\n", nm && r->kind != MOD_GLOBAL ? "\trecord Mod.spikes\n" : "",
	    nm ? "\trecord syn.tm\n" : "", R_K);
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "rule", m);
	char path[E2E_PATH];
	e2e_fmt(path, sizeof path, "%s/g.npy", dir);
	const int64_t K = R_K;
	ck_assert_int_eq(snn_npy_save(path, SNN_T_F64, 1, &K, g), 0);
	e2e_sim(dir, "rule", "o", r->kind == MOD_GLOBAL ? "--input g=g.npy" : NULL);
	/* the library's inputs of step k, from what the generators emitted:
	 * what a synapse or relay receives in step k was emitted in step k-1;
	 * a puppet's output of step k is its spike of step k; the global's
	 * value k is set before step k */
	int *se = load_spikes(dir, "o", "Pre", R_K, ne), *so = load_spikes(dir, "o", "Post", R_K, no);
	ck_assert(memcmp(se, xe, sizeof(int) * R_K * ne) == 0);
	as_input(se, ne, lag, de);
	as_input(so, no, 0, dpo);
	int *sm = NULL;
	if (r->kind == MOD_GLOBAL)
		memcpy(dm, g, sizeof g);
	else if (nm)
		sm = load_spikes(dir, "o", "Mod", R_K, nm), as_input(sm, nm, 1, dm);
	for (int k = 0; k < R_K; k++)           /* puppets spike a step after their kick */
		for (int j = 0; j < no; j++)
			ck_assert(so[k * no + j] == (k > 0 && xo[(k - 1) * no + j]));
	replay_rule(r, de, dpo, dm, 0, want);
	replay_rule(ar ? ar : r, de, dpo, dm, perm, alt);
	snn_npy_array w, e, o, tm, pre, post;
	load(dir, "o", "syn.w", &w), load(dir, "o", "syn.te", &e), load(dir, "o", "syn.to", &o);
	load(dir, "o", "syn.pre", &pre), load(dir, "o", "syn.post", &post);
	ck_assert_int_eq(w.count, R_K * no * ne);
	ck_assert_int_eq(e.count, R_K * ne);
	ck_assert_int_eq(o.count, R_K * no);
	for (int k = 0; k < R_K; k++) {
		for (int s = 0; s < no * ne; s++) {
			int i = (int)pre.data[s], j = (int)post.data[s];
			double got = w.data[k * no * ne + s], x = want->W[k][j][i];
			ck_assert_msg(fabs(got - x) <= 1e-9, "%s, step %d, synapse %d->%d: w %.17g, replay %.17g",
				      rule_class[r->kind], k, i, j, got, x);
		}
		for (int i = 0; i < ne; i++)
			ck_assert_msg(fabs(e.data[k * ne + i] - want->te[k][i]) <= 1e-9, "step %d: te[%d] %.17g, "
				      "replay %.17g", k, i, e.data[k * ne + i], want->te[k][i]);
		for (int j = 0; j < no; j++)
			ck_assert_msg(fabs(o.data[k * no + j] - want->to[k][j]) <= 1e-9, "step %d: to[%d] %.17g, "
				      "replay %.17g", k, j, o.data[k * no + j], want->to[k][j]);
	}
	if (nm) {
		/* tm is a post state (one column per post neuron; a global's
		 * trace is the same in each) or a pre state (ternary) */
		load(dir, "o", "syn.tm", &tm);
		int cols = r->kind == TERNARY ? ne : no;
		ck_assert_int_eq(tm.count, R_K * cols);
		for (int k = 0; k < R_K; k++)
			for (int c = 0; c < cols; c++) {
				double x = want->tm[k][r->kind == MOD_GLOBAL ? 0 : c];
				ck_assert_msg(fabs(tm.data[k * cols + c] - x) <= 1e-9, "step %d: tm[%d] %.17g, "
					      "replay %.17g", k, c, tm.data[k * cols + c], x);
			}
		snn_npy_free(&tm);
	}
	snn_npy_free(&w), snn_npy_free(&e), snn_npy_free(&o), snn_npy_free(&pre), snn_npy_free(&post);
	free(se), free(so), free(sm), free(m);
	e2e_cleanup(dir);
}

static struct traj T_want, T_alt;

/* Largest |W| difference between two trajectories. */
static double wdiff(const struct rule *r, const struct traj *a, const struct traj *b)
{
	double d = 0;
	for (int k = 0; k < R_K; k++)
		for (int j = 0; j < r->no; j++)
			for (int i = 0; i < r->ne; i++)
				d = fmax(d, fabs(a->W[k][j][i] - b->W[k][j][i]));
	return d;
}

/* The largest replayed trace. */
static double top_trace(const struct rule *r, const struct traj *t)
{
	double top = 0;
	for (int k = 0; k < R_K; k++) {
		for (int i = 0; i < r->ne; i++)
			top = fmax(top, t->te[k][i]);
		for (int j = 0; j < r->no; j++)
			top = fmax(top, t->to[k][j]);
	}
	return top;
}

static void w_range(const struct rule *r, const struct traj *t, double *lo, double *hi)
{
	*lo = INFINITY, *hi = -INFINITY;
	for (int k = 0; k < R_K; k++)
		for (int j = 0; j < r->no; j++)
			for (int i = 0; i < r->ne; i++)
				*lo = fmin(*lo, t->W[k][j][i]), *hi = fmax(*hi, t->W[k][j][i]);
}

static const struct rule base = {
	.ne = 5, .no = 3, .tre0 = 1, .tre1 = 0.8, .tro0 = 1, .tro1 = 0.8, .trm0 = 0.5, .trm1 = 0.9,
	.Ap = 0.01, .An = 0.012, .lr = 0.02, .Wlim = 1, .Wlo = -1, .tracelim = 10,
};

/* tracelim caps both traces, in both forms of STDPSynapse: the bursts drive
 * te and to to the cap, and the weights follow the capped traces. */
START_TEST(test_trace_cap)
{
	for (enum kind kd = EVENTS; kd <= STDP; kd++) {
		struct rule r = base;
		r.kind = kd, r.tre0 = r.tro0 = 0.6, r.tracelim = 1.7;
		struct rule uncapped = r;
		uncapped.tracelim = 100;
		run_rule(&r, 11, &T_want, &uncapped, 0, &T_alt);
		ck_assert_msg(top_trace(&r, &T_want) == r.tracelim, "%s: traces peaked at %g: the cap never "
			      "acted", rule_class[kd], top_trace(&r, &T_want));
		/* uncapped, the bursts take the traces to 0.6 / (1 - 0.8) = 3 */
		ck_assert(top_trace(&r, &T_alt) > 2.5 && wdiff(&r, &T_want, &T_alt) > 1e-4);
	}
}
END_TEST

/* Wlim and the lower clamp, in both forms: large Ap, An push the weights
 * onto both limits, where they stay clamped; then the clamp of the page's
 * code (GitHub cf19a57), [0, Wlim], in the on-tick form. */
START_TEST(test_weight_limits)
{
	for (enum kind kd = EVENTS; kd <= STDP; kd++) {
		struct rule r = base;
		double lo, hi;
		r.kind = kd, r.Ap = 0.2, r.An = 0.25, r.Wlim = 0.3, r.Wlo = -0.3;
		run_rule(&r, 12, &T_want, NULL, 0, &T_alt);
		w_range(&r, &T_want, &lo, &hi);
		ck_assert_msg(lo == -0.3 && hi == 0.3, "%s: replayed w in [%g, %g]: the limits never acted",
			      rule_class[kd], lo, hi);
		if (kd == STDP) {
			r.Wlo = 0;
			run_rule(&r, 12, &T_want, NULL, 0, &T_alt);
			w_range(&r, &T_want, &lo, &hi);
			ck_assert(lo == 0 && hi == 0.3);
		}
	}
}
END_TEST

/* MSESynapse: W += lr (m - to) te every step, m the target of the post
 * neuron (a relay of the target spikes): W changes in steps where nothing
 * spiked, and reading another post neuron's target would change it. */
START_TEST(test_mse)
{
	struct rule r = base;
	r.kind = MSE, r.lr = 0.05, r.tro0 = 0.2;
	run_rule(&r, 13, &T_want, NULL, 1, &T_alt);
	ck_assert_msg(wdiff(&r, &T_want, &T_alt) > 1e-3, "the target's element makes no difference");
	int quiet = 0;                  /* steps where W moved with no spike at all */
	for (int k = 1; k < R_K; k++)
		quiet += T_want.W[k][0][0] != T_want.W[k - 1][0][0] && T_want.te[k][0] < T_want.te[k - 1][0] &&
			 T_want.to[k][0] < T_want.to[k - 1][0];
	ck_assert_msg(quiet > 10, "only %d clock-driven changes", quiet);
	/* the limits bite too */
	r.lr = 0.5, r.Wlim = 0.25, r.Wlo = -0.25;
	run_rule(&r, 13, &T_want, NULL, 1, &T_alt);
	double lo, hi;
	w_range(&r, &T_want, &lo, &hi);
	ck_assert_msg(lo == -0.25 && hi == 0.25, "w in [%g, %g]", lo, hi);
}
END_TEST

/* ModSTDPSynapse with a modulator bound to a population variable (one
 * element per post neuron, each at its own rate) reads its post neuron's
 * element: the replay with the elements shifted by one differs; bound to
 * a global driven by --input, every synapse reads the value of the step. */
START_TEST(test_modulated)
{
	struct rule r = base;
	r.kind = MOD_POST, r.Ap = 0.05, r.An = 0.06;
	run_rule(&r, 14, &T_want, NULL, 1, &T_alt);
	ck_assert_msg(wdiff(&r, &T_want, &T_alt) > 1e-3, "the modulator's element makes no difference");
	r.kind = MOD_GLOBAL;
	run_rule(&r, 15, &T_want, NULL, 0, &T_alt);
	/* the global changes sign: both signs of dW occur at the same event kind */
	double lo, hi;
	w_range(&r, &T_want, &lo, &hi);
	ck_assert(lo < 0.1 && hi > 0.1 + 0.03 * 4 + 0.05 * 2);
}
END_TEST

/* TernarySynapse: a pre modulator (one element per pre neuron, ne != no)
 * scales the changes of its pre neuron's synapses. */
START_TEST(test_ternary)
{
	struct rule r = base;
	r.kind = TERNARY, r.ne = 7, r.no = 3, r.Ap = 0.05, r.An = 0.06;
	run_rule(&r, 16, &T_want, NULL, 1, &T_alt);
	ck_assert_msg(wdiff(&r, &T_want, &T_alt) > 1e-3, "the modulator's element makes no difference");
}
END_TEST

/* ------------------------------------------------ the layer, one-to-one */

enum { L_N = 6, L_K = 300 };

/* One step of spikelearn's SpikingLayer (notes §2.1) for n neurons. */
static void layer_step(int n, double tau, double *v, double *s, const double *x)
{
	double a = exp(-1 / tau);
	for (int i = 0; i < n; i++) {
		v[i] = (1 - s[i]) * (a * v[i] + (1 - a) * x[i]);
		s[i] = v[i] >= 1;
	}
}

/* The layer fed by x[k][i]: spikes into s, v into v ([K][N]). */
static void replay_layer(double tau, const double *x, int *s, double *v)
{
	double u[L_N] = { 0 }, out[L_N] = { 0 };
	for (int k = 0; k < L_K; k++) {
		layer_step(L_N, tau, u, out, x + k * L_N);
		for (int i = 0; i < L_N; i++)
			s[k * L_N + i] = out[i] > 0, v[k * L_N + i] = u[i];
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

/* ------------------------------------------------ BaseSynapse + LowPass */

enum { T_NE = 6, T_NI = 3, T_NO = 3, T_K = 300 };

/* Compares a recorded [K][n] array with a replayed one to tol. */
static void same(const char *what, const snn_npy_array *a, const double *b, int n, int K, double tol)
{
	ck_assert_int_eq(a->count, (int64_t)n * K);
	for (int q = 0; q < n * K; q++)
		ck_assert_msg(fabs(a->data[q] - b[q]) <= tol, "%s, step %d, element %d: %.17g, replay %.17g", what,
			      q / n, q % n, a->data[q], b[q]);
}

/* spikelearn_transform.snn's LowPassSynapse (exc, and "inh" with sign
 * -1) onto a layer: the filtered value, the layer's spikes and v against
 * the transform and the layer replayed on the recorded input spikes, for
 * LowPass delay False and True. */
static void run_lowpass(int delayed)
{
	const double tau = 3, beta = exp(-1 / tau);
	char dir[E2E_PATH], *m = malloc(MODEL);
	int xe[T_K * T_NE], xi[T_K * T_NI];
	ck_assert(m != NULL);
	for (int k = 0; k < T_K; k++) {
		for (int i = 0; i < T_NE; i++)
			xe[k * T_NE + i] = bit(31, k, i, 0.25);
		for (int i = 0; i < T_NI; i++)
			xi[k * T_NI + i] = bit(32, k, i, 0.2);
	}
	sl_models("spikelearn_transform.snn", m, MODEL);
	cat(m, "network T {\n\tdt = 1 ms\n\tpop In = ");
	cat_spikes(m, xe, T_K, T_NE, 0);
	cat(m, "\n\tpop Inh = ");
	cat_spikes(m, xi, T_K, T_NI, 0);
	cat(m, "\n\tpop Out = SpikingLayer(%d) { tau = 5 }\n"
	       "\tconnect In -> Out : LowPassSynapse(w = 0.5 + 0.1 * pre.i + 0.2 * post.i, delayed = %d) as exc\n"
	       "\tconnect Inh -> Out : LowPassSynapse(w = 0.3, sign = -1, delayed = %d) as inh\n"
	       "\trecord In.spikes\n\trecord Inh.spikes\n\trecord Out.spikes\n\trecord Out.v\n"
	       "\trecord exc.value\n\trun %d ms\n}\n", T_NO, delayed, delayed, T_K);
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "lp", m);
	e2e_sim(dir, "lp", "o", NULL);
	int *se = load_spikes(dir, "o", "In", T_K, T_NE), *si = load_spikes(dir, "o", "Inh", T_K, T_NI);
	int *so = load_spikes(dir, "o", "Out", T_K, T_NO);
	/* the transform sees in step k what its pre neuron emitted in step k-1 */
	static double val[T_K * T_NE], v[T_K * T_NO], s[T_K * T_NO], raw[T_K * T_NO];
	double ve[T_NE] = { 0 }, vi[T_NI] = { 0 }, pe[T_NE] = { 0 }, pi[T_NI] = { 0 };
	double u[T_NO] = { 0 }, out[T_NO] = { 0 }, ur[T_NO] = { 0 }, outr[T_NO] = { 0 };
	int spikes = 0, filtered = 0;
	for (int k = 0; k < T_K; k++) {
		double x[T_NO] = { 0 }, xr[T_NO] = { 0 };
		memcpy(pe, ve, sizeof ve), memcpy(pi, vi, sizeof vi);
		for (int i = 0; i < T_NE; i++)
			ve[i] = (1 - beta) * (k ? se[(k - 1) * T_NE + i] : 0) + beta * ve[i];
		for (int i = 0; i < T_NI; i++)
			vi[i] = (1 - beta) * (k ? si[(k - 1) * T_NI + i] : 0) + beta * vi[i];
		for (int j = 0; j < T_NO; j++) {
			for (int i = 0; i < T_NE; i++) {
				x[j] += (0.5 + 0.1 * i + 0.2 * j) * (delayed ? pe[i] : ve[i]);
				xr[j] += (0.5 + 0.1 * i + 0.2 * j) * (k ? se[(k - 1) * T_NE + i] : 0);
			}
			for (int i = 0; i < T_NI; i++) {
				x[j] -= 0.3 * (delayed ? pi[i] : vi[i]);
				xr[j] -= 0.3 * (k ? si[(k - 1) * T_NI + i] : 0);
			}
		}
		layer_step(T_NO, 5, u, out, x);
		layer_step(T_NO, 5, ur, outr, xr);       /* without the transform */
		memcpy(val + k * T_NE, ve, sizeof ve), memcpy(v + k * T_NO, u, sizeof u);
		memcpy(s + k * T_NO, out, sizeof out), memcpy(raw + k * T_NO, outr, sizeof outr);
	}
	snn_npy_array rv, rval;
	load(dir, "o", "Out.v", &rv), load(dir, "o", "exc.value", &rval);
	same("exc.value", &rval, val, T_NE, T_K, 1e-12);
	same("Out.v", &rv, v, T_NO, T_K, 1e-12);
	for (int q = 0; q < T_K * T_NO; q++) {
		ck_assert_msg(so[q] == s[q], "step %d, neuron %d: spike %d, replay %g", q / T_NO, q % T_NO,
			      so[q], s[q]);
		spikes += so[q], filtered += s[q] != raw[q];
	}
	ck_assert_msg(spikes > 30 && filtered > 10, "%d spikes, %d changed by the transform", spikes, filtered);
	snn_npy_free(&rv), snn_npy_free(&rval);
	free(se), free(si), free(so), free(m);
	e2e_cleanup(dir);
}

START_TEST(test_transform)
{
	run_lowpass(0);
	run_lowpass(1);
}
END_TEST

/* ------------------------------------------------------- the SpikingNet */

enum { N_IN = 20, N_H = 10, N_K = 300 };

/* The initial weights the test's network gives In -> Hid and Hid -> Out. */
static double w1(int i, int j)
{
	double x = sin(i + 2.0 * j);
	return 0.1 + 0.3 * x * x;
}

static double w3(int i, int j)
{
	double x = sin(3.0 * i + j);
	return 0.6 + 0.6 * x * x;
}

/* examples/spikelearn_spikingnet.snn's models and network (generators in
 * place of its Poisson inputs): In -> Hid (StaticSynapse), ModIn -> Mod
 * (one to one), (Hid, Mod) -> Out through the TernarySynapse, Out's Wrec.
 * The whole net replayed here from the input spikes alone, spikelearn's
 * step: every layer from the previous step's outputs (inputs: the
 * generators' spikes of the step before), then the ternary rule on Hid's
 * previous output, Out's new one and Mod's previous one. */
START_TEST(test_spikingnet)
{
	char dir[E2E_PATH], *m = malloc(MODEL);
	const char *root = getenv("SNNC_ROOT");
	int xin[N_K * N_IN], xmod[N_K * N_H];
	ck_assert(m != NULL);
	for (int k = 0; k < N_K; k++) {
		for (int i = 0; i < N_IN; i++)
			xin[k * N_IN + i] = bit(41, k, i, 0.3);
		for (int i = 0; i < N_H; i++)
			xmod[k * N_H + i] = bit(42, k, i, 0.06);
	}
	sl_models("spikelearn_spikingnet.snn", m, MODEL);
	cat(m, "network T {\n\tdt = 1 ms\n\tpop In = ");
	cat_spikes(m, xin, N_K, N_IN, 0);
	cat(m, "\n\tpop ModIn = ");
	cat_spikes(m, xmod, N_K, N_H, 0);
	cat(m, "\n\tpop Hid = SpikingLayer(%d) { tau = 5 }\n"
	       "\tpop Mod = SpikingLayer(%d) { tau = 3 }\n"
	       "\tpop ModOut = Relay(%d)\n"
	       "\tpop Out = SpikingLayer(%d) { tau = 5 }\n"
	       "\tconnect In -> Hid : StaticSynapse(w = 0.1 + 0.3 * sin(pre.i + 2 * post.i)^2)\n"
	       "\tconnect ModIn -> Mod : StaticSynapse(one_to_one, w = 4)\n"
	       "\tconnect Mod -> ModOut : Relay1(one_to_one)\n"
	       "\tconnect Hid -> Out : TernarySynapse(w = 0.6 + 0.6 * sin(3 * pre.i + post.i)^2,\n"
	       "\t\tAp = 0.02, An = 0.025) as W3 { q = ModOut.x }\n"
	       "\tconnect Out -> Out : StaticSynapse(mask = \"%s/examples/spikelearn_wrec_mask.npy\",\n"
	       "\t\tw = 0.5, sign = -1)\n"
	       "\trecord Hid.spikes\n\trecord Mod.spikes\n\trecord Out.spikes\n\trecord Out.v\n"
	       "\trecord W3.w\n\trun %d ms\n}\n", N_H, N_H, N_H, N_H, root && *root ? root : ".", N_K);
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "net", m);
	e2e_sim(dir, "net", "o", NULL);
	int *sh = load_spikes(dir, "o", "Hid", N_K, N_H), *sm = load_spikes(dir, "o", "Mod", N_K, N_H);
	int *so = load_spikes(dir, "o", "Out", N_K, N_H);
	snn_npy_array rv, rw, pre, post;
	load(dir, "o", "Out.v", &rv), load(dir, "o", "W3.w", &rw);
	load(dir, "o", "W3.pre", &pre), load(dir, "o", "W3.post", &post);
	ck_assert_int_eq(rw.count, N_K * N_H * N_H);
	double vh[N_H] = { 0 }, hid[N_H] = { 0 }, vm[N_H] = { 0 }, mod[N_H] = { 0 }, vo[N_H] = { 0 }, out[N_H] = { 0 };
	double W[N_H][N_H], te[N_H] = { 0 }, to[N_H] = { 0 }, tm[N_H] = { 0 };
	for (int j = 0; j < N_H; j++)
		for (int i = 0; i < N_H; i++)
			W[j][i] = w3(i, j);
	int count[3] = { 0 };
	double moved = 0;
	for (int k = 0; k < N_K; k++) {
		double xh[N_H] = { 0 }, xm[N_H], xo[N_H] = { 0 }, hprev[N_H], mprev[N_H], nout = 0;
		memcpy(hprev, hid, sizeof hid), memcpy(mprev, mod, sizeof mod);
		for (int j = 0; j < N_H; j++) {
			for (int i = 0; i < N_IN; i++)
				xh[j] += w1(i, j) * (k ? xin[(k - 1) * N_IN + i] : 0);
			xm[j] = 4.0 * (k ? xmod[(k - 1) * N_H + j] : 0);
			nout += out[j];
		}
		for (int j = 0; j < N_H; j++) {
			for (int i = 0; i < N_H; i++)
				xo[j] += W[j][i] * hprev[i];
			xo[j] -= 0.5 * (nout - out[j]);          /* Wrec: all but the self pair */
		}
		layer_step(N_H, 5, vh, hid, xh);
		layer_step(N_H, 3, vm, mod, xm);
		layer_step(N_H, 5, vo, out, xo);
		for (int i = 0; i < N_H; i++) {         /* the ternary rule of step k */
			te[i] = fmin(hprev[i] + 0.8 * te[i], 10);
			tm[i] = fmin(mprev[i] + 0.8 * tm[i], 10);
		}
		for (int j = 0; j < N_H; j++)
			to[j] = fmin(out[j] + 0.8 * to[j], 10);
		for (int j = 0; j < N_H; j++)
			for (int i = 0; i < N_H; i++) {
				double d = tm[i] * (0.02 * out[j] * te[i] - 0.025 * to[j] * hprev[i]);
				W[j][i] = fmax(fmin(W[j][i] + d, 1), -1);
				moved = fmax(moved, fabs(W[j][i] - w3(i, j)));
			}
		for (int j = 0; j < N_H; j++) {
			ck_assert_msg(sh[k * N_H + j] == hid[j] && sm[k * N_H + j] == mod[j] && so[k * N_H + j] == out[j],
				      "step %d, neuron %d: spikes Hid %d Mod %d Out %d, replay %g %g %g", k, j,
				      sh[k * N_H + j], sm[k * N_H + j], so[k * N_H + j], hid[j], mod[j], out[j]);
			ck_assert_msg(fabs(rv.data[k * N_H + j] - vo[j]) <= 1e-9, "step %d: Out.v[%d] %.17g, "
				      "replay %.17g", k, j, rv.data[k * N_H + j], vo[j]);
			count[0] += hid[j] > 0, count[1] += mod[j] > 0, count[2] += out[j] > 0;
		}
		for (int q = 0; q < N_H * N_H; q++) {
			int i = (int)pre.data[q], j = (int)post.data[q];
			ck_assert_msg(fabs(rw.data[k * N_H * N_H + q] - W[j][i]) <= 1e-9, "step %d, W3 %d->%d: "
				      "%.17g, replay %.17g", k, i, j, rw.data[k * N_H * N_H + q], W[j][i]);
		}
	}
	/* every layer fires and the two-presynaptic synapse learns */
	ck_assert_msg(count[0] > 50 && count[1] > 50 && count[2] > 50 && moved > 0.05,
		      "spikes %d %d %d, W moved %g", count[0], count[1], count[2], moved);
	snn_npy_free(&rv), snn_npy_free(&rw), snn_npy_free(&pre), snn_npy_free(&post);
	free(sh), free(sm), free(so), free(m);
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
	tcase_add_test(tc, test_mse);
	tcase_add_test(tc, test_modulated);
	tcase_add_test(tc, test_ternary);
	tcase_add_test(tc, test_one_to_one);
	tcase_add_test(tc, test_transform);
	tcase_add_test(tc, test_spikingnet);
	suite_add_tcase(s, tc);
	return s;
}
