#!/usr/bin/env python3
"""PyTorch peer of bench/cuda (cudabench): the same measurements on the same GPU.

Eager mode, float32, TF32 off for matmul and cuDNN (windrose computes in plain
float32), cudnn.benchmark left at its default (False). After --warmup (3)
untimed steps, --steps (20) timed ones, torch.cuda.synchronize() before each
timer stops:

  vnet_train_b256      training img/s of the reference VelocityNet (imported
                       from torch_velocitynet.py in --ref-dir) with its loss
                       (fm_loss, with t drawn on the GPU), AdamW lr 2e-4 and
                       its EMA 0.999, on random images held on the device
  unet_train_b64/b256  the same for the twin of windrose's default U-Net
                       (testdata/torch/unet.py) with sigma_min 0 and MSE
  vnet_fwd_b256, unet_fwd_b256   forward image-evaluations/s (no_grad)
  sample_wall_s        with --sample-model FILE (models/mnist.safetensors):
                       the U-Net twin loaded from it samples --sample-n
                       (10,000) images with classical RK4, 5 uniform steps
                       from t=0 to 1, batch 256, noise from torch.randn with a
                       fixed seed; clamped and mapped to uint8 on the host.

Run from the repository root:
  python3 bench/cuda/torch_cuda.py --json torch.json --sample-model models/mnist.safetensors
Smoke test on a CPU (Debian's python has torch):
  /usr/bin/python3 bench/cuda/torch_cuda.py --device cpu --quick --ref-dir ../shared/bench
"""
import argparse, datetime, json, os, struct, subprocess, sys, time, types

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def import_networks(ref_dir):
    """Imports torch_velocitynet (as ref) from ref_dir and the U-Net twin from testdata/torch."""
    sys.path.insert(0, ref_dir)
    try:
        import mnist_idx  # noqa: F401  (torch_velocitynet imports it; only its data loader uses it)
    except ImportError:
        sys.modules["mnist_idx"] = types.ModuleType("mnist_idx")
    import torch_velocitynet as ref
    sys.path.insert(0, os.path.join(REPO, "testdata", "torch"))
    import unet as twin
    return ref, twin


def set_float32():
    """TF32 off: matmul and convolutions in IEEE float32, like windrose."""
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = False


def gpu_name():
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=30)
        return " ".join(out.stdout.strip().replace("\n", "; ").split()) if out.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        return ""


def ref_loss(ref, model, x1):
    """ref.fm_loss (REFERENCE.md) with t drawn on x1's device: sigma_min 0.1, smooth-L1
    (beta 0.1) weighted by t(1-t)/mean, plus 3e-5 mean(v^2)."""
    B = x1.shape[0]
    t = torch.rand(B, device=x1.device) * (1 - 2e-5) + 1e-5
    x0 = torch.randn_like(x1)
    tb = t[:, None, None, None]
    xt = (1 - 0.9 * tb) * x0 + tb * x1
    u = x1 - 0.9 * x0
    v = model(xt, t)
    w = t * (1 - t)
    w = w / (w.mean() + 1e-8)
    per = F.smooth_l1_loss(v, u, beta=0.1, reduction="none")
    return (w[:, None, None, None] * per).mean() + 3e-5 * v.pow(2).mean()


def mse_loss(model, x1):
    """The default recipe's loss: sigma_min 0, x_t = (1-t) x0 + t x1, u = x1 - x0, MSE."""
    B = x1.shape[0]
    t = torch.rand(B, device=x1.device) * (1 - 2e-5) + 1e-5
    x0 = torch.randn_like(x1)
    tb = t[:, None, None, None]
    xt = (1 - tb) * x0 + tb * x1
    return F.mse_loss(model(xt, t), x1 - x0)


