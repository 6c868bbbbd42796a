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

#include <math.h>

bool dim_valid(Dim d)
{
	for (int k = 0; k < SNN_NDIM; k++)
		if (!(fabs(d.e[k]) <= DIM_MAX_EXP))      /* NaN fails too */
			return false;
	return true;
}

/* The runtime's comparison takes a NaN exponent as equal to anything: an
 * invalid dimension equals nothing here. */
bool dim_eq(Dim a, Dim b)
{
	return dim_valid(a) && dim_valid(b) && snn_dim_eq(a, b);
}

/* "volt/second": the runtime's spelling, copied into the arena (which
 * prints exponents as int: only valid dimensions reach it). */
const char *dim_str(Dim d)
{
	char buf[256];
	if (!dim_valid(d))
		return "(a dimension out of range)";
	return arena_strdup(snn_dim_format(d, buf, sizeof buf));
}
