/*
 * test_backend.c — the back end seen from outside (issue 5): names, lets,
 * #line.  Black-box against $SNNC: every test writes a model, builds it,
 * and compares what the simulator recorded (or what the C compiler made of
 * the generated C) with values computed here.
 *
 *   naming    property test: seeded random networks whose every user name
 *             (models, params, states, inputs, lets, populations, slices,
 *             connections) is drawn from generated prefixes, C keywords,
 *             runtime symbols, libm names, built-in function names, unit
 *             names and `_`-heavy names, or is another name of the same
 *             network with a generated prefix or suffix glued on (`n_ge`
 *             beside `ge`); each network must build, run and record the
 *             values of a reference simulation of the same network done
 *             here (closed forms of `on tick` counters, decays under each
 *             scheme, inputs fed from known spike times, lets, a refractory
 *             counter neuron).  Case 0 uses plain names: it checks the
 *             reference itself.
 *   fixtures  tests/e2e/backend/NAME.snn: small collision models, each with
 *             `# expect FILE ROW COL VALUE` lines (see test_fixture); the
 *             collisions of today's compiler and some near misses.
 *   lets      a chain of 30 lets each reading the previous one twice: build
 *             under 1 s, model.c under 100 KB, the closed form recorded;
 *             the same chain inside an ODE under rk4 against the RK4 map.
 *   lines     the DWARF line table of the generated C maps each store of a
 *             state or input to the line of the .snn statement that writes
 *             it (see the block comment above test_line_table).
 *
 * Sample k of a record (0-based) is the state after step k, at (k+1)*dt.
 */
#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "e2e_util.h"

/* ---------------------------------------------------------------- text */

/* A growing string. */
typedef struct {
	char *s;
	size_t n, cap;
} Buf;

static void bprintf(Buf *b, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		size_t room = b->cap - b->n;
		int k = vsnprintf(b->s ? b->s + b->n : NULL, room, fmt, ap);
		va_end(ap);
		ck_assert(k >= 0);
		if ((size_t)k < room) {
			b->n += (size_t)k;
			return;
		}
		b->cap = (b->cap + (size_t)k + 1) * 2;
		b->s = realloc(b->s, b->cap);
		ck_assert_ptr_nonnull(b->s);
	}
}

