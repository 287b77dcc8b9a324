"""The grammar of the FEEL subset Yiwang accepts (a LALR(1) grammar for lark).

Names are identifiers (letters, including Chinese, digits and ``_``; not starting with a digit):
FEEL's names with spaces are not supported, except for the built-in functions whose names have
spaces (``string length(…)``, ``date and time(…)`` …), which are recognised before a ``(``."""

from __future__ import annotations

MULTI_WORD_FUNCTIONS = (
    "years and months duration", "date and time", "string length", "starts with", "ends with",
    "upper case", "lower case", "list contains", "substring before", "substring after",
)

TYPE_NAMES = (
    "years and months duration", "days and time duration", "date and time", "number", "string",
    "boolean", "date", "time", "list", "context", "range", "Any", "Null",
)

GRAMMAR = r"""
?start: expression
unary_tests: positive_test ("," positive_test)*

?positive_test: COMPOP additive      -> unary_compare
              | expression            -> unary_expr

?expression: "if" expression "then" expression "else" expression  -> if_
           | disjunction

?disjunction: conjunction
            | disjunction "or" conjunction   -> or_
?conjunction: comparison
            | conjunction "and" comparison   -> and_
?comparison: additive
           | additive COMPOP additive                      -> compare
           | additive "between" additive "and" additive     -> between
           | additive "in" additive                         -> in_
           | additive "in" "(" expression ("," expression)+ ")"  -> in_list
           | additive "instance" "of" TYPENAME              -> instance_of
?additive: multiplicative
         | additive "+" multiplicative   -> add
         | additive "-" multiplicative   -> sub
?multiplicative: power
               | multiplicative "*" power   -> mul
               | multiplicative "/" power   -> div
?power: unary
      | unary "**" power   -> pow
?unary: postfix
      | "-" unary          -> neg
?postfix: atom
        | postfix "." NAME                    -> path
        | postfix "[" expression "]"          -> filter
        | (NAME | FUNCNAME) "(" [expression ("," expression)*] ")"  -> call
?atom: NUMBER                 -> number
     | STRING                 -> string
     | AT_STRING              -> temporal
     | "true"                 -> true
     | "false"                -> false
     | "null"                 -> null
     | NAME                   -> name
     | QMARK                  -> input_value
     | "(" expression ")"
     | "[" [expression ("," expression)*] "]"   -> list
     | "{" [entry ("," entry)*] "}"             -> context
     | interval
interval: (LSQB | LPAR | RSQB) expression ".." expression (RSQB | RPAR)
entry: (NAME | STRING) ":" expression

LSQB: "["
RSQB: "]"
LPAR: "("
RPAR: ")"
COMPOP: "<=" | ">=" | "!=" | "<" | ">" | "="
QMARK: "?"
FUNCNAME.3: /(%(functions)s)(?=\s*\()/
TYPENAME.3: /(%(types)s)(?![\w])/
NAME: /(?!\d)\w+/
NUMBER: /\d+(\.\d+)?|\.\d+/
STRING: /"(\\.|[^"\\])*"/
AT_STRING: /@"(\\.|[^"\\])*"/

%%import common.WS
%%ignore WS
""" % {  # noqa: UP031 - the grammar itself is full of braces
    "functions": "|".join(f.replace(" ", r"\s+") for f in MULTI_WORD_FUNCTIONS),
    "types": "|".join(t.replace(" ", r"\s+") for t in TYPE_NAMES),
}
