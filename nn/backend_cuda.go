//go:build cuda

package nn

// With -tags cuda the backend "cuda" computes on the first NVIDIA GPU
// (device 0) through the CUDA driver API (gorgonia.org/cu). It registers
// above "cpu" and "openblas", so it becomes the default of such a build.
//
// What stays on the device: every tensor the backend touches gets a device
// copy on first use, kept by the residency layer (resident.go), and stays
// there between operations: the weights, activations, gradients and
// optimiser moments of a model live on the GPU from one step to the next,
// and Data is copied back only when host code calls ToHost. Besides those
// copies the backend keeps a few scratch buffers (unrolled convolution
// matrices, permuted operands, split-K partial sums, the times of the
// sinusoidal embedding), grown on demand and never shrunk.
//
// Kernels: nn/cuda_kernels.cu, compiled to PTX for compute_80 and embedded
// in the binary; the driver JIT-compiles the PTX for the GPU at hand (sm_80
// and newer, an H100/H200 is sm_90) when the backend is first used, and
// caches the result (~/.nv/ComputeCache). Regenerate the PTX after editing
// the kernels with `go generate -tags cuda ./nn` (it runs nn/cuda_gen.sh:
// nvcc -ptx -arch=compute_80 -O3, and the source's SHA-256 on the first
// line, which a test of every build checks).
//
// All results are deterministic: every sum runs in a fixed order (no atomic
// additions), and split-K products split by shape only.
//
// Errors: the Backend interface returns none, so a CUDA error (no device,
// out of memory, a failed launch) panics with "nn: cuda: <operation>:
// <error>". gorgonia.org/cu initialises the driver when the program starts
// and exits if that fails, so a cuda build runs only where there is an
// NVIDIA GPU (nn/internal/cudaprobe says so first, and makes a test binary
// skip its tests); the context (device 0's primary context) is retained
// and the PTX loaded on first use. Kernel launches are
// asynchronous: an error inside a kernel surfaces at the next synchronous
// call (a copy to the host, a free), reported under that call's name. Set
// WINDROSE_CUDA_SYNC=1 to synchronise after every operation instead, so
// that such an error is reported by the operation that caused it.
//
// Every operation holds one lock for its whole length (the backend is safe
// for concurrent use, and serialised) and runs on one locked OS thread with
// the context made current there, since CUDA contexts are per thread.

//go:generate bash cuda_gen.sh

import (
	_ "embed"
	"fmt"
	"math"
	"os"
	"runtime"
	"strings"
	"sync"
	"unsafe"

	// Imported for its init, which runs before gorgonia.org/cu's: cu's
	// init exits the process when the driver does not start (no GPU), and
	// the probe stops it first with a message that says so (a test binary
	// reports its tests as skipped).
	_ "github.com/windrose/windrose/nn/internal/cudaprobe"
	"gorgonia.org/cu"
)

//go:embed cuda_kernels.ptx
var cudaPTX string

// envCUDASync is the environment variable that, set to 1, makes the cuda
// backend synchronise with the device after every operation (see above).
const envCUDASync = "WINDROSE_CUDA_SYNC"

func init() {
	Register(newCUDABackend(), 20)
}

// kernel identifies one kernel of cuda_kernels.cu.
type kernel int

const (
	kSgemmNN kernel = iota
	kSgemmNT
	kSgemmTN
	kSgemmTT
	kSplitKReduce
	kIm2col
	kCol2im
	kNCHWToCN
	kCNToNCHW
	kFillRows
	kChannelSums
	kGroupNormFwd
	kGroupNormBwd
	kGroupNormParamGrads
	kSiLUFwd
	kSiLUBwd
	kAdd
	kFiLMFwd
	kFiLMBwd
	kSinusoidal
	kAdamW
	kLerp
	kSumSq
	kScale
	kSoftmaxRows
	kSoftmaxRowsBwd
	numKernels
)

