// Package config reads a project's redislua.json, the configuration
// `redis-lua check`, the redis-lua-vet analyzers and the language server
// share:
//
//	{
//	  "dir": "lua",
//	  "target": "redis-7.0",
//	  "also": ["valkey-8.0"],
//	  "enable": [],
//	  "disable": ["RL108", "W2"]
//	}
//
// Every field is optional. dir is the scripts' root, relative to the
// file (what the language server opens; check takes --dir). target is the
// server the scripts run on, one of commands.Targets() (default
// redis-7.0, commands.DefaultTarget); also lists other servers they must
// run on too (a command one of them lacks is a warning, RL207). enable
// keeps only the rules whose code starts with one of its entries,
// disable drops the rules whose code does (W2 drops W211...). A field
// the format does not know is an error, so a misspelt one is not
// silently ignored.
//
// JSON, not TOML or YAML: the configuration is a handful of fields, and
// the module keeps no dependency for reading it.
//
// Find looks for the file from a directory up to the root of the file
// system: the configuration of a tree holds for its subdirectories.
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/redislua/redislua/vet/commands"
	"github.com/redislua/redislua/vet/lint"
)

// Name is the configuration file's name.
const Name = "redislua.json"

// Config is a project's configuration.
type Config struct {
	Dir     string   `json:"dir,omitempty"`
	Target  string   `json:"target,omitempty"`
	Also    []string `json:"also,omitempty"`
	Enable  []string `json:"enable,omitempty"`
	Disable []string `json:"disable,omitempty"`

	// File is the path the configuration was read from ("" for none).
	File string `json:"-"`
}

// Parse reads a configuration and checks its targets.
func Parse(data []byte) (*Config, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		return nil, err
	}
	if _, err := c.Options(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Load reads the configuration file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c.File = path
	return c, nil
}

// Find returns the configuration of dir: the first redislua.json in dir
// or a directory above it; an empty configuration when there is none.
func Find(dir string) (*Config, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	for {
		path := filepath.Join(abs, Name)
		if _, err := os.Stat(path); err == nil {
			return Load(path)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return &Config{}, nil
		}
		abs = parent
	}
}

// Options are the linter's options for the configured targets.
func (c *Config) Options() (lint.Options, error) {
	var o lint.Options
	target := c.Target
	if target == "" {
		target = commands.DefaultTarget
	}
	t, err := commands.Lookup(target)
	if err != nil {
		return o, fmt.Errorf("target: %w", err)
	}
	o.Target = t
	for _, name := range c.Also {
		a, err := commands.Lookup(name)
		if err != nil {
			return o, fmt.Errorf("also: %w", err)
		}
		if a != t {
			o.Also = append(o.Also, a)
		}
	}
	return o, nil
}

// Keep reports whether a rule is reported: enabled (or no rule is) and
// not disabled, by code or prefix, case-insensitive.
func (c *Config) Keep(code string) bool {
	code = strings.ToUpper(code)
	match := func(list []string) bool {
		for _, p := range list {
			if p = strings.ToUpper(strings.TrimSpace(p)); p != "" && strings.HasPrefix(code, p) {
				return true
			}
		}
		return false
	}
	return (len(c.Enable) == 0 || match(c.Enable)) && !match(c.Disable)
}

// ScriptDir is dir resolved against the file's directory ("" when the
// configuration names none).
func (c *Config) ScriptDir() string {
	if c.Dir == "" {
		return ""
	}
	if filepath.IsAbs(c.Dir) || c.File == "" {
		return c.Dir
	}
	return filepath.Join(filepath.Dir(c.File), c.Dir)
}
