/*
 * emit.c — the generated C of a network: one file, readable, deterministic.
 *
 * Sections, in this order (emit_setup.c and emit_kernels.c print them by
 * walking the layout and the schedule that the lowering built):
 *   banner, includes, `real`, small math helpers;
 *   one struct per population and per connection, and model_t;
 *   the kernels of one step, in step order (one function each), and the
 *   let evaluators of monitors;
 *   model_defaults / model_setup / model_update / model_step;
 *   the descriptor tables and snn_model_main.
 *
 * The text is written to memory first: `#line` directives back into the C
 * file are markers until the whole file exists, then get their line numbers.
 */
#include <stdlib.h>
#include <string.h>

#include "emit.h"

/* Copy text to f, replacing each "#line @" marker by the line after it. */
static void write_fixed(FILE *f, const char *text, const char *cname)
{
	const char *q = c_string(cname);
	int line = 1;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len == 7 && !strncmp(p, "#line @", 7)) {
			/* a #line into the source right after makes this one moot */
			if (nl && !strncmp(nl + 1, "#line ", 6) && nl[7] != '@') {
				p += len + 1;
				continue;
			}
			fprintf(f, "#line %d %s", line + 1, q);
		} else {
			fwrite(p, 1, len, f);
		}
		fputc('\n', f);
		line++;
		p += len + (nl ? 1 : 0);
	}
}

void emit_c(FILE *f, Unit *u, const EmitOptions *opt)
{
	NET = u->net;
	LAY = u->layout;
	SCHED = u->sched;
	PR = (Printer){ .lines = opt->line_directives, .single = NET->single,
			.cname = opt->c_name ? opt->c_name : "model.c" };
	printer_reset();
	capture_begin();
	emit_prelude(u);
	emit_structs();
	emit_kernels();
	emit_let_evaluators();
	emit_defaults();
	emit_setup();
	emit_update();
	emit_model_step();
	emit_tables();
	emit_model_desc();
	char *text = capture_end();
	write_fixed(f, text, PR.cname);
}
