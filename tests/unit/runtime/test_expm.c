/*
 * test_expm.c — exact propagators Phi = e^{Ah}, Psi = \int_0^h e^{As} ds,
 * against closed forms (scalar, triangular, rotation), an RK4 reference
 * and the semigroup law for a dense 16 x 16 matrix.
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "snn_rt.h"

static void near(double got, double want, double rel, const char *what)
{
	double tol = rel * fmax(fabs(want), 1e-300);
	ck_assert_msg(fabs(got - want) <= tol, "%s: %.17g, want %.17g", what, got, want);
}

/* (e^{ah} - 1) / a, with the limit h at a = 0 */
static double psi1(double a, double h)
{
	return a == 0 ? h : expm1(a * h) / a;
}

START_TEST(scalar)
{
	static const double cases[][2] = {
		{ -50, 1e-4 }, { -1e4, 1e-3 }, { 3, 0.2 }, { -0.001, 1 }, { 0, 1e-4 }, { -200, 0.5 },
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		double a = cases[k][0], h = cases[k][1], phi, psi;
		snn_expm(1, &a, h, &phi, &psi);
		near(phi, exp(a * h), 1e-13, "Phi");
		near(psi, psi1(a, h), 1e-13, "Psi");
	}
	double a = 0, phi, psi;
	snn_expm(1, &a, 1e-4, &phi, &psi);
	ck_assert(phi == 1);
	near(psi, 1e-4, 1e-15, "Psi at a = 0");
}
END_TEST

/* [[a, c], [0, b]], a != b: the closed form of both blocks. */
static void check_triangular(double a, double b, double c, double h)
{
	double A[4] = { a, c, 0, b }, Phi[4], Psi[4];
	snn_expm(2, A, h, Phi, Psi);
	near(Phi[0], exp(a * h), 1e-13, "Phi00");
	near(Phi[3], exp(b * h), 1e-13, "Phi11");
	ck_assert(fabs(Phi[2]) < 1e-300 && fabs(Psi[2]) < 1e-300);
	near(Phi[1], c * (expm1(a * h) - expm1(b * h)) / (a - b), 1e-13, "Phi01");
	near(Psi[0], psi1(a, h), 1e-13, "Psi00");
	near(Psi[3], psi1(b, h), 1e-13, "Psi11");
	near(Psi[1], c * (psi1(a, h) - psi1(b, h)) / (a - b), 1e-12, "Psi01");
}

START_TEST(triangular)
{
	check_triangular(-50, -200, 3, 1e-4);
	check_triangular(-50, -200, 3, 1e-2);
	check_triangular(-1, 2, 0.5, 1.5);
	check_triangular(0, -100, 7, 1e-3);
}
END_TEST

START_TEST(rotation)
{
	double w = 30, h = 0.1;     /* w h = 3: needs scaling */
	double A[4] = { 0, w, -w, 0 }, Phi[4], Psi[4];
	snn_expm(2, A, h, Phi, Psi);
	double c = cos(w * h), s = sin(w * h);
	near(Phi[0], c, 1e-13, "cos");
	near(Phi[1], s, 1e-13, "sin");
	near(Phi[2], -s, 1e-13, "-sin");
	near(Phi[3], c, 1e-13, "cos");
	near(Psi[0], s / w, 1e-13, "Psi00");
	near(Psi[1], (1 - c) / w, 1e-13, "Psi01");
	near(Psi[2], -(1 - c) / w, 1e-13, "Psi10");
}
END_TEST

/* dx/dt = A x + b by RK4 with n small steps. */
static void rk4(const double *A, const double *b, double *x, double h, int n)
{
	double k[4][3], y[3];
	double dt = h / n;
	for (int step = 0; step < n; step++) {
		for (int s = 0; s < 4; s++) {
			double f = s == 0 ? 0 : s == 3 ? 1 : 0.5;
			for (int i = 0; i < 3; i++)
				y[i] = x[i] + (s ? f * dt * k[s - 1][i] : 0);
			for (int i = 0; i < 3; i++) {
				k[s][i] = b[i];
				for (int j = 0; j < 3; j++)
					k[s][i] += A[i * 3 + j] * y[j];
			}
		}
		for (int i = 0; i < 3; i++)
			x[i] += dt / 6 * (k[0][i] + 2 * k[1][i] + 2 * k[2][i] + k[3][i]);
	}
}

/* CUBA: taum dv/dt = El - v + ge + gi, dge/dt = -ge/taue, dgi/dt = -gi/taui */
START_TEST(cuba)
{
	double tm = 20e-3, te = 5e-3, ti = 10e-3, El = -49e-3, h = 2e-3;
	double A[9] = { -1 / tm, 1 / tm, 1 / tm, 0, -1 / te, 0, 0, 0, -1 / ti };
	double b[3] = { El / tm, 0, 0 }, Phi[9], Psi[9];
	snn_expm(3, A, h, Phi, Psi);
	double a = -1 / tm;
	near(Phi[0], exp(a * h), 1e-13, "Phi vv");
	near(Phi[1], (1 / tm) * (expm1(a * h) - expm1(-h / te)) / (a + 1 / te), 1e-13, "Phi v ge");
	near(Phi[2], (1 / tm) * (expm1(a * h) - expm1(-h / ti)) / (a + 1 / ti), 1e-13, "Phi v gi");
	near(Phi[4], exp(-h / te), 1e-13, "Phi ge");
	near(Phi[8], exp(-h / ti), 1e-13, "Phi gi");
	near(Psi[0], psi1(a, h), 1e-13, "Psi vv");

	double x0[3] = { -60e-3, 1.5e-3, -2e-3 }, x[3];
	memcpy(x, x0, sizeof x);
	rk4(A, b, x, h, 2000);
	for (int i = 0; i < 3; i++) {
		double y = 0;
		for (int j = 0; j < 3; j++)
			y += Phi[i * 3 + j] * x0[j] + Psi[i * 3 + j] * b[j];
		near(y, x[i], 1e-12, "trajectory");
	}
}
END_TEST

/* Phi(2h) = Phi(h)^2 and Psi(2h) = Psi(h) + Phi(h) Psi(h), dense 16 x 16. */
START_TEST(semigroup)
{
	enum { n = 16 };
	static double A[n * n], P1[n * n], S1[n * n], P2[n * n], S2[n * n];
	for (int i = 0; i < n * n; i++)
		A[i] = (snn_rand(1, 2, (uint64_t)i, 0, 0) - 0.5) * 40;
	for (int i = 0; i < n; i++)
		A[i * n + i] -= 60;
	double h = 0.01;
	snn_expm(n, A, h, P1, S1);
	snn_expm(n, A, 2 * h, P2, S2);
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++) {
			double pp = 0, ps = S1[i * n + j];
			for (int k = 0; k < n; k++) {
				pp += P1[i * n + k] * P1[k * n + j];
				ps += P1[i * n + k] * S1[k * n + j];
			}
			ck_assert_msg(fabs(pp - P2[i * n + j]) < 1e-12, "Phi(2h) %d %d", i, j);
			ck_assert_msg(fabs(ps - S2[i * n + j]) < 1e-14, "Psi(2h) %d %d", i, j);
		}
}
END_TEST

Suite *suite_expm(void)
{
	Suite *s = suite_create("expm");
	TCase *tc = tcase_create("expm");
	tcase_add_test(tc, scalar);
	tcase_add_test(tc, triangular);
	tcase_add_test(tc, rotation);
	tcase_add_test(tc, cuba);
	tcase_add_test(tc, semigroup);
	suite_add_tcase(s, tc);
	return s;
}
