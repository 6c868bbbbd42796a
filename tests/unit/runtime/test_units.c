/*
 * test_units.c — the unit table, dimension algebra, dimension names and
 * quantity parsing.
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "snn_rt.h"

/* dimension from exponents: metre, kilogram, second, ampere */
static snn_dim D(double m, double kg, double s, double a)
{
	snn_dim d = { { m, kg, s, a, 0, 0, 0 } };
	return d;
}

static void check_unit(const char *name, double factor, snn_dim dim)
{
	const snn_unit *u = snn_unit_find(name);
	ck_assert_msg(u != NULL, "unit %s missing", name);
	ck_assert_str_eq(u->name, name);
	ck_assert_msg(fabs(u->factor - factor) <= 1e-15 * factor, "%s factor %g", name, u->factor);
	ck_assert_msg(snn_dim_eq(u->dim, dim), "%s dimension", name);
}

START_TEST(table)
{
	snn_dim time = D(0, 0, 1, 0), volt = D(2, 1, -3, -1), amp = D(0, 0, 0, 1);
	snn_dim siemens = D(-2, -1, 3, 2), farad = D(-2, -1, 4, 2), ohm = D(2, 1, -3, -2);
	check_unit("s", 1, time);
	check_unit("ms", 1e-3, time);
	check_unit("us", 1e-6, time);
	check_unit("ns", 1e-9, time);
	check_unit("Hz", 1, D(0, 0, -1, 0));
	check_unit("kHz", 1e3, D(0, 0, -1, 0));
	check_unit("V", 1, volt);
	check_unit("mV", 1e-3, volt);
	check_unit("uV", 1e-6, volt);
	check_unit("A", 1, amp);
	check_unit("mA", 1e-3, amp);
	check_unit("uA", 1e-6, amp);
	check_unit("nA", 1e-9, amp);
	check_unit("pA", 1e-12, amp);
	check_unit("S", 1, siemens);
	check_unit("mS", 1e-3, siemens);
	check_unit("uS", 1e-6, siemens);
	check_unit("nS", 1e-9, siemens);
	check_unit("pS", 1e-12, siemens);
	check_unit("F", 1, farad);
	check_unit("uF", 1e-6, farad);
	check_unit("nF", 1e-9, farad);
	check_unit("pF", 1e-12, farad);
	check_unit("ohm", 1, ohm);
	check_unit("kohm", 1e3, ohm);
	check_unit("Mohm", 1e6, ohm);
	check_unit("Gohm", 1e9, ohm);
	check_unit("second", 1, time);
	check_unit("volt", 1, volt);
	check_unit("metre", 1, D(1, 0, 0, 0));
	check_unit("um", 1e-6, D(1, 0, 0, 0));
	/* consistency: ohm * siemens = 1, farad / siemens = second */
	ck_assert(snn_dim_is_one(snn_dim_mul(ohm, siemens)));
	ck_assert(snn_dim_eq(snn_dim_div(farad, siemens), time));
	ck_assert(snn_dim_eq(snn_dim_mul(volt, siemens), amp));
}
END_TEST

START_TEST(table_has_no_stray_names)
{
	static const char *const absent[] = { "m", "g", "t", "x", "I", "C", "k", "foo", "", "MS" };
	for (size_t k = 0; k < sizeof absent / sizeof absent[0]; k++)
		ck_assert_msg(snn_unit_find(absent[k]) == NULL, "'%s' is a unit", absent[k]);
	int n;
	const snn_unit *t = snn_unit_table(&n);
	ck_assert_int_ge(n, 27);
	for (int i = 0; i < n; i++) {
		ck_assert_msg(strlen(t[i].name) > 1 || strchr("sVASF", t[i].name[0]),
			      "single-letter unit %s", t[i].name);
		for (int j = 0; j < i; j++)
			ck_assert_str_ne(t[i].name, t[j].name);
		ck_assert_ptr_eq(snn_unit_find(t[i].name), &t[i]);
	}
}
END_TEST

START_TEST(algebra)
{
	snn_dim v = D(2, 1, -3, -1);
	ck_assert(snn_dim_eq(snn_dim_pow(v, 2), D(4, 2, -6, -2)));
	ck_assert(snn_dim_eq(snn_dim_pow(snn_dim_pow(v, 2), 0.5), v));
	ck_assert(!snn_dim_eq(v, D(2, 1, -3, 0)));
	ck_assert(snn_dim_is_one(snn_dim_div(v, v)));
	ck_assert(!snn_dim_is_one(v));
	ck_assert(snn_dim_eq(snn_dim_div(D(0, 0, 0, 0), D(0, 0, 1, 0)), D(0, 0, -1, 0)));
}
END_TEST

