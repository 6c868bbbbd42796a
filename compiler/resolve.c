/*
 * resolve.c — names and kinds: from the AST to the model and network IR.
 *
 * For each neuron/synapse declaration a Model is built: its variables
 * (params, states, lets, inputs, and the built-ins t dt i N t_last spiked xi),
 * its ODEs attached to their states, its event blocks.  Every name in an
 * expression is bound to a Var (units used as factors become VK_UNIT vars),
 * every call to a built-in function.  A synapse model is resolved once as a
 * template (pre./post. members left unbound) and once more per connection
 * with the pre and post neuron models known, so that dims and emit see the
 * real variables behind `post.ge`.
 *
 * The network's items are evaluated into Pops, Groups (slices), Conns and
 * Records; constant expressions (dt, sizes, run, every) through const_eval.
 * Features owned by later issues are parsed but rejected here with
 * "not supported yet".
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "snnc.h"

typedef struct Scope {
	Model *m;
	Model *pre, *post;       /* synapse instances: the bound neuron models */
	bool template_;          /* synapse template: pre./post. left unbound */
	Vec *builtins;
	const char *what;        /* "neuron", "synapse" */
	bool in_event;           /* resolving a synapse's blocks, ODEs or lets: modulators are readable */
} Scope;

static void resolve_expr(Scope *s, Expr *e);
static bool per_element_value(const Expr *e);

static Var *new_var(Model *m, const char *name, VarKind k, Loc loc)
{
	Var *v = arena_alloc(sizeof *v);
	v->name = name;
	v->kind = k;
	v->loc = loc;
	v->model = m;
	return v;
}

/* One Var per built-in per model, created on first use. */
static Var *builtin_var(Model *m, Vec *cache, Builtin b)
{
	VEC_EACH(Var *, v, cache)
		if (v->builtin == b)
			return v;
	Var *v = new_var(m, bi_table[b].name, VK_BUILTIN, (Loc){0});
	v->builtin = b;
	vec_push(cache, v);
	return v;
}

Var *model_var(const Model *m, const char *name)
{
	if (m->var_map)
		return map_get(m->var_map, name);
	VEC_EACH(Var *, v, m->vars)
		if (!strcmp(v->name, name))
			return v;
	return NULL;
}

static Var *unit_var(const char *name, Loc loc)
{
	const snn_unit *u = snn_unit_find(name);
	if (!u)
		return NULL;
	Var *v = new_var(NULL, name, VK_UNIT, loc);
	v->dim = u->dim;
	v->dim_known = true;
	v->unit_factor = u->factor;
	return v;
}

/* ------------------------------------------------------------ expressions */

/* A name read in a model: declared vars, then built-ins, then units. */
static Var *lookup(Scope *s, const char *name, Loc loc)
{
	Var *v = model_var(s->m, name);
	if (v)
		return v;
	Builtin b = builtin_lookup(name);
	if (b != BI_NONE) {
		if ((b == BI_T_LAST || b == BI_SPIKED) && s->m->synapse)
			return NULL;
		return builtin_var(s->m, s->builtins, b);
	}
	return unit_var(name, loc);
}

/* pre.X / post.X inside a synapse */
static void resolve_prepost(Scope *s, Expr *e)
{
	bool pre = e->a->kind == EX_PRE;
	e->side = pre ? 1 : 2;
	if (!s->m->synapse) {
		error_at(e->loc, "'%s.%s' is only meaningful inside a synapse", pre ? "pre" : "post", e->name);
		return;
	}
	if (s->template_)
		return;
	Model *nm = pre ? s->pre : s->post;
	if (!nm)
		return;
	Var *v = model_var(nm, e->name);
	if (!v) {
		Builtin b = builtin_lookup(e->name);
		if (b == BI_T_LAST || b == BI_SPIKED || b == BI_I)
			v = builtin_var(nm, s->builtins, b);
	}
	if (!v && !nm->decl) {          /* the generator pseudo-model */
		error_at(e->loc, "the %s of this connection is a generator: it has no variable '%s'",
			 pre ? "pre" : "post", e->name);
		return;
	}
	if (!v) {
		error_at(e->loc, "the %s neuron model '%s' has no variable '%s'",
			 pre ? "pre" : "post", nm->name, e->name);
		return;
	}
	if (v->kind == VK_LET) {
		error_at(e->loc, "reading a let of the %s neuron ('%s.%s') is not supported yet",
			 pre ? "pre" : "post", pre ? "pre" : "post", e->name);
		return;
	}
	e->var = v;
}

static void resolve_call(Scope *s, Expr *e)
{
	FnId f = fn_lookup(e->name);
	if (f == FN_NONE) {
		error_at(e->loc, "unknown function '%s'", e->name);
		return;
	}
	e->builtin = f;
	const FnInfo *fi = &fn_table[f];
	int n = e->args ? e->args->n : 0;
	if (n < fi->min_args || n > fi->max_args) {
		if (fi->min_args == fi->max_args)
			error_at(e->loc, "%s() takes %d argument%s, got %d", e->name, fi->min_args,
				 fi->min_args == 1 ? "" : "s", n);
		else
			error_at(e->loc, "%s() takes %d to %d arguments, got %d", e->name,
				 fi->min_args, fi->max_args, n);
		return;
	}
	if (f == FN_SUM || f == FN_GRAD) {
		error_at(e->loc, "%s() is not supported yet", e->name);
		return;
	}
	if (f == FN_RAND || f == FN_RANDN)
		e->site = s->m->nsites++;
	VEC_EACH(Expr *, a, e->args) {
		if (a->kind == EX_ARG) {
			error_at(a->loc, "%s() takes no named arguments", e->name);
			continue;
		}
		resolve_expr(s, a);
	}
}

static void resolve_expr(Scope *s, Expr *e)
{
	if (!e)
		return;
	switch (e->kind) {
	case EX_NUM:
		return;
	case EX_QTY:
		if (!snn_unit_find(e->name))
			error_at(e->loc, "unknown unit '%s'", e->name);
		return;
	case EX_NAME:
		if (!strcmp(e->name, "spikes")) {
			error_at(e->loc, "'spikes' is not a variable");
			return;
		}
		e->var = lookup(s, e->name, e->loc);
		if (!e->var)
			error_at(e->loc, "unknown name '%s'", e->name);
		else if (e->var->kind == VK_MODULATOR && !s->in_event)
			error_at(e->loc, "modulator '%s' cannot be read in an initial value, a param or a "
				 "delay (not supported yet: it has a value only while the network runs)",
				 e->name);
		else if (e->var->kind == VK_BUILTIN)
			e->builtin = e->var->builtin;
		if (e->var && e->var->kind == VK_BUILTIN && e->var->builtin == BI_XI)
			s->m->uses_xi = true;
		return;
	case EX_DERIV: {
		const char *dn = arena_printf("d%s", e->name);
		e->var = model_var(s->m, dn);
		if (!e->var)
			error_at(e->loc, "unknown name '%s' (a derivative d%s/dt is only "
				 "recognised at the start of a member)", dn, e->name);
		return;
	}
	case EX_MEMBER:
		if (e->a->kind == EX_PRE || e->a->kind == EX_POST)
			resolve_prepost(s, e);
		else
			error_at(e->loc, "'.' is only allowed after pre or post inside a model");
		return;
	case EX_UNARY:
		resolve_expr(s, e->a);
		return;
	case EX_BINARY:
		resolve_expr(s, e->a);
		resolve_expr(s, e->b);
		return;
	case EX_COND:
		resolve_expr(s, e->a);
		resolve_expr(s, e->b);
		resolve_expr(s, e->c);
		return;
	case EX_CALL:
		resolve_call(s, e);
		return;
	default:
		error_at(e->loc, "this kind of expression is not allowed inside a model");
		return;
	}
}

/* A unit annotation: names are units, whatever is declared. */
static void resolve_annot(Expr *e)
{
	if (!e)
		return;
	switch (e->kind) {
	case EX_NUM:
		return;
	case EX_NAME:
		e->var = unit_var(e->name, e->loc);
		if (!e->var)
			error_at(e->loc, "unknown unit '%s'", e->name);
		return;
	case EX_QTY:
		if (!snn_unit_find(e->name))
			error_at(e->loc, "unknown unit '%s'", e->name);
		return;
	case EX_BINARY:
		if (e->op == OP_MUL || e->op == OP_DIV || e->op == OP_POW) {
			resolve_annot(e->a);
			if (e->op != OP_POW)
				resolve_annot(e->b);
			return;
		}
		break;
	default:
		break;
	}
	error_at(e->loc, "expected a unit");
}

/* ------------------------------------------------------------- statements */

static void resolve_target(Scope *s, Stmt *st, bool in_reset)
{
	Expr *t = st->target;
	if (t->kind == EX_NAME) {
		Var *v = model_var(s->m, t->name);
		if (!v) {
			if (builtin_lookup(t->name) != BI_NONE)
				error_at(t->loc, "cannot assign to the built-in '%s'", t->name);
			else
				error_at(t->loc, "unknown name '%s'", t->name);
			return;
		}
		if (v->kind != VK_STATE && v->kind != VK_PRE_STATE && v->kind != VK_POST_STATE) {
			static const char *kn[] = {
				[VK_PARAM] = "param", [VK_LET] = "let", [VK_INPUT] = "input",
				[VK_PRE_STATE] = "pre state", [VK_POST_STATE] = "post state",
				[VK_MODULATOR] = "modulator",
			};
			error_at(t->loc, "cannot assign to %s '%s'", kn[v->kind] ? kn[v->kind] : "", t->name);
			return;
		}
		t->var = v;
		v->assigned = true;
		if (in_reset)
			v->held = true;
		return;
	}
	if (t->kind == EX_MEMBER && (t->a->kind == EX_POST || t->a->kind == EX_PRE)) {
		if (t->a->kind == EX_PRE) {
			error_at(t->loc, "writing to the presynaptic neuron is not supported");
			return;
		}
		resolve_prepost(s, t);
		if (t->var && t->var->kind != VK_STATE && t->var->kind != VK_INPUT)
			error_at(t->loc, "cannot assign to 'post.%s': only states and inputs of the "
				 "post neuron can be written", t->name);
		if (t->var && t->var->kind == VK_INPUT && st->op != '+' && st->op != '-')
			error_at(t->loc, "an input can only be added to ('post.%s += ...')", t->name);
		return;
	}
	error_at(t->loc, "cannot assign to this expression");
}

