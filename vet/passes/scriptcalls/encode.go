package scriptcalls

import (
	"go/types"

	"github.com/redislua/redislua/codec"
)

// canEncode reports whether a value of static type t may encode to type
// want (see codec.Encode); an interface may hold anything.
func canEncode(want codec.Type, t types.Type) bool {
	if want == codec.Untyped {
		return true
	}
	if _, ok := t.Underlying().(*types.Interface); ok {
		return true
	}
	if p, ok := t.Underlying().(*types.Pointer); ok {
		if implements(t, "MarshalJSON") || implements(t, "String") {
			return canEncode(want, p.Elem()) || want.IsJSON() || want == codec.String
		}
		return canEncode(want, p.Elem())
	}
	switch want {
	case codec.Integer, codec.Number:
		b, ok := t.Underlying().(*types.Basic)
		return ok && b.Info()&(types.IsInteger|types.IsFloat) != 0
	case codec.Boolean:
		b, ok := t.Underlying().(*types.Basic)
		return ok && b.Info()&types.IsBoolean != 0
	case codec.String:
		if b, ok := t.Underlying().(*types.Basic); ok && b.Info()&types.IsString != 0 {
			return true
		}
		return isBytes(t) || implements(t, "String")
	case codec.List:
		if implements(t, "MarshalJSON") {
			return true
		}
		switch u := t.Underlying().(type) {
		case *types.Slice:
			return !isBytes(u)
		case *types.Array:
			return true
		}
		return false
	case codec.Dict:
		if implements(t, "MarshalJSON") {
			return true
		}
		switch u := t.Underlying().(type) {
		case *types.Map:
			return isString(u.Key())
		case *types.Struct:
			return true
		}
		return false
	}
	return true
}

func isBytes(t types.Type) bool {
	s, ok := t.Underlying().(*types.Slice)
	if !ok {
		return false
	}
	b, ok := s.Elem().Underlying().(*types.Basic)
	return ok && b.Kind() == types.Byte
}

// implements reports whether t (or *t) has a method of that name:
// MarshalJSON for json.Marshaler, String for fmt.Stringer.
func implements(t types.Type, method string) bool {
	for _, tt := range []types.Type{t, types.NewPointer(t)} {
		ms := types.NewMethodSet(tt)
		for i := 0; i < ms.Len(); i++ {
			if ms.At(i).Obj().Name() == method {
				return true
			}
		}
	}
	return false
}
