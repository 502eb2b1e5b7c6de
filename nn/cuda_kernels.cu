// CUDA kernels of the nn backend "cuda" (backend_cuda.go, cuda_ops.go).
//
// Compiled to PTX for compute_80 and embedded in the Go package:
//
//	nvcc -ptx -arch=compute_80 -O3 -o nn/cuda_kernels.ptx nn/cuda_kernels.cu
//
// Conventions, which the Go side relies on (it checks the parameter list of
// every kernel against the PTX when it loads the module):
//   - every kernel parameter is 8 bytes: a pointer, a long long ("i" on the
//     Go side) or a double ("f"; float32 values are widened exactly and
//     narrowed back here), because gorgonia.org/cu's Launch copies 8 bytes
//     per parameter;
//   - float32 data, row-major, NCHW images;
//   - kernels that reduce with block_sum are launched with exactly RB
//     threads per block; the element-wise ones take any block size and loop
//     grid-stride over their elements;
//   - no atomics on floats: every sum is taken in a fixed order, so the
//     results are the same from run to run;
//   - a null pointer marks an optional operand (a bias, a gradient that is
//     not needed); the test is uniform over the block.

typedef long long i64;

#define RB 256 // threads per block of the reducing kernels

// ---------------------------------------------------------------- helpers

__device__ __forceinline__ i64 grid_start() { return (i64)blockIdx.x * blockDim.x + threadIdx.x; }
__device__ __forceinline__ i64 grid_step() { return (i64)gridDim.x * blockDim.x; }

// block_sum2 returns the sums over the block of a and b, the same in every
// thread. sh holds 2·RB doubles. The tree order is fixed, so the result is
// deterministic. Every thread of the block must call it.
__device__ void block_sum2(double* sh, double a, double b, double* ra, double* rb)
{
	const int t = threadIdx.x;
	sh[t] = a;
	sh[RB + t] = b;
	__syncthreads();
	for (int s = RB / 2; s > 0; s >>= 1) {
		if (t < s) {
			sh[t] += sh[t + s];
			sh[RB + t] += sh[RB + t + s];
		}
		__syncthreads();
	}
	*ra = sh[0];
	*rb = sh[RB];
	__syncthreads(); // sh may be reused as soon as this returns
}

__device__ __forceinline__ float sigmoidf_(float z) { return 1.0f / (1.0f + expf(-z)); }

// ------------------------------------------------------------------ SGEMM
//
// Row-major C[m,n] = alpha·op(A)·op(B) + beta·C, op(A) [m,k], op(B) [k,n]:
// A is stored [m,lda] (NoTrans) or [k,lda] (Trans), B [k,ldb] (NoTrans) or
// [n,ldb] (Trans). Tiles of 64×64 outputs per block of 256 threads, each
// thread computing a 4×4 grid of outputs strided by 16 (rows ty+16u, columns
// tx+16v), staged through shared memory in steps of 16 along k. Out-of-range
// rows, columns and k indices load zeros, so any m, n, k is handled.
//
// Split-K: blockIdx.z takes k in [z·kchunk, min(k, (z+1)·kchunk)). With
// W == null (one split) the block writes C; otherwise it writes its raw
// partial sums to W[z][m][n] and splitk_reduce adds them in order of z.
// beta == 0 never reads C.

#define TM 64
#define TN 64
#define TK 16
#define TPAD 4

