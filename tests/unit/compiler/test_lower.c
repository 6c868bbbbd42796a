/*
 * test_lower.c — ODE systems lowered to integration schemes (lower.c).
 *
 * Each model text goes through parse_string, resolve, check_dims and
 * lower; the Lowered pieces (f, fdet/g, A1/B1, A/b, reach) are evaluated
 * numerically with a tiny evaluator written here (names bound to SI values
 * by hand) and compared with hand-computed values.  Scheme errors are
 * compared as exact diagnostic text.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "snnc.h"

static Unit *unit;

/* Parse, resolve, check dimensions and lower src.  Returns the diagnostics
 * ("" if none); *ok is false if any stage reported an error. */
static char *run(const char *src, bool *ok)
{
	FILE *f = tmpfile();
	diag_set_stream(f);
	int before = error_count();
	*ok = false;
	unit = NULL;
	Program *p = parse_string("t.snn", src);
	if (p && error_count() == before)
		unit = resolve(p, "t.snn");
	if (unit && error_count() == before && check_dims(unit))
		*ok = lower(unit) && error_count() == before;
	diag_set_stream(NULL);
	long n = ftell(f);
	char *text = arena_alloc((size_t)n + 1);
	rewind(f);
	size_t got = fread(text, 1, (size_t)n, f);
	text[got] = '\0';
	fclose(f);
	return text;
}

/* Lower the one neuron model of src without errors. */
static Lowered *ck_lower(const char *src, const char *model)
{
	bool ok;
	char *out = run(src, &ok);
	ck_assert_msg(ok && !*out, "expected no errors, got:\n%s", out);
	Model *m = find_model(unit, model);
	ck_assert_ptr_nonnull(m);
	Lowered *L = lowered(m);
	ck_assert_ptr_nonnull(L);
	return L;
}

/* Lowering fails: error_count grew, the first diagnostic line is `want`. */
static void ck_error(const char *src, const char *want)
{
	bool ok;
	int before = error_count();
	char *out = run(src, &ok);
	ck_assert_msg(!ok && error_count() > before, "expected an error: %s", want);
	ck_assert_ptr_nonnull(unit);          /* the failure is lower's, not earlier */
	char *nl = strchr(out, '\n');
	if (nl)
		*nl = '\0';
	ck_assert_str_eq(out, want);
}

/* ---- an evaluator independent of lower.c and deriv.c */

typedef struct { const char *name; double value; } Binding;
static const Binding *env;

static double ev(const Expr *e);

static double lookup(const Expr *e)
{
	ck_assert_msg(e->var != NULL, "unresolved name %s", e->name);
	if (e->var->kind == VK_UNIT)
		return snn_unit_find(e->var->name)->factor;
	if (e->var->kind == VK_LET)      /* lowering keeps lets as names */
		return ev(e->var->decl->init);
	for (const Binding *b = env; b->name; b++)
		if (!strcmp(b->name, e->var->name))
			return b->value;
	ck_abort_msg("evaluator: no value for %s", e->var->name);
	return 0;
}

static double ev_call(const Expr *e)
{
	double a = e->args->n > 0 ? ev(e->args->items[0]) : 0;
	double b = e->args->n > 1 ? ev(e->args->items[1]) : 0;
	const char *n = e->name;
	if (!strcmp(n, "exp")) return exp(a);
	if (!strcmp(n, "log")) return log(a);
	if (!strcmp(n, "sqrt")) return sqrt(a);
	if (!strcmp(n, "abs")) return fabs(a);
	if (!strcmp(n, "sign")) return (a > 0) - (a < 0);
	if (!strcmp(n, "pow")) return pow(a, b);
	ck_abort_msg("evaluator: no function %s", n);
	return 0;
}

