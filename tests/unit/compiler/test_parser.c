/*
 * test_parser.c — the grammar of parser.y and the import expansion of
 * parse.c.  Expressions are checked through an s-expression printer written
 * here, independent of ast.c's expr_print, against trees worked out by hand
 * from the precedence table of LANGUAGE.md §3.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snnc.h"

/* ---- an independent printer: (op a b), names and numbers as written */

static void sx(FILE *f, const Expr *e);

static void sx_list(FILE *f, const Vec *v)
{
	VEC_EACH(Expr *, x, v) {
		fputc(' ', f);
		sx(f, x);
	}
}

static const char *opname(int op)
{
	switch (op) {
	case OP_LE: return "<=";
	case OP_GE: return ">=";
	case OP_EQ: return "==";
	case OP_NE: return "!=";
	case OP_AND: return "and";
	case OP_OR: return "or";
	case OP_NOT: return "not";
	case OP_NEG: return "neg";
	case OP_PLUS: return "pos";
	}
	static char buf[2];
	buf[0] = (char)op;
	return buf;
}

static void sx(FILE *f, const Expr *e)
{
	switch (e->kind) {
	case EX_NUM: fprintf(f, "%g", e->num); break;
	case EX_QTY: fprintf(f, "%g_%s", e->num, e->name); break;
	case EX_NAME: fputs(e->name, f); break;
	case EX_DERIV: fprintf(f, "(deriv %s)", e->name); break;
	case EX_PRE: fputs("PRE", f); break;
	case EX_POST: fputs("POST", f); break;
	case EX_STRING: fprintf(f, "\"%s\"", e->str); break;
	case EX_MEMBER: fputs("(. ", f); sx(f, e->a); fprintf(f, " %s)", e->name); break;
	case EX_SLICE:
		fputs("(slice ", f); sx(f, e->a); fputc(' ', f); sx(f, e->b);
		fputc(' ', f); sx(f, e->c); fputc(')', f);
		break;
	case EX_UNARY: fprintf(f, "(%s ", opname(e->op)); sx(f, e->a); fputc(')', f); break;
	case EX_BINARY:
		fprintf(f, "(%s ", opname(e->op)); sx(f, e->a); fputc(' ', f); sx(f, e->b); fputc(')', f);
		break;
	case EX_COND:
		fputs("(? ", f); sx(f, e->a); fputc(' ', f); sx(f, e->b); fputc(' ', f); sx(f, e->c);
		fputc(')', f);
		break;
	case EX_CALL: fprintf(f, "(call %s", e->name); sx_list(f, e->args); fputc(')', f); break;
	case EX_ARG: fprintf(f, "(= %s ", e->name); sx(f, e->a); fputc(')', f); break;
	case EX_LIST: fputs("(list", f); sx_list(f, e->args); fputc(')', f); break;
	}
}

static char *to_sx(const Expr *e)
{
	char *s;
	size_t n;
	FILE *f = open_memstream(&s, &n);
	sx(f, e);
	fclose(f);
	return s;
}

static char *printed(const Expr *e)
{
	char *s;
	size_t n;
	FILE *f = open_memstream(&s, &n);
	expr_print(f, e);
	fclose(f);
	return s;
}

/* Parse text quietly; diagnostics into *diag when diag is not NULL. */
static Program *parse_quiet(const char *text, char **diag)
{
	char *errs;
	size_t n;
	FILE *e = open_memstream(&errs, &n);
	diag_set_stream(e);
	Program *p = parse_string("m.snn", text);
	diag_set_stream(NULL);
	fclose(e);
	if (diag)
		*diag = errs;
	else
		free(errs);
	return p;
}

