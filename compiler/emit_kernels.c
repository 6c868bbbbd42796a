/*
 * emit_kernels.c — the kernels of the schedule, one C function each, and
 * model_step, both printed by walking the same list (SCHED).
 *
 * A kernel's body is printed first (captured), then its signature and the
 * locals the body mentions (emit_print.c), then the body: no unused
 * declaration, no `(void)` noise.  Each user statement is preceded by its
 * source text in a comment and a #line into the .snn file, and followed by
 * a #line back into model.c, so a debugger or profiler lands on the
 * statement that wrote a value.
 */
#include <string.h>

#include "emit.h"

/* ----------------------------------------------------------- the locals */

void common_locals(Locals *l)
{
	local(l, "m", "model_t *m = sim->state;");
	local(l, "step", "const int64_t step = sim->step;");
	local(l, "seed", "const uint64_t seed = sim->seed;");
	local(l, "t", "const double t = sim->t;");
	local(l, "dt", "const real dt = (real)sim->dt;");
}

static void lazy_locals(Locals *l, const Slot *s, const char *obj, const char *r)
{
	const char *st = s->stamp->local[SIDE_OWN], *dk = s->decay->local[SIDE_OWN];
	local(l, st, "int64_t *%s%s = %s->%s;", r, st, obj, s->stamp->field);
	local(l, dk, "const double *%s = %s->%s;", dk, obj, s->decay->field);
}

static const char *obj_side[] = { [SIDE_OWN] = "", [SIDE_PRE] = "_pre", [SIDE_POST] = "_post" };

static void slot_local(Locals *l, const Slot *s, Side side, const char *obj, const char *r)
{
	const char *name = s->local[side];
	switch (s->kind) {
	case SL_PARAM:
		local(l, name, "const real %s = (real)%s->%s;", name, obj, s->field);
		return;
	case SL_STATE:
	case SL_INPUT:
	case SL_TRACE:
		local(l, name, "real *%s%s = %s->%s;", r, name, obj, s->field);
		if (s->kind == SL_INPUT)
			local(l, s->local_next[side], "real *%s%s = %s->%s;", r, s->local_next[side], obj,
			      s->field_next);
		if (s->stamp)           /* a lazy trace */
			lazy_locals(l, s, obj, r);
		return;
	case SL_T_LAST:
	case SL_SPIKED:
	case SL_REF_UNTIL:
		local(l, name, "%s *%s%s = %s->%s;", s->ctype, r, name, obj, s->field);
		if (s->kind == SL_REF_UNTIL) {
			const char *rs = arena_printf("refstep%s", obj_side[side]);
			local(l, rs, "const int32_t %s = (int32_t)(step - %s->ref_base);", rs, obj);
		}
		return;
	default:
		return;
	}
}

/* Params and arrays of a population as kernel locals, named for `side`.
 * restrict only where nothing else can alias them (pre and post of a
 * connection may be one population). */
void pop_locals(Locals *l, const Pop *p, Side side, const char *obj, bool restrict_)
{
	const char *r = restrict_ ? "restrict " : "";
	if (p->model)
		VEC_EACH(Var *, v, p->model->vars)
			slot_local(l, pop_slot(LAY, p, v), side, obj, r);
	static const SlotKind internals[] = { SL_T_LAST, SL_SPIKED, SL_REF_UNTIL };
	for (size_t k = 0; k < sizeof internals / sizeof *internals; k++) {
		Slot *s = pop_internal(LAY, p, internals[k]);
		if (s)
			slot_local(l, s, side, obj, r);
	}
}


static Locals *own_pop_locals(const Pop *p)
{
	Locals *l = locals_new();
	common_locals(l);
	local(l, "pp", "%s *pp = &m->%s;", pop_type(p), pop_field(p));
	local(l, "n", "const int32_t n = pp->n;");
	pop_locals(l, p, SIDE_OWN, "pp", true);
	return l;
}

static Locals *conn_locals(const Conn *c)
{
	Locals *l = locals_new();
	common_locals(l);
	local(l, "cc", "%s *cc = &m->%s;", conn_type(c), conn_field(c));
	local(l, "csr", "const snn_csr *csr = &sim->conns[%d].csr;", c->index);
	local(l, "nsyn", "const int64_t nsyn = cc->nsyn;");
	/* connectivity and synapse arrays alias nothing else */
	local(l, "row", "const int64_t *restrict row = csr->row;");
	local(l, "post", "const int32_t *restrict post = csr->post;");
	local(l, "prei", "const int32_t *restrict prei = csr->pre;");
	VEC_EACH(Var *, v, c->syn->vars)
		slot_local(l, conn_slot(LAY, c, v), SIDE_OWN, "cc", "restrict ");
	local(l, "now", "const int64_t now = step + 1;   /* lazy traces: brought to the end of phase 1 */");
	local(l, "prepop", "%s *prepop = &m->%s;", pop_type(c->pre.pop), pop_field(c->pre.pop));
	local(l, "postpop", "%s *postpop = &m->%s;", pop_type(c->post.pop), pop_field(c->post.pop));
	/* no restrict: pre and post may be the same population */
	pop_locals(l, c->pre.pop, SIDE_PRE, "prepop", false);
	pop_locals(l, c->post.pop, SIDE_POST, "postpop", false);
	return l;
}

/* A loop whose body is printed by `body`; `inner` are candidate locals of
 * one iteration. */
static void loop(const char *head, Locals *inner, BodyFn body, const void *arg)
{
	block_with(head, inner, body, arg);
}

/* A function whose body is printed by `body`, with the locals it uses. */
static void function(const char *sig, Locals *l, BodyFn body, const void *arg)
{
	block_with(sig, l, body, arg);
	blank();
}

/* ----------------------------------------------------------- statements */

/* Every store to a learned delay keeps it in [0, max_delay] (§3: clipped
 * where it is written, so it is recorded clipped; NaN becomes 0). */
void clip_delay(const Conn *c, const Var *v, const char *lv)
{
	if (!c || !c->ldelay || c->ldelay != v)
		return;
	ln("if (!(%s >= 0)) %s = 0; else if (%s > (real)%.17g) %s = (real)%.17g;   /* [0, max_delay] */",
	   lv, lv, lv, c->max_delay_s, lv, c->max_delay_s);
}

