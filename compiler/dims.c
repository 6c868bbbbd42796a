/*
 * dims.c — dimension inference and checks (LANGUAGE.md §2).
 *
 * Runs on the resolved IR.  Every visited Expr gets dim/has_dim and every
 * Var dim/dim_known.  A variable's dimension is inferred lazily and
 * memoised (a state's initial value may name a param declared later): from
 * its annotation if any, else from its initial value, else dimensionless;
 * a let's from its expression.  A cycle among lets is an error at the let.
 *
 * After an error the offending node's dimension is "unknown" (a poisoned
 * value, has_dim = false) and every check that meets an unknown dimension
 * passes silently, so one mistake gives one message.  Only a reported
 * error makes it: an exponent that is NaN or huge, or a product whose
 * exponents leave [-DIM_MAX_EXP, DIM_MAX_EXP], is itself an error.
 * Constant times (delay, refractory) are checked as doubles: finite, not
 * negative, a number of steps of dt that fits (time_steps).  The same
 * message at the same place is printed once (a synapse template and its
 * instances share source locations).
 *
 * Addition to the contract: a literal zero (`0`, possibly under unary
 * minus or plus) is compatible with any dimension wherever equal
 * dimensions are required (`v = 0`, `x > 0`, `max(x, 0)`, `dv/dt = 0`,
 * `state v : mV = 0`): it takes the other side's dimension.
 *
 * const_eval() at the end evaluates literal expressions (numbers,
 * quantities, unit names, pure built-ins) on resolved or raw parsed trees.
 */
#include <math.h>
#include <string.h>

#include "snnc.h"

static Map *reports;   /* "file:line:col:message" already printed */
static Vec *visiting;  /* Var* whose dimension is being inferred */
static bool failed;

static Dim infer(Expr *e);

/* ---- unknown dimensions and errors */

/* The "unknown, already reported" dimension is a dedicated poisoned value,
 * not NaN: a NaN exponent (from `x^(0/0)`) is a mistake to report, and the
 * runtime's comparison would take NaN as equal to everything.  The marker
 * lies far outside the exponents check() lets through, and arithmetic never
 * meets it (every operation tests is_unknown first). */
#define POISON 0x1p1000

static Dim unknown(void)
{
	Dim d;
	for (int k = 0; k < SNN_NDIM; k++)
		d.e[k] = POISON;
	return d;
}

static bool is_unknown(Dim d)
{
	return d.e[0] == POISON;
}

static bool is_one(Dim d)
{
	return snn_dim_is_one(d);
}

/* A dimension as the messages name it: "dimensionless" for 1. */
static const char *dname(Dim d)
{
	return is_one(d) ? "dimensionless" : dim_str(d);
}

/* Report once; true if this call printed it. */
__attribute__((format(printf, 2, 3)))
static bool dim_error(Loc loc, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	char *key = arena_printf("%s:%d:%d:%s", loc.file ? loc.file->path : "",
				 loc.first_line, loc.first_column, msg);
	if (map_get(reports, key))
		return false;
	map_put(reports, key, key);
	failed = true;
	error_at(loc, "%s", msg);
	return true;
}

static bool is_neg(int op)
{
	return op == '-' || op == OP_NEG;
}

static bool is_plus(int op)
{
	return op == '+' || op == OP_PLUS;
}

/* `0`, `-0`, `+0` as written (not `0 mV`). */
static bool lit_zero(const Expr *e)
{
	while (e && e->kind == EX_UNARY && (is_neg(e->op) || is_plus(e->op)))
		e = e->a;
	return e && e->kind == EX_NUM && e->num == 0;
}

static Dim set(Expr *e, Dim d)
{
	e->dim = d;
	e->has_dim = !is_unknown(d);
	return d;
}

/* A literal zero takes dimension d (down through its signs). */
static void set_zero(Expr *e, Dim d)
{
	for (; e; e = e->kind == EX_UNARY ? e->a : NULL)
		set(e, d);
}

/* The common dimension of two operands that must agree (a may be NULL for
 * a dimension that comes from no expression); unknown after an error, which
 * reads "dimensions differ: LEFT is da, RIGHT is db". */
