/*
 * parser.y — the grammar of .snn files (LANGUAGE.md §1, §3, §4).
 *
 * A pure, reentrant LALR(1) parser.  Every action builds one node through a
 * new_* constructor of ast.c (or appends to a list); nothing is checked
 * here: names, kinds, units and dimensions are the business of later stages.
 * The parser stops at the first syntax error of a file.
 *
 * Tokens come from snn_lex (lexer.l), which turns newlines into statement
 * terminators (TERM) by the rules of §1, gives `dX/dt` as one DERIV token
 * where an ODE may begin (elsewhere it is dX '/' dt, a division, so the
 * parser never builds EX_DERIV) and glues a number and the name right after
 * it (on the same line) into a QTY token.  The expression grammar encodes the precedence of §3 in
 * its rules, lowest first: ?:  or  and  not  comparisons (not chained)
 * + -  * /  unary + -  ^ (right-associative, exponent may be unary)  postfix.
 */

%define api.pure full
%define api.prefix {snn_yy}
%define api.token.prefix {TK_}
%define api.location.type {Loc}
%define parse.error custom
%define parse.lac full
%locations
%expect 0

%param {yyscan_t scanner}
%parse-param {Program *prog}

%code requires {
#include "snnc.h"

#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif

/* A number directly followed by a name: the QTY token. */
typedef struct { double num; const char *unit; } QtyVal;
}

%code provides {
#define YYSTYPE SNN_YYSTYPE
#define YYLTYPE SNN_YYLTYPE

/* lexer.l: a scanner over the text of f; the token stream the parser reads. */
yyscan_t lex_open(const SrcFile *f);
void lex_close(yyscan_t scanner);
const SrcFile *lex_file(yyscan_t scanner);
int snn_lex(SNN_YYSTYPE *lval, Loc *lloc, yyscan_t scanner);
}

%code {
#include <string.h>

#undef yylex
#define yylex snn_lex

/* Locations carry their file; an empty rule sits at the end of the
 * previous symbol. */
#define YYLLOC_DEFAULT(Cur, Rhs, N) \
	do { \
		if (N) { \
			(Cur).first_line = YYRHSLOC(Rhs, 1).first_line; \
			(Cur).first_column = YYRHSLOC(Rhs, 1).first_column; \
			(Cur).last_line = YYRHSLOC(Rhs, N).last_line; \
			(Cur).last_column = YYRHSLOC(Rhs, N).last_column; \
			(Cur).file = YYRHSLOC(Rhs, 1).file; \
		} else { \
			(Cur).first_line = (Cur).last_line = YYRHSLOC(Rhs, 0).last_line; \
			(Cur).first_column = (Cur).last_column = YYRHSLOC(Rhs, 0).last_column; \
			(Cur).file = YYRHSLOC(Rhs, 0).file; \
		} \
	} while (0)

static void snn_yyerror(Loc *loc, yyscan_t scanner, Program *prog, const char *msg)
{
	if (!strcmp(msg, "memory exhausted"))
		msg = "nested too deeply for the parser";
	error_at(*loc, "%s", msg);
}

/* List builders for the actions. */
static Vec *vec1(void *x)
{
	Vec *v = vec_new();
	vec_push(v, x);
	return v;
}

static Vec *push(Vec *v, void *x)
{
	vec_push(v, x);
	return v;
}

/* Network items: one builder per shape (NetItem in snnc.h). */
static NetItem *net_named(Loc l, NetItemKind k, const char *name, Loc nl, Expr *value, Vec *decls)
{
	NetItem *n = new_netitem(l, k);
	n->name = name;
	n->name_loc = nl;
	n->value = value;
	n->decls = decls;
	return n;
}

static NetItem *net_global(Loc l, Vec *decls)
{
	NetItem *n = new_netitem(l, NI_GLOBAL);
	n->decls = decls;
	return n;
}

static NetItem *net_connect(Loc l, Expr *pre, Expr *post, Expr *call, const char *as, Loc as_loc, Vec *binds)
{
	NetItem *n = net_named(l, NI_CONNECT, as, as_loc, call, binds);
	n->pre = pre;
	n->post = post;
	return n;
}

static NetItem *net_on(Loc l, const char *event, Vec *body)
{
	NetItem *n = new_netitem(l, NI_ON);
	n->event = event;
	n->body = body;
	return n;
}

static NetItem *net_value(Loc l, NetItemKind k, Expr *value, Expr *value2)
{
	NetItem *n = new_netitem(l, k);
	n->value = value;
	n->value2 = value2;
	return n;
}
}

