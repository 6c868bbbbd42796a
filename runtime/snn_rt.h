/*
 * snn_rt.h — the snnc runtime: everything a generated simulator needs that is
 * not specific to its model.
 *
 * A generated model (one C file written by snnc) defines one `snn_model`
 * descriptor named `snn_model_main`: tables describing its populations,
 * connections, variables and records, plus four callbacks (defaults, setup,
 * update, step).  The runtime owns the clock, the command line, memory,
 * random numbers, connectivity, spike queues, generators, monitors and output
 * files.  The generated `step` callback runs phases 1-5 of LANGUAGE.md §4 by
 * calling its own kernels and the runtime functions below, then calls
 * snn_record() (phase 6) and moves its inputs on.
 *
 * Every exported name starts with `snn_` / `SNN_`.  Nothing here allocates
 * inside the step loop except queue growth (geometric, amortised, rare).
 *
 * Layout conventions the generated code relies on:
 *   - per-element state is structure-of-arrays, 64-byte aligned (snn_alloc);
 *   - connectivity is CSR by presynaptic neuron over the whole presynaptic
 *     population (rows outside a slice are empty), targets ascending within a
 *     row; synapse index s is the CSR position and the column order of every
 *     recorded connection variable;
 *   - indices of neurons are int32, of synapses int64.
 */
#ifndef SNN_RT_H
#define SNN_RT_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SNN_VERSION "0.1.0"

typedef struct snn_sim snn_sim;

/* ---------------------------------------------------------------- units.c
 * Physical dimensions as exponents of the seven SI base units.  Exponents
 * are doubles so that sqrt() can halve them; compare with snn_dim_eq. */
enum { SNN_M, SNN_KG, SNN_S, SNN_A, SNN_K, SNN_MOL, SNN_CD, SNN_NDIM };
typedef struct { double e[SNN_NDIM]; } snn_dim;

typedef struct {
	const char *name;   /* spelling in source: "mV" */
	double factor;      /* SI value of one unit: 1e-3 */
	snn_dim dim;
} snn_unit;

const snn_unit *snn_unit_find(const char *name);         /* NULL if unknown */
const snn_unit *snn_unit_table(int *count);
bool snn_dim_eq(snn_dim a, snn_dim b);
bool snn_dim_is_one(snn_dim a);
snn_dim snn_dim_mul(snn_dim a, snn_dim b);
snn_dim snn_dim_div(snn_dim a, snn_dim b);
snn_dim snn_dim_pow(snn_dim a, double p);
/* Human name of a dimension: "1", "volt", "volt/second", "siemens*volt",
 * "metre^2*kilogram/(second^3*ampere)".  Returns buf. */
char *snn_dim_format(snn_dim d, char *buf, size_t n);
/* Parse "10ms", "-65 mV", "1e-3", "15 Hz", "2s", "0.5 nS": a number then at
 * most one unit name (optionally separated by blanks).  Returns 0 and sets
 * *value (SI) and *dim, or -1 on a malformed string / unknown unit. */
int snn_parse_quantity(const char *s, double *value, snn_dim *dim);

/* ---------------------------------------------------------------- alloc.c
 * All runtime and model memory comes from the simulation's pool, 64-byte
 * aligned and zeroed, and is freed by snn_destroy. */
void *snn_alloc(snn_sim *sim, size_t bytes);
void *snn_alloc_array(snn_sim *sim, size_t count, size_t size);

/* ---------------------------------------------------------------- steps
 * Every time the runtime or the generated code turns into a number of steps
 * (a duration, a delay, a refractory period, a spike time) goes through
 * snn_steps_of: round(seconds / dt) = floor(x + 0.5) in double precision,
 * checked as a double first, so no NaN, infinity or huge value ever reaches
 * an integer conversion (undefined behaviour in C).  Returns 0 and sets *out
 * when the quotient is finite and the rounded count lies in [0, max]; else
 * returns -1 and leaves *out alone (the caller words the message: "delay
 * 1e+300 s is out of range").  A run never takes more than SNN_MAX_STEPS
 * steps: below 2^53 every stamp (n + 1) * dt is computed from an exact n. */
