#!/usr/bin/env python3
"""Golden fixtures for moecut's chat-template renderer.

For every family folder under tests/data/chat_templates/ (each holds the real
template.jinja of a model family, see SOURCES.md), renders a set of
conversations with transformers' apply_chat_template(tokenize=False) and
writes cases.json: the messages, tools, add_generation_prompt, extra template
variables and the exact expected string (or the error the template raises).

Also writes jinja_cases.json: small templates exercising the interpreter
(expressions, filters, tests, loops, whitespace control), rendered by the same
Jinja environment transformers uses for chat templates.

Run with the reference environment:
    /opt/refvenv/bin/python scripts/make_chat_template_fixtures.py
"""

import copy
import json
import pathlib
import sys

from tokenizers import Tokenizer
from tokenizers.models import WordLevel
from transformers import PreTrainedTokenizerFast
from transformers.utils.chat_template_utils import _compile_jinja_template

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "chat_templates"
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from chat_template_cases import FAMILIES, JINJA_CASES, conversations  # noqa: E402


def make_tokenizer(template, bos, eos):
    vocab = {"<unk>": 0}
    for tok in (bos, eos):
        if tok is not None:
            vocab.setdefault(tok, len(vocab))
    backend = Tokenizer(WordLevel(vocab, unk_token="<unk>"))
    kwargs = {"tokenizer_object": backend, "chat_template": template}
    if bos is not None:
        kwargs["bos_token"] = bos
    if eos is not None:
        kwargs["eos_token"] = eos
    return PreTrainedTokenizerFast(**kwargs)


def render_case(tok, case):
    kwargs = dict(case.get("extra_context", {}))
    try:
        out = tok.apply_chat_template(
            copy.deepcopy(case["messages"]),
            tools=copy.deepcopy(case.get("tools")),
            add_generation_prompt=case["add_generation_prompt"],
            tokenize=False,
            **kwargs,
        )
        return {"expected": out}
    except Exception as e:  # the template (or transformers) refused the conversation
        from jinja2.exceptions import TemplateError

        kind = "raise_exception" if type(e) is TemplateError else "error"
        return {"expected_error": str(e), "error_kind": kind}


def main():
    for family, info in FAMILIES.items():
        folder = DATA / family
        template = (folder / "template.jinja").read_text(encoding="utf-8")
        tok = make_tokenizer(template, info["bos_token"], info["eos_token"])
        special = {k: v for k, v in tok.special_tokens_map.items() if isinstance(v, str)}
        cases = []
        for case in conversations(family, info):
            result = render_case(tok, case)
            cases.append({**case, **result})
        doc = {
            "family": family,
            "models": info["models"],
            "generator": "scripts/make_chat_template_fixtures.py (transformers apply_chat_template, tokenize=False)",
            "special_tokens": special,
            "cases": cases,
        }
        (folder / "cases.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        n_err = sum(1 for c in cases if "expected_error" in c)
        print(f"{family}: {len(cases)} cases ({n_err} errors)")

    jinja_out = []
    for case in JINJA_CASES:
        try:
            compiled = _compile_jinja_template(case["template"])
            jinja_out.append({**case, "expected": compiled.render(**case.get("context", {}))})
        except Exception as e:
            jinja_out.append({**case, "expected_error": f"{type(e).__name__}: {e}"})
    (DATA / "jinja_cases.json").write_text(json.dumps(jinja_out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"jinja_cases: {len(jinja_out)}")


if __name__ == "__main__":
    main()
