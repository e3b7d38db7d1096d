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
		p = path.Clean(name[1:])
	case dir == "":
		p = path.Clean(name) // no allocation when name is clean
	default:
		p = path.Clean(dir + "/" + name)
	}
	if p == "." || p == "" || p == ".." || strings.HasPrefix(p, "../") || strings.HasPrefix(p, "/") {
		return p, false
	}
	return p, true
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