#define SNN_MAX_STEPS ((int64_t)1 << 53)
int snn_steps_of(double seconds, double dt, int64_t max, int64_t *out);

/* ---------------------------------------------------------------- rng.c
 * Counter-based random numbers (Philox4x32-10, Random123): a draw is a pure
 * function of (seed, stream, element, step, k), so results do not depend on
 * the number of threads or the order of loops.
 *   stream: one per draw site, numbered by the compiler (see SNN_STREAM_*
 *           for the runtime's own sites);
 *   elem:   neuron or synapse index;
 *   step:   step number n, or SNN_STEP_INIT for initial values;
 *   k:      draw number within (stream, elem, step), < 65536. */
#define SNN_STEP_INIT ((uint64_t)0xFFFFFFFFFFFFull)
#define SNN_STREAM_CONNECT  0x40000000u  /* + connection index */
#define SNN_STREAM_DELAY    0x50000000u  /* + connection index */
#define SNN_STREAM_POISSON  0x60000000u  /* + population index */

typedef struct { uint32_t v[4]; } snn_u4;
snn_u4 snn_philox(uint64_t seed, uint32_t stream, uint64_t elem, uint64_t step, uint32_t k);
/* uniform in [0, 1), 53 random bits */
double snn_rand(uint64_t seed, uint32_t stream, uint64_t elem, uint64_t step, uint32_t k);
/* standard normal (Box-Muller on one Philox block) */
double snn_randn(uint64_t seed, uint32_t stream, uint64_t elem, uint64_t step, uint32_t k);

/* ---------------------------------------------------------------- npy.c
 * NumPy .npy version 1.0.  Writers stream: the header is written with room
 * for the final shape, rows are appended, and snn_npy_close rewrites the
 * header with the row count, so a file is valid after every completed row
 * flushed by snn_npy_close. */
enum { SNN_T_F64, SNN_T_F32, SNN_T_I32, SNN_T_U8, SNN_T_I64 };
size_t snn_type_size(int type);

typedef struct snn_npy_writer snn_npy_writer;
/* ncols < 0: 1-D array of rows (each row one element); else 2-D [rows, ncols];
 * ncols2 > 0 gives 3-D [rows, ncols, ncols2]. */
snn_npy_writer *snn_npy_open(const char *path, int type, int64_t ncols, int64_t ncols2);
void snn_npy_append(snn_npy_writer *w, const void *data, int64_t nelems);
int64_t snn_npy_rows(const snn_npy_writer *w);
/* 0 ok; -1 with errno of the first failed write (ENOSPC, EFBIG, ...): the
 * file is then cut to the whole rows that reached it, its header rewritten
 * for them (valid for numpy.load), or removed if even that fails. */
int snn_npy_close(snn_npy_writer *w);
/* Write a whole array at once (0, or -1 with errno; no file is left). */
int snn_npy_save(const char *path, int type, int ndim, const int64_t *shape, const void *data);

typedef struct {
	int type;           /* SNN_T_*, after conversion: loader converts to f64 */
	int ndim;
	int64_t shape[4];
	int64_t count;
	double *data;       /* converted to double, row-major (C order) */
} snn_npy_array;
/* Read any little-endian numeric .npy (f8, f4, i8, i4, i2, i1, u1, u2, u4,
 * u8, b1; C order) converted to double.  Returns 0, or -1 with a message in
 * err: also for what is not a regular file, and for a header claiming more
 * data than the file holds (checked before allocating).  Free with
 * snn_npy_free. */
int snn_npy_load(const char *path, snn_npy_array *out, char *err, size_t errlen);
void snn_npy_free(snn_npy_array *a);

