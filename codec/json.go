package codec

import (
	"bytes"
	"encoding"
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"
)

// MaxDepth is how deeply a list or dict argument may nest: cjson, which
// decodes it inside Redis, refuses more than 1000 levels. It also stops
// cyclic Go values.
const MaxDepth = 1000

// EncodeJSON returns the JSON text that a list or dict argument is sent
// as. It writes what encoding/json would write (struct tags included) but
// refuses what would change on the way into Lua: integers beyond ±2^53,
// NaN and infinities, strings that are not valid UTF-8 (encoding/json
// would replace the bytes), maps with keys that are not strings, channels,
// functions and complex numbers. A []byte inside the value is a string, not
// base64; nil slices are [] and nil maps {}.
func EncodeJSON(name string, t Type, v any) (string, error) {
	e := jsonEncoders.Get().(*jsonEncoder)
	e.name, e.typ, e.depth = name, t, 0
	e.buf, e.path = e.buf[:0], e.path[:0]
	err := e.top(v)
	var out string
	switch {
	case err != nil || len(e.buf) == 0:
	case len(e.buf) <= keptBuffer:
		out = string(e.buf) // the buffer stays with the encoder
	default:
		// A large value's buffer is never written again: share its
		// bytes rather than copy them (half the bytes of a 10,000-element
		// list: BENCHMARKS.md, codec, "Measured choices").
		out = unsafe.String(&e.buf[0], len(e.buf))
		e.buf = nil
	}
	if cap(e.buf) > 4*keptBuffer {
		e.buf = nil // made large for a value that failed or came out short
	}
	clear(e.path[:cap(e.path)]) // keys of the values: not kept alive
	e.name = ""
	jsonEncoders.Put(e)
	return out, err
}

// jsonEncoders are encoders with their buffers, used again: a small
// value then costs its text and its box, not an encoder and a buffer
// too. encoding/json pools its encoders the same way; the pool is what
// brings small lists and single structs below its time (BENCHMARKS.md,
// codec, "Measured choices"). An encoder escapes to the heap in any
// case, through the encoders' indirect calls.
var jsonEncoders = sync.Pool{New: func() any { return new(jsonEncoder) }}

// keptBuffer is the largest text copied out of a pooled buffer; a larger
// buffer goes with the text it holds.
const keptBuffer = 4096

type jsonEncoder struct {
	buf   []byte
	name  string
	typ   Type
	path  []pathElem
	depth int
}

// pathElem is one step into a value: an index, or a key when key is set.
type pathElem struct {
	key   string
	index int
	isKey bool
}

func (e *jsonEncoder) fail(reason string) error {
	return &EncodeError{Arg: e.name, Path: formatPath(e.path), Type: e.typ, Reason: reason}
}

func formatPath(path []pathElem) string {
	var b strings.Builder
	for _, p := range path {
		switch {
		case !p.isKey:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(p.index))
			b.WriteByte(']')
		case isPathIdent(p.key):
			b.WriteByte('.')
			b.WriteString(p.key)
		default:
			b.WriteByte('[')
			b.WriteString(strconv.Quote(p.key))
			b.WriteByte(']')
		}
	}
	return b.String()
}

func isPathIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// top encodes the argument itself, after checking it is a list or a dict.
func (e *jsonEncoder) top(v any) error {
	// Fast paths for the common shapes.
	switch x := v.(type) {
	case []string:
		if e.typ == List {
			return e.stringSlice(x)
		}
	case []int:
		if e.typ == List && x != nil {
			return ints(e, x)
		}
	case []int64:
		if e.typ == List && x != nil {
			return ints(e, x)
		}
	case []float64:
		if e.typ == List && x != nil {
			return e.floats(x)
		}
	case []any:
		if e.typ == List {
			e.reserve(16*len(x) + 2)
			return e.anyValue(x)
		}
	case map[string]any, map[string]string:
		if e.typ == Dict {
			return e.value(reflect.ValueOf(x))
		}
	case nil:
		return e.fail("want " + e.typ.String() + ", got nil")
	}
	rv := reflect.ValueOf(v)
	rv, ok := deref(rv)
	if !ok {
		return nilPointer(e.name, e.typ, v)
	}
	info := typeInfoOf(rv.Type())
	if info.marshaler || info.ptrMarshaler && rv.CanAddr() {
		if err := e.marshaler(rv, info); err != nil {
			return err
		}
		first := e.buf[0]
		if e.typ == List && first != '[' || e.typ == Dict && first != '{' {
			return e.fail("want " + e.typ.String() + ", got " + rv.Type().String() + " whose MarshalJSON gives " + preview(string(e.buf)))
		}
		return nil
	}
	k := rv.Kind()
	switch e.typ {
	case List:
		if k == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 {
			return e.fail("want list, got " + rv.Type().String() + " (bytes are a string; use []int for a list of numbers)")
		}
		if k != reflect.Slice && k != reflect.Array {
			return wrongType(e.name, List, v)
		}
	case Dict:
		if k != reflect.Map && k != reflect.Struct {
			return wrongType(e.name, Dict, v)
		}
	}
	return e.value(rv)
}

