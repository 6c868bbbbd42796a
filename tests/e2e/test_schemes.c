/*
 * test_schemes.c — the integrators, end to end.  Each test writes a model,
 * builds it with $SNNC, runs the simulator and compares what it recorded
 * with a reference computed here, independently of the compiler:
 *
 *   - the discrete map of each scheme (euler, rk2 = midpoint, classical rk4,
 *     exponential_euler with A and B frozen at the start of the step) and
 *     the closed form (exact) for a leaky integrator with constant drive, a
 *     leaky integrator forced by sin(w t) (the stages see their own times)
 *     and a 2-D system, v driven by a decaying ge; each trace must match its
 *     own scheme and, as a check of the tolerance, no other one;
 *   - convergence orders against the closed form as dt is halved twice;
 *   - Euler-Maruyama on Ornstein-Uhlenbeck processes: stationary mean and
 *     variance of the discrete map, lag-1 autocorrelation, independence of
 *     the xi of two ODEs and of neighbouring elements, reproducibility;
 *   - precision = single: values are float32 and follow the float32 map.
 *
 * Sample k of a record (0-based) is the state after step k, at (k+1)*dt.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "e2e_util.h"

enum { EULER, RK2, RK4, EXPEULER, EXACT, NMETHOD };
static const char *const method_name[NMETHOD] = {
	"euler", "rk2", "rk4", "exponential_euler", "exact",
};

/* ---------------------------------------------------------------- systems
 * A system: its .snn neuron (a format taking the model's suffix and the
 * method), dimension, right-hand side, exponential-Euler step and, when
 * it has one, closed form.  Parameters are SI, as in the model text. */
enum { MAXDIM = 2 };
typedef struct System System;
struct System {
	const char *name;         /* model and population prefix */
	const char *text;         /* printf format: name, method name, method */
	int dim;
	const char *var[MAXDIM];
	double y0[MAXDIM];
	void (*rhs)(double t, const double *y, double *dy);
	void (*expeuler)(double t, double dt, double *y);
	void (*exact)(double t, double *y);   /* state at time t from y0 */
	int twin;                 /* exponential_euler is exact for it */
	int has[NMETHOD];         /* methods the model may use */
};

/* LIF: tau dv/dt = El - v + R*I, constant drive, no threshold. */
#define L_TAU 10e-3
#define L_EL (-65e-3)
#define L_R 10e6
#define L_I 1.5e-9
static void lif_rhs(double t, const double *y, double *dy)
{
	dy[0] = (L_EL - y[0] + L_R * L_I) / L_TAU;
}
static void lif_expeuler(double t, double dt, double *y)
{
	double A = -1 / L_TAU, B = (L_EL + L_R * L_I) / L_TAU, E = exp(A * dt);
	y[0] = y[0] * E + B / A * (E - 1);
}
static void lif_exact(double t, double *y)
{
	double vinf = L_EL + L_R * L_I;
	y[0] = vinf + (L_EL - vinf) * exp(-t / L_TAU);
}
static const System lif = {
	"LIF",
	"neuron LIF%s {\n"
	"\tparam tau = 10 ms, El = -65 mV, R = 10 Mohm\n"
	"\tinput I = 1.5 nA\n"
	"\tstate v = El\n"
	"\ttau dv/dt = El - v + R * I\n"
	"\tmethod %s\n"
	"}\n",
	1, { "v" }, { L_EL }, lif_rhs, lif_expeuler, lif_exact, 1, { 1, 1, 1, 1, 1 },
};

/* SIN: dv/dt = -v/tau + a*sin(w*t), v(0) = 1.  Closed form with k = 1/tau:
 * v = v0 e^{-kt} + a (k sin wt - w cos wt + w e^{-kt}) / (k^2 + w^2). */
