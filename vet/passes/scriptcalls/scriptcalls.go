package scriptcalls

import (
	_ "embed"
	"errors"
	"fmt"
	"go/ast"
	"go/constant"
	"go/types"
	"path"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/redislua/redislua/codec"
	"github.com/redislua/redislua/directive"
	"github.com/redislua/redislua/resolve"
	"github.com/redislua/redislua/vet/internal/docs"
	"github.com/redislua/redislua/vet/internal/embedded"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

//go:embed doc.go
var doc string

// Analyzer checks the named values of engine calls.
var Analyzer = &analysis.Analyzer{
	Name:      "luacalls",
	Doc:       docs.Extract(doc, "luacalls"),
	URL:       "https://pkg.go.dev/github.com/redislua/redislua/vet/passes/scriptcalls",
	Requires:  []*analysis.Analyzer{inspect.Analyzer},
	Run:       run,
	FactTypes: []analysis.Fact{new(signature), new(tree)},
}

const (
	resolvePkg = "github.com/redislua/redislua/resolve"
	enginePkg  = "github.com/redislua/redislua/engine"
)

// fsRef is an embedded file system, or a subdirectory of one.
type fsRef struct {
	embed *embedded.Embed
	dir   string
	pkg   string // the package that embeds it, when not this one (a fact's tree)
}

// scriptRef is a script known by name in a known file system.
type scriptRef struct {
	fs   fsRef
	name string
}

// signature is what the checks need of a script; as an object fact it
// carries a script held by a package-level variable or a struct field to
// the packages that import it.
type signature struct {
	Script string
	Params []param
}

type param struct {
	Name string
	Key  bool
	Type codec.Type
}

func (*signature) AFact() {}

func (s *signature) String() string { return "script " + s.Script }

func newSignature(s *resolve.Script) *signature {
	sig := &signature{Script: s.Name()}
	for _, p := range s.Keys() {
		sig.Params = append(sig.Params, param{Name: p.Name, Key: true})
	}
	for _, p := range s.Args() {
		sig.Params = append(sig.Params, param{Name: p.Name, Type: p.Type})
	}
	return sig
}

func (s *signature) param(name string) (param, bool) {
	for _, p := range s.Params {
		if p.Name == name {
			return p, true
		}
	}
	return param{}, false
}

func (s *signature) names() []string {
	out := make([]string, len(s.Params))
	for i, p := range s.Params {
		out[i] = p.Name
	}
	return out
}

type state struct {
	pass    *analysis.Pass
	fsOf    map[types.Object]fsRef
	loaders map[types.Object]fsRef
	// loadFuncs are variables that hold a loader's Load method:
	// load := scripts.Loader.Load.
	loadFuncs map[types.Object]fsRef
	// imported are the trees of other packages' loaders, read from facts.
	imported map[types.Object]fsRef
	scripts  map[types.Object]scriptRef
	loaded   map[scriptRef]*signature
	// copies are variables and fields that hold a script of another
	// package: release := scripts.Release, var rel = scripts.Release.
	copies map[types.Object]*signature
}

func run(pass *analysis.Pass) (any, error) {
	st := &state{
		pass:      pass,
		fsOf:      map[types.Object]fsRef{},
		loaders:   map[types.Object]fsRef{},
		loadFuncs: map[types.Object]fsRef{},
		imported:  map[types.Object]fsRef{},
		scripts:   map[types.Object]scriptRef{},
		loaded:    map[scriptRef]*signature{},
		copies:    map[types.Object]*signature{},
	}
	for _, e := range embedded.Find(pass) {
		if e.Var != nil {
			st.fsOf[e.Var] = fsRef{embed: e, dir: "."}
		}
	}
	ins := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	// Assignments bind file systems, loaders and scripts to variables and
	// fields; repeat until nothing new is learnt, so order does not matter.
	for changed := true; changed; {
		changed = false
		ins.Preorder([]ast.Node{(*ast.AssignStmt)(nil), (*ast.ValueSpec)(nil), (*ast.KeyValueExpr)(nil)}, func(n ast.Node) {
			var lhs, rhs []ast.Expr
			switch x := n.(type) {
			case *ast.AssignStmt:
				lhs, rhs = x.Lhs, x.Rhs
			case *ast.ValueSpec:
				for _, id := range x.Names {
					lhs = append(lhs, id)
				}
				rhs = x.Values
			case *ast.KeyValueExpr:
				// A field set in a struct literal: &service{loader: ...}.
				lhs, rhs = []ast.Expr{x.Key}, []ast.Expr{x.Value}
			}
			if len(rhs) != 1 && len(rhs) != len(lhs) {
				return
			}
			for i := range lhs {
				r := rhs[0]
				if len(rhs) == len(lhs) {
					r = rhs[i]
				} else if i > 0 {
					break // v, err := f(): only the first value
				}
				obj := st.object(lhs[i])
				if obj == nil {
					continue
				}
				if ref, ok := st.fsExpr(r); ok {
					changed = st.setFS(obj, ref) || changed
				}
				if ref, ok := st.loaderExpr(r); ok {
					changed = st.setLoader(obj, ref) || changed
				}
				if ref, ok := st.loadFuncExpr(r); ok {
					changed = st.setLoadFunc(obj, ref) || changed
				}
				if ref, ok := st.scriptExpr(r); ok {
					changed = st.setScript(obj, ref) || changed
				} else if sig := st.foreign(r); sig != nil {
					if _, ok := st.copies[obj]; !ok {
						st.copies[obj] = sig
						changed = true
					}
				}
			}
		})
	}
	ins.Preorder([]ast.Node{(*ast.CallExpr)(nil)}, func(n ast.Node) {
		st.checkLoad(n.(*ast.CallExpr))
		st.checkCall(n.(*ast.CallExpr))
	})
	// Scripts held by package-level variables and struct fields become
	// facts, for the calls of importing packages.
	exported := func(obj types.Object) bool {
		v, ok := obj.(*types.Var)
		return ok && obj.Pkg() == pass.Pkg && (v.IsField() || obj.Parent() == pass.Pkg.Scope())
	}
	for obj, ref := range st.scripts {
		if sig := st.load(ref); sig != nil && exported(obj) {
			pass.ExportObjectFact(obj, sig)
		}
	}
	for obj, sig := range st.copies {
		if exported(obj) {
			pass.ExportObjectFact(obj, sig)
		}
	}
	// So do loaders and their Load methods held by package-level
	// variables, for the Load calls of importing packages:
	// scripts.Loader.Load("lock_release"). Not those held by fields: a
	// field's fact would speak for every value of the struct, also for one
	// that an importing package fills with a loader of its own.
	for _, m := range []map[types.Object]fsRef{st.loaders, st.loadFuncs} {
		for obj, ref := range m {
			if exported(obj) && obj.Parent() == pass.Pkg.Scope() {
				pass.ExportObjectFact(obj, newTree(pass.Pkg.Path(), ref))
			}
		}
	}
	return nil, nil
}

// foreign returns the signature of a script that e holds when e is a
// variable or field known through a fact of another package, or a copy
// of one.
func (st *state) foreign(e ast.Expr) *signature {
	obj := st.object(e)
	if obj == nil {
		return nil
	}
	if sig, ok := st.copies[obj]; ok {
		return sig
	}
	if obj.Pkg() != st.pass.Pkg {
		var sig signature
		if st.pass.ImportObjectFact(obj, &sig) {
			return &sig
		}
	}
	return nil
}

func (st *state) setFS(obj types.Object, ref fsRef) bool {
	if _, ok := st.fsOf[obj]; ok {
		return false
	}
	st.fsOf[obj] = ref
	return true
}

func (st *state) setLoader(obj types.Object, ref fsRef) bool {
	if _, ok := st.loaders[obj]; ok {
		return false
	}
	st.loaders[obj] = ref
	return true
}

func (st *state) setScript(obj types.Object, ref scriptRef) bool {
	if _, ok := st.scripts[obj]; ok {
		return false
	}
	st.scripts[obj] = ref
	return true
}

// object is the variable or field an expression names.
func (st *state) object(e ast.Expr) types.Object {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		if obj := st.pass.TypesInfo.ObjectOf(x); obj != nil {
			if _, ok := obj.(*types.Var); ok {
				return obj // a variable, or a field named in a struct literal
			}
		}
	case *ast.SelectorExpr:
		if sel, ok := st.pass.TypesInfo.Selections[x]; ok {
			if sel.Kind() == types.FieldVal {
				return sel.Obj()
			}
			return nil
		}
		// A qualified identifier: pkg.Var.
		if v, ok := st.pass.TypesInfo.ObjectOf(x.Sel).(*types.Var); ok {
			return v
		}
	}
	return nil
}