static void resolve_stmts(Scope *s, Vec *body, bool in_reset)
{
	VEC_EACH(Stmt *, st, body) {
		if (st->kind == ST_IF) {
			resolve_expr(s, st->value);
			resolve_stmts(s, st->then_, in_reset);
			resolve_stmts(s, st->else_, in_reset);
			continue;
		}
		resolve_target(s, st, in_reset);
		resolve_expr(s, st->value);
	}
}

static void append_all(Vec **dst, Vec *src)
{
	if (!*dst)
		*dst = vec_new();
	VEC_EACH(void *, x, src)
		vec_push(*dst, x);
}

/* --------------------------------------------------------------- members */

static void declare(Scope *s, Decl *d, VarKind k)
{
	Model *m = s->m;
	if (builtin_lookup(d->name) != BI_NONE) {
		error_at(d->loc, "'%s' is a built-in name and cannot be declared", d->name);
		return;
	}
	if (!strcmp(d->name, "spikes")) {
		error_at(d->loc, "'spikes' cannot be a variable name");
		return;
	}
	Var *old = model_var(m, d->name);
	if (old) {
		error_at(d->loc, "'%s' is already declared in %s '%s'", d->name, s->what, m->name);
		note_at(old->loc, "previous declaration of '%s' is here", d->name);
		return;
	}
	Var *v = new_var(m, d->name, k, d->loc);
	v->decl = d;
	v->index = m->vars->n;
	vec_push(m->vars, v);
	map_put(m->var_map, v->name, v);
}

static VarKind member_var_kind(MemberKind k)
{
	switch (k) {
	case MB_PARAM: return VK_PARAM;
	case MB_STATE: return VK_STATE;
	case MB_PRE_STATE: return VK_PRE_STATE;
	case MB_POST_STATE: return VK_POST_STATE;
	case MB_LET: return VK_LET;
	case MB_INPUT: return VK_INPUT;
	default: return VK_MODULATOR;
	}
}

/* First pass: declarations, so that order of members does not matter. */
static void declare_members(Scope *s, Vec *members)
{
	Model *m = s->m;
	VEC_EACH(Member *, mb, members) {
		switch (mb->kind) {
		case MB_PRE_STATE: case MB_POST_STATE: case MB_MODULATOR: case MB_PRE_MODULATOR:
			if (!m->synapse) {
				error_at(mb->loc, "only a synapse can declare %s",
					 mb->kind == MB_MODULATOR || mb->kind == MB_PRE_MODULATOR
					 ? "a modulator" : "pre/post state");
				break;
			}
			VEC_EACH(Decl *, d, mb->decls) {
				declare(s, d, member_var_kind(mb->kind));
				Var *v = model_var(m, d->name);
				if (v && v->kind == VK_MODULATOR && v->decl == d) {
					/* a third factor is a dimensionless number (checked at the binding) */
					v->pre_mod = mb->kind == MB_PRE_MODULATOR;
					v->dim = DIM_ONE;
					v->dim_known = true;
				}
			}
			break;
		case MB_INPUT:
			if (m->synapse) {
				error_at(mb->loc, "a synapse cannot declare an input");
				break;
			}
			/* fall through */
		case MB_PARAM: case MB_STATE: case MB_LET:
			VEC_EACH(Decl *, d, mb->decls)
				declare(s, d, member_var_kind(mb->kind));
			break;
		default:
			break;
		}
	}
}

static void resolve_ode(Scope *s, Member *mb)
{
	Var *v = model_var(s->m, mb->name);
	if (!v) {
		error_at(mb->name_loc, "d%s/dt: '%s' is not declared (declare it with 'state %s = ...')",
			 mb->name, mb->name, mb->name);
		return;
	}
	if (v->kind != VK_STATE && v->kind != VK_PRE_STATE && v->kind != VK_POST_STATE) {
		error_at(mb->name_loc, "d%s/dt: '%s' is %s, not a state; only a state can have an ODE",
			 mb->name, mb->name, v->kind == VK_PARAM ? "a param" : v->kind == VK_LET ? "a let" :
			 v->kind == VK_INPUT ? "an input" : "a modulator");
		return;
	}
	if (v->ode) {
		error_at(mb->loc, "'%s' already has an ODE", mb->name);
		note_at(v->ode->loc, "the first one is here");
		return;
	}
	v->ode = mb;
	vec_push(s->m->odes, mb);
	/* a synapse's ODE kernels name both neurons (per synapse) or the
	 * neuron of the trace's side: lower.c checks the side */
	s->in_event = s->m->synapse;
	resolve_expr(s, mb->coef);
	resolve_expr(s, mb->value);
	s->in_event = false;
}

static void resolve_on(Scope *s, Member *mb)
{
	Model *m = s->m;
	const char *ev = mb->name;
	if (!strcmp(ev, "tick")) {
		/* a synapse's on tick names both neurons of each synapse (and
		 * each neuron in its once-per-neuron runs): modulators readable */
		s->in_event = m->synapse;
		resolve_stmts(s, mb->body, false);
		s->in_event = false;
		append_all(&m->on_tick, mb->body);
	} else if (!strcmp(ev, "pre")) {
		if (!m->synapse) {
			error_at(mb->loc, "'on pre' belongs in a synapse");
			return;
		}
		s->in_event = true;
		resolve_stmts(s, mb->body, false);
		s->in_event = false;
		append_all(&m->on_pre, mb->body);
	} else if (!strcmp(ev, "post")) {
		if (!m->synapse) {
			error_at(mb->loc, "'on post' belongs in a synapse");
			return;
		}
		s->in_event = true;
		resolve_stmts(s, mb->body, false);
		s->in_event = false;
		append_all(&m->on_post, mb->body);
	} else {
		error_at(mb->loc, "unknown event '%s' (expected tick, pre or post)", ev);
	}
}

static void neuron_only(Scope *s, Member *mb, const char *what)
{
	if (s->m->synapse)
		error_at(mb->loc, "'%s' belongs in a neuron, not a synapse", what);
}

static void resolve_member(Scope *s, Member *mb)
{
	Model *m = s->m;
	switch (mb->kind) {
	case MB_PARAM: case MB_STATE: case MB_INPUT: case MB_PRE_STATE: case MB_POST_STATE:
		VEC_EACH(Decl *, d, mb->decls) {
			resolve_annot(d->annot);
			int before = error_count();
			resolve_expr(s, d->init);
			if (mb->kind == MB_PARAM && error_count() == before && per_element_value(d->init))
				error_at(d->init->loc, "'%s' is a param, shared by the whole %s: its value "
					 "cannot vary per element (declare it as a state for per-element "
					 "values)", d->name, m->synapse ? "connection" : "population");
		}
		break;
	case MB_LET:
		/* a let is evaluated where it is read: modulators are checked there
		 * (lower.c for the sides, initial_modulator for initial values) */
		s->in_event = m->synapse;
		VEC_EACH(Decl *, d, mb->decls)
			resolve_expr(s, d->init);
		s->in_event = false;
		break;
	case MB_ODE:
		resolve_ode(s, mb);
		break;
	case MB_ON:
		resolve_on(s, mb);
		break;
	case MB_SPIKE:
		neuron_only(s, mb, "spike when");
		if (m->spike)
			error_at(mb->loc, "a neuron has one 'spike when'");
		m->spike = mb->value;
		resolve_expr(s, mb->value);
		break;
	case MB_RESET:
		neuron_only(s, mb, "reset");
		resolve_stmts(s, mb->body, true);
		append_all(&m->reset, mb->body);
		break;
	case MB_REFRACTORY:
		neuron_only(s, mb, "refractory");
		if (m->refractory)
			error_at(mb->loc, "a neuron has one 'refractory'");
		m->refractory = mb->value;
		resolve_expr(s, mb->value);
		break;
	case MB_METHOD:
		m->method = mb->name;
		m->method_loc = mb->name_loc;
		break;
	case MB_REDUCE:
		error_at(mb->loc, "'reduce' is not supported yet");
		break;
	default:
		break;
	}
}

/* A modulator read through the lets of e (a direct read is refused where
 * it is resolved): the let e names, or NULL; *mod the modulator. */
static const Expr *let_modulator(const Expr *e, Vec *seen, const Var **mod)
{
	if (!e)
		return NULL;
	if (e->kind == EX_NAME && e->var && e->var->kind == VK_LET && e->var->decl) {
		VEC_EACH(const Var *, x, seen)
			if (x == e->var)
				return NULL;
		vec_push(seen, (void *)e->var);
		return let_modulator(e->var->decl->init, seen, mod) ? e : NULL;
	}
	if (e->kind == EX_NAME && e->var && e->var->kind == VK_MODULATOR) {
		*mod = e->var;
		return e;
	}
	const Expr *r;
	if ((r = let_modulator(e->a, seen, mod)) || (r = let_modulator(e->b, seen, mod)) ||
	    (r = let_modulator(e->c, seen, mod)))
		return r;
	VEC_EACH(Expr *, a, e->args)
		if ((r = let_modulator(a, seen, mod)))
			return r;
	return NULL;
}

