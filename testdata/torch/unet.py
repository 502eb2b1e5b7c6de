"""The PyTorch twin of windrose's nn.UNet (nn/unet.go): same structure, same
state_dict names, so weights move both ways. It reuses the reference
network's ResBlock and time embedding (shared/bench/torch_velocitynet.py,
imported by gen.py before this module)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

import torch_velocitynet as ref


class UNet(nn.Module):
    def __init__(self, channels=1, base=32, mults=(1, 2, 4), blocks=1, mid=2, tdim=128, groups=8):
        super().__init__()
        ws = [base * m for m in mults]
        L = len(ws)
        self.tdim = tdim
        self.time_mlp = nn.Sequential(nn.Linear(tdim, tdim), nn.SiLU(), nn.Linear(tdim, tdim))
        self.in_conv = nn.Conv2d(channels, ws[0], 3, padding=1)
        self.down_blocks = nn.ModuleList(
            nn.ModuleList(ref.ResBlock(ws[i], tdim, groups) for _ in range(blocks)) for i in range(L))
        self.downs = nn.ModuleList(nn.Conv2d(ws[i], ws[i + 1], 4, stride=2, padding=1) for i in range(L - 1))
        self.mid = nn.ModuleList(ref.ResBlock(ws[-1], tdim, groups) for _ in range(mid))
        self.ups = nn.ModuleList(nn.ConvTranspose2d(ws[i + 1], ws[i], 4, stride=2, padding=1) for i in range(L - 1))
        self.up_blocks = nn.ModuleList(
            nn.ModuleList(ref.ResBlock(ws[i], tdim, groups) for _ in range(blocks)) for i in range(L - 1))
        self.out_norm = nn.GroupNorm(groups, ws[0])
        self.out_conv = nn.Conv2d(ws[0], channels, 3, padding=1)

    def forward(self, x, t):
        temb = self.time_mlp(ref.sinusoidal_embedding(t, self.tdim))
        h = self.in_conv(x)
        skips = []
        for i, bs in enumerate(self.down_blocks):
            for b in bs:
                h = b(h, temb)
            skips.append(h)
            if i < len(self.downs):
                h = self.downs[i](h)
        for b in self.mid:
            h = b(h, temb)
        for i in reversed(range(len(self.ups))):
            h = self.ups[i](h) + skips[i]
            for b in self.up_blocks[i]:
                h = b(h, temb)
        return self.out_conv(F.silu(self.out_norm(h)))
