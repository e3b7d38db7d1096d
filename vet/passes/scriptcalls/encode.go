package scriptcalls

import (
	"go/types"

	"github.com/redislua/redislua/codec"
)

// canEncode reports whether a value of static type t may encode to type
// want (see codec.Encode); an interface may hold anything.
func canEncode(want codec.Type, t types.Type) bool {
	if want == codec.Untyped {
		return goRedisWritable(t)
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
	return hasMethod(t, method) || hasMethod(types.NewPointer(t), method)
}

// goRedisWritable reports whether go-redis's writer can send a value of
// static type t as an untyped argument (codec refuses the others before
// sending): the predeclared string, integer, float and bool types and
// pointers to them, []byte, time.Time, time.Duration, net.IP, and
// encoding.BinaryMarshaler. A named type (type ID int) is not among
// them: go-redis switches on exact types.
func goRedisWritable(t types.Type) bool {
	t = types.Unalias(t)
	if _, ok := t.Underlying().(*types.Interface); ok {
		return true
	}
	if hasMethod(t, "MarshalBinary") || isNamed(t, "time", "Time") || isNamed(t, "time", "Duration") || isNamed(t, "net", "IP") {
		return true
	}
	switch x := t.(type) {
	case *types.Basic:
		return writableBasic(x)
	case *types.Pointer:
		e := types.Unalias(x.Elem())
		if b, ok := e.(*types.Basic); ok {
			return writableBasic(b)
		}
		return isNamed(e, "time", "Time") || isNamed(e, "time", "Duration")
	case *types.Slice:
		b, ok := types.Unalias(x.Elem()).(*types.Basic)
		return ok && b.Kind() == types.Byte
	}
	return false
}

func writableBasic(b *types.Basic) bool {
	return b.Kind() != types.Uintptr && b.Info()&(types.IsInteger|types.IsFloat|types.IsBoolean|types.IsString) != 0 || b.Kind() == types.UntypedNil
}

func isNamed(t types.Type, pkg, name string) bool {
	n, ok := t.(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == pkg && n.Obj().Name() == name
}

// hasMethod reports whether values of type t itself (not *t) have the
// method: what a value held in an interface implements.
func hasMethod(t types.Type, method string) bool {
	ms := types.NewMethodSet(t)
	for i := 0; i < ms.Len(); i++ {
		if ms.At(i).Obj().Name() == method {
			return true
		}
	}
	return false
}
