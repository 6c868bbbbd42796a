/*
 * internal.h — private declarations shared by the runtime's simulation core
 * (sim.c), its monitors (monitor.c), meta.json (meta.c) and the command
 * line (cli.c).  Nothing here is visible to generated models: they see
 * snn_rt.h only.  Names keep the `snn_` prefix so that they can never clash
 * with a mangled user name in the generated C.
 */
#ifndef SNN_INTERNAL_H
#define SNN_INTERNAL_H

#include <signal.h>
#include <stdio.h>

#include "snn_rt.h"

typedef struct snn_block snn_block;
typedef struct snn_monitor snn_monitor;

/* One output file, for meta.json. */
typedef struct {
	const char *name;       /* file name inside the output directory */
	const char *holds;      /* what it holds, in words */
	const char *dtype;      /* "float64" / "int32" */
	const char *unit;       /* "second", "volt", "1", ... */
} snn_outfile;

struct snn_priv {
	snn_block *blocks;          /* the pool: every snn_alloc, freed at destroy */
	const char *out_dir;
	double requested_duration;  /* seconds, before rounding to steps */
	int setup_done;             /* snn_set calls model->update from now on */
	int progress;
	int finished;               /* snn_finish ran */
	int signal;                 /* signal that stopped snn_run, or 0 */
	double wall_time;           /* seconds spent in snn_run */
	int64_t *nspikes;           /* [npops] spikes counted by snn_step */
	snn_monitor *mon;           /* [nmon] one per model record */
	int nmon;
	snn_outfile *files;         /* [nfiles] every file the monitors write */
	int nfiles;
	int complete;               /* meta.json: every file closed and valid */
	char error[1024];           /* snn_error: the last failure's message */
	/* memory (mem.c): what the machine had at snn_create, what the pool
	 * holds, and a refusal found where no error can be returned */
	double mem_available;
	double pool_bytes;
	char mem_refusal[512];
	/* non-finite states (snn_nonfinite) */
	int allow_nonfinite;
	int nonfinite_pop;          /* population that reported, or -1 */
	/* SIGINT/SIGTERM handlers installed by snn_create */
	int handlers;
	struct sigaction old_int, old_term, old_xfsz;
	/* --input (input.c) */
	struct snn_input *inputs;
	int ninputs;
};

/* input.c: --input NAME=FILE */
typedef struct snn_input snn_input;
/* Check NAME=FILE for the command line: a global, a readable .npy of
 * shape [K] or [2, K], finite values, ascending times.  0, or -1 with the
 * message. */
int snn_input_check(const snn_model *m, const char *arg, char *err, size_t errlen);
/* Load every opt->input (snn_create, after a restore). */
int snn_inputs_open(snn_sim *sim, const snn_options *opt, char *err, size_t errlen);
/* Before each step: the inputs' values for sim->step into their globals. */
void snn_inputs_apply(snn_sim *sim);

