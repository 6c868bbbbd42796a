/*
 * test_resolve.c — names, kinds and the network IR (resolve.c).
 *
 * Small model texts go through parse_string, resolve and check_dims; the
 * tests then walk the resulting Model/Network and compare with what the
 * text says by hand: which Var each name is bound to and of which kind,
 * which states are held, how rand() sites are numbered, and the sizes,
 * ranges, kinds, names, paths and settings of the network.  Diagnostics
 * are captured (diag_set_stream) and compared as exact text.
 */
#include <check.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "snnc.h"

static Unit *unit;

/* Parse, resolve and check the dimensions of src, read from `path`.
 * Returns the diagnostics ("" if none); *ok is false if any stage failed. */
static char *run_at(const char *path, const char *src, bool *ok)
{
	FILE *f = tmpfile();
	diag_set_stream(f);
	int before = error_count();
	*ok = false;
	unit = NULL;
	Program *p = parse_string(path, src);
	if (p && error_count() == before)
		unit = resolve(p, path);
	if (unit && error_count() == before)
		*ok = check_dims(unit) && error_count() == before;
	diag_set_stream(NULL);
	long n = ftell(f);
	char *text = arena_alloc((size_t)n + 1);
	rewind(f);
	size_t got = fread(text, 1, (size_t)n, f);
	text[got] = '\0';
	fclose(f);
	return text;
}

/* src must go through without a single diagnostic. */
static void ck_ok_at(const char *path, const char *src)
{
	bool ok;
	char *out = run_at(path, src, &ok);
	ck_assert_msg(ok && !*out, "expected no errors, got:\n%s", out);
	ck_assert_ptr_nonnull(unit);
}

static void ck_ok(const char *src)
{
	ck_ok_at("t.snn", src);
}

/* The first line of the diagnostics is exactly `want`. */
static void ck_error(const char *src, const char *want)
{
	bool ok;
	int before = error_count();
	char *out = run_at("t.snn", src, &ok);
	ck_assert_msg(!ok && error_count() > before, "expected an error: %s", want);
	char *nl = strchr(out, '\n');
	if (nl)
		*nl = '\0';
	ck_assert_str_eq(out, want);
}

static Model *model(const char *name)
{
	Model *m = find_model(unit, name);
	ck_assert_msg(m != NULL, "no model %s", name);
	return m;
}

static Var *var(const char *m, const char *name)
{
	Var *v = model_var(model(m), name);
	ck_assert_msg(v != NULL, "no var %s in %s", name, m);
	return v;
}

static Expr *let_expr(const char *m, const char *name)
{
	Var *v = var(m, name);
	ck_assert_int_eq(v->kind, VK_LET);
	return v->decl->init;
}

static Group *group(const char *name)
{
	VEC_EACH(Group *, g, unit->net->groups)
		if (!strcmp(g->name, name))
			return g;
	ck_abort_msg("no group %s", name);
	return NULL;
}

static Pop *pop(const char *name)
{
	VEC_EACH(Pop *, p, unit->net->pops)
		if (!strcmp(p->name, name))
			return p;
	ck_abort_msg("no pop %s", name);
	return NULL;
}

static Conn *conn(int k)
{
	ck_assert_int_gt(unit->net->conns->n, k);
	return unit->net->conns->items[k];
}

static Stmt *stmt(Vec *body, int k)
{
	ck_assert_ptr_nonnull(body);
	ck_assert_int_gt(body->n, k);
	return body->items[k];
}

/* ---- names and kinds */

static const char kinds_src[] =
	"neuron M {\n"
	"  param tau = 10 ms, ms = 3\n"
	"  state v = -65 mV\n"
	"  input I\n"
	"  let y = v * ms\n"
	"  let z = 2 ms\n"
	"  let w = tau * mV / v\n"
	"  let q = t + dt * (i + N)\n"
	"  tau dv/dt = -v + I * mV + y\n"
	"}\n";

