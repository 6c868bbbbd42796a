/*
 * test_layout.c — the layout and the schedule (layout.c, schedule.c).
 *
 * Naming: the rules of c_name() are checked as sets of strings (prefixes
 * prefix-free, suffixes suffix-free within a namespace; no fixed name, C
 * keyword or library name in the image of a rule), and then directly on
 * hostile names: every (rule, name) pair over a pool of names made of
 * generated prefixes, runtime symbols, C keywords and `_`-heavy names gives
 * a distinct identifier.  Then the layout and schedule of small networks
 * are checked against what the model says: which slots exist, which are
 * held, connected, saved; the kernels of a step in order.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "snnc.h"

static bool starts(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

static bool ends(const char *s, const char *x)
{
	size_t n = strlen(s), m = strlen(x);
	return n >= m && !strcmp(s + n - m, x);
}

/* The fixed tails of a rule: its suffix, or "_" + each kernel suffix
 * (with a number after "let"). */
static int tails(CName k, const char *out[], int max)
{
	const CNameRule *r = &c_name_rules[k];
	int n = 0;
	if (k == CN_KERNEL_POP || k == CN_KERNEL_CONN) {
		for (int j = 0; c_kernel_suffixes[j] && n < max - 2; j++) {
			if (!strcmp(c_kernel_suffixes[j], "let")) {
				out[n++] = "_let0";
				out[n++] = "_let17";
			} else {
				out[n++] = arena_printf("_%s", c_kernel_suffixes[j]);
			}
		}
	} else {
		out[n++] = r->suffix ? r->suffix : "";
	}
	return n;
}

/* Could `id` be c_name(k, some non-empty name, ...)? */
static bool in_image(CName k, const char *id)
{
	const char *t[32];
	int n = tails(k, t, 32);
	const char *p = c_name_rules[k].prefix;
	for (int j = 0; j < n; j++)
		if (starts(id, p) && ends(id, t[j]) && strlen(id) > strlen(p) + strlen(t[j]))
			return true;
	return false;
}

START_TEST(test_rules_disjoint)
{
	for (int a = 0; a < CN_COUNT; a++)
		for (int b = 0; b < CN_COUNT; b++) {
			const CNameRule *ra = &c_name_rules[a], *rb = &c_name_rules[b];
			ck_assert_msg(ra->prefix && *ra->prefix, "rule %d has no prefix", a);
			if (a == b || ra->ns != rb->ns)
				continue;
			bool pa = starts(ra->prefix, rb->prefix) || starts(rb->prefix, ra->prefix);
			if (!pa)
				continue;
			/* same prefix family: every pair of tails must be suffix-incomparable */
			const char *ta[32], *tb[32];
			int na = tails((CName)a, ta, 32), nb = tails((CName)b, tb, 32);
			for (int i = 0; i < na; i++)
				for (int j = 0; j < nb; j++)
					ck_assert_msg(!ends(ta[i], tb[j]) && !ends(tb[j], ta[i]),
						      "rules %d (%s..%s) and %d (%s..%s) can produce one name",
						      a, ra->prefix, ta[i], b, rb->prefix, tb[j]);
		}
}
END_TEST

START_TEST(test_kernel_suffixes_disjoint)
{
	const char *t[32];
	int n = tails(CN_KERNEL_POP, t, 32);
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			if (i != j && strcmp(t[i], "_let0") && strcmp(t[j], "_let0"))
				ck_assert_msg(!ends(t[i], t[j]), "kernel suffix %s ends with %s", t[i], t[j]);
	ck_assert(!ends("_let17", "_lets") && !ends("_lets", "_let17"));
}
END_TEST

static const char *const c_words[] = {
	/* C11 keywords */
	"auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
	"enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
	"restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
	"union", "unsigned", "void", "volatile", "while", "_Alignas", "_Alignof", "_Atomic", "_Bool",
	"_Complex", "_Generic", "_Imaginary", "_Noreturn", "_Static_assert", "_Thread_local",
	/* what the generated file includes */
	"exp", "expf", "sqrt", "fmin", "fmaxf", "floor", "pow", "INFINITY", "NAN", "M_PI", "HUGE_VAL",
	"isnan", "math_errhandling", "FP_NAN", "int32_t", "uint8_t", "int64_t", "uint64_t",
	"INT32_MIN", "INT32_MAX", "size_t", "ptrdiff_t", "offsetof", "NULL", "snprintf", "printf",
	"FILE", "stdin", "memset", "memcpy", "strlen", "pthread_t",
	/* the runtime */
	"snn_sim", "snn_alloc_array", "snn_rand", "SNN_STEP_INIT", "snn_compact",
	NULL,
};

