/*
 * lower.c — ODE systems to integration schemes (LANGUAGE.md §3).
 *
 * For each neuron model the ODEs form one system.  Here each right-hand
 * side is turned into dx/dt = f(x) with lets expanded and the coefficient
 * divided out, and the scheme's preconditions are checked and its pieces
 * extracted symbolically:
 *   euler             f, and with xi: f = fdet + g*xi (g free of xi);
 *   rk2, rk4          f;
 *   exponential_euler f = A*x + B per ODE, A free of x (A, B may read the
 *                     other states: they are taken at the start of the step);
 *   exact             f = A x + b jointly, A and b free of states and of t;
 *                     A must be made of params and literals (the propagator is
 *                     computed at start-up), except for a single ODE, whose
 *                     coefficient may read inputs (exponential per element).
 * Lets stay names wherever they can: a let is expanded into an equation
 * only when the scheme's algebra needs to see through it (a let that reads
 * xi for Euler-Maruyama, one that reads the system's states for the affine
 * schemes); the printers compute the others once per stage as locals.  An
 * expansion that would be too large to compile is refused here.
 *
 * For a network, the lowering then builds the back end's data: the layout
 * (layout.c) and the schedule of one step (schedule.c); emit*.c print them.
 * The numerical propagators are the runtime's.
 */
#include <string.h>

#include "snnc.h"

const char *scheme_names[] = {
	[SCH_EULER] = "euler", [SCH_RK2] = "rk2", [SCH_RK4] = "rk4",
	[SCH_EXPEULER] = "exponential_euler", [SCH_EXACT] = "exact",
};

Lowered *lowered(const Model *m)
{
	return m->low;
}

Expr *subst(const Expr *e, const Var *x, const Expr *by)
{
	if (!e)
		return NULL;
	if ((e->kind == EX_NAME || e->kind == EX_MEMBER) && e->var == x)
		return expr_copy(by);
	Expr *c = arena_alloc(sizeof *c);
	*c = *e;
	c->a = subst(e->a, x, by);
	c->b = subst(e->b, x, by);
	c->c = subst(e->c, x, by);
	if (e->args) {
		c->args = vec_new();
		VEC_EACH(Expr *, a, e->args)
			vec_push(c->args, subst(a, x, by));
	}
	return c;
}

static Var *xi_var(const Expr *e)
{
	if (!e)
		return NULL;
	if (e->kind == EX_NAME && e->var && e->var->kind == VK_BUILTIN && e->var->builtin == BI_XI)
		return e->var;
	if (e->kind == EX_NAME && e->var && e->var->kind == VK_LET && e->var->decl->init)
		VEC_EACH(Var *, d, let_dependencies(e->var))
			if (d->kind == VK_BUILTIN && d->builtin == BI_XI)
				return d;
	Var *v;
	if ((v = xi_var(e->a)) || (v = xi_var(e->b)) || (v = xi_var(e->c)))
		return v;
	VEC_EACH(Expr *, a, e->args)
		if ((v = xi_var(a)))
			return v;
	return NULL;
}

static bool parse_scheme(const char *name, Scheme *out)
{
	for (int s = SCH_EULER; s <= SCH_EXACT; s++)
		if (!strcmp(scheme_names[s], name)) {
			*out = (Scheme)s;
			return true;
		}
	return false;
}

/* dx/dt with the coefficient divided out; lets stay names. */
static Expr *rhs_of(Member *ode)
{
	Expr *f = expr_copy(ode->value);
	if (ode->coef)
		f = new_binary(ode->loc, OP_DIV, f, expr_copy(ode->coef));
	return simplify(f);
}

/* Past this many nodes an equation with its lets expanded is refused: the C
 * compilers choke long before (and a chain of lets that each read the
 * previous one twice doubles at every link). */
#define MAX_EXPANDED 200000

static Expr *expand_for(const Lowered *L, int k, Expr *f, const Vec *vars)
{
	double n = expanded_size(f, vars);
	if (n > MAX_EXPANDED) {
		error_at(L->ode[k]->loc, "the ODE of '%s' is too large for %s once the lets it "
			 "reads are expanded (%.3g terms); use euler, rk2 or rk4", L->x[k]->name,
			 scheme_names[L->scheme], n);
		return NULL;
	}
	return simplify(expand_lets_reading(f, vars));
}