// unwrap sees through a helper call whose only argument is a call:
// must(loader.Load("x")). Conversions are not helpers.
func (st *state) unwrap(e ast.Expr) ast.Expr {
	e = ast.Unparen(e)
	call, ok := e.(*ast.CallExpr)
	if !ok || len(call.Args) != 1 || st.pass.TypesInfo.Types[call.Fun].IsType() {
		return e
	}
	if inner, ok := ast.Unparen(call.Args[0]).(*ast.CallExpr); ok {
		return inner
	}
	return e
}

func (st *state) isFunc(call *ast.CallExpr, pkg, name string) bool {
	fn, ok := typeutil.Callee(st.pass.TypesInfo, call).(*types.Func)
	return ok && fn.Pkg() != nil && fn.Pkg().Path() == pkg && fn.Name() == name
}

func constString(info *types.Info, e ast.Expr) (string, bool) {
	tv, ok := info.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(tv.Value), true
}

// fsExpr recognises an embedded FS, fs.Sub of one, or a variable holding
// either.
func (st *state) fsExpr(e ast.Expr) (fsRef, bool) {
	for _, x := range []ast.Expr{ast.Unparen(e), st.unwrap(e)} {
		if obj := st.object(x); obj != nil {
			if ref, ok := st.fsOf[obj]; ok {
				return ref, true
			}
		}
		if call, ok := x.(*ast.CallExpr); ok && st.isFunc(call, "io/fs", "Sub") && len(call.Args) == 2 {
			base, ok1 := st.fsExpr(call.Args[0])
			dir, ok2 := constString(st.pass.TypesInfo, call.Args[1])
			if ok1 && ok2 {
				return fsRef{embed: base.embed, dir: path.Join(base.dir, dir)}, true
			}
		}
		if call, ok := x.(*ast.CallExpr); ok {
			if ref, ok := st.helperFS(call); ok {
				return ref, true
			}
		}
	}
	return fsRef{}, false
}