static double ev_bin(int op, double a, double b)
{
	switch (op) {
	case OP_ADD: return a + b;
	case OP_SUB: return a - b;
	case OP_MUL: return a * b;
	case OP_DIV: return a / b;
	case OP_POW: return pow(a, b);
	case OP_LT: return a < b;
	case OP_GT: return a > b;
	case OP_LE: return a <= b;
	case OP_GE: return a >= b;
	case OP_EQ: return a == b;
	case OP_NE: return a != b;
	case OP_AND: return a != 0 && b != 0;
	case OP_OR: return a != 0 || b != 0;
	}
	ck_abort_msg("evaluator: operator %d", op);
	return 0;
}

static double ev(const Expr *e)
{
	ck_assert_ptr_nonnull(e);
	switch (e->kind) {
	case EX_NUM: return e->num;
	case EX_QTY: return e->num * snn_unit_find(e->name)->factor;
	case EX_NAME: return lookup(e);
	case EX_UNARY:
		return e->op == OP_NOT ? ev(e->a) == 0 : e->op == OP_NEG ? -ev(e->a) : ev(e->a);
	case EX_BINARY: return ev_bin(e->op, ev(e->a), ev(e->b));
	case EX_COND: return ev(e->a) != 0 ? ev(e->b) : ev(e->c);
	case EX_CALL: return ev_call(e);
	default:
		ck_abort_msg("evaluator: expression kind %d", e->kind);
		return 0;
	}
}

static void ck_value(const Expr *e, const Binding *b, double want)
{
	env = b;
	double v = ev(e);
	ck_assert_msg(fabs(v - want) <= 1e-12 * fmax(1, fabs(want)), "value %.17g, want %.17g", v, want);
}

static Var *var(const char *m, const char *name)
{
	Var *v = model_var(find_model(unit, m), name);
	ck_assert_msg(v != NULL, "no var %s", name);
	return v;
}

/* ---- euler and Euler-Maruyama */

START_TEST(test_euler_xi)
{
	Lowered *L = ck_lower("neuron OU {\n"
			      "  param tau = 10 ms, s = 2 mV\n"
			      "  state x = 0 mV, y = 1 mV\n"
			      "  method euler\n"
			      "  tau dx/dt = -x + s*sqrt(tau)*xi\n"
			      "  dy/dt = (x - y) / (5 ms)\n"
			      "}\n", "OU");
	ck_assert_int_eq(L->scheme, SCH_EULER);
	ck_assert_int_eq(L->n, 2);
	ck_assert_ptr_eq(L->x[0], var("OU", "x"));
	ck_assert_ptr_eq(L->x[1], var("OU", "y"));
	ck_assert(find_model(unit, "OU")->uses_xi);
	/* x = 3 mV, y = -1 mV, tau = 10 ms, s = 2 mV, xi = 1.5 */
	static const Binding b[] = {
		{"x", 3e-3}, {"y", -1e-3}, {"tau", 1e-2}, {"s", 2e-3}, {"xi", 1.5}, {0, 0},
	};
	/* f = (-x + s sqrt(tau) xi)/tau = -0.3 + 0.02 * 1.5 */
	ck_value(L->f[0], b, -0.3 + 0.02 * 1.5);
	ck_value(L->fdet[0], b, -0.3);
	ck_value(L->g[0], b, 2e-3 / sqrt(1e-2));       /* s / sqrt(tau) = 0.02 */
	ck_assert(!depends_on_kind(L->g[0], VK_STATE));
	/* (x - y) / 5 ms = 4e-3 / 5e-3 */
	ck_value(L->f[1], b, 0.8);
	ck_value(L->fdet[1], b, 0.8);
	ck_assert_ptr_null(L->g[1]);
}
END_TEST

/* fdet and g do not read xi: evaluate them with xi unbound. */
START_TEST(test_euler_xi_free)
{
	Lowered *L = ck_lower("neuron OU {\n"
			      "  param tau = 10 ms, s = 2 mV, mu = 1 mV\n"
			      "  state x = 0 mV\n"
			      "  let drift = mu - x\n"
			      "  tau dx/dt = drift + s*sqrt(tau)*xi\n"
			      "}\n", "OU");
	static const Binding b[] = {
		{"x", 3e-3}, {"tau", 1e-2}, {"s", 2e-3}, {"mu", 1e-3}, {0, 0},
	};
	ck_value(L->fdet[0], b, (1e-3 - 3e-3) / 1e-2);   /* through the let */
	ck_value(L->g[0], b, 0.02);
}
END_TEST

