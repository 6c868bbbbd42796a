/*
 * units.c — dimensions as the compiler sees them.
 *
 * The unit table (names, SI factors, dimensions) is the runtime's
 * (runtime/units.c), so that the simulator's `--set P.taum=10ms` reads the
 * same units the compiler does; this file only names the few dimensions
 * the compiler refers to and wraps the runtime's comparison and printing
 * in the compiler's arena.
 */
#include "snnc.h"

const Dim DIM_ONE = {{0}};
const Dim DIM_TIME = {{[SNN_S] = 1}};
/* volt = kg m^2 s^-3 A^-1 */
const Dim DIM_VOLT = {{[SNN_M] = 2, [SNN_KG] = 1, [SNN_S] = -3, [SNN_A] = -1}};

bool dim_eq(Dim a, Dim b)
{
	return snn_dim_eq(a, b);
}

/* "volt/second": the runtime's spelling, copied into the arena. */
const char *dim_str(Dim d)
{
	char buf[256];
	return arena_strdup(snn_dim_format(d, buf, sizeof buf));
}
