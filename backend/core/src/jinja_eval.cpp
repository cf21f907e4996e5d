#include "jinja_eval.h"

#include <algorithm>

namespace moecut::jinja {

namespace {

constexpr int kMaxMacroDepth = 200;

class Macro : public Callable {
public:
    Macro(const Stmt& def, FramePtr closure, std::string name)
        : def_(def), closure_(std::move(closure)), name_(std::move(name)) {}
    Value call(Evaluator& ev, const CallArgs& args) override { return ev.call_macro(def_, closure_, args, name_); }
    std::string repr() const override { return "<Macro '" + name_ + "'>"; }

private:
    const Stmt& def_;
    FramePtr closure_;
    std::string name_;
};

// Adds the template line to errors that do not carry one yet.
template <typename F>
auto at_line(int line, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (RenderError& e) {
        if (e.line == 0) e.line = line;
        throw;
    }
}

} // namespace

Evaluator::Evaluator(const DictData& globals, const DictData& context) {
    auto root = std::make_shared<Frame>();
    for (const auto& [k, v] : globals.items) root->vars[to_str(k)] = v;
    frame_ = std::make_shared<Frame>();
    frame_->parent = root;
    for (const auto& [k, v] : context.items) frame_->vars[to_str(k)] = v;
}

Evaluator::~Evaluator() {
    for (const auto& w : tracked_frames_)
        if (auto f = w.lock()) f->vars.clear();
    for (const auto& w : tracked_dicts_)
        if (auto d = w.lock()) d->items.clear();
}

std::string Evaluator::render(const Body& body) {
    std::string out;
    out_ = &out;
    exec(body);
    out_ = nullptr;
    return out;
}

std::string Evaluator::render_body(const Body& body, FramePtr frame) {
    std::string buf;
    std::string* saved_out = out_;
    FramePtr saved_frame = frame_;
    out_ = &buf;
    frame_ = std::move(frame);
    try {
        exec(body);
    } catch (...) {
        out_ = saved_out;
        frame_ = saved_frame;
        throw;
    }
    out_ = saved_out;
    frame_ = saved_frame;
    return buf;
}

Evaluator::Flow Evaluator::exec(const Body& body) {
    for (const auto& s : body) {
        Flow f = exec_stmt(*s);
        if (f != Flow::Normal) return f;
    }
    return Flow::Normal;
}

Evaluator::Flow Evaluator::exec_stmt(const Stmt& s) {
    return at_line(s.line, [&]() -> Flow {
        switch (s.kind) {
        case Stmt::Kind::Data: *out_ += s.text; return Flow::Normal;
        case Stmt::Kind::Output: *out_ += to_str(eval(*s.expr)); return Flow::Normal;
        case Stmt::Kind::If: {
            Flow flow = Flow::Normal;
            exec_if(s, flow);
            return flow;
        }
        case Stmt::Kind::For: return exec_for(s);
        case Stmt::Kind::Set: assign(*s.target, eval(*s.expr)); return Flow::Normal;
        case Stmt::Kind::SetBlock: {
            auto inner = std::make_shared<Frame>();
            inner->parent = frame_;
            Value v(render_body(s.body, inner));
            if (s.expr) v = apply_filter_chain(*s.expr, v);
            assign(*s.target, v);
            return Flow::Normal;
        }
        case Stmt::Kind::Macro: frame_->vars[s.name] = make_macro(s, s.name); return Flow::Normal;
        case Stmt::Kind::CallBlock: {
            CallArgs args = eval_args(*s.expr, 1);
            args.keyword.emplace_back("caller", make_macro(s, "caller"));
            *out_ += to_str(call(eval(*s.expr->items[0]), args));
            return Flow::Normal;
        }
        case Stmt::Kind::FilterBlock: {
            auto inner = std::make_shared<Frame>();
            inner->parent = frame_;
            *out_ += to_str(apply_filter_chain(*s.expr, Value(render_body(s.body, inner))));
            return Flow::Normal;
        }
        case Stmt::Kind::With: {
            auto inner = std::make_shared<Frame>();
            inner->parent = frame_;
            std::vector<Value> values;
            for (const auto& v : s.values) values.push_back(eval(*v));
            FramePtr saved = frame_;
            frame_ = inner;
            try {
                for (std::size_t i = 0; i < s.targets.size(); ++i) assign(*s.targets[i], values[i]);
                Flow f = exec(s.body);
                frame_ = saved;
                return f;
            } catch (...) {
                frame_ = saved;
                throw;
            }
        }
        case Stmt::Kind::Break: return Flow::Break;
        case Stmt::Kind::Continue: return Flow::Continue;
        case Stmt::Kind::Scope: return exec(s.body);
        }
        return Flow::Normal;
    });
}

void Evaluator::exec_if(const Stmt& s, Flow& flow) {
    for (std::size_t i = 0; i < s.conds.size(); ++i) {
        if (at_line(s.conds[i]->line, [&] { return truthy(eval(*s.conds[i])); })) {
            flow = exec(s.bodies[i]);
            return;
        }
    }
    flow = exec(s.else_body);
}

Evaluator::Flow Evaluator::exec_for(const Stmt& s) {
    std::vector<Value> items = iterate(eval(*s.expr));
    FramePtr outer = frame_;
    if (s.cond) { // `for x in xs if cond`: the test sees the target, not `loop`
        std::vector<Value> kept;
        for (const Value& item : items) {
            frame_ = std::make_shared<Frame>();
            frame_->parent = outer;
            try {
                assign(*s.target, item);
                if (truthy(eval(*s.cond))) kept.push_back(item);
            } catch (...) {
                frame_ = outer;
                throw;
            }
        }
        frame_ = outer;
        items = std::move(kept);
    }
    const auto n = static_cast<std::int64_t>(items.size());
    Flow result = Flow::Normal;
    bool completed = false;
    try {
        for (std::int64_t i = 0; i < n; ++i) {
            frame_ = std::make_shared<Frame>();
            frame_->parent = outer;
            auto loop = std::make_shared<DictData>();
            loop->set("index", Value(i + 1));
            loop->set("index0", Value(i));
            loop->set("revindex", Value(n - i));
            loop->set("revindex0", Value(n - i - 1));
            loop->set("first", Value(i == 0));
            loop->set("last", Value(i == n - 1));
            loop->set("length", Value(n));
            loop->set("depth", Value(1));
            loop->set("depth0", Value(0));
            if (i > 0) loop->set("previtem", items[static_cast<std::size_t>(i - 1)]);
            if (i + 1 < n) loop->set("nextitem", items[static_cast<std::size_t>(i + 1)]);
            loop->set("cycle", make_native("cycle", [i](Evaluator&, const CallArgs& a) -> Value {
                          if (a.positional.empty()) fail("no items for cycling given");
                          return a.positional[static_cast<std::size_t>(i) % a.positional.size()];
                      }));
            frame_->vars["loop"] = Value(loop);
            assign(*s.target, items[static_cast<std::size_t>(i)]);
            Flow f = exec(s.body);
            if (f == Flow::Break) break;
            // Jinja clears its "run the else block" flag at the end of the body,
            // so an iteration ended by continue (or break) does not count.
            if (f == Flow::Normal) completed = true;
        }
        if (!completed) {
            frame_ = std::make_shared<Frame>();
            frame_->parent = outer;
            result = exec(s.else_body);
        }
    } catch (...) {
        frame_ = outer;
        throw;
    }
    frame_ = outer;
    (void)result; // break and continue end at the loop
    return Flow::Normal;
}

Value Evaluator::lookup(const std::string& name) const {
    for (const Frame* f = frame_.get(); f; f = f->parent.get()) {
        auto it = f->vars.find(name);
        if (it != f->vars.end()) return it->second;
    }
    return Value(Undefined{"'" + name + "' is undefined"});
}

void Evaluator::assign(const Expr& target, const Value& value) {
    if (target.kind == Expr::Kind::Name) {
        frame_->vars[target.name] = value;
    } else if (target.kind == Expr::Kind::NSRef) {
        Value ns = lookup(target.name);
        if (!ns.is_namespace()) fail("cannot assign attribute on non-namespace object");
        if (!target.attr.empty() && target.attr[0] == '_')
            fail("Chat templates cannot store underscore-prefixed attributes on a namespace, but got '" + target.attr +
                 "'");
        ns.ns().attrs->set(Value(target.attr), value);
    } else { // a tuple of names
        std::vector<Value> items = iterate(value);
        if (items.size() != target.items.size())
            fail(items.size() > target.items.size()
                     ? "too many values to unpack (expected " + std::to_string(target.items.size()) + ")"
                     : "not enough values to unpack (expected " + std::to_string(target.items.size()) + ", got " +
                           std::to_string(items.size()) + ")");
        for (std::size_t i = 0; i < items.size(); ++i) assign(*target.items[i], items[i]);
    }
}

Value Evaluator::make_macro(const Stmt& def, const std::string& name) {
    tracked_frames_.push_back(frame_);
    return Value(CallablePtr(std::make_shared<Macro>(def, frame_, name)));
}

Value Evaluator::call_macro(const Stmt& def, const FramePtr& closure, const CallArgs& args, const std::string& name) {
    if (macro_depth_ >= kMaxMacroDepth) fail("maximum macro recursion depth exceeded in '" + name + "'");
    auto frame = std::make_shared<Frame>();
    frame->parent = closure;
    FramePtr saved = frame_;
    frame_ = frame;
    ++macro_depth_;
    try {
        const std::size_t first_default = def.params.size() - def.defaults.size();
        for (std::size_t i = 0; i < def.params.size(); ++i) {
            const std::string& p = def.params[i];
            if (i < args.positional.size()) {
                frame->vars[p] = args.positional[i];
            } else if (args.has(static_cast<std::size_t>(-1), p)) {
                frame->vars[p] = args.get(static_cast<std::size_t>(-1), p);
            } else if (i >= first_default) {
                frame->vars[p] = eval(*def.defaults[i - first_default]);
            } else {
                frame->vars[p] = Value(Undefined{"parameter '" + p + "' was not provided"});
            }
        }
        std::vector<Value> varargs;
        for (std::size_t i = def.params.size(); i < args.positional.size(); ++i) varargs.push_back(args.positional[i]);
        frame->vars["varargs"] = make_list(std::move(varargs), true);
        Value kwargs = make_dict();
        for (const auto& [k, v] : args.keyword) {
            if (k == "caller") frame->vars["caller"] = v;
            else if (std::find(def.params.begin(), def.params.end(), k) == def.params.end())
                kwargs.dict()->set(Value(k), v);
        }
        frame->vars["kwargs"] = kwargs;
        frame_ = saved;
        Value result(render_body(def.body, frame));
        --macro_depth_;
        return result;
    } catch (...) {
        frame_ = saved;
        --macro_depth_;
        throw;
    }
}

Value Evaluator::call(const Value& callee, const CallArgs& args) {
    if (callee.is_callable()) return callee.callable()->call(*this, args);
    if (callee.is_undefined()) fail_undefined(callee);
    fail("'" + type_name(callee) + "' object is not callable");
}

Value Evaluator::apply_filter_chain(const Expr& chain, Value input) {
    // A chain parsed without an input: the innermost Filter has a null items[0].
    std::vector<const Expr*> filters;
    for (const Expr* f = &chain; f; f = f->items[0].get()) filters.push_back(f);
    for (auto it = filters.rbegin(); it != filters.rend(); ++it) {
        const Expr& f = **it;
        input = at_line(f.line, [&] { return apply_filter(*this, f.name, input, eval_args(f, 1)); });
    }
    return input;
}

} // namespace moecut::jinja
