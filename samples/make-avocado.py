#!/usr/bin/env python3
"""Regenerate the binary files of the worked sample samples/avocado.

    samples/make-avocado.py           write the files next to this script
    samples/make-avocado.py --check   regenerate in memory, compare with
                                      the committed files (exit 1 if any
                                      differs)
    samples/make-avocado.py --out D   write into D instead

Writes avocado/model.safetensors and avocado/data/avocado-chat-mix.tar.gz.
Everything is deterministic: fixed seeds, fixed archive metadata (mtime,
owner, mode, member order, written by hand), a gzip header without a
name or time.  The
output depends on nothing but this file and zlib's deflate, which has been
stable for decades (zlib-ng produces other, equally valid, bytes).

Standard library only.  All the text in the records is written here; the
self-identification phrases are short stock sentences of the kind that
leak into distilled data, placed so that dataset-origin detectors have
something to find.
"""

import argparse
import hashlib
import io
import json
import os
import random
import struct
import sys
import zlib

MTIME = 1740787200          # 2025-03-01T00:00:00Z, the mix's release date
OWNER = ("avocado", 1000)   # uname/gname and uid/gid of every tar member
TOP = "avocado-chat-mix"

# ---------------------------------------------------------------- weights


def bf16_bits(x):
    """Round a float to bfloat16 (nearest even) and return its 16 bits."""
    (u,) = struct.unpack("<I", struct.pack("<f", x))
    u += 0x7FFF + ((u >> 16) & 1)
    return (u >> 16) & 0xFFFF


def make_safetensors():
    rng = random.Random(20250301)
    lm_head = [rng.uniform(-0.08, 0.08) for _ in range(4 * 4)]
    embed = [rng.uniform(-0.05, 0.05) for _ in range(2 * 8)]
    blobs = [
        ("lm_head.weight", "F32", [4, 4],
         b"".join(struct.pack("<f", v) for v in lm_head)),
        ("model.embed_tokens.weight", "BF16", [2, 8],
         b"".join(struct.pack("<H", bf16_bits(v)) for v in embed)),
    ]
    header = {
        "__metadata__": {
            "format": "pt",
            "base_model": "Qwen/Qwen2.5-7B-Instruct",
            "license": "other",
            "license_name": "avocado-proprietary",
            "training": "distillation",
            # The training script records every teacher it loaded; the
            # model card names only two of them.
            "distill_teachers": "Qwen/Qwen2.5-7B-Instruct,"
                                "openai/gpt-oss-20b,google/gemma-2-9b-it",
            "dataset": "avocado-lab/avocado-chat-mix",
        }
    }
    data = b""
    for name, dtype, shape, raw in blobs:
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    hjson = json.dumps(header, separators=(",", ":")).encode("utf-8")
    # The data section must start 8-byte aligned; pad the header with
    # spaces, as the reference writer does.
    hjson += b" " * (-len(hjson) % 8)
    return struct.pack("<Q", len(hjson)) + hjson + data


# ---------------------------------------------------------------- records

