/*
 * expm.c — exact propagators for linear ODE systems, dx/dt = A x + b.
 *
 * Over a step h with b constant, x(t+h) = Phi x + Psi b with Phi = e^{Ah}
 * and Psi = \int_0^h e^{As} ds.  Both are blocks of one exponential:
 *
 *   exp([[A h, I h], [0, 0]]) = [[Phi, Psi], [0, I]]
 *
 * computed by scaling and squaring with the degree-13 Pade approximant
 * (Higham, "The scaling and squaring method for the matrix exponential
 * revisited", 2005): accurate to about the unit roundoff times the
 * condition of the problem.  Run once at setup; memory from malloc.
 */
#include "snn_rt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double pade13[14] = {
	64764752532480000.0, 32382376266240000.0, 7771770303897600.0,
	1187353796428800.0, 129060195264000.0, 10559470521600.0,
	670442572800.0, 33522128640.0, 1323241920.0, 40840800.0,
	960960.0, 16380.0, 182.0, 1.0,
};
#define THETA13 5.371920351148152

/* C = A B, all N x N row-major; C must not alias A or B. */
static void matmul(int N, const double *A, const double *B, double *C)
{
	memset(C, 0, (size_t)N * N * sizeof *C);
	for (int i = 0; i < N; i++)
		for (int k = 0; k < N; k++) {
			double a = A[i * N + k];
			if (a == 0)
				continue;
			for (int j = 0; j < N; j++)
				C[i * N + j] += a * B[k * N + j];
		}
}

/* R = c6 A6 + c4 A4 + c2 A2 + c0 I. */
static void combine(int N, double *R, const double *A6, const double *A4, const double *A2,
		    double c6, double c4, double c2, double c0)
{
	for (int k = 0; k < N * N; k++)
		R[k] = c6 * A6[k] + c4 * A4[k] + c2 * A2[k];
	for (int i = 0; i < N; i++)
		R[i * N + i] += c0;
}

static double norm1(int N, const double *A)
{
	double best = 0;
	for (int j = 0; j < N; j++) {
		double s = 0;
		for (int i = 0; i < N; i++)
			s += fabs(A[i * N + j]);
		if (s > best)
			best = s;
	}
	return best;
}

/* Solves P X = B in place (X overwrites B) by Gaussian elimination with
 * partial pivoting; P is destroyed. */
static void solve(int N, double *P, double *B)
{
	for (int c = 0; c < N; c++) {
		int piv = c;
		for (int r = c + 1; r < N; r++)
			if (fabs(P[r * N + c]) > fabs(P[piv * N + c]))
				piv = r;
		for (int j = 0; j < N && piv != c; j++) {
			double t = P[c * N + j]; P[c * N + j] = P[piv * N + j]; P[piv * N + j] = t;
			t = B[c * N + j]; B[c * N + j] = B[piv * N + j]; B[piv * N + j] = t;
		}
		for (int r = c + 1; r < N; r++) {
			double f = P[r * N + c] / P[c * N + c];
			if (f == 0)
				continue;
			for (int j = c; j < N; j++)
				P[r * N + j] -= f * P[c * N + j];
			for (int j = 0; j < N; j++)
				B[r * N + j] -= f * B[c * N + j];
		}
	}
	for (int c = N - 1; c >= 0; c--) {
		for (int j = 0; j < N; j++)
			B[c * N + j] /= P[c * N + c];
		for (int r = 0; r < c; r++) {
			double f = P[r * N + c];
			for (int j = 0; j < N && f != 0; j++)
				B[r * N + j] -= f * B[c * N + j];
		}
	}
}

/* E = exp(M), N x N, by scaling and squaring with Pade(13).  w: 6 N*N
 * doubles of workspace. */
static void expm(int N, const double *M, double *E, double *w)
{
	size_t nn = (size_t)N * N;
	double *A = w, *A2 = w + nn, *A4 = w + 2 * nn, *A6 = w + 3 * nn, *U = w + 4 * nn,
	       *T = w + 5 * nn;
	const double *b = pade13;
	double nrm = norm1(N, M);
	int s = nrm > THETA13 ? (int)ceil(log2(nrm / THETA13)) : 0;
	for (size_t k = 0; k < nn; k++)
		A[k] = ldexp(M[k], -s);
	matmul(N, A, A, A2);
	matmul(N, A2, A2, A4);
	matmul(N, A4, A2, A6);
	combine(N, T, A6, A4, A2, b[13], b[11], b[9], 0);
	matmul(N, A6, T, E);
	combine(N, T, A6, A4, A2, b[7], b[5], b[3], b[1]);
	for (size_t k = 0; k < nn; k++)
		T[k] += E[k];
	matmul(N, A, T, U);                     /* U = odd part */
	combine(N, T, A6, A4, A2, b[12], b[10], b[8], 0);
	matmul(N, A6, T, E);
	combine(N, T, A6, A4, A2, b[6], b[4], b[2], b[0]);
	for (size_t k = 0; k < nn; k++) {
		double v = E[k] + T[k];         /* V = even part */
		A[k] = v - U[k];
		E[k] = v + U[k];
	}
	solve(N, A, E);
	for (int k = 0; k < s; k++) {
		matmul(N, E, E, T);
		memcpy(E, T, nn * sizeof *E);
	}
}

void snn_expm(int n, const double *A, double h, double *Phi, double *Psi)
{
	int N = 2 * n;
	size_t nn = (size_t)N * N;
	double *M = calloc(8 * nn + 1, sizeof *M);
	if (!M) {
		fputs("snn: out of memory\n", stderr);
		abort();
	}
	double *E = M + nn;
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < n; j++)
			M[i * N + j] = A[i * n + j] * h;
		M[i * N + n + i] = h;
	}
	expm(N, M, E, M + 2 * nn);
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++) {
			Phi[i * n + j] = E[i * N + j];
			Psi[i * n + j] = E[i * N + n + j];
		}
	free(M);
}