static Dim same(Loc loc, const char *left, Expr *a, Dim da, const char *right, Expr *b, Dim db)
{
	if (is_unknown(da) || is_unknown(db))
		return unknown();
	if (lit_zero(a) && !lit_zero(b)) {
		set_zero(a, db);
		return db;
	}
	if (lit_zero(b) && !lit_zero(a)) {
		set_zero(b, da);
		return da;
	}
	if (dim_eq(da, db))
		return da;
	dim_error(loc, "dimensions differ: %s is %s, %s is %s", left, dname(da), right, dname(db));
	return unknown();
}

/* A computed dimension: every exponent finite and at most DIM_MAX_EXP in
 * magnitude, else an error here (the unit code prints exponents as int). */
static Dim checked(Loc loc, Dim d)
{
	if (is_unknown(d) || dim_valid(d))
		return d;
	dim_error(loc, "dimension out of range: exponents of units must be finite and at "
		  "most %d in magnitude", DIM_MAX_EXP);
	return unknown();
}

static Dim mul(Loc loc, Dim a, Dim b)
{
	return is_unknown(a) || is_unknown(b) ? unknown() : checked(loc, snn_dim_mul(a, b));
}

static Dim dvd(Loc loc, Dim a, Dim b)
{
	return is_unknown(a) || is_unknown(b) ? unknown() : checked(loc, snn_dim_div(a, b));
}

static Dim sides(Loc loc, Expr *a, Dim da, Expr *b, Dim db)
{
	return same(loc, "left side", a, da, "right side", b, db);
}

/* e must have dimension want (a literal zero always does). */
static void expect(Expr *e, Dim want, const char *what)
{
	Dim d = infer(e);
	if (lit_zero(e)) {
		set_zero(e, want);
		return;
	}
	if (is_unknown(d) || dim_eq(d, want))
		return;
	if (is_one(want))
		dim_error(e->loc, "%s must be dimensionless, got %s", what, dname(d));
	else
		dim_error(e->loc, "%s must have dimension %s, got %s", what, dname(want), dname(d));
}

/* ---- variables */

static Dim builtin_dim(Builtin b)
{
	switch (b) {
	case BI_T: case BI_DT: case BI_T_LAST:
		return DIM_TIME;
	case BI_XI:
		return snn_dim_pow(DIM_TIME, -0.5);
	default:
		return DIM_ONE;
	}
}

/* param, state, input, pre/post state, global, modulator: annotation,
 * else initial value, else dimensionless.  A let: its expression. */
static Dim decl_dim(Var *v)
{
	Decl *d = v->decl;
	if (!d)
		return DIM_ONE;
	if (v->kind != VK_LET && d->annot)
		return infer(d->annot);
	if (d->init)
		return infer(d->init);
	return DIM_ONE;
}

/* The chain of a let cycle that starts and ends at v (on the stack). */
static void cycle_note(Var *v)
{
	int k = v->visit - 1;
	if (k + 1 >= visiting->n)
		return;
	char *chain = arena_strdup(v->name);
	for (int j = k + 1; j < visiting->n; j++)
		chain = arena_printf("%s -> %s", chain, ((Var *)visiting->items[j])->name);
	chain = arena_printf("%s -> %s", chain, v->name);
	Var *next = visiting->items[k + 1];
	note_at(next->loc, "the cycle is %s", chain);
}

/* ---- the order of inference
 *
 * A variable's dimension comes from the expression its declaration gives
 * (dim_source).  The variables that expression reads are inferred first,
 * deepest first, with an explicit stack (`visiting`, each var's position in
 * Var.visit): the C stack stays as deep as one expression however long a
 * chain of lets or params is.  A var met again while on the stack is a
 * cycle, reported by var_dim.  Lets also get their nesting (Var.let_depth:
 * 1 + the deepest let they read; Var.expand_depth: how deep their
 * expression is with lets expanded); more than LET_EXPAND_MAX is "model too
 * deep to compile". */

static Expr *dim_source(const Var *v)
{
	if (!v->decl || v->kind == VK_BUILTIN || v->kind == VK_UNIT)
		return NULL;
	if (v->kind != VK_LET && v->decl->annot)
		return NULL;              /* an annotation names units only */
	return v->decl->init;
}

