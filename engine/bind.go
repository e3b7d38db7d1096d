package engine

import (
	"bytes"
	"cmp"
	"fmt"
	"net"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/redislua/redislua/codec"
	"github.com/redislua/redislua/resolve"
)

// Values are the named values of a call: a map[string]any (or any map
// with string keys), a struct or a pointer to one, or nil for a script
// without parameters. A struct field binds to the parameter of its
// `redislua:"name"` tag, or else of its name compared without case and
// underscores (MemberCount binds member_count); `redislua:"-"` skips a
// field. Every other exported field must bind to a parameter.
//
// Ordered gives the values by position instead of by name.
type Values = any

// Ordered is the values of a call by position, in the script's
// declaration order: its keys, then its arguments (resolve.Script's Keys,
// then Args). It spares a map per call where the order is known by
// construction: the code redis-lua gen writes passes its parameters
// this way. Each value is checked and encoded as a named one would be;
// a count other than the script's is an *ArgsError. Hand-written code
// is clearer, and safer against a reordered signature, with a map or a
// struct.
type Ordered []any

// bind writes the encoded keys, then the encoded arguments, of a call to
// dst, which has room for them. Unknown, missing and wrongly typed names
// are reported together.
func bind(s *resolve.Script, values any, dst []any) error {
	keys, args := s.Keys(), s.Args()
	var e *ArgsError
	detached := false // values read through hide: results are detached
	fail := func() *ArgsError {
		if e == nil {
			e = &ArgsError{Script: s.Name()}
		}
		return e
	}
	put := func(i int, p resolve.Param, v any, ok bool) {
		if !ok {
			fail().Missing = append(fail().Missing, p.Name)
			return
		}
		var enc any
		var err error
		if p.Kind == resolve.KeyParam {
			enc, err = codec.EncodeKey(p.Name, v)
		} else {
			enc, err = codec.Encode(p.Name, p.Type, v)
		}
		if err != nil {
			fail().Invalid = append(fail().Invalid, err)
			return
		}
		if detached {
			enc = detach(enc)
		}
		dst[i] = enc
	}
	switch m := values.(type) {
	case map[string]any:
		found := 0
		for i, p := range keys {
			v, ok := m[p.Name]
			found += b2i(ok)
			put(i, p, v, ok)
		}
		for i, p := range args {
			v, ok := m[p.Name]
			found += b2i(ok)
			put(len(keys)+i, p, v, ok)
		}
		if found != len(m) {
			for name := range m {
				if _, ok := s.Param(name); !ok {
					fail().Unknown = append(fail().Unknown, name)
				}
			}
		}
	case Ordered:
		for i, p := range keys {
			v, ok := at(m, i)
			put(i, p, v, ok)
		}
		for i, p := range args {
			v, ok := at(m, len(keys)+i)
			put(len(keys)+i, p, v, ok)
		}
		if n := len(keys) + len(args); len(m) > n {
			fail().Invalid = append(fail().Invalid, fmt.Errorf("%d ordered values for %d parameters", len(m), n))
		}
	case nil:
		for i, p := range keys {
			put(i, p, nil, false)
		}
		for i, p := range args {
			put(len(keys)+i, p, nil, false)
		}
	default:
		get, names, err := accessor(s, hide(values))
		detached = true
		if err != nil {
			return err
		}
		for i, p := range keys {
			v, ok := get(p.Name)
			put(i, p, v, ok)
		}
		for i, p := range args {
			v, ok := get(p.Name)
			put(len(keys)+i, p, v, ok)
		}
		for _, name := range names {
			if _, ok := s.Param(name); !ok {
				fail().Unknown = append(fail().Unknown, name)
			}
		}
	}
	if e == nil {
		return nil
	}
	slices.Sort(e.Unknown)
	for _, n := range e.Unknown {
		e.Hints = append(e.Hints, s.Suggest(n))
	}
	return e
}

// hide returns v unchanged, hidden from the compiler's escape analysis.
//
// The reflection in accessor makes the compiler think a call's values
// escape, so every map literal a caller writes, e.g.
// e.Run(ctx, s, map[string]any{"k": k, "n": n}), would be allocated on
// the heap: two allocations and ~300 bytes per call, more than the
// engine's own work (BenchmarkPipeline100: client CPU per call 1.37 µs
// with the map on the heap, 1.02 µs with it on the caller's stack, as
// with engine.Ordered and go-redis's EvalSha).
//
// Values read through hide may then live in their caller's frame, and
// so may what a struct's fields point to. Nothing read through it is
// kept as it is: maps are read through copies (MapIndex, MapRange;
// their entries are on the heap in any case), a struct passed by value
// is copied before its fields are read (accessor), and every encoded
// value is detached from the caller's memory before the command keeps
// it (detach). TestValuesStayOnStack and TestStructByValueCopied check
// both sides.
//
// It copies the interface's two words as integers, which neither the
// escape analysis nor -race's pointer checks follow; the words are
// written to a local, never to the heap, so no write barrier is missed.
func hide(v any) any {
	w := *(*[2]uintptr)(unsafe.Pointer(&v))
	return *(*any)(unsafe.Pointer(&w))
}

