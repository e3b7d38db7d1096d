package main

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"golang.org/x/exp/apidiff"
)

// HasEntry reports whether a CHANGELOG.md has a "## <version>" heading.
func HasEntry(changelog []byte, version string) bool {
	for _, line := range strings.Split(string(changelog), "\n") {
		rest, ok := strings.CutPrefix(strings.TrimRight(line, "\r"), "## "+version)
		if ok && (rest == "" || rest[0] == ' ') {
			return true
		}
	}
	return false
}

// ChangelogEntry is the section of one release: the subjects of the
// commits that touched the module since its previous release, and what the
// API comparison found.
func ChangelogEntry(version string, at time.Time, log string, report apidiff.Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s — %s\n\n", version, at.Format("2006-01-02"))
	if s := strings.TrimSpace(log); s != "" {
		b.WriteString(s)
		b.WriteString("\n\n")
	}
	var added, breaking []string
	for _, c := range report.Changes {
		if c.Compatible {
			added = append(added, c.Message)
		} else {
			breaking = append(breaking, c.Message)
		}
	}
	if len(breaking) > 0 {
		b.WriteString("Incompatible API changes:\n\n")
		for _, m := range breaking {
			fmt.Fprintf(&b, "- %s\n", m)
		}
		b.WriteString("\n")
	}
	if len(added) > 0 {
		b.WriteString("API additions:\n\n")
		for _, m := range added {
			fmt.Fprintf(&b, "- %s\n", m)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// AddEntry puts entry above the newest release of a CHANGELOG.md (a new
// file gets its title first).
func AddEntry(changelog []byte, dir, entry string) []byte {
	if len(bytes.TrimSpace(changelog)) == 0 {
		changelog = []byte(fmt.Sprintf("# Changelog: %s%s\n\nEach release of this module, newest first. Versions follow the\ncompatibility policy of the repository's README.\n\n", Prefix, dir))
	}
	i := bytes.Index(changelog, []byte("\n## "))
	if i < 0 {
		out := bytes.TrimRight(changelog, "\n")
		return append(append(out, "\n\n"...), entry...)
	}
	var out bytes.Buffer
	out.Write(changelog[:i+1])
	out.WriteString(entry)
	out.Write(changelog[i+1:])
	return out.Bytes()
}