%initial-action {
	@$ = (Loc){ 1, 1, 1, 1, lex_file(scanner) };
}

%union {
	double num;
	const char *str;
	QtyVal qty;
	Expr *expr;
	Stmt *stmt;
	Decl *decl;
	Member *member;
	NetItem *item;
	TopDecl *top;
	Vec *vec;
}

%token <str> NAME "name" STRING "string" DERIV "derivative"
%token <num> NUMBER "number"
%token <qty> QTY "quantity"
%token TERM "end of line"
%token ARROW "'->'" LE "'<='" GE "'>='" EQ "'=='" NE "'!='"
%token ADD_ASSIGN "'+='" SUB_ASSIGN "'-='" MUL_ASSIGN "'*='"
%token NEURON "'neuron'" SYNAPSE "'synapse'" NETWORK "'network'" IMPORT "'import'"
%token PARAM "'param'" STATE "'state'" LET "'let'" INPUT "'input'" PRE "'pre'" POST "'post'"
%token ON "'on'" TICK "'tick'" SPIKE "'spike'" WHEN "'when'" RESET "'reset'"
%token REFRACTORY "'refractory'" METHOD "'method'" MODULATOR "'modulator'" REDUCE "'reduce'"
%token POP "'pop'" CONNECT "'connect'" AS "'as'" RECORD "'record'" EVERY "'every'" RUN "'run'"
%token GLOBAL "'global'" IF "'if'" ELSE "'else'" AND "'and'" OR "'or'" NOT "'not'"

%type <top> topdecl
%type <vec> members member_list decls names stmts stmt_list block netitems netitem_list
%type <vec> opt_inits inits init_list args arg_list list exprs
%type <member> member
%type <decl> decl init
%type <stmt> stmt if_stmt
%type <expr> target expr or_expr and_expr not_expr cmp_expr add_expr mul_expr unary
%type <expr> pow_expr postfix primary call ode_coef arg
%type <item> netitem
%type <str> event

%%

/* program = (topdecl | TERM)* */
program:
	  %empty
	| program topdecl          { vec_push(prog->decls, $2); }
	| program TERM
	;

/* topdecl = "import" STRING | ("neuron" | "synapse") NAME "{" members "}"
 *         | "network" NAME "{" netitems "}" */
topdecl:
	  IMPORT STRING                    { $$ = new_topdecl(@$, TD_IMPORT, $2, @2, NULL); }
	| NEURON NAME '{' members '}'      { $$ = new_topdecl(@$, TD_NEURON, $2, @2, $4); }
	| SYNAPSE NAME '{' members '}'     { $$ = new_topdecl(@$, TD_SYNAPSE, $2, @2, $4); }
	| NETWORK NAME '{' netitems '}'    { $$ = new_topdecl(@$, TD_NETWORK, $2, @2, $4); }
	;

terms: TERM | terms TERM ;
opt_terms: %empty | terms ;

/* members = TERM* (member (TERM+ member)* TERM*)? */
members:
	  opt_terms                        { $$ = vec_new(); }
	| opt_terms member_list opt_terms  { $$ = $2; }
	;
member_list:
	  member                           { $$ = vec1($1); }
	| member_list terms member         { $$ = push($1, $3); }
	;