START_TEST(test_fixed_names_outside)
{
	for (int k = 0; k < CN_COUNT; k++) {
		for (int j = 0; c_fixed_names[j]; j++)
			ck_assert_msg(!in_image((CName)k, c_fixed_names[j]),
				      "the compiler's name '%s' is also a user name under rule %d (%s)",
				      c_fixed_names[j], k, c_name_rules[k].prefix);
		for (int j = 0; c_words[j]; j++)
			ck_assert_msg(!in_image((CName)k, c_words[j]),
				      "'%s' is in the image of rule %d (%s)", c_words[j], k, c_name_rules[k].prefix);
	}
	/* what the printers spell by hand for refractoriness and exact */
	static const char *more[] = { "refu_pre", "refstep_post", "Phi_2_1", "Psi_0_3", NULL };
	for (int k = 0; k < CN_COUNT; k++)
		for (int j = 0; more[j]; j++)
			ck_assert(!in_image((CName)k, more[j]));
}
END_TEST

/* Hostile user names: generated prefixes, runtime symbols, keywords, libm,
 * `_`-heavy ones, and random identifiers. */
static const char *const hostile[] = {
	"v", "x", "x_v", "xn_v", "p_v", "n_ge", "ge", "n", "s_v", "k1_v", "y2_v", "ref_until",
	"refu", "refstep", "refr", "fire", "tmp_I", "I", "pre", "post", "pre_v", "post_n_ge",
	"prep_x", "postp_x", "l_x", "ls_x", "ln_x", "lpre_x", "pop_P", "P_t", "P", "t_last",
	"snn_sim", "SNN_STEP_INIT", "int", "double", "restrict", "main", "static", "exp", "fmin",
	"INFINITY", "NAN", "_", "__x", "a__b", "x_", "_x_", "A_integrate", "A_let_x",
	"x_integrate", "A_let3", "let3", "Phi", "Phi_0_0", "model_t", "m", "pp", "real", NULL,
};