/* The vars an expression reads (its depth is bounded: EXPR_MAX_DEPTH). */
static void collect_vars(const Expr *e, Vec *out)
{
	if (!e)
		return;
	if (e->var && (e->kind == EX_NAME || e->kind == EX_MEMBER || e->kind == EX_DERIV))
		vec_push(out, e->var);
	collect_vars(e->a, out);
	collect_vars(e->b, out);
	collect_vars(e->c, out);
	VEC_EACH(const Expr *, x, e->args)
		collect_vars(x, out);
}

typedef struct {
	Var *v;
	Vec *deps;       /* Var* read by v's declaration */
	int next;        /* deps[next] is the next to visit */
} Frame;

static Frame *enter(Var *v)
{
	Frame *f = arena_alloc(sizeof *f);
	f->v = v;
	f->deps = vec_new();
	collect_vars(dim_source(v), f->deps);
	vec_push(visiting, v);
	v->visit = visiting->n;
	return f;
}

/* How deep a tree of e is with every let expanded inline (the recursion
 * depth of deriv.c's expand_lets on it); the lets it reads are known. */
static int expanded_depth(const Expr *e)
{
	if (!e)
		return 0;
	int d = 0;
	if (e->kind == EX_NAME && e->var && e->var->kind == VK_LET)
		d = e->var->expand_depth;
	const Expr *kids[] = { e->a, e->b, e->c };
	for (int k = 0; k < 3; k++) {
		int dk = expanded_depth(kids[k]);
		d = dk > d ? dk : d;
	}
	VEC_EACH(const Expr *, x, e->args) {
		int dk = expanded_depth(x);
		d = dk > d ? dk : d;
	}
	return d + 1;
}

/* A let's nesting: lets in chains, and its expression with the lets
 * expanded; past LET_EXPAND_MAX the model is too deep for the stages that
 * expand lets inline, reported once per chain (at the first let past). */
static void let_depth(Frame *f)
{
	int deepest = 0;
	bool past = false;
	VEC_EACH(Var *, w, f->deps)
		if (w->kind == VK_LET) {
			deepest = w->let_depth > deepest ? w->let_depth : deepest;
			past = past || w->expand_depth > LET_EXPAND_MAX;
		}
	Var *v = f->v;
	v->let_depth = deepest + 1;
	v->expand_depth = expanded_depth(v->decl ? v->decl->init : NULL);
	if (v->expand_depth > LET_EXPAND_MAX && !past)
		dim_error(v->loc, "model too deep to compile: let '%s' is the end of a chain of %d "
			  "lets that nests %d deep expanded (at most %d)", v->name, v->let_depth,
			  v->expand_depth, LET_EXPAND_MAX);
}

/* v's dimension (all its sources' first), with v on the stack while its
 * own expression is inferred. */
static void leave(Frame *f)
{
	Var *v = f->v;
	Dim d = v->kind == VK_BUILTIN ? builtin_dim(v->builtin) : decl_dim(v);
	if (v->kind == VK_LET)
		let_depth(f);
	visiting->n--;
	v->visit = 0;
	v->dim = d;
	v->dim_known = true;
}

static void infer_in_order(Var *root)
{
	Vec *stack = vec_new();        /* Frame* */
	vec_push(stack, enter(root));
	while (stack->n) {
		Frame *f = stack->items[stack->n - 1];
		if (f->next < f->deps->n) {
			Var *w = f->deps->items[f->next++];
			if (!w->dim_known && !w->visit && w->kind != VK_UNIT)
				vec_push(stack, enter(w));
			continue;
		}
		leave(f);
		stack->n--;
	}
}

static Dim var_dim(Var *v)
{
	if (v->dim_known)
		return v->dim;
	if (v->kind == VK_UNIT) {
		const snn_unit *u = snn_unit_find(v->name);
		return u ? u->dim : unknown();
	}
	if (v->visit) {
		if (v->kind == VK_LET && dim_error(v->loc, "let '%s' depends on itself", v->name))
			cycle_note(v);
		else if (v->kind != VK_LET)
			dim_error(v->loc, "initial value of '%s' depends on itself", v->name);
		return unknown();
	}
	infer_in_order(v);
	return v->dim;
}