START_TEST(test_kinds)
{
	ck_ok(kinds_src);
	Model *m = model("M");
	ck_assert(!m->synapse);
	ck_assert_int_eq(m->vars->n, 8);
	static const struct { const char *name; VarKind kind; } want[] = {
		{"tau", VK_PARAM}, {"ms", VK_PARAM}, {"v", VK_STATE}, {"I", VK_INPUT},
		{"y", VK_LET}, {"z", VK_LET}, {"w", VK_LET}, {"q", VK_LET},
	};
	for (int k = 0; k < 8; k++) {
		Var *v = m->vars->items[k];
		ck_assert_str_eq(v->name, want[k].name);
		ck_assert_int_eq(v->kind, want[k].kind);
		ck_assert_ptr_eq(v->model, m);
	}
	/* y = v * ms: ms is the param, not the unit */
	Expr *y = let_expr("M", "y");
	ck_assert_int_eq(y->kind, EX_BINARY);
	ck_assert_ptr_eq(y->a->var, var("M", "v"));
	ck_assert_ptr_eq(y->b->var, var("M", "ms"));
	ck_assert_int_eq(y->b->var->kind, VK_PARAM);
	ck_assert(dim_eq(var("M", "y")->dim, DIM_VOLT));   /* volt * 1, not volt*second */
	/* z = 2 ms stays a quantity */
	Expr *z = let_expr("M", "z");
	ck_assert_int_eq(z->kind, EX_QTY);
	ck_assert_str_eq(z->name, "ms");
	ck_assert(dim_eq(var("M", "z")->dim, DIM_TIME));
	/* w = (tau * mV) / v: mV is a unit used as a factor */
	Expr *w = let_expr("M", "w");
	Expr *mv = w->a->b;
	ck_assert_str_eq(mv->name, "mV");
	ck_assert_ptr_nonnull(mv->var);
	ck_assert_int_eq(mv->var->kind, VK_UNIT);
	ck_assert_double_eq_tol(mv->var->unit_factor, 1e-3, 1e-18);
	ck_assert(dim_eq(var("M", "w")->dim, DIM_TIME));
	/* q = t + dt * (i + N): built-ins */
	Expr *q = let_expr("M", "q");
	ck_assert_int_eq(q->a->var->kind, VK_BUILTIN);
	ck_assert_int_eq(q->a->builtin, BI_T);
	ck_assert_int_eq(q->b->a->builtin, BI_DT);
	ck_assert_int_eq(q->b->b->a->builtin, BI_I);
	ck_assert_int_eq(q->b->b->b->builtin, BI_N);
	/* the ODE is attached to v; its rhs reads the input and the let */
	Var *v = var("M", "v");
	ck_assert_int_eq(m->odes->n, 1);
	ck_assert_ptr_eq(v->ode, m->odes->items[0]);
	ck_assert_ptr_eq(v->ode->coef->var, var("M", "tau"));
	Expr *rhs = v->ode->value;     /* (-v + I*mV) + y */
	ck_assert_ptr_eq(rhs->b->var, var("M", "y"));
	ck_assert_ptr_eq(rhs->a->b->a->var, var("M", "I"));
	ck_assert_int_eq(rhs->a->b->b->var->kind, VK_UNIT);
	ck_assert(!m->uses_xi);
	ck_assert_ptr_null(unit->net);
}
END_TEST

START_TEST(test_builtins_shared)
{
	ck_ok("neuron M {\n"
	      "  state v = 0 mV\n"
	      "  let a = t - t_last\n"
	      "  let b = t * spiked\n"
	      "  spike when v > 1 mV\n"
	      "}\n");
	Expr *a = let_expr("M", "a"), *b = let_expr("M", "b");
	ck_assert_int_eq(a->b->builtin, BI_T_LAST);
	ck_assert_int_eq(b->b->builtin, BI_SPIKED);
	/* one Var per built-in per model */
	ck_assert_ptr_eq(a->a->var, b->a->var);
	ck_assert_ptr_eq(a->a->var->model, model("M"));
	ck_assert(dim_eq(var("M", "a")->dim, DIM_TIME));
}
END_TEST

START_TEST(test_name_errors)
{
	ck_error("neuron M {\n  state t = 0\n}\n",
		 "t.snn:2:9: error: 't' is a built-in name and cannot be declared");
	ck_error("neuron M {\n  param a = 1, spikes = 2\n}\n",
		 "t.snn:2:16: error: 'spikes' cannot be a variable name");
	ck_error("neuron M {\n  param a = 1\n  let b = a + c\n}\n",
		 "t.snn:3:15: error: unknown name 'c'");
	ck_error("neuron M {\n  param a = 1\n  state a = 2\n}\n",
		 "t.snn:3:9: error: 'a' is already declared in neuron 'M'");
	ck_error("neuron M {\n  param a = 1\n  on tick { a = 2 }\n}\n",
		 "t.snn:3:13: error: cannot assign to param 'a'");
	ck_error("neuron M {\n  state v = 0\n  let b = foo(v)\n}\n",
		 "t.snn:3:11: error: unknown function 'foo'");
	ck_error("neuron M {\n  state v = 0\n  let b = exp(v, v)\n}\n",
		 "t.snn:3:11: error: exp() takes 1 argument, got 2");
}
END_TEST