template <bool TA, bool TB>
__device__ __forceinline__ void sgemm_body(i64 m_, i64 n_, i64 k_, i64 kchunk_, double alpha_,
	const float* __restrict__ A, i64 lda_, const float* __restrict__ B, i64 ldb_, double beta_,
	float* __restrict__ C, i64 ldc_, float* __restrict__ W)
{
	__shared__ float As[TK][TM + TPAD];
	__shared__ float Bs[TK][TN + TPAD];

	const int m = (int)m_, n = (int)n_, k = (int)k_;
	const i64 lda = lda_, ldb = ldb_, ldc = ldc_;
	const float alpha = (float)alpha_, beta = (float)beta_;
	const int tid = threadIdx.x;
	const int tx = tid & 15, ty = tid >> 4;
	const int row0 = blockIdx.y * TM, col0 = blockIdx.x * TN;
	const int kbeg = blockIdx.z * (int)kchunk_;
	const int kend = min(k, kbeg + (int)kchunk_);

	float acc[4][4];
#pragma unroll
	for (int u = 0; u < 4; u++)
#pragma unroll
		for (int v = 0; v < 4; v++)
			acc[u][v] = 0.0f;

	for (int k0 = kbeg; k0 < kend; k0 += TK) {
		// op(A) tile [TM rows, TK], 1024 values, 4 per thread; consecutive
		// threads read consecutive addresses of A.
#pragma unroll
		for (int l = 0; l < 4; l++) {
			const int idx = tid + l * 256;
			int i, kk;
			if (TA) {
				kk = idx >> 6;
				i = idx & 63;
			} else {
				i = idx >> 4;
				kk = idx & 15;
			}
			const int r = row0 + i, kx = k0 + kk;
			float v = 0.0f;
			if (r < m && kx < kend)
				v = TA ? A[(i64)kx * lda + r] : A[(i64)r * lda + kx];
			As[kk][i] = v;
		}
		// op(B) tile [TK, TN].
#pragma unroll
		for (int l = 0; l < 4; l++) {
			const int idx = tid + l * 256;
			int j, kk;
			if (TB) {
				j = idx >> 4;
				kk = idx & 15;
			} else {
				kk = idx >> 6;
				j = idx & 63;
			}
			const int c = col0 + j, kx = k0 + kk;
			float v = 0.0f;
			if (c < n && kx < kend)
				v = TB ? B[(i64)c * ldb + kx] : B[(i64)kx * ldb + c];
			Bs[kk][j] = v;
		}
		__syncthreads();
#pragma unroll
		for (int kk = 0; kk < TK; kk++) {
			float a[4], b[4];
#pragma unroll
			for (int u = 0; u < 4; u++)
				a[u] = As[kk][ty + 16 * u];
#pragma unroll
			for (int v = 0; v < 4; v++)
				b[v] = Bs[kk][tx + 16 * v];
#pragma unroll
			for (int u = 0; u < 4; u++)
#pragma unroll
				for (int v = 0; v < 4; v++)
					acc[u][v] += a[u] * b[v];
		}
		__syncthreads();
	}

#pragma unroll
	for (int u = 0; u < 4; u++) {
		const int r = row0 + ty + 16 * u;
		if (r >= m)
			continue;
#pragma unroll
		for (int v = 0; v < 4; v++) {
			const int c = col0 + tx + 16 * v;
			if (c >= n)
				continue;
			if (W) {
				W[(i64)blockIdx.z * m * n + (i64)r * n + c] = acc[u][v];
			} else {
				float o = alpha * acc[u][v];
				if (beta != 0.0f)
					o += beta * C[(i64)r * ldc + c];
				C[(i64)r * ldc + c] = o;
			}
		}
	}
}

#define SGEMM_PARAMS                                                                             \
	i64 m, i64 n, i64 k, i64 kchunk, double alpha, const float* __restrict__ A, i64 lda,          \
		const float* __restrict__ B, i64 ldb, double beta, float* __restrict__ C, i64 ldc, \
		float* __restrict__ W
#define SGEMM_ARGS m, n, k, kchunk, alpha, A, lda, B, ldb, beta, C, ldc, W

extern "C" __global__ void __launch_bounds__(256) sgemm_nn(SGEMM_PARAMS) { sgemm_body<false, false>(SGEMM_ARGS); }
extern "C" __global__ void __launch_bounds__(256) sgemm_nt(SGEMM_PARAMS) { sgemm_body<false, true>(SGEMM_ARGS); }
extern "C" __global__ void __launch_bounds__(256) sgemm_tn(SGEMM_PARAMS) { sgemm_body<true, false>(SGEMM_ARGS); }
extern "C" __global__ void __launch_bounds__(256) sgemm_tt(SGEMM_PARAMS) { sgemm_body<true, true>(SGEMM_ARGS); }

