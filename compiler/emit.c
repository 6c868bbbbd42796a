/*
 * emit.c — the generated C of a network: one file, readable, deterministic.
 *
 * Layout of the output (in this order):
 *   banner, includes, `real` (double or float), small math helpers;
 *   one struct per population (pop_NAME_t) and per connection (conn_NAME_t)
 *   holding structure-of-arrays state, params and derived constants, and the
 *   model struct (model_t) that the runtime allocates;
 *   kernels, one function per operation: pop_P_integrate, pop_P_tick,
 *   pop_P_threshold, pop_P_reset, pop_P_inputs, conn_C_deliver, let
 *   evaluators for monitors;
 *   model_defaults / model_setup / model_update / model_step;
 *   the descriptor tables and `snn_model_main`.
 *
 * Naming: every identifier derived from a user's name carries a category
 * prefix (p_ param, x_ array, xn_ next input buffer, s_/y2_/... stage values,
 * n_ new values, pre_/post_ the other side's arrays, prep_/postp_ their
 * params), so user names never collide with C keywords, with libm or with
 * each other; the compiler's own locals never use those prefixes.
 *
 * Each statement or equation is preceded by a comment with its source text
 * and a `#line` directive pointing into the .snn file; each kernel ends by
 * pointing back into the C file.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "snnc.h"

/* ----------------------------------------------------------------- printer */

typedef struct Out {
	FILE *f;
	int line;              /* current output line, 1-based */
	int indent;
	const char *cname;     /* the C file's name for #line */
	bool lines;            /* emit #line directives */
	bool single;
} Out;

static Out O;

/* Kernel locals.  A kernel's prologue declares every local it might need
 * (params, arrays, ...) between begin_locals() and end_locals(); kernel()
 * runs the kernel's emitter twice, first into a scratch buffer to see which
 * names the body uses, then for real, printing only those declarations. */
typedef struct LocalLine {
	const char *name, *text;
} LocalLine;

static struct KState {
	int pass;              /* 0: no kernel; 1: collecting; 2: printing */
	bool in_locals;
	Vec *lines;            /* LocalLine*, pass 1 */
	bool *kept;            /* pass 2 */
	int next;
} K;

static void emit_line(const char *s)
{
	for (int k = 0; k < O.indent && *s; k++)
		fputc('\t', O.f);
	fputs(s, O.f);
	fputc('\n', O.f);
	O.line++;
	for (const char *p = s; *p; p++)
		if (*p == '\n')
			O.line++;
}

/* The identifier a declaration line declares: the last one before " = ". */
static const char *declared_name(const char *text)
{
	const char *eq = strstr(text, " = ");
	if (!eq)
		return NULL;
	const char *end = eq;
	while (end > text && (isalnum((unsigned char)end[-1]) || end[-1] == '_'))
		end--;
	const char *start = end;
	end = eq;
	return arena_strndup(start, (size_t)(end - start));
}

static void local_line(char *s)
{
	if (K.pass == 1) {
		LocalLine *l = arena_alloc(sizeof *l);
		l->text = arena_strdup(s);
		l->name = declared_name(s);
		vec_push(K.lines, l);
	} else if (K.kept[K.next++]) {
		char *v = strstr(s, "; (void)");
		if (v)
			v[1] = 0;
		emit_line(s);
	}
}

/* One indented line (fmt without the trailing newline). */
static void ln(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void ln(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		die("out of memory");
	va_end(ap);
	if (K.pass && K.in_locals)
		local_line(s);
	else
		emit_line(s);
	free(s);
}

static void begin_locals(void) { K.in_locals = true; }
static void end_locals(void) { K.in_locals = false; }

static bool mentions(const char *text, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = strstr(text, name); p; p = strstr(p + 1, name)) {
		bool before = p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_');
		bool after = isalnum((unsigned char)p[n]) || p[n] == '_';
		if (!before && !after)
			return true;
	}
	return false;
}