/* The expression src, as the value of a `let` in a neuron. */
static Expr *parse_expr(const char *src)
{
	char *text = arena_printf("neuron A {\n  let y = %s\n}\n", src);
	char *diag;
	Program *p = parse_quiet(text, &diag);
	ck_assert_msg(p != NULL, "\"%s\" does not parse:\n%s", src, diag);
	free(diag);
	TopDecl *t = p->decls->items[0];
	Member *m = t->members->items[0];
	ck_assert_int_eq(m->kind, MB_LET);
	Decl *d = m->decls->items[0];
	ck_assert_str_eq(d->name, "y");
	return d->init;
}

static void check_expr(const char *src, const char *want)
{
	Expr *e = parse_expr(src);
	char *got = to_sx(e);
	ck_assert_msg(strcmp(got, want) == 0, "%s:\n got  %s\n want %s", src, got, want);
	free(got);
	/* expr_print reads back as the same tree */
	char *again = printed(e);
	char *got2 = to_sx(parse_expr(again));
	ck_assert_msg(strcmp(got2, want) == 0, "%s printed as %s reads back as %s", src, again, got2);
	free(again);
	free(got2);
}

static void check_syntax_error(const char *text, const char *want_prefix)
{
	char *diag;
	Program *p = parse_quiet(text, &diag);
	ck_assert_msg(p == NULL, "accepted: %s", text);
	ck_assert_msg(strncmp(diag, want_prefix, strlen(want_prefix)) == 0,
		"got [%s]\nwant a start of [%s]", diag, want_prefix);
	free(diag);
}

START_TEST(test_precedence)
{
	check_expr("-x^2", "(neg (^ x 2))");
	check_expr("a ? b : c ? d : e", "(? a b (? c d e))");
	check_expr("not a == b", "(not (== a b))");
	check_expr("1 + 2 * 3", "(+ 1 (* 2 3))");
	check_expr("(1 + 2) * 3", "(* (+ 1 2) 3)");
	check_expr("a - b - c", "(- (- a b) c)");
	check_expr("a / b * c", "(* (/ a b) c)");
	check_expr("a - (b - c)", "(- a (- b c))");
	check_expr("2^-1", "(^ 2 (neg 1))");
	check_expr("a^b^c", "(^ a (^ b c))");
	check_expr("(a^b)^c", "(^ (^ a b) c)");
	check_expr("-2^-x^2", "(neg (^ 2 (neg (^ x 2))))");
	check_expr("a or b and c", "(or a (and b c))");
	check_expr("not a and not b or c", "(or (and (not a) (not b)) c)");
	check_expr("a < b + 1 or c >= d", "(or (< a (+ b 1)) (>= c d))");
	check_expr("a <= b and c != d and e > f", "(and (and (<= a b) (!= c d)) (> e f))");
	check_expr("x > 0 ? -1 : +1", "(? (> x 0) (neg 1) (pos 1))");
	check_expr("(a ? b : c) ? d : e", "(? (? a b c) d e)");
	check_expr("- - x", "(neg (neg x))");
	check_expr("-a * b", "(* (neg a) b)");
	check_expr("a * -b", "(* a (neg b))");
	check_expr("(-a)^2", "(^ (neg a) 2)");
	check_expr("-65 mV + 20*ms / v/mV", "(+ (neg 65_mV) (/ (/ (* 20 ms) v) mV))");
	check_expr("1e-3 s + .5 s", "(+ 0.001_s 0.5_s)");
}
END_TEST

START_TEST(test_postfix_and_primaries)
{
	check_expr("clip(w + a, 0, 1)", "(call clip (+ w a) 0 1)");
	check_expr("rand()", "(call rand)");
	check_expr("poisson(10, rate = 15 Hz)", "(call poisson 10 (= rate 15_Hz))");
	check_expr("pre.x * post.y", "(* (. PRE x) (. POST y))");
	check_expr("P.v[0:10]", "(slice (. P v) 0 10)");
	check_expr("P[N/2:N].x", "(. (slice P (/ N 2) N) x)");
	check_expr("f(x).y^2", "(^ (. (call f x) y) 2)");
	check_expr("[10 ms, 12 ms]", "(list 10_ms 12_ms)");
	check_expr("[]", "(list)");
	check_expr("\"a.npy\"", "\"a.npy\"");
	/* outside an ODE head, dX/dt is the name dX divided by dt (§3) */
	check_expr("dx/dt", "(/ dx dt)");
	check_expr("2 * dx / dt", "(/ (* 2 dx) dt)");
	check_expr("a/dx/dt", "(/ (/ a dx) dt)");
	check_expr("dx/dt^2", "(/ dx (^ dt 2))");
	check_expr("sum(grad(f(x), x))", "(call sum (call grad (call f x) x))");
	check_expr("f(\n  a,\n  b)", "(call f a b)");
	check_expr("a +\n  b", "(+ a b)");
}
END_TEST