/* member = "param" decls | "state" decls | ("pre" | "post") "state" decls
 *        | "input" decls | "let" NAME "=" expr | [ode_coef] DERIV "=" expr
 *        | "on" event block | "spike" "when" expr | "reset" block
 *        | "refractory" expr | "method" NAME | "modulator" names
 *        | "reduce" NAME */
member:
	  PARAM decls               { $$ = new_member_decls(@$, MB_PARAM, $2); }
	| STATE decls               { $$ = new_member_decls(@$, MB_STATE, $2); }
	| PRE STATE decls           { $$ = new_member_decls(@$, MB_PRE_STATE, $3); }
	| POST STATE decls          { $$ = new_member_decls(@$, MB_POST_STATE, $3); }
	| INPUT decls               { $$ = new_member_decls(@$, MB_INPUT, $2); }
	| LET NAME '=' expr         { $$ = new_member_decls(@$, MB_LET, vec1(new_decl(@2, $2, NULL, $4))); }
	| DERIV '=' expr            { $$ = new_member_ode(@$, NULL, $1, @1, $3); }
	| ode_coef DERIV '=' expr   { $$ = new_member_ode(@$, $1, $2, @2, $4); }
	| ON event block            { $$ = new_member_on(@$, $2, $3); }
	| SPIKE WHEN expr           { $$ = new_member_expr(@$, MB_SPIKE, $3); }
	| RESET block               { $$ = new_member_body(@$, MB_RESET, $2); }
	| REFRACTORY expr           { $$ = new_member_expr(@$, MB_REFRACTORY, $2); }
	| METHOD NAME               { $$ = new_member_name(@$, MB_METHOD, $2, @2); }
	| MODULATOR names           { $$ = new_member_decls(@$, MB_MODULATOR, $2); }
	| PRE MODULATOR names       { $$ = new_member_decls(@$, MB_PRE_MODULATOR, $3); }
	| REDUCE NAME               { $$ = new_member_name(@$, MB_REDUCE, $2, @2); }
	;

/* ode_coef = NAME | NUMBER | QTY | "(" expr ")" */
ode_coef:
	  NAME              { $$ = new_name(@$, $1); }
	| NUMBER            { $$ = new_num(@$, $1); }
	| QTY               { $$ = new_qty(@$, $1.num, $1.unit); }
	| '(' expr ')'      { $$ = $2; }
	;

event: TICK { $$ = "tick"; } | PRE { $$ = "pre"; } | POST { $$ = "post"; } ;

/* decls = decl ("," decl)* ; decl = NAME [":" expr] ["=" expr] */
decls:
	  decl              { $$ = vec1($1); }
	| decls ',' decl    { $$ = push($1, $3); }
	;
decl:
	  NAME                        { $$ = new_decl(@$, $1, NULL, NULL); }
	| NAME ':' expr               { $$ = new_decl(@$, $1, $3, NULL); }
	| NAME '=' expr               { $$ = new_decl(@$, $1, NULL, $3); }
	| NAME ':' expr '=' expr      { $$ = new_decl(@$, $1, $3, $5); }
	;

/* names = NAME ("," NAME)* */
names:
	  NAME              { $$ = vec1(new_decl(@1, $1, NULL, NULL)); }
	| names ',' NAME    { $$ = push($1, new_decl(@3, $3, NULL, NULL)); }
	;

/* block = "{" TERM* (stmt (TERM+ stmt)* TERM*)? "}" */
block: '{' stmts '}'    { $$ = $2; } ;
stmts:
	  opt_terms                        { $$ = vec_new(); }
	| opt_terms stmt_list opt_terms    { $$ = $2; }
	;
stmt_list:
	  stmt                  { $$ = vec1($1); }
	| stmt_list terms stmt  { $$ = push($1, $3); }
	;

/* stmt = target ("=" | "+=" | "-=" | "*=") expr | if_stmt */
stmt:
	  target '=' expr           { $$ = new_assign(@$, '=', $1, $3); }
	| target ADD_ASSIGN expr    { $$ = new_assign(@$, '+', $1, $3); }
	| target SUB_ASSIGN expr    { $$ = new_assign(@$, '-', $1, $3); }
	| target MUL_ASSIGN expr    { $$ = new_assign(@$, '*', $1, $3); }
	| if_stmt
	;

