package embedscripts

import (
	"testing"

	"github.com/redislua/redislua/vet/lint"
)

// TestFlags: -luaembed.warnings=false keeps the linter's errors only;
// -luaembed.disable drops rules by code or prefix.
func TestFlags(t *testing.T) {
	defer func() { Analyzer.Flags.Set("warnings", "true"); Analyzer.Flags.Set("disable", "") }()
	warn := lint.Finding{Code: "RL108", Severity: lint.Warning}
	unused := lint.Finding{Code: "W211", Severity: lint.Warning}
	bad := lint.Finding{Code: "W113", Severity: lint.Error}
	for _, tc := range []struct {
		warnings, disable string
		want              [3]bool
	}{
		{"true", "", [3]bool{true, true, true}},
		{"false", "", [3]bool{false, false, true}},
		{"true", "rl1,W2", [3]bool{false, false, true}},
		{"true", "W1", [3]bool{true, true, false}},
	} {
		Analyzer.Flags.Set("warnings", tc.warnings)
		Analyzer.Flags.Set("disable", tc.disable)
		got := [3]bool{reported(warn), reported(unused), reported(bad)}
		if got != tc.want {
			t.Errorf("warnings=%s disable=%q: %v, want %v", tc.warnings, tc.disable, got, tc.want)
		}
	}
}
