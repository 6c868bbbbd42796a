/*
 * monitor.c — phase 6: recording spikes and variables into .npy files.
 *
 * One monitor per record of the model.  A spike monitor writes
 * STEM.spikes.t.npy (float64) and STEM.spikes.i.npy (int32, relative to the
 * slice) and appends the step's spikes inside its element range.  A
 * variable monitor writes STEM.npy ([samples, elements], or [samples] for a
 * param, global or population scalar) and STEM.t.npy, sampling at step n
 * when (n + 1) is a multiple of round(every/dt); a connection variable also
 * gets CONN.pre.npy / CONN.post.npy once per connection, the pre and post
 * index of each recorded column.
 *
 * Every file is created at open, so it exists even when empty; the buffer
 * for one row is allocated at open too, never in the step loop.  Each step
 * appends to all files before the clock looks at a pending signal, so
 * closing them after any completed step leaves them consistent.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

struct snn_monitor {
	const snn_record_desc *rec;
	const char *values_path, *times_path;   /* for messages */
	const snn_var_desc *var;    /* NULL for spikes */
	const snn_lazy_desc *lazy;  /* var is a lazy trace (decayed when read), or NULL */
	int64_t i0, i1;             /* element range, absolute */
	int64_t every;              /* sampling period in steps */
	int64_t due;                /* the next multiple of every after step + 1 (0: not yet known) */
	snn_npy_writer *values;     /* spikes: indices */
	snn_npy_writer *times;
	double *row;                /* one row of values; spikes: their times */
	int32_t *idx;               /* spikes: indices of one step */
};

static void add_file(snn_sim *sim, const char *name, const char *holds, const char *dtype,
		     const char *unit)
{
	struct snn_priv *p = sim->priv;
	p->files[p->nfiles++] = (snn_outfile){ name, holds, dtype, unit };
}

/* Create DIR/NAME as a streamed .npy and list it for meta.json; *pathp
 * gets its path for messages. */
static snn_npy_writer *create(snn_sim *sim, const char *name, int type, int64_t ncols,
			      const char *holds, const char *unit, const char **pathp,
			      char *err, size_t errlen)
{
	char *path = snn_pool_printf(sim, "%s/%s", sim->priv->out_dir, name);
	*pathp = path;
	errno = 0;
	snn_npy_writer *w = snn_npy_open(path, type, ncols, 0);
	if (!w) {
		snprintf(err, errlen, "cannot create '%s': %s", path,
			 errno ? strerror(errno) : "write error");
		return NULL;
	}
	add_file(sim, name, holds, type == SNN_T_F64 ? "float64" : "int32", unit);
	return w;
}

static const char *unit_of(snn_sim *sim, const snn_var_desc *v)
{
	char buf[128];
	if (v->unit && *v->unit)
		return v->unit;
	return snn_pool_strdup(sim, snn_dim_format(v->dim, buf, sizeof buf));
}

static int64_t owner_size(const snn_sim *sim, const snn_record_desc *r, const snn_var_desc *v)
{
	if (!v)
		return sim->pops[r->pop].n;
	return snn_var_count(sim, (int)(v - sim->model->vars));
}

static int open_spikes(snn_sim *sim, snn_monitor *mo, char *err, size_t errlen)
{
	const char *s = mo->rec->stem;
	int64_t n = mo->i1 - mo->i0;
	mo->row = snn_alloc_array(sim, (size_t)n + 1, sizeof *mo->row);
	mo->idx = snn_alloc_array(sim, (size_t)n + 1, sizeof *mo->idx);
	mo->times = create(sim, snn_pool_printf(sim, "%s.spikes.t.npy", s), SNN_T_F64, -1,
			   snn_pool_printf(sim, "spike times of %s", s), "second", &mo->times_path,
			   err, errlen);
	if (!mo->times)
		return -1;
	mo->values = create(sim, snn_pool_printf(sim, "%s.spikes.i.npy", s), SNN_T_I32, -1,
			    snn_pool_printf(sim, "spike indices of %s, in step order then index order", s),
			    "1", &mo->values_path, err, errlen);
	return mo->values ? 0 : -1;
}

/* CONN.pre.npy and CONN.post.npy for the columns of a connection variable:
 * the stem "syn.w" without its last component names the connection. */
