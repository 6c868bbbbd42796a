/*
 * test_queue.c — spike queues: delivery exactly at step + delay, push
 * order, growth, and per-synapse delays against a brute-force schedule.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "snn_rt.h"
#include "unit_out.h"

static snn_model model;

static snn_sim *make_sim(void)
{
	char err[256];
	model = (snn_model){ .source = "test.snn", .network = "test", .dt = 1e-4,
			     .duration = 0, .seed = 1, .method = "euler", .state_size = 8 };
	snn_options opt = { .duration = -1, .seed = -1, .out_dir = unit_out_dir(), .quiet = 1 };
	snn_sim *sim = snn_create(&model, &opt, err, sizeof err);
	ck_assert_msg(sim != NULL, "%s", err);
	return sim;
}

/* Pushes {7, 3} at step 10 and {1} at step 11; checks every step 0..40. */
static void check_delay(int32_t d)
{
	snn_sim *sim = make_sim();
	snn_queue *q = snn_queue_new(sim, d);
	const int32_t a[] = { 7, 3 }, b[] = { 1 };
	for (int64_t step = 0; step <= 40; step++) {
		if (step == 10)
			snn_queue_push(q, step, a, 2);
		if (step == 11)
			snn_queue_push(q, step, b, 1);
		int32_t n;
		const int32_t *due = snn_queue_due(q, step, &n);
		if (step == 10 + d) {
			ck_assert_int_eq(n, 2);
			ck_assert_int_eq(due[0], 7);
			ck_assert_int_eq(due[1], 3);
		} else if (step == 11 + d) {
			ck_assert_int_eq(n, 1);
			ck_assert_int_eq(due[0], 1);
		} else {
			ck_assert_msg(n == 0, "delay %d: %d spikes at step %lld", d, n, (long long)step);
		}
	}
	snn_destroy(sim);
}

START_TEST(homogeneous_delays)
{
	check_delay(0);
	check_delay(1);
	check_delay(5);
}
END_TEST

/* Every step pushes a different set; each comes back once, d steps later,
 * in push order, across many laps of the ring and with growth. */
START_TEST(homogeneous_stream)
{
	enum { D = 3, STEPS = 200 };
	snn_sim *sim = make_sim();
	snn_queue *q = snn_queue_new(sim, D);
	static int32_t buf[5000];
	for (int64_t step = 0; step < STEPS; step++) {
		int32_t n = (int32_t)(step * 37 % 5000);
		for (int32_t k = 0; k < n; k++)
			buf[k] = (int32_t)(step * 1000 + k) % 100003;
		snn_queue_push(q, step, buf, n / 2);
		snn_queue_push(q, step, buf + n / 2, n - n / 2);
		int32_t got;
		const int32_t *due = snn_queue_due(q, step, &got);
		if (step < D) {
			ck_assert_int_eq(got, 0);
			continue;
		}
		int64_t from = step - D;
		ck_assert_int_eq(got, (int32_t)(from * 37 % 5000));
		for (int32_t k = 0; k < got; k++)
			ck_assert_int_eq(due[k], (int32_t)(from * 1000 + k) % 100003);
	}
	snn_destroy(sim);
}
END_TEST

START_TEST(synapse_delays)
{
	snn_sim *sim = make_sim();
	/* pre 0 -> synapses 0, 1, 2; pre 1 -> none; pre 2 -> synapses 3, 4 */
	int64_t row[] = { 0, 3, 3, 5 };
	int32_t post[] = { 0, 1, 2, 0, 1 }, pre[] = { 0, 0, 0, 2, 2 };
	snn_csr csr = { .nsyn = 5, .row = row, .post = post, .pre = pre };
	int32_t delay[] = { 0, 4, 2, 2, 0 };
	snn_synqueue *q = snn_synqueue_new(sim, 4);
	const int32_t spk[] = { 2, 0 };
	for (int64_t step = 0; step < 20; step++) {
		if (step == 5)
			snn_synqueue_push(q, step, spk, 2, &csr, delay);
		int64_t n;
		const int64_t *due = snn_synqueue_due(q, step, &n);
		if (step == 5) {        /* push order: pre 2 first */
			ck_assert_int_eq(n, 2);
			ck_assert_int_eq(due[0], 4);
			ck_assert_int_eq(due[1], 0);
		} else if (step == 7) {
			ck_assert_int_eq(n, 2);
			ck_assert_int_eq(due[0], 3);
			ck_assert_int_eq(due[1], 2);
		} else if (step == 9) {
			ck_assert_int_eq(n, 1);
			ck_assert_int_eq(due[0], 1);
		} else {
			ck_assert_int_eq(n, 0);
		}
	}
	snn_destroy(sim);
}
END_TEST

/* Random spikes and delays for many steps against a brute-force table of
 * (due step, synapse) in push order. */
START_TEST(synapse_delays_random)
{
	enum { NPRE = 20, STEPS = 300, MAXD = 7 };
	snn_sim *sim = make_sim();
	int64_t row[NPRE + 1];
	static int32_t post[NPRE * 4], pre[NPRE * 4], delay[NPRE * 4];
	int64_t ns = 0;
	for (int i = 0; i < NPRE; i++) {
		row[i] = ns;
		for (int k = 0; k < i % 5; k++, ns++) {
			pre[ns] = i;
			post[ns] = k;
			delay[ns] = (int32_t)((i * 3 + k * 5) % (MAXD + 1));
		}
	}
	row[NPRE] = ns;
	snn_csr csr = { .nsyn = ns, .row = row, .post = post, .pre = pre };
	snn_synqueue *q = snn_synqueue_new(sim, MAXD);
	static int64_t want[STEPS + MAXD][NPRE * 4 * NPRE];
	static int64_t nwant[STEPS + MAXD];
	for (int64_t step = 0; step < STEPS; step++) {
		int32_t spk[NPRE], n = 0;
		for (int i = 0; i < NPRE; i++)
			if (snn_rand(4, 1, (uint64_t)i, (uint64_t)step, 0) < 0.3)
				spk[n++] = i;
		snn_synqueue_push(q, step, spk, n, &csr, delay);
		for (int k = 0; k < n; k++)
			for (int64_t s = row[spk[k]]; s < row[spk[k] + 1]; s++) {
				int64_t at = step + delay[s];
				want[at][nwant[at]++] = s;
			}
		int64_t got;
		const int64_t *due = snn_synqueue_due(q, step, &got);
		ck_assert_int_eq(got, nwant[step]);
		for (int64_t k = 0; k < got; k++)
			ck_assert_int_eq(due[k], want[step][k]);
	}
	snn_destroy(sim);
}
END_TEST

Suite *suite_queue(void)
{
	Suite *s = suite_create("queue");
	TCase *tc = tcase_create("queue");
	tcase_add_test(tc, homogeneous_delays);
	tcase_add_test(tc, homogeneous_stream);
	tcase_add_test(tc, synapse_delays);
	tcase_add_test(tc, synapse_delays_random);
	suite_add_tcase(s, tc);
	return s;
}
