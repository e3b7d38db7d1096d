package gen

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

// declarations lists the top-level declarations of Go source ("type
// X", "func X", "method R.X", "var X", "import"), sorted, and fails the
// test when it does not parse.
func declarations(t *testing.T, src []byte) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "scripts.go", src, parser.ParseComments)
	if err != nil {
		t.Fatalf("the generated code does not parse: %v\n%s", err, src)
	}
	var decls []string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				decls = append(decls, "func "+d.Name.Name)
				continue
			}
			recv := d.Recv.List[0].Type
			if star, ok := recv.(*ast.StarExpr); ok {
				recv = star.X
			}
			decls = append(decls, "method "+recv.(*ast.Ident).Name+"."+d.Name.Name)
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.ImportSpec:
					decls = append(decls, "import "+s.Path.Value)
				case *ast.TypeSpec:
					decls = append(decls, "type "+s.Name.Name)
				case *ast.ValueSpec:
					for _, n := range s.Names {
						decls = append(decls, d.Tok.String()+" "+n.Name)
					}
				}
			}
		}
	}
	// Comments that are directives to the go command or the compiler.
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if (strings.HasPrefix(c.Text, "//go:") && c.Text != "//go:embed lua") || strings.HasPrefix(c.Text, "//line ") || strings.HasPrefix(c.Text, "/*") {
				t.Errorf("the generated code holds the comment %q", c.Text)
			}
		}
	}
	slices.Sort(decls)
	return decls
}

// wantDeclarations are the top-level declarations of the package of
// one script whose Go name is goName.
func wantDeclarations(goName string) []string {
	want := []string{
		`import "context"`, `import "embed"`, `import "fmt"`, `import "io/fs"`, `import "sync"`,
		`import "github.com/redis/go-redis/v9"`, `import "github.com/redislua/redislua/engine"`, `import "github.com/redislua/redislua/resolve"`,
		"var luaFS", "type Scripts", "func New", "method Scripts.Script", "func result",
		"type " + goName + "Params", "method " + goName + "Params.values", "method Scripts." + goName,
		"type " + goName + "Call", "method " + goName + "Call.Result", "method Scripts." + goName + "Queue",
	}
	slices.Sort(want)
	return want
}

// checkSource checks what no generated file may hold whatever the
// scripts are: text that is not UTF-8, and runes that end a line or a
// comment, or read differently from what they are, other than the
// newlines and tabs of the code itself.
func checkSource(t *testing.T, src []byte) {
	t.Helper()
	if !utf8.Valid(src) {
		t.Errorf("the generated code is not UTF-8:\n%s", src)
	}
	for _, r := range string(src) {
		if r != '\n' && r != '\t' && unsafeInComment(r) {
			t.Errorf("the generated code holds %q:\n%s", r, src)
			return
		}
	}
}