/* Initial values, params and delays are evaluated in setup, before the
 * network runs: no modulator there, not even through a let. */
static void initial_modulator(const Expr *e)
{
	const Var *mod = NULL;
	const Expr *r = let_modulator(e, vec_new(), &mod);
	if (r && r->var->kind == VK_LET)
		error_at(r->loc, "let '%s' reads modulator '%s', which cannot be read in an initial "
			 "value, a param or a delay (not supported yet: it has a value only while the "
			 "network runs)", r->var->name, mod->name);
}

/* Deep copies of members: every connection resolves its own copy of its
 * synapse, so that names bind to that connection's variables. */
static Vec *copy_stmts(Vec *v);

static Stmt *copy_stmt(const Stmt *s)
{
	Stmt *c = arena_alloc(sizeof *c);
	*c = *s;
	c->target = s->target ? expr_copy(s->target) : NULL;
	c->value = s->value ? expr_copy(s->value) : NULL;
	c->then_ = copy_stmts(s->then_);
	c->else_ = copy_stmts(s->else_);
	return c;
}

static Vec *copy_stmts(Vec *v)
{
	if (!v)
		return NULL;
	Vec *c = vec_new();
	VEC_EACH(Stmt *, s, v)
		vec_push(c, copy_stmt(s));
	return c;
}

static Vec *copy_members(Vec *members)
{
	Vec *out = vec_new();
	VEC_EACH(Member *, mb, members) {
		Member *c = arena_alloc(sizeof *c);
		*c = *mb;
		c->coef = mb->coef ? expr_copy(mb->coef) : NULL;
		c->value = mb->value ? expr_copy(mb->value) : NULL;
		c->body = copy_stmts(mb->body);
		if (mb->decls) {
			c->decls = vec_new();
			VEC_EACH(Decl *, d, mb->decls) {
				Decl *dc = arena_alloc(sizeof *dc);
				*dc = *d;
				dc->annot = d->annot ? expr_copy(d->annot) : NULL;
				dc->init = d->init ? expr_copy(d->init) : NULL;
				vec_push(c->decls, dc);
			}
		}
		vec_push(out, c);
	}
	return out;
}

static Model *resolve_model(TopDecl *td, Model *pre, Model *post, bool template_)
{
	Model *m = arena_alloc(sizeof *m);
	m->name = td->name;
	m->synapse = td->kind == TD_SYNAPSE;
	m->loc = td->loc;
	m->decl = td;
	m->vars = vec_new();
	m->var_map = map_new();
	m->odes = vec_new();
	m->on_tick = vec_new();
	m->on_pre = vec_new();
	m->on_post = vec_new();
	m->reset = vec_new();
	Scope s = { .m = m, .pre = pre, .post = post, .template_ = template_,
		    .builtins = vec_new(), .what = m->synapse ? "synapse" : "neuron" };
	Vec *members = template_ ? td->members : copy_members(td->members);
	declare_members(&s, members);
	VEC_EACH(Member *, mb, members)
		resolve_member(&s, mb);
	if (m->synapse)
		VEC_EACH(Member *, mb, members)
			if (mb->kind != MB_LET)
				VEC_EACH(Decl *, d, mb->decls)
					initial_modulator(d->init);
	if (m->reset->n && !m->spike)
		error_at(m->loc, "neuron '%s' has a reset but no 'spike when'", m->name);
	if (m->refractory && !m->spike)
		error_at(m->refractory->loc, "'refractory' needs a 'spike when'");
	return m;
}

/* ============================================================== network */

typedef struct NetCtx {
	Unit *u;
	Network *net;
	Vec *globals;
	Map *records;            /* stem -> Record* */
	Map *declared;           /* names of the network's pops, slices, named connections */
} NetCtx;

Model *find_model(Unit *u, const char *name)
{
	if (u->model_map)
		return map_get(u->model_map, name);
	VEC_EACH(Model *, m, u->models)
		if (!strcmp(m->name, name))
			return m;
	return NULL;
}

static Group *find_group(Network *n, const char *name)
{
	return map_get(n->group_map, name);
}

static Conn *find_conn(Network *n, const char *name)
{
	return map_get(n->conn_map, name);
}

static void add_group(Network *n, Group *g)
{
	vec_push(n->groups, g);
	map_put(n->group_map, g->name, g);
}

/* Is `name` declared by an item of the network, wherever it stands, or
 * already given to a connection? */
static bool name_used(NetCtx *c, const char *name)
{
	return map_get(c->declared, name) || find_conn(c->net, name);
}

/* An unnamed connection is PRE_POST_K (K its index); a user's name wins:
 * when the default is declared elsewhere in the network, _2, _3, ... follow. */
static const char *default_conn_name(NetCtx *c, const Conn *cn)
{
	const char *base = arena_printf("%s_%s_%d", cn->pre.name, cn->post.name, cn->index);
	const char *name = base;
	for (int k = 2; name_used(c, name); k++)
		name = arena_printf("%s_%d", base, k);
	return name;
}

/* Populations, slices and connections share one namespace. */
static bool name_taken(NetCtx *c, const char *name, Loc loc)
{
	Group *g = find_group(c->net, name);
	Conn *cn = g ? NULL : find_conn(c->net, name);
	if (!g && !cn)
		return false;
	error_at(loc, "'%s' is already declared in network '%s'", name, c->net->name);
	note_at(g ? g->loc : cn->loc, "previous declaration of '%s' is here", name);
	return true;
}

/* A named argument or setting met before: "given twice", a note at the
 * first; else remembered in seen.  A bare name (one_to_one) counts too. */
static bool given_twice(Map *seen, const char *name, Loc loc)
{
	Loc *first = map_get(seen, name);
	if (first) {
		error_at(loc, "'%s' is given twice", name);
		note_at(*first, "the first '%s' is here", name);
		return true;
	}
	first = arena_alloc(sizeof *first);
	*first = loc;
	map_put(seen, name, first);
	return false;
}

static const char *arg_name(const Expr *a)
{
	return a->kind == EX_ARG || a->kind == EX_NAME ? a->name : NULL;
}

/* Report every argument of a call (after the first `skip`) given twice. */
static void duplicate_args(Expr *call, int skip, Map *seen)
{
	VEC_EACH(Expr *, a, call->args)
		if (a_i >= skip && arg_name(a))
			given_twice(seen, a->name, a->loc);
}

/* The most steps a run (or a sampling period) may count: its stamps
 * (n+1)*dt are doubles, exact up to 2^53 steps. */
#define MAX_RUN_STEPS 9007199254740992.0

static void check_steps(Loc loc, const char *what, double v, double dt)
{
	double steps = floor(v / dt + 0.5);
	if (steps > MAX_RUN_STEPS)
		error_at(loc, "%s of %g s is %.4g steps of dt = %g ms: more than 2^53 steps, "
			 "the most a simulation can count", what, v, steps, dt * 1e3);
}

/* `(1 s)^(0/0)`: a unit raised to an exponent that is not finite, or to one
 * so large the dimension's exponents leave [-DIM_MAX_EXP, DIM_MAX_EXP]. */
static void bad_dim(Loc loc, const char *what)
{
	error_at(loc, "%s has a dimension out of range: exponents of units must be finite and "
		 "at most %d in magnitude", what, DIM_MAX_EXP);
}

/* A constant of a given dimension: sizes, dt, durations, periods. */
static bool eval_dim(Expr *e, Dim want, const char *what, double *out)
{
	double v;
	Dim d;
	if (!const_eval(e, &v, &d)) {
		error_at(e->loc, "%s must be a constant", what);
		return false;
	}
	if (!dim_valid(d)) {
		bad_dim(e->loc, what);
		return false;
	}
	if (!dim_eq(d, want)) {
		const char *got = snn_dim_is_one(d) ? "a dimensionless number" : dim_str(d);
		if (dim_eq(want, DIM_TIME))
			error_at(e->loc, "%s must be a time, got %s", what, got);
		else if (snn_dim_is_one(want))
			error_at(e->loc, "%s must be dimensionless, got %s", what, got);
		else
			error_at(e->loc, "%s must have dimension %s, got %s", what, dim_str(want), got);
		return false;
	}
	if (!isfinite(v)) {
		error_at(e->loc, "%s must be finite, got %s", what, num_str(v));
		return false;
	}
	*out = v;
	return true;
}

static bool eval_int(Expr *e, const char *what, int64_t lo, int64_t hi, int64_t *out)
{
	double v;
	if (!eval_dim(e, DIM_ONE, what, &v))
		return false;
	if (v != floor(v) || v < (double)lo || v > (double)hi) {
		error_at(e->loc, "%s must be a whole number from %lld to %lld",
			 what, (long long)lo, (long long)hi);
		return false;
	}
	*out = (int64_t)v;
	return true;
}

static const char *dirname_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? arena_strndup(path, (size_t)(slash - path)) : ".";
}

/* Files named in the network are relative to the .snn file; the simulator
 * may run from anywhere, so the path is made absolute here. */
static const char *relative_path(NetCtx *c, const char *p)
{
	if (p[0] == '/')
		return p;
	char buf[PATH_MAX];
	const char *dir = dirname_of(c->u->path);
	if (realpath(dir, buf))
		dir = buf;
	return arena_printf("%s/%s", dir, p);
}

