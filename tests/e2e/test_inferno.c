/*
 * test_inferno.c — inferno's DelayAdjustedMSTDPD as examples/inferno_mstdpd.snn
 * writes it, and the network of examples/inferno_delay_learning.snn, end to
 * end.
 *
 * The reference is the equation of the seed page (001), replayed here step
 * by step from the spike trains alone, never from the .snn text:
 *
 *     d += |gamma| M zeta,   clipped to [0, max_delay]
 *     zeta = eta- e^{-|tD|/tau-} [tD >= 0] + eta+ e^{-|tD|/tau+} [tD < 0]
 *     tD = t_post^f - t_pre^f - d
 *
 * with t^f the stamp of each neuron's most recent spike (trace mode
 * nearest; cumulative sums each term over all of the partner's spikes).
 * The rule runs in phase 2 of a step (LANGUAGE.md §4), before the
 * thresholds: the update of step s sees the spikes of the steps before s.  The postsynaptic side is a
 * neuron a teacher fires: a teacher spike in step k makes it spike in step
 * k + 1 (its input is read the step after).
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "e2e_util.h"

#define DT 1e-4
#define MS 1e-3
#define NPRE 3
#define NPOST 2
#define NSYN (NPRE * NPOST)
#define STEPS 2000

/* -------------------------------------------------------- the harness */

/* The rule's parameters, SI. */
typedef struct {
	double eta_neg, eta_pos, tc_neg, tc_pos, gamma, tol;
	double M;               /* the reward, constant over the run ... */
	const double *Ms;       /* ... unless given per step (--input reward=) */
	int cumulative;         /* trace mode: 1 cumulative, 0 nearest */
	double maxd;
} Rule;

static Rule rule(double eta_neg, double eta_pos)
{
	return (Rule){ eta_neg, eta_pos, 10 * MS, 7 * MS, 1, 0, 1, NULL, 0, 50 * MS };
}

/* Spike trains: pre[s][i] and post[s][o] are 1 when that neuron spikes in
 * step s. */
typedef struct {
	char pre[STEPS][NPRE], post[STEPS][NPOST];
} Trains;

/* Initial delays, the same formula as the model's `delay =` below. */
static double d0_of(int o, int i)
{
	return 2.03 * MS + 1.51 * MS * i + 0.73 * MS * o;
}
#define D0_TEXT "2.03 ms + 1.51 ms * pre.i + 0.73 ms * post.i"

/* A few spikes per 20 ms from a fixed LCG; none in step 0. */
static void random_trains(Trains *tr, unsigned seed)
{
	memset(tr, 0, sizeof *tr);
	for (int s = 1; s < STEPS; s++) {
		for (int i = 0; i < NPRE; i++) {
			seed = seed * 1103515245u + 12345u;
			tr->pre[s][i] = (seed >> 8) % 1000 < 6;
		}
		for (int o = 0; o < NPOST; o++) {
			seed = seed * 1103515245u + 12345u;
			tr->post[s][o] = (seed >> 8) % 1000 < 4;
		}
	}
}

/* zeta of synapse (i -> o) in step s, the last spikes seen in steps lpre
 * and lpost, the delay read as dq.  Cumulative traces: the causal term is
 * summed over every presynaptic spike k, sum_k exp(-(t_post^f - t_k -
 * d)/tau-), the acausal one over every postsynaptic spike l, sum_l
 * exp(-(t_pre^f + d - t_l)/tau+) (all of them are on the term's side of the
 * pair when the most recent ones are). */
static double zeta(const Trains *tr, const Rule *r, int s, int o, int i, int lpre, int lpost,
		   double dq)
{
	double tpost = (lpost + 1) * DT, tpre = (lpre + 1) * DT, td = tpost - tpre - dq, z = 0;
	if (!r->cumulative)
		return td >= 0 ? r->eta_neg * exp(-fabs(td) / r->tc_neg)
			       : r->eta_pos * exp(-fabs(td) / r->tc_pos);
	for (int k = 0; k < s; k++) {
		if (td >= 0 && tr->pre[k][i])
			z += r->eta_neg * exp(-(tpost - (k + 1) * DT - dq) / r->tc_neg);
		if (td < 0 && tr->post[k][o])
			z += r->eta_pos * exp(-(tpre + dq - (k + 1) * DT) / r->tc_pos);
	}
	return z;
}

