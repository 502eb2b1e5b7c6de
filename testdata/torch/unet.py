"""The PyTorch twin of windrose's nn.UNet (nn/unet.go): same structure, same
state_dict names, so weights move both ways. It reuses the reference
network's ResBlock and time embedding (shared/bench/torch_velocitynet.py,
imported by gen.py before this module)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

import torch_velocitynet as ref


class AttnBlock(nn.Module):
    """The twin of nn.Attention (nn/attention.go): single-head self-attention
    over the H*W positions with a residual connection."""

    def __init__(self, ch, groups):
        super().__init__()
        self.norm = nn.GroupNorm(groups, ch)
        self.qkv = nn.Conv2d(ch, 3 * ch, 1)
        self.proj = nn.Conv2d(ch, ch, 1)

    def forward(self, x):
        B, C, H, W = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(B, 3 * C, H * W).chunk(3, dim=1)
        a = torch.softmax(q.transpose(1, 2) @ k * C ** -0.5, dim=-1)  # [B, N queries, N keys]
        o = v @ a.transpose(1, 2)  # o[c, i] = sum_j a[i, j] v[c, j]
        return x + self.proj(o.reshape(B, C, H, W))


class UNet(nn.Module):
    def __init__(self, channels=1, base=32, mults=(1, 2, 4), blocks=1, mid=2, tdim=128, groups=8, attention=False):
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
        if attention:  # one block after every middle ResBlock but the last
            self.mid_attn = nn.ModuleList(AttnBlock(ws[-1], groups) for _ in range(mid - 1))
        else:
            self.mid_attn = None
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
        for j, b in enumerate(self.mid):
            h = b(h, temb)
            if self.mid_attn is not None and j < len(self.mid_attn):
                h = self.mid_attn[j](h)
        for i in reversed(range(len(self.ups))):
            h = self.ups[i](h) + skips[i]
            for b in self.up_blocks[i]:
                h = b(h, temb)
        return self.out_conv(F.silu(self.out_norm(h)))
