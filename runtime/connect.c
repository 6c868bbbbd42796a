/*
 * connect.c — building connectivity (CSR by presynaptic neuron).
 *
 * Every kind first produces a list of (pre, post[, value]) pairs, filtered
 * by the mask; a stable counting sort by pre then makes the CSR.  The kinds
 * that generate pairs row by row (all_to_all, one_to_one, p, weights) emit
 * posts in ascending order; fan_in walks the posts in ascending order, so
 * the stable sort leaves every row ascending as well.
 *
 * Random draws, in stream spec->stream (one per connection):
 *   p:      elem = pre, draw d of that row: k = d mod 2^16, step = 2*(d / 2^16)
 *   fan_in: elem = post, draw d of that post: k = d mod 2^16, step = 2*(d / 2^16) + 1
 * so no two draws of a connection share (elem, step, k), however long a row.
 *
 * With `p`, consecutive targets of a row are separated by geometric gaps,
 * gap = 1 + floor(log(1-u) / log(1-p)), one draw per synapse.  A mask never
 * changes the draws: the walk is the same with or without it and the mask
 * only removes pairs, so each unmasked pair is kept with probability p.
 * With fan_in, a mask likewise removes pairs after the draw (posts may then
 * have fewer than fan_in pres).
 *
 * Before a pair is drawn, the expected synapse count (expected_synapses)
 * and the bytes it takes (CSR, construction buffers, the connection's
 * SNN_BUF_SYN rows) are checked against the memory (mem.c), and a pending
 * SIGINT/SIGTERM stops the setup here, before its longest part.
 */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Pairs under construction (malloc'd; copied into the pool at the end). */
typedef struct {
	int32_t *pre, *post;
	double *value;          /* only for weights */
	int64_t n, cap;
	const double *mask;     /* [pre slice, post slice] or NULL */
	const snn_conn_spec *spec;
} Pairs;

static void *grow(void *p, int64_t cap, size_t size)
{
	p = realloc(p, (size_t)cap * size);
	if (!p)
		snn_oom((size_t)cap * size);
	return p;
}

static void pairs_grow(Pairs *ps)
{
	ps->cap = ps->cap ? 2 * ps->cap : 1024;
	ps->pre = grow(ps->pre, ps->cap, sizeof *ps->pre);
	ps->post = grow(ps->post, ps->cap, sizeof *ps->post);
	if (ps->value)
		ps->value = grow(ps->value, ps->cap, sizeof *ps->value);
}

/* Adds (i, j) unless the mask is zero there. */
static void add(Pairs *ps, int32_t i, int32_t j, double value)
{
	const snn_conn_spec *s = ps->spec;
	if (ps->mask) {
		int64_t w = s->post1 - s->post0;
		if (ps->mask[(int64_t)(i - s->pre0) * w + (j - s->post0)] == 0)
			return;
	}
	if (ps->n == ps->cap)
		pairs_grow(ps);
	ps->pre[ps->n] = i;
	ps->post[ps->n] = j;
	if (ps->value)
		ps->value[ps->n] = value;
	ps->n++;
}

static double draw(const snn_sim *sim, const snn_conn_spec *s, int64_t elem, int64_t d, int odd)
{
	uint64_t step = 2 * ((uint64_t)d >> 16) + (uint64_t)odd;
	return snn_rand(sim->seed, s->stream, (uint64_t)elem, step, (uint32_t)(d & 0xffff));
}

static void gen_all(Pairs *ps)
{
	const snn_conn_spec *s = ps->spec;
	for (int32_t i = s->pre0; i < s->pre1; i++)
		for (int32_t j = s->post0; j < s->post1; j++)
			add(ps, i, j, 0);
}

static void gen_one(Pairs *ps)
{
	const snn_conn_spec *s = ps->spec;
	for (int32_t k = 0; k < s->pre1 - s->pre0; k++)
		add(ps, s->pre0 + k, s->post0 + k, 0);
}

/* One row of `p`: a walk over the post slice with geometric gaps. */
static void gen_p_row(const snn_sim *sim, Pairs *ps, int32_t i)
{
	const snn_conn_spec *s = ps->spec;
	if (s->p >= 1) {
		for (int32_t j = s->post0; j < s->post1; j++)
			add(ps, i, j, 0);
		return;
	}
	double lq = log1p(-s->p);
	double cur = s->post0 - 1.0;
	for (int64_t d = 0;; d++) {
		double u = draw(sim, s, i, d, 0);
		cur += 1 + floor(log1p(-u) / lq);
		if (!(cur < s->post1))
			return;
		add(ps, i, (int32_t)cur, 0);
	}
}

static void gen_p(const snn_sim *sim, Pairs *ps)
{
	if (ps->spec->p <= 0)
		return;
	for (int32_t i = ps->spec->pre0; i < ps->spec->pre1; i++)
		gen_p_row(sim, ps, i);
}

/* fan_in: Floyd's sampling of fan_in distinct pres for every post.  mark[]
 * holds post + 1 for the pres already taken by that post. */
static void gen_fan_in(const snn_sim *sim, Pairs *ps, int32_t *mark)
{
	const snn_conn_spec *s = ps->spec;
	int64_t m = s->pre1 - s->pre0;
	for (int32_t j = s->post0; j < s->post1; j++) {
		int64_t d = 0;
		for (int64_t top = m - s->fan_in; top < m; top++) {
			int64_t t = (int64_t)(draw(sim, s, j, d++, 1) * (double)(top + 1));
			if (t > top)
				t = top;
			if (mark[t] == j + 1)
				t = top;
			mark[t] = j + 1;
			add(ps, s->pre0 + (int32_t)t, j, 0);
		}
	}
}

static void gen_weights(Pairs *ps, const double *w)
{
	const snn_conn_spec *s = ps->spec;
	int64_t ncol = s->post1 - s->post0;
	for (int32_t i = s->pre0; i < s->pre1; i++)
		for (int32_t j = s->post0; j < s->post1; j++) {
			double v = w[(int64_t)(i - s->pre0) * ncol + (j - s->post0)];
			if (v != 0)
				add(ps, i, j, v);
		}
}

/* Stable counting sort of the pairs by pre into the pool. */
static void fill_csr(snn_sim *sim, const snn_conn_spec *s, const Pairs *ps, snn_csr *out)
{
	size_t n = (size_t)ps->n + 1;
	out->nsyn = ps->n;
	out->row = snn_alloc_array(sim, (size_t)s->pre_n + 1, sizeof *out->row);
	out->post = snn_alloc_array(sim, n, sizeof *out->post);
	out->pre = snn_alloc_array(sim, n, sizeof *out->pre);
	out->value = ps->value ? snn_alloc_array(sim, n, sizeof *out->value) : NULL;
	for (int64_t k = 0; k < ps->n; k++)
		out->row[ps->pre[k] + 1]++;
	for (int32_t i = 0; i < s->pre_n; i++)
		out->row[i + 1] += out->row[i];
	int64_t *next = malloc(((size_t)s->pre_n + 1) * sizeof *next);
	if (!next)
		snn_oom(((size_t)s->pre_n + 1) * sizeof *next);
	memcpy(next, out->row, ((size_t)s->pre_n + 1) * sizeof *next);
	for (int64_t k = 0; k < ps->n; k++) {
		int64_t at = next[ps->pre[k]]++;
		out->pre[at] = ps->pre[k];
		out->post[at] = ps->post[k];
		if (ps->value)
			out->value[at] = ps->value[k];
	}
	free(next);
}

static int check_spec(const snn_conn_spec *s, char *err, size_t errlen)
{
	if (s->pre0 < 0 || s->pre0 > s->pre1 || s->pre1 > s->pre_n ||
	    s->post0 < 0 || s->post0 > s->post1 || s->post1 > s->post_n) {
		snprintf(err, errlen, "slice [%d:%d] -> [%d:%d] out of range (sizes %d, %d)",
			 s->pre0, s->pre1, s->post0, s->post1, s->pre_n, s->post_n);
		return -1;
	}
	if (s->kind == SNN_CONN_WEIGHTS && !s->weights) {
		snprintf(err, errlen, "weights: no file given");
		return -1;
	}
	if (s->kind == SNN_CONN_P && !(s->p >= 0 && s->p <= 1)) {
		snprintf(err, errlen, "p = %g is not in [0, 1]", s->p);
		return -1;
	}
	if (s->kind == SNN_CONN_ONE && s->pre1 - s->pre0 != s->post1 - s->post0) {
		snprintf(err, errlen, "one_to_one needs equal sizes, got %d pre and %d post",
			 s->pre1 - s->pre0, s->post1 - s->post0);
		return -1;
	}
	if (s->kind == SNN_CONN_FAN_IN && (s->fan_in < 0 || s->fan_in > s->pre1 - s->pre0)) {
		snprintf(err, errlen, "fan_in = %lld is larger than the presynaptic population (%d)",
			 (long long)s->fan_in, s->pre1 - s->pre0);
		return -1;
	}
	return 0;
}

/* Loads a [pre, post] matrix; checks its shape. */
static int load_matrix(const snn_conn_spec *s, const char *path, snn_npy_array *a,
		       char *err, size_t errlen)
{
	if (snn_npy_load(path, a, err, errlen) != 0)
		return -1;
	int64_t r = s->pre1 - s->pre0, c = s->post1 - s->post0;
	if (a->ndim == 2 && a->shape[0] == r && a->shape[1] == c)
		return 0;
	char got[128] = "[";
	for (int k = 0; k < a->ndim; k++)
		snprintf(got + strlen(got), sizeof got - strlen(got), k ? ", %lld" : "%lld",
			 (long long)a->shape[k]);
	strcat(got, "]");
	snprintf(err, errlen, "%s: shape %s does not match the connection's [pre, post] = [%lld, %lld]",
		 path, got, (long long)r, (long long)c);
	snn_npy_free(a);
	return -1;
}

static void generate(snn_sim *sim, Pairs *ps, const double *weights)
{
	const snn_conn_spec *s = ps->spec;
	switch (s->kind) {
	case SNN_CONN_ALL: gen_all(ps); break;
	case SNN_CONN_ONE: gen_one(ps); break;
	case SNN_CONN_P: gen_p(sim, ps); break;
	case SNN_CONN_WEIGHTS: gen_weights(ps, weights); break;
	case SNN_CONN_FAN_IN: {
		int32_t *mark = calloc((size_t)(s->pre1 - s->pre0) + 1, sizeof *mark);
		if (!mark)
			snn_oom(((size_t)(s->pre1 - s->pre0) + 1) * sizeof *mark);
		gen_fan_in(sim, ps, mark);
		free(mark);
		break;
	}
	}
}

static double nonzeros(const double *a, int64_t n)
{
	double k = 0;
	for (int64_t i = 0; i < n; i++)
		k += a[i] != 0;
	return k;
}

/* The number of synapses this spec will give, before drawing them: exact
 * but for `p` (its mean).  A mask scales by its fraction of ones. */
static double expected_synapses(const snn_conn_spec *s, const double *mask, const double *w)
{
	double npre = s->pre1 - s->pre0, npost = s->post1 - s->post0, pairs = npre * npost;
	double frac = mask && pairs > 0 ? nonzeros(mask, (int64_t)pairs) / pairs : 1;
	switch (s->kind) {
	case SNN_CONN_ALL: return pairs * frac;
	case SNN_CONN_ONE: return npre * frac;
	case SNN_CONN_P: return s->p * pairs * frac;
	case SNN_CONN_FAN_IN: return (double)s->fan_in * npost * frac;
	case SNN_CONN_WEIGHTS: return (w ? nonzeros(w, (int64_t)pairs) : pairs) * frac;
	}
	return pairs;
}

/* Refuses a connection that cannot fit: the CSR (post, pre, a weight for
 * `weights`), the pairs under construction (up to twice the count, freed
 * before the model allocates its per-synapse arrays) or those arrays. */
static int check_memory(snn_sim *sim, const snn_conn_spec *s, double nsyn, int weights,
			char *err, size_t errlen)
{
	int conn = (int)(s->stream - SNN_STREAM_CONNECT);
	int known = s->stream >= SNN_STREAM_CONNECT && conn < sim->model->nconns;
	double per_pair = 4 + 4 + (weights ? 8 : 0);
	double model = known ? snn_mem_syn_bytes(sim, conn) : 0;
	double build = 2 * per_pair > model ? 2 * per_pair : model;
	double bytes = nsyn * (per_pair + build) + 8 * ((double)s->pre_n + 1);
	char what[256];
	snprintf(what, sizeof what, "connection %s (%.4g synapses expected)",
		 known ? sim->conns[conn].name : "?", nsyn);
	return snn_mem_check(sim, bytes, what, err, errlen);
}

int snn_connect(snn_sim *sim, const snn_conn_spec *spec, snn_csr *out, char *err, size_t errlen)
{
	snn_npy_array mask = { 0 }, weights = { 0 };
	Pairs ps = { .spec = spec };
	memset(out, 0, sizeof *out);
	if (snn_signal_pending()) {
		snprintf(err, errlen, "interrupted by signal %d during setup", snn_signal_pending());
		return -1;
	}
	if (check_spec(spec, err, errlen) != 0)
		return -1;
	if (spec->kind < SNN_CONN_ALL || spec->kind > SNN_CONN_WEIGHTS) {
		snprintf(err, errlen, "unknown connectivity kind %d", spec->kind);
		return -1;
	}
	if (spec->mask && load_matrix(spec, spec->mask, &mask, err, errlen) != 0)
		return -1;
	if (spec->kind == SNN_CONN_WEIGHTS &&
	    load_matrix(spec, spec->weights, &weights, err, errlen) != 0) {
		snn_npy_free(&mask);
		return -1;
	}
	ps.mask = mask.data;
	if (check_memory(sim, spec, expected_synapses(spec, mask.data, weights.data),
			 spec->kind == SNN_CONN_WEIGHTS, err, errlen) != 0) {
		snn_npy_free(&mask);
		snn_npy_free(&weights);
		return -1;
	}
	if (spec->kind == SNN_CONN_WEIGHTS)
		ps.value = grow(NULL, 1, sizeof *ps.value);
	generate(sim, &ps, weights.data);
	fill_csr(sim, spec, &ps, out);
	free(ps.pre);
	free(ps.post);
	free(ps.value);
	snn_npy_free(&mask);
	snn_npy_free(&weights);
	return 0;
}

/* A counting sort of the synapses by post neuron: walking s in ascending
 * order keeps each post neuron's list ascending. */
void snn_csr_by_post(snn_sim *sim, snn_csr *csr, int32_t post_n)
{
	int64_t *row = snn_alloc_array(sim, (size_t)post_n + 1, sizeof *row);
	int64_t *syn = snn_alloc_array(sim, (size_t)csr->nsyn + 1, sizeof *syn);
	for (int64_t s = 0; s < csr->nsyn; s++)
		row[csr->post[s] + 1]++;
	for (int32_t j = 0; j < post_n; j++)
		row[j + 1] += row[j];
	int64_t *fill = malloc(((size_t)post_n + 1) * sizeof *fill);
	if (!fill) {
		fputs("snn: out of memory\n", stderr);
		abort();
	}
	memcpy(fill, row, ((size_t)post_n + 1) * sizeof *fill);
	for (int64_t s = 0; s < csr->nsyn; s++)
		syn[fill[csr->post[s]]++] = s;
	free(fill);
	csr->post_row = row;
	csr->post_syn = syn;
}