// cudaKernels lists every kernel's name and parameters, one letter each: p a
// device pointer, i a long long, f a double (see cuda_kernels.cu: every
// parameter is 8 bytes). load checks them against the PTX and launch checks
// every call against them, so that a kernel and its Go caller cannot
// silently disagree.
var cudaKernels = [numKernels]struct{ name, params string }{
	kSgemmNN:             {"sgemm_nn", "iiiifpipifpip"},
	kSgemmNT:             {"sgemm_nt", "iiiifpipifpip"},
	kSgemmTN:             {"sgemm_tn", "iiiifpipifpip"},
	kSgemmTT:             {"sgemm_tt", "iiiifpipifpip"},
	kSplitKReduce:        {"splitk_reduce", "ppiiiiff"},
	kIm2col:              {"im2col", "ppiiiiiiiiii"},
	kCol2im:              {"col2im", "pppiiiiiiiiii"},
	kNCHWToCN:            {"nchw_to_cn", "ppiii"},
	kCNToNCHW:            {"cn_to_nchw", "pppiii"},
	kFillRows:            {"fill_rows", "ppii"},
	kChannelSums:         {"channel_sums", "ppiii"},
	kGroupNormFwd:        {"groupnorm_fwd", "pppppiiifi"},
	kGroupNormBwd:        {"groupnorm_bwd", "pppppppiiii"},
	kGroupNormParamGrads: {"groupnorm_param_grads", "pppii"},
	kSiLUFwd:             {"silu_fwd", "ppi"},
	kSiLUBwd:             {"silu_bwd", "pppi"},
	kAdd:                 {"add", "pppi"},
	kFiLMFwd:             {"film_fwd", "pppii"},
	kFiLMBwd:             {"film_bwd", "pppppii"},
	kSinusoidal:          {"sinusoidal", "pppii"},
	kAdamW:               {"adamw", "ppppiffffff"},
	kLerp:                {"lerp", "ppif"},
	kSumSq:               {"sumsq", "ppii"},
	kScale:               {"scale", "pif"},
	kSoftmaxRows:         {"softmax_rows", "ppi"},
	kSoftmaxRowsBwd:      {"softmax_rows_bwd", "pppi"},
}

// Scratch buffers of the backend, by use. Buffers used in the same
// operation have different slots.
const (
	scrCols   = iota // unrolled convolution matrices
	scrA             // permuted operands and products of the convolutions; AttentionBackward's ds
	scrB             // a second one (ConvTranspose2dBackward's dx product)
	scrSplitK        // split-K partial products
	scrPart          // GroupNormBackward's per-(sample, channel) sums
	scrTimes         // SinusoidalEmbedding's times and frequencies (float64)
	scrSumSq         // SumSquares's per-tensor sums (float64)
	numScratch
)

// cudaBackend is the Backend "cuda"; see the comment at the top of the file.
type cudaBackend struct {
	once    sync.Once
	initErr error
	ctx     cu.CUContext
	mod     cu.Module
	fn      [numKernels]cu.Function
	syncAll bool // synchronise after every operation ($WINDROSE_CUDA_SYNC)

	// r keeps the device copies of tensors; r.mu serialises every use of
	// the device: operations, copies and the scratch buffers below.
	r       residency
	scratch [numScratch]struct {
		p uintptr
		n int // float32 elements
	}
}

func newCUDABackend() *cudaBackend {
	c := &cudaBackend{}
	c.r.mem = cudaMemory{c}
	return c
}

func (c *cudaBackend) Name() string { return "cuda" }

// cudaCheck panics with "nn: cuda: op: err" when err is not nil.
func cudaCheck(op string, err error) {
	if err != nil {
		panic(fmt.Sprintf("nn: cuda: %s: %v", op, err))
	}
}

// start creates the context and loads the kernels, once, on first use.
func (c *cudaBackend) start() {
	c.once.Do(func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		c.initErr = c.load()
		c.syncAll = os.Getenv(envCUDASync) == "1"
	})
	if c.initErr != nil {
		panic(fmt.Sprintf("nn: cuda: %v", c.initErr))
	}
}

