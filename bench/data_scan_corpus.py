#!/usr/bin/env python3
"""Corpus and scoring for bench/data-scan (stdlib only).

usage:
  data_scan_corpus.py generate OUT.jsonl TRUTH.tsv SIZE_BYTES [SEED]
  data_scan_corpus.py score TRUTH.tsv SCAN.json FILE_SUFFIX
  data_scan_corpus.py score-lines TRUTH.tsv LINES.txt

generate: JSON Lines of chat records in the shapes datasets use (ShareGPT
`conversations`, OpenAI `messages`, Alpaca instruction/output, plain
`text`), filler made of generated words, English function words and the
content words phrases are made of, with about 1% planted
generated records (a provider's self-identification or refusal template
in a model turn, or a metadata field naming its model) and about 1%
decoys (the same phrases in user turns, near misses such as "I'm Gemmas"
or "An AI language model is", model names of no provider).  A third of
the planted phrases are written the way real exports write them: curly
or \\u2019-escaped apostrophes, \\n escapes, doubled blanks, odd case.
TRUTH.tsv gets one "line<TAB>provider" row per planted record.

score: precision and recall of `pedigree scan-data --format json
--samples N` output against TRUTH.tsv, over (line, provider) pairs of the
file whose path ends with FILE_SUFFIX.

score-lines: precision and recall of a list of matching line numbers (a
provider-blind peer such as `rg -n`) against the planted lines.
"""
import json
import random
import sys

# (provider key, self-identification phrases, templates, model names).
# The phrases are a subset of plugins/dataset-origin/phrases.c.
PLANTS = [
    ("openai", ["As an AI language model", "I am ChatGPT",
                "large language model trained by OpenAI"],
     ["As of my last knowledge update",
      "I'm sorry, but I can't assist with that"],
     ["gpt-4o", "gpt-4-turbo", "gpt-3.5-turbo", "openai/gpt-4o-mini"]),
    ("anthropic", ["I am Claude, an AI assistant",
                   "AI assistant created by Anthropic"], [],
     ["claude-3-5-sonnet-20241022", "claude-3-opus"]),
    ("alibaba-qwen", ["I am Qwen", "created by Alibaba Cloud"], [],
     ["Qwen/Qwen2.5-72B-Instruct", "qwen-max"]),
    ("google-gemma", ["I'm Gemma", "I am Gemma"], [],
     ["gemma-2-27b-it", "google/gemma-2-9b-it"]),
    ("meta-llama", ["I'm Meta AI"],
     ["As a responsible AI language model"],
     ["meta-llama/Llama-3.1-70B-Instruct", "llama-3-8b"]),
    ("deepseek", ["I am DeepSeek"], [], ["deepseek-chat", "deepseek-r1"]),
    ("xai", ["I am Grok, built by xAI"], [], ["grok-2"]),
]
META_KEYS = ["model", "generator", "teacher", "source_model"]
DECOY_TEXT = [
    "An AI language model is a program that predicts text.",
    "I'm Gemmas cousin, nice to meet you.",
    "We compared QwenLM baselines and ChatGPTish clones.",
    "Claude Monet painted water lilies.",
    "The term large language model appears in the paper.",
]
DECOY_MODELS = ["my-own-model", "gpt2", "bert-base-uncased", "t5-small"]
# Function words are frequent, as in English; the content words that
# phrases are made of are as frequent as any other word.
FUNCTION = ("the a an and of to in is it you that for on with as are this "
            "be at by from or have not but what all were when we there can "
            "am I I'm my so").split()
CONTENT = ("model language AI assistant help created trained large data "
           "answer question team open cloud built developed knowledge "
           "update sorry assist").split()


def words(rng, n):
    syl = ["ka", "lo", "mi", "ra", "tu", "ve", "no", "si", "de", "pa",
           "ri", "on", "el", "an", "us", "ta", "go", "be", "ne", "lu"]
    out = []
    for _ in range(n):
        out.append("".join(rng.choice(syl)
                           for _ in range(rng.randint(1, 4))))
    return out


def variant(rng, phrase):
    """The phrase as a JSON string body (already escaped), and whether a
    plain substring search for the phrase would still find it."""
    k = rng.randrange(9)
    if k < 6:
        return json.dumps(phrase)[1:-1], True
    if k == 6 and "'" in phrase:
        return phrase.replace("'", "\\u2019"), False
    if k == 6 or k == 7:
        w = phrase.split(" ")
        i = rng.randrange(1, len(w)) if len(w) > 1 else 1
        return " ".join(w[:i]) + ("\\n" if k == 7 else "  ") + \
            " ".join(w[i:]), False
    return json.dumps(phrase.upper())[1:-1], False


