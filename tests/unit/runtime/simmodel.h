/*
 * simmodel.h — a hand-written "generated" model for the tests of sim.c,
 * monitor.c, meta.c and cli.c (test_sim.c, test_monitor.c, test_cli.c).
 *
 * Population P (4 neurons) and Q (3), a connection syn: P -> Q with a fixed
 * CSR built in setup (pre 0 -> {0, 2}, 1 -> {1}, 2 -> {}, 3 -> {0, 1, 2}).
 * Step n (stamp (n+1)*dt) sets
 *   P.v[i] = tau + (n + 1) + 0.25 i          (double, volt)
 *   P.u[i] = n + 0.5 i                       (float)
 *   syn.w[s] = s + n                         (double)
 * and neuron n % 4 of P spikes; Q never spikes.  The let P.e = 2 v + tau.
 * A global `gain` equal to 99 makes setup fail; tm_raise_at = n raises
 * SIGTERM inside step n, before its monitors record.
 */
#include <check.h>
#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "snn_rt.h"

typedef struct {
	double *v;
	float *u;
	double tau, gain, tau2;
	double *w;
	int nupdates;
} TState;

static int tm_raise_at = -1;

#define TS(sim) ((TState *)(sim)->state)
#define TM_DT 1e-3

#define TM_VOLT { .e = { [SNN_M] = 2, [SNN_KG] = 1, [SNN_S] = -3, [SNN_A] = -1 } }
#define TM_SECOND { .e = { [SNN_S] = 1 } }
#define TM_ONE { .e = { 0 } }

static void tm_defaults(snn_sim *sim)
{
	TS(sim)->tau = 0.02;
	TS(sim)->gain = 1;
}

static void tm_csr(snn_sim *sim, snn_csr *c)
{
	static const int64_t row[] = { 0, 2, 3, 3, 6 };
	static const int32_t pre[] = { 0, 0, 1, 3, 3, 3 }, post[] = { 0, 2, 1, 0, 1, 2 };
	c->nsyn = 6;
	c->row = snn_alloc_array(sim, 5, sizeof *c->row);
	c->pre = snn_alloc_array(sim, 6, sizeof *c->pre);
	c->post = snn_alloc_array(sim, 6, sizeof *c->post);
	for (int k = 0; k < 6; k++) {
		c->pre[k] = pre[k];
		c->post[k] = post[k];
	}
	for (int k = 0; k < 5; k++)
		c->row[k] = row[k];
}

static int tm_setup(snn_sim *sim, char *err, size_t errlen)
{
	TState *s = TS(sim);
	if (s->gain == 99) {
		snprintf(err, errlen, "missing weights file 'w.npy'");
		return -1;
	}
	s->v = snn_alloc_array(sim, 4, sizeof *s->v);
	s->u = snn_alloc_array(sim, 4, sizeof *s->u);
	s->w = snn_alloc_array(sim, 6, sizeof *s->w);
	for (int i = 0; i < 4; i++)
		s->v[i] = s->tau;
	tm_csr(sim, &sim->conns[0].csr);
	return 0;
}

static void tm_update(snn_sim *sim)
{
	TS(sim)->tau2 = 2 * TS(sim)->tau;
	TS(sim)->nupdates++;
}

static void tm_step(snn_sim *sim)
{
	TState *s = TS(sim);
	int64_t n = sim->step;
	for (int i = 0; i < 4; i++) {
		s->v[i] = s->tau + (double)(n + 1) + 0.25 * i;
		s->u[i] = (float)((double)n + 0.5 * i);
		sim->pops[0].spiked[i] = 0;
	}
	for (int k = 0; k < 6; k++)
		s->w[k] = (double)(k + n);
	snn_pop *p = &sim->pops[0];
	p->spk[0] = (int32_t)(n % 4);
	p->nspk = 1;
	p->spiked[n % 4] = 1;
	p->t_last[n % 4] = sim->t;
	if (n == tm_raise_at)
		raise(SIGTERM);
	snn_record(sim);
}

static void tm_eval_e(const snn_sim *sim, int64_t i0, int64_t i1, double *out)
{
	const TState *s = sim->state;
	for (int64_t i = i0; i < i1; i++)
		out[i - i0] = 2 * s->v[i] + s->tau;
}