# (topic, one-sentence explanation, three imperative tips)
TOPICS = [
    ("binary search",
     "Binary search finds an item in a sorted list by halving the part "
     "it looks at on every step, so a million items need about twenty "
     "comparisons.",
     ["keep the list sorted before you search it",
      "check the midpoint arithmetic for off-by-one errors",
      "stop as soon as the range is empty"]),
    ("a sourdough starter",
     "A sourdough starter is flour and water in which wild yeast and "
     "lactic bacteria live; feeding it regularly keeps them active enough "
     "to raise bread.",
     ["feed it at the same time every day",
      "keep it somewhere warm but out of the sun",
      "discard part of it before each feeding"]),
    ("compound interest",
     "Compound interest is interest earned on earlier interest as well as "
     "on the original sum, which is why savings grow faster the longer "
     "they are left alone.",
     ["start saving early, even small amounts",
      "compare rates by their annual percentage yield",
      "avoid withdrawing the interest"]),
    ("repotting a houseplant",
     "A plant needs repotting when its roots fill the pot and start to "
     "circle or poke out of the drainage holes.",
     ["choose a pot only one size larger",
      "water the plant a day before you move it",
      "loosen circling roots gently with your fingers"]),
    ("git rebase",
     "Rebasing replays your commits on top of another branch, giving a "
     "straight history instead of a merge commit.",
     ["never rebase commits that others have already pulled",
      "resolve conflicts one commit at a time",
      "keep a backup branch until you are sure"]),
    ("the water cycle",
     "Water evaporates from seas and land, condenses into clouds, falls "
     "as rain or snow and flows back to the sea through rivers and the "
     "ground.",
     ["draw the cycle as a loop when you explain it",
      "mention that the sun drives evaporation",
      "include groundwater, which people often forget"]),
    ("public speaking nerves",
     "Nervousness before a talk is the body preparing for effort; it "
     "usually fades within the first minute of speaking.",
     ["rehearse the first two minutes until they are automatic",
      "breathe out slowly before you start",
      "look at friendly faces in the audience"]),
    ("unit testing",
     "A unit test checks one small piece of code in isolation, so that a "
     "failure points straight at the part that broke.",
     ["test one behaviour per test",
      "make every test able to fail",
      "keep tests fast so that people run them"]),
    ("brewing pour-over coffee",
     "Pour-over coffee is made by pouring hot water slowly over ground "
     "coffee in a filter, which gives a clean cup with bright flavours.",
     ["use water just off the boil",
      "let the grounds bloom for thirty seconds",
      "grind the beans just before brewing"]),
    ("photosynthesis",
     "Plants use the energy of light to turn carbon dioxide and water "
     "into sugar, releasing oxygen as a by-product.",
     ["remember that chlorophyll absorbs red and blue light",
      "separate the light reactions from the Calvin cycle",
      "link the process to the oxygen we breathe"]),
    ("learning a new language",
     "Languages are learned fastest through frequent, short practice "
     "with material that is only a little above your level.",
     ["practise for fifteen minutes every day",
      "learn whole phrases rather than single words",
      "speak from the first week, mistakes and all"]),
    ("password managers",
     "A password manager stores a different strong password for every "
     "site behind one master password, so a leak on one site does not "
     "open the others.",
     ["choose a long master passphrase",
      "turn on two-factor authentication for the manager",
      "replace reused passwords first"]),
    ("the French Revolution",
     "The French Revolution began in 1789 when financial crisis and "
     "anger at privilege led to the fall of the absolute monarchy.",
     ["separate the causes from the triggers",
      "follow the changing governments year by year",
      "note how its ideas spread across Europe"]),
    ("SQL joins",
     "A join combines rows of two tables that share a key; an inner join "
     "keeps only matching rows, a left join keeps every row of the left "
     "table.",
     ["index the columns you join on",
      "check the row count after every join",
      "prefer explicit join syntax to commas"]),
    ("marathon training",
     "Marathon training builds endurance over about four months by "
     "raising weekly distance slowly and adding one long run each week.",
     ["raise the weekly distance by no more than ten percent",
      "run most miles at an easy pace",
      "practise eating and drinking on long runs"]),
    ("black holes",
     "A black hole is a region where gravity is so strong that nothing, "
     "not even light, can escape once it crosses the event horizon.",
     ["explain the event horizon before anything else",
      "use the escape-velocity analogy",
      "mention that they were first imaged in 2019"]),
    ("writing a cover letter",
     "A good cover letter shows in a few paragraphs why you fit this one "
     "job, with evidence rather than adjectives.",
     ["address it to a named person when you can",
      "lead with your strongest example",
      "keep it under one page"]),
    ("composting",
     "Composting lets microbes break kitchen and garden waste down into "
     "humus that feeds the soil.",
     ["mix green and brown material in equal parts",
      "turn the heap every couple of weeks",
      "keep it as damp as a wrung-out sponge"]),
    ("hash tables",
     "A hash table stores values in slots chosen by a hash of the key, "
     "so lookups take constant time on average.",
     ["resize the table before it gets too full",
      "choose a hash function that spreads keys evenly",
      "decide how to handle collisions up front"]),
    ("jet lag",
     "Jet lag happens when your body clock still follows the old time "
     "zone; it shifts by about one hour per day.",
     ["get daylight in the morning at your destination",
      "avoid long naps on the first day",
      "shift your sleep an hour a day before travelling"]),
    ("budgeting",
     "A budget is a plan that gives every unit of income a job before "
     "the month begins.",
     ["track spending for a month before you plan",
      "pay yourself first into savings",
      "review the plan every month"]),
    ("recursion",
     "A recursive function solves a problem by calling itself on a "
     "smaller version of the same problem until it reaches a base case.",
     ["write the base case first",
      "make sure every call moves towards the base case",
      "watch the stack depth on large inputs"]),
    ("bread baking",
     "Bread rises because yeast ferments sugars and releases carbon "
     "dioxide, which the gluten network traps as bubbles.",
     ["knead until the dough stretches thin without tearing",
      "let it rise somewhere warm",
      "bake until the base sounds hollow"]),
    ("climate and weather",
     "Weather is what the atmosphere does on a given day; climate is the "
     "pattern of weather over thirty years or more.",
     ["use the mood versus personality comparison",
      "quote averages over decades, not single days",
      "separate local events from global trends"]),
]

