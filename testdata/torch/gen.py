#!/usr/bin/env python3
"""Golden data for the nn package's PyTorch parity tests (nn/torch_test.go).

Run from anywhere with Debian's python (it has torch):
    /usr/bin/python3 testdata/torch/gen.py
It imports the reference network from ../shared/bench/torch_velocitynet.py
(the repository's sibling checkout of shared/, as in CI) and writes, next to
this script:

  velocitynet_weights.safetensors  state_dict of VelocityNet() after
                                   torch.manual_seed(0) (PyTorch's own init)
  velocitynet_grads.safetensors    d loss / d parameter for every state_dict
                                   entry, same names
  velocitynet_batch.safetensors    the batch: x1, x0, t, xt, u (the flow-matching
                                   inputs of REFERENCE.md), v = net(xt, t),
                                   dv = d loss / d v, dxt = d loss / d xt, loss
  adamw.safetensors                torch.optim.AdamW trajectories (see adamw())
  unet_weights.safetensors         state_dict of a small UNet twin (unet.py; see unet())
  unet_grads.safetensors           its d (v . dv) / d parameter
  unet_batch.safetensors           its batch: x, t, v = net(x, t), dv, dx
  unet_attn_{weights,grads,batch}.safetensors
                                   the same for a small UNet twin with attention
                                   (see unet_attn())

The loss is REFERENCE.md's: per-pixel smooth-L1 (beta 0.1) between v and u,
each sample weighted by w = t(1-t) / (mean_batch t(1-t) + 1e-8), averaged,
plus 3e-5 * mean(v^2); x0 and t are drawn once here and stored, so Go
recomputes exactly the same loss.

Safetensors is written by hand (8-byte little-endian header length, JSON
header, raw little-endian float32), since Debian has no python3-safetensors.
"""
import json, os, struct, sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "..", "shared", "bench"))
import torch_velocitynet as ref  # noqa: E402  (the reference network, not copied)
sys.path.insert(0, HERE)
import unet as unet_twin  # noqa: E402  (the twin of nn.UNet)


def write_safetensors(path, tensors, metadata=None):
    """tensors: list of (name, tensor); written in that order as F32."""
    header, blobs, off = {}, [], 0
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    for name, t in tensors:
        a = np.ascontiguousarray(t.detach().cpu().numpy().astype("<f4"))
        b = a.tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def fm_loss_fixed(v, u, t):
    w = t * (1 - t)
    w = w / (w.mean() + 1e-8)
    per = F.smooth_l1_loss(v, u, beta=0.1, reduction="none")
    return (w[:, None, None, None] * per).mean() + 3e-5 * v.pow(2).mean()


def velocitynet():
    torch.manual_seed(0)
    net = ref.VelocityNet()
    sd = net.state_dict()
    write_safetensors(os.path.join(HERE, "velocitynet_weights.safetensors"), list(sd.items()),
                      {"source": "testdata/torch/gen.py", "torch": torch.__version__, "seed": 0})

    g = torch.Generator().manual_seed(1)
    B = 2
    x1 = torch.rand(B, 1, 28, 28, generator=g) * 2 - 1  # stands in for data in [-1, 1]
    x0 = torch.randn(B, 1, 28, 28, generator=g)
    t = torch.tensor([0.137, 0.862], dtype=torch.float32)
    tb = t[:, None, None, None]
    xt = ((1 - 0.9 * tb) * x0 + tb * x1).detach().requires_grad_(True)  # sigma_min = 0.1
    u = x1 - 0.9 * x0
    v = net(xt, t)
    v.retain_grad()
    loss = fm_loss_fixed(v, u, t)
    net.zero_grad()
    loss.backward()
    write_safetensors(os.path.join(HERE, "velocitynet_grads.safetensors"),
                      [(n, p.grad) for n, p in net.named_parameters()],
                      {"source": "testdata/torch/gen.py", "what": "d loss / d parameter"})
    write_safetensors(os.path.join(HERE, "velocitynet_batch.safetensors"),
                      [("x1", x1), ("x0", x0), ("t", t), ("xt", xt), ("u", u), ("v", v), ("dv", v.grad),
                       ("dxt", xt.grad), ("loss", loss.reshape(1))],
                      {"source": "testdata/torch/gen.py", "loss": repr(loss.item())})
    print("loss", loss.item(), "params", sum(p.numel() for p in net.parameters()))