/* The page's equation, replayed: rd[s][o][i] is the delay of synapse
 * (i -> o) after step s. */
static void replay(const Trains *tr, const Rule *r, double rd[STEPS][NPOST][NPRE])
{
	for (int o = 0; o < NPOST; o++)
		for (int i = 0; i < NPRE; i++) {
			double d = fmin(fmax(d0_of(o, i), 0), r->maxd);
			int lpre = -1, lpost = -1;    /* last spike steps seen */
			for (int s = 0; s < STEPS; s++) {
				if (lpre >= 0 && lpost >= 0) {
					/* interp tolerance: within tol of a whole step, that step */
					double grid = floor(d / DT + 0.5) * DT;
					double dq = fabs(d - grid) <= r->tol ? grid : d;
					double M = r->Ms ? r->Ms[s] : r->M;
					d += fabs(r->gamma) * M * zeta(tr, r, s, o, i, lpre, lpost, dq);
					d = fmin(fmax(d, 0), r->maxd);
				}
				rd[s][o][i] = d;
				if (tr->pre[s][i])
					lpre = s;
				if (tr->post[s][o])
					lpost = s;
			}
		}
}

static void append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
		va_end(ap);
		ck_assert(n >= 0);
		if ((size_t)n < *cap - *len) {
			*len += (size_t)n;
			return;
		}
		*cap = 2 * *cap + (size_t)n;
		*buf = realloc(*buf, *cap);
		ck_assert(*buf != NULL);
	}
}

/* Times and indices of a spikes() generator that fires x[s][j] (row
 * stride `n`) in step s + shift. */
static void spike_list(const char *x, int n, int shift, char **t, char **idx)
{
	size_t tl = 0, tc = 256, il = 0, ic = 256;
	*t = malloc(tc), *idx = malloc(ic);
	ck_assert(*t && *idx);
	**t = **idx = 0;
	for (int s = 0; s < STEPS; s++)
		for (int j = 0; j < n; j++)
			if (x[s * n + j]) {
				append(t, &tl, &tc, "%s%.1f ms", tl ? ", " : "", (s + shift + 1) * 0.1);
				append(idx, &il, &ic, "%s%d", il ? ", " : "", j);
			}
}

static const char *model_fmt =
	"import \"%s/examples/inferno_mstdpd.snn\"\n"
	"neuron Forced {\n"
	"	input go\n"
	"	state v : V = 0 V\n"
	"	spike when go > 0.5\n"
	"}\n"
	"synapse Go {\n"
	"	on pre { post.go += 1 }\n"
	"}\n"
	"network T {\n"
	"	dt = 0.1 ms\n"
	"	pop A = spikes(%d, times = [%s], index = [%s])\n"
	"	pop Teach = spikes(%d, times = [%s], index = [%s])\n"
	"	global reward = 1\n"
	"	pop B = Forced(%d)\n"
	"	connect Teach -> B : Go(one_to_one)\n"
	"	connect A -> B : DelayAdjustedMSTDPD(max_delay = %.17g ms, delay = %s) as syn { M = reward }\n"
	"	record syn.delay\n"
	"	record syn.arrivals\n"
	"	record B.spikes\n"
	"	run %.1f ms\n"
	"}\n";

static const char *root(void)
{
	static char buf[E2E_PATH];
	const char *r = getenv("SNNC_ROOT");
	ck_assert_msg(realpath(r && *r ? r : ".", buf) != NULL, "SNNC_ROOT");
	return buf;
}

