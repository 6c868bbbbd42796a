/*
 * One main for every Check test binary: runs the suites listed in the
 * generated suites.h (every `Suite *suite_x(void)` of the directory).
 * Exit status 0 only when every test passed.
 */
#include <check.h>
#include <stdlib.h>

#define X(s) Suite *s(void);
#include "suites.h"
#undef X

int main(void)
{
	SRunner *sr = srunner_create(NULL);
#define X(s) srunner_add_suite(sr, s());
#include "suites.h"
#undef X
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