/* if_stmt = "if" expr block ["else" (block | if_stmt)] */
if_stmt:
	  IF expr block                 { $$ = new_if(@$, $2, $3, NULL); }
	| IF expr block ELSE block      { $$ = new_if(@$, $2, $3, $5); }
	| IF expr block ELSE if_stmt    { $$ = new_if(@$, $2, $3, vec1($5)); }
	;

/* target = NAME | ("pre" | "post") "." NAME | target "." NAME */
target:
	  NAME                  { $$ = new_name(@$, $1); }
	| PRE '.' NAME          { $$ = new_member(@$, new_prepost(@1, EX_PRE), $3); }
	| POST '.' NAME         { $$ = new_member(@$, new_prepost(@1, EX_POST), $3); }
	| target '.' NAME       { $$ = new_member(@$, $1, $3); }
	;

/* netitems = TERM* (netitem (TERM+ netitem)* TERM*)? */
netitems:
	  opt_terms                          { $$ = vec_new(); }
	| opt_terms netitem_list opt_terms   { $$ = $2; }
	;
netitem_list:
	  netitem                     { $$ = vec1($1); }
	| netitem_list terms netitem  { $$ = push($1, $3); }
	;

/* netitem = NAME "=" expr | "method" "=" expr | "global" decls
 *         | "pop" NAME "=" call [inits] | "let" NAME "=" expr
 *         | "connect" expr "->" expr ":" call ["as" NAME] [inits]
 *         | "on" "tick" block | "record" expr ["every" expr] | "run" expr */
netitem:
	  NAME '=' expr             { $$ = net_named(@$, NI_SETTING, $1, @1, $3, NULL); }
	| METHOD '=' expr           { $$ = net_named(@$, NI_SETTING, "method", @1, $3, NULL); }
	| GLOBAL decls              { $$ = net_global(@$, $2); }
	| POP NAME '=' call opt_inits  { $$ = net_named(@$, NI_POP, $2, @2, $4, $5); }
	| LET NAME '=' expr         { $$ = net_named(@$, NI_LET, $2, @2, $4, NULL); }
	| CONNECT expr ARROW expr ':' call opt_inits
	                            { $$ = net_connect(@$, $2, $4, $6, NULL, @6, $7); }
	| CONNECT expr ARROW expr ':' call AS NAME opt_inits
	                            { $$ = net_connect(@$, $2, $4, $6, $8, @8, $9); }
	| ON TICK block             { $$ = net_on(@$, "tick", $3); }
	| RECORD expr               { $$ = net_value(@$, NI_RECORD, $2, NULL); }
	| RECORD expr EVERY expr    { $$ = net_value(@$, NI_RECORD, $2, $4); }
	| RUN expr                  { $$ = net_value(@$, NI_RUN, $2, NULL); }
	;

/* inits = "{" sep* (init (sep+ init)* sep*)? "}" ; sep = TERM | "," */
opt_inits:
	  %empty                { $$ = NULL; }
	| '{' inits '}'         { $$ = $2; }
	;
inits:
	  opt_seps                      { $$ = vec_new(); }
	| opt_seps init_list opt_seps   { $$ = $2; }
	;
init_list:
	  init                  { $$ = vec1($1); }
	| init_list seps init   { $$ = push($1, $3); }
	;
init: NAME '=' expr         { $$ = new_decl(@$, $1, NULL, $3); } ;
sep: TERM | ',' ;
seps: sep | seps sep ;
opt_seps: %empty | seps ;

/* call = NAME "(" args ")" ; args = (arg ("," arg)*)? ; arg = NAME "=" expr | expr */
call: NAME '(' args ')'     { $$ = new_call(@$, $1, $3); } ;
args:
	  %empty                { $$ = vec_new(); }
	| arg_list
	;