static void assign(Stmt *st, Ctx *c, bool in_reset)
{
	static const char *ops[] = { ['='] = "=", ['+'] = "+=", ['-'] = "-=", ['*'] = "*=" };
	Expr *t = st->target;
	const Var *v = t->var;
	compute_lets(c, st->value);
	const char *val = cx(st->value, c);
	comment(st->loc, "");
	src_line(st->loc);
	if (v->kind == VK_GLOBAL) {         /* the network's on tick */
		ln("m->%s %s %s;", global_slot(LAY, v)->field, ops[st->op], val);
	} else if (t->kind == EX_MEMBER) {  /* post.X */
		Slot *s = pop_slot(LAY, c->conn->post.pop, v);
		if (s->kind == SL_INPUT)
			ln("%s[j] %s %s;", s->local_next[SIDE_POST], ops[st->op], val);
		else if (s->held)
			ln("if (!(refstep_post <= refu_post[j])) %s[j] %s %s;", s->local[SIDE_POST],
			   ops[st->op], val);
		else
			ln("%s[j] %s %s;", s->local[SIDE_POST], ops[st->op], val);
	} else {
		Slot *s = c->conn ? conn_slot(LAY, c->conn, v) : pop_slot(LAY, c->pop, v);
		if (s->kind == SL_TRACE)
			ln("%s[%s] %s %s;", s->local[SIDE_OWN], v->kind == VK_PRE_STATE ? "pre" : "j",
			   ops[st->op], val);
		else if (s->held && !in_reset)
			ln("if (!refr) %s[%s] %s %s;", s->local[SIDE_OWN], c->elem, ops[st->op], val);
		else
			ln("%s[%s] %s %s;", s->local[SIDE_OWN], c->elem, ops[st->op], val);
		if (c->conn && s->kind == SL_STATE)
			clip_delay(c->conn, v, arena_printf("%s[%s]", s->local[SIDE_OWN], c->elem));
	}
	back_to_c();
	lets_written(c, v);
}

void emit_stmts(Vec *body, Ctx *c, bool in_reset)
{
	VEC_EACH(Stmt *, st, body) {
		if (st->kind == ST_ASSIGN) {
			assign(st, c, in_reset);
			continue;
		}
		compute_lets(c, st->value);
		src_line(st->loc);
		open_block("if (%s)", ccond(st->value, c));
		back_to_c();
		lets_open(c);
		emit_stmts(st->then_, c, in_reset);
		lets_close(c);
		if (st->else_ && st->else_->n) {
			else_block();
			lets_open(c);
			emit_stmts(st->else_, c, in_reset);
			lets_close(c);
		}
		close_block();
	}
}

/* ------------------------------------------------------------ integrate */

typedef struct IArg {
	const Kernel *k;
	Ctx *c;
} IArg;

static const char *own_array(const Pop *p, const Var *v)
{
	return pop_slot(LAY, p, v)->local[SIDE_OWN];
}

/* The system a kernel integrates: a population's ODEs, or a connection's
 * per-synapse states (per synapse) or pre or post states (per neuron of
 * that side). */
static const Lowered *system_of(const Kernel *k)
{
	if (k->kind == KN_INTEGRATE_TRACE)
		return k->side == SIDE_PRE ? k->conn->syn->low_pre : k->side == SIDE_POST
		       ? k->conn->syn->low_post : k->conn->syn->low_syn;
	return k->pop->model->low;
}

static const char *state_array(const Kernel *k, const Var *x)
{
	if (k->kind == KN_INTEGRATE_TRACE)
		return conn_slot(LAY, k->conn, x)->local[SIDE_OWN];
	return own_array(k->pop, x);
}

/* xi streams: a population's ODE k draws from 2048 + k of its block, a
 * connection's pre (post) states from 2048 (3072) + k of the connection's,
 * its per-synapse states from 2560 + k. */
static int noise_stream(const Kernel *k, const Ctx *c, int ode)
{
	int base = k->kind != KN_INTEGRATE_TRACE || k->side == SIDE_PRE ? 2048
		 : k->side == SIDE_POST ? 3072 : 2560;
	return c->stream_owner * 4096 + base + ode;
}

/* out_X = f_X at the stage `st` (lets of that stage first), for each ODE. */
static void eval_f(const Lowered *L, Expr **f, Ctx *c, Stage st, const char *time, CName out)
{
	c->stage = st;
	c->time = time;
	for (int k = 0; k < L->n; k++) {
		compute_lets(c, f[k]);
		const char *val = cx(f[k], c);
		comment(L->ode[k]->loc, "");
		src_line(L->ode[k]->loc);
		ln("const real %s = %s;", c_name(out, L->x[k]->name, NULL), val);
		back_to_c();
	}
}

/* out_X = from_X + h * slope_X, for each ODE */
static void step_stage(const Lowered *L, Stage out, const char *h, CName slope)
{
	for (int j = 0; j < L->n; j++) {
		const char *x = L->x[j]->name;
		src_line(L->ode[j]->loc);
		ln("const real %s = %s + %s * %s;", stage_name(out, x), stage_name(STG_S, x), h,
		   c_name(slope, x, NULL));
		back_to_c();
	}
}

static void integrate_euler(const Lowered *L, Ctx *c, const Kernel *kn)
{
	eval_f(L, L->fdet, c, STG_S, "t0", CN_DRIFT);
	for (int k = 0; k < L->n; k++) {
		const char *x = L->x[k]->name;
		const char *n = stage_name(STG_NEW, x), *s = stage_name(STG_S, x);
		const char *d = c_name(CN_DRIFT, x, NULL);
		if (L->g[k]) {
			compute_lets(c, L->g[k]);
			const char *g = cx(L->g[k], c);
			src_line(L->ode[k]->loc);
			ln("const real %s = %s + dt * %s + (%s) * sqrtdt * (real)snn_randn(seed, %du, "
			   "(uint64_t)%s, (uint64_t)step, 0);", n, s, d, g, noise_stream(kn, c, k), c->elem);
		} else {
			src_line(L->ode[k]->loc);
			ln("const real %s = %s + dt * %s;", n, s, d);
		}
		back_to_c();
	}
}

static void integrate_rk(const Lowered *L, Ctx *c, bool rk4)
{
	eval_f(L, L->f, c, STG_S, "t0", CN_SLOPE1);
	if (!rk4) {
		step_stage(L, STG_Y2, "(real)0.5 * dt", CN_SLOPE1);
		eval_f(L, L->f, c, STG_Y2, "(t0 + 0.5 * sim->dt)", CN_SLOPE2);
		step_stage(L, STG_NEW, "dt", CN_SLOPE2);
		return;
	}
	step_stage(L, STG_Y2, "(real)0.5 * dt", CN_SLOPE1);
	eval_f(L, L->f, c, STG_Y2, "(t0 + 0.5 * sim->dt)", CN_SLOPE2);
	step_stage(L, STG_Y3, "(real)0.5 * dt", CN_SLOPE2);
	eval_f(L, L->f, c, STG_Y3, "(t0 + 0.5 * sim->dt)", CN_SLOPE3);
	step_stage(L, STG_Y4, "dt", CN_SLOPE3);
	eval_f(L, L->f, c, STG_Y4, "(t0 + sim->dt)", CN_SLOPE4);
	for (int j = 0; j < L->n; j++) {
		const char *x = L->x[j]->name;
		src_line(L->ode[j]->loc);
		ln("const real %s = %s + dt / 6 * (%s + 2 * %s + 2 * %s + %s);", stage_name(STG_NEW, x),
		   stage_name(STG_S, x), c_name(CN_SLOPE1, x, NULL), c_name(CN_SLOPE2, x, NULL),
		   c_name(CN_SLOPE3, x, NULL), c_name(CN_SLOPE4, x, NULL));
		back_to_c();
	}
}

