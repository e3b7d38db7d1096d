package lsp

import (
	"context"
	"encoding/json"
)

// codeAction answers textDocument/codeAction with the quick fixes of the
// diagnostics in the requested range: a near miss (an unknown command,
// subcommand, option or field with a did-you-mean) replaced by its
// suggestion. The diagnostics are computed again from the document as
// it is, rather than read back from the request, so a client that does
// not echo a diagnostic's data still gets its fix.
func (s *Server) codeAction(_ context.Context, params json.RawMessage) (any, error) {
	var p struct {
		TextDocument textDocumentIdentifier `json:"textDocument"`
		Range        Range                  `json:"range"`
	}
	if err := unmarshal(params, &p); err != nil {
		return nil, err
	}
	sn := s.current()
	d, _ := sn.doc(p.TextDocument.URI)
	if d == nil {
		return nil, nil
	}
	actions := []CodeAction{}
	for _, dg := range sn.diagnose(d)[d.uri] {
		if dg.Data == nil || !overlaps(dg.Range, p.Range) {
			continue
		}
		actions = append(actions, CodeAction{
			Title:       "Change to " + dg.Data.Replace,
			Kind:        "quickfix",
			Diagnostics: []Diagnostic{dg},
			IsPreferred: true,
			Edit:        WorkspaceEdit{Changes: map[string][]TextEdit{d.uri: {{Range: dg.Range, NewText: dg.Data.Replace}}}},
		})
	}
	return actions, nil
}

// overlaps reports whether two ranges share a position (an empty range,
// the cursor, inside or at an end of the other counts).
func overlaps(a, b Range) bool {
	return !before(a.End, b.Start) && !before(b.End, a.Start)
}

func before(x, y Position) bool {
	return x.Line < y.Line || x.Line == y.Line && x.Character < y.Character
}
