package codec

import (
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// encFunc encodes a value of one type. Encoders are built once per type
// and kept (encoding/json does the same): walking a value's type again
// for each element was slower than encoding/json on every 10,000-element
// shape (BENCHMARKS.md, codec).
type encFunc func(e *jsonEncoder, rv reflect.Value) error

var encoders sync.Map // reflect.Type → encFunc

// encoderOf returns the encoder of type t. Types with MarshalJSON or
// MarshalText (on the value or the pointer) keep the general path,
// value, which knows whether a method may be called on this value.
func encoderOf(t reflect.Type) encFunc {
	if f, ok := encoders.Load(t); ok {
		return f.(encFunc)
	}
	// A recursive type reaches itself while being built: it gets an
	// indirection to the encoder being built.
	var built encFunc
	var wg sync.WaitGroup
	wg.Add(1)
	if f, loaded := encoders.LoadOrStore(t, encFunc(func(e *jsonEncoder, rv reflect.Value) error {
		wg.Wait()
		return built(e, rv)
	})); loaded {
		wg.Done()
		return f.(encFunc)
	}
	built = buildEncoder(t)
	wg.Done()
	encoders.Store(t, built)
	return built
}

func slowValue(e *jsonEncoder, rv reflect.Value) error { return e.slowValue(rv) }

func buildEncoder(t reflect.Type) encFunc {
	info := typeInfoOf(t)
	if info.marshaler || info.ptrMarshaler || info.textMarshaler || info.ptrTextMarshaler {
		return slowValue
	}
	switch t.Kind() {
	case reflect.Bool:
		return func(e *jsonEncoder, rv reflect.Value) error {
			e.buf = strconv.AppendBool(e.buf, rv.Bool())
			return nil
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(e *jsonEncoder, rv reflect.Value) error { return e.int(rv.Int()) }
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return func(e *jsonEncoder, rv reflect.Value) error {
			n := rv.Uint()
			if n > MaxSafeInteger {
				return beyond(e.name, e.typ, formatPath(e.path), strconv.FormatUint(n, 10))
			}
			e.buf = strconv.AppendUint(e.buf, n, 10)
			return nil
		}
	case reflect.Float32, reflect.Float64:
		bits := t.Bits()
		return func(e *jsonEncoder, rv reflect.Value) error { return e.float(rv.Float(), bits) }
	case reflect.String:
		return func(e *jsonEncoder, rv reflect.Value) error {
			if s := rv.String(); !e.string(s) {
				return e.fail("string " + preview(s) + " is not valid UTF-8")
			}
			return nil
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return slowValue // bytes are a string
		}
		elem := encoderOf(t.Elem())
		if plainInt(t.Elem()) {
			elem = nil // see intElements
		}
		return func(e *jsonEncoder, rv reflect.Value) error {
			if rv.IsNil() {
				e.buf = append(e.buf, "[]"...)
				return nil
			}
			if elem == nil {
				return e.intElements(rv)
			}
			return e.elements(rv, elem)
		}
	case reflect.Array:
		if plainInt(t.Elem()) {
			return func(e *jsonEncoder, rv reflect.Value) error { return e.intElements(rv) }
		}
		elem := encoderOf(t.Elem())
		return func(e *jsonEncoder, rv reflect.Value) error { return e.elements(rv, elem) }
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return slowValue // refused there, with the reason
		}
		elem := encoderOf(t.Elem())
		return func(e *jsonEncoder, rv reflect.Value) error { return e.mapOf(rv, elem) }
	case reflect.Struct:
		return structEncoder(info.fields, t)
	case reflect.Pointer:
		elem := encoderOf(t.Elem())
		return func(e *jsonEncoder, rv reflect.Value) error {
			if rv.IsNil() {
				e.buf = append(e.buf, "null"...)
				return nil
			}
			if e.depth++; e.depth > MaxDepth {
				return e.tooDeep()
			}
			err := elem(e, rv.Elem())
			e.depth--
			return err
		}
	}
	return slowValue // interfaces, and what cannot be encoded
}

// int appends an integer, refusing one beyond ±2^53.
func (e *jsonEncoder) int(n int64) error {
	if n > MaxSafeInteger || n < -MaxSafeInteger {
		return beyond(e.name, e.typ, formatPath(e.path), strconv.FormatInt(n, 10))
	}
	e.buf = strconv.AppendInt(e.buf, n, 10)
	return nil
}

// float appends a finite number.
func (e *jsonEncoder) float(f float64, bits int) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return e.fail("want a finite number, got " + formatFloat(f, 64))
	}
	e.buf = appendFloat(e.buf, f, bits)
	return nil
}

