/*
 * genmodel.c — random VALID .snn models, for the property
 * "snnc check accepts it => snnc build builds it and the simulator runs it".
 *
 *   genmodel [--no-hostile] [--any-order] [--dir DIR] SEED > m.snn
 *
 * With --dir, the model may also read data files, which the generator
 * writes into DIR as .npy (DIR must be the directory the model is saved
 * in: the model names them relative to itself): `weights = "F"`,
 * `mask = "F"` and `from_file("F", present = T)`.
 *
 * Deterministic from SEED (its own PRNG, splitmix64).  A model is built
 * from tables of productions, each row a weight, a predicate ("may this
 * production be used here?") and a generator:
 *
 *   FIN[]     finite expressions of a given dimension (any magnitude)
 *   BND[]     bounded dimensionless expressions (in [-3, 3]): every
 *             function of builtins.def appears here or in FIN
 *   STMT[]    assignments (statement() adds if/else, block() `;`)
 *   ODE[]     shapes of an ODE (coefficient forms)
 *   NET[]     network items beyond the populations (slices, connections,
 *             records)
 *
 * and cond() for conditions; the members of a neuron (gen_neuron), of a
 * synapse (gen_synapse) and the populations (gen_pop, gen_generator) are
 * straight-line code with chances.
 *
 * A later issue that adds a construct adds a row (and, where the construct
 * constrains its surroundings, a flag on the context).  Valid by
 * construction: dimensions are tracked (a small table of dimensions and
 * their units), each integrator gets only ODEs that meet its preconditions
 * (exact: affine with constant coefficients, forcing free of t and of
 * random draws; exponential_euler: affine in its own state; xi only under
 * euler), names are unique.  Numerically tame by construction too, so that
 * a model that blows up is a bug, not bad luck: every ODE relaxes to a
 * target with a time constant of at least 2 ms and a bounded forcing,
 * statements either clip, add a bounded amount, or scale by at most 1.
 *
 * Names come from a pool (NAMES[]) of random identifiers plus "hostile"
 * names: C keywords, libm and runtime names, and names that begin like the
 * generated C's prefixes (x_, p_, xn_, n_, pre_, post_, ref_until); with
 * --no-hostile only the random ones are used.
 *
 * --any-order shuffles the network's items (LANGUAGE.md §4 allows any
 * order; today's resolver wants a name declared before it is used, so the
 * default keeps the order of declaration).
 *
 * Plasticity (gen_plasticity): pre and post traces with their ODEs, on
 * post, a bounded per-synapse state, a param derived from another; a
 * global set by the network's on tick from count(P.spiked), recorded.  Not generated yet: modulators, learned
 * delays, synapse ODEs, reductions other than count, sum, grad, batch,
 * reduce, from_file mode = values.  A synapse with traces gets, half the
 * time, a clock-driven rule in its on tick.
 */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ randomness */

static uint64_t rng_state;