/* The whole of dir/name, NUL-terminated (NULL if it cannot be read). */
static char *slurp(const char *dir, const char *name, long *len)
{
	char path[E2E_PATH];
	e2e_fmt(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq((long)fread(s, 1, (size_t)n, f), n);
	s[n] = 0;
	fclose(f);
	if (len)
		*len = n;
	return s;
}

/* Build dir/name.snn (already written) into dir/name; returns the exit
 * status and leaves snnc's messages in dir/name.log. */
static int build_status(const char *dir, const char *name)
{
	return e2e_run(dir, "'%s' build %s.snn -o %s > %s.log 2>&1", e2e_snnc(), name, name, name);
}

/* Assert a build succeeded, quoting the start of snnc's messages if not. */
static void assert_built(const char *dir, const char *name, int st)
{
	if (st == 0)
		return;
	char log[E2E_PATH];
	e2e_fmt(log, sizeof log, "%s.log", name);
	char *msg = slurp(dir, log, NULL);
	if (msg && strlen(msg) > 600)
		strcpy(msg + 600, "...");
	ck_abort_msg("snnc build %s/%s.snn: exit status %d:\n%s", dir, name, st, msg ? msg : "");
}

static int close_to(double got, double want, double rel)
{
	return fabs(got - want) <= rel * fmax(1, fabs(want));
}

/* ---------------------------------------------------------------- naming
 *
 * The generated network (names in <>; G, A, B populations, SL, SB slices):
 *
 *   neuron <M1>   counter neuron: params pa1 pa2 ptau1 pK pR; states a1 a2
 *                 (on tick a += pa), b1 (decay, scheme meth1), cnt (+1 per
 *                 tick, spike when cnt > pK, reset to 0, refractory pR);
 *                 input inp; lets L1 = a1*2 + pa1, L2 = L1 - b1*3,
 *                 L3 = inp*0.5 + a2
 *   neuron <M2>   receiver: params ptau2 pz; states u (ptau2 du/dt =
 *                 inp + inp2 - u, scheme meth2), z (on tick z += pz); inputs
 *                 inp, inp2; lets L4 = inp*0.25 + u, L5 = L4*L4 - z
 *   synapse <S1>  on pre { sw = sw + dsw; post.inp += pw * sw }
 *   synapse <S2>  on pre { post.inp2 += pre.a1 * pw2; post.z += 1 }
 *   network       G = spikes(2, at GSTAMP), A = M1(3), B = M2(3) { pz = ... },
 *                 SL = G[0:1], SB = B[1:3];
 *                 SL -> SB : S1 (no `as`: the compiler names it),
 *                 G -> B : S1 as c1, A -> B : S2(one_to_one) as c2,
 *                 SL -> A : S1 as c3; everything recorded.
 *
 * Names are unique within a model (the input named inp is in both neuron
 * models: S1 writes post.inp into either) and within the network.  An `as`
 * name equal to the name today's compiler gives an unnamed connection is
 * left to the fixtures conn_auto_*: it would mask everything else.
 *
 * Network k (k = 1..11) draws its names with seed k (draw, draw_toward:
 * 10% of the states and inputs are ref_until or n_ + an input of the same
 * model, the forms that break today), then its numbers (methods, time
 * constants, increments chosen as binary fractions so that counters are
 * exact); networks 5 and 11 use precision = single (tolerance 1e-5, else
 * 1e-12).  Network 0 has the same structure with plain names.
 */
enum { NG = 2, NA = 3, NB = 3, NSTEP = 30, NNET = 12, NAMELEN = 48 };
static const int gstamp[] = { 3, 7, 12, 20 };   /* G's spikes, in steps of dt */
#define NGSTAMP ((int)(sizeof gstamp / sizeof gstamp[0]))
#define DT 1e-4

typedef char Name[NAMELEN];

enum { EULER, RK2, RK4, EXPEULER, EXACT, NMETHOD };
static const char *const method_name[NMETHOD] = {
	"euler", "rk2", "rk4", "exponential_euler", "exact",
};

typedef struct {
	int single;
	int meth1, meth2;
	int coef1, coef2;     /* ODE written as `C dX/dt = ...` (1) or `dX/dt = .../C` */
	Name net, m1, m2, s1, s2;
	Name pa1, pa2, ptau1, pK, pR, a1, a2, b1, cnt, inp, L1, L2, L3;
	Name ptau2, pz, u, z, inp2, L4, L5;
	Name pw, dsw, sw, pw2;
	Name G, A, B, SL, SB, c1, c2, c3;
	double ca1, ca2, va1, da1, va2, b0, tau1, tau2, u0, cz, cz2, w, dw, w0, w2;
	int K, R;
} Net;

static const char *const keywords[] = {
	"neuron", "synapse", "network", "import", "param", "state", "let", "input", "pre",
	"post", "on", "tick", "spike", "when", "reset", "refractory", "method", "modulator",
	"reduce", "pop", "connect", "as", "record", "every", "run", "global", "if", "else",
	"and", "or", "not",
};
static const char *const builtins[] = { "t", "dt", "i", "N", "t_last", "spiked", "xi" };

/* Prefixes and suffixes the compiler of today glues to user names. */
static const char *const prefixes[] = {
	"x_", "p_", "xn_", "n_", "s_", "k1_", "k2_", "k3_", "k4_", "y2_", "y3_", "y4_", "d_",
	"A_", "B_", "E_", "b_", "Phi_", "Psi_", "pre_", "post_", "prep_", "postp_", "tmp_",
	"pop_", "conn_", "snn_", "SNN_", "x", "xn", "n", "_", "__",
};
static const char *const suffixes[] = {
	"_t", "_0", "_1", "_integrate", "_reset", "_tick", "_threshold", "_deliver", "_inputs",
	"_let_", "_", "__", "f", "_pre", "_post",
};
/* Whole words: generated locals and fields, runtime symbols, C keywords
 * and macros, libm, built-in functions, units, network argument names. */
static const char *const words[] = {
	"ref_until", "ref_base", "refstep", "refstep_pre", "refstep_post", "refr", "fire",
	"model_t", "real", "m", "pp", "cc", "rt", "sim", "sim_", "step", "seed", "t0", "n", "j",
	"k", "s", "a", "b", "due", "nd", "row", "prei", "end", "csr", "nsyn", "maxd", "d", "q",
	"out", "i0", "i1", "prepop", "postpop", "err", "errlen", "spec", "Phi", "Psi",
	"Phi_0_0", "Psi_0_0", "Phi_1_1", "b_v", "A", "E", "B", "sqrtdt", "snn_rand",
	"snn_randn", "snn_sim", "snn_pop", "snn_model_main", "snn_expm", "snn_clip",
	"snn_sign", "snn_sigmoid", "snn_relu", "snn_record", "snn_alloc_array",
	"snn_queue_push", "snn_compact", "snn_ref_until", "SNN_VECTORIZE", "SNN_PREFETCH",
	"SNN_STEP_INIT", "SNN_STREAM_CONNECT", "int", "double", "float", "char", "restrict",
	"main", "static", "register", "return", "for", "while", "do", "switch", "case",
	"default", "break", "continue", "goto", "struct", "union", "enum", "typedef", "sizeof",
	"const", "volatile", "extern", "auto", "signed", "unsigned", "long", "short", "void",
	"inline", "_Bool", "_Complex", "_Atomic", "_Generic", "_Noreturn", "_Alignas",
	"_Thread_local", "_Static_assert", "NULL", "INT32_MIN", "INT32_MAX", "INFINITY",
	"NAN", "HUGE_VAL", "EOF", "errno", "stdin", "stdout", "assert", "offsetof", "bool",
	"true", "false", "__LINE__", "__FILE__", "__func__", "exp", "expf", "sqrt", "fmin",
	"fmax", "floor", "pow", "log", "sin", "cos", "tanh", "fabs", "memset", "memcpy",
	"printf", "malloc", "free", "exit", "min", "max", "clip", "sum", "grad", "rand",
	"randn", "abs", "relu", "sigmoid", "heaviside", "sign", "ms", "mV", "s", "Hz", "nS",
	"V", "S", "F", "ohm", "_", "__", "___", "__x", "a__b", "x_", "_x_", "v", "ge", "I",
	"w", "mean", "count", "any", "p", "fan_in", "weights", "mask", "one_to_one",
	"all_to_all", "max_delay", "rate", "times", "index", "present", "precision", "batch",
	"model", "Net", "pops", "conns", "vars", "records", "bufs",
};
#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

typedef struct {
	uint64_t s;
} Rng;

static uint64_t rng_next(Rng *r)   /* splitmix64 */
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int rng_below(Rng *r, int n)
{
	return (int)(rng_next(r) % (uint64_t)n);
}

enum { SC_MODEL = 1, SC_SYNAPSE = 2, SC_NETWORK = 4, SC_MODELNAME = 8 };

/* The names one network has used so far, and its scopes. */
typedef struct {
	Rng r;
	const char *all[64];
	int nall;
	const char *scope[32];   /* names of the scope being filled */
	int nscope;
} Namer;

static int in_list(const char *s, const char *const *list, int n)
{
	for (int k = 0; k < n; k++)
		if (strcmp(s, list[k]) == 0)
			return 1;
	return 0;
}

/* May s be a user name of this kind?  Only what LANGUAGE.md forbids is
 * left out, plus `delay` in a synapse (a state of that name is a learned
 * delay) and `poisson`, `from_file` as model names (generator spellings). */
static int legal(const char *s, int kind)
{
	if (in_list(s, keywords, COUNT(keywords)) || strcmp(s, "spikes") == 0)
		return 0;
	if ((kind & (SC_MODEL | SC_SYNAPSE)) && in_list(s, builtins, COUNT(builtins)))
		return 0;
	if ((kind & SC_SYNAPSE) && strcmp(s, "delay") == 0)
		return 0;
	if ((kind & SC_MODELNAME) && (strcmp(s, "poisson") == 0 || strcmp(s, "from_file") == 0))
		return 0;
	return 1;
}

static void new_scope(Namer *nm)
{
	nm->nscope = 0;
}

/* Draw a name legal for kind and unused in the current scope into out. */
static void draw(Namer *nm, char *out, int kind)
{
	for (;;) {
		char s[2 * NAMELEN];
		const char *w = words[rng_below(&nm->r, COUNT(words))];
		const char *p = prefixes[rng_below(&nm->r, COUNT(prefixes))];
		const char *x = suffixes[rng_below(&nm->r, COUNT(suffixes))];
		const char *o = nm->nall ? nm->all[rng_below(&nm->r, nm->nall)] : w;
		switch (rng_below(&nm->r, 9)) {
		case 0: case 1: snprintf(s, sizeof s, "%s", w); break;
		case 2: snprintf(s, sizeof s, "%s%s", p, w); break;
		case 3: case 4: snprintf(s, sizeof s, "%s%s", p, o); break;   /* n_ge beside ge */
		case 5: snprintf(s, sizeof s, "%s%s", o, x); break;           /* P_t beside P */
		case 6: snprintf(s, sizeof s, "%s_%s", w, o); break;
		case 7: snprintf(s, sizeof s, "%s%d", w, rng_below(&nm->r, 3)); break;
		default: snprintf(s, sizeof s, "%s__%s", o, w); break;
		}
		if (strlen(s) >= NAMELEN || (!isalpha((unsigned char)s[0]) && s[0] != '_'))
			continue;
		if (!legal(s, kind) || in_list(s, nm->scope, nm->nscope))
			continue;
		strcpy(out, s);
		nm->scope[nm->nscope++] = out;
		if (nm->nall < COUNT(nm->all))
			nm->all[nm->nall++] = out;
		return;
	}
}

/* Plain names: case 0, a check of the reference simulation itself. */
static void plain_names(Net *n)
{
	static const struct { size_t off; const char *s; } plain[] = {
#define P(f) { offsetof(Net, f), #f }
		P(net), P(m1), P(m2), P(s1), P(s2), P(pa1), P(pa2), P(ptau1), P(pK), P(pR),
		P(a1), P(a2), P(b1), P(cnt), P(inp), P(L1), P(L2), P(L3), P(ptau2), P(pz),
		P(u), P(z), P(inp2), P(L4), P(L5), P(pw), P(dsw), P(sw), P(pw2), P(G), P(A),
		P(B), P(SL), P(SB), P(c1), P(c2), P(c3),
#undef P
	};
	for (int k = 0; k < COUNT(plain); k++)
		strcpy((char *)n + plain[k].off, plain[k].s);
}

/* Like draw, but with probability pct% out is cand when that is legal and
 * unused: biases the draw toward forms known to be dangerous (a generated
 * local's own name, a generated prefix glued to a sibling's name). */
static void draw_toward(Namer *nm, char *out, int kind, const char *cand, int pct)
{
	if (rng_below(&nm->r, 100) < pct && strlen(cand) < NAMELEN && legal(cand, kind) &&
	    !in_list(cand, nm->scope, nm->nscope)) {
		strcpy(out, cand);
		nm->scope[nm->nscope++] = out;
		if (nm->nall < COUNT(nm->all))
			nm->all[nm->nall++] = out;
		return;
	}
	draw(nm, out, kind);
}

/* A state or input: ref_until (counter neuron), or n_ + an input. */
static void draw_elem(Namer *nm, char *out, const char *inp1, const char *inp2, int refr)
{
	char c[NAMELEN + 8];
	int k = rng_below(&nm->r, refr ? 2 : 3);
	if (k == 0 && refr)
		snprintf(c, sizeof c, "ref_until");
	else
		snprintf(c, sizeof c, "n_%s", k == 1 || !inp2 ? inp1 : inp2);
	draw_toward(nm, out, SC_MODEL, c, 10);
}

static void random_names(Net *n, Namer *nm)
{
	new_scope(nm);
	char *models[] = { n->net, n->m1, n->m2, n->s1, n->s2 };
	for (int k = 0; k < COUNT(models); k++)
		draw(nm, models[k], SC_MODELNAME);
	new_scope(nm);
	draw_toward(nm, n->inp, SC_MODEL, "ref_until", 5);
	char *m1[] = { n->pa1, n->pa2, n->ptau1, n->pK, n->pR, n->L1, n->L2, n->L3 };
	char *m1e[] = { n->a1, n->a2, n->b1, n->cnt };
	for (int k = 0; k < COUNT(m1); k++) {
		draw(nm, m1[k], SC_MODEL);
		if (k < COUNT(m1e))
			draw_elem(nm, m1e[k], n->inp, NULL, 1);
	}
	new_scope(nm);
	nm->scope[nm->nscope++] = n->inp;     /* the input S1 writes, in both models */
	draw(nm, n->inp2, SC_MODEL);
	draw_elem(nm, n->u, n->inp, n->inp2, 0);
	draw_elem(nm, n->z, n->inp, n->inp2, 0);
	char *m2[] = { n->ptau2, n->pz, n->L4, n->L5 };
	for (int k = 0; k < COUNT(m2); k++)
		draw(nm, m2[k], SC_MODEL);
	new_scope(nm);
	draw(nm, n->pw, SC_SYNAPSE);
	draw(nm, n->dsw, SC_SYNAPSE);
	draw(nm, n->sw, SC_SYNAPSE);
	new_scope(nm);
	draw(nm, n->pw2, SC_SYNAPSE);
	new_scope(nm);
	char *net[] = { n->G, n->A, n->B, n->SL, n->SB, n->c1, n->c2, n->c3 };
	for (int k = 0; k < COUNT(net); k++)
		draw(nm, net[k], SC_NETWORK);
}

static void random_numbers(Net *n, Rng *r)
{
	n->meth1 = rng_below(r, NMETHOD);
	n->meth2 = rng_below(r, NMETHOD);
	n->coef1 = rng_below(r, 2);
	n->coef2 = rng_below(r, 2);
	n->ca1 = 0.25 * (1 + rng_below(r, 8));
	n->ca2 = 0.125 * (1 + rng_below(r, 8));
	n->va1 = 0.5 * rng_below(r, 5);
	n->da1 = 0.25 * (1 + rng_below(r, 3));
	n->va2 = rng_below(r, 4);
	n->b0 = 1 + rng_below(r, 3);
	n->tau1 = 1e-3 * (2 + rng_below(r, 8));
	n->tau2 = 1e-3 * (1 + rng_below(r, 5));
	n->u0 = 0.5 * rng_below(r, 3);
	n->cz = 0.5;
	n->cz2 = 0.25 * (1 + rng_below(r, 4));
	n->w = 0.5 * (1 + rng_below(r, 4));
	n->dw = 0.25 * (1 + rng_below(r, 2));
	n->w0 = 0.5 * (1 + rng_below(r, 3));
	n->w2 = 0.5 * (1 + rng_below(r, 2));
	n->K = 1 + rng_below(r, 3);
	n->R = 1 + rng_below(r, 4);
}

static void make_net(Net *n, int which)
{
	memset(n, 0, sizeof *n);
	Namer nm = { .r = { 0x5eed0000u + (uint64_t)which * 7919u } };
	if (which == 0)
		plain_names(n);
	else
		random_names(n, &nm);
	random_numbers(n, &nm.r);
	n->single = which % 6 == 5;
}

/* `C dX/dt = F` or `dX/dt = F / C` (the same ODE). */
static void ode(Buf *b, int coef, const char *c, const char *x, const char *f)
{
	if (coef)
		bprintf(b, "\t%s d%s/dt = %s\n", c, x, f);
	else
		bprintf(b, "\td%s/dt = (%s) / %s\n", x, f, c);
}

static void text_models(Buf *b, const Net *n)
{
	char f[4 * NAMELEN];
	bprintf(b, "neuron %s {\n", n->m1);
	bprintf(b, "\tparam %s = %g, %s = %g\n", n->pa1, n->ca1, n->pa2, n->ca2);
	bprintf(b, "\tparam %s = %g ms, %s = %d, %s = %.1f ms\n", n->ptau1, n->tau1 * 1e3, n->pK,
		n->K, n->pR, n->R * 0.1);
	bprintf(b, "\tstate %s = %g + %g * i, %s = %g, %s = %g, %s = 0\n", n->a1, n->va1, n->da1,
		n->a2, n->va2, n->b1, n->b0, n->cnt);
	bprintf(b, "\tinput %s\n", n->inp);
	bprintf(b, "\tlet %s = %s * 2 + %s\n", n->L1, n->a1, n->pa1);
	bprintf(b, "\tlet %s = %s - %s * 3\n", n->L2, n->L1, n->b1);
	bprintf(b, "\tlet %s = %s * 0.5 + %s\n", n->L3, n->inp, n->a2);
	snprintf(f, sizeof f, "-%s", n->b1);
	ode(b, n->coef1, n->ptau1, n->b1, f);
	bprintf(b, "\ton tick {\n\t\t%s = %s + %s\n\t\t%s += %s\n\t\t%s = %s + 1\n\t}\n", n->a1,
		n->a1, n->pa1, n->a2, n->pa2, n->cnt, n->cnt);
	bprintf(b, "\tspike when %s > %s\n\treset { %s = 0 }\n\trefractory %s\n", n->cnt, n->pK,
		n->cnt, n->pR);
	bprintf(b, "\tmethod %s\n}\n\n", method_name[n->meth1]);

	bprintf(b, "neuron %s {\n", n->m2);
	bprintf(b, "\tparam %s = %g ms, %s = %g\n", n->ptau2, n->tau2 * 1e3, n->pz, n->cz);
	bprintf(b, "\tstate %s = %g, %s = 0\n", n->u, n->u0, n->z);
	bprintf(b, "\tinput %s, %s\n", n->inp, n->inp2);
	bprintf(b, "\tlet %s = %s * 0.25 + %s\n", n->L4, n->inp, n->u);
	bprintf(b, "\tlet %s = %s * %s - %s\n", n->L5, n->L4, n->L4, n->z);
	snprintf(f, sizeof f, "%s + %s - %s", n->inp, n->inp2, n->u);
	ode(b, n->coef2, n->ptau2, n->u, f);
	bprintf(b, "\ton tick { %s += %s }\n", n->z, n->pz);
	bprintf(b, "\tmethod %s\n}\n\n", method_name[n->meth2]);

	bprintf(b, "synapse %s {\n\tparam %s = %g, %s = %g\n\tstate %s = %g\n", n->s1, n->pw, n->w,
		n->dsw, n->dw, n->sw, n->w0);
	bprintf(b, "\ton pre {\n\t\t%s = %s + %s\n\t\tpost.%s += %s * %s\n\t}\n}\n\n", n->sw,
		n->sw, n->dsw, n->inp, n->pw, n->sw);
	bprintf(b, "synapse %s {\n\tparam %s = %g\n", n->s2, n->pw2, n->w2);
	bprintf(b, "\ton pre {\n\t\tpost.%s += pre.%s * %s\n\t\tpost.%s += 1\n\t}\n}\n\n", n->inp2,
		n->a1, n->pw2, n->z);
}

static void text_network(Buf *b, const Net *n)
{
	bprintf(b, "network %s {\n\tdt = 0.1 ms\n\tseed = 1\n", n->net);
	if (n->single)
		bprintf(b, "\tprecision = single\n");
	bprintf(b, "\tpop %s = spikes(%d, times = [", n->G, NG);
	for (int k = 0; k < NGSTAMP; k++)
		bprintf(b, "%s%.1f ms", k ? ", " : "", gstamp[k] * 0.1);
	bprintf(b, "])\n\tpop %s = %s(%d)\n", n->A, n->m1, NA);
	bprintf(b, "\tpop %s = %s(%d) { %s = %g }\n", n->B, n->m2, NB, n->pz, n->cz2);
	bprintf(b, "\tlet %s = %s[0:1]\n\tlet %s = %s[1:%d]\n", n->SL, n->G, n->SB, n->B, NB);
	bprintf(b, "\tconnect %s -> %s : %s(all_to_all)\n", n->SL, n->SB, n->s1);
	bprintf(b, "\tconnect %s -> %s : %s(all_to_all) as %s\n", n->G, n->B, n->s1, n->c1);
	bprintf(b, "\tconnect %s -> %s : %s(one_to_one) as %s\n", n->A, n->B, n->s2, n->c2);
	bprintf(b, "\tconnect %s -> %s : %s() as %s\n", n->SL, n->A, n->s1, n->c3);
	bprintf(b, "\trecord %s.spikes\n\trecord %s.spikes\n", n->A, n->SL);
	const char *ra[] = { n->a1, n->a2, n->b1, n->cnt, n->inp, n->L1, n->L2, n->L3, n->pa1 };
	for (int k = 0; k < COUNT(ra); k++)
		bprintf(b, "\trecord %s.%s\n", n->A, ra[k]);
	const char *rb[] = { n->u, n->z, n->inp, n->inp2, n->L4, n->L5, n->pz };
	for (int k = 0; k < COUNT(rb); k++)
		bprintf(b, "\trecord %s.%s\n", n->B, rb[k]);
	bprintf(b, "\trecord %s.%s\n\trecord %s.%s\n", n->c1, n->sw, n->c3, n->sw);
	bprintf(b, "\trun %.1f ms\n}\n", NSTEP * 0.1);
}

/* ---- the reference: LANGUAGE.md section 4, step by step, for this network */

/* One step of each scheme on x' = (J - x)/tau: x - J is multiplied by the
 * scheme's stability function at h = -dt/tau (every scheme is affine-invariant). */
static double decay_factor(int meth, double tau)
{
	double h = -DT / tau;
	switch (meth) {
	case EULER: return 1 + h;
	case RK2: return 1 + h + h * h / 2;
	case RK4: return 1 + h + h * h / 2 + h * h * h / 6 + h * h * h * h / 24;
	default: return exp(h);
	}
}

enum { R_A1, R_A2, R_B1, R_CNT, R_AINP, R_L1, R_L2, R_L3, R_PA1,
       R_U, R_Z, R_BINP, R_BINP2, R_L4, R_L5, R_PZ, R_C1SW, R_C3SW, NREC };

typedef struct {
	double v[NREC][NSTEP][NA];      /* NA == NB; params and sw use column 0 */
	int aspk[NSTEP][NA];            /* A's spikes */
} Ref;

static int g_spikes(int n)      /* does G spike in step n? */
{
	for (int k = 0; k < NGSTAMP; k++)
		if (gstamp[k] == n + 1)
			return 1;
	return 0;
}

static void reference(const Net *n, Ref *ref)
{
	double a1[NA], a2[NA], b1[NA], cnt[NA], ain[NA] = { 0 }, ainx[NA] = { 0 };
	double u[NB], z[NB], bin[NB] = { 0 }, binx[NB] = { 0 }, bin2[NB] = { 0 }, bin2x[NB] = { 0 };
	long ref_until[NA];
	double sw4 = n->w0, sw1 = n->w0, sw3 = n->w0;
	double f1 = decay_factor(n->meth1, n->tau1), f2 = decay_factor(n->meth2, n->tau2);
	for (int e = 0; e < NA; e++) {
		a1[e] = n->va1 + n->da1 * e, a2[e] = n->va2, b1[e] = n->b0, cnt[e] = 0;
		ref_until[e] = -1000;
		u[e] = n->u0, z[e] = 0;
	}
	memset(ref, 0, sizeof *ref);
	for (int s = 0; s < NSTEP; s++) {
		int spk[NA] = { 0 }, g = g_spikes(s);
		for (int e = 0; e < NA; e++) {          /* 1. integrate */
			b1[e] *= f1;
			double J = bin[e] + bin2[e];
			u[e] = J + (u[e] - J) * f2;
		}
		for (int e = 0; e < NA; e++) {          /* 2. on tick */
			a1[e] += n->ca1, a2[e] += n->ca2, z[e] += n->cz2;
			if (s > ref_until[e])
				cnt[e] += 1;
		}
		for (int e = 0; e < NA; e++)            /* 3. thresholds */
			if (s > ref_until[e] && cnt[e] > n->K)
				spk[e] = 1, ref_until[e] = s + n->R;
		if (g) {                                /* 4. on pre, in connect order */
			sw4 += n->dw;
			for (int e = 1; e < NB; e++)
				binx[e] += n->w * sw4;
			sw1 += n->dw;
			for (int e = 0; e < NB; e++)
				binx[e] += NG * n->w * sw1;
		}
		for (int e = 0; e < NA; e++)
			if (spk[e])
				bin2x[e] += a1[e] * n->w2, z[e] += 1;
		if (g) {
			sw3 += n->dw;
			for (int e = 0; e < NA; e++)
				ainx[e] += n->w * sw3;
		}
		for (int e = 0; e < NA; e++)            /* 5. reset */
			if (spk[e])
				cnt[e] = 0;
		for (int e = 0; e < NA; e++) {          /* 6. record */
			double L1 = a1[e] * 2 + n->ca1, L4 = bin[e] * 0.25 + u[e];
			const double row[NREC] = {
				a1[e], a2[e], b1[e], cnt[e], ain[e], L1, L1 - b1[e] * 3,
				ain[e] * 0.5 + a2[e], n->ca1, u[e], z[e], bin[e], bin2[e], L4,
				L4 * L4 - z[e], n->cz2, sw1, sw3,
			};
			for (int r = 0; r < NREC; r++)
				ref->v[r][s][e] = row[r];
			ref->aspk[s][e] = spk[e];
		}
		for (int e = 0; e < NA; e++) {          /* inputs move on */
			ain[e] = ainx[e], ainx[e] = 0;
			bin[e] = binx[e], binx[e] = 0;
			bin2[e] = bin2x[e], bin2x[e] = 0;
		}
	}
}

/* ---- comparison with the simulator's files */

/* pop.var.npy against reference row r: cols columns; alike: every column
 * against column 0 (a connection's synapses, which all see the same spikes). */
static void check_values(const char *dir, const char *pop, const char *var, const Ref *ref,
			 int r, int cols, int alike, double tol)
{
	char file[3 * NAMELEN];
	snprintf(file, sizeof file, "%s.%s.npy", pop, var);
	snn_npy_array a;
	e2e_load(dir, "out", file, &a);
	ck_assert_msg(a.shape[0] == NSTEP && a.count == (int64_t)NSTEP * cols,
		      "%s: %lld values, expected %d x %d", file, (long long)a.count, NSTEP, cols);
	for (int s = 0; s < NSTEP; s++)
		for (int c = 0; c < cols; c++) {
			double got = a.data[s * cols + c], want = ref->v[r][s][alike ? 0 : c];
			ck_assert_msg(close_to(got, want, tol),
				      "%s/out/%s[%d][%d] (stamp %d) = %.17g, expected %.17g", dir,
				      file, s, c, s + 1, got, want);
		}
	snn_npy_free(&a);
}

/* Spikes of a population: stamps and indices against the expected list. */
static void check_spikes(const char *dir, const char *pop, int want[][NA], int n)
{
	char ft[3 * NAMELEN], fi[3 * NAMELEN];
	snprintf(ft, sizeof ft, "%s.spikes.t.npy", pop);
	snprintf(fi, sizeof fi, "%s.spikes.i.npy", pop);
	snn_npy_array t, idx;
	e2e_load(dir, "out", ft, &t);
	e2e_load(dir, "out", fi, &idx);
	int k = 0;
	for (int s = 0; s < NSTEP; s++)
		for (int e = 0; e < n; e++) {
			if (!want[s][e])
				continue;
			ck_assert_msg(k < t.count, "%s: only %lld spikes", ft, (long long)t.count);
			ck_assert_msg(fabs(t.data[k] - (s + 1) * DT) < 1e-12 && idx.data[k] == e,
				      "%s: spike %d is (%g, %g), expected (%g, %d)", ft, k, t.data[k],
				      idx.data[k], (s + 1) * DT, e);
			k++;
		}
	ck_assert_msg(t.count == k && idx.count == k, "%s: %lld spikes, expected %d", ft,
		      (long long)t.count, k);
	snn_npy_free(&t);
	snn_npy_free(&idx);
}

static void check_net(const char *dir, const Net *n)
{
	Ref *ref = malloc(sizeof *ref);
	ck_assert_ptr_nonnull(ref);
	reference(n, ref);
	double tol = n->single ? 1e-5 : 1e-12;
	const char *ra[] = { n->a1, n->a2, n->b1, n->cnt, n->inp, n->L1, n->L2, n->L3, n->pa1 };
	for (int r = R_A1; r <= R_PA1; r++)
		check_values(dir, n->A, ra[r - R_A1], ref, r, r == R_PA1 ? 1 : NA, 0, tol);
	const char *rb[] = { n->u, n->z, n->inp, n->inp2, n->L4, n->L5, n->pz };
	for (int r = R_U; r <= R_PZ; r++)
		check_values(dir, n->B, rb[r - R_U], ref, r, r == R_PZ ? 1 : NB, 0, tol);
	/* c1: G x B, all to all, every synapse alike; c3: SL x A */
	check_values(dir, n->c1, n->sw, ref, R_C1SW, NG * NB, 1, tol);
	check_values(dir, n->c3, n->sw, ref, R_C3SW, NA, 1, tol);
	check_spikes(dir, n->A, ref->aspk, NA);
	int sl[NSTEP][NA] = { { 0 } };
	for (int s = 0; s < NSTEP; s++)
		sl[s][0] = g_spikes(s);
	check_spikes(dir, n->SL, sl, 1);
	free(ref);
}

START_TEST(test_naming)
{
	Net n;
	make_net(&n, _i);
	Buf b = { 0 };
	text_models(&b, &n);
	text_network(&b, &n);
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	e2e_write(dir, "names.snn", b.s);
	free(b.s);
	int st = build_status(dir, "names");
	assert_built(dir, "names", st);
	e2e_sim(dir, "names", "out", "");
	check_net(dir, &n);
	e2e_cleanup(dir);
}
END_TEST

/* ---------------------------------------------------------------- fixtures
 *
 * tests/e2e/backend/NAME.snn (or $SNNC_BACKEND_FIXTURES/NAME.snn): a model
 * that must build and run with no arguments, with lines
 *
 *   # expect FILE ROW COL VALUE     out/FILE[ROW][COL] (COL 0 for 1-D) is VALUE
 *   # expect-count FILE N           out/FILE holds N values
 *
 * VALUE to 1e-12 relative.  Each file says in its header what it tests.
 */
typedef struct {
	const char *name;
	int fails_today;          /* fails on the compiler before issue 5 */
} Fixture;

static const Fixture fixtures[] = {
	{ "ref_until", 1 },
	{ "ref_until_input", 1 },
	{ "post_ref_until", 1 },
	{ "n_ge", 1 },
	{ "pre_n_input", 1 },
	{ "let_vs_pop_type", 1 },
	{ "let_vs_kernel", 1 },
	{ "let_vs_let", 1 },
	{ "conn_auto_later", 1 },
	{ "conn_auto_earlier", 1 },
	{ "s_v_rk4", 0 },
	{ "phi_exact", 0 },
	{ "locals_as_names", 0 },
	{ "pop_names", 0 },
};

static const char *fixture_dir(char *buf, size_t len)
{
	const char *d = getenv("SNNC_BACKEND_FIXTURES"), *root = getenv("SNNC_ROOT");
	if (d && *d)
		return d;
	e2e_fmt(buf, len, "%s/tests/e2e/backend", root && *root ? root : ".");
	return buf;
}

static void check_expect_line(const char *dir, const char *line)
{
	char file[256];
	long row, col, count;
	double want;
	snn_npy_array a;
	if (sscanf(line, "# expect-count %255s %ld", file, &count) == 2) {
		e2e_load(dir, "out", file, &a);
		ck_assert_msg(a.count == count, "%s/out/%s: %lld values, expected %ld", dir, file,
			      (long long)a.count, count);
	} else if (sscanf(line, "# expect %255s %ld %ld %lf", file, &row, &col, &want) == 4) {
		e2e_load(dir, "out", file, &a);
		long ncols = a.ndim >= 2 ? (long)a.shape[1] : 1;
		ck_assert_msg(col < ncols && (row + 1) * ncols <= a.count,
			      "%s/out/%s has no [%ld][%ld] (%lld values)", dir, file, row, col,
			      (long long)a.count);
		double got = a.data[row * ncols + col];
		ck_assert_msg(close_to(got, want, 1e-12), "%s/out/%s[%ld][%ld] = %.17g, expected %.17g",
			      dir, file, row, col, got, want);
	} else {
		ck_abort_msg("bad expectation line: %s", line);
	}
	snn_npy_free(&a);
}

START_TEST(test_fixture)
{
	char fdir[E2E_PATH], dir[E2E_PATH];
	const char *name = fixtures[_i].name, *src = fixture_dir(fdir, sizeof fdir);
	char file[E2E_PATH];
	e2e_fmt(file, sizeof file, "%s.snn", name);
	char *text = slurp(src, file, NULL);
	ck_assert_msg(text != NULL, "cannot read %s/%s", src, file);
	e2e_tmpdir(dir, sizeof dir);
	e2e_write(dir, file, text);
	assert_built(dir, name, build_status(dir, name));
	e2e_sim(dir, name, "out", "");
	int n = 0;
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n"))
		if (strncmp(l, "# expect", 8) == 0) {
			check_expect_line(dir, l);
			n++;
		}
	ck_assert_msg(n > 0, "%s: no '# expect' line", file);
	free(text);
	e2e_cleanup(dir);
}
END_TEST

/* Every fixture on disk is in the list above, so none is silently skipped. */
START_TEST(test_fixture_list)
{
	char fdir[E2E_PATH];
	const char *src = fixture_dir(fdir, sizeof fdir);
	DIR *d = opendir(src);
	ck_assert_msg(d != NULL, "cannot open %s", src);
	int seen = 0;
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".snn") != 0)
			continue;
		int found = 0;
		for (int k = 0; k < COUNT(fixtures); k++)
			found |= strlen(fixtures[k].name) == len - 4 &&
				 strncmp(fixtures[k].name, e->d_name, len - 4) == 0;
		ck_assert_msg(found, "%s/%s is not in fixtures[] of test_backend.c", src, e->d_name);
		seen++;
	}
	closedir(d);
	ck_assert_int_eq(seen, COUNT(fixtures));
}
END_TEST

