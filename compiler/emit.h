/*
 * emit.h — the back end's printers, shared by emit*.c (not a stage API:
 * snnc.h has emit_c()).
 *
 *   emit.c          emit_c(): the file's sections, in order, and #line fix-up
 *   emit_print.c    the printer: lines, blocks, captured bodies, kernel
 *                   locals, #line, source comments, C literals
 *   emit_expr.c     C expressions of a context; lets computed once as locals
 *   emit_kernels.c  the kernels of the schedule and model_step
 *   emit_setup.c    structs, defaults, setup, update, descriptor tables
 *
 * Every identifier derived from a user's name comes from the layout (Slot
 * fields and locals) or from c_name(); the printers only choose where.
 */
#ifndef SNNC_EMIT_H
#define SNNC_EMIT_H

#include "snnc.h"

/* ---------------------------------------------------------- emit_print.c */
typedef struct Printer {
	FILE *f;               /* current stream */
	int indent;
	bool lines;            /* #line directives */
	bool single;           /* precision = single */
	const char *cname;     /* the C file's name, for #line back into it */
} Printer;
extern Printer PR;
extern Network *NET;
extern Layout *LAY;
extern Schedule *SCHED;

void ln(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void blank(void);
void open_block(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void close_block(void);
void else_block(void);              /* "} else {" */
/* Capture what is printed until capture_end() (same indentation); the text
 * is then put where it belongs with put_text(). */
void capture_begin(void);
char *capture_end(void);
void put_text(const char *text);
/* A string printed by a printing function into an arena string. */
const char *to_text(void (*print)(FILE *, const void *), const void *arg);

/* Kernel locals: candidate declarations, printed only when the body (or a
 * kept declaration) mentions the name they declare. */
typedef struct Locals Locals;
Locals *locals_new(void);
void local(Locals *l, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Print the kept declarations of l for `body`, then body. */
void put_with_locals(Locals *l, const char *body);
/* `head {`, the locals of l that body() uses, what body(arg) prints, `}`. */
typedef void (*BodyFn)(const void *arg);
void block_with(const char *head, Locals *l, BodyFn body, const void *arg);
/* The C names of an owner's struct type and of its field in model_t. */
const char *pop_type(const Pop *p);
const char *pop_field(const Pop *p);
const char *conn_type(const Conn *c);
const char *conn_field(const Conn *c);
bool mentions(const char *text, const char *name);

/* Forget what the printer keeps between calls (line indexes of sources). */
void printer_reset(void);
/* #line to a source location; back to the C file (fixed up at the end). */
void src_line(Loc loc);
void back_to_c(void);
/* "/ * what source text * /" for a location on one line. */
void comment(Loc loc, const char *what);
const char *c_string(const char *s);
void c_number(FILE *f, double v, bool single);

/* ----------------------------------------------------------- emit_expr.c */
typedef enum { MODE_ARRAY, MODE_STAGE, MODE_STRUCT } Mode;
typedef enum { STG_S, STG_Y2, STG_Y3, STG_Y4, STG_NEW, STG_COUNT } Stage;
typedef struct LetCache LetCache;

typedef struct Ctx {
	const Pop *pop;        /* a neuron population's kernel, or NULL */
	const Conn *conn;      /* a connection's kernel, or NULL */
	const Model *m;        /* own model */
	Mode mode;
	Stage stage;           /* MODE_STAGE: which stage values ODE states read */
	const char *time;      /* C expression of t */
	const char *elem;      /* own element index */
	const char *step;      /* C expression of the step for random draws */
	int stream_owner;      /* RNG stream block of the owner */
	const char *obj;       /* MODE_STRUCT: the owner's struct pointer ("pp", "cc") */
	bool dbl;              /* compute in double (MODE_STRUCT: params, propagators) */
	Side side;             /* side of plain names (a let of pre./post. evaluated) */
	LetCache *lets;        /* lets as locals; NULL: lets inline */
} Ctx;

Ctx pop_ctx(const Pop *p, Mode mode);
Ctx conn_ctx(const Conn *c, Mode mode);
Ctx struct_ctx(const Pop *p, const Conn *c);
const char *cx(const Expr *e, const Ctx *c);       /* value */
const char *ccond(const Expr *e, const Ctx *c);    /* C truth value */
const char *stage_name(Stage s, const char *name); /* s_v, y2_v, ..., n_v */
const char *math_fn(FnId f, bool single);
const char *real_type(const Ctx *c);               /* "real" or "double" */

/* Lets as values: before printing an expression, compute_lets() prints the
 * lets it reads (and theirs, in dependency order) that have no valid local
 * yet; after a statement writes a variable, lets_written() drops the locals
 * that read it.  Scopes follow the printed blocks. */
LetCache *lets_new(void);
void compute_lets(Ctx *c, const Expr *e);
void lets_written(Ctx *c, const Var *v);
void lets_open(Ctx *c);
void lets_close(Ctx *c);
void clip_delay(const Conn *c, const Var *v, const char *lvalue);

/* -------------------------------------------------------- emit_kernels.c */
void emit_kernels(void);
void emit_let_evaluators(void);
void emit_model_step(void);
/* A statement list of a block (tick, reset, on pre, initial values). */
void emit_stmts(Vec *body, Ctx *c, bool in_reset);

/* ---------------------------------------------------------- emit_setup.c */
void emit_prelude(Unit *u);
void emit_structs(void);
void emit_defaults(void);
void emit_setup(void);
void emit_update(void);
void emit_tables(void);
void emit_model_desc(void);
/* Kernel locals of a population / connection, from its slots. */
void pop_locals(Locals *l, const Pop *p, Side side, const char *obj, bool restrict_);
void common_locals(Locals *l);

#endif
