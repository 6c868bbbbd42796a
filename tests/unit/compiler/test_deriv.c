/*
 * test_deriv.c — symbolic derivatives and the simplifier (deriv.c).
 *
 * Derivatives are checked against central finite differences of the same
 * tree at random points, using a tiny evaluator written here (independent
 * of the code under test).  The trees are built by hand in resolved form:
 * x is a state, y a param, z a let (z = x*x + y).
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "snnc.h"

static Loc L0;
static Var vx = {.name = "x", .kind = VK_STATE};
static Var vy = {.name = "y", .kind = VK_PARAM};
static Var vz = {.name = "z", .kind = VK_LET};
static double val_x, val_y;

/* ---- builders */
static Expr *N(double v) { return new_num(L0, v); }
static Expr *V(Var *v) { Expr *e = new_name(L0, v->name); e->var = v; return e; }
static Expr *X(void) { return V(&vx); }
static Expr *Y(void) { return V(&vy); }
static Expr *B(int op, Expr *a, Expr *b) { return new_binary(L0, op, a, b); }
static Expr *NEG(Expr *a) { return new_unary(L0, OP_NEG, a); }

static Expr *F(const char *name, Expr *a, Expr *b, Expr *c)
{
	Vec *args = vec_new();
	vec_push(args, a);
	if (b)
		vec_push(args, b);
	if (c)
		vec_push(args, c);
	Expr *e = new_call(L0, name, args);
	e->builtin = fn_lookup(name);
	return e;
}

static void init_let(void)
{
	static Decl d;
	d.name = "z";
	d.init = B('+', B('*', X(), X()), Y());
	vz.decl = &d;
}

/* ---- an evaluator independent of deriv.c */
static double ev(const Expr *e);

static double ev_call(const Expr *e)
{
	double a = ev(e->args->items[0]);
	double b = e->args->n > 1 ? ev(e->args->items[1]) : 0;
	double c = e->args->n > 2 ? ev(e->args->items[2]) : 0;
	const char *n = e->name;
	ck_assert_int_eq(e->builtin, fn_lookup(n));   /* new nodes are resolved */
	if (!strcmp(n, "exp")) return exp(a);
	if (!strcmp(n, "log")) return log(a);
	if (!strcmp(n, "sqrt")) return sqrt(a);
	if (!strcmp(n, "abs")) return fabs(a);
	if (!strcmp(n, "sign")) return (a > 0) - (a < 0);
	if (!strcmp(n, "sin")) return sin(a);
	if (!strcmp(n, "cos")) return cos(a);
	if (!strcmp(n, "tanh")) return tanh(a);
	if (!strcmp(n, "sigmoid")) return 1 / (1 + exp(-a));
	if (!strcmp(n, "relu")) return a > 0 ? a : 0;
	if (!strcmp(n, "heaviside")) return a > 0;
	if (!strcmp(n, "min")) return a < b ? a : b;
	if (!strcmp(n, "max")) return a > b ? a : b;
	if (!strcmp(n, "clip")) return a < b ? b : a > c ? c : a;
	if (!strcmp(n, "pow")) return pow(a, b);
	ck_abort_msg("evaluator: no function %s", n);
	return 0;
}

static double ev_bin(int op, double a, double b)
{
	switch (op) {
	case '+': return a + b;
	case '-': return a - b;
	case '*': return a * b;
	case '/': return a / b;
	case '^': return pow(a, b);
	case '<': return a < b;
	case '>': return a > b;
	default: ck_abort_msg("evaluator: operator %d", op); return 0;
	}
}

static double ev(const Expr *e)
{
	switch (e->kind) {
	case EX_NUM: return e->num;
	case EX_NAME:
		if (e->var == &vx) return val_x;
		if (e->var == &vy) return val_y;
		if (e->var == &vz) return ev(vz.decl->init);
		ck_abort_msg("evaluator: unbound name %s", e->name);
		return 0;
	case EX_UNARY:
		ck_assert_int_eq(e->op, OP_NEG);
		return -ev(e->a);
	case EX_BINARY: return ev_bin(e->op, ev(e->a), ev(e->b));
	case EX_COND: return ev(e->a) != 0 ? ev(e->b) : ev(e->c);
	case EX_CALL: return ev_call(e);
	default: ck_abort_msg("evaluator: node kind %d", e->kind); return 0;
	}
}

/* d e/dx at (x, y) against a central difference; lo..hi is the x range. */
static void check_fd(Expr *e, double lo, double hi, const char *what)
{
	srand(12345);
	Expr *de = deriv(e, &vx);
	for (int k = 0; k < 25; k++) {
		double x = lo + (hi - lo) * rand() / (double)RAND_MAX;
		double y = 0.5 + 1.5 * rand() / (double)RAND_MAX;
		double h = 1e-6 * fmax(1, fabs(x));
		val_y = y;
		val_x = x + h;
		double fp = ev(e);
		val_x = x - h;
		double fm = ev(e);
		val_x = x;
		double want = (fp - fm) / (2 * h), got = ev(de);
		ck_assert_msg(fabs(got - want) <= 1e-5 * fmax(1, fabs(want)),
			      "%s at x=%g y=%g: deriv %.10g, finite difference %.10g", what, x, y, got, want);
	}
}

