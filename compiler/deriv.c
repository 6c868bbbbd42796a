/*
 * deriv.c — symbolic algebra on resolved expressions: derivatives (for
 * grad() and for the Jacobians of the affine integrators), let expansion,
 * dependency queries and a small simplifier.
 *
 * deriv(e, x) sees through lets: an EX_NAME of a let is differentiated
 * through its expression.  It does not see through a let read as pre.X or
 * post.X: that expression lives in the neuron, and a synapse variable
 * cannot occur in it (such a member's derivative is 1 if it is x, else 0).
 * sum(E) differentiates to E' (grad(sum(f), x) is f' per element).
 *
 * Every node built here is a well-formed resolved node: calls carry their
 * FnId in `builtin`, names their Var; new nodes copy the location of the
 * node they come from and have has_dim = false, except constants folded by
 * simplify(), which keep the dimension of what they replace.  simplify()
 * never folds to a value that is not finite and never folds a division by
 * zero or a non-finite constant away (0/0 stays 0/0, 0 * (1/0) stays).  Subtrees of
 * the input are copied, never shared, so simplify() may rewrite the result
 * in place.
 */
#include <math.h>

#include "snnc.h"

static Expr *d(const Expr *e, const Var *x);
static bool let_reads(Var *let, const Var *x);

/* ---- builders */

static Expr *num(Loc l, double v)
{
	return new_num(l, v);
}

static Expr *bin(Loc l, int op, Expr *a, Expr *b)
{
	return new_binary(l, op, a, b);
}

static Expr *neg(Loc l, Expr *a)
{
	return new_unary(l, OP_NEG, a);
}

static Expr *call(Loc l, FnId f, Expr *a)
{
	Vec *args = vec_new();
	vec_push(args, a);
	Expr *e = new_call(l, fn_table[f].name, args);
	e->builtin = f;
	return e;
}

static Expr *cp(const Expr *e)
{
	return expr_copy(e);
}

static Expr *arg(const Expr *e, int k)
{
	return e->args->items[k];
}

static bool is_let(const Var *v)
{
	return v && v->kind == VK_LET && v->decl && v->decl->init;
}

/* The built-in dt, for derivatives of `dX/dt` read as a name over dt. */
static Expr *dt_name(Loc l)
{
	static Var dt = {.name = "dt", .kind = VK_BUILTIN, .builtin = BI_DT,
			 .dim_known = true, .dim = {{[SNN_S] = 1}}};
	Expr *e = new_name(l, "dt");
	e->var = &dt;
	e->builtin = BI_DT;
	return e;
}

/* ---- derivatives (unsimplified) */

/* d(a^b): b a^(b-1) a' if b does not depend on x, else a^b (b' log a + b a'/a). */
static Expr *d_pow(Loc l, const Expr *a, const Expr *b, const Var *x)
{
	Expr *da = d(a, x);
	if (!depends_on(b, x)) {
		Expr *p = bin(l, '^', cp(a), bin(l, '-', cp(b), num(l, 1)));
		return bin(l, '*', bin(l, '*', cp(b), p), da);
	}
	Expr *ab = bin(l, '^', cp(a), cp(b));
	Expr *t1 = bin(l, '*', d(b, x), call(l, FN_LOG, cp(a)));
	Expr *t2 = bin(l, '/', bin(l, '*', cp(b), da), cp(a));
	return bin(l, '*', ab, bin(l, '+', t1, t2));
}

static Expr *d_binary(const Expr *e, const Var *x)
{
	Loc l = e->loc;
	const Expr *a = e->a, *b = e->b;
	switch (e->op) {
	case OP_ADD: case OP_SUB:
		return bin(l, e->op, d(a, x), d(b, x));
	case OP_MUL:
		return bin(l, '+', bin(l, '*', d(a, x), cp(b)), bin(l, '*', cp(a), d(b, x)));
	case OP_DIV: {
		Expr *q = bin(l, '/', bin(l, '*', cp(a), d(b, x)), bin(l, '*', cp(b), cp(b)));
		return bin(l, '-', bin(l, '/', d(a, x), cp(b)), q);
	}
	case OP_POW:
		return d_pow(l, a, b, x);
	default:                    /* comparisons, and, or */
		return num(l, 0);
	}
}