static int write_pre_post(snn_sim *sim, snn_monitor *mo, char *err, size_t errlen)
{
	const char *stem = mo->rec->stem, *dot = strrchr(stem, '.');
	int len = dot ? (int)(dot - stem) : (int)strlen(stem);
	const snn_csr *csr = &sim->conns[mo->var->owner].csr;
	int64_t shape[1] = { mo->i1 - mo->i0 };
	static const char *const side[2] = { "pre", "post" };
	for (int k = 0; k < 2; k++) {
		const int32_t *ix = k == 0 ? csr->pre : csr->post;
		char *name = snn_pool_printf(sim, "%.*s.%s.npy", len, stem, side[k]);
		char *path = snn_pool_printf(sim, "%s/%s", sim->priv->out_dir, name);
		if (snn_npy_save(path, SNN_T_I32, 1, shape, ix ? ix + mo->i0 : NULL) != 0) {
			snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
			return -1;
		}
		add_file(sim, name, snn_pool_printf(sim, "the %s index of each synapse in the columns of %s",
						    side[k], stem), "int32", "1");
	}
	return 0;
}

static int open_var(snn_sim *sim, snn_monitor *mo, char *err, size_t errlen)
{
	const char *s = mo->rec->stem;
	int scalar = snn_var_is_scalar(mo->var);
	int64_t n = scalar ? 1 : mo->i1 - mo->i0;
	double every = mo->rec->every > 0 ? snn_round(mo->rec->every / sim->dt) : 1;
	mo->every = every >= 1 ? (int64_t)every : 1;
	mo->row = snn_alloc_array(sim, (size_t)n + 1, sizeof *mo->row);
	static const char *const columns[] = {
		[SNN_VC_OWNER] = "element", [SNN_VC_PRE] = "presynaptic neuron",
		[SNN_VC_POST] = "postsynaptic neuron",
	};
	int vc = mo->var->count >= SNN_VC_OWNER && mo->var->count <= SNN_VC_POST ? mo->var->count : 0;
	mo->values = create(sim, snn_pool_printf(sim, "%s.npy", s), SNN_T_F64, scalar ? -1 : n,
			    scalar ? snn_pool_printf(sim, "values of %s, one per sample", s)
				   : snn_pool_printf(sim, "values of %s, one row per sample, one column per %s",
						     s, columns[vc]),
			    unit_of(sim, mo->var), &mo->values_path, err, errlen);
	if (!mo->values)
		return -1;
	mo->times = create(sim, snn_pool_printf(sim, "%s.t.npy", s), SNN_T_F64, -1,
			   snn_pool_printf(sim, "sample times of %s", s), "second", &mo->times_path,
			   err, errlen);
	return mo->times ? 0 : -1;
}

static int open_one(snn_sim *sim, snn_monitor *mo, char *conn_done, char *err, size_t errlen)
{
	const snn_record_desc *r = mo->rec;
	mo->var = r->what == SNN_REC_VAR ? &sim->model->vars[r->var] : NULL;
	mo->lazy = mo->var ? snn_lazy_of(sim->model, r->var) : NULL;
	mo->i0 = r->i0;
	mo->i1 = r->i1 < 0 ? owner_size(sim, r, mo->var) : r->i1;
	if (!mo->var)
		return open_spikes(sim, mo, err, errlen);
	/* a connection's synapse count is known only now; [a:b] must fit it */
	int64_t count = owner_size(sim, r, mo->var);
	if (!snn_var_is_scalar(mo->var) && mo->i1 > count) {
		snprintf(err, errlen, "record %s[%lld:%lld]: out of range: it has %lld elements", r->stem,
			 (long long)mo->i0, (long long)mo->i1, (long long)count);
		return -1;
	}
	if (open_var(sim, mo, err, errlen) != 0)
		return -1;
	/* CONN.pre/post.npy name the columns of per-synapse variables only */
	if (mo->var->owner_kind != SNN_OWN_CONN || snn_var_is_scalar(mo->var) ||
	    mo->var->count != SNN_VC_OWNER || conn_done[mo->var->owner])
		return 0;
	conn_done[mo->var->owner] = 1;
	return write_pre_post(sim, mo, err, errlen);
}

