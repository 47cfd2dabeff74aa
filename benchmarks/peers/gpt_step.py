#!/usr/bin/python3
"""One training step (forward, backward, AdamW) of the GPT of LlmCore's GptStepBenchmarks.LlmCore, in float32:
GPT-2 layout with n_layer 4, n_head 4, n_embd 128, block 64, vocab 256 (byte level), batch 32: token + learned
position embeddings, pre-LayerNorm blocks with causal self-attention through one fused C→3C projection and a
GELU (tanh form) MLP of width 4C, a final LayerNorm, and an LM head tied to the token embedding; init N(0, 0.02),
residual output projections N(0, 0.02/√(2·n_layer)), biases 0, dropout 0; mean token cross-entropy.
Prints one JSON object.

Usage: /usr/bin/python3 gpt_step.py [--threads 2]
"""

import math

from common import configure, median_ms, report

torch, threads = configure()
nn = torch.nn
F = torch.nn.functional
N_LAYER, N_HEAD, N_EMBD, BLOCK, VOCAB, BATCH = 4, 4, 128, 64, 256, 32


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(N_EMBD)
        self.qkv = nn.Linear(N_EMBD, 3 * N_EMBD)
        self.proj = nn.Linear(N_EMBD, N_EMBD)
        self.ln2 = nn.LayerNorm(N_EMBD)
        self.fc = nn.Linear(N_EMBD, 4 * N_EMBD)
        self.out = nn.Linear(4 * N_EMBD, N_EMBD)
        mask = torch.tril(torch.ones(BLOCK, BLOCK, dtype=torch.bool))
        self.register_buffer("mask", mask.view(1, 1, BLOCK, BLOCK), persistent=False)

    def attention(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(x).split(N_EMBD, dim=2)
        q = q.view(b, t, N_HEAD, c // N_HEAD).transpose(1, 2)
        k = k.view(b, t, N_HEAD, c // N_HEAD).transpose(1, 2)
        v = v.view(b, t, N_HEAD, c // N_HEAD).transpose(1, 2)
        scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(c // N_HEAD))
        scores = scores.masked_fill(~self.mask[:, :, :t, :t], float("-inf"))
        y = F.softmax(scores, dim=-1) @ v
        return self.proj(y.transpose(1, 2).contiguous().view(b, t, c))

    def forward(self, x):
        x = x + self.attention(self.ln1(x))
        return x + self.out(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class Gpt(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(VOCAB, N_EMBD)
        self.wpe = nn.Embedding(BLOCK, N_EMBD)
        self.blocks = nn.ModuleList(Block() for _ in range(N_LAYER))
        self.ln_f = nn.LayerNorm(N_EMBD)
        self.head = nn.Linear(N_EMBD, VOCAB, bias=False)
        self.head.weight = self.wte.weight  # tied
        for name, p in self.named_parameters():
            if name.endswith("weight") and p.dim() == 2:
                std = 0.02 / math.sqrt(2 * N_LAYER) if name.endswith(("proj.weight", "out.weight")) else 0.02
                nn.init.normal_(p, 0.0, std)
            elif name.endswith("bias"):
                nn.init.zeros_(p)

    def forward(self, tokens):
        t = tokens.shape[1]
        x = self.wte(tokens) + self.wpe(torch.arange(t))
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_f(x))


torch.manual_seed(42)
model = Gpt()
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4, betas=(0.9, 0.95), weight_decay=0.1)
tokens = torch.randint(0, VOCAB, (BATCH, BLOCK + 1))
inputs, targets = tokens[:, :-1].contiguous(), tokens[:, 1:].contiguous()


def step():
    optimizer.zero_grad(set_to_none=False)
    logits = model(inputs)
    loss = F.cross_entropy(logits.view(-1, VOCAB), targets.view(-1))
    loss.backward()
    optimizer.step()
    return loss.item()


parameters = sum(p.numel() for p in model.parameters())
median, best = median_ms(step, warmup=5, repeats=20)
report(torch, threads, "GptStepBenchmarks.LlmCore", {
    "model": f"GPT n_layer {N_LAYER}, n_head {N_HEAD}, n_embd {N_EMBD}, block {BLOCK}, vocab {VOCAB}, batch {BATCH}",
    "parameters": parameters,
    "medianMs": round(median, 2), "minMs": round(best, 2),
    "tokensPerSecond": round(BATCH * BLOCK / (median * 1e-3)),
})
