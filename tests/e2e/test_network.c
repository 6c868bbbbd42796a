/*
 * test_network.c — end-to-end tests of the network semantics of LANGUAGE.md §4:
 * generators, the order of one step (delivery times, inputs, refractoriness),
 * recording, connectivity, seeds and the simulator's command line.
 *
 * Each test writes a model into a fresh temporary directory, builds it with
 * $SNNC, runs the simulator one or more times (with --set / --seed /
 * --duration, to reuse one build) and compares the .npy outputs with a
 * reference computed here from the contract alone: the stamp of step n is
 * (n+1)*dt, round(x) is floor(x + 0.5), statistics get 5-sigma tolerances
 * derived from the sample size.  Times are compared exactly where the contract
 * fixes them: a stamp k is the double (double)k * dt.
 */
#include <check.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "snn_rt.h"

#define DT (0.1 * 1e-3)         /* every model below says dt = 0.1 ms */
#define MS 1e-3

/* ---------------------------------------------------------------- helpers */

static const char *snnc(void)
{
	const char *s = getenv("SNNC");
	return s && *s ? s : "snnc";
}

static long contract_round(double x)
{
	return (long)floor(x + 0.5);
}

/* Steps of a time given in ms: round(t/dt). */
static long steps_of(double ms)
{
	return contract_round(ms * MS / DT);
}