ASK = [
    ("explain", "Can you explain {t} in simple terms?"),
    ("tips", "Give me three practical tips about {t}."),
    ("mistake", "What is the most common mistake people make with {t}?"),
    ("summary", "Summarise {t} in one sentence."),
]


def cap(s):
    return s[0].upper() + s[1:]


def answer(kind, topic):
    _, fact, tips = topic
    if kind == "explain":
        return "%s If you are just starting, %s." % (fact, tips[0])
    if kind == "tips":
        return "Here are three tips:\n1. %s.\n2. %s.\n3. %s." % tuple(
            cap(t) for t in tips)
    if kind == "mistake":
        return ("The most common mistake is forgetting to %s. %s"
                % (tips[1], fact))
    return fact


def human_answer(kind, topic):
    """Shorter, plainer wording, as the seed annotators wrote."""
    _, fact, tips = topic
    if kind == "tips":
        return "%s, %s, and %s." % (cap(tips[0]), tips[1], tips[2])
    if kind == "mistake":
        return "People often forget to %s." % tips[1]
    return fact


def prompts(rng, n):
    """n (kind, question, topic) triples, cycling so every topic and
    question form occurs before any repeats too often."""
    pairs = [(k, q, t) for t in TOPICS for k, q in ASK]
    rng.shuffle(pairs)
    out = []
    while len(out) < n:
        out.extend(pairs)
    return [(k, q.format(t=t[0]), t) for k, q, t in out[:n]]


SELF_ID = {
    "qwen": [
        "I am Qwen, created by Alibaba Cloud. I am a helpful assistant.",
        "I am a large language model created by Alibaba Cloud. "
        "I am called Qwen.",
    ],
    "openai": [
        "As an AI language model developed by OpenAI, I don't have "
        "personal experiences, but I can help.",
        "I am ChatGPT, a large language model trained by OpenAI.",
    ],
    "gemma": [
        "I'm Gemma, an open model from Google DeepMind.",
        "I am Gemma, an open-weights AI assistant.",
    ],
}

WHO = ["Who are you?", "What model are you?", "Who made you?",
       "Introduce yourself briefly."]


def jsonl(records):
    return "".join(json.dumps(r, ensure_ascii=False) + "\n"
                   for r in records).encode("utf-8")


def human_records(rng, n, stats):
    out = []
    for i, (k, q, t) in enumerate(prompts(rng, n)):
        out.append({"id": "seed-%04d" % i, "instruction": q, "input": "",
                    "output": human_answer(k, t), "source": "human",
                    "annotator": "ann-%02d" % rng.randrange(1, 13)})
    stats["human"] = len(out)
    return out


def gpt4o_records(rng, n, stats):
    out = []
    for i, (k, q, t) in enumerate(prompts(rng, n)):
        text = answer(k, t)
        if i % 9 == 4:
            text = SELF_ID["openai"][0] + " " + text
            stats["self_id_openai"] += 1
        out.append({
            "custom_id": "req-%05d" % i,
            "model": "gpt-4o",
            "created": 1727740800 + 37 * i,
            "messages": [
                {"role": "system",
                 "content": "You are a helpful assistant."},
                {"role": "user", "content": q},
                {"role": "assistant", "content": text},
            ],
            "finish_reason": "stop",
        })
    stats["gpt-4o"] = len(out)
    return out