class Bench:
    def __init__(self, a, dev, res):
        self.a, self.dev, self.res = a, dev, res
        g = torch.Generator(device=dev)
        g.manual_seed(1)
        self.g = g
        # random pixels in [-1, 1] held on the device: the cost does not depend on them
        self.data = torch.rand(a.n_data, 1, 28, 28, device=dev, generator=g) * 2 - 1

    def sync(self):
        if self.dev.type == "cuda":
            torch.cuda.synchronize(self.dev)

    def train(self, name, model, ema, loss_fn, batches):
        a = self.a
        opt = torch.optim.AdamW(model.parameters(), lr=2e-4)
        model.train()
        for bs in batches:
            t0, loss = None, None
            for s in range(a.warmup + a.steps):
                if s == a.warmup:
                    self.sync()
                    t0 = time.perf_counter()
                idx = torch.randint(0, self.data.shape[0], (bs,), device=self.dev, generator=self.g)
                loss = loss_fn(model, self.data[idx])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                ema.update(model)
            self.sync()
            wall = time.perf_counter() - t0
            k = f"{name}_train_b{bs}"
            self.res[k + "_img_per_s"] = bs * a.steps / wall
            self.res[k + "_step_s_mean"] = wall / a.steps
            self.res[k + "_last_loss"] = float(loss)
            print(f"pytorch  {k:20s} {self.res[k + '_img_per_s']:10.1f} img/s  ({a.steps} steps in {wall:.3f} s, "
                  f"loss {float(loss):.4g})", flush=True)

    @torch.no_grad()
    def forward(self, name, model, bs):
        a = self.a
        model.eval()
        x = torch.randn(bs, 1, 28, 28, device=self.dev, generator=self.g)
        t = torch.rand(bs, device=self.dev, generator=self.g)
        t0 = None
        for s in range(a.warmup + a.steps):
            if s == a.warmup:
                self.sync()
                t0 = time.perf_counter()
            model(x, t)
        self.sync()
        wall = time.perf_counter() - t0
        k = f"{name}_fwd_b{bs}"
        self.res[k + "_img_evals_per_s"] = bs * a.steps / wall
        self.res[k + "_s_mean"] = wall / a.steps
        print(f"pytorch  {k:20s} {self.res[k + '_img_evals_per_s']:10.1f} img-evals/s  ({a.steps} passes in {wall:.3f} s)",
              flush=True)


def load_safetensors(path, dev):
    """safetensors.torch.load_file, or a plain reader of F32 tensors where the package is missing."""
    try:
        from safetensors.torch import load_file
        return load_file(path, device=str(dev))
    except ImportError:
        import numpy as np
        with open(path, "rb") as f:
            n = struct.unpack("<Q", f.read(8))[0]
            header = json.loads(f.read(n))
            blob = f.read()
        out = {}
        for k, h in header.items():
            if k == "__metadata__":
                continue
            if h["dtype"] != "F32":
                raise SystemExit(f"{path}: {k} is {h['dtype']}, this reader knows F32 only")
            s, e = h["data_offsets"]
            out[k] = torch.from_numpy(np.frombuffer(blob[s:e], dtype="<f4").copy().reshape(h["shape"])).to(dev)
        return out


@torch.no_grad()
def rk4(model, x, n):
    """Classical RK4 from t=0 to 1 in n uniform steps: 4 network evaluations per step."""
    dt = 1.0 / n
    B = x.shape[0]
    for i in range(n):
        t0 = i * dt
        tt = lambda s: torch.full((B,), s, dtype=torch.float32, device=x.device)
        k1 = model(x, tt(t0))
        k2 = model(x + 0.5 * dt * k1, tt(t0 + 0.5 * dt))
        k3 = model(x + 0.5 * dt * k2, tt(t0 + 0.5 * dt))
        k4 = model(x + dt * k3, tt(t0 + dt))
        x = x + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    return x