// detach returns an encoded value that shares no memory with the
// values it came from (see hide): strings and byte slices are copied,
// what a pointer points to is read, and other values are boxed anew.
// The codec's results are of the types listed here (codec.Encode,
// encodeUntyped); a time.Time keeps its *time.Location, which the time
// package allocates.
func detach(v any) any {
	switch x := v.(type) {
	case string:
		return strings.Clone(x)
	case []byte:
		return bytes.Clone(x)
	case net.IP:
		return net.IP(bytes.Clone(x))
	case *string:
		if x != nil {
			return strings.Clone(*x)
		}
	case int:
		return x
	case int8:
		return x
	case int16:
		return x
	case int32:
		return x
	case int64:
		return x
	case uint:
		return x
	case uint8:
		return x
	case uint16:
		return x
	case uint32:
		return x
	case uint64:
		return x
	case float32:
		return x
	case float64:
		return x
	case bool:
		return x
	case time.Duration:
		return x
	case time.Time:
		return x
	case nil:
		return nil
	}
	// A pointer to a number, bool, time.Time or time.Duration: go-redis
	// writes what it points to.
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		return detach(rv.Elem().Interface())
	}
	return v // a nil pointer
}

// at returns the i-th ordered value, if there is one.
func at(vs Ordered, i int) (any, bool) {
	if i < len(vs) {
		return vs[i], true
	}
	return nil, false
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// accessor reads the named values of a map with string keys or of a
// struct: a getter by parameter name, and the names it holds.
func accessor(s *resolve.Script, values any) (get func(string) (any, bool), names []string, err error) {
	rv := reflect.ValueOf(values)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() == reflect.Struct && !rv.CanAddr() {
		// A struct passed by value may sit in its caller's frame (see
		// hide); reading its fields in place would hand out pointers
		// into it, so read them from a copy.
		c := reflect.New(rv.Type()).Elem()
		c.Set(rv)
		rv = c
	}
	switch {
	case rv.Kind() == reflect.Map && rv.Type().Key().Kind() == reflect.String:
		kt := rv.Type().Key()
		for it := rv.MapRange(); it.Next(); {
			names = append(names, it.Key().String())
		}
		return func(name string) (any, bool) {
			v := rv.MapIndex(reflect.ValueOf(name).Convert(kt))
			if !v.IsValid() {
				return nil, false
			}
			return v.Interface(), true
		}, names, nil
	case rv.Kind() == reflect.Struct:
		fields := structFields(rv.Type())
		bound := map[string]int{}
		for i, f := range fields {
			name := f.name
			if !f.tagged {
				name = matchParam(s, f.name)
			}
			bound[name] = i
			names = append(names, name)
		}
		return func(name string) (any, bool) {
			i, ok := bound[name]
			if !ok {
				return nil, false
			}
			f, err := rv.FieldByIndexErr(fields[i].index)
			if err != nil {
				// Promoted through a nil embedded pointer: no value.
				return nil, false
			}
			return f.Interface(), true
		}, names, nil
	}
	return nil, nil, &ArgsError{Script: s.Name(), Invalid: []error{
		&codecError{"values must be a map with string keys or a struct, not " + rv.Type().String()},
	}}
}

type codecError struct{ msg string }

func (e *codecError) Error() string { return e.msg }

// matchParam returns the parameter name a field name binds to: the same
// name, or one that differs only in case and underscores; else the field
// name (which is then unknown).
func matchParam(s *resolve.Script, field string) string {
	if _, ok := s.Param(field); ok {
		return field
	}
	norm := normalize(field)
	for _, ps := range [][]resolve.Param{s.Keys(), s.Args()} {
		for _, p := range ps {
			if normalize(p.Name) == norm {
				return p.Name
			}
		}
	}
	return field
}

func normalize(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, "_", ""))
}

type structField struct {
	name   string
	tagged bool
	index  []int
}

var structCache sync.Map // reflect.Type → []structField

func structFields(t reflect.Type) []structField {
	if f, ok := structCache.Load(t); ok {
		return f.([]structField)
	}
	var fields []structField
	for _, sf := range reflect.VisibleFields(t) {
		if !sf.IsExported() || sf.Anonymous && isStruct(sf.Type) {
			continue
		}
		tag := sf.Tag.Get("redislua")
		if tag == "-" {
			continue
		}
		fields = append(fields, structField{name: cmp.Or(tag, sf.Name), tagged: tag != "", index: sf.Index})
	}
	structCache.Store(t, fields)
	return fields
}

// isStruct reports a struct or a pointer to one (an embedded one is
// looked through, not bound).
func isStruct(t reflect.Type) bool {
	return t.Kind() == reflect.Struct || t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct
}
