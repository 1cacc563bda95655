/* data.jq's time limit inside the filter. jq 1.6 has no instruction hook,
 * but it calls the debug callback from between two instructions: each user
 * def, and each loop builtin that can run without end (range, while, until,
 * repeat, recurse, ..), starts with a tick, ("\u0000axon LINE" | debug),
 * which jq.c's debug callback counts instead of logging, looking at the
 * clock. A def is the only way a filter loops besides those builtins. */
#ifndef AXON_CODE_JQ_BUDGET_H
#define AXON_CODE_JQ_BUDGET_H
#include <stddef.h>

/* The loop builtins redefined with a tick (jq 1.6's own definitions), all
 * on one line; range keeps jq's own generator and ticks at each value. */
#define JQ_BUDGET_TICK(line) "(\"\\u0000axon " line "\" | __axon_debug) as $__axon_tick | "
#define JQ_BUDGET_PRELUDE \
	"def __axon_debug: debug; def __axon_range($from; $upto): range($from; $upto); " \
	"def range($from; $upto): __axon_range($from; $upto) | " JQ_BUDGET_TICK("0") ".; " \
	"def range($x): range(0; $x); " \
	"def range($init; $upto; $by): def _range: " JQ_BUDGET_TICK("0") \
	"if ($by > 0 and . < $upto) or ($by < 0 and . > $upto) then ., ((.+$by)|_range) else . end; " \
	"if $by == 0 then $init else $init|_range end | select(($by > 0 and . < $upto) or ($by < 0 and . > $upto)); " \
	"def while(cond; update): def _while: " JQ_BUDGET_TICK("0") "if cond then ., (update | _while) else empty end; _while; " \
	"def until(cond; next): def _until: " JQ_BUDGET_TICK("0") "if cond then . else (next|_until) end; _until; " \
	"def repeat(exp): def _repeat: " JQ_BUDGET_TICK("0") "exp, _repeat; _repeat; " \
	"def recurse(f): def r: " JQ_BUDGET_TICK("0") "., (f | r); r; " \
	"def recurse(f; cond): def r: " JQ_BUDGET_TICK("0") "., (f | select(cond) | r); r; " \
	"def recurse: recurse(.[]?); def recurse_down: recurse; "

/* The marker a tick hands the debug callback: "\0axon LINE". */
#define JQ_BUDGET_MARK "\0axon "
#define JQ_BUDGET_MARK_LEN 6

/* code with a tick at the start of the body of each of its defs, on the
 * def's line (nothing else moves: lines stay the user's); NULL when out of
 * memory. A def the scan does not recognise is left as it is (uncounted). */
char *jq_budget_instrument(const char *code);

#endif