/* Builds the model for these trains and this max_delay as dir/NAME. */
static void build(const char *dir, const char *name, const Trains *tr, double maxd)
{
	char *pt, *pi, *tt, *ti;
	spike_list(&tr->pre[0][0], NPRE, 0, &pt, &pi);
	spike_list(&tr->post[0][0], NPOST, -1, &tt, &ti);    /* the teacher: a step before */
	size_t n = strlen(model_fmt) + strlen(pt) + strlen(pi) + strlen(tt) + strlen(ti) + 1024;
	char *text = malloc(n);
	ck_assert(text != NULL);
	snprintf(text, n, model_fmt, root(), NPRE, pt, pi, NPOST, tt, ti, NPOST, maxd / MS,
		 D0_TEXT, STEPS * 0.1);
	e2e_build(dir, name, text);
	free(text), free(pt), free(pi), free(tt), free(ti);
}

/* --set arguments for a rule (max_delay is the model's); a reward given
 * per step is dir/r.npy. */
static void sets(char *buf, size_t len, const Rule *r)
{
	char m[64];
	if (r->Ms)
		e2e_fmt(m, sizeof m, "--input reward=r.npy");
	else
		e2e_fmt(m, sizeof m, "--set reward=%.17g", r->M);
	e2e_fmt(buf, len, "--set syn.eta_neg=%.17gs --set syn.eta_pos=%.17gs --set syn.tc_neg=%.17gs "
		"--set syn.tc_pos=%.17gs --set syn.gamma=%.17g --set syn.tol=%.17gs --set syn.cumulative=%d %s",
		r->eta_neg, r->eta_pos, r->tc_neg, r->tc_pos, r->gamma, r->tol, r->cumulative, m);
}

/* What one run recorded, by [step][post][pre]. */
typedef struct {
	double d[STEPS][NPOST][NPRE], n[STEPS][NPOST][NPRE];
} Run;

static void load_run(const char *dir, const char *out, Run *run)
{
	snn_npy_array d, n, pre, post;
	e2e_load(dir, out, "syn.delay.npy", &d);
	e2e_load(dir, out, "syn.arrivals.npy", &n);
	e2e_load(dir, out, "syn.pre.npy", &pre);
	e2e_load(dir, out, "syn.post.npy", &post);
	ck_assert_int_eq(d.count, (int64_t)STEPS * NSYN);
	ck_assert_int_eq(pre.count, NSYN);
	for (int k = 0; k < NSYN; k++) {
		int i = (int)pre.data[k], o = (int)post.data[k];
		ck_assert(i >= 0 && i < NPRE && o >= 0 && o < NPOST);
		for (int s = 0; s < STEPS; s++) {
			run->d[s][o][i] = d.data[s * NSYN + k];
			run->n[s][o][i] = n.data[s * NSYN + k];
		}
	}
	snn_npy_free(&d), snn_npy_free(&n), snn_npy_free(&pre), snn_npy_free(&post);
}

/* Runs dir/BIN under rule r into OUT and loads it. */
static void run_rule(const char *dir, const char *bin, const char *out, const Rule *r, Run *run)
{
	char args[1024];
	sets(args, sizeof args, r);
	e2e_sim(dir, bin, out, args);
	load_run(dir, out, run);
}

/* Recorded delays equal the replay of rule r, every step, every synapse. */
static void same_as_replay(const Run *run, const Trains *tr, const Rule *r, const char *what)
{
	static double rd[STEPS][NPOST][NPRE];
	replay(tr, r, rd);
	for (int s = 0; s < STEPS; s++)
		for (int o = 0; o < NPOST; o++)
			for (int i = 0; i < NPRE; i++)
				ck_assert_msg(fabs(run->d[s][o][i] - rd[s][o][i]) <= 1e-15,
					      "%s: step %d synapse %d->%d: delay %.17g, the page's "
					      "equation %.17g", what, s, i, o, run->d[s][o][i], rd[s][o][i]);
}

static Trains trains;
static Run runa, runb;

/* ------------------------------------------------- against the page */

/* The four sign modes, each with M = 1 and M = -0.5, gamma = 0.8: the
 * recorded delays are the page's equation, step by step. */
