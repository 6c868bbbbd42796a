/*
 * snnc.h — the one header of the compiler.  Each section lists the API of
 * one stage (one file or two); the driver (main.c) calls them in order:
 *
 *   parse (grammar/lexer.l, grammar/parser.y, ast.c)
 *   -> resolve (resolve.c: names, kinds, the model and network IR)
 *   -> dims (dims.c: dimension inference and checks)
 *   -> lower (lower.c: ODE systems to integration schemes; deriv.c)
 *   -> emit (emit.c: C text)  -> cc (cc.c: run the C compiler, cache)
 *
 * Memory: everything the compiler allocates comes from one arena freed at
 * exit (or never: the process is short-lived).  User errors go through
 * error_at() and friends (exit status 1 at the end of the stage); broken
 * invariants through die() (exit status 3).
 */
#ifndef SNNC_H
#define SNNC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../runtime/snn_rt.h"

#define SNNC_VERSION SNN_VERSION

/* ---------------------------------------------------------------- util.c */
void *arena_alloc(size_t n);                 /* zeroed, never NULL */
/* Free everything the arena gave out: every pointer into it dies (a new
 * compilation in the same process, after diag_reset()). */
void arena_reset(void);
char *arena_strdup(const char *s);
char *arena_strndup(const char *s, size_t n);
char *arena_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *arena_vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* A number for messages: %g, or "NaN", "inf", "-inf" (not "-nan"). */
const char *num_str(double v);