/* min, max, clip: the derivative of the branch the function picks. */
static Expr *d_select(const Expr *e, const Var *x)
{
	Loc l = e->loc;
	const Expr *a = arg(e, 0), *b = arg(e, 1);
	switch (e->builtin) {
	case FN_MIN:
		return new_cond(l, bin(l, '<', cp(a), cp(b)), d(a, x), d(b, x));
	case FN_MAX:
		return new_cond(l, bin(l, '>', cp(a), cp(b)), d(a, x), d(b, x));
	default: {                  /* clip(x, lo, hi) = min(max(x, lo), hi) */
		const Expr *hi = arg(e, 2);
		Expr *inner = new_cond(l, bin(l, '>', cp(a), cp(hi)), d(hi, x), d(a, x));
		return new_cond(l, bin(l, '<', cp(a), cp(b)), d(b, x), inner);
	}
	}
}

/* f'(u) of the one-argument functions whose row says DV_CHAIN.  No
 * default: a new DV_CHAIN row without its case here is a -Wswitch error. */
static Expr *chain_rule(Loc l, FnId f, const Expr *u)
{
	switch (f) {
	case FN_EXP: return call(l, FN_EXP, cp(u));
	case FN_LOG: return bin(l, '/', num(l, 1), cp(u));
	case FN_SQRT: return bin(l, '/', num(l, 1), bin(l, '*', num(l, 2), call(l, FN_SQRT, cp(u))));
	case FN_SIN: return call(l, FN_COS, cp(u));
	case FN_COS: return neg(l, call(l, FN_SIN, cp(u)));
	case FN_TANH:
		return bin(l, '-', num(l, 1), bin(l, '*', call(l, FN_TANH, cp(u)), call(l, FN_TANH, cp(u))));
	case FN_SIGMOID:
		return bin(l, '*', call(l, FN_SIGMOID, cp(u)),
			   bin(l, '-', num(l, 1), call(l, FN_SIGMOID, cp(u))));
	case FN_ABS: return call(l, FN_SIGN, cp(u));
	case FN_RELU: return call(l, FN_HEAVISIDE, cp(u));
	case FN_SIGN: case FN_MIN: case FN_MAX: case FN_CLIP: case FN_POW: case FN_HEAVISIDE:
	case FN_FLOOR: case FN_RAND: case FN_RANDN: case FN_SUM: case FN_GRAD: case FN_NONE:
	case FN_COUNT:
		break;
	}
	die("deriv: '%s' is marked DV_CHAIN in builtins.def but has no chain rule", fn_table[f].name);
}

/* The derivative of a call, by the DERIV column of builtins.def; every
 * rule is a case (no default). */
static Expr *d_call(const Expr *e, const Var *x)
{
	if (e->builtin <= FN_NONE || e->builtin >= FN_COUNT)
		die("deriv: call of '%s' is not resolved to a built-in", e->name);
	FnId f = (FnId)e->builtin;
	switch (fn_table[f].deriv) {
	case DV_CHAIN:
		return bin(e->loc, '*', chain_rule(e->loc, f, arg(e, 0)), d(arg(e, 0), x));
	case DV_FLAT:
	case DV_RANDOM:
		return num(e->loc, 0);
	case DV_SELECT:
		return d_select(e, x);
	case DV_POW:
		return d_pow(e->loc, arg(e, 0), arg(e, 1), x);
	case DV_SUM:
		return d(arg(e, 0), x);
	case DV_GRAD: {
		const Var *y = arg(e, 1)->var;
		return y ? d(deriv(arg(e, 0), y), x) : num(e->loc, 0);
	}
	}
	die("deriv: no rule for '%s'", fn_table[f].name);
}

/* d(v): 1 for x itself, through a let's expression, else 0. */
static Expr *d_var(Loc l, const Var *v, const Var *x, bool through_let)
{
	if (v && v == x)
		return num(l, 1);
	if (through_let && is_let(v))
		return let_reads((Var *)v, x) ? d(v->decl->init, x) : num(l, 0);
	return num(l, 0);
}