/* ---- expressions */

static Dim power(Loc loc, Dim base, Expr *expo, Dim de)
{
	if (is_unknown(base) || is_unknown(de))
		return unknown();
	if (!is_one(de)) {
		dim_error(expo->loc, "exponent must be dimensionless, got %s", dname(de));
		return unknown();
	}
	if (is_one(base))
		return DIM_ONE;
	double n;
	Dim nd;
	if (!const_eval(expo, &n, &nd)) {
		dim_error(expo->loc, "exponent of a dimensioned base must be a constant");
		return unknown();
	}
	if (!isfinite(n) || fabs(n) > DIM_MAX_EXP) {
		dim_error(expo->loc, "exponent of a dimensioned base must be finite and at most %d "
			  "in magnitude, got %s", DIM_MAX_EXP, num_str(n));
		return unknown();
	}
	return checked(loc, snn_dim_pow(base, n));
}

static Dim infer_binary(Expr *e)
{
	Dim a = infer(e->a), b = infer(e->b);
	switch (e->op) {
	case OP_ADD: case OP_SUB:
		return sides(e->loc, e->a, a, e->b, b);
	case OP_MUL:
		return mul(e->loc, a, b);
	case OP_DIV:
		return dvd(e->loc, a, b);
	case OP_POW:
		return power(e->loc, a, e->b, b);
	case OP_LT: case OP_GT: case OP_LE: case OP_GE: case OP_EQ: case OP_NE:
		return is_unknown(sides(e->loc, e->a, a, e->b, b)) ? unknown() : DIM_ONE;
	case OP_AND: case OP_OR:
		return DIM_ONE;
	default:
		return unknown();
	}
}

/* min max clip: every argument has one dimension (literal zeros adapt). */
static Dim same_args(Expr *e, Expr **args, Dim *d, int n)
{
	int ref = -1;
	for (int k = 0; k < n; k++) {
		if (is_unknown(d[k]))
			return unknown();
		if (ref < 0 && !lit_zero(args[k]))
			ref = k;
	}
	if (ref < 0)
		return DIM_ONE;
	for (int k = 0; k < n; k++) {
		if (lit_zero(args[k])) {
			set_zero(args[k], d[ref]);
		} else if (!dim_eq(d[k], d[ref])) {
			dim_error(e->loc, "arguments of %s have different dimensions: %s and %s",
				  e->name, dname(d[ref]), dname(d[k]));
			return unknown();
		}
	}
	return d[ref];
}

static Dim pure_args(Expr *e, Expr **args, Dim *d, int n)
{
	for (int k = 0; k < n; k++)
		if (!is_unknown(d[k]) && !is_one(d[k]))
			dim_error(args[k]->loc, "argument of %s must be dimensionless, got %s",
				  e->name, dname(d[k]));
	return DIM_ONE;
}

static Dim infer_call(Expr *e)
{
	int n = e->args ? e->args->n : 0;
	Expr **args = (Expr **)(e->args ? e->args->items : NULL);
	Dim *d = arena_alloc(sizeof(Dim) * (n + 1));
	for (int k = 0; k < n; k++)
		d[k] = infer(args[k]);
	if (e->builtin <= FN_NONE || e->builtin >= FN_COUNT)
		return unknown();
	const FnInfo *fn = &fn_table[e->builtin];
	if (n < fn->min_args)
		return unknown();
	switch (fn->rule) {
	case DR_SAME:
		return same_args(e, args, d, n);
	case DR_KEEP: case DR_REDUCE:
		return d[0];
	case DR_PURE:
		return pure_args(e, args, d, n);
	case DR_SIGN: case DR_RAND:
		return DIM_ONE;
	case DR_SQRT:
		return is_unknown(d[0]) ? d[0] : snn_dim_pow(d[0], 0.5);
	case DR_POW:
		return power(e->loc, d[0], args[1], d[1]);
	case DR_GRAD:
		return dvd(e->loc, d[0], d[1]);
	}
	return unknown();
}

