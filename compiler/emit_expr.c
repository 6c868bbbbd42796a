/*
 * emit_expr.c — C expressions of resolved expressions, in a context: whose
 * kernel it is (population, connection, setup code), what the states read
 * (arrays, or one stage's values of an integration scheme), the time, the
 * element, the draw step.
 *
 * Lets are values (LANGUAGE.md §3: evaluated wherever they are read, with
 * the values of that moment): a kernel computes each let it needs once, as
 * a local, in dependency order, just before the first statement that reads
 * it, and again only after a statement wrote a variable the let reads.  So
 * the size of the C grows with the model's text, even for a chain of lets
 * that each read the previous one twice.  Without a LetCache (a context that
 * cannot hold locals) a let is printed inline.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"

static void ex(FILE *f, const Expr *e, const Ctx *c);
static void cond(FILE *f, const Expr *e, const Ctx *c);

/* ------------------------------------------------------------- contexts */

Ctx pop_ctx(const Pop *p, Mode mode)
{
	return (Ctx){ .pop = p, .m = p->model, .mode = mode, .stage = STG_S, .time = "t",
		      .elem = "i", .step = "(uint64_t)step", .stream_owner = p->index, .obj = "pp" };
}

Ctx conn_ctx(const Conn *c, Mode mode)
{
	return (Ctx){ .conn = c, .m = c->syn, .mode = mode, .time = "t", .elem = "s",
		      .step = "(uint64_t)step", .stream_owner = NET->pops->n + c->index, .obj = "cc" };
}

/* Setup code reading params from the owner's struct, in double. */
Ctx struct_ctx(const Pop *p, const Conn *c)
{
	Ctx x = p ? pop_ctx(p, MODE_STRUCT) : conn_ctx(c, MODE_STRUCT);
	x.time = "0.0";
	x.elem = "0";
	x.step = "SNN_STEP_INIT";
	x.dbl = true;
	return x;
}

const char *real_type(const Ctx *c)
{
	return c->dbl ? "double" : "real";
}

static bool single(const Ctx *c)
{
	return PR.single && !c->dbl;
}

const char *math_fn(FnId f, bool single_)
{
	return single_ ? fn_table[f].c_single : fn_table[f].c;
}

static const CName stage_cat[STG_COUNT] = {
	[STG_S] = CN_STAGE_S, [STG_Y2] = CN_STAGE_Y2, [STG_Y3] = CN_STAGE_Y3,
	[STG_Y4] = CN_STAGE_Y4, [STG_NEW] = CN_STAGE_NEW,
};
static const CName stage_let_cat[STG_COUNT] = {
	[STG_S] = CN_LET_S, [STG_Y2] = CN_LET_Y2, [STG_Y3] = CN_LET_Y3,
	[STG_Y4] = CN_LET_Y4, [STG_NEW] = CN_LET_NEW,
};

const char *stage_name(Stage s, const char *name)
{
	return c_name(stage_cat[s], name, NULL);
}

/* ------------------------------------------------------------ variables */

static Side side_of(const Expr *e, const Ctx *c)
{
	if (e->kind == EX_MEMBER && e->side)
		return e->side == 1 ? SIDE_PRE : SIDE_POST;
	return c->side;
}

/* The slot of a variable read from side `side` of the context. */
static Slot *slot_of(const Var *v, Side side, const Ctx *c)
{
	if (c->conn) {
		if (side == SIDE_PRE)
			return pop_slot(LAY, c->conn->pre.pop, v);
		if (side == SIDE_POST)
			return pop_slot(LAY, c->conn->post.pop, v);
		return conn_slot(LAY, c->conn, v);
	}
	return pop_slot(LAY, c->pop, v);
}

static const char *index_of(Side side, const Ctx *c)
{
	return side == SIDE_PRE ? "pre" : side == SIDE_POST ? "j" : c->elem;
}

static const Pop *pop_of(Side side, const Ctx *c)
{
	if (c->conn)
		return side == SIDE_PRE ? c->conn->pre.pop : side == SIDE_POST ? c->conn->post.pop : NULL;
	return c->pop;
}

