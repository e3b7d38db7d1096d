package gen

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden scripts.go of testdata/*.txtar")

// TestGolden generates the package of each testdata/*.txtar (its lua/
// files) and compares scripts.go with the archive's; -update rewrites it.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	if len(files) == 0 {
		t.Fatal("no golden cases")
	}
	for _, file := range files {
		a, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		fsys := fstest.MapFS{}
		var want []byte
		wantAt := -1
		for i, f := range a.Files {
			if name, ok := strings.CutPrefix(f.Name, "lua/"); ok {
				fsys[name] = &fstest.MapFile{Data: f.Data}
			}
			if f.Name == "scripts.go" {
				want, wantAt = f.Data, i
			}
		}
		got, err := Generate(fsys, Options{Package: "scripts"})
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		// Twice: the same bytes.
		again, _ := Generate(fsys, Options{Package: "scripts"})
		if !bytes.Equal(got["scripts.go"], again["scripts.go"]) {
			t.Errorf("%s: two runs differ", file)
		}
		for name := range fsys {
			if !bytes.Equal(got["lua/"+name], fsys[name].Data) {
				t.Errorf("%s: lua/%s is not copied as is", file, name)
			}
		}
		if *update {
			if wantAt < 0 {
				a.Files = append(a.Files, txtar.File{Name: "scripts.go"})
				wantAt = len(a.Files) - 1
			}
			a.Files[wantAt].Data = got["scripts.go"]
			os.WriteFile(file, txtar.Format(a), 0o644)
			continue
		}
		if !bytes.Equal(got["scripts.go"], want) {
			t.Errorf("%s: scripts.go differs from the golden one (go test -update to accept):\n%s", file, got["scripts.go"])
		}
	}
}

func TestGoName(t *testing.T) {
	for in, want := range map[string]string{
		"create_foo":      "CreateFoo",
		"lib/rate_limit":  "LibRateLimit",
		"user_id":         "UserID",
		"api_url":         "APIURL",
		"http-json.queue": "HTTPJSONQueue",
		"2fa":             "N2fa",
		"élan":            "Élan",
		"x":               "X",
	} {
		if got := GoName(in); got != want {
			t.Errorf("GoName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCollisions: two names that become one Go name are an error naming
// both.
func TestCollisions(t *testing.T) {
	for _, tc := range []struct {
		files map[string]string
		want  string
	}{
		{map[string]string{"create_foo.lua": "return 1", "create-foo.lua": "return 2"}, "script create-foo (CreateFoo) and script create_foo (CreateFoo) are both the Go name CreateFoo"},
		{map[string]string{"create_foo.lua": "return 1", "create_foo_queue.lua": "return 2"}, "script create_foo (CreateFooQueue) and script create_foo_queue (CreateFooQueue) are both the Go name CreateFooQueue"},
		{map[string]string{"new.lua": "return 1"}, "the constructor and script new (New) are both the Go name New"},
		{map[string]string{"m.lua": "%arg user_id\n%arg userID\nreturn 1"}, "script m: parameters user_id and userID are both the Go field UserID"},
	} {
		fsys := fstest.MapFS{}
		for n, d := range tc.files {
			fsys[n] = &fstest.MapFile{Data: []byte(d)}
		}
		_, err := Generate(fsys, Options{Package: "p"})
		if err == nil || err.Error() != tc.want {
			t.Errorf("%v: %v, want %q", tc.files, err, tc.want)
		}
	}
	if _, err := Generate(fstest.MapFS{"a.lua": {Data: []byte("return 1")}}, Options{Package: "my-pkg"}); err == nil {
		t.Error("a package name that is not an identifier")
	}
}
