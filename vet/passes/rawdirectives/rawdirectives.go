package rawdirectives

import (
	"go/ast"
	"go/constant"

	"github.com/redislua/redislua/directive"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// Analyzer reports unrendered scripts given to go-redis.
var Analyzer = &analysis.Analyzer{
	Name:     "luaraw",
	Doc:      "report scripts with redislua directives given to go-redis without rendering",
	URL:      "https://pkg.go.dev/github.com/redislua/redislua/vet/passes/rawdirectives",
	Requires: []*analysis.Analyzer{inspect.Analyzer},
	Run:      run,
}

const goRedis = "github.com/redis/go-redis/v9"

// scriptArg is the index of the script argument of each go-redis call.
var scriptArg = map[string]int{
	"Eval": 1, "EvalRO": 1, "EvalSha": 1, "EvalShaRO": 1, "ScriptLoad": 1, "NewScript": 0,
}

func run(pass *analysis.Pass) (any, error) {
	ins := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
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
		tv, ok := pass.TypesInfo.Types[call.Args[i]]
		if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
			return
		}
		items, _ := directive.Lex(constant.StringVal(tv.Value), directive.Options{})
		for _, it := range items {
			if it.Kind.IsDirective() || it.Kind == directive.Invalid {
				word := it.Kind.String()
				if it.Kind == directive.Invalid {
					word = "a % line"
				}
				pass.Reportf(call.Args[i].Pos(), "%s of a script with redislua directives (%s on line %d): Redis cannot compile it; load it with resolve and run it with engine", obj.Name(), word, it.Pos.Line)
				return
			}
		}
	})
	return nil, nil
}
