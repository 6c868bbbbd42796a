/*
 * unit_out.h — the output directory of the runtime unit tests that do not
 * look at their files: one per test run (the runner's process, which is
 * the parent of every forked test), so that two runs at the same time —
 * two worktrees, check and check-asan — never write the same meta.json.
 */
#include <stdio.h>
#include <unistd.h>

static inline const char *unit_out_dir(void)
{
	static char dir[64];
	if (!dir[0])
		snprintf(dir, sizeof dir, "/tmp/snn_unit_out.%ld", (long)getppid());
	return dir;
}