// ints is the fast path of a []int or []int64 list: no reflection, and
// the path of an error set only when there is one.
func ints[T int | int64](e *jsonEncoder, list []T) error {
	e.grow(len(list))
	e.buf = append(e.buf, '[')
	for i, n := range list {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		if n > MaxSafeInteger || n < -MaxSafeInteger {
			e.path = append(e.path, pathElem{index: i})
			return beyond(e.name, e.typ, formatPath(e.path), strconv.FormatInt(int64(n), 10))
		}
		e.buf = strconv.AppendInt(e.buf, int64(n), 10)
	}
	e.buf = append(e.buf, ']')
	return nil
}

// floats is the fast path of a []float64 list.
func (e *jsonEncoder) floats(list []float64) error {
	e.grow(len(list))
	e.buf = append(e.buf, '[')
	for i, f := range list {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			e.path = append(e.path, pathElem{index: i})
			return e.fail("want a finite number, got " + formatFloat(f, 64))
		}
		e.buf = appendFloat(e.buf, f, 64)
	}
	e.buf = append(e.buf, ']')
	return nil
}

// stringSlice is the fast path of a []string list.
func (e *jsonEncoder) stringSlice(s []string) error {
	n := 2 + len(s)*3
	for _, x := range s {
		n += len(x)
	}
	e.reserve(n + n/16)
	e.buf = append(e.buf, '[')
	for i, x := range s {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		if !e.string(x) {
			e.path = append(e.path, pathElem{index: i})
			return e.fail("string " + preview(x) + " is not valid UTF-8")
		}
	}
	e.buf = append(e.buf, ']')
	return nil
}

// typeFlags caches what the encoder needs to know of a type.
type typeFlags struct {
	marshaler, ptrMarshaler         bool // implements json.Marshaler (on the pointer)
	textMarshaler, ptrTextMarshaler bool // implements encoding.TextMarshaler (on the pointer)
	fields                          []field
}

type field struct {
	name      string
	index     []int
	omitEmpty bool
}

