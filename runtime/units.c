/*
 * units.c — physical units and dimensions.
 *
 * A dimension is a vector of seven SI exponents (doubles, so sqrt can halve
 * them).  The unit table comes from units.def and is shared with the
 * compiler, so `--set P.taum=10ms` at run time reads the same spellings as
 * the source.  snn_dim_format gives the human names used in diagnostics and
 * meta.json: a named dimension when one matches exactly ("volt"), else a
 * named dimension times a power of second ("volt/second"), else the product
 * of base units ("metre^2*kilogram/(second^3*ampere)").
 */
#include "snn_rt.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const snn_unit units[] = {
#define X(name, f, m, kg, s, a, k, mol, cd) \
	{ #name, f, { { m, kg, s, a, k, mol, cd } } },
#include "units.def"
#undef X
};

static const char *const base_names[SNN_NDIM] = {
	"metre", "kilogram", "second", "ampere", "kelvin", "mole", "candela",
};

/* Named dimensions, in order of preference. */
static const struct { const char *name; snn_dim dim; } named[] = {
	{ "second",   { { 0, 0, 1, 0, 0, 0, 0 } } },
	{ "hertz",    { { 0, 0, -1, 0, 0, 0, 0 } } },
	{ "volt",     { { 2, 1, -3, -1, 0, 0, 0 } } },
	{ "ampere",   { { 0, 0, 0, 1, 0, 0, 0 } } },
	{ "siemens",  { { -2, -1, 3, 2, 0, 0, 0 } } },
	{ "farad",    { { -2, -1, 4, 2, 0, 0, 0 } } },
	{ "ohm",      { { 2, 1, -3, -2, 0, 0, 0 } } },
	{ "coulomb",  { { 0, 0, 1, 1, 0, 0, 0 } } },
	{ "metre",    { { 1, 0, 0, 0, 0, 0, 0 } } },
	{ "kilogram", { { 0, 1, 0, 0, 0, 0, 0 } } },
};
enum { NNAMED = sizeof named / sizeof named[0] };

#define DIM_EPS 1e-9

const snn_unit *snn_unit_table(int *count)
{
	if (count)
		*count = (int)(sizeof units / sizeof units[0]);
	return units;
}

const snn_unit *snn_unit_find(const char *name)
{
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(units[i].name, name) == 0)
			return &units[i];
	return NULL;
}

bool snn_dim_eq(snn_dim a, snn_dim b)
{
	for (int i = 0; i < SNN_NDIM; i++)
		if (fabs(a.e[i] - b.e[i]) > DIM_EPS)
			return false;
	return true;
}

bool snn_dim_is_one(snn_dim a)
{
	snn_dim one = { { 0 } };
	return snn_dim_eq(a, one);
}

snn_dim snn_dim_mul(snn_dim a, snn_dim b)
{
	for (int i = 0; i < SNN_NDIM; i++)
		a.e[i] += b.e[i];
	return a;
}

snn_dim snn_dim_div(snn_dim a, snn_dim b)
{
	for (int i = 0; i < SNN_NDIM; i++)
		a.e[i] -= b.e[i];
	return a;
}

snn_dim snn_dim_pow(snn_dim a, double p)
{
	for (int i = 0; i < SNN_NDIM; i++)
		a.e[i] *= p;
	return a;
}

/* A growing string inside the caller's buffer (truncates silently). */
typedef struct { char *buf; size_t n, len; } Out;

static void put(Out *o, const char *s)
{
	size_t k = strlen(s);
	if (o->n == 0)
		return;
	if (o->len + k >= o->n)
		k = o->n - 1 - o->len;
	memcpy(o->buf + o->len, s, k);
	o->len += k;
	o->buf[o->len] = '\0';
}

/* "name" or "name^e" for an exponent magnitude e > 0. */
static void put_power(Out *o, const char *name, double e)
{
	char num[32];
	put(o, name);
	if (fabs(e - 1) <= DIM_EPS)
		return;
	if (fabs(e - round(e)) <= DIM_EPS)
		snprintf(num, sizeof num, "^%d", (int)round(e));
	else
		snprintf(num, sizeof num, "^%g", e);
	put(o, num);
}