/* ---------------------------------------------------------------- connect.c */
typedef struct {
	int64_t nsyn;
	int64_t *row;       /* [npre_pop + 1], CSR by pre over the whole pre population */
	int32_t *post;      /* [nsyn] absolute post index, ascending within a row */
	int32_t *pre;       /* [nsyn] absolute pre index */
	double *value;      /* [nsyn] weights= file value per synapse, else NULL */
	/* the post-major index, built by snn_csr_by_post when a kernel needs
	 * it (on post), else NULL: the synapses of post neuron j are
	 * post_syn[post_row[j] .. post_row[j+1]), ascending */
	int64_t *post_row;  /* [npost_pop + 1] */
	int64_t *post_syn;  /* [nsyn] */
} snn_csr;

enum { SNN_CONN_ALL, SNN_CONN_ONE, SNN_CONN_P, SNN_CONN_FAN_IN, SNN_CONN_WEIGHTS };
typedef struct {
	int kind;               /* SNN_CONN_* */
	double p;               /* SNN_CONN_P: probability in [0, 1] */
	int64_t fan_in;         /* SNN_CONN_FAN_IN */
	const char *weights;    /* SNN_CONN_WEIGHTS: path of a dense [pre, post] .npy */
	const char *mask;       /* optional with any kind: path of a [pre, post] .npy; 0 = no synapse */
	int32_t pre_n, pre0, pre1;    /* pre population size and slice [pre0, pre1) */
	int32_t post_n, post0, post1; /* post population size and slice [post0, post1) */
	uint32_t stream;        /* SNN_STREAM_CONNECT + connection index */
} snn_conn_spec;
/* Build connectivity into *out (memory from the sim pool).  `p` samples the
 * geometric gaps between targets (not one coin per pair); fan_in draws
 * without replacement per post.  Returns 0, or -1 with a message: also when
 * the expected synapses would not fit in memory (checked before any is
 * drawn) and when SIGINT/SIGTERM arrived during setup. */
int snn_connect(snn_sim *sim, const snn_conn_spec *spec, snn_csr *out, char *err, size_t errlen);
/* The post-major index of csr over a post population of post_n neurons
 * (memory from the sim pool; O(nsyn + post_n)). */
void snn_csr_by_post(snn_sim *sim, snn_csr *csr, int32_t post_n);

/* ---------------------------------------------------------------- queue.c
 * Spike delivery with delays.  A spike pushed at step n with delay d (steps)
 * is returned by snn_*queue_due at step n + d; d = 0 delivers in the same step
 * (push before due).  The ring grows with the run (at most about twice the
 * steps run so far, never more than d + 1 slots), so a delay far longer
 * than the run costs nothing; new checks the slots the run can need
 * against the memory and a refusal fails snn_create after setup. */
typedef struct snn_queue snn_queue;        /* homogeneous delay: holds pre indices */
snn_queue *snn_queue_new(snn_sim *sim, int32_t delay_steps);
void snn_queue_push(snn_queue *q, int64_t step, const int32_t *spk, int32_t n);
const int32_t *snn_queue_due(snn_queue *q, int64_t step, int32_t *count);

typedef struct snn_synqueue snn_synqueue;  /* per-synapse delays: holds synapse indices */
snn_synqueue *snn_synqueue_new(snn_sim *sim, int32_t max_delay_steps);
/* For each spiking pre in spk, schedule each of its synapses s at step + delay[s]. */
void snn_synqueue_push(snn_synqueue *q, int64_t step, const int32_t *spk, int32_t n,
		       const snn_csr *csr, const int32_t *delay);
/* Learned delays: synapse syn of a spike of this step, due d steps on
 * (clamped to [0, max_delay]); the generated code converts the synapse's
 * delay state at push time, one call per synapse of the spiking neurons. */
void snn_synqueue_push_one(snn_synqueue *q, int64_t step, int64_t syn, int32_t d);
/* Due synapse indices, in push order. */
const int64_t *snn_synqueue_due(snn_synqueue *q, int64_t step, int64_t *count);