START_TEST(test_print)
{
	/* expr_print's own spelling, minimal parentheses */
	const char *cases[][2] = {
		{ "(a + b) * -c", "(a + b) * -c" },
		{ "a - (b - c)", "a - (b - c)" },
		{ "-(x^2)", "-x^2" },
		{ "(-x)^2", "(-x)^2" },
		{ "not (a and b)", "not (a and b)" },
		{ "c ? a : (b ? d : e)", "c ? a : b ? d : e" },
		{ "(c ? a : b) ? d : e", "(c ? a : b) ? d : e" },
		{ "f(x = 1, \"s\\\"t\")", "f(x = 1, \"s\\\"t\")" },
		{ "0.1 + 1e-30 + 20 ms", "0.1 + 1e-30 + 20 ms" },
		{ "pre.x[0:2]", "pre.x[0:2]" },
		{ "(a < b) == (c < d)", "(a < b) == (c < d)" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = printed(parse_expr(cases[i][0]));
		ck_assert_msg(strcmp(got, cases[i][1]) == 0, "%s printed as %s", cases[i][0], got);
		free(got);
	}
	/* a tree no parse produces: a negative literal as a base */
	Loc l = { 0 };
	Expr *e = new_binary(l, OP_POW, new_num(l, -2), new_num(l, 0.5));
	char *got = printed(e);
	ck_assert_str_eq(got, "(-2)^0.5");
	free(got);
	Expr *c = expr_copy(e);
	ck_assert_ptr_ne(c->a, e->a);
	ck_assert(c->a->num == -2 && c->b->num == 0.5 && c->op == OP_POW);
}
END_TEST

START_TEST(test_syntax_errors)
{
	check_syntax_error("neuron A {\n  let y = a < b < c\n}\n",
		"m.snn:2:17: error: syntax error, unexpected '<'");
	check_syntax_error("neuron A {\n  let y = a == b == c\n}\n",
		"m.snn:2:18: error: syntax error, unexpected '=='");
	check_syntax_error("neuron A {\n  state v = 0\n", "m.snn:2:14: error: syntax error, unexpected end of file");
	check_syntax_error("neuron A { param a b }", "m.snn:1:20: error: syntax error, unexpected name");
	check_syntax_error("network N {\n  pop P = M(1)\n  pop Q = 3\n}\n",
		"m.snn:3:11: error: syntax error, unexpected number, expecting name");
	/* only the first error of a file is reported */
	char *diag;
	ck_assert_ptr_null(parse_quiet("neuron A {\n x = = 1\n y = = 2\n}\n", &diag));
	ck_assert_ptr_null(strstr(diag, ":3:"));
	free(diag);
}
END_TEST

static const char *lif =
	"# a model\n"
	"neuron LIF {\n"
	"  param taum = 20 ms, Vt = -50 mV\n"
	"  state v : mV = El, ge = 0 mV\n"
	"  input I : nA, m = 1\n"
	"  let y = v * 2\n"
	"  taum dv/dt = (El - v) + ge\n"
	"  dge/dt = -ge / (5 ms)\n"
	"  (1 ms) dx / dt = -x\n"
	"  2 dz/dt = 1; 5 ms dq/dt = 0\n"
	"  spike when v > Vt\n"
	"  reset {\n    v = Vr\n  }\n"
	"  refractory 5 ms\n"
	"  method exact\n"
	"  on tick { if v > 0 { v = 0 } else if v < -1 { v -= 1 }\n  else { v *= 2 } }\n"
	"}\n";

START_TEST(test_neuron_members)
{
	Program *p = parse_quiet(lif, NULL);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->decls->n, 1);
	TopDecl *t = p->decls->items[0];
	ck_assert_int_eq(t->kind, TD_NEURON);
	ck_assert_str_eq(t->name, "LIF");
	ck_assert_int_eq(t->name_loc.first_line, 2);
	ck_assert_int_eq(t->name_loc.first_column, 8);
	static const MemberKind kinds[] = {
		MB_PARAM, MB_STATE, MB_INPUT, MB_LET, MB_ODE, MB_ODE, MB_ODE, MB_ODE, MB_ODE,
		MB_SPIKE, MB_RESET, MB_REFRACTORY, MB_METHOD, MB_ON,
	};
	ck_assert_int_eq(t->members->n, (int)(sizeof(kinds) / sizeof(kinds[0])));
	for (int i = 0; i < t->members->n; i++)
		ck_assert_int_eq(((Member *)t->members->items[i])->kind, kinds[i]);
	Member **m = (Member **)t->members->items;
	Decl *v = m[1]->decls->items[0];
	ck_assert_str_eq(v->name, "v");
	ck_assert_str_eq(v->annot->name, "mV");
	ck_assert_str_eq(v->init->name, "El");
	ck_assert_int_eq(m[2]->decls->n, 2);
	Decl *in = m[2]->decls->items[0];
	ck_assert(in->annot && !in->init);
	/* ODE with and without a coefficient */
	const char *odes[][3] = {
		{ "v", "taum", "(+ (- El v) ge)" },
		{ "ge", NULL, "(/ (neg ge) 5_ms)" },
		{ "x", "1_ms", "(neg x)" },
		{ "z", "2", "1" },
		{ "q", "5_ms", "0" },
	};
	for (int i = 0; i < 5; i++) {
		Member *o = m[4 + i];
		ck_assert_str_eq(o->name, odes[i][0]);
		if (odes[i][1]) {
			char *c = to_sx(o->coef);
			ck_assert_str_eq(c, odes[i][1]);
			free(c);
		} else {
			ck_assert_ptr_null(o->coef);
		}
		char *r = to_sx(o->value);
		ck_assert_str_eq(r, odes[i][2]);
		free(r);
	}
	ck_assert_int_eq(m[4]->name_loc.first_line, 7);
	ck_assert_int_eq(m[4]->name_loc.first_column, 8);
	ck_assert_int_eq(m[10]->body->n, 1);
	ck_assert_str_eq(m[12]->name, "exact");
	/* if / else if / else */
	ck_assert_str_eq(m[13]->name, "tick");
	Stmt *s = m[13]->body->items[0];
	ck_assert_int_eq(s->kind, ST_IF);
	ck_assert_int_eq(s->else_->n, 1);
	Stmt *s2 = s->else_->items[0];
	ck_assert_int_eq(s2->kind, ST_IF);
	ck_assert_int_eq(((Stmt *)s2->then_->items[0])->op, '-');
	ck_assert_int_eq(((Stmt *)s2->else_->items[0])->op, '*');
}
END_TEST

