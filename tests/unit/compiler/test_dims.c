/*
 * test_dims.c — dimension checks and constant evaluation (dims.c, units.c).
 *
 * const_eval is tested on hand-built raw trees (as the parser leaves the
 * network's settings) against hand-computed SI values.  The checks run end
 * to end on source text (parse_string, resolve, check_dims) and compare the
 * exact diagnostic text.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "snnc.h"

static Loc L0;

static Expr *N(double v) { return new_num(L0, v); }
static Expr *Q(double v, const char *u) { return new_qty(L0, v, u); }
static Expr *NM(const char *n) { return new_name(L0, n); }
static Expr *B(int op, Expr *a, Expr *b) { return new_binary(L0, op, a, b); }

static Expr *F(const char *name, Expr *a, Expr *b)
{
	Vec *args = vec_new();
	if (a)
		vec_push(args, a);
	if (b)
		vec_push(args, b);
	return new_call(L0, name, args);
}

static Dim D(double m, double kg, double s, double a)
{
	return (Dim){{[SNN_M] = m, [SNN_KG] = kg, [SNN_S] = s, [SNN_A] = a}};
}

static void ck_const(Expr *e, double want, Dim dim)
{
	double v;
	Dim d;
	ck_assert_msg(const_eval(e, &v, &d), "not constant");
	ck_assert_msg(fabs(v - want) <= 1e-12 * fmax(1, fabs(want)), "value %.17g, want %.17g", v, want);
	ck_assert_msg(dim_eq(d, dim), "dimension %s, want %s", dim_str(d), dim_str(dim));
}

static void ck_not_const(Expr *e)
{
	double v;
	Dim d;
	ck_assert(!const_eval(e, &v, &d));
}

START_TEST(test_const_eval)
{
	ck_const(Q(20, "ms"), 0.02, DIM_TIME);
	ck_const(new_unary(L0, OP_NEG, Q(65, "mV")), -0.065, DIM_VOLT);
	/* 60*0.27/10 mV reads (60*0.27) / (10 mV): the quantity is a primary */
	ck_const(B('/', B('*', N(60), N(0.27)), Q(10, "mV")), 1620, D(-2, -1, 3, 1));
	/* (60*0.27/10) * mV with a unit name as a factor */
	ck_const(B('*', B('/', B('*', N(60), N(0.27)), N(10)), NM("mV")), 1.62e-3, DIM_VOLT);
	ck_const(B('/', N(1), NM("ms")), 1000, D(0, 0, -1, 0));
	ck_const(B('^', Q(2, "ms"), N(2)), 4e-6, D(0, 0, 2, 0));
	ck_const(F("sqrt", B('^', Q(3, "nA"), N(2)), NULL), 3e-9, D(0, 0, 0, 1));
	ck_const(B('+', Q(1, "ms"), Q(1, "s")), 1.001, DIM_TIME);
	ck_const(F("min", Q(1, "ms"), Q(2, "us")), 2e-6, DIM_TIME);
	ck_const(F("exp", N(0), NULL), 1, DIM_ONE);
	ck_const(B('^', N(2), N(10)), 1024, DIM_ONE);
	ck_const(B('*', Q(0.5, "nS"), Q(20, "mV")), 1e-11, D(0, 0, 0, 1));
	ck_const(B('/', Q(1, "V"), Q(1, "kohm")), 1e-3, D(0, 0, 0, 1));
	ck_not_const(B('+', Q(1, "ms"), Q(1, "mV")));
	ck_not_const(F("exp", Q(1, "ms"), NULL));
	ck_not_const(F("rand", NULL, NULL));
	ck_not_const(NM("taum"));
	ck_not_const(B('^', Q(2, "ms"), Q(1, "ms")));
	/* a resolved name of a param is not constant, a resolved unit is */
	Var p = {.name = "El", .kind = VK_PARAM};
	Expr *pe = NM("El");
	pe->var = &p;
	ck_not_const(pe);
	Var u = {.name = "mV", .kind = VK_UNIT, .dim = DIM_VOLT, .dim_known = true, .unit_factor = 1e-3};
	Expr *ue = NM("mV");
	ue->var = &u;
	ck_const(B('*', N(-70), ue), -0.07, DIM_VOLT);
}
END_TEST

