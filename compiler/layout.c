/*
 * layout.c — where every variable of the network lives and what it is
 * called in C (part of the lowering; DESIGN.md "The layout").
 *
 * One Slot per stored or named variable: a population's states, inputs,
 * params, lets and built-ins (t_last, spiked), its refractory arrays and
 * exact propagator; a connection's synapse states, params, delays and spike
 * queue.  A slot says what it is counted over, its C type, its field in
 * the owner's struct, its name as a kernel local on each side of a synapse
 * (own, pre., post.), whether refractoriness holds it, and how checkpoints,
 * the descriptor table vars[] (get/set, --set, monitors, meta.json) treat it.
 * Structs, locals, allocation, initial values, descriptor tables and
 * checkpoint rows are all printed by walking these records.
 *
 * Names.  c_name() is the only place that builds an identifier from a
 * user's name: category prefix + name (+ a fixed suffix for kernels and
 * types).  It is injective by construction:
 *   - within one C namespace (kernel locals and struct fields; file-scope
 *     names; fields of model_t) the prefixes of the rules are prefix-free,
 *     and rules that share a prefix have suffix-free suffixes, so two
 *     (rule, name) pairs never give one string;
 *   - every prefix is lowercase and ends in '_', while the compiler's own
 *     names (c_fixed_names: `pp`, `n`, `refu`, `Phi_0_1`, ...) do not start
 *     with any prefix, and neither do C keywords, <math.h>, <stdint.h>,
 *     <stdio.h>, <string.h> or the runtime (`snn_`, `SNN_`);
 *   - the built-in names (t_last, spiked) are reserved in models, so
 *     x_t_last is never also a user's x_NAME.
 * tests/unit/compiler/test_layout.c checks these properties on the tables.
 */
#include <string.h>

#include "snnc.h"

const CNameRule c_name_rules[CN_COUNT] = {
	[CN_ARRAY] = { "x_", NULL, NS_LOCAL },
	[CN_NEXT] = { "xn_", NULL, NS_LOCAL },
	[CN_PARAM] = { "p_", NULL, NS_LOCAL },
	[CN_PRE_ARRAY] = { "pre_", NULL, NS_LOCAL },
	[CN_PRE_NEXT] = { "pren_", NULL, NS_LOCAL },
	[CN_PRE_PARAM] = { "prep_", NULL, NS_LOCAL },
	[CN_POST_ARRAY] = { "post_", NULL, NS_LOCAL },
	[CN_POST_NEXT] = { "postn_", NULL, NS_LOCAL },
	[CN_POST_PARAM] = { "postp_", NULL, NS_LOCAL },
	[CN_LET] = { "l_", NULL, NS_LOCAL },
	[CN_PRE_LET] = { "lpre_", NULL, NS_LOCAL },
	[CN_POST_LET] = { "lpost_", NULL, NS_LOCAL },
	[CN_STAGE_S] = { "s_", NULL, NS_LOCAL },
	[CN_STAGE_Y2] = { "y2_", NULL, NS_LOCAL },
	[CN_STAGE_Y3] = { "y3_", NULL, NS_LOCAL },
	[CN_STAGE_Y4] = { "y4_", NULL, NS_LOCAL },
	[CN_STAGE_NEW] = { "n_", NULL, NS_LOCAL },
	[CN_LET_S] = { "ls_", NULL, NS_LOCAL },
	[CN_LET_Y2] = { "ly2_", NULL, NS_LOCAL },
	[CN_LET_Y3] = { "ly3_", NULL, NS_LOCAL },
	[CN_LET_Y4] = { "ly4_", NULL, NS_LOCAL },
	[CN_LET_NEW] = { "ln_", NULL, NS_LOCAL },
	[CN_SLOPE1] = { "k1_", NULL, NS_LOCAL },
	[CN_SLOPE2] = { "k2_", NULL, NS_LOCAL },
	[CN_SLOPE3] = { "k3_", NULL, NS_LOCAL },
	[CN_SLOPE4] = { "k4_", NULL, NS_LOCAL },
	[CN_DRIFT] = { "d_", NULL, NS_LOCAL },
	[CN_EXP_A] = { "ea_", NULL, NS_LOCAL },
	[CN_EXP_B] = { "eb_", NULL, NS_LOCAL },
	[CN_EXP_E] = { "ee_", NULL, NS_LOCAL },
	[CN_FORCE] = { "b_", NULL, NS_LOCAL },
	[CN_TMP] = { "tmp_", NULL, NS_LOCAL },
	[CN_POP_TYPE] = { "pop_", "_t", NS_GLOBAL },
	[CN_CONN_TYPE] = { "conn_", "_t", NS_GLOBAL },
	[CN_KERNEL_POP] = { "pop_", "_", NS_GLOBAL },     /* + kernel suffix */
	[CN_KERNEL_CONN] = { "conn_", "_", NS_GLOBAL },
	[CN_POP_FIELD] = { "pop_", NULL, NS_MODEL_FIELD },
	[CN_CONN_FIELD] = { "conn_", NULL, NS_MODEL_FIELD },
	[CN_GLOBAL] = { "g_", NULL, NS_MODEL_FIELD },
	[CN_STAMP] = { "st_", NULL, NS_LOCAL },
	[CN_DECAY] = { "dk_", NULL, NS_LOCAL },
};

