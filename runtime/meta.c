/*
 * meta.c — OUT/meta.json: what was run (model file, network, version, dt,
 * seed, method, precision), how far it got (steps, simulated duration,
 * whether a signal interrupted it, wall time), and what every output file
 * holds with its dtype and unit, plus the unit of every recorded variable.
 *
 * "duration" is the simulated time actually run (steps done * dt);
 * "requested_duration" what the network or --duration asked for.
 *
 * "complete" is false from the start of snn_create (before setup) until
 * snn_finish has closed every file, which leaves each one valid; "error"
 * says why a run stopped early or a file failed (else null).  The file is
 * written to meta.json.tmp and renamed, so a full disk leaves the previous
 * version (this run's "complete": false), never half a file.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void snn_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* Shortest of %.15g / %.17g that reads back exactly; JSON has no inf/nan. */
static void json_number(FILE *f, double x)
{
	char buf[32];
	if (!isfinite(x)) {
		fputs("null", f);
		return;
	}
	snprintf(buf, sizeof buf, "%.15g", x);
	if (strtod(buf, NULL) != x)
		snprintf(buf, sizeof buf, "%.17g", x);
	fputs(buf, f);
}

static void key(FILE *f, const char *k, int first)
{
	fputs(first ? "\n  " : ",\n  ", f);
	snn_json_string(f, k);
	fputs(": ", f);
}

static void key_string(FILE *f, const char *k, const char *v)
{
	key(f, k, 0);
	snn_json_string(f, v);
}

static void key_number(FILE *f, const char *k, double v)
{
	key(f, k, 0);
	json_number(f, v);
}

static void write_files(FILE *f, const struct snn_priv *p)
{
	key(f, "files", 0);
	fputc('{', f);
	for (int k = 0; k < p->nfiles; k++) {
		const snn_outfile *o = &p->files[k];
		fputs(k ? ",\n    " : "\n    ", f);
		snn_json_string(f, o->name);
		fputs(": {\"holds\": ", f);
		snn_json_string(f, o->holds);
		fputs(", \"dtype\": ", f);
		snn_json_string(f, o->dtype);
		fputs(", \"unit\": ", f);
		snn_json_string(f, o->unit);
		fputc('}', f);
	}
	fputs(p->nfiles ? "\n  }" : "}", f);
}

/* "units": the recorded name (file stem) of every recorded variable. */
static void write_units(FILE *f, const snn_sim *sim)
{
	const snn_model *m = sim->model;
	char buf[128];
	int n = 0;
	key(f, "units", 0);
	fputc('{', f);
	for (int k = 0; k < m->nrecords; k++) {
		const snn_record_desc *r = &m->records[k];
		if (r->what != SNN_REC_VAR)
			continue;
		const snn_var_desc *v = &m->vars[r->var];
		fputs(n++ ? ",\n    " : "\n    ", f);
		snn_json_string(f, r->stem);
		fputs(": ", f);
		snn_json_string(f, v->unit && *v->unit ? v->unit : snn_dim_format(v->dim, buf, sizeof buf));
	}
	fputs(n ? "\n  }" : "}", f);
}

static void write_meta(FILE *f, const snn_sim *sim)
{
	const snn_model *m = sim->model;
	const struct snn_priv *p = sim->priv;
	fputc('{', f);
	key(f, "snnc_version", 1);
	snn_json_string(f, SNN_VERSION);
	key_string(f, "model", m->source);
	key_string(f, "network", m->network);
	key_number(f, "dt", sim->dt);
	key_number(f, "duration", (double)sim->step * sim->dt);
	key_number(f, "requested_duration", p->requested_duration);
	key_number(f, "steps", (double)sim->step);
	key(f, "seed", 0);
	fprintf(f, "%llu", (unsigned long long)sim->seed);
	key_string(f, "method", m->method);
	key_string(f, "precision", m->single ? "single" : "double");
	key(f, "interrupted", 0);
	fputs(p->signal ? "true" : "false", f);
	key(f, "complete", 0);
	fputs(p->complete ? "true" : "false", f);
	key(f, "error", 0);
	if (p->error[0])
		snn_json_string(f, p->error);
	else
		fputs("null", f);
	key_number(f, "wall_time", p->wall_time);
	write_files(f, p);
	write_units(f, sim);
	fputs("\n}\n", f);
}

int snn_meta_write(snn_sim *sim)
{
	char *path = snn_pool_printf(sim, "%s/meta.json", sim->priv->out_dir);
	char *tmp = snn_pool_printf(sim, "%s/meta.json.tmp", sim->priv->out_dir);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return -1;
	write_meta(f, sim);
	int bad = fflush(f) != 0 || ferror(f);
	int saved = errno;
	if (fclose(f) != 0 && !bad) {
		bad = 1;
		saved = errno;
	}
	if (!bad && rename(tmp, path) == 0)
		return 0;
	if (!bad)
		saved = errno;
	remove(tmp);
	errno = saved ? saved : EIO;
	return -1;
}
