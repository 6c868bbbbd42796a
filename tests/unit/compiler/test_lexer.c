/*
 * test_lexer.c — the token stream of lexer.l as the parser sees it: each
 * case lexes a text and compares a compact spelling of its tokens
 * ("n:x" a name, "d:x" a derivative, "20_ms" a quantity, ";" a terminator,
 * keywords and operators as written) with the one worked out by hand from
 * LANGUAGE.md §1.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "snnc.h"
#include "parser.h"

static const struct { int tok; const char *text; } spelled[] = {
	{ TK_ARROW, "->" }, { TK_LE, "<=" }, { TK_GE, ">=" }, { TK_EQ, "==" }, { TK_NE, "!=" },
	{ TK_ADD_ASSIGN, "+=" }, { TK_SUB_ASSIGN, "-=" }, { TK_MUL_ASSIGN, "*=" },
	{ TK_TERM, ";" },
	{ TK_NEURON, "neuron" }, { TK_SYNAPSE, "synapse" }, { TK_NETWORK, "network" },
	{ TK_IMPORT, "import" }, { TK_PARAM, "param" }, { TK_STATE, "state" },
	{ TK_LET, "let" }, { TK_INPUT, "input" }, { TK_PRE, "pre" }, { TK_POST, "post" },
	{ TK_ON, "on" }, { TK_TICK, "tick" }, { TK_SPIKE, "spike" }, { TK_WHEN, "when" },
	{ TK_RESET, "reset" }, { TK_REFRACTORY, "refractory" }, { TK_METHOD, "method" },
	{ TK_MODULATOR, "modulator" }, { TK_REDUCE, "reduce" }, { TK_POP, "pop" },
	{ TK_CONNECT, "connect" }, { TK_AS, "as" }, { TK_RECORD, "record" },
	{ TK_EVERY, "every" }, { TK_RUN, "run" }, { TK_GLOBAL, "global" }, { TK_IF, "if" },
	{ TK_ELSE, "else" }, { TK_AND, "and" }, { TK_OR, "or" }, { TK_NOT, "not" },
};

static void spell(FILE *f, int tok, const SNN_YYSTYPE *v)
{
	switch (tok) {
	case TK_NAME: fprintf(f, "n:%s", v->str); return;
	case TK_DERIV: fprintf(f, "d:%s", v->str); return;
	case TK_STRING: fprintf(f, "s:%s", v->str); return;
	case TK_NUMBER: fprintf(f, "%g", v->num); return;
	case TK_QTY: fprintf(f, "%g_%s", v->qty.num, v->qty.unit); return;
	case TK_SNN_YYerror: fputs("ERROR", f); return;
	}
	for (size_t i = 0; i < sizeof(spelled) / sizeof(spelled[0]); i++)
		if (spelled[i].tok == tok) {
			fputs(spelled[i].text, f);
			return;
		}
	if (tok > 0 && tok < 128)
		fputc(tok, f);
	else
		fprintf(f, "?%d", tok);
}

/* The tokens of text, space separated, up to end of file or an error;
 * diagnostics into *diag (if not NULL). */
static char *lex_all(const char *text, char **diag, Loc *locs, int nlocs)
{
	SrcFile f = { "t.snn", text, strlen(text) };
	char *out = NULL, *errs = NULL;
	size_t n, en;
	FILE *o = open_memstream(&out, &n), *e = open_memstream(&errs, &en);
	diag_set_stream(e);
	yyscan_t s = lex_open(&f);
	SNN_YYSTYPE v;
	Loc l;
	for (int i = 0;; i++) {
		int tok = snn_lex(&v, &l, s);
		if (tok == TK_YYEOF)
			break;
		if (i < nlocs)
			locs[i] = l;
		fprintf(o, i ? " " : "");
		spell(o, tok, &v);
		if (tok == TK_SNN_YYerror)
			break;
	}
	lex_close(s);
	diag_set_stream(NULL);
	fclose(o);
	fclose(e);
	if (diag)
		*diag = errs;
	else
		free(errs);
	return out;
}

static void check_prefix(const char *got, const char *want)
{
	ck_assert_msg(strncmp(got, want, strlen(want)) == 0, "got [%s]\nwant a start of [%s]", got, want);
}

static void check_lex(const char *text, const char *want)
{
	char *got = lex_all(text, NULL, NULL, 0);
	ck_assert_msg(strcmp(got, want) == 0, "lexing \"%s\":\n got  [%s]\n want [%s]", text, got, want);
	free(got);
}

START_TEST(test_tokens)
{
	check_lex("state v = -65 mV, g : nS", "state n:v = - 65_mV , n:g : n:nS ;");
	check_lex("a -> b : c ? d : e", "n:a -> n:b : n:c ? n:d : n:e ;");
	check_lex("x += 1; y -= 2; z *= 3", "n:x += 1 ; n:y -= 2 ; n:z *= 3 ;");
	check_lex("a<=b>=c==d!=e<f>g", "n:a <= n:b >= n:c == n:d != n:e < n:f > n:g ;");
	check_lex("f(x)[0:3].y ^ 2 / 4", "n:f ( n:x ) [ 0 : 3 ] . n:y ^ 2 / 4 ;");
	check_lex("import \"lib/a b.snn\"", "import s:lib/a b.snn ;");
	check_lex("s = \"q\\\"x\\\\y\\tz\"", "n:s = s:q\"x\\y\tz ;");
}
END_TEST

