/*
 * test_learned_delays.c — learned delays (LANGUAGE.md §3 `state delay`, §4
 * max_delay), end to end.
 *
 * References are computed here from the contract alone: a spikes()
 * generator fixes every presynaptic emission step; a spike emitted in step
 * e leaves with round(delay/dt) steps (round = floor(x + 0.5)) of the delay
 * its synapse has then (the push of phase 4 comes before that step's
 * deliveries), arrives in step e + d and runs `on pre` there exactly once;
 * every written delay is clipped to [0, max_delay].  The test replays that
 * per synapse, step by step, and compares the recorded delay and arrival
 * counter of every step.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "e2e_util.h"

#define DT 1e-4
#define MS 1e-3
#define MAXQ 4096

/* --------------------------------------------------- Hebbian delays */

/* One pre neuron, two post generators: post k spikes offs[k] ms after each
 * pre spike.  The delay moves toward the pre->post offset. */
static const char *hebb_model =
	"synapse D {\n"
	"	param eta = 0.5\n"
	"	state delay : s = 1 ms\n"
	"	state n = 0\n"
	"	on pre {\n"
	"		n += 1\n"
	"	}\n"
	"	on post {\n"
	"		delay += eta * (t - pre.t_last - delay)\n"
	"	}\n"
	"}\n"
	"network H {\n"
	"	dt = 0.1 ms\n"
	"	pop A = spikes(1, times = [%s])\n"
	"	pop B = spikes(2, times = [%s], index = [%s])\n"
	"	connect A -> B : D(max_delay = 10 ms) as syn\n"
	"	record syn.delay\n"
	"	record syn.n\n"
	"	run 200 ms\n"
	"}\n";

#define NPAIR 9
#define STEPS_H 2000

static void append(char *buf, size_t len, const char *fmt, double v)
{
	size_t n = strlen(buf);
	snprintf(buf + n, len - n, "%s", n ? ", " : "");
	n = strlen(buf);
	snprintf(buf + n, len - n, fmt, v);
}

START_TEST(test_hebbian_delay)
{
	static const int offs[2] = { 50, 20 };       /* steps from pre to post */
	const double eta = 0.5;
	char pre[1024] = "", post[2048] = "", idx[256] = "", model[4096], dir[E2E_PATH];
	int e[NPAIR];
	for (int k = 0; k < NPAIR; k++) {
		e[k] = 99 + 200 * k;                     /* stamps 10 ms, 30 ms, ... */
		append(pre, sizeof pre, "%.1f ms", (e[k] + 1) * 0.1);
		for (int j = 0; j < 2; j++) {
			append(post, sizeof post, "%.1f ms", (e[k] + offs[j] + 1) * 0.1);
			append(idx, sizeof idx, "%.0f", j);
		}
	}
	snprintf(model, sizeof model, hebb_model, pre, post, idx);
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "hebb", model);
	e2e_sim(dir, "hebb", "out", NULL);
	snn_npy_array d, n;
	e2e_load(dir, "out", "syn.delay.npy", &d);
	e2e_load(dir, "out", "syn.n.npy", &n);
	ck_assert_int_eq(d.count, STEPS_H * 2);
	ck_assert_int_eq(n.count, STEPS_H * 2);
	for (int j = 0; j < 2; j++) {
		double delay = 1 * MS;
		for (int k = 0; k < NPAIR; k++) {
			/* the spike of pair k left with the delay of that moment */
			int steps = (int)floor(delay / DT + 0.5);
			int arr = e[k] + steps, p = e[k] + offs[j];
			ck_assert_msg(n.data[arr * 2 + j] == k + 1 && n.data[(arr - 1) * 2 + j] == k,
				      "post %d pair %d: not delivered in step %d", j, k, arr);
			/* the post spike: delay += eta (t_post - t_pre - delay) */
			double t = (p + 1) * DT, tl = (e[k] + 1) * DT;
			delay += eta * (t - tl - delay);
			ck_assert_msg(fabs(d.data[p * 2 + j] - delay) <= 1e-15,
				      "post %d pair %d: delay %.17g, expected %.17g", j, k,
				      d.data[p * 2 + j], delay);
			ck_assert(d.data[(p - 1) * 2 + j] != d.data[p * 2 + j]);
		}
		/* it learned the offset */
		ck_assert(fabs(delay - offs[j] * DT) < 0.01 * fabs(1 * MS - offs[j] * DT));
		ck_assert(fabs(d.data[(STEPS_H - 1) * 2 + j] - delay) <= 1e-15);
	}
	snn_npy_free(&d), snn_npy_free(&n);
	e2e_cleanup(dir);
}
END_TEST