/* x <- x e^{A dt} + (B/A)(e^{A dt} - 1), and x + B dt where A = 0 */
static void expeuler_one(const Lowered *L, int k, Ctx *c, const Expr *A, const Expr *B)
{
	const char *x = L->x[k]->name;
	compute_lets(c, A);
	compute_lets(c, B);
	const char *a = c_name(CN_EXP_A, x, NULL), *b = c_name(CN_EXP_B, x, NULL);
	const char *e = c_name(CN_EXP_E, x, NULL), *s = stage_name(STG_S, x);
	const char *av = cx(A, c), *bv = cx(B, c);
	comment(L->ode[k]->loc, "");
	src_line(L->ode[k]->loc);
	ln("const real %s = %s;", a, av);
	ln("const real %s = %s;", b, bv);
	ln("const real %s = %s(%s * dt);", e, math_fn(FN_EXP, PR.single), a);
	ln("const real %s = %s == 0 ? %s + %s * dt : %s * %s + %s / %s * (%s - 1);",
	   stage_name(STG_NEW, x), a, s, b, s, e, b, a, e);
	back_to_c();
}

static void integrate_expeuler(const Lowered *L, Ctx *c)
{
	c->stage = STG_S;
	c->time = "t0";
	for (int k = 0; k < L->n; k++)
		expeuler_one(L, k, c, L->A1[k], L->B1[k]);
}

static void integrate_exact(const Lowered *L, Ctx *c)
{
	c->stage = STG_S;
	c->time = "t0";
	int n = L->n;
	if (L->a_per_element) {
		expeuler_one(L, 0, c, L->A[0], L->b[0]);
		return;
	}
	for (int k = 0; k < n; k++)
		if (!is_zero(L->b[k])) {
			compute_lets(c, L->b[k]);
			const char *b = cx(L->b[k], c);
			src_line(L->ode[k]->loc);
			ln("const real %s = %s;   /* forcing */", c_name(CN_FORCE, L->x[k]->name, NULL), b);
			back_to_c();
		}
	for (int i = 0; i < n; i++) {
		const char *sum = "";
		int terms = 0;
		for (int j = 0; j < n; j++)
			if (L->reach[i * n + j])
				sum = arena_printf("%s%sPhi_%d_%d * %s", sum, terms++ ? " + " : "", i, j,
						   stage_name(STG_S, L->x[j]->name));
		for (int k = 0; k < n; k++)
			if (L->reach[i * n + k] && !is_zero(L->b[k]))
				sum = arena_printf("%s + Psi_%d_%d * %s", sum, i, k,
						   c_name(CN_FORCE, L->x[k]->name, NULL));
		comment(L->ode[i]->loc, "");
		src_line(L->ode[i]->loc);
		ln("const real %s = %s;", stage_name(STG_NEW, L->x[i]->name), sum);
		back_to_c();
	}
}

static void propagator_locals(Locals *l, const Lowered *L, const char *obj, const Slot *prop)
{
	int n = L->n;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			if (L->reach[i * n + j]) {
				const char *phi = arena_printf("Phi_%d_%d", i, j);
				const char *psi = arena_printf("Psi_%d_%d", i, j);
				local(l, phi, "const real %s = (real)%s->%s[%d];", phi, obj, prop->field, i * n + j);
				if (!is_zero(L->b[j]))
					local(l, psi, "const real %s = (real)%s->%s[%d];", psi, obj, prop->field_next,
					      i * n + j);
			}
}

static void fire_flag(const Pop *p, Ctx *c)
{
	const Model *m = p->model;
	compute_lets(c, m->spike);
	const char *val = ccond(m->spike, c);
	comment(m->spike->loc, "");
	src_line(m->spike->loc);
	if (m->refractory)
		ln("const int fire = !refr & %s;", val);
	else
		ln("const int fire = %s;", val);
	ln("%s[i] = (uint8_t)fire;", pop_internal(LAY, p, SL_SPIKED)->local[SIDE_OWN]);
	back_to_c();
}

/* The flags to this step's spike list, and their t_last. */
static void compaction(const Pop *p)
{
	ln("snn_pop *rt = &sim->pops[%d];", p->index);
	ln("rt->nspk = snn_compact(%s, n, rt->spk);", pop_internal(LAY, p, SL_SPIKED)->local[SIDE_OWN]);
	ln("for (int32_t k = 0; k < rt->nspk; k++)");
	ln("\t%s[rt->spk[k]] = t;", pop_internal(LAY, p, SL_T_LAST)->local[SIDE_OWN]);
}

static Locals *elem_locals(const Pop *p)
{
	Locals *l = locals_new();
	if (p->model->refractory)
		local(l, "refr", "const int refr = refstep <= refu[i];");
	return l;
}

static void integrate_loop(const void *arg)
{
	const IArg *a = arg;
	const Pop *p = a->k->pop;
	const Lowered *L = system_of(a->k);
	Ctx *c = a->c;
	const char *i = c->elem;
	bool trace = a->k->kind == KN_INTEGRATE_TRACE;
	lets_open(c);
	for (int k = 0; k < L->n; k++)
		ln("const real %s = %s[%s];", stage_name(STG_S, L->x[k]->name), state_array(a->k, L->x[k]), i);
	switch (L->scheme) {
	case SCH_EULER: integrate_euler(L, c, a->k); break;
	case SCH_RK2: integrate_rk(L, c, false); break;
	case SCH_RK4: integrate_rk(L, c, true); break;
	case SCH_EXPEULER: integrate_expeuler(L, c); break;
	case SCH_EXACT: integrate_exact(L, c); break;
	}
	for (int k = 0; k < L->n; k++) {
		const Var *x = L->x[k];
		const char *s = stage_name(STG_S, x->name), *n = stage_name(STG_NEW, x->name);
		src_line(L->ode[k]->loc);
		if (!trace && pop_slot(LAY, p, x)->held)
			ln("%s[i] = refr ? %s : %s;", own_array(p, x), s, n);
		else
			ln("%s[%s] = %s;", state_array(a->k, x), i, n);
		if (trace && a->k->side == SIDE_OWN)
			clip_delay(a->k->conn, x, arena_printf("%s[%s]", state_array(a->k, x), i));
		back_to_c();
	}
	/* Is any stored value NaN or infinite?  x * 0 is 0 for every finite x
	 * and NaN otherwise, so one comparison of the sum tests them all; the
	 * flag is an integer as wide as `real`, an OR reduction that vectorises
	 * at the cost of a few percent of the sweep.  model_step tests it once.
	 * (Neuron populations only: the runtime reports by population.) */
	const char *sum = "";
	for (int k = 0; k < L->n && !trace; k++)
		sum = arena_printf("%s%s%s[i] * 0", sum, k ? " + " : "", own_array(p, L->x[k]));
	if (!trace)
		ln("nonfinite |= !(%s == 0);", sum);
	if (a->k->fused) {
		c->stage = STG_NEW;
		c->time = "t";
		fire_flag(p, c);
	}
	lets_close(c);
}

