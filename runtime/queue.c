/*
 * queue.c — spike delivery with delays.
 *
 * A queue is a ring of delay + 1 slots, one per step still to come; a slot
 * is a list tagged with the step it is due at.  A push for a step whose
 * slot still holds an older step's list empties it first, so a slot is
 * recycled without a separate clearing pass, and snn_*_due returns an
 * empty list for a slot tagged with another step.  The list returned by
 * due stays valid until the next push.
 *
 * Lists grow by doubling into a fresh block from the simulation's pool (the
 * old block stays in the pool until snn_destroy): growth is rare and
 * amortised, the waste is bounded by the final size, and nothing needs
 * freeing by hand.
 *
 * In a checkpoint a ring is its slot count, then per slot its step and its
 * list; slots due before the current step are stale and saved empty.
 */
#include "internal.h"

#include <inttypes.h>
#include <string.h>

#define INITIAL_CAP 64

typedef struct {
	int64_t step;           /* the step this slot's list is due at */
	int64_t n, cap;
	void *data;             /* int32_t (queue) or int64_t (synqueue) */
} Slot;

/* Makes room for `more` elements of `size` bytes in s. */
static void reserve(snn_sim *sim, Slot *s, int64_t more, size_t size)
{
	if (s->n + more <= s->cap)
		return;
	int64_t cap = s->cap ? 2 * s->cap : INITIAL_CAP;
	while (cap < s->n + more)
		cap *= 2;
	void *data = snn_alloc_array(sim, (size_t)cap, size);
	if (s->n)
		memcpy(data, s->data, (size_t)s->n * size);
	s->data = data;
	s->cap = cap;
}

/* The slot for step `due`, emptied if it held another step. */
static Slot *slot_for(Slot *ring, int64_t nslots, int64_t due)
{
	Slot *s = &ring[due % nslots];
	if (s->step != due) {
		s->step = due;
		s->n = 0;
	}
	return s;
}

static Slot *new_ring(snn_sim *sim, int64_t nslots)
{
	Slot *ring = snn_alloc_array(sim, (size_t)nslots, sizeof *ring);
	for (int64_t k = 0; k < nslots; k++)
		ring[k].step = -1;
	return ring;
}

/* ---- homogeneous delay */

struct snn_queue {
	snn_sim *sim;
	int32_t delay;
	Slot *ring;             /* [delay + 1] */
};

snn_queue *snn_queue_new(snn_sim *sim, int32_t delay_steps)
{
	snn_queue *q = snn_alloc(sim, sizeof *q);
	q->sim = sim;
	q->delay = delay_steps < 0 ? 0 : delay_steps;
	q->ring = new_ring(sim, (int64_t)q->delay + 1);
	return q;
}

void snn_queue_push(snn_queue *q, int64_t step, const int32_t *spk, int32_t n)
{
	if (n <= 0)
		return;
	Slot *s = slot_for(q->ring, q->delay + 1, step + q->delay);
	reserve(q->sim, s, n, sizeof(int32_t));
	memcpy((int32_t *)s->data + s->n, spk, (size_t)n * sizeof *spk);
	s->n += n;
}

const int32_t *snn_queue_due(snn_queue *q, int64_t step, int32_t *count)
{
	Slot *s = &q->ring[step % (q->delay + 1)];
	*count = s->step == step ? (int32_t)s->n : 0;
	return s->data;
}

/* ---- per-synapse delays */

struct snn_synqueue {
	snn_sim *sim;
	int32_t max_delay;
	Slot *ring;             /* [max_delay + 1] */
};

snn_synqueue *snn_synqueue_new(snn_sim *sim, int32_t max_delay_steps)
{
	snn_synqueue *q = snn_alloc(sim, sizeof *q);
	q->sim = sim;
	q->max_delay = max_delay_steps < 0 ? 0 : max_delay_steps;
	q->ring = new_ring(sim, (int64_t)q->max_delay + 1);
	return q;
}

/* Delays outside [0, max_delay] (a learned delay that ran away) are clamped
 * into the ring. */
void snn_synqueue_push(snn_synqueue *q, int64_t step, const int32_t *spk, int32_t n,
		       const snn_csr *csr, const int32_t *delay)
{
	/* one division per step, not per synaptic event */
	const int64_t nslots = (int64_t)q->max_delay + 1, base = step % nslots;
	for (int32_t k = 0; k < n; k++) {
		int32_t pre = spk[k];
		for (int64_t s = csr->row[pre], end = csr->row[pre + 1]; s < end; s++) {
			int32_t d = delay[s];
			d = d < 0 ? 0 : d > q->max_delay ? q->max_delay : d;
			int64_t idx = base + d;
			if (idx >= nslots)
				idx -= nslots;
			Slot *sl = &q->ring[idx];
			if (sl->step != step + d) {
				sl->step = step + d;
				sl->n = 0;
			}
			if (sl->n == sl->cap)
				reserve(q->sim, sl, 1, sizeof(int64_t));
			((int64_t *)sl->data)[sl->n++] = s;
		}
	}
}

const int64_t *snn_synqueue_due(snn_synqueue *q, int64_t step, int64_t *count)
{
	Slot *s = &q->ring[step % (q->max_delay + 1)];
	*count = s->step == step ? s->n : 0;
	return s->data;
}

/* ---- checkpoints */

static void save_ring(snn_ckpt *c, const Slot *ring, int64_t nslots, size_t size)
{
	snn_ckpt_put_i64(c, nslots);
	for (int64_t k = 0; k < nslots; k++) {
		const Slot *s = &ring[k];
		int live = s->step >= c->sim->step;
		snn_ckpt_put_i64(c, live ? s->step : -1);
		snn_ckpt_put_i64(c, live ? s->n : 0);
		if (live && s->n)
			snn_ckpt_put(c, s->data, (size_t)s->n * size);
	}
}

static void load_ring(snn_ckpt *c, Slot *ring, int64_t nslots, size_t size, const char *name)
{
	int64_t saved = snn_ckpt_get_i64(c);
	if (!c->failed && saved != nslots)
		snn_ckpt_fail(c, "the queue of %s spans %" PRId64 " steps there, %" PRId64 " here",
			      name, saved, nslots);
	for (int64_t k = 0; k < nslots && !c->failed; k++) {
		Slot *s = &ring[k];
		int64_t step = snn_ckpt_get_i64(c), n = snn_ckpt_get_i64(c);
		if (c->failed)
			return;
		if (n < 0 || n > ((int64_t)1 << 40) || (n && step % nslots != k)) {
			snn_ckpt_fail(c, "the queue of %s is damaged", name);
			return;
		}
		s->step = step;
		s->n = 0;
		reserve(c->sim, s, n, size);
		if (n)
			snn_ckpt_get(c, s->data, (size_t)n * size);
		s->n = n;
	}
}

void snn_queue_save(snn_ckpt *c, const snn_queue *q)
{
	save_ring(c, q->ring, (int64_t)q->delay + 1, sizeof(int32_t));
}

void snn_queue_load(snn_ckpt *c, snn_queue *q, const char *name)
{
	load_ring(c, q->ring, (int64_t)q->delay + 1, sizeof(int32_t), name);
}

void snn_synqueue_save(snn_ckpt *c, const snn_synqueue *q)
{
	save_ring(c, q->ring, (int64_t)q->max_delay + 1, sizeof(int64_t));
}

void snn_synqueue_load(snn_ckpt *c, snn_synqueue *q, const char *name)
{
	load_ring(c, q->ring, (int64_t)q->max_delay + 1, sizeof(int64_t), name);
}
