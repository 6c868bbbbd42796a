/*
 * test_third_factor.c — network globals, the network's on tick and
 * --input (LANGUAGE.md §4, issue 7 stage 2), end to end.
 *
 * References come from the contract alone: the values a file gives per
 * step (computed here from the array the test wrote), and reductions
 * recomputed here from the recorded spikes and states.  Samples are
 * stamped (n+1)·dt, so row n is step n.
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "e2e_util.h"

#define DT 1e-4
#define MS 1e-3

/* A global read by the network's on tick: `seen` copies what `reward`
 * holds in each step (after --set or --input), `twice` doubles it. */
static const char *global_model =
	"neuron N {\n"
	"	state v = 0\n"
	"	dv/dt = -v / (10 ms)\n"
	"}\n"
	"network G {\n"
	"	dt = 0.1 ms\n"
	"	global reward = 0.5\n"
	"	global seen = 0, twice = 0\n"
	"	global g : nS = 1 nS\n"
	"	pop P = N(2)\n"
	"	on tick {\n"
	"		seen = reward\n"
	"		twice = 2 * reward\n"
	"	}\n"
	"	record reward\n"
	"	record seen\n"
	"	record twice\n"
	"	record g\n"
	"	run 2 ms\n"
	"}\n";

static void load_out(const char *dir, const char *out, const char *stem, snn_npy_array *a)
{
	char name[128];
	e2e_fmt(name, sizeof name, "%s.npy", stem);
	e2e_load(dir, out, name, a);
}

START_TEST(test_global_set)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "g", global_model);
	e2e_sim(dir, "g", "d", NULL);
	e2e_sim(dir, "g", "s", "--set reward=-3 --set g=2nS");
	snn_npy_array d, s, tw, g, t;
	load_out(dir, "d", "seen", &d);
	load_out(dir, "s", "seen", &s);
	load_out(dir, "s", "twice", &tw);
	load_out(dir, "s", "g", &g);
	e2e_load(dir, "s", "seen.t.npy", &t);
	ck_assert_int_eq(d.ndim, 1);             /* a global: shape [samples] */
	ck_assert_int_eq(s.count, 20);
	ck_assert_int_eq(t.count, 20);
	for (int64_t n = 0; n < s.count; n++) {
		ck_assert_msg(d.data[n] == 0.5, "default: seen[%lld] = %g", (long long)n, d.data[n]);
		ck_assert_msg(s.data[n] == -3 && tw.data[n] == -6, "--set: seen[%lld] = %g", (long long)n,
			      s.data[n]);
		ck_assert(g.data[n] == 2e-9);     /* SI: siemens */
		ck_assert(fabs(t.data[n] - (n + 1) * DT) < 1e-15);
	}
	snn_npy_free(&d), snn_npy_free(&s), snn_npy_free(&tw), snn_npy_free(&g), snn_npy_free(&t);
	/* the unit of g is in meta.json */
	ck_assert_int_eq(e2e_run(dir, "grep -q '\"g\": \"siemens\"' s/meta.json"), 0);
	e2e_cleanup(dir);
}
END_TEST

static void save(const char *dir, const char *name, int ndim, const int64_t *shape, const double *x)
{
	char path[E2E_PATH];
	e2e_fmt(path, sizeof path, "%s/%s", dir, name);
	ck_assert_int_eq(snn_npy_save(path, SNN_T_F64, ndim, shape, x), 0);
}

/* One value per step, fewer values than steps: the last holds. */
START_TEST(test_input_per_step)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "g", global_model);
	const double v[] = { 1, -2, 3.25, 4, 0, 7e3, -1.5 };
	const int64_t K = 7;
	save(dir, "r.npy", 1, &K, v);
	e2e_sim(dir, "g", "o", "--input reward=r.npy");
	snn_npy_array s, r;
	load_out(dir, "o", "seen", &s);
	load_out(dir, "o", "reward", &r);
	ck_assert_int_eq(s.count, 20);
	for (int64_t n = 0; n < s.count; n++) {
		double want = v[n < K ? n : K - 1];
		ck_assert_msg(s.data[n] == want && r.data[n] == want, "step %lld: seen %g, recorded %g, "
			      "file %g", (long long)n, s.data[n], r.data[n], want);
	}
	snn_npy_free(&s), snn_npy_free(&r);
	e2e_cleanup(dir);
}
END_TEST

