package embedscripts

import (
	_ "embed"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/redislua/redislua/resolve"
	"github.com/redislua/redislua/vet/config"
	"github.com/redislua/redislua/vet/internal/docs"
	"github.com/redislua/redislua/vet/internal/embedded"
	"github.com/redislua/redislua/vet/lint"
	"golang.org/x/tools/go/analysis"
)

//go:embed doc.go
var doc string

// Analyzer checks embedded redislua scripts.
var Analyzer = &analysis.Analyzer{
	Name: "luaembed",
	Doc:  docs.Extract(doc, "luaembed"),
	URL:  "https://pkg.go.dev/github.com/redislua/redislua/vet/passes/embedscripts",
	Run:  run,
}

// The analyzer's flags (go vet -luaembed.warnings=false ...): go vet
// fails on any diagnostic, so a project can keep the linter's errors and
// leave its warnings, or some rules, to redis-lua check.
var (
	warnings   bool
	disable    string
	configFile string
)

func init() {
	Analyzer.Flags.BoolVar(&warnings, "warnings", true, "report the Lua linter's warnings, not only its errors")
	Analyzer.Flags.StringVar(&disable, "disable", "", "comma-separated lint rules (or prefixes) not to report, e.g. RL108,W2")
	Analyzer.Flags.StringVar(&configFile, "config", "", "the project configuration (default: the first "+config.Name+" in the package's directory or above it)")
}

// projectConfig is the configuration of the package's directory.
func projectConfig(pass *analysis.Pass) (*config.Config, lint.Options, error) {
	var cfg *config.Config
	var err error
	switch {
	case configFile != "":
		cfg, err = config.Load(configFile)
	case len(pass.Files) > 0:
		cfg, err = config.Find(filepath.Dir(pass.Fset.File(pass.Files[0].Pos()).Name()))
	default:
		cfg = &config.Config{}
	}
	if err != nil {
		return nil, lint.Options{}, err
	}
	opts, err := cfg.Options()
	return cfg, opts, err
}

// reported says whether a lint finding is reported under the flags.
func reported(f lint.Finding) bool {
	if f.Severity == lint.Warning && !warnings {
		return false
	}
	for _, p := range strings.Split(disable, ",") {
		if p = strings.TrimSpace(p); p != "" && strings.HasPrefix(f.Code, strings.ToUpper(p)) {
			return false
		}
	}
	return true
}

func run(pass *analysis.Pass) (any, error) {
	found := embedded.Find(pass)
	if len(found) == 0 {
		return nil, nil // no configuration or command table to read
	}
	cfg, opts, err := projectConfig(pass)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, e := range found {
		for _, root := range e.Roots() {
			loader := resolve.New(e.FS(root))
			scripts, err := loader.LoadAll()
			report := func(file string, line, col int, msg string) {
				name := path.Join(root, file)
				key := fmt.Sprintf("%s:%d:%d:%s", name, line, col, msg)
				if seen[key] {
					return
				}
				seen[key] = true
				pass.Report(analysis.Diagnostic{
					Pos:      embedded.Position(pass, e, name, line, col),
					Message:  msg,
					Category: "luaembed",
					Related:  []analysis.RelatedInformation{{Pos: e.Pos, Message: "embedded here"}},
				})
			}
			for _, one := range resolve.Flatten(err) {
				var re *resolve.Error
				if errors.As(one, &re) {
					p := re.Pos()
					msg := one.Error()
					if prefix := p.String() + ": "; len(msg) > len(prefix) && msg[:len(prefix)] == prefix {
						msg = msg[len(prefix):]
					}
					report(p.File, p.Line, p.Col, msg)
				}
			}
			for _, s := range lint.Entries(scripts) {
				for _, f := range lint.LintWith(s, opts) {
					if reported(f) && cfg.Keep(f.Code) {
						report(f.Pos.File, f.Pos.Line, f.Pos.Col, fmt.Sprintf("%s: %s (%s)", f.Severity, f.Message, f.Code))
					}
				}
			}
		}
	}
	return nil, nil
}
