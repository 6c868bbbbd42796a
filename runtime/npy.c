/*
 * npy.c — NumPy .npy files, format version 1.0.
 *
 * Writers stream.  The header is laid out exactly as numpy.save lays it out:
 * the dict, then spaces so that the growing first dimension has room for 21
 * digits (numpy's GROWTH_AXIS_MAX_DIGITS), then '\n', padded so that the
 * data starts on a 64-byte boundary.  Its length therefore does not depend
 * on the row count, so snn_npy_close can rewrite it in place with the final
 * shape, and a small array's bytes are identical to numpy's.
 *
 * A write error (a full disk, a file size limit) stops all writing to that
 * file and is kept with its errno; closing then cuts the file to the whole
 * rows that reached it and rewrites the header for them (through the file
 * descriptor, after stdio has let go), so a file is always valid for
 * numpy.load.  A file whose header cannot be repaired is removed: every
 * file is either valid or absent.
 *
 * The loader reads any little-endian C-order numeric array of a regular
 * file and converts it to double.  The shape in the header is compared with
 * the file's size before anything is allocated, so a small file claiming a
 * huge array is refused with both figures.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define GROWTH_DIGITS 21
#define MAGIC "\x93NUMPY"

static const struct { const char *descr; size_t size; } types[] = {
	[SNN_T_F64] = { "<f8", 8 },
	[SNN_T_F32] = { "<f4", 4 },
	[SNN_T_I32] = { "<i4", 4 },
	[SNN_T_U8]  = { "|u1", 1 },
	[SNN_T_I64] = { "<i8", 8 },
};

struct snn_npy_writer {
	FILE *f;
	int type;
	int ndim;
	int64_t ncols, ncols2;
	int64_t row_elems;      /* elements per row (1 for a 1-D array) */
	int64_t elems;          /* elements appended */
	int64_t calls;          /* appends: the row count when rows are empty */
	long header_len;
	int error;              /* errno of the first failed write, or 0 */
	char *path;             /* to remove the file if it cannot be repaired */
};

size_t snn_type_size(int type)
{
	return types[type].size;
}

/* The whole header (magic .. '\n') into buf; returns its length. */
static size_t format_header(char *buf, size_t n, int type, int ndim, const int64_t *shape)
{
	char dict[256];
	int len = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (",
			   types[type].descr);
	for (int i = 0; i < ndim; i++)
		len += snprintf(dict + len, sizeof dict - len, i ? ", %" PRId64 : "%" PRId64, shape[i]);
	len += snprintf(dict + len, sizeof dict - len, ndim == 1 ? ",), }" : "), }");
	if (ndim > 0) {
		int digits = snprintf(NULL, 0, "%" PRId64, shape[0]);
		for (int i = digits; i < GROWTH_DIGITS; i++)
			dict[len++] = ' ';
	}
	size_t total = 10 + (size_t)len + 1;
	size_t padded = (total + 63) / 64 * 64;
	if (padded > n)
		return 0;
	memcpy(buf, MAGIC "\x01\x00", 8);
	buf[8] = (char)((padded - 10) & 0xff);
	buf[9] = (char)((padded - 10) >> 8);
	memcpy(buf + 10, dict, (size_t)len);
	memset(buf + 10 + len, ' ', padded - total);
	buf[padded - 1] = '\n';
	return padded;
}

static int64_t writer_rows(const snn_npy_writer *w)
{
	return w->row_elems > 0 ? w->elems / w->row_elems : w->calls;
}

/* The header for `rows` rows into buf; returns its length (0: too long). */
static size_t writer_header(const snn_npy_writer *w, int64_t rows, char *buf, size_t n)
{
	int64_t shape[3] = { rows, w->ncols, w->ncols2 };
	return format_header(buf, n, w->type, w->ndim, shape);
}

static void writer_free(snn_npy_writer *w)
{
	free(w->path);
	free(w);
}

