/*
 * e2e_util.h — helpers for end-to-end tests: a fresh temporary directory,
 * writing a model into it, running the compiler ($SNNC) and the simulator
 * it built, and loading the .npy files the simulator wrote.
 *
 * Everything is static so that any test file of tests/e2e may include it
 * without clashing with another one.  Every helper asserts (ck_assert) on failure,
 * so a test reads as the sequence of its steps.  A failed test leaves its
 * directory behind for inspection; a passed one removes it (e2e_cleanup).
 */
#ifndef E2E_UTIL_H
#define E2E_UTIL_H

#include <check.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "snn_rt.h"

enum { E2E_PATH = 512, E2E_CMD = 4096 };

/* The compiler under test: $SNNC, else bin/snnc under $SNNC_ROOT. */
static inline const char *e2e_snnc(void)
{
	static char buf[E2E_PATH];
	const char *s = getenv("SNNC");
	if (s && *s)
		return s;
	const char *root = getenv("SNNC_ROOT");
	snprintf(buf, sizeof buf, "%s/bin/snnc", root && *root ? root : ".");
	return buf;
}

/* Create a fresh directory under $TMPDIR (or /tmp); returns buf. */
static inline char *e2e_tmpdir(char *buf, size_t len)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(buf, len, "%s/snnc-e2e-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_msg(mkdtemp(buf) != NULL, "mkdtemp %s failed", buf);
	return buf;
}

/* printf into buf; asserts that it fits. */
static inline void e2e_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	ck_assert_msg(n >= 0 && (size_t)n < len, "path too long: %s", buf);
}

static inline void e2e_write(const char *dir, const char *name, const char *text)
{
	char path[E2E_PATH];
	e2e_fmt(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	ck_assert_msg(f != NULL, "cannot write %s", path);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* Run a shell command (printf-style) inside dir; returns its exit status,
 * or -1 if it did not exit normally. */
static inline int e2e_run(const char *dir, const char *fmt, ...)
{
	char cmd[E2E_CMD], full[E2E_CMD + E2E_PATH];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	ck_assert_msg(n >= 0 && n < E2E_CMD, "command too long: %s", cmd);
	e2e_fmt(full, sizeof full, "cd '%s' && %s", dir, cmd);
	int st = system(full);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* Write text as dir/NAME.snn and build it into dir/NAME; asserts success. */
static inline void e2e_build(const char *dir, const char *name, const char *text)
{
	char file[E2E_PATH];
	e2e_fmt(file, sizeof file, "%s.snn", name);
	e2e_write(dir, file, text);
	int st = e2e_run(dir, "'%s' build %s.snn -o %s", e2e_snnc(), name, name);
	ck_assert_msg(st == 0, "snnc build %s/%s.snn: exit status %d", dir, name, st);
}

/* Run dir/BIN --out OUT --quiet ARGS...; asserts exit status 0. */
static inline void e2e_sim(const char *dir, const char *bin, const char *out, const char *args)
{
	int st = e2e_run(dir, "./%s --out %s --quiet %s", bin, out, args ? args : "");
	ck_assert_msg(st == 0, "%s/%s --out %s %s: exit status %d", dir, bin, out,
		      args ? args : "", st);
}

/* Read dir/name (at most n - 1 bytes) into buf, NUL-terminated; returns the
 * bytes read, 0 (and "") when the file cannot be opened. */
static inline size_t e2e_read(const char *dir, const char *name, char *buf, size_t n)
{
	char path[E2E_PATH];
	e2e_fmt(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	size_t k = f ? fread(buf, 1, n - 1, f) : 0;
	buf[k] = '\0';
	if (f)
		fclose(f);
	return k;
}

/* Load dir/out/file.npy; asserts success. */
static inline void e2e_load(const char *dir, const char *out, const char *file, snn_npy_array *a)
{
	char path[E2E_PATH], err[256] = "";
	e2e_fmt(path, sizeof path, "%s/%s/%s", dir, out, file);
	ck_assert_msg(snn_npy_load(path, a, err, sizeof err) == 0, "load %s: %s", path, err);
}

static inline int e2e_rm1(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* Remove dir and everything below it. */
static inline void e2e_cleanup(const char *dir)
{
	nftw(dir, e2e_rm1, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