/* Factors of the base form with exponents of sign `sign`, joined by '*'. */
static int put_factors(Out *o, snn_dim d, int sign)
{
	int count = 0;
	for (int i = 0; i < SNN_NDIM; i++) {
		double e = d.e[i] * sign;
		if (e <= DIM_EPS)
			continue;
		if (count++)
			put(o, "*");
		put_power(o, base_names[i], e);
	}
	return count;
}

static int count_factors(snn_dim d, int sign)
{
	int count = 0;
	for (int i = 0; i < SNN_NDIM; i++)
		count += d.e[i] * sign > DIM_EPS;
	return count;
}

/* metre^2*kilogram/(second^3*ampere) */
static void put_base_form(Out *o, snn_dim d)
{
	int nden = count_factors(d, -1);
	if (put_factors(o, d, 1) == 0)
		put(o, "1");
	if (nden == 0)
		return;
	put(o, nden > 1 ? "/(" : "/");
	put_factors(o, d, -1);
	if (nden > 1)
		put(o, ")");
}

/* A named dimension (not second or hertz) times second^k, k != 0. */
static bool put_named_times_second(Out *o, snn_dim d)
{
	for (int i = 2; i < NNAMED; i++) {
		snn_dim r = snn_dim_div(d, named[i].dim);
		double k = r.e[SNN_S];
		r.e[SNN_S] = 0;
		if (!snn_dim_is_one(r))
			continue;
		put(o, named[i].name);
		put(o, k > 0 ? "*" : "/");
		put_power(o, "second", fabs(k));
		return true;
	}
	return false;
}

char *snn_dim_format(snn_dim d, char *buf, size_t n)
{
	Out o = { buf, n, 0 };
	if (n)
		buf[0] = '\0';
	if (snn_dim_is_one(d)) {
		put(&o, "1");
		return buf;
	}
	for (int i = 0; i < NNAMED; i++) {
		if (snn_dim_eq(d, named[i].dim)) {
			put(&o, named[i].name);
			return buf;
		}
	}
	/* 1/volt, 1/siemens: the inverse of a named dimension */
	for (int i = 2; i < NNAMED; i++) {
		if (snn_dim_eq(snn_dim_pow(d, -1), named[i].dim)) {
			put(&o, "1/");
			put(&o, named[i].name);
			return buf;
		}
	}
	if (!put_named_times_second(&o, d))
		put_base_form(&o, d);
	return buf;
}

/* Length of a decimal number at s: [+-] digits [. digits] [e [+-] digits],
 * at least one digit in the mantissa; 0 when there is none. */
static size_t scan_number(const char *s)
{
	size_t i = 0, digits = 0;
	if (s[i] == '+' || s[i] == '-')
		i++;
	for (; isdigit((unsigned char)s[i]); i++)
		digits++;
	if (s[i] == '.')
		for (i++; isdigit((unsigned char)s[i]); i++)
			digits++;
	if (digits == 0)
		return 0;
	if (s[i] == 'e' || s[i] == 'E') {
		size_t j = i + 1;
		if (s[j] == '+' || s[j] == '-')
			j++;
		if (isdigit((unsigned char)s[j])) {
			while (isdigit((unsigned char)s[j]))
				j++;
			i = j;
		}
	}
	return i;
}

int snn_parse_quantity(const char *s, double *value, snn_dim *dim)
{
	snn_dim one = { { 0 } };
	char name[64];
	size_t len, k = 0;

	while (isspace((unsigned char)*s))
		s++;
	if ((len = scan_number(s)) == 0)
		return -1;
	double v = strtod(s, NULL);
	s += len;
	while (*s == ' ' || *s == '\t')
		s++;
	while ((isalnum((unsigned char)*s) || *s == '_') && k + 1 < sizeof name)
		name[k++] = *s++;
	name[k] = '\0';
	while (isspace((unsigned char)*s))
		s++;
	if (*s)
		return -1;
	if (k > 0) {
		const snn_unit *u = snn_unit_find(name);
		if (!u)
			return -1;
		v *= u->factor;
		one = u->dim;
	}
	*value = v;
	*dim = one;
	return 0;
}