static Dim name_dim(Expr *e)
{
	if (e->var)
		return var_dim(e->var);
	const snn_unit *u = e->name ? snn_unit_find(e->name) : NULL;
	return u ? u->dim : unknown();
}

/* Infer and record the dimension of e and of all its subexpressions. */
static Dim infer(Expr *e)
{
	if (!e)
		return DIM_ONE;
	switch (e->kind) {
	case EX_NUM:
		return set(e, DIM_ONE);
	case EX_QTY: {
		const snn_unit *u = snn_unit_find(e->name);
		return set(e, u ? u->dim : unknown());
	}
	case EX_NAME:
		return set(e, name_dim(e));
	case EX_DERIV:
		return set(e, e->var ? dvd(e->loc, var_dim(e->var), DIM_TIME) : unknown());
	case EX_MEMBER:
		return set(e, e->var ? var_dim(e->var) : unknown());
	case EX_UNARY: {
		Dim a = infer(e->a);
		return set(e, e->op == OP_NOT ? DIM_ONE : a);
	}
	case EX_BINARY:
		return set(e, infer_binary(e));
	case EX_COND: {
		infer(e->a);
		Dim b = infer(e->b), c = infer(e->c);
		return set(e, same(e->loc, "left branch", e->b, b, "right branch", e->c, c));
	}
	case EX_CALL:
		return set(e, infer_call(e));
	default:
		return set(e, unknown());
	}
}

/* ---- statements and models */

static void check_stmts(Vec *body);

static void check_assign(Stmt *s)
{
	Dim t = infer(s->target), v = infer(s->value);
	if (s->op != '*') {
		sides(s->loc, s->target, t, s->value, v);
		return;
	}
	if (!is_unknown(v) && !is_one(v))
		dim_error(s->loc, "factor of *= must be dimensionless, got %s", dname(v));
}

static void check_stmts(Vec *body)
{
	VEC_EACH(Stmt *, s, body) {
		if (s->kind == ST_ASSIGN) {
			check_assign(s);
		} else {
			infer(s->value);
			check_stmts(s->then_);
			check_stmts(s->else_);
		}
	}
}

/* A constant time (a delay, a refractory period) is checked as a double
 * before anything converts it to steps: finite, not negative, and at most
 * max_steps steps of the network's dt (dt = 0: a library, no network).
 * Expressions that are not constant are left to run time. */
static double net_dt;

static void time_steps(Expr *e, const char *what, double max_steps)
{
	double v;
	Dim d;
	if (!const_eval(e, &v, &d) || !dim_eq(d, DIM_TIME))
		return;
	if (!isfinite(v)) {
		dim_error(e->loc, "%s must be finite, got %s", what, num_str(v));
		return;
	}
	if (v < 0) {
		dim_error(e->loc, "%s must not be negative, got %g ms", what, v * 1e3);
		return;
	}
	double steps = net_dt > 0 ? floor(v / net_dt + 0.5) : 0;
	if (steps > max_steps)
		dim_error(e->loc, "%s of %g s is %.4g steps of dt = %g ms: at most %.0f steps",
			  what, v, steps, net_dt * 1e3, max_steps);
}

/* An annotated declaration's initial value must match the annotation. */
static void check_var(Var *v)
{
	Dim d = var_dim(v);
	Decl *decl = v->decl;
	if (v->kind == VK_LET || !decl || !decl->annot || !decl->init)
		return;
	Dim i = infer(decl->init);
	if (is_unknown(d) || is_unknown(i))
		return;
	if (lit_zero(decl->init))
		set_zero(decl->init, d);
	else if (!dim_eq(d, i))
		dim_error(decl->init->loc, "dimensions differ: declared %s, initial value is %s",
			  dname(d), dname(i));
}

/* C dX/dt = E: [C][X]/s == [E]. */
static void check_ode(Var *x, Member *m)
{
	Dim c = m->coef ? infer(m->coef) : DIM_ONE;
	Dim left = dvd(m->loc, mul(m->loc, c, var_dim(x)), DIM_TIME);
	Dim right = infer(m->value);
	sides(m->loc, NULL, left, m->value, right);
}