/* ---------------------------------------------------------------- lets
 *
 * L0 = v, L_k = (L_{k-1} + L_{k-1}) * 0.5 + k/8 for k = 1..30: each let
 * reads the previous one twice, so expanding lets where they are read
 * (today) gives 2^30 copies of v.  The value is v + sum k/8; the chain is
 * recomputed here in the same order.
 */
enum { NLET = 30 };

static double let_chain(double v)
{
	double L = v;
	for (int k = 1; k <= NLET; k++)
		L = (L + L) * 0.5 + k * 0.125;
	return L;
}

/* The model: a counter (on tick) or, with tau_ms > 0, dv/dt = -L30 / tau
 * under rk4. */
static char *chain_text(double tau_ms)
{
	Buf b = { 0 };
	bprintf(&b, "neuron Chain {\n\tparam tau = %g ms\n\tstate v = 1 + i\n\tlet L0 = v\n", tau_ms);
	for (int k = 1; k <= NLET; k++)
		bprintf(&b, "\tlet L%d = (L%d + L%d) * 0.5 + %g\n", k, k - 1, k - 1, k * 0.125);
	if (tau_ms > 0)
		bprintf(&b, "\tdv/dt = -L%d / tau\n\tmethod rk4\n", NLET);
	else
		bprintf(&b, "\ton tick { v += 1 }\n");
	bprintf(&b, "}\n\nnetwork Lets {\n\tpop P = Chain(2)\n\trecord P.v\n\trecord P.L%d\n"
		"\trun 1 ms\n}\n", NLET);
	return b.s;
}

