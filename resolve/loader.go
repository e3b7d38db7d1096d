package resolve

import (
	"errors"
	"io/fs"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// The default limits (SPEC §4).
const (
	DefaultMaxSize  = 64 << 20 // rendered bytes of one script
	DefaultMaxDepth = 64       // include nesting
)

// Loader loads scripts from a file system and caches them. It reads and
// parses each file once, whatever number of scripts include it, and is
// safe for concurrent use. It assumes the file system does not change:
// make a new Loader to see edits.
type Loader struct {
	fsys     fs.FS
	maxSize  int64
	maxDepth int

	files   sync.Map // name → *entry[*file]
	scripts sync.Map // name → *entry[*Script]
}

// entry is a cached value that is computed once, by the first goroutine
// that asks for it, while the others wait.
type entry[T any] struct {
	once sync.Once
	val  T
	err  error
}

// Option configures a Loader.
type Option func(*Loader)

// WithMaxSize sets the largest rendered script, in bytes.
func WithMaxSize(n int64) Option { return func(l *Loader) { l.maxSize = n } }

// WithMaxDepth sets the deepest include nesting: with 1, the top script
// may include files that include nothing.
func WithMaxDepth(n int) Option { return func(l *Loader) { l.maxDepth = n } }

// New returns a Loader of the scripts under the root of fsys (os.DirFS,
// embed.FS, fstest.MapFS, an os.Root's FS...). fsys may be nil for a
// loader of in-memory code that includes nothing.
func New(fsys fs.FS, opts ...Option) *Loader {
	l := &Loader{
		fsys:     fsys,
		maxSize:  DefaultMaxSize,
		maxDepth: DefaultMaxDepth,
	}
	for _, o := range opts {
		o(l)
	}
	return l
}

// FS returns the file system the loader reads.
func (l *Loader) FS() fs.FS { return l.fsys }

// cached returns the entry of key in m, creating it.
func cached[T any](m *sync.Map, key string) *entry[T] {
	if e, ok := m.Load(key); ok {
		return e.(*entry[T])
	}
	e, _ := m.LoadOrStore(key, &entry[T]{})
	return e.(*entry[T])
}

// Load returns the script called name ("create_foo", "subdir/foo";
// backslashes become slashes), rendered with its includes. Errors are
// the package's error types, or Errors when there are several.
// (load_script in the Python library.)
func (l *Loader) Load(name string) (*Script, error) {
	clean, ok := CleanName(name)
	if !ok {
		return nil, &EscapeError{Position: Position{File: fileName(name)}, Name: name}
	}
	e := cached[*Script](&l.scripts, clean)
	e.once.Do(func() {
		f, err := l.file(clean)
		if err != nil {
			e.err = err
			return
		}
		e.val, e.err = l.build(f)
	})
	return e.val, e.err
}

// LoadMany loads several scripts (load_scripts in the Python library).
// The map holds every script that loaded; the error joins the failures.
//
// The scripts load in parallel, on as many goroutines as GOMAXPROCS.
func (l *Loader) LoadMany(names ...string) (map[string]*Script, error) {
	type result struct {
		s   *Script
		err error
	}
	results := make([]result, len(names))
	var next atomic.Int64
	work := func() {
		for {
			i := int(next.Add(1)) - 1
			if i >= len(names) {
				return
			}
			results[i].s, results[i].err = l.Load(names[i])
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(names)/8+1)
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
	scripts := make(map[string]*Script, len(names))
	var errs []error
	for _, r := range results {
		if r.err != nil {
			errs = append(errs, Flatten(r.err)...)
		} else {
			scripts[r.s.Name()] = r.s
		}
	}
	return scripts, join(errs)
}

// LoadAll loads every *.lua file under the root (load_all_scripts in the
// Python library). The map holds every script that loaded; the error
// joins the failures.
func (l *Loader) LoadAll() (map[string]*Script, error) {
	names, err := l.Names()
	if err != nil {
		return nil, err
	}
	return l.LoadMany(names...)
}

// Names lists the name of every *.lua file under the root, sorted.
func (l *Loader) Names() ([]string, error) {
	if l.fsys == nil {
		return nil, nil
	}
	var names []string
	err := fs.WalkDir(l.fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, Ext) && len(p) > len(Ext) {
			names = append(names, strings.TrimSuffix(p, Ext))
		}
		return nil
	})
	sort.Strings(names)
	return names, err
}

// Parse loads in-memory code as if it were the script called name: its
// includes resolve from name's directory in the loader's tree (parse_script
// and run_code in the Python library). The result is not cached and does
// not hide a file of the same name.
func (l *Loader) Parse(name, content string) (*Script, error) {
	clean, ok := CleanName(name)
	if !ok {
		return nil, &EscapeError{Position: Position{File: fileName(name)}, Name: name}
	}
	return l.build(parseFile(clean, content))
}

// Read returns the text of the script called name as stored
// (read_script in the Python library).
func (l *Loader) Read(name string) (string, error) {
	clean, ok := CleanName(name)
	if !ok {
		return "", &EscapeError{Position: Position{File: fileName(name)}, Name: name}
	}
	return l.read(clean)
}

func (l *Loader) read(name string) (string, error) {
	return l.readPath(name, fileName(name))
}

func (l *Loader) readPath(name, p string) (string, error) {
	if l.fsys == nil {
		return "", &NotFoundError{Position: Position{File: p}, Name: name}
	}
	b, err := fs.ReadFile(l.fsys, p)
	switch {
	case err == nil && len(b) > 0:
		// b is ours alone and never written: share it.
		return unsafe.String(&b[0], len(b)), nil
	case err == nil:
		return "", nil
	case errors.Is(err, fs.ErrNotExist):
		return "", &NotFoundError{Position: Position{File: p}, Name: name}
	case isEscape(err):
		return "", &EscapeError{Position: Position{File: p}, Name: name}
	}
	return "", &ReadError{Position: Position{File: p}, Name: name, Err: err}
}

// isEscape recognises the error of an os.Root that refuses a path (a
// symlink) leading out of it.
func isEscape(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "escapes from parent")
}

// includes returns the files f's includes name, in order, reading them
// (once per file and loader); errs[k] is set where include k names a
// file that cannot be read or leaves the root.
func (l *Loader) includes(f *file) (targets []*file, errs []error) {
	f.resolveOnce.Do(func() {
		f.targets = make([]*file, len(f.incs))
		for k, inc := range f.incs {
			err := inc.err
			if err == nil {
				f.targets[k], err = l.file(inc.target)
			}
			if err != nil {
				if f.targetErrs == nil {
					f.targetErrs = make([]error, len(f.incs))
				}
				f.targetErrs[k] = err
			}
		}
	})
	return f.targets, f.targetErrs
}

// file returns the parsed file of a clean name, reading it at most once.
func (l *Loader) file(name string) (*file, error) {
	p := fileName(name)
	if !fs.ValidPath(p) {
		return nil, &NotFoundError{Position: Position{File: p}, Name: name}
	}
	e := cached[*file](&l.files, name)
	e.once.Do(func() {
		text, err := l.readPath(name, p)
		if err != nil {
			e.err = err
			return
		}
		e.val = parseFile(name, text)
	})
	return e.val, e.err
}