typedef struct {
	void **items;
	int n, cap;
} Vec;
Vec *vec_new(void);
void vec_push(Vec *v, void *item);
#define VEC_EACH(T, x, vec) \
	for (int x##_i = 0; (vec) && x##_i < (vec)->n; x##_i++) \
		for (T x = (T)(vec)->items[x##_i]; x; x = NULL)

/* Maps from strings (keys are not copied) to pointers; NULL: absent. */
typedef struct Map Map;
Map *map_new(void);
void *map_get(const Map *m, const char *key);   /* m may be NULL */
void map_put(Map *m, const char *key, void *val);

/* Source files larger than this are refused (a model is text). */
#define SNNC_MAX_FILE (64 << 20)
/* Read a whole regular file; NULL if it cannot be read, is not a regular
 * file or is larger than SNNC_MAX_FILE: read_file_error() says why. */
char *read_file(const char *path, size_t *len);
const char *read_file_error(void);

/* ---------------------------------------------------------------- diag.c */
typedef struct SrcFile {
	const char *path;        /* as given or resolved relative to the importer */
	const char *text;        /* NUL-terminated contents */
	size_t len;
} SrcFile;

typedef struct Loc {
	int first_line, first_column;   /* 1-based */
	int last_line, last_column;
	const SrcFile *file;
} Loc;

/* "FILE:LINE:COL: error: MSG", the source line, a caret; counts errors. */
void error_at(Loc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void note_at(Loc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "FILE: error: MSG" where no place applies. */
void error_file(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int error_count(void);
/* "snnc: error: MSG" on stderr (a command-line or environment error; the
 * caller exits 2), control bytes escaped like every diagnostic. */
void cmd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Internal error: calls the fatal handler with the message; by default
 * "snnc: internal error: MSG" on stderr and exit status 3. */
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Replace the default handler (NULL restores it).  die() exits with status 3
 * as the default does if the handler returns. */
typedef void (*DiagFatal)(const char *msg);
void diag_set_fatal(DiagFatal handler);
/* Diagnostics go to this stream (stderr by default; tests redirect). */
void diag_set_stream(FILE *f);
/* Zero the error count and forget what was reported: a new compilation in
 * the same process.  Before arena_reset(). */
void diag_reset(void);

/* ---------------------------------------------------------------- ast.c
 * Expressions, statements, model members, network items and declarations.
 * Grammar actions only call the new_* constructors below. */
typedef enum {
	EX_NUM,       /* num */
	EX_QTY,       /* num name: a number directly followed by a unit name */
	EX_NAME,      /* name */
	EX_DERIV,     /* dNAME/dt inside an expression (name = "NAME"): means dNAME / dt */
	EX_MEMBER,    /* lhs.name: pre.x, post.x, P.x, P.spikes */
	EX_PRE,       /* the keyword `pre` as the base of a member access */
	EX_POST,      /* the keyword `post` as the base of a member access */
	EX_SLICE,     /* lhs[a:b] (a, b) */
	EX_UNARY,     /* op: '-', '+', '!' (not) */
	EX_BINARY,    /* op: see BinOp */
	EX_COND,      /* a ? b : c */
	EX_CALL,      /* name(args) ; named arguments are EX_ARG */
	EX_ARG,       /* name = a (a named argument in a call or connect) */
	EX_STRING,    /* str */
	EX_LIST,      /* [args] */
} ExprKind;

typedef enum {
	OP_ADD = '+', OP_SUB = '-', OP_MUL = '*', OP_DIV = '/', OP_POW = '^',
	OP_LT = '<', OP_GT = '>', OP_LE = 256, OP_GE, OP_EQ, OP_NE, OP_AND, OP_OR,
	OP_NOT = '!', OP_NEG = 'n', OP_PLUS = 'p',
} BinOp;

struct Var;

typedef struct Expr {
	ExprKind kind;
	Loc loc;
	int op;                /* EX_UNARY, EX_BINARY */
	double num;            /* EX_NUM, EX_QTY (as written, before the unit) */
	const char *name;      /* EX_QTY unit, EX_NAME, EX_DERIV, EX_MEMBER, EX_CALL, EX_ARG */
	const char *str;       /* EX_STRING (unescaped) */
	struct Expr *a, *b, *c;   /* operands; EX_MEMBER: a = base; EX_SLICE: a = base, b, c */
	Vec *args;             /* EX_CALL, EX_LIST: Expr* */
	/* filled by resolve: */
	struct Var *var;       /* EX_NAME, EX_MEMBER bound to a variable */
	int builtin;           /* EX_NAME builtin (BI_*), EX_CALL function (FN_*) */
	int site;              /* EX_CALL rand/randn: draw-site number (RNG stream) */
	int side;              /* EX_MEMBER in a synapse: 0 own, 1 pre, 2 post */
	/* filled by dims: */
	snn_dim dim;
	bool has_dim;
	int depth;             /* nesting depth of the tree (1: a leaf); see EXPR_MAX_DEPTH */
} Expr;

typedef enum { ST_ASSIGN, ST_IF } StmtKind;
typedef struct Stmt {
	StmtKind kind;
	Loc loc;
	int op;                /* ST_ASSIGN: '=', '+', '-', '*' */
	Expr *target;          /* ST_ASSIGN: EX_NAME or EX_MEMBER */
	Expr *value;           /* ST_ASSIGN value, ST_IF condition */
	Vec *then_, *else_;    /* ST_IF: Stmt* (else_ may be NULL) */
	int depth;             /* nesting depth, its expressions included */
} Stmt;

/* A declared name inside a param/state/input/... comma list or a network
 * `pop` init block: name [: annot] [= init] */
typedef struct Decl {
	Loc loc;
	const char *name;
	Expr *annot;           /* unit expression after ':' or NULL */
	Expr *init;            /* value after '=' or NULL */
} Decl;

typedef enum {
	MB_PARAM, MB_STATE, MB_PRE_STATE, MB_POST_STATE, MB_LET, MB_INPUT,
	MB_ODE,          /* coef (may be NULL), name = state, value = rhs */
	MB_ON,           /* event: "tick", "pre", "post"; body */
	MB_SPIKE,        /* value = condition */
	MB_RESET,        /* body */
	MB_REFRACTORY,   /* value */
	MB_METHOD,       /* name */
	MB_MODULATOR,    /* decls (names only) */
	MB_PRE_MODULATOR,  /* decls (names only): one element per pre neuron */
	MB_REDUCE,       /* name: sum, mean, max */
} MemberKind;

typedef struct Member {
	MemberKind kind;
	Loc loc;
	Vec *decls;            /* Decl*: PARAM, STATE, PRE/POST_STATE, LET, INPUT, MODULATOR */
	const char *name;      /* ODE state, METHOD name, REDUCE name, ON event */
	Loc name_loc;
	Expr *coef;            /* ODE coefficient or NULL */
	Expr *value;           /* ODE rhs, SPIKE condition, REFRACTORY period */
	Vec *body;             /* Stmt*: ON, RESET */
} Member;

typedef enum {
	NI_SETTING,      /* name = value : dt, method, seed, precision, batch */
	NI_GLOBAL,       /* decls */
	NI_POP,          /* name = value (EX_CALL: Model(N, args) or generator) { inits } */
	NI_LET,          /* name = value (EX_SLICE) */
	NI_CONNECT,      /* pre -> post : call [as name] { binds } */
	NI_ON,           /* on tick { body } */
	NI_RECORD,       /* target [every value2] */
	NI_RUN,          /* value */
} NetItemKind;

typedef struct NetItem {
	NetItemKind kind;
	Loc loc;
	const char *name;      /* SETTING, POP, LET, CONNECT `as` name (or NULL) */
	Loc name_loc;
	Expr *value;           /* SETTING/POP/LET/RUN value; CONNECT synapse call; RECORD target */
	Expr *value2;          /* RECORD every period */
	Expr *pre, *post;      /* CONNECT */
	Vec *decls;            /* GLOBAL decls; POP / CONNECT init block: Decl* (name = init) */
	Vec *body;             /* ON: Stmt* */
	const char *event;     /* ON: "tick" */
} NetItem;

typedef enum { TD_NEURON, TD_SYNAPSE, TD_NETWORK, TD_IMPORT } TopKind;
typedef struct TopDecl {
	TopKind kind;
	Loc loc;
	const char *name;      /* model / network name, or the import path */
	Loc name_loc;
	Vec *members;          /* Member* (neuron, synapse) or NetItem* (network) */
} TopDecl;

typedef struct Program {
	Vec *decls;            /* TopDecl*, imports expanded in place by parse_program */
} Program;

Expr *new_num(Loc l, double v);
Expr *new_qty(Loc l, double v, const char *unit);
Expr *new_name(Loc l, const char *name);
Expr *new_deriv(Loc l, const char *state);
Expr *new_member(Loc l, Expr *base, const char *name);
Expr *new_prepost(Loc l, ExprKind pre_or_post);
Expr *new_slice(Loc l, Expr *base, Expr *lo, Expr *hi);
Expr *new_unary(Loc l, int op, Expr *a);
Expr *new_binary(Loc l, int op, Expr *a, Expr *b);
Expr *new_cond(Loc l, Expr *c, Expr *a, Expr *b);
Expr *new_call(Loc l, const char *name, Vec *args);
Expr *new_arg(Loc l, const char *name, Expr *value);
Expr *new_string(Loc l, const char *s);
Expr *new_list(Loc l, Vec *items);
Stmt *new_assign(Loc l, int op, Expr *target, Expr *value);
Stmt *new_if(Loc l, Expr *cond, Vec *then_, Vec *else_);
Decl *new_decl(Loc l, const char *name, Expr *annot, Expr *init);
Member *new_member_decls(Loc l, MemberKind k, Vec *decls);
Member *new_member_ode(Loc l, Expr *coef, const char *state, Loc state_loc, Expr *rhs);
Member *new_member_on(Loc l, const char *event, Vec *body);
Member *new_member_expr(Loc l, MemberKind k, Expr *value);
Member *new_member_name(Loc l, MemberKind k, const char *name, Loc name_loc);
Member *new_member_body(Loc l, MemberKind k, Vec *body);
NetItem *new_netitem(Loc l, NetItemKind k);
TopDecl *new_topdecl(Loc l, TopKind k, const char *name, Loc name_loc, Vec *members);

/* The constructors report an error when an expression or statement nests
 * deeper than this: it keeps the compiler's recursion bounded and the
 * generated C within the C compilers' limits (clang: 256 brackets). */
#define EXPR_MAX_DEPTH 200
/* The parser turns the check on while it builds trees (parse.c); nodes built
 * by later stages are not checked. */
void ast_check_depth(bool on);

/* Is pred true of some node of e (e itself, then its operands and
 * arguments, depth first, stopping at the first)?  Every walk over an
 * expression's nodes goes through this. */
bool expr_any(const Expr *e, bool (*pred)(const Expr *, void *), void *arg);
/* Deep copy of an expression (resolution fields copied too). */
Expr *expr_copy(const Expr *e);
/* Print an expression in source syntax (fully parenthesised where needed). */
void expr_print(FILE *f, const Expr *e);
/* --dump=ast */
void ast_dump(FILE *f, const Program *p);

/* ---------------------------------------------------------------- parse.c
 * Parse a file and, recursively, the files it imports (each once; a cycle is
 * an error).  Returns NULL after reporting errors. */
Program *parse_file(const char *path);
/* Parse text held in memory (tests); imports are relative to `path`. */
Program *parse_string(const char *path, const char *text);

/* ---------------------------------------------------------------- units.c
 * Dimensions of the compiler; the unit table itself is the runtime's
 * (runtime/units.def), so `--set` at run time reads the same units. */
typedef snn_dim Dim;
extern const Dim DIM_ONE, DIM_TIME, DIM_VOLT;
/* Exponents of a valid dimension are finite and at most this in magnitude
 * (`(1 mV)^1e10` is refused where it is written). */
#define DIM_MAX_EXP 1000
bool dim_valid(Dim d);
bool dim_eq(Dim a, Dim b);                    /* false if either is not valid */
const char *dim_str(Dim d);                   /* arena string, "volt/second" */

/* ---------------------------------------------------------------- builtins
 * Built-in functions (builtins.def): Expr.builtin of a resolved EX_CALL. */
typedef enum { DR_SAME, DR_KEEP, DR_PURE, DR_SIGN, DR_SQRT, DR_POW, DR_RAND, DR_GRAD, DR_REDUCE } DimRule;
typedef enum { DV_CHAIN, DV_FLAT, DV_SELECT, DV_POW, DV_RANDOM, DV_SUM, DV_GRAD } DerivRule;
typedef enum { EL_PURE, EL_DRAW, EL_REDUCE } ElemRule;
typedef enum {
	FN_NONE = 0,
#define X(id, name, lo, hi, rule, dv, el, c, cf) id,
#include "builtins.def"
#undef X
	FN_COUNT
} FnId;
typedef struct {
	const char *name;
	int min_args, max_args;
	DimRule rule;
	DerivRule deriv;
	ElemRule elem;
	const char *c, *c_single;    /* C spelling for real = double / float */
} FnInfo;
extern const FnInfo fn_table[FN_COUNT];     /* indexed by FnId (util.c) */
/* The value of an EL_PURE function at constant arguments (x[0..n-1], SI). */
double fn_fold(FnId f, const double *x);
FnId fn_lookup(const char *name);           /* FN_NONE if not a built-in function */

/* ---------------------------------------------------------------- resolve.c
 * The model IR. */
typedef enum {
	VK_PARAM, VK_STATE, VK_PRE_STATE, VK_POST_STATE, VK_LET, VK_INPUT,
	VK_BUILTIN, VK_MODULATOR, VK_GLOBAL, VK_UNIT,
} VarKind;

/* Built-in names readable in models (names.def) */
typedef enum { BW_ANY, BW_NEURON } BuiltinWhere;
typedef enum {
	BI_NONE = 0,
#define X(id, name, where, elem) id,
#include "names.def"
#undef X
	BI_COUNT
} Builtin;
typedef struct { const char *name; BuiltinWhere where; bool per_element; } BuiltinInfo;
extern const BuiltinInfo bi_table[BI_COUNT];   /* util.c */
Builtin builtin_lookup(const char *name);      /* BI_NONE if not a built-in name */

typedef struct Var {
	const char *name;
	VarKind kind;
	Builtin builtin;       /* VK_BUILTIN */
	Loc loc;
	Decl *decl;            /* declaration (annot, init), NULL for built-ins */
	Dim dim;
	bool dim_known;        /* set by dims */
	int index;             /* position among the model's vars of this kind */
	struct Model *model;   /* owner */
	/* VK_STATE with an ODE */
	Member *ode;
	bool held;             /* assigned in reset: held while refractory */
	bool assigned;         /* assigned by some statement */
	double unit_factor;    /* VK_UNIT */
	double init_value;     /* VK_GLOBAL: its initial value (SI), a constant */
	struct NetRead *nread; /* VK_GLOBAL: a value the network's on tick reads (sum(P.x), Img.index) */
	/* VK_PRE_STATE / VK_POST_STATE decayed lazily (lower.c, lazy_trace):
	 * dx/dt = lazy_rate * x with a rate constant over the run, integrated
	 * under lazy_scheme; NULL: clock-driven */
	Expr *lazy_rate;
	int lazy_scheme;       /* Scheme */
	/* VK_MODULATOR, per connection: what the network binds it to, a global
	 * or a variable of a group with one element per post (pre) neuron */
	bool pre_mod;          /* `pre modulator` */
	struct Var *bind_global;
	struct Group *bind_group;
	struct Var *bind_var;
	Expr *bind_expr;       /* the binding's value, for dims and messages */
	/* lets (deriv.c, memoised): every variable read through the let, lets
	 * included, and whether a random draw is */
	Vec *deps;
	bool deps_random;
	unsigned mark;         /* scratch for set building (deriv.c) */
	double size_memo;      /* expanded_size() scratch */
	unsigned size_epoch;
	/* set by dims: */
	int visit;             /* 1 + position on dims' inference stack; 0 when off it */
	int let_depth;         /* VK_LET: longest chain of lets it reads, itself included */
	int expand_depth;      /* VK_LET: depth of its expression with lets expanded */
	/* set by resolve: */
	signed char per_elem;  /* VK_LET: 0 not yet known, 1 being computed, 2 no, 3 yes */
} Var;

/* A let's expression, with the lets it reads expanded inline, nests at most
 * this deep; deeper is "model too deep to compile" at the let (dims.c).
 * The front end itself has no limit (it follows let chains with explicit
 * stacks); this one keeps the stages that expand lets recursively (deriv.c:
 * expand_lets, deriv, depends_on guard at 10 000, and an ODE adds a few
 * levels) from their "internal error".  A chain `Lk = Lk-1 + c` adds two
 * levels per let: about 4500 such lets. */
#define LET_EXPAND_MAX 9000

typedef struct Model {
	const char *name;
	bool synapse;
	Loc loc;
	TopDecl *decl;
	Vec *vars;             /* Var*, in declaration order (built-ins not included) */
	Vec *odes;             /* Member* (MB_ODE), in source order */
	Vec *on_tick, *on_pre, *on_post, *reset;  /* Stmt* (concatenated blocks) */
	Expr *spike;           /* spike when */
	Expr *refractory;
	const char *method;    /* NULL: the network's */
	Loc method_loc;
	Map *var_map;          /* name -> Var* of vars (resolve) */
	int nsites;            /* number of rand()/randn()/xi draw sites */
	bool uses_xi;
	struct Lowered *low;   /* set by lower */
	/* a synapse (per connection): the ODEs of its pre states and of its
	 * post states, each one system integrated per neuron (set by lower) */
	Vec *odes_pre, *odes_post, *odes_syn;   /* Member*; _syn: per-synapse states */
	struct Lowered *low_pre, *low_post, *low_syn;
} Model;

typedef enum { POP_NEURON, POP_POISSON, POP_SPIKES, POP_FROM_FILE } PopKind;

/* An override or initial value given at a pop or connect. */
typedef struct Init {
	Var *var;
	Expr *value;
	Loc loc;
} Init;

typedef struct Pop {
	const char *name;
	Loc loc;
	PopKind kind;
	Model *model;          /* POP_NEURON */
	int64_t n;             /* size (from_file: 0 until run time) */
	Vec *inits;            /* Init*: state initial values and param overrides */
	int index;
	/* generators */
	Expr *rate;            /* poisson */
	Vec *times, *index_list;  /* spikes: Expr* */
	const char *path;      /* from_file, resolved relative to the model file */
	Expr *present;
	int ff_mode;           /* SNN_FF_RATES, SNN_FF_VALUES */
	const char *cname;
} Pop;

/* A population or a slice of one */
typedef struct Group {
	const char *name;      /* the slice's own name, or the population's */
	Pop *pop;
	int64_t lo, hi;        /* [lo, hi) in pop; hi = -1: whole */
	Loc loc;
} Group;

typedef struct Conn {
	const char *name;
	Loc loc;
	Group pre, post;
	Model *syn;
	int kind;              /* SNN_CONN_* */
	Expr *p;               /* SNN_CONN_P */
	int64_t fan_in;
	const char *weights, *mask;   /* paths resolved relative to the model file */
	Expr *delay;           /* NULL: 0 */
	bool hetero_delay;     /* delay varies per synapse (true for learned delays) */
	Var *ldelay;           /* the synapse's `state delay` (learned delays), or NULL */
	Expr *max_delay;       /* max_delay = E, or NULL */
	double max_delay_s;    /* its value in seconds (a constant, >= 0) */
	Vec *inits;            /* Init*: synapse params/states */
	Vec *binds;            /* modulator bindings (later issue) */
	int index;
	const char *cname;
} Conn;

typedef struct Record {
	Loc loc;
	const char *stem;      /* output file stem */
	Group group;           /* population/slice */
	Conn *conn;            /* or a connection */
	Var *var;              /* NULL: spikes */
	Builtin builtin;       /* t_last, spiked */
	int64_t i0, i1;        /* element range relative to the group; i1 = -1: all */
	double every;          /* seconds; 0: dt */
	Loc every_loc;
} Record;

/* What the network's on tick reads of populations, computed once at the
 * start of its kernel (its statements write only globals, which these do
 * not read): reductions over the elements of a group, in element order, and
 * a from_file generator's current row. */
typedef enum { NR_SUM, NR_MEAN, NR_MAX, NR_ANY, NR_COUNT, NR_INDEX } NetReadOp;
typedef struct NetRead {
	NetReadOp op;
	Group group;           /* the population or slice */
	struct Var *x;         /* its state or input; NULL: spiked (NR_INDEX: none) */
	int index;             /* in Network.net_reads: the kernel's local nr_K */
	Loc loc;
} NetRead;

typedef struct Network {
	const char *name;
	Loc loc;
	double dt;
	const char *method;
	Loc method_loc;
	uint64_t seed;
	bool single;
	bool has_run;
	int64_t batch;
	double duration;
	Vec *pops, *groups, *conns, *records;   /* Pop*, Group*, Conn*, Record* */
	Map *group_map, *conn_map;   /* name -> Group*, Conn* */
	const char *source;    /* the model file's path */
	Vec *globals;          /* Var* (VK_GLOBAL), in declaration order; index = position */
	Map *global_map;       /* name -> Var* */
	Vec *on_tick;          /* Stmt*: the network's on tick (assigns globals only) */
	Vec *net_reads;        /* NetRead*, in order of appearance in on_tick */
} Network;

typedef struct Unit {
	Program *prog;
	Vec *models;           /* Model* */
	Map *model_map;        /* name -> Model* */
	Network *net;          /* NULL for a library */
	const char *path;
	struct Layout *layout; /* set by lower (networks only) */
	bool no_lazy;          /* --no-lazy-traces: every trace clock-driven (set before lower) */
	struct Schedule *sched;
} Unit;

Unit *resolve(Program *p, const char *path);
Model *find_model(Unit *u, const char *name);
Var *model_var(const Model *m, const char *name);
bool has_random(const Expr *e);           /* contains rand() or randn() */

/* ---------------------------------------------------------------- dims.c */
/* Infer and check dimensions of every model and the network.  Returns false
 * after reporting errors. */
bool check_dims(Unit *u);
Dim dim_of(Expr *e);       /* after check_dims */
/* Evaluate a constant expression (numbers, quantities, units, params with
 * constant values not allowed: literals only, + - * / ^, unary, built-in
 * pure functions).  Returns false (and reports nothing) if e is not
 * constant.  *value in SI, *dim its dimension. */
bool const_eval(const Expr *e, double *value, Dim *dim);

/* ---------------------------------------------------------------- deriv.c
 * Symbolic algebra on resolved expressions (lets must be expanded first). */
Expr *expand_lets(Expr *e);               /* copy with every let replaced */
/* copy with the lets that read one of `vars` (Var*) replaced, recursively;
 * the other lets stay names (deriv() sees through them as constants) */
Expr *expand_lets_reading(const Expr *e, const Vec *vars);
Vec *let_dependencies(Var *let);
/* nodes of expand_lets_reading(e, vars), without building it */
double expanded_size(const Expr *e, const Vec *vars);          /* every Var read through it (memoised) */
bool reads_builtin(const Expr *e, Builtin b);   /* through lets */
bool reads_random(const Expr *e);         /* a rand()/randn() draw, through lets */
Expr *deriv(const Expr *e, const Var *x); /* d e / d x, simplified */
Expr *simplify(Expr *e);                  /* constant folding, 0/1 rules */
bool depends_on(const Expr *e, const Var *x);
bool depends_on_kind(const Expr *e, VarKind k);
bool is_zero(const Expr *e);

/* ---------------------------------------------------------------- lower.c
 * How each neuron model's ODE system is integrated.  One Lowered per model
 * (the scheme comes from the model's `method` or the network's). */
typedef enum { SCH_EULER, SCH_RK2, SCH_RK4, SCH_EXPEULER, SCH_EXACT } Scheme;
typedef struct Lowered {
	Scheme scheme;
	int n;                 /* states with an ODE */
	Var **x;               /* [n] those states, in ODE order */
	Member **ode;          /* [n] */
	Expr **f;              /* [n] dx/dt, coefficient divided out, lets as names */
	/* euler with xi: f = fdet + g * xi (lets reading xi expanded) */
	Expr **fdet, **g;      /* [n]; g[i] NULL when ODE i has no xi */
	/* exponential_euler: f = A x + B per ODE (A, B may read other states);
	 * exact below: lets reading the states expanded, the others names */
	Expr **A1, **B1;       /* [n] */
	/* exact: dx/dt = A x + b jointly; A[i*n+j] constant within a step */
	Expr **A, **b;         /* [n*n], [n] */
	bool *reach;           /* [n*n]: Phi[i][j] may be nonzero */
	bool a_per_element;    /* A reads inputs: 1-D only, exponential per element */
} Lowered;
bool lower(Unit *u);
Lowered *lowered(const Model *m);
/* The once-per-spike rule (LANGUAGE.md §3): does a statement of a block
 * whose own side is `trace` (VK_PRE_STATE for on pre, VK_POST_STATE for on
 * post) assign only that side's traces, so that it runs once per neuron? */
bool stmt_per_neuron(const Stmt *st, VarKind trace);
Expr *subst(const Expr *e, const Var *x, const Expr *by);   /* copy with x replaced */
/* Does a statement list read or write x (through lets, conditions included)? */
bool stmts_touch(const Vec *body, const Var *x);
/* Lazy trace decay (DESIGN.md "Lazy traces"): is this pre / post state
 * decayed at the events that touch it instead of every step? */
bool lazy_trace(const Var *x);
extern const char *scheme_names[];

/* ---------------------------------------------------------------- layout.c
 * Where every variable of the network lives and what it is called: one
 * Slot per stored or named variable (populations, connections, later the
 * network), built once after lowering.  Every generated identifier comes
 * from c_name(), whose mangling is injective by construction (layout.c says
 * why); the printers never build a name from a user's name by hand. */
typedef enum { OWN_POP, OWN_CONN, OWN_NET } OwnerKind;     /* = SNN_OWN_* */
typedef enum {
	CNT_ONE,             /* one value per owner */
	CNT_ELEMS,           /* one per element of the owner population */
	CNT_PRE, CNT_POST,   /* one per neuron of a connection's pre / post population */
	CNT_SYN,             /* one per synapse */
	CNT_DENSE,           /* a dense pre x post matrix */
} CountKind;
typedef enum {
	SL_STATE, SL_INPUT, SL_PARAM, SL_LET,
	SL_T_LAST, SL_SPIKED,        /* the runtime's per-neuron arrays */
	SL_REF_UNTIL, SL_REF_BASE,   /* refractoriness */
	SL_PROPAGATOR,               /* exact: Phi, Psi (derived from params) */
	SL_RATE,                     /* a poisson generator's rate (a param) */
	SL_GEN,                      /* a generator's runtime object */
	SL_SIZE,                     /* n of a population, nsyn of a connection */
	SL_DELAY, SL_QUEUE,          /* a connection's delays and spike queue */
	SL_TRACE,                    /* a connection's pre/post state: one per pre/post neuron */
	SL_PROP_PRE, SL_PROP_POST,   /* exact: propagators of a connection's traces */
	SL_PROP_SYN,                 /* exact: propagator of its per-synapse states */
	SL_GLOBAL,                   /* a network global: one double in model_t */
	SL_MODULATOR,                /* a synapse's modulator: no storage, reads what it is bound to */
	SL_STAMP,                    /* a lazy trace's per-neuron step stamp: the steps its value includes */
	SL_DECAY,                    /* a lazy trace's decay factor over one step (derived from params) */
} SlotKind;
typedef enum { CK_NONE, CK_SAVE, CK_REBUILT } CkptKind;
typedef enum { SIDE_OWN, SIDE_PRE, SIDE_POST } Side;

typedef struct Slot {
	SlotKind kind;
	const char *name;        /* as the user sees it: "v", "t_last", "rate"; internal: "ref_until" */
	OwnerKind owner;
	int owner_index;         /* population or connection index */
	Pop *pop;                /* OWN_POP */
	Conn *conn;              /* OWN_CONN */
	Var *var;                /* the IR variable, NULL for internal slots */
	CountKind count;
	int64_t batch;           /* copies of the state (1: no batch) */
	bool array;              /* a pointer field to `count` elements, else a scalar field */
	const char *ctype;       /* element type in C: "real", "double", "int32_t", ... */
	const char *field;       /* field in the owner's struct */
	const char *field_next;  /* inputs: the buffer added to during the step */
	const char *local[3];    /* name as a kernel local, by Side (NULL: not readable there) */
	const char *local_next[3];
	bool held;               /* held while refractory */
	bool connected;          /* an input some connection writes: its buffers swap */
	CkptKind ckpt;           /* what a checkpoint does with it */
	const char *buf_count;   /* SNN_BUF_* of its checkpoint row */
	int row;                 /* index in the descriptor table vars[] (get/set, --set,
	                            monitors, meta.json), -1 if not there */
	const char *row_kind;    /* SNN_VK_* */
	const char *eval;        /* lets: the monitor's evaluator function */
	struct Slot *stamp, *decay;  /* a lazy trace: its SL_STAMP and SL_DECAY slots */
} Slot;

typedef struct Layout {
	Vec *slots;              /* Slot*, owners in order, each owner's in declaration order */
	Slot ***pop_var;         /* [pop][var index]: the slot of a model variable */
	Slot ***conn_var;        /* [conn][var index] */
	Slot **pop_internal[SL_PROP_SYN + 1];   /* [kind][pop]: internal slots, NULL if none */
	Slot **conn_internal[SL_PROP_SYN + 1];  /* [kind][conn] */
	Slot **global;           /* [global index] */
	int nrows;
} Layout;

/* Name categories.  User-derived names are prefix + name (+ suffix); the
 * prefixes of one C namespace are prefix-free and the suffixes suffix-free. */
typedef enum {
	CN_ARRAY, CN_NEXT, CN_PARAM,                 /* x_v  xn_I  p_taum */
	CN_PRE_ARRAY, CN_PRE_NEXT, CN_PRE_PARAM,     /* pre_v  pren_I  prep_taum */
	CN_POST_ARRAY, CN_POST_NEXT, CN_POST_PARAM,  /* post_v  postn_I  postp_taum */
	CN_LET, CN_PRE_LET, CN_POST_LET,             /* l_L  lpre_L  lpost_L */
	CN_STAGE_S, CN_STAGE_Y2, CN_STAGE_Y3, CN_STAGE_Y4, CN_STAGE_NEW,  /* s_v y2_v ... n_v */
	CN_LET_S, CN_LET_Y2, CN_LET_Y3, CN_LET_Y4, CN_LET_NEW,            /* ls_L ly2_L ... ln_L */
	CN_SLOPE1, CN_SLOPE2, CN_SLOPE3, CN_SLOPE4,  /* k1_v ... k4_v */
	CN_DRIFT,                                    /* d_v: Euler slope */
	CN_EXP_A, CN_EXP_B, CN_EXP_E,                /* ea_v eb_v ee_v: exponential Euler */
	CN_FORCE,                                    /* b_v: exact forcing */
	CN_TMP,                                      /* tmp_I: buffer swap */
	CN_POP_TYPE, CN_POP_FIELD, CN_CONN_TYPE, CN_CONN_FIELD,   /* pop_P_t  pop_P  conn_C_t  conn_C */
	CN_KERNEL_POP, CN_KERNEL_CONN,               /* pop_P_<suffix>  conn_C_<suffix> */
	CN_GLOBAL,                                   /* g_reward: a global's field in model_t */
	CN_STAMP, CN_DECAY,                          /* st_x dk_x: a lazy trace's stamps and factor */
	CN_COUNT
} CName;
/* The C identifier of category k for the user name `name`; `suffix` is the
 * kernel's job for CN_KERNEL_* ("integrate", "let3"), else NULL. */
const char *c_name(CName k, const char *name, const char *suffix);
/* For tests: the table behind c_name and the compiler's fixed names. */
typedef enum { NS_LOCAL, NS_GLOBAL, NS_MODEL_FIELD } CNamespace;
typedef struct { const char *prefix, *suffix; CNamespace ns; } CNameRule;
extern const CNameRule c_name_rules[CN_COUNT];
extern const char *const c_fixed_names[];    /* NULL-terminated */
extern const char *const c_kernel_suffixes[]; /* NULL-terminated; "let" takes a number */

Layout *build_layout(Unit *u);
Slot *pop_slot(const Layout *L, const Pop *p, const Var *v);
Slot *conn_slot(const Layout *L, const Conn *c, const Var *v);
Slot *pop_internal(const Layout *L, const Pop *p, SlotKind k);    /* NULL if none */
Slot *conn_internal(const Layout *L, const Conn *c, SlotKind k);
Slot *global_slot(const Layout *L, const Var *g);
void layout_dump(FILE *f, const Layout *L);

/* ---------------------------------------------------------------- schedule.c
 * The kernels of one step, in the order they run (LANGUAGE.md §4), built by
 * the lowering.  model_step and the kernel functions are both printed by
 * walking this one list. */
typedef enum {
	KN_REBASE,           /* refractory base moves on (runtime call) */
	KN_INTEGRATE_TRACE,  /* ODEs of a connection's per-synapse states (side own, over the
	                        synapses) or of its pre or post states (per neuron) */
	KN_INTEGRATE,        /* ODEs over dt; `fused`: the threshold in the same sweep */
	KN_TICK,             /* on tick of a neuron population */
	KN_SYN_TICK,         /* on tick of a connection's synapses (and its once-per-neuron runs) */
	KN_THRESHOLD,        /* spike when */
	KN_GENERATE,         /* a generator's spikes (runtime call) */
	KN_DELIVER,          /* due spikes of a connection: on pre */
	KN_ON_POST,          /* this step's postsynaptic spikes of a connection: on post */
	KN_NET_TICK,         /* the network's on tick (globals), once per step */
	KN_RESET,            /* reset, refractoriness begins */
	KN_RECORD,           /* monitors (runtime call) */
	KN_INPUTS,           /* input buffers move on */
} KernelKind;
typedef enum {
	DOM_NONE,            /* no loop of its own (a runtime call) */
	DOM_ELEMS,           /* every element of the population */
	DOM_SPIKES,          /* this step's spike list */
	DOM_DUE_ROWS,        /* due presynaptic spikes, each a CSR row (one delay) */
	DOM_DUE_SYNS,        /* due synapses (per-synapse delays) */
	DOM_NEURONS,         /* every neuron of a connection's pre or post population */
	DOM_SYNS,            /* every synapse of a connection */
	DOM_POST_SPIKES,     /* the post population's spikes, each its post-major list */
} Domain;
typedef struct Kernel {
	KernelKind kind;
	int phase;           /* LANGUAGE.md §4: 1..6 (0: bookkeeping before phase 1) */
	Domain domain;
	OwnerKind owner;
	Pop *pop;
	Conn *conn;
	const char *fn;      /* the C function, NULL for a runtime call */
	Vec *body;           /* Stmt*: tick, reset, deliver */
	bool fused;          /* KN_INTEGRATE: threshold in the same sweep */
	bool refractory;     /* the owner population has refractoriness */
	Side side;           /* KN_INTEGRATE_TRACE: SIDE_OWN (synapses), SIDE_PRE or SIDE_POST */
} Kernel;
typedef struct Schedule {
	Vec *kernels;        /* Kernel*, in step order */
} Schedule;
Schedule *build_schedule(Unit *u);
void schedule_dump(FILE *f, const Schedule *s);
extern const char *const kernel_kind_names[];

/* ---------------------------------------------------------------- emit.c
 * The C text, by walking u->layout and u->sched (emit*.c). */
typedef struct {
	const char *source;    /* for #line */
	const char *c_name;    /* the C file's name, for #line back into it */
	bool line_directives;
} EmitOptions;
/* Write the generated C of the network (the simulator library) to f. */
void emit_c(FILE *f, Unit *u, const EmitOptions *opt);

/* ---------------------------------------------------------------- cc.c */
typedef struct {
	const char *cc;        /* NULL: clang if present, else cc */
	int opt;               /* -O level */
	const char *out;       /* binary path */
	const char *emit_dir;  /* --emit-c DIR or NULL */
} BuildOptions;
int build_binary(const char *c_path, const BuildOptions *bo);
/* Before building: 0, or 2 after "snnc: error: ..." on stderr when the
 * simulator cannot be written at `out` (no such directory, not writable, a
 * directory) or the C compiler cannot be found or executed. */
int check_output(const char *out);
int check_cc(const char *cc);

#endif