func (e *jsonEncoder) tooDeep() error {
	return e.fail("nested deeper than " + strconv.Itoa(MaxDepth) + " levels (cjson's limit), or a cyclic value")
}

// plainInt reports a signed integer type without JSON or text methods,
// whose elements intElements writes.
func plainInt(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		info := typeInfoOf(t)
		return !(info.marshaler || info.ptrMarshaler || info.textMarshaler || info.ptrTextMarshaler)
	}
	return false
}

// intElements encodes a slice or an array of plain signed integers
// without an indirect call per element, the error's path set only on an
// error (as ints does for []int and []int64): it brought [10000]int32
// through a pointer below encoding/json's time. Its loop body is ints's
// written again on purpose: a method shared by the two is not inlined
// and made both slower (BENCHMARKS.md, codec, "Measured choices").
func (e *jsonEncoder) intElements(rv reflect.Value) error {
	if e.depth++; e.depth > MaxDepth {
		return e.tooDeep()
	}
	n := rv.Len()
	e.grow(n)
	e.buf = append(e.buf, '[')
	for i := 0; i < n; i++ {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		x := rv.Index(i).Int()
		if x > MaxSafeInteger || x < -MaxSafeInteger {
			e.path = append(e.path, pathElem{index: i})
			return beyond(e.name, e.typ, formatPath(e.path), strconv.FormatInt(x, 10))
		}
		e.buf = strconv.AppendInt(e.buf, x, 10)
	}
	e.buf = append(e.buf, ']')
	e.depth--
	return nil
}

// elements encodes a slice or an array, element by element.
func (e *jsonEncoder) elements(rv reflect.Value, elem encFunc) error {
	if e.depth++; e.depth > MaxDepth {
		return e.tooDeep()
	}
	n := rv.Len()
	e.grow(n)
	e.buf = append(e.buf, '[')
	e.path = append(e.path, pathElem{})
	at := len(e.path) - 1
	for i := 0; i < n; i++ {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.path[at].index = i
		if err := elem(e, rv.Index(i)); err != nil {
			return err
		}
	}
	e.path = e.path[:at]
	e.buf = append(e.buf, ']')
	e.depth--
	return nil
}

// grow makes room for about n more elements, once, for a large value
// encoded from scratch (appending from an empty buffer copied it ~20
// times for 10,000 elements).
func (e *jsonEncoder) grow(n int) {
	if len(e.buf) == 0 && n > 16 {
		e.reserve(8*n + 2)
	}
}

// reserve gives the empty buffer room for n bytes: the pooled buffer
// when it is large enough.
func (e *jsonEncoder) reserve(n int) {
	if n > cap(e.buf) {
		e.buf = make([]byte, 0, n)
	}
}

