#!/usr/bin/python3
"""torch.mm on square float matrices of side 64, 256 and 1024: the work of LlmCore's GemmBenchmarks
(C = A·B, 2·n³ FLOP, inputs uniform in [-1, 1) from a fixed seed). Prints one JSON object.

Usage: /usr/bin/python3 torch_mm.py [--threads 2]
"""

from common import configure, median_ms, report

torch, threads = configure()
torch.manual_seed(42)
results = []
for size in (64, 256, 1024):
    a = torch.rand(size, size) * 2 - 1
    b = torch.rand(size, size) * 2 - 1
    c = torch.empty(size, size)
    flop = 2.0 * size ** 3
    repeats = max(20, min(2000, int(2e10 / flop)))
    median, best = median_ms(lambda: torch.mm(a, b, out=c), warmup=max(5, repeats // 10), repeats=repeats)
    results.append({
        "size": size,
        "medianMs": round(median, 5),
        "minMs": round(best, 5),
        "gflops": round(flop / (median * 1e-3) / 1e9, 1),
        "gflopsBest": round(flop / (best * 1e-3) / 1e9, 1),
    })

report(torch, threads, "GemmBenchmarks", {"results": results})