#define S_TAU 10e-3
#define S_A 100.0
#define S_W 300.0
static void sin_rhs(double t, const double *y, double *dy)
{
	dy[0] = -y[0] / S_TAU + S_A * sin(S_W * t);
}
static void sin_expeuler(double t, double dt, double *y)
{
	double A = -1 / S_TAU, B = S_A * sin(S_W * t), E = exp(A * dt);
	y[0] = y[0] * E + B / A * (E - 1);
}
static void sin_exact(double t, double *y)
{
	double k = 1 / S_TAU, w = S_W;
	y[0] = exp(-k * t) + S_A * (k * sin(w * t) - w * cos(w * t) + w * exp(-k * t)) / (k * k + w * w);
}
static const System sinus = {
	"SIN",
	"neuron SIN%s {\n"
	"\tparam tau = 10 ms, a = 100 Hz, w = 300 Hz\n"
	"\tstate v = 1\n"
	"\tdv/dt = -v / tau + a * sin(w * t)\n"
	"\tmethod %s\n"
	"}\n",
	1, { "v" }, { 1 }, sin_rhs, sin_expeuler, sin_exact, 0, { 1, 1, 1, 1, 0 },
};

/* CPL: tau dv/dt = El - v + ge, taue dge/dt = -ge, ge(0) = g0.  Closed form:
 * ge = g0 e^{-t/taue}, v = El + (v0 - El - C) e^{-t/tau} + C e^{-t/taue}
 * with C = g0 taue / (taue - tau); here v0 = El. */
#define C_TAU 20e-3
#define C_TAUE 5e-3
#define C_EL (-65e-3)
#define C_G0 20e-3
static void cpl_rhs(double t, const double *y, double *dy)
{
	dy[0] = (C_EL - y[0] + y[1]) / C_TAU;
	dy[1] = -y[1] / C_TAUE;
}
static void cpl_expeuler(double t, double dt, double *y)
{
	double A = -1 / C_TAU, B = (C_EL + y[1]) / C_TAU, E = exp(A * dt);
	y[0] = y[0] * E + B / A * (E - 1);
	y[1] = y[1] * exp(-dt / C_TAUE);
}
static void cpl_exact(double t, double *y)
{
	double C = C_G0 * C_TAUE / (C_TAUE - C_TAU);
	y[0] = C_EL - C * exp(-t / C_TAU) + C * exp(-t / C_TAUE);
	y[1] = C_G0 * exp(-t / C_TAUE);
}
static const System cpl = {
	"CPL",
	"neuron CPL%s {\n"
	"\tparam tau = 20 ms, taue = 5 ms, El = -65 mV\n"
	"\tstate v = El, ge = 20 mV\n"
	"\ttau dv/dt = El - v + ge\n"
	"\ttaue dge/dt = -ge\n"
	"\tmethod %s\n"
	"}\n",
	2, { "v", "ge" }, { C_EL, C_G0 }, cpl_rhs, cpl_expeuler, cpl_exact, 0, { 1, 1, 1, 1, 1 },
};

/* ---------------------------------------------------------------- references */

/* y += c * k, elementwise */
static void axpy(int n, double *out, const double *y, double c, const double *k)
{
	for (int j = 0; j < n; j++)
		out[j] = y[j] + c * k[j];
}

/* One step of an explicit scheme from time t. */
static void rk_step(const System *s, int method, double t, double dt, double *y)
{
	int n = s->dim;
	double k1[MAXDIM], k2[MAXDIM], k3[MAXDIM], k4[MAXDIM], z[MAXDIM];
	s->rhs(t, y, k1);
	if (method == EULER) {
		axpy(n, y, y, dt, k1);
		return;
	}
	axpy(n, z, y, dt / 2, k1);
	s->rhs(t + dt / 2, z, k2);
	if (method == RK2) {
		axpy(n, y, y, dt, k2);
		return;
	}
	axpy(n, z, y, dt / 2, k2);
	s->rhs(t + dt / 2, z, k3);
	axpy(n, z, y, dt, k3);
	s->rhs(t + dt, z, k4);
	for (int j = 0; j < n; j++)
		y[j] += dt / 6 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
}

/* The reference trace: out[k * dim + j] is variable j after step k. */
static void reference(const System *s, int method, double dt, int nsteps, double *out)
{
	double y[MAXDIM];
	memcpy(y, s->y0, sizeof y);
	for (int k = 0; k < nsteps; k++) {
		double t = k * dt;
		if (method == EXACT)
			s->exact((k + 1) * dt, y);
		else if (method == EXPEULER)
			s->expeuler(t, dt, y);
		else
			rk_step(s, method, t, dt, y);
		memcpy(out + (size_t)k * s->dim, y, s->dim * sizeof *y);
	}
}

