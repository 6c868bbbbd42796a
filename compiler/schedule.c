/*
 * schedule.c — the kernels of one step, in the order they run (part of the
 * lowering; LANGUAGE.md §4, DESIGN.md "The schedule").
 *
 * Each Kernel says its phase, what it loops over (its domain), its owner
 * and its body; the decisions that shape the step are made here, not by the
 * printers: whether the threshold runs fused into the integration sweep,
 * which kernels exist at all (a population without ODEs has no integrate
 * kernel, one whose inputs nobody writes has no buffer swap).  emit.c
 * prints model_step and the kernel functions by walking this one list, so
 * the step order exists once.
 */
#include "snnc.h"

const char *const kernel_kind_names[] = {
	[KN_REBASE] = "rebase", [KN_INTEGRATE_TRACE] = "integrate traces", [KN_INTEGRATE] = "integrate", [KN_TICK] = "tick",
	[KN_THRESHOLD] = "threshold", [KN_GENERATE] = "generate", [KN_DELIVER] = "deliver", [KN_ON_POST] = "on post",
	[KN_RESET] = "reset", [KN_RECORD] = "record", [KN_INPUTS] = "inputs",
	[KN_NET_TICK] = "network tick", [KN_SYN_TICK] = "synapse tick",
};

static Schedule *S;

static Kernel *add(KernelKind k, int phase, Domain dom, Pop *p, Conn *c, const char *suffix)
{
	Kernel *kn = arena_alloc(sizeof *kn);
	kn->kind = k;
	kn->phase = phase;
	kn->domain = dom;
	kn->pop = p;
	kn->conn = c;
	kn->owner = c ? OWN_CONN : OWN_POP;
	if (suffix)
		kn->fn = c ? c_name(CN_KERNEL_CONN, c->name, suffix) : c_name(CN_KERNEL_POP, p->name, suffix);
	kn->refractory = p && p->model && p->model->refractory;
	vec_push(S->kernels, kn);
	return kn;
}

/* Integrate and threshold in one sweep: possible when nothing runs between
 * them for this population (no on tick); nothing else can observe the
 * difference, since no other population reads this one's state in between. */
static bool fusable(const Model *m)
{
	return m->spike && m->odes->n && !m->on_tick->n;
}

/* A synapse's on tick runs between the integration and the threshold of
 * its pre and post populations (§4 phase 2): it reads their states and
 * last step's `spiked`, and may add to the post neuron, so neither may
 * fuse its threshold into the integration sweep. */
static bool ticked_by_synapse(const Network *net, const Pop *p)
{
	VEC_EACH(Conn *, c, net->conns)
		if (c->syn->on_tick->n && (c->pre.pop == p || c->post.pop == p))
			return true;
	return false;
}

static bool has_connected_input(const Layout *L, const Pop *p)
{
	VEC_EACH(Var *, v, p->model->vars)
		if (v->kind == VK_INPUT && pop_slot(L, p, v)->connected)
			return true;
	return false;
}