/* ---------------------------------------------------------------- gen.c
 * Spike generators.  Each fills pop->spk / nspk (ascending) for the current
 * step and maintains pop->spiked / pop->t_last like a neuron population. */
typedef struct snn_gen snn_gen;
/* Poisson: each element spikes in each step with probability min(1, rate*dt),
 * drawn as geometric gaps between spikes (O(spikes) per step). `rate` points to
 * the population's `rate` param; snn_gen_reset_rate redraws after a change. */
snn_gen *snn_gen_poisson(snn_sim *sim, int pop, const double *rate);
void snn_gen_reset_rate(snn_sim *sim, snn_gen *g);
/* Explicit times (seconds) and indices (NULL: every element at each time).
 * Step of a spike at t: round(t/dt) - 1 (stamp round(t/dt)*dt). Duplicates
 * give one spike; a time beyond SNN_MAX_STEPS steps (1e300 s, +inf) is
 * never emitted, like any time past the run.  Returns NULL with a message on
 * a NaN time, a time rounding to <= 0 or an index out of range. */
snn_gen *snn_gen_spikes(snn_sim *sim, int pop, const double *times, const int32_t *index,
			int64_t count, char *err, size_t errlen);
enum { SNN_FF_RATES, SNN_FF_VALUES };
/* Rows of a 2-D .npy shown in turn, row k in steps stamped (k*T, (k+1)*T].
 * The population size is the number of columns (set into sim->pops[pop].n
 * before the model allocates). */
snn_gen *snn_gen_from_file(snn_sim *sim, int pop, const char *path, double present, int mode,
			   char *err, size_t errlen);
/* `values` mode: current row as a double array of length n; row index. */
const double *snn_gen_values(const snn_gen *g);
int64_t snn_gen_row(const snn_gen *g);
void snn_gen_step(snn_sim *sim, snn_gen *g);

/* ---------------------------------------------------------------- spikes.c
 * Indices of the nonzero flags, ascending, into out; returns their count. */
int32_t snn_compact(const uint8_t *flags, int32_t n, int32_t *out);

/* Refractoriness: neuron i is refractory in step n iff
 * n - base <= ref_until[i] (int32, relative to a per-population base that
 * moves on every 2^30 steps, so runs of any length work).  A spike in the
 * step with relative index r and a period of R steps gives r + R (clamped). */
#define SNN_REF_EPOCH ((int64_t)1 << 30)
static inline int32_t snn_ref_until(int32_t r, double R)
{
	double u = (double)r + R;
	/* NaN and huge periods: refractory for good, never an undefined cast */
	if (!(u < (double)INT32_MAX))
		return INT32_MAX;
	return u > (double)INT32_MIN ? (int32_t)u : INT32_MIN;
}
void snn_ref_rebase(int64_t step, int32_t *ref_until, int32_t n, int64_t *base);

/* ---------------------------------------------------------------- expm.c
 * Exact propagators for dx/dt = A x + b (b held constant over the step):
 *   x(t+h) = Phi x(t) + Psi b,  Phi = e^{A h},  Psi = \int_0^h e^{A s} ds,
 * both from the exponential of the augmented matrix [[A, I], [0, 0]] h
 * (scaling and squaring with a Pade approximant).  Matrices row-major n x n. */
void snn_expm(int n, const double *A, double h, double *Phi, double *Psi);

/* ---------------------------------------------------------------- sim.c */
typedef struct {
	const char *name;       /* population name */
	const char *model;      /* neuron model or generator kind */
	int kind;               /* SNN_POP_* */
	int32_t n;              /* size (from_file: 0, known after setup) */
} snn_pop_desc;
enum { SNN_POP_NEURON, SNN_POP_POISSON, SNN_POP_SPIKES, SNN_POP_FROM_FILE };

typedef struct {
	const char *name;       /* the `as` name, or "PRE_POST_SYN" style default */
	const char *synapse;    /* synapse model name */
	int pre, post;          /* population indices */
} snn_conn_desc;