static void check_format(snn_dim d, const char *want)
{
	char buf[128];
	ck_assert_str_eq(snn_dim_format(d, buf, sizeof buf), want);
}

START_TEST(format)
{
	check_format(D(0, 0, 0, 0), "1");
	check_format(D(0, 0, 1, 0), "second");
	check_format(D(0, 0, -1, 0), "hertz");
	check_format(D(2, 1, -3, -1), "volt");
	check_format(D(0, 0, 0, 1), "ampere");
	check_format(D(-2, -1, 3, 2), "siemens");
	check_format(D(-2, -1, 4, 2), "farad");
	check_format(D(2, 1, -3, -2), "ohm");
	check_format(D(0, 0, 1, 1), "coulomb");
	check_format(D(1, 0, 0, 0), "metre");
	check_format(D(0, 1, 0, 0), "kilogram");
	check_format(D(2, 1, -4, -1), "volt/second");
	check_format(D(2, 1, -2, -1), "volt*second");
	check_format(D(-2, -1, 2, 2), "siemens/second");
	check_format(D(0, 0, -1, 1), "ampere/second");
	check_format(D(0, 0, 2, 0), "second^2");
	check_format(D(0, 0, -2, 0), "1/second^2");
	check_format(D(0, 0, -0.5, 0), "1/second^0.5");
	check_format(D(0, 0, 0.5, 0), "second^0.5");
	check_format(D(2, 0, 0, 0), "metre^2");
	check_format(D(4, 2, -6, -2), "metre^4*kilogram^2/(second^6*ampere^2)");
	check_format(D(2, 1, -3, 0), "metre^2*kilogram/second^3");
	snn_dim mol = { { 0, 0, 0, 0, 0, 1, 0 } };
	check_format(mol, "mole");
	char small[8];
	snn_dim_format(D(4, 2, -6, -2), small, sizeof small);
	ck_assert_str_eq(small, "metre^4");
}
END_TEST

static void check_parse(const char *s, double value, snn_dim dim)
{
	double v = NAN;
	snn_dim d;
	ck_assert_msg(snn_parse_quantity(s, &v, &d) == 0, "'%s' rejected", s);
	ck_assert_msg(fabs(v - value) <= 1e-15 * fabs(value), "'%s' gave %.17g", s, v);
	ck_assert_msg(snn_dim_eq(d, dim), "'%s' dimension", s);
}

START_TEST(parse)
{
	snn_dim one = D(0, 0, 0, 0), time = D(0, 0, 1, 0), volt = D(2, 1, -3, -1);
	check_parse("10ms", 0.01, time);
	check_parse("10 ms", 0.01, time);
	check_parse("-65 mV", -0.065, volt);
	check_parse("-65mV", -0.065, volt);
	check_parse("1e-3", 0.001, one);
	check_parse("15 Hz", 15, D(0, 0, -1, 0));
	check_parse("2s", 2, time);
	check_parse("0.5 nS", 0.5e-9, D(-2, -1, 3, 2));
	check_parse("+2", 2, one);
	check_parse(".5", 0.5, one);
	check_parse("1.5e3 ms", 1.5, time);
	check_parse("  3 kohm  ", 3000, D(2, 1, -3, -2));
	check_parse("0", 0, one);
}
END_TEST

START_TEST(parse_rejects)
{
	static const char *const bad[] = {
		"", "ms", "10 foo", "1.2.3", "10 ms x", "abc", "e5", "nan", "inf", "-", ".",
		"10 m", "1e", "5 mV mV", "0x10",
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		double v = 42;
		snn_dim d;
		ck_assert_msg(snn_parse_quantity(bad[k], &v, &d) == -1, "'%s' accepted", bad[k]);
	}
}
END_TEST

Suite *suite_units(void)
{
	Suite *s = suite_create("units");
	TCase *tc = tcase_create("units");
	tcase_add_test(tc, table);
	tcase_add_test(tc, table_has_no_stray_names);
	tcase_add_test(tc, algebra);
	tcase_add_test(tc, format);
	tcase_add_test(tc, parse);
	tcase_add_test(tc, parse_rejects);
	suite_add_tcase(s, tc);
	return s;
}
