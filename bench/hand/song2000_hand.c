/*
 * song2000_hand.c — Song, Miller & Abbott 2000 written by hand, as carefully
 * as we can, to see how far generated code is from it (bench/plasticity.sh).
 *
 *     song2000_hand [seconds [seed]]      prints {"loop":s,"cpu":s,"rate":Hz,...}
 *
 * loop is the wall time of the simulation loop, cpu the processor time the
 * process spent in it (what Brian2's standalone loop time measures:
 * std::clock()).
 *
 * Same model as examples/song2000.snn: 1000 Poisson inputs at 15 Hz onto
 * one conductance-based LIF neuron (forward Euler, v from 0), additive STDP
 * with a presynaptic trace per input and one postsynaptic trace, w clipped
 * to [0, gmax], dt 0.1 ms, 100 s by default.
 *
 * What makes it fast:
 *   - each input's next spike is drawn as a geometric gap (1.5e-3 spikes per
 *     step: about one draw per 667 steps, not one per input per step) and
 *     kept in a calendar of 1024 step slots, each a linked list;
 *   - the traces are decayed only at events: each keeps its value and the
 *     step of its last change, and is brought forward by e^{-k dt/tau}
 *     (a table for gaps below 4096 steps, exp() beyond) when read;
 *   - so a step with no spike costs the neuron's two Euler updates and one
 *     look at the calendar.
 * Within a step the order is snnc's: integrate, threshold, on pre of the
 * inputs that spike, on post, reset.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { N = 1000, SLOTS = 1024, TABLE = 4096 };

static const double dt = 1e-4, rate = 15;
static const double taum = 10e-3, taue = 5e-3, taupre = 20e-3, taupost = 20e-3;
static const double Ee = 0, vt = -54e-3, vr = -60e-3, El = -74e-3;
static const double gmax = 0.01, dApre = 0.01 * 0.01, dApost = -0.01 * 1.05 * 0.01;

/* splitmix64, as in cuba_hand.c */
static uint64_t rng_state;

static uint64_t next_u64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in (0, 1]. */
static double uniform_open0(void)
{
	return ((next_u64() >> 11) + 1) * 0x1.0p-53;
}

/* Calendar: input i is due at step due[i], listed in slot due[i] % SLOTS. */
static int64_t due[N];
static int32_t next_in_slot[N], head[SLOTS];
static double log_q;                   /* log(1 - rate dt) */

static void schedule(int32_t i, int64_t after)
{
	due[i] = after + 1 + (int64_t)floor(log(uniform_open0()) / log_q);
	int32_t s = (int32_t)(due[i] & (SLOTS - 1));
	next_in_slot[i] = head[s];
	head[s] = i;
}

/* A trace decayed at events only. */
typedef struct {
	double value;
	int64_t last;                  /* step of its last change */
} trace;

static double table_pre[TABLE], table_post[TABLE];

static inline double decayed(const trace *tr, int64_t step, const double *table, double tau)
{
	int64_t k = step - tr->last;
	return tr->value * (k < TABLE ? table[k] : exp(-(double)k * dt / tau));
}

static inline double clip(double w)
{
	return w < 0 ? 0 : w > gmax ? gmax : w;
}

static double clock_of(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	double duration = argc > 1 ? atof(argv[1]) : 100;
	rng_state = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
	int64_t nsteps = llround(duration / dt);

	static double w[N];
	static trace apre[N];
	trace apost = { 0, 0 };
	for (int i = 0; i < N; i++)
		w[i] = uniform_open0() * gmax;
	for (int k = 0; k < TABLE; k++) {
		table_pre[k] = exp(-k * dt / taupre);
		table_post[k] = exp(-k * dt / taupost);
	}
	log_q = log1p(-rate * dt);
	for (int s = 0; s < SLOTS; s++)
		head[s] = -1;
	for (int i = 0; i < N; i++)
		schedule(i, -1);

	double v = 0, ge = 0;
	const double ce = 1 - dt / taue;
	long spikes = 0;
	double t0 = clock_of(CLOCK_MONOTONIC), c0 = clock_of(CLOCK_PROCESS_CPUTIME_ID);
	for (int64_t step = 0; step < nsteps; step++) {
		/* 1. integrate (forward Euler, the joint update); 3. threshold */
		double nv = v + dt * ((ge * (Ee - v) + El - v) / taum);
		ge *= ce;
		v = nv;
		int fired = v > vt;
		/* 4. on pre: the inputs due now */
		int32_t *link = &head[step & (SLOTS - 1)];
		while (*link >= 0) {
			int32_t i = *link;
			if (due[i] != step) {
				link = &next_in_slot[i];
				continue;
			}
			*link = next_in_slot[i];
			ge += w[i];
			apre[i].value = decayed(&apre[i], step, table_pre, taupre) + dApre;
			apre[i].last = step;
			w[i] = clip(w[i] + decayed(&apost, step, table_post, taupost));
			schedule(i, step);
		}
		/* 4. on post; 5. reset */
		if (fired) {
			apost.value = decayed(&apost, step, table_post, taupost) + dApost;
			apost.last = step;
			for (int i = 0; i < N; i++)
				w[i] = clip(w[i] + decayed(&apre[i], step, table_pre, taupre));
			v = vr;
			spikes++;
		}
	}
	double loop = clock_of(CLOCK_MONOTONIC) - t0, cpu = clock_of(CLOCK_PROCESS_CPUTIME_ID) - c0;
	int below = 0, above = 0;
	for (int i = 0; i < N; i++) {
		below += w[i] < 0.1 * gmax;
		above += w[i] > 0.9 * gmax;
	}
	printf("{\"loop\": %.6f, \"cpu\": %.6f, \"rate\": %.4f, \"below\": %.4f, \"above\": %.4f}\n",
	       loop, cpu, spikes / duration, below / (double)N, above / (double)N);
	return 0;
}
