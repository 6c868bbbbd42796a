/*
 * gen.c — spike generators: poisson, spikes (explicit times), from_file.
 *
 * Each generator fills pop->spk / nspk (ascending) for the step sim->step,
 * stamped t = (step + 1) * dt, clears `spiked` of the previous step's spikes
 * (O(spikes)) and sets `spiked` and `t_last` of the new ones.
 *
 * Poisson keeps, per element, the step of its next spike.  Gaps are
 * geometric on {1, 2, ...}, P(g) = (1-p)^(g-1) p with p = min(1, rate*dt),
 * drawn as g = 1 + floor(log(1-u) / log(1-p)) with u = snn_rand(seed,
 * SNN_STREAM_POISSON + pop, elem, s, 0), where s is the step of the spike
 * the gap starts from.  The first gap starts from "step -1", drawn at
 * SNN_STEP_INIT (the same 48-bit step as -1), so the first spike is at step
 * g - 1.  Pending spikes sit in a calendar: W buckets (a power of two about
 * 4/p, within [64, 65536]) of intrusive linked lists, holding the elements
 * whose next spike is within W steps, plus one overflow list re-bucketed at
 * the start of every lap of the ring.  A step costs O(spikes + log) and
 * never allocates.  snn_gen_reset_rate redraws every element's next spike
 * from the current step, as if a gap started at step - 1.
 *
 * from_file in `rates` mode draws a Bernoulli coin per element and step,
 * u = snn_rand(seed, SNN_STREAM_POISSON + pop, elem, step, 0) < min(1, r*dt):
 * O(elements) per step, which is fine for input layers of image size.
 *
 * A checkpoint holds a generator's kind and position: Poisson's p, W and
 * every element's next spike step (the calendar is rebuilt from them, which
 * files each element where the running calendar would have it by the time
 * it is due), the spikes cursor, from_file's shape and row.
 */
#include "internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { GEN_POISSON, GEN_SPIKES, GEN_FROM_FILE };

#define NONE (-1)
#define NEVER INT64_MAX

struct snn_gen {
	int kind;
	int pop;
	/* poisson */
	const double *rate;
	double p;
	double log_q;           /* log1p(-p), the denominator of every gap */
	int64_t *next;          /* [n] step of the next spike, NEVER if none */
	int32_t *link;          /* [n] next element in the same list */
	int32_t *head;          /* [W] bucket lists */
	int32_t overflow;       /* list of spikes W or more steps ahead */
	int64_t w;              /* W, a power of two */
	/* spikes: sorted (step, index) pairs; index -1 = every element */
	int64_t *ev_step;
	int32_t *ev_index;
	int64_t nev, cursor;
	/* from_file */
	int mode;
	double present;
	int64_t rows, cols;
	double *data;           /* [rows * cols] */
	int64_t row;            /* row of the current step */
};

/* Allocates the population's arrays if the runtime has not (size n > 0). */
static void ensure_arrays(snn_sim *sim, snn_pop *p)
{
	if (p->spk || p->n <= 0)
		return;
	p->spk = snn_alloc_array(sim, (size_t)p->n, sizeof *p->spk);
	p->spiked = snn_alloc_array(sim, (size_t)p->n, sizeof *p->spiked);
	p->t_last = snn_alloc_array(sim, (size_t)p->n, sizeof *p->t_last);
	for (int32_t i = 0; i < p->n; i++)
		p->t_last[i] = -INFINITY;
}

static snn_gen *new_gen(snn_sim *sim, int kind, int pop)
{
	snn_gen *g = snn_alloc(sim, sizeof *g);
	g->kind = kind;
	g->pop = pop;
	g->row = -1;
	ensure_arrays(sim, &sim->pops[pop]);
	sim->pops[pop].gen = g;
	return g;
}

/* Clears `spiked` of the previous step's spikes; starts a new spike list. */
static void begin_step(snn_pop *p)
{
	for (int32_t k = 0; k < p->nspk; k++)
		p->spiked[p->spk[k]] = 0;
	p->nspk = 0;
}

