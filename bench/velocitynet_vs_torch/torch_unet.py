#!/usr/bin/env python3
"""PyTorch peer of windrose's default network (nn.UNet of flowmatch.DefaultConfig)
for bench/velocitynet_vs_torch, which runs it between its own measurements.

Run it with Debian's python (it has torch), from anywhere:

  /usr/bin/python3 bench/velocitynet_vs_torch/torch_unet.py bench --base 16 --json unet.json
      params, training img/s at batch 256 and 64, forward img-evals/s at
      batch 256, "other cores" and peak RSS, for the U-Net of widths
      base x (1, 2, 4)
  /usr/bin/python3 bench/velocitynet_vs_torch/torch_unet.py sample --json s.json --n 1000
      wall time of sampling n images from models/mnist.safetensors with
      classical RK4, 5 uniform steps, batch 256, and peak RSS

The network is the twin of nn.UNet in testdata/torch/unet.py, which imports
the reference network's parts from torch_velocitynet.py (not in this
repository: --ref-dir, by default ../shared/bench beside the repository
root). Both commands use 2 threads (--threads) and print JSON with the keys
of the Go side.

The training step is the one the Go side times: t ~ U(0, 1), x_t = (1 - t) x0
+ t x1 and u = x1 - x0 (sigma_min = 0), v = net(x_t, t), the MSE loss,
backward, AdamW at lr 2e-3 (PyTorch's defaults otherwise) and an EMA of
decay 0.999 from the first step, on batches drawn from 60,000 random images
held in memory (the cost does not depend on the values): 2 warm-up steps,
then --steps timed ones. --quick shrinks the batches (256 -> 16, 64 -> 8)
and the data set, for smoke tests only: its numbers are not measurements
(the keys keep the nominal batch sizes, and "quick" is true).

Sampling reads the safetensors file itself when the safetensors module is
missing (Debian has none), builds the twin from the file's configuration,
and integrates each batch of noise (torch.randn, seeded) from t = 0 to 1
with torch_velocitynet.sample_rk4(quirky=False): classical RK4 at t = i/N,
the stepping of windrose's flowmatch.DefaultSampleSettings(). The time
covers the noise, the integration and the conversion to grey levels.
"""
import argparse
import json
import os
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

# Batch sizes of the measurements, and their --quick stand-ins.
TRAIN_BATCHES = (256, 64)
FWD_BATCH = 256
QUICK = {256: 16, 64: 8}


def parse():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ref-dir", default=os.path.join(REPO, "..", "shared", "bench"),
                   help="directory of torch_velocitynet.py (default: ../shared/bench beside the repository)")
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("bench")
    b.add_argument("--threads", type=int, default=2)
    b.add_argument("--steps", type=int, default=6, help="timed steps per measurement, after 2 warm-up steps")
    b.add_argument("--quick", action="store_true", help="tiny batches and data set, for smoke tests only")
    b.add_argument("--base", type=int, default=32, help="U-Net width at full resolution (the widths are base x 1, 2, 4)")
    b.add_argument("--json", default="")
    s = sub.add_parser("sample")
    s.add_argument("--threads", type=int, default=2)
    s.add_argument("--model", default=os.path.join(REPO, "models", "mnist.safetensors"))
    s.add_argument("--n", type=int, default=1000)
    s.add_argument("--steps", type=int, default=5, help="uniform RK4 steps")
    s.add_argument("--batch", type=int, default=256)
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--json", default="")
    return p.parse_args()


a = parse()
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.dont_write_bytecode = True  # leave no __pycache__ in testdata/ or shared/
sys.path.insert(0, os.path.abspath(a.ref_dir))
import torch_velocitynet as ref  # noqa: E402  (the reference network's parts, not copied)
sys.path.insert(0, os.path.join(REPO, "testdata", "torch"))
import unet as unet_twin  # noqa: E402  (the twin of nn.UNet)