START_TEST(test_numbers_and_quantities)
{
	check_lex("12 0.5 1e-3 .5 2.5E+2", "12 0.5 0.001 0.5 250 ;");
	check_lex("20 ms", "20_ms ;");
	check_lex("0.5nS", "0.5_nS ;");
	check_lex("1e-3 s", "0.001_s ;");
	check_lex("a = 15 Hz * 2", "n:a = 15_Hz * 2 ;");
	/* not glued across a line, not with a keyword */
	check_lex("(20\nms)", "( 20 n:ms ) ;");
	check_lex("x > 1 and y", "n:x > 1 and n:y ;");
	check_lex("1 2", "1 2 ;");
}
END_TEST

START_TEST(test_newlines)
{
	/* none before the first token; runs of blank lines and comments give one */
	check_lex("\n\n# c\nx\n\n  # d\n\ny\n", "n:x ; n:y ;");
	/* after a binary operator, ',', '=', '->', ':', '?', '{', and/or/not: none */
	check_lex("a = 1 +\n 2\n", "n:a = 1 + 2 ;");
	check_lex("a =\n 1\n", "n:a = 1 ;");
	check_lex("a ->\n b :\n c\n", "n:a -> n:b : n:c ;");
	check_lex("c ?\n a :\n b\n", "n:c ? n:a : n:b ;");
	check_lex("a and\n b or\n not\n c\n", "n:a and n:b or not n:c ;");
	check_lex("x +=\n1\nx -=\n1\nx *=\n1", "n:x += 1 ; n:x -= 1 ; n:x *= 1 ;");
	check_lex("a ==\n b\n", "n:a == n:b ;");
	check_lex("on tick {\n\n x = 1\n}\n", "on tick { n:x = 1 ; } ;");
	/* inside ( and [: whitespace */
	check_lex("f(a,\n b\n )\n", "n:f ( n:a , n:b ) ;");
	check_lex("[1\n, 2\n]\n", "[ 1 , 2 ] ;");
	/* ';' is a terminator; a newline after it adds none */
	check_lex("a;\nb;;c", "n:a ; n:b ; ; n:c ;");
	/* `}` newline `else` continues the if */
	check_lex("if a { }\n  else { }\n", "if n:a { } else { } ;");
	check_lex("x\n# comment only\nelsewhere\n", "n:x ; n:elsewhere ;");
	/* the end of the text ends the last statement */
	check_lex("x = 1", "n:x = 1 ;");
}
END_TEST

START_TEST(test_deriv)
{
	/* an ODE head: at the start of a statement, or after a coefficient */
	check_lex("dv/dt = x", "d:v = n:x ;");
	check_lex("tau dv_2 / dt = x", "n:tau d:v_2 = n:x ;");
	check_lex("d_x\t/\tdt", "d:_x ;");
	check_lex("5 ms dv/dt = 1", "5_ms d:v = 1 ;");
	check_lex("2 dv/dt", "2 d:v ;");
	check_lex("(a + b) dv/dt", "( n:a + n:b ) d:v ;");
	check_lex("x = 1\ndv/dt = 2; dw/dt = 3", "n:x = 1 ; d:v = 2 ; d:w = 3 ;");
	check_lex("on tick { dv/dt = 1 }", "on tick { d:v = 1 } ;");
	/* anywhere else: the name dX divided by dt */
	check_lex("y = a * dx / dt", "n:y = n:a * n:dx / n:dt ;");
	check_lex("spike when dv/dt > 0", "spike when n:dv / n:dt > 0 ;");
	check_lex("(dx/dt) dv/dt", "( n:dx / n:dt ) d:v ;");
	check_lex("a b dv/dt", "n:a n:b n:dv / n:dt ;");
	check_lex("y = 2 dx/dt", "n:y = 2_dx / n:dt ;");
	/* `dt` must not continue as an identifier */
	check_lex("dx/dtau", "n:dx / n:dtau ;");
	check_lex("dx/dt2", "n:dx / n:dt2 ;");
	check_lex("d/dt", "n:d / n:dt ;");
	check_lex("odd/dt", "n:odd / n:dt ;");
	check_lex("dx/dt)", "d:x ) ;");
}
END_TEST

