/*
 * cc.c — drive the C compiler: generated model + the runtime library ->
 * simulator binary; the cache of `snnc run`.
 *
 * The runtime is found relative to the snnc executable: BIN/../lib/snnc
 * (libsnnrt.a, snn_main.o) and BIN/../include/snnc (snn_rt.h), which is both
 * the build tree's layout and the installed one.  Clang is used when
 * present, else cc; --cc chooses.  The C compiler's own messages are never
 * shown as the user's errors: a model that snnc accepted must compile, so a
 * failure here is an internal error (exit status 3).  What is the user's
 * environment is checked first and is a command-line error (status 2): a
 * C compiler that cannot be executed, an output that cannot be written.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "snnc.h"

static const char *exe_dir(void)
{
	static char dir[PATH_MAX];
	if (dir[0])
		return dir;
	ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
	if (n <= 0)
		die("cannot find the snnc executable");
	dir[n] = 0;
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	return dir;
}

const char *runtime_dir(const char *what)
{
	return arena_printf("%s/../%s/snnc", exe_dir(), what);
}

static bool on_path(const char *prog)
{
	const char *path = getenv("PATH");
	if (!path)
		return false;
	char *p = arena_strdup(path);
	for (char *dir = strtok(p, ":"); dir; dir = strtok(NULL, ":")) {
		const char *f = arena_printf("%s/%s", dir, prog);
		if (access(f, X_OK) == 0)
			return true;
	}
	return false;
}

const char *default_cc(void)
{
	return on_path("clang") ? "clang" : "cc";
}

/* Run argv; stderr and stdout to `log`.  Returns the exit status, or -1
 * with *exec_err set to errno when argv[0] could not be executed at all
 * (the child reports it through a close-on-exec pipe: nothing arrives when
 * the exec succeeds), or -1 with *exec_err 0 for any other failure. */
static int run(char **argv, const char *log, int *exec_err)
{
	int fds[2];
	*exec_err = 0;
	if (pipe2(fds, O_CLOEXEC))
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		FILE *f = freopen(log, "w", stderr);
		if (f)
			dup2(fileno(stderr), 1);
		execvp(argv[0], argv);
		int e = errno;
		ssize_t w = write(fds[1], &e, sizeof e);
		(void)w;
		_exit(127);
	}
	close(fds[1]);
	int e = 0;
	ssize_t got;
	while ((got = read(fds[0], &e, sizeof e)) < 0 && errno == EINTR)
		;
	close(fds[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (got == (ssize_t)sizeof e) {
		*exec_err = e ? e : ENOEXEC;
		return -1;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Where a path's file would go: its directory ("." for a bare name). */
static const char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return ".";
	return slash == path ? "/" : arena_strndup(path, (size_t)(slash - path));
}

int check_output(const char *out)
{
	struct stat st;
	if (stat(out, &st) == 0 && S_ISDIR(st.st_mode)) {
		cmd_error("cannot write the simulator to '%s': it is a directory", out);
		return 2;
	}
	const char *dir = dir_of(out);
	if (access(dir, W_OK | X_OK)) {
		cmd_error("cannot write the simulator to '%s': %s%s", out,
			strerror(errno), errno == ENOENT ? " (the directory does not exist)" : "");
		return 2;
	}
	return 0;
}

int check_cc(const char *cc)
{
	if (strchr(cc, '/') ? access(cc, X_OK) == 0 : on_path(cc))
		return 0;
	cmd_error("cannot run the C compiler '%s': %s", cc,
		strchr(cc, '/') ? strerror(errno) : "not found on PATH");
	return 2;
}

static void show_log(const char *log)
{
	size_t len;
	char *text = read_file(log, &len);
	if (!text)
		return;
	int lines = 0;
	for (char *p = text; *p && lines < 20; p++) {
		fputc(*p, stderr);
		lines += *p == '\n';
	}
}

int build_binary(const char *c_path, const BuildOptions *bo)
{
	const char *lib = runtime_dir("lib"), *inc = runtime_dir("include");
	const char *cc = bo->cc ? bo->cc : default_cc();
	Vec *args = vec_new();
	vec_push(args, (void *)cc);
	vec_push(args, "-std=c11");
	vec_push(args, arena_printf("-O%d", bo->opt));
	if (bo->opt >= 2)
		vec_push(args, "-march=native");
	vec_push(args, "-fno-math-errno");
	/* deeply nested expressions (lets are expanded inline) */
	if (strstr(cc, "clang"))
		vec_push(args, "-fbracket-depth=100000");
	vec_push(args, "-w");
	vec_push(args, "-gdwarf-4");
	vec_push(args, arena_printf("-I%s", inc));
	vec_push(args, (void *)c_path);
	vec_push(args, arena_printf("%s/snn_main.o", lib));
	vec_push(args, arena_printf("%s/libsnnrt.a", lib));
	vec_push(args, "-lm");
	vec_push(args, "-o");
	vec_push(args, (void *)bo->out);
	/* extra flags for the sanitizer build of the test suite */
	const char *extra = getenv("SNNC_CFLAGS");
	if (extra && *extra) {
		char *e = arena_strdup(extra);
		for (char *w = strtok(e, " "); w; w = strtok(NULL, " "))
			vec_push(args, w);
	}
	vec_push(args, NULL);
	const char *log = arena_printf("%s.cc.log", bo->out);
	int exec_err;
	int st = run((char **)args->items, log, &exec_err);
	if (exec_err) {
		cmd_error("cannot run the C compiler '%s': %s", cc, strerror(exec_err));
		unlink(log);
		return 2;
	}
	if (st != 0) {
		fprintf(stderr, "snnc: internal error: the C compiler (%s) failed on the generated "
			"code; please report this with the model. Its first messages:\n", cc);
		show_log(log);
		unlink(log);
		return 3;
	}
	unlink(log);
	return 0;
}