START_TEST(test_synapse_members)
{
	Program *p = parse_quiet(
		"synapse STDP {\n"
		"  state w = 0.5, delay : s = 1 ms\n"
		"  pre state apre = 0\n"
		"  post state apost = 0\n"
		"  modulator m, n\n"
		"  reduce sum\n"
		"  on pre {\n"
		"    post.ge += w; apre += 0.01\n"
		"  }\n"
		"  on post { w = clip(w + apre,\n 0, 1) }\n"
		"}\n", NULL);
	ck_assert_ptr_nonnull(p);
	TopDecl *t = p->decls->items[0];
	ck_assert_int_eq(t->kind, TD_SYNAPSE);
	Member **m = (Member **)t->members->items;
	ck_assert_int_eq(t->members->n, 7);
	ck_assert_int_eq(m[0]->kind, MB_STATE);
	ck_assert_int_eq(m[1]->kind, MB_PRE_STATE);
	ck_assert_int_eq(m[2]->kind, MB_POST_STATE);
	ck_assert_int_eq(m[3]->kind, MB_MODULATOR);
	ck_assert_int_eq(m[3]->decls->n, 2);
	ck_assert_str_eq(((Decl *)m[3]->decls->items[1])->name, "n");
	ck_assert_int_eq(m[4]->kind, MB_REDUCE);
	ck_assert_str_eq(m[4]->name, "sum");
	ck_assert_str_eq(m[5]->name, "pre");
	ck_assert_int_eq(m[5]->body->n, 2);
	Stmt *s = m[5]->body->items[0];
	ck_assert_int_eq(s->op, '+');
	char *tg = to_sx(s->target);
	ck_assert_str_eq(tg, "(. POST ge)");
	free(tg);
	ck_assert_str_eq(m[6]->name, "post");
}
END_TEST