static Expr *d(const Expr *e, const Var *x)
{
	static int depth;
	if (++depth > 10000)
		die("deriv: expression too deep (a let that depends on itself?)");
	Expr *r;
	switch (e->kind) {
	case EX_NAME: r = d_var(e->loc, e->var, x, true); break;
	case EX_MEMBER: r = d_var(e->loc, e->var, x, false); break;
	case EX_DERIV:              /* dX/dt is the name dX over dt */
		r = bin(e->loc, '/', d_var(e->loc, e->var, x, true), dt_name(e->loc));
		break;
	case EX_UNARY:
		if (e->op == '-' || e->op == OP_NEG)
			r = neg(e->loc, d(e->a, x));
		else if (e->op == '+' || e->op == OP_PLUS)
			r = d(e->a, x);
		else
			r = num(e->loc, 0);
		break;
	case EX_BINARY: r = d_binary(e, x); break;
	case EX_COND: r = new_cond(e->loc, cp(e->a), d(e->b, x), d(e->c, x)); break;
	case EX_CALL: r = d_call(e, x); break;
	default: r = num(e->loc, 0); break;  /* numbers, quantities */
	}
	depth--;
	return r;
}

Expr *deriv(const Expr *e, const Var *x)
{
	return simplify(d(e, x));
}

/* ---- simplification */

bool is_zero(const Expr *e)
{
	return e && e->kind == EX_NUM && e->num == 0;
}

static bool is_num(const Expr *e, double v)
{
	return e && e->kind == EX_NUM && e->num == v;
}

static bool all_num(const Expr *e)
{
	switch (e->kind) {
	case EX_UNARY: return e->a->kind == EX_NUM;
	case EX_BINARY: return e->a->kind == EX_NUM && e->b->kind == EX_NUM;
	case EX_CALL:
		if (e->builtin == FN_RAND || e->builtin == FN_RANDN || !e->args || e->args->n == 0)
			return false;
		VEC_EACH(Expr *, a, e->args)
			if (a->kind != EX_NUM)
				return false;
		return true;
	case EX_QTY:
		return true;
	case EX_NAME:
		return e->var && e->var->kind == VK_UNIT;
	default:
		return false;
	}
}

/* A constant subtree of numbers as one EX_NUM (SI value, its dimension);
 * NULL if e is not one or its value is not finite. */
static Expr *fold(Expr *e)
{
	double v;
	Dim dim;
	if (!all_num(e) || !const_eval(e, &v, &dim) || !isfinite(v))
		return NULL;
	Expr *n = new_num(e->loc, v);
	n->dim = dim;
	n->has_dim = true;
	return n;
}

/* Does e hold a constant that is not finite (1/0, 0/0, log(0)): what fold()
 * left unfolded?  Such a subtree is never folded away (0 * (1/0) is NaN,
 * not 0): the value stays where the model wrote it. */
static bool has_nonfinite(const Expr *e)
{
	if (!e)
		return false;
	double v;
	Dim dim;
	if (all_num(e) && (!const_eval(e, &v, &dim) || !isfinite(v)))
		return true;
	if (has_nonfinite(e->a) || has_nonfinite(e->b) || has_nonfinite(e->c))
		return true;
	VEC_EACH(const Expr *, x, e->args)
		if (has_nonfinite(x))
			return true;
	return false;
}

static bool is_const_zero(const Expr *e)
{
	double v;
	Dim dim;
	return is_zero(e) || (all_num(e) && const_eval(e, &v, &dim) && v == 0);
}

static Expr *simp_unary(Expr *e)
{
	Expr *a = e->a;
	if (e->op == '+' || e->op == OP_PLUS)
		return a;
	if ((e->op == '-' || e->op == OP_NEG) && a->kind == EX_UNARY && (a->op == '-' || a->op == OP_NEG))
		return a->a;
	return e;
}

