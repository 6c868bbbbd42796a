/*
 * ast.c — the syntax tree: constructors, copy, printing and --dump=ast.
 *
 * Grammar actions call only the new_* constructors, so every node is built
 * here, zeroed, from the arena, with its location.  expr_print writes an
 * expression back in source syntax with exactly the parentheses the grammar
 * needs to read the same tree again (generated C quotes it in comments).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "snnc.h"

static Expr *new_expr(ExprKind k, Loc l)
{
	Expr *e = arena_alloc(sizeof(Expr));
	e->kind = k;
	e->loc = l;
	e->depth = 1;
	return e;
}

static int depth_of(const Expr *e)
{
	return e ? e->depth : 0;
}

/* depth = 1 + the deepest operand; crossing EXPR_MAX_DEPTH is an error,
 * reported once (at the node that crosses it), while the parser builds the
 * tree: nodes the later stages build (derivatives over lets expanded inline)
 * are not the user's nesting. */
static bool check_depth;

void ast_check_depth(bool on)
{
	check_depth = on;
}

static int nest(Loc l, int below)
{
	if (check_depth && below == EXPR_MAX_DEPTH)
		error_at(l, "expression nested too deeply (more than %d levels); "
			 "split it with lets", EXPR_MAX_DEPTH);
	return below + 1;
}

static Expr *with_depth(Expr *e)
{
	int d = depth_of(e->a);
	if (depth_of(e->b) > d)
		d = depth_of(e->b);
	if (depth_of(e->c) > d)
		d = depth_of(e->c);
	VEC_EACH(Expr *, x, e->args)
		if (depth_of(x) > d)
			d = depth_of(x);
	e->depth = d ? nest(e->loc, d) : 1;
	return e;
}

Expr *new_num(Loc l, double v)
{
	Expr *e = new_expr(EX_NUM, l);
	e->num = v;
	return e;
}

Expr *new_qty(Loc l, double v, const char *unit)
{
	Expr *e = new_expr(EX_QTY, l);
	e->num = v;
	e->name = unit;
	return e;
}

Expr *new_name(Loc l, const char *name)
{
	Expr *e = new_expr(EX_NAME, l);
	e->name = name;
	return e;
}

Expr *new_deriv(Loc l, const char *state)
{
	Expr *e = new_expr(EX_DERIV, l);
	e->name = state;
	return e;
}

Expr *new_member(Loc l, Expr *base, const char *name)
{
	Expr *e = new_expr(EX_MEMBER, l);
	e->a = base;
	e->name = name;
	return with_depth(e);
}

Expr *new_prepost(Loc l, ExprKind pre_or_post)
{
	return new_expr(pre_or_post, l);
}

Expr *new_slice(Loc l, Expr *base, Expr *lo, Expr *hi)
{
	Expr *e = new_expr(EX_SLICE, l);
	e->a = base;
	e->b = lo;
	e->c = hi;
	return with_depth(e);
}

Expr *new_unary(Loc l, int op, Expr *a)
{
	Expr *e = new_expr(EX_UNARY, l);
	e->op = op;
	e->a = a;
	return with_depth(e);
}

Expr *new_binary(Loc l, int op, Expr *a, Expr *b)
{
	Expr *e = new_expr(EX_BINARY, l);
	e->op = op;
	e->a = a;
	e->b = b;
	return with_depth(e);
}

Expr *new_cond(Loc l, Expr *c, Expr *a, Expr *b)
{
	Expr *e = new_expr(EX_COND, l);
	e->a = c;
	e->b = a;
	e->c = b;
	return with_depth(e);
}

Expr *new_call(Loc l, const char *name, Vec *args)
{
	Expr *e = new_expr(EX_CALL, l);
	e->name = name;
	e->args = args ? args : vec_new();
	return with_depth(e);
}

Expr *new_arg(Loc l, const char *name, Expr *value)
{
	Expr *e = new_expr(EX_ARG, l);
	e->name = name;
	e->a = value;
	return with_depth(e);
}

Expr *new_string(Loc l, const char *s)
{
	Expr *e = new_expr(EX_STRING, l);
	e->str = s;
	return e;
}

Expr *new_list(Loc l, Vec *items)
{
	Expr *e = new_expr(EX_LIST, l);
	e->args = items ? items : vec_new();
	return with_depth(e);
}

Stmt *new_assign(Loc l, int op, Expr *target, Expr *value)
{
	Stmt *s = arena_alloc(sizeof(Stmt));
	s->kind = ST_ASSIGN;
	s->loc = l;
	s->op = op;
	s->target = target;
	s->value = value;
	s->depth = depth_of(target) > depth_of(value) ? depth_of(target) : depth_of(value);
	return s;
}