static int cmp_id(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

START_TEST(test_hostile_names_distinct)
{
	int nh = 0;
	while (hostile[nh])
		nh++;
	/* random identifiers as well, seeded */
	unsigned seed = 12345;
	const char *pool[400];
	int np = 0;
	for (int j = 0; j < nh; j++)
		pool[np++] = hostile[j];
	static const char chars[] = "ab_x1nps";
	while (np < 300) {
		char buf[8];
		int len = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 6;
		for (int c = 0; c < len; c++)
			buf[c] = chars[((seed = seed * 1103515245u + 12345u) >> 16) % 8];
		buf[len] = 0;
		if (buf[0] >= '0' && buf[0] <= '9')
			continue;
		pool[np++] = arena_strdup(buf);
	}
	for (int ns = NS_LOCAL; ns <= NS_MODEL_FIELD; ns++) {
		Vec *ids = vec_new();
		for (int k = 0; k < CN_COUNT; k++) {
			if ((int)c_name_rules[k].ns != ns)
				continue;
			bool kernel = k == CN_KERNEL_POP || k == CN_KERNEL_CONN;
			int nsuffix = 0;
			while (c_kernel_suffixes[nsuffix])
				nsuffix++;
			/* every kernel suffix, then a let with a two-digit number */
			for (int s = 0; s < (kernel ? nsuffix + 1 : 1); s++) {
				const char *suffix = NULL;
				if (kernel)
					suffix = !c_kernel_suffixes[s] ? "let12" :
						 !strcmp(c_kernel_suffixes[s], "let") ? "let3" : c_kernel_suffixes[s];
				for (int j = 0; j < np; j++) {
					bool dup = false;       /* a name twice in the pool is one name */
					for (int q = 0; q < j && !dup; q++)
						dup = !strcmp(pool[q], pool[j]);
					if (!dup)
						vec_push(ids, arena_printf("%s\t%d %s %s", c_name((CName)k, pool[j], suffix),
									   k, pool[j], suffix ? suffix : "-"));
				}
			}
		}
		for (int f = 0; c_fixed_names[f]; f++)
			vec_push(ids, arena_printf("%s\tfixed", c_fixed_names[f]));
		qsort(ids->items, (size_t)ids->n, sizeof(void *), cmp_id);
		for (int j = 1; j < ids->n; j++) {
			const char *a = ids->items[j - 1], *b = ids->items[j];
			size_t la = strcspn(a, "\t"), lb = strcspn(b, "\t");
			ck_assert_msg(la != lb || strncmp(a, b, la), "one identifier from two names: %s / %s", a, b);
		}
	}
}
END_TEST

/* ------------------------------------------------ layout and schedule */

/* no_lazy: as under --no-lazy-traces (every trace clock-driven) */
static Unit *build_with(const char *src, bool no_lazy)
{
	FILE *f = tmpfile();
	diag_set_stream(f);
	int before = error_count();
	Unit *u = NULL;
	Program *p = parse_string("t.snn", src);
	if (p && error_count() == before)
		u = resolve(p, "t.snn");
	if (u && error_count() == before && check_dims(u)) {
		u->no_lazy = no_lazy;
		lower(u);
	}
	diag_set_stream(NULL);
	fclose(f);
	ck_assert_msg(u && error_count() == before, "the model does not compile");
	return u;
}

static Unit *build(const char *src)
{
	return build_with(src, false);
}

static const char *net =
	"neuron N {\n"
	"  param tau = 10 ms\n"
	"  state v = 0, ref_until = 0, w = 1\n"
	"  input I, J, K = 2\n"
	"  let L = v + w\n"
	"  tau dv/dt = -v + I + J\n"
	"  spike when v > 1\n"
	"  reset { v = 0 }\n"
	"  refractory 2 ms\n"
	"}\n"
	"neuron Q {\n"
	"  state u = 0\n"
	"  on tick { u = u + 1 }\n"
	"}\n"
	"synapse S {\n"
	"  param g = 1\n"
	"  state x = 0.5\n"
	"  on pre { post.I += g * x }\n"
	"}\n"
	"network Net {\n"
	"  pop G = poisson(3, rate = 10 Hz)\n"
	"  pop P = N(4)\n"
	"  pop U = Q(2)\n"
	"  connect G -> P : S(p = 0.5) as c1\n"
	"  connect G -> P : S(all_to_all, delay = rand() * 1 ms)\n"
	"  record P.L\n"
	"  run 1 ms\n"
	"}\n";

static Slot *find(Unit *u, const char *owner, const char *name)
{
	VEC_EACH(Slot *, s, u->layout->slots) {
		const char *o = s->pop ? s->pop->name : s->conn->name;
		if (!strcmp(o, owner) && !strcmp(s->name, name))
			return s;
	}
	ck_abort_msg("no slot %s.%s", owner, name);
	return NULL;
}

START_TEST(test_layout_slots)
{
	Unit *u = build(net);
	Slot *v = find(u, "P", "v"), *ru = find(u, "P", "ref_until"), *ref = NULL;
	VEC_EACH(Slot *, s, u->layout->slots)
		if (s->kind == SL_REF_UNTIL)
			ref = s;
	ck_assert(v->held && v->array && v->count == CNT_ELEMS && v->ckpt == CK_SAVE);
	ck_assert(!find(u, "P", "w")->held);
	/* a user's state named like the refractory array stays apart from it */
	ck_assert_ptr_nonnull(ref);
	ck_assert_str_ne(ru->field, ref->field);
	for (int side = 0; side < 3; side++)
		ck_assert_str_ne(ru->local[side], ref->local[side]);
	ck_assert(find(u, "P", "I")->connected);
	ck_assert(!find(u, "P", "J")->connected);          /* nothing writes J */
	ck_assert(!find(u, "P", "K")->connected);
	ck_assert_int_eq(find(u, "P", "L")->kind, SL_LET);
	ck_assert_ptr_nonnull(find(u, "P", "L")->eval);
	ck_assert_int_eq(find(u, "G", "rate")->ckpt, CK_SAVE);
	Slot *d1 = NULL, *d2 = NULL;
	VEC_EACH(Slot *, s, u->layout->slots)
		if (s->kind == SL_DELAY)
			*(d1 ? &d2 : &d1) = s;
	ck_assert(!d1->array && d2->array);                /* constant, then per synapse */
	ck_assert_int_eq(d1->ckpt, CK_REBUILT);
	/* rows of vars[]: consecutive, each once */
	int rows = 0;
	VEC_EACH(Slot *, s, u->layout->slots)
		if (s->row >= 0)
			ck_assert_int_eq(s->row, rows++);
	ck_assert_int_eq(rows, u->layout->nrows);
	/* within one owner, fields and locals are distinct */
	VEC_EACH(Slot *, a, u->layout->slots)
		VEC_EACH(Slot *, b, u->layout->slots) {
			if (a == b || a->owner != b->owner || a->owner_index != b->owner_index)
				continue;
			if (a->field && b->field)
				ck_assert_str_ne(a->field, b->field);
			for (int side = 0; side < 3; side++)
				if (a->local[side] && b->local[side])
					ck_assert_str_ne(a->local[side], b->local[side]);
		}
}
END_TEST

START_TEST(test_schedule_order)
{
	Unit *u = build(net);
	static const KernelKind want[] = {
		KN_REBASE, KN_INTEGRATE, KN_TICK, KN_GENERATE, KN_DELIVER, KN_DELIVER, KN_RESET,
		KN_RECORD, KN_INPUTS,
	};
	Vec *k = u->sched->kernels;
	ck_assert_int_eq(k->n, (int)(sizeof want / sizeof *want));
	int phase = 0;
	VEC_EACH(Kernel *, kn, k) {
		ck_assert_msg(kn->kind == want[kn_i], "kernel %d is %s", kn_i, kernel_kind_names[kn->kind]);
		ck_assert_int_ge(kn->phase, phase);        /* phases never go back */
		phase = kn->phase;
	}
	Kernel *integ = k->items[1];
	ck_assert(integ->fused);                         /* no on tick in N */
	ck_assert_int_eq(((Kernel *)k->items[4])->domain, DOM_DUE_ROWS);
	ck_assert_int_eq(((Kernel *)k->items[5])->domain, DOM_DUE_SYNS);
	ck_assert_str_eq(((Kernel *)k->items[8])->fn, "pop_P_inputs");
}
END_TEST

static const char *ticked =
	"neuron N {\n"
	"  input I\n"
	"  state v = 0\n"
	"  dv/dt = -v / (10 ms) + I / (1 ms)\n"
	"  spike when v > 1\n"
	"  reset { v = 0 }\n"
	"  on tick { v += 0 }\n"
	"}\n"
	"neuron M {\n"
	"  state v = 0\n"
	"  dv/dt = -v / (10 ms)\n"
	"  spike when v > 1\n"
	"}\n"
	"synapse Rate {\n"
	"  state w = 0.5\n"
	"  on tick { post.I += w * pre.v }\n"
	"}\n"
	"network Net {\n"
	"  pop A = M(3)\n"
	"  pop B = N(2)\n"
	"  pop C = M(2)\n"
	"  connect A -> B : Rate(all_to_all) as syn\n"
	"  run 1 ms\n"
	"}\n";

/* A synapse's on tick: one kernel over the synapses in phase 2, after the
 * neurons' on tick; its pre and post populations do not fuse their
 * threshold into the integration (phase 2 runs between), a bystander does. */
START_TEST(test_schedule_synapse_tick)
{
	Unit *u = build(ticked);
	static const KernelKind want[] = {
		KN_INTEGRATE, KN_INTEGRATE, KN_INTEGRATE, KN_TICK, KN_SYN_TICK, KN_THRESHOLD,
		KN_THRESHOLD, KN_RESET, KN_RESET, KN_RESET, KN_RECORD, KN_INPUTS,
	};
	Vec *k = u->sched->kernels;
	ck_assert_int_eq(k->n, (int)(sizeof want / sizeof *want));
	VEC_EACH(Kernel *, kn, k)
		ck_assert_msg(kn->kind == want[kn_i], "kernel %d is %s", kn_i, kernel_kind_names[kn->kind]);
	Kernel *tick = k->items[4];
	ck_assert_int_eq(tick->phase, 2);
	ck_assert_int_eq(tick->domain, DOM_SYNS);
	ck_assert_str_eq(tick->fn, "conn_syn_tick");
	ck_assert(!((Kernel *)k->items[0])->fused && !((Kernel *)k->items[1])->fused);
	ck_assert(((Kernel *)k->items[2])->fused);            /* C: no on tick touches it */
	ck_assert_str_eq(((Kernel *)k->items[2])->pop->name, "C");
}
END_TEST

static const char *plastic =
	"neuron N {\n"
	"  param tau = 10 ms\n"
	"  input I\n"
	"  state v = 0\n"
	"  tau dv/dt = -v + I\n"
	"  spike when v > 1\n"
	"  reset { v = 0 }\n"
	"}\n"
	"synapse STDP {\n"
	"  param tp = 20 ms\n"
	"  state w = 0.5\n"
	"  pre state apre = 0, count = 0\n"
	"  post state apost = 0\n"
	"  tp dapre/dt = -apre\n"
	"  tp dapost/dt = -apost\n"
	"  on pre { post.I += w; apre += 1; if apre > 2 { count += 1 }; w += apost }\n"
	"  on post { apost -= 1; w += apre }\n"
	"  method exact\n"
	"}\n"
	"network Net {\n"
	"  pop G = poisson(3, rate = 10 Hz)\n"
	"  pop P = N(4)\n"
	"  connect G -> P : STDP(p = 0.5) as syn\n"
	"  run 1 ms\n"
	"}\n";

/* Traces: per pre / post neuron, saved with their own count, one vars[] row
 * each; their integration (clock-driven) first in phase 1, on post after the
 * deliveries. */
START_TEST(test_layout_traces)
{
	Unit *u = build_with(plastic, true);
	Slot *apre = find(u, "syn", "apre"), *apost = find(u, "syn", "apost");
	ck_assert(apre->kind == SL_TRACE && apre->array && apre->count == CNT_PRE);
	ck_assert(apost->kind == SL_TRACE && apost->count == CNT_POST);
	ck_assert_str_eq(apre->buf_count, "SNN_BUF_PRE");
	ck_assert_str_eq(apost->buf_count, "SNN_BUF_POST");
	ck_assert(apre->ckpt == CK_SAVE && apre->row >= 0);
	ck_assert_int_eq(find(u, "syn", "w")->count, CNT_SYN);
	ck_assert_ptr_nonnull(find(u, "syn", "Phi_pre"));
	ck_assert_ptr_nonnull(find(u, "syn", "Phi_post"));
	static const KernelKind want[] = {
		KN_INTEGRATE_TRACE, KN_INTEGRATE_TRACE, KN_INTEGRATE, KN_GENERATE, KN_DELIVER,
		KN_ON_POST, KN_RESET, KN_RECORD, KN_INPUTS,
	};
	Vec *k = u->sched->kernels;
	ck_assert_int_eq(k->n, (int)(sizeof want / sizeof *want));
	VEC_EACH(Kernel *, kn, k)
		ck_assert_msg(kn->kind == want[kn_i], "kernel %d is %s", kn_i, kernel_kind_names[kn->kind]);
	Kernel *pre = k->items[0], *post = k->items[1], *onpost = k->items[5];
	ck_assert(pre->side == SIDE_PRE && pre->domain == DOM_NEURONS && !strcmp(pre->pop->name, "G"));
	ck_assert(post->side == SIDE_POST && !strcmp(post->pop->name, "P"));
	ck_assert_str_eq(pre->fn, "conn_syn_integrate_pre");
	ck_assert_str_eq(onpost->fn, "conn_syn_on_post");
	ck_assert_int_eq(onpost->domain, DOM_POST_SPIKES);
	/* the once-per-spike split of on pre: per synapse, pre state, an if
	 * assigning only pre state, per synapse */
	Vec *b = u->net->conns->items[0] ? ((Conn *)u->net->conns->items[0])->syn->on_pre : NULL;
	ck_assert_int_eq(b->n, 4);
	ck_assert(!stmt_per_neuron(b->items[0], VK_PRE_STATE));
	ck_assert(stmt_per_neuron(b->items[1], VK_PRE_STATE));
	ck_assert(stmt_per_neuron(b->items[2], VK_PRE_STATE));
	ck_assert(!stmt_per_neuron(b->items[3], VK_PRE_STATE));
	ck_assert(!stmt_per_neuron(b->items[1], VK_POST_STATE));
}
END_TEST

/* The same traces decayed lazily: each has a stamp per neuron of its side
 * (int64_t, saved with the trace's count) and a one-step factor (a saved
 * scalar), no propagator and no trace kernel; `count` has no ODE and needs
 * neither. */
START_TEST(test_layout_lazy)
{
	Unit *u = build(plastic);
	Conn *c = u->net->conns->items[0];
	Slot *apre = find(u, "syn", "apre"), *apost = find(u, "syn", "apost");
	ck_assert(lazy_trace(apre->var) && lazy_trace(apost->var));
	ck_assert(!lazy_trace(find(u, "syn", "count")->var));
	ck_assert_ptr_null(find(u, "syn", "count")->stamp);
	Slot *st = find(u, "syn", "apre.stamp"), *dk = find(u, "syn", "apre.decay");
	ck_assert_ptr_eq(apre->stamp, st);
	ck_assert_ptr_eq(apre->decay, dk);
	ck_assert(st->kind == SL_STAMP && st->array && st->count == CNT_PRE);
	ck_assert_str_eq(st->ctype, "int64_t");
	ck_assert(st->ckpt == CK_SAVE && !strcmp(st->buf_count, "SNN_BUF_PRE") && st->row < 0);
	ck_assert(dk->kind == SL_DECAY && !dk->array && dk->ckpt == CK_SAVE && dk->row < 0);
	ck_assert_str_eq(dk->ctype, "double[2 + SNN_DECAY_TABLE]");   /* factor, log, powers */
	ck_assert_int_eq(find(u, "syn", "apost.stamp")->count, CNT_POST);
	ck_assert_str_eq(find(u, "syn", "apost.stamp")->buf_count, "SNN_BUF_POST");
	ck_assert_ptr_null(conn_internal(u->layout, c, SL_PROP_PRE));
	ck_assert_ptr_null(conn_internal(u->layout, c, SL_PROP_POST));
	ck_assert_ptr_null(c->syn->low_pre);
	ck_assert_ptr_null(c->syn->low_post);
	VEC_EACH(Kernel *, kn, u->sched->kernels)
		ck_assert_msg(kn->kind != KN_INTEGRATE_TRACE, "kernel %d integrates traces", kn_i);
}
END_TEST

/* One trace of a synapse, its ODE and what else touches it: lazy or not. */
static bool lazy_in(const char *ode, const char *more, const char *method)
{
	const char *src = arena_printf(
		"neuron N {\n  input I\n  state v = 0\n  dv/dt = -v / ms\n  spike when v > 1\n}\n"
		"synapse S {\n  param tp = 20 ms, k = 2\n  state w = 0.5\n"
		"  pre state x = 0, y = 1\n  %s\n"
		"  on pre { post.I += w; x += 1; w += x }\n  %s\n  method %s\n}\n"
		"network Net {\n  pop G = poisson(3, rate = 10 Hz)\n  pop P = N(4)\n"
		"  connect G -> P : S(p = 0.5) as syn\n  run 1 ms\n}\n", ode, more, method);
	Unit *u = build(src);
	Conn *c = u->net->conns->items[0];
	return lazy_trace(model_var(c->syn, "x"));
}

/* The predicate (lower.c): a linear homogeneous ODE with a rate constant
 * over the run, read only in on pre / on post, under every scheme; not
 * when another ODE reads it, nor for an inhomogeneous, nonlinear, coupled
 * or time-dependent ODE, nor under --no-lazy-traces. */
START_TEST(test_lazy_predicate)
{
	static const char *const schemes[] = { "euler", "rk2", "rk4", "exponential_euler", "exact" };
	for (int k = 0; k < 5; k++) {
		ck_assert_msg(lazy_in("tp dx/dt = -x", "", schemes[k]), "%s", schemes[k]);
		ck_assert_msg(lazy_in("let r = k / tp\n  dx/dt = -r * x", "", schemes[k]), "%s", schemes[k]);
	}
	ck_assert(lazy_in("tp dx/dt = -x", "on post { w -= x }", "euler"));   /* read in on post */
	ck_assert(lazy_in("tp dx/dt = -x\n  tp dy/dt = -y", "", "exact"));   /* y: its own ODE */
	ck_assert(!lazy_in("tp dx/dt = 1 - x", "", "exact"));                 /* inhomogeneous */
	ck_assert(!lazy_in("tp dx/dt = -x * x", "", "euler"));                /* nonlinear */
	ck_assert(!lazy_in("tp dx/dt = -x + y", "", "exact"));                /* coupled */
	ck_assert(!lazy_in("tp dx/dt = -x * (1 + t / second)", "", "euler")); /* time-dependent */
	ck_assert(!lazy_in("tp dx/dt = -x * pre.t_last / second", "", "euler"));  /* per neuron */
	ck_assert(!lazy_in("tp dx/dt = -x * (1 + rand())", "", "euler"));     /* a draw */
	ck_assert(!lazy_in("tp dx/dt = -x\n  tp dy/dt = x - y", "", "exact")); /* read by an ODE */
	ck_assert(!lazy_in("tp dx/dt = -x\n  tp dw/dt = x - w", "", "euler"));  /* by a synapse's */
	ck_assert(!lazy_in("let r = x\n  tp dx/dt = -x\n  tp dy/dt = r - y", "", "exact"));  /* through a let */
	ck_assert(!lazy_in("tp dx/dt = -x", "on tick { w *= 1 - x }", "exact"));  /* read every step */
	ck_assert(!lazy_in("let r = 2 * x\n  tp dx/dt = -x", "on tick { w *= 1 - 0.1 * r }", "exact"));
	ck_assert(lazy_in("tp dx/dt = -x", "on tick { w *= 0.99 }", "exact"));
	Unit *u = build_with("neuron N {\n  input I\n  state v = 0\n  dv/dt = -v / ms\n  spike when v > 1\n}\n"
			     "synapse S {\n  param tp = 20 ms\n  state w = 0.5\n  pre state x = 0\n"
			     "  tp dx/dt = -x\n  on pre { post.I += w; x += 1 }\n}\n"
			     "network Net {\n  pop G = poisson(3, rate = 10 Hz)\n  pop P = N(4)\n"
			     "  connect G -> P : S(p = 0.5) as syn\n  run 1 ms\n}\n", true);
	ck_assert(!lazy_trace(model_var(((Conn *)u->net->conns->items[0])->syn, "x")));
}
END_TEST

static const char *chain(const char *first, const char *ode)
{
	const char *src = arena_printf("neuron C {\n  param a = 0.5\n  state v = 1\n  let L0 = %s\n", first);
	for (int k = 1; k <= 40; k++)
		src = arena_printf("%s  let L%d = (L%d + L%d) * a\n", src, k, k - 1, k - 1);
	return arena_printf("%s  %s\n  method exponential_euler\n}\n"
			    "network N {\n  pop P = C(2)\n  run 1 ms\n}\n", src, ode);
}

/* A chain of lets that each read the previous one twice: the queries of the
 * lowering stay linear (2^40 steps unrolled), and lets that do not read the
 * state stay names in the affine scheme's pieces. */
START_TEST(test_let_chain_linear)
{
	Unit *u = build(chain("a", "dv/dt = (L40 - v) / ms"));
	Model *m = find_model(u, "C");
	ck_assert_ptr_nonnull(m->low->A1[0]);
	ck_assert_int_eq(m->low->A1[0]->kind, EX_NUM);   /* -1/ms, folded */
	ck_assert(m->low->A1[0]->num == -1000);
}
END_TEST

/* ... and one the scheme would have to expand is refused with a located
 * error instead of growing without bound. */
START_TEST(test_let_chain_refused)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	diag_set_stream(f);
	int before = error_count();
	Program *p = parse_string("t.snn", chain("v", "dv/dt = -L40 / ms"));
	Unit *u = resolve(p, "t.snn");
	ck_assert(check_dims(u));
	ck_assert(!lower(u));
	diag_set_stream(NULL);
	fclose(f);
	ck_assert_int_eq(error_count(), before + 1);
	ck_assert_msg(strstr(buf, "t.snn:45:3: error: the ODE of 'v' is too large for exponential_euler "
			     "once the lets it reads are expanded (4.4e+12 terms); use euler, rk2 or rk4"),
		      "got: %s", buf);
	free(buf);
}
END_TEST