// TestHostileNames: a script file whose name could end a comment or a
// line of the generated code (it was written raw into comments: a
// newline made the rest of the name Go source) is refused with an error
// naming the file; a valid name gives code that parses and declares
// exactly the package's and the script's names.
func TestHostileNames(t *testing.T) {
	for _, tc := range []struct {
		name    string // the script's name, without .lua
		refused string // what the refusal says ("" when the name is valid)
	}{
		{"a\nfunc init() { panic(1) }\nvar x", `holds '\n'`},
		{"a\n/* x */ func init() {}\nvar y", `holds '\n'`},
		{"a\rb", `holds '\r'`},
		{"a*/b", `holds '*'`},
		{"a/*b", `holds '*'`},
		{"a\x00b", `holds '\x00'`},
		{"a\u2028b", `holds '\u2028'`},
		{"a\u2029b", `holds '\u2029'`},
		{"a\u0085b", `holds '\u0085'`},
		{"a\u202eb", `holds '\u202e'`},
		{"a\tb", `holds '\t'`},
		{"a\xffb", "is not UTF-8"},
		{`a"b`, `holds '"'`},
		{"a`b", "holds '`'"},
		{`a\b`, `holds '\\'`},
		{"dir\n/x", `holds '\n'`},
		{"dir./x", `"dir." ends with a dot`},
		{"_private", `go:embed leaves out "_private.lua"`},
		{"lib/.hidden", `go:embed leaves out ".hidden.lua"`},
		{"_lib/x", `go:embed leaves out "_lib"`},
		{"ok", ""},
		{"create foo (v2)!", ""},
		{"lib/élan-vital.2", ""},
		{"名前", ""},
		{"a+b=c@d[e]{f}~g^h#i$j%k&l,m", ""},
	} {
		file := tc.name + ".lua"
		if strings.Contains(file, "//") {
			t.Fatalf("%q has an empty element (fstest.MapFS walks it forever)", file)
		}
		fsys := fstest.MapFS{file: {Data: []byte("-- the doc\nreturn 1\n")}}
		files, err := Generate(fsys, Options{Package: "scripts"})
		if tc.refused != "" {
			var ge *Error
			if !errors.As(err, &ge) || !strings.Contains(err.Error(), "script file "+strconv.Quote(file)+": ") || !strings.Contains(err.Error(), tc.refused) {
				t.Errorf("%q: %v, want an *Error naming the file and saying %s", file, err, tc.refused)
			}
			if files != nil {
				t.Errorf("%q: files generated with the error", file)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", file, err)
			continue
		}
		src := files["scripts.go"]
		checkSource(t, src)
		if got, want := declarations(t, src), wantDeclarations(GoName(tc.name)); !slices.Equal(got, want) {
			t.Errorf("%q: declares %q, want %q", file, got, want)
		}
		if !strings.Contains(string(src), "runs "+file+".\n") || !strings.Contains(string(src), "s.Script("+strconv.Quote(tc.name)+")") {
			t.Errorf("%q: the name is not written as it is:\n%s", file, src)
		}
		if string(files["lua/"+file]) != "-- the doc\nreturn 1\n" {
			t.Errorf("%q: not copied", file)
		}
	}
}

// TestIncludedHostileName: a script no method is generated for is
// embedded too, so its name is refused as well.
func TestIncludedHostileName(t *testing.T) {
	fsys := fstest.MapFS{
		"main.lua":         {Data: []byte("%include \"lib/a\u2028b\"\nreturn 1\n")},
		"lib/a\u2028b.lua": {Data: []byte("local x = 1\n")},
	}
	_, err := Generate(fsys, Options{Package: "scripts"})
	if err == nil || !strings.Contains(err.Error(), `script file "lib/a\u2028b.lua"`) {
		t.Errorf("an included script's name: %v", err)
	}
}

// TestHostileDocs: a script's leading comment, copied into its method's
// doc, cannot end the comment or the line, nor hide text: it is
// escaped, and the code declares only what it should.
func TestHostileDocs(t *testing.T) {
	for doc, want := range map[string]string{
		"a\rfunc init() { panic(1) }": `// a\rfunc init() { panic(1) }`,
		"a\u2028func init() {}":       `// a\u2028func init() {}`,
		"a\u2029b\u0085c":             `// a\u2029b\u0085c`,
		"end */ func init() {}":       `// end *\/ func init() {}`,
		"nul\x00 del\x7f esc\x1b[31m": `// nul\x00 del\x7f esc\x1b[31m`,
		"not utf8 \xff\xfe":           `// not utf8 \xff\xfe`,
		"bidi \u202e\u2066 \u200f":    `// bidi \u202e\u2066 \u200f`,
		"bom \ufeff here":             `// bom \ufeff here`,
		"tab\tkept, élan and 名前 kept": "// tab\tkept, élan and 名前 kept",
		"go:generate rm -rf /":        "// go:generate rm -rf /",
	} {
		fsys := fstest.MapFS{"s.lua": {Data: []byte("-- " + doc + "\nreturn 1\n")}}
		files, err := Generate(fsys, Options{Package: "scripts"})
		if err != nil {
			t.Errorf("%q: %v", doc, err)
			continue
		}
		src := files["scripts.go"]
		checkSource(t, src)
		if got, want := declarations(t, src), wantDeclarations("S"); !slices.Equal(got, want) {
			t.Errorf("%q: declares %q, want %q", doc, got, want)
		}
		if !strings.Contains(string(src), "// S runs s.lua.\n//\n"+want+"\nfunc (s *Scripts) S(") {
			t.Errorf("%q: the doc is not %q:\n%s", doc, want, src)
		}
	}
}

// TestPackageNameKeyword: the package name is an identifier that is not
// a keyword.
func TestPackageNameKeyword(t *testing.T) {
	fsys := fstest.MapFS{"a.lua": {Data: []byte("return 1")}}
	for _, pkg := range []string{"func", "package", "_", "a b", "a\nb", ""} {
		var ge *Error
		if _, err := Generate(fsys, Options{Package: pkg}); !errors.As(err, &ge) {
			t.Errorf("package %q: %v", pkg, err)
		}
	}
}

// FuzzNames: whatever a script's name and leading comment, gen refuses
// the name (an *Error naming the file) or gives code that parses and
// declares exactly the package's and the script's names.
func FuzzNames(f *testing.F) {
	for _, seed := range [][2]string{
		{"create_foo", "creates a foo"},
		{"a\nfunc init() { panic(1) }\nvar x", "x"},
		{"a*/b", "*/"},
		{"a\u2028b", "\u2028\r\x00"},
		{"lib/élan", "\xff"},
		{"new", ""},
		{"_x", ""},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, name, doc string) {
		file := name + ".lua"
		if !fs.ValidPath(file) || strings.HasSuffix(name, "/") {
			return
		}
		fsys := fstest.MapFS{file: {Data: []byte("-- " + doc + "\nreturn 1\n")}}
		files, err := Generate(fsys, Options{Package: "scripts"})
		var ge *Error
		switch {
		case err == nil:
		case !errors.As(err, &ge):
			return // the script does not load (a directive in the doc)
		case checkPath(file) != nil:
			if !strings.Contains(err.Error(), "script file "+strconv.Quote(file)+": ") {
				t.Fatalf("%q: the refusal does not name the file: %v", file, err)
			}
			return
		case strings.Contains(err.Error(), "are both the Go name"):
			return // "new" is the constructor's name
		default:
			t.Fatalf("%q: %v", file, err)
		}
		if checkPath(file) != nil {
			t.Fatalf("%q: generated, though its name is refused", file)
		}
		src := files["scripts.go"]
		checkSource(t, src)
		if got, want := declarations(t, src), wantDeclarations(GoName(name)); !slices.Equal(got, want) {
			t.Fatalf("%q: declares %q, want %q", file, got, want)
		}
	})
}
