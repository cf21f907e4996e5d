"""The conversations and Jinja snippets that make_chat_template_fixtures.py renders.

Each family lists what its template supports (tools, reasoning, thinking
switches, how tool-call arguments are passed), and conversations() builds the
cases for it: plain turns, system prompts, multi-turn, Unicode, reasoning and
<think> content, tool definitions, tool calls and results, generation prompts
on and off, and the family's own switches (enable_thinking, clear_thinking,
reasoning_effort). Some cases are expected to fail (a template refusing a
conversation), which the C++ test checks too.
"""

import copy
import json

FAMILIES = {
    "glm5": {"models": ["zai-org/GLM-5"], "bos_token": None, "eos_token": "<|endoftext|>",
             "args": "dict", "reasoning": True, "tools": True, "switches": ["enable_thinking", "clear_thinking"],
             "parts": True},
    "glm51": {"models": ["zai-org/GLM-5.1"], "bos_token": None, "eos_token": "<|endoftext|>",
              "args": "dict", "reasoning": True, "tools": True, "switches": ["enable_thinking", "clear_thinking"],
              "parts": True, "tool_reference": True},
    "glm52": {"models": ["zai-org/GLM-5.2"], "bos_token": None, "eos_token": "<|endoftext|>",
              "args": "dict", "reasoning": True, "tools": True,
              "switches": ["enable_thinking", "clear_thinking", "reasoning_effort"], "parts": True, "media": True,
              "tool_reference": True, "tool_outputs": True},
    "glm46": {"models": ["zai-org/GLM-4.6"], "bos_token": None, "eos_token": "<|endoftext|>",
              "args": "dict", "reasoning": True, "tools": True, "switches": ["enable_thinking"], "parts": True},
    "glm45": {"models": ["zai-org/GLM-4.5", "zai-org/GLM-4.5-Air"], "bos_token": None, "eos_token": "<|endoftext|>",
              "args": "dict", "reasoning": True, "tools": True, "switches": ["enable_thinking"], "parts": True},
    "deepseek_v3": {"models": ["deepseek-ai/DeepSeek-V3"], "bos_token": "<｜begin▁of▁sentence｜>",
                    "eos_token": "<｜end▁of▁sentence｜>", "args": "str", "reasoning": False, "tools": False,
                    "switches": [], "tool_calls": "deepseek_v3"},
    "deepseek_v31": {"models": ["deepseek-ai/DeepSeek-V3.1"], "bos_token": "<｜begin▁of▁sentence｜>",
                     "eos_token": "<｜end▁of▁sentence｜>", "args": "str", "reasoning": False, "tools": False,
                     "switches": ["thinking"]},
    "deepseek_v32": {"models": ["deepseek-ai/DeepSeek-V3.2 (llama.cpp template)"],
                     "bos_token": "<｜begin▁of▁sentence｜>", "eos_token": "<｜end▁of▁sentence｜>", "args": "dict",
                     "reasoning": True, "tools": True, "switches": ["enable_thinking"], "developer": True},
    "qwen3_moe": {"models": ["Qwen/Qwen3-30B-A3B", "Qwen/Qwen3-235B-A22B"], "bos_token": None,
                  "eos_token": "<|im_end|>", "args": "dict", "reasoning": True, "tools": True,
                  "switches": ["enable_thinking"]},
    "qwen2_moe": {"models": ["Qwen/Qwen1.5-MoE-A2.7B-Chat", "Qwen/Qwen2-57B-A14B-Instruct"], "bos_token": None,
                  "eos_token": "<|im_end|>", "args": None, "reasoning": False, "tools": False, "switches": []},
    "qwen2_moe_tools": {"models": ["Qwen/Qwen2-57B-A14B-Instruct (xinference tool template)"], "bos_token": None,
                        "eos_token": "<|im_end|>", "args": "dict", "reasoning": False, "tools": True,
                        "switches": [], "tool_names": True},
    "mixtral": {"models": ["mistralai/Mixtral-8x7B-Instruct-v0.1"], "bos_token": "<s>", "eos_token": "</s>",
                "args": None, "reasoning": False, "tools": False, "switches": [], "alternating": True},
}