// helperFS follows a call of a function of this package without
// arguments whose every return gives the same known file system:
//
//	func scriptFS() fs.FS { sub, _ := fs.Sub(luaFS, "lua"); return sub }
func (st *state) helperFS(call *ast.CallExpr) (fsRef, bool) {
	fn, ok := typeutil.Callee(st.pass.TypesInfo, call).(*types.Func)
	if !ok || fn.Pkg() != st.pass.Pkg || len(call.Args) != 0 {
		return fsRef{}, false
	}
	decl := st.funcDecl(fn)
	if decl == nil || decl.Body == nil {
		return fsRef{}, false
	}
	var found fsRef
	ok = true
	returns := 0
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		switch r := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			returns++
			if len(r.Results) < 1 {
				ok = false
				return false
			}
			ref, known := st.fsExpr(r.Results[0])
			if !known || (returns > 1 && ref != found) {
				ok = false
			}
			found = ref
		}
		return ok
	})
	return found, ok && returns > 0
}

// funcDecl is the declaration of a function of this package.
func (st *state) funcDecl(fn *types.Func) *ast.FuncDecl {
	for _, f := range st.pass.Files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && st.pass.TypesInfo.Defs[fd.Name] == fn {
				return fd
			}
		}
	}
	return nil
}

// loaderExpr recognises resolve.New(fsys), a variable holding a loader,
// or a variable or field of another package whose fact says it holds one.
func (st *state) loaderExpr(e ast.Expr) (fsRef, bool) {
	x := ast.Unparen(e)
	if obj := st.object(x); obj != nil {
		if ref, ok := st.loaders[obj]; ok {
			return ref, true
		}
		return st.foreignTree(obj, false)
	}
	if call, ok := x.(*ast.CallExpr); ok && st.isFunc(call, resolvePkg, "New") && len(call.Args) >= 1 {
		return st.fsExpr(call.Args[0])
	}
	return fsRef{}, false
}

