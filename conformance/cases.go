package conformance

import (
	"embed"
	"io/fs"
	"os"
	"path/filepath"
)

//go:embed cases/*.txtar
var embedded embed.FS

// Files returns the suite's cases, one <name>.txtar file each at the root
// of the file system. They are compiled into the package, so the suite
// runs from any directory and any Go harness can import it.
func Files() fs.FS {
	sub, err := fs.Sub(embedded, "cases")
	if err != nil {
		panic(err) // "cases" is a valid, embedded directory
	}
	return sub
}

// Cases parses the suite's cases, sorted by name.
func Cases() ([]*Case, error) {
	return LoadCasesFS(Files())
}

// Export writes the suite's case files into dir (created if needed), for
// harnesses in other languages. It returns the number of files written.
func Export(dir string) (int, error) {
	names, err := fs.Glob(Files(), "*.txtar")
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	for _, name := range names {
		data, err := fs.ReadFile(Files(), name)
		if err != nil {
			return 0, err
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return 0, err
		}
	}
	return len(names), nil
}