/* max_k |got_k - ref_k| / max_k |ref_k| over variable j of a trace */
static double rel_err(const double *got, const double *ref, int dim, int j, int nsteps)
{
	double e = 0, scale = 0;
	for (int k = 0; k < nsteps; k++) {
		double r = ref[(size_t)k * dim + j];
		e = fmax(e, fabs(got[k] - r));
		scale = fmax(scale, fabs(r));
	}
	return e / scale;
}

/* Load POP.VAR of a one-neuron population; asserts nsteps samples. */
static double *load_trace(const char *dir, const char *out, const char *pop, const char *var,
			  int nsteps, snn_npy_array *a)
{
	char file[128];
	snprintf(file, sizeof file, "%s.%s.npy", pop, var);
	e2e_load(dir, out, file, a);
	ck_assert_msg(a->ndim == 2 && a->shape[0] == nsteps && a->shape[1] == 1,
		      "%s: shape [%lld, %lld], expected [%d, 1]", file, (long long)a->shape[0],
		      a->ndim > 1 ? (long long)a->shape[1] : -1LL, nsteps);
	return a->data;
}

/* ---------------------------------------------------------------- models */

typedef struct {
	const System *sys;
	int method;
} Case;

/* The population of a case, P<model>; its model is <system>_<method>. */
static void pop_name(char *buf, size_t len, const Case *c)
{
	snprintf(buf, len, "P%s_%s", c->sys->name, method_name[c->method]);
}

/* A network with one single-neuron population per case, recording every
 * variable every step.  settings: extra network lines (dt, precision). */
static char *network_text(const Case *cases, int ncases, const char *settings, double duration_ms)
{
	size_t cap = 1 << 16, len = 0;
	char *s = malloc(cap), pop[64];
	ck_assert_ptr_nonnull(s);
	for (int c = 0; c < ncases; c++) {
		char suffix[64];
		snprintf(suffix, sizeof suffix, "_%s", method_name[cases[c].method]);
		len += snprintf(s + len, cap - len, cases[c].sys->text, suffix,
				method_name[cases[c].method]);
	}
	len += snprintf(s + len, cap - len, "network Schemes {\n%s", settings);
	for (int c = 0; c < ncases; c++) {
		pop_name(pop, sizeof pop, &cases[c]);
		len += snprintf(s + len, cap - len, "\tpop %s = %s(1)\n", pop, pop + 1);
		for (int j = 0; j < cases[c].sys->dim; j++)
			len += snprintf(s + len, cap - len, "\trecord %s.%s\n", pop, cases[c].sys->var[j]);
	}
	len += snprintf(s + len, cap - len, "\trun %g ms\n}\n", duration_ms);
	ck_assert_uint_lt(len, cap);
	return s;
}

/* Every case of every system, the methods each allows. */
static int all_cases(Case *cases)
{
	static const System *const systems[] = { &lif, &sinus, &cpl };
	int n = 0;
	for (size_t s = 0; s < sizeof systems / sizeof *systems; s++)
		for (int m = 0; m < NMETHOD; m++)
			if (systems[s]->has[m])
				cases[n++] = (Case){ systems[s], m };
	return n;
}

/* ---------------------------------------------------------------- tests */

/* Each recorded trace is its own scheme's map, to 1e-9 relative (closed
 * forms to 1e-12), and no other scheme's: the tolerance discriminates. */
START_TEST(test_discrete_maps)
{
	enum { NSTEPS = 200 };
	const double dt = 2e-3;
	Case cases[3 * NMETHOD];
	int ncases = all_cases(cases);
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	char *text = network_text(cases, ncases, "\tdt = 2 ms\n", NSTEPS * 2.0);
	e2e_build(dir, "maps", text);
	free(text);
	e2e_sim(dir, "maps", "out", NULL);

	static double ref[NMETHOD][NSTEPS * MAXDIM];
	for (int c = 0; c < ncases; c++) {
		const System *s = cases[c].sys;
		for (int m = 0; m < NMETHOD; m++)
			if (s->has[m])
				reference(s, m, dt, NSTEPS, ref[m]);
		char pop[64];
		pop_name(pop, sizeof pop, &cases[c]);
		for (int j = 0; j < s->dim; j++) {
			snn_npy_array a;
			double *got = load_trace(dir, "out", pop, s->var[j], NSTEPS, &a);
			int me = cases[c].method;
			double tol = me == EXACT ? 1e-12 : 1e-9;
			double e = rel_err(got, ref[me], s->dim, j, NSTEPS);
			ck_assert_msg(e <= tol, "%s.%s: relative error %g against the %s map (tolerance %g)",
				      pop, s->var[j], e, method_name[me], tol);
			for (int m = 0; m < NMETHOD; m++) {
				if (m == me || !s->has[m] || (s->twin && me + m == EXPEULER + EXACT))
					continue;
				if (s->dim == 2 && j == 1 && m + me == EXPEULER + EXACT)
					continue;   /* ge decays exactly under both */
				double other = rel_err(got, ref[m], s->dim, j, NSTEPS);
				ck_assert_msg(other > 100 * tol, "%s.%s (%s) is within %g of the %s map",
					      pop, s->var[j], method_name[me], other, method_name[m]);
			}
			snn_npy_free(&a);
		}
	}
	e2e_cleanup(dir);
}
END_TEST