// scriptExpr recognises loader.Load("name"), must(loader.Load("name")),
// or a variable holding a script.
func (st *state) scriptExpr(e ast.Expr) (scriptRef, bool) {
	for _, x := range []ast.Expr{ast.Unparen(e), st.unwrap(e)} {
		if obj := st.object(x); obj != nil {
			if ref, ok := st.scripts[obj]; ok {
				return ref, true
			}
		}
		if call, ok := x.(*ast.CallExpr); ok {
			if ref, ok := st.loadCall(call); ok {
				return ref, true
			}
		}
	}
	return scriptRef{}, false
}

// loadCall recognises loader.Load("constant name") on a known loader, or
// a call of a variable that holds its Load method: load("constant name").
func (st *state) loadCall(call *ast.CallExpr) (scriptRef, bool) {
	if len(call.Args) != 1 {
		return scriptRef{}, false
	}
	var fs fsRef
	var ok1 bool
	if st.isFunc(call, resolvePkg, "Load") {
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return scriptRef{}, false
		}
		fs, ok1 = st.loaderExpr(sel.X)
	} else if st.object(call.Fun) != nil {
		fs, ok1 = st.loadFuncExpr(call.Fun)
	}
	name, ok2 := constString(st.pass.TypesInfo, call.Args[0])
	return scriptRef{fs: fs, name: name}, ok1 && ok2
}

// load returns the signature of a script of this package; nil when it
// does not load (luaembed reports why).
func (st *state) load(ref scriptRef) *signature {
	if s, ok := st.loaded[ref]; ok {
		return s
	}
	var sig *signature
	if s, err := resolve.New(ref.fs.embed.FS(ref.fs.dir)).Load(ref.name); err == nil {
		sig = newSignature(s)
	}
	st.loaded[ref] = sig
	return sig
}

// signatureOf returns the signature of the script an expression holds:
// one of this package, or one another package exported as a fact.
func (st *state) signatureOf(e ast.Expr) *signature {
	if ref, ok := st.scriptExpr(e); ok {
		return st.load(ref)
	}
	return st.foreign(e)
}

// checkLoad reports loader.Load of a constant name that the embedded
// tree does not hold.
func (st *state) checkLoad(call *ast.CallExpr) {
	script, ok := st.loadCall(call)
	if !ok {
		return
	}
	ref, name := script.fs, script.name
	l := resolve.New(ref.embed.FS(ref.dir))
	_, err := l.Load(name)
	var nf *resolve.Error
	if !errors.As(err, &nf) || nf.Code != resolve.KindNotFound || len(nf.Chain) > 0 {
		return // loads, or fails inside the tree: luaembed reports that
	}
	names, _ := l.Names()
	msg := fmt.Sprintf("no script %s in the embedded tree %s", quote(name), st.treeName(ref))
	var fixes []analysis.SuggestedFix
	if hint := directive.Suggest(name, names); hint != "" {
		msg += "; did you mean " + quote(hint) + "?"
		fixes = replaceString(call.Args[0], hint)
	}
	st.report(call.Args[0], "script", msg, fixes...)
}

func (st *state) checkCall(call *ast.CallExpr) {
	var si, vi int
	switch {
	case st.isFunc(call, enginePkg, "Run"):
		si, vi = 1, 2
	case st.isFunc(call, enginePkg, "Queue"):
		si, vi = 2, 3
	default:
		return
	}
	if len(call.Args) <= vi {
		return
	}
	s := st.signatureOf(call.Args[si])
	if s == nil {
		return
	}
	values := ast.Unparen(call.Args[vi])
	info := st.pass.TypesInfo
	if tv, ok := info.Types[values]; ok && tv.IsNil() {
		if names := s.names(); len(names) > 0 {
			for i := range names {
				names[i] = quote(names[i])
			}
			st.report(values, "values", fmt.Sprintf("script %s needs %s: nil gives none", s.Script, strings.Join(names, ", ")))
		}
		return
	}
	if lit, ok := values.(*ast.CompositeLit); ok {
		if m, ok := info.TypeOf(lit).Underlying().(*types.Map); ok && isString(m.Key()) {
			st.checkMap(s, lit)
			return
		}
		if isOrdered(info.TypeOf(lit)) {
			st.checkOrdered(s, lit)
			return
		}
	}
	t := info.TypeOf(values)
	if t == nil {
		return
	}
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	if str, ok := t.Underlying().(*types.Struct); ok {
		st.checkStruct(s, values, str)
	}
}

