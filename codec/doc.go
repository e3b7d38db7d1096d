// Package codec is the type system of redislua: the one table of directive
// type names (integer, number, string, boolean, list, dict and their
// aliases), the Lua line each %arg renders to, the encoding of Go values to
// ARGV strings and the decoding of Redis replies to Go values.
//
// codec imports no other redislua module.
package codec