/* Build dir/chain.snn with --emit-c: a model.c under 100 KB, which an
 * exponential expansion (2^30 copies of v) cannot give.  Speed is not
 * asserted here (bench/ measures it; a loaded machine would fail a time
 * limit); the timeout only keeps a regression from running for hours. */
static void build_chain(const char *dir, const char *text)
{
	e2e_write(dir, "chain.snn", text);
	int st = e2e_run(dir, "timeout 60 '%s' build chain.snn -o chain --emit-c c > chain.log 2>&1",
			 e2e_snnc());
	ck_assert_msg(st != 124, "snnc build of %d chained lets: killed after 60 s", NLET);
	assert_built(dir, "chain", st);
	char path[E2E_PATH];
	struct stat sb;
	e2e_fmt(path, sizeof path, "%s/c/model.c", dir);
	ck_assert_msg(stat(path, &sb) == 0, "no %s", path);
	ck_assert_msg(sb.st_size < 100 * 1024, "model.c of %d chained lets is %lld bytes", NLET,
		      (long long)sb.st_size);
}

START_TEST(test_let_chain)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	char *text = chain_text(0);
	build_chain(dir, text);
	free(text);
	e2e_sim(dir, "chain", "out", "");
	snn_npy_array L;
	char file[32];
	snprintf(file, sizeof file, "P.L%d.npy", NLET);
	e2e_load(dir, "out", file, &L);
	ck_assert_int_eq(L.count, 20);
	for (int s = 0; s < 10; s++)
		for (int e = 0; e < 2; e++) {
			double want = let_chain(1 + e + s + 1), got = L.data[s * 2 + e];
			ck_assert_msg(close_to(got, want, 1e-12), "L%d[%d][%d] = %.17g, expected %.17g", NLET,
				      s, e, got, want);
		}
	snn_npy_free(&L);
	e2e_cleanup(dir);
}
END_TEST