var (
	typeCache         sync.Map // reflect.Type → *typeFlags
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

func typeInfoOf(t reflect.Type) *typeFlags {
	if f, ok := typeCache.Load(t); ok {
		return f.(*typeFlags)
	}
	f := &typeFlags{
		marshaler:        t.Implements(marshalerType),
		textMarshaler:    t.Implements(textMarshalerType),
		ptrMarshaler:     t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(marshalerType),
		ptrTextMarshaler: t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(textMarshalerType),
	}
	if t.Kind() == reflect.Struct {
		f.fields = structFields(t)
	}
	actual, _ := typeCache.LoadOrStore(t, f)
	return actual.(*typeFlags)
}

// structFields lists the JSON fields of a struct type the way
// encoding/json does: exported fields, `json:"name,omitempty"` tags,
// "-" skipped, fields of embedded structs promoted (a shallower field wins
// a name; two at the same depth cancel each other, as in encoding/json).
func structFields(t reflect.Type) []field {
	type candidate struct {
		field
		depth  int
		tagged bool
	}
	var all []candidate
	var walk func(t reflect.Type, index []int, depth int, seen map[reflect.Type]bool)
	walk = func(t reflect.Type, index []int, depth int, seen map[reflect.Type]bool) {
		if seen[t] {
			return
		}
		seen[t] = true
		defer delete(seen, t)
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := sf.Type
			if sf.Anonymous {
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if name == "" && ft.Kind() == reflect.Struct {
					walk(ft, append(slices.Clip(index), i), depth+1, seen)
					continue
				}
				if !sf.IsExported() && ft.Kind() != reflect.Struct {
					continue
				}
			} else if !sf.IsExported() {
				continue
			}
			tagged := name != ""
			if !tagged {
				name = sf.Name
			}
			all = append(all, candidate{
				field:  field{name: name, index: append(slices.Clip(index), i), omitEmpty: hasOpt(opts, "omitempty")},
				depth:  depth,
				tagged: tagged,
			})
		}
	}
	walk(t, nil, 0, map[reflect.Type]bool{})
	// Resolve name conflicts: the shallowest wins; at equal depth a tagged
	// field wins; otherwise the name is dropped.
	byName := map[string][]candidate{}
	var order []string
	for _, c := range all {
		if _, ok := byName[c.name]; !ok {
			order = append(order, c.name)
		}
		byName[c.name] = append(byName[c.name], c)
	}
	var fields []field
	for _, name := range order {
		cs := byName[name]
		minDepth := cs[0].depth
		for _, c := range cs {
			minDepth = min(minDepth, c.depth)
		}
		var best []candidate
		for _, c := range cs {
			if c.depth == minDepth {
				best = append(best, c)
			}
		}
		if len(best) > 1 {
			var tagged []candidate
			for _, c := range best {
				if c.tagged {
					tagged = append(tagged, c)
				}
			}
			best = tagged
		}
		if len(best) == 1 {
			fields = append(fields, best[0].field)
		}
	}
	slices.SortStableFunc(fields, func(a, b field) int { return slices.Compare(a.index, b.index) })
	return fields
}

func hasOpt(opts, want string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == want {
			return true
		}
	}
	return false
}

// anyValue encodes the dynamic value of an interface, with fast paths for
// what decoded JSON and hand-built []any and map[string]any hold.
func (e *jsonEncoder) anyValue(v any) error {
	switch x := v.(type) {
	case nil:
		e.buf = append(e.buf, "null"...)
	case string:
		if !e.string(x) {
			return e.fail("string " + preview(x) + " is not valid UTF-8")
		}
	case int:
		if x > MaxSafeInteger || x < -MaxSafeInteger {
			return beyond(e.name, e.typ, formatPath(e.path), strconv.Itoa(x))
		}
		e.buf = strconv.AppendInt(e.buf, int64(x), 10)
	case int64:
		if x > MaxSafeInteger || x < -MaxSafeInteger {
			return beyond(e.name, e.typ, formatPath(e.path), strconv.FormatInt(x, 10))
		}
		e.buf = strconv.AppendInt(e.buf, x, 10)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return e.fail("want a finite number, got " + formatFloat(x, 64))
		}
		e.buf = appendFloat(e.buf, x, 64)
	case bool:
		e.buf = strconv.AppendBool(e.buf, x)
	case []any:
		if x == nil {
			e.buf = append(e.buf, "[]"...)
			return nil
		}
		return e.nested(func() error {
			e.buf = append(e.buf, '[')
			e.path = append(e.path, pathElem{})
			for i, el := range x {
				if i > 0 {
					e.buf = append(e.buf, ',')
				}
				e.path[len(e.path)-1] = pathElem{index: i}
				if err := e.anyValue(el); err != nil {
					return err
				}
			}
			e.path = e.path[:len(e.path)-1]
			e.buf = append(e.buf, ']')
			return nil
		})
	default:
		return e.value(reflect.ValueOf(v))
	}
	return nil
}

// value encodes rv through the encoder of its type (see encoderOf).
func (e *jsonEncoder) value(rv reflect.Value) error {
	if !rv.IsValid() || rv.Kind() == reflect.Interface || !rv.CanInterface() {
		return e.slowValue(rv)
	}
	return encoderOf(rv.Type())(e, rv)
}

