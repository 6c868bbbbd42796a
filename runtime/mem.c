/*
 * mem.c — what a network needs, estimated before it is allocated.
 *
 * A network too big for the machine must be refused with the figures
 * ("population P (2147483647 neurons): the network needs 64.4 GB; 22.3 GB
 * available", exit status 1), not end in an abort after minutes of work or
 * in the kernel's OOM killer.  The estimate is made in three places, each
 * just before the allocation it foresees, and always adds what the pool
 * already holds:
 *
 *   - before setup (snn_mem_check_pops): per population the runtime's own
 *     arrays (spike list, flags, t_last; a Poisson calendar), every
 *     SNN_BUF_POP row of snn_model.bufs (states, both input buffers,
 *     refractoriness) and the row buffers of its monitors;
 *   - in snn_connect, before any pair is drawn: the expected number of
 *     synapses (p * pre * post, fan_in * post, the nonzeros of a weights
 *     file or a mask) times the CSR, the construction buffers and the
 *     connection's SNN_BUF_SYN rows;
 *   - in snn_queue_new / snn_synqueue_new: the ring slots the run's length
 *     can need (queue.c), deferred to the end of setup since generated code
 *     does not expect those calls to fail.
 *
 * Monitors stream to disk, so recorded samples cost only their row buffer.
 * What the machine has is measured once, in snn_create.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "internal.h"

/* MemAvailable of /proc/meminfo in bytes, or -1. */
static double meminfo_available(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	double kb = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "MemAvailable: %lf kB", &kb) == 1)
			break;
	fclose(f);
	return kb >= 0 ? kb * 1024 : -1;
}

static double limit_of(int resource, double bytes)
{
	struct rlimit rl;
	if (getrlimit(resource, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (double)rl.rlim_cur < bytes)
		return (double)rl.rlim_cur;
	return bytes;
}

double snn_mem_available(void)
{
	const char *env = getenv("SNN_MEM_AVAILABLE");
	if (env && *env) {
		char *end;
		double b = strtod(env, &end);
		if (end != env && *end == '\0' && b >= 0 && isfinite(b))
			return b;
	}
	double b = meminfo_available();
	if (b < 0) {
		long pages = sysconf(_SC_AVPHYS_PAGES), size = sysconf(_SC_PAGESIZE);
		b = pages > 0 && size > 0 ? (double)pages * (double)size : INFINITY;
	}
	return limit_of(RLIMIT_DATA, limit_of(RLIMIT_AS, b));
}

char *snn_mem_format(double b, char *buf, size_t n)
{
	static const char *const unit[] = { "bytes", "kB", "MB", "GB", "TB", "PB", "EB" };
	int k = 0;
	if (!isfinite(b)) {
		snprintf(buf, n, "unlimited");
		return buf;
	}
	while (b >= 999.5 && k < 6) {
		b /= 1000;
		k++;
	}
	snprintf(buf, n, k ? "%.3g %s" : "%.0f %s", b, unit[k]);
	return buf;
}

static int refuse(snn_sim *sim, double more, const char *what, char *err, size_t errlen)
{
	double need = sim->priv->pool_bytes + more, have = sim->priv->mem_available;
	char a[32], b[32];
	if (!(need > have))
		return 0;
	snprintf(err, errlen, "%s: the network needs %s; %s available", what,
		 snn_mem_format(need, a, sizeof a), snn_mem_format(have, b, sizeof b));
	return -1;
}

int snn_mem_check(snn_sim *sim, double more, const char *what, char *err, size_t errlen)
{
	return refuse(sim, more, what, err, errlen);
}

void snn_mem_defer(snn_sim *sim, double more, const char *what)
{
	struct snn_priv *p = sim->priv;
	if (!p->mem_refusal[0])
		refuse(sim, more, what, p->mem_refusal, sizeof p->mem_refusal);
}

/* Bytes per element of population k (elements known or not). */
static double pop_bytes(const snn_sim *sim, int k)
{
	const snn_model *m = sim->model;
	/* spk (int32), spiked (byte), t_last (double) */
	double per = 4 + 1 + 8;
	if (m->pops[k].kind == SNN_POP_POISSON)
		per += 8 + 4;   /* gen.c: next spike, calendar link */
	for (int b = 0; b < m->nbufs; b++)
		if (m->bufs[b].count_kind == SNN_BUF_POP && m->bufs[b].owner == k)
			per += (double)m->bufs[b].elem;
	return per;
}

/* Row buffers of the monitors of whole populations (a slice is smaller). */
static double monitor_bytes(const snn_sim *sim)
{
	const snn_model *m = sim->model;
	double bytes = 0;
	for (int k = 0; k < m->nrecords; k++) {
		const snn_record_desc *r = &m->records[k];
		int pop = r->what == SNN_REC_SPIKES ? r->pop
			: m->vars[r->var].owner_kind == SNN_OWN_POP ? m->vars[r->var].owner : -1;
		if (pop < 0)
			continue;
		double n = r->i1 >= 0 ? (double)(r->i1 - r->i0) : (double)sim->pops[pop].n;
		bytes += n * (r->what == SNN_REC_SPIKES ? 8 + 4 : 8);
	}
	return bytes;
}

int snn_mem_check_pops(snn_sim *sim, char *err, size_t errlen)
{
	const snn_model *m = sim->model;
	double bytes = monitor_bytes(sim), neurons = 0;
	int big = -1;
	for (int k = 0; k < m->npops; k++) {
		double n = sim->pops[k].n > 0 ? (double)sim->pops[k].n : 0;
		bytes += n * pop_bytes(sim, k);
		neurons += n;
		if (big < 0 || n > (double)sim->pops[big].n)
			big = k;
	}
	if (big < 0)
		return 0;
	char what[256];
	if (m->npops == 1)
		snprintf(what, sizeof what, "population %s (%.0f neurons)", sim->pops[big].name, neurons);
	else
		snprintf(what, sizeof what, "%d populations (%.0f neurons, %d in %s)", m->npops,
			 neurons, sim->pops[big].n, sim->pops[big].name);
	return snn_mem_check(sim, bytes, what, err, errlen);
}

double snn_mem_syn_bytes(const snn_sim *sim, int conn)
{
	const snn_model *m = sim->model;
	double per = 0;
	for (int b = 0; b < m->nbufs; b++)
		if (m->bufs[b].count_kind == SNN_BUF_SYN && m->bufs[b].owner == conn)
			per += (double)m->bufs[b].elem;
	return per;
}