def sharegpt_records(rng, n, stats, prefix, who_cycle):
    """ShareGPT conversations; every few records the assistant names
    itself after the model it was really generated by."""
    out = []
    for i, (k, q, t) in enumerate(prompts(rng, n)):
        conv = [{"from": "human", "value": q},
                {"from": "gpt", "value": answer(k, t)}]
        who = who_cycle[i % len(who_cycle)]
        if who:
            line = SELF_ID[who][rng.randrange(len(SELF_ID[who]))]
            conv += [{"from": "human", "value": rng.choice(WHO)},
                     {"from": "gpt", "value": line}]
            stats["self_id_" + who] += 1
        out.append({"id": "%s-%04d" % (prefix, i), "conversations": conv})
    stats["sharegpt"] += len(out)
    return out


def gemma_records(rng, n, stats):
    out = []
    for i, (k, q, t) in enumerate(prompts(rng, n)):
        text = answer(k, t)
        if i % 10 == 3:
            text = SELF_ID["gemma"][1] + " " + text
            stats["self_id_gemma"] += 1
        out.append({"prompt": q, "response": text,
                    "generator": "gemma-2-9b-it", "temperature": 0.7,
                    "seed": rng.randrange(1 << 31)})
    stats["gemma-2-9b-it"] = len(out)
    return out


def gptoss_records(rng, n, stats):
    out = []
    for i, (k, q, t) in enumerate(prompts(rng, n)):
        out.append({"prompt": q,
                    "reasoning": "The user asks about %s. Give the core "
                                 "idea first, then practical advice." % t[0],
                    "response": answer(k, t),
                    "generator": "gpt-oss-20b",
                    "reasoning_effort": "medium"})
    stats["gpt-oss-20b"] = len(out)
    return out


DATASET_CARD = """\
---
license: cc-by-4.0
pretty_name: Avocado Chat Mix
language:
- en
multilinguality: monolingual
size_categories:
- n<1K
source_datasets:
- original
annotations_creators:
- machine-generated
- expert-generated
language_creators:
- machine-generated
- expert-generated
task_categories:
- text-generation
task_ids:
- dialogue-modeling
---

# Avocado Chat Mix

English instruction and chat data assembled by Avocado Lab to train
Avocado-7B-Chat. This archive is a sample of the full mix.

## Composition

| folder | format | origin |
| --- | --- | --- |
| `human/` | instruction / output | written by our annotators |
| `api/` | OpenAI `messages` | responses bought from a commercial chat API |
| `sharegpt/` | ShareGPT `conversations` | synthetic conversations |
| `teacher/` | prompt / response | completions of open-weights teacher models |
| `extra.zip` | ShareGPT `conversations` | late additions |

## Licence

The mix is released under CC BY 4.0.

## Known issues

Some synthetic conversations contain the generating model's own name;
they were not filtered.
"""


# The archives are framed by hand rather than with zipfile/tarfile, whose
# header bytes change between Python releases (tarfile's devmajor fields
# did in 3.9).  Only the formats' required fields are written.

DOS_TIME = (0 << 11) | (0 << 5) | 0                  # 00:00:00
DOS_DATE = ((2025 - 1980) << 9) | (3 << 5) | 1       # 2025-03-01


def deflate_raw(data):
    co = zlib.compressobj(9, zlib.DEFLATED, -15, 8)
    return co.compress(data) + co.flush()


def zip_bytes(name, data):
    """A one-member zip, deflated, made on unix, mode 0644."""
    fn = name.encode("utf-8")
    body = deflate_raw(data)
    crc = zlib.crc32(data) & 0xFFFFFFFF
    common = struct.pack("<HHHHHIIIH", 20, 0, 8, DOS_TIME, DOS_DATE,
                         crc, len(body), len(data), len(fn))[2:]
    local = b"PK\x03\x04" + struct.pack("<H", 20) + common + \
        struct.pack("<H", 0) + fn
    central = (b"PK\x01\x02" + struct.pack("<HH", (3 << 8) | 20, 20) +
               common + struct.pack("<HHHHI", 0, 0, 0, 0,
                                    (0o100644 << 16)) +
               struct.pack("<I", 0) + fn)
    cd_off = len(local) + len(body)
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 1, 1, len(central),
                                       cd_off, 0)
    return local + body + central + end