// splitk_reduce: C[r,c] = alpha·Σ_z W[z][r][c] + beta·C[r,c], z in order.
extern "C" __global__ void splitk_reduce(float* __restrict__ C, const float* __restrict__ W, i64 m,
	i64 n, i64 ldc, i64 splits, double alpha_, double beta_)
{
	const float alpha = (float)alpha_, beta = (float)beta_;
	const i64 mn = m * n;
	for (i64 i = grid_start(); i < mn; i += grid_step()) {
		float s = 0.0f;
		for (i64 z = 0; z < splits; z++)
			s += W[z * mn + i];
		const i64 r = i / n, c = i - r * n;
		float o = alpha * s;
		if (beta != 0.0f)
			o += beta * C[r * ldc + c];
		C[r * ldc + c] = o;
	}
}

// ------------------------------------------------------- im2col, col2im
//
// The image side is x [n,C,H,W]; a KH×KW kernel with stride S and zero
// padding pad gives OH×OW positions, P = OH·OW, N = n·P. The unrolled
// matrix cols [C·KH·KW, N] has row (c·KH + kh)·KW + kw and column s·P + p,
// as nn/cpu_conv.go's im2col lays out a chunk.
//
// These kernels and the permutes index in 32 bits (divisions by 64-bit
// values are slow): the Go side cuts the batch into chunks so that every
// matrix and image of a chunk holds fewer than 2^31 elements.

extern "C" __global__ void im2col(float* __restrict__ cols, const float* __restrict__ x, i64 n_,
	i64 C_, i64 H_, i64 W_, i64 KH_, i64 KW_, i64 S_, i64 pad_, i64 OH_, i64 OW_)
{
	const int C = (int)C_, H = (int)H_, W = (int)W_, KW = (int)KW_;
	const int S = (int)S_, pad = (int)pad_, OW = (int)OW_;
	const int P = (int)(OH_ * OW_), N = (int)(n_ * OH_ * OW_), kk = (int)(KH_ * KW_);
	const i64 total = (i64)C * kk * N;
	for (i64 i = grid_start(); i < total; i += grid_step()) {
		const int idx = (int)i;
		const int row = idx / N, q = idx - row * N;
		const int s = q / P, p = q - s * P;
		const int oh = p / OW, ow = p - oh * OW;
		const int c = row / kk, t = row - c * kk;
		const int kh = t / KW, kw = t - kh * KW;
		const int ih = oh * S - pad + kh, iw = ow * S - pad + kw;
		float v = 0.0f;
		if (ih >= 0 && ih < H && iw >= 0 && iw < W)
			v = x[((s * C + c) * H + ih) * W + iw];
		cols[idx] = v;
	}
}

// col2im, the adjoint of im2col, gathering: each image element
// dst[s,c,ih,iw] is bias[c] (0 without a bias) plus the entries of cols
// that im2col would have read from it, added in the order of (kh, kw), as
// nn/cpu_conv.go's col2im adds them. dst is overwritten.
extern "C" __global__ void col2im(float* __restrict__ dst, const float* __restrict__ cols,
	const float* __restrict__ bias, i64 n_, i64 C_, i64 H_, i64 W_, i64 KH_, i64 KW_, i64 S_,
	i64 pad_, i64 OH_, i64 OW_)
{
	const int C = (int)C_, H = (int)H_, W = (int)W_, KH = (int)KH_, KW = (int)KW_;
	const int S = (int)S_, pad = (int)pad_, OH = (int)OH_, OW = (int)OW_;
	const int P = OH * OW, N = (int)(n_ * OH_ * OW_), kk = KH * KW;
	const i64 total = n_ * C_ * H_ * W_;
	for (i64 i = grid_start(); i < total; i += grid_step()) {
		int t = (int)i;
		const int iw = t % W;
		t /= W;
		const int ih = t % H;
		t /= H;
		const int c = t % C;
		const int s = t / C;
		float v = bias ? bias[c] : 0.0f;
		const float* base = cols + (c * kk * N + s * P);
		for (int kh = 0; kh < KH; kh++) {
			const int yh = ih + pad - kh; // = oh·S when tap kh of output row oh reads ih
			if (yh < 0)
				break; // and for every larger kh
			if (yh % S != 0)
				continue;
			const int oh = yh / S;
			if (oh >= OH)
				continue;
			for (int kw = 0; kw < KW; kw++) {
				const int yw = iw + pad - kw;
				if (yw < 0)
					break;
				if (yw % S != 0)
					continue;
				const int ow = yw / S;
				if (ow >= OW)
					continue;
				v += base[(kh * KW + kw) * N + oh * OW + ow];
			}
		}
		dst[i] = v;
	}
}

