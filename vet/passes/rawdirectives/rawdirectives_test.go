package rawdirectives_test

import (
	"testing"

	"github.com/redislua/redislua/vet/passes/rawdirectives"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestAnalyzer(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), rawdirectives.Analyzer, "raw", "luasrc")
}