/* ------------------------------------------ replay of the contract */

/* The rule after each arrival: the new delay of synapse j (seconds) given
 * its delay and arrival count. */
typedef double (*Rule)(double delay, double n, int j, double maxd);

/* Replays one synapse over `steps` steps from the contract: emissions at
 * the steps where emit[] is set; records delay and n after each step. */
static void replay(const char *emit, int steps, double d0, double maxd, Rule rule, int j,
		   double *rd, double *rn, long *pushed)
{
	static int due[MAXQ];           /* arrival steps still in flight */
	int nq = 0;
	double delay = d0, n = 0;
	delay = delay < 0 ? 0 : delay > maxd ? maxd : delay;
	for (int s = 0; s < steps; s++) {
		if (emit[s]) {
			double x = delay / DT;
			ck_assert(nq < MAXQ);
			due[nq++] = s + (int)floor(x + 0.5);
			(*pushed)++;
		}
		for (int q = 0; q < nq; q++)
			if (due[q] == s) {
				n += 1;
				delay = rule(delay, n, j, maxd);
				delay = delay < 0 ? 0 : delay > maxd ? maxd : delay;
				due[q--] = due[--nq];
			}
		rd[s] = delay;
		rn[s] = n;
	}
}

/* delay = 0.1 ms * ((7 n + 5 post.i) mod 29), written in on pre. */
static double scramble(double delay, double n, int j, double maxd)
{
	double m = 7 * n + 5 * j;
	return 0.1 * MS * (m - 29 * floor(m / 29));
}

static const char *flight_model =
	"synapse F {\n"
	"	state delay : s = 2 ms\n"
	"	state n = 0\n"
	"	on pre {\n"
	"		n += 1\n"
	"		delay = 0.1 ms * ((7 * n + 5 * post.i) - 29 * floor((7 * n + 5 * post.i) / 29))\n"
	"	}\n"
	"}\n"
	"network Flight {\n"
	"	dt = 0.1 ms\n"
	"	pop A = spikes(1, times = [%s])\n"
	"	pop B = spikes(3, times = [1 s])\n"
	"	connect A -> B : F(max_delay = 3 ms) as syn\n"
	"	record syn.delay\n"
	"	record syn.n\n"
	"	run %s\n"
	"}\n";

#define STEPS_F 400
#define NSYN_F 3

/* Emissions every 3 steps from step 2 to 299: many spikes in flight while
 * each arrival rewrites the delay. */
static void flight_emissions(char *emit, char *times, size_t len)
{
	memset(emit, 0, STEPS_F);
	times[0] = 0;
	for (int s = 2; s < 300; s += 3) {
		emit[s] = 1;
		append(times, len, "%.1f ms", (s + 1) * 0.1);
	}
}