// ------------------------------------------------------------- permutes

// nchw_to_cn: dst [C, n·P] from src [n,C,P]: dst[c, s·P+p] = src[s,c,p].
extern "C" __global__ void nchw_to_cn(float* __restrict__ dst, const float* __restrict__ src, i64 n_,
	i64 C_, i64 P_)
{
	const int C = (int)C_, P = (int)P_, N = (int)(n_ * P_);
	const i64 total = C_ * n_ * P_;
	for (i64 i = grid_start(); i < total; i += grid_step()) {
		const int idx = (int)i;
		const int c = idx / N, q = idx - c * N;
		const int s = q / P, p = q - s * P;
		dst[idx] = src[(s * C + c) * P + p];
	}
}

// cn_to_nchw: dst [n,C,P] from src [C, n·P], adding bias[c] when bias is
// not null: dst[s,c,p] = src[c, s·P+p] + bias[c].
extern "C" __global__ void cn_to_nchw(float* __restrict__ dst, const float* __restrict__ src,
	const float* __restrict__ bias, i64 n_, i64 C_, i64 P_)
{
	const int C = (int)C_, P = (int)P_, N = (int)(n_ * P_);
	const i64 total = C_ * n_ * P_;
	for (i64 i = grid_start(); i < total; i += grid_step()) {
		const int idx = (int)i;
		const int p = idx % P, t = idx / P;
		const int c = t % C, s = t / C;
		float v = src[c * N + s * P + p];
		if (bias)
			v += bias[c];
		dst[idx] = v;
	}
}

// fill_rows: y [rows, cols] with every row equal to b [cols].
extern "C" __global__ void fill_rows(float* __restrict__ y, const float* __restrict__ b, i64 rows, i64 cols)
{
	const i64 total = rows * cols;
	for (i64 idx = grid_start(); idx < total; idx += grid_step())
		y[idx] = b[idx % cols];
}

// channel_sums: db[c] += Σ_{b<B, p<P} x[(b·C + c)·P + p], one block of RB
// threads per channel (gridDim.x = C), summed in double (bias gradients of
// Linear, with P = 1, and of the convolutions). Thread t visits the
// elements i = t, t+RB, ... of the channel, i = b·P + p, stepping (b, p)
// without dividing.
extern "C" __global__ void __launch_bounds__(RB) channel_sums(float* __restrict__ db,
	const float* __restrict__ x, i64 B, i64 C, i64 P)
{
	__shared__ double sh[2 * RB];
	const i64 c = blockIdx.x;
	const i64 db_ = RB / P, dp = RB % P;
	i64 b = threadIdx.x / P, p = threadIdx.x % P;
	double s = 0.0;
	while (b < B) {
		s += (double)x[(b * C + c) * P + p];
		b += db_;
		p += dp;
		if (p >= P) {
			p -= P;
			b++;
		}
	}
	double tot, unused;
	block_sum2(sh, s, 0.0, &tot, &unused);
	if (threadIdx.x == 0)
		db[c] = db[c] + (float)tot;
}

