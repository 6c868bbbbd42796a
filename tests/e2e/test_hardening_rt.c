/*
 * test_hardening_rt.c — the simulator's answers to what cannot work (issue
 * 6, runtime side), end to end on built models: durations checked before
 * they become step counts, --set refusing a negative rate and infinite
 * values, networks too big for the machine refused with the figures before
 * allocating, a 10^4 s delay that costs nothing, a spike time past the run
 * never emitted, a .npy header that lies about its size, and a full disk
 * (a file size limit; a tiny tmpfs when we may mount one) that leaves
 * every file valid and says why.
 *
 * SNN_MEM_AVAILABLE fixes "what the machine has" so that the messages are
 * exact.  Expected figures: 10^10 synapses x 24 bytes (CSR 8 + pairs under
 * construction 2 x 8) = 240 GB; 2^31 - 1 neurons x 21 bytes (spike list 4,
 * flag 1, t_last 8, v 8) = 45.1 GB.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "e2e_util.h"
#include "snn_rt.h"

static const char *NEURON =
	"neuron N { state v = 0 }\n"
	"synapse S { on pre { post.v += 1 } }\n";

/* Runs CMD in dir with stderr into dir/err.txt; returns the status and
 * the text in msg. */
static int run_err(const char *dir, char *msg, size_t n, const char *cmd)
{
	int st = e2e_run(dir, "%s 2> err.txt", cmd);
	e2e_read(dir, "err.txt", msg, n);
	return st;
}

static void build(const char *dir, const char *name, const char *network)
{
	char text[4096];
	snprintf(text, sizeof text, "%s%s", NEURON, network);
	e2e_build(dir, name, text);
}

START_TEST(test_sizes_refused_with_figures)
{
	char dir[E2E_PATH], msg[2048];
	e2e_tmpdir(dir, sizeof dir);
	build(dir, "big", "network Big {\n\tpop A = N(100000)\n"
	      "\tconnect A -> A : S(p = 1) as all\n\trun 1 ms\n}\n");
	ck_assert_int_eq(run_err(dir, msg, sizeof msg, "SNN_MEM_AVAILABLE=20e9 ./big --quiet"), 1);
	ck_assert_str_eq(msg, "snn: error: connection all (1e+10 synapses expected): the network "
			 "needs 240 GB; 20 GB available\n");
	build(dir, "huge", "network Huge {\n\tpop A = N(2147483647)\n\trun 1 ms\n}\n");
	ck_assert_int_eq(run_err(dir, msg, sizeof msg, "SNN_MEM_AVAILABLE=20e9 ./huge --quiet"), 1);
	ck_assert_str_eq(msg, "snn: error: population A (2147483647 neurons): the network needs "
			 "45.1 GB; 20 GB available\n");
	/* the machine's own figure: MemAvailable (this machine has < 45 GB) */
	ck_assert_int_eq(run_err(dir, msg, sizeof msg, "./huge --quiet"), 1);
	ck_assert_msg(strncmp(msg, "snn: error: population A (2147483647 neurons): the network "
			      "needs 45.1 GB; ", 74) == 0 && strstr(msg, " available\n"), "%s", msg);
	e2e_cleanup(dir);
}
END_TEST

/* A 1 KB .npy whose header claims 4e9 x 10 doubles: refused from the
 * header and the file's size, before any allocation. */
START_TEST(test_npy_header_lies)
{
	char dir[E2E_PATH], msg[2048], path[E2E_PATH], want[2048];
	e2e_tmpdir(dir, sizeof dir);
	ck_assert_int_eq(e2e_run(dir, "mkdir -p data"), 0);
	char buf[1024] = "\x93NUMPY\x01\x00\x76";
	const char *dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (4000000000, 10), }";
	memset(buf + 10, ' ', 118);
	memcpy(buf + 10, dict, strlen(dict));
	buf[127] = '\n';
	e2e_fmt(path, sizeof path, "%s/data/lie.npy", dir);
	FILE *f = fopen(path, "wb");
	ck_assert_int_eq(fwrite(buf, 1, sizeof buf, f), sizeof buf);
	fclose(f);
	build(dir, "lie", "network Lie {\n\tpop I = from_file(\"data/lie.npy\", present = 1 ms)\n"
	      "\trecord I.spikes\n\trun 1 ms\n}\n");
	ck_assert_int_eq(run_err(dir, msg, sizeof msg, "./lie --quiet"), 1);
	e2e_fmt(want, sizeof want, "snn: error: %s: the header claims shape (4000000000, 10) of "
		"8-byte values (320 GB) but the file holds 896 bytes of data\n", path);
	ck_assert_str_eq(msg, want);
	e2e_cleanup(dir);
}
END_TEST