enum { SNN_OWN_POP, SNN_OWN_CONN, SNN_OWN_GLOBAL };
enum { SNN_VK_STATE, SNN_VK_LET, SNN_VK_INPUT, SNN_VK_PARAM, SNN_VK_BUILTIN };
typedef struct snn_var_desc {
	const char *name;       /* "v", "t_last", "taum" */
	int owner_kind;         /* SNN_OWN_* */
	int owner;              /* population or connection index */
	int kind;               /* SNN_VK_* */
	int type;               /* SNN_T_* of the stored array; params are always F64 */
	/* arrays: offset of the pointer field in the model state struct;
	 * params and globals: offset of the double field. */
	size_t offset;
	/* lets (kind LET): out[k] = value of element i0 + k, k < i1 - i0 */
	void (*eval)(const snn_sim *sim, int64_t i0, int64_t i1, double *out);
	snn_dim dim;
	const char *unit;       /* name of the dimension for meta.json: "volt" */
	/* SNN_VC_*: what an array of a connection is counted over */
	int count;
} snn_var_desc;

/* A lazy trace (DESIGN.md "Lazy traces"): its value x[i] is that of step
 * stamp[i]; the clock-driven value after `now` steps is
 * x[i] * snn_decay(decay, now - stamp[i]).  snn_get, snn_set and monitors
 * go through it. */
typedef struct {
	int var;                /* index into snn_model.vars */
	size_t stamp;           /* offset of the int64_t *stamp field in the state struct */
	size_t decay;           /* offset of its double[2]: the one-step factor, its log */
} snn_lazy_desc;
enum {
	SNN_VC_OWNER,           /* the owner's elements: a population's n, a connection's nsyn */
	SNN_VC_PRE, SNN_VC_POST,  /* a connection's pre/post state: its pre/post population's n */
};

enum { SNN_REC_SPIKES, SNN_REC_VAR };
typedef struct {
	const char *stem;       /* file stem: "P", "E.v", "syn.w", "reward" */
	int what;               /* SNN_REC_* */
	int pop;                /* SNN_REC_SPIKES: population index */
	int var;                /* SNN_REC_VAR: index into snn_model.vars */
	int64_t i0, i1;         /* elements [i0, i1) in the owner (absolute); i1 < 0: to the end */
	int64_t offset;         /* index subtracted for spike indices of a slice */
	double every;           /* sampling period, seconds (a multiple of dt) */
} snn_record_desc;

/* The buffers of the model's state struct that a checkpoint holds (see
 * checkpoint.c): one row per array or field.  The runtime saves what it
 * owns itself (t_last, spiked, spike lists, generators, the clock). */
enum {
	SNN_BUF_POP,            /* array of the owner population's n elements (pointer field) */
	SNN_BUF_SYN,            /* array of the owner connection's nsyn elements (pointer field) */
	SNN_BUF_ONE,            /* one field of `elem` bytes: a param, a global, a scalar */
	SNN_BUF_QUEUE,          /* an snn_queue * field */
	SNN_BUF_SYNQUEUE,       /* an snn_synqueue * field */
	SNN_BUF_PRE, SNN_BUF_POST,  /* array of the owner connection's pre / post population's n */
};
typedef struct {
	const char *name;       /* "P.x_v", "E_P_0.delay": for messages */
	int count_kind;         /* SNN_BUF_* */
	int owner;              /* population or connection index */
	size_t elem;            /* bytes per element (queues: 0) */
	size_t offset;          /* of the field in the model's state struct */
	int rebuilt;            /* setup rebuilds it from the seed: compared, not loaded */
} snn_buf_desc;