TOOLS = [
    {"type": "function", "function": {
        "name": "get_weather", "description": "Get the current weather — météo, 天气",
        "parameters": {"type": "object", "properties": {
            "city": {"type": "string", "description": "City name, e.g. 東京"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "description": "Temperature unit"}},
            "required": ["city"]}}},
    {"type": "function", "function": {
        "name": "search", "description": "Search the web",
        "parameters": {"type": "object", "properties": {
            "query": {"type": "string", "description": "Query text"},
            "limit": {"type": "integer", "description": "How many results"},
            "safe": {"type": "boolean", "description": "Safe search"},
            "tags": {"type": "array", "items": {"type": "string"}, "description": "Tags"},
            "score": {"type": "number", "description": "Minimum score"},
            "filters": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Extra filters"},
            "lang": {"type": ["string", "null"], "description": "Language"}},
            "required": ["query"]}}},
]

UNICODE_TEXT = "Grüße, 世界! 🚀 \"quoted\" and 'single' back\\slash\ttab\nnew line — ünïcödé"
SYSTEM = "You are a careful assistant. Réponds brièvement."


def user(text):
    return {"role": "user", "content": text}


def assistant(text, **extra):
    return {"role": "assistant", "content": text, **extra}


def tool_call(info, call_id, name, args):
    if info["args"] == "str":
        args = json.dumps(args, ensure_ascii=False)
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": args}}


def tool_result(info, call_id, name, content):
    msg = {"role": "tool", "tool_call_id": call_id, "content": content}
    if info.get("tool_names"):
        msg["name"] = name
    return msg


def case(name, messages, add_generation_prompt, tools=None, extra=None):
    c = {"name": name, "messages": copy.deepcopy(messages), "add_generation_prompt": add_generation_prompt}
    c["tools"] = copy.deepcopy(tools)
    c["extra_context"] = dict(extra or {})
    return c


def tools_for(info):
    if not info.get("tool_names"):
        return TOOLS
    tools = copy.deepcopy(TOOLS)
    del tools[1]["function"]["parameters"]["properties"]["lang"]
    return tools


def tool_conversation(info):
    calls = [tool_call(info, "call_1", "get_weather", {"city": "Paris", "unit": "celsius"}),
             tool_call(info, "call_2", "search", {"query": "MoE pruning", "limit": 3, "safe": True,
                                                  "tags": ["ml", "моэ"], "score": 0.5})]
    return [
        user("What's the weather in Paris, and find papers on MoE pruning?"),
        assistant("" if info.get("tool_calls") != "deepseek_v3" else "", tool_calls=calls),
        tool_result(info, "call_1", "get_weather", "{\"temp\": 21, \"sky\": \"clear\"}"),
        tool_result(info, "call_2", "search", "1. REAP: expert pruning (2025)"),
        assistant("It is 21 °C and clear in Paris. Top paper: REAP."),
    ]