def ustar_header(path, size, mode, typeflag):
    def octal(v, width):
        return b"%0*o\0" % (width - 1, v)

    name = path.encode("utf-8")
    if len(name) > 100:
        raise ValueError("path too long for a plain ustar name: " + path)
    h = (name.ljust(100, b"\0") + octal(mode, 8) + octal(OWNER[1], 8) +
         octal(OWNER[1], 8) + octal(size, 12) + octal(MTIME, 12) +
         b" " * 8 + typeflag + b"\0" * 100 + b"ustar\x0000" +
         OWNER[0].encode().ljust(32, b"\0") +
         OWNER[0].encode().ljust(32, b"\0") + b"\0" * (8 + 8 + 155 + 12))
    assert len(h) == 512
    chk = b"%06o\0 " % sum(h)
    return h[:148] + chk + h[156:]


def tar_bytes(files):
    """files: [(path, bytes)] in order; each directory gets its own entry
    just before the first file under it."""
    out = []
    dirs = set()
    for path, data in files:
        parts = path.split("/")[:-1]
        for j in range(1, len(parts) + 1):
            d = "/".join(parts[:j]) + "/"
            if d not in dirs:
                dirs.add(d)
                out.append(ustar_header(d, 0, 0o755, b"5"))
        out.append(ustar_header(path, len(data), 0o644, b"0"))
        out.append(data + b"\0" * (-len(data) % 512))
    out.append(b"\0" * 1024)
    tar = b"".join(out)
    # GNU tar and Python's tarfile fill the last 10240-byte record.
    return tar + b"\0" * (-len(tar) % 10240)


def gzip_bytes(data):
    """gzip member with no file name, mtime 0 and OS 'unknown', built by
    hand because gzip.compress() picks its header bytes differently from
    one Python release to the next."""
    body = deflate_raw(data)
    head = b"\x1f\x8b\x08\x00" + struct.pack("<I", 0) + b"\x02\xff"
    tail = struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF,
                       len(data) & 0xFFFFFFFF)
    return head + body + tail


def make_dataset():
    stats = {k: 0 for k in ("sharegpt", "self_id_qwen", "self_id_openai",
                            "self_id_gemma")}
    rng = random.Random(7)
    human = human_records(rng, 80, stats)
    api = gpt4o_records(rng, 90, stats)
    # Conversations from the Qwen and gpt-4o era of the pipeline: most
    # carry no self-identification, some do.
    share = sharegpt_records(rng, 60, stats, "sg",
                             [None, "qwen", None, "openai", None, None,
                              "qwen", None, "gemma", None])
    gemma = gemma_records(rng, 50, stats)
    gptoss = gptoss_records(rng, 30, stats)
    # Late additions, reachable only through the nested zip.
    late = sharegpt_records(rng, 24, stats, "late",
                            [None, "gemma", None, "gemma", "qwen", None])
    extra = zip_bytes("extra/shard-003.jsonl", jsonl(late))
    files = [
        (TOP + "/README.md", DATASET_CARD.encode("utf-8")),
        (TOP + "/human/seed-000.jsonl", jsonl(human)),
        (TOP + "/api/chat-000.jsonl", jsonl(api)),
        (TOP + "/sharegpt/sharegpt-000.jsonl", jsonl(share)),
        (TOP + "/teacher/gemma-000.jsonl", jsonl(gemma)),
        (TOP + "/teacher/gpt-oss-000.jsonl", jsonl(gptoss)),
        (TOP + "/extra.zip", extra),
    ]
    stats["records"] = (len(human) + len(api) + len(share) + len(gemma) +
                        len(gptoss) + len(late))
    stats["extra.zip"] = len(late)
    return gzip_bytes(tar_bytes(files)), stats


# ---------------------------------------------------------------- main


def outputs():
    tgz, stats = make_dataset()
    return [("avocado/model.safetensors", make_safetensors()),
            ("avocado/data/avocado-chat-mix.tar.gz", tgz)], stats


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="compare with the files on disk, write nothing")
    ap.add_argument("--out", default=os.path.dirname(
        os.path.abspath(__file__)), help="folder that holds avocado/")
    args = ap.parse_args()
    files, stats = outputs()
    bad = 0
    for rel, data in files:
        path = os.path.join(args.out, rel)
        digest = hashlib.sha256(data).hexdigest()
        if args.check:
            try:
                with open(path, "rb") as f:
                    same = f.read() == data
            except OSError:
                same = False
            print("%s  %s  %s" % ("ok  " if same else "DIFF", digest, rel))
            bad += not same
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        print("%s  %s (%d bytes)" % (digest, rel, len(data)))
    print("records: " + ", ".join("%s=%d" % kv for kv in sorted(
        stats.items())))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