static void builtin(FILE *f, const Var *v, Side side, const Ctx *c)
{
	switch (v->builtin) {
	case BI_T:
		fputs(c->time, f);
		return;
	case BI_DT:
		fputs(c->mode == MODE_STRUCT ? "sim->dt" : "dt", f);
		return;
	case BI_I:
		fprintf(f, "((%s)%s)", real_type(c), index_of(side, c));
		return;
	case BI_N:
		if (c->conn && side == SIDE_OWN)
			fprintf(f, "((%s)%s)", real_type(c), c->mode == MODE_STRUCT ? "cc->nsyn" : "nsyn");
		else if (c->conn)
			fprintf(f, "((%s)sim->pops[%d].n)", real_type(c), pop_of(side, c)->index);
		else
			fprintf(f, "((%s)%s)", real_type(c), c->mode == MODE_STRUCT ? "pp->n" : "n");
		return;
	case BI_T_LAST:
		fprintf(f, "%s[%s]", pop_internal(LAY, pop_of(side, c), SL_T_LAST)->local[side],
			index_of(side, c));
		return;
	case BI_SPIKED:
		fprintf(f, "((%s)%s[%s])", real_type(c),
			pop_internal(LAY, pop_of(side, c), SL_SPIKED)->local[side], index_of(side, c));
		return;
	case BI_XI:                 /* lowered away: only its coefficient is printed */
	case BI_NONE:
	case BI_COUNT:
		break;
	}
	die("cannot print the built-in '%s' here", v->name);
}

static const char *let_local(const Var *v, Side side, const Ctx *c);

static void var_read(FILE *f, const Expr *e, const Ctx *c)
{
	const Var *v = e->var;
	Side side = side_of(e, c);
	switch (v->kind) {
	case VK_PARAM: {
		Slot *s = slot_of(v, side, c);
		if (c->mode == MODE_STRUCT && side == SIDE_OWN)
			fprintf(f, c->dbl ? "%s->%s" : "((real)%s->%s)", c->obj, s->field);
		else
			fputs(s->local[side], f);
		return;
	}
	case VK_STATE:
		if (c->mode == MODE_STAGE && side == SIDE_OWN && v->ode) {
			fputs(stage_name(c->stage, v->name), f);
			return;
		}
		/* fall through */
	case VK_INPUT:
		if (c->mode == MODE_STRUCT)
			die("'%s' is read where only params are known", v->name);
		fprintf(f, "%s[%s]", slot_of(v, side, c)->local[side], index_of(side, c));
		return;
	case VK_LET:
		if (c->lets) {
			fputs(let_local(v, side, c), f);
		} else {
			Ctx inner = *c;
			inner.side = side;
			fputc('(', f);
			ex(f, v->decl->init, &inner);
			fputc(')', f);
		}
		return;
	case VK_BUILTIN:
		builtin(f, v, side, c);
		return;
	case VK_UNIT:
		c_number(f, v->unit_factor, single(c));
		return;
	case VK_PRE_STATE: case VK_POST_STATE:
		/* a trace: its stage value in its own integration (whose element
		 * is that neuron), else the element of the pre (post) neuron,
		 * whose index is always `pre` (`j`) */
		if (c->mode == MODE_STAGE && v->ode &&
		    !strcmp(c->elem, v->kind == VK_PRE_STATE ? "pre" : "j")) {
			fputs(stage_name(c->stage, v->name), f);
			return;
		}
		if (c->mode == MODE_STRUCT || !c->conn)
			break;
		fprintf(f, "%s[%s]", conn_slot(LAY, c->conn, v)->local[SIDE_OWN],
			v->kind == VK_PRE_STATE ? "pre" : "j");
		return;
	case VK_GLOBAL:
		/* a read of the network's on tick (its local), or the global itself */
		if (v->nread)
			fprintf(f, c->dbl ? "nr_%d" : "((real)nr_%d)", v->nread->index);
		else
			fprintf(f, c->dbl ? "m->%s" : "((real)m->%s)", global_slot(LAY, v)->field);
		return;
	case VK_MODULATOR:
		/* bound in the network: a global, or the element of the post
		 * (pre) neuron in a group of the same size */
		if (v->bind_global) {
			fprintf(f, "((%s)m->%s)", real_type(c), global_slot(LAY, v->bind_global)->field);
			return;
		}
		if (v->bind_var && c->conn) {
			const Group *side = v->pre_mod ? &c->conn->pre : &c->conn->post;
			const Group *g = v->bind_group;
			long long off = (g->hi < 0 ? 0 : g->lo) - (side->hi < 0 ? 0 : side->lo);
			const char *at = v->pre_mod ? "pre" : "j";
			fprintf(f, "((%s)m->%s.%s[%s", real_type(c), pop_field(g->pop),
				pop_slot(LAY, g->pop, v->bind_var)->field, at);
			if (off)
				fprintf(f, " + %lld", off);
			fputs("])", f);
			return;
		}
		break;
	}
	die("cannot read variable '%s' here", v->name);
}