/* [2, K] times and values, piecewise constant: value k from the step
 * round(t_k/dt) on; before the first time the global keeps its value (here
 * the one --set gave). */
START_TEST(test_input_times)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "g", global_model);
	const double tv[] = { 0.3e-3, 0.74e-3, 0.76e-3, 1.2e-3,    /* times */
			      10, 20, 30, 40 };                      /* values */
	const int64_t shape[2] = { 2, 4 };
	save(dir, "r.npy", 2, shape, tv);
	e2e_sim(dir, "g", "o", "--set reward=9 --input reward=r.npy");
	snn_npy_array s;
	load_out(dir, "o", "seen", &s);
	ck_assert_int_eq(s.count, 20);
	for (int64_t n = 0; n < s.count; n++) {
		double want = 9;
		for (int k = 0; k < 4; k++)
			if (floor(tv[k] / DT + 0.5) <= n)
				want = tv[4 + k];
		ck_assert_msg(s.data[n] == want, "step %lld: seen %g, want %g", (long long)n, s.data[n], want);
	}
	/* steps 0-2 keep the --set value; 0.74 ms and 0.76 ms round to steps 7
	 * and 8; 1.2 ms is step 12 */
	ck_assert(s.data[2] == 9 && s.data[3] == 10 && s.data[7] == 20 && s.data[8] == 30 &&
		  s.data[11] == 30 && s.data[12] == 40 && s.data[19] == 40);
	snn_npy_free(&s);
	e2e_cleanup(dir);
}
END_TEST

/* A rule reads the global --input drives, through its modulator: one pre
 * spike in every step, `w += m` on each, so w after step n is the sum of
 * the file's values for steps 0..n (the value of step k set before it). */
START_TEST(test_input_seen_by_rule)
{
	char dir[E2E_PATH], times[1024] = "", model[4096];
	e2e_tmpdir(dir, sizeof dir);
	for (int k = 1; k <= 20; k++) {
		size_t n = strlen(times);
		snprintf(times + n, sizeof times - n, "%s%d.0 * 0.1 ms", k > 1 ? ", " : "", k);
	}
	e2e_fmt(model, sizeof model,
		"synapse Add {\n"
		"	state w = 0\n"
		"	modulator m\n"
		"	on pre { w += m }\n"
		"}\n"
		"network In {\n"
		"	dt = 0.1 ms\n"
		"	global reward = 100\n"
		"	pop A = spikes(1, times = [%s])\n"
		"	pop B = spikes(1, times = [50 ms])\n"
		"	connect A -> B : Add(all_to_all) as syn { m = reward }\n"
		"	record syn.w\n"
		"	run 2 ms\n"
		"}\n", times);
	e2e_build(dir, "a", model);
	const double v[] = { 0.5, -1, 2, 0.25, 8 };
	const int64_t K = 5;
	save(dir, "r.npy", 1, &K, v);
	e2e_sim(dir, "a", "o", "--input reward=r.npy");
	snn_npy_array w;
	load_out(dir, "o", "syn.w", &w);
	ck_assert_int_eq(w.count, 20);
	double sum = 0;
	for (int64_t n = 0; n < 20; n++) {
		sum += v[n < K ? n : K - 1];
		ck_assert_msg(w.data[n] == sum, "step %lld: w %g, want %g", (long long)n, w.data[n], sum);
	}
	snn_npy_free(&w);
	e2e_cleanup(dir);
}
END_TEST

/* A bad --input is a bad command line: exit status 2, a message that says
 * what is wrong, and no run. */
