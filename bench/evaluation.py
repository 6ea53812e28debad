"""Benchmark the scoring engine: ranking, sensitivity and divergence for one large lot.

    .venv/bin/python bench/evaluation.py                  # 200 offers, 20 criteria, 7 members
    .venv/bin/python bench/evaluation.py --offers 1000 --runs 31

A synthetic lot: 2 price criteria (price, linear; life-cycle cost, min-max) and 18 points
criteria (quality and climate), weights summing to 100; 7 members score every points criterion
of every offer (integers 0-10 around a hidden "true" score); the consensus is the members' median.
Timed, each the median of --runs runs (pure Python, in process, no Django):

- `score`: check the model and offers, score, rank with the tie-break, build the result rows;
- `sensitivity`: all of the above plus the price threshold of the second-ranked offer, the
  +-10 moves of every weight and the rank-reversal check of every losing offer;
- `divergence`: spread of the 7 members' scores for every (offer, points criterion);
- the whole pipeline (`sensitivity` + `divergence` + `abnormally_low` on the price).

Baseline, measured in the same run: building the bare score matrix (every criterion's column
of scores out of 10 by its formula, in plain lists, no checks, no ranking). Ratio = time /
baseline. Peak memory: tracemalloc's peak during one pipeline run, in a separate pass (tracing
slows Python down, so it is never on during the timings).
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evaluation.scoring import (  # noqa: E402
    Criterion,
    Model,
    Offer,
    abnormally_low,
    divergence,
    score,
    sensitivity,
)
from evaluation.scoring.methods import points_score, price_scores  # noqa: E402


def build(
    n_offers: int, n_criteria: int, n_price: int, n_members: int, seed: int = 10
) -> tuple[Model, list[Offer], dict[str, dict[tuple[str, str], float]]]:
    rnd = random.Random(seed)
    n_points = n_criteria - n_price
    raw = [rnd.uniform(1, 5) for _ in range(n_criteria)]
    weights = [round(100 * r / sum(raw), 2) for r in raw]
    weights[-1] = round(100 - sum(weights[:-1]), 2)
    methods = ["price_linear", "price_minmax", "price_proportional"]
    criteria: list[Criterion] = []
    for i in range(n_price):
        kind = "price" if i == 0 else "cost"
        criteria.append(Criterion(f"p{i}", kind, methods[i % 3], weight=weights[i]))  # type: ignore[arg-type]
    for i in range(n_points):
        kind = "climate" if i % 6 == 0 else "quality"
        criteria.append(Criterion(f"q{i}", kind, "points", weight=weights[n_price + i]))  # type: ignore[arg-type]
    model = Model("best_ratio", tuple(criteria))

    members: dict[str, dict[tuple[str, str], float]] = {f"m{k}": {} for k in range(n_members)}
    offers: list[Offer] = []
    for j in range(n_offers):
        key = f"{100_000 + j}"
        values: dict[str, float] = {}
        for i in range(n_price):
            values[f"p{i}"] = round(rnd.uniform(800_000, 1_600_000), 2)
        for i in range(n_points):
            truth = rnd.uniform(2, 9)
            given = [min(10, max(0, round(rnd.gauss(truth, 0.8)))) for _ in range(n_members)]
            for k, g in enumerate(given):
                members[f"m{k}"][(key, f"q{i}")] = float(g)
            values[f"q{i}"] = float(statistics.median(given))
        offers.append(Offer(key, values))
    return model, offers, members


def score_matrix(model: Model, offers: list[Offer]) -> list[list[float]]:
    """The baseline: every criterion's column of scores out of 10, nothing else."""
    out: list[list[float]] = []
    for c in model.criteria:
        col = [o.values[c.key] for o in offers]
        if c.method == "points":
            out.append([points_score(v, c.max_points) for v in col])
        else:
            out.append(price_scores(c.method, col))
    return out


def median_ms(runs: int, fn: Callable[[], object]) -> float:
    fn()  # warm up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--offers", type=int, default=200)
    parser.add_argument("--criteria", type=int, default=20)
    parser.add_argument("--price", type=int, default=2, help="how many of them are amounts")
    parser.add_argument("--members", type=int, default=7)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--threshold", type=float, default=3.0, help="divergence threshold")
    args = parser.parse_args()

    model, offers, members = build(args.offers, args.criteria, args.price, args.members)
    prices = {o.key: o.values["p0"] for o in offers}

    def pipeline() -> None:
        sensitivity(model, offers, seed="bench")
        divergence(members, threshold=args.threshold)
        abnormally_low(prices)

    sens = sensitivity(model, offers, seed="bench")
    flags = divergence(members, threshold=args.threshold)
    print(
        f"{args.offers} offers, {args.criteria} criteria ({args.price} price/cost), "
        f"{args.members} members; winner {sens.result.winner}; threshold "
        f"{sens.price_threshold.threshold_price} ({sens.price_threshold.reason_code or 'found'}); "
        f"{len(sens.weight_moves)} weight moves ({len(sens.winner_changing_moves)} change the "
        f"winner); {sum(1 for r in sens.rank_reversals if r.lowest_on or r.highest_on)} offers "
        f"re-ranked for reversal; {len(flags)} divergences"
    )

    timings = {
        "baseline: score matrix": median_ms(args.runs, lambda: score_matrix(model, offers)),
        "score (check + rank + rows)": median_ms(args.runs, lambda: score(model, offers)),
        "sensitivity (incl. ranking)": median_ms(
            args.runs, lambda: sensitivity(model, offers, seed="bench")
        ),
        "divergence": median_ms(
            args.runs, lambda: divergence(members, threshold=args.threshold)
        ),
        "abnormally_low": median_ms(args.runs, lambda: abnormally_low(prices)),
        "pipeline: sensitivity + divergence + abnormally_low": median_ms(args.runs, pipeline),
    }
    tracemalloc.start()
    pipeline()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    base = timings["baseline: score matrix"]
    print(
        f"\nPython {platform.python_version()}, median of {args.runs} runs"
        f" (target: ranking + sensitivity < 100 ms)\n"
    )
    print("| step | median | ratio to baseline |")
    print("|---|---:|---:|")
    for name, ms in timings.items():
        print(f"| {name} | {ms:.2f} ms | {ms / base:.1f} |")
    print(f"\nPeak traced memory during one pipeline run: {peak / 2**20:.2f} MiB")


if __name__ == "__main__":
    main()