START_TEST(test_held)
{
	ck_ok("neuron M {\n"
	      "  param Vr = -60 mV, b = 1 mV\n"
	      "  state v = -65 mV, w = 0 mV, u = 0 mV, s = 0 mV\n"
	      "  dv/dt = -v / (10 ms)\n"
	      "  spike when v > -50 mV\n"
	      "  reset {\n"
	      "    v = Vr\n"
	      "    if v > 0 mV { s = b } else { w += b }\n"
	      "  }\n"
	      "  on tick { u = u + b }\n"
	      "  refractory 2 ms\n"
	      "}\n");
	Model *m = model("M");
	ck_assert(var("M", "v")->held);
	ck_assert(var("M", "w")->held);          /* in the else branch */
	ck_assert(var("M", "s")->held);          /* in the then branch */
	ck_assert(!var("M", "u")->held);         /* assigned, but not in reset */
	ck_assert(var("M", "u")->assigned);
	ck_assert(!var("M", "Vr")->held);
	ck_assert_int_eq(m->reset->n, 2);
	ck_assert_int_eq(m->on_tick->n, 1);
	ck_assert_ptr_nonnull(m->spike);
	ck_assert_ptr_nonnull(m->refractory);
	ck_assert_ptr_eq(stmt(m->reset, 0)->target->var, var("M", "v"));
}
END_TEST

/* ---- rand() sites */

static void mark_site(bool *seen, int nsites, const Expr *e)
{
	ck_assert_int_eq(e->kind, EX_CALL);
	ck_assert_msg(e->site >= 0 && e->site < nsites, "site %d of %d", e->site, nsites);
	ck_assert_msg(!seen[e->site], "site %d used twice", e->site);
	seen[e->site] = true;
}

START_TEST(test_rand_sites)
{
	ck_ok("neuron M {\n"
	      "  state a = rand(), b = randn()\n"
	      "  let c = rand() + rand()\n"
	      "  on tick { a = rand() }\n"
	      "}\n"
	      "network net {\n"
	      "  pop P = M(10) { b = randn() }\n"
	      "  run 1 ms\n"
	      "}\n");
	Model *m = model("M");
	ck_assert_int_eq(m->nsites, 6);
	bool seen[6] = {0};
	mark_site(seen, 6, var("M", "a")->decl->init);
	mark_site(seen, 6, var("M", "b")->decl->init);
	mark_site(seen, 6, let_expr("M", "c")->a);
	mark_site(seen, 6, let_expr("M", "c")->b);
	mark_site(seen, 6, stmt(m->on_tick, 0)->value);
	Init *in = pop("P")->inits->items[0];
	ck_assert_ptr_eq(in->var, var("M", "b"));
	mark_site(seen, 6, in->value);
	for (int k = 0; k < 6; k++)
		ck_assert(seen[k]);
}
END_TEST

/* ---- synapses: pre./post. bound per connection */

static const char neurons_src[] =
	"neuron LIF {\n"
	"  param tau = 10 ms\n"
	"  state v = 0 mV, ge = 0 mV\n"
	"  input I : nA\n"
	"  tau dv/dt = -v + ge\n"
	"  spike when v > 1 mV\n"
	"  reset { v = 0 mV }\n"
	"}\n"
	"neuron Other {\n"
	"  param tau = 5 ms\n"
	"  state ge = 0 mV, v = 0 mV\n"
	"  tau dge/dt = -ge\n"
	"}\n";

START_TEST(test_prepost)
{
	char *src = arena_printf("%s"
		"synapse Exc {\n"
		"  param c = 1 nA\n"
		"  state w = 1 mV\n"
		"  on pre { post.ge += w * (pre.v > 0 mV ? 1 : 0); post.I += c * pre.spiked }\n"
		"}\n"
		"network net {\n"
		"  pop P = LIF(10)\n"
		"  connect P -> P : Exc(p = 0.5) as syn\n"
		"  run 1 ms\n"
		"}\n", neurons_src);
	ck_ok(src);
	Model *lif = model("LIF");
	Conn *c = conn(0);
	ck_assert_str_eq(c->name, "syn");
	ck_assert(c->syn->synapse);
	ck_assert_ptr_ne(c->syn, model("Exc"));         /* an instance, not the template */
	ck_assert_str_eq(c->syn->name, "Exc");
	Stmt *s0 = stmt(c->syn->on_pre, 0), *s1 = stmt(c->syn->on_pre, 1);
	ck_assert_ptr_eq(s0->target->var, model_var(lif, "ge"));
	ck_assert_int_eq(s0->target->side, 2);
	ck_assert_ptr_eq(s0->value->a->var, model_var(c->syn, "w"));   /* own var */
	Expr *prev = s0->value->b->a->a;                /* pre.v in (pre.v > 0 mV) */
	ck_assert_int_eq(prev->kind, EX_MEMBER);
	ck_assert_ptr_eq(prev->var, model_var(lif, "v"));
	ck_assert_int_eq(prev->side, 1);
	ck_assert_ptr_eq(s1->target->var, model_var(lif, "I"));
	ck_assert_int_eq(s1->target->var->kind, VK_INPUT);
	Expr *sp = s1->value->b;
	ck_assert_int_eq(sp->side, 1);
	ck_assert_int_eq(sp->var->kind, VK_BUILTIN);
	ck_assert_int_eq(sp->var->builtin, BI_SPIKED);
	ck_assert_ptr_eq(sp->var->model, lif);
}
END_TEST