/* Orders of convergence against the closed form, dt halved twice: the
 * error is the largest over the times the three runs share. */
START_TEST(test_convergence_orders)
{
	enum { LEVELS = 3, T_MS = 40 };
	static const char *const dts[LEVELS] = { "1 ms", "0.5 ms", "0.25 ms" };
	static const double min_order[] = { [EULER] = 0.9, [RK2] = 1.8, [RK4] = 3.6 };
	static const double max_order[] = { [EULER] = 1.3, [RK2] = 2.4, [RK4] = 4.6 };
	const Case cases[] = { { &sinus, EULER }, { &sinus, RK2 }, { &sinus, RK4 }, { &cpl, EXACT } };
	const int ncases = sizeof cases / sizeof *cases;
	double err[4][LEVELS] = { { 0 } };
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	for (int l = 0; l < LEVELS; l++) {
		char settings[64], name[16], out[16];
		snprintf(settings, sizeof settings, "\tdt = %s\n", dts[l]);
		snprintf(name, sizeof name, "conv%d", l);
		snprintf(out, sizeof out, "out%d", l);
		char *text = network_text(cases, ncases, settings, T_MS);
		e2e_build(dir, name, text);
		free(text);
		e2e_sim(dir, name, out, NULL);
		int sub = 1 << l, nsteps = T_MS * sub;
		double dt = 1e-3 / sub;
		for (int c = 0; c < ncases; c++) {
			const System *s = cases[c].sys;
			char pop[64];
			pop_name(pop, sizeof pop, &cases[c]);
			for (int j = 0; j < s->dim; j++) {
				snn_npy_array a;
				double *got = load_trace(dir, out, pop, s->var[j], nsteps, &a);
				for (int k = 0; k < T_MS; k++) {
					double y[MAXDIM];
					s->exact((k + 1) * 1e-3, y);
					int idx = (k + 1) * sub - 1;
					ck_assert(fabs((idx + 1) * dt - (k + 1) * 1e-3) < 1e-15);
					err[c][l] = fmax(err[c][l], fabs(got[idx] - y[j]) / fabs(s->y0[j]));
				}
				snn_npy_free(&a);
			}
		}
	}
	for (int c = 0; c < ncases; c++) {
		int m = cases[c].method;
		if (m == EXACT) {
			for (int l = 0; l < LEVELS; l++)
				ck_assert_msg(err[c][l] <= 1e-12, "exact at dt = %s: error %g", dts[l], err[c][l]);
			continue;
		}
		for (int l = 0; l + 1 < LEVELS; l++) {
			double order = log2(err[c][l] / err[c][l + 1]);
			ck_assert_msg(order >= min_order[m] && order <= max_order[m],
				      "%s: order %g between dt = %s and %s (errors %g, %g), expected [%g, %g]",
				      method_name[m], order, dts[l], dts[l + 1], err[c][l], err[c][l + 1],
				      min_order[m], max_order[m]);
		}
	}
	e2e_cleanup(dir);
}
END_TEST

/* Ornstein-Uhlenbeck under Euler-Maruyama, tau dx/dt = -x + sigma sqrt(2 tau) xi:
 * x' = a x + b eta with a = 1 - dt/tau, b = sigma sqrt(2 dt/tau); stationary
 * variance b^2 / (1 - a^2) (4/3 sigma^2 here, not the continuous sigma^2). */