snn_npy_writer *snn_npy_open(const char *path, int type, int64_t ncols, int64_t ncols2)
{
	char buf[512];
	snn_npy_writer *w = calloc(1, sizeof *w);
	if (!w || !(w->path = strdup(path))) {
		free(w);
		errno = ENOMEM;
		return NULL;
	}
	w->type = type;
	w->ncols = ncols;
	w->ncols2 = ncols2;
	w->ndim = ncols < 0 ? 1 : ncols2 > 0 ? 3 : 2;
	w->row_elems = ncols < 0 ? 1 : ncols2 > 0 ? ncols * ncols2 : ncols;
	size_t len = writer_header(w, 0, buf, sizeof buf);
	w->header_len = (long)len;
	w->f = fopen(path, "wb");
	if (!w->f) {
		writer_free(w);
		return NULL;
	}
	/* written through at once: a file that cannot hold its header is absent */
	if (len == 0 || fwrite(buf, 1, len, w->f) != len || fflush(w->f) != 0) {
		int e = len ? errno : ENAMETOOLONG;
		fclose(w->f);
		remove(path);
		writer_free(w);
		errno = e ? e : EIO;
		return NULL;
	}
	return w;
}

/* Appends nelems elements.  When a row holds no elements (ncols == 0), each
 * call counts as one row.  After a failed write nothing more is written:
 * the file keeps a prefix of whole rows and a gap can never shift a row. */
void snn_npy_append(snn_npy_writer *w, const void *data, int64_t nelems)
{
	size_t bytes = (size_t)nelems * types[w->type].size;
	if (!w->error && bytes && fwrite(data, 1, bytes, w->f) != bytes)
		w->error = errno ? errno : EIO;
	w->elems += nelems;
	w->calls++;
}

int64_t snn_npy_rows(const snn_npy_writer *w)
{
	return writer_rows(w);
}

/* Whole rows of the data that reached the file (at most `rows`). */
static int64_t rows_on_disk(const snn_npy_writer *w, int fd, int64_t rows)
{
	struct stat st;
	int64_t row_bytes = w->row_elems * (int64_t)types[w->type].size;
	if (row_bytes == 0)
		return rows;
	if (fstat(fd, &st) != 0 || st.st_size < w->header_len)
		return 0;
	int64_t have = ((int64_t)st.st_size - w->header_len) / row_bytes;
	return have < rows ? have : rows;
}

/* Rewrites the header with the final row count and cuts a trailing partial
 * row, so the file always holds whole rows.  Done on a duplicate of the
 * descriptor after fclose, so that nothing stdio still buffered can land
 * behind the repaired file.  On error returns -1 with errno set to the
 * first failure's (a file that cannot be repaired is removed). */
int snn_npy_close(snn_npy_writer *w)
{
	char buf[512];
	int err = w->error;
	if (fflush(w->f) != 0 && !err)
		err = errno ? errno : EIO;
	int fd = dup(fileno(w->f));
	if (fclose(w->f) != 0 && !err)
		err = errno ? errno : EIO;
	int64_t rows = err && fd >= 0 ? rows_on_disk(w, fd, writer_rows(w)) : writer_rows(w);
	size_t len = writer_header(w, rows, buf, sizeof buf);
	off_t size = w->header_len + (off_t)(rows * w->row_elems) * (off_t)types[w->type].size;
	int fixed = fd >= 0 && len == (size_t)w->header_len &&
		    pwrite(fd, buf, len, 0) == (ssize_t)len && ftruncate(fd, size) == 0;
	if (!fixed && !err)
		err = errno ? errno : EIO;
	if (fd >= 0)
		close(fd);
	if (!fixed)
		remove(w->path);
	writer_free(w);
	errno = err;
	return err ? -1 : 0;
}

int snn_npy_save(const char *path, int type, int ndim, const int64_t *shape, const void *data)
{
	char buf[512];
	size_t len = format_header(buf, sizeof buf, type, ndim, shape);
	int64_t count = 1;
	for (int i = 0; i < ndim; i++)
		count *= shape[i];
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t bytes = (size_t)count * types[type].size;
	int err = len == 0 ? ENAMETOOLONG : 0;
	if (!err && fwrite(buf, 1, len, f) != len)
		err = errno ? errno : EIO;
	if (!err && bytes && fwrite(data, 1, bytes, f) != bytes)
		err = errno ? errno : EIO;
	if (fclose(f) != 0 && !err)
		err = errno ? errno : EIO;
	if (err)
		remove(path);   /* valid or absent */
	errno = err;
	return err ? -1 : 0;
}