/* The network of LANGUAGE.md §4, verbatim. */
static const char *example_net =
	"network NAME {\n"
	"  dt = 0.1 ms\n"
	"  method = euler           # default integrator for every model without its own\n"
	"  seed = 1                 # default seed; --seed overrides\n"
	"  precision = double       # or single\n"
	"  batch = 1                # independent copies of the state, sharing synaptic state\n"
	"  global reward = 0        # a scalar settable at run time (API, --set, or an input file)\n"
	"\n"
	"  pop P   = CubaLIF(4000) { v = Vr + rand() * (Vt - Vr) }   # initial values / param overrides\n"
	"  pop Pin = poisson(1000, rate = 15 Hz)                     # spike generator\n"
	"  pop Gen = spikes(2, times = [10 ms, 12 ms], index = [0, 1])  # explicit spike times\n"
	"  pop Img = from_file(\"digits.npy\", present = 50 ms)        # rows of a .npy shown in turn\n"
	"  let E = P[0:3200]                                          # a slice of a population\n"
	"  let I = P[3200:4000]\n"
	"\n"
	"  connect E -> P : Exc(p = 0.02)                    # random, each pair with probability p\n"
	"  connect Pin -> P : STDP(p = 0.1, w = rand() * gmax, delay = 1 ms) as syn\n"
	"  connect A -> B : Static(one_to_one)\n"
	"  connect A -> B : Static(all_to_all)               # the default connectivity\n"
	"  connect A -> B : Static(fan_in = 80)              # each post gets exactly 80 distinct random pres\n"
	"  connect A -> B : Static(weights = \"w.npy\")        # dense pre x post matrix; zeros = no synapse\n"
	"  connect A -> B : Static(p = 0.1, mask = \"m.npy\")  # only where the pre x post mask is nonzero\n"
	"  connect A -> B : Ternary(p = 1) { m = M.r }       # bind a modulator to M's variable r\n"
	"  connect A -> B : MSTDP(p = 1) { m = reward }      # ... or to a global\n"
	"\n"
	"  on tick {                                        # network rules: closed loops\n"
	"    reward = (Img.index == 0) == any(Out.spiked) ? 1 : -1\n"
	"  }\n"
	"\n"
	"  record P.spikes\n"
	"  record P.v[0:10] every 1 ms\n"
	"  record syn.w every 10 ms\n"
	"  record reward\n"
	"  run 1 s\n"
	"}\n";

static void check_item(NetItem *n, NetItemKind k, const char *name, const char *value)
{
	ck_assert_int_eq(n->kind, k);
	if (name)
		ck_assert_str_eq(n->name, name);
	else
		ck_assert_ptr_null(n->name);
	if (value) {
		char *v = to_sx(n->value);
		ck_assert_str_eq(v, value);
		free(v);
	}
}