arg_list:
	  arg                   { $$ = vec1($1); }
	| arg_list ',' arg      { $$ = push($1, $3); }
	;
arg:
	  expr                  { $$ = $1; }
	| NAME '=' expr         { $$ = new_arg(@$, $1, $3); }
	;

/* expr = or_expr ["?" expr ":" expr] */
expr:
	  or_expr
	| or_expr '?' expr ':' expr   { $$ = new_cond(@$, $1, $3, $5); }
	;

/* or_expr = and_expr ("or" and_expr)* */
or_expr:
	  and_expr
	| or_expr OR and_expr         { $$ = new_binary(@$, OP_OR, $1, $3); }
	;

/* and_expr = not_expr ("and" not_expr)* */
and_expr:
	  not_expr
	| and_expr AND not_expr       { $$ = new_binary(@$, OP_AND, $1, $3); }
	;

/* not_expr = "not" not_expr | cmp_expr */
not_expr:
	  cmp_expr
	| NOT not_expr                { $$ = new_unary(@$, OP_NOT, $2); }
	;

/* cmp_expr = add_expr [("<" | "<=" | ">" | ">=" | "==" | "!=") add_expr] */
cmp_expr:
	  add_expr
	| add_expr '<' add_expr       { $$ = new_binary(@$, OP_LT, $1, $3); }
	| add_expr LE add_expr        { $$ = new_binary(@$, OP_LE, $1, $3); }
	| add_expr '>' add_expr       { $$ = new_binary(@$, OP_GT, $1, $3); }
	| add_expr GE add_expr        { $$ = new_binary(@$, OP_GE, $1, $3); }
	| add_expr EQ add_expr        { $$ = new_binary(@$, OP_EQ, $1, $3); }
	| add_expr NE add_expr        { $$ = new_binary(@$, OP_NE, $1, $3); }
	;

/* add_expr = mul_expr (("+" | "-") mul_expr)* */
add_expr:
	  mul_expr
	| add_expr '+' mul_expr       { $$ = new_binary(@$, OP_ADD, $1, $3); }
	| add_expr '-' mul_expr       { $$ = new_binary(@$, OP_SUB, $1, $3); }
	;

/* mul_expr = unary (("*" | "/") unary)* */
mul_expr:
	  unary
	| mul_expr '*' unary          { $$ = new_binary(@$, OP_MUL, $1, $3); }
	| mul_expr '/' unary          { $$ = new_binary(@$, OP_DIV, $1, $3); }
	;

/* unary = ("-" | "+") unary | pow_expr */
unary:
	  pow_expr
	| '-' unary                   { $$ = new_unary(@$, OP_NEG, $2); }
	| '+' unary                   { $$ = new_unary(@$, OP_PLUS, $2); }
	;

/* pow_expr = postfix ["^" unary] */
pow_expr:
	  postfix
	| postfix '^' unary           { $$ = new_binary(@$, OP_POW, $1, $3); }
	;

/* postfix = primary ("." NAME | "[" expr ":" expr "]")*
 *         | ("pre" | "post") "." NAME ... */
postfix:
	  primary
	| PRE '.' NAME                      { $$ = new_member(@$, new_prepost(@1, EX_PRE), $3); }
	| POST '.' NAME                     { $$ = new_member(@$, new_prepost(@1, EX_POST), $3); }
	| postfix '.' NAME                  { $$ = new_member(@$, $1, $3); }
	| postfix '[' expr ':' expr ']'     { $$ = new_slice(@$, $1, $3, $5); }
	;

/* primary = NAME | NUMBER | QTY | STRING | call
 *         | "[" (expr ("," expr)*)? "]" | "(" expr ")" */
primary:
	  NAME                  { $$ = new_name(@$, $1); }
	| NUMBER                { $$ = new_num(@$, $1); }
	| QTY                   { $$ = new_qty(@$, $1.num, $1.unit); }
	| STRING                { $$ = new_string(@$, $1); }
	| call
	| '[' list ']'          { $$ = new_list(@$, $2); }
	| '(' expr ')'          { $$ = $2; }
	;