START_TEST(test_input_bad)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "g", global_model);
	const double x[6] = { 0, 1, 2, 3, 4, 5 };
	const int64_t s32[2] = { 3, 2 }, s0 = 0, s2[2] = { 2, 3 };
	save(dir, "bad_shape.npy", 2, s32, x);
	save(dir, "empty.npy", 1, &s0, x);
	const double back[6] = { 1e-3, 0.5e-3, 2e-3, 1, 2, 3 };
	save(dir, "back.npy", 2, s2, back);
	const double nan1[2] = { 1, NAN };
	const int64_t s1 = 2;
	save(dir, "nan.npy", 1, &s1, nan1);
	e2e_write(dir, "text.npy", "not an array\n");
	static const struct { const char *arg, *msg; } cases[] = {
		{ "reward=bad_shape.npy", "--input reward=bad_shape.npy: the array has shape [3, 2]: expected "
		  "one value per step (shape [K]) or times and values (shape [2, K])" },
		{ "reward=empty.npy", "--input reward=empty.npy: the array holds no values" },
		{ "reward=back.npy", "--input reward=back.npy: times must be ascending: time 1 (0.0005 s) "
		  "comes before time 0 (0.001 s)" },
		{ "reward=nan.npy", "--input reward=nan.npy: value 1 is not finite (nan)" },
		{ "reward=text.npy", "--input reward: " },
		{ "nope=nan.npy", "--input: no global named 'nope'" },
		{ "P.v=nan.npy", "--input: no global named 'P.v'" },
		{ "reward=missing.npy", "--input reward: " },
	};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		int st = e2e_run(dir, "./g --out o --quiet --input %s 2> err.txt", cases[k].arg);
		ck_assert_msg(st == 2, "--input %s: exit status %d", cases[k].arg, st);
		char buf[1024];
		ck_assert(e2e_read(dir, "err.txt", buf, sizeof buf) > 0);
		ck_assert_msg(strstr(buf, cases[k].msg) != NULL, "--input %s: stderr '%s'", cases[k].arg, buf);
	}
	/* nothing ran */
	ck_assert_int_ne(e2e_run(dir, "test -e o/seen.npy"), 0);
	e2e_cleanup(dir);
}
END_TEST

/* The network's on tick computing count(P.spiked) over a spiking
 * population and a slice, and sum/mean/max of a non-spiking one, against
 * the recorded spikes and states. */
static const char *reduce_model =
	"neuron LIF {\n"
	"	param tau = 10 ms\n"
	"	state v = rand()\n"
	"	input I\n"
	"	tau dv/dt = 1.2 - v + I\n"
	"	spike when v > 1\n"
	"	reset { v = 0 }\n"
	"}\n"
	"neuron Leak {\n"
	"	state u = (i + 1) * 1 mV\n"
	"	dv/dt = 0 / (1 s)\n"
	"	state v = 0\n"
	"	du/dt = -u / (5 ms) + (i - 2) * 1 mV / ms\n"
	"}\n"
	"network R {\n"
	"	dt = 0.1 ms\n"
	"	seed = 3\n"
	"	global c = 0, cq = 0, anyq = 0, total = 0\n"
	"	global su : mV = 0 mV, mu : mV = 0 mV, xu : mV = 0 mV\n"
	"	pop In = poisson(20, rate = 400 Hz)\n"
	"	pop P = LIF(30)\n"
	"	let Q = P[5:17]\n"
	"	pop L = Leak(6)\n"
	"	connect In -> P : Kick(p = 0.3)\n"
	"	on tick {\n"
	"		c = count(P.spiked)\n"
	"		cq = count(Q.spiked)\n"
	"		anyq = any(Q.spiked) ? 1 : 0\n"
	"		total += count(P.spiked)\n"
	"		su = sum(L.u)\n"
	"		mu = mean(L.u)\n"
	"		xu = max(L[1:4].u)\n"
	"	}\n"
	"	record P.spikes\n"
	"	record L.u\n"
	"	record c\n"
	"	record cq\n"
	"	record anyq\n"
	"	record total\n"
	"	record su\n"
	"	record mu\n"
	"	record xu\n"
	"	run 30 ms\n"
	"}\n"
	"synapse Kick { on pre { post.I += 0.5 } }\n";