START_TEST(test_modes_replay)
{
	static const double eta[4][2] = {
		{ -2e-6, 3e-6 }, { 3e-6, -2e-6 }, { -5e-7, -8e-7 }, { 8e-7, 5e-7 },
	};
	static const char *name[4] = { "Hebbian", "anti-Hebbian", "potentiative", "depressive" };
	char dir[E2E_PATH], what[64];
	random_trains(&trains, 1);
	e2e_tmpdir(dir, sizeof dir);
	build(dir, "m", &trains, 50 * MS);
	for (int m = 0; m < 4; m++)
		for (int k = 0; k < 2; k++) {
			Rule r = rule(eta[m][0], eta[m][1]);
			r.M = k ? -0.5 : 1, r.gamma = 0.8;
			run_rule(dir, "m", "o", &r, &runa);
			e2e_fmt(what, sizeof what, "%s, M = %g", name[m], r.M);
			same_as_replay(&runa, &trains, &r, what);
			/* and it moved: the replay is not trivially the start */
			ck_assert(runa.d[STEPS - 1][0][0] != d0_of(0, 0));
		}
	e2e_cleanup(dir);
}
END_TEST

/* interp_tolerance: with tol = dt/2 the rule reads the delay rounded to
 * whole steps (the one spikes travel with); it changes the trajectory. */
START_TEST(test_tolerance)
{
	char dir[E2E_PATH];
	random_trains(&trains, 2);
	e2e_tmpdir(dir, sizeof dir);
	build(dir, "m", &trains, 50 * MS);
	Rule r = rule(2e-6, -2e-6);
	r.tol = DT / 2;
	run_rule(dir, "m", "a", &r, &runa);
	same_as_replay(&runa, &trains, &r, "tol = dt/2");
	r.tol = 0;
	run_rule(dir, "m", "b", &r, &runb);
	same_as_replay(&runb, &trains, &r, "tol = 0");
	ck_assert(memcmp(runa.d, runb.d, sizeof runa.d) != 0);
	e2e_cleanup(dir);
}
END_TEST

/* Trace modes: cumulative sums over all of the partner's spikes (the
 * replay sums them one by one), nearest reads the most recent only; with
 * spikes closer than tau the two differ. */
START_TEST(test_trace_modes)
{
	char dir[E2E_PATH];
	random_trains(&trains, 5);
	for (int s = 40; s < STEPS - 30; s += 97)    /* bursts: two spikes 3 steps apart */
		trains.pre[s][s % NPRE] = trains.pre[s + 3][s % NPRE] = 1,
		trains.post[s + 20][s % NPOST] = trains.post[s + 26][s % NPOST] = 1;
	e2e_tmpdir(dir, sizeof dir);
	build(dir, "m", &trains, 50 * MS);
	for (int m = 0; m < 2; m++) {
		Rule r = rule(m ? 2e-6 : -2e-6, m ? -3e-6 : 3e-6);
		r.cumulative = 1;
		run_rule(dir, "m", "c", &r, &runa);
		same_as_replay(&runa, &trains, &r, "cumulative");
		r.cumulative = 0;
		run_rule(dir, "m", "n", &r, &runb);
		same_as_replay(&runb, &trains, &r, "nearest");
		ck_assert(memcmp(runa.d, runb.d, sizeof runa.d) != 0);
	}
	/* the default is cumulative, as on the page */
	Rule r = rule(-2e-6, 3e-6);
	r.cumulative = 1;
	e2e_sim(dir, "m", "dflt", "--set syn.eta_neg=-2e-6s --set syn.eta_pos=3e-6s --set syn.tc_pos=7ms");
	load_run(dir, "dflt", &runb);
	same_as_replay(&runb, &trains, &r, "default");
	e2e_cleanup(dir);
}
END_TEST

/* A reward given per step (--input reward=FILE, value k before step k),
 * changing sign: the update of step s is scaled by M[s]. */