static void setting(NetCtx *c, NetItem *it)
{
	Network *n = c->net;
	const char *k = it->name;
	Expr *e = it->value;
	double v;
	if (!strcmp(k, "dt")) {
		if (eval_dim(e, DIM_TIME, "dt", &v)) {
			if (!(v > 0))
				error_at(e->loc, "dt must be a positive time");
			else
				n->dt = v;
		}
	} else if (!strcmp(k, "method")) {
		if (e->kind != EX_NAME)
			error_at(e->loc, "method must be one of euler, rk2, rk4, exponential_euler, exact");
		else
			n->method = e->name, n->method_loc = e->loc;
	} else if (!strcmp(k, "seed")) {
		int64_t s;
		if (eval_int(e, "seed", 0, INT64_MAX / 2, &s))
			n->seed = (uint64_t)s;
	} else if (!strcmp(k, "precision")) {
		if (e->kind == EX_NAME && !strcmp(e->name, "double"))
			n->single = false;
		else if (e->kind == EX_NAME && !strcmp(e->name, "single"))
			n->single = true;
		else
			error_at(e->loc, "precision must be double or single");
	} else if (!strcmp(k, "batch")) {
		int64_t b;
		if (eval_int(e, "batch", 1, 1 << 20, &b)) {
			n->batch = b;
			if (b != 1)
				error_at(e->loc, "batch > 1 is not supported yet");
		}
	} else {
		error_at(it->name_loc, "unknown network setting '%s' (expected dt, method, seed, "
			 "precision or batch)", k);
	}
}

/* Does a value differ from element to element (so cannot set a param)?
 * It does if it reads, directly or through lets, a state, an input, a
 * per-element built-in (t, i, t_last, spiked, xi), pre./post. or rand().
 * A let's answer is computed once (Var.per_elem), the lets it reads first,
 * with an explicit stack: a chain of any length is followed to its end
 * (a let in a cycle counts as not per element; dims.c reports the cycle). */
static bool is_let_var(const Var *v)
{
	return v && v->kind == VK_LET && v->decl && v->decl->init;
}

/* The answer for e itself, lets read as their memo (3: yes). */
static bool per_element_here(const Expr *e)
{
	if (!e)
		return false;
	if (e->kind == EX_MEMBER)
		return true;
	if (e->kind == EX_CALL && (e->builtin == FN_RAND || e->builtin == FN_RANDN))
		return true;
	if (e->kind == EX_NAME && e->var &&
	    (e->var->kind == VK_STATE || e->var->kind == VK_INPUT ||
	     (e->var->kind == VK_BUILTIN && e->var->builtin != BI_DT && e->var->builtin != BI_N)))
		return true;
	if (e->kind == EX_NAME && is_let_var(e->var))
		return e->var->per_elem == 3;
	if (per_element_here(e->a) || per_element_here(e->b) || per_element_here(e->c))
		return true;
	VEC_EACH(Expr *, a, e->args)
		if (per_element_here(a))
			return true;
	return false;
}

/* The lets e reads whose answer is not known yet, appended to out. */
static void unknown_lets(const Expr *e, Vec *out)
{
	if (!e)
		return;
	if (e->kind == EX_NAME && is_let_var(e->var) && e->var->per_elem == 0)
		vec_push(out, e->var);
	unknown_lets(e->a, out);
	unknown_lets(e->b, out);
	unknown_lets(e->c, out);
	VEC_EACH(Expr *, a, e->args)
		unknown_lets(a, out);
}

typedef struct {
	Var *v;
	Vec *deps;       /* lets v reads, unknown when collected */
	int next;
} LetFrame;

static LetFrame *let_frame(Var *v)
{
	LetFrame *f = arena_alloc(sizeof *f);
	f->v = v;
	f->deps = vec_new();
	v->per_elem = 1;
	unknown_lets(v->decl->init, f->deps);
	return f;
}

static bool per_element_value(const Expr *e)
{
	Vec *roots = vec_new(), *stack = vec_new();
	unknown_lets(e, roots);
	VEC_EACH(Var *, root, roots) {
		if (root->per_elem)
			continue;
		vec_push(stack, let_frame(root));
		while (stack->n) {
			LetFrame *f = stack->items[stack->n - 1];
			if (f->next < f->deps->n) {
				Var *w = f->deps->items[f->next++];
				if (!w->per_elem)
					vec_push(stack, let_frame(w));
				continue;
			}
			f->v->per_elem = per_element_here(f->v->decl->init) ? 3 : 2;
			stack->n--;
		}
	}
	return per_element_here(e);
}

/* Resolve `name = value` (an initial value or a param override) of a pop or
 * connection in its model's scope; pre and post are the neuron models of a
 * connection (NULL for a population). */
static Init *resolve_init(Model *m, Model *pre, Model *post, const char *name, Expr *value,
			  Loc loc, Vec *builtins)
{
	Var *v = model_var(m, name);
	if (!v || (v->kind != VK_PARAM && v->kind != VK_STATE && v->kind != VK_PRE_STATE &&
		   v->kind != VK_POST_STATE)) {
		error_at(loc, "%s '%s' has no param or state '%s'",
			 m->synapse ? "synapse" : "neuron", m->name, name);
		return NULL;
	}
	Scope s = { .m = m, .pre = pre, .post = post, .builtins = builtins,
		    .what = m->synapse ? "synapse" : "neuron", .template_ = !m->synapse };
	int before = error_count();
	resolve_expr(&s, value);
	if (m->synapse)
		initial_modulator(value);
	if (error_count() == before && v->kind == VK_PARAM && per_element_value(value)) {
		error_at(value->loc, "'%s' is a param, shared by the whole %s: its value cannot "
			 "vary per element (declare it as a state for per-element values)",
			 name, m->synapse ? "connection" : "population");
		return NULL;
	}
	Init *in = arena_alloc(sizeof *in);
	in->var = v;
	in->value = value;
	in->loc = loc;
	return in;
}

static const char *generator_kinds[] = { "poisson", "spikes", "from_file" };

/* A generator's argument: a finite constant, its names bound (units) so
 * that emit can print it.  True when it has dimension want (a wrong
 * dimension is reported by dims.c). */
static bool gen_const(Expr *e, Dim want, const char *what, double *out)
{
	Model *none = arena_alloc(sizeof *none);     /* no names: units only */
	none->vars = vec_new();
	Scope s = { .m = none, .builtins = vec_new(), .what = "network" };
	int before = error_count();
	resolve_expr(&s, e);
	Dim d;
	if (error_count() != before)
		return false;
	if (!const_eval(e, out, &d)) {
		error_at(e->loc, "%s must be a constant", what);
		return false;
	}
	if (!dim_valid(d)) {
		bad_dim(e->loc, what);
		return false;
	}
	if (!isfinite(*out)) {
		error_at(e->loc, "%s must be finite, got %s", what, num_str(*out));
		return false;
	}
	return dim_eq(d, want);
}

/* Rates are not negative; spike times fall in a step after 0; indices
 * are elements of the population; presentation times are positive. */
static void check_generator(NetCtx *c, Pop *p)
{
	double v;
	Dim hz = snn_dim_div(DIM_ONE, DIM_TIME);
	if (p->rate && gen_const(p->rate, hz, "rate", &v) && v < 0)
		error_at(p->rate->loc, "rate must not be negative, got %g Hz", v);
	if (p->present && gen_const(p->present, DIM_TIME, "present", &v)) {
		if (!(v > 0))
			error_at(p->present->loc, "present must be a positive time");
		else
			check_steps(p->present->loc, "present", v, c->net->dt);
	}
	VEC_EACH(Expr *, t, p->times)
		if (gen_const(t, DIM_TIME, "a spike time", &v) && !(floor(v / c->net->dt + 0.5) > 0))
			error_at(t->loc, "spike time %g ms falls in step 0 or before (dt = %g ms): "
				 "spikes are stamped from dt on", v * 1e3, c->net->dt * 1e3);
	VEC_EACH(Expr *, k, p->index_list)
		if (gen_const(k, DIM_ONE, "a spike index", &v) && (v != floor(v) || v < 0 || v >= (double)p->n))
			error_at(k->loc, "spike index %g is not an element of the population "
				 "(a whole number from 0 to %lld)", v, (long long)p->n - 1);
}

static Expr *named_arg(Vec *args, const char *name)
{
	VEC_EACH(Expr *, a, args)
		if (a->kind == EX_ARG && !strcmp(a->name, name))
			return a->a;
	return NULL;
}

static void check_generator_args(Expr *call, const char **allowed)
{
	VEC_EACH(Expr *, a, call->args) {
		if (a_i == 0)
			continue;
		bool ok = false;
		for (const char **k = allowed; *k; k++)
			if (a->kind == EX_ARG && !strcmp(a->name, *k))
				ok = true;
		if (!ok)
			error_at(a->loc, "unexpected argument to %s()", call->name);
	}
}

static void generator(NetCtx *c, Pop *p, Expr *call)
{
	Vec *args = call->args;
	duplicate_args(call, 1, map_new());
	if (!strcmp(call->name, "from_file")) {
		p->kind = POP_FROM_FILE;
		Expr *path = args && args->n ? args->items[0] : NULL;
		if (!path || path->kind != EX_STRING) {
			error_at(call->loc, "from_file() takes a file name first");
			return;
		}
		p->path = relative_path(c, path->str);
		p->present = named_arg(args, "present");
		if (!p->present)
			error_at(call->loc, "from_file() needs present = T");
		Expr *mode = named_arg(args, "mode");
		p->ff_mode = SNN_FF_RATES;
		if (mode && mode->kind == EX_NAME && !strcmp(mode->name, "values"))
			error_at(mode->loc, "from_file(..., mode = values) is not supported yet");
		else if (mode && !(mode->kind == EX_NAME && !strcmp(mode->name, "rates")))
			error_at(mode->loc, "mode must be rates or values");
		check_generator_args(call, (const char *[]){ "present", "mode", NULL });
		return;
	}
	Expr *n = args && args->n ? args->items[0] : NULL;
	if (!n || n->kind == EX_ARG) {
		error_at(call->loc, "%s() takes the population size first", call->name);
		return;
	}
	eval_int(n, "a population size", 1, INT32_MAX, &p->n);
	if (!strcmp(call->name, "poisson")) {
		p->kind = POP_POISSON;
		p->rate = named_arg(args, "rate");
		if (!p->rate)
			error_at(call->loc, "poisson() needs rate = R");
		check_generator_args(call, (const char *[]){ "rate", NULL });
	} else {
		p->kind = POP_SPIKES;
		Expr *times = named_arg(args, "times"), *index = named_arg(args, "index");
		if (!times || times->kind != EX_LIST) {
			error_at(call->loc, "spikes() needs times = [...]");
			return;
		}
		p->times = times->args;
		if (index && index->kind != EX_LIST)
			error_at(index->loc, "index must be a list [...]");
		else if (index) {
			p->index_list = index->args;
			if (index->args->n != times->args->n)
				error_at(index->loc, "index has %d entries but times has %d",
					 index->args->n, times->args->n);
		}
		check_generator_args(call, (const char *[]){ "times", "index", NULL });
	}
}