/* Two connections of one synapse model to two different neuron models:
 * each instance must read its own post model's variables (each resolves its
 * own copy of the synapse), and a dimension mismatch of either is reported. */
START_TEST(test_prepost_two_models)
{
	char *src = arena_printf("%s"
		"synapse Exc {\n"
		"  param w = 1 mV\n"
		"  on pre { post.ge += w }\n"
		"}\n"
		"network net {\n"
		"  pop A = LIF(10)\n"
		"  pop B = Other(10)\n"
		"  connect A -> A : Exc(p = 0.5)\n"
		"  connect A -> B : Exc(p = 0.5)\n"
		"  run 1 ms\n"
		"}\n", neurons_src);
	ck_ok(src);
	Conn *c0 = conn(0), *c1 = conn(1);
	ck_assert_ptr_ne(c0->syn, c1->syn);
	ck_assert_ptr_eq(stmt(c1->syn->on_pre, 0)->target->var, var("Other", "ge"));
	ck_assert_ptr_eq(stmt(c0->syn->on_pre, 0)->value->var, model_var(c0->syn, "w"));
	ck_assert_ptr_eq(stmt(c0->syn->on_pre, 0)->target->var, var("LIF", "ge"));
}
END_TEST

START_TEST(test_prepost_errors)
{
	char *src = arena_printf("%s"
		"synapse Exc {\n"
		"  param w = 1 mV\n"
		"  on pre { post.gx += w }\n"
		"}\n"
		"network net {\n"
		"  pop P = LIF(10)\n"
		"  connect P -> P : Exc(p = 0.5)\n"
		"  run 1 ms\n"
		"}\n", neurons_src);
	ck_error(src, "t.snn:16:12: error: the post neuron model 'LIF' has no variable 'gx'");
	ck_error("neuron M {\n  state v = 0\n  let a = post.v\n}\n",
		 "t.snn:3:11: error: 'post.v' is only meaningful inside a synapse");
}
END_TEST

/* ---- the network */

static const char net_src[] =
	"neuron LIF {\n"
	"  param tau = 10 ms\n"
	"  state v = 0 mV, ge = 0 mV\n"
	"  tau dv/dt = -v + ge\n"
	"  spike when v > 1 mV\n"
	"  reset { v = 0 mV }\n"
	"}\n"
	"synapse Exc {\n"
	"  state w = 1 mV\n"
	"  on pre { post.ge += w }\n"
	"}\n"
	"network net {\n"
	"  dt = 0.05 ms\n"
	"  method = rk4\n"
	"  seed = 42\n"
	"  precision = single\n"
	"  pop P = LIF(4000) { v = 1 mV }\n"
	"  pop Pin = poisson(100, rate = 15 Hz)\n"
	"  pop G = spikes(2, times = [1 ms, 2 ms], index = [0, 1])\n"
	"  pop Q = LIF(100)\n"
	"  let E = P[0:3200]\n"
	"  let I = P[3200:4000]\n"
	"  let I2 = I[10:20]\n"
	"  connect E -> P : Exc(p = 0.02)\n"
	"  connect I -> P : Exc(fan_in = 80, delay = 1 ms)\n"
	"  connect Pin -> Q : Exc(one_to_one)\n"
	"  connect P -> P : Exc(delay = rand() * 2 ms) as syn\n"
	"  connect G -> I2 : Exc(all_to_all, w = 2 mV)\n"
	"  record P.spikes\n"
	"  record E.v[0:10] every 1 ms\n"
	"  record syn.w every 10 ms\n"
	"  run 100 ms\n"
	"}\n";