static void integrate_body(const void *arg)
{
	const IArg *a = arg;
	ln("realbits nonfinite = 0;");
	ln("SNN_VECTORIZE");
	loop("for (int32_t i = 0; i < n; i++)", elem_locals(a->k->pop), integrate_loop, arg);
	if (a->k->fused)
		compaction(a->k->pop);
	ln("return nonfinite;");
}

static void kernel_integrate(const Kernel *k)
{
	const Pop *p = k->pop;
	const Lowered *L = p->model->low;
	ln("/* phase 1: integrate the ODEs of %s (%s, %s) over dt%s; nonzero if a state is "
	   "not finite */", p->name, p->model->name, scheme_names[L->scheme],
	   k->fused ? "; phase 3: threshold" : "");
	Locals *l = own_pop_locals(p);
	local(l, "t0", "const double t0 = (double)step * sim->dt;");
	local(l, "sqrtdt", "const real sqrtdt = %s(dt);", math_fn(FN_SQRT, PR.single));
	if (L->scheme == SCH_EXACT && !L->a_per_element)
		propagator_locals(l, L, "pp", pop_internal(LAY, p, SL_PROPAGATOR));
	Ctx c = pop_ctx(p, MODE_STAGE);
	c.lets = lets_new();
	IArg a = { k, &c };
	function(arena_printf("static int %s(snn_sim *sim)", k->fn), l, integrate_body, &a);
}

static Locals *synapse_locals(void);

static void trace_body(const void *arg)
{
	const IArg *a = arg;
	if (a->k->side == SIDE_OWN) {        /* over the synapses, which read their neurons */
		loop("for (int64_t s = 0; s < nsyn; s++)", synapse_locals(), integrate_loop, arg);
		return;
	}
	ln("SNN_VECTORIZE");
	loop(arena_printf("for (int32_t %s = 0; %s < n; %s++)", a->c->elem, a->c->elem, a->c->elem),
	     locals_new(), integrate_loop, arg);
}

/* The pre (post) states of a connection, one system per neuron of the
 * pre (post) population, indexed like it; the loop variable is `pre` (`j`),
 * the name by which every other kernel reads that neuron, so pre.X (post.X)
 * and the traces themselves read the right element.  Side own: the
 * per-synapse states, a loop over the synapses with `pre` and `j` locals. */
static void kernel_integrate_trace(const Kernel *k)
{
	const Conn *c = k->conn;
	const Lowered *L = system_of(k);
	const char *side = k->side == SIDE_PRE ? "pre" : "post";
	if (k->side == SIDE_OWN)
		ln("/* phase 1: integrate the states of %s (%s, %s) over dt, per synapse */", c->name,
		   c->syn->name, scheme_names[L->scheme]);
	else
		ln("/* phase 1: integrate the %s states of %s (%s, %s) over dt, per %ssynaptic neuron */",
		   side, c->name, c->syn->name, scheme_names[L->scheme], side);
	Locals *l = conn_locals(c);
	if (k->side != SIDE_OWN)
		local(l, "n", "const int32_t n = sim->pops[%d].n;", k->pop->index);
	local(l, "t0", "const double t0 = (double)step * sim->dt;");
	local(l, "sqrtdt", "const real sqrtdt = %s(dt);", math_fn(FN_SQRT, PR.single));
	if (L->scheme == SCH_EXACT && !L->a_per_element)
		propagator_locals(l, L, "cc", conn_internal(LAY, c, k->side == SIDE_PRE ? SL_PROP_PRE
								     : k->side == SIDE_POST ? SL_PROP_POST
								     : SL_PROP_SYN));
	Ctx x = conn_ctx(c, MODE_STAGE);
	x.elem = k->side == SIDE_PRE ? "pre" : k->side == SIDE_POST ? "j" : "s";
	x.lets = lets_new();
	IArg a = { k, &x };
	function(arena_printf("static void %s(snn_sim *sim)", k->fn), l, trace_body, &a);
}

/* ---------------------------------------------- tick, threshold, reset */

static void stmts_loop(const void *arg)
{
	const IArg *a = arg;
	lets_open(a->c);
	emit_stmts(a->k->body, a->c, false);
	lets_close(a->c);
}

static void tick_body(const void *arg)
{
	const IArg *a = arg;
	loop("for (int32_t i = 0; i < n; i++)", elem_locals(a->k->pop), stmts_loop, arg);
}

static void threshold_loop(const void *arg)
{
	const IArg *a = arg;
	lets_open(a->c);
	fire_flag(a->k->pop, a->c);
	lets_close(a->c);
}

static void threshold_body(const void *arg)
{
	const IArg *a = arg;
	ln("SNN_VECTORIZE");
	loop("for (int32_t i = 0; i < n; i++)", elem_locals(a->k->pop), threshold_loop, arg);
	compaction(a->k->pop);
}

static void reset_loop(const void *arg)
{
	const IArg *a = arg;
	const Model *m = a->k->pop->model;
	Ctx *c = a->c;
	lets_open(c);
	emit_stmts(m->reset, c, true);
	if (m->refractory) {
		compute_lets(c, m->refractory);
		const char *val = cx(m->refractory, c);
		comment(m->refractory->loc, "refractory ");
		src_line(m->refractory->loc);
		ln("refu[i] = snn_ref_until(refstep, floor((double)(%s) / sim->dt + 0.5));", val);
		back_to_c();
	}
	lets_close(c);
}