static Vec *one_var(Var *v)
{
	Vec *s = vec_new();
	vec_push(s, v);
	return s;
}

static void lower_xi(Lowered *L, int k)
{
	Var *xi = xi_var(L->f[k]);
	if (!xi)
		return;
	Expr *f = expand_for(L, k, L->f[k], one_var(xi));
	if (!f)
		return;
	Expr *g = simplify(deriv(f, xi));
	if (depends_on(g, xi)) {
		error_at(L->ode[k]->loc, "xi must appear linearly (as a term g * xi)");
		return;
	}
	Expr *zero = new_num(L->ode[k]->loc, 0);
	L->g[k] = g;
	L->fdet[k] = simplify(subst(f, xi, zero));
}

static void lower_expeuler(Lowered *L, int k)
{
	Var *x = L->x[k];
	Expr *f = expand_for(L, k, L->f[k], one_var(x));
	if (!f)
		return;
	Expr *A = simplify(deriv(f, x));
	if (depends_on(A, x)) {
		error_at(L->ode[k]->loc, "exponential_euler: the ODE of '%s' is not affine in '%s' "
			 "(d%s/dt = A*%s + B with A and B free of %s)", x->name, x->name, x->name,
			 x->name, x->name);
		return;
	}
	L->A1[k] = A;
	L->B1[k] = simplify(subst(f, x, new_num(L->ode[k]->loc, 0)));
}

/* exact: a coefficient of the propagator must be the same for every element
 * and step (params, literals); a forcing term may vary per element but must
 * be constant over the step (no t, no random draws). */
static bool forcing_ok(const Expr *e)
{
	return !reads_builtin(e, BI_T) && !reads_random(e) && !reads_builtin(e, BI_XI);
}

static bool per_element(const Expr *e)
{
	/* a modulator changes during the run (and a bound population's
	 * element per neuron): like an input, held over the step */
	if (depends_on_kind(e, VK_STATE) || depends_on_kind(e, VK_INPUT) ||
	    depends_on_kind(e, VK_MODULATOR))
		return true;
	for (int b = BI_NONE + 1; b < BI_COUNT; b++)
		if (bi_table[b].per_element && reads_builtin(e, (Builtin)b))
			return true;
	return false;
}

static void lower_exact(Model *m, Lowered *L)
{
	int n = L->n;
	L->A = arena_alloc(sizeof(Expr *) * (size_t)(n * n));
	L->b = arena_alloc(sizeof(Expr *) * (size_t)n);
	L->reach = arena_alloc(sizeof(bool) * (size_t)(n * n));
	Expr *zero = new_num(m->loc, 0);
	Vec *states = vec_new();
	for (int i = 0; i < n; i++)
		vec_push(states, L->x[i]);
	for (int i = 0; i < n; i++) {
		Expr *fi = expand_for(L, i, L->f[i], states);
		if (!fi)
			return;
		Expr *b = fi;
		for (int j = 0; j < n; j++) {
			Expr *a = simplify(deriv(fi, L->x[j]));
			L->A[i * n + j] = a;
			b = subst(b, L->x[j], zero);
			bool affine = true;
			for (int k = 0; k < n; k++)
				affine = affine && !depends_on(a, L->x[k]);
			if (!affine || !forcing_ok(a)) {
				error_at(L->ode[i]->loc, "exact: the ODE of '%s' is not affine in the "
					 "states with coefficients constant over a step", L->x[i]->name);
				return;
			}
			if (per_element(a)) {
				if (n > 1) {
					error_at(L->ode[i]->loc, "exact: the coefficient of '%s' in the ODE "
						 "of '%s' varies %s; with several ODEs this is not "
						 "supported yet", L->x[j]->name, L->x[i]->name,
						 depends_on_kind(a, VK_MODULATOR) ? "during the run (it reads "
						 "a modulator)" : "per element");
					return;
				}
				L->a_per_element = true;
			}
		}
		L->b[i] = simplify(b);
		if (!forcing_ok(L->b[i])) {
			error_at(L->ode[i]->loc, "exact: the ODE of '%s' depends on t or on random "
				 "numbers; use another method", L->x[i]->name);
			return;
		}
	}
	/* reachability: Phi[i][j] != 0 only if j influences i */
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			L->reach[i * n + j] = i == j || !is_zero(L->A[i * n + j]);
	for (int k = 0; k < n; k++)
		for (int i = 0; i < n; i++)
			for (int j = 0; j < n; j++)
				if (L->reach[i * n + k] && L->reach[k * n + j])
					L->reach[i * n + j] = true;
}

