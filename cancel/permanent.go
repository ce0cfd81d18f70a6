package cancel

// Permanent returns an error that makes [Retry] stop at once and return err.
// Its text is err's, and errors.Is and errors.As see err through it.
// Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

// A permanentError marks an error not worth retrying.
type permanentError struct {
	err error
}

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }
