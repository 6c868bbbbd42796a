/*
 * checkpoint.c — the whole state of a simulation after a completed step, in
 * one binary file (--checkpoint), and back into a fresh simulation
 * (--restore), so that the restored run continues bit for bit as if it had
 * never stopped.
 *
 * What is saved: the clock (the global step), per population `t_last`,
 * `spiked`, the last step's spike list and the spikes counted so far, every
 * buffer the generated model lists in snn_model.bufs (states, both input
 * buffers, refractory arrays and base, params, spike queues) and every
 * generator's position.  What is not: whatever setup rebuilds from the seed
 * and the --set values — connectivity, delays, exact propagators, data
 * files.  Those are checked instead: the synapses by their count and a
 * hash, the delays byte for byte (rows marked `rebuilt`), so a checkpoint
 * never lands on a network it was not taken from.
 *
 * Format, version 1, native byte order (a marker checks it):
 *   "SNNCKPT\0", u32 version, u32 0x01020304
 *   i64 length + bytes of the network name, u64 model hash, u64 seed,
 *   f64 dt, i64 step
 *   i64 npops, each population's size; i64 nconns, each nsyn and synapse hash
 *   per population: t_last[n], spiked[n], i64 nspk, spk[nspk], i64 spikes
 *   per buffer row, in table order: i64 bytes and the bytes, or a queue in
 *     queue.c's form
 *   per generator (population order): gen.c's form
 *   u64 hash of every byte before it, "SNCKEND\0"
 * The model hash covers the network's name, dt, precision and its tables
 * of populations, connections, variables and buffers (names, kinds, element
 * sizes): another model, or the same one compiled with other variables, is
 * refused before anything is loaded.  Every get checks for a short read, and
 * the trailing hash catches a damaged file before the simulation runs.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define VERSION 1u
#define BYTE_ORDER_MARK 0x01020304u
static const char MAGIC[8] = "SNNCKPT";
static const char END[8] = "SNCKEND";
#define REBUILT_HINT " (another seed, --set value or data file?)"

/* ---------------------------------------------------------------- hashing */

#define FNV_OFFSET 14695981039346656037ull
#define FNV_PRIME 1099511628211ull

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t k = 0; k < n; k++)
		h = (h ^ b[k]) * FNV_PRIME;
	return h;
}

static uint64_t fnv_str(uint64_t h, const char *s)
{
	return fnv(h, s ? s : "", strlen(s ? s : "") + 1);
}

static uint64_t fnv_i64(uint64_t h, int64_t x)
{
	return fnv(h, &x, sizeof x);
}

/* The model's identity: everything in its tables that shapes the state. */
static uint64_t model_hash(const snn_model *m)
{
	uint64_t h = fnv_str(FNV_OFFSET, m->network);
	h = fnv(h, &m->dt, sizeof m->dt);
	h = fnv_i64(h, m->single);
	for (int k = 0; k < m->npops; k++) {
		h = fnv_str(fnv_str(h, m->pops[k].name), m->pops[k].model);
		h = fnv_i64(h, m->pops[k].kind);
	}
	for (int k = 0; k < m->nconns; k++) {
		const snn_conn_desc *c = &m->conns[k];
		h = fnv_i64(fnv_i64(fnv_str(fnv_str(h, c->name), c->synapse), c->pre), c->post);
	}
	for (int k = 0; k < m->nvars; k++) {
		const snn_var_desc *v = &m->vars[k];
		h = fnv_i64(fnv_i64(fnv_str(h, v->name), v->owner_kind), v->owner);
		h = fnv_i64(fnv_i64(h, v->kind), v->type);
	}
	for (int k = 0; k < m->nbufs; k++) {
		const snn_buf_desc *b = &m->bufs[k];
		h = fnv_i64(fnv_i64(fnv_str(h, b->name), b->count_kind), b->owner);
		h = fnv_i64(fnv_i64(h, (int64_t)b->elem), b->rebuilt);
	}
	return h;
}

/* Which pre and post each synapse connects. */
static uint64_t synapse_hash(const snn_csr *csr)
{
	uint64_t h = FNV_OFFSET;
	if (csr->nsyn > 0 && csr->pre && csr->post) {
		h = fnv(h, csr->pre, (size_t)csr->nsyn * sizeof *csr->pre);
		h = fnv(h, csr->post, (size_t)csr->nsyn * sizeof *csr->post);
	}
	return h;
}

/* ---------------------------------------------------------------- stream */

void snn_ckpt_fail(snn_ckpt *c, const char *fmt, ...)
{
	if (c->failed)
		return;
	c->failed = 1;
	int n = snprintf(c->err, c->errlen, "checkpoint '%s': ", c->path);
	if (n < 0 || (size_t)n >= c->errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

void snn_ckpt_put(snn_ckpt *c, const void *p, size_t n)
{
	if (c->failed || n == 0)
		return;
	c->hash = fnv(c->hash, p, n);
	if (fwrite(p, 1, n, c->f) != n)
		snn_ckpt_fail(c, "write error: %s", strerror(errno));
}

void snn_ckpt_get(snn_ckpt *c, void *p, size_t n)
{
	if (c->failed) {
		memset(p, 0, n);
		return;
	}
	if (fread(p, 1, n, c->f) != n) {
		memset(p, 0, n);
		snn_ckpt_fail(c, "the file is truncated or unreadable");
		return;
	}
	c->hash = fnv(c->hash, p, n);
}

void snn_ckpt_put_i64(snn_ckpt *c, int64_t x)
{
	snn_ckpt_put(c, &x, sizeof x);
}

int64_t snn_ckpt_get_i64(snn_ckpt *c)
{
	int64_t x;
	snn_ckpt_get(c, &x, sizeof x);
	return x;
}

static uint64_t get_u64(snn_ckpt *c)
{
	uint64_t x;
	snn_ckpt_get(c, &x, sizeof x);
	return x;
}

/* ---------------------------------------------------------------- buffers */

static int64_t buf_count(const snn_sim *sim, const snn_buf_desc *b)
{
	switch (b->count_kind) {
	case SNN_BUF_POP: return sim->pops[b->owner].n;
	case SNN_BUF_SYN: return sim->conns[b->owner].csr.nsyn;
	case SNN_BUF_ONE: return 1;
	case SNN_BUF_PRE: return sim->pops[sim->model->conns[b->owner].pre].n;
	case SNN_BUF_POST: return sim->pops[sim->model->conns[b->owner].post].n;
	}
	return 0;
}

/* The field itself, or the array a pointer field points to. */
static void *buf_data(const snn_sim *sim, const snn_buf_desc *b)
{
	void *field = (char *)sim->state + b->offset;
	return b->count_kind == SNN_BUF_ONE ? field : *(void **)field;
}

static size_t buf_bytes(const snn_sim *sim, const snn_buf_desc *b)
{
	return buf_data(sim, b) ? (size_t)buf_count(sim, b) * b->elem : 0;
}

static void save_buf(snn_ckpt *c, const snn_buf_desc *b)
{
	void *q = *(void **)((char *)c->sim->state + b->offset);
	switch (b->count_kind) {
	case SNN_BUF_QUEUE: snn_queue_save(c, q); return;
	case SNN_BUF_SYNQUEUE: snn_synqueue_save(c, q); return;
	}
	size_t n = buf_bytes(c->sim, b);
	snn_ckpt_put_i64(c, (int64_t)n);
	snn_ckpt_put(c, buf_data(c->sim, b), n);
}

/* A rebuilt buffer must equal this run's, read in chunks. */
static void compare_buf(snn_ckpt *c, const snn_buf_desc *b, const char *here, size_t n)
{
	char chunk[4096];
	for (size_t k = 0; k < n && !c->failed; k += sizeof chunk) {
		size_t len = n - k < sizeof chunk ? n - k : sizeof chunk;
		snn_ckpt_get(c, chunk, len);
		if (!c->failed && memcmp(chunk, here + k, len) != 0)
			snn_ckpt_fail(c, "%s differs from the one this run built" REBUILT_HINT, b->name);
	}
}

static void load_buf(snn_ckpt *c, const snn_buf_desc *b)
{
	void *q = *(void **)((char *)c->sim->state + b->offset);
	switch (b->count_kind) {
	case SNN_BUF_QUEUE: snn_queue_load(c, q, b->name); return;
	case SNN_BUF_SYNQUEUE: snn_synqueue_load(c, q, b->name); return;
	}
	size_t n = buf_bytes(c->sim, b);
	int64_t saved = snn_ckpt_get_i64(c);
	if (!c->failed && saved != (int64_t)n)
		snn_ckpt_fail(c, "%s has %" PRId64 " bytes there, %zu here", b->name, saved, n);
	else if (b->rebuilt)
		compare_buf(c, b, buf_data(c->sim, b), n);
	else
		snn_ckpt_get(c, buf_data(c->sim, b), n);
}

/* ---------------------------------------------------------------- save */

static void save_identity(snn_ckpt *c)
{
	const snn_sim *sim = c->sim;
	const snn_model *m = sim->model;
	uint32_t head[2] = { VERSION, BYTE_ORDER_MARK };
	const char *net = m->network ? m->network : "";
	snn_ckpt_put(c, MAGIC, sizeof MAGIC);
	snn_ckpt_put(c, head, sizeof head);
	snn_ckpt_put_i64(c, (int64_t)strlen(net));
	snn_ckpt_put(c, net, strlen(net));
	uint64_t h = model_hash(m);
	snn_ckpt_put(c, &h, sizeof h);
	snn_ckpt_put(c, &sim->seed, sizeof sim->seed);
	snn_ckpt_put(c, &sim->dt, sizeof sim->dt);
	snn_ckpt_put_i64(c, sim->step);
	snn_ckpt_put_i64(c, m->npops);
	for (int k = 0; k < m->npops; k++)
		snn_ckpt_put_i64(c, sim->pops[k].n);
	snn_ckpt_put_i64(c, m->nconns);
	for (int k = 0; k < m->nconns; k++) {
		snn_ckpt_put_i64(c, sim->conns[k].csr.nsyn);
		h = synapse_hash(&sim->conns[k].csr);
		snn_ckpt_put(c, &h, sizeof h);
	}
}

static void save_pops(snn_ckpt *c)
{
	for (int k = 0; k < c->sim->model->npops; k++) {
		const snn_pop *p = &c->sim->pops[k];
		snn_ckpt_put(c, p->t_last, (size_t)p->n * sizeof *p->t_last);
		snn_ckpt_put(c, p->spiked, (size_t)p->n * sizeof *p->spiked);
		snn_ckpt_put_i64(c, p->nspk);
		snn_ckpt_put(c, p->spk, (size_t)p->nspk * sizeof *p->spk);
		snn_ckpt_put_i64(c, c->sim->priv->nspikes[k]);
	}
}

static void save_all(snn_ckpt *c)
{
	const snn_model *m = c->sim->model;
	save_identity(c);
	save_pops(c);
	for (int k = 0; k < m->nbufs; k++)
		save_buf(c, &m->bufs[k]);
	for (int k = 0; k < m->npops; k++)
		if (c->sim->pops[k].gen)
			snn_gen_save(c, c->sim->pops[k].gen);
	uint64_t h = c->hash;
	snn_ckpt_put(c, &h, sizeof h);
	snn_ckpt_put(c, END, sizeof END);
}

int snn_checkpoint_save(snn_sim *sim, const char *path, char *err, size_t errlen)
{
	char *tmp = snn_pool_printf(sim, "%s.tmp", path);
	snn_ckpt c = { .sim = sim, .path = path, .hash = FNV_OFFSET, .err = err, .errlen = errlen };
	c.f = fopen(tmp, "wb");
	if (!c.f) {
		snn_ckpt_fail(&c, "cannot create '%s': %s", tmp, strerror(errno));
		return -1;
	}
	save_all(&c);
	if (!c.failed && fflush(c.f) != 0)
		snn_ckpt_fail(&c, "write error: %s", strerror(errno));
	if (fclose(c.f) != 0)
		snn_ckpt_fail(&c, "write error: %s", strerror(errno));
	if (!c.failed && rename(tmp, path) != 0)
		snn_ckpt_fail(&c, "cannot rename '%s': %s", tmp, strerror(errno));
	if (c.failed)
		remove(tmp);
	return c.failed ? -1 : 0;
}

/* ---------------------------------------------------------------- load */

static void check_header(snn_ckpt *c)
{
	char magic[8];
	uint32_t head[2];
	snn_ckpt_get(c, magic, sizeof magic);
	if (c->failed || memcmp(magic, MAGIC, sizeof magic) != 0) {
		c->failed = 0;
		snn_ckpt_fail(c, "not an snnc checkpoint");
		return;
	}
	snn_ckpt_get(c, head, sizeof head);
	if (!c->failed && head[1] != BYTE_ORDER_MARK)
		snn_ckpt_fail(c, "written on a machine of another byte order");
	else if (!c->failed && head[0] != VERSION)
		snn_ckpt_fail(c, "format version %u, this simulator reads version %u", head[0], VERSION);
}

static void check_model(snn_ckpt *c)
{
	const snn_model *m = c->sim->model;
	const char *net = m->network ? m->network : "";
	char there[256];
	int64_t len = snn_ckpt_get_i64(c);
	if (c->failed)
		return;
	if (len < 0 || len >= (int64_t)sizeof there) {
		snn_ckpt_fail(c, "not an snnc checkpoint");
		return;
	}
	snn_ckpt_get(c, there, (size_t)len);
	there[len] = '\0';
	uint64_t h = get_u64(c);
	if (!c->failed && strcmp(there, net) != 0)
		snn_ckpt_fail(c, "it holds network '%s', this simulator runs network '%s'", there, net);
	else if (!c->failed && h != model_hash(m))
		snn_ckpt_fail(c, "it was written by another model of network '%s' "
			      "(its variables or buffers differ)", net);
}

static void check_run(snn_ckpt *c)
{
	const snn_sim *sim = c->sim;
	uint64_t seed = get_u64(c);
	double dt;
	snn_ckpt_get(c, &dt, sizeof dt);
	if (!c->failed && seed != sim->seed)
		snn_ckpt_fail(c, "it was written with seed %" PRIu64 ", this run uses seed %" PRIu64
			      " (connectivity and random numbers depend on it: use --seed %" PRIu64 ")",
			      seed, sim->seed, seed);
	else if (!c->failed && memcmp(&dt, &sim->dt, sizeof dt) != 0)
		snn_ckpt_fail(c, "it was written with dt = %g s, this model has dt = %g s", dt, sim->dt);
}

/* "connection rec: 361 synapses there, 355 here" */
static void check_count(snn_ckpt *c, const char *what, const char *name, const char *unit,
			int64_t here)
{
	int64_t there = snn_ckpt_get_i64(c);
	if (!c->failed && there != here)
		snn_ckpt_fail(c, "%s %s: %" PRId64 " %s there, %" PRId64 " here%s", what, name, there,
			      unit, here, strcmp(unit, "synapses") == 0 ? REBUILT_HINT : "");
}

static void check_sizes(snn_ckpt *c)
{
	const snn_sim *sim = c->sim;
	const snn_model *m = sim->model;
	check_count(c, "network", m->network, "populations", m->npops);
	for (int k = 0; k < m->npops; k++)
		check_count(c, "population", sim->pops[k].name, "elements", sim->pops[k].n);
	check_count(c, "network", m->network, "connections", m->nconns);
	for (int k = 0; k < m->nconns; k++) {
		check_count(c, "connection", sim->conns[k].name, "synapses", sim->conns[k].csr.nsyn);
		uint64_t h = get_u64(c);
		if (!c->failed && h != synapse_hash(&sim->conns[k].csr))
			snn_ckpt_fail(c, "connection %s connects other neurons there" REBUILT_HINT,
				      sim->conns[k].name);
	}
}

static void load_pops(snn_ckpt *c)
{
	for (int k = 0; k < c->sim->model->npops && !c->failed; k++) {
		snn_pop *p = &c->sim->pops[k];
		snn_ckpt_get(c, p->t_last, (size_t)p->n * sizeof *p->t_last);
		snn_ckpt_get(c, p->spiked, (size_t)p->n * sizeof *p->spiked);
		int64_t nspk = snn_ckpt_get_i64(c);
		if (!c->failed && (nspk < 0 || nspk > p->n)) {
			snn_ckpt_fail(c, "the spike list of %s is damaged", p->name);
			return;
		}
		snn_ckpt_get(c, p->spk, (size_t)nspk * sizeof *p->spk);
		p->nspk = (int32_t)nspk;
		c->sim->priv->nspikes[k] = snn_ckpt_get_i64(c);
	}
}

static void check_trailer(snn_ckpt *c)
{
	uint64_t want = c->hash, h = get_u64(c);
	char end[8];
	snn_ckpt_get(c, end, sizeof end);
	if (!c->failed && (h != want || memcmp(end, END, sizeof end) != 0 || fgetc(c->f) != EOF))
		snn_ckpt_fail(c, "the file is damaged");
}

static void load_all(snn_ckpt *c)
{
	snn_sim *sim = c->sim;
	const snn_model *m = sim->model;
	check_header(c);
	check_model(c);
	check_run(c);
	int64_t step = snn_ckpt_get_i64(c);
	if (!c->failed && step < 0)
		snn_ckpt_fail(c, "not an snnc checkpoint");
	check_sizes(c);
	if (c->failed)
		return;
	sim->step = step;
	sim->t = (double)(step + 1) * sim->dt;
	load_pops(c);
	for (int k = 0; k < m->nbufs && !c->failed; k++)
		load_buf(c, &m->bufs[k]);
	if (c->failed)
		return;
	if (m->update)          /* derived values from the restored params */
		m->update(sim);
	for (int k = 0; k < m->npops && !c->failed; k++)
		if (sim->pops[k].gen)
			snn_gen_load(c, sim->pops[k].gen);
	check_trailer(c);
}

int snn_checkpoint_load(snn_sim *sim, const char *path, char *err, size_t errlen)
{
	snn_ckpt c = { .sim = sim, .path = path, .hash = FNV_OFFSET, .err = err, .errlen = errlen };
	c.f = fopen(path, "rb");
	if (!c.f) {
		snn_ckpt_fail(&c, "cannot open it: %s", strerror(errno));
		return -1;
	}
	load_all(&c);
	fclose(c.f);
	return c.failed ? -1 : 0;
}
