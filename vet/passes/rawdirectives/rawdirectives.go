package rawdirectives

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/constant"
	"go/types"

	"github.com/redislua/redislua/directive"
	"github.com/redislua/redislua/vet/internal/docs"
	"github.com/redislua/redislua/vet/internal/embedded"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

//go:embed doc.go
var doc string

// Analyzer reports unrendered scripts given to go-redis.
var Analyzer = &analysis.Analyzer{
	Name:      "luaraw",
	Doc:       docs.Extract(doc, "luaraw"),
	URL:       "https://pkg.go.dev/github.com/redislua/redislua/vet/passes/rawdirectives",
	Requires:  []*analysis.Analyzer{inspect.Analyzer},
	Run:       run,
	FactTypes: []analysis.Fact{new(rawScript)},
}

// rawScript marks a string or []byte variable that //go:embed fills
// with one .lua file holding directives; as a fact it reaches the
// packages that import the variable.
type rawScript struct {
	File string // the embedded file
	What string // the first directive: "%key", "a % line"...
	Line int
}

func (*rawScript) AFact() {}

func (r *rawScript) String() string { return "raw script " + r.File }

// firstDirective returns the first directive of a script text.
func firstDirective(text string) (what string, line int, ok bool) {
	items, _ := directive.Lex(text, directive.Options{})
	for _, it := range items {
		if it.Kind.IsDirective() || it.Kind == directive.Invalid {
			what = it.Kind.String()
			if it.Kind == directive.Invalid {
				what = "a % line"
			}
			return what, it.Pos.Line, true
		}
	}
	return "", 0, false
}

const goRedis = "github.com/redis/go-redis/v9"

// scriptArg is the index of the script argument of each go-redis call.
var scriptArg = map[string]int{
	"Eval": 1, "EvalRO": 1, "EvalSha": 1, "EvalShaRO": 1, "ScriptLoad": 1, "NewScript": 0,
}

func run(pass *analysis.Pass) (any, error) {
	ins := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	// Variables that //go:embed fills with one script's text.
	for _, e := range embedded.Find(pass) {
		if e.Var == nil || len(e.Files) != 1 || !isText(e.Var.Type()) {
			continue
		}
		for name, data := range e.Files {
			if what, line, ok := firstDirective(string(data)); ok {
				pass.ExportObjectFact(e.Var, &rawScript{File: name, What: what, Line: line})
			}
		}
	}
	ins.Preorder([]ast.Node{(*ast.CallExpr)(nil)}, func(n ast.Node) {
		call := n.(*ast.CallExpr)
		obj := typeutil.Callee(pass.TypesInfo, call)
		if obj == nil || obj.Pkg() == nil || obj.Pkg().Path() != goRedis {
			return
		}
		i, ok := scriptArg[obj.Name()]
		if !ok || i >= len(call.Args) {
			return
		}
		arg := call.Args[i]
		report := func(what, where string, line int) {
			pass.Report(analysis.Diagnostic{Pos: arg.Pos(), End: arg.End(), Category: "unrendered",
				Message: fmt.Sprintf("%s of a script with redislua directives (%s on line %d%s): Redis cannot compile it; load it with resolve and run it with engine", obj.Name(), what, line, where)})
		}
		if tv, ok := pass.TypesInfo.Types[arg]; ok && tv.Value != nil && tv.Value.Kind() == constant.String {
			if what, line, ok := firstDirective(constant.StringVal(tv.Value)); ok {
				report(what, "", line)
			}
			return
		}
		// An embedded script: ReleaseSrc, string(releaseLua), scripts.ReleaseSrc.
		if v := embeddedVar(pass, arg); v != nil {
			var raw rawScript
			if pass.ImportObjectFact(v, &raw) {
				report(raw.What, " of "+raw.File, raw.Line)
			}
		}
	})
	return nil, nil
}

// embeddedVar is the variable an argument reads, through a conversion
// (string(b)) or a package qualifier.
func embeddedVar(pass *analysis.Pass, e ast.Expr) *types.Var {
	e = ast.Unparen(e)
	if call, ok := e.(*ast.CallExpr); ok && len(call.Args) == 1 && pass.TypesInfo.Types[call.Fun].IsType() {
		e = ast.Unparen(call.Args[0])
	}
	var id *ast.Ident
	switch x := e.(type) {
	case *ast.Ident:
		id = x
	case *ast.SelectorExpr:
		id = x.Sel
	default:
		return nil
	}
	v, _ := pass.TypesInfo.Uses[id].(*types.Var)
	return v
}

// isText reports whether t is string or []byte, what //go:embed fills
// with one file.
func isText(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Info()&types.IsString != 0
	case *types.Slice:
		b, ok := u.Elem().Underlying().(*types.Basic)
		return ok && b.Kind() == types.Byte
	}
	return false
}