static void check_model(Model *m)
{
	VEC_EACH(Var *, v, m->vars)
		check_var(v);
	VEC_EACH(Var *, v, m->vars)
		if (v->ode)
			check_ode(v, v->ode);
	check_stmts(m->on_tick);
	check_stmts(m->on_pre);
	check_stmts(m->on_post);
	check_stmts(m->reset);
	if (m->spike)
		infer(m->spike);
	if (m->refractory) {
		expect(m->refractory, DIM_TIME, "refractory period");
		/* refractoriness counts steps in int32 relative to a base moved
		 * every 2^30 steps (DESIGN.md) */
		time_steps(m->refractory, "refractory period", 1 << 30);
	}
}

/* ---- the network */

static void check_inits(Vec *inits)
{
	VEC_EACH(Init *, in, inits) {
		if (!in->var || !in->value)
			continue;
		Dim want = var_dim(in->var), got = infer(in->value);
		if (is_unknown(want) || is_unknown(got))
			continue;
		if (lit_zero(in->value))
			set_zero(in->value, want);
		else if (!dim_eq(want, got))
			dim_error(in->loc, "dimensions differ: '%s' is %s, value is %s",
				  in->var->name, dname(want), dname(got));
	}
}

static void check_pop(Pop *p)
{
	check_inits(p->inits);
	if (p->rate)
		expect(p->rate, snn_dim_div(DIM_ONE, DIM_TIME), "rate");
	VEC_EACH(Expr *, t, p->times)
		expect(t, DIM_TIME, "spike time");
	VEC_EACH(Expr *, k, p->index_list)
		expect(k, DIM_ONE, "spike index");
	if (p->present)
		expect(p->present, DIM_TIME, "present");
}

static void check_conn(Conn *c)
{
	if (c->syn)
		check_model(c->syn);
	check_inits(c->inits);
	if (c->syn)                 /* a modulator is a dimensionless number */
		VEC_EACH(Var *, v, c->syn->vars)
			if (v->kind == VK_MODULATOR && v->bind_var)
				expect(v->bind_expr, DIM_ONE, "a modulator's value");
	if (c->p)
		expect(c->p, DIM_ONE, "connection probability p");
	if (c->delay) {
		expect(c->delay, DIM_TIME, "delay");
		time_steps(c->delay, "delay", INT32_MAX - 1);     /* a ring of D + 1 slots */
	}
	if (c->ldelay) {
		Dim d = var_dim(c->ldelay);
		if (!is_unknown(d) && !dim_eq(d, DIM_TIME))
			dim_error(c->ldelay->loc, "a learned delay ('state delay' of synapse '%s') must "
				  "be a time, got %s", c->syn->name, dname(d));
		if (c->max_delay)
			time_steps(c->max_delay, "max_delay", INT32_MAX - 1);
	}
}

bool check_dims(Unit *u)
{
	reports = map_new();
	visiting = vec_new();
	failed = false;
	net_dt = u->net ? u->net->dt : 0;
	VEC_EACH(Model *, m, u->models)
		check_model(m);
	if (u->net) {
		VEC_EACH(Pop *, p, u->net->pops)
			check_pop(p);
		VEC_EACH(Conn *, c, u->net->conns)
			check_conn(c);
		check_stmts(u->net->on_tick);
	}
	return !failed;
}

Dim dim_of(Expr *e)
{
	return e && e->has_dim ? e->dim : DIM_ONE;
}

/* ---- constant evaluation */

static bool const_unary(const Expr *e, double *v, Dim *d)
{
	if (!const_eval(e->a, v, d))
		return false;
	if (is_neg(e->op)) {
		*v = -*v;
	} else if (e->op == OP_NOT) {
		*v = *v == 0;
		*d = DIM_ONE;
	} else if (!is_plus(e->op)) {
		return false;
	}
	return true;
}

static bool const_pow(double a, Dim da, double b, Dim db, double *v, Dim *d)
{
	if (!is_one(db))
		return false;
	*v = pow(a, b);
	*d = is_one(da) ? DIM_ONE : snn_dim_pow(da, b);
	return true;
}

