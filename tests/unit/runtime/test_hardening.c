/*
 * test_hardening.c — the runtime's answers to values and sizes that cannot
 * work (issue 6): step counts checked as doubles (snn_steps_of, the
 * refractory clamp), the rule for values set from outside, the memory
 * estimate before allocating, queue rings sized by the run, signals during
 * setup, meta.json's "complete", write errors with their reason and files
 * left valid, and the stop on a non-finite state.
 *
 * The hand-written model here (hm_*) fakes a generated one the way
 * simmodel.h does: population P (3 neurons, states v double and u float),
 * a Poisson generator G (2 elements, param rate), a connection syn: P -> P
 * built by snn_connect (one_to_one) with a spike queue of hm_delay steps.
 * Step n sets v[i] = n + i and u[i] = n - i, and integrates the way the
 * generated kernels will: a branch-free accumulator acc += x * 0, tested
 * once, then `if (bad && snn_nonfinite(sim, 0)) return;` before recording.
 * In step hm_bad_step, v[hm_bad_v] becomes +inf and u[hm_bad_u] NaN (when
 * those are >= 0).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

typedef struct {
	double *v;
	float *u;
	double rate;
	snn_queue *q;
} HState;

#define HS(sim) ((HState *)(sim)->state)
#define HM_DT 1e-3

static int64_t hm_bad_step = -1;
static int hm_bad_v = -1, hm_bad_u = -1;
static int32_t hm_delay = 2;
static int hm_term_in_setup;    /* 1: SIGTERM before snn_connect, 2: after */
static char hm_meta_seen[8192]; /* meta.json as it was during step 1 */

static void hm_defaults(snn_sim *sim)
{
	HS(sim)->rate = 100;
}

static int hm_setup(snn_sim *sim, char *err, size_t errlen)
{
	HState *s = HS(sim);
	s->v = snn_alloc_array(sim, 3, sizeof *s->v);
	s->u = snn_alloc_array(sim, 3, sizeof *s->u);
	sim->pops[1].gen = snn_gen_poisson(sim, 1, &s->rate);
	if (hm_term_in_setup == 1)
		raise(SIGTERM);
	snn_conn_spec spec = { .kind = SNN_CONN_ONE, .pre_n = 3, .pre0 = 0, .pre1 = 3,
			       .post_n = 3, .post0 = 0, .post1 = 3, .stream = SNN_STREAM_CONNECT };
	if (snn_connect(sim, &spec, &sim->conns[0].csr, err, errlen) != 0)
		return -1;
	s->q = snn_queue_new(sim, hm_delay);
	if (hm_term_in_setup == 2)
		raise(SIGTERM);
	return 0;
}

static void hm_update(snn_sim *sim)
{
	snn_gen_reset_rate(sim, sim->pops[1].gen);
}

static void slurp_into(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");
	size_t k = f ? fread(buf, 1, n - 1, f) : 0;
	buf[k] = '\0';
	if (f)
		fclose(f);
}

/* The integrate kernel of P: returns the flag, nonzero if some state it
 * wrote is not finite. */
static int hm_integrate(snn_sim *sim)
{
	HState *s = HS(sim);
	int64_t n = sim->step;
	double acc = 0;
	for (int i = 0; i < 3; i++) {
		s->v[i] = (double)(n + i);
		s->u[i] = (float)(n - i);
		if (n == hm_bad_step && i == hm_bad_v)
			s->v[i] = INFINITY;
		if (n == hm_bad_step && i == hm_bad_u)
			s->u[i] = NAN;
		acc += s->v[i] * 0 + (double)s->u[i] * 0;
	}
	return !(acc == 0);
}

static void hm_step(snn_sim *sim)
{
	if (hm_integrate(sim) && snn_nonfinite(sim, 0))
		return;
	snn_gen_step(sim, sim->pops[1].gen);
	snn_pop *p = &sim->pops[0];
	for (int32_t k = 0; k < p->nspk; k++)
		p->spiked[p->spk[k]] = 0;
	p->spk[0] = (int32_t)(sim->step % 3);
	p->nspk = 1;
	p->spiked[p->spk[0]] = 1;
	p->t_last[p->spk[0]] = sim->t;
	snn_queue_push(HS(sim)->q, sim->step, p->spk, p->nspk);
	if (sim->step == 1) {
		char path[512];
		snprintf(path, sizeof path, "%s/meta.json", sim->priv->out_dir);
		slurp_into(path, hm_meta_seen, sizeof hm_meta_seen);
	}
	snn_record(sim);
}

#define HM_VOLT { .e = { [SNN_M] = 2, [SNN_KG] = 1, [SNN_S] = -3, [SNN_A] = -1 } }
#define HM_HZ { .e = { [SNN_S] = -1 } }
#define HM_ONE { .e = { 0 } }

