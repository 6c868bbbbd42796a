/*
 * test_diag.c — the exact text of diagnostics (LANGUAGE.md §5): the
 * "FILE:LINE:COL: error: MSG" line, the source line, and a caret line whose
 * padding copies the tabs of the source and counts UTF-8 code points.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "snnc.h"

static char *buf;
static size_t len;
static FILE *sink;

static void capture(void)
{
	sink = open_memstream(&buf, &len);
	diag_set_stream(sink);
}

/* What was written since capture(), as a string the caller frees. */
static char *captured(void)
{
	diag_set_stream(NULL);
	fclose(sink);
	return buf;
}

static Loc at(const SrcFile *f, int line, int col)
{
	return (Loc){ line, col, line, col, f };
}

START_TEST(test_error_at)
{
	SrcFile f = { "m.snn", "neuron A {\n\tstate v = 0 mV\n}\n", 0 };
	f.len = strlen(f.text);
	int before = error_count();
	capture();
	error_at(at(&f, 2, 8), "unknown unit %s", "mV");
	char *got = captured();
	ck_assert_str_eq(got,
		"m.snn:2:8: error: unknown unit mV\n"
		"\tstate v = 0 mV\n"
		"\t      ^\n");
	ck_assert_int_eq(error_count(), before + 1);
	free(got);
}
END_TEST

START_TEST(test_note_and_file)
{
	SrcFile f = { "a/b.snn", "x = 1", 5 };
	int before = error_count();
	capture();
	note_at(at(&f, 1, 5), "declared here");
	error_file("a/b.snn", "no network in %s", "a/b.snn");
	char *got = captured();
	ck_assert_str_eq(got,
		"a/b.snn:1:5: note: declared here\n"
		"x = 1\n"
		"    ^\n"
		"a/b.snn: error: no network in a/b.snn\n");
	ck_assert_int_eq(error_count(), before + 1);   /* notes are not errors */
	free(got);
}
END_TEST

START_TEST(test_columns_are_code_points)
{
	/* µ and € are 2 and 3 bytes; the caret sits under 'x', column 7 */
	SrcFile f = { "u.snn", "a\r\n\xc2\xb5 \xe2\x82\xac = x\r\nlast", 0 };
	f.len = strlen(f.text);
	capture();
	error_at(at(&f, 2, 7), "bad");
	error_at(at(&f, 3, 5), "at end");
	char *got = captured();
	ck_assert_str_eq(got,
		"u.snn:2:7: error: bad\n"
		"\xc2\xb5 \xe2\x82\xac = x\n"
		"      ^\n"
		"u.snn:3:5: error: at end\n"
		"last\n"
		"    ^\n");
	free(got);
}
END_TEST

START_TEST(test_no_place)
{
	SrcFile f = { "m.snn", "x\n", 2 };
	capture();
	error_at((Loc){ 0 }, "no file");
	error_at(at(&f, 9, 1), "past the end");
	char *got = captured();
	ck_assert_str_eq(got, "error: no file\nm.snn:9:1: error: past the end\n");
	free(got);
}
END_TEST

START_TEST(test_syntax_error_text)
{
	capture();
	Program *p = parse_string("m.snn", "network N {\n  dt = 0.1 ms\n\tpop P = = M(1)\n}\n");
	char *got = captured();
	ck_assert_ptr_null(p);
	ck_assert_str_eq(got,
		"m.snn:3:10: error: syntax error, unexpected '=', expecting name\n"
		"\tpop P = = M(1)\n"
		"\t        ^\n");
	free(got);
}
END_TEST

START_TEST(test_end_of_file_error)
{
	capture();
	Program *p = parse_string("m.snn", "neuron A {\n  state v = 0");
	char *got = captured();
	ck_assert_ptr_null(p);
	ck_assert_str_eq(got,
		"m.snn:2:14: error: syntax error, unexpected end of file\n"
		"  state v = 0\n"
		"             ^\n");
	free(got);
}
END_TEST

/* Control bytes never reach the terminal raw: in the path, the message,
 * the source line (tab kept) and note; the caret stays under its column. */
START_TEST(test_control_bytes_escaped)
{
	SrcFile f = { "a\x1b]0;x\x07.snn", "\tx = \"\x1b[2J\x7f\" $\n", 0 };
	f.len = strlen(f.text);
	capture();
	error_at(at(&f, 1, 14), "bad \"%s\"", "\x1b[2J\r");
	note_at(at(&f, 1, 14), "in \x01");
	error_file("p\x1b", "x\ny");
	char *got = captured();
	ck_assert_str_eq(got,
		"a\\x1b]0;x\\x07.snn:1:14: error: bad \"\\x1b[2J\\x0d\"\n"
		"\tx = \"\\x1b[2J\\x7f\" $\n"
		"\t                  ^\n"
		"a\\x1b]0;x\\x07.snn:1:14: note: in \\x01\n"
		"\tx = \"\\x1b[2J\\x7f\" $\n"
		"\t                  ^\n"
		"p\\x1b: error: x\\x0ay\n");
	for (char *q = got; *q; q++)
		ck_assert_msg((unsigned char)*q >= 0x20 || *q == '\n' || *q == '\t',
			      "raw control byte 0x%02x", (unsigned char)*q);
	free(got);
}
END_TEST

Suite *suite_diag(void)
{
	Suite *s = suite_create("diag");
	TCase *tc = tcase_create("text");
	tcase_add_test(tc, test_error_at);
	tcase_add_test(tc, test_note_and_file);
	tcase_add_test(tc, test_columns_are_code_points);
	tcase_add_test(tc, test_no_place);
	tcase_add_test(tc, test_syntax_error_text);
	tcase_add_test(tc, test_end_of_file_error);
	tcase_add_test(tc, test_control_bytes_escaped);
	suite_add_tcase(s, tc);
	return s;
}