START_TEST(test_net_tick_reductions)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "r", reduce_model);
	e2e_sim(dir, "r", "o", NULL);
	snn_npy_array st, si, c, cq, anyq, total, u, su, mu, xu;
	e2e_load(dir, "o", "P.spikes.t.npy", &st);
	e2e_load(dir, "o", "P.spikes.i.npy", &si);
	load_out(dir, "o", "c", &c);
	load_out(dir, "o", "cq", &cq);
	load_out(dir, "o", "anyq", &anyq);
	load_out(dir, "o", "total", &total);
	load_out(dir, "o", "L.u", &u);
	load_out(dir, "o", "su", &su);
	load_out(dir, "o", "mu", &mu);
	load_out(dir, "o", "xu", &xu);
	int64_t steps = c.count;
	ck_assert_int_eq(steps, 300);
	double want_c[300] = { 0 }, want_q[300] = { 0 };
	for (int64_t k = 0; k < st.count; k++) {
		int64_t n = (int64_t)floor(st.data[k] / DT + 0.5) - 1;
		ck_assert(n >= 0 && n < steps);
		want_c[n]++;
		want_q[n] += si.data[k] >= 5 && si.data[k] < 17;
	}
	ck_assert_msg(st.count > 50, "only %lld spikes: the test shows little", (long long)st.count);
	double run = 0;
	int64_t qsteps = 0;
	for (int64_t n = 0; n < steps; n++) {
		run += want_c[n];
		qsteps += want_q[n] > 0;
		ck_assert_msg(c.data[n] == want_c[n], "step %lld: count %g, spikes %g", (long long)n, c.data[n],
			      want_c[n]);
		ck_assert(cq.data[n] == want_q[n]);
		ck_assert(anyq.data[n] == (want_q[n] > 0));
		ck_assert(total.data[n] == run);
		/* L has no reset: what the tick read is what phase 6 recorded */
		double s = 0, x = -INFINITY;
		for (int j = 0; j < 6; j++)
			s += u.data[n * 6 + j];
		for (int j = 1; j < 4; j++)
			x = fmax(x, u.data[n * 6 + j]);
		ck_assert_msg(su.data[n] == s, "step %lld: sum %.17g, recomputed %.17g", (long long)n, su.data[n], s);
		ck_assert(mu.data[n] == s / 6);
		ck_assert(xu.data[n] == x);
	}
	ck_assert_msg(qsteps > 5 && qsteps < steps, "Q spiked in %lld steps", (long long)qsteps);
	snn_npy_free(&st), snn_npy_free(&si), snn_npy_free(&c), snn_npy_free(&cq);
	snn_npy_free(&anyq), snn_npy_free(&total), snn_npy_free(&u), snn_npy_free(&su);
	snn_npy_free(&mu), snn_npy_free(&xu);
	e2e_cleanup(dir);
}
END_TEST

/* Img.index in the network's on tick: row k is shown in the steps stamped
 * in (k·T, (k+1)·T], wrapping after the last row. */
START_TEST(test_net_tick_index)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	const double x[6] = { 10, 0, 0, 10, 5, 5 };
	const int64_t shape[2] = { 3, 2 };
	save(dir, "img.npy", 2, shape, x);
	e2e_build(dir, "i",
		  "network I {\n"
		  "	dt = 0.1 ms\n"
		  "	global row = -1, shown = 0\n"
		  "	pop Img = from_file(\"img.npy\", present = 0.7 ms)\n"
		  "	on tick {\n"
		  "		row = Img.index\n"
		  "		shown += Img.index == 2 ? 1 : 0\n"
		  "	}\n"
		  "	record row\n"
		  "	record shown\n"
		  "	run 5 ms\n"
		  "}\n");
	e2e_sim(dir, "i", "o", NULL);
	snn_npy_array r, sh;
	load_out(dir, "o", "row", &r);
	load_out(dir, "o", "shown", &sh);
	ck_assert_int_eq(r.count, 50);
	double shown = 0;
	for (int64_t n = 0; n < r.count; n++) {
		/* the stamp (n+1)·dt lies in (k·T, (k+1)·T] for k = ceil((n+1)/7) - 1 */
		int64_t k = ((n + 1) + 6) / 7 - 1;
		ck_assert_msg(r.data[n] == (double)(k % 3), "step %lld: row %g, want %lld", (long long)n,
			      r.data[n], (long long)(k % 3));
		shown += k % 3 == 2;
		ck_assert(sh.data[n] == shown);
	}
	snn_npy_free(&r), snn_npy_free(&sh);
	e2e_cleanup(dir);
}
END_TEST