/* Run a shell command in dir; its exit status (128 + signal if killed). */
static int sh(const char *dir, const char *fmt, ...)
{
	char cmd[4096], full[4400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	snprintf(full, sizeof full, "cd '%s' && %s", dir, cmd);
	int st = system(full);
	if (st == -1)
		return -1;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

/* A fresh directory holding model.snn (text) built into ./sim. */
static char *build(const char *text)
{
	char *dir = strdup("/tmp/snn_e2e_net.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof path, "%s/model.snn", dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	int rc = sh(dir, "'%s' build model.snn -o sim", snnc());
	ck_assert_msg(rc == 0, "snnc build failed with status %d in %s", rc, dir);
	return dir;
}

static void cleanup(char *dir)
{
	sh("/tmp", "rm -rf '%s'", dir);
	free(dir);
}

/* ./sim --out OUT --quiet ARGS; returns the exit status. */
static int sim(const char *dir, const char *out, const char *args)
{
	return sh(dir, "./sim --out %s --quiet %s >/dev/null 2>&1", out, args);
}

static void sim_ok(const char *dir, const char *out, const char *args)
{
	int rc = sim(dir, out, args);
	ck_assert_msg(rc == 0, "./sim %s exited %d in %s", args, rc, dir);
}

static snn_npy_array load(const char *dir, const char *out, const char *file)
{
	char path[512], err[256] = "";
	snn_npy_array a;
	snprintf(path, sizeof path, "%s/%s/%s", dir, out, file);
	ck_assert_msg(snn_npy_load(path, &a, err, sizeof err) == 0, "%s: %s", path, err);
	return a;
}

/* Whole file into memory; *len its size. */
static char *slurp(const char *dir, const char *out, const char *file, long *len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s/%s", dir, out, file);
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	*len = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)*len + 1);
	ck_assert_int_eq(fread(buf, 1, (size_t)*len, f), (size_t)*len);
	buf[*len] = 0;
	fclose(f);
	return buf;
}

static int same_bytes(const char *dir, const char *a, const char *b, const char *file)
{
	long la, lb;
	char *x = slurp(dir, a, file, &la), *y = slurp(dir, b, file, &lb);
	int same = la == lb && memcmp(x, y, (size_t)la) == 0;
	free(x);
	free(y);
	return same;
}

/* Stamp index k (stamp k*dt) of a recorded time, asserting it is exact. */
static long stamp_index(double t)
{
	long k = contract_round(t / DT);
	ck_assert_msg(t == (double)k * DT, "time %.17g is not the stamp %ld*dt", t, k);
	return k;
}

/* Sample times of a monitor sampling every `every` steps over nsteps. */
static void check_sample_times(const snn_npy_array *t, long every, long nsteps)
{
	ck_assert_int_eq(t->ndim, 1);
	ck_assert_int_eq(t->count, nsteps / every);
	for (long r = 0; r < t->count; r++)
		ck_assert_msg(t->data[r] == (double)((r + 1) * every) * DT,
			      "sample %ld at %.17g", r, t->data[r]);
}

/* Spike files: same length, ordered by time then index, stamps exact,
 * indices in [0, n), stamps in [1, nsteps]. */
static void check_spike_files(const snn_npy_array *t, const snn_npy_array *i, long n, long nsteps)
{
	ck_assert_int_eq(t->count, i->count);
	long pk = 0, pi = -1;
	for (long j = 0; j < t->count; j++) {
		long k = stamp_index(t->data[j]), idx = (long)i->data[j];
		ck_assert_msg(k >= 1 && k <= nsteps, "stamp %ld out of the run", k);
		ck_assert_msg(idx >= 0 && idx < n, "index %ld out of range", idx);
		ck_assert_msg(k > pk || (k == pk && idx > pi), "spike %ld (%ld, %ld) out of order", j, k, idx);
		pk = k;
		pi = idx;
	}
}

/* ---------------------------------------------------------------- poisson */

static const char poisson_model[] =
	"network Gen {\n"
	"\tdt = 0.1 ms\n"
	"\tpop Pin = poisson(1000, rate = 20 Hz)\n"
	"\trecord Pin.spikes\n"
	"\trun 2 s\n"
	"}\n";

/* Spike trains of a Poisson generator of n elements over nsteps with
 * probability p per step: binomial count, geometric inter-spike intervals.
 * ISIs are those following spikes in the first half of the run, so that the
 * window does not bias them (the gap after a spike is geometric). */
static void check_poisson(const char *dir, const char *out, long n, long nsteps, double p)
{
	snn_npy_array t = load(dir, out, "Pin.spikes.t.npy"), i = load(dir, out, "Pin.spikes.i.npy");
	check_spike_files(&t, &i, n, nsteps);
	double cells = (double)n * nsteps, sd = sqrt(cells * p * (1 - p));
	ck_assert_msg(fabs(t.count - cells * p) <= 5 * sd + 1e-9,
		      "%ld spikes, expected %g +- 5*%g", (long)t.count, cells * p, sd);
	if (p < 1) {
		long *last = malloc(sizeof(long) * n);
		for (long e = 0; e < n; e++)
			last[e] = -1;
		double s1 = 0, s2 = 0, m = 0;
		for (long j = 0; j < t.count; j++) {
			long k = stamp_index(t.data[j]), e = (long)i.data[j];
			if (last[e] >= 0 && last[e] <= nsteps / 2) {
				double g = (double)(k - last[e]);
				s1 += g;
				s2 += g * g;
				m++;
			}
			last[e] = k;
		}
		free(last);
		double mean = s1 / m, cv = sqrt(s2 / m - mean * mean) / mean;
		double sem = sqrt(1 - p) / p / sqrt(m);
		ck_assert_msg(fabs(mean - 1 / p) <= 5 * sem, "mean ISI %g steps, expected %g", mean, 1 / p);
		ck_assert_msg(fabs(cv - sqrt(1 - p)) <= 0.05, "ISI CV %g, expected %g", cv, sqrt(1 - p));
	}
	snn_npy_free(&t);
	snn_npy_free(&i);
}

START_TEST(test_poisson)
{
	char *dir = build(poisson_model);
	sim_ok(dir, "a", "");
	check_poisson(dir, "a", 1000, 20000, 20 * DT);
	sim_ok(dir, "b", "--set Pin.rate=40Hz --duration 1s");
	check_poisson(dir, "b", 1000, 10000, 40 * DT);
	sim_ok(dir, "c", "--set Pin.rate=5kHz --duration 100ms");
	check_poisson(dir, "c", 1000, 1000, 0.5);
	sim_ok(dir, "d", "--set Pin.rate=20kHz --duration 10ms");
	check_poisson(dir, "d", 1000, 100, 1.0);
	cleanup(dir);
}
END_TEST

/* ---------------------------------------------------------------- spikes */

static const char spikes_model[] =
	"network Gen {\n"
	"\tdt = 0.1 ms\n"
	"\tpop G = spikes(3, times = [0.25 ms, 1 ms, 1.04 ms, 3 ms, 9 ms])\n"
	"\tpop H = spikes(4, times = [0.5 ms, 0.5 ms, 0.2 ms, 2 ms, 0.54 ms, 7 ms],\n"
	"\t               index = [3, 1, 2, 0, 3, 1])\n"
	"\trecord G.spikes\n"
	"\trecord H.spikes\n"
	"\trun 5 ms\n"
	"}\n";

static const double g_times[] = { 0.25, 1, 1.04, 3, 9 };
static const double h_times[] = { 0.5, 0.5, 0.2, 2, 0.54, 7 };
static const int h_index[] = { 3, 1, 2, 0, 3, 1 };

static int cmp_spike(const void *a, const void *b)
{
	const long *x = a, *y = b;
	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return (x[1] > y[1]) - (x[1] < y[1]);
}

/* The contract's spikes of spikes(n, times, index) over nsteps, as sorted
 * unique (stamp index, element) pairs in out[2*k]; returns their number. */
static long expected_spikes(const double *ms, const int *index, int count, int n, long nsteps, long *out)
{
	long m = 0;
	for (int j = 0; j < count; j++) {
		long k = steps_of(ms[j]);
		for (int e = 0; e < n && k <= nsteps; e++) {
			if (index && e != index[j])
				continue;
			out[2 * m] = k;
			out[2 * m + 1] = e;
			m++;
		}
	}
	qsort(out, (size_t)m, 2 * sizeof(long), cmp_spike);
	long u = 0;
	for (long j = 0; j < m; j++)
		if (u == 0 || cmp_spike(out + 2 * j, out + 2 * (u - 1)) != 0) {
			out[2 * u] = out[2 * j];
			out[2 * u + 1] = out[2 * j + 1];
			u++;
		}
	return u;
}

static void check_generator(const char *dir, const char *out, const char *pop, const double *ms,
			    const int *index, int count, int n, long nsteps)
{
	char ft[64], fi[64];
	long want[64];
	long m = expected_spikes(ms, index, count, n, nsteps, want);
	snprintf(ft, sizeof ft, "%s.spikes.t.npy", pop);
	snprintf(fi, sizeof fi, "%s.spikes.i.npy", pop);
	snn_npy_array t = load(dir, out, ft), i = load(dir, out, fi);
	ck_assert_int_eq(t.count, m);
	ck_assert_int_eq(i.count, m);
	for (long j = 0; j < m; j++) {
		ck_assert_msg(t.data[j] == (double)want[2 * j] * DT, "%s spike %ld at %.17g, expected %ld*dt",
			      pop, j, t.data[j], want[2 * j]);
		ck_assert_int_eq((long)i.data[j], want[2 * j + 1]);
	}
	snn_npy_free(&t);
	snn_npy_free(&i);
}

START_TEST(test_spikes_generator)
{
	char *dir = build(spikes_model);
	sim_ok(dir, "a", "");
	check_generator(dir, "a", "G", g_times, NULL, 5, 3, 50);
	check_generator(dir, "a", "H", h_times, h_index, 6, 4, 50);
	/* the spike at 2 ms is in the last step of a 2 ms run, not of 1.9 ms */
	sim_ok(dir, "b", "--duration 2ms");
	check_generator(dir, "b", "H", h_times, h_index, 6, 4, 20);
	sim_ok(dir, "c", "--duration 1.9ms");
	check_generator(dir, "c", "H", h_times, h_index, 6, 4, 19);
	cleanup(dir);
}
END_TEST

/* ---------------------------------------------------------------- delivery */

static const char delivery_model[] =
	"neuron Acc {\n"
	"\tparam tau = 1 ms\n"
	"\tstate v = 0, x = 0\n"
	"\tinput I\n"
	"\ttau dx/dt = I\n"
	"\tmethod euler\n"
	"}\n"
	"synapse Jump {\n"
	"\tparam w = 1\n"
	"\ton pre { post.v += w }\n"
	"}\n"
	"synapse Drive {\n"
	"\tparam w = 2\n"
	"\ton pre { post.I += w }\n"
	"}\n"
	"network Delivery {\n"
	"\tdt = 0.1 ms\n"
	"\tpop G = spikes(1, times = [0.5 ms, 2 ms])\n"
	"\tpop D0 = Acc(1)\n"
	"\tpop D1 = Acc(1)\n"
	"\tpop D2 = Acc(1)\n"
	"\tpop D3 = Acc(1)\n"
	"\tpop H = Acc(8)\n"
	"\tpop R = Acc(8)\n"
	"\tconnect G -> D0 : Jump(delay = 0 ms)\n"
	"\tconnect G -> D1 : Jump(delay = 0.1 ms)\n"
	"\tconnect G -> D2 : Jump(delay = 1 ms)\n"
	"\tconnect G -> D3 : Jump(delay = 1.25 ms)\n"
	"\tconnect G -> H : Jump(all_to_all, delay = i * 0.3 ms)\n"
	"\tconnect G -> R : Jump(all_to_all, delay = rand() * 3 ms)\n"
	"\tconnect G -> D0 : Drive(all_to_all)\n"
	"\trecord D0.v\n"
	"\trecord D1.v\n"
	"\trecord D2.v\n"
	"\trecord D3.v\n"
	"\trecord H.v\n"
	"\trecord R.v\n"
	"\trecord D0.I\n"
	"\trecord D0.x\n"
	"\trun 5 ms\n"
	"}\n";

#define DEL_STEPS 50
static const double del_spikes_ms[] = { 0.5, 2 };

/* Column c of a recorded [DEL_STEPS, ncols] trace of v: v jumps by 1 in the
 * step stamped spike + delay_steps for each spike, nowhere else. */
static void check_jumps(const snn_npy_array *v, int ncols, int c, long delay_steps)
{
	for (long r = 0; r < DEL_STEPS; r++) {
		double want = 0;
		for (int s = 0; s < 2; s++)
			want += steps_of(del_spikes_ms[s]) + delay_steps <= r + 1;
		ck_assert_msg(v->data[r * ncols + c] == want,
			      "column %d, delay %ld steps: v at stamp %ld is %g, expected %g",
			      c, delay_steps, r + 1, v->data[r * ncols + c], want);
	}
}

static const struct { const char *file; double delay_ms; } constant_delays[] = {
	{ "D0.v.npy", 0 }, { "D1.v.npy", 0.1 }, { "D2.v.npy", 1 }, { "D3.v.npy", 1.25 },
};

static void check_constant_delays(const char *dir)
{
	for (size_t k = 0; k < sizeof constant_delays / sizeof constant_delays[0]; k++) {
		snn_npy_array v = load(dir, "a", constant_delays[k].file);
		ck_assert_int_eq(v.count, DEL_STEPS);
		check_jumps(&v, 1, 0, steps_of(constant_delays[k].delay_ms));
		snn_npy_free(&v);
	}
	snn_npy_array t = load(dir, "a", "D3.v.t.npy");
	check_sample_times(&t, 1, DEL_STEPS);
	snn_npy_free(&t);
}

/* H: synapse j (the only pre, so also post j) has delay j * 0.3 ms. */
static void check_index_delays(const char *dir)
{
	snn_npy_array v = load(dir, "a", "H.v.npy");
	ck_assert_int_eq(v.ndim, 2);
	ck_assert_int_eq(v.shape[1], 8);
	for (int j = 0; j < 8; j++)
		check_jumps(&v, 8, j, contract_round((double)j * 0.3 * MS / DT));
	snn_npy_free(&v);
}

/* Arrival stamps (stamp index of each unit jump) of column c of R.v. */
static void arrivals(const snn_npy_array *v, int c, long *a, int *na)
{
	double prev = 0;
	*na = 0;
	for (long r = 0; r < DEL_STEPS; r++) {
		double x = v->data[r * 8 + c];
		for (; prev < x && *na < 4; prev++)
			a[(*na)++] = r + 1;
	}
}

/* R: delays rand() * 3 ms.  Each target gets one unit per spike, within
 * [spike, spike + 30 steps], with the same delay for both spikes; the same
 * seed gives the same arrivals; the delays are not all equal. */
static void check_random_delays(const char *dir)
{
	snn_npy_array v = load(dir, "a", "R.v.npy"), w = load(dir, "b", "R.v.npy");
	long k0 = steps_of(del_spikes_ms[0]), k1 = steps_of(del_spikes_ms[1]), first = -1;
	int distinct = 0;
	for (int c = 0; c < 8; c++) {
		long a[4];
		int na;
		arrivals(&v, c, a, &na);
		ck_assert_int_eq(na, 2);
		ck_assert_msg(a[0] >= k0 && a[0] <= k0 + steps_of(3), "arrival %ld", a[0]);
		ck_assert_int_eq(a[1] - a[0], k1 - k0);
		if (first < 0)
			first = a[0];
		distinct |= a[0] != first;
	}
	ck_assert_msg(distinct, "8 rand() delays are all equal");
	ck_assert_int_eq(v.count, w.count);
	for (long j = 0; j < v.count; j++)
		ck_assert(v.data[j] == w.data[j]);
	snn_npy_free(&v);
	snn_npy_free(&w);
}

/* Inputs: w = 2 added in the step stamped k is read in step k+1, by the
 * record of I and by tau dx/dt = I (Euler: x += dt * I / tau = 0.2). */
static void check_input(const char *dir)
{
	snn_npy_array in = load(dir, "a", "D0.I.npy"), x = load(dir, "a", "D0.x.npy");
	double acc = 0;
	for (long r = 0; r < DEL_STEPS; r++) {
		double want = 0;
		for (int s = 0; s < 2; s++)
			want += steps_of(del_spikes_ms[s]) + 1 == r + 1 ? 2 : 0;
		acc += DT * want / MS;
		ck_assert_msg(in.data[r] == want, "I at stamp %ld is %g, expected %g", r + 1, in.data[r], want);
		ck_assert_msg(fabs(x.data[r] - acc) <= 1e-12, "x at stamp %ld is %g, expected %g",
			      r + 1, x.data[r], acc);
	}
	snn_npy_free(&in);
	snn_npy_free(&x);
}

START_TEST(test_delivery)
{
	char *dir = build(delivery_model);
	sim_ok(dir, "a", "");
	sim_ok(dir, "b", "");
	check_constant_delays(dir);
	check_index_delays(dir);
	check_random_delays(dir);
	check_input(dir);
	cleanup(dir);
}
END_TEST

/* ---------------------------------------------------------------- refractory */

static const char refractory_model[] =
	"neuron Tick {\n"
	"\tparam E = 0.3 ms\n"
	"\tstate v = 0, u = 0\n"
	"\ton tick {\n"
	"\t\tv += 1\n"
	"\t\tu += 1\n"
	"\t}\n"
	"\tspike when v > 2.5\n"
	"\treset { v = 0 }\n"
	"\trefractory E\n"
	"}\n"
	"synapse Kick {\n"
	"\ton pre { post.v += 10 }\n"
	"}\n"
	"network Refr {\n"
	"\tdt = 0.1 ms\n"
	"\tpop P = Tick(1)\n"
	"\tpop G = spikes(1, times = [0.4 ms, 1.2 ms, 2.3 ms])\n"
	"\tconnect G -> P : Kick(all_to_all)\n"
	"\trecord P.v\n"
	"\trecord P.u\n"
	"\trecord P.t_last\n"
	"\trecord P.spiked\n"
	"\trecord P.spikes\n"
	"\trun 4 ms\n"
	"}\n";

#define REF_STEPS 40
static const double kick_ms[] = { 0.4, 1.2, 2.3 };

typedef struct { double v, u, t_last, spiked; } RefSample;

/* The contract's step loop for this model, with refractory period ref
 * steps: phase 2 on tick (v held while refractory, u never), phase 3
 * threshold (untested while refractory), phase 4 kicks (dropped on v while
 * refractory), phase 5 reset and refractoriness, phase 6 record. */
static void reference_tick(long ref, RefSample *out)
{
	double v = 0, u = 0, t_last = -INFINITY;
	long until = -1;
	for (long n = 0; n < REF_STEPS; n++) {
		int refr = n <= until, spk = 0;
		u += 1;
		if (!refr)
			v += 1;
		if (!refr && v > 2.5) {
			spk = 1;
			t_last = (double)(n + 1) * DT;
		}
		for (int j = 0; j < 3; j++)
			if (!refr && steps_of(kick_ms[j]) == n + 1)
				v += 10;
		if (spk) {
			v = 0;
			until = n + ref;
		}
		out[n] = (RefSample){ v, u, t_last, spk };
	}
}

static void check_refractory(const char *dir, const char *out, double e_ms)
{
	RefSample ref[REF_STEPS];
	reference_tick(steps_of(e_ms), ref);
	snn_npy_array v = load(dir, out, "P.v.npy"), u = load(dir, out, "P.u.npy"),
		      tl = load(dir, out, "P.t_last.npy"), sp = load(dir, out, "P.spiked.npy"),
		      st = load(dir, out, "P.spikes.t.npy");
	ck_assert_int_eq(v.count, REF_STEPS);
	long nspk = 0;
	for (long n = 0; n < REF_STEPS; n++) {
		ck_assert_msg(v.data[n] == ref[n].v && u.data[n] == ref[n].u,
			      "E = %g ms, stamp %ld: v = %g u = %g, expected %g %g",
			      e_ms, n + 1, v.data[n], u.data[n], ref[n].v, ref[n].u);
		ck_assert_msg(tl.data[n] == ref[n].t_last, "E = %g ms, stamp %ld: t_last %.17g, expected %.17g",
			      e_ms, n + 1, tl.data[n], ref[n].t_last);
		ck_assert_msg(sp.data[n] == ref[n].spiked, "E = %g ms, stamp %ld: spiked %g", e_ms, n + 1, sp.data[n]);
		if (ref[n].spiked) {
			ck_assert_int_lt(nspk, st.count);
			ck_assert(st.data[nspk++] == (double)(n + 1) * DT);
		}
	}
	ck_assert_int_eq(st.count, nspk);
	snn_npy_free(&v);
	snn_npy_free(&u);
	snn_npy_free(&tl);
	snn_npy_free(&sp);
	snn_npy_free(&st);
}

/* round(E/dt): 0.25 ms is 3 steps (floor(2.5 + 0.5)), 0.24 ms is 2. */
static const struct { const char *set; double ms; } refractory_runs[] = {
	{ "0.3ms", 0.3 }, { "0.25ms", 0.25 }, { "0.24ms", 0.24 }, { "0ms", 0 }, { "1ms", 1 },
};

START_TEST(test_refractory)
{
	char *dir = build(refractory_model);
	for (size_t k = 0; k < sizeof refractory_runs / sizeof refractory_runs[0]; k++) {
		char args[64], out[16];
		snprintf(args, sizeof args, "--set P.E=%s", refractory_runs[k].set);
		snprintf(out, sizeof out, "r%zu", k);
		sim_ok(dir, out, args);
		check_refractory(dir, out, refractory_runs[k].ms);
	}
	cleanup(dir);
}
END_TEST

/* ---------------------------------------------------------------- record */

static const char record_model[] =
	"neuron Ramp {\n"
	"\tparam g = 3\n"
	"\tstate v = 1000 * i\n"
	"\tlet y = g * v\n"
	"\tinput I\n"
	"\ton tick { v += 1 }\n"
	"}\n"
	"synapse W {\n"
	"\tstate w = rand()\n"
	"}\n"
	"synapse J {\n"
	"\ton pre { post.I += 1 }\n"
	"}\n"
	"network Rec {\n"
	"\tdt = 0.1 ms\n"
	"\tpop P = Ramp(8)\n"
	"\tpop Q = spikes(30, times = [0.2 ms, 0.4 ms, 0.4 ms, 0.7 ms, 0.9 ms],\n"
	"\t               index = [5, 12, 19, 20, 10])\n"
	"\tlet E = Q[10:20]\n"
	"\tpop A = Ramp(6)\n"
	"\tpop B = Ramp(5)\n"
	"\tconnect A -> B : W(fan_in = 3) as fi\n"
	"\tconnect P -> P : W(one_to_one) as oo\n"
	"\tlet S = P[4:7]\n"
	"\tlet QS = Q[18:21]\n"
	"\tconnect QS -> S : J(one_to_one)\n"
	"\trecord P.I\n"
	"\trecord P.y[6:8] every 0.5 ms\n"
	"\trecord P.g every 1 ms\n"
	"\trecord P.v[2:5] every 0.3 ms\n"
	"\trecord E.spikes\n"
	"\trecord fi.w every 1 ms\n"
	"\trecord oo.w\n"
	"\trun 2 ms\n"
	"}\n";

/* P.v[2:5] every 3 steps: rows at stamps 3, 6, ..., 18; v = 1000 i + stamp. */
static void check_every_slice(const char *dir)
{
	snn_npy_array v = load(dir, "a", "P.v.npy"), t = load(dir, "a", "P.v.t.npy");
	check_sample_times(&t, 3, 20);
	ck_assert_int_eq(v.ndim, 2);
	ck_assert_int_eq(v.shape[0], 6);
	ck_assert_int_eq(v.shape[1], 3);
	for (long r = 0; r < 6; r++)
		for (int c = 0; c < 3; c++)
			ck_assert(v.data[r * 3 + c] == 1000.0 * (2 + c) + 3 * (r + 1));
	snn_npy_free(&v);
	snn_npy_free(&t);
}

/* E = Q[10:20]: Q's spikes 12@4, 19@4, 10@9 as 2, 9, 0. */
static void check_slice_spikes(const char *dir)
{
	static const long want[][2] = { { 4, 2 }, { 4, 9 }, { 9, 0 } };
	snn_npy_array t = load(dir, "a", "E.spikes.t.npy"), i = load(dir, "a", "E.spikes.i.npy");
	ck_assert_int_eq(t.count, 3);
	ck_assert_int_eq(i.count, 3);
	for (int j = 0; j < 3; j++) {
		ck_assert(t.data[j] == (double)want[j][0] * DT);
		ck_assert_int_eq((long)i.data[j], want[j][1]);
	}
	snn_npy_free(&t);
	snn_npy_free(&i);
}

/* fi: fan_in = 3 from 6 into 5: 15 synapses in CSR order, every post 3
 * times with distinct pres; w constant over its 2 samples, in [0, 1). */
static void check_fan_in(const char *dir)
{
	snn_npy_array pre = load(dir, "a", "fi.pre.npy"), post = load(dir, "a", "fi.post.npy"),
		      w = load(dir, "a", "fi.w.npy"), t = load(dir, "a", "fi.w.t.npy");
	ck_assert_int_eq(pre.count, 15);
	ck_assert_int_eq(post.count, 15);
	int seen[6][5] = { { 0 } }, per_post[5] = { 0 };
	for (int s = 0; s < 15; s++) {
		int a = (int)pre.data[s], b = (int)post.data[s];
		ck_assert(a >= 0 && a < 6 && b >= 0 && b < 5);
		ck_assert_msg(!seen[a][b], "pair %d -> %d twice", a, b);
		seen[a][b] = 1;
		per_post[b]++;
		if (s > 0)
			ck_assert(pre.data[s - 1] < a || (pre.data[s - 1] == a && post.data[s - 1] < b));
	}
	for (int b = 0; b < 5; b++)
		ck_assert_int_eq(per_post[b], 3);
	check_sample_times(&t, 10, 20);
	ck_assert_int_eq(w.ndim, 2);
	ck_assert_int_eq(w.shape[1], 15);
	for (int s = 0; s < 15; s++) {
		ck_assert(w.data[s] >= 0 && w.data[s] < 1);
		ck_assert(w.data[15 + s] == w.data[s]);
	}
	snn_npy_free(&pre);
	snn_npy_free(&post);
	snn_npy_free(&w);
	snn_npy_free(&t);
}

static void check_one_to_one(const char *dir)
{
	snn_npy_array pre = load(dir, "a", "oo.pre.npy"), post = load(dir, "a", "oo.post.npy"),
		      w = load(dir, "a", "oo.w.npy");
	ck_assert_int_eq(pre.count, 8);
	ck_assert_int_eq(post.count, 8);
	for (int s = 0; s < 8; s++)
		ck_assert(pre.data[s] == s && post.data[s] == s);
	ck_assert_int_eq(w.shape[0], 20);
	ck_assert_int_eq(w.shape[1], 8);
	snn_npy_free(&pre);
	snn_npy_free(&post);
	snn_npy_free(&w);
}

/* QS = Q[18:21] -> S = P[4:7] one to one: Q's 19@4 and 20@7 reach P5 and
 * P6, whose input reads 1 one step later. */
static void check_slice_connection(const char *dir)
{
	snn_npy_array in = load(dir, "a", "P.I.npy");
	ck_assert_int_eq(in.shape[0], 20);
	ck_assert_int_eq(in.shape[1], 8);
	for (long r = 0; r < 20; r++)
		for (int e = 0; e < 8; e++) {
			double want = (e == 5 && r + 1 == 5) || (e == 6 && r + 1 == 8);
			ck_assert_msg(in.data[r * 8 + e] == want, "P.I[%d] at stamp %ld is %g", e,
				      r + 1, in.data[r * 8 + e]);
		}
	snn_npy_free(&in);
}

/* A let (y = g v) on a slice every 5 steps; a param is one value per sample. */
static void check_let_param(const char *dir)
{
	snn_npy_array y = load(dir, "a", "P.y.npy"), g = load(dir, "a", "P.g.npy"),
		      gt = load(dir, "a", "P.g.t.npy");
	ck_assert_int_eq(y.shape[0], 4);
	ck_assert_int_eq(y.shape[1], 2);
	for (long r = 0; r < 4; r++)
		for (int c = 0; c < 2; c++)
			ck_assert(y.data[r * 2 + c] == 3 * (1000.0 * (6 + c) + 5 * (r + 1)));
	ck_assert_int_eq(g.ndim, 1);
	ck_assert_int_eq(g.count, 2);
	ck_assert(g.data[0] == 3 && g.data[1] == 3);
	check_sample_times(&gt, 10, 20);
	snn_npy_free(&y);
	snn_npy_free(&g);
	snn_npy_free(&gt);
}

START_TEST(test_record)
{
	char *dir = build(record_model);
	sim_ok(dir, "a", "");
	check_every_slice(dir);
	check_slice_spikes(dir);
	check_fan_in(dir);
	check_one_to_one(dir);
	check_slice_connection(dir);
	check_let_param(dir);
	cleanup(dir);
}
END_TEST

/* ---------------------------------------------------------------- seed */

static const char seed_model[] =
	"neuron LIF {\n"
	"\tparam tau = 10 ms\n"
	"\tstate v = rand()\n"
	"\ttau dv/dt = 1.05 - v\n"
	"\tspike when v > 1\n"
	"\treset { v = 0 }\n"
	"\trefractory 1 ms\n"
	"\tmethod exact\n"
	"}\n"
	"synapse Exc {\n"
	"\tparam w = 0.05\n"
	"\ton pre { post.v += w }\n"
	"}\n"
	"network Repro {\n"
	"\tdt = 0.1 ms\n"
	"\tseed = 7\n"
	"\tpop P = LIF(200)\n"
	"\tpop Pin = poisson(50, rate = 50 Hz)\n"
	"\tconnect P -> P : Exc(p = 0.1, delay = rand() * 2 ms)\n"
	"\tconnect Pin -> P : Exc(p = 0.2)\n"
	"\trecord P.spikes\n"
	"\trecord P.v[0:5] every 1 ms\n"
	"\trun 100 ms\n"
	"}\n";

static const char *const seed_files[] = {
	"P.spikes.t.npy", "P.spikes.i.npy", "P.v.npy", "P.v.t.npy",
};

START_TEST(test_seed)
{
	char *dir = build(seed_model);
	sim_ok(dir, "a", "");
	sim_ok(dir, "b", "");
	sim_ok(dir, "c", "--seed 7");
	sim_ok(dir, "d", "--seed 8");
	for (size_t k = 0; k < sizeof seed_files / sizeof seed_files[0]; k++) {
		ck_assert_msg(same_bytes(dir, "a", "b", seed_files[k]), "%s differs between runs", seed_files[k]);
		ck_assert_msg(same_bytes(dir, "a", "c", seed_files[k]), "%s: --seed 7 is not the default",
			      seed_files[k]);
	}
	snn_npy_array t = load(dir, "a", "P.spikes.t.npy");
	ck_assert_int_gt(t.count, 100);
	snn_npy_free(&t);
	ck_assert_msg(!same_bytes(dir, "a", "d", "P.spikes.i.npy") || !same_bytes(dir, "a", "d", "P.spikes.t.npy"),
		      "--seed 8 gives the same spikes as seed 7");
	ck_assert(!same_bytes(dir, "a", "d", "P.v.npy"));
	cleanup(dir);
}
END_TEST

/* ---------------------------------------------------------------- connect */

static const char connect_model[] =
	"neuron Idle {\n"
	"\tstate v = 0\n"
	"}\n"
	"synapse C {\n"
	"\tstate w = 1\n"
	"}\n"
	"network Conn {\n"
	"\tdt = 0.1 ms\n"
	"\tpop A = Idle(400)\n"
	"\tpop B = Idle(300)\n"
	"\tpop S = Idle(7)\n"
	"\tpop T = Idle(100)\n"
	"\tconnect A -> B : C(p = 0.1) as rnd\n"
	"\tconnect S -> S : C(all_to_all) as full\n"
	"\tconnect T -> T : C(p = 0.5) as half\n"
	"\trecord rnd.w every 1 ms\n"
	"\trecord full.w every 1 ms\n"
	"\trecord half.w every 1 ms\n"
	"\trun 1 ms\n"
	"}\n";

/* Pairs of a connection: valid, distinct, in CSR order; *self counts
 * pre == post; returns the number of synapses. */
static long check_pairs(const char *dir, const char *conn, long npre, long npost, long *self)
{
	char fp[64], fq[64], fw[64];
	snprintf(fp, sizeof fp, "%s.pre.npy", conn);
	snprintf(fq, sizeof fq, "%s.post.npy", conn);
	snprintf(fw, sizeof fw, "%s.w.npy", conn);
	snn_npy_array pre = load(dir, "a", fp), post = load(dir, "a", fq), w = load(dir, "a", fw);
	ck_assert_int_eq(pre.count, post.count);
	ck_assert_int_eq(w.count, pre.count);
	*self = 0;
	for (long s = 0; s < pre.count; s++) {
		long a = (long)pre.data[s], b = (long)post.data[s];
		ck_assert(a >= 0 && a < npre && b >= 0 && b < npost);
		if (s > 0)
			ck_assert_msg(pre.data[s - 1] < a || (pre.data[s - 1] == a && post.data[s - 1] < b),
				      "%s: synapse %ld out of CSR order or repeated", conn, s);
		*self += a == b;
		ck_assert(w.data[s] == 1);
	}
	long n = pre.count;
	snn_npy_free(&pre);
	snn_npy_free(&post);
	snn_npy_free(&w);
	return n;
}

static void check_binomial(long count, double trials, double p, const char *what)
{
	double sd = sqrt(trials * p * (1 - p));
	ck_assert_msg(fabs(count - trials * p) <= 5 * sd, "%s: %ld, expected %g +- 5*%g", what, count,
		      trials * p, sd);
}

START_TEST(test_connect)
{
	char *dir = build(connect_model);
	sim_ok(dir, "a", "");
	long self;
	check_binomial(check_pairs(dir, "rnd", 400, 300, &self), 400.0 * 300, 0.1, "p = 0.1 synapses");
	ck_assert_int_eq(check_pairs(dir, "full", 7, 7, &self), 49);
	ck_assert_int_eq(self, 7);
	check_binomial(check_pairs(dir, "half", 100, 100, &self), 100.0 * 100, 0.5, "p = 0.5 synapses");
	check_binomial(self, 100, 0.5, "p = 0.5 self synapses");
	cleanup(dir);
}
END_TEST

/* ---------------------------------------------------------------- command line */

static const char cli_model[] =
	"neuron Decay {\n"
	"\tparam tau = 20 ms\n"
	"\tstate v = 1\n"
	"\ttau dv/dt = -v\n"
	"\tmethod exact\n"
	"}\n"
	"network Cli {\n"
	"\tdt = 0.1 ms\n"
	"\tpop P = Decay(2)\n"
	"\tpop Big = Decay(20000)\n"
	"\tpop Pin = poisson(100, rate = 100 Hz)\n"
	"\trecord P.v\n"
	"\trecord Pin.spikes\n"
	"\trun 10 ms\n"
	"}\n";

/* P.v over nsteps samples is exp(-t/tau) at the stamps. */
static void check_decay(const char *dir, const char *out, long nsteps, double tau)
{
	snn_npy_array v = load(dir, out, "P.v.npy"), t = load(dir, out, "P.v.t.npy");
	check_sample_times(&t, 1, nsteps);
	ck_assert_int_eq(v.shape[0], nsteps);
	for (long r = 0; r < nsteps; r++) {
		double want = exp(-(double)(r + 1) * DT / tau);
		ck_assert_msg(fabs(v.data[2 * r] - want) <= 1e-12 && v.data[2 * r + 1] == v.data[2 * r],
			      "v at stamp %ld is %.17g, expected %.17g", r + 1, v.data[2 * r], want);
	}
	snn_npy_free(&v);
	snn_npy_free(&t);
}

static const struct { const char *args; int status; } bad_command_lines[] = {
	{ "--set P.tau=10mV", 2 },
	{ "--set P.nope=1", 2 },
	{ "--bogus", 2 },
	{ "--duration 5mV", 2 },
};

/* SIGTERM after 0.3 s of a long run: exit 143, files cut at one step. */
static void check_sigterm(const char *dir)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (chdir(dir) != 0 || !freopen("/dev/null", "w", stdout))
			_exit(99);
		execl("./sim", "./sim", "--out", "sig", "--quiet", "--duration", "100000s", (char *)NULL);
		_exit(98);
	}
	struct timespec ts = { 0, 300000000 };
	nanosleep(&ts, NULL);
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 143, "status %#x after SIGTERM", st);
	snn_npy_array v = load(dir, "sig", "P.v.npy"), t = load(dir, "sig", "P.v.t.npy"),
		      sa = load(dir, "sig", "Pin.spikes.t.npy"), si = load(dir, "sig", "Pin.spikes.i.npy");
	ck_assert_int_gt(t.count, 0);
	ck_assert_int_eq(v.shape[0], t.count);
	check_sample_times(&t, 1, t.count);
	check_spike_files(&sa, &si, 100, t.count);
	snn_npy_free(&v);
	snn_npy_free(&t);
	snn_npy_free(&sa);
	snn_npy_free(&si);
}