/* One system: the ODEs `odes` of model m, under its method or the
 * network's.  A neuron model has one; a synapse one per side (its pre
 * states, its post states), each integrated per neuron of that side. */
static Lowered *lower_system(Model *m, Vec *odes, const char *net_method)
{
	Lowered *L = arena_alloc(sizeof *L);
	const char *method = m->method ? m->method : net_method;
	if (!parse_scheme(method, &L->scheme)) {
		error_at(m->method ? m->method_loc : m->loc, "unknown method '%s' (expected euler, "
			 "rk2, rk4, exponential_euler or exact)", method);
		return L;
	}
	int n = L->n = odes->n;
	L->x = arena_alloc(sizeof(Var *) * (size_t)(n + 1));
	L->ode = arena_alloc(sizeof(Member *) * (size_t)(n + 1));
	L->f = arena_alloc(sizeof(Expr *) * (size_t)(n + 1));
	L->fdet = arena_alloc(sizeof(Expr *) * (size_t)(n + 1));
	L->g = arena_alloc(sizeof(Expr *) * (size_t)(n + 1));
	L->A1 = arena_alloc(sizeof(Expr *) * (size_t)(n + 1));
	L->B1 = arena_alloc(sizeof(Expr *) * (size_t)(n + 1));
	VEC_EACH(Member *, ode, odes) {
		L->ode[ode_i] = ode;
		L->x[ode_i] = model_var(m, ode->name);
		L->f[ode_i] = rhs_of(ode);
		L->fdet[ode_i] = L->f[ode_i];
	}
	for (int k = 0; k < n; k++) {
		if (xi_var(L->f[k]) && L->scheme != SCH_EULER) {
			error_at(L->ode[k]->loc, "xi is only allowed with method euler "
				 "(Euler-Maruyama), not %s", scheme_names[L->scheme]);
			return L;
		}
		if (L->scheme == SCH_EULER)
			lower_xi(L, k);
		else if (L->scheme == SCH_EXPEULER)
			lower_expeuler(L, k);
	}
	if (L->scheme == SCH_EXACT && n > 0)
		lower_exact(m, L);
	return L;
}

/* ------------------------------------------------------------ synapses */

/* A synapse used by several connections is checked once per connection:
 * report each located complaint once.  The map lives in this compilation's
 * arena: lower() starts it afresh. */
static Map *reported;

static bool first_report(Loc loc, const char *what)
{
	if (!reported)
		reported = map_new();
	const char *key = arena_printf("%s:%d:%d:%s", loc.file ? loc.file->path : "", loc.first_line,
				       loc.first_column, what);
	if (map_get(reported, key))
		return false;
	map_put(reported, key, (void *)key);
	return true;
}

static const char *side_word(VarKind trace)
{
	return trace == VK_PRE_STATE ? "pre" : "post";
}

/* What per-neuron code of one side may not read: per-synapse variables,
 * the other side's traces and neuron.  Returns the first such read (and
 * sets *what to how to call it), NULL if none.  `seen` guards let chains. */
