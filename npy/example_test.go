package npy_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/windrose/windrose/npy"
)

// Write two 2×3 float32 arrays as NumPy's np.save would, and read them
// back; in Python, np.load("x.npy") gives the same array.
func Example() {
	dir, err := os.MkdirTemp("", "npy")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "x.npy")

	x := []float32{0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5}
	if err := npy.WriteFloat32(path, x, 2, 2, 3); err != nil {
		log.Fatal(err)
	}
	a, err := npy.Read(path)
	if err != nil {
		log.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("shape", a.Shape, "uint8?", a.U8 != nil)
	fmt.Println("second array, last row:", a.F32[9:12])
	fmt.Println("file size:", fi.Size(), "bytes (128 of header, 48 of data)")
	// Output:
	// shape [2 2 3] uint8? false
	// second array, last row: [4.5 5 5.5]
	// file size: 176 bytes (128 of header, 48 of data)
}
