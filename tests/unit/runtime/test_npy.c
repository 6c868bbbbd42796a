/*
 * test_npy.c — the .npy writer and loader.
 *
 * Expected bytes below were produced by numpy 1.24 (`numpy.save` into a
 * BytesIO) and pasted as C strings: the writer must match them byte for
 * byte, and the loader must read them.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snn_rt.h"

static const char np_f8_3[] =
	"\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }                                                            \x0a"
	"\x00\x00\x00\x00\x00\x00\xf0\x3f\x00\x00\x00\x00\x00\x00\x00@\x00\x00\x00\x00\x00\x00\x08@"
;
static const char np_i4_2x3[] =
	"\x93NUMPY\x01\x00v\x00{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }                                                          \x0a"
	"\x00\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00\x03\x00\x00\x00\x04\x00\x00\x00\x05\x00\x00\x00"
;
static const char np_f8_0[] =
	"\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (0,), }                                                            \x0a"
;
static const char np_u1_2x3x4[] =
	"\x93NUMPY\x01\x00v\x00{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3, 4), }                                                       \x0a"
	"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17"
;
static const char np_f4_2x2[] =
	"\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }                                                          \x0a"
	"\x00\x00\xc0\x3f\x00\x00\x10\xc0\x00\x00@@\xf9\x02\x15Q"
;
static const char np_i8_2[] =
	"\x93NUMPY\x01\x00v\x00{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }                                                            \x0a"
	"\xfd\xff\xff\xff\xff\xff\xff\xff\x00\x00\x00\x00\x00\x01\x00\x00"
;
static const char np_u1_3[] =
	"\x93NUMPY\x01\x00v\x00{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }                                                            \x0a"
	"\x00\xff\x07"
;
static const char np_i2_1x2[] =
	"\x93NUMPY\x01\x00v\x00{'descr': '<i2', 'fortran_order': False, 'shape': (1, 2), }                                                          \x0a"
	"\xf9\xff,\x01"
;
static const char np_b1_3[] =
	"\x93NUMPY\x01\x00v\x00{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }                                                            \x0a"
	"\x01\x00\x01"
;
static const char np_be[] =
	"\x93NUMPY\x01\x00v\x00{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }                                                            \x0a"
	"\x3f\xf0\x00\x00\x00\x00\x00\x00"
;
static const char np_fortran[] =
	"\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }                                                           \x0a"
	"\x00\x00\x00\x00\x00\x00\xf0\x3f\x00\x00\x00\x00\x00\x00\x08@\x00\x00\x00\x00\x00\x00\x00@\x00\x00\x00\x00\x00\x00\x10@"
;

static const char hdr_f8_1000[] =
	"\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (1000,), }"
	"                                                         \n";
static const char hdr_i8_7x3[] =
	"\x93NUMPY\x01\x00v\x00{'descr': '<i8', 'fortran_order': False, 'shape': (7, 3), }"
	"                                                          \n";

static char dir[64];

static const char *tmp_path(const char *name)
{
	static char buf[128];
	if (!dir[0]) {
		strcpy(dir, "/tmp/snn_test_npy_XXXXXX");
		ck_assert_ptr_nonnull(mkdtemp(dir));
	}
	snprintf(buf, sizeof buf, "%s/%s", dir, name);
	return buf;
}

/* The whole file; *len its size.  Caller frees. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	char *buf = malloc(1 << 20);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

static void check_file(const char *path, const char *want, size_t want_len)
{
	size_t len;
	char *got = slurp(path, &len);
	ck_assert_uint_eq(len, want_len);
	ck_assert_msg(memcmp(got, want, len) == 0, "%s differs from numpy's bytes", path);
	free(got);
}

static void write_bytes(const char *path, const char *bytes, size_t len)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(bytes, 1, len, f), len);
	fclose(f);
}

START_TEST(save_matches_numpy)
{
	double f8[] = { 1, 2, 3 };
	int32_t i4[] = { 0, 1, 2, 3, 4, 5 };
	uint8_t u1[24];
	for (int k = 0; k < 24; k++)
		u1[k] = (uint8_t)k;
	ck_assert_int_eq(snn_npy_save(tmp_path("a.npy"), SNN_T_F64, 1, (int64_t[]){ 3 }, f8), 0);
	check_file(tmp_path("a.npy"), np_f8_3, sizeof np_f8_3 - 1);
	ck_assert_int_eq(snn_npy_save(tmp_path("b.npy"), SNN_T_I32, 2, (int64_t[]){ 2, 3 }, i4), 0);
	check_file(tmp_path("b.npy"), np_i4_2x3, sizeof np_i4_2x3 - 1);
	ck_assert_int_eq(snn_npy_save(tmp_path("c.npy"), SNN_T_U8, 3, (int64_t[]){ 2, 3, 4 }, u1), 0);
	check_file(tmp_path("c.npy"), np_u1_2x3x4, sizeof np_u1_2x3x4 - 1);
	ck_assert_int_eq(snn_npy_save(tmp_path("d.npy"), SNN_T_F64, 1, (int64_t[]){ 0 }, f8), 0);
	check_file(tmp_path("d.npy"), np_f8_0, sizeof np_f8_0 - 1);
}
END_TEST

START_TEST(stream_matches_numpy)
{
	double f8[] = { 1, 2, 3 };
	snn_npy_writer *w = snn_npy_open(tmp_path("s.npy"), SNN_T_F64, -1, 0);
	ck_assert_ptr_nonnull(w);
	snn_npy_append(w, f8, 2);
	snn_npy_append(w, f8 + 2, 1);
	ck_assert_int_eq(snn_npy_rows(w), 3);
	ck_assert_int_eq(snn_npy_close(w), 0);
	check_file(tmp_path("s.npy"), np_f8_3, sizeof np_f8_3 - 1);

	int32_t row[3];
	w = snn_npy_open(tmp_path("t.npy"), SNN_T_I32, 3, 0);
	for (int r = 0; r < 2; r++) {
		for (int k = 0; k < 3; k++)
			row[k] = 3 * r + k;
		snn_npy_append(w, row, 3);
	}
	ck_assert_int_eq(snn_npy_close(w), 0);
	check_file(tmp_path("t.npy"), np_i4_2x3, sizeof np_i4_2x3 - 1);

	uint8_t u1[24];
	for (int k = 0; k < 24; k++)
		u1[k] = (uint8_t)k;
	w = snn_npy_open(tmp_path("u.npy"), SNN_T_U8, 3, 4);
	snn_npy_append(w, u1, 12);
	snn_npy_append(w, u1 + 12, 12);
	ck_assert_int_eq(snn_npy_rows(w), 2);
	ck_assert_int_eq(snn_npy_close(w), 0);
	check_file(tmp_path("u.npy"), np_u1_2x3x4, sizeof np_u1_2x3x4 - 1);
}
END_TEST

START_TEST(stream_empty_and_long)
{
	snn_npy_writer *w = snn_npy_open(tmp_path("e.npy"), SNN_T_F64, -1, 0);
	ck_assert_int_eq(snn_npy_rows(w), 0);
	ck_assert_int_eq(snn_npy_close(w), 0);
	check_file(tmp_path("e.npy"), np_f8_0, sizeof np_f8_0 - 1);

	/* 1000 rows: the header grows its digits in place, as numpy's does */
	w = snn_npy_open(tmp_path("l.npy"), SNN_T_F64, -1, 0);
	for (int k = 0; k < 1000; k++) {
		double v = k * 0.5;
		snn_npy_append(w, &v, 1);
	}
	ck_assert_int_eq(snn_npy_close(w), 0);
	size_t len;
	char *got = slurp(tmp_path("l.npy"), &len);
	ck_assert_uint_eq(len, 128 + 8000);
	ck_assert(memcmp(got, hdr_f8_1000, 128) == 0);
	double v;
	memcpy(&v, got + 128 + 8 * 999, 8);
	ck_assert(v == 499.5);
	free(got);

	/* a trailing partial row is cut: 7 whole rows of 3 */
	w = snn_npy_open(tmp_path("p.npy"), SNN_T_I64, 3, 0);
	int64_t x[23] = { 0 };
	snn_npy_append(w, x, 23);
	ck_assert_int_eq(snn_npy_rows(w), 7);
	ck_assert_int_eq(snn_npy_close(w), 0);
	got = slurp(tmp_path("p.npy"), &len);
	ck_assert_uint_eq(len, 128 + 7 * 3 * 8);
	ck_assert(memcmp(got, hdr_i8_7x3, 128) == 0);
	free(got);
}
END_TEST