#define OU_N 2000
#define OU_TAU 2e-3
#define OU_DT 1e-3
#define OU_SIGMA 1.5
static const char ou_text[] =
	"neuron OU {\n"
	"\tparam tau = 2 ms, sigma = 1.5\n"
	"\tstate x = 0, y = 0\n"
	"\ttau dx/dt = -x + sigma * sqrt(2 * tau) * xi\n"
	"\ttau dy/dt = -y + sigma * sqrt(2 * tau) * xi\n"
	"\tmethod euler\n"
	"}\n"
	"network Noise {\n"
	"\tdt = 1 ms\n"
	"\tpop P = OU(2000)\n"
	"\trecord P.x every 10 ms\n"
	"\trecord P.y\n"
	"\trun 500 ms\n"
	"}\n";

typedef struct {
	double n, sx, sy, sxx, syy, sxy;
} Moments;

static void moments_add(Moments *m, double x, double y)
{
	m->n++;
	m->sx += x, m->sy += y;
	m->sxx += x * x, m->syy += y * y, m->sxy += x * y;
}
static double moments_mean_x(const Moments *m) { return m->sx / m->n; }
static double moments_var_x(const Moments *m)
{
	return (m->sxx - m->sx * m->sx / m->n) / (m->n - 1);
}
static double moments_corr(const Moments *m)
{
	double cxy = m->sxy - m->sx * m->sy / m->n;
	double cxx = m->sxx - m->sx * m->sx / m->n, cyy = m->syy - m->sy * m->sy / m->n;
	return cxy / sqrt(cxx * cyy);
}

/* mean 0 and the discrete map's variance, within 5 standard errors */
static void check_stationary(const char *what, const Moments *m, double var)
{
	double mean = moments_mean_x(m), v = moments_var_x(m);
	double se_mean = sqrt(var / m->n), se_var = var * sqrt(2 / (m->n - 1));
	ck_assert_msg(fabs(mean) < 5 * se_mean, "%s: mean %g, 5 s.e. = %g", what, mean, 5 * se_mean);
	ck_assert_msg(fabs(v - var) < 5 * se_var, "%s: variance %g, expected %g +- %g", what, v, var,
		      5 * se_var);
}

static void check_corr(const char *what, const Moments *m, double expect)
{
	double r = moments_corr(m);
	ck_assert_msg(fabs(r - expect) < 5 / sqrt(m->n), "%s: correlation %g, expected %g +- %g",
		      what, r, expect, 5 / sqrt(m->n));
}

START_TEST(test_ornstein_uhlenbeck)
{
	enum { XS = 50, YS = 500, BURN = 2 };
	const double a = 1 - OU_DT / OU_TAU, b = OU_SIGMA * sqrt(2 * OU_DT / OU_TAU);
	const double var = b * b / (1 - a * a);
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "ou", ou_text);
	e2e_sim(dir, "ou", "out", NULL);
	snn_npy_array X, Y;
	e2e_load(dir, "out", "P.x.npy", &X);
	e2e_load(dir, "out", "P.y.npy", &Y);
	ck_assert(X.ndim == 2 && X.shape[0] == XS && X.shape[1] == OU_N);
	ck_assert(Y.ndim == 2 && Y.shape[0] == YS && Y.shape[1] == OU_N);

	/* x sample s is at step 10 s + 9, as is y sample 10 s + 9; samples 10
	 * steps apart are correlated by a^10 ~ 1e-3 only. */
	Moments mx = { 0 }, my = { 0 }, xy = { 0 }, nb = { 0 }, lag = { 0 };
	for (int s = BURN; s < XS; s++) {
		const double *x = X.data + (size_t)s * OU_N, *y = Y.data + (size_t)(10 * s + 9) * OU_N;
		for (int i = 0; i < OU_N; i++) {
			moments_add(&mx, x[i], 0);
			moments_add(&my, y[i], 0);
			moments_add(&xy, x[i], y[i]);
			moments_add(&nb, x[i], x[(i + 1) % OU_N]);
		}
	}
	for (int k = 10 * BURN; k + 1 < YS; k++)
		for (int i = 0; i < OU_N; i++)
			moments_add(&lag, Y.data[(size_t)k * OU_N + i], Y.data[(size_t)(k + 1) * OU_N + i]);
	check_stationary("x", &mx, var);
	check_stationary("y", &my, var);
	check_corr("x with y", &xy, 0);
	check_corr("x[i] with x[i+1]", &nb, 0);
	check_corr("y lag 1", &lag, a);

	/* the same seed again: the same numbers; another seed: others */
	e2e_sim(dir, "ou", "again", NULL);
	e2e_sim(dir, "ou", "seed2", "--seed 2");
	snn_npy_array X1, X2;
	e2e_load(dir, "again", "P.x.npy", &X1);
	e2e_load(dir, "seed2", "P.x.npy", &X2);
	ck_assert(X1.count == X.count && X2.count == X.count);
	ck_assert(memcmp(X1.data, X.data, X.count * sizeof *X.data) == 0);
	int64_t same = 0;
	for (int64_t k = 0; k < X.count; k++)
		same += X2.data[k] == X.data[k];
	ck_assert_msg(same < X.count / 100, "%lld of %lld equal under another seed", (long long)same,
		      (long long)X.count);
	snn_npy_free(&X), snn_npy_free(&Y), snn_npy_free(&X1), snn_npy_free(&X2);
	e2e_cleanup(dir);
}
END_TEST