/* sim.c */
char *snn_pool_strdup(snn_sim *sim, const char *s);
char *snn_pool_printf(snn_sim *sim, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
double snn_round(double x);
/* Index of variable `qname` in the model's table, or -1. */
int snn_model_find_var(const snn_model *m, const char *qname);
/* Check "NAME=VALUE" against the model's tables: a param or global of the
 * right dimension.  Returns 0 with *var and *value (SI), or -1 with the
 * message.  Shared by snn_set_text and the command line, which must reject
 * a bad --set (exit status 2) before any setup runs. */
int snn_set_parse(const snn_model *m, const char *assign, int *var, double *value,
		  char *err, size_t errlen);
/* Params, globals and population scalars are one double in the state
 * struct; everything else is an array. */
int snn_var_is_scalar(const snn_var_desc *v);
/* Address of a scalar's double, or of an array's first element. */
void *snn_var_data(const snn_sim *sim, const snn_var_desc *v);
double snn_load(const void *array, int type, int64_t i);
/* The lazy-trace row of variable `var`, or NULL. */
const snn_lazy_desc *snn_lazy_of(const snn_model *m, int var);
/* Element i of lazy trace z as the clock-driven trace is after `now`
 * steps: sim->step between steps, sim->step + 1 in phase 6 (monitors). */
double snn_lazy_get(const snn_sim *sim, const snn_lazy_desc *z, int64_t i, int64_t now);
/* Create every directory along path (mkdir -p).  0, or -1 with errno. */
int snn_mkdir_p(const char *path);

/* The signal SIGINT/SIGTERM delivered since snn_create, or 0. */
int snn_signal_pending(void);
/* Report "out of memory" for an allocation that failed and exit with
 * status 1 (what an allocation the estimate could not foresee ends in:
 * never an abort and a core dump). */
_Noreturn void snn_oom(size_t bytes);

/* mem.c: estimates before allocating.  Bytes the machine can give us:
 * $SNN_MEM_AVAILABLE if set (bytes, for tests and for leaving room), else
 * MemAvailable of /proc/meminfo, else sysconf's available pages; never more
 * than RLIMIT_AS / RLIMIT_DATA allow. */
double snn_mem_available(void);
/* "320 GB", "1.5 MB", "512 bytes" into buf; returns buf. */
char *snn_mem_format(double bytes, char *buf, size_t n);
/* Refuse (-1 with "WHAT: the network needs N; M available") when the pool
 * plus `more` bytes would not fit in what the machine had at snn_create. */
int snn_mem_check(snn_sim *sim, double more, const char *what, char *err, size_t errlen);
/* The same where no error can be returned (a queue): the first refusal is
 * kept and snn_create reports it after setup. */
void snn_mem_defer(snn_sim *sim, double more, const char *what);
/* Before setup: every population's runtime arrays, its buffers of
 * snn_model.bufs (SNN_BUF_POP rows) and its monitors' row buffers. */
int snn_mem_check_pops(snn_sim *sim, char *err, size_t errlen);
/* Bytes per synapse of connection `conn`: its SNN_BUF_SYN rows. */
double snn_mem_syn_bytes(const snn_sim *sim, int conn);

/* monitor.c */
int snn_monitors_open(snn_sim *sim, char *err, size_t errlen);
/* 0 ok, -1 if a file failed: the first failure's message ("cannot write
 * 'out/P.v.npy': No space left on device") goes into sim->priv->error. */
int snn_monitors_close(snn_sim *sim);

/* checkpoint.c: the stream a checkpoint is written to or read from.  Puts
 * and gets never fail loudly: the first error is kept in `err` (a short read
 * is "truncated") and later calls do nothing, so a reader checks once at the
 * end.  Every byte goes through a running hash, checked at the end. */
typedef struct snn_ckpt {
	FILE *f;
	snn_sim *sim;
	const char *path;
	int failed;
	uint64_t hash;
	char *err;
	size_t errlen;
} snn_ckpt;
void snn_ckpt_put(snn_ckpt *c, const void *p, size_t n);
void snn_ckpt_get(snn_ckpt *c, void *p, size_t n);
void snn_ckpt_put_i64(snn_ckpt *c, int64_t x);
int64_t snn_ckpt_get_i64(snn_ckpt *c);
void snn_ckpt_fail(snn_ckpt *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* queue.c, gen.c: their state in a checkpoint */
void snn_queue_save(snn_ckpt *c, const snn_queue *q);
void snn_queue_load(snn_ckpt *c, snn_queue *q, const char *name);
void snn_synqueue_save(snn_ckpt *c, const snn_synqueue *q);
void snn_synqueue_load(snn_ckpt *c, snn_synqueue *q, const char *name);
void snn_gen_save(snn_ckpt *c, const snn_gen *g);
void snn_gen_load(snn_ckpt *c, snn_gen *g);

/* meta.c */
/* out_dir/meta.json, written to meta.json.tmp and renamed (never half a
 * file); "complete" is priv->complete.  0, or -1 with errno. */
int snn_meta_write(snn_sim *sim);
void snn_json_string(FILE *f, const char *s);

#endif
