package resolve

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// The default limits (conformance/SPEC.md §4).
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
	root     *os.Root // the directory OpenDir opened, closed by Close

	slots sync.Map // name → *slot

	addedMu sync.Mutex
	added   map[string]*slot // the scripts Add registered, by name
}

// slot caches what the loader knows of one name: its parsed file and the
// script it renders to. Each is computed once, by the first goroutine
// that asks for it, while the others wait.
type slot struct {
	fileOnce sync.Once
	f        file  // when fileErr is nil
	fileErr  error // why the file could not be read

	scriptOnce sync.Once
	script     *Script
	scriptErr  error
}

// Option configures a Loader.
type Option func(*Loader)

// WithMaxSize sets the largest rendered script, in bytes.
func WithMaxSize(n int64) Option { return func(l *Loader) { l.maxSize = n } }

// WithMaxDepth sets the deepest include nesting: with 1, the top script
// may include files that include nothing.
func WithMaxDepth(n int) Option { return func(l *Loader) { l.maxDepth = n } }

// New returns a Loader of the scripts under the root of fsys (embed.FS,
// fstest.MapFS, an os.Root's FS...). fsys may be nil for a loader of
// in-memory code that includes nothing.
//
// Names and includes never leave the root of fsys, but symbolic links
// inside it are the file system's business: os.DirFS follows them, out
// of the directory too. To load from disk, use OpenDir, which cannot.
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

// OpenDir returns a Loader of the scripts in the directory dir that never
// reads outside it: it opens dir with os.OpenRoot, so that a symbolic
// link leading out of the tree (to a file, a directory, an absolute
// path) is refused with an *EscapeError, like an include that leaves the
// root. Close releases the directory.
func OpenDir(dir string, opts ...Option) (*Loader, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	l := New(root.FS(), opts...)
	l.root = root
	return l, nil
}

// Close releases the directory of a Loader made by OpenDir; scripts
// already loaded stay usable. It does nothing for other loaders.
func (l *Loader) Close() error {
	if l.root == nil {
		return nil
	}
	return l.root.Close()
}

// FS returns the file system the loader reads.
func (l *Loader) FS() fs.FS { return l.fsys }

// slot returns the slot of a clean name, creating it. (A sync.Map: the
// loader's goroutines look names up all the time, and a lock they share
// would serialise them.)
func (l *Loader) slot(name string) *slot {
	if s, ok := l.slots.Load(name); ok {
		return s.(*slot)
	}
	s, _ := l.slots.LoadOrStore(name, new(slot))
	return s.(*slot)
}

// Load returns the script called name ("create_foo", "subdir/foo";
// backslashes become slashes), rendered with its includes. Errors are
// the package's error types, or Errors when there are several.
// (load_script in the Python library.)
func (l *Loader) Load(name string) (*Script, error) {
	return l.load(name, "")
}

// load loads the script called name; path, when not "", is its file as
// a walk of the tree found it (name + Ext), which spares making it again.
func (l *Loader) load(name, path string) (*Script, error) {
	clean, ok := CleanName(name)
	if !ok {
		return nil, &Error{Code: KindEscape, Position: Position{File: fileName(name)}, Name: name}
	}
	if clean != name {
		path = ""
	}
	s := l.slot(clean)
	s.scriptOnce.Do(func() {
		f, err := l.fileOf(s, clean, path)
		if err != nil {
			s.scriptErr = err
			return
		}
		s.script, s.scriptErr = l.build(f)
	})
	return s.script, s.scriptErr
}

// LoadMany loads several scripts (load_scripts in the Python library).
// The map holds every script that loaded; the error joins the failures.
//
// The scripts load in parallel, on as many goroutines as GOMAXPROCS.
func (l *Loader) LoadMany(names ...string) (map[string]*Script, error) {
	return l.loadMany(len(names), func(i int) (string, string) { return names[i], "" })
}

