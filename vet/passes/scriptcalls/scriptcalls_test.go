package scriptcalls_test

import (
	"testing"

	"github.com/redislua/redislua/vet/passes/scriptcalls"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestAnalyzer(t *testing.T) {
	// The "did you mean" reports carry their fix: the .golden files are the
	// sources with every fix applied.
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), scriptcalls.Analyzer, "calls", "scripts", "user", "locks", "lockuser", "lockchain")
}