START_TEST(test_reward_input)
{
	char dir[E2E_PATH], path[E2E_PATH];
	static double Ms[STEPS];
	random_trains(&trains, 6);
	for (int s = 0; s < STEPS; s++)
		Ms[s] = (s / 150) % 3 == 1 ? -1.5 : (s / 150) % 3 == 2 ? 0 : 0.75;
	e2e_tmpdir(dir, sizeof dir);
	build(dir, "m", &trains, 50 * MS);
	const int64_t K = STEPS;
	e2e_fmt(path, sizeof path, "%s/r.npy", dir);
	ck_assert_int_eq(snn_npy_save(path, SNN_T_F64, 1, &K, Ms), 0);
	Rule r = rule(3e-6, -2e-6);
	r.Ms = Ms, r.cumulative = 1;
	run_rule(dir, "m", "o", &r, &runa);
	same_as_replay(&runa, &trains, &r, "reward per step");
	/* where M = 0 nothing moves */
	for (int s = 301; s < 450; s++)
		ck_assert(memcmp(runa.d[s], runa.d[s - 1], sizeof runa.d[s]) == 0);
	e2e_cleanup(dir);
}
END_TEST

/* -------------------------------------------------------- directions */

/* One pre spike in step 100; post 0 spikes 50 steps later, post 1 30 steps
 * later: offsets 5 ms and 3 ms.  Every delay starts at 4 ms, so tD = +1 ms
 * (causal) on synapse 0 and -1 ms on synapse 1.  Per mode, the signs of
 * the changes once both have spiked (step 151 on: post 0's spike is in
 * step 150, post 1's in step 130). */
static const char *dir_model =
	"import \"%s/examples/inferno_mstdpd.snn\"\n"
	"neuron Forced {\n"
	"	input go\n"
	"	state v : V = 0 V\n"
	"	spike when go > 0.5\n"
	"}\n"
	"synapse Go {\n"
	"	on pre { post.go += 1 }\n"
	"}\n"
	"network D {\n"
	"	dt = 0.1 ms\n"
	"	pop A = spikes(1, times = [10.1 ms])\n"
	"	pop Teach = spikes(2, times = [15 ms, 13 ms], index = [0, 1])\n"
	"	pop B = Forced(2)\n"
	"	connect Teach -> B : Go(one_to_one)\n"
	"	global reward = 1\n"
	"	connect A -> B : DelayAdjustedMSTDPD(max_delay = 20 ms, delay = 4 ms, cumulative = 0) as syn "
	"{ M = reward }\n"
	"	record syn.delay\n"
	"	run 100 ms\n"
	"}\n";

#define DSTEPS 1000

typedef struct {
	double d[DSTEPS][2];   /* by post (the pre is one neuron, synapse j = post j) */
} DirRun;

static void dir_run(const char *dir, const char *out, double en, double ep, double M, double gamma,
		    DirRun *r)
{
	char args[256];
	e2e_fmt(args, sizeof args, "--set syn.eta_neg=%.17gs --set syn.eta_pos=%.17gs --set reward=%g "
		"--set syn.gamma=%g", en, ep, M, gamma);
	e2e_sim(dir, "d", out, args);
	snn_npy_array d, post;
	e2e_load(dir, out, "syn.delay.npy", &d);
	e2e_load(dir, out, "syn.post.npy", &post);
	ck_assert_int_eq(d.count, DSTEPS * 2);
	for (int k = 0; k < 2; k++)
		for (int s = 0; s < DSTEPS; s++)
			r->d[s][(int)post.data[k]] = d.data[s * 2 + k];
	snn_npy_free(&d), snn_npy_free(&post);
}

/* The sign of every change on synapse j from step `from` on: +1 all
 * increases (or no change), -1 all decreases, 0 both or none. */
static int direction(const DirRun *r, int j, int from)
{
	int up = 0, down = 0;
	for (int s = from; s < DSTEPS; s++) {
		up += r->d[s][j] > r->d[s - 1][j];
		down += r->d[s][j] < r->d[s - 1][j];
	}
	return up && !down ? 1 : down && !up ? -1 : 0;
}

