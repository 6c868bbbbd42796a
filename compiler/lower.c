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
	if (depends_on_kind(e, VK_STATE) || depends_on_kind(e, VK_INPUT))
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
						 "of '%s' varies per element; with several ODEs this is not "
						 "supported yet", L->x[j]->name, L->x[i]->name);
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

static void lower_model(Model *m, const char *net_method)
{
	Lowered *L = arena_alloc(sizeof *L);
	m->low = L;
	const char *method = m->method ? m->method : net_method;
	if (!parse_scheme(method, &L->scheme)) {
		error_at(m->method ? m->method_loc : m->loc, "unknown method '%s' (expected euler, "
			 "rk2, rk4, exponential_euler or exact)", method);
		return;
	}
	int n = L->n = m->odes->n;
	L->x = arena_alloc(sizeof(Var *) * (size_t)(n + 1));
	L->ode = arena_alloc(sizeof(Member *) * (size_t)(n + 1));
	L->f = arena_alloc(sizeof(Expr *) * (size_t)(n + 1));
	L->fdet = arena_alloc(sizeof(Expr *) * (size_t)(n + 1));
	L->g = arena_alloc(sizeof(Expr *) * (size_t)(n + 1));
	L->A1 = arena_alloc(sizeof(Expr *) * (size_t)(n + 1));
	L->B1 = arena_alloc(sizeof(Expr *) * (size_t)(n + 1));
	VEC_EACH(Member *, ode, m->odes) {
		L->ode[ode_i] = ode;
		L->x[ode_i] = model_var(m, ode->name);
		L->f[ode_i] = rhs_of(ode);
		L->fdet[ode_i] = L->f[ode_i];
	}
	for (int k = 0; k < n; k++) {
		if (xi_var(L->f[k]) && L->scheme != SCH_EULER) {
			error_at(L->ode[k]->loc, "xi is only allowed with method euler "
				 "(Euler-Maruyama), not %s", scheme_names[L->scheme]);
			return;
		}
		if (L->scheme == SCH_EULER)
			lower_xi(L, k);
		else if (L->scheme == SCH_EXPEULER)
			lower_expeuler(L, k);
	}
	if (L->scheme == SCH_EXACT && n > 0)
		lower_exact(m, L);
}

bool lower(Unit *u)
{
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
	VEC_EACH(Model *, m, u->models)
		if (!m->synapse)
			lower_model(m, method);
	if (error_count() != before)
		return false;
	if (u->net) {
		u->layout = build_layout(u);
		u->sched = build_schedule(u);
	}
	return error_count() == before;
}
