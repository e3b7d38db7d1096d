package scriptcalls

import (
	"go/ast"
	"go/types"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/redislua/redislua/vet/internal/embedded"
)

// tree is the fact of a variable or field that holds a loader (var
// Loader = resolve.New(sub)) or its Load method (var load = Loader.Load):
// the .lua files of the embedded tree it reads, so that a package that
// imports it checks the names given to Load and the values of the
// scripts loaded as it would in the loader's own package.
//
// The files themselves, not a list of names: Load cleans names as
// resolve does ("./x", "lib\\y"), tells a missing script from one whose
// include is missing, and gives each script's signature, and running
// resolve on the same files gives all of that unchanged.
type tree struct {
	Pkg   string // the path of the package that embeds the files
	Dir   string // the directory the loader reads, relative to that package
	Files []treeFile
}

type treeFile struct {
	Name string // slash path relative to the embedding package
	Data []byte
}

func (*tree) AFact() {}

func (t *tree) String() string {
	names := make([]string, 0, len(t.Files))
	prefix := t.Dir + "/"
	if t.Dir == "." {
		prefix = ""
	}
	for _, f := range t.Files {
		names = append(names, strings.TrimSuffix(strings.TrimPrefix(f.Name, prefix), ".lua"))
	}
	return "loader " + path.Join(t.Pkg, t.Dir) + ": " + strings.Join(names, " ")
}

// newTree is the fact of a loader of this package: the files below ref's
// directory, in name order (the fact's bytes do not depend on map order).
func newTree(pkg string, ref fsRef) *tree {
	t := &tree{Pkg: pkg, Dir: ref.dir}
	if ref.pkg != "" {
		t.Pkg = ref.pkg // a copy of another package's loader
	}
	prefix := ref.dir + "/"
	if ref.dir == "." {
		prefix = ""
	}
	for name, data := range ref.embed.Files {
		if strings.HasPrefix(name, prefix) {
			t.Files = append(t.Files, treeFile{Name: name, Data: data})
		}
	}
	sort.Slice(t.Files, func(i, j int) bool { return t.Files[i].Name < t.Files[j].Name })
	return t
}

// foreignTree returns the tree a variable or field of another package
// reads, from its fact: a loader when wantFunc is false, a Load method
// value when it is true. Each object's files make one Embed, made once,
// so that the scripts loaded from it are cached like local ones.
func (st *state) foreignTree(obj types.Object, wantFunc bool) (fsRef, bool) {
	if obj.Pkg() == nil || obj.Pkg() == st.pass.Pkg {
		return fsRef{}, false
	}
	if _, isFunc := obj.Type().Underlying().(*types.Signature); isFunc != wantFunc {
		return fsRef{}, false
	}
	if ref, ok := st.imported[obj]; ok {
		return ref, true
	}
	var t tree
	if !st.pass.ImportObjectFact(obj, &t) {
		return fsRef{}, false
	}
	e := &embedded.Embed{Files: map[string][]byte{}}
	for _, f := range t.Files {
		e.Files[f.Name] = f.Data
	}
	ref := fsRef{embed: e, dir: t.Dir, pkg: t.Pkg}
	st.imported[obj] = ref
	return ref, true
}

// loadFuncExpr recognises the Load method of a known loader as a value
// (loader.Load, scripts.Loader.Load), or a variable holding one.
func (st *state) loadFuncExpr(e ast.Expr) (fsRef, bool) {
	x := ast.Unparen(e)
	if obj := st.object(x); obj != nil {
		if ref, ok := st.loadFuncs[obj]; ok {
			return ref, true
		}
		if ref, ok := st.foreignTree(obj, true); ok {
			return ref, true
		}
	}
	sel, ok := x.(*ast.SelectorExpr)
	if !ok {
		return fsRef{}, false
	}
	s, ok := st.pass.TypesInfo.Selections[sel]
	if !ok || s.Kind() != types.MethodVal {
		return fsRef{}, false
	}
	if fn, ok := s.Obj().(*types.Func); !ok || fn.Pkg() == nil || fn.Pkg().Path() != resolvePkg || fn.Name() != "Load" {
		return fsRef{}, false
	}
	return st.loaderExpr(sel.X)
}

func (st *state) setLoadFunc(obj types.Object, ref fsRef) bool {
	if _, ok := st.loadFuncs[obj]; ok {
		return false
	}
	st.loadFuncs[obj] = ref
	return true
}

// treeName is how a report names a tree: its directory, and the package
// that embeds it when that is another package.
func (st *state) treeName(ref fsRef) string {
	if ref.pkg == "" || ref.pkg == st.pass.Pkg.Path() {
		return ref.dir
	}
	return ref.dir + " of package " + strconv.Quote(ref.pkg)
}
