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
 * emit.c prints the result; the numerical propagators are the runtime's.
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
	Var *v;
	if ((v = xi_var(e->a)) || (v = xi_var(e->b)) || (v = xi_var(e->c)))
		return v;
	VEC_EACH(Expr *, a, e->args)
		if ((v = xi_var(a)))
			return v;
	return NULL;
}

static bool reads_builtin(const Expr *e, Builtin b)
{
	if (!e)
		return false;
	if (e->kind == EX_NAME && e->var && e->var->kind == VK_BUILTIN && e->var->builtin == b)
		return true;
	if (e->kind == EX_NAME && e->var && e->var->kind == VK_LET)
		return reads_builtin(e->var->decl->init, b);
	if (reads_builtin(e->a, b) || reads_builtin(e->b, b) || reads_builtin(e->c, b))
		return true;
	VEC_EACH(Expr *, a, e->args)
		if (reads_builtin(a, b))
			return true;
	return false;
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

static Expr *rhs_of(Member *ode)
{
	Expr *f = expand_lets(ode->value);
	if (ode->coef)
		f = new_binary(ode->loc, OP_DIV, f, expand_lets(ode->coef));
	return simplify(f);
}

static void lower_xi(Lowered *L, int k)
{
	Var *xi = xi_var(L->f[k]);
	if (!xi)
		return;
	Expr *g = simplify(deriv(L->f[k], xi));
	if (depends_on(g, xi)) {
		error_at(L->ode[k]->loc, "xi must appear linearly (as a term g * xi)");
		return;
	}
	Expr *zero = new_num(L->ode[k]->loc, 0);
	L->g[k] = g;
	L->fdet[k] = simplify(subst(L->f[k], xi, zero));
}

static void lower_expeuler(Lowered *L, int k)
{
	Var *x = L->x[k];
	Expr *A = simplify(deriv(L->f[k], x));
	if (depends_on(A, x)) {
		error_at(L->ode[k]->loc, "exponential_euler: the ODE of '%s' is not affine in '%s' "
			 "(d%s/dt = A*%s + B with A and B free of %s)", x->name, x->name, x->name,
			 x->name, x->name);
		return;
	}
	L->A1[k] = A;
	L->B1[k] = simplify(subst(L->f[k], x, new_num(L->ode[k]->loc, 0)));
}

/* exact: a coefficient of the propagator must be the same for every element
 * and step (params, literals); a forcing term may vary per element but must
 * be constant over the step (no t, no random draws). */
static bool forcing_ok(const Expr *e)
{
	return !reads_builtin(e, BI_T) && !has_random(e) && !reads_builtin(e, BI_XI);
}

static bool per_element(const Expr *e)
{
	return depends_on_kind(e, VK_STATE) || depends_on_kind(e, VK_INPUT) ||
	       reads_builtin(e, BI_I) || reads_builtin(e, BI_T_LAST) || reads_builtin(e, BI_SPIKED);
}

static void lower_exact(Model *m, Lowered *L)
{
	int n = L->n;
	L->A = arena_alloc(sizeof(Expr *) * (size_t)(n * n));
	L->b = arena_alloc(sizeof(Expr *) * (size_t)n);
	L->reach = arena_alloc(sizeof(bool) * (size_t)(n * n));
	Expr *zero = new_num(m->loc, 0);
	for (int i = 0; i < n; i++) {
		Expr *b = L->f[i];
		for (int j = 0; j < n; j++) {
			Expr *a = simplify(deriv(L->f[i], L->x[j]));
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
	return error_count() == before;
}