typedef struct snn_model {
	const char *source;     /* model file path as given to snnc */
	const char *network;
	double dt, duration;
	uint64_t seed;
	const char *method;
	int single;             /* precision = single */
	size_t state_size;      /* sizeof the model's state struct (zeroed by runtime) */
	int npops;   const snn_pop_desc *pops;
	int nconns;  const snn_conn_desc *conns;
	int nvars;   const snn_var_desc *vars;
	int nrecords; const snn_record_desc *records;
	/* params and globals to their defaults (before --set) */
	void (*defaults)(snn_sim *sim);
	/* after --set: generators, connectivity, state arrays, initial values,
	 * propagators.  Returns 0, or -1 with a message (a run-time error in the
	 * model's data, e.g. a missing weights file). */
	int (*setup)(snn_sim *sim, char *err, size_t errlen);
	/* params changed after setup (API snn_set): recompute derived values */
	void (*update)(snn_sim *sim);
	/* one step: phases 1-5, then snn_record(sim), then inputs move on */
	void (*step)(snn_sim *sim);
	int nbufs; const snn_buf_desc *bufs;    /* what a checkpoint holds */
	int nlazy; const snn_lazy_desc *lazy;   /* lazy traces (none: 0, NULL) */
} snn_model;

typedef struct {
	const char *name;
	int32_t n;
	int32_t *spk;           /* this step's spikes, ascending, [nspk] */
	int32_t nspk;
	double *t_last;         /* [n], -inf before the first spike */
	uint8_t *spiked;        /* [n] */
	snn_gen *gen;           /* generators only */
} snn_pop;

typedef struct {
	const char *name;
	snn_csr csr;
} snn_conn;

struct snn_sim {
	const snn_model *model;
	void *state;            /* the model's state struct, state_size bytes */
	double dt;
	uint64_t seed;
	int64_t step;           /* n: the step being run (or next to run) */
	int64_t nsteps;         /* steps in this run */
	double t;               /* stamp of step n: (n+1)*dt, as a double */
	snn_pop *pops;          /* [model->npops] */
	snn_conn *conns;        /* [model->nconns] */
	struct snn_priv *priv;  /* runtime internals */
};

typedef struct {
	double duration;        /* < 0: the model's */
	int64_t seed;           /* < 0: the model's */
	const char *out_dir;    /* NULL: "out" */
	int quiet, progress;
	int threads;
	int nset;               /* --set NAME=VALUE, applied before setup */
	const char *const *set;
	int ninput;
	const char *const *input;
	/* --restore: load this checkpoint after setup, then apply `set` again */
	const char *restore;
	/* --allow-nonfinite: a state that becomes NaN or infinite does not stop
	 * the run (see snn_nonfinite) */
	int allow_nonfinite;
} snn_options;

/* Create: allocate state, defaults, apply options->set, setup, restore
 * options->restore (then options->set again), open monitors in out_dir.  Returns NULL with a message in err (errlen bytes). */
snn_sim *snn_create(const snn_model *m, const snn_options *opt, char *err, size_t errlen);
/* Run one step (calls model->step).  Returns 0, or -1 when a state became
 * non-finite in it (see snn_nonfinite; the message is snn_error's): the step
 * is then not counted, its samples are not recorded, and the run must stop. */
int snn_step(snn_sim *sim);
/* Run until nsteps or a SIGINT/SIGTERM; returns 0, or the signal number, or
 * -1 when a step found a non-finite state (snn_error says where).
 * SIGINT/SIGTERM are caught from snn_create on (so a signal during setup is
 * seen too) until snn_destroy: they set a flag checked after every step. */
int snn_run(snn_sim *sim);
/* The message of the last failure of snn_set, snn_step / snn_run or
 * snn_finish ("" when there was none). */
const char *snn_error(const snn_sim *sim);

/* Non-finite states (the generated code's half, LANGUAGE-NOTES.md): an
 * integrate kernel accumulates a branch-free flag over the states it writes
 * (e.g. acc += x * 0, which stays 0 unless some x is NaN or infinite) and
 * model->step tests it once, right after the kernel:
 *
 *     if (pop_P_integrate(sim) && snn_nonfinite(sim, P_INDEX))
 *             return;            // before snn_record: the step is not kept
 *
 * snn_nonfinite returns 1 when the run must stop (the default), 0 under
 * --allow-nonfinite (the step goes on as if nothing happened).  On a stop,
 * snn_step finds the first offending element by scanning the population's
 * SNN_VK_STATE variables (smallest element index, then table order), makes
 * the message "P.v[17] is not finite at t = 12.3 ms (step 123)", does not
 * count the step, and returns -1; the files keep every step before it. */