static void emit(snn_pop *p, int32_t i, double t)
{
	p->spk[p->nspk++] = i;
	p->spiked[i] = 1;
	p->t_last[i] = t;
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

static void sort_i32(int32_t *a, int32_t n)
{
	if (n > 32) {
		qsort(a, (size_t)n, sizeof *a, cmp_i32);
		return;
	}
	for (int32_t k = 1; k < n; k++) {
		int32_t v = a[k], j = k;
		for (; j > 0 && a[j - 1] > v; j--)
			a[j] = a[j - 1];
		a[j] = v;
	}
}

/* ---------------------------------------------------------------- poisson */

static double step_prob(double rate, double dt)
{
	double p = rate * dt;
	return p > 0 ? (p < 1 ? p : 1) : 0;   /* also NaN -> 0 */
}

/* The step of the spike after a spike (or a restart) at step `from`. */
static int64_t next_spike(const snn_sim *sim, const snn_gen *g, int32_t i, int64_t from)
{
	if (g->p <= 0)
		return NEVER;
	if (g->p >= 1)
		return from + 1;
	uint64_t s = from < 0 ? SNN_STEP_INIT : (uint64_t)from;
	double u = snn_rand(sim->seed, SNN_STREAM_POISSON + (uint32_t)g->pop, (uint64_t)i, s, 0);
	double gap = 1 + floor(log1p(-u) / g->log_q);
	if (!(gap < 1e15))
		return NEVER;
	return from + (int64_t)gap;
}

/* Files element i under its next spike, seen from step `now`. */
static void schedule(snn_gen *g, int32_t i, int64_t now)
{
	int64_t at = g->next[i];
	if (at == NEVER)
		return;
	if (at - now < g->w) {
		g->link[i] = g->head[at & (g->w - 1)];
		g->head[at & (g->w - 1)] = i;
	} else {
		g->link[i] = g->overflow;
		g->overflow = i;
	}
}

static int64_t window_for(double p)
{
	int64_t w = 64;
	while (w < 65536 && p > 0 && (double)w * p < 4)
		w *= 2;
	return p > 0 ? w : 64;
}

/* (Re)draws every element's next spike from step `now`. */
static void poisson_restart(snn_sim *sim, snn_gen *g, int64_t now)
{
	snn_pop *p = &sim->pops[g->pop];
	g->p = step_prob(*g->rate, sim->dt);
	g->log_q = log1p(-g->p);
	int64_t w = window_for(g->p);
	if (!g->head || w != g->w)
		g->head = snn_alloc_array(sim, (size_t)w, sizeof *g->head);
	g->w = w;
	for (int64_t k = 0; k < g->w; k++)
		g->head[k] = NONE;
	g->overflow = NONE;
	for (int32_t i = 0; i < p->n; i++) {
		g->next[i] = next_spike(sim, g, i, now - 1);
		schedule(g, i, now);
	}
}

snn_gen *snn_gen_poisson(snn_sim *sim, int pop, const double *rate)
{
	snn_gen *g = new_gen(sim, GEN_POISSON, pop);
	int32_t n = sim->pops[pop].n;
	g->rate = rate;
	g->next = snn_alloc_array(sim, (size_t)n + 1, sizeof *g->next);
	g->link = snn_alloc_array(sim, (size_t)n + 1, sizeof *g->link);
	poisson_restart(sim, g, sim->step);
	return g;
}

/* Reuses the bucket array when W is unchanged; a new W takes a new block
 * (snn_set is rare and outside the step loop). */
void snn_gen_reset_rate(snn_sim *sim, snn_gen *g)
{
	if (g->kind == GEN_POISSON)
		poisson_restart(sim, g, sim->step);
}

/* At the start of a lap, moves overflow spikes now within W into buckets. */
static void rebucket(snn_gen *g, int64_t now)
{
	int32_t i = g->overflow;
	g->overflow = NONE;
	while (i != NONE) {
		int32_t after = g->link[i];
		schedule(g, i, now);
		i = after;
	}
}

static void poisson_step(snn_sim *sim, snn_gen *g, double t)
{
	snn_pop *p = &sim->pops[g->pop];
	int64_t now = sim->step;
	if ((now & (g->w - 1)) == 0)
		rebucket(g, now);
	int32_t *bucket = &g->head[now & (g->w - 1)];
	for (int32_t i = *bucket; i != NONE; i = g->link[i])
		emit(p, i, t);
	*bucket = NONE;
	sort_i32(p->spk, p->nspk);
	for (int32_t k = 0; k < p->nspk; k++) {
		int32_t i = p->spk[k];
		g->next[i] = next_spike(sim, g, i, now);
		schedule(g, i, now);
	}
}

/* ---------------------------------------------------------------- spikes */

typedef struct { int64_t step; int32_t index; } Event;

static int cmp_event(const void *a, const void *b)
{
	const Event *x = a, *y = b;
	if (x->step != y->step)
		return (x->step > y->step) - (x->step < y->step);
	return (x->index > y->index) - (x->index < y->index);
}

/* Step of a spike at time t: round(t/dt) - 1, checked as a double.  -1
 * when t is NaN or rounds to a stamp <= 0 (an error); NEVER when it lies
 * beyond any run (+inf, 1e300 s: simply never emitted, like any time past
 * the end of the run). */
static int64_t spike_step(double t, double dt)
{
	int64_t r;
	if (isnan(t) || !(t / dt >= 0.5))
		return -1;
	if (snn_steps_of(t, dt, SNN_MAX_STEPS, &r) != 0)
		return NEVER;
	return r - 1;
}

/* Sorted, duplicate-free events into g; returns 0 or -1 with a message. */
static int fill_events(snn_sim *sim, snn_gen *g, const double *times, const int32_t *index,
		       int64_t count, char *err, size_t errlen)
{
	int32_t n = sim->pops[g->pop].n;
	Event *ev = snn_alloc_array(sim, (size_t)count + 1, sizeof *ev);
	for (int64_t k = 0; k < count; k++) {
		ev[k].step = spike_step(times[k], sim->dt);
		ev[k].index = index ? index[k] : -1;
		if (isnan(times[k])) {
			snprintf(err, errlen, "spike time %g is not a number", times[k]);
			return -1;
		}
		if (ev[k].step < 0) {
			snprintf(err, errlen, "spike time %g s rounds to step 0 or before (dt = %g s)",
				 times[k], sim->dt);
			return -1;
		}
		if (index && (index[k] < 0 || index[k] >= n)) {
			snprintf(err, errlen, "spike index %d out of range [0, %d)", index[k], n);
			return -1;
		}
	}
	qsort(ev, (size_t)count, sizeof *ev, cmp_event);
	g->ev_step = snn_alloc_array(sim, (size_t)count + 1, sizeof *g->ev_step);
	g->ev_index = snn_alloc_array(sim, (size_t)count + 1, sizeof *g->ev_index);
	for (int64_t k = 0; k < count; k++) {
		if (ev[k].step == NEVER)
			break;          /* sorted: the rest lie beyond any run too */
		if (g->nev && ev[k].step == g->ev_step[g->nev - 1] &&
		    ev[k].index == g->ev_index[g->nev - 1])
			continue;
		g->ev_step[g->nev] = ev[k].step;
		g->ev_index[g->nev++] = ev[k].index;
	}
	return 0;
}

snn_gen *snn_gen_spikes(snn_sim *sim, int pop, const double *times, const int32_t *index,
			int64_t count, char *err, size_t errlen)
{
	snn_gen *g = new_gen(sim, GEN_SPIKES, pop);
	if (fill_events(sim, g, times, index, count, err, errlen) != 0) {
		sim->pops[pop].gen = NULL;
		return NULL;
	}
	return g;
}

static void spikes_step(snn_sim *sim, snn_gen *g, double t)
{
	snn_pop *p = &sim->pops[g->pop];
	int64_t now = sim->step;
	while (g->cursor < g->nev && g->ev_step[g->cursor] < now)
		g->cursor++;
	for (; g->cursor < g->nev && g->ev_step[g->cursor] == now; g->cursor++) {
		int32_t i = g->ev_index[g->cursor];
		if (i >= 0) {
			emit(p, i, t);
			continue;
		}
		for (int32_t j = 0; j < p->n; j++)
			emit(p, j, t);
		/* "every element" covers any explicit ones of this step */
		while (g->cursor + 1 < g->nev && g->ev_step[g->cursor + 1] == now)
			g->cursor++;
	}
}

/* ---------------------------------------------------------------- from_file */

/* Row shown by step n: stamp (n+1)*dt in (k*T, (k+1)*T].  Kept in double
 * until reduced modulo the row count, so no T makes the conversion
 * overflow. */
static int64_t row_of(const snn_gen *g, int64_t n, double dt)
{
	double k = ceil((double)(n + 1) * dt / g->present - 1e-9) - 1;
	if (!(k > 0))
		return 0;
	return (int64_t)fmod(k, (double)g->rows);
}

static int load_rows(snn_sim *sim, snn_gen *g, const char *path, char *err, size_t errlen)
{
	snn_npy_array a;
	if (snn_npy_load(path, &a, err, errlen) != 0)
		return -1;
	if (a.ndim != 2 || a.shape[0] < 1 || a.shape[1] < 1 || a.shape[1] > INT32_MAX) {
		snprintf(err, errlen, "%s: from_file needs a 2-D array [rows, columns] with at "
			 "least one row and one column", path);
		snn_npy_free(&a);
		return -1;
	}
	g->rows = a.shape[0];
	g->cols = a.shape[1];
	g->data = snn_alloc_array(sim, (size_t)a.count, sizeof *g->data);
	memcpy(g->data, a.data, (size_t)a.count * sizeof *g->data);
	snn_npy_free(&a);
	return 0;
}

snn_gen *snn_gen_from_file(snn_sim *sim, int pop, const char *path, double present, int mode,
			   char *err, size_t errlen)
{
	snn_gen g0 = { .present = present, .mode = mode };
	if (!(present > 0) || !isfinite(present)) {
		snprintf(err, errlen, "from_file: present = %g s must be positive and finite", present);
		return NULL;
	}
	if (load_rows(sim, &g0, path, err, errlen) != 0)
		return NULL;
	char what[64];
	snprintf(what, sizeof what, "population %s (%lld neurons)", sim->pops[pop].name,
		 (long long)g0.cols);
	if (snn_mem_check(sim, (double)g0.cols * (4 + 1 + 8), what, err, errlen) != 0)
		return NULL;
	snn_pop *p = &sim->pops[pop];
	if (p->n != (int32_t)g0.cols) {
		p->n = (int32_t)g0.cols;
		p->spk = NULL;
	}
	snn_gen *g = new_gen(sim, GEN_FROM_FILE, pop);
	*g = g0;
	g->kind = GEN_FROM_FILE;
	g->pop = pop;
	g->row = row_of(g, sim->step, sim->dt);
	return g;
}

static void from_file_step(snn_sim *sim, snn_gen *g, double t)
{
	snn_pop *p = &sim->pops[g->pop];
	int64_t now = sim->step;
	g->row = row_of(g, now, sim->dt);
	if (g->mode != SNN_FF_RATES)
		return;
	const double *r = g->data + g->row * g->cols;
	uint32_t stream = SNN_STREAM_POISSON + (uint32_t)g->pop;
	for (int32_t i = 0; i < p->n; i++)
		if (snn_rand(sim->seed, stream, (uint64_t)i, (uint64_t)now, 0) < step_prob(r[i], sim->dt))
			emit(p, i, t);
}

const double *snn_gen_values(const snn_gen *g)
{
	if (g->kind != GEN_FROM_FILE)
		return NULL;
	return g->data + g->row * g->cols;
}

int64_t snn_gen_row(const snn_gen *g)
{
	return g->kind == GEN_FROM_FILE ? g->row : -1;
}

/* ---------------------------------------------------------------- step */

void snn_gen_step(snn_sim *sim, snn_gen *g)
{
	snn_pop *p = &sim->pops[g->pop];
	double t = (double)(sim->step + 1) * sim->dt;
	begin_step(p);
	switch (g->kind) {
	case GEN_POISSON: poisson_step(sim, g, t); break;
	case GEN_SPIKES: spikes_step(sim, g, t); break;
	case GEN_FROM_FILE: from_file_step(sim, g, t); break;
	}
}

/* ---------------------------------------------------------------- checkpoints */

void snn_gen_save(snn_ckpt *c, const snn_gen *g)
{
	snn_ckpt_put_i64(c, g->kind);
	switch (g->kind) {
	case GEN_POISSON:
		snn_ckpt_put(c, &g->p, sizeof g->p);
		snn_ckpt_put_i64(c, g->w);
		snn_ckpt_put(c, g->next, (size_t)c->sim->pops[g->pop].n * sizeof *g->next);
		break;
	case GEN_SPIKES:
		snn_ckpt_put_i64(c, g->nev);
		snn_ckpt_put_i64(c, g->cursor);
		break;
	case GEN_FROM_FILE:
		snn_ckpt_put_i64(c, g->rows);
		snn_ckpt_put_i64(c, g->cols);
		snn_ckpt_put_i64(c, g->row);
		break;
	}
}

static void poisson_load(snn_ckpt *c, snn_gen *g)
{
	snn_sim *sim = c->sim;
	snn_ckpt_get(c, &g->p, sizeof g->p);
	g->log_q = log1p(-g->p);
	int64_t w = snn_ckpt_get_i64(c);
	if (!c->failed && (w < 1 || w > 65536 || (w & (w - 1)))) {
		snn_ckpt_fail(c, "the calendar of generator %s is damaged", sim->pops[g->pop].name);
		return;
	}
	snn_ckpt_get(c, g->next, (size_t)sim->pops[g->pop].n * sizeof *g->next);
	if (c->failed)
		return;
	if (w != g->w)
		g->head = snn_alloc_array(sim, (size_t)w, sizeof *g->head);
	g->w = w;
	for (int64_t k = 0; k < w; k++)
		g->head[k] = NONE;
	g->overflow = NONE;
	for (int32_t i = 0; i < sim->pops[g->pop].n; i++)
		if (g->next[i] != NEVER && g->next[i] < sim->step)
			snn_ckpt_fail(c, "the calendar of generator %s is damaged", sim->pops[g->pop].name);
		else
			schedule(g, i, sim->step);
}

/* Reads one of the two int64 of a generator that must match this run's. */
static void expect(snn_ckpt *c, const snn_gen *g, const char *what, int64_t here)
{
	int64_t there = snn_ckpt_get_i64(c);
	if (!c->failed && there != here)
		snn_ckpt_fail(c, "generator %s has %" PRId64 " %s there, %" PRId64 " here",
			      c->sim->pops[g->pop].name, there, what, here);
}

void snn_gen_load(snn_ckpt *c, snn_gen *g)
{
	int64_t kind = snn_ckpt_get_i64(c);
	if (!c->failed && kind != g->kind)
		snn_ckpt_fail(c, "generator %s is of another kind there", c->sim->pops[g->pop].name);
	if (c->failed)
		return;
	switch (g->kind) {
	case GEN_POISSON:
		poisson_load(c, g);
		break;
	case GEN_SPIKES:
		expect(c, g, "spike events", g->nev);
		g->cursor = snn_ckpt_get_i64(c);
		if (!c->failed && (g->cursor < 0 || g->cursor > g->nev))
			snn_ckpt_fail(c, "the cursor of generator %s is damaged", c->sim->pops[g->pop].name);
		break;
	case GEN_FROM_FILE:
		expect(c, g, "rows", g->rows);
		expect(c, g, "columns", g->cols);
		g->row = snn_ckpt_get_i64(c);
		break;
	}
}