/* The kernels' suffixes (after CN_KERNEL_*'s "_"); "let" is followed by the
 * let's number, so it ends in a digit where the others end in a letter. */
const char *const c_kernel_suffixes[] = {
	"integrate", "tick", "threshold", "reset", "inputs", "deliver", "lets", "let",
	"integrate_pre", "integrate_post", "on_post", NULL,
};

/* Every identifier the printers write that does not come from c_name():
 * locals, fields, file-scope names.  Keep it in step with emit*.c. */
const char *const c_fixed_names[] = {
	/* locals */
	"m", "pp", "cc", "n", "i", "j", "s", "k", "a", "b", "d", "e", "pre", "post", "prei",
	"row", "csr", "nsyn", "due", "nd", "end", "step", "seed", "t", "t0", "dt", "sqrtdt",
	"refr", "refstep", "refstep_pre", "refstep_post", "refu", "refu_pre", "refu_post",
	"fire", "rt", "prepop", "postpop", "spec", "err", "errlen", "sim", "sim_", "i0", "i1",
	"out", "times", "index", "maxd", "sec", "nonfinite", "which", "A", "Phi_0_0", "Psi_0_0", "tmp", "now", "g", "h", "lg",
	/* fields */
	"ref_until", "ref_base", "Phi", "Psi", "gen", "delay", "q",
	"Phi_pre", "Psi_pre", "Phi_post", "Psi_post", "Phi_syn", "Psi_syn",
	/* file scope */
	"real", "model_t", "model_defaults", "model_setup", "model_update", "model_step",
	"pops", "conns", "vars", "records", "bufs", "lazies", "snn_model_main", "network_tick", "nr_0",
	"SNN_VECTORIZE", "SNN_INDEPENDENT", "SNN_PREFETCH", "realbits", "snn_sign", "snn_heaviside", "snn_sigmoid",
	"snn_relu", "snn_clip",
	NULL,
};

const char *c_name(CName k, const char *name, const char *suffix)
{
	const CNameRule *r = &c_name_rules[k];
	if (k == CN_KERNEL_POP || k == CN_KERNEL_CONN) {
		if (!suffix)
			die("c_name: a kernel name needs its suffix");
		return arena_printf("%s%s%s%s", r->prefix, name, r->suffix, suffix);
	}
	return arena_printf("%s%s%s", r->prefix, name, r->suffix ? r->suffix : "");
}

/* ------------------------------------------------------------- building */

static Layout *LY;
static Unit *U;

