#!/usr/bin/env python3
"""PyTorch peer of flowmatch.Likelihood (flowmatch/likelihood_torch_test.go).

Run from anywhere with Debian's python (it has torch):
    /usr/bin/python3 testdata/torch/likelihood.py
It reuses gen.py (its safetensors writer and its import of the reference
network from ../shared/bench/torch_velocitynet.py), loads the weights gen.py
wrote (velocitynet_weights.safetensors: the reference VelocityNet after
torch.manual_seed(0)) and computes the log-likelihood of B = 2 inputs the
way windrose does:

  the augmented ODE  d/dt [x, l_j] = [v(x, t), eps_j^T (dv/dx) eps_j]
  from t = 1 (x = the input, l_j = 0) to t = 0, K = 2 Rademacher probes
  eps_j per input, kept for the whole solve, each with its accumulator l_j;
  log p_j = log N(x(0); 0, I) + l_j (Chen et al. 2018; FFJORD eq. 4).

The stepping is STEPS classical RK4 steps on the uniform grid t_k = 1 - k/STEPS,
with a float64 state (the network itself runs in float32, as in windrose):
fixed steps on both sides, so the two computations differ only by the
rounding of the network's float32 arithmetic. The vector-Jacobian products
come from torch.autograd.grad, one call for the K copies of the batch.

It writes likelihood.safetensors next to this script:
  x    [B,1,28,28]    the inputs (uniform in [-1, 1], generator seed 3)
  eps  [B,K,1,28,28]  the probes (+-1, generator seed 4)
  z0   [B,1,28,28]    x(0), the encoding (float32 of the float64 state)
  acc  [B,K]          l_j(0)
  logp [B,K]          log N(z0) + l_j, computed in float64
and metadata steps, K, source and torch's version. The Go test reads it and
skips, naming this script, when the file is absent.
"""
import json, math, os, struct, sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen  # noqa: E402  (write_safetensors; gen.ref is the reference network)

B, K, STEPS = 2, 2, 8


def read_safetensors(path):
    """The F32 tensors of a safetensors file, by name."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, h in header.items():
        if name == "__metadata__":
            continue
        assert h["dtype"] == "F32", (name, h["dtype"])
        a, b = h["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype="<f4").copy().reshape(h["shape"]))
    return out


def field(net, x, eps, t):
    """v(x, t) and q[b, j] = eps_bj^T (dv/dx) eps_bj for a float64 state x [B,1,28,28]."""
    # Copy j of the batch carries probe j: rows j*B .. j*B+B-1.
    xs = x.float().repeat(K, 1, 1, 1).requires_grad_(True)
    ts = torch.full((K * B,), t, dtype=torch.float32)
    v = net(xs, ts)
    e = eps.transpose(0, 1).reshape(K * B, 1, 28, 28)
    (g,) = torch.autograd.grad(v, xs, grad_outputs=e)
    q = (g.double() * e.double()).sum(dim=(1, 2, 3)).reshape(K, B).T
    return v[:B].detach().double(), q.detach()


def solve(net, x1, eps):
    x = x1.double()
    acc = torch.zeros(B, K, dtype=torch.float64)
    h = -1.0 / STEPS
    for k in range(STEPS):
        t = 1.0 - k / STEPS
        k1x, k1a = field(net, x, eps, t)
        k2x, k2a = field(net, x + h / 2 * k1x, eps, t + h / 2)
        k3x, k3a = field(net, x + h / 2 * k2x, eps, t + h / 2)
        k4x, k4a = field(net, x + h * k3x, eps, 1.0 - (k + 1) / STEPS)
        x = x + h / 6 * (k1x + 2 * k2x + 2 * k3x + k4x)
        acc = acc + h / 6 * (k1a + 2 * k2a + 2 * k3a + k4a)
    return x, acc


def main():
    torch.set_num_threads(1)
    net = gen.ref.VelocityNet()
    net.load_state_dict(read_safetensors(os.path.join(HERE, "velocitynet_weights.safetensors")))
    net.eval()
    x1 = torch.rand(B, 1, 28, 28, generator=torch.Generator().manual_seed(3)) * 2 - 1
    bits = torch.randint(0, 2, (B, K, 1, 28, 28), generator=torch.Generator().manual_seed(4))
    eps = (2 * bits - 1).float()
    z0, acc = solve(net, x1, eps)
    d = 28 * 28
    logn = -0.5 * (d * math.log(2 * math.pi) + (z0 ** 2).sum(dim=(1, 2, 3)))
    logp = logn[:, None] + acc
    gen.write_safetensors(
        os.path.join(HERE, "likelihood.safetensors"),
        [("x", x1), ("eps", eps), ("z0", z0.float()), ("acc", acc.float()), ("logp", logp.float())],
        {"source": "testdata/torch/likelihood.py", "torch": torch.__version__, "steps": STEPS, "probes": K},
    )
    for b in range(B):
        print(f"input {b}: log p per probe {logp[b].tolist()} nats")


if __name__ == "__main__":
    main()