/* The same chain as the right-hand side of an ODE under rk4: the lets read
 * v, so each stage recomputes them from its own stage value. */
static double rk4_chain_step(double v, double h, double tau)
{
	double k1 = -let_chain(v) / tau;
	double k2 = -let_chain(v + 0.5 * h * k1) / tau;
	double k3 = -let_chain(v + 0.5 * h * k2) / tau;
	double k4 = -let_chain(v + h * k3) / tau;
	return v + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
}

START_TEST(test_let_chain_rk4)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	char *text = chain_text(10);
	build_chain(dir, text);
	free(text);
	e2e_sim(dir, "chain", "out", "");
	snn_npy_array v, L;
	char file[32];
	snprintf(file, sizeof file, "P.L%d.npy", NLET);
	e2e_load(dir, "out", "P.v.npy", &v);
	e2e_load(dir, "out", file, &L);
	ck_assert_int_eq(v.count, 20);
	ck_assert_int_eq(L.count, 20);
	for (int e = 0; e < 2; e++) {
		double x = 1 + e;
		for (int s = 0; s < 10; s++) {
			x = rk4_chain_step(x, DT, 10e-3);
			ck_assert_msg(close_to(v.data[s * 2 + e], x, 1e-12),
				      "v[%d][%d] = %.17g, expected %.17g", s, e, v.data[s * 2 + e], x);
			ck_assert_msg(close_to(L.data[s * 2 + e], let_chain(x), 1e-12),
				      "L%d[%d][%d] = %.17g, expected %.17g", NLET, s, e, L.data[s * 2 + e],
				      let_chain(x));
		}
	}
	snn_npy_free(&v);
	snn_npy_free(&L);
	e2e_cleanup(dir);
}
END_TEST