START_TEST(test_dim_str)
{
	ck_assert_str_eq(dim_str(DIM_VOLT), "volt");
	ck_assert_str_eq(dim_str(DIM_TIME), "second");
	ck_assert_str_eq(dim_str(DIM_ONE), "1");
	ck_assert(dim_eq(snn_unit_find("mV")->dim, DIM_VOLT));
	ck_assert(!dim_eq(DIM_VOLT, DIM_TIME));
}
END_TEST

/* ---- end to end: source text in, diagnostics out */

static Unit *unit;

/* Parse, resolve and check src; returns the diagnostics ("" if none) and
 * sets *ok to check_dims' result (false also when an earlier stage failed). */
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
	if (unit && error_count() == before)
		*ok = check_dims(unit);
	diag_set_stream(NULL);
	long n = ftell(f);
	char *text = arena_alloc(n + 1);
	rewind(f);
	size_t got = fread(text, 1, n, f);
	text[got] = '\0';
	fclose(f);
	return text;
}

static void ck_ok(const char *src)
{
	bool ok;
	char *out = run(src, &ok);
	ck_assert_msg(ok && !*out, "expected no errors, got:\n%s", out);
}

/* The first line of the diagnostics is exactly `want`, and there is one error. */
static void ck_error(const char *src, const char *want)
{
	bool ok;
	char *out = run(src, &ok);
	ck_assert_msg(!ok, "expected an error: %s", want);
	char *nl = strchr(out, '\n');
	if (nl)
		*nl = '\0';
	ck_assert_str_eq(out, want);
	ck_assert_msg(!strstr(nl + 1, "error:"), "more than one error after: %s\n%s", out, nl + 1);
}

static Var *var_of(const char *model, const char *name)
{
	Model *m = find_model(unit, model);
	ck_assert_ptr_nonnull(m);
	VEC_EACH(Var *, v, m->vars)
		if (!strcmp(v->name, name))
			return v;
	ck_abort_msg("no var %s", name);
	return NULL;
}

START_TEST(test_unbalanced_ode)
{
	ck_error("neuron N {\n"
		 "  param tau = 10 ms\n"
		 "  state v = -65 mV\n"
		 "  input I : nA\n"
		 "  tau dv/dt = -v + I\n"
		 "}\n",
		 "t.snn:5:15: error: dimensions differ: left side is volt, right side is ampere");
	ck_error("neuron N {\n"
		 "  state v = -65 mV\n"
		 "  dv/dt = -v\n"
		 "}\n",
		 "t.snn:3:3: error: dimensions differ: left side is volt/second, right side is volt");
	ck_error("neuron N {\n"
		 "  param tau = 10 ms, R = 100 Mohm\n"
		 "  state v = -65 mV\n"
		 "  input I : nA\n"
		 "  tau dv/dt = -v + R*I*tau\n"
		 "}\n",
		 "t.snn:5:15: error: dimensions differ: left side is volt, right side is volt*second");
	ck_ok("neuron N {\n"
	      "  param tau = 10 ms, R = 100 Mohm\n"
	      "  state v = -65 mV\n"
	      "  input I : nA\n"
	      "  tau dv/dt = -v + R*I\n"
	      "}\n");
}
END_TEST

START_TEST(test_function_arguments)
{
	ck_error("neuron N {\n"
		 "  state v = -65 mV\n"
		 "  let a = 1 + exp(v)\n"
		 "}\n",
		 "t.snn:3:19: error: argument of exp must be dimensionless, got volt");
	ck_error("neuron N {\n"
		 "  state v = -65 mV\n"
		 "  let a = max(v, 2 ms)\n"
		 "}\n",
		 "t.snn:3:11: error: arguments of max have different dimensions: volt and second");
	ck_ok("neuron N {\n"
	      "  param vt = -50 mV, dT = 2 mV\n"
	      "  state v = -65 mV\n"
	      "  let a = exp((v - vt)/dT) + sigmoid(v/mV) + abs(v)/mV + sqrt(v*v)/mV\n"
	      "}\n");
	bool ok;
	run("neuron N {\n  state v = -65 mV\n  param C = 200 pF\n  let q = sqrt(v*v*C/v)\n}\n", &ok);
	ck_assert(ok);
	Var *q = var_of("N", "q");
	ck_assert(q->dim_known);
	ck_assert_str_eq(dim_str(q->dim), dim_str(snn_dim_pow(snn_dim_mul(DIM_VOLT, snn_unit_find("F")->dim), 0.5)));
}
END_TEST

