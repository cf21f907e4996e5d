// The Jinja evaluator: runs a parsed template against a context.
//
// Scoping follows Jinja: a for loop starts every iteration in a fresh scope
// (so `set` inside a loop does not leak out of it, which is why templates use
// namespace()), `if` blocks share their enclosing scope, and a macro runs in a
// scope whose parent is the scope it was defined in.
#pragma once

#include "jinja_ast.h"
#include "jinja_value.h"

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace moecut::jinja {

struct Frame {
    std::unordered_map<std::string, Value> vars;
    std::shared_ptr<Frame> parent;
};
using FramePtr = std::shared_ptr<Frame>;

class Evaluator {
public:
    // globals: the environment's functions (range, namespace, ...);
    // context: the variables passed to render.
    Evaluator(const DictData& globals, const DictData& context);
    // Breaks the reference cycles a render can make (a macro holds the scope
    // that holds it; a namespace may hold itself), so nothing leaks.
    ~Evaluator();
    Evaluator(const Evaluator&) = delete;
    Evaluator& operator=(const Evaluator&) = delete;

    // Namespaces are tracked so that ~Evaluator can empty them.
    void track(const DictPtr& namespace_attrs) { tracked_dicts_.push_back(namespace_attrs); }

    std::string render(const Body& body);

    Value eval(const Expr& e);
    // Calls any callable value.
    Value call(const Value& callee, const CallArgs& args);
    // obj.name with Jinja's sandboxed getattr: methods first, then items.
    Value get_attr(const Value& obj, const std::string& name);
    // obj[key] with Jinja's getitem: items first, then attributes.
    Value get_item_or_attr(const Value& obj, const Value& key);

    // Runs a macro body with its arguments bound (used by Macro callables).
    Value call_macro(const Stmt& def, const FramePtr& closure, const CallArgs& args, const std::string& name);

private:
    enum class Flow { Normal, Break, Continue };

    FramePtr frame_;
    std::vector<std::weak_ptr<Frame>> tracked_frames_;
    std::vector<std::weak_ptr<DictData>> tracked_dicts_;
    std::string* out_ = nullptr;
    int macro_depth_ = 0;

    Flow exec(const Body& body);
    Flow exec_stmt(const Stmt& s);
    Flow exec_for(const Stmt& s);
    void exec_if(const Stmt& s, Flow& flow);
    std::string render_body(const Body& body, FramePtr frame);

    Value eval_inner(const Expr& e);
    Value eval_compare(const Expr& e);
    Value eval_call(const Expr& e);
    CallArgs eval_args(const Expr& e, std::size_t first);
    Value apply_filter_chain(const Expr& chain, Value input);
    Value lookup(const std::string& name) const;
    void assign(const Expr& target, const Value& value);
    Value make_macro(const Stmt& def, const std::string& name);
};

// Filters, tests, methods and globals (jinja_builtins.cpp, jinja_filters.cpp,
// jinja_methods.cpp).
bool has_filter(const std::string& name);
bool has_test(const std::string& name);
Value apply_filter(Evaluator& ev, const std::string& name, const Value& input, const CallArgs& args);
bool apply_test(Evaluator& ev, const std::string& name, const Value& input, const CallArgs& args);
// A bound method of a str, dict or list (e.g. "abc".startswith); false if
// the type has no such method.
bool get_method(const Value& obj, const std::string& name, Value& out);
// range, namespace, dict, raise_exception, strftime_now, cycler, joiner.
void add_globals(DictData& globals);

} // namespace moecut::jinja
