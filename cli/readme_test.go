package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMEInstallFromClone: the README's install lines for a clone
// (go install ./...) work from the repository root, and the command they
// install runs (the README gave only go install …@v0.1.0, which fails
// while the modules are not published).
func TestREADMEInstallFromClone(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the commands")
	}
	root := repoRoot(t)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	gobin := t.TempDir()
	var lines []string
	for _, l := range strings.Split(string(readme), "\n") {
		if strings.HasPrefix(l, "go install ./") {
			line, _, _ := strings.Cut(l, "#")
			lines = append(lines, strings.TrimSpace(line))
		}
	}
	if len(lines) < 2 {
		t.Fatalf("the README has %d go install ./... lines", len(lines))
	}
	for _, line := range lines {
		cmd := exec.Command("bash", "-c", line)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOBIN="+gobin)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: %v\n%s", line, err, out)
		}
	}
	out, err := exec.Command(filepath.Join(gobin, "redis-lua"), "version").Output()
	if err != nil || !strings.HasPrefix(string(out), "redis-lua ") {
		t.Errorf("the installed redis-lua version: %q, %v", out, err)
	}
	if _, err := os.Stat(filepath.Join(gobin, "redis-lua-vet")); err != nil {
		t.Errorf("redis-lua-vet: %v", err)
	}
}

// repoRoot returns the repository's root, or skips the test when the
// module is tested alone (the release check tests each module from its
// zip, where the repository's README and examples are not).
func repoRoot(t *testing.T) string {
	t.Helper()
	root, _ := filepath.Abs("..")
	if _, err := os.Stat(filepath.Join(root, "go.work")); err != nil {
		t.Skip("the module alone, outside the repository")
	}
	return root
}