static void check_replay(const char *dir, const char *out, const char *emit, int steps, int nsyn,
			 double d0, double maxd, Rule rule, double tol)
{
	snn_npy_array d, n;
	e2e_load(dir, out, "syn.delay.npy", &d);
	e2e_load(dir, out, "syn.n.npy", &n);
	ck_assert_int_eq(d.count, (int64_t)steps * nsyn);
	static double rd[STEPS_F * 4], rn[STEPS_F * 4];
	long npre = 0;
	for (int s = 0; s < steps; s++)
		npre += emit[s];
	double total = 0;
	for (int j = 0; j < nsyn; j++) {
		long pushed = 0;
		replay(emit, steps, d0, maxd, rule, j, rd, rn, &pushed);
		ck_assert_int_eq(pushed, npre);
		for (int s = 0; s < steps; s++) {
			double gd = d.data[s * nsyn + j], gn = n.data[s * nsyn + j];
			ck_assert_msg(gn == rn[s], "synapse %d step %d: %g arrivals, expected %g",
				      j, s, gn, rn[s]);
			ck_assert_msg(fabs(gd - rd[s]) <= tol, "synapse %d step %d: delay %.17g, "
				      "expected %.17g", j, s, gd, rd[s]);
			ck_assert_msg(gd >= 0 && gd <= maxd, "synapse %d step %d: delay %.17g out of "
				      "[0, %g]", j, s, gd, maxd);
		}
		total += n.data[(steps - 1) * nsyn + j];
	}
	/* every spike delivered exactly once (the run outlasts the delays) */
	ck_assert_msg(total == (double)npre * nsyn, "%g deliveries of %ld spikes x %d synapses",
		      total, npre, nsyn);
	snn_npy_free(&d), snn_npy_free(&n);
}

START_TEST(test_in_flight)
{
	char emit[STEPS_F], times[4096], model[8192], dir[E2E_PATH];
	flight_emissions(emit, times, sizeof times);
	snprintf(model, sizeof model, flight_model, times, "40 ms");
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "fl", model);
	e2e_sim(dir, "fl", "out", NULL);
	check_replay(dir, "out", emit, STEPS_F, NSYN_F, 2 * MS, 3 * MS, scramble, 1e-18);
	e2e_cleanup(dir);
}
END_TEST

/* ----------------------------------------------------------- clipping */

/* delay += or -= 0.1 ms * ((13 n + 3 post.i) mod 29 - 8), up for 20
 * arrivals, then down for 20: runs into both bounds. */
static double drift(double delay, double n, int j, double maxd)
{
	double m = 13 * n + 3 * j, v = 0.1 * MS * ((m - 29 * floor(m / 29)) - 8);
	return n - 40 * floor(n / 40) < 20 ? delay + v : delay - v;
}

static const char *clip_model =
	"synapse C {\n"
	"	state delay : s = 1 ms\n"
	"	state n = 0\n"
	"	on pre {\n"
	"		n += 1\n"
	"		if n - 40 * floor(n / 40) < 20 {\n"
	"			delay += 0.1 ms * (((13 * n + 3 * post.i) - 29 * floor((13 * n + 3 * post.i) / 29)) - 8)\n"
	"		} else {\n"
	"			delay -= 0.1 ms * (((13 * n + 3 * post.i) - 29 * floor((13 * n + 3 * post.i) / 29)) - 8)\n"
	"		}\n"
	"	}\n"
	"}\n"
	"synapse R {\n"
	"	state delay : s = 1 ms\n"
	"	ddelay/dt = 2\n"
	"	method euler\n"
	"}\n"
	"network Clip {\n"
	"	dt = 0.1 ms\n"
	"	pop A = spikes(1, times = [%s])\n"
	"	pop B = spikes(3, times = [1 s])\n"
	"	connect A -> B : C(delay = 7 ms, max_delay = 2 ms) as syn\n"
	"	connect A -> B : R(max_delay = 1.5 ms) as ode\n"
	"	record syn.delay\n"
	"	record syn.n\n"
	"	record ode.delay\n"
	"	run 40 ms\n"
	"}\n";

