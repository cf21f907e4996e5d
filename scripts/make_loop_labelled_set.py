#!/usr/bin/env python3
"""Writes tests/data/loops/labelled.jsonl: outputs labelled for the loop detector.

loop=false: legitimately repetitive text that ends (Markdown tables, unrolled
code, repeated calls, literal lists, enumerations, CSV, logs, prose).
loop=true: genuine loops (exact short and long cycles, paragraphs repeated with
a period over 500 tokens, near-duplicate loops with a changing counter,
</think> restarts). Text only: tests/core/test_loop_detector.cpp tokenises it
with the demo tokenizer (resources/models/tiny-glm5-moe/tokenizer.json).
Deterministic (random.Random with fixed seeds); plain python3 stdlib.

    python3 scripts/make_loop_labelled_set.py [OUT]
"""
import json
import random
import sys

WORDS = ("model expert router layer token weight value cache memory batch result table column "
         "system energy river city market garden window letter music paper science history "
         "number answer question problem method reason people water light sound north south "
         "quick small large early later simple common strong bright quiet heavy gentle").split()
NAMES = ["Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory", "Niaj",
         "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Victor", "Walter", "Yvonne"]


def sentence(rng, lo=6, hi=16):
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def paragraph(rng, n):
    return " ".join(sentence(rng) for _ in range(n))


def negatives():
    r = random.Random(1)
    out = []
    add = lambda cat, text: out.append({"category": cat, "loop": False, "text": text})
    for rows in (12, 40, 120):
        t = "| name | age | score | city |\n|---|---|---|---|\n"
        t += "".join(f"| {r.choice(NAMES)} | {r.randint(18, 90)} | {r.randint(0, 1000) / 10} | {r.choice(WORDS)} |\n"
                     for _ in range(rows))
        add("markdown_table", t)
    t = "| test | status |\n|------|--------|\n" + "".join(f"| test_{w}_{i} | ok |\n" for i, w in
                                                           enumerate(r.sample(WORDS, 40)))
    add("markdown_table", t)
    t = "| id | enabled |\n|---|---|\n" + "".join(f"| {i} | {'yes' if r.random() < 0.7 else 'no'} |\n" for i in range(150))
    add("markdown_table", t)
    add("unrolled_code", "".join(f"    a[{i}] = b[{i}] + c[{i}];\n" for i in range(64)))
    add("unrolled_code", "".join(f"    acc{i % 4} += x[i + {i}] * w[{i}];\n" for i in range(48)))
    add("unrolled_code", "".join(f"    movq {8 * i}(%rsi), %rax\n    addq %rax, {8 * i}(%rdi)\n" for i in range(40)))
    add("unrolled_code", "switch (op) {\n" + "".join(f"case {i}: return \"{w}\";\n" for i, w in enumerate(WORDS)) + "}\n")
    add("repeated_calls", "".join(f"assert_eq!(square({i}), {i * i});\n" for i in range(60)))
    add("repeated_calls", "".join(f"self.layer{i} = nn.Linear({2 ** (i % 6 + 4)}, {2 ** ((i + 1) % 6 + 4)})\n"
                                  for i in range(30)))
    add("repeated_calls", "".join(f"plt.plot(x, y{i}, label=\"{w}\")\n" for i, w in enumerate(WORDS[:30])))
    add("repeated_calls", "model.step()\nmodel.step()\nmodel.step()\nprint(model.loss)\n")
    add("repeated_calls", "".join(f"client.send(\"{r.choice(NAMES)}\", {r.randint(1, 999)})\n" for _ in range(80)))
    add("literal_list", "digits = [" + ", ".join(str(r.randint(0, 9)) for _ in range(300)) + "]\n")
    add("literal_list", "words = [" + ", ".join(f"\"{w}\"" for w in r.sample(WORDS, len(WORDS))) + "]\n")
    add("literal_list", "primes = [" + ", ".join(str(p) for p in range(2, 1200) if all(p % q for q in range(2, int(p ** .5) + 1))) + "]\n")
    add("literal_list", "table = {" + ", ".join(f"0x{r.getrandbits(16):04x}" for _ in range(200)) + "}\n")
    add("literal_list", "zeros = [" + ", ".join("0" for _ in range(16)) + "]\n")
    add("literal_list_hard", "buf = [" + ", ".join("0" for _ in range(48)) + "]\n")  # a known false positive
    add("enumeration", "\n".join(str(i) for i in range(1, 201)) + "\n")
    add("enumeration", "".join(f"{i}. {r.choice(WORDS)} {r.choice(WORDS)}\n" for i in range(1, 201)))
    add("enumeration", "".join(f"Step {i}: {sentence(r, 4, 9)}\n" for i in range(1, 31)))
    add("enumeration", "".join(f"- item {i}\n" for i in range(1, 121)))
    add("csv", "id,name,age,score\n" + "".join(f"{i},{r.choice(NAMES)},{r.randint(18, 90)},{r.random():.3f}\n"
                                               for i in range(150)))
    add("csv", "date,open,close\n" + "".join(f"2024-01-{d:02d},{100 + r.random() * 5:.2f},{100 + r.random() * 5:.2f}\n"
                                             for d in range(1, 32)))
    add("log", "".join(f"2024-05-01 12:{m:02d}:{r.randint(0, 59):02d} INFO request id={r.getrandbits(32):08x} "
                       f"status=200 time={r.randint(1, 300)}ms\n" for m in range(60)))
    add("multiplication", "".join(f"{a} x {b} = {a * b}\n" for a in range(2, 10) for b in range(1, 11)))
    add("json", "[" + ",\n".join(json.dumps({"id": i, "name": r.choice(NAMES), "active": r.random() < .5})
                                 for i in range(80)) + "]\n")
    add("sql", "".join(f"INSERT INTO users VALUES ({i}, '{r.choice(NAMES)}', {r.randint(18, 90)});\n" for i in range(70)))
    add("html", "<ul>\n" + "".join(f"  <li><a href=\"/{w}\">{w.capitalize()}</a></li>\n" for w in WORDS) + "</ul>\n")
    add("ascii_table", "+------+------+\n" + "".join(f"| {r.randint(0, 9999):4d} | {r.randint(0, 9999):4d} |\n"
                                                      "+------+------+\n" for _ in range(25)))
    add("separator", "Results\n" + "=" * 40 + "\n" + paragraph(r, 3) + "\n" + "-" * 40 + "\n")
    add("hexdump", "".join(f"{16 * i:08x}: " + " ".join(f"{r.getrandbits(8):02x}" for _ in range(16)) + "\n"
                           for i in range(40)))
    for k in range(3):
        add("prose", "\n\n".join(paragraph(r, 6) for _ in range(5)))
    chorus = paragraph(r, 3)
    add("lyrics", "\n\n".join([paragraph(r, 3), chorus, paragraph(r, 3), chorus, paragraph(r, 2), chorus]))
    add("quote_twice", (lambda p: f"The text says: {p}\nAgain, to be clear: {p}\nThat is all.")(paragraph(r, 4)))
    add("reasoning", "<think>" + paragraph(r, 5) + "</think>" + paragraph(r, 3))
    return out