static const Expr *foreign_read(const Expr *e, VarKind trace, Vec *seen, const char **what)
{
	if (!e)
		return NULL;
	if (e->kind == EX_MEMBER) {      /* pre.X, post.X (unbound in a template) */
		int own_side = trace == VK_PRE_STATE ? 1 : 2;
		if (e->side && e->side != own_side) {
			*what = arena_printf("'%s.%s'", e->side == 1 ? "pre" : "post", e->name);
			return e;
		}
		return NULL;
	}
	if (e->kind == EX_NAME && e->var) {
		const Var *v = e->var;
		if (v->kind == VK_STATE) {
			*what = arena_printf("'%s' (one per synapse)", v->name);
			return e;
		}
		if ((v->kind == VK_PRE_STATE || v->kind == VK_POST_STATE) && v->kind != trace) {
			*what = arena_printf("%s state '%s'", v->kind == VK_PRE_STATE ? "pre" : "post", v->name);
			return e;
		}
		if (v->kind == VK_MODULATOR && v->bind_var && v->pre_mod != (trace == VK_PRE_STATE)) {
			*what = arena_printf("modulator '%s' (one per %s neuron)", v->name, v->pre_mod ? "pre" : "post");
			return e;
		}
		if (v->kind == VK_LET && v->decl && v->decl->init) {
			VEC_EACH(Var *, x, seen)
				if (x == v)
					return NULL;
			vec_push(seen, (void *)v);
			const Expr *r = foreign_read(v->decl->init, trace, seen, what);
			if (r)
				*what = arena_printf("%s through let '%s'", *what, v->name);
			return r ? e : NULL;
		}
		return NULL;
	}
	const Expr *r;
	if ((r = foreign_read(e->a, trace, seen, what)) || (r = foreign_read(e->b, trace, seen, what)) ||
	    (r = foreign_read(e->c, trace, seen, what)))
		return r;
	VEC_EACH(Expr *, a, e->args)
		if ((r = foreign_read(a, trace, seen, what)))
			return r;
	return NULL;
}

static const Expr *foreign(const Expr *e, VarKind trace, const char **what)
{
	return foreign_read(e, trace, vec_new(), what);
}

/* The kind of what an assignment writes: a trace of either side, or
 * anything else (a synapse state, the post neuron). */
static VarKind target_kind(const Stmt *st)
{
	const Var *v = st->target->var;
	if (st->target->kind == EX_NAME && v && (v->kind == VK_PRE_STATE || v->kind == VK_POST_STATE))
		return v->kind;
	return VK_STATE;
}

/* Does st assign something other than `kind`?  Any assignment at all? */
static void assigns(const Stmt *st, VarKind kind, bool *other, bool *any)
{
	if (st->kind == ST_ASSIGN) {
		*any = true;
		*other = *other || target_kind(st) != kind;
		return;
	}
	VEC_EACH(Stmt *, x, st->then_)
		assigns(x, kind, other, any);
	VEC_EACH(Stmt *, x, st->else_)
		assigns(x, kind, other, any);
}

bool stmt_per_neuron(const Stmt *st, VarKind trace)
{
	bool other = false, any = false;
	assigns(st, trace, &other, &any);
	return any && !other;
}

/* The first assignment under st that writes a trace of kind k, or NULL. */
static const Stmt *assigning(const Stmt *st, VarKind k)
{
	if (st->kind == ST_ASSIGN)
		return target_kind(st) == k ? st : NULL;
	const Stmt *r;
	VEC_EACH(Stmt *, x, st->then_)
		if ((r = assigning(x, k)))
			return r;
	VEC_EACH(Stmt *, x, st->else_)
		if ((r = assigning(x, k)))
			return r;
	return NULL;
}

/* The reads of a per-neuron statement: its values and conditions. */
static const Expr *stmt_foreign(const Stmt *st, VarKind trace, const char **what)
{
	const Expr *r = foreign(st->value, trace, what);
	if (r || st->kind == ST_ASSIGN)
		return r;
	VEC_EACH(Stmt *, x, st->then_)
		if ((r = stmt_foreign(x, trace, what)))
			return r;
	VEC_EACH(Stmt *, x, st->else_)
		if ((r = stmt_foreign(x, trace, what)))
			return r;
	return NULL;
}

/* The once-per-spike rule of one block (LANGUAGE.md §3): a statement that
 * assigns only this side's traces runs once per spike and reads only what
 * is one per neuron of this side; one that assigns the other side's traces
 * would run once per synapse and is refused, as is a statement that mixes
 * a trace with per-synapse targets. */