START_TEST(test_polynomials)
{
	init_let();
	/* 3x^3 - 2xy + y^2 - 7 */
	Expr *p = B('-', B('+', B('-', B('*', N(3), B('^', X(), N(3))), B('*', B('*', N(2), X()), Y())),
			      B('^', Y(), N(2))), N(7));
	check_fd(p, -3, 3, "cubic");
	check_fd(B('/', B('+', X(), N(1)), B('+', B('*', X(), X()), N(1))), -4, 4, "rational");
	check_fd(NEG(B('^', X(), N(-2))), 0.5, 4, "x^-2");
	check_fd(B('*', V(&vz), X()), -2, 2, "through a let");
	check_fd(B('^', X(), Y()), 0.3, 3, "x^y");
	check_fd(B('^', Y(), X()), -2, 2, "y^x");
	check_fd(F("pow", X(), N(2.5), NULL), 0.3, 3, "pow");
}
END_TEST

START_TEST(test_functions)
{
	init_let();
	check_fd(F("exp", NEG(B('/', X(), Y())), NULL, NULL), -2, 2, "exp");
	check_fd(F("sigmoid", B('*', Y(), X()), NULL, NULL), -3, 3, "sigmoid");
	check_fd(F("tanh", B('*', N(2), X()), NULL, NULL), -2, 2, "tanh");
	check_fd(F("log", B('*', X(), X()), NULL, NULL), 0.2, 3, "log");
	check_fd(F("sqrt", B('+', X(), N(1)), NULL, NULL), 0, 3, "sqrt");
	check_fd(B('*', F("sin", X(), NULL, NULL), F("cos", B('*', X(), Y()), NULL, NULL)), -3, 3, "sin cos");
	check_fd(F("abs", B('-', X(), N(0.25)), NULL, NULL), -2, 2, "abs");
	check_fd(F("relu", B('-', X(), N(0.25)), NULL, NULL), -2, 2, "relu");
	check_fd(F("min", B('*', X(), X()), Y(), NULL), -2, 2, "min");
	check_fd(F("max", X(), B('*', N(0.5), X()), NULL), -2, 2, "max");
	check_fd(F("clip", B('*', N(3), X()), N(-1), Y()), -2, 2, "clip");
	check_fd(new_cond(L0, B('>', X(), N(0.1)), B('*', X(), X()), NEG(X())), -2, 2, "?:");
}
END_TEST

START_TEST(test_zero_derivatives)
{
	init_let();
	ck_assert(is_zero(deriv(Y(), &vx)));
	ck_assert(is_zero(deriv(B('*', Y(), N(3)), &vx)));
	ck_assert(is_zero(deriv(F("heaviside", X(), NULL, NULL), &vx)));
	ck_assert(is_zero(deriv(F("floor", X(), NULL, NULL), &vx)));
	Expr *r = new_call(L0, "rand", vec_new());
	r->builtin = FN_RAND;
	ck_assert(is_zero(deriv(B('*', r, Y()), &vx)));
	Expr *one = deriv(X(), &vx);
	ck_assert(one->kind == EX_NUM && one->num == 1);
	/* d(3x)/dx folds to the number 3 */
	Expr *three = deriv(B('*', N(3), X()), &vx);
	ck_assert(three->kind == EX_NUM && three->num == 3);
	/* d(x^2)/dx = 2*x: no x^1, no *1 left */
	Expr *twox = deriv(B('^', X(), N(2)), &vx);
	ck_assert(twox->kind == EX_BINARY && twox->op == '*');
	ck_assert(twox->a->kind == EX_NUM && twox->a->num == 2);
	ck_assert(twox->b->kind == EX_NAME && twox->b->var == &vx);
}
END_TEST