static Expr *simp_binary(Expr *e)
{
	Expr *a = e->a, *b = e->b;
	switch (e->op) {
	case OP_ADD:
		return is_zero(a) ? b : is_zero(b) ? a : e;
	case OP_SUB:
		if (is_zero(b))
			return a;
		return is_zero(a) ? simp_unary(neg(e->loc, b)) : e;
	case OP_MUL:
		if ((is_zero(a) || is_zero(b)) && !has_nonfinite(a) && !has_nonfinite(b))
			return num(e->loc, 0);
		return is_num(a, 1) ? b : is_num(b, 1) ? a : e;
	case OP_DIV:
		/* 0/x is 0, but not 0/0: a division by zero stays */
		if (is_zero(a) && !is_const_zero(b) && !has_nonfinite(b))
			return num(e->loc, 0);
		return is_num(b, 1) ? a : e;
	case OP_POW:
		if (is_zero(b))
			return num(e->loc, 1);
		return is_num(b, 1) ? a : e;
	default:
		return e;
	}
}

static Expr *simp_cond(Expr *e)
{
	if (e->a->kind == EX_NUM)
		return e->a->num != 0 ? e->b : e->c;
	if (e->b->kind == EX_NUM && e->c->kind == EX_NUM && e->b->num == e->c->num)
		return e->b;
	return e;
}

Expr *simplify(Expr *e)
{
	if (!e)
		return e;
	switch (e->kind) {
	case EX_UNARY:
		e->a = simplify(e->a);
		break;
	case EX_BINARY:
		e->a = simplify(e->a);
		e->b = simplify(e->b);
		break;
	case EX_COND:
		e->a = simplify(e->a);
		e->b = simplify(e->b);
		e->c = simplify(e->c);
		return simp_cond(e);
	case EX_CALL:
		for (int k = 0; e->args && k < e->args->n; k++)
			e->args->items[k] = simplify(e->args->items[k]);
		break;
	default:
		break;
	}
	Expr *f = fold(e);
	if (f)
		return f;
	if (e->kind == EX_UNARY)
		return simp_unary(e);
	if (e->kind == EX_BINARY)
		return simp_binary(e);
	return e;
}

/* ---- lets and dependencies
 *
 * A let's dependencies are computed once (Var.deps: every variable read
 * through it, lets included) so that queries cost the size of the
 * expression asked about, not of its let chain unrolled: a chain of lets
 * that each read the previous one twice is linear here. */

static unsigned epoch;

static void let_deps(Var *let);

static bool draws(const Expr *e)
{
	return e->kind == EX_CALL && e->builtin > FN_NONE && e->builtin < FN_COUNT &&
	       fn_table[e->builtin].elem == EL_DRAW;
}

/* Pass 1: the deps of every let read by e, before the caller marks its own. */
static bool child_deps(const Expr *e, void *arg)
{
	(void)arg;
	if (e->var && is_let(e->var))
		let_deps(e->var);
	return false;
}

static void add_dep(Var *let, Var *v)
{
	if (v->mark != epoch) {
		v->mark = epoch;
		vec_push(let->deps, v);
	}
}

/* Pass 2: e's variables and its lets' deps into let->deps (marks: epoch). */
static bool gather(const Expr *e, void *arg)
{
	Var *let = arg;
	if (draws(e))
		let->deps_random = true;
	if (e->var) {
		add_dep(let, e->var);
		if (is_let(e->var)) {
			VEC_EACH(Var *, v, e->var->deps)
				add_dep(let, v);
			let->deps_random = let->deps_random || e->var->deps_random;
		}
	}
	return false;
}

static void let_deps(Var *let)
{
	if (let->deps)
		return;
	let->deps = vec_new();        /* also stops a (rejected) cycle */
	expr_any(let->decl->init, child_deps, NULL);
	epoch++;
	expr_any(let->decl->init, gather, let);
}

static bool let_reads(Var *let, const Var *x)
{
	let_deps(let);
	VEC_EACH(Var *, v, let->deps)
		if (v == x)
			return true;
	return false;
}

Vec *let_dependencies(Var *let)
{
	let_deps(let);
	return let->deps;
}

/* Does any variable read by e (through lets, also those read as pre.X or
 * post.X) satisfy pred? */
typedef struct VarPred {
	bool (*pred)(const Var *, const void *);
	const void *arg;
} VarPred;