static void pop_item(NetCtx *c, NetItem *it)
{
	if (name_taken(c, it->name, it->name_loc))
		return;
	Pop *p = arena_alloc(sizeof *p);
	p->name = it->name;
	p->loc = it->loc;
	p->inits = vec_new();
	p->index = c->net->pops->n;
	vec_push(c->net->pops, p);
	Group *g = arena_alloc(sizeof *g);
	*g = (Group){ .name = p->name, .pop = p, .lo = 0, .hi = -1, .loc = it->loc };
	add_group(c->net, g);

	Expr *call = it->value;
	if (!call || call->kind != EX_CALL) {
		error_at(it->loc, "expected a neuron model or a generator, e.g. LIF(100) or poisson(100, rate = 5 Hz)");
		return;
	}
	for (int k = 0; k < 3; k++)
		if (!strcmp(call->name, generator_kinds[k])) {
			generator(c, p, call);
			if (error_count() == 0)
				check_generator(c, p);
			if (it->decls && it->decls->n)
				error_at(it->loc, "a generator takes no initial values");
			return;
		}
	Model *m = find_model(c->u, call->name);
	if (!m) {
		error_at(call->loc, "unknown neuron model '%s'", call->name);
		return;
	}
	if (m->synapse) {
		error_at(call->loc, "'%s' is a synapse, not a neuron model", call->name);
		return;
	}
	p->kind = POP_NEURON;
	p->model = m;
	Expr *n = call->args && call->args->n ? call->args->items[0] : NULL;
	if (!n || n->kind == EX_ARG) {
		error_at(call->loc, "%s() takes the population size first", call->name);
		return;
	}
	if (n->kind != EX_NUM)
		error_at(n->loc, "a population size must be an integer literal");
	else
		eval_int(n, "a population size", 1, INT32_MAX, &p->n);
	Vec *builtins = vec_new();
	Map *seen = map_new();
	VEC_EACH(Expr *, a, call->args) {
		if (a_i == 0)
			continue;
		if (a->kind != EX_ARG) {
			error_at(a->loc, "expected NAME = VALUE");
			continue;
		}
		if (given_twice(seen, a->name, a->loc))
			continue;
		Init *in = resolve_init(m, NULL, NULL, a->name, a->a, a->loc, builtins);
		if (in)
			vec_push(p->inits, in);
	}
	VEC_EACH(Decl *, d, it->decls) {
		if (given_twice(seen, d->name, d->loc))
			continue;
		Init *in = resolve_init(m, NULL, NULL, d->name, d->init, d->loc, builtins);
		if (in)
			vec_push(p->inits, in);
	}
}

/* P or a slice name; `P[a:b]` inline */
static bool group_of(NetCtx *c, Expr *e, Group *out)
{
	if (e->kind == EX_NAME) {
		Group *g = find_group(c->net, e->name);
		if (!g) {
			error_at(e->loc, "unknown population '%s'", e->name);
			return false;
		}
		*out = *g;
		return true;
	}
	if (e->kind == EX_SLICE) {
		Group base;
		if (!group_of(c, e->a, &base))
			return false;
		int64_t lo, hi, n = base.hi < 0 ? base.pop->n : base.hi - base.lo;
		if (base.pop->kind == POP_FROM_FILE) {
			error_at(e->loc, "slices of a from_file population are not supported yet");
			return false;
		}
		if (!eval_int(e->b, "a slice bound", 0, INT32_MAX, &lo) ||
		    !eval_int(e->c, "a slice bound", 0, INT32_MAX, &hi))
			return false;
		if (!(lo < hi && hi <= n)) {
			error_at(e->loc, "slice [%lld:%lld] out of range: need 0 <= a < b <= %lld",
				 (long long)lo, (long long)hi, (long long)n);
			return false;
		}
		*out = base;
		out->lo = base.lo + lo;
		out->hi = base.lo + hi;
		out->loc = e->loc;
		return true;
	}
	error_at(e->loc, "expected a population or a slice");
	return false;
}

static void let_item(NetCtx *c, NetItem *it)
{
	if (name_taken(c, it->name, it->name_loc))
		return;
	Group g;
	if (!it->value || it->value->kind != EX_SLICE) {
		error_at(it->loc, "a network 'let' names a slice, e.g. let E = P[0:800]");
		return;
	}
	if (!group_of(c, it->value, &g))
		return;
	Group *ng = arena_alloc(sizeof *ng);
	*ng = g;
	ng->name = it->name;
	add_group(c->net, ng);
}

/* A pseudo neuron model for generators: they have t_last and spiked.  From
 * the arena, like everything of one compilation (a static one would outlive
 * arena_reset()). */
static Model *generator_model(Pop *p)
{
	Model *gm = arena_alloc(sizeof *gm);
	gm->name = "generator";
	gm->vars = vec_new();
	gm->odes = vec_new();
	(void)p;
	return gm;
}

static void connectivity_arg(NetCtx *c, Conn *cn, Expr *a)
{
	if (a->kind == EX_NAME) {
		if (!strcmp(a->name, "one_to_one"))
			cn->kind = SNN_CONN_ONE;
		else if (!strcmp(a->name, "all_to_all"))
			cn->kind = SNN_CONN_ALL;
		else
			error_at(a->loc, "unknown connectivity '%s' (expected one_to_one or all_to_all, "
				 "or p = ..., fan_in = ..., weights = \"...\")", a->name);
		return;
	}
	error_at(a->loc, "expected NAME = VALUE");
}

static void connect_arg(NetCtx *c, Conn *cn, Expr *a, Model *pre, Model *post, Vec *builtins)
{
	const char *k = a->name;
	Expr *v = a->a;
	if (!strcmp(k, "p")) {
		double p;
		cn->kind = SNN_CONN_P;
		cn->p = v;
		if (eval_dim(v, DIM_ONE, "p", &p) && !(p >= 0 && p <= 1))
			error_at(v->loc, "p must lie in [0, 1], got %g", p);
	} else if (!strcmp(k, "fan_in")) {
		cn->kind = SNN_CONN_FAN_IN;
		eval_int(v, "fan_in", 0, INT32_MAX, &cn->fan_in);
	} else if (!strcmp(k, "weights") || !strcmp(k, "mask")) {
		if (v->kind != EX_STRING) {
			error_at(v->loc, "%s takes a file name (a string)", k);
			return;
		}
		if (k[0] == 'w') {
			cn->kind = SNN_CONN_WEIGHTS;
			cn->weights = relative_path(c, v->str);
			Var *w = model_var(cn->syn, "w");
			if (!w || w->kind != VK_STATE)
				error_at(a->loc, "weights = needs a synapse with a state 'w'");
		} else {
			cn->mask = relative_path(c, v->str);
		}
	} else if (!strcmp(k, "delay")) {
		Scope s = { .m = cn->syn, .pre = pre, .post = post, .builtins = builtins,
			    .what = "synapse" };
		resolve_expr(&s, v);
		initial_modulator(v);
		cn->delay = v;
	} else if (!strcmp(k, "max_delay")) {
		double d;
		cn->max_delay = v;
		if (eval_dim(v, DIM_TIME, "max_delay", &d)) {
			if (d < 0)
				error_at(v->loc, "max_delay must not be negative, got %g ms", d * 1e3);
			cn->max_delay_s = d;
		}
	} else {
		Init *in = resolve_init(cn->syn, pre, post, k, v, a->loc, builtins);
		if (in)
			vec_push(cn->inits, in);
	}
}

/* An argument that chooses how pre and post are connected (mask only
 * filters: it goes with one of them). */
static bool is_connectivity(const Expr *a)
{
	const char *k = arg_name(a);
	if (!k)
		return false;
	if (a->kind == EX_NAME)
		return true;
	return !strcmp(k, "p") || !strcmp(k, "fan_in") || !strcmp(k, "weights");
}

/* Where the argument `name` (NAME = E, or a bare NAME) of a call is. */
static Loc arg_loc(const Expr *call, const char *name, Loc fallback)
{
	VEC_EACH(Expr *, a, call->args)
		if ((a->kind == EX_ARG || a->kind == EX_NAME) && !strcmp(a->name, name))
			return a->loc;
	return fallback;
}

/* A synapse with `state delay` learns its delays (§3): max_delay bounds them
 * and sizes the queue, so it is required, and only meaningful, there.  A
 * connect's `delay = E` is then the state's initial value, as any state
 * given in connect is (it may vary per synapse). */