// mapOf encodes a map with string keys, sorted as encoding/json sorts
// them. The entries are read once (MapIndex per key costs a hash each).
func (e *jsonEncoder) mapOf(rv reflect.Value, elem encFunc) error {
	if rv.IsNil() || rv.Len() == 0 {
		e.buf = append(e.buf, "{}"...)
		return nil
	}
	if e.depth++; e.depth > MaxDepth {
		return e.tooDeep()
	}
	// The maps of decoded JSON and of hand-written values: no reflection.
	if rv.Type() == mapStringAny {
		return mapFast(e, rv.Interface().(map[string]any), e.anyValue)
	}
	if rv.Type() == mapStringString {
		m := rv.Interface().(map[string]string)
		return mapFast(e, m, func(v string) error {
			if !e.string(v) {
				return e.fail("string " + preview(v) + " is not valid UTF-8")
			}
			return nil
		})
	}
	type entry struct {
		key string
		val reflect.Value
	}
	entries := make([]entry, 0, rv.Len())
	for it := rv.MapRange(); it.Next(); {
		entries = append(entries, entry{it.Key().String(), it.Value()})
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.key, b.key) })
	e.grow(len(entries) * 2)
	e.buf = append(e.buf, '{')
	e.path = append(e.path, pathElem{isKey: true})
	at := len(e.path) - 1
	for i, en := range entries {
		if err := e.key(i, at, en.key); err != nil {
			return err
		}
		if err := elem(e, en.val); err != nil {
			return err
		}
	}
	e.path = e.path[:at]
	e.buf = append(e.buf, '}')
	e.depth--
	return nil
}

var (
	mapStringAny    = reflect.TypeFor[map[string]any]()
	mapStringString = reflect.TypeFor[map[string]string]()
)

// key writes the i-th key of an object (its comma, its colon), noting
// it at path element at for an error.
func (e *jsonEncoder) key(i, at int, k string) error {
	if i > 0 {
		e.buf = append(e.buf, ',')
	}
	e.path[at].key = k
	if !e.string(k) {
		return e.fail("key " + preview(k) + " is not valid UTF-8")
	}
	e.buf = append(e.buf, ':')
	return nil
}

// mapFast encodes a non-empty map of a known type, keys sorted; the
// caller counted the depth.
func mapFast[V any](e *jsonEncoder, m map[string]V, one func(V) error) error {
	var small [8]string // a small map's keys, on the stack
	keys := small[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e.buf = append(e.buf, '{')
	e.path = append(e.path, pathElem{isKey: true})
	at := len(e.path) - 1
	for i, k := range keys {
		if err := e.key(i, at, k); err != nil {
			return err
		}
		if err := one(m[k]); err != nil {
			return err
		}
	}
	e.path = e.path[:at]
	e.buf = append(e.buf, '}')
	e.depth--
	return nil
}

// compiledField is a struct field with its encoder and its name already
// written as JSON ("name":).
type compiledField struct {
	field
	prefix []byte
	enc    encFunc
}

func structEncoder(fields []field, t reflect.Type) encFunc {
	var cfs []compiledField
	var once sync.Once
	// Field encoders are built on first use: a struct may hold itself.
	build := func() {
		for _, f := range fields {
			var e jsonEncoder
			ok := e.string(f.name)
			prefix := append(e.buf, ':')
			if !ok {
				prefix = nil // reported when encoded
			}
			cfs = append(cfs, compiledField{field: f, prefix: prefix, enc: encoderOf(t.FieldByIndex(f.index).Type)})
		}
	}
	return func(e *jsonEncoder, rv reflect.Value) error {
		once.Do(build)
		if e.depth++; e.depth > MaxDepth {
			return e.tooDeep()
		}
		e.buf = append(e.buf, '{')
		e.path = append(e.path, pathElem{isKey: true})
		at := len(e.path) - 1
		first, ok := true, true
		for i := range cfs {
			f := &cfs[i]
			var fv reflect.Value
			if len(f.index) == 1 {
				fv = rv.Field(f.index[0]) // not promoted: the common case
			} else if fv, ok = fieldByIndex(rv, f.index); !ok {
				continue
			}
			if f.omitEmpty && isEmpty(fv) {
				continue
			}
			if f.prefix == nil {
				return e.fail("field name is not valid UTF-8")
			}
			if !first {
				e.buf = append(e.buf, ',')
			}
			first = false
			e.path[at].key = f.name
			e.buf = append(e.buf, f.prefix...)
			if !fv.CanInterface() {
				// An unexported embedded struct's field: the general path
				// encodes its structure.
				if err := e.slowValue(fv); err != nil {
					return err
				}
				continue
			}
			if err := f.enc(e, fv); err != nil {
				return err
			}
		}
		e.path = e.path[:at]
		e.buf = append(e.buf, '}')
		e.depth--
		return nil
	}
}