/* An if nests its condition and its branches one level deeper. */
static int stmts_depth(const Vec *body, int d)
{
	VEC_EACH(Stmt *, st, body)
		if (st->depth > d)
			d = st->depth;
	return d;
}

Stmt *new_if(Loc l, Expr *cond, Vec *then_, Vec *else_)
{
	Stmt *s = arena_alloc(sizeof(Stmt));
	s->kind = ST_IF;
	s->loc = l;
	s->value = cond;
	s->then_ = then_ ? then_ : vec_new();
	s->else_ = else_;
	s->depth = nest(l, stmts_depth(else_, stmts_depth(then_, depth_of(cond))));
	return s;
}

Decl *new_decl(Loc l, const char *name, Expr *annot, Expr *init)
{
	Decl *d = arena_alloc(sizeof(Decl));
	d->loc = l;
	d->name = name;
	d->annot = annot;
	d->init = init;
	return d;
}

static Member *new_mb(Loc l, MemberKind k)
{
	Member *m = arena_alloc(sizeof(Member));
	m->kind = k;
	m->loc = l;
	return m;
}

Member *new_member_decls(Loc l, MemberKind k, Vec *decls)
{
	Member *m = new_mb(l, k);
	m->decls = decls;
	return m;
}

Member *new_member_ode(Loc l, Expr *coef, const char *state, Loc state_loc, Expr *rhs)
{
	Member *m = new_mb(l, MB_ODE);
	m->coef = coef;
	m->name = state;
	m->name_loc = state_loc;
	m->value = rhs;
	return m;
}

Member *new_member_on(Loc l, const char *event, Vec *body)
{
	Member *m = new_mb(l, MB_ON);
	m->name = event;
	m->body = body;
	return m;
}

Member *new_member_expr(Loc l, MemberKind k, Expr *value)
{
	Member *m = new_mb(l, k);
	m->value = value;
	return m;
}

Member *new_member_name(Loc l, MemberKind k, const char *name, Loc name_loc)
{
	Member *m = new_mb(l, k);
	m->name = name;
	m->name_loc = name_loc;
	return m;
}

Member *new_member_body(Loc l, MemberKind k, Vec *body)
{
	Member *m = new_mb(l, k);
	m->body = body;
	return m;
}

NetItem *new_netitem(Loc l, NetItemKind k)
{
	NetItem *n = arena_alloc(sizeof(NetItem));
	n->kind = k;
	n->loc = l;
	return n;
}

TopDecl *new_topdecl(Loc l, TopKind k, const char *name, Loc name_loc, Vec *members)
{
	TopDecl *t = arena_alloc(sizeof(TopDecl));
	t->kind = k;
	t->loc = l;
	t->name = name;
	t->name_loc = name_loc;
	t->members = members ? members : vec_new();
	return t;
}

/* ---- copy */

static Vec *copy_args(const Vec *v)
{
	if (!v)
		return NULL;
	Vec *c = vec_new();
	for (int i = 0; i < v->n; i++)
		vec_push(c, expr_copy(v->items[i]));
	return c;
}

Expr *expr_copy(const Expr *e)
{
	if (!e)
		return NULL;
	Expr *c = arena_alloc(sizeof(Expr));
	*c = *e;
	c->a = expr_copy(e->a);
	c->b = expr_copy(e->b);
	c->c = expr_copy(e->c);
	c->args = copy_args(e->args);
	return c;
}

/* ---- printing
 * Precedence levels of the grammar (parser.y), lowest first.  A child is
 * parenthesised when its level is below what its place in the parent
 * requires. */
enum { P_COND = 1, P_OR, P_AND, P_NOT, P_CMP, P_ADD, P_MUL, P_UNARY, P_POW, P_POSTFIX, P_PRIMARY };

static const struct {
	int op;
	const char *text;
	int prec;         /* level of the node */
	int left, right;  /* levels required of the operands */
} optab[] = {
	{ OP_OR, "or", P_OR, P_OR, P_AND },
	{ OP_AND, "and", P_AND, P_AND, P_NOT },
	{ OP_LT, "<", P_CMP, P_ADD, P_ADD },
	{ OP_LE, "<=", P_CMP, P_ADD, P_ADD },
	{ OP_GT, ">", P_CMP, P_ADD, P_ADD },
	{ OP_GE, ">=", P_CMP, P_ADD, P_ADD },
	{ OP_EQ, "==", P_CMP, P_ADD, P_ADD },
	{ OP_NE, "!=", P_CMP, P_ADD, P_ADD },
	{ OP_ADD, "+", P_ADD, P_ADD, P_MUL },
	{ OP_SUB, "-", P_ADD, P_ADD, P_MUL },
	{ OP_MUL, "*", P_MUL, P_MUL, P_UNARY },
	{ OP_DIV, "/", P_MUL, P_MUL, P_UNARY },
	{ OP_POW, "^", P_POW, P_POSTFIX, P_UNARY },
	{ OP_NEG, "-", P_UNARY, P_UNARY, 0 },
	{ OP_PLUS, "+", P_UNARY, P_UNARY, 0 },
	{ OP_NOT, "not ", P_NOT, P_NOT, 0 },
};