static void reset_body(const void *arg)
{
	const IArg *a = arg;
	ln("const snn_pop *rt = &sim->pops[%d];", a->k->pop->index);
	Locals *l = locals_new();
	local(l, "i", "const int32_t i = rt->spk[k];");
	loop("for (int32_t k = 0; k < rt->nspk; k++)", l, reset_loop, arg);
}

static void kernel_pop_stmts(const Kernel *k, const char *what, BodyFn body)
{
	const Pop *p = k->pop;
	ln("%s", what);
	Ctx c = pop_ctx(p, MODE_ARRAY);
	c.lets = lets_new();
	IArg a = { k, &c };
	function(arena_printf("static void %s(snn_sim *sim)", k->fn), own_pop_locals(p), body, &a);
}

/* ------------------------------------------------------------- inputs */

static void inputs_body(const void *arg)
{
	const Pop *p = arg;
	VEC_EACH(Var *, v, p->model->vars) {
		Slot *s = pop_slot(LAY, p, v);
		if (s->kind != SL_INPUT || !s->connected)
			continue;
		const char *tmp = c_name(CN_TMP, v->name, NULL);
		ln("real *%s = pp->%s;", tmp, s->field);
		ln("pp->%s = pp->%s;", s->field, s->field_next);
		ln("pp->%s = %s;", s->field_next, tmp);
		ln("memset(pp->%s, 0, (size_t)pp->n * sizeof(real));", s->field_next);
	}
}

static void kernel_inputs(const Kernel *k)
{
	const Pop *p = k->pop;
	ln("/* phase 6: inputs of %s move on: what was added this step is read next step */", p->name);
	Locals *l = locals_new();
	local(l, "m", "model_t *m = sim->state;");
	local(l, "pp", "%s *pp = &m->%s;", pop_type(p), pop_field(p));
	function(arena_printf("static void %s(snn_sim *sim)", k->fn), l, inputs_body, p);
}

/* ------------------------------------------------------------ deliver */

static Locals *synapse_locals(void)
{
	Locals *l = locals_new();
	local(l, "pre", "const int32_t pre = prei[s];");
	local(l, "j", "const int32_t j = post[s];");
	return l;
}

/* A block of on pre / on post split by the once-per-spike rule (§3): runs
 * of statements that assign only this side's traces run once per spike
 * (outside the synapse loop), the others once per synapse (inside it), in
 * textual order. */
typedef struct Seg {
	const IArg *a;
	Vec *stmts;          /* Stmt*: one run */
} Seg;

static Vec *segments(Vec *body, VarKind trace, Vec *per_neuron)
{
	Vec *runs = vec_new();
	Vec *cur = NULL;
	bool cur_neuron = false;
	VEC_EACH(Stmt *, st, body) {
		bool nrn = stmt_per_neuron(st, trace);
		if (!cur || nrn != cur_neuron) {
			cur = vec_new();
			cur_neuron = nrn;
			vec_push(runs, cur);
			vec_push(per_neuron, nrn ? (void *)1 : NULL);
		}
		vec_push(cur, st);
	}
	return runs;
}

/* Lazy traces (DESIGN.md "Lazy traces"): before a run of statements, each
 * lazy trace it reads or writes is brought up to date at its neuron (`pre`
 * or `j`, as every kernel names them): the decay of the steps since its
 * stamp, once per neuron and step (a second run finds the stamp current). */
static void lazy_sync(const Conn *c, const Vec *stmts)
{
	VEC_EACH(Var *, v, c->syn->vars) {
		if (!lazy_trace(v) || !stmts_touch(stmts, v))
			continue;
		const Slot *s = conn_slot(LAY, c, v);
		const char *e = v->kind == VK_PRE_STATE ? "pre" : "j";
		const char *x = s->local[SIDE_OWN], *st = s->stamp->local[SIDE_OWN];
		open_block("if (%s[%s] != now)", st, e);
		ln("%s[%s] *= (real)snn_decay(%s, now - %s[%s]);   /* %s: lazy decay */", x, e,
		   s->decay->local[SIDE_OWN], st, e, v->name);
		ln("%s[%s] = now;", st, e);
		close_block();
	}
}

static void seg_stmts(const void *arg)
{
	const Seg *g = arg;
	lazy_sync(g->a->k->conn, g->stmts);
	lets_open(g->a->c);
	emit_stmts(g->stmts, g->a->c, false);
	lets_close(g->a->c);
}

/* The statements of one spike: per-neuron runs with the neuron's index as
 * the element (`i` reads it), per-synapse runs in a loop over `synloop`.
 * `guard` (or NULL) keeps per-neuron runs to the connection's slice. */
static void spike_body(const IArg *a, VarKind trace, const char *nrn_elem, const char *guard,
		       const char *synloop, Locals *(*syn_locals)(void))
{
	Vec *flags = vec_new();
	Vec *runs = segments(a->k->body, trace, flags);
	Ctx *c = a->c;
	VEC_EACH(Vec *, run, runs) {
		Seg g = { a, run };
		if (flags->items[run_i]) {
			const char *elem = c->elem;
			c->elem = nrn_elem;
			if (guard) {
				open_block("if (%s)", guard);
				seg_stmts(&g);
				close_block();
			} else {
				seg_stmts(&g);
			}
			c->elem = elem;
		} else {
			loop(synloop, syn_locals(), seg_stmts, &g);
		}
	}
}

static const char *slice_guard(const Group *g, const char *var)
{
	if (g->hi < 0)
		return NULL;
	return arena_printf("%s >= %lld && %s < %lld", var, (long long)g->lo, var, (long long)g->hi);
}

static Locals *row_locals(void)
{
	Locals *l = locals_new();
	local(l, "j", "const int32_t j = post[s];");
	return l;
}

static void deliver_rows_loop(const void *arg)
{
	ln("/* fetch the target lists of the spikes ahead: they are cache misses */");
	ln("if (k + 8 < nd)");
	ln("\tSNN_PREFETCH(row + due[k + 8]);");
	ln("if (k + 4 < nd)");
	ln("\tfor (int64_t a = row[due[k + 4]], b = row[due[k + 4] + 1]; a < b; a += 16)");
	ln("\t\tSNN_PREFETCH(post + a);");
	ln("const int32_t pre = due[k];");
	ln("const int64_t end = row[pre + 1];");
	const IArg *a = arg;
	spike_body(a, VK_PRE_STATE, "pre", slice_guard(&a->k->conn->pre, "pre"),
		   "for (int64_t s = row[pre]; s < end; s++)", row_locals);
}

static void deliver_syns_loop(const void *arg)
{
	ln("if (k + 8 < nd)");
	ln("\tSNN_PREFETCH(post + due[k + 8]);");
	ln("const int64_t s = due[k];");
	capture_begin();
	lazy_sync(((const IArg *)arg)->k->conn, ((const IArg *)arg)->k->body);
	stmts_loop(arg);
	char *text = capture_end();
	put_with_locals(synapse_locals(), text);
}