// ------------------------------------------------------------ GroupNorm
//
// One block of RB threads per (sample, group): blockIdx.x = b·G + g. The
// group is the cpg = C/G consecutive planes of HW elements from
// base = (b·C + g·cpg)·HW. As nn/cpu_groupnorm.go: mean and the biased
// variance in double (two passes), stats[2i] = mean, stats[2i+1] =
// 1/sqrt(var + eps), then y = x·a + sh per channel with a = γ·rstd and
// sh = β − mean·γ·rstd rounded to float, and SiLU when silu != 0.
// y may be x.
extern "C" __global__ void __launch_bounds__(RB) groupnorm_fwd(float* y, float* __restrict__ stats,
	const float* x, const float* __restrict__ gamma, const float* __restrict__ beta, i64 C, i64 G,
	i64 HW, double eps, i64 silu)
{
	__shared__ double sh[2 * RB];
	const i64 i = blockIdx.x;
	const i64 b = i / G, g = i - b * G;
	const i64 cpg = C / G, n = cpg * HW;
	const i64 base = (b * C + g * cpg) * HW;
	const float* xs = x + base;
	float* ys = y + base;

	double s = 0.0, unused;
	for (i64 j = threadIdx.x; j < n; j += RB)
		s += (double)xs[j];
	double sum;
	block_sum2(sh, s, 0.0, &sum, &unused);
	const double mean = sum / (double)n;
	const float meanf = (float)mean;

	double ss = 0.0;
	for (i64 j = threadIdx.x; j < n; j += RB) {
		const double d = (double)(xs[j] - meanf);
		ss += d * d;
	}
	double sumsq;
	block_sum2(sh, ss, 0.0, &sumsq, &unused);
	const double rstd = 1.0 / sqrt(sumsq / (double)n + eps);
	if (threadIdx.x == 0) {
		stats[2 * i] = meanf;
		stats[2 * i + 1] = (float)rstd;
	}

	for (i64 k = 0; k < cpg; k++) {
		const i64 ch = g * cpg + k;
		const float a = (float)((double)gamma[ch] * rstd);
		const float shift = (float)((double)beta[ch] - mean * (double)gamma[ch] * rstd);
		for (i64 p = threadIdx.x; p < HW; p += RB) {
			const float z = xs[k * HW + p] * a + shift;
			ys[k * HW + p] = silu ? z / (1.0f + expf(-z)) : z;
		}
	}
}

// groupnorm_bwd, as nn/cpu_groupnorm.go: with x̂ = (x − mean)·rstd and dz
// the gradient at z = γx̂ + β (dy, or through SiLU when silu != 0), it
// writes the per-(sample, channel) sums part[2(b·C+ch)] = Σdz·x̂ and
// part[2(b·C+ch)+1] = Σdz, and when dx is not null
// dx = (rstd·γ)·dz + cx·x + cb with cx = −rstd²·mean(γ·dz·x̂) and
// cb = rstd²·mean·mean(γ·dz·x̂) − rstd·mean(γ·dz), the means over the group.
// dx may be dy: each element is read and written by the same thread, and
// the second pass of a thread reads back only what its first pass wrote.
// One block of RB threads per (sample, group).
extern "C" __global__ void __launch_bounds__(RB) groupnorm_bwd(float* dx, float* __restrict__ part,
	const float* dy, const float* __restrict__ x, const float* __restrict__ gamma,
	const float* __restrict__ beta, const float* __restrict__ stats, i64 C, i64 G, i64 HW, i64 silu)
{
	__shared__ double sh[2 * RB];
	const i64 i = blockIdx.x;
	const i64 b = i / G, g = i - b * G;
	const i64 cpg = C / G, n = cpg * HW;
	const i64 base = (b * C + g * cpg) * HW;
	const float mean = stats[2 * i], rstd = stats[2 * i + 1];

	double sumG = 0.0, sumGX = 0.0;
	for (i64 k = 0; k < cpg; k++) {
		const i64 ch = g * cpg + k;
		const i64 off = base + k * HW;
		const float gm = gamma[ch], bt = beta[ch];
		double a1 = 0.0, a2 = 0.0;
		for (i64 p = threadIdx.x; p < HW; p += RB) {
			const float xv = x[off + p], d = dy[off + p];
			if (silu) {
				const float xh = (xv - mean) * rstd;
				const float z = xh * gm + bt;
				const float sg = sigmoidf_(z);
				const float t = d * sg * (1.0f + z * (1.0f - sg));
				if (dx)
					dx[off + p] = t;
				a1 += (double)t;
				a2 += (double)t * (double)xh;
			} else {
				if (dx)
					dx[off + p] = d;
				a1 += (double)d;
				a2 += (double)d * (double)xv;
			}
		}
		double s1, s2;
		block_sum2(sh, a1, a2, &s1, &s2);
		const float sdz = (float)s1;
		float sdzx = (float)s2;
		if (!silu)
			sdzx = rstd * (sdzx - mean * sdz); // Σdy·x̂ = rstd·(Σdy·x − mean·Σdy)
		if (threadIdx.x == 0) {
			part[2 * (b * C + ch)] = sdzx;
			part[2 * (b * C + ch) + 1] = sdz;
		}
		sumG += (double)gm * (double)sdz;
		sumGX += (double)gm * (double)sdzx;
	}
	if (!dx)
		return;

	const double m1 = sumG / (double)n, m2 = sumGX / (double)n;
	const double r = (double)rstd;
	const float cx = (float)(-r * r * m2);
	const float cb = (float)(r * r * (double)mean * m2 - r * m1);
	for (i64 k = 0; k < cpg; k++) {
		const i64 off = base + k * HW;
		const float a = rstd * gamma[g * cpg + k];
		for (i64 p = threadIdx.x; p < HW; p += RB)
			dx[off + p] = a * dx[off + p] + cx * x[off + p] + cb;
	}
}