static void check_block(const Conn *c, Vec *body, VarKind trace)
{
	const char *ev = trace == VK_PRE_STATE ? "on pre" : "on post";
	VarKind other = trace == VK_PRE_STATE ? VK_POST_STATE : VK_PRE_STATE;
	VEC_EACH(Stmt *, st, body) {
		const Stmt *bad = assigning(st, other);
		const char *what;
		const Expr *r;
		if (bad) {
			if (first_report(bad->loc, "other"))
				error_at(bad->loc, "'%s' cannot assign %s state '%s': it would run once per "
					 "synapse of the %ssynaptic spike", ev, side_word(other),
					 bad->target->var->name, side_word(trace));
		} else if (stmt_per_neuron(st, trace)) {
			if ((r = stmt_foreign(st, trace, &what)) && first_report(r->loc, "read"))
				error_at(r->loc, "this statement assigns only %s state, so it runs once per "
					 "%ssynaptic spike: it cannot read %s", side_word(trace),
					 side_word(trace), what);
			if (trace == VK_PRE_STATE && c && c->hetero_delay && first_report(st->loc, "hetero"))
				error_at(st->loc, "connection '%s' has %s delays: 'on pre' cannot "
					 "assign pre state (it runs once per presynaptic spike, at its arrival, "
					 "which differs per synapse)", c->name,
					 c->ldelay ? "learned" : "heterogeneous");
		} else if ((bad = assigning(st, trace)) && first_report(bad->loc, "mixed")) {
			error_at(bad->loc, "a statement that assigns %s state '%s' must assign only %s "
				 "state (it runs once per %ssynaptic spike, not once per synapse)",
				 side_word(trace), bad->target->var->name, side_word(trace), side_word(trace));
		}
	}
}

/* The once-per-neuron rule in a synapse's on tick (LANGUAGE.md §3): a
 * statement that assigns only pre (post) state runs once per pre (post)
 * neuron of the connection per step and reads only what is one per neuron
 * of that side; one that assigns a trace and anything else (a synapse
 * state, the post neuron, the other side's traces) has no such count and
 * is refused. */
static void check_tick(Vec *body)
{
	VEC_EACH(Stmt *, st, body) {
		const char *what;
		const Expr *r;
		const Stmt *pre = assigning(st, VK_PRE_STATE), *post = assigning(st, VK_POST_STATE);
		VarKind side = pre ? VK_PRE_STATE : VK_POST_STATE;
		if (!pre && !post)
			continue;
		if (pre && post) {
			const Stmt *second = pre->loc.first_line > post->loc.first_line ||
					     (pre->loc.first_line == post->loc.first_line &&
					      pre->loc.first_column > post->loc.first_column) ? pre : post;
			if (first_report(second->loc, "tick both"))
				error_at(second->loc, "a statement of 'on tick' cannot assign both pre state "
					 "'%s' and post state '%s': it would run once per presynaptic or once "
					 "per postsynaptic neuron", pre->target->var->name,
					 post->target->var->name);
		} else if (stmt_per_neuron(st, side)) {
			if ((r = stmt_foreign(st, side, &what)) && first_report(r->loc, "tick read"))
				error_at(r->loc, "this statement assigns only %s state, so it runs once per "
					 "%ssynaptic neuron per step: it cannot read %s", side_word(side),
					 side_word(side), what);
		} else if (first_report((pre ? pre : post)->loc, "tick mixed")) {
			const Stmt *bad = pre ? pre : post;
			error_at(bad->loc, "a statement that assigns %s state '%s' must assign only %s "
				 "state (in 'on tick' it runs once per %ssynaptic neuron, not once per "
				 "synapse)", side_word(side), bad->target->var->name, side_word(side),
				 side_word(side));
		}
	}
}

/* The ODEs and initial values of one side's traces read only that side. */
static void check_traces(const Model *m, VarKind trace)
{
	const char *what;
	const Expr *r;
	VEC_EACH(Var *, v, m->vars) {
		if (v->kind != trace)
			continue;
		if (v->ode && (r = foreign(v->ode->value, trace, &what)) && first_report(r->loc, "ode"))
			error_at(r->loc, "the ODE of %s state '%s' is integrated per %ssynaptic neuron: it "
				 "cannot read %s", side_word(trace), v->name, side_word(trace), what);
		if (v->ode && (r = foreign(v->ode->coef, trace, &what)) && first_report(r->loc, "ode"))
			error_at(r->loc, "the ODE of %s state '%s' is integrated per %ssynaptic neuron: it "
				 "cannot read %s", side_word(trace), v->name, side_word(trace), what);
	}
}