static Slot *new_slot(SlotKind k, const char *name, OwnerKind o, int index)
{
	Slot *s = arena_alloc(sizeof *s);
	s->kind = k;
	s->name = name;
	s->owner = o;
	s->owner_index = index;
	s->batch = 1;
	s->row = -1;
	s->ckpt = CK_NONE;
	vec_push(LY->slots, s);
	return s;
}

static void locals3(Slot *s, CName own, CName pre, CName post, const char *name)
{
	s->local[SIDE_OWN] = c_name(own, name, NULL);
	s->local[SIDE_PRE] = c_name(pre, name, NULL);
	s->local[SIDE_POST] = c_name(post, name, NULL);
}

static void array_of(Slot *s, CountKind c, const char *ctype, const char *field)
{
	s->count = c;
	s->array = true;
	s->ctype = ctype;
	s->field = field;
}

static void scalar_of(Slot *s, const char *ctype, const char *field)
{
	s->count = CNT_ONE;
	s->array = false;
	s->ctype = ctype;
	s->field = field;
}

static void saved(Slot *s, CkptKind k, const char *count)
{
	s->ckpt = k;
	s->buf_count = count;
}

static bool writes_input(Vec *body, const Var *in)
{
	VEC_EACH(Stmt *, st, body) {
		if (st->kind == ST_IF) {
			if (writes_input(st->then_, in) || writes_input(st->else_, in))
				return true;
		} else if (st->target->kind == EX_MEMBER && st->target->var == in) {
			return true;
		}
	}
	return false;
}

/* Is the input written by some connection, from any of its blocks? */
static bool input_connected(const Pop *p, const Var *in)
{
	VEC_EACH(Conn *, c, U->net->conns)
		if (c->post.pop == p && (writes_input(c->syn->on_pre, in) || writes_input(c->syn->on_post, in) ||
					 writes_input(c->syn->on_tick, in)))
			return true;
	return false;
}

/* A lazy trace's stamps (per neuron of its side: the number of steps whose
 * decay its value includes) and its decay factor over one step (set by
 * model_update).  Both saved: a restored run goes on bit for bit, and
 * model_update compares the factor with the one in use (DESIGN.md "Lazy
 * traces"). */
static void lazy_slots(Slot *trace, Var *v, int owner, Conn *c)
{
	Slot *s = trace->stamp = new_slot(SL_STAMP, arena_printf("%s.stamp", v->name), OWN_CONN, owner);
	array_of(s, trace->count, "int64_t", c_name(CN_STAMP, v->name, NULL));
	s->local[SIDE_OWN] = s->field;
	saved(s, CK_SAVE, trace->buf_count);
	s->var = v;
	s->conn = c;
	s = trace->decay = new_slot(SL_DECAY, arena_printf("%s.decay", v->name), OWN_CONN, owner);
	/* the factor, its log, the decay over 0 .. SNN_DECAY_TABLE - 1 steps */
	scalar_of(s, "double[2 + SNN_DECAY_TABLE]", c_name(CN_DECAY, v->name, NULL));
	s->local[SIDE_OWN] = s->field;
	saved(s, CK_SAVE, "SNN_BUF_ONE");
	s->var = v;
	s->conn = c;
}

