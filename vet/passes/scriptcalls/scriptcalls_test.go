package scriptcalls_test

import (
	"testing"

	"github.com/redislua/redislua/vet/passes/scriptcalls"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestAnalyzer(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), scriptcalls.Analyzer, "calls", "scripts", "user")
}
