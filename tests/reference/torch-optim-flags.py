"""Generates tests/reference/torch-optim-flags.json: trajectories of torch.optim (the installed PyTorch, float64,
single-tensor path, foreach=False) for the flags and options the default-settings trajectories of
optimizer-trajectories.json leave out (nesterov, dampening, maximize, amsgrad, L2 and decoupled weight decay,
Adagrad's lr_decay and initial accumulator, Adadelta's rho, RMSprop centered and momentum, RAdam's rectification).

Run: /usr/bin/python3 tests/reference/torch-optim-flags.py > tests/reference/torch-optim-flags.json
Problem "wave<n>": one 1-D tensor of n elements, x0[i] = cos(i), and at step s (1-based) the gradient
g[i] = c[i]*(x[i] - sin(1.7*i)) + 0.3*sin(0.7*s + i) with c[i] = 0.5 + (i mod 5), computed in float64 from the
current parameters before each step. n = 33 is 4*8 + 1 (a Vector<double> body of 8 and a scalar tail of 1, and
4*8 + 1 for Vector<float>); n = 1025 (only step 10 is stored) with a parallel threshold of 1024 runs the multi-threaded path.
"""
import json
import math
import sys

import inspect
import textwrap

import torch
import torch.optim.nadam  # noqa: F401 (torch.optim deletes the submodule names; sys.modules keeps them)

# PyTorch 1.13's single-tensor NAdam computes mu_product_next = mu_product * mu * mu_next after mu_product *= mu,
# i.e. with mu counted twice; torch/optim/nadam.py of 2.x (the rule LlmCore follows) has mu_product * mu_next. The
# generator runs 1.13's own function with that one line as in 2.x.
_NADAM = sys.modules["torch.optim.nadam"]
_NADAM_SOURCE = textwrap.dedent(inspect.getsource(_NADAM._single_tensor_nadam))
if "mu_product * mu * mu_next" in _NADAM_SOURCE:
    exec(_NADAM_SOURCE.replace("mu_product * mu * mu_next", "mu_product * mu_next"), _NADAM.__dict__)

CHECKPOINTS = [1, 2, 3, 10]


def gradient(x, step):
    return [(0.5 + (i % 5)) * (x[i] - math.sin(1.7 * i)) + 0.3 * math.sin(0.7 * step + i) for i in range(len(x))]


CONFIGS = [
    ("sgd_nesterov_wd", "SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01), 33),
    ("sgd_dampening", "SGD", dict(lr=0.05, momentum=0.8, dampening=0.3), 33),
    ("sgd_momentum_wd_maximize", "SGD", dict(lr=0.02, momentum=0.9, weight_decay=0.1, maximize=True), 33),
    ("adam_amsgrad_wd", "Adam", dict(lr=0.05, weight_decay=0.1, amsgrad=True), 33),
    ("adam_maximize", "Adam", dict(lr=0.05, betas=(0.8, 0.99), maximize=True), 33),
    ("adamw_amsgrad", "AdamW", dict(lr=0.05, betas=(0.85, 0.95), eps=1e-6, weight_decay=0.1, amsgrad=True), 33),
    ("adamw_maximize", "AdamW", dict(lr=0.05, weight_decay=0.05, maximize=True), 33),
    ("nadam_wd", "NAdam", dict(lr=0.02, betas=(0.8, 0.99), weight_decay=0.1, momentum_decay=0.01), 33),
    ("radam_wd", "RAdam", dict(lr=0.02, betas=(0.9, 0.9), weight_decay=0.1), 33),
    ("adamax_wd_maximize", "Adamax", dict(lr=0.02, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1, maximize=True), 33),
    ("adagrad_all", "Adagrad", dict(lr=0.1, lr_decay=0.1, weight_decay=0.1, initial_accumulator_value=0.5, eps=1e-6), 33),
    ("adagrad_maximize", "Adagrad", dict(lr=0.1, maximize=True), 33),
    ("adadelta_wd", "Adadelta", dict(lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.1), 33),
    ("adadelta_maximize", "Adadelta", dict(lr=1.0, maximize=True), 33),
    ("rmsprop_centered_momentum_wd", "RMSprop", dict(lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.1, momentum=0.8, centered=True), 33),
    ("rmsprop_momentum", "RMSprop", dict(lr=0.01, momentum=0.5), 33),
    ("rmsprop_centered_maximize", "RMSprop", dict(lr=0.01, centered=True, maximize=True), 33),
    ("adam_amsgrad_wd_parallel", "Adam", dict(lr=0.05, weight_decay=0.1, amsgrad=True), 1025),
    ("adamw_parallel", "AdamW", dict(lr=0.05, weight_decay=0.1), 1025),
    ("sgd_nesterov_wd_parallel", "SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01), 1025),
]


def run(optimizer, kwargs, n):
    # Scalar state (NAdam's mu_product, the step counts) is created in the default dtype: float64 as everywhere else.
    torch.set_default_dtype(torch.float64)
    x = torch.tensor([math.cos(i) for i in range(n)], dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, optimizer)([x], foreach=False, **kwargs)
    out = {}
    for step in range(1, max(CHECKPOINTS) + 1):
        x.grad = torch.tensor(gradient(x.detach().tolist(), step), dtype=torch.float64)
        opt.step()
        if step in CHECKPOINTS and (n < 1000 or step == max(CHECKPOINTS)):
            out[str(step)] = x.detach().tolist()
    return out


def compact(text):
    lines, out, buffer = text.split("\n"), [], None
    for line in lines:
        stripped = line.strip()
        if buffer is not None:
            buffer.append(stripped)
            if stripped.startswith("]"):
                out.append("".join(buffer).replace(",", ", "))
                buffer = None
            continue
        if stripped.endswith("[") and stripped.startswith('"') and stripped[1:2].isdigit():
            buffer = [line.rstrip()]
            continue
        out.append(line)
    return "\n".join(out)


def main():
    configs = []
    for name, optimizer, kwargs, n in CONFIGS:
        hyper = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kwargs.items()}
        configs.append(dict(name=name, optimizer=optimizer, hyperparameters=hyper, length=n, float64=run(optimizer, kwargs, n)))
    doc = dict(
        generator="tests/reference/torch-optim-flags.py with torch " + torch.__version__ + " (float64, foreach=False)",
        problem="wave<n>: x0[i] = cos(i); g[i] = (0.5 + i mod 5)*(x[i] - sin(1.7 i)) + 0.3 sin(0.7 s + i) at step s (1-based)",
        checkpoints=CHECKPOINTS,
        optimizers=configs,
    )
    # One line per trajectory point keeps the file small and diffable.
    text = json.dumps(doc, indent=1)
    sys.stdout.write(compact(text))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