/* A global that the network's on tick accumulates survives a checkpoint:
 * the restored second half equals the straight run's bit for bit. */
START_TEST(test_checkpoint_globals)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "r", reduce_model);
	e2e_sim(dir, "r", "full", NULL);
	e2e_sim(dir, "r", "a", "--duration 15ms --checkpoint a.ckpt");
	e2e_sim(dir, "r", "b", "--duration 15ms --restore a.ckpt");
	snn_npy_array f, b;
	load_out(dir, "full", "total", &f);
	load_out(dir, "b", "total", &b);
	ck_assert_int_eq(f.count, 300);
	ck_assert_int_eq(b.count, 150);
	ck_assert(memcmp(f.data + 150, b.data, 150 * sizeof(double)) == 0);
	ck_assert_msg(b.data[0] > 0, "total = %g after the restore: the saved value was lost", b.data[0]);
	snn_npy_free(&f), snn_npy_free(&b);
	e2e_cleanup(dir);
}
END_TEST

/* ------------------------------------------------------------ modulators */

/* Reward-modulated STDP with an eligibility trace c (the rule of
 * synapticflow's MSTDP): w changes by eta·m·c at each event, so with w
 * starting at 0 the change under reward -1 is exactly the negation of the
 * change under +1 (rounding is symmetric under negation). */
static const char *mstdp_model =
	"synapse MSTDP {\n"
	"	param tp = 20 ms, tm = 20 ms, ap = 1, am = -1, eta = 0.01\n"
	"	state w = 0, c = 0\n"
	"	pre state xp = 0\n"
	"	post state xm = 0\n"
	"	modulator m\n"
	"	tp dxp/dt = -xp\n"
	"	tm dxm/dt = -xm\n"
	"	on pre {\n"
	"		xp += ap\n"
	"		c += xm\n"
	"		w += eta * m * c\n"
	"	}\n"
	"	on post {\n"
	"		xm += am\n"
	"		c += xp\n"
	"		w += eta * m * c\n"
	"	}\n"
	"	method exact\n"
	"}\n"
	"network M {\n"
	"	dt = 0.1 ms\n"
	"	global reward = 1\n"
	"	pop A = spikes(3, times = [2 ms, 5 ms, 9 ms, 14 ms], index = [0, 1, 2, 0])\n"
	"	pop B = spikes(2, times = [3 ms, 8 ms, 12 ms], index = [0, 1, 1])\n"
	"	connect A -> B : MSTDP(all_to_all) as syn { m = reward }\n"
	"	record syn.w\n"
	"	run 20 ms\n"
	"}\n";

START_TEST(test_reward_sign)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "m", mstdp_model);
	e2e_sim(dir, "m", "p", "--set reward=1");
	e2e_sim(dir, "m", "n", "--set reward=-1");
	e2e_sim(dir, "m", "z", "--set reward=0");
	snn_npy_array p, n, z;
	load_out(dir, "p", "syn.w", &p);
	load_out(dir, "n", "syn.w", &n);
	load_out(dir, "z", "syn.w", &z);
	ck_assert_int_eq(p.count, n.count);
	int64_t moved = 0;
	for (int64_t k = 0; k < p.count; k++) {
		ck_assert_msg(n.data[k] == -p.data[k], "w[%lld]: %.17g under +1, %.17g under -1", (long long)k,
			      p.data[k], n.data[k]);
		ck_assert(z.data[k] == 0);
		moved += p.data[k] != 0;
	}
	ck_assert_msg(moved > p.count / 4, "only %lld samples moved", (long long)moved);
	snn_npy_free(&p), snn_npy_free(&n), snn_npy_free(&z);
	e2e_cleanup(dir);
}
END_TEST