def adamw():
    """Two parameter tensors, 4 steps with fixed gradients, two settings:
    'a' = defaults (betas (0.9, 0.999), eps 1e-8, weight_decay 0.01) at lr 1e-2;
    'b' = betas (0.8, 0.99), eps 1e-6, weight_decay 0.1 at lr 3e-3.
    Stored: p0.<i>, grad.<k>.<i> for step k, and <set>.step<k>.<i> after step k."""
    g = torch.Generator().manual_seed(2)
    shapes = [(3, 4), (5,)]
    p0 = [torch.randn(s, generator=g) for s in shapes]
    grads = [[torch.randn(s, generator=g) * (0.1 if k % 2 else 1.0) for s in shapes] for k in range(4)]
    out = [(f"p0.{i}", p) for i, p in enumerate(p0)]
    out += [(f"grad.{k}.{i}", gr) for k, gs in enumerate(grads) for i, gr in enumerate(gs)]
    settings = {"a": dict(lr=1e-2), "b": dict(lr=3e-3, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)}
    for name, kw in settings.items():
        ps = [p.clone().requires_grad_(True) for p in p0]
        opt = torch.optim.AdamW(ps, **kw)
        for k in range(4):
            for p, gr in zip(ps, grads[k]):
                p.grad = gr.clone()
            opt.step()
            out += [(f"{name}.step{k + 1}.{i}", p.detach().clone()) for i, p in enumerate(ps)]
    write_safetensors(os.path.join(HERE, "adamw.safetensors"), out,
                      {"source": "testdata/torch/gen.py", "torch": torch.__version__,
                       "a": json.dumps(settings["a"]), "b": json.dumps(settings["b"])})


# The UNet of the parity test (nn/torch_test.go, TestTorchParityUNet): three
# levels of widths 16/32/64 on 28x28, two blocks per level, one in the middle,
# time width 32, 8 groups.
UNET = dict(channels=1, base=16, mults=(1, 2, 4), blocks=2, mid=1, tdim=32, groups=8)


def unet(cfg=UNET, prefix="unet"):
    torch.manual_seed(0)
    net = unet_twin.UNet(**cfg)
    write_safetensors(os.path.join(HERE, prefix + "_weights.safetensors"), list(net.state_dict().items()),
                      {"source": "testdata/torch/gen.py", "torch": torch.__version__, "config": json.dumps(cfg)})
    g = torch.Generator().manual_seed(3)
    B = 3
    x = torch.randn(B, 1, 28, 28, generator=g).requires_grad_(True)
    t = torch.tensor([0.05, 0.5, 0.93], dtype=torch.float32)
    v = net(x, t)
    dv = torch.randn(v.shape, generator=g)
    net.zero_grad()
    (v * dv).sum().backward()
    write_safetensors(os.path.join(HERE, prefix + "_grads.safetensors"),
                      [(n, p.grad) for n, p in net.named_parameters()],
                      {"source": "testdata/torch/gen.py", "what": "d (v . dv) / d parameter"})
    write_safetensors(os.path.join(HERE, prefix + "_batch.safetensors"),
                      [("x", x), ("t", t), ("v", v), ("dv", dv), ("dx", x.grad)],
                      {"source": "testdata/torch/gen.py"})
    print(prefix, "params", sum(p.numel() for p in net.parameters()))


# The UNet with attention of TestTorchParityUNetAttention: widths 16/32/64 on
# 28x28, one block per level, two in the middle with the attention block
# between them (at 7x7, 49 positions), time width 32, 8 groups.
UNET_ATTN = dict(channels=1, base=16, mults=(1, 2, 4), blocks=1, mid=2, tdim=32, groups=8, attention=True)


def unet_attn():
    unet(UNET_ATTN, "unet_attn")


if __name__ == "__main__":
    torch.set_num_threads(1)
    which = sys.argv[1:] or ["velocitynet", "adamw", "unet"]
    for name in which:
        globals()[name]()