static const char *DELAY =
	"network Delay {\n"
	"\tpop S = spikes(100, times = [1 ms, 2 ms, 1e300 s])\n"
	"\tpop B = N(1)\n"
	"\tpop G = poisson(10, rate = 5 Hz)\n"
	"\tconnect S -> B : S(all_to_all, delay = 10000 s) as far\n"
	"\tconnect S -> B : S(all_to_all, delay = 50 ms) as near\n"
	"\trecord B.v\n"
	"\trecord S.spikes\n"
	"\trun 60 ms\n"
	"}\n";

/* A 10^4 s delay (10^8 steps) on 100 synapses: a 60 ms run needs no more
 * than a few hundred ring slots (it used to take 3.2 GB), so it runs
 * under a 1 GB address-space limit.  The 50 ms delay (500 steps, more
 * than the ring's first size) is delivered exactly; the spike at 1e300 s
 * is never emitted. */
START_TEST(test_long_delay_and_far_spike)
{
	char dir[E2E_PATH], msg[2048];
	e2e_tmpdir(dir, sizeof dir);
	build(dir, "delay", DELAY);
	const char *flags = getenv("SNNC_CFLAGS");
	int sanitized = flags && strstr(flags, "sanitize");   /* ASan reserves terabytes */
	ck_assert_int_eq(run_err(dir, msg, sizeof msg, sanitized ? "./delay --out out --quiet"
				 : "ulimit -v 1000000; ./delay --out out --quiet"), 0);
	ck_assert_str_eq(msg, "");
	snn_npy_array v, t;
	e2e_load(dir, "out", "B.v.npy", &v);
	e2e_load(dir, "out", "S.spikes.t.npy", &t);
	ck_assert_int_eq(t.count, 200);         /* 100 at 1 ms, 100 at 2 ms */
	ck_assert_int_eq(v.count, 600);
	/* spikes in steps 9 and 19, delivered 500 steps later */
	for (int64_t k = 0; k < 600; k++) {
		double want = 100.0 * (k >= 509) + 100.0 * (k >= 519);
		ck_assert_msg(v.data[k] == want, "step %lld: %g, want %g", (long long)k, v.data[k], want);
	}
	snn_npy_free(&v);
	snn_npy_free(&t);
	e2e_cleanup(dir);
}
END_TEST

START_TEST(test_command_line_values)
{
	char dir[E2E_PATH], msg[2048];
	e2e_tmpdir(dir, sizeof dir);
	build(dir, "delay", DELAY);
	static const struct { const char *args, *err; } cases[] = {
		{ "--duration 1e15s", "--duration: '1e15s' is 1e+19 steps of dt = 0.0001 s; a run "
				      "takes at most 2^53 steps" },
		{ "--duration -1ms", "--duration: '-1ms' is negative" },
		{ "--duration 1e999s", "--duration: '1e999s' is not a finite time" },
		{ "--duration nan", "--duration: expected a time such as 2s or 500ms, got 'nan'" },
		{ "--set G.rate=-5Hz", "--set G.rate: a generator's rate cannot be negative, got '-5Hz'" },
		{ "--set G.rate=1e999Hz", "--set G.rate: the value '1e999Hz' is not finite" },
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		char cmd[512], want[1024];
		e2e_fmt(cmd, sizeof cmd, "./delay --quiet %s", cases[k].args);
		e2e_fmt(want, sizeof want, "snn: error: %s\nTry './delay --help' for more information.\n",
			cases[k].err);
		ck_assert_int_eq(run_err(dir, msg, sizeof msg, cmd), 2);
		ck_assert_str_eq(msg, want);
	}
	ck_assert_int_eq(run_err(dir, msg, sizeof msg, "./delay --quiet --set G.rate=0Hz --out o"), 0);
	e2e_cleanup(dir);
}
END_TEST