enum { HV_V, HV_U, HV_RATE, HV_N };
static const snn_var_desc hm_vars[HV_N] = {
	[HV_V] = { "v", SNN_OWN_POP, 0, SNN_VK_STATE, SNN_T_F64, offsetof(HState, v), NULL, HM_VOLT, "volt", SNN_VC_OWNER },
	[HV_U] = { "u", SNN_OWN_POP, 0, SNN_VK_STATE, SNN_T_F32, offsetof(HState, u), NULL, HM_ONE, "1", SNN_VC_OWNER },
	[HV_RATE] = { "rate", SNN_OWN_POP, 1, SNN_VK_PARAM, SNN_T_F64, offsetof(HState, rate), NULL, HM_HZ, "hertz", SNN_VC_OWNER },
};

static snn_pop_desc hm_pops[] = {
	{ "P", "Test", SNN_POP_NEURON, 3 },
	{ "G", "poisson", SNN_POP_POISSON, 2 },
};
static const snn_conn_desc hm_conns[] = { { "syn", "Static", 0, 0 } };
static const snn_record_desc hm_records[] = {
	{ "P", SNN_REC_SPIKES, 0, 0, 0, -1, 0, 0 },
	{ "P.v", SNN_REC_VAR, 0, HV_V, 0, -1, 0, 0 },
	{ "P.u", SNN_REC_VAR, 0, HV_U, 0, -1, 0, 0 },
};
static const snn_buf_desc hm_bufs[] = {
	{ "P.x_v", SNN_BUF_POP, 0, sizeof(double), offsetof(HState, v), 0 },
	{ "P.x_u", SNN_BUF_POP, 0, sizeof(float), offsetof(HState, u), 0 },
	{ "G.p_rate", SNN_BUF_ONE, 1, sizeof(double), offsetof(HState, rate), 0 },
	{ "syn.q", SNN_BUF_QUEUE, 0, 0, offsetof(HState, q), 0 },
};

static snn_model hm_model = {
	.source = "hm.snn",
	.network = "Hm",
	.dt = HM_DT,
	.duration = 0.010,
	.seed = 1,
	.method = "euler",
	.state_size = sizeof(HState),
	.npops = 2, .pops = hm_pops,
	.nconns = 1, .conns = hm_conns,
	.nvars = HV_N, .vars = hm_vars,
	.nrecords = sizeof hm_records / sizeof hm_records[0], .records = hm_records,
	.defaults = hm_defaults,
	.setup = hm_setup,
	.update = hm_update,
	.step = hm_step,
	.nbufs = sizeof hm_bufs / sizeof hm_bufs[0], .bufs = hm_bufs,
};

static void hm_reset(void)
{
	hm_bad_step = -1;
	hm_bad_v = hm_bad_u = -1;
	hm_delay = 2;
	hm_term_in_setup = 0;
	hm_pops[0].n = 3;
	hm_meta_seen[0] = '\0';
	unsetenv("SNN_MEM_AVAILABLE");
}

static int rm1(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* Removes a passed test's directory (a failed one stays for inspection). */
static void cleanup(const char *dir)
{
	nftw(dir, rm1, 16, FTW_DEPTH | FTW_PHYS);
}

static const char *tmpdir(char *buf, size_t n)
{
	snprintf(buf, n, "/tmp/snn_hard_XXXXXX");
	return mkdtemp(buf);
}

static snn_sim *hm_create(const char *dir, double duration, int allow, char *err, size_t errlen)
{
	snn_options o = { .duration = duration, .seed = -1, .out_dir = dir, .quiet = 1,
			  .allow_nonfinite = allow };
	return snn_create(&hm_model, &o, err, errlen);
}

static void read_file(const char *dir, const char *name, char *buf, size_t n)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	slurp_into(path, buf, n);
}

static snn_npy_array load(const char *dir, const char *name)
{
	char path[512], err[512];
	snn_npy_array a = { 0 };
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (snn_npy_load(path, &a, err, sizeof err) != 0)
		ck_abort_msg("cannot load %s: %s", path, err);
	return a;
}

/* ---------------------------------------------------------------- steps */

