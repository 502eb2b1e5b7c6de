//go:build !unix

package nn

import "errors"

func mkfifo(string) error { return errors.ErrUnsupported }
