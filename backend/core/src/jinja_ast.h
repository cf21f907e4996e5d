// The parsed form of a Jinja template: expression and statement nodes.
#pragma once

#include "jinja_value.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace moecut::jinja {

struct Expr;
struct Stmt;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

struct Expr {
    enum class Kind {
        Const,    // value
        Name,     // name
        Getattr,  // items[0] . name
        Getitem,  // items[0] [ items[1] ]
        Slice,    // items[0..2] = start, stop, step (null when absent); only inside Getitem
        Call,     // items[0] ( items[1..] , kwargs )
        Filter,   // items[0] | name ( items[1..] , kwargs ); items[0] null in filter blocks
        Test,     // items[0] is name ( items[1..] , kwargs )
        Not,      // not items[0]
        Neg,      // -items[0]
        Pos,      // +items[0]
        Binary,   // items[0] op items[1]; op in + - * / // % **
        Concat,   // items joined with ~
        Compare,  // items[0] then (ops[i], items[i+1]); ops: == != < <= > >= in notin
        And,      // items[0] and items[1]
        Or,       // items[0] or items[1]
        CondExpr, // items[1] if items[0] else items[2] (items[2] may be null)
        List,
        Tuple,
        Dict,     // items alternate key, value
        NSRef,    // name . attr (assignment target only)
    };
    Kind kind;
    int line = 0;
    Value value;       // Const
    std::string name;  // Name, Getattr attr, Call/Filter/Test name, Binary op, NSRef namespace
    std::string attr;  // NSRef attribute
    std::vector<ExprPtr> items;
    std::vector<std::pair<std::string, ExprPtr>> kwargs;
    ExprPtr dyn_args;   // *args
    ExprPtr dyn_kwargs; // **kwargs
    std::vector<std::string> ops;

    Expr(Kind k, int line) : kind(k), line(line) {}
};

struct Stmt {
    enum class Kind {
        Data,        // text
        Output,      // {{ expr }}
        If,          // conds[i] -> bodies[i]; else_body
        For,         // target in expr [if cond]: body; else_body
        Set,         // target = expr
        SetBlock,    // {% set target | filter %} body {% endset %}
        Macro,       // name(params = defaults): body
        CallBlock,   // {% call(params) expr %} body
        FilterBlock, // {% filter f %} body
        With,        // {% with targets = values %} body
        Break,
        Continue,
        Scope,       // a body with no effect of its own ({% generation %})
    };
    Kind kind;
    int line = 0;
    std::string text;                 // Data
    std::string name;                 // Macro
    ExprPtr expr;                     // Output, For iterable, Set value, CallBlock call, filter chains
    ExprPtr target;                   // For, Set, SetBlock
    ExprPtr cond;                     // For filter
    std::vector<ExprPtr> conds;       // If
    std::vector<Body> bodies;         // If
    Body body;
    Body else_body;
    std::vector<std::string> params;  // Macro, CallBlock
    std::vector<ExprPtr> defaults;    // right-aligned to params
    std::vector<ExprPtr> targets;     // With
    std::vector<ExprPtr> values;      // With

    Stmt(Kind k, int line) : kind(k), line(line) {}
};

// Parses the tokens of a template into its body; throws SyntaxError.
Body parse_template(std::string_view source);

} // namespace moecut::jinja
