package mnist

// FormatError reports a file or stream that is not the IDX data that was
// asked for: empty, truncated, too long, a wrong magic number, an
// unsupported data type, an absurd dimension, or a corrupt gzip stream.
// Errors that are not about the content (a missing file, a failing disk)
// are returned wrapped as they come, not as a FormatError.
type FormatError struct {
	// File is the name of the file the data came from; it is empty
	// when the data were read from an io.Reader by a Decode function.
	File string

	// Reason says what is wrong, in words a user can act on.
	Reason string

	// Err is the underlying error, if any (for example
	// io.ErrUnexpectedEOF or gzip.ErrChecksum); it may be nil.
	Err error
}

func (e *FormatError) Error() string {
	msg := "mnist: "
	if e.File != "" {
		msg += e.File + ": "
	}
	msg += e.Reason
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the underlying error, so errors.Is sees through it.
func (e *FormatError) Unwrap() error { return e.Err }
