/*
 * rng.c — counter-based random numbers (Philox4x32-10 from Random123).
 *
 * A draw is a pure function of (seed, stream, elem, step, k): no generator
 * state, so any thread or process computes the same number for the same
 * element and step.  The 192 bits of Philox's key and counter hold:
 *
 *   key[0] = seed bits 0..31          key[1] = stream
 *   ctr[0] = elem bits 0..31          ctr[1] = elem bits 32..47 | seed bits 32..47 << 16
 *   ctr[2] = step bits 0..31          ctr[3] = step bits 32..47 | k << 16
 *
 * The packing is injective for seed, elem and step below 2^48 and k below
 * 2^16.  Steps are 48-bit: bits above are dropped, so SNN_STEP_INIT (the
 * all-ones 48-bit step) and (uint64_t)-1 are the same step.  Bits of seed
 * and elem above 48 are folded in by XOR: larger values still work, without
 * the uniqueness guarantee.
 */
#include "snn_rt.h"

#include <math.h>

#include <Random123/philox.h>

snn_u4 snn_philox(uint64_t seed, uint32_t stream, uint64_t elem, uint64_t step, uint32_t k)
{
	uint32_t seed_hi = (uint32_t)((seed >> 32) ^ (seed >> 48)) & 0xffffu;
	uint32_t elem_hi = (uint32_t)((elem >> 32) ^ (elem >> 48)) & 0xffffu;
	uint32_t step_hi = (uint32_t)(step >> 32) & 0xffffu;
	philox4x32_key_t key = { { (uint32_t)seed, stream } };
	philox4x32_ctr_t ctr = { {
		(uint32_t)elem,
		elem_hi | seed_hi << 16,
		(uint32_t)step,
		step_hi | (k & 0xffffu) << 16,
	} };
	philox4x32_ctr_t r = philox4x32(ctr, key);
	snn_u4 out = { { r.v[0], r.v[1], r.v[2], r.v[3] } };
	return out;
}

/* 53 random bits from two words, as a double in [0, 1). */
static double u53(uint32_t hi, uint32_t lo)
{
	uint64_t x = ((uint64_t)hi << 32 | lo) >> 11;
	return (double)x * 0x1p-53;
}

double snn_rand(uint64_t seed, uint32_t stream, uint64_t elem, uint64_t step, uint32_t k)
{
	snn_u4 r = snn_philox(seed, stream, elem, step, k);
	return u53(r.v[0], r.v[1]);
}

/* Box-Muller on one block: u1 from words 0-1, u2 from words 2-3; 1 - u1 is
 * in (0, 1], so the logarithm is finite. */
double snn_randn(uint64_t seed, uint32_t stream, uint64_t elem, uint64_t step, uint32_t k)
{
	snn_u4 r = snn_philox(seed, stream, elem, step, k);
	double u1 = u53(r.v[0], r.v[1]);
	double u2 = u53(r.v[2], r.v[3]);
	return sqrt(-2.0 * log(1.0 - u1)) * cos(2.0 * M_PI * u2);
}