// load retains device 0's primary context, makes it current on the calling
// (locked) thread and loads the module.
func (c *cudaBackend) load() error {
	if err := checkPTXParams(cudaPTX); err != nil {
		return fmt.Errorf("embedded PTX: %v", err)
	}
	dev, err := cu.GetDevice(0)
	if err != nil {
		return fmt.Errorf("device 0: %v", err)
	}
	if c.ctx, err = dev.RetainPrimaryCtx(); err != nil {
		return fmt.Errorf("primary context of device 0: %v", err)
	}
	if err := cu.SetCurrentContext(c.ctx); err != nil {
		return fmt.Errorf("set context: %v", err)
	}
	if c.mod, err = cu.LoadData(cudaPTX); err != nil {
		return fmt.Errorf("load PTX (JIT compile for this GPU): %v", err)
	}
	for k, kd := range cudaKernels {
		if c.fn[k], err = c.mod.Function(kd.name); err != nil {
			return fmt.Errorf("kernel %s: %v", kd.name, err)
		}
	}
	return nil
}

// checkPTXParams checks that the PTX has an entry for every kernel of
// cudaKernels with the parameters it lists (p and i are .u64 or .s64,
// f is .f64).
func checkPTXParams(ptx string) error {
	for _, kd := range cudaKernels {
		head := ".entry " + kd.name + "("
		i := strings.Index(ptx, head)
		if i < 0 {
			return fmt.Errorf("no kernel %s", kd.name)
		}
		rest := ptx[i+len(head):]
		end := strings.Index(rest, ")")
		if end < 0 {
			return fmt.Errorf("kernel %s: unterminated parameter list", kd.name)
		}
		var got []byte
		for _, line := range strings.Split(rest[:end], ",") {
			f := strings.Fields(line)
			if len(f) < 2 || f[0] != ".param" {
				continue
			}
			switch f[1] {
			case ".u64", ".s64", ".b64":
				got = append(got, 'i')
			case ".f64":
				got = append(got, 'f')
			default:
				got = append(got, '?')
			}
		}
		want := strings.Map(func(r rune) rune {
			if r == 'p' {
				return 'i'
			}
			return r
		}, kd.params)
		if string(got) != want {
			return fmt.Errorf("kernel %s: PTX parameters %q, Go expects %q (p, i: 64-bit integer, f: double)", kd.name, got, want)
		}
	}
	return nil
}

// bind makes the context current on the calling thread, which the caller
// has locked (runtime.LockOSThread).
func (c *cudaBackend) bind() {
	cudaCheck("set context", cu.SetCurrentContext(c.ctx))
}

// enter begins an operation: it takes the lock, pins the goroutine to its
// thread and makes the context current there. The function it returns ends
// the operation; call it deferred.
func (c *cudaBackend) enter(op string) (exit func()) {
	c.start()
	c.r.mu.Lock()
	runtime.LockOSThread()
	if err := cu.SetCurrentContext(c.ctx); err != nil {
		runtime.UnlockOSThread()
		c.r.mu.Unlock()
		cudaCheck(op+": set context", err)
	}
	return func() {
		var err error
		if c.syncAll {
			err = cu.Synchronize()
		}
		runtime.UnlockOSThread()
		c.r.mu.Unlock()
		cudaCheck(op, err)
	}
}

// getScratch returns scratch buffer slot holding at least n float32s (a
// valid address even when n is 0), reallocating it when it is too small.
// The caller holds the lock.
func (c *cudaBackend) getScratch(slot, n int) uintptr {
	s := &c.scratch[slot]
	if s.n < n || s.p == 0 {
		if s.p != 0 {
			c.freeDev(s.p)
		}
		s.p, s.n = 0, 0
		m := max(n, 64)
		s.p, s.n = c.allocDev(m), m
	}
	return s.p
}

func (c *cudaBackend) allocDev(n int) uintptr {
	p, err := cu.MemAlloc(int64(n) * 4)
	cudaCheck(fmt.Sprintf("alloc %d floats", n), err)
	return uintptr(p)
}

// freeDev frees device memory after the work queued so far, which may still
// use it, has finished.
func (c *cudaBackend) freeDev(p uintptr) {
	cudaCheck("synchronize before free", cu.Synchronize())
	cudaCheck("free", cu.MemFree(cu.DevicePtr(p)))
}

