/*
 * test_checkpoint.c — --checkpoint and --restore end to end.
 *
 * The reference is the simulator itself run straight through: a run of
 * 10 ms that writes a checkpoint, restored and run 10 ms more, must give
 * exactly (bit for bit) the last 10 ms of a 20 ms run — spike times and
 * indices, values and sample times — for a model that carries every kind
 * of state across the boundary: a Poisson generator's calendar, spikes in
 * flight in a homogeneous and a heterogeneous delay queue, an input buffer
 * (`post.I += w`), refractoriness, rand() in `on tick`, xi noise, a
 * generator's `spiked` flags, and
 * monitors whose sampling phase (every 0.3 ms, 0.7 ms, 0.5 ms against a
 * boundary at step 100) does not restart.  Then: a checkpoint written after
 * SIGTERM restores the same way; --set after --restore wins over the
 * restored value; another model, another seed and a damaged file are
 * refused with exit status 1 and a message.
 */
#include <check.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "e2e_util.h"

#define DT 1e-4

static const char *model_text =
	"neuron LIF {\n"
	"	param tau = 10 ms, sigma = 2 mV, theta = 10 mV\n"
	"	input I : mV\n"
	"	state v = rand() * 10 mV, jitter = 0\n"
	"	tau dv/dt = -v + sigma * sqrt(2 * tau) * xi\n"
	"	on tick {\n"
	"		v += I\n"
	"		jitter = rand()\n"
	"	}\n"
	"	spike when v > theta\n"
	"	reset { v = 0 mV }\n"
	"	refractory 2 ms\n"
	"	method euler\n"
	"}\n"
	"synapse Exc {\n"
	"	state w = 0.5 mV\n"
	"	on pre { post.I += w }\n"
	"}\n"
	"network Ck {\n"
	"	dt = 0.1 ms\n"
	"	seed = 7\n"
	"	pop In = poisson(50, rate = 200 Hz)\n"
	"	pop P = LIF(60)\n"
	"	connect In -> P : Exc(p = 0.2, w = rand() * 4 mV, delay = 1 ms) as inp\n"
	"	connect P -> P : Exc(p = 0.1, w = rand() * 3 mV, delay = 0.5 ms + rand() * 2 ms) as rec\n"
	"	record P.spikes\n"
	"	record In.spikes\n"
	"	record P.v every 0.3 ms\n"
	"	record P.I\n"
	"	record P.jitter every 0.7 ms\n"
	"	record rec.w every 0.5 ms\n"
	"	record In.spiked every 0.3 ms\n"
	"	run 20 ms\n"
	"}\n";

/* The same network with one more variable: another model. */
static const char *other_text =
	"neuron LIF {\n"
	"	param tau = 10 ms\n"
	"	state v = 0 mV, extra = 0\n"
	"	tau dv/dt = -v\n"
	"	spike when v > 1 mV\n"
	"}\n"
	"network Ck {\n"
	"	pop P = LIF(60)\n"
	"	run 1 ms\n"
	"}\n";

static const char *const spike_stems[] = { "P.spikes", "In.spikes" };
static const char *const value_stems[] = { "P.v", "P.I", "P.jitter", "rec.w", "In.spiked" };

/* Rows of `full` stamped after t0 (times in tf) == all of `part`, exactly. */
static void check_tail(const snn_npy_array *tf, const snn_npy_array *vf, const snn_npy_array *tp,
		       const snn_npy_array *vp, double t0, const char *what)
{
	int64_t first = 0;
	while (first < tf->count && tf->data[first] <= t0 + DT / 2)
		first++;
	int64_t rows = tf->count - first, cols = tf->count ? vf->count / tf->count : 0;
	ck_assert_msg(rows == tp->count, "%s: %lld rows after the restore point, %lld restored",
		      what, (long long)rows, (long long)tp->count);
	ck_assert_msg(vp->count == rows * cols, "%s: restored shape differs", what);
	ck_assert_msg(memcmp(tf->data + first, tp->data, (size_t)rows * sizeof(double)) == 0,
		      "%s: times differ", what);
	ck_assert_msg(memcmp(vf->data + first * cols, vp->data, (size_t)(rows * cols) * sizeof(double)) == 0,
		      "%s: values differ", what);
}

