/*
 * cuba_hand.c — the CUBA network written by hand, as carefully as we can,
 * to see how far generated code is from it (bench/run.sh).
 *
 *     cuba_hand N [seed]          prints {"N":..,"loop":s,"spikes":n}
 *
 * Same model as examples/cuba.snn scaled to N neurons: the first 80%
 * excitatory, p = 80/N, dt 0.1 ms, 1 s.  The state is three flat arrays
 * (structure of arrays).  The linear system (v - El, ge, gi) is advanced by
 * its exact propagator over dt, precomputed once: ge and gi decay, and v
 * gets a fixed share of each.  Connectivity is CSR indexed by the
 * presynaptic neuron with int32 targets, drawn pre by pre from geometric
 * gaps (no N x N coin flips).  Refractoriness is a one-byte step counter.
 * Define SINGLE for float state; the propagator is computed in double.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifdef SINGLE
typedef float real;
#else
typedef double real;
#endif

enum { REFRACTORY_STEPS = 50 };          /* 5 ms / 0.1 ms */

static const double dt = 1e-4, duration = 1.0;
static const double taum = 20e-3, taue = 5e-3, taui = 10e-3;
static const double Vt = -50e-3, Vr = -60e-3, El = -49e-3;
static const double we = 60 * 0.27 / 10 * 1e-3, wi = -20 * 4.5 / 10 * 1e-3;

/* splitmix64: small, fast and good enough for a benchmark. */
static uint64_t rng_state;

static uint64_t next_u64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double uniform(void)
{
	return (next_u64() >> 11) * 0x1.0p-53;
}

typedef struct {
	int64_t *start;   /* [n + 1]: targets of pre j are target[start[j] .. start[j+1]) */
	int32_t *target;
} Csr;

/* Each pair (j, k) with probability p: the gap to the next target is
 * geometric, 1 + floor(log(1 - u) / log(1 - p)). */
static Csr connect_random(int n, double p)
{
	Csr c;
	size_t cap = (size_t)(n * (double)n * p * 1.1) + 1024, len = 0;
	double lq = log1p(-p);
	c.start = malloc((size_t)(n + 1) * sizeof *c.start);
	c.target = malloc(cap * sizeof *c.target);
	for (int j = 0; j < n; j++) {
		c.start[j] = (int64_t)len;
		for (double k = floor(log1p(-uniform()) / lq); k < n;
		     k += 1 + floor(log1p(-uniform()) / lq)) {
			if (len == cap)
				c.target = realloc(c.target, (cap *= 2) * sizeof *c.target);
			c.target[len++] = (int32_t)k;
		}
	}
	c.start[n] = (int64_t)len;
	return c;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 4000;
	rng_state = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
	int ne = (int)(0.8 * n);
	long nsteps = lround(duration / dt);

	/* exact propagator of u' = (ge + gi - u)/taum, ge' = -ge/taue, gi' = -gi/taui */
	double em = exp(-dt / taum), ee = exp(-dt / taue), ei = exp(-dt / taui);
	real pm = (real)em, pe = (real)ee, pi = (real)ei;
	real ve = (real)(taue / (taue - taum) * (ee - em));
	real vi = (real)(taui / (taui - taum) * (ei - em));
	real el = (real)El, vt = (real)Vt, vr = (real)Vr;
	real wexc = (real)we, winh = (real)wi;

	real *v = malloc(n * sizeof *v), *ge = calloc(n, sizeof *ge), *gi = calloc(n, sizeof *gi);
	uint8_t *ref = calloc(n, 1);
	int32_t *fired = malloc(n * sizeof *fired);
	for (int i = 0; i < n; i++)
		v[i] = (real)(Vr + uniform() * (Vt - Vr));
	Csr c = connect_random(n, 80.0 / n);

	long spikes = 0;
	double t0 = now();
	for (long s = 0; s < nsteps; s++) {
		int nf = 0;
		for (int i = 0; i < n; i++) {
			real g1 = ge[i], g2 = gi[i];
			ge[i] = g1 * pe;
			gi[i] = g2 * pi;
			if (ref[i]) {
				ref[i]--;
				continue;
			}
			real u = (v[i] - el) * pm + g1 * ve + g2 * vi + el;
			if (u > vt) {
				fired[nf++] = i;
				u = vr;
				ref[i] = REFRACTORY_STEPS;
			}
			v[i] = u;
		}
		for (int f = 0; f < nf; f++) {
			int j = fired[f];
			real *g = j < ne ? ge : gi;
			real w = j < ne ? wexc : winh;
			for (int64_t k = c.start[j]; k < c.start[j + 1]; k++)
				g[c.target[k]] += w;
		}
		spikes += nf;
	}
	double loop = now() - t0;
	printf("{\"N\": %d, \"loop\": %.6f, \"spikes\": %ld, \"rate\": %.4f}\n",
	       n, loop, spikes, spikes / (double)n / duration);
	free(v), free(ge), free(gi), free(ref), free(fired), free(c.start), free(c.target);
	return 0;
}