START_TEST(test_command_line)
{
	char *dir = build(cli_model);
	sim_ok(dir, "a", "--duration 5ms");
	check_decay(dir, "a", 50, 20 * MS);
	sim_ok(dir, "b", "--set P.tau=10ms");
	check_decay(dir, "b", 100, 10 * MS);
	for (size_t k = 0; k < sizeof bad_command_lines / sizeof bad_command_lines[0]; k++)
		ck_assert_msg(sim(dir, "x", bad_command_lines[k].args) == bad_command_lines[k].status,
			      "./sim %s: wrong status", bad_command_lines[k].args);
	long len;
	char *meta = slurp(dir, "a", "meta.json", &len);
	ck_assert_ptr_nonnull(strstr(meta, "\"dt\""));
	free(meta);
	check_sigterm(dir);
	cleanup(dir);
}
END_TEST

Suite *suite_network(void)
{
	Suite *s = suite_create("network");
	TCase *tc = tcase_create("network");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_poisson);
	tcase_add_test(tc, test_spikes_generator);
	tcase_add_test(tc, test_delivery);
	tcase_add_test(tc, test_refractory);
	tcase_add_test(tc, test_record);
	tcase_add_test(tc, test_seed);
	tcase_add_test(tc, test_connect);
	tcase_add_test(tc, test_command_line);
	suite_add_tcase(s, tc);
	return s;
}