START_TEST(test_rk)
{
	static const char *methods[] = {"rk2", "rk4", "euler"};
	static const Scheme want[] = {SCH_RK2, SCH_RK4, SCH_EULER};
	for (int k = 0; k < 3; k++) {
		Lowered *L = ck_lower(arena_printf("neuron M {\n"
						   "  param tau = 20 ms, El = -70 mV\n"
						   "  state v = -65 mV\n"
						   "  input I : nA\n"
						   "  param R = 100 Mohm\n"
						   "  method %s\n"
						   "  tau dv/dt = El - v + R*I\n"
						   "}\n", methods[k]), "M");
		ck_assert_int_eq(L->scheme, want[k]);
		ck_assert_int_eq(L->n, 1);
		static const Binding b[] = {
			{"v", -0.06}, {"tau", 0.02}, {"El", -0.07}, {"R", 1e8}, {"I", 2e-10}, {0, 0},
		};
		/* (-0.07 + 0.06 + 0.02) / 0.02 */
		ck_value(L->f[0], b, 0.5);
	}
	/* the network's method applies to a model without its own */
	bool ok;
	run("neuron M {\n  param tau = 1 ms\n  state v = 1\n  tau dv/dt = -v\n}\n"
	    "neuron K {\n  state u = 1\n  method rk2\n  du/dt = -u / (1 ms)\n}\n"
	    "network n {\n  method = rk4\n  pop P = M(1)\n  pop Q = K(1)\n  run 1 ms\n}\n", &ok);
	ck_assert(ok);
	ck_assert_int_eq(lowered(find_model(unit, "M"))->scheme, SCH_RK4);
	ck_assert_int_eq(lowered(find_model(unit, "K"))->scheme, SCH_RK2);
}
END_TEST

/* ---- exponential Euler */

START_TEST(test_expeuler)
{
	Lowered *L = ck_lower("neuron C {\n"
			      "  param tau = 10 ms, g = 0.5, E = 10 mV\n"
			      "  state v = 0 mV, w = 2 mV\n"
			      "  let leak = -v\n"
			      "  method exponential_euler\n"
			      "  tau dv/dt = leak + g*(E - v)\n"
			      "  tau dw/dt = -w * (1 + v/mV) + E\n"
			      "}\n", "C");
	ck_assert_int_eq(L->scheme, SCH_EXPEULER);
	ck_assert_int_eq(L->n, 2);
	static const Binding b[] = {
		{"tau", 1e-2}, {"g", 0.5}, {"E", 1e-2}, {"v", 4e-3}, {"w", -3e-3}, {0, 0},
	};
	/* A = -(1+g)/tau, B = g*E/tau */
	ck_value(L->A1[0], b, -(1 + 0.5) / 1e-2);
	ck_value(L->B1[0], b, 0.5 * 1e-2 / 1e-2);
	ck_assert(!depends_on(L->A1[0], var("C", "v")));
	ck_assert(!depends_on(L->B1[0], var("C", "v")));
	/* A and B at x: A x + B == f */
	ck_value(L->f[0], b, -(1.5 / 1e-2) * 4e-3 + 0.5);
	/* w: A = -(1 + v/mV)/tau reads the other state, B = E/tau */
	ck_value(L->A1[1], b, -(1 + 4) / 1e-2);
	ck_value(L->B1[1], b, 1e-2 / 1e-2);
	ck_assert(depends_on(L->A1[1], var("C", "v")));
	ck_assert(!depends_on(L->A1[1], var("C", "w")));
}
END_TEST

/* ---- exact */