static int find_op(int op)
{
	for (size_t i = 0; i < sizeof(optab) / sizeof(optab[0]); i++)
		if (optab[i].op == op)
			return (int)i;
	die("expr_print: unknown operator %d", op);
}

static int level(const Expr *e)
{
	switch (e->kind) {
	case EX_UNARY:
	case EX_BINARY:
		return optab[find_op(e->op)].prec;
	case EX_COND:
		return P_COND;
	case EX_NUM:
	case EX_QTY:
		return signbit(e->num) ? P_UNARY : P_PRIMARY;
	case EX_MEMBER:
	case EX_SLICE:
		return P_POSTFIX;
	default:
		return P_PRIMARY;
	}
}

/* Shortest decimal that reads back as the same double. */
static void print_num(FILE *f, double v)
{
	if (isinf(v)) {
		fputs(v < 0 ? "-(1/0)" : "(1/0)", f);
		return;
	}
	if (isnan(v)) {
		fputs("(0/0)", f);
		return;
	}
	char buf[40];
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	fputs(buf, f);
}

static void print_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '\t')
			fputs("\\t", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void print_at(FILE *f, const Expr *e, int need);

static void print_list(FILE *f, const Vec *v)
{
	for (int i = 0; v && i < v->n; i++) {
		if (i)
			fputs(", ", f);
		print_at(f, v->items[i], P_COND);
	}
}

static void print_op(FILE *f, const Expr *e)
{
	int i = find_op(e->op);
	if (e->kind == EX_UNARY) {
		fputs(optab[i].text, f);
		print_at(f, e->a, optab[i].left);
		return;
	}
	print_at(f, e->a, optab[i].left);
	fprintf(f, e->op == OP_POW ? "%s" : " %s ", optab[i].text);
	print_at(f, e->b, optab[i].right);
}

static void print_expr(FILE *f, const Expr *e)
{
	switch (e->kind) {
	case EX_NUM: print_num(f, e->num); break;
	case EX_QTY: print_num(f, e->num); fprintf(f, " %s", e->name); break;
	case EX_NAME: fputs(e->name, f); break;
	case EX_DERIV: fprintf(f, "d%s/dt", e->name); break;
	case EX_PRE: fputs("pre", f); break;
	case EX_POST: fputs("post", f); break;
	case EX_STRING: print_string(f, e->str); break;
	case EX_MEMBER:
		print_at(f, e->a, P_POSTFIX);
		fprintf(f, ".%s", e->name);
		break;
	case EX_SLICE:
		print_at(f, e->a, P_POSTFIX);
		fputc('[', f);
		print_at(f, e->b, P_COND);
		fputc(':', f);
		print_at(f, e->c, P_COND);
		fputc(']', f);
		break;
	case EX_UNARY:
	case EX_BINARY: print_op(f, e); break;
	case EX_COND:
		print_at(f, e->a, P_OR);
		fputs(" ? ", f);
		print_at(f, e->b, P_COND);
		fputs(" : ", f);
		print_at(f, e->c, P_COND);
		break;
	case EX_CALL:
		fprintf(f, "%s(", e->name);
		print_list(f, e->args);
		fputc(')', f);
		break;
	case EX_ARG:
		fprintf(f, "%s = ", e->name);
		print_at(f, e->a, P_COND);
		break;
	case EX_LIST:
		fputc('[', f);
		print_list(f, e->args);
		fputc(']', f);
		break;
	}
}

static void print_at(FILE *f, const Expr *e, int need)
{
	if (!e) {
		fputs("<null>", f);
		return;
	}
	bool paren = level(e) < need;
	if (paren)
		fputc('(', f);
	print_expr(f, e);
	if (paren)
		fputc(')', f);
}

void expr_print(FILE *f, const Expr *e)
{
	print_at(f, e, P_COND);
}

/* ---- --dump=ast: one node per line, children indented by two spaces;
 * expressions in source syntax. */

static const char *member_names[] = {
	[MB_PARAM] = "param", [MB_STATE] = "state", [MB_PRE_STATE] = "pre state",
	[MB_POST_STATE] = "post state", [MB_LET] = "let", [MB_INPUT] = "input",
	[MB_ODE] = "ode", [MB_ON] = "on", [MB_SPIKE] = "spike when",
	[MB_RESET] = "reset", [MB_REFRACTORY] = "refractory", [MB_METHOD] = "method",
	[MB_MODULATOR] = "modulator", [MB_PRE_MODULATOR] = "pre modulator", [MB_REDUCE] = "reduce",
};

static const char *netitem_names[] = {
	[NI_SETTING] = "setting", [NI_GLOBAL] = "global", [NI_POP] = "pop",
	[NI_LET] = "let", [NI_CONNECT] = "connect", [NI_ON] = "on",
	[NI_RECORD] = "record", [NI_RUN] = "run",
};

static const char *top_names[] = {
	[TD_NEURON] = "neuron", [TD_SYNAPSE] = "synapse",
	[TD_NETWORK] = "network", [TD_IMPORT] = "import",
};

static void indent(FILE *f, int depth)
{
	fprintf(f, "%*s", 2 * depth, "");
}

static void dump_loc(FILE *f, Loc l)
{
	fprintf(f, "  @%d:%d\n", l.first_line, l.first_column);
}

static void dump_labelled(FILE *f, int depth, const char *label, const Expr *e)
{
	if (!e)
		return;
	indent(f, depth);
	fprintf(f, "%s: ", label);
	expr_print(f, e);
	fputc('\n', f);
}

static void dump_stmts(FILE *f, const Vec *body, int depth);

static void dump_stmt(FILE *f, const Stmt *s, int depth)
{
	indent(f, depth);
	if (s->kind == ST_ASSIGN) {
		expr_print(f, s->target);
		if (s->op == '=')
			fputs(" = ", f);
		else
			fprintf(f, " %c= ", s->op);
		expr_print(f, s->value);
		dump_loc(f, s->loc);
		return;
	}
	fputs("if ", f);
	expr_print(f, s->value);
	dump_loc(f, s->loc);
	dump_stmts(f, s->then_, depth + 1);
	if (s->else_) {
		indent(f, depth);
		fputs("else\n", f);
		dump_stmts(f, s->else_, depth + 1);
	}
}

static void dump_stmts(FILE *f, const Vec *body, int depth)
{
	VEC_EACH(Stmt *, s, body)
		dump_stmt(f, s, depth);
}

static void dump_decls(FILE *f, const Vec *decls, int depth)
{
	VEC_EACH(Decl *, d, decls) {
		indent(f, depth);
		fprintf(f, "decl %s", d->name);
		if (d->annot) {
			fputs(" : ", f);
			expr_print(f, d->annot);
		}
		if (d->init) {
			fputs(" = ", f);
			expr_print(f, d->init);
		}
		dump_loc(f, d->loc);
	}
}

static void dump_member(FILE *f, const Member *m, int depth)
{
	indent(f, depth);
	fputs(member_names[m->kind], f);
	if (m->name)
		fprintf(f, " %s", m->name);
	dump_loc(f, m->loc);
	dump_decls(f, m->decls, depth + 1);
	dump_labelled(f, depth + 1, "coef", m->coef);
	dump_labelled(f, depth + 1, "value", m->value);
	dump_stmts(f, m->body, depth + 1);
}

static void dump_netitem(FILE *f, const NetItem *n, int depth)
{
	indent(f, depth);
	fputs(netitem_names[n->kind], f);
	if (n->name)
		fprintf(f, " %s", n->name);
	if (n->event)
		fprintf(f, " %s", n->event);
	dump_loc(f, n->loc);
	dump_labelled(f, depth + 1, "pre", n->pre);
	dump_labelled(f, depth + 1, "post", n->post);
	dump_labelled(f, depth + 1, "value", n->value);
	dump_labelled(f, depth + 1, "every", n->value2);
	dump_decls(f, n->decls, depth + 1);
	dump_stmts(f, n->body, depth + 1);
}

void ast_dump(FILE *f, const Program *p)
{
	VEC_EACH(TopDecl *, t, p->decls) {
		fprintf(f, "%s %s", top_names[t->kind], t->name);
		if (t->loc.file)
			fprintf(f, "  (%s:%d:%d)\n", t->loc.file->path, t->loc.first_line, t->loc.first_column);
		else
			fputc('\n', f);
		VEC_EACH(void *, m, t->members) {
			if (t->kind == TD_NETWORK)
				dump_netitem(f, m, 1);
			else
				dump_member(f, m, 1);
		}
	}
}

bool expr_any(const Expr *e, bool (*pred)(const Expr *, void *), void *arg)
{
	if (!e)
		return false;
	if (pred(e, arg))
		return true;
	if (expr_any(e->a, pred, arg) || expr_any(e->b, pred, arg) || expr_any(e->c, pred, arg))
		return true;
	VEC_EACH(Expr *, a, e->args)
		if (expr_any(a, pred, arg))
			return true;
	return false;
}