START_TEST(test_example_network)
{
	char *diag;
	Program *p = parse_quiet(example_net, &diag);
	ck_assert_msg(p != NULL, "%s", diag);
	free(diag);
	TopDecl *t = p->decls->items[0];
	ck_assert_int_eq(t->kind, TD_NETWORK);
	ck_assert_str_eq(t->name, "NAME");
	ck_assert_int_eq(t->members->n, 27);
	NetItem **n = (NetItem **)t->members->items;
	check_item(n[0], NI_SETTING, "dt", "0.1_ms");
	check_item(n[1], NI_SETTING, "method", "euler");
	check_item(n[2], NI_SETTING, "seed", "1");
	check_item(n[3], NI_SETTING, "precision", "double");
	check_item(n[4], NI_SETTING, "batch", "1");
	check_item(n[5], NI_GLOBAL, NULL, NULL);
	ck_assert_str_eq(((Decl *)n[5]->decls->items[0])->name, "reward");
	check_item(n[6], NI_POP, "P", "(call CubaLIF 4000)");
	ck_assert_int_eq(n[6]->decls->n, 1);
	char *init = to_sx(((Decl *)n[6]->decls->items[0])->init);
	ck_assert_str_eq(init, "(+ Vr (* (call rand) (- Vt Vr)))");
	free(init);
	check_item(n[7], NI_POP, "Pin", "(call poisson 1000 (= rate 15_Hz))");
	ck_assert_ptr_null(n[7]->decls);
	check_item(n[8], NI_POP, "Gen", "(call spikes 2 (= times (list 10_ms 12_ms)) (= index (list 0 1)))");
	check_item(n[9], NI_POP, "Img", "(call from_file \"digits.npy\" (= present 50_ms))");
	check_item(n[10], NI_LET, "E", "(slice P 0 3200)");
	check_item(n[11], NI_LET, "I", "(slice P 3200 4000)");
	check_item(n[12], NI_CONNECT, NULL, "(call Exc (= p 0.02))");
	ck_assert_str_eq(n[12]->pre->name, "E");
	ck_assert_str_eq(n[12]->post->name, "P");
	check_item(n[13], NI_CONNECT, "syn", "(call STDP (= p 0.1) (= w (* (call rand) gmax)) (= delay 1_ms))");
	check_item(n[14], NI_CONNECT, NULL, "(call Static one_to_one)");
	check_item(n[17], NI_CONNECT, NULL, "(call Static (= weights \"w.npy\"))");
	check_item(n[19], NI_CONNECT, NULL, "(call Ternary (= p 1))");
	char *bind = to_sx(((Decl *)n[19]->decls->items[0])->init);
	ck_assert_str_eq(bind, "(. M r)");
	free(bind);
	check_item(n[21], NI_ON, NULL, NULL);
	ck_assert_str_eq(n[21]->event, "tick");
	char *rule = to_sx(((Stmt *)n[21]->body->items[0])->value);
	ck_assert_str_eq(rule, "(? (== (== (. Img index) 0) (call any (. Out spiked))) 1 (neg 1))");
	free(rule);
	check_item(n[22], NI_RECORD, NULL, "(. P spikes)");
	ck_assert_ptr_null(n[22]->value2);
	check_item(n[23], NI_RECORD, NULL, "(slice (. P v) 0 10)");
	char *every = to_sx(n[23]->value2);
	ck_assert_str_eq(every, "1_ms");
	free(every);
	check_item(n[24], NI_RECORD, NULL, "(. syn w)");
	check_item(n[25], NI_RECORD, NULL, "reward");
	check_item(n[26], NI_RUN, NULL, "1_s");
	ck_assert_int_eq(n[26]->loc.first_line, 34);
}
END_TEST