def generate(out_path, truth_path, size, seed):
    rng = random.Random(seed)
    vocab = words(rng, 3000) + FUNCTION * 40 + CONTENT
    sentences = []
    for _ in range(4000):
        n = rng.randint(6, 22)
        s = " ".join(rng.choice(vocab) for _ in range(n))
        sentences.append(s[0].upper() + s[1:] + ".")

    def para(lo, hi):
        return " ".join(rng.choice(sentences)
                        for _ in range(rng.randint(lo, hi)))

    written = 0
    line = 0
    plants = 0
    with open(out_path, "w") as out, open(truth_path, "w") as truth:
        while written < size:
            line += 1
            r = rng.random()
            provider = None
            meta = None
            model_text = None    # a JSON-escaped string for a model turn
            user_text = None
            if r < 0.01:
                prov, phrases, tmpl, models = rng.choice(PLANTS)
                provider = prov
                kind = rng.randrange(3)
                if kind == 2 or (kind == 1 and not tmpl):
                    meta = (rng.choice(META_KEYS), rng.choice(models))
                else:
                    ph = rng.choice(tmpl if kind == 1 else phrases)
                    body, _plain = variant(rng, ph)
                    model_text = (json.dumps(para(0, 2))[1:-1] + " " +
                                  body + ", " +
                                  json.dumps(para(1, 3))[1:-1])
            elif r < 0.02:
                d = rng.randrange(3)
                if d == 0:
                    _, phrases, _t, _m = rng.choice(PLANTS)
                    user_text = ("Rewrite this so it sounds human: " +
                                 rng.choice(phrases) + " " + para(0, 1))
                elif d == 1:
                    model_text = json.dumps(rng.choice(DECOY_TEXT) + " " +
                                            para(1, 2))[1:-1]
                else:
                    meta = (rng.choice(META_KEYS),
                            rng.choice(DECOY_MODELS))
            rec = record(rng, para, model_text, user_text, meta)
            out.write(rec)
            out.write("\n")
            written += len(rec) + 1
            if provider:
                truth.write("%d\t%s\n" % (line, provider))
                plants += 1
    print("generate: %d records, %d bytes, %d planted" %
          (line, written, plants), file=sys.stderr)


def record(rng, para, model_text, user_text, meta):
    """One record; model_text is inserted raw into a model turn."""
    shape = rng.randrange(4)
    placeholder = "\x00MODEL\x00"
    answer = placeholder if model_text is not None else para(2, 6)
    question = user_text if user_text is not None else para(1, 2)
    if shape == 0:
        conv = [{"from": "human", "value": question},
                {"from": "gpt", "value": answer}]
        if rng.random() < 0.3:
            conv += [{"from": "human", "value": para(1, 1)},
                     {"from": "gpt", "value": para(1, 4)}]
        obj = {"id": "sg-%08x" % rng.getrandbits(32), "conversations": conv}
    elif shape == 1:
        obj = {"messages": [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": question},
            {"role": "assistant", "content": answer}]}
    elif shape == 2:
        obj = {"instruction": question, "input": "", "output": answer}
    else:
        obj = {"text": question + " " + answer}
        if user_text is not None:
            # plain text has no turns: keep the decoy out of it
            obj = {"instruction": question, "output": answer}
    if meta:
        obj[meta[0]] = meta[1]
    s = json.dumps(obj)
    if model_text is not None:
        s = s.replace(json.dumps(placeholder)[1:-1], model_text, 1)
    return s


def read_truth(path):
    t = set()
    for row in open(path):
        n, p = row.split()
        t.add((int(n), p))
    return t


def pr(found, truth):
    tp = len(found & truth)
    precision = tp / len(found) if found else 1.0
    recall = tp / len(truth) if truth else 1.0
    return precision, recall, tp


def score(truth_path, scan_path, suffix):
    truth = read_truth(truth_path)
    scan = json.load(open(scan_path))
    found = set()
    for o in scan["origins"]:
        for s in o["samples"]:
            if s["file"].endswith(suffix):
                found.add((s["line"], o["provider"]))
    p, r, tp = pr(found, truth)
    print("precision=%.4f recall=%.4f found=%d planted=%d" %
          (p, r, len(found), len(truth)))


def score_lines(truth_path, lines_path):
    truth = {n for n, _ in read_truth(truth_path)}
    found = {int(x) for x in open(lines_path) if x.strip()}
    p, r, tp = pr(found, truth)
    print("precision=%.4f recall=%.4f found=%d planted=%d" %
          (p, r, len(found), len(truth)))


def main(argv):
    if len(argv) >= 4 and argv[0] == "generate":
        seed = int(argv[4]) if len(argv) > 4 else 5
        generate(argv[1], argv[2], int(argv[3]), seed)
    elif len(argv) == 4 and argv[0] == "score":
        score(argv[1], argv[2], argv[3])
    elif len(argv) == 3 and argv[0] == "score-lines":
        score_lines(argv[1], argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
