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
 * The ring starts small (at most INITIAL_SLOTS) and doubles, up to delay + 1,
 * when a push finds its slot holding a list still to come for another
 * step.  So its size follows what the run has used, not the delay alone: a
 * delay of 10^8 steps in a run of 10^4 steps never holds more than about
 * 2 * 10^4 slots, and a longer run (an API caller stepping on, a --restore
 * with a longer duration) grows it on as needed, with the same results.
 * snn_*_new checks the slots the run's own length can need against the
 * memory (snn_mem_defer: the refusal is reported after setup).
 *
 * In a checkpoint a ring is its slot count, then per slot its step and its
 * list; slots due before the current step are stale and saved empty.  A
 * restore makes its ring that size (any size up to delay + 1 is valid).
 */
#include "internal.h"

#include <inttypes.h>
#include <string.h>

#define INITIAL_CAP 64
#define INITIAL_SLOTS 256

typedef struct {
	int64_t step;           /* the step this slot's list is due at */
	int64_t n, cap;
	void *data;             /* int32_t (queue) or int64_t (synqueue) */
} Slot;

/* A ring of up to max_slots slots, of which nslots are allocated. */
typedef struct {
	snn_sim *sim;
	Slot *slots;
	int64_t nslots, max_slots;
} Ring;

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

static Slot *new_slots(snn_sim *sim, int64_t nslots)
{
	Slot *ring = snn_alloc_array(sim, (size_t)nslots, sizeof *ring);
	for (int64_t k = 0; k < nslots; k++)
		ring[k].step = -1;
	return ring;
}

static void ring_init(Ring *r, snn_sim *sim, int32_t delay, const char *what)
{
	char buf[64];
	r->sim = sim;
	r->max_slots = (int64_t)(delay < 0 ? 0 : delay) + 1;
	r->nslots = r->max_slots < INITIAL_SLOTS ? r->max_slots : INITIAL_SLOTS;
	r->slots = new_slots(sim, r->nslots);
	/* what this run can make the ring hold: doubling from the steps run */
	double run = 2.0 * (double)sim->nsteps + 1;
	double slots = run < (double)r->max_slots ? run : (double)r->max_slots;
	snprintf(buf, sizeof buf, "%s of %" PRId64 " steps", what, r->max_slots - 1);
	snn_mem_defer(sim, slots * (double)sizeof(Slot), buf);
}

/* Re-homes the lists still to come (due at `now` or later) into a ring of
 * `nslots` slots: their steps are fewer than the old size apart, so they
 * stay in distinct slots. */
static void ring_resize(Ring *r, int64_t nslots, int64_t now)
{
	Slot *slots = new_slots(r->sim, nslots);
	for (int64_t k = 0; k < r->nslots; k++)
		if (r->slots[k].step >= now)
			slots[r->slots[k].step % nslots] = r->slots[k];
	r->slots = slots;
	r->nslots = nslots;
}

/* Index of the slot of `step`: a mask when the ring's size is a power of two
 * (a delay of 0, and every ring that doubled from INITIAL_SLOTS), which
 * saves a 64-bit division per push and per delivery in every step. */
static int64_t slot_index(const Ring *r, int64_t step)
{
	int64_t n = r->nslots;
	return (n & (n - 1)) == 0 ? step & (n - 1) : step % n;
}

/* The slot for step `due`, pushed at step `now` (due >= now): emptied if it
 * held a past step; the ring grows while it holds another step to come. */
static Slot *ring_slot(Ring *r, int64_t due, int64_t now)
{
	Slot *s = &r->slots[slot_index(r, due)];
	while (s->step != due && s->step >= now && r->nslots < r->max_slots) {
		int64_t n = 2 * r->nslots;
		ring_resize(r, n < r->max_slots ? n : r->max_slots, now);
		s = &r->slots[slot_index(r, due)];
	}
	if (s->step != due) {
		s->step = due;
		s->n = 0;
	}
	return s;
}

static const Slot *ring_due(const Ring *r, int64_t step)
{
	return &r->slots[slot_index(r, step)];
}

/* ---- homogeneous delay */

struct snn_queue {
	int32_t delay;
	Ring ring;
};

snn_queue *snn_queue_new(snn_sim *sim, int32_t delay_steps)
{
	snn_queue *q = snn_alloc(sim, sizeof *q);
	q->delay = delay_steps < 0 ? 0 : delay_steps;
	ring_init(&q->ring, sim, q->delay, "a spike queue");
	return q;
}

void snn_queue_push(snn_queue *q, int64_t step, const int32_t *spk, int32_t n)
{
	if (n <= 0)
		return;
	Slot *s = ring_slot(&q->ring, step + q->delay, step);
	reserve(q->ring.sim, s, n, sizeof(int32_t));
	memcpy((int32_t *)s->data + s->n, spk, (size_t)n * sizeof *spk);
	s->n += n;
}

