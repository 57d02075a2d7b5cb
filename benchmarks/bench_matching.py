"""Benchmark of the matching engine on synthetic but realistic data.

Prints one table: work | size | seconds | target | ratio/notes. Targets are those of the README's
performance table. Ratios are against baselines measured in the same run.

    python benchmarks/bench_matching.py            # full scale: province 10^6 workers × 10^5 posts
    python benchmarks/bench_matching.py --quick    # province scaled to 10^5 × 10^4

The province run happens in a child process of its own, so that its peak memory (``ru_maxrss``: the most
resident memory the child ever held — data, indexes, engine and results) is measured alone. The run consumes
``iter_matches`` a block of workers at a time, as ``bangfu match run`` writes them; with ``--quick`` a second
child returns the whole list at once (round one's ``match``) as the memory baseline.

Real region codes come from ``jobs/data/areas.csv`` when the project has it (an embedded list otherwise); job
titles are worded as job boards and county lists word them.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching import (  # noqa: E402
    MatchStats,
    Post,
    PostIndex,
    Seeker,
    SeekerIndex,
    iter_matches,
    match,
    match_one_post,
    match_one_seeker,
    score_matrix,
)
from matching.normalise import normalise_title  # noqa: E402

TODAY = date(2025, 6, 1)
ORIGIN_PROVINCE = "43"  # Hunan: the origin of the synthetic workers
RECEIVING = {"44": 0.35, "33": 0.2, "32": 0.12, "35": 0.08, "31": 0.05, "43": 0.2}  # share of posts

_EMBEDDED_COUNTIES = (
    "430102 430103 430104 430111 430112 430121 430181 430182 430202 430203 430211 430221 430223 430224 430281 "
    "430302 430304 430321 430381 430382 430405 430406 430421 430422 430423 430424 430426 430481 430482 430502 "
    "430521 430523 430524 430527 430581 430602 430621 430623 430626 430681 430702 430721 430722 430723 430781 "
    "430802 430821 430822 430902 430921 430922 430981 431002 431021 431022 431081 431102 431121 431122 431202 "
    "431221 431222 431281 431302 431321 431322 431381 433101 433122 433123 433124 433125 433126 433127 433130 "
    "440103 440104 440105 440106 440111 440112 440113 440114 440115 440117 440118 440303 440304 440305 440306 "
    "440307 440308 440309 440310 440604 440605 440606 440607 440608 441302 441303 441322 441323 441324 441900 "
    "442000 440402 440403 440404 440703 440704 440705 440781 440783 440784 440785 441202 441203 441204 441223 "
    "330102 330105 330106 330108 330109 330110 330111 330112 330113 330114 330122 330127 330182 330203 330205 "
    "330206 330211 330212 330213 330225 330226 330281 330282 330302 330303 330304 330305 330324 330326 330327 "
    "330381 330382 330402 330411 330421 330424 330481 330482 330483 330602 330603 330604 330624 330681 330683 "
    "330702 330703 330723 330726 330727 330781 330782 330783 330784 331002 331003 331004 331022 331081 331082 "
    "320102 320104 320105 320106 320111 320113 320114 320115 320116 320117 320118 320505 320506 320507 320508 "
    "320509 320571 320581 320582 320583 320585 320205 320206 320211 320213 320214 320281 320282 320412 320413 "
    "350102 350103 350104 350105 350111 350112 350121 350122 350123 350125 350128 350181 350203 350205 350206 "
    "350211 350212 350213 350502 350503 350504 350505 350521 350524 350525 350526 350527 350581 350582 350583 "
    "310101 310104 310105 310106 310107 310109 310110 310112 310113 310114 310115 310116 310117 310118 310120"
).split()

# Wanted job types as workers say them, with how often they are asked for.
WANTED = {
    "普工": 14, "电焊工": 6, "保安": 6, "保洁": 5, "厨师": 4, "帮厨": 2, "保姆": 3, "月嫂": 2, "家政": 3,
    "叉车司机": 3, "司机": 4, "货车司机": 2, "快递员": 3, "外卖骑手": 4, "快递分拣": 2, "建筑小工": 5,
    "钢筋工": 2, "木工": 3, "瓦工": 3, "电工": 4, "缝纫工": 3, "车位": 1, "数控": 2, "质检员": 2, "装配工": 2,
    "服务员": 4, "客房服务员": 1, "仓管": 2, "销售": 2, "客服": 2, "文员": 2, "会计": 1, "养老护理员": 1,
    "护工": 1, "绿化工": 1, "装修工": 2, "油漆工": 1, "搬运工": 2, "包装工": 2, "汽修": 1, "美发": 1,
    "电子厂普工": 3, "操作工": 3, "服装厂普工": 1, "食品厂普工": 1,
}
# Post titles as job boards word them.
POST_TITLES = {
    "普工（长白班）包吃住": 8, "电子厂普工 包吃住": 6, "操作工 两班倒": 5, "急招普工 男女不限 18-45岁": 4,
    "流水线工人": 3, "食品厂普工": 2, "服装厂普工": 2, "汽配厂操作工": 2, "急招电焊工 二保焊 月入过万": 3,
    "焊工（二保焊）持证上岗": 3, "氩弧焊工": 2, "保安员 包住 45岁以下": 4, "小区保安 做一休一": 3, "门卫": 2,
    "保洁员 55岁以下": 4, "商场保洁": 2, "保姆/住家阿姨": 2, "月嫂 8000元/月": 1, "家政服务员": 2,
    "叉车司机（持证）": 3, "货车司机（A2）": 2, "送货司机 C1驾照": 2, "公司司机": 1, "快递员 多劳多得": 3,
    "外卖骑手 多劳多得": 4, "快递分拣员 夜班": 3, "建筑小工 日结": 4, "钢筋工": 2, "木工（支模）": 2,
    "泥瓦工": 2, "维修电工（持电工证）": 3, "水电工": 2, "缝纫工 计件": 3, "车位 计件 包吃住": 2,
    "CNC操机员": 2, "数控车床操作工": 2, "质检员 长白班": 3, "装配工": 2, "机械装配工": 1, "中餐厨师": 3,
    "帮厨（切配）": 3, "餐厅服务员 包吃住": 4, "酒店客房服务员": 2, "仓库管理员": 2, "仓管员": 1,
    "销售代表 底薪+提成": 3, "网店客服 双休五险": 3, "办公室文员 双休": 2, "会计": 1, "养老护理员": 1,
    "医院护工": 1, "绿化工": 1, "装修工人": 2, "油漆工": 1, "装卸工 计件": 2, "包装工": 2, "汽车维修工": 1,
    "美发师": 1, "注塑工": 2, "打磨工": 1, "搬运工": 2, "收银员": 2,
}
SKILLS = ["", "", "", "", "电焊，有焊工证", "会开叉车，有叉车证", "C1驾照", "A2驾照，开过货车", "厨师证 健康证",
          "电工证", "缝纫", "健康证", "保安员证", "数控车床", "会电脑", "育婴师证"]
EDUCATION = ["小学", "初中", "初中", "初中", "高中", "中专", "大专", None]
CATEGORIES = {"脱贫人口": 40, "监测对象": 10, "农村低收入人口": 20, "其他": 30}
ABILITIES = {"普通劳动力": 85, "弱劳动力": 7, "半劳动力": 6, "丧失劳动力": 2}


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def load_counties() -> dict[str, list[str]]:
    """County codes by province: from jobs/data/areas.csv when the project has it."""
    path = ROOT / "jobs" / "data" / "areas.csv"
    codes: list[str] = []
    if path.exists():
        with path.open(encoding="utf-8", newline="") as fh:
            codes = [row["code"] for row in csv.DictReader(fh) if row["code"][:2] in RECEIVING]
    codes = codes or list(_EMBEDDED_COUNTIES)
    by_province: dict[str, list[str]] = {}
    for code in codes:
        by_province.setdefault(code[:2], []).append(code)
    return by_province


def make_seekers(n: int, counties: dict[str, list[str]], rng: random.Random,
                 home_pool: list[str] | None = None) -> list[Seeker]:
    """Synthetic workers from the origin province (or from ``home_pool``)."""
    homes = home_pool or counties[ORIGIN_PROVINCE]
    receiving = [p for p in RECEIVING if p != ORIGIN_PROVINCE]
    out = []
    for i in range(n):
        home = rng.choice(homes)
        r = rng.random()
        if r < 0.30:
            areas, labels = (home[:2],), ("省内",)
        elif r < 0.40:
            areas, labels = (home,), ("县内",)
        elif r < 0.48:
            areas, labels = (home[:4],), ("市内",)
        elif r < 0.78:
            p = rng.choice(receiving)
            areas, labels = (p,), (p,)
        elif r < 0.90:
            a, b = rng.sample(receiving, 2)
            areas, labels = (a, b), (a, b)
        elif r < 0.95:
            areas, labels = (home[:2], rng.choice(receiving)), ("省内", "省外")
        else:
            areas, labels = ("ANY",), ("不限",)
        wanted = () if rng.random() < 0.03 else tuple(
            dict.fromkeys(_pick(rng, WANTED) for _ in range(rng.choice((1, 1, 2, 2, 3)))))
        low = None if rng.random() < 0.3 else rng.randrange(3000, 9000, 500)
        out.append(Seeker(
            key=f"s{i}", home_county=home,
            birth_date=date(rng.randint(1962, 2006), rng.randint(1, 12), rng.randint(1, 28)),
            category=_pick(rng, CATEGORIES), labour_ability=_pick(rng, ABILITIES),
            wanted_titles=("/".join(wanted),) if wanted else (), wanted_areas=areas, wanted_area_labels=labels,
            expected_wage_min=low, expected_wage_max=None if low is None else low + 1000,
            skills=rng.choice(SKILLS), education=rng.choice(EDUCATION)))
    return out


def make_posts(n: int, counties: dict[str, list[str]], rng: random.Random,
               region_pool: list[str] | None = None) -> list[Post]:
    """Synthetic posts in the receiving provinces and at home (or in ``region_pool``)."""
    provinces = list(RECEIVING)
    shares = list(RECEIVING.values())
    # Posts concentrate in a few hundred counties.
    hubs = {p: rng.sample(counties[p], min(len(counties[p]), 60)) for p in provinces}
    out = []
    for i in range(n):
        region = rng.choice(region_pool) if region_pool else rng.choice(hubs[rng.choices(provinces, shares)[0]])
        low = None if rng.random() < 0.15 else rng.randrange(3000, 9000, 500)
        headcount = None if rng.random() < 0.3 else rng.randint(1, 50)
        out.append(Post(
            key=f"j{i}", title=_pick(rng, POST_TITLES), region_code=region,
            wage_min=low, wage_max=None if low is None else low + rng.choice((0, 1000, 2000, 3000)),
            age_min=rng.choice((None, 16, 18)), age_max=rng.choice((None, 45, 50, 55, 60)),
            education=rng.choice((None, None, "不限", "初中及以上", "高中及以上")),
            skills_required=rng.choice(("", "", "", "持证上岗", "有经验优先", "健康证")),
            labour_intensity=rng.choice((None, "轻", "中", "重")),
            board=rng.random() < 0.6, lodging=rng.random() < 0.7,
            headcount=headcount, filled=0 if headcount is None else rng.randint(0, headcount),
            open=rng.random() > 0.03,
            closing_date=None if rng.random() < 0.5 else TODAY + timedelta(days=rng.randint(-30, 180))))
    return out


def timed(fn, repeat: int = 1):  # noqa: ANN001, ANN201 - a tiny local helper
    start = time.perf_counter()
    result = None
    for _ in range(repeat):
        result = fn()
    return (time.perf_counter() - start) / repeat, result


def naive_loop_seconds(seekers: list[Seeker], posts: list[Post], rng: random.Random, sample: int) -> float:
    """Seconds per pair of a naive Python loop calling fuzz.ratio on the same kind of pairs (sampled)."""
    wanted = [normalise_title(s.wanted_titles[0]).core if s.wanted_titles else "" for s in seekers]
    titles = [normalise_title(p.title).core for p in posts]
    pairs = [(rng.choice(wanted), rng.choice(titles)) for _ in range(sample)]
    start = time.perf_counter()
    for a, b in pairs:
        fuzz.ratio(a, b)
    return (time.perf_counter() - start) / sample


def recall(seekers: list[Seeker], post_index: PostIndex, k: int) -> tuple[float, int]:
    """Share of the exhaustive top-k pairs that the blocked run keeps, over the given workers."""
    blocked = {(m.seeker_key, m.post_key) for m in match(seekers, post_index, today=TODAY, top_k=k, reasons=False)}
    brute = {(m.seeker_key, m.post_key)
             for m in match(seekers, post_index, today=TODAY, top_k=k, reasons=False, exhaustive=True)}
    return (len(blocked & brute) / len(brute) if brute else 1.0), len(brute)


def province_child(n: int, m: int, seed: int, whole: bool) -> dict[str, object]:
    """The province run, measured inside this (child) process: build data and indexes, match, recall."""
    rng = random.Random(seed)
    counties = load_counties()
    seekers = make_seekers(n, counties, rng)
    posts = make_posts(m, counties, rng)
    sample = rng.sample(seekers, 2000)
    new_posts, new_seekers = make_posts(20, counties, rng), make_seekers(50, counties, rng)
    start = time.perf_counter()
    sx, px = SeekerIndex(seekers), PostIndex(posts)
    build = time.perf_counter() - start
    del seekers, posts
    stats = MatchStats()
    start = time.perf_counter()
    count = blocks = 0
    if whole:
        count = len(match(sx, px, today=TODAY, top_k=10, stats=stats))
        blocks = 1
    else:
        for block in iter_matches(sx, px, today=TODAY, top_k=10, stats=stats):
            count += len(block)  # a caller writes the block away here
            blocks += 1
    secs = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    cpu = usage.ru_utime + usage.ru_stime  # on a shared machine, wall time overstates the work
    share, brute = recall(sample, px, 10)
    one_post, _ = timed(lambda: [match_one_post(p, sx, today=TODAY) for p in new_posts])
    one_seeker, _ = timed(lambda: [match_one_seeker(s, px, today=TODAY) for s in new_seekers])
    return {"build": build, "match": secs, "cpu": cpu, "matches": count, "blocks": blocks, "peak_mb": peak_mb,
            "cells": stats.pairs_scored, "rescored": stats.rescored, "recall": share, "brute": brute,
            "one_post": one_post / len(new_posts), "one_seeker": one_seeker / len(new_seekers)}


def run_province(n: int, m: int, seed: int, whole: bool) -> dict[str, object]:
    command = [sys.executable, __file__, "--province-child", str(n), str(m), "--seed", str(seed)]
    done = subprocess.run(command + (["--whole"] if whole else []), check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="province scaled to 10^5 workers × 10^4 posts")
    parser.add_argument("--seed", type=int, default=20250601)
    parser.add_argument("--province-child", nargs=2, type=int, metavar=("WORKERS", "POSTS"), help=argparse.SUPPRESS)
    parser.add_argument("--whole", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.province_child:
        print(json.dumps(province_child(*args.province_child, args.seed, args.whole)))
        return
    rng = random.Random(args.seed)
    counties = load_counties()
    n_prov, m_prov = (100_000, 10_000) if args.quick else (1_000_000, 100_000)
    rows: list[tuple[str, str, str, str, str]] = []

    # County, as a clerk runs it: two xlsx files in, a CSV out (bench_match_files.py breaks it down).
    from bench_match_files import file_to_file

    with tempfile.TemporaryDirectory() as folder:
        f2f, summary = file_to_file(Path(folder), 10_000, 1_000)
    rows.append(("county match, file to file: `bangfu match DEMAND SUPPLY -o OUT.csv`, whole process",
                 "10^4 × 10^3", f"{f2f:.2f}", "≤ 0.6× naive loop",
                 f"{summary['matches']} matches; CPU seconds; stages and ratio in bench_match_files.py"))

    # County: one origin county's workers against the posts in reach (in memory).
    county_home = counties[ORIGIN_PROVINCE][7]
    c_seekers = make_seekers(10_000, counties, rng, home_pool=[county_home])
    c_posts = make_posts(1_000, counties, rng)
    stats = MatchStats()
    secs, result = timed(lambda: match(c_seekers, c_posts, today=TODAY, top_k=10, stats=stats))
    rows.append(("county match, in memory: indexes + match + reasons", "10^4 × 10^3", f"{secs:.2f}", "< 2 s",
                 f"{len(result)} matches; {stats.pairs_scored / 1e6:.2f} M cells within the wanted regions"))
    csx, cpx = SeekerIndex(c_seekers), PostIndex(c_posts)
    pairs = len(c_seekers) * len(c_posts)
    score_matrix(csx, cpx, today=TODAY)  # warm the caches (classification, relation table)
    scoring, _ = timed(lambda: score_matrix(csx, cpx, today=TODAY), repeat=3)
    per_pair = naive_loop_seconds(c_seekers, c_posts, rng, 200_000)
    naive = per_pair * pairs
    rows.append(("scoring every county pair, all components (score_matrix, prebuilt indexes)", "10^7 pairs",
                 f"{scoring:.3f}", "-", f"{scoring / pairs * 1e9:.1f} ns/pair"))
    rows.append(("naive Python loop of fuzz.ratio over the same pairs", "10^7 pairs", f"{naive:.2f}",
                 "ours ≥ 30× faster", f"ours {naive / scoring:.0f}× faster (loop timed on 2×10^5 sampled pairs, "
                 f"{per_pair * 1e9:.0f} ns/pair, extrapolated)"))

    # Province: blocked batch, streamed, in a child process of its own (peak memory measured alone).
    size = f"{n_prov:.0e} × {m_prov:.0e}".replace("e+0", "e")
    run = run_province(n_prov, m_prov, args.seed, whole=False)
    baseline = run_province(n_prov, m_prov, args.seed, whole=True) if args.quick else None
    memo = (f"; whole list at once (round one): {baseline['peak_mb'] / 1024:.2f} GB peak, "
            f"{baseline['match']:.1f} s match; streamed/whole memory {run['peak_mb'] / baseline['peak_mb']:.2f}"
            if baseline else "; round one returned the whole list: 10.9 GB peak at 10^6 × 10^5")
    rows.append(("province match, blocked, with reasons, streamed by worker block", size,
                 f"{run['build'] + run['match']:.1f}", "< 600 s (at 10^6 × 10^5)",
                 f"indexes {run['build']:.1f} s + match {run['match']:.1f} s (process CPU {run['cpu']:.0f} s "
                 f"including data generation); {run['matches']} matches in "
                 f"{run['blocks']} blocks; {run['cells'] / 1e9:.2f} G cells; {run['rescored']} workers rescored "
                 "whole-region"))
    rows.append(("province match, peak memory of the whole process (ru_maxrss)", size,
                 "-", "< 2 GB (at 10^6 × 10^5)", f"{run['peak_mb'] / 1024:.2f} GB{memo}"))
    rows.append(("recall of blocked top-10 vs brute force", "2,000 sampled workers", "-", "≥ 99%",
                 f"{run['recall'] * 100:.2f}% of {run['brute']} brute-force pairs kept"))

    # Incremental (timed in the child, against its prebuilt indexes).
    rows.append(("one new post vs all workers (prebuilt SeekerIndex)", f"{n_prov:.0e}".replace("e+0", "e"),
                 f"{run['one_post']:.3f}", "< 2 s", "mean of 20 posts"))
    rows.append(("one new worker vs all posts (prebuilt PostIndex)", f"{m_prov:.0e}".replace("e+0", "e"),
                 f"{run['one_seeker']:.4f}", "< 0.2 s", "mean of 50 workers"))

    print(f"# matching benchmark — scale: province {n_prov:,} workers × {m_prov:,} posts"
          f"{' (--quick)' if args.quick else ''}; CPUs: {os.cpu_count()}")
    header = ("work", "size", "seconds", "target", "ratio/notes")
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(5)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |")


if __name__ == "__main__":
    main()