static bool check_init(const Expr *e, VarKind trace, const char *name)
{
	const char *what;
	const Expr *r = foreign(e, trace, &what);
	if (r && first_report(r->loc, "init"))
		error_at(r->loc, "the initial value of %s state '%s' is one per %ssynaptic neuron: it "
			 "cannot read %s", side_word(trace), name, side_word(trace), what);
	return !r;
}

/* The rules of a synapse that do not depend on its connection; for a
 * template (c NULL: a library under `snnc check`) and each instance, whose
 * copies report at the same places once. */
static void check_synapse(const Model *m, const Conn *c)
{
	check_traces(m, VK_PRE_STATE);
	check_traces(m, VK_POST_STATE);
	VEC_EACH(Var *, v, m->vars)
		if ((v->kind == VK_PRE_STATE || v->kind == VK_POST_STATE) && v->decl)
			check_init(v->decl->init, v->kind, v->name);
	check_block(c, m->on_pre, VK_PRE_STATE);
	check_block(c, m->on_post, VK_POST_STATE);
	check_tick(m->on_tick);
}

/* ---------------------------------------------------------- lazy traces
 *
 * A trace whose ODE is dx/dt = a x, with a the same for every neuron and
 * step, and which only on pre / on post touch, need not be integrated
 * every step: the printed event code brings the neuron's value up to date
 * first, x *= G^n with G the scheme's factor over one step and n the steps
 * since its stamp (DESIGN.md "Lazy traces").  Its ODE leaves the side's
 * system, so a side whose traces are all lazy has no trace kernel. */

static Network *LNET;      /* the network being lowered: its on tick reads */
static bool NO_LAZY;       /* --no-lazy-traces */

static bool stmt_touches(const Stmt *st, const Var *x)
{
	if (st->kind == ST_ASSIGN && st->target->var == x)
		return true;
	if (depends_on(st->value, x))
		return true;
	return st->kind == ST_IF && (stmts_touch(st->then_, x) || stmts_touch(st->else_, x));
}

bool stmts_touch(const Vec *body, const Var *x)
{
	VEC_EACH(Stmt *, st, body)
		if (stmt_touches(st, x))
			return true;
	return false;
}

bool lazy_trace(const Var *x)
{
	return x && x->lazy_rate;
}

/* THE predicate: is trace x read or written anywhere but in on pre /
 * on post (whose printed code brings it up to date before each use)?
 * One line per place a trace can be read; a new place that runs outside
 * the events (a new block, a new reader) is one more line here, or the
 * trace would be read stale. */
static bool read_outside_events(const Model *m, const Var *x)
{
	VEC_EACH(Member *, ode, m->odes)             /* another ODE: per-synapse states, traces */
		if (ode != x->ode && (depends_on(ode->value, x) || depends_on(ode->coef, x)))
			return true;
	if (stmts_touch(m->on_tick, x))              /* the synapse's on tick: every step */
		return true;
	if (LNET && stmts_touch(LNET->on_tick, x))   /* the network's on tick */
		return true;
	/* Not here: initial values (read at t = 0, when every stamp is 0) and
	 * lets (their readers are the places above or event blocks); records,
	 * snn_get and snn_set go through the runtime, which decays the value to
	 * the current step (snn_lazy_get, DESIGN.md "Lazy traces"). */
	return false;
}

/* A variable whose value is the same for every neuron and step of the run:
 * the synapse's own params (model_update recomputes G when one changes),
 * units, dt; a let of those. */
static bool run_constant_var(const Var *v, const Model *m)
{
	switch (v->kind) {
	case VK_PARAM: return v->model == m;
	case VK_UNIT: return true;
	case VK_BUILTIN: return v->builtin == BI_DT;
	case VK_LET: return v->model == m;
	default: return false;
	}
}