/* Output `part` continues output `full` exactly after time t0; returns the
 * number of spikes of P after t0 (so callers can see there was activity). */
static int64_t check_continues(const char *dir, const char *full, const char *part, double t0)
{
	char name[128];
	int64_t pspikes = 0;
	for (size_t k = 0; k < sizeof spike_stems / sizeof spike_stems[0]; k++) {
		snn_npy_array tf, i_f, tp, ip;
		e2e_fmt(name, sizeof name, "%s.t.npy", spike_stems[k]);
		e2e_load(dir, full, name, &tf);
		e2e_load(dir, part, name, &tp);
		e2e_fmt(name, sizeof name, "%s.i.npy", spike_stems[k]);
		e2e_load(dir, full, name, &i_f);
		e2e_load(dir, part, name, &ip);
		check_tail(&tf, &i_f, &tp, &ip, t0, spike_stems[k]);
		if (k == 0)
			pspikes = tp.count;
		snn_npy_free(&tf), snn_npy_free(&i_f), snn_npy_free(&tp), snn_npy_free(&ip);
	}
	for (size_t k = 0; k < sizeof value_stems / sizeof value_stems[0]; k++) {
		snn_npy_array tf, vf, tp, vp;
		e2e_fmt(name, sizeof name, "%s.t.npy", value_stems[k]);
		e2e_load(dir, full, name, &tf);
		e2e_load(dir, part, name, &tp);
		e2e_fmt(name, sizeof name, "%s.npy", value_stems[k]);
		e2e_load(dir, full, name, &vf);
		e2e_load(dir, part, name, &vp);
		ck_assert_msg(tp.count > 0, "%s: nothing recorded after the restore", value_stems[k]);
		check_tail(&tf, &vf, &tp, &vp, t0, value_stems[k]);
		snn_npy_free(&tf), snn_npy_free(&vf), snn_npy_free(&tp), snn_npy_free(&vp);
	}
	return pspikes;
}

/* The first sample times after the restore point keep the global phase:
 * P.v (every 3 steps) at step 101 (n + 1 = 102), stamp 10.2 ms. */
static void check_phase(const char *dir, const char *out)
{
	snn_npy_array t;
	e2e_load(dir, out, "P.v.t.npy", &t);
	ck_assert_int_eq(t.count, 33);
	ck_assert(t.data[0] == 102 * DT && t.data[32] == 198 * DT);
	snn_npy_free(&t);
	e2e_load(dir, out, "P.I.t.npy", &t);
	ck_assert_int_eq(t.count, 100);
	ck_assert(t.data[0] == 101 * DT && t.data[99] == 200 * DT);
	snn_npy_free(&t);
}

START_TEST(test_continue_exactly)
{
	char dir[E2E_PATH];
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "ck", model_text);
	e2e_sim(dir, "ck", "full", NULL);
	e2e_sim(dir, "ck", "a", "--duration 10ms --checkpoint a.ckpt");
	e2e_sim(dir, "ck", "b", "--duration 10ms --restore a.ckpt");
	int64_t n = check_continues(dir, "full", "b", 100 * DT);
	ck_assert_msg(n > 20, "only %lld spikes of P after the restore", (long long)n);
	check_phase(dir, "b");
	/* the first half is the straight run's first half, too */
	snn_npy_array ta, tf;
	e2e_load(dir, "a", "P.spikes.t.npy", &ta);
	e2e_load(dir, "full", "P.spikes.t.npy", &tf);
	ck_assert_int_eq(ta.count + n, tf.count);
	snn_npy_free(&ta), snn_npy_free(&tf);
	/* a restore applies --set after it: a threshold out of reach stops P */
	e2e_sim(dir, "ck", "c", "--duration 10ms --restore a.ckpt --set P.theta=1V");
	e2e_load(dir, "c", "P.spikes.t.npy", &ta);
	ck_assert_int_eq(ta.count, 0);
	snn_npy_free(&ta);
	e2e_cleanup(dir);
}
END_TEST

/* Exit status of ./BIN ARGS with stderr into dir/err.txt; *msg its text. */
static int refused(const char *dir, const char *bin, const char *args, char *msg, size_t n)
{
	int st = e2e_run(dir, "./%s --out x --quiet %s 2> err.txt", bin, args);
	char path[E2E_PATH];
	e2e_fmt(path, sizeof path, "%s/err.txt", dir);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	size_t k = fread(msg, 1, n - 1, f);
	msg[k] = '\0';
	fclose(f);
	return st;
}