/* ---------------------------------------------------------- expressions */

static void cond(FILE *f, const Expr *e, const Ctx *c)
{
	static const char *cmp[] = { [OP_LT] = "<", [OP_GT] = ">", [OP_LE] = "<=",
				     [OP_GE] = ">=", [OP_EQ] = "==", [OP_NE] = "!=" };
	if (e->kind == EX_BINARY && (e->op == OP_AND || e->op == OP_OR)) {
		fputc('(', f);
		cond(f, e->a, c);
		fputs(e->op == OP_AND ? " && " : " || ", f);
		cond(f, e->b, c);
		fputc(')', f);
	} else if (e->kind == EX_BINARY && e->op < (int)(sizeof cmp / sizeof *cmp) && cmp[e->op]) {
		fputc('(', f);
		ex(f, e->a, c);
		fprintf(f, " %s ", cmp[e->op]);
		ex(f, e->b, c);
		fputc(')', f);
	} else if (e->kind == EX_UNARY && e->op == OP_NOT) {
		fputs("!", f);
		cond(f, e->a, c);
	} else {
		fputs("((", f);
		ex(f, e, c);
		fputs(") != 0)", f);
	}
}

static bool small_int_exponent(const Expr *b, int *k)
{
	double v;
	Dim d;
	if (!const_eval(b, &v, &d) || v != floor(v) || fabs(v) > 4 || v == 0)
		return false;
	*k = (int)v;
	return true;
}

static void power(FILE *f, const Expr *e, const Ctx *c)
{
	int k;
	if (small_int_exponent(e->b, &k)) {
		fputs(k < 0 ? "(1 / (" : "((", f);
		for (int j = 0; j < abs(k); j++) {
			if (j)
				fputs(" * ", f);
			fputc('(', f);
			ex(f, e->a, c);
			fputc(')', f);
		}
		fputs("))", f);
		return;
	}
	fprintf(f, "%s(", math_fn(FN_POW, single(c)));
	ex(f, e->a, c);
	fputs(", ", f);
	ex(f, e->b, c);
	fputc(')', f);
}

static void call(FILE *f, const Expr *e, const Ctx *c)
{
	if (fn_table[e->builtin].elem == EL_DRAW) {
		fprintf(f, "((%s)%s(seed, %du, (uint64_t)(%s), %s, 0))", real_type(c),
			fn_table[e->builtin].c, c->stream_owner * 4096 + e->site, c->elem, c->step);
		return;
	}
	fprintf(f, "%s(", math_fn((FnId)e->builtin, single(c)));
	VEC_EACH(Expr *, a, e->args) {
		if (a_i)
			fputs(", ", f);
		ex(f, a, c);
	}
	fputc(')', f);
}

static void ex(FILE *f, const Expr *e, const Ctx *c)
{
	switch (e->kind) {
	case EX_NUM:
		c_number(f, e->num, single(c));
		return;
	case EX_QTY:
		c_number(f, e->num * snn_unit_find(e->name)->factor, single(c));
		return;
	case EX_NAME:
	case EX_MEMBER:
		var_read(f, e, c);
		return;
	case EX_DERIV:
		fputc('(', f);
		var_read(f, &(Expr){ .kind = EX_NAME, .var = e->var }, c);
		fputs(" / dt)", f);
		return;
	case EX_UNARY:
		if (e->op == OP_NOT) {
			fprintf(f, "((%s)", real_type(c));
			cond(f, e, c);
			fputc(')', f);
			return;
		}
		fputs(e->op == OP_NEG ? "(-" : "(+", f);
		ex(f, e->a, c);
		fputc(')', f);
		return;
	case EX_BINARY:
		switch (e->op) {
		case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV:
			fputc('(', f);
			ex(f, e->a, c);
			fprintf(f, " %c ", e->op);
			ex(f, e->b, c);
			fputc(')', f);
			return;
		case OP_POW:
			power(f, e, c);
			return;
		default:
			fprintf(f, "((%s)", real_type(c));
			cond(f, e, c);
			fputc(')', f);
			return;
		}
	case EX_COND:
		fputc('(', f);
		cond(f, e->a, c);
		fputs(" ? ", f);
		ex(f, e->b, c);
		fputs(" : ", f);
		ex(f, e->c, c);
		fputc(')', f);
		return;
	case EX_CALL:
		call(f, e, c);
		return;
	default:
		die("cannot emit expression kind %d", e->kind);
	}
}

