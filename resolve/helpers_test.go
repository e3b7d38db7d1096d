package resolve

import (
	"crypto/sha1"
	"errors"
)

func sha1Sum(s string) [20]byte { return sha1.Sum([]byte(s)) }

// asKind returns the first *Error of kind k among the errors of err.
func asKind(err error, k Kind) *Error {
	for _, one := range Flatten(err) {
		var e *Error
		if errors.As(one, &e) && e.Code == k {
			return e
		}
	}
	return nil
}

// as is errors.As for the *Error of kind k: it sets *target to it.
func as(err error, target **Error, k Kind) bool {
	*target = asKind(err, k)
	return *target != nil
}
