// Copyright ©2026 The windrose Authors. All rights reserved.

package gemmtest

import (
	"fmt"
	"strings"

	"gonum.org/v1/gonum/blas"
)

// panicCase is a call with arguments that are wrong, or that look wrong but
// are valid (want == "").
type panicCase struct {
	name             string
	tA, tB           blas.Transpose
	m, n, k          int
	lda, ldb, ldc    int
	lenA, lenB, lenC int
	want             string // the message after gonum's "blas: " prefix
}

// panicCases follows the checks of gonum's Sgemm (gonum.org/v1/gonum/blas/
// gonum/sgemm.go) in their order: transposes, then dimensions, then leading
// dimensions, then, unless m or n is zero, slice lengths. The base call is
// 3×4 = (3×5)·(5×4) with tight leading dimensions and minimal slices.
var panicCases = []panicCase{
	{name: "valid", tA: N, tB: N, m: 3, n: 4, k: 5, lda: 5, ldb: 4, ldc: 4, lenA: 15, lenB: 20, lenC: 12},
	{name: "tA", tA: 0, tB: N, m: 3, n: 4, k: 5, lda: 5, ldb: 4, ldc: 4, lenA: 15, lenB: 20, lenC: 12, want: "illegal transpose"},
	{name: "tB", tA: N, tB: 'X', m: 3, n: 4, k: 5, lda: 5, ldb: 4, ldc: 4, lenA: 15, lenB: 20, lenC: 12, want: "illegal transpose"},
	{name: "tA before m", tA: 0, tB: N, m: -1, n: 4, k: 5, lda: 5, ldb: 4, ldc: 4, want: "illegal transpose"},
	{name: "m<0", tA: N, tB: N, m: -1, n: 4, k: 5, lda: 5, ldb: 4, ldc: 4, want: "m < 0"},
	{name: "n<0", tA: N, tB: N, m: 3, n: -1, k: 5, lda: 5, ldb: 4, ldc: 4, want: "n < 0"},
	{name: "k<0", tA: N, tB: N, m: 3, n: 4, k: -1, lda: 5, ldb: 4, ldc: 4, want: "k < 0"},
	{name: "m before lda", tA: N, tB: N, m: -1, n: 4, k: 5, lda: 1, ldb: 4, ldc: 4, want: "m < 0"},
	{name: "lda N", tA: N, tB: N, m: 3, n: 4, k: 5, lda: 4, ldb: 4, ldc: 4, lenA: 15, lenB: 20, lenC: 12, want: "bad leading dimension of A"},
	{name: "lda T", tA: T, tB: N, m: 3, n: 4, k: 5, lda: 2, ldb: 4, ldc: 4, lenA: 15, lenB: 20, lenC: 12, want: "bad leading dimension of A"},
	{name: "lda k=0", tA: N, tB: N, m: 3, n: 4, k: 0, lda: 0, ldb: 4, ldc: 4, lenC: 12, want: "bad leading dimension of A"},
	{name: "ldb N", tA: N, tB: N, m: 3, n: 4, k: 5, lda: 5, ldb: 3, ldc: 4, lenA: 15, lenB: 20, lenC: 12, want: "bad leading dimension of B"},
	{name: "ldb T", tA: N, tB: T, m: 3, n: 4, k: 5, lda: 5, ldb: 4, ldc: 4, lenA: 15, lenB: 20, lenC: 12, want: "bad leading dimension of B"},
	{name: "ldc", tA: N, tB: N, m: 3, n: 4, k: 5, lda: 5, ldb: 4, ldc: 3, lenA: 15, lenB: 20, lenC: 12, want: "bad leading dimension of C"},
	{name: "ldc m=0", tA: N, tB: N, m: 0, n: 4, k: 5, lda: 5, ldb: 4, ldc: 3, want: "bad leading dimension of C"},
	{name: "short a", tA: N, tB: N, m: 3, n: 4, k: 5, lda: 5, ldb: 4, ldc: 4, lenA: 14, lenB: 20, lenC: 12, want: "insufficient length of a"},
	{name: "short a T", tA: T, tB: N, m: 3, n: 4, k: 5, lda: 3, ldb: 4, ldc: 4, lenA: 14, lenB: 20, lenC: 12, want: "insufficient length of a"},
	{name: "short b", tA: N, tB: N, m: 3, n: 4, k: 5, lda: 5, ldb: 4, ldc: 4, lenA: 15, lenB: 19, lenC: 12, want: "insufficient length of b"},
	{name: "short b T", tA: N, tB: T, m: 3, n: 4, k: 5, lda: 5, ldb: 5, ldc: 4, lenA: 15, lenB: 19, lenC: 12, want: "insufficient length of b"},
	{name: "short c", tA: N, tB: N, m: 3, n: 4, k: 5, lda: 5, ldb: 4, ldc: 4, lenA: 15, lenB: 20, lenC: 11, want: "insufficient length of c"},
	{name: "short c padded", tA: N, tB: N, m: 3, n: 4, k: 5, lda: 5, ldb: 4, ldc: 6, lenA: 15, lenB: 20, lenC: 15, want: "insufficient length of c"},
	// m or n zero returns before the slice lengths are looked at.
	{name: "m=0 nil slices", tA: N, tB: N, m: 0, n: 4, k: 5, lda: 5, ldb: 4, ldc: 4},
	{name: "n=0 nil slices", tA: T, tB: T, m: 3, n: 0, k: 5, lda: 3, ldb: 5, ldc: 1},
	// k zero: op(A) is m×0, and gonum still asks for (m−1)*lda values.
	{name: "k=0", tA: N, tB: N, m: 3, n: 4, k: 0, lda: 1, ldb: 4, ldc: 4, lenA: 2, lenC: 12},
	{name: "k=0 T", tA: T, tB: T, m: 3, n: 4, k: 0, lda: 3, ldb: 1, ldc: 4, lenB: 3, lenC: 12},
	{name: "k=0 short a", tA: N, tB: N, m: 3, n: 4, k: 0, lda: 1, ldb: 4, ldc: 4, lenA: 1, lenC: 12, want: "insufficient length of a"},
}

// Short names for the table.
const (
	N = blas.NoTrans
	T = blas.Trans
)

// check runs pc on impl and returns an error if it panicked when it should
// not have, did not when it should have, or said something else.
//
// A panic matches when its message, as a string or an error, ends with
// the text of gonum's message after the "blas: " prefix, so that an
// implementation may use its own prefix ("gemm: m < 0").
func (pc panicCase) check(impl Sgemmer) (err error) {
	a := make([]float32, pc.lenA)
	b := make([]float32, pc.lenB)
	c := make([]float32, pc.lenC)
	defer func() {
		r := recover()
		var msg string
		switch r := r.(type) {
		case nil:
			if pc.want != "" {
				err = fmt.Errorf("%s: no panic, want %q", pc.name, pc.want)
			}
			return
		case string:
			msg = r
		case error:
			msg = r.Error()
		default:
			msg = fmt.Sprint(r)
		}
		if pc.want == "" {
			err = fmt.Errorf("%s: unexpected panic %q", pc.name, msg)
		} else if !strings.HasSuffix(msg, pc.want) {
			err = fmt.Errorf("%s: panic %q, want one ending in %q", pc.name, msg, pc.want)
		}
	}()
	impl.Sgemm(pc.tA, pc.tB, pc.m, pc.n, pc.k, 1, a, pc.lda, b, pc.ldb, 0, c, pc.ldc)
	return nil
}