static void model_var_slot(Slot ***table, int owner, Var *v, OwnerKind o, Pop *p, Conn *c,
			   int let_number)
{
	const char *owner_name = p ? p->name : c->name;
	Slot *s = NULL;
	switch (v->kind) {
	case VK_STATE:
		s = new_slot(SL_STATE, v->name, o, owner);
		array_of(s, p ? CNT_ELEMS : CNT_SYN, "real", c_name(CN_ARRAY, v->name, NULL));
		s->held = p && v->held && p->model->refractory;
		saved(s, CK_SAVE, p ? "SNN_BUF_POP" : "SNN_BUF_SYN");
		s->row_kind = "SNN_VK_STATE";
		break;
	case VK_INPUT:
		s = new_slot(SL_INPUT, v->name, o, owner);
		array_of(s, CNT_ELEMS, "real", c_name(CN_ARRAY, v->name, NULL));
		s->field_next = c_name(CN_NEXT, v->name, NULL);
		s->local_next[SIDE_OWN] = c_name(CN_NEXT, v->name, NULL);
		s->local_next[SIDE_PRE] = c_name(CN_PRE_NEXT, v->name, NULL);
		s->local_next[SIDE_POST] = c_name(CN_POST_NEXT, v->name, NULL);
		s->connected = p && input_connected(p, v);
		saved(s, CK_SAVE, "SNN_BUF_POP");
		s->row_kind = "SNN_VK_INPUT";
		break;
	case VK_PRE_STATE:
	case VK_POST_STATE:              /* a connection's traces: per pre / post neuron */
		s = new_slot(SL_TRACE, v->name, o, owner);
		array_of(s, v->kind == VK_PRE_STATE ? CNT_PRE : CNT_POST, "real",
			 c_name(CN_ARRAY, v->name, NULL));
		saved(s, CK_SAVE, v->kind == VK_PRE_STATE ? "SNN_BUF_PRE" : "SNN_BUF_POST");
		s->row_kind = "SNN_VK_STATE";
		if (lazy_trace(v))
			lazy_slots(s, v, owner, c);
		break;
	case VK_PARAM:
		s = new_slot(SL_PARAM, v->name, o, owner);
		scalar_of(s, "double", c_name(CN_PARAM, v->name, NULL));
		saved(s, CK_SAVE, "SNN_BUF_ONE");
		s->row_kind = "SNN_VK_PARAM";
		break;
	case VK_LET:
		s = new_slot(SL_LET, v->name, o, owner);
		s->count = p ? CNT_ELEMS : CNT_SYN;
		if (p) {
			s->eval = c_name(CN_KERNEL_POP, owner_name, arena_printf("let%d", let_number));
			s->row_kind = "SNN_VK_LET";
		}
		break;
	case VK_MODULATOR:            /* reads the global or population array bound to it */
		s = new_slot(SL_MODULATOR, v->name, o, owner);
		s->count = v->bind_global ? CNT_ONE : v->pre_mod ? CNT_PRE : CNT_POST;
		break;
	default:
		return;
	}
	s->var = v;
	s->pop = p;
	s->conn = c;
	if (v->kind == VK_PARAM)
		locals3(s, CN_PARAM, CN_PRE_PARAM, CN_POST_PARAM, v->name);
	else if (v->kind == VK_LET)
		locals3(s, CN_LET, CN_PRE_LET, CN_POST_LET, v->name);
	else if (v->kind == VK_MODULATOR)
		;                             /* no local: printed as its binding */
	else
		locals3(s, CN_ARRAY, CN_PRE_ARRAY, CN_POST_ARRAY, v->name);
	if (c) {                          /* a synapse's own variables: own side only */
		s->local[SIDE_PRE] = s->local[SIDE_POST] = NULL;
		s->local_next[SIDE_PRE] = s->local_next[SIDE_POST] = NULL;
	}
	table[owner][v->index] = s;
}

static Slot *internal(Slot **table[], SlotKind k, int owner, Slot *s)
{
	table[k][owner] = s;
	return s;
}

static void builtin_slots(Pop *p)
{
	int o = p->index;
	Slot *s = internal(LY->pop_internal, SL_T_LAST, o, new_slot(SL_T_LAST, "t_last", OWN_POP, o));
	array_of(s, CNT_ELEMS, "double", c_name(CN_ARRAY, "t_last", NULL));
	locals3(s, CN_ARRAY, CN_PRE_ARRAY, CN_POST_ARRAY, "t_last");
	s->row_kind = "SNN_VK_BUILTIN";
	s->pop = p;
	s = internal(LY->pop_internal, SL_SPIKED, o, new_slot(SL_SPIKED, "spiked", OWN_POP, o));
	array_of(s, CNT_ELEMS, "uint8_t", c_name(CN_ARRAY, "spiked", NULL));
	locals3(s, CN_ARRAY, CN_PRE_ARRAY, CN_POST_ARRAY, "spiked");
	s->row_kind = "SNN_VK_BUILTIN";
	s->pop = p;
}