def cpu_snapshot():
    """(busy jiffies of the machine, jiffies of this process), as torch_velocitynet.cpu_snapshot."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    with open("/proc/self/stat") as f:
        w = f.read().rsplit(")", 1)[1].split()
    return sum(v) - v[3] - v[4], int(w[11]) + int(w[12])


def other_cores(s0, s1, wall):
    """Average number of cores that other processes used between two snapshots."""
    return max(0.0, ((s1[0] - s0[0]) - (s1[1] - s0[1])) / os.sysconf("SC_CLK_TCK") / max(wall, 1e-9))


def peak_rss_mb():
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def header(threads):
    torch.set_num_threads(threads)
    return {"torch": torch.__version__, "threads": torch.get_num_threads()}


def finish(res, path):
    res["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(res, indent=1), flush=True)
    if path:
        with open(path, "w") as f:
            json.dump(res, f, indent=1)


def cmd_bench(a):
    res = header(a.threads)
    res["quick"] = a.quick
    torch.manual_seed(0)
    model = unet_twin.UNet(channels=1, base=a.base)  # nn.UNetConfig{Channels: 1, Base: base}
    res["params"] = sum(p.numel() for p in model.parameters())
    g = torch.Generator().manual_seed(1)
    n_data = 1024 if a.quick else 60000
    data = torch.empty(n_data, 1, 28, 28).uniform_(-1, 1, generator=g)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
    ema = ref.EMA(model, 0.999)
    for nominal in TRAIN_BATCHES:
        bs = QUICK[nominal] if a.quick else nominal
        times, c0, w0 = [], None, None
        for s in range(2 + a.steps):
            x1 = data[torch.randint(0, n_data, (bs,), generator=g)]
            t0 = time.perf_counter()
            t = torch.rand(bs)
            x0 = torch.randn_like(x1)
            tb = t[:, None, None, None]
            xt = (1 - tb) * x0 + tb * x1
            u = x1 - x0
            loss = F.mse_loss(model(xt, t), u)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            ema.update(model)
            dt = time.perf_counter() - t0
            if s == 1:
                c0, w0 = cpu_snapshot(), time.perf_counter()
            if s >= 2:
                times.append(dt)
        k = f"train_b{nominal}"
        res[k + "_other_cores"] = round(other_cores(c0, cpu_snapshot(), time.perf_counter() - w0), 3)
        res[k + "_step_s_median"] = float(np.median(times))
        res[k + "_step_s_all"] = [round(v, 4) for v in times]
        res[k + "_img_per_s"] = bs / float(np.mean(times))
        print(json.dumps({key: res[key] for key in res if key.startswith(k)}), flush=True)
    model.eval()
    bs = QUICK[FWD_BATCH] if a.quick else FWD_BATCH
    with torch.no_grad():
        x = torch.randn(bs, 1, 28, 28)
        t = torch.rand(bs)
        times = []
        for s in range(2 + a.steps):
            if s == 2:
                c0, w0 = cpu_snapshot(), time.perf_counter()
            t0 = time.perf_counter()
            model(x, t)
            dt = time.perf_counter() - t0
            if s >= 2:
                times.append(dt)
    k = f"fwd_b{FWD_BATCH}"
    res[k + "_other_cores"] = round(other_cores(c0, cpu_snapshot(), time.perf_counter() - w0), 3)
    res[k + "_s_median"] = float(np.median(times))
    res[k + "_s_all"] = [round(v, 4) for v in times]
    res[k + "_img_evals_per_s"] = bs / float(np.mean(times))
    print(json.dumps({key: res[key] for key in res if key.startswith(k)}), flush=True)
    finish(res, a.json)


def read_safetensors(path):
    """(state_dict, metadata) of a safetensors file of F32 tensors."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        head = json.loads(f.read(n))
        blob = f.read()
    meta = head.pop("__metadata__", {})
    try:
        from safetensors.torch import load_file
        return load_file(path), meta
    except ImportError:
        pass
    sd = {}
    for name, h in head.items():
        if h["dtype"] != "F32":
            raise SystemExit(f"{path}: tensor {name} is {h['dtype']}, want F32")
        lo, hi = h["data_offsets"]
        a = np.frombuffer(blob, dtype="<f4", count=(hi - lo) // 4, offset=lo)
        sd[name] = torch.from_numpy(a.reshape(h["shape"]).copy())
    return sd, meta


def load_unet(path):
    """The twin of the model file's nn.UNet with its weights, and the sample shape."""
    sd, meta = read_safetensors(path)
    cfg = json.loads(meta.get("config", "{}"))
    if cfg.get("arch") != "unet":
        raise SystemExit(f"{path}: arch {cfg.get('arch')!r}, want 'unet'")
    shape = [int(v) for v in meta["data_shape"].split(",")]
    u = cfg.get("unet") or {}
    model = unet_twin.UNet(channels=shape[0], base=u.get("base") or 32, mults=tuple(u.get("mults") or (1, 2, 4)),
                           blocks=u.get("blocks") or 1, mid=u.get("mid") or 2, tdim=u.get("time_dim") or 128,
                           groups=u.get("groups") or 8)
    model.load_state_dict(sd, strict=True)
    return model.eval(), shape


def cmd_sample(a):
    res = header(a.threads)
    model, shape = load_unet(a.model)
    res["params"] = sum(p.numel() for p in model.parameters())
    res["sample_n"], res["sample_steps"], res["sample_batch"] = a.n, a.steps, a.batch
    torch.manual_seed(a.seed)
    grey, done = 0.0, 0
    c0, t0 = cpu_snapshot(), time.perf_counter()
    with torch.no_grad():
        for lo in range(0, a.n, a.batch):
            b = min(a.batch, a.n - lo)
            x = ref.sample_rk4(model, torch.randn(b, *shape), a.steps, quirky=False)
            grey += float(ref.to_uint8(x).astype(np.float64).sum())
            done += b
            print(f"{done}/{a.n} {time.perf_counter() - t0:.1f}s", file=sys.stderr, flush=True)
    res["sample_s"] = time.perf_counter() - t0
    res["sample_other_cores"] = round(other_cores(c0, cpu_snapshot(), res["sample_s"]), 3)
    res["sample_mean_grey"] = grey / max(1, a.n * int(np.prod(shape)))
    finish(res, a.json)


{"bench": cmd_bench, "sample": cmd_sample}[a.cmd](a)