static void deliver_body(const void *arg)
{
	const IArg *a = arg;
	const Conn *c = a->k->conn;
	ln("const snn_pop *rt = &sim->pops[%d];", c->pre.pop->index);
	if (c->ldelay) {
		/* the delay each synapse has now, in steps (round = floor(x + 0.5));
		 * clipped where written, clamped again to the ring (NaN: 0) */
		const char *d = conn_slot(LAY, c, c->ldelay)->local[SIDE_OWN];
		open_block("for (int32_t k = 0; k < rt->nspk; k++)");
		ln("const int32_t pre = rt->spk[k];");
		open_block("for (int64_t s = row[pre], end = row[pre + 1]; s < end; s++)");
		ln("const double x = (double)%s[s] / sim->dt;", d);
		ln("const int32_t d = x > 0 ? (x < (double)cc->delay ? (int32_t)floor(x + 0.5) : cc->delay) : 0;");
		ln("snn_synqueue_push_one(cc->q, step, s, d);");
		close_block();
		close_block();
	}
	if (c->ldelay) {
		ln("int64_t nd;");
		ln("const int64_t *due = snn_synqueue_due(cc->q, step, &nd);");
		loop("for (int64_t k = 0; k < nd; k++)", locals_new(), deliver_syns_loop, arg);
	} else if (c->hetero_delay) {
		ln("snn_synqueue_push(cc->q, step, rt->spk, rt->nspk, csr, cc->delay);");
		ln("int64_t nd;");
		ln("const int64_t *due = snn_synqueue_due(cc->q, step, &nd);");
		loop("for (int64_t k = 0; k < nd; k++)", locals_new(), deliver_syns_loop, arg);
	} else {
		ln("snn_queue_push(cc->q, step, rt->spk, rt->nspk);");
		ln("int32_t nd;");
		ln("const int32_t *due = snn_queue_due(cc->q, step, &nd);");
		loop("for (int32_t k = 0; k < nd; k++)", locals_new(), deliver_rows_loop, arg);
	}
}

static void kernel_deliver(const Kernel *k)
{
	const Conn *c = k->conn;
	ln("/* phase 4: spikes of %s arriving at %s through %s (%s): on pre */", c->pre.name,
	   c->post.name, c->name, c->syn->name);
	Ctx x = conn_ctx(c, MODE_ARRAY);
	x.lets = lets_new();
	IArg a = { k, &x };
	function(arena_printf("static void %s(snn_sim *sim)", k->fn), conn_locals(c), deliver_body, &a);
}

/* ------------------------------------------------------------ on post */

static Locals *post_syn_locals(void)
{
	Locals *l = locals_new();
	local(l, "s", "const int64_t s = psyn[a];");
	local(l, "pre", "const int32_t pre = prei[s];");
	return l;
}

static void on_post_loop(const void *arg)
{
	const IArg *a = arg;
	ln("const int32_t j = rt->spk[k];");
	spike_body(a, VK_POST_STATE, "j", slice_guard(&a->k->conn->post, "j"),
		   "for (int64_t a = prow[j], end = prow[j + 1]; a < end; a++)", post_syn_locals);
}

static void on_post_body(const void *arg)
{
	const IArg *a = arg;
	ln("const snn_pop *rt = &sim->pops[%d];", a->k->conn->post.pop->index);
	loop("for (int32_t k = 0; k < rt->nspk; k++)", locals_new(), on_post_loop, arg);
}

/* For each postsynaptic spike of this step, its synapses through the
 * post-major index (ascending synapse order); after every delivery. */
static void kernel_on_post(const Kernel *k)
{
	const Conn *c = k->conn;
	ln("/* phase 4: spikes of %s through %s (%s): on post */", c->post.name, c->name, c->syn->name);
	Locals *l = conn_locals(c);
	local(l, "prow", "const int64_t *restrict prow = csr->post_row;");
	local(l, "psyn", "const int64_t *restrict psyn = csr->post_syn;");
	Ctx x = conn_ctx(c, MODE_ARRAY);
	x.lets = lets_new();
	IArg a = { k, &x };
	function(arena_printf("static void %s(snn_sim *sim)", k->fn), l, on_post_body, &a);
}

/* ----------------------------------------------------- synapse on tick */

/* The runs of a synapse's on tick (LANGUAGE.md §3 once-per-neuron rule):
 * statements that assign only pre (post) state run once per pre (post)
 * neuron, the others once per synapse, in textual order. */
enum { TR_SYN, TR_PRE, TR_POST };

static Vec *tick_runs(Vec *body, Vec *kinds)
{
	Vec *runs = vec_new();
	Vec *cur = NULL;
	intptr_t cur_kind = -1;
	VEC_EACH(Stmt *, st, body) {
		intptr_t k = stmt_per_neuron(st, VK_PRE_STATE) ? TR_PRE
			   : stmt_per_neuron(st, VK_POST_STATE) ? TR_POST : TR_SYN;
		if (!cur || k != cur_kind) {
			cur = vec_new();
			cur_kind = k;
			vec_push(runs, cur);
			vec_push(kinds, (void *)k);
		}
		vec_push(cur, st);
	}
	return runs;
}

/* Does a run assign a state of the post neuron?  The synapses of one row
 * have distinct post neurons, so a scatter into an input (its next
 * buffer, which nothing reads during the step) leaves the iterations
 * independent; a post state may also be read in the same loop — as pre.X
 * of a recurrent connection, or through a modulator bound to that
 * population — so its loop keeps its order. */
static bool writes_post_state(Vec *stmts)
{
	VEC_EACH(Stmt *, st, stmts) {
		if (st->kind == ST_IF) {
			if (writes_post_state(st->then_) || writes_post_state(st->else_))
				return true;
		} else if (st->target->kind == EX_MEMBER && st->target->var->kind != VK_INPUT) {
			return true;
		}
	}
	return false;
}

/* The neurons [lo, hi) of a connection's side, as C expressions. */
static void group_range(const Group *g, const char **lo, const char **hi)
{
	*lo = g->hi < 0 ? "0" : arena_printf("%lld", (long long)g->lo);
	*hi = g->hi < 0 ? arena_printf("sim->pops[%d].n", g->pop->index)
			: arena_printf("%lld", (long long)g->hi);
}

typedef struct Sweep {
	const IArg *a;
	Vec *runs, *kinds;
	int lo, hi;              /* the runs [lo, hi) of this sweep */
} Sweep;

static void run_with_elem(const Seg *g, const char *elem)
{
	Ctx *c = g->a->c;
	const char *saved = c->elem;
	c->elem = elem;
	seg_stmts(g);
	c->elem = saved;
}