Schedule *build_schedule(Unit *u)
{
	Network *net = u->net;
	S = arena_alloc(sizeof *S);
	S->kernels = vec_new();
	VEC_EACH(Pop *, p, net->pops)
		if (p->model && p->model->refractory)
			add(KN_REBASE, 0, DOM_NONE, p, NULL, NULL);
	/* traces first: an ODE of a trace that reads pre.X or post.X sees the
	 * neuron's value at the start of the step, as every stage must */
	VEC_EACH(Conn *, c, net->conns) {
		/* per-synapse states first: they may read the traces' start-of-step values */
		if (c->syn->low_syn)
			add(KN_INTEGRATE_TRACE, 1, DOM_SYNS, NULL, c, "integrate")->side = SIDE_OWN;
		if (c->syn->low_pre)
			add(KN_INTEGRATE_TRACE, 1, DOM_NEURONS, c->pre.pop, c, "integrate_pre")->side = SIDE_PRE;
		if (c->syn->low_post)
			add(KN_INTEGRATE_TRACE, 1, DOM_NEURONS, c->post.pop, c, "integrate_post")->side = SIDE_POST;
	}
	VEC_EACH(Pop *, p, net->pops)
		if (p->model && p->model->odes->n)
			add(KN_INTEGRATE, 1, DOM_ELEMS, p, NULL, "integrate")->fused = fusable(p->model) &&
				!ticked_by_synapse(net, p);
	VEC_EACH(Pop *, p, net->pops)
		if (p->model && p->model->on_tick->n)
			add(KN_TICK, 2, DOM_ELEMS, p, NULL, "tick")->body = p->model->on_tick;
	/* synapses' on tick after every neuron's (§4 phase 2) */
	VEC_EACH(Conn *, c, net->conns)
		if (c->syn->on_tick->n)
			add(KN_SYN_TICK, 2, DOM_SYNS, NULL, c, "tick")->body = c->syn->on_tick;
	VEC_EACH(Pop *, p, net->pops) {
		if (!p->model)
			add(KN_GENERATE, 3, DOM_NONE, p, NULL, NULL);
		else if (p->model->spike && (!fusable(p->model) || ticked_by_synapse(net, p)))
			add(KN_THRESHOLD, 3, DOM_ELEMS, p, NULL, "threshold");
	}
	VEC_EACH(Conn *, c, net->conns)
		if (c->syn->on_pre->n)
			add(KN_DELIVER, 4, c->hetero_delay ? DOM_DUE_SYNS : DOM_DUE_ROWS, c->post.pop, c,
			    "deliver")->body = c->syn->on_pre;
	/* on post after every delivery of the step (§4 phase 4) */
	VEC_EACH(Conn *, c, net->conns)
		if (c->syn->on_post->n)
			add(KN_ON_POST, 4, DOM_POST_SPIKES, c->post.pop, c, "on_post")->body = c->syn->on_post;
	/* the network's on tick: after the synaptic events, before the resets
	 * (between phases 4 and 5), so its reductions see this step's spikes */
	if (net->on_tick->n) {
		Kernel *k = add(KN_NET_TICK, 4, DOM_NONE, NULL, NULL, NULL);
		k->owner = OWN_NET;
		k->fn = "network_tick";
		k->body = net->on_tick;
	}
	VEC_EACH(Pop *, p, net->pops)
		if (p->model && p->model->spike)
			add(KN_RESET, 5, DOM_SPIKES, p, NULL, "reset")->body = p->model->reset;
	add(KN_RECORD, 6, DOM_NONE, NULL, NULL, NULL)->owner = OWN_NET;
	VEC_EACH(Pop *, p, net->pops)
		if (p->model && has_connected_input(u->layout, p))
			add(KN_INPUTS, 6, DOM_ELEMS, p, NULL, "inputs");
	return S;
}

void schedule_dump(FILE *f, const Schedule *s)
{
	static const char *dom[] = {
		[DOM_NONE] = "-", [DOM_ELEMS] = "elements", [DOM_SPIKES] = "spike list",
		[DOM_DUE_ROWS] = "due spikes (CSR rows)", [DOM_DUE_SYNS] = "due synapses",
		[DOM_NEURONS] = "neurons", [DOM_SYNS] = "synapses", [DOM_POST_SPIKES] = "post spikes (post-major lists)",
	};
	fprintf(f, "# schedule: the kernels of one step, in order\n");
	fprintf(f, "# phase\tkernel\towner\tdomain\tfunction\n");
	VEC_EACH(Kernel *, k, s->kernels) {
		const char *owner = k->conn ? arena_printf("conn %s", k->conn->name)
				  : k->pop ? arena_printf("pop %s", k->pop->name) : "network";
		const char *fn = k->fn ? k->fn : k->kind == KN_REBASE ? "snn_ref_rebase"
			       : k->kind == KN_GENERATE ? "snn_gen_step" : "snn_record";
		const char *kind = k->kind == KN_INTEGRATE_TRACE && k->side == SIDE_OWN
				   ? "integrate synapses" : kernel_kind_names[k->kind];
		fprintf(f, "%d\t%s%s\t%s\t%s\t%s\n", k->phase, kind,
			k->fused ? "+threshold" : "", owner, dom[k->domain], fn);
	}
}
