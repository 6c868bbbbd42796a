/*
 * input.c — `--input NAME=FILE`: a global driven from a .npy file
 * (LANGUAGE.md §4).
 *
 * Two forms.  A 1-D array `[K]` is one value per step: value k is set
 * before step k (the step that takes the state from k·dt to (k+1)·dt).  A
 * `[2, K]` array is times (row 0, seconds) and values (row 1), held
 * piecewise constant: value k is set before every step from round(t_k/dt)
 * on, until the next time.  Before the first time the global keeps its own
 * value (its default, --set, a checkpoint's); past the end the last value
 * holds.  The value is written before every step, so the network's on tick
 * may overwrite it for the rest of that step and the file sets it again
 * before the next.  An input is a function of the step alone: a restored
 * run picks it up where the checkpoint left off.
 *
 * The command line checks the file (snn_input_check, status 2 on a bad
 * name, shape, value or time); snn_create loads it again (status 1 if it
 * changed in between).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct snn_input {
	int var;                /* the global's row in vars[] */
	int64_t n;              /* values */
	double *values;
	int64_t *from;          /* [n] first step of value k; NULL: value k is step k's */
	int64_t cursor;         /* the value in force at the last step applied (from != NULL) */
};

static int find_global(const snn_model *m, const char *name, size_t len)
{
	for (int k = 0; k < m->nvars; k++) {
		const snn_var_desc *v = &m->vars[k];
		if (v->owner_kind == SNN_OWN_GLOBAL && strlen(v->name) == len &&
		    memcmp(v->name, name, len) == 0)
			return k;
	}
	return -1;
}

/* The shape, every value finite, times finite, not negative, ascending and
 * within the steps a run can count.  from[] gets the first step of each
 * value (if from is not NULL). */
static int check_array(const snn_model *m, const char *arg, const snn_npy_array *a, int64_t *from,
		       char *err, size_t errlen)
{
	int pairs = a->ndim == 2 && a->shape[0] == 2;
	if (!(a->ndim == 1 || pairs)) {
		char shape[128] = "";
		for (int k = 0; k < a->ndim; k++)
			snprintf(shape + strlen(shape), sizeof shape - strlen(shape), "%s%lld", k ? ", " : "",
				 (long long)a->shape[k]);
		snprintf(err, errlen, "--input %s: the array has shape [%s]: expected one value per step "
			 "(shape [K]) or times and values (shape [2, K])", arg, shape);
		return -1;
	}
	int64_t n = pairs ? a->shape[1] : a->shape[0];
	if (n < 1) {
		snprintf(err, errlen, "--input %s: the array holds no values", arg);
		return -1;
	}
	const double *values = pairs ? a->data + n : a->data;
	for (int64_t k = 0; k < n; k++)
		if (!isfinite(values[k])) {
			snprintf(err, errlen, "--input %s: value %lld is not finite (%g)", arg, (long long)k,
				 values[k]);
			return -1;
		}
	for (int64_t k = 0; pairs && k < n; k++) {
		double t = a->data[k];
		int64_t s;
		if (!isfinite(t) || t < 0 || snn_steps_of(t, m->dt, SNN_MAX_STEPS, &s) != 0) {
			snprintf(err, errlen, "--input %s: time %lld (%g s) must be finite, not negative "
				 "and at most 2^53 steps", arg, (long long)k, t);
			return -1;
		}
		if (k > 0 && t < a->data[k - 1]) {
			snprintf(err, errlen, "--input %s: times must be ascending: time %lld (%g s) comes "
				 "before time %lld (%g s)", arg, (long long)k, t, (long long)k - 1, a->data[k - 1]);
			return -1;
		}
		if (from)
			from[k] = s;
	}
	return 0;
}

/* NAME=FILE: the global, and the file loaded and checked into *a. */
static int load(const snn_model *m, const char *arg, int *var, snn_npy_array *a, char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg || !eq[1]) {
		snprintf(err, errlen, "--input: expected NAME=FILE, got '%s'", arg);
		return -1;
	}
	*var = find_global(m, arg, (size_t)(eq - arg));
	if (*var < 0) {
		snprintf(err, errlen, "--input: no global named '%.*s'", (int)(eq - arg), arg);
		return -1;
	}
	char why[768];
	if (snn_npy_load(eq + 1, a, why, sizeof why) != 0) {
		snprintf(err, errlen, "--input %.*s: %s", (int)(eq - arg), arg, why);
		return -1;
	}
	return 0;
}

int snn_input_check(const snn_model *m, const char *arg, char *err, size_t errlen)
{
	int var;
	snn_npy_array a;
	if (load(m, arg, &var, &a, err, errlen) != 0)
		return -1;
	int rc = check_array(m, arg, &a, NULL, err, errlen);
	snn_npy_free(&a);
	return rc;
}

int snn_inputs_open(snn_sim *sim, const snn_options *opt, char *err, size_t errlen)
{
	struct snn_priv *priv = sim->priv;
	if (opt->ninput <= 0)
		return 0;
	priv->inputs = snn_alloc_array(sim, (size_t)opt->ninput, sizeof *priv->inputs);
	for (int k = 0; k < opt->ninput; k++) {
		snn_input *in = &priv->inputs[k];
		snn_npy_array a;
		if (load(sim->model, opt->input[k], &in->var, &a, err, errlen) != 0)
			return -1;
		int pairs = a.ndim == 2;
		in->n = pairs ? a.shape[1] : a.shape[0];
		if (in->n > 0 && pairs)
			in->from = snn_alloc_array(sim, (size_t)in->n, sizeof *in->from);
		if (check_array(sim->model, opt->input[k], &a, in->from, err, errlen) != 0) {
			snn_npy_free(&a);
			return -1;
		}
		in->values = snn_alloc_array(sim, (size_t)in->n, sizeof *in->values);
		memcpy(in->values, pairs ? a.data + in->n : a.data, (size_t)in->n * sizeof *in->values);
		in->cursor = -1;
		snn_npy_free(&a);
		priv->ninputs++;
	}
	return 0;
}

/* Before step sim->step: each input's value for that step into its global
 * (later inputs of the same global win). */
void snn_inputs_apply(snn_sim *sim)
{
	struct snn_priv *priv = sim->priv;
	for (int k = 0; k < priv->ninputs; k++) {
		snn_input *in = &priv->inputs[k];
		int64_t n = sim->step;
		int64_t at;
		if (!in->from) {
			at = n < in->n ? n : in->n - 1;
		} else {
			/* steps only go forward, but a restore starts anywhere */
			if (in->cursor >= 0 && in->from[in->cursor] > n)
				in->cursor = -1;
			while (in->cursor + 1 < in->n && in->from[in->cursor + 1] <= n)
				in->cursor++;
			at = in->cursor;
			if (at < 0)
				continue;      /* before the first time: the global keeps its value */
		}
		*(double *)((char *)sim->state + sim->model->vars[in->var].offset) = in->values[at];
	}
}
