package engine

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

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
//
// Values are read while Run or Queue binds them and not kept (what they
// hold, the strings and slices, goes into the command).
type Values = any

// Ordered is the values of a call by position, in the script's
// declaration order: its keys, then its arguments (resolve.Script's Keys,
// then Args). It spares looking each parameter up by name where the
// order is known by construction: the code redis-lua gen writes passes
// its parameters this way. Each value is checked and encoded as a named
// one would be; a count other than the script's is an *ArgsError. Hand-written code
// is clearer, and safer against a reordered signature, with a map or a
// struct.
type Ordered []any

// Bind checks and encodes the values of a call of s as Run would send
// them: the keys, then the arguments, in declaration order (Keys, then
// Args), each by the codec's encoders. Unknown, missing and wrongly
// typed names are reported together as an *ArgsError. It is for code
// that sends a script some other way than the engine (instrumented, or
// under Redis's Lua debugger) with the engine's binding.
func Bind(s *resolve.Script, values Values) ([]any, error) {
	if s == nil {
		return nil, errNilScript
	}
	out := make([]any, len(s.Keys())+len(s.Args()))
	if err := bind(s, values, out); err != nil {
		return nil, err
	}
	return out, nil
}

// bind writes the encoded keys, then the encoded arguments, of a call to
// dst, which has room for them. Unknown, missing and wrongly typed names
// are reported together.
func bind(s *resolve.Script, values any, dst []any) error {
	keys, args := s.Keys(), s.Args()
	var e *ArgsError
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
		r, err := newReader(s, values)
		if err != nil {
			return err
		}
		for i, p := range keys {
			v, ok := r.get(p.Name)
			put(i, p, v, ok)
		}
		for i, p := range args {
			v, ok := r.get(p.Name)
			put(len(keys)+i, p, v, ok)
		}
		for _, name := range r.names {
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

// reader reads the named values of a map with string keys or of a
// struct.
type reader struct {
	rv     reflect.Value // the map, or the struct
	kt     reflect.Type  // the map's key type
	fields []structField // the struct's fields
	bound  map[string]int
	names  []string // the names the values hold
}

func newReader(s *resolve.Script, values any) (r reader, err error) {
	rv := reflect.ValueOf(values)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	r.rv = rv
	switch {
	case rv.Kind() == reflect.Map && rv.Type().Key().Kind() == reflect.String:
		r.kt = rv.Type().Key()
		it := rv.MapRange()
		for it.Next() {
			r.names = append(r.names, it.Key().String())
		}
		return r, nil
	case rv.Kind() == reflect.Struct:
		r.fields = structFields(rv.Type())
		r.bound = make(map[string]int, len(r.fields))
		for i, f := range r.fields {
			name := f.name
			if !f.tagged {
				name = matchParam(s, f.name)
			}
			r.bound[name] = i
			r.names = append(r.names, name)
		}
		return r, nil
	}
	return r, &ArgsError{Script: s.Name(), Invalid: []error{
		&codecError{"values must be a map with string keys or a struct, not " + rv.Type().String()},
	}}
}

// get returns the value of the named parameter, if the values hold one.
func (r *reader) get(name string) (any, bool) {
	if r.kt != nil {
		v := r.rv.MapIndex(reflect.ValueOf(name).Convert(r.kt))
		if !v.IsValid() {
			return nil, false
		}
		return v.Interface(), true
	}
	i, ok := r.bound[name]
	if !ok {
		return nil, false
	}
	f, err := r.rv.FieldByIndexErr(r.fields[i].index)
	if err != nil {
		// Promoted through a nil embedded pointer: no value.
		return nil, false
	}
	return f.Interface(), true
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