def positives():
    r = random.Random(2)
    out = []
    add = lambda cat, text: out.append({"category": cat, "loop": True, "text": text})
    add("short_cycle", paragraph(r, 2) + " " + "the " * 300)
    add("short_cycle", paragraph(r, 3) + "\n" + "I'm sorry. " * 150)
    add("short_cycle", "Answer: " + "ha" * 400)
    add("short_cycle", "x = 1\n" + "\n" * 200)
    add("short_cycle", paragraph(r, 1) + " " + "!" * 300)
    for n in (1, 2, 3):
        s = " ".join(sentence(r) for _ in range(n))
        add("sentence_cycle", paragraph(r, 2) + " " + (s + " ") * 25)
    block = "".join(f"    if x > {i}:\n        y += {i}\n" for i in range(4))
    add("code_cycle", "def f(x):\n    y = 0\n" + block * 12)
    add("code_cycle", "| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * 80)
    add("code_cycle", "[" + "0, " * 400)
    for n_par in (9, 24, 32):
        p = paragraph(r, n_par)
        add("long_cycle", paragraph(r, 2) + "\n\n" + (p + "\n\n") * 4)
    p = "\n".join(f"line {w} {sentence(r)}" for w in WORDS[:25])
    add("long_cycle", "Here is the file:\n" + (p + "\n") * 3)
    tail = [sentence(r, 5, 8) for _ in range(3)]
    add("near_duplicate", paragraph(r, 2) + "\n" + "".join(f"Step {i}: {tail[0]}\n" for i in range(1, 260)))
    add("near_duplicate", "".join(f"Wait, maybe the answer is {i}. {tail[1]} Let me check again.\n" for i in range(10, 200)))
    add("near_duplicate", "".join(f"Attempt {i} failed with code {i * 7 % 100}. {tail[2]}\n" for i in range(1, 220)))
    add("near_duplicate", "".join(f"{tail[i % 2]} (iteration {i})\n" for i in range(400)))
    add("near_duplicate", "".join(f"| row {i} | {tail[0]} |\n" for i in range(300)))
    add("near_duplicate", paragraph(r, 1) + "\n" + "".join(f"Checking {r.choice(['a', 'b', 'c'])}: {tail[2]}\n"
                                                         for _ in range(300)))
    for k in range(3):
        add("think_restart", "<think>" + paragraph(r, 3) + "</think>" + paragraph(r, 2) + "</think>" + paragraph(r, 2))
    for k in range(3):
        add("think_restart", "<think>" + paragraph(r, 2) + "</think>" + paragraph(r, 1) + "<think>" + paragraph(r, 3))
    return out


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "tests/data/loops/labelled.jsonl"
    items = negatives() + positives()
    with open(path, "w", encoding="utf-8") as f:
        for i, item in enumerate(items):
            f.write(json.dumps({"id": f"{item['category']}-{i:03d}", **item}, ensure_ascii=False) + "\n")
    print(f"{path}: {len(items)} items, {sum(x['loop'] for x in items)} loops")


if __name__ == "__main__":
    main()
