"""Shared set-up of the PyTorch peer benchmarks: thread count, timing, and a record of the BLAS in use."""

import json
import os
import statistics
import sys
import time


def configure(default_threads=2):
    """Reads --threads N (default 2, the thread count of the LlmCore runs), fixes it for OpenBLAS and PyTorch
    before torch is imported, and returns (torch, threads)."""
    threads = default_threads
    if "--threads" in sys.argv:
        threads = int(sys.argv[sys.argv.index("--threads") + 1])
    # OpenBLAS reads these when it is loaded; torch's own (OpenMP) pool is set below.
    os.environ["OPENBLAS_NUM_THREADS"] = str(threads)
    os.environ["OMP_NUM_THREADS"] = str(threads)
    import torch  # noqa: E402  (imported after the environment is set)

    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    return torch, threads


def median_ms(fn, warmup, repeats):
    """Runs fn warmup times, then repeats times, and returns (median, min) wall time in milliseconds."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1e3)
    return statistics.median(samples), min(samples)


def blas_in_use(torch):
    """The BLAS torch was built for (torch.__config__.show()) and the BLAS library actually mapped into this
    process (Debian's torch is built against the generic libblas.so.3, which the alternatives system points at
    OpenBLAS when libopenblas0-pthread is installed)."""
    config = torch.__config__.show()
    info = next((part.split("=", 1)[1] for part in config.replace(",", "\n").split() if part.startswith("BLAS_INFO=")), "unknown")
    mapped = set()
    with open("/proc/self/maps", encoding="utf-8") as maps:
        for line in maps:
            path = line.split()[-1]
            name = os.path.basename(path)
            if "blas" in name.lower():
                mapped.add(os.path.realpath(path))
    return {
        "blasInfo": info,
        "blasLibraries": sorted(mapped),
        "openblas": any("openblas" in path.lower() for path in mapped),
    }


def report(torch, threads, benchmark, results):
    """Prints the one JSON object of a peer script."""
    record = {
        "benchmark": benchmark,
        "peer": "pytorch",
        "torch": torch.__version__,
        "threads": threads,
        "torchThreads": torch.get_num_threads(),
        "loadAverage": list(os.getloadavg()),
        **blas_in_use(torch),
        **results,
    }
    print(json.dumps(record))
