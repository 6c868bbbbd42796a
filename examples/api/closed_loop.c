/*
 * closed_loop.c — a program that owns the simulation loop: it builds the
 * simulator of plant.snn as a library and, between steps, reads the
 * neuron's v and writes its input u = K (target - v), a proportional
 * controller.  The generated model.c defines `snn_model_main`; everything
 * else is the runtime's API (snn_rt.h).
 *
 *   bin/snnc build examples/api/plant.snn --emit-c /tmp/plant -o /tmp/plant/sim
 *   cc -std=c11 -O2 -Iinclude/snnc /tmp/plant/model.c examples/api/closed_loop.c \
 *      lib/snnc/libsnnrt.a -lm -o /tmp/loop
 *   /tmp/loop 20 /tmp/loop-out       # steps, output directory
 */
#include <stdio.h>
#include <stdlib.h>

#include "snn_rt.h"

extern const snn_model snn_model_main;

int main(int argc, char **argv)
{
	int steps = argc > 1 ? atoi(argv[1]) : 20;
	snn_options opt = { .duration = -1, .seed = -1, .quiet = 1,
			    .out_dir = argc > 2 ? argv[2] : "out/loop" };
	char err[512];
	snn_sim *sim = snn_create(&snn_model_main, &opt, err, sizeof err);
	if (!sim) {
		fprintf(stderr, "closed_loop: %s\n", err);
		return 1;
	}
	int v = snn_find_var(sim, "P.v"), u = snn_find_var(sim, "P.u");
	int tau = snn_find_var(sim, "P.tau");
	if (v < 0 || u < 0 || tau < 0) {
		fprintf(stderr, "closed_loop: the model has no P.v, P.u or P.tau\n");
		return 1;
	}
	snn_set(sim, tau, 0, 5e-3);          /* params can change between steps too */
	const double K = 2, target = 1;
	for (int n = 0; n < steps; n++) {
		double vn = snn_get(sim, v, 0);
		snn_set(sim, u, 0, K * (target - vn));
		snn_step(sim);
		printf("%d %.17g\n", n, snn_get(sim, v, 0));
	}
	snn_finish(sim);
	snn_destroy(sim);
	return 0;
}