static void pop_slots(Pop *p)
{
	int o = p->index;
	Model *m = p->model;
	Slot *s = internal(LY->pop_internal, SL_SIZE, o, new_slot(SL_SIZE, "n", OWN_POP, o));
	scalar_of(s, "int32_t", "n");
	s->pop = p;
	if (!m) {
		if (p->kind == POP_POISSON) {
			s = internal(LY->pop_internal, SL_RATE, o, new_slot(SL_RATE, "rate", OWN_POP, o));
			scalar_of(s, "double", c_name(CN_PARAM, "rate", NULL));
			saved(s, CK_SAVE, "SNN_BUF_ONE");
			s->row_kind = "SNN_VK_PARAM";
			s->pop = p;
		}
		builtin_slots(p);
		s = internal(LY->pop_internal, SL_GEN, o, new_slot(SL_GEN, "gen", OWN_POP, o));
		scalar_of(s, "snn_gen *", "gen");
		s->pop = p;
		return;
	}
	LY->pop_var[o] = arena_alloc(sizeof(Slot *) * (size_t)(m->vars->n + 1));
	int lets = 0;
	VEC_EACH(Var *, v, m->vars)
		model_var_slot(LY->pop_var, o, v, OWN_POP, p, NULL, v->kind == VK_LET ? lets++ : 0);
	builtin_slots(p);
	if (m->refractory) {
		s = internal(LY->pop_internal, SL_REF_UNTIL, o, new_slot(SL_REF_UNTIL, "ref_until", OWN_POP, o));
		array_of(s, CNT_ELEMS, "int32_t", "ref_until");
		s->local[SIDE_OWN] = "refu";
		s->local[SIDE_PRE] = "refu_pre";
		s->local[SIDE_POST] = "refu_post";
		saved(s, CK_SAVE, "SNN_BUF_POP");
		s->pop = p;
		s = internal(LY->pop_internal, SL_REF_BASE, o, new_slot(SL_REF_BASE, "ref_base", OWN_POP, o));
		scalar_of(s, "int64_t", "ref_base");
		saved(s, CK_SAVE, "SNN_BUF_ONE");
		s->pop = p;
	}
	Lowered *L = m->low;
	if (L && L->scheme == SCH_EXACT && L->n && !L->a_per_element) {
		s = internal(LY->pop_internal, SL_PROPAGATOR, o, new_slot(SL_PROPAGATOR, "Phi", OWN_POP, o));
		scalar_of(s, "double", "Phi");
		s->field_next = "Psi";
		s->pop = p;
	}
}

static void conn_slots(Conn *c)
{
	int o = c->index;
	Slot *s = internal(LY->conn_internal, SL_SIZE, o, new_slot(SL_SIZE, "nsyn", OWN_CONN, o));
	scalar_of(s, "int64_t", "nsyn");
	s->conn = c;
	LY->conn_var[o] = arena_alloc(sizeof(Slot *) * (size_t)(c->syn->vars->n + 1));
	VEC_EACH(Var *, v, c->syn->vars)
		model_var_slot(LY->conn_var, o, v, OWN_CONN, NULL, c, 0);
	static const SlotKind prop[] = { SL_PROP_PRE, SL_PROP_POST, SL_PROP_SYN };
	static const char *const phi[] = { "Phi_pre", "Phi_post", "Phi_syn" };
	static const char *const psi[] = { "Psi_pre", "Psi_post", "Psi_syn" };
	Lowered *sys[] = { c->syn->low_pre, c->syn->low_post, c->syn->low_syn };
	for (int k = 0; k < 3; k++)
		if (sys[k] && sys[k]->scheme == SCH_EXACT && !sys[k]->a_per_element) {
			s = internal(LY->conn_internal, prop[k], o, new_slot(prop[k], phi[k], OWN_CONN, o));
			scalar_of(s, "double", phi[k]);
			s->field_next = psi[k];
			s->conn = c;
		}
	s = internal(LY->conn_internal, SL_DELAY, o, new_slot(SL_DELAY, "delay", OWN_CONN, o));
	if (c->ldelay) {           /* learned: the state is the delay; this is max_delay */
		scalar_of(s, "int32_t", "delay");
		saved(s, CK_REBUILT, "SNN_BUF_ONE");
	} else if (c->hetero_delay) {
		array_of(s, CNT_SYN, "int32_t", "delay");
		saved(s, CK_REBUILT, "SNN_BUF_SYN");
	} else {
		scalar_of(s, "int32_t", "delay");
		saved(s, CK_REBUILT, "SNN_BUF_ONE");
	}
	s->conn = c;
	s = internal(LY->conn_internal, SL_QUEUE, o, new_slot(SL_QUEUE, "q", OWN_CONN, o));
	scalar_of(s, c->hetero_delay ? "snn_synqueue *" : "snn_queue *", "q");
	saved(s, CK_SAVE, c->hetero_delay ? "SNN_BUF_SYNQUEUE" : "SNN_BUF_QUEUE");
	s->conn = c;
}