def conversations(family, info):
    out = [
        case("user_only", [user("Hello!")], True),
        case("system_user", [{"role": "system", "content": SYSTEM}, user("What is 2 + 2?")], True),
        case("multi_turn", [{"role": "system", "content": SYSTEM}, user("Hi"), assistant("Hello! How can I help?"),
                            user("Tell me a joke.")], True),
        case("multi_turn_no_prompt", [user("Ping"), assistant("Pong")], False),
        case("unicode", [{"role": "system", "content": "Tu es un assistant — 助手"}, user(UNICODE_TEXT)], True),
        case("whitespace", [user("  padded question \n\n"), assistant("\n  answer with spaces  \n"), user("next")],
             True),
        case("none_content_dropped", [user("Q"), assistant("A", tool_calls=None), user("Q2")], True),
    ]
    if info.get("alternating"):
        out += [
            case("not_alternating", [user("one"), user("two")], True),
            case("tool_role_refused", [user("x"), {"role": "tool", "content": "y"}], True),
            case("system_then_pairs", [{"role": "system", "content": SYSTEM}, user("a"), assistant("b"), user("c"),
                                       assistant("d")], False),
        ]
    if info["reasoning"]:
        out += [
            case("reasoning_history", [user("What is 6 * 7?"),
                                       assistant("42", reasoning_content="6 * 7 = 42, easy."),
                                       user("And 7 * 8?")], True),
            case("reasoning_last_turn", [user("What is 6 * 7?"),
                                         assistant("It is 42.", reasoning_content="\nMultiply: 6 * 7 = 42.\n")],
                 False),
            case("inline_think", [user("Think first."),
                                  assistant("<think>\nstep one\nstep two\n</think>\n\nThe answer is 4.")], False),
            case("reasoning_alias_thinking", [user("hi"), assistant("hey", thinking="greeting back")], False),
        ]
    else:
        out.append(case("think_in_content", [user("Q"), assistant("<think>hidden</think>visible")], False))
    if info["tools"]:
        out.append(case("tools_defined", [{"role": "system", "content": SYSTEM}, user("Weather in 東京?")], True,
                        tools=tools_for(info)))
        if info.get("tool_names"):  # a ["string", "null"] type recurses without end in this template
            out.append(case("tools_union_type_recursion", [user("x")], True, tools=TOOLS))
    if info["args"] is not None:
        conv = tool_conversation(info)
        tools = tools_for(info) if info["tools"] else None
        out.append(case("tool_calls_and_results", conv, False, tools=tools))
        out.append(case("tool_results_then_prompt", conv[:4], True, tools=tools))
    if info.get("tool_calls") == "deepseek_v3":
        conv = tool_conversation(info)
        conv[1]["content"] = None  # dropped by transformers, so the template meets an undefined content
        out.append(case("tool_call_content_none", conv[:3], True))
    for switch in info["switches"]:
        if switch == "enable_thinking":
            for value in (False, True):
                out.append(case(f"enable_thinking_{str(value).lower()}",
                                [user("Quick question"), assistant("Sure", reasoning_content="thought")
                                 if info["reasoning"] else assistant("Sure"), user("Is the sky blue?")], True,
                                extra={"enable_thinking": value}))
        elif switch == "thinking":
            for value in (False, True):
                out.append(case(f"thinking_{str(value).lower()}", [user("Solve x + 1 = 3")], True,
                                extra={"thinking": value}))
            out.append(case("enable_thinking_alias", [user("Solve x + 1 = 3")], True, extra={"enable_thinking": True}))
        elif switch == "clear_thinking":
            conv = [user("First"), assistant("One", reasoning_content="r1"), user("Second"),
                    assistant("Two", reasoning_content="r2")]
            for value in (False, True):
                out.append(case(f"clear_thinking_{str(value).lower()}", conv, True, extra={"clear_thinking": value}))
        elif switch == "reasoning_effort":
            for value in ("high", "low"):
                out.append(case(f"reasoning_effort_{value}", [user("Plan a trip")], True,
                                extra={"reasoning_effort": value}))
    if info.get("parts"):
        out.append(case("content_parts", [{"role": "system", "content": [{"type": "text", "text": "Sys part."}]},
                                          {"role": "user", "content": [{"type": "text", "text": "Part one. "},
                                                                       {"type": "text", "text": "Part two."}]}],
                        True))
    if info.get("media"):
        out.append(case("media_parts", [{"role": "user", "content": [
            {"type": "text", "text": "Describe this: "}, {"type": "image_url", "image_url": {"url": "http://x/y.png"}},
            {"type": "input_audio", "input_audio": {"data": "..."}}]}], True))
    if info.get("tool_reference"):
        out.append(case("tool_reference_result", [
            user("Which tools?"), assistant("", tool_calls=[tool_call(info, "c1", "search", {"query": "tools"})]),
            {"role": "tool", "content": [{"type": "tool_reference", "name": "get_weather"}]}], True, tools=TOOLS))
    if info.get("tool_outputs"):
        out.append(case("tool_output_list", [
            user("Run it"), assistant("", tool_calls=[tool_call(info, "c1", "get_weather", {"city": "Rome"})]),
            {"role": "tool", "content": [{"output": "18 C"}, {"output": "cloudy"}]}], True, tools=TOOLS))
    if info.get("developer"):
        out.append(case("developer_role", [{"role": "developer", "content": "Be terse."}, user("Hi")], True,
                        tools=TOOLS))
        out.append(case("response_format", [{"role": "system", "content": SYSTEM,
                                             "response_format": {"type": "json_object", "schema": {"a": 1}}},
                                            user("Give JSON")], True))
    return out