/* One presynaptic neuron: its pre-state runs, and for each per-synapse run
 * a loop over its CSR row.  The row is contiguous and every per-synapse
 * array is restrict, so a run that writes only per-synapse state and post
 * inputs is a plain loop the C compiler vectorises (post.X and post
 * traces are gathers, post.I += a scatter). */
static void tick_pre_body(const void *arg)
{
	const Sweep *w = arg;
	for (int r = w->lo; r < w->hi; r++) {
		Seg g = { w->a, w->runs->items[r] };
		if ((intptr_t)w->kinds->items[r] == TR_PRE) {
			run_with_elem(&g, "pre");
			continue;
		}
		if (!writes_post_state(g.stmts))
			ln("SNN_INDEPENDENT");
		loop("for (int64_t s = row[pre], end = row[pre + 1]; s < end; s++)", row_locals(),
		     seg_stmts, &g);
	}
}

static void tick_post_body(const void *arg)
{
	run_with_elem(arg, "j");
}

/* Consecutive per-synapse and pre-state runs share one sweep over the pre
 * neurons (a pre-state statement touches only its own neuron's values, so
 * doing it between that neuron's rows is the same as between whole
 * sweeps); a post-state run is a sweep of its own over the post neurons,
 * after everything before it and before everything after it. */
static void syn_tick_body(const void *arg)
{
	const IArg *a = arg;
	const Conn *c = a->k->conn;
	Vec *kinds = vec_new();
	Vec *runs = tick_runs(a->k->body, kinds);
	const char *lo, *hi;
	for (int r = 0; r < runs->n;) {
		if ((intptr_t)kinds->items[r] == TR_POST) {
			Seg g = { a, runs->items[r++] };
			group_range(&c->post, &lo, &hi);
			loop(arena_printf("for (int32_t j = %s; j < %s; j++)", lo, hi), locals_new(),
			     tick_post_body, &g);
			continue;
		}
		Sweep w = { a, runs, kinds, r, r };
		while (w.hi < runs->n && (intptr_t)kinds->items[w.hi] != TR_POST)
			w.hi++;
		group_range(&c->pre, &lo, &hi);
		loop(arena_printf("for (int32_t pre = %s; pre < %s; pre++)", lo, hi), locals_new(),
		     tick_pre_body, &w);
		r = w.hi;
	}
}

/* A loop over a CSR row whose iterations write only their own synapse (and
 * the next buffer of their post neuron's input) has no dependence between
 * iterations, but clang cannot see it: restrict on locals is not kept,
 * and a gather or scatter (post.X, a post trace) has no bounds for a
 * run-time overlap check.  So say it (assume_safety, GCC's ivdep). */
static void independent_macro(void)
{
	ln("#ifndef SNN_INDEPENDENT");
	ln("/* the iterations of a synapse loop write only their own synapse */");
	ln("#if defined(__clang__)");
	ln("#define SNN_INDEPENDENT _Pragma(\"clang loop vectorize(assume_safety)\")");
	ln("#elif defined(__GNUC__)");
	ln("#define SNN_INDEPENDENT _Pragma(\"GCC ivdep\")");
	ln("#else");
	ln("#define SNN_INDEPENDENT");
	ln("#endif");
	ln("#endif");
}

/* A synapse's on tick, in phase 2 after every neuron's: every synapse of
 * the connection, by presynaptic neuron (the pre-major CSR). */
static void kernel_syn_tick(const Kernel *k)
{
	const Conn *c = k->conn;
	independent_macro();
	ln("/* phase 2: on tick of %s (%s), every synapse, by presynaptic neuron */", c->name,
	   c->syn->name);
	Ctx x = conn_ctx(c, MODE_ARRAY);
	x.lets = lets_new();
	IArg a = { k, &x };
	function(arena_printf("static void %s(snn_sim *sim)", k->fn), conn_locals(c), syn_tick_body, &a);
}

/* ---------------------------------------------------- the network's tick */

/* One read of the network's on tick into its local nr_K, in element
 * order (a fixed order: the same sum whatever else changes). */
static void net_read(const NetRead *r)
{
	const Group *g = &r->group;
	const Pop *p = g->pop;
	int K = r->index;
	if (r->op == NR_INDEX) {
		ln("const double nr_%d = (double)snn_gen_row(m->%s.gen);   /* %s.index */", K, pop_field(p),
		   g->name);
		return;
	}
	const char *lo = g->hi < 0 ? "0" : arena_printf("%lld", (long long)g->lo);
	const char *hi = g->hi < 0 ? arena_printf("sim->pops[%d].n", p->index)
				   : arena_printf("%lld", (long long)g->hi);
	const char *x = r->x ? arena_printf("(double)m->%s.%s[i]", pop_field(p), pop_slot(LAY, p, r->x)->field)
			     : arena_printf("(double)sim->pops[%d].spiked[i]", p->index);
	static const char *init[] = { [NR_SUM] = "0", [NR_MEAN] = "0", [NR_MAX] = "-INFINITY",
				      [NR_ANY] = "0", [NR_COUNT] = "0" };
	ln("/* %s(%s.%s) */", (const char *[]){ "sum", "mean", "max", "any", "count" }[r->op], g->name,
	   r->x ? r->x->name : "spiked");
	ln("double nr_%d = %s;", K, init[r->op]);
	open_block("for (int64_t i = %s; i < %s; i++)", lo, hi);
	switch (r->op) {
	case NR_SUM: case NR_MEAN: case NR_COUNT:
		ln("nr_%d += %s;", K, x);
		break;
	case NR_MAX:
		ln("nr_%d = fmax(nr_%d, %s);", K, K, x);
		break;
	case NR_ANY:
		ln("nr_%d = nr_%d != 0 || %s != 0;", K, K, x);
		break;
	case NR_INDEX:
		break;
	}
	close_block();
	if (r->op == NR_MEAN)
		ln("nr_%d /= (double)(%s - %s);", K, hi, lo);
}

static void net_tick_body(const void *arg)
{
	const Kernel *k = arg;
	VEC_EACH(NetRead *, r, NET->net_reads)
		net_read(r);
	Ctx c = { .mode = MODE_ARRAY, .time = "t", .elem = "0", .step = "(uint64_t)step", .dbl = true };
	c.lets = lets_new();
	emit_stmts(k->body, &c, false);
}

/* The network's on tick, once per step between phases 4 and 5: the reads
 * first (they see this step's spikes and states), then the statements,
 * which assign only globals, in double. */