static DirRun dr, dr2;

START_TEST(test_directions)
{
	char dir[E2E_PATH], text[4096];
	e2e_tmpdir(dir, sizeof dir);
	snprintf(text, sizeof text, dir_model, root());
	e2e_build(dir, "d", text);
	const double e = 2e-5;    /* 0.02 ms per step */
	/* before both have spiked, nothing moves */
	dir_run(dir, "h", -e, e, 1, 1, &dr);
	for (int s = 0; s <= 130; s++)
		ck_assert(dr.d[s][0] == 4 * MS && dr.d[s][1] == 4 * MS);
	ck_assert(dr.d[131][1] != 4 * MS && dr.d[150][0] == 4 * MS);
	/* Hebbian, M > 0: away from the offsets (5 ms and 3 ms): 0 shrinks,
	 * 1 grows, |tD| grows on both */
	ck_assert_int_eq(direction(&dr, 0, 151), -1);
	ck_assert_int_eq(direction(&dr, 1, 131), 1);
	ck_assert(dr.d[DSTEPS - 1][0] < 3 * MS && dr.d[DSTEPS - 1][1] > 5 * MS);
	/* the first step's change is the equation's */
	ck_assert(fabs(dr.d[151][0] - (4 * MS - e * exp(-1.0 / 10))) < 1e-17);
	ck_assert(fabs(dr.d[131][1] - (4 * MS + e * exp(-1.0 / 10))) < 1e-17);
	/* M < 0 flips the sign of every change: toward the offsets, the first
	 * changes exactly negated */
	dir_run(dir, "hm", -e, e, -1, 1, &dr2);
	ck_assert(fabs((dr2.d[151][0] - 4 * MS) + (dr.d[151][0] - 4 * MS)) < 2e-18);
	ck_assert(fabs((dr2.d[131][1] - 4 * MS) + (dr.d[131][1] - 4 * MS)) < 2e-18);
	ck_assert(dr2.d[151][0] > 4 * MS && dr2.d[131][1] < 4 * MS);
	ck_assert(fabs(dr2.d[DSTEPS - 1][0] - 5 * MS) <= e && fabs(dr2.d[DSTEPS - 1][1] - 3 * MS) <= e);
	/* anti-Hebbian, M > 0: toward, and it stays within one step's change */
	dir_run(dir, "a", e, -e, 1, 1, &dr);
	ck_assert(dr.d[160][0] > 4 * MS && dr.d[140][1] < 4 * MS);
	for (int s = 300; s < DSTEPS; s++)
		ck_assert_msg(fabs(dr.d[s][0] - 5 * MS) <= e && fabs(dr.d[s][1] - 3 * MS) <= e,
			      "anti-Hebbian step %d: %g ms, %g ms", s, dr.d[s][0] / MS, dr.d[s][1] / MS);
	/* the one-sided modes: one way only, whatever the side of the pair */
	dir_run(dir, "p", -e, -e, 1, 1, &dr);
	ck_assert_int_eq(direction(&dr, 0, 151), -1);
	ck_assert_int_eq(direction(&dr, 1, 131), -1);
	dir_run(dir, "pm", -e, -e, -1, 1, &dr2);
	ck_assert_int_eq(direction(&dr2, 0, 151), 1);
	ck_assert_int_eq(direction(&dr2, 1, 131), 1);
	dir_run(dir, "dd", e, e, 1, 1, &dr);
	ck_assert_int_eq(direction(&dr, 0, 151), 1);
	ck_assert_int_eq(direction(&dr, 1, 131), 1);
	/* |gamma| scales (the page: its absolute value is used) */
	dir_run(dir, "g", e, e, 1, -0.5, &dr2);
	ck_assert(fabs((dr2.d[151][0] - 4 * MS) - 0.5 * (dr.d[151][0] - 4 * MS)) < 2e-18);
	ck_assert(dr2.d[151][0] > 4 * MS);
	/* M = 0 stops it */
	dir_run(dir, "z", e, e, 0, 1, &dr);
	for (int s = 0; s < DSTEPS; s++)
		ck_assert(dr.d[s][0] == 4 * MS && dr.d[s][1] == 4 * MS);
	e2e_cleanup(dir);
}
END_TEST