/* ---------------------------------------------------------------- lines
 *
 * The DWARF line table of the generated C.  lines_model (examples/cuba.snn's
 * structure, plus an input, an on tick and two resets) is emitted with
 * --emit-c and compiled twice with -O0 -g -c: as it is (build a) and with
 * every #line removed (build b).  At -O0 both give the same machine code
 * (checked: same .text bytes), so an address maps to a line of model.c in
 * b and to a line of the .snn (or of model.c) in a.
 *
 * Stores are found in the #line-free text by a loose pattern, so that the
 * C names may change: an identifier containing the variable's name,
 * subscripted, then an assignment operator:
 *
 *     (^|[^A-Za-z0-9_])[A-Za-z0-9_]*VAR[A-Za-z0-9_]*[ \t]*\[.*\][ \t]*[-+*|&/]?=([^=]|$)
 *
 * (x_volt[i] = refr ? s_volt : n_volt;  post_gexc[j] += p_wexc;
 * if (!refr) x_tally[i] += 1.0;  post_n_Iext[j] += ...), for VAR in volt,
 * gexc, ginh, tally, Iext (names chosen not to occur inside other names).
 * Only stores inside a function whose #line directives name a statement
 * (or declaration) that writes the variable are checked; the others (setup
 * code, the swap of input buffers) are not statements of the model.  A
 * function runs from a line at column 0 with a '(' that does not end in
 * ';' or '}' to the next line starting with '}'.
 *
 * Each address of each such store (the rows of b's table for its line) must
 * map, in a, to a line of the .snn that writes that variable and that the
 * same function names in one of its #line directives (so the ODE line in
 * the integration kernel, the reset statement in the reset kernel, the
 * `on pre` line in a synapse's kernel); and every statement that writes a
 * variable (the writers marked "must" below) must be the line of at least
 * one store.  Today the stores of volt, gexc and ginh in the integration
 * kernel map to the lines after the last ODE's: the test fails.
 */