/* ---- loading */

/* The element types the loader accepts: kind letter and size. */
typedef enum { K_F, K_I, K_U, K_B } Kind;
static const struct { const char *code; Kind kind; int size; } in_types[] = {
	{ "f8", K_F, 8 }, { "f4", K_F, 4 },
	{ "i8", K_I, 8 }, { "i4", K_I, 4 }, { "i2", K_I, 2 }, { "i1", K_I, 1 },
	{ "u8", K_U, 8 }, { "u4", K_U, 4 }, { "u2", K_U, 2 }, { "u1", K_U, 1 },
	{ "b1", K_B, 1 },
};

static double convert(const unsigned char *p, Kind kind, int size)
{
	union { double f8; float f4; int64_t i8; int32_t i4; int16_t i2; int8_t i1;
		uint64_t u8; uint32_t u4; uint16_t u2; uint8_t u1; } x;
	memcpy(&x, p, (size_t)size);
	switch (kind) {
	case K_F: return size == 8 ? x.f8 : (double)x.f4;
	case K_I: return size == 8 ? (double)x.i8 : size == 4 ? x.i4 : size == 2 ? x.i2 : x.i1;
	case K_U: return size == 8 ? (double)x.u8 : size == 4 ? x.u4 : size == 2 ? x.u2 : x.u1;
	case K_B: return x.u1 != 0;
	}
	return 0;
}

/* The value text after 'key': in the header dict, or NULL. */
static const char *dict_value(const char *h, const char *key)
{
	char pat[32];
	snprintf(pat, sizeof pat, "'%s'", key);
	const char *p = strstr(h, pat);
	if (!p)
		return NULL;
	p += strlen(pat);
	while (*p == ' ' || *p == ':')
		p++;
	return p;
}

/* Parses "(a, b, ...)" into out->shape / ndim / count. */
static int parse_shape(const char *p, snn_npy_array *out)
{
	if (*p++ != '(')
		return -1;
	out->ndim = 0;
	out->count = 1;
	for (;;) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == ')')
			return 0;
		char *end;
		errno = 0;
		long long v = strtoll(p, &end, 10);
		if (end == p || errno || v < 0 || out->ndim == 4)
			return -1;
		out->shape[out->ndim++] = v;
		if (__builtin_mul_overflow(out->count, (int64_t)v, &out->count))
			return -1;
		p = end;
	}
}

static int load_fail(FILE *f, char *err, size_t errlen, const char *path, const char *msg)
{
	snprintf(err, errlen, "%s: %s", path, msg);
	if (f)
		fclose(f);
	return -1;
}

/* Reads the header dict as a string (malloc'd) and leaves f at the data. */
static char *read_header(FILE *f)
{
	unsigned char pre[12];
	size_t hl;
	if (fread(pre, 1, 10, f) != 10 || memcmp(pre, MAGIC, 6) != 0)
		return NULL;
	if (pre[6] == 1) {
		hl = pre[8] | (size_t)pre[9] << 8;
	} else if (pre[6] == 2 || pre[6] == 3) {
		if (fread(pre + 10, 1, 2, f) != 2)
			return NULL;
		hl = pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
	} else {
		return NULL;
	}
	if (hl > (1u << 20))    /* numpy's own are a few hundred bytes */
		return NULL;
	char *h = malloc(hl + 1);
	if (!h || fread(h, 1, hl, f) != hl) {
		free(h);
		return NULL;
	}
	h[hl] = '\0';
	return h;
}