int snn_nonfinite(snn_sim *sim, int pop);
/* Look up a variable by qualified name ("P.v", "syn.w", "P.taum", "reward").
 * Returns its descriptor index or -1. */
int snn_find_var(const snn_sim *sim, const char *qname);
/* Number of elements of variable `var` (params/globals: 1). */
int64_t snn_var_count(const snn_sim *sim, int var);
/* Read element i of variable var as a double (lets are evaluated). */
double snn_get(const snn_sim *sim, int var, int64_t i);
/* Write element i (params: i = 0; calls model->update). Returns 0 or -1
 * (snn_error says why): a NaN or infinite value, or a negative rate of a
 * generator, is refused like a bad index or a let. */
int snn_set(snn_sim *sim, int var, int64_t i, double value);
/* Apply "NAME=VALUE" with units; returns 0 or -1 with a message (the same
 * checks as snn_set and the command line's --set). */
int snn_set_text(snn_sim *sim, const char *assign, char *err, size_t errlen);
/* Checkpoints (checkpoint.c).  Save writes the whole state after the last
 * completed step (atomically: PATH.tmp, then renamed); load, into a
 * simulation fresh from snn_create, puts it back, so the next snn_step runs
 * the global step after the saved one.  A checkpoint of another model, seed
 * or connectivity is refused.  Both return 0, or -1 with a message. */
int snn_checkpoint_save(snn_sim *sim, const char *path, char *err, size_t errlen);
int snn_checkpoint_load(snn_sim *sim, const char *path, char *err, size_t errlen);
/* Flush and close every output file, write meta.json. */
int snn_finish(snn_sim *sim);
void snn_destroy(snn_sim *sim);

/* The simulator's command line (LANGUAGE.md §5).  Exit status: 0, 2 for a
 * bad command line, 1 for a run-time error in the model's data, 128 + signal
 * when interrupted. */
int snn_main(int argc, char **argv, const snn_model *m);

/* ---------------------------------------------------------------- monitor.c
 * Phase 6: every monitor whose period divides (step + 1) samples now; spike
 * monitors append this step's spikes.  Called by the model's step. */
void snn_record(snn_sim *sim);

/* A lazy trace's decay over n >= 0 steps.  f[0] is the clock-driven
 * scheme's factor over one step, f[1] its logarithm computed without
 * rounding the factor first (log1p of the polynomial of an explicit
 * scheme: 1 + h rounded would be off by up to 1e-16 per step, 1e-10 after
 * 10^6 steps), f[2 + k] the decay over k < SNN_DECAY_TABLE steps
 * (snn_decay_table: the same formula, computed once, since most events
 * come a few hundred steps apart).  The generated event code
 * (x *= (real)snn_decay(f, n)) and the runtime's reads (snn_get, monitors)
 * use this one function; a factor that is not positive (an explicit scheme
 * with dt >= tau) is raised to the power. */
#define SNN_DECAY_TABLE 1024
static inline double snn_decay_far(const double *f, int64_t n)
{
	return f[0] > 0 ? exp((double)n * f[1]) : pow(f[0], (double)n);
}
static inline double snn_decay(const double *f, int64_t n)
{
	return n < SNN_DECAY_TABLE ? f[2 + n] : snn_decay_far(f, n);
}
/* f[0] = g, f[1] = log g, then the table (model_update, when g changes). */
void snn_decay_table(double *f, double g, double lg);

/* Pointer to the array of variable `var` (arrays only). */
static inline void *snn_var_array(const snn_sim *sim, const snn_var_desc *v)
{
	return *(void **)((char *)sim->state + v->offset);
}

#ifdef __cplusplus
}
#endif
#endif