static void learned_delay(Conn *cn, Expr *call, Loc loc)
{
	Var *d = model_var(cn->syn, "delay");
	if (d && d->kind != VK_STATE)
		d = NULL;
	if (!d) {
		if (cn->max_delay)
			error_at(arg_loc(call, "max_delay", loc), "max_delay is only for learned delays: "
				 "synapse '%s' has no 'state delay'", cn->syn->name);
		return;
	}
	cn->ldelay = d;
	cn->hetero_delay = true;
	if (!cn->max_delay)
		error_at(call->loc, "synapse '%s' learns its delays ('state delay'): connection '%s' "
			 "needs max_delay = ... to bound them", cn->syn->name, cn->name);
	if (cn->delay) {         /* resolved already, in the synapse's scope */
		Init *in = arena_alloc(sizeof *in);
		in->var = d;
		in->value = cn->delay;
		in->loc = arg_loc(call, "delay", loc);
		vec_push(cn->inits, in);
		cn->delay = NULL;
	}
}

static Group *member_group(NetCtx *c, Expr *base);

static int64_t group_size(const Group *g)
{
	return g->hi < 0 ? g->pop->n : g->hi - g->lo;
}

/* `m = GLOBAL` or `m = POP.VAR` (a population or slice with one element
 * per post neuron, or per pre neuron for a `pre modulator`; VAR a state or
 * an input of its neurons). */
static void bind_one(NetCtx *c, Conn *cn, Decl *d)
{
	Var *m = model_var(cn->syn, d->name);
	if (!m || m->kind != VK_MODULATOR) {
		error_at(d->loc, "synapse '%s' has no modulator '%s'", cn->syn->name, d->name);
		return;
	}
	Expr *e = d->init;
	m->bind_expr = e;
	if (e->kind == EX_NAME) {
		Var *g = map_get(c->net->global_map, e->name);
		if (!g) {
			error_at(e->loc, "unknown global '%s' (bind a modulator to a global or to POP.VAR)",
				 e->name);
			return;
		}
		if (!snn_dim_is_one(g->dim)) {
			error_at(e->loc, "a modulator is a dimensionless number; global '%s' is in %s",
				 g->name, dim_str(g->dim));
			return;
		}
		e->var = g;
		m->bind_global = g;
		return;
	}
	if (e->kind != EX_MEMBER || (e->a->kind != EX_NAME && e->a->kind != EX_SLICE)) {
		error_at(e->loc, "bind a modulator to a global or to POP.VAR");
		return;
	}
	Group *g = member_group(c, e->a);
	if (!g)
		return;
	Var *x = g->pop->model ? model_var(g->pop->model, e->name) : NULL;
	if (!x || (x->kind != VK_STATE && x->kind != VK_INPUT)) {
		error_at(e->loc, x ? "a modulator reads a state or an input of a population ('%s.%s' is not one)"
			 : "population '%s' has no variable '%s'", g->name, e->name);
		return;
	}
	const Group *side = m->pre_mod ? &cn->pre : &cn->post;
	if (g->pop->kind == POP_FROM_FILE || side->pop->kind == POP_FROM_FILE) {
		error_at(e->loc, "a modulator bound to a population next to a from_file population "
			 "(whose size is known only at run time) is not supported yet");
		return;
	}
	if (group_size(g) != group_size(side)) {
		error_at(e->loc, "modulator '%s' takes one element per %s neuron: '%s' has %lld elements, "
			 "the %s group '%s' %lld", m->name, m->pre_mod ? "pre" : "post", g->name,
			 (long long)group_size(g), m->pre_mod ? "pre" : "post", side->name,
			 (long long)group_size(side));
		return;
	}
	e->var = x;
	m->bind_group = g;
	m->bind_var = x;
}

static void bind_modulators(NetCtx *c, Conn *cn, NetItem *it)
{
	Map *seen = map_new();
	VEC_EACH(Decl *, d, it->decls)
		if (!given_twice(seen, d->name, d->loc))
			bind_one(c, cn, d);
	VEC_EACH(Var *, v, cn->syn->vars)
		if (v->kind == VK_MODULATOR && !map_get(seen, v->name))
			error_at(it->loc, "modulator '%s' of synapse '%s' is not bound: add { %s = GLOBAL } "
				 "or { %s = POP.VAR } to the connection", v->name, cn->syn->name, v->name, v->name);
}

static void connect_item(NetCtx *c, NetItem *it)
{
	Conn *cn = arena_alloc(sizeof *cn);
	cn->loc = it->loc;
	cn->kind = SNN_CONN_ALL;
	cn->inits = vec_new();
	cn->index = c->net->conns->n;
	bool pre_ok = group_of(c, it->pre, &cn->pre);
	bool post_ok = group_of(c, it->post, &cn->post);
	if (!pre_ok || !post_ok)
		return;
	Expr *call = it->value;
	Model *tm = call && call->kind == EX_CALL ? find_model(c->u, call->name) : NULL;
	if (!tm) {
		error_at(call ? call->loc : it->loc, "unknown synapse model '%s'", call ? call->name : "?");
		return;
	}
	if (!tm->synapse) {
		error_at(call->loc, "'%s' is a neuron model, not a synapse", call->name);
		return;
	}
	if (it->name) {
		if (name_taken(c, it->name, it->name_loc))
			return;
		cn->name = it->name;
	} else {
		cn->name = default_conn_name(c, cn);
	}
	Model *pre = cn->pre.pop->model ? cn->pre.pop->model : generator_model(cn->pre.pop);
	/* a generator as post: its spikes trigger on post; it has no post.X to write */
	Model *post = cn->post.pop->model ? cn->post.pop->model : generator_model(cn->post.pop);
	cn->syn = resolve_model(tm->decl, pre, post, false);
	vec_push(c->net->conns, cn);
	if (!find_conn(c->net, cn->name))       /* the first of a name, as a list search found */
		map_put(c->net->conn_map, cn->name, cn);
	Vec *builtins = vec_new();
	Map *seen = map_new();
	Expr *conn_kind = NULL;       /* the argument that chose the connectivity */
	VEC_EACH(Expr *, a, call->args) {
		if (arg_name(a) && given_twice(seen, a->name, a->loc))
			continue;
		if (is_connectivity(a)) {
			if (conn_kind) {
				error_at(a->loc, "conflicting connectivity: '%s' and '%s' (give one of "
					 "p, fan_in, weights, one_to_one, all_to_all)", conn_kind->name, a->name);
				note_at(conn_kind->loc, "'%s' is here", conn_kind->name);
				continue;
			}
			conn_kind = a;
		}
		if (a->kind == EX_ARG)
			connect_arg(c, cn, a, pre, post, builtins);
		else
			connectivity_arg(c, cn, a);
	}
	bind_modulators(c, cn, it);
	if (cn->kind == SNN_CONN_ONE) {
		int64_t a = cn->pre.hi < 0 ? cn->pre.pop->n : cn->pre.hi - cn->pre.lo;
		int64_t b = cn->post.hi < 0 ? cn->post.pop->n : cn->post.hi - cn->post.lo;
		if (a != b && cn->pre.pop->kind != POP_FROM_FILE)
			error_at(arg_loc(call, "one_to_one", it->loc),
				 "one_to_one needs groups of equal size, got %lld (pre) and %lld (post)",
				 (long long)a, (long long)b);
	}
	if (cn->kind == SNN_CONN_FAN_IN) {
		int64_t a = cn->pre.hi < 0 ? cn->pre.pop->n : cn->pre.hi - cn->pre.lo;
		if (cn->fan_in > a && cn->pre.pop->kind != POP_FROM_FILE)
			error_at(arg_loc(call, "fan_in", it->loc),
				 "fan_in = %lld is larger than the presynaptic group (%lld neurons)",
				 (long long)cn->fan_in, (long long)a);
	}
	cn->hetero_delay = cn->delay && per_element_value(cn->delay);
	learned_delay(cn, call, it->loc);
}

/* The params of a generator as variables, for `record G.rate`: a poisson
 * population's rate (a param settable with --set; the emitter's var row
 * "rate").  NULL for any other name. */
static Var *generator_param(Pop *p, const char *name)
{
	if (p->kind != POP_POISSON || strcmp(name, "rate"))
		return NULL;
	Var *v = new_var(NULL, "rate", VK_PARAM, p->loc);
	v->dim = snn_dim_div(DIM_ONE, DIM_TIME);
	v->dim_known = true;
	return v;
}

static Record *new_record(Loc loc)
{
	Record *r = arena_alloc(sizeof *r);
	r->loc = loc;
	r->i1 = -1;
	return r;
}