static bool node_var(const Expr *e, void *arg)
{
	const VarPred *p = arg;
	if (!e->var)
		return false;
	if (p->pred(e->var, p->arg))
		return true;
	if (is_let(e->var)) {
		let_deps(e->var);
		VEC_EACH(Var *, v, e->var->deps)
			if (p->pred(v, p->arg))
				return true;
	}
	return false;
}

static bool any_var(const Expr *e, bool (*pred)(const Var *, const void *), const void *arg)
{
	return expr_any(e, node_var, &(VarPred){ pred, arg });
}

static bool is_var(const Var *v, const void *x)
{
	return v == x;
}

static bool is_kind(const Var *v, const void *k)
{
	return v->kind == *(const VarKind *)k;
}

static bool is_builtin(const Var *v, const void *b)
{
	return v->kind == VK_BUILTIN && v->builtin == *(const Builtin *)b;
}

bool depends_on(const Expr *e, const Var *x)
{
	return any_var(e, is_var, x);
}

bool depends_on_kind(const Expr *e, VarKind k)
{
	return any_var(e, is_kind, &k);
}

bool reads_builtin(const Expr *e, Builtin b)
{
	return any_var(e, is_builtin, &b);
}

static bool node_draws(const Expr *e, void *arg)
{
	(void)arg;
	if (draws(e))
		return true;
	if (e->var && is_let(e->var)) {
		let_deps(e->var);
		return e->var->deps_random;
	}
	return false;
}

bool reads_random(const Expr *e)
{
	return expr_any(e, node_draws, NULL);
}

/* A copy of e with the lets that `expand` selects replaced by their
 * expressions (recursively); the others stay names. */
static Expr *expand_if(const Expr *e, bool (*expand)(Var *, const void *), const void *arg)
{
	if (!e)
		return NULL;
	if (e->kind == EX_NAME && is_let(e->var) && expand(e->var, arg))
		return expand_if(e->var->decl->init, expand, arg);
	Expr *c = arena_alloc(sizeof *c);
	*c = *e;
	c->a = expand_if(e->a, expand, arg);
	c->b = expand_if(e->b, expand, arg);
	c->c = expand_if(e->c, expand, arg);
	if (e->args) {
		c->args = vec_new();
		VEC_EACH(Expr *, a, e->args)
			vec_push(c->args, expand_if(a, expand, arg));
	}
	return c;
}

static bool always(Var *let, const void *arg)
{
	(void)let, (void)arg;
	return true;
}

Expr *expand_lets(Expr *e)
{
	return expand_if(e, always, NULL);
}

/* Lets that read any of the vars in `vars` (a Vec of Var*). */
static bool reads_any(Var *let, const void *vars)
{
	VEC_EACH(Var *, x, (const Vec *)vars)
		if (let_reads(let, x))
			return true;
	return false;
}

Expr *expand_lets_reading(const Expr *e, const Vec *vars)
{
	return expand_if(e, reads_any, vars);
}

/* The number of nodes of e once the lets that read one of `vars` are
 * expanded (what expand_lets_reading would build), saturating at 1e18;
 * memoised per let for one `vars` (Var.size_epoch). */
static unsigned size_epoch;

static double sel_size(const Expr *e, const Vec *vars)
{
	if (!e)
		return 0;
	double n = 1;
	if (e->kind == EX_NAME && is_let(e->var) && reads_any(e->var, vars)) {
		Var *v = e->var;
		if (v->size_epoch != size_epoch) {
			v->size_epoch = size_epoch;
			v->size_memo = 1e18;      /* a (rejected) cycle stays huge */
			v->size_memo = sel_size(v->decl->init, vars);
		}
		return v->size_memo;
	}
	n += sel_size(e->a, vars) + sel_size(e->b, vars) + sel_size(e->c, vars);
	VEC_EACH(Expr *, a, e->args)
		n += sel_size(a, vars);
	return n < 1e18 ? n : 1e18;
}

double expanded_size(const Expr *e, const Vec *vars)
{
	size_epoch++;
	return sel_size(e, vars);
}
