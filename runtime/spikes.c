/*
 * spikes.c — turning per-neuron spike flags into a sorted spike list.
 *
 * The threshold sweep of a generated kernel stores one byte per neuron
 * (`spiked`), branch-free, so that the compiler can vectorise it; this scan
 * then lists the set flags.  Spikes are rare (a few per thousand neurons per
 * step), so the scan skips eight zero bytes at a time.
 */
#include <string.h>

#include "snn_rt.h"

/* Set bytes of flags[i, i + 8) into out; returns the new count. */
static int32_t word(const uint8_t *flags, int32_t i, int32_t *out, int32_t ns)
{
	uint64_t w;
	memcpy(&w, flags + i, 8);
	while (w) {
		int b = __builtin_ctzll(w) >> 3;      /* little-endian: byte b */
		out[ns++] = i + b;
		w &= ~(0xFFull << (8 * b));
	}
	return ns;
}

int32_t snn_compact(const uint8_t *flags, int32_t n, int32_t *out)
{
	int32_t ns = 0, i = 0;
	/* 64 bytes at a time: spikes are rare, most blocks are all zero */
	for (; i + 64 <= n; i += 64) {
		uint64_t w[8], any = 0;
		memcpy(w, flags + i, 64);
		for (int k = 0; k < 8; k++)
			any |= w[k];
		if (!any)
			continue;
		for (int k = 0; k < 8; k++)
			if (w[k])
				ns = word(flags, i + 8 * k, out, ns);
	}
	for (; i + 8 <= n; i += 8)
		ns = word(flags, i, out, ns);
	for (; i < n; i++)
		if (flags[i])
			out[ns++] = i;
	return ns;
}

void snn_ref_rebase(int64_t step, int32_t *ref_until, int32_t n, int64_t *base)
{
	if (step - *base < SNN_REF_EPOCH)
		return;
	for (int32_t i = 0; i < n; i++)
		ref_until[i] = ref_until[i] < INT32_MIN + SNN_REF_EPOCH ? INT32_MIN
				: (int32_t)(ref_until[i] - SNN_REF_EPOCH);
	*base += SNN_REF_EPOCH;
}