START_TEST(test_steps_of)
{
	int64_t n = 77;
	ck_assert_int_eq(snn_steps_of(0.0051, 1e-3, SNN_MAX_STEPS, &n), 0);
	ck_assert_int_eq(n, 5);
	ck_assert_int_eq(snn_steps_of(0.5e-3, 1e-3, 10, &n), 0);    /* floor(0.5 + 0.5) */
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(snn_steps_of(-0.4e-3, 1e-3, 10, &n), 0);   /* rounds to 0 */
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(snn_steps_of(10e-3, 1e-3, 10, &n), 0);     /* max itself */
	ck_assert_int_eq(n, 10);
	n = 77;
	ck_assert_int_eq(snn_steps_of(11e-3, 1e-3, 10, &n), -1);
	ck_assert_int_eq(snn_steps_of(-1e-3, 1e-3, 10, &n), -1);
	ck_assert_int_eq(snn_steps_of(NAN, 1e-3, 10, &n), -1);
	ck_assert_int_eq(snn_steps_of(INFINITY, 1e-3, INT64_MAX, &n), -1);
	ck_assert_int_eq(snn_steps_of(1e300, 1e-4, INT64_MAX, &n), -1);
	ck_assert_int_eq(snn_steps_of(1e300, 1e-310, INT64_MAX, &n), -1);   /* overflow to inf */
	ck_assert_int_eq(snn_steps_of(1e15, 1e-4, SNN_MAX_STEPS, &n), -1);
	ck_assert_int_eq(n, 77);        /* untouched on failure */
}
END_TEST

START_TEST(test_ref_until_clamps)
{
	ck_assert_int_eq(snn_ref_until(5, 3), 8);
	ck_assert_int_eq(snn_ref_until(0, NAN), INT32_MAX);
	ck_assert_int_eq(snn_ref_until(0, 1e300), INT32_MAX);
	ck_assert_int_eq(snn_ref_until(0, INFINITY), INT32_MAX);
	ck_assert_int_eq(snn_ref_until(0, -1e300), INT32_MIN);
}
END_TEST

/* A spike time past any run is never emitted (no error, no UB); NaN is an
 * error; the finite ones still come out. */
START_TEST(test_spike_times_beyond_the_run)
{
	char dir[64], err[256] = "";
	hm_reset();
	snn_sim *sim = hm_create(tmpdir(dir, sizeof dir), -1, 0, err, sizeof err);
	ck_assert_msg(sim != NULL, "%s", err);
	const double times[] = { 2e-3, 1e300, INFINITY, 1e15 };
	snn_gen *g = snn_gen_spikes(sim, 1, times, NULL, 4, err, sizeof err);
	ck_assert_ptr_nonnull(g);
	int total = 0;
	for (sim->step = 0; sim->step < 5; sim->step++) {
		snn_gen_step(sim, g);
		total += sim->pops[1].nspk;
		ck_assert_int_eq(sim->pops[1].nspk, sim->step == 1 ? 2 : 0);
	}
	ck_assert_int_eq(total, 2);
	const double bad[] = { 1e-3, NAN };
	ck_assert_ptr_null(snn_gen_spikes(sim, 1, bad, NULL, 2, err, sizeof err));
	ck_assert_str_eq(err, "spike time nan is not a number");
	const double neg[] = { -INFINITY };
	ck_assert_ptr_null(snn_gen_spikes(sim, 1, neg, NULL, 1, err, sizeof err));
	ck_assert_str_eq(err, "spike time -inf s rounds to step 0 or before (dt = 0.001 s)");
	snn_destroy(sim);
	cleanup(dir);
}
END_TEST

START_TEST(test_duration_checked)
{
	char dir[64], err[256] = "";
	hm_reset();
	tmpdir(dir, sizeof dir);
	ck_assert_ptr_null(hm_create(dir, 1e15, 0, err, sizeof err));
	ck_assert_str_eq(err, "the duration 1e+15 s is 1e+18 steps of dt = 0.001 s; a run takes at "
			 "most 2^53 steps");
	ck_assert_ptr_null(hm_create(dir, INFINITY, 0, err, sizeof err));
	ck_assert_str_eq(err, "the duration inf s must be a finite time, not negative");
	snn_options o = { .duration = NAN, .seed = -1, .out_dir = dir, .quiet = 1 };
	ck_assert_ptr_null(snn_create(&hm_model, &o, err, sizeof err));
	ck_assert_str_eq(err, "the duration nan s must be a finite time, not negative");
	cleanup(dir);
}
END_TEST

/* ---------------------------------------------------------------- values */

