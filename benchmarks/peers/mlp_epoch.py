#!/usr/bin/python3
"""One epoch of the MLP of LlmCore's TrainingBenchmarks.BatchGradientEpoch: 32-64-64-10, ReLU, softmax
cross-entropy (mean over the batch), plain SGD (lr 0.01), float32, 10,000 × 32 inputs uniform in [-1, 1) with
labels in 0..9, batches of 256 in order (40 steps, the last of 16). Prints one JSON object.

Usage: /usr/bin/python3 mlp_epoch.py [--threads 2]
"""

from common import configure, median_ms, report

torch, threads = configure()
torch.manual_seed(42)
EXAMPLES, FEATURES, CLASSES, BATCH = 10_000, 32, 10, 256

x = torch.rand(EXAMPLES, FEATURES) * 2 - 1
y = torch.randint(0, CLASSES, (EXAMPLES,))
model = torch.nn.Sequential(
    torch.nn.Linear(FEATURES, 64), torch.nn.ReLU(),
    torch.nn.Linear(64, 64), torch.nn.ReLU(),
    torch.nn.Linear(64, CLASSES))
loss_fn = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)


def epoch():
    total = 0.0
    for start in range(0, EXAMPLES, BATCH):
        xb, yb = x[start:start + BATCH], y[start:start + BATCH]
        optimizer.zero_grad(set_to_none=False)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item()
    return total


median, best = median_ms(epoch, warmup=5, repeats=40)
report(torch, threads, "TrainingBenchmarks.BatchGradientEpoch", {
    "model": "MLP 32-64-64-10 ReLU, cross-entropy, SGD lr 0.01",
    "examples": EXAMPLES, "batch": BATCH, "steps": (EXAMPLES + BATCH - 1) // BATCH,
    "medianMs": round(median, 3), "minMs": round(best, 3),
})