START_TEST(test_literal_zero)
{
	ck_ok("neuron N {\n"
	      "  param tau = 10 ms, El = -65 mV\n"
	      "  state v : mV = 0, w = 0 nA\n"
	      "  let r = max(v - El, 0) + clip(v, 0, El) + (v > 0 ? v : -0)\n"
	      "  tau dv/dt = El - v + 0\n"
	      "  dw/dt = 0\n"
	      "  spike when v > 0\n"
	      "  reset { v = 0; w += 0 }\n"
	      "}\n");
	ck_assert(dim_eq(var_of("N", "v")->dim, DIM_VOLT));
	ck_assert(dim_eq(var_of("N", "r")->dim, DIM_VOLT));
	/* a zero quantity is not a literal zero */
	ck_error("neuron N {\n"
		 "  state v = -65 mV\n"
		 "  on tick { v = 0 ms }\n"
		 "}\n",
		 "t.snn:3:13: error: dimensions differ: left side is volt, right side is second");
}
END_TEST

START_TEST(test_xi)
{
	ck_ok("neuron OU {\n"
	      "  param tau = 10 ms, sigma = 2 mV, mu = -60 mV\n"
	      "  state x = -60 mV\n"
	      "  method euler\n"
	      "  tau dx/dt = mu - x + sigma*sqrt(2*tau)*xi\n"
	      "}\n");
	ck_error("neuron OU {\n"
		 "  param tau = 10 ms, sigma = 2 mV, mu = -60 mV\n"
		 "  state x = -60 mV\n"
		 "  method euler\n"
		 "  tau dx/dt = mu - x + sigma*xi\n"
		 "}\n",
		 "t.snn:5:15: error: dimensions differ: left side is volt, right side is volt/second^0.5");
}
END_TEST

START_TEST(test_declarations)
{
	ck_error("neuron N {\n"
		 "  state v : mV = 10 ms\n"
		 "}\n",
		 "t.snn:2:18: error: dimensions differ: declared volt, initial value is second");
	/* lazy: v's initial value names a param declared later */
	bool ok;
	run("neuron N {\n"
	    "  state v = El\n"
	    "  param tau = 20 ms\n"
	    "  param El = -70 mV\n"
	    "  input I\n"
	    "  tau dv/dt = El - v\n"
	    "}\n", &ok);
	ck_assert(ok);
	ck_assert(dim_eq(var_of("N", "v")->dim, DIM_VOLT));
	ck_assert(dim_eq(var_of("N", "I")->dim, DIM_ONE));
	ck_error("neuron N {\n"
		 "  let a = b + 1\n"
		 "  let b = 2 * a\n"
		 "}\n",
		 "t.snn:2:7: error: let 'a' depends on itself");
}
END_TEST

START_TEST(test_statements_and_powers)
{
	ck_error("neuron N {\n"
		 "  state v = -65 mV\n"
		 "  spike when v > -50 mV\n"
		 "  reset { v += 1 ms }\n"
		 "}\n",
		 "t.snn:4:11: error: dimensions differ: left side is volt, right side is second");
	ck_error("neuron N {\n"
		 "  state v = -65 mV\n"
		 "  on tick { v *= 2 mV }\n"
		 "}\n",
		 "t.snn:3:13: error: factor of *= must be dimensionless, got volt");
	ck_error("neuron N {\n"
		 "  param n = 2\n"
		 "  state v = -65 mV\n"
		 "  let a = v^n\n"
		 "}\n",
		 "t.snn:4:13: error: exponent of a dimensioned base must be a constant");
	ck_ok("neuron N {\n"
	      "  param n = 2, k = 1 mV^-2\n"
	      "  state v = -65 mV\n"
	      "  let a = k*v^2 + (v/mV)^n + pow(v/mV, n) + k*pow(v, 1+1)\n"
	      "  on tick { if v > 0 mV { v *= 0.5 } else { v -= 1 mV } }\n"
	      "}\n");
	ck_error("neuron N {\n"
		 "  state v = -65 mV\n"
		 "  spike when v > -50 mV\n"
		 "  refractory 2 mV\n"
		 "}\n",
		 "t.snn:4:14: error: refractory period must have dimension second, got volt");
}
END_TEST