static void open_block(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void close_block(void);

/* Emit `sig { body }` where body(arg) declares its candidate locals between
 * begin_locals() and end_locals(); only the used ones are printed. */
static void kernel(const char *sig, void (*body)(const void *), const void *arg)
{
	Out saved = O;
	char *buf = NULL;
	size_t len = 0;
	O.f = open_memstream(&buf, &len);
	K = (struct KState){ .pass = 1, .lines = vec_new() };
	body(arg);
	fclose(O.f);
	O = saved;
	int n = K.lines->n;
	bool *kept = arena_alloc(sizeof(bool) * (size_t)(n + 1));
	for (int k = n - 1; k >= 0; k--) {
		LocalLine *l = K.lines->items[k];
		kept[k] = l->name && mentions(buf, l->name);
		for (int j = k + 1; j < n && !kept[k]; j++)
			kept[k] = kept[j] && l->name &&
				  mentions(((LocalLine *)K.lines->items[j])->text, l->name);
	}
	free(buf);
	K = (struct KState){ .pass = 2, .kept = kept };
	if (*sig)
		open_block("%s", sig);
	else
		open_block("%s", "");
	body(arg);
	close_block();
	K = (struct KState){ 0 };
}

static void open_block(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void open_block(const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		die("out of memory");
	va_end(ap);
	bool locals = K.in_locals;
	K.in_locals = false;
	ln("%s%s{", s, *s ? " " : "");
	K.in_locals = locals;
	free(s);
	O.indent++;
}

static void close_block(void)
{
	O.indent--;
	ln("}");
}

static const char *c_string(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 32)
			fprintf(f, "\\%03o", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
	fclose(f);
	char *r = arena_strdup(buf);
	free(buf);
	return r;
}

/* A comment with the source text of an expression or statement, then #line. */
static void src_line(Loc loc)
{
	if (O.lines && loc.file)
		fprintf(O.f, "#line %d %s\n", loc.first_line, c_string(loc.file->path)), O.line++;
}

static void back_to_c(void)
{
	if (O.lines)
		fprintf(O.f, "#line %d %s\n", O.line + 1, c_string(O.cname)), O.line++;
}

static const char *src_text(Loc loc)
{
	if (!loc.file || loc.first_line != loc.last_line)
		return NULL;
	const char *p = loc.file->text;
	for (int l = 1; l < loc.first_line && *p; p++)
		if (*p == '\n')
			l++;
	/* columns count code points; source text is UTF-8 */
	const char *start = p;
	int col = 1;
	while (*start && *start != '\n' && col < loc.first_column) {
		start++;
		while ((*start & 0xC0) == 0x80)
			start++;
		col++;
	}
	const char *end = start;
	while (*end && *end != '\n' && col <= loc.last_column) {
		end++;
		while ((*end & 0xC0) == 0x80)
			end++;
		col++;
	}
	char *s = arena_strndup(start, (size_t)(end - start));
	for (char *q = s; *q; q++)
		if (q[0] == '*' && q[1] == '/')
			q[1] = '|';
	return s;
}

static void comment(Loc loc, const char *what)
{
	const char *t = src_text(loc);
	if (t && *t)
		ln("/* %s%s */", what, t);
	else if (*what)
		ln("/* %s */", what);
}

/* ------------------------------------------------------------- expressions */

enum { M_ARRAY, M_STAGE, M_STRUCT };

typedef struct Ctx {
	const Model *m;        /* own model */
	int mode;
	const char *stage;     /* M_STAGE: prefix of ODE states' locals */
	const char *time;      /* C expression for t */
	const char *elem;      /* own element index */
	const char *obj;       /* M_STRUCT: pointer expression of the owner struct ("pp") */
	int owner;             /* RNG stream owner */
	const char *step;      /* "step" or "SNN_STEP_INIT" */
	bool synapse;
} Ctx;

static void ex(FILE *f, const Expr *e, const Ctx *c);

static void num(FILE *f, double v)
{
	char buf[64];
	if (isinf(v)) {
		fprintf(f, "%sINFINITY", v < 0 ? "-" : "");
		return;
	}
	/* shortest text that reads back exactly */
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	fputs(buf, f);
	if (!strpbrk(buf, ".eEn"))
		fputs(".0", f);
	if (O.single)
		fputc('f', f);
}

static const char *prefix_for_side(int side, bool param)
{
	if (side == 1)
		return param ? "prep_" : "pre_";
	if (side == 2)
		return param ? "postp_" : "post_";
	return param ? "p_" : "x_";
}

static const char *index_for_side(int side, const Ctx *c)
{
	return side == 1 ? "pre" : side == 2 ? "j" : c->elem;
}

static void builtin(FILE *f, const Var *v, int side, const Ctx *c)
{
	switch (v->builtin) {
	case BI_T: fputs(c->time, f); return;
	case BI_DT: fputs(c->mode == M_STRUCT ? "sim->dt" : "dt", f); return;
	case BI_I:
		fprintf(f, "((real)%s)", side ? index_for_side(side, c) : c->elem);
		return;
	case BI_N:
		if (c->synapse)
			fputs(c->mode == M_STRUCT ? "((real)cc->nsyn)" : "((real)nsyn)", f);
		else
			fputs(c->mode == M_STRUCT ? "((real)pp->n)" : "((real)n)", f);
		return;
	case BI_T_LAST:
		fprintf(f, "%st_last[%s]", side == 1 ? "pre_" : side == 2 ? "post_" : "x_",
			index_for_side(side, c));
		return;
	case BI_SPIKED:
		fprintf(f, "((real)%sspiked[%s])", side == 1 ? "pre_" : side == 2 ? "post_" : "x_",
			index_for_side(side, c));
		return;
	case BI_XI: fputs("0", f); return;     /* lowered away */
	default: die("unknown builtin");
	}
}

static void var_read(FILE *f, const Expr *e, const Ctx *c)
{
	const Var *v = e->var;
	int side = e->kind == EX_MEMBER ? e->side : 0;
	switch (v->kind) {
	case VK_PARAM:
		if (c->mode == M_STRUCT && !side)
			fprintf(f, "((real)%s->p_%s)", c->obj, v->name);
		else
			fprintf(f, "%s%s", prefix_for_side(side, true), v->name);
		return;
	case VK_STATE:
		if (c->mode == M_STAGE && !side && v->ode)
			fprintf(f, "%s%s", c->stage, v->name);
		else
			fprintf(f, "%s%s[%s]", prefix_for_side(side, false), v->name, index_for_side(side, c));
		return;
	case VK_INPUT:
		fprintf(f, "%s%s[%s]", prefix_for_side(side, false), v->name, index_for_side(side, c));
		return;
	case VK_LET:
		fputc('(', f);
		ex(f, v->decl->init, c);
		fputc(')', f);
		return;
	case VK_BUILTIN:
		builtin(f, v, side, c);
		return;
	case VK_UNIT:
		num(f, v->unit_factor);
		return;
	default:
		die("cannot read variable '%s' here", v->name);
	}
}

/* A condition: C truth value. */
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

/* A libm function for `real`: exp, or expf under precision = single.  The
 * type-generic <tgmath.h> macros are avoided: nested two-argument calls
 * expand exponentially in the preprocessor. */
static const char *mathfn(const char *name)
{
	if (!strncmp(name, "snn_", 4) || !O.single)
		return name;
	return arena_printf("%sf", name);
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
	fprintf(f, "%s(", mathfn("pow"));
	ex(f, e->a, c);
	fputs(", ", f);
	ex(f, e->b, c);
	fputc(')', f);
}

static void call(FILE *f, const Expr *e, const Ctx *c)
{
	if (e->builtin == FN_RAND || e->builtin == FN_RANDN) {
		fprintf(f, "((real)%s(seed, %du, (uint64_t)(%s), %s, 0))",
			e->builtin == FN_RAND ? "snn_rand" : "snn_randn",
			c->owner * 4096 + e->site, c->elem, c->step);
		return;
	}
	fprintf(f, "%s(", mathfn(fn_table[e->builtin].c));
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
		num(f, e->num);
		return;
	case EX_QTY:
		num(f, e->num * snn_unit_find(e->name)->factor);
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
			fputs("((real)", f);
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
			fputs("((real)", f);
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

/* An expression printed as C, as an arena string. */
static const char *text_of(void (*print)(FILE *, const Expr *, const Ctx *), const Expr *e,
			   const Ctx *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	print(f, e, c);
	fclose(f);
	char *r = arena_strdup(buf);
	free(buf);
	return r;
}

static const char *exs(const Expr *e, const Ctx *c) { return text_of(ex, e, c); }
static const char *conds(const Expr *e, const Ctx *c) { return text_of(cond, e, c); }

/* ---------------------------------------------------------- network facts */

static Network *NET;

static const char *pop_t(const Pop *p) { return arena_printf("pop_%s_t", p->name); }
static const char *conn_field(const Conn *c) { return arena_printf("conn_%s", c->name); }

/* Does some connection write `post.X += ...` to input var of pop p? */
static bool stmts_write_input(Vec *body, const Var *in)
{
	VEC_EACH(Stmt *, st, body) {
		if (st->kind == ST_IF) {
			if (stmts_write_input(st->then_, in) || stmts_write_input(st->else_, in))
				return true;
		} else if (st->target->kind == EX_MEMBER && st->target->var == in) {
			return true;
		}
	}
	return false;
}

static bool input_connected(const Pop *p, const Var *in)
{
	VEC_EACH(Conn *, c, NET->conns)
		if (c->post.pop == p && stmts_write_input(c->syn->on_pre, in))
			return true;
	return false;
}

static bool has_refractory(const Model *m)
{
	return m && m->refractory;
}

static bool is_held(const Var *v)
{
	return v->held && has_refractory(v->model);
}

static bool given(Vec *inits, const Var *v)
{
	VEC_EACH(Init *, in, inits)
		if (in->var == v)
			return true;
	return false;
}

static Expr *init_of(Vec *inits, const Var *v)
{
	Expr *e = v->decl ? v->decl->init : NULL;
	VEC_EACH(Init *, in, inits)
		if (in->var == v)
			e = in->value;
	return e;
}

/* ----------------------------------------------------------------- structs */

static void pop_struct(const Pop *p)
{
	const Model *m = p->model;
	open_block("typedef struct");
	ln("int32_t n;");
	if (m) {
		VEC_EACH(Var *, v, m->vars) {
			if (v->kind == VK_STATE)
				ln("%s *x_%s;", "real", v->name);
			else if (v->kind == VK_INPUT)
				ln("%s *x_%s, *xn_%s;   /* read this step / added for the next */",
				   "real", v->name, v->name);
		}
	}
	ln("double *x_t_last;");
	ln("uint8_t *x_spiked;");
	if (has_refractory(m)) {
		ln("int32_t *ref_until;   /* last refractory step, relative to ref_base */");
		ln("int64_t ref_base;");
	}
	if (m) {
		VEC_EACH(Var *, v, m->vars)
			if (v->kind == VK_PARAM)
				ln("double p_%s;", v->name);
		Lowered *L = m->low;
		if (L && L->scheme == SCH_EXACT && L->n && !L->a_per_element)
			ln("double Phi[%d], Psi[%d];   /* exact propagator over dt */", L->n * L->n, L->n * L->n);
	} else {
		if (p->kind == POP_POISSON)
			ln("double p_rate;");
		ln("snn_gen *gen;");
	}
	O.indent--;
	ln("} %s;", pop_t(p));
	ln("%s", "");
}

static void conn_struct(const Conn *c)
{
	open_block("typedef struct");
	ln("int64_t nsyn;");
	VEC_EACH(Var *, v, c->syn->vars)
		if (v->kind == VK_STATE)
			ln("%s *x_%s;", "real", v->name);
	VEC_EACH(Var *, v, c->syn->vars)
		if (v->kind == VK_PARAM)
			ln("double p_%s;", v->name);
	if (c->hetero_delay) {
		ln("int32_t *delay;   /* steps, per synapse */");
		ln("snn_synqueue *q;");
	} else {
		ln("int32_t delay;   /* steps */");
		ln("snn_queue *q;");
	}
	O.indent--;
	ln("} conn_%s_t;", c->name);
	ln("%s", "");
}

static void structs(void)
{
	VEC_EACH(Pop *, p, NET->pops)
		pop_struct(p);
	VEC_EACH(Conn *, c, NET->conns)
		conn_struct(c);
	open_block("typedef struct");
	VEC_EACH(Pop *, p, NET->pops)
		ln("%s pop_%s;", pop_t(p), p->name);
	VEC_EACH(Conn *, c, NET->conns)
		ln("conn_%s_t %s;", c->name, conn_field(c));
	O.indent--;
	ln("} model_t;");
	ln("%s", "");
}

/* --------------------------------------------------------- kernel prologue */

static void common_locals(void)
{
	ln("model_t *m = sim->state;");
	ln("const int64_t step = sim->step;");
	ln("const uint64_t seed = sim->seed;");
	ln("const double t = sim->t;");
	ln("const real dt = (real)sim->dt;");
}

/* Params and arrays of a population as locals: p_X, x_X (prefix changes for
 * the pre/post side of a synapse). */
static void pop_locals(const Pop *p, const char *obj, const char *ap, const char *pp, bool restrict_)
{
	const Model *m = p->model;
	const char *r = restrict_ ? "restrict " : "";
	if (m) {
		VEC_EACH(Var *, v, m->vars) {
			if (v->kind == VK_PARAM)
				ln("const real %s%s = (real)%s->p_%s; (void)%s%s;", pp, v->name, obj, v->name, pp, v->name);
			else if (v->kind == VK_STATE || v->kind == VK_INPUT)
				ln("real *%s%s%s = %s->x_%s; (void)%s%s;", r, ap, v->name, obj, v->name, ap, v->name);
			if (v->kind == VK_INPUT)
				ln("real *%s%sn_%s = %s->xn_%s; (void)%sn_%s;", r, ap[0] == 'x' ? "x" : ap,
				   v->name, obj, v->name, ap[0] == 'x' ? "x" : ap, v->name);
		}
	}
	ln("double *%s%st_last = %s->x_t_last; (void)%st_last;", r, ap, obj, ap);
	ln("uint8_t *%s%sspiked = %s->x_spiked; (void)%sspiked;", r, ap, obj, ap);
	if (has_refractory(m)) {
		ln("int32_t *%s%sref_until = %s->ref_until;", r, ap, obj);
		ln("const int32_t refstep%s = (int32_t)(step - %s->ref_base);",
		   ap[0] == 'x' ? "" : ap[1] == 'r' ? "_pre" : "_post", obj);
	}
}

static void own_pop_prologue(const Pop *p)
{
	begin_locals();
	common_locals();
	ln("%s *pp = &m->pop_%s;", pop_t(p), p->name);
	ln("const int32_t n = pp->n;");
	pop_locals(p, "pp", "x_", "p_", true);
}

static Ctx pop_ctx(const Pop *p, int mode)
{
	return (Ctx){ .m = p->model, .mode = mode, .stage = "s_", .time = "t", .elem = "i",
		      .obj = "pp", .owner = p->index, .step = "(uint64_t)step" };
}

/* ------------------------------------------------------------- statements */

static void stmts(Vec *body, const Ctx *c, bool in_reset, const Pop *post);

static void assign(Stmt *st, const Ctx *c, bool in_reset, const Pop *post)
{
	static const char *ops[] = { ['='] = "=", ['+'] = "+=", ['-'] = "-=", ['*'] = "*=" };
	Expr *t = st->target;
	const Var *v = t->var;
	const char *val = exs(st->value, c);
	comment(st->loc, "");
	src_line(st->loc);
	if (t->kind == EX_MEMBER) {         /* post.X */
		if (v->kind == VK_INPUT)
			ln("post_n_%s[j] %s %s;", v->name, ops[st->op], val);
		else if (is_held(v))
			ln("if (!(refstep_post <= post_ref_until[j])) post_%s[j] %s %s;", v->name, ops[st->op], val);
		else
			ln("post_%s[j] %s %s;", v->name, ops[st->op], val);
		return;
	}
	if (is_held(v) && !in_reset && !c->synapse)
		ln("if (!refr) x_%s[%s] %s %s;", v->name, c->elem, ops[st->op], val);
	else
		ln("x_%s[%s] %s %s;", v->name, c->elem, ops[st->op], val);
}

static void stmts(Vec *body, const Ctx *c, bool in_reset, const Pop *post)
{
	VEC_EACH(Stmt *, st, body) {
		if (st->kind == ST_ASSIGN) {
			assign(st, c, in_reset, post);
			continue;
		}
		src_line(st->loc);
		open_block("if (%s)", conds(st->value, c));
		stmts(st->then_, c, in_reset, post);
		if (st->else_ && st->else_->n) {
			O.indent--;
			open_block("} else");
			stmts(st->else_, c, in_reset, post);
		}
		close_block();
	}
}

/* --------------------------------------------------------------- integrate */

static void load_stage(const Lowered *L, const char *pfx)
{
	for (int k = 0; k < L->n; k++)
		ln("const real %s%s = x_%s[i];", pfx, L->x[k]->name, L->x[k]->name);
}

/* k<stage>_X = f_X evaluated with stage values prefix `pfx` at time `time` */
static void eval_f(const Lowered *L, Expr **f, const Pop *p, const char *pfx, const char *time,
		   const char *out)
{
	Ctx c = pop_ctx(p, M_STAGE);
	c.stage = pfx;
	c.time = time;
	for (int k = 0; k < L->n; k++) {
		comment(L->ode[k]->loc, "");
		src_line(L->ode[k]->loc);
		ln("const real %s%s = %s;", out, L->x[k]->name, exs(f[k], &c));
	}
}

static void step_stage(const Lowered *L, const char *out, const char *from, const char *h,
		       const char *k)
{
	for (int j = 0; j < L->n; j++)
		ln("const real %s%s = %s%s + %s * %s%s;", out, L->x[j]->name, from, L->x[j]->name, h, k,
		   L->x[j]->name);
}

static void integrate_euler(const Lowered *L, const Pop *p)
{
	eval_f(L, L->fdet, p, "s_", "t0", "d_");
	Ctx c = pop_ctx(p, M_STAGE);
	c.time = "t0";
	for (int k = 0; k < L->n; k++) {
		const char *x = L->x[k]->name;
		if (L->g[k])
			ln("const real n_%s = s_%s + dt * d_%s + (%s) * sqrtdt * (real)snn_randn(seed, %du, "
			   "(uint64_t)i, (uint64_t)step, 0);", x, x, x, exs(L->g[k], &c),
			   p->index * 4096 + 2048 + k);
		else
			ln("const real n_%s = s_%s + dt * d_%s;", x, x, x);
	}
}

static void integrate_rk(const Lowered *L, const Pop *p, bool rk4)
{
	eval_f(L, L->f, p, "s_", "t0", "k1_");
	if (!rk4) {
		step_stage(L, "y2_", "s_", "(real)0.5 * dt", "k1_");
		eval_f(L, L->f, p, "y2_", "(t0 + 0.5 * sim->dt)", "k2_");
		step_stage(L, "n_", "s_", "dt", "k2_");
		return;
	}
	step_stage(L, "y2_", "s_", "(real)0.5 * dt", "k1_");
	eval_f(L, L->f, p, "y2_", "(t0 + 0.5 * sim->dt)", "k2_");
	step_stage(L, "y3_", "s_", "(real)0.5 * dt", "k2_");
	eval_f(L, L->f, p, "y3_", "(t0 + 0.5 * sim->dt)", "k3_");
	step_stage(L, "y4_", "s_", "dt", "k3_");
	eval_f(L, L->f, p, "y4_", "(t0 + sim->dt)", "k4_");
	for (int j = 0; j < L->n; j++) {
		const char *x = L->x[j]->name;
		ln("const real n_%s = s_%s + dt / 6 * (k1_%s + 2 * k2_%s + 2 * k3_%s + k4_%s);",
		   x, x, x, x, x, x);
	}
}

/* x <- x e^{A dt} + (B/A)(e^{A dt} - 1), and x + B dt where A = 0 */
static void expeuler_one(const char *x, const char *A, const char *B)
{
	ln("const real A_%s = %s;", x, A);
	ln("const real B_%s = %s;", x, B);
	ln("const real E_%s = %s(A_%s * dt);", x, mathfn("exp"), x);
	ln("const real n_%s = A_%s == 0 ? s_%s + B_%s * dt : s_%s * E_%s + B_%s / A_%s * (E_%s - 1);",
	   x, x, x, x, x, x, x, x, x);
}

static void integrate_expeuler(const Lowered *L, const Pop *p)
{
	Ctx c = pop_ctx(p, M_STAGE);
	c.time = "t0";
	for (int k = 0; k < L->n; k++) {
		comment(L->ode[k]->loc, "");
		src_line(L->ode[k]->loc);
		expeuler_one(L->x[k]->name, exs(L->A1[k], &c), exs(L->B1[k], &c));
	}
}

static void integrate_exact(const Lowered *L, const Pop *p)
{
	Ctx c = pop_ctx(p, M_STAGE);
	c.time = "t0";
	int n = L->n;
	if (L->a_per_element) {
		comment(L->ode[0]->loc, "");
		src_line(L->ode[0]->loc);
		expeuler_one(L->x[0]->name, exs(L->A[0], &c), exs(L->b[0], &c));
		return;
	}
	for (int k = 0; k < n; k++)
		if (!is_zero(L->b[k])) {
			ln("const real b_%s = %s;   /* forcing */", L->x[k]->name, exs(L->b[k], &c));
		}
	for (int i = 0; i < n; i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		int terms = 0;
		for (int j = 0; j < n; j++)
			if (L->reach[i * n + j])
				fprintf(f, "%sPhi_%d_%d * s_%s", terms++ ? " + " : "", i, j, L->x[j]->name);
		for (int k = 0; k < n; k++)
			if (L->reach[i * n + k] && !is_zero(L->b[k]))
				fprintf(f, " + Psi_%d_%d * b_%s", i, k, L->x[k]->name);
		fclose(f);
		comment(L->ode[i]->loc, "");
		src_line(L->ode[i]->loc);
		ln("const real n_%s = %s;", L->x[i]->name, buf);
		free(buf);
	}
}

static void propagator_locals(const Lowered *L)
{
	int n = L->n;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			if (L->reach[i * n + j]) {
				ln("const real Phi_%d_%d = (real)pp->Phi[%d];", i, j, i * n + j);
				if (!is_zero(L->b[j]))
					ln("const real Psi_%d_%d = (real)pp->Psi[%d];", i, j, i * n + j);
			}
}

/* Integrate and threshold in one sweep: possible when nothing runs between
 * them for this population (no on tick); nothing else can observe the
 * difference, since no other population reads this one's state. */
static bool fused(const Pop *p)
{
	const Model *m = p->model;
	return m->spike && m->odes->n && !m->on_tick->n;
}

static void fire_flag(const Pop *p, const Ctx *c)
{
	const Model *m = p->model;
	comment(m->spike->loc, "");
	src_line(m->spike->loc);
	if (has_refractory(m))
		ln("const int fire = !refr & %s;", conds(m->spike, c));
	else
		ln("const int fire = %s;", conds(m->spike, c));
	back_to_c();
	ln("x_spiked[i] = (uint8_t)fire;");
}

/* The flags to this step's spike list, and their t_last. */
static void compaction(const Pop *p)
{
	ln("snn_pop *rt = &sim->pops[%d];", p->index);
	ln("rt->nspk = snn_compact(x_spiked, n, rt->spk);");
	ln("for (int32_t k = 0; k < rt->nspk; k++)");
	ln("\tx_t_last[rt->spk[k]] = t;");
}

static void integrate_body(const void *arg)
{
	const Pop *p = arg;
	const Model *m = p->model;
	Lowered *L = m->low;
	own_pop_prologue(p);
	ln("const double t0 = (double)step * sim->dt;");
	if (L->scheme == SCH_EULER)
		ln("const real sqrtdt = %s(dt);", mathfn("sqrt"));
	if (L->scheme == SCH_EXACT && !L->a_per_element)
		propagator_locals(L);
	end_locals();
	ln("SNN_VECTORIZE");
	open_block("for (int32_t i = 0; i < n; i++)");
	if (has_refractory(m))
		ln("const int refr = refstep <= x_ref_until[i];");
	load_stage(L, "s_");
	switch (L->scheme) {
	case SCH_EULER: integrate_euler(L, p); break;
	case SCH_RK2: integrate_rk(L, p, false); break;
	case SCH_RK4: integrate_rk(L, p, true); break;
	case SCH_EXPEULER: integrate_expeuler(L, p); break;
	case SCH_EXACT: integrate_exact(L, p); break;
	}
	for (int k = 0; k < L->n; k++) {
		const char *x = L->x[k]->name;
		if (is_held(L->x[k]))
			ln("x_%s[i] = refr ? s_%s : n_%s;", x, x, x);
		else
			ln("x_%s[i] = n_%s;", x, x);
	}
	if (fused(p)) {
		Ctx c = pop_ctx(p, M_STAGE);
		c.stage = "n_";
		fire_flag(p, &c);
	}
	close_block();
	if (fused(p))
		compaction(p);
	back_to_c();
}

static void kernel_integrate(const Pop *p)
{
	const Model *m = p->model;
	ln("/* phase 1: integrate the ODEs of %s (%s, %s) over dt%s */", p->name, m->name,
	   scheme_names[m->low->scheme], fused(p) ? "; phase 3: threshold" : "");
	kernel(arena_printf("static void pop_%s_integrate(snn_sim *sim)", p->name), integrate_body, p);
	ln("%s", "");
}

/* ------------------------------------------------------ tick, threshold, reset */

static void tick_body(const void *arg)
{
	const Pop *p = arg;
	own_pop_prologue(p);
	end_locals();
	open_block("for (int32_t i = 0; i < n; i++)");
	if (has_refractory(p->model))
		ln("const int refr = refstep <= x_ref_until[i];");
	Ctx c = pop_ctx(p, M_ARRAY);
	stmts(p->model->on_tick, &c, false, NULL);
	close_block();
	back_to_c();
}

static void kernel_tick(const Pop *p)
{
	ln("/* phase 2: on tick of %s */", p->name);
	kernel(arena_printf("static void pop_%s_tick(snn_sim *sim)", p->name), tick_body, p);
	ln("%s", "");
}

static void threshold_body(const void *arg)
{
	const Pop *p = arg;
	Ctx c = pop_ctx(p, M_ARRAY);
	own_pop_prologue(p);
	end_locals();
	ln("SNN_VECTORIZE");
	open_block("for (int32_t i = 0; i < n; i++)");
	if (has_refractory(p->model))
		ln("const int refr = refstep <= x_ref_until[i];");
	fire_flag(p, &c);
	close_block();
	compaction(p);
}

static void kernel_threshold(const Pop *p)
{
	ln("/* phase 3: threshold of %s; this step's spikes, ascending */", p->name);
	kernel(arena_printf("static void pop_%s_threshold(snn_sim *sim)", p->name), threshold_body, p);
	ln("%s", "");
}

static void reset_body(const void *arg)
{
	const Pop *p = arg;
	const Model *m = p->model;
	Ctx c = pop_ctx(p, M_ARRAY);
	own_pop_prologue(p);
	end_locals();
	ln("const snn_pop *rt = &sim->pops[%d];", p->index);
	open_block("for (int32_t k = 0; k < rt->nspk; k++)");
	ln("const int32_t i = rt->spk[k];");
	stmts(m->reset, &c, true, NULL);
	if (has_refractory(m)) {
		comment(m->refractory->loc, "refractory ");
		src_line(m->refractory->loc);
		ln("x_ref_until[i] = snn_ref_until(refstep, floor((double)(%s) / sim->dt + 0.5));",
		   exs(m->refractory, &c));
	}
	close_block();
	back_to_c();
}

static void kernel_reset(const Pop *p)
{
	ln("/* phase 5: reset of %s; refractoriness begins */", p->name);
	kernel(arena_printf("static void pop_%s_reset(snn_sim *sim)", p->name), reset_body, p);
	ln("%s", "");
}

static bool pop_has_connected_inputs(const Pop *p)
{
	if (!p->model)
		return false;
	VEC_EACH(Var *, v, p->model->vars)
		if (v->kind == VK_INPUT && input_connected(p, v))
			return true;
	return false;
}

static void kernel_inputs(const Pop *p)
{
	ln("/* phase 6: inputs of %s move on: what was added this step is read next step */", p->name);
	open_block("static void pop_%s_inputs(snn_sim *sim)", p->name);
	ln("model_t *m = sim->state;");
	ln("%s *pp = &m->pop_%s;", pop_t(p), p->name);
	VEC_EACH(Var *, v, p->model->vars)
		if (v->kind == VK_INPUT && input_connected(p, v)) {
			ln("real *tmp_%s = pp->x_%s;", v->name, v->name);
			ln("pp->x_%s = pp->xn_%s;", v->name, v->name);
			ln("pp->xn_%s = tmp_%s;", v->name, v->name);
			ln("memset(pp->xn_%s, 0, (size_t)pp->n * sizeof(real));", v->name);
		}
	close_block();
	ln("%s", "");
}

typedef struct LetArg {
	const Pop *p;
	const Var *v;
} LetArg;

static void let_body(const void *arg)
{
	const LetArg *a = arg;
	ln("snn_sim *sim = (snn_sim *)sim_;");
	own_pop_prologue(a->p);
	end_locals();
	open_block("for (int64_t i = i0; i < i1; i++)");
	if (has_refractory(a->p->model))
		ln("const int refr = refstep <= x_ref_until[i];");
	Ctx c = pop_ctx(a->p, M_ARRAY);
	ln("out[i - i0] = (double)(%s);", exs(a->v->decl->init, &c));
	close_block();
}

/* Lets are evaluated where they are read; monitors read them through these. */
static void let_evaluators(const Pop *p)
{
	VEC_EACH(Var *, v, p->model->vars) {
		if (v->kind != VK_LET)
			continue;
		LetArg a = { p, v };
		kernel(arena_printf("static void pop_%s_let_%s(const snn_sim *sim_, int64_t i0, "
				    "int64_t i1, double *out)", p->name, v->name), let_body, &a);
		ln("%s", "");
	}
}

/* ------------------------------------------------------------ connections */

static const Pop *pre_pop(const Conn *c) { return c->pre.pop; }
static const Pop *post_pop(const Conn *c) { return c->post.pop; }

static Ctx syn_ctx(const Conn *c, int mode)
{
	return (Ctx){ .m = c->syn, .mode = mode, .stage = "s_", .time = "t", .elem = "s",
		      .obj = "cc", .owner = NET->pops->n + c->index, .step = "(uint64_t)step",
		      .synapse = true };
}

static void syn_locals(const Conn *c)
{
	begin_locals();
	common_locals();
	ln("conn_%s_t *cc = &m->%s;", c->name, conn_field(c));
	ln("const snn_csr *csr = &sim->conns[%d].csr;", c->index);
	ln("const int64_t nsyn = cc->nsyn;");
	/* connectivity and synapse arrays alias nothing else */
	ln("const int64_t *restrict row = csr->row;");
	ln("const int32_t *restrict post = csr->post;");
	ln("const int32_t *restrict prei = csr->pre;");
	VEC_EACH(Var *, v, c->syn->vars) {
		if (v->kind == VK_PARAM)
			ln("const real p_%s = (real)cc->p_%s;", v->name, v->name);
		else if (v->kind == VK_STATE)
			ln("real *restrict x_%s = cc->x_%s;", v->name, v->name);
	}
	ln("%s *prepop = &m->pop_%s;", pop_t(pre_pop(c)), pre_pop(c)->name);
	ln("%s *postpop = &m->pop_%s;", pop_t(post_pop(c)), post_pop(c)->name);
	/* no restrict: pre and post may be the same population */
	pop_locals(pre_pop(c), "prepop", "pre_", "prep_", false);
	pop_locals(post_pop(c), "postpop", "post_", "postp_", false);
}

static void deliver_body(const void *arg)
{
	const Conn *c = arg;
	Ctx x = syn_ctx(c, M_ARRAY);
	syn_locals(c);
	end_locals();
	ln("const snn_pop *rt = &sim->pops[%d];", pre_pop(c)->index);
	if (c->hetero_delay) {
		ln("snn_synqueue_push(cc->q, step, rt->spk, rt->nspk, csr, cc->delay);");
		ln("int64_t nd;");
		ln("const int64_t *due = snn_synqueue_due(cc->q, step, &nd);");
		open_block("for (int64_t k = 0; k < nd; k++)");
		ln("if (k + 8 < nd)");
		ln("\tSNN_PREFETCH(post + due[k + 8]);");
		ln("const int64_t s = due[k];");
		ln("const int32_t pre = prei[s], j = post[s];");
		ln("(void)pre; (void)j;");
		stmts(c->syn->on_pre, &x, false, post_pop(c));
		close_block();
	} else {
		ln("snn_queue_push(cc->q, step, rt->spk, rt->nspk);");
		ln("int32_t nd;");
		ln("const int32_t *due = snn_queue_due(cc->q, step, &nd);");
		open_block("for (int32_t k = 0; k < nd; k++)");
		ln("/* fetch the target lists of the spikes ahead: they are cache misses */");
		ln("if (k + 8 < nd)");
		ln("\tSNN_PREFETCH(row + due[k + 8]);");
		ln("if (k + 4 < nd)");
		ln("\tfor (int64_t a = row[due[k + 4]], b = row[due[k + 4] + 1]; a < b; a += 16)");
		ln("\t\tSNN_PREFETCH(post + a);");
		ln("const int32_t pre = due[k];");
		ln("const int64_t end = row[pre + 1];");
		open_block("for (int64_t s = row[pre]; s < end; s++)");
		ln("const int32_t j = post[s];");
		ln("(void)j;");
		stmts(c->syn->on_pre, &x, false, post_pop(c));
		close_block();
		close_block();
	}
	back_to_c();
}

static void kernel_deliver(const Conn *c)
{
	ln("/* phase 4: spikes of %s arriving at %s through %s (%s): on pre */",
	   c->pre.name, c->post.name, c->name, c->syn->name);
	kernel(arena_printf("static void conn_%s_deliver(snn_sim *sim)", c->name), deliver_body, c);
	ln("%s", "");
}

/* ----------------------------------------------------------------- setup */

static void param_defaults(const char *obj, const Model *m, Vec *inits, int owner)
{
	Ctx c = { .m = m, .mode = M_STRUCT, .obj = obj, .time = "0.0", .elem = "0",
		  .owner = owner, .step = "SNN_STEP_INIT" };
	VEC_EACH(Var *, v, m->vars) {
		if (v->kind != VK_PARAM)
			continue;
		Expr *e = init_of(inits, v);
		if (e)
			ln("%s->p_%s = (double)(%s);", obj, v->name, exs(e, &c));
	}
}

static void model_defaults(void)
{
	open_block("static void model_defaults(snn_sim *sim)");
	ln("model_t *m = sim->state;");
	ln("const uint64_t seed = sim->seed; (void)seed;");
	VEC_EACH(Pop *, p, NET->pops) {
		if (p->model) {
			open_block("%s", "");
			ln("%s *pp = &m->pop_%s;", pop_t(p), p->name);
			ln("pp->n = %lld;", (long long)p->n);
			param_defaults("pp", p->model, p->inits, p->index);
			close_block();
		} else if (p->kind == POP_POISSON) {
			Ctx c = { .mode = M_STRUCT, .obj = "pp", .time = "0.0", .elem = "0" };
			ln("m->pop_%s.p_rate = %s;", p->name, exs(p->rate, &c));
		}
	}
	VEC_EACH(Conn *, cn, NET->conns) {
		open_block("%s", "");
		ln("conn_%s_t *cc = &m->%s;", cn->name, conn_field(cn));
		ln("(void)cc;");
		param_defaults("cc", cn->syn, cn->inits, NET->pops->n + cn->index);
		close_block();
	}
	close_block();
	ln("%s", "");
}

/* Initial values, evaluated at start after --set (t = 0). */
static void init_body(const void *arg)
{
	const Pop *p = arg;
	begin_locals();
	ln("const int32_t n = pp->n;");
	ln("const uint64_t seed = sim->seed;");
	ln("const double t = 0;");
	ln("const real dt = (real)sim->dt;");
	pop_locals(p, "pp", "x_", "p_", false);
	end_locals();
	Ctx c = pop_ctx(p, M_ARRAY);
	c.time = "0.0";
	c.step = "SNN_STEP_INIT";
	open_block("for (int32_t i = 0; i < n; i++)");
	VEC_EACH(Var *, v, p->model->vars) {
		Expr *e = init_of(p->inits, v);
		if (v->kind == VK_STATE && e)
			ln("x_%s[i] = %s;", v->name, exs(e, &c));
		else if (v->kind == VK_INPUT && e && !input_connected(p, v))
			ln("x_%s[i] = %s;   /* default: nothing is connected */", v->name, exs(e, &c));
	}
	close_block();
}

static void setup_pop(const Pop *p)
{
	const Model *m = p->model;
	ln("/* population %s: %s(%lld) */", p->name, m->name, (long long)p->n);
	open_block("%s", "");
	ln("%s *pp = &m->pop_%s;", pop_t(p), p->name);
	ln("const int32_t n = pp->n;");
	ln("snn_pop *rt = &sim->pops[%d];", p->index);
	ln("pp->x_t_last = rt->t_last;");
	ln("pp->x_spiked = rt->spiked;");
	VEC_EACH(Var *, v, m->vars) {
		if (v->kind == VK_STATE || v->kind == VK_INPUT)
			ln("pp->x_%s = snn_alloc_array(sim, (size_t)n, sizeof(real));", v->name);
		if (v->kind == VK_INPUT)
			ln("pp->xn_%s = snn_alloc_array(sim, (size_t)n, sizeof(real));", v->name);
	}
	if (has_refractory(m)) {
		ln("pp->ref_until = snn_alloc_array(sim, (size_t)n, sizeof(int32_t));");
		ln("for (int32_t i = 0; i < n; i++)");
		ln("\tpp->ref_until[i] = INT32_MIN;");
	}
	kernel("", init_body, p);
	close_block();
}

static void emit_list(const char *type, const char *name, Vec *items, double scale)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	VEC_EACH(Expr *, e, items) {
		double v;
		Dim d;
		if (!const_eval(e, &v, &d))
			v = 0;
		fprintf(f, "%s%.17g", e_i ? ", " : "", v * scale);
	}
	fclose(f);
	ln("static const %s %s[] = { %s };", type, name, items->n ? buf : "0");
	free(buf);
}

static void setup_generator(const Pop *p)
{
	ln("/* generator %s */", p->name);
	open_block("%s", "");
	ln("%s *pp = &m->pop_%s;", pop_t(p), p->name);
	switch (p->kind) {
	case POP_POISSON:
		ln("pp->n = %lld;", (long long)p->n);
		ln("pp->gen = snn_gen_poisson(sim, %d, &pp->p_rate);", p->index);
		break;
	case POP_SPIKES:
		ln("pp->n = %lld;", (long long)p->n);
		emit_list("double", "times", p->times, 1);
		if (p->index_list)
			emit_list("int32_t", "index", p->index_list, 1);
		ln("pp->gen = snn_gen_spikes(sim, %d, times, %s, %d, err, errlen);", p->index,
		   p->index_list ? "index" : "NULL", p->times->n);
		break;
	case POP_FROM_FILE: {
		double present;
		Dim d;
		const_eval(p->present, &present, &d);
		ln("pp->gen = snn_gen_from_file(sim, %d, %s, %.17g, %s, err, errlen);", p->index,
		   c_string(p->path), present, p->ff_mode == SNN_FF_VALUES ? "SNN_FF_VALUES" : "SNN_FF_RATES");
		break;
	}
	default:
		break;
	}
	ln("if (!pp->gen)");
	ln("\treturn -1;");
	ln("sim->pops[%d].gen = pp->gen;", p->index);
	ln("pp->n = sim->pops[%d].n;", p->index);
	ln("pp->x_t_last = sim->pops[%d].t_last;", p->index);
	ln("pp->x_spiked = sim->pops[%d].spiked;", p->index);
	close_block();
}

static void setup_conn(const Conn *c)
{
	static const char *kinds[] = { "SNN_CONN_ALL", "SNN_CONN_ONE", "SNN_CONN_P",
				       "SNN_CONN_FAN_IN", "SNN_CONN_WEIGHTS" };
	ln("/* connection %s: %s -> %s : %s */", c->name, c->pre.name, c->post.name, c->syn->name);
	open_block("%s", "");
	ln("conn_%s_t *cc = &m->%s;", c->name, conn_field(c));
	ln("snn_conn_spec spec = { .kind = %s };", kinds[c->kind]);
	if (c->kind == SNN_CONN_P) {
		double p;
		Dim d;
		const_eval(c->p, &p, &d);
		ln("spec.p = %.17g;", p);
	}
	if (c->kind == SNN_CONN_FAN_IN)
		ln("spec.fan_in = %lld;", (long long)c->fan_in);
	if (c->weights)
		ln("spec.weights = %s;", c_string(c->weights));
	if (c->mask)
		ln("spec.mask = %s;", c_string(c->mask));
	ln("spec.pre_n = sim->pops[%d].n;", c->pre.pop->index);
	ln("spec.pre0 = %lld;", (long long)(c->pre.hi < 0 ? 0 : c->pre.lo));
	if (c->pre.hi < 0)
		ln("spec.pre1 = spec.pre_n;");
	else
		ln("spec.pre1 = %lld;", (long long)c->pre.hi);
	ln("spec.post_n = sim->pops[%d].n;", c->post.pop->index);
	ln("spec.post0 = %lld;", (long long)(c->post.hi < 0 ? 0 : c->post.lo));
	if (c->post.hi < 0)
		ln("spec.post1 = spec.post_n;");
	else
		ln("spec.post1 = %lld;", (long long)c->post.hi);
	ln("spec.stream = SNN_STREAM_CONNECT + %du;", c->index);
	ln("if (snn_connect(sim, &spec, &sim->conns[%d].csr, err, errlen))", c->index);
	ln("\treturn -1;");
	ln("const snn_csr *csr = &sim->conns[%d].csr;", c->index);
	ln("const int64_t nsyn = cc->nsyn = csr->nsyn;");
	VEC_EACH(Var *, v, c->syn->vars)
		if (v->kind == VK_STATE)
			ln("cc->x_%s = snn_alloc_array(sim, (size_t)nsyn + 1, sizeof(real));", v->name);
	/* per-synapse initial values and delays */
	open_block("%s", "");
	ln("const int64_t step = 0; (void)step;");
	ln("const double t = 0; (void)t;");
	ln("const real dt = (real)sim->dt; (void)dt;");
	ln("const int32_t *post = csr->post, *prei = csr->pre;");
	VEC_EACH(Var *, v, c->syn->vars) {
		if (v->kind == VK_PARAM)
			ln("const real p_%s = (real)cc->p_%s; (void)p_%s;", v->name, v->name, v->name);
		else if (v->kind == VK_STATE)
			ln("real *x_%s = cc->x_%s;", v->name, v->name);
	}
	ln("%s *prepop = &m->pop_%s; (void)prepop;", pop_t(pre_pop(c)), pre_pop(c)->name);
	ln("%s *postpop = &m->pop_%s; (void)postpop;", pop_t(post_pop(c)), post_pop(c)->name);
	pop_locals(pre_pop(c), "prepop", "pre_", "prep_", false);
	pop_locals(post_pop(c), "postpop", "post_", "postp_", false);
	Ctx x = syn_ctx(c, M_ARRAY);
	x.time = "0.0";
	x.step = "SNN_STEP_INIT";
	if (c->hetero_delay)
		ln("cc->delay = snn_alloc_array(sim, (size_t)nsyn + 1, sizeof(int32_t));");
	ln("int64_t maxd = 0; (void)maxd;");
	open_block("for (int64_t s = 0; s < nsyn; s++)");
	ln("const int32_t pre = prei[s], j = post[s];");
	ln("(void)pre; (void)j;");
	VEC_EACH(Var *, v, c->syn->vars) {
		Expr *e = init_of(c->inits, v);
		if (v->kind != VK_STATE)
			continue;
		if (c->weights && !strcmp(v->name, "w") && !given(c->inits, v))
			ln("x_w[s] = (real)csr->value[s];   /* from the weights file */");
		else if (e)
			ln("x_%s[s] = %s;", v->name, exs(e, &x));
	}
	if (c->hetero_delay) {
		ln("const int64_t d = (int64_t)floor((double)(%s) / sim->dt + 0.5);", exs(c->delay, &x));
		open_block("if (d < 0 || d > INT32_MAX)");
		ln("snprintf(err, errlen, \"connection %s: delay %%g s of synapse %%lld is out of range\", "
		   "d * sim->dt, (long long)s);", c->name);
		ln("return -1;");
		close_block();
		ln("cc->delay[s] = (int32_t)d;");
		ln("if (d > maxd)");
		ln("\tmaxd = d;");
	}
	close_block();
	if (c->hetero_delay) {
		ln("cc->q = snn_synqueue_new(sim, (int32_t)maxd);");
	} else {
		if (c->delay) {
			Ctx pc = syn_ctx(c, M_STRUCT);
			pc.time = "0.0";
			ln("const int64_t d = (int64_t)floor((double)(%s) / sim->dt + 0.5);", exs(c->delay, &pc));
		} else {
			ln("const int64_t d = 0;");
		}
		open_block("if (d < 0 || d > INT32_MAX)");
		ln("snprintf(err, errlen, \"connection %s: delay %%g s is out of range\", d * sim->dt);", c->name);
		ln("return -1;");
		close_block();
		ln("cc->delay = (int32_t)d;");
		ln("cc->q = snn_queue_new(sim, cc->delay);");
	}
	close_block();
	close_block();
}

static void model_setup(void)
{
	open_block("static int model_setup(snn_sim *sim, char *err, size_t errlen)");
	ln("model_t *m = sim->state;");
	ln("const uint64_t seed = sim->seed; (void)seed;");
	ln("(void)err; (void)errlen;");
	VEC_EACH(Pop *, p, NET->pops)
		if (!p->model)
			setup_generator(p);
	VEC_EACH(Pop *, p, NET->pops)
		if (p->model)
			setup_pop(p);
	VEC_EACH(Conn *, c, NET->conns)
		setup_conn(c);
	ln("sim->model->update(sim);");
	ln("return 0;");
	close_block();
	ln("%s", "");
}

/* Exact propagators (and Poisson rates) after params change. */
static void model_update(void)
{
	open_block("static void model_update(snn_sim *sim)");
	ln("model_t *m = sim->state;");
	ln("(void)m;");
	VEC_EACH(Pop *, p, NET->pops) {
		if (p->kind == POP_POISSON) {
			ln("if (m->pop_%s.gen)", p->name);
			ln("\tsnn_gen_reset_rate(sim, m->pop_%s.gen);", p->name);
			continue;
		}
		Lowered *L = p->model ? p->model->low : NULL;
		if (!L || L->scheme != SCH_EXACT || !L->n || L->a_per_element)
			continue;
		int n = L->n;
		open_block("%s", "");
		ln("%s *pp = &m->pop_%s;", pop_t(p), p->name);
		Ctx c = { .m = p->model, .mode = M_STRUCT, .obj = "pp", .time = "0.0", .elem = "0",
			  .step = "0" };
		ln("const double A[%d] = {", n * n);
		for (int i = 0; i < n; i++) {
			char *buf = NULL;
			size_t len = 0;
			FILE *f = open_memstream(&buf, &len);
			for (int j = 0; j < n; j++)
				fprintf(f, "%s(double)(%s)", j ? ", " : "", exs(L->A[i * n + j], &c));
			fclose(f);
			ln("\t%s,", buf);
			free(buf);
		}
		ln("};");
		ln("snn_expm(%d, A, sim->dt, pp->Phi, pp->Psi);", n);
		close_block();
	}
	close_block();
	ln("%s", "");
}

static void model_step(void)
{
	open_block("static void model_step(snn_sim *sim)");
	ln("model_t *m = sim->state;");
	ln("(void)m;");
	VEC_EACH(Pop *, p, NET->pops)
		if (p->model && has_refractory(p->model))
			ln("snn_ref_rebase(sim->step, m->pop_%s.ref_until, m->pop_%s.n, &m->pop_%s.ref_base);",
			   p->name, p->name, p->name);
	ln("/* 1. integrate */");
	VEC_EACH(Pop *, p, NET->pops)
		if (p->model && p->model->odes->n)
			ln("pop_%s_integrate(sim);", p->name);
	ln("/* 2. on tick */");
	VEC_EACH(Pop *, p, NET->pops)
		if (p->model && p->model->on_tick->n)
			ln("pop_%s_tick(sim);", p->name);
	ln("/* 3. thresholds */");
	VEC_EACH(Pop *, p, NET->pops) {
		if (p->model && p->model->spike && !fused(p))
			ln("pop_%s_threshold(sim);", p->name);
		else if (p->model && p->model->spike)
			ln("/* %s: in pop_%s_integrate */", p->name, p->name);
		else if (!p->model)
			ln("snn_gen_step(sim, m->pop_%s.gen);", p->name);
	}
	ln("/* 4. synaptic events */");
	VEC_EACH(Conn *, c, NET->conns)
		if (c->syn->on_pre->n)
			ln("conn_%s_deliver(sim);", c->name);
	ln("/* 5. resets */");
	VEC_EACH(Pop *, p, NET->pops)
		if (p->model && p->model->spike)
			ln("pop_%s_reset(sim);", p->name);
	ln("/* 6. record; inputs move on */");
	ln("snn_record(sim);");
	VEC_EACH(Pop *, p, NET->pops)
		if (pop_has_connected_inputs(p))
			ln("pop_%s_inputs(sim);", p->name);
	close_block();
	ln("%s", "");
}

/* ------------------------------------------------------------- descriptors */

typedef struct VarRow {
	const char *name;
	int owner_kind, owner;
	const char *kind, *type;
	const char *field;       /* offsetof(model_t, FIELD) or NULL */
	const char *eval;
	Dim dim;
} VarRow;

static Vec *ROWS;

static void add_row(const char *name, int ok, int owner, const char *kind, const char *type,
		    const char *field, const char *eval, Dim dim)
{
	VarRow *r = arena_alloc(sizeof *r);
	*r = (VarRow){ name, ok, owner, kind, type, field, eval, dim };
	vec_push(ROWS, r);
}

static int find_row(int ok, int owner, const char *name)
{
	VEC_EACH(VarRow *, r, ROWS)
		if (r->owner_kind == ok && r->owner == owner && !strcmp(r->name, name))
			return r_i;
	return -1;
}

static void collect_rows(void)
{
	ROWS = vec_new();
	const char *rt = O.single ? "SNN_T_F32" : "SNN_T_F64";
	Dim second = DIM_TIME;
	VEC_EACH(Pop *, p, NET->pops) {
		const char *f = arena_printf("pop_%s", p->name);
		if (p->model) {
			VEC_EACH(Var *, v, p->model->vars) {
				const char *fld = arena_printf("%s.%s_%s", f, v->kind == VK_PARAM ? "p" : "x", v->name);
				switch (v->kind) {
				case VK_STATE: add_row(v->name, SNN_OWN_POP, p->index, "SNN_VK_STATE", rt, fld, NULL, v->dim); break;
				case VK_INPUT: add_row(v->name, SNN_OWN_POP, p->index, "SNN_VK_INPUT", rt, fld, NULL, v->dim); break;
				case VK_PARAM: add_row(v->name, SNN_OWN_POP, p->index, "SNN_VK_PARAM", "SNN_T_F64", fld, NULL, v->dim); break;
				case VK_LET:
					add_row(v->name, SNN_OWN_POP, p->index, "SNN_VK_LET", "SNN_T_F64", NULL,
						arena_printf("pop_%s_let_%s", p->name, v->name), v->dim);
					break;
				default: break;
				}
			}
		} else if (p->kind == POP_POISSON) {
			add_row("rate", SNN_OWN_POP, p->index, "SNN_VK_PARAM", "SNN_T_F64",
				arena_printf("%s.p_rate", f), NULL, snn_dim_pow(second, -1));
		}
		add_row("t_last", SNN_OWN_POP, p->index, "SNN_VK_BUILTIN", "SNN_T_F64",
			arena_printf("%s.x_t_last", f), NULL, second);
		add_row("spiked", SNN_OWN_POP, p->index, "SNN_VK_BUILTIN", "SNN_T_U8",
			arena_printf("%s.x_spiked", f), NULL, DIM_ONE);
	}
	VEC_EACH(Conn *, c, NET->conns) {
		VEC_EACH(Var *, v, c->syn->vars) {
			const char *fld = arena_printf("%s.%s_%s", conn_field(c), v->kind == VK_PARAM ? "p" : "x", v->name);
			if (v->kind == VK_STATE)
				add_row(v->name, SNN_OWN_CONN, c->index, "SNN_VK_STATE", rt, fld, NULL, v->dim);
			else if (v->kind == VK_PARAM)
				add_row(v->name, SNN_OWN_CONN, c->index, "SNN_VK_PARAM", "SNN_T_F64", fld, NULL, v->dim);
		}
	}
}

static const char *dim_init(Dim d)
{
	char *s = arena_strdup("{ { ");
	for (int k = 0; k < SNN_NDIM; k++)
		s = arena_printf("%s%s%g", s, k ? ", " : "", d.e[k]);
	return arena_printf("%s } }", s);
}

/* The recorded elements [i0, i1) of a population record, absolute in the
 * population; i1 = -1 for a whole from_file population (size known at run
 * time). */
static void group_range(const Record *r, int64_t *i0, int64_t *i1)
{
	int64_t lo = r->group.hi < 0 ? 0 : r->group.lo;
	int64_t size = r->group.hi < 0 ? r->group.pop->n : r->group.hi - r->group.lo;
	*i0 = lo + r->i0;
	*i1 = lo + (r->i1 >= 0 ? r->i1 : size);
	if (r->group.pop->kind == POP_FROM_FILE && r->i1 < 0 && r->group.hi < 0)
		*i1 = -1;
}

static void tables(void)
{
	collect_rows();
	ln("static const snn_pop_desc pops[] = {");
	static const char *pk[] = { "SNN_POP_NEURON", "SNN_POP_POISSON", "SNN_POP_SPIKES", "SNN_POP_FROM_FILE" };
	VEC_EACH(Pop *, p, NET->pops)
		ln("\t{ %s, %s, %s, %lld },", c_string(p->name),
		   c_string(p->model ? p->model->name : (p->kind == POP_POISSON ? "poisson" :
			    p->kind == POP_SPIKES ? "spikes" : "from_file")),
		   pk[p->kind], (long long)(p->kind == POP_FROM_FILE ? 0 : p->n));
	ln("};");
	ln("static const snn_conn_desc conns[] = {");
	VEC_EACH(Conn *, c, NET->conns)
		ln("\t{ %s, %s, %d, %d },", c_string(c->name), c_string(c->syn->name),
		   c->pre.pop->index, c->post.pop->index);
	if (!NET->conns->n)
		ln("\t{ 0 },");
	ln("};");
	ln("static const snn_var_desc vars[] = {");
	static const char *ok[] = { "SNN_OWN_POP", "SNN_OWN_CONN", "SNN_OWN_GLOBAL" };
	VEC_EACH(VarRow *, r, ROWS)
		ln("\t{ %s, %s, %d, %s, %s, %s, %s, %s, %s },", c_string(r->name), ok[r->owner_kind],
		   r->owner, r->kind, r->type,
		   r->field ? arena_printf("offsetof(model_t, %s)", r->field) : "0",
		   r->eval ? r->eval : "NULL", dim_init(r->dim), c_string(dim_str(r->dim)));
	ln("};");
	ln("static const snn_record_desc records[] = {");
	VEC_EACH(Record *, r, NET->records) {
		double every = r->every > 0 ? r->every : 0;
		if (!r->var && r->builtin == BI_NONE) {      /* spikes */
			int64_t i0, i1;
			group_range(r, &i0, &i1);
			ln("\t{ %s, SNN_REC_SPIKES, %d, -1, %lld, %lld, %lld, %.17g },", c_string(r->stem),
			   r->group.pop->index, (long long)i0, (long long)i1, (long long)i0, every);
			continue;
		}
		int row;
		int64_t i0, i1;
		if (r->conn) {
			row = find_row(SNN_OWN_CONN, r->conn->index, r->var->name);
			i0 = r->i0;
			i1 = r->i1;
		} else {
			const char *name = r->var ? r->var->name : r->builtin == BI_T_LAST ? "t_last" : "spiked";
			row = find_row(SNN_OWN_POP, r->group.pop->index, name);
			group_range(r, &i0, &i1);
		}
		if (row < 0)
			die("record of '%s' has no variable row", r->stem);
		ln("\t{ %s, SNN_REC_VAR, -1, %d, %lld, %lld, 0, %.17g },", c_string(r->stem), row,
		   (long long)i0, (long long)i1, every);
	}
	if (!NET->records->n)
		ln("\t{ 0 },");
	ln("};");
	ln("%s", "");
}

/* What a checkpoint holds of model_t (snn_buf_desc): every per-element
 * array, both input buffers, the refractory arrays, params, the delays
 * (rebuilt by setup: compared, not loaded) and the spike queues.  Exact
 * propagators are derived (model_update recomputes them). */
static int NBUFS;

static void buf_row(const char *name, const char *count, int owner, const char *elem,
		    const char *field, int rebuilt)
{
	ln("\t{ %s, %s, %d, %s, offsetof(model_t, %s), %d },", c_string(name), count, owner, elem,
	   field, rebuilt);
	NBUFS++;
}

static void pop_bufs(const Pop *p)
{
	const char *f = arena_printf("pop_%s", p->name);
	if (!p->model) {
		if (p->kind == POP_POISSON)
			buf_row(arena_printf("%s.p_rate", p->name), "SNN_BUF_ONE", p->index, "sizeof(double)",
				arena_printf("%s.p_rate", f), 0);
		return;
	}
	VEC_EACH(Var *, v, p->model->vars) {
		const char *x = arena_printf("x_%s", v->name), *xn = arena_printf("xn_%s", v->name);
		const char *pn = arena_printf("p_%s", v->name);
		if (v->kind == VK_STATE || v->kind == VK_INPUT)
			buf_row(arena_printf("%s.%s", p->name, x), "SNN_BUF_POP", p->index, "sizeof(real)",
				arena_printf("%s.%s", f, x), 0);
		if (v->kind == VK_INPUT)
			buf_row(arena_printf("%s.%s", p->name, xn), "SNN_BUF_POP", p->index, "sizeof(real)",
				arena_printf("%s.%s", f, xn), 0);
		if (v->kind == VK_PARAM)
			buf_row(arena_printf("%s.%s", p->name, pn), "SNN_BUF_ONE", p->index, "sizeof(double)",
				arena_printf("%s.%s", f, pn), 0);
	}
	if (has_refractory(p->model)) {
		buf_row(arena_printf("%s.ref_until", p->name), "SNN_BUF_POP", p->index, "sizeof(int32_t)",
			arena_printf("%s.ref_until", f), 0);
		buf_row(arena_printf("%s.ref_base", p->name), "SNN_BUF_ONE", p->index, "sizeof(int64_t)",
			arena_printf("%s.ref_base", f), 0);
	}
}

static void conn_bufs(const Conn *c)
{
	const char *f = conn_field(c);
	VEC_EACH(Var *, v, c->syn->vars) {
		const char *x = arena_printf("%s_%s", v->kind == VK_PARAM ? "p" : "x", v->name);
		if (v->kind == VK_STATE)
			buf_row(arena_printf("%s.%s", c->name, x), "SNN_BUF_SYN", c->index, "sizeof(real)",
				arena_printf("%s.%s", f, x), 0);
		else if (v->kind == VK_PARAM)
			buf_row(arena_printf("%s.%s", c->name, x), "SNN_BUF_ONE", c->index, "sizeof(double)",
				arena_printf("%s.%s", f, x), 0);
	}
	buf_row(arena_printf("%s.delay", c->name), c->hetero_delay ? "SNN_BUF_SYN" : "SNN_BUF_ONE",
		c->index, "sizeof(int32_t)", arena_printf("%s.delay", f), 1);
	buf_row(arena_printf("%s.q", c->name), c->hetero_delay ? "SNN_BUF_SYNQUEUE" : "SNN_BUF_QUEUE",
		c->index, "0", arena_printf("%s.q", f), 0);
}

static void buf_table(void)
{
	NBUFS = 0;
	ln("static const snn_buf_desc bufs[] = {");
	VEC_EACH(Pop *, p, NET->pops)
		pop_bufs(p);
	VEC_EACH(Conn *, c, NET->conns)
		conn_bufs(c);
	if (!NBUFS)
		ln("\t{ 0 },");
	ln("};");
	ln("%s", "");
}

/* The integrators in use: "exact", or "P: exact, Q: rk4" when they differ. */
static const char *methods_used(void)
{
	const char *one = NULL, *all = NULL;
	bool mixed = false;
	VEC_EACH(Pop *, p, NET->pops) {
		if (!p->model || !p->model->odes->n)
			continue;
		const char *name = scheme_names[p->model->low->scheme];
		mixed = mixed || (one && strcmp(one, name));
		one = one ? one : name;
		all = all ? arena_printf("%s, %s: %s", all, p->name, name)
			  : arena_printf("%s: %s", p->name, name);
	}
	if (!one)
		return NET->method ? NET->method : "euler";
	return mixed ? all : one;
}

static void model_desc(Unit *u)
{
	ln("const snn_model snn_model_main = {");
	ln("\t.source = %s,", c_string(NET->source));
	ln("\t.network = %s,", c_string(NET->name));
	ln("\t.dt = %.17g,", NET->dt);
	ln("\t.duration = %.17g,", NET->duration);
	ln("\t.seed = %lluu,", (unsigned long long)NET->seed);
	ln("\t.method = %s,", c_string(methods_used()));
	ln("\t.single = %d,", NET->single);
	ln("\t.state_size = sizeof(model_t),");
	ln("\t.npops = %d, .pops = pops,", NET->pops->n);
	ln("\t.nconns = %d, .conns = conns,", NET->conns->n);
	ln("\t.nvars = %d, .vars = vars,", ROWS->n);
	ln("\t.nrecords = %d, .records = records,", NET->records->n);
	ln("\t.defaults = model_defaults,");
	ln("\t.setup = model_setup,");
	ln("\t.update = model_update,");
	ln("\t.step = model_step,");
	ln("\t.nbufs = %d, .bufs = bufs,", NBUFS);
	ln("};");
	(void)u;
}

static void prelude(Unit *u)
{
	ln("/*");
	ln(" * Generated by snnc %s from %s (network %s). Do not edit.", SNNC_VERSION, u->path, NET->name);
	ln(" * One function per operation; the step order is LANGUAGE.md section 4.");
	ln(" */");
	ln("#include <math.h>");
	ln("#include <stddef.h>");
	ln("#include <stdint.h>");
	ln("#include <stdio.h>");
	ln("#include <string.h>");
	ln("#include \"snn_rt.h\"");
	ln("%s", "");
	ln("typedef %s real;   /* precision = %s */", O.single ? "float" : "double", O.single ? "single" : "double");
	ln("%s", "");
	ln("/* neuron sweeps are independent per element: ask for vectorisation */");
	ln("#if defined(__clang__)");
	ln("#define SNN_VECTORIZE _Pragma(\"clang loop vectorize(enable)\")");
	ln("#elif defined(__GNUC__)");
	ln("#define SNN_VECTORIZE _Pragma(\"GCC ivdep\")");
	ln("#else");
	ln("#define SNN_VECTORIZE");
	ln("#endif");
	ln("#if defined(__GNUC__)");
	ln("#define SNN_PREFETCH(p) __builtin_prefetch(p)");
	ln("#else");
	ln("#define SNN_PREFETCH(p) ((void)(p))");
	ln("#endif");
	ln("%s", "");
	ln("static inline real snn_sign(real x) { return (real)((x > 0) - (x < 0)); }");
	ln("static inline real snn_heaviside(real x) { return x > 0 ? 1 : 0; }");
	ln("static inline real snn_sigmoid(real x) { return 1 / (1 + %s(-x)); }", mathfn("exp"));
	ln("static inline real snn_relu(real x) { return x > 0 ? x : 0; }");
	ln("static inline real snn_clip(real x, real lo, real hi) { return x < lo ? lo : x > hi ? hi : x; }");
	ln("%s", "");
}

void emit_c(FILE *f, Unit *u, const EmitOptions *opt)
{
	NET = u->net;
	O = (Out){ .f = f, .line = 1, .cname = opt->c_name ? opt->c_name : "model.c",
		   .lines = opt->line_directives, .single = NET->single };
	prelude(u);
	structs();
	VEC_EACH(Pop *, p, NET->pops) {
		if (!p->model)
			continue;
		if (p->model->odes->n)
			kernel_integrate(p);
		if (p->model->on_tick->n)
			kernel_tick(p);
		if (p->model->spike && !fused(p))
			kernel_threshold(p);
		if (p->model->spike)
			kernel_reset(p);
		if (pop_has_connected_inputs(p))
			kernel_inputs(p);
		let_evaluators(p);
	}
	VEC_EACH(Conn *, c, NET->conns)
		if (c->syn->on_pre->n)
			kernel_deliver(c);
	model_defaults();
	model_setup();
	model_update();
	model_step();
	tables();
	buf_table();
	model_desc(u);
}