func isString(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

// unknown reports a value named name that the script does not declare,
// at n (the map key, or the struct field), with a fix when a declared
// name is close.
func (st *state) unknown(s *signature, n ast.Node, name string) {
	msg := "script " + s.Script + " has no parameter " + quote(name)
	var fixes []analysis.SuggestedFix
	if hint := directive.Suggest(name, s.names()); hint != "" {
		msg += "; did you mean " + quote(hint) + "?"
		if e, ok := n.(ast.Expr); ok {
			fixes = replaceString(e, hint)
		}
	}
	st.report(n, "values", msg, fixes...)
}

func quote(s string) string { return `"` + s + `"` }

// report reports a diagnostic over node n, in a category ("script",
// "values", "types"), with suggested fixes.
func (st *state) report(n ast.Node, category, msg string, fixes ...analysis.SuggestedFix) {
	st.pass.Report(analysis.Diagnostic{Pos: n.Pos(), End: n.End(), Category: category, Message: msg, SuggestedFixes: fixes})
}

// replaceString is the fix that replaces a string literal with another.
func replaceString(lit ast.Expr, with string) []analysis.SuggestedFix {
	if _, ok := ast.Unparen(lit).(*ast.BasicLit); !ok {
		return nil
	}
	return []analysis.SuggestedFix{{
		Message:   "use " + quote(with),
		TextEdits: []analysis.TextEdit{{Pos: lit.Pos(), End: lit.End(), NewText: []byte(strconv.Quote(with))}},
	}}
}

func (st *state) checkMap(s *signature, lit *ast.CompositeLit) {
	given := map[string]bool{}
	complete := true
	for _, el := range lit.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			complete = false
			continue
		}
		name, ok := constString(st.pass.TypesInfo, kv.Key)
		if !ok {
			complete = false
			continue
		}
		given[name] = true
		p, ok := s.param(name)
		if !ok {
			st.unknown(s, kv.Key, name)
			continue
		}
		if st.checkType(s, p, kv.Value, st.pass.TypesInfo.TypeOf(kv.Value)) {
			st.checkConst(s, p, kv.Value)
		}
	}
	if !complete {
		return
	}
	var missing []string
	for _, n := range s.names() {
		if !given[n] {
			missing = append(missing, quote(n))
		}
	}
	if len(missing) > 0 {
		st.report(lit, "values", fmt.Sprintf("script %s needs %s", s.Script, strings.Join(missing, ", ")))
	}
}

// isOrdered reports whether t is engine.Ordered.
func isOrdered(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Name() == "Ordered" && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == enginePkg
}

// checkOrdered checks values given by position (engine.Ordered): their
// count, and each against the parameter at its place.
func (st *state) checkOrdered(s *signature, lit *ast.CompositeLit) {
	for i, el := range lit.Elts {
		if _, ok := el.(*ast.KeyValueExpr); ok {
			return // indexed elements: the positions are not the order
		}
		if i < len(s.Params) {
			p := s.Params[i]
			if st.checkType(s, p, el, st.pass.TypesInfo.TypeOf(el)) {
				st.checkConst(s, p, el)
			}
		}
	}
	if len(lit.Elts) != len(s.Params) {
		names := s.names()
		for i := range names {
			names[i] = quote(names[i])
		}
		st.report(lit, "values", fmt.Sprintf("script %s takes %d values in order (%s): %d given", s.Script, len(s.Params), strings.Join(names, ", "), len(lit.Elts)))
	}
}

