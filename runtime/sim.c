/*
 * sim.c — the simulation core: the memory pool, creating a simulation from
 * a model descriptor (and restoring a checkpoint into it), the clock
 * (snn_step / snn_run with SIGINT/SIGTERM handling and a progress line),
 * variable access by qualified name and --set.
 *
 * The library never exits: every failure comes back as NULL or -1 with a
 * message, and the command line (cli.c) decides the exit status.  All
 * memory comes from one pool (a list of 64-byte aligned, zeroed blocks)
 * released at once by snn_destroy; nothing is allocated in the step loop.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "internal.h"

/* ---------------------------------------------------------------- pool */

/* A block's header is a whole alignment unit, so the payload stays aligned. */
#define ALIGN 64
struct snn_block {
	snn_block *next;
};

void snn_oom(size_t bytes)
{
	char buf[32];
	fprintf(stderr, "snn: error: out of memory (cannot allocate %s)\n",
		snn_mem_format((double)bytes, buf, sizeof buf));
	exit(1);
}

void *snn_alloc(snn_sim *sim, size_t bytes)
{
	size_t body = (bytes + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (body < bytes || body > SIZE_MAX - ALIGN)
		snn_oom(bytes);
	snn_block *b = aligned_alloc(ALIGN, ALIGN + body);
	if (!b)
		snn_oom(bytes);
	memset(b, 0, ALIGN + body);
	b->next = sim->priv->blocks;
	sim->priv->blocks = b;
	sim->priv->pool_bytes += (double)(ALIGN + body);
	return (char *)b + ALIGN;
}

void *snn_alloc_array(snn_sim *sim, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		snn_oom(SIZE_MAX);
	return snn_alloc(sim, count * size);
}

char *snn_pool_strdup(snn_sim *sim, const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(snn_alloc(sim, n), s, n);
}

char *snn_pool_printf(snn_sim *sim, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = snn_alloc(sim, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

static void pool_free(snn_block *b)
{
	while (b) {
		snn_block *next = b->next;
		free(b);
		b = next;
	}
}

/* ---------------------------------------------------------------- helpers */

double snn_round(double x)
{
	return floor(x + 0.5);
}

int snn_steps_of(double seconds, double dt, int64_t max, int64_t *out)
{
	double x = seconds / dt;
	if (!isfinite(x))
		return -1;
	double r = floor(x + 0.5);
	if (!(r >= 0) || r > (double)max || r >= 0x1p63)
		return -1;
	*out = (int64_t)r;
	return 0;
}

const char *snn_error(const snn_sim *sim)
{
	return sim->priv->error;
}

static void set_error(snn_sim *sim, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_error(snn_sim *sim, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sim->priv->error, sizeof sim->priv->error, fmt, ap);
	va_end(ap);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int snn_mkdir_p(const char *path)
{
	char buf[4096];
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n + 1);
	for (size_t k = 1; k <= n; k++) {
		if (buf[k] != '/' && buf[k] != '\0')
			continue;
		char c = buf[k];
		buf[k] = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST)
			return -1;
		buf[k] = c;
	}
	struct stat st;
	if (stat(path, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- variables */

int snn_var_is_scalar(const snn_var_desc *v)
{
	return v->kind == SNN_VK_PARAM || v->owner_kind == SNN_OWN_GLOBAL;
}

void *snn_var_data(const snn_sim *sim, const snn_var_desc *v)
{
	if (snn_var_is_scalar(v))
		return (char *)sim->state + v->offset;
	/* t_last and spiked live in the population, not in the model's state */
	if (v->kind == SNN_VK_BUILTIN && v->owner_kind == SNN_OWN_POP) {
		if (strcmp(v->name, "t_last") == 0)
			return sim->pops[v->owner].t_last;
		if (strcmp(v->name, "spiked") == 0)
			return sim->pops[v->owner].spiked;
	}
	return snn_var_array(sim, v);
}

double snn_load(const void *a, int type, int64_t i)
{
	switch (type) {
	case SNN_T_F64: return ((const double *)a)[i];
	case SNN_T_F32: return ((const float *)a)[i];
	case SNN_T_I32: return ((const int32_t *)a)[i];
	case SNN_T_U8: return ((const uint8_t *)a)[i];
	case SNN_T_I64: return (double)((const int64_t *)a)[i];
	}
	return NAN;
}

void snn_decay_table(double *f, double g, double lg)
{
	f[0] = g;
	f[1] = lg;
	for (int64_t k = 0; k < SNN_DECAY_TABLE; k++)
		f[2 + k] = snn_decay_far(f, k);
}

const snn_lazy_desc *snn_lazy_of(const snn_model *m, int var)
{
	for (int k = 0; k < m->nlazy; k++)
		if (m->lazy[k].var == var)
			return &m->lazy[k];
	return NULL;
}

double snn_lazy_get(const snn_sim *sim, const snn_lazy_desc *z, int64_t i, int64_t now)
{
	const snn_var_desc *v = &sim->model->vars[z->var];
	const void *a = snn_var_data(sim, v);
	const int64_t *st = *(int64_t *const *)((const char *)sim->state + z->stamp);
	const double *f = (const double *)((const char *)sim->state + z->decay);
	if (st[i] == now)
		return snn_load(a, v->type, i);
	/* as the generated code brings it up to date: x *= (real)snn_decay(f, n) */
	double d = snn_decay(f, now - st[i]);
	if (v->type == SNN_T_F32)
		return (float)(((const float *)a)[i] * (float)d);
	return ((const double *)a)[i] * d;
}

static void store(void *a, int type, int64_t i, double x)
{
	switch (type) {
	case SNN_T_F64: ((double *)a)[i] = x; break;
	case SNN_T_F32: ((float *)a)[i] = (float)x; break;
	case SNN_T_I32: ((int32_t *)a)[i] = (int32_t)x; break;
	case SNN_T_U8: ((uint8_t *)a)[i] = (uint8_t)x; break;
	case SNN_T_I64: ((int64_t *)a)[i] = (int64_t)x; break;
	}
}

static const char *owner_name(const snn_model *m, const snn_var_desc *v)
{
	switch (v->owner_kind) {
	case SNN_OWN_POP: return m->pops[v->owner].name;
	case SNN_OWN_CONN: return m->conns[v->owner].name;
	}
	return NULL;
}

/* "P.v", "syn.w", "reward" into buf */
static const char *qualified(const snn_model *m, const snn_var_desc *v, char *buf, size_t n)
{
	const char *owner = owner_name(m, v);
	snprintf(buf, n, "%s%s%s", owner ? owner : "", owner ? "." : "", v->name);
	return buf;
}

/* The rule for every value written from outside (--set, snn_set,
 * snn_set_text): finite, and a generator's rate not negative (a negative
 * probability per step means nothing; the Poisson draws would silently
 * read it as 0).  `text` is the value as the user wrote it, or NULL.
 * Returns 0, or -1 with the message. */
static int check_value(const snn_model *m, const snn_var_desc *v, double value, const char *text,
		       char *err, size_t errlen)
{
	char name[256], num[64];
	qualified(m, v, name, sizeof name);
	/* --set NAME: ... 'TEXT'  /  snn_set: NAME: ... VALUE */
	const char *pre = text ? "--set " : "", *q = text ? "'" : "";
	if (!text) {
		snprintf(num, sizeof num, "%g", value);
		text = num;
	}
	if (!isfinite(value)) {
		snprintf(err, errlen, "%s%s: the value %s%s%s is not finite", pre, name, q, text, q);
		return -1;
	}
	if (value < 0 && v->owner_kind == SNN_OWN_POP && v->kind == SNN_VK_PARAM &&
	    m->pops[v->owner].kind != SNN_POP_NEURON && strcmp(v->name, "rate") == 0) {
		snprintf(err, errlen, "%s%s: a generator's rate cannot be negative, got %s%s%s", pre,
			 name, q, text, q);
		return -1;
	}
	return 0;
}

/* "POP.VAR", "CONN.VAR" or "GLOBAL" */
int snn_model_find_var(const snn_model *m, const char *qname)
{
	const char *dot = strchr(qname, '.');
	size_t olen = dot ? (size_t)(dot - qname) : 0;
	const char *name = dot ? dot + 1 : qname;
	for (int k = 0; k < m->nvars; k++) {
		const snn_var_desc *v = &m->vars[k];
		const char *owner = owner_name(m, v);
		if (strcmp(v->name, name) != 0 || !owner != !dot)
			continue;
		if (!dot || (strlen(owner) == olen && memcmp(owner, qname, olen) == 0))
			return k;
	}
	return -1;
}

int snn_find_var(const snn_sim *sim, const char *qname)
{
	return snn_model_find_var(sim->model, qname);
}

int64_t snn_var_count(const snn_sim *sim, int var)
{
	const snn_var_desc *v = &sim->model->vars[var];
	if (snn_var_is_scalar(v))
		return 1;
	if (v->owner_kind == SNN_OWN_CONN && v->count == SNN_VC_PRE)
		return sim->pops[sim->model->conns[v->owner].pre].n;
	if (v->owner_kind == SNN_OWN_CONN && v->count == SNN_VC_POST)
		return sim->pops[sim->model->conns[v->owner].post].n;
	if (v->owner_kind == SNN_OWN_CONN)
		return sim->conns[v->owner].csr.nsyn;
	return sim->pops[v->owner].n;
}

double snn_get(const snn_sim *sim, int var, int64_t i)
{
	const snn_var_desc *v = &sim->model->vars[var];
	if (snn_var_is_scalar(v))
		return *(const double *)snn_var_data(sim, v);
	if (v->kind == SNN_VK_LET) {
		double x;
		v->eval(sim, i, i + 1, &x);
		return x;
	}
	const snn_lazy_desc *z = snn_lazy_of(sim->model, var);
	if (z)
		return snn_lazy_get(sim, z, i, sim->step);
	return snn_load(snn_var_data(sim, v), v->type, i);
}

int snn_set(snn_sim *sim, int var, int64_t i, double value)
{
	if (var < 0 || var >= sim->model->nvars)
		return -1;
	const snn_var_desc *v = &sim->model->vars[var];
	char qn[256];
	if (v->kind == SNN_VK_LET) {
		set_error(sim, "%s is a let: it cannot be set", qualified(sim->model, v, qn, sizeof qn));
		return -1;
	}
	if (i < 0 || i >= snn_var_count(sim, var)) {
		set_error(sim, "%s has no element %lld", qualified(sim->model, v, qn, sizeof qn),
			  (long long)i);
		return -1;
	}
	if (check_value(sim->model, v, value, NULL, sim->priv->error, sizeof sim->priv->error) != 0)
		return -1;
	if (snn_var_is_scalar(v)) {
		*(double *)snn_var_data(sim, v) = value;
		if (sim->priv->setup_done && sim->model->update)
			sim->model->update(sim);
		return 0;
	}
	void *a = snn_var_data(sim, v);
	if (!a)
		return -1;
	store(a, v->type, i, value);
	const snn_lazy_desc *z = snn_lazy_of(sim->model, var);
	if (z)              /* a lazy trace: the value is that of the current step */
		(*(int64_t **)((char *)sim->state + z->stamp))[i] = sim->step;
	return 0;
}

/* NAME=VALUE -> the name (in buf) and the value text */
static const char *split_assign(const char *assign, char *buf, size_t n)
{
	const char *eq = strchr(assign, '=');
	if (!eq || eq == assign || (size_t)(eq - assign) >= n)
		return NULL;
	memcpy(buf, assign, (size_t)(eq - assign));
	buf[eq - assign] = '\0';
	return eq + 1;
}

int snn_set_parse(const snn_model *m, const char *assign, int *var, double *value,
		  char *err, size_t errlen)
{
	char name[256], want[128], got[128];
	const char *text = split_assign(assign, name, sizeof name);
	if (!text) {
		snprintf(err, errlen, "--set '%s': expected NAME=VALUE", assign);
		return -1;
	}
	int k = snn_model_find_var(m, name);
	if (k < 0) {
		snprintf(err, errlen, "unknown name '%s'", name);
		return -1;
	}
	const snn_var_desc *v = &m->vars[k];
	if (v->kind != SNN_VK_PARAM && v->owner_kind != SNN_OWN_GLOBAL) {
		snprintf(err, errlen, "'%s' is not a param", name);
		return -1;
	}
	snn_dim dim;
	if (snn_parse_quantity(text, value, &dim) != 0) {
		snprintf(err, errlen, "--set %s: malformed value '%s'", name, text);
		return -1;
	}
	if (!snn_dim_eq(dim, v->dim)) {
		snn_dim_format(v->dim, want, sizeof want);
		snn_dim_format(dim, got, sizeof got);
		snprintf(err, errlen, "--set %s: dimensions differ: expected %s, got %s", name,
			 strcmp(want, "1") ? want : "a dimensionless number",
			 strcmp(got, "1") ? got : "a dimensionless number");
		return -1;
	}
	if (check_value(m, v, *value, text, err, errlen) != 0)
		return -1;
	*var = k;
	return 0;
}

int snn_set_text(snn_sim *sim, const char *assign, char *err, size_t errlen)
{
	int var;
	double value;
	if (snn_set_parse(sim->model, assign, &var, &value, err, errlen) != 0)
		return -1;
	if (snn_set(sim, var, 0, value) != 0) {
		snprintf(err, errlen, "%s", sim->priv->error);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- create */

/* The clock from the model and the options.  The duration is checked as a
 * double before it becomes a step count (snn_steps_of). */
static int clock_from(snn_sim *sim, const snn_options *opt, char *err, size_t errlen)
{
	const snn_model *m = sim->model;
	double duration = opt->duration < 0 ? m->duration : opt->duration;  /* NaN: refused */
	sim->dt = m->dt;
	sim->seed = opt->seed >= 0 ? (uint64_t)opt->seed : m->seed;
	sim->priv->requested_duration = duration;
	sim->t = sim->dt;
	sim->priv->out_dir = snn_pool_strdup(sim, opt->out_dir ? opt->out_dir : "out");
	sim->priv->progress = opt->progress && !opt->quiet;
	sim->priv->allow_nonfinite = opt->allow_nonfinite;
	sim->priv->nonfinite_pop = -1;
	if (!(sim->dt > 0) || !isfinite(sim->dt)) {
		snprintf(err, errlen, "dt = %g s: it must be a positive, finite time", sim->dt);
		return -1;
	}
	if (!(duration >= 0) || !isfinite(duration)) {
		snprintf(err, errlen, "the duration %g s must be a finite time, not negative", duration);
		return -1;
	}
	if (snn_steps_of(duration, sim->dt, SNN_MAX_STEPS, &sim->nsteps) != 0) {
		snprintf(err, errlen, "the duration %g s is %g steps of dt = %g s; a run takes at "
			 "most 2^53 steps", duration, snn_round(duration / sim->dt), sim->dt);
		return -1;
	}
	return 0;
}

static void alloc_pops(snn_sim *sim)
{
	for (int k = 0; k < sim->model->npops; k++) {
		snn_pop *p = &sim->pops[k];
		if (p->n <= 0 || p->spk)
			continue;
		p->spk = snn_alloc_array(sim, (size_t)p->n, sizeof *p->spk);
		p->spiked = snn_alloc_array(sim, (size_t)p->n, sizeof *p->spiked);
		p->t_last = snn_alloc_array(sim, (size_t)p->n, sizeof *p->t_last);
		for (int32_t i = 0; i < p->n; i++)
			p->t_last[i] = -INFINITY;
	}
}

static snn_sim *new_sim(const snn_model *m)
{
	snn_sim *sim = calloc(1, sizeof *sim);
	struct snn_priv *priv = calloc(1, sizeof *priv);
	if (!sim || !priv) {
		fputs("snn: out of memory\n", stderr);
		abort();
	}
	sim->model = m;
	sim->priv = priv;
	sim->pops = snn_alloc_array(sim, (size_t)m->npops + 1, sizeof *sim->pops);
	sim->conns = snn_alloc_array(sim, (size_t)m->nconns + 1, sizeof *sim->conns);
	priv->nspikes = snn_alloc_array(sim, (size_t)m->npops + 1, sizeof *priv->nspikes);
	for (int k = 0; k < m->npops; k++) {
		sim->pops[k].name = m->pops[k].name;
		sim->pops[k].n = m->pops[k].n;
	}
	for (int k = 0; k < m->nconns; k++)
		sim->conns[k].name = m->conns[k].name;
	sim->state = snn_alloc(sim, m->state_size);
	return sim;
}

static int apply_sets(snn_sim *sim, const snn_options *opt, char *err, size_t errlen)
{
	for (int k = 0; k < opt->nset; k++)
		if (snn_set_text(sim, opt->set[k], err, errlen) != 0)
			return -1;
	return 0;
}

static int make_out_dir(snn_sim *sim, char *err, size_t errlen)
{
	if (snn_mkdir_p(sim->priv->out_dir) == 0)
		return 0;
	snprintf(err, errlen, "cannot create the output directory '%s': %s",
		 sim->priv->out_dir, strerror(errno));
	return -1;
}

/* After setup: the checkpoint's state, then --set again (a param changed at
 * the restore point), then the duration counts from the restored step. */
static int restore(snn_sim *sim, const snn_options *opt, char *err, size_t errlen)
{
	if (snn_checkpoint_load(sim, opt->restore, err, errlen) != 0 ||
	    apply_sets(sim, opt, err, errlen) != 0)
		return -1;
	if (sim->step > SNN_MAX_STEPS - sim->nsteps) {
		snprintf(err, errlen, "checkpoint '%s': %lld steps done and %lld to go exceed the "
			 "2^53 steps a run can take", opt->restore, (long long)sim->step,
			 (long long)sim->nsteps);
		return -1;
	}
	sim->nsteps += sim->step;
	return 0;
}

/* ---------------------------------------------------------------- signals */

static volatile sig_atomic_t pending_signal;

static void on_signal(int sig)
{
	pending_signal = sig;
}

int snn_signal_pending(void)
{
	return pending_signal;
}

/* From the very start of snn_create, so that a signal during setup is a
 * flag like one during the run, not the default action (which would leave
 * the previous run's files in the output directory as they were). */
static void install_handlers(snn_sim *sim)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	pending_signal = 0;
	sigaction(SIGINT, &sa, &sim->priv->old_int);
	sigaction(SIGTERM, &sa, &sim->priv->old_term);
	/* a file size limit (ulimit -f) makes write() fail with EFBIG, which
	 * the writers report, instead of killing the process mid-file */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGXFSZ, &sa, &sim->priv->old_xfsz);
	sim->priv->handlers = 1;
}

static void remove_handlers(snn_sim *sim)
{
	if (!sim->priv->handlers)
		return;
	sigaction(SIGINT, &sim->priv->old_int, NULL);
	sigaction(SIGTERM, &sim->priv->old_term, NULL);
	sigaction(SIGXFSZ, &sim->priv->old_xfsz, NULL);
	sim->priv->handlers = 0;
}

/* meta.json with "complete": false, before anything else is written: a
 * previous run's meta.json never stays to vouch for files this run is
 * about to replace (or leave behind: a file meta.json does not list is not
 * this run's). */
static int mark_incomplete(snn_sim *sim, char *err, size_t errlen)
{
	if (snn_meta_write(sim) == 0)
		return 0;
	snprintf(err, errlen, "cannot write '%s/meta.json': %s", sim->priv->out_dir, strerror(errno));
	return -1;
}

/* Defaults, --set, the memory estimate of the populations, setup (which
 * checks each connection's estimate before building it), and a refusal a
 * queue could only defer. */
static int build(snn_sim *sim, const snn_options *opt, char *err, size_t errlen)
{
	const snn_model *m = sim->model;
	if (m->defaults)
		m->defaults(sim);
	if (apply_sets(sim, opt, err, errlen) != 0 || snn_mem_check_pops(sim, err, errlen) != 0)
		return -1;
	alloc_pops(sim);
	if (m->setup && m->setup(sim, err, errlen) != 0)
		return -1;
	if (sim->priv->mem_refusal[0]) {
		snprintf(err, errlen, "%s", sim->priv->mem_refusal);
		return -1;
	}
	alloc_pops(sim);        /* from_file populations know their size now */
	sim->priv->setup_done = 1;
	return 0;
}

snn_sim *snn_create(const snn_model *m, const snn_options *opt, char *err, size_t errlen)
{
	static const snn_options none = { .duration = -1, .seed = -1 };
	if (!opt)
		opt = &none;
	snn_sim *sim = new_sim(m);
	install_handlers(sim);
	sim->priv->mem_available = snn_mem_available();
	if (clock_from(sim, opt, err, errlen) != 0 || make_out_dir(sim, err, errlen) != 0 ||
	    mark_incomplete(sim, err, errlen) != 0 || build(sim, opt, err, errlen) != 0)
		goto fail;
	if (opt->restore && restore(sim, opt, err, errlen) != 0)
		goto fail;
	if (snn_inputs_open(sim, opt, err, errlen) != 0)
		goto fail;
	if (snn_monitors_open(sim, err, errlen) != 0)
		goto fail;
	/* still incomplete, now naming this run's files */
	if (mark_incomplete(sim, err, errlen) != 0)
		goto fail;
	return sim;
fail:
	snn_destroy(sim);
	return NULL;
}

/* ---------------------------------------------------------------- non-finite */

int snn_nonfinite(snn_sim *sim, int pop)
{
	if (sim->priv->allow_nonfinite)
		return 0;
	if (sim->priv->nonfinite_pop < 0)
		sim->priv->nonfinite_pop = pop;
	return 1;
}

/* The first element (smallest index, then table order) of a state of pop
 * that is NaN or infinite, into *var / *elem; 0, or -1 when none is. */
static int first_nonfinite(const snn_sim *sim, int pop, int *var, int64_t *elem)
{
	const snn_model *m = sim->model;
	*var = -1;
	for (int k = 0; k < m->nvars; k++) {
		const snn_var_desc *v = &m->vars[k];
		if (v->kind != SNN_VK_STATE || v->owner_kind != SNN_OWN_POP || v->owner != pop ||
		    (v->type != SNN_T_F64 && v->type != SNN_T_F32))
			continue;
		const void *a = snn_var_array(sim, v);
		int64_t n = *var < 0 ? sim->pops[pop].n : *elem;
		for (int64_t i = 0; a && i < n; i++)
			if (!isfinite(snn_load(a, v->type, i))) {
				*var = k;
				*elem = i;
				break;
			}
	}
	return *var < 0 ? -1 : 0;
}

/* "12.3 ms", "2.5 s" */
static void format_time(double t, char *buf, size_t n)
{
	if (t < 1)
		snprintf(buf, n, "%.6g ms", t * 1e3);
	else
		snprintf(buf, n, "%.6g s", t);
}

static void report_nonfinite(snn_sim *sim)
{
	int pop = sim->priv->nonfinite_pop, var;
	int64_t i;
	char t[64], qn[256];
	format_time(sim->t, t, sizeof t);
	if (first_nonfinite(sim, pop, &var, &i) == 0)
		set_error(sim, "%s[%lld] is not finite at t = %s (step %lld)",
			  qualified(sim->model, &sim->model->vars[var], qn, sizeof qn), (long long)i, t,
			  (long long)sim->step);
	else
		set_error(sim, "a state of %s is not finite at t = %s (step %lld)", sim->pops[pop].name,
			  t, (long long)sim->step);
}

/* ---------------------------------------------------------------- clock */

int snn_step(snn_sim *sim)
{
	if (sim->priv->nonfinite_pop >= 0)
		return -1;      /* the state is that of a broken step: stay stopped */
	sim->t = (double)(sim->step + 1) * sim->dt;
	snn_inputs_apply(sim);
	sim->model->step(sim);
	if (sim->priv->nonfinite_pop >= 0) {
		report_nonfinite(sim);
		return -1;
	}
	for (int k = 0; k < sim->model->npops; k++)
		sim->priv->nspikes[k] += sim->pops[k].nspk;
	sim->step++;
	return 0;
}

/* `\r  t = 0.512 s / 1.000 s  51%  ETA 0.4 s  2.1x real time` */
static void progress_line(const snn_sim *sim, double elapsed)
{
	double t = (double)sim->step * sim->dt, total = (double)sim->nsteps * sim->dt;
	int pct = sim->nsteps ? (int)(100 * sim->step / sim->nsteps) : 100;
	double eta = sim->step ? elapsed * (double)(sim->nsteps - sim->step) / (double)sim->step : 0;
	double speed = elapsed > 0 ? t / elapsed : 0;
	fprintf(stderr, "\r  t = %.3f s / %.3f s  %3d%%  ETA %.1f s  %.1fx real time",
		t, total, pct, eta, speed);
	fflush(stderr);
}

int snn_run(snn_sim *sim)
{
	double t0 = now(), shown = t0;
	int failed = 0;
	while (sim->step < sim->nsteps && !pending_signal) {
		if (snn_step(sim) != 0) {
			failed = 1;
			break;
		}
		if (sim->priv->progress && now() - shown >= 0.5) {
			shown = now();
			progress_line(sim, shown - t0);
		}
	}
	sim->priv->wall_time += now() - t0;
	if (sim->priv->progress) {
		progress_line(sim, now() - t0);
		fputc('\n', stderr);
	}

	/* a signal is reported once: the next snn_run goes on */
	int sig = pending_signal;
	pending_signal = 0;
	sim->priv->signal = sig;
	return failed ? -1 : sig;
}

/* ---------------------------------------------------------------- finish */

/* Closing the monitors leaves every file valid (npy.c); only then does
 * meta.json say "complete": true.  Its "error" is why the run stopped
 * early (a non-finite state) or why a file could not be written. */
int snn_finish(snn_sim *sim)
{
	struct snn_priv *p = sim->priv;
	char stop[sizeof p->error];
	snprintf(stop, sizeof stop, "%s", p->error);
	p->error[0] = '\0';
	int rc = snn_monitors_close(sim);
	p->complete = rc == 0;
	if (rc == 0)
		memcpy(p->error, stop, sizeof stop);
	if (snn_meta_write(sim) != 0) {
		if (rc == 0)    /* else the first failure is the one to tell */
			set_error(sim, "cannot write '%s/meta.json': %s", p->out_dir, strerror(errno));
		rc = -1;
	}
	p->finished = 1;
	return rc;
}

void snn_destroy(snn_sim *sim)
{
	if (!sim)
		return;
	snn_monitors_close(sim);
	remove_handlers(sim);
	pool_free(sim->priv->blocks);
	free(sim->priv);
	free(sim);
}