START_TEST(test_set_value_rule)
{
	char dir[64], err[256] = "";
	hm_reset();
	snn_sim *sim = hm_create(tmpdir(dir, sizeof dir), -1, 0, err, sizeof err);
	ck_assert_ptr_nonnull(sim);
	ck_assert_int_eq(snn_set(sim, HV_RATE, 0, -5), -1);
	ck_assert_str_eq(snn_error(sim), "G.rate: a generator's rate cannot be negative, got -5");
	ck_assert_int_eq(snn_set(sim, HV_RATE, 0, INFINITY), -1);
	ck_assert_str_eq(snn_error(sim), "G.rate: the value inf is not finite");
	ck_assert_int_eq(snn_set(sim, HV_V, 1, NAN), -1);
	ck_assert_str_eq(snn_error(sim), "P.v: the value nan is not finite");
	ck_assert(HS(sim)->rate == 100 && HS(sim)->v[1] == 0);      /* nothing written */
	ck_assert_int_eq(snn_set(sim, HV_RATE, 0, 0), 0);             /* zero is fine */
	ck_assert_int_eq(snn_set_text(sim, "G.rate=-1 Hz", err, sizeof err), -1);
	ck_assert_str_eq(err, "--set G.rate: a generator's rate cannot be negative, got '-1 Hz'");
	ck_assert_int_eq(snn_set_text(sim, "G.rate=1e999Hz", err, sizeof err), -1);
	ck_assert_str_eq(err, "--set G.rate: the value '1e999Hz' is not finite");
	ck_assert_int_eq(snn_set_text(sim, "G.rate=20Hz", err, sizeof err), 0);
	ck_assert(HS(sim)->rate == 20);
	snn_destroy(sim);
	cleanup(dir);
}
END_TEST

/* ---------------------------------------------------------------- the CLI */

typedef struct {
	int status;
	char err[8192];
} Result;

/* snn_main(hm_model, argv) in a child, stderr to a file; NULL ends the
 * arguments.  fsize > 0: RLIMIT_FSIZE in the child (bytes). */
static Result run_main(long fsize, ...)
{
	static Result r;
	char *argv[32] = { "snn" };
	int argc = 1;
	va_list ap;
	va_start(ap, fsize);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	char errf[] = "/tmp/snn_hard_err_XXXXXX";
	int fe = mkstemp(errf);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fe, 2);
		if (fsize > 0) {
			struct rlimit rl = { (rlim_t)fsize, (rlim_t)fsize };
			setrlimit(RLIMIT_FSIZE, &rl);
		}
		int rc = snn_main(argc, argv, &hm_model);
		fflush(NULL);
		_exit(rc);
	}
	int st;
	waitpid(pid, &st, 0);
	close(fe);
	r.status = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 1000 + WTERMSIG(st) : -1;
	slurp_into(errf, r.err, sizeof r.err);
	unlink(errf);
	return r;
}