static const char cuba_src[] =
	"neuron CubaLIF {\n"
	"  param taum = 20 ms, taue = 5 ms, taui = 10 ms\n"
	"  param Vt = -50 mV, Vr = -60 mV, El = -49 mV\n"
	"  state v = Vr, ge = 0 mV, gi = 0 mV\n"
	"  taum dv/dt = ge + gi - (v - El)\n"
	"  taue dge/dt = -ge\n"
	"  taui dgi/dt = -gi\n"
	"  spike when v > Vt\n"
	"  reset { v = Vr }\n"
	"  refractory 5 ms\n"
	"  method exact\n"
	"}\n";

START_TEST(test_exact_cuba)
{
	Lowered *L = ck_lower(cuba_src, "CubaLIF");
	ck_assert_int_eq(L->scheme, SCH_EXACT);
	ck_assert_int_eq(L->n, 3);
	ck_assert_str_eq(L->x[0]->name, "v");
	ck_assert_str_eq(L->x[1]->name, "ge");
	ck_assert_str_eq(L->x[2]->name, "gi");
	ck_assert(!L->a_per_element);
	/* the states get absurd values: A and b must not read them */
	static const Binding b[] = {
		{"taum", 0.02}, {"taue", 0.005}, {"taui", 0.01}, {"El", -0.049},
		{"Vt", -0.05}, {"Vr", -0.06}, {"v", 1e9}, {"ge", -1e9}, {"gi", 3e9}, {0, 0},
	};
	static const double A[9] = {
		-50, 50, 50,
		0, -200, 0,
		0, 0, -100,
	};
	static const double bb[3] = { -0.049 / 0.02, 0, 0 };
	for (int k = 0; k < 9; k++)
		ck_value(L->A[k], b, A[k]);
	for (int k = 0; k < 3; k++)
		ck_value(L->b[k], b, bb[k]);
	static const bool reach[9] = {
		1, 1, 1,
		0, 1, 0,
		0, 0, 1,
	};
	for (int k = 0; k < 9; k++)
		ck_assert_msg(L->reach[k] == reach[k], "reach[%d][%d] = %d", k / 3, k % 3, L->reach[k]);
}
END_TEST

/* A chain x -> y -> z: z is reached from x through y (transitively),
 * nothing flows back. */
START_TEST(test_exact_chain)
{
	Lowered *L = ck_lower("neuron Ch {\n"
			      "  param tau = 10 ms\n"
			      "  state x = 1, y = 0, z = 0\n"
			      "  method exact\n"
			      "  tau dx/dt = -x\n"
			      "  tau dy/dt = x - y\n"
			      "  tau dz/dt = y - 2*z + 3\n"
			      "}\n", "Ch");
	static const bool reach[9] = {
		1, 0, 0,
		1, 1, 0,
		1, 1, 1,
	};
	for (int k = 0; k < 9; k++)
		ck_assert_msg(L->reach[k] == reach[k], "reach[%d][%d] = %d", k / 3, k % 3, L->reach[k]);
	static const Binding b[] = { {"tau", 0.01}, {"x", 7}, {"y", 8}, {"z", 9}, {0, 0} };
	ck_value(L->A[2 * 3 + 2], b, -200);
	ck_value(L->A[2 * 3 + 1], b, 100);
	ck_value(L->A[1 * 3 + 0], b, 100);
	ck_assert(is_zero(L->A[0 * 3 + 2]));
	ck_value(L->b[2], b, 300);
	ck_value(L->b[0], b, 0);
}
END_TEST

/* One ODE whose coefficient reads an input: exponential per element. */
START_TEST(test_exact_per_element)
{
	Lowered *L = ck_lower("neuron G {\n"
			      "  param tau = 10 ms, E = 5 mV\n"
			      "  state v = 0 mV\n"
			      "  input g\n"
			      "  method exact\n"
			      "  tau dv/dt = -v * (1 + g) + g * E\n"
			      "}\n", "G");
	ck_assert(L->a_per_element);
	static const Binding b[] = { {"tau", 0.01}, {"E", 5e-3}, {"g", 3}, {"v", 1e6}, {0, 0} };
	ck_value(L->A[0], b, -400);
	ck_value(L->b[0], b, 1.5);
}
END_TEST

/* ---- errors */