typedef struct { const Expr *e; const Ctx *c; } ExArg;

static void print_ex(FILE *f, const void *arg)
{
	const ExArg *a = arg;
	ex(f, a->e, a->c);
}

static void print_cond(FILE *f, const void *arg)
{
	const ExArg *a = arg;
	cond(f, a->e, a->c);
}

const char *cx(const Expr *e, const Ctx *c)
{
	return to_text(print_ex, &(ExArg){ e, c });
}

const char *ccond(const Expr *e, const Ctx *c)
{
	return to_text(print_cond, &(ExArg){ e, c });
}

/* ------------------------------------------------------ lets as values */

typedef struct LetVal {
	const Var *var;
	Side side;
	int stage;             /* -1 outside a scheme's stages */
	int declared;          /* block depth of its declaration, -1: none open */
	int valid;             /* depth where its value was computed, -1: stale */
} LetVal;

struct LetCache {
	Vec *vals;             /* LetVal* */
	int depth;
};

LetCache *lets_new(void)
{
	LetCache *l = arena_alloc(sizeof *l);
	l->vals = vec_new();
	return l;
}

static int stage_key(const Ctx *c)
{
	return c->mode == MODE_STAGE ? (int)c->stage : -1;
}

static LetVal *let_val(LetCache *l, const Var *v, Side side, int stage)
{
	VEC_EACH(LetVal *, x, l->vals)
		if (x->var == v && x->side == side && x->stage == stage)
			return x;
	LetVal *x = arena_alloc(sizeof *x);
	*x = (LetVal){ v, side, stage, -1, -1 };
	vec_push(l->vals, x);
	return x;
}

static const char *let_local(const Var *v, Side side, const Ctx *c)
{
	if (c->mode == MODE_STAGE && side == SIDE_OWN)
		return c_name(stage_let_cat[c->stage], v->name, NULL);
	return slot_of(v, side, c)->local[side];
}

static void compute_in(Ctx *c, const Expr *e, Side side);

static void compute_let(Ctx *c, const Var *v, Side side)
{
	LetCache *l = c->lets;
	LetVal *x = let_val(l, v, side, stage_key(c));
	if (x->valid >= 0)
		return;
	compute_in(c, v->decl->init, side);     /* the lets it reads, first */
	Ctx inner = *c;
	inner.side = side;
	const char *val = cx(v->decl->init, &inner);
	comment(v->decl->loc, "let ");
	src_line(v->decl->loc);
	if (x->declared >= 0) {
		ln("%s = %s;", let_local(v, side, c), val);
	} else {
		ln("%s %s = %s;", real_type(c), let_local(v, side, c), val);
		x->declared = l->depth;
	}
	back_to_c();
	x->valid = l->depth;
}

static void compute_in(Ctx *c, const Expr *e, Side side)
{
	if (!e)
		return;
	if ((e->kind == EX_NAME || e->kind == EX_MEMBER) && e->var && e->var->kind == VK_LET) {
		Side s = e->kind == EX_MEMBER && e->side ? (e->side == 1 ? SIDE_PRE : SIDE_POST) : side;
		compute_let(c, e->var, s);
		return;
	}
	compute_in(c, e->a, side);
	compute_in(c, e->b, side);
	compute_in(c, e->c, side);
	VEC_EACH(Expr *, a, e->args)
		compute_in(c, a, side);
}

void compute_lets(Ctx *c, const Expr *e)
{
	if (c->lets)
		compute_in(c, e, c->side);
}

void lets_written(Ctx *c, const Var *v)
{
	if (!c->lets)
		return;
	VEC_EACH(LetVal *, x, c->lets->vals)
		if (x->valid >= 0) {
			VEC_EACH(Var *, d, let_dependencies((Var *)x->var))
				if (d == v) {
					x->valid = -1;
					break;
				}
		}
}

void lets_open(Ctx *c)
{
	if (c->lets)
		c->lets->depth++;
}

/* Values computed inside the block are unknown after it, and its
 * declarations are out of scope. */
void lets_close(Ctx *c)
{
	if (!c->lets)
		return;
	LetCache *l = c->lets;
	VEC_EACH(LetVal *, x, l->vals) {
		if (x->valid >= l->depth)
			x->valid = -1;
		if (x->declared >= l->depth)
			x->declared = -1;
	}
	l->depth--;
}