static bool not_constant(const Expr *e, void *arg)
{
	const Model *m = arg;
	if (e->kind == EX_MEMBER || e->kind == EX_PRE || e->kind == EX_POST)
		return true;
	if (e->kind == EX_CALL && (e->builtin == FN_NONE || fn_table[e->builtin].elem != EL_PURE ||
				   e->builtin == FN_GRAD))
		return true;
	if (!e->var)
		return false;
	if (!run_constant_var(e->var, m))
		return true;
	if (e->var->kind == VK_LET) {
		if (reads_random(e))
			return true;
		VEC_EACH(Var *, d, let_dependencies(e->var))
			if (!run_constant_var(d, m))
				return true;
	}
	return false;
}

/* The a of dx/dt = a x, constant over the run, or NULL if x's ODE is not of
 * that form (an inhomogeneous term, another state, noise, t, a draw). */
static Expr *decay_rate(const Model *m, Var *x)
{
	if (!x->ode)
		return NULL;
	Expr *f = rhs_of(x->ode);
	Vec *vars = one_var(x);
	if (expanded_size(f, vars) > MAX_EXPANDED)
		return NULL;
	f = simplify(expand_lets_reading(f, vars));
	if (reads_random(f) || reads_builtin(f, BI_XI) || reads_builtin(f, BI_T))
		return NULL;
	Expr *a = simplify(deriv(f, x));
	if (expr_any(a, not_constant, (void *)m))
		return NULL;
	if (!is_zero(simplify(subst(f, x, new_num(x->ode->loc, 0)))))
		return NULL;
	return a;
}

/* The ODEs of one side that stay clock-driven; the lazy ones get their rate
 * and scheme and leave the system. */
static Vec *split_lazy(Model *m, Vec *odes, const char *net_method)
{
	Scheme s;
	if (NO_LAZY || !parse_scheme(m->method ? m->method : net_method, &s))
		return odes;
	Vec *clock = vec_new();
	VEC_EACH(Member *, ode, odes) {
		Var *x = model_var(m, ode->name);
		Expr *a = read_outside_events(m, x) ? NULL : decay_rate(m, x);
		if (a) {
			x->lazy_rate = a;
			x->lazy_scheme = s;
		} else {
			vec_push(clock, ode);
		}
	}
	return clock;
}

static void lower_synapse(Conn *c, const char *net_method)
{
	Model *m = c->syn;
	m->odes_pre = vec_new();
	m->odes_post = vec_new();
	m->odes_syn = vec_new();
	VEC_EACH(Member *, ode, m->odes) {
		Var *x = model_var(m, ode->name);
		vec_push(x->kind == VK_PRE_STATE ? m->odes_pre : x->kind == VK_POST_STATE ? m->odes_post
			 : m->odes_syn, ode);
	}
	check_synapse(m, c);
	VEC_EACH(Init *, in, c->inits)
		if (in->var->kind == VK_PRE_STATE || in->var->kind == VK_POST_STATE)
			check_init(in->value, in->var->kind, in->var->name);
	if (error_count())
		return;
	m->odes_pre = split_lazy(m, m->odes_pre, net_method);
	m->odes_post = split_lazy(m, m->odes_post, net_method);
	if (m->odes_pre->n)
		m->low_pre = lower_system(m, m->odes_pre, net_method);
	if (m->odes_post->n)
		m->low_post = lower_system(m, m->odes_post, net_method);
	if (m->odes_syn->n)
		m->low_syn = lower_system(m, m->odes_syn, net_method);
}

bool lower(Unit *u)
{
	reported = NULL;
	LNET = u->net;
	NO_LAZY = u->no_lazy;
	int before = error_count();
	const char *method = u->net && u->net->method ? u->net->method : "euler";
	if (u->net && u->net->method && strcmp(method, "euler")) {
		Scheme s;
		if (!parse_scheme(method, &s)) {
			error_at(u->net->method_loc, "unknown method '%s' (expected euler, rk2, rk4, "
				 "exponential_euler or exact)", method);
			return false;
		}
	}
	VEC_EACH(Model *, m, u->models) {
		if (!m->synapse)
			m->low = lower_system(m, m->odes, method);
		else
			check_synapse(m, NULL);
	}
	if (u->net)
		VEC_EACH(Conn *, c, u->net->conns)
			lower_synapse(c, method);
	if (error_count() != before)
		return false;
	if (u->net) {
		u->layout = build_layout(u);
		u->sched = build_schedule(u);
	}
	return error_count() == before;
}
