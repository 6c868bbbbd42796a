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

int32_t snn_compact(const uint8_t *flags, int32_t n, int32_t *out)
{
	int32_t ns = 0, i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, flags + i, 8);
		if (!w)
			continue;
		for (int32_t k = i; k < i + 8; k++)
			if (flags[k])
				out[ns++] = k;
	}
	for (; i < n; i++)
		if (flags[i])
			out[ns++] = i;
	return ns;
}