static void record_item(NetCtx *c, NetItem *it)
{
	Expr *e = it->value;
	Record *r = new_record(it->loc);
	if (it->value2) {
		double every;
		if (eval_dim(it->value2, DIM_TIME, "every", &every)) {
			r->every = every;
			if (!(every > 0))
				error_at(it->value2->loc, "every must be a positive time");
			else
				check_steps(it->value2->loc, "every", every, c->net->dt);
		}
		r->every_loc = it->value2->loc;
	}
	Expr *range = NULL;
	if (e->kind == EX_SLICE) {
		range = e;
		e = e->a;
	}
	if (e->kind == EX_NAME) {
		Var *g = map_get(c->net->global_map, e->name);
		if (!g) {
			error_at(e->loc, "unknown global '%s' (record POP.spikes, POP.VAR, CONN.VAR "
				 "or a global)", e->name);
			return;
		}
		if (range) {
			error_at(range->loc, "a global is a scalar: it takes no [a:b]");
			return;
		}
		r->var = g;
		r->stem = g->name;
		Record *o = map_get(c->records, r->stem);
		if (o) {
			error_at(it->loc, "'%s' is already recorded (one record per variable)", r->stem);
			note_at(o->loc, "the first record of '%s' is here", r->stem);
			return;
		}
		map_put(c->records, r->stem, r);
		vec_push(c->net->records, r);
		return;
	}
	if (e->kind != EX_MEMBER || e->a->kind != EX_NAME) {
		error_at(e->loc, "expected POP.spikes, POP.VAR or CONN.VAR");
		return;
	}
	const char *owner = e->a->name, *var = e->name;
	Group *g = find_group(c->net, owner);
	Conn *cn = g ? NULL : find_conn(c->net, owner);
	if (!g && !cn) {
		error_at(e->a->loc, "unknown population or connection '%s'", owner);
		return;
	}
	if (range) {
		int64_t lo, hi;
		if (!eval_int(range->b, "a slice bound", 0, INT64_MAX / 2, &lo) ||
		    !eval_int(range->c, "a slice bound", 0, INT64_MAX / 2, &hi))
			return;
		if (g) {
			int64_t n = g->hi < 0 ? g->pop->n : g->hi - g->lo;
			if (!(lo < hi && hi <= n)) {
				error_at(range->loc, "slice [%lld:%lld] out of range: need 0 <= a < b <= %lld",
					 (long long)lo, (long long)hi, (long long)n);
				return;
			}
		} else if (!(lo < hi)) {
			error_at(range->loc, "empty slice [%lld:%lld]", (long long)lo, (long long)hi);
			return;
		}
		r->i0 = lo;
		r->i1 = hi;
	}
	if (g) {
		r->group = *g;
		if (!strcmp(var, "spikes")) {
			r->stem = g->name;
		} else {
			r->stem = arena_printf("%s.%s", g->name, var);
			Model *m = g->pop->model;
			Builtin b = builtin_lookup(var);
			if (b == BI_T_LAST || b == BI_SPIKED) {
				r->builtin = b;
			} else if (!m && (r->var = generator_param(g->pop, var))) {
				/* a generator's param (§4: any param can be recorded) */
			} else if (!m || !(r->var = model_var(m, var))) {
				error_at(e->loc, "population '%s' has no variable '%s'", g->name, var);
				return;
			}
		}
	} else {
		r->conn = cn;
		r->stem = arena_printf("%s.%s", cn->name, var);
		r->var = model_var(cn->syn, var);
		if (!r->var) {
			error_at(e->loc, "connection '%s' has no variable '%s'", cn->name, var);
			return;
		}
	}
	Record *o = map_get(c->records, r->stem);
	if (o) {
		error_at(it->loc, "'%s' is already recorded (one record per variable)", r->stem);
		note_at(o->loc, "the first record of '%s' is here", r->stem);
		return;
	}
	map_put(c->records, r->stem, r);
	vec_push(c->net->records, r);
}

/* `global g : U = E`: a scalar of the network (an OWN_NET slot).  Its
 * dimension is the annotation's, else the initial value's; the initial
 * value is a constant (it is the default before --set). */
static void global_decl(NetCtx *c, Decl *d)
{
	Network *n = c->net;
	Var *old = map_get(n->global_map, d->name);
	NetItem *item = map_get(c->declared, d->name);
	if (old || item || find_conn(n, d->name)) {
		error_at(d->loc, "'%s' is already declared in network '%s'", d->name, n->name);
		note_at(old ? old->loc : item ? item->loc : find_conn(n, d->name)->loc,
			"previous declaration of '%s' is here", d->name);
		return;
	}
	Var *v = new_var(NULL, d->name, VK_GLOBAL, d->loc);
	v->decl = d;
	double value = 0, unit = 1;
	Dim dim = DIM_ONE, vd;
	if (d->annot) {
		if (!const_eval(d->annot, &unit, &dim) || !dim_valid(dim)) {
			error_at(d->annot->loc, "the unit of global '%s' must be a constant unit expression",
				 d->name);
			return;
		}
	}
	if (d->init) {
		if (!const_eval(d->init, &value, &vd)) {
			error_at(d->init->loc, "the initial value of global '%s' must be a constant", d->name);
			return;
		}
		if (!dim_valid(vd)) {
			bad_dim(d->init->loc, "the initial value");
			return;
		}
		if (d->annot && !dim_eq(vd, dim)) {
			error_at(d->init->loc, "global '%s' is declared in %s but its initial value is %s",
				 d->name, dim_str(dim), snn_dim_is_one(vd) ? "a dimensionless number" : dim_str(vd));
			return;
		}
		if (!d->annot)
			dim = vd;
		if (!isfinite(value)) {
			error_at(d->init->loc, "the initial value of global '%s' must be finite, got %s",
				 d->name, num_str(value));
			return;
		}
	}
	v->dim = dim;
	v->dim_known = true;
	v->index = n->globals->n;
	vec_push(n->globals, v);
	map_put(n->global_map, v->name, v);
	v->init_value = value;
}

/* ------------------------------------------------- the network's on tick */

static void net_expr(NetCtx *c, Expr *e);

static const char *const net_reduce_names[] = {
	[NR_SUM] = "sum", [NR_MEAN] = "mean", [NR_MAX] = "max", [NR_ANY] = "any", [NR_COUNT] = "count",
};

/* The value a NetRead gives, as a name the rest of the pipeline knows: a
 * VK_GLOBAL var whose dimension is the reduced variable's (through a
 * declaration whose initial value reads it) or dimensionless. */
static void net_read_expr(NetCtx *c, Expr *e, NetReadOp op, Group *g, Var *x, const char *text)
{
	NetRead *r = arena_alloc(sizeof *r);
	r->op = op;
	r->group = *g;
	r->x = x;
	r->loc = e->loc;
	r->index = c->net->net_reads->n;
	vec_push(c->net->net_reads, r);
	Var *v = new_var(NULL, text, VK_GLOBAL, e->loc);
	v->nread = r;
	if (x && op != NR_ANY && op != NR_COUNT) {
		Decl *d = arena_alloc(sizeof *d);
		d->loc = e->loc;
		d->name = text;
		d->init = arena_alloc(sizeof *d->init);
		*d->init = (Expr){ .kind = EX_MEMBER, .loc = e->loc, .name = x->name, .var = x };
		v->decl = d;
	} else {
		v->dim = DIM_ONE;
		v->dim_known = true;
	}
	*e = (Expr){ .kind = EX_NAME, .loc = e->loc, .name = text, .var = v };
}

/* The group of `P.x` or `P[a:b].x` (P a population or a slice; [a:b]
 * relative to it), or NULL after an error. */
static Group *member_group(NetCtx *c, Expr *base)
{
	Expr *range = base->kind == EX_SLICE ? base : NULL;
	if (range)
		base = range->a;
	if (base->kind != EX_NAME) {
		error_at(base->loc, "expected a population or a slice");
		return NULL;
	}
	Group *g = find_group(c->net, base->name);
	if (!g) {
		error_at(base->loc, "unknown population '%s'", base->name);
		return NULL;
	}
	if (!range)
		return g;
	int64_t lo, hi, n = g->hi < 0 ? g->pop->n : g->hi - g->lo;
	if (!eval_int(range->b, "a slice bound", 0, INT64_MAX / 2, &lo) ||
	    !eval_int(range->c, "a slice bound", 0, INT64_MAX / 2, &hi))
		return NULL;
	if (g->pop->kind == POP_FROM_FILE) {
		error_at(range->loc, "slices of a from_file population are not supported yet");
		return NULL;
	}
	if (!(lo < hi && hi <= n)) {
		error_at(range->loc, "slice [%lld:%lld] out of range: need 0 <= a < b <= %lld",
			 (long long)lo, (long long)hi, (long long)n);
		return NULL;
	}
	Group *sub = arena_alloc(sizeof *sub);
	int64_t off = g->hi < 0 ? 0 : g->lo;
	*sub = (Group){ .name = arena_printf("%s[%lld:%lld]", g->name, (long long)lo, (long long)hi),
			.pop = g->pop, .lo = off + lo, .hi = off + hi, .loc = range->loc };
	return sub;
}

/* sum(P.x), mean(P.x), max(P.x), any(P.spiked), count(P.spiked): P a
 * population or a slice; x a state or an input of its neurons, or spiked. */
static void net_reduce(NetCtx *c, Expr *e, NetReadOp op)
{
	const char *fn = net_reduce_names[op];
	Expr *a = e->args && e->args->n == 1 ? e->args->items[0] : NULL;
	Expr *base = a && a->kind == EX_MEMBER ? a->a : NULL;
	Expr *range = base && base->kind == EX_SLICE ? base : NULL;
	if (range)
		base = range->a;
	if (!base || base->kind != EX_NAME) {
		error_at(e->loc, "%s() in the network's on tick takes one POP.VAR (e.g. %s(P.%s))", fn, fn,
			 op == NR_ANY || op == NR_COUNT ? "spiked" : "v");
		return;
	}
	Group *g = member_group(c, a->a);
	if (!g)
		return;
	if (g->pop->kind == POP_FROM_FILE && g->hi >= 0) {
		error_at(a->loc, "slices of a from_file population are not supported yet");
		return;
	}
	Var *x = NULL;
	if (strcmp(a->name, "spiked")) {
		x = g->pop->model ? model_var(g->pop->model, a->name) : NULL;
		if (!x) {
			error_at(a->loc, "population '%s' has no variable '%s'", g->name, a->name);
			return;
		}
		if (x->kind != VK_STATE && x->kind != VK_INPUT) {
			error_at(a->loc, "%s() of '%s.%s': only states, inputs and spiked can be reduced "
				 "(not supported yet for other kinds)", fn, g->name, a->name);
			return;
		}
	}
	if ((op == NR_ANY || op == NR_COUNT) && x) {
		error_at(a->loc, "%s() counts spikes: write %s(%s.spiked)", fn, fn, g->name);
		return;
	}
	net_read_expr(c, e, op, g, x, arena_printf("%s(%s.%s)", fn, g->name, a->name));
}