USERS = [{"name": "ann", "admin": True, "age": 31}, {"name": "bob", "admin": False, "age": 25},
         {"name": "Cyd", "admin": True, "age": 40}]
NESTED = {"b": [1, 2.0, None, True, "é\"\\\n"], "a": {}, "c": {"x": [], "y": "日本"}}


def J(name, template, **context):
    return {"name": name, "template": template, "context": context}


JINJA_CASES = [
    # whitespace control, trim_blocks, lstrip_blocks, trailing newline
    J("ws_blocks", "a\n  {% if true %}\n    b\n  {% endif %}\nc"),
    J("ws_dash", "x  {%- if true -%}  y  {%- endif -%}  z"),
    J("ws_vars_keep_newlines", "{{ 'a' }}\n{{ 'b' }}\n"),
    J("ws_comment", "p\n  {# note #}\nq {#- tight -#}  r"),
    J("ws_raw", "{% raw %}{{ not parsed }} {% if %}{% endraw %}!"),
    J("ws_plus_disables_lstrip", "x\n    {%+ if true %}y{% endif %}"),
    J("ws_plus_disables_trim", "{% if true +%}\nkeep{% endif %}"),
    J("ws_trailing_newlines", "x\n\n"),
    J("ws_crlf", "a\r\n{% if true %}\r\nb\r\n{% endif %}\r\nc"),
    J("ws_var_dash", "a   {{- 'b' -}}   c\n\n  {{ 'd' }}"),
    # literals, printing and Python semantics
    J("print_values", "{{ none }} {{ true }} {{ [1, 'a', none, true, 2.5, {'k': 'v'}] }} {{ (1,) }} {{ (1, 2) }} "
                      "{{ {} }} {{ [] }}"),
    J("print_string_reprs", "{{ [\"it's\", 'say \"hi\"', 'both \\' and \"', '\\n\\t\\\\', 'é', '\\x07'] }}"),
    J("floats", "{{ 1e16 }} {{ 1e-5 }} {{ 0.1 + 0.2 }} {{ 1.0 }} {{ 100.0 }} {{ 1.5e300 }} {{ 123456789012345678.0 }} "
                "{{ 0.0001 }} {{ -2.5 }} {{ 1_000.5 }}"),
    J("arithmetic", "{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % -3 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 7 / 2 }} {{ 1 + 2.5 }} "
                    "{{ 10 / 4 }} {{ 3 * 'ab' }} {{ [1, 2] + [3] }} {{ -(3) }} {{ 2 * 3 + 4 }} {{ 2 + 3 * 4 }} "
                    "{{ 10 - 2 - 3 }} {{ 0x1F }} {{ 0b101 }} {{ 0o17 }}"),
    J("concat", "{{ 'a' ~ 1 ~ none ~ true ~ undefined_name ~ 2.0 }} {{ (1 + 2) ~ 3 }} {{ 'x' + 'y' ~ 'z' }}"),
    J("compare", "{{ 1 == 1.0 }} {{ true == 1 }} {{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ 'a' in 'abc' }} "
                 "{{ 3 not in [1, 2] }} {{ 'k' in {'k': 1} }} {{ [1, 2] == [1, 2] }} {{ 'a' < 'b' }} {{ none == none }} "
                 "{{ 'x' != 'y' }} {{ 2 >= 2 }}"),
    J("and_or_values", "[{{ '' or 'x' }}] [{{ 0 and 5 }}] [{{ none or [] }}] [{{ 'a' and 'b' }}] [{{ not 0 }}] "
                       "[{{ not 'x' }}]"),
    J("inline_if", "[{{ 'x' if false }}] [{{ 'y' if true else 'n' }}] [{{ 'a' if false else 'b' if true else 'c' }}]"),
    J("slicing", "{{ [1, 2, 3, 4][::-1] }} {{ 'héllo'[1:3] }} {{ 'abc'[-1] }} {{ [1, 2, 3][1:] }} {{ 'hello'[::2] }} "
                 "{{ '日本語'[::-1] }} {{ [1, 2, 3][:-1] }} {{ 'abc'[5:] }} {{ [1, 2, 3, 4, 5][4:0:-2] }} "
                 "{{ messages[0].content }}", messages=[{"content": "first"}]),
    J("string_escapes", "{{ 'tab\\there' }}|{{ \"quote\\\"d\" }}|{{ '\\u00e9\\x41\\101' }}|{{ 'a\\qb' }}|"
                        "{{ 'multi' 'part' }}|{{ '\\U0001F600' }}"),
    J("string_methods", "{{ '  x  '.strip() }}|{{ 'a,b,,c'.split(',') }}|{{ ' a  b '.split() }}|"
                        "{{ 'abc'.startswith(('x', 'a')) }}|{{ 'Hello World'.lower() }}|{{ 'hello world'.title() }}|"
                        "{{ 'xxhixx'.strip('x') }}|{{ 'a-b-c'.rsplit('-', 1) }}|{{ 'abc'.replace('b', 'B') }}|"
                        "{{ '{} and {}'.format(1, 'two') }}|{{ 'héllo'.upper() }}|{{ 'x'.join(['a', 'b']) }}|"
                        "{{ 'abcabc'.find('c') }}|{{ 'a\\nb\\r\\nc'.splitlines() }}|{{ 'abc'.endswith('bc') }}|"
                        "{{ 'Straße'.upper() }}|{{ 'a b c'.split(' ', 1) }}|{{ '  x'.lstrip() }}|{{ 'x\\n'.rstrip() }}|"
                        "{{ 'ab'.count('') }}|{{ 'ÀÉÎ'.lower() }}"),
    J("filters_basic", "{{ [3, 1, 2]|sort }} {{ ['b', 'A', 'a']|sort }} {{ {'b': 1, 'a': 2}|dictsort }} "
                       "{{ [1, 2, 2, 3]|unique|list }} {{ 'abc'|upper }} [{{ 'x'|center(6) }}] {{ [1, 2, 3]|join('-') }} "
                       "{{ [1, 2, 3]|sum }} {{ [1, 2, 3]|first }} {{ [1, 2, 3]|last }} {{ 'hello'|length }} "
                       "{{ '日本'|length }} {{ 'max'|capitalize }} {{ 'hello world-foo(bar)'|title }} [{{ ' x '|trim }}] "
                       "{{ 'xyx'|trim('x') }}"),
    J("filters_numbers", "{{ 3.7|int }} {{ '42'|int }} {{ 'x'|int(7) }} {{ '3.5'|float }} {{ 2.5|round }} "
                         "{{ 3.5|round }} {{ 3.14159|round(2) }} {{ 2.1|round(0, 'ceil') }} {{ -3|abs }} {{ 5|round }} "
                         "{{ '0x1A'|int(0, 16) }} {{ true|int }} {{ '12abc'|int }}"),
    J("filters_default", "[{{ none|default('d') }}] [{{ undefined_var|default('d') }}] [{{ ''|default('e', true) }}] "
                         "[{{ undefined_var|d }}] [{{ 0|default(5) }}]"),
    J("filters_seq", "{{ [1, 2, 3]|reverse|list }} {{ 'abc'|reverse }} {{ users|map(attribute='name')|join(',') }} "
                     "{{ users|selectattr('admin')|map(attribute='name')|list }} {{ users|rejectattr('admin')|list|length }} "
                     "{{ [1, 2, 3, 4]|select('odd')|list }} {{ [1, 2, 3]|map('string')|list }} "
                     "{{ {'a': 1}|items|list }} {{ 'a b'|replace(' ', '_') }} {{ [3, 1]|max }} {{ [3, 1]|min }} "
                     "{{ [[1, 2], [3]]|map('length')|list }} {{ users|selectattr('name', 'equalto', 'bob')|list|length }} "
                     "{{ users|sort(attribute='age')|map(attribute='name')|list }} {{ users|map(attribute='age')|sum }} "
                     "{{ users|max(attribute='age') }} {{ ['B', 'a', 'C']|sort(case_sensitive=true) }} "
                     "{{ [1, 2, 3, 4, 5]|batch(2)|list }} {{ users|map(attribute='missing', default='?')|list }} "
                     "{{ users|selectattr('age', 'gt', 30)|map(attribute='name')|join }}", users=USERS),
    J("filters_text", "{{ 'text\\nmore\\n\\nend'|indent(2) }}|{{ 'a\\nb'|indent(2, true) }}|{{ '<a href=\"x\">&'|e }}|"
                      "{{ '%s is %d'|format('x', 3) }}|{{ 'hello big world'|wordcount }}|{{ 'x'|string }}|"
                      "{{ [1]|string }}|{{ 'AbC'|lower }}|{{ '%(a)s'|format(a=1) }}"),
    J("tojson", "{{ nested|tojson }}|{{ nested|tojson(indent=2) }}|{{ nested|tojson(separators=(',', ':')) }}|"
                "{{ nested|tojson(sort_keys=true) }}|{{ 'é'|tojson(ensure_ascii=true) }}|"
                "{{ '😀\\u2028'|tojson(ensure_ascii=true) }}|{{ '😀\\u2028\\x7f\\x01'|tojson }}|{{ [[], {}]|tojson(indent=1) }}|"
                "{{ 1.0|tojson }}|{{ 1e20|tojson }}|{{ {'k': [1, {'z': none}]}|tojson(indent='\\t') }}", nested=NESTED),
    J("tests", "{{ x is defined }} {{ y is undefined }} {{ none is none }} {{ 'a' is string }} {{ {} is mapping }} "
               "{{ [] is sequence }} {{ 1 is number }} {{ true is number }} {{ 1 is integer }} {{ true is integer }} "
               "{{ 1.0 is float }} {{ 3 is odd }} {{ 4 is divisibleby 2 }} {{ 'a' is in 'abc' }} {{ 1 is eq 1 }} "
               "{{ [] is iterable }} {{ none is iterable }} {{ 'abc' is lower }} {{ 'ABC' is upper }} "
               "{{ true is boolean }} {{ false is false }} {{ x is not none }} {{ y is iterable }} "
               "{{ 1 is sameas 1 }} {{ 'upper' is filter }} {{ 'odd' is test }} {{ 2 is gt 1 }} {{ 2 is le 1 }} "
               "{{ 'x' is mapping }} {{ range is callable }}", x=1),
    J("loops", "{% for x in [1, 2, 3] %}{{ loop.index }}/{{ loop.length }}{{ ',' if not loop.last }}{% endfor %}|"
               "{% for x in [] %}x{% else %}empty{% endfor %}|{% for x in range(10) if x is even %}{{ x }}{% endfor %}|"
               "{% for x in range(10) %}{% if x == 5 %}{% break %}{% endif %}{% if x is odd %}{% continue %}{% endif %}"
               "{{ x }}{% endfor %}|{% for a in [1, 2] %}{% for b in 'xy' %}{{ a }}{{ b }}{{ loop.index0 }}{% endfor %}"
               "{% endfor %}|{% for x in 'abc' %}{{ loop.revindex }}{{ loop.previtem }}{{ loop.nextitem }};{% endfor %}|"
               "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}|{% for k in d %}{{ k }}{% endfor %}|"
               "{% for x in range(4) %}{{ loop.cycle('a', 'b') }}{% endfor %}|{% for x in range(1, 10, 3) %}{{ x }}"
               "{% endfor %}|{% for x in range(5, 0, -2) %}{{ x }}{% endfor %}|{% for a, b in [[1, 2], [3, 4]] %}"
               "{{ a + b }}{% endfor %}", d={"z": 1, "a": 2}),
    # Jinja runs a for loop's else block unless some iteration reached the end of
    # its body: iterations cut short by continue or break do not count.
    J("for_else_flag", "{% for i in range(2) %}{% continue %}{% else %}A{% endfor %}|"
                       "{% for i in [1] %}{% break %}{% else %}B{% endfor %}|"
                       "{% for i in [1, 2] %}{% if i == 2 %}{% break %}{% endif %}{% else %}C{% endfor %}|"
                       "{% for i in [1, 2] %}{% if i == 1 %}{% continue %}{% endif %}{% else %}D{% endfor %}"),
    J("scoping", "{% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{{ x }}{% endfor %}{{ x }}|"
                 "{% set ns = namespace(n=0) %}{% for i in range(4) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}|"
                 "{% if true %}{% set y = 5 %}{% endif %}{{ y }}|{% for i in [1, 2] %}{% if i == 1 %}{% set z = 'one' %}"
                 "{% endif %}[{{ z }}]{% endfor %}|{% set a, b = 1, 2 %}{{ a }}{{ b }}|{% set ns2 = namespace() %}"
                 "{% set ns2.v = 'late' %}{{ ns2.v }}|{% with w = 3 %}{{ w }}{% endwith %}[{{ w }}]|{{ ns }}"),
    J("macros", "{% macro greet(name, greeting='Hello') %}{{ greeting }}, {{ name }}!{% endmacro %}"
                "{{ greet('Ann') }} {{ greet('Bob', greeting='Hi') }} {{ greet(name='Cy') }}|"
                "{% macro fact(n) %}{{ 1 if n <= 1 else n * fact(n - 1)|int }}{% endmacro %}{{ fact(5) }}|"
                "{% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}{% call wrap('b') %}inner{% endcall %}|"
                "{% set body %}x{{ 1 + 1 }}{% endset %}{{ body|upper }}|{% filter upper %}abc{{ 'd' }}{% endfilter %}|"
                "{% macro uses_outer() %}{{ outer }}{% endmacro %}{% set outer = 'late-bound' %}{{ uses_outer() }}|"
                "{% macro m() %}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, k=3) }}|{{ greet }}|"
                "{{ greet('x').upper() }}"),
    J("dicts", "{{ d.get('missing', 'dflt') }} {{ d.get('missing') }} {{ d['a'] }} {{ d.a }} {{ d.keys()|list }} "
               "{{ d.items()|list }} {{ d.values()|list }} {{ d|length }} {{ {'x': 1, 'x': 2} }} {{ dict(p=1, q='r') }} "
               "{{ d['missing'] is defined }} {{ {1: 'int key', 'k': none}|tojson }}", d={"a": 1, "b": [2]}),
    J("messages_like", "{% for m in messages %}{{ m.role }}:{{ m['content'] }}{% if m.tool_calls %}"
                       "[{% for tc in m.tool_calls %}{{ tc.function.name }}{{ tc.function.arguments|tojson }}"
                       "{% endfor %}]{% endif %}\n{% endfor %}{{ messages|length }} {{ messages[-1].content }} "
                       "{{ messages[0].missing is defined }} {{ messages.0.role }}",
      messages=[{"role": "user", "content": "hé"},
                {"role": "assistant", "content": "", "tool_calls": [
                    {"function": {"name": "f", "arguments": {"x": [1, "é"]}}}]}]),
    J("strftime_shape", "{{ strftime_now('%Y')|length }}"),
    # errors: the C++ test only checks that rendering fails (and the message for raise_exception)
    J("error_raise", "a{{ raise_exception('Conversation roles must alternate!') }}"),
    J("error_undefined_attr", "{{ missing.attr }}"),
    J("error_undefined_arith", "{{ missing + 'x' }}"),
    J("error_type", "{{ 1 + 'a' }}"),
    J("error_concat_precedence", "{{ 1 + 2 ~ 3 }}"),
    J("error_unknown_filter_used", "{{ 'x'|no_such_filter }}"),
    J("error_recursion", "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}"),
    J("error_list_append", "{% set l = [1] %}{{ l.append(2) }}"),
    J("error_syntax", "{% for x in %}{% endfor %}"),
    J("unknown_filter_not_run", "{% if false %}{{ x|no_such_filter }}{{ x is no_such_test }}{% endif %}ok"),
    J("error_unclosed", "{% if true %}open"),
    J("error_namespace_underscore", "{% set ns = namespace() %}{% set ns._secret = 1 %}"),
]