START_TEST(test_cli_set_and_duration)
{
	Result r = run_main(0, "--set", "G.rate=-5Hz", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert_str_eq(r.err, "snn: error: --set G.rate: a generator's rate cannot be negative, got "
			 "'-5Hz'\nTry 'snn --help' for more information.\n");
	r = run_main(0, "--set=G.rate=1e400 Hz", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert_str_eq(r.err, "snn: error: --set G.rate: the value '1e400 Hz' is not finite\n"
			 "Try 'snn --help' for more information.\n");
	r = run_main(0, "--duration", "-3 ms", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert_str_eq(r.err, "snn: error: --duration: '-3 ms' is negative\n"
			 "Try 'snn --help' for more information.\n");
}
END_TEST

START_TEST(test_cli_help_lists_allow_nonfinite)
{
	char out[] = "/tmp/snn_hard_out_XXXXXX", buf[8192];
	int fo = mkstemp(out);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fo, 1);
		char *argv[] = { "snn", "--help", NULL };
		int rc = snn_main(2, argv, &hm_model);
		fflush(NULL);
		_exit(rc);
	}
	int st;
	waitpid(pid, &st, 0);
	close(fo);
	slurp_into(out, buf, sizeof buf);
	unlink(out);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_msg(strstr(buf, "  --allow-nonfinite        go on when a state becomes NaN or "
			     "infinite\n") != NULL, "%s", buf);
}
END_TEST

/* ---------------------------------------------------------------- memory */

START_TEST(test_memory_populations)
{
	char dir[64], err[512] = "";
	hm_reset();
	tmpdir(dir, sizeof dir);
	/* 2^31 - 1 neurons of P: 13 runtime + 12 buffer bytes each, and 28 of
	 * monitor rows (spikes 12, v 8, u 8): refused before any is allocated */
	hm_pops[0].n = INT32_MAX;
	setenv("SNN_MEM_AVAILABLE", "22e9", 1);
	ck_assert_ptr_null(hm_create(dir, -1, 0, err, sizeof err));
	ck_assert_str_eq(err, "2 populations (2147483649 neurons, 2147483647 in P): the network "
			 "needs 114 GB; 22 GB available");
	hm_pops[0].n = 3;
	/* the same model fits in what it needs */
	setenv("SNN_MEM_AVAILABLE", "500", 1);
	ck_assert_ptr_null(hm_create(dir, -1, 0, err, sizeof err));
	ck_assert_msg(strncmp(err, "2 populations (5 neurons, 3 in P): the network needs ", 52) == 0,
		      "%s", err);
	ck_assert_msg(strstr(err, "; 500 bytes available") != NULL, "%s", err);
	hm_reset();
	cleanup(dir);
}
END_TEST

/* 100 000 x 100 000 at p = 1: 10^10 synapses, 24 bytes each at the peak of
 * construction (CSR 8, pairs 2 x 8), refused before a pair is drawn. */
START_TEST(test_memory_connection)
{
	char dir[64], err[512] = "";
	hm_reset();
	setenv("SNN_MEM_AVAILABLE", "22e9", 1);
	snn_sim *sim = hm_create(tmpdir(dir, sizeof dir), -1, 0, err, sizeof err);
	ck_assert_msg(sim != NULL, "%s", err);
	snn_conn_spec spec = { .kind = SNN_CONN_P, .p = 1, .pre_n = 100000, .pre0 = 0,
			       .pre1 = 100000, .post_n = 100000, .post0 = 0, .post1 = 100000,
			       .stream = SNN_STREAM_CONNECT };
	snn_csr csr;
	ck_assert_int_eq(snn_connect(sim, &spec, &csr, err, sizeof err), -1);
	ck_assert_str_eq(err, "connection syn (1e+10 synapses expected): the network needs 240 GB; "
			 "22 GB available");
	spec.kind = SNN_CONN_FAN_IN;
	spec.fan_in = 50000;
	ck_assert_int_eq(snn_connect(sim, &spec, &csr, err, sizeof err), -1);
	ck_assert_str_eq(err, "connection syn (5e+09 synapses expected): the network needs 120 GB; "
			 "22 GB available");
	snn_destroy(sim);
	hm_reset();
	cleanup(dir);
}
END_TEST

/* A 10^8-step delay in a 10 ms run: the ring holds what the run uses (a
 * few hundred slots), not 10^8 slots (3.2 GB). */
START_TEST(test_queue_sized_by_the_run)
{
	char dir[64], err[512] = "";
	hm_reset();
	hm_delay = 100000000;
	snn_sim *sim = hm_create(tmpdir(dir, sizeof dir), -1, 0, err, sizeof err);
	ck_assert_msg(sim != NULL, "%s", err);
	double before = sim->priv->pool_bytes;
	ck_assert_int_eq(snn_run(sim), 0);
	ck_assert_msg(sim->priv->pool_bytes < 1e6, "%g bytes", sim->priv->pool_bytes);
	ck_assert(sim->priv->pool_bytes - before < 1e5);
	snn_destroy(sim);

	/* a run long enough to need 2 * 10^7 slots (640 MB) with 100 MB: refused
	 * after setup, before the run */
	setenv("SNN_MEM_AVAILABLE", "1e8", 1);
	ck_assert_ptr_null(hm_create(dir, 1e4, 0, err, sizeof err));
	ck_assert_str_eq(err, "a spike queue of 100000000 steps: the network needs 640 MB; "
			 "100 MB available");
	hm_reset();
	cleanup(dir);
}
END_TEST

/* The ring grows past its first size with the delivery still exact: a
 * delay of 1000 steps, a push every step, against the schedule. */
START_TEST(test_queue_growth_exact)
{
	char dir[64], err[512] = "";
	hm_reset();
	snn_sim *sim = hm_create(tmpdir(dir, sizeof dir), -1, 0, err, sizeof err);
	ck_assert_ptr_nonnull(sim);
	snn_queue *q = snn_queue_new(sim, 1000);
	snn_synqueue *sq = snn_synqueue_new(sim, 700);
	/* csr: pre 0 -> synapses 0, 1, 2 with delays 0, 300, 700 */
	int64_t row[] = { 0, 3 };
	int32_t post[] = { 0, 1, 2 }, pre[] = { 0, 0, 0 }, delay[] = { 0, 300, 700 };
	snn_csr csr = { .nsyn = 3, .row = row, .post = post, .pre = pre };
	for (int64_t step = 0; step < 3000; step++) {
		int32_t spk = (int32_t)(step % 7), n, zero = 0;
		snn_queue_push(q, step, &spk, 1);
		const int32_t *due = snn_queue_due(q, step, &n);
		if (step < 1000) {
			ck_assert_int_eq(n, 0);
		} else {
			ck_assert_int_eq(n, 1);
			ck_assert_int_eq(due[0], (step - 1000) % 7);
		}
		if (step % 5 == 0)
			snn_synqueue_push(sq, step, &zero, 1, &csr, delay);
		int64_t m;
		const int64_t *sd = snn_synqueue_due(sq, step, &m);
		int64_t want = 0;
		for (int k = 0; k < 3; k++)
			want += step >= delay[k] && (step - delay[k]) % 5 == 0;
		ck_assert_int_eq(m, want);
		for (int64_t k = 0; k < m; k++)
			ck_assert(step >= delay[sd[k]] && (step - delay[sd[k]]) % 5 == 0);
	}
	snn_destroy(sim);
	cleanup(dir);
}
END_TEST

/* ---------------------------------------------------------------- .npy */

static void write_raw(const char *path, const char *head, size_t total)
{
	FILE *f = fopen(path, "wb");
	char buf[1024] = { 0 };
	size_t hl = strlen(head);
	memcpy(buf, "\x93NUMPY\x01\x00", 8);
	buf[8] = (char)((118) & 0xff);  /* header to byte 128 */
	buf[9] = 0;
	memset(buf + 10, ' ', 118);
	memcpy(buf + 10, head, hl);
	buf[127] = '\n';
	fwrite(buf, 1, total, f);
	fclose(f);
}

START_TEST(test_npy_header_against_size)
{
	char dir[64], path[128], err[512];
	snn_npy_array a;
	tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/lie.npy", dir);
	write_raw(path, "{'descr': '<f8', 'fortran_order': False, 'shape': (4000000000, 10), }", 1024);
	ck_assert_int_eq(snn_npy_load(path, &a, err, sizeof err), -1);
	char want[512];
	snprintf(want, sizeof want, "%s: the header claims shape (4000000000, 10) of 8-byte values "
		 "(320 GB) but the file holds 896 bytes of data", path);
	ck_assert_str_eq(err, want);
	ck_assert_ptr_null(a.data);
	/* a shape whose product overflows int64 */
	write_raw(path, "{'descr': '|u1', 'fortran_order': False, 'shape': (4611686018427387904, 4), }",
		  1024);
	ck_assert_int_eq(snn_npy_load(path, &a, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s: malformed .npy shape", path);
	ck_assert_str_eq(err, want);
	/* the honest header of the same file loads */
	write_raw(path, "{'descr': '<f8', 'fortran_order': False, 'shape': (112,), }", 1024);
	ck_assert_int_eq(snn_npy_load(path, &a, err, sizeof err), 0);
	ck_assert_int_eq(a.count, 112);
	snn_npy_free(&a);
	cleanup(dir);
}
END_TEST

START_TEST(test_npy_not_a_regular_file)
{
	char dir[64], path[128], err[512], want[512];
	snn_npy_array a;
	tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/fifo.npy", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(snn_npy_load(path, &a, err, sizeof err), -1);   /* no hang */
	snprintf(want, sizeof want, "%s: not a regular file", path);
	ck_assert_str_eq(err, want);
	unlink(path);
	ck_assert_int_eq(snn_npy_load("/dev/zero", &a, err, sizeof err), -1);
	ck_assert_str_eq(err, "/dev/zero: not a regular file");
	ck_assert_int_eq(snn_npy_load(dir, &a, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s: not a regular file", dir);
	ck_assert_str_eq(err, want);
	cleanup(dir);
}
END_TEST

/* ---------------------------------------------------------------- files */

/* size == header + rows * row bytes, and the loader reads it. */
static int64_t check_valid(const char *dir, const char *name, int64_t row_bytes)
{
	char path[512];
	struct stat st;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	ck_assert_msg(stat(path, &st) == 0, "%s is absent", path);
	snn_npy_array a = load(dir, name);
	int64_t rows = a.ndim ? a.shape[0] : 0;
	ck_assert_msg((int64_t)st.st_size == 128 + rows * row_bytes, "%s: %lld bytes for %lld rows",
		      name, (long long)st.st_size, (long long)rows);
	snn_npy_free(&a);
	return rows;
}

/* meta.json is "complete": false from before setup until the files are
 * closed; the previous run's meta.json does not survive the start. */
START_TEST(test_meta_complete_flag)
{
	char dir[64], err[512] = "", meta[8192];
	hm_reset();
	tmpdir(dir, sizeof dir);
	char path[128];
	snprintf(path, sizeof path, "%s/meta.json", dir);
	FILE *f = fopen(path, "w");
	fputs("{\"complete\": true, \"files\": {\"old.npy\": {}}}\n", f);
	fclose(f);
	snn_sim *sim = hm_create(dir, -1, 0, err, sizeof err);
	ck_assert_ptr_nonnull(sim);
	read_file(dir, "meta.json", meta, sizeof meta);
	ck_assert_msg(strstr(meta, "\"complete\": false,") != NULL, "%s", meta);
	ck_assert(strstr(meta, "old.npy") == NULL);
	ck_assert(strstr(meta, "\"P.v.npy\"") != NULL);
	ck_assert_int_eq(snn_run(sim), 0);
	ck_assert_msg(strstr(hm_meta_seen, "\"complete\": false,") != NULL, "%s", hm_meta_seen);
	ck_assert_int_eq(snn_finish(sim), 0);
	read_file(dir, "meta.json", meta, sizeof meta);
	ck_assert_msg(strstr(meta, "\"complete\": true,\n  \"error\": null,") != NULL, "%s", meta);
	ck_assert(strstr(meta, "\"steps\": 10,") != NULL);
	snn_destroy(sim);
	snprintf(path, sizeof path, "%s/meta.json.tmp", dir);
	ck_assert_int_eq(access(path, F_OK), -1);
	cleanup(dir);
}
END_TEST

/* SIGTERM during setup, before a connection: setup stops there, status
 * 128 + 15, meta.json says incomplete; after the last connection: the run
 * does no step and every file is valid and empty. */
START_TEST(test_sigterm_during_setup)
{
	char dir[64], meta[8192];
	hm_reset();
	tmpdir(dir, sizeof dir);
	char path[128];
	snprintf(path, sizeof path, "%s/meta.json", dir);
	FILE *f = fopen(path, "w");
	fputs("{\"complete\": true}\n", f);
	fclose(f);
	hm_term_in_setup = 1;
	Result r = run_main(0, "--out", dir, "--quiet", NULL);
	ck_assert_int_eq(r.status, 128 + SIGTERM);
	ck_assert_str_eq(r.err, "snn: error: interrupted by signal 15 during setup\n");
	read_file(dir, "meta.json", meta, sizeof meta);
	ck_assert_msg(strstr(meta, "\"complete\": false,") != NULL, "%s", meta);

	hm_term_in_setup = 2;
	r = run_main(0, "--out", dir, "--quiet", NULL);
	ck_assert_int_eq(r.status, 128 + SIGTERM);
	ck_assert_str_eq(r.err, "");
	read_file(dir, "meta.json", meta, sizeof meta);
	ck_assert_msg(strstr(meta, "\"steps\": 0,") != NULL, "%s", meta);
	ck_assert(strstr(meta, "\"interrupted\": true,\n  \"complete\": true,") != NULL);
	ck_assert_int_eq(check_valid(dir, "P.v.npy", 24), 0);
	ck_assert_int_eq(check_valid(dir, "P.spikes.t.npy", 8), 0);
	hm_reset();
	cleanup(dir);
}
END_TEST

/* A file size limit (EFBIG, as a full disk gives ENOSPC): the reason is
 * named, the process is not killed by SIGXFSZ, every file stays valid with
 * the rows that reached it, and meta.json says incomplete. */
START_TEST(test_write_error_leaves_valid_files)
{
	char dir[64], meta[8192], want[512];
	hm_reset();
	tmpdir(dir, sizeof dir);
	Result r = run_main(4096, "--out", dir, "--quiet", "--duration", "1s", NULL);
	ck_assert_int_eq(r.status, 1);
	snprintf(want, sizeof want, "snn: error: cannot write '%s/P.spikes.i.npy': File too large\n",
		 dir);
	ck_assert_str_eq(r.err, want);
	int64_t ti = check_valid(dir, "P.spikes.t.npy", 8), ii = check_valid(dir, "P.spikes.i.npy", 4);
	int64_t v = check_valid(dir, "P.v.npy", 24), vt = check_valid(dir, "P.v.t.npy", 8);
	int64_t u = check_valid(dir, "P.u.npy", 24), ut = check_valid(dir, "P.u.t.npy", 8);
	ck_assert(ti < 1000 && ii < 1000 && v < 1000 && u < 1000);
	ck_assert(ti > 0 && v > 0 && vt > 0 && ut > 0);
	/* the rows that stayed are the right ones */
	snn_npy_array a = load(dir, "P.v.npy");
	for (int64_t k = 0; k < v; k++)
		for (int i = 0; i < 3; i++)
			ck_assert(a.data[3 * k + i] == (double)(k + i));
	snn_npy_free(&a);
	read_file(dir, "meta.json", meta, sizeof meta);
	ck_assert_msg(strstr(meta, "\"complete\": false,") != NULL, "%s", meta);
	snprintf(want, sizeof want, "\"error\": \"cannot write '%s/P.spikes.i.npy': File too large\"",
		 dir);
	ck_assert_msg(strstr(meta, want) != NULL, "%s", meta);
	cleanup(dir);
}
END_TEST

/* ---------------------------------------------------------------- non-finite */

START_TEST(test_nonfinite_stops)
{
	char dir[64], err[512] = "", meta[8192];
	hm_reset();
	hm_bad_step = 4;
	hm_bad_v = 2;
	snn_sim *sim = hm_create(tmpdir(dir, sizeof dir), -1, 0, err, sizeof err);
	ck_assert_ptr_nonnull(sim);
	ck_assert_int_eq(snn_run(sim), -1);
	ck_assert_str_eq(snn_error(sim), "P.v[2] is not finite at t = 5 ms (step 4)");
	ck_assert_int_eq(sim->step, 4);
	ck_assert_int_eq(snn_step(sim), -1);     /* stays stopped */
	ck_assert_int_eq(sim->step, 4);
	ck_assert_int_eq(snn_finish(sim), 0);
	/* cut at the last good step: 4 samples, 4 spikes */
	ck_assert_int_eq(check_valid(dir, "P.v.npy", 24), 4);
	ck_assert_int_eq(check_valid(dir, "P.v.t.npy", 8), 4);
	ck_assert_int_eq(check_valid(dir, "P.spikes.t.npy", 8), 4);
	read_file(dir, "meta.json", meta, sizeof meta);
	ck_assert_msg(strstr(meta, "\"steps\": 4,") != NULL, "%s", meta);
	ck_assert(strstr(meta, "\"complete\": true,\n  \"error\": \"P.v[2] is not finite at t = 5 ms "
			 "(step 4)\",") != NULL);
	snn_destroy(sim);

	/* the smallest element index wins over the table order: u[1] before v[2] */
	hm_bad_u = 1;
	sim = hm_create(dir, -1, 0, err, sizeof err);
	ck_assert_int_eq(snn_run(sim), -1);
	ck_assert_str_eq(snn_error(sim), "P.u[1] is not finite at t = 5 ms (step 4)");
	snn_destroy(sim);
	hm_reset();
	cleanup(dir);
}
END_TEST

START_TEST(test_nonfinite_allowed)
{
	char dir[64], err[512] = "";
	hm_reset();
	hm_bad_step = 4;
	hm_bad_v = 0;
	snn_sim *sim = hm_create(tmpdir(dir, sizeof dir), -1, 1, err, sizeof err);
	ck_assert_int_eq(snn_run(sim), 0);
	ck_assert_int_eq(sim->step, 10);
	ck_assert_str_eq(snn_error(sim), "");
	ck_assert_int_eq(snn_finish(sim), 0);
	snn_npy_array a = load(dir, "P.v.npy");
	ck_assert_int_eq(a.shape[0], 10);
	ck_assert(isinf(a.data[3 * 4]) && a.data[3 * 5] == 5);
	snn_npy_free(&a);
	snn_destroy(sim);
	hm_reset();
	cleanup(dir);
}
END_TEST

START_TEST(test_nonfinite_cli)
{
	char dir[64], ck[128];
	hm_reset();
	hm_bad_step = 1234;
	hm_bad_v = 1;
	tmpdir(dir, sizeof dir);
	snprintf(ck, sizeof ck, "%s/ck", dir);
	Result r = run_main(0, "--out", dir, "--quiet", "--duration", "2s", "--checkpoint", ck, NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.err, "snn: error: P.v[1] is not finite at t = 1.235 s (step 1234)\n");
	ck_assert_int_eq(access(ck, F_OK), -1);     /* no checkpoint of a broken state */
	ck_assert_int_eq(check_valid(dir, "P.u.npy", 24), 1234);
	r = run_main(0, "--out", dir, "--quiet", "--duration", "2s", "--allow-nonfinite", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.err, "");
	ck_assert_int_eq(check_valid(dir, "P.u.npy", 24), 2000);
	hm_reset();
	cleanup(dir);
}
END_TEST

Suite *suite_hardening(void)
{
	Suite *s = suite_create("hardening");
	TCase *tc = tcase_create("runtime");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_steps_of);
	tcase_add_test(tc, test_ref_until_clamps);
	tcase_add_test(tc, test_spike_times_beyond_the_run);
	tcase_add_test(tc, test_duration_checked);
	tcase_add_test(tc, test_set_value_rule);
	tcase_add_test(tc, test_cli_set_and_duration);
	tcase_add_test(tc, test_cli_help_lists_allow_nonfinite);
	tcase_add_test(tc, test_memory_populations);
	tcase_add_test(tc, test_memory_connection);
	tcase_add_test(tc, test_queue_sized_by_the_run);
	tcase_add_test(tc, test_queue_growth_exact);
	tcase_add_test(tc, test_npy_header_against_size);
	tcase_add_test(tc, test_npy_not_a_regular_file);
	tcase_add_test(tc, test_meta_complete_flag);
	tcase_add_test(tc, test_sigterm_during_setup);
	tcase_add_test(tc, test_write_error_leaves_valid_files);
	tcase_add_test(tc, test_nonfinite_stops);
	tcase_add_test(tc, test_nonfinite_allowed);
	tcase_add_test(tc, test_nonfinite_cli);
	suite_add_tcase(s, tc);
	return s;
}