// groupnorm_param_grads: dgamma[ch] += Σ_b part[2(b·C+ch)], dbeta[ch] +=
// Σ_b part[2(b·C+ch)+1], each summed in double over b in order; one thread
// per channel. Either output may be null.
extern "C" __global__ void groupnorm_param_grads(float* __restrict__ dgamma, float* __restrict__ dbeta,
	const float* __restrict__ part, i64 B, i64 C)
{
	for (i64 ch = grid_start(); ch < C; ch += grid_step()) {
		double sg = 0.0, sb = 0.0;
		for (i64 b = 0; b < B; b++) {
			sg += (double)part[2 * (b * C + ch)];
			sb += (double)part[2 * (b * C + ch) + 1];
		}
		if (dgamma)
			dgamma[ch] = dgamma[ch] + (float)sg;
		if (dbeta)
			dbeta[ch] = dbeta[ch] + (float)sb;
	}
}

// ------------------------------------------------------- element-wise

// silu_fwd: y = x·σ(x); y may be x.
extern "C" __global__ void silu_fwd(float* y, const float* x, i64 n)
{
	for (i64 i = grid_start(); i < n; i += grid_step()) {
		const float v = x[i];
		y[i] = v / (1.0f + expf(-v));
	}
}

// silu_bwd: dx = dy·σ(x)·(1 + x·(1 − σ(x))); dx may be dy.
extern "C" __global__ void silu_bwd(float* dx, const float* dy, const float* x, i64 n)
{
	for (i64 i = grid_start(); i < n; i += grid_step()) {
		const float v = x[i];
		const float s = sigmoidf_(v);
		dx[i] = dy[i] * s * (1.0f + v * (1.0f - s));
	}
}

// add: y = a + b; y may be a or b.
extern "C" __global__ void add(float* y, const float* a, const float* b, i64 n)
{
	for (i64 i = grid_start(); i < n; i += grid_step())
		y[i] = a[i] + b[i];
}

// film_fwd: one block per plane blockIdx.x = b·C + c of h [B,C,HW]:
// y = h·(1 + ss[b,c]) + ss[b,C+c]. y may be h.
extern "C" __global__ void film_fwd(float* y, const float* h, const float* __restrict__ ss, i64 C, i64 HW)
{
	const i64 plane = blockIdx.x;
	const i64 b = plane / C, c = plane - b * C;
	const float scale = 1.0f + ss[b * 2 * C + c];
	const float shift = ss[b * 2 * C + C + c];
	const i64 off = plane * HW;
	for (i64 p = threadIdx.x; p < HW; p += blockDim.x)
		y[off + p] = h[off + p] * scale + shift;
}

