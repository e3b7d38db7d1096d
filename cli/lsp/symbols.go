package lsp

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/redislua/redislua/directive"
)

// documentSymbol answers textDocument/documentSymbol: the directives
// and the functions the document defines at its top level.
func (s *Server) documentSymbol(_ context.Context, params json.RawMessage) (any, error) {
	var p struct {
		TextDocument textDocumentIdentifier `json:"textDocument"`
	}
	if err := unmarshal(params, &p); err != nil {
		return nil, err
	}
	d, _ := s.current().doc(p.TextDocument.URI)
	if d == nil {
		return nil, nil
	}
	out := []DocumentSymbol{}
	whole := func(ln int) Range {
		l := d.line(ln)
		return Range{Position{ln, 0}, Position{ln, utf16Col(l, len(l))}}
	}
	for _, it := range lex(d.text) {
		ln := it.Pos.Line - 1
		var sym DocumentSymbol
		switch it.Kind {
		case directive.Key:
			sym = DocumentSymbol{Name: it.Name.Text, Detail: "%key", Kind: symbolKey}
		case directive.Arg:
			sym = DocumentSymbol{Name: it.Name.Text, Detail: strings.TrimSpace("%arg " + it.Type.Text), Kind: symbolVariable}
		case directive.Include:
			sym = DocumentSymbol{Name: it.Name.Text, Detail: "%include", Kind: symbolFile}
		case directive.Return:
			sym = DocumentSymbol{Name: "%return " + it.Type.Text, Kind: symbolKey}
		case directive.Pragma:
			sym = DocumentSymbol{Name: "%pragma " + it.Name.Text, Kind: symbolKey}
		case directive.Text:
			for i, l := range strings.Split(it.Src, "\n") {
				if m := defFunction.FindStringSubmatchIndex(l); m != nil {
					r := whole(ln + i)
					sel := Range{Position{ln + i, utf16Col(l, m[2])}, Position{ln + i, utf16Col(l, m[3])}}
					out = append(out, DocumentSymbol{Name: l[m[2]:m[3]], Kind: symbolFunction, Range: r, SelectionRange: sel})
				}
			}
			continue
		default:
			continue
		}
		sym.Range = whole(ln)
		sym.SelectionRange = sym.Range
		out = append(out, sym)
	}
	return out, nil
}