/* ------------------------------------------------------------- bounds */

/* Delays stay in [0, max_delay]: the depressive mode runs them into
 * max_delay = 4 ms, the potentiative into 0; both equal the clipped
 * replay, and reach the bound. */
START_TEST(test_bounds)
{
	char dir[E2E_PATH];
	random_trains(&trains, 3);
	e2e_tmpdir(dir, sizeof dir);
	build(dir, "c", &trains, 4 * MS);
	for (int k = 0; k < 2; k++) {
		Rule r = rule(k ? -2e-5 : 2e-5, k ? -2e-5 : 2e-5);
		r.maxd = 4 * MS;
		run_rule(dir, "c", "o", &r, &runa);
		same_as_replay(&runa, &trains, &r, k ? "potentiative" : "depressive");
		int hit = 0;
		for (int s = 0; s < STEPS; s++)
			for (int o = 0; o < NPOST; o++)
				for (int i = 0; i < NPRE; i++) {
					double d = runa.d[s][o][i];
					ck_assert_msg(d >= 0 && d <= 4 * MS, "step %d: %g ms", s, d / MS);
					hit += d == (k ? 0 : 4 * MS);
				}
		ck_assert_msg(hit > 100, "the bound was reached %d times", hit);
	}
	e2e_cleanup(dir);
}
END_TEST

/* ---------------------------------------------------- spikes in flight */

/* The rule moves every delay every step, across whole steps, while spikes
 * are in flight.  Each spike must be delivered exactly once, in step
 * e + round(d_e/dt), d_e the delay its synapse had when it left (phase 4
 * of its step e: the delay recorded in step e, as nothing else writes it
 * after phase 2).  The counts predicted by inferno's way on the same
 * delays (every step reads the input history at the current delay, so a
 * spike can land twice or never) differ: the test tells the two apart. */
START_TEST(test_in_flight)
{
	char dir[E2E_PATH];
	random_trains(&trains, 4);
	for (int s = 1; s < STEPS; s += 7)      /* dense input: many spikes in flight */
		trains.pre[s][s % NPRE] = 1;
	e2e_tmpdir(dir, sizeof dir);
	build(dir, "f", &trains, 8 * MS);
	Rule r = rule(-1.5e-6, 1.5e-6);          /* Hebbian, fast: delays sweep */
	run_rule(dir, "f", "o", &r, &runa);
	same_as_replay(&runa, &trains, &r, "in flight");
	long delivered = 0, sent = 0, crossed = 0, theirs_off = 0;
	for (int o = 0; o < NPOST; o++)
		for (int i = 0; i < NPRE; i++) {
			static int want[STEPS];
			memset(want, 0, sizeof want);
			for (int e = 0; e < STEPS; e++) {
				if (!trains.pre[e][i])
					continue;
				int k = (int)floor(runa.d[e][o][i] / DT + 0.5);
				sent++;
				if (e + k < STEPS)
					want[e + k]++;
				/* did its synapse's delay cross a step while it flew? */
				for (int s = e + 1; s < e + k && s < STEPS; s++)
					if ((int)floor(runa.d[s][o][i] / DT + 0.5) != k) {
						crossed++;
						break;
					}
			}
			/* inferno's way on the same delays: step s reads the input of
			 * step s - round(d_s/dt) */
			int cum = 0, theirs = 0, differ = 0;
			for (int s = 0; s < STEPS; s++) {
				int e = s - (int)floor(runa.d[s][o][i] / DT + 0.5);
				theirs += e >= 0 && trains.pre[e][i];
				cum += want[s];
				differ |= theirs != cum;
				ck_assert_msg(runa.n[s][o][i] == cum, "synapse %d->%d step %d: %g arrivals, "
					      "expected %d", i, o, s, runa.n[s][o][i], cum);
			}
			theirs_off += differ;
			delivered += cum;
		}
	ck_assert_msg(crossed > 20, "only %ld spikes saw their delay change in flight", crossed);
	ck_assert_msg(theirs_off > 0, "inferno's reading would deliver the same spikes");
	/* all but those still in flight at the end were delivered, once */
	ck_assert(delivered <= sent && delivered > sent - 3 * NSYN);
	e2e_cleanup(dir);
}
END_TEST