// film_bwd: one block of RB threads per plane: dh = dy·(1 + scale) when dh
// is not null; when dss is not null, dss[b,c] = Σ dy·h (the scale's
// gradient) and dss[b,C+c] = Σ dy (the shift's). dh may be dy.
extern "C" __global__ void __launch_bounds__(RB) film_bwd(float* dh, float* __restrict__ dss,
	const float* dy, const float* h, const float* __restrict__ ss, i64 C, i64 HW)
{
	__shared__ double sh[2 * RB];
	const i64 plane = blockIdx.x;
	const i64 b = plane / C, c = plane - b * C;
	const float scale = 1.0f + ss[b * 2 * C + c];
	const i64 off = plane * HW;
	double gs = 0.0, gh = 0.0;
	for (i64 p = threadIdx.x; p < HW; p += RB) {
		const float g = dy[off + p];
		if (dss) {
			gs += (double)g;
			gh += (double)g * (double)h[off + p];
		}
		if (dh)
			dh[off + p] = g * scale;
	}
	if (dss) {
		double sgs, sgh;
		block_sum2(sh, gs, gh, &sgs, &sgh);
		if (threadIdx.x == 0) {
			dss[b * 2 * C + c] = (float)sgh;
			dss[b * 2 * C + C + c] = (float)sgs;
		}
	}
}

// sinusoidal: y [B,D], half = D/2: y[b,i] = sin(2π·t[b]·f[i]) and
// y[b,half+i] = cos(...), in double, rounded once. t [B] and f [half] are
// double arrays; f is computed on the host exactly as the CPU backend does.
extern "C" __global__ void sinusoidal(float* __restrict__ y, const double* __restrict__ t,
	const double* __restrict__ f, i64 B, i64 D)
{
	const i64 half = D / 2, total = B * half;
	for (i64 idx = grid_start(); idx < total; idx += grid_step()) {
		const i64 b = idx / half, i = idx - b * half;
		// Go: tb * f * 2 * math.Pi, evaluated left to right.
		const double arg = t[b] * f[i] * 2.0 * 3.14159265358979323846;
		double s, c;
		sincos(arg, &s, &c);
		y[b * D + i] = (float)s;
		y[b * D + half + i] = (float)c;
	}
}

// adamw: one torch.optim.AdamW step, element-wise, in the operation order of
// the CPU backend (nn/cpu.go) with every operation rounded separately
// (the _rn intrinsics are never contracted into fused multiply-adds):
// p ← p·decay; m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
// p ← p − step·m / (sqrt(v)/bc2sqrt + eps).
extern "C" __global__ void adamw(float* __restrict__ p, float* __restrict__ m, float* __restrict__ v,
	const float* __restrict__ g, i64 n, double decay_, double beta1_, double beta2_, double step_,
	double bc2sqrt_, double eps_)
{
	const float decay = (float)decay_, beta1 = (float)beta1_, beta2 = (float)beta2_;
	const float step = (float)step_, bc2sqrt = (float)bc2sqrt_, eps = (float)eps_;
	const float omb1 = __fsub_rn(1.0f, beta1), omb2 = __fsub_rn(1.0f, beta2);
	for (i64 i = grid_start(); i < n; i += grid_step()) {
		const float gi = g[i];
		const float pi = __fmul_rn(p[i], decay);
		const float mi = __fadd_rn(__fmul_rn(m[i], beta1), __fmul_rn(gi, omb1));
		const float vi = __fadd_rn(__fmul_rn(v[i], beta2), __fmul_rn(__fmul_rn(omb2, gi), gi));
		m[i] = mi;
		v[i] = vi;
		const float denom = __fadd_rn(__fdiv_rn(__fsqrt_rn(vi), bc2sqrt), eps);
		p[i] = __fsub_rn(pi, __fdiv_rn(__fmul_rn(step, mi), denom));
	}
}

