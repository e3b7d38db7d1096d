package resolve

import (
	"path"
	"strings"
)

// Ext is the file extension of scripts; names leave it out.
const Ext = ".lua"

// CleanName turns a script name as a user writes it into the canonical
// name under the root: backslashes become slashes, a leading "/" is
// dropped, "." and ".." elements are resolved. ok is false when the name
// is empty or leaves the root.
func CleanName(name string) (clean string, ok bool) {
	return joinName("", name)
}

// joinName resolves an include name against the directory of the
// including script: relative to it, or from the root when name starts
// with "/". ok is false when the result is empty or leaves the root.
func joinName(dir, name string) (string, bool) {
	name = strings.ReplaceAll(name, `\`, "/")
	var p string
	switch {
	case strings.HasPrefix(name, "/"):
		p = clean(name[1:])
	case dir == "":
		p = clean(name)
	default:
		p = path.Clean(dir + "/" + name)
	}
	if p == "." || p == "" || p == ".." || strings.HasPrefix(p, "../") || strings.HasPrefix(p, "/") {
		return p, false
	}
	return p, true
}

// clean is path.Clean, quicker for a name that is clean already (as
// nearly every name is): it returns it as it is, without allocating.
func clean(name string) string {
	if isClean(name) {
		return name
	}
	return path.Clean(name)
}

// isClean reports whether path.Clean would return name unchanged: no
// empty, "." or ".." element, no leading or trailing slash.
func isClean(name string) bool {
	if name == "" || name[0] == '/' || name[len(name)-1] == '/' {
		return false
	}
	start := 0
	for i := 0; i <= len(name); i++ {
		if i < len(name) && name[i] != '/' {
			continue
		}
		switch name[start:i] {
		case "", ".", "..":
			return false
		}
		start = i + 1
	}
	return true
}

// dirOf is the directory part of a script name, "" at the root.
func dirOf(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[:i]
	}
	return ""
}

// fileName is the path of a script's file under the root.
func fileName(name string) string { return name + Ext }