/* A global: one double field of model_t itself, read and written by the
 * network's on tick as m->g_NAME, saved by checkpoints, a vars[] row of
 * owner SNN_OWN_GLOBAL (--set, snn_get/snn_set, --input, monitors). */
static void global_slots(Network *net)
{
	LY->global = arena_alloc(sizeof(Slot *) * (size_t)(net->globals->n + 1));
	VEC_EACH(Var *, g, net->globals) {
		Slot *s = new_slot(SL_GLOBAL, g->name, OWN_NET, g->index);
		scalar_of(s, "double", c_name(CN_GLOBAL, g->name, NULL));
		saved(s, CK_SAVE, "SNN_BUF_ONE");
		s->row_kind = "SNN_VK_STATE";
		s->var = g;
		LY->global[g->index] = s;
	}
}

Layout *build_layout(Unit *u)
{
	Network *net = u->net;
	U = u;
	LY = arena_alloc(sizeof *LY);
	LY->slots = vec_new();
	LY->pop_var = arena_alloc(sizeof(Slot **) * (size_t)(net->pops->n + 1));
	LY->conn_var = arena_alloc(sizeof(Slot **) * (size_t)(net->conns->n + 1));
	for (int k = 0; k <= SL_PROP_SYN; k++) {
		LY->pop_internal[k] = arena_alloc(sizeof(Slot *) * (size_t)(net->pops->n + 1));
		LY->conn_internal[k] = arena_alloc(sizeof(Slot *) * (size_t)(net->conns->n + 1));
	}
	VEC_EACH(Pop *, p, net->pops)
		pop_slots(p);
	VEC_EACH(Conn *, c, net->conns)
		conn_slots(c);
	global_slots(net);
	VEC_EACH(Slot *, s, LY->slots)
		if (s->row_kind)
			s->row = LY->nrows++;
	return LY;
}

/* ---------------------------------------------------------------- lookup */

Slot *pop_slot(const Layout *L, const Pop *p, const Var *v)
{
	Slot *s = L->pop_var[p->index] ? L->pop_var[p->index][v->index] : NULL;
	if (!s || s->var != v)
		die("layout: '%s' has no slot in population '%s'", v->name, p->name);
	return s;
}

Slot *conn_slot(const Layout *L, const Conn *c, const Var *v)
{
	Slot *s = L->conn_var[c->index][v->index];
	if (!s || s->var != v)
		die("layout: '%s' has no slot in connection '%s'", v->name, c->name);
	return s;
}

Slot *global_slot(const Layout *L, const Var *g)
{
	if (g->kind != VK_GLOBAL || !L->global[g->index] || L->global[g->index]->var != g)
		die("layout: '%s' is not a global", g->name);
	return L->global[g->index];
}