def sample(a, twin, dev, res):
    model = twin.UNet().to(dev)
    model.load_state_dict(load_safetensors(a.sample_model, dev))
    model.eval()
    g = torch.Generator(device=dev)
    g.manual_seed(123)
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)
    t0 = time.perf_counter()
    out = []
    for s in range(0, a.sample_n, a.sample_batch):
        b = min(a.sample_batch, a.sample_n - s)
        x = torch.randn(b, 1, 28, 28, device=dev, generator=g)
        x = rk4(model, x, a.sample_steps)
        out.append(((x.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).squeeze(1).cpu())
    imgs = torch.cat(out)
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)
    wall = time.perf_counter() - t0
    res.update({"sample_n": a.sample_n, "sample_steps": a.sample_steps, "sample_batch": a.sample_batch,
                "sample_method": "rk4", "sample_wall_s": wall, "sample_ms_per_image": wall * 1000 / a.sample_n,
                "sample_mean_grey": float(imgs.float().mean())})
    print(f"pytorch  sample {a.sample_n} images, rk4 {a.sample_steps} steps, batch {a.sample_batch}: "
          f"{wall:.3f} s ({wall * 1000 / a.sample_n:.3f} ms per image)", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--device", default="cuda")
    p.add_argument("--steps", type=int, default=20, help="timed steps per measurement")
    p.add_argument("--warmup", type=int, default=3, help="warm-up steps before each measurement")
    p.add_argument("--json", default="", help="write the results to this file")
    p.add_argument("--ref-dir", default=os.path.join(REPO, "bench", "cuda", "out"),
                   help="directory of torch_velocitynet.py (default: bench/cuda/out, where prepare.sh copies it)")
    p.add_argument("--sample-model", default="", help="safetensors of the U-Net to sample from (models/mnist.safetensors)")
    p.add_argument("--sample-n", type=int, default=10000)
    p.add_argument("--sample-batch", type=int, default=256)
    p.add_argument("--sample-steps", type=int, default=5)
    p.add_argument("--quick", action="store_true",
                   help="smoke test: batches 8 (256) and 2 (64), 1 warm-up and 1 timed step, 16 samples")
    a = p.parse_args()
    big, small, a.n_data = 256, 64, 60000
    if a.quick:
        big, small, a.n_data, a.steps, a.warmup = 8, 2, 512, 1, 1
        a.sample_n, a.sample_batch = min(a.sample_n, 16), min(a.sample_batch, 8)
    if a.steps < 1 or a.warmup < 0:
        p.error("--steps must be >= 1 and --warmup >= 0")

    ref, twin = import_networks(os.path.abspath(a.ref_dir))
    dev = torch.device(a.device)
    set_float32()
    res = {"side": "pytorch", "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "backend": a.device, "torch": torch.__version__, "cuda": torch.version.cuda,
           "threads": torch.get_num_threads(), "gpu": gpu_name(), "steps": a.steps, "warmup": a.warmup,
           "quick": a.quick, "cudnn_benchmark": torch.backends.cudnn.benchmark,
           "tf32_matmul": torch.backends.cuda.matmul.allow_tf32, "tf32_cudnn": torch.backends.cudnn.allow_tf32}
    if dev.type == "cuda":
        res["device_name"] = torch.cuda.get_device_name(dev)
    print(f"pytorch {res['torch']} on {a.device} ({res.get('device_name', res['threads'])}), gpu {res['gpu']!r}, "
          f"tf32 matmul {res['tf32_matmul']} cudnn {res['tf32_cudnn']}, {res['date']}", flush=True)

    torch.manual_seed(0)
    b = Bench(a, dev, res)
    vnet = ref.VelocityNet().to(dev)
    res["vnet_params"] = sum(q.numel() for q in vnet.parameters())
    b.train("vnet", vnet, ref.EMA(vnet, 0.999), lambda m, x1: ref_loss(ref, m, x1), [big])
    b.forward("vnet", vnet, big)

    unet = twin.UNet(channels=1).to(dev)  # the defaults are nn.UNetConfig's zero value
    res["unet_params"] = sum(q.numel() for q in unet.parameters())
    b.train("unet", unet, ref.EMA(unet, 0.999), mse_loss, [small, big])
    b.forward("unet", unet, big)
    del vnet, unet, b

    if a.sample_model:
        sample(a, twin, dev, res)
    if dev.type == "cuda":
        res["max_memory_allocated_mb"] = torch.cuda.max_memory_allocated(dev) / 2**20
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1)
        print("wrote", a.json)


if __name__ == "__main__":
    main()
