/*
 * internal.h — private declarations shared by the runtime's simulation core
 * (sim.c), its monitors (monitor.c), meta.json (meta.c) and the command
 * line (cli.c).  Nothing here is visible to generated models: they see
 * snn_rt.h only.  Names keep the `snn_` prefix so that they can never clash
 * with a mangled user name in the generated C.
 */
#ifndef SNN_INTERNAL_H
#define SNN_INTERNAL_H

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
};

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
/* Create every directory along path (mkdir -p).  0, or -1 with errno. */
int snn_mkdir_p(const char *path);

/* monitor.c */
int snn_monitors_open(snn_sim *sim, char *err, size_t errlen);
int snn_monitors_close(snn_sim *sim);   /* 0 ok, -1 if a file failed */

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
int snn_meta_write(snn_sim *sim);       /* out_dir/meta.json; 0 or -1 */
void snn_json_string(FILE *f, const char *s);

#endif