START_TEST(test_network_settings)
{
	ck_ok(net_src);
	Network *n = unit->net;
	ck_assert_ptr_nonnull(n);
	ck_assert_str_eq(n->name, "net");
	ck_assert_double_eq_tol(n->dt, 5e-5, 1e-18);
	ck_assert_str_eq(n->method, "rk4");
	ck_assert_uint_eq(n->seed, 42);
	ck_assert(n->single);
	ck_assert(n->has_run);
	ck_assert_double_eq_tol(n->duration, 0.1, 1e-15);
	ck_assert_int_eq(n->batch, 1);
	ck_assert_str_eq(n->source, "t.snn");
	/* defaults */
	ck_ok("neuron M {\n  state v = 0\n}\nnetwork d {\n  pop P = M(1)\n  run 2 s\n}\n");
	n = unit->net;
	ck_assert_double_eq_tol(n->dt, 1e-4, 1e-18);
	ck_assert_str_eq(n->method, "euler");
	ck_assert_uint_eq(n->seed, 1);
	ck_assert(!n->single);
	ck_assert_int_eq(n->batch, 1);
	ck_assert_double_eq_tol(n->duration, 2, 1e-15);
	ck_assert_int_eq(n->conns->n, 0);
	ck_assert_int_eq(n->records->n, 0);
}
END_TEST

START_TEST(test_network_pops)
{
	ck_ok(net_src);
	Network *n = unit->net;
	ck_assert_int_eq(n->pops->n, 4);
	Pop *p = pop("P"), *pin = pop("Pin"), *g = pop("G"), *q = pop("Q");
	ck_assert_int_eq(p->kind, POP_NEURON);
	ck_assert_ptr_eq(p->model, model("LIF"));
	ck_assert_int_eq(p->n, 4000);
	ck_assert_int_eq(p->inits->n, 1);
	ck_assert_ptr_eq(((Init *)p->inits->items[0])->var, var("LIF", "v"));
	ck_assert_int_eq(q->n, 100);
	ck_assert_int_eq(pin->kind, POP_POISSON);
	ck_assert_int_eq(pin->n, 100);
	double v;
	Dim d;
	ck_assert(const_eval(pin->rate, &v, &d));
	ck_assert_double_eq_tol(v, 15, 1e-12);
	ck_assert_int_eq(g->kind, POP_SPIKES);
	ck_assert_int_eq(g->n, 2);
	ck_assert_int_eq(g->times->n, 2);
	ck_assert_int_eq(g->index_list->n, 2);
	ck_assert(const_eval(g->times->items[1], &v, &d));
	ck_assert_double_eq_tol(v, 2e-3, 1e-15);
	/* the four indices are distinct and in order */
	for (int k = 0; k < 4; k++)
		ck_assert_int_eq(((Pop *)n->pops->items[k])->index, k);
	/* a population is its own group (whole: hi = -1), slices are groups */
	Group *gp = group("P");
	ck_assert_ptr_eq(gp->pop, p);
	ck_assert_int_eq(gp->lo, 0);
	ck_assert_int_eq(gp->hi, -1);
	Group *e = group("E"), *i = group("I"), *i2 = group("I2");
	ck_assert_ptr_eq(e->pop, p);
	ck_assert_int_eq(e->lo, 0);
	ck_assert_int_eq(e->hi, 3200);
	ck_assert_ptr_eq(i->pop, p);
	ck_assert_int_eq(i->lo, 3200);
	ck_assert_int_eq(i->hi, 4000);
	ck_assert_ptr_eq(i2->pop, p);          /* a slice of a slice is relative to it */
	ck_assert_int_eq(i2->lo, 3210);
	ck_assert_int_eq(i2->hi, 3220);
}
END_TEST