/* precision = single: every value is a float32 and follows the LIF's float32
 * map (the same operations in float) to 1e-6 relative; exponential_euler
 * and exact (whose matrices are computed in double) the double closed form. */
static void lif_float_map(int method, float dt, int nsteps, double *out)
{
	const float tau = (float)L_TAU, El = (float)L_EL, R = (float)L_R, I = (float)L_I;
	float v = El;
	for (int k = 0; k < nsteps; k++) {
		float k1 = ((El - v) + R * I) / tau, n;
		if (method == EULER) {
			n = v + dt * k1;
		} else if (method == RK2) {
			float k2 = ((El - (v + 0.5f * dt * k1)) + R * I) / tau;
			n = v + dt * k2;
		} else {
			float k2 = ((El - (v + 0.5f * dt * k1)) + R * I) / tau;
			float k3 = ((El - (v + 0.5f * dt * k2)) + R * I) / tau;
			float k4 = ((El - (v + dt * k3)) + R * I) / tau;
			n = v + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
		}
		out[k] = v = n;
	}
}

START_TEST(test_single_precision)
{
	enum { NSTEPS = 200 };
	const double dt = 2e-3;
	Case cases[NMETHOD];
	for (int m = 0; m < NMETHOD; m++)
		cases[m] = (Case){ &lif, m };
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	char *text = network_text(cases, NMETHOD, "\tdt = 2 ms\n\tprecision = single\n", NSTEPS * 2.0);
	e2e_build(dir, "single", text);
	free(text);
	e2e_sim(dir, "single", "out", NULL);
	double ref[NSTEPS], dref[NSTEPS];
	for (int m = 0; m < NMETHOD; m++) {
		char pop[64];
		pop_name(pop, sizeof pop, &cases[m]);
		snn_npy_array a;
		double *got = load_trace(dir, "out", pop, "v", NSTEPS, &a);
		for (int k = 0; k < NSTEPS; k++)
			ck_assert_msg((double)(float)got[k] == got[k], "%s.v[%d] = %.17g is not a float32",
				      pop, k, got[k]);
		if (m <= RK4)
			lif_float_map(m, (float)dt, NSTEPS, ref);
		else
			reference(&lif, m, dt, NSTEPS, ref);
		double e = rel_err(got, ref, 1, 0, NSTEPS);
		ck_assert_msg(e <= 1e-6, "%s.v: relative error %g against the float32 map", pop, e);
		/* and it is not the double computation */
		reference(&lif, m, dt, NSTEPS, dref);
		ck_assert_msg(rel_err(got, dref, 1, 0, NSTEPS) > 1e-12, "%s.v: double precision values",
			      pop);
		snn_npy_free(&a);
	}
	e2e_cleanup(dir);
}
END_TEST

Suite *suite_schemes(void)
{
	Suite *s = suite_create("schemes");
	TCase *tc = tcase_create("schemes");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_discrete_maps);
	tcase_add_test(tc, test_convergence_orders);
	tcase_add_test(tc, test_ornstein_uhlenbeck);
	tcase_add_test(tc, test_single_precision);
	suite_add_tcase(s, tc);
	return s;
}