Slot *pop_internal(const Layout *L, const Pop *p, SlotKind k)
{
	return L->pop_internal[k][p->index];
}

Slot *conn_internal(const Layout *L, const Conn *c, SlotKind k)
{
	return L->conn_internal[k][c->index];
}

/* ------------------------------------------------------------------ dump */

static const char *slot_kind_names[] = {
	[SL_STATE] = "state", [SL_INPUT] = "input", [SL_PARAM] = "param", [SL_LET] = "let",
	[SL_T_LAST] = "t_last", [SL_SPIKED] = "spiked", [SL_REF_UNTIL] = "ref_until",
	[SL_REF_BASE] = "ref_base", [SL_PROPAGATOR] = "propagator", [SL_RATE] = "rate",
	[SL_GEN] = "generator", [SL_SIZE] = "size", [SL_DELAY] = "delay", [SL_QUEUE] = "queue",
	[SL_TRACE] = "trace", [SL_PROP_PRE] = "propagator", [SL_PROP_POST] = "propagator",
	[SL_PROP_SYN] = "propagator", [SL_GLOBAL] = "global", [SL_MODULATOR] = "modulator",
	[SL_STAMP] = "stamp", [SL_DECAY] = "decay",
};

static const char *count_text(const Slot *s)
{
	const char *owner = s->pop ? s->pop->name : s->conn ? s->conn->name : "network";
	switch (s->count) {
	case CNT_ONE: return "1";
	case CNT_ELEMS: return arena_printf("%s.n", owner);
	case CNT_PRE: return arena_printf("%s.pre.n", owner);
	case CNT_POST: return arena_printf("%s.post.n", owner);
	case CNT_SYN: return arena_printf("%s.nsyn", owner);
	case CNT_DENSE: return arena_printf("%s.pre.n*%s.post.n", owner, owner);
	}
	return "?";
}

void layout_dump(FILE *f, const Layout *L)
{
	static const char *ck[] = { [CK_NONE] = "-", [CK_SAVE] = "saved", [CK_REBUILT] = "rebuilt" };
	fprintf(f, "# layout: one row per variable\n");
	fprintf(f, "# owner\tname\tkind\tcount\tctype\tfield\tlocals own/pre/post\tflags\tcheckpoint\tvars[]\n");
	VEC_EACH(Slot *, s, L->slots) {
		const char *owner = s->pop ? arena_printf("pop %s", s->pop->name)
				  : s->conn ? arena_printf("conn %s", s->conn->name) : "network";
		const char *field = s->field ? s->field : "-";
		if (s->field_next)
			field = arena_printf("%s,%s", field, s->field_next);
		const char *loc = arena_printf("%s/%s/%s", s->local[0] ? s->local[0] : "-",
					       s->local[1] ? s->local[1] : "-", s->local[2] ? s->local[2] : "-");
		if (s->local_next[0])
			loc = arena_printf("%s next %s/%s/%s", loc, s->local_next[0], s->local_next[1], s->local_next[2]);
		const char *flags = "";
		if (s->held)
			flags = arena_printf("%s%sheld", flags, *flags ? "," : "");
		if (s->connected)
			flags = arena_printf("%s%sconnected", flags, *flags ? "," : "");
		if (s->batch > 1)
			flags = arena_printf("%s%sbatch=%lld", flags, *flags ? "," : "", (long long)s->batch);
		if (s->eval)
			flags = arena_printf("%s%seval=%s", flags, *flags ? "," : "", s->eval);
		fprintf(f, "%s\t%s\t%s\t%s\t%s%s\t%s\t%s\t%s\t%s\t%s\n", owner, s->name,
			slot_kind_names[s->kind], count_text(s), s->ctype ? s->ctype : "-",
			s->array ? "[]" : "", field, loc, *flags ? flags : "-",
			s->ckpt ? arena_printf("%s %s", ck[s->ckpt], s->buf_count) : "-",
			s->row >= 0 ? arena_printf("%d %s", s->row, s->row_kind) : "-");
	}
}