const int32_t *snn_queue_due(snn_queue *q, int64_t step, int32_t *count)
{
	const Slot *s = ring_due(&q->ring, step);
	*count = s->step == step ? (int32_t)s->n : 0;
	return s->data;
}

/* ---- per-synapse delays */

struct snn_synqueue {
	int32_t max_delay;
	Ring ring;
};

snn_synqueue *snn_synqueue_new(snn_sim *sim, int32_t max_delay_steps)
{
	snn_synqueue *q = snn_alloc(sim, sizeof *q);
	q->max_delay = max_delay_steps < 0 ? 0 : max_delay_steps;
	ring_init(&q->ring, sim, q->max_delay, "a spike queue");
	return q;
}

/* Delays outside [0, max_delay] (a learned delay that ran away) are clamped
 * into the ring. */
void snn_synqueue_push(snn_synqueue *q, int64_t step, const int32_t *spk, int32_t n,
		       const snn_csr *csr, const int32_t *delay)
{
	Ring *r = &q->ring;
	/* one division per step, not per synaptic event (while the ring keeps
	 * its size; a growth recomputes it) */
	int64_t nslots = r->nslots, base = step % nslots;
	for (int32_t k = 0; k < n; k++) {
		int32_t pre = spk[k];
		for (int64_t s = csr->row[pre], end = csr->row[pre + 1]; s < end; s++) {
			int32_t d = delay[s];
			d = d < 0 ? 0 : d > q->max_delay ? q->max_delay : d;
			int64_t idx = d < nslots ? base + d : (step + d) % nslots;
			if (idx >= nslots)
				idx -= nslots;
			Slot *sl = &r->slots[idx];
			if (sl->step != step + d) {
				sl = ring_slot(r, step + d, step);
				nslots = r->nslots;
				base = step % nslots;
			}
			if (sl->n == sl->cap)
				reserve(r->sim, sl, 1, sizeof(int64_t));
			((int64_t *)sl->data)[sl->n++] = s;
		}
	}
}

void snn_synqueue_push_one(snn_synqueue *q, int64_t step, int64_t syn, int32_t d)
{
	d = d < 0 ? 0 : d > q->max_delay ? q->max_delay : d;
	Slot *sl = ring_slot(&q->ring, step + d, step);
	if (sl->n == sl->cap)
		reserve(q->ring.sim, sl, 1, sizeof(int64_t));
	((int64_t *)sl->data)[sl->n++] = syn;
}

const int64_t *snn_synqueue_due(snn_synqueue *q, int64_t step, int64_t *count)
{
	const Slot *s = ring_due(&q->ring, step);
	*count = s->step == step ? s->n : 0;
	return s->data;
}

/* ---- checkpoints */

static void save_ring(snn_ckpt *c, const Ring *r, size_t size)
{
	snn_ckpt_put_i64(c, r->nslots);
	for (int64_t k = 0; k < r->nslots; k++) {
		const Slot *s = &r->slots[k];
		int live = s->step >= c->sim->step;
		snn_ckpt_put_i64(c, live ? s->step : -1);
		snn_ckpt_put_i64(c, live ? s->n : 0);
		if (live && s->n)
			snn_ckpt_put(c, s->data, (size_t)s->n * size);
	}
}

static void load_ring(snn_ckpt *c, Ring *r, size_t size, const char *name)
{
	int64_t saved = snn_ckpt_get_i64(c);
	if (!c->failed && (saved < 1 || saved > r->max_slots))
		snn_ckpt_fail(c, "the queue of %s spans %" PRId64 " steps there, at most %" PRId64
			      " here", name, saved, r->max_slots);
	if (c->failed)
		return;
	r->slots = new_slots(r->sim, saved);
	r->nslots = saved;
	for (int64_t k = 0; k < saved && !c->failed; k++) {
		Slot *s = &r->slots[k];
		int64_t step = snn_ckpt_get_i64(c), n = snn_ckpt_get_i64(c);
		if (c->failed)
			return;
		if (n < 0 || n > ((int64_t)1 << 40) || (n && (step < 0 || step % saved != k))) {
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
	save_ring(c, &q->ring, sizeof(int32_t));
}

void snn_queue_load(snn_ckpt *c, snn_queue *q, const char *name)
{
	load_ring(c, &q->ring, sizeof(int32_t), name);
}

void snn_synqueue_save(snn_ckpt *c, const snn_synqueue *q)
{
	save_ring(c, &q->ring, sizeof(int64_t));
}

void snn_synqueue_load(snn_ckpt *c, snn_synqueue *q, const char *name)
{
	load_ring(c, &q->ring, sizeof(int64_t), name);
}