START_TEST(test_network_inits)
{
	Program *p = parse_quiet("network N {\n"
		"  pop P = M(10) {\n    v = 1; w = 2, z = 3\n\n    u = 4\n  }\n"
		"  connect P -> P : S(p = 1) as c { a = 1, b = 2 }\n"
		"}\n", NULL);
	ck_assert_ptr_nonnull(p);
	NetItem **n = (NetItem **)((TopDecl *)p->decls->items[0])->members->items;
	ck_assert_int_eq(n[0]->decls->n, 4);
	ck_assert_str_eq(((Decl *)n[0]->decls->items[3])->name, "u");
	ck_assert_str_eq(n[1]->name, "c");
	ck_assert_int_eq(n[1]->decls->n, 2);
}
END_TEST

/* ---- imports, in a temporary directory */

static char dir[64];

static void put(const char *name, const char *text)
{
	FILE *f = fopen(arena_printf("%s/%s", dir, name), "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void make_dir(void)
{
	strcpy(dir, "/tmp/snnc_test_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(mkdir(arena_printf("%s/lib", dir), 0700), 0);
}

static char *parse_file_diag(const char *name, Program **out)
{
	char *errs;
	size_t n;
	FILE *e = open_memstream(&errs, &n);
	diag_set_stream(e);
	*out = parse_file(arena_printf("%s/%s", dir, name));
	diag_set_stream(NULL);
	fclose(e);
	return errs;
}

START_TEST(test_imports)
{
	make_dir();
	put("lib/a.snn", "import \"b.snn\"\nneuron A { }\n");
	put("lib/b.snn", "neuron B { }\nsynapse S { }\n");
	put("main.snn", "import \"lib/a.snn\"\nimport \"lib/b.snn\"\nneuron M { }\nnetwork N { run 1 s }\n");
	Program *p;
	char *diag = parse_file_diag("main.snn", &p);
	ck_assert_str_eq(diag, "");
	ck_assert_ptr_nonnull(p);
	/* b's models once, in place, before a's; no import declarations left */
	const char *want[] = { "B", "S", "A", "M", "N" };
	ck_assert_int_eq(p->decls->n, 5);
	for (int i = 0; i < 5; i++)
		ck_assert_str_eq(((TopDecl *)p->decls->items[i])->name, want[i]);
	TopDecl *b = p->decls->items[0];
	ck_assert(strstr(b->loc.file->path, "lib/b.snn") != NULL);
	free(diag);
}
END_TEST

START_TEST(test_import_errors)
{
	make_dir();
	put("c1.snn", "import \"c2.snn\"\nneuron C1 { }\n");
	put("c2.snn", "neuron C2 { }\n  import \"c1.snn\"\n");
	Program *p;
	char *diag = parse_file_diag("c1.snn", &p);
	ck_assert_ptr_null(p);
	char *want = arena_printf("%s/c2.snn:2:3: error: import cycle: \"c1.snn\" is already being imported\n"
		"  import \"c1.snn\"\n  ^\n", dir);
	ck_assert_str_eq(diag, want);
	free(diag);

	put("n.snn", "network X { }\n");
	put("m.snn", "import \"n.snn\"\n");
	diag = parse_file_diag("m.snn", &p);
	ck_assert_ptr_null(p);
	want = arena_printf("%s/m.snn:1:1: error: imported file \"n.snn\" contains a network\n", dir);
	ck_assert_msg(strncmp(diag, want, strlen(want)) == 0, "%s", diag);
	free(diag);

	put("x.snn", "import \"missing.snn\"\n");
	diag = parse_file_diag("x.snn", &p);
	ck_assert_ptr_null(p);
	want = arena_printf("%s/x.snn:1:1: error: cannot import \"missing.snn\": No such file or directory\n", dir);
	ck_assert_msg(strncmp(diag, want, strlen(want)) == 0, "%s", diag);
	free(diag);

	diag = parse_file_diag("nothere.snn", &p);
	ck_assert_ptr_null(p);
	want = arena_printf("%s/nothere.snn: error: cannot read file: No such file or directory\n", dir);
	ck_assert_str_eq(diag, want);
	free(diag);
}
END_TEST

/* Files that are not files: a FIFO with no writer (opened non-blocking, so
 * this test would hang without it), a file over the size limit (sparse:
 * nothing is written), a directory; the model file itself likewise.  And a
 * byte order mark is skipped: the error after it is at the right column. */
START_TEST(test_import_not_a_file)
{
	make_dir();
	ck_assert_int_eq(mkfifo(arena_printf("%s/fifo.snn", dir), 0600), 0);
	put("f.snn", "import \"fifo.snn\"\n");
	Program *p;
	char *diag = parse_file_diag("f.snn", &p);
	ck_assert_ptr_null(p);
	char *want = arena_printf("%s/f.snn:1:1: error: cannot import \"fifo.snn\": not a regular "
				  "file (a device, a FIFO or a socket)\n", dir);
	ck_assert_msg(strncmp(diag, want, strlen(want)) == 0, "%s", diag);
	free(diag);
	diag = parse_file_diag("fifo.snn", &p);
	ck_assert_ptr_null(p);
	want = arena_printf("%s/fifo.snn: error: cannot read file: not a regular file (a device, "
			    "a FIFO or a socket)\n", dir);
	ck_assert_str_eq(diag, want);
	free(diag);

	FILE *big = fopen(arena_printf("%s/big.snn", dir), "w");
	ck_assert_ptr_nonnull(big);
	ck_assert_int_eq(ftruncate(fileno(big), (off_t)SNNC_MAX_FILE + 1), 0);
	fclose(big);
	put("b.snn", "import \"big.snn\"\n");
	diag = parse_file_diag("b.snn", &p);
	ck_assert_ptr_null(p);
	want = arena_printf("%s/b.snn:1:1: error: cannot import \"big.snn\": the file is too large "
			    "(%lld bytes; at most 64 MB)\n", dir, (long long)SNNC_MAX_FILE + 1);
	ck_assert_msg(strncmp(diag, want, strlen(want)) == 0, "%s", diag);
	free(diag);

	put("d.snn", "import \"lib\"\n");
	diag = parse_file_diag("d.snn", &p);
	ck_assert_ptr_null(p);
	want = arena_printf("%s/d.snn:1:1: error: cannot import \"lib\": Is a directory\n", dir);
	ck_assert_msg(strncmp(diag, want, strlen(want)) == 0, "%s", diag);
	free(diag);

	put("bom.snn", "\xEF\xBB\xBFneuron A {\n\tstate v = 0 $\n}\n");
	diag = parse_file_diag("bom.snn", &p);
	ck_assert_ptr_null(p);
	want = arena_printf("%s/bom.snn:2:14: error: unexpected character '$'\n"
			    "\tstate v = 0 $\n\t            ^\n", dir);
	ck_assert_str_eq(diag, want);
	free(diag);
	put("bom2.snn", "\xEF\xBB\xBFneuron A { }\n");
	diag = parse_file_diag("bom2.snn", &p);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(diag, "");
	free(diag);
}
END_TEST

Suite *suite_parser(void)
{
	Suite *s = suite_create("parser");
	TCase *tc = tcase_create("grammar");
	tcase_add_test(tc, test_precedence);
	tcase_add_test(tc, test_postfix_and_primaries);
	tcase_add_test(tc, test_print);
	tcase_add_test(tc, test_syntax_errors);
	tcase_add_test(tc, test_neuron_members);
	tcase_add_test(tc, test_synapse_members);
	tcase_add_test(tc, test_example_network);
	tcase_add_test(tc, test_network_inits);
	suite_add_tcase(s, tc);
	TCase *ti = tcase_create("imports");
	tcase_add_test(ti, test_imports);
	tcase_add_test(ti, test_import_errors);
	tcase_add_test(ti, test_import_not_a_file);
	suite_add_tcase(s, ti);
	return s;
}