static const char *third =
	"neuron N {\n"
	"  state v = 0\n"
	"  spike when v > 1\n"
	"}\n"
	"synapse R {\n"
	"  state w = 0\n"
	"  modulator m\n"
	"  pre modulator q\n"
	"  on pre { w += m * q }\n"
	"}\n"
	"network Net {\n"
	"  global reward = 0, c = 0\n"
	"  global g : nS = 2 nS\n"
	"  pop G = poisson(3, rate = 10 Hz)\n"
	"  pop P = N(4)\n"
	"  connect G -> P : R(p = 0.5) as syn { m = reward, q = G2.v }\n"
	"  pop G2 = N(3)\n"
	"  on tick { c = count(P.spiked) + sum(P[1:3].v) }\n"
	"  record reward\n"
	"  run 1 ms\n"
	"}\n";

/* Globals: model_t fields of owner OWN_NET with a vars[] row and a
 * checkpoint row; modulators: slots without storage; the network's on tick
 * after every delivery and before the resets. */
START_TEST(test_layout_globals)
{
	Unit *u = build(third);
	int globals = 0;
	Slot *mod = NULL;
	VEC_EACH(Slot *, s, u->layout->slots) {
		if (s->kind == SL_GLOBAL) {
			ck_assert_int_eq(s->owner, OWN_NET);
			ck_assert(!s->array && s->row >= 0 && s->ckpt == CK_SAVE);
			ck_assert_str_eq(s->field, c_name(CN_GLOBAL, s->name, NULL));
			globals++;
		}
		if (s->kind == SL_MODULATOR && !strcmp(s->name, "q"))
			mod = s;
	}
	ck_assert_int_eq(globals, 3);
	ck_assert_ptr_nonnull(mod);
	ck_assert(!mod->field && mod->row < 0 && mod->ckpt == CK_NONE && mod->count == CNT_PRE);
	ck_assert_int_eq(u->net->net_reads->n, 2);
	Vec *k = u->sched->kernels;
	int tick = -1, deliver = -1, reset = -1;
	VEC_EACH(Kernel *, kn, k) {
		if (kn->kind == KN_NET_TICK)
			tick = kn_i;
		if (kn->kind == KN_DELIVER)
			deliver = kn_i;
		if (kn->kind == KN_RESET)
			reset = kn_i;
	}
	ck_assert(deliver >= 0 && tick > deliver && (reset < 0 || reset > tick));
	ck_assert_str_eq(((Kernel *)k->items[tick])->fn, "network_tick");
}
END_TEST

Suite *suite_layout(void)
{
	Suite *s = suite_create("layout");
	TCase *tc = tcase_create("names");
	tcase_add_test(tc, test_rules_disjoint);
	tcase_add_test(tc, test_kernel_suffixes_disjoint);
	tcase_add_test(tc, test_layout_lazy);
	tcase_add_test(tc, test_lazy_predicate);
	tcase_add_test(tc, test_fixed_names_outside);
	tcase_add_test(tc, test_hostile_names_distinct);
	suite_add_tcase(s, tc);
	tc = tcase_create("layout");
	tcase_add_test(tc, test_layout_slots);
	tcase_add_test(tc, test_schedule_order);
	tcase_add_test(tc, test_schedule_synapse_tick);
	tcase_add_test(tc, test_layout_traces);
	tcase_add_test(tc, test_layout_globals);
	tcase_add_test(tc, test_let_chain_linear);
	tcase_add_test(tc, test_let_chain_refused);
	suite_add_tcase(s, tc);
	return s;
}
