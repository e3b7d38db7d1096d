// Package resolve is a stub of redislua's resolve for the analyzer's tests.
package resolve

import "io/fs"

type Loader struct{}
type Script struct{}
type Option func(*Loader)

func New(fsys fs.FS, opts ...Option) *Loader              { return nil }
func OpenDir(dir string, opts ...Option) (*Loader, error) { return nil, nil }
func (l *Loader) Load(name string) (*Script, error)       { return nil, nil }