START_TEST(round_trip)
{
	double d[12];
	for (int k = 0; k < 12; k++)
		d[k] = k * 1.25 - 3;
	int64_t shape[] = { 4, 3 };
	ck_assert_int_eq(snn_npy_save(tmp_path("r.npy"), SNN_T_F64, 2, shape, d), 0);
	snn_npy_array a;
	char err[256];
	ck_assert_int_eq(snn_npy_load(tmp_path("r.npy"), &a, err, sizeof err), 0);
	ck_assert_int_eq(a.ndim, 2);
	ck_assert_int_eq(a.shape[0], 4);
	ck_assert_int_eq(a.shape[1], 3);
	ck_assert_int_eq(a.count, 12);
	ck_assert_int_eq(a.type, SNN_T_F64);
	for (int k = 0; k < 12; k++)
		ck_assert(a.data[k] == d[k]);
	snn_npy_free(&a);

	ck_assert_int_eq(snn_npy_save(tmp_path("z.npy"), SNN_T_F64, 2, (int64_t[]){ 0, 5 }, d), 0);
	ck_assert_int_eq(snn_npy_load(tmp_path("z.npy"), &a, err, sizeof err), 0);
	ck_assert_int_eq(a.ndim, 2);
	ck_assert_int_eq(a.shape[0], 0);
	ck_assert_int_eq(a.shape[1], 5);
	ck_assert_int_eq(a.count, 0);
	snn_npy_free(&a);
}
END_TEST

