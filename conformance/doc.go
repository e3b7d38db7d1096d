// Package conformance is the language-neutral behavioural contract of
// redislua: txtar cases under testdata/, the harness that runs them through
// a runner, and the JSON-lines runner protocol.
package conformance