/* Checks descr and fortran_order; sets *ti to the in_types index. */
static const char *check_header(const char *h, snn_npy_array *out, int *ti)
{
	const char *d = dict_value(h, "descr"), *fo = dict_value(h, "fortran_order");
	const char *sh = dict_value(h, "shape");
	if (!d || !fo || !sh || *d != '\'')
		return "malformed .npy header";
	if (d[1] == '>')
		return "big-endian .npy arrays are not supported (save as little-endian)";
	if (strncmp(fo, "True", 4) == 0)
		return "Fortran-order .npy arrays are not supported (save in C order)";
	if (d[1] != '<' && d[1] != '|' && d[1] != '=')
		return "unsupported .npy dtype";
	for (size_t i = 0; i < sizeof in_types / sizeof in_types[0]; i++)
		if (strncmp(d + 2, in_types[i].code, 2) == 0 && d[4] == '\'')
			*ti = (int)i;
	if (*ti < 0)
		return "unsupported .npy dtype (need a numeric type)";
	if (parse_shape(sh, out) != 0)
		return "malformed .npy shape";
	return NULL;
}

/* "(4000000000, 10)" */
static void format_shape(const snn_npy_array *a, char *buf, size_t n)
{
	size_t len = (size_t)snprintf(buf, n, "(");
	for (int k = 0; k < a->ndim && len < n; k++)
		len += (size_t)snprintf(buf + len, n - len, k ? ", %" PRId64 : "%" PRId64, a->shape[k]);
	if (len < n)
		snprintf(buf + len, n - len, a->ndim == 1 ? ",)" : ")");
}

/* The data the header claims against what the file holds after it, before
 * anything is allocated.  NULL, or the message (in buf). */
static const char *check_size(FILE *f, const snn_npy_array *a, int ti, char *buf, size_t n)
{
	struct stat st;
	long at = ftell(f);
	if (fstat(fileno(f), &st) != 0 || at < 0)
		return "cannot tell the size of the file";
	int64_t want, have = (int64_t)st.st_size - at;
	if (__builtin_mul_overflow(a->count, (int64_t)in_types[ti].size, &want) ||
	    want > have) {
		char shape[128], claims[32], holds[32];
		format_shape(a, shape, sizeof shape);
		snn_mem_format((double)a->count * in_types[ti].size, claims, sizeof claims);
		snn_mem_format((double)(have > 0 ? have : 0), holds, sizeof holds);
		snprintf(buf, n, "the header claims shape %s of %d-byte values (%s) but the file "
			 "holds %s of data", shape, in_types[ti].size, claims, holds);
		return buf;
	}
	return NULL;
}

static int read_data(FILE *f, snn_npy_array *out, int ti)
{
	size_t esize = (size_t)in_types[ti].size, n = (size_t)out->count;
	unsigned char *raw = malloc(n * esize + 1);
	out->data = malloc(n * sizeof(double) + sizeof(double));
	if (!raw || !out->data || fread(raw, esize, n, f) != n) {
		free(raw);
		free(out->data);
		out->data = NULL;
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		out->data[i] = convert(raw + i * esize, in_types[ti].kind, in_types[ti].size);
	free(raw);
	return 0;
}

/* A regular file only: a FIFO would block forever, a device never end.
 * O_NONBLOCK keeps the open itself from waiting for a FIFO's writer. */
static FILE *open_regular(const char *path, const char **why)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK);
	struct stat st;
	if (fd < 0) {
		*why = "cannot open file";
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*why = "not a regular file";
		close(fd);
		return NULL;
	}
	FILE *f = fdopen(fd, "rb");
	if (!f) {
		*why = "cannot open file";
		close(fd);
	}
	return f;
}

int snn_npy_load(const char *path, snn_npy_array *out, char *err, size_t errlen)
{
	char buf[512];
	const char *why = NULL;
	memset(out, 0, sizeof *out);
	FILE *f = open_regular(path, &why);
	if (!f)
		return load_fail(NULL, err, errlen, path, why);
	char *h = read_header(f);
	if (!h)
		return load_fail(f, err, errlen, path, "not a .npy file");
	int ti = -1;
	const char *msg = check_header(h, out, &ti);
	free(h);
	if (msg || (msg = check_size(f, out, ti, buf, sizeof buf)))
		return load_fail(f, err, errlen, path, msg);
	out->type = SNN_T_F64;
	if (read_data(f, out, ti) != 0)
		return load_fail(f, err, errlen, path, "truncated .npy data");
	fclose(f);
	return 0;
}

void snn_npy_free(snn_npy_array *a)
{
	free(a->data);
	a->data = NULL;
}