/* Loads numpy's bytes and compares with the values numpy was given. */
static void check_load(const char *bytes, size_t len, int ndim, const int64_t *shape,
		       const double *want)
{
	snn_npy_array a;
	char err[256];
	write_bytes(tmp_path("in.npy"), bytes, len);
	ck_assert_msg(snn_npy_load(tmp_path("in.npy"), &a, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(a.ndim, ndim);
	int64_t count = 1;
	for (int k = 0; k < ndim; k++) {
		ck_assert_int_eq(a.shape[k], shape[k]);
		count *= shape[k];
	}
	ck_assert_int_eq(a.count, count);
	for (int64_t k = 0; k < count; k++)
		ck_assert_msg(a.data[k] == want[k], "element %d: %g != %g", (int)k, a.data[k], want[k]);
	snn_npy_free(&a);
}

START_TEST(load_numpy_types)
{
	check_load(np_f4_2x2, sizeof np_f4_2x2 - 1, 2, (int64_t[]){ 2, 2 },
		   (double[]){ 1.5, -2.25, 3, (double)4e10f });
	check_load(np_i8_2, sizeof np_i8_2 - 1, 1, (int64_t[]){ 2 },
		   (double[]){ -3, 1099511627776.0 });
	check_load(np_u1_3, sizeof np_u1_3 - 1, 1, (int64_t[]){ 3 }, (double[]){ 0, 255, 7 });
	check_load(np_i2_1x2, sizeof np_i2_1x2 - 1, 2, (int64_t[]){ 1, 2 }, (double[]){ -7, 300 });
	check_load(np_b1_3, sizeof np_b1_3 - 1, 1, (int64_t[]){ 3 }, (double[]){ 1, 0, 1 });
	check_load(np_i4_2x3, sizeof np_i4_2x3 - 1, 2, (int64_t[]){ 2, 3 },
		   (double[]){ 0, 1, 2, 3, 4, 5 });
}
END_TEST

static void check_reject(const char *bytes, size_t len, const char *word)
{
	snn_npy_array a;
	char err[256] = "";
	write_bytes(tmp_path("bad.npy"), bytes, len);
	ck_assert_int_eq(snn_npy_load(tmp_path("bad.npy"), &a, err, sizeof err), -1);
	ck_assert_msg(strstr(err, word) != NULL, "message '%s' lacks '%s'", err, word);
	ck_assert_ptr_null(a.data);
}

START_TEST(load_rejects)
{
	check_reject(np_be, sizeof np_be - 1, "big-endian");
	check_reject(np_fortran, sizeof np_fortran - 1, "Fortran");
	check_reject("hello", 5, "not a .npy");
	/* the header's shape against the file's size, before any allocation */
	check_reject(np_f8_3, sizeof np_f8_3 - 9, "the header claims shape (3,) of 8-byte values "
		     "(24 bytes) but the file holds 16 bytes of data");
	snn_npy_array a;
	char err[256] = "";
	ck_assert_int_eq(snn_npy_load("/nonexistent/x.npy", &a, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/x.npy"));
}
END_TEST

START_TEST(type_sizes)
{
	ck_assert_uint_eq(snn_type_size(SNN_T_F64), 8);
	ck_assert_uint_eq(snn_type_size(SNN_T_F32), 4);
	ck_assert_uint_eq(snn_type_size(SNN_T_I32), 4);
	ck_assert_uint_eq(snn_type_size(SNN_T_U8), 1);
	ck_assert_uint_eq(snn_type_size(SNN_T_I64), 8);
}
END_TEST

Suite *suite_npy(void)
{
	Suite *s = suite_create("npy");
	TCase *tc = tcase_create("npy");
	tcase_add_test(tc, save_matches_numpy);
	tcase_add_test(tc, stream_matches_numpy);
	tcase_add_test(tc, stream_empty_and_long);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, load_numpy_types);
	tcase_add_test(tc, load_rejects);
	tcase_add_test(tc, type_sizes);
	suite_add_tcase(s, tc);
	return s;
}