static void net_call(NetCtx *c, Expr *e)
{
	int n = e->args ? e->args->n : 0;
	static const struct { const char *name; NetReadOp op; } reds[] = {
		{ "sum", NR_SUM }, { "mean", NR_MEAN }, { "any", NR_ANY }, { "count", NR_COUNT },
	};
	for (size_t k = 0; k < sizeof reds / sizeof *reds; k++)
		if (!strcmp(e->name, reds[k].name)) {
			net_reduce(c, e, reds[k].op);
			return;
		}
	if (!strcmp(e->name, "max") && n == 1) {
		net_reduce(c, e, NR_MAX);
		return;
	}
	FnId f = fn_lookup(e->name);
	if (f == FN_NONE) {
		error_at(e->loc, "unknown function '%s'", e->name);
		return;
	}
	const FnInfo *fi = &fn_table[f];
	if (fi->elem != EL_PURE || f == FN_GRAD) {
		error_at(e->loc, "%s() is not allowed in the network's on tick", e->name);
		return;
	}
	if (n < fi->min_args || n > fi->max_args) {
		if (fi->min_args == fi->max_args)
			error_at(e->loc, "%s() takes %d argument%s, got %d", e->name, fi->min_args,
				 fi->min_args == 1 ? "" : "s", n);
		else
			error_at(e->loc, "%s() takes %d to %d arguments, got %d", e->name,
				 fi->min_args, fi->max_args, n);
		return;
	}
	e->builtin = f;
	VEC_EACH(Expr *, a, e->args) {
		if (a->kind == EX_ARG) {
			error_at(a->loc, "%s() takes no named arguments", e->name);
			continue;
		}
		net_expr(c, a);
	}
}

/* Names in the network's on tick: globals, t, dt, units. */
static void net_name(NetCtx *c, Expr *e)
{
	Var *g = map_get(c->net->global_map, e->name);
	if (g) {
		e->var = g;
		return;
	}
	Builtin b = builtin_lookup(e->name);
	if (b == BI_T || b == BI_DT) {
		Var *v = new_var(NULL, e->name, VK_BUILTIN, e->loc);
		v->builtin = b;
		v->dim = DIM_TIME;
		v->dim_known = true;
		e->var = v;
		e->builtin = b;
		return;
	}
	e->var = unit_var(e->name, e->loc);
	if (!e->var)
		error_at(e->loc, "unknown name '%s' (the network's on tick reads globals, t, dt, "
			 "reductions such as sum(P.v), and a from_file population's index)", e->name);
}

static void net_expr(NetCtx *c, Expr *e)
{
	if (!e)
		return;
	switch (e->kind) {
	case EX_NUM:
		return;
	case EX_QTY:
		if (!snn_unit_find(e->name))
			error_at(e->loc, "unknown unit '%s'", e->name);
		return;
	case EX_NAME:
		net_name(c, e);
		return;
	case EX_MEMBER: {
		Group *g = e->a->kind == EX_NAME ? find_group(c->net, e->a->name) : NULL;
		if (g && g->pop->kind == POP_FROM_FILE && !strcmp(e->name, "index")) {
			net_read_expr(c, e, NR_INDEX, g, NULL, arena_printf("%s.index", g->name));
			return;
		}
		error_at(e->loc, "the network's on tick reads a population through a reduction "
			 "(sum, mean, max, any, count) or a from_file population's index");
		return;
	}
	case EX_UNARY:
		net_expr(c, e->a);
		return;
	case EX_BINARY:
		net_expr(c, e->a);
		net_expr(c, e->b);
		return;
	case EX_COND:
		net_expr(c, e->a);
		net_expr(c, e->b);
		net_expr(c, e->c);
		return;
	case EX_CALL:
		net_call(c, e);
		return;
	default:
		error_at(e->loc, "this kind of expression is not allowed in the network's on tick");
		return;
	}
}

static void net_stmts(NetCtx *c, Vec *body)
{
	VEC_EACH(Stmt *, st, body) {
		if (st->kind == ST_IF) {
			net_expr(c, st->value);
			net_stmts(c, st->then_);
			net_stmts(c, st->else_);
			continue;
		}
		Expr *t = st->target;
		Var *g = t->kind == EX_NAME ? map_get(c->net->global_map, t->name) : NULL;
		if (!g)
			error_at(t->loc, "the network's on tick can only assign globals");
		else
			t->var = g;
		net_expr(c, st->value);
	}
}

static void net_on_item(NetCtx *c, NetItem *it)
{
	if (strcmp(it->event, "tick")) {
		error_at(it->loc, "a network has only 'on tick' (not 'on %s')", it->event);
		return;
	}
	net_stmts(c, it->body);
	VEC_EACH(Stmt *, st, it->body)
		vec_push(c->net->on_tick, st);
}

static void network_item(NetCtx *c, NetItem *it)
{
	switch (it->kind) {
	case NI_SETTING: setting(c, it); break;
	case NI_GLOBAL:
		VEC_EACH(Decl *, d, it->decls)
			global_decl(c, d);
		break;
	case NI_POP: pop_item(c, it); break;
	case NI_LET: let_item(c, it); break;
	case NI_CONNECT: connect_item(c, it); break;
	case NI_ON: net_on_item(c, it); break;
	case NI_RECORD: record_item(c, it); break;
	case NI_RUN:
		if (c->net->has_run)
			error_at(it->loc, "a network has one 'run'");
		c->net->has_run = true;
		if (eval_dim(it->value, DIM_TIME, "run", &c->net->duration)) {
			if (c->net->duration < 0)
				error_at(it->value->loc, "run must not be negative, got %g s",
					 c->net->duration);
			else
				check_steps(it->value->loc, "run", c->net->duration, c->net->dt);
		}
		break;
	}
}

static Network *resolve_network(Unit *u, TopDecl *td)
{
	Network *n = arena_alloc(sizeof *n);
	n->name = td->name;
	n->loc = td->loc;
	n->dt = 1e-4;
	n->method = "euler";
	n->seed = 1;
	n->batch = 1;
	n->pops = vec_new();
	n->groups = vec_new();
	n->conns = vec_new();
	n->records = vec_new();
	n->group_map = map_new();
	n->conn_map = map_new();
	n->globals = vec_new();
	n->global_map = map_new();
	n->on_tick = vec_new();
	n->net_reads = vec_new();
	n->source = u->path;
	NetCtx c = { .u = u, .net = n, .records = map_new(), .declared = map_new() };
	VEC_EACH(NetItem *, it, td->members)
		if ((it->kind == NI_POP || it->kind == NI_LET || it->kind == NI_CONNECT) && it->name)
			map_put(c.declared, it->name, it);
	/* The items may come in any order (§4): settings first (dt is needed
	 * by everything else), then what names refer to: populations, slices,
	 * connections; then the rest (records, run). */
	static const NetItemKind order[] = { NI_SETTING, NI_POP, NI_LET, NI_GLOBAL, NI_CONNECT };
	Map *settings = map_new();
	for (size_t k = 0; k <= sizeof order / sizeof order[0]; k++)
		VEC_EACH(NetItem *, it, td->members) {
			bool mine = k < sizeof order / sizeof order[0] ? it->kind == order[k] :
				it->kind != NI_SETTING && it->kind != NI_POP && it->kind != NI_LET &&
				it->kind != NI_GLOBAL && it->kind != NI_CONNECT;
			if (!mine)
				continue;
			if (it->kind == NI_SETTING && given_twice(settings, it->name, it->name_loc))
				continue;
			network_item(&c, it);
		}
	if (!n->has_run)
		error_at(n->loc, "network '%s' has no 'run' (e.g. run 1 s)", n->name);
	VEC_EACH(Record *, r, n->records)
		if (r->every > 0) {
			double k = floor(r->every / n->dt + 0.5);
			if (k < 1 || fabs(k * n->dt - r->every) > 1e-9 * r->every)
				error_at(r->every_loc, "every must be a whole multiple of dt "
					 "(%g ms is not a multiple of %g ms)", r->every * 1e3, n->dt * 1e3);
		}
	return n;
}

Unit *resolve(Program *p, const char *path)
{
	Unit *u = arena_alloc(sizeof *u);
	u->prog = p;
	u->models = vec_new();
	u->model_map = map_new();
	u->path = path;
	TopDecl *net = NULL;
	VEC_EACH(TopDecl *, td, p->decls) {
		if (td->kind == TD_IMPORT)
			continue;
		if (td->kind == TD_NETWORK) {
			if (net) {
				error_at(td->name_loc, "a file has at most one network ('%s' is the second)", td->name);
				note_at(net->name_loc, "the first is '%s'", net->name);
			}
			net = net ? net : td;
			continue;
		}
		Model *old = find_model(u, td->name);
		if (old) {
			error_at(td->name_loc, "model '%s' is already defined", td->name);
			note_at(old->decl->name_loc, "previous definition is here");
			continue;
		}
		Model *m = resolve_model(td, NULL, NULL, true);
		vec_push(u->models, m);
		map_put(u->model_map, m->name, m);
	}
	if (net)
		u->net = resolve_network(u, net);
	return u;
}

bool has_random(const Expr *e)
{
	if (!e)
		return false;
	if (e->kind == EX_CALL && (e->builtin == FN_RAND || e->builtin == FN_RANDN ||
				   !strcmp(e->name, "rand") || !strcmp(e->name, "randn")))
		return true;
	if (has_random(e->a) || has_random(e->b) || has_random(e->c))
		return true;
	VEC_EACH(Expr *, x, e->args)
		if (has_random(x))
			return true;
	return false;
}