// loadMany loads n scripts, the i-th called name and found at path (see
// load), in parallel.
func (l *Loader) loadMany(n int, at func(i int) (name, path string)) (map[string]*Script, error) {
	type result struct {
		s   *Script
		err error
	}
	results := make([]result, n)
	var next atomic.Int64
	// Workers take names in chunks: fewer atomic adds, and results they
	// write are seldom on one cache line.
	const chunk = 16
	work := func() {
		for {
			end := int(next.Add(chunk))
			if end-chunk >= n {
				return
			}
			for i := end - chunk; i < min(end, n); i++ {
				results[i].s, results[i].err = l.load(at(i))
			}
		}
	}
	workers := min(runtime.GOMAXPROCS(0), n/8+1)
	var wg sync.WaitGroup
	wg.Add(workers - 1)
	for range workers - 1 {
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
	scripts := make(map[string]*Script, n)
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
// joins the failures, in the order of their names.
func (l *Loader) LoadAll() (map[string]*Script, error) {
	paths, err := l.paths()
	if err != nil {
		return nil, err
	}
	return l.loadMany(len(paths), func(i int) (string, string) {
		return strings.TrimSuffix(paths[i], Ext), paths[i]
	})
}

// Names lists the name of every *.lua file under the root, sorted.
func (l *Loader) Names() ([]string, error) {
	paths, err := l.paths()
	for i, p := range paths {
		paths[i] = strings.TrimSuffix(p, Ext)
	}
	return paths, err
}

// paths lists every *.lua file under the root and every script Add
// registered, sorted by script name.
func (l *Loader) paths() ([]string, error) {
	l.addedMu.Lock()
	paths := make([]string, 0, len(l.added))
	for name := range l.added {
		paths = append(paths, fileName(name))
	}
	l.addedMu.Unlock()
	var err error
	if l.fsys != nil {
		err = fs.WalkDir(l.fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(p, Ext) && len(p) > len(Ext) {
				paths = append(paths, p)
			}
			return nil
		})
	}
	slices.SortFunc(paths, func(a, b string) int {
		return strings.Compare(a[:len(a)-len(Ext)], b[:len(b)-len(Ext)])
	})
	return paths, err
}

// Parse loads in-memory code as if it were the script called name: its
// includes resolve from name's directory in the loader's tree (parse_script
// and run_code in the Python library). The result is not cached and does
// not hide a file of the same name.
func (l *Loader) Parse(name, content string) (*Script, error) {
	clean, ok := CleanName(name)
	if !ok {
		return nil, &Error{Code: KindEscape, Position: Position{File: fileName(name)}, Name: name}
	}
	return l.build(parseFile(clean, fileName(clean), content))
}

// Add registers in-memory code as the script called name: it loads,
// includes and is included like a file of the tree (parse_script with a
// cache in the Python library). A name that is also a file of the tree
// is a *ConflictError: an in-memory script never hides a file, nor a
// file an in-memory script. So is a name already added, or already
// looked up (loaded, included or found missing): add a script before
// loading what includes it. Errors in the code itself are reported when
// it is loaded. Add is safe for concurrent use.
func (l *Loader) Add(name, content string) error {
	clean, ok := CleanName(name)
	if !ok {
		return &Error{Code: KindEscape, Position: Position{File: fileName(name)}, Name: name}
	}
	p := fileName(clean)
	if l.fsys != nil {
		if _, err := fs.Stat(l.fsys, p); !errors.Is(err, fs.ErrNotExist) {
			return &Error{Code: KindConflict, Position: Position{File: p}, Name: clean, Msg: "a file of the tree has this name"}
		}
	}
	s := l.slot(clean)
	added := false
	s.fileOnce.Do(func() {
		s.f.parse(clean, p, content)
		added = true
	})
	if !added {
		return &Error{Code: KindConflict, Position: Position{File: p}, Name: clean, Msg: "the name was added or looked up before"}
	}
	l.addedMu.Lock()
	if l.added == nil {
		l.added = map[string]*slot{}
	}
	l.added[clean] = s
	l.addedMu.Unlock()
	return nil
}

// Read returns the text of the script called name as stored
// (read_script in the Python library).
func (l *Loader) Read(name string) (string, error) {
	clean, ok := CleanName(name)
	if !ok {
		return "", &Error{Code: KindEscape, Position: Position{File: fileName(name)}, Name: name}
	}
	return l.read(clean)
}

func (l *Loader) read(name string) (string, error) {
	l.addedMu.Lock()
	s, added := l.added[name]
	l.addedMu.Unlock()
	if added {
		return s.f.text, nil
	}
	return l.readPath(name, fileName(name))
}

func (l *Loader) readPath(name, p string) (string, error) {
	if l.fsys == nil {
		return "", &Error{Code: KindNotFound, Position: Position{File: p}, Name: name}
	}
	b, err := l.readRegular(p)
	var le *Error
	switch {
	case errors.As(err, &le) && le.Code == KindLimit:
		le.Position = Position{File: p}
		return "", le
	case err == nil:
		return string(b), nil
	case errors.Is(err, fs.ErrNotExist):
		return "", &Error{Code: KindNotFound, Position: Position{File: p}, Name: name}
	case isEscape(err):
		return "", &Error{Code: KindEscape, Position: Position{File: p}, Name: name}
	}
	return "", &Error{Code: KindRead, Position: Position{File: p}, Name: name, Err: err}
}

// errNotRegular refuses a FIFO, a device, a socket or a directory: reading
// one could block forever or never end.
var errNotRegular = errors.New("not a regular file")

// readRegular reads the regular file p, refusing any other kind of file
// (opening a FIFO blocks, reading a device may never end), and a file
// larger than the rendered size limit before reading it; a file that
// grows while it is read is cut one byte past the limit and refused.
// The check is a Stat before the Open: a file swapped for a FIFO between
// the two is not caught.
func (l *Loader) readRegular(p string) ([]byte, error) {
	fi, err := fs.Stat(l.fsys, p)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s", errNotRegular, fileKind(fi.Mode()))
	}
	if fi.Size() > l.maxSize {
		return nil, l.fileTooBig(fi.Size())
	}
	f, err := l.fsys.Open(p)
	if errors.Is(err, fs.ErrInvalid) {
		// A file system that reads whole files only (fs.ReadFileFS).
		if rf, ok := l.fsys.(fs.ReadFileFS); ok {
			b, err := rf.ReadFile(p)
			if err == nil && int64(len(b)) > l.maxSize {
				return nil, l.fileTooBig(int64(len(b)))
			}
			return b, err
		}
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Into a buffer of the size Stat said (one allocation, as
	// fs.ReadFile), at most one byte past the limit.
	r := io.LimitReader(f, l.maxSize+1)
	b := make([]byte, 0, fi.Size()+1)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if int64(len(b)) > l.maxSize {
		return nil, l.fileTooBig(int64(len(b)))
	}
	return b, nil
}

// fileTooBig is the refusal of a file of n bytes, over the size limit
// (readPath gives it the file's position).
func (l *Loader) fileTooBig(n int64) *Error {
	return &Error{Code: KindLimit, Limit: "size", Max: l.maxSize, Value: n}
}

// fileKind names what a non-regular file is.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "of mode " + m.String()
}

// isEscape recognises the error of an os.Root that refuses a path (a
// symlink) leading out of it.
func isEscape(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "escapes from parent")
}