/* Every .npy in dir/out is valid: the loader reads it and its size is the
 * header plus whole rows (a file may be absent, never damaged). */
static void check_all_valid(const char *dir, const char *out)
{
	static const struct { const char *name; int64_t row; } files[] = {
		{ "B.v.npy", 8 }, { "B.v.t.npy", 8 }, { "S.spikes.t.npy", 8 }, { "S.spikes.i.npy", 4 },
	};
	for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
		char path[E2E_PATH], err[512];
		struct stat st;
		snn_npy_array a;
		e2e_fmt(path, sizeof path, "%s/%s/%s", dir, out, files[k].name);
		if (stat(path, &st) != 0)
			continue;
		ck_assert_msg(snn_npy_load(path, &a, err, sizeof err) == 0, "%s", err);
		ck_assert_msg((int64_t)st.st_size == 128 + a.count * files[k].row,
			      "%s: %lld bytes for %lld elements", path, (long long)st.st_size,
			      (long long)a.count);
		snn_npy_free(&a);
	}
}

static int contains(const char *dir, const char *file, const char *what)
{
	char buf[8192];
	e2e_read(dir, file, buf, sizeof buf);
	return strstr(buf, what) != NULL;
}

/* A file size limit makes write() fail with EFBIG, as a full disk does
 * with ENOSPC: the reason is named, the files stay valid, meta.json says
 * incomplete. */
START_TEST(test_file_size_limit)
{
	char dir[E2E_PATH], msg[2048];
	e2e_tmpdir(dir, sizeof dir);
	build(dir, "delay", DELAY);
	ck_assert_int_eq(run_err(dir, msg, sizeof msg, "ulimit -f 16; ./delay --out out --quiet "
				 "--duration 1s"), 1);
	ck_assert_str_eq(msg, "snn: error: cannot write 'out/B.v.npy': File too large\n");
	check_all_valid(dir, "out");
	ck_assert(contains(dir, "out/meta.json", "\"complete\": false,"));
	ck_assert(contains(dir, "out/meta.json", "\"error\": \"cannot write 'out/B.v.npy': File too large\""));
	e2e_cleanup(dir);
}
END_TEST

/* A full tmpfs (when this process may mount one: root in a container):
 * "No space left on device", and the files are valid or absent. */
START_TEST(test_full_disk)
{
	char dir[E2E_PATH], mnt[E2E_PATH], msg[2048];
	e2e_tmpdir(dir, sizeof dir);
	build(dir, "delay", DELAY);     /* before the mount: nothing between may fail */
	e2e_fmt(mnt, sizeof mnt, "%s/full", dir);
	mkdir(mnt, 0700);
	if (geteuid() != 0 || mount("tmpfs", mnt, "tmpfs", 0, "size=64k") != 0) {
		fprintf(stderr, "test_full_disk: skipped (cannot mount a tmpfs)\n");
		e2e_cleanup(dir);
		return;
	}
	int st = run_err(dir, msg, sizeof msg, "./delay --out full --quiet --duration 1s");
	/* keep what is there, then unmount before any assertion can fail */
	int copied = e2e_run(dir, "mkdir -p kept && cp -p full/* kept/ 2>/dev/null; true");
	umount(mnt);
	ck_assert_int_eq(copied, 0);
	ck_assert_int_eq(st, 1);
	ck_assert_msg(strstr(msg, "snn: error: cannot write 'full/") == msg &&
		      strstr(msg, ".npy': No space left on device\n"), "%s", msg);
	check_all_valid(dir, "kept");
	e2e_cleanup(dir);
}
END_TEST

Suite *suite_hardening_rt(void)
{
	Suite *s = suite_create("hardening_rt");
	TCase *tc = tcase_create("simulator");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_sizes_refused_with_figures);
	tcase_add_test(tc, test_npy_header_lies);
	tcase_add_test(tc, test_long_delay_and_far_spike);
	tcase_add_test(tc, test_command_line_values);
	tcase_add_test(tc, test_file_size_limit);
	tcase_add_test(tc, test_full_disk);
	suite_add_tcase(s, tc);
	return s;
}