list:
	  %empty                { $$ = vec_new(); }
	| exprs
	;
exprs:
	  expr                  { $$ = vec1($1); }
	| exprs ',' expr        { $$ = push($1, $3); }
	;
%%

/* The text of a one-line token at loc (columns are code points). */
static const char *token_text(Loc loc)
{
	const SrcFile *f = loc.file;
	if (!f || !f->text || loc.first_line != loc.last_line)
		return NULL;
	const char *p = f->text, *end = f->text + f->len;
	for (int l = 1; l < loc.first_line && p < end; p++)
		if (*p == '\n')
			l++;
	const char *start = NULL;
	int col = 1;
	for (; p < end && *p != '\n'; p++) {
		if (((unsigned char)*p & 0xC0) == 0x80)
			continue;
		if (col == loc.first_column)
			start = p;
		if (col++ == loc.last_column + 1)
			break;
	}
	return start ? arena_strndup(start, (size_t)(p - start)) : NULL;
}

static bool expects(const yysymbol_kind_t *want, int n, const char *name)
{
	for (int k = 0; k < n; k++)
		if (!strcmp(yysymbol_name(want[k]), name))
			return true;
	return false;
}

/* Bison's ", expecting A or B", for at most 4 tokens. */
static char *expecting(char *msg, const yysymbol_kind_t *want, int n)
{
	for (int k = 0; n <= 4 && k < n; k++)
		msg = arena_printf("%s%s%s", msg, k ? " or " : ", expecting ", yysymbol_name(want[k]));
	return msg;
}

static bool is_one_of(yysymbol_kind_t tok, const char *const *names)
{
	for (; *names; names++)
		if (!strcmp(yysymbol_name(tok), *names))
			return true;
	return false;
}

/* "syntax error, unexpected X[, expecting A or B]" (Bison's wording, kept
 * as a prefix), with the text of an unexpected name and a hint for the
 * common mistakes: a chained comparison, a missing '}', a missing
 * expression, an unknown member keyword. */
static int yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t scanner, Program *prog)
{
	static const char *const cmp[] = { "'<'", "'>'", "'<='", "'>='", "'=='", "'!='", NULL };
	static const char *const top[] = { "'neuron'", "'synapse'", "'network'", "'import'", NULL };
	Loc loc = *yypcontext_location(ctx);
	yysymbol_kind_t tok = yypcontext_token(ctx), want[YYNTOKENS];
	int n = yypcontext_expected_tokens(ctx, want, YYNTOKENS);
	if (n < 0)
		n = 0;
	char *msg = arena_printf("syntax error, unexpected %s", yysymbol_name(tok));
	const char *text = tok == YYSYMBOL_NAME ? token_text(loc) : NULL;
	if (text)
		msg = arena_printf("%s '%s'", msg, text);
	if (tok == YYSYMBOL_YYEOF) {
		msg = expecting(msg, want, n);
	} else if (is_one_of(tok, cmp) && expects(want, n, "'+'")) {
		msg = arena_printf("%s: comparisons cannot be chained (write 'a < b and b < c')", msg);
	} else if (is_one_of(tok, top) && expects(want, n, "'}'")) {
		msg = arena_printf("%s: a '}' is missing before it", msg);
	} else if (n == 1 && !strcmp(yysymbol_name(want[0]), "derivative")) {
		msg = arena_printf("%s: expected 'dX/dt' (a member begins with param, state, let, "
				   "input, on, spike, reset, refractory, method or an ODE)", msg);
	} else if (n > 0 && n <= 4) {
		msg = expecting(msg, want, n);
	} else if (expects(want, n, "name") && expects(want, n, "number") && expects(want, n, "'('")) {
		msg = arena_printf("%s, expecting an expression", msg);
	}
	snn_yyerror(&loc, scanner, prog, msg);
	return 0;
}