// includes reads the files f's includes name (once per file and loader),
// setting each include's file or err.
func (l *Loader) includes(f *file) {
	f.resolveOnce.Do(func() {
		for k := range f.incs {
			inc := &f.incs[k]
			target, ok := f.target(inc)
			if !ok {
				o := &f.ops[inc.op]
				inc.escape = true
				inc.err = &Error{Code: KindEscape, Position: f.at(o.line, o.ncol), Name: f.str(o)}
				continue
			}
			inc.file, inc.err = l.file(target)
		}
	})
}

// file returns the parsed file of a clean name, reading it at most once.
func (l *Loader) file(name string) (*file, error) {
	return l.fileOf(l.slot(name), name, "")
}

// fileOf returns the parsed file of the slot of a clean name.
// path is its file, or "" to make it from the name.
func (l *Loader) fileOf(s *slot, name, path string) (*file, error) {
	s.fileOnce.Do(func() {
		p := path
		if p == "" {
			p = fileName(name)
		}
		if !fs.ValidPath(p) {
			s.fileErr = &Error{Code: KindNotFound, Position: Position{File: p}, Name: name}
			return
		}
		var text string
		if text, s.fileErr = l.readPath(name, p); s.fileErr == nil {
			s.f.parse(name, p, text)
		}
	})
	if s.fileErr != nil {
		return nil, s.fileErr
	}
	return &s.f, nil
}
