package conformance

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"time"
)

// WriteJSON writes the report as one JSON object: the outcomes and the
// counts.
func (r *Report) WriteJSON(w io.Writer) error {
	type outcome struct {
		Case    string `json:"case"`
		Backend string `json:"backend"`
		Status  string `json:"status"`
		Message string `json:"message,omitempty"`
	}
	out := struct {
		Outcomes []outcome `json:"outcomes"`
		Passed   int       `json:"passed"`
		Failed   int       `json:"failed"`
		Skipped  int       `json:"skipped"`
	}{Outcomes: []outcome{}, Passed: r.Passed, Failed: r.Failed, Skipped: r.Skipped}
	for _, o := range r.Outcomes {
		out.Outcomes = append(out.Outcomes, outcome(o))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// WriteJUnit writes the report as JUnit XML, one test suite per backend
// and one test case per case, for CI systems that read it.
func (r *Report) WriteJUnit(w io.Writer) error {
	type failure struct {
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	}
	type skipped struct {
		Message string `xml:"message,attr"`
	}
	type testcase struct {
		Name      string   `xml:"name,attr"`
		Classname string   `xml:"classname,attr"`
		Failure   *failure `xml:"failure,omitempty"`
		Skipped   *skipped `xml:"skipped,omitempty"`
	}
	type testsuite struct {
		Name     string     `xml:"name,attr"`
		Tests    int        `xml:"tests,attr"`
		Failures int        `xml:"failures,attr"`
		Skipped  int        `xml:"skipped,attr"`
		Cases    []testcase `xml:"testcase"`
	}
	type testsuites struct {
		XMLName   xml.Name    `xml:"testsuites"`
		Timestamp string      `xml:"timestamp,attr"`
		Suites    []testsuite `xml:"testsuite"`
	}
	suite := r.Suite
	if suite == "" {
		suite = "conformance"
	}
	all := testsuites{Timestamp: time.Now().UTC().Format(time.RFC3339)}
	index := map[string]int{}
	for _, o := range r.Outcomes {
		i, ok := index[o.Backend]
		if !ok {
			i = len(all.Suites)
			index[o.Backend] = i
			all.Suites = append(all.Suites, testsuite{Name: "redislua " + suite + " (" + o.Backend + ")"})
		}
		s := &all.Suites[i]
		tc := testcase{Name: o.Case, Classname: suite + "." + o.Backend}
		s.Tests++
		switch o.Status {
		case "fail":
			s.Failures++
			tc.Failure = &failure{Message: firstLine(o.Message), Text: o.Message}
		case "skip":
			s.Skipped++
			tc.Skipped = &skipped{Message: o.Message}
		}
		s.Cases = append(s.Cases, tc)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(all); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func firstLine(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}