// cudaMemory is the residency layer's view of the device. Its methods are
// called with the residency's lock held, from operations (where the thread
// is already locked and the context current) and from ToHost and Zero
// (where it is not), so each one pins its thread and binds the context.
type cudaMemory struct{ c *cudaBackend }

func (m cudaMemory) alloc(n int) uintptr {
	if n == 0 {
		return 0
	}
	m.c.start()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	m.c.bind()
	return m.c.allocDev(n)
}

func (m cudaMemory) free(p uintptr, n int) {
	if p == 0 {
		return
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	m.c.bind()
	m.c.freeDev(p)
}

func (m cudaMemory) upload(dst uintptr, src []float32) {
	if len(src) == 0 {
		return
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	m.c.bind()
	cudaCheck("copy to device", cu.MemcpyHtoD(cu.DevicePtr(dst), unsafe.Pointer(&src[0]), int64(len(src))*4))
}

func (m cudaMemory) download(dst []float32, src uintptr) {
	if len(dst) == 0 {
		return
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	m.c.bind()
	cudaCheck("copy to host", cu.MemcpyDtoH(unsafe.Pointer(&dst[0]), cu.DevicePtr(src), int64(len(dst))*4))
}

func (m cudaMemory) zero(p uintptr, n int) {
	if n == 0 {
		return
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	m.c.bind()
	cudaCheck("zero", cu.MemsetD32(cu.DevicePtr(p), 0, int64(n)))
}

// karg is one kernel argument: its 8 bytes and its kind (p, i or f, as in
// cudaKernels).
type karg struct {
	bits uint64
	kind byte
}

func argP(p uintptr) karg { return karg{uint64(p), 'p'} }
func argI(v int) karg     { return karg{uint64(int64(v)), 'i'} }
func argF(v float32) karg { return karg{math.Float64bits(float64(v)), 'f'} }
func offs(p uintptr, elems int) uintptr {
	if p == 0 {
		return 0
	}
	return p + uintptr(elems)*4
}

// launch runs kernel k on a grid of gx×gy×gz blocks of block threads, on
// the default stream. The caller holds the lock, with the context current.
func (c *cudaBackend) launch(k kernel, gx, gy, gz, block int, args ...karg) {
	kd := &cudaKernels[k]
	if len(args) != len(kd.params) {
		panic(fmt.Sprintf("nn: cuda: launch %s: %d arguments, want %d", kd.name, len(args), len(kd.params)))
	}
	vals := make([]uint64, len(args))
	params := make([]unsafe.Pointer, len(args))
	for i, a := range args {
		if a.kind != kd.params[i] {
			panic(fmt.Sprintf("nn: cuda: launch %s: argument %d is %c, want %c", kd.name, i, a.kind, kd.params[i]))
		}
		vals[i] = a.bits
		params[i] = unsafe.Pointer(&vals[i])
	}
	if gx < 1 || gy < 1 || gz < 1 || gx > math.MaxInt32 || gy > 65535 || gz > 65535 || block < 1 || block > 1024 {
		panic(fmt.Sprintf("nn: cuda: launch %s: grid %d×%d×%d of %d threads out of range", kd.name, gx, gy, gz, block))
	}
	cudaCheck("launch "+kd.name, c.fn[k].Launch(gx, gy, gz, block, 1, 1, 0, cu.NoStream, params))
}

// Launch geometry of the grid-stride element-wise kernels: blocks of
// elemBlock threads, at most maxElemBlocks blocks (each thread then loops).
const (
	elemBlock     = 256
	maxElemBlocks = 1 << 16
	reduceBlock   = 256 // RB in cuda_kernels.cu
)

// elemGrid returns the number of blocks for n elements.
func elemGrid(n int) int {
	return max(1, min((n+elemBlock-1)/elemBlock, maxElemBlocks))
}

// launchElems runs an element-wise kernel over n elements (nothing when n
// is 0).
func (c *cudaBackend) launchElems(k kernel, n int, args ...karg) {
	if n <= 0 {
		return
	}
	c.launch(k, elemGrid(n), 1, 1, elemBlock, args...)
}