START_TEST(test_simplify_rules)
{
	Expr *x = X();
	ck_assert_ptr_eq(simplify(B('*', x, N(1))), x);
	ck_assert_ptr_eq(simplify(B('*', N(1), x)), x);
	ck_assert_ptr_eq(simplify(B('+', x, N(0))), x);
	ck_assert_ptr_eq(simplify(B('+', N(0), x)), x);
	ck_assert_ptr_eq(simplify(B('-', x, N(0))), x);
	ck_assert_ptr_eq(simplify(B('/', x, N(1))), x);
	ck_assert_ptr_eq(simplify(B('^', x, N(1))), x);
	ck_assert_ptr_eq(simplify(NEG(NEG(x))), x);
	ck_assert(is_zero(simplify(B('*', N(0), X()))));
	ck_assert(is_zero(simplify(B('*', X(), N(0)))));
	ck_assert(is_zero(simplify(B('/', N(0), X()))));
	Expr *p0 = simplify(B('^', X(), N(0)));
	ck_assert(p0->kind == EX_NUM && p0->num == 1);
	Expr *m = simplify(B('-', N(0), x));
	ck_assert(m->kind == EX_UNARY && m->op == OP_NEG && m->a == x);
	/* folding: 2*3 + 1 = 7; -(4) = -4; exp(0) = 1 */
	Expr *f = simplify(B('+', B('*', N(2), N(3)), N(1)));
	ck_assert(f->kind == EX_NUM && f->num == 7);
	f = simplify(NEG(N(4)));
	ck_assert(f->kind == EX_NUM && f->num == -4);
	f = simplify(F("exp", N(0), NULL, NULL));
	ck_assert(f->kind == EX_NUM && f->num == 1);
	/* x*(2-1) -> x; 20 ms -> 0.02 with dimension second */
	ck_assert_ptr_eq(simplify(B('*', x, B('-', N(2), N(1)))), x);
	f = simplify(new_qty(L0, 20, "ms"));
	ck_assert(f->kind == EX_NUM && fabs(f->num - 0.02) < 1e-15);
	ck_assert(f->has_dim && dim_eq(f->dim, DIM_TIME));
	/* not folded: rand(), division by zero */
	Expr *r = new_call(L0, "rand", vec_new());
	r->builtin = FN_RAND;
	ck_assert_int_eq(simplify(B('*', N(2), r))->kind, EX_BINARY);
	ck_assert_int_eq(simplify(B('/', N(1), N(0)))->kind, EX_BINARY);
}
END_TEST

/* A value that is not finite is never produced by folding nor folded away:
 * 0/0, 0 * (1/0), (0/0) * 0 and 0/(1-1) keep their division. */
static bool has_div(const Expr *e)
{
	return e && ((e->kind == EX_BINARY && e->op == '/') || has_div(e->a) || has_div(e->b));
}

START_TEST(test_simplify_nonfinite)
{
	Expr *cases[] = {
		B('/', N(0), N(0)),
		B('*', N(0), B('/', N(1), N(0))),
		B('*', B('/', N(0), N(0)), N(0)),
		B('/', N(0), B('-', N(1), N(1))),
		B('*', X(), B('/', N(0), N(0))),
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		Expr *f = simplify(cases[k]);
		ck_assert_msg(has_div(f), "case %zu lost its division", k);
		ck_assert_msg(f->kind != EX_NUM || isfinite(f->num), "case %zu folded to %g", k, f->num);
	}
	/* 0/x is still 0 (x is not a constant zero) */
	ck_assert(is_zero(simplify(B('/', N(0), B('+', X(), N(1))))));
}
END_TEST

START_TEST(test_lets_and_dependencies)
{
	init_let();
	Expr *e = B('*', V(&vz), N(2));
	ck_assert(depends_on(e, &vx));
	ck_assert(depends_on(e, &vy));
	ck_assert(depends_on(e, &vz));
	ck_assert(depends_on_kind(e, VK_STATE));
	ck_assert(depends_on_kind(e, VK_LET));
	ck_assert(!depends_on_kind(B('*', Y(), N(2)), VK_STATE));
	ck_assert(!depends_on(B('*', Y(), N(2)), &vx));
	Expr *x = expand_lets(e);
	ck_assert(!depends_on_kind(x, VK_LET));
	ck_assert(depends_on_kind(x, VK_STATE));
	val_x = 1.5, val_y = 0.25;
	ck_assert_double_eq_tol(ev(x), 2 * (1.5 * 1.5 + 0.25), 1e-12);
	/* the original is untouched */
	ck_assert(e->a->kind == EX_NAME && e->a->var == &vz);
	/* the derivative through the let: d(2z)/dx = 4x */
	ck_assert_double_eq_tol(ev(deriv(e, &vx)), 6.0, 1e-12);
	ck_assert_double_eq_tol(ev(deriv(e, &vy)), 2.0, 1e-12);
}
END_TEST

START_TEST(test_deriv_keeps_input)
{
	init_let();
	Expr *e = B('*', B('^', X(), N(2)), F("exp", X(), NULL, NULL));
	val_x = 0.7, val_y = 1;
	double before = ev(e);
	deriv(e, &vx);
	deriv(e, &vx);
	ck_assert_double_eq(ev(e), before);
	ck_assert(e->a->b->kind == EX_NUM && e->a->b->num == 2);
}
END_TEST

Suite *suite_deriv(void)
{
	Suite *s = suite_create("deriv");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_polynomials);
	tcase_add_test(tc, test_functions);
	tcase_add_test(tc, test_zero_derivatives);
	tcase_add_test(tc, test_simplify_rules);
	tcase_add_test(tc, test_simplify_nonfinite);
	tcase_add_test(tc, test_lets_and_dependencies);
	tcase_add_test(tc, test_deriv_keeps_input);
	suite_add_tcase(s, tc);
	return s;
}