START_TEST(test_network_conns)
{
	ck_ok(net_src);
	ck_assert_int_eq(unit->net->conns->n, 5);
	static const struct { const char *name, *pre, *post; int kind; } want[] = {
		{"E_P_0", "E", "P", SNN_CONN_P},
		{"I_P_1", "I", "P", SNN_CONN_FAN_IN},
		{"Pin_Q_2", "Pin", "Q", SNN_CONN_ONE},
		{"syn", "P", "P", SNN_CONN_ALL},
		{"G_I2_4", "G", "I2", SNN_CONN_ALL},
	};
	for (int k = 0; k < 5; k++) {
		Conn *c = conn(k);
		ck_assert_str_eq(c->name, want[k].name);
		ck_assert_str_eq(c->pre.name, want[k].pre);
		ck_assert_str_eq(c->post.name, want[k].post);
		ck_assert_int_eq(c->kind, want[k].kind);
		ck_assert_int_eq(c->index, k);
		ck_assert_str_eq(c->syn->name, "Exc");
	}
	double v;
	Dim d;
	ck_assert(const_eval(conn(0)->p, &v, &d));
	ck_assert_double_eq_tol(v, 0.02, 1e-15);
	ck_assert_int_eq(conn(0)->pre.lo, 0);
	ck_assert_int_eq(conn(0)->pre.hi, 3200);
	ck_assert_ptr_null(conn(0)->delay);
	ck_assert(!conn(0)->hetero_delay);
	ck_assert_int_eq(conn(1)->fan_in, 80);
	ck_assert_ptr_nonnull(conn(1)->delay);
	ck_assert(!conn(1)->hetero_delay);               /* delay = 1 ms */
	ck_assert(const_eval(conn(1)->delay, &v, &d));
	ck_assert_double_eq_tol(v, 1e-3, 1e-15);
	ck_assert(conn(3)->hetero_delay);                /* delay = rand() * 2 ms */
	ck_assert_int_eq(conn(4)->post.lo, 3210);
	ck_assert_int_eq(conn(4)->post.hi, 3220);
	ck_assert_int_eq(conn(4)->inits->n, 1);
	Init *in = conn(4)->inits->items[0];
	ck_assert_ptr_eq(in->var, model_var(conn(4)->syn, "w"));
	/* generators as pre: the post still binds to LIF */
	ck_assert_ptr_eq(stmt(conn(4)->syn->on_pre, 0)->target->var, var("LIF", "ge"));
}
END_TEST

START_TEST(test_network_records)
{
	ck_ok(net_src);
	Vec *rs = unit->net->records;
	ck_assert_int_eq(rs->n, 3);
	Record *r0 = rs->items[0], *r1 = rs->items[1], *r2 = rs->items[2];
	ck_assert_str_eq(r0->stem, "P");
	ck_assert_ptr_null(r0->var);
	ck_assert_ptr_null(r0->conn);
	ck_assert_ptr_eq(r0->group.pop, pop("P"));
	ck_assert_int_eq(r0->i1, -1);
	ck_assert_double_eq(r0->every, 0);
	ck_assert_str_eq(r1->stem, "E.v");
	ck_assert_ptr_eq(r1->var, var("LIF", "v"));
	ck_assert_str_eq(r1->group.name, "E");
	ck_assert_int_eq(r1->group.lo, 0);
	ck_assert_int_eq(r1->group.hi, 3200);
	ck_assert_int_eq(r1->i0, 0);
	ck_assert_int_eq(r1->i1, 10);
	ck_assert_double_eq_tol(r1->every, 1e-3, 1e-15);
	ck_assert_str_eq(r2->stem, "syn.w");
	ck_assert_ptr_eq(r2->conn, conn(3));
	ck_assert_ptr_eq(r2->var, model_var(conn(3)->syn, "w"));
	ck_assert_double_eq_tol(r2->every, 1e-2, 1e-15);
}
END_TEST

/* weights, mask and from_file paths become absolute, relative to the .snn */
static const char paths_src[] =
	"neuron LIF {\n"
	"  state v = 0 mV\n"
	"}\n"
	"synapse W {\n"
	"  state w = 1 mV\n"
	"  on pre { post.v += w }\n"
	"}\n"
	"network net {\n"
	"  pop A = LIF(3)\n"
	"  pop Img = from_file(\"data/img.npy\", present = 50 ms)\n"
	"  connect A -> A : W(weights = \"data/w.npy\")\n"
	"  connect A -> A : W(p = 0.5, mask = \"m.npy\")\n"
	"  connect A -> A : W(weights = \"/abs/w.npy\")\n"
	"  run 1 ms\n"
	"}\n";

START_TEST(test_paths)
{
	char tmpl[] = "/tmp/snnc_resolve_XXXXXX";
	char *dir = mkdtemp(tmpl);
	ck_assert_ptr_nonnull(dir);
	char real[PATH_MAX];
	ck_assert_ptr_nonnull(realpath(dir, real));
	ck_ok_at(arena_printf("%s/m.snn", dir), paths_src);
	rmdir(dir);
	Pop *img = pop("Img");
	ck_assert_int_eq(img->kind, POP_FROM_FILE);
	ck_assert_str_eq(img->path, arena_printf("%s/data/img.npy", real));
	ck_assert_int_eq(img->ff_mode, SNN_FF_RATES);
	ck_assert_int_eq(conn(0)->kind, SNN_CONN_WEIGHTS);
	ck_assert_str_eq(conn(0)->weights, arena_printf("%s/data/w.npy", real));
	ck_assert_int_eq(conn(1)->kind, SNN_CONN_P);
	ck_assert_str_eq(conn(1)->mask, arena_printf("%s/m.npy", real));
	ck_assert_str_eq(conn(2)->weights, "/abs/w.npy");
	/* a relative model path: relative to the working directory */
	char cwd[PATH_MAX];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	ck_assert_ptr_nonnull(realpath(cwd, real));
	ck_ok_at("m.snn", paths_src);
	ck_assert_str_eq(conn(0)->weights, arena_printf("%s/data/w.npy", real));
	ck_assert_int_eq(conn(0)->weights[0], '/');
}
END_TEST