// checkStruct binds fields as the engine does: the redislua tag, or the
// name without case and underscores.
func (st *state) checkStruct(s *signature, at ast.Expr, str *types.Struct) {
	bound := map[string]bool{}
	for i := 0; i < str.NumFields(); i++ {
		f := str.Field(i)
		tag, _, _ := strings.Cut(reflect.StructTag(str.Tag(i)).Get("redislua"), ",")
		if !f.Exported() || tag == "-" || f.Embedded() {
			continue
		}
		name := tag
		if name == "" {
			name = f.Name()
			for _, n := range s.names() {
				if normalize(n) == normalize(f.Name()) {
					name = n
				}
			}
		}
		where := st.fieldNode(f, at)
		p, ok := s.param(name)
		if !ok {
			st.unknown(s, where, name)
			continue
		}
		bound[name] = true
		st.checkType(s, p, where, f.Type())
	}
	var missing []string
	for _, n := range s.names() {
		if !bound[n] {
			missing = append(missing, quote(n))
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		st.report(at, "values", fmt.Sprintf("script %s needs %s, which the struct does not have", s.Script, strings.Join(missing, ", ")))
	}
}

func normalize(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", "")) }

// fieldNode is the declaration of struct field f when this package
// declares it, so that a report points at the field; the value given to
// the call otherwise.
func (st *state) fieldNode(f *types.Var, at ast.Expr) ast.Node {
	for _, file := range st.pass.Files {
		if file.FileStart <= f.Pos() && f.Pos() < file.FileEnd {
			var found ast.Node
			ast.Inspect(file, func(n ast.Node) bool {
				if field, ok := n.(*ast.Field); ok {
					for _, id := range field.Names {
						if id.Pos() == f.Pos() {
							found = field
						}
					}
				}
				return found == nil
			})
			if found != nil {
				return found
			}
		}
	}
	return at
}

// checkConst checks a constant value as the codec will: an integer
// beyond ±2^53, a fraction for an integer...
func (st *state) checkConst(s *signature, p param, e ast.Expr) {
	tv, ok := st.pass.TypesInfo.Types[e]
	if !ok || tv.Value == nil {
		return
	}
	var v any
	switch tv.Value.Kind() {
	case constant.Int:
		n, exact := constant.Int64Val(tv.Value)
		if !exact {
			st.report(e, "values", fmt.Sprintf("%s %s of script %s: %s does not fit an int64", kindOf(p), p.Name, s.Script, tv.Value.ExactString()))
			return
		}
		v = n
	case constant.Float:
		f, _ := constant.Float64Val(tv.Value)
		v = f
	case constant.String:
		v = constant.StringVal(tv.Value)
	case constant.Bool:
		v = constant.BoolVal(tv.Value)
	default:
		return
	}
	var err error
	if p.Key {
		_, err = codec.EncodeKey(p.Name, v)
	} else {
		_, err = codec.Encode(p.Name, p.Type, v)
	}
	if err != nil {
		var ee *codec.EncodeError
		msg := err.Error()
		if errors.As(err, &ee) {
			msg = fmt.Sprintf("%s %s of script %s is %s: %s", kindOf(p), p.Name, s.Script, typeOf(p), ee.Reason)
		}
		st.report(e, "values", msg)
	}
}

func kindOf(p param) string {
	if p.Key {
		return "key"
	}
	return "arg"
}

func typeOf(p param) string {
	if p.Key {
		return "a key"
	}
	return p.Type.String()
}

// checkType reports a value whose type never encodes to the parameter's
// type; ok is false when it reported.
func (st *state) checkType(s *signature, p param, at ast.Node, t types.Type) (ok bool) {
	if t == nil {
		return true
	}
	if p.Key {
		// A key is text: a string, []byte, a Stringer, or an integer
		// (codec.EncodeKey writes its decimal text).
		b, isBasic := t.Underlying().(*types.Basic)
		if !canEncode(codec.String, t) && !(isBasic && b.Info()&types.IsInteger != 0) {
			st.report(at, "types", fmt.Sprintf("key %s of script %s is a string or an integer: a %s is neither", p.Name, s.Script, types.TypeString(t, types.RelativeTo(st.pass.Pkg))))
			return false
		}
		return true
	}
	if !canEncode(p.Type, t) {
		st.report(at, "types", fmt.Sprintf("arg %s of script %s is %s: a %s never encodes to it", p.Name, s.Script, p.Type, types.TypeString(t, types.RelativeTo(st.pass.Pkg))))
		return false
	}
	return true
}