START_TEST(test_refused)
{
	char dir[E2E_PATH], msg[1024];
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "ck", model_text);
	e2e_build(dir, "other", other_text);
	e2e_sim(dir, "ck", "a", "--duration 5ms --checkpoint a.ckpt");
	ck_assert_int_eq(refused(dir, "other", "--restore a.ckpt", msg, sizeof msg), 1);
	ck_assert_str_eq(msg, "snn: error: checkpoint 'a.ckpt': it was written by another model "
			 "of network 'Ck' (its variables or buffers differ)\n");
	ck_assert_int_eq(refused(dir, "ck", "--restore a.ckpt --seed 8", msg, sizeof msg), 1);
	ck_assert_str_eq(msg, "snn: error: checkpoint 'a.ckpt': it was written with seed 7, this run "
			 "uses seed 8 (connectivity and random numbers depend on it: use --seed 7)\n");
	ck_assert_int_eq(e2e_run(dir, "head -c 3000 a.ckpt > cut.ckpt"), 0);
	ck_assert_int_eq(refused(dir, "ck", "--restore cut.ckpt", msg, sizeof msg), 1);
	ck_assert_str_eq(msg, "snn: error: checkpoint 'cut.ckpt': the file is truncated or unreadable\n");
	ck_assert_int_eq(refused(dir, "ck", "--restore ck.snn", msg, sizeof msg), 1);
	ck_assert_str_eq(msg, "snn: error: checkpoint 'ck.snn': not an snnc checkpoint\n");
	/* a flipped byte in the middle is caught by the trailing hash */
	ck_assert_int_eq(e2e_run(dir, "cp a.ckpt bad.ckpt && printf 'Z' | "
				 "dd of=bad.ckpt bs=1 seek=2000 conv=notrunc 2>/dev/null"), 0);
	ck_assert_int_eq(refused(dir, "ck", "--restore bad.ckpt", msg, sizeof msg), 1);
	ck_assert_msg(strstr(msg, "checkpoint 'bad.ckpt': ") != NULL, "%s", msg);
	ck_assert_int_eq(refused(dir, "ck", "--restore missing.ckpt", msg, sizeof msg), 1);
	ck_assert_str_eq(msg, "snn: error: checkpoint 'missing.ckpt': cannot open it: "
			 "No such file or directory\n");
	e2e_cleanup(dir);
}
END_TEST

/* ./ck --checkpoint s.ckpt on a long run, stopped by SIGTERM after 0.1 s. */
static void run_until_sigterm(const char *dir)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (chdir(dir) != 0 || !freopen("/dev/null", "w", stderr))
			_exit(99);
		execl("./ck", "./ck", "--out", "sig", "--quiet", "--duration", "100000s",
		      "--checkpoint", "s.ckpt", (char *)NULL);
		_exit(98);
	}
	struct timespec ts = { 0, 100000000 };
	nanosleep(&ts, NULL);
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 143, "status %#x after SIGTERM", st);
}

START_TEST(test_after_sigterm)
{
	char dir[E2E_PATH], args[256];
	e2e_tmpdir(dir, sizeof dir);
	e2e_build(dir, "ck", model_text);
	run_until_sigterm(dir);
	snn_npy_array t;
	e2e_load(dir, "sig", "P.I.t.npy", &t);     /* one sample per completed step */
	int64_t k = t.count;
	snn_npy_free(&t);
	ck_assert_int_gt(k, 0);
	e2e_sim(dir, "ck", "b", "--duration 5ms --restore s.ckpt");
	e2e_fmt(args, sizeof args, "--duration %.17gs", (double)(k + 50) * DT);
	e2e_sim(dir, "ck", "full", args);
	check_continues(dir, "full", "b", (double)k * DT);
	e2e_cleanup(dir);
}
END_TEST

Suite *suite_checkpoint(void)
{
	Suite *s = suite_create("checkpoint");
	TCase *tc = tcase_create("checkpoint");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_continue_exactly);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_after_sigterm);
	suite_add_tcase(s, tc);
	return s;
}
