package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redislua/redislua/vet/config"
)

func TestParse(t *testing.T) {
	c, err := config.Parse([]byte(`{"dir": "lua", "target": "valkey-8.0", "also": ["redis-7.0"], "disable": ["rl108", "W2"]}`))
	if err != nil {
		t.Fatal(err)
	}
	o, err := c.Options()
	if err != nil || o.Target.Name() != "valkey-8.0" || len(o.Also) != 1 || o.Also[0].Name() != "redis-7.0" {
		t.Errorf("Options = %+v, %v", o, err)
	}
	if c.Keep("RL108") || c.Keep("W211") || !c.Keep("W113") {
		t.Error("Keep")
	}
	for _, bad := range []string{`{"target": "redis-6.2"}`, `{"also": ["valky-8.0"]}`, `{"targte": "redis-7.0"}`, `{`} {
		if _, err := config.Parse([]byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	if _, err := config.Parse([]byte(`{"also": ["valky-8.0"]}`)); err == nil || !strings.Contains(err.Error(), "did you mean valkey-8.0") {
		t.Errorf("also valky-8.0: %v", err)
	}
	empty, _ := config.Parse([]byte(`{}`))
	if o, err := empty.Options(); err != nil || o.Target.Name() != "redis-7.0" || !empty.Keep("RL108") {
		t.Errorf("empty: %+v %v", o, err)
	}
}

func TestFind(t *testing.T) {
	root := t.TempDir()
	sub := filepath.Join(root, "a", "b")
	os.MkdirAll(sub, 0o755)
	c, err := config.Find(sub)
	if err != nil || c.File != "" {
		t.Fatalf("no file: %+v %v", c, err)
	}
	os.WriteFile(filepath.Join(root, config.Name), []byte(`{"dir": "lua", "target": "redis-7.4"}`), 0o644)
	c, err = config.Find(sub)
	if err != nil || c.Target != "redis-7.4" || c.File != filepath.Join(root, config.Name) || c.ScriptDir() != filepath.Join(root, "lua") {
		t.Errorf("Find = %+v %v", c, err)
	}
	os.WriteFile(filepath.Join(sub, config.Name), []byte(`{"target": "redis-9"}`), 0o644)
	if _, err := config.Find(sub); err == nil || !strings.Contains(err.Error(), "redislua.json: target: unknown target") {
		t.Errorf("bad file: %v", err)
	}
}