enum { TV_V, TV_U, TV_E, TV_TAU, TV_GAIN, TV_W, TV_TLAST, TV_N };

static const snn_var_desc tm_vars[TV_N] = {
	[TV_V] = { "v", SNN_OWN_POP, 0, SNN_VK_STATE, SNN_T_F64, offsetof(TState, v), NULL, TM_VOLT, "volt", SNN_VC_OWNER },
	[TV_U] = { "u", SNN_OWN_POP, 0, SNN_VK_STATE, SNN_T_F32, offsetof(TState, u), NULL, TM_ONE, "1", SNN_VC_OWNER },
	[TV_E] = { "e", SNN_OWN_POP, 0, SNN_VK_LET, SNN_T_F64, 0, tm_eval_e, TM_VOLT, "volt", SNN_VC_OWNER },
	[TV_TAU] = { "tau", SNN_OWN_POP, 0, SNN_VK_PARAM, SNN_T_F64, offsetof(TState, tau), NULL, TM_SECOND, "second", SNN_VC_OWNER },
	[TV_GAIN] = { "gain", SNN_OWN_GLOBAL, 0, SNN_VK_PARAM, SNN_T_F64, offsetof(TState, gain), NULL, TM_ONE, "1", SNN_VC_OWNER },
	[TV_W] = { "w", SNN_OWN_CONN, 0, SNN_VK_STATE, SNN_T_F64, offsetof(TState, w), NULL, TM_ONE, NULL, SNN_VC_OWNER },
	[TV_TLAST] = { "t_last", SNN_OWN_POP, 0, SNN_VK_BUILTIN, SNN_T_F64, 0, NULL, TM_SECOND, "second", SNN_VC_OWNER },
};

static const snn_pop_desc tm_pops[] = {
	{ "P", "Test", SNN_POP_NEURON, 4 },
	{ "Q", "Test", SNN_POP_NEURON, 3 },
};

static const snn_conn_desc tm_conns[] = { { "syn", "Static", 0, 1 } };

static const snn_record_desc tm_records[] = {
	{ "P", SNN_REC_SPIKES, 0, 0, 0, -1, 0, 0 },
	{ "E", SNN_REC_SPIKES, 0, 0, 1, 3, 1, 0 },
	{ "P.v", SNN_REC_VAR, 0, TV_V, 1, 3, 0, 3 * TM_DT },
	{ "P.u", SNN_REC_VAR, 0, TV_U, 0, -1, 0, 0 },
	{ "P.e", SNN_REC_VAR, 0, TV_E, 0, 4, 0, TM_DT },
	{ "P.tau", SNN_REC_VAR, 0, TV_TAU, 0, 1, 0, 2 * TM_DT },
	{ "gain", SNN_REC_VAR, 0, TV_GAIN, 0, 1, 0, 0 },
	{ "syn.w", SNN_REC_VAR, 0, TV_W, 1, 5, 0, 2 * TM_DT },
	{ "P.t_last", SNN_REC_VAR, 0, TV_TLAST, 0, -1, 0, 0 },
};

static const snn_model tm_model = {
	.source = "tests/test \"model\".snn",
	.network = "Net",
	.dt = TM_DT,
	.duration = 0.012,
	.seed = 1,
	.method = "euler",
	.state_size = sizeof(TState),
	.npops = 2, .pops = tm_pops,
	.nconns = 1, .conns = tm_conns,
	.nvars = TV_N, .vars = tm_vars,
	.nrecords = sizeof tm_records / sizeof tm_records[0], .records = tm_records,
	.defaults = tm_defaults,
	.setup = tm_setup,
	.update = tm_update,
	.step = tm_step,
};

/* A fresh empty directory for one test's outputs. */
static inline const char *tm_tmpdir(char *buf, size_t n)
{
	snprintf(buf, n, "/tmp/snn_rt_test_XXXXXX");
	return mkdtemp(buf);
}

/* Load DIR/NAME, failing the test when it cannot be read. */
static inline snn_npy_array tm_load(const char *dir, const char *name)
{
	char path[512], err[256];
	snn_npy_array a = { 0 };
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (snn_npy_load(path, &a, err, sizeof err) != 0)
		ck_abort_msg("cannot load %s: %s", path, err);
	return a;
}

/* The stamp of step n. */
static inline double tm_stamp(int64_t n)
{
	return (double)(n + 1) * TM_DT;
}