static uint64_t next(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static int rnd(int n)                   /* 0 .. n-1 */
{
	return n <= 1 ? 0 : (int)(next() % (uint64_t)n);
}

static bool chance(int percent)
{
	return rnd(100) < percent;
}

static double uniform(double lo, double hi)
{
	return lo + (hi - lo) * ((double)(next() >> 11) / 9007199254740992.0);
}

/* ---------------------------------------------------------------- strings */

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	char *s;
	if (vasprintf(&s, f, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

/* A growing text: one per section of a model, joined at the end. */
typedef struct {
	char *s;
	size_t n, cap;
} Buf;

static void add(Buf *b, const char *f, ...) __attribute__((format(printf, 2, 3)));
static void add(Buf *b, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	char *s;
	if (vasprintf(&s, f, ap) < 0)
		abort();
	va_end(ap);
	size_t k = strlen(s);
	if (b->n + k + 1 > b->cap) {
		b->cap = 2 * (b->n + k + 1);
		b->s = realloc(b->s, b->cap);
	}
	memcpy(b->s + b->n, s, k + 1);
	b->n += k;
	free(s);
}

static const char *text(const Buf *b)
{
	return b->s ? b->s : "";
}

/* ------------------------------------------------------------- dimensions */

enum { D1, DV, DT, DA, DS, DF, DHZ, DOHM, ND };

/* Each dimension: its units (as in runtime/units.def) and a typical
 * magnitude in SI for literals. */
static const struct {
	const char *unit[6];
	double factor[6];
	int nunits;
	double typical;
} DIMS[ND] = {
	[D1]   = { { "1" }, { 1 }, 0, 1 },
	[DV]   = { { "mV", "uV", "V", "volt" }, { 1e-3, 1e-6, 1, 1 }, 4, 1e-2 },
	[DT]   = { { "ms", "us", "s", "second", "ns" }, { 1e-3, 1e-6, 1, 1, 1e-9 }, 5, 5e-3 },
	[DA]   = { { "nA", "pA", "uA", "A", "amp", "fA" }, { 1e-9, 1e-12, 1e-6, 1, 1, 1e-15 }, 6, 1e-10 },
	[DS]   = { { "nS", "pS", "uS", "S", "siemens", "mS" }, { 1e-9, 1e-12, 1e-6, 1, 1, 1e-3 }, 6, 1e-8 },
	[DF]   = { { "pF", "nF", "uF", "F", "farad", "fF" }, { 1e-12, 1e-9, 1e-6, 1, 1, 1e-15 }, 6, 2e-10 },
	[DHZ]  = { { "Hz", "kHz", "hertz", "MHz" }, { 1, 1e3, 1, 1e6 }, 4, 50 },
	[DOHM] = { { "Mohm", "kohm", "Gohm", "ohm" }, { 1e6, 1e3, 1e9, 1 }, 4, 1e8 },
};

/* D = A * B: the products the generator writes. */
static const struct { int d, a, b; } PRODUCTS[] = {
	{ DA, DS, DV }, { DV, DA, DOHM }, { D1, DHZ, DT }, { DV, D1, DV }, { DT, DOHM, DF },
};
/* D = A / B. */
static const struct { int d, a, b; } RATIOS[] = {
	{ DV, DA, DS }, { DA, DV, DOHM }, { DHZ, D1, DT }, { DT, D1, DHZ }, { DT, DF, DS },
};
#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* A number as C and snnc both read it: %.4g of a value in [1e-3, 1e4). */
static char *number(double v)
{
	char *s = fmt("%.4g", fabs(v));
	if (s[0] == '0' && s[1] == '.' && chance(30))
		s++;                              /* .5 */
	return v < 0 ? fmt("(-%s)", s) : s;
}

/* A literal of dimension d and SI value v, in one of its units; spelt as a
 * quantity (`20 ms`, `0.5nS`), or a number times a unit name used as a
 * factor (`20*ms`). */
static char *literal(int d, double v)
{
	if (d == D1 || DIMS[d].nunits == 0)
		return number(v);
	int u = rnd(DIMS[d].nunits);
	double x = v / DIMS[d].factor[u];
	const char *name = DIMS[d].unit[u];
	if (chance(15))
		return fmt("(%s*%s)", number(x), name);
	if (x < 0)
		return fmt("(-%.4g%s%s)", -x, chance(30) ? "" : " ", name);
	return fmt("%.4g%s%s", x, chance(30) ? "" : " ", name);
}

/* A positive value of dimension d around its typical magnitude. */
static double typical(int d)
{
	return DIMS[d].typical * uniform(0.3, 3);
}

static double signed_typical(int d)
{
	return typical(d) * (chance(70) ? 1 : -1);
}

/* ------------------------------------------------------------------ names */

/* The pool.  hostile: a C keyword, a libm or runtime name, or a name that
 * starts like the generated C's own identifiers. */
static const struct { const char *name; bool hostile; } NAMES[] = {
	{ "int", 1 }, { "double", 1 }, { "float", 1 }, { "main", 1 }, { "exp", 1 },
	{ "log", 1 }, { "sqrt", 1 }, { "pow", 1 }, { "sin", 1 }, { "fabs", 1 },
	{ "restrict", 1 }, { "static", 1 }, { "return", 1 }, { "register", 1 },
	{ "char", 1 }, { "void", 1 }, { "struct", 1 }, { "switch", 1 }, { "inline", 1 },
	{ "NULL", 1 }, { "errno", 1 }, { "printf", 1 }, { "real", 1 }, { "model_t", 1 },
	{ "step", 1 }, { "sim", 1 }, { "pp", 1 }, { "cc", 1 }, { "n", 1 }, { "k", 1 },
	{ "x_v", 1 }, { "x_I", 1 }, { "p_tau", 1 }, { "p_w", 1 }, { "xn_I", 1 },
	{ "n_v", 1 }, { "s_v", 1 }, { "y2_v", 1 }, { "k1_v", 1 }, { "ref_until", 1 },
	{ "ref_base", 1 }, { "pre_v", 1 }, { "post_w", 1 }, { "pre_", 1 }, { "post_", 1 },
	{ "x_", 1 }, { "p_", 1 }, { "Phi", 1 }, { "Psi", 1 }, { "t0", 1 }, { "snn_rand", 1 },
	{ "pop_P_t", 1 }, { "conn_C_t", 1 }, { "spiked_", 1 }, { "t_last_", 1 },
	{ "_", 1 }, { "__x", 1 }, { "h", 1 }, { "refr", 1 },
};

static bool hostile = true;
static bool any_order;       /* --any-order: network items shuffled (§4) */
static char **used;
static int nused;

/* Names the language reserves, the units, and what would read as a unit
 * where the generator means one (units used as factors). */
static bool reserved(const char *s)
{
	static const char *const kw[] = {
		"neuron", "synapse", "network", "import", "param", "state", "let", "input",
		"pre", "post", "on", "tick", "spike", "when", "reset", "refractory", "method",
		"modulator", "reduce", "pop", "connect", "as", "record", "every", "run",
		"global", "if", "else", "and", "or", "not", "t", "dt", "i", "N", "t_last",
		"spiked", "xi", "spikes",
		/* named arguments of connect: a synapse variable so named would be one */
		"one_to_one", "all_to_all", "p", "fan_in", "delay", "max_delay", "weights", "mask",
		"w",             /* the state weights = "F" sets, made only on purpose */
		"coulomb", "nC", "pC", "metre", "meter", "cm", "mm", "um", "mM", "uM",
		"minute", "ampere", "hertz", "second", "volt", "amp", "siemens", "farad",
	};
	for (int k = 0; k < COUNT(kw); k++)
		if (!strcmp(kw[k], s))
			return true;
	for (int d = 0; d < ND; d++)
		for (int u = 0; u < DIMS[d].nunits; u++)
			if (!strcmp(DIMS[d].unit[u], s))
				return true;
	return false;
}

static bool taken(const char *s)
{
	for (int k = 0; k < nused; k++)
		if (!strcmp(used[k], s))
			return true;
	return reserved(s);
}

static char *random_ident(void)
{
	static const char first[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
	static const char rest[] = "abcdefghijklmnopqrstuvwxyz0123456789_";
	int len = 1 + rnd(7);
	char *s = malloc((size_t)len + 1);
	s[0] = first[rnd((int)sizeof first - 1)];
	for (int k = 1; k < len; k++)
		s[k] = rest[rnd((int)sizeof rest - 1)];
	s[len] = 0;
	return s;
}

/* A fresh name, unique in the whole file (so no scoping rule matters). */
static char *fresh_name(void)
{
	for (;;) {
		char *s;
		if (hostile && chance(50))
			s = strdup(NAMES[rnd(COUNT(NAMES))].name);
		else
			s = random_ident();
		/* dNAME followed by /dt would lex as a derivative at a statement's start */
		if (!taken(s) && !(s[0] == 'd' && s[1])) {
			used = realloc(used, sizeof(char *) * (size_t)(nused + 1));
			used[nused++] = s;
			return s;
		}
		free(s);
	}
}

/* ------------------------------------------------------------------ models */

enum { K_PARAM, K_STATE, K_INPUT, K_LET };
enum { M_EULER, M_RK2, M_RK4, M_EXPEULER, M_EXACT, NMETHODS };
static const char *const METHOD[NMETHODS] = { "euler", "rk2", "rk4", "exponential_euler", "exact" };

enum { MAXV = 40 };

typedef struct {
	char *name;
	int kind, dim;
	bool ode;              /* a state with an ODE */
	uint64_t deps;         /* a let: bits of the ODE states it reads */
	bool reads_t, reads_rand;
} Var;

typedef struct Model {
	char *name;
	bool synapse;
	Var v[MAXV];
	int nv;
	int method;            /* the effective integrator */
	bool own_method;
	bool spiking;
	Buf params, states, lets, inputs, odes, body;
	/* a synapse: the post neuron model it writes to (and the variable) */
	struct Model *post;
	int target;
	struct Model *pre;     /* NULL: any pre (it reads no pre variable) */
} Model;

static Var *new_var(Model *m, int kind, int dim)
{
	if (m->nv == MAXV)
		return NULL;
	Var *v = &m->v[m->nv++];
	*v = (Var){ .name = fresh_name(), .kind = kind, .dim = dim };
	return v;
}

static Var *find_var(Model *m, int kind, int dim)
{
	int idx[MAXV], n = 0;
	for (int k = 0; k < m->nv; k++)
		if (m->v[k].kind == kind && (dim < 0 || m->v[k].dim == dim))
			idx[n++] = k;
	return n ? &m->v[idx[rnd(n)]] : NULL;
}

/* A param of dimension d: an existing one or a new one with a positive
 * default (the generator divides by params). */
static char *param(Model *m, int d)
{
	Var *v = chance(60) ? find_var(m, K_PARAM, d) : NULL;
	if (!v) {
		v = new_var(m, K_PARAM, d);
		if (!v)
			return literal(d, typical(d));
		add(&m->params, "\tparam %s = %s\n", v->name, literal(d, typical(d)));
	}
	return v->name;
}

/* ------------------------------------------------------ expression context */

/* What an expression may read, and what it did read. */
typedef struct {
	Model *m;
	bool states, ode_states, inputs, lets, params;
	bool t, i, N, dt, rand, tlast, spiked;
	int exclude;           /* var index never read (exponential_euler's own state), -1 */
	bool exact;            /* no min/max/clip/?: on per-element values */
	Model *pre, *post;     /* a synapse: pre./post. readable */
	/* accumulated */
	uint64_t deps;
	bool read_t, read_rand;
} Ctx;

static bool readable(const Ctx *c, int k)
{
	const Var *v = &c->m->v[k];
	if (k == c->exclude)
		return false;
	switch (v->kind) {
	case K_PARAM: return c->params;
	case K_STATE: return c->states && (c->ode_states || !v->ode);
	case K_INPUT: return c->inputs;
	case K_LET:
		if (!c->lets || (c->exclude >= 0 && (v->deps >> c->exclude & 1)))
			return false;
		if (!c->ode_states && v->deps)
			return false;
		return (c->t || !v->reads_t) && (c->rand || !v->reads_rand);
	}
	return false;
}

static void note_read(Ctx *c, const Var *v, int k)
{
	if (v->kind == K_STATE && v->ode)
		c->deps |= (uint64_t)1 << k;
	if (v->kind == K_LET) {
		c->deps |= v->deps;
		c->read_t |= v->reads_t;
		c->read_rand |= v->reads_rand;
	}
}

/* A variable of dimension d this context may read, or NULL. */
static const char *var_of(Ctx *c, int d)
{
	int idx[MAXV], n = 0;
	for (int k = 0; k < c->m->nv; k++)
		if (c->m->v[k].dim == d && readable(c, k))
			idx[n++] = k;
	/* the other side of a synapse: pre.X / post.X (params, states, inputs) */
	for (int side = 0; side < 2; side++) {
		Model *o = side ? c->post : c->pre;
		if (!o || !chance(40))
			continue;
		int j[MAXV], nj = 0;
		for (int k = 0; k < o->nv; k++)
			if (o->v[k].dim == d && o->v[k].kind != K_LET)
				j[nj++] = k;
		if (nj)
			return fmt("%s.%s", side ? "post" : "pre", o->v[j[rnd(nj)]].name);
	}
	if (!n)
		return NULL;
	int k = idx[rnd(n)];
	note_read(c, &c->m->v[k], k);
	return c->m->v[k].name;
}

static char *fin(Ctx *c, int d, int depth);
static char *bnd(Ctx *c, int depth);
static char *cond(Ctx *c, int depth);

/* A nonzero denominator of dimension d: a param (positive default) or a
 * literal or a unit name. */
static char *den(Ctx *c, int d)
{
	if (d == D1)
		return number(uniform(0.5, 4));
	int r = rnd(3);
	if (r == 0 && c->params)
		return param(c->m, d);
	if (r == 1)
		return strdup(DIMS[d].unit[rnd(DIMS[d].nunits)]);
	return literal(d, typical(d));
}

/* A leaf of dimension d. */
static char *leaf(Ctx *c, int d)
{
	if (chance(55)) {
		const char *v = var_of(c, d);
		if (v)
			return strdup(v);
	}
	if (d == DT && c->t && chance(20)) {
		c->read_t = true;
		return strdup("t");
	}
	if (d == DT && c->dt && chance(25))
		return strdup("dt");
	if (d == D1 && c->i && chance(20))
		return strdup(chance(50) ? "i" : c->pre && chance(50) ? "pre.i" : "(i + 1)");
	if (d == D1 && c->N && chance(15))
		return strdup("N");
	if (d == D1 && c->rand && chance(20)) {
		c->read_rand = true;
		return strdup(chance(50) ? "rand()" : "randn()");
	}
	return literal(d, signed_typical(d));
}

/* ---- FIN: finite expressions of dimension d */

typedef struct {
	int weight;
	bool (*ok)(Ctx *c, int d);
	char *(*gen)(Ctx *c, int d, int depth);
} FinProd;

static bool any(Ctx *c, int d) { return true; }
static bool not_exact(Ctx *c, int d) { return !c->exact; }
static bool has_product(Ctx *c, int d)
{
	for (int k = 0; k < COUNT(PRODUCTS); k++)
		if (PRODUCTS[k].d == d)
			return true;
	return false;
}
static bool has_ratio(Ctx *c, int d)
{
	for (int k = 0; k < COUNT(RATIOS); k++)
		if (RATIOS[k].d == d)
			return true;
	return false;
}

static char *f_leaf(Ctx *c, int d, int depth) { return leaf(c, d); }
static char *f_add(Ctx *c, int d, int depth)
{
	return fmt("(%s) %s (%s)", fin(c, d, depth - 1), chance(50) ? "+" : "-", fin(c, d, depth - 1));
}
static char *f_neg(Ctx *c, int d, int depth)
{
	return fmt("%s(%s)", chance(70) ? "-" : "+", fin(c, d, depth - 1));
}
static char *f_scale(Ctx *c, int d, int depth)
{
	return fmt("(%s) %s %s", fin(c, d, depth - 1), chance(50) ? "*" : "/", number(uniform(0.5, 2)));
}
static char *f_bounded(Ctx *c, int d, int depth)
{
	return fmt("(%s) * (%s)", fin(c, d, depth - 1), bnd(c, depth - 1));
}
static char *f_minmax(Ctx *c, int d, int depth)
{
	return fmt("%s(%s, %s)", chance(50) ? "min" : "max", fin(c, d, depth - 1), fin(c, d, depth - 1));
}
static char *f_clip(Ctx *c, int d, int depth)
{
	double lo = -typical(d), hi = typical(d);
	return fmt("clip(%s, %s, %s)", fin(c, d, depth - 1), literal(d, lo), literal(d, hi));
}
static char *f_keep(Ctx *c, int d, int depth)
{
	return fmt("%s(%s)", chance(50) ? "abs" : "relu", fin(c, d, depth - 1));
}
/* A literal zero, which takes the dimension of the other side (§2 of
 * docs/LANGUAGE-NOTES.md): only where equal dimensions are required. */
static char *f_zero(Ctx *c, int d, int depth)
{
	const char *x = fin(c, d, depth - 1);
	switch (c->exact ? rnd(2) : rnd(4)) {
	case 0: return fmt("(0 + (%s))", x);
	case 1: return fmt("(-0 - (%s))", x);
	case 2: return fmt("max(%s, 0)", x);
	default: return fmt("(%s > 0 ? %s : 0)", x, x);
	}
}
static char *f_select(Ctx *c, int d, int depth)
{
	return fmt("(%s ? %s : %s)", cond(c, depth - 1), fin(c, d, depth - 1), fin(c, d, depth - 1));
}
static char *f_product(Ctx *c, int d, int depth)
{
	int k[COUNT(PRODUCTS)], n = 0;
	for (int j = 0; j < COUNT(PRODUCTS); j++)
		if (PRODUCTS[j].d == d)
			k[n++] = j;
	int j = k[rnd(n)];
	return fmt("(%s) * (%s)", fin(c, PRODUCTS[j].a, depth - 1), fin(c, PRODUCTS[j].b, depth - 1));
}
static char *f_ratio(Ctx *c, int d, int depth)
{
	if (chance(40))          /* (x / u) * u: through dimensionless and back */
		return fmt("((%s) / %s) * %s", fin(c, d, depth - 1), den(c, d), den(c, d));
	int k[COUNT(RATIOS)], n = 0;
	for (int j = 0; j < COUNT(RATIOS); j++)
		if (RATIOS[j].d == d)
			k[n++] = j;
	int j = k[rnd(n)];
	return fmt("(%s) / %s", fin(c, RATIOS[j].a, depth - 1), den(c, RATIOS[j].b));
}
static char *f_sqrt(Ctx *c, int d, int depth)
{
	if (chance(50))
		return fmt("sqrt((%s)^2 + (%s)^2)", fin(c, d, depth - 1), fin(c, d, depth - 1));
	return fmt("sqrt(abs((%s) * (%s)))", fin(c, d, depth - 1), fin(c, d, depth - 1));
}
static char *f_pow(Ctx *c, int d, int depth)
{
	const char *x = fin(c, d, depth - 1), *u = den(c, d);
	switch (rnd(3)) {
	case 0: return fmt("pow(%s, 2) / %s", x, u);
	case 1: return fmt("(%s)^3 / (%s)^2", x, u);
	default: return fmt("(%s)^(1 + 1) / %s", x, u);
	}
}
static char *f_sign(Ctx *c, int d, int depth)
{
	return fmt("%s(%s) * (%s)", chance(50) ? "sign" : "heaviside", fin(c, rnd(ND), depth - 1),
		   fin(c, d, depth - 1));
}
static char *f_floor(Ctx *c, int d, int depth)
{
	const char *u = d == D1 ? "1" : DIMS[d].unit[rnd(DIMS[d].nunits)];
	return fmt("floor((%s) / %s) * %s", fin(c, d, depth - 1), u, u);
}

static const FinProd FIN[] = {
	{ 30, any, f_leaf },
	{ 12, any, f_add },
	{ 4, any, f_neg },
	{ 5, any, f_scale },
	{ 8, any, f_bounded },
	{ 4, not_exact, f_minmax },
	{ 3, not_exact, f_clip },
	{ 3, not_exact, f_keep },
	{ 3, not_exact, f_select },
	{ 2, any, f_zero },
	{ 6, has_product, f_product },
	{ 6, has_ratio, f_ratio },
	{ 2, any, f_sqrt },
	{ 2, any, f_pow },
	{ 2, not_exact, f_sign },
	{ 2, not_exact, f_floor },
};

static char *fin(Ctx *c, int d, int depth)
{
	if (depth <= 0)
		return leaf(c, d);
	int total = 0;
	for (int k = 0; k < COUNT(FIN); k++)
		if (FIN[k].ok(c, d))
			total += FIN[k].weight;
	int r = rnd(total);
	for (int k = 0; k < COUNT(FIN); k++) {
		if (!FIN[k].ok(c, d))
			continue;
		if ((r -= FIN[k].weight) < 0)
			return FIN[k].gen(c, d, depth);
	}
	return leaf(c, d);
}

/* ---- BND: bounded dimensionless expressions, in [-3, 3] */

/* A finite dimensionless expression: x / u for some dimension. */
static char *ratio(Ctx *c, int depth)
{
	int d = rnd(ND);
	if (d == D1)
		return fin(c, D1, depth);
	return fmt("(%s) / %s", fin(c, d, depth), den(c, d));
}

typedef struct {
	int weight;
	bool exact_ok;         /* allowed in an exact forcing term */
	char *(*gen)(Ctx *c, int depth);
} BndProd;

static char *b_fn(Ctx *c, int depth)
{
	static const char *const fns[] = { "tanh", "sin", "cos", "sigmoid" };
	return fmt("%s(%s)", fns[rnd(COUNT(fns))], ratio(c, depth - 1));
}
static char *b_exp(Ctx *c, int depth)
{
	return chance(50) ? fmt("exp(-abs(%s))", ratio(c, depth - 1))
			  : fmt("exp(tanh(%s))", ratio(c, depth - 1));
}
static char *b_log(Ctx *c, int depth)
{
	return fmt("log(1 + abs(tanh(%s)))", ratio(c, depth - 1));
}
static char *b_sqrt(Ctx *c, int depth)
{
	return fmt("sqrt(abs(%s))", bnd(c, depth - 1));
}
static char *b_clip(Ctx *c, int depth)
{
	return fmt("clip(%s, -1, 1)", ratio(c, depth - 1));
}
static char *b_step(Ctx *c, int depth)
{
	return fmt("%s(%s)", chance(50) ? "heaviside" : "sign", ratio(c, depth - 1));
}
static char *b_mul(Ctx *c, int depth)
{
	return fmt("(%s) * (%s)", bnd(c, depth - 1), bnd(c, depth - 1));
}
static char *b_mean(Ctx *c, int depth)
{
	return fmt("(%s + %s) / 2", bnd(c, depth - 1), bnd(c, depth - 1));
}
static char *b_minmax(Ctx *c, int depth)
{
	return fmt("%s(%s, %s)", chance(50) ? "min" : "max", bnd(c, depth - 1), bnd(c, depth - 1));
}
static char *b_keep(Ctx *c, int depth)
{
	return fmt("%s(%s)", chance(50) ? "abs" : "relu", bnd(c, depth - 1));
}
static char *b_floor(Ctx *c, int depth)
{
	return fmt("floor(%s)", bnd(c, depth - 1));
}
static char *b_pow(Ctx *c, int depth)
{
	return chance(50) ? fmt("pow(%s, 2)", bnd(c, depth - 1)) : fmt("(%s)^2", bnd(c, depth - 1));
}
static char *b_select(Ctx *c, int depth)
{
	return fmt("(%s ? %s : %s)", cond(c, depth - 1), bnd(c, depth - 1), bnd(c, depth - 1));
}
static char *b_rand(Ctx *c, int depth)
{
	c->read_rand = true;
	return strdup(chance(50) ? "rand()" : "tanh(randn())");
}
static char *b_num(Ctx *c, int depth)
{
	return number(uniform(-1, 1));
}

static const BndProd BND[] = {
	{ 20, true, b_fn },
	{ 5, true, b_exp },
	{ 3, true, b_log },
	{ 3, true, b_sqrt },
	{ 4, false, b_clip },
	{ 3, false, b_step },
	{ 6, true, b_mul },
	{ 4, true, b_mean },
	{ 3, false, b_minmax },
	{ 3, false, b_keep },
	{ 2, false, b_floor },
	{ 3, true, b_pow },
	{ 3, false, b_select },
	{ 4, false, b_rand },       /* only where c->rand */
	{ 5, true, b_num },
};

static char *bnd(Ctx *c, int depth)
{
	if (depth <= 0)
		return chance(50) ? b_num(c, 0) : fmt("tanh(%s)", ratio(c, 0));
	int total = 0;
	for (int k = 0; k < COUNT(BND); k++)
		if ((BND[k].exact_ok || !c->exact) && (BND[k].gen != b_rand || c->rand))
			total += BND[k].weight;
	int r = rnd(total);
	for (int k = 0; k < COUNT(BND); k++) {
		if (!((BND[k].exact_ok || !c->exact) && (BND[k].gen != b_rand || c->rand)))
			continue;
		if ((r -= BND[k].weight) < 0)
			return BND[k].gen(c, depth);
	}
	return b_num(c, 0);
}

/* ---- COND: conditions (dimensionless 0/1) */

static char *cond(Ctx *c, int depth)
{
	static const char *const cmp[] = { "<", "<=", ">", ">=", "==", "!=" };
	int r = depth > 0 ? rnd(10) : 0;
	if (r <= 5) {
		int d = rnd(ND);
		return fmt("(%s) %s (%s)", fin(c, d, depth - 1), cmp[rnd(COUNT(cmp))], fin(c, d, depth - 1));
	}
	if (r == 6)
		return fmt("not (%s)", cond(c, depth - 1));
	if (r == 7)
		return fmt("(%s) %s (%s)", cond(c, depth - 1), chance(50) ? "and" : "or", cond(c, depth - 1));
	if (r == 8 && c->tlast)
		return fmt("t - t_last %s %s", chance(50) ? "<" : ">", literal(DT, typical(DT)));
	if (c->spiked)
		return strdup(chance(50) ? "spiked > 0.5" : "spiked == 1");
	return fmt("%s > %s", bnd(c, depth - 1), number(uniform(-1, 1)));
}

/* ----------------------------------------------------------- statements */

/* Assignable things of a statement context: own states, and in a
 * synapse's on pre the post neuron's input or state it targets. */
typedef struct {
	Model *m;
	bool post_target;      /* may write post.TARGET */
} Scope;

static void indent(Buf *b, int level)
{
	for (int k = 0; k < level; k++)
		add(b, "\t");
}

/* ---- STMT: assignments that keep their target bounded */

typedef struct {
	int weight;
	bool input_ok;         /* an input (post.I) can only be added to */
	char *(*gen)(Ctx *c, const char *target, int d);
} StmtProd;

static char *s_clip(Ctx *c, const char *target, int d)
{
	return fmt("%s = clip(%s, %s, %s)", target, fin(c, d, 2), literal(d, -typical(d)),
		   literal(d, typical(d)));
}
static char *s_add(Ctx *c, const char *target, int d)
{
	return fmt("%s %s %s * (%s)", target, chance(50) ? "+=" : "-=", literal(d, typical(d) * 0.1),
		   bnd(c, 2));
}
static char *s_scale(Ctx *c, const char *target, int d)
{
	return fmt("%s *= 0.5 + 0.5 * sigmoid(%s)", target, ratio(c, 1));
}
/* from params and literals only: no state feeds back on itself */
static char *s_const(Ctx *c, const char *target, int d)
{
	Ctx k = *c;
	k.states = k.inputs = k.lets = false;
	k.pre = k.post = NULL;
	char *r = fmt("%s = %s", target, fin(&k, d, 2));
	c->read_rand |= k.read_rand;
	return r;
}

static const StmtProd STMT[] = {
	{ 1, false, s_clip },
	{ 2, true, s_add },
	{ 1, false, s_scale },
	{ 1, false, s_const },
};

static void assign(Buf *b, Ctx *c, const char *target, int d, int level, bool is_input)
{
	int total = 0;
	for (int k = 0; k < COUNT(STMT); k++)
		if (STMT[k].input_ok || !is_input)
			total += STMT[k].weight;
	int r = rnd(total);
	for (int k = 0; k < COUNT(STMT); k++) {
		if (!(STMT[k].input_ok || !is_input))
			continue;
		if ((r -= STMT[k].weight) < 0) {
			indent(b, level);
			add(b, "%s\n", STMT[k].gen(c, target, d));
			return;
		}
	}
}

/* A target: a state of the model, or post.TARGET. */
static void statement(Buf *b, Ctx *c, Scope *s, int level, int depth)
{
	if (depth > 0 && chance(15)) {
		indent(b, level);
		add(b, "if %s {\n", cond(c, 1));
		int n = 1 + rnd(2);
		for (int k = 0; k < n; k++)
			statement(b, c, s, level + 1, depth - 1);
		indent(b, level);
		if (chance(50)) {
			add(b, "} else {\n");
			statement(b, c, s, level + 1, depth - 1);
			indent(b, level);
		}
		add(b, "}\n");
		return;
	}
	if (s->post_target && chance(50)) {
		Var *t = &s->m->post->v[s->m->target];
		assign(b, c, fmt("post.%s", t->name), t->dim, level, t->kind == K_INPUT);
		return;
	}
	Var *v = find_var(s->m, K_STATE, -1);
	if (!v)
		return;
	assign(b, c, v->name, v->dim, level, false);
}

static void block(Buf *b, Ctx *c, Scope *s, const char *head)
{
	add(b, "\t%s {", head);
	int n = 1 + rnd(3);
	if (n == 1 && chance(40)) {        /* a block on one line */
		Buf one = { 0 };
		statement(&one, c, s, 0, 0);
		if (!one.n) {
			add(b, " }\n");
			return;
		}
		one.s[one.n - 1] = 0;
		add(b, " %s }\n", one.s);
		return;
	}
	add(b, "\n");
	for (int k = 0; k < n; k++) {
		if (chance(20)) {                 /* two statements on a line, `;` */
			Buf two = { 0 };
			statement(&two, c, s, 2, 0);
			if (two.n) {
				two.s[--two.n] = 0;
				add(&two, "; ");
				statement(&two, c, s, 0, 0);
				add(b, "%s%s", two.s, two.s[two.n - 1] == '\n' ? "" : "\n");
				continue;
			}
		}
		statement(b, c, s, 2, 2);
	}
	add(b, "\t}\n");
}

/* ------------------------------------------------------------------ neurons */

static int pick_dim(void)
{
	static const int dims[] = { DV, DV, DV, D1, DA, DS };
	return dims[rnd(COUNT(dims))];
}

/* A context for the forcing term of the ODE of state k under method m. */
static Ctx forcing_ctx(Model *m, int k)
{
	Ctx c = { .m = m, .states = true, .ode_states = true, .inputs = true, .lets = true,
		  .params = true, .t = true, .i = true, .N = true, .dt = true, .exclude = -1 };
	switch (m->method) {
	case M_EXPEULER:
		c.exclude = k;            /* affine in its own state: B free of it */
		break;
	case M_EXACT:
		c.ode_states = false;     /* coupling only through explicit linear terms */
		c.t = false;
		c.exact = true;
		break;
	default:
		break;
	}
	return c;
}

/* dX/dt, blanks allowed around the slash (§1). */
static char *D(const char *x)
{
	return chance(80) ? fmt("d%s/dt", x) : fmt("d%s / dt", x);
}

/* Shapes of an ODE for state x (dimension d), relaxing to a target with
 * time constant tau, plus forcing F (dimension d). */
typedef struct {
	int weight;
	bool volt_only;
	void (*gen)(Buf *b, Model *m, const char *x, const char *x0, const char *tau, const char *F);
} OdeProd;

static void o_coef(Buf *b, Model *m, const char *x, const char *x0, const char *tau, const char *F)
{
	add(b, "\t%s %s = (%s - %s) + %s\n", tau, D(x), x0, x, F);
}
static void o_div(Buf *b, Model *m, const char *x, const char *x0, const char *tau, const char *F)
{
	add(b, "\t%s = ((%s - %s) + %s) / %s\n", D(x), x0, x, F, tau);
}
static void o_paren(Buf *b, Model *m, const char *x, const char *x0, const char *tau, const char *F)
{
	add(b, "\t(2 * %s) %s = 2 * (%s - %s) + 2 * (%s)\n", tau, D(x), x0, x, F);
}
static void o_rate(Buf *b, Model *m, const char *x, const char *x0, const char *tau, const char *F)
{
	add(b, "\t%s = -(%s - %s) / %s +\n\t\t(%s) / %s\n", D(x), x, x0, tau, F, tau);
}
/* C dv/dt = gL (E - v) + I: a membrane with a capacitance and a leak of
 * tau = C / gL (gL = C / tau, so tau is kept). */
static void o_membrane(Buf *b, Model *m, const char *x, const char *x0, const char *tau, const char *F)
{
	const char *C = param(m, DF);
	add(b, "\t%s %s = (%s / %s) * (%s - %s) + (%s / %s) * (%s)\n", C, D(x), C, tau, x0, x,
	    C, tau, F);
}

static const OdeProd ODE[] = {
	{ 5, false, o_coef },
	{ 3, false, o_div },
	{ 1, false, o_paren },
	{ 2, false, o_rate },
	{ 2, true, o_membrane },
};

/* tau: a param or literal time of at least 2 ms (dt is at most 0.2 ms). */
static char *tau_of(Model *m)
{
	double t = uniform(2e-3, 20e-3);
	if (chance(60)) {
		Var *p = new_var(m, K_PARAM, DT);
		if (p) {
			add(&m->params, "\tparam %s = %s\n", p->name, literal(DT, t));
			return p->name;
		}
	}
	return literal(DT, t);
}

/* The forcing of state k: bounded, in the dimension of the state. */
static char *forcing(Model *m, int k, int d)
{
	Ctx c = forcing_ctx(m, k);
	char *F = fmt("%s * (%s)", literal(d, typical(d) * 0.5), bnd(&c, 2));
	/* an input of the same dimension, as the models write it (ge + gi) */
	Var *in = find_var(m, K_INPUT, d);
	if (in && chance(70))
		F = fmt("%s + %s", F, in->name);
	/* a linear coupling with another ODE state of the same dimension */
	for (int j = 0; j < m->nv; j++)
		if (j != k && m->v[j].ode && m->v[j].dim == d && chance(30))
			F = fmt("%s + %s * %s", F, number(uniform(-0.4, 0.4)), m->v[j].name);
	/* Euler-Maruyama: a noise term g * xi, g free of xi */
	if (m->method == M_EULER && chance(30))
		F = fmt("%s + %s * sqrt(%s) * xi", F, literal(d, typical(d) * 0.05), literal(DT, 2e-3));
	return F;
}

static void gen_ode(Model *m, int k)
{
	Var *v = &m->v[k];
	const char *x0;
	Var *p = new_var(m, K_PARAM, v->dim);
	double target = signed_typical(v->dim);
	if (p) {
		add(&m->params, "\tparam %s = %s\n", p->name, literal(v->dim, target));
		x0 = p->name;
	} else {
		x0 = literal(v->dim, target);
	}
	char *tau = tau_of(m);
	/* The ODE text, in a buffer of its own: forcing() may add params. */
	char *F = forcing(m, k, v->dim);
	int total = 0;
	for (int j = 0; j < COUNT(ODE); j++)
		if (!ODE[j].volt_only || v->dim == DV)
			total += ODE[j].weight;
	int r = rnd(total);
	for (int j = 0; j < COUNT(ODE); j++) {
		if (ODE[j].volt_only && v->dim != DV)
			continue;
		if ((r -= ODE[j].weight) < 0) {
			ODE[j].gen(&m->odes, m, v->name, x0, tau, F);
			break;
		}
	}
}

static void gen_state(Model *m, bool ode)
{
	int d = pick_dim();
	Var *v = new_var(m, K_STATE, d);
	if (!v)
		return;
	v->ode = ode;
	Ctx c = { .m = m, .params = true, .i = true, .N = true, .rand = true, .dt = true,
		  .exclude = -1 };
	const char *init = fin(&c, d, 2);
	if (chance(25))
		add(&m->states, "\tstate %s : %s = %s\n", v->name,
		    d == D1 ? "1" : DIMS[d].unit[rnd(DIMS[d].nunits)], chance(30) ? "0" : init);
	else
		add(&m->states, "\tstate %s = %s\n", v->name, init);
}

static void gen_input(Model *m)
{
	int d = pick_dim();
	Var *v = new_var(m, K_INPUT, d);
	if (!v)
		return;
	switch (rnd(3)) {
	case 0:
		add(&m->inputs, "\tinput %s%s%s\n", v->name, d == D1 ? "" : " : ",
		    d == D1 ? "" : DIMS[d].unit[rnd(DIMS[d].nunits)]);
		break;
	case 1:
		add(&m->inputs, "\tinput %s = %s\n", v->name, literal(d, typical(d) * 0.1));
		break;
	default:
		add(&m->inputs, "\tinput %s : %s = %s\n", v->name,
		    d == D1 ? "1" : DIMS[d].unit[rnd(DIMS[d].nunits)], literal(d, typical(d) * 0.1));
	}
}

static void gen_let(Model *m)
{
	int d = pick_dim();
	Ctx c = { .m = m, .states = true, .ode_states = true, .inputs = true, .lets = true,
		  .params = true, .t = true, .i = true, .N = true, .dt = true, .exclude = -1 };
	char *e = fin(&c, d, 2);
	Var *v = new_var(m, K_LET, d);
	if (!v)
		return;
	v->deps = c.deps;
	v->reads_t = c.read_t;
	v->reads_rand = c.read_rand;
	add(&m->lets, "\tlet %s = %s\n", v->name, e);
}

static Model *gen_neuron(int net_method)
{
	Model *m = calloc(1, sizeof *m);
	m->name = fresh_name();
	m->own_method = chance(50);
	m->method = m->own_method ? rnd(NMETHODS) : net_method;
	int nparams = rnd(3);
	for (int k = 0; k < nparams; k++) {
		int d = rnd(ND);
		Var *v = new_var(m, K_PARAM, d);
		add(&m->params, "\tparam %s = %s\n", v->name, literal(d, signed_typical(d)));
	}
	int nin = rnd(3);
	for (int k = 0; k < nin; k++)
		gen_input(m);
	int node = 1 + rnd(3), nfree = rnd(2);
	for (int k = 0; k < node; k++)
		gen_state(m, true);
	for (int k = 0; k < nfree; k++)
		gen_state(m, false);
	int nlet = rnd(3);
	for (int k = 0; k < nlet; k++)
		gen_let(m);
	for (int k = 0; k < m->nv; k++)
		if (m->v[k].ode)
			gen_ode(m, k);
	Ctx c = { .m = m, .states = true, .ode_states = true, .inputs = true, .lets = true,
		  .params = true, .t = true, .i = true, .N = true, .dt = true, .rand = true,
		  .tlast = true, .spiked = true, .exclude = -1 };
	Scope s = { m, false };
	if (chance(40))
		block(&m->body, &c, &s, "on tick");
	if (chance(75)) {
		/* threshold on an ODE state, between its target and start */
		Var *v = NULL;
		for (int k = 0; k < m->nv && !v; k++)
			if (m->v[k].ode)
				v = &m->v[k];
		m->spiking = true;
		if (chance(70))
			add(&m->body, "\tspike when %s > %s\n", v->name,
			    literal(v->dim, typical(v->dim) * 0.2));
		else
			add(&m->body, "\tspike when %s\n", cond(&c, 2));
		if (chance(80))
			block(&m->body, &c, &s, "reset");
		if (chance(50)) {
			Ctx r = { .m = m, .params = true, .dt = true, .exclude = -1 };
			add(&m->body, "\trefractory %s\n", chance(50) ? literal(DT, uniform(0, 3e-3))
				: fmt("abs(%s)", fin(&r, DT, 1)));
		}
	}
	if (m->own_method || chance(20))
		add(&m->body, "\tmethod %s\n", METHOD[m->method]);
	return m;
}

/* Declarations of one keyword, one a line, sometimes joined into comma
 * lists (`param a = 1, b = 2 mV`; lets take none). */
static char *join_decls(const Buf *b, const char *kw)
{
	Buf out = { 0 };
	const char *p = text(b);
	size_t k = strlen(kw);
	while (*p) {
		const char *eol = strchr(p, '\n');
		int n = (int)(eol - p);
		bool joinable = out.n && !strncmp(p, kw, k) && p[k] == ' ' && chance(35);
		if (joinable) {
			out.s[--out.n] = 0;                /* drop the newline */
			add(&out, ",%s%.*s\n", chance(20) ? "\n\t\t" : " ", n - (int)k - 1, p + k + 1);
		} else {
			add(&out, "%.*s\n", n, p);
		}
		p = eol + 1;
	}
	return out.s ? out.s : "";
}

static void print_model(Model *m)
{
	if (chance(30))
		printf("# %s: generated, %s \xce\xb5\xe2\x80\x94\xc2\xb5V\n", m->name,
		       m->synapse ? "a synapse" : "a neuron");
	printf("%s %s {\n%s%s%s%s%s%s}\n\n", m->synapse ? "synapse" : "neuron", m->name,
	       join_decls(&m->params, "\tparam"), join_decls(&m->inputs, "\tinput"),
	       join_decls(&m->states, "\tstate"), text(&m->lets), text(&m->odes), text(&m->body));
}

/* --------------------------------------------------------------- synapses */

/* A synapse writing the post model's input or state `target`; it reads
 * pre.X only when its pre model is fixed. */
/* Traces and on post (issue 7): a pre and a post trace decaying with their
 * own time constants, the post one bumped once per post spike, and a
 * dimensionless per-synapse state moved by both, bounded.  The pre trace is
 * not written in on pre (that is an error with per-synapse delays). */
static void gen_plasticity(Model *m)
{
	const char *tr = fresh_name(), *pr = fresh_name();
	Var *dw = new_var(m, K_STATE, D1);
	if (!dw)
		return;
	add(&m->states, "\tstate %s = %s\n", dw->name, literal(D1, uniform(0, 0.5)));
	add(&m->odes, "\tpost state %s = 0\n\tpre state %s = %s\n", tr, pr, literal(D1, uniform(0, 1)));
	add(&m->odes, "\t(%s) d%s/dt = -%s\n", literal(DT, uniform(2e-3, 20e-3)), tr, tr);
	add(&m->odes, "\t(%s) d%s/dt = -%s\n", literal(DT, uniform(2e-3, 20e-3)), pr, pr);
	/* the potentiation rate is a param derived from another one (it
	 * follows a --set of the first: model_params) */
	const char *lr = fresh_name(), *lr2 = fresh_name();
	add(&m->params, "\tparam %s = %s\n\tparam %s = 0.5 * %s\n", lr,
	    literal(D1, uniform(0, 0.1)), lr2, lr);
	add(&m->body, "\ton post {\n\t\t%s += %s\n\t\t%s = clip(%s + %s * %s - %s * %s, 0, 1)\n\t}\n",
	    tr, literal(D1, uniform(0.01, 0.5)), dw->name, dw->name, lr2, tr,
	    literal(D1, uniform(0, 0.05)), pr);
	/* a clock-driven rule (synapse on tick): the state moves toward the
	 * product of the traces every step, and the pre trace decays once per
	 * pre neuron (its statement assigns only pre state) */
	if (chance(50))
		add(&m->body, "\ton tick {\n\t\t%s = clip(%s + %s * (%s * %s - %s), 0, 1)\n\t\t%s *= %s\n\t}\n",
		    dw->name, dw->name, literal(D1, uniform(0, 0.05)), pr, tr, dw->name, pr,
		    literal(D1, uniform(0.9, 1)));
}

static Model *gen_synapse(Model *pre, Model *post, int target, bool need_w)
{
	Model *m = calloc(1, sizeof *m);
	m->synapse = true;
	m->name = fresh_name();
	m->pre = pre;
	m->post = post;
	m->target = target;
	int d = post->v[target].dim;
	int nparams = rnd(3);
	for (int k = 0; k < nparams; k++) {
		int dd = chance(50) ? d : rnd(ND);
		Var *v = new_var(m, K_PARAM, dd);
		add(&m->params, "\tparam %s = %s\n", v->name, literal(dd, typical(dd) * 0.2));
	}
	Ctx init = { .m = m, .params = true, .i = true, .N = true, .rand = true,
		     .exclude = -1 };
	if (need_w) {
		/* weights = "F" sets the state w; its own initial value is overridden */
		Var *v = &m->v[m->nv++];
		*v = (Var){ .name = "w", .kind = K_STATE, .dim = d };
		if (chance(30) || d == D1)
			add(&m->states, "\tstate w%s\n", d == D1 ? "" : fmt(" : %s", DIMS[d].unit[0]));
		else
			add(&m->states, "\tstate w = %s\n", fin(&init, d, 1));
	}
	int nstates = rnd(3);
	for (int k = 0; k < nstates; k++) {
		int dd = chance(60) ? d : pick_dim();
		Var *v = new_var(m, K_STATE, dd);
		add(&m->states, "\tstate %s = %s\n", v->name, fin(&init, dd, 1));
	}
	Ctx c = { .m = m, .states = true, .params = true, .t = true, .i = true, .N = true,
		  .dt = true, .rand = true, .pre = pre, .post = post, .exclude = -1 };
	Scope s = { m, true };
	/* at least one write to the post neuron */
	Buf b = { 0 };
	Var *t = &post->v[target];
	Ctx k = c;
	const char *w = fin(&k, d, 1);
	add(&b, "\t\tpost.%s += clip(%s, %s, %s)\n", t->name, w, literal(d, -typical(d) * 0.3),
	    literal(d, typical(d) * 0.3));
	int n = rnd(3);
	for (int j = 0; j < n; j++)
		statement(&b, &c, &s, 2, 1);
	add(&m->body, "\ton pre {\n%s\t}\n", b.s);
	if (chance(50))
		gen_plasticity(m);
	return m;
}

/* ---------------------------------------------------------------- network */

typedef struct {
	char *name;
	Model *model;          /* NULL: a generator */
	bool from_file;        /* no slices of it */
	int n;
	int lo, hi;            /* a slice of pop `of`, or [0, n) */
	int of;                /* index of the population (itself for a pop) */
	bool slice;
} Group;

enum { MAXG = 24 };
static Group groups[MAXG];
static int ngroups;
static int npops;
static Buf net;
static char *stems[128];
static int nstems;
static double dt, run_time;

static bool stem_taken(const char *s)
{
	for (int k = 0; k < nstems; k++)
		if (!strcmp(stems[k], s))
			return true;
	stems[nstems++] = strdup(s);
	return false;
}

static void gen_pop(Model *m)
{
	Group *g = &groups[ngroups];
	*g = (Group){ .name = fresh_name(), .model = m, .n = 1 + rnd(12), .of = ngroups };
	g->hi = g->n;
	npops = ++ngroups;
	Buf inits = { 0 };
	for (int k = 0; k < m->nv; k++) {
		Var *v = &m->v[k];
		if (chance(75))
			continue;
		if (v->kind == K_STATE) {
			Ctx c = { .m = m, .params = true, .i = true, .N = true, .rand = true,
				  .dt = true, .exclude = -1 };
			add(&inits, "%s%s = %s", inits.n ? ", " : "", v->name, fin(&c, v->dim, 1));
		} else if (v->kind == K_PARAM) {
			add(&inits, "%s%s = %s", inits.n ? ", " : "", v->name,
			    literal(v->dim, v->dim == DT ? uniform(2e-3, 2e-2) /* may be a tau */
					    : v->dim == DF || v->dim == DS || v->dim == DHZ ||
					      v->dim == DOHM ? typical(v->dim) : signed_typical(v->dim)));
		}
	}
	add(&net, "\tpop %s = %s(%d)%s%s%s\n", g->name, m->name, g->n, inits.n ? " { " : "",
	    text(&inits), inits.n ? " }" : "");
}

static const char *data_dir;      /* --dir: where data files go */
static uint64_t seed;

/* A .npy file (format 1.0) of float64 [rows, cols], or uint8 if `u8`. */
static void write_npy(const char *name, int rows, int cols, const double *v, bool u8)
{
	char *path = fmt("%s/%s", data_dir, name);
	FILE *f = fopen(path, "wb");
	if (!f) {
		perror(path);
		exit(1);
	}
	char dict[128];
	int n = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }",
			 u8 ? "|u1" : "<f8", rows, cols);
	int total = (10 + n + 1 + 63) / 64 * 64;     /* magic+version+len, dict, '\n' */
	int hlen = total - 10;
	fwrite("\x93NUMPY\x01\x00", 1, 8, f);
	fputc(hlen & 0xff, f);
	fputc(hlen >> 8, f);
	fputs(dict, f);
	for (int k = 10 + n; k < total - 1; k++)
		fputc(' ', f);
	fputc('\n', f);
	for (int k = 0; k < rows * cols; k++) {
		if (u8) {
			fputc(v[k] != 0, f);
		} else {
			fwrite(&v[k], sizeof v[k], 1, f);
		}
	}
	if (fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* A data file's name, unique per seed (several models share a directory). */
static char *data_name(const char *what)
{
	return fmt("g%llu_%s%d.npy", (unsigned long long)seed, what, rnd(1000));
}

/* from_file: rows of rates (Hz), one column per element. */
static void gen_from_file(Group *g)
{
	g->from_file = true;
	int rows = 1 + rnd(4);
	double *v = calloc((size_t)(rows * g->n), sizeof *v);
	for (int k = 0; k < rows * g->n; k++)
		v[k] = chance(30) ? 0 : uniform(0, 1500);
	char *name = data_name("rates");
	write_npy(name, rows, g->n, v, false);
	free(v);
	add(&net, "\tpop %s = from_file(\"%s\", present = %s%s)\n", g->name, name,
	    literal(DT, dt * (1 + rnd(20))), chance(50) ? ", mode = rates" : "");
}

static void gen_generator(void)
{
	Group *g = &groups[ngroups];
	*g = (Group){ .name = fresh_name(), .n = 1 + rnd(8), .of = ngroups };
	g->hi = g->n;
	npops = ++ngroups;
	if (data_dir && chance(30)) {
		gen_from_file(g);
		return;
	}
	if (chance(60)) {
		add(&net, "\tpop %s = poisson(%d, rate = %s)\n", g->name, g->n,
		    literal(DHZ, uniform(0, 2000)));
		return;
	}
	int nt = 1 + rnd(4);
	Buf times = { 0 }, index = { 0 };
	for (int k = 0; k < nt; k++) {
		double t = dt * (1 + rnd((int)(run_time / dt * 1.2)));
		add(&times, "%s%s", k ? ", " : "", literal(DT, t));
		add(&index, "%s%d", k ? ", " : "", rnd(g->n));
	}
	if (chance(50))
		add(&net, "\tpop %s = spikes(%d, times = [%s], index = [%s])\n", g->name, g->n,
		    times.s, index.s);
	else
		add(&net, "\tpop %s = spikes(%d, times = [%s])\n", g->name, g->n, times.s);
}

static void gen_slice(void)
{
	int p = rnd(npops);
	Group *of = &groups[p];
	if (of->n < 2 || ngroups == MAXG || of->from_file)
		return;
	int lo = rnd(of->n - 1), hi = lo + 1 + rnd(of->n - lo);
	Group *g = &groups[ngroups++];
	*g = (Group){ .name = fresh_name(), .model = of->model, .n = hi - lo, .lo = lo, .hi = hi,
		      .of = p, .slice = true };
	add(&net, "\tlet %s = %s[%d:%d]\n", g->name, of->name, lo, hi);
}

/* A group, sometimes written as an inline slice P[a:b]. */
static char *group_ref(Group *g, int *size)
{
	*size = g->n;
	if (!g->slice && !g->from_file && g->n > 1 && chance(15)) {
		int lo = rnd(g->n - 1), hi = lo + 1 + rnd(g->n - lo);
		*size = hi - lo;
		return fmt("%s[%d:%d]", g->name, lo, hi);
	}
	return g->name;
}

static Model *synapses[16];
static int nsyn;

static void gen_connect(void)
{
	/* the post: a neuron group whose model has an input or a state */
	int posts[MAXG], np = 0;
	for (int k = 0; k < ngroups; k++)
		if (groups[k].model)
			posts[np++] = k;
	if (!np || nsyn == COUNT(synapses))
		return;
	Group *post = &groups[posts[rnd(np)]];
	Group *pre = &groups[rnd(ngroups)];
	Model *pm = post->model;
	int targets[MAXV], nt = 0;
	for (int k = 0; k < pm->nv; k++)
		if (pm->v[k].kind == K_INPUT || pm->v[k].kind == K_STATE)
			targets[nt++] = k;
	if (!nt)
		return;
	int files = data_dir ? rnd(6) : 5;    /* 0: weights, 1: mask, else none */
	Model *s = gen_synapse(pre->model && chance(50) ? pre->model : NULL, pm,
			       targets[rnd(nt)], files == 0);
	synapses[nsyn++] = s;
	int a, b;
	char *pre_s = group_ref(pre, &a), *post_s = group_ref(post, &b);
	Buf args = { 0 };
	if (files <= 1) {
		/* a dense [pre, post] matrix: weights (zeros: no synapse) or a mask */
		double *v = calloc((size_t)(a * b), sizeof *v);
		int d = pm->v[s->target].dim;
		for (int k = 0; k < a * b; k++)
			v[k] = chance(40) ? 0 : files == 0 ? typical(d) * 0.2 : 1;
		bool u8 = files == 1 && chance(50);
		char *name = data_name(files == 0 ? "w" : "mask");
		write_npy(name, a, b, v, u8);
		free(v);
		add(&args, "%s = \"%s\"", files == 0 ? "weights" : "mask", name);
		if (files == 0)
			goto options;
		add(&args, ", ");
	}
	switch (rnd(5)) {
	case 0: add(&args, "p = %s", number(uniform(0, 1))); break;
	case 1:
		if (a == b && !pre->from_file) {
			add(&args, "one_to_one");
			break;
		}
		/* fall through */
	case 2: add(&args, "fan_in = %d", rnd(a + 1)); break;
	case 3: add(&args, "all_to_all"); break;
	default: break;                 /* all_to_all by default */
	}
	if (args.n >= 2 && !strcmp(args.s + args.n - 2, ", "))
		args.s[args.n -= 2] = 0;
options:
	switch (rnd(4)) {
	case 0: add(&args, "%sdelay = %s", args.n ? ", " : "", literal(DT, dt * rnd(20))); break;
	case 1:
		add(&args, "%sdelay = rand() * %s", args.n ? ", " : "", literal(DT, uniform(0, 2e-3)));
		break;
	case 2: add(&args, "%sdelay = %d * dt", args.n ? ", " : "", rnd(5)); break;
	default: break;
	}
	for (int k = 0; k < s->nv; k++) {
		Var *v = &s->v[k];
		if (chance(60) || (files == 0 && !strcmp(v->name, "w")))
			continue;
		Ctx c = { .m = s, .params = true, .i = true, .N = true, .rand = true,
			  .exclude = -1 };
		add(&args, "%s%s = %s", args.n ? ", " : "", v->name,
		    v->kind == K_STATE ? fin(&c, v->dim, 1) : literal(v->dim, typical(v->dim)));
	}
	char *as = chance(60) ? fresh_name() : NULL;
	add(&net, "\tconnect %s -> %s : %s(%s)%s%s\n", pre_s, post_s, s->name, text(&args),
	    as ? " as " : "", as ? as : "");
	if (as && s->nv && chance(70)) {
		Var *v = &s->v[rnd(s->nv)];
		if (!stem_taken(fmt("%s.%s", as, v->name)))
			add(&net, "\trecord %s.%s%s\n", as, v->name,
			    chance(50) ? fmt(" every %s", literal(DT, dt * (1 + rnd(4)))) : "");
	}
}

/* record G.spikes, G.VAR[a:b] every T, G.t_last, G.spiked */
static void gen_record(void)
{
	Group *g = &groups[rnd(ngroups)];
	char *what;
	int r = rnd(7);
	if (r <= 1)
		what = "spikes";
	else if (r == 2)
		what = "t_last";
	else if (r == 3)
		what = "spiked";
	else if (g->model && g->model->nv)
		what = g->model->v[rnd(g->model->nv)].name;
	else
		what = "spikes";
	if (stem_taken(strcmp(what, "spikes") ? fmt("%s.%s", g->name, what) : g->name))
		return;
	Buf b = { 0 };
	add(&b, "\trecord %s.%s", g->name, what);
	if (strcmp(what, "spikes") && g->n > 1 && !g->from_file && chance(30)) {
		int lo = rnd(g->n - 1), hi = lo + 1 + rnd(g->n - lo);
		add(&b, "[%d:%d]", lo, hi);
	}
	if (strcmp(what, "spikes") && chance(40))
		add(&b, " every %s", literal(DT, dt * (1 + rnd(5))));
	add(&net, "%s\n", b.s);
}

static const struct {
	int weight;
	void (*gen)(void);
} NET[] = {
	{ 2, gen_slice },
	{ 4, gen_connect },
	{ 4, gen_record },
};

/* The network's items, one a line; shuffled with --any-order (a connect
 * or record may name what is declared below it). */
static void print_items(const char *items)
{
	char *copy = strdup(items), *line[512];
	int n = 0;
	for (char *p = strtok(copy, "\n"); p && n < 512; p = strtok(NULL, "\n"))
		line[n++] = p;
	for (int k = n - 1; any_order && k > 0; k--) {
		int j = rnd(k + 1);
		char *t = line[k];
		line[k] = line[j];
		line[j] = t;
	}
	for (int k = 0; k < n; k++)
		printf("%s%s\n", line[k], k && chance(5) ? "    # a comment" : "");
}

int main(int argc, char **argv)
{
	int a = 1;
	for (; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "--no-hostile"))
			hostile = false;
		else if (!strcmp(argv[a], "--any-order"))
			any_order = true;
		else if (!strcmp(argv[a], "--dir") && a + 1 < argc)
			data_dir = argv[++a];
		else
			break;
	}
	if (a + 1 != argc) {
		fprintf(stderr, "usage: genmodel [--no-hostile] [--any-order] [--dir DIR] SEED > m.snn\n");
		return 2;
	}
	seed = strtoull(argv[a], NULL, 10);
	rng_state = seed * 0x2545F4914F6CDD1Dull + 1;

	static const double dts[] = { 0.1e-3, 0.05e-3, 0.2e-3, 0.1e-3 };
	dt = dts[rnd(COUNT(dts))];
	run_time = dt * (10 + rnd(60));
	int net_method = rnd(NMETHODS);
	printf("# genmodel %s%s%llu\n\n", hostile ? "" : "--no-hostile ", data_dir ? "--dir DIR " : "",
	       (unsigned long long)seed);

	Model *neurons[4];
	int nn = 1 + rnd(3);
	for (int k = 0; k < nn; k++)
		neurons[k] = gen_neuron(net_method);
	char *net_name = fresh_name();
	for (int k = 0; k < nn; k++) {
		int copies = 1 + rnd(2);
		for (int j = 0; j < copies; j++)
			gen_pop(neurons[k]);
	}
	int ngen = rnd(3);
	for (int k = 0; k < ngen; k++)
		gen_generator();
	int items = 2 + rnd(8);
	for (int k = 0; k < items; k++) {
		int total = 0;
		for (int j = 0; j < COUNT(NET); j++)
			total += NET[j].weight;
		int r = rnd(total);
		for (int j = 0; j < COUNT(NET); j++)
			if ((r -= NET[j].weight) < 0) {
				NET[j].gen();
				break;
			}
	}
	for (int k = 0; k < nn; k++)
		print_model(neurons[k]);
	for (int k = 0; k < nsyn; k++)
		print_model(synapses[k]);
	printf("network %s {\n", net_name);
	printf("\tdt = %s\n", literal(DT, dt));
	if (net_method != M_EULER || chance(50))
		printf("\tmethod = %s\n", METHOD[net_method]);
	if (chance(60))
		printf("\tseed = %d\n", rnd(1000));
	if (chance(50))
		printf("\tprecision = %s\n", chance(50) ? "single" : "double");
	print_items(text(&net));
	if (chance(40)) {             /* a global driven by the network's on tick */
		const char *g = fresh_name();
		printf("\tglobal %s = 0\n", g);
		printf("\ton tick {\n\t\t%s = 0.5 * %s + count(%s.spiked)\n\t}\n", g, g, groups[0].name);
		printf("\trecord %s\n", g);
	}
	if (chance(30) && !stem_taken(groups[0].name))
		printf("\trecord %s.spikes\n", groups[0].name);
	printf("\trun %s\n}\n", literal(DT, run_time));
	return 0;
}