static void kernel_net_tick(const Kernel *k)
{
	ln("/* between phases 4 and 5: the network's on tick */");
	Locals *l = locals_new();
	common_locals(l);
	function(arena_printf("static void %s(snn_sim *sim)", k->fn), l, net_tick_body, k);
}

/* ------------------------------------------------------------ the list */

void emit_kernels(void)
{
	VEC_EACH(Kernel *, k, SCHED->kernels) {
		switch (k->kind) {
		case KN_INTEGRATE:
			kernel_integrate(k);
			break;
		case KN_TICK:
			kernel_pop_stmts(k, arena_printf("/* phase 2: on tick of %s */", k->pop->name), tick_body);
			break;
		case KN_THRESHOLD:
			kernel_pop_stmts(k, arena_printf("/* phase 3: threshold of %s; this step's spikes, "
							 "ascending */", k->pop->name), threshold_body);
			break;
		case KN_RESET:
			kernel_pop_stmts(k, arena_printf("/* phase 5: reset of %s; refractoriness begins */",
							 k->pop->name), reset_body);
			break;
		case KN_DELIVER:
			kernel_deliver(k);
			break;
		case KN_INTEGRATE_TRACE:
			kernel_integrate_trace(k);
			break;
		case KN_ON_POST:
			kernel_on_post(k);
			break;
		case KN_INPUTS:
			kernel_inputs(k);
			break;
		case KN_NET_TICK:
			kernel_net_tick(k);
			break;
		case KN_SYN_TICK:
			kernel_syn_tick(k);
			break;
		case KN_REBASE: case KN_GENERATE: case KN_RECORD:
			break;                  /* runtime calls */
		}
	}
}

/* ---------------------------------------------------- let evaluators */

typedef struct LetArg {
	const Pop *p;
	Ctx *c;
} LetArg;

/* Every let of the population, each once, in dependency order; then the
 * one asked for.  One function for all of them keeps the C linear in the
 * number of lets (an evaluator per let would repeat its whole chain). */
static void lets_loop(const void *arg)
{
	const LetArg *a = arg;
	lets_open(a->c);
	Vec *lets = vec_new();
	VEC_EACH(Var *, v, a->p->model->vars) {
		if (v->kind != VK_LET)
			continue;
		Expr *e = arena_alloc(sizeof *e);
		*e = (Expr){ .kind = EX_NAME, .var = v, .loc = v->loc, .name = v->name };
		compute_lets(a->c, e);
		vec_push(lets, e);
	}
	open_block("switch (which)");
	VEC_EACH(Expr *, e, lets)
		ln("case %d: out[i - i0] = (double)%s; break;", e_i, cx(e, a->c));
	close_block();
	lets_close(a->c);
}

static void lets_body(const void *arg)
{
	const LetArg *a = arg;
	Locals *l = locals_new();
	if (a->p->model->refractory)
		local(l, "refr", "const int refr = refstep <= refu[i];");
	loop("for (int64_t i = i0; i < i1; i++)", l, lets_loop, arg);
}

/* Lets have no storage; monitors and snn_get read them through these. */
void emit_let_evaluators(void)
{
	VEC_EACH(Pop *, p, NET->pops) {
		if (!p->model)
			continue;
		int nlets = 0;
		VEC_EACH(Var *, v, p->model->vars)
			nlets += v->kind == VK_LET;
		if (!nlets)
			continue;
		Ctx c = pop_ctx(p, MODE_ARRAY);
		c.lets = lets_new();
		LetArg a = { p, &c };
		Locals *l = locals_new();
		local(l, "sim", "snn_sim *sim = (snn_sim *)sim_;");
		common_locals(l);
		local(l, "pp", "%s *pp = &m->%s;", pop_type(p), pop_field(p));
		local(l, "n", "const int32_t n = pp->n;");
		pop_locals(l, p, SIDE_OWN, "pp", true);
		const char *all = c_name(CN_KERNEL_POP, p->name, "lets");
		ln("/* the lets of %s, for monitors and snn_get: let number `which` of elements [i0, i1) */",
		   p->name);
		function(arena_printf("static void %s(const snn_sim *sim_, int which, int64_t i0, int64_t i1, "
				      "double *out)", all), l, lets_body, &a);
		int k = 0;
		VEC_EACH(Var *, v, p->model->vars) {
			if (v->kind != VK_LET)
				continue;
			ln("static void %s(const snn_sim *sim, int64_t i0, int64_t i1, double *out)",
			   pop_slot(LAY, p, v)->eval);
			ln("{ %s(sim, %d, i0, i1, out); }   /* %s */", all, k++, v->name);
		}
		blank();
	}
}

/* ---------------------------------------------------------- model_step */

static const char *phase_titles[] = {
	[1] = "1. integrate", [2] = "2. on tick", [3] = "3. thresholds",
	[4] = "4. synaptic events", [5] = "5. resets", [6] = "6. record; inputs move on",
};

static void step_call(const Kernel *k)
{
	const char *pf = k->pop ? pop_field(k->pop) : NULL;
	switch (k->kind) {
	case KN_REBASE:
		ln("snn_ref_rebase(sim->step, m->%s.ref_until, m->%s.n, &m->%s.ref_base);", pf, pf, pf);
		return;
	case KN_GENERATE:
		ln("snn_gen_step(sim, m->%s.gen);", pf);
		return;
	case KN_RECORD:
		ln("snn_record(sim);");
		return;
	case KN_INTEGRATE:
		/* a non-finite state stops the run before anything of this step
		 * is recorded (snn_nonfinite says where; --allow-nonfinite goes on) */
		ln("if (%s(sim) && snn_nonfinite(sim, %d))", k->fn, k->pop->index);
		ln("\treturn;");
		return;
	case KN_TICK: case KN_THRESHOLD: case KN_DELIVER: case KN_RESET:
	case KN_INPUTS: case KN_INTEGRATE_TRACE: case KN_ON_POST: case KN_NET_TICK: case KN_SYN_TICK:
		ln("%s(sim);", k->fn);
		return;
	}
}

static void step_body(const void *arg)
{
	(void)arg;
	for (int phase = 0; phase <= 6; phase++) {
		if (phase)
			ln("/* %s */", phase_titles[phase]);
		if (phase == 3)
			VEC_EACH(Kernel *, k, SCHED->kernels)
				if (k->kind == KN_INTEGRATE && k->fused)
					ln("/* %s: in %s */", k->pop->name, k->fn);
		VEC_EACH(Kernel *, k, SCHED->kernels)
			if (k->phase == phase)
				step_call(k);
	}
}

void emit_model_step(void)
{
	Locals *l = locals_new();
	local(l, "m", "model_t *m = sim->state;");
	function("static void model_step(snn_sim *sim)", l, step_body, NULL);
}