static bool const_binary(const Expr *e, double *v, Dim *d)
{
	double a, b;
	Dim da, db;
	if (!const_eval(e->a, &a, &da) || !const_eval(e->b, &b, &db))
		return false;
	bool eq = dim_eq(da, db);
	*d = DIM_ONE;
	switch (e->op) {
	case OP_ADD: *v = a + b; *d = da; return eq;
	case OP_SUB: *v = a - b; *d = da; return eq;
	case OP_MUL: *v = a * b; *d = snn_dim_mul(da, db); return true;
	case OP_DIV: *v = a / b; *d = snn_dim_div(da, db); return true;
	case OP_POW: return const_pow(a, da, b, db, v, d);
	case OP_LT: *v = a < b; return eq;
	case OP_GT: *v = a > b; return eq;
	case OP_LE: *v = a <= b; return eq;
	case OP_GE: *v = a >= b; return eq;
	case OP_EQ: *v = a == b; return eq;
	case OP_NE: *v = a != b; return eq;
	case OP_AND: *v = a != 0 && b != 0; return true;
	case OP_OR: *v = a != 0 || b != 0; return true;
	default: return false;
	}
}

/* One-argument functions of a dimensionless argument. */
/* A call of a pure built-in at constant arguments: its dimension by the
 * row's DimRule, its value by fn_fold (builtins.def: one table). */
static bool const_call(const Expr *e, double *v, Dim *d)
{
	FnId f = e->builtin > FN_NONE && e->builtin < FN_COUNT ? (FnId)e->builtin : fn_lookup(e->name);
	int n = e->args ? e->args->n : 0;
	if (f == FN_NONE || n < fn_table[f].min_args || n > fn_table[f].max_args || n > 3 ||
	    fn_table[f].elem != EL_PURE)
		return false;
	double x[3] = {0};
	Dim dx[3] = {DIM_ONE, DIM_ONE, DIM_ONE};
	for (int k = 0; k < n; k++)
		if (!const_eval(e->args->items[k], &x[k], &dx[k]))
			return false;
	*d = dx[0];
	switch (fn_table[f].rule) {
	case DR_POW:
		return const_pow(x[0], dx[0], x[1], dx[1], v, d);
	case DR_SQRT:
		*d = snn_dim_pow(dx[0], 0.5);
		break;
	case DR_SIGN:
		*d = DIM_ONE;
		break;
	case DR_KEEP:
		break;
	case DR_SAME:
		for (int k = 1; k < n; k++)
			if (!dim_eq(dx[0], dx[k]))
				return false;
		break;
	case DR_PURE:
		if (!is_one(dx[0]))
			return false;
		break;
	case DR_RAND: case DR_GRAD: case DR_REDUCE:
		return false;
	}
	*v = fn_fold(f, x);
	return true;
}

static bool const_name(const Expr *e, double *v, Dim *d)
{
	if (e->var) {
		if (e->var->kind != VK_UNIT)
			return false;
		*v = e->var->unit_factor;
		*d = e->var->dim;
		return true;
	}
	const snn_unit *u = e->name ? snn_unit_find(e->name) : NULL;
	if (!u)
		return false;
	*v = u->factor;
	*d = u->dim;
	return true;
}

bool const_eval(const Expr *e, double *value, Dim *dim)
{
	if (!e)
		return false;
	switch (e->kind) {
	case EX_NUM:
		*value = e->num;
		*dim = e->has_dim ? e->dim : DIM_ONE;
		return true;
	case EX_QTY: {
		const snn_unit *u = snn_unit_find(e->name);
		if (!u)
			return false;
		*value = e->num * u->factor;
		*dim = u->dim;
		return true;
	}
	case EX_NAME:
		return const_name(e, value, dim);
	case EX_UNARY:
		return const_unary(e, value, dim);
	case EX_BINARY:
		return const_binary(e, value, dim);
	case EX_COND: {
		double c;
		Dim dc;
		if (!const_eval(e->a, &c, &dc))
			return false;
		return const_eval(c != 0 ? e->b : e->c, value, dim);
	}
	case EX_CALL:
		return const_call(e, value, dim);
	default:
		return false;
	}
}
