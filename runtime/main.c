/*
 * main.c — the entry point of every built simulator: the command line of
 * snn_main (cli.c) over the model the generated C file defines.  Compiled
 * on its own (lib/snnc/snn_main.o), not into libsnnrt.a, so that a program
 * embedding the runtime can have its own main.
 */
#include "snn_rt.h"

extern const snn_model snn_model_main;

int main(int argc, char **argv)
{
	return snn_main(argc, argv, &snn_model_main);
}