// sumsq: out[slot] = Σ x[i]² over the n elements, in double, one block of
// RB threads per tensor: thread t sums i = t, t+RB, ..., then block_sum2
// adds the threads' sums in its fixed order (gradient-norm clipping).
extern "C" __global__ void __launch_bounds__(RB) sumsq(double* __restrict__ out,
	const float* __restrict__ x, i64 n, i64 slot)
{
	__shared__ double sh[2 * RB];
	double s = 0.0;
	for (i64 i = threadIdx.x; i < n; i += RB) {
		const double v = (double)x[i];
		s += v * v;
	}
	double tot, unused;
	block_sum2(sh, s, 0.0, &tot, &unused);
	if (threadIdx.x == 0)
		out[slot] = tot;
}

// scale: x = x·c, rounded as the CPU backend.
extern "C" __global__ void scale(float* __restrict__ x, i64 n, double c_)
{
	const float c = (float)c_;
	for (i64 i = grid_start(); i < n; i += grid_step())
		x[i] = __fmul_rn(x[i], c);
}

// lerp: dst = dst·decay + src·(1 − decay), rounded as the CPU backend.
extern "C" __global__ void lerp(float* __restrict__ dst, const float* __restrict__ src, i64 n, double decay_)
{
	const float decay = (float)decay_;
	const float om = __fsub_rn(1.0f, decay);
	for (i64 i = grid_start(); i < n; i += grid_step())
		dst[i] = __fadd_rn(__fmul_rn(dst[i], decay), __fmul_rn(src[i], om));
}

// ------------------------------------------------------------ Attention
//
// block_max returns the maximum over the block of a, the same in every
// thread. sh holds RB floats. Every thread of the block must call it.
__device__ float block_max(float* sh, float a)
{
	const int t = threadIdx.x;
	sh[t] = a;
	__syncthreads();
	for (int s = RB / 2; s > 0; s >>= 1) {
		if (t < s)
			sh[t] = fmaxf(sh[t], sh[t + s]);
		__syncthreads();
	}
	const float r = sh[0];
	__syncthreads(); // sh may be reused as soon as this returns
	return r;
}

// softmax_rows: one block of RB threads per row of n elements: y = the
// softmax of x over the row, as nn/cpu_attention.go: the row's maximum
// subtracted, exponentials in float, their sum in double, then every
// exponential times the rounded inverse of the sum. y may be x: each
// element is read and written by the same thread, after the maximum.
extern "C" __global__ void __launch_bounds__(RB) softmax_rows(float* y, const float* x, i64 n)
{
	__shared__ double sh[2 * RB];
	const i64 off = (i64)blockIdx.x * n;
	const float* xs = x + off;
	float* ys = y + off;
	float m = -INFINITY;
	for (i64 j = threadIdx.x; j < n; j += RB)
		m = fmaxf(m, xs[j]);
	m = block_max((float*)sh, m);
	double s = 0.0;
	for (i64 j = threadIdx.x; j < n; j += RB) {
		const float e = expf(__fsub_rn(xs[j], m));
		ys[j] = e;
		s += (double)e;
	}
	double sum, unused;
	block_sum2(sh, s, 0.0, &sum, &unused);
	const float inv = (float)(1.0 / sum);
	for (i64 j = threadIdx.x; j < n; j += RB)
		ys[j] = __fmul_rn(ys[j], inv);
}

// softmax_rows_bwd: one block of RB threads per row of n elements:
// ds = p·(dp − Σ p·dp), the sum in double. ds may be dp.
extern "C" __global__ void __launch_bounds__(RB) softmax_rows_bwd(float* ds, const float* dp,
	const float* __restrict__ p, i64 n)
{
	__shared__ double sh[2 * RB];
	const i64 off = (i64)blockIdx.x * n;
	double s = 0.0;
	for (i64 j = threadIdx.x; j < n; j += RB)
		s += (double)p[off + j] * (double)dp[off + j];
	double sum, unused;
	block_sum2(sh, s, 0.0, &sum, &unused);
	const float sf = (float)sum;
	for (i64 j = threadIdx.x; j < n; j += RB)
		ds[off + j] = __fmul_rn(p[off + j], __fsub_rn(dp[off + j], sf));
}