START_TEST(test_deriv_locations)
{
	Loc l[8];
	char *got = lex_all("y = dx  / dt\n\tdv/dt", NULL, l, 8);
	ck_assert_str_eq(got, "n:y = n:dx / n:dt ; d:v ;");
	free(got);
	const int cols[][2] = { { 1, 1 }, { 3, 3 }, { 5, 6 }, { 9, 9 }, { 11, 12 } };
	for (int i = 0; i < 5; i++) {
		ck_assert_int_eq(l[i].first_line, 1);
		ck_assert_int_eq(l[i].first_column, cols[i][0]);
		ck_assert_int_eq(l[i].last_column, cols[i][1]);
	}
	ck_assert_int_eq(l[6].first_line, 2);
	ck_assert_int_eq(l[6].first_column, 2);
	ck_assert_int_eq(l[6].last_column, 6);
}
END_TEST

START_TEST(test_keywords)
{
	const char *kw = "neuron synapse network import param state let input pre post on tick "
		"spike when reset refractory method modulator reduce pop connect as record every "
		"run global if else and or not";
	check_lex(kw, kw);
	/* C's reserved words and the built-in names are ordinary names */
	check_lex("int main double restrict t dt i N spikes spiked xi Neuron",
		"n:int n:main n:double n:restrict n:t n:dt n:i n:N n:spikes n:spiked n:xi n:Neuron ;");
}
END_TEST

START_TEST(test_columns)
{
	Loc l[8];
	char *diag;
	/* columns count code points: "s = "€€" + x": x at column 12 */
	char *got = lex_all("s = \"\xe2\x82\xac\xe2\x82\xac\" + x\n  y", &diag, l, 8);
	ck_assert_str_eq(got, "n:s = s:\xe2\x82\xac\xe2\x82\xac + n:x ; n:y ;");
	ck_assert_int_eq(l[2].first_column, 5);
	ck_assert_int_eq(l[2].last_column, 8);
	ck_assert_int_eq(l[4].first_line, 1);
	ck_assert_int_eq(l[4].first_column, 12);
	ck_assert_int_eq(l[6].first_line, 2);
	ck_assert_int_eq(l[6].first_column, 3);
	/* a quantity spans number and unit */
	free(got);
	free(diag);
	got = lex_all("\t20  ms", &diag, l, 8);
	ck_assert_str_eq(got, "20_ms ;");
	ck_assert_int_eq(l[0].first_column, 2);
	ck_assert_int_eq(l[0].last_column, 7);
	free(got);
	free(diag);
}
END_TEST

START_TEST(test_invalid_utf8)
{
	char *diag;
	char *got = lex_all("x = 1\ny = \"\xc3\xa9\xff\"", &diag, NULL, 0);
	ck_assert_str_eq(got, "n:x = 1 ; n:y = ERROR");
	ck_assert_str_eq(diag, "t.snn:2:7: error: invalid UTF-8 byte 0xff\n"
		"y = \"\xc3\xa9\xff\"\n"
		"      ^\n");
	free(got);
	free(diag);
	/* in a comment, and a truncated sequence in code */
	got = lex_all("a # ok \xc3\xa9 bad \xe2\x82\n", &diag, NULL, 0);
	ck_assert_str_eq(got, "n:a ERROR");
	check_prefix(diag, "t.snn:1:14: error: invalid UTF-8 byte 0xe2\n");
	free(got);
	free(diag);
	got = lex_all("a \xc0\xaf", &diag, NULL, 0);
	ck_assert_str_eq(got, "n:a ERROR");
	check_prefix(diag, "t.snn:1:3: error: invalid UTF-8 byte 0xc0\n");
	free(got);
	free(diag);
	/* valid UTF-8 outside a string or comment is still not a token */
	got = lex_all("x = \xc3\xa9", &diag, NULL, 0);
	ck_assert_str_eq(got, "n:x = ERROR");
	check_prefix(diag, "t.snn:1:5: error: unexpected character '\xc3\xa9' (U+00E9)\n");
	free(got);
	free(diag);
}
END_TEST

START_TEST(test_string_errors)
{
	char *diag;
	char *got = lex_all("a = \"abc\nb", &diag, NULL, 0);
	ck_assert_str_eq(got, "n:a = ERROR");
	check_prefix(diag, "t.snn:1:5: error: unterminated string\n");
	free(got);
	free(diag);
	got = lex_all("a = \"x\\q\"", &diag, NULL, 0);
	ck_assert_str_eq(got, "n:a = ERROR");
	check_prefix(diag, "t.snn:1:7: error: unknown escape sequence in string\n");
	free(got);
	free(diag);
}
END_TEST

Suite *suite_lexer(void)
{
	Suite *s = suite_create("lexer");
	TCase *tc = tcase_create("tokens");
	tcase_add_test(tc, test_tokens);
	tcase_add_test(tc, test_numbers_and_quantities);
	tcase_add_test(tc, test_newlines);
	tcase_add_test(tc, test_deriv);
	tcase_add_test(tc, test_deriv_locations);
	tcase_add_test(tc, test_keywords);
	tcase_add_test(tc, test_columns);
	tcase_add_test(tc, test_invalid_utf8);
	tcase_add_test(tc, test_string_errors);
	suite_add_tcase(s, tc);
	return s;
}