int snn_monitors_open(snn_sim *sim, char *err, size_t errlen)
{
	const snn_model *m = sim->model;
	struct snn_priv *p = sim->priv;
	char *conn_done = snn_alloc(sim, (size_t)m->nconns + 1);
	p->mon = snn_alloc_array(sim, (size_t)m->nrecords + 1, sizeof *p->mon);
	p->files = snn_alloc_array(sim, 4 * (size_t)m->nrecords + 1, sizeof *p->files);
	for (int k = 0; k < m->nrecords; k++) {
		p->mon[k].rec = &m->records[k];
		p->nmon = k + 1;
		if (open_one(sim, &p->mon[k], conn_done, err, errlen) != 0)
			return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- phase 6 */

static void record_spikes(snn_sim *sim, snn_monitor *mo)
{
	const snn_pop *p = &sim->pops[mo->rec->pop];
	int32_t n = 0;
	for (int32_t k = 0; k < p->nspk; k++) {
		int32_t i = p->spk[k];
		if (i < mo->i0 || i >= mo->i1)
			continue;
		mo->idx[n] = (int32_t)(i - mo->rec->offset);
		mo->row[n++] = sim->t;
	}
	if (n == 0)
		return;
	snn_npy_append(mo->times, mo->row, n);
	snn_npy_append(mo->values, mo->idx, n);
}

static int64_t read_row(snn_sim *sim, snn_monitor *mo)
{
	const snn_var_desc *v = mo->var;
	int64_t n = mo->i1 - mo->i0;
	if (snn_var_is_scalar(v)) {
		mo->row[0] = *(const double *)snn_var_data(sim, v);
		return 1;
	}
	if (v->kind == SNN_VK_LET) {
		v->eval(sim, mo->i0, mo->i1, mo->row);
		return n;
	}
	if (mo->lazy) {     /* a lazy trace, as it is after this step (phase 6) */
		for (int64_t k = 0; k < n; k++)
			mo->row[k] = snn_lazy_get(sim, mo->lazy, mo->i0 + k, sim->step + 1);
		return n;
	}
	const void *a = snn_var_data(sim, v);
	for (int64_t k = 0; k < n; k++)
		mo->row[k] = snn_load(a, v->type, mo->i0 + k);
	return n;
}

/* Nonzero when step n samples: (n + 1) % every == 0, without a division in
 * most steps.  mo->due, a multiple of every, is trusted only while step + 1
 * lies within the period before it (--restore and the API may set the
 * clock anywhere); otherwise it is computed afresh. */
static int sample_due(const snn_sim *sim, snn_monitor *mo)
{
	int64_t s1 = sim->step + 1;
	if (s1 == mo->due) {
		mo->due = s1 + mo->every;
		return 1;
	}
	if (s1 < mo->due && mo->due - s1 < mo->every)
		return 0;
	int64_t r = s1 % mo->every;
	mo->due = s1 - r + mo->every;
	return r == 0;
}

static void record_var(snn_sim *sim, snn_monitor *mo)
{
	if (!sample_due(sim, mo))
		return;
	int64_t n = read_row(sim, mo);
	snn_npy_append(mo->values, mo->row, n);
	snn_npy_append(mo->times, &sim->t, 1);
}

void snn_record(snn_sim *sim)
{
	struct snn_priv *p = sim->priv;
	for (int k = 0; k < p->nmon; k++) {
		if (p->mon[k].var)
			record_var(sim, &p->mon[k]);
		else
			record_spikes(sim, &p->mon[k]);
	}
}

/* ---------------------------------------------------------------- close */

/* Closes *w (npy.c leaves the file valid or removes it); the first
 * failure's message, with errno's reason, goes into priv->error. */
static int close_writer(snn_sim *sim, snn_npy_writer **w, const char *path, int rc)
{
	if (!*w)
		return rc;
	int bad = snn_npy_close(*w) != 0;
	*w = NULL;
	if (bad && rc == 0)
		snprintf(sim->priv->error, sizeof sim->priv->error, "cannot write '%s': %s", path,
			 strerror(errno));
	return bad ? -1 : rc;
}

int snn_monitors_close(snn_sim *sim)
{
	int rc = 0;
	for (int k = 0; k < sim->priv->nmon; k++) {
		snn_monitor *mo = &sim->priv->mon[k];
		rc = close_writer(sim, &mo->values, mo->values_path, rc);
		rc = close_writer(sim, &mo->times, mo->times_path, rc);
	}
	return rc;
}