START_TEST(test_network_errors)
{
	static const char head[] =
		"neuron LIF {\n"
		"  state v = 0 mV\n"
		"}\n"
		"synapse S {\n"
		"  param w = 1 mV\n"
		"  on pre { post.v += w }\n"
		"}\n"
		"network net {\n"
		"  pop P = LIF(100)\n";
	static const struct { const char *item, *want; } cases[] = {
		{"  let E = P[0:200]\n",
		 "t.snn:10:11: error: slice [0:200] out of range: need 0 <= a < b <= 100"},
		{"  connect P -> P : S(p = 1.5)\n",
		 "t.snn:10:26: error: p must lie in [0, 1], got 1.5"},
		{"  connect P -> P : S(fan_in = 101)\n",
		 "t.snn:10:22: error: fan_in = 101 is larger than the presynaptic group (100 neurons)"},
		{"  pop P = LIF(3)\n",
		 "t.snn:10:7: error: 'P' is already declared in network 'net'"},
		{"  record P.x\n",
		 "t.snn:10:10: error: population 'P' has no variable 'x'"},
		{"  record P.v every 0.15 ms\n",
		 "t.snn:10:20: error: every must be a whole multiple of dt (0.15 ms is not a multiple of 0.1 ms)"},
		{"  pop Q = Nope(3)\n",
		 "t.snn:10:11: error: unknown neuron model 'Nope'"},
		{"  delta = 3\n",
		 "t.snn:10:3: error: unknown network setting 'delta' (expected dt, method, seed, precision or batch)"},
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
		ck_error(arena_printf("%s%s  run 1 s\n}\n", head, cases[k].item), cases[k].want);
	ck_error(arena_printf("%s}\n", head), "t.snn:8:1: error: network 'net' has no 'run' (e.g. run 1 s)");
}
END_TEST

/* ---- big and deep models */

/* A neuron with a chain of n lets L0 = v, Lk = L(k-1) + 1 mV, ending in
 * `END = L(n-1)` (a param or a state). */
static char *let_chain(int n, const char *end)
{
	size_t cap = (size_t)n * 40 + 200, len = 0;
	char *src = arena_alloc(cap);
	len += (size_t)snprintf(src + len, cap - len, "neuron N {\n  state v = 0 mV\n  let L0 = v\n");
	for (int k = 1; k < n; k++)
		len += (size_t)snprintf(src + len, cap - len, "  let L%d = L%d + 1 mV\n", k, k - 1);
	snprintf(src + len, cap - len, "  %s q = L%d\n}\n", end, n - 1);
	return src;
}

/* A param reads a state through 150 lets (the old check gave up after 100
 * and let it through to the C compiler); 4500 lets are no false cycle
 * (LET_EXPAND_MAX: each `Lk = Lk-1 + 1 mV` nests two levels, L0 one);
 * one more let is "too deep", at the let that crosses the limit. */
START_TEST(test_let_chains)
{
	ck_error(let_chain(150, "param"), "t.snn:153:13: error: 'q' is a param, shared by the whole "
		 "population: its value cannot vary per element (declare it as a state for "
		 "per-element values)");
	int n = (LET_EXPAND_MAX - 1) / 2 + 1;      /* L(n-1) nests 2n - 1 deep */
	ck_ok(let_chain(n, "state"));
	Var *last = var("N", arena_printf("L%d", n - 1));
	ck_assert_int_eq(last->let_depth, n);
	ck_assert_int_eq(last->expand_depth, 2 * n - 1);
	ck_assert(dim_eq(last->dim, DIM_VOLT));
	ck_error(let_chain(n + 1, "state"),
		 arena_printf("t.snn:%d:7: error: model too deep to compile: let 'L%d' is the end of "
			      "a chain of %d lets that nests %d deep expanded (at most %d)",
			      n + 3, n, n + 1, 2 * n + 1, LET_EXPAND_MAX));
	/* a long chain of params (dimension from the previous one) */
	size_t cap = 5000 * 40 + 100, len = 0;
	char *src = arena_alloc(cap);
	len += (size_t)snprintf(src + len, cap - len, "neuron P {\n  param a0 = 1 mV\n");
	for (int k = 1; k < 5000; k++)
		len += (size_t)snprintf(src + len, cap - len, "  param a%d = a%d * 2\n", k, k - 1);
	snprintf(src + len, cap - len, "}\n");
	ck_ok(src);
	ck_assert(dim_eq(var("P", "a4999")->dim, DIM_VOLT));
}
END_TEST

/* 20 000 params and lets, 20 000 populations and connections: names are
 * found in maps (the list searches took 32 s here). */
START_TEST(test_many_names)
{
	int n = 20000;
	size_t cap = (size_t)n * 200 + 400, len = 0;
	char *src = arena_alloc(cap);
	len += (size_t)snprintf(src + len, cap - len, "neuron N {\n  state v = 0 mV\n");
	for (int k = 0; k < n; k++)
		len += (size_t)snprintf(src + len, cap - len, "  param p%d = %d mV\n  let l%d = p%d + v\n",
					k, k, k, k);
	len += (size_t)snprintf(src + len, cap - len, "}\nsynapse S {\n  param w = 1 mV\n"
				"  on pre { post.v += w }\n}\nnetwork net {\n");
	for (int k = 0; k < n; k++)
		len += (size_t)snprintf(src + len, cap - len, "  pop P%d = N(1)\n", k);
	for (int k = 1; k < n; k++)
		len += (size_t)snprintf(src + len, cap - len,
					"  connect P%d -> P%d : S(one_to_one) as C%d\n", k - 1, k, k);
	snprintf(src + len, cap - len, "  record C%d.w\n  run 1 ms\n}\n", n - 1);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_ok(src);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
	ck_assert_msg(secs < 10, "20 000 names took %.1f s", secs);
	ck_assert_int_eq(unit->net->conns->n, n - 1);
	Record *r = unit->net->records->items[0];
	ck_assert_ptr_eq(r->conn, conn(n - 2));
	ck_assert_ptr_eq(var("N", "l19999")->decl->init->a->var, var("N", "p19999"));
}
END_TEST

/* Network items in any order (a record above its connection and its
 * population); a poisson population's rate can be recorded: a VK_PARAM
 * named rate, in hertz. */
START_TEST(test_any_order_and_rate)
{
	ck_ok("neuron N {\n  state v = 0 mV\n}\n"
	      "synapse S {\n  param w = 1 mV\n  on pre { post.v += w }\n}\n"
	      "network net {\n"
	      "  record C.w\n"
	      "  record G.rate\n"
	      "  connect G -> E : S(one_to_one) as C\n"
	      "  let E = P[0:3]\n"
	      "  pop P = N(4)\n"
	      "  pop G = poisson(3, rate = 5 Hz)\n"
	      "  run 1 ms\n}\n");
	Record *rc = unit->net->records->items[0], *rr = unit->net->records->items[1];
	ck_assert_ptr_eq(rc->conn, conn(0));
	ck_assert_str_eq(rc->stem, "C.w");
	ck_assert_ptr_eq(conn(0)->pre.pop, pop("G"));
	ck_assert_int_eq(conn(0)->post.hi, 3);
	ck_assert_str_eq(rr->stem, "G.rate");
	ck_assert_ptr_nonnull(rr->var);
	ck_assert_int_eq(rr->var->kind, VK_PARAM);
	ck_assert_str_eq(rr->var->name, "rate");
	ck_assert(dim_eq(rr->var->dim, snn_dim_div(DIM_ONE, DIM_TIME)));
	ck_assert_ptr_eq(rr->group.pop, pop("G"));
}
END_TEST

Suite *suite_resolve(void)
{
	Suite *s = suite_create("resolve");
	TCase *tc = tcase_create("models");
	tcase_add_test(tc, test_kinds);
	tcase_add_test(tc, test_builtins_shared);
	tcase_add_test(tc, test_name_errors);
	tcase_add_test(tc, test_held);
	tcase_add_test(tc, test_rand_sites);
	tcase_add_test(tc, test_prepost);
	tcase_add_test(tc, test_prepost_two_models);
	tcase_add_test(tc, test_prepost_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("network");
	tcase_add_test(tc, test_network_settings);
	tcase_add_test(tc, test_network_pops);
	tcase_add_test(tc, test_network_conns);
	tcase_add_test(tc, test_network_records);
	tcase_add_test(tc, test_paths);
	tcase_add_test(tc, test_network_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("big");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_let_chains);
	tcase_add_test(tc, test_many_names);
	tcase_add_test(tc, test_any_order_and_rate);
	suite_add_tcase(s, tc);
	return s;
}