static const char lines_model[] =
	"neuron Lif {\n"
	"\tparam taum = 20 ms, taue = 5 ms, taui = 10 ms\n"
	"\tparam Vt = -50 mV, Vreset = -60 mV, El = -49 mV, zeroc = 0\n"
	"\tstate volt = Vreset, gexc = 0 mV, ginh = 0 mV, tally = 0\n"
	"\tinput Iext : mV\n"
	"\n"
	"\ttaum dvolt/dt = gexc + ginh + Iext - (volt - El)\n"
	"\ttaue dgexc/dt = -gexc\n"
	"\ttaui dginh/dt = -ginh\n"
	"\n"
	"\ton tick {\n"
	"\t\ttally += 1\n"
	"\t}\n"
	"\tspike when volt > Vt\n"
	"\treset {\n"
	"\t\tvolt = Vreset\n"
	"\t\ttally = zeroc\n"
	"\t}\n"
	"\trefractory 5 ms\n"
	"\tmethod exact\n"
	"}\n"
	"\n"
	"synapse Exc {\n"
	"\tparam wexc = 1.62 * mV\n"
	"\ton pre { post.gexc += wexc }\n"
	"}\n"
	"\n"
	"synapse Inh {\n"
	"\tparam winh = -9 * mV\n"
	"\ton pre { post.ginh += winh }\n"
	"}\n"
	"\n"
	"synapse Drive {\n"
	"\tparam wdrive = 0.5 * mV\n"
	"\ton pre { post.Iext += wdrive }\n"
	"}\n"
	"\n"
	"network Lines {\n"
	"\tpop P = Lif(40) { volt = Vreset + rand() * (Vt - Vreset) }\n"
	"\tpop G = poisson(20, rate = 50 Hz)\n"
	"\tlet E = P[0:32]\n"
	"\tlet I = P[32:40]\n"
	"\tconnect E -> P : Exc(p = 0.1)\n"
	"\tconnect I -> P : Inh(p = 0.1)\n"
	"\tconnect G -> P : Drive(p = 0.2)\n"
	"\trecord P.spikes\n"
	"\trun 10 ms\n"
	"}\n";

/* The statements of lines_model that write each variable (by their text,
 * leading tabs dropped); must: some store has to map to it. */
static const struct {
	const char *var, *text;
	int must;
} writers[] = {
	{ "volt", "taum dvolt/dt = gexc + ginh + Iext - (volt - El)", 1 },
	{ "volt", "volt = Vreset", 1 },
	{ "gexc", "taue dgexc/dt = -gexc", 1 },
	{ "gexc", "on pre { post.gexc += wexc }", 1 },
	{ "ginh", "taui dginh/dt = -ginh", 1 },
	{ "ginh", "on pre { post.ginh += winh }", 1 },
	{ "tally", "tally += 1", 1 },
	{ "tally", "tally = zeroc", 1 },
	{ "Iext", "on pre { post.Iext += wdrive }", 1 },
	{ "volt", "state volt = Vreset, gexc = 0 mV, ginh = 0 mV, tally = 0", 0 },
	{ "gexc", "state volt = Vreset, gexc = 0 mV, ginh = 0 mV, tally = 0", 0 },
	{ "ginh", "state volt = Vreset, gexc = 0 mV, ginh = 0 mV, tally = 0", 0 },
	{ "tally", "state volt = Vreset, gexc = 0 mV, ginh = 0 mV, tally = 0", 0 },
	{ "volt", "pop P = Lif(40) { volt = Vreset + rand() * (Vt - Vreset) }", 0 },
};
static const char *const stored_vars[] = { "volt", "gexc", "ginh", "tally", "Iext" };

/* 1-based line of lines_model whose text (without leading tabs) is s. */
static long model_line(const char *s)
{
	long line = 1;
	for (const char *p = lines_model; *p; line++) {
		const char *q = p;
		while (*q == '\t')
			q++;
		size_t len = strcspn(q, "\n");
		if (len == strlen(s) && strncmp(q, s, len) == 0)
			return line;
		p = q + len + (q[len] == '\n');
	}
	ck_abort_msg("no line '%s' in lines_model", s);
	return 0;
}

typedef struct {
	char file[64];
	long line;
	unsigned long addr;
} Row;

typedef struct {
	Row *r;
	int n, cap;
} Rows;

/* The decoded line table of dir/obj (objdump --dwarf=decodedline): rows
 * "FILE LINE ADDRESS ..."; headers and end-of-sequence rows do not parse. */
static void read_rows(const char *dir, const char *obj, Rows *t)
{
	ck_assert_int_eq(e2e_run(dir, "objdump --dwarf=decodedline %s > %s.lines", obj, obj), 0);
	char name[E2E_PATH];
	e2e_fmt(name, sizeof name, "%s.lines", obj);
	char *text = slurp(dir, name, NULL);
	ck_assert_ptr_nonnull(text);
	memset(t, 0, sizeof *t);
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
		Row r;
		char line[32], addr[32];
		if (sscanf(l, "%63s %31s %31s", r.file, line, addr) != 3)
			continue;
		char *e1, *e2;
		r.line = strtol(line, &e1, 10);
		r.addr = strtoul(addr, &e2, 16);
		if (*e1 || *e2 || !isdigit((unsigned char)line[0]) || !isdigit((unsigned char)addr[0]))
			continue;
		if (t->n == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 256;
			t->r = realloc(t->r, (size_t)t->cap * sizeof *t->r);
			ck_assert_ptr_nonnull(t->r);
		}
		t->r[t->n++] = r;
	}
	free(text);
	ck_assert_msg(t->n > 0, "no rows in %s/%s.lines", dir, obj);
}

/* The row of t in force at address x: the last row with the greatest
 * address <= x; NULL if none. */