// slowValue encodes rv by looking at its type: the general path, for
// interfaces, types with MarshalJSON or MarshalText, and values reached
// through unexported fields.
func (e *jsonEncoder) slowValue(rv reflect.Value) error {
	if !rv.IsValid() {
		e.buf = append(e.buf, "null"...)
		return nil
	}
	t := rv.Type()
	k := t.Kind()
	if k == reflect.Interface {
		if rv.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		if rv.Elem().CanInterface() {
			return e.anyValue(rv.Elem().Interface())
		}
		return e.value(rv.Elem())
	}
	if !rv.CanInterface() {
		// Reached through an unexported embedded struct: methods cannot be
		// called, encode the structure (encoding/json does the same).
	} else if k != reflect.String && k != reflect.Int && k != reflect.Int64 && k != reflect.Float64 && k != reflect.Bool {
		// Basic unnamed kinds cannot have methods: skip the lookup.
		info := typeInfoOf(t)
		if k == reflect.Pointer && rv.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		if info.marshaler || info.ptrMarshaler && rv.CanAddr() {
			return e.marshaler(rv, info)
		}
		if info.textMarshaler || info.ptrTextMarshaler && rv.CanAddr() {
			return e.textMarshaler(rv, info)
		}
	} else if t.Name() != k.String() {
		// A named basic type may have methods.
		info := typeInfoOf(t)
		if info.marshaler || info.ptrMarshaler && rv.CanAddr() {
			return e.marshaler(rv, info)
		}
		if info.textMarshaler || info.ptrTextMarshaler && rv.CanAddr() {
			return e.textMarshaler(rv, info)
		}
	}
	switch k {
	case reflect.Bool:
		e.buf = strconv.AppendBool(e.buf, rv.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n := rv.Int()
		if n > MaxSafeInteger || n < -MaxSafeInteger {
			return beyond(e.name, e.typ, formatPath(e.path), strconv.FormatInt(n, 10))
		}
		e.buf = strconv.AppendInt(e.buf, n, 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n := rv.Uint()
		if n > MaxSafeInteger {
			return beyond(e.name, e.typ, formatPath(e.path), strconv.FormatUint(n, 10))
		}
		e.buf = strconv.AppendUint(e.buf, n, 10)
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return e.fail("want a finite number, got " + formatFloat(f, 64))
		}
		e.buf = appendFloat(e.buf, f, t.Bits())
	case reflect.String:
		if s := rv.String(); !e.string(s) {
			return e.fail("string " + preview(s) + " is not valid UTF-8")
		}
	case reflect.Pointer:
		return e.nested(func() error { return e.value(rv.Elem()) })
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && !typeInfoOf(t.Elem()).marshaler {
			b := rv.Bytes()
			if !e.string(unsafe.String(unsafe.SliceData(b), len(b))) {
				return e.fail("bytes " + preview(string(b)) + " are not valid UTF-8 (a []byte inside a list or dict is a string)")
			}
			return nil
		}
		if rv.IsNil() {
			e.buf = append(e.buf, "[]"...)
			return nil
		}
		return e.array(rv)
	case reflect.Array:
		return e.array(rv)
	case reflect.Map:
		return e.mapValue(rv)
	case reflect.Struct:
		return e.structValue(rv)
	default:
		return e.fail("cannot encode " + t.String() + " as JSON")
	}
	return nil
}

// nested counts one level of depth around f.
func (e *jsonEncoder) nested(f func() error) error {
	e.depth++
	if e.depth > MaxDepth {
		return e.fail("nested deeper than " + strconv.Itoa(MaxDepth) + " levels (cjson's limit), or a cyclic value")
	}
	err := f()
	e.depth--
	return err
}

func (e *jsonEncoder) array(rv reflect.Value) error {
	return e.nested(func() error {
		e.buf = append(e.buf, '[')
		n := rv.Len()
		e.path = append(e.path, pathElem{})
		for i := 0; i < n; i++ {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.path[len(e.path)-1] = pathElem{index: i}
			if err := e.value(rv.Index(i)); err != nil {
				return err
			}
		}
		e.path = e.path[:len(e.path)-1]
		e.buf = append(e.buf, ']')
		return nil
	})
}

func (e *jsonEncoder) mapValue(rv reflect.Value) error {
	t := rv.Type()
	if t.Key().Kind() != reflect.String {
		return e.fail("map key type " + t.Key().String() + " is not a string (JSON object keys are strings)")
	}
	if rv.IsNil() || rv.Len() == 0 {
		e.buf = append(e.buf, "{}"...)
		return nil
	}
	return e.nested(func() error {
		keys := make([]string, 0, rv.Len())
		for it := rv.MapRange(); it.Next(); {
			keys = append(keys, it.Key().String())
		}
		slices.Sort(keys)
		e.buf = append(e.buf, '{')
		e.path = append(e.path, pathElem{})
		for i, k := range keys {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.path[len(e.path)-1] = pathElem{key: k, isKey: true}
			if !e.string(k) {
				return e.fail("key " + preview(k) + " is not valid UTF-8")
			}
			e.buf = append(e.buf, ':')
			if err := e.value(rv.MapIndex(reflect.ValueOf(k).Convert(t.Key()))); err != nil {
				return err
			}
		}
		e.path = e.path[:len(e.path)-1]
		e.buf = append(e.buf, '}')
		return nil
	})
}

func (e *jsonEncoder) structValue(rv reflect.Value) error {
	return e.nested(func() error {
		e.buf = append(e.buf, '{')
		e.path = append(e.path, pathElem{})
		first := true
		for _, f := range typeInfoOf(rv.Type()).fields {
			fv, ok := fieldByIndex(rv, f.index)
			if !ok || f.omitEmpty && isEmpty(fv) {
				continue
			}
			if !first {
				e.buf = append(e.buf, ',')
			}
			first = false
			e.path[len(e.path)-1] = pathElem{key: f.name, isKey: true}
			if !e.string(f.name) {
				return e.fail("field name is not valid UTF-8")
			}
			e.buf = append(e.buf, ':')
			if err := e.value(fv); err != nil {
				return err
			}
		}
		e.path = e.path[:len(e.path)-1]
		e.buf = append(e.buf, '}')
		return nil
	})
}

// fieldByIndex follows index through embedded structs; ok is false when
// it passes a nil embedded pointer (the field is then left out).
func fieldByIndex(rv reflect.Value, index []int) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && rv.Kind() == reflect.Pointer {
			if rv.IsNil() {
				return reflect.Value{}, false
			}
			rv = rv.Elem()
		}
		rv = rv.Field(x)
	}
	return rv, true
}