/* ------------------------------------------------------------ example */

/* examples/inferno_delay_learning.snn: inputs spiking at 2 ms and 6 ms of
 * each 20 ms period learn (anti-Hebbian) delays that bring both to the
 * neuron's spike at 12.1 ms: in the last period both arrive in the step of
 * the output spike.  The Hebbian mode (signs flipped) drives them away. */
START_TEST(test_example)
{
	char file[E2E_PATH], dir[E2E_PATH];
	e2e_fmt(file, sizeof file, "%s/examples/inferno_delay_learning.snn", root());
	e2e_tmpdir(dir, sizeof dir);
	ck_assert_int_eq(e2e_run(dir, "'%s' build '%s' -o idl", e2e_snnc(), file), 0);
	e2e_sim(dir, "idl", "anti", NULL);
	e2e_sim(dir, "idl", "hebb", "--set syn.eta_neg=-0.02ms --set syn.eta_pos=0.02ms");
	e2e_sim(dir, "idl", "neg", "--set reward=-1");
	snn_npy_array d, h, a, st, ng;
	e2e_load(dir, "anti", "syn.delay.npy", &d);
	e2e_load(dir, "hebb", "syn.delay.npy", &h);
	e2e_load(dir, "anti", "syn.arrived.npy", &a);
	e2e_load(dir, "anti", "Out.spikes.t.npy", &st);
	ck_assert_int_eq(d.count, 1000);
	double d0 = d.data[998], d1 = d.data[999];
	ck_assert_msg(fabs(d0 - 10.1 * MS) < 0.05 * MS && fabs(d1 - 6.1 * MS) < 0.05 * MS,
		      "learned %g ms and %g ms", d0 / MS, d1 / MS);
	/* the last arrivals (at 482 ms + d0, 486 ms + d1): the same step, the
	 * step of the last output spike */
	double a0 = a.data[998], a1 = a.data[999], last = st.data[st.count - 1];
	ck_assert_msg(fabs(a0 - a1) < DT / 2, "last arrivals at %.4f ms and %.4f ms", a0 / MS, a1 / MS);
	ck_assert_msg(fabs(a0 - last) < DT / 2 && fabs(last - 492.1 * MS) < DT / 2,
		      "arrivals at %.4f ms, output spike at %.4f ms", a0 / MS, last / MS);
	/* at the start they were 4 ms apart (1 ms delays) */
	ck_assert_msg(h.data[998] < 1 * MS, "Hebbian: input 0 at %g ms", h.data[998] / MS);
	/* the reward is bound to the global: M = -1 turns anti-Hebbian into Hebbian */
	e2e_load(dir, "neg", "syn.delay.npy", &ng);
	ck_assert(memcmp(ng.data, h.data, (size_t)h.count * sizeof(double)) == 0);
	snn_npy_free(&d), snn_npy_free(&h), snn_npy_free(&a), snn_npy_free(&st), snn_npy_free(&ng);
	e2e_cleanup(dir);
}
END_TEST

Suite *suite_inferno(void)
{
	Suite *s = suite_create("inferno");
	TCase *tc = tcase_create("inferno");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_modes_replay);
	tcase_add_test(tc, test_tolerance);
	tcase_add_test(tc, test_trace_modes);
	tcase_add_test(tc, test_reward_input);
	tcase_add_test(tc, test_directions);
	tcase_add_test(tc, test_bounds);
	tcase_add_test(tc, test_in_flight);
	tcase_add_test(tc, test_example);
	suite_add_tcase(s, tc);
	return s;
}