/* A modulator bound to a population variable reads the element of the
 * synapse's post neuron (pre neuron for a `pre modulator`), also through
 * slices on either side. */
static const char *bound_model =
	"neuron K {\n"
	"	state v = 0\n"
	"}\n"
	"synapse Read {\n"
	"	state w = 0, u = 0\n"
	"	modulator m\n"
	"	pre modulator q\n"
	"	on pre {\n"
	"		w += m\n"
	"		u += q\n"
	"	}\n"
	"}\n"
	"network B {\n"
	"	dt = 0.1 ms\n"
	"	pop A = spikes(3, times = [1 ms])\n"
	"	pop Post = spikes(4, times = [50 ms])\n"
	"	pop M = K(4) { v = (i + 1) * 10 }\n"
	"	pop Big = K(7) { v = i * 100 }\n"
	"	pop Q = K(5) { v = i + 0.5 }\n"
	"	let Mid = Big[2:4]\n"
	"	let Tail = Post[2:4]\n"
	"	let Q3 = Q[1:4]\n"
	"	connect A -> Post : Read(all_to_all) as whole { m = M.v, q = Q3.v }\n"
	"	connect A -> Tail : Read(all_to_all) as part { m = Mid.v, q = Q[2:5].v }\n"
	"	record whole.w\n"
	"	record whole.u\n"
	"	record part.w\n"
	"	record part.u\n"
	"	run 2 ms\n"
	"}\n";

START_TEST(test_modulator_population)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "b", bound_model);
	e2e_sim(dir, "b", "o", NULL);
	static const char *conns[] = { "whole", "part" };
	for (int c = 0; c < 2; c++) {
		char name[64];
		snn_npy_array w, u, pre, post;
		e2e_fmt(name, sizeof name, "%s.w", conns[c]);
		load_out(dir, "o", name, &w);
		e2e_fmt(name, sizeof name, "%s.u", conns[c]);
		load_out(dir, "o", name, &u);
		e2e_fmt(name, sizeof name, "%s.pre", conns[c]);
		load_out(dir, "o", name, &pre);
		e2e_fmt(name, sizeof name, "%s.post", conns[c]);
		load_out(dir, "o", name, &post);
		int64_t nsyn = pre.count, last = (w.shape[0] - 1) * nsyn;
		ck_assert_int_eq(nsyn, c ? 6 : 12);
		for (int64_t s = 0; s < nsyn; s++) {
			double j = post.data[s], i = pre.data[s];
			/* whole: M.v[j] = (j+1)*10, Q3.v[i] = Q.v[1+i]; part: Tail is
			 * Post[2:4], so post j reads Mid element j-2 = Big[j], and
			 * pre i reads Q[2+i] */
			double wm = c ? j * 100 : (j + 1) * 10;
			double wq = c ? i + 2 + 0.5 : i + 1 + 0.5;
			ck_assert_msg(w.data[last + s] == wm, "%s: w[%lld] (pre %g, post %g) = %g, want %g",
				      conns[c], (long long)s, i, j, w.data[last + s], wm);
			ck_assert_msg(u.data[last + s] == wq, "%s: u[%lld] = %g, want %g", conns[c], (long long)s,
				      u.data[last + s], wq);
		}
		snn_npy_free(&w), snn_npy_free(&u), snn_npy_free(&pre), snn_npy_free(&post);
	}
	e2e_cleanup(dir);
}
END_TEST

Suite *suite_third_factor(void)
{
	Suite *s = suite_create("third_factor");
	TCase *tc = tcase_create("third_factor");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_global_set);
	tcase_add_test(tc, test_input_per_step);
	tcase_add_test(tc, test_input_times);
	tcase_add_test(tc, test_input_seen_by_rule);
	tcase_add_test(tc, test_input_bad);
	tcase_add_test(tc, test_net_tick_reductions);
	tcase_add_test(tc, test_net_tick_index);
	tcase_add_test(tc, test_checkpoint_globals);
	tcase_add_test(tc, test_reward_sign);
	tcase_add_test(tc, test_modulator_population);
	suite_add_tcase(s, tc);
	return s;
}