func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

func (e *jsonEncoder) marshaler(rv reflect.Value, info *typeFlags) error {
	if !info.marshaler {
		rv = rv.Addr()
	}
	if rv.Kind() == reflect.Pointer && rv.IsNil() {
		e.buf = append(e.buf, "null"...)
		return nil
	}
	data, err := rv.Interface().(json.Marshaler).MarshalJSON()
	if err != nil {
		return e.fail(rv.Type().String() + ".MarshalJSON: " + err.Error())
	}
	if sub, reason := checkJSON(data); reason != "" {
		e.path = append(e.path, sub...)
		return e.fail(rv.Type().String() + ".MarshalJSON: " + reason)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		return e.fail(rv.Type().String() + ".MarshalJSON gave invalid JSON: " + err.Error())
	}
	e.buf = append(e.buf, b.Bytes()...)
	return nil
}

func (e *jsonEncoder) textMarshaler(rv reflect.Value, info *typeFlags) error {
	if !info.textMarshaler {
		rv = rv.Addr()
	}
	if rv.Kind() == reflect.Pointer && rv.IsNil() {
		e.buf = append(e.buf, "null"...)
		return nil
	}
	text, err := rv.Interface().(encoding.TextMarshaler).MarshalText()
	if err != nil {
		return e.fail(rv.Type().String() + ".MarshalText: " + err.Error())
	}
	if !e.string(string(text)) {
		return e.fail(rv.Type().String() + ".MarshalText gave invalid UTF-8")
	}
	return nil
}

const hexDigits = "0123456789abcdef"

// string appends s as a JSON string; it reports false, appending nothing
// useful, when s is not valid UTF-8.
func (e *jsonEncoder) string(s string) bool {
	b := append(e.buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			e.buf = b
			return false
		}
		i += size
	}
	b = append(b, s[start:]...)
	e.buf = append(b, '"')
	return true
}