START_TEST(test_errors)
{
	ck_error("neuron M {\n"
		 "  param tau = 10 ms\n"
		 "  state v = 1 mV\n"
		 "  method exact\n"
		 "  tau dv/dt = -v * v / mV\n"
		 "}\n",
		 "t.snn:5:3: error: exact: the ODE of 'v' is not affine in the states with "
		 "coefficients constant over a step");
	ck_error("neuron M {\n"
		 "  param tau = 10 ms\n"
		 "  state v = 1 mV, u = 0 mV\n"
		 "  method exact\n"
		 "  tau du/dt = -u\n"
		 "  tau dv/dt = -v + u * v / mV\n"
		 "}\n",
		 "t.snn:6:3: error: exact: the ODE of 'v' is not affine in the states with "
		 "coefficients constant over a step");
	ck_error("neuron M {\n"
		 "  param tau = 10 ms\n"
		 "  state v = 1 mV\n"
		 "  method exact\n"
		 "  tau dv/dt = -v + t / ms * mV\n"
		 "}\n",
		 "t.snn:5:3: error: exact: the ODE of 'v' depends on t or on random numbers; "
		 "use another method");
	ck_error("neuron M {\n"
		 "  param tau = 10 ms\n"
		 "  state v = 1 mV, u = 0 mV\n"
		 "  input g\n"
		 "  method exact\n"
		 "  tau du/dt = -u\n"
		 "  tau dv/dt = -v * g + u\n"
		 "}\n",
		 "t.snn:7:3: error: exact: the coefficient of 'v' in the ODE of 'v' varies per "
		 "element; with several ODEs this is not supported yet");
	ck_error("neuron M {\n"
		 "  param tau = 10 ms\n"
		 "  state v = 1 mV\n"
		 "  method exponential_euler\n"
		 "  tau dv/dt = -v * v / mV\n"
		 "}\n",
		 "t.snn:5:3: error: exponential_euler: the ODE of 'v' is not affine in 'v' "
		 "(dv/dt = A*v + B with A and B free of v)");
	ck_error("neuron M {\n"
		 "  param tau = 10 ms, s = 1 mV\n"
		 "  state x = 1 mV\n"
		 "  method rk4\n"
		 "  tau dx/dt = -x + s * sqrt(tau) * xi\n"
		 "}\n",
		 "t.snn:5:3: error: xi is only allowed with method euler (Euler-Maruyama), not rk4");
	ck_error("neuron M {\n"
		 "  param tau = 10 ms, s = 1 mV\n"
		 "  state x = 1 mV\n"
		 "  tau dx/dt = -x + s * tau * xi * abs(xi)\n"
		 "}\n",
		 "t.snn:4:3: error: xi must appear linearly (as a term g * xi)");
	ck_error("neuron M {\n"
		 "  state v = 1\n"
		 "  method leapfrog\n"
		 "  dv/dt = -v / ms\n"
		 "}\n",
		 "t.snn:3:10: error: unknown method 'leapfrog' (expected euler, rk2, rk4, "
		 "exponential_euler or exact)");
	ck_error("neuron M {\n"
		 "  state v = 1\n"
		 "  dv/dt = -v / ms\n"
		 "}\n"
		 "network n {\n"
		 "  method = midpoint\n"
		 "  pop P = M(1)\n"
		 "  run 1 ms\n"
		 "}\n",
		 "t.snn:6:12: error: unknown method 'midpoint' (expected euler, rk2, rk4, "
		 "exponential_euler or exact)");
}
END_TEST

Suite *suite_lower(void)
{
	Suite *s = suite_create("lower");
	TCase *tc = tcase_create("schemes");
	tcase_add_test(tc, test_euler_xi);
	tcase_add_test(tc, test_euler_xi_free);
	tcase_add_test(tc, test_rk);
	tcase_add_test(tc, test_expeuler);
	tcase_add_test(tc, test_exact_cuba);
	tcase_add_test(tc, test_exact_chain);
	tcase_add_test(tc, test_exact_per_element);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, test_errors);
	suite_add_tcase(s, tc);
	return s;
}