START_TEST(test_network)
{
	static const char src[] =
		"neuron LIF {\n"
		"  param taum = 20 ms, El = -60 mV\n"
		"  state v = El, ge = 0 mV\n"
		"  input I : nA\n"
		"  taum dv/dt = El - v + ge\n"
		"}\n"
		"synapse Exc {\n"
		"  param w = 0.5 nS\n"
		"  on pre { post.ge += w }\n"
		"}\n"
		"synapse Cur {\n"
		"  param w = 1 nA\n"
		"  on pre { post.I += w }\n"
		"}\n"
		"network net {\n"
		"  pop P = LIF(100) { v = -60 mV + rand() * 10 ms }\n"
		"  pop Q = poisson(10, rate = 15 ms)\n"
		"  connect P -> P : Exc(p = 0.02)\n"
		"  connect Q -> P : Exc(p = 0.1, delay = 1 mV)\n"
		"  connect Q -> P : Cur(w = 2 ms, delay = 1 ms)\n"
		"  connect P -> P : Cur(w = 2 nA, p = 0.5)\n"
		"  run 1 s\n"
		"}\n";
	static const char *const want[] = {
		"t.snn:16:26: error: dimensions differ: left side is volt, right side is second",
		"t.snn:17:30: error: rate must have dimension hertz, got second",
		/* once, although Exc is bound to two connections */
		"t.snn:9:12: error: dimensions differ: left side is volt, right side is siemens",
		"t.snn:19:41: error: delay must have dimension second, got volt",
		"t.snn:20:24: error: dimensions differ: 'w' is ampere, value is second",
	};
	bool ok;
	char *out = run(src, &ok);
	ck_assert(!ok);
	int n = 0;
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strstr(line, "error:"))
			continue;
		ck_assert_msg(n < 5, "unexpected: %s", line);
		ck_assert_str_eq(line, want[n]);
		n++;
	}
	ck_assert_int_eq(n, 5);
}
END_TEST

/* A resolved model built by hand (resolve does not take grad() yet):
 * param C = 1 nF; state v = 0 mV; let g = grad(C*v*v, v). */
static Var *hand_var(Model *m, const char *name, VarKind k, Expr *init)
{
	Var *v = arena_alloc(sizeof *v);
	v->name = name;
	v->kind = k;
	v->model = m;
	v->decl = new_decl(L0, name, NULL, init);
	vec_push(m->vars, v);
	return v;
}

static Expr *ref(Var *v)
{
	Expr *e = NM(v->name);
	e->var = v;
	return e;
}

START_TEST(test_grad)
{
	Model *m = arena_alloc(sizeof *m);
	m->name = "H";
	m->vars = vec_new();
	Var *c = hand_var(m, "C", VK_PARAM, Q(1, "nF"));
	Var *v = hand_var(m, "v", VK_STATE, Q(0, "mV"));
	Expr *g = F("grad", B('*', B('*', ref(c), ref(v)), ref(v)), ref(v));
	g->builtin = FN_GRAD;
	Var *gv = hand_var(m, "g", VK_LET, g);
	Unit u = {.models = vec_new()};
	vec_push(u.models, m);
	ck_assert(check_dims(&u));
	ck_assert_str_eq(dim_str(gv->dim), "coulomb");
	ck_assert(g->has_dim && dim_eq(dim_of(g), gv->dim));
}
END_TEST

Suite *suite_dims(void)
{
	Suite *s = suite_create("dims");
	TCase *tc = tcase_create("const_eval");
	tcase_add_test(tc, test_const_eval);
	tcase_add_test(tc, test_dim_str);
	suite_add_tcase(s, tc);
	tc = tcase_create("check");
	tcase_add_test(tc, test_unbalanced_ode);
	tcase_add_test(tc, test_function_arguments);
	tcase_add_test(tc, test_literal_zero);
	tcase_add_test(tc, test_xi);
	tcase_add_test(tc, test_declarations);
	tcase_add_test(tc, test_statements_and_powers);
	tcase_add_test(tc, test_network);
	tcase_add_test(tc, test_grad);
	suite_add_tcase(s, tc);
	return s;
}