START_TEST(test_clipped)
{
	char emit[STEPS_F], times[4096], model[8192], dir[E2E_PATH];
	flight_emissions(emit, times, sizeof times);
	snprintf(model, sizeof model, clip_model, times);
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "cl", model);
	e2e_sim(dir, "cl", "out", NULL);
	/* connect's delay = 7 ms is the initial value, clipped to 2 ms */
	check_replay(dir, "out", emit, STEPS_F, NSYN_F, 7 * MS, 2 * MS, drift, 1e-15);
	snn_npy_array d;
	e2e_load(dir, "out", "syn.delay.npy", &d);
	long top = 0, bottom = 0;
	for (int64_t k = 0; k < d.count; k++) {
		top += d.data[k] == 2 * MS;
		bottom += d.data[k] == 0;
	}
	ck_assert_msg(top > 10 && bottom > 10, "the rule hit the bounds %ld and %ld times", top, bottom);
	ck_assert(d.data[0] == 2 * MS);              /* clipped at setup */
	snn_npy_free(&d);
	/* an ODE's store is clipped too: 1 ms + 2 dt per step, up to 1.5 ms */
	snn_npy_array o;
	e2e_load(dir, "out", "ode.delay.npy", &o);
	double x = 1 * MS;
	for (int s = 0; s < STEPS_F; s++) {
		x = x + DT * 2;
		x = x > 1.5 * MS ? 1.5 * MS : x;
		for (int j = 0; j < NSYN_F; j++)
			ck_assert_msg(fabs(o.data[s * NSYN_F + j] - x) <= 1e-15, "ode step %d: %.17g, "
				      "expected %.17g", s, o.data[s * NSYN_F + j], x);
	}
	ck_assert(o.data[(STEPS_F - 1) * NSYN_F] == 1.5 * MS);
	snn_npy_free(&o);
	e2e_cleanup(dir);
}
END_TEST

/* ---------------------------------------------------------- checkpoint */

/* The rows of `full` after t0 equal `b` bit for bit. */
static void same_tail(const char *dir, const char *stem, double t0)
{
	char name[128];
	snn_npy_array tf, vf, tp, vp;
	e2e_fmt(name, sizeof name, "%s.t.npy", stem);
	e2e_load(dir, "full", name, &tf);
	e2e_load(dir, "b", name, &tp);
	e2e_fmt(name, sizeof name, "%s.npy", stem);
	e2e_load(dir, "full", name, &vf);
	e2e_load(dir, "b", name, &vp);
	int64_t first = 0;
	while (first < tf.count && tf.data[first] <= t0 + DT / 2)
		first++;
	int64_t rows = tf.count - first, cols = tf.count ? vf.count / tf.count : 0;
	ck_assert_msg(rows == tp.count && rows > 0, "%s: %lld rows after the restore, %lld restored",
		      stem, (long long)rows, (long long)tp.count);
	ck_assert(memcmp(tf.data + first, tp.data, (size_t)rows * sizeof(double)) == 0);
	ck_assert_msg(memcmp(vf.data + first * cols, vp.data, (size_t)(rows * cols) * sizeof(double)) == 0,
		      "%s: values differ after the restore", stem);
	snn_npy_free(&tf), snn_npy_free(&vf), snn_npy_free(&tp), snn_npy_free(&vp);
}

START_TEST(test_checkpoint_in_flight)
{
	char emit[STEPS_F], times[4096], model[8192], dir[E2E_PATH];
	flight_emissions(emit, times, sizeof times);
	snprintf(model, sizeof model, flight_model, times, "40 ms");
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "fl", model);
	e2e_sim(dir, "fl", "full", NULL);
	/* at 10.05 ms: spikes of steps 98 and 95 (and others) are in flight */
	e2e_sim(dir, "fl", "a", "--duration 10ms --checkpoint a.ckpt");
	e2e_sim(dir, "fl", "b", "--duration 30ms --restore a.ckpt");
	same_tail(dir, "syn.delay", 10 * MS);
	same_tail(dir, "syn.n", 10 * MS);
	/* and the whole run still follows the contract */
	check_replay(dir, "full", emit, STEPS_F, NSYN_F, 2 * MS, 3 * MS, scramble, 1e-18);
	e2e_cleanup(dir);
}
END_TEST

Suite *suite_learned_delays(void)
{
	Suite *s = suite_create("learned_delays");
	TCase *tc = tcase_create("learned_delays");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_hebbian_delay);
	tcase_add_test(tc, test_in_flight);
	tcase_add_test(tc, test_clipped);
	tcase_add_test(tc, test_checkpoint_in_flight);
	suite_add_tcase(s, tc);
	return s;
}