static const Row *covering(const Rows *t, unsigned long x)
{
	const Row *best = NULL;
	for (int k = 0; k < t->n; k++)
		if (t->r[k].addr <= x && (!best || t->r[k].addr >= best->addr))
			best = &t->r[k];
	return best;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* A line of the emitted model.c: its text, its line number in the copy
 * without #line, the kernel (function) it belongs to. */
typedef struct {
	const char *text;
	long sline;
	int fn;            /* function index, -1 outside functions */
} CLine;

enum { MAXFN = 256, MAXF = 64 };

typedef struct {
	CLine *l;
	int n;
	long snn[MAXFN][MAXF];   /* the .snn lines each function's #line directives name */
	int nsnn[MAXFN];
} CText;

static int is_fn_start(const char *l)
{
	size_t len = strlen(l);
	while (len && (l[len - 1] == ' ' || l[len - 1] == '\t'))
		len--;
	return len && strchr(l, '(') && l[0] != '#' && l[0] != '}' && l[0] != ' ' &&
	       l[0] != '\t' && l[0] != '/' && l[0] != '*' && l[len - 1] != ';' && l[len - 1] != '}';
}

/* Split text (modified) into lines and functions. */
static void scan_c(char *text, CText *c)
{
	int cap = 1024, fn = -1, nfn = 0;
	long sline = 0;
	memset(c, 0, sizeof *c);
	c->l = malloc((size_t)cap * sizeof *c->l);
	for (char *p = text; *p;) {
		char *e = strchr(p, '\n');
		if (e)
			*e = 0;
		if (c->n == cap)
			c->l = realloc(c->l, (size_t)(cap *= 2) * sizeof *c->l);
		ck_assert_ptr_nonnull(c->l);
		long n;
		char file[E2E_PATH];
		int directive = strncmp(p, "#line", 5) == 0;
		if (!directive && fn < 0 && is_fn_start(p)) {
			ck_assert(nfn < MAXFN);
			fn = nfn++;
		}
		if (directive && fn >= 0 && sscanf(p, "#line %ld \"%511[^\"]\"", &n, file) == 2 &&
		    ends_with(file, ".snn") && c->nsnn[fn] < MAXF)
			c->snn[fn][c->nsnn[fn]++] = n;
		if (!directive)
			sline++;
		c->l[c->n++] = (CLine){ p, directive ? 0 : sline, directive ? -1 : fn };
		if (p[0] == '}')
			fn = -1;
		if (!e)
			break;
		p = e + 1;
	}
}

/* May a store of var in function fn map to .snn line L: a line that writes
 * var and that one of fn's #line directives names?  L = 0: does fn name
 * any line that writes var? */
static int allowed_line(const CText *c, int fn, const char *var, long L)
{
	for (int w = 0; w < COUNT(writers); w++) {
		long wl = model_line(writers[w].text);
		if (strcmp(writers[w].var, var) != 0 || (L && wl != L))
			continue;
		for (int k = 0; k < c->nsnn[fn]; k++)
			if (c->snn[fn][k] == wl)
				return 1;
	}
	return 0;
}

/* The stores to var (indices into c->l) in the functions that name a
 * statement writing var in their #line directives. */
static int find_stores(const CText *c, const char *var, int *out, int max)
{
	char pat[256];
	regex_t re;
	snprintf(pat, sizeof pat,
		 "(^|[^A-Za-z0-9_])[A-Za-z0-9_]*%s[A-Za-z0-9_]*[ \t]*\\[.*\\][ \t]*[-+*|&/]?=([^=]|$)",
		 var);
	ck_assert_int_eq(regcomp(&re, pat, REG_EXTENDED | REG_NOSUB), 0);
	int n = 0;
	for (int k = 0; k < c->n; k++) {
		const CLine *l = &c->l[k];
		if (l->fn < 0 || !allowed_line(c, l->fn, var, 0) ||
		    regexec(&re, l->text, 0, NULL, 0) != 0)
			continue;
		ck_assert(n < max);
		out[n++] = k;
	}
	regfree(&re);
	return n;
}

/* Check every address of the store on c->l[k] (of var); mark the writers hit. */
static void check_store(const CText *c, int k, const char *var, const Rows *a, const Rows *b,
			int *hit)
{
	const CLine *l = &c->l[k];
	int naddr = 0;
	for (int r = 0; r < b->n; r++) {
		if (b->r[r].line != l->sline || !ends_with(b->r[r].file, "model.c"))
			continue;
		naddr++;
		const Row *m = covering(a, b->r[r].addr);
		ck_assert_msg(m && ends_with(m->file, ".snn") && allowed_line(c, l->fn, var, m->line),
			      "the store '%s' (model.c without #line, line %ld; address 0x%lx) maps to "
			      "%s:%ld, not to a statement that writes %s", l->text, l->sline,
			      b->r[r].addr, m ? m->file : "nothing", m ? m->line : 0L, var);
		for (int w = 0; w < COUNT(writers); w++)
			if (strcmp(writers[w].var, var) == 0 && model_line(writers[w].text) == m->line)
				hit[w] = 1;
	}
	ck_assert_msg(naddr > 0, "the store '%s' (line %ld) has no address", l->text, l->sline);
}

/* The include directory of the runtime: include/snnc beside the bin/ of
 * $SNNC (the installed layout), else under $SNNC_ROOT. */
static void runtime_include(char *buf, size_t len)
{
	char snnc[E2E_PATH];
	e2e_fmt(snnc, sizeof snnc, "%s", e2e_snnc());
	char *slash = strrchr(snnc, '/');
	if (slash) {
		*slash = 0;
		slash = strrchr(snnc, '/');
	}
	if (slash) {
		*slash = 0;
		e2e_fmt(buf, len, "%s/include/snnc", snnc);
		struct stat sb;
		if (stat(buf, &sb) == 0)
			return;
	}
	const char *root = getenv("SNNC_ROOT");
	e2e_fmt(buf, len, "%s/include/snnc", root && *root ? root : ".");
}

START_TEST(test_line_table)
{
	char dir[E2E_PATH], inc[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	runtime_include(inc, sizeof inc);
	e2e_write(dir, "lines.snn", lines_model);
	ck_assert_int_eq(e2e_run(dir, "'%s' build lines.snn -o lines --emit-c a > build.log 2>&1",
				 e2e_snnc()), 0);
	ck_assert_int_eq(e2e_run(dir, "mkdir b && sed '/^#line/d' a/model.c > b/model.c"), 0);
	for (const char *d = "a"; d; d = *d == 'a' ? "b" : NULL)
		ck_assert_msg(e2e_run(dir, "cd %s && cc -std=c11 -O0 -g -c -I'%s' model.c -o model.o "
				      "&& objcopy -O binary --only-section=.text model.o text.bin",
				      d, inc) == 0, "cc -O0 -g -c %s/%s/model.c failed", dir, d);
	ck_assert_msg(e2e_run(dir, "cmp -s a/text.bin b/text.bin") == 0,
		      "%s: removing #line changed the machine code at -O0", dir);
	Rows a, b;
	read_rows(dir, "a/model.o", &a);
	read_rows(dir, "b/model.o", &b);
	char *text = slurp(dir, "a/model.c", NULL);
	ck_assert_ptr_nonnull(text);
	CText c;
	scan_c(text, &c);
	int hit[COUNT(writers)] = { 0 }, stores[256];
	for (int v = 0; v < COUNT(stored_vars); v++) {
		int n = find_stores(&c, stored_vars[v], stores, COUNT(stores));
		for (int k = 0; k < n; k++)
			check_store(&c, stores[k], stored_vars[v], &a, &b, hit);
	}
	for (int w = 0; w < COUNT(writers); w++)
		ck_assert_msg(hit[w] || !writers[w].must,
			      "no store of %s maps to line %ld of lines.snn (%s)", writers[w].var,
			      model_line(writers[w].text), writers[w].text);
	free(c.l);
	free(text);
	free(a.r);
	free(b.r);
	e2e_cleanup(dir);
}
END_TEST

Suite *suite_backend(void)
{
	Suite *s = suite_create("backend");
	TCase *tc = tcase_create("naming");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_naming, 0, NNET);
	suite_add_tcase(s, tc);
	tc = tcase_create("fixtures");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_fixture_list);
	tcase_add_loop_test(tc, test_fixture, 0, COUNT(fixtures));
	suite_add_tcase(s, tc);
	tc = tcase_create("lets");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_let_chain);
	tcase_add_test(tc, test_let_chain_rk4);
	suite_add_tcase(s, tc);
	tc = tcase_create("lines");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_line_table);
	suite_add_tcase(s, tc);
	return s;
}
